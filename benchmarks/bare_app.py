"""The baseline for the first-screen and memory benchmarks: a bare Textual app.

Header, an Input, a 30-row DataTable and a Footer: about the least a real Textual
screen shows. ``benchmarks/run.py`` launches it in tmux exactly as it launches
``tracker --db D.db`` and waits for :data:`MARKER` (the header title, set once the
table is filled; the first argument, if given) the way it waits for tracker's home screen.

Run it by hand: ``python benchmarks/bare_app.py`` (ctrl+q or q quits).
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input

MARKER = sys.argv[1] if len(sys.argv) > 1 else "Bare baseline ready"
ROWS = 30


class BareApp(App):
    """Nothing but stock widgets, filled on mount."""

    BINDINGS = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Type something")
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("day", "mood", "regulation", "intensity", "note")
        table.add_rows(
            (f"2026-11-{(i % 28) + 1:02d}", i % 5 + 1, i % 6, (i * 7) % 6, f"row {i}")
            for i in range(ROWS)
        )
        table.focus()
        self.title = MARKER


if __name__ == "__main__":
    BareApp().run()
