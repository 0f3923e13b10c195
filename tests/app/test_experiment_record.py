"""The whole behavioural-experiment record in the app: the form's new fields, their
Tab order, completing with both beliefs, the next experiment, and the detail."""

from __future__ import annotations

import datetime as dt

import pytest
from textual import events
from textual.widgets import Input, Static, TextArea

from tests.app.pilot import drive, keys, type_text
from tests.conftest import FROZEN_TODAY
from tracker import charts
from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.screens.experiment_form import CUE_OPTIONS, CompleteForm, ExperimentForm
from tracker.app.screens.experiments import ExperimentsScreen
from tracker.app.screens.record_form import FormBody
from tracker.app.widgets.keypick import KeyPick
from tracker.models import EXPERIMENT_CUES, Experiment, PracticeLog
from tracker.shipped import experiment_library
from tracker.store import Store

TODAY = FROZEN_TODAY.isoformat()

FORM_ORDER = [
    "title",
    "practice",
    "prediction",
    "alternative_belief",
    "belief_before",
    "alternative_before",
    "how_i_will_know",
    "safety_behaviours",
    "cue",
    "started_on",
    "ends_on",
    "target_count",
]


def experiments(db_path) -> list[Experiment]:
    with Store.open(db_path) as store:
        return store.experiments()


def seed(store: Store, **changes) -> Experiment:
    data = {
        "title": "Three breaths",
        "practice": "When a message stings, I breathe three times first.",
        "prediction": "I'll miss my chance to be understood.",
        "belief_before": 70,
        "alternative_belief": "I'll reply more clearly and still be understood.",
        "alternative_before": 30,
        "how_i_will_know": "They stop answering or say I took too long.",
        "safety_behaviours": "Rereading my message five times",
        "cue": "urge",
        "started_on": (FROZEN_TODAY - dt.timedelta(days=13)).isoformat(),
        "days": 14,
        "target_count": 5,
    }
    data.update(changes)
    return store.save_experiment(Experiment.create(data))


def detail(app) -> str:
    return str(app.screen.query_one("#exp-detail-text", Static).content)


def test_the_cue_keys_are_the_models_cues():
    assert [o.value for o in CUE_OPTIONS] == list(EXPERIMENT_CUES)


# --- the library ------------------------------------------------------------------


def test_every_library_entry_suggests_another_way_and_is_a_valid_experiment():
    library = experiment_library()
    assert len(library) >= 12
    for item in library:
        alternative = item["alternative_belief"]
        assert alternative.strip() and alternative != item["prediction"]
        assert len(alternative) <= 200  # a sentence, not an essay
        assert item.get("cue") in (None, *EXPERIMENT_CUES)
        Experiment.create(
            {**item, "started_on": TODAY, "belief_before": 60, "alternative_before": 40}
        )
    by_title = {item["title"]: item for item in library}
    assert by_title["Three breaths before replying"]["cue"] == "urge"  # pausing before replying
    assert by_title["Let it sit for an hour"]["cue"] == "urge"
    assert by_title["Name the quiet rule"]["cue"] == "planned"


def test_a_library_entry_prefills_the_other_way_and_the_cue(db_path):
    first = experiment_library()[0]

    async def scenario(app, pilot):
        await keys(pilot, "e", "n", "down", "enter")
        form = app.screen
        assert isinstance(form, ExperimentForm)
        assert form.query_one("#alternative_belief", TextArea).text == first["alternative_belief"]
        assert form.query_one("#cue", KeyPick).value == first["cue"]
        assert app.focused.id == "belief_before"
        # The two beliefs side by side, then how I'll know and what I'll drop.
        await type_text(pilot, "70")
        await keys(pilot, "tab")
        await type_text(pilot, "30")
        await keys(pilot, "tab")
        assert app.focused.id == "how_i_will_know"
        await type_text(pilot, "They go quiet for the evening")
        await keys(pilot, "tab")
        await type_text(pilot, "Apologising first")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, ExperimentsScreen)

    drive(db_path, scenario)
    [exp] = experiments(db_path)
    assert (exp.belief_before, exp.alternative_before) == (70, 30)
    assert exp.alternative_belief == first["alternative_belief"]
    assert exp.how_i_will_know == "They go quiet for the evening"
    assert exp.safety_behaviours == "Apologising first"
    assert exp.cue == "urge"
    assert exp.follows_id is None


