"""Sync of encrypted databases (issue 15): what sync writes is encrypted too.

The real ``tracker`` in subprocesses on real files: two encrypted databases (each
with its own passphrase) sync through one folder, and nothing planted in either is
found in any file there; the folder key is chosen once and asked for once per device;
a plain database, a wrong passphrase, no passphrase, a changed file and a removed
``folder.key`` each end in one line with nothing written, or are put right. The
sealing itself (:mod:`tracker.sealing`) is tested in process below.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.test_encryption import PLANTED, digest, passphrase_env, plant, planted_in, run
from tracker import sealing
from tracker.models import CheckIn
from tracker.store import Store, cipher
from tracker.syncdir import KEY_FILE, SUBFOLDER

FOLDER_PASSPHRASE = "the folder's own words"
B_PLANTED = b"B-DEVICE-PLANTED-5d21"


def folder_env(tmp_path: Path, text: str = FOLDER_PASSPHRASE) -> dict[str, str]:
    env = passphrase_env(tmp_path, text, name="folder")
    return {"TRACKER_SYNC_PASSPHRASE_COMMAND": env["TRACKER_PASSPHRASE_COMMAND"]}


def device(tmp_path: Path, name: str, *, encrypted: bool = True, planted: bool = True) -> Path:
    db = tmp_path / name / "tracker.db"
    db.parent.mkdir()
    with Store.open(db) as store:
        if planted and name == "a":
            plant(store, everything=False)
        elif planted:
            store.save_checkin(
                CheckIn.create(day="2026-11-25", mood=4, note=f"a walk {B_PLANTED.decode()}")
            )
    if encrypted:
        done = run(db, "encrypt", env=passphrase_env(tmp_path, f"pass of {name}", name=name))
        assert done.returncode == 0, done.stderr
    return db


def env_of(tmp_path: Path, name: str, **extra: str) -> dict[str, str]:
    return {**passphrase_env(tmp_path, f"pass of {name}", name=name), **extra}


def sync(tmp_path: Path, db: Path, folder: Path, *, folder_passphrase: str | None = None):
    name = db.parent.name
    env = env_of(tmp_path, name)
    if folder_passphrase is not None:
        env.update(folder_env(tmp_path, folder_passphrase))
    return run(db, "sync", str(folder), env=env)


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def notes_of(tmp_path: Path, db: Path) -> list[str]:
    """Every check-in note in the (encrypted) database, opened in this process."""
    if cipher.is_encrypted(db):
        name = db.parent.name
        cipher.remember(cipher.derive_key(f"pass of {name}", cipher.file_salt(db)))
    with Store.open(db) as store:
        return sorted(c.note or "" for c in store.checkins())


@pytest.fixture
def folder(tmp_path) -> Path:
    path = tmp_path / "Sync"
    path.mkdir()
    return path


def test_two_encrypted_devices_sync_and_nothing_they_hold_is_plain_in_the_folder(tmp_path, folder):
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    first = sync(tmp_path, a, folder, folder_passphrase=FOLDER_PASSPHRASE)
    assert first.returncode == 0, first.stderr
    assert "sealed from now on" in first.stdout
    sub = folder / SUBFOLDER
    key_file = sub / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(sub.stat().st_mode) == 0o700
    joined = sync(tmp_path, b, folder, folder_passphrase=FOLDER_PASSPHRASE)
    assert joined.returncode == 0, joined.stderr
    assert "will not ask for the folder's passphrase again" in joined.stdout
    back = sync(tmp_path, a, folder)  # A holds the key: no folder passphrase needed
    assert back.returncode == 0, back.stderr

    assert any(PLANTED[0].decode() in n for n in notes_of(tmp_path, b))
    assert any(B_PLANTED.decode() in n for n in notes_of(tmp_path, a))
    device_files = sorted(sub.glob("*.json"))
    assert len(device_files) == 2
    for file in device_files:
        data = file.read_bytes()
        assert sealing.is_sealed(data) and b"checkins" not in data
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert planted_in(folder) == []
    assert all(B_PLANTED not in data for data in folder_bytes(folder).values())
    assert json.loads(key_file.read_text())["key"] == json.loads(device_files[0].read_text())["key"]

    # Idempotent: the same records are not sealed again (a new nonce would rewrite the file).
    before = folder_bytes(folder)
    for db in (a, b, a):
        again = sync(tmp_path, db, folder)
        assert again.returncode == 0, again.stderr
        assert "is as it was" in again.stdout
    assert folder_bytes(folder) == before


def test_a_plain_database_is_refused_a_sealed_folder_and_nothing_is_written(tmp_path, folder):
    a = device(tmp_path, "a")
    assert sync(tmp_path, a, folder, folder_passphrase=FOLDER_PASSPHRASE).returncode == 0
    plain = device(tmp_path, "c", encrypted=False)
    before, held = folder_bytes(folder), digest(plain)
    done = run(plain, "sync", str(folder))
    assert done.returncode == 3, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "tracker encrypt" in done.stderr and "plain text" in done.stderr
    assert folder_bytes(folder) == before and digest(plain) == held


def test_a_wrong_or_missing_folder_passphrase_is_one_line_and_nothing_is_written(tmp_path, folder):
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    assert sync(tmp_path, a, folder, folder_passphrase=FOLDER_PASSPHRASE).returncode == 0
    before, held = folder_bytes(folder), digest(b, "pass of b")

    wrong = sync(tmp_path, b, folder, folder_passphrase="not the folder's")
    assert wrong.returncode == 3, wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1
    assert "passphrase" in wrong.stderr and KEY_FILE in wrong.stderr

    none = sync(tmp_path, b, folder)  # no command, and no terminal to ask on
    assert none.returncode == 3, none.stderr
    assert len(none.stderr.strip().splitlines()) == 1
    assert "TRACKER_SYNC_PASSPHRASE_COMMAND" in none.stderr
    assert folder_bytes(folder) == before and digest(b, "pass of b") == held


def test_an_encrypted_database_with_no_folder_passphrase_to_choose_writes_nothing(tmp_path, folder):
    a = device(tmp_path, "a")
    held = digest(a, "pass of a")
    done = sync(tmp_path, a, folder)
    assert done.returncode == 3, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "TRACKER_SYNC_PASSPHRASE_COMMAND" in done.stderr
    assert list(folder.iterdir()) == []  # not even an empty tracker-sync folder
    assert digest(a, "pass of a") == held


def test_a_sealed_file_changed_in_the_folder_is_refused(tmp_path, folder):
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    assert sync(tmp_path, a, folder, folder_passphrase=FOLDER_PASSPHRASE).returncode == 0
    (file,) = (folder / SUBFOLDER).glob("*.json")
    envelope = json.loads(file.read_text())
    data = envelope["data"]
    envelope["data"] = ("B" if data[40] != "B" else "C").join([data[:40], data[41:]])
    file.write_text(json.dumps(envelope, separators=(",", ":")) + "\n")
    before, held = folder_bytes(folder), digest(b, "pass of b")
    done = sync(tmp_path, b, folder, folder_passphrase=FOLDER_PASSPHRASE)
    assert done.returncode == 3, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "changed or damaged" in done.stderr and file.name in done.stderr
    assert folder_bytes(folder) == before and digest(b, "pass of b") == held


def test_a_removed_folder_key_is_put_back_without_asking(tmp_path, folder):
    a = device(tmp_path, "a")
    assert sync(tmp_path, a, folder, folder_passphrase=FOLDER_PASSPHRASE).returncode == 0
    key_file = folder / SUBFOLDER / KEY_FILE
    kept = key_file.read_bytes()
    key_file.unlink()
    done = sync(tmp_path, a, folder)
    assert done.returncode == 0, done.stderr
    assert "is written (it was missing)" in done.stdout
    assert key_file.read_bytes() == kept


def test_a_device_encrypted_later_seals_its_file_and_names_the_plain_ones(tmp_path, folder):
    a = device(tmp_path, "a", encrypted=False)
    b = device(tmp_path, "b", encrypted=False)
    for db in (a, b):
        assert run(db, "sync", str(folder)).returncode == 0
    assert planted_in(folder) != []  # plain databases sync plain
    assert run(a, "encrypt", env=env_of(tmp_path, "a")).returncode == 0
    sealed = sync(tmp_path, a, folder, folder_passphrase=FOLDER_PASSPHRASE)
    assert sealed.returncode == 0, sealed.stderr
    assert "is not sealed, so it is not read" in sealed.stdout  # B's plain file: anyone's
    files = {p.name: sealing.is_sealed(p.read_bytes()) for p in (folder / SUBFOLDER).glob("*.json")}
    assert sorted(files.values()) == [False, True]  # A's own file was sealed in place; B's not
    assert B_PLANTED in b"".join(folder_bytes(folder).values())

    refused = run(b, "sync", str(folder))
    assert refused.returncode == 3 and "tracker encrypt" in refused.stderr
    assert run(b, "encrypt", env=env_of(tmp_path, "b")).returncode == 0
    joined = sync(tmp_path, b, folder, folder_passphrase=FOLDER_PASSPHRASE)
    assert joined.returncode == 0, joined.stderr
    everything = b"".join(folder_bytes(folder).values())
    assert B_PLANTED not in everything and planted_in(folder) == []
    again = sync(tmp_path, a, folder)
    assert again.returncode == 0 and "is not sealed" not in again.stdout
    assert any(B_PLANTED.decode() in n for n in notes_of(tmp_path, a))


def test_a_plain_copy_of_the_database_leaves_the_folder_key_out(tmp_path, folder):
    a = device(tmp_path, "a")
    assert sync(tmp_path, a, folder, folder_passphrase=FOLDER_PASSPHRASE).returncode == 0
    out = tmp_path / "plain.db"
    done = run(a, "decrypt", "--out", str(out), env=env_of(tmp_path, "a"))
    assert done.returncode == 0, done.stderr
    with Store.open(out) as store:
        assert store.settings_starting("sync.key:") == {}
        assert store.settings_starting("sync.folder:") != {}
    key = sealing.unwrap((folder / SUBFOLDER / KEY_FILE).read_bytes(), FOLDER_PASSPHRASE)
    assert key.to_text().encode() not in out.read_bytes()
    refused = run(out, "sync", str(folder))
    assert refused.returncode == 3 and "tracker encrypt" in refused.stderr


# --- the sealing itself ------------------------------------------------------------------


def test_sealed_bytes_open_only_with_their_key_and_unchanged():
    key, other = sealing.new_key(), sealing.new_key()
    data = b'{"by":{},\n"device":"x"}\n'
    sealed = sealing.seal(data, key)
    assert sealing.is_sealed(sealed) and not sealing.is_sealed(data)
    assert sealing.seal(data, None) == data and sealing.unseal(data, {key.id: key}) == data
    assert sealing.seal(data, key) != sealed  # a fresh nonce each time
    assert sealing.unseal(sealed, {key.id: key}) == data
    assert sealing.sealed_with(sealed) == key.id and sealing.sealed_with(data) is None
    assert key.secret.hex() not in repr(key) and key.secret not in sealed

    with pytest.raises(sealing.SealError) as no_key:
        sealing.unseal(sealed, {})
    assert no_key.value.reason == "no-key"
    with pytest.raises(sealing.SealError) as other_key:
        sealing.unseal(sealed, {other.id: other})
    assert other_key.value.reason == "other-key"
    # The key id is authenticated: naming another key the device has does not open it.
    envelope = json.loads(sealed)
    envelope["key"] = other.id
    renamed = json.dumps(envelope, separators=(",", ":")).encode()
    with pytest.raises(sealing.SealError) as swapped:
        sealing.unseal(renamed, {other.id: other, key.id: key})
    assert swapped.value.reason == "damaged"
    for broken in (sealed[:-20], b'{"sealed":"tracker-sync"}', b'{"sealed":', sealed + b"x"):
        with pytest.raises(sealing.SealError) as bad:
            sealing.unseal(broken, {key.id: key})
        assert bad.value.reason in ("damaged", "newer")
    envelope = json.loads(sealed)
    envelope["version"] = 2
    with pytest.raises(sealing.SealError) as newer:
        sealing.unseal(json.dumps(envelope).replace(" ", "").encode(), {key.id: key})
    assert newer.value.reason == "newer"


def test_the_folder_key_is_wrapped_with_the_passphrase_and_bounded():
    key = sealing.new_key()
    blob = sealing.wrap(key, "some words")
    assert key.secret.hex().encode() not in blob
    assert sealing.wrapped_id(blob) == key.id
    assert sealing.unwrap(blob, "some words") == key
    with pytest.raises(sealing.SealError) as wrong:
        sealing.unwrap(blob, "other words")
    assert wrong.value.reason == "passphrase"
    text = json.loads(blob)
    for field, value in (("n", 2**30), ("n", 1000), ("r", 10**6), ("p", True), ("kdf", "md5")):
        hostile = json.dumps({**text, field: value}).encode()
        with pytest.raises(sealing.SealError) as refused:
            sealing.unwrap(hostile, "some words")
        assert refused.value.reason in ("damaged", "newer")
    renamed = json.dumps({**text, "key": sealing.new_key().id}).encode()
    with pytest.raises(sealing.SealError):
        sealing.unwrap(renamed, "some words")


def test_backups_in_a_second_place_of_an_encrypted_database_are_encrypted(tmp_path):
    a = device(tmp_path, "a")
    second = tmp_path / "second place"
    second.mkdir(mode=0o700)
    done = run(a, "backup", env=env_of(tmp_path, "a", TRACKER_BACKUP_DIR=str(second)))
    assert done.returncode == 0, done.stderr
    copies = [p for p in second.rglob("*.db") if p.is_file()]
    assert copies
    for copy in copies:
        assert cipher.is_encrypted(copy) and cipher.file_salt(copy) == cipher.file_salt(a)
    assert planted_in(second) == []


# --- what a hostile folder, a damaged file or a kill can do --------------------------------


def encrypted_store(path: Path, words: str) -> Store:
    from tracker import encryption

    path.parent.mkdir(parents=True, exist_ok=True)
    Store.open(path).close()
    encryption.encrypt(path, cipher.derive_key(words, cipher.new_salt()))
    return Store.open(path)


def passphrases(words: str = FOLDER_PASSPHRASE):
    from tracker.syncdir import Passphrases

    return Passphrases(join=lambda: words, choose=lambda: words)


def test_a_plain_file_dropped_in_a_sealed_folder_brings_nothing(tmp_path, folder):
    """Anyone who can write to the folder could drop a plain file there (no key
    needed): in a sealed folder it is not read, under another device's name or this
    one's, and says so."""
    from tracker.syncdir import sync_folder

    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "forger").mkdir()
    with Store.open(tmp_path / "forger" / "t.db") as forger:
        forger.save_checkin(CheckIn.create(day="2026-11-27", mood=1, note="FORGED-8c1e"))
        sync_folder(forger, tmp_path / "elsewhere")
    (forged,) = (tmp_path / "elsewhere" / SUBFOLDER).glob("*.json")
    with encrypted_store(tmp_path / "a" / "t.db", "a") as a:
        sync_folder(a, folder, passphrases=passphrases())
        device = a.get_setting("sync.device")
        sub = folder / SUBFOLDER
        (sub / forged.name).write_bytes(forged.read_bytes())
        outcome = sync_folder(a, folder, passphrases=passphrases())
        assert "is not sealed, so it is not read" in " ".join(outcome.notes)
        (sub / forged.name).unlink()
        (sub / f"{device}.json").write_bytes(forged.read_bytes())  # under this one's own name
        outcome = sync_folder(a, folder, passphrases=passphrases())
        assert "is not sealed, so it is not read" in " ".join(outcome.notes)
        assert all("FORGED" not in (c.note or "") for c in a.checkins())
        assert sealing.is_sealed((sub / f"{device}.json").read_bytes())  # written anew


