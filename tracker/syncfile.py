"""The sync file: what one device writes for the others, as bytes, and reading it back.

One file per device, ``tracker-sync/<device id>.json`` in the sync folder, holding
everything its database holds that travels: every record of every kind (each with
all of its columns, a check-in with its emotions, people and tags, a rupture with
its people), every tombstone, the emotion vocabulary and the names used, and, for
each version the device did not make itself, the device that did (``by``).

The bytes are deterministic: keys sorted, records sorted by id, one record per line
(a git repository carrying the folder shows a change as a changed line), so a
database that has not changed writes the same bytes and the file is not rewritten.

Reading is strict, as an import is: the file must be exactly this shape, every
record is built through :mod:`tracker.models` (:func:`~tracker.models.from_export`),
every id appears once, and anything else is a :class:`SyncFileProblem` naming the
file (and the record) and what was expected. Pure: bytes in, records out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields
from typing import Any

from tracker import clock
from tracker.models import (
    BringMark,
    CheckIn,
    Experiment,
    PracticeLog,
    Rupture,
    Session,
    Support,
    ValidationError,
    from_export,
    parse_flag,
    parse_names,
    parse_timestamp,
)
from tracker.text import one_line

FORMAT = "tracker-sync"
VERSION = 1
SCHEMA = 6
"""The schema whose records a file of this version holds."""

KINDS = (
    "checkins",
    "experiments",
    "practice_logs",
    "ruptures",
    "supports",
    "sessions",
    "bring_marks",
)
"""Every record kind that travels, by its table (a tombstone's ``kind``)."""

MODELS: dict[str, Any] = {
    "checkins": CheckIn,
    "experiments": Experiment,
    "practice_logs": PracticeLog,
    "ruptures": Rupture,
    "supports": Support,
    "sessions": Session,
    "bring_marks": BringMark,
}
FIELDS: dict[str, tuple[str, ...]] = {
    kind: tuple(f.name for f in fields(model)) for kind, model in MODELS.items()
}
"""Each kind's fields, as its record holds them (its table's columns, and lists)."""
LIST_FIELDS = {"checkins": ("emotions", "people", "tags"), "ruptures": ("people",)}
WORD_KINDS = ("emotions", "people", "tags")
MAX_NAME = 120
DAYS_AHEAD = 2
"""How far after this computer's today another device's today may be (time zones
span 26 hours): a check-in that device made today is not refused as one "in the
future" here."""

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TOP = ("by", "device", "format", "name", "records", "schema", "tombstones", "version", "words")


class SyncFileProblem(ValueError):
    """A sync file that cannot be used; the message names it and says what is wrong."""


@dataclass
class Words:
    """The vocabulary a database holds: emotion words (with ``shipped``: 1 for the
    starting vocabulary), people and tags."""

    emotions: dict[str, int] = field(default_factory=dict)
    people: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)

    def names(self, kind: str) -> set[str]:
        return set(self.emotions) if kind == "emotions" else getattr(self, kind)


@dataclass
class FileState:
    """What one sync file says: whose it is, and everything that database held."""

    device: str
    name: str
    records: dict[str, list[dict[str, Any]]]
    """Per kind, each record as a dict of its fields (lists as lists)."""
    tombstones: list[tuple[str, str, str]]
    """``(id, kind, deleted_at)``."""
    words: Words
    by: dict[str, str]
    """``{id: device}`` for the versions another device made."""


def as_fields(record: Any) -> dict[str, Any]:
    """A record (a :mod:`tracker.models` dataclass) as a dict of its fields, lists as
    lists: the form sync compares, merges and writes."""
    return {
        f.name: list(value) if isinstance(value := getattr(record, f.name), tuple) else value
        for f in fields(record)
    }


