"""Patterns: what went together, person by person, and urge-cued practice (pure).

Computed from a :class:`~tracker.store.patterns.PatternFacts` (the store gathers the
rows); no SQL and no I/O here. The definitions, which the figures can be checked
against with plain SQL (the README and ``tracker patterns --json`` say the same):

**With and without.** Over the days of a range that have a check-in:

* a day is **with X** when any check-in that day names X (a person, a tag or an
  emotion); **without X** are the other days of the range with a check-in;
* for **paused**, a day is *with* when a check-in that day paused
  (``checkins.paused = 1``) and *without* when its check-ins answered "no"
  (``paused = 0``) and none "yes": a hard moment without a pause. Days whose
  check-ins left the question unanswered (no hard moment) are on neither side, so
  that "paused" is set against "did not pause", not against calm days;
* the **value of a day** is the mean of the scale over that day's check-ins that
  rated it (all of them, not only those naming X); a day where none rated the
  scale is not counted for that scale;
* each side's figure is the mean of its days' values, with the number of days;
* a comparison is **shown** only when both sides have at least
  :data:`MIN_DAYS_EACH_SIDE` (3) days; every comparison, shown or not, is in the JSON.

Shown comparisons are ordered by the size of the difference (in scale points,
largest first; ties by kind, name and scale), and the app and the command list the
first :data:`TOP_COMPARISONS`. They say what went together, never what caused what.

**Person by person.** For each person named in a check-in or a rupture of the range:
the mean urge to pursue and to withdraw over the check-ins naming them that rated
it (each check-in counts once, with n); how often an urge was acted on (``yes`` out
of the check-ins naming them that answered); the ruptures with them whose day is in
the range: repaired, let rest (closed, not repaired) and still open; the median of
whole days from rupture to repair over the repaired ones; and the repair steps
taken, most often first.

**Urge-cued experiments.** Experiments whose cue is ``urge`` (a cue left empty
counts as not urge-cued: the practice dialog asks distress before of every log,
so its answers do not tell what cued a practice) that ran in the range: distress
before and after first (the logs of the range marked done that rated both), then the
practised-versus-not days comparison of :func:`tracker.analytics.practice_comparison`
over the experiment's days within the range, with the reminder that urge-cued
practice falls on hard days.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tracker.analytics import (
    METRIC_WORDS,
    METRICS,
    MIN_DAYS_EACH_SIDE,
    PracticeComparison,
    experiment_period,
    fmt,
    overlaps,
    plural,
    practice_comparison,
)
from tracker.models import REPAIR_STEPS
from tracker.text import one_line

if TYPE_CHECKING:
    from tracker.store.patterns import PatternFacts

__all__ = [
    "MIN_DAYS_EACH_SIDE",
    "Comparison",
    "Patterns",
    "PersonPattern",
    "UrgeExperiment",
    "patterns",
]

Quote = Callable[[str], str]
"""What user text goes through on its way out (default :func:`~tracker.text.one_line`)."""

TOP_COMPARISONS = 12
"""Comparisons listed by the app and ``tracker patterns`` (the JSON has them all)."""
TOP_PER_SUBJECT = 2
"""Of those, at most this many about one person, tag, emotion or pausing (its largest
differences), so the list is not one word's five scales."""

KINDS: tuple[str, ...] = ("person", "tag", "emotion", "paused")
"""What is compared, in the order ties are listed."""

_KIND_OF_NAMES = {"people": "person", "tags": "tag", "emotions": "emotion"}

URGE_CUED_WORDS = (
    "Practice cued by an urge happens when the urge comes, so it falls on hard days: "
    "lower regulation on the days practised is what to expect. It shows when you "
    "practised, not what practising did."
)

TOGETHER_WORDS = (
    "What went together, side by side: not what caused what. Each day counts once "
    f"(the mean of its check-ins), and a comparison shows only with at least "
    f"{MIN_DAYS_EACH_SIDE} days on each side."
)

