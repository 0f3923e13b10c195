"""Import what ``tracker export`` wrote: a folder of CSV or JSON files, or one file.

The rules (the README's "Import and export" section says the same in prose):

- One file per table: ``checkins``, ``experiments``, ``practice_logs``, ``ruptures``,
  ``supports`` and ``emotions`` (the vocabulary). A folder is read file by file
  (``*.csv`` and ``*.json``; hidden files are skipped). A single CSV is recognised by
  its header, a single JSON file by its name or by the fields of its objects.
- CSV: UTF-8 (a byte-order mark is fine), a header row naming every column the
  export writes (any order), one row per record, an empty cell for "not recorded",
  emotions / people / tags joined with ``|``. One leading apostrophe is removed from
  every cell that has one (the export adds it to text a spreadsheet would run as a
  formula, and to text that begins with an apostrophe): see :mod:`cells`.
- JSON: an array of objects with the same fields; lists as lists, text as written.
- Every record is built through :mod:`tracker.models`, the one validation path.
- Idempotent by ``id``: a record already here is left alone unless the incoming
  ``updated_at`` is newer, in which case it replaces the stored one.
- All or nothing: one transaction. Everything is checked before it is written; a
  problem names the file, line and column and says what was expected, and then
  nothing is written. (Into a database with no check-ins yet, a large file's
  check-ins are checked in worker processes while the first ones are written, and a
  problem rolls the whole transaction back: the same outcome, sooner.)
- The input files are only read, never changed.

Speed: 100,000 check-ins with their emotions, people and tags take a few seconds.
The work is split so that the process writing to SQLite does little else (see
:class:`CheckinStream` and :meth:`tracker.store.Store.insert_checkin_batch`).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker import clock
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
)
from tracker.store import CheckinBatch, Store, checkin_row

#: The order tables are written in: names first, experiments before their logs.
TABLE_ORDER = ("emotions", "checkins", "experiments", "practice_logs", "ruptures", "supports")
MODELS: dict[str, Any] = {"checkins": CheckIn, "experiments": Experiment,
                          "practice_logs": PracticeLog, "ruptures": Rupture,
                          "supports": Support}
LIST_COLUMNS = {"checkins": ("emotions", "people", "tags"), "ruptures": ("people",)}
MAX_PROBLEMS = 20
_CSV_FIELD_LIMIT = 2**31 - 1  # the models say how long a text may be, with a clearer message
_JSON_SPACE = re.compile(r"[ \t\n\r]*")


class ImportProblem(Exception):
    """The import was refused and nothing was written; ``problems`` says where and why."""

    def __init__(self, problems: list[str], more: bool = False):
        self.problems = problems
        self.more = more
        super().__init__("\n".join(problems))


@dataclass
class Where:
    """Where a record came from, for messages: a file, a line, its columns."""

    file: str
    line: int
    columns: dict[str, int] | None = None  # CSV: column name -> 1-based position
    labels: dict[str, str] | None = None  # a record field -> the file's name for its column

    def at(self, column: str | None = None) -> str:
        text = f"{self.file}, line {self.line}"
        if column is None:
            return text
        name = (self.labels or {}).get(column, column)
        if self.columns is not None and name in self.columns:
            return f"{text}, column {self.columns[name]} ({name})"
        return f"{text}, field {name!r}" if self.columns is None else f"{text} ({name})"


class Problems:
    """Collects problems up to a limit; past it, reading stops."""

    def __init__(self, limit: int = MAX_PROBLEMS):
        self.items: list[str] = []
        self.limit = limit
        self.more = False

    def add(self, text: str) -> None:
        if len(self.items) >= self.limit:
            self.more = True
            raise _TooMany
        self.items.append(text)

    def invalid(self, where: Where, exc: ValidationError) -> None:
        prefix = f"{exc.field}: "
        detail = str(exc)[len(prefix):] if str(exc).startswith(prefix) else str(exc)
        self.add(f"{where.at(exc.field)}: {detail}")

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportProblem(self.items, self.more)


class _TooMany(Exception):
    pass


# --- The plan: what an import would add, update and leave alone ----------------------


@dataclass
class TableCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

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
    stream: CheckinStream | None = None  # check-ins checked while they are written
    rebuild_indexes: bool = False

    @property
    def updates(self) -> int:
        """Stored records this plan replaces (known before writing)."""
        return sum(c.updated for c in self.counts.values())

    @property
    def changes(self) -> int:
        """Records added or replaced; a stream counts as changes until it is written."""
        return sum(c.changed for c in self.counts.values()) + (
            1 if self.stream is not None and not self.stream.done else 0)


def _newer(incoming: str, stored: str) -> bool:
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


def _keep_newest(table: str, by_id: dict[str, Any], record: Any) -> None:
    """Put ``record`` in ``by_id`` unless one with its id there is newer."""
    record_id, updated = _version(table, record)
    earlier = by_id.get(record_id)
    if earlier is None or not _newer(_version(table, earlier)[1], updated):
        by_id[record_id] = record


def plan_records(store: Store, records: dict[str, dict[str, Any]],
                 emotion_words: dict[str, int] | None = None) -> ImportPlan:
    """Sort checked records (``{table: {id: record}}``) against what is stored."""
    plan = ImportPlan()
    if emotion_words:
        have = {w.casefold() for w in store.emotion_vocabulary()}
        new = [(w, s) for w, s in emotion_words.items() if w.casefold() not in have]
        plan.write["emotions"] = new
        plan.counts["emotions"] = TableCounts(added=len(new),
                                              unchanged=len(emotion_words) - len(new))
    for table in TABLE_ORDER[1:]:
        by_id = records.get(table)
        if not by_id:
            continue
        stored = store.versions(table, list(by_id))
        counts = TableCounts()
        out = []
        for record_id, record in by_id.items():
            old = stored.get(record_id)
            if old is None:
                counts.added += 1
                out.append(record)
            elif _newer(_version(table, record)[1], old):
                counts.updated += 1
                out.append(record)
            else:
                counts.unchanged += 1
        plan.write[table] = out
        plan.counts[table] = counts
    return plan


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
            elif table == "checkins":
                store.save_checkins(rows)
            else:
                {"experiments": store.save_experiments, "practice_logs": store.save_practice_logs,
                 "ruptures": store.save_ruptures, "supports": store.save_supports}[table](rows)


# --- Reading files -------------------------------------------------------------------


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


def _where(file: str, line: int, header: list[str] | None) -> Where:
    return Where(file, line, {n: i + 1 for i, n in enumerate(header)} if header else None)


def _list_positions(table: str, header: list[str] | None) -> tuple[int, ...]:
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
        table, _why = _table_for_header(list(first), stem, self.columns)
        if table is None:
            self.problems.add(
                f"{path}, line {items[0][0]}: is JSON but not a tracker export: its objects' "
                f"fields ({', '.join(list(first)[:8])}) are not those of any table. "
                f"Check-ins have: {', '.join(self.columns['checkins'])}.")
            return None
        return Source(path, table, self._json_items(path, table, items))

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
        lists = _list_positions(source.table, source.header)
        keep_where = source.table == "practice_logs"
        file = str(source.path)
        for line, payload in source.items:
            source.count += 1
            try:
                record = create(raw_values(source.header, lists, payload))
            except ValidationError as exc:
                self.problems.invalid(_where(file, line, source.header), exc)
                continue
            if keep_where:
                self.where[record.id] = _where(file, line, source.header)
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
                self.problems.invalid(_where(str(source.path), line, source.header), exc)
                continue
            words.setdefault(names[0], shipped or 0)
        return words

    def check_relations(self, store: Store, logs: dict[str, Any],
                        experiments: dict[str, Any]) -> None:
        """Practice logs must belong to an experiment, here or in this import."""
        if not logs:
            return
        known = set(experiments) | {e.id for e in store.experiments()}
        for log in logs.values():
            if log.experiment_id not in known:
                self.problems.add(
                    f"{self.where[log.id].at('experiment_id')}: {log.experiment_id} is not an "
                    "experiment in this import or in the database; expected the id of one "
                    "(import experiments.csv with it).")


@contextlib.contextmanager
def _csv_field_limit() -> Iterator[None]:
    old = csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(old)


# --- Checking check-ins in chunks, in worker processes when there are many ---------------

CHUNK = 4000
PARALLEL_FROM_BYTES = 1_500_000  # about 10,000 check-ins: below this, one process is quicker


@dataclass
class Chunk:
    """Up to :data:`CHUNK` check-ins of one file, as read (a task for a worker)."""

    file: str
    header: list[str] | None
    items: list[tuple[int, Any]]
    as_batch: bool = False  # give back a CheckinBatch ready to insert, not rows


@dataclass
class Checked:
    """What checking a chunk gave: the valid check-ins, and the problems found."""

    rows: list[tuple[Any, ...]]  # checkin_row tuples (empty when ``batch`` is given)
    batch: CheckinBatch | None
    problems: list[str]
    repeated: int = 0  # ids repeated within the chunk (the newest copy is kept)


def check_chunk(chunk: Chunk) -> Checked:
    """Check a chunk of check-ins through the models.

    Runs in a worker process (or in this one). The valid records come back as
    :func:`tracker.store.checkin_row` tuples, or (``as_batch``) as a
    :class:`CheckinBatch` that the writing process inserts with hardly any work.
    """
    create = CheckIn.create
    lists = _list_positions("checkins", chunk.header)
    rows: list[tuple[Any, ...]] = []
    problems = Problems(limit=MAX_PROBLEMS + 1)  # one more: the caller then knows there are more
    for line, payload in chunk.items:
        try:
            rows.append(checkin_row(create(raw_values(chunk.header, lists, payload))))
        except ValidationError as exc:
            try:
                problems.invalid(_where(chunk.file, line, chunk.header), exc)
            except _TooMany:
                break
    repeated = 0
    if len({r[0] for r in rows}) < len(rows):  # the same id twice: keep the newest
        by_id: dict[str, Any] = {}
        for row in rows:
            _keep_newest("checkins", by_id, row)
        repeated = len(rows) - len(by_id)
        rows = list(by_id.values())
    if chunk.as_batch and not problems:
        return Checked([], CheckinBatch.of(rows), problems.items, repeated)
    return Checked(rows, None, problems.items, repeated)


def _chunks(sources: list[Source], as_batch: bool) -> Iterator[Chunk]:
    for source in sources:
        while items := list(itertools.islice(source.items, CHUNK)):
            source.count += len(items)
            yield Chunk(str(source.path), source.header, items, as_batch)


def _worker(conn: Any, inherited: list[Any], parent: int, today: str) -> None:
    """A worker process: check chunks until told to stop, or until the parent is gone."""
    for other in inherited:  # the parent's ends of the pipes, copied by fork: let go
        other.close()
    clock.freeze(today)
    while True:
        try:
            while not conn.poll(0.5):
                if os.getppid() != parent:  # the parent was killed: stop too
                    return
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        conn.send(check_chunk(chunk))


def _worker_count(sources: list[Source]) -> int:
    if sum(s.size for s in sources) < PARALLEL_FROM_BYTES:
        return 0
    try:
        cpus = len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except AttributeError:
        cpus = os.cpu_count() or 1
    # One more worker than CPUs (up to 3): this process spends its time in SQLite
    # or waiting for the next chunk, and each worker holds one chunk at a time, so
    # a spare one keeps a checked chunk ready. 100k check-ins on 2 CPUs took
    # 4.7-5.8 s with 1 worker, 4.1-4.3 s with 2 and 3.7-3.9 s with 3
    # (benchmarks/run.py --only import).
    return 0 if cpus < 2 else min(3, cpus + 1)


def checked_chunks(sources: list[Source], *, as_batch: bool = False) -> Iterator[Checked]:
    """Check every check-in of ``sources``; yields :class:`Checked` chunk by chunk, in order.

    With enough of them and more than one CPU, worker processes check the next
    chunks while the caller writes this one (each worker has one chunk in hand at a
    time, so the results come back in order). Reading the files (and their shape
    problems) stays in this process.
    """
    workers = _worker_count(sources)
    chunks = _chunks(sources, as_batch)
    if workers == 0:
        for chunk in chunks:
            yield check_chunk(chunk)
        return
    import multiprocessing

    method = "fork" if sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    pipes, processes = [], []
    try:
        for _ in range(workers):
            parent, child = context.Pipe()
            inherited = [*pipes, parent] if method == "fork" else []
            process = context.Process(
                target=_worker, args=(child, inherited, os.getpid(), clock.today().isoformat()),
                daemon=True, name="tracker-import-check")
            process.start()
            child.close()
            pipes.append(parent)
            processes.append(process)
        busy: list[Any] = []  # pipes with a chunk in hand, in the order they were sent
        free = list(pipes)
        chunks_left = True
        while True:
            while chunks_left and free:
                chunk = next(chunks, None)
                if chunk is None:
                    chunks_left = False
                    break
                pipe = free.pop(0)
                pipe.send(chunk)
                busy.append(pipe)
            if not busy:
                return
            pipe = busy.pop(0)
            result = pipe.recv()
            free.append(pipe)
            if chunks_left:  # hand the free worker its next chunk before this one is written
                chunk = next(chunks, None)
                if chunk is None:
                    chunks_left = False
                else:
                    pipe = free.pop(0)
                    pipe.send(chunk)
                    busy.append(pipe)
            yield result
    finally:
        for pipe in pipes:
            try:
                pipe.send(None)
            except (OSError, ValueError):
                pass
            pipe.close()
        for process in processes:
            process.join(timeout=2)
            if process.is_alive():
                process.terminate()


class CheckinStream:
    """Check-ins checked (in worker processes) while this process writes them.

    Used when no check-ins are stored yet: every one is new (a repeated id within
    the import keeps the newest), so nothing stored can be replaced and there is
    nothing to decide before writing. Any problem rolls the whole import back.
    """

    def __init__(self, reader: Reader, sources: list[Source]):
        self.reader = reader
        self.sources = sources
        self.counts = TableCounts()
        self.done = False

    def write(self, store: Store) -> None:
        """Check and write every check-in (inside the caller's transaction)."""
        problems = self.reader.problems
        seen: dict[str, str] = {}  # id -> updated_at of what this import wrote
        with clock.held():
            try:
                for checked in checked_chunks(self.sources, as_batch=True):
                    for text in checked.problems:
                        problems.add(text)
                    if problems:
                        continue  # nothing will be kept; go on listing problems
                    self.counts.unchanged += checked.repeated
                    batch = checked.batch
                    assert batch is not None
                    ids = batch.ids
                    if seen.keys().isdisjoint(ids):  # the usual case: all new
                        store.insert_checkin_batch(batch)
                        seen.update(zip(ids, batch.versions))
                        self.counts.added += len(ids)
                    else:  # ids this import already wrote (the same export twice?)
                        self._write_again(store, batch, seen)
            except _TooMany:
                pass
        problems.raise_if_any()
        self.done = True

    def _write_again(self, store: Store, batch: CheckinBatch, seen: dict[str, str]) -> None:
        new, newer = [], []
        for row in batch.rows():
            earlier = seen.get(row[0])
            if earlier is None:
                new.append(row)
                self.counts.added += 1
            elif _newer(row[3], earlier):
                newer.append(row)
                self.counts.unchanged += 1  # a newer copy of one added above
            else:
                self.counts.unchanged += 1
                continue
            seen[row[0]] = row[3]
        store.save_checkins(new, new=True)
        store.save_checkins(newer)


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


# --- Entry points --------------------------------------------------------------------


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


def prepare_import(store: Store, path: Path, *, stream: bool = True) -> ImportPlan:
    """Read and check ``path``; raises :class:`ImportProblem` if anything is wrong.

    Nothing is written (:func:`apply_plan` does that). With ``stream`` and no
    check-ins stored yet, the check-ins are checked while they are written (see
    :class:`CheckinStream`); a problem among them then surfaces from
    :func:`apply_plan`, which writes nothing in that case either.
    """
    files = find_files(path)
    problems = Problems()
    reader = Reader(store, problems)
    sources: list[Source] = []
    records: dict[str, dict[str, Any]] = {t: {} for t in TABLE_ORDER[1:]}
    words: dict[str, int] = {}
    checkin_stream = None
    with clock.held():
        try:
            for file in files:
                source = reader.open(file)
                if source is not None:
                    sources.append(source)
            sources.sort(key=lambda src: TABLE_ORDER.index(src.table))
            checkin_sources = [src for src in sources if src.table == "checkins"]
            if stream and checkin_sources and store.checkin_count() == 0:
                checkin_stream = CheckinStream(reader, checkin_sources)
            for source in sources:
                if source.table == "emotions":
                    for word, shipped in reader.emotion_words(source).items():
                        words.setdefault(word, shipped)
                elif source.table != "checkins":
                    for record in reader.records(source):
                        _keep_newest(source.table, records[source.table], record)
            if checkin_sources and checkin_stream is None:
                for checked in checked_chunks(checkin_sources):
                    for text in checked.problems:
                        problems.add(text)
                    for row in checked.rows:
                        _keep_newest("checkins", records["checkins"], row)
            if not problems:
                reader.check_relations(store, records["practice_logs"], records["experiments"])
        except _TooMany:
            pass
    problems.raise_if_any()
    plan = plan_records(store, records, words)
    plan.files = files
    plan.stream = checkin_stream
    if checkin_stream is not None:
        plan.counts["checkins"] = checkin_stream.counts
        # Many check-ins into an empty table: build its indexes once, at the end.
        plan.rebuild_indexes = sum(s.size for s in checkin_sources) >= PARALLEL_FROM_BYTES
    streamed = checkin_stream.sources if checkin_stream is not None else []
    empty = [src for src in sources if src.count == 0 and src not in streamed]
    # A folder's empty tables are normal; say so only for a single file, or when
    # nothing at all was found.
    if len(files) == 1 or (len(empty) == len(sources) and not streamed):
        plan.notes = [f"{src.path} {_EMPTY[src.path.suffix.lower() == '.json']}: "
                      "nothing to import from it." for src in empty]
    return plan


_EMPTY = {True: "holds no records", False: "has a header but no rows"}


def import_path(store: Store, path: Path) -> ImportPlan:
    """Check and import ``path`` in one go (all or nothing); returns what was done."""
    plan = prepare_import(store, path)
    apply_plan(store, plan)
    return plan


_LABELS = {"emotions": "emotion words", "checkins": "check-ins", "experiments": "experiments",
           "practice_logs": "practice logs", "ruptures": "ruptures",
           "supports": "support entries"}


def describe_plan(plan: ImportPlan, *, done: bool = True) -> list[str]:
    """The summary lines a person reads after an import (or a dry run)."""
    lines: list[str] = []
    verb = "" if done else "would be "
    for table in TABLE_ORDER:
        counts = plan.counts.get(table)
        if counts is None or (table == "emotions" and not counts.added):
            continue
        label = _LABELS[table]
        parts = []
        if counts.added:
            parts.append(f"{counts.added:,} {verb}added")
        if counts.updated:
            parts.append(f"{counts.updated:,} {verb}updated (the imported copy was newer)")
        if counts.unchanged:
            parts.append(f"{counts.unchanged:,} already here")
        lines.append(f"  {label}: " + (", ".join(parts) if parts else "none"))
    return lines
