"""Text with ANSI colour codes to a Rich :class:`~rich.text.Text`, quicker than Rich.

Charts are drawn as text with SGR colour codes (plotext's output, and our own text
charts). ``Text.from_ansi`` reads them with a tokenizer per line, which took about
a fifth of a chart switch (``benchmarks/chart_switch.py``). :func:`ansi_to_text`
gives the same text and spans in one pass over the whole text.

What it relies on, checked by ``tests/app/runtime/test_ansi.py``:

- ``rich.ansi.AnsiDecoder``'s ``style`` attribute (the style in force) and
  ``decode_line``: each style change is worked out by Rich's own decoder, once per
  (style, code) pair, so the styles are Rich's exactly.
- which characters Rich's decoder drops (and that a ``\\r`` drops the text before
  it): text holding any of them, or any escape that is not an SGR code, goes to
  ``Text.from_ansi`` itself.
- that ``Text.from_ansi`` joins lines with an unstyled line break.

:func:`ansi_to_content` then makes Textual's :class:`~textual.content.Content` as
``Content.from_rich_text`` does, with one Textual style object per distinct Rich
style rather than one per span: a chart has a few colours over hundreds of spans,
and the drawings Trends keeps hold about half the memory that way.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.ansi import AnsiDecoder
from rich.style import Style
from rich.text import Span, Text
from textual.content import Content
from textual.content import Span as ContentSpan
from textual.style import Style as ContentStyle

if TYPE_CHECKING:
    from rich.terminal_theme import TerminalTheme

_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_RICH_DROPS = "\r\x07\x08\x0b\x0c"  # rich removes these (and text before a \r): its way
_after_sgr: dict[tuple[Style, str], Style] = {}


def _next_style(style: Style, sgr: str) -> Style:
    """The style after one SGR sequence, as Rich's decoder computes it (cached)."""
    key = (style, sgr)
    found = _after_sgr.get(key)
    if found is None:
        decoder = AnsiDecoder()
        decoder.style = style
        decoder.decode_line(f"\x1b[{sgr}m")
        found = _after_sgr[key] = decoder.style
    return found


def _add_spans(spans: list[Span], chunk: str, pos: int, style: Style) -> int:
    """Spans for ``chunk`` at ``pos`` in ``style``, one per line (a line break is
    never styled: Rich joins lines with a plain one); returns the position after it."""
    if not style:
        return pos + len(chunk)
    for part in chunk.split("\n"):
        if part:
            spans.append(Span(pos, pos + len(part), style))
        pos += len(part) + 1
    return pos - 1


def ansi_to_text(text: str) -> Text:
    """``Text.from_ansi(text, no_wrap=True, end="")`` for the SGR-only text charts are.

    Any other escape sequence, or a control character Rich drops, sends the text
    to Rich.
    """
    if "\x1b" in _SGR.sub("", text) or any(c in text for c in _RICH_DROPS):
        return Text.from_ansi(text, no_wrap=True, end="")
    plain: list[str] = []
    spans: list[Span] = []
    style = Style.null()
    pos = last = 0
    for match in _SGR.finditer(text):
        start = match.start()
        if start > last:
            chunk = text[last:start]
            plain.append(chunk)
            pos = _add_spans(spans, chunk, pos, style)
        style = _next_style(style, match.group(1))
        last = match.end()
    if last < len(text):
        chunk = text[last:]
        plain.append(chunk)
        _add_spans(spans, chunk, pos, style)
    return Text("".join(plain), spans=spans, no_wrap=True, end="")


def ansi_to_content(text: str, ansi_theme: TerminalTheme | None) -> Content:
    """``Content.from_rich_text(ansi_to_text(text))`` with the styles shared: each
    distinct Rich style becomes one Textual style, used by every span that has it.

    ``ansi_theme``: the app's ``ansi_theme`` (what ``from_rich_text`` reads from the
    running app).
    """
    rich = ansi_to_text(text)
    if rich.style:
        return Content.from_rich_text(rich)
    converted: dict[Style, ContentStyle] = {}
    spans = []
    for start, end, style in rich.spans:
        if isinstance(style, str):
            return Content.from_rich_text(rich)
        found = converted.get(style)
        if found is None:
            found = converted[style] = ContentStyle.from_rich_style(style, ansi_theme)
        spans.append(ContentSpan(start, end, found))
    return Content(rich.plain, spans)
