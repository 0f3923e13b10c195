"""Experiments: small, specific relational experiments and their daily practice.

Active ones first, with progress ("3 of 5", belief before -> after). ``n`` starts
one from the library or from scratch; ``l`` logs practice (``l y 3 1``, ``[`` for an
earlier day; :mod:`tracker.app.screens.practice`); ``x`` completes it and offers a next
experiment linked to it; ``a`` sets it aside, which is not a failure. The detail shows
the whole record and the experiment trial by trial.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tracker import analytics, charts, clock
from tracker.app.runtime.ansi import ansi_to_text
from tracker.app.screens.base import ListDetailScreen
from tracker.app.screens.bring import bring_line, bring_states, with_state
from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.screens.experiment_form import (
    SET_ASIDE_DONE,
    CompleteForm,
    ExperimentForm,
    LibraryPicker,
    SetAsideDialog,
    next_template,
)
from tracker.app.screens.practice import log_practice
from tracker.app.styled import experiment_prompt, log_line, progress_bar
from tracker.app.widgets.navbar import NavBar
from tracker.app.widgets.recordlist import RecordList
from tracker.app.widgets.shades import background_of
from tracker.models import Experiment, PracticeLog
from tracker.wording import CUE_WORDS, belief_words, day_label, span_label

DETAIL_CHART_MIN_WIDTH = 40
"""Narrower than this, the detail leaves the trial-by-trial chart to Trends."""

EMPTY = (
    "[b]No experiments yet.[/b]\n\n"
    "An experiment is one small, specific thing to try in how you relate, for a week "
    "or two: “when this happens, I will …”. You write down what you expect to happen "
    "and how strongly you believe it, practise, and then compare.\n\n"
    "Press [b]n[/b] to choose one from the library or to write your own."
)

NEEDS_ACTIVE = {"log", "complete", "drop"}


class ExperimentDetail(VerticalScroll):
    """The highlighted experiment's record; its chart is drawn again at a new width."""

    def on_resize(self) -> None:
        screen = self.screen
        if isinstance(screen, ExperimentsScreen):
            screen.show_detail()


