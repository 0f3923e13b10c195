"""Ruptures and repairs, with the people each was with."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.models import Rupture
from tracker.store.names import name_ids
from tracker.store.rows import upsert
from tracker.store.tables import by_instant
from tracker.store.tombstones import TombstonesMixin


class RupturesMixin(TombstonesMixin):
    """The ``ruptures`` and ``rupture_people`` tables."""

    def save_rupture(self, rupture: Rupture) -> Rupture:
        self.save_ruptures([rupture])
        return rupture

    def save_ruptures(self, ruptures: Iterable[Rupture]) -> int:
        """Insert or update ruptures with the people each was with, in one
        transaction; returns how many."""
        records = list(ruptures)
        conn = self.conn
        with self.write():
            upsert(conn, "ruptures", [r.to_row() for r in records])
            conn.executemany(
                "DELETE FROM rupture_people WHERE rupture_id = ?", [(r.id,) for r in records]
            )
            ids = name_ids(conn, "people", {n for r in records for n in r.people})
            conn.executemany(
                "INSERT OR IGNORE INTO rupture_people (rupture_id, person_id) VALUES (?, ?)",
                [(r.id, ids[n]) for r in records for n in r.people],
            )
        return len(records)

    def delete_rupture(self, rupture_id: str) -> None:
        self.delete_records("ruptures", [rupture_id])

    def ruptures(
        self, *, unrepaired_only: bool = False, since: str | None = None, until: str | None = None
    ) -> list[Rupture]:
        """Ruptures, unrepaired first, then newest first."""
        where, params = [], []
        if unrepaired_only:
            where.append("repaired_on IS NULL")
        if since:
            where.append("day >= ?")
            params.append(since)
        if until:
            where.append("day <= ?")
            params.append(until)
        sql = "SELECT * FROM ruptures"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += (
            f" ORDER BY repaired_on IS NOT NULL, {by_instant('happened_at', descending=True)}, id"
        )
        rows = list(self._query(sql, params))
        people: dict[str, list[str]] = {r["id"]: [] for r in rows}
        for rupture_id, name in self.conn.execute(
            "SELECT rp.rupture_id, p.name FROM rupture_people rp JOIN people p "
            "ON p.id = rp.person_id ORDER BY p.name COLLATE NOCASE"
        ):
            if rupture_id in people:
                people[rupture_id].append(name)
        return [Rupture(**r, people=tuple(people[r["id"]])) for r in rows]

    def get_rupture(self, rupture_id: str) -> Rupture | None:
        for rupture in self.ruptures():
            if rupture.id == rupture_id:
                return rupture
        return None

    def rupture_marks(self, since: str, until: str) -> list[tuple[str, str | None]]:
        """(day, repaired_on) of ruptures that happened or were repaired in the range."""
        return [
            (r[0], r[1])
            for r in self.conn.execute(
                "SELECT day, repaired_on FROM ruptures WHERE day BETWEEN ?1 AND ?2 "
                "OR repaired_on BETWEEN ?1 AND ?2 ORDER BY day",
                [since, until],
            )
        ]
