"""A one-keystroke choice.

:class:`KeyPick` shows a question and its options, each with the key that picks it
("y yes  n not this time", "0 none ... 5 extreme"). Pressing an option's key sets the
value, moves focus to the next field at once (so keys typed fast land in order) and
posts :class:`KeyPick.Picked`; on a form, a ``tab`` typed right after it confirms the
answer rather than skipping the next field (:func:`~tracker.app.widgets.keyorder.answered`).

On a form, any other printable key is kept here with a one-line hint of the keys
that work (:func:`~tracker.app.widgets.keyorder.choice_swallows`): a sentence typed
in the wrong place never opens another screen. Elsewhere (the practice log card)
other keys pass through, so its own letter keys keep working.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tracker.app.widgets.keyorder import answered, choice_swallows, route_key, run_binding_now

SKIP_KEY = "-"


@dataclass(frozen=True)
class PickOption:
    """One option of a :class:`KeyPick`: the key that picks it, its value and label."""

    key: str
    value: Any
    label: str


def scale_options(low: int, labels: Sequence[str]) -> list[PickOption]:
    """Options for a numeric scale: digit keys, each with its label."""
    return [PickOption(str(low + i), low + i, label) for i, label in enumerate(labels)]


class KeyPick(Widget, can_focus=True):
    """A question answered with one key. Focus it, press an option's key."""

    DEFAULT_CSS = """
    KeyPick {
        height: auto;
        padding: 0 1;
        margin: 0 0 1 0;
        border-left: tall $panel;
    }
    KeyPick:focus {
        border-left: tall $accent;
        background: $boost;
    }
    """

    value: reactive[Any] = reactive(None, always_update=True)
    """The picked value (``None`` when nothing is picked, or when skipped)."""

    skipped: reactive[bool] = reactive(False)
    """True when the person pressed ``-`` to leave this one unrated."""

    hint: reactive[str] = reactive("", layout=True)
    """The keys that work here, shown after a key this field cannot take."""

    class Picked(Message):
        """An option was picked with its key."""

        def __init__(self, pick: KeyPick, value: Any) -> None:
            super().__init__()
            self.pick = pick
            self.value = value

        @property
        def control(self) -> KeyPick:
            return self.pick

    def __init__(
        self,
        question: str,
        options: Iterable[PickOption],
        value: Any = None,
        *,
        allow_skip: bool = False,
        skip_label: str = "skip",
        enter_advances: bool = False,
        advance: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.question = question
        self.options = list(options)
        self.allow_skip = allow_skip
        self.skip_label = skip_label
        self.enter_advances = enter_advances
        self.advance = advance
        self._by_key = {o.key: o for o in self.options}
        self.set_reactive(KeyPick.value, value)

    @property
    def filled(self) -> bool:
        """Answered: a value is set, or it was deliberately skipped."""
        return self.value is not None or self.skipped

    def label_for(self, value: Any) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return ""

    def pick(self, value: Any) -> None:
        """Set the value as if its key had been pressed (posts :class:`Picked`)."""
        self.skipped = value is None
        self.value = value
        self.post_message(self.Picked(self, value))

    @property
    def keys_hint(self) -> str:
        """The keys that answer this question, in words."""
        keys = [o.key for o in self.options] + ([SKIP_KEY] if self.allow_skip else [])
        words = ", ".join(keys[:-1]) + f" or {keys[-1]}" if len(keys) > 1 else keys[0]
        extra = " (enter keeps it)" if self.enter_advances and self.value is not None else ""
        return f"press {words}{extra}"

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        """On a form this field takes every printable key (so the footer does not
        offer keys that a letter typed here would not reach)."""
        return (character is not None and character in self._by_key) or choice_swallows(
            self, character
        )

    async def on_key(self, event: events.Key) -> None:
        # A key typed after this pick passed focus on belongs to the field focused now;
        # a tab right after an answer moved focus here confirms it.
        if route_key(self, event):
            return
        if event.key == "enter" and self.enter_advances:
            event.stop()
            event.prevent_default()
            self.screen.focus_next()
            return
        if event.key in ("tab", "shift+tab"):
            # Run the screen's tab key now, not after the key bubbles up, so the keys
            # typed after it go where it sends focus.
            active = self.screen.active_bindings.get(event.key)
            if active is not None and active.enabled:
                event.stop()
                event.prevent_default()
                await self.app.run_action(active.binding.action, active.node)
            return
        char = event.character
        if char is None:
            return
        if char in self._by_key:
            event.stop()
            event.prevent_default()
            self._picked_by_key(self._by_key[char].value)
        elif self.allow_skip and char == SKIP_KEY:
            event.stop()
            event.prevent_default()
            self._picked_by_key(None)
        elif choice_swallows(self, char):
            event.stop()
            event.prevent_default()
            self.hint = self.keys_hint
        elif event.is_printable:
            await run_binding_now(self, event)

    def _picked_by_key(self, value: Any) -> None:
        self.hint = ""
        self.pick(value)
        if self.advance:
            answered(self)

    def on_click(self, event: events.Click) -> None:
        self.focus()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.hint = ""
        self.refresh()

    def render(self) -> Text:
        return self._build(self.size.width)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._build(width).plain.split("\n"))

    def _build(self, width: int) -> Text:
        text = Text()
        text.append("▸ " if self.has_focus else "  ", style="bold")
        text.append(self.question, style="bold")
        pieces = [
            self._option_text(o.key, o.label, self.value is not None and o.value == self.value)
            for o in self.options
        ]
        if self.allow_skip:
            pieces.append(
                self._option_text(SKIP_KEY, self.skip_label, self.skipped and self.value is None)
            )
        # Wrap between options, never inside one ("something else" stays whole).
        width = max(width, 20)
        line_width = width
        for piece in pieces:
            if line_width + piece.cell_len > width:
                text.append("\n")
                line_width = 0
            text.append_text(piece)
            line_width += piece.cell_len
        if self.hint:
            text.append("\n")
            text.append(f"  {self.hint}", style="italic")
        return text

    @staticmethod
    def _option_text(key: str, label: str, chosen: bool) -> Text:
        # Brackets mark the choice so it reads without colour (NO_COLOR).
        piece = Text()
        if chosen:
            piece.append(f"[{key} {label}]", style="bold reverse")
        else:
            piece.append(" ")
            piece.append(key, style="bold")
            piece.append(f" {label} ")
        return piece
