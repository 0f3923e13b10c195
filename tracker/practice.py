"""Logging practice: which experiment a name means, which days take a log, and the
sentence that says what was logged.

One set of rules for the app (``l`` on Today, the practice dialog) and for
``tracker practice``. Pure: records in, records or words out; no I/O, no Textual,
no click. Refusals are :class:`~tracker.models.ValidationError` with a one-line
message naming what is wrong and what is allowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.models import Experiment, PracticeLog, ValidationError, practice_span
from tracker.text import one_line
from tracker.wording import distress_words

SHORT_ID = 8
"""How many characters of an id ``tracker experiments`` shows (``tracker practice``
takes any start of an id of at least :data:`MIN_ID_START` characters)."""
MIN_ID_START = 4


class Refusal(ValidationError):
    """A :class:`ValidationError` whose whole one-line sentence is given."""

    def __init__(self, field_name: str, value: object, allowed: str, message: str) -> None:
        ValueError.__init__(self, message)
        self.field = field_name
        self.value = value
        self.allowed = allowed


class ExperimentNotChosen(Refusal):
    """The experiment given (or left out) does not name exactly one to log practice
    for; the message says which were meant and how to name one."""

    def __init__(self, given: str, message: str) -> None:
        super().__init__(
            "experiment",
            given,
            "an id or a start of the title that fits one running experiment",
            message,
        )


def short_id(experiment_id: str) -> str:
    """The start of an id that ``tracker experiments`` shows."""
    return experiment_id[:SHORT_ID]


def title_words(experiment: Experiment, limit: int = 40) -> str:
    """“Three breaths” for a one-line message (cut with … when long)."""
    title = one_line(experiment.title)
    if len(title) > limit:
        title = title[: limit - 1].rstrip() + "…"
    return f"“{title}”"


def _named(experiments: Sequence[Experiment], limit: int = 4) -> str:
    """“A” (1a2b3c4d), “B” (5e6f7a8b) and 2 more."""
    shown = [f"{title_words(e, 30)} ({short_id(e.id)})" for e in experiments[:limit]]
    more = len(experiments) - len(shown)
    if more:
        shown.append(f"{more} more")
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _matches(experiments: Sequence[Experiment], given: str) -> list[Experiment]:
    """The experiments whose id starts with ``given`` (at least MIN_ID_START
    characters), or whose title starts with it, ignoring case."""
    wanted = " ".join(given.split()).casefold()
    found = []
    for exp in experiments:
        by_id = len(wanted) >= MIN_ID_START and exp.id.casefold().startswith(wanted)
        by_title = " ".join(exp.title.split()).casefold().startswith(wanted)
        if by_id or by_title:
            found.append(exp)
    return found


def resolve_experiment(experiments: Sequence[Experiment], given: str | None) -> Experiment:
    """The one active experiment that ``given`` names: its id, a start of its id, or a
    start of its title (any case). Left out (``None`` or blank), the only active one.

    When the start fits an active experiment and finished ones, the active one is
    meant (a next experiment often shares its predecessor's title).

    Raises:
        ExperimentNotChosen: no experiment fits, several active ones do, the one
            that fits is completed or set aside, or none was given and not exactly
            one is active.
    """
    active = [e for e in experiments if e.status == "active"]
    if given is None or not given.strip():
        if len(active) == 1:
            return active[0]
        if not active:
            raise ExperimentNotChosen(
                "",
                "No experiment is running, so there is nothing to log practice for: "
                "start one in the app (press e, then n).",
            )
        raise ExperimentNotChosen(
            "",
            f"{len(active)} experiments are running: name one by its id or the start of "
            f"its title ({_named(active)}).",
        )
    exact = [e for e in experiments if e.id == given.strip().lower()]
    matches = exact or _matches(experiments, given)
    shown = one_line(given.strip())
    if not matches:
        listed = f" Running now: {_named(active)}." if active else " None is running now."
        raise ExperimentNotChosen(
            given,
            f"experiment: no experiment has the id or a title starting “{shown}”; "
            f"use an id or the start of a title ('tracker experiments' lists them).{listed}",
        )
    running = [e for e in matches if e.status == "active"]
    if len(running) == 1:
        return running[0]
    if len(running) > 1:
        raise ExperimentNotChosen(
            given,
            f"experiment: “{shown}” fits {len(running)} running experiments "
            f"({_named(running)}); give more of the title, or the id.",
        )
    if len(matches) == 1:
        exp = matches[0]
        how = "completed" if exp.status == "completed" else "set aside"
        when = f" on {exp.ended_on}" if exp.ended_on else ""
        raise ExperimentNotChosen(
            given,
            f"experiment: {title_words(exp)} was {how}{when}; practice is logged while an "
            "experiment is running" + (f" (running now: {_named(active)})." if active else "."),
        )
    raise ExperimentNotChosen(
        given,
        f"experiment: “{shown}” fits {len(matches)} experiments, none of them running "
        f"({_named(matches)}); practice is logged while an experiment is running.",
    )


# --- which days take a log ---------------------------------------------------------------


@dataclass(frozen=True)
class LogDays:
    """The days practice of one experiment can be logged on, as of today."""

    first: dt.date
    """Its first day."""
    last: dt.date
    """The last day that can take a log now: its last day, or today if that is earlier."""
    period_end: dt.date
    """Its last day (``ends_on``, or ``ended_on`` when it was ended early)."""

    def default_day(self, today: dt.date) -> dt.date:
        """The day the practice dialog opens on: today, or the period's last day once
        the period is over."""
        return min(today, self.last)

    def contains(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


def log_days(experiment: Experiment, today: dt.date) -> LogDays | None:
    """The days ``experiment`` takes a practice log on; ``None`` before it starts."""
    start, end = practice_span(experiment.started_on, experiment.ends_on, experiment.ended_on)
    first, period_end = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    last = min(period_end, today)
    if last < first:
        return None
    return LogDays(first, last, period_end)


def period_over(experiment: Experiment, today: dt.date) -> bool:
    """An experiment still running whose last planned day is before today (time to
    complete it)."""
    return experiment.status == "active" and experiment.ends_on < today.isoformat()


def check_log_day(experiment: Experiment, day: str, today: dt.date) -> None:
    """Refuse a practice log on a day after today, or outside the experiment's period.

    Raises:
        ValidationError: on ``day``, naming the period and the days allowed.
    """
    start, end = practice_span(experiment.started_on, experiment.ends_on, experiment.ended_on)
    if start > today.isoformat():
        raise Refusal(
            "day",
            day,
            f"a day from {start} on",
            f"{title_words(experiment)} starts on {start}; practice can be logged from then.",
        )
    if day > today.isoformat():
        raise ValidationError(
            "day",
            day,
            f"today ({today.isoformat()}) or an earlier day of its period ({start} to {end})",
        )
    if not start <= day <= end:
        last = min(end, today.isoformat())
        until = " (when it runs)" if last == end else f", up to today ({last})"
        raise ValidationError("day", day, f"a day in its period, {start} to {end}{until}")


def earlier_refusal(experiment: Experiment, days: LogDays) -> str:
    """Why ``[`` goes no further back: the experiment starts there."""
    return f"{title_words(experiment)} started on {long_day(days.first)}: no earlier day to log."


def later_refusal(experiment: Experiment, days: LogDays, today: dt.date) -> str:
    """Why ``]`` goes no further on: today, or the end of the period."""
    if days.last == today:
        return "Practice can be logged up to today, not for a day still to come."
    return (
        f"{title_words(experiment)}'s period ended on {long_day(days.period_end)}: "
        "no later day to log."
    )


# --- words ----------------------------------------------------------------------------


def long_day(day: dt.date | str, today: dt.date | None = None) -> str:
    """ "Tuesday 24 November"; the year too when it is not this year's."""
    d = dt.date.fromisoformat(day) if isinstance(day, str) else day
    text = f"{d:%A} {d.day} {d:%B}"
    if today is not None and d.year != today.year:
        text += f" {d.year}"
    return text


def when_words(day: dt.date, today: dt.date) -> str:
    """ "today", "yesterday", "4 days ago"."""
    days = (today - day).days
    return "today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"


def day_heading(day: dt.date, today: dt.date) -> str:
    """ "today, Saturday 28 November"; "Tuesday 24 November, 4 days ago"."""
    when = when_words(day, today)
    if when in ("today", "yesterday"):
        return f"{when}, {long_day(day, today)}"
    return f"{long_day(day, today)}, {when}"


def logged_words(
    log: PracticeLog, experiment: Experiment, today: dt.date, *, updated: bool = False
) -> str:
    """What was logged, for which day and experiment, in one warm line."""
    day = dt.date.fromisoformat(log.day)
    when = when_words(day, today)
    if when not in ("today", "yesterday"):
        when = long_day(day, today)
    head = f"{'Updated' if updated else 'Logged'} {title_words(experiment)} for {when}"
    if not log.done:
        return f"{head}: not this time. Not practising is information too."
    details = []
    if log.distress_before is not None or log.distress_after is not None:
        details.append(distress_words(log))
    if log.prediction_happened is not None:
        details.append(f"what you predicted happened {log.prediction_happened}%")
    extra = f" ({'; '.join(details)})" if details else ""
    return f"{head}: practised{extra}. Well noticed."
