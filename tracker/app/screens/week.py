"""Week: the week as a diary card, a row a day, and the hard moments of the weeks shown.

Keys: ``[`` an earlier week, ``]`` a later one (never past the current week), ``home``
the current week. As many weeks stand side by side as the width allows, up to
:data:`MAX_SIDE_BY_SIDE` (one at 80 columns, two at 120): the one moved to on the
right, the weeks before it on its left.

The screen reads the store (:func:`tracker.weekcard.load_weeks`, three queries, and
the hard moments) and hands the widgets plain grids; it reads again only when
something was written, the day changed, or the weeks shown changed.
"""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Header, Static

from tracker import clock, weekcard
from tracker.app.screens.base import SectionScreen
from tracker.app.widgets.navbar import NavBar
from tracker.app.widgets.weekgrid import WeekGridView, WeekLegend
from tracker.text import one_line
from tracker.week import HARD_MOMENT_SHORT, week_start, week_starts

MAX_SIDE_BY_SIDE = 4
GAP = 3
"""Columns between two weeks side by side."""
PADDING = 2
"""The body's padding, left and right together."""


def weeks_that_fit(width: int) -> int:
    """How many weeks stand side by side in ``width`` columns (at least one)."""
    wide = weekcard.grid_width(weekcard.EMOTION_WIDTH)
    return max(1, min(MAX_SIDE_BY_SIDE, (width - PADDING + GAP) // (wide + GAP)))


class WeekBody(VerticalScroll, inherit_bindings=False):
    """The screen's body: up / down and page keys scroll it on a small terminal; home
    is left to the screen (the current week)."""

    BINDINGS = [
        b
        for b in VerticalScroll.BINDINGS
        if isinstance(b, Binding) and b.key in ("up", "down", "pageup", "pagedown")
    ]


def _short(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


class WeekScreen(SectionScreen):
    """The week as a diary card."""

    BINDINGS = [
        Binding(
            "left_square_bracket",
            "move(-1)",
            "Earlier week",
            id="week-earlier",
            tooltip="Show the week before",
        ),
        Binding(
            "right_square_bracket",
            "move(1)",
            "Later week",
            id="week-later",
            tooltip="Show the week after (up to the current week)",
        ),
        Binding(
            "home", "this_week", "This week", id="week-this", tooltip="Back to the current week"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.last_week: dt.date | None = None
        """The Monday of the rightmost week shown (``None``: the current week)."""
        self.count = 1
        self._shown_key: tuple[object, ...] | None = None
        self.moments_text = ""
        """The hard-moments insight shown (tests read it)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("week")
        with WeekBody(id="week-body"):
            yield Horizontal(id="week-grids")
            yield WeekLegend(id="week-legend")
            yield Static(id="week-moments")
        yield Footer(compact=True, show_command_palette=False)

    @property
    def current_week(self) -> dt.date:
        return week_start(clock.today())

    @property
    def shown_week(self) -> dt.date:
        current = self.current_week
        return min(self.last_week or current, current)

    # -- data --

    def refresh_data(self) -> None:
        """Read the weeks shown again when something changed (writes, day, weeks, width)."""
        today = clock.today()
        self.count = weeks_that_fit(self.app.size.width)
        key = (today, *self.store.change_token(), self.shown_week, self.count)
        if key == self._shown_key:
            return
        self._shown_key = key
        starts = week_starts(self.shown_week, self.count)
        grids = weekcard.load_weeks(self.store, starts, today)
        since, until, period, before = weekcard.weeks_period(starts, today)
        words, _, _ = weekcard.hard_moments_text(self.store, since, until, period, before)
        self._show(grids, today, words)

    def _show(self, grids, today: dt.date, words: str) -> None:
        first, last = grids[0].start, grids[-1].end
        self.title = "Week, as a diary card"
        this = "this week · " if grids[-1].start == self.current_week else ""
        weeks = "" if len(grids) == 1 else f"{len(grids)} weeks · "
        self.sub_title = f"{this}{weeks}{first.day} {first:%b} to {last.day} {last:%b %Y}"
        emotion_width = (
            weekcard.WIDE_EMOTION_WIDTH
            if len(grids) == 1
            and weekcard.grid_width(weekcard.WIDE_EMOTION_WIDTH) + PADDING <= self.app.size.width
            else weekcard.EMOTION_WIDTH
        )
        box = self.query_one("#week-grids", Horizontal)
        views = list(box.query_children(WeekGridView))
        if len(views) == len(grids):
            for view, grid in zip(views, grids, strict=True):
                view.show(grid, today, emotion_width)
        else:
            box.remove_children()
            box.mount_all(
                [
                    WeekGridView(
                        grid,
                        today,
                        emotion_width,
                        classes="week-grid" + (" -first" if n == 0 else ""),
                    )
                    for n, grid in enumerate(grids)
                ]
            )
        self.moments_text = one_line(words)
        self.query_one("#week-moments", Static).update(
            Content.assemble(
                ("Hard moments", "bold"), " · ", self.moments_text, "\n", (HARD_MOMENT_SHORT, "dim")
            )
        )
        self.refresh_bindings()

    def on_resize(self) -> None:
        if weeks_that_fit(self.app.size.width) != self.count:
            self.refresh_data()

    # -- actions --

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "move" and parameters and parameters[0] == 1:
            return None if self.shown_week >= self.current_week else True
        if action == "this_week":
            return None if self.shown_week >= self.current_week else True
        return True

    def action_move(self, weeks: int) -> None:
        target = self.shown_week + dt.timedelta(weeks=weeks)
        if target > self.current_week:
            return  # never past the current week
        self.last_week = target
        self.refresh_data()

    def action_this_week(self) -> None:
        self.last_week = None
        self.refresh_data()
