"""``tracker practice`` and ``tracker experiments``, run as the installed command in
subprocesses on a real database. Every refusal is one line naming what is wrong and
what is allowed, exit 2, and leaves the database exactly as it was."""

from __future__ import annotations

import json

import pytest

from tests.trust_helpers import db_digest
from tracker.models import Experiment, PracticeLog
from tracker.practice import short_id
from tracker.store import Store

TODAY = "2026-11-28"  # the frozen day (tests/conftest.py)


def seed(store: Store, title: str, **changes) -> Experiment:
    data = {
        "title": title,
        "practice": "When it happens, I will try it.",
        "started_on": "2026-11-22",
        "ends_on": "2026-12-05",
        "target_count": 5,
    }
    data.update(changes)
    return store.save_experiment(Experiment.create(data))


@pytest.fixture
def one(store) -> Experiment:
    """One running experiment, and a completed one of the same start of title."""
    seed(
        store,
        "Three breaths, the first time",
        started_on="2026-10-01",
        ends_on="2026-10-14",
        status="completed",
        ended_on="2026-10-14",
    )
    return seed(store, "Three breaths")


def logs(db_path) -> list[PracticeLog]:
    with Store.open(db_path) as store:
        return store.practice_logs()


# --- logging -------------------------------------------------------------------------------


def test_the_one_running_experiment_needs_no_name(run_tracker, db_path, one):
    result = run_tracker("practice", "--done", "yes", "--before", "3", "--after", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Logged “Three breaths” for today: practised (distress 3 → 1). Well noticed.\n"
    )
    [log] = logs(db_path)
    assert (log.experiment_id, log.day, log.done, log.distress_before, log.distress_after) == (
        one.id,
        TODAY,
        1,
        3,
        1,
    )


def test_by_a_start_of_the_title_any_case_or_of_the_id(run_tracker, db_path, store, one):
    other = seed(store, "Say one need")
    by_title = run_tracker("practice", "say ONE", "--done", "no", "--day", "2026-11-27")
    by_id = run_tracker("practice", short_id(one.id)[:5], "--done", "yes", "--happened", "30%")
    assert by_title.returncode == by_id.returncode == 0, by_title.stderr + by_id.stderr
    assert by_title.stdout == (
        "Logged “Say one need” for yesterday: not this time. Not practising is information too.\n"
    )
    assert "what you predicted happened 30%" in by_id.stdout
    assert {
        (log.experiment_id, log.day, log.done, log.prediction_happened) for log in logs(db_path)
    } == {
        (other.id, "2026-11-27", 0, None),
        (one.id, TODAY, 1, 30),
    }


def test_the_running_one_is_meant_when_a_finished_one_shares_the_start(run_tracker, db_path, one):
    result = run_tracker("practice", "three", "--done", "yes", "--day", "2026-11-24")
    assert result.returncode == 0, result.stderr
    assert "for Tuesday 24 November: practised" in result.stdout
    assert [(log.experiment_id, log.day) for log in logs(db_path)] == [(one.id, "2026-11-24")]


def test_the_same_day_twice_changes_that_days_log(run_tracker, db_path, one):
    run_tracker("practice", "--done", "yes", "--before", "4", "--note", "Hard", check=True)
    again = run_tracker("practice", "--done", "yes", "--after", "2", "--happened", "10")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Updated “Three breaths” for today: practised")
    [log] = logs(db_path)
    assert (log.distress_before, log.distress_after, log.prediction_happened, log.note) == (
        4,
        2,
        10,
        "Hard",
    )
    not_this_time = run_tracker("practice", "--done", "no")
    assert not_this_time.returncode == 0
    [log] = logs(db_path)
    assert (log.done, log.distress_before, log.distress_after, log.prediction_happened) == (
        0,
        None,
        None,
        None,
    )
    assert log.note == "Hard"


# --- refusals ----------------------------------------------------------------------------


