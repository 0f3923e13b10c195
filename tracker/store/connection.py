"""The connection: how it is made, and one transaction per user action.

WAL, foreign keys on, and a busy timeout so two terminals can write to the same file
(:func:`busy_timeout_ms`: 30 s, or ``TRACKER_BUSY_TIMEOUT_MS``); :func:`transaction`
(``Store.write``) makes each user action all-or-nothing, and a write inside a write
a savepoint. :func:`retry_while_busy` waits for the few steps where SQLite reports
another connection's lock at once instead of waiting for it.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeVar

from tracker.store import cipher, engine, errors
from tracker.store.errors import BadSetting

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_MS = 30_000
"""How long a connection waits for another program's lock, unless
``TRACKER_BUSY_TIMEOUT_MS`` says otherwise."""

BUSY_TIMEOUT_VARIABLE = "TRACKER_BUSY_TIMEOUT_MS"
MAX_BUSY_TIMEOUT_MS = 3_600_000

APP_CACHE_KIB = 256
"""SQLite's page cache for the app's connections, in KiB (:meth:`StoreBase.limit_cache`,
and the read-only ones of :meth:`tracker.store.Store.open_read_only`; SQLite's default
is 2,000). The app keeps its connection open for hours and reads a screen's worth at
a time, and the operating system keeps the file's pages in its own cache, so a page
read again costs a system call rather than a disk read (and, encrypted, its
decryption). Migrations (before this applies) and imports
(:mod:`~tracker.store.bulk`) set their own."""

_SAVEPOINTS = itertools.count(1)
_T = TypeVar("_T")


def busy_timeout_ms() -> int:
    """How long to wait for another program's lock, in milliseconds.

    ``TRACKER_BUSY_TIMEOUT_MS`` (a whole number from 0 to 3,600,000) or 30,000.

    Raises:
        BadSetting: the variable is set to anything else (one line naming it).
    """
    text = os.environ.get(BUSY_TIMEOUT_VARIABLE)
    if text is None:
        return BUSY_TIMEOUT_MS
    value = text.strip()
    if (
        value.isascii()
        and value.isdigit()
        and len(value) <= 7
        and int(value) <= MAX_BUSY_TIMEOUT_MS
    ):
        return int(value)
    shown = repr(text) if len(text) <= 40 else repr(text[:40]) + "..."
    raise BadSetting(
        f"{BUSY_TIMEOUT_VARIABLE}={shown.encode('ascii', 'backslashreplace').decode()} is "
        f"not allowed: give how long to wait for another program's lock, as a whole number "
        f"of milliseconds from 0 to {MAX_BUSY_TIMEOUT_MS} (default {BUSY_TIMEOUT_MS})."
    )


def connect(path: Path, *, library: engine.Library | None = None) -> sqlite3.Connection:
    """A connection to ``path`` that waits for another writer (busy timeout), keyed
    when the file is encrypted, through the file's SQLite library unless ``library``
    says which (:func:`tracker.store.cipher.connect_file`)."""
    timeout = busy_timeout_ms()
    conn = cipher.connect_file(path, timeout=timeout / 1000, library=library)
    conn.execute(f"PRAGMA busy_timeout = {timeout}")
    return conn


def is_busy(exc: BaseException) -> bool:
    """Did SQLite stop because another connection holds a lock (SQLITE_BUSY/LOCKED)?"""
    if not isinstance(exc, errors.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc).lower()
    return "database is locked" in text or "is busy" in text or "table is locked" in text


def retry_while_busy(step: Callable[[], _T], *, timeout_ms: int | None = None) -> _T:
    """``step()``, tried again while another connection's lock is in the way, for up to
    the busy timeout; then its last error is raised.

    For the steps where SQLite reports a lock at once rather than calling the busy
    handler: switching a file to WAL, or reading a file another process is creating
    or migrating at that moment. ``step`` must be safe to repeat.
    """
    deadline = time.monotonic() + (busy_timeout_ms() if timeout_ms is None else timeout_ms) / 1000
    pause = 0.002
    while True:
        try:
            return step()
        except errors.OperationalError as exc:
            left = deadline - time.monotonic()
            if not is_busy(exc) or left <= 0:
                raise
            time.sleep(min(pause, left))
            pause = min(pause * 2, 0.05)


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """All of the block is written, or none of it.

    ``BEGIN IMMEDIATE`` takes the write lock up front, so a second terminal waits
    (busy timeout) instead of failing half-way. Inside a transaction already (an
    import), the block is a savepoint of it.
    """
    if conn.in_transaction:
        name = f"tracker_{next(_SAVEPOINTS)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
            raise
        else:
            conn.execute(f"RELEASE {name}")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


class StoreBase:
    """The open database of one user, and its transactions.

    The store's own SQL runs on ``conn``, the sqlite3 connection. ``db`` is a real
    ``sqlite_utils.Database`` on that same connection, for what sqlite-utils is for:
    migrations, the search index, and anyone who wants ``db.table_names()`` or
    ``db["checkins"].rows``. It is made on first use: importing sqlite-utils (and
    the click it imports) would otherwise put the app's first screen over its budget
    (``benchmarks/run.py --only first_screen``); an up-to-date database opened by
    the app never needs it.

    The record modules (:mod:`tracker.store.checkins` and the rest) add their methods
    to this; :class:`tracker.store.Store` puts them together.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path

    @functools.cached_property
    def db(self) -> Database:
        """``sqlite_utils.Database`` on :attr:`conn` (plugins are not loaded)."""
        from sqlite_utils import Database

        return Database(self.conn, execute_plugins=False)

    def close(self) -> None:
        self.conn.close()

    def limit_cache(self, kib: int = APP_CACHE_KIB) -> None:
        """Keep at most ``kib`` KiB of pages in this connection's cache (see
        :data:`APP_CACHE_KIB`)."""
        self.conn.execute(f"PRAGMA cache_size = -{int(kib)}")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[Self]:
        """One transaction for one user action: all of it is written, or none
        (see :func:`transaction`)."""
        with transaction(self.conn):
            yield self

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """The rows of a SELECT as dictionaries."""
        cursor = self.conn.execute(sql, params)
        keys = [d[0] for d in cursor.description]
        return [dict(zip(keys, row)) for row in cursor]

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def data_version(self) -> int:
        """Changes whenever another connection commits (cheap; polled by the app)."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def change_token(self) -> tuple[int, int]:
        """Changes whenever anything is written, by this connection or another one.

        (PRAGMA data_version sees other connections' commits; total_changes() this
        one's.) Screens compare it to skip reloading data that has not changed.
        """
        return (self.data_version(), self.conn.execute("SELECT total_changes()").fetchone()[0])

    def integrity_problems(self) -> list[str]:
        rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check").fetchall()]
        return [] if rows == ["ok"] else rows
