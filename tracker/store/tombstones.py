"""Tombstones: what is left of a deleted record, so that its deletion can travel.

Since migration 6, the schema keeps them itself: a trigger after every delete of a
record (``<table>_tombstone``) writes ``(id, kind, deleted_at)``, whoever deletes and
however (a cascade, sqlite-utils, Datasette), and a trigger after every insert
(``<table>_revive``) takes the tombstone away again, so a record and its tombstone
are never both there. A trigger can only read SQLite's clock; tracker's own deletes
go through :meth:`TombstonesMixin.delete_records`, which then puts tracker's clock
(:func:`tracker.clock.now_iso`, the clock ``updated_at`` comes from, which tests
freeze) on the tombstones that delete made, cascades included, in the same
transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from tracker import clock
from tracker.store.connection import StoreBase
from tracker.store.errors import StoreError
from tracker.store.schema import SYNCED_TABLES


class TombstonesMixin(StoreBase):
    """Deleting records (the one delete path), and reading their tombstones."""

    @functools.cached_property
    def keeps_tombstones(self) -> bool:
        """Whether this database has the ``tombstones`` table (schema 6 on)."""
        found = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tombstones'"
        ).fetchone()
        return found is not None

    def delete_records(
        self, kind: str, ids: Iterable[str], *, stamps: Mapping[str, str] | None = None
    ) -> int:
        """Delete records of one kind (a table of :data:`SYNCED_TABLES`) by id, in one
        transaction; returns how many rows were there.

        Their tombstones, and those of what the delete took with it (a deleted
        experiment's practice logs, a record's bring marks), say when: ``stamps[id]``
        when given (sync passes the moment of the deletion it brings), else now.
        """
        if kind not in SYNCED_TABLES:
            raise StoreError(f"Unknown kind {kind!r}; choose from {', '.join(SYNCED_TABLES)}.")
        id_list = list(ids)
        if not id_list:
            return 0
        with self.write():
            before = self._last_tombstone()
            cursor = self.conn.executemany(
                f"DELETE FROM {kind} WHERE id = ?", [(record_id,) for record_id in id_list]
            )
            deleted = cursor.rowcount
            self._stamp_tombstones(before, stamps or {})
        return deleted

    def _last_tombstone(self) -> int:
        if not self.keeps_tombstones:
            return 0
        return self.conn.execute("SELECT coalesce(max(rowid), 0) FROM tombstones").fetchone()[0]

    def _stamp_tombstones(self, after: int, stamps: Mapping[str, str]) -> None:
        """Put tracker's clock (or the given moments) on the tombstones written since
        rowid ``after`` (a trigger's ``INSERT OR REPLACE`` always makes a new row)."""
        if not self.keeps_tombstones:
            return
        made = self.conn.execute(
            "SELECT rowid, id FROM tombstones WHERE rowid > ?", [after]
        ).fetchall()
        if not made:
            return
        now = clock.now_iso()
        self.conn.executemany(
            "UPDATE tombstones SET deleted_at = ? WHERE rowid = ?",
            [(stamps.get(record_id, now), rowid) for rowid, record_id in made],
        )

    def tombstones(self) -> list[tuple[str, str, str]]:
        """Every tombstone as ``(id, kind, deleted_at)``, by id."""
        if not self.keeps_tombstones:
            return []
        return [
            (r[0], r[1], r[2])
            for r in self.conn.execute("SELECT id, kind, deleted_at FROM tombstones ORDER BY id")
        ]

    def has_tombstones(self, kind: str) -> bool:
        """Whether any record of ``kind`` was deleted here."""
        if not self.keeps_tombstones:
            return False
        found = self.conn.execute("SELECT 1 FROM tombstones WHERE kind = ? LIMIT 1", [kind])
        return found.fetchone() is not None

    def tombstone_stamps(self, ids: Iterable[str]) -> dict[str, str]:
        """``{id: deleted_at}`` for those of ``ids`` that were deleted here."""
        id_list = list(ids)
        if not id_list or not self.keeps_tombstones:
            return {}
        if self.conn.execute("SELECT 1 FROM tombstones LIMIT 1").fetchone() is None:
            return {}
        found: dict[str, str] = {}
        for start in range(0, len(id_list), 900):
            chunk = id_list[start : start + 900]
            found.update(
                self.conn.execute(
                    "SELECT id, deleted_at FROM tombstones "
                    f"WHERE id IN ({', '.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            )
        return found
