"""tracker.practice: which experiment a name means and which days take a log (the
rules the app and ``tracker practice`` share)."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.models import Experiment, PracticeLog, ValidationError
from tracker.practice import (
    ExperimentNotChosen,
    check_log_day,
    log_days,
    logged_words,
    period_over,
    resolve_experiment,
)

TODAY = dt.date(2026, 11, 28)


def exp(title: str, id: str, **changes) -> Experiment:
    data = {
        "id": id,
        "title": title,
        "practice": "p",
        "started_on": "2026-11-22",
        "ends_on": "2026-12-05",
        "target_count": 5,
    }
    data.update(changes)
    return Experiment.create(data)


A = exp("Three breaths", "aaaa1111-0000-4000-8000-000000000000")
B = exp("Say one need", "bbbb2222-0000-4000-8000-000000000000")
OLD = exp(
    "Three breaths",
    "cccc3333-0000-4000-8000-000000000000",
    status="completed",
    started_on="2026-10-01",
    ends_on="2026-10-14",
    ended_on="2026-10-10",
)


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        (None, None),  # (with one running: below)
        ("aaaa", A),
        ("AAAA1111", A),
        (A.id, A),
        ("  say   ONE ", B),
        ("three", A),  # the running one, not the finished one of the same title
        (OLD.id, None),  # its exact id: refused, it is finished
    ],
)
def test_what_a_name_means(given, meant):
    experiments = [A, B, OLD]
    if meant is None:
        with pytest.raises(ExperimentNotChosen) as refused:
            resolve_experiment(experiments, given)
        assert "\n" not in str(refused.value)
    else:
        assert resolve_experiment(experiments, given) == meant


def test_an_id_start_needs_four_characters_but_a_title_start_does_not():
    with pytest.raises(ExperimentNotChosen):
        resolve_experiment([A, B], "aaa")
    assert resolve_experiment([A, B], "s") == B


def test_left_out_means_the_only_running_one():
    assert resolve_experiment([A, OLD], None) == A
    assert resolve_experiment([A, OLD], "  ") == A


def test_the_days_that_take_a_log():
    days = log_days(A, TODAY)
    assert days is not None
    assert (days.first, days.last, days.period_end) == (
        dt.date(2026, 11, 22),
        TODAY,
        dt.date(2026, 12, 5),
    )
    assert days.default_day(TODAY) == TODAY
    ended = log_days(OLD, TODAY)
    assert ended is not None and ended.last == ended.period_end == dt.date(2026, 10, 10)
    assert ended.default_day(TODAY) == dt.date(2026, 10, 10)
    assert log_days(exp("Later", A.id, started_on="2026-11-29"), TODAY) is None


def test_period_over_is_for_running_experiments_past_their_last_day():
    assert not period_over(A, TODAY)
    assert period_over(exp("Over", A.id, started_on="2026-11-01", ends_on="2026-11-27"), TODAY)
    assert not period_over(OLD, TODAY)  # completed: nothing to do


@pytest.mark.parametrize(
    ("day", "words"),
    [
        ("2026-11-21", "a day in its period, 2026-11-22 to 2026-12-05, up to today (2026-11-28)"),
        ("2026-11-29", "today (2026-11-28) or an earlier day of its period"),
    ],
)
def test_a_day_refused_names_the_period(day, words):
    with pytest.raises(ValidationError) as refused:
        check_log_day(A, day, TODAY)
    assert refused.value.field == "day" and words in str(refused.value)
    check_log_day(A, "2026-11-22", TODAY)
    check_log_day(A, "2026-11-28", TODAY)


def test_logged_words():
    log = PracticeLog.create(
        experiment_id=A.id, day="2026-11-24", done=1, distress_before=3, prediction_happened=20
    )
    assert logged_words(log, A, TODAY, updated=True) == (
        "Updated “Three breaths” for Tuesday 24 November: practised "
        "(distress 3 → –; what you predicted happened 20%). Well noticed."
    )
