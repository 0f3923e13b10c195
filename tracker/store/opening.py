"""Opening a database file: vet it, connect, refuse what is not ours.

A file that is not SQLite, is cut short, belongs to another program (another
application id, or tables but not tracker's id), was written by a newer tracker, or
holds a schema other than the one tracker's migrations make for its version (a
trigger or a view tracker did not make, a missing column: see
:mod:`~tracker.store.schema_check`) is refused with a :class:`StoreError` and left as
it was. (:meth:`tracker.store.Store.open` then migrates what is older.)
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from tracker.store import errors, schema, schema_check
from tracker.store.connection import connect, is_busy, retry_while_busy
from tracker.store.errors import StoreError
from tracker.store.files import bad_file, check_sqlite_header, create_private_file


@dataclass
class OpenResult:
    """What opening did: made a new file, and the schema version it was found at."""

    created: bool
    migrated_from: int


def open_connection(path: Path) -> tuple[sqlite3.Connection, OpenResult]:
    """A connection to the tracker database at ``path`` (a new one if there is no file),
    in WAL with foreign keys on, and the schema version the file was found at.

    Another process may be creating or migrating the same file at that moment: the
    steps where SQLite then reports its lock at once are tried again, for up to the
    busy timeout (:func:`~tracker.store.connection.retry_while_busy`).
    """
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
        version = retry_while_busy(lambda: _vet(conn, path))
        retry_while_busy(lambda: _use_wal(conn, path))
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
    version can use, with exactly the schema tracker's migrations make for it.

    The version, the application id and the schema are read in one read transaction
    (one snapshot), so a file another process is migrating is seen before or after.
    """
    try:
        conn.execute("BEGIN")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            empty = conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None
            _refuse_foreign(path, app_id, version, empty)
            problems = (
                []
                if schema_check.matches(conn, version)
                else schema_check.differences(conn, version)
            )
        finally:
            if conn.in_transaction:
                conn.rollback()
    except errors.DatabaseError as exc:
        if is_busy(exc):
            raise
        raise bad_file(path, exc) from exc
    if problems:
        raise StoreError(schema_refusal(path, version, problems))
    return version


def _refuse_foreign(path: Path, app_id: int, version: int, empty: bool) -> None:
    """Refuse a file another program made, or a newer tracker."""
    if app_id not in (0, schema.APPLICATION_ID):
        raise StoreError(
            f"{path} is an SQLite database of another application (application id "
            f"{app_id:#010x}; tracker's is {schema.APPLICATION_ID:#010x}), not one of "
            "tracker's. It has not been changed. Use --db to choose another file."
        )
    if app_id == 0 and (not empty or version != 0):
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


def schema_refusal(path: Path, version: int, problems: list[schema_check.Problem]) -> str:
    """The message for a tracker database whose schema is not what tracker made."""
    shown = "; ".join(p.text for p in problems[:6])
    if len(problems) > 6:
        shown += f"; and {len(problems) - 6} more"
    extras = [p.extra for p in problems if p.extra is not None]
    if extras and len(extras) == len(problems):
        return (
            f"{path} holds what tracker did not make: {shown}. tracker will not use it "
            "while that is there (it could change or delete records behind tracker's "
            "back), and has not changed it. To remove it (keep a copy of anything "
            f"you want first): {schema_check.drop_command(str(path), extras)}"
        )
    return (
        f"{path} does not have the schema tracker makes (schema "
        f"{version}): {shown}. It has not been changed. It may "
        "have been restored by an older tracker or changed by another program; "
        "'tracker restore BACKUP' brings back a backup (see the backups folder "
        "beside it)."
    )


def _use_wal(conn: sqlite3.Connection, path: Path) -> None:
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    except errors.DatabaseError as exc:
        if is_busy(exc):
            raise
        raise bad_file(path, exc) from exc