def refused(run_tracker, db_path, *args: str) -> str:
    """Run ``tracker practice ARGS``: exit 2, one line of error, nothing written."""
    before = db_digest(db_path)
    result = run_tracker("practice", *args)
    assert result.returncode == 2, (args, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Error: "), result.stderr
    assert lines[1] == "Nothing was saved."
    assert "Traceback" not in result.stderr
    assert db_digest(db_path) == before
    return lines[0]


def test_an_unknown_experiment(run_tracker, db_path, one):
    line = refused(run_tracker, db_path, "Walk", "--done", "yes")
    assert "“Walk”" in line and "tracker experiments" in line
    assert "Three breaths" in line  # what is running


def test_an_ambiguous_start_names_the_candidates(run_tracker, db_path, store, one):
    other = seed(store, "Three slow sips")
    line = refused(run_tracker, db_path, "three", "--done", "yes")
    assert "fits 2 running experiments" in line
    assert f"“Three breaths” ({short_id(one.id)})" in line
    assert f"“Three slow sips” ({short_id(other.id)})" in line


def test_none_given_when_none_is_running(run_tracker, db_path, store):
    seed(store, "Done one", status="completed", ended_on="2026-11-27")
    line = refused(run_tracker, db_path, "--done", "yes")
    assert "No experiment is running" in line and "press e" in line


def test_none_given_when_several_are_running(run_tracker, db_path, store, one):
    seed(store, "Say one need")
    line = refused(run_tracker, db_path, "--done", "yes")
    assert "2 experiments are running" in line
    assert "Three breaths" in line and "Say one need" in line


def test_a_finished_experiment(run_tracker, db_path, one):
    line = refused(run_tracker, db_path, "three breaths, the", "--done", "yes")
    assert "was completed on 2026-10-14" in line and "running now: “Three breaths”" in line


@pytest.mark.parametrize("day", ["2026-11-21", "2020-01-01"])
def test_a_day_outside_the_period_says_the_period(run_tracker, db_path, one, day):
    line = refused(run_tracker, db_path, "--done", "yes", "--day", day)
    assert f"--day: '{day}'" in line
    assert "2026-11-22 to 2026-12-05" in line and f"up to today ({TODAY})" in line


def test_today_outside_the_period_when_day_is_left_out(run_tracker, db_path, store):
    seed(store, "Ask first", started_on="2026-11-01", ends_on="2026-11-20")
    line = refused(run_tracker, db_path, "--done", "yes")
    assert "left out, it is today (2026-11-28)" in line
    assert "2026-11-01 to 2026-11-20" in line


def test_a_future_day(run_tracker, db_path, one):
    line = refused(run_tracker, db_path, "--done", "yes", "--day", "2026-11-29")
    assert "--day: '2026-11-29'" in line and f"today ({TODAY}) or an earlier day" in line


@pytest.mark.parametrize(
    ("option", "value", "allowed"),
    [
        ("--before", "6", "0 (none) to 5 (extreme)"),
        ("--after", "-1", "0 (none) to 5 (extreme)"),
        ("--after", "two", "0 (none) to 5 (extreme)"),
        ("--happened", "101", "0 to 100"),
    ],
)
def test_ratings_out_of_range(run_tracker, db_path, one, option, value, allowed):
    line = refused(run_tracker, db_path, "--done", "yes", option, value)
    assert line.startswith(f"Error: {option}:") and allowed in line


@pytest.mark.parametrize("done", [None, "maybe"])
def test_done_missing_or_not_yes_or_no(run_tracker, db_path, one, done):
    args = ("--before", "2") if done is None else ("--done", done)
    line = refused(run_tracker, db_path, *args)
    assert line.startswith("Error: --done:") and "yes or no" in line


def test_not_this_time_takes_no_ratings(run_tracker, db_path, one):
    line = refused(run_tracker, db_path, "--done", "no", "--happened", "20")
    assert line.startswith("Error: --happened: only with --done yes")


# --- tracker experiments ----------------------------------------------------------------------


def test_experiments_lists_them_with_id_status_period_and_practice(
    run_tracker, db_path, store, one
):
    seed(store, "Ask first", started_on="2026-11-01", ends_on="2026-11-20")
    seed(store, "Quiet\x1b]52;c;aGk=\x07 rule", status="dropped", ended_on="2026-11-25")
    run_tracker("practice", "Three", "--done", "yes", check=True)
    run_tracker("practice", "Three", "--done", "no", "--day", "2026-11-27", check=True)
    result = run_tracker("experiments")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "status", "period", "practised", "title"]
    row = next(line for line in lines if line.endswith("  Three breaths"))
    assert row.split()[:2] == [short_id(one.id), "active"]
    assert "2026-11-22 to 2026-12-05" in row and "1 of 5" in row
    assert any("active, period over" in line and "Ask first" in line for line in lines)
    quiet = next(line for line in lines if "Quiet" in line)
    assert "\x1b" not in result.stdout and "^[" in quiet  # shown, never obeyed
    assert "set aside" in quiet and "2026-11-22 to 2026-11-25" in quiet
    assert lines[-1].startswith("4 experiments, 2 running.")
    # The short id it shows is one `tracker practice` takes.
    again = run_tracker("practice", short_id(one.id), "--done", "yes", "--day", "2026-11-26")
    assert again.returncode == 0, again.stderr


def test_experiments_json_has_every_stored_field_and_the_counts(run_tracker, db_path, one):
    run_tracker("practice", "--done", "yes", check=True)
    run_tracker("practice", "--done", "no", "--day", "2026-11-27", check=True)
    result = run_tracker("experiments", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    running = next(item for item in payload if item["id"] == one.id)
    assert set(one.to_row()) <= set(running)
    assert {k: running[k] for k in one.to_row()} == one.to_row()
    assert (running["practised_days"], running["logged_days"], running["period_over"]) == (
        1,
        2,
        False,
    )
    assert running["period"] == {"first": "2026-11-22", "last": "2026-12-05"}
    assert [item["status"] for item in payload] == ["active", "completed"]


def test_experiments_when_there_are_none(run_tracker, store):
    result = run_tracker("experiments")
    assert (result.returncode, result.stdout) == (
        0,
        "No experiments yet. In the app, press e, then n, to start one.\n",
    )


def test_an_experiment_that_has_not_started_yet(run_tracker, db_path, store):
    seed(store, "Later on", started_on="2026-12-01", ends_on="2026-12-14")
    line = refused(run_tracker, db_path, "later", "--done", "yes")
    assert line == "Error: “Later on” starts on 2026-12-01; practice can be logged from then."
