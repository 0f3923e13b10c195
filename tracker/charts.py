"""Series -> text charts, shared by the app, ``tracker chart`` and ``tracker report``.

Pure functions: no I/O, no SQL, no Textual. Time charts are drawn with plotext,
imported lazily inside :func:`render` so that importing this module stays cheap
(``tracker status`` never loads plotext). The other charts are plain text.

Two steps, so a screen can cache the first and redo only the second on resize:

1. a builder (:func:`metric_chart`, :func:`urges_chart`, :func:`names_chart`,
   :func:`calendar_chart`, :func:`experiments_chart`) turns per-day rows or records
   into a small immutable chart description;
2. :func:`render` draws a description at a given width and height, with ANSI colour
   or without (``color=False``: plain text to paste in a report or an email).

Every chart stays legible without colour: points, lines and marks use different
characters, and the calendar prints digits. Colours come from :mod:`tracker.palette`:
mood and regulation in the calendar use its ramp (the lowest step also drawn as a
filled cell, so a 0 stands apart from a 1 at a glance), and each mark is drawn in the
colour its legend shows. ``render(..., background="dark" | "light")`` picks the
palette's colours for a known background (the app knows its theme); without it they
are xterm 256-colour indexes that suit either.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tracker import analytics, palette
from tracker.daytable import DayTable
from tracker.models import INTENSITY, MOOD, REGULATION, Scale
from tracker.text import one_line

SCALE_OF: dict[str, Scale] = {"regulation": REGULATION, "mood": MOOD, "intensity": INTENSITY}

# Palette names (tracker.palette): the daily points of each scale, and the urges.
SERIES_COLOURS = {
    "regulation": "points-regulation",
    "mood": "points-mood",
    "intensity": "points-intensity",
    "pursue": "pursue",
    "withdraw": "withdraw",
}
MEAN_COLOUR = "mean"
"""The 7-day rolling mean's line: never the colour of the daily points."""
MARK_RUPTURE = "x"
MARK_REPAIR = "+"
DISTRESS_BEFORE = "orange"
DISTRESS_AFTER = "blue"
"""A practice log's distress before and after, on the experiments chart (palette names)."""
MARK_PURSUE_ACTED = "▲"
MARK_WITHDRAW_ACTED = "▼"
"""On the urges chart: a day you acted on the urge to pursue / to withdraw."""
POINT = "•"
DOTTED = "·"
RANGE_MARK = "·"
"""Faint marks for the lowest and the highest day of a column that holds several days."""
UNRATED = "·"
"""A calendar day with a check-in that did not rate the scale shown."""

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_RESET = "\x1b[0m"


def _plot_rows(text: str) -> list[str]:
    """plotext's rows without trailing spaces (kept before the reset that ends each)."""
    rows = []
    for row in text.rstrip("\n").split("\n"):
        if row.endswith(_RESET):
            row = row[: -len(_RESET)].rstrip() + _RESET
        else:
            row = row.rstrip()
        rows.append(row)
    return rows


_ANSI_CODES = {
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
    "dim": "2",
    "bold": "1",
    "reverse": "7",
}


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


@dataclass(frozen=True)
class Ink:
    """Whether to colour, and for which background (see :mod:`tracker.palette`).

    Passed where a plain ``color`` flag used to go; it is truthy when colouring.
    """

    enabled: bool = True
    background: palette.Background = None

    def __bool__(self) -> bool:
        return self.enabled


def _codes(token: str, background: palette.Background) -> str:
    # A palette name wins over the ANSI name it shares ("blue").
    found = palette.SHADES.get(token)
    if found is not None:
        return palette.ansi_codes(found, background)
    return _ANSI_CODES.get(token, "")


def _paint(text: str, style: str | None, color: bool | Ink) -> str:
    """``text`` in ``style`` (ANSI names, ``dim``, ``bold``, ``reverse`` or palette
    shade names, space-separated); unchanged without colour."""
    if not color or not style or not text:
        return text
    background = color.background if isinstance(color, Ink) else None
    codes = ";".join(c for c in (_codes(s, background) for s in style.split()) if c)
    return f"\x1b[{codes}m{text}\x1b[0m" if codes else text


paint = _paint
"""The same, for the other text renderers (:mod:`tracker.weekcard`)."""


def plot_colour(name: str | None, color: bool | Ink) -> str | int | tuple[int, int, int] | None:
    """A colour as plotext takes it: a palette shade as an RGB triple for a known
    background, else its xterm index; an ANSI name as it is; ``None`` without colour."""
    if not color or not name:
        return None
    found = palette.SHADES.get(name)
    if found is None:
        return name
    background = color.background if isinstance(color, Ink) else None
    rgb = found.rgb(background) if background is not None else None
    return rgb if rgb is not None else found.xterm


# --- chart descriptions ----------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One series on a time chart: one value per day (``None`` = gap)."""

    label: str
    values: tuple[float | None, ...]
    kind: str = "line"  # "points" (one mark per value), "line" (braille), "dotted",
    # "marks" (``marker`` where a value is given: the days something happened)
    colour: str = "cyan"
    marker: str = ""


