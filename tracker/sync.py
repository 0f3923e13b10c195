"""The merge of sync: what this device's database becomes, given what the others hold.

Pure: states in, a :class:`Merge` out; no I/O. :mod:`tracker.syncdir` reads the files
and the database and writes the result.

Every record and every tombstone is a *version* of an id: what it holds (or that it
was deleted), when (``updated_at``, or the tombstone's ``deleted_at``), and the
device that made it. For each id the newest version wins, everywhere:

1. the later moment (timestamps are compared as instants: their UTC offsets
   applied);
2. at the same moment, a deletion beats an edit;
3. then the device whose id sorts last;
4. then (two versions no device would make: the same moment, the same device)
   the larger content, so that the order is total.

Keeping the newest version of each id is the same whatever the order in which the
devices' files are read, and reading a file twice changes nothing: when every device
has read every other's latest file, all hold the same. Then what follows from the
winners, the same on every device: a practice log whose experiment is deleted goes
with it, as does a bring mark whose record is deleted, and a reference to a deleted
rupture (from a practice log) or experiment (an experiment's ``follows_id``) is
emptied, as the database's own ``ON DELETE`` rules do. Two spellings of one name
("Sam", "sam": the database holds one, ``COLLATE NOCASE``) become the one that sorts
first, everywhere.

A *conflict* is a record changed here and on another device since this device's last
sync: this device's version differs from what it wrote then (the *base*: its own
last file), and so does a newer one from elsewhere. The newest still wins; the
conflict is kept, with both versions, so ``tracker sync --conflicts`` can say what
was not kept.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tracker.syncfile import KINDS, LIST_FIELDS, FileState, Words

_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
REQUIRED_PARENTS = {
    "practice_logs": (("experiment_id", "experiments"),),
    "bring_marks": (
        ("checkin_id", "checkins"),
        ("rupture_id", "ruptures"),
        ("experiment_id", "experiments"),
        ("practice_log_id", "practice_logs"),
    ),
}
"""A record that cannot be without another (``ON DELETE CASCADE``): its deletion takes
this one with it. Practice logs first: a mark can be on a practice log."""
EMPTIED_REFERENCES = {
    "practice_logs": ("rupture_id", "ruptures"),
    "experiments": ("follows_id", "experiments"),
}
"""A reference that a deletion empties (``ON DELETE SET NULL``)."""
NAME_KINDS = ("emotions", "people", "tags")


def nocase_key(name: str) -> str:
    """SQLite's ``COLLATE NOCASE``: ASCII letters folded (as the name tables compare)."""
    return name.translate(_ASCII_FOLD)


@functools.lru_cache(maxsize=65536)
def instant(stamp: str) -> dt.datetime:
    """The moment a timestamp names (checked timestamps only: they carry an offset)."""
    return dt.datetime.fromisoformat(stamp)


@dataclass(eq=False)
class Version:
    """One version of a record: its fields, or ``None`` for a deletion."""

    kind: str
    id: str
    at: str
    """``updated_at``, or when it was deleted."""
    by: str
    """The device that made this version."""
    record: dict[str, Any] | None

    @property
    def deleted(self) -> bool:
        return self.record is None

    @functools.cached_property
    def content(self) -> str:
        return json.dumps(self.record, ensure_ascii=False, sort_keys=True)

    def same(self, other: Version | None) -> bool:
        """Holds the same (the same fields, or both deleted at the same moment)."""
        return (
            other is not None
            and self.kind == other.kind
            and self.at == other.at
            and self.record == other.record
        )

    def beats(self, other: Version) -> bool:
        """Is this the newer version (the module's order)?"""
        mine, theirs = instant(self.at), instant(other.at)
        if mine != theirs:
            return mine > theirs
        if self.deleted != other.deleted:
            return self.deleted
        if self.by != other.by:
            return self.by > other.by
        if self.at != other.at:
            return self.at > other.at
        return self.content > other.content


def newest(versions: Iterable[Version]) -> Version:
    found: Version | None = None
    for version in versions:
        if found is None or version.beats(found):
            found = version
    assert found is not None
    return found


@dataclass
class Snapshot:
    """Everything one device holds: a version per id, and its words."""

    device: str
    name: str
    versions: dict[str, Version]
    words: Words
    source: str = ""
    """Where it was read (a file's name), for messages."""


