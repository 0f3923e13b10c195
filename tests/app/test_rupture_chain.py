"""Ruptures let rest, the chain around a rupture, next time I'll…, the experiment that
fits, and a repair attempt counted as practice: driven by keys, the database decides."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Static

from tests.app.pilot import drive, keys, screen_lines, settle, type_text
from tests.conftest import FROZEN_TODAY
from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.screens.experiment_form import ExperimentForm
from tracker.app.screens.rupture_form import LetRestOnDialog, PracticeChoice, RuptureForm
from tracker.app.screens.ruptures import RupturesScreen
from tracker.app.screens.today import TodayScreen
from tracker.chain import REPAIR_EXPERIMENT
from tracker.models import CheckIn, Experiment, PracticeLog, Rupture
from tracker.store import Store

TODAY = FROZEN_TODAY.isoformat()
YESTERDAY = (FROZEN_TODAY - dt.timedelta(days=1)).isoformat()


def stored(db_path) -> tuple[list[Rupture], list, list[Experiment]]:
    with Store.open(db_path) as store:
        return store.ruptures(), store.practice_logs(), store.experiments()


def seed(store: Store, **changes) -> Rupture:
    data = {
        "happened_at": "2026-11-25T19:30:00+01:00",
        "people": ["Sam"],
        "my_move": "pursued",
        "what_happened": "I kept texting",
    }
    data.update(changes)
    return store.save_rupture(Rupture.create(data))


def detail(app) -> str:
    return str(app.screen.query_one("#rup-detail-text", Static).content)


def start_repair_experiment(store: Store, title: str = REPAIR_EXPERIMENT) -> Experiment:
    return store.save_experiment(
        Experiment.create(
            title=title,
            practice="One repair attempt",
            started_on="2026-11-20",
            days=30,
            target_count=2,
        )
    )


# --- let rest -----------------------------------------------------------------------------


def test_let_rest_leaves_today_shows_as_let_rest_and_can_be_opened_again(db_path, store):
    seed(store)

    async def scenario(app, pilot):
        await keys(pilot, "t")
        before = "\n".join(screen_lines(app))
        await keys(pilot, "r", "l")
        rested = stored(db_path)[0][0]
        shown = "\n".join(screen_lines(app))
        text = detail(app)
        await keys(pilot, "t")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        today = "\n".join(screen_lines(app))
        await keys(pilot, "r", "l")
        assert isinstance(app.screen, ConfirmDialog)  # opening it again asks first
        await keys(pilot, "y")
        return before, rested, shown, text, today

    before, rested, shown, text, today = drive(db_path, scenario, size=(120, 40))
    assert "With Sam" in before  # Today lists it while open
    assert rested.let_rest_on == TODAY and rested.repaired_on is None
    assert "Let rest" in shown and "Not yet repaired" not in shown
    assert "let rest on Sat 28 Nov" in shown and "repaired the" not in shown
    assert "1 let rest" in shown
    assert "Let rest on Sat 28 Nov" in text and "a choice too" in text
    assert "With Sam" not in today
    [reopened] = stored(db_path)[0]
    assert reopened.let_rest_on is None and reopened.repaired_on is None


def test_let_rest_on_another_day_and_a_day_before_it_is_refused(db_path, store):
    seed(store)

    async def scenario(app, pilot):
        await keys(pilot, "r", "L")
        assert isinstance(app.screen, LetRestOnDialog)
        await type_text(pilot, "2026-11-20")
        await keys(pilot, "enter")
        assert isinstance(app.screen, LetRestOnDialog)
        error = str(app.screen.query_one("#repaired-error", Static).content)
        app.screen.query_one("#let_rest_on", Input).value = "yesterday"
        await keys(pilot, "enter")
        assert isinstance(app.screen, RupturesScreen)
        return error

    error = drive(db_path, scenario)
    assert "let it rest" in error and "2026-11-25" in error
    [r] = stored(db_path)[0]
    assert r.let_rest_on == YESTERDAY


def test_a_repaired_rupture_is_not_let_rest_and_one_let_rest_can_be_repaired(db_path, store):
    repaired = seed(store, repaired_on="2026-11-26")
    rested = seed(store, happened_at="2026-11-24T09:00:00+01:00", let_rest_on="2026-11-26")

    async def scenario(app, pilot):
        await keys(pilot, "r")
        app.screen.record_list.highlight_record(repaired.id)
        await keys(pilot, "l")
        assert isinstance(app.screen, RupturesScreen)  # nothing asked, nothing changed
        app.screen.record_list.highlight_record(rested.id)
        await keys(pilot, "m")  # let rest, then repaired after all

    drive(db_path, scenario)
    by_id = {r.id: r for r in stored(db_path)[0]}
    assert (by_id[repaired.id].repaired_on, by_id[repaired.id].let_rest_on) == ("2026-11-26", None)
    assert (by_id[rested.id].repaired_on, by_id[rested.id].let_rest_on) == (TODAY, None)


# --- the chain, next time, the experiment that fits ----------------------------------------


def test_the_detail_shows_the_checkins_48_hours_either_side(db_path, store):
    seed(store)
    for created, values in [
        ("2026-11-24T21:40:00+01:00", {"pursue": 4, "pursue_acted": 1, "paused": 0}),
        ("2026-11-26T08:10:00+01:00", {"withdraw": 3, "withdraw_acted": 0, "paused": 1}),
        ("2026-11-21T08:00:00+01:00", {"pursue": 5}),  # long before: not in the chain
    ]:
        store.save_checkin(CheckIn.create(day=created[:10], created_at=created, mood=2, **values))

    async def scenario(app, pilot):
        await keys(pilot, "r")
        return detail(app)

    text = drive(db_path, scenario, size=(120, 40))
    chain = text[text.index("Around it") :]
    lines = [line.split() for line in chain.splitlines()]
    assert ["Tue", "24", "Nov", "21:40", "4", "acted", "no"] in lines
    assert ["Thu", "26", "Nov", "08:10", "3", "not", "acted", "yes"] in lines
    assert chain.index("21:40") < chain.index("the rupture") < chain.index("08:10")
    assert "Sat 21 Nov" not in chain


def test_next_time_is_typed_in_the_form_and_shown(db_path, store):
    seed(store)

    async def scenario(app, pilot):
        await keys(pilot, "r", "enter")
        assert isinstance(app.screen, RuptureForm)
        app.screen.query_one("#next_time").focus()
        await pilot.pause()
        await type_text(pilot, "say I need a minute, then come back")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, RupturesScreen)
        return detail(app)

    text = drive(db_path, scenario, size=(120, 40))
    [r] = stored(db_path)[0]
    assert r.next_time == "say I need a minute, then come back"
    assert r.what_happened == "I kept texting"  # the rest is kept
    assert "Next time I'll… say I need a minute, then come back" in text


def test_x_starts_the_experiment_that_fits_prefilled(db_path, store):
    seed(store, repaired_on="2026-11-25")  # pursued, repaired the same day

    async def scenario(app, pilot):
        await keys(pilot, "r")
        before = detail(app)
        await keys(pilot, "x")
        assert isinstance(app.screen, ExperimentForm)
        title = app.screen.query_one("#title", Input).value
        await type_text(pilot, "80")  # focus starts on the belief
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, RupturesScreen)
        return before, title, detail(app)

    before, title, after = drive(db_path, scenario, size=(120, 40))
    assert "x starts “Twenty minutes with the urge”" in before
    assert title == "Twenty minutes with the urge"
    [experiment] = stored(db_path)[2]
    assert (experiment.title, experiment.belief_before, experiment.status) == (title, 80, "active")
    assert "Something to try" not in after  # already running: not suggested again


# --- a repair attempt as practice -----------------------------------------------------------


def test_a_repair_attempt_can_count_as_practice_in_one_go(db_path, store):
    rupture = seed(store)
    experiment = start_repair_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "r", "4")
        assert isinstance(app.screen, PracticeChoice)
        await keys(pilot, "y")
        assert isinstance(app.screen, RupturesScreen)
        text = detail(app)
        return text

    text = drive(db_path, scenario, size=(120, 40))
    [r], [log], _ = stored(db_path)
    assert r.repair_attempt == 1
    assert (log.experiment_id, log.rupture_id, log.day, log.done) == (
        experiment.id,
        rupture.id,
        TODAY,
        1,
    )
    assert f"Counted as practice of “{REPAIR_EXPERIMENT}” on Sat 28 Nov" in text


def test_unticking_a_counted_repair_attempt_asks_and_removes_its_log_with_it(db_path, store):
    seed(store)
    start_repair_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "r", "4")
        assert isinstance(app.screen, PracticeChoice)
        await keys(pilot, "y")
        await keys(pilot, "4")  # untick: the log that counts it would go too, so it asks
        assert isinstance(app.screen, ConfirmDialog)
        assert "that log is removed with it" in app.screen.question
        await keys(pilot, "enter")  # a habit: enter keeps both
        assert isinstance(app.screen, RupturesScreen)
        [r], logs, _ = stored(db_path)
        assert r.repair_attempt == 1 and len(logs) == 1
        await keys(pilot, "4")
        assert isinstance(app.screen, ConfirmDialog)
        await keys(pilot, "y")
        assert isinstance(app.screen, RupturesScreen)
        [r], logs, _ = stored(db_path)
        assert r.repair_attempt == 0 and logs == []
        assert "Counted as practice" not in detail(app)
        await keys(pilot, "4")  # ticked again: no log counts it now, so it offers one
        assert isinstance(app.screen, PracticeChoice)
        await keys(pilot, "n")

    drive(db_path, scenario, size=(120, 40))
    [r], logs, _ = stored(db_path)
    assert r.repair_attempt == 1 and logs == []
    with Store.open(db_path) as store_after:
        assert [kind for _id, kind, _at in store_after.tombstones()] == ["practice_logs"]


def test_a_repair_attempt_on_a_day_already_logged_changes_that_log_not_a_second(db_path, store):
    """One log a day: a repair attempt counted on a day already logged (practised, or
    "not this time") makes that day's log practised and linked to the rupture."""
    rupture = seed(store)
    experiment = start_repair_experiment(store)
    store.save_practice_log(
        PracticeLog.create(experiment_id=experiment.id, day=TODAY, done=0, note="not today")
    )

    async def scenario(app, pilot):
        await keys(pilot, "r", "4")
        assert isinstance(app.screen, PracticeChoice)
        await keys(pilot, "y")

    drive(db_path, scenario)
    _, logs, _ = stored(db_path)
    [log] = logs
    assert (log.day, log.done, log.rupture_id, log.note) == (TODAY, 1, rupture.id, "not today")