@dataclass(frozen=True)
class TimeChart:
    """Days along x, a rating scale along y, optional rupture and repair marks."""

    title: str
    start: dt.date
    lines: tuple[Line, ...]
    low: int
    high: int
    scale_note: str = ""
    ruptures: tuple[int, ...] = ()  # day offsets from start
    repairs: tuple[int, ...] = ()
    empty_note: str = ""

    @property
    def days(self) -> int:
        return len(self.lines[0].values) if self.lines else 0

    @property
    def has_data(self) -> bool:
        return any(v is not None for line in self.lines for v in line.values)


@dataclass(frozen=True)
class NameBars:
    """How often names were used, in groups (emotions, people, tags)."""

    title: str
    groups: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]


@dataclass(frozen=True)
class CalendarChart:
    """Twelve months ending with ``end``'s month, one cell per day."""

    title: str
    metric: str
    end: dt.date
    values: Mapping[str, float] = field(hash=False, compare=False)
    unrated: frozenset[str] = frozenset()
    """Days with a check-in that left ``metric`` unrated (drawn as a faint dot)."""
    low: int = 0
    high: int = 5
    checked: int = 0
    total: int = 0


@dataclass(frozen=True)
class DistressLog:
    """One practice, as the experiment's trial-by-trial chart draws it."""

    day: str
    before: int | None
    after: int | None
    happened: int | None = None
    """How far what was predicted happened, 0-100."""


@dataclass(frozen=True)
class ExperimentsChart:
    """Each experiment's practice against its target, belief and distress."""

    title: str
    progress: tuple[analytics.ExperimentProgress, ...]
    selected: int = 0
    logs: tuple[DistressLog, ...] = ()  # of the selected experiment


Chart = TimeChart | NameBars | CalendarChart | ExperimentsChart


# --- builders ------------------------------------------------------------------------


def _offsets(days: Iterable[str | None], since: dt.date, until: dt.date) -> tuple[int, ...]:
    lo, hi = since.isoformat(), until.isoformat()
    return tuple(
        sorted({(dt.date.fromisoformat(d) - since).days for d in days if d and lo <= d <= hi})
    )


def _scale_note(scale: Scale) -> str:
    return f"{scale.low} = {scale.labels[0]}, {scale.high} = {scale.labels[-1]}"


def metric_chart(
    rows: Iterable[Mapping[str, Any]],
    metric: str,
    since: dt.date,
    until: dt.date,
    marks: Sequence[tuple[str, str | None]] = (),
) -> TimeChart:
    """Daily mean as points and the 7-day rolling mean as a line, for one scale.

    ``rows`` are per-day means (``Store.daily_means``), ideally from 6 days before
    ``since`` so the rolling mean of the first days is complete. ``marks`` are
    ``(rupture day, repaired_on)`` pairs; each is marked when it falls in the range.
    """
    scale = SCALE_OF[metric]
    daily, rolled = analytics.series_with_rolling(rows, metric, since, until)
    colour = SERIES_COLOURS[metric]
    return TimeChart(
        title=metric.capitalize(),
        start=since,
        lines=(
            Line("daily mean", tuple(daily), "points", colour),
            Line("7-day mean", tuple(rolled), "line", MEAN_COLOUR),
        ),
        low=scale.low,
        high=scale.high,
        scale_note=_scale_note(scale),
        ruptures=_offsets((m[0] for m in marks), since, until),
        repairs=_offsets((m[1] for m in marks), since, until),
        empty_note=f"No {metric} ratings in this range yet.",
    )


def _acted_marks(
    rows: Sequence[Mapping[str, Any]], urge: str, daily: Sequence[float | None], since: dt.date
) -> tuple[float | None, ...]:
    """Per day: the day's mean ``urge`` where a check-in of that day said it was acted
    on (``{urge}_acted`` is 1 in the day's row), else ``None``."""
    out: list[float | None] = [None] * len(daily)
    if isinstance(rows, DayTable):  # its columns, without making a row per day
        first = since.toordinal()
        for ordinal, acted in zip(rows.ordinals(), rows.column(f"{urge}_acted"), strict=True):
            index = ordinal - first
            if acted and 0 <= index < len(out) and daily[index] is not None:
                out[index] = daily[index]
        return tuple(out)
    for r in rows:
        if not r.get(f"{urge}_acted"):
            continue
        index = (dt.date.fromisoformat(str(r["day"])) - since).days
        if 0 <= index < len(out) and daily[index] is not None:
            out[index] = daily[index]
    return tuple(out)


def urges_chart(
    rows: Iterable[Mapping[str, Any]],
    since: dt.date,
    until: dt.date,
    marks: Sequence[tuple[str, str | None]] = (),
) -> TimeChart:
    """The urges to pursue and to withdraw together: their 7-day rolling means, and a
    mark (``▲`` pursue, ``▼`` withdraw) at the day's mean urge on each day a check-in
    said it was acted on (rows with ``pursue_acted`` / ``withdraw_acted``, as
    ``Store.daily_means`` gives them)."""
    rows = rows if isinstance(rows, Sequence) else list(rows)  # read more than once
    pursue_daily, pursue = analytics.series_with_rolling(rows, "pursue", since, until)
    withdraw_daily, withdraw = analytics.series_with_rolling(rows, "withdraw", since, until)
    acted = tuple(
        Line(
            f"acted on {urge}",
            _acted_marks(rows, urge, daily, since),
            "marks",
            SERIES_COLOURS[urge],
            marker,
        )
        for urge, daily, marker in (
            ("pursue", pursue_daily, MARK_PURSUE_ACTED),
            ("withdraw", withdraw_daily, MARK_WITHDRAW_ACTED),
        )
    )
    return TimeChart(
        title="Urges to pursue and to withdraw",
        start=since,
        lines=(
            Line("pursue (7-day mean)", tuple(pursue), "line", SERIES_COLOURS["pursue"]),
            Line("withdraw (7-day mean)", tuple(withdraw), "dotted", SERIES_COLOURS["withdraw"]),
            *(line for line in acted if any(v is not None for v in line.values)),
        ),
        low=0,
        high=5,
        scale_note="0 = none, 5 = overwhelming",
        ruptures=_offsets((m[0] for m in marks), since, until),
        repairs=_offsets((m[1] for m in marks), since, until),
        empty_note="No urges rated in this range yet.",
    )


