"""A strip of recent days: mood and regulation, one cell a day, blank for no check-in.

Figures are shaded from the one palette (:mod:`tracker.palette`, through
:mod:`~tracker.app.widgets.shades`), in the colours made for the theme's background;
the digits carry the meaning without colour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from tracker import palette
from tracker.app.widgets.shades import background_of, follow_theme, rating_style
from tracker.days import round_half_up

__all__ = ["DayStrip", "StripDay", "rating_style"]


@dataclass(frozen=True)
class StripDay:
    day: dt.date
    mood: float | None
    regulation: float | None


class DayStrip(Static):
    """Renders the last N days as three rows: weekday, mood, regulation."""

    def __init__(
        self,
        days: Sequence[StripDay] = (),
        *,
        background: palette.Background = palette.DARK,
        **kwargs,
    ):
        self.days = list(days)
        self.background = background
        """The theme's kind of background (set from the app once mounted)."""
        super().__init__(self.render_text(), **kwargs)  # drawn in the first frame

    def on_mount(self) -> None:
        follow_theme(self, self._theme_changed)
        self._theme_changed()

    def _theme_changed(self) -> None:
        background = background_of(self.app)
        if background != self.background:
            self.background = background
            self.update(self.render_text())

    def set_days(self, days: Sequence[StripDay]) -> None:
        self.days = list(days)
        self.update(self.render_text())

    def render_text(self) -> Text:
        text = Text()
        label_width = 11
        text.append("".ljust(label_width))
        for d in self.days:
            text.append(f"{d.day:%a}"[:2].rjust(3), style="dim")
        text.append("\n")
        text.append("".ljust(label_width))
        for d in self.days:
            text.append(f"{d.day.day:>3}", style="dim")
        text.append("\n")
        for label, attr in (("mood", "mood"), ("regulation", "regulation")):
            text.append(label.ljust(label_width))
            for d in self.days:
                value = getattr(d, attr)
                if value is None:
                    text.append("  ·", style="dim")
                else:
                    rounded = round_half_up(value)  # 2.5 shows as 3, as on paper
                    text.append("  ")
                    text.append(
                        str(rounded), style=rating_style(attr, value, self.background) or None
                    )
            text.append("\n")
        text.rstrip()
        return text
