"""Trends: charts of the check-ins and experiments, and insights in plain words.

Keys on this screen: ``w m 9 y a`` choose the range (7, 30, 90, 365 days, all);
``1``-``7`` choose the chart (regulation, mood, intensity, urges, names, calendar,
experiments); ``8`` opens the patterns of the range (what went together:
:mod:`tracker.app.screens.patterns`); ``n`` moves to the next experiment on the
experiments chart; ``6``
again switches the calendar between regulation and mood; ``i`` gives the insights
the whole screen (and focuses them, so the arrow keys scroll) and brings the chart
back. (``q`` is a range here, not quit.)

Layout: the chart takes two thirds of the height, at least what a time chart needs
at 80x24 (13 rows); the insights take the rest (:class:`InsightsView`: one text, as
tall as the longest range's insights at this width, so a range key changes the text
and lays nothing out again).

State: the range, the chart, the calendar's metric and the experiment shown are
reactives; changing one redraws (their watchers), whichever key or code changed it.

Data: everything is read in a worker thread, on a read-only connection of its own
(:meth:`tracker.store.Store.open_read_only`), into a :class:`TrendsData`: a
:class:`~tracker.analytics.Snapshot` (a few queries, aggregated in SQL over the
``day`` index) and the names counted in each range. The interface never waits on
the database: until the data arrives the screen says it is reading, and a reload
(:meth:`Store.change_token` moved, or the day changed) keeps the old data on screen
until the new data is in. Every range's insights are made there too, so the insights
box takes the height of the longest before a key is pressed. Ranges are cut from the
data in memory; charts are drawn once per :func:`chart_key` (what a chart depends on) and
size, and only the drawings are kept (a chart's description is made again when it
must be drawn again, at another size). Time charts are downsampled to the widget's
width before plotext draws them.
:meth:`TrendsScreen.redraw` is the whole redraw a key triggers; the benchmark times it.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.timer import Timer
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from tracker import analytics, charts, clock
from tracker.app.runtime.longlived import LongLivedDataLoaded
from tracker.app.screens.base import SectionScreen
from tracker.app.widgets.chart import ChartBuilder, ChartView, Drawn, Slot, draw_text
from tracker.app.widgets.insights import InsightsView, Paragraphs
from tracker.app.widgets.navbar import NavBar
from tracker.daytable import DayTable
from tracker.store import errors
from tracker.week import HARD_URGE, HardMoments, hard_moments, hard_moments_words

if TYPE_CHECKING:
    from tracker.store import Store

# (90 days is 9: q quits, everywhere.)
RANGES: dict[str, int | None] = {"w": 7, "m": 30, "9": 90, "y": 365, "a": None}
RANGE_WORDS = {
    "w": "last 7 days",
    "m": "last 30 days",
    "9": "last 90 days",
    "y": "last 365 days",
    "a": "everything",
}
VIEWS: dict[str, str] = {
    "1": "regulation",
    "2": "mood",
    "3": "intensity",
    "4": "urges",
    "5": "names",
    "6": "calendar",
    "7": "experiments",
}
VIEW_TITLES = {
    "regulation": "Regulation",
    "mood": "Mood",
    "intensity": "Intensity",
    "urges": "Urges to pursue and to withdraw",
    "names": "Named most often",
    "calendar": "A year at a glance",
    "experiments": "Experiments",
}
VIEW_LABELS = {
    "regulation": "Regulation",
    "mood": "Mood",
    "intensity": "Intensity",
    "urges": "Urges",
    "names": "Emotions, people, tags",
    "calendar": "Calendar",
    "experiments": "Experiments",
}
TOP_NAMES = 12
MAX_PRACTICE_LINES = 12
INSIGHTS_HINT = "Insights · i: show them all"
INSIGHTS_HINT_OPEN = "Insights · ↑ ↓ PgUp PgDn: scroll · i: back to the chart"

RANGE_GROUP = Binding.Group("Range", compact=True)
VIEW_GROUP = Binding.Group("Chart", compact=True)


NameCounts = dict[str, list[tuple[str, int]]]
"""Per kind ("Emotions", "People", "Tags"): the names counted most often, most first."""


@dataclass(frozen=True)
class TrendsData:
    """What the screen shows, read at once in a worker: nothing else reads the database."""

    snapshot: analytics.Snapshot
    names: dict[str, NameCounts]
    """Per range key, the names counted in that range (for the names chart)."""
    hard: dict[str, str]
    """Per range key, the hard-moments insight of that range."""
    insights: dict[str, Paragraphs]
    """Per range key, the insights of that range (the hard moments among them)."""


def _hard_moments(store: Store, since: dt.date, until: dt.date, range_key: str) -> str:
    """The hard-moments insight of a range, beside the range before (not for 'a');
    the check-ins are counted as they are read, not kept."""

    def count(first: dt.date, last: dt.date) -> HardMoments:
        rows = store.iter_urge_answers(first.isoformat(), last.isoformat())
        return hard_moments(rows, first, last)

    current = count(since, until)
    if range_key == "a":
        return hard_moments_words(current, None, "In everything you've recorded")
    before_since, before_until = analytics.previous_range(since, until)
    previous = count(before_since, before_until)
    days = (until - since).days + 1
    return hard_moments_words(
        current,
        previous if previous.checkins else None,
        f"In the {RANGE_WORDS[range_key]}",
        f"the {days:,} days before",
    )


def range_bounds(snapshot: analytics.Snapshot, range_key: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a range (everything: from the first check-in)."""
    until = snapshot.today
    days = RANGES[range_key]
    if days is None:
        first = snapshot.first_day
        return (min(first, until) if first else until), until
    return until - dt.timedelta(days=days - 1), until


