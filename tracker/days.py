"""Day helpers the home screen and commands need: day ranges, consistency in words, rounding.

Apart from :mod:`tracker.analytics` (which re-exports them) so that the app's first
screen does not load the whole of analytics (~9 ms of dataclasses and imports; see
``benchmarks/run.py --only first_screen``). Pure functions, no I/O ("today" comes
from :mod:`tracker.clock`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tracker import clock


def day_range(since: dt.date, until: dt.date) -> list[dt.date]:
    """Every calendar day from ``since`` to ``until`` inclusive."""
    return [since + dt.timedelta(days=i) for i in range((until - since).days + 1)]


def days_back(n: int, end: dt.date | None = None) -> tuple[str, str]:
    """The inclusive (since, until) range, as ISO days, of the ``n`` days ending ``end``
    (default today)."""
    end = end or clock.today()
    return (end - dt.timedelta(days=n - 1)).isoformat(), end.isoformat()


def as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


@dataclass(frozen=True)
class Consistency:
    """How many days of a window had at least one check-in."""

    days_checked: int
    window: int

    def words(self) -> str:
        """ "You checked in on 19 of the last 30 days." Never a lost streak."""
        if self.window == 1:
            return "You've checked in today." if self.days_checked else "No check-in yet today."
        return f"You checked in on {self.days_checked:,} of the last {plural(self.window, 'day')}."


def consistency(days_with_checkins: Iterable[str], today: dt.date, window: int = 30) -> Consistency:
    """Days (ISO strings) with a check-in among the ``window`` days ending today."""
    start = today - dt.timedelta(days=window - 1)
    days = {d for d in days_with_checkins if start.isoformat() <= d <= today.isoformat()}
    return Consistency(len(days), window)


def round_half_up(value: float, digits: int = 0) -> float | int:
    """Round as people do on paper: halves go up (2.5 -> 3, 3.5 -> 4, 1.25 -> 1.3).

    Python's ``round`` rounds halves to the even neighbour (2.5 -> 2) and works on the
    binary value (``round(1.15, 1)`` is 1.1); this rounds the decimal the value
    prints as. Returns an ``int`` when ``digits`` is 0, else a float. Every mean shown
    rounded (calendar digits, shading, figures in prose) goes through here.
    """
    exact = Decimal(repr(float(value)))
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return int(rounded) if digits == 0 else float(rounded)


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """ "1 day", "2 days", "4,419 check-ins": a count with its noun, thousands separated."""
    return f"{n:,} {noun if n == 1 else (nouns or noun + 's')}"
