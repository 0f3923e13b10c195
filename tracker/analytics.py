"""Pure functions from records to series and figures (no I/O, no SQL).

Days without a check-in are gaps (``None``), never zeros; several check-ins on one
day are averaged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


def day_range(since: dt.date, until: dt.date) -> list[dt.date]:
    """Every calendar day from ``since`` to ``until`` inclusive."""
    return [since + dt.timedelta(days=i) for i in range((until - since).days + 1)]


@dataclass(frozen=True)
class Consistency:
    """How many days of a window had at least one check-in."""

    days_checked: int
    window: int

    def words(self) -> str:
        """"You checked in on 19 of the last 30 days." Never a lost streak."""
        if self.window == 1:
            return "You've checked in today." if self.days_checked else "No check-in yet today."
        return f"You checked in on {self.days_checked} of the last {self.window} days."


def consistency(days_with_checkins: Iterable[str], today: dt.date, window: int = 30) -> Consistency:
    """Days (ISO strings) with a check-in among the ``window`` days ending today."""
    start = today - dt.timedelta(days=window - 1)
    days = {d for d in days_with_checkins if start.isoformat() <= d <= today.isoformat()}
    return Consistency(len(days), window)


def daily_series(rows: Iterable[Mapping[str, object]], metric: str, since: dt.date,
                 until: dt.date) -> list[float | None]:
    """One value per calendar day for ``metric`` from per-day rows; gaps are ``None``."""
    by_day = {str(r["day"]): r.get(metric) for r in rows}
    out: list[float | None] = []
    for day in day_range(since, until):
        value = by_day.get(day.isoformat())
        out.append(float(value) if value is not None else None)  # type: ignore[arg-type]
    return out