def names_chart(
    counts: Mapping[str, Sequence[tuple[str, int]]], title: str = "Named most often"
) -> NameBars:
    """``counts``: group title -> [(name, times), ...], most often first."""
    return NameBars(title, tuple((group, tuple(items)) for group, items in counts.items()))


def calendar_chart(rows: Iterable[Mapping[str, Any]], metric: str, end: dt.date) -> CalendarChart:
    """The twelve months ending with ``end``'s month; a cell per day with a value."""
    first = _calendar_start(end)
    values: dict[str, float] = {}
    unrated: set[str] = set()
    if isinstance(rows, DayTable):
        in_range = rows.between(first, end)
        for day, value in zip(in_range.days(), in_range.column(metric), strict=True):
            if value is None:
                unrated.add(day)
            else:
                values[day] = value
        checked = len(in_range)
    else:
        lo, hi = first.isoformat(), end.isoformat()
        listed = [r for r in rows if lo <= str(r["day"]) <= hi]
        values = {str(r["day"]): float(r[metric]) for r in listed if r.get(metric) is not None}
        unrated = {str(r["day"]) for r in listed if r.get(metric) is None}
        checked = len(listed)
    scale = SCALE_OF[metric]
    return CalendarChart(
        title=f"{metric.capitalize()}, a year at a glance",
        metric=metric,
        end=end,
        values=values,
        unrated=frozenset(unrated),
        low=scale.low,
        high=scale.high,
        checked=checked,
        total=(end - first).days + 1,
    )


def _calendar_start(end: dt.date) -> dt.date:
    """The first day of the month eleven months before ``end``'s month."""
    month = end.month - 11
    year = end.year
    if month < 1:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def calendar_heading(metric: str, end: dt.date) -> str:
    """The calendar's title with the span it shows, the same in the app and the shell."""
    first, last = calendar_range(end)
    return (
        f"{metric.capitalize()}, a year at a glance · {first.day} {first:%b %Y} "
        f"to {last.day} {last:%b %Y}"
    )


def calendar_range(end: dt.date) -> tuple[dt.date, dt.date]:
    """The days a :func:`calendar_chart` ending ``end`` covers."""
    return _calendar_start(end), end


def experiments_chart(
    progress: Sequence[analytics.ExperimentProgress], logs: Sequence[Any] = (), selected: int = 0
) -> ExperimentsChart:
    """``logs``: the practice logs of the selected experiment (done ones with a rating
    are drawn)."""
    drawn = trial_logs(logs)
    return ExperimentsChart("Experiments", tuple(progress), selected, drawn)


def trial_logs(logs: Iterable[Any]) -> tuple[DistressLog, ...]:
    """The practice logs (records or :class:`~tracker.analytics.PracticeFacts`) the
    trial-by-trial chart draws: done, with distress or "how far it happened" rated."""
    out = []
    for log in logs:
        happened = getattr(log, "prediction_happened", None)
        if log.done and (
            log.distress_before is not None
            or log.distress_after is not None
            or happened is not None
        ):
            out.append(DistressLog(log.day, log.distress_before, log.distress_after, happened))
    return tuple(sorted(out, key=lambda log: log.day))


# --- rendering -------------------------------------------------------------------------


def render(
    chart: Chart, width: int, height: int, color: bool = True, background: palette.Background = None
) -> str:
    """Draw a chart description as text, ANSI-coloured or plain.

    Time charts fit ``width`` x ``height`` exactly (downsampled to the width). The
    text charts (names, calendar, experiments) fit the width and use the height as a
    guide; they can be taller, and the app scrolls them. ``background`` (``"dark"``
    or ``"light"``) picks the palette's colours for it (truecolor); without it they
    are xterm 256-colour indexes.
    """
    width = max(width, 30)
    height = max(height, 6)
    ink = Ink(color, background)
    with _ONE_AT_A_TIME:
        text = _render(chart, width, height, ink)
    return text if color else strip_ansi(text)


_ONE_AT_A_TIME = threading.Lock()
"""plotext draws on one figure per process: renders from different threads (the app
draws ahead on a worker thread) take turns."""


def _render(chart: Chart, width: int, height: int, ink: Ink) -> str:
    if isinstance(chart, TimeChart):
        text = _render_time(chart, width, height, ink)
    elif isinstance(chart, NameBars):
        text = _render_names(chart, width, height, ink)
    elif isinstance(chart, CalendarChart):
        text = _render_calendar(chart, width, ink)
    elif isinstance(chart, ExperimentsChart):
        text = _render_experiments(chart, width, height, ink)
    else:  # pragma: no cover - a programming error
        raise TypeError(f"not a chart: {chart!r}")
    return text


