"""Logging practice where the day is: ``l`` on Today, the practice dialog's ``[`` and
``]``, "not this time", and an experiment whose period is over. Driven by keys
through Pilot on a real database; the database decides."""

from __future__ import annotations

from textual.widgets import Input, Static

from tests.app.pilot import drive, keys, screen_lines, settle, type_text
from tests.conftest import FROZEN_TODAY
from tracker.app.screens.experiment_form import CompleteForm
from tracker.app.screens.experiments import ExperimentsScreen
from tracker.app.screens.practice import ExperimentChooser, PracticeLogCard
from tracker.app.screens.today import TodayScreen
from tracker.models import Experiment, PracticeLog
from tracker.store import Store

TODAY = FROZEN_TODAY.isoformat()  # Saturday 28 November 2026


def seed(store: Store, title: str = "Three breaths", **changes) -> Experiment:
    data = {
        "title": title,
        "practice": "When a message stings, I breathe.",
        "started_on": "2026-11-25",
        "days": 14,
        "target_count": 5,
    }
    data.update(changes)
    return store.save_experiment(Experiment.create(data))


def logs(db_path) -> list[PracticeLog]:
    with Store.open(db_path) as store:
        return store.practice_logs()


def notes(app) -> str:
    """The notifications shown so far (as test_checkin reads them)."""
    return "\n".join(n.message for n in app._notifications)


def card_text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


# --- l on Today ---------------------------------------------------------------------


def test_l_on_today_logs_the_one_running_experiment(db_path, store):
    exp = seed(store)

    async def scenario(app, pilot):
        assert isinstance(app.screen, TodayScreen)
        await keys(pilot, "l")
        assert isinstance(app.screen, PracticeLogCard)
        head = card_text(app, "#log-head")
        await keys(pilot, "y", "3", "1")  # no prediction written: the digit for after saves
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        return head, card_text(app, "#today-experiments"), notes(app)

    head, experiments, shown = drive(db_path, scenario, size=(120, 40))
    assert "today, Saturday 28 November" in head and "Three breaths" in head
    [log] = logs(db_path)
    assert (log.experiment_id, log.day, log.done, log.distress_before, log.distress_after) == (
        exp.id,
        TODAY,
        1,
        3,
        1,
    )
    assert "Three breaths · 1 of 5 · practised today" in experiments
    assert "Logged “Three breaths” for today: practised (distress 3 → 1)" in shown


def test_with_several_running_l_asks_which_first(db_path, store):
    seed(store, "Three breaths")
    second = seed(store, "Say one need", started_on="2026-11-20")

    async def scenario(app, pilot):
        await keys(pilot, "l")
        chooser = app.screen
        assert isinstance(chooser, ExperimentChooser)
        titles = [e.title for e in chooser.experiments]
        ids = [e.id for e in chooser.experiments]
        await keys(pilot, "escape")  # not now: nothing opens, nothing is written
        assert isinstance(app.screen, TodayScreen)
        await keys(pilot, "l", "down", "enter")
        assert isinstance(app.screen, PracticeLogCard)
        by_arrows = app.screen.experiment.id
        await keys(pilot, "escape", "l", str(titles.index("Say one need") + 1))
        assert isinstance(app.screen, PracticeLogCard)
        by_digit = app.screen.experiment.id
        await keys(pilot, "n")  # not this time: saved at once
        await settle(pilot)
        return titles, ids, by_arrows, by_digit, app.screen

    titles, ids, by_arrows, by_digit, after = drive(db_path, scenario)
    assert titles == ["Three breaths", "Say one need"]  # as Today lists them
    assert by_arrows == ids[1]
    assert by_digit == second.id
    assert isinstance(after, TodayScreen)
    [log] = logs(db_path)
    assert (log.experiment_id, log.day, log.done) == (second.id, TODAY, 0)
    assert log.distress_before is None


def test_with_none_running_l_says_so_and_how_to_start_one(db_path, store):
    seed(store, status="completed", ended_on="2026-11-27")

    async def scenario(app, pilot):
        await keys(pilot, "l")
        await settle(pilot)
        return app.screen, notes(app)

    screen, shown = drive(db_path, scenario, size=(120, 40))
    assert isinstance(screen, TodayScreen)
    assert "No experiment is running. Press e, then n, to start one." in shown
    assert logs(db_path) == []


def test_l_is_in_todays_footer():
    from textual.binding import Binding

    bindings = {b.key: b for b in Binding.make_bindings(TodayScreen.BINDINGS)}
    assert bindings["l"].description == "Log practice" and bindings["l"].tooltip


# --- another day ------------------------------------------------------------------------


