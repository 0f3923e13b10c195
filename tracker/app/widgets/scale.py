"""One-keystroke fields: a rating scale (a digit sets it) and a small choice (y / n / -).

Both move focus on by themselves after a key, so a whole card can be filled with one
key per field. They receive plain values (a :class:`tracker.models.Scale`, a list of
options) and post ``Changed`` messages; they know nothing of the store.

Keys typed faster than the app redraws may reach a field after it has already passed
focus on; such keys are handed to the field that now has focus, in the order they
were typed, so ``4 2 3 1 0`` fills five scales even when sent in one burst. A ``tab``
typed right after an answer confirms it (``4 tab 2 tab ...`` fills the same card),
and a letter these fields cannot take stays here with a hint of the keys that work,
never reaching the screen's or the app's keys
(:func:`~tracker.app.widgets.keyorder.choice_swallows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import events
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from tracker.app.runtime.keys import hand_key
from tracker.app.widgets.keyorder import (
    answered,
    choice_swallows,
    move_focus,
    route_key,
    run_binding_now,
)
from tracker.app.widgets.shades import background_of, follow_theme, scale_styles
from tracker.models import Scale as ScaleSpec

LABEL_WIDTH = 16
"""Width of the field names on the left, shared with the other rows of a form."""

FOCUS_MARK = "›"
"""Drawn before the name of the field with focus, so focus shows without colour."""


class FieldLabel(Static):
    """A field's name on the left of a form row: ``› Need`` while the field beside it
    has focus (set by :class:`MarkedRow`), ``  Need`` otherwise, as the one-key fields
    mark themselves."""

    marked: reactive[bool] = reactive(False)

    def __init__(self, label: str, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.label = label

    def render(self) -> Text:
        if self.marked:
            return Text.assemble((FOCUS_MARK, "bold"), " ", (self.label, "bold"))
        return Text("  " + self.label)


class MarkedRow(Horizontal):
    """A form row whose :class:`FieldLabel` is marked while a field in it has focus."""

    def on_descendant_focus(self) -> None:
        for label in self.query(FieldLabel):
            label.marked = True

    def on_descendant_blur(self) -> None:
        for label in self.query(FieldLabel):
            label.marked = False


class OneKeyField(Widget, can_focus=True):
    """Base for fields answered with a single key."""

    DEFAULT_CSS = """
    OneKeyField {
        height: auto;
        width: 1fr;
    }
    """

    hint: reactive[str] = reactive("", layout=True)
    """A gentle word after a key this field cannot take (cleared by the next good key)."""

    PASSES: frozenset[str] = frozenset()
    """Printable keys that reach the screen and the app from here; on a form, any
    other this field cannot use stays here with :attr:`keys_hint`."""

    def __init__(
        self,
        label: str,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ):
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.label = label

    # -- focus and key routing --

    def advance(self) -> Widget | None:
        """Move focus to the next field of the screen, after an answer (a ``tab``
        typed next confirms it rather than moving on again)."""
        return answered(self)

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        """On a form this field takes every printable key but the screen's own
        (so the footer does not offer keys that a letter typed here would not reach)."""
        return choice_swallows(self, character, self.PASSES)

    async def on_key(self, event: events.Key) -> None:
        # A key typed after we passed focus on belongs to the field focused now; a tab
        # right after an answer moved focus here confirms it.
        if route_key(self, event):
            return
        if move_focus(self, event.key) or self.handle_one_key(event.key, event.character):
            event.stop()
            event.prevent_default()
        elif choice_swallows(self, event.character, self.PASSES):
            event.stop()
            event.prevent_default()
            self.hint = self.keys_hint
        elif event.is_printable:
            await run_binding_now(self, event)

    def handle_one_key(self, key: str, character: str | None) -> bool:  # pragma: no cover
        """Handle a key; return True when it was used."""
        raise NotImplementedError

    @property
    def keys_hint(self) -> str:  # pragma: no cover - overridden
        """The keys that work here, in a few words (after a key that does not)."""
        raise NotImplementedError

    def pass_key_on(self, key: str, character: str | None) -> None:
        """Move on and let the next field take this key (a digit typed past a question)."""
        target = self.screen.focus_next()
        if target is not None and target is not self:
            hand_key(target, events.Key(key, character))

    def on_focus(self) -> None:
        self.refresh(layout=True)

    def on_blur(self) -> None:
        self.hint = ""
        self.refresh(layout=True)

    # -- rendering helpers --

    def _grid(self) -> Table:
        grid = Table.grid(expand=True)
        grid.add_column(width=2, no_wrap=True)
        grid.add_column(width=LABEL_WIDTH - 2, no_wrap=True)
        grid.add_column(ratio=1)
        return grid

    def _add_hint_row(self, grid: Table) -> None:
        """The hint, on a line of its own under the answers (one line, as said)."""
        if self.hint:
            grid.add_row("", "", Text(f"({self.hint})", style="italic"))

    def _label_cells(self) -> tuple[Text, Text]:
        """The focus marker and the field's name (bold while it has focus)."""
        if self.has_focus:
            return Text(FOCUS_MARK, style="bold"), Text(self.label, style="bold")
        return Text(""), Text(self.label)


