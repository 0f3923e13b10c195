"""The line under the header that names the sections and their keys."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("t", "Today", "today"),
    ("h", "History", "history"),
    ("e", "Experiments", "experiments"),
    ("r", "Ruptures", "ruptures"),
    ("g", "Trends", "trends"),
)


class NavBar(Static):
    """Shows every section with its key; the current one stands out (bold, reversed),
    so it reads without colour too."""

    def __init__(self, current: str, **kwargs):
        super().__init__(**kwargs)
        self.current = current

    def on_mount(self) -> None:
        self.update(self.section_line())

    def section_line(self) -> Text:
        text = Text(" ")
        for key, label, name in SECTIONS:
            if name == self.current:
                text.append(f" {key} {label} ", style="bold reverse")
            else:
                text.append(f" {key}", style="bold")
                text.append(f" {label} ")
            text.append(" ")
        text.append(" ^p", style="bold")
        text.append(" all commands")
        return text
