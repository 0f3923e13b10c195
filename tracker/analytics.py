"""Pure functions from records to series and figures (no I/O, no SQL).

Definitions used everywhere (the app, ``tracker chart`` and ``tracker report``):

* **Daily value**: the mean of a scale over the check-ins of one calendar day that
  rated it. Several check-ins on one day are averaged; a day without a check-in (or
  whose check-ins left the scale unrated) is a gap (``None``), never a zero.
* **Average over a range**: the mean of the daily values of the days in the range
  that have one, so each day counts once however many check-ins it has.
* **7-day rolling mean** on day D: the mean of the daily values of the days from
  D-6 to D that have one; ``None`` when none of those 7 days has a value. Missing
  days are skipped, not counted as zeros, so the line bridges short gaps and breaks
  only after a full week without data.
* **Downsampling** to a chart's width: the days are cut into consecutive buckets of
  (nearly) equal length and each bucket shows the mean of its values that are not
  ``None`` (``None`` when it has none).
* **Practised versus not** for an experiment (see :func:`practice_comparison`).
* **Time to repair**: whole days from a rupture's day to its ``repaired_on`` day
  (0 when repaired the same day); the median is taken over repaired ruptures only.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tracker import days as _days
from tracker.daytable import DayTable

# Kept in tracker.days (the home screen loads them without the rest of analytics).
Consistency = _days.Consistency
as_date = _days.as_date
consistency = _days.consistency
day_range = _days.day_range
plural = _days.plural
round_half_up = _days.round_half_up

METRICS: tuple[str, ...] = ("regulation", "mood", "intensity", "pursue", "withdraw")
"""The check-in scales, in the order insights list them."""

METRIC_WORDS: dict[str, str] = {
    "regulation": "regulation",
    "mood": "mood",
    "intensity": "intensity",
    "pursue": "the urge to pursue",
    "withdraw": "the urge to withdraw",
}

ROLLING_WINDOW = 7
MIN_DAYS_EACH_SIDE = 3
"""A practised-versus-not comparison is shown only with at least this many days on each side."""


def daily_series(
    rows: Iterable[Mapping[str, object]], metric: str, since: dt.date, until: dt.date
) -> list[float | None]:
    """One value per calendar day for ``metric`` from per-day rows; gaps are ``None``.

    ``rows`` are per-day means (``Store.daily_means``): ``{"day": "YYYY-MM-DD", metric: x}``,
    or a :class:`~tracker.daytable.DayTable` of them (read by its columns).
    """
    if isinstance(rows, DayTable):
        return rows.series(metric, since, until)
    first = since.toordinal()
    out: list[float | None] = [None] * ((until - since).days + 1)
    last = len(out) - 1
    for r in rows:
        value = r.get(metric)
        if value is None:
            continue
        index = dt.date.fromisoformat(str(r["day"])).toordinal() - first
        if 0 <= index <= last:
            out[index] = float(value)  # type: ignore[arg-type]
    return out


def daily_means_from_checkins(
    checkins: Iterable[Any], metrics: Sequence[str] = METRICS
) -> list[dict[str, Any]]:
    """Per-day rows like ``Store.daily_means`` from check-in records (for tests and imports).

    Each row has ``day``, ``n`` (check-ins that day) and the mean of each metric over
    the check-ins that rated it (``None`` when none did).
    """
    by_day: dict[str, list[Any]] = {}
    for c in checkins:
        by_day.setdefault(c.day, []).append(c)
    rows = []
    for day in sorted(by_day):
        items = by_day[day]
        row: dict[str, Any] = {"day": day, "n": len(items)}
        for metric in metrics:
            values = [getattr(c, metric) for c in items if getattr(c, metric) is not None]
            row[metric] = sum(values) / len(values) if values else None
        rows.append(row)
    return rows


def rolling_mean(
    values: Sequence[float | None], window: int = ROLLING_WINDOW
) -> list[float | None]:
    """Trailing mean over ``window`` positions, skipping ``None``.

    Position i gets the mean of the values at i-window+1 .. i that are not ``None``,
    or ``None`` when there are none. O(n).
    """
    if window < 1:
        raise ValueError("window must be at least 1")
    out: list[float | None] = []
    total = 0.0
    count = 0
    for i, value in enumerate(values):
        if value is not None:
            total += value
            count += 1
        if i >= window:
            old = values[i - window]
            if old is not None:
                total -= old
                count -= 1
        out.append(total / count if count else None)
    return out


def series_with_rolling(
    rows: Iterable[Mapping[str, Any]],
    metric: str,
    since: dt.date,
    until: dt.date,
    window: int = ROLLING_WINDOW,
) -> tuple[list[float | None], list[float | None]]:
    """Daily values and their rolling mean for the days ``since``..``until``.

    The rolling mean of the first days looks back before ``since``, so pass rows that
    start ``window - 1`` days earlier when you have them (the store query does).
    """
    lead = dt.timedelta(days=window - 1)
    extended = daily_series(rows, metric, since - lead, until)
    rolled = rolling_mean(extended, window)
    skip = window - 1
    return extended[skip:], rolled[skip:]


def bucket_bounds(n: int, width: int) -> list[tuple[int, int]]:
    """Cut ``n`` positions into at most ``width`` consecutive buckets, as (start, stop)."""
    if n <= 0 or width <= 0:
        return []
    buckets = min(n, width)
    edges = [i * n // buckets for i in range(buckets + 1)]
    return [(edges[i], edges[i + 1]) for i in range(buckets)]


def downsample(values: Sequence[float | None], width: int) -> list[float | None]:
    """Bucket means of ``values`` so there are at most ``width`` of them.

    Each bucket is the mean of its values that are not ``None``; ``None`` when all are.
    Shorter series come back unchanged (as a list).
    """
    if len(values) <= width:
        return list(values)
    out: list[float | None] = []
    for start, stop in bucket_bounds(len(values), width):
        present = [v for v in values[start:stop] if v is not None]
        out.append(sum(present) / len(present) if present else None)
    return out


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not ``None``; ``None`` when there are none."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def fmt(value: float | None, digits: int = 1) -> str:
    """A figure for prose: one decimal (rounded half up), or a dash when there is none."""
    if value is None:
        return "–"
    return f"{round_half_up(value, digits):.{digits}f}"


STATUS_WORDS: dict[str, str] = {
    "active": "active",
    "completed": "completed",
    "dropped": "set aside",
}
"""An experiment's status as the app says it ("dropped" is shown as "set aside")."""


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, status)