def test_bracket_logs_an_earlier_day_and_stops_at_the_start_and_at_today(db_path, store):
    exp = seed(store, started_on="2026-11-26")  # Thursday

    async def scenario(app, pilot):
        await keys(pilot, "l", "right_square_bracket")
        after_today = card_text(app, "#log-error")
        await keys(pilot, "left_square_bracket")
        yesterday = card_text(app, "#log-head")
        await keys(pilot, "left_square_bracket")
        thursday = card_text(app, "#log-head")
        await keys(pilot, "left_square_bracket")  # before the start: refused, stays
        before_start = card_text(app, "#log-error")
        still = card_text(app, "#log-head")
        await keys(pilot, "y", "2", "0")
        await settle(pilot)
        return after_today, yesterday, thursday, before_start, still

    after_today, yesterday, thursday, before_start, still = drive(db_path, scenario)
    assert "up to today" in after_today
    assert "yesterday, Friday 27 November" in yesterday
    assert "Thursday 26 November, 2 days ago" in thursday
    assert "started on Thursday 26 November" in before_start and "no earlier day" in before_start
    assert still == thursday
    [log] = logs(db_path)
    assert (log.experiment_id, log.day, log.done, log.distress_before, log.distress_after) == (
        exp.id,
        "2026-11-26",
        1,
        2,
        0,
    )


def test_a_day_with_a_log_is_changed_not_logged_twice(db_path, store):
    exp = seed(store, prediction="They'll think I'm needy.")
    old = store.save_practice_log(
        PracticeLog.create(
            experiment_id=exp.id,
            day="2026-11-27",
            done=1,
            distress_before=4,
            distress_after=2,
            prediction_happened=60,
            note="Hard one",
        )
    )

    async def scenario(app, pilot):
        await keys(pilot, "l")
        empty_today = app.screen.query_one("#done").value
        await keys(pilot, "left_square_bracket")
        card = app.screen
        shown = (
            card.query_one("#done").value,
            card.query_one("#distress_before").value,
            card.query_one("#happened", Input).value,
            card.query_one("#note", Input).value,
            card_text(app, "#log-head"),
        )
        await keys(pilot, "y", "4", "1")
        assert app.focused.id == "happened"
        await keys(pilot, "backspace", "backspace")
        await type_text(pilot, "10")
        await keys(pilot, "enter")
        await settle(pilot)
        return empty_today, shown

    empty_today, shown = drive(db_path, scenario)
    assert empty_today is None  # today has no log: empty questions
    assert shown[:4] == (1, 4, "60", "Hard one")
    assert "logged: this changes it" in shown[4]
    [log] = logs(db_path)
    assert (log.id, log.created_at) == (old.id, old.created_at)
    assert (log.day, log.distress_before, log.distress_after, log.prediction_happened) == (
        "2026-11-27",
        4,
        1,
        10,
    )
    assert log.note == "Hard one"


def test_not_this_time_saves_at_once_and_clears_the_practice_answers(db_path, store):
    exp = seed(store, prediction="They'll mind.")
    store.save_practice_log(
        PracticeLog.create(
            experiment_id=exp.id, day=TODAY, done=1, distress_before=3, prediction_happened=50
        )
    )

    async def scenario(app, pilot):
        await keys(pilot, "l", "n", "y")  # (the day was logged as practised: y confirms)
        await settle(pilot)
        return app.screen

    assert isinstance(drive(db_path, scenario), TodayScreen)
    [log] = logs(db_path)
    assert (log.done, log.distress_before, log.distress_after, log.prediction_happened) == (
        0,
        None,
        None,
        None,
    )


def test_keys_typed_in_the_fields_stay_text(db_path, store):
    """[, ], l, b and s type in the note and never move the day, log, mark or open
    support; the digits field takes digits only."""
    seed(store, prediction="They'll mind.")

    async def scenario(app, pilot):
        await keys(pilot, "l", "tab")
        assert app.focused.id == "note"
        await type_text(pilot, "[l] b s ]")
        card = app.screen
        assert isinstance(card, PracticeLogCard)
        head = card_text(app, "#log-head")
        await keys(pilot, "shift+tab")  # to how far the prediction happened
        assert app.focused.id == "happened"
        await type_text(pilot, "x[4]")
        happened = card.query_one("#happened", Input).value
        await keys(pilot, "enter")  # done is still open: focus goes there
        assert app.focused.id == "done"
        await keys(pilot, "y", "minus", "minus", "ctrl+s")
        await settle(pilot)
        return head, happened, card.bring

    head, happened, bring = drive(db_path, scenario)
    assert "today, Saturday 28 November" in head
    assert happened == "4"
    assert bring is False
    [log] = logs(db_path)
    assert (log.day, log.note, log.prediction_happened) == (TODAY, "[l] b s ]", 4)


# --- period over ------------------------------------------------------------------------


