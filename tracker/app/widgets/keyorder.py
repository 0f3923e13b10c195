"""Keep keys in the order they were typed when focus moves between fields, and keep
a hurried person's habits from moving them past a field.

Textual hands each key to the widget that has focus when the key is read. A field
that moves focus on by itself (a scale after a digit, a names input after tab)
may already have the next keys waiting for it; those belong to the field that
has focus now. :func:`forward_if_stale` hands them on, in order.

A one-key answer (a digit on a scale, a letter on a choice) moves focus on by
itself. People then often press ``tab`` (or ``enter``) out of habit, to confirm: on
a form that key must not skip the field focus has just arrived at. :func:`answered`
moves focus on and remembers where; :func:`route_key` swallows the ``tab`` or
``enter`` that comes next there. Screens opt in with ``TAB_CONFIRMS_ANSWER = True``
(the forms do; the practice log card, whose ``tab`` means "to the note", does not).

Fields never select their text when focus arrives (``select_on_focus=False``), so
typing adds to what is there instead of replacing it unseen.
"""

from __future__ import annotations

import weakref
from typing import Any

from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea

from tracker.app.runtime.keys import hand_key
from tracker.text import one_line

CONFIRM_KEYS = frozenset({"tab", "enter"})
"""Keys people press after an answer to confirm it: swallowed on the field focus has
just moved to, so they never skip it (``enter`` would move on from a one-line field,
or start the note with an empty line)."""

_CONFIRMING: weakref.WeakKeyDictionary[Screen, Widget] = weakref.WeakKeyDictionary()
"""Screen -> the field a one-key answer just moved focus to (its next tab confirms)."""


def forward_if_stale(widget: Widget, event: events.Key) -> bool:
    """If ``widget`` no longer has focus, give ``event`` to the widget that has; if
    another screen shows now (support opened by a key typed before this one), to
    that screen's focused widget, or to the screen itself while nothing there has
    focus yet.

    Returns True when the key was handed on (the caller should do nothing more).
    """
    app = widget.app
    focused = app.focused
    if widget.screen is not app.screen:
        target: Widget = focused or app.screen
    elif focused is None or focused is widget:
        return False
    else:
        target = focused
    event.stop()
    event.prevent_default()
    hand_key(target, event)
    return True


def answered(widget: Widget) -> Widget | None:
    """Move focus on after a one-key answer on ``widget``; a ``tab`` typed next, on
    the field focus arrives at, confirms the answer instead of moving on again."""
    screen = widget.screen
    target = screen.focus_next()
    if getattr(screen, "TAB_CONFIRMS_ANSWER", False) and target is not None:
        _CONFIRMING[screen] = target
    return target


def _confirming_tab(widget: Widget, event: events.Key) -> bool:
    """Whether ``event`` is the tab (or enter) right after an answer moved focus to
    ``widget``. Any key the focused field receives ends that moment."""
    screen = widget.screen
    arrived = _CONFIRMING.pop(screen, None)
    if arrived is widget and event.key in CONFIRM_KEYS:
        event.stop()
        event.prevent_default()
        return True
    return False


def route_key(widget: Widget, event: events.Key) -> bool:
    """What every field does first with a key: hand it on if focus has moved on
    (:func:`forward_if_stale`), or swallow the tab that confirms an answer.

    Returns True when the key was dealt with (the caller should do nothing more).
    """
    return forward_if_stale(widget, event) or _confirming_tab(widget, event)


def move_focus(widget: Widget, key: str) -> bool:
    """tab / shift+tab, handled at once (not after the key bubbles up)."""
    if key == "tab":
        widget.screen.focus_next()
        return True
    if key == "shift+tab":
        widget.screen.focus_previous()
        return True
    return False


async def run_binding_now(widget: Widget, event: events.Key) -> bool:
    """Run the screen's (or the app's) binding for ``event`` at once, rather than after
    the key has bubbled up, so the keys typed after it (in the same burst) go where
    it sends them: ``s`` opens support before the next key is handed out.

    Returns True when a binding ran (the key is then used up).
    """
    active = widget.screen.active_bindings.get(event.key)
    if active is None or not active.enabled:
        return False
    event.stop()
    event.prevent_default()
    await widget.app.run_action(active.binding.action, active.node)
    return True