DEFINITIONS: dict[str, str] = {
    "day_with": "a day with a check-in naming it (for paused: a check-in with paused = 1)",
    "day_without": "the other days of the range with a check-in (for paused: days whose "
    "check-ins answered paused = 0 and none paused = 1; days where none answered are on "
    "neither side)",
    "value_of_a_day": "the mean of the scale over all of that day's check-ins that rated "
    "it; a day where none rated it is not counted for that scale",
    "shown": f"only when both sides have at least {MIN_DAYS_EACH_SIDE} days",
    "order": "shown comparisons by the size of the difference, largest first (ties by "
    "kind, name, scale); then the others, by kind, name and scale",
    "person_urges": "the mean over the check-ins naming the person that rated the urge",
    "person_acted": "check-ins naming the person that said yes, of those that answered",
    "median_days_to_repair": "whole days from a rupture's day to its repaired_on, "
    "median over the repaired ruptures (let rest is closed, not repaired)",
    "urge_cued": "experiments with cue = 'urge' (an empty cue is not urge-cued)",
    "distress": "practice logs of the range marked done that rated distress before and after",
}
"""How each figure is counted, in words (for ``--json``)."""


# --- with and without ------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One side of a comparison: how many days, and the mean of their values."""

    days: int
    mean: float | None

    def as_json(self) -> dict[str, Any]:
        return {"days": self.days, "mean": self.mean}


def _side(values: Sequence[float]) -> Side:
    return Side(len(values), math.fsum(values) / len(values) if values else None)


@dataclass(frozen=True)
class Comparison:
    """One scale on days with something against days without it."""

    kind: str
    """``person``, ``tag``, ``emotion`` or ``paused``."""
    name: str
    metric: str
    with_: Side
    without: Side

    @property
    def enough(self) -> bool:
        """Shown only when each side has at least :data:`MIN_DAYS_EACH_SIDE` days."""
        return self.with_.days >= MIN_DAYS_EACH_SIDE and self.without.days >= MIN_DAYS_EACH_SIDE

    @property
    def difference(self) -> float | None:
        """With minus without, in scale points (``None`` when a side has no days)."""
        if self.with_.mean is None or self.without.mean is None:
            return None
        return self.with_.mean - self.without.mean

    @property
    def subject(self) -> str:
        """What it is about, in a few words: "Sam", "tag work", "paused"."""
        name = one_line(self.name)
        return {"person": name, "tag": f"tag {name}", "emotion": name}.get(self.kind, "paused")

    def words(self, quote: Quote = one_line) -> str:
        """What went together, both sides with their days: never a cause.

        ``quote`` makes user text (the name) safe where it goes (a terminal line;
        Markdown)."""
        name = quote(self.name)
        scale = METRIC_WORDS.get(self.metric, self.metric)
        on, off = self.with_, self.without
        if self.kind == "paused":
            first, second = "you paused", "you didn't (a hard moment, no pause)"
        elif self.kind == "emotion":
            first, second = f"you named {name}", "you didn't"
        elif self.kind == "tag":
            first, second = f"tagged {name}", "without"
        else:
            first, second = f"with {name}", "without"
        if not self.enough:
            return (
                f"{scale[0].upper()}{scale[1:]}, days {first} and days {second}: not enough "
                f"days to compare yet ({on.days:,} and {off.days:,}; each side needs "
                f"{MIN_DAYS_EACH_SIDE})."
            )
        return (
            f"On the {plural(on.days, 'day')} {first}, {scale} averaged {fmt(on.mean)}; "
            f"on the {plural(off.days, 'day')} {second}, {fmt(off.mean)}."
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "metric": self.metric,
            "with": self.with_.as_json(),
            "without": self.without.as_json(),
            "difference": self.difference,
            "shown": self.enough,
            "words": self.words(),
        }