def test_n_only_ticks_the_step_and_several_experiments_are_chosen_by_number(db_path, store):
    first = seed(store)
    second = seed(store, happened_at="2026-11-24T09:00:00+01:00")
    start_repair_experiment(store)
    other = start_repair_experiment(store, "Come back and repair")

    async def scenario(app, pilot):
        await keys(pilot, "r")
        app.screen.record_list.highlight_record(first.id)
        await keys(pilot, "4")
        assert isinstance(app.screen, PracticeChoice)
        await keys(pilot, "n")
        app.screen.record_list.highlight_record(second.id)
        await keys(pilot, "4")
        assert isinstance(app.screen, PracticeChoice)
        order = [title for _, title in app.screen.choices]
        await keys(pilot, str(order.index(other.title) + 1))

    drive(db_path, scenario)
    ruptures, logs, _ = stored(db_path)
    assert all(r.repair_attempt == 1 for r in ruptures)
    [log] = logs
    assert (log.rupture_id, log.experiment_id) == (second.id, other.id)


def test_without_a_repair_experiment_the_tick_asks_nothing(db_path, store):
    seed(store)
    store.save_experiment(
        Experiment.create(
            title="Three breaths",
            practice="breathe",
            started_on="2026-11-20",
            days=14,
            target_count=3,
        )
    )

    async def scenario(app, pilot):
        await keys(pilot, "r", "4")
        assert isinstance(app.screen, RupturesScreen)

    drive(db_path, scenario)
    [r], logs, _ = stored(db_path)
    assert r.repair_attempt == 1 and logs == []
