"""Ruptures and repairs, with the people each was with."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.models import PracticeLog, Rupture, ValidationError
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

    def save_rupture_with_practice(self, rupture: Rupture, log: PracticeLog) -> Rupture:
        """Save a rupture and a practice log of the repair attempt it records, in one
        transaction (both or neither).

        Raises:
            ValidationError: the log names another rupture, or it cannot be saved
                (see :meth:`~tracker.store.experiments.ExperimentsMixin.save_practice_logs`).
        """
        if log.rupture_id != rupture.id:
            raise ValidationError(
                "rupture_id", log.rupture_id or "", f"{rupture.id} (this rupture)"
            )
        with self.write():
            self.save_ruptures([rupture])
            self.save_practice_log(log)  # type: ignore[attr-defined]
        return rupture

    def save_rupture_without_practice(self, rupture: Rupture) -> int:
        """Save a rupture whose repair attempt is no longer ticked, and delete the
        practice logs that counted that attempt, in one transaction (both or neither);
        returns how many logs went."""
        ids = [log.id for log, _title in self.rupture_practice(rupture.id)]
        with self.write():
            self.save_ruptures([rupture])
            return self.delete_records("practice_logs", ids) if ids else 0

    def rupture_practice(self, rupture_id: str) -> list[tuple[PracticeLog, str]]:
        """The practice logs that count a rupture's repair attempt, each with its
        experiment's title, earliest first."""
        rows = self._query(
            "SELECT l.*, e.title AS experiment_title FROM practice_logs l "
            "JOIN experiments e ON e.id = l.experiment_id WHERE l.rupture_id = ? "
            f"ORDER BY l.day, {by_instant('l.created_at')}, l.id",
            [rupture_id],
        )
        out = []
        for row in rows:
            title = row.pop("experiment_title")
            out.append((PracticeLog(**row), title))
        return out

    def delete_rupture(self, rupture_id: str) -> None:
        self.delete_records("ruptures", [rupture_id])

    def ruptures(
        self, *, unrepaired_only: bool = False, since: str | None = None, until: str | None = None
    ) -> list[Rupture]:
        """Ruptures, the open ones first, then newest first.

        ``unrepaired_only``: only the open ones, neither repaired nor let rest (a
        rupture let rest is closed without being called repaired).
        """
        where, params = [], []
        if unrepaired_only:
            where.append("repaired_on IS NULL AND let_rest_on IS NULL")
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
            " ORDER BY (repaired_on IS NOT NULL OR let_rest_on IS NOT NULL), "
            f"{by_instant('happened_at', descending=True)}, id"
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

    def rupture_dates(self) -> list[tuple[str, str | None, str | None]]:
        """(day, repaired_on, let_rest_on) of every rupture, by day."""
        return [
            (r[0], r[1], r[2])
            for r in self.conn.execute(
                "SELECT day, repaired_on, let_rest_on FROM ruptures ORDER BY day"
            )
        ]

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
