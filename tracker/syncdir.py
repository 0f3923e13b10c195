"""Sync through a folder that a sync engine (Syncthing, Dropbox, a git repository...)
already carries: reading the other devices' files, writing this device's own.

``DIR/tracker-sync/`` holds one file per device, ``<device id>.json``
(:mod:`tracker.syncfile`), which only that device writes. :func:`sync_folder`:

1. reads every other ``*.json`` there (each a regular file: a link, a FIFO, a file
   that cannot be read or is not a sync file is refused by name, and nothing is
   written), and this device's own file, which is what it knew at its last sync;
2. merges (:func:`tracker.sync.merge`: pure) and applies the result in ONE
   transaction (:meth:`tracker.store.Store.apply_sync`), with the conflicts found;
3. writes its own file (through :mod:`tracker.files`: 0600, in a 0700 folder,
   renamed into place; only over a file it wrote itself), and only when its bytes
   change: running it twice writes nothing the second time.

The device id is a UUID kept in the database's settings from its first sync. A copy
of the database (a backup restored, the file copied to a second computer) has the
same id: its own file in the folder then holds what this database never wrote (the
digest of the last file written, kept in the settings, does not match), so this
database takes a new id, reads that file as another device's, and says so.

The live database is never written into the folder; :func:`synced_folder_warning`
says when the database itself sits in a folder a sync engine may carry.
Everything written goes through :func:`tracker.sealing.seal` (and is read through
``unseal``). A device whose database is encrypted seals its file with the folder's
key, which ``DIR/tracker-sync/folder.key`` carries wrapped with the folder's
passphrase (:func:`folder_sealing`); a device whose database is not encrypted cannot
sync into a folder that has one, so nothing it writes there is plain.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import stat
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker import clock, sealing
from tracker.files import FileRefused, private_dir, private_file, remove_stale_temporaries
from tracker.models import ValidationError, parse_timestamp
from tracker.sealing import FolderKey, SealError
from tracker.store import Store, SyncChanges
from tracker.store.cipher import SECRET_SETTINGS, is_encrypted
from tracker.sync import (
    Conflict,
    Merge,
    Snapshot,
    SyncConflictingKinds,
    from_file,
    local_snapshot,
    merge,
    to_file,
)
from tracker.syncfile import (
    DAYS_AHEAD,
    KINDS,
    FileState,
    SyncFileProblem,
    Words,
    as_fields,
    build,
    check_record,
    decode,
    encode,
)
from tracker.text import one_line

SUBFOLDER = "tracker-sync"
INBOX = "inbox.txt"
MAX_FILE_BYTES = 256 * 1024 * 1024
DEVICE_KEY = "sync.device"
NAME_KEY = "sync.device_name"
WRITTEN_KEY = "sync.written:"
"""Followed by the sync folder's real path: the digests of the last two files this
database wrote there (the one before stays good while a sync killed after its commit
has not written its file yet)."""
KEY_FILE = "folder.key"
"""In ``DIR/tracker-sync``: the folder key, wrapped with the folder's passphrase."""
KEY_SETTING = SECRET_SETTINGS[0]
"""Followed by a folder key's id: the key (hex), kept only in an encrypted database
(a plain copy, ``tracker decrypt``, leaves it out)."""
WRAPPED_SETTING = "sync.wrapped:"
"""Followed by a folder key's id: the ``folder.key`` that carried it (to put it back
if it is removed from the folder)."""
FOLDER_SETTING = "sync.folder:"
"""Followed by the sync folder's real path: the id of the key it is sealed with."""