def _day_values(daily: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """Per scale: day -> that day's mean, for the days that rated it (in the rows'
    order: the store gives them oldest first)."""
    values: dict[str, dict[str, float]] = {m: {} for m in METRICS}
    for row in daily:
        day = str(row["day"])
        for metric in METRICS:
            value = row.get(metric)
            if value is not None:
                values[metric][day] = float(value)
    return values


def compare_days(
    kind: str,
    name: str,
    with_days: Iterable[str],
    values: Mapping[str, Mapping[str, float]],
    without_days: Iterable[str] | None = None,
    totals: Mapping[str, tuple[float, int]] | None = None,
) -> list[Comparison]:
    """Each scale on ``with_days`` against ``without_days`` (default: every other day
    that has a value), from ``values`` (per scale: day -> the day's mean).

    Without ``without_days``, the other side is the whole range less the days with:
    ``totals`` (per scale: the exact sum of every day's value and how many days,
    :func:`_totals`) saves going over every day for each word, so the work grows
    with the days each word was named on, not with words times days.
    """
    on = sorted(set(with_days))
    off = None if without_days is None else sorted(set(without_days) - set(on))
    out = []
    for metric in METRICS:
        by_day = values.get(metric, {})
        inside = [by_day[d] for d in on if d in by_day]
        if off is not None:
            outside = _side([by_day[d] for d in off if d in by_day])
        else:
            total, days = (totals or _totals(values))[metric]
            rest = days - len(inside)
            outside = Side(rest, (total - math.fsum(inside)) / rest if rest else None)
        out.append(Comparison(kind, name, metric, _side(inside), outside))
    return out


def _totals(values: Mapping[str, Mapping[str, float]]) -> dict[str, tuple[float, int]]:
    """Per scale: the sum of every day's value (exactly rounded) and the number of days."""
    return {m: (math.fsum(values.get(m, {}).values()), len(values.get(m, {}))) for m in METRICS}


def _sort_key(c: Comparison) -> tuple[Any, ...]:
    return (KINDS.index(c.kind), c.name.casefold(), c.name, METRICS.index(c.metric))


def with_and_without(
    daily: Iterable[Mapping[str, Any]],
    named: Mapping[str, Mapping[str, Iterable[str]]],
    paused: Mapping[str, int],
    *,
    person: str | None = None,
) -> list[Comparison]:
    """Every comparison of the range: shown ones first, largest difference first,
    then the ones without enough days (by kind, name, scale).

    ``daily``: per-day means of the range; ``named``: per kind (``people``,
    ``tags``, ``emotions``) each name's days; ``paused``: per day 1 (a check-in
    paused) or 0 (answered no, none yes). ``person``: only that person (as stored).
    """
    values = _day_values(daily)
    totals = _totals(values)
    found: list[Comparison] = []
    for names_kind, kind in _KIND_OF_NAMES.items():
        for name, days in named.get(names_kind, {}).items():
            if person is not None and (kind != "person" or name != person):
                continue
            found += compare_days(kind, name, days, values, totals=totals)
    if person is None and paused:
        yes = [d for d, answer in paused.items() if answer]
        no = [d for d, answer in paused.items() if not answer]
        found += compare_days("paused", "paused", yes, values, without_days=no)
    shown = sorted(
        (c for c in found if c.enough),
        key=lambda c: (-abs(c.difference or 0.0), *_sort_key(c)),
    )
    rest = sorted((c for c in found if not c.enough), key=_sort_key)
    return shown + rest


# --- person by person ------------------------------------------------------------------


@dataclass(frozen=True)
class Urge:
    """One urge on the check-ins naming a person."""

    mean: float | None
    rated: int
    """Check-ins naming the person that rated the urge."""
    acted: int
    """Of those naming the person that answered "acted on it?", how many said yes."""
    answered: int

    def words(self, urge: str) -> str:
        text = (
            f"The urge to {urge} averaged {fmt(self.mean)} "
            f"({plural(self.rated, 'check-in')} rated it)"
            if self.rated
            else f"The urge to {urge} was not rated on these check-ins"
        )
        if self.answered:
            return text + f"; you acted on it {self.acted:,} of {plural(self.answered, 'time')}."
        return text + "; whether you acted on it was not answered."

    def as_json(self) -> dict[str, Any]:
        return {
            "mean": self.mean,
            "rated": self.rated,
            "acted": self.acted,
            "answered": self.answered,
        }


@dataclass(frozen=True)
class PersonPattern:
    """One person: urges on the check-ins naming them, and the ruptures with them."""

    name: str
    checkins: int
    days: int
    pursue: Urge
    withdraw: Urge
    ruptures: int
    repaired: int
    let_rest: int
    still_open: int
    median_days_to_repair: float | None
    repair_steps: tuple[tuple[str, str, int], ...]
    """(flag, words, times) of each repair step taken, most often first."""

    def lines(self, quote: Quote = one_line) -> list[str]:
        """The person in plain words: a heading line, then one line per fact."""
        name = quote(self.name)
        head = (
            f"{name}: named in {plural(self.checkins, 'check-in')} on {plural(self.days, 'day')}."
            if self.checkins
            else f"{name}: not named in a check-in of this period."
        )
        out = [head]
        if self.checkins:
            out += [self.pursue.words("pursue"), self.withdraw.words("withdraw")]
        out.append(self.rupture_words())
        if self.ruptures:
            if self.repair_steps:
                steps = ", ".join(f"{words} ({times:,})" for _, words, times in self.repair_steps)
                out.append(f"Repair steps used most: {steps}.")
            else:
                out.append("No repair steps recorded with them yet.")
        return out

    def rupture_words(self) -> str:
        if not self.ruptures:
            return "No ruptures with them in this period."
        parts = [f"{self.repaired:,} repaired"]
        if self.let_rest:
            parts.append(f"{self.let_rest:,} let rest")
        if self.still_open:
            parts.append(f"{self.still_open:,} still open")
        text = f"{plural(self.ruptures, 'rupture')} with them: {', '.join(parts)}"
        if self.median_days_to_repair is None:
            return text + "."
        return text + f"; a median of {_days_words(self.median_days_to_repair)} to repair."

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "checkins": self.checkins,
            "days": self.days,
            "pursue": self.pursue.as_json(),
            "withdraw": self.withdraw.as_json(),
            "ruptures": {
                "count": self.ruptures,
                "repaired": self.repaired,
                "let_rest": self.let_rest,
                "open": self.still_open,
                "median_days_to_repair": self.median_days_to_repair,
                "repair_steps": [
                    {"step": key, "words": words, "times": times}
                    for key, words, times in self.repair_steps
                ],
            },
        }


