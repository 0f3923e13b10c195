"""Export: one CSV (or JSON) file per table, UTF-8, with a header row.

CSV: numbers stay numbers, an empty cell is "not recorded", emotions / people / tags
are joined with ``|`` in one column, and text cells are neutralised for spreadsheets
(see :mod:`tracker.portability.cells`). JSON: an array of objects per table, lists as
lists, text exactly as written.

Files are never written over unless this app wrote them: an export folder holds a
``.tracker-export`` list of the files it made.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Iterable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from tracker import clock
from tracker.files import FileRefused, private_dir, private_file
from tracker.portability.cells import FORMULA_STARTS, neutralise
from tracker.models import TAG_SEPARATOR
from tracker.store import Store, nocase_key

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


def csv_cell(text: str) -> str:
    """One text cell exactly as ``csv.writer`` (``QUOTE_MINIMAL``) writes it, neutralised."""
    text = neutralise(text)
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


def _plain(values: list[str]) -> bool:
    """Whether none of these cells needs quoting or neutralising (checked in one go)."""
    try:
        joined = "\x1f".join(values)
    except TypeError:  # a NULL: not what the app writes; let the csv module handle it
        return False
    if any(c in joined for c in '",\r\n'):
        return False
    if joined[:1] and joined[0] in FORMULA_STARTS:
        return False
    return not any("\x1f" + c in joined for c in FORMULA_STARTS)


class _NameCells(dict[Any, str]):
    """``"3,7"`` (ids from :meth:`Store.checkin_csv_records`) -> ``"anxious|hopeful"``."""

    def __init__(self, vocabulary: dict[int, str]):
        super().__init__()
        self.vocabulary = vocabulary

    def __missing__(self, ids: str | None) -> str:
        if ids is None:
            cell = ""
        else:
            found = (self.vocabulary.get(int(i)) for i in ids.split(","))
            names = [n for n in found if n is not None]  # (a JOIN skips a dangling link too)
            cell = csv_cell(TAG_SEPARATOR.join(sorted(names, key=nocase_key)))
        self[ids] = cell
        return cell


def write_checkins_csv(store: Store, columns: list[str], handle: IO[str]) -> int | None:
    """The check-ins CSV, byte for byte what :func:`write_csv` writes, ~3x sooner.

    SQLite makes the text of most cells (:meth:`Store.checkin_csv_records`); here
    they are joined with the name cells. Returns ``None``, having written nothing,
    when the table is not as this code expects (then :func:`write_csv` does it).
    """
    found = store.checkin_csv_records(FORMULA_STARTS)
    if found is None or found.columns != columns:
        return None
    records = found.records
    # day has a CHECK constraint (digits and dashes); the other three are checked
    if not all(_plain(list(map(itemgetter(k), records))) for k in (1, 2, 3)):
        return None  # an id or time written outside the app: take the careful path
    emotions, people, tags = (_NameCells(v) for v in found.vocabularies)
    csv.writer(handle, lineterminator="\r\n").writerow(columns)
    step = 20_000
    for start in range(0, len(records), step):
        handle.write("".join([
            f"{i},{d},{c},{u},{rest},{emotions[e]},{people[p]},{tags[t]}\r\n"
            for d, c, i, u, rest, e, p, t in records[start:start + step]]))
    return len(records)


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
    if fmt == "csv" and table == "checkins":
        written = write_checkins_csv(store, columns, handle)
        if written is not None:
            return written
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
    if (target.exists() or target.is_symlink()) and target.name not in ours:
        raise ExportError(
            f"{target} already exists and was not written by tracker; it has not been "
            "touched. Choose another --out, or move that file away.")


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    """What the file writer refuses, said as an export error (one line, nothing written)."""
    try:
        yield
    except FileRefused as exc:
        raise ExportError(str(exc)) from None


def _write_file(target: Path, store: Store, table: str, fmt: str, *,
                replace_ours: bool = False) -> int:
    with _refusals(), private_file(target, replace_ours=replace_ours) as handle:
        return write_table(store, table, fmt, handle)


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
            if out.exists() or out.is_symlink():
                raise ExportError(f"{out} already exists; it has not been touched. "
                                  "Choose a new file name.")
            if not out.parent.exists():
                raise ExportError(f"{out.parent} does not exist.")
            return [(out, _write_file(out, store, table, fmt))]
    if out is None:
        base = Path.cwd() / f"tracker-export-{clock.today().isoformat()}"
        out, n = base, 1
        while out.exists() or out.is_symlink():
            n += 1
            out = base.with_name(f"{base.name}-{n}")
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file; --out needs a folder (or a .csv/.json file "
                          "name together with --table).")
    with _refusals():
        private_dir(out)
    ours = _manifest(out)
    targets = [(t, out / f"{t}.{fmt}") for t in tables]
    for _, target in targets:
        _check_writable(target, ours)
    listed = "\n".join(sorted(ours | {p.name for _, p in targets})) + "\n"
    with _refusals(), private_file(out / MANIFEST, replace_ours=True) as handle:
        handle.write(listed)
    return [(target, _write_file(target, store, t, fmt, replace_ours=target.name in ours))
            for t, target in targets]