class SyncConflictingKinds(ValueError):
    """One id is a record of two kinds: a file no tracker wrote."""


@dataclass
class Conflict:
    """A record changed here and elsewhere since the last sync: the version kept, the
    one not kept, and the fields that differ (None when one of them is a deletion)."""

    kind: str
    id: str
    kept: Version
    lost: Version
    kept_name: str
    lost_name: str
    fields: tuple[str, ...] | None


@dataclass
class Merge:
    """What the merge decided, and what this device must write to get there."""

    final: dict[str, Version]
    """Every id's winning version, as this database will hold it."""
    words: Words
    """The vocabulary this database will hold."""
    saves: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Per kind, the records to write (new here, or different)."""
    deletes: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per kind, ``{id: deleted_at}`` of records here that are deleted now."""
    tombstones: list[Version] = field(default_factory=list)
    """Deletions to keep that change no record here (never here, or another moment)."""
    new_words: list[tuple[str, int]] = field(default_factory=list)
    """Emotion words to add: (word, shipped)."""
    shipped: list[str] = field(default_factory=list)
    """Emotion words here to mark as shipped (another device has them so)."""
    respell: list[tuple[str, str, str]] = field(default_factory=list)
    """(name kind, spelling here, the spelling kept)."""
    conflicts: list[Conflict] = field(default_factory=list)
    added: int = 0
    """Records new here (or deleted here before, and brought back by a newer edit)."""
    updated: int = 0
    """Records here that another device's newer version replaces."""
    outside_span: list[dict[str, Any]] = field(default_factory=list)
    """Practice logs kept on a day their experiment no longer runs (its dates changed
    on another device): nothing is dropped; the person is told."""

    @property
    def changes(self) -> int:
        return (
            sum(len(v) for v in self.saves.values())
            + sum(len(v) for v in self.deletes.values())
            + len(self.tombstones)
            + len(self.new_words)
            + len(self.shipped)
            + len(self.respell)
        )


# --- building snapshots ------------------------------------------------------------------


def from_file(state: FileState, source: str) -> Snapshot:
    """A device's snapshot from its file: each version by the device its file names
    for it, else by that device itself."""
    versions: dict[str, Version] = {}
    for kind, records in state.records.items():
        for record in records:
            rid = record["id"]
            versions[rid] = Version(
                kind, rid, record["updated_at"], state.by.get(rid, state.device), record
            )
    for rid, kind, at in state.tombstones:
        versions[rid] = Version(kind, rid, at, state.by.get(rid, state.device), None)
    return Snapshot(state.device, state.name, versions, state.words, source)


def local_snapshot(
    device: str,
    name: str,
    records: dict[str, list[dict[str, Any]]],
    tombstones: Sequence[tuple[str, str, str]],
    words: Words,
) -> Snapshot:
    """This device's snapshot, every version by this device (:func:`merge` then gives
    a version held unchanged since the last file to whoever that file says made it)."""
    versions: dict[str, Version] = {}
    for kind, rows in records.items():
        for record in rows:
            versions[record["id"]] = Version(
                kind, record["id"], record["updated_at"], device, record
            )
    for rid, kind, at in tombstones:
        versions[rid] = Version(kind, rid, at, device, None)
    return Snapshot(device, name, versions, words, "this database")


def to_file(snapshot: Snapshot) -> FileState:
    """The file a device writes of its snapshot."""
    records: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    tombstones = []
    by = {}
    for version in snapshot.versions.values():
        if version.record is None:
            tombstones.append((version.id, version.kind, version.at))
        else:
            records[version.kind].append(version.record)
        if version.by != snapshot.device:
            by[version.id] = version.by
    return FileState(snapshot.device, snapshot.name, records, tombstones, snapshot.words, by)


# --- names -------------------------------------------------------------------------------