def build(kind: str, values: dict[str, Any]) -> Any:
    """The record of ``kind`` with these fields (already checked), lists as tuples."""
    return MODELS[kind](**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


def check_record(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """``raw`` built through the models, as :func:`as_fields`; raises ValidationError."""
    return as_fields(from_export(MODELS[kind], raw))


# --- writing -----------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def encode(state: FileState) -> bytes:
    """The file's bytes: the same state always gives the same bytes."""
    records = ",\n".join(
        f"{_dumps(kind)}:[\n"
        + ",\n".join(_dumps(r) for r in sorted(state.records.get(kind, []), key=_by_id))
        + "]"
        for kind in sorted(KINDS)
    )
    tombstones = ",\n".join(
        _dumps({"deleted_at": at, "id": i, "kind": k}) for i, k, at in sorted(state.tombstones)
    )
    by = ",\n".join(f"{_dumps(i)}:{_dumps(d)}" for i, d in sorted(state.by.items()))
    words = {
        "emotions": sorted([[w, s] for w, s in state.words.emotions.items()]),
        "people": sorted(state.words.people),
        "tags": sorted(state.words.tags),
    }
    parts = [
        f'"by":{{\n{by}}}',
        f'"device":{_dumps(state.device)}',
        f'"format":{_dumps(FORMAT)}',
        f'"name":{_dumps(state.name)}',
        f'"records":{{\n{records}}}',
        f'"schema":{SCHEMA}',
        f'"tombstones":[\n{tombstones}]',
        f'"version":{VERSION}',
        f'"words":{_dumps(words)}',
    ]
    return ("{" + ",\n".join(parts) + "}\n").encode("utf-8")


def _by_id(record: dict[str, Any]) -> str:
    return record["id"]


# --- reading -----------------------------------------------------------------------------


def decode(data: bytes, source: str) -> FileState:
    """Read and check a sync file's bytes; ``source`` names it in problems.

    Raises:
        SyncFileProblem: anything that is not a sync file tracker wrote, or a record
            the models refuse (one line: the file, the record, what was expected).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SyncFileProblem(f"{source}: byte {exc.start + 1} is not UTF-8 text.") from None
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        where = ""
        if isinstance(exc, json.JSONDecodeError):
            where = f", line {exc.lineno}, column {exc.colno}"
        raise SyncFileProblem(f"{source}{where}: is not valid JSON.") from None
    return _State(source).read(doc)


def _shown(value: Any) -> str:
    return one_line(repr(value))[:40]


class _State:
    """Checks one decoded file, part by part, naming where a problem is."""

    def __init__(self, source: str):
        self.source = source
        self.seen: dict[str, str] = {}  # id -> where it was first seen

    def fail(self, what: str) -> SyncFileProblem:
        return SyncFileProblem(f"{self.source}: {what}")

    def read(self, doc: Any) -> FileState:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise self.fail(f'is not a tracker sync file (no "format": "{FORMAT}").')
        version, schema = doc.get("version"), doc.get("schema")
        if type(version) is not int or type(schema) is not int:
            raise self.fail("is not a tracker sync file (its version is not a number).")
        if version > VERSION or schema > SCHEMA:
            raise self.fail(
                f"was written by a newer tracker (sync file {version}, schema {schema}; this "
                f"one reads {VERSION}, schema {SCHEMA}). Upgrade tracker on this device."
            )
        if sorted(doc) != list(_TOP) or version != VERSION or schema != SCHEMA:
            raise self.fail(
                "is not a sync file as tracker writes it: it has the fields "
                f"{', '.join(_shown(k) for k in sorted(doc))[:200]}, where tracker writes "
                f"{', '.join(_TOP)}."
            )
        device = self.uuid(doc["device"], "device")
        name = doc["name"]
        if not isinstance(name, str) or len(name) > MAX_NAME:
            raise self.fail(f"name: expected the device's name, text of at most {MAX_NAME}.")
        with clock.held(DAYS_AHEAD):
            records = self.records(doc["records"])
        tombstones = self.tombstones(doc["tombstones"])
        words = self.words(doc["words"])
        by = self.by(doc["by"])
        return FileState(device, name, records, tombstones, words, by)

    def uuid(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not _UUID.fullmatch(value):
            raise self.fail(f"{where}: {_shown(value)} is not allowed; expected a UUID.")
        return value

    def once(self, record_id: str, where: str) -> None:
        if record_id in self.seen:
            raise self.fail(
                f"{where}: the id {record_id} is there twice (also {self.seen[record_id]}); "
                "a database holds each record once."
            )
        self.seen[record_id] = where

    def records(self, value: Any) -> dict[str, list[dict[str, Any]]]:
        if not isinstance(value, dict) or sorted(value) != sorted(KINDS):
            raise self.fail(f"records: expected one list for each of {', '.join(KINDS)}.")
        out: dict[str, list[dict[str, Any]]] = {}
        for kind in KINDS:
            items = value[kind]
            if not isinstance(items, list):
                raise self.fail(f"records.{kind}: expected a list of records.")
            out[kind] = [self.record(kind, n, raw) for n, raw in enumerate(items, start=1)]
        return out

    def record(self, kind: str, n: int, raw: Any) -> dict[str, Any]:
        where = f"{kind} record {n}"
        if not isinstance(raw, dict):
            raise self.fail(f"{where}: expected an object (one record).")
        wanted = FIELDS[kind]
        if set(raw) != set(wanted):
            missing = [f for f in wanted if f not in raw]
            extra = [_shown(k) for k in raw if k not in wanted][:5]
            said = "; ".join(
                ([f"lacks {', '.join(missing)}"] if missing else [])
                + ([f"has fields tracker does not know: {', '.join(extra)}"] if extra else [])
            )
            raise self.fail(f"{where}: {said}.")
        lists = LIST_FIELDS.get(kind, ())
        for key, item in raw.items():
            if key in lists:
                if not isinstance(item, list) or not all(isinstance(v, str) for v in item):
                    raise self.fail(f"{where}, {key}: expected a list of names.")
            elif item is not None and type(item) not in (str, int):
                raise self.fail(f"{where}, {key}: expected text, a whole number or null.")
        if isinstance(raw["id"], str) and _UUID.fullmatch(raw["id"]):
            where = f"{kind} record {raw['id']}"
        try:
            checked = check_record(kind, raw)
        except ValidationError as exc:
            raise self.fail(f"{where}: {exc}") from None
        if checked["id"] != raw["id"]:
            raise self.fail(f"{where}: id {_shown(raw['id'])} is not allowed; expected a UUID.")
        self.once(checked["id"], where)
        return checked

    def tombstones(self, value: Any) -> list[tuple[str, str, str]]:
        if not isinstance(value, list):
            raise self.fail("tombstones: expected a list.")
        out = []
        for n, item in enumerate(value, start=1):
            where = f"tombstone {n}"
            if not isinstance(item, dict) or sorted(item) != ["deleted_at", "id", "kind"]:
                raise self.fail(f"{where}: expected an object with id, kind and deleted_at.")
            record_id = self.uuid(item["id"], where)
            if item["kind"] not in KINDS:
                raise self.fail(
                    f"{where}: kind {_shown(item['kind'])} is not allowed; "
                    f"expected one of {', '.join(KINDS)}."
                )
            stamp = item["deleted_at"]
            try:
                if not isinstance(stamp, str):
                    raise ValidationError(
                        "deleted_at", stamp, "a date and time as YYYY-MM-DDTHH:MM:SS+HH:MM"
                    )
                at = parse_timestamp("deleted_at", stamp, default_now=False)
            except ValidationError as exc:
                raise self.fail(f"{where}: {exc}") from None
            self.once(record_id, where)
            out.append((record_id, item["kind"], at))
        return out

    def words(self, value: Any) -> Words:
        if not isinstance(value, dict) or sorted(value) != list(WORD_KINDS):
            raise self.fail("words: expected emotions, people and tags.")
        words = Words()
        for kind in WORD_KINDS:
            items = value[kind]
            if not isinstance(items, list):
                raise self.fail(f"words.{kind}: expected a list.")
            for item in items:
                if kind == "emotions":
                    if not (isinstance(item, list) and len(item) == 2):
                        raise self.fail("words.emotions: expected [word, shipped] pairs.")
                    word, shipped = item
                else:
                    word, shipped = item, 0
                try:
                    names = parse_names(kind, [word] if isinstance(word, str) else None)
                    if len(names) != 1:
                        raise ValidationError(kind, word, "one name (text)")
                    flag = parse_flag("shipped", shipped, allow_none=False)
                except ValidationError as exc:
                    raise self.fail(f"words.{kind}: {exc}") from None
                if kind == "emotions":
                    words.emotions[names[0]] = max(words.emotions.get(names[0], 0), flag or 0)
                else:
                    words.names(kind).add(names[0])
        return words

    def by(self, value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.fail("by: expected an object of ids and devices.")
        out = {}
        for record_id, device in value.items():
            if record_id not in self.seen:
                raise self.fail(f"by: {_shown(record_id)} is not a record or tombstone of it.")
            out[record_id] = self.uuid(device, f"by {record_id}")
        return out
