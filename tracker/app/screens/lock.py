"""The lock screen: the passphrase, and nothing of the data.

Shown before anything is read from an encrypted database (the app starts on it), and
over whatever was showing when the app is locked (ctrl+l, or after the idle minutes
``tracker lock --after N`` sets). It covers the whole terminal and shows only that
tracker is locked, the database file's name, a passphrase field that echoes no
letters, and a line for what went wrong. The screens under it are kept as they were,
so unlocking returns to them with an unsaved card as it was left.

The key derivation (a tenth of a second or more, on purpose) runs in a worker
thread, so the screen stays responsive; the check itself is given by the app
(:attr:`LockScreen.check`), which opens the database (at start) or compares the key
with the one it holds (after a lock).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

WRONG = "That passphrase does not unlock it. Try again."
EMPTY = "Type the passphrase, then enter."


class LockScreen(Screen[None]):
    """Ask for the passphrase; call ``unlocked(key)`` once one unlocks the database."""

    AUTO_FOCUS = "#passphrase"
    BINDINGS = []  # (one field: no tab to move; the app's keys are off while locked)
    DEFAULT_CSS = """
    LockScreen {
        align: center middle;
        background: $background;
    }
    #lock-box {
        width: 60;
        max-width: 100%;
        height: auto;
        border: round $primary;
        padding: 1 2;
    }
    #lock-title {
        text-style: bold;
        margin-bottom: 1;
    }
    #lock-why {
        color: $text-muted;
        margin-bottom: 1;
    }
    #passphrase {
        margin-bottom: 1;
    }
    #lock-message {
        color: $text-warning;
        height: auto;
    }
    #lock-keys {
        color: $text-muted;
    }
    """

    def __init__(
        self,
        *,
        name_shown: str,
        why: str,
        check: Callable[[str], Any | None],
        unlocked: Callable[[Any], None],
    ):
        """``check(passphrase)`` (run in a worker thread) gives the key when the
        passphrase unlocks the database, else None; ``unlocked(key)`` runs on the
        app's thread after a right one."""
        super().__init__()
        self.name_shown = name_shown
        self.why = why
        self.check = check
        self.unlocked = unlocked

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="lock-box"):
            yield Static("tracker is locked", id="lock-title")
            yield Static(self.why, id="lock-why")
            yield Input(
                password=True,
                placeholder="passphrase",
                id="passphrase",
                select_on_focus=False,
            )
            yield Static("", id="lock-message")
            yield Static("enter unlocks · ctrl+q quits", id="lock-keys")

    @on(Input.Submitted, "#passphrase")
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = self.query_one("#passphrase", Input)
        passphrase = field.value
        if not passphrase:
            self.say(EMPTY)
            return
        field.value = ""
        field.disabled = True
        self.say("Unlocking…")
        self.derive(passphrase)

    @work(thread=True, exclusive=True, group="unlock")
    def derive(self, passphrase: str) -> None:
        key = self.check(passphrase)
        self.app.call_from_thread(self.derived, key)

    def derived(self, key: Any | None) -> None:
        field = self.query_one("#passphrase", Input)
        if key is None:
            field.disabled = False
            field.focus()
            self.say(WRONG)
            return
        self.say("")
        self.unlocked(key)

    def say(self, text: str) -> None:
        self.query_one("#lock-message", Static).update(text)
