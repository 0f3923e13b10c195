"""Screens for ruptures: note one in under a minute (or edit it), and say on which
day it was repaired. Records are built through ``tracker.models``; the Ruptures
screen saves them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Footer, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from tracker import clock
from tracker.app.screens.dialogs import OneAnswer
from tracker.app.screens.record_form import FieldInput, RecordForm, error_words
from tracker.app.widgets.keyorder import OrderedInput, OrderedTextArea
from tracker.app.widgets.keypick import KeyPick, PickOption, scale_options
from tracker.app.widgets.names import NamesInput, join_names
from tracker.models import MAX_SHORT_TEXT, MY_MOVES, RUPTURE_INTENSITY, Rupture, ValidationError
from tracker.wording import MOVE_KEYS, MOVE_WORDS

MOVE_OPTIONS = [PickOption(MOVE_KEYS[m], m, MOVE_WORDS[m]) for m in MY_MOVES]

FOCUS_ORDER = ("people", "what_happened", "my_move", "intensity", "note", "next_time", "day")
"""The rupture form's fields in the order tab visits them: "when" (today unless
changed) comes last."""


def parse_when(text: str) -> str:
    """ "today", "yesterday", "" or a date as typed -> the day (still validated by models)."""
    word = text.strip().lower()
    if word in ("", "today", "now"):
        return clock.today().isoformat()
    if word == "yesterday":
        return (clock.today() - dt.timedelta(days=1)).isoformat()
    return text.strip()


def rupture_data(rupture: Rupture) -> dict[str, Any]:
    """Everything needed to rebuild a rupture through ``Rupture.create``."""
    return {**rupture.to_row(), "people": list(rupture.people)}


class RuptureForm(RecordForm[Rupture]):
    """When, with whom, what happened, my move (one key), intensity (one digit)."""

    HELP_EXTRA_KEYS = [
        (
            "tab / enter",
            "With whom: take the suggested name (→ too); with nothing to complete, next field",
        ),
        ("p / w / a / f / o", "My move: pursued, withdrew, attacked, froze, other"),
        ("0-5", "Intensity"),
        ("enter", "Next field (in a one-line field)"),
        (
            "tab",
            "Through with whom, what happened, my move, intensity, the note, "
            "next time I'll…, then when (today unless changed)",
        ),
    ]
    FIELD_LABELS = {
        "day": "When",
        "happened_at": "When",
        "people": "With whom",
        "what_happened": "What happened",
        "my_move": "My move",
        "intensity": "Intensity",
        "note": "Note",
        "next_time": "Next time I'll…",
    }
    FIELD_NEEDS = {
        "my_move": "press p, w, a, f or o for what you did",
        "day": "type today, yesterday or a date as YYYY-MM-DD",
    }
    HINT = (
        "A rupture is a moment the connection broke. Note it plainly, without "
        "blame; the repair steps come later. [b]ctrl+s[/b] saves."
    )

    def __init__(self, people_names: Sequence[str] = (), existing: Rupture | None = None) -> None:
        super().__init__()
        self.people_names = list(people_names)
        self.existing = existing

    def compose_fields(self) -> ComposeResult:
        ex = self.existing
        when = ""  # empty is today (its placeholder says so)
        if ex is not None and ex.day != clock.today().isoformat():
            when = ex.day
        # With whom first (where focus starts), and beside it when, which is today
        # unless changed: the last stop of tab, so words typed after "with whom"
        # never land in it.
        with Horizontal(classes="rf-row"):
            yield Vertical(
                Static("With whom (commas between; tab completes)", classes="rf-label"),
                NamesInput(
                    join_names(ex.people) if ex else "",
                    names=self.people_names,
                    id="people",
                    placeholder="e.g. partner, Sam",
                ),
                classes="rf-field rf-wide",
            )
            yield Vertical(
                Static("When", classes="rf-label"),
                FieldInput(when, id="day", max_length=10, placeholder="today"),
                classes="rf-field rf-when",
            )
        yield Static(
            "When: today unless you change it (yesterday, or YYYY-MM-DD); tab reaches it last.",
            classes="rf-note",
        )
        yield Vertical(
            Static("What happened?", classes="rf-label"),
            OrderedTextArea(
                ex.what_happened or "" if ex else "",
                id="what_happened",
                classes="rf-text",
                placeholder="A few words are enough",
            ),
            classes="rf-field",
        )
        yield KeyPick(
            "My move: what did I do?",
            MOVE_OPTIONS,
            ex.my_move if ex else None,
            id="my_move",
            enter_advances=True,
        )
        yield KeyPick(
            "How intense was it?",
            scale_options(0, RUPTURE_INTENSITY.labels),
            ex.intensity if ex else None,
            id="intensity",
            enter_advances=True,
        )
        yield Vertical(
            Static("Anything else? (optional)", classes="rf-label"),
            OrderedTextArea(ex.note or "" if ex else "", id="note", classes="rf-text"),
            classes="rf-field",
        )
        yield Vertical(
            Static("Next time I'll… (optional: one thing you'd try)", classes="rf-label"),
            FieldInput(
                ex.next_time or "" if ex else "",
                id="next_time",
                max_length=MAX_SHORT_TEXT,
                placeholder="e.g. say I need a minute, and come back",
            ),
            classes="rf-field",
        )

    def on_mount(self) -> None:
        self.title = "Edit rupture" if self.existing else "Log a rupture"

    def first_focus(self):
        return self.query_one("#people", Input)

    def form_fields(self) -> list[Widget]:
        """With whom, what happened, my move, intensity, note, then when."""
        return [self.query_one(f"#{field_id}") for field_id in FOCUS_ORDER]

    def build(self) -> Rupture:
        day = parse_when(self.query_one("#day", Input).value)
        data: dict[str, Any] = {
            "day": day,
            "people": self.query_one("#people", Input).value,
            "what_happened": self.query_one("#what_happened", TextArea).text.strip(),
            "my_move": self.query_one("#my_move", KeyPick).value,
            "intensity": self.query_one("#intensity", KeyPick).value,
            "note": self.query_one("#note", TextArea).text.strip(),
            "next_time": self.query_one("#next_time", Input).value.strip(),
        }
        ex = self.existing
        if ex is not None:
            kept = rupture_data(ex)
            for key in (
                "what_happened",
                "my_move",
                "intensity",
                "note",
                "next_time",
                "people",
                "day",
            ):
                kept.pop(key, None)
            if day != ex.day:
                kept.pop("happened_at")
            kept["updated_at"] = clock.now_iso()
            data.update(kept)
        return Rupture.create(data)


class ClosedOnDialog(OneAnswer[Rupture | None]):
    """Close a rupture on a day other than today: repaired on it, or let rest on it
    (``field`` is ``repaired_on`` or ``let_rest_on``)."""

    QUESTIONS = {
        "repaired_on": ("On which day did it feel repaired?", "The day it was repaired"),
        "let_rest_on": ("On which day did you let it rest?", "The day you let it rest"),
    }
    HELP_EXTRA_KEYS = [("enter", "Save the day typed (empty is today)")]
    BINDINGS = [
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="repaired-on-cancel",
            tooltip="Close without changing anything",
        ),
        # A modal hides the app's keys: support stays one chord away.
        Binding(
            "ctrl+g",
            "app.support",
            "Support",
            id="repaired-on-support",
            tooltip="Your people and crisis lines",
        ),
    ]

    def __init__(self, rupture: Rupture, field: str = "repaired_on") -> None:
        super().__init__()
        self.rupture = rupture
        self.field = field

    def compose(self) -> ComposeResult:
        question, _ = self.QUESTIONS[self.field]
        with Vertical(id="dialog", classes="repaired-on"):
            yield Static(question, id="dialog-question")
            yield Static("today, yesterday or YYYY-MM-DD", classes="rf-note")
            # Empty is today (as its placeholder says); focus never selects it, so a
            # day typed here is the day saved.
            yield OrderedInput("", id=self.field, max_length=10, placeholder="today")
            yield Static("", id="repaired-error", classes="rf-error")
            yield Static("[b]enter[/b] saves · [b]escape[/b] cancels", classes="rf-note")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#repaired-error", Static).display = False
        self.query_one(f"#{self.field}", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        other = "let_rest_on" if self.field == "repaired_on" else "repaired_on"
        try:
            closed = Rupture.create(
                rupture_data(self.rupture),
                **{self.field: parse_when(event.value), other: None},
                updated_at=clock.now_iso(),
            )
        except ValidationError as exc:
            box = self.query_one("#repaired-error", Static)
            box.update(
                Text(
                    error_words(
                        exc,
                        self.QUESTIONS[self.field][1],
                        "type today, yesterday or a date as YYYY-MM-DD",
                    )
                )
            )
            box.display = True
            return
        self.dismiss(closed)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RepairedOnDialog(ClosedOnDialog):
    """Mark a rupture repaired on a day other than today."""

    def __init__(self, rupture: Rupture) -> None:
        super().__init__(rupture, "repaired_on")


class LetRestOnDialog(ClosedOnDialog):
    """Let a rupture rest on a day other than today."""

    def __init__(self, rupture: Rupture) -> None:
        super().__init__(rupture, "let_rest_on")


class PracticeChoice(OneAnswer[str | None]):
    """A repair attempt was ticked: count it as practice of a repair experiment?

    Dismisses with the experiment's id, or ``None`` to only tick the step (``n``,
    ``escape``). With one experiment, ``y`` or ``enter`` counts it; with several,
    their number (or ``enter`` on the highlighted one).
    """

    BINDINGS = [
        Binding("y", "choose(0)", "Count it", id="practice-choice-yes"),
        Binding("n,escape", "skip", "Just tick it", id="practice-choice-no"),
        Binding(
            "ctrl+g",
            "app.support",
            "Support",
            id="practice-choice-support",
            show=False,
            tooltip="Your people and crisis lines",
        ),
    ]

    def __init__(self, titles: Sequence[tuple[str, str]]) -> None:
        """``titles``: (experiment id, title) of each repair experiment running."""
        super().__init__()
        self.choices = list(titles)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="practice-choice"):
            if len(self.choices) == 1:
                title = self.choices[0][1]
                yield Static(
                    f"A repair attempt. Count it as practice of “{title}” today?",
                    id="dialog-question",
                )
                yield Static(
                    "[b]y[/b] or [b]enter[/b] logs it as practised · [b]n[/b] just ticks the step",
                    classes="rf-note",
                )
            else:
                yield Static(
                    "A repair attempt. Count it as practice of one of these today?",
                    id="dialog-question",
                )
                yield OptionList(
                    *[
                        Option(f"{n}  {title}", id=experiment_id)
                        for n, (experiment_id, title) in enumerate(self.choices, start=1)
                    ],
                    id="practice-choices",
                )
                yield Static(
                    "[b]enter[/b] or its number logs it · [b]n[/b] just ticks the step",
                    classes="rf-note",
                )
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        for options in self.query(OptionList):
            options.focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter" and len(self.choices) == 1:
            event.stop()
            self.action_choose(0)
        elif event.character and event.character.isdigit():
            number = int(event.character)
            if 1 <= number <= len(self.choices):
                event.stop()
                self.action_choose(number - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_choose(self, index: int) -> None:
        if len(self.choices) == 1 or index > 0:
            self.dismiss(self.choices[index][0])
            return
        highlighted = self.query_one(OptionList).highlighted
        self.dismiss(self.choices[highlighted or 0][0])

    def action_skip(self) -> None:
        self.dismiss(None)
