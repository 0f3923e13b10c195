"""A full-screen form for one record: ctrl+s saves, escape leaves (asking if typed in,
see :class:`~tracker.app.screens.base.FormScreen`).

Subclasses yield their fields in :meth:`compose_fields` and build the record in
:meth:`build`, through ``tracker.models`` so validation has one path. A
:class:`~tracker.models.ValidationError` is shown in plain words under the fields
(always in view) and focus goes to the field it names. The form dismisses with the
record; the screen that pushed it saves it.

Fields are :class:`FieldInput` and :class:`~tracker.app.widgets.keyorder.OrderedTextArea`:
``tab`` and ``enter`` move focus as the key arrives, and keys that arrive after focus
moved on are handed to the next field, so fast typing (or a paste of keys) lands in
the right fields. Focus arriving never selects a field's text, a field with focus has
a heavy frame (visible without colour), and ``tab`` stops at the last field
(:class:`~tracker.app.screens.base.FormScreen`).
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Input, Static, TextArea

from tracker.app.screens.base import FORM_CHORDS, FormScreen
from tracker.app.widgets.keyorder import OrderedInput
from tracker.app.widgets.keypick import KeyPick
from tracker.models import ValidationError

T = TypeVar("T")


class FormBody(VerticalScroll, can_focus=False):
    """The scrolling body of a form; the fields take focus, not the body."""


class FieldInput(OrderedInput):
    """A one-line field of a form: ``enter`` moves to the next field at once.

    With ``submits=True``, ``enter`` posts :class:`~textual.widgets.Input.Submitted`
    instead (the form decides, e.g. saves from its last field).
    """

    def __init__(self, *args: Any, submits: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.submits = submits

    def handle_tab(self, key: str) -> bool:
        if key == "enter" and not self.submits:
            self.screen.focus_next()
            return True
        return super().handle_tab(key)


def _shown(value: Any) -> str:
    text = str(value)
    if len(text) > 40:
        text = text[:39].rstrip() + "…"
    return f"“{text}”" if isinstance(value, str) else text


def error_words(exc: ValidationError, label: str, need: str = "") -> str:
    """A ValidationError in plain words, for the field labelled ``label``.

    Empty and required: "The practice is needed: write what you will do, in your
    own words." (``need`` says how to fill it; else the model's allowed values).
    Otherwise: "Belief can't be 150: please use a whole number from 0 to 100."
    """
    allowed = exc.allowed.removesuffix(" (required)").strip()
    if exc.value is None or (isinstance(exc.value, str) and not exc.value.strip()):
        return f"{label} is needed: {need or 'please use ' + allowed}."
    if allowed.startswith("at most"):
        return f"{label} is too long ({exc.value}): please keep it to {allowed}."
    return f"{label} can't be {_shown(exc.value)}: please use {allowed}."


class RecordForm(FormScreen[T], Generic[T]):
    """Base of the experiment, rupture and support forms."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="record-form-save", tooltip="Save and close the form"),
        Binding(
            "escape",
            "leave",
            "Back",
            id="record-form-back",
            tooltip="Close without saving (asks first if you typed something)",
        ),
        *FORM_CHORDS,
    ]

    FIELD_LABELS: ClassVar[dict[str, str]] = {}
    """Field name (as in models) -> the label the person sees."""

    FIELD_NEEDS: ClassVar[dict[str, str]] = {}
    """Field name -> how to fill it, said when a required field is empty."""

    HINT: ClassVar[str] = ""

    def __init__(self) -> None:
        super().__init__()
        self._initial: tuple[Any, ...] = ()

    def compose(self) -> ComposeResult:
        yield Header()
        with FormBody(classes="rf-body"):
            if self.hint:
                yield Static(self.hint, classes="rf-hint")
            yield from self.compose_fields()
        # Below the scrolling body, so it stays in view while focus goes to the field.
        yield Static("", id="rf-error", classes="rf-error")
        yield Static("", id="form-say", classes="form-say")
        yield Footer(compact=True, show_command_palette=False)

    @property
    def hint(self) -> str:
        """The intro shown above the fields (``HINT`` unless a form says more)."""
        return self.HINT

    def compose_fields(self) -> ComposeResult:  # pragma: no cover - overridden
        raise NotImplementedError
        yield

    def on_mount(self) -> None:
        # Subclasses' on_mount handlers run first (Textual walks the MRO); they must not
        # call this one again.
        self.query_one("#rf-error", Static).display = False
        self.query_one("#form-say", Static).display = False
        self._initial = self.snapshot()
        first = self.first_focus()
        if first is not None:
            self.set_focus(first, scroll_visible=False)
        if first is not None and not self.opens_at_top:
            self.call_after_refresh(self.query_one(FormBody).scroll_to_widget, first, animate=False)
        else:
            # Open at the top: the intro and the first fields in view, whichever has focus.
            self.call_after_refresh(self.query_one(FormBody).scroll_home, animate=False)

    def first_focus(self):
        return None

    @property
    def opens_at_top(self) -> bool:
        """Open with the intro in view (else with the field that has focus in view)."""
        return True

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

    @property
    def leave_question(self) -> str:
        if getattr(self, "existing", None) is not None:
            return "Leave without saving your changes? What was saved before stays as it was."
        return super().leave_question

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
        label = self.FIELD_LABELS.get(exc.field, exc.field.replace("_", " ").capitalize())
        box = self.query_one("#rf-error", Static)
        # As plain Text: what was typed is shown as typed, never read as markup.
        box.update(Text(error_words(exc, label, self.FIELD_NEEDS.get(exc.field, ""))))
        box.display = True
        for widget in self.query(f"#{exc.field}"):
            if widget.focusable:
                widget.focus()
                break