# --- ranges and comparisons ---------------------------------------------------------


def previous_range(since: dt.date, until: dt.date) -> tuple[dt.date, dt.date]:
    """The range of the same length that ends the day before ``since``."""
    length = (until - since).days + 1
    return since - dt.timedelta(days=length), since - dt.timedelta(days=1)


@dataclass(frozen=True)
class ScaleAverage:
    """One scale's average over a range and the range before it."""

    metric: str
    current: float | None
    current_days: int
    previous: float | None
    previous_days: int

    @property
    def change(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    def words(self, before: str = "the range before") -> str:
        """Plain and neutral: a figure and the one before it, never a verdict."""
        name = METRIC_WORDS.get(self.metric, self.metric)
        name = name[0].upper() + name[1:]
        if self.current is None:
            return f"{name}: not rated in this range."
        now, then = fmt(self.current), fmt(self.previous)
        text = f"{name} averaged {now}"
        if self.previous is None:
            return text + "."
        # Judged on the figures as shown, so the words always match the numbers.
        if now == then:
            return text + f", about the same as in {before} ({then})."
        direction = "up" if float(now) > float(then) else "down"
        return text + f", {direction} from {then} in {before}."


def range_average(
    rows: Iterable[Mapping[str, Any]], metric: str, since: dt.date, until: dt.date
) -> tuple[float | None, int]:
    """(mean of the daily values, number of days with a value) within the range."""
    lo, hi = since.isoformat(), until.isoformat()
    values = [
        float(r[metric]) for r in rows if lo <= str(r["day"]) <= hi and r.get(metric) is not None
    ]
    return (sum(values) / len(values) if values else None), len(values)


# --- experiments ---------------------------------------------------------------------


def experiment_period(experiment: Any, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days an experiment ran: ``started_on`` to the earliest of ``ends_on``,
    ``ended_on`` (when it was ended early) and today. The end may precede the start
    when the experiment has not begun yet (an empty period)."""
    start = as_date(experiment.started_on)
    end = as_date(experiment.ends_on)
    if getattr(experiment, "ended_on", None):
        end = min(end, as_date(experiment.ended_on))
    return start, min(end, today)


@dataclass(frozen=True)
class PracticeComparison:
    """Regulation on days an experiment was practised versus days it was not."""

    experiment_id: str
    title: str
    period: tuple[dt.date, dt.date]
    practised_days: int
    practised_mean: float | None
    other_days: int
    other_mean: float | None
    metric: str = "regulation"
    practised_unrated: int = 0
    """Days practised whose check-ins did not rate ``metric`` (on neither side)."""

    @property
    def enough(self) -> bool:
        """Shown only when each side has at least :data:`MIN_DAYS_EACH_SIDE` days."""
        return self.practised_days >= MIN_DAYS_EACH_SIDE and self.other_days >= MIN_DAYS_EACH_SIDE

    def words(self) -> str:
        """Side by side, without claiming that one caused the other."""
        unrated = ""
        if self.practised_unrated:
            unrated = (
                f" ({plural(self.practised_unrated, 'more practised day')} had no "
                f"{self.metric} rating.)"
            )
        if self.enough:
            return (
                f"On the {plural(self.practised_days, 'day')} you practised "
                f'"{self.title}", {self.metric} averaged {fmt(self.practised_mean)}; '
                f"on the {plural(self.other_days, 'day')} you didn't, "
                f"{fmt(self.other_mean)}." + unrated
            )
        return (
            f'"{self.title}": not enough days to compare yet ({self.practised_days:,} '
            f"practised, {self.other_days:,} not, with {self.metric} rated; "
            f"each side needs {MIN_DAYS_EACH_SIDE})." + unrated
        )


def practice_comparison(
    experiment: Any,
    practised_days: Iterable[str],
    daily_regulation: Mapping[str, float | None],
    today: dt.date,
    metric: str = "regulation",
) -> PracticeComparison:
    """Compare the daily mean of ``metric`` on practised and other days of one experiment.

    Definitions (the figures can be checked with SQL):

    * the experiment's **period** is :func:`experiment_period` (``started_on`` to the
      earliest of ``ends_on``, ``ended_on`` and today);
    * **days practised**: days in the period with a practice log for this experiment
      with ``done = 1`` and at least one check-in that rated ``metric`` (practised days
      without such a check-in cannot be averaged; they are counted in
      ``practised_unrated`` and the words mention them);
    * **days not practised**: the other days in the period with at least one check-in
      that rated ``metric`` (a log with ``done = 0`` counts as not practised);
    * each side's figure is the mean over its days of the day's mean ``metric``.

    ``daily_regulation`` maps ISO day -> that day's mean of ``metric`` (``None`` or absent
    when not rated).
    """
    start, end = experiment_period(experiment, today)
    practised = set(practised_days)
    on: list[float] = []
    off: list[float] = []
    unrated = 0
    for date in day_range(start, end) if start <= end else ():
        day = date.isoformat()
        value = daily_regulation.get(day)
        if value is None:
            unrated += day in practised
            continue
        (on if day in practised else off).append(float(value))
    return PracticeComparison(
        experiment_id=experiment.id,
        title=experiment.title,
        period=(start, end),
        practised_days=len(on),
        practised_mean=sum(on) / len(on) if on else None,
        other_days=len(off),
        other_mean=sum(off) / len(off) if off else None,
        metric=metric,
        practised_unrated=unrated,
    )


@dataclass(frozen=True)
class ExperimentProgress:
    """Where an experiment stands: practice against target, belief and distress."""

    experiment_id: str
    title: str
    status: str
    started_on: str
    ends_on: str
    target: int
    done: int
    logged: int
    belief_before: int | None
    belief_after: int | None
    distress_before: float | None
    distress_after: float | None
    distress_logs: int
    ended_on: str | None = None
    """The day it was completed or set aside early, when it was."""
    alternative_before: int | None = None
    alternative_after: int | None = None
    """How strongly the alternative belief was held at the start and at the end (0-100)."""


def experiment_progress(experiment: Any, logs: Iterable[Any]) -> ExperimentProgress:
    """Practice done against the target; mean distress before and after, over the logs
    with ``done = 1`` that rated both."""
    logs = [log for log in logs if log.experiment_id == experiment.id]
    done = sum(1 for log in logs if log.done)
    pairs = [
        (log.distress_before, log.distress_after)
        for log in logs
        if log.done and log.distress_before is not None and log.distress_after is not None
    ]
    return ExperimentProgress(
        experiment_id=experiment.id,
        title=experiment.title,
        status=experiment.status,
        started_on=experiment.started_on,
        ends_on=experiment.ends_on,
        target=experiment.target_count,
        done=done,
        logged=len(logs),
        belief_before=experiment.belief_before,
        belief_after=experiment.belief_after,
        distress_before=mean(p[0] for p in pairs),
        distress_after=mean(p[1] for p in pairs),
        distress_logs=len(pairs),
        ended_on=getattr(experiment, "ended_on", None),
        alternative_before=getattr(experiment, "alternative_before", None),
        alternative_after=getattr(experiment, "alternative_after", None),
    )


def overlaps(experiment: Any, since: dt.date, until: dt.date) -> bool:
    """Whether an experiment's planned or actual period touches the range."""
    end = experiment.ends_on
    if getattr(experiment, "ended_on", None):
        end = min(end, experiment.ended_on)
    return experiment.started_on <= until.isoformat() and end >= since.isoformat()