def _days_words(value: float) -> str:
    if value == 0:
        return "0 days (the same day)"
    shown = f"{value:g}"
    return f"{shown} day" if value == 1 else f"{shown} days"


def _urge(rows: Sequence[Mapping[str, Any]], urge: str) -> Urge:
    rated = [r[urge] for r in rows if r.get(urge) is not None]
    answers = [r[f"{urge}_acted"] for r in rows if r.get(f"{urge}_acted") is not None]
    return Urge(sum(rated) / len(rated) if rated else None, len(rated), sum(answers), len(answers))


def person_patterns(
    person_checkins: Iterable[Mapping[str, Any]],
    ruptures: Iterable[Any],
    *,
    person: str | None = None,
) -> list[PersonPattern]:
    """Each person named in ``person_checkins`` or ``ruptures``, most check-ins first
    (then most ruptures, then by name).

    ``person_checkins``: one row per (person, check-in): ``person``, ``day``,
    ``pursue``, ``withdraw``, ``pursue_acted``, ``withdraw_acted``. ``ruptures``:
    records with ``people``, ``day``, ``repaired_on``, ``let_rest_on`` and the repair
    step flags. ``person``: only that person (as stored).
    """
    rows: dict[str, list[Mapping[str, Any]]] = {}
    for row in person_checkins:
        rows.setdefault(str(row["person"]), []).append(row)
    with_them: dict[str, list[Any]] = {}
    for rupture in ruptures:
        for name in rupture.people:
            with_them.setdefault(name, []).append(rupture)
    out = []
    for name in set(rows) | set(with_them):
        if person is not None and name != person:
            continue
        mine = rows.get(name, [])
        theirs = with_them.get(name, [])
        repaired = [r for r in theirs if r.repaired_on]
        days = [
            (dt.date.fromisoformat(r.repaired_on) - dt.date.fromisoformat(r.day)).days
            for r in repaired
        ]
        let_rest = sum(1 for r in theirs if not r.repaired_on and r.let_rest_on)
        steps = [
            (key, words, sum(1 for r in theirs if getattr(r, key))) for key, words in REPAIR_STEPS
        ]
        out.append(
            PersonPattern(
                name=name,
                checkins=len(mine),
                days=len({str(r["day"]) for r in mine}),
                pursue=_urge(mine, "pursue"),
                withdraw=_urge(mine, "withdraw"),
                ruptures=len(theirs),
                repaired=len(repaired),
                let_rest=let_rest,
                still_open=len(theirs) - len(repaired) - let_rest,
                median_days_to_repair=statistics.median(days) if days else None,
                repair_steps=tuple(
                    sorted((s for s in steps if s[2]), key=lambda s: -s[2])  # stable: flag order
                ),
            )
        )
    return sorted(out, key=lambda p: (-p.checkins, -p.ruptures, p.name.casefold(), p.name))


# --- urge-cued experiments -------------------------------------------------------------