def load_trends(path: str | os.PathLike[str], today: dt.date) -> TrendsData:
    """Read everything the screen shows, on a read-only connection of this thread's own."""
    from tracker.report import load_snapshot
    from tracker.store import Store

    with Store.open_read_only(path) as store:
        snapshot = load_snapshot(store, today)
        names = {}
        hard = {}
        insights = {}
        for range_key in RANGES:
            since, until = range_bounds(snapshot, range_key)
            s, u = since.isoformat(), until.isoformat()
            names[range_key] = {
                kind: store.name_counts(table, s, u)[:TOP_NAMES]
                for kind, table in (
                    ("Emotions", "emotions"),
                    ("People", "people"),
                    ("Tags", "tags"),
                )
            }
            hard[range_key] = _hard_moments(store, since, until, range_key)
            # Here, not on a key: the box showing them is as tall as the longest.
            ranged = analytics.range_insights(
                snapshot, since, until, compare=range_key != "a", max_experiments=MAX_PRACTICE_LINES
            )
            insights[range_key] = insights_paragraphs(ranged, range_key, hard[range_key])
    return TrendsData(snapshot, names, hard, insights)


def insights_paragraphs(
    ins: analytics.RangeInsights, range_key: str, moments: str = ""
) -> Paragraphs:
    """The insights of a range as paragraphs (parsed to Content once, on the worker
    thread that reads the data): a title, the consistency, headings and their items."""
    out: list[tuple[str, Content]] = []

    def heading(markup: str) -> None:
        out.append(("heading", Content.from_markup(markup)))

    def item(text: str) -> None:
        out.append(("item", Content(text)))

    out.append(
        (
            "title",
            Content.from_markup(
                f"[b]{RANGE_WORDS[range_key].capitalize()}[/b] · "
                f"{_short(ins.since)} to {_short(ins.until)}"
            ),
        )
    )
    out.append(("plain", Content(ins.consistency_words())))
    if range_key == "a":
        heading("[b]Averages over everything you've recorded[/b]")
    elif ins.previous is None:
        heading("[b]Averages[/b] (no check-ins in the range before to compare with)")
    else:
        heading(
            f"[b]Compared with the {ins.days:,} days before[/b] "
            f"({_short(ins.previous[0])} to {_short(ins.previous[1])})"
        )
    for words in ins.comparison_words():
        item(words)
    heading("[b]Experiments in this range[/b]")
    if ins.practice:
        for words in ins.practice_words():
            item(words)
        if ins.experiments_running > len(ins.practice):
            more = ins.experiments_running - len(ins.practice)
            item(
                f"... and {analytics.plural(more, 'earlier experiment')} "
                "('tracker report' lists them all)."
            )
        item(
            "Counted over each experiment's own days (start to end, or today): days "
            "practised have a practice log marked done, the other days are the rest; "
            "both count only days with a regulation rating. Side by side only: this "
            "doesn't show what caused what."
        )
    else:
        out.append(
            (
                "item",
                Content.from_markup("None ran in this range. Press [b]e[/b] to choose one."),
            )
        )
    heading("[b]Ruptures and repairs[/b]")
    item(ins.ruptures.words())
    if moments:
        heading(f"[b]Hard moments[/b] (an urge to pursue or to withdraw of {HARD_URGE} or more)")
        item(moments)
    heading("[b]Patterns[/b]")
    out.append(
        (
            "item",
            Content.from_markup(
                "Days with and without each person, tag, emotion and pause, and person "
                "by person: press [b]8[/b]."
            ),
        )
    )
    return tuple(out)


