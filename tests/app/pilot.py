"""What the Pilot tests share: run the real app on a real database file, type into
it, and read the screen back as text.

Every test that starts the app goes through :func:`open_app`, so how the tests open
it is said in one place.
"""

from __future__ import annotations

import asyncio
import functools
import html
import os
import re
import unicodedata
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from textual import events
from textual.keys import KEY_NAME_REPLACEMENTS

from tracker.app.app import TrackerApp
from tracker.opening import open_database

GLOBAL_KEYS = {"t", "c", "h", "e", "r", "g", "k", "s", "p", "P", "question_mark"}
"""The app's keys that work from every section."""

SNAPSHOTS = Path(__file__).parent / "snapshots"
"""The golden screens (plain text) that :func:`assert_snapshot` compares with."""

UPDATE_SNAPSHOTS = "TRACKER_UPDATE_SNAPSHOTS"
"""Set to 1 to write the screens as they are now instead of comparing them."""


def open_app(db_path: str | Path, **kwargs: Any) -> TrackerApp:
    """The app as ``tracker --db PATH`` makes it: the database opened through the one
    opening path (vetted, migrated with a backup first, today's backup), then handed
    in (``kwargs`` as TrackerApp takes them, e.g. ``demo``)."""
    return TrackerApp(open_database(Path(db_path), warn=print), **kwargs)


def drive(db_path, scenario, size=(80, 24), **app_kwargs: Any):
    """Run the app at ``size``, let ``scenario(app, pilot)`` use it, then close it."""

    async def main():
        app = open_app(db_path, **app_kwargs)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            result = await scenario(app, pilot)
            await pilot.pause()
        return result

    return asyncio.run(main())


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot test with asyncio (no plugin needed)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


async def settle(pilot, n: int = 3) -> None:
    """Let the app handle what is queued (a screen change takes more than one pause)."""
    for _ in range(n):
        await pilot.pause()


async def keys(pilot, *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
        await pilot.pause()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[("space" if ch == " " else ch) for ch in text])
    await pilot.pause()


def key_name(character: str) -> str:
    """The key Textual names for a typed character: ``a``, ``comma``, ``space``."""
    if character.isalnum():
        return character
    name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    return KEY_NAME_REPLACEMENTS.get(name, name)


def burst(app, *parts: str | tuple[str]) -> None:
    """Post every key at once, before any is handled (as a fast typist or tmux does).

    A string is typed character by character; a 1-tuple is one named key."""
    for part in parts:
        if isinstance(part, tuple):
            app.post_message(events.Key(part[0], None))
            continue
        for ch in part:
            app.post_message(events.Key(key_name(ch), ch))


# --- the screen as text -----------------------------------------------------------------

_TEXT = re.compile(
    r'<text [^>]*?x="([\d.]+)"[^>]*?clip-path="url\(#[\w-]+-line-(\d+)\)"'
    r"[^>]*>(.*?)</text>"
)
_CHAR_WIDTH = 20 * 0.61
"""Rich's SVG export puts a cell every 12.2 units (a 20-unit font, 0.61 wide)."""


def screen_lines(app) -> list[str]:
    """The screen as plain text, one string per row, trailing spaces cut.

    Read from :meth:`App.export_screenshot` (Rich's SVG export, a public API):
    each run of text sits at its row and column there.
    """
    width, height = app.size
    rows = [[" "] * width for _ in range(height)]
    for x, row, text in _TEXT.findall(app.export_screenshot()):
        column = round(float(x) / _CHAR_WIDTH)
        for offset, ch in enumerate(html.unescape(text).replace("\xa0", " ")):
            if 0 <= column + offset < width and int(row) < height:
                rows[int(row)][column + offset] = ch
    return ["".join(row).rstrip() for row in rows]


def assert_snapshot(name: str, lines: list[str]) -> None:
    """Compare ``lines`` with ``snapshots/<name>.txt``; with TRACKER_UPDATE_SNAPSHOTS=1
    (or when the file does not exist yet) write them there instead."""
    path = SNAPSHOTS / f"{name}.txt"
    shown = "\n".join(lines) + "\n"
    if os.environ.get(UPDATE_SNAPSHOTS) == "1" or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(shown, encoding="utf-8")
        if os.environ.get(UPDATE_SNAPSHOTS) != "1":
            raise AssertionError(
                f"{path.name} did not exist: written now; look at it, then run the test again"
            )
        return
    expected = path.read_text(encoding="utf-8")
    if shown != expected:
        import difflib

        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                shown.splitlines(keepends=True),
                f"snapshots/{path.name}",
                "the screen now",
            )
        )
        raise AssertionError(
            f"the screen differs from {path.name} ({UPDATE_SNAPSHOTS}=1 rewrites it):\n{diff}"
        )