def _date_label(day: dt.date, span_days: int, years: bool = False) -> str:
    """An x label: "Sat 28" for a week, "3 Nov" up to about a year, "Nov 2026" beyond.

    ``years``: the range spans two calendar years, so short labels carry the year.
    """
    if span_days <= 400:
        if years:
            return f"{day.day} {day:%b %Y}"
        return f"{day:%a} {day.day}" if span_days <= 14 else f"{day.day} {day:%b}"
    return f"{day:%b %Y}"


def _segments(xs: Sequence[int], ys: Sequence[float | None]) -> list[tuple[list[int], list[float]]]:
    """Runs of consecutive values that are not ``None``."""
    out: list[tuple[list[int], list[float]]] = []
    cur_x: list[int] = []
    cur_y: list[float] = []
    for x, y in zip(xs, ys):
        if y is None:
            if cur_x:
                out.append((cur_x, cur_y))
                cur_x, cur_y = [], []
            continue
        cur_x.append(x)
        cur_y.append(y)
    if cur_x:
        out.append((cur_x, cur_y))
    return out


def days_per_column_words(bounds: Sequence[tuple[int, int]]) -> str:
    """What one column of points stands for: "daily mean", "mean of 2 days", "mean of 1-2 days"."""
    sizes = [stop - start for start, stop in bounds]
    least, most = min(sizes, default=1), max(sizes, default=1)
    if most <= 1:
        return "daily mean"
    if least == most:
        return f"mean of {most} days"
    return f"mean of {least}-{most} days"


def _legend(chart: TimeChart, bounds: Sequence[tuple[int, int]], color: bool | Ink) -> list[str]:
    """Legend items, only for what the chart shows, each mark in the colour it is
    drawn in."""
    items = []
    grouped = any(stop - start > 1 for start, stop in bounds)
    for line in chart.lines:
        mark = {"points": POINT, "line": "⠤⠤", "dotted": DOTTED * 2, "marks": line.marker}[
            line.kind
        ]
        label = line.label
        if line.kind == "points":
            label = days_per_column_words(bounds)
        items.append(_paint(mark, line.colour, color) + " " + label)
        if line.kind == "points" and grouped:
            items.append(_paint(RANGE_MARK * 2, "dim", color) + " lowest and highest day")
    if chart.ruptures:
        items.append(_paint(MARK_RUPTURE, palette.RUPTURE.name, color) + " rupture")
    if chart.repairs:
        items.append(_paint(MARK_REPAIR, palette.REPAIR.name, color) + " repaired")
    return items


def _join_fitting(items: list[str], width: int, sep: str = "   ") -> list[str]:
    """Join legend items on as few lines as fit ``width`` (measured without colour)."""
    lines: list[str] = []
    current = ""
    for item in items:
        candidate = item if not current else current + sep + item
        if len(strip_ansi(candidate)) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = item
    if current:
        lines.append(current)
    return lines


def plot_columns(chart: TimeChart, width: int) -> int:
    """Character columns inside the plot frame (the chart is downsampled to this)."""
    return max(width - len(str(chart.high)) - 2, 10)


def _column_extremes(
    values: Sequence[float | None], bounds: Sequence[tuple[int, int]]
) -> tuple[list[int], list[float]]:
    """(column, value) pairs for the lowest and highest day of each column that holds
    more than one day with a value, where they differ from the column's mean."""
    xs: list[int] = []
    ys: list[float] = []
    for x, (start, stop) in enumerate(bounds):
        present = [v for v in values[start:stop] if v is not None]
        if len(present) < 2:
            continue
        low, high = min(present), max(present)
        if low != high:
            xs += [x, x]
            ys += [low, high]
    return xs, ys


def _column_marks(
    values: Sequence[float | None], bounds: Sequence[tuple[int, int]]
) -> tuple[list[int], list[float]]:
    """(column, value) for each column holding a day with a mark: the highest value."""
    xs: list[int] = []
    ys: list[float] = []
    for x, (start, stop) in enumerate(bounds):
        present = [v for v in values[start:stop] if v is not None]
        if present:
            xs.append(x)
            ys.append(max(present))
    return xs, ys