SYNCED_MARKERS = (
    (".stfolder", "Syncthing"),
    (".dropbox", "Dropbox"),
    (".dropbox.cache", "Dropbox"),
    (".git", "a git work tree"),
    (".sync", "Resilio Sync"),
    (".owncloudsync.log", "ownCloud or Nextcloud"),
    (".nextcloudsync.log", "Nextcloud"),
    (".megaignore", "MEGA"),
)
"""Files or folders that mark the top of a folder a sync engine carries."""
SYNCED_NAMES = (
    ("dropbox", "Dropbox"),
    ("onedrive", "OneDrive"),
    ("icloud drive", "iCloud"),
    ("mobile documents", "iCloud"),
    ("icloud~", "iCloud"),
    ("google drive", "Google Drive"),
    ("googledrive", "Google Drive"),
    ("my drive", "Google Drive"),
    ("nextcloud", "Nextcloud"),
    ("owncloud", "ownCloud"),
    ("pcloud", "pCloud"),
    ("mega", "MEGA"),
    ("box sync", "Box"),
    ("sync", "a sync folder"),
)
"""Folder names (lower case, or how one starts) that such engines give their folder."""


class SyncError(Exception):
    """Sync cannot go ahead; nothing was written. ``exit_code``: 2 for a file that is
    not a sound sync file (bad input), 3 for one that cannot be used or read."""

    def __init__(self, message: str, exit_code: int = 3):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class SyncOutcome:
    """What a sync did."""

    device: str
    own_file: Path
    read: list[Path]
    merge: Merge
    wrote_file: bool
    new_device: str | None = None
    """Set when this database took a new device id (its file was another copy's)."""
    notes: list[str] = field(default_factory=list)


@dataclass
class Passphrases:
    """Where the folder's passphrase comes from, given by the command: ``join()`` for
    a folder sealed already (asked up to ``tries`` times), ``choose()`` for a new one
    (typed twice). Each raises an exception of the caller's own when there is none."""

    join: Callable[[], str]
    choose: Callable[[], str]
    tries: int = 1
    wrong: Callable[[], object] = lambda: None
    """Called when a passphrase did not open the key and another try follows."""
    source: str = ""
    """Where the passphrase comes from, when not typed (a wrong one names it)."""


@dataclass
class Sealing:
    """How this device seals and opens the sync files of one folder."""

    current: FolderKey | None
    """The key this device seals its file with (None: a plain database, plain files)."""
    known: dict[str, FolderKey] = field(default_factory=dict, repr=False)
    """Every folder key this database holds, by id, to open files with."""
    settings: dict[str, str] = field(default_factory=dict, repr=False)
    """What to keep in the database with this sync (a key given now)."""
    notes: list[str] = field(default_factory=list)
    key_file: bytes | None = field(default=None, repr=False)
    """``folder.key`` to write once the sync has committed (a new key, or one put back)."""


# --- where the database is ---------------------------------------------------------------


def synced_folder_warning(db_path: Path, folder: Path) -> str | None:
    """One line when the database sits inside ``folder`` or inside a folder that looks
    synced (a sync engine copying an open SQLite file with its WAL can damage it)."""
    try:
        db = Path(db_path).resolve()
        target = Path(folder).resolve()
    except OSError:
        return None
    if target == db.parent or target in db.parents:
        return (
            f"Warning: the database {db} is inside the sync folder {target}. A sync "
            "engine copying an open database (with its -wal file) can damage it; keep "
            "the database outside (--db or TRACKER_DB), and only the sync folder in it."
        )
    for parent in db.parents:
        engine = _engine_of(parent)
        if engine is not None:
            return (
                f"Warning: the database {db} is inside {parent}, which looks carried by "
                f"{engine}. A sync engine copying an open database (with its -wal file) "
                "can damage it; keep the database outside it (--db or TRACKER_DB) and "
                "sync through `tracker sync DIR`."
            )
    return None


def _engine_of(folder: Path) -> str | None:
    try:
        home = Path.home().resolve()
    except (OSError, RuntimeError):
        home = None
    for marker, engine in SYNCED_MARKERS:
        if marker == ".git" and folder in (home, Path(folder.anchor)):
            continue  # a home folder kept in git (dotfiles) is not how a database is carried
        with contextlib.suppress(OSError):
            if os.path.lexists(folder / marker):
                return engine
    name = folder.name.lower()
    for start, engine in SYNCED_NAMES:
        if name == start or (len(start) > 4 and name.startswith(start)):
            return engine
    return None


