"""Reading export files: which table each one is, its rows, and checking small tables.

A folder is read file by file; a CSV is recognised by its header, a JSON file by its
name or the fields of its objects. Check-ins are only read here (as a
:class:`Source`); they are checked in chunks (:mod:`.workers`).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.models import (
    BRING_KINDS,
    BRING_WORDS,
    TAG_SEPARATOR,
    BringMark,
    CheckIn,
    Experiment,
    PracticeLog,
    Rupture,
    Session,
    Support,
    ValidationError,
    from_export,
    parse_choice,
    parse_flag,
    parse_names,
    practice_span,
)
from tracker.portability.importer.problems import Problems, Where, quoted, short
from tracker.portability.importer.reading import ReadBudget, find_files, read_text
from tracker.store import Store

__all__ = [
    "LIST_COLUMNS",
    "MODELS",
    "Reader",
    "Source",
    "find_files",
    "list_positions",
    "raw_values",
    "read_text",
    "where_in",
]

MODELS: dict[str, Any] = {
    "checkins": CheckIn,
    "experiments": Experiment,
    "practice_logs": PracticeLog,
    "ruptures": Rupture,
    "supports": Support,
    "sessions": Session,
    "bring_marks": BringMark,
}
MARKED_TABLES = {
    "checkin": "checkins",
    "rupture": "ruptures",
    "experiment": "experiments",
    "practice_log": "practice_logs",
}
"""The table of each kind of record a bring mark can name."""
LIST_COLUMNS = {"checkins": ("emotions", "people", "tags"), "ruptures": ("people",)}
ADDED_LATER: dict[str, frozenset[str]] = {
    "experiments": frozenset(
        {
            "alternative_belief",
            "alternative_before",
            "alternative_after",
            "safety_behaviours",
            "how_i_will_know",
            "cue",
            "follows_id",
        }
    ),
    "practice_logs": frozenset({"prediction_happened", "rupture_id"}),
    "ruptures": frozenset({"let_rest_on", "next_time"}),
}
"""Columns an export from an earlier tracker (schema 4) does not have: a file without
them imports, each record with them empty."""
NAME_KIND_CHOICES = ("emotion", "person", "tag")
_CSV_FIELD_LIMIT = 2**31 - 1  # the models say how long a text may be, with a clearer message
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
#: A JSON escape of a UTF-16 surrogate: only then can a decoded text hold a lone one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Records hold numbers of a few digits; this many is already not one of tracker's.
_MAX_INT = 10**18
_MAX_DEPTH = 20


def _table_for_header(
    header: list[str], stem: str, columns: dict[str, list[str]]
) -> tuple[str | None, str | None]:
    """Which table a header belongs to, or why it belongs to none.

    A header must name every column of its table, except those an earlier tracker's
    export did not have (:data:`ADDED_LATER`).
    """
    names = set(header)
    for table, cols in columns.items():
        if names == set(cols):
            return table, None
    for table, cols in columns.items():
        later = ADDED_LATER.get(table)
        if later and names <= set(cols) and set(cols) - names <= later:
            return table, None
    guess = stem if stem in columns else None
    if guess is None:
        scored = sorted(
            (
                (len(names & set(cols)) / len(set(cols) | names), table)
                for table, cols in columns.items()
            ),
            reverse=True,
        )
        if scored and scored[0][0] >= 0.5:
            guess = scored[0][1]
    if guess is None:
        return None, None
    expected = columns[guess]
    missing = [c for c in expected if c not in names]
    extra = [c for c in header if c not in expected]
    parts = []
    if missing:
        parts.append("it lacks " + ", ".join(missing))
    if extra:
        more = ", ..." if len(extra) > 8 else ""
        parts.append(
            "it has columns tracker does not know: "
            + ", ".join(quoted(e) for e in extra[:8])
            + more
        )
    return guess, (
        f"looks like the {guess} table, but "
        + "; ".join(parts)
        + f". Expected every one of: {','.join(expected)} (in any order)."
    )


def _not_ours_message(path: Path, header: list[str], columns: dict[str, list[str]]) -> str:
    lowered = {h.strip().lower() for h in header}
    if {"full_date", "mood"} <= lowered:
        return (
            f"{path}, line 1: this looks like a Daylio export. Import it with "
            f"'tracker import --from daylio {path}'."
        )
    shown = ",".join(short(h) for h in header[:8]) + (",..." if len(header) > 8 else "")
    return (
        f"{path}, line 1: the header ({shown}) is not one that 'tracker export' "
        f"writes. Expected, for check-ins: {','.join(columns['checkins'])} "
        "(other tables: see 'tracker export --table NAME')."
    )


def _duplicate_headers(header: list[str]) -> list[str]:
    seen: set[str] = set()
    return [h for h in header if h in seen or seen.add(h)]  # type: ignore[func-returns-value]


@dataclass
class Source:
    """One file, its table known from its name or header; its rows not read yet.

    ``items`` yields ``(line, cells)`` (CSV: the row's cells, already checked for their
    number) or ``(line, object)`` (JSON); :func:`raw_values` turns one into the values
    a model's ``create`` takes.
    """

    path: Path
    table: str
    items: Iterator[tuple[int, Any]]
    header: list[str] | None = None  # CSV only
    count: int = 0

    @property
    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


def raw_values(header: list[str] | None, lists: tuple[int, ...], payload: Any) -> dict[str, Any]:
    """A CSV row's cells (or a JSON object) as the values a model's ``create`` takes."""
    if header is None:
        return payload
    # cells.restore on every cell: one leading apostrophe comes off.
    cells: list[Any] = [c[1:] if c[:1] == "'" else c for c in payload]
    for i in lists:
        cells[i] = cells[i].split(TAG_SEPARATOR) if cells[i] else []
    return dict(zip(header, cells, strict=False))  # same length: checked when read


def where_in(file: str, line: int, header: list[str] | None) -> Where:
    return Where(file, line, {n: i + 1 for i, n in enumerate(header)} if header else None)


def list_positions(table: str, header: list[str] | None) -> tuple[int, ...]:
    if header is None:
        return ()
    return tuple(header.index(c) for c in LIST_COLUMNS.get(table, ()))


class Reader:
    """Reads export files and checks their records, collecting problems as it goes.

    :meth:`open` looks at each file (which table is it? is its shape right?); the
    records are then checked through the models: small tables here
    (:meth:`records`), check-ins in chunks that worker processes can share
    (:func:`check_chunk`).
    """

    def __init__(self, store: Store, problems: Problems):
        self.columns = {t: store.export_columns(t) for t in Store.EXPORT_TABLES}
        self.problems = problems
        self.where: dict[str, Where] = {}  # practice log or mark id -> where it was read
        self.budget = ReadBudget()  # what the whole import may still read

    # -- opening files --

    def open(self, path: Path) -> Source | None:
        """The file as a :class:`Source`, or None after recording why it cannot be read."""
        text = read_text(path, self.problems, self.budget)
        if text is None:
            return None
        if path.suffix.lower() == ".json":
            return self._open_json(path, text)
        if not text.strip():
            self.problems.add(
                f"{path}: is empty. A tracker export starts with a header "
                f"row such as: {','.join(self.columns['checkins'])}"
            )
            return None
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            with _csv_field_limit():
                header = next(reader)
        except csv.Error as exc:
            self.problems.add(f"{path}, line 1: is not a CSV file tracker can read ({exc}).")
            return None
        table, why = _table_for_header(header, path.stem.lower(), self.columns)
        if table is None:
            self.problems.add(_not_ours_message(path, header, self.columns))
            return None
        if why:
            self.problems.add(f"{path}, line 1: {why}")
            return None
        if _duplicate_headers(header):
            self.problems.add(
                f"{path}, line 1: the header names "
                f"{', '.join(short(h) for h in _duplicate_headers(header)[:8])} "
                "more than once."
            )
            return None
        return Source(path, table, self._csv_items(path, header, reader), header)

    def _csv_items(
        self, path: Path, header: list[str], reader: Any
    ) -> Iterator[tuple[int, list[str]]]:
        width = len(header)
        start = reader.line_num + 1
        with _csv_field_limit():
            try:
                for row in reader:
                    line, start = start, reader.line_num + 1
                    if not row:
                        continue  # a blank line
                    if len(row) != width:
                        self.problems.add(
                            f"{path}, line {line}: has {len(row)} cells where the header has "
                            f"{width} (a missing comma, or a line break outside quotes?)."
                        )
                        continue
                    yield line, row
            except csv.Error as exc:
                self.problems.add(
                    f"{path}, line {start}: is not a CSV file tracker can read ({exc})."
                )

    def _open_json(self, path: Path, text: str) -> Source | None:
        try:
            items = list(_json_array(text))
        except json.JSONDecodeError as exc:
            self.problems.add(
                f"{path}, line {exc.lineno}, column {exc.colno}: is not valid JSON ({exc.msg})."
            )
            return None
        except _TooDeep as exc:
            line, column = exc.args
            self.problems.add(
                f"{path}, line {line}, column {column}: arrays and objects are nested more "
                f"than {_MAX_DEPTH} deep here; a tracker export is an array of records "
                "whose fields hold text, numbers, null or a list of names."
            )
            return None
        except _NotAnArray as exc:
            self.problems.add(
                f"{path}: is JSON but not a tracker export: it holds {exc.args[0]}, where "
                "'tracker export --format json' writes an array of objects, one per record."
            )
            return None
        stem = path.stem.lower()
        if not items:
            table = stem if stem in self.columns else "checkins"
            return Source(path, table, iter(()))
        first = items[0][1]
        if not isinstance(first, dict):
            self.problems.add(
                f"{path}, line {items[0][0]}: is JSON but not a tracker export: "
                "the array holds something other than objects."
            )
            return None
        found, _why = _table_for_header(list(first), stem, self.columns)
        if found is None:
            fields = ", ".join(short(k) for k in list(first)[:8])
            self.problems.add(
                f"{path}, line {items[0][0]}: is JSON but not a tracker export: its objects' "
                f"fields ({fields}) are not those of any table. "
                f"Check-ins have: {', '.join(self.columns['checkins'])}."
            )
            return None
        surrogates = _SURROGATE_ESCAPE.search(text) is not None
        return Source(path, found, self._json_items(path, found, items, surrogates))

    def _json_items(
        self, path: Path, table: str, items: list[tuple[int, Any]], surrogates: bool
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        expected = self.columns[table]
        wanted = set(expected)
        later = ADDED_LATER.get(table, frozenset())
        lists = set(LIST_COLUMNS.get(table, ()))
        for line, obj in items:
            where = Where(str(path), line)
            if not isinstance(obj, dict):
                self.problems.add(f"{where.at()}: expected an object (one record).")
                continue
            if obj.keys() != wanted and not (obj.keys() <= wanted and wanted - obj.keys() <= later):
                missing = [c for c in expected if c not in obj]
                extra = [short(c) for c in obj if c not in wanted]
                detail = "; ".join(
                    ([f"lacks {', '.join(missing)}"] if missing else [])
                    + (
                        [
                            f"has fields tracker does not know: {', '.join(extra[:8])}"
                            + (", ..." if len(extra) > 8 else "")
                        ]
                        if extra
                        else []
                    )
                )
                self.problems.add(f"{where.at()}: this {table} record {detail}.")
                continue
            if self._json_types_ok(obj, lists, where) and (
                not surrogates or self._whole_characters(obj, where)
            ):
                yield line, obj

    def _json_types_ok(self, obj: dict[str, Any], lists: set[str], where: Where) -> bool:
        for key, value in obj.items():
            cls = value.__class__
            if key in lists:
                if value is None:
                    obj[key] = []
                elif not (cls is list and all(v.__class__ is str for v in value)):
                    self.problems.add(
                        f"{where.at(key)}: expected a list of names, "
                        f'such as ["anxious", "hopeful"].'
                    )
                    return False
            elif cls is str or value is None:
                continue
            elif cls is int:
                if not -_MAX_INT < value < _MAX_INT:
                    self.problems.add(
                        f"{where.at(key)}: a number of "
                        f"{len(str(abs(value))):,} digits is not allowed; "
                        "the numbers in a tracker export have a few digits."
                    )
                    return False
            elif cls is _NotANumber:
                self.problems.add(
                    f"{where.at(key)}: {value.what} is not allowed; the numbers "
                    "in a tracker export are whole numbers of a few digits."
                )
                return False
            elif cls is not float and cls is not bool:
                kind = "a list" if cls is list else cls.__name__
                self.problems.add(f"{where.at(key)}: expected text, a number or null, not {kind}.")
                return False
        return True

    def _whole_characters(self, obj: dict[str, Any], where: Where) -> bool:
        """No text holds half a UTF-16 surrogate pair (``"\\ud800"`` alone): it is no
        character, and could not be stored or shown."""
        for key, value in obj.items():
            texts = value if isinstance(value, list) else [value]
            for text in texts:
                if isinstance(text, str) and (found := _SURROGATE.search(text)):
                    self.problems.add(
                        f"{where.at(key)}: holds \\u{ord(found.group()):04x}, one half of a "
                        "UTF-16 surrogate pair without the other, which is not a character. "
                        "Expected text (an escaped character outside the BMP is a pair, "
                        "such as \\ud83d\\ude42)."
                    )
                    return False
        return True

    # -- checking records --

    def records(self, source: Source) -> Iterator[Any]:
        """The checked records of a (small) source; problems are collected, not raised."""
        create = functools.partial(from_export, MODELS[source.table])
        lists = list_positions(source.table, source.header)
        keep_where = source.table in ("practice_logs", "bring_marks", "experiments")
        file = str(source.path)
        for line, payload in source.items:
            source.count += 1
            try:
                record = create(raw_values(source.header, lists, payload))
            except ValidationError as exc:
                self.problems.invalid(where_in(file, line, source.header), exc)
                continue
            if keep_where:
                self.where[record.id] = where_in(file, line, source.header)
            yield record

    def emotion_words(self, source: Source) -> dict[str, int]:
        words: dict[str, int] = {}
        for line, payload in source.items:
            source.count += 1
            raw = raw_values(source.header, (), payload)
            try:
                names = parse_names("name", [raw.get("name") or ""])
                if len(names) != 1:
                    raise ValidationError(
                        "name", raw.get("name") or "", "one emotion word (required)"
                    )
                shipped = parse_flag("shipped", raw.get("shipped", 0), allow_none=False)
            except ValidationError as exc:
                self.problems.invalid(where_in(str(source.path), line, source.header), exc)
                continue
            words.setdefault(names[0], shipped or 0)
        return words

    def name_rows(self, source: Source) -> list[tuple[str, str, int]]:
        """The ``names`` file's ``(kind, name, hidden)`` rows, checked."""
        rows: list[tuple[str, str, int]] = []
        for line, payload in source.items:
            source.count += 1
            raw = raw_values(source.header, (), payload)
            try:
                kind = parse_choice("kind", raw.get("kind"), NAME_KIND_CHOICES)
                names = parse_names("name", [raw.get("name") or ""])
                if len(names) != 1:
                    raise ValidationError("name", raw.get("name") or "", "one name (required)")
                hidden = parse_flag("hidden", raw.get("hidden", 0), allow_none=False)
            except ValidationError as exc:
                self.problems.invalid(where_in(str(source.path), line, source.header), exc)
                continue
            rows.append((str(kind), names[0], hidden or 0))
        return rows

    def check_links(
        self,
        store: Store,
        experiments: dict[str, Any],
        logs: dict[str, Any],
        ruptures: dict[str, Any],
    ) -> None:
        """The experiment an experiment follows, and the rupture a practice log was a
        repair attempt for, must be stored or in this import."""
        follows = {e.id: e.follows_id for e in experiments.values() if e.follows_id}
        repairs = {log.id: log.rupture_id for log in logs.values() if log.rupture_id}
        for named, table, column, kind, file in (
            (follows, "experiments", "follows_id", "an experiment", "experiments"),
            (repairs, "ruptures", "rupture_id", "a rupture", "ruptures"),
        ):
            if not named:
                continue
            here = experiments if table == "experiments" else ruptures
            stored = store.versions(table, sorted(set(named.values()) - here.keys()))
            for record_id, target in named.items():
                if target in here or target in stored:
                    continue
                where = self.where.get(record_id)
                at = where.at(column) if where is not None else column
                self.problems.add(
                    f"{at}: {target} is not {kind} in this import or in the database; "
                    f"expected the id of one, or an empty cell (import {file}.csv with it)."
                )
        if follows:
            self._check_follows_loop(store, follows)

    def _check_follows_loop(self, store: Store, follows: dict[str, str]) -> None:
        """No experiment may follow itself, directly or through others (as stored,
        with this import's versions in place of the stored ones)."""
        chain = {e.id: e.follows_id for e in store.experiments() if e.follows_id}
        chain.update(follows)
        for record_id in follows:
            seen, at = {record_id}, chain.get(record_id)
            while at is not None and at not in seen:
                seen.add(at)
                at = chain.get(at)
            if at == record_id:
                where = self.where.get(record_id)
                column = where.at("follows_id") if where is not None else "follows_id"
                self.problems.add(
                    f"{column}: {follows[record_id]} leads back to this experiment; an "
                    "experiment cannot follow itself, directly or through others "
                    "(expected the id of an earlier one, or an empty cell)."
                )

    def check_relations(
        self, store: Store, logs: dict[str, Any], experiments: dict[str, Any]
    ) -> None:
        """Practice logs must belong to an experiment, here or in this import, and fall
        on a day it runs (the newer version of an experiment in both counts, as the
        import keeps it)."""
        if not logs:
            return
        known = {e.id: e for e in store.experiments()}
        for experiment_id, incoming in experiments.items():
            stored = known.get(experiment_id)
            if stored is None or incoming.updated_at > stored.updated_at:
                known[experiment_id] = incoming
        for log in logs.values():
            experiment = known.get(log.experiment_id)
            if experiment is None:
                self.problems.add(
                    f"{self.where[log.id].at('experiment_id')}: {log.experiment_id} is not an "
                    "experiment in this import or in the database; expected the id of one "
                    "(import experiments.csv with it)."
                )
                continue
            start, end = practice_span(
                experiment.started_on, experiment.ends_on, experiment.ended_on
            )
            if not start <= log.day <= end:
                self.problems.add(
                    f"{self.where[log.id].at('day')}: {log.day} is outside its experiment's "
                    f"days; expected a day from {start} to {end} (when it runs)."
                )

    def check_marks(
        self, store: Store, records: dict[str, dict[str, Any]], streamed: bool
    ) -> list[tuple[str, str]]:
        """Each bring mark must name a record here or in this import.

        With the import's check-ins ``streamed`` (checked while written, so not known
        yet), marks on check-ins not stored are returned as ``(where, checkin id)``
        for :func:`unwritten_marks` to check once the check-ins are written.
        """
        marks = records.get("bring_marks") or {}
        pending: list[tuple[str, str]] = []
        for kind, table in MARKED_TABLES.items():
            named = [m for m in marks.values() if m.kind == kind]
            if not named:
                continue
            stored = store.versions(table, sorted({m.record_id for m in named}))
            for mark in named:
                if mark.record_id in stored or mark.record_id in records.get(table, {}):
                    continue
                column = BRING_KINDS[kind]
                where = self.where[mark.id].at(column)
                if streamed and kind == "checkin":
                    pending.append((where, mark.record_id))
                    continue
                self.problems.add(missing_mark_target(where, kind, mark.record_id))
        return pending


