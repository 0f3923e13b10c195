"""A Markdown report of a period, to read alone or bring to a therapist or caregiver.

Built from the same analytics and charts as the app. The wording is plain and warm
and states figures side by side; it never passes a verdict on the person, and it
says what it is: a record of practice, not an assessment.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import string
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracker import agenda, analytics, charts, clock
from tracker.analytics import PracticeFacts, RuptureDates, Snapshot, plural
from tracker.daytable import DayTable
from tracker.models import INTENSITY, MOOD, PURSUE, REGULATION, WITHDRAW, Rupture, Session
from tracker.text import one_line, visible
from tracker.wording import CUE_WORDS

if TYPE_CHECKING:
    from tracker.store import Store

CHART_WIDTH = 72
CHART_HEIGHT = 15
DEFAULT_DAYS = 30
MAX_RUPTURE_ROWS = 20
TOP_NAMES = 8

SCALE_ROWS = (
    ("regulation", REGULATION),
    ("mood", MOOD),
    ("intensity", INTENSITY),
    ("pursue", PURSUE),
    ("withdraw", WITHDRAW),
)
SCALE_TITLES = {
    "regulation": "Regulation",
    "mood": "Mood",
    "intensity": "Intensity",
    "pursue": "Urge to pursue",
    "withdraw": "Urge to withdraw",
}


def load_snapshot(store: Store, today: dt.date | None = None) -> Snapshot:
    """Read everything trends and reports need, in a few queries, and keep it compactly.

    The per-day means go into a :class:`~tracker.daytable.DayTable` and practice logs
    are kept as their :class:`~tracker.analytics.PracticeFacts`; both are read a
    window of days at a time (:func:`_windows`), so that only one window's rows exist
    as dictionaries or records at once. The strings that many records repeat (days,
    experiment ids) are kept once.
    """
    today = today or clock.today()
    first_day = store.first_checkin_day()
    first = min(dt.date.fromisoformat(first_day), today) if first_day else today
    experiments = store.experiments()
    shared: dict[str, str] = {e.id: e.id for e in experiments}

    def one(text: str) -> str:
        return shared.setdefault(text, text)

    # Logs can fall outside the days with check-ins: the windows before and after too.
    log_windows = [
        (None, (first - dt.timedelta(days=1)).isoformat()),
        *_windows(first, today),
        ((today + dt.timedelta(days=1)).isoformat(), None),
    ]
    logs = [
        PracticeFacts(
            one(log.experiment_id),
            one(log.day),
            log.done,
            log.distress_before,
            log.distress_after,
            log.prediction_happened,
        )
        for since, until in log_windows
        for log in store.practice_logs(since=since, until=until)
    ]
    practised = {
        one(experiment_id): tuple(sorted(one(day) for day in days))
        for experiment_id, days in store.practised_days().items()
    }
    rows = DayTable.from_rows(
        row
        for since, until in _windows(first, today)
        for row in store.daily_means(since=since, until=until)
    )
    return Snapshot(
        today=today,
        rows=rows,
        ruptures=[
            RuptureDates(day, repaired, let_rest)
            for day, repaired, let_rest in store.rupture_dates()
        ],
        experiments=experiments,
        logs=logs,
        practised=practised,
    )


READ_WINDOW_DAYS = 366
"""How many days of per-day means or practice logs :func:`load_snapshot` reads at once."""


def _windows(first: dt.date, last: dt.date) -> Iterator[tuple[str, str]]:
    """The days ``first`` to ``last`` cut into consecutive windows of at most
    :data:`READ_WINDOW_DAYS` days, as (first day, last day) ISO pairs, oldest first."""
    start = first
    while start <= last:
        end = min(last, start + dt.timedelta(days=READ_WINDOW_DAYS - 1))
        yield start.isoformat(), end.isoformat()
        start = end + dt.timedelta(days=1)


def long_date(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def period_words(since: dt.date, until: dt.date) -> str:
    days = (until - since).days + 1
    if days == 1:
        return long_date(since)
    return f"{long_date(since)} to {long_date(until)} ({days} days)"


_FOR_HTML: ContextVar[list[charts.Chart] | None] = ContextVar("_FOR_HTML", default=None)
"""While the HTML report is made: its charts, in the order they are placed."""

_PUNCTUATION = {ord(c): "\\" + c for c in string.punctuation}


@contextlib.contextmanager
def html_mode() -> Iterator[list[charts.Chart]]:
    """Make the Markdown an HTML report is rendered from (see :mod:`tracker.printable`):
    user text has every ASCII punctuation mark escaped, so it is read as the words
    written and never as Markdown (no link, no image, no emphasis), and each chart
    is a placeholder for its SVG. Gives the list the charts are collected in."""
    found: list[charts.Chart] = []
    token = _FOR_HTML.set(found)
    try:
        yield found
    finally:
        _FOR_HTML.reset(token)


def _md_escape(text: str) -> str:
    """Keep free text from breaking a table or starting a heading, and its control
    characters from reaching a terminal (``tracker report`` prints to one)."""
    if _FOR_HTML.get() is not None:
        return one_line(text).translate(_PUNCTUATION)
    return one_line(text).replace("|", "\\|")


def experiment_record_lines(e: Any, titles: Mapping[str, str], notes: bool) -> list[str]:
    """The rest of an experiment's record, in one or two lines, only where there is
    something: the other way it could go and its belief before and after; how I'll
    know, what I'll stop doing to feel safe, what starts it and what it follows.
    Words the person wrote only with ``notes``."""
    lines = []
    if e.alternative_belief or e.alternative_before is not None or e.alternative_after is not None:
        before = f"{e.alternative_before}%" if e.alternative_before is not None else "not rated"
        after = f"{e.alternative_after}%" if e.alternative_after is not None else "not rated yet"
        words = f"{_md_escape(e.alternative_belief)}; " if e.alternative_belief and notes else ""
        lines.append(
            f"- **Another way it could go:** {words}believed {before} before, {after} after."
        )
    parts = []
    if e.how_i_will_know and notes:
        parts.append(f"**How I'll know:** {_md_escape(e.how_i_will_know)}")
    if e.safety_behaviours and notes:
        parts.append(f"**Dropping, to feel safe without it:** {_md_escape(e.safety_behaviours)}")
    if e.cue:
        parts.append(f"**Cue:** {CUE_WORDS.get(e.cue, e.cue)}")
    if e.follows_id and e.follows_id in titles:
        parts.append(f"**Follows:** {_md_escape(titles[e.follows_id])}")
    if parts:
        line = "- " + "; ".join(parts)
        lines.append(line if line.endswith((".", "!", "?")) else line + ".")
    return lines


def chart_block(chart: charts.Chart) -> list[str]:
    """A chart in the report: a text block (or, for the HTML report, its placeholder)."""
    found = _FOR_HTML.get()
    if found is not None:
        found.append(chart)
        return ["```tracker-chart", str(len(found) - 1), "```", ""]
    return ["```text", charts.render(chart, CHART_WIDTH, CHART_HEIGHT, color=False), "```", ""]


def _short(text: str | None, limit: int = 90) -> str:
    if not text:
        return ""
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_report(
    store: Store,
    since: dt.date | None = None,
    until: dt.date | None = None,
    *,
    snapshot: Snapshot | None = None,
    notes: bool = True,
    session: Session | None = None,
) -> str:
    """The Markdown report for ``since``..``until`` (default: the 30 days ending today).

    Args:
        notes: include what the person wrote in their own words; ``False`` leaves out
            every free-text field (notes, needs, what happened, the prediction, the
            other way it could go, how I'll know, what I'll drop, outcome, what was
            learned, the agenda and session notes), for sharing.
        session: the session the period starts from, named in the title.
    """
    today = clock.today()
    until = until or today
    since = since or until - dt.timedelta(days=DEFAULT_DAYS - 1)
    snap = snapshot or load_snapshot(store, today)
    insights = analytics.range_insights(snap, since, until)
    rows = snap.rows_between(since - dt.timedelta(days=analytics.ROLLING_WINDOW - 1), until)
    out: list[str] = []
    add = out.append

    if session is not None:
        add(f"# Practice record: since your session on {long_date(_day(session.day))}")
    else:
        add(f"# Practice record: {period_words(since, until)}")
    add("")
    add(
        "*A record of practice kept with tracker: check-ins, small relational experiments, "
        "ruptures and repairs, in your own ratings and words. It is not an assessment or a "
        "diagnosis, and the figures sit side by side without claiming what caused what.*"
    )
    add("")
    if not notes:
        add("*Made without notes: what you wrote in your own words is left out.*")
        add("")
    out += session_opening(ReportContext(store, snap, since, until, today, notes))

    # -- at a glance --
    add("## At a glance")
    add("")
    add(f"- **Period:** {period_words(since, until)}.")
    add(
        f"- **Consistency:** you checked in on {insights.days_checked:,} of "
        f"{plural(insights.days, 'day')} ({plural(insights.checkins, 'check-in')})."
    )
    if insights.previous is not None:
        prev_checked = len(snap.rows_between(*insights.previous))
        if insights.days == 1:
            add("  The day before: " + ("you checked in." if prev_checked else "no check-in."))
        else:
            add(
                f"  In the {insights.days:,} days before: {prev_checked:,} of "
                f"{insights.days:,} days."
            )
    running = [e for e in snap.experiments if analytics.overlaps(e, since, until)]
    add(
        f"- **Experiments:** {plural(len(running), 'experiment')} ran in this period."
        if running
        else "- **Experiments:** none ran in this period."
    )
    add(f"- **Ruptures:** {insights.ruptures.words('period')}")
    add("")
    if not insights.days_checked:
        add("No check-ins were recorded in this period.")
        add("")

    # -- averages --
    add("## Averages compared with the period before")
    add("")
    if insights.previous is not None:
        p_since, p_until = insights.previous
        add(
            f"The period before is {period_words(p_since, p_until)}. Each figure is the mean "
            "of daily means: a day counts once, however many check-ins it had."
        )
    else:
        add(
            "There are no check-ins in the period before to compare with. Each figure is the "
            "mean of daily means: a day counts once, however many check-ins it had."
        )
    add("")
    add("| Scale | This period | Period before | Days rated (this / before) |")
    add("| --- | ---: | ---: | ---: |")
    for avg, (metric, scale) in zip(insights.averages, SCALE_ROWS):
        label = (
            f"{SCALE_TITLES[metric]} ({scale.low} {scale.labels[0]} to "
            f"{scale.high} {scale.labels[-1]})"
        )
        add(
            f"| {label} | {analytics.fmt(avg.current)} | {analytics.fmt(avg.previous)} | "
            f"{avg.current_days} / {avg.previous_days} |"
        )
    add("")

    # -- charts --
    if insights.days_checked:
        add("## Charts")
        add("")
        marks = snap.marks()
        lo, hi = since.isoformat(), until.isoformat()
        marked = any(lo <= d <= hi or (r is not None and lo <= r <= hi) for d, r in marks)
        add(
            "Points are daily means (when a column holds several days, their mean, with "
            "faint dots for the lowest and the highest of those days); the line is the "
            "7-day rolling mean; days without a check-in are gaps."
            + (" Above the plot, `x` marks a rupture and `+` under it a repair." if marked else "")
        )
        add("")
        for metric in ("regulation", "mood", "intensity"):
            chart = charts.metric_chart(rows, metric, since, until, marks)
            add(f"### {SCALE_TITLES[metric]}")
            add("")
            out += chart_block(chart)
        add("### Urges to pursue and to withdraw")
        add("")
        out += chart_block(charts.urges_chart(rows, since, until, marks))

    # -- experiments --
    add("## Experiments")
    add("")
    if not running:
        add("No experiments ran in this period.")
        add("")
    by_id = {p.experiment_id: p for p in insights.practice}
    logs_by_exp: dict[str, list] = {}
    for log in snap.logs:
        logs_by_exp.setdefault(log.experiment_id, []).append(log)
    by_title = {e.id: e.title for e in snap.experiments}
    for e in sorted(running, key=lambda e: (e.started_on, e.created_at)):
        progress = analytics.experiment_progress(e, logs_by_exp.get(e.id, []))
        end = e.ended_on or e.ends_on
        add(f"### {_md_escape(e.title)}")
        add("")
        add(
            f"- **Status:** {analytics.status_words(e.status)}, "
            f"{long_date(dt.date.fromisoformat(e.started_on))} to "
            f"{long_date(dt.date.fromisoformat(end))}."
        )
        add(f"- **Practice:** {_md_escape(e.practice)}")
        if e.prediction and notes:
            add(f"- **Prediction:** {_md_escape(e.prediction)}")
        before = f"{e.belief_before}%" if e.belief_before is not None else "not rated"
        after = f"{e.belief_after}%" if e.belief_after is not None else "not rated yet"
        add(f"- **Belief in the prediction:** {before} before, {after} after.")
        out.extend(experiment_record_lines(e, by_title, notes))
        if progress.done <= progress.target:
            practised = f"{progress.done:,} of {progress.target:,} planned times"
        else:
            practised = f"{plural(progress.done, 'time')} (the aim was {progress.target:,})"
        add(f"- **Practised:** {practised} ({plural(progress.logged, 'practice log')}).")
        if progress.distress_logs:
            add(
                f"- **Distress before and after practising:** "
                f"{analytics.fmt(progress.distress_before)} → "
                f"{analytics.fmt(progress.distress_after)} on average "
                f"({plural(progress.distress_logs, 'log')}, 0 none to 5 extreme)."
            )
        comparison = by_id.get(e.id)
        if comparison is not None:
            add(f"- **Regulation, practised days and other days:** {comparison.words()}")
        if e.outcome and notes:
            add(f"- **Outcome:** {_md_escape(e.outcome)}")
        if e.learned and notes:
            add(f"- **What you learned:** {_md_escape(e.learned)}")
        add("")
    if running:
        add(
            "How the practice comparison is counted: an experiment's days run from its start "
            "to its planned end (or an earlier end, or today). Days practised have a practice "
            "log marked done; the other days are the rest. Both sides count only days with a "
            "regulation rating, each day's mean counting once, and a comparison is shown only "
            "with at least 3 days on each side. Side by side only: it doesn't show what "
            "caused what."
        )
        add("")

    # -- ruptures --
    add("## Ruptures and repairs")
    add("")
    ruptures = sorted(
        store.ruptures(since=since.isoformat(), until=until.isoformat()),
        key=lambda r: r.happened_at,
    )
    if not ruptures:
        add("No ruptures were recorded in this period.")
        add("")
    else:
        add(insights.ruptures.words("period"))
        add("")
        add("| Day | With | Your move | Intensity | Repair steps | Repaired | Days to repair |")
        add("| --- | --- | --- | ---: | --- | --- | ---: |")
        for r in ruptures[-MAX_RUPTURE_ROWS:]:
            add(_rupture_row(r))
        if len(ruptures) > MAX_RUPTURE_ROWS:
            add("")
            left = len(ruptures) - MAX_RUPTURE_ROWS
            add(
                f"{'The earlier rupture' if left == 1 else f'The {left:,} earlier ruptures'} "
                "of this period "
                f"{'is' if left == 1 else 'are'} left out of the table; the figures above "
                "count them all."
            )
        add("")
        stories = [r for r in ruptures[-5:] if r.what_happened] if notes else []
        if stories:
            add("In your words (most recent):")
            add("")
            for r in stories:
                add(f"- {_short_day(r.day)}: {_md_escape(_short(r.what_happened, 160))}")
            add("")

    out += patterns_section(store, since, until, today)

    # -- names --
    add("## Named most often")
    add("")
    s_iso, u_iso = since.isoformat(), until.isoformat()
    any_names = False
    for kind, title in (("emotions", "Emotions"), ("people", "People"), ("tags", "Context")):
        counts = store.name_counts(kind, s_iso, u_iso)[:TOP_NAMES]
        if counts:
            any_names = True
            add(f"- **{title}:** " + ", ".join(f"{_md_escape(n)} ({c})" for n, c in counts))
    needs = (
        analytics.name_frequency([[n.strip()] for n in store.needs(s_iso, u_iso) if n.strip()])
        if notes
        else []
    )
    if needs:
        any_names = True
        add(
            "- **Needs, in your words:** "
            + "; ".join(
                f'"{_md_escape(_short(n, 80))}"' + (f" ({c})" if c > 1 else "")
                for n, c in needs[:TOP_NAMES]
            )
        )
    if not any_names:
        add(
            "No emotions, people, context or needs were named in this period."
            if notes
            else "No emotions, people or context were named in this period."
        )
    add("")

    add("---")
    add("")
    add(
        f"Made with tracker on {long_date(today)}. Ratings: mood 1 to 5; regulation, "
        "intensity and urges 0 to 5. Days without a check-in are gaps, not zeros; several "
        "check-ins on one day are averaged."
    )
    # User text is shown visibly where it is put in (_md_escape, _short), and once
    # more here for what reaches the report through insights (experiment titles).
    return visible("\n".join(out) + "\n")


REPORT_COMPARISONS = 6
"""With-and-without comparisons a report lists (``tracker patterns`` lists more)."""
REPORT_PEOPLE = 4
"""People a report describes, those named most first."""


def patterns_section(store: Store, since: dt.date, until: dt.date, today: dt.date) -> list[str]:
    """Markdown lines: the patterns of the period (:mod:`tracker.patterns`), compact:
    the largest with-and-without differences, each person (named most first) in one
    item, and the urge-cued experiments. The same thresholds and words as the app."""
    from tracker import patterns

    found = patterns.patterns(store.pattern_facts(since.isoformat(), until.isoformat()), today)
    out = ["## Patterns", ""]
    items: list[str] = []
    for kind, text in found.paragraphs(
        top=REPORT_COMPARISONS, people=REPORT_PEOPLE, quote=_md_escape
    ):
        if kind == "plain":
            out += [f"*{text}*", ""]
        elif kind == "heading":
            if items:
                out += [*items, ""]
                items = []
            out += [f"### {text}", ""]
        elif kind == "subheading":
            items.append(f"- **{text}**")
        elif items and items[-1].startswith("- **"):
            items[-1] += " " + text  # a person's or an experiment's facts, in one item
        else:
            items.append(f"- {text}")
    if items:
        out += [*items, ""]
    return out


def week_section(
    store: Store, since: dt.date, until: dt.date, *, today: dt.date | None = None
) -> list[str]:
    """Markdown lines: the diary-card grid of each week (Monday to Sunday) that the
    period touches, oldest first, and what its marks mean."""
    from tracker import weekcard
    from tracker.week import week_start

    today = today or clock.today()
    first, last = week_start(since), week_start(until)
    starts = [first + dt.timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    grids = weekcard.load_weeks(store, starts, today)
    out = ["## The week, as a diary card", ""]
    if len(grids) == 1:
        out += ["The week of the period, a row a day.", ""]
    else:
        out += [f"The {len(grids)} weeks the period touches, a row a day, oldest first.", ""]
    for grid in grids:
        out += [f"### {weekcard.title_words(grid)}", ""]
        out += weekcard.markdown_table(grid, today)
        out.append("")
    out += [
        " ".join(
            weekcard.plain(line)
            for line in weekcard.legend_lines(weekcard.grid_width(weekcard.WIDE_EMOTION_WIDTH))
        ),
        "",
    ]
    return out


def hard_moments_section(store: Store, since: dt.date, until: dt.date) -> list[str]:
    """Markdown lines: the hard moments of the period, beside the period before."""
    from tracker import weekcard
    from tracker.week import HARD_MOMENT_DEFINITION

    days = (until - since).days + 1
    period = (
        "On " + long_date(since) if days == 1 else f"From {long_date(since)} to {long_date(until)}"
    )
    before = "the day before" if days == 1 else f"the {days:,} days before"
    words, _, _ = weekcard.hard_moments_text(store, since, until, period, before)
    return ["## Hard moments", "", words, "", f"*{HARD_MOMENT_DEFINITION}*", ""]


def _short_day(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%b %Y}"


def _rupture_row(r: Rupture) -> str:
    steps = ", ".join(r.steps_taken) or "none yet"
    days = ""
    if r.repaired_on:
        days = str((dt.date.fromisoformat(r.repaired_on) - dt.date.fromisoformat(r.day)).days)
    repaired = (
        _short_day(r.repaired_on)
        if r.repaired_on
        else f"let rest {_short_day(r.let_rest_on)}"
        if r.let_rest_on
        else "not yet"
    )
    who = ", ".join(r.people) or "not named"
    intensity = "" if r.intensity is None else str(r.intensity)
    return (
        f"| {_short_day(r.day)} | {_md_escape(who)} | {r.my_move} | {intensity} | "
        f"{steps} | {repaired} | {days} |"
    )


# --- the opening: what the session needs ---------------------------------------------------


@dataclass(frozen=True)
class ReportContext:
    """What each part of the report's opening reads."""

    store: Store
    snapshot: Snapshot
    since: dt.date
    until: dt.date
    today: dt.date
    notes: bool = True


