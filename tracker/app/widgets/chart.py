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

from collections.abc import Callable

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tracker import charts
from tracker.app.runtime.ansi import ansi_to_text
from tracker.app.widgets.shades import background_of, follow_theme


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

    def __init__(
        self,
        *,
        id: str | None = None,
        classes: str | None = None,
        room: Callable[[], int] | None = None,
    ):
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
