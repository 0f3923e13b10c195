"""Ruptures and repairs, driven by keys through Textual's Pilot; the database decides."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from textual.binding import Binding
from textual.widgets import Input, Static

from tests.conftest import FROZEN_TODAY
from tracker.app.app import TrackerApp
from tracker.app.screens.rupture_form import RepairedOnDialog, RuptureForm
from tracker.app.screens.ruptures import RupturesScreen
from tracker.app.widgets.recordlist import RecordList
from tracker.models import REPAIR_STEPS, Rupture
from tracker.store import Store

TODAY = FROZEN_TODAY.isoformat()
YESTERDAY = (FROZEN_TODAY - dt.timedelta(days=1)).isoformat()
GLOBAL_KEYS = {"t", "c", "h", "e", "r", "g", "s", "question_mark"}


def drive(db_path, scenario, size=(80, 24)):
    async def main():
        app = TrackerApp(db_path)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            result = await scenario(app, pilot)
            await pilot.pause()
        return result

    return asyncio.run(main())


async def keys(pilot, *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
        await pilot.pause()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[("space" if ch == " " else ch) for ch in text])
    await pilot.pause()


def ruptures(db_path) -> list[Rupture]:
    with Store.open(db_path) as store:
        return store.ruptures()


def seed(store: Store, **changes) -> Rupture:
    data = {"day": "2026-11-25", "people": ["Sam"], "my_move": "pursued",
            "what_happened": "I kept texting", "intensity": 4}
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
        TODAY, ("Sam",), "I went quiet at dinner", "withdrew", 3)
    assert r.repaired_on is None
    assert r.steps_taken == ()


@pytest.mark.parametrize("key, move", [("p", "pursued"), ("a", "attacked"),
                                       ("f", "froze"), ("o", "other")])
def test_each_move_is_one_key(db_path, key, move):
    async def scenario(app, pilot):
        await keys(pilot, "r", "n")
        app.screen.query_one("#my_move").focus()
        await keys(pilot, key, "ctrl+s")

    drive(db_path, scenario)
    [r] = ruptures(db_path)
    assert r.my_move == move
    assert r.people == ()


def test_when_yesterday_and_a_known_name_completes(db_path, store):
    seed(store, people=["Samira"])

    async def scenario(app, pilot):
        await keys(pilot, "r", "n")
        await keys(pilot, "shift+tab")
        assert app.focused.id == "day"
        await type_text(pilot, "yesterday")  # replaces "today" (selected on focus)
        await keys(pilot, "tab")
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

    assert drive(db_path, scenario).startswith("My move:")
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
    assert middle.steps_taken == ("acknowledged it", "took accountability",
                                  "talked about needs")
    [r] = ruptures(db_path)
    assert r.id == rupture.id
    assert (r.acknowledged, r.apologised, r.took_accountability, r.repair_attempt,
            r.talked_needs) == (1, 0, 0, 0, 1)
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
        return (listing.highlighted_id, [(o.id, str(o.prompt)) for o in listing.options],
                app.screen.sub_title)

    highlighted, prompts, subtitle = drive(db_path, scenario)
    ids = [i for i, _ in prompts]
    assert highlighted == recent.id
    assert ids.index(recent.id) < ids.index(old.id)
    assert "3 days ago" in dict(prompts)[recent.id]
    assert "repaired after 2 days" in dict(prompts)[old.id]
    assert subtitle == "1 not yet repaired · 1 repaired, typically within 2 days"


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
        rupture.id, 2, 1, rupture.day, rupture.happened_at)
    assert len(kept) == 1
    assert ruptures(db_path) == []


def test_keys_have_ids_descriptions_and_avoid_global_keys():
    for cls in (RupturesScreen, RuptureForm, RepairedOnDialog):
        for binding in Binding.make_bindings(cls.BINDINGS):
            assert binding.id and binding.description, (cls.__name__, binding.key)
    screen_keys = {b.key for b in Binding.make_bindings(RupturesScreen.BINDINGS)}
    assert not screen_keys & GLOBAL_KEYS
    assert {str(n) for n in range(1, len(REPAIR_STEPS) + 1)} <= screen_keys