class ExperimentsScreen(ListDetailScreen[Experiment]):
    """The experiments section."""

    PREFIX = "exp"
    NEEDS_SELECTION = frozenset({"edit", "delete", "bring"})
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding(
            "n",
            "new",
            "New",
            id="experiments-new",
            tooltip="Start an experiment: from the library or your own",
        ),
        Binding(
            "l",
            "log",
            "Log practice",
            id="experiments-log",
            tooltip="Log practice: y/n, distress before and after; [ ] for another day",
        ),
        Binding(
            "x",
            "complete",
            "Complete",
            id="experiments-complete",
            tooltip="Finish it: what happened, both beliefs now, what you learned; "
            "then, if you like, plan a next one",
        ),
        Binding(
            "a",
            "drop",
            "Set aside",
            id="experiments-drop",
            tooltip="Stop this experiment for now (it isn't a failure)",
        ),
        Binding(
            "b",
            "bring",
            "Bring",
            id="experiments-bring",
            show=False,
            tooltip="Mark it to bring to your next session (again: take the mark "
            "off); a day's practice: b on its log card",
        ),
        Binding(
            "enter",
            "edit",
            "Edit",
            id="experiments-edit",
            tooltip="Change its words, period or target",
        ),
        Binding(
            "d,delete",
            "delete",
            "Delete",
            id="experiments-delete",
            show=False,
            tooltip="Delete it and its practice log (asks first)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._counts: dict[str, tuple[int, int]] = {}
        self._bring: dict[str, str] = {}
        """Experiment and practice log ids -> their bring marks in words."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("experiments")
        with Container(id="exp-body", classes="sec-body"):
            yield Static(EMPTY, id="exp-empty", classes="card sec-empty")
            yield RecordList(id="exp-list", classes="sec-list")
            with ExperimentDetail(id="exp-detail", classes="sec-detail"):
                yield Static(id="exp-detail-text")
        yield Footer(compact=True, show_command_palette=False)

    # -- data --

    def refresh_data(self) -> None:
        today = clock.today()
        self.title = "Experiments"
        experiments = self.store.experiments()
        self.records = {e.id: e for e in experiments}
        self._counts = self.store.practice_counts()
        self._bring = {
            **bring_states(self.store, "experiment"),
            **bring_states(self.store, "practice_log"),
        }
        today_logs = {
            log.experiment_id: log
            for log in self.store.practice_logs(since=today.isoformat(), until=today.isoformat())
        }
        active = [e for e in experiments if e.status == "active"]
        self.sub_title = f"{len(active)} active" if experiments else ""
        rows: list[tuple[str | None, Text | str]] = []
        for exp in active:
            done = self._counts.get(exp.id, (0, 0))[0]
            rows.append(
                (
                    exp.id,
                    self._marked(
                        exp.id, experiment_prompt(exp, done, today_logs.get(exp.id), today)
                    ),
                )
            )
        finished = [e for e in experiments if e.status != "active"]
        if finished:
            rows.append((None, Text("Completed and set aside", style="bold dim")))
            for exp in finished:
                done = self._counts.get(exp.id, (0, 0))[0]
                rows.append(
                    (exp.id, self._marked(exp.id, experiment_prompt(exp, done, None, today)))
                )
        self.show_rows(rows)

    def detail_text(self, exp: Experiment) -> Text:
        done, logged = self._counts.get(exp.id, (0, 0))
        start = dt.date.fromisoformat(exp.started_on)
        end = dt.date.fromisoformat(exp.ends_on)
        days = (end - start).days + 1
        text = Text()

        def line(label: str, words: str) -> None:
            text.append(label, style="bold")
            text.append(words + "\n")

        text.append(exp.title + "\n", style="bold")
        text.append(exp.practice + "\n")
        if exp.cue:
            line("What starts it: ", CUE_WORDS.get(exp.cue, exp.cue))
        text.append("\n")
        if exp.prediction:
            line("Prediction: ", exp.prediction)
        if exp.how_i_will_know:
            line("How I'll know: ", exp.how_i_will_know)
        line("Belief in it: ", belief_detail(exp))
        if exp.alternative_belief:
            line("Another way it could go: ", exp.alternative_belief)
            line("Belief in that: ", alternative_detail(exp))
        if exp.safety_behaviours:
            line("What I'll stop doing to feel safe: ", exp.safety_behaviours)
        line("Period: ", f"{span_label(start, end)} ({days} days)")
        text.append("Practised: ", style="bold")
        text.append_text(progress_bar(done, exp.target_count))
        text.append(
            f" {done} of {exp.target_count} times"
            if done <= exp.target_count
            else f" {done} times (aim: {exp.target_count})"
        )
        if logged > done:
            text.append(
                f" (and {logged - done} day{'s' if logged - done != 1 else ''} logged without it)"
            )
        text.append("\n")
        earlier = self.records.get(exp.follows_id or "")
        if earlier is not None:
            line(
                "Follows: ",
                f"“{earlier.title}” ({span_label(earlier.started_on, earlier.ends_on)})",
            )
        for later in followers(exp, self.records.values()):
            line("Followed by: ", f"“{later.title}” (from {day_label(later.started_on)})")
        if exp.status == "completed":
            text.append(f"\nCompleted {day_label(exp.ended_on or exp.ends_on)}\n", style="bold")
        elif exp.status == "dropped":
            text.append(
                f"\nSet aside {day_label(exp.ended_on or exp.ends_on)}. "
                "What you noticed still counts.\n",
                style="bold",
            )
        if exp.outcome:
            line("What happened: ", exp.outcome)
        if exp.learned:
            line("What I learned: " if exp.status == "completed" else "Noticed: ", exp.learned)
        logs = self.store.practice_logs(exp.id)
        chart = self._trial_chart(exp, logs)
        if chart is not None:
            text.append("\n")
            text.append_text(chart)
            text.append("\n")
        text.append("\nPractice log\n", style="bold")
        if not logs:
            text.append(
                "Nothing logged yet. "
                + (
                    "Press l after you practise: y or n, then two digits; [ for an earlier day."
                    if exp.status == "active"
                    else ""
                ),
                style="dim",
            )
        for log in reversed(logs):
            text.append_text(self._marked(log.id, log_line(log)))
            text.append("\n")
        state = self._bring.get(exp.id)
        text.append("\n")
        text.append(bring_line(state), style="bold" if state else "dim")
        text.rstrip()
        return text

    def _trial_chart(self, exp: Experiment, logs: Sequence[PracticeLog]) -> Text | None:
        """The experiment trial by trial, at the detail's width, once a practice is rated."""
        drawn = charts.trial_logs(logs)
        width = self.query_one("#exp-detail").scrollable_content_region.width - 1
        if not drawn or width < DETAIL_CHART_MIN_WIDTH:
            return None
        progress = analytics.experiment_progress(exp, logs)
        ink = charts.Ink(True, background_of(self.app))
        return ansi_to_text("\n".join(charts.trial_lines(progress, drawn, width, ink)))

    def _marked(self, record_id: str, text: Text) -> Text:
        return with_state(text, self._bring.get(record_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NEEDS_ACTIVE:
            exp = self.selected
            return exp is not None and exp.status == "active"
        return super().check_action(action, parameters)

    # -- actions --

    def action_new(self) -> None:
        def chosen(template: dict | None) -> None:
            if template is None:
                return
            self.app.push_screen(ExperimentForm(template=template), callback=self._saved_new)

        self.app.push_screen(LibraryPicker(), callback=chosen)

    def _saved_new(self, experiment: Experiment | None) -> None:
        if experiment is None:
            return
        self.store.save_experiment(experiment)
        self.highlight(experiment.id)
        self.notify(
            f"Started “{experiment.title}”. Press l on days you practise.",
            title="Experiment started",
        )

    def action_edit(self) -> None:
        exp = self.selected
        if exp is None:
            return

        def saved(experiment: Experiment | None) -> None:
            if experiment is not None:
                self.store.save_experiment(experiment)
                self.highlight(experiment.id)
                self.notify("Saved.")

        self.app.push_screen(ExperimentForm(existing=exp), callback=saved)

    def action_log(self) -> None:
        exp = self.selected
        if exp is None or exp.status != "active":
            return
        log_practice(self, exp, saved=lambda _log: self.highlight(exp.id))

    def complete(self, experiment_id: str) -> None:
        """Highlight an experiment and open its completion (Today's "period over:
        complete it?")."""
        self.refresh_data()
        if experiment_id not in self.records:
            return
        self.record_list.highlight_record(experiment_id)
        self.record_list.focus()
        self.show_detail()
        self.action_complete()

    def action_bring(self) -> None:
        exp = self.selected
        if exp is None:
            return
        marked = self.store.toggle_bring("experiment", exp.id)
        self.highlight(exp.id)
        self.notify(
            "Marked to bring to your next session." if marked else "No longer marked to bring."
        )

    def action_complete(self) -> None:
        exp = self.selected
        if exp is None or exp.status != "active":
            return
        done = self._counts.get(exp.id, (0, 0))[0]

        def saved(experiment: Experiment | None) -> None:
            if experiment is not None:
                self.store.save_experiment(experiment)
                self.highlight(experiment.id)
                other = ""
                if experiment.alternative_belief and experiment.alternative_after is not None:
                    other = f"; the other way {alternative_detail(experiment)}"
                self.notify(
                    f"Completed. {belief_words(experiment).capitalize()}{other}.",
                    title="Experiment completed",
                )
                offer_next_experiment(self, experiment, self._saved_new)

        self.app.push_screen(CompleteForm(exp, done), callback=saved)

    def action_drop(self) -> None:
        exp = self.selected
        if exp is None or exp.status != "active":
            return

        def answered(noticed: str | None) -> None:
            if noticed is None:
                return
            changes = {
                "status": "dropped",
                "ended_on": clock.today().isoformat(),
                "updated_at": clock.now_iso(),
            }
            if noticed:
                changes["learned"] = noticed
            self.store.save_experiment(Experiment.create(exp.to_row(), **changes))
            self.highlight(exp.id)
            self.notify(SET_ASIDE_DONE)

        self.app.push_screen(SetAsideDialog(exp), callback=answered)

    def action_delete(self) -> None:
        exp = self.selected
        if exp is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.store.delete_experiment(exp.id)
                self.refresh_data()
                self.notify("Deleted.")

        self.app.push_screen(
            ConfirmDialog(
                f"Delete “{exp.title}” and its practice log? This can't be undone. "
                "(To stop it but keep the record, press a: set aside.)",
                yes="Delete",
                no="Keep",
            ),
            callback=answered,
        )


NEXT_QUESTION = (
    "Plan a next experiment? It starts filled in from this one (its words, and how "
    "strongly you believe each way now), and the two stay linked."
)


def offer_next_experiment(
    screen: Screen,
    completed: Experiment,
    saved: Callable[[Experiment | None], None],
) -> None:
    """After completing ``completed``: ask whether to plan the next experiment, and if
    so open a new form prefilled from it and linked to it (``follows_id``).

    ``saved`` receives the new experiment (to save it) or ``None`` when left.
    """

    def answered(yes: bool | None) -> None:
        if yes:
            screen.app.push_screen(
                ExperimentForm(template=next_template(completed), follows=completed),
                callback=saved,
            )

    screen.app.push_screen(
        ConfirmDialog(NEXT_QUESTION, yes="Plan next", no="Not now", id="next-experiment"),
        callback=answered,
    )


def followers(exp: Experiment, experiments: Iterable[Experiment]) -> list[Experiment]:
    """The experiments planned as the next step after ``exp``, oldest first."""
    found = [e for e in experiments if e.follows_id == exp.id]
    return sorted(found, key=lambda e: (e.started_on, e.created_at))


def belief_detail(exp: Experiment) -> str:
    """Belief in the prediction, before and after, without blanks for what wasn't asked."""
    return _before_after(exp.belief_before, exp.belief_after, exp.status)


def alternative_detail(exp: Experiment) -> str:
    """Belief in the alternative, before and after, as :func:`belief_detail` words it."""
    return _before_after(exp.alternative_before, exp.alternative_after, exp.status)


def _before_after(before: int | None, after: int | None, status: str) -> str:
    if before is None and after is None:
        return "not noted"
    if after is None:
        asked = " (asked again when you complete it)" if status == "active" else ""
        return f"{before}% at the start{asked}"
    if before is None:
        return f"{after}% at the end"
    return f"{before}% at the start → {after}% at the end"
