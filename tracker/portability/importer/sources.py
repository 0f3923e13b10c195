"""Reading export files: which table each one is, its rows, and checking small tables.

A folder is read file by file; a CSV is recognised by its header, a JSON file by its
name or the fields of its objects. Check-ins are only read here (as a
:class:`Source`); they are checked in chunks (:mod:`.workers`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.models import (
    TAG_SEPARATOR,
    CheckIn,
    Experiment,
    PracticeLog,
    Rupture,
    Support,
    ValidationError,
    parse_flag,
    parse_names,
    practice_span,
)
from tracker.portability.importer.problems import ImportProblem, Problems, Where
from tracker.store import Store

MODELS: dict[str, Any] = {"checkins": CheckIn, "experiments": Experiment,
                          "practice_logs": PracticeLog, "ruptures": Rupture,
                          "supports": Support}
LIST_COLUMNS = {"checkins": ("emotions", "people", "tags"), "ruptures": ("people",)}
_CSV_FIELD_LIMIT = 2**31 - 1  # the models say how long a text may be, with a clearer message
_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def read_text(path: Path, problems: Problems) -> str | None:
    """The file as text (UTF-8, a byte-order mark allowed); None after a problem."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.add(f"{path}: cannot be read ({exc.strerror or exc}).")
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(f"{path}: is UTF-16 text; tracker reads UTF-8. Save it as UTF-8 "
                     "(in a spreadsheet: 'CSV UTF-8') and import that.")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.add(f"{path}, line {line}: is not UTF-8 text (byte 0x{data[exc.start]:02x} "
                     "cannot start or continue a UTF-8 character). Save the file as UTF-8 "
                     "(in a spreadsheet: 'CSV UTF-8') and import that.")
        return None