def test_a_period_over_shows_on_today_and_x_goes_to_completing_it(db_path, store):
    over = seed(store, "Ask first", started_on="2026-11-01", ends_on="2026-11-20")
    seed(store, "Three breaths")

    async def scenario(app, pilot):
        text = card_text(app, "#today-experiments")
        footer = "\n".join(screen_lines(app)[-2:])
        await keys(pilot, "x")
        await settle(pilot)
        form = app.screen
        under = app.screen_stack[-2] if len(app.screen_stack) > 1 else None
        return text, footer, form, under

    text, footer, form, under = drive(db_path, scenario, size=(120, 40))
    assert "Ask first · 0 of 5 · period over: complete it? ([b]x[/b])" in text
    assert "Three breaths · 0 of 5 · not logged today" in text
    assert "x Complete" in footer
    assert isinstance(form, CompleteForm) and form.experiment.id == over.id
    assert isinstance(under, ExperimentsScreen)


def test_x_is_not_offered_while_no_period_is_over(db_path, store):
    seed(store)

    async def scenario(app, pilot):
        footer = "\n".join(screen_lines(app)[-2:])
        await keys(pilot, "x")
        return footer, app.screen

    footer, screen = drive(db_path, scenario, size=(120, 40))
    assert "Complete" not in footer and "l Log practice" in footer
    assert isinstance(screen, TodayScreen)


def test_a_log_written_elsewhere_meanwhile_is_changed_not_doubled(db_path, store):
    """The card opened on an empty day; `tracker practice` logs that day meanwhile:
    saving changes that log."""
    exp = seed(store)

    async def scenario(app, pilot):
        await keys(pilot, "l")
        with Store.open(db_path) as other:
            other.save_practice_log(PracticeLog.create(experiment_id=exp.id, day=TODAY, done=0))
        await keys(pilot, "y", "2", "1")
        await settle(pilot)
        return notes(app)

    said = drive(db_path, scenario)
    [log] = logs(db_path)
    assert (log.done, log.distress_before, log.distress_after) == (1, 2, 1)
    assert "Updated “Three breaths” for today" in said


def test_a_choice_pressed_twice_quickly_is_one_answer(db_path, store):
    """A double press in the chooser (the second reaches it after the first answered)
    opens the practice dialog once and never closes the app."""
    from tests.app.pilot import burst

    seed(store, "Three breaths")
    seed(store, "Say one need", started_on="2026-11-20")
    seed(store, "Wait twenty minutes", started_on="2026-11-21")

    async def scenario(app, pilot):
        for presses in ("11", ("enter",)):
            await keys(pilot, "l")
            assert isinstance(app.screen, ExperimentChooser)
            if isinstance(presses, tuple):
                burst(app, presses, presses)
            else:
                burst(app, presses)
            await settle(pilot)
            assert isinstance(app.screen, PracticeLogCard)
            await keys(pilot, "escape")
            await settle(pilot)
            assert isinstance(app.screen, TodayScreen)
        return app.return_code

    assert drive(db_path, scenario) in (None, 0)
    assert logs(db_path) == []


def test_not_this_time_on_a_day_logged_as_practised_asks_first(db_path, store):
    from tracker.app.screens.dialogs import ConfirmDialog

    exp = seed(store)
    store.save_practice_log(
        PracticeLog.create(
            experiment_id=exp.id, day="2026-11-27", done=1, distress_before=3, distress_after=1
        )
    )

    async def scenario(app, pilot):
        await keys(pilot, "l", "left_square_bracket", "n")
        asked = app.screen
        question = str(asked.question) if isinstance(asked, ConfirmDialog) else ""
        await keys(pilot, "n")  # keep it: the day stays practised
        await settle(pilot)
        kept = (type(app.screen), app.screen.query_one("#done").value, logs(db_path)[0].done)
        await keys(pilot, "n", "y")  # now change it
        await settle(pilot)
        return question, kept, type(app.screen)

    question, kept, after = drive(db_path, scenario)
    assert "logged as practised (distress 3 before, 1 after)" in question
    assert kept == (PracticeLogCard, 1, 1)
    assert after is TodayScreen
    [log] = logs(db_path)
    assert (log.done, log.distress_before, log.distress_after) == (0, None, None)


def test_the_card_shows_the_prediction_whole_at_80x24(db_path, store):
    prediction = "They will go quiet for the evening and I will read it as them pulling away."
    seed(store, prediction=prediction)

    async def scenario(app, pilot):
        await keys(pilot, "l")
        assert isinstance(app.screen, PracticeLogCard)
        await settle(pilot)
        return screen_lines(app)

    lines = drive(db_path, scenario, size=(80, 24))
    start = next(i for i, line in enumerate(lines) if "You predicted:" in line)
    label = " ".join(line[3:61].strip() for line in lines[start : start + 2])  # its column
    assert f"You predicted: {prediction}" == label
    assert any("Note (optional)" in line for line in lines)  # and the card still fits
