"""Checking check-ins in chunks, in worker processes when there are many.

The process that writes to SQLite does little else: it reads the files and hands
chunks of rows to workers, which build each check-in through the models and give
back a :class:`tracker.store.CheckinBatch` ready to insert.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tracker import clock
from tracker.models import CheckIn, ValidationError
from tracker.portability.importer.plan import TableCounts, is_newer, keep_newest
from tracker.portability.importer.problems import MAX_PROBLEMS, Problems, TooMany
from tracker.portability.importer.sources import (
    Reader,
    Source,
    list_positions,
    raw_values,
    where_in,
)
from tracker.store import CheckinBatch, Store, checkin_row

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
    lists = list_positions("checkins", chunk.header)
    rows: list[tuple[Any, ...]] = []
    problems = Problems(limit=MAX_PROBLEMS + 1)  # one more: the caller then knows there are more
    for line, payload in chunk.items:
        try:
            rows.append(checkin_row(create(raw_values(chunk.header, lists, payload))))
        except ValidationError as exc:
            try:
                problems.invalid(where_in(chunk.file, line, chunk.header), exc)
            except TooMany:
                break
    repeated = 0
    if len({r[0] for r in rows}) < len(rows):  # the same id twice: keep the newest
        by_id: dict[str, Any] = {}
        for row in rows:
            keep_newest("checkins", by_id, row)
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

    @property
    def rebuild_indexes(self) -> bool:
        """Many check-ins into an empty table: build its indexes once, at the end."""
        return sum(s.size for s in self.sources) >= PARALLEL_FROM_BYTES

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
            except TooMany:
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
            elif is_newer(row[3], earlier):
                newer.append(row)
                self.counts.unchanged += 1  # a newer copy of one added above
            else:
                self.counts.unchanged += 1
                continue
            seen[row[0]] = row[3]
        store.save_checkin_rows(new, new=True)
        store.save_checkin_rows(newer)

