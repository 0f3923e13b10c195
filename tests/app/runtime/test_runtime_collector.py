"""tracker.app.runtime.collector and .longlived: the garbage-collector policy."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import weakref

from textual.app import App, ComposeResult
from textual.widgets import Static

from tracker.app.runtime import collector
from tracker.app.runtime.longlived import KeepsLongLived, LongLivedDataLoaded


class Node:
    """Something that can sit in a reference cycle."""

    def __init__(self) -> None:
        self.other: object = None


def make_cycle() -> Node:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return a


def test_the_interpreter_still_has_what_the_policy_uses():
    for name in (
        "freeze",
        "unfreeze",
        "get_freeze_count",
        "disable",
        "enable",
        "isenabled",
        "collect",
    ):
        assert callable(getattr(gc, name, None)), f"gc.{name} is gone"


def test_the_policy_imports_nothing_the_launcher_would_wait_for():
    code = (
        "import sys; import tracker.app.runtime.collector; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'rich', 'sqlite_utils', 'click')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_hold_then_keep_long_lived_freezes_what_is_alive_and_turns_collection_on():
    try:
        collector.hold()
        assert not gc.isenabled()
        collector.keep_long_lived()
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        collector.release()
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_a_frozen_cycle_is_kept_until_a_full_collection_is_asked_for():
    try:
        alive = make_cycle()
        cycle = weakref.ref(alive)
        collector.keep_long_lived()  # the cycle is alive: frozen with the rest
        del alive  # now garbage (a closed dialog)
        gc.collect()
        assert cycle() is not None  # a frozen cycle is not even looked at
        collector.keep_long_lived(collect=True)
        assert cycle() is None
    finally:
        collector.release()


class OneScreen(KeepsLongLived, App):
    def compose(self) -> ComposeResult:
        yield Static("hello")


def test_the_app_applies_it_after_the_first_screen_and_when_a_screen_asks():
    async def main() -> None:
        collector.hold()
        app = OneScreen()
        async with app.run_test() as pilot:
            await pilot.pause()
            assert gc.isenabled() and gc.get_freeze_count() > 0  # after the first screen
            alive = make_cycle()
            cycle = weakref.ref(alive)
            app.screen.post_message(LongLivedDataLoaded())  # bubbles to the app
            await pilot.pause()
            del alive
            gc.collect()
            assert cycle() is not None  # frozen
            app.screen.post_message(LongLivedDataLoaded(collect=True))
            await pilot.pause()
            assert cycle() is None

    try:
        asyncio.run(main())
    finally:
        collector.release()
