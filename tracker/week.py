"""The week as a diary card, and hard moments: pure functions over records (no I/O).

Definitions (the README says the same; the app, ``tracker week`` and the report all
use these):

* **Weeks start on Monday**: the week of a day runs from the Monday on or before it
  to the Sunday after that Monday.
* **A day's row**: from all the check-ins of that calendar day. Intensity and the
  urges to pursue and to withdraw show the day's **highest** rating (a diary card
  rates the day's peak); mood and regulation show the **mean** of the check-ins that
  rated them. *Acted on* an urge: yes when any check-in that day said so; no when
  some said no and none said yes; not answered otherwise. *Paused*: yes when any
  check-in that day paused; no when some said no and none yes; "no hard moment" only
  when every check-in of the day left it so ("no hard moment today" and an unanswered
  question are stored alike). Ruptures count those that happened that day, repairs
  those repaired that day; practice counts practice logs marked done that day (of any
  experiment). The emotion is the one named in most check-ins of the day (a tie goes
  to the first in alphabetical order).
* **Gaps**: a day without a check-in has no ratings at all (``None``), never zeros.
  Its ruptures, repairs and practice are still counted: they are recorded apart.
* **A hard moment** is a check-in whose urge to pursue or to withdraw was
  :data:`HARD_URGE` (strong) or more. Over a period, the figures are: how many check-ins
  were hard moments, in how many of them you paused (said yes), said you did not pause,
  and left it open; and in how many you acted on the urge to pursue and on the urge
  to withdraw. Nothing but the count is said about fewer than :data:`MIN_MOMENTS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.analytics import name_frequency
from tracker.days import plural

HARD_URGE = 3
"""A check-in with an urge to pursue or to withdraw of this or more is a hard moment."""
MIN_MOMENTS = 3
"""Below this many hard moments, only the count is said (too few to say more)."""
MAX_WEEKS = 52
"""``tracker week --weeks`` takes at most this many."""

PAUSED_YES = "yes"
PAUSED_NO = "no"
PAUSED_NONE = "no hard moment"
"""A day's *paused*: one of these, or ``None`` on a day without a check-in."""


def week_start(day: dt.date) -> dt.date:
    """The Monday on or before ``day``."""
    return day - dt.timedelta(days=day.weekday())


def week_starts(last: dt.date, weeks: int) -> list[dt.date]:
    """The Mondays of ``weeks`` weeks, oldest first, ending with the week of ``last``."""
    end = week_start(last)
    return [end - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def _field(record: Any, name: str) -> Any:
    if isinstance(record, Mapping):
        return record.get(name)
    return getattr(record, name)


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _any_yes(values: Iterable[int | None]) -> bool | None:
    """True if any is 1; False if some are 0 and none 1; None if none answered."""
    answered = [v for v in values if v is not None]
    if not answered:
        return None
    return any(answered)


@dataclass(frozen=True)
class DayRow:
    """One day of the grid. Ratings are ``None`` on a gap (no check-in that day)."""

    day: dt.date
    checkins: int
    mood: float | None = None
    intensity: int | None = None
    regulation: float | None = None
    pursue: int | None = None
    pursue_acted: bool | None = None
    withdraw: int | None = None
    withdraw_acted: bool | None = None
    paused: str | None = None
    ruptures: int = 0
    repairs: int = 0
    practice_done: int = 0
    practice_logged: int = 0
    emotion: str | None = None
    future: bool = False
    """The day is after today (nothing can be recorded for it yet)."""

    @property
    def gap(self) -> bool:
        return self.checkins == 0

    def as_json(self) -> dict[str, Any]:
        """The row for ``tracker week --json`` (gaps as ``null``)."""
        return {
            "day": self.day.isoformat(),
            "weekday": f"{self.day:%a}",
            "checkins": self.checkins,
            "mood": self.mood,
            "intensity": self.intensity,
            "regulation": self.regulation,
            "pursue": self.pursue,
            "pursue_acted": self.pursue_acted,
            "withdraw": self.withdraw,
            "withdraw_acted": self.withdraw_acted,
            "paused": self.paused,
            "ruptures": self.ruptures,
            "repairs": self.repairs,
            "practice_done": self.practice_done,
            "practice_logged": self.practice_logged,
            "emotion": self.emotion,
            "future": self.future,
        }


@dataclass(frozen=True)
class WeekGrid:
    """Seven :class:`DayRow`, Monday to Sunday."""

    start: dt.date
    days: tuple[DayRow, ...]

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=6)

    @property
    def checked(self) -> int:
        """Days of the week with at least one check-in."""
        return sum(1 for d in self.days if not d.gap)

    def as_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days_checked": self.checked,
            "days": [d.as_json() for d in self.days],
        }


