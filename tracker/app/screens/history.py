"""History: every check-in, newest first, with a filter; edit, delete, undo.

The filter line takes words (found in needs and notes) and ``emotion:``,
``person:`` and ``tag:`` terms, e.g. ``emotion:anxious person:Sam call``. A name
with spaces goes in quotes: ``person:"Aunt May"``. The newest rows are shown first
(:data:`PAGE` at a time, ``m`` shows more), which keeps even ten years quick.
"""

from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Static

from tracker import clock
from tracker.app.screens.base import SectionScreen
from tracker.app.screens.bring import bring_states
from tracker.app.screens.checkin import CheckInScreen
from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.widgets.navbar import NavBar
from tracker.models import MOOD, CheckIn
from tracker.text import one_line

PAGE = 500
"""Rows shown at first, and added by each 'more'."""

FILTER_HELP = "/ filter: words  emotion:anxious  person:Sam  tag:work"

_TERMS = {
    "emotion": "emotion",
    "emotions": "emotion",
    "feeling": "emotion",
    "person": "person",
    "people": "person",
    "with": "person",
    "who": "person",
    "tag": "tag",
    "tags": "tag",
}

# Widths of the fixed columns; emotions and need / note share what is left.
_COLUMNS = (
    ("Day", 10),
    ("Time", 5),
    ("Mood", 7),
    ("Reg", 3),
    ("Int", 3),
    ("Pur", 3),
    ("Wdr", 3),
    ("Pau", 3),
)
_MIN_EMOTIONS, _MAX_EMOTIONS = 8, 30
_MIN_NOTE = 11
ACTED_MARK = "*"
"""After an urge's rating: the check-in said it was acted on."""


@dataclass(frozen=True)
class Filter:
    """What the filter line asks for."""

    text: str | None = None
    emotion: str | None = None
    person: str | None = None
    tag: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.text or self.emotion or self.person or self.tag)

    def words(self) -> str:
        parts = []
        if self.emotion:
            parts.append(f"emotion {self.emotion}")
        if self.person:
            parts.append(f"person {self.person}")
        if self.tag:
            parts.append(f"tag {self.tag}")
        if self.text:
            parts.append(f"words '{self.text}'")
        return ", ".join(parts)


def parse_filter(line: str) -> Filter:
    """``emotion:anxious person:"Aunt May" tag:work some words`` -> a Filter.

    Unknown ``x:y`` terms are taken as words; if a term is given twice, the last wins.
    """
    try:
        tokens = shlex.split(line)
    except ValueError:  # an unfinished quote while typing
        tokens = line.replace('"', "").replace("'", "").split()
    found: dict[str, str] = {}
    words: list[str] = []
    for token in tokens:
        key, sep, value = token.partition(":")
        term = _TERMS.get(key.lower()) if sep else None
        if term and value.strip():
            found[term] = " ".join(value.split())
        elif term:
            continue  # "emotion:" still being typed
        else:
            words.append(token)
    return Filter(text=" ".join(words) or None, **found)


def _clipped(text: str) -> Text:
    """Text for a column of fixed width: the whole text on one line, which the table
    cuts with "…" where the column ends (so a wider terminal shows more of it)."""
    return Text(one_line(text), no_wrap=True, overflow="ellipsis")


def _excerpt(checkin: CheckIn) -> str:
    if checkin.need and checkin.note:
        return f"needed: {checkin.need} · {checkin.note}"
    if checkin.need:
        return f"needed: {checkin.need}"
    return checkin.note or ""


def _with_bring(mark: str | None, excerpt: str) -> str:
    return f"{mark} · {excerpt}" if mark and excerpt else mark or excerpt


def _short_day(day: str) -> str:
    d = dt.date.fromisoformat(day)
    return f"{d:%a} {d.day} {d:%b %Y}"


def _value(number: int | None) -> Text:
    return Text(
        "·" if number is None else str(number),
        justify="center",
        style="dim" if number is None else "",
    )


def _urge(number: int | None, acted: int | None) -> Text:
    """An urge's rating, with ``*`` when it was acted on (``3*``)."""
    if number is None:
        return _value(None)
    text = Text(f" {number}", justify="left")
    if acted:
        text.append(ACTED_MARK, style="bold")
    return text


def _paused(paused: int | None) -> Text:
    """yes / no, or ``–`` for no hard moment (or not answered)."""
    if paused is None:
        return Text("–", justify="center", style="dim")
    return Text("yes" if paused else "no", style="bold" if paused else "")


