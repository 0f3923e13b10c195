"""The errors the store raises, and SQLite's, which callers catch by these names.

Only the store speaks SQL, so the rest of tracker catches ``tracker.store.DatabaseError``
and the like rather than importing :mod:`sqlite3`. (They are SQLCipher's, the
library every connection uses: :mod:`tracker.store.engine`.)
"""

from __future__ import annotations

from tracker.store.engine import sqlite3

Connection = sqlite3.Connection
DatabaseError = sqlite3.DatabaseError
Error = sqlite3.Error
IntegrityError = sqlite3.IntegrityError
OperationalError = sqlite3.OperationalError

__all__ = [
    "BadSetting",
    "Connection",
    "DatabaseError",
    "Error",
    "IntegrityError",
    "OperationalError",
    "StoreError",
]


class StoreError(Exception):
    """A database that cannot be used as it is; the message says what to do."""


class BadSetting(ValueError):
    """An environment variable the store reads holds a value it cannot use (exit 2)."""