def _spellings(snapshots: Sequence[Snapshot]) -> dict[str, dict[str, str]]:
    """Per name kind: ``{nocase key: the spelling kept}`` (the one that sorts first)."""
    chosen: dict[str, dict[str, str]] = {kind: {} for kind in NAME_KINDS}

    def see(kind: str, name: str) -> None:
        key = nocase_key(name)
        held = chosen[kind].get(key)
        if held is None or name < held:
            chosen[kind][key] = name

    for snapshot in snapshots:
        for kind in NAME_KINDS:
            for name in snapshot.words.names(kind):
                see(kind, name)
        for version in snapshot.versions.values():
            record = version.record
            if record is None:
                continue
            for list_field in LIST_FIELDS.get(version.kind, ()):
                for name in record[list_field]:
                    see(list_field, name)
    return chosen


def _respelled(version: Version, spelling: dict[str, dict[str, str]]) -> Version:
    """``version`` with its names as kept (sorted as the database lists them)."""
    record = version.record
    fields_ = LIST_FIELDS.get(version.kind, ())
    if record is None or not fields_:
        return version
    changed = dict(record)
    for list_field in fields_:
        chosen = spelling[list_field]
        names = sorted(
            {nocase_key(n): chosen[nocase_key(n)] for n in record[list_field]}.values(),
            key=nocase_key,
        )
        changed[list_field] = names
    if changed == record:
        return version
    return Version(version.kind, version.id, version.at, version.by, changed)


def _final_words(snapshots: Sequence[Snapshot], spelling: dict[str, dict[str, str]]) -> Words:
    words = Words()
    for snapshot in snapshots:
        for word, shipped in snapshot.words.emotions.items():
            kept = spelling["emotions"][nocase_key(word)]
            words.emotions[kept] = max(words.emotions.get(kept, 0), shipped)
        for kind in ("people", "tags"):
            words.names(kind).update(
                spelling[kind][nocase_key(n)] for n in snapshot.words.names(kind)
            )
    return words


# --- the merge ---------------------------------------------------------------------------


def merge(local: Snapshot, others: Sequence[Snapshot], base: Snapshot | None) -> Merge:
    """What ``local`` becomes with the versions of ``others``.

    ``base``: what this device wrote at its last sync (None: no file of its own yet,
    or one it cannot trust), for telling conflicts apart.

    Raises:
        SyncConflictingKinds: an id is a record of one kind here and of another in a
            file (no database holds that).
    """
    spelling = _spellings([local, *others, *([base] if base is not None else [])])
    local = _respelled_snapshot(local, spelling)
    others = [_respelled_snapshot(s, spelling) for s in others]
    if base is not None:
        base = _respelled_snapshot(base, spelling)
        _attribute(local, base)
    everyone = [local, *others]
    candidates: dict[str, list[Version]] = {}
    kinds: dict[str, tuple[str, str]] = {}
    for snapshot in everyone:
        for version in snapshot.versions.values():
            seen = kinds.setdefault(version.id, (version.kind, snapshot.source))
            if seen[0] != version.kind:
                raise SyncConflictingKinds(
                    f"{snapshot.source}: {version.id} is a {version.kind} record there, "
                    f"and a {seen[0]} record in {seen[1]}; no database holds both."
                )
            candidates.setdefault(version.id, []).append(version)
    winners = {rid: newest(found) for rid, found in candidates.items()}
    final = _follow(winners)
    result = Merge(final=final, words=_final_words(everyone, spelling))
    _changes(local, final, result, spelling)
    if base is not None:
        names = {s.device: s.name for s in everyone}
        names.setdefault(base.device, base.name)
        result.conflicts = _conflicts(local, others, base, winners, names)
    result.outside_span = _outside_span(final)
    return result


def _respelled_snapshot(snapshot: Snapshot, spelling: dict[str, dict[str, str]]) -> Snapshot:
    versions = {rid: _respelled(v, spelling) for rid, v in snapshot.versions.items()}
    return Snapshot(snapshot.device, snapshot.name, versions, snapshot.words, snapshot.source)


def _attribute(local: Snapshot, base: Snapshot) -> None:
    """A version held unchanged since this device's last file is by whoever that file
    says made it; the others are this device's own."""
    for rid, version in local.versions.items():
        known = base.versions.get(rid)
        if known is not None and version.same(known):
            version.by = known.by


