"""What screens share: a main section's store and refresh on return, a list with
its details beside it, and what every form does: "escape asks first if something
would be lost", tab that stops at the ends, support and help one chord away."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
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


FORM_CHORDS = [
    Binding(
        "ctrl+g",
        "support",
        "Support",
        id="form-support",
        tooltip="Your people and crisis lines, from any field (escape comes back)",
    ),
    Binding(
        "f1",
        "help",
        "Help",
        id="form-help",
        tooltip="Every key, from any field (escape comes back)",
    ),
]
"""Support and help from any field of a form (where ``s`` and ``?`` type): each form
ends its ``BINDINGS`` with these, so the footer shows them after its own keys."""

LAST_FIELD = "This is the last field: ctrl+s saves, shift+tab goes back."
FIRST_FIELD = "This is the first field: tab goes on."


class FormScreen(Screen[T], Generic[T]):
    """A screen where something is typed: the check-in card and the record forms.

    ``escape`` (bound by each form to ``leave``) leaves at once when nothing would be
    lost, and otherwise asks :attr:`leave_question` first; so does every way of
    quitting (``TrackerApp.action_quit``). Section keys are off while a form is
    open anywhere in the screen stack, so a stray letter never walks away from a
    half-written entry; support and help are one chord away (:data:`FORM_CHORDS`:
    ``ctrl+g``, ``f1``) from any field, and come back here when closed.

    ``tab`` and ``shift+tab`` go through :meth:`form_fields` and stop at either end
    (saying so in the ``#form-say`` line), never wrapping round to a field out of
    sight. A ``tab`` (or ``enter``) typed right after a one-key answer moved focus on
    confirms that answer (:data:`TAB_CONFIRMS_ANSWER`), and choice fields keep stray letters
    (:data:`CHOICE_KEYS_PASS`).
    """

    BLOCKS_SECTIONS: ClassVar[bool] = True
    """Section keys are off while this is open (see TrackerApp.check_action)."""

    TAB_CONFIRMS_ANSWER: ClassVar[bool] = True
    """A tab or enter right after a one-key answer moved focus on is swallowed (it
    confirms; see :func:`tracker.app.widgets.keyorder.answered`)."""

    CHOICE_KEYS_PASS: ClassVar[frozenset[str]] = frozenset()
    """The printable keys that still reach the screen from a choice field (a scale,
    a pick); any other is kept by the field (see
    :func:`tracker.app.widgets.keyorder.choice_swallows`)."""

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
            ConfirmDialog(self.leave_question, yes="Leave", no="Keep editing"), callback=answered
        )

    # Named as the app's own actions, so the footer shows each once (ctrl+g, not s).
    async def action_support(self) -> None:
        await self.app.run_action("app.support")

    async def action_help(self) -> None:
        await self.app.run_action("app.help")

    # -- moving between fields --

    def form_fields(self) -> list[Widget]:
        """The fields in the order tab visits them (the focus chain, unless a form
        says otherwise)."""
        return list(self.focus_chain)

    def _field_index(self, fields: list[Widget]) -> int | None:
        focused = self.focused
        if focused is None:
            return None
        for index, widget in enumerate(fields):
            if focused is widget or widget in focused.ancestors:
                return index
        return None

    def _step_focus(self, step: int) -> Widget | None:
        fields = self.form_fields()
        if not fields:
            return None
        index = self._field_index(fields)
        if index is None:
            target = fields[0] if step > 0 else fields[-1]
        elif not 0 <= index + step < len(fields):
            # At an end: stay, and say why nothing moved (no silent wrap round).
            self.say(LAST_FIELD if step > 0 else FIRST_FIELD)
            return self.focused
        else:
            target = fields[index + step]
        self.set_focus(target)
        return target

    def focus_next(self, selector: str | type = "*") -> Widget | None:
        """The next field; on the last one, focus stays (and the form says so)."""
        return self._step_focus(1)

    def focus_previous(self, selector: str | type = "*") -> Widget | None:
        """The previous field; on the first one, focus stays (and the form says so)."""
        return self._step_focus(-1)

    # -- a line of words about the keys --

    _said_at: Widget | None = None

    def say(self, words: str) -> None:
        """Show ``words`` in the form's ``#form-say`` line until focus moves on."""
        self._said_at = self.focused
        for line in self.query("#form-say").results(Static):
            line.update(words)
            line.display = True

    def on_descendant_focus(self) -> None:
        # Focus events arrive after the keys typed in the same burst: the line goes
        # only once focus is somewhere else than where it was said.
        if self.focused is self._said_at:
            return
        self._said_at = None
        for line in self.query("#form-say").results(Static):
            line.display = False


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
