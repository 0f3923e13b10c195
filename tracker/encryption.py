"""Encrypting a database, decrypting it, changing its key: crash-safe conversions.

Every conversion writes a whole new file and swaps it in, never changing a file in
place:

1. the database is taken out of WAL (its ``-wal`` and ``-shm`` go: they would hold
   plain pages) and its write lock is held to the end, so nothing is written to it
   meanwhile; another program that has it open makes the conversion stop first,
   with nothing changed;
2. SQLCipher's ``sqlcipher_export`` copies it into a new temporary file beside it
   (:func:`tracker.files.private_path`: 0600, exclusive, never through a link);
3. the copy is opened with its new key (and no other) and checked: SQLite's
   integrity check, the same schema, the same rows in every table;
4. it is synced to disk, and only then renamed over the original (one atomic step),
   and the folder is synced.

Killed at any moment, there is the old file or the new one, never neither and never
a mix; a temporary copy left behind is removed by the next run
(:func:`tracker.backup.remove_leftovers`).

Backups follow the database (:func:`settle_backups`): once it is encrypted, every
backup of it in its backups folder is encrypted with the same key (those still plain
when ``tracker encrypt`` was cut short are encrypted the next time the database is
opened); after a change of passphrase every backup gets the new key too (the old
key waits in the database's settings until they have); ``tracker decrypt`` makes
the backups plain first, then the database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tracker.files import FileRefused, private_path
from tracker.store import cipher, connect, engine, errors, leave_wal
from tracker.store.cipher import Key

SQLCIPHER = engine.SQLCIPHER
"""Every connection of a conversion is SQLCipher's (``sqlcipher_export`` exists only
there), to the plain file too: one SQLite library per file (:mod:`tracker.store.engine`)."""


class ConversionError(Exception):
    """A conversion did not happen; the message says why, and that nothing changed."""


@dataclass
class Converted:
    """What a conversion did to the database's backups."""

    backups: list[Path] = field(default_factory=list)
    left: list[tuple[Path, str]] = field(default_factory=list)
    """Backups that could not be converted, and why (they are as they were)."""


# --- One file --------------------------------------------------------------------------


def convert_file(
    source: Path,
    target: Path,
    key: Key | None,
    *,
    replace: bool,
    rekey_from: Key | None = None,
    opened: Callable[[Path], None] | None = None,
) -> None:
    """Write ``source`` into ``target`` encrypted with ``key`` (plain with None), by the
    steps in the module docstring (2 to 4). ``source`` is opened with the key unlocked
    for it (:mod:`tracker.store.cipher`), through SQLCipher's library, plain or not
    (:data:`SQLCIPHER`). ``replace``: ``target`` is one of tracker's files (the
    database, a backup) that the copy replaces.

    Raises:
        ConversionError: the copy could not be made or failed its check; ``target``
            is as it was.
    """
    try:
        conn = cipher.connect_file(source, library=SQLCIPHER)
    except engine.OtherLibraryOpen as exc:
        raise ConversionError(str(exc)) from exc
    try:
        counts = cipher.table_counts(conn)
        identity = cipher.identity(conn)
        if rekey_from is not None:
            counts["settings"] = counts.get("settings", 0) + (cipher.rekey_note(conn) is None)
        if key is None:
            counts["settings"] = counts.get("settings", 0) - cipher.secret_rows(conn)
        with private_path(target, replace_ours=replace) as tmp:
            if opened is not None:
                opened(tmp)
            cipher.export(conn, tmp, key, rekey_from=rekey_from)
            problem = cipher.copy_problem(tmp, key, counts, identity, library=SQLCIPHER)
            if problem is not None:
                raise ConversionError(
                    f"The converted copy of {source} did not pass its check ({problem}); "
                    f"{target} has not been changed."
                )
    except FileRefused as exc:
        raise ConversionError(f"{exc} Nothing was changed.") from exc
    except engine.OtherLibraryOpen as exc:
        raise ConversionError(str(exc)) from exc
    except errors.OperationalError as exc:
        raise ConversionError(
            f"{source} could not be converted ({exc}); {target} has not been changed."
        ) from exc
    finally:
        conn.close()


