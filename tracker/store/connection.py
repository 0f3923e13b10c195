"""The connection: how it is made, and one transaction per user action.

WAL, foreign keys on, and a busy timeout so two terminals can write to the same file;
:func:`transaction` (``Store.write``) makes each user action all-or-nothing, and a
write inside a write a savepoint.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_MS = 30_000

_SAVEPOINTS = itertools.count(1)


def connect(path: Path) -> sqlite3.Connection:
    """A plain connection to ``path`` that waits for another writer (busy timeout)."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


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
        return (self.data_version(),
                self.conn.execute("SELECT total_changes()").fetchone()[0])

    def integrity_problems(self) -> list[str]:
        rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check").fetchall()]
        return [] if rows == ["ok"] else rows
