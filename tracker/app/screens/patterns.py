"""Patterns: what went together, person by person, and urge-cued practice.

Opened from Trends with ``8``, for the range Trends shows; ``w m 9 y a`` change the
range here too (and Trends keeps the range chosen), ``escape``, ``8`` or ``g`` go
back to the charts. The body scrolls with the arrow and page keys.

Data: read in a worker thread on a read-only connection of its own
(:meth:`tracker.store.Store.open_read_only`), one range at a time, and computed
there (:func:`tracker.patterns.patterns`); the screen only lays out the paragraphs.
Each range's paragraphs are kept until something is written or the day changes,
so coming back to a range shows it at once. Until a range is in, the screen says
it is reading and keeps what it showed before.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from tracker import clock
from tracker.app.screens.base import SectionScreen
from tracker.app.screens.trends import RANGE_WORDS, RANGES, range_bindings
from tracker.app.widgets.navbar import NavBar
from tracker.store import errors

READING = "Reading your check-ins ..."
PATTERNS_KEY = "8"
"""The key that opens this screen from Trends, and closes it again."""

Paragraphs = tuple[tuple[str, Content], ...]


@dataclass(frozen=True)
class PatternsText:
    """One range's patterns, laid out as paragraphs to show."""

    since: dt.date
    until: dt.date
    days_checked: int
    paragraphs: Paragraphs