def test_a_sealed_file_copied_over_another_devices_does_not_open_as_it(tmp_path, folder):
    from tracker.syncdir import SyncError, sync_folder

    with (
        encrypted_store(tmp_path / "a" / "t.db", "a") as a,
        encrypted_store(tmp_path / "b" / "t.db", "b") as b,
        encrypted_store(tmp_path / "c" / "t.db", "c") as c,
    ):
        for store in (a, b, c):
            sync_folder(store, folder, passphrases=passphrases())
        sub = folder / SUBFOLDER
        a_file = sub / f"{a.get_setting('sync.device')}.json"
        b_file = sub / f"{b.get_setting('sync.device')}.json"
        b_file.write_bytes(a_file.read_bytes())
        with pytest.raises(SyncError) as refused:
            sync_folder(c, folder, passphrases=passphrases())
        assert b_file.name in str(refused.value) and "changed or damaged" in str(refused.value)
        sync_folder(b, folder, passphrases=passphrases())  # b writes its own file anew
        sync_folder(c, folder, passphrases=passphrases())


def test_a_damaged_file_is_written_anew_by_its_own_device(tmp_path, folder):
    from tracker.syncdir import SyncError, sync_folder

    with (
        encrypted_store(tmp_path / "a" / "t.db", "a") as a,
        encrypted_store(tmp_path / "b" / "t.db", "b") as b,
    ):
        sync_folder(a, folder, passphrases=passphrases())
        sync_folder(b, folder, passphrases=passphrases())
        b_file = folder / SUBFOLDER / f"{b.get_setting('sync.device')}.json"
        b_file.write_bytes(b_file.read_bytes()[:100])
        with pytest.raises(SyncError) as blocked:
            sync_folder(a, folder, passphrases=passphrases())
        assert "Sync on the device that wrote it" in str(blocked.value)
        outcome = sync_folder(b, folder, passphrases=passphrases())
        assert "could not be read, so it is written anew" in " ".join(outcome.notes)
        assert sync_folder(a, folder, passphrases=passphrases()).merge.conflicts == []


