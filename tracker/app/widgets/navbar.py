"""The line under the header that names the sections and their keys."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tracker.app.sections import SECTIONS


class NavBar(Static):
    """Shows every section with its key; the current one stands out (bold, reversed),
    so it reads without colour too. Where the whole line does not fit (80 columns),
    the sections stand closer together and the palette key says less."""

    def __init__(self, current: str, **kwargs):
        super().__init__(**kwargs)
        self.current = current

    def on_mount(self) -> None:
        self.update(self.section_line(self._compact()))

    def on_resize(self) -> None:
        self.update(self.section_line(self._compact()))

    def _compact(self) -> bool:
        width = self.size.width or self.app.size.width
        return self.section_line().cell_len > width

    def section_line(self, compact: bool = False) -> Text:
        text = Text(" ")
        for section in SECTIONS:
            if section.name == self.current:
                text.append(f" {section.key} {section.label} ", style="bold reverse")
            else:
                text.append(f" {section.key}", style="bold")
                text.append(f" {section.label} ")
            if not compact:
                text.append(" ")
        text.append(" ^p", style="bold")
        text.append(" commands" if compact else " all commands")
        return text
