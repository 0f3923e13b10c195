"""Record a therapy session, past or planned, or change one: the day, one agenda line,
a note. The record is built through ``tracker.models``; the screen that opened the
form saves it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static, TextArea

from tracker import clock
from tracker.app.screens.record_form import FieldInput, RecordForm
from tracker.app.widgets.keyorder import OrderedTextArea
from tracker.models import MAX_AGENDA, Session

DAY_WORDS = {"today": 0, "now": 0, "": 0, "tomorrow": 1, "yesterday": -1}


def parse_session_day(text: str) -> str:
    """ "today", "tomorrow", "yesterday", "" or a date as typed (still checked by models)."""
    offset = DAY_WORDS.get(text.strip().lower())
    if offset is None:
        return text.strip()
    return (clock.today() + dt.timedelta(days=offset)).isoformat()


class SessionForm(RecordForm[Session]):
    """When (today, tomorrow, yesterday or a date), the agenda line, a note."""

    HELP_EXTRA_KEYS = [
        ("enter", "Next field (in a one-line field)"),
    ]
    FIELD_LABELS = {"day": "When", "agenda": "One thing to talk about", "note": "Note"}
    FIELD_NEEDS = {"day": "type today, tomorrow, yesterday or a date as YYYY-MM-DD"}
    HINT = (
        "A session you had, or one that is planned. The agenda is one line: the one "
        "thing you want to talk about. What you mark with [b]b[/b] comes with it. "
        "[b]ctrl+s[/b] saves."
    )

    def __init__(self, existing: Session | None = None) -> None:
        super().__init__()
        self.existing = existing

    def compose_fields(self) -> ComposeResult:
        ex = self.existing
        # Empty means today (shown as the placeholder): a field never holds text that
        # typing would have to replace, since arriving focus selects nothing.
        when = ""
        if ex is not None and ex.day != clock.today().isoformat():
            when = ex.day
        yield Vertical(
            Static("When: today, tomorrow, yesterday or YYYY-MM-DD", classes="rf-label"),
            FieldInput(when, id="day", max_length=10, placeholder="today"),
            classes="rf-field",
        )
        yield Vertical(
            Static("One thing you want to talk about (optional)", classes="rf-label"),
            FieldInput(
                (ex.agenda or "") if ex else "",
                id="agenda",
                max_length=MAX_AGENDA,
                placeholder="e.g. the quiet after dinner",
            ),
            classes="rf-field",
        )
        yield Vertical(
            Static("Note (optional): how it went, what to remember", classes="rf-label"),
            OrderedTextArea((ex.note or "") if ex else "", id="note", classes="rf-text"),
            classes="rf-field",
        )

    def on_mount(self) -> None:
        self.title = "Edit session" if self.existing else "Record a session"

    def first_focus(self):
        return self.query_one("#day", Input)

    def build(self) -> Session:
        data: dict[str, Any] = {
            "day": parse_session_day(self.query_one("#day", Input).value),
            "agenda": self.query_one("#agenda", Input).value.strip(),
            "note": self.query_one("#note", TextArea).text.strip(),
        }
        ex = self.existing
        if ex is not None:
            data.update(id=ex.id, created_at=ex.created_at, updated_at=clock.now_iso())
        return Session.create(data)
