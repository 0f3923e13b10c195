"""A full-screen form for one record: ctrl+s saves, escape leaves (asking if typed in).

Subclasses yield their fields in :meth:`compose_fields` and build the record in
:meth:`build`, through ``tracker.models`` so validation has one path. A
:class:`~tracker.models.ValidationError` is shown in words under the title and focus
goes to the field it names. The form dismisses with the record; the screen that
pushed it saves it.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static, TextArea

from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.widgets.keypick import KeyPick
from tracker.models import ValidationError

T = TypeVar("T")


class FormBody(VerticalScroll, can_focus=False):
    """The scrolling body of a form; the fields take focus, not the body."""


class RecordForm(Screen[T], Generic[T]):
    """Base of the experiment, rupture and support forms."""

    BLOCKS_SECTIONS = True
    """Section keys are off here (see TrackerApp.check_action)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="record-form-save",
                tooltip="Save and close the form"),
        Binding("escape", "leave", "Back", id="record-form-back",
                tooltip="Close without saving (asks first if you typed something)"),
    ]

    FIELD_LABELS: ClassVar[dict[str, str]] = {}
    """Field name (as in models) -> the label the person sees."""

    HINT: ClassVar[str] = ""

    def __init__(self) -> None:
        super().__init__()
        self._initial: tuple[Any, ...] = ()

    def compose(self) -> ComposeResult:
        yield Header()
        with FormBody(classes="rf-body"):
            if self.HINT:
                yield Static(self.HINT, classes="rf-hint")
            yield Static("", id="rf-error", classes="rf-error")
            yield from self.compose_fields()
        yield Footer(compact=True, show_command_palette=False)

    def compose_fields(self) -> ComposeResult:  # pragma: no cover - overridden
        raise NotImplementedError
        yield

    def on_mount(self) -> None:
        # Subclasses' on_mount handlers run first (Textual walks the MRO); they must not
        # call this one again.
        self.query_one("#rf-error", Static).display = False
        self._initial = self.snapshot()
        first = self.first_focus()
        if first is not None:
            self.set_focus(first)

    def first_focus(self):
        return None

    def snapshot(self) -> tuple[Any, ...]:
        values: list[Any] = []
        for widget in self.query("Input, TextArea, KeyPick"):
            if isinstance(widget, Input):
                values.append(widget.value)
            elif isinstance(widget, TextArea):
                values.append(widget.text)
            elif isinstance(widget, KeyPick):
                values.append((widget.value, widget.skipped))
        return tuple(values)

    @property
    def changed(self) -> bool:
        return self.snapshot() != self._initial

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def build(self) -> T:  # pragma: no cover - overridden
        raise NotImplementedError

    def action_save(self) -> None:
        try:
            record = self.build()
        except ValidationError as exc:
            self.show_error(exc)
            return
        self.dismiss(record)

    def show_error(self, exc: ValidationError) -> None:
        label = self.FIELD_LABELS.get(exc.field, exc.field.replace("_", " "))
        value = exc.value if exc.value not in (None, "") else "empty"
        box = self.query_one("#rf-error", Static)
        box.update(f"{label}: {value} doesn't fit here. Please use {exc.allowed}.")
        box.display = True
        box.scroll_visible()
        for widget in self.query(f"#{exc.field}"):
            if widget.focusable:
                widget.focus()
                break

    def action_leave(self) -> None:
        if not self.changed:
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog("Leave without saving? What you typed here will be lost.",
                          yes="Leave", no="Keep editing"),
            callback=answered)