def test_a_first_sync_killed_before_its_commit_leaves_nothing_in_the_folder(tmp_path, folder):
    from tracker.syncdir import sync_folder

    with encrypted_store(tmp_path / "a" / "t.db", "a") as a:
        a.save_checkin(CheckIn.create(day="2026-11-27", mood=3))

        def killed(changes):
            raise SystemExit("killed")  # inside the transaction, before the commit

        a.apply_sync = killed  # type: ignore[method-assign]
        with pytest.raises(SystemExit):
            sync_folder(a, folder, passphrases=passphrases())
        del a.apply_sync
        sub = folder / SUBFOLDER
        assert [p.name for p in sub.iterdir()] == []  # no folder.key, no hidden pending file
        assert a.get_setting("sync.device") is None
        sync_folder(a, folder, passphrases=passphrases())
        names = sorted(p.name for p in sub.iterdir())
        assert names == sorted([KEY_FILE, f"{a.get_setting('sync.device')}.json"])


def test_a_folder_passphrase_is_taken_as_the_database_passphrase_is():
    key = sealing.new_key()
    composed = "caf\u00e9 au lait"
    blob = sealing.wrap(key, composed)
    assert sealing.unwrap(blob, "cafe\u0301 au lait") == key  # typed decomposed (NFD)
    odd = "caf\udce9"  # bytes not UTF-8, as a passphrase command's output is read
    assert sealing.unwrap(sealing.wrap(key, odd), odd) == key


