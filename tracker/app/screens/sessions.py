"""Sessions: every therapy session, past or planned, with what was brought to each
and what is marked to bring to the next one. ``P`` opens it from anywhere, ``p``
records a session straight away."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static

from tracker import agenda, clock
from tracker.app.screens.base import OverlayScreen
from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.screens.session_form import SessionForm
from tracker.app.widgets.recordlist import RecordList
from tracker.models import Session
from tracker.text import one_line, visible
from tracker.wording import day_label

if TYPE_CHECKING:
    from tracker.store import Store

EMPTY = (
    "[b]No sessions recorded yet.[/b]\n\n"
    "Record the therapy sessions you have had, and the ones that are planned: press "
    "[b]n[/b] here, or [b]p[/b] from anywhere. A planned session can hold one line "
    "you want to talk about.\n\n"
    "In History, Ruptures and Experiments (and on the check-in card), [b]b[/b] marks "
    "something to bring to your next session. After the session's day it shows as "
    "brought to it, and [b]tracker report[/b] covers the days since."
)

KIND_WORDS = {"past": "", "today": "today", "planned": "planned"}


def session_prompt(session: Session, context: agenda.SessionContext) -> Text:
    """Two lines: the day and where it stands; the agenda, or what was brought."""
    today = context.today
    kind = session.kind(today)
    text = Text()
    text.append("○ " if kind == "planned" else "● " if kind == "today" else "✓ ", style="bold")
    when = agenda.session_when(session, today)
    text.append(when[0].upper() + when[1:], style="bold")
    if kind != "past":
        text.append(f" · {KIND_WORDS[kind]}")
    brought = context.brought.get(session.id, ())
    if session.agenda:
        text.append("\n  agenda: " + one_line(session.agenda), style="italic")
    if brought:
        text.append("\n  brought " + agenda.count_words([i.mark for i in brought]))
    elif context.next is not None and session.id == context.next.id and context.waiting:
        waiting = len(context.waiting)
        text.append(f"\n  to bring: {waiting} thing{'s' if waiting != 1 else ''}")
    return text


def detail_text(session: Session, context: agenda.SessionContext) -> Text:
    today = context.today
    text = Text()
    text.append(f"Session {agenda.session_when(session, today)}\n", style="bold")
    if session.agenda:
        text.append("\nOne thing to talk about\n", style="bold")
        text.append(visible(session.agenda) + "\n")
    if session.note:
        text.append("\nNote\n", style="bold")
        text.append(visible(session.note) + "\n")
    brought = context.brought.get(session.id, ())
    upcoming = context.next is not None and session.id == context.next.id
    items: tuple[agenda.MarkedItem, ...] = brought
    if brought:
        text.append(
            f"\nBrought to it: {agenda.count_words([i.mark for i in brought])}\n", style="bold"
        )
    elif upcoming:
        items = context.waiting
        heading = (
            f"\nMarked to bring: {agenda.count_words(context.waiting_marks)}\n"
            if items
            else "\nNothing marked to bring yet: b marks a check-in in "
            "History, a rupture or an experiment.\n"
        )
        text.append(heading, style="bold")
    for item in items:
        text.append("• ", style="bold")
        text.append(one_line(item.line(today)) + "\n")
    text.rstrip()
    return text


class SessionsScreen(OverlayScreen):
    """The sessions list; ``escape`` closes it."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("escape", "close", "Close", id="sessions-close", tooltip="Back to where you were"),
        Binding("n", "new", "New", id="sessions-new", tooltip="Record a session, past or planned"),
        Binding(
            "enter", "edit", "Edit", id="sessions-edit", tooltip="Change its day, agenda or note"
        ),
        Binding(
            "d,delete",
            "delete",
            "Delete",
            id="sessions-delete",
            tooltip="Delete it (asks first); what was marked stays marked",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._sessions: dict[str, Session] = {}
        self._view: agenda.SessionContext | None = None

    @property
    def store(self) -> Store:
        return self.app.store  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="ses-summary", classes="sec-summary")
        with Container(id="ses-body", classes="sec-body"):
            yield Static(EMPTY, id="ses-empty", classes="card sec-empty")
            yield RecordList(id="ses-list", classes="sec-list")
            with VerticalScroll(id="ses-detail", classes="sec-detail"):
                yield Static(id="ses-detail-text")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.title = "Sessions"
        self.sub_title = "past and planned"
        self.refresh_data()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    @property
    def record_list(self) -> RecordList:
        return self.query_one("#ses-list", RecordList)

    @property
    def selected(self) -> Session | None:
        record_id = self.record_list.highlighted_id
        return self._sessions.get(record_id) if record_id else None

    def refresh_data(self) -> None:
        context = agenda.session_context(self.store, clock.today())
        self._view = context
        self._sessions = {s.id: s for s in context.sessions}
        ahead = [s for s in context.sessions if s.kind(context.today) != "past"]
        behind = [s for s in reversed(context.sessions) if s.kind(context.today) == "past"]
        rows: list[tuple[str | None, Text | str]] = []
        if ahead:
            rows.append((None, Text("Coming up", style="bold dim")))
            rows += [(s.id, session_prompt(s, context)) for s in ahead]
        if behind:
            rows.append((None, Text("Past", style="bold dim")))
            rows += [(s.id, session_prompt(s, context)) for s in behind]
        listing = self.record_list
        listing.show_records(rows, keep=listing.highlighted_id)
        empty = not context.sessions
        self.query_one("#ses-empty").display = empty
        listing.display = not empty
        self.query_one("#ses-detail").display = not empty
        summary = self.query_one("#ses-summary", Static)
        summary.update(summary_words(context))
        if not empty:
            listing.focus()
        self.show_detail()

    def show_detail(self) -> None:
        session = self.selected
        self.refresh_bindings()
        box = self.query_one("#ses-detail-text", Static)
        box.update(
            "" if session is None or self._view is None else detail_text(session, self._view)
        )

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_detail()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete"):
            return self.selected is not None
        return True

    def _saved(self, session: Session | None) -> None:
        if session is None:
            return
        self.store.save_session(session)
        self.refresh_data()
        self.record_list.highlight_record(session.id)
        self.show_detail()
        self.notify(saved_words(session))

    def action_new(self) -> None:
        self.app.push_screen(SessionForm(), callback=self._saved)

    def action_edit(self) -> None:
        session = self.selected
        if session is not None:
            self.app.push_screen(SessionForm(session), callback=self._saved)

    def action_delete(self) -> None:
        session = self.selected
        if session is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.store.delete_session(session.id)
                self.refresh_data()
                self.notify("Deleted the session.")

        self.app.push_screen(
            ConfirmDialog(
                f"Delete the session of {day_label(session.day)}? What was brought to it "
                "will show as waiting for the next one.",
                yes="Delete",
                no="Keep",
            ),
            callback=answered,
        )

    def action_close(self) -> None:
        self.dismiss(None)


def summary_words(context: agenda.SessionContext) -> str:
    """ "Next: Thu 3 Dec (in 5 days) · marked to bring: 3 things: ..."."""
    upcoming = context.next
    head = (
        f"Next: {agenda.session_when(upcoming, context.today)}"
        if upcoming
        else "No session planned · n records one"
    )
    waiting = len(context.waiting)
    if waiting:
        return f"{head} · {waiting} thing{'s' if waiting != 1 else ''} marked to bring"
    return head


def saved_words(session: Session) -> str:
    kind = session.kind()
    if kind == "planned":
        return f"Planned for {day_label(session.day)}. What you mark with b comes with it."
    if kind == "today":
        return "Saved today's session."
    return f"Saved the session of {day_label(session.day)}."