# --- reading the folder ------------------------------------------------------------------


def _refuse_link(path: Path, what: str) -> None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise SyncError(f"{path}: there is no such folder; nothing was written.") from None
    except OSError as exc:
        raise SyncError(
            f"{path} cannot be read ({exc.strerror or exc}); nothing was written."
        ) from None
    if stat.S_ISLNK(info.st_mode):
        raise SyncError(
            f"{path} is a symbolic link; tracker reads and writes only a real {what}, not "
            "through a link. Give the folder it points to. Nothing was written."
        )
    if not stat.S_ISDIR(info.st_mode):
        raise SyncError(f"{path} is not a folder; nothing was written.")


def read_sync_file(path: Path) -> bytes:
    """The bytes of one file in the sync folder: a regular file, never through a link.

    Raises:
        SyncError: a link, not a regular file, too large, or unreadable (one line).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if os.path.islink(path):
            raise SyncError(
                f"{path} is a symbolic link; tracker reads only the files themselves in a "
                "sync folder. Remove it, or put the file there. Nothing was written."
            ) from None
        raise SyncError(
            f"{path} cannot be read ({exc.strerror or exc}); nothing was written."
        ) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SyncError(
                f"{path} is not a regular file; tracker reads only sync files there. "
                "Nothing was written."
            )
        if info.st_size > MAX_FILE_BYTES:
            raise SyncError(
                f"{path} is larger than a sync file can be (256 MiB); nothing was written.",
                exit_code=2,
            )
        chunks = []
        while chunk := os.read(fd, 1024 * 1024):
            chunks.append(chunk)
            if sum(map(len, chunks)) > MAX_FILE_BYTES:
                raise SyncError(
                    f"{path} is larger than a sync file can be (256 MiB); nothing was written.",
                    exit_code=2,
                )
        return b"".join(chunks)
    except OSError as exc:
        raise SyncError(
            f"{path} cannot be read ({exc.strerror or exc}); nothing was written."
        ) from None
    finally:
        os.close(fd)


def _not_read_plain(path: Path) -> str:
    return (
        f"{path} is not sealed, so it is not read: this folder is sealed, and a plain file "
        "in it may come from anyone. Its device's records come when that device syncs "
        "with an encrypted database; until then they lie in the folder as plain text."
    )


def _read_state(path: Path, data: bytes, seal: Sealing) -> tuple[FileState, bytes]:
    """A device's file, opened and checked: its state and its plain bytes."""
    try:
        plain = sealing.unseal(data, seal.known, _bound(path))
        return decode(plain, str(path)), plain
    except SealError as exc:
        raise SyncError(f"{path} {exc} {_seal_advice(exc)}Nothing was written.") from None
    except SyncFileProblem as exc:
        raise SyncError(f"{exc} Nothing was written.", exit_code=2) from None


def _seal_advice(exc: SealError) -> str:
    if exc.reason == "no-key":
        return "Encrypt this database ('tracker encrypt') to sync there. "
    if exc.reason == "other-key":
        return (
            "Sync on the device that wrote it again: it takes this folder's key "
            f"({SUBFOLDER}/{KEY_FILE}). "
        )
    if exc.reason == "damaged":
        return "Sync on the device that wrote it (it writes its file anew), or remove it. "
    return ""


def _bound(path: Path) -> str:
    """The device a file in the sync folder belongs to, by its name (a device's file,
    or its hidden pending file): what its sealing is bound to."""
    name = path.name
    if name.startswith(".") and name.endswith(".pending"):
        name = name[1 : -len(".pending")]
    return name.removesuffix(".json")


# --- the folder key ----------------------------------------------------------------------


def _keys_held(store: Store) -> dict[str, FolderKey]:
    keys = {}
    for name, value in store.settings_starting(KEY_SETTING).items():
        key = FolderKey.from_text(value)
        if key is not None and key.id == name[len(KEY_SETTING) :]:
            keys[key.id] = key
    return keys


