"""A chain for each rupture: the check-ins around it, and what to try next time.

Pure functions over records (no I/O): the Ruptures screen asks the store for the
check-ins of the days around a rupture and for the experiments, and this module
picks and words what the rupture's detail shows:

* **The chain**: the check-ins from :data:`CHAIN_HOURS` hours before the rupture to
  as long after it (its ``happened_at``), each with its urges, whether they were
  acted on, and whether I paused. A check-in's moment is its ``created_at`` when
  that falls on its day; one made on another day (filled in later, or imported)
  counts from noon of its day, and shows without a time.
* **A suggestion** from the library that fits my move: pursuing leads to waiting
  with the urge, withdrawing to the "I'm still here" message, and a slow repair
  (repaired more than a day after, or still open a day on) to repairing within a
  day.
* **Repair experiments**: the active experiments a repair attempt can count as
  practice of (:func:`repair_experiments`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.models import CheckIn, Experiment, Rupture, practice_span
from tracker.wording import day_label, days_between

CHAIN_HOURS = 48
"""How far before and after a rupture its chain reaches."""

MOVE_EXPERIMENTS = {
    "pursued": "Twenty minutes with the urge",
    "withdrew": "Still here, just quiet",
}
"""The library experiment (by title) that fits each move it has one for."""

REPAIR_EXPERIMENT = "Repair within a day"
"""The library experiment for a slow repair."""


@dataclass(frozen=True)
class ChainLink:
    """One check-in of a rupture's chain."""

    checkin: CheckIn
    moment: dt.datetime
    timed: bool
    """Whether its time of day is known (else it counts from noon of its day)."""

    def when(self, today: dt.date | None = None) -> str:
        """ "Tue 24 Nov 21:40", or the day alone when its time is not known."""
        c = self.checkin
        return day_label(c.day, today) + (f" {c.created_at[11:16]}" if self.timed else "")

    def cells(self, today: dt.date | None = None) -> tuple[str, str, str, str]:
        """When, the urge to pursue, to withdraw (each "4 acted", "4 not acted",
        "0", or "" when not recorded), and paused ("yes", "no" or "")."""
        c = self.checkin
        return (
            self.when(today),
            _urge(c.pursue, c.pursue_acted),
            _urge(c.withdraw, c.withdraw_acted),
            "" if c.paused is None else "yes" if c.paused else "no",
        )


def _urge(urge: int | None, acted: int | None) -> str:
    if urge is None:
        return ""
    if not urge or acted is None:
        return str(urge)
    return f"{urge} acted" if acted else f"{urge} not acted"


CHAIN_HEADINGS = ("", "pursue", "withdraw", "paused")
"""The headings of :meth:`ChainLink.cells`."""


def chain_lines(chain: Chain, marker: str, today: dt.date | None = None) -> list[str]:
    """The chain as a small table: a heading line, the check-ins before, ``marker``
    (the rupture's own line), the check-ins after. Columns line up."""
    rows = [link.cells(today) for link in (*chain.before, *chain.after)]
    widths = [
        max(len(cell) for cell in column) for column in zip(CHAIN_HEADINGS, *rows, strict=True)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
        ).rstrip()

    out = [line(CHAIN_HEADINGS)]
    out += [line(r) for r in rows[: len(chain.before)]]
    out.append(marker)
    out += [line(r) for r in rows[len(chain.before) :]]
    return out


@dataclass(frozen=True)
class Chain:
    """The check-ins before and after a rupture, each list in time order."""

    before: tuple[ChainLink, ...]
    after: tuple[ChainLink, ...]

    def __len__(self) -> int:
        return len(self.before) + len(self.after)


@dataclass(frozen=True)
class Suggestion:
    """A library experiment that fits a rupture, and why, in a sentence."""

    title: str
    why: str
    template: dict[str, Any]
    """The library entry, as the experiment form takes it to prefill."""


def _stamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def checkin_moment(checkin: CheckIn) -> tuple[dt.datetime, bool]:
    """When a check-in happened, and whether its time is known (see the module)."""
    made = _stamp(checkin.created_at)
    if checkin.created_at[:10] == checkin.day:
        return made, True
    noon = dt.datetime.combine(dt.date.fromisoformat(checkin.day), dt.time(12), made.tzinfo)
    return noon, False


