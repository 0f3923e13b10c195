"""Time charts as SVG, for the printable HTML report: real vector charts that read
in black and white.

Takes the same chart descriptions as the text charts (:class:`tracker.charts.TimeChart`),
so a chart says the same on paper as in the terminal. Every series has its own shape
and stroke (filled dots for daily means, a solid line for the 7-day mean, a dashed
line for a second series, triangles for any other marks), named in a legend drawn
with the same shapes; colour only helps. Days without a check-in are gaps. Rupture
and repair marks sit above the plot as ``×`` and ``+`` with a thin line down.

Pure: a description in, SVG text out; no ids (several charts share one page), no
script, no external reference. Our own code rather than a charting library: pygal
(checked) draws only round dots, gives each chart a random id and has no way to
place rupture marks; the whole of what the report needs is this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from tracker import analytics
from tracker.charts import Line, TimeChart

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 58, 34
MAX_POINTS = 400
"""More days than this are drawn as (nearly) equal buckets, each the mean of its days."""

INK = "#1a1a1a"
GRID = "#c8c8c8"
SERIES_INK = ("#1f4e8c", "#8c3b1f", "#3d6b2e", "#6b2e6b")
"""Dark enough to print as distinct greys; the shapes tell series apart without them."""
DASHES = {"line": "", "dotted": "7 4"}


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def render_time_chart(chart: TimeChart, *, label: str = "") -> str:
    """``chart`` as one ``<svg>`` element (scales to the width of its container)."""
    title = label or chart.title
    days = chart.days
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" class="chart" '
        'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    low, high = chart.low, chart.high
    buckets = analytics.bucket_bounds(days, min(days, MAX_POINTS)) if days else []
    step = plot_w / max(len(buckets), 1)

    def x_at(index: int) -> float:
        return LEFT + (index + 0.5) * step

    def y_at(value: float) -> float:
        return TOP + plot_h - (value - low) / max(high - low, 1) * plot_h

    def column_of(day_offset: int) -> int:
        for column, (start, stop) in enumerate(buckets):
            if start <= day_offset < stop:
                return column
        return len(buckets) - 1

    parts += _grid(low, high, y_at)
    parts += _x_ticks(chart.start, buckets, x_at)
    parts.append(
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" '
        f'fill="none" stroke="{INK}" stroke-width="1"/>'
    )
    parts += _marks(chart, column_of, x_at)
    if not chart.has_data:
        parts.append(
            f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h / 2:.1f}" '
            f'text-anchor="middle" fill="{INK}">{escape(chart.empty_note)}</text>'
        )
    for n, line in enumerate(chart.lines):
        values = analytics.downsample(line.values, MAX_POINTS)
        parts += _series(line, _ink_index(chart, n), values, x_at, y_at, small=len(values) > 120)
    parts += _legend(chart)
    parts.append("</svg>")
    return "".join(parts)


def _ink_index(chart: TimeChart, n: int) -> int:
    """Series are inked in turn, daily points (always black) not counted."""
    return sum(1 for line in chart.lines[:n] if line.kind != "points")


def _grid(low: int, high: int, y_at) -> list[str]:
    out = []
    for value in range(low, high + 1):
        y = y_at(value)
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="0.8"/>'
        )
        out.append(
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">{value}</text>'
        )
    return out


def _tick_label(day: dt.date, span: int) -> str:
    if span > 400:
        return f"{day:%b %Y}"
    return f"{day.day} {day:%b}"


def _x_ticks(start: dt.date, buckets: Sequence[tuple[int, int]], x_at) -> list[str]:
    """About six dated ticks under the plot, the first and the last day included."""
    if not buckets:
        return []
    span = buckets[-1][1]
    count = min(len(buckets), 6)
    columns = sorted({round(i * (len(buckets) - 1) / max(count - 1, 1)) for i in range(count)})
    out = []
    base = HEIGHT - BOTTOM
    for column in columns:
        x = x_at(column)
        day = start + dt.timedelta(days=buckets[column][0])
        anchor = (
            "start"
            if column == 0 and len(columns) > 1
            else ("end" if column == columns[-1] and len(columns) > 1 else "middle")
        )
        out.append(
            f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 5}" '
            f'stroke="{INK}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{base + 18}" text-anchor="{anchor}" '
            f'fill="{INK}">{escape(_tick_label(day, span))}</text>'
        )
    return out


def _marks(chart: TimeChart, column_of, x_at) -> list[str]:
    """Ruptures (×) and repairs (+) in a band above the plot, each with a thin line."""
    out = []
    for offsets, glyph, y in ((chart.ruptures, "×", TOP - 16), (chart.repairs, "+", TOP - 4)):
        for offset in offsets:
            x = x_at(column_of(offset))
            out.append(
                f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" '
                f'y2="{HEIGHT - BOTTOM}" stroke="{INK}" stroke-width="0.6" '
                'stroke-dasharray="2 3"/>'
            )
            out.append(
                f'<text x="{x:.1f}" y="{y}" text-anchor="middle" font-size="14" '
                f'font-weight="bold" fill="{INK}">{glyph}</text>'
            )
    return out


def _segments(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for i, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((i, value))
    if current:
        runs.append(current)
    return runs


def _series(
    line: Line, n: int, values: Sequence[float | None], x_at, y_at, *, small: bool
) -> list[str]:
    out = []
    colour = SERIES_INK[n % len(SERIES_INK)]
    if line.kind in DASHES:
        dash = DASHES[line.kind]
        for run in _segments(values):
            if len(run) == 1:  # a lone value: a short tick, so it still shows
                i, v = run[0]
                out.append(
                    f'<line x1="{x_at(i) - 3:.1f}" y1="{y_at(v):.1f}" '
                    f'x2="{x_at(i) + 3:.1f}" y2="{y_at(v):.1f}" stroke="{colour}" '
                    'stroke-width="2.4"/>'
                )
                continue
            points = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in run)
            out.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" '
                f'stroke-width="2.4" stroke-linejoin="round"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + "/>"
            )
        return out
    radius = 1.7 if small else 3.0
    for i, value in enumerate(values):
        if value is None:
            continue
        if line.kind == "points":
            out.append(
                f'<circle cx="{x_at(i):.1f}" cy="{y_at(value):.1f}" r="{radius}" fill="{INK}"/>'
            )
        else:
            out.append(_triangle(x_at(i), y_at(value), radius + 1.2, colour))
    return out


def _triangle(x: float, y: float, size: float, colour: str) -> str:
    return (
        f'<path d="M{x:.1f},{y - size:.1f} L{x + size:.1f},{y + size:.1f} '
        f'L{x - size:.1f},{y + size:.1f} Z" fill="none" stroke="{colour}" '
        'stroke-width="1.4"/>'
    )


def _legend(chart: TimeChart) -> list[str]:
    """Each series with its own shape, then the marks, on one line at the top."""
    out = []
    x = LEFT
    y = 16
    for n, line in enumerate(chart.lines):
        colour = SERIES_INK[_ink_index(chart, n) % len(SERIES_INK)]
        if line.kind in DASHES:
            dash = DASHES[line.kind]
            out.append(
                f'<line x1="{x}" y1="{y - 4}" x2="{x + 26}" y2="{y - 4}" '
                f'stroke="{colour}" stroke-width="2.4"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + "/>"
            )
        elif line.kind == "points":
            out.append(f'<circle cx="{x + 13}" cy="{y - 4}" r="3" fill="{INK}"/>')
        else:
            out.append(_triangle(x + 13, y - 4, 4.2, colour))
        out.append(f'<text x="{x + 32}" y="{y}" fill="{INK}">{escape(line.label)}</text>')
        x += 32 + 7 * len(line.label) + 18
    if chart.ruptures or chart.repairs:
        out.append(
            f'<text x="{x}" y="{y}" fill="{INK}"><tspan font-weight="bold">×</tspan> '
            f'rupture  <tspan font-weight="bold">+</tspan> repair</text>'
        )
    if chart.scale_note:
        out.append(
            f'<text x="{WIDTH - RIGHT}" y="{y + 18}" text-anchor="end" '
            f'fill="{INK}" font-size="11">{escape(chart.scale_note)}</text>'
        )
    return out
