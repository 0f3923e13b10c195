"""Support (``s`` from anywhere) and Help (``?``), through Textual's Pilot."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import pkgutil
import subprocess
import sys

import pytest
from rich.console import Console
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tests.app.pilot import GLOBAL_KEYS, drive, keys, type_text
from tests.conftest import FROZEN_TODAY
from tracker.app import sections
from tracker.app.app import TrackerApp
from tracker.app.screens.help import HelpScreen, group_table, key_groups, key_words
from tracker.app.screens.support import SupportScreen
from tracker.app.screens.support_form import SupportForm
from tracker.app.widgets.recordlist import RecordList
from tracker.models import CheckIn, Rupture, Support
from tracker.store import Store


def supports(db_path) -> list[Support]:
    with Store.open(db_path) as store:
        return store.supports()


# --- Support ----------------------------------------------------------------------


def test_first_run_says_how_to_fill_it_and_that_this_is_not_treatment(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "s")
        assert isinstance(app.screen, SupportScreen)
        empty = app.screen.query_one("#support-empty", Static)
        notice = app.screen.query_one("#support-notice", Static)
        return empty.display, str(empty.content), str(notice.content)

    shown, empty, notice = drive(db_path, scenario)
    assert shown
    assert "Add the people you can reach when things are hard" in empty
    assert "crisis line for your country" in empty
    assert "not treatment" in notice
    assert "emergency services" in notice


def test_no_phone_numbers_are_shipped():
    from tracker.app.screens import support, support_form

    for text in (support.NOT_TREATMENT, support.FIRST_RUN, support_form.SupportForm.HINT):
        assert not any(ch.isdigit() for ch in text)


@pytest.mark.slow
def test_add_a_person_and_a_crisis_line(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "s", "n")
        assert isinstance(app.screen, SupportForm)
        await type_text(pilot, "Sam")
        await keys(pilot, "enter", "enter")  # kind: keep "person"
        await type_text(pilot, "text or call, evenings")
        await keys(pilot, "enter")
        await type_text(pilot, "knows the story")
        await keys(pilot, "enter")  # enter in the last field saves
        assert isinstance(app.screen, SupportScreen)

        await keys(pilot, "n")
        await type_text(pilot, "Local crisis line")
        await keys(pilot, "enter", "2")  # crisis line; focus moves on
        assert app.focused.id == "how_to_reach"
        await type_text(pilot, "the number from their website")
        await keys(pilot, "ctrl+s")
        return app.screen.query_one("#support-empty", Static).display

    empty_shown = drive(db_path, scenario)
    assert not empty_shown
    sam, line = supports(db_path)
    assert (sam.name, sam.kind, sam.how_to_reach, sam.note) == (
        "Sam",
        "person",
        "text or call, evenings",
        "knows the story",
    )
    assert (line.name, line.kind, line.how_to_reach) == (
        "Local crisis line",
        "crisis line",
        "the number from their website",
    )
    assert sam.position < line.position


@pytest.mark.slow
def test_edit_keeps_the_entry_and_delete_asks_first(db_path, store):
    entry = store.save_support(Support.create(name="Sam", kind="person"))

    async def scenario(app, pilot):
        await keys(pilot, "s", "enter")
        assert isinstance(app.screen, SupportForm)
        # Focus never selects the name: clear it (ctrl+u), then type the new one.
        await keys(pilot, "ctrl+u")
        await type_text(pilot, "Sam B")
        app.screen.query_one("#kind").focus()
        await keys(pilot, "3", "ctrl+s")
        edited = supports(db_path)
        await keys(pilot, "d", "n")
        kept = supports(db_path)
        await keys(pilot, "d", "y")
        return edited, kept, app.screen.query_one("#support-empty", Static).display

    edited, kept, empty_again = drive(db_path, scenario)
    assert [(e.id, e.name, e.kind) for e in edited] == [(entry.id, "Sam B", "professional")]
    assert len(kept) == 1
    assert supports(db_path) == []
    assert empty_again


def test_reorder_with_shift_arrows(db_path, store):
    first = store.save_support(Support.create(name="First", position=0))
    second = store.save_support(Support.create(name="Second", position=1))

    async def scenario(app, pilot):
        await keys(pilot, "s", "shift+down")
        listing = app.screen.query_one("#support-list", RecordList)
        return listing.highlighted_id

    assert drive(db_path, scenario) == first.id  # the moved entry stays selected
    assert [s.id for s in supports(db_path)] == [second.id, first.id]


@pytest.mark.parametrize("section", ["t", "e", "r"])
def test_s_opens_support_from_a_section_and_escape_comes_back(db_path, section):
    async def scenario(app, pilot):
        await keys(pilot, section)
        before = type(app.screen)
        await keys(pilot, "s")
        opened = isinstance(app.screen, SupportScreen)
        await keys(pilot, "escape")
        return before, opened, type(app.screen)

    before, opened, after = drive(db_path, scenario)
    assert opened
    assert after is before


def test_s_opens_support_from_help_and_from_a_list_screen(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "question_mark", "s")
        from_help = isinstance(app.screen, SupportScreen)
        await keys(pilot, "escape", "escape", "e", "n")  # the library list of experiments
        await keys(pilot, "s")
        from_library = isinstance(app.screen, SupportScreen)
        return from_help, from_library

    assert drive(db_path, scenario) == (True, True)


def test_support_keys_have_ids_and_descriptions_and_avoid_global_keys():
    for cls in (SupportScreen, SupportForm, HelpScreen):
        for binding in Binding.make_bindings(cls.BINDINGS):
            assert binding.id and binding.description, (cls.__name__, binding.key)
    assert not {b.key for b in Binding.make_bindings(SupportScreen.BINDINGS)} & GLOBAL_KEYS


# --- Help -------------------------------------------------------------------------


def help_text(width: int = 80) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None)
    for group in key_groups(TrackerApp):
        console.print(group.title)
        console.print(group_table(group))
    return out.getvalue()


def test_help_lists_the_keys_of_every_screen_grouped_by_screen():
    titles = [g.title for g in key_groups(TrackerApp)]
    for title in (
        "Everywhere",
        "Today",
        "Experiments",
        "Ruptures and repairs",
        "Support",
        "Experiments: log practice (from Today too)",
        "Today: which experiment",
        "Ruptures: log or edit",
    ):
        assert title in titles
    text = help_text()
    for words in (
        "Log practice",
        "Earlier day",
        "Set aside",
        "Repair steps",
        "Repaired",
        "Quit",
        "Command palette",
        "ctrl+q",
    ):
        assert words in text, words


def screens_defined_in_the_package() -> set[str]:
    """Every concrete screen class in ``tracker.app.screens`` (as ``module:Class``);
    base classes (those other screens extend) are left out."""
    import tracker.app.screens as package

    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for attr, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, Screen)
                and value.__module__ == module.__name__
            ):
                found[f"{module.__name__}:{attr}"] = value
    bases = {base for cls in found.values() for base in cls.__mro__[1:]}
    return {target for target, cls in found.items() if cls not in bases}


def test_every_screen_is_in_the_registry():
    """A screen added later must be listed in tracker.app.sections, so the help shows
    its keys (the help reads only the registry)."""
    listed = [entry.target for entry in sections.help_screens()]
    assert len(listed) == len(set(listed))
    assert screens_defined_in_the_package() <= set(listed)
    assert sections.CHECKIN.target in listed


def test_the_help_and_the_registry_do_not_import_the_app():
    """The app imports the help (on ``?``); the help never imports the app back."""
    code = (
        "import sys, tracker.app.sections, tracker.app.screens.help; "
        "print('tracker.app.app' in sys.modules)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert shown.stdout.strip() == "False"


def test_help_lists_every_binding_of_every_screen():
    targets = {s.target for s in sections.SECTIONS} | screens_defined_in_the_package()
    assert sections.CHECKIN.target in targets
    rows = {
        (keys, row.description)
        for g in key_groups(TrackerApp)
        for row in g.rows
        for keys in [row.keys]
    }
    described = {(k, d) for keys, d in rows for k in keys}
    for target in targets:
        cls = sections.load(target)
        for binding in Binding.make_bindings(cls.BINDINGS):
            if binding.description and not binding.system:
                assert (key_words(binding.key), binding.description) in described, (
                    target,
                    binding.key,
                )


def test_help_shows_the_checkin_save_key():
    checkin = next(g for g in key_groups(TrackerApp) if g.title.lower().startswith("check"))
    assert any("ctrl+s" in row.keys for row in checkin.rows)
    everywhere = next(g for g in key_groups(TrackerApp) if g.title == "Everywhere")
    assert any("q" in row.keys for row in everywhere.rows)  # q quits, on every screen


def test_help_fits_80_columns():
    for line in help_text(80).splitlines():
        assert len(line) <= 80, line


def test_key_words_are_what_people_type():
    assert key_words("question_mark") == "?"
    assert key_words("ctrl+s") == "ctrl+s"
    assert key_words("shift+up") == "shift+up"
    assert key_words("M") == "M (shift+m)"
    assert key_words("enter") == "enter"


def test_help_opens_with_question_mark_scrolls_and_closes(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help-body")
        await keys(pilot, "pagedown")
        scrolled = body.scroll_y > 0
        intro = str(app.screen.query_one("#help-intro", Static).content)
        await keys(pilot, "escape")
        return scrolled, intro, type(app.screen).__name__

    scrolled, intro, after = drive(db_path, scenario)
    assert scrolled
    assert "ctrl+p" in intro and "[b]q[/b] quits from any screen but a form" in intro
    assert after == "TodayScreen"


def test_the_lock_key_is_in_the_help_only_for_an_encrypted_database(db_path):
    def lock_rows(groups) -> list[str]:
        return [
            f"{g.title}: {' / '.join(r.keys)} {r.description}"
            for g in groups
            for r in g.rows
            if "ctrl+l" in r.keys or g.title.startswith("Lock")
        ]

    assert lock_rows(key_groups(TrackerApp, encrypted=True))
    assert lock_rows(key_groups(TrackerApp, encrypted=False)) == []

    async def scenario(app, pilot):
        await keys(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        return lock_rows(app.screen.groups)

    assert drive(db_path, scenario) == []  # the test database is plain


def test_help_shows_remapped_keys(db_path):
    async def scenario(app, pilot):
        app.update_keymap({"experiments-log": "L"})
        await keys(pilot, "question_mark")
        return app.screen.groups

    groups = drive(db_path, scenario)
    experiments = next(g for g in groups if g.title == "Experiments")
    assert any(
        row.keys == ("L (shift+l)",) and row.description == "Log practice"
        for row in experiments.rows
    )


def test_support_form_typed_in_one_burst(db_path):
    """enter moves on as the key arrives, so keys typed fast land in their fields."""

    async def scenario(app, pilot):
        await keys(pilot, "s", "n")
        assert isinstance(app.screen, SupportForm)
        for key, char in [
            *[(c, c) for c in "Sam"],
            ("enter", None),
            ("2", "2"),
            *[(c if c.isalnum() else "space", c) for c in "text me"],
            ("enter", None),
            *[(c, c) for c in "nights"],
            ("enter", None),
        ]:
            app.post_message(events.Key(key, char))
        for _ in range(4):
            await pilot.pause()
        assert isinstance(app.screen, SupportScreen)

    drive(db_path, scenario)
    [entry] = supports(db_path)
    assert (entry.name, entry.kind, entry.how_to_reach, entry.note) == (
        "Sam",
        "crisis line",
        "text me",
        "nights",
    )


def test_a_missing_name_is_asked_for_plainly(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "s", "n", "ctrl+s")
        assert isinstance(app.screen, SupportForm)
        return str(app.screen.query_one("#rf-error", Static).content)

    assert drive(db_path, scenario) == "Name is needed: write a name, or the name of a line."
    assert supports(db_path) == []


def test_help_says_how_names_complete_in_the_rupture_form():
    group = next(g for g in key_groups(TrackerApp) if g.title == "Ruptures: log or edit")
    row = next(r for r in group.rows if r.keys == ("tab / enter",))
    assert "suggested name" in row.description


def test_home_and_end_jump_in_the_lists_as_help_says(db_path, store):
    """The Everywhere group promises home / end in lists: History's table and the
    record lists (ruptures) both keep that promise."""
    everywhere = next(g for g in key_groups(TrackerApp) if g.title == "Everywhere")
    assert any(row.keys == ("home / end",) for row in everywhere.rows)
    for n in range(40):
        day = (FROZEN_TODAY - dt.timedelta(days=n)).isoformat()
        store.save_checkin(CheckIn.create(day=day, mood=3))
    for n in range(3):
        store.save_rupture(Rupture.create(day=f"2026-11-2{n}", my_move="froze"))

    async def scenario(app, pilot):
        await keys(pilot, "h")
        table = app.screen.query_one(DataTable)
        table.focus()
        await keys(pilot, "end")
        history = [table.cursor_row, table.row_count]
        await keys(pilot, "home")
        history.append(table.cursor_row)
        await keys(pilot, "r")
        listing = app.screen.query_one("#rup-list", RecordList)
        await keys(pilot, "end")
        last = listing.highlighted_id
        await keys(pilot, "home")
        return history, (
            last,
            listing.highlighted_id,
            [o.id for o in listing.options if not o.disabled],
        )

    (end_row, rows, home_row), (last, first, ids) = drive(db_path, scenario)
    assert rows == 40 and end_row == rows - 1 and home_row == 0
    assert (first, last) == (ids[0], ids[-1])
