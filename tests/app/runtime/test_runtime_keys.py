"""tracker.app.runtime.keys: typing stays whole across a screen or focus change.

The first tests check the private Textual API the module relies on, so a Textual
upgrade that changes it fails here, by name, before any screen test does.
"""

from __future__ import annotations

import asyncio
import inspect

from textual import events
from textual.app import App, ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from tracker.app.runtime.keys import HoldKeysUntilFocused, KeepTypingWhole, hand_key


def run(app: App, scenario) -> None:
    async def main() -> None:
        async with app.run_test(size=(40, 10)) as pilot:
            await pilot.pause()
            await scenario(pilot)
            await pilot.pause()

    asyncio.run(main())


def burst(app: App, keys: str) -> None:
    """Every key posted to the app before any is handled (as tmux sends them)."""
    for key in keys:
        app.post_message(events.Key(key, key))


# --- what Textual must still provide ----------------------------------------------------


def test_textual_still_forwards_events_with_the_private_method_used_here():
    for cls in (Widget, Screen):
        method = cls.__dict__.get("_forward_event")
        assert method is not None, f"{cls.__name__}._forward_event is gone"
        assert list(inspect.signature(method).parameters) == ["self", "event"]
    assert isinstance(Message.__dict__.get("is_forwarded"), property)


def test_textual_still_has_the_app_key_handler_that_on_key_runs_before():
    handler = App.__dict__.get("_on_key")
    assert handler is not None and inspect.iscoroutinefunction(handler)
    assert list(inspect.signature(handler).parameters) == ["self", "event"]
    assert "on_key" not in App.__dict__  # ours is not shadowing one of Textual's
    assert inspect.iscoroutinefunction(App.on_event)


def test_a_subclass_on_key_runs_before_the_base_classes_own_and_can_prevent_it():
    """KeepTypingWhole and tracker's ordered inputs rely on this order of dispatch."""

    class NoX(Input):
        def on_key(self, event: events.Key) -> None:
            if event.key == "x":
                event.prevent_default()

    class OneInput(App):
        def compose(self) -> ComposeResult:
            yield NoX()

    app = OneInput()

    async def scenario(pilot):
        await pilot.press("a", "x", "b")
        await pilot.pause()
        assert app.query_one(NoX).value == "ab"

    run(app, scenario)


def test_a_handed_key_is_forwarded_so_it_does_not_start_over_at_the_app():
    seen: list[str] = []

    class Recorder(Static, can_focus=True):
        def on_key(self, event: events.Key) -> None:
            seen.append(event.key)
            event.stop()

    class OneRecorder(App):
        def compose(self) -> ComposeResult:
            yield Recorder()

    app = OneRecorder()

    async def scenario(pilot):
        handed = hand_key(app.query_one(Recorder), events.Key("z", "z"))
        assert handed.is_forwarded
        await pilot.pause()

    run(app, scenario)
    assert seen == ["z"]


# --- the behaviour ------------------------------------------------------------------------


class Field(Static, can_focus=True):
    """Takes every key; records it."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[str] = []

    def on_key(self, event: events.Key) -> None:
        self.keys.append(event.key)
        event.stop()


class Second(Screen):
    def compose(self) -> ComposeResult:
        yield Field()

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Field))


class Holding(HoldKeysUntilFocused, Second):
    def on_mount(self) -> None:
        self.set_focus(self.query_one(Field))
        self.release_held_keys()


def two_screen_app(base: type[App], second: type[Screen]) -> App:
    class TwoScreens(base):  # type: ignore[misc, valid-type]
        BINDINGS = [("n", "next", "Next")]

        def compose(self) -> ComposeResult:
            yield Static("first")

        def action_next(self) -> None:
            self.push_screen(second())

    return TwoScreens()


def keys_on_second(app: App) -> list[str]:
    return app.screen.query_one(Field).keys


def test_without_the_mixins_textual_still_drops_keys_typed_before_a_screen_change():
    """If this fails, Textual keeps such keys itself: runtime/keys.py may go."""
    app = two_screen_app(App, Second)

    async def scenario(pilot):
        burst(app, "nabc")
        for _ in range(4):
            await pilot.pause()
        assert isinstance(app.screen, Second)
        assert keys_on_second(app) != list("abc")

    run(app, scenario)


def test_keys_typed_before_a_screen_change_reach_the_new_screen_in_order():
    app = two_screen_app(KeepTypingWhole, Holding)

    async def scenario(pilot):
        burst(app, "nabcd")
        for _ in range(4):
            await pilot.pause()
        assert isinstance(app.screen, Holding)
        assert keys_on_second(app) == list("abcd")

    run(app, scenario)


def test_keys_given_to_a_screen_before_it_has_focus_wait_for_the_focused_widget():
    class FocusLater(HoldKeysUntilFocused, Screen):
        AUTO_FOCUS = ""  # nothing focused until the test says

        def compose(self) -> ComposeResult:
            yield Field()

    app: App[None] = App()

    async def scenario(pilot):
        screen = FocusLater()
        await app.push_screen(screen)
        hand_key(screen, events.Key("a", "a"))
        hand_key(screen, events.Key("b", "b"))
        await pilot.pause()
        field = screen.query_one(Field)
        assert field.keys == []  # held: nothing had focus
        screen.set_focus(field)
        hand_key(screen, events.Key("c", "c"))  # the held ones go first
        await pilot.pause()
        assert field.keys == ["a", "b", "c"]

    run(app, scenario)


def test_keys_of_the_current_screen_still_reach_the_apps_bindings():
    app = two_screen_app(KeepTypingWhole, Holding)

    async def scenario(pilot):
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, Holding)

    run(app, scenario)


def test_a_key_handed_to_a_screen_that_has_gone_goes_on_to_the_one_showing():
    """A key given to a screen with nothing focused bubbles up to the app; if that
    screen was closed meanwhile (``c`` took the person back), the key goes to the
    screen showing now, as a key typed there would."""

    class Overlay(Screen):
        AUTO_FOCUS = ""

        def compose(self) -> ComposeResult:
            yield Static("overlay")

    class Base(KeepTypingWhole):
        def compose(self) -> ComposeResult:
            yield Field()

    app = Base()

    async def scenario(pilot):
        field = app.query_one(Field)
        app.screen.set_focus(field)
        overlay = Overlay()
        await app.push_screen(overlay)
        hand_key(overlay, events.Key("x", "x"))  # queued on the overlay
        app.pop_screen()  # gone before the overlay handles it
        for _ in range(3):
            await pilot.pause()
        assert field.keys == ["x"]

    run(app, scenario)
