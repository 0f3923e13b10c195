"""The connection: how it is made, and one transaction per user action.

WAL, foreign keys on, and a busy timeout so two terminals can write to the same file;
:func:`transaction` (``Store.write``) makes each user action all-or-nothing, and a
write inside a write a savepoint.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_MS = 30_000

_SAVEPOINTS = itertools.count(1)
_TRANSACTION_WORDS = {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"}


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


class _Database:
    """The part of ``sqlite_utils.Database`` the store uses, on a plain connection.

    Importing sqlite-utils takes ~50 ms, which the app's first screen and every
    ``tracker status`` would pay (see benchmarks/). ``execute``, ``query``, ``conn``
    and ``close`` behave as sqlite-utils' do for the statements the store runs;
    anything else (``atomic()``, ``table_names()``, ``db["t"].indexes``...) goes to a
    real ``sqlite_utils.Database`` on the same connection, made on first use.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._full: Database | None = None

    def _database(self) -> Database:
        if self._full is None:
            from sqlite_utils import Database

            self._full = Database(self.conn, execute_plugins=False, recursive_triggers=False)
        return self._full

    def __getattr__(self, name: str) -> Any:
        return getattr(self._database(), name)

    def __getitem__(self, table: str) -> Any:
        return self._database()[table]

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        """Run one statement; a write outside a transaction is committed at once."""
        conn = self.conn
        was_in_transaction = conn.in_transaction
        try:
            cursor = conn.execute(sql) if parameters is None else conn.execute(sql, parameters)
        except Exception:
            if not was_in_transaction and conn.in_transaction:
                conn.execute("ROLLBACK")  # the implicit transaction the failure opened
            raise
        if (not was_in_transaction and conn.in_transaction and cursor.description is None
                and sql.lstrip().split(None, 1)[0].upper() not in _TRANSACTION_WORDS):
            conn.execute("COMMIT")
        return cursor

    def query(self, sql: str, params: Any = None) -> Iterator[dict[str, Any]]:
        """Rows of a SELECT as dictionaries (other statements: see sqlite-utils)."""
        if sql.lstrip().split(None, 1)[0].upper() not in ("SELECT", "WITH"):
            return self._database().query(sql, params)
        cursor = self.conn.execute(sql, params or ())
        keys = [d[0] for d in cursor.description]
        if len(set(keys)) != len(keys):  # sqlite-utils renames repeated columns
            return self._database().query(sql, params)
        return (dict(zip(keys, row)) for row in cursor)

    def close(self) -> None:
        self.conn.close()


class StoreBase:
    """The open database of one user, and its transactions.

    The record modules (:mod:`tracker.store.checkins` and the rest) add their methods
    to this; :class:`tracker.store.Store` puts them together.
    """

    def __init__(self, db: Any, path: Path):
        self.db = db
        self.path = path

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[Self]:
        """One transaction for one user action: all of it is written, or none
        (see :func:`transaction`)."""
        with transaction(self.db.conn):
            yield self

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def data_version(self) -> int:
        """Changes whenever another connection commits (cheap; polled by the app)."""
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def change_token(self) -> tuple[int, int]:
        """Changes whenever anything is written, by this connection or another one.

        (PRAGMA data_version sees other connections' commits; total_changes() this
        one's.) Screens compare it to skip reloading data that has not changed.
        """
        return (self.data_version(),
                self.db.execute("SELECT total_changes()").fetchone()[0])

    def integrity_problems(self) -> list[str]:
        rows = [r[0] for r in self.db.execute("PRAGMA integrity_check").fetchall()]
        return [] if rows == ["ok"] else rows
