"""Export: one CSV (or JSON) file per table, UTF-8, with a header row.

CSV: numbers stay numbers, an empty cell is "not recorded", emotions / people / tags
are joined with ``|`` in one column, and text cells are neutralised for spreadsheets
(see :mod:`tracker.portability.cells`). JSON: an array of objects per table, lists as
lists, text exactly as written.

Files are never written over unless this app wrote them: an export folder holds a
``.tracker-export`` list of the files it made. Every file is made by
:mod:`tracker.files` (0600, created exclusively, never through a link).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from tracker import clock
from tracker.files import FileRefused, private_dir, private_file, remove_stale_temporaries
from tracker.portability.cells import FORMULA_STARTS, neutralise
from tracker.store import Store

MANIFEST = ".tracker-export"
LIST_COLUMNS = {"emotions", "people", "tags"}


class ExportError(Exception):
    pass


def _csv_rows(rows: Iterable[tuple[Any, ...]], counter: list[int]) -> Iterator[tuple[Any, ...]]:
    """Rows with their formula-starting text cells neutralised; most rows pass as they are."""
    starts = FORMULA_STARTS
    for row in rows:
        counter[0] += 1
        if any(type(v) is str and v and v[0] in starts for v in row):
            yield tuple(neutralise(v) if type(v) is str else v for v in row)
        else:
            yield row


def write_csv(columns: list[str], rows: Iterable[tuple[Any, ...]], handle: IO[str]) -> int:
    """A header and the rows, by Python's ``csv`` module: tracker's one CSV writer.

    ``QUOTE_MINIMAL``, ``\\r\\n`` line ends, ``None`` as an empty cell, text cells
    neutralised for spreadsheets. Returns the number of rows written.
    """
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(columns)
    counter = [0]
    writer.writerows(_csv_rows(rows, counter))
    return counter[0]


def _json_objects(
    table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]
) -> Iterator[dict[str, Any]]:
    for row in rows:
        obj = dict(zip(columns, row, strict=False))
        for key in LIST_COLUMNS & obj.keys():
            if table != "emotions":
                obj[key] = obj[key].split("|") if obj[key] else []
        yield obj


def write_json(
    table: str, columns: list[str], rows: Iterable[tuple[Any, ...]], handle: IO[str]
) -> int:
    count = 0
    handle.write("[")
    for obj in _json_objects(table, columns, rows):
        handle.write(("\n  " if count == 0 else ",\n  ") + json.dumps(obj, ensure_ascii=False))
        count += 1
    handle.write("\n]\n" if count else "]\n")
    return count


def write_table(store: Store, table: str, fmt: str, handle: IO[str]) -> int:
    """One table as CSV or JSON into ``handle``; returns the number of records written."""
    columns = store.export_columns(table)
    rows = store.export_rows(table)
    if fmt == "csv":
        return write_csv(columns, rows, handle)
    return write_json(table, columns, rows, handle)


_MANIFEST_LIMIT = 1024 * 1024


def _manifest(folder: Path) -> set[str]:
    """The names an earlier export wrote into ``folder`` (none when it has no list).

    The list must be a regular file of this user's, not a link: anything else at
    its name (a FIFO would make the read wait for ever) is refused, not read.
    """
    path = folder / MANIFEST
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return set()
    except OSError as exc:
        raise ExportError(
            f"{path} is not a list tracker wrote ({exc.strerror or exc}); "
            "it has not been touched. Choose another --out."
        ) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            raise ExportError(
                f"{path} is not a list tracker wrote; it has not been touched. "
                "Choose another --out."
            )
        data = os.read(fd, _MANIFEST_LIMIT)
    finally:
        os.close(fd)
    return set(data.decode("utf-8", "replace").split())


def _check_writable(target: Path, ours: set[str]) -> None:
    if (target.exists() or target.is_symlink()) and target.name not in ours:
        raise ExportError(
            f"{target} already exists and was not written by tracker; it has not been "
            "touched. Choose another --out, or move that file away."
        )


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    """What the file writer refuses, said as an export error (one line, nothing written)."""
    try:
        yield
    except FileRefused as exc:
        raise ExportError(str(exc)) from None


def _write_file(
    target: Path, store: Store, table: str, fmt: str, *, replace_ours: bool = False
) -> int:
    with _refusals(), private_file(target, replace_ours=replace_ours) as handle:
        return write_table(store, table, fmt, handle)


def export_data(
    store: Store, *, out: Path | None, table: str | None, fmt: str, stdout: IO[str]
) -> list[tuple[Path, int]]:
    """Write the export; returns the files written with their row counts.

    With a table and no ``out``, the table goes to ``stdout`` and nothing is returned.
    """
    tables = list(Store.EXPORT_TABLES)
    if table is not None:
        if table not in tables:
            raise ExportError(f"table: {table!r} is not a table; use one of {', '.join(tables)}.")
        tables = [table]
        if out is None:
            write_table(store, table, fmt, stdout)
            return []
        if out.suffix.lower() in (".csv", ".json"):
            if out.exists() or out.is_symlink():
                raise ExportError(
                    f"{out} already exists; it has not been touched. Choose a new file name."
                )
            if not out.parent.exists():
                raise ExportError(f"{out.parent} does not exist.")
            chosen = out.name
            remove_stale_temporaries(out.parent, lambda name: name == chosen)
            return [(out, _write_file(out, store, table, fmt))]
    if out is None:
        base = Path.cwd() / f"tracker-export-{clock.today().isoformat()}"
        out, n = base, 1
        while out.exists() or out.is_symlink():
            n += 1
            out = base.with_name(f"{base.name}-{n}")
    if out.exists() and not out.is_dir():
        raise ExportError(
            f"{out} is a file; --out needs a folder (or a .csv/.json file "
            "name together with --table)."
        )
    with _refusals():
        private_dir(out)
    ours = _manifest(out)
    targets = [(t, out / f"{t}.{fmt}") for t in tables]
    ours_to_be = {MANIFEST, *ours, *(p.name for _, p in targets)}
    remove_stale_temporaries(out, lambda name: name in ours_to_be)  # a killed export's
    for _, target in targets:
        _check_writable(target, ours)
    listed = "\n".join(sorted(ours | {p.name for _, p in targets})) + "\n"
    with _refusals(), private_file(out / MANIFEST, replace_ours=True) as handle:
        handle.write(listed)
    return [
        (target, _write_file(target, store, t, fmt, replace_ours=target.name in ours))
        for t, target in targets
    ]
