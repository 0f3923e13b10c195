"""Chart switch: how long a range or chart key takes on the trends screen, in process.

Run by ``benchmarks/run.py`` in a subprocess (so the harness itself never imports
Textual); prints one JSON object. By hand::

    python benchmarks/chart_switch.py --db benchmarks/.data/demo-10y-....db --rounds 2

Two measurements, on the real :class:`tracker.app.app.TrackerApp` under Textual's
``run_test`` at 120x40, after ``g`` opened the trends screen:

* ``key_ms``: from a key event posted to the app (``w 9 y a m`` ranges, ``1``-``7``
  charts) until the screen has been refreshed after it switched to the new range or
  chart (``Widget.wait_for_refresh``, which returns once Textual has composed the
  next frame). This is what a person waits for. Only public Textual API is used,
  and nothing in tracker is changed. Keys come ``--think`` seconds apart (default
  0.2 s: the screen's warm-up prepares the charts one key away from the one shown
  a step at a time, and does not always keep up, so some presses build their chart
  from scratch). ``key_cpu_ms`` is the CPU time the
  process used over the same interval (less sensitive to a busy machine).
* ``redraw_cold_ms``: ``TrendsScreen.redraw()`` called directly after
  ``TrendsScreen.forget_prepared()`` emptied its range, chart and drawing caches:
  the whole work of one key with nothing prepared, without Textual's layout (every
  range's insights are made with the data, when it is read, and not on a key).

The data is read in a worker when the screen opens; the keys start once it is in.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

# Keys pressed, in order; each one changes the range or the chart.
VIEW_KEYS = "1234567"
RANGE_KEYS = "w9yam"


def key_sequence() -> list[str]:
    keys: list[str] = []
    for view in VIEW_KEYS:
        if view != "1":
            keys.append(view)
        keys.extend(RANGE_KEYS)  # starts at "m"; ends at "m" again
    return keys


def state(screen) -> tuple[object, ...]:
    return (screen.range_key, screen.view, screen.calendar_metric)


def make_app(db: Path):
    from tracker.app.app import TrackerApp
    from tracker.opening import open_database

    return TrackerApp(open_database(db, warn=print))


async def _open_trends(app, pilot):
    """Press g and wait until the trends screen shows its data."""
    await pilot.press("g")
    await pilot.pause()
    for _ in range(500):
        screen = app.screen
        if hasattr(screen, "redraw"):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if getattr(screen, "is_loaded", True):
                return screen
        await pilot.pause(0.02)
    raise TimeoutError(f"g did not open trends with its data: {app.screen!r}")


async def measure(db: Path, rounds: int, think: float, cold_repeats: int) -> dict:
    from textual import events

    key_ms: list[float] = []
    key_cpu_ms: list[float] = []
    cold_ms: list[float] = []
    cold_cpu_ms: list[float] = []
    for _ in range(rounds):
        app = make_app(db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = await _open_trends(app, pilot)
            await asyncio.sleep(think)
            for key in key_sequence():
                before = state(screen)
                started = time.perf_counter()
                cpu = time.process_time()
                app.post_message(events.Key(key, key))
                # The expected state after the key: wait for the screen to get there...
                deadline = started + 10
                while state(screen) == before:
                    if time.perf_counter() > deadline:
                        raise TimeoutError(f"key {key!r} changed nothing within 10 s")
                    await asyncio.sleep(0)
                # ...and for the frame that shows it. (Not asyncio.wait_for: a task of
                # its own for the wait delayed Textual's next frame by tens of ms.)
                async with asyncio.timeout(10):
                    await screen.wait_for_refresh()
                key_ms.append((time.perf_counter() - started) * 1000)
                key_cpu_ms.append((time.process_time() - cpu) * 1000)
                await asyncio.sleep(think)
            # Cold redraws: caches emptied before each one.
            combos = [
                (r, v)
                for v in ("regulation", "mood", "urges", "names", "calendar", "experiments")
                for r in ("m", "y", "a")
            ]
            for _ in range(cold_repeats):
                for range_key, view in combos:
                    screen.range_key, screen.view = range_key, view
                    screen.forget_prepared()
                    started = time.perf_counter()
                    cpu = time.process_time()
                    screen.redraw()
                    cold_ms.append((time.perf_counter() - started) * 1000)
                    cold_cpu_ms.append((time.process_time() - cpu) * 1000)
                    await asyncio.sleep(0)
            await pilot.press("t")
            await pilot.pause()
    return {
        "key_ms": key_ms,
        "key_cpu_ms": key_cpu_ms,
        "redraw_cold_ms": cold_ms,
        "redraw_cold_cpu_ms": cold_cpu_ms,
        "think": think,
        "keys": "".join(key_sequence()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3, help="fresh apps (default 3)")
    parser.add_argument(
        "--think", type=float, default=0.2, help="seconds between keys (default 0.2)"
    )
    parser.add_argument("--cold-repeats", type=int, default=2)
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.db, args.rounds, args.think, args.cold_repeats))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown of Textual's threads


if __name__ == "__main__":
    sys.exit(main())