# --- ruptures -----------------------------------------------------------------------


def repair_days(ruptures: Iterable[Any]) -> list[int]:
    """Days from each repaired rupture to its repair (0 = the same day)."""
    return [(as_date(r.repaired_on) - as_date(r.day)).days for r in ruptures if r.repaired_on]


def median_time_to_repair(ruptures: Iterable[Any]) -> float | None:
    """Median days from rupture to repair over repaired ruptures; ``None`` if none."""
    days = repair_days(ruptures)
    return statistics.median(days) if days else None


@dataclass(frozen=True)
class RuptureSummary:
    count: int
    repaired: int
    median_days: float | None
    let_rest: int = 0
    """Closed without being called repaired: neither open nor repaired."""

    def words(self, span: str = "range") -> str:
        if not self.count:
            return f"No ruptures recorded in this {span}."
        text = f"{plural(self.count, 'rupture')} recorded; {self.repaired:,} repaired"
        if self.let_rest:
            text += f", {self.let_rest:,} let rest"
        if self.median_days is None:
            return text + " so far."
        days = _days_words(self.median_days)
        return text + f", a median of {days} from rupture to repair."


def _days_words(value: float) -> str:
    """A median of days: "1 day", "2.5 days" (a median can fall between two days)."""
    shown = f"{value:g}"
    if value == 0:
        return "0 days (the same day)"
    return f"{shown} day" if value == 1 else f"{shown} days"


