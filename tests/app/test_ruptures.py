"""Ruptures and repairs, driven by keys through Textual's Pilot; the database decides."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.binding import Binding
from textual.widgets import Input, Static

from tests.app.pilot import GLOBAL_KEYS, burst, drive, keys, type_text
from tests.conftest import FROZEN_TODAY
from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.screens.record_form import FormBody
from tracker.app.screens.rupture_form import RepairedOnDialog, RuptureForm
from tracker.app.screens.ruptures import RupturesScreen
from tracker.app.widgets.recordlist import RecordList
from tracker.models import REPAIR_STEPS, Rupture
from tracker.store import Store
from tracker.wording import ago_words, day_label

TODAY = FROZEN_TODAY.isoformat()
YESTERDAY = (FROZEN_TODAY - dt.timedelta(days=1)).isoformat()


def list_lines(listing: RecordList) -> list[str]:
    """The list as drawn, one string per screen row."""
    return [listing.render_line(y).text for y in range(listing.size.height)]


def ruptures(db_path) -> list[Rupture]:
    with Store.open(db_path) as store:
        return store.ruptures()


def seed(store: Store, **changes) -> Rupture:
    data = {
        "day": "2026-11-25",
        "people": ["Sam"],
        "my_move": "pursued",
        "what_happened": "I kept texting",
        "intensity": 4,
    }
    data.update(changes)
    return store.save_rupture(Rupture.create(data))


def test_empty_screen_explains_rupture_and_repair(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "r")
        assert isinstance(app.screen, RupturesScreen)
        empty = app.screen.query_one("#rup-empty", Static)
        assert empty.display
        return str(empty.content)

    text = drive(db_path, scenario)
    assert "repair" in text and "Press [b]n[/b]" in text


@pytest.mark.slow
def test_log_a_rupture_with_few_keys(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "r", "n")
        assert isinstance(app.screen, RuptureForm)
        assert app.focused.id == "people"  # "when" is already today
        await type_text(pilot, "Sam")
        await keys(pilot, "enter")
        await type_text(pilot, "I went quiet at dinner")
        await keys(pilot, "tab", "w", "3", "ctrl+s")
        assert isinstance(app.screen, RupturesScreen)

    drive(db_path, scenario)
    [r] = ruptures(db_path)
    assert (r.day, r.people, r.what_happened, r.my_move, r.intensity) == (
        TODAY,
        ("Sam",),
        "I went quiet at dinner",
        "withdrew",
        3,
    )
    assert r.repaired_on is None
    assert r.steps_taken == ()


@pytest.mark.parametrize(
    "key, move", [("p", "pursued"), ("a", "attacked"), ("f", "froze"), ("o", "other")]
)
def test_each_move_is_one_key(db_path, key, move):
    async def scenario(app, pilot):
        await keys(pilot, "r", "n")
        app.screen.query_one("#my_move").focus()
        await keys(pilot, key, "ctrl+s")

    drive(db_path, scenario)
    [r] = ruptures(db_path)
    assert r.my_move == move
    assert r.people == ()


@pytest.mark.slow
def test_when_yesterday_and_a_known_name_completes(db_path, store):
    seed(store, people=["Samira"])

    async def scenario(app, pilot):
        await keys(pilot, "r", "n")
        # "When" is the last stop of tab, empty (today) until something is typed.
        app.screen.query_one("#day").focus()
        await pilot.pause()
        assert app.focused.id == "day"
        await type_text(pilot, "yesterday")
        app.screen.query_one("#people").focus()
        await pilot.pause()
        await type_text(pilot, "partner, Sa")
        await keys(pilot, "right")  # accept the suggestion
        assert app.focused.value == "partner, Samira"
        app.screen.query_one("#my_move").focus()
        await keys(pilot, "f", "5", "ctrl+s")

    drive(db_path, scenario)
    new = next(r for r in ruptures(db_path) if r.my_move == "froze")
    assert new.day == YESTERDAY
    assert set(new.people) == {"partner", "Samira"}
    assert new.intensity == 5


def test_a_missing_move_is_explained_and_nothing_is_saved(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "r", "n")
        await type_text(pilot, "Sam")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, RuptureForm)
        assert app.focused.id == "my_move"
        return str(app.screen.query_one("#rf-error", Static).content)

    assert drive(db_path, scenario) == "My move is needed: press p, w, a, f or o for what you did."
    assert ruptures(db_path) == []


def test_tick_repair_steps_as_they_happen(db_path, store):
    rupture = seed(store)

    async def scenario(app, pilot):
        await keys(pilot, "r", "1", "3", "5")
        middle = ruptures(db_path)[0]
        await keys(pilot, "3")  # untick
        detail = str(app.screen.query_one("#rup-detail-text", Static).content)
        return middle, detail

    middle, detail = drive(db_path, scenario)
    assert middle.steps_taken == ("acknowledged it", "took accountability", "talked about needs")
    [r] = ruptures(db_path)
    assert r.id == rupture.id
    assert (
        r.acknowledged,
        r.apologised,
        r.took_accountability,
        r.repair_attempt,
        r.talked_needs,
    ) == (1, 0, 0, 0, 1)
    assert "[x] acknowledged it" in detail and "[ ] took accountability" in detail


def test_mark_repaired_today_and_undo(db_path, store):
    seed(store)

    async def scenario(app, pilot):
        await keys(pilot, "r", "m")
        repaired = ruptures(db_path)[0]
        detail = str(app.screen.query_one("#rup-detail-text", Static).content)
        await keys(pilot, "m", "y")  # asks, then moves it back
        return repaired, detail

    repaired, detail = drive(db_path, scenario)
    assert repaired.repaired_on == TODAY
    assert "repaired after 3 days" in detail
    assert ruptures(db_path)[0].repaired_on is None


@pytest.mark.slow
def test_mark_repaired_on_another_day(db_path, store):
    seed(store)

    async def scenario(app, pilot):
        await keys(pilot, "r", "M")
        assert isinstance(app.screen, RepairedOnDialog)
        await type_text(pilot, "2026-11-20")  # before the rupture: refused
        await keys(pilot, "enter")
        assert isinstance(app.screen, RepairedOnDialog)
        error = str(app.screen.query_one("#repaired-error", Static).content)
        app.screen.query_one("#repaired_on", Input).value = "2026-11-26"
        await keys(pilot, "enter")
        assert isinstance(app.screen, RupturesScreen)
        return error

    error = drive(db_path, scenario)
    assert "2026-11-25" in error
    assert ruptures(db_path)[0].repaired_on == "2026-11-26"


def test_unrepaired_first_with_days_since_and_time_to_repair(db_path, store):
    old = seed(store, day="2026-11-10", repaired_on="2026-11-12", people=["Mum"])
    recent = seed(store, day="2026-11-25")

    async def scenario(app, pilot):
        await keys(pilot, "r")
        listing = app.screen.query_one("#rup-list", RecordList)
        summary = app.screen.query_one("#rup-summary", Static)
        return (
            listing.highlighted_id,
            [(o.id, str(o.prompt)) for o in listing.options],
            (app.screen.title, app.screen.sub_title),
            str(summary.content),
        )

    highlighted, prompts, titles, summary = drive(db_path, scenario)
    ids = [i for i, _ in prompts]
    assert highlighted == recent.id
    assert ids.index(recent.id) < ids.index(old.id)
    assert "3 days ago" in dict(prompts)[recent.id]
    assert "repaired after 2 days" in dict(prompts)[old.id]
    # The title stays short (it fits 80 columns); the figures are a line of the body.
    assert titles[0] == "Ruptures and repairs" and not titles[1]
    assert summary == "1 not yet repaired · 1 repaired, typically within 2 days"


def test_what_happened_uses_the_width_of_the_list(db_path, store):
    words = (
        "We argued about the chores and I went quiet for the whole evening, "
        "then I left the room without a word"
    )
    seed(store, what_happened=words)

    async def scenario(app, pilot):
        await keys(pilot, "r")
        return list_lines(app.screen.query_one("#rup-list", RecordList))

    lines = drive(db_path, scenario)  # 80 columns
    [line] = [line.strip() for line in lines if "We argued" in line]
    assert line.startswith(words[:60])  # far more than the old 36 characters
    assert line.endswith("…") and len(line) <= 80
    assert not any("without a word" in other for other in lines)  # cut, not wrapped


def test_dates_in_other_years_show_the_year_and_long_spans_read_plainly(db_path, store):
    old = seed(store, day="2023-02-03", people=["Priya"])
    seed(store, day="2025-12-30", repaired_on="2026-01-02", people=["Mum"])

    async def scenario(app, pilot):
        await keys(pilot, "r")
        listing = app.screen.query_one("#rup-list", RecordList)
        listing.highlight_record(old.id)
        await pilot.pause()
        detail = str(app.screen.query_one("#rup-detail-text", Static).content)
        return [str(o.prompt) for o in listing.options], detail

    prompts, detail = drive(db_path, scenario)
    text = "\n".join(prompts)
    assert "With Priya · 3 years, 9 months ago" in text
    assert "With Mum · Tue 30 Dec 2025 · repaired after 3 days" in text
    assert "Fri 3 Feb 2023" in detail and "3 years, 9 months ago" in detail
    assert "days ago" not in detail


def test_day_and_age_words():
    today = FROZEN_TODAY
    assert day_label("2026-11-25", today) == "Wed 25 Nov"
    assert day_label("2025-11-25", today) == "Tue 25 Nov 2025"
    assert [ago_words(today - dt.timedelta(days=n), today) for n in (0, 1, 3, 60)] == [
        "today",
        "yesterday",
        "3 days ago",
        "60 days ago",
    ]
    assert ago_words("2026-09-28", today) == "2 months ago"
    assert ago_words("2025-11-28", today) == "1 year ago"
    assert ago_words("2025-10-27", today) == "1 year, 1 month ago"
    assert ago_words("2023-02-03", today) == "3 years, 9 months ago"


def test_the_form_opens_at_its_intro_with_people_focused(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "r", "n")
        form = app.screen
        assert isinstance(form, RuptureForm)
        body = form.query_one(FormBody)
        hint = form.query_one(".rf-hint", Static)
        day = form.query_one("#day", Input)
        return app.focused.id, body.scroll_y, hint.region, day.region, body.region

    focused, scroll_y, hint, day, body = drive(db_path, scenario)  # 80x24
    assert focused == "people"
    assert scroll_y == 0
    assert body.contains_region(hint) and body.contains_region(day)


@pytest.mark.slow
def test_tab_or_enter_completes_a_known_name_and_then_moves_on(db_path, store):
    seed(store, people=["Samira", "Mum"])

    async def scenario(app, pilot):
        await keys(pilot, "r", "n")
        await type_text(pilot, "partner, Sa")
        await keys(pilot, "tab")  # like the check-in card: tab takes the completion
        people = app.focused
        assert (people.id, people.value) == ("people", "partner, Samira, ")
        await type_text(pilot, "Mu")
        await keys(pilot, "enter")  # enter too
        assert app.focused is people and people.value == "partner, Samira, Mum, "
        await keys(pilot, "enter")  # nothing left to complete: on to what happened
        assert app.focused.id == "what_happened"
        app.screen.query_one("#my_move").focus()
        await keys(pilot, "p", "1", "ctrl+s")

    drive(db_path, scenario)
    new = next(r for r in ruptures(db_path) if r.my_move == "pursued" and r.intensity == 1)
    assert set(new.people) == {"partner", "Samira", "Mum"}


def test_a_burst_of_keys_lands_in_the_right_fields(db_path, store):
    seed(store, people=["Samira"])

    async def scenario(app, pilot):
        await keys(pilot, "r", "n")
        burst(
            app,
            "Sa",
            ("tab",),
            ("enter",),
            "I kept texting, then went quiet",
            ("tab",),
            "w3",
            "Talked it over later",
            ("ctrl+s",),
        )
        for _ in range(4):
            await pilot.pause()
        assert isinstance(app.screen, RupturesScreen)

    drive(db_path, scenario)
    new = next(r for r in ruptures(db_path) if r.my_move == "withdrew")
    assert (new.people, new.what_happened, new.intensity, new.note) == (
        ("Samira",),
        "I kept texting, then went quiet",
        3,
        "Talked it over later",
    )


def test_leaving_an_edit_says_what_is_lost(db_path, store):
    rupture = seed(store)

    async def scenario(app, pilot):
        await keys(pilot, "r", "enter")
        app.screen.query_one("#intensity").focus()
        await keys(pilot, "1", "escape")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        await keys(pilot, "y")
        return dialog.question

    question = drive(db_path, scenario)
    assert question.startswith("Leave without saving your changes?")
    assert ruptures(db_path)[0].intensity == rupture.intensity


@pytest.mark.slow
def test_edit_keeps_steps_and_delete_asks(db_path, store):
    rupture = seed(store, acknowledged=1)

    async def scenario(app, pilot):
        await keys(pilot, "r", "enter")
        assert isinstance(app.screen, RuptureForm)
        app.screen.query_one("#intensity").focus()
        await keys(pilot, "2", "ctrl+s")
        edited = ruptures(db_path)
        await keys(pilot, "d", "n")
        kept = ruptures(db_path)
        await keys(pilot, "d", "y")
        return edited, kept

    edited, kept = drive(db_path, scenario)
    [r] = edited
    assert (r.id, r.intensity, r.acknowledged, r.day, r.happened_at) == (
        rupture.id,
        2,
        1,
        rupture.day,
        rupture.happened_at,
    )
    assert len(kept) == 1
    assert ruptures(db_path) == []


def test_keys_have_ids_descriptions_and_avoid_global_keys():
    for cls in (RupturesScreen, RuptureForm, RepairedOnDialog):
        for binding in Binding.make_bindings(cls.BINDINGS):
            assert binding.id and binding.description, (cls.__name__, binding.key)
    screen_keys = {b.key for b in Binding.make_bindings(RupturesScreen.BINDINGS)}
    assert not screen_keys & GLOBAL_KEYS
    assert {str(n) for n in range(1, len(REPAIR_STEPS) + 1)} <= screen_keys


def test_a_day_that_cannot_be_read_is_explained_as_typed(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "r", "n")
        app.screen.query_one("#day", Input).value = "[3 feb"
        app.screen.query_one("#my_move").focus()
        await keys(pilot, "w", "ctrl+s")
        assert isinstance(app.screen, RuptureForm)
        assert app.focused.id == "day"
        return str(app.screen.query_one("#rf-error", Static).content)

    assert drive(db_path, scenario) == ("When can't be “[3 feb”: please use a date as YYYY-MM-DD.")
    assert ruptures(db_path) == []
