"""What the Pilot tests share: run the real app on a real database file."""

from __future__ import annotations

import asyncio

from textual import events
from textual.keys import _character_to_key

from tracker.app.app import TrackerApp
from tracker.opening import open_database

GLOBAL_KEYS = {"t", "c", "h", "e", "r", "g", "s", "question_mark"}
"""The app's keys that work from every section."""


def make_app(db_path) -> TrackerApp:
    """The app as ``tracker --db PATH`` makes it: the database opened through the one
    opening path (vetted, migrated with a backup first, today's backup), then handed in."""
    return TrackerApp(open_database(db_path, warn=print))


def drive(db_path, scenario, size=(80, 24)):
    """Run the app at ``size``, let ``scenario(app, pilot)`` use it, then close it."""

    async def main():
        app = make_app(db_path)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            result = await scenario(app, pilot)
            await pilot.pause()
        return result

    return asyncio.run(main())


async def keys(pilot, *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
        await pilot.pause()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[("space" if ch == " " else ch) for ch in text])
    await pilot.pause()


def burst(app, *parts: str | tuple[str]) -> None:
    """Post every key at once, before any is handled (as a fast typist or tmux does).

    A string is typed character by character; a 1-tuple is one named key."""
    for part in parts:
        if isinstance(part, tuple):
            app.post_message(events.Key(part[0], None))
            continue
        for ch in part:
            key = ch if ch.isalnum() else _character_to_key(ch)
            app.post_message(events.Key(key, ch))