@dataclass(frozen=True)
class UrgeExperiment:
    """An urge-cued experiment over a range: distress first, then the days compared."""

    experiment_id: str
    title: str
    period: tuple[dt.date, dt.date]
    """Its days within the range (start to its end or today, clipped to the range)."""
    distress_before: float | None
    distress_after: float | None
    distress_logs: int
    days: PracticeComparison

    def lines(self, quote: Quote = one_line) -> list[str]:
        """Distress before and after, then the days compared."""
        title = quote(self.title)
        if self.distress_logs:
            distress = (
                f'"{title}": distress averaged {fmt(self.distress_before)} before practising '
                f"and {fmt(self.distress_after)} after ({plural(self.distress_logs, 'log')} "
                "that rated both, 0 none to 5 extreme)."
            )
        else:
            distress = (
                f'"{title}": no practice in this period rated distress both before and after.'
            )
        return [distress, replace(self.days, title=title).words()]

    def as_json(self) -> dict[str, Any]:
        c = self.days
        return {
            "id": self.experiment_id,
            "title": self.title,
            "period": [self.period[0].isoformat(), self.period[1].isoformat()],
            "distress": {
                "before": self.distress_before,
                "after": self.distress_after,
                "logs": self.distress_logs,
            },
            "regulation": {
                "practised": {"days": c.practised_days, "mean": c.practised_mean},
                "other": {"days": c.other_days, "mean": c.other_mean},
                "practised_unrated": c.practised_unrated,
                "shown": c.enough,
                "words": c.words(),
            },
        }


def is_urge_cued(experiment: Any) -> bool:
    """Whether practice is cued by an urge (``cue = 'urge'``; empty is not)."""
    return getattr(experiment, "cue", None) == "urge"


def urge_experiments(
    experiments: Iterable[Any],
    logs: Iterable[Any],
    daily: Iterable[Mapping[str, Any]],
    since: dt.date,
    until: dt.date,
    today: dt.date,
) -> list[UrgeExperiment]:
    """The urge-cued experiments that ran in the range, newest first.

    ``logs`` and ``daily`` are those of the range (practice logs; per-day means).
    """
    regulation = {
        str(r["day"]): float(r["regulation"]) for r in daily if r.get("regulation") is not None
    }
    lo, hi = since.isoformat(), until.isoformat()
    logs = [log for log in logs if lo <= log.day <= hi]
    out = []
    chosen = sorted(
        (e for e in experiments if is_urge_cued(e) and overlaps(e, since, until)),
        key=lambda e: (e.started_on, e.created_at),
        reverse=True,
    )
    for e in chosen:
        start, end = experiment_period(e, today)
        start, end = max(start, since), min(end, until)
        mine = [log for log in logs if log.experiment_id == e.id]
        pairs = [
            (log.distress_before, log.distress_after)
            for log in mine
            if log.done and log.distress_before is not None and log.distress_after is not None
        ]
        practised = {log.day for log in mine if log.done}
        inside = {d: v for d, v in regulation.items() if start.isoformat() <= d <= end.isoformat()}
        out.append(
            UrgeExperiment(
                experiment_id=e.id,
                title=e.title,
                period=(start, end),
                distress_before=sum(p[0] for p in pairs) / len(pairs) if pairs else None,
                distress_after=sum(p[1] for p in pairs) / len(pairs) if pairs else None,
                distress_logs=len(pairs),
                days=practice_comparison(e, practised, inside, today),
            )
        )
    return out


def _listed(shown: Sequence[Comparison], top: int | None) -> list[Comparison]:
    """The first ``top`` comparisons (all with ``None``), at most
    :data:`TOP_PER_SUBJECT` about each subject when ``top`` is given."""
    if top is None:
        return list(shown)
    out: list[Comparison] = []
    per: dict[tuple[str, str], int] = {}
    for c in shown:
        key = (c.kind, c.name)
        if per.get(key, 0) < TOP_PER_SUBJECT:
            per[key] = per.get(key, 0) + 1
            out.append(c)
            if len(out) == top:
                break
    return out


# --- all of it ---------------------------------------------------------------------------


Paragraph = tuple[str, str]
"""(kind, text): kind is "title", "heading", "plain" or "item"."""


