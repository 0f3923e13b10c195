"""Per-day means kept compactly: parallel columns instead of one dictionary per day.

The rows of :meth:`tracker.store.Store.daily_means` (``{"day": "YYYY-MM-DD", "n": 3,
"mood": 3.5, ...}``) are what every chart and insight reads. Years of them as
dictionaries cost several hundred bytes a day, mostly for keys, day strings and float
objects that say the same few values again and again. A :class:`DayTable` keeps:

* the days as ordinals and the check-in counts in two ``array`` columns;
* one column per scale, ``None`` for a day that left it unrated: a small code per day
  into the distinct values, each one float object:
  a day's mean of a few whole ratings takes one of a few dozen values, and each value
  is one object however many days have it.

A table is a read-only sequence of rows (each one a new ``dict`` like the store's), so
code written for the store's rows works on it unchanged; :mod:`tracker.analytics` and
:mod:`tracker.charts` read its columns directly instead. Slicing a table, or
:meth:`DayTable.between`, gives a view on the same columns: nothing is copied.

Pure: no I/O, no SQL.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

COLUMNS: tuple[str, ...] = (
    "regulation",
    "mood",
    "intensity",
    "pursue",
    "withdraw",
    "pursue_acted",
    "withdraw_acted",
)
"""What a table keeps, one column each: the check-in scales' means, and whether a
check-in of the day acted on each urge (1, 0, or ``None`` when none answered)."""

Value = float | None

_BATCH = 512
"""Rows read at a time by :meth:`DayTable.from_rows`."""


def _ordinal(day: object) -> int:
    return dt.date.fromisoformat(str(day)).toordinal()


class _Column(Sequence[Value]):
    """One scale's daily means: a small code per day (an ``array`` of 2-byte numbers,
    4-byte past 65,535 distinct values) into the distinct values, each one float
    object; code 0 is ``None``. A slice is a tuple of the values."""

    __slots__ = ("_codes", "_values", "_index")

    def __init__(
        self,
        codes: array | None = None,
        values: list[Value] | None = None,
        index: dict[float, int] | None = None,
    ) -> None:
        self._codes = array("H") if codes is None else codes
        self._values: list[Value] = [None] if values is None else values
        self._index: dict[float, int] = {} if index is None else index

    def extend(self, values: Iterable[Any]) -> None:
        """Add days' values (``None``, or a number: ``3`` and ``3.0`` are one value)."""
        index, known = self._index, self._values
        codes = []
        for value in values:
            if value is None:
                codes.append(0)
                continue
            code = index.get(value)
            if code is None:
                code = index[value] = len(known)
                known.append(float(value))
            codes.append(code)
        if len(known) > 0xFFFF and self._codes.typecode == "H":
            self._codes = array("I", self._codes)
        self._codes.extend(codes)

    def reordered(self, order: Sequence[int]) -> _Column:
        """The same values in the order of the given positions."""
        codes = array(self._codes.typecode, (self._codes[i] for i in order))
        return _Column(codes, self._values, self._index)

    def __len__(self) -> int:
        return len(self._codes)

    @overload
    def __getitem__(self, index: int) -> Value: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Value, ...]: ...

    def __getitem__(self, index: int | slice) -> Value | tuple[Value, ...]:
        if isinstance(index, slice):
            return tuple(map(self._values.__getitem__, self._codes[index]))
        return self._values[self._codes[index]]


