"""Every form keeps what is typed, where it was typed, however it is typed.

Through Textual's Pilot, as a hurried person types: a tab out of habit after a
one-key answer, keys that arrive in one burst, letters typed in the wrong place,
quitting with something half written. The database decides what was kept.
The same sequences run in a real terminal in tests/test_e2e_forms_tmux.py.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static, TextArea

from tests.app.pilot import burst, drive, keys, screen_lines, settle, type_text
from tests.conftest import FROZEN_TODAY
from tracker.app.screens.base import FIRST_FIELD, LAST_FIELD, FormScreen
from tracker.app.screens.checkin import CheckInScreen
from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.screens.experiment_form import ExperimentForm
from tracker.app.screens.help import HelpScreen, key_groups
from tracker.app.screens.rupture_form import RuptureForm
from tracker.app.screens.support import SupportScreen
from tracker.app.screens.support_form import SupportForm
from tracker.app.widgets.keypick import KeyPick
from tracker.app.widgets.scale import OneKeyField, Scale
from tracker.models import CheckIn, Experiment, Support
from tracker.store import Store

TODAY = FROZEN_TODAY.isoformat()


def stored(db_path):
    with Store.open(db_path) as store:
        return store.supports(), store.ruptures(), store.checkins(), store.experiments()


def seed_experiment(store: Store) -> Experiment:
    return store.save_experiment(
        Experiment.create(
            title="Three breaths",
            practice="When a message stings, I breathe.",
            prediction="I'll miss my chance.",
            belief_before=70,
            started_on="2026-11-25",
            days=14,
            target_count=5,
        )
    )


# How to open each form from Today (the complete form needs an experiment: the tests
# that open it seed one).
FORMS: dict[str, tuple[str, ...]] = {
    "check-in card": ("c",),
    "support form": ("s", "n"),
    "rupture form": ("r", "n"),
    "experiment form": ("e", "n", "enter"),
    "complete form": ("e", "x"),
}


async def open_form(app, pilot, name: str) -> FormScreen:
    await keys(pilot, *FORMS[name])
    await settle(pilot)
    form = app.screen
    assert isinstance(form, FormScreen), (name, form)
    return form


# --- 1. a tab after a one-key answer confirms it; nothing replaces text on focus -----------


def test_the_crisis_line_from_the_review_is_saved_as_typed(db_path):
    """s n, Samaritans, tab, 2, tab, 116 123, tab, call any time, ctrl+s."""

    async def scenario(app, pilot):
        await keys(pilot, "s", "n")
        await type_text(pilot, "Samaritans")
        await keys(pilot, "tab", "2", "tab")
        assert app.focused.id == "how_to_reach"  # the tab confirmed "crisis line"
        await type_text(pilot, "116 123")
        await keys(pilot, "tab")
        await type_text(pilot, "call any time")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, SupportScreen)

    drive(db_path, scenario)
    [line] = stored(db_path)[0]
    assert (line.name, line.kind, line.how_to_reach, line.note) == (
        "Samaritans",
        "crisis line",
        "116 123",
        "call any time",
    )


def test_the_crisis_line_typed_in_one_burst(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "s", "n")
        burst(
            app,
            "Samaritans",
            ("tab",),
            "2",
            ("tab",),
            "116 123",
            ("tab",),
            "call any time",
            ("ctrl+s",),
        )
        await settle(pilot, 5)
        assert isinstance(app.screen, SupportScreen)

    drive(db_path, scenario)
    [line] = stored(db_path)[0]
    assert (line.name, line.kind, line.how_to_reach, line.note) == (
        "Samaritans",
        "crisis line",
        "116 123",
        "call any time",
    )


CARD_WITH_TABS = (
    "4",
    "tab",
    "2",
    "tab",
    "3",
    "tab",
    "1",
    "tab",
    "y",
    "tab",
    "0",
    "tab",
    "n",
    "tab",
)
CARD_WITHOUT = ("4", "2", "3", "1", "y", "0", "n")


def ratings(checkin: CheckIn) -> tuple:
    return (
        checkin.mood,
        checkin.intensity,
        checkin.regulation,
        checkin.pursue,
        checkin.pursue_acted,
        checkin.withdraw,
        checkin.withdraw_acted,
        checkin.paused,
        checkin.emotions,
    )


@pytest.mark.parametrize("typed", [CARD_WITH_TABS, CARD_WITHOUT], ids=["tabs", "no-tabs"])
@pytest.mark.parametrize("how", ["keys", "burst"])
def test_the_card_is_the_same_with_or_without_a_tab_after_each_answer(db_path, typed, how):
    async def scenario(app, pilot):
        await keys(pilot, "c")
        if how == "keys":
            await keys(pilot, *typed)
            assert app.focused.id == "emotions-input"  # paused answered, then here
            await type_text(pilot, "calm")
            await keys(pilot, "ctrl+s")
        else:
            burst(app, *[(k,) if k == "tab" else k for k in typed], "calm", ("ctrl+s",))
            await settle(pilot, 5)
        assert not isinstance(app.screen, CheckInScreen)

    drive(db_path, scenario)
    [checkin] = stored(db_path)[2]
    assert ratings(checkin) == (4, 2, 3, 1, 1, 0, None, 0, ("calm",))


@pytest.mark.parametrize("how", ["keys", "burst"])
def test_the_rupture_form_typed_with_a_tab_after_each_field(db_path, how):
    typed = [
        "Sam",
        ("tab",),
        "I went quiet",
        ("tab",),
        "w",
        ("tab",),
        "3",
        ("tab",),
        "we talked later",
        ("ctrl+s",),
    ]

    async def scenario(app, pilot):
        await keys(pilot, "r", "n")
        if how == "keys":
            for part in typed:
                if isinstance(part, tuple):
                    await keys(pilot, part[0])
                else:
                    await type_text(pilot, part)
        else:
            burst(app, *typed)
            await settle(pilot, 5)
        assert not isinstance(app.screen, RuptureForm)

    drive(db_path, scenario)
    [rupture] = stored(db_path)[1]
    assert (
        rupture.day,
        rupture.people,
        rupture.what_happened,
        rupture.my_move,
        rupture.intensity,
        rupture.note,
    ) == (TODAY, ("Sam",), "I went quiet", "withdrew", 3, "we talked later")


def test_a_tab_after_enter_or_after_typing_still_moves_on(db_path):
    """Only the tab right after an answer is taken as a confirmation."""

    async def scenario(app, pilot):
        await keys(pilot, "s", "n")
        await type_text(pilot, "Sam")
        await keys(pilot, "tab", "enter")  # kind kept with enter: not an answer key
        assert app.focused.id == "how_to_reach"
        await keys(pilot, "tab")
        assert app.focused.id == "note"
        await keys(pilot, "shift+tab", "shift+tab", "3", "x", "tab")
        assert app.focused.id == "note"  # x after the answer ended the moment

    drive(db_path, scenario)


def test_focus_never_selects_what_a_field_holds(db_path, store):
    """Typing into a field that focus has just reached adds to it."""
    store.save_support(Support.create(name="Sam", kind="person", how_to_reach="text"))
    seed_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "s", "enter")
        form = app.screen
        assert isinstance(form, SupportForm)
        await type_text(pilot, " B")
        await keys(pilot, "tab", "enter")  # kind kept
        await type_text(pilot, " or call")
        await keys(pilot, "ctrl+s", "escape", "e", "enter")
        assert isinstance(app.screen, ExperimentForm)
        await type_text(pilot, ", slowly")
        inputs = [w for w in app.screen.query(Input)]
        await keys(pilot, "ctrl+s")
        return [(w.id, w.select_on_focus) for w in inputs]

    selects = drive(db_path, scenario)
    assert selects and not any(select for _, select in selects), selects
    supports, _, _, experiments = stored(db_path)
    assert (supports[0].name, supports[0].how_to_reach) == ("Sam B", "text or call")
    assert experiments[0].title == "Three breaths, slowly"


@pytest.mark.parametrize("name", list(FORMS))
def test_no_input_of_any_form_selects_on_focus(db_path, store, name):
    seed_experiment(store)

    async def scenario(app, pilot):
        form = await open_form(app, pilot, name)
        return [(w.id, w.select_on_focus) for w in form.query(Input)]

    found = drive(db_path, scenario)
    assert found and not any(select for _, select in found), found


def test_a_new_experiments_defaults_are_shown_and_kept_when_left_empty(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "e", "n", "enter")
        form = app.screen
        assert [
            form.query_one(f"#{i}", Input).value for i in ("started_on", "ends_on", "target_count")
        ] == ["", "", ""]
        placeholders = [
            form.query_one(f"#{i}", Input).placeholder
            for i in ("started_on", "ends_on", "target_count")
        ]
        hint = str(form.query_one("#period-hint", Static).content)
        await type_text(pilot, "Ask first")
        await keys(pilot, "tab")
        await type_text(pilot, "When I assume, I will ask.")
        await keys(pilot, "ctrl+s")
        return placeholders, hint

    placeholders, hint = drive(db_path, scenario)
    assert placeholders == [TODAY, "14", "5"]
    assert "(14 days)" in hint
    [exp] = stored(db_path)[3]
    assert (exp.started_on, exp.ends_on, exp.target_count) == (TODAY, "2026-12-11", 5)


# --- tab stops at the ends: no silent wrap ------------------------------------------------


@pytest.mark.parametrize("name", list(FORMS))
def test_tab_stops_at_the_last_field_and_says_so(db_path, store, name):
    seed_experiment(store)

    async def scenario(app, pilot):
        form = await open_form(app, pilot, name)
        fields = form.form_fields()
        assert app.focused is fields[0]
        await keys(pilot, "shift+tab")
        first = (app.focused is fields[0], str(form.query_one("#form-say", Static).content))
        form.set_focus(fields[-1])
        await settle(pilot)
        await keys(pilot, "tab", "tab")
        say = form.query_one("#form-say", Static)
        last = (app.focused is fields[-1], say.display, str(say.content))
        shown = "\n".join(screen_lines(app))
        await keys(pilot, "shift+tab")
        return first, last, shown, say.display

    first, last, shown, said_after = drive(db_path, scenario)
    assert first == (True, FIRST_FIELD)
    assert last == (True, True, LAST_FIELD)
    assert LAST_FIELD in shown
    assert not said_after  # gone once focus moves


# --- 2. a half-written form cannot be left behind ------------------------------------------


def test_c_4_s_h_leaves_nothing_behind_and_c_brings_the_card_back(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "c", "4", "s")  # s on a rating: support, over the card
        assert isinstance(app.screen, SupportScreen)
        card = app.screen_stack[-2]
        assert isinstance(card, CheckInScreen)
        for key in ("h", "t", "e", "r", "g"):  # section keys are off under a form
            await keys(pilot, key)
            assert isinstance(app.screen, SupportScreen), key
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "History" not in titles and "Today" not in titles
        await keys(pilot, "c")  # the open card comes back; no second one
        assert app.screen is card
        assert card.query_one("#mood", Scale).value == 4
        return [type(s).__name__ for s in app.screen_stack]

    stack = drive(db_path, scenario)
    assert stack.count("CheckInScreen") == 1


def test_the_same_keys_in_one_burst_keep_one_card(db_path):
    async def scenario(app, pilot):
        burst(app, "c4shc3")
        await settle(pilot, 6)
        assert isinstance(app.screen, CheckInScreen)
        stack = [type(s).__name__ for s in app.screen_stack]
        card = app.screen
        return (
            stack,
            card.query_one("#mood", Scale).value,
            card.query_one("#intensity", Scale).value,
            app.focused.id,
        )

    # s opened support over the card, h did nothing there, c came back, 3 rated.
    stack, mood, intensity, focused = drive(db_path, scenario)
    assert stack == ["TodayScreen", "CheckInScreen"]
    assert (mood, intensity, focused) == (4, 3, "regulation")


@pytest.mark.parametrize("chord, overlay", [("ctrl+g", SupportScreen), ("f1", HelpScreen)])
@pytest.mark.parametrize("name", ["support form", "rupture form", "check-in card"])
def test_support_and_help_from_inside_a_text_field_come_back_to_it(db_path, name, chord, overlay):
    async def scenario(app, pilot):
        form = await open_form(app, pilot, name)
        field = next(w for w in form.form_fields() if isinstance(w, (Input, TextArea)))
        form.set_focus(field)
        await settle(pilot)
        await type_text(pilot, "half a thought")
        footer = screen_lines(app)[-1]
        await keys(pilot, chord)
        opened = isinstance(app.screen, overlay)
        await keys(pilot, "h", "escape")
        value = field.value if isinstance(field, Input) else field.text
        return footer, opened, app.screen is form, app.focused is field, value

    footer, opened, back, refocused, value = drive(db_path, scenario)
    assert "^g Support" in footer and "f1 Help" in footer
    assert opened and back and refocused
    assert value == "half a thought"


def test_the_help_lists_the_support_chord():
    from tracker.app.app import TrackerApp

    groups = key_groups(TrackerApp)
    support_rows = [row for g in groups for row in g.rows if row.description == "Support"]
    assert any("ctrl+g" in row.keys for row in support_rows)
    card = next(g for g in groups if g.title == "Check-in")
    assert any(row.keys == ("ctrl+g",) and row.description == "Support" for row in card.rows)


# --- 3. every way of quitting asks when something would be lost -----------------------------


@pytest.mark.parametrize("name", list(FORMS))
def test_ctrl_q_asks_before_losing_what_was_typed(db_path, store, name):
    seed_experiment(store)

    async def scenario(app, pilot):
        form = await open_form(app, pilot, name)
        field = next(w for w in form.form_fields() if isinstance(w, (Input, TextArea)))
        form.set_focus(field)
        await settle(pilot)
        await type_text(pilot, "x")
        await keys(pilot, "ctrl+q")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        await keys(pilot, "ctrl+q")  # asked once, not twice
        assert app.screen is dialog
        await keys(pilot, "n")
        assert app.screen is form and app.is_running
        return dialog.question

    question = drive(db_path, scenario)
    assert question.startswith("Quit without saving?")


def test_the_palettes_quit_asks_too_and_yes_quits(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "c", "4", "ctrl+p")
        await type_text(pilot, "quit")
        await settle(pilot, 6)
        await keys(pilot, "enter")
        await settle(pilot, 4)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question.startswith("Quit without saving?")
        await keys(pilot, "y")
        await settle(pilot)
        return app.is_running

    assert drive(db_path, scenario) is False
    assert stored(db_path)[2] == []


def test_quitting_an_untouched_form_does_not_ask(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "r", "n", "ctrl+q")
        await settle(pilot)
        return app.is_running

    assert drive(db_path, scenario) is False


# --- 4. letters typed on a choice never reach the screen's or the app's keys --------------


SENTENCE = "she is hurt"  # no p, w, a, f or o: none of it answers My move


@pytest.mark.parametrize(
    "name, field_id, allowed",
    [
        ("rupture form", "my_move", "press p, w, a, f or o"),
        ("rupture form", "intensity", "press 0, 1, 2, 3, 4 or 5"),
        ("support form", "kind", "press 1, 2, 3 or 4"),
        ("check-in card", "paused", "answer with y / n / -"),
    ],
)
def test_a_sentence_typed_on_a_choice_stays_there_with_a_hint(db_path, name, field_id, allowed):
    async def scenario(app, pilot):
        form = await open_form(app, pilot, name)
        choice = form.query_one(f"#{field_id}")
        form.set_focus(choice)
        await settle(pilot)
        before = choice.value, list(app.screen_stack), app.current_mode
        await type_text(pilot, SENTENCE)
        await settle(pilot)
        after = choice.value, list(app.screen_stack), app.current_mode
        return (before == after, app.focused is choice, choice.hint, "\n".join(screen_lines(app)))

    unchanged, focused, hint, shown = drive(db_path, scenario)
    assert unchanged and focused  # the same answer, screens and section: nothing opened
    assert hint.startswith(allowed) and hint in shown
    assert stored(db_path)[0] == []


def test_letters_on_a_rating_never_leave_the_card(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "c")
        mood = app.screen.query_one("#mood", Scale)
        await type_text(pilot, "the end")
        return app.screen, mood.value, mood.hint

    screen, value, hint = drive(db_path, scenario)
    assert isinstance(screen, CheckInScreen)
    assert value is None and hint == "a digit, 1 to 5"


# --- 5. focus shows without colour ---------------------------------------------------------


def focus_marks(lines: list[str], top: int, bottom: int) -> list[int]:
    """Rows between ``top`` and ``bottom`` that carry a focus mark: the heavy frame of
    a text field, "▸" before a question, "›" before a card field's name."""
    return [
        y
        for y in range(max(top, 0), min(bottom, len(lines)))
        if "┏" in lines[y] or "▸" in lines[y] or lines[y][:3].strip() == "›"
    ]


