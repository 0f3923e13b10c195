"""Today: the home screen. Today's check-ins, the last 14 days, consistency in words,
active experiments with today's practice, and ruptures not yet repaired."""

from __future__ import annotations

import datetime as dt
import os

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from tracker import analytics, clock
from tracker.app.screens.base import SectionScreen
from tracker.app.widgets.daystrip import DayStrip, StripDay
from tracker.models import MOOD, CheckIn
from tracker.app.widgets.navbar import NavBar
from tracker.app.widgets.progress import ago_words

WELCOME = (
    "Welcome. This is a quiet place to practise: a short check-in each day, small "
    "experiments in how you relate, and a record you can look back on, alone or with "
    "your therapist.\n\n"
    "Press [b]c[/b] to make your first check-in: a digit for each rating, then "
    "[b]ctrl+s[/b]. Press [b]s[/b] to add the people and lines you can reach when things "
    "are hard, and [b]?[/b] for every key. Your data stays on this computer."
)


def checkin_line(c: CheckIn) -> str:
    parts = [f"{c.created_at[11:16]}  mood {c.mood} ({MOOD.label(c.mood)})"]
    if c.regulation is not None:
        parts.append(f"regulation {c.regulation}")
    if c.intensity is not None:
        parts.append(f"intensity {c.intensity}")
    if c.emotions:
        parts.append(", ".join(c.emotions))
    line = " · ".join(parts)
    if c.need:
        line += f"\n       needed: {c.need}"
    return line


class TodayScreen(SectionScreen):
    """The home screen."""

    BINDINGS = [
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("today")
        with VerticalScroll(id="today-body"):
            if os.environ.get("TRACKER_DEMO"):  # set by tracker --demo (demo.DEMO_ENV)
                yield Static("Demo data: nothing here is yours, and it is deleted when you "
                             "quit.", id="demo-notice", classes="card")
            yield Static(id="welcome", classes="card")
            yield Static(id="consistency", classes="lead")
            yield Static("Last 14 days", classes="section-title")
            yield DayStrip(id="strip")
            yield Static("Today's check-ins", classes="section-title")
            yield Static(id="today-checkins")
            yield Static("Experiments", classes="section-title", id="experiments-title")
            yield Static(id="today-experiments")
            yield Static("Ruptures not yet repaired", classes="section-title",
                         id="ruptures-title")
            yield Static(id="today-ruptures")
        yield Footer(compact=True, show_command_palette=False)

    def refresh_data(self) -> None:
        today = clock.today()
        self.title = f"Today · {today:%A %d %B}"
        self.sub_title = ""
        store = self.store
        first_run = store.checkin_count() == 0
        welcome = self.query_one("#welcome", Static)
        welcome.display = first_run
        welcome.update(WELCOME)

        since14 = (today - dt.timedelta(days=13)).isoformat()
        means = {r["day"]: r for r in store.daily_means(since=since14, until=today.isoformat())}
        strip = [StripDay(d, (means.get(d.isoformat()) or {}).get("mood"),
                          (means.get(d.isoformat()) or {}).get("regulation"))
                 for d in analytics.day_range(today - dt.timedelta(days=13), today)]
        self.query_one("#strip", DayStrip).set_days(strip)

        since30 = (today - dt.timedelta(days=29)).isoformat()
        days = store.days_with_checkins(since30, today.isoformat())
        consistency = self.query_one("#consistency", Static)
        consistency.display = not first_run
        consistency.update(analytics.consistency(days, today).words())

        todays = store.checkins(since=today.isoformat(), until=today.isoformat())
        self.query_one("#today-checkins", Static).update(
            "\n".join(checkin_line(c) for c in todays) if todays
            else "No check-in yet today. Press [b]c[/b] when you're ready.")

        self._refresh_experiments(today)
        self._refresh_ruptures(today)

    def _refresh_experiments(self, today: dt.date) -> None:
        active = self.store.experiments(status="active")
        box = self.query_one("#today-experiments", Static)
        if not active:
            box.update("None running. Press [b]e[/b] to choose a small experiment to try.")
            return
        counts = self.store.practice_counts()
        today_logs = self.store.practice_logs(since=today.isoformat(), until=today.isoformat())
        logged_today = {log.experiment_id: log for log in today_logs}
        lines = []
        for exp in active:
            done, _ = counts.get(exp.id, (0, 0))
            log = logged_today.get(exp.id)
            state = ("practised today" if log and log.done else
                     "logged today (not this time)" if log else "not logged today")
            lines.append(f"{exp.title} · {done} of {exp.target_count} · {state}")
        box.update("\n".join(lines))

    def _refresh_ruptures(self, today: dt.date) -> None:
        open_ruptures = self.store.ruptures(unrepaired_only=True)
        box = self.query_one("#today-ruptures", Static)
        title = self.query_one("#ruptures-title", Static)
        title.display = box.display = bool(open_ruptures)
        lines = []
        for r in open_ruptures:
            when = ago_words(dt.date.fromisoformat(r.day), today)
            who = ", ".join(r.people) or "someone"
            steps = len(r.steps_taken)
            lines.append(f"With {who}, {when} · {steps} repair step{'s' if steps != 1 else ''} so far")
        box.update("\n".join(lines))
