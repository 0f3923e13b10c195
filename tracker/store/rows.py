"""Insert-or-update of whole rows, for the records that are one row each."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any


def upsert(conn: sqlite3.Connection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert each row, or update the stored row with its ``id``.

    Every row has the same keys (a record's ``to_row()``). ``ON CONFLICT DO UPDATE``
    keeps the stored row (its rowid, and so its search-index entry) and runs the
    table's update triggers; ``INSERT OR REPLACE`` would delete it first.
    """
    if not rows:
        return
    cols = list(rows[0])
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
        f"ON CONFLICT (id) DO UPDATE SET {updates}",
        [[row[c] for c in cols] for row in rows],
    )
