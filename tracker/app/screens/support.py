"""Support: the person's own people and crisis lines, one key (``s``) from anywhere.

The app says plainly that it is not treatment. It ships no phone numbers: every
entry is written by the person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.widgets import Footer, Header, Static

from tracker.app.screens.base import OverlayScreen
from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.screens.support_form import SupportForm
from tracker.app.widgets.recordlist import RecordList
from tracker.models import Support

if TYPE_CHECKING:
    from tracker.store import Store

NOT_TREATMENT = (
    "[b]tracker is a place to practise, not treatment.[/b] If you are in danger, or "
    "might hurt yourself or someone else, contact your local emergency services now."
)

FIRST_RUN = (
    "[b]Nobody here yet.[/b]\n\n"
    "Add the people you can reach when things are hard, and a crisis line for your "
    "country. Press [b]n[/b] to add one: a name, what kind of support it is (one "
    "digit), and how to reach them.\n\n"
    "tracker doesn't come with phone numbers: look up the crisis line for where you "
    "live and copy its number here, so it is one key away (press [b]s[/b] anywhere, "
    "or [b]ctrl+g[/b] while you type in a form)."
)


def support_prompt(entry: Support) -> Text:
    text = Text()
    text.append(entry.name, style="bold")
    text.append(f" · {entry.kind}")
    if entry.how_to_reach:
        text.append(f"\n  {entry.how_to_reach}")
    if entry.note:
        text.append(f"\n  {entry.note}", style="italic")
    return text


class SupportScreen(OverlayScreen):
    """The person's support list. ``escape`` closes it."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="support-close", tooltip="Back to where you were"),
        Binding("n", "new", "Add", id="support-new", tooltip="Add a person or a line"),
        Binding("enter", "edit", "Edit", id="support-edit", tooltip="Edit the selected entry"),
        Binding(
            "d,delete",
            "delete",
            "Delete",
            id="support-delete",
            tooltip="Delete the selected entry (asks first)",
        ),
        Binding(
            "shift+up",
            "move(-1)",
            "Move up",
            id="support-move-up",
            show=False,
            tooltip="Move the selected entry up the list",
        ),
        Binding(
            "shift+down",
            "move(1)",
            "Move down",
            id="support-move-down",
            show=False,
            tooltip="Move the selected entry down the list",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._entries: dict[str, Support] = {}

    @property
    def store(self) -> Store:
        return self.app.store  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        with Container(id="support-body", classes="sec-body"):
            yield Static(NOT_TREATMENT, id="support-notice", classes="sec-notice")
            yield Static(FIRST_RUN, id="support-empty", classes="card sec-empty")
            yield RecordList(id="support-list", classes="sec-list")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.title = "Support"
        self.sub_title = "your people and lines"
        self.refresh_data()

    @property
    def record_list(self) -> RecordList:
        return self.query_one("#support-list", RecordList)

    @property
    def selected(self) -> Support | None:
        record_id = self.record_list.highlighted_id
        return self._entries.get(record_id) if record_id else None

    def refresh_data(self) -> None:
        entries = self.store.supports()
        self._entries = {e.id: e for e in entries}
        listing = self.record_list
        listing.show_records(
            [(e.id, support_prompt(e)) for e in entries],
            keep=listing.highlighted_id,
            separated=True,
        )
        self.query_one("#support-empty").display = not entries
        listing.display = bool(entries)
        if entries:
            listing.focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete", "move"):
            return self.selected is not None
        return True

    def on_option_list_option_highlighted(self) -> None:
        self.refresh_bindings()

    def _saved(self, entry: Support | None) -> None:
        if entry is None:
            return
        self.store.save_support(entry)
        self.refresh_data()
        self.record_list.highlight_record(entry.id)
        self.notify(f"Saved {entry.name}.")

    def action_new(self) -> None:
        position = max((e.position for e in self._entries.values()), default=-1) + 1
        self.app.push_screen(SupportForm(position=position), callback=self._saved)

    def action_edit(self) -> None:
        entry = self.selected
        if entry is not None:
            self.app.push_screen(SupportForm(existing=entry), callback=self._saved)

    def action_delete(self) -> None:
        entry = self.selected
        if entry is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.store.delete_support(entry.id)
                self.refresh_data()
                self.notify(f"Removed {entry.name}.")

        self.app.push_screen(
            ConfirmDialog(f"Remove {entry.name} from your support list?", yes="Remove", no="Keep"),
            callback=answered,
        )

    def action_move(self, step: int) -> None:
        entry = self.selected
        if entry is None:
            return
        ordered = list(self.store.supports())
        index = next(i for i, e in enumerate(ordered) if e.id == entry.id)
        target = index + step
        if not 0 <= target < len(ordered):
            return
        ordered[index], ordered[target] = ordered[target], ordered[index]
        with self.store.write():  # one transaction for the whole new order
            for position, item in enumerate(ordered):
                if item.position != position:
                    self.store.save_support(item.with_changes(position=position))
        self.refresh_data()
        self.record_list.highlight_record(entry.id)

    def action_close(self) -> None:
        self.dismiss(None)
