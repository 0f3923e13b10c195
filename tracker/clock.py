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


def freeze(day: dt.date | str | None) -> None:
    """Make :func:`today` return ``day`` (``None`` unfreezes)."""
    global _frozen_today
    _frozen_today = dt.date.fromisoformat(day) if isinstance(day, str) else day


def today() -> dt.date:
    """The local calendar day a check-in counts for by default."""
    if _frozen_today is not None:
        return _frozen_today
    env = os.environ.get("TRACKER_TODAY")
    if env:
        return dt.date.fromisoformat(env)
    return dt.date.today()


def now() -> dt.datetime:
    """The current local time, with its UTC offset."""
    return dt.datetime.now().astimezone().replace(microsecond=0)


def now_iso() -> str:
    """``now()`` as ISO-8601 with offset, e.g. ``2026-11-28T09:16:04+01:00``."""
    return now().isoformat()


@contextlib.contextmanager
def held() -> Iterator[dt.date]:
    """Keep "today" fixed for a long piece of work (an import that crosses midnight
    judges every row by the same day), then put the clock back as it was."""
    global _frozen_today
    was = _frozen_today
    _frozen_today = today()
    try:
        yield _frozen_today
    finally:
        _frozen_today = was