def session_opening(ctx: ReportContext) -> list[str]:
    """The report's first section: what the session needs, part by part
    (:data:`OPENING`, in order)."""
    out = ["## For the session", ""]
    for part in OPENING:
        out += part(ctx)
    return out


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def brought_part(ctx: ReportContext) -> list[str]:
    """The next session and its agenda line, and what was marked to bring."""
    context = agenda.session_context(ctx.store, ctx.today)
    out: list[str] = []
    upcoming, last = context.next, context.last
    if upcoming is not None:
        line = f"**Next session:** {_md_escape(agenda.session_when(upcoming, ctx.today))}."
    else:
        line = "**Next session:** none planned yet."
    if last is not None:
        line += f" The last one was on {long_date(_day(last.day))}."
    out += [line, ""]
    if upcoming is not None and upcoming.agenda:
        out += [
            f"**Agenda:** {_md_escape(upcoming.agenda)}"
            if ctx.notes
            else "**Agenda:** one line (left out: made without notes).",
            "",
        ]
    out += ["### Marked to bring", ""]
    if not context.waiting:
        out += [
            "Nothing was marked to bring. (In the app, `b` marks a check-in, a rupture, "
            "an experiment or a practice log; `tracker add --bring` marks a check-in.)",
            "",
        ]
        return out
    out.append(f"You marked {agenda.count_words(context.waiting_marks)}.")
    out.append("")
    out += [f"- {_md_escape(item.line(ctx.today, notes=ctx.notes))}" for item in context.waiting]
    out.append("")
    return out


