"""Rows for export: each table's columns and rows in a stable order.

:mod:`tracker.portability.export` turns them into CSV or JSON; no file format is
made here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tracker.store.connection import StoreBase
from tracker.store.errors import StoreError
from tracker.store.names import NAME_KINDS, nocase_key
from tracker.store.tables import CHECKIN_LINKS, by_instant


class ExportsMixin(StoreBase):
    """Every table as rows, for ``tracker export``."""

    EXPORT_TABLES = (
        "checkins",
        "experiments",
        "practice_logs",
        "ruptures",
        "supports",
        "emotions",
        "names",
        "sessions",
        "bring_marks",
    )

    def export_columns(self, table: str) -> list[str]:
        cols = [r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")]
        if table == "checkins":
            cols += ["emotions", "people", "tags"]
        elif table == "ruptures":
            cols += ["people"]
        elif table == "emotions":
            cols = ["name", "shipped"]
        elif table == "names":
            cols = ["kind", "name", "hidden"]
        return cols

    def export_rows(self, table: str) -> Iterator[tuple[Any, ...]]:
        """Rows of a table for export, as tuples in :meth:`export_columns` order.

        Emotions, people and tags are joined with ``|`` in one column, sorted by name.
        ``names`` holds every emotion word, person and tag (``kind``: emotion, person,
        tag) with whether it is hidden from suggestions.
        """
        if table not in self.EXPORT_TABLES:
            raise StoreError(
                f"Unknown table {table!r}; choose from {', '.join(self.EXPORT_TABLES)}."
            )
        sep = "'|'"
        if table == "checkins":
            yield from self._export_checkins()
            return
        if table == "ruptures":
            sql = f"""
            SELECT r.*,
              (SELECT group_concat(name, {sep}) FROM (SELECT n.name FROM rupture_people l
                 JOIN people n ON n.id = l.person_id WHERE l.rupture_id = r.id
                 ORDER BY n.name COLLATE NOCASE))
            FROM ruptures r ORDER BY {by_instant("r.happened_at")}, r.id"""
        elif table == "emotions":
            sql = "SELECT name, shipped FROM emotions ORDER BY shipped DESC, name COLLATE NOCASE"
        elif table == "names":
            each = " UNION ALL ".join(
                f"SELECT {i} AS k, '{kind}' AS kind, name, hidden FROM {source}"
                for i, (kind, source) in enumerate(NAME_KINDS.items())
            )
            sql = f"SELECT kind, name, hidden FROM ({each}) ORDER BY k, name COLLATE NOCASE"
        elif table == "practice_logs":
            sql = f"SELECT * FROM practice_logs ORDER BY day, {by_instant('created_at')}, id"
        elif table == "experiments":
            sql = f"SELECT * FROM experiments ORDER BY started_on, {by_instant('created_at')}, id"
        elif table == "sessions":
            sql = f"SELECT * FROM sessions ORDER BY day, {by_instant('created_at')}, id"
        elif table == "bring_marks":
            sql = f"SELECT * FROM bring_marks ORDER BY marked_on, {by_instant('created_at')}, id"
        else:
            sql = f"SELECT * FROM supports ORDER BY position, {by_instant('created_at')}, id"
        cursor = self.conn.execute(sql)
        while True:
            batch = cursor.fetchmany(2000)
            if not batch:
                break
            yield from batch

    def _export_checkins(self) -> Iterator[tuple[Any, ...]]:
        """Check-ins by day and the moment they were made (not the text of their
        timestamp: :func:`~tracker.store.tables.by_instant`), each with its emotions,
        people and tags.

        Each kind of name is read in one pass over its link table, not with a
        subquery per check-in.
        """
        names = [self._joined_names(kind, link, key) for kind, link, key in CHECKIN_LINKS]
        emotions, people, tags = (found.get for found in names)
        cursor = self.conn.execute(
            f"SELECT * FROM checkins ORDER BY day, {by_instant('created_at')}, id"
        )
        while batch := cursor.fetchmany(2000):
            for row in batch:
                checkin_id = row[0]
                yield row + (emotions(checkin_id), people(checkin_id), tags(checkin_id))

    def _joined_names(self, kind: str, link: str, key: str) -> dict[str, str]:
        """``{checkin_id: "a|b"}`` for the check-ins with names of this kind.

        Names are in ``COLLATE NOCASE`` order (ASCII letters folded, then code
        points). They never hold chr(31): models fold it away as white space.
        """
        joined = dict(
            self.conn.execute(
                f"SELECT l.checkin_id, group_concat(n.name, char(31)) FROM {link} l "
                f"JOIN {kind} n ON n.id = l.{key} GROUP BY l.checkin_id"
            )
        )
        ordered: dict[str, str] = {}
        for checkin_id, names in joined.items():
            if "\x1f" in names:
                found = ordered.get(names)
                if found is None:
                    found = ordered[names] = "|".join(sorted(names.split("\x1f"), key=nocase_key))
                joined[checkin_id] = found
        return joined
