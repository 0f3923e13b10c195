"""The plan of an import: what it would add, update and leave alone, and writing it.

Records are checked before they get here. A record already stored is replaced only
when the incoming ``updated_at`` is a later moment; a record deleted here (it has a
tombstone) comes back only when the incoming ``updated_at`` is later than its
deletion, else it stays deleted, and so do the practice logs and bring marks that
belong to it (a reference to it from a record that does come in is emptied, as the
deletion emptied it here). :func:`apply_plan` writes a plan in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tracker.models import BRING_KINDS
from tracker.portability.importer.problems import ImportProblem
from tracker.portability.importer.sources import missing_mark_target
from tracker.store import Store
from tracker.store.names import nocase_key


class StreamedCheckins(Protocol):
    """Check-ins checked while they are written (:class:`.workers.CheckinStream`);
    named here by what a plan needs of them, so this module needs nothing of that one."""

    done: bool

    def write(self, store: Store) -> None: ...


#: The order tables are written in: names first, experiments before their logs, marks
#: after what they mark.
TABLE_ORDER = (
    "emotions",
    "names",
    "checkins",
    "experiments",
    "practice_logs",
    "ruptures",
    "supports",
    "sessions",
    "bring_marks",
)
RECORD_TABLES = TABLE_ORDER[2:]
"""The tables of records with an id (the first two hold names)."""


@dataclass
class TableCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    """Records deleted here after the version the import holds: they stay deleted."""

    @property
    def changed(self) -> int:
        return self.added + self.updated


@dataclass
class ImportPlan:
    """Checked records, sorted into new, newer and already-here; nothing written yet.

    Check-ins are held as :func:`tracker.store.checkin_row` tuples (made from
    validated :class:`CheckIn` records), the other tables as records.
    """

    write: dict[str, list[Any]] = field(default_factory=dict)
    counts: dict[str, TableCounts] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stream: StreamedCheckins | None = None  # check-ins checked while they are written
    rebuild_indexes: bool = False
    pending_marks: list[tuple[str, str]] = field(default_factory=list)
    """Marks on check-ins of the stream: (where, check-in id), checked once written."""

    @property
    def updates(self) -> int:
        """Stored records this plan replaces (known before writing)."""
        return sum(c.updated for c in self.counts.values())

    @property
    def changes(self) -> int:
        """Records added or replaced; a stream counts as changes until it is written."""
        return sum(c.changed for c in self.counts.values()) + (
            1 if self.stream is not None and not self.stream.done else 0
        )


def is_newer(incoming: str, stored: str) -> bool:
    """Is ``incoming`` a later moment than ``stored`` (ISO timestamps with offsets)?"""
    if incoming == stored:
        return False
    try:
        return dt.datetime.fromisoformat(incoming) > dt.datetime.fromisoformat(stored)
    except ValueError:  # a stored value this version cannot read: keep what is stored
        return False


def _version(table: str, record: Any) -> tuple[str, str]:
    """(id, updated_at) of a record, or of a check-in row."""
    if table == "checkins":
        return record[0], record[3]
    return record.id, record.updated_at


def keep_newest(table: str, by_id: dict[str, Any], record: Any) -> None:
    """Put ``record`` in ``by_id`` unless one with its id there is newer."""
    record_id, updated = _version(table, record)
    earlier = by_id.get(record_id)
    if earlier is None or not is_newer(_version(table, earlier)[1], updated):
        by_id[record_id] = record


def plan_records(
    store: Store,
    records: dict[str, dict[str, Any]],
    emotion_words: dict[str, int] | None = None,
    names: list[tuple[str, str, int]] | None = None,
) -> ImportPlan:
    """Sort checked records (``{table: {id: record}}``) against what is stored.

    ``names`` (the ``names`` file's ``(kind, name, hidden)`` rows): a name not
    stored is added, and one hidden in the import is hidden here too; a name hidden
    here stays hidden.
    """
    plan = ImportPlan()
    if names:
        _plan_names(store, plan, names)
    if emotion_words:
        have = {w.casefold() for w in store.emotion_vocabulary()}
        new = [(w, s) for w, s in emotion_words.items() if w.casefold() not in have]
        plan.write["emotions"] = new
        plan.counts["emotions"] = TableCounts(
            added=len(new), unchanged=len(emotion_words) - len(new)
        )
    stays_deleted: set[str] = set()
    for table in RECORD_TABLES:
        by_id = records.get(table)
        if not by_id:
            continue
        stored = store.versions(table, list(by_id))
        gone = store.tombstone_stamps([i for i in by_id if i not in stored])
        counts = TableCounts()
        out = []
        for record_id, record in by_id.items():
            old = stored.get(record_id)
            incoming = _version(table, record)[1]
            if old is None and record_id in gone and not is_newer(incoming, gone[record_id]):
                counts.deleted += 1
                stays_deleted.add(record_id)
            elif old is None:
                counts.added += 1
                out.append(record)
            elif is_newer(incoming, old):
                counts.updated += 1
                out.append(record)
            else:
                counts.unchanged += 1
        plan.write[table] = out
        plan.counts[table] = counts
    if stays_deleted:
        _leave_out_what_belongs_to(plan, stays_deleted)
    return plan


def _plan_names(store: Store, plan: ImportPlan, names: list[tuple[str, str, int]]) -> None:
    stored = {kind: store.hidden_flags(kind) for kind in {k for k, _, _ in names}}
    incoming: dict[tuple[str, str], tuple[str, str, int]] = {}
    for kind, name, hidden in names:
        key = (kind, nocase_key(name))
        earlier = incoming.get(key)
        incoming[key] = (kind, name, max(hidden, earlier[2] if earlier else 0))
    counts = TableCounts()
    out = []
    for (kind, folded), row in incoming.items():
        here = stored[kind].get(folded)
        if here is None:
            counts.added += 1
            out.append(row)
        elif row[2] and not here:
            counts.updated += 1
            out.append(row)
        else:
            counts.unchanged += 1
    plan.write["names"] = out
    plan.counts["names"] = counts


_BELONGS = {"practice_logs": ("experiment_id",), "bring_marks": tuple(BRING_KINDS.values())}
"""What a record cannot be without: its deletion takes these records with it."""
_POINTS = {"practice_logs": "rupture_id", "experiments": "follows_id"}
"""A reference a deletion empties (``ON DELETE SET NULL``)."""


def _leave_out_what_belongs_to(plan: ImportPlan, gone: set[str]) -> None:
    """Records that stay deleted take with them the imported practice logs and marks
    that belong to them (their deletion here took those too), and empty the imported
    references to them, as the deletion did here."""
    for table in ("practice_logs", "bring_marks"):
        kept = []
        for record in plan.write.get(table, []):
            if any(getattr(record, column) in gone for column in _BELONGS[table]):
                plan.counts[table].deleted += 1
                plan.counts[table].added -= 1  # (an update's row is stored: not gone)
                gone.add(record.id)
            else:
                kept.append(record)
        plan.write[table] = kept
    for table, column in _POINTS.items():
        plan.write[table] = [
            record.with_changes(**{column: None}) if getattr(record, column) in gone else record
            for record in plan.write.get(table, [])
        ]


def apply_plan(store: Store, plan: ImportPlan) -> None:
    """Write a plan in one transaction: all of it, or (on any error) none of it.

    A plan with a check-in stream checks those while writing; a problem among them
    raises :class:`ImportProblem` after the transaction is rolled back.
    """
    with store.bulk_write(rebuild_indexes=plan.rebuild_indexes):
        for table in TABLE_ORDER:
            if table == "checkins" and plan.stream is not None:
                plan.stream.write(store)
                continue
            rows = plan.write.get(table)
            if not rows:
                continue
            if table == "emotions":
                store.add_emotion_words(rows)
            elif table == "names":
                store.add_names(rows)
            elif table == "checkins":
                store.save_checkins(rows)
            else:
                savers: dict[str, Callable[[list[Any]], object]] = {
                    "experiments": store.save_experiments,
                    "practice_logs": store.save_practice_logs,
                    "ruptures": store.save_ruptures,
                    "supports": store.save_supports,
                    "sessions": store.save_sessions,
                    "bring_marks": store.save_bring_marks,
                }
                savers[table](rows)
        unwritten_marks(store, plan.pending_marks)


def unwritten_marks(store: Store, pending: list[tuple[str, str]]) -> None:
    """Raise :class:`ImportProblem` (inside the import's transaction, so it rolls
    back) for marks on check-ins that are not there once the check-ins are written."""
    if not pending:
        return
    there = store.versions("checkins", sorted({record_id for _, record_id in pending}))
    missing = [
        missing_mark_target(where, "checkin", record_id)
        for where, record_id in pending
        if record_id not in there
    ]
    if missing:
        raise ImportProblem(missing[:20], len(missing) > 20)


_LABELS = {
    "emotions": "emotion words",
    "names": "names",
    "checkins": "check-ins",
    "experiments": "experiments",
    "practice_logs": "practice logs",
    "ruptures": "ruptures",
    "supports": "support entries",
    "sessions": "sessions",
    "bring_marks": "marks to bring to a session",
}


def describe_plan(plan: ImportPlan, *, done: bool = True) -> list[str]:
    """The summary lines a person reads after an import (or a dry run)."""
    lines: list[str] = []
    verb = "" if done else "would be "
    for table in TABLE_ORDER:
        counts = plan.counts.get(table)
        if counts is None or (table == "emotions" and not counts.added):
            continue
        if table == "names":
            # Names arrive with the records that use them; only hiding one is news.
            hidden = sum(1 for _, _, flag in plan.write.get("names", ()) if flag)
            if hidden:
                lines.append(
                    f"  {_LABELS[table]}: {hidden:,} {verb}hidden from suggestions, "
                    "as in the import"
                )
            continue
        label = _LABELS[table]
        parts = []
        if counts.added:
            parts.append(f"{counts.added:,} {verb}added")
        if counts.updated:
            parts.append(f"{counts.updated:,} {verb}updated (the imported copy was newer)")
        if counts.unchanged:
            parts.append(f"{counts.unchanged:,} already here")
        if counts.deleted:
            stay = "stay" if done else "would stay"
            parts.append(f"{counts.deleted:,} deleted here after that version ({stay} deleted)")
        lines.append(f"  {label}: " + (", ".join(parts) if parts else "none"))
    return lines