def missing_mark_target(where: str, kind: str, record_id: str) -> str:
    """The problem with a bring mark whose record is neither stored nor imported."""
    table = MARKED_TABLES[kind]
    return (
        f"{where}: {record_id} is not a {BRING_WORDS[kind]} in this import or in the "
        f"database; expected the id of one (import {table}.csv with it)."
    )


@contextlib.contextmanager
def _csv_field_limit() -> Iterator[None]:
    old = csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(old)


class _NotAnArray(Exception):
    pass


class _TooDeep(Exception):
    """Arrays/objects nested past what the decoder can follow; args: line, column."""


class _NotANumber:
    """A JSON number tracker cannot use (too many digits, not finite, NaN), kept in its
    field's place so that the message can name the field."""

    def __init__(self, what: str):
        self.what = what


def _int(text: str) -> Any:
    if len(text.lstrip("-")) > 18:
        return _NotANumber(f"a number of {len(text.lstrip('-')):,} digits")
    return int(text)


def _float(text: str) -> Any:
    value = float(text)
    if value != value or value in (math.inf, -math.inf):
        return _NotANumber(f"{short(text, 20)} (a number too large to hold)")
    return value


def _constant(name: str) -> Any:
    return _NotANumber(f"{name} (not a JSON number)")


#: Reads every number through the checks above. Used for a value the quick decoder
#: refused (a number of thousands of digits), and for floats and NaN everywhere.
_CAREFUL = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_constant)
_QUICK = json.JSONDecoder(parse_float=_float, parse_constant=_constant)


