"""The Textual app: one key per section, a check-in form one key away from anywhere."""

from __future__ import annotations

import importlib
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from tracker.store import Store

# Main sections are modes: each keeps its own screen stack and state.
SECTIONS: dict[str, str] = {
    "today": "tracker.app.screens.today:TodayScreen",
}


def _section_factory(target: str):
    def make() -> Screen:
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)()

    return make


class TrackerApp(App):
    """tracker's terminal app."""

    CSS_PATH = "tracker.tcss"
    TITLE = "tracker"
    MODES = {name: _section_factory(target) for name, target in SECTIONS.items()}
    BINDINGS = [
        Binding("t", "section('today')", "Today", id="today",
                tooltip="Today: check-ins, practice, open ruptures"),
    ]

    REFRESH_SECONDS = 2.0

    def __init__(self, db_path: str | Path, **kwargs):
        super().__init__(**kwargs)
        self.db_path = Path(db_path)
        self.store = Store.open(self.db_path)
        self._data_version = self.store.data_version()

    def on_mount(self) -> None:
        self.switch_mode("today")
        self.set_interval(self.REFRESH_SECONDS, self._poll_for_changes)

    def on_unmount(self) -> None:
        self.store.close()

    def _poll_for_changes(self) -> None:
        """Another terminal (``tracker add``) wrote to the database: show it."""
        version = self.store.data_version()
        if version != self._data_version:
            self._data_version = version
            self.refresh_current()

    def refresh_current(self) -> None:
        refresh = getattr(self.screen, "refresh_data", None)
        if callable(refresh):
            refresh()

    def action_section(self, name: str) -> None:
        if name not in self.MODES:
            return
        self.switch_mode(name)


def run_app(db_path: str | Path) -> None:
    TrackerApp(db_path).run()