def folder_sealing(
    store: Store, folder: Path, sub: Path, passphrases: Passphrases | None
) -> Sealing:
    """How this device seals and opens the files in ``sub`` (``folder``'s
    ``tracker-sync``).

    A plain database syncs plain, and is refused a folder that has a ``folder.key``
    (its devices seal their files: this one would write its records there as plain
    text). An encrypted database seals with the key ``folder.key`` carries: the one it
    holds already, or else the one the folder's passphrase opens (asked once per
    device); where there is no ``folder.key`` it puts back the one it synced there
    with before, or makes a new key with a passphrase chosen now.

    Raises:
        SyncError: the folder cannot be synced with (nothing was written).
    """
    key_path = sub / KEY_FILE
    blob = read_sync_file(key_path) if os.path.lexists(key_path) else None
    encrypted = is_encrypted(store.path)
    if not encrypted:
        if blob is not None:
            raise SyncError(
                f"{folder} is sealed: the devices that sync there encrypt their files "
                f"({SUBFOLDER}/{KEY_FILE} holds the key), and this database is not "
                "encrypted, so its records would lie there as plain text. Encrypt it "
                "('tracker encrypt'), then sync again. Nothing was written."
            )
        return Sealing(None)
    known = _keys_held(store)
    folder_setting = FOLDER_SETTING + str(folder.resolve())
    seal = Sealing(None, known)
    if blob is not None:
        try:
            key_id = sealing.wrapped_id(blob)
        except SealError as exc:
            raise SyncError(
                f"{key_path} {exc} Remove it: a device that synced here before puts it back "
                "at its next sync. Nothing was written."
            ) from None
        key = known.get(key_id) or _join(key_path, blob, passphrases, seal)
    else:
        before = store.get_setting(folder_setting)
        wrapped = store.get_setting(WRAPPED_SETTING + before) if before else None
        if before and before in known and wrapped:
            key, blob = known[before], wrapped.encode("ascii")
            seal.notes.append(f"{key_path} is written (it was missing): the other devices need it.")
        else:
            if any(_looks_sealed(path) for path in _device_files(sub)):
                raise SyncError(
                    f"{key_path} is missing, though the files beside it are sealed: sync once "
                    "on a device that synced there before (it puts the file back), then "
                    "here. Nothing was written."
                )
            key, blob = _choose(key_path, passphrases)
            seal.notes.append(
                f"This folder's sync files are sealed from now on, with a key kept in "
                f"{key_path}, wrapped with the passphrase just chosen: each of your other "
                "devices asks for that passphrase once, the first time it syncs there."
            )
        seal.key_file = blob
    seal.current = key
    seal.known[key.id] = key
    wanted = {
        KEY_SETTING + key.id: key.to_text(),
        WRAPPED_SETTING + key.id: blob.decode("ascii"),
        folder_setting: key.id,
    }
    seal.settings = {k: v for k, v in wanted.items() if store.get_setting(k) != v}
    return seal


def _device_files(sub: Path) -> list[Path]:
    return sync_files(sub) if os.path.isdir(sub) else []


def _looks_sealed(path: Path) -> bool:
    """Does the file at ``path`` begin as a sealed file does (read no further)?"""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode) and sealing.is_sealed(os.read(fd, 64))
    except OSError:
        return False
    finally:
        os.close(fd)


def _join(key_path: Path, blob: bytes, passphrases: Passphrases | None, seal: Sealing) -> FolderKey:
    if passphrases is None:
        raise SyncError(
            f"{key_path} holds this folder's key, and this device has not been given the "
            "folder's passphrase yet. Nothing was written."
        )
    for attempt in range(max(1, passphrases.tries)):
        try:
            key = sealing.unwrap(blob, passphrases.join())
        except SealError as exc:
            if exc.reason == "passphrase" and attempt + 1 < passphrases.tries:
                passphrases.wrong()
                continue
            source = f" (It came from {passphrases.source}.)" if passphrases.source else ""
            raise SyncError(f"{key_path} {exc}{source} Nothing was written.") from None
        seal.notes.append(
            "This device has the folder's key now (kept in its encrypted database): it "
            "will not ask for the folder's passphrase again."
        )
        return key
    raise AssertionError("unreachable")  # pragma: no cover


