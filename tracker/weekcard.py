"""The week grid as text: lines of styled pieces, for the terminal, the app and the report;
and the reading of what it shows from a store (:func:`load_weeks`, :func:`load_hard_moments`).

Pure (no I/O, no Textual): :func:`grid_lines` lays out one :class:`~tracker.week.WeekGrid`
as lines of ``(text, style)`` pieces. Styles are the names of :mod:`tracker.charts`
(``bold``, ``dim``, palette shade names); ``tracker week`` paints them as ANSI codes
(:func:`ansi`), the app turns them into Rich styles, and the report takes the plain
text (:func:`plain`). Every meaning is in the characters: digits for ratings, ``*``
for an urge acted on, ``x`` and ``+`` for ruptures and repairs, ``✓`` for practice,
a blank row saying "no check-in" for a gap.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tracker import palette
from tracker.charts import Ink, paint
from tracker.days import round_half_up
from tracker.models import MOOD, REGULATION
from tracker.text import one_line
from tracker.week import (
    PAUSED_NONE,
    DayRow,
    HardMoments,
    WeekGrid,
    hard_moments,
    hard_moments_words,
    week_grids,
)

if TYPE_CHECKING:
    from tracker.store import Store

Piece = tuple[str, str]
"""Some text and its style ("" for none)."""
CardLine = tuple[Piece, ...]

DAY_WIDTH = 6
EMOTION_WIDTH = 11
"""The emotion column in the app, where weeks stand side by side."""
WIDE_EMOTION_WIDTH = 20
"""The emotion column of ``tracker week``."""
ACTED = "*"
RUPTURE = "x"
REPAIR = "+"
PRACTISED = "✓"
LOGGED_NOT_DONE = "-"
NO_HARD_MOMENT = "–"

# (header, width, align) of the columns after the day; the emotion column comes last.
COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("Mood", 4, ">"),
    ("Int", 3, ">"),
    ("Reg", 3, ">"),
    ("Pur", 3, ">"),
    ("Wdr", 3, ">"),
    ("Paused", 6, "<"),
    ("Rupt", 4, "<"),
    ("Prac", 4, "<"),
)


def grid_width(emotion_width: int = EMOTION_WIDTH) -> int:
    """Characters one grid takes, every line padded to it."""
    return DAY_WIDTH + sum(width + 1 for _, width, _ in COLUMNS) + 1 + emotion_width


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _padded(text: str, width: int, style: str) -> list[Piece]:
    """``text`` cut to ``width`` in ``style``, then unstyled spaces up to ``width``."""
    text = _cut(text, width)
    return [(text, style), (" " * (width - len(text)), "")]


def _figure(value: float) -> str:
    """A mean as shown: a whole number as it is, else one decimal (halves up)."""
    shown = round_half_up(value, 1)
    return f"{shown:.0f}" if float(shown).is_integer() else f"{shown:.1f}"


def _rating(
    value: float | None, width: int, scale_low: int | None = None, scale_high: int | None = None
) -> list[Piece]:
    """A rating right-aligned in ``width``; mood and regulation (given their scale) in
    the palette's shade of the figure shown."""
    if value is None:
        return [(" " * (width - 1), ""), ("–", "dim")]
    text = _figure(value) if isinstance(value, float) else str(value)
    style = (
        ""
        if scale_low is None or scale_high is None
        else palette.shade(int(round_half_up(value)), scale_low, scale_high).name
    )
    return [(" " * (width - len(text)), ""), (text, style)]


def _urge(value: int | None, acted: bool | None) -> list[Piece]:
    if value is None:
        return [(" ", ""), ("–", "dim"), (" ", "")]
    return [(str(value).rjust(2), ""), (ACTED, palette.ACTED.name) if acted else (" ", "")]


def _paused(row: DayRow) -> list[Piece]:
    if row.paused == PAUSED_NONE:
        return _padded(NO_HARD_MOMENT, 6, "dim")
    return _padded(row.paused or "", 6, "bold" if row.paused == "yes" else "")