def choice_swallows(
    widget: Widget, character: str | None, also_passes: frozenset[str] = frozenset()
) -> bool:
    """Whether a choice field (a scale, a pick) keeps a printable key it cannot use,
    rather than let it reach the screen's or the app's keys.

    On a form (a screen with ``CHOICE_KEYS_PASS``), a stray letter typed on a choice
    (``s`` in a sentence typed in the wrong place) never opens another screen: only
    the keys the screen lists there pass (the card's ``[`` / ``]``), and those the
    field itself lets through (``also_passes``). Elsewhere nothing is kept, so a
    screen's letter keys work from its choices.
    """
    passes = getattr(widget.screen, "CHOICE_KEYS_PASS", None)
    if passes is None or character is None or not character.isprintable():
        return False
    return character not in passes and character not in also_passes


EDITING_ACTIONS = frozenset(
    {
        "cursor_left",
        "cursor_right",
        "cursor_left_word",
        "cursor_right_word",
        "home",
        "end",
        "delete_left",
        "delete_right",
        "delete_left_word",
        "delete_right_word",
        "delete_left_all",
        "delete_right_all",
    }
)
"""The Input's own actions that move the cursor or delete: run as their key arrives."""

_EDITING_KEYS = {
    binding.key: binding.action
    for binding in Binding.make_bindings(Input.BINDINGS)
    if binding.action.split("(")[0] in EDITING_ACTIONS
}
"""Key -> the Input's editing action bound to it (as Input's ``BINDINGS`` say)."""


class OrderedInput(Input):
    """An Input that passes on keys typed after focus left it, and moves focus with
    tab / shift+tab straight away. Focus arriving never selects its text.

    Its editing keys (backspace, delete, the arrows, home, end...) act as they
    arrive too. Textual runs a widget's bindings only once the key has bubbled up
    to the app, after the letters typed behind it in the same burst went in, so
    ``a b c backspace backspace d`` would end as "ab" instead of "ad".
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)

    async def on_key(self, event: events.Key) -> None:
        # Textual calls this before Input's own key handling (a base class), which
        # preventing the default skips.
        if route_key(self, event):
            return
        if self.handle_tab(event.key):
            event.stop()
            event.prevent_default()
            return
        action = _EDITING_KEYS.get(event.key)
        if action is None:
            return
        active = self.screen.active_bindings.get(event.key)
        if active is not None and active.binding.priority:
            return  # a priority binding of the screen or app comes first, as usual
        event.stop()
        event.prevent_default()
        await self.run_action(action)

    def handle_tab(self, key: str) -> bool:
        return move_focus(self, key)

    _typed = ""

    @property
    def _whole_numbers(self) -> bool:
        return self.type == "integer" or self.restrict == DIGITS

    def replace(self, text: str, start: int, end: int) -> None:
        if self._whole_numbers and len(text) > 1:  # pasted: " 80" or "80%" is 80
            tidy = text.strip().removesuffix("%").strip()
            if tidy.isdigit():
                text = tidy
        self._typed = text  # (for restricted(), which Textual calls without it)
        super().replace(text, start, end)

    def restricted(self) -> None:
        """Textual's hook for what the field would not take: say so, rather than drop
        it unseen (``8O`` for 80 would otherwise save 8)."""
        typed = one_line(self._typed)[:20]
        number = self._typed.isdigit()
        if self._whole_numbers and not number:
            message = f"Only a whole number goes here, so “{typed}” was left out."
        elif self.max_length and len(self.value) + len(self._typed) > self.max_length:
            message = f"This field holds at most {self.max_length} characters."
        else:
            message = f"“{typed}” cannot go in this field."
        self.app.bell()
        self.notify(message, severity="warning", timeout=4, markup=False)


DIGITS = r"[0-9]{0,3}"
"""The restrict of a 0-100 field (:class:`OrderedInput` says what it would not take)."""


class OrderedTextArea(TextArea):
    """A TextArea that passes on keys typed after focus left it; tab moves on."""

    def on_key(self, event: events.Key) -> None:
        if route_key(self, event):
            return
        if move_focus(self, event.key):
            event.stop()
            event.prevent_default()
