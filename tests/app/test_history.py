"""History: the table, the filter, edit, delete with confirmation and undo."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.app.pilot import drive
from tracker.app.screens import history
from tracker.app.screens.checkin import CheckInScreen
from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.screens.history import Filter, HistoryScreen, parse_filter
from tracker.models import CheckIn
from tracker.store import Store


async def open_history(app, pilot) -> HistoryScreen:
    await pilot.press("h")
    await pilot.pause()
    assert isinstance(app.screen, HistoryScreen)
    return app.screen


def shown_ids(screen: HistoryScreen) -> list[str]:
    return [c.id for c in screen._rows]


@pytest.fixture
def three(store):
    """Three check-ins on three days (oldest first), with names and text."""
    a = store.save_checkin(
        CheckIn.create(
            day="2026-11-20",
            created_at="2026-11-20T08:00:00+01:00",
            mood=2,
            regulation=1,
            emotions=["anxious", "lonely"],
            people=["Sam"],
            tags=["work"],
            need="to hear back",
            note="Waited all day for a reply.",
        )
    )
    b = store.save_checkin(
        CheckIn.create(
            day="2026-11-24",
            created_at="2026-11-24T21:30:00+01:00",
            mood=4,
            regulation=4,
            emotions=["calm"],
            people=["Aunt May"],
            tags=["family visit"],
            note="Called her and it helped.",
        )
    )
    c = store.save_checkin(
        CheckIn.create(
            day="2026-11-27",
            created_at="2026-11-27T12:15:00+01:00",
            mood=3,
            emotions=["anxious"],
            tags=["bad sleep"],
            need="some quiet",
        )
    )
    return a, b, c


def test_parse_filter():
    assert parse_filter("") == Filter()
    assert parse_filter('emotion:anxious person:"Aunt May" tag:work called her') == Filter(
        text="called her", emotion="anxious", person="Aunt May", tag="work"
    )
    assert parse_filter("with:Sam emotion:") == Filter(person="Sam")
    assert parse_filter('person:"Aunt') == Filter(person="Aunt")  # still typing


def test_checkins_are_listed_newest_first(db_path, three):
    a, b, c = three

    async def scenario(app, pilot):
        screen = await open_history(app, pilot)
        table = screen.table
        assert table.row_count == 3
        first = [str(cell) for cell in table.get_row_at(0)]
        assert first[0] == "2026-11-27" and first[1] == "12:15" and first[2] == "3 meh"
        emotions, note = [list(table.columns).index(key) for key in ("emotions", "note")]
        assert "anxious" in first[emotions] and "needed: some quiet" in first[note]
        return shown_ids(screen)

    assert drive(db_path, scenario) == [c.id, b.id, a.id]


def test_an_empty_history_says_what_to_do(db_path):
    async def scenario(app, pilot):
        screen = await open_history(app, pilot)
        return str(screen.query_one("#history-status").render())

    assert "Press c" in drive(db_path, scenario)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("emotion:anxious", "ac"),
        ("person:sam", "a"),
        ('person:"Aunt May"', "b"),
        ("tag:work", "a"),
        ("helped", "b"),
        ("quiet", "c"),  # words are found in needs too
        ("emotion:anxious quiet", "c"),
        ("emotion:joyful", ""),
    ],
)
@pytest.mark.slow
def test_the_filter(db_path, three, query, expected):
    ids = dict(zip("abc", (x.id for x in three), strict=True))

    async def scenario(app, pilot):
        screen = await open_history(app, pilot)
        await pilot.press("slash")
        assert app.focused is screen.query_one("#history-filter")
        await pilot.press(*query, "enter")
        await pilot.pause()
        assert app.focused is screen.table  # enter goes back to the table
        return set(shown_ids(screen)), str(screen.query_one("#history-status").render())

    shown, status = drive(db_path, scenario)
    assert shown == {ids[letter] for letter in expected}
    if not expected:
        assert "Nothing matches" in status


def test_escape_clears_the_filter(db_path, three):
    async def scenario(app, pilot):
        screen = await open_history(app, pilot)
        await pilot.press("slash", *"tag:work", "enter")
        await pilot.pause()
        assert len(screen._rows) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert screen.query_one("#history-filter").value == ""
        return len(screen._rows)

    assert drive(db_path, scenario) == 3


def test_delete_asks_first_and_undo_brings_it_back_whole(db_path, three):
    a, b, c = three

    async def scenario(app, pilot):
        screen = await open_history(app, pilot)
        await pilot.press("down", "down")  # the oldest: a
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and len(screen._rows) == 3
        with Store.open(db_path) as store:
            assert store.get_checkin(a.id) is not None  # "no" deleted nothing

        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert shown_ids(screen) == [c.id, b.id]
        with Store.open(db_path) as store:
            assert store.get_checkin(a.id) is None
            assert store.checkin_count() == 2

        await pilot.press("u")
        await pilot.pause()
        assert shown_ids(screen) == [c.id, b.id, a.id]
        assert screen.table.cursor_row == 2  # the cursor is on the one brought back

    drive(db_path, scenario)
    with Store.open(db_path) as store:
        back = store.get_checkin(a.id)
    # every field, with its emotions, people and tags; changed now (a later moment than
    # its deletion, which a sync may have carried elsewhere already)
    assert back == a.with_changes(updated_at=back.updated_at)
    assert dt.datetime.fromisoformat(back.updated_at) > dt.datetime.fromisoformat(a.updated_at)


def test_undo_with_nothing_deleted_does_nothing(db_path, three):
    async def scenario(app, pilot):
        screen = await open_history(app, pilot)
        await pilot.press("u")
        await pilot.pause()
        return len(screen._rows)

    assert drive(db_path, scenario) == 3


def test_enter_opens_the_selected_checkin_on_its_card(db_path, three):
    a, b, c = three

    async def scenario(app, pilot):
        screen = await open_history(app, pilot)
        await pilot.press("down")  # b
        await pilot.press("enter")
        await pilot.pause()
        card = app.screen
        assert isinstance(card, CheckInScreen) and card.existing.id == b.id
        await pilot.press("5", "ctrl+s")  # mood 4 -> 5
        await pilot.pause()
        assert app.screen is screen
        assert screen._selected().id == b.id  # still on the edited row
        assert str(screen.table.get_row_at(1)[2]) == "5 great"

    drive(db_path, scenario)
    with Store.open(db_path) as store:
        edited = store.get_checkin(b.id)
        assert store.checkin_count() == 3
    assert edited.mood == 5 and edited.emotions == ("calm",)
    assert edited.created_at == b.created_at


def test_more_rows_are_loaded_on_request(db_path, store, monkeypatch):
    monkeypatch.setattr(history, "PAGE", 2)
    for day in range(1, 6):
        store.save_checkin(CheckIn.create(day=f"2026-11-0{day}", mood=3))

    async def scenario(app, pilot):
        screen = await open_history(app, pilot)
        counts = [len(screen._rows)]
        for _ in range(3):
            await pilot.press("m")
            await pilot.pause()
            counts.append(len(screen._rows))
        return counts, screen.has_more

    counts, has_more = drive(db_path, scenario)
    assert counts == [2, 4, 5, 5] and not has_more


def test_every_key_has_an_id_and_a_description():
    for binding in HistoryScreen.BINDINGS + CheckInScreen.BINDINGS:
        assert binding.id and binding.description


def test_end_and_home_jump_to_the_oldest_and_newest_rows(db_path, store):
    store.save_checkins(
        CheckIn.create(mood=1 + i % 5, day=f"2026-10-{1 + i % 28:02d}") for i in range(60)
    )

    async def scenario(app, pilot):
        screen = await open_history(app, pilot)
        table = screen.table
        table.focus()
        await pilot.press("end")
        await pilot.pause()
        at_end = table.cursor_row
        await pilot.press("home")
        await pilot.pause()
        return at_end, table.cursor_row, table.row_count

    at_end, at_home, rows = drive(db_path, scenario)
    assert (at_end, at_home) == (rows - 1, 0)
