"""Bulk loading: many rows per statement, and the import's fast path.

:class:`CheckinBatch` is built without SQL (in the importer's worker processes);
:meth:`BulkMixin.insert_checkin_batch` writes one; :meth:`BulkMixin.bulk_write` is the
import's one transaction, with foreign-key checks paused and, for a large import,
the secondary indexes rebuilt once at the end.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Self

from tracker.store.connection import StoreBase
from tracker.store.errors import StoreError
from tracker.store.names import name_ids
from tracker.store.tables import CHECKIN_COLUMNS, CHECKIN_LINKS, RECORD_TABLES

BULK_CACHE_KIB = -131_072  # page cache during a bulk import: up to 128 MiB
_first = itemgetter(0)


def insert_flat(
    conn: sqlite3.Connection, sql: str, width: int, values: list[Any], per_statement: int = 50
) -> None:
    """Insert ``values`` (``width`` per row, flattened) with many rows per statement.

    ``sql`` has a ``{values}`` slot for the rows' placeholders.
    """
    one = "(" + ", ".join("?" * width) + ")"
    per_statement = max(1, min(per_statement, 900 // width))
    step = per_statement * width
    full = len(values) - len(values) % step
    if full:
        many = sql.format(values=", ".join([one] * per_statement))
        conn.executemany(many, [values[i : i + step] for i in range(0, full, step)])
    if full < len(values):
        conn.executemany(
            sql.format(values=one), [values[i : i + width] for i in range(full, len(values), width)]
        )


def insert_many(
    conn: sqlite3.Connection,
    sql: str,
    width: int,
    rows: Sequence[tuple[Any, ...]],
    per_statement: int = 50,
) -> None:
    """``executemany`` with many rows per statement (``sql`` has a ``{values}`` slot)."""
    one = "(" + ", ".join("?" * width) + ")"
    per_statement = max(1, min(per_statement, 900 // width))
    full = len(rows) - len(rows) % per_statement
    if full:
        many = sql.format(values=", ".join([one] * per_statement))
        conn.executemany(
            many,
            [
                [v for row in rows[i : i + per_statement] for v in row]
                for i in range(0, full, per_statement)
            ],
        )
    if full < len(rows):
        conn.executemany(sql.format(values=one), rows[full:])


def stored_versions(conn: sqlite3.Connection, table: str, ids: Sequence[str]) -> dict[str, str]:
    """``{id: updated_at}`` for those of ``ids`` already in ``table``."""
    if table not in RECORD_TABLES:
        raise StoreError(f"Unknown table {table!r}.")
    if not ids or conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None:
        return {}
    found: dict[str, str] = {}
    for start in range(0, len(ids), 900):
        chunk = list(ids[start : start + 900])
        found.update(
            conn.execute(
                f"SELECT id, updated_at FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        )
    return found


@dataclass
class CheckinBatch:
    """Validated check-ins, flattened for :meth:`BulkMixin.insert_checkin_batch`.

    Built without SQL (a worker process builds it): ``values`` holds the check-in
    columns row after row, sorted by id; ``links`` holds, per kind (emotions, people,
    tags), ``[checkin_id, name, checkin_id, name, ...]``. Flat lists of strings and
    numbers travel between processes far more cheaply than objects.
    """

    values: list[Any]
    links: dict[str, list[Any]]

    @classmethod
    def of(cls, rows: Iterable[tuple[Any, ...]]) -> CheckinBatch:
        """From :func:`~tracker.store.tables.checkin_row` tuples (a repeated id: the last
        one wins)."""
        batch = sorted({r[0]: r for r in rows}.values(), key=_first)
        width = len(CHECKIN_COLUMNS)
        links: dict[str, list[Any]] = {}
        for position, (kind, _, _) in enumerate(CHECKIN_LINKS, start=width):
            pairs: list[Any] = []
            for r in batch:
                for name in r[position]:
                    pairs += (r[0], name)
            links[kind] = pairs
        return cls([v for r in batch for v in r[:width]], links)

    @property
    def ids(self) -> list[str]:
        return self.values[0 :: len(CHECKIN_COLUMNS)]

    @property
    def versions(self) -> list[str]:
        """The ``updated_at`` of each check-in, in :attr:`ids` order."""
        return self.values[3 :: len(CHECKIN_COLUMNS)]

    def rows(self) -> list[tuple[Any, ...]]:
        """Back to :func:`~tracker.store.tables.checkin_row` tuples."""
        width = len(CHECKIN_COLUMNS)
        names: dict[str, tuple[list[str], list[str], list[str]]] = {
            i: ([], [], []) for i in self.ids
        }
        for k, (kind, _, _) in enumerate(CHECKIN_LINKS):
            pairs = self.links[kind]
            for i in range(0, len(pairs), 2):
                names[pairs[i]][k].append(pairs[i + 1])
        return [
            (*self.values[j : j + width], *map(tuple, names[self.values[j]]))
            for j in range(0, len(self.values), width)
        ]


class BulkMixin(StoreBase):
    """The import's transaction and its fast path for brand-new check-ins."""

    def versions(self, table: str, ids: Sequence[str]) -> dict[str, str]:
        """``{id: updated_at}`` for those of ``ids`` already in ``table`` (import uses it)."""
        return stored_versions(self.conn, table, ids)

    def insert_checkin_batch(self, batch: CheckinBatch) -> int:
        """Insert a :class:`CheckinBatch` of check-ins none of which is stored yet.

        The bulk-import path: the batch was built (sorted, flattened) in a worker
        process, so here is little but SQL: many rows per statement, names matched to
        their ids as the name columns' NOCASE rule matches them (:func:`name_ids`).
        An id already stored raises IntegrityError (the caller's transaction then
        rolls back).
        """
        conn = self.conn
        width = len(CHECKIN_COLUMNS)
        with self.write():
            insert_flat(
                conn,
                f"INSERT INTO checkins ({', '.join(CHECKIN_COLUMNS)}) VALUES {{values}}",
                width,
                batch.values,
            )
            for kind, link, key in CHECKIN_LINKS:
                pairs = batch.links[kind]
                if not pairs:
                    continue
                # Names to ids here (a dict lookup) rather than with a JOIN per row.
                ids = name_ids(conn, kind, set(pairs[1::2]))
                flat = pairs[:]
                flat[1::2] = [ids[n] for n in pairs[1::2]]
                insert_flat(
                    conn,
                    f"INSERT OR IGNORE INTO {link} (checkin_id, {key}) VALUES {{values}}",
                    2,
                    flat,
                    400,
                )
        return len(batch.values) // width

    @contextlib.contextmanager
    def bulk_write(self, *, rebuild_indexes: bool = False) -> Iterator[Self]:
        """One transaction for a bulk import, with foreign-key checks paused.

        The import writes only rows whose references it has just written or checked
        (links to check-ins and names of the same batch; practice logs to known
        experiments), so SQLite's per-row lookups would only repeat that work (the
        pragma cannot change inside a transaction, hence this wrapper). With
        ``rebuild_indexes`` (a large import into small tables), the secondary indexes
        of check-ins and their links are dropped and rebuilt from their own SQL, in the
        same transaction: a sort at the end instead of an index update per row.
        """
        conn = self.conn
        if conn.in_transaction:
            with self.write():
                yield self
            return
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        # Room for a large import's pages until it commits (used only as they are needed),
        # rather than spilling half-built index pages to the WAL and writing them again.
        conn.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
        conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with self.write():
                rebuilt = []
                if rebuild_indexes:
                    for name, sql in conn.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                        "sql IS NOT NULL AND tbl_name IN ('checkins', 'checkin_emotions', "
                        "'checkin_people', 'checkin_tags') ORDER BY name"
                    ).fetchall():
                        conn.execute(f'DROP INDEX "{name}"')
                        rebuilt.append(sql)
                yield self
                for sql in rebuilt:
                    conn.execute(sql)
        finally:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA cache_size = {int(cache)}")