def _ruptures(row: DayRow) -> list[Piece]:
    pieces: list[Piece] = []
    if row.ruptures:
        pieces.append(
            ((str(row.ruptures) if row.ruptures > 1 else "") + RUPTURE, palette.RUPTURE.name)
        )
    if row.repairs:
        pieces.append(((str(row.repairs) if row.repairs > 1 else "") + REPAIR, palette.REPAIR.name))
    used = sum(len(text) for text, _ in pieces)
    return pieces + [(" " * max(4 - used, 0), "")]


def _practice(row: DayRow) -> Piece:
    if row.practice_done:
        return (
            (PRACTISED + (str(row.practice_done) if row.practice_done > 1 else "")).ljust(4),
            "",
        )
    if row.practice_logged:
        return (LOGGED_NOT_DONE.ljust(4), "dim")
    return ("    ", "")


def day_label(day: dt.date) -> str:
    return f"{day:%a} {day.day}".ljust(DAY_WIDTH)


def row_line(row: DayRow, today: dt.date | None, emotion_width: int) -> CardLine:
    """One day of the grid."""
    label_style = "bold" if row.day == today else ("dim" if row.future else "")
    pieces: list[Piece] = [(day_label(row.day), label_style), (" ", "")]
    if row.gap:
        blank = " " * (sum(width + 1 for _, width, _ in COLUMNS[:5]) + 7)
        pieces.append((blank, ""))
        pieces += [*_ruptures(row), (" ", ""), _practice(row), (" ", "")]
        words = "" if row.future else "not yet" if row.day == today else "no check-in"
        pieces += _padded(words, emotion_width, "dim")
        return tuple(pieces)
    pieces += [
        *_rating(row.mood, 4, MOOD.low, MOOD.high),
        (" ", ""),
        *_rating(row.intensity, 3),
        (" ", ""),
        *_rating(row.regulation, 3, REGULATION.low, REGULATION.high),
        (" ", ""),
        *_urge(row.pursue, row.pursue_acted),
        (" ", ""),
        *_urge(row.withdraw, row.withdraw_acted),
        (" ", ""),
        *_paused(row),
        (" ", ""),
        *_ruptures(row),
        (" ", ""),
        _practice(row),
        (" ", ""),
        *_padded(one_line(row.emotion or ""), emotion_width, ""),
    ]
    return tuple(pieces)


def title_words(grid: WeekGrid) -> str:
    """ "Mon 23 Nov to Sun 29 Nov 2026 · 5 of 7 days"."""
    start, end = grid.start, grid.end
    first = f"{start:%a} {start.day} {start:%b}" + (
        f" {start:%Y}" if start.year != end.year else ""
    )
    return f"{first} to {end:%a} {end.day} {end:%b %Y} · {grid.checked} of 7 days"


def header_line(emotion_width: int) -> CardLine:
    cells = ["Day".ljust(DAY_WIDTH)]
    cells += [f"{name:{align}{width}}" for name, width, align in COLUMNS]
    cells.append(_cut("Emotion", emotion_width).ljust(emotion_width))
    return tuple(_padded(" ".join(cells).rstrip(), grid_width(emotion_width), "bold"))


def grid_lines(
    grid: WeekGrid, today: dt.date | None = None, emotion_width: int = EMOTION_WIDTH
) -> list[CardLine]:
    """The title, the header and the seven days, each line :func:`grid_width` wide."""
    width = grid_width(emotion_width)
    lines: list[CardLine] = [
        tuple(_padded(title_words(grid), width, "bold")),
        header_line(emotion_width),
    ]
    lines += [row_line(row, today, emotion_width) for row in grid.days]
    return lines


def _md(text: str) -> str:
    """A cell's text for Markdown: one line, ``|`` and ``*`` escaped."""
    return one_line(text).replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*")


