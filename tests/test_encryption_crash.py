"""SIGKILL at random moments during ``tracker encrypt`` and ``tracker passphrase``.

Afterwards there is the old file or the new one, never neither and never a mix: the
database opens (plain, or with the old or the new passphrase), passes the integrity
check, and holds exactly what it held; the next command leaves no temporary copy and
nothing plain behind.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import FROZEN_TODAY, tracker_executable
from tests.test_encryption import PASSPHRASE, digest, files_under, passphrase_env, plant, planted_in
from tracker.backup import make_backup
from tracker.demo import generate
from tracker.store import Store, cipher

pytestmark = pytest.mark.slow
NEW = "and now another one"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """Two years of demo data and the planted records, with a backup, made once."""
    folder = tmp_path_factory.mktemp("base") / "data"
    db = folder / "tracker.db"
    with Store.open(db) as store:
        generate(store, years=2, seed=3)
        plant(store, everything=False)
    make_backup(db)  # as tracker makes them (one self-contained file)
    return db


def popen(db: Path, *args: str, env: dict[str, str]) -> subprocess.Popen:
    full = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_PASS")}
    full.update({"TRACKER_TODAY": FROZEN_TODAY.isoformat(), **env})
    return subprocess.Popen(
        [tracker_executable(), "--db", str(db), *args],
        env=full,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def copy_of(base: Path, into: Path) -> Path:
    shutil.copytree(base.parent, into / "data")
    return into / "data" / "tracker.db"


def kill_at(process: subprocess.Popen, moment: float, db: Path, *, after_temp: bool) -> None:
    """SIGKILL ``moment`` seconds after start, or (``after_temp``) that long after the
    conversion's temporary copy of the database appears."""
    started = time.monotonic()
    if after_temp:
        while process.poll() is None and time.monotonic() - started < 60:
            if any(p.name.startswith(f".{db.name}.tmp-") for p in db.parent.iterdir()):
                break
            time.sleep(0.002)
        started = time.monotonic()
    while process.poll() is None and time.monotonic() - started < moment:
        time.sleep(0.002)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


def full_run_seconds(base: Path, tmp_path: Path, *args: str, env: dict[str, str]) -> float:
    db = copy_of(base, tmp_path / "timing")
    started = time.monotonic()
    done = popen(db, *args, env=env)
    _, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    return time.monotonic() - started


def check_after(db: Path, expected: str, passphrases: list[str | None], env_for) -> str | None:
    """The database opens with one of ``passphrases`` (None: plain) and holds
    ``expected``; returns the one that opened it."""
    salt = cipher.file_salt(db)
    opened = None
    for passphrase in passphrases:
        if (passphrase is None) != (salt is None):
            continue
        if passphrase is not None and not cipher.unlocks(db, cipher.derive_key(passphrase, salt)):
            continue
        opened = passphrase
        break
    else:
        raise AssertionError(f"{db} opens with none of the passphrases")
    assert digest(db, opened) == expected
    # The next command opens and checks it, removes what the killed run left, and
    # brings the backups under the database's key.
    done = popen(db, "status", env=env_for(opened))
    _, err = done.communicate(timeout=120)
    assert done.returncode in (0, 1), err
    names = [p.name for p in files_under(db.parent)]
    assert not [n for n in names if ".tmp-" in n], names
    if opened is not None:
        assert planted_in(db.parent) == []
    return opened


def test_sigkill_during_encrypt(base, tmp_path):
    expected = digest(base)
    env = passphrase_env(tmp_path)
    whole = full_run_seconds(base, tmp_path, "encrypt", env=env)
    rng = random.Random(14)
    outcomes = set()
    for n in range(10):
        after_temp = n % 2 == 1
        moment = rng.uniform(0, 0.3) if after_temp else rng.uniform(0, whole)
        db = copy_of(base, tmp_path / f"run{n}")
        kill_at(popen(db, "encrypt", env=env), moment, db, after_temp=after_temp)
        try:
            outcomes.add(
                check_after(
                    db, expected, [None, PASSPHRASE], lambda p: env if p is not None else {}
                )
            )
        except AssertionError as exc:
            where = f"killed at {moment:.3f} s (after_temp={after_temp})"
            raise AssertionError(f"{where}: {exc}") from exc
    assert outcomes  # (which ones happened depends on the machine's speed)


def test_sigkill_during_a_change_of_passphrase(base, tmp_path):
    expected = digest(base)
    old = passphrase_env(tmp_path)
    new = passphrase_env(tmp_path, NEW, "new")
    both = {**old, "TRACKER_NEW_PASSPHRASE_COMMAND": new["TRACKER_PASSPHRASE_COMMAND"]}
    encrypted = copy_of(base, tmp_path / "encrypted")
    done = popen(encrypted, "encrypt", env=old)
    assert done.wait(timeout=120) == 0
    whole = full_run_seconds(encrypted, tmp_path, "passphrase", env=both)
    rng = random.Random(15)
    for n in range(10):
        after_temp = n % 2 == 1
        moment = rng.uniform(0, 0.3) if after_temp else rng.uniform(0, whole)
        db = copy_of(encrypted, tmp_path / f"run{n}")
        kill_at(popen(db, "passphrase", env=both), moment, db, after_temp=after_temp)
        try:
            opened = check_after(
                db, expected, [PASSPHRASE, NEW], lambda p: old if p == PASSPHRASE else new
            )
        except AssertionError as exc:
            where = f"killed at {moment:.3f} s (after_temp={after_temp})"
            raise AssertionError(f"{where}: {exc}") from exc
        # Every backup ends under the database's key (the old key waited in the new
        # database until they had it).
        salt = cipher.file_salt(db)
        for file in files_under(db.parent):
            assert cipher.file_salt(file) == salt, (file, opened)
