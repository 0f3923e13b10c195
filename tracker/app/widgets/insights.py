"""The insights of a range in plain words: paragraphs wrapped here into one text whose
height stays the same from range to range.

Why one text of a kept height: Textual lays out the whole screen again whenever a
widget's size follows its content and the content changes. The insights of each range
have a different number of lines, so with one auto-sized widget per paragraph every
range key paid for a layout of the whole screen. Here the paragraphs are wrapped by
this widget (items indented, a blank line before each heading) into one
:class:`~textual.widgets.Static`, and that Static is given the height of the longest
insights it was given at this width: a range key then only changes the text, and
Textual repaints it and lays out nothing. Shorter insights end in blank lines, which
scrolling never reaches (it stops at the text's last line); nothing is ever cut,
since the box scrolls (its scrollbar shows there is more, and ``i`` in Trends gives it
the whole screen). Given the whole
screen (:meth:`InsightsView.fit`), the text is as tall as the one shown instead, so
scrolling to its end shows its last line, not blank ones: a range key then lays the
screen out again, which matters less with no chart to draw.

Texts are named by a key (a range, say) and kept until :meth:`InsightsView.forget`:
:meth:`InsightsView.prepare` reserves the lines of a text before it is shown (the
Trends warm-up prepares every range), so the height is settled before a key asks for
one; :meth:`InsightsView.show` shows one. A change of width wraps them all again.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

Paragraphs = tuple[tuple[str, Content], ...]
"""Insights as (kind, text) paragraphs: kind "title", "plain", "heading" or "item"."""

ITEM_INDENT = 2
"""Columns an item (and each of its wrapped lines) is indented by."""


def wrap_paragraphs(paragraphs: Iterable[tuple[str, Content]], width: int) -> list[Content]:
    """The lines of ``paragraphs`` at ``width`` columns: items indented by
    :data:`ITEM_INDENT` on every line they wrap to, a blank line before each heading
    (but the first paragraph), long words folded rather than cut."""
    lines: list[Content] = []
    for kind, content in paragraphs:
        if kind == "heading" and lines:
            lines.append(Content(""))
        indent = ITEM_INDENT if kind == "item" else 0
        wrapped = content.wrap(max(1, width - indent), overflow="fold") or [Content("")]
        lines.extend(line.pad_left(indent) if indent else line for line in wrapped)
    return lines


class InsightsView(VerticalScroll):
    """A scrollable box showing one text of insights at a time, at a kept height."""

    DEFAULT_CSS = """
    InsightsView {
        scrollbar-gutter: stable;
    }
    InsightsView > .insights-text {
        width: 1fr;
        height: 0;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._given: dict[Hashable, Paragraphs] = {}
        self._wrapped: dict[Hashable, tuple[Content, str, int]] = {}
        """Per key, at :attr:`_width`: the text as one Content, as plain text, its lines."""
        self._width = 0
        self._reserved = 0
        self._fit = False
        self._key: Hashable | None = None
        self.text = ""
        """The text shown, plain (wrapped lines joined by newlines; tests read it)."""

    def compose(self):
        yield Static(classes="insights-text")

    @property
    def reserved(self) -> int:
        """The height of the text, in lines: the longest text given, at this width."""
        return self._reserved

    @property
    def lines(self) -> int:
        """How many lines the text shown takes (at most :attr:`reserved`)."""
        found = self._wrapped.get(self._key)
        return found[2] if found is not None else 0

    @property
    def max_scroll_y(self) -> int:
        """Scrolling stops at the last line of the text shown, never in the blank
        lines under a shorter text (Textual clamps every scroll, by key, wheel or bar,
        to this public property)."""
        room = self.scrollable_content_region.height
        return max(0, min(super().max_scroll_y, self.lines - room))

    def prepare(self, key: Hashable, paragraphs: Paragraphs) -> None:
        """Keep text ``key`` and reserve its lines, without showing it."""
        self._given[key] = paragraphs
        self._reserve()

    def show(self, key: Hashable, paragraphs: Paragraphs) -> None:
        """Show text ``key`` (kept, and its lines reserved, as :meth:`prepare` does),
        scrolled to its top."""
        self.prepare(key, paragraphs)
        self._key = key
        self._draw()
        self.scroll_home(animate=False)

    def fit(self, on: bool) -> None:
        """``True``: the text as tall as the one shown (the box has the whole screen);
        ``False``: as tall as the longest kept, so that showing another changes no size."""
        self._fit = on
        self._set_height()

    def forget(self) -> None:
        """Drop every text kept (the data behind them changed); the next one shown
        sets the height again."""
        self._given.clear()
        self._wrapped.clear()
        self._key = None
        self._reserved = 0

    def _wrap(self, key: Hashable) -> tuple[Content, str, int] | None:
        if self._width <= 0:
            return None
        found = self._wrapped.get(key)
        if found is None:
            lines = wrap_paragraphs(self._given[key], self._width)
            found = (
                Content("\n").join(lines),
                "\n".join(line.plain.rstrip() for line in lines),
                len(lines),
            )
            self._wrapped[key] = found
        return found

    def _reserve(self) -> None:
        """Make the text as tall as the longest one kept (a layout only if it grows)."""
        needed = 0
        for key in self._given:
            found = self._wrap(key)
            if found is not None:
                needed = max(needed, found[2])
        if needed != self._reserved:
            self._reserved = needed
            self._set_height()

    def _set_height(self) -> None:
        """The text's height: :attr:`reserved`, or the lines shown when fitting
        (a new layout only when it changes)."""
        rows = self.lines if self._fit else self._reserved
        text = self.query_one(".insights-text", Static)
        if text.styles.height is None or text.styles.height.cells != rows:
            text.styles.height = rows

    def _draw(self) -> None:
        found = self._wrap(self._key) if self._key is not None else None
        content, self.text = (found[0], found[1]) if found is not None else (Content(""), "")
        # The height is the reserved one, whatever this text's: no new layout.
        self.query_one(".insights-text", Static).update(content, layout=False)
        if self._fit:
            self._set_height()

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._width = width
            self._wrapped.clear()
            self._reserve()
            self._draw()
