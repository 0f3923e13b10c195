"""Logging practice, from Today (``l``) and from Experiments (``l``): one dialog.

:class:`PracticeLogCard` is one day of one experiment: ``y`` or ``n``, distress
before and after, how far what was predicted happened, a note. ``[`` and ``]`` move
to an earlier or later day inside the experiment's period (never after today); a
day that has a log already shows it, and saving changes it rather than adding a
second. "Not this time" (``n``) saves at once.

:class:`ExperimentChooser` asks which experiment, when several are running.
:func:`log_practice` opens the card and saves what it returns, in one transaction,
for whichever screen asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from tracker import clock
from tracker.app.screens.dialogs import ConfirmDialog, OneAnswer
from tracker.app.widgets.keyorder import DIGITS, OrderedInput
from tracker.app.widgets.keypick import KeyPick, PickOption, scale_options
from tracker.models import DISTRESS, Experiment, PracticeLog, ValidationError
from tracker.practice import (
    LogDays,
    check_log_day,
    day_heading,
    earlier_refusal,
    later_refusal,
    log_days,
    logged_words,
    period_over,
    title_words,
)
from tracker.text import one_line
from tracker.wording import count_words, day_label

DONE_OPTIONS = [PickOption("y", 1, "yes"), PickOption("n", 0, "not this time")]

HAPPENED_QUESTION = "How far did what you predicted happen? 0-100 (optional)"
PREDICTION_SHOWN = 90
"""How much of the prediction the card shows under the question: it wraps onto the
field's height (two lines at 80 columns), so a sentence is read, not cut at its start."""

KEYS_HINT = (
    "[b]y[/b], two digits{happened} · [b]n[/b] not this time, saved at once · "
    "[b]\\[[/b] [b]][/b] day"
)


class CardInput(OrderedInput):
    """A typed field of the card (how far the prediction happened, the note): ``enter``
    goes on as the key arrives (to a question still open, or saves), so keys typed
    after it are not typed here. Printable keys type (``[``, ``]``, ``b`` and ``s``
    included): the card's letter keys work on its questions, not in its fields."""

    def handle_tab(self, key: str) -> bool:
        if key == "enter" and isinstance(self.screen, PracticeLogCard):
            self.screen.next_or_save()
            return True
        return super().handle_tab(key)


