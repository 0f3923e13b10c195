"""One chart widget: the only place the app turns a chart description into cells.

It receives a plain chart description from :mod:`tracker.charts` (no SQL, no
records) and draws it at its own size with :func:`tracker.charts.render`, which
uses plotext for time charts. Swapping the backend (textual-plotext, another
library) means changing this file and ``charts.py`` only.

Colours come from :mod:`tracker.palette`, drawn for the kind of background the
current theme has (dark or light; the chart is drawn again when the theme changes);
with ``NO_COLOR`` Textual drops them and the characters (points, lines, ``x`` and
``+`` marks, digits) carry the meaning.

Height: by default a chart is drawn at the widget's own size. Given ``room`` (a
function returning the rows the screen can give the chart), charts are drawn for
that many rows and the widget then takes only the rows a time chart uses (a text
chart such as the calendar keeps the whole room and scrolls), so nothing below a
chart is left blank.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.ansi import AnsiDecoder
from rich.style import Style
from rich.text import Span, Text
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tracker import charts
from tracker.app.widgets.shades import background_of, follow_theme


_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_RICH_DROPS = "\r\x07\x08\x0b\x0c"  # rich removes these (and text before a \r): its way
_after_sgr: dict[tuple[Style, str], Style] = {}


def _next_style(style: Style, sgr: str) -> Style:
    """The style after one SGR sequence, as rich's decoder computes it (cached)."""
    key = (style, sgr)
    found = _after_sgr.get(key)
    if found is None:
        decoder = AnsiDecoder()
        decoder.style = style
        decoder.decode_line(f"\x1b[{sgr}m")
        found = _after_sgr[key] = decoder.style
    return found


def ansi_to_text(text: str) -> Text:
    """``Text.from_ansi(text, no_wrap=True, end="")`` for the SGR-only text charts are.

    The same spans and styles (rich's own decoder works out each style change, once),
    in one pass over the whole text rather than rich's per-line tokenizer, which
    took about a fifth of a chart switch (benchmarks/chart_switch.py). Any other
    escape sequence, or a control character rich drops, sends the text to rich.
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
            if style:  # a line break is never styled: rich joins lines with a plain one
                for part in chunk.split("\n"):
                    if part:
                        spans.append(Span(pos, pos + len(part), style))
                    pos += len(part) + 1
                pos -= 1
            else:
                pos += len(chunk)
        style = _next_style(style, match.group(1))
        last = match.end()
    if last < len(text):
        chunk = text[last:]
        plain.append(chunk)
        if style:
            for part in chunk.split("\n"):
                if part:
                    spans.append(Span(pos, pos + len(part), style))
                pos += len(part) + 1
    return Text("".join(plain), spans=spans, no_wrap=True, end="")


class ChartView(VerticalScroll):
    """A scrollable area showing one chart, redrawn when it is resized."""

    DEFAULT_CSS = """
    ChartView {
        height: 1fr;
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;
    }
    ChartView > .chart-text {
        width: 1fr;
        height: auto;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None,
                 room: Callable[[], int] | None = None):
        super().__init__(id=id, classes=classes)
        self._room = room
        self._chart: charts.Chart | None = None
        self._message = ""
        self._drawn_key: tuple[object, ...] | None = None
        # (id(chart), width, height, background) -> (chart, text, renderable); the
        # chart is kept so a reused id can never return another chart's drawing.
        self._rendered: dict[tuple[int, int, int, str], tuple[object, str, Content]] = {}
        self._lines = 0
        self.text = ""
        """The last text drawn, without colour codes (tests and benchmarks read it)."""

    def compose(self):
        yield Static(classes="chart-text")

    def on_mount(self) -> None:
        follow_theme(self, self._theme_changed)

    def _theme_changed(self) -> None:
        self._drawn_key = None
        self.draw()

    @property
    def chart(self) -> charts.Chart | None:
        return self._chart

    def show(self, chart: charts.Chart | None, message: str = "") -> None:
        """Show ``chart`` (or ``message`` when there is none) and draw it now."""
        self._chart = chart
        self._message = message
        self._drawn_key = None
        self.draw()
        if self.scroll_y:
            self.scroll_home(animate=False)

    def _content_size(self) -> tuple[int, int]:
        size = self.scrollable_content_region.size
        if self._room is not None:
            room = self._room()
            if room > 0:
                return size.width, room
        return size.width, size.height

    def _rendered_for(self, chart: charts.Chart, width: int, height: int) -> tuple[str, Content]:
        background = background_of(self.app)
        key = (id(chart), width, height, background)
        found = self._rendered.get(key)
        if found is not None and found[0] is chart:
            return found[1], found[2]
        text = charts.render(chart, width, height, color=True, background=background)
        # Converted to Textual's Content once, here, so showing it again is cheap.
        renderable = Content.from_rich_text(ansi_to_text(text), console=self.app.console)
        if len(self._rendered) > 80:
            self._rendered.clear()
        self._rendered[key] = (chart, text, renderable)
        return text, renderable

    def prepare(self, chart: charts.Chart) -> None:
        """Render ``chart`` at the current size into the cache, without showing it."""
        width, height = self._content_size()
        if width > 0 and height > 0:
            self._rendered_for(chart, width, height)

    def draw(self) -> None:
        """Draw at the current size; does nothing when nothing changed."""
        width, height = self._content_size()
        if width <= 0 or height <= 0:
            return
        key = (id(self._chart), self._message, width, height, background_of(self.app))
        if key == self._drawn_key:
            return
        self._drawn_key = key
        if self._chart is None:
            text, renderable = self._message, Content(self._message)
        else:
            text, renderable = self._rendered_for(self._chart, width, height)
        lines = text.count("\n") + 1
        self.text = charts.strip_ansi(text)
        # A new layout only when the chart's height changes (calendar, experiments):
        # switching between time charts then repaints the widget and nothing else.
        self.query_one(".chart-text", Static).update(renderable, layout=lines != self._lines)
        self._lines = lines
        if self._room is not None:
            fits = self._chart is None or isinstance(self._chart, charts.TimeChart)
            rows = min(lines, height) if fits else height
            if self.styles.height is None or self.styles.height.value != rows:
                self.styles.height = rows

    def forget(self) -> None:
        """Drop drawn charts (call when the data behind them changed)."""
        self._rendered.clear()
        self._drawn_key = None

    def on_resize(self) -> None:
        self.draw()
