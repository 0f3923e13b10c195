"""What screens share: a main section's store and refresh on return, a list with
its details beside it, and a form's "escape asks first if something would be lost"."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from rich.text import Text
from textual.screen import Screen
from textual.widgets import OptionList, Static

from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.widgets.recordlist import RecordList

if TYPE_CHECKING:
    from tracker.store import Store


class SectionScreen(Screen):
    """A main section of the app. Subclasses implement :meth:`refresh_data`."""

    @property
    def store(self) -> Store:
        return self.app.store  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        self.refresh_data()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class OverlayScreen(Screen):
    """A screen opened on top of a section (help, support); a section key closes it.

    The app tells one by this class alone, so a section key never imports the
    overlays' modules (support's forms and text areas) to check for them.
    """


R = TypeVar("R")
T = TypeVar("T")


class FormScreen(Screen[T], Generic[T]):
    """A screen where something is typed: the check-in card and the record forms.

    ``escape`` (bound by each form to ``leave``) leaves at once when nothing would be
    lost, and otherwise asks :attr:`leave_question` first. Section keys are off here,
    so a stray letter never walks away from a half-written entry.
    """

    BLOCKS_SECTIONS: ClassVar[bool] = True
    """Section keys are off here (see TrackerApp.check_action)."""

    @property
    def changed(self) -> bool:  # pragma: no cover - overridden
        """Whether leaving now would lose something typed or picked."""
        raise NotImplementedError

    @property
    def leave_question(self) -> str:
        """Asked on escape when something changed: says plainly what would be lost."""
        return "Leave without saving? What you typed here will be lost."

    def action_leave(self) -> None:
        if not self.changed:
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(self.leave_question, yes="Leave", no="Keep editing"),
            callback=answered)


class ListDetailScreen(SectionScreen, Generic[R]):
    """A section with a list of records and the highlighted one's details beside it.

    Subclasses compose ``#{PREFIX}-empty``, ``#{PREFIX}-list`` (a RecordList),
    ``#{PREFIX}-detail`` and ``#{PREFIX}-detail-text``, fill :attr:`records` and call
    :meth:`show_rows` in ``refresh_data``, and say how a record reads in
    :meth:`detail_text`. Keys named in :attr:`NEEDS_SELECTION` are hidden while no
    record is highlighted.
    """

    PREFIX: ClassVar[str]
    NEEDS_SELECTION: ClassVar[frozenset[str]] = frozenset()

    def __init__(self) -> None:
        super().__init__()
        self.records: dict[str, R] = {}

    @property
    def record_list(self) -> RecordList:
        return self.query_one(f"#{self.PREFIX}-list", RecordList)

    @property
    def selected(self) -> R | None:
        record_id = self.record_list.highlighted_id
        return self.records.get(record_id) if record_id else None

    def show_rows(self, rows: list[tuple[str | None, Text | str]]) -> None:
        """Show the list (keeping the highlighted record), or the empty card."""
        listing = self.record_list
        listing.show_records(rows, keep=listing.highlighted_id)
        empty = not self.records
        self.query_one(f"#{self.PREFIX}-empty").display = empty
        listing.display = not empty
        self.query_one(f"#{self.PREFIX}-detail").display = not empty
        if not empty and self.focused is None:
            listing.focus()
        self.show_detail()

    def detail_text(self, record: R) -> Text | str:  # pragma: no cover - overridden
        raise NotImplementedError

    def show_detail(self) -> None:
        record = self.selected
        self.refresh_bindings()
        box = self.query_one(f"#{self.PREFIX}-detail-text", Static)
        box.update("" if record is None else self.detail_text(record))

    def highlight(self, record_id: str) -> None:
        """Reload, then highlight and focus one record (after it was saved)."""
        self.refresh_data()
        self.record_list.highlight_record(record_id)
        self.record_list.focus()
        self.show_detail()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_detail()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys that cannot apply to the selection are hidden, to keep the footer short.
        if action in self.NEEDS_SELECTION:
            return self.selected is not None
        return True
