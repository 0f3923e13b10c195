"""Keep keys in the order they were typed when focus moves between fields.

Textual hands each key to the widget that has focus when the key is read. A field
that moves focus on by itself (a scale after a digit, a names input after tab)
may already have the next keys waiting for it; those belong to the field that
has focus now. :func:`forward_if_stale` hands them on, in order.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Input, TextArea

from tracker.app.runtime.keys import hand_key


def forward_if_stale(widget: Widget, event: events.Key) -> bool:
    """If ``widget`` no longer has focus, give ``event`` to the widget that has.

    Returns True when the key was handed on (the caller should do nothing more).
    """
    focused = widget.app.focused
    if focused is None or focused is widget:
        return False
    event.stop()
    event.prevent_default()
    hand_key(focused, event)
    return True


def move_focus(widget: Widget, key: str) -> bool:
    """tab / shift+tab, handled at once (not after the key bubbles up)."""
    if key == "tab":
        widget.screen.focus_next()
        return True
    if key == "shift+tab":
        widget.screen.focus_previous()
        return True
    return False


class OrderedInput(Input):
    """An Input that passes on keys typed after focus left it, and moves focus with
    tab / shift+tab straight away."""

    def on_key(self, event: events.Key) -> None:
        # Textual calls this before Input's own key handling (a base class), which
        # preventing the default skips.
        if forward_if_stale(self, event):
            return
        if self.handle_tab(event.key):
            event.stop()
            event.prevent_default()

    def handle_tab(self, key: str) -> bool:
        return move_focus(self, key)


class OrderedTextArea(TextArea):
    """A TextArea that passes on keys typed after focus left it; tab moves on."""

    def on_key(self, event: events.Key) -> None:
        if forward_if_stale(self, event):
            return
        if move_focus(self, event.key):
            event.stop()
            event.prevent_default()
