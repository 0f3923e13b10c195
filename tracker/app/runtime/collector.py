"""The garbage-collector policy: Python's cycle collector while the app runs.

The app's widgets and styles, and a trends screen's years of check-ins and drawn
charts, live as long as the app. Python's cycle collector walks every tracked
object at each full collection; with years of data loaded that paused the app at
random moments, often right after a key (``benchmarks/chart_switch.py``). So:

1. :func:`hold` turns collection off while the app starts (the launcher calls it
   before importing Textual): start-up makes tens of thousands of objects that all
   live as long as the app, and collecting over them only delays the first screen.
2. :func:`keep_long_lived` turns it back on once the first screen shows, and again
   whenever a screen has made data that will live long, after moving what is alive
   now out of later collections (``gc.freeze``).

Frozen objects are still freed by reference counting as usual, but a cycle among
them (a closed dialog's widgets) is only found after they are unfrozen. So
``keep_long_lived(collect=True)`` (when trends has loaded its data, a moment that
already takes a while) unfreezes everything and runs one full collection before
freezing again; otherwise the young generations are collected first, so only
garbage that had already grown old is kept.

This module touches interpreter-wide state and imports nothing but :mod:`gc`, so
the launcher can use it before anything large is imported. Only the app calls
:func:`keep_long_lived` (:class:`tracker.app.runtime.longlived.KeepsLongLived`);
screens ask for it with a message. Checked by ``tests/app/runtime/test_collector.py``.
"""

from __future__ import annotations

import gc


def hold() -> None:
    """No cycle collections until :func:`keep_long_lived` (the app is starting)."""
    gc.disable()


def keep_long_lived(*, collect: bool = False) -> None:
    """Leave the objects alive now out of later cycle collections; collection on.

    ``collect``: first unfreeze everything and run a full collection, so cycles
    that earlier freezes kept (a closed card, replaced data) are freed.
    """
    if collect:
        gc.unfreeze()
        gc.collect()
    else:
        gc.collect(1)
    gc.freeze()
    gc.enable()


def release() -> None:
    """Give every frozen object back to the collector, and turn collection on
    (for tests and embedders: after an app ends, nothing it kept is long-lived)."""
    gc.unfreeze()
    gc.enable()
