"""What sync reads from the database and writes into it.

:meth:`SyncMixin.sync_state` reads everything that travels; :meth:`SyncMixin.apply_sync`
writes what the merge decided (:class:`SyncChanges`), in one transaction,
through each kind's one write path (``save_checkins``, ``save_experiments``...,
:meth:`~tracker.store.tombstones.TombstonesMixin.delete_records`), with the conflicts
it found and the settings sync keeps (this device's id, the file it wrote).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tracker.store.tombstones import TombstonesMixin

_NAME_TABLES = ("emotions", "people", "tags")


@dataclass
class SyncChanges:
    """What a sync writes (:meth:`SyncMixin.apply_sync`), as plain data."""

    saves: dict[str, list[Any]] = field(default_factory=dict)
    """Per kind, the records to insert or replace (:mod:`tracker.models` records)."""
    deletes: dict[str, list[str]] = field(default_factory=dict)
    """Per kind, the ids of records here to delete."""
    stamps: dict[str, str] = field(default_factory=dict)
    """``{id: deleted_at}`` for the tombstones those deletes leave (cascades too)."""
    tombstones: list[tuple[str, str, str]] = field(default_factory=list)
    """``(id, kind, deleted_at)`` to keep for records that are not here."""
    respell: list[tuple[str, str, str]] = field(default_factory=list)
    """``(emotions|people|tags, the spelling here, the spelling to keep)``."""
    new_words: list[tuple[str, int]] = field(default_factory=list)
    shipped: list[str] = field(default_factory=list)
    """Emotion words here to mark as shipped (part of the starting vocabulary)."""
    conflicts: list[tuple[Any, ...]] = field(default_factory=list)
    """Rows for :meth:`SyncMixin.save_sync_conflicts`."""
    settings: dict[str, str] = field(default_factory=dict)


class SyncMixin(TombstonesMixin):
    """The database side of ``tracker sync``."""

    def sync_state(self) -> tuple[dict[str, list[Any]], dict[str, Any]]:
        """Every record by kind (as :mod:`tracker.models` records), and the words:
        ``{"emotions": [(word, shipped)], "people": [...], "tags": [...]}``."""
        # (The mixins are put together in tracker.store.Store, which has these.)
        store: Any = self
        records = {
            "checkins": store.checkins(oldest_first=True),
            "experiments": store.experiments(),
            "practice_logs": store.practice_logs(),
            "ruptures": store.ruptures(),
            "supports": store.supports(),
            "sessions": store.sessions(),
            "bring_marks": store.bring_marks(),
        }
        words = {
            "emotions": [
                (r[0], r[1]) for r in self.conn.execute("SELECT name, shipped FROM emotions")
            ],
            "people": [r[0] for r in self.conn.execute("SELECT name FROM people")],
            "tags": [r[0] for r in self.conn.execute("SELECT name FROM tags")],
        }
        return records, words

    def apply_sync(self, changes: SyncChanges) -> None:
        """Write what a sync decided, in one transaction: all of it, or (on any error)
        none. The order is the one references need: deletions, then names, then
        records kind by kind (check-ins, experiments, practice logs, ruptures,
        supports, sessions, marks), then conflicts and settings."""
        store: Any = self
        with self.write():
            for kind, ids in changes.deletes.items():
                self.delete_records(kind, ids, stamps=changes.stamps)
            self.conn.executemany(
                "INSERT INTO tombstones (id, kind, deleted_at) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, "
                "deleted_at = excluded.deleted_at",
                list(changes.tombstones),
            )
            for kind, old, new in changes.respell:
                if kind in _NAME_TABLES:
                    self.conn.execute(f"UPDATE {kind} SET name = ? WHERE name = ?", [new, old])
            if changes.new_words:
                store.add_emotion_words(changes.new_words)
            self.conn.executemany(
                "UPDATE emotions SET shipped = 1 WHERE name = ?", [(w,) for w in changes.shipped]
            )
            savers = {
                "checkins": store.save_checkins,
                "experiments": store.save_experiments,
                "practice_logs": lambda logs: store.save_practice_logs(logs, within_span=False),
                "ruptures": store.save_ruptures,
                "supports": store.save_supports,
                "sessions": store.save_sessions,
                "bring_marks": store.save_bring_marks,
            }
            for kind, save in savers.items():
                if changes.saves.get(kind):
                    save(list(changes.saves[kind]))
            self.save_sync_conflicts(changes.conflicts)
            for key, value in changes.settings.items():
                store.set_setting(key, value)

    # -- conflicts --

    def save_sync_conflicts(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Keep conflicts (the same one twice is kept once): rows of
        (noticed_at, kind, record_id, kept_device, kept_device_name, kept_at,
        kept_deleted, lost_device, lost_device_name, lost_at, lost_deleted, fields,
        lost)."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO sync_conflicts (noticed_at, kind, record_id, kept_device, "
            "kept_device_name, kept_at, kept_deleted, lost_device, lost_device_name, lost_at, "
            "lost_deleted, fields, lost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            list(rows),
        )

    def sync_conflicts(self) -> list[dict[str, Any]]:
        """Every conflict sync kept, the latest noticed first."""
        return self._query(
            "SELECT * FROM sync_conflicts ORDER BY julianday(noticed_at) DESC, id DESC"
        )
