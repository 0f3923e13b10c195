"""The Support screen's people and lines, and the app's settings."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.models import Support
from tracker.store.rows import upsert
from tracker.store.tables import by_instant
from tracker.store.tombstones import TombstonesMixin


class SupportsMixin(TombstonesMixin):
    """The ``supports`` and ``settings`` tables."""

    def supports(self) -> list[Support]:
        return [
            Support(**r)
            for r in self._query(
                f"SELECT * FROM supports ORDER BY position, {by_instant('created_at')}, id"
            )
        ]

    def save_support(self, support: Support) -> Support:
        self.save_supports([support])
        return support

    def save_supports(self, supports: Iterable[Support]) -> int:
        """Insert or update supports, in one transaction; returns how many."""
        rows = [s.to_row() for s in supports]
        with self.write():
            upsert(self.conn, "supports", rows)
        return len(rows)

    def delete_support(self, support_id: str) -> None:
        self.delete_records("supports", [support_id])

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def settings_starting(self, prefix: str) -> dict[str, str]:
        """Every setting whose key starts with ``prefix`` (matched exactly, not as a
        LIKE pattern), by key."""
        rows = self.conn.execute(
            "SELECT key, value FROM settings WHERE substr(key, 1, ?) = ? ORDER BY key",
            [len(prefix), prefix],
        )
        return {key: value for key, value in rows}

    def set_setting(self, key: str, value: str) -> None:
        with self.write():
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    def delete_setting(self, key: str) -> None:
        with self.write():
            self.conn.execute("DELETE FROM settings WHERE key = ?", [key])
