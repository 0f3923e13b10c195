"""The Textual app: one key per section, a check-in form one key away from anywhere."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tracker.app.runtime import terminal_text
from tracker.app.runtime.crash import PlainCrash
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
    return [
        Binding(s.key, f"section('{s.name}')", s.label, id=s.name, show=False, tooltip=s.tooltip)
        for s in SECTIONS
    ]


FIRST_SECTION = SECTIONS[0]
"""The section the app opens on (Today)."""

QUIT_DIALOG = "quit-question"
"""The id of the question asked before quitting loses something typed."""


def _is_checkin_card(screen: Screen) -> bool:
    """Whether ``screen`` is the check-in card (without importing its module)."""
    cls = type(screen)
    return f"{cls.__module__}:{cls.__qualname__}" == CHECKIN.target


class TrackerApp(PlainCrash, KeepTypingWhole, KeepsLongLived, App):
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
        Binding("s", "support", "Support", id="support", tooltip="Your people and crisis lines"),
        Binding(
            "p",
            "session",
            "Record a session",
            id="session",
            show=False,
            tooltip="A therapy session you had, or one that is planned",
        ),
        Binding(
            "P",
            "sessions",
            "Sessions",
            id="sessions",
            show=False,
            tooltip="Every session, and what is marked to bring to the next",
        ),
        Binding("question_mark", "help", "Help", id="help", tooltip="Every key"),
        Binding(
            "q",
            "quit",
            "Quit",
            id="quit",
            show=False,
            tooltip="Quit tracker, from any screen but a form (ctrl+q works too)",
        ),
        # The same from inside a text field, where s and ? type (forms show them).
        Binding(
            "ctrl+g",
            "support",
            "Support",
            id="support-chord",
            show=False,
            tooltip="Your people and crisis lines, from any field",
        ),
        Binding(
            "f1", "help", "Help", id="help-chord", show=False, tooltip="Every key, from any field"
        ),
    ]

    REFRESH_SECONDS = 2.0

    def __init__(self, store: Store, *, demo: bool = False, **kwargs):
        """``store``: the database, opened (and backed up today) by
        :func:`tracker.opening.open_database`; the app never opens one itself, and
        closes this one when it ends. ``demo``: the database is throwaway demo data
        (``tracker --demo``), and the app says so."""
        super().__init__(**kwargs)
        terminal_text.install()  # no control character of user text reaches the terminal
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
        for active in screen.active_bindings.values():
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

    def open_forms(self) -> list[Screen]:
        """The forms open in the screen stack (check-in card, record forms), lowest
        first. Section keys are off while there is one, so they are all in this
        mode's stack."""
        return [s for s in self.screen_stack if getattr(s, "BLOCKS_SECTIONS", False)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a form is open anywhere in the stack (also under Support or Help),
        section keys are off, so a stray letter never walks away from a half-written
        entry; ``c`` only brings back a check-in card already open; support and help
        stay one key (or chord) away. (Quitting is never off: it asks first.)"""
        if action not in ("section", "checkin", "session", "sessions"):
            return True
        forms = self.open_forms()
        if not forms:
            return True
        return action == "checkin" and _is_checkin_card(forms[-1])

    def action_section(self, name: str) -> None:
        if name not in {s.name for s in SECTIONS} or self.open_forms():
            return
        # Close the overlays (help, support) that were opened on top of this section.
        from tracker.app.screens.base import OverlayScreen

        while len(self.screen_stack) > 1 and isinstance(self.screen, OverlayScreen):
            self.pop_screen()
        self.switch_mode(name)

    def action_checkin(self, checkin_id: str | None = None) -> None:
        """Open the check-in card: a new one for today, or ``checkin_id`` to edit.

        There is only ever one card: with one open (under Support or Help), ``c``
        brings it back; over another form, nothing opens.
        """
        forms = self.open_forms()
        if forms:
            card = forms[-1]
            if _is_checkin_card(card):
                while self.screen is not card:
                    self.pop_screen()
            return
        screen_cls = load(CHECKIN.target)
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

    async def action_quit(self) -> None:
        """Quit (ctrl+q, the command palette, q on Today), asking first when a form
        holds something not saved, as escape on the form does."""
        unsaved = [s for s in self.open_forms() if getattr(s, "changed", False)]
        if not unsaved:
            self.exit()
            return
        from tracker.app.screens.dialogs import ConfirmDialog

        if isinstance(self.screen, ConfirmDialog) and self.screen.id == QUIT_DIALOG:
            return  # already asking
        names = " and ".join(f"“{s.title}”" for s in unsaved)
        question = f"Quit without saving? What you typed in {names} will be lost."

        def answered(leave: bool | None) -> None:
            if leave:
                self.exit()

        self.push_screen(
            ConfirmDialog(question, yes="Quit", no="Keep editing", id=QUIT_DIALOG),
            callback=answered,
        )

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


def run_app(store: Store, *, demo: bool = False) -> int:
    """Run the app on an open database (see :func:`tracker.opening.open_database`);
    returns its return code (0, or 1 after an error it did not expect)."""
    app = TrackerApp(store, demo=demo)
    app.run()
    return app.return_code or 0
