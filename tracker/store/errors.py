"""The one error the store raises for a database it will not use."""

from __future__ import annotations

# SQLite's own errors, for callers that catch them: only the store imports sqlite3.
from sqlite3 import DatabaseError, OperationalError

__all__ = ["DatabaseError", "OperationalError", "StoreError"]


class StoreError(Exception):
    """A database that cannot be used as it is; the message says what to do."""
