"""Import what ``tracker export`` wrote: a folder of CSV or JSON files, or one file.

The rules (the README's "Import and export" section says the same in prose):

- One file per table: ``checkins``, ``experiments``, ``practice_logs``,
  ``ruptures``, ``supports``, ``emotions`` (the vocabulary), ``names`` (every
  emotion word, person and tag, and whether it is hidden from suggestions),
  ``sessions`` and ``bring_marks``. A file from an earlier tracker without the
  columns schema 5 added imports with them empty. A folder is read file by file
  (``*.csv`` and ``*.json``; hidden files are skipped). A single CSV is recognised by
  its header, a single JSON file by its name or by the fields of its objects.
- CSV: UTF-8 (a byte-order mark is fine), a header row naming every column the
  export writes (any order), one row per record, an empty cell for "not recorded",
  emotions / people / tags joined with ``|``. One leading apostrophe is removed from
  every cell that has one (the export adds it to text a spreadsheet would run as a
  formula, and to text that begins with an apostrophe): see :mod:`cells`.
- JSON: an array of objects with the same fields; lists as lists, text as written.
- Every record is built through :mod:`tracker.models`, the one validation path.
  Practice logs must name an experiment, and bring marks a check-in, rupture,
  experiment or practice log, stored or in the same import; so must an
  experiment's ``follows_id`` and a practice log's ``rupture_id``, when given.
- Idempotent by ``id``: a record already here is left alone unless the incoming
  ``updated_at`` is newer, in which case it replaces the stored one. A record
  deleted here comes back only if it is newer than its deletion (its tombstone).
- All or nothing: one transaction. Everything is checked before it is written; a
  problem names the file, line and column and says what was expected, and then
  nothing is written. (Into a database with no check-ins yet, a large file's
  check-ins are checked in worker processes while the first ones are written, and a
  problem rolls the whole transaction back: the same outcome, sooner.)
- The input files are only read, never changed.

Speed: 100,000 check-ins with their emotions, people and tags take a few seconds.
The work is split so that the process writing to SQLite does little else (see
:class:`CheckinStream` and :meth:`tracker.store.Store.insert_checkin_batch`).

The package, along its seams: :mod:`.problems` (what went wrong, and where),
:mod:`.sources` (reading files into tables and rows), :mod:`.workers` (checking
check-ins in chunks, in worker processes), :mod:`.plan` (sorting checked records
against what is stored, and writing them). This module holds the entry points.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracker import clock
from tracker.portability.importer.plan import (
    RECORD_TABLES,
    TABLE_ORDER,
    ImportPlan,
    TableCounts,
    apply_plan,
    describe_plan,
    keep_newest,
    plan_records,
)
from tracker.portability.importer.problems import (
    MAX_PROBLEMS,
    ImportProblem,
    Problems,
    TooMany,
    Where,
)
from tracker.portability.importer.sources import Reader, Source, find_files, read_text
from tracker.portability.importer.workers import CheckinStream, checked_chunks
from tracker.store import Store

__all__ = [
    "MAX_PROBLEMS",
    "TABLE_ORDER",
    "CheckinStream",
    "ImportPlan",
    "ImportProblem",
    "Problems",
    "Reader",
    "Source",
    "TableCounts",
    "TooMany",
    "Where",
    "apply_plan",
    "describe_plan",
    "find_files",
    "import_path",
    "plan_records",
    "prepare_import",
    "read_text",
]


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
    records: dict[str, dict[str, Any]] = {t: {} for t in RECORD_TABLES}
    words: dict[str, int] = {}
    names: list[tuple[str, str, int]] = []
    checkin_stream = None
    pending_marks: list[tuple[str, str]] = []
    with clock.held():
        try:
            for file in files:
                source = reader.open(file)
                if source is not None:
                    sources.append(source)
            sources.sort(key=lambda src: TABLE_ORDER.index(src.table))
            checkin_sources = [src for src in sources if src.table == "checkins"]
            if (
                stream
                and checkin_sources
                and store.checkin_count() == 0
                and not store.has_tombstones("checkins")  # each is compared: not streamed
            ):
                checkin_stream = CheckinStream(reader, checkin_sources)
            for source in sources:
                if source.table == "emotions":
                    for word, shipped in reader.emotion_words(source).items():
                        words.setdefault(word, shipped)
                elif source.table == "names":
                    names += reader.name_rows(source)
                elif source.table != "checkins":
                    for record in reader.records(source):
                        keep_newest(source.table, records[source.table], record)
            if checkin_sources and checkin_stream is None:
                for checked in checked_chunks(checkin_sources):
                    for text in checked.problems:
                        problems.add(text)
                    for row in checked.rows:
                        keep_newest("checkins", records["checkins"], row)
            if not problems:
                reader.check_relations(store, records["practice_logs"], records["experiments"])
                reader.check_links(
                    store, records["experiments"], records["practice_logs"], records["ruptures"]
                )
                pending_marks = reader.check_marks(store, records, checkin_stream is not None)
        except TooMany:
            pass
    problems.raise_if_any()
    plan = plan_records(store, records, words, names)
    plan.files = files
    plan.stream = checkin_stream
    plan.pending_marks = pending_marks
    if checkin_stream is not None:
        plan.counts["checkins"] = checkin_stream.counts
        plan.rebuild_indexes = checkin_stream.rebuild_indexes
    plan.notes = _empty_notes(files, sources, checkin_stream)
    return plan


_EMPTY = {True: "holds no records", False: "has a header but no rows"}


def _empty_notes(
    files: list[Path], sources: list[Source], stream: CheckinStream | None
) -> list[str]:
    """What to say of files that held nothing to import.

    A folder's empty tables are normal; say so only for a single file, or when
    nothing at all was found.
    """
    streamed = stream.sources if stream is not None else []
    empty = [src for src in sources if src.count == 0 and src not in streamed]
    if len(files) == 1 or (len(empty) == len(sources) and not streamed):
        return [
            f"{src.path} {_EMPTY[src.path.suffix.lower() == '.json']}: nothing to import from it."
            for src in empty
        ]
    return []


def import_path(store: Store, path: Path) -> ImportPlan:
    """Check and import ``path`` in one go (all or nothing); returns what was done."""
    plan = prepare_import(store, path)
    apply_plan(store, plan)
    return plan