class Scale(OneKeyField):
    """A rating from ``spec.low`` to ``spec.high``: a digit sets it and moves on.

    Keys: a digit rates; left/right step; backspace clears; enter or down moves on,
    up moves back. The chosen value and its meaning are always shown; the question
    and every step's meaning are shown while the scale has focus. Mood and
    regulation show the chosen step in the one palette's shade for it
    (:mod:`tracker.palette`), as Today's strip, the calendar and the week grid do.
    """

    value: reactive[int | None] = reactive(None, layout=True)
    """The chosen step, or None when not rated."""

    PASSES = frozenset("s?")
    """Support and help stay one key away from a rating (the card's promise); any
    other letter stays here."""

    @dataclass
    class Changed(Message):
        """The user changed the rating."""

        scale: Scale
        value: int | None

        @property
        def control(self) -> Scale:
            return self.scale

    def __init__(
        self,
        spec: ScaleSpec,
        label: str,
        value: int | None = None,
        *,
        id: str | None = None,
        classes: str | None = None,
    ):
        super().__init__(label, id=id, classes=classes)
        self.spec = spec
        self.set_reactive(Scale.value, value)

    def on_mount(self) -> None:
        if scale_styles(self.spec.name, None) is not None:
            follow_theme(self, lambda: None if self.refresh() else None)

    def watch_value(self, old: int | None, new: int | None) -> None:
        if old != new:
            self.post_message(self.Changed(self, new))

    @property
    def keys_hint(self) -> str:
        return f"a digit, {self.spec.low} to {self.spec.high}"

    def handle_one_key(self, key: str, character: str | None) -> bool:
        spec = self.spec
        if character is not None and character.isdigit() and len(character) == 1:
            digit = int(character)
            if spec.low <= digit <= spec.high:
                self.hint = ""
                self.value = digit
                self.advance()
            else:
                self.hint = f"{spec.low} to {spec.high} here"
            return True
        if key in ("right", "plus"):
            self.value = spec.low if self.value is None else min(spec.high, self.value + 1)
            self.hint = ""
            return True
        if key in ("left", "minus"):
            if self.value is not None:
                self.value = max(spec.low, self.value - 1)
            self.hint = ""
            return True
        if key in ("backspace", "delete"):
            self.value = None
            self.hint = ""
            return True
        if key in ("enter", "down"):
            self.screen.focus_next()
            return True
        if key == "up":
            self.screen.focus_previous()
            return True
        return False

    def on_click(self, event: events.Click) -> None:
        """Clicking a number chooses it."""
        x = event.x - LABEL_WIDTH
        if x < 0:
            return
        step = x // 3
        if 0 <= step <= self.spec.high - self.spec.low:
            self.value = self.spec.low + step

    def render(self) -> RenderableType:
        spec = self.spec
        shades = scale_styles(spec.name, background_of(self.app))
        shade = (shades or {}).get(self.value, "") if self.value is not None else ""
        steps = Text()
        for number in range(spec.low, spec.high + 1):
            if number == self.value:
                steps.append(f"[{number}]", style=f"reverse bold {shade}".strip())
            else:
                steps.append(f" {number} ", style="" if self.has_focus else "dim")
        steps.append("  ")
        if self.value is None:
            steps.append("not rated", style="dim italic")
        else:
            steps.append(spec.label(self.value), style=f"bold {shade}".strip())
        grid = self._grid()
        grid.add_row(*self._label_cells(), steps)
        self._add_hint_row(grid)
        if self.has_focus:
            legend = Text(style="dim")
            legend.append(spec.question + " ")
            legend.append(
                " · ".join(f"{spec.low + i} {word}" for i, word in enumerate(spec.labels))
            )
            grid.add_row("", "", legend)
        return grid