def chart_key(
    view: str, since: dt.date, until: dt.date, calendar_metric: str, experiment_index: int
) -> tuple[object, ...]:
    """What a chart depends on besides the data: its key in the chart cache.

    The calendar always shows the year up to ``until``, whatever the range.
    """
    if view == "calendar":
        return (view, until, calendar_metric)
    if view == "experiments":
        return (view, since, until, experiment_index)
    return (view, since, until)


@dataclass(slots=True)
class _RangeData:
    since: dt.date
    until: dt.date
    rows: DayTable
    """A view of the snapshot's rows: from 6 days before ``since`` (the rolling mean's)."""
    insights: Paragraphs


def _build_chart(
    data: TrendsData,
    ranged: _RangeData,
    range_key: str,
    view: str,
    calendar_metric: str,
    experiment_index: int,
) -> charts.Chart:
    """The description of chart ``view`` for a range (all the state it depends on given)."""
    snap = data.snapshot
    if view in ("regulation", "mood", "intensity"):
        return charts.metric_chart(ranged.rows, view, ranged.since, ranged.until, snap.marks())
    if view == "urges":
        return charts.urges_chart(ranged.rows, ranged.since, ranged.until, snap.marks())
    if view == "names":
        return charts.names_chart(data.names[range_key])
    if view == "calendar":
        first, last = charts.calendar_range(ranged.until)
        return charts.calendar_chart(snap.rows_between(first, last), calendar_metric, ranged.until)
    return _experiments_chart(snap, ranged, experiment_index)


def _experiments_in(snap: analytics.Snapshot, ranged: _RangeData) -> list:
    return sorted(
        (e for e in snap.experiments if analytics.overlaps(e, ranged.since, ranged.until)),
        key=lambda e: (e.started_on, e.created_at),
        reverse=True,
    )


def _experiments_chart(
    snap: analytics.Snapshot, ranged: _RangeData, experiment_index: int
) -> charts.ExperimentsChart:
    running = _experiments_in(snap, ranged)
    logs: dict[str, list] = {}
    for log in snap.logs:
        logs.setdefault(log.experiment_id, []).append(log)
    progress = [analytics.experiment_progress(e, logs.get(e.id, [])) for e in running]
    selected = experiment_index % len(running) if running else 0
    chosen = logs.get(running[selected].id, []) if running else []
    return charts.experiments_chart(progress, chosen, selected)