def _table_for_header(header: list[str], stem: str,
                      columns: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """Which table a header belongs to, or why it belongs to none."""
    names = set(header)
    for table, cols in columns.items():
        if names == set(cols):
            return table, None
    guess = stem if stem in columns else None
    if guess is None:
        scored = sorted(((len(names & set(cols)) / len(set(cols) | names), table)
                         for table, cols in columns.items()), reverse=True)
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
        parts.append("it has columns tracker does not know: " + ", ".join(map(repr, extra)))
    return guess, (f"looks like the {guess} table, but " + "; ".join(parts) +
                   f". Expected every one of: {','.join(expected)} (in any order).")


def _not_ours_message(path: Path, header: list[str], columns: dict[str, list[str]]) -> str:
    lowered = {h.strip().lower() for h in header}
    if {"full_date", "mood"} <= lowered:
        return (f"{path}, line 1: this looks like a Daylio export. Import it with "
                f"'tracker import --from daylio {path}'.")
    shown = ",".join(header[:8]) + (",..." if len(header) > 8 else "")
    return (f"{path}, line 1: the header ({shown}) is not one that 'tracker export' "
            f"writes. Expected, for check-ins: {','.join(columns['checkins'])} "
            "(other tables: see 'tracker export --table NAME').")


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
    return dict(zip(header, cells))


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
        self.where: dict[str, Where] = {}  # practice log id -> where it was read

    # -- opening files --

    def open(self, path: Path) -> Source | None:
        """The file as a :class:`Source`, or None after recording why it cannot be read."""
        text = read_text(path, self.problems)
        if text is None:
            return None
        if path.suffix.lower() == ".json":
            return self._open_json(path, text)
        if not text.strip():
            self.problems.add(f"{path}: is empty. A tracker export starts with a header "
                              f"row such as: {','.join(self.columns['checkins'])}")
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
            self.problems.add(f"{path}, line 1: the header names "
                              f"{', '.join(_duplicate_headers(header))} more than once.")
            return None
        return Source(path, table, self._csv_items(path, header, reader), header)

    def _csv_items(self, path: Path, header: list[str],
                   reader: Any) -> Iterator[tuple[int, list[str]]]:
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
                            f"{width} (a missing comma, or a line break outside quotes?).")
                        continue
                    yield line, row
            except csv.Error as exc:
                self.problems.add(f"{path}, line {start}: is not a CSV file tracker can read "
                                  f"({exc}).")

    def _open_json(self, path: Path, text: str) -> Source | None:
        try:
            items = list(_json_array(text))
        except json.JSONDecodeError as exc:
            self.problems.add(f"{path}, line {exc.lineno}, column {exc.colno}: is not valid "
                              f"JSON ({exc.msg}).")
            return None
        except _NotAnArray as exc:
            self.problems.add(
                f"{path}: is JSON but not a tracker export: it holds {exc.args[0]}, where "
                "'tracker export --format json' writes an array of objects, one per record.")
            return None
        stem = path.stem.lower()
        if not items:
            table = stem if stem in self.columns else "checkins"
            return Source(path, table, iter(()))
        first = items[0][1]
        if not isinstance(first, dict):
            self.problems.add(f"{path}, line {items[0][0]}: is JSON but not a tracker export: "
                              "the array holds something other than objects.")
            return None
        found, _why = _table_for_header(list(first), stem, self.columns)
        if found is None:
            self.problems.add(
                f"{path}, line {items[0][0]}: is JSON but not a tracker export: its objects' "
                f"fields ({', '.join(list(first)[:8])}) are not those of any table. "
                f"Check-ins have: {', '.join(self.columns['checkins'])}.")
            return None
        return Source(path, found, self._json_items(path, found, items))

    def _json_items(self, path: Path, table: str,
                    items: list[tuple[int, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
        expected = self.columns[table]
        wanted = set(expected)
        lists = set(LIST_COLUMNS.get(table, ()))
        for line, obj in items:
            where = Where(str(path), line)
            if not isinstance(obj, dict):
                self.problems.add(f"{where.at()}: expected an object (one record).")
                continue
            if obj.keys() != wanted:
                missing = [c for c in expected if c not in obj]
                extra = [c for c in obj if c not in wanted]
                detail = "; ".join(
                    ([f"lacks {', '.join(missing)}"] if missing else []) +
                    ([f"has fields tracker does not know: {', '.join(extra)}"] if extra else []))
                self.problems.add(f"{where.at()}: this {table} record {detail}.")
                continue
            if self._json_types_ok(obj, lists, where):
                yield line, obj

    def _json_types_ok(self, obj: dict[str, Any], lists: set[str], where: Where) -> bool:
        for key, value in obj.items():
            if key in lists:
                if value is None:
                    obj[key] = []
                elif not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                    self.problems.add(f"{where.at(key)}: expected a list of names, "
                                      f"such as [\"anxious\", \"hopeful\"].")
                    return False
            elif value is not None and not isinstance(value, (str, int, float)):
                kind = "a list" if isinstance(value, list) else type(value).__name__
                self.problems.add(f"{where.at(key)}: expected text, a number or null, "
                                  f"not {kind}.")
                return False
        return True

    # -- checking records --

    def records(self, source: Source) -> Iterator[Any]:
        """The checked records of a (small) source; problems are collected, not raised."""
        create = MODELS[source.table].create
        lists = list_positions(source.table, source.header)
        keep_where = source.table == "practice_logs"
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
                    raise ValidationError("name", raw.get("name") or "",
                                          "one emotion word (required)")
                shipped = parse_flag("shipped", raw.get("shipped", 0), allow_none=False)
            except ValidationError as exc:
                self.problems.invalid(where_in(str(source.path), line, source.header), exc)
                continue
            words.setdefault(names[0], shipped or 0)
        return words

    def check_relations(self, store: Store, logs: dict[str, Any],
                        experiments: dict[str, Any]) -> None:
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
                    "(import experiments.csv with it).")
                continue
            start, end = practice_span(experiment.started_on, experiment.ends_on,
                                       experiment.ended_on)
            if not start <= log.day <= end:
                self.problems.add(
                    f"{self.where[log.id].at('day')}: {log.day} is outside its experiment's "
                    f"days; expected a day from {start} to {end} (when it runs).")


@contextlib.contextmanager
def _csv_field_limit() -> Iterator[None]:
    old = csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(old)



class _NotAnArray(Exception):
    pass


def _json_array(text: str) -> Iterator[tuple[int, Any]]:
    """The items of a top-level JSON array, each with the line it starts on."""
    decoder = json.JSONDecoder()
    pos = _JSON_SPACE.match(text, 0).end()  # type: ignore[union-attr]
    if pos >= len(text):
        raise _NotAnArray("nothing")
    if text[pos] != "[":
        value, _ = decoder.raw_decode(text, pos)
        raise _NotAnArray("an object" if isinstance(value, dict) else f"a {type(value).__name__}")
    line, counted = 1, 0
    pos = _JSON_SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
    if pos < len(text) and text[pos] == "]":
        _json_end(text, pos + 1)
        return
    while True:
        line += text.count("\n", counted, pos)
        counted = pos
        value, pos = decoder.raw_decode(text, pos)
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



def find_files(path: Path) -> list[Path]:
    """The files an import of ``path`` reads: the file itself, or a folder's CSV/JSON files."""
    if not path.exists():
        raise ImportProblem([f"{path}: no such file or folder."])
    if path.is_dir():
        files = sorted(p for p in path.iterdir()
                       if p.is_file() and not p.name.startswith(".")
                       and p.suffix.lower() in (".csv", ".json"))
        if not files:
            raise ImportProblem([f"{path}: holds no .csv or .json files; expected the folder "
                                 "'tracker export' writes (checkins.csv, experiments.csv, ...)."])
        return files
    if path.suffix.lower() not in (".csv", ".json"):
        raise ImportProblem([f"{path}: expected a .csv or .json file written by "
                             "'tracker export' (or a folder of them)."])
    return [path]

