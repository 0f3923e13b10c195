"""Export: one CSV (or JSON) file per table, UTF-8, with a header row.

CSV: numbers stay numbers, an empty cell is "not recorded", emotions / people / tags
are joined with ``|`` in one column, and text cells are neutralised for spreadsheets
(see :mod:`tracker.portability.cells`). JSON: an array of objects per table, lists as
lists, text exactly as written.

Files are never written over unless this app wrote them: an export folder holds a
``.tracker-export`` list of the files it made.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from tracker import clock
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
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(columns)
    counter = [0]
    writer.writerows(_csv_rows(rows, counter))
    return counter[0]


def _json_objects(table: str, columns: list[str],
                  rows: Iterable[tuple[Any, ...]]) -> Iterator[dict[str, Any]]:
    for row in rows:
        obj = dict(zip(columns, row))
        for key in LIST_COLUMNS & obj.keys():
            if table != "emotions":
                obj[key] = obj[key].split("|") if obj[key] else []
        yield obj


def write_json(table: str, columns: list[str], rows: Iterable[tuple[Any, ...]],
               handle: IO[str]) -> int:
    count = 0
    handle.write("[")
    for obj in _json_objects(table, columns, rows):
        handle.write(("\n  " if count == 0 else ",\n  ") + json.dumps(obj, ensure_ascii=False))
        count += 1
    handle.write("\n]\n" if count else "]\n")
    return count


def write_table(store: Store, table: str, fmt: str, handle: IO[str]) -> int:
    columns = store.export_columns(table)
    rows = store.export_rows(table)
    if fmt == "csv":
        return write_csv(columns, rows, handle)
    return write_json(table, columns, rows, handle)


def _manifest(folder: Path) -> set[str]:
    try:
        return set((folder / MANIFEST).read_text(encoding="utf-8").split())
    except FileNotFoundError:
        return set()


def _check_writable(target: Path, ours: set[str]) -> None:
    if target.exists() and target.name not in ours:
        raise ExportError(
            f"{target} already exists and was not written by tracker; it has not been "
            "touched. Choose another --out, or move that file away.")


def _write_file(target: Path, store: Store, table: str, fmt: str) -> int:
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            rows = write_table(store, table, fmt, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return rows


def export_data(store: Store, *, out: Path | None, table: str | None, fmt: str,
                stdout: IO[str]) -> list[tuple[Path, int]]:
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
            if out.exists():
                raise ExportError(f"{out} already exists; it has not been touched. "
                                  "Choose a new file name.")
            if not out.parent.exists():
                raise ExportError(f"{out.parent} does not exist.")
            return [(out, _write_file(out, store, table, fmt))]
    if out is None:
        base = Path.cwd() / f"tracker-export-{clock.today().isoformat()}"
        out, n = base, 1
        while out.exists():
            n += 1
            out = base.with_name(f"{base.name}-{n}")
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file; --out needs a folder (or a .csv/.json file "
                          "name together with --table).")
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    ours = _manifest(out)
    targets = [(t, out / f"{t}.{fmt}") for t in tables]
    for _, target in targets:
        _check_writable(target, ours)
    (out / MANIFEST).write_text("\n".join(sorted(ours | {p.name for _, p in targets})) + "\n",
                                encoding="utf-8")
    return [(target, _write_file(target, store, t, fmt)) for t, target in targets]
