"""The one error the store raises for a database it will not use."""

from __future__ import annotations


class StoreError(Exception):
    """A database that cannot be used as it is; the message says what to do."""
