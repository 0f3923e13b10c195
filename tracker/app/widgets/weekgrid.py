"""The week grid in the app: one week as a diary card, and the legend under the grids.

Receives plain data (a :class:`~tracker.week.WeekGrid`, today, the width of the
emotion column) and draws the lines :mod:`tracker.weekcard` lays out, shaded from
the one palette in the colours made for the theme's background. Every meaning is in
the characters (digits, ``*``, ``x``, ``+``, ``✓``), so it reads without colour too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from tracker import weekcard
from tracker.app.widgets.shades import background_of, follow_theme, rich_style
from tracker.week import WeekGrid


def card_text(lines: Sequence[weekcard.CardLine], background: str | None) -> Text:
    """Lines of styled pieces as one Rich ``Text`` (trailing spaces kept off)."""
    text = Text(no_wrap=True, overflow="crop")
    for index, line in enumerate(lines):
        if index:
            text.append("\n")
        pieces = list(line)
        while pieces and not pieces[-1][0].strip():
            pieces.pop()
        for piece, style in pieces:
            text.append(piece, style=rich_style(style, background) or None)
    return text


class WeekGridView(Static):
    """One week: its title, the column names and a row a day."""

    DEFAULT_CSS = """
    WeekGridView {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, grid: WeekGrid, today: dt.date, emotion_width: int, **kwargs):
        self.grid = grid
        self.today = today
        self.emotion_width = emotion_width
        super().__init__(**kwargs)

    def on_mount(self) -> None:
        follow_theme(self, self.redraw)
        self.redraw()

    def show(self, grid: WeekGrid, today: dt.date, emotion_width: int) -> None:
        self.grid, self.today, self.emotion_width = grid, today, emotion_width
        self.redraw()

    def redraw(self) -> None:
        lines = weekcard.grid_lines(self.grid, self.today, self.emotion_width)
        self.styles.width = weekcard.grid_width(self.emotion_width)
        self.update(card_text(lines, background_of(self.app)))

    @property
    def plain_lines(self) -> list[str]:
        """The grid as plain text, a string per line (tests read it)."""
        return [
            weekcard.plain(line)
            for line in weekcard.grid_lines(self.grid, self.today, self.emotion_width)
        ]


class WeekLegend(Static):
    """What every mark of the grid means, wrapped to the widget's width (the rules
    about gaps and Mondays are in the help and the README; a gap says so itself)."""

    DEFAULT_CSS = """
    WeekLegend {
        height: auto;
    }
    """

    def on_mount(self) -> None:
        follow_theme(self, self.redraw)

    def on_resize(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        width = self.content_region.width or self.app.size.width - 2
        self.update(
            card_text(
                weekcard.legend_lines(max(width, 30), rules=False, short=True),
                background_of(self.app),
            )
        )
