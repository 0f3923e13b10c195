"""Check-ins: saving, deleting and reading them, and the figures charts ask for.

A check-in is one row of ``checkins`` plus its emotions, people and tags in three
link tables (:data:`~tracker.store.tables.CHECKIN_LINKS`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any

from tracker.models import CheckIn
from tracker.store.bulk import insert_many, stored_versions
from tracker.store.names import name_ids
from tracker.store.search import is_word, match_expression
from tracker.store.tables import CHECKIN_COLUMNS, CHECKIN_LINKS, by_instant, checkin_row
from tracker.store.tombstones import TombstonesMixin

_first = itemgetter(0)


class CheckinsMixin(TombstonesMixin):
    """The ``checkins`` table and its links."""

    # -- writing --

    def save_checkin(self, checkin: CheckIn) -> CheckIn:
        """Insert or replace one check-in with its names (see :meth:`save_checkins`)."""
        self.save_checkins([checkin])
        return checkin

    def save_checkins(
        self, checkins: Iterable[CheckIn | tuple[Any, ...]], *, new: bool = False
    ) -> int:
        """Insert or replace check-ins with their emotions, people and tags, in one
        transaction; returns how many were saved. The one write path of check-ins
        (brand-new ones in bulk: :meth:`~tracker.store.bulk.BulkMixin.insert_checkin_batch`).

        Takes :class:`CheckIn` records, or validated check-ins as
        :func:`~tracker.store.tables.checkin_row` tuples (the importer checks records in
        worker processes, and tuples travel back far more cheaply than objects). Rows
        go in sorted by id, many per statement; each name is looked up once; links
        are replaced only for check-ins that were already there. A repeated id: the
        last one wins. ``new``: the caller knows none of the ids is stored (skips a
        lookup).
        """
        rows = (c if isinstance(c, tuple) else checkin_row(c) for c in checkins)
        batch = sorted({r[0]: r for r in rows}.values(), key=_first)
        if not batch:
            return 0
        conn = self.conn
        width = len(CHECKIN_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in CHECKIN_COLUMNS if c != "id")
        with self.write():
            existing = {} if new else stored_versions(conn, "checkins", [r[0] for r in batch])
            insert_many(
                conn,
                f"INSERT INTO checkins ({', '.join(CHECKIN_COLUMNS)}) VALUES {{values}} "
                f"ON CONFLICT (id) DO UPDATE SET {updates}",
                width,
                [r[:width] for r in batch],
            )
            for position, (kind, link, key) in enumerate(CHECKIN_LINKS, start=width):
                if existing:
                    conn.executemany(
                        f"DELETE FROM {link} WHERE checkin_id = ?", [(i,) for i in existing]
                    )
                ids = name_ids(conn, kind, {n for r in batch for n in r[position]})
                if ids:
                    insert_many(
                        conn,
                        f"INSERT OR IGNORE INTO {link} (checkin_id, {key}) VALUES {{values}}",
                        2,
                        [(r[0], ids[n]) for r in batch for n in r[position]],
                    )
        return len(batch)

    def delete_checkin(self, checkin_id: str) -> CheckIn | None:
        """Delete one check-in (leaving its tombstone); returns it (so the caller can
        offer undo)."""
        with self.write():
            found = self.get_checkin(checkin_id)
            if found is not None:
                self.delete_records("checkins", [checkin_id])
        return found

    # -- reading --

    def get_checkin(self, checkin_id: str) -> CheckIn | None:
        found = self.checkins(ids=[checkin_id])
        return found[0] if found else None

    def checkins(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        text: str | None = None,
        emotion: str | None = None,
        person: str | None = None,
        tag: str | None = None,
        ids: Sequence[str] | None = None,
        limit: int | None = None,
        oldest_first: bool = False,
    ) -> list[CheckIn]:
        """Check-ins newest first (by day, then the moment they were made: see
        :func:`~tracker.store.tables.by_instant`), filtered as asked.

        ``text``: words found in the need or the note (see :meth:`_text_filter`).
        """
        where: list[str] = []
        params: list[Any] = []
        if since:
            where.append("c.day >= ?")
            params.append(since)
        if until:
            where.append("c.day <= ?")
            params.append(until)
        if text:
            self._text_filter(text, where, params)
        for value, (table, link, key) in zip((emotion, person, tag), CHECKIN_LINKS):
            if value:
                where.append(
                    f"c.id IN (SELECT l.checkin_id FROM {link} l JOIN {table} n "
                    f"ON n.id = l.{key} WHERE n.name = ?)"
                )
                params.append(value)
        if ids is not None:
            where.append(f"c.id IN ({', '.join('?' for _ in ids)})")
            params += list(ids)
        order = "ASC" if oldest_first else "DESC"
        sql = "SELECT c.* FROM checkins c"
        if where:
            sql += " WHERE " + " AND ".join(where)
        moment = by_instant("c.created_at", descending=not oldest_first)
        sql += f" ORDER BY c.day {order}, {moment}, c.id {order}"
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = list(self._query(sql, params))
        return self._with_names(rows)

    @staticmethod
    def _text_filter(text: str, where: list[str], params: list[Any]) -> None:
        """Words of ``text`` through the search index (each as the start of a word in
        the need or the note); a token with no letter or digit (``%``, ``?!``), which
        the index does not hold, as that literal text in the need or the note."""
        match = match_expression(text)
        if match is not None:
            where.append("c.rowid IN (SELECT rowid FROM checkins_fts WHERE checkins_fts MATCH ?)")
            params.append(match)
        for token in text.split():
            if not is_word(token):
                where.append("(c.note LIKE ? ESCAPE '\\' OR c.need LIKE ? ESCAPE '\\')")
                like = (
                    "%" + token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                )
                params += [like, like]

    def _with_names(self, rows: list[dict[str, Any]]) -> list[CheckIn]:
        if not rows:
            return []
        names: dict[str, dict[str, list[str]]] = {
            r["id"]: {"emotions": [], "people": [], "tags": []} for r in rows
        }
        # Chunk to stay under SQLite's variable limit.
        id_list = list(names)
        for start in range(0, len(id_list), 900):
            chunk = id_list[start : start + 900]
            marks = ", ".join("?" for _ in chunk)
            for kind, link, key in CHECKIN_LINKS:
                for checkin_id, name in self.conn.execute(
                    f"SELECT l.checkin_id, n.name FROM {link} l JOIN {kind} n ON n.id = l.{key} "
                    f"WHERE l.checkin_id IN ({marks}) ORDER BY n.name COLLATE NOCASE",
                    chunk,
                ):
                    names[checkin_id][kind].append(name)
        return [
            CheckIn(**r, **{k: tuple(v) for k, v in names[r["id"]].items()})  # type: ignore[arg-type]
            for r in rows
        ]

    def checkin_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM checkins").fetchone()[0]

    def days_with_checkins(self, since: str, until: str) -> set[str]:
        return {
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT day FROM checkins WHERE day BETWEEN ? AND ?", [since, until]
            )
        }

    def first_checkin_day(self) -> str | None:
        return self.conn.execute("SELECT min(day) FROM checkins").fetchone()[0]

    # -- figures for charts, insights and reports --

    def daily_means(
        self, since: str | None = None, until: str | None = None
    ) -> list[dict[str, Any]]:
        """One row per day that has check-ins: the mean of each scale and the count,
        and ``pursue_acted`` / ``withdraw_acted``: 1 when a check-in of the day acted
        on that urge, 0 when some said no and none yes, ``None`` when none answered.

        Aggregated in SQL over the ``day`` index; days without check-ins are absent
        (gaps, not zeros).
        """
        where, params = [], []
        if since:
            where.append("day >= ?")
            params.append(since)
        if until:
            where.append("day <= ?")
            params.append(until)
        sql = (
            "SELECT day, count(*) AS n, avg(mood) AS mood, avg(intensity) AS intensity, "
            "avg(regulation) AS regulation, avg(pursue) AS pursue, avg(withdraw) AS withdraw, "
            "max(pursue_acted) AS pursue_acted, max(withdraw_acted) AS withdraw_acted "
            "FROM checkins"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " GROUP BY day ORDER BY day"
        return list(self._query(sql, params))

    def urge_answers(
        self, since: str | None = None, until: str | None = None
    ) -> list[dict[str, Any]]:
        """Every check-in's ``day``, urges (``pursue``, ``withdraw``) and answers
        (``pursue_acted``, ``withdraw_acted``, ``paused``), oldest first: what the
        hard-moments figures (:mod:`tracker.week`) count."""
        return list(self.iter_urge_answers(since, until))

    def iter_urge_answers(
        self, since: str | None = None, until: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """:meth:`urge_answers` as a stream, one row at a time (read it while the
        store is open): years of them are counted without being kept."""
        cursor = self.conn.execute(
            "SELECT day, pursue, withdraw, pursue_acted, withdraw_acted, paused FROM checkins "
            "WHERE day BETWEEN ? AND ? ORDER BY day, created_at",
            [since or "0000-00-00", until or "9999-99-99"],
        )
        keys = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(keys, row, strict=True))

    def name_counts(
        self, kind: str, since: str | None = None, until: str | None = None
    ) -> list[tuple[str, int]]:
        """How often each emotion / person / tag was named in check-ins of a range."""
        link, key = {
            "emotions": ("checkin_emotions", "emotion_id"),
            "people": ("checkin_people", "person_id"),
            "tags": ("checkin_tags", "tag_id"),
        }[kind]
        since, until = since or "0000-00-00", until or "9999-99-99"
        first, last = self.conn.execute("SELECT min(day), max(day) FROM checkins").fetchone()
        if first is not None and since <= first and last <= until:
            # Every check-in is in the range: count the links alone, over the name
            # index, rather than joining each link with its check-in.
            return [
                (r[0], r[1])
                for r in self.conn.execute(
                    f"SELECT n.name, t.times FROM (SELECT {key} AS id, count(*) AS times "
                    f"FROM {link} GROUP BY {key}) t JOIN {kind} n ON n.id = t.id "
                    "ORDER BY t.times DESC, n.name COLLATE NOCASE"
                )
            ]
        sql = (
            f"SELECT n.name, count(*) AS times FROM {link} l JOIN {kind} n ON n.id = l.{key} "
            "JOIN checkins c ON c.id = l.checkin_id WHERE c.day BETWEEN ? AND ? "
            "GROUP BY n.id ORDER BY times DESC, n.name COLLATE NOCASE"
        )
        return [(r[0], r[1]) for r in self.conn.execute(sql, [since, until])]

    def needs(self, since: str | None = None, until: str | None = None) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT need FROM checkins WHERE need IS NOT NULL AND day BETWEEN ? AND ? "
                "ORDER BY day",
                [since or "0000-00-00", until or "9999-99-99"],
            )
        ]
