"""Encryption at rest (issue 14): the real ``tracker`` in subprocesses, on real files.

After ``tracker encrypt`` nothing planted in the database is found in any file under
its folder; a wrong or changed passphrase; the decrypt round trip; every command
on an encrypted database; where a passphrase may come from (a command, the keyring,
the session's cache, the terminal) and what happens when none gives one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FROZEN_TODAY, tracker_executable
from tests.trust_helpers import TABLES, populate
from tracker.models import CheckIn, Rupture
from tracker.store import Store, cipher

PASSPHRASE = "correct horse battery staple"
PLANTED = (b"PLANTED-NOTE-7f3a", b"PLANTED-NEED-91c2", b"PlantedPerson-e44d", b"PLANTED-RUPTURE")
REPO = Path(__file__).resolve().parent.parent


def plant(store: Store, *, everything: bool = True) -> None:
    """A little of everything (into an empty database), and a note, a need, a person
    and a rupture to look for."""
    if everything:
        populate(store)
    store.save_checkin(
        CheckIn.create(
            day="2026-11-27",
            mood=2,
            note=f"a long evening {PLANTED[0].decode()}",
            need=PLANTED[1].decode(),
            people=[PLANTED[2].decode()],
        )
    )
    store.save_rupture(
        Rupture.create(
            happened_at="2026-11-26T19:30:00+01:00",
            my_move="pursued",
            intensity=3,
            what_happened=f"texted again {PLANTED[3].decode()}",
        )
    )


def secret_file(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / name
    file.write_text(text + "\n")
    file.chmod(0o600)
    return file


def passphrase_env(tmp_path: Path, text: str = PASSPHRASE, name: str = "pass") -> dict[str, str]:
    """``TRACKER_PASSPHRASE_COMMAND`` printing ``text`` (from a file: not in any argv)."""
    file = secret_file(tmp_path / "secrets", name, text)
    return {"TRACKER_PASSPHRASE_COMMAND": f"cat {shlex.quote(str(file))}"}


def run(db: Path, *args: str, env: dict[str, str] | None = None, input: str | None = None):
    """The installed tracker, in a session of its own (no terminal to ask on), with
    only the passphrase sources the test gives."""
    full = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "TRACKER_PASSPHRASE_COMMAND",
            "TRACKER_NEW_PASSPHRASE_COMMAND",
            "XDG_RUNTIME_DIR",
            "PYTHON_KEYRING_BACKEND",
        }
    }
    full.update({"TRACKER_TODAY": FROZEN_TODAY.isoformat(), **(env or {})})
    return subprocess.run(
        [tracker_executable(), "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=full,
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        timeout=120,
        start_new_session=True,
    )


def digest(path: Path, passphrase: str | None = None) -> str:
    """A hash of every row of every table, plain or encrypted (equal: same contents)."""
    key = None
    salt = cipher.file_salt(path)
    if salt is not None:
        assert passphrase is not None
        key = cipher.derive_key(passphrase, salt)
    conn = cipher.connect_file(path, key=key)
    try:
        out = hashlib.sha256()
        for table in TABLES:
            out.update(table.encode())
            for row in sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr):
                out.update(repr(row).encode())
        return out.hexdigest()
    finally:
        conn.close()


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def planted_in(folder: Path) -> list[tuple[str, bytes]]:
    found = []
    for file in files_under(folder):
        data = file.read_bytes()
        found += [(file.name, word) for word in PLANTED if word in data]
    return found


@pytest.fixture
def planted_db(db_path, run_tracker) -> Path:
    with Store.open(db_path) as store:
        plant(store)
    assert run_tracker("backup").returncode == 0  # a manual backup, and today's
    return db_path


@pytest.fixture
def encrypted_db(planted_db, tmp_path) -> Path:
    done = run(planted_db, "encrypt", env=passphrase_env(tmp_path))
    assert done.returncode == 0, done.stderr
    return planted_db


# --- Nothing plain on disk -------------------------------------------------------------------


def test_after_encrypt_nothing_planted_is_in_any_file_under_the_data_folder(planted_db, tmp_path):
    folder = planted_db.parent
    assert planted_in(folder)  # (the test can fail: the plain files hold them)
    plain_before = digest(planted_db)
    env = passphrase_env(tmp_path)
    done = run(planted_db, "encrypt", env=env)
    assert done.returncode == 0, done.stderr
    assert "Encrypted" in done.stdout and "2 backups" in done.stdout
    assert planted_in(folder) == []
    # Every file tracker leaves there is the database or one of its backups, each
    # encrypted with the same salt; no temporary copy, no -wal or -shm.
    salt = cipher.file_salt(planted_db)
    assert salt is not None
    for file in files_under(folder):
        assert not file.name.startswith("."), file
        assert cipher.file_salt(file) == salt, file
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert digest(planted_db, PASSPHRASE) == plain_before
    # More use: a new check-in (through the WAL), search, status, another backup.
    for args in (
        ("add", "--mood", "3", "--note", "PLANTED-NOTE-7f3a again"),
        ("search", "PLANTED"),
        ("status",),
        ("backup",),
        ("week",),
    ):
        used = run(planted_db, *args, env=env)
        assert used.returncode in (0, 1), (args, used.stderr)
    assert "NOTE-7f3a again" in run(planted_db, "search", "PLANTED", env=env).stdout
    assert planted_in(folder) == []
    assert all(cipher.file_salt(f) == salt for f in files_under(folder))


def test_while_open_the_wal_and_shm_hold_nothing_plain(encrypted_db, tmp_path):
    cipher.remember(cipher.derive_key(PASSPHRASE, cipher.file_salt(encrypted_db)))
    try:
        store = Store.open(encrypted_db)
        try:
            store.save_checkin(CheckIn.create(mood=4, note="PLANTED-NOTE-7f3a in the WAL"))
            wal = Path(f"{encrypted_db}-wal")
            assert wal.stat().st_size > 0
            assert planted_in(encrypted_db.parent) == []
            assert store.search("PLANTED")  # the search index is in the same file
        finally:
            store.close()
    finally:
        cipher.forget_keys()


def test_exports_and_reports_are_plain_said_once_and_owner_only(encrypted_db, tmp_path):
    env = passphrase_env(tmp_path)
    out = tmp_path / "export"
    done = run(encrypted_db, "export", "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("is not (it is plain text by nature)") == 1
    for file in files_under(out):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
    report = tmp_path / "report.md"
    done = run(encrypted_db, "report", "--out", str(report), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("plain text by nature") == 1
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    plain = run(encrypted_db.parent / "other.db", "add", "--mood", "3")
    assert plain.returncode == 0
    quiet = run(encrypted_db.parent / "other.db", "export", "--out", str(tmp_path / "e2"))
    assert "plain text by nature" not in quiet.stderr  # a plain database: nothing to say


# --- Unlocking ---------------------------------------------------------------------------------


def test_a_wrong_passphrase_is_one_line_exit_3_and_nothing_changed(encrypted_db, tmp_path):
    before = {p: p.read_bytes() for p in files_under(encrypted_db.parent)}
    for args in (("status",), ("add", "--mood", "4"), ("backup",), ("export",), ("passphrase",)):
        done = run(encrypted_db, *args, env=passphrase_env(tmp_path, "not it"))
        assert done.returncode == 3, (args, done.stderr)
        assert done.stderr.count("\n") == 1, done.stderr
        assert "does not unlock" in done.stderr
        assert {p: p.read_bytes() for p in files_under(encrypted_db.parent)} == before


def test_an_encrypted_database_without_a_way_to_unlock_says_so_and_how(encrypted_db):
    done = run(encrypted_db, "status")
    assert done.returncode == 3
    assert "is encrypted" in done.stderr
    assert "TRACKER_PASSPHRASE_COMMAND" in done.stderr and "--remember" in done.stderr
    assert done.stderr.count("\n") == 1


def test_a_passphrase_command_that_fails_is_one_line_and_its_stderr_shows(encrypted_db):
    done = run(
        encrypted_db,
        "status",
        env={"TRACKER_PASSPHRASE_COMMAND": "sh -c 'echo gpg: no secret key >&2; exit 4'"},
    )
    assert done.returncode == 3
    assert "gpg: no secret key" in done.stderr  # the command's own words pass through
    assert "failed (exit 4)" in done.stderr
    missing = run(encrypted_db, "status", env={"TRACKER_PASSPHRASE_COMMAND": "no-such-pass-x"})
    assert missing.returncode == 3 and "was not found" in missing.stderr
    unreadable = run(encrypted_db, "status", env={"TRACKER_PASSPHRASE_COMMAND": "cat 'open"})
    assert unreadable.returncode == 2 and "cannot be read as a command" in unreadable.stderr
    empty = run(encrypted_db, "status", env={"TRACKER_PASSPHRASE_COMMAND": "printf ''"})
    assert empty.returncode == 3 and "printed no passphrase" in empty.stderr


def test_the_command_runs_without_a_shell(encrypted_db, tmp_path):
    """A `;` is an argument, not a second command: nothing else runs."""
    marker = tmp_path / "ran"
    file = secret_file(tmp_path / "secrets", "pass", PASSPHRASE)
    done = run(
        encrypted_db,
        "status",
        env={"TRACKER_PASSPHRASE_COMMAND": f"cat {file} ; touch {marker}"},
    )
    assert not marker.exists()
    assert done.returncode == 3  # cat fails on the files ';' and 'touch'


def test_no_passphrase_in_argv_or_help(run_tracker):
    for command in ("encrypt", "decrypt", "passphrase", "unlock", "lock"):
        text = run_tracker(command, "--help").stdout
        assert "--passphrase" not in text and "--password" not in text


def test_changing_the_passphrase(encrypted_db, tmp_path):
    old, new = passphrase_env(tmp_path), passphrase_env(tmp_path, "a new one, longer", "new")
    before = digest(encrypted_db, PASSPHRASE)
    old_salt = cipher.file_salt(encrypted_db)
    done = run(
        encrypted_db,
        "passphrase",
        env={**old, "TRACKER_NEW_PASSPHRASE_COMMAND": new["TRACKER_PASSPHRASE_COMMAND"]},
    )
    assert done.returncode == 0, done.stderr
    assert "Re-encrypted 2 backups" in done.stdout
    assert run(encrypted_db, "status", env=old).returncode == 3
    assert run(encrypted_db, "status", env=new).returncode in (0, 1)
    assert digest(encrypted_db, "a new one, longer") == before
    new_salt = cipher.file_salt(encrypted_db)
    assert new_salt != old_salt
    for file in files_under(encrypted_db.parent):
        assert cipher.file_salt(file) == new_salt, file
    # The old key is not left behind in the settings.
    key = cipher.derive_key("a new one, longer", new_salt)
    conn = cipher.connect_file(encrypted_db, key=key)
    assert cipher.rekey_note(conn) is None
    conn.close()


def test_decrypt_round_trip(planted_db, tmp_path):
    before = digest(planted_db)
    env = passphrase_env(tmp_path)
    assert run(planted_db, "encrypt", env=env).returncode == 0
    copy = tmp_path / "copy.db"
    done = run(planted_db, "decrypt", "--out", str(copy), env=env)
    assert done.returncode == 0, done.stderr
    assert "not encrypted" in done.stdout
    assert copy.read_bytes()[:16] == b"SQLite format 3\x00"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert digest(copy) == before
    assert cipher.is_encrypted(planted_db)  # --out leaves the database as it was
    assert run(planted_db, "decrypt", "--out", str(copy), env=env).returncode == 3  # exists
    done = run(planted_db, "decrypt", env=env)
    assert done.returncode == 0, done.stderr
    assert "plain again" in done.stdout
    for file in files_under(planted_db.parent):
        assert file.read_bytes()[:16] == b"SQLite format 3\x00", file
    assert digest(planted_db) == before
    conn = sqlite3.connect(planted_db)  # any SQLite reads it now
    assert conn.execute("SELECT count(*) FROM checkins").fetchone()[0] == 3
    conn.close()
    assert run(planted_db, "status").returncode in (0, 1)  # and no passphrase is asked


def test_encrypt_twice_says_there_is_nothing_to_do(encrypted_db, tmp_path):
    done = run(encrypted_db, "encrypt", env=passphrase_env(tmp_path))
    assert done.returncode == 0 and "already encrypted" in done.stdout


def test_plain_backups_left_by_an_interrupted_encrypt_are_encrypted_at_the_next_open(
    encrypted_db, tmp_path
):
    """(As if ``tracker encrypt`` had been killed after the database, before a backup.)"""
    plain = tmp_path / "plain.db"
    with Store.open(plain) as store:
        plant(store)
    from tracker import paths

    left = paths.backups_dir(encrypted_db) / f"{encrypted_db.stem}-manual-20261101-101010.db"
    left.write_bytes(plain.read_bytes())
    left.chmod(0o600)
    assert planted_in(encrypted_db.parent)
    done = run(encrypted_db, "status", env=passphrase_env(tmp_path))
    assert done.returncode in (0, 1), done.stderr
    assert "Encrypted 1 backup" in done.stderr
    assert planted_in(encrypted_db.parent) == []


# --- Every command on an encrypted database --------------------------------------------------


def test_commands_work_the_same_on_an_encrypted_database(encrypted_db, tmp_path):
    env = passphrase_env(tmp_path)
    for args, code in (
        (("status",), 1),
        (("list", "--days", "30"), 0),
        (("search", "checking"), 0),
        (("week",), 0),
        (("session", "list"), 0),
        (("report",), 0),
        (("chart", "mood"), 0),
    ):
        done = run(encrypted_db, *args, env=env)
        assert done.returncode == code, (args, done.stderr)
    out = tmp_path / "export"
    assert run(encrypted_db, "export", "--out", str(out), env=env).returncode == 0
    # Import: into a new encrypted database, from the export.
    other = tmp_path / "other" / "tracker.db"
    assert run(other, "add", "--mood", "3").returncode == 0
    assert run(other, "encrypt", env=env).returncode == 0
    done = run(other, "import", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert run(other, "list", "--days", "30", env=env).stdout.count("mood") >= 3
    assert planted_in(other.parent) == []
    # Demo data into an encrypted, empty database.
    empty = tmp_path / "demo" / "tracker.db"
    Store.open(empty).close()
    assert run(empty, "encrypt", env=env).returncode == 0
    done = run(empty, "demo", "--years", "0.1", env=env)
    assert done.returncode == 0, done.stderr
    assert cipher.is_encrypted(empty)


def test_backup_and_restore_on_an_encrypted_database(encrypted_db, tmp_path):
    env = passphrase_env(tmp_path)
    target = tmp_path / "elsewhere.db"
    done = run(encrypted_db, "backup", str(target), env=env)
    assert done.returncode == 0, done.stderr
    assert cipher.file_salt(target) == cipher.file_salt(encrypted_db)
    before = digest(encrypted_db, PASSPHRASE)
    assert run(encrypted_db, "add", "--mood", "5", env=env).returncode == 0
    done = run(encrypted_db, "restore", str(target), "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert digest(encrypted_db, PASSPHRASE) == before
    # A plain backup restored into an encrypted database comes in encrypted.
    plain = tmp_path / "plain.db"
    with Store.open(plain) as store:
        plant(store)
    done = run(encrypted_db, "restore", str(plain), "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert cipher.file_salt(encrypted_db) == cipher.file_salt(target)
    assert planted_in(encrypted_db.parent) == []
    # An encrypted backup restored where there is no database: asked for, and as it is.
    fresh = tmp_path / "fresh" / "tracker.db"
    fresh.parent.mkdir()
    done = run(fresh, "restore", str(target), "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert digest(fresh, PASSPHRASE) == before
    wrong = run(fresh, "restore", str(target), "--yes", env=passphrase_env(tmp_path, "no"))
    assert wrong.returncode == 3


def test_a_backup_under_another_passphrase_is_asked_for_and_re_keyed(encrypted_db, tmp_path):
    env = passphrase_env(tmp_path)
    old_copy = tmp_path / "old.db"
    assert run(encrypted_db, "backup", str(old_copy), env=env).returncode == 0
    new = passphrase_env(tmp_path, "the second one", "new")
    changed = run(
        encrypted_db,
        "passphrase",
        env={**env, "TRACKER_NEW_PASSPHRASE_COMMAND": new["TRACKER_PASSPHRASE_COMMAND"]},
    )
    assert changed.returncode == 0, changed.stderr
    # old_copy (outside the backups folder) keeps the first passphrase. Restoring it
    # needs both: TRACKER_PASSPHRASE_COMMAND answers for the database first (the
    # session cache is the simplest way to give two).
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    cache = {"XDG_RUNTIME_DIR": str(runtime)}
    assert run(encrypted_db, "unlock", env={**new, **cache}).returncode == 0
    done = run(encrypted_db, "restore", str(old_copy), "--yes", env={**env, **cache})
    assert done.returncode == 0, done.stderr
    assert cipher.file_salt(encrypted_db) == cipher.file_salt(
        encrypted_db.parent / "backups" / next(iter(os.listdir(encrypted_db.parent / "backups")))
    )
    assert run(encrypted_db, "status", env=new).returncode in (0, 1)


# --- The keyring and the session's cache ------------------------------------------------------


def keyring_env(tmp_path: Path) -> dict[str, str]:
    return {
        "PYTHON_KEYRING_BACKEND": "tests.keyring_backend.FileKeyring",
        "TRACKER_TEST_KEYRING": str(tmp_path / "keyring.json"),
        "PYTHONPATH": str(REPO),
    }


def test_the_keyring_keeps_the_raw_key_never_the_passphrase(encrypted_db, tmp_path):
    pytest.importorskip("keyring")
    ring = keyring_env(tmp_path)
    done = run(encrypted_db, "passphrase", "--remember", env={**ring, **passphrase_env(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "--forget" in done.stdout
    entries = json.loads((tmp_path / "keyring.json").read_text())
    salt = cipher.file_salt(encrypted_db)
    assert list(entries) == [f"tracker/{salt.hex()}"]
    (value,) = entries.values()
    assert len(value) == 96 and PASSPHRASE not in value
    assert value == cipher.derive_key(PASSPHRASE, salt).to_text()
    assert run(encrypted_db, "status", env=ring).returncode == 1  # no passphrase asked
    assert run(encrypted_db, "backup", env=ring).returncode == 0
    done = run(encrypted_db, "passphrase", "--forget", env=ring)
    assert done.returncode == 0 and "Removed" in done.stdout
    assert json.loads((tmp_path / "keyring.json").read_text()) == {}
    assert run(encrypted_db, "status", env=ring).returncode == 3


def test_the_keyring_does_not_count_for_changing_the_passphrase(encrypted_db, tmp_path):
    pytest.importorskip("keyring")
    ring = keyring_env(tmp_path)
    assert (
        run(
            encrypted_db, "passphrase", "--remember", env={**ring, **passphrase_env(tmp_path)}
        ).returncode
        == 0
    )
    new = passphrase_env(tmp_path, "other", "new")
    done = run(
        encrypted_db,
        "passphrase",
        env={**ring, "TRACKER_NEW_PASSPHRASE_COMMAND": new["TRACKER_PASSPHRASE_COMMAND"]},
    )
    assert done.returncode == 3 and "is encrypted" in done.stderr
    assert run(encrypted_db, "status", env=ring).returncode == 1  # unchanged


def test_unlock_for_the_session_and_lock_again(encrypted_db, tmp_path):
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    cache = {"XDG_RUNTIME_DIR": str(runtime)}
    done = run(encrypted_db, "unlock", "--for", "5", env={**cache, **passphrase_env(tmp_path)})
    assert done.returncode == 0, done.stderr
    (file,) = (runtime / "tracker").iterdir()
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert PASSPHRASE.encode() not in file.read_bytes()
    assert run(encrypted_db, "status", env=cache).returncode == 1
    done = run(encrypted_db, "lock", env=cache)
    assert done.returncode == 0 and "Locked" in done.stdout
    assert run(encrypted_db, "status", env=cache).returncode == 3
    # An expired key is not used (and is removed).
    assert run(encrypted_db, "unlock", env={**cache, **passphrase_env(tmp_path)}).returncode == 0
    (file,) = (runtime / "tracker").iterdir()
    _, key = file.read_text().split()
    file.write_text(f"1000 {key}\n")
    assert run(encrypted_db, "status", env=cache).returncode == 3
    assert not file.exists()


def test_a_runtime_folder_others_can_enter_is_not_used(encrypted_db, tmp_path):
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o755)
    runtime.chmod(0o755)
    done = run(
        encrypted_db,
        "unlock",
        env={"XDG_RUNTIME_DIR": str(runtime), **passphrase_env(tmp_path)},
    )
    assert done.returncode == 3 and "no private runtime folder" in done.stderr


def test_the_idle_lock_setting(encrypted_db, tmp_path, run_tracker):
    env = passphrase_env(tmp_path)
    done = run(encrypted_db, "lock", "--after", "10", env=env)
    assert done.returncode == 0 and "after 10 idle minutes" in done.stdout
    key = cipher.derive_key(PASSPHRASE, cipher.file_salt(encrypted_db))
    conn = cipher.connect_file(encrypted_db, key=key)
    assert conn.execute("SELECT value FROM settings WHERE key = 'lock_after_minutes'").fetchone()
    conn.close()
    assert run(encrypted_db, "lock", "--off", env=env).returncode == 0
    plain = encrypted_db.parent / "plain.db"
    assert run(plain, "add", "--mood", "3").returncode == 0
    assert run(plain, "lock", "--after", "5").returncode == 3


def test_a_conversion_waits_for_no_one_it_stops_while_tracker_is_open_elsewhere(
    planted_db, tmp_path
):
    env = passphrase_env(tmp_path)
    before = planted_db.read_bytes()
    with Store.open(planted_db) as store:  # the app in another terminal keeps one open
        store.checkin_count()
        done = run(planted_db, "encrypt", env=env)
        assert done.returncode == 3, done.stderr
        assert "in use by another program" in done.stderr
        assert "nothing was changed" in done.stderr
    assert not cipher.is_encrypted(planted_db)
    assert planted_db.read_bytes()[:16] == before[:16]
    assert run(planted_db, "encrypt", env=env).returncode == 0


# --- Reminders on an encrypted database ------------------------------------------------------


def test_a_reminder_on_an_encrypted_database_unlocks_or_says_in_one_line_why_not(
    encrypted_db, tmp_path
):
    tools = tmp_path / "bin"
    tools.mkdir()
    log = tmp_path / "notified.log"
    notify = tools / "notify-send"
    notify.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> {shlex.quote(str(log))}\n')
    notify.chmod(0o755)
    path = {"PATH": f"{tools}:{os.environ['PATH']}"}
    blocked = run(encrypted_db, "remind", "now", env=path)
    assert blocked.returncode == 3 and len(blocked.stderr.strip().splitlines()) == 1
    assert "encrypted" in blocked.stderr and not log.exists()
    unlocked = run(encrypted_db, "remind", "now", env={**path, **passphrase_env(tmp_path)})
    assert unlocked.returncode == 0, unlocked.stderr
    assert "today's check-in" in log.read_text()
    short = run(encrypted_db, "status", "--short", env=passphrase_env(tmp_path))
    assert short.returncode in (0, 1) and "Error" not in short.stderr


# --- Refused while in use: nothing changed, backups included ---------------------------------


class OpenElsewhere:
    """Another program with the database open (SQLCipher's library, the key given), as
    tracker's app would be, until :meth:`close`."""

    def __init__(self, db: Path, passphrase: str | None = PASSPHRASE):
        key = ""
        salt = cipher.file_salt(db)
        if salt is not None:
            assert passphrase is not None
            key = cipher.derive_key(passphrase, salt).sql
        script = (
            "import sys\n"
            "from sqlcipher3 import dbapi2 as sqlite3\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "if sys.argv[2]: c.execute('PRAGMA key = \"' + sys.argv[2] + '\"')\n"
            "c.execute('PRAGMA journal_mode = WAL').fetchone()\n"  # as tracker opens it
            "c.execute('SELECT count(*) FROM checkins').fetchone()\n"
            "print('open', flush=True)\n"
            "sys.stdin.readline()\n"
            "c.close()\n"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", script, str(db), key],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "open"

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        self.process.wait(timeout=30)


def _backup_bytes(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((db.parent / "backups").glob("*.db"))}


def test_a_decrypt_refused_while_the_database_is_in_use_leaves_the_backups_encrypted(
    encrypted_db, tmp_path
):
    backups = _backup_bytes(encrypted_db)
    assert backups and all(
        cipher.is_encrypted(encrypted_db.parent / "backups" / n) for n in backups
    )
    other = OpenElsewhere(encrypted_db)
    try:
        done = run(encrypted_db, "decrypt", env=passphrase_env(tmp_path))
    finally:
        other.close()
    assert done.returncode == 3 and "in use" in done.stderr, done.stderr
    assert _backup_bytes(encrypted_db) == backups
    assert planted_in(encrypted_db.parent) == []


def test_a_restore_refused_while_the_database_is_in_use_writes_and_prunes_nothing(
    planted_db, tmp_path
):
    target = tmp_path / "a-backup.db"
    assert run(planted_db, "backup", str(target)).returncode == 0
    folder = planted_db.parent / "backups"
    before = sorted(p.name for p in folder.iterdir())
    other = OpenElsewhere(planted_db, None)
    try:
        for _ in range(6):
            done = run(planted_db, "restore", str(target), "--yes")
            assert done.returncode == 3 and "in use" in done.stderr, done.stderr
    finally:
        other.close()
    assert sorted(p.name for p in folder.iterdir()) == before


def test_encrypt_refuses_a_database_in_use_before_asking_for_a_passphrase(planted_db, tmp_path):
    marker = tmp_path / "asked"
    env = {"TRACKER_PASSPHRASE_COMMAND": f"sh -c 'touch {marker}; echo {PASSPHRASE}'"}
    other = OpenElsewhere(planted_db, None)
    try:
        done = run(planted_db, "encrypt", env=env)
    finally:
        other.close()
    assert done.returncode == 3 and "in use" in done.stderr, done.stderr
    assert not marker.exists() and not cipher.is_encrypted(planted_db)