# --- the form ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_tab_goes_through_the_fields_in_order_and_each_comes_into_view(db_path, size):
    async def scenario(app, pilot):
        await keys(pilot, "e", "n", "enter")  # from scratch
        form = app.screen
        assert isinstance(form, ExperimentForm)
        body = form.query_one(FormBody)
        seen = []
        for _ in FORM_ORDER:
            focused = app.focused
            seen.append(focused.id)
            await pilot.pause()
            # The field with focus is on screen, inside the scrolling body.
            visible = body.region
            assert focused.region.y >= visible.y, focused.id
            assert focused.region.bottom <= visible.bottom, focused.id
            await keys(pilot, "tab")
        assert app.focused.id == "target_count"  # tab stops at the last field
        return seen

    assert drive(db_path, scenario, size=size) == FORM_ORDER


def test_the_cue_is_one_key_and_can_be_left_open(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "e", "n", "enter")
        app.screen.query_one("#title", Input).value = "Planned one"
        app.screen.query_one("#practice", TextArea).text = "At dinner I will name one need."
        app.screen.query_one("#cue", KeyPick).focus()
        await pilot.pause()
        await keys(pilot, "p")
        assert app.focused.id == "started_on"
        await keys(pilot, "ctrl+s")
        await keys(pilot, "n", "enter")
        app.screen.query_one("#title", Input).value = "Open one"
        app.screen.query_one("#practice", TextArea).text = "I will try it."
        app.screen.query_one("#cue", KeyPick).focus()
        await pilot.pause()
        await keys(pilot, "-")
        await keys(pilot, "ctrl+s")

    drive(db_path, scenario)
    by_title = {e.title: e for e in experiments(db_path)}
    assert by_title["Planned one"].cue == "planned"
    assert by_title["Open one"].cue is None


def test_a_belief_in_the_other_way_above_100_is_refused_in_plain_words(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "e", "n", "down", "enter")
        await type_text(pilot, "60")
        await keys(pilot, "tab")
        await type_text(pilot, "140")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, ExperimentForm)
        assert app.focused.id == "alternative_before"
        return str(app.screen.query_one("#rf-error", Static).content)

    assert drive(db_path, scenario) == (
        "Belief in the other way can't be 140: please use a whole number from 0 to 100."
    )
    assert experiments(db_path) == []


def test_a_letter_typed_in_a_number_field_is_said_not_dropped_unseen(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "e", "n", "down", "enter")
        await type_text(pilot, "8O")  # a hurried 80
        field = app.screen.query_one("#belief_before", Input)
        said = [n.message for n in app._notifications]
        return field.value, said

    value, said = drive(db_path, scenario)
    assert value == "8"
    assert said == ["Only a whole number goes here, so “O” was left out."]


def test_a_number_pasted_with_a_space_or_a_percent_sign_is_taken(db_path):
    async def scenario(app, pilot):
        await keys(pilot, "e", "n", "down", "enter")
        field = app.screen.query_one("#belief_before", Input)
        assert app.focused is field
        values = []
        for pasted in (" 80%", "about seventy"):
            field.value = ""
            field.post_message(events.Paste(pasted))
            await pilot.pause()
            values.append(field.value)
        return values, [n.message for n in app._notifications]

    values, said = drive(db_path, scenario)
    assert values == ["80", ""]
    assert said == ["Only a whole number goes here, so “about seventy” was left out."]


def test_editing_keeps_what_completing_recorded(db_path, store):
    exp = seed(
        store,
        status="completed",
        ended_on=TODAY,
        belief_after=40,
        alternative_after=65,
        outcome="It went fine",
    )

    async def scenario(app, pilot):
        await keys(pilot, "e", "enter")
        form = app.screen
        assert isinstance(form, ExperimentForm)
        assert form.query_one("#safety_behaviours", TextArea).text == exp.safety_behaviours
        assert form.query_one("#cue", KeyPick).value == "urge"
        form.query_one("#how_i_will_know", TextArea).text = "They say I took too long."
        await keys(pilot, "ctrl+s")

    drive(db_path, scenario)
    [edited] = experiments(db_path)
    assert edited.how_i_will_know == "They say I took too long."
    assert (edited.belief_after, edited.alternative_after, edited.status) == (
        40,
        65,
        "completed",
    )


# --- completing and the next experiment ---------------------------------------------