def _short(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def bounds(first_day: str | None, today: dt.date, range_key: str) -> tuple[dt.date, dt.date]:
    """The days of a range as Trends counts them (everything: from the first check-in)."""
    days = RANGES[range_key]
    if days is None:
        first = dt.date.fromisoformat(first_day) if first_day else today
        return min(first, today), today
    return today - dt.timedelta(days=days - 1), today


def _content(kind: str, text: str) -> Content:
    """A paragraph: headings bold (our words), people's lines bold too (their names
    are user text, so never read as markup)."""
    if kind in ("heading", "subheading"):
        return Content(text).stylize("bold")
    if kind == "plain":
        return Content(text).stylize("dim")
    return Content(text)


def _paragraph(kind: str, content: Content) -> Widget:
    """A paragraph's widget: an item hangs under its bullet, so each one's start shows."""
    if kind != "item":
        return Static(content, classes=kind)
    return Horizontal(Static("•", classes="bullet"), Static(content), classes="item")


def load_patterns(path: str | os.PathLike[str], today: dt.date, range_key: str) -> PatternsText:
    """Read and compute one range's patterns, on a read-only connection of this thread."""
    from tracker import patterns
    from tracker.store import Store

    with Store.open_read_only(path) as store:
        since, until = bounds(store.first_checkin_day(), today, range_key)
        facts = store.pattern_facts(since.isoformat(), until.isoformat())
    found = patterns.patterns(facts, today)
    return PatternsText(
        since,
        until,
        found.days_checked,
        tuple((kind, _content(kind, text)) for kind, text in found.paragraphs()),
    )


class PatternsBody(VerticalScroll, inherit_bindings=False):
    """The paragraphs; the arrow, page, home and end keys scroll them."""

    BINDINGS = [
        b
        for b in VerticalScroll.BINDINGS
        if isinstance(b, Binding) and b.key in ("up", "down", "pageup", "pagedown", "home", "end")
    ]


class PatternsScreen(SectionScreen):
    """What went together over a range, opened from Trends."""

    BINDINGS = [
        *range_bindings("patterns", "Patterns over"),
        Binding(
            "escape",
            "back",
            "Charts",
            id="patterns-back",
            tooltip="Back to the charts of Trends (the range chosen here stays)",
        ),
        Binding(
            f"{PATTERNS_KEY},g",
            "back",
            "Charts",
            id="patterns-back-8",
            show=False,
            tooltip="Back to the charts of Trends (g, the Trends key, too)",
        ),
    ]

    @dataclass
    class Loaded(Message):
        """The worker computed one range's patterns (for ``key``: range, day, token)."""

        text: PatternsText
        key: tuple[object, ...]

    @dataclass
    class Failed(Message):
        """The worker could not read the data; ``words`` says why, in one line."""

        words: str

    def __init__(self, range_key: str = "m") -> None:
        super().__init__()
        self.range_key = range_key if range_key in RANGES else "m"
        """The range shown: a key of :data:`~tracker.app.screens.trends.RANGES`."""
        self._kept: dict[tuple[object, ...], PatternsText] = {}
        self._token: tuple[object, ...] | None = None
        self._loading: tuple[object, ...] | None = None
        self._shown: PatternsText | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("trends")
        yield Static(id="patterns-heading")
        yield PatternsBody(id="patterns-body")
        yield Footer(compact=True, id="patterns-footer")

    def on_mount(self) -> None:
        self.query_one(PatternsBody).focus()
        super().on_mount()

    # -- data --

    def refresh_data(self) -> None:
        """Show the range: at once when it is kept, else read it in the worker."""
        self.title = "Patterns"
        self.sub_title = RANGE_WORDS[self.range_key]
        token = (clock.today(), *self.store.change_token())
        if token != self._token:
            self._kept.clear()  # something was written, or the day changed
            self._token = token
        key = (self.range_key, *token)
        kept = self._kept.get(key)
        if kept is not None:
            self._show(kept)
            return
        if key != self._loading:
            self._loading = key
            self._load(self.store.path, clock.today(), self.range_key, key)
        self._heading(reading=True)

    @work(thread=True, exclusive=True, group="patterns-data")
    def _load(
        self, path: os.PathLike[str], today: dt.date, range_key: str, key: tuple[object, ...]
    ) -> None:
        worker = get_current_worker()
        try:
            text = load_patterns(path, today, range_key)
        except errors.Error as exc:
            self.post_message(self.Failed(" ".join(str(exc).split()) or type(exc).__name__))
            return
        except OSError as exc:
            self.post_message(self.Failed(" ".join(str(exc).split()) or type(exc).__name__))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(text, key))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.key != self._loading:
            return  # overtaken by another range or a newer write
        self._loading = None
        self._kept[message.key] = message.text
        self._show(message.text)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self._loading = None
        self.query_one("#patterns-heading", Static).update(
            Content(f"Patterns could not be read: {message.words}")
        )

    @property
    def is_loaded(self) -> bool:
        """Whether the range shown is in (no read under way)."""
        return self._loading is None and self._shown is not None

    @property
    def text(self) -> str:
        """The paragraphs shown, as plain text (items indented by two spaces)."""
        if self._shown is None:
            return ""
        return "\n".join(
            ("  " if kind == "item" else "") + content.plain
            for kind, content in self._shown.paragraphs
        )

    # -- drawing --

    def _heading(self, reading: bool = False) -> None:
        words = RANGE_WORDS[self.range_key]
        shown = self._shown
        if reading or shown is None:
            line = Content.assemble(("Patterns", "bold"), f" · {words} · {READING}")
        else:
            line = Content.assemble(
                ("Patterns", "bold"),
                f" · {words} · {_short(shown.since)} to {_short(shown.until)} · "
                f"{shown.days_checked:,} days with a check-in",
            )
        self.query_one("#patterns-heading", Static).update(line)

    def _show(self, text: PatternsText) -> None:
        changed = text is not self._shown
        self._shown = text
        self._heading()
        if not changed:
            return
        body = self.query_one(PatternsBody)
        body.remove_children()
        body.mount_all([_paragraph(kind, content) for kind, content in text.paragraphs])
        body.scroll_home(animate=False)

    # -- actions --

    def action_range(self, key: str) -> None:
        if key in RANGES and key != self.range_key:
            self.range_key = key
            self.refresh_data()

    def action_back(self) -> None:
        self.dismiss(self.range_key)
