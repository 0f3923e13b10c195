"""Small modal dialogs shared by the screens."""

from __future__ import annotations

from typing import TypeVar

from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

R = TypeVar("R")


async def _nothing() -> None:
    return None


class OneAnswer(ModalScreen[R]):
    """A dialog that takes one answer. A key pressed twice quickly reaches the dialog
    a second time after the first press answered it (and the next screen may already
    be open): that second press is not a second answer."""

    _answered = False

    def dismiss(self, result: R | None = None) -> AwaitComplete:
        if self._answered:
            return AwaitComplete(_nothing())
        self._answered = True
        return super().dismiss(result)


class ConfirmDialog(OneAnswer[bool]):
    """Ask a yes/no question; dismisses with True (y / enter on yes) or False."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n", "answer(False)", "No", id="confirm-no"),
        Binding("escape", "answer(False)", "No", id="confirm-escape", show=False),
        Binding("s", "app.support", "Support", id="confirm-support", show=False),
    ]

    def __init__(
        self,
        question: str,
        yes: str = "Yes",
        no: str = "No",
        *,
        id: str | None = None,
        enter_keeps: bool = False,
    ):
        """``enter_keeps``: for what cannot be undone, enter (a habit) answers no;
        only ``y`` (or the yes button) answers yes."""
        super().__init__(id=id)
        self.question = question
        self.yes_label = yes
        self.no_label = no
        self.enter_keeps = enter_keeps

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="dialog-question")
            with Horizontal(id="dialog-buttons"):
                yield Button(
                    f"{self.yes_label} (y)",
                    id="yes",
                    variant="default" if self.enter_keeps else "primary",
                )
                yield Button(
                    f"{self.no_label} (n)",
                    id="no",
                    variant="primary" if self.enter_keeps else "default",
                )

    def on_mount(self) -> None:
        if self.enter_keeps:
            self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