class HistoryTable(DataTable, inherit_bindings=False):
    """The check-ins table; ``enter`` is left to the screen (it edits the row)."""

    # home / end jump to the newest / oldest row shown (DataTable's own home / end
    # scroll sideways, which a table that always fits its width never needs).
    BINDINGS = [
        b
        for b in DataTable.BINDINGS
        if not (isinstance(b, Binding) and b.key in ("enter", "home", "end"))
    ] + [
        Binding("home", "scroll_top", "Newest", show=False),
        Binding("end", "scroll_bottom", "Oldest shown", show=False),
    ]


class HistoryScreen(SectionScreen):
    """Every check-in, newest first."""

    BINDINGS = [
        Binding(
            "slash",
            "focus_filter",
            "Filter",
            id="history-filter",
            tooltip="Filter by words, emotion:, person: or tag:",
        ),
        Binding(
            "enter",
            "edit",
            "Edit",
            id="history-edit",
            tooltip="Open the selected check-in on its card",
        ),
        Binding(
            "d",
            "delete",
            "Delete",
            id="history-delete",
            tooltip="Delete the selected check-in (asks first; u brings it back)",
        ),
        Binding(
            "u",
            "undo",
            "Undo delete",
            id="history-undo",
            tooltip="Bring back the check-in deleted last",
        ),
        Binding(
            "m", "more", "More", id="history-more", tooltip=f"Show {PAGE} more older check-ins"
        ),
        Binding(
            "b",
            "bring",
            "Bring",
            id="history-bring",
            tooltip="Mark the selected check-in to bring to your next session "
            "(again: take the mark off)",
        ),
        Binding(
            "w",
            "words",
            "Words",
            id="history-words",
            tooltip="Emotions, people and tags: rename, merge or hide them",
        ),
        Binding(
            "escape",
            "clear_filter",
            "Clear filter",
            id="history-clear-filter",
            tooltip="Clear the filter and go back to the table",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = Filter()
        self.limit = PAGE
        self.has_more = False
        self.total = 0
        self.deleted: list[CheckIn] = []
        """Deleted check-ins, last one last (``u`` brings them back in turn)."""
        self._rows: list[CheckIn] = []
        self._bring: dict[str, str] = {}
        """Check-in id -> its bring mark in words ("◆ to bring", "✓ brought 19 Nov")."""
        self._filter_timer: Timer | None = None
        self._widths: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("history")
        yield Input(placeholder=FILTER_HELP, id="history-filter")
        yield Static(id="history-status")
        yield HistoryTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.title = "History"
        self.sub_title = ""
        self._setup_columns()
        self.table.focus()
        # SectionScreen.on_mount (called next by Textual) loads the rows.

    @property
    def table(self) -> HistoryTable:
        return self.query_one(HistoryTable)

    # -- columns --

    def _text_widths(self) -> tuple[int, int]:
        """Widths of the emotions and need / note columns at the current size."""
        fixed = sum(width + 2 for _, width in _COLUMNS)  # 1 cell padding on each side
        # the screen, minus the table's margins, the scrollbar and two paddings
        free = max(_MIN_EMOTIONS + _MIN_NOTE, self.app.size.width - 2 - 2 - fixed - 4)
        emotions = max(_MIN_EMOTIONS, min(_MAX_EMOTIONS, free * 35 // 100))
        return emotions, max(_MIN_NOTE, free - emotions)

    def _setup_columns(self) -> None:
        table = self.table
        table.clear(columns=True)
        for label, width in _COLUMNS:
            table.add_column(label, width=width, key=label.lower())
        self._widths = self._text_widths()
        table.add_column("Emotions", width=self._widths[0], key="emotions")
        table.add_column("Need / note", width=self._widths[1], key="note")

    def on_resize(self) -> None:
        if self._widths and self._text_widths() != self._widths:
            self._setup_columns()
            self.refresh_data()

    # -- data --

    def refresh_data(self) -> None:
        store = self.store
        f = self.filter
        rows = store.checkins(
            text=f.text, emotion=f.emotion, person=f.person, tag=f.tag, limit=self.limit + 1
        )
        self.has_more = len(rows) > self.limit
        self._rows = rows[: self.limit]
        self._bring = bring_states(store, "checkin")
        self.total = store.checkin_count()
        self._fill_table()
        self._show_status()
        self.refresh_bindings()

    def _fill_table(self) -> None:
        table = self.table
        keep = self._selected_id()
        index = table.cursor_row
        table.clear()
        table.add_rows(
            [
                (
                    c.day,
                    c.created_at[11:16],
                    Text(f"{c.mood} {MOOD.label(c.mood)}"),
                    _value(c.regulation),
                    _value(c.intensity),
                    _urge(c.pursue, c.pursue_acted),
                    _urge(c.withdraw, c.withdraw_acted),
                    _paused(c.paused),
                    _clipped(", ".join(c.emotions)),
                    _clipped(_with_bring(self._bring.get(c.id), _excerpt(c))),
                )
                for c in self._rows
            ],
        )
        # add_rows gives generated keys; remember ids by position instead.
        if not self._rows:
            return
        ids = [c.id for c in self._rows]
        target = ids.index(keep) if keep in ids else min(max(index, 0), len(ids) - 1)
        table.move_cursor(row=target, animate=False)

    def _show_status(self) -> None:
        status = self.query_one("#history-status", Static)
        shown = len(self._rows)
        if self.total == 0:
            status.update("No check-ins yet. Press c to make your first one.")
            return
        if self.filter.empty:
            line = f"{self.total:,} check-in{'s' if self.total != 1 else ''}, newest first"
        elif shown == 0:
            status.update(f"Nothing matches {self.filter.words()}. Esc clears the filter.")
            return
        else:
            line = f"{shown}{'+' if self.has_more else ''} matching {self.filter.words()}"
        if self.has_more:
            line += f" · showing the newest {shown:,}, m shows more"
        line += (
            " · Reg regulation, Int intensity, Pur / Wdr urges to pursue / withdraw "
            f"({ACTED_MARK} acted on), Pau paused"
        )
        status.update(line)

    def _selected(self) -> CheckIn | None:
        table = self.table
        if not self._rows or table.row_count == 0:
            return None
        row = table.cursor_row
        if 0 <= row < len(self._rows):
            return self._rows[row]
        return None

    def _selected_id(self) -> str | None:
        selected = self._selected()
        return selected.id if selected else None

    def select_checkin(self, checkin_id: str) -> None:
        """Put the cursor on a check-in, if it is shown."""
        for index, checkin in enumerate(self._rows):
            if checkin.id == checkin_id:
                self.table.move_cursor(row=index, animate=False)
                return

    # -- filter --

    def action_focus_filter(self) -> None:
        self.query_one("#history-filter", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "history-filter":
            return
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(0.3, self._apply_filter)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "history-filter":
            return
        self._apply_filter()
        self.table.focus()

    def _apply_filter(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        wanted = parse_filter(self.query_one("#history-filter", Input).value)
        if wanted != self.filter:
            self.filter = wanted
            self.limit = PAGE
            self.refresh_data()

    def action_clear_filter(self) -> None:
        box = self.query_one("#history-filter", Input)
        box.value = ""
        self._apply_filter()
        self.table.focus()

    # -- actions --

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete", "bring"):
            return self._selected() is not None
        if action == "undo":
            return bool(self.deleted)
        if action == "more":
            return self.has_more
        if action == "clear_filter":
            return not self.filter.empty or bool(self.query_one("#history-filter", Input).value)
        return True

    def action_bring(self) -> None:
        checkin = self._selected()
        if checkin is None:
            return
        marked = self.store.toggle_bring("checkin", checkin.id)
        self.refresh_data()
        self.select_checkin(checkin.id)
        self.notify(
            "Marked to bring to your next session." if marked else "No longer marked to bring.",
            timeout=4,
        )

    def action_words(self) -> None:
        """Open the words: emotions, people and tags (the table reads them again on return)."""
        from tracker.app.screens.words import WordsScreen

        self.app.push_screen(WordsScreen())

    def action_more(self) -> None:
        if self.has_more:
            self.limit += PAGE
            self.refresh_data()

    def action_edit(self) -> None:
        checkin = self._selected()
        if checkin is None:
            return

        def edited(saved: CheckIn | None) -> None:
            self.refresh_data()
            if saved is not None:
                self.select_checkin(saved.id)

        self.app.push_screen(CheckInScreen(checkin), callback=edited)

    def action_delete(self) -> None:
        checkin = self._selected()
        if checkin is None:
            return
        when = f"{_short_day(checkin.day)}, {checkin.created_at[11:16]}"

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            removed = self.store.delete_checkin(checkin.id)
            if removed is not None:
                self.deleted.append(removed)
            self.refresh_data()
            self.notify(f"Deleted the check-in of {when}. Press u to bring it back.", timeout=6)

        self.app.push_screen(
            ConfirmDialog(
                f"Delete the check-in of {when} (mood {checkin.mood}, "
                f"{MOOD.label(checkin.mood)})?\nYou can bring it back with u.",
                yes="Delete",
                no="Keep it",
            ),
            callback=answered,
        )

    def action_undo(self) -> None:
        if not self.deleted:
            self.notify("Nothing to bring back.", timeout=3)
            return
        # Brought back now: a later moment than its deletion, so that a sync that
        # carried the deletion to another device carries this back too.
        checkin = self.deleted.pop().with_changes(updated_at=clock.now_iso())
        self.store.save_checkin(checkin)
        self.refresh_data()
        self.select_checkin(checkin.id)
        self.notify(f"Brought back the check-in of {_short_day(checkin.day)}.", timeout=4)