def rupture_summary(ruptures: Iterable[Any]) -> RuptureSummary:
    """How many ruptures, how many repaired (and how fast), how many let rest."""
    ruptures = list(ruptures)
    return RuptureSummary(
        len(ruptures),
        sum(1 for r in ruptures if r.repaired_on),
        median_time_to_repair(ruptures),
        sum(1 for r in ruptures if getattr(r, "let_rest_on", None)),
    )


# --- names ----------------------------------------------------------------------------


def name_frequency(name_lists: Iterable[Iterable[str]]) -> list[tuple[str, int]]:
    """How often each name appears, most often first (ties by name, ignoring case).

    Names differing only in case count together under the first spelling seen.
    """
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for names in name_lists:
        for name in names:
            key = name.casefold()
            spelling.setdefault(key, name)
            counts[key] += 1
    return sorted(
        ((spelling[k], n) for k, n in counts.items()),
        key=lambda item: (-item[1], item[0].casefold()),
    )


# --- a snapshot of everything the charts and insights need --------------------------


@dataclass(frozen=True, slots=True)
class RuptureDates:
    """The dates of a rupture that the charts and the repair figures use."""

    day: str
    repaired_on: str | None
    let_rest_on: str | None = None


@dataclass(frozen=True, slots=True)
class PracticeFacts:
    """What trends and reports read of a practice log (the rest stays in the store):
    the fields :func:`experiment_progress` and the experiments chart use."""

    experiment_id: str
    day: str
    done: int
    distress_before: int | None = None
    distress_after: int | None = None
    prediction_happened: int | None = None


class Snapshot:
    """Everything trends and reports read, loaded once (``report.load_snapshot``).

    ``rows`` are the per-day means of every day with a check-in, kept as a
    :class:`~tracker.daytable.DayTable` (any per-day rows given are turned into one).
    Ranges are cut from it in memory, so switching range never queries again.
    ``logs`` are practice logs, or their :class:`PracticeFacts`; ``practised`` maps an
    experiment's id to the days it was practised (``done = 1``), in any collection
    (``load_snapshot`` gives sorted tuples, smaller than sets).
    """

    __slots__ = ("today", "rows", "ruptures", "experiments", "logs", "practised")

    def __init__(
        self,
        today: dt.date,
        rows: DayTable | Iterable[Mapping[str, Any]],
        ruptures: Iterable[RuptureDates],
        experiments: Iterable[Any],
        logs: Iterable[Any],
        practised: Mapping[str, Collection[str]],
    ) -> None:
        self.today = today
        self.rows = rows if isinstance(rows, DayTable) else DayTable.from_rows(rows)
        self.ruptures = list(ruptures)
        self.experiments = list(experiments)
        self.logs = list(logs)
        self.practised = dict(practised)

    @property
    def first_day(self) -> dt.date | None:
        return self.rows.first_day

    def rows_between(self, since: dt.date, until: dt.date) -> DayTable:
        """Per-day rows from ``since`` to ``until`` inclusive (a view, nothing copied)."""
        return self.rows.between(since, until)

    def marks(self) -> list[tuple[str, str | None]]:
        return [(r.day, r.repaired_on) for r in self.ruptures]

    def daily(self, metric: str) -> dict[str, float | None]:
        return self.rows.by_day(metric)


