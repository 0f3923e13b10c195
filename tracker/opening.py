"""The one way to open the user's database, for every entry point.

The launcher (``tracker`` alone), the command line, ``tracker --demo``, the app and
the tests all open a database through :func:`open_database`, so the rules are
written once:

- the file is vetted first (a file that is not a tracker database, one cut short,
  or one from a newer tracker is refused and left as it is);
- a database that needs a schema migration gets a checked backup first, and is not
  migrated if that backup cannot be made;
- temporary copies that a killed backup, restore or migration left behind are
  removed (they are hidden full copies of the data);
- an encrypted database is opened only with its key (``unlock`` finds it: see
  :mod:`tracker.unlocking`; the app's lock screen asks for it instead, see
  :func:`open_for_app`), and its backups are brought under the same key
  (:func:`tracker.encryption.settle_backups`);
- the first use of each day takes the day's backup, after a quick integrity check:
  a damaged database is refused, never copied over a good backup; a backup that
  cannot be made for another reason is only a warning, so it never keeps anyone
  from a check-in.

A refusal is an :class:`OpenProblem` whose message names the file and what to do.
The app never opens a database itself: it is handed the :class:`~tracker.store.Store`
this module returns.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.store import Store


class OpenProblem(Exception):
    """The database cannot be used as it is; the message says which file and what to do.

    ``exit_code``: 3, or 2 when what is wrong is a setting (an unreadable
    ``TRACKER_PASSPHRASE_COMMAND``, say).
    """

    def __init__(self, message: str, exit_code: int = 3):
        super().__init__(message)
        self.exit_code = exit_code


def _backup_before_migrate(
    path: Path, version: int, warn: Callable[[str], object] | None = None
) -> None:
    """A checked backup before a migration; if it cannot be made, nothing is migrated
    (its second copy is only a warning when it cannot be made)."""
    from tracker.backup import BackupError, backup_before_migration
    from tracker.store import StoreError

    try:
        backup_before_migration(path, version, warn)
    except BackupError as exc:
        raise StoreError(f"{exc} The database was not upgraded.") from exc


def open_database(
    path: Path,
    warn: Callable[[str], object],
    *,
    daily_backup: bool = True,
    create: bool = True,
    unlock: Callable[[Path], object] | None = None,
    for_app: bool = False,
) -> Store:
    """Open the database at ``path`` for the app or a command.

    Args:
        path: the database file (see :func:`tracker.paths.resolve_db_path`).
        warn: shows a one-line warning (a backup that could not be made).
        daily_backup: take the day's backup at the first use of each day (one
            ``stat`` once it exists). Off only for a throwaway database (the demo).
        create: make a new database when there is none; commands that only read
            pass ``False``, and a missing file is then refused.
        unlock: for an encrypted database whose key is not unlocked yet, finds it
            (the command line's :func:`tracker.unlocking.unlock`); without it such
            a database is refused with what to do.
        for_app: the app's connection, open for hours: its page cache is kept
            small once the file is migrated (:data:`tracker.store.connection.APP_CACHE_KIB`).

    Returns:
        The open store; the caller closes it (the app does when it ends).

    Raises:
        OpenProblem: the database cannot be used as it is.
    """
    from tracker import backup
    from tracker.store import Store, StoreError, errors

    vet_path(path, create=create)
    backup.remove_leftovers(path)  # hidden copies a killed backup or restore left
    encrypted = unlock_file(path, unlock)
    try:
        store = Store.open(
            path, before_migrate=lambda where, version: _backup_before_migrate(where, version, warn)
        )
    except StoreError as exc:
        raise OpenProblem(str(exc)) from exc
    except errors.DatabaseError as exc:
        raise OpenProblem(database_error_message(path, exc) or _cannot_open(path, exc)) from exc
    except OSError as exc:
        raise OpenProblem(_cannot_open(path, exc)) from exc
    if for_app:
        store.limit_cache()
    if encrypted:
        from tracker.encryption import settle_backups

        try:
            settle_backups(path, warn)
        except OSError as exc:
            _unsettled(warn, exc)
        except errors.DatabaseError as exc:
            _unsettled(warn, exc)
    if daily_backup and not store.open_result.created:
        try:
            backup.daily_backup(path, source=store.conn, warn=warn)
        except backup.DamagedDatabase as exc:
            store.close()
            raise OpenProblem(str(exc)) from exc
        except (backup.BackupError, OSError) as exc:
            warn(f"Warning: today's backup could not be made ({exc}).")
    return store


def _unsettled(warn: Callable[[str], object], exc: Exception) -> None:
    warn(f"Warning: the backups could not all be brought under the database's key ({exc}).")


def unlock_file(path: Path, unlock: Callable[[Path], object] | None) -> bool:
    """Is ``path`` encrypted? When it is and its key is not unlocked yet, ``unlock``
    finds it (or the database is refused, saying how to unlock it)."""
    from tracker.store import cipher

    if not cipher.is_encrypted(path):
        return False
    if cipher.known_key(path) is not None:
        return True
    from tracker.unlocking import UnlockProblem, how_to_unlock

    if unlock is None:
        raise OpenProblem(how_to_unlock(path))
    try:
        unlock(path)
    except UnlockProblem as exc:
        raise OpenProblem(str(exc), exc.code) from exc
    return True


class LockedDatabase:
    """An encrypted database that the app opens once its lock screen has the passphrase.

    Nothing of it has been read: only its first bytes (the salt), to know that it is
    encrypted. :meth:`key_for` is the slow step (the key derivation: run it off the
    screen's thread); :meth:`open` then opens it as :func:`open_database` does.
    """

    def __init__(self, path: Path, warn: Callable[[str], object]):
        self.path = path
        self.warn = warn

    def key_for(self, passphrase: str):
        """The key ``passphrase`` gives, if it unlocks the database; else None."""
        from tracker.store import cipher

        salt = cipher.file_salt(self.path)
        if salt is None:
            return None
        key = cipher.derive_key(passphrase, salt)
        return key if cipher.unlocks(self.path, key) else None

    def open(self, key) -> Store:
        """Open the database with the key :meth:`key_for` gave. Raises OpenProblem."""
        from tracker.store import cipher

        cipher.remember(key)
        return open_database(self.path, self.warn, for_app=True)


def open_for_app(path: Path, warn: Callable[[str], object]) -> Store | LockedDatabase:
    """The database for the app: open, or, when it is encrypted and not unlocked,
    a :class:`LockedDatabase` for the lock screen (nothing read). Raises OpenProblem."""
    from tracker.store import cipher

    vet_path(path, create=True)
    if cipher.is_encrypted(path) and cipher.known_key(path) is None:
        return LockedDatabase(path, warn)
    return open_database(path, warn, for_app=True)


def vet_path(path: Path, *, create: bool) -> None:
    """Refuse, before SQLite touches it, a path that cannot hold a database.

    SQLite opens whatever it is given: a FIFO blocks for ever, ``/dev/null`` leaves a
    world-writable ``/dev/null-journal`` behind, and a dangling link is created
    through. Each gets one plain line instead.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise OpenProblem(
            f"{path} cannot be a database: {_file_above(path)} is a file, "
            "not a folder. Use --db to choose another path."
        ) from None
    except OSError as exc:
        raise OpenProblem(_cannot_open(path, exc)) from exc
    if info is not None and stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(path)
        except OSError:
            raise OpenProblem(
                f"{path} is a link to {os.readlink(path)}, which does not "
                "exist. tracker does not create a database through a link; "
                "use --db with the real path."
            ) from None
    if info is None:
        if not create:
            raise OpenProblem(
                f"There is no database at {path}. Nothing was created. "
                "'tracker add' or 'tracker' makes one there; --db or "
                "TRACKER_DB chooses another."
            )
        above = _file_above(path)
        if above is not None:
            raise OpenProblem(
                f"{path} cannot be a database: {above} is a file, not a "
                "folder. Use --db to choose another path."
            )
        return
    if stat.S_ISDIR(info.st_mode):
        raise OpenProblem(f"{path} is a folder; --db needs a file path.")
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a FIFO"
            if stat.S_ISFIFO(info.st_mode)
            else "a device"
            if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "a socket"
            if stat.S_ISSOCK(info.st_mode)
            else "not a regular file"
        )
        raise OpenProblem(
            f"{path} is {kind}, not a database file. It has not been "
            "touched. Use --db to choose a file."
        )


def _file_above(path: Path) -> Path | None:
    """The nearest existing ancestor of ``path`` when it is not a folder."""
    for parent in path.parents:
        if parent.exists() or parent.is_symlink():
            return None if parent.is_dir() else parent
    return None


def _cannot_open(path: Path, exc: BaseException) -> str:
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text or isinstance(exc, PermissionError):
        why = "it, or its folder, cannot be written (read-only or not yours)"
    elif "disk is full" in text or "no space" in text:
        why = "the disk is full"
    else:
        why = f"{exc}"
    return (
        f"{path} cannot be used: {why}. Nothing was written. Use --db to choose "
        "another file, or free the disk and try again."
    )


def damaged_or_raise(path: Path, exc: Exception) -> str:
    """The plain message for a database found damaged or busy part-way; re-raises
    anything else."""
    message = database_error_message(path, exc)
    if message is None:
        raise exc
    return message


def database_error_message(path: Path, exc: BaseException) -> str | None:
    """One plain line for an SQLite error a person can act on (a damaged file, a
    database another program keeps locked), or ``None`` for any other error."""
    from tracker.backup import damaged_message, looks_damaged

    if looks_damaged(exc):
        return damaged_message(path, str(exc))
    if is_busy(exc):
        return busy_message(path)
    return None


def is_busy(exc: BaseException) -> bool:
    """Did SQLite give up waiting for another program's lock?"""
    from tracker.store import is_busy as busy

    return busy(exc)


def busy_message(path: Path) -> str:
    """Which file is busy, what holds it where that can be known, and what to do."""
    holders = lock_holders(path)
    held_by = (
        f"{', '.join(holders)} has it open"
        if holders
        else "another program holds its write lock (for example a sqlite3 shell or "
        "Datasette with a transaction open, or a long import)"
    )
    return (
        f"{path} is busy: {held_by}. Nothing was written. Finish or close that "
        "program's transaction, then try again."
    )


def lock_holders(path: Path) -> list[str]:
    """Other processes with the database (or its WAL) open, as "name (pid N)".

    Read from ``/proc`` where there is one (Linux); elsewhere, or for processes of
    other users, nothing can be known and the list is empty.
    """
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    try:
        wanted = {str(path.resolve()), str(path.resolve()) + "-wal"}
    except OSError:
        return []
    found: list[str] = []
    me = os.getpid()
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            fds = list((entry / "fd").iterdir())
            if any(os.readlink(fd) in wanted for fd in fds):
                name = (entry / "comm").read_text().strip()
                found.append(f"{visible_name(name)} (pid {entry.name})")
        except OSError:
            continue
    return sorted(found)


def visible_name(name: str) -> str:
    from tracker.text import one_line

    return one_line(name)