def _choose(key_path: Path, passphrases: Passphrases | None) -> tuple[FolderKey, bytes]:
    if passphrases is None:
        raise SyncError(
            f"This database is encrypted, so what it writes in {key_path.parent.parent} "
            "is sealed, with a passphrase for the folder that has not been chosen yet. "
            "Nothing was written."
        )
    key = sealing.new_key()
    return key, sealing.wrap(key, passphrases.choose())


def sync_files(sub: Path) -> list[Path]:
    """The files of the devices in ``DIR/tracker-sync``: ``*.json``, hidden ones (a
    sync engine's or tracker's temporary files) left out, by name."""
    try:
        names = sorted(os.listdir(sub))
    except OSError as exc:
        raise SyncError(
            f"{sub} cannot be read ({exc.strerror or exc}); nothing was written."
        ) from None
    return [sub / n for n in names if n.endswith(".json") and not n.startswith(".")]


# --- this database -----------------------------------------------------------------------


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def device_name() -> str:
    """What this computer is called (its host name), for the conflicts list."""
    return one_line(platform.node() or "this device")[:60] or "this device"


def _local(store: Store, device: str, name: str) -> Snapshot:
    """This database's snapshot, every record checked through the models (a value no
    model accepts would be refused by every other device: it is named here first)."""
    records, words = store.sync_state()
    checked: dict[str, list[dict[str, Any]]] = {}
    with clock.held(DAYS_AHEAD):
        for kind in KINDS:
            rows = []
            for record in records[kind]:
                try:
                    rows.append(check_record(kind, as_fields(record)))
                except ValidationError as exc:
                    raise SyncError(
                        f"{store.path} holds a {kind} record ({record.id}) that cannot be "
                        f"sent: {exc} Correct it (the app, or sqlite-utils), then sync again. "
                        "Nothing was written."
                    ) from None
            checked[kind] = rows
    tombstones = []
    for rid, kind, at in store.tombstones():
        try:
            tombstones.append((rid, kind, parse_timestamp("deleted_at", at, default_now=False)))
        except ValidationError as exc:
            raise SyncError(
                f"{store.path} holds a tombstone ({rid}) whose {exc} Nothing was written."
            ) from None
    local_words = Words(
        emotions={w: s for w, s in words["emotions"]},
        people=set(words["people"]),
        tags=set(words["tags"]),
    )
    return local_snapshot(device, name, checked, tombstones, local_words)


def _changes(
    result: Merge, settings: dict[str, str], conflicts: list[tuple[Any, ...]]
) -> SyncChanges:
    return SyncChanges(
        saves={kind: [build(kind, r) for r in rows] for kind, rows in result.saves.items()},
        deletes={kind: list(ids) for kind, ids in result.deletes.items()},
        stamps={rid: v.at for rid, v in result.final.items() if v.deleted},
        tombstones=[(v.id, v.kind, v.at) for v in result.tombstones],
        respell=list(result.respell),
        new_words=list(result.new_words),
        shipped=list(result.shipped),
        conflicts=conflicts,
        settings=settings,
    )


def conflict_row(conflict: Conflict, noticed_at: str) -> tuple[Any, ...]:
    """A conflict as a row of ``sync_conflicts`` (the version not kept as JSON)."""
    kept, lost = conflict.kept, conflict.lost
    return (
        noticed_at,
        conflict.kind,
        conflict.id,
        kept.by,
        conflict.kept_name or None,
        kept.at,
        int(kept.deleted),
        lost.by,
        conflict.lost_name or None,
        lost.at,
        int(lost.deleted),
        ", ".join(conflict.fields) if conflict.fields is not None else None,
        None if lost.record is None else lost.content,
    )


# --- this device's file ------------------------------------------------------------------


