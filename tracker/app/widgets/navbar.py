"""The line under the header that names the sections and their keys."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tracker.app.sections import SECTIONS


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
        for section in SECTIONS:
            if section.name == self.current:
                text.append(f" {section.key} {section.label} ", style="bold reverse")
            else:
                text.append(f" {section.key}", style="bold")
                text.append(f" {section.label} ")
            text.append(" ")
        text.append(" ^p", style="bold")
        text.append(" all commands")
        return text
