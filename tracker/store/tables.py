"""The record tables' columns, as the store's code needs them (no SQL runs here)."""

from __future__ import annotations

from operator import attrgetter

CHECKIN_COLUMNS = (
    "id",
    "day",
    "created_at",
    "updated_at",
    "mood",
    "intensity",
    "regulation",
    "pursue",
    "withdraw",
    "pursue_acted",
    "withdraw_acted",
    "paused",
    "need",
    "note",
)
"""The ``checkins`` table's columns, in its order."""

CHECKIN_LINKS = (
    ("emotions", "checkin_emotions", "emotion_id"),
    ("people", "checkin_people", "person_id"),
    ("tags", "checkin_tags", "tag_id"),
)
"""Per kind of name: (name table, link table, the link's name column)."""

RECORD_TABLES = (
    "checkins",
    "experiments",
    "practice_logs",
    "ruptures",
    "supports",
    "sessions",
    "bring_marks",
)
"""Tables whose rows have a text ``id`` and an ``updated_at`` (what imports compare)."""


def by_instant(column: str, *, descending: bool = False) -> str:
    """SQL that orders by the moment a timestamp column names, its UTC offset applied.

    Not by its text: when clocks go back, ``01:30:00+01:00`` comes before
    ``01:10:00+00:00`` (00:30 and 01:10 UTC), though its text sorts after. The text
    itself follows, so two spellings of one moment still have one order.
    """
    way = " DESC" if descending else ""
    return f"julianday({column}){way}, {column}{way}"


checkin_row = attrgetter(*CHECKIN_COLUMNS, "emotions", "people", "tags")
"""A validated check-in as one tuple: its columns, then emotions, people and tags."""