def _decode(text: str, pos: int) -> tuple[Any, int]:
    """One JSON value at ``pos``: quickly, else carefully (its numbers checked)."""
    try:
        return _QUICK.raw_decode(text, pos)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise _TooDeep(*_too_deep_at(text, pos)) from None
    except ValueError:  # int() refused a number of more digits than it converts
        return _CAREFUL.raw_decode(text, pos)


_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _too_deep_at(text: str, pos: int) -> tuple[int, int]:
    """Line and column where nesting first passes :data:`_MAX_DEPTH`, from ``pos``."""
    depth = 0
    where = pos
    for match in _NESTING.finditer(text, pos):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > _MAX_DEPTH:
                where = match.start()
                break
        elif token in "]}":
            depth -= 1
            if depth <= 0:
                break
    line = text.count("\n", 0, where) + 1
    return line, where - (text.rfind("\n", 0, where) + 1) + 1


def _json_array(text: str) -> Iterator[tuple[int, Any]]:
    """The items of a top-level JSON array, each with the line it starts on."""
    pos = _JSON_SPACE.match(text, 0).end()  # type: ignore[union-attr]
    if pos >= len(text):
        raise _NotAnArray("nothing")
    if text[pos] != "[":
        value, _ = _decode(text, pos)
        raise _NotAnArray(
            "an object"
            if isinstance(value, dict)
            else (
                "a number"
                if isinstance(value, (int, float, _NotANumber))
                else f"a {type(value).__name__}"
            )
        )
    line, counted = 1, 0
    pos = _JSON_SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
    if pos < len(text) and text[pos] == "]":
        _json_end(text, pos + 1)
        return
    while True:
        line += text.count("\n", counted, pos)
        counted = pos
        value, pos = _decode(text, pos)
        yield line, value
        pos = _JSON_SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if pos < len(text) and text[pos] == ",":
            pos = _JSON_SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            continue
        if pos < len(text) and text[pos] == "]":
            _json_end(text, pos + 1)
            return
        raise json.JSONDecodeError("Expecting ',' or ']'", text, pos)


def _json_end(text: str, pos: int) -> None:
    pos = _JSON_SPACE.match(text, pos).end()  # type: ignore[union-attr]
    if pos != len(text):
        raise json.JSONDecodeError("Extra data after the array", text, pos)