def _short(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


class _Body(Vertical):
    """The screen's body: when its height changes, the chart's room changes too."""

    def on_resize(self) -> None:
        self.query_one(ChartView).draw()


CHARTS_KEPT = 2 * (len(RANGES) + len(VIEWS) - 1)
"""Chart drawings kept: those one key away from the chart shown (the warm-up's), and
as many again of those shown before."""
CHART_MIN_ROWS = 13
"""A time chart with rupture and repair marks and a two-line legend, at 80x24."""
INSIGHTS_MIN_ROWS = 5
READING = "Reading your check-ins ..."


def range_bindings(screen: str, tooltip: str) -> list[Binding]:
    """The range keys (``w m 9 y a``) of a screen showing a range of days: ids
    ``{screen}-range-{key}``, each tooltip ``tooltip`` with the range's words."""
    return [
        Binding(
            key,
            f"range('{key}')",
            RANGE_WORDS[key],
            group=RANGE_GROUP,
            id=f"{screen}-range-{key}",
            tooltip=f"{tooltip} {RANGE_WORDS[key]}",
        )
        for key in RANGES
    ]


class TrendsScreen(SectionScreen):
    """Charts and insights for a range of days."""

    BINDINGS = [
        *range_bindings("trends", "Show"),
        *[
            Binding(
                key,
                f"view('{view}')",
                VIEW_LABELS[view],
                group=VIEW_GROUP,
                id=f"trends-chart-{view}",
                tooltip=VIEW_TITLES[view],
            )
            for key, view in VIEWS.items()
        ],
        Binding(
            "8",
            "patterns",
            "Patterns",
            group=VIEW_GROUP,
            id="trends-patterns",
            tooltip="Days with and without each word, person by person (what went together)",
        ),
        # Not in the footer (it is full at 80 columns); the experiments heading says it.
        Binding(
            "n",
            "next_experiment",
            "Next experiment",
            id="trends-next-experiment",
            show=False,
            tooltip="Show the distress chart of the next experiment",
        ),
        Binding(
            "i",
            "toggle_insights",
            "Insights",
            id="trends-insights",
            tooltip="Give the insights the whole screen, or bring the chart back",
        ),
    ]

    sub_title: Reactive[str | None] = Reactive(None, compute=False, repaint=False)
    """As Textual's, but without repainting the whole screen when it changes: the
    header shows it, and repaints itself."""
    range_key: reactive[str] = reactive("m", repaint=False, init=False)
    """The range shown: a key of :data:`RANGES` (the last 30 days at first)."""
    view: reactive[str] = reactive("regulation", repaint=False, init=False)
    """The chart shown: a value of :data:`VIEWS`."""
    calendar_metric: reactive[str] = reactive("regulation", repaint=False, init=False)
    """What the calendar colours its days by: "regulation" or "mood"."""
    experiment_index: reactive[int] = reactive(0, repaint=False, init=False)
    """Which of the range's experiments the experiments chart shows (newest first)."""

    @dataclass
    class DataLoaded(Message):
        """The worker read the data (for ``token``: the day and the change token)."""

        data: TrendsData
        token: tuple[object, ...]

    @dataclass
    class ChartDrawn(Message):
        """A chart one key away, drawn ahead on a worker thread."""

        key: tuple[object, ...]
        slot: Slot
        drawn: Drawn
        generation: int
        """Of the data it was drawn from (see ``TrendsScreen._generation``)."""

    @dataclass
    class DataFailed(Message):
        """The worker could not read the data; ``words`` says why, in one line."""

        words: str

    def __init__(self) -> None:
        super().__init__()
        self._data: TrendsData | None = None
        self._token: tuple[object, ...] | None = None
        self._generation = 0
        """Counts the data read and the caches emptied: a chart drawn ahead from
        older data is not kept."""
        self._loading: tuple[object, ...] | None = None
        self._ranges: dict[tuple[str, dt.date], _RangeData] = {}
        self._shown_heading = ""
        self._shown_insights: Paragraphs | None = None
        self._warm_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("trends")
        with _Body(id="trends-body"):
            yield Static(id="trends-heading")
            yield ChartView(id="trends-chart", room=self._chart_room, keep=CHARTS_KEPT)
            insights = InsightsView(id="trends-insights")
            insights.border_title = INSIGHTS_HINT
            yield insights
        yield Footer(compact=True, id="trends-footer")

    def _chart_room(self) -> int:
        """Rows the chart may use: two thirds of the body, at least
        :data:`CHART_MIN_ROWS`; the insights get the rest (and what a chart leaves)."""
        body = self.query_one("#trends-body").content_region.height
        available = body - 1  # the heading
        if available <= 0:
            return 0
        return max(
            min(CHART_MIN_ROWS, available),
            min(available - INSIGHTS_MIN_ROWS, max(CHART_MIN_ROWS, available * 2 // 3)),
        )

    # -- state --

    def watch_range_key(self) -> None:
        self.set_reactive(TrendsScreen.experiment_index, 0)  # the newest of the new range
        self.redraw()

    def watch_view(self) -> None:
        self.redraw()

    def watch_calendar_metric(self) -> None:
        self.redraw()

    def watch_experiment_index(self) -> None:
        self.redraw()

    # -- data --

    def refresh_data(self) -> None:
        """Read again (in the worker) only when something was written or the day changed."""
        token: tuple[object, ...] = (clock.today(), *self.store.change_token())
        if token == self._token or token == self._loading:
            self.redraw()
            return
        self._loading = token
        self._load(self.store.path, token[0], token)
        self.redraw()  # what was there before stays until the new data is in

    @work(thread=True, exclusive=True, group="trends-data")
    def _load(self, path: os.PathLike[str], today: dt.date, token: tuple[object, ...]) -> None:
        """Read the data on this worker thread's own connection; post it to the screen."""
        worker = get_current_worker()
        try:
            data = load_trends(path, today)
        except errors.Error as exc:
            self.post_message(self.DataFailed(" ".join(str(exc).split()) or type(exc).__name__))
            return
        except OSError as exc:
            self.post_message(self.DataFailed(" ".join(str(exc).split()) or type(exc).__name__))
            return
        if not worker.is_cancelled:
            self.post_message(self.DataLoaded(data, token))

    @on(DataLoaded)
    def _data_loaded(self, message: DataLoaded) -> None:
        if message.token != self._loading:
            return  # an older read, overtaken by a newer one
        self._loading = None
        self._data = message.data
        self._token = message.token
        self._ranges.clear()
        self._generation += 1
        self.query_one("#trends-chart", ChartView).forget()
        self._give_insights(message.data)
        # Years of data that live as long as the screen: also frees what earlier data kept.
        self.post_message(LongLivedDataLoaded(collect=True))
        self.redraw()

    @on(DataFailed)
    def _data_failed(self, message: DataFailed) -> None:
        self._loading = None
        self.query_one("#trends-heading", Static).update("Trends could not be read")
        self.query_one("#trends-chart", ChartView).show(None, message=message.words)

    @property
    def is_loaded(self) -> bool:
        """Whether the data is in and current (no read under way)."""
        return self._data is not None and self._loading is None

    @property
    def snapshot(self) -> analytics.Snapshot | None:
        """The check-ins, experiments and ruptures shown (None until they are read)."""
        return self._data.snapshot if self._data is not None else None

    def range_bounds(self, key: str | None = None) -> tuple[dt.date, dt.date]:
        """The first and last day of range ``key`` (default: the range shown)."""
        assert self._data is not None, "no data yet"
        return range_bounds(self._data.snapshot, key or self.range_key)

    def forget_prepared(self) -> None:
        """Drop every range, chart and drawing prepared so far (the data stays, and
        with it every range's insights, made when it was read: they are wrapped again)."""
        self._ranges.clear()
        self._generation += 1
        self.query_one("#trends-chart", ChartView).forget()
        if self._data is not None:
            self._give_insights(self._data)

    def _give_insights(self, data: TrendsData) -> None:
        """Give the insights box every range's insights of ``data`` (for the old ones):
        it takes the height of the longest at once, so no range key changes it."""
        box = self.query_one("#trends-insights", InsightsView)
        box.forget()
        self._shown_insights = None
        for range_key in RANGES:
            box.prepare((range_key, data.snapshot.today), data.insights[range_key])

    def _range_data(self, data: TrendsData, range_key: str) -> _RangeData:
        snap = data.snapshot
        cache_key = (range_key, snap.today)
        found = self._ranges.get(cache_key)
        if found is not None:
            return found
        since, until = range_bounds(snap, range_key)
        rows = snap.rows_between(since - dt.timedelta(days=analytics.ROLLING_WINDOW - 1), until)
        found = _RangeData(since, until, rows, data.insights[range_key])
        self._ranges[cache_key] = found
        return found

    def _chart_key(self, view: str, data: _RangeData) -> tuple[object, ...]:
        return chart_key(view, data.since, data.until, self.calendar_metric, self.experiment_index)

    def _chart_builder(
        self, data: TrendsData, ranged: _RangeData, range_key: str, view: str
    ) -> partial[charts.Chart]:
        """What makes the description of chart ``view`` for a range, in the state now."""
        return partial(
            _build_chart, data, ranged, range_key, view, self.calendar_metric, self.experiment_index
        )

    # -- drawing --

    def redraw(self) -> None:
        """Show the current range and chart: the work one key press costs."""
        if not self.is_mounted:
            return
        self.title = "Trends"
        self.sub_title = RANGE_WORDS[self.range_key]
        data = self._data
        if data is None:
            self._show_heading(f"[b]{VIEW_TITLES[self.view]}[/b] · {READING}")
            self.query_one("#trends-chart", ChartView).show(None, message=READING)
            return
        ranged = self._range_data(data, self.range_key)
        self._show_heading(self._heading(data.snapshot, ranged))
        self.query_one("#trends-chart", ChartView).show(
            self._chart_key(self.view, ranged),
            self._chart_builder(data, ranged, self.range_key, self.view),
        )
        if ranged.insights is not self._shown_insights:
            # Only when the range (or the data) changed: a chart key leaves it alone.
            self._shown_insights = ranged.insights
            self.query_one("#trends-insights", InsightsView).show(
                (self.range_key, data.snapshot.today), ranged.insights
            )
        self._schedule_warm_up()

    def _show_heading(self, heading: str) -> None:
        if heading != self._shown_heading:
            self._shown_heading = heading
            self.query_one("#trends-heading", Static).update(heading, layout=False)

    @property
    def insights_text(self) -> str:
        """The insights shown, as plain text (items indented by two spaces)."""
        return "\n".join(
            ("  " if kind == "item" else "") + content.plain
            for kind, content in (self._shown_insights or ())
        )

    # -- warming the caches while the person looks at the chart --

    WARM_UP_DELAY = 0.1

    def _schedule_warm_up(self) -> None:
        if self._warm_timer is not None:
            self._warm_timer.stop()
        self._warm_timer = self.set_timer(self.WARM_UP_DELAY, self._warm_up_step)

    def _one_key_away(self) -> list[tuple[str, str]]:
        """(chart, range) of the charts one key away from the one shown: the same chart
        over the other ranges, then the other charts over this range."""
        return [(self.view, k) for k in RANGES if k != self.range_key] + [
            (v, self.range_key) for v in VIEWS.values() if v != self.view
        ]

    def _warm_up_step(self) -> None:
        """Prepare one range or chart that a key press could ask for next, then yield.

        Each step is one cache entry (a range's insights here, or a chart drawn on a
        worker thread), so the app stays responsive; soon
        every range and every chart one key away is ready, and a key press only shows
        it. Charts further away are drawn when a key brings them one key away: the
        drawings kept stay few (:data:`CHARTS_KEPT`) however long the screen is used.
        """
        self._warm_timer = None
        data = self._data
        if data is None:
            return
        today = data.snapshot.today
        for range_key in RANGES:
            if (range_key, today) not in self._ranges:
                self._range_data(data, range_key)
                self._schedule_next_step()
                return
        chart_view = self.query_one("#trends-chart", ChartView)
        slot = chart_view.slot()
        if slot is None:
            return  # no size yet: the next redraw starts again
        for view, range_key in self._one_key_away():
            ranged = self._ranges[(range_key, today)]
            key = self._chart_key(view, ranged)
            if not chart_view.has(key):
                build = self._chart_builder(data, ranged, range_key, view)
                self._draw_ahead(key, build, slot, self._generation)
                return

    @work(thread=True, group="trends-draw-ahead")
    def _draw_ahead(
        self, key: tuple[object, ...], build: ChartBuilder, slot: Slot, generation: int
    ) -> None:
        """Draw a chart one key away on this worker thread: a key pressed meanwhile is
        handled at once (the threads take turns), not after the drawing."""
        self.post_message(self.ChartDrawn(key, slot, draw_text(build, slot), generation))

    @on(ChartDrawn)
    def _chart_drawn(self, message: ChartDrawn) -> None:
        if message.generation == self._generation:
            self.query_one("#trends-chart", ChartView).keep_drawn(
                message.key, message.slot, message.drawn
            )
        self._schedule_next_step()

    WARM_UP_GAP = 0.05
    """Seconds between warm-up steps. A chart is drawn ahead on a worker thread, which
    takes turns with the app's own thread, so a key pressed meanwhile is slowed, not
    held up; with gaps between steps the app is idle most of the time, while every
    chart one key away is still ready within a second or so
    (``benchmarks/chart_switch.py`` measures what a key waits for)."""

    def _schedule_next_step(self) -> None:
        self.post_message(LongLivedDataLoaded())  # what a step made is kept: a cache entry
        self._warm_timer = self.set_timer(self.WARM_UP_GAP, self._warm_up_step)

    def _heading(self, snap: analytics.Snapshot, ranged: _RangeData) -> str:
        title = VIEW_TITLES[self.view]
        if self.view == "calendar":
            title, _, span = charts.calendar_heading(self.calendar_metric, ranged.until).partition(
                " · "
            )
            return (
                f"[b]{title}[/b] · {span} · press 6 for "
                f"{'mood' if self.calendar_metric == 'regulation' else 'regulation'}"
            )
        span = f"{_short(ranged.since)} to {_short(ranged.until)}"
        heading = f"[b]{title}[/b] · {RANGE_WORDS[self.range_key]} · {span}"
        if self.view == "experiments" and len(_experiments_in(snap, ranged)) > 1:
            heading += " · [b]n[/b] next"
        return heading

    # -- actions (each changes a reactive; its watcher redraws) --

    def action_range(self, key: str) -> None:
        if key in RANGES:
            self.range_key = key

    def action_view(self, view: str) -> None:
        if view == "calendar" and self.view == "calendar":
            self.calendar_metric = "mood" if self.calendar_metric == "regulation" else "regulation"
        if self.has_class("-insights-open"):
            self.action_toggle_insights()  # a chart key brings the chart back
        self.view = view

    def action_toggle_insights(self) -> None:
        """Insights on the whole body (focused, so the keys scroll them), or back."""
        box = self.query_one("#trends-insights", InsightsView)
        expanded = not self.has_class("-insights-open")
        self.set_class(expanded, "-insights-open")
        box.border_title = INSIGHTS_HINT_OPEN if expanded else INSIGHTS_HINT
        box.fit(expanded)  # with the whole body, the end of the text is its last line
        if expanded:
            self.set_focus(box)  # at once (focus() waits), so a key typed next scrolls it
        else:
            self.set_focus(None)
            box.scroll_home(animate=False)

    def action_patterns(self) -> None:
        """Patterns over the range shown; the range chosen there comes back here."""
        from tracker.app.sections import PATTERNS, load

        def back(range_key: str | None) -> None:
            if range_key in RANGES:
                self.range_key = range_key

        self.app.push_screen(load(PATTERNS.target)(self.range_key), callback=back)

    def action_next_experiment(self) -> None:
        if self.view == "experiments":
            self.experiment_index += 1