def _render_time(chart: TimeChart, width: int, height: int, color: bool | Ink) -> str:
    n = chart.days
    if not chart.has_data:
        return chart.empty_note or "Nothing to show in this range yet."
    inner_width = plot_columns(chart, width)
    bounds = analytics.bucket_bounds(n, inner_width)
    columns = len(bounds)
    items = _legend(chart, bounds, color)
    if chart.scale_note and height >= 10:
        items.append(f"({chart.scale_note})")
    legend_lines = _join_fitting(items, width)
    # Rows inside the frame: a whole number per scale step, plus one row of marks for
    # ruptures (x) and one under it for repairs (+), so a rupture repaired the same
    # day shows both, and a blank row under the marks when there is room.
    mark_rows = int(bool(chart.ruptures)) + int(bool(chart.repairs))
    span = chart.high - chart.low
    available = height - len(legend_lines) - 3
    extra = mark_rows + 1 if mark_rows and available >= span + 2 + mark_rows else mark_rows
    available = max(available, span + 1 + extra)
    per_step = max(1, (available - 1 - extra) // span)
    rows = per_step * span + 1 + extra
    top = chart.high + extra / per_step

    import plotext as plt

    plt.clf()
    plt.limit_size(False, False)  # --width wins, even when stdout is not a terminal
    plt.plotsize(width, rows + 3)
    plt.theme("clear")
    xs = list(range(columns))
    # Lines first, points on top, so a day's own value is never hidden by the mean;
    # marks (days acted on) last of all.
    for line in sorted(chart.lines, key=lambda item: {"points": 1, "marks": 2}.get(item.kind, 0)):
        colour = plot_colour(line.colour, color)
        if line.kind == "marks":
            mx, my = _column_marks(line.values, bounds)
            if mx:
                plt.scatter(mx, my, marker=line.marker, color=colour)
            continue
        ys = analytics.downsample(line.values, inner_width)
        if line.kind == "points":
            if columns < n:
                # Several days a column: the lowest and the highest day stay visible.
                ex, ey = _column_extremes(line.values, bounds)
                if ex:
                    plt.scatter(
                        ex, ey, marker=RANGE_MARK, color=colour, style="dim" if color else None
                    )
            px = [x for x, y in zip(xs, ys) if y is not None]
            py = [y for y in ys if y is not None]
            if px:
                plt.scatter(px, py, marker=POINT, color=colour)
        else:
            marker = "braille" if line.kind == "line" else DOTTED
            for seg_x, seg_y in _segments(xs, ys):
                if len(seg_x) == 1:
                    plt.scatter(seg_x, seg_y, marker=marker, color=colour)
                else:
                    plt.plot(seg_x, seg_y, marker=marker, color=colour)
    column_of = _column_finder(bounds)
    row = top
    for offsets, marker, shade in (
        (chart.ruptures, MARK_RUPTURE, palette.RUPTURE),
        (chart.repairs, MARK_REPAIR, palette.REPAIR),
    ):
        if offsets:
            cols = sorted({column_of(d) for d in offsets})
            plt.scatter(
                cols,
                [row] * len(cols),
                marker=marker,
                color=plot_colour(shade.name, color),
                style="bold" if color and shade.bold else None,
            )
            row -= 1 / per_step
    plt.ylim(chart.low, top)
    plt.yticks(list(range(chart.low, chart.high + 1)))
    plt.xlim(-0.5, columns - 0.5)
    ticks, labels = _x_ticks(chart.start, bounds, n, inner_width)
    plt.xticks(ticks, labels)
    text = plt.build()
    return "\n".join(_plot_rows(text) + legend_lines)


def _column_finder(bounds: list[tuple[int, int]]):
    import bisect

    starts = [b[0] for b in bounds]

    def column(offset: int) -> int:
        return max(0, bisect.bisect_right(starts, offset) - 1)

    return column


def _x_ticks(
    start: dt.date, bounds: list[tuple[int, int]], n: int, inner_width: int
) -> tuple[list[int], list[str]]:
    """Date labels at bucket starts, spaced so they never run into each other."""
    columns = len(bounds)
    years = start.year != (start + dt.timedelta(days=max(n - 1, 0))).year
    if columns <= 1:
        return [0], [_date_label(start, n, years)]
    chars_per_unit = inner_width / columns
    label_len = max(len(_date_label(start + dt.timedelta(days=b[0]), n, years)) for b in bounds)
    gap = label_len + 3  # labels are centred on their ticks
    step = max(1, math.ceil(gap / chars_per_unit))

    # Labels are centred on their ticks; the row of labels starts two characters
    # left of the plot (under the y labels) and ends one past it. Keep every label
    # whole: the first and last ticks sit far enough in.
    def room_left(p: int) -> float:
        return (p + 0.5) * chars_per_unit + 2

    def room_right(p: int) -> float:
        return inner_width - (p + 0.5) * chars_per_unit + 1

    first = 0
    while room_left(first) < label_len / 2 and first < columns - 1:
        first += 1
    last = columns - 1
    positions = list(range(first, columns, step))
    if (last - positions[-1]) * chars_per_unit >= gap and room_right(last) >= label_len / 2:
        positions.append(last)
    while len(positions) > 1 and room_right(positions[-1]) < label_len / 2:
        positions.pop()
    labels = [_date_label(start + dt.timedelta(days=bounds[p][0]), n, years) for p in positions]
    return positions, labels


# --- names -------------------------------------------------------------------------------


def _bar(count: int, most: int, room: int) -> str:
    if most <= 0 or room <= 0:
        return ""
    cells = count * room / most
    full = int(cells)
    bar = "█" * full
    if cells - full >= 0.5 or (count and not bar):
        bar += "▌"
    return bar


def _render_names(chart: NameBars, width: int, height: int, color: bool | Ink) -> str:
    groups = [(title, items) for title, items in chart.groups]
    if not any(items for _, items in groups):
        return "No emotions, people or tags named in this range yet."
    columns = len(groups) if width >= 24 * len(groups) + 2 * (len(groups) - 1) else 1
    if columns > 1:
        rows_per_group = max(height - 1, 3)
    else:
        rows_per_group = max((height - 2 * len(groups)) // len(groups), 2)
    col_width = (width - 2 * (columns - 1)) // columns
    blocks: list[list[str]] = []
    for title, items in groups:
        block = [_paint(title, "bold", color)]
        shown = list(items)[:rows_per_group]
        if not shown:
            block.append("none named")
        most = max((c for _, c in shown), default=0)
        count_width = len(str(most))
        name_width = min(
            max((len(one_line(n)) for n, _ in shown), default=4),
            max(col_width - count_width - 8, 6),
        )
        room = col_width - name_width - count_width - 2
        for name, count in shown:
            name = one_line(name)
            label = name if len(name) <= name_width else name[: name_width - 1] + "…"
            bar = _bar(count, most, room)
            line = f"{label.ljust(name_width)} {str(count).rjust(count_width)} "
            block.append(line + _paint(bar, "cyan", color))
        blocks.append(block)
    if columns == 1:
        out: list[str] = []
        for block in blocks:
            if out:
                out.append("")
            out.extend(block)
        return "\n".join(out)
    depth = max(len(b) for b in blocks)
    lines = []
    for i in range(depth):
        cells = []
        for block in blocks:
            cell = block[i] if i < len(block) else ""
            visible = len(strip_ansi(cell))
            cells.append(cell + " " * max(col_width - visible, 0))
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


# --- calendar -------------------------------------------------------------------------------


def level_style(value: int, low: int, high: int) -> str:
    """The calendar's style for a whole rating: its palette shade, and for the lowest
    step of the scale (regulation 0, mood 1) a filled (reversed) cell too, so it
    stands apart from the next step at a glance, with or without colour."""
    name = palette.shade(value, low, high).name
    return f"{name} reverse" if value <= low else name


def _render_calendar(chart: CalendarChart, width: int, color: bool | Ink) -> str:
    first = _calendar_start(chart.end)
    label_width = 9  # "Nov 2026 "
    cell = 2 if width >= label_width + 31 * 2 else 1
    header = " " * label_width
    for day in range(1, 32):
        mark = str(day) if day == 1 or day % 5 == 0 else ""
        header += mark.ljust(cell) if cell == 2 else (mark[-1:] if mark else " ")
    lines = [_paint(header.rstrip(), "dim", color)]
    year, month = first.year, first.month
    for _ in range(12):
        start = dt.date(year, month, 1)
        row = f"{start:%b %Y}".ljust(label_width)
        for day in range(1, 32):
            try:
                date = dt.date(year, month, day)
            except ValueError:
                break
            iso = date.isoformat()
            value = chart.values.get(iso) if date <= chart.end else None
            if value is not None:
                level = int(analytics.round_half_up(value))
                row += _paint(str(level), level_style(level, chart.low, chart.high), color)
                row += " " * (cell - 1)
            elif iso in chart.unrated and date <= chart.end:
                row += _paint(UNRATED, "dim", color) + " " * (cell - 1)
            else:
                row += " " * cell
        lines.append(row.rstrip())
        month += 1
        if month == 13:
            month, year = 1, year + 1
    scale = SCALE_OF.get(chart.metric)
    unrated = any(d <= chart.end.isoformat() for d in chart.unrated)
    lines.append(
        f"Each digit is that day's mean {chart.metric}, rounded"
        + (f" ({_scale_note(scale)})" if scale else "")
        + (f"; {UNRATED} = checked in, {chart.metric} not rated" if unrated else "")
        + "; blank = no check-in."
    )
    lines.append(
        f"You checked in on {chart.checked:,} of these {analytics.plural(chart.total, 'day')}."
    )
    return "\n".join(_wrap_plain(line, width) for line in lines)


def _wrap_plain(line: str, width: int) -> str:
    if len(strip_ansi(line)) <= width or "\x1b" in line:
        return line
    import textwrap

    return "\n".join(textwrap.wrap(line, width))


# --- experiments ------------------------------------------------------------------------------


def _progress_bar(done: int, target: int, room: int) -> str:
    room = max(room, 5)
    filled = (
        min(room, int(analytics.round_half_up(room * min(done, target) / target))) if target else 0
    )
    return "█" * filled + "░" * (room - filled)


def _short_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%b %Y}"


def experiment_lines(
    p: analytics.ExperimentProgress, width: int, color: bool | Ink = False
) -> list[str]:
    """Two or three lines on one experiment: period, practice bar, belief and distress."""
    end = p.ended_on or p.ends_on
    head = (
        f"{one_line(p.title)} · {analytics.status_words(p.status)} · {_short_date(p.started_on)} "
        f"to {_short_date(end)}"
    )
    if len(head) > width:
        head = head[: width - 1] + "…"
    count = (
        f" {p.done} of {p.target} planned"
        if p.done <= p.target
        else f" {p.done} times (aim: {p.target})"
    )
    bar = _progress_bar(p.done, p.target, min(30, width - len(count) - 14))
    lines = [_paint(head, "bold", color), f"  practised  {_paint(bar, 'cyan', color)}{count}"]
    belief = "belief "
    belief += f"{p.belief_before}%" if p.belief_before is not None else "not rated"
    belief += " → " + (f"{p.belief_after}%" if p.belief_after is not None else "not yet rated")
    detail = f"  {belief}"
    if p.distress_logs:
        distress = (
            f"distress {analytics.fmt(p.distress_before)} → "
            f"{analytics.fmt(p.distress_after)} (mean of "
            f"{analytics.plural(p.distress_logs, 'log')})"
        )
        if len(detail) + 3 + len(distress) <= width:
            detail += " · " + distress
        else:
            lines.append(detail)
            detail = "  " + distress
    lines.append(detail)
    return lines


def _render_experiments(chart: ExperimentsChart, width: int, height: int, color: bool | Ink) -> str:
    """The selected experiment (its progress, then trial by trial), then the others in
    the range: the chart stays near the top, whatever the number of experiments."""
    if not chart.progress:
        return "No experiments in this range. Press e to choose a small experiment to try."
    chosen = min(chart.selected, len(chart.progress) - 1)
    selected = chart.progress[chosen]
    many = len(chart.progress) > 1
    block = experiment_lines(selected, width - 2, color)
    lines = [f"{'>' if many else ' '} {block[0]}", *(f"  {line}" for line in block[1:]), ""]
    lines.extend(trial_lines(selected, chart.logs, width, color))
    if many:
        lines += ["", _paint("Also in this range", "bold", color)]
        for i, p in enumerate(chart.progress):
            if i == chosen:
                continue
            block = experiment_lines(p, width - 2, color)
            lines.append(f"  {block[0]}")
            lines.extend(f"  {line}" for line in block[1:])
    return "\n".join(lines)


# --- an experiment, trial by trial ---------------------------------------------------------

MARK_BEFORE = "o"
MARK_AFTER = POINT
MARK_SAME = "⊙"
"""Distress before and after on the same row of the same day."""
MARK_HAPPENED = "◆"
MARK_BELIEF = "■"
MARK_ALTERNATIVE = "□"
BELIEF_COLOUR = "deep-orange"
ALTERNATIVE_COLOUR = "repair"
HAPPENED_COLOUR = "steel"
TRIAL_MARGIN = 4
"""Characters left of the plot: the y labels ("100") and the axis."""


def trial_span(p: analytics.ExperimentProgress, logs: Sequence[DistressLog] = ()) -> int:
    """Days from an experiment's start to the last day of its axis: the day it ended
    (completed or set aside), else its planned end, and never before its last log."""
    start = dt.date.fromisoformat(p.started_on)
    last = dt.date.fromisoformat(p.ended_on or p.ends_on)
    for log in logs:
        last = max(last, dt.date.fromisoformat(log.day))
    return max((last - start).days, 0)


def trial_column(offset: int, span: int, columns: int) -> int:
    """The plot column of day ``offset`` (days since the start) on an axis of
    ``columns`` columns that runs from day 0 to day ``span``: proportional to time,
    so a 5-day gap is five times as wide as a 1-day gap."""
    if span <= 0 or columns <= 1:
        return 0
    return int(analytics.round_half_up(offset * (columns - 1) / span))


def trial_lines(
    p: analytics.ExperimentProgress,
    logs: Sequence[DistressLog],
    width: int,
    color: bool | Ink = False,
) -> list[str]:
    """One experiment trial by trial, on an axis of days since its start, to scale.

    Above: how strongly the prediction (``■``) and the alternative belief (``□``) were
    held at the start and at the end, and how far what was predicted happened at each
    practice (``◆``), 0-100 %. Below: distress before (``o``) and after (``•``) each
    practice, 0-5. Under the axis, a few real dates and their day numbers; then n.
    Panels with nothing to draw are left out (the beliefs at the start alone are said
    in words, not drawn as a panel of their own). A text chart: as tall as it needs
    (about 30 lines), whatever the height.
    """
    title = one_line(p.title)
    span = trial_span(p, logs)
    columns = max(width - TRIAL_MARGIN - 1, 10)
    start = dt.date.fromisoformat(p.started_on)
    end = start + dt.timedelta(days=span)

    def column(day: str | dt.date) -> int:
        when = dt.date.fromisoformat(day) if isinstance(day, str) else day
        return trial_column((when - start).days, span, columns)

    head = [
        _paint(f"Trial by trial: {title}"[:width], "bold", color),
        "days since the start, to scale"[:width],
    ]
    percent: list[tuple[int, float, str, str]] = []  # (column, value, mark, colour)
    for log in logs:
        if log.happened is not None:
            percent.append((column(log.day), log.happened, MARK_HAPPENED, HAPPENED_COLOUR))
    end_column = column(end)
    for value, at, mark, colour in (
        (p.belief_before, 0, MARK_BELIEF, BELIEF_COLOUR),
        (p.alternative_before, 0, MARK_ALTERNATIVE, ALTERNATIVE_COLOUR),
        (p.belief_after, end_column, MARK_BELIEF, BELIEF_COLOUR),
        (p.alternative_after, end_column, MARK_ALTERNATIVE, ALTERNATIVE_COLOUR),
    ):
        if value is not None:
            percent.append((at, value, mark, colour))
    if not any(log.happened is not None for log in logs) and (
        p.belief_after is None and p.alternative_after is None
    ):
        percent = []  # the start alone is no series: its figures are said under the chart
    distress = [log for log in logs if log.before is not None or log.after is not None]
    if not percent and not distress:
        return [f'No practice rated yet for "{title}", so nothing to draw trial by trial.']
    body: list[str] = []
    if percent:
        legend = [
            _paint(MARK_BELIEF, BELIEF_COLOUR, color) + " belief in the prediction",
            _paint(MARK_ALTERNATIVE, ALTERNATIVE_COLOUR, color) + " belief in the other way",
            _paint(MARK_HAPPENED, HAPPENED_COLOUR, color) + " how far it happened",
        ]
        body += _join_fitting(["0-100 %:", *legend], width, "  ")
        body += _trial_grid(percent, columns, 100, 10, color)
    if distress:
        cells: list[tuple[int, float, str, str]] = []
        for log in distress:
            x = column(log.day)
            if log.before is not None and log.before == log.after:
                cells.append((x, log.before, MARK_SAME, DISTRESS_AFTER))
                continue
            if log.before is not None:
                cells.append((x, log.before, MARK_BEFORE, DISTRESS_BEFORE))
            if log.after is not None:
                cells.append((x, log.after, MARK_AFTER, DISTRESS_AFTER))
        legend = [
            _paint(MARK_BEFORE, DISTRESS_BEFORE, color) + " distress before",
            _paint(MARK_AFTER, DISTRESS_AFTER, color) + " after",
        ]
        if any(mark == MARK_SAME for _, _, mark, _ in cells):
            legend.append(_paint(MARK_SAME, DISTRESS_AFTER, color) + " the same")
        legend.append("(0 = none, 5 = extreme)")
        if percent:
            body.append("")
        body += _join_fitting(legend, width, "  ")
        body += _trial_grid(cells, columns, 5, 1, color)
    return head + body + _trial_axis(start, span, columns) + _trial_counts(p, logs, width)


def _trial_grid(
    cells: Sequence[tuple[int, float, str, str]],
    columns: int,
    high: int,
    step: int,
    color: bool | Ink,
) -> list[str]:
    """Rows from ``high`` down to 0 in ``step``s, each value on its nearest row;
    what is drawn later wins a shared cell."""
    rows = high // step + 1
    grid: list[list[tuple[str, str] | None]] = [[None] * columns for _ in range(rows)]
    for x, value, mark, colour in cells:
        row = int(analytics.round_half_up(value / step))
        grid[rows - 1 - row][min(max(x, 0), columns - 1)] = (mark, colour)
    out = []
    for i, cells_row in enumerate(grid):
        value = high - i * step
        # Without colour, blank cells as spaces; marks painted one by one.
        line = "".join(" " if c is None else _paint(c[0], c[1], color) for c in cells_row)
        label = f"{value:>3}" if value % (2 * step if rows > 6 else step) == 0 else "   "
        out.append((label + "┤" + line).rstrip() if not color else label + "┤" + line.rstrip())
    return out


def _trial_axis(start: dt.date, span: int, columns: int) -> list[str]:
    """The x axis: ticks with a few real dates, and the day number under each.

    Labels start at their tick (the last one ends at it); the first and the last day
    always have one, and the others only where they fit.
    """
    years = start.year != (start + dt.timedelta(days=span)).year
    step = 1
    for step in (1, 2, 7, 14, 28, 56, 91, 182, 364, 728):
        if span // step + 1 <= max(2, columns // 12):
            break
    offsets = list(range(0, span + 1, step))
    if span not in offsets:
        offsets.append(span)
    placed: list[tuple[int, int, str, str]] = []  # (tick column, where it starts, date, number)
    for offset in offsets:
        x = trial_column(offset, span, columns)
        day = start + dt.timedelta(days=offset)
        label = f"{day.day} {day:%b}" + (f" {day:%Y}" if years else "")
        number = f"day {offset}"
        room = max(len(label), len(number))
        at = x
        if offset == span and offset != 0:
            at = max(x - room + 1, 0)
            while placed and placed[-1][1] + max(map(len, placed[-1][2:])) + 1 > at:
                placed.pop()  # the last day's label wins over the one before it
        elif placed and placed[-1][1] + max(map(len, placed[-1][2:])) + 1 > at:
            continue
        placed.append((x, at, label, number))
    axis = ["─"] * columns
    dates = [" "] * (columns + 12)
    numbers = [" "] * (columns + 12)
    for x, at, label, number in placed:
        axis[x] = "┬"
        dates[at : at + len(label)] = label
        numbers[at : at + len(number)] = number
    pad = " " * TRIAL_MARGIN
    return [
        "   └" + "".join(axis),
        (pad + "".join(dates)).rstrip(),
        (pad + "".join(numbers)).rstrip(),
    ]


def _trial_counts(
    p: analytics.ExperimentProgress, logs: Sequence[DistressLog], width: int
) -> list[str]:
    """n, and the beliefs in words (the marks' exact values)."""
    import textwrap

    rated = sum(1 for log in logs if log.before is not None or log.after is not None)
    happened = sum(1 for log in logs if log.happened is not None)
    words = (
        f"n = {analytics.plural(len(logs), 'practice')} with ratings: distress on "
        f"{rated}, how far the prediction happened on {happened}."
        if logs
        else "n = 0: no practice rated yet."
    )
    beliefs = []
    for name, before, after in (
        ("the prediction", p.belief_before, p.belief_after),
        ("the other way", p.alternative_before, p.alternative_after),
    ):
        if before is None and after is None:
            continue
        b = f"{before}%" if before is not None else "not rated"
        a = f"{after}%" if after is not None else "not yet rated"
        beliefs.append(f"{name} {b} at the start, {a} at the end")
    lines = textwrap.wrap(words, width)
    if beliefs:
        lines += textwrap.wrap("Belief in " + "; in ".join(beliefs) + ".", width)
    return lines
