"""Trends: charts of the check-ins and experiments, and insights in plain words.

Keys on this screen: ``w m q y a`` choose the range (7, 30, 90, 365 days, all);
``1``-``7`` choose the chart (regulation, mood, intensity, urges, names, calendar,
experiments); ``n`` moves to the next experiment on the experiments chart; ``6``
again switches the calendar between regulation and mood; ``i`` gives the insights
the whole screen (and focuses them, so the arrow keys scroll) and brings the chart
back. (``q`` is a range here, not quit.)

Layout: the chart takes two thirds of the height, at least what a time chart needs
at 80x24 (13 rows); the insights take the rest, each paragraph its own widget so
wrapped lines keep their indent.

Speed: everything is read from the database once into a :class:`Snapshot` (a few
queries, aggregated in SQL over the ``day`` index) and read again only when the
data changed (:meth:`Store.change_token`). Ranges are cut from it in memory, chart
descriptions and insights are cached per range, and time charts are downsampled to
the widget's width before plotext draws them. :meth:`TrendsScreen.redraw` is the
whole redraw a range or chart key triggers; the benchmark times it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Header, Static

from tracker import analytics, charts, clock
from tracker.app.screens.base import SectionScreen
from tracker.app.widgets.chart import ChartView
from tracker.app.widgets.navbar import NavBar
from tracker.week import HARD_URGE, hard_moments, hard_moments_words

RANGES: dict[str, int | None] = {"w": 7, "m": 30, "q": 90, "y": 365, "a": None}
RANGE_WORDS = {"w": "last 7 days", "m": "last 30 days", "q": "last 90 days",
               "y": "last 365 days", "a": "everything"}
VIEWS: dict[str, str] = {"1": "regulation", "2": "mood", "3": "intensity", "4": "urges",
                         "5": "names", "6": "calendar", "7": "experiments"}
VIEW_TITLES = {"regulation": "Regulation", "mood": "Mood", "intensity": "Intensity",
               "urges": "Urges to pursue and to withdraw", "names": "Named most often",
               "calendar": "A year at a glance", "experiments": "Experiments"}
VIEW_LABELS = {"regulation": "Regulation", "mood": "Mood", "intensity": "Intensity",
               "urges": "Urges", "names": "Emotions, people, tags", "calendar": "Calendar",
               "experiments": "Experiments"}
TOP_NAMES = 12
MAX_PRACTICE_LINES = 12
INSIGHTS_HINT = "Insights · i: show them all"
INSIGHTS_HINT_OPEN = "Insights · ↑ ↓ PgUp PgDn: scroll · i: back to the chart"

RANGE_GROUP = Binding.Group("Range", compact=True)
VIEW_GROUP = Binding.Group("Chart", compact=True)


Paragraphs = tuple[tuple[str, Content], ...]
"""Insights as (kind, text) paragraphs; kind is a CSS class: "title", "heading", "item"."""


@dataclass
class _RangeData:
    since: dt.date
    until: dt.date
    rows: list[dict]
    insights: Paragraphs


def _short(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


class _Body(Vertical):
    """The screen's body: when its height changes, the chart's room changes too."""

    def on_resize(self) -> None:
        self.query_one(ChartView).draw()


CHART_MIN_ROWS = 13
"""A time chart with rupture and repair marks and a two-line legend, at 80x24."""
INSIGHTS_MIN_ROWS = 5


class TrendsScreen(SectionScreen):
    """Charts and insights for a range of days."""

    BINDINGS = [
        *[Binding(key, f"range('{key}')", RANGE_WORDS[key], group=RANGE_GROUP,
                  id=f"trends-range-{key}", tooltip=f"Show {RANGE_WORDS[key]}")
          for key in RANGES],
        *[Binding(key, f"view('{view}')", VIEW_LABELS[view], group=VIEW_GROUP,
                  id=f"trends-chart-{view}", tooltip=VIEW_TITLES[view])
          for key, view in VIEWS.items()],
        # Not in the footer (it is full at 80 columns); the experiments heading says it.
        Binding("n", "next_experiment", "Next experiment", id="trends-next-experiment",
                show=False, tooltip="Show the distress chart of the next experiment"),
        Binding("i", "toggle_insights", "Insights", id="trends-insights",
                tooltip="Give the insights the whole screen, or bring the chart back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.range_key = "m"
        self.view = "regulation"
        self.calendar_metric = "regulation"
        self.experiment_index = 0
        self._snapshot: analytics.Snapshot | None = None
        self._answers: list[dict] | None = None
        """Every check-in's urges and answers, for the hard moments (read with the snapshot)."""
        self._token: tuple[object, ...] | None = None
        self._ranges: dict[tuple[str, dt.date], _RangeData] = {}
        self._charts: dict[tuple[object, ...], charts.Chart | None] = {}
        self._shown_heading = ""
        self._shown_insights: Content | None = None
        self._warm_timer = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("trends")
        with _Body(id="trends-body"):
            yield Static(id="trends-heading")
            yield ChartView(id="trends-chart", room=self._chart_room)
            insights = VerticalScroll(id="trends-insights")
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
        return max(min(CHART_MIN_ROWS, available),
                   min(available - INSIGHTS_MIN_ROWS, max(CHART_MIN_ROWS, available * 2 // 3)))

    # -- data --

    def refresh_data(self) -> None:
        """Reload from the database only when something was written (or the day changed)."""
        today = clock.today()
        token = (today, *self.store.change_token())
        if token != self._token or self._snapshot is None:
            from tracker.report import load_snapshot

            self._snapshot = load_snapshot(self.store, today)
            self._answers = None
            self.app.keep_long_lived(collect=True)  # also frees what earlier freezes kept
            self._token = token
            self._ranges.clear()
            self._charts.clear()
            self.query_one("#trends-chart", ChartView).forget()
        self.redraw()

    @property
    def snapshot(self) -> analytics.Snapshot:
        if self._snapshot is None:
            from tracker.report import load_snapshot

            self._snapshot = load_snapshot(self.store, clock.today())
            self.app.keep_long_lived(collect=True)
        return self._snapshot

    def range_bounds(self, key: str | None = None) -> tuple[dt.date, dt.date]:
        key = key or self.range_key
        snap = self.snapshot
        until = snap.today
        days = RANGES[key]
        if days is None:
            first = snap.first_day
            since = min(first, until) if first else until
        else:
            since = until - dt.timedelta(days=days - 1)
        return since, until

    def _range_data(self, range_key: str | None = None) -> _RangeData:
        range_key = range_key or self.range_key
        snap = self.snapshot
        cache_key = (range_key, snap.today)
        found = self._ranges.get(cache_key)
        if found is not None:
            return found
        since, until = self.range_bounds(range_key)
        rows = snap.rows_between(since - dt.timedelta(days=analytics.ROLLING_WINDOW - 1), until)
        insights = analytics.range_insights(snap, since, until, compare=range_key != "a",
                                            max_experiments=MAX_PRACTICE_LINES)
        # Parsed to Content once per range, so a range key only lays it out.
        data = _RangeData(since, until, rows,
                          self._insights_paragraphs(insights, range_key,
                                                    self._hard_moments(since, until, range_key)))
        self._ranges[cache_key] = data
        return data

    def _hard_moments(self, since: dt.date, until: dt.date, range_key: str) -> str:
        """The hard-moments insight of a range, beside the range before (not for 'a')."""
        if self._answers is None:
            self._answers = self.store.urge_answers(until=self.snapshot.today.isoformat())
        current = hard_moments(self._answers, since, until)
        if range_key == "a":
            return hard_moments_words(current, None, "In everything you've recorded")
        before_since, before_until = analytics.previous_range(since, until)
        previous = hard_moments(self._answers, before_since, before_until)
        days = (until - since).days + 1
        return hard_moments_words(current, previous if previous.checkins else None,
                                  f"In the {RANGE_WORDS[range_key]}",
                                  f"the {days:,} days before")

    def _chart(self, data: _RangeData, view: str | None = None,
               range_key: str | None = None) -> charts.Chart | None:
        view = view or self.view
        range_key = range_key or self.range_key
        extra: object = None
        if view == "calendar":
            extra = self.calendar_metric
        elif view == "experiments":
            extra = self.experiment_index
        key = (range_key, data.since, view, extra)
        if key in self._charts:
            return self._charts[key]
        snap = self.snapshot
        built: charts.Chart | None
        if view in ("regulation", "mood", "intensity"):
            built = charts.metric_chart(data.rows, view, data.since, data.until, snap.marks())
        elif view == "urges":
            built = charts.urges_chart(data.rows, data.since, data.until, snap.marks())
        elif view == "names":
            s, u = data.since.isoformat(), data.until.isoformat()
            built = charts.names_chart({
                "Emotions": self.store.name_counts("emotions", s, u)[:TOP_NAMES],
                "People": self.store.name_counts("people", s, u)[:TOP_NAMES],
                "Tags": self.store.name_counts("tags", s, u)[:TOP_NAMES],
            })
        elif view == "calendar":
            first, last = charts.calendar_range(data.until)
            built = charts.calendar_chart(snap.rows_between(first, last), self.calendar_metric,
                                          data.until)
        else:
            built = self._experiments_chart(data)
        self._charts[key] = built
        return built

    def _experiments_in(self, data: _RangeData) -> list:
        return sorted((e for e in self.snapshot.experiments
                       if analytics.overlaps(e, data.since, data.until)),
                      key=lambda e: (e.started_on, e.created_at), reverse=True)

    def _experiments_chart(self, data: _RangeData) -> charts.ExperimentsChart:
        running = self._experiments_in(data)
        logs: dict[str, list] = {}
        for log in self.snapshot.logs:
            logs.setdefault(log.experiment_id, []).append(log)
        progress = [analytics.experiment_progress(e, logs.get(e.id, [])) for e in running]
        selected = self.experiment_index % len(running) if running else 0
        chosen = logs.get(running[selected].id, []) if running else []
        return charts.experiments_chart(progress, chosen, selected)

    # -- drawing --

    def redraw(self) -> None:
        """Show the current range and chart: the work one key press costs."""
        data = self._range_data()
        chart = self._chart(data)
        self.title = "Trends"
        self.sub_title = RANGE_WORDS[self.range_key]
        heading = self._heading(data)
        if heading != self._shown_heading:
            self._shown_heading = heading
            self.query_one("#trends-heading", Static).update(heading, layout=False)
        self.query_one("#trends-chart", ChartView).show(chart)
        if data.insights is not self._shown_insights:
            # Only when the range (or the data) changed: a chart key leaves it alone.
            self._shown_insights = data.insights
            self._show_insights(data.insights)
        self._schedule_warm_up()

    def _show_insights(self, paragraphs: Paragraphs) -> None:
        """One Static per paragraph, reused from range to range (extras are hidden)."""
        box = self.query_one("#trends-insights", VerticalScroll)
        pool = list(box.query_children(Static))
        new = []
        for index, (kind, content) in enumerate(paragraphs):
            if index < len(pool):
                widget = pool[index]
                widget.update(content)
                if not widget.has_class(kind):
                    widget.set_classes(kind)
                widget.display = True
            else:
                new.append(Static(content, classes=kind))
        for widget in pool[len(paragraphs):]:
            widget.display = False
        if new:
            box.mount_all(new)
        box.scroll_home(animate=False)

    @property
    def insights_text(self) -> str:
        """The insights shown, as plain text (items indented by two spaces)."""
        return "\n".join(("  " if kind == "item" else "") + content.plain
                         for kind, content in (self._shown_insights or ()))

    # -- warming the caches while the person looks at the chart --

    WARM_UP_DELAY = 0.1

    def _schedule_warm_up(self) -> None:
        if self._warm_timer is not None:
            self._warm_timer.stop()
        self._warm_timer = self.set_timer(self.WARM_UP_DELAY, self._warm_up_step)

    def _warm_up_step(self) -> None:
        """Prepare one range or chart that a key press could ask for next, then yield.

        Each step is one cache entry (a few ms), so the app stays responsive; after a
        second or two every range and chart is ready and a key press only shows it.
        """
        self._warm_timer = None
        view_order = [self.view] + [v for v in VIEWS.values() if v != self.view]
        range_order = [self.range_key] + [k for k in RANGES if k != self.range_key]
        chart_view = self.query_one("#trends-chart", ChartView)
        for view in view_order:
            for range_key in range_order:
                if (range_key, self.snapshot.today) not in self._ranges:
                    self._range_data(range_key)
                    self._schedule_next_step()
                    return
                data = self._ranges[(range_key, self.snapshot.today)]
                key_extra = self.calendar_metric if view == "calendar" else (
                    self.experiment_index if view == "experiments" else None)
                if (range_key, data.since, view, key_extra) not in self._charts:
                    built = self._chart(data, view, range_key)
                    if built is not None:
                        chart_view.prepare(built)
                    self._schedule_next_step()
                    return

    WARM_UP_GAP = 0.05
    """Seconds between warm-up steps. A key pressed during a step waits for it (a
    chart takes 10-30 ms to draw); with 50 ms between steps the app is idle most of
    the time, and key -> frame p95 at 10 years went from ~64 ms (10 ms gaps) to ~47 ms
    (``benchmarks/chart_switch.py``), while every chart is still ready in ~2 s."""

    def _schedule_next_step(self) -> None:
        self.app.keep_long_lived()  # what a step made is kept: a cache entry
        self._warm_timer = self.set_timer(self.WARM_UP_GAP, self._warm_up_step)

    def _heading(self, data: _RangeData) -> str:
        title = VIEW_TITLES[self.view]
        if self.view == "calendar":
            first, _ = charts.calendar_range(data.until)
            return (f"[b]{self.calendar_metric.capitalize()}, a year at a glance[/b] · "
                    f"{_short(first)} to {_short(data.until)} · press 6 for "
                    f"{'mood' if self.calendar_metric == 'regulation' else 'regulation'}")
        span = f"{_short(data.since)} to {_short(data.until)}"
        heading = f"[b]{title}[/b] · {RANGE_WORDS[self.range_key]} · {span}"
        if self.view == "experiments" and len(self._experiments_in(data)) > 1:
            heading += " · [b]n[/b] next"
        return heading

    def _insights_paragraphs(self, ins: analytics.RangeInsights, range_key: str,
                             moments: str = "") -> Paragraphs:
        out: list[tuple[str, Content]] = []

        def heading(markup: str) -> None:
            out.append(("heading", Content.from_markup(markup)))

        def item(text: str) -> None:
            out.append(("item", Content(text)))

        out.append(("title", Content.from_markup(
            f"[b]{RANGE_WORDS[range_key].capitalize()}[/b] · "
            f"{_short(ins.since)} to {_short(ins.until)}")))
        out.append(("plain", Content(ins.consistency_words())))
        if range_key == "a":
            heading("[b]Averages over everything you've recorded[/b]")
        elif ins.previous is None:
            heading("[b]Averages[/b] (no check-ins in the range before to compare with)")
        else:
            heading(f"[b]Compared with the {ins.days:,} days before[/b] "
                    f"({_short(ins.previous[0])} to {_short(ins.previous[1])})")
        for words in ins.comparison_words():
            item(words)
        heading("[b]Experiments in this range[/b]")
        if ins.practice:
            for words in ins.practice_words():
                item(words)
            if ins.experiments_running > len(ins.practice):
                more = ins.experiments_running - len(ins.practice)
                item(f"... and {analytics.plural(more, 'earlier experiment')} "
                     "('tracker report' lists them all).")
            item("Counted over each experiment's own days (start to end, or today): days "
                 "practised have a practice log marked done, the other days are the rest; "
                 "both count only days with a regulation rating. Side by side only: this "
                 "doesn't show what caused what.")
        else:
            out.append(("item", Content.from_markup(
                "None ran in this range. Press [b]e[/b] to choose one.")))
        heading("[b]Ruptures and repairs[/b]")
        item(ins.ruptures.words())
        if moments:
            heading(f"[b]Hard moments[/b] (an urge to pursue or to withdraw of {HARD_URGE} "
                    "or more)")
            item(moments)
        return tuple(out)

    # -- actions --

    def action_range(self, key: str) -> None:
        if key in RANGES and key != self.range_key:
            self.range_key = key
            self.experiment_index = 0
            self.redraw()

    def action_view(self, view: str) -> None:
        if view == "calendar" and self.view == "calendar":
            self.calendar_metric = "mood" if self.calendar_metric == "regulation" else "regulation"
        elif view == self.view and not self.has_class("-insights-open"):
            return
        if self.has_class("-insights-open"):
            self.action_toggle_insights()  # a chart key brings the chart back
        self.view = view
        self.redraw()

    def action_toggle_insights(self) -> None:
        """Insights on the whole body (focused, so the keys scroll them), or back."""
        box = self.query_one("#trends-insights", VerticalScroll)
        expanded = not self.has_class("-insights-open")
        self.set_class(expanded, "-insights-open")
        box.border_title = INSIGHTS_HINT_OPEN if expanded else INSIGHTS_HINT
        if expanded:
            box.focus()
        else:
            self.set_focus(None)
            box.scroll_home(animate=False)

    def action_next_experiment(self) -> None:
        if self.view != "experiments":
            return
        self.experiment_index += 1
        self.redraw()

