"""The Textual app: one key per section, a check-in form one key away from anywhere."""

from __future__ import annotations

import gc
from pathlib import Path

from collections.abc import Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tracker.app.sections import CHECKIN, SECTIONS, load
from tracker.app.stylesheet import ReusingStylesheet
from tracker.store import Store

def _section_factory(target: str):
    def make() -> Screen:
        # (Do not mark the new screen's _css_update_count as current to skip Textual's
        # CSS pass: it saves ~50 ms but leaves the first screen's text drawn in the
        # background colour. tests/app/test_app_shell.py guards against it.)
        return load(target)()

    return make


def _section_bindings() -> list[Binding]:
    # Section keys are shown in the NavBar under the header, not in the footer.
    return [Binding(s.key, f"section('{s.name}')", s.label, id=s.name, show=False,
                    tooltip=s.tooltip) for s in SECTIONS]


class TrackerApp(App):
    """tracker's terminal app."""

    # One shared stylesheet and one per family of screens.
    CSS_PATH = ["tracker.tcss", "forms.tcss", "sections.tcss", "trends.tcss"]
    TITLE = "tracker"
    # Main sections are modes: each keeps its own screen stack and state.
    MODES = {s.name: _section_factory(s.target) for s in SECTIONS}
    # Start in Today directly (not in Textual's blank default screen, then a switch).
    DEFAULT_MODE = "today"
    BINDINGS = [
        *_section_bindings(),
        Binding("c", "checkin", "Check in", id="checkin", tooltip="Today's check-in card"),
        Binding("s", "support", "Support", id="support",
                tooltip="Your people and crisis lines"),
        Binding("p", "session", "Record a session", id="session", show=False,
                tooltip="A therapy session you had, or one that is planned"),
        Binding("P", "sessions", "Sessions", id="sessions", show=False,
                tooltip="Every session, and what is marked to bring to the next"),
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
        stylesheet = ReusingStylesheet(variables=self.stylesheet._variables)
        stylesheet.source = self.stylesheet.source.copy()  # (empty until the app runs)
        self.stylesheet = stylesheet
        self.store = store
        self.db_path = store.path
        self._data_version = store.data_version()

    def keep_long_lived(self, *, collect: bool = False) -> None:
        """Leave the objects alive now out of Python's later cycle collections.

        The app's widgets and styles, and a trends screen's years of check-ins and
        drawn charts, live as long as the app. Without this, every full collection
        walks all of them: with 10 years loaded that paused the app 60-110 ms at
        random moments, often right after a key (``benchmarks/chart_switch.py``).

        Frozen objects are freed by reference counting as usual, but a cycle among
        them (a closed dialog's widgets) is only found after they are unfrozen. So
        ``collect`` (used when trends loads its data, a moment that already takes
        a while) unfreezes everything and runs one full collection (~45 ms with 10
        years loaded) before freezing again; in between, the young generations are
        collected first, so only garbage that had already grown old is kept.
        """
        if collect:
            gc.unfreeze()
            gc.collect()
        else:
            gc.collect(1)
        gc.freeze()
        gc.enable()  # tracker.launch turns it off while the app starts

    def on_mount(self) -> None:
        self.call_after_refresh(self.keep_long_lived)
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

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            event._tracker_screen = self.screen  # the screen the key was first given to
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        """Keep fast typing whole across a screen change.

        Keys typed in one burst (``c 4 2 3 1 0 ctrl+s`` pasted, or sent by tmux at
        once) are handed to the screen showing when they arrive; those after ``c``
        reach Today before the card opens and bubble back up here. Give them to the
        screen showing now instead of dropping them.
        """
        origin = getattr(event, "_tracker_screen", None)
        if origin is not None and origin is not self.screen:
            event.prevent_default()  # App._on_key would otherwise run too
            key = events.Key(event.key, event.character)
            key._tracker_screen = self.screen
            (self.focused or self.screen)._forward_event(key)

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
        if action in ("section", "checkin", "session", "sessions") and getattr(
                self.screen, "BLOCKS_SECTIONS", False):
            return False
        return True

    def action_section(self, name: str) -> None:
        if name not in self.MODES:
            return
        # Close the overlays (help, support) that were opened on top of this section.
        from tracker.app.screens.help import HelpScreen
        from tracker.app.screens.sessions import SessionsScreen
        from tracker.app.screens.support import SupportScreen

        while len(self.screen_stack) > 1 and isinstance(
                self.screen, (HelpScreen, SupportScreen, SessionsScreen)):
            self.pop_screen()
        self.switch_mode(name)

    def action_checkin(self, checkin_id: str | None = None) -> None:
        """Open the check-in card: a new one for today, or ``checkin_id`` to edit."""
        screen_cls = load(CHECKIN.target)
        if isinstance(self.screen, screen_cls):
            return
        existing = self.store.get_checkin(checkin_id) if checkin_id else None
        self.push_screen(screen_cls(existing), callback=lambda _saved: self.refresh_current())

    def action_session(self) -> None:
        """Record a session (past or planned) from anywhere; saved when the form is."""
        from tracker.app.screens.session_form import SessionForm
        from tracker.app.screens.sessions import saved_words

        def saved(session) -> None:
            if session is None:
                return
            self.store.save_session(session)
            self.notify(saved_words(session))
            self.refresh_current()

        self.push_screen(SessionForm(), callback=saved)

    def action_sessions(self) -> None:
        from tracker.app.screens.sessions import SessionsScreen

        if isinstance(self.screen, SessionsScreen):
            return
        self.push_screen(SessionsScreen(), callback=lambda _: self.refresh_current())

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
