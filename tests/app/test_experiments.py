"""The Experiments screen, driven by keys through Textual's Pilot; the database decides."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Static

from tests.app.pilot import GLOBAL_KEYS, burst, drive, keys, type_text
from tests.conftest import FROZEN_TODAY
from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.screens.experiment_form import (
    CompleteForm,
    ExperimentForm,
    LibraryPicker,
    SetAsideDialog,
)
from tracker.app.screens.experiments import ExperimentsScreen
from tracker.app.screens.practice import ExperimentChooser, PracticeLogCard
from tracker.app.widgets.recordlist import RecordList
from tracker.models import Experiment, PracticeLog
from tracker.shipped import experiment_library
from tracker.store import Store

TODAY = FROZEN_TODAY.isoformat()


async def settle(pilot, times: int = 4) -> None:
    for _ in range(times):
        await pilot.pause()


def experiments(db_path) -> list[Experiment]:
    with Store.open(db_path) as store:
        return store.experiments()


def logs(db_path, experiment_id: str) -> list[PracticeLog]:
    with Store.open(db_path) as store:
        return store.practice_logs(experiment_id)


def seed_experiment(store: Store, **changes) -> Experiment:
    data = {
        "title": "Three breaths",
        "practice": "When a message stings, I breathe.",
        "prediction": "I'll miss my chance.",
        "belief_before": 70,
        "started_on": "2026-11-25",
        "days": 14,
        "target_count": 5,
    }
    data.update(changes)
    return store.save_experiment(Experiment.create(data))


# --- starting ---------------------------------------------------------------------


def test_empty_screen_says_what_an_experiment_is_and_which_key_starts_one(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "e")
        assert isinstance(app.screen, ExperimentsScreen)
        empty = app.screen.query_one("#exp-empty", Static)
        assert empty.display
        return str(empty.content)

    text = drive(db_path, scenario)
    assert "No experiments yet" in text
    assert "Press [b]n[/b]" in text


def test_start_from_the_library_with_a_typed_belief(db_path):
    first = experiment_library()[0]

    async def scenario(app, pilot):
        await keys(pilot, "e", "n")
        assert isinstance(app.screen, LibraryPicker)
        await keys(pilot, "down", "enter")  # past "from scratch" to the first in the library
        assert isinstance(app.screen, ExperimentForm)
        assert app.focused.id == "belief_before"  # the words are filled in; belief is not
        await type_text(pilot, "70")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, ExperimentsScreen)

    drive(db_path, scenario)
    [exp] = experiments(db_path)
    assert (exp.title, exp.practice, exp.prediction) == (
        first["title"],
        first["practice"],
        first["prediction"],
    )
    assert exp.belief_before == 70
    assert exp.started_on == TODAY
    assert exp.ends_on == (FROZEN_TODAY + dt.timedelta(days=first["days"] - 1)).isoformat()
    assert exp.target_count == first["target_count"]
    assert exp.status == "active"


@pytest.mark.slow
def test_library_words_can_be_changed_before_starting(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "e", "n", "down", "enter")
        # From belief, back through the other way, prediction and practice to the
        # name; focus never selects it, so clear it (ctrl+u) before typing the new one.
        await keys(pilot, "shift+tab", "shift+tab", "shift+tab", "shift+tab")
        assert app.focused.id == "title"
        await keys(pilot, "ctrl+u")
        await type_text(pilot, "My own breaths")
        await keys(pilot, "ctrl+s")

    drive(db_path, scenario)
    [exp] = experiments(db_path)
    assert exp.title == "My own breaths"
    assert exp.practice == experiment_library()[0]["practice"]


@pytest.mark.slow
def test_start_from_scratch_with_days_or_an_end_day(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "e", "n", "enter")  # "from scratch" is highlighted first
        form = app.screen
        assert isinstance(form, ExperimentForm)
        assert app.focused.id == "title"
        await type_text(pilot, "Ask first")
        await keys(pilot, "tab")
        await type_text(pilot, "When I assume, I will ask how they see it.")
        await keys(pilot, "tab")
        await type_text(pilot, "They will think I'm needy.")
        await keys(pilot, "tab", "tab")  # no other way written
        await type_text(pilot, "80")
        # Past the other way's belief, how I'll know, what I'll drop and the cue,
        # and the start day (kept: today).
        await keys(pilot, "tab", "tab", "tab", "tab", "tab", "tab")
        assert app.focused.id == "ends_on"
        await type_text(pilot, "7")
        await keys(pilot, "tab")
        await type_text(pilot, "3")  # target: empty, showing the default 5
        hint = str(form.query_one("#period-hint", Static).content)
        assert "Sat 28 Nov to Fri 4 Dec (7 days)" in hint
        await keys(pilot, "ctrl+s")

        await keys(pilot, "n", "enter")
        await type_text(pilot, "Let it sit")
        await keys(pilot, "tab")
        await type_text(pilot, "When I send a message, I won't check for an hour.")
        app.screen.query_one("#ends_on", Input).value = "2026-12-20"
        await keys(pilot, "ctrl+s")

    drive(db_path, scenario)
    by_title = {e.title: e for e in experiments(db_path)}
    ask = by_title["Ask first"]
    assert ask.practice == "When I assume, I will ask how they see it."
    assert ask.prediction == "They will think I'm needy."
    assert (ask.belief_before, ask.target_count) == (80, 3)
    assert (ask.started_on, ask.ends_on) == (TODAY, "2026-12-04")
    sit = by_title["Let it sit"]
    assert sit.ends_on == "2026-12-20"
    assert sit.belief_before is None


@pytest.mark.slow
def test_a_missing_practice_is_explained_and_nothing_is_saved(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "e", "n", "enter")
        await type_text(pilot, "No practice yet")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, ExperimentForm)
        error = app.screen.query_one("#rf-error", Static)
        assert error.display
        assert app.focused.id == "practice"
        return str(error.content)

    message = drive(db_path, scenario)
    assert message == "The practice is needed: write what you will do, in your own words."
    assert experiments(db_path) == []


@pytest.mark.slow
def test_a_belief_above_100_is_refused(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "e", "n", "down", "enter")
        await type_text(pilot, "150")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, ExperimentForm)
        return str(app.screen.query_one("#rf-error", Static).content)

    assert drive(db_path, scenario) == (
        "Belief in the prediction can't be 150: please use a whole number from 0 to 100."
    )
    assert experiments(db_path) == []


@pytest.mark.slow
def test_escape_from_a_changed_form_asks_first(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "e", "n", "enter")
        await type_text(pilot, "Half typed")
        await keys(pilot, "escape")
        assert app.screen.__class__.__name__ == "ConfirmDialog"
        await keys(pilot, "n")  # keep editing
        assert isinstance(app.screen, ExperimentForm)
        await keys(pilot, "escape", "y")
        assert isinstance(app.screen, ExperimentsScreen)

    drive(db_path, scenario)
    assert experiments(db_path) == []


# --- the list ---------------------------------------------------------------------


def test_active_experiments_come_first_with_progress(db_path, store):
    done = seed_experiment(
        store,
        title="Finished one",
        status="completed",
        belief_after=30,
        ended_on="2026-11-27",
        started_on="2026-11-01",
    )
    active = seed_experiment(store, title="Running one")
    store.save_practice_log(
        PracticeLog.create(
            experiment_id=active.id, day="2026-11-26", done=1, distress_before=3, distress_after=1
        )
    )

    async def scenario(app, pilot):
        await keys(pilot, "e")
        listing = app.screen.query_one("#exp-list", RecordList)
        prompts = [(o.id, str(o.prompt)) for o in listing.options]
        detail = str(app.screen.query_one("#exp-detail-text", Static).content)
        return prompts, detail

    prompts, detail = drive(db_path, scenario)
    assert prompts[0][0] == active.id
    assert "1 of 5" in prompts[0][1]
    assert "belief 70% at the start" in prompts[0][1]
    assert "day 4 of 14" in prompts[0][1]
    finished = next(p for i, p in prompts if i == done.id)
    assert "belief 70% → 30%" in finished
    assert [i for i, _ in prompts].index(done.id) > 0
    # The selected (active) one's practice log is shown.
    assert "Thu 26 Nov" in detail and "distress 3 → 1" in detail


# --- logging practice in four keys ------------------------------------------------


def test_log_todays_practice_in_four_keys(db_path, store):
    """Without a prediction written down there is no question about it: four keys."""
    exp = seed_experiment(store, prediction=None)

    async def scenario(app, pilot):
        await keys(pilot, "e")
        assert isinstance(app.screen, ExperimentsScreen)
        await keys(pilot, "l", "y", "3", "1")  # the four keys
        assert isinstance(app.screen, ExperimentsScreen)
        return str(app.screen.query_one("#exp-detail-text", Static).content)

    detail = drive(db_path, scenario)
    [log] = logs(db_path, exp.id)
    assert (log.day, log.done, log.distress_before, log.distress_after, log.note) == (
        TODAY,
        1,
        3,
        1,
        None,
    )
    assert "Sat 28 Nov" in detail and "distress 3 → 1" in detail


def test_with_a_prediction_the_card_asks_how_far_it_happened(db_path, store):
    exp = seed_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "e", "l", "y", "3", "1")
        card = app.screen
        assert isinstance(card, PracticeLogCard)  # the digit for "after" no longer saves
        assert app.focused.id == "happened"
        shown = str(card.query_one("#happened-field Static", Static).content)
        await keys(pilot, "[")  # typed in a field: no other day (the field takes digits)
        await type_text(pilot, "20")
        await keys(pilot, "enter")
        assert isinstance(app.screen, ExperimentsScreen)
        return shown

    shown = drive(db_path, scenario)
    assert "How far did what you predicted happen? 0-100" in shown
    assert "I'll miss my chance." in shown
    [log] = logs(db_path, exp.id)
    assert (log.day, log.done, log.distress_before, log.distress_after) == (TODAY, 1, 3, 1)
    assert log.prediction_happened == 20


@pytest.mark.slow
def test_logging_again_today_changes_the_same_entry(db_path, store):
    exp = seed_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "e", "l", "y", "3", "1", "enter")
        await keys(pilot, "l")
        card = app.screen
        assert isinstance(card, PracticeLogCard)
        assert card.query_one("#done").value == 1  # what was logged is shown
        await keys(pilot, "n", "y")  # not this time (y: the day was practised; its answers go)

    drive(db_path, scenario)
    [log] = logs(db_path, exp.id)
    assert (log.done, log.distress_before, log.distress_after) == (0, None, None)


@pytest.mark.slow
def test_a_note_is_one_tab_away_and_enter_saves(db_path, store):
    exp = seed_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "e", "l", "y", "2", "tab")
        assert app.focused.id == "note"
        await type_text(pilot, "Breathing helped")
        await keys(pilot, "enter")  # distress after is still open: focus goes there
        assert app.focused.id == "distress_after"
        await keys(pilot, "0", "enter")  # (how far the prediction happened: left empty)

    drive(db_path, scenario)
    [log] = logs(db_path, exp.id)
    assert (log.done, log.distress_before, log.distress_after, log.note) == (
        1,
        2,
        0,
        "Breathing helped",
    )


@pytest.mark.slow
def test_distress_can_be_skipped_and_escape_saves_nothing(db_path, store):
    exp = seed_experiment(store, prediction=None)

    async def scenario(app, pilot):
        await keys(pilot, "e", "l", "escape")
        assert isinstance(app.screen, ExperimentsScreen)
        assert logs(db_path, exp.id) == []
        await keys(pilot, "l", "y", "minus", "minus")

    drive(db_path, scenario)
    [log] = logs(db_path, exp.id)
    assert (log.done, log.distress_before, log.distress_after) == (1, None, None)


def test_not_this_time_saves_at_once_and_asks_nothing_more(db_path, store):
    exp = seed_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "e", "l", "n")
        return app.screen

    assert isinstance(drive(db_path, scenario), ExperimentsScreen)
    [log] = logs(db_path, exp.id)
    assert (log.done, log.distress_before, log.distress_after, log.prediction_happened) == (
        0,
        None,
        None,
        None,
    )


# --- completing and setting aside -------------------------------------------------


@pytest.mark.slow
def test_complete_asks_outcome_belief_after_and_learned(db_path, store):
    exp = seed_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "e", "x")
        assert isinstance(app.screen, CompleteForm)
        await type_text(pilot, "They answered kindly")
        await keys(pilot, "tab")
        await type_text(pilot, "25")
        await keys(pilot, "tab")
        await type_text(pilot, "Waiting is survivable")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)  # plan a next experiment?
        await keys(pilot, "n")
        assert isinstance(app.screen, ExperimentsScreen)

    drive(db_path, scenario)
    [done] = experiments(db_path)
    assert done.id == exp.id
    assert (done.status, done.outcome, done.belief_after, done.learned, done.ended_on) == (
        "completed",
        "They answered kindly",
        25,
        "Waiting is survivable",
        TODAY,
    )
    assert done.belief_before == 70  # kept


@pytest.mark.slow
def test_set_aside_is_allowed_and_kind(db_path, store):
    exp = seed_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "e", "a")
        dialog = app.screen
        assert isinstance(dialog, SetAsideDialog)
        question = str(dialog.query_one("#dialog-question", Static).content)
        await type_text(pilot, "Not the right time")
        await keys(pilot, "enter")
        detail = str(app.screen.query_one("#exp-detail-text", Static).content)
        return question, detail

    question, detail = drive(db_path, scenario)
    assert "isn't a failure" in question
    assert "What you noticed still counts." in detail
    [dropped] = experiments(db_path)
    assert dropped.id == exp.id
    assert (dropped.status, dropped.learned, dropped.ended_on) == (
        "dropped",
        "Not the right time",
        TODAY,
    )


@pytest.mark.slow
def test_finished_experiments_cannot_be_logged_or_completed(db_path, store):
    exp = seed_experiment(store, status="dropped", ended_on="2026-11-27")

    async def scenario(app, pilot):
        await keys(pilot, "e", "l", "x", "a")
        return app.screen

    assert isinstance(drive(db_path, scenario), ExperimentsScreen)
    assert logs(db_path, exp.id) == []
    assert experiments(db_path)[0].status == "dropped"


@pytest.mark.slow
def test_edit_and_delete_after_confirmation(db_path, store):
    exp = seed_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "e", "enter")
        assert isinstance(app.screen, ExperimentForm)
        assert app.focused.id == "title"
        await keys(pilot, "ctrl+u")  # focus never selects the name: clear it first
        await type_text(pilot, "Three slow breaths")
        await keys(pilot, "ctrl+s")
        edited = experiments(db_path)
        await keys(pilot, "d", "n")  # keep it
        kept = experiments(db_path)
        await keys(pilot, "d", "y")
        return edited, kept

    edited, kept = drive(db_path, scenario)
    assert [(e.id, e.title, e.belief_before) for e in edited] == [
        (exp.id, "Three slow breaths", 70)
    ]
    assert len(kept) == 1
    assert experiments(db_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_works_at_both_sizes(db_path, store, size):
    seed_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "e", "l", "y", "4", "2", "enter")
        return app.screen.query_one("#exp-list").region, app.screen.query_one("#exp-detail").region

    list_region, detail_region = drive(db_path, scenario, size=size)
    assert list_region.right <= size[0] and detail_region.right <= size[0]
    assert detail_region.height >= 5
    assert len(logs(db_path, experiments(db_path)[0].id)) == 1


def test_keys_have_ids_descriptions_and_avoid_global_keys():
    from textual.binding import Binding

    for cls in (
        ExperimentsScreen,
        ExperimentForm,
        CompleteForm,
        PracticeLogCard,
        ExperimentChooser,
        SetAsideDialog,
        LibraryPicker,
    ):
        for binding in Binding.make_bindings(cls.BINDINGS):
            assert binding.id, (cls.__name__, binding.key)
            assert binding.description, (cls.__name__, binding.key)
    screen_keys = {b.key for b in Binding.make_bindings(ExperimentsScreen.BINDINGS)}
    assert not screen_keys & GLOBAL_KEYS


@pytest.mark.slow
def test_support_is_one_key_away_from_the_log_card(db_path, store):
    from tracker.app.screens.support import SupportScreen

    exp = seed_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "e", "l", "s")
        assert isinstance(app.screen, SupportScreen)
        await keys(pilot, "escape")
        assert isinstance(app.screen, PracticeLogCard)
        await keys(pilot, "y", "1", "0", "enter")

    drive(db_path, scenario)
    [log] = logs(db_path, exp.id)
    assert (log.done, log.distress_before, log.distress_after) == (1, 1, 0)


def test_without_a_belief_after_only_the_start_is_shown(db_path, store):
    dropped = seed_experiment(
        store, title="Set aside one", belief_before=60, status="dropped", ended_on="2026-11-27"
    )
    active = seed_experiment(store, title="Running one")

    async def scenario(app, pilot):
        await keys(pilot, "e")
        listing = app.screen.query_one("#exp-list", RecordList)
        details = {}
        for exp in (dropped, active):
            listing.highlight_record(exp.id)
            await pilot.pause()
            details[exp.id] = str(app.screen.query_one("#exp-detail-text", Static).content)
        return {o.id: str(o.prompt) for o in listing.options if o.id}, details

    prompts, details = drive(db_path, scenario)
    assert "belief 60% at the start" in prompts[dropped.id]
    assert "belief 70% at the start" in prompts[active.id]
    assert "Belief in it: 60% at the start\n" in details[dropped.id]
    assert (
        "Belief in it: 70% at the start (asked again when you complete it)" in (details[active.id])
    )
    for text in (*prompts.values(), *details.values()):
        assert "→ …" not in text and "… at the end" not in text


def test_dates_in_other_years_show_the_year(db_path, store):
    old = seed_experiment(
        store,
        title="Long ago",
        started_on="2020-08-14",
        days=14,
        status="completed",
        belief_after=40,
        ended_on="2020-08-27",
    )
    store.save_practice_log(
        PracticeLog.create(
            experiment_id=old.id, day="2020-08-20", done=1, distress_before=2, distress_after=1
        )
    )

    async def scenario(app, pilot):
        await keys(pilot, "e")
        listing = app.screen.query_one("#exp-list", RecordList)
        return (
            str(listing.get_option(old.id).prompt),
            str(app.screen.query_one("#exp-detail-text", Static).content),
        )

    prompt, detail = drive(db_path, scenario)
    assert "completed Thu 27 Aug 2020" in prompt
    assert "Period: Fri 14 Aug to Thu 27 Aug 2020 (14 days)" in detail
    assert "Completed Thu 27 Aug 2020" in detail
    assert "Thu 20 Aug 2020" in detail


def test_complete_typed_in_one_burst_lands_in_each_field(db_path, store):
    """Keys that arrive faster than focus moves (tmux, a paste) still find their field."""
    exp = seed_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "e", "x")
        assert isinstance(app.screen, CompleteForm)
        burst(
            app,
            "Waiting was ok",
            ("tab",),
            "20",
            ("tab",),
            "The moment does not pass that fast",
            ("ctrl+s",),
        )
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # plan a next experiment?
        await keys(pilot, "n")
        assert isinstance(app.screen, ExperimentsScreen)

    drive(db_path, scenario)
    [done] = experiments(db_path)
    assert done.id == exp.id
    assert (done.status, done.outcome, done.belief_after, done.learned) == (
        "completed",
        "Waiting was ok",
        20,
        "The moment does not pass that fast",
    )


@pytest.mark.slow
def test_a_new_experiment_typed_in_one_burst(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "e", "n", "enter")
        assert isinstance(app.screen, ExperimentForm)
        burst(
            app,
            "Ask first",
            ("enter",),
            "When I assume, I will ask.",
            ("tab",),
            "They will mind.",
            ("tab",),
            "Maybe they won't.",
            ("tab",),
            "80",
            ("enter",),
            "20",
            ("enter",),
            "They sigh or change the subject.",
            ("tab",),
            "Explaining why I ask.",
            ("tab",),
            "p",
            ("enter",),
            ("enter",),
            "7",
            ("enter",),
            "3",
            ("ctrl+s",),
        )
        await settle(pilot)
        assert isinstance(app.screen, ExperimentsScreen)

    drive(db_path, scenario)
    [exp] = experiments(db_path)
    assert (
        exp.title,
        exp.practice,
        exp.prediction,
        exp.belief_before,
        exp.target_count,
        exp.started_on,
        exp.ends_on,
    ) == ("Ask first", "When I assume, I will ask.", "They will mind.", 80, 3, TODAY, "2026-12-04")
    assert (
        exp.alternative_belief,
        exp.alternative_before,
        exp.how_i_will_know,
        exp.safety_behaviours,
        exp.cue,
    ) == (
        "Maybe they won't.",
        20,
        "They sigh or change the subject.",
        "Explaining why I ask.",
        "planned",
    )


def test_the_four_log_keys_in_one_burst(db_path, store):
    exp = seed_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "e")
        burst(app, "l", "y", "3", "1", "35", ("enter",))
        await settle(pilot)
        assert isinstance(app.screen, ExperimentsScreen)

    drive(db_path, scenario)
    [log] = logs(db_path, exp.id)
    assert (log.done, log.distress_before, log.distress_after) == (1, 3, 1)
    assert log.prediction_happened == 35


def test_a_note_in_one_burst_on_the_log_card(db_path, store):
    exp = seed_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "e", "l")
        # The note first; enter goes back to the question still open, and n saves.
        burst(app, ("tab",), "Too tired", ("enter",), "n")
        await settle(pilot)
        assert isinstance(app.screen, ExperimentsScreen)

    drive(db_path, scenario)
    [log] = logs(db_path, exp.id)
    assert (log.done, log.distress_before, log.distress_after, log.note) == (
        0,
        None,
        None,
        "Too tired",
    )


@pytest.mark.slow
def test_leaving_an_edit_says_what_is_lost(db_path, store):
    exp = seed_experiment(store)

    async def scenario(app, pilot):
        await keys(pilot, "e", "enter")
        hint = str(app.screen.query_one(".rf-hint", Static).content)
        assert "starts it" not in hint and "[b]ctrl+s[/b] saves" in hint
        await type_text(pilot, "Changed name")
        await keys(pilot, "escape")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        await keys(pilot, "y")
        return dialog.question

    assert drive(db_path, scenario).startswith("Leave without saving your changes?")
    assert experiments(db_path)[0].title == exp.title
