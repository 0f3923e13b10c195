"""Whole database files: vetting them before use, and what backups and restore need.

Checks that read only the header and size (:func:`check_sqlite_header`, on every
open), SQLite's own checks (:func:`quick_check`, :func:`integrity_check`), what a file
holds (:func:`file_identity`, :func:`checkin_span`), and copies (:func:`copy_database`,
:func:`leave_wal`). :mod:`tracker.backup` decides when; the SQL stays here.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from tracker import paths
from tracker.store import cipher, engine, errors
from tracker.store.errors import StoreError

SQLITE_MAGIC = cipher.PLAIN_MAGIC


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (0600); never replace one."""
    paths.ensure_parent(path)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def check_sqlite_header(path: Path) -> None:
    """Refuse a file that is not an SQLite database, or one cut short, without changing it.

    Only reads the header and the file size (cheap: runs on every open). An
    encrypted file (:mod:`~tracker.store.cipher`) passes when its key has been
    unlocked in this process; SQLCipher checks its pages as it reads them.

    Raises:
        StoreError: not an SQLite file, or cut short.
        cipher.Locked: an encrypted file whose key has not been unlocked.
    """
    if engine.opened(path) is not None:
        return  # vetted when this process opened it; reading it would drop its locks
    with open(path, "rb") as handle:
        head = handle.read(1024)
        size = os.fstat(handle.fileno()).st_size
    if head and head[: len(SQLITE_MAGIC)] != SQLITE_MAGIC and cipher.looks_encrypted(head, size):
        if cipher.key_for_salt(head[: cipher.SALT_BYTES]) is None:
            raise cipher.Locked(path)
        return
    if head and head[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        raise StoreError(
            f"{path} is not a tracker database (it is not an SQLite file). "
            "It has not been changed. Use --db to choose another file, or "
            "'tracker restore BACKUP' to bring back a backup."
        )
    if not head:
        return  # an empty file is a new database
    problem = _truncation(head, size)
    if problem and not _has_journal(path):
        raise StoreError(
            f"{path} is damaged: {problem}. It has not been changed. "
            "'tracker restore BACKUP' brings back a backup (see the backups folder "
            "beside it)."
        )


def _truncation(head: bytes, size: int) -> str | None:
    """Why an SQLite file looks cut short, judged from its header; None if it does not."""
    if len(head) < 100:
        return f"it holds only {size} bytes, less than an SQLite header"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "its header is not valid"
    pages = int.from_bytes(head[28:32], "big")
    if head[24:28] == head[92:96] and pages and size < pages * page_size:
        return f"it holds {size:,} bytes where its header says {pages * page_size:,}"
    if size % page_size:
        return f"its size ({size:,} bytes) is not a whole number of pages"
    return None


def _has_journal(path: Path) -> bool:
    """A non-empty -wal or -journal beside the file: SQLite will finish or undo a write."""
    for suffix in ("-wal", "-journal"):
        try:
            if os.stat(f"{path}{suffix}").st_size > 0:
                return True
        except OSError:
            pass
    return False


def bad_file(path: Path, exc: Exception) -> StoreError:
    """The refusal of a file SQLite cannot read."""
    return StoreError(
        f"{path} cannot be read as a tracker database ({exc}). It has not been changed. "
        "If it is damaged, 'tracker restore BACKUP' brings back a backup "
        f"(see the backups folder beside it)."
    )


def quick_check(conn: sqlite3.Connection) -> str | None:
    """None when the database passes ``PRAGMA quick_check``; else the first problems."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    except errors.DatabaseError as exc:
        return str(exc)
    return None if rows == ["ok"] else "; ".join(rows[:3])


def file_identity(conn: sqlite3.Connection) -> tuple[int, int, set[str]]:
    """(application_id, schema version, table names) of an open database file."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return app_id, version, tables


def integrity_check(conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA integrity_check``'s rows: ``["ok"]`` for a sound file."""
    return [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]


def checkin_span(conn: sqlite3.Connection) -> tuple[int, str | None, str | None]:
    """How many check-ins a database file holds, and its first and last day."""
    return conn.execute("SELECT count(*), min(day), max(day) FROM checkins").fetchone()


def copy_database(source: sqlite3.Connection, target: Path) -> None:
    """SQLite's online backup of ``source`` into ``target``, left as one self-contained
    file (rollback journal, not WAL), so a copy never needs side files. The copy of
    an encrypted database is encrypted with the same key (and salt)."""
    dest = cipher.connect_file(target, key=cipher.key_of(source))
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
        dest.commit()
    finally:
        dest.close()


def read_only_connection(path: Path, *, glance: bool = False) -> sqlite3.Connection:
    """A connection that can only read the database file at ``path`` (never creates it),
    keyed when it is encrypted.

    ``glance``: for one quick read (a setting) that should leave nothing behind: a
    database closed cleanly (no write-ahead log beside it, so everything is in the
    file) is then opened immutable, and no ``-wal`` or ``-shm`` file is made."""
    resolved = Path(path).resolve()
    wal = resolved.with_name(resolved.name + "-wal")
    clean = glance and not wal.exists() and not wal.is_symlink()
    uri = resolved.as_uri() + ("?mode=ro&immutable=1" if clean else "?mode=ro")
    return cipher.connect_file(Path(path), uri=uri)


def leave_wal(path: Path, *, timeout: float = 2, library: engine.Library | None = None) -> str:
    """Checkpoint the database at ``path`` and switch it out of WAL (SQLite removes its
    -wal and -shm); returns the journal mode now in force. Raises SQLite's errors, e.g.
    "database is locked" when another program has it open. ``library``: through that
    SQLite library (the file's by default: :func:`tracker.store.cipher.connect_file`)."""
    conn = cipher.connect_file(path, timeout=timeout, library=library)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    finally:
        conn.close()


def read_setting(conn: sqlite3.Connection, key: str) -> str | None:
    """A value of the ``settings`` table, on any connection to a tracker database
    (None when it is not set, or the database is too old to have settings)."""
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    except errors.OperationalError:
        return None
    return row[0] if row else None
