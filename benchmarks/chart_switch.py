"""Chart switch: how long a range or chart key takes on the trends screen, in process.

Run by ``benchmarks/run.py`` in a subprocess (so the harness itself never imports
Textual); prints one JSON object. By hand::

    python benchmarks/chart_switch.py --db benchmarks/.data/demo-10y-....db --rounds 2

Two measurements, on the real :class:`tracker.app.app.TrackerApp` under Textual's
``run_test`` at 120x40, after ``g`` opened the trends screen:

* ``key_ms``: from a key event entering the app (``w m q y a`` ranges, ``1``-``7``
  charts) until the first frame Textual composes after the screen switched to the
  new range or chart. This is what a person waits for. Frames are timestamped by
  overriding ``App._display`` in a subclass (it is called with every composed
  frame, also headless); nothing in tracker is changed. Keys come ``--think``
  seconds apart (default 0.2 s, quicker than the screen's 0.25 s cache warm-up,
  so most presses build their chart from scratch). ``key_cpu_ms`` is the CPU time
  the process used over the same interval (less sensitive to a busy machine; it
  stops a little later, when the harness sees the frame).
* ``redraw_cold_ms``: ``TrendsScreen.redraw()`` called directly with the screen's
  range and chart caches emptied first (``_ranges``, ``_charts``, ``ChartView.forget``):
  the whole work of one key with nothing prepared, without Textual's layout.
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
RANGE_KEYS = "wqyam"


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
    from tracker.app import app as app_module
    from tracker.app.app import TrackerApp

    here = Path(app_module.__file__).parent

    class TimedApp(TrackerApp):
        """TrackerApp that remembers when each frame was composed."""

        # CSS paths are relative to the class's own file: point at tracker's.
        CSS_PATH = [str(here / p) for p in TrackerApp.CSS_PATH]

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.frames: list[tuple[float, tuple[object, ...] | None]] = []
            self.frame_event = asyncio.Event()

        def _display(self, screen, renderable) -> None:
            super()._display(screen, renderable)
            if renderable is not None:
                current = self.screen
                snap = state(current) if hasattr(current, "range_key") else None
                self.frames.append((time.perf_counter(), snap))
                self.frame_event.set()

    from tracker.opening import open_database

    return TimedApp(open_database(db, warn=print))


async def _wait_for_frame(app, wanted: tuple[object, ...], since: int, timeout: float) -> float:
    deadline = time.perf_counter() + timeout
    while True:
        for when, snap in app.frames[since:]:
            if snap == wanted:
                return when
        app.frame_event.clear()
        left = deadline - time.perf_counter()
        if left <= 0:
            raise TimeoutError(f"no frame showed {wanted} within {timeout} s")
        try:
            await asyncio.wait_for(app.frame_event.wait(), left)
        except asyncio.TimeoutError:
            pass


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
            await pilot.press("g")
            await pilot.pause()
            for _ in range(100):
                if hasattr(app.screen, "redraw"):
                    break
                await pilot.pause(0.02)
            screen = app.screen
            assert hasattr(screen, "redraw"), f"g did not open trends: {screen!r}"
            await asyncio.sleep(think)
            driver = app._driver
            for key in key_sequence():
                before = state(screen)
                since = len(app.frames)
                started = time.perf_counter()
                cpu = time.process_time()
                event = events.Key(key, key)
                event.set_sender(app)
                driver.send_message(event)
                # The expected state after the key: wait for the screen to get there.
                deadline = started + 10
                while state(screen) == before and time.perf_counter() < deadline:
                    await asyncio.sleep(0)
                painted = await _wait_for_frame(app, state(screen), since, 10)
                key_ms.append((painted - started) * 1000)
                key_cpu_ms.append((time.process_time() - cpu) * 1000)
                await asyncio.sleep(think)
            # Cold redraws: caches emptied before each one.
            from tracker.app.widgets.chart import ChartView

            chart_view = screen.query_one("#trends-chart", ChartView)
            combos = [(r, v) for v in ("regulation", "mood", "urges", "names", "calendar",
                                       "experiments") for r in ("m", "y", "a")]
            for _ in range(cold_repeats):
                for range_key, view in combos:
                    screen.range_key, screen.view = range_key, view
                    screen._ranges.clear()
                    screen._charts.clear()
                    chart_view.forget()
                    started = time.perf_counter()
                    cpu = time.process_time()
                    screen.redraw()
                    cold_ms.append((time.perf_counter() - started) * 1000)
                    cold_cpu_ms.append((time.process_time() - cpu) * 1000)
                    await asyncio.sleep(0)
            timer = getattr(screen, "_warm_timer", None)
            if timer is not None:
                timer.stop()
            await pilot.press("t")
            await pilot.pause()
    return {"key_ms": key_ms, "key_cpu_ms": key_cpu_ms, "redraw_cold_ms": cold_ms,
            "redraw_cold_cpu_ms": cold_cpu_ms, "think": think,
            "keys": "".join(key_sequence())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3, help="fresh apps (default 3)")
    parser.add_argument("--think", type=float, default=0.2,
                        help="seconds between keys (default 0.2)")
    parser.add_argument("--cold-repeats", type=int, default=2)
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.db, args.rounds, args.think, args.cold_repeats))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown of Textual's threads


if __name__ == "__main__":
    sys.exit(main())
