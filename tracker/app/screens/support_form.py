"""Add or edit one support entry: a person, a crisis line, a professional."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from tracker import clock
from tracker.app.screens.record_form import FieldInput, RecordForm
from tracker.app.widgets.keypick import KeyPick, PickOption
from tracker.models import SUPPORT_KINDS, Support

KIND_OPTIONS = [PickOption(str(n), kind, kind) for n, kind in enumerate(SUPPORT_KINDS, start=1)]


class SupportForm(RecordForm[Support]):
    """Name, kind (one digit), how to reach them, a note."""

    HELP_EXTRA_KEYS = [
        ("1-4", "Kind: person, crisis line, professional, other (enter keeps it)"),
        ("enter", "Next field; in the last field, save"),
    ]
    FIELD_LABELS = {"name": "Name", "kind": "Kind", "how_to_reach": "How to reach", "note": "Note"}
    FIELD_NEEDS = {"name": "write a name, or the name of a line", "kind": "press 1, 2, 3 or 4"}
    HINT = (
        "Only what you write here is shown. For a crisis line, look up the one for "
        "where you live and copy its number exactly. [b]ctrl+s[/b] saves."
    )

    def __init__(self, existing: Support | None = None, position: int = 0) -> None:
        super().__init__()
        self.existing = existing
        self.position = position

    def compose_fields(self) -> ComposeResult:
        ex = self.existing
        yield Vertical(
            Static("Name", classes="rf-label"),
            FieldInput(
                ex.name if ex else "",
                id="name",
                max_length=120,
                placeholder="e.g. Sam, or the name of a crisis line",
            ),
            classes="rf-field",
        )
        yield KeyPick(
            "Kind", KIND_OPTIONS, ex.kind if ex else "person", id="kind", enter_advances=True
        )
        yield Vertical(
            Static("How to reach them", classes="rf-label"),
            FieldInput(
                (ex.how_to_reach or "") if ex else "",
                id="how_to_reach",
                placeholder="phone, text, chat, hours",
            ),
            classes="rf-field",
        )
        yield Vertical(
            Static("Note (optional)", classes="rf-label"),
            FieldInput(
                (ex.note or "") if ex else "",
                id="note",
                submits=True,
                placeholder="e.g. good for late nights",
            ),
            classes="rf-field",
        )

    def on_mount(self) -> None:
        self.title = "Edit support" if self.existing else "Add support"

    def first_focus(self):
        return self.query_one("#name", Input)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.prevent_default()  # instead of RecordForm's handler
        self.action_save()  # enter in the last field (the others move on by themselves)

    def build(self) -> Support:
        data: dict[str, Any] = {
            "name": self.query_one("#name", Input).value.strip(),
            "kind": self.query_one("#kind", KeyPick).value,
            "how_to_reach": self.query_one("#how_to_reach", Input).value.strip(),
            "note": self.query_one("#note", Input).value.strip(),
            "position": self.position,
        }
        ex = self.existing
        if ex is not None:
            data.update(
                id=ex.id, created_at=ex.created_at, updated_at=clock.now_iso(), position=ex.position
            )
        return Support.create(data)
