"""Opening a database file: vet it, connect, refuse what is not ours.

A file that is not SQLite, is cut short, belongs to another program or was written by
a newer tracker is refused with a :class:`StoreError` and left as it was.
(:meth:`tracker.store.Store.open` then migrates what is older.)
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from tracker.store import schema
from tracker.store.connection import connect
from tracker.store.errors import StoreError
from tracker.store.files import bad_file, check_sqlite_header, create_private_file


@dataclass
class OpenResult:
    """What opening did: made a new file, and the schema version it was found at."""

    created: bool
    migrated_from: int


def open_connection(path: Path) -> tuple[sqlite3.Connection, OpenResult]:
    """A connection to the tracker database at ``path`` (a new one if there is no file),
    in WAL with foreign keys on, and the schema version the file was found at."""
    created = False
    if not path.exists():
        try:
            create_private_file(path)
            created = True
        except FileExistsError:
            pass  # another process made it a moment ago; migrations allow for that
    elif path.is_dir():
        raise StoreError(f"{path} is a folder; --db needs a file path.")
    check_sqlite_header(path)
    conn = connect(path)
    try:
        version = _vet(conn, path)
    except BaseException:
        conn.close()
        raise
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    # A row that INSERT OR REPLACE replaces runs its delete triggers too (as under
    # sqlite-utils), so the search index never keeps text that is gone.
    conn.execute("PRAGMA recursive_triggers = ON")
    return conn, OpenResult(created=created, migrated_from=version)


def _vet(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version, once it is known to be a tracker database this
    version can use; it is then switched to WAL."""
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        has_tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise bad_file(path, exc) from exc
    if has_tables and app_id != schema.APPLICATION_ID:
        raise StoreError(
            f"{path} is an SQLite database, but not one of tracker's. "
            "It has not been changed. Use --db to choose another file."
        )
    if version > schema.SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer version of tracker (schema {version}; "
            f"this version knows up to {schema.SCHEMA_VERSION}). It has not been changed. "
            "Please upgrade tracker to open it."
        )
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError as exc:
        raise bad_file(path, exc) from exc
    return version