@pytest.mark.parametrize("name", list(FORMS))
def test_the_field_with_focus_is_marked_in_characters(db_path, store, name):
    seed_experiment(store)

    async def scenario(app, pilot):
        form = await open_form(app, pilot, name)
        seen = []
        for field in form.form_fields():
            form.set_focus(field)
            await settle(pilot)
            lines = screen_lines(app)
            region = field.region
            label_above = 0 if isinstance(field, (KeyPick, OneKeyField)) else 2
            mine = focus_marks(lines, region.y - label_above, region.bottom)
            elsewhere = [
                y
                for y in focus_marks(lines, 0, len(lines))
                if not region.y - label_above <= y < region.bottom
            ]
            seen.append((field.id, bool(mine), elsewhere))
        return seen

    for field_id, marked, elsewhere in drive(db_path, scenario):
        assert marked, f"{name}: {field_id} shows no focus mark"
        assert not elsewhere, f"{name}: {field_id} focused, marks also on rows {elsewhere}"


# --- 6. the first focus is the first field -------------------------------------------------


@pytest.mark.parametrize("name", list(FORMS))
def test_focus_starts_on_the_first_field_shown(db_path, store, name):
    seed_experiment(store)

    async def scenario(app, pilot):
        form = await open_form(app, pilot, name)
        focused = app.focused
        others = [
            w
            for w in form.query("*")
            if w.focusable and w is not focused and w.display and w.region.height
        ]
        return focused.id, focused.region, [(w.id, w.region) for w in others]

    focused_id, region, others = drive(db_path, scenario)
    for other_id, other in others:
        above = other.bottom <= region.y
        left_on_the_same_rows = other.y < region.bottom and other.right <= region.x
        assert not (above or left_on_the_same_rows), (
            f"{name}: {other_id} is shown before {focused_id}, where focus starts"
        )


