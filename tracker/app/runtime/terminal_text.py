"""No control character in any text the app draws reaches the terminal.

A note, a name or an imported text can hold ESC and other control characters, and a
terminal obeys them: ``ESC ] 0 ; ... BEL`` retitles the window, ``ESC ] 52`` writes
the clipboard, ``ESC [ 2 J`` clears the screen. Screens show user text through
:func:`tracker.text.visible` where they lay it out, so it reads as ``^[``; this is the
net under all of them, and under every screen still to come.

Textual draws everything as strips of segments (:class:`textual.strip.Strip`), and
turns a segment's style into escape sequences only when it writes the strip to the
terminal. So the text of a segment should never hold a control character: one there
came from content. :func:`install` wraps ``Strip.__init__`` to drop C0, DEL and C1
controls from segment text. Dropping (not showing) keeps every cell where the
layout put it: these characters take no cells. Segments that are Rich control
segments (cursor moves, which carry no text) are left alone.

Text without controls costs one ``str.isprintable()`` per segment.
``tests/app/runtime/test_runtime_terminal_text.py`` breaks if Textual's ``Strip``
changes the signature this relies on.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from rich.segment import Segment
from textual.strip import Strip

_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_MARK = "_tracker_drops_controls"


def _clean(segments: Iterable[Segment]) -> list[Segment]:
    out = segments if isinstance(segments, list) else list(segments)
    for index, segment in enumerate(out):
        text = segment.text
        if text.isprintable() or segment.control or not _CONTROLS.search(text):
            continue
        if out is segments:
            out = list(out)  # never change a list the caller still holds
        out[index] = Segment(_CONTROLS.sub("", text), segment.style, segment.control)
    return out


def install() -> None:
    """Make every :class:`~textual.strip.Strip` drop control characters (idempotent)."""
    original = Strip.__init__
    if getattr(original, _MARK, False):
        return

    @functools.wraps(original)
    def init(self: Strip, segments: Iterable[Segment], *args: Any, **kwargs: Any) -> None:
        original(self, _clean(segments), *args, **kwargs)

    setattr(init, _MARK, True)
    Strip.__init__ = init  # type: ignore[method-assign]