def _pending(own: Path) -> Path:
    """Where the next file waits, hidden (other devices read no hidden file), while
    the transaction it goes with commits."""
    return own.with_name(f".{own.name}.pending")


def _pending_file(own: Path, written: list[str], seal: Sealing) -> FileState | None:
    """The file a sync killed after its commit (before it put its file in place)
    meant to write: its digest is the last one the database recorded. It is what this
    database knew at that sync. Anything else there is a sync killed before its
    commit: left to be replaced."""
    pending = _pending(own)
    if not written or not os.path.lexists(pending):
        return None
    try:
        data = read_sync_file(pending)
        if digest(data) != written[-1]:
            return None
        return decode(sealing.unseal(data, seal.known, _bound(own)), str(pending))
    except (SyncError, SyncFileProblem, SealError):
        return None


def _write(path: Path, data: bytes, *, replace: bool) -> None:
    try:
        with private_file(path, replace_ours=replace, binary=True) as handle:
            handle.write(data)
    except (FileRefused, OSError) as exc:
        raise SyncError(
            f"{path} could not be written ({exc}); the database is as the last sync left it "
            "or synced already, and the next sync writes it."
        ) from None


def _write_key(path: Path, seal: Sealing) -> None:
    """``folder.key``, made only where there is none: another device that made one at
    the same moment keeps its own, and this one takes it at its next sync."""
    assert seal.key_file is not None and seal.current is not None
    try:
        with private_file(path, replace_ours=False, binary=True) as handle:
            handle.write(seal.key_file)
    except (FileRefused, OSError) as exc:
        if os.path.lexists(path) and not os.path.islink(path):
            seal.notes.append(
                f"{path} was made by another device at the same moment; the next sync here "
                "takes its key (and asks for that folder passphrase once)."
            )
            return
        raise SyncError(
            f"{path} could not be written ({exc}); the database is synced, and the next "
            "sync writes it."
        ) from None


def _remove_ours(path: Path) -> None:
    with contextlib.suppress(OSError):
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
            os.unlink(path)


# --- the sync ----------------------------------------------------------------------------


def sync_folder(
    store: Store,
    folder: Path,
    *,
    warn: Callable[[str], object] = lambda _line: None,
    passphrases: Passphrases | None = None,
) -> SyncOutcome:
    """Sync ``store`` with the devices whose files are in ``folder``; an encrypted
    database seals what it writes (:func:`folder_sealing`, which asks ``passphrases``
    for the folder's passphrase when it needs it).

    Raises:
        SyncError: the folder or a file in it cannot be used (nothing was written).
    """
    folder = Path(folder)
    _refuse_link(folder, "sync folder")
    sub = folder / SUBFOLDER
    there = os.path.lexists(sub)
    if there:
        _refuse_link(sub, "folder")
    seal = folder_sealing(store, folder, sub, passphrases)
    if not there:
        try:
            private_dir(sub)
        except (FileRefused, OSError) as exc:
            raise SyncError(f"{sub} cannot be made ({exc}); nothing was written.") from None
    device = store.get_setting(DEVICE_KEY)
    written = (store.get_setting(WRITTEN_KEY + str(folder.resolve())) or "").split()
    states: list[tuple[Path, FileState, bytes, bytes]] = []
    for path in sync_files(sub):  # every file is read and checked before anything is written
        data = read_sync_file(path)
        ours = path.stem == device and digest(data) in written
        if seal.current is not None and not sealing.is_sealed(data) and not ours:
            seal.notes.append(_not_read_plain(path))
            continue
        try:
            state, plain = _read_state(path, data, seal)
        except SyncError:
            if path.stem != device or not written:
                raise
            seal.notes.append(  # this device's own file, damaged: written anew below
                f"{path} (this device's own file) could not be read, so it is written anew."
            )
            continue
        states.append((path, state, data, plain))
    read = [path for path, _, _, _ in states]
    # One transaction from reading this database to writing it: a change made meanwhile
    # (the app, another sync) waits, rather than being merged from a stale read.
    with store.write():
        done = _sync_in(store, folder, sub, states, warn, seal)
    plan, result, data, own, own_bytes, device, new_device = done
    if seal.key_file is not None:  # after the commit: killed before, the next sync makes it
        _write_key(sub / KEY_FILE, seal)
    if plan:
        _write(own, data, replace=own_bytes is not None or os.path.lexists(own))
    _remove_ours(_pending(own))
    notes = [
        f"A practice log on {r['day']} is kept, though its experiment's dates (changed on "
        "another device) no longer include that day: change one or the other."
        for r in result.outside_span
    ]
    return SyncOutcome(device, own, read, result, plan, new_device, seal.notes + notes)