def unrepaired_part(ctx: ReportContext) -> list[str]:
    """Ruptures not yet repaired (all of them up to the end of the period), leaving
    out those let rest (closed without being called repaired)."""
    open_ = [r for r in ctx.store.ruptures(unrepaired_only=True) if r.day <= ctx.until.isoformat()]
    out = ["### Ruptures not yet repaired", ""]
    if not open_:
        until = ctx.until.isoformat()
        rested = any(r.let_rest_on for r in ctx.snapshot.ruptures if r.day <= until)
        closed = "repaired or let rest" if rested else "repaired"
        return out + [f"None: every rupture recorded has been {closed}.", ""]
    for r in sorted(open_, key=lambda r: r.happened_at):
        who = ", ".join(r.people) or "someone"
        move = "did something else" if r.my_move == "other" else r.my_move
        steps = ", ".join(r.steps_taken) or "none yet"
        line = (
            f"- {long_date(_day(r.day))} ({_days_ago(r.day, ctx.today)}), with "
            f"{_md_escape(who)}: you {move}"
        )
        if r.intensity is not None:
            line += f", intensity {r.intensity}"
        line += f". Repair steps so far: {steps}."
        if ctx.notes and r.what_happened:
            line += f" What happened: {_md_escape(_short(r.what_happened, 200))}"
        out.append(line)
    return out + [""]