def day_row(
    day: dt.date,
    checkins: Sequence[Any],
    *,
    ruptures: int = 0,
    repairs: int = 0,
    practice_done: int = 0,
    practice_logged: int = 0,
    today: dt.date | None = None,
) -> DayRow:
    """The row of one day from its check-ins (records or mappings with the check-in
    fields, ``emotions`` a list of names) and the day's other counts."""
    future = today is not None and day > today
    if not checkins:
        return DayRow(
            day,
            0,
            ruptures=ruptures,
            repairs=repairs,
            practice_done=practice_done,
            practice_logged=practice_logged,
            future=future,
        )

    def rated(name: str) -> list[int]:
        return [v for v in (_field(c, name) for c in checkins) if v is not None]

    pauses = [_field(c, "paused") for c in checkins]
    paused = _any_yes(pauses)
    top = name_frequency(_field(c, "emotions") or () for c in checkins)
    return DayRow(
        day=day,
        checkins=len(checkins),
        mood=_mean(rated("mood")),
        intensity=max(rated("intensity"), default=None),
        regulation=_mean(rated("regulation")),
        pursue=max(rated("pursue"), default=None),
        pursue_acted=_any_yes(_field(c, "pursue_acted") for c in checkins),
        withdraw=max(rated("withdraw"), default=None),
        withdraw_acted=_any_yes(_field(c, "withdraw_acted") for c in checkins),
        paused=PAUSED_NONE if paused is None else PAUSED_YES if paused else PAUSED_NO,
        ruptures=ruptures,
        repairs=repairs,
        practice_done=practice_done,
        practice_logged=practice_logged,
        emotion=top[0][0] if top else None,
        future=future,
    )


def week_grids(
    starts: Sequence[dt.date],
    checkins: Iterable[Any],
    ruptures: Iterable[tuple[str, str | None]] = (),
    logs: Iterable[Any] = (),
    today: dt.date | None = None,
) -> tuple[WeekGrid, ...]:
    """One grid per Monday in ``starts``.

    ``checkins``: check-in records (or mappings) of those weeks (others are ignored);
    ``ruptures``: ``(day, repaired_on)`` pairs (``Store.rupture_marks``); ``logs``:
    practice logs (``day`` and ``done``). ``today``: days after it are marked future.
    """
    by_day: dict[str, list[Any]] = {}
    for c in checkins:
        by_day.setdefault(str(_field(c, "day")), []).append(c)
    happened: dict[str, int] = {}
    repaired: dict[str, int] = {}
    for day, repaired_on in ruptures:
        happened[day] = happened.get(day, 0) + 1
        if repaired_on:
            repaired[repaired_on] = repaired.get(repaired_on, 0) + 1
    done: dict[str, int] = {}
    logged: dict[str, int] = {}
    for log in logs:
        day = str(_field(log, "day"))
        logged[day] = logged.get(day, 0) + 1
        done[day] = done.get(day, 0) + (1 if _field(log, "done") else 0)
    grids = []
    for start in starts:
        rows = []
        for offset in range(7):
            date = start + dt.timedelta(days=offset)
            iso = date.isoformat()
            rows.append(
                day_row(
                    date,
                    by_day.get(iso, ()),
                    ruptures=happened.get(iso, 0),
                    repairs=repaired.get(iso, 0),
                    practice_done=done.get(iso, 0),
                    practice_logged=logged.get(iso, 0),
                    today=today,
                )
            )
        grids.append(WeekGrid(start, tuple(rows)))
    return tuple(grids)


# --- hard moments -------------------------------------------------------------------


def is_hard_moment(checkin: Any) -> bool:
    """An urge to pursue or to withdraw of :data:`HARD_URGE` or more."""
    return any((_field(checkin, name) or 0) >= HARD_URGE for name in ("pursue", "withdraw"))