def test_a_missing_folder_key_beside_sealed_files_asks_nothing_and_says_what_to_do(
    tmp_path, folder
):
    from tracker.syncdir import Passphrases, SyncError, sync_folder

    with encrypted_store(tmp_path / "a" / "t.db", "a") as a:
        sync_folder(a, folder, passphrases=passphrases())
    (folder / SUBFOLDER / KEY_FILE).unlink()
    asked: list[str] = []
    ask = Passphrases(
        join=lambda: asked.append("join") or "x", choose=lambda: asked.append("c") or "x"
    )
    with encrypted_store(tmp_path / "new" / "t.db", "new") as new:
        with pytest.raises(SyncError) as refused:
            sync_folder(new, folder, passphrases=ask)
    assert asked == []
    assert "is missing, though the files beside it are sealed" in str(refused.value)


def test_a_hostile_folder_key_cannot_ask_for_a_costly_derivation():
    blob = json.loads(sealing.wrap(sealing.new_key(), "w"))
    for n, r, p in ((2**17, 15, 16), (2**18, 8, 2), (2**16, 32, 16)):
        with pytest.raises(sealing.SealError):
            sealing.unwrap(json.dumps({**blob, "n": n, "r": r, "p": p}).encode(), "w")
    with pytest.raises(sealing.SealError):
        sealing.wrapped_id(b" " * (sealing.MOST_KEY_FILE + 1))