def markdown_table(grid: WeekGrid, today: dt.date | None = None) -> list[str]:
    """The grid as a Markdown table (for the report), with the same marks as the text."""
    out = [
        "| Day | Mood | Int | Reg | Pur | Wdr | Paused | Rupt | Prac | Emotion |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |",
    ]
    for row in grid.days:
        label = f"{row.day:%a} {row.day.day}"
        others = [plain((*_ruptures(row),)), plain((_practice(row),))]
        if row.gap:
            words = "" if row.future else "not yet" if row.day == today else "no check-in"
            cells = [label, "", "", "", "", "", "", *others, f"*{words}*" if words else ""]
        else:
            cells = [
                label,
                plain(tuple(_rating(row.mood, 1))),
                plain(tuple(_rating(row.intensity, 1))),
                plain(tuple(_rating(row.regulation, 1))),
                _md(plain(tuple(_urge(row.pursue, row.pursue_acted)))),
                _md(plain(tuple(_urge(row.withdraw, row.withdraw_acted)))),
                plain(tuple(_paused(row))),
                *others,
                _md(row.emotion or ""),
            ]
        out.append("| " + " | ".join(cell.strip() for cell in cells) + " |")
    return out


LEGEND: tuple[Piece, ...] = (
    ("Mood, Reg: the day's mean; Int, Pur (pursue), Wdr (withdraw): its highest; ", ""),
    (ACTED, palette.ACTED.name),
    (" acted on the urge. Paused: yes, no, ", ""),
    (NO_HARD_MOMENT, "dim"),
    (" no hard moment (or not answered). Rupt: ", ""),
    (RUPTURE, palette.RUPTURE.name),
    (" rupture, ", ""),
    (REPAIR, palette.REPAIR.name),
    (f" repair. Prac: {PRACTISED} done, {LOGGED_NOT_DONE} logged, not done.", ""),
)
"""What every mark means, said once under the grids."""
LEGEND_SHORT: tuple[Piece, ...] = (
    ("Mood, Reg: mean · Int, Pur, Wdr: highest · ", ""),
    (ACTED, palette.ACTED.name),
    (" acted on it · Paused: yes, no, ", ""),
    (NO_HARD_MOMENT, "dim"),
    (" no hard moment · ", ""),
    (RUPTURE, palette.RUPTURE.name),
    (" rupture, ", ""),
    (REPAIR, palette.REPAIR.name),
    (f" repair · Prac: {PRACTISED} done, {LOGGED_NOT_DONE} logged, not done", ""),
)
"""The same in two lines at 80 columns, for the app (its help says the rest)."""
LEGEND_RULES: tuple[Piece, ...] = (
    (" A day without a check-in is a gap (no ratings), never a zero. Weeks start on Monday.", ""),
)
"""The two rules the grid follows (the app's help and the README say them too)."""


def legend_lines(width: int, *, rules: bool = True, short: bool = False) -> list[CardLine]:
    """:data:`LEGEND` (:data:`LEGEND_SHORT` with ``short``; and with ``rules``
    :data:`LEGEND_RULES`) wrapped to ``width``, keeping each piece's style."""
    # Words, each a list of pieces; a mark (``*``, ``x``, ``✓``...) stays with the
    # word after it, so a line never ends on a mark cut from its meaning.
    pieces = (LEGEND_SHORT if short else LEGEND) + (LEGEND_RULES if rules else ())
    tokens = [(word, style) for text, style in pieces for word in text.split(" ") if word]
    words: list[list[Piece]] = []
    for word, style in tokens:
        if words and _is_mark(words[-1][-1][0]) and len(words[-1]) == 1:
            words[-1] += [(" ", ""), (word, style)]
        else:
            words.append([(word, style)])
    lines: list[CardLine] = []
    current: list[Piece] = []
    used = 0
    for group in words:
        size = sum(len(text) for text, _ in group)
        if current and used + 1 + size > width:
            lines.append(tuple(current))
            current, used = [], 0
        if current:
            current.append((" ", ""))
            used += 1
        current += group
        used += size
    if current:
        lines.append(tuple(current))
    return _merge(lines)


def _is_mark(word: str) -> bool:
    return len(word) == 1 and not word.isalnum()


