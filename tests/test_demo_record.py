"""The demo fills the whole experiment record for some experiments, plausibly and
the same way for the same seed."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import demo
from tracker.shipped import experiment_library
from tracker.store import Store

NOW = dt.time(10, 24)


def _make(path, seed: int = 11) -> None:
    with Store.open(path) as s:
        demo.generate(s, years=2, seed=seed, now=NOW)


@pytest.fixture
def two_years(tmp_path):
    path = tmp_path / "demo.db"
    _make(path)
    with Store.open(path) as s:
        return s.experiments(), s.practice_logs()


def test_some_experiments_have_the_whole_record_and_others_not(two_years):
    experiments, _ = two_years
    library = {item["title"]: item for item in experiment_library()}
    with_other = [e for e in experiments if e.alternative_belief]
    assert 0 < len(with_other) < len(experiments)
    for e in with_other:
        assert e.alternative_belief == library[e.title]["alternative_belief"]
        assert e.alternative_before is not None
    assert any(e.how_i_will_know for e in experiments)
    assert any(e.safety_behaviours for e in experiments)
    assert not all(e.how_i_will_know for e in experiments)
    for e in experiments:
        assert e.cue == library[e.title].get("cue")


def test_the_other_way_grows_more_often_than_not_over_completed_experiments(two_years):
    experiments, _ = two_years
    rated = [e for e in experiments if e.status == "completed" and e.alternative_before is not None]
    assert rated and all(e.alternative_after is not None for e in rated)
    grew = sum(1 for e in rated if e.alternative_after > e.alternative_before)
    assert grew > len(rated) / 2
    active = [e for e in experiments if e.status == "active"]
    assert all(e.alternative_after is None for e in active)


def test_how_far_it_happened_is_answered_for_practices_done(two_years):
    experiments, logs = two_years
    knows = {e.id for e in experiments if e.how_i_will_know}
    answered = [log for log in logs if log.prediction_happened is not None]
    assert answered
    for log in answered:
        assert log.done == 1 and log.experiment_id in knows
        assert log.prediction_happened % 10 == 0 and 0 <= log.prediction_happened <= 100
    assert any(log.prediction_happened is None and log.done for log in logs)


def test_a_next_experiment_follows_a_completed_one_that_came_before_it(two_years):
    experiments, _ = two_years
    by_id = {e.id: e for e in experiments}
    following = [e for e in experiments if e.follows_id]
    assert following
    for e in following:
        earlier = by_id[e.follows_id]
        assert earlier.status == "completed"
        assert (earlier.ended_on or earlier.ends_on) < e.started_on


def test_the_same_seed_gives_the_same_record(tmp_path):
    _make(tmp_path / "a.db")
    _make(tmp_path / "b.db")
    _make(tmp_path / "c.db", seed=12)

    def rows(name: str) -> list[tuple]:
        with Store.open(tmp_path / name) as s:
            return list(s.export_rows("experiments")) + list(s.export_rows("practice_logs"))

    assert rows("a.db") == rows("b.db")
    assert rows("a.db") != rows("c.db")
