"""One chart widget: the only place the app turns a chart description into cells.

It receives a chart's key and a function making its plain description from
:mod:`tracker.charts` (no SQL, no records), and draws it at its own size with
:func:`tracker.charts.render`, which uses plotext for time charts. It keeps the
drawings, by key and size, and not the descriptions. Swapping the backend (textual-plotext, another
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

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tracker import charts
from tracker.app.runtime.ansi import ansi_to_content
from tracker.app.widgets.shades import background_of, follow_theme

ChartBuilder = Callable[[], "charts.Chart | None"]
"""Makes the description of the chart to show (called only when it is not drawn yet)."""

Slot = tuple[int, int, str]
"""Where a drawing fits: the width and height it was drawn for, and the background."""


@dataclass(frozen=True, slots=True)
class Drawn:
    """A chart drawn as text, before it becomes the widget's (see :func:`draw_text`)."""

    text: str
    """With its colour codes (empty for no chart)."""
    fits: bool
    """A time chart (or no chart): the widget takes only the rows it uses."""


def draw_text(build: ChartBuilder, slot: Slot) -> Drawn:
    """Describe and draw a chart for ``slot``: plain work on plain data, so it may run
    on a worker thread (the widget is not touched)."""
    width, height, background = slot
    chart = build()
    if chart is None:
        return Drawn("", True)
    text = charts.render(chart, width, height, color=True, background=background)
    return Drawn(text, isinstance(chart, charts.TimeChart))


@dataclass(frozen=True, slots=True)
class _Drawing:
    """A chart drawn at one size: all the widget keeps of it."""

    text: str
    """Without colour codes."""
    content: Content
    lines: int
    fits: bool
    """A time chart (or a message): the widget takes only the rows it uses."""


class ChartView(VerticalScroll):
    """A scrollable area showing one chart, redrawn when it is resized.

    Charts are named by a key (what the chart depends on, such as
    :func:`tracker.app.screens.trends.chart_key`) and come with a function that makes
    their description. Drawings are cached by key and size, the ``keep`` most
    recently used; a description is made only to draw it and is not kept, so a chart
    shown again at the same size is neither described nor drawn again.
    """

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
        keep: int = 24,
    ):
        super().__init__(id=id, classes=classes)
        self._room = room
        self._keep = max(1, keep)
        self._key: Hashable | None = None
        self._build: ChartBuilder | None = None
        self._message = ""
        self._drawn_key: tuple[object, ...] | None = None
        self._rendered: dict[tuple[Hashable, int, int, str], _Drawing] = {}  # oldest use first
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

    def show(
        self, key: Hashable | None, build: ChartBuilder | None = None, message: str = ""
    ) -> None:
        """Show the chart ``key`` (made by ``build`` unless it is drawn at this size
        already), or ``message`` when ``key`` is ``None``; draw it now."""
        self._key = key
        self._build = build if key is not None else None
        self._message = message
        self._drawn_key = None
        self.draw()
        if self.scroll_y:
            self.scroll_home(animate=False)

    @property
    def kept(self) -> int:
        """How many drawings are kept (at most ``keep``)."""
        return len(self._rendered)

    def has(self, key: Hashable) -> bool:
        """Whether chart ``key`` is drawn at the current size."""
        width, height = self._content_size()
        return (key, width, height, background_of(self.app)) in self._rendered

    def slot(self) -> Slot | None:
        """The size and background a drawing is made for now (``None``: no size yet)."""
        width, height = self._content_size()
        if width <= 0 or height <= 0:
            return None
        return width, height, background_of(self.app)

    def keep_drawn(self, key: Hashable, slot: Slot, drawn: Drawn) -> None:
        """Keep a chart drawn elsewhere (:func:`draw_text` on a worker thread), unless
        one is kept for that key and slot already."""
        if (key, *slot) not in self._rendered:
            self._store((key, *slot), drawn)

    def prepare(self, key: Hashable, build: ChartBuilder) -> bool:
        """Draw chart ``key`` at the current size into the cache, without showing it;
        ``False`` when the widget has no size yet (nothing was drawn)."""
        width, height = self._content_size()
        if width <= 0 or height <= 0:
            return False
        self._drawing(key, build, width, height)
        return True

    def _content_size(self) -> tuple[int, int]:
        size = self.scrollable_content_region.size
        if self._room is not None:
            room = self._room()
            if room > 0:
                return size.width, room
        return size.width, size.height

    def _drawing(self, key: Hashable, build: ChartBuilder, width: int, height: int) -> _Drawing:
        slot: Slot = (width, height, background_of(self.app))
        found = self._rendered.pop((key, *slot), None)
        if found is not None:
            self._rendered[(key, *slot)] = found  # now the most recently used
            return found
        return self._store((key, *slot), draw_text(build, slot))

    def _store(self, place: tuple[Hashable, int, int, str], drawn: Drawn) -> _Drawing:
        # Converted to Textual's Content once, here, so showing it again is cheap.
        content = ansi_to_content(drawn.text, self.app.ansi_theme)
        plain = charts.strip_ansi(drawn.text)
        drawing = _Drawing(
            content.plain if content.plain == plain else plain,
            content,
            drawn.text.count("\n") + 1,
            drawn.fits,
        )
        while len(self._rendered) >= self._keep:
            del self._rendered[next(iter(self._rendered))]  # the least recently used
        self._rendered[place] = drawing
        return drawing

    def draw(self) -> None:
        """Draw at the current size; does nothing when nothing changed."""
        width, height = self._content_size()
        if width <= 0 or height <= 0:
            return
        key = (self._key, self._message, width, height, background_of(self.app))
        if key == self._drawn_key:
            return
        self._drawn_key = key
        if self._key is None or self._build is None:
            drawing = _Drawing(
                self._message, Content(self._message), self._message.count("\n") + 1, True
            )
        else:
            drawing = self._drawing(self._key, self._build, width, height)
        self.text = drawing.text
        # A new layout only when the chart's height changes (calendar, experiments):
        # switching between time charts then repaints the widget and nothing else.
        self.query_one(".chart-text", Static).update(
            drawing.content, layout=drawing.lines != self._lines
        )
        self._lines = drawing.lines
        if self._room is not None:
            rows = min(drawing.lines, height) if drawing.fits else height
            if self.styles.height is None or self.styles.height.value != rows:
                self.styles.height = rows

    def forget(self) -> None:
        """Drop drawn charts (call when the data behind them changed)."""
        self._rendered.clear()
        self._drawn_key = None

    def on_resize(self) -> None:
        self.draw()