class DayTable(Sequence[dict[str, Any]]):
    """Per-day rows (day, check-in count, each scale's mean), oldest first, as columns.

    Build one with :meth:`from_rows`. Rows come back as new dictionaries with the keys
    ``day``, ``n`` and every scale of :data:`COLUMNS`; a scale the rows did not have
    (or left ``None``) reads ``None``, and a missing ``n`` reads 0.
    """

    __slots__ = ("_ordinals", "_counts", "_columns", "_lo", "_hi")

    def __init__(
        self,
        ordinals: array,
        counts: array,
        columns: Mapping[str, Sequence[Value]],
        lo: int = 0,
        hi: int | None = None,
    ) -> None:
        """A view of rows ``lo`` to ``hi`` of the given columns (use :meth:`from_rows`)."""
        self._ordinals = ordinals
        self._counts = counts
        self._columns = columns
        self._lo = lo
        self._hi = len(ordinals) if hi is None else hi

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> DayTable:
        """A table of ``rows`` (any order; sorted by day, keeping the given order of
        rows of the same day). ``rows`` is read once, a batch at a time, so it may be
        a generator that makes its rows as they are read."""
        ordinals = array("i")
        counts = array("i")
        columns = {name: _Column() for name in COLUMNS}
        source = iter(rows)
        while batch := list(itertools.islice(source, _BATCH)):
            ordinals.extend([_ordinal(r["day"]) for r in batch])
            counts.extend([int(r.get("n") or 0) for r in batch])
            for name, column in columns.items():
                column.extend(r.get(name) for r in batch)
        if any(a > b for a, b in itertools.pairwise(ordinals)):
            order = sorted(range(len(ordinals)), key=ordinals.__getitem__)
            ordinals = array("i", (ordinals[i] for i in order))
            counts = array("i", (counts[i] for i in order))
            columns = {name: column.reordered(order) for name, column in columns.items()}
        return cls(ordinals, counts, columns)

    # -- a sequence of rows --

    def __len__(self) -> int:
        return self._hi - self._lo

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> DayTable: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | DayTable:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("a DayTable slice takes every row (step 1)")
            return self._view(self._lo + start, self._lo + max(start, stop))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("DayTable index out of range")
        return self._row(self._lo + index)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(self._lo, self._hi):
            yield self._row(i)

    def __repr__(self) -> str:
        first, last = self.first_day, self.last_day
        span = f" {first} to {last}" if first and last else ""
        return f"<DayTable of {len(self)} days{span}>"

    def _row(self, i: int) -> dict[str, Any]:
        row: dict[str, Any] = {
            "day": dt.date.fromordinal(self._ordinals[i]).isoformat(),
            "n": self._counts[i],
        }
        for name, column in self._columns.items():
            row[name] = column[i]
        return row

    def _view(self, lo: int, hi: int) -> DayTable:
        return DayTable(self._ordinals, self._counts, self._columns, lo, hi)

    # -- columns --

    @property
    def first_day(self) -> dt.date | None:
        return dt.date.fromordinal(self._ordinals[self._lo]) if len(self) else None

    @property
    def last_day(self) -> dt.date | None:
        return dt.date.fromordinal(self._ordinals[self._hi - 1]) if len(self) else None

    def between(self, since: dt.date, until: dt.date) -> DayTable:
        """The rows from ``since`` to ``until`` inclusive (a view: nothing is copied)."""
        lo = bisect.bisect_left(self._ordinals, since.toordinal(), self._lo, self._hi)
        hi = bisect.bisect_right(self._ordinals, until.toordinal(), self._lo, self._hi)
        return self._view(lo, max(lo, hi))

    def ordinals(self) -> array:
        """The days, as ``date.toordinal()`` numbers."""
        return self._ordinals[self._lo : self._hi]

    def days(self) -> list[str]:
        """The days, as ISO strings."""
        return [dt.date.fromordinal(o).isoformat() for o in self.ordinals()]

    def column(self, metric: str) -> Sequence[Value]:
        """The daily means of ``metric``, ``None`` where unrated (all ``None`` for a
        name that is not a column, as a row's missing key reads)."""
        column = self._columns.get(metric)
        if column is None:
            return (None,) * len(self)
        return column[self._lo : self._hi]

    def checkins(self) -> int:
        """The check-ins of these days (the sum of ``n``)."""
        return sum(self._counts[self._lo : self._hi])

    def by_day(self, metric: str) -> dict[str, Value]:
        """ISO day -> the day's mean of ``metric`` (``None`` where unrated)."""
        return dict(zip(self.days(), self.column(metric), strict=True))

    def series(self, metric: str, since: dt.date, until: dt.date) -> list[Value]:
        """One value per calendar day from ``since`` to ``until``; gaps are ``None``.

        What :func:`tracker.analytics.daily_series` gives for the same rows.
        """
        first = since.toordinal()
        out: list[Value] = [None] * max(0, (until - since).days + 1)
        view = self.between(since, until)
        for ordinal, value in zip(view.ordinals(), view.column(metric), strict=True):
            if value is not None:
                out[ordinal - first] = value
        return out
