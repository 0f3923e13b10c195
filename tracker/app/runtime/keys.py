"""Keys typed in one burst stay whole when the screen or the focus changes under them.

Textual reads each key from the terminal and hands it at once to the widget that
has focus *at that moment* (or to the screen, when nothing has). Keys typed faster
than the app handles them (``c 4 2 3 1 0 ctrl+s`` pasted, or sent by tmux in one
call) are all handed out before the first one has opened the check-in card or moved
focus to the next field, so they land where the person no longer is. This module
gives them, in the order they were typed, to where the person is now:

- :class:`KeepTypingWhole` (for the App): a key handed to one screen that comes back
  up to the app after another screen was shown goes to the screen showing now.
- :class:`HoldKeysUntilFocused` (for a Screen): keys handed to the screen itself
  while nothing in it has focus yet wait, and go to the first widget focused.
- :func:`hand_key`: give a key to a widget, as the app gives keys it reads (a
  field that moved focus on hands later keys to the field focused now).

Private Textual API used here, checked by ``tests/app/runtime/test_keys.py``:

- ``Widget._forward_event(event)`` (and ``Screen``'s override): how the app gives
  an input event to a widget; it marks the event forwarded, so the event does not
  start over when it bubbles back up to the app. Posting a new ``Key`` with the
  public ``post_message`` would be taken for a key just typed and handed out again.
- ``App._on_key``: the app's own key handler (bindings, then ``key_`` methods).
  :class:`KeepTypingWhole` defines ``on_key``, which Textual calls before it, and
  prevents it for a key it hands on.
- ``App.on_event`` is where a key read from the terminal first arrives (public,
  but overriding it is the trick): it is noted there with the screen showing.
"""

from __future__ import annotations

import weakref

from textual import events
from textual.app import App
from textual.screen import Screen
from textual.widget import Widget


def hand_key(target: Widget, key: events.Key) -> events.Key:
    """Give ``target`` (a widget or a screen) a copy of ``key``, as if typed there now.

    Returns the copy (a new event: the original may already be stopped or handled).
    With :class:`KeepTypingWhole`, the copy is noted as given to ``target``'s screen,
    so if that screen has gone by the time the key bubbles up unused (``c`` typed
    after ``s`` took the person back from support), it goes on to the screen
    showing then.
    """
    fresh = events.Key(key.key, key.character)
    app = target.app
    if isinstance(app, KeepTypingWhole):
        app.note_key_origin(fresh, target if isinstance(target, Screen) else target.screen)
    target._forward_event(fresh)
    return fresh


class KeepTypingWhole(App):
    """App mixin: keys that reach the app after the screen changed go to the new screen.

    Keys typed in one burst are all handed to the screen showing when they arrive;
    those typed after ``c`` reach Today before the card opens and bubble back up
    unhandled. They are given to the screen showing now (its focused widget)
    instead of being dropped.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._key_origins: weakref.WeakKeyDictionary[events.Key, Screen] = (
            weakref.WeakKeyDictionary()
        )

    def note_key_origin(self, key: events.Key, screen: Screen) -> None:
        """``key`` is being given to ``screen``: if it bubbles back up here unused
        after another screen was shown, it goes on to that one."""
        self._key_origins[key] = screen

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._key_origins[event] = self.screen  # the screen it is first given to
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        """A key that bubbled up from a screen that is no longer showing: hand it on."""
        origin = self._key_origins.pop(event, None)
        if origin is None or origin is self.screen:
            return  # the app's own key handling (bindings) runs next
        event.prevent_default()  # App._on_key would otherwise run too
        hand_key(self.focused or self.screen, event)


class HoldKeysUntilFocused(Screen):
    """Screen mixin: keys given to the screen before anything in it has focus wait.

    The app hands a key to the screen itself while no widget has focus (a card
    just opened, not yet mounted). Such keys are kept, and given in order to the
    focused widget as soon as there is one: at the next key, or when the screen
    calls :meth:`release_held_keys` (after it set the focus, in ``on_mount``).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held_keys: list[events.Key] = []

    def _forward_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key):
            super()._forward_event(event)
            return
        focused = self.focused
        if focused is None:
            self._held_keys.append(event)
            return
        self.release_held_keys()
        hand_key(focused, event)

    def release_held_keys(self) -> None:
        """Give the keys held so far to the focused widget (nothing if none has focus)."""
        focused = self.focused
        if focused is None:
            return
        keys, self._held_keys = self._held_keys, []
        for key in keys:
            hand_key(focused, key)