def chain_days(rupture: Rupture, hours: int = CHAIN_HOURS) -> tuple[str, str]:
    """The days to read check-ins from for a rupture's chain (a day to spare on each
    side, for UTC offsets): ``(since, until)`` as ``YYYY-MM-DD``."""
    moment = _stamp(rupture.happened_at)
    reach = dt.timedelta(hours=hours, days=1)
    return (moment - reach).date().isoformat(), (moment + reach).date().isoformat()


def rupture_chain(rupture: Rupture, checkins: Iterable[CheckIn], hours: int = CHAIN_HOURS) -> Chain:
    """The check-ins within ``hours`` of the rupture, before and after it, in order."""
    moment = _stamp(rupture.happened_at)
    reach = dt.timedelta(hours=hours)
    before: list[ChainLink] = []
    after: list[ChainLink] = []
    for c in checkins:
        when, timed = checkin_moment(c)
        if abs(when - moment) > reach:
            continue
        (before if when < moment else after).append(ChainLink(c, when, timed))
    order = lambda link: (link.moment, link.checkin.created_at, link.checkin.id)  # noqa: E731
    return Chain(tuple(sorted(before, key=order)), tuple(sorted(after, key=order)))


def slow_repair(rupture: Rupture, now: dt.datetime) -> str | None:
    """Why the repair counts as slow, in words, or ``None``: repaired more than a day
    after the rupture's day, or still open (not repaired, not let rest) more than a
    day after it happened."""
    if rupture.repaired_on:
        days = days_between(rupture.day, rupture.repaired_on)
        return f"Repair came {days} days after." if days > 1 else None
    if rupture.let_rest_on:
        return None
    if now - _stamp(rupture.happened_at) <= dt.timedelta(days=1):
        return None
    days = days_between(rupture.day, now.date().isoformat())
    open_for = "since yesterday" if days <= 1 else f"for {days} days"
    return f"It has been open {open_for}."


MOVE_WHY = {
    "pursued": (
        "You pursued. Next time the urge to reach out comes, waiting with it for a "
        "while and naming the feeling first is one thing to try."
    ),
    "withdrew": (
        "You withdrew. Next time you want to disappear, one short message that you're "
        "still there keeps the door open while you take the quiet."
    ),
}


def suggestions(
    rupture: Rupture,
    library: Sequence[Mapping[str, Any]],
    now: dt.datetime,
    active: Iterable[Experiment] = (),
) -> list[Suggestion]:
    """The library experiments that fit this rupture: the move's first, then repairing
    within a day when the repair was slow. One already running (an active
    experiment of the same title) is left out."""
    by_title = {str(item.get("title", "")).casefold(): item for item in library}
    running = {e.title.casefold() for e in active}
    wanted: list[tuple[str, str]] = []
    if rupture.my_move in MOVE_EXPERIMENTS:
        wanted.append((MOVE_EXPERIMENTS[rupture.my_move], MOVE_WHY[rupture.my_move]))
    slow = slow_repair(rupture, now)
    if slow is not None:
        wanted.append(
            (REPAIR_EXPERIMENT, f"{slow} One repair attempt within a day is something to try.")
        )
    found = []
    for title, why in wanted:
        item = by_title.get(title.casefold())
        if item is not None and title.casefold() not in running:
            found.append(Suggestion(str(item["title"]), why, dict(item)))
    return found


def is_repair_experiment(experiment: Experiment) -> bool:
    """Whether an experiment is about repair: the library's repair experiment, or one
    whose name or practice speaks of repair (its words are the person's own)."""
    words = f"{experiment.title} {experiment.practice}".casefold()
    return experiment.title.casefold() == REPAIR_EXPERIMENT.casefold() or "repair" in words


def repair_experiments(experiments: Iterable[Experiment], day: str) -> list[Experiment]:
    """Active repair experiments whose period includes ``day`` (practice can be
    logged for them on it)."""
    found = []
    for e in experiments:
        if e.status != "active" or not is_repair_experiment(e):
            continue
        start, end = practice_span(e.started_on, e.ends_on, e.ended_on)
        if start <= day <= end:
            found.append(e)
    return found
