"""Screens for experiments: choose from the library, start or edit, complete, set
aside. (Logging practice: :mod:`tracker.app.screens.practice`.)

Each one builds its record through ``tracker.models`` and dismisses with it; the
Experiments screen saves it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from tracker import clock
from tracker.app.screens.dialogs import OneAnswer
from tracker.app.screens.record_form import FieldInput, RecordForm
from tracker.app.widgets.keyorder import OrderedTextArea
from tracker.app.widgets.keypick import KeyPick, PickOption
from tracker.models import (
    Experiment,
    ValidationError,
)
from tracker.shipped import experiment_library
from tracker.text import one_line
from tracker.wording import CUE_WORDS, span_label, times_words

DEFAULT_DAYS = 14
DEFAULT_TARGET = 5

CUE_OPTIONS = [
    PickOption("u", "urge", CUE_WORDS["urge"]),
    PickOption("p", "planned", CUE_WORDS["planned"]),
]
"""What starts the practice (``Experiment.cue``): keys, values and words."""

CARRIED_FORWARD = (
    "title",
    "practice",
    "prediction",
    "alternative_belief",
    "safety_behaviours",
    "how_i_will_know",
    "cue",
    "target_count",
)
"""What a next experiment takes from the one it follows, as it is."""


def next_template(experiment: Experiment) -> dict[str, Any]:
    """A new experiment's fields, prefilled from ``experiment`` (which it follows).

    Its words, cue and aim as they are; belief in the prediction and in the other way
    as they were rated at the end (else at the start); as many days, from today.
    """
    template: dict[str, Any] = {name: getattr(experiment, name) for name in CARRIED_FORWARD}
    template["belief_before"] = (
        experiment.belief_after if experiment.belief_after is not None else experiment.belief_before
    )
    template["alternative_before"] = (
        experiment.alternative_after
        if experiment.alternative_after is not None
        else experiment.alternative_before
    )
    template["days"] = (
        dt.date.fromisoformat(experiment.ends_on) - dt.date.fromisoformat(experiment.started_on)
    ).days + 1
    template["follows_id"] = experiment.id
    return template


def _field(label: str, widget, *, classes: str = "rf-field") -> Vertical:
    return Vertical(Static(label, classes="rf-label"), widget, classes=classes)


# --- Choosing ----------------------------------------------------------------------


class LibraryPicker(Screen[dict | None]):
    """Pick an experiment from the shipped library, or start from scratch."""

    HELP_EXTRA_KEYS = [("enter", "Choose the highlighted one")]
    BINDINGS = [
        Binding("escape", "back", "Back", id="library-back", tooltip="Back to experiments"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.library = experiment_library()

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="sec-picker"):
            yield Static(
                "Choose a small experiment to try for a week or two, or write your own. "
                "You can change every word before you start. "
                "[b]enter[/b] chooses, [b]escape[/b] goes back.",
                classes="rf-hint",
            )
            options = [
                Option(Text.assemble(("✎ Write my own, from scratch", "bold")), id="scratch"),
                None,
            ]
            for i, item in enumerate(self.library):
                prompt = Text()
                prompt.append(item["title"], style="bold")
                prompt.append("\n" + item["practice"])
                prompt.append(
                    f"\n{item['days']} days · aim: {item['target_count']} times", style="dim"
                )
                if i:
                    options.append(None)
                options.append(Option(prompt, id=f"library-{i}"))
            yield OptionList(*options, id="library-list")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.title = "New experiment"
        self.query_one("#library-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id == "scratch":
            self.dismiss({})
        else:
            self.dismiss(dict(self.library[int(option_id.split("-")[1])]))

    def action_back(self) -> None:
        self.dismiss(None)


# --- Starting or editing ----------------------------------------------------------


def parse_length(start: str, length: str) -> tuple[str, int] | None:
    """(end day, days) from a start day and "14" or "2026-12-11"; None if unclear."""
    try:
        first = dt.date.fromisoformat(start.strip())
    except ValueError:
        return None
    text = length.strip()
    if re.fullmatch(r"\d{1,3}", text):
        days = int(text)
        if days < 1:
            return None
        return (first + dt.timedelta(days=days - 1)).isoformat(), days
    try:
        end = dt.date.fromisoformat(text)
    except ValueError:
        return None
    if end < first:
        return None
    return end.isoformat(), (end - first).days + 1


class ExperimentForm(RecordForm[Experiment]):
    """Start an experiment (from a library template or from scratch), or edit one."""

    HELP_EXTRA_KEYS = [("enter", "Next field (in a one-line field)")]
    FIELD_LABELS = {
        "title": "Name",
        "practice": "The practice",
        "prediction": "The prediction",
        "belief_before": "Belief in the prediction",
        "alternative_belief": "Another way it could go",
        "alternative_before": "Belief in the other way",
        "how_i_will_know": "How you will know",
        "safety_behaviours": "What you will drop",
        "cue": "What starts it",
        "started_on": "Start day",
        "ends_on": "How long",
        "days": "How long",
        "target_count": "Times to aim for",
    }
    FIELD_NEEDS = {
        "title": "give it a short name",
        "practice": "write what you will do, in your own words",
        "started_on": "type the day it starts, as YYYY-MM-DD",
        "ends_on": "type a number of days (e.g. 14) or an end day (YYYY-MM-DD)",
        "target_count": "type how many times you aim to practise it",
    }
    HINT = (
        "Make it yours: change any words. The practice is small and specific: "
        "“When this happens, I will …”. [b]ctrl+s[/b] starts it."
    )

    def __init__(
        self,
        template: dict[str, Any] | None = None,
        existing: Experiment | None = None,
        *,
        follows: Experiment | None = None,
    ) -> None:
        super().__init__()
        self.template = template or {}
        self.existing = existing
        self.follows = follows
        """The experiment this new one is the next step of (from its completion)."""
        self.defaults: dict[str, str] = {}
        """Field id -> what an empty field stands for (shown as its placeholder):
        a new experiment's start day, length and aim. Focus never selects a field's
        text, so a default typed over would otherwise be added to, not replaced."""

    @property
    def hint(self) -> str:
        if self.existing is not None:
            return (
                "Change any words, the period or the aim; what you logged stays. "
                "[b]ctrl+s[/b] saves."
            )
        if self.follows is not None:
            return (
                "Your next experiment, filled in from the last one and linked to it. "
                "Change what you want to try differently; it starts today. "
                "[b]ctrl+s[/b] starts it."
            )
        return self.HINT

    def compose_fields(self) -> ComposeResult:
        ex, tpl = self.existing, self.template
        today = clock.today().isoformat()
        if ex is not None:
            start, days = (
                ex.started_on,
                str(
                    (dt.date.fromisoformat(ex.ends_on) - dt.date.fromisoformat(ex.started_on)).days
                    + 1
                ),
            )
            target = str(ex.target_count)
        else:
            start = days = target = ""
            self.defaults = {
                "started_on": today,
                "ends_on": str(tpl.get("days") or DEFAULT_DAYS),
                "target_count": str(tpl.get("target_count") or DEFAULT_TARGET),
            }

        def value(name: str, default: Any = "") -> str:
            if ex is not None:
                got = getattr(ex, name)
            else:
                got = tpl.get(name, default)
            return "" if got is None else str(got)

        yield _field(
            "Name",
            FieldInput(value("title"), placeholder="A short name", id="title", max_length=120),
        )
        yield _field(
            "The practice: when this happens, I will …",
            OrderedTextArea(
                value("practice"),
                id="practice",
                classes="rf-text",
                placeholder="When ___ happens, I will ___.",
            ),
        )
        yield _field(
            "What do you predict will happen?",
            OrderedTextArea(
                value("prediction"),
                id="prediction",
                classes="rf-text",
                placeholder="If I do this, I expect …",
            ),
        )
        yield _field(
            "Another way it could go (optional)",
            OrderedTextArea(
                value("alternative_belief"),
                id="alternative_belief",
                classes="rf-text",
                placeholder="Maybe instead …",
            ),
        )
        with Horizontal(classes="rf-row"):
            yield _field(
                "Belief in the prediction, 0-100 %",
                FieldInput(
                    value("belief_before"),
                    placeholder="e.g. 70",
                    id="belief_before",
                    type="integer",
                    max_length=3,
                ),
                classes="rf-field rf-half",
            )
            yield _field(
                "Belief in the other way, 0-100 %",
                FieldInput(
                    value("alternative_before"),
                    placeholder="e.g. 30",
                    id="alternative_before",
                    type="integer",
                    max_length=3,
                ),
                classes="rf-field rf-half",
            )
        yield _field(
            "How will you know? What would count as it coming true? (optional)",
            OrderedTextArea(
                value("how_i_will_know"),
                id="how_i_will_know",
                classes="rf-text",
                placeholder="e.g. they don't answer by the evening",
            ),
        )
        yield _field(
            "What will you stop doing to feel safe, this time? (optional)",
            OrderedTextArea(
                value("safety_behaviours"),
                id="safety_behaviours",
                classes="rf-text",
                placeholder="e.g. checking my phone, apologising first",
            ),
        )
        yield KeyPick(
            "What starts the practice? (optional)",
            CUE_OPTIONS,
            value("cue") or None,
            allow_skip=True,
            skip_label="leave it open",
            enter_advances=True,
            id="cue",
        )
        with Horizontal(classes="rf-row"):
            yield _field(
                "Start day (YYYY-MM-DD)",
                FieldInput(
                    start,
                    id="started_on",
                    max_length=10,
                    placeholder=self.defaults.get("started_on", "YYYY-MM-DD"),
                ),
                classes="rf-field rf-third",
            )
            yield _field(
                "Days, or an end day",
                FieldInput(
                    days,
                    id="ends_on",
                    max_length=10,
                    placeholder=self.defaults.get("ends_on", "14 or YYYY-MM-DD"),
                ),
                classes="rf-field rf-third",
            )
            yield _field(
                "Times to aim for",
                FieldInput(
                    target,
                    id="target_count",
                    type="integer",
                    max_length=4,
                    placeholder=self.defaults.get("target_count", ""),
                ),
                classes="rf-field rf-third",
            )
        yield Static("", id="period-hint", classes="rf-note")

    def on_mount(self) -> None:
        if self.existing is not None:
            self.title = "Edit experiment"
            self.sub_title = self.existing.title
        elif self.follows is not None:
            self.title = "Next experiment"
            self.sub_title = f"after “{one_line(self.follows.title)}”"
        else:
            self.title = "New experiment"
            self.sub_title = "from the library" if self.template else "from scratch"
        self._update_period_hint()

    @property
    def from_library(self) -> bool:
        return self.existing is None and self.follows is None and bool(self.template)

    def first_focus(self):
        if self.from_library:
            # A library entry has its words: what is left is how strongly you believe them.
            return self.query_one("#belief_before", Input)
        return self.query_one("#title", Input)

    @property
    def opens_at_top(self) -> bool:
        return not self.from_library  # the beliefs to rate in view, below the words

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("started_on", "ends_on"):
            self._update_period_hint()

    def field_value(self, widget_id: str) -> str:
        """What a one-line field holds, or (when empty) the default it shows."""
        typed = self.query_one(f"#{widget_id}", Input).value.strip()
        return typed or self.defaults.get(widget_id, "")

    def _update_period_hint(self) -> None:
        start = self.field_value("started_on")
        found = parse_length(start, self.field_value("ends_on"))
        hint = self.query_one("#period-hint", Static)
        if found is None:
            hint.update("Give a number of days (e.g. 14) or an end day (YYYY-MM-DD).")
            return
        end, days = found
        hint.update(
            f"Runs {span_label(start.strip(), end)} ({days} day{'s' if days != 1 else ''})."
        )

    def build(self) -> Experiment:
        def text(widget_id: str) -> str:
            return self.query_one(f"#{widget_id}", TextArea).text

        def field(widget_id: str) -> str:
            return self.field_value(widget_id)

        start = field("started_on")
        length = field("ends_on")
        data: dict[str, Any] = {
            "title": field("title").strip(),
            "practice": text("practice").strip(),
            "prediction": text("prediction").strip(),
            "belief_before": field("belief_before"),
            "alternative_belief": text("alternative_belief").strip(),
            "alternative_before": field("alternative_before"),
            "how_i_will_know": text("how_i_will_know").strip(),
            "safety_behaviours": text("safety_behaviours").strip(),
            "cue": self.query_one("#cue", KeyPick).value,
            "started_on": start,
            "target_count": field("target_count"),
        }
        if re.fullmatch(r"\d{1,4}", length):
            data["days"] = length
            if int(length) < 1 or int(length) > 365:
                raise ValidationError("days", length, "a number of days from 1 to 365")
        else:
            data["ends_on"] = length
        ex = self.existing
        if ex is not None:
            data.update(
                id=ex.id,
                status=ex.status,
                created_at=ex.created_at,
                updated_at=clock.now_iso(),
                outcome=ex.outcome,
                belief_after=ex.belief_after,
                alternative_after=ex.alternative_after,
                learned=ex.learned,
                ended_on=ex.ended_on,
                follows_id=ex.follows_id,
            )
        elif self.follows is not None:
            data["follows_id"] = self.follows.id
        return Experiment.create(data)


# --- Completing ----------------------------------------------------------------


class CompleteForm(RecordForm[Experiment]):
    """Finish an experiment: what happened, belief in the prediction (and in the other
    way, when there is one) now, what was learned."""

    FIELD_LABELS = {
        "outcome": "What happened",
        "belief_after": "Belief in the prediction now",
        "alternative_after": "Belief in the other way now",
        "learned": "What you learned",
    }
    HINT = (
        "Whatever happened is worth knowing. Compare it with what you predicted. "
        "[b]ctrl+s[/b] completes it."
    )

    def __init__(self, experiment: Experiment, done: int) -> None:
        super().__init__()
        self.experiment = experiment
        self.done = done

    def compose_fields(self) -> ComposeResult:
        exp = self.experiment
        context = Text()
        context.append(exp.title, style="bold")
        context.append(f"\n{exp.practice}")
        if exp.prediction:
            context.append("\nYou predicted: ", style="bold")
            context.append(exp.prediction)
        if exp.how_i_will_know:
            context.append("\nYou'd know it came true by: ", style="bold")
            context.append(exp.how_i_will_know)
        if exp.alternative_belief:
            context.append("\nAnother way it could go: ", style="bold")
            context.append(exp.alternative_belief)
        context.append(f"\nYou practised it {times_words(self.done, exp.target_count)}. ")
        if exp.belief_before is not None:
            context.append(f"At the start you believed the prediction {exp.belief_before}%")
            if exp.alternative_belief and exp.alternative_before is not None:
                context.append(f", the other way {exp.alternative_before}%")
            context.append(".")
        elif exp.alternative_belief and exp.alternative_before is not None:
            context.append(f"At the start you believed the other way {exp.alternative_before}%.")
        yield Static(context, classes="rf-context")
        yield _field(
            "What actually happened?",
            OrderedTextArea(exp.outcome or "", id="outcome", classes="rf-text"),
        )
        yield _field(
            "How much do you believe the prediction now? 0-100 %",
            FieldInput(
                "" if exp.belief_after is None else str(exp.belief_after),
                placeholder="e.g. 30",
                id="belief_after",
                type="integer",
                max_length=3,
            ),
        )
        if exp.alternative_belief:
            yield _field(
                "And the other way it could go? 0-100 %",
                FieldInput(
                    "" if exp.alternative_after is None else str(exp.alternative_after),
                    placeholder="e.g. 60",
                    id="alternative_after",
                    type="integer",
                    max_length=3,
                ),
            )
        yield _field(
            "What did you learn, or what will you take with you?",
            OrderedTextArea(exp.learned or "", id="learned", classes="rf-text"),
        )

    @property
    def leave_question(self) -> str:
        return (
            "Leave without completing it? What you typed here will be lost; "
            "the experiment stays active."
        )

    def on_mount(self) -> None:
        self.title = "Complete experiment"
        self.sub_title = self.experiment.title

    def first_focus(self):
        return self.query_one("#outcome", TextArea)

    def build(self) -> Experiment:
        exp = self.experiment
        alternative = self.query("#alternative_after").results(Input)
        return Experiment.create(
            exp.to_row(),
            status="completed",
            outcome=self.query_one("#outcome", TextArea).text.strip(),
            belief_after=self.query_one("#belief_after", Input).value,
            alternative_after=next((w.value for w in alternative), exp.alternative_after),
            learned=self.query_one("#learned", TextArea).text.strip(),
            ended_on=clock.today().isoformat(),
            updated_at=clock.now_iso(),
        )


# --- Setting aside ----------------------------------------------------------------

SET_ASIDE_DONE = "Set aside. What you noticed still counts."


class SetAsideDialog(OneAnswer[str | None]):
    """Stop an experiment without calling it a failure; optionally note what was noticed.

    Dismisses with the note ("" for none), or ``None`` when the person keeps going.
    """

    HELP_EXTRA_KEYS = [("enter", "Set it aside (with the note, if any)")]
    BINDINGS = [
        Binding(
            "escape",
            "keep",
            "Keep going",
            id="set-aside-keep",
            tooltip="Close; the experiment stays active",
        ),
        Binding(
            "ctrl+s",
            "set_aside",
            "Set aside",
            id="set-aside-save",
            tooltip="Set it aside (enter in the note does the same)",
        ),
        # A modal hides the app's keys: support stays one chord away.
        Binding(
            "ctrl+g",
            "app.support",
            "Support",
            id="set-aside-support",
            tooltip="Your people and crisis lines",
        ),
    ]

    def __init__(self, experiment: Experiment) -> None:
        super().__init__()
        self.experiment = experiment

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="set-aside"):
            yield Static(
                f"Set aside “{self.experiment.title}”?\n\n"
                "Stopping is allowed: some experiments don't fit, or not right now. "
                "It isn't a failure.",
                id="dialog-question",
            )
            yield Static("Anything you noticed? (optional)", classes="rf-label")
            yield Input(placeholder="What you noticed", id="noticed", select_on_focus=False)
            yield Static(
                "[b]enter[/b] sets it aside · [b]escape[/b] keeps going", classes="rf-note"
            )
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#noticed", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_set_aside()

    def action_set_aside(self) -> None:
        self.dismiss(self.query_one("#noticed", Input).value.strip())

    def action_keep(self) -> None:
        self.dismiss(None)
