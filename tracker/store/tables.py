"""The record tables' columns, as the store's code needs them (no SQL runs here)."""

from __future__ import annotations

from operator import attrgetter

CHECKIN_COLUMNS = ("id", "day", "created_at", "updated_at", "mood", "intensity", "regulation",
                   "pursue", "withdraw", "pursue_acted", "withdraw_acted", "paused", "need",
                   "note")
"""The ``checkins`` table's columns, in its order."""

CHECKIN_LINKS = (("emotions", "checkin_emotions", "emotion_id"),
                 ("people", "checkin_people", "person_id"),
                 ("tags", "checkin_tags", "tag_id"))
"""Per kind of name: (name table, link table, the link's name column)."""

RECORD_TABLES = ("checkins", "experiments", "practice_logs", "ruptures", "supports", "sessions",
                 "bring_marks")
"""Tables whose rows have a text ``id`` and an ``updated_at`` (what imports compare)."""

checkin_row = attrgetter(*CHECKIN_COLUMNS, "emotions", "people", "tags")
"""A validated check-in as one tuple: its columns, then emotions, people and tags."""