@contextlib.contextmanager
def _held(path: Path) -> Iterator[None]:
    """The database out of WAL and its write lock held, for the length of the block,
    through SQLCipher's library (:data:`SQLCIPHER`), so refused while this process has
    the file open through Python's.

    Another program with the database open keeps it in WAL (SQLite switches a file
    out of WAL only when it is the file's one connection), and one in the middle of
    a write holds its lock: either way the conversion stops, saying so.
    """
    try:
        mode = leave_wal(path, library=SQLCIPHER)
    except engine.OtherLibraryOpen as exc:
        raise ConversionError(str(exc)) from exc
    except errors.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise ConversionError(_in_use(path)) from exc
        raise ConversionError(f"{path} could not be read ({exc}); nothing was changed.") from exc
    if mode.lower() != "delete":
        raise ConversionError(_in_use(path))
    try:
        lock = connect(path, library=SQLCIPHER)
    except engine.OtherLibraryOpen as exc:
        raise ConversionError(str(exc)) from exc
    try:
        try:
            lock.execute("BEGIN IMMEDIATE")
        except errors.OperationalError as exc:
            raise ConversionError(_in_use(path)) from exc
        yield
    finally:
        with contextlib.suppress(*errors.OperationalError):
            if lock.in_transaction:
                lock.rollback()
        lock.close()


def check_free(path: Path) -> None:
    """Refuse (:class:`ConversionError`) now if the database is in use elsewhere, before
    a passphrase is asked for: the conversion checks again when it starts."""
    with _held(path):
        pass


def _in_use(path: Path) -> str:
    return (
        f"{path} is in use by another program (is tracker open in another terminal?). "
        "Close it and try again; nothing was changed."
    )


# --- The database and its backups -------------------------------------------------------


def encrypt(path: Path, key: Key) -> Converted:
    """Encrypt the plain database at ``path`` with ``key``, then its backups."""
    with _held(path):
        convert_file(path, path, key, replace=True)
    cipher.remember(key)
    return settle_backups(path)


def change_key(path: Path, old: Key, new: Key) -> Converted:
    """Give the encrypted database at ``path`` (opened with ``old``) the key ``new``,
    then its backups."""
    cipher.remember(old)
    with _held(path):
        convert_file(path, path, new, replace=True, rekey_from=old)
    cipher.remember(new)
    return settle_backups(path)


def decrypt(path: Path) -> Converted:
    """Make the encrypted database at ``path`` (its key unlocked) plain again: its
    backups first (a crash part-way leaves the database encrypted, and the next
    open encrypts those backups again), then the database; all of it while the
    database's write lock is held, so that nothing is changed while it is in use."""
    with _held(path):
        return _decrypt_held(path)


def _decrypt_held(path: Path) -> Converted:
    done = Converted()
    key = cipher.known_key(path)
    for backup in _backups(path):
        salt = cipher.file_salt(backup)
        if salt is None:
            continue
        if key is None or salt != key.salt:
            done.left.append((backup, "it is locked with another passphrase"))
            continue
        try:
            convert_file(backup, backup, None, replace=True)
            done.backups.append(backup)
        except ConversionError as exc:
            done.left.append((backup, str(exc)))
    convert_file(path, path, None, replace=True)
    return done


def plain_copy(path: Path, out: Path) -> None:
    """A plain copy of the encrypted database at ``path`` into the new file ``out``."""
    convert_file(path, out, None, replace=False)


def _backups(path: Path) -> list[Path]:
    from tracker.backup import list_backups

    return list_backups(path)


def settle_backups(path: Path, warn: Callable[[str], object] | None = None) -> Converted:
    """Give every backup of the encrypted database at ``path`` the database's key.

    Plain backups are encrypted; after a change of passphrase, backups under the old
    key (kept in the database's settings until now) are given the new one, and the
    old key is then removed. Backups under any other key are left as they are. Cheap
    when there is nothing to do (one look at the first bytes of each backup): it
    runs on every open of an encrypted database. ``warn`` hears what was done when
    it was not expected (a conversion cut short before).
    """
    done = Converted()
    key = cipher.known_key(path)
    if key is None:
        return done
    rekeyed = 0
    conn = connect(path)
    try:
        old = cipher.rekey_note(conn)
        for backup in _backups(path):
            salt = cipher.file_salt(backup)
            if salt == key.salt:
                continue
            if salt is not None and (old is None or salt != old.salt):
                continue  # another key: not ours to change
            if salt is not None and old is not None:
                cipher.remember(old)
            try:
                convert_file(backup, backup, key, replace=True)
                done.backups.append(backup)
                rekeyed += salt is not None
            except ConversionError as exc:
                done.left.append((backup, str(exc)))
        if old is not None and not any(cipher.file_salt(b) == old.salt for b, _ in done.left):
            cipher.clear_rekey_note(conn)
    finally:
        conn.close()
    if warn is not None and (done.backups or done.left):
        plain = len(done.backups) - rekeyed
        for n, words in (
            (plain, "still plain (an earlier 'tracker encrypt' was cut short)"),
            (rekeyed, "under the old passphrase (a change of passphrase was cut short)"),
        ):
            if n:
                warn(
                    f"Encrypted {n} backup{'s' if n != 1 else ''} of {path.name} that "
                    f"{'were' if n != 1 else 'was'} {words}."
                )
        for backup, why in done.left:
            warn(f"Warning: the backup {backup} could not be encrypted ({why}).")
    return done