@dataclass(frozen=True)
class Option:
    """One answer of a :class:`Choice`: the key that picks it, the value, its words."""

    key: str
    value: int | None
    words: str


class Choice(OneKeyField):
    """A question answered with one key (e.g. y / n / -); the answer moves focus on.

    With ``pass_digits`` a digit typed here skips the question (leaving it as it was)
    and goes to the next field, so an optional question never costs a keystroke.
    Backspace clears the answer.
    """

    value: reactive[int | None] = reactive(None, layout=True)
    """The chosen option's value (None when not answered)."""

    @dataclass
    class Changed(Message):
        """The user answered (or cleared) the question."""

        choice: Choice
        value: int | None

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(
        self,
        label: str,
        options: Sequence[Option],
        value: int | None = None,
        *,
        question: str = "",
        pass_digits: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ):
        super().__init__(label, id=id, classes=classes)
        self.options = tuple(options)
        self.question = question
        self.pass_digits = pass_digits
        self.answered = value is not None
        """Whether an option is chosen (an option's value may itself be None)."""
        self.set_reactive(Choice.value, value)

    def watch_value(self, old: int | None, new: int | None) -> None:
        if old != new:
            self.post_message(self.Changed(self, new))

    @property
    def keys_hint(self) -> str:
        return "answer with " + " / ".join(o.key for o in self.options)

    def handle_one_key(self, key: str, character: str | None) -> bool:
        char = (character or "").lower()
        for option in self.options:
            if char == option.key or key == option.key:
                self.hint = ""
                self.answered = True
                self.value = option.value
                self.refresh(layout=True)
                self.advance()
                return True
        if character is not None and character.isdigit() and len(character) == 1:
            if self.pass_digits:
                self.hint = ""
                self.pass_key_on(key, character)
            else:
                self.hint = self.keys_hint
            return True
        if key in ("backspace", "delete"):
            self.answered = False
            self.value = None
            self.hint = ""
            self.refresh(layout=True)
            return True
        if key in ("enter", "down"):
            self.screen.focus_next()
            return True
        if key == "up":
            self.screen.focus_previous()
            return True
        return False

    def clear(self) -> None:
        """Forget the answer (e.g. when the question no longer applies)."""
        self.answered = False
        self.value = None
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        answers = Text(" ")
        for index, option in enumerate(self.options):
            if index:
                answers.append(" · ", style="dim")
            text = f"{option.key} {option.words}"
            if self.answered and option.value == self.value:
                answers.append(f"[{text}]", style="reverse bold")
            else:
                answers.append(text, style="" if self.has_focus else "dim")
        grid = self._grid()
        grid.add_row(*self._label_cells(), answers)
        self._add_hint_row(grid)
        if self.has_focus and self.question:
            grid.add_row("", "", Text(self.question, style="dim"))
        return grid
