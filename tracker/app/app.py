"""The Textual app: one key per section, a check-in form one key away from anywhere.

An encrypted database is handed over locked (:class:`tracker.opening.LockedDatabase`):
the app starts on the lock screen and reads nothing until the passphrase opens it.
It can be locked again at once (ctrl+l) or after the idle minutes set with ``tracker
lock --after N``; the lock screen then covers whatever was showing, which is there,
as it was, after unlocking.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tracker.app.runtime import terminal_text
from tracker.app.runtime.crash import PlainCrash
from tracker.app.runtime.keys import KeepTypingWhole
from tracker.app.runtime.longlived import KeepsLongLived
from tracker.app.screens.lock import LockScreen
from tracker.app.sections import CHECKIN, SECTIONS, load
from tracker.opening import LockedDatabase, OpenProblem
from tracker.store import Store, cipher
from tracker.unlocking import LOCK_SETTING, lock_minutes


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

LOCKED_MODE = "locked"
"""The mode an app on a locked database starts in: its only screen is the lock
screen, and unlocking switches to the first section's mode."""

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
        # Only on an encrypted database (check_action): the lock asks for its passphrase.
        Binding(
            "ctrl+l",
            "lock",
            "Lock",
            id="lock",
            tooltip="Lock tracker now; the passphrase opens it again, as you left it",
        ),
    ]

    REFRESH_SECONDS = 2.0
    IDLE_CHECK_SECONDS = 10.0
    """How often the idle lock looks at the time since the last key or mouse move."""

    store: Store

    def __init__(self, store: Store | LockedDatabase, *, demo: bool = False, **kwargs):
        """``store``: the database, opened (and backed up today) by
        :func:`tracker.opening.open_database`, or an encrypted one still locked
        (:func:`tracker.opening.open_for_app`), which the lock screen opens; the app
        never opens one itself otherwise, and closes it when it ends. ``demo``: the
        database is throwaway demo data (``tracker --demo``), and the app says so."""
        if isinstance(store, LockedDatabase):
            # (Textual reads it in __init__: the mode whose screen get_default_screen is.)
            self.DEFAULT_MODE = LOCKED_MODE  # type: ignore[misc]
        super().__init__(**kwargs)
        terminal_text.install()  # no control character of user text reaches the terminal
        self.demo = demo
        self.db_path = store.path
        self.exit_message: str | None = None
        """A line to print once the app has left the terminal (a refusal to open)."""
        self._last_input = time.monotonic()
        self._lock_minutes = 0
        self._locked_database = store if isinstance(store, LockedDatabase) else None
        self.encrypted = self._locked_database is not None
        if isinstance(store, Store):
            self._use(store)

    def _use(self, store: Store) -> None:
        self.store = store
        self._data_version = store.data_version()
        self.encrypted = cipher.known_key(store.path) is not None
        self._read_lock_setting()

    def _read_lock_setting(self) -> None:
        self._lock_minutes = (
            lock_minutes(self.store.get_setting(LOCK_SETTING)) if self.encrypted else 0
        )

    def get_default_screen(self) -> Screen:
        """The first section's screen, shown first (in the mode the app starts in);
        the lock screen instead while the database is locked."""
        if self._locked_database is not None:
            locked = self._locked_database
            return LockScreen(
                name_shown=locked.path.name,
                why=f"{locked.path.name} is encrypted. Type its passphrase to open it.",
                check=locked.key_for,
                unlocked=self._opened,
            )
        return _section_factory(FIRST_SECTION.target)()

    def on_mount(self) -> None:
        # The screen already made keeps this mode; the factory is never called.
        self.add_mode(FIRST_SECTION.name, _section_factory(FIRST_SECTION.target))
        if self._locked_database is None:
            self._start()

    def _start(self) -> None:
        """What the app does once the database is open."""
        saved_theme = self.store.get_setting("theme")
        if saved_theme and saved_theme in self.available_themes:
            self.theme = saved_theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.set_interval(self.REFRESH_SECONDS, self._poll_for_changes)
        self.set_interval(self.IDLE_CHECK_SECONDS, self._check_idle)

    def _opened(self, key: cipher.Key) -> None:
        """The lock screen at start had the right passphrase: open, and show Today."""
        locked = self._locked_database
        assert locked is not None
        try:
            store = locked.open(key)
        except OpenProblem as exc:
            self.exit_message = f"Error: {exc}"
            self.exit(return_code=exc.exit_code)
            return
        self._locked_database = None
        self._use(store)
        self._start()
        self._last_input = time.monotonic()
        self.switch_mode(FIRST_SECTION.name)  # (the lock screen stays behind, unseen)

    def on_unmount(self) -> None:
        store = getattr(self, "store", None)
        if store is not None:
            store.close()

    # --- The lock -----------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        """Is the lock screen up (at start, or over what was showing)?"""
        return self._locked_database is not None or any(
            isinstance(s, LockScreen) for s in self.screen_stack
        )

    def action_lock(self, why: str | None = None) -> None:
        """Cover everything with the lock screen; the passphrase takes it away again,
        back to where the person was (an unsaved card as it was)."""
        key = cipher.known_key(self.db_path)
        if key is None or self.locked:
            return
        self.clear_notifications()

        def check(passphrase: str) -> cipher.Key | None:
            return key if cipher.derive_key(passphrase, key.salt) == key else None

        self.push_screen(
            LockScreen(
                name_shown=self.db_path.name,
                why=why or "Locked. Type your passphrase to come back to where you were.",
                check=check,
                unlocked=self._unlocked,
            )
        )

    def _unlocked(self, _key: cipher.Key) -> None:
        self._last_input = time.monotonic()
        if isinstance(self.screen, LockScreen):
            self.pop_screen()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseEvent)):
            self._last_input = time.monotonic()  # (for the idle lock)
        await super().on_event(event)

    def _check_idle(self) -> None:
        minutes = self._lock_minutes
        if not minutes or self.locked or time.monotonic() - self._last_input < minutes * 60:
            return
        self.action_lock(
            why=f"Locked after {minutes} idle minute{'s' if minutes != 1 else ''}. "
            "Type your passphrase to come back to where you were."
        )

    def notify(self, *args, **kwargs) -> None:
        """No message shows over the lock screen (it could name a record)."""
        if self.locked:
            return
        super().notify(*args, **kwargs)

    def _remember_theme(self, theme) -> None:
        """A theme picked from the command palette is kept for next time."""
        self.store.set_setting("theme", theme.name)

    def _poll_for_changes(self) -> None:
        """Another terminal (``tracker add``) wrote to the database: show it."""
        version = self.store.data_version()
        if version != self._data_version:
            self._data_version = version
            self._read_lock_setting()  # (tracker lock --after N from another terminal)
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
        stay one key (or chord) away. (Quitting is never off: it asks first.)

        While locked, nothing but quitting (the command palette neither); the lock
        key shows only on an encrypted database."""
        if action == "lock":
            return self.encrypted and not self.locked
        if self.locked:
            return action == "quit"
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


def run_app(store: Store | LockedDatabase, *, demo: bool = False) -> int:
    """Run the app on an open database (see :func:`tracker.opening.open_database`),
    or a locked one (:func:`tracker.opening.open_for_app`); returns its return code
    (0; 3 when the database, once unlocked, could not be used, said in one line; 1
    after an error it did not expect)."""
    app = TrackerApp(store, demo=demo)
    app.run()
    if app.exit_message:
        print(app.exit_message, file=sys.stderr)
    return app.return_code or 0