def _merge(lines: list[CardLine]) -> list[CardLine]:
    """Neighbouring pieces of one style joined (fewer spans to draw)."""
    out = []
    for line in lines:
        merged: list[Piece] = []
        for text, style in line:
            if merged and merged[-1][1] == style:
                merged[-1] = (merged[-1][0] + text, style)
            else:
                merged.append((text, style))
        out.append(tuple(merged))
    return out


def plain(line: CardLine) -> str:
    """A line's text without styles (and without trailing spaces)."""
    return "".join(text for text, _ in line).rstrip()


def ansi(line: CardLine, ink: Ink | bool) -> str:
    """A line with ANSI colour codes (plain text when ``ink`` is off)."""
    if not ink:
        return plain(line)
    return "".join(paint(text, style, ink) for text, style in line).rstrip()


def side_by_side(blocks: Sequence[Sequence[CardLine]], gap: int = 3) -> list[CardLine]:
    """Blocks of equal-width lines joined left to right, ``gap`` spaces apart."""
    depth = max((len(b) for b in blocks), default=0)
    out = []
    for i in range(depth):
        line: list[Piece] = []
        for n, block in enumerate(blocks):
            if n:
                line.append((" " * gap, ""))
            if i < len(block):
                line.extend(block[i])
        out.append(tuple(line))
    return out


def wrap(text: str, width: int) -> list[str]:
    """Prose wrapped to ``width`` (for the hard-moments insight under the grids)."""
    return textwrap.wrap(text, max(width, 20)) or [""]


# --- reading from the store -----------------------------------------------------------


def load_weeks(store: Store, starts: Sequence[dt.date], today: dt.date) -> tuple[WeekGrid, ...]:
    """The grids of the weeks beginning on ``starts`` (Mondays, oldest first), read in
    three queries: the check-ins, the ruptures and the practice logs of those days."""
    if not starts:
        return ()
    since = min(starts).isoformat()
    until = (max(starts) + dt.timedelta(days=6)).isoformat()
    return week_grids(
        starts,
        store.checkins(since=since, until=until, oldest_first=True),
        store.rupture_marks(since, until),
        store.practice_logs(since=since, until=until),
        today=today,
    )


def load_hard_moments(
    store: Store, since: dt.date, until: dt.date, *, compare: bool = True
) -> tuple[HardMoments, HardMoments | None]:
    """The hard moments from ``since`` to ``until``, and (with ``compare``) those of
    the same number of days just before (``None`` when that period has no check-in)."""
    length = dt.timedelta(days=(until - since).days + 1)
    first = since - length if compare else since
    rows = store.urge_answers(first.isoformat(), until.isoformat())
    current = hard_moments(rows, since, until)
    if not compare:
        return current, None
    previous = hard_moments(rows, first, since - dt.timedelta(days=1))
    return current, (previous if previous.checkins else None)


def _short(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def weeks_period(starts: Sequence[dt.date], today: dt.date) -> tuple[dt.date, dt.date, str, str]:
    """(since, until, "In ...", "the ... before") for the hard moments of the weeks shown:
    from the first Monday to the last Sunday, or today when that is earlier."""
    since = min(starts)
    until = min(max(starts) + dt.timedelta(days=6), today)
    days = (until - since).days + 1
    if len(starts) == 1:
        start = starts[0]
        period = f"In the week of {start:%a} {start.day} {start:%b %Y}"
        if until < start + dt.timedelta(days=6):
            period += f" (to {until:%a} {until.day}, so far)"
    else:
        period = f"In these {len(starts)} weeks ({_short(since)} to {_short(until)})"
    if days % 7 == 0:
        weeks = days // 7
        before = "the week before" if weeks == 1 else f"the {weeks} weeks before"
    else:
        before = f"the {days} days before"
    return since, until, period, before


def hard_moments_text(
    store: Store, since: dt.date, until: dt.date, period: str, before: str, *, compare: bool = True
) -> tuple[str, HardMoments, HardMoments | None]:
    """The insight's words and its figures, read from ``store``."""
    current, previous = load_hard_moments(store, since, until, compare=compare)
    return hard_moments_words(current, previous, period, before), current, previous