def test_completing_asks_both_beliefs_and_offers_a_linked_next_experiment(db_path, store):
    exp = seed(store)

    async def scenario(app, pilot):
        await keys(pilot, "e", "x")
        assert isinstance(app.screen, CompleteForm)
        await type_text(pilot, "They answered kindly")
        await keys(pilot, "tab")
        await type_text(pilot, "25")
        await keys(pilot, "tab")
        assert app.focused.id == "alternative_after"
        await type_text(pilot, "65")
        await keys(pilot, "tab")
        await type_text(pilot, "Waiting is survivable")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.id == "next-experiment"
        await keys(pilot, "y")
        form = app.screen
        assert isinstance(form, ExperimentForm)
        assert form.follows is not None and form.follows.id == exp.id
        values = {
            name: form.query_one(f"#{name}", Input).value
            for name in ("title", "belief_before", "alternative_before")
        }
        texts = {
            name: form.query_one(f"#{name}", TextArea).text
            for name in (
                "practice",
                "prediction",
                "alternative_belief",
                "how_i_will_know",
                "safety_behaviours",
            )
        }
        cue = form.query_one("#cue", KeyPick).value
        assert form.sub_title == "after “Three breaths”"
        assert app.focused.id == "title"
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, ExperimentsScreen)
        after_new = detail(app)
        app.screen.highlight(exp.id)
        await pilot.pause()
        return values, texts, cue, after_new, detail(app)

    values, texts, cue, new_detail, old_detail = drive(db_path, scenario)
    assert values == {"title": "Three breaths", "belief_before": "25", "alternative_before": "65"}
    assert texts == {
        "practice": exp.practice,
        "prediction": exp.prediction,
        "alternative_belief": exp.alternative_belief,
        "how_i_will_know": exp.how_i_will_know,
        "safety_behaviours": exp.safety_behaviours,
    }
    assert cue == "urge"
    done, following = sorted(experiments(db_path), key=lambda e: e.started_on)
    assert (done.id, done.status, done.belief_after, done.alternative_after) == (
        exp.id,
        "completed",
        25,
        65,
    )
    assert following.follows_id == exp.id
    assert following.status == "active"
    assert (following.started_on, following.ends_on) == (
        TODAY,
        (FROZEN_TODAY + dt.timedelta(days=13)).isoformat(),
    )
    assert (following.belief_before, following.alternative_before) == (25, 65)
    assert (following.target_count, following.cue) == (5, "urge")
    assert "Follows: “Three breaths”" in new_detail
    assert "Followed by: “Three breaths” (from " in old_detail


def test_not_now_leaves_no_next_experiment_and_no_other_way_is_not_asked(db_path, store):
    seed(store, alternative_belief=None, alternative_before=None)

    async def scenario(app, pilot):
        await keys(pilot, "e", "x")
        form = app.screen
        assert isinstance(form, CompleteForm)
        assert not form.query("#alternative_after")
        await type_text(pilot, "Fine")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)
        await keys(pilot, "n")
        assert isinstance(app.screen, ExperimentsScreen)

    drive(db_path, scenario)
    [done] = experiments(db_path)
    assert done.status == "completed" and done.alternative_after is None


# --- the detail ------------------------------------------------------------------------


def test_the_detail_shows_the_whole_record_and_its_trials_to_scale(db_path, store):
    exp = seed(store)
    start = dt.date.fromisoformat(exp.started_on)
    offsets = (0, 1, 6, 12)
    for offset in offsets:
        store.save_practice_log(
            PracticeLog.create(
                experiment_id=exp.id,
                day=(start + dt.timedelta(days=offset)).isoformat(),
                done=1,
                distress_before=4,
                distress_after=1,
                prediction_happened=50,
            )
        )

    async def scenario(app, pilot):
        await keys(pilot, "e")
        await pilot.pause()
        width = app.screen.query_one("#exp-detail").scrollable_content_region.width - 1
        return detail(app), width

    text, width = drive(db_path, scenario, size=(120, 40))
    for words in (
        "What starts it: when an urge comes",
        "Prediction: I'll miss my chance to be understood.",
        "How I'll know: They stop answering or say I took too long.",
        "Belief in it: 70% at the start (asked again when you complete it)",
        "Another way it could go: I'll reply more clearly and still be understood.",
        "Belief in that: 30% at the start (asked again when you complete it)",
        "What I'll stop doing to feel safe: Rereading my message five times",
        "Trial by trial: Three breaths",
    ):
        assert words in text, words
    # The chart in the detail keeps the days to scale.
    columns = width - charts.TRIAL_MARGIN - 1
    rows = [line[4:] for line in text.split("\n") if len(line) > 3 and line[3] == "┤"]
    before = sorted(col for row in rows for col, ch in enumerate(row) if ch == "o")
    assert before == [charts.trial_column(o, 13, columns) for o in offsets]
    assert before[2] - before[1] > 4 * (before[1] - before[0])