def _days_ago(iso: str, today: dt.date) -> str:
    days = (today - _day(iso)).days
    return "today" if days <= 0 else "yesterday" if days == 1 else f"{days:,} days ago"


def experiments_due_part(ctx: ReportContext) -> list[str]:
    """Experiments whose period ended, that end before the next session (due for a
    review), or that were completed or set aside in the period."""
    upcoming = agenda.next_session(ctx.store.sessions(), ctx.today)
    horizon = _day(upcoming.day) if upcoming else ctx.today + dt.timedelta(days=7)
    lo, hi = ctx.since.isoformat(), ctx.until.isoformat()
    lines = []
    for e in sorted(ctx.snapshot.experiments, key=lambda e: (e.ends_on, e.created_at)):
        title = _md_escape(e.title)
        ends = _day(e.ends_on)
        if e.status == "active" and ends < ctx.today:
            lines.append(
                f"- **{title}**: its period ended on {long_date(ends)} and it is "
                "still open: time to look at what happened, your belief now, and "
                "what you learned."
            )
        elif e.status == "active" and ends <= horizon:
            when = "before your next session" if upcoming else "within a week"
            lines.append(f"- **{title}**: its period ends on {long_date(ends)}, {when}.")
        elif e.status != "active" and e.ended_on and lo <= e.ended_on <= hi:
            belief = ""
            if e.belief_before is not None and e.belief_after is not None:
                belief = f" Belief in the prediction: {e.belief_before}% → {e.belief_after}%."
            lines.append(
                f"- **{title}**: {analytics.status_words(e.status)} on "
                f"{long_date(_day(e.ended_on))}.{belief}"
            )
    out = ["### Experiments to look at", ""]
    if not lines:
        return out + ["None has ended or is due for a review.", ""]
    return out + lines + [""]


