"""Today: the home screen. Today's check-ins, the last 14 days, consistency in words,
the next therapy session and what is marked to bring, active experiments with
today's practice, and ruptures not yet repaired."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from tracker import clock, days
from tracker.app.screens.base import SectionScreen
from tracker.app.widgets.daystrip import DayStrip, StripDay
from tracker.app.widgets.navbar import NavBar
from tracker.app.widgets.shades import background_of
from tracker.models import MOOD, CheckIn, Experiment
from tracker.practice import period_over
from tracker.text import one_line
from tracker.wording import ago_words, count_words, day_label

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


@dataclass(frozen=True)
class _TodayView:
    """The texts the home screen shows (compared, so an unchanged screen is left alone)."""

    title: str
    first_run: bool
    consistency: str
    strip: tuple[StripDay, ...]
    checkins: str
    experiments: str
    ruptures: str
    session: str = ""
    """The next session and what is marked to bring ("" when there is nothing to say)."""


class TodayScreen(SectionScreen):
    """The home screen."""

    BINDINGS = [
        Binding(
            "l",
            "log",
            "Log practice",
            id="today-log",
            tooltip="A running experiment's practice, today or an earlier day ([ ] in the "
            "dialog); asks which when several run",
        ),
        Binding(
            "x",
            "complete",
            "Complete",
            id="today-complete",
            tooltip="Finish an experiment whose period is over (opens it on Experiments)",
        ),
        # q quits from every screen but a form (the app's key); shown here, where the
        # footer has room for it.
        Binding("q", "app.quit", "Quit", id="today-quit"),
    ]
    HELP_EXTRA_KEYS = [("c", "A check-in for today: the card opens on mood")]
    _over: list[Experiment] = []
    """Running experiments whose period is over (``x`` completes one)."""

    def compose(self) -> ComposeResult:
        # Everything is read before the first frame, so the screen is drawn once, whole.
        self._token = self._change_token()
        view = self._gather()
        self._shown = view
        self.title, self.sub_title = view.title, ""
        yield Header()
        yield NavBar("today")
        with VerticalScroll(id="today-body"):
            if self.app.demo:  # type: ignore[attr-defined]  # tracker --demo
                yield Static(
                    "Demo data: nothing here is yours, and it is deleted when you quit.",
                    id="demo-notice",
                    classes="card",
                )
            welcome = Static(WELCOME, id="welcome", classes="card")
            welcome.display = view.first_run
            yield welcome
            consistency = Static(view.consistency, id="consistency", classes="lead")
            consistency.display = not view.first_run
            yield consistency
            yield Static("Last 14 days", classes="section-title")
            yield DayStrip(view.strip, background=background_of(self.app), id="strip")
            yield Static("Today's check-ins", classes="section-title")
            yield Static(view.checkins, id="today-checkins")
            title = Static("Your next session", classes="section-title", id="session-title")
            session = Static(view.session, id="today-session")
            title.display = session.display = bool(view.session)
            yield title
            yield session
            yield Static("Experiments", classes="section-title", id="experiments-title")
            yield Static(view.experiments, id="today-experiments")
            title = Static(
                "Ruptures not yet repaired", classes="section-title", id="ruptures-title"
            )
            ruptures = Static(view.ruptures, id="today-ruptures")
            title.display = ruptures.display = bool(view.ruptures)
            yield title
            yield ruptures
        yield Footer(compact=True, show_command_palette=False)

    def _change_token(self) -> tuple[object, ...]:
        return (clock.today(), *self.store.change_token())

    def refresh_data(self) -> None:
        # Called on mount and on every return (so twice as the app starts, right
        # after compose read everything): read again only when something was written.
        token = self._change_token()
        if token == self._token:
            return
        self._token = token
        view = self._gather()
        if view == self._shown:
            return  # nothing changed: no new layout
        self._shown = view
        self.title, self.sub_title = view.title, ""
        welcome = self.query_one("#welcome", Static)
        welcome.display = view.first_run
        consistency = self.query_one("#consistency", Static)
        consistency.display = not view.first_run
        consistency.update(view.consistency)
        self.query_one("#strip", DayStrip).set_days(view.strip)
        self.query_one("#today-checkins", Static).update(view.checkins)
        self.query_one("#today-experiments", Static).update(view.experiments)
        self.refresh_bindings()  # x shows only while a period is over
        box = self.query_one("#today-ruptures", Static)
        title = self.query_one("#ruptures-title", Static)
        title.display = box.display = bool(view.ruptures)
        box.update(view.ruptures)
        box = self.query_one("#today-session", Static)
        title = self.query_one("#session-title", Static)
        title.display = box.display = bool(view.session)
        box.update(view.session)

    def _gather(self) -> _TodayView:
        """What the screen shows, read from the store (no widgets touched)."""
        today = clock.today()
        store = self.store
        first_run = store.checkin_count() == 0

        since14 = (today - dt.timedelta(days=13)).isoformat()
        means = {r["day"]: r for r in store.daily_means(since=since14, until=today.isoformat())}
        strip = tuple(
            StripDay(
                d,
                (means.get(d.isoformat()) or {}).get("mood"),
                (means.get(d.isoformat()) or {}).get("regulation"),
            )
            for d in days.day_range(today - dt.timedelta(days=13), today)
        )

        since30 = (today - dt.timedelta(days=29)).isoformat()
        checked = store.days_with_checkins(since30, today.isoformat())
        todays = store.checkins(since=today.isoformat(), until=today.isoformat())
        return _TodayView(
            title=f"Today · {today:%A %d %B}",
            first_run=first_run,
            consistency=days.consistency(checked, today).words(),
            strip=strip,
            checkins=(
                "\n".join(checkin_line(c) for c in todays)
                if todays
                else "No check-in yet today. Press [b]c[/b] when you're ready."
            ),
            experiments=self._experiments_text(today),
            ruptures=self._ruptures_text(today),
            session=self._session_text(today),
        )

    def _session_text(self, today: dt.date) -> str:
        """The next session (with its agenda line) and how many things are marked to
        bring; "" when no session is recorded and nothing is marked."""
        sessions = self.store.sessions()
        waiting = self.store.waiting_marks(today)
        if not sessions and not waiting:
            return ""
        from tracker import agenda  # (only then: a new user's first screen never needs it)

        upcoming = agenda.next_session(sessions, today)
        lines = []
        if upcoming is None:
            lines.append("None planned yet. Press [b]p[/b] to record one, past or planned.")
        else:
            when = agenda.session_when(upcoming, today)
            line = when[0].upper() + when[1:]
            if upcoming.agenda:
                line += " · agenda: " + escape(one_line(upcoming.agenda))
            lines.append(line)
        if waiting:
            lines.append(f"Marked to bring: {agenda.count_words(waiting)} · [b]P[/b] shows them")
        else:
            lines.append(
                "Nothing marked to bring yet: [b]b[/b] marks a check-in in History, "
                "a rupture or an experiment."
            )
        return "\n".join(lines)

    def _experiments_text(self, today: dt.date) -> str:
        active = self.store.experiments(status="active")
        self._over = [e for e in active if period_over(e, today)]
        if not active:
            return "None running. Press [b]e[/b] to choose a small experiment to try."
        counts = self.store.practice_counts()
        today_logs = self.store.practice_logs(since=today.isoformat(), until=today.isoformat())
        logged_today = {log.experiment_id: log for log in today_logs}
        lines = []
        for exp in active:
            done, _ = counts.get(exp.id, (0, 0))
            log = logged_today.get(exp.id)
            if period_over(exp, today):
                state = "period over: complete it? ([b]x[/b])"
            elif log and log.done:
                state = "practised today"
            elif log:
                state = "logged today (not this time)"
            else:
                state = "not logged today"
            title = escape(one_line(exp.title))
            lines.append(f"{title} · {count_words(done, exp.target_count)} · {state}")
        return "\n".join(lines)

    # -- practice --

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "complete":
            return bool(self._over)  # shown while an experiment's period is over
        return True

    def action_log(self) -> None:
        """Log practice: the dialog for the one experiment running, or a question
        which one first; a note when none is running."""
        from tracker.app.screens.practice import (  # (only now: the first frame needs none)
            ExperimentChooser,
            log_practice,
            practice_lines,
        )

        today = clock.today()
        active = self.store.experiments(status="active")
        if not active:
            self.notify(
                "No experiment is running. Press e, then n, to start one.", title="Log practice"
            )
            return

        def chosen(experiment: Experiment | None) -> None:
            if experiment is not None:
                log_practice(self, experiment, saved=lambda _log: self.refresh_data())

        if len(active) == 1:
            chosen(active[0])
            return
        today_logs = {
            log.experiment_id: log
            for log in self.store.practice_logs(since=today.isoformat(), until=today.isoformat())
        }
        lines = practice_lines(active, self.store.practice_counts(), today_logs, today)
        self.app.push_screen(
            ExperimentChooser("Log practice for which experiment?", active, lines),
            callback=chosen,
        )

    async def action_complete(self) -> None:
        """An experiment whose period is over: complete it on the Experiments screen
        (asking which first when there are several)."""
        over = [e for e in self.store.experiments(status="active") if period_over(e, clock.today())]
        if not over:
            return

        async def chosen(experiment: Experiment | None) -> None:
            if experiment is None:
                return
            await self.app.switch_mode("experiments")
            complete = getattr(self.app.screen, "complete", None)
            if callable(complete):
                complete(experiment.id)

        if len(over) == 1:
            await chosen(over[0])
            return
        from tracker.app.screens.practice import ExperimentChooser

        self.app.push_screen(
            ExperimentChooser(
                "Complete which experiment? Their periods are over.",
                over,
                [f"ended {day_label(e.ends_on, clock.today())}" for e in over],
            ),
            callback=chosen,
        )

    def _ruptures_text(self, today: dt.date) -> str:
        """Ruptures not yet repaired, a line each ("" when there are none)."""
        lines = []
        for r in self.store.ruptures(unrepaired_only=True):
            when = ago_words(dt.date.fromisoformat(r.day), today)
            who = ", ".join(r.people) or "someone"
            steps = len(r.steps_taken)
            lines.append(
                f"With {who}, {when} · {steps} repair step{'s' if steps != 1 else ''} so far"
            )
        return "\n".join(lines)
