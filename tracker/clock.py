"""The single clock of the app.

Everything that needs "today" or "now" asks this module, so tests can freeze time
in one place: call :func:`freeze` in process, or set ``TRACKER_TODAY=YYYY-MM-DD``
for a subprocess (the end-to-end tests do).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator

_frozen_today: dt.date | None = None

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(9998, 12, 31)
"""The days "today" may be: far enough from the calendar's ends that every range
and step the app takes from today (a year back, a week forward) stays a real date."""


class ClockError(ValueError):
    """``TRACKER_TODAY`` holds something that is not a usable day."""


_frozen_time: dt.time | None = None


def freeze(day: dt.date | str | None, at: dt.time | None = None) -> None:
    """Make :func:`today` return ``day`` (``None`` unfreezes); with ``at``, :func:`now`
    is that time of that day too (tests that must not depend on the hour they run)."""
    global _frozen_today, _frozen_time
    _frozen_today = dt.date.fromisoformat(day) if isinstance(day, str) else day
    _frozen_time = at if _frozen_today is not None else None


def today() -> dt.date:
    """The local calendar day a check-in counts for by default."""
    if _frozen_today is not None:
        return _frozen_today
    env = os.environ.get("TRACKER_TODAY")
    if env is not None:
        return _environment_day(env)
    return dt.date.today()


def _environment_day(text: str) -> dt.date:
    allowed = (
        f"a date as YYYY-MM-DD from {EARLIEST.isoformat()} to {LATEST.isoformat()}, "
        "or unset it to use the real date"
    )
    shown = repr(text) if len(text) <= 40 else repr(text[:37] + "...")
    try:
        day = dt.date.fromisoformat(text.strip()) if len(text) <= 40 else None
    except ValueError:
        day = None
    if day is None or not EARLIEST <= day <= LATEST:
        raise ClockError(f"TRACKER_TODAY: {shown} is not allowed; use {allowed}.")
    return day


def check_environment() -> None:
    """Raise :class:`ClockError` now if ``TRACKER_TODAY`` is set to something unusable
    (every entry point calls this first, so no command fails half-way on it)."""
    env = os.environ.get("TRACKER_TODAY")
    if env is not None:
        _environment_day(env)


def now() -> dt.datetime:
    """The current local time, with its UTC offset."""
    if _frozen_time is not None and _frozen_today is not None:
        return dt.datetime.combine(_frozen_today, _frozen_time).astimezone()
    return dt.datetime.now().astimezone().replace(microsecond=0)


def now_iso() -> str:
    """``now()`` as ISO-8601 with offset, e.g. ``2026-11-28T09:16:04+01:00``."""
    return now().isoformat()


@contextlib.contextmanager
def held(days_ahead: int = 0) -> Iterator[dt.date]:
    """Keep "today" fixed for a long piece of work (an import that crosses midnight
    judges every row by the same day), then put the clock back as it was.

    ``days_ahead``: hold it that many days after today (sync reads another device's
    records, whose today may be a day or two ahead: another time zone)."""
    global _frozen_today
    was = _frozen_today
    _frozen_today = today() + dt.timedelta(days=days_ahead)
    try:
        yield _frozen_today
    finally:
        _frozen_today = was
