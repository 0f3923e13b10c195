"""The Textual app: one key per section, a check-in form one key away from anywhere."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tracker.app.runtime.keys import KeepTypingWhole
from tracker.app.runtime.longlived import KeepsLongLived
from tracker.app.sections import CHECKIN, SECTIONS, load
from tracker.store import Store


def _section_factory(target: str):
    def make() -> Screen:
        return load(target)()

    return make


def _section_bindings() -> list[Binding]:
    # Section keys are shown in the NavBar under the header, not in the footer.
    return [Binding(s.key, f"section('{s.name}')", s.label, id=s.name, show=False,
                    tooltip=s.tooltip) for s in SECTIONS]


FIRST_SECTION = SECTIONS[0]
"""The section the app opens on (Today)."""


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
    MODES = {s.name: _section_factory(s.target) for s in SECTIONS if s is not FIRST_SECTION}
    DEFAULT_MODE = FIRST_SECTION.name
    BINDINGS = [
        *_section_bindings(),
        Binding("c", "checkin", "Check in", id="checkin", tooltip="Today's check-in card"),
        Binding("s", "support", "Support", id="support",
                tooltip="Your people and crisis lines"),
        Binding("question_mark", "help", "Help", id="help", tooltip="Every key"),
    ]

    REFRESH_SECONDS = 2.0

    def __init__(self, store: Store, *, demo: bool = False, **kwargs):
        """``store``: the database, opened (and backed up today) by
        :func:`tracker.opening.open_database`; the app never opens one itself, and
        closes this one when it ends. ``demo``: the database is throwaway demo data
        (``tracker --demo``), and the app says so."""
        super().__init__(**kwargs)
        self.demo = demo
        self.store = store
        self.db_path = store.path
        self._data_version = store.data_version()

    def get_default_screen(self) -> Screen:
        """The first section's screen, shown first (in the mode the app starts in)."""
        return _section_factory(FIRST_SECTION.target)()

    def on_mount(self) -> None:
        # The screen already made keeps this mode; the factory is never called.
        self.add_mode(FIRST_SECTION.name, _section_factory(FIRST_SECTION.target))
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
        if name not in {s.name for s in SECTIONS}:
            return
        # Close the overlays (help, support) that were opened on top of this section.
        from tracker.app.screens.base import OverlayScreen

        while len(self.screen_stack) > 1 and isinstance(self.screen, OverlayScreen):
            self.pop_screen()
        self.switch_mode(name)

    def action_checkin(self, checkin_id: str | None = None) -> None:
        """Open the check-in card: a new one for today, or ``checkin_id`` to edit."""
        screen_cls = load(CHECKIN.target)
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


def run_app(store: Store, *, demo: bool = False) -> None:
    """Run the app on an open database (see :func:`tracker.opening.open_database`)."""
    TrackerApp(store, demo=demo).run()
