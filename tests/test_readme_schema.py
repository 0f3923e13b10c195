"""The README's schema table is a public interface: it names every column there is."""

from __future__ import annotations

import re
from pathlib import Path

from tracker.store import Store

README = Path(__file__).resolve().parent.parent / "README.md"


def _documented() -> dict[str, str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## The database schema (a public interface)", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        found = re.match(r"\| `([a-z_]+)` \| (.*) \|$", line)
        if found:
            rows[found.group(1)] = found.group(2)
    return rows


def test_every_column_of_every_record_table_is_documented(tmp_path):
    documented = _documented()
    with Store.open(tmp_path / "t.db") as store:
        tables = [
            name
            for (name,) in store.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"
            )
        ]
        missing = {}
        for table in tables:
            columns = [row[1] for row in store.conn.execute(f"PRAGMA table_info({table})")]
            row = documented.get(table, "")
            absent = [c for c in columns if f"`{c}`" not in row]
            if absent:
                missing[table] = absent
    assert missing == {}
