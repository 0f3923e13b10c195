"""The check-in card, driven by keys through Textual's Pilot; the database decides."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input, Static, TextArea

from tests.app.pilot import drive
from tests.conftest import FROZEN_TODAY
from tracker.app.screens.checkin import CheckInScreen
from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.widgets.names import NameSuggester
from tracker.app.widgets.scale import Choice, Scale
from tracker.models import CheckIn
from tracker.store import Store

TODAY = FROZEN_TODAY.isoformat()


def saved(db_path) -> list[CheckIn]:
    with Store.open(db_path) as store:
        return store.checkins()


async def open_card(app, pilot) -> CheckInScreen:
    await pilot.press("c")
    await pilot.pause()
    assert isinstance(app.screen, CheckInScreen)
    return app.screen


def ratings(c: CheckIn) -> tuple:
    return (
        c.day,
        c.mood,
        c.intensity,
        c.regulation,
        c.pursue,
        c.withdraw,
        c.pursue_acted,
        c.withdraw_acted,
        c.paused,
    )


# --- the seven keys ----------------------------------------------------------------


def test_seven_keys_save_a_checkin_for_today(db_path):
    async def scenario(app, pilot):
        await pilot.press("c")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#mood")  # focus starts on mood
        await pilot.press("4", "2", "3", "1", "0", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, CheckInScreen)  # the card has closed
        assert "Today" in app.screen.title

    drive(db_path, scenario)
    [checkin] = saved(db_path)
    assert ratings(checkin) == (TODAY, 4, 2, 3, 1, 0, None, None, None)
    assert checkin.emotions == checkin.people == checkin.tags == ()
    assert checkin.need is None and checkin.note is None


@pytest.mark.slow
def test_y_after_an_urge_records_that_it_was_acted_on(db_path):
    async def scenario(app, pilot):
        screen = await open_card(app, pilot)
        await pilot.press("4", "2", "3", "1")
        assert app.focused is screen.query_one("#pursue_acted")  # the question appears
        await pilot.press("y", "0", "ctrl+s")

    drive(db_path, scenario)
    [checkin] = saved(db_path)
    assert ratings(checkin) == (TODAY, 4, 2, 3, 1, 0, 1, None, None)


@pytest.mark.slow
def test_withdraw_acted_and_paused_take_one_key_each(db_path):
    async def scenario(app, pilot):
        screen = await open_card(app, pilot)
        await pilot.press("3", "4", "1", "0", "5")
        assert app.focused is screen.query_one("#withdraw_acted")
        await pilot.press("n")
        assert app.focused is screen.query_one("#paused")
        await pilot.press("y")
        assert app.focused is screen.query_one("#emotions-input")
        await pilot.press("ctrl+s")

    drive(db_path, scenario)
    [checkin] = saved(db_path)
    assert ratings(checkin) == (TODAY, 3, 4, 1, 0, 5, None, 0, 1)


def test_a_burst_of_keys_typed_faster_than_the_screen_redraws(db_path):
    """All six keys arrive before any of them is handled: each still finds its field."""

    async def scenario(app, pilot):
        await open_card(app, pilot)
        for key in ("4", "2", "3", "1", "y", "0"):
            app.post_message(events.Key(key, key))
        app.post_message(events.Key("ctrl+s", None))
        await pilot.pause()
        await pilot.pause()

    drive(db_path, scenario)
    [checkin] = saved(db_path)
    assert ratings(checkin) == (TODAY, 4, 2, 3, 1, 0, 1, None, None)


def test_a_burst_from_the_home_screen(db_path):
    async def scenario(app, pilot):
        for key in ("c", "4", "2", "3", "1", "0"):
            app.post_message(events.Key(key, key))
        app.post_message(events.Key("ctrl+s", None))
        for _ in range(4):
            await pilot.pause()

    drive(db_path, scenario)
    [checkin] = saved(db_path)
    assert ratings(checkin) == (TODAY, 4, 2, 3, 1, 0, None, None, None)


# --- the scales ---------------------------------------------------------------------


def test_out_of_range_digits_change_nothing_and_say_why(db_path):
    async def scenario(app, pilot):
        screen = await open_card(app, pilot)
        mood = screen.query_one("#mood", Scale)
        await pilot.press("0")  # mood goes from 1
        assert mood.value is None and app.focused is mood
        assert "1 to 5" in mood.hint
        await pilot.press("9")
        assert mood.value is None and app.focused is mood
        await pilot.press("3", "7")  # 7 is beyond intensity's 5
        intensity = screen.query_one("#intensity", Scale)
        assert mood.value == 3 and intensity.value is None and app.focused is intensity
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")  # leave without saving
        await pilot.pause()

    drive(db_path, scenario)
    assert saved(db_path) == []


def test_arrows_and_backspace_change_a_rating(db_path):
    async def scenario(app, pilot):
        screen = await open_card(app, pilot)
        mood = screen.query_one("#mood", Scale)
        await pilot.press("2", "shift+tab")
        assert app.focused is mood
        await pilot.press("right", "right")
        assert mood.value == 4
        await pilot.press("left")
        assert mood.value == 3
        await pilot.press("backspace")
        assert mood.value is None
        await pilot.press("5", "ctrl+s")

    drive(db_path, scenario)
    [checkin] = saved(db_path)
    assert (checkin.mood, checkin.intensity) == (5, None)


@pytest.mark.slow
def test_an_urge_put_back_to_zero_forgets_its_acted_answer(db_path):
    async def scenario(app, pilot):
        screen = await open_card(app, pilot)
        await pilot.press("4", "2", "3", "2", "y")
        acted = screen.query_one("#pursue_acted", Choice)
        assert acted.value == 1 and acted.display
        screen.set_focus(screen.query_one("#pursue"))
        await pilot.press("0")
        await pilot.pause()
        assert not acted.display and acted.value is None
        assert app.focused is screen.query_one("#withdraw")  # the question is skipped
        await pilot.press("ctrl+s")

    drive(db_path, scenario)
    [checkin] = saved(db_path)
    assert (checkin.pursue, checkin.pursue_acted) == (0, None)


def test_each_scale_says_what_its_numbers_mean(db_path):
    async def scenario(app, pilot):
        screen = await open_card(app, pilot)
        await pilot.press("4", "2")
        regulation = screen.query_one("#regulation", Scale)
        focused_text = str(regulation.render_line(1).text) + str(regulation.render_line(2).text)
        mood_line = str(screen.query_one("#mood", Scale).render_line(0).text)
        return focused_text, mood_line

    focused_text, mood_line = drive(db_path, scenario, size=(120, 40))
    assert "0 swept away" in focused_text and "5 steady" in focused_text
    assert "[4]" in mood_line and "good" in mood_line


# --- names, need, note -----------------------------------------------------------------


@pytest.mark.slow
def test_emotions_people_tags_need_and_note_are_saved(db_path):
    async def scenario(app, pilot):
        screen = await open_card(app, pilot)
        await pilot.press("4", "2", "3", "0", "0", "y")
        assert app.focused is screen.query_one("#emotions-input")
        await pilot.press(*"anx")
        await pilot.pause()
        await pilot.press("tab")  # takes the completion: "anxious, "
        assert screen.query_one("#emotions-input", Input).value == "anxious, "
        await pilot.press(*"wistful", "enter", "enter")  # a new word, then move on
        assert app.focused is screen.query_one("#people-input")
        await pilot.press(*"Sam", "tab")  # nothing to complete: moves on
        assert app.focused is screen.query_one("#tags-input")
        await pilot.press(*"work", "tab")
        assert app.focused is screen.query_one("#need")
        await pilot.press(*"to be heard", "tab")
        assert app.focused is screen.query_one("#note", TextArea)
        await pilot.press(*"Long day", "enter", *"but ok", "ctrl+s")

    drive(db_path, scenario)
    [checkin] = saved(db_path)
    assert checkin.emotions == ("anxious", "wistful")
    assert checkin.people == ("Sam",)
    assert checkin.tags == ("work",)
    assert checkin.need == "to be heard"
    assert checkin.note == "Long day\nbut ok"
    with Store.open(db_path) as store:
        assert "wistful" in store.emotion_vocabulary()  # a new word joins the vocabulary


def test_the_names_input_completes_only_what_adds_to_the_word():
    """One input for every comma-separated list (this card, the rupture form)."""
    names = NameSuggester(["Sam", "Samira", "Mum", "Sam"])
    assert names.names == ["Sam", "Samira", "Mum"]
    assert names.completion("partner, Sa") == "partner, Sam"
    assert names.completion("mu") == "Mum"  # spelt as known
    assert names.completion("Sam") is None  # already a name: nothing to add
    assert names.completion("Sam, sa") == "Sam, Samira"  # a chosen name is not offered
    assert names.completion("Sam, ") is None and names.completion("Bo") is None


def test_people_and_tags_complete_from_earlier_checkins(db_path, store):
    store.save_checkin(
        CheckIn.create(mood=3, people=["Sam", "Aunt May"], tags=["work"], day="2026-11-20")
    )

    async def scenario(app, pilot):
        screen = await open_card(app, pilot)
        screen.set_focus(screen.query_one("#people-input"))
        await pilot.press(*"au")
        await pilot.pause()
        await pilot.press("tab")
        await pilot.press(*"s")
        await pilot.pause()
        await pilot.press("enter")
        assert screen.query_one("#people-input", Input).value == "Aunt May, Sam, "
        screen.set_focus(screen.query_one("#mood"))
        await pilot.press("3", "ctrl+s")

    drive(db_path, scenario)
    newest = saved(db_path)[0]
    assert newest.day == TODAY and newest.people == ("Aunt May", "Sam")


# --- editing, other days ------------------------------------------------------------------


def test_editing_changes_the_checkin_and_keeps_its_id(db_path, store):
    original = store.save_checkin(
        CheckIn.create(
            day="2026-11-27",
            created_at="2026-11-27T08:00:00+01:00",
            mood=2,
            intensity=4,
            regulation=1,
            pursue=3,
            pursue_acted=1,
            emotions=["sad"],
            people=["Sam"],
            need="rest",
            note="first draft",
        )
    )

    async def scenario(app, pilot):
        app.action_checkin(original.id)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CheckInScreen) and "Edit" in screen.title
        assert screen.query_one("#mood", Scale).value == 2  # pre-filled
        assert screen.query_one("#pursue_acted", Choice).value == 1
        assert screen.query_one("#emotions-input", Input).value == "sad"
        assert screen.query_one("#note", TextArea).text == "first draft"
        await pilot.press("4")  # mood 2 -> 4, focus moves on
        screen.set_focus(screen.query_one("#emotions-input"))
        await pilot.press("end", *", calm", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, CheckInScreen)

    drive(db_path, scenario)
    [edited] = saved(db_path)
    assert edited.id == original.id
    assert edited.created_at == original.created_at
    assert edited.updated_at != original.updated_at
    assert edited.day == "2026-11-27"
    assert (edited.mood, edited.intensity, edited.regulation) == (4, 4, 1)
    assert (edited.pursue, edited.pursue_acted) == (3, 1)
    assert edited.emotions == ("calm", "sad")
    assert edited.people == ("Sam",) and edited.need == "rest"


def test_a_checkin_for_an_earlier_day(db_path):
    async def scenario(app, pilot):
        screen = await open_card(app, pilot)
        await pilot.press("]")  # tomorrow is refused
        assert screen.day == FROZEN_TODAY
        await pilot.press("[", "[")
        text = str(screen.query_one("#day-text", Static).render())
        assert "Thursday 26 November 2026" in text and "2 days ago" in text
        await pilot.press("3", "ctrl+s")

    drive(db_path, scenario)
    [checkin] = saved(db_path)
    assert (checkin.day, checkin.mood) == ("2026-11-26", 3)


def test_a_card_opened_for_a_day_starts_on_that_day(db_path):
    async def scenario(app, pilot):
        app.push_screen(CheckInScreen(day="2026-11-01"))
        await pilot.pause()
        await pilot.press("5", "ctrl+s")

    drive(db_path, scenario)
    assert saved(db_path)[0].day == "2026-11-01"


# --- leaving, errors -------------------------------------------------------------------------


def test_escape_asks_before_losing_what_was_entered(db_path):
    async def scenario(app, pilot):
        screen = await open_card(app, pilot)
        await pilot.press("4", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#mood", Scale).value == 4
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")  # leave
        await pilot.pause()
        assert not isinstance(app.screen, (CheckInScreen, ConfirmDialog))

    drive(db_path, scenario)
    assert saved(db_path) == []


def test_escape_on_an_untouched_card_leaves_at_once(db_path):
    async def scenario(app, pilot):
        await open_card(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (CheckInScreen, ConfirmDialog))

    drive(db_path, scenario)
    assert saved(db_path) == []


def test_saving_without_a_mood_shows_why_and_saves_nothing(db_path):
    async def scenario(app, pilot):
        screen = await open_card(app, pilot)
        screen.set_focus(screen.query_one("#need"))
        await pilot.press(*"quiet", "ctrl+s")
        await pilot.pause()
        assert app.screen is screen  # still on the card
        error = screen.query_one("#error-mood", Static)
        assert error.has_class("shown")
        assert "1 (awful) to 5 (great)" in str(error.render())
        assert app.focused is screen.query_one("#mood")  # taken to the field
        await pilot.press("3")
        assert not error.has_class("shown")  # the message goes once it is fixed

    drive(db_path, scenario)
    assert saved(db_path) == []


def test_a_name_too_long_is_shown_next_to_its_field(db_path):
    async def scenario(app, pilot):
        screen = await open_card(app, pilot)
        await pilot.press("3")
        screen.query_one("#tags-input", Input).value = "x" * 61
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        error = screen.query_one("#error-tags", Static)
        assert error.has_class("shown") and "60 characters" in str(error.render())
        assert app.focused is screen.query_one("#tags-input")
        assert not screen.query_one("#error-mood").has_class("shown")

    drive(db_path, scenario)
    assert saved(db_path) == []


# --- a busy database ---------------------------------------------------------------------


def test_a_busy_database_keeps_the_card_open_and_lets_it_be_saved_again(db_path):
    """Another program (a sqlite3 shell, Datasette) holds the write lock past the wait:
    the card stays with everything on it and says why; once free, ctrl+s saves.

    (The other program's connection is made with the SQLite library tracker uses for
    a plain file, Python's: in one process, SQLite keeps connections of *one* library
    from each other's locks; another library beside it would share the process's
    POSIX locks unseen: tracker.store.engine.)"""
    import sqlite3

    async def scenario(app, pilot):
        app.store.conn.execute("PRAGMA busy_timeout = 200")  # (30 s in real use)
        other = sqlite3.connect(str(db_path), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await open_card(app, pilot)
            await pilot.press("4", "2", "3", "ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, CheckInScreen)  # still here, nothing lost
            messages = [n.message for n in app._notifications]
            assert any("is busy" in m and "ctrl+s saves it" in m for m in messages)
        finally:
            other.execute("ROLLBACK")
            other.close()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, CheckInScreen)

    drive(db_path, scenario)
    [checkin] = saved(db_path)
    assert (checkin.mood, checkin.intensity, checkin.regulation) == (4, 2, 3)


# --- a time for an earlier day -----------------------------------------------------------


def test_a_card_for_an_earlier_day_takes_the_time_it_happened(db_path):
    async def scenario(app, pilot):
        card = await open_card(app, pilot)
        time_field = card.query_one("#time", Input)
        assert not time_field.display  # today's check-in happens now
        await pilot.press("[", "[")
        await pilot.pause()
        assert time_field.display
        await pilot.press("4")
        time_field.focus()
        await pilot.pause()
        await pilot.press(*"21:40")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, CheckInScreen)

    drive(db_path, scenario)
    [checkin] = saved(db_path)
    assert checkin.day == "2026-11-26"
    assert checkin.created_at.startswith("2026-11-26T21:40:00")


def test_a_bad_time_on_the_card_is_named_and_the_card_stays(db_path):
    async def scenario(app, pilot):
        card = await open_card(app, pilot)
        await pilot.press("[", "4")
        card.query_one("#time", Input).focus()
        await pilot.pause()
        await pilot.press(*"25:00", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        error = str(card.query_one("#error-day", Static).content)
        assert "HH:MM" in error or "time" in error.lower()

    drive(db_path, scenario)
    assert saved(db_path) == []
