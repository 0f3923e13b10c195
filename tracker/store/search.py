"""Full-text search over needs and notes, what happened, and what was learned.

The indexes are FTS5 tables kept by triggers (migration 3, :data:`FTS_COLUMNS`).
What people type is always taken as words, never as FTS5's query language: each
word becomes a quoted prefix term (``"call"*`` finds "call", "called", "calling"),
so ``"``, ``*``, ``-``, ``NEAR`` or ``AND`` are just text. Matching ignores case
and accents (FTS5's ``unicode61`` tokenizer).
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.store.connection import StoreBase
from tracker.store.schema import FTS_COLUMNS

SEARCH_KINDS = {"checkins": "checkin", "ruptures": "rupture", "experiments": "experiment"}
"""Each searched table, and the kind its hits are."""

_HIT_DAY = {
    "checkins": "t.day",
    "ruptures": "t.day",
    "experiments": "coalesce(t.ended_on, t.started_on)",
}
"""The day a hit counts for (an experiment's: the day it ended, else began)."""

SNIPPET_TOKENS = 16


def is_word(token: str) -> bool:
    """Whether a token has something the index holds (a letter or a digit)."""
    return any(ch.isalnum() for ch in token)


def match_expression(text: str) -> str | None:
    """An FTS5 query finding rows that hold every word of ``text``, each as the start
    of a word; None when ``text`` has no words (only punctuation or nothing).

    Each word is quoted (a ``"`` in it doubled), so nothing a person types is read as
    query syntax.
    """
    terms = ['"' + token.replace('"', '""') + '"*' for token in text.split() if is_word(token)]
    return " ".join(terms) or None


@dataclass(frozen=True)
class SearchHit:
    """One record that matched: its kind, id, day, a snippet of its text, its rank."""

    kind: str
    """``"checkin"``, ``"rupture"`` or ``"experiment"``."""
    id: str
    day: str
    snippet: str
    """Up to :data:`SNIPPET_TOKENS` words around the match, "…" where text was left out."""
    score: float
    """FTS5's bm25: lower is a better match."""


class SearchMixin(StoreBase):
    """Search across check-ins, ruptures and experiments."""

    def search(
        self,
        words: str,
        *,
        since: str | None = None,
        limit: int = 50,
        marks: tuple[str, str] = ("", ""),
    ) -> list[SearchHit]:
        """Records whose text holds every one of ``words``, best match first.

        ``since``: only records of that day (``YYYY-MM-DD``) or later. ``marks`` go
        around each matched word in the snippets. Words without a letter or digit
        are left out; with none left, nothing matches.
        """
        match = match_expression(words)
        if match is None:
            return []
        parts = []
        for table in FTS_COLUMNS:
            day = _HIT_DAY[table]
            parts.append(
                f"SELECT '{SEARCH_KINDS[table]}' AS kind, t.id AS id, {day} AS day, "
                "f.snippet AS snippet, f.score AS score "
                f"FROM (SELECT rowid, snippet({table}_fts, -1, :open, :close, '…', "
                f"{SNIPPET_TOKENS}) AS snippet, bm25({table}_fts) AS score FROM {table}_fts "
                f"WHERE {table}_fts MATCH :match) f "
                f"JOIN {table} t ON t.rowid = f.rowid WHERE {day} >= :since"
            )
        sql = " UNION ALL ".join(parts) + " ORDER BY score, day DESC, id LIMIT :limit"
        params = {
            "match": match,
            "since": since or "",
            "open": marks[0],
            "close": marks[1],
            "limit": int(limit),
        }
        return [SearchHit(*row) for row in self.conn.execute(sql, params)]
