"""Storage: the only code that speaks SQL.

One SQLite file. :class:`Store` is the front door: open one with :meth:`Store.open`,
and every read and write goes through its methods. It is put together from one part
per concern, each in its own module:

- :mod:`~tracker.store.connection`: the connection and one transaction per user action
  (:meth:`Store.write`);
- :mod:`~tracker.store.schema`: the SQL of each migration, numbered by
  ``PRAGMA user_version``; :mod:`~tracker.store.opening` vets a file before use
  (:meth:`Store.open` then migrates it), and :mod:`~tracker.store.schema_check`
  holds its schema to exactly what the migrations make (on open, and on restore);
- :mod:`~tracker.store.errors`: :class:`StoreError`, and SQLite's own errors by the
  names callers catch (``errors.DatabaseError``, ``errors.OperationalError``...: each
  catches both SQLite libraries' class, so name it at the ``except``): no other
  part of tracker imports :mod:`sqlite3`;
- :mod:`~tracker.store.engine`: which SQLite library speaks to which file (Python's
  for plain files, SQLCipher's for encrypted ones), one library per file at a time;
- :mod:`~tracker.store.files`: whole files (header checks, integrity checks, copies,
  WAL), which :mod:`tracker.backup` uses;
- the record tables: :mod:`~tracker.store.checkins`, :mod:`~tracker.store.experiments`
  (and practice logs), :mod:`~tracker.store.ruptures`, :mod:`~tracker.store.supports`
  (and settings), :mod:`~tracker.store.names` (emotions, people, tags), with
  :mod:`~tracker.store.tables` (their columns) and :mod:`~tracker.store.rows` (upserts);
- :mod:`~tracker.store.sessions`: therapy sessions and "bring to my next session"
  marks;
- :mod:`~tracker.store.patterns`: what :mod:`tracker.patterns` reads (days named with
  each word, pause answers, urges per person);
- :mod:`~tracker.store.tombstones`: the one delete path of every record kind, and
  the tombstones deletions leave (so that they travel, by sync);
- :mod:`~tracker.store.sync`: what ``tracker sync`` reads and writes, and the
  conflicts it keeps;
- :mod:`~tracker.store.search`: full-text search (FTS5, kept by triggers);
- :mod:`~tracker.store.bulk`: the import's transaction and fast path;
- :mod:`~tracker.store.exports`: rows for export.

The schema is a public interface: people query it with ``sqlite-utils`` or Datasette.
The README documents it; change it only through a new migration.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tracker.store import schema
from tracker.store.bulk import BulkMixin, CheckinBatch
from tracker.store.checkins import CheckinsMixin
from tracker.store.connection import (
    APP_CACHE_KIB,
    BUSY_TIMEOUT_MS,
    StoreBase,
    busy_timeout_ms,
    connect,
    is_busy,
    retry_while_busy,
)
from tracker.store.errors import BadSetting, StoreError
from tracker.store.experiments import ExperimentsMixin
from tracker.store.exports import ExportsMixin
from tracker.store.files import (
    SQLITE_MAGIC,
    check_sqlite_header,
    checkin_span,
    copy_database,
    file_identity,
    integrity_check,
    leave_wal,
    quick_check,
    read_only_connection,
    read_setting,
)
from tracker.store.names import WORD_KINDS, NamesMixin, Word, WordRefused, nocase_key
from tracker.store.opening import OpenResult, open_connection
from tracker.store.patterns import PatternFacts, PatternsMixin
from tracker.store.ruptures import RupturesMixin
from tracker.store.schema import APPLICATION_ID, FTS_COLUMNS, MIGRATIONS, SCHEMA_VERSION
from tracker.store.schema_check import restore_problems, schema_problems
from tracker.store.search import SearchHit, SearchMixin
from tracker.store.sessions import SessionsMixin
from tracker.store.supports import SupportsMixin
from tracker.store.sync import SyncChanges, SyncMixin
from tracker.store.tables import checkin_row

__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT_MS",
    "FTS_COLUMNS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SQLITE_MAGIC",
    "WORD_KINDS",
    "BadSetting",
    "CheckinBatch",
    "OpenResult",
    "PatternFacts",
    "SearchHit",
    "Store",
    "StoreError",
    "Word",
    "WordRefused",
    "SyncChanges",
    "busy_timeout_ms",
    "check_sqlite_header",
    "checkin_row",
    "checkin_span",
    "connect",
    "copy_database",
    "file_identity",
    "integrity_check",
    "is_busy",
    "leave_wal",
    "nocase_key",
    "quick_check",
    "read_only_connection",
    "read_setting",
    "restore_problems",
    "retry_while_busy",
    "schema_problems",
]


class Store(
    PatternsMixin,
    CheckinsMixin,
    ExperimentsMixin,
    RupturesMixin,
    SupportsMixin,
    SessionsMixin,
    SyncMixin,
    NamesMixin,
    SearchMixin,
    BulkMixin,
    ExportsMixin,
    StoreBase,
):
    """The database of one user. Open with :meth:`open`; close when done."""

    open_result: OpenResult

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        before_migrate: Callable[[Path, int], None] | None = None,
    ) -> Store:
        """Open (creating and migrating as needed) the database at ``path``.

        ``before_migrate(path, from_version)`` runs before migrations on an existing
        database (the backup module uses it to take a copy first).
        """
        path = Path(path)
        conn, result = open_connection(path)
        store = cls(conn, path)
        store.open_result = result
        try:
            if result.migrated_from < schema.SCHEMA_VERSION:
                if result.migrated_from > 0 and before_migrate is not None:
                    before_migrate(path, result.migrated_from)
                retry_while_busy(lambda: schema.migrate(store.db, result.migrated_from))
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def open_read_only(
        cls, path: str | os.PathLike[str], *, cache_kib: int = APP_CACHE_KIB
    ) -> Store:
        """A second, read-only store on a database already opened by :meth:`open`.

        A sqlite3 connection belongs to the thread that made it, so work on another
        thread (the trends screen reads years of check-ins in a worker) opens its own
        with this, and closes it there. It only reads: never creates, migrates or
        writes. ``cache_kib``: SQLite's page cache for this connection, small by
        default (such a connection reads once and closes: see ``APP_CACHE_KIB``). Raises
        ``errors.OperationalError`` when the file cannot be opened (it is gone).
        """
        path = Path(path)
        conn = read_only_connection(path)
        timeout = busy_timeout_ms()
        conn.execute(f"PRAGMA busy_timeout = {timeout}")
        conn.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
        return cls(conn, path)
