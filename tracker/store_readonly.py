"""A second, read-only :class:`~tracker.store.Store` on a database already in use.

A sqlite3 connection belongs to the thread that made it, so work on another
thread (the trends screen reads years of check-ins in a worker) opens its own.
The file must already have been opened, checked and migrated by
:meth:`Store.open`: this only reads, never creates, migrates or writes.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any, cast

from tracker.store import BUSY_TIMEOUT_MS, Store, _Database


def open_read_only(path: str | os.PathLike[str], *, cache_kib: int = 256) -> Store:
    """A read-only Store on ``path``, for the thread that calls this; close it there.

    ``cache_kib``: SQLite's page cache for this connection. Small by default: such a
    connection reads once and closes, and what the cache took stays in the process.
    Raises ``sqlite3.OperationalError`` when the file cannot be opened (it is gone).
    """
    path = Path(path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                           timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
    return Store(cast(Any, _Database(conn)), path)  # as Store.open does
