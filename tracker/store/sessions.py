"""Therapy sessions, and the "bring to my next session" marks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from tracker import clock
from tracker.models import BRING_KINDS, BringMark, Session
from tracker.store.errors import StoreError
from tracker.store.rows import upsert
from tracker.store.tombstones import TombstonesMixin


class SessionsMixin(TombstonesMixin):
    """The ``sessions`` and ``bring_marks`` tables."""

    # -- sessions --

    def save_session(self, session: Session) -> Session:
        self.save_sessions([session])
        return session

    def save_sessions(self, sessions: Iterable[Session]) -> int:
        """Insert or update sessions, in one transaction; returns how many."""
        rows = [s.to_row() for s in sessions]
        with self.write():
            upsert(self.conn, "sessions", rows)
        return len(rows)

    def delete_session(self, session_id: str) -> None:
        self.delete_records("sessions", [session_id])

    def sessions(self, *, since: str | None = None, until: str | None = None) -> list[Session]:
        """Sessions by day, earliest first."""
        where, params = [], []
        if since:
            where.append("day >= ?")
            params.append(since)
        if until:
            where.append("day <= ?")
            params.append(until)
        sql = "SELECT * FROM sessions"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY day, created_at, id"
        return [Session(**r) for r in self._query(sql, params)]

    def get_session(self, session_id: str) -> Session | None:
        rows = self._query("SELECT * FROM sessions WHERE id = ?", [session_id])
        return Session(**rows[0]) if rows else None

    # -- bring marks --

    def save_bring_marks(self, marks: Iterable[BringMark]) -> int:
        """Insert or update marks, in one transaction; returns how many."""
        rows = [m.to_row() for m in marks]
        with self.write():
            upsert(self.conn, "bring_marks", rows)
        return len(rows)

    def bring_marks(
        self, kind: str | None = None, record_ids: Iterable[str] | None = None
    ) -> list[BringMark]:
        """Marks, oldest first; only those on ``kind`` records (and ``record_ids``)
        when given."""
        sql = "SELECT * FROM bring_marks"
        params: list[str] = []
        if kind is not None:
            column = _column(kind)
            sql += f" WHERE {column} IS NOT NULL"
            if record_ids is not None:
                ids = list(record_ids)
                params += ids
                sql += f" AND {column} IN ({', '.join('?' * len(ids))})"
        sql += " ORDER BY created_at, id"
        return [BringMark(**r) for r in self._query(sql, params)]

    def waiting_marks(self, today: dt.date | None = None) -> list[BringMark]:
        """Marks not yet brought to a session (see :meth:`BringMark.brought_to`)."""
        sessions = self.sessions()
        return [m for m in self.bring_marks() if m.brought_to(sessions, today) is None]

    def is_marked(self, kind: str, record_id: str, today: dt.date | None = None) -> bool:
        """Whether the record has a mark still waiting for a session."""
        sessions = self.sessions()
        return any(
            m.brought_to(sessions, today) is None for m in self.bring_marks(kind, [record_id])
        )

    def set_bring(
        self, kind: str, record_id: str, bring: bool, today: dt.date | None = None
    ) -> bool:
        """Mark a record "bring to my next session", or take its waiting mark off.

        One transaction. A record keeps the marks it was already brought with; at most
        one waits at a time. Returns whether anything changed.
        """
        column = _column(kind)
        with self.write():
            sessions = self.sessions()
            waiting = [
                m
                for m in self.bring_marks(kind, [record_id])
                if m.brought_to(sessions, today) is None
            ]
            if bring and not waiting:
                self.save_bring_marks(
                    [BringMark.create({column: record_id}, created_at=clock.now_iso())]
                )
                return True
            if not bring and waiting:
                self.delete_records("bring_marks", [m.id for m in waiting])
                return True
        return False

    def toggle_bring(self, kind: str, record_id: str, today: dt.date | None = None) -> bool:
        """Mark the record, or take its waiting mark off; returns whether it is
        marked now."""
        with self.write():
            marked = not self.is_marked(kind, record_id, today)
            self.set_bring(kind, record_id, marked, today)
        return marked


def _column(kind: str) -> str:
    column = BRING_KINDS.get(kind)
    if column is None:
        raise StoreError(f"Unknown kind {kind!r}; choose from {', '.join(BRING_KINDS)}.")
    return column