@dataclass(frozen=True)
class Patterns:
    """The patterns of one range (and, with ``person``, of one person)."""

    since: dt.date
    until: dt.date
    days_checked: int
    person: str | None
    comparisons: tuple[Comparison, ...]
    people: tuple[PersonPattern, ...]
    experiments: tuple[UrgeExperiment, ...]

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    @property
    def shown(self) -> tuple[Comparison, ...]:
        """The comparisons with enough days on each side, largest difference first."""
        return tuple(c for c in self.comparisons if c.enough)

    def paragraphs(
        self,
        top: int | None = TOP_COMPARISONS,
        people: int | None = None,
        quote: Quote = one_line,
    ) -> list[Paragraph]:
        """The patterns as paragraphs to lay out (app, command, report).

        ``top``: how many comparisons to list (``None``: all shown; with ``person``
        all are, whatever ``top`` says); ``people``: how many people (``None``: all);
        ``quote``: what user text (names, titles) goes through.
        """
        if self.person is not None:
            top = None
        out: list[Paragraph] = [("plain", TOGETHER_WORDS)]
        shown = self.shown
        out.append(("heading", "With and without"))
        if not self.days_checked:
            out.append(("item", "No check-ins in this period, so nothing to compare yet."))
        elif not shown:
            out.append(
                (
                    "item",
                    "Nothing to compare yet: no word"
                    + ("" if self.person is None else " about this person")
                    + f" has {MIN_DAYS_EACH_SIDE} days with it and {MIN_DAYS_EACH_SIDE} "
                    "without, with the same scale rated.",
                )
            )
        listed = _listed(shown, top)
        out += [("item", c.words(quote)) for c in listed]
        more = len(shown) - len(listed)
        waiting = len(self.comparisons) - len(shown)
        notes = []
        if more:
            notes.append(f"{plural(more, 'more comparison')}")
        if waiting:
            notes.append(
                f"{plural(waiting, 'comparison')} with fewer than {MIN_DAYS_EACH_SIDE} "
                "days on a side"
            )
        if notes:
            out.append(
                ("item", f"Not listed: {' and '.join(notes)} ('tracker patterns --json' has all).")
            )
        out.append(("heading", "Person by person"))
        if not self.people:
            out.append(
                (
                    "item",
                    "No one was named in a check-in or a rupture of this period."
                    if self.person is None
                    else f"{quote(self.person)} was not named in this period.",
                )
            )
        chosen = self.people if people is None else self.people[:people]
        for p in chosen:
            first, *rest = p.lines(quote)
            out.append(("subheading", first))
            out += [("item", line) for line in rest]
        if len(chosen) < len(self.people):
            left = len(self.people) - len(chosen)
            out.append(("item", f"... and {plural(left, 'more person', 'more people')}."))
        if self.person is None:
            out.append(("heading", "Experiments cued by an urge"))
            if not self.experiments:
                out.append(
                    (
                        "item",
                        "None ran in this period (an experiment's cue, an urge or a plan, "
                        "is set in its form).",
                    )
                )
            for e in self.experiments:
                first, second = e.lines(quote)
                out += [("subheading", first), ("item", second)]
            if self.experiments:
                out.append(("item", URGE_CUED_WORDS))
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "period": {
                "since": self.since.isoformat(),
                "until": self.until.isoformat(),
                "days": self.days,
                "days_with_checkin": self.days_checked,
            },
            "person": self.person,
            "min_days_each_side": MIN_DAYS_EACH_SIDE,
            "with_without": [c.as_json() for c in self.comparisons],
            "people": [p.as_json() for p in self.people],
            "urge_cued_experiments": [e.as_json() for e in self.experiments],
            "definitions": DEFINITIONS,
        }


def patterns(facts: PatternFacts, today: dt.date, *, person: str | None = None) -> Patterns:
    """Every pattern of the range ``facts`` was read for.

    ``person``: only that person, as stored (their comparisons and their figures;
    no tags, emotions, paused or experiments).
    """
    since, until = dt.date.fromisoformat(facts.since), dt.date.fromisoformat(facts.until)
    return Patterns(
        since=since,
        until=until,
        days_checked=len(facts.daily),
        person=person,
        comparisons=tuple(with_and_without(facts.daily, facts.named, facts.paused, person=person)),
        people=tuple(person_patterns(facts.person_checkins, facts.ruptures, person=person)),
        experiments=()
        if person is not None
        else tuple(
            urge_experiments(facts.experiments, facts.logs, facts.daily, since, until, today)
        ),
    )


def find_person(name: str, known: Iterable[str]) -> str | None:
    """The stored spelling of ``name`` among ``known`` people, ignoring case (an
    exact spelling first: names that differ only beyond ASCII letters, "Zoë" and
    "ZOË", can be two people)."""
    known = list(known)
    name = " ".join(name.split())
    if name in known:
        return name
    wanted = name.casefold()
    for candidate in known:
        if candidate.casefold() == wanted:
            return candidate
    return None
