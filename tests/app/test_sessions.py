"""Sessions and "bring to my next session" in the app: p records a session, P lists
them, b marks a check-in (History, the card), a rupture, an experiment or a day's
practice; Today says what is coming and how many things are marked."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from tests.app.pilot import drive, keys, screen_lines, settle, type_text
from tracker import clock
from tracker.app.screens.checkin import CheckInScreen
from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.screens.history import HistoryScreen
from tracker.app.screens.practice import PracticeLogCard
from tracker.app.screens.session_form import SessionForm
from tracker.app.screens.sessions import SessionsScreen
from tracker.app.screens.today import TodayScreen
from tracker.models import CheckIn, Experiment, Rupture, Session


def sql(db_path, query: str, *params):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def shown(app) -> str:
    return "\n".join(screen_lines(app))


@pytest.fixture
def some(store):
    """A check-in yesterday, one today, an open rupture and a running experiment."""
    a = store.save_checkin(
        CheckIn.create(
            day="2026-11-27",
            mood=2,
            regulation=1,
            created_at="2026-11-27T20:00:00+01:00",
            note="the quiet after dinner",
        )
    )
    b = store.save_checkin(
        CheckIn.create(
            day="2026-11-28", mood=4, regulation=4, created_at="2026-11-28T08:00:00+01:00"
        )
    )
    rupture = store.save_rupture(
        Rupture.create(day="2026-11-26", my_move="withdrew", people=["Sam"])
    )
    exp = store.save_experiment(
        Experiment.create(
            title="Three breaths",
            practice="Breathe.",
            started_on="2026-11-20",
            days=14,
            target_count=5,
        )
    )
    return {"older": a, "today": b, "rupture": rupture, "experiment": exp}


def test_p_records_a_planned_session_from_anywhere_and_today_shows_it(db_path, some):
    async def scenario(app, pilot):
        today = app.screen
        assert isinstance(today, TodayScreen)
        assert not today.query_one("#today-session").display  # nothing to say yet
        await keys(pilot, "h", "p")
        assert isinstance(app.screen, SessionForm)
        await type_text(pilot, "2026-12-03")
        await keys(pilot, "enter")
        await type_text(pilot, "the quiet after dinner")
        await keys(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await keys(pilot, "t")
        await settle(pilot)
        return shown(app)

    screen = drive(db_path, scenario)
    assert sql(db_path, "SELECT day, agenda FROM sessions") == [
        ("2026-12-03", "the quiet after dinner")
    ]
    assert "Your next session" in screen
    assert "Thu 3 Dec (in 5 days) · agenda: the quiet after dinner" in screen
    assert "Nothing marked to bring yet" in screen


def test_b_in_history_marks_and_unmarks_and_today_counts(db_path, some):
    async def scenario(app, pilot):
        await keys(pilot, "h")
        screen = app.screen
        await keys(pilot, "down", "b")  # the older check-in (newest first)
        assert sql(db_path, "SELECT checkin_id FROM bring_marks") == [(some["older"].id,)]
        assert "◆ to bring · the quiet after dinner" in shown(app)
        await keys(pilot, "up", "b", "b")  # today's: on, then off again
        marked = sql(db_path, "SELECT checkin_id FROM bring_marks")
        await keys(pilot, "t")
        await settle(pilot)
        return marked, shown(app), screen

    marked, today, history = drive(db_path, scenario, size=(120, 30))
    assert marked == [(some["older"].id,)]
    assert "Marked to bring: 1 thing: a check-in · P shows them" in today
    assert "None planned yet. Press p to record one" in today


def test_b_on_the_card_marks_the_check_in_it_saves_but_types_in_the_note(db_path, some):
    async def scenario(app, pilot):
        await keys(pilot, "c")
        card = app.screen
        assert isinstance(card, CheckInScreen)
        assert "Bring" in shown(app) and "b Bring" in shown(app).splitlines()[-1]
        await keys(pilot, "b")
        assert card.bring and "◆ to bring to your next session" in shown(app)
        await keys(pilot, "4")
        card.set_focus(card.query_one("#note"))
        await settle(pilot)
        assert "b Bring" not in shown(app).splitlines()[-1]  # b types here
        await type_text(pilot, "bb")
        assert card.bring  # unchanged
        await keys(pilot, "ctrl+s")
        await settle(pilot)

    drive(db_path, scenario)
    rows = sql(
        db_path, "SELECT c.mood, c.note FROM bring_marks m JOIN checkins c ON c.id = m.checkin_id"
    )
    assert rows == [(4, "bb")]


def test_the_card_shows_and_changes_the_mark_of_a_check_in_it_edits(db_path, some, store):
    store.set_bring("checkin", some["older"].id, True)

    async def scenario(app, pilot):
        app.action_checkin(some["older"].id)
        await settle(pilot)
        card = app.screen
        assert card.bring and card.changed is False
        await keys(pilot, "b")
        assert card.changed  # escape would ask first
        await keys(pilot, "ctrl+s")
        await settle(pilot)

    drive(db_path, scenario)
    assert sql(db_path, "SELECT count(*) FROM bring_marks") == [(0,)]


def test_b_marks_a_rupture_an_experiment_and_a_days_practice(db_path, some):
    async def scenario(app, pilot):
        await keys(pilot, "r", "b")
        rupture_screen = shown(app)
        await keys(pilot, "e", "b", "l")
        assert isinstance(app.screen, PracticeLogCard)
        await keys(pilot, "b")
        assert "◆ To bring to your next session" in shown(app)
        await keys(pilot, "y", "3", "1")
        await settle(pilot)
        return rupture_screen, shown(app)

    rupture_screen, experiments = drive(db_path, scenario, size=(120, 40))
    assert "◆ to bring" in rupture_screen
    assert "◆ Marked to bring to your next session" in rupture_screen
    kinds = sql(
        db_path,
        "SELECT (rupture_id IS NOT NULL), (experiment_id IS NOT NULL), "
        "(practice_log_id IS NOT NULL) FROM bring_marks ORDER BY rowid",
    )
    assert kinds == [(1, 0, 0), (0, 1, 0), (0, 0, 1)]
    assert sql(db_path, "SELECT count(*) FROM practice_logs") == [(1,)]
    assert "Three breaths  ◆ to bring" in experiments


def test_after_the_session_day_marks_show_as_brought(db_path, some, store):
    store.save_session(Session.create(day="2026-11-30"))
    store.set_bring("checkin", some["older"].id, True)

    def history_after(day: str) -> str:
        clock.freeze(dt.date.fromisoformat(day))

        async def scenario(app, pilot):
            await keys(pilot, "h")
            history = shown(app)
            await keys(pilot, "t")
            await settle(pilot)
            return history + "\n" + shown(app)

        return drive(db_path, scenario, size=(100, 30))

    on_the_day = history_after("2026-11-30")
    assert "◆ to bring" in on_the_day and "Today (Mon 30 Nov)" in on_the_day
    assert "Marked to bring: 1 thing: a check-in" in on_the_day
    after = history_after("2026-12-01")
    assert "✓ brought 30 Nov" in after and "◆ to bring" not in after
    assert "Nothing marked to bring yet" in after and "None planned yet" in after


def test_sessions_list_new_edit_delete(db_path, some, store):
    store.save_session(Session.create(day="2026-11-19", note="we talked about Sam"))

    async def scenario(app, pilot):
        await keys(pilot, "P")
        assert isinstance(app.screen, SessionsScreen)
        listing = shown(app)
        await keys(pilot, "n")
        assert isinstance(app.screen, SessionForm)
        await type_text(pilot, "tomorrow")
        await keys(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        after_new = shown(app)
        await keys(pilot, "enter")  # the new one is highlighted
        assert isinstance(app.screen, SessionForm)
        await keys(pilot, "tab")
        await type_text(pilot, "one thing")
        await keys(pilot, "ctrl+s")
        await settle(pilot)
        await keys(pilot, "down", "d")  # the past one
        assert isinstance(app.screen, ConfirmDialog)
        await keys(pilot, "y")
        await settle(pilot)
        await keys(pilot, "escape")
        return listing, after_new, type(app.screen)

    listing, after_new, back = drive(db_path, scenario, size=(80, 24))
    assert "✓ Thu 19 Nov (9 days ago)" in listing
    assert "Coming up" in after_new and "○ Tomorrow, Sun 29 Nov · planned" in after_new
    assert sql(db_path, "SELECT day, agenda FROM sessions") == [("2026-11-29", "one thing")]
    assert back is TodayScreen


def test_a_bad_session_day_is_said_in_the_form_and_nothing_is_saved(db_path, some):
    async def scenario(app, pilot):
        await keys(pilot, "p")
        await type_text(pilot, "someday")
        await keys(pilot, "ctrl+s")
        await settle(pilot)
        return type(app.screen), shown(app)

    screen_type, screen = drive(db_path, scenario)
    assert screen_type is SessionForm
    assert "When can't be “someday”" in screen
    assert sql(db_path, "SELECT count(*) FROM sessions") == [(0,)]


def test_forms_keep_p_and_P_from_walking_away(db_path, some):
    async def scenario(app, pilot):
        await keys(pilot, "r", "n")
        form = app.screen
        form.set_focus(form.query_one("#intensity"))  # a pick that takes digits only
        await keys(pilot, "p", "P")
        return app.screen is form and len(app.screen_stack) == 2

    assert drive(db_path, scenario)