@dataclass(frozen=True)
class RangeInsights:
    """The computed figures for one range, and the same figures in plain words."""

    since: dt.date
    until: dt.date
    days: int
    days_checked: int
    checkins: int
    previous: tuple[dt.date, dt.date] | None
    averages: tuple[ScaleAverage, ...]
    practice: tuple[PracticeComparison, ...]
    ruptures: RuptureSummary
    experiments_running: int = 0

    def consistency_words(self) -> str:
        if self.days == 1:
            return (
                "You checked in on this day" if self.days_checked else "No check-in on this day"
            ) + f" ({plural(self.checkins, 'check-in')})."
        return (
            f"You checked in on {self.days_checked:,} of these {plural(self.days, 'day')} "
            f"({plural(self.checkins, 'check-in')})."
        )

    def comparison_words(self) -> list[str]:
        if self.previous is None:
            return [a.words() for a in self.averages]
        before = "the day before" if self.days == 1 else f"the {self.days:,} days before"
        return [a.words(before) for a in self.averages]

    def practice_words(self) -> list[str]:
        return [p.words() for p in self.practice]


def _average(rows: Iterable[Mapping[str, Any]], metric: str) -> tuple[float | None, int]:
    column = rows.column(metric) if isinstance(rows, DayTable) else (r.get(metric) for r in rows)
    values = [v for v in column if v is not None]
    return (sum(values) / len(values) if values else None), len(values)


def _checkins(rows: Iterable[Mapping[str, Any]]) -> int:
    if isinstance(rows, DayTable):
        return rows.checkins()
    return sum(int(r.get("n") or 0) for r in rows)


def _by_day(rows: Iterable[Mapping[str, Any]], metric: str) -> dict[str, float | None]:
    if isinstance(rows, DayTable):
        return rows.by_day(metric)
    return {str(r["day"]): r.get(metric) for r in rows}


def range_insights(
    snapshot: Snapshot,
    since: dt.date,
    until: dt.date,
    compare: bool = True,
    max_experiments: int | None = None,
) -> RangeInsights:
    """Consistency, averages against the range before, practice comparisons for the
    experiments that ran in the range (the ``max_experiments`` most recent when
    given), and ruptures (by the day they happened)."""
    rows = snapshot.rows_between(since, until)
    previous = previous_range(since, until) if compare else None
    previous_rows = snapshot.rows_between(*previous) if previous is not None else []
    if not previous_rows:
        previous = None
    averages = []
    for metric in METRICS:
        cur, cur_n = _average(rows, metric)
        prev, prev_n = _average(previous_rows, metric)
        averages.append(ScaleAverage(metric, cur, cur_n, prev, prev_n))
    # Practice comparisons use each experiment's whole period, even beyond the range.
    running = sorted(
        (e for e in snapshot.experiments if overlaps(e, since, until)),
        key=lambda e: (e.started_on, e.created_at),
        reverse=True,
    )
    practice = []
    for e in running[:max_experiments]:
        start, end = experiment_period(e, snapshot.today)
        daily = _by_day(snapshot.rows_between(start, end), "regulation") if start <= end else {}
        practice.append(
            practice_comparison(e, snapshot.practised.get(e.id, ()), daily, snapshot.today)
        )
    lo, hi = since.isoformat(), until.isoformat()
    in_range = [r for r in snapshot.ruptures if lo <= r.day <= hi]
    return RangeInsights(
        since=since,
        until=until,
        days=(until - since).days + 1,
        days_checked=len(rows),
        checkins=_checkins(rows),
        previous=previous,
        averages=tuple(averages),
        practice=tuple(practice),
        ruptures=rupture_summary(in_range),
        experiments_running=len(running),
    )