def _sync_in(
    store: Store,
    folder: Path,
    sub: Path,
    states: list[tuple[Path, FileState, bytes, bytes]],
    warn: Callable[[str], object],
    seal: Sealing,
) -> tuple[bool, Merge, bytes, Path, bytes | None, str, str | None]:
    """The part of a sync inside its transaction: which file is this device's, the
    merge, and writing it (the next file waits beside the old one, hidden, while the
    transaction commits). Returns (the file changes, the merge, its bytes, the file,
    its bytes before, the device id, a new device id if one was taken)."""
    device = store.get_setting(DEVICE_KEY)
    settings: dict[str, str] = dict(seal.settings)
    if device is None:
        device = str(uuid.uuid4())
        settings[DEVICE_KEY] = device
    name = store.get_setting(NAME_KEY)
    if name is None:
        name = device_name()
        settings[NAME_KEY] = name
    written_key = WRITTEN_KEY + str(folder.resolve())
    written = (store.get_setting(written_key) or "").split()
    own = sub / f"{device}.json"
    left = _pending_file(own, written, seal)  # what a sync killed after its commit meant to write
    base: Snapshot | None = None
    own_bytes: bytes | None = None
    own_plain: bytes | None = None
    new_device = None
    others: list[Snapshot] = []
    for path, state, data, plain in states:
        if path == own:
            ours = state.device == device and (not written or digest(data) in written)
            if ours:
                base = from_file(state, str(path))
                own_bytes, own_plain = data, plain
                continue
            new_device = str(uuid.uuid4())
        others.append(from_file(state, str(path)))
    if left is not None and new_device is None:
        base = from_file(left, str(own))
    if new_device is not None:
        warn(
            f"Note: {own} holds what this database did not write (a copy of this database "
            "synced there: a restored backup, or the file copied to another computer). "
            f"It is read as another device's; this database syncs as {new_device[:8]} now."
        )
        device = new_device
        settings[DEVICE_KEY] = device
        own = sub / f"{device}.json"
        written = []
        base = None
    pending = _pending(own)
    remove_stale_temporaries(sub, lambda n: n in (own.name, pending.name))  # a killed sync's

    local = _local(store, device, name)
    try:
        result = merge(local, others, base)
    except SyncConflictingKinds as exc:
        raise SyncError(f"{exc} Nothing was written.", exit_code=2) from None
    final = Snapshot(device, name, result.final, result.words)
    plain = encode(to_file(final))
    current = seal.current.id if seal.current is not None else None
    if own_bytes is not None and own_plain == plain and sealing.sealed_with(own_bytes) == current:
        data = own_bytes  # the same records, sealed the same way: the file stays as it is
    else:
        data = sealing.seal(plain, seal.current, device)
    new_digest = digest(data)
    if not written or written[-1] != new_digest:
        settings[written_key] = " ".join([*written[-1:], new_digest])
    noticed = clock.now_iso()
    conflicts = [conflict_row(c, noticed) for c in result.conflicts]
    changed = own_bytes != data
    if changed and DEVICE_KEY not in settings:
        # (A device id taken in this sync has no file to protect yet: no pending file,
        # which a sync killed before its commit would leave behind under an id never kept.)
        _write(pending, data, replace=os.path.lexists(pending))
    if result.changes or conflicts or settings:
        store.apply_sync(_changes(result, settings, conflicts))
    return changed, result, data, own, own_bytes, device, new_device