class PracticeLogCard(OneAnswer[PracticeLog | None]):
    """One day's practice of one experiment, in a few keys; dismisses with the log to
    save (the caller saves it, with :attr:`bring`), or ``None``.

    Opens on today, or on the period's last day once the period is over. Without a
    prediction written for the experiment there is no "how far did it happen"
    question, and the digit for "after" saves (four keys: ``l y 3 1``).
    """

    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    """In a short terminal the questions sit closer together, so all of it fits."""
    HELP_EXTRA_KEYS = [
        ("y", "Practised it: distress before and after come next"),
        ("n", "Not this time: saved at once, nothing more is asked"),
        ("0-5", "Distress before, then after"),
        ("-", "Leave a distress question unrated"),
        ("0-100, enter", "How far what you predicted happened (optional); enter saves"),
    ]
    BINDINGS = [
        Binding(
            "left_square_bracket",
            "change_day(-1)",
            "Earlier day",
            id="practice-log-earlier",
            tooltip="Log an earlier day (not before the experiment started); "
            "on a question, not in a field",
        ),
        Binding(
            "right_square_bracket",
            "change_day(1)",
            "Later day",
            id="practice-log-later",
            tooltip="Log a later day (up to today, within the experiment's period)",
        ),
        Binding(
            "tab", "note", "Note", id="practice-log-note", tooltip="Jump to the note (optional)"
        ),
        Binding(
            "enter", "save", "Save", id="practice-log-enter", show=False, tooltip="Save the log"
        ),
        Binding("ctrl+s", "save", "Save", id="practice-log-save", tooltip="Save the log"),
        Binding(
            "escape", "cancel", "Cancel", id="practice-log-cancel", tooltip="Close without saving"
        ),
        Binding(
            "b",
            "bring",
            "Bring",
            id="practice-log-bring",
            tooltip="Bring this day's practice to your next session (b again: not); not in a field",
        ),
        # A modal hides the app's keys; support and help stay one key away.
        Binding(
            "s,ctrl+g",
            "app.support",
            "Support",
            id="practice-log-support",
            tooltip="Your people and crisis lines (ctrl+g from a field too)",
        ),
        Binding(
            "question_mark",
            "app.help",
            "Help",
            id="practice-log-help",
            show=False,
            tooltip="Every key",
        ),
    ]

    def __init__(
        self, experiment: Experiment, day: dt.date | str | None = None, *, days: LogDays
    ) -> None:
        """``days``: the days it can be logged on (:func:`tracker.practice.log_days`);
        ``day``: the one to open on (default: today, or the period's last day)."""
        super().__init__()
        self.experiment = experiment
        self.days = days
        today = clock.today()
        start = dt.date.fromisoformat(day) if isinstance(day, str) else day
        self.day = start if start is not None and days.contains(start) else days.default_day(today)
        self.existing: PracticeLog | None = None
        """The log this day already has (saving changes it)."""
        self.bring = False
        """Bring this log to the next session (the screen that saves the log marks it)."""

    @property
    def asks_happened(self) -> bool:
        """Whether the card asks how far the prediction happened (only when one was
        written down)."""
        return bool((self.experiment.prediction or "").strip())

    def compose(self) -> ComposeResult:
        with Vertical(id="log-card"):
            yield Static(id="log-head")
            yield KeyPick("Did you practise it?", DONE_OPTIONS, id="done")
            yield KeyPick(
                "Distress before",
                scale_options(0, DISTRESS.labels),
                allow_skip=True,
                id="distress_before",
            )
            yield KeyPick(
                "Distress after",
                scale_options(0, DISTRESS.labels),
                allow_skip=True,
                id="distress_after",
            )
            with Horizontal(id="happened-field") as field:
                field.display = self.asks_happened
                yield Static(self._happened_label(), id="happened-label")
                yield CardInput(
                    placeholder="e.g. 20",
                    id="happened",
                    restrict=DIGITS,
                    max_length=3,
                )
            yield Static("Note (optional)", classes="rf-label")
            yield CardInput(placeholder="Anything to remember", id="note")
            yield Static(id="log-bring", classes="rf-note")
            yield Static(self._keys_hint(), id="log-error", classes="rf-note")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._load_day()

    def _happened_label(self) -> Text:
        text = Text(HAPPENED_QUESTION, style="bold")
        if self.asks_happened:
            prediction = one_line(self.experiment.prediction or "")
            if len(prediction) > PREDICTION_SHOWN:
                prediction = prediction[: PREDICTION_SHOWN - 1].rstrip() + "…"
            text.append("\nYou predicted: ", style="dim")
            text.append(prediction, style="dim italic")
        return text

    def _keys_hint(self) -> str:
        return KEYS_HINT.format(happened=", 0-100, enter" if self.asks_happened else "")

    # -- the day --

    @property
    def store(self):
        return self.app.store  # type: ignore[attr-defined]

    def _load_day(self) -> None:
        """Show the day: its log if it has one (to change), else empty questions."""
        today = clock.today()
        ex = self.existing = self.store.practice_log_on(self.experiment.id, self.day.isoformat())
        self.bring = ex is not None and self.store.is_marked("practice_log", ex.id)
        head = Text()
        head.append(f"Practice · {day_heading(self.day, today)}", style="bold")
        if ex is not None:
            head.append("  (logged: this changes it)", style="dim")
        head.append("\n")
        head.append(one_line(self.experiment.title), style="italic")
        self.query_one("#log-head", Static).update(head)
        done, before, after = self.picks
        for pick, value in (
            (done, None if ex is None else ex.done),
            (before, None if ex is None else ex.distress_before),
            (after, None if ex is None else ex.distress_after),
        ):
            pick.skipped = False
            pick.hint = ""
            pick.value = value
        when = "today" if self.day == today else "yesterday" if (today - self.day).days == 1 else ""
        done.question = f"Did you practise it {when}?" if when else "Did you practise it that day?"
        done.refresh(layout=True)
        happened = ex.prediction_happened if ex is not None else None
        self.query_one("#happened", Input).value = "" if happened is None else str(happened)
        self.query_one("#note", Input).value = (ex.note or "") if ex else ""
        self._show_bring()
        self._say(self._keys_hint())
        self.set_focus(done)

    def action_change_day(self, step: int) -> None:
        new = self.day + dt.timedelta(days=step)
        if new < self.days.first:
            self._say(earlier_refusal(self.experiment, self.days))
            return
        if new > self.days.last:
            self._say(later_refusal(self.experiment, self.days, clock.today()))
            return
        self.day = new
        self._load_day()

    def _say(self, words: str) -> None:
        self.query_one("#log-error", Static).update(words)

    # -- answering --

    @property
    def picks(self) -> list[KeyPick]:
        return [
            self.query_one(f"#{i}", KeyPick) for i in ("done", "distress_before", "distress_after")
        ]

    def on_key_pick_picked(self, event: KeyPick.Picked) -> None:
        # Each pick has already moved focus on (so fast keys land in order). "Not
        # this time" saves at once; the answer to "after" goes on to how far the
        # prediction happened, or saves, or goes back to the question still open.
        event.stop()
        done, _before, after = self.picks
        if event.pick is done and event.value == 0:
            ex = self.existing
            if ex is not None and ex.done:
                self._ask_before_undoing(ex)
            else:
                self.action_save()
        elif event.pick is after:
            if done.value is None:
                self.set_focus(done)
            elif not self.asks_happened:
                self.action_save()

    def _ask_before_undoing(self, ex: PracticeLog) -> None:
        """The day is logged as practised: "not this time" would take its answers
        away, so it asks first (no: the day stays as logged)."""
        answers = [
            f"distress {ex.distress_before} before" if ex.distress_before is not None else "",
            f"{ex.distress_after} after" if ex.distress_after is not None else "",
            f"{ex.prediction_happened}% as predicted" if ex.prediction_happened is not None else "",
        ]
        said = ", ".join(a for a in answers if a)
        done = self.picks[0]

        def answered(change: bool | None) -> None:
            if change:
                self.action_save()
            else:
                done.value = 1
                self.set_focus(done)

        self.app.push_screen(
            ConfirmDialog(
                f"This day is logged as practised{f' ({said})' if said else ''}. "
                "Change it to not this time? Its answers would go.",
                yes="Change it",
                no="Keep it",
            ),
            answered,
        )

    def next_or_save(self) -> None:
        """Enter in a field: to the first question still open, else save."""
        # Screen.set_focus moves focus now (Widget.focus waits a turn), so keys typed
        # after this one already find the field it sends them to.
        done = self.picks[0]
        if done.value is None:
            self.set_focus(done)
            return
        if done.value:
            for pick in self.picks[1:]:
                if not pick.filled:
                    self.set_focus(pick)
                    return
        self.action_save()

    def action_note(self) -> None:
        self.set_focus(self.query_one("#note", Input))

    def _show_bring(self) -> None:
        self.query_one("#log-bring", Static).update(
            "[b]◆ To bring to your next session[/b] (b: not)"
            if self.bring
            else "Not marked to bring to a session (b marks it)"
        )

    def action_bring(self) -> None:
        self.bring = not self.bring
        self._show_bring()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "bring":  # in a field, b types
            return not isinstance(self.focused, Input)
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()  # the footer shows b only where it works

    def build(self) -> PracticeLog:
        """The log the card shows, checked (raises ValidationError)."""
        done, before, after = self.picks
        practised = bool(done.value)
        ex = self.existing
        log = PracticeLog.create(
            id=ex.id if ex else None,
            experiment_id=self.experiment.id,
            day=self.day.isoformat(),
            done=done.value,
            # "Not this time" asks nothing more, and keeps no answer about the practice.
            distress_before=before.value if practised else None,
            distress_after=after.value if practised else None,
            prediction_happened=(
                self.query_one("#happened", Input).value.strip()
                if practised and self.asks_happened
                else (ex.prediction_happened if ex and practised else None)
            ),
            note=self.query_one("#note", Input).value.strip(),
            rupture_id=ex.rupture_id if ex else None,
            created_at=ex.created_at if ex else None,
            updated_at=clock.now_iso(),
        )
        check_log_day(self.experiment, log.day, clock.today())  # (the store refuses it too)
        return log

    def action_save(self) -> None:
        done = self.picks[0]
        if done.value is None:
            self._say("First: did you practise it? Press [b]y[/b] or [b]n[/b].")
            self.set_focus(done)
            return
        try:
            log = self.build()
        except ValidationError as exc:
            if exc.field == "prediction_happened":
                self._say("How far it happened: a whole number from 0 to 100, or leave it empty.")
                self.set_focus(self.query_one("#happened", Input))
            else:
                self._say(str(exc))
            return
        self.dismiss(log)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExperimentChooser(OneAnswer[Experiment | None]):
    """Which experiment: up / down and enter, or its number; escape: none."""

    HELP_EXTRA_KEYS = [
        ("up / down, enter", "Choose the highlighted experiment"),
        ("1-9", "Choose by its number"),
    ]
    BINDINGS = [
        Binding("escape", "cancel", "Not now", id="choose-experiment-cancel", tooltip="Close"),
        Binding(
            "s,ctrl+g",
            "app.support",
            "Support",
            id="choose-experiment-support",
            show=False,
            tooltip="Your people and crisis lines",
        ),
    ]

    def __init__(self, question: str, experiments: Sequence[Experiment], lines: Sequence[str]):
        """``lines``: what to say of each experiment after its title."""
        super().__init__()
        self.question = question
        self.experiments = list(experiments)
        self.lines = list(lines)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="choose-experiment"):
            yield Static(self.question, id="dialog-question")
            options = []
            for number, (exp, line) in enumerate(zip(self.experiments, self.lines), start=1):
                prompt = Text()
                prompt.append(f"{number} " if number <= 9 else "  ", style="bold")
                prompt.append(one_line(exp.title), style="bold")
                if line:
                    prompt.append(f"\n  {line}", style="dim")
                options.append(Option(prompt, id=exp.id))
            yield OptionList(*options, id="choose-experiment-list")
            yield Static(
                "[b]↑[/b] [b]↓[/b] and [b]enter[/b], or a number · [b]escape[/b]: not now",
                classes="rf-note",
            )
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        listing = self.query_one("#choose-experiment-list", OptionList)
        listing.highlighted = 0
        listing.focus()

    def on_key(self, event: events.Key) -> None:
        char = event.character
        if char is not None and char.isdigit() and char != "0":
            index = int(char) - 1
            event.stop()
            event.prevent_default()
            if index < len(self.experiments):
                self.dismiss(self.experiments[index])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.experiments[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


def practice_lines(
    experiments: Sequence[Experiment],
    counts: dict[str, tuple[int, int]],
    today_logs: dict[str, PracticeLog],
    today: dt.date,
) -> list[str]:
    """ "2 of 5 · not logged today" for each experiment, for the chooser (as Today
    words it)."""
    lines = []
    for exp in experiments:
        done = counts.get(exp.id, (0, 0))[0]
        log = today_logs.get(exp.id)
        if period_over(exp, today):
            state = f"period over (ended {day_label(exp.ends_on, today)})"
        elif log is not None:
            state = "practised today" if log.done else "logged today (not this time)"
        else:
            state = "not logged today"
        lines.append(f"{count_words(done, exp.target_count)} · {state}")
    return lines


def log_practice(
    screen: Screen,
    experiment: Experiment,
    *,
    day: dt.date | str | None = None,
    saved: Callable[[PracticeLog], None] | None = None,
) -> bool:
    """Open the practice dialog for ``experiment`` over ``screen``; save what it
    returns (the log and its bring mark, one transaction) and say so.

    Returns False (and says why) when the experiment takes no log yet: it starts
    after today.
    """
    app = screen.app
    store = app.store  # type: ignore[attr-defined]
    today = clock.today()
    days = log_days(experiment, today)
    if days is None:
        first = dt.date.fromisoformat(experiment.started_on)
        screen.notify(
            f"{title_words(experiment)} starts on {first:%A} {first.day} {first:%B}: "
            "practice can be logged from then."
        )
        return False
    card = PracticeLogCard(experiment, day, days=days)

    def answered(log: PracticeLog | None) -> None:
        if log is None:
            return
        with store.write():  # one action: the log and its mark
            # A log written for this day since the card opened (tracker practice in
            # another terminal) is changed, not joined by a second one.
            current = store.practice_log_on(experiment.id, log.day)
            if current is not None and current.id != log.id:
                log = PracticeLog.create(log.to_row(), id=current.id, created_at=current.created_at)
            updated = current is not None
            store.save_practice_log(log)
            store.set_bring("practice_log", log.id, card.bring)
        if saved is not None:
            saved(log)
        screen.notify(logged_words(log, experiment, clock.today(), updated=updated))

    app.push_screen(card, callback=answered)
    return True