@dataclass(frozen=True)
class HardMoments:
    """The hard moments of one period (see the module's definitions)."""

    since: dt.date
    until: dt.date
    checkins: int
    """Every check-in of the period."""
    moments: int
    paused: int
    not_paused: int
    unanswered: int
    """Hard moments whose *paused* was left open (or marked "no hard moment")."""
    acted_pursue: int
    acted_withdraw: int

    @property
    def enough(self) -> bool:
        return self.moments >= MIN_MOMENTS

    def as_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "checkins": self.checkins,
            "hard_moments": self.moments,
            "paused": self.paused,
            "did_not_pause": self.not_paused,
            "pause_not_answered": self.unanswered,
            "acted_on_pursue": self.acted_pursue,
            "acted_on_withdraw": self.acted_withdraw,
        }


def hard_moments(checkins: Iterable[Any], since: dt.date, until: dt.date) -> HardMoments:
    """Count the hard moments among the check-ins (records or mappings) from ``since``
    to ``until`` inclusive. ``checkins`` is read once and nothing of it is kept, so it
    may be a stream of years of rows."""
    lo, hi = since.isoformat(), until.isoformat()
    inside = moments = paused = not_paused = unanswered = acted_pursue = acted_withdraw = 0
    for c in checkins:
        if not lo <= str(_field(c, "day")) <= hi:
            continue
        inside += 1
        if not is_hard_moment(c):
            continue
        moments += 1
        pause = _field(c, "paused")
        paused += pause == 1
        not_paused += pause == 0
        unanswered += pause is None
        acted_pursue += _field(c, "pursue_acted") == 1
        acted_withdraw += _field(c, "withdraw_acted") == 1
    return HardMoments(
        since=since,
        until=until,
        checkins=inside,
        moments=moments,
        paused=paused,
        not_paused=not_paused,
        unanswered=unanswered,
        acted_pursue=acted_pursue,
        acted_withdraw=acted_withdraw,
    )


def _times(n: int) -> str:
    return plural(n, "time")


def hard_moments_words(
    current: HardMoments, previous: HardMoments | None, period: str, before: str = ""
) -> str:
    """The insight in plain words, n always shown, nothing more below
    :data:`MIN_MOMENTS`.

    ``period`` names the period as it begins a sentence ("In the last 30 days");
    ``before`` names the one before it ("the 30 days before"); with ``previous``
    the acted-on counts are set beside that period's (when it has enough too).
    """
    head = (
        f"{period}, {current.moments:,} of your {plural(current.checkins, 'check-in')} "
        f"had an urge of {HARD_URGE} or more"
    )
    if current.checkins == 0:
        return f"{period}, there are no check-ins, so no hard moments to count."
    if current.moments == 0:
        return (
            f"{period}, none of your {plural(current.checkins, 'check-in')} had an urge "
            f"of {HARD_URGE} or more (0 hard moments)."
        )
    if not current.enough:
        return (
            head + f": too few to say more (that needs at least {MIN_MOMENTS}, so that "
            "one or two moments are not made to look like a pattern)."
        )
    text = head + f". You paused in {current.paused:,} of them"
    if current.not_paused:
        text += f" and said you didn't in {current.not_paused:,}"
    text += "."
    if current.unanswered:
        text += (
            f" {'One left' if current.unanswered == 1 else f'{current.unanswered:,} left'} "
            "the question open."
        )
    acted = (
        f" You acted on the urge to pursue {_times(current.acted_pursue)} and on the "
        f"urge to withdraw {_times(current.acted_withdraw)}"
    )
    if previous is None:
        return text + acted + "."
    if not previous.enough:
        return (
            text + acted + f". ({before[:1].upper() + before[1:]} had "
            f"{plural(previous.moments, 'hard moment')}: too few to compare with.)"
        )
    return (
        text + acted + f", against {previous.acted_pursue:,} and "
        f"{previous.acted_withdraw:,} in {before} ({plural(previous.moments, 'hard moment')}"
        " then)."
    )


HARD_MOMENT_SHORT = (
    f"Hard moment: a check-in with an urge to pursue or withdraw of {HARD_URGE} or more."
)
"""The definition in one line (the app, under the insight)."""
HARD_MOMENT_DEFINITION = (
    f"A hard moment: a check-in with an urge to pursue or to withdraw "
    f"of {HARD_URGE} (strong) or more. The figures sit side by side; "
    "they do not say what caused what."
)
