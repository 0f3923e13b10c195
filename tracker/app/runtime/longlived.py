"""The app side of the garbage-collector policy (:mod:`tracker.app.runtime.collector`).

Only the app applies the policy. It does so once its first screen shows, and when
a screen posts :class:`LongLivedDataLoaded` (trends, after it loaded years of data
or prepared a chart), so screens never call into the collector themselves.
Public Textual API only; it lives here beside the policy it applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App
from textual.message import Message

from tracker.app.runtime import collector


@dataclass
class LongLivedDataLoaded(Message):
    """A screen made data that will live as long as it does (it bubbles to the app).

    ``collect``: run a full collection first, which frees cycles that earlier
    freezes kept (a closed card, data this load replaced). Worth it when a load
    already takes a while; leave it off for small steps (a chart prepared ahead).
    """

    collect: bool = False


class KeepsLongLived(App):
    """App mixin: applies the collector policy after the first screen and on request."""

    def on_mount(self) -> None:
        # After the first screen's first frame: what exists then lives as long as the app.
        self.call_after_refresh(collector.keep_long_lived)

    def on_long_lived_data_loaded(self, message: LongLivedDataLoaded) -> None:
        message.stop()
        collector.keep_long_lived(collect=message.collect)
