"""A strip of recent days: mood and regulation, one cell a day, blank for no check-in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from tracker.days import round_half_up

# Shades from low to high; text labels keep it legible without colour.
MOOD_STYLES = {1: "bold red", 2: "red", 3: "yellow", 4: "green", 5: "bold green"}
REG_STYLES = {0: "bold red", 1: "red", 2: "yellow", 3: "yellow", 4: "green", 5: "bold green"}


@dataclass(frozen=True)
class StripDay:
    day: dt.date
    mood: float | None
    regulation: float | None


class DayStrip(Static):
    """Renders the last N days as three rows: weekday, mood, regulation."""

    def __init__(self, days: Sequence[StripDay] = (), **kwargs):
        self.days = list(days)
        super().__init__(self._render_text(), **kwargs)  # drawn in the first frame

    def set_days(self, days: Sequence[StripDay]) -> None:
        self.days = list(days)
        self.update(self._render_text())

    def _render_text(self) -> Text:
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
        for label, attr, styles in (("mood", "mood", MOOD_STYLES),
                                    ("regulation", "regulation", REG_STYLES)):
            text.append(label.ljust(label_width))
            for d in self.days:
                value = getattr(d, attr)
                if value is None:
                    text.append("  ·", style="dim")
                else:
                    rounded = round_half_up(value)  # 2.5 shows as 3, as on paper
                    text.append(f"{rounded:>3}", style=styles.get(rounded, ""))
            text.append("\n")
        text.rstrip()
        return text