def _follow(winners: dict[str, Version]) -> dict[str, Version]:
    """What follows from the winners: a record whose required one is deleted (or
    nowhere) is deleted with it; a reference to a deleted record is emptied."""
    final = dict(winners)

    def alive(rid: str | None, kind: str) -> bool:
        found = final.get(rid) if rid is not None else None
        return found is not None and found.kind == kind and not found.deleted

    for kind, parents in REQUIRED_PARENTS.items():
        for rid, version in list(final.items()):
            if version.kind != kind or version.record is None:
                continue
            record = version.record
            gone = [
                final.get(record[column])
                for column, parent_kind in parents
                if record[column] is not None and not alive(record[column], parent_kind)
            ]
            if gone:
                # Deleted with what it belongs to: no earlier than its own version, so
                # that this deletion is the newest version of it.
                moments = [version.at] + [g.at for g in gone if g is not None]
                at = max(moments, key=lambda m: (instant(m), m))
                final[rid] = Version(kind, rid, at, version.by, None)
    for kind, (column, target_kind) in EMPTIED_REFERENCES.items():
        for rid, version in list(final.items()):
            pointing = version.record
            if version.kind != kind or pointing is None or pointing[column] is None:
                continue
            if not alive(pointing[column], target_kind):
                final[rid] = Version(kind, rid, version.at, version.by, {**pointing, column: None})
    return final


def _changes(
    local: Snapshot, final: dict[str, Version], result: Merge, spelling: dict[str, dict[str, str]]
) -> None:
    """What this database must write to hold ``final``."""
    for rid, version in final.items():
        here = local.versions.get(rid)
        if version.record is not None:
            if here is None or here.record != version.record:
                result.saves.setdefault(version.kind, []).append(version.record)
                if here is None or here.record is None:
                    result.added += 1
                else:
                    result.updated += 1
        elif here is not None and here.record is not None:
            result.deletes.setdefault(version.kind, {})[rid] = version.at
        elif here is None or here.at != version.at:
            result.tombstones.append(version)
    have = {nocase_key(w): (w, s) for w, s in local.words.emotions.items()}
    for word, shipped in sorted(result.words.emotions.items()):
        held = have.get(nocase_key(word))
        if held is None:
            result.new_words.append((word, shipped))
        elif shipped and not held[1]:
            result.shipped.append(held[0])
    for kind in NAME_KINDS:
        for name in sorted(local.words.names(kind)):
            kept = spelling[kind][nocase_key(name)]
            if kept != name:
                result.respell.append((kind, name, kept))


def _conflicts(
    local: Snapshot,
    others: Sequence[Snapshot],
    base: Snapshot,
    winners: dict[str, Version],
    names: dict[str, str],
) -> list[Conflict]:
    """Records changed here and, newer than the base, elsewhere too."""
    found = []
    for rid, here in local.versions.items():
        before = base.versions.get(rid)
        if here.same(before):
            continue  # not changed here since the last sync
        theirs = [s.versions[rid] for s in others if rid in s.versions]
        if not theirs:
            continue
        elsewhere = newest(theirs)
        if elsewhere.same(before) or (before is not None and not elsewhere.beats(before)):
            continue  # not changed elsewhere since (or an older copy)
        if elsewhere.content == here.content:
            continue  # changed the same way (or deleted on both)
        kept, lost = (here, elsewhere) if winners[rid] is here else (elsewhere, here)
        differ = None
        if kept.record is not None and lost.record is not None:
            differ = tuple(
                sorted(
                    k
                    for k in kept.record
                    if k != "updated_at" and kept.record[k] != lost.record.get(k)
                )
            )
        found.append(
            Conflict(
                here.kind, rid, kept, lost, names.get(kept.by, ""), names.get(lost.by, ""), differ
            )
        )
    return found


def _outside_span(final: dict[str, Version]) -> list[dict[str, Any]]:
    """Practice logs on a day their experiment (as merged) does not run."""
    outside = []
    for version in final.values():
        record = version.record
        if version.kind != "practice_logs" or record is None:
            continue
        experiment = final.get(record["experiment_id"])
        if experiment is None or experiment.record is None:
            continue
        exp = experiment.record
        end = (
            exp["ended_on"]
            if exp["ended_on"] and exp["ended_on"] < exp["ends_on"]
            else exp["ends_on"]
        )
        if not exp["started_on"] <= record["day"] <= end:
            outside.append(record)
    return outside