def hardest_day_part(ctx: ReportContext) -> list[str]:
    """The day of the period with the lowest regulation (its daily mean; the latest
    of equals), with what was noted that day."""
    rated = [
        r
        for r in ctx.snapshot.rows_between(ctx.since, ctx.until)
        if r.get("regulation") is not None
    ]
    out = ["### The hardest day", ""]
    if not rated:
        return out + ["No check-in in this period rated regulation.", ""]
    low = min(rated, key=lambda r: (r["regulation"], _reverse_day(str(r["day"]))))
    day = str(low["day"])
    n = int(low.get("n") or 0)
    figures = [
        f"regulation {analytics.fmt(low['regulation'])} "
        f"({REGULATION.label(round(low['regulation']))})"
    ]
    for metric in ("mood", "intensity"):
        if low.get(metric) is not None:
            figures.append(f"{metric} {analytics.fmt(low[metric])}")
    checkins = ctx.store.checkins(since=day, until=day, oldest_first=True)
    emotions = sorted({e for c in checkins for e in c.emotions})
    line = (
        f"{long_date(_day(day))}: {', '.join(figures)} ({plural(n, 'check-in')}"
        f"{', the mean of them' if n > 1 else ''}); the lowest regulation of the period"
        f" ({plural(len(rated), 'day')} rated)."
    )
    out += [line, ""]
    if emotions:
        out += [f"Emotions named: {_md_escape(', '.join(emotions))}.", ""]
    if ctx.notes:
        words = [
            (what, text)
            for c in checkins
            for what, text in (("needed", c.need), ("note", c.note))
            if text
        ]
        for what, text in words:
            out.append(f"- {what.capitalize()}: {_md_escape(_short(text, 400))}")
        if words:
            out.append("")
    return out


def _reverse_day(iso: str) -> int:
    """Sorts later days first (so the latest of equal lows is chosen)."""
    return -_day(iso).toordinal()


def week_part(ctx: ReportContext) -> list[str]:
    """The diary-card grid of each week of the period."""
    return week_section(ctx.store, ctx.since, ctx.until, today=ctx.today)


def hard_moments_part(ctx: ReportContext) -> list[str]:
    """The hard moments of the period, beside the period before."""
    return hard_moments_section(ctx.store, ctx.since, ctx.until)


OPENING: tuple[Callable[[ReportContext], list[str]], ...] = (
    brought_part,
    unrepaired_part,
    experiments_due_part,
    hardest_day_part,
    week_part,
    hard_moments_part,
)
"""The parts of the report's opening, in order: what the session needs first, then
the week grids of the period and the hard moments."""
