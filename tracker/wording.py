"""Words for experiments and ruptures: plain records in, plain text out.

Pure formatting, used by the app's screens (:mod:`tracker.app.styled` adds the
styles). Progress is shown as what was done ("3 of 5"), never as a verdict. No
Textual, no Rich: this is below the app.
"""

from __future__ import annotations

import datetime as dt

from tracker import clock
from tracker.models import MY_MOVES, Experiment, PracticeLog, Rupture

MOVE_WORDS = {
    "pursued": "pursued (pushed for contact)",
    "withdrew": "withdrew (went quiet, pulled away)",
    "attacked": "attacked (got sharp or blaming)",
    "froze": "froze (went blank)",
    "other": "something else",
}
"""How each move is shown: plain, without judgement."""

CUE_WORDS = {"urge": "when an urge comes", "planned": "at a time I choose"}
"""What starts an experiment's practice (``Experiment.cue``), in words."""

MOVE_SENTENCES = {
    "pursued": "I pursued",
    "withdrew": "I withdrew",
    "attacked": "I attacked",
    "froze": "I froze",
    "other": "I did something else",
}
"""Each move as the short sentence a rupture's line starts with."""


def times_words(done: int, target: int) -> str:
    """ "3 of 5 times", or "6 times (the aim was 5)" once past the aim: never "6 of 5"."""
    if done <= target:
        return f"{done} of {target} times"
    return f"{done} times (the aim was {target})"


MOVE_KEYS = {"pursued": "p", "withdrew": "w", "attacked": "a", "froze": "f", "other": "o"}
assert set(MOVE_KEYS) == set(MY_MOVES)


def day_label(day: str | dt.date, today: dt.date | None = None) -> str:
    """``Sat 28 Nov`` in the current year, ``Fri 3 Feb 2023`` in any other."""
    d = dt.date.fromisoformat(day) if isinstance(day, str) else day
    label = f"{d:%a} {d.day} {d:%b}"
    return label if d.year == (today or clock.today()).year else f"{label} {d.year}"


def span_label(first: str | dt.date, last: str | dt.date, today: dt.date | None = None) -> str:
    """``Sun 8 Nov to Sat 21 Nov 2025``: the year once, when both days share it."""
    start = dt.date.fromisoformat(first) if isinstance(first, str) else first
    end = dt.date.fromisoformat(last) if isinstance(last, str) else last
    head = (
        f"{start:%a} {start.day} {start:%b}" if start.year == end.year else day_label(start, today)
    )
    return f"{head} to {day_label(end, today)}"


def days_between(first: str, last: str | dt.date) -> int:
    """Whole days from ``first`` to ``last`` (negative when ``last`` comes first)."""
    end = dt.date.fromisoformat(last) if isinstance(last, str) else last
    return (end - dt.date.fromisoformat(first)).days


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def ago_words(day: str | dt.date, today: dt.date | None = None) -> str:
    """How long ago ``day`` was, plainly: "today", "3 days ago", "5 months ago",
    "3 years, 9 months ago" (whole calendar months, never rounded up)."""
    d = dt.date.fromisoformat(day) if isinstance(day, str) else day
    today = today or clock.today()
    days = (today - d).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    months = (today.year - d.year) * 12 + today.month - d.month - (today.day < d.day)
    if months < 2:
        return f"{days} days ago"
    years, months = divmod(months, 12)
    if not years:
        return f"{_plural(months, 'month')} ago"
    if not months:
        return f"{_plural(years, 'year')} ago"
    return f"{_plural(years, 'year')}, {_plural(months, 'month')} ago"


OPEN, REPAIRED, LET_REST = "open", "repaired", "let rest"
"""Where a rupture stands: open (not yet repaired), repaired, or let rest (closed
without being called repaired: a choice, not a failure)."""


def rupture_state(rupture: Rupture) -> str:
    """:data:`OPEN`, :data:`REPAIRED` or :data:`LET_REST`."""
    if rupture.repaired_on:
        return REPAIRED
    return LET_REST if rupture.let_rest_on else OPEN


def let_rest_words(rupture: Rupture, today: dt.date | None = None) -> str:
    """ "let rest on Sat 28 Nov" ("" when it was not let rest)."""
    if not rupture.let_rest_on:
        return ""
    return f"let rest on {day_label(rupture.let_rest_on, today)}"


def repair_time_words(rupture: Rupture) -> str:
    """How long repair took, in words ("repaired the same day", "after 3 days")."""
    if rupture.repaired_on is None:
        return ""
    days = days_between(rupture.day, rupture.repaired_on)
    if days <= 0:
        return "repaired the same day"
    if days == 1:
        return "repaired the next day"
    return f"repaired after {days} days"


def count_words(done: int, target: int) -> str:
    """ "3 of 5", or "7 (aim: 5)" once past the aim."""
    return f"{done} of {target}" if done <= target else f"{done} (aim: {target})"


def filled_cells(done: int, target: int, width: int = 10) -> int:
    """How many of ``width`` cells a bar of ``done`` out of ``target`` fills."""
    target = max(target, 1)
    return min(width, round(width * min(done, target) / target))


def belief_words(exp: Experiment) -> str:
    """ "belief 70% → 30%"; "belief 70% at the start" until it is asked again."""
    before, after = exp.belief_before, exp.belief_after
    if before is None and after is None:
        return "belief not noted"
    if after is None:
        return f"belief {before}% at the start"
    if before is None:
        return f"belief {after}% at the end"
    return f"belief {before}% → {after}%"


def period_words(exp: Experiment, today: dt.date) -> str:
    """Where an active experiment is in its period, gently."""
    start = dt.date.fromisoformat(exp.started_on)
    end = dt.date.fromisoformat(exp.ends_on)
    length = (end - start).days + 1
    if exp.status != "active":
        return span_label(start, end, today)
    if today < start:
        return f"starts {day_label(start, today)}"
    if today > end:
        return "period over: x completes it"
    return f"day {(today - start).days + 1} of {length}"


STATUS_MARK = {"active": "●", "completed": "✓", "dropped": "○"}


def distress_words(log: PracticeLog) -> str:
    """ "distress 3 → 1"; a side not rated shows as "–"."""

    def one(v: int | None) -> str:
        return "–" if v is None else str(v)

    if log.distress_before is None and log.distress_after is None:
        return "distress not rated"
    return f"distress {one(log.distress_before)} → {one(log.distress_after)}"
