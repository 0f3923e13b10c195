"""Checking check-ins in chunks, in worker processes when there are many.

The process that writes to SQLite does little else: it reads the files and hands
chunks of rows to workers, which build each check-in through the models and give
back a :class:`tracker.store.CheckinBatch` ready to insert.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import sys
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from tracker import clock
from tracker.models import CheckIn, ValidationError, from_export
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
#: How worker processes start: fork where it is safe and quick (Linux), else spawn.
START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"


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
    create = functools.partial(from_export, CheckIn)
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


def _worker_count(sources: list[Source]) -> int:
    """How many worker processes check these check-ins: none for a small import."""
    if sum(s.size for s in sources) < PARALLEL_FROM_BYTES:
        return 0
    affinity = getattr(os, "sched_getaffinity", None)  # Linux: the CPUs this may use
    cpus = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    # One more worker than CPUs (up to 3): this process spends its time in SQLite
    # or waiting for the next chunk, and each worker holds one chunk at a time, so
    # a spare one keeps a checked chunk ready (benchmarks/run.py --only import
    # measured 1, 2 and 3 workers on 2 CPUs: 3 was quickest).
    return 0 if cpus < 2 else min(3, cpus + 1)


def checked_chunks(sources: list[Source], *, as_batch: bool = False) -> Iterator[Checked]:
    """Check every check-in of ``sources``; yields :class:`Checked` chunk by chunk, in order.

    With enough of them and more than one CPU, worker processes check the next
    chunks while the caller writes this one (each worker has one chunk in hand at a
    time, and the results are taken in the order the chunks were read). Reading the
    files (and their shape problems) stays in this process.
    """
    workers = _worker_count(sources)
    chunks = _chunks(sources, as_batch)
    if workers == 0:
        for chunk in chunks:
            yield check_chunk(chunk)
        return
    with _pool(workers) as pool:
        pending = deque(
            pool.submit(check_chunk, chunk) for chunk in itertools.islice(chunks, workers)
        )
        while pending:
            checked = pending.popleft().result()
            following = next(chunks, None)
            if following is not None:  # the free worker's next one, before this is written
                pending.append(pool.submit(check_chunk, following))
            yield checked


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """Worker processes that share this process's frozen "today" and stop when it is gone.

    Stopping early (a problem found, the caller gone) cancels the chunks not begun.
    """
    import multiprocessing

    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context(START_METHOD),
        initializer=_start_worker,
        initargs=(os.getpid(), clock.today().isoformat()),
    )
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(parent: int, today: str) -> None:
    """In each worker, first: the parent's day, and a watch on the parent.

    A worker waits for its next chunk without a time limit; when the importing
    process is killed (``kill -9``, a closed terminal), nothing would tell it to
    stop, so a daemon thread ends it once its parent is gone.
    """
    import multiprocessing
    import threading

    multiprocessing.current_process().name = "tracker-import-check"
    clock.freeze(today)
    threading.Thread(target=_exit_without, args=(parent,), daemon=True).start()


def _exit_without(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


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
                        seen.update(zip(ids, batch.versions, strict=False))
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
        store.save_checkins(new, new=True)
        store.save_checkins(newer)
