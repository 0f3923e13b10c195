"""The Textual app: one key per section, a check-in form one key away from anywhere."""

from __future__ import annotations

import importlib
from pathlib import Path

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tracker.app.runtime.keys import KeepTypingWhole
from tracker.app.runtime.longlived import KeepsLongLived
from tracker.store import Store

# Main sections are modes: each keeps its own screen stack and state.
SECTIONS: dict[str, str] = {
    "today": "tracker.app.screens.today:TodayScreen",
    "history": "tracker.app.screens.history:HistoryScreen",
    "experiments": "tracker.app.screens.experiments:ExperimentsScreen",
    "ruptures": "tracker.app.screens.ruptures:RupturesScreen",
    "trends": "tracker.app.screens.trends:TrendsScreen",
}


def _load(target: str):
    module_name, attr = target.split(":")
    return getattr(importlib.import_module(module_name), attr)


def _section_factory(target: str):
    def make() -> Screen:
        return _load(target)()

    return make


FIRST_SECTION = "today"
"""The section the app opens on."""


class TrackerApp(KeepTypingWhole, KeepsLongLived, App):
    """tracker's terminal app."""

    # One shared stylesheet and one per family of screens.
    CSS_PATH = ["tracker.tcss", "forms.tcss", "sections.tcss", "trends.tcss"]
    TITLE = "tracker"
    # Every section but the first is a mode of its own from the start. The first is
    # the screen of the mode Textual starts in (get_default_screen), and becomes a
    # mode like the others once the app is mounted. Styled as any Textual app's
    # first screen is: a screen made from MODES would have Textual parse every
    # stylesheet again (App.refresh_css) before the first frame.
    MODES = {name: _section_factory(target) for name, target in SECTIONS.items()
             if name != FIRST_SECTION}
    DEFAULT_MODE = FIRST_SECTION
    BINDINGS = [
        # Section keys are shown in the NavBar under the header, not in the footer.
        Binding("t", "section('today')", "Today", id="today", show=False,
                tooltip="Today: check-ins, practice, open ruptures"),
        Binding("c", "checkin", "Check in", id="checkin", tooltip="Today's check-in card"),
        Binding("h", "section('history')", "History", id="history", show=False,
                tooltip="Every check-in, newest first"),
        Binding("e", "section('experiments')", "Experiments", id="experiments", show=False,
                tooltip="Small relational experiments and their practice"),
        Binding("r", "section('ruptures')", "Ruptures", id="ruptures", show=False,
                tooltip="Ruptures and repairs"),
        Binding("g", "section('trends')", "Trends", id="trends", show=False,
                tooltip="Charts and insights"),
        Binding("s", "support", "Support", id="support",
                tooltip="Your people and crisis lines"),
        Binding("question_mark", "help", "Help", id="help", tooltip="Every key"),
    ]

    REFRESH_SECONDS = 2.0

    def __init__(self, db_path: str | Path, store: Store | None = None, **kwargs):
        """``store``: the database already opened (and backed up today) by the
        launcher; the app closes it when it ends. Without it the app opens the file."""
        super().__init__(**kwargs)
        self.db_path = Path(db_path)
        self._data_version = 0
        if store is not None:
            self.store = store
            self._data_version = store.data_version()
            return
        from tracker.backup import (
            BackupError,
            DamagedDatabase,
            backup_before_migration,
            daily_backup,
        )

        self.store = Store.open(self.db_path, before_migrate=backup_before_migration)
        if not self.store.open_result.created:
            try:  # the day's backup, if `tracker` (the CLI) has not taken it already
                daily_backup(self.db_path, source=self.store.db.conn)
            except DamagedDatabase:
                self.store.close()
                raise
            except (BackupError, OSError):
                pass  # a backup problem must not keep anyone from their check-in
        self._data_version = self.store.data_version()

    def get_default_screen(self) -> Screen:
        """The first section's screen, shown first (in the mode the app starts in)."""
        return _section_factory(SECTIONS[FIRST_SECTION])()

    def on_mount(self) -> None:
        # The screen already made keeps this mode; the factory is never called.
        self.add_mode(FIRST_SECTION, _section_factory(SECTIONS[FIRST_SECTION]))
        saved_theme = self.store.get_setting("theme")
        if saved_theme and saved_theme in self.available_themes:
            self.theme = saved_theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.set_interval(self.REFRESH_SECONDS, self._poll_for_changes)

    def on_unmount(self) -> None:
        self.store.close()

    def _remember_theme(self, theme) -> None:
        """A theme picked from the command palette is kept for next time."""
        self.store.set_setting("theme", theme.name)

    def _poll_for_changes(self) -> None:
        """Another terminal (``tracker add``) wrote to the database: show it."""
        version = self.store.data_version()
        if version != self._data_version:
            self._data_version = version
            self.refresh_current()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette (ctrl+p) lists every action the keys reach from here:
        the screen's own first, then the app's, then Textual's (theme, quit...)."""
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            # Ours all have ids; Textual's own (focus, scroll, copy) are left out.
            if not binding.id or not binding.description or not active.enabled:
                continue
            title = binding.description
            if title in seen:
                continue
            seen.add(title)
            key_name = self.get_key_display(binding)
            help_text = f"key {key_name}" + (f" · {binding.tooltip}" if binding.tooltip else "")

            async def run(action: str = binding.action, node=active.node) -> None:
                await self.run_action(action, node)

            yield SystemCommand(title, help_text, run)
        for command in super().get_system_commands(screen):
            if command.title not in seen:
                yield command

    def refresh_current(self) -> None:
        refresh = getattr(self.screen, "refresh_data", None)
        if callable(refresh):
            refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """On a form (check-in card, experiment, rupture, support forms), section keys
        are off, so a stray letter never walks away from a half-written entry; support
        and help stay one key away."""
        if action in ("section", "checkin") and getattr(self.screen, "BLOCKS_SECTIONS", False):
            return False
        return True

    def action_section(self, name: str) -> None:
        if name not in SECTIONS:
            return
        # Close the overlays (help, support) that were opened on top of this section.
        from tracker.app.screens.help import HelpScreen
        from tracker.app.screens.support import SupportScreen

        while len(self.screen_stack) > 1 and isinstance(self.screen, (HelpScreen, SupportScreen)):
            self.pop_screen()
        self.switch_mode(name)

    def action_checkin(self, checkin_id: str | None = None) -> None:
        """Open the check-in card: a new one for today, or ``checkin_id`` to edit."""
        screen_cls = _load("tracker.app.screens.checkin:CheckInScreen")
        if isinstance(self.screen, screen_cls):
            return
        existing = self.store.get_checkin(checkin_id) if checkin_id else None
        self.push_screen(screen_cls(existing), callback=lambda _saved: self.refresh_current())

    def action_support(self) -> None:
        from tracker.app.screens.support import SupportScreen

        if isinstance(self.screen, SupportScreen):
            return
        self.push_screen(SupportScreen())

    def action_help(self) -> None:
        from tracker.app.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen())


def run_app(db_path: str | Path, store: Store | None = None) -> None:
    TrackerApp(db_path, store=store).run()