def test_the_rupture_form_starts_on_with_whom_and_keeps_when_in_view(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "r", "n")
        form = app.screen
        return (app.focused.id, [w.id for w in form.form_fields()], "\n".join(screen_lines(app)))

    focused, order, shown = drive(db_path, scenario)
    assert focused == "people"
    assert order == ["people", "what_happened", "my_move", "intensity", "note", "next_time", "day"]
    assert "With whom" in shown and "When" in shown and "today" in shown
    assert shown.index("With whom") < shown.index("When")


def test_a_rupture_on_another_day_is_saved_on_the_day_typed(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "r", "n")
        await type_text(pilot, "Sam")
        for _ in range(6):
            await keys(pilot, "tab")
        assert app.focused.id == "day"
        await type_text(pilot, "yesterday")
        await keys(pilot, "shift+tab", "shift+tab", "shift+tab", "shift+tab")
        assert app.focused.id == "my_move"
        await keys(pilot, "f", "ctrl+s")

    drive(db_path, scenario)
    [rupture] = stored(db_path)[1]
    assert (rupture.day, rupture.my_move) == ("2026-11-27", "froze")


def test_an_enter_to_confirm_an_answer_does_not_skip_the_next_field_either(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "s", "n")
        await type_text(pilot, "Samaritans")
        await keys(pilot, "enter", "2", "enter")
        assert app.focused.id == "how_to_reach"
        await type_text(pilot, "116 123")
        await keys(pilot, "enter")
        await type_text(pilot, "call any time")
        await keys(pilot, "enter")  # enter in the last field saves

    drive(db_path, scenario)
    [line] = stored(db_path)[0]
    assert (line.name, line.kind, line.how_to_reach, line.note) == (
        "Samaritans",
        "crisis line",
        "116 123",
        "call any time",
    )
