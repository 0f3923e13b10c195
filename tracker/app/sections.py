"""Every section and screen of the app, listed once.

The app makes its modes and section keys from :data:`SECTIONS`, the NavBar draws
them, and the help screen walks :data:`SECTIONS` and :data:`OVERLAYS` to list every
key of every screen. Screens are named as ``"module:Class"`` and imported only when
they are first needed (:func:`load`), so this module imports no screen, and neither
the app nor the help screen has to import the other.

``tests/app/test_support_help.py`` checks that every screen in
``tracker.app.screens`` is listed here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class ScreenEntry:
    """A screen as the help lists it."""

    title: str
    """The heading of its keys in the help."""
    target: str
    """Where it lives, as ``"module:Class"``."""


@dataclass(frozen=True)
class Section:
    """A main section: one key from anywhere, its own screen stack (a Textual mode)."""

    name: str
    """The mode's name, and the id of the binding that opens it."""
    key: str
    """The key that opens it from anywhere."""
    label: str
    """Its short name: in the NavBar, the command palette and the footer."""
    tooltip: str
    """One line about it, for the command palette."""
    target: str
    """Its screen, as ``"module:Class"``."""
    help_title: str = ""
    """The heading of its keys in the help, when it says more than :attr:`label`."""
    screens: tuple[ScreenEntry, ...] = ()
    """The screens it opens, listed in the help right after it."""

    @property
    def title(self) -> str:
        return self.help_title or self.label


CHECKIN = ScreenEntry("Check-in", "tracker.app.screens.checkin:CheckInScreen")
"""The check-in card: one key (``c``) from any section."""

PATTERNS = ScreenEntry("Trends: patterns", "tracker.app.screens.patterns:PatternsScreen")
"""What went together over a range: ``8`` from Trends."""

SECTIONS: tuple[Section, ...] = (
    Section(
        "today",
        "t",
        "Today",
        "Today: check-ins, practice, open ruptures",
        "tracker.app.screens.today:TodayScreen",
        screens=(
            CHECKIN,
            ScreenEntry(
                "Today: which experiment", "tracker.app.screens.practice:ExperimentChooser"
            ),
        ),
    ),
    Section(
        "history",
        "h",
        "History",
        "Every check-in, newest first",
        "tracker.app.screens.history:HistoryScreen",
        screens=(
            ScreenEntry(
                "Words: emotions, people and tags (w in History)",
                "tracker.app.screens.words:WordsScreen",
            ),
            ScreenEntry("Words: rename", "tracker.app.screens.words:RenameDialog"),
            ScreenEntry("Words: merge into another", "tracker.app.screens.words:MergeDialog"),
        ),
    ),
    Section(
        "experiments",
        "e",
        "Experiments",
        "Small relational experiments and their practice",
        "tracker.app.screens.experiments:ExperimentsScreen",
        screens=(
            ScreenEntry(
                "Experiments: choose one to start",
                "tracker.app.screens.experiment_form:LibraryPicker",
            ),
            ScreenEntry(
                "Experiments: start or edit", "tracker.app.screens.experiment_form:ExperimentForm"
            ),
            ScreenEntry(
                "Experiments: log practice (from Today too)",
                "tracker.app.screens.practice:PracticeLogCard",
            ),
            ScreenEntry(
                "Experiments: complete", "tracker.app.screens.experiment_form:CompleteForm"
            ),
            ScreenEntry(
                "Experiments: set aside", "tracker.app.screens.experiment_form:SetAsideDialog"
            ),
        ),
    ),
    Section(
        "ruptures",
        "r",
        "Ruptures",
        "Ruptures and repairs",
        "tracker.app.screens.ruptures:RupturesScreen",
        help_title="Ruptures and repairs",
        screens=(
            ScreenEntry("Ruptures: log or edit", "tracker.app.screens.rupture_form:RuptureForm"),
            ScreenEntry(
                "Ruptures: repaired on another day",
                "tracker.app.screens.rupture_form:RepairedOnDialog",
            ),
            ScreenEntry(
                "Ruptures: let rest on another day",
                "tracker.app.screens.rupture_form:LetRestOnDialog",
            ),
            ScreenEntry(
                "Ruptures: count a repair attempt as practice",
                "tracker.app.screens.rupture_form:PracticeChoice",
            ),
        ),
    ),
    Section(
        "trends",
        "g",
        "Trends",
        "Charts and insights",
        "tracker.app.screens.trends:TrendsScreen",
        screens=(PATTERNS,),
    ),
    Section(
        "week",
        "k",
        "Week",
        "The week as a diary card, and its hard moments",
        "tracker.app.screens.week:WeekScreen",
        help_title="Week, as a diary card",
    ),
)
"""The main sections, in the order the NavBar and the help show them."""

OVERLAYS: tuple[ScreenEntry, ...] = (
    ScreenEntry("Sessions", "tracker.app.screens.sessions:SessionsScreen"),
    ScreenEntry("Sessions: record or edit", "tracker.app.screens.session_form:SessionForm"),
    ScreenEntry("Support", "tracker.app.screens.support:SupportScreen"),
    ScreenEntry("Support: add or edit", "tracker.app.screens.support_form:SupportForm"),
    ScreenEntry("Help (this screen)", "tracker.app.screens.help:HelpScreen"),
    ScreenEntry("Questions (yes / no)", "tracker.app.screens.dialogs:ConfirmDialog"),
    ScreenEntry(
        "Lock (an encrypted database: ctrl+l, or after idle minutes)",
        "tracker.app.screens.lock:LockScreen",
    ),
)
"""Screens opened on top of any section, listed in the help after the sections."""


def help_screens() -> list[ScreenEntry]:
    """Every screen in the order a person meets them: each section, then the screens
    it opens, then the overlays."""
    listed: list[ScreenEntry] = []
    for entry in SECTIONS:
        listed.append(ScreenEntry(entry.title, entry.target))
        listed.extend(entry.screens)
    listed.extend(OVERLAYS)
    return listed


def load(target: str) -> type:
    """Import ``"module:Class"`` and return the class."""
    module_name, _, attr = target.partition(":")
    cls = getattr(importlib.import_module(module_name), attr)
    if not isinstance(cls, type):
        raise TypeError(f"{target} is not a class")
    return cls
