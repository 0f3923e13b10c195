"""Practice is logged only on the days its experiment runs: from ``started_on`` to
``ends_on`` (or ``ended_on``, when it was ended early). Refused in the one write path
(the app's and the import's), with one line naming the day and the days allowed."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.app.pilot import drive, keys
from tests.conftest import FROZEN_TODAY
from tests.trust_helpers import db_digest, export_folder, populate
from tracker.app.screens.practice import PracticeLogCard
from tracker.models import Experiment, PracticeLog, ValidationError
from tracker.store import Store

START, END = "2026-11-01", "2026-11-14"


@pytest.fixture
def experiment(store) -> Experiment:
    return store.save_experiment(
        Experiment.create(
            title="Three breaths", practice="p", started_on=START, ends_on=END, target_count=3
        )
    )


def _log(experiment: Experiment, day: str) -> PracticeLog:
    return PracticeLog.create(experiment_id=experiment.id, day=day, done=1)


@pytest.mark.parametrize("day", ["2026-10-31", "2026-11-15", "1999-01-01", "2026-11-28"])
def test_a_day_outside_the_experiment_is_refused_by_the_store(store, experiment, day):
    good = _log(experiment, "2026-11-05")
    with pytest.raises(ValidationError) as refused:
        store.save_practice_logs([good, _log(experiment, day)])
    message = str(refused.value)
    assert day in message and START in message and END in message and "\n" not in message
    assert store.practice_logs() == []  # nothing of the batch was written


@pytest.mark.parametrize("day", [START, "2026-11-07", END])
def test_its_first_and_last_day_are_allowed(store, experiment, day):
    store.save_practice_log(_log(experiment, day))
    assert [log.day for log in store.practice_logs()] == [day]


def test_an_experiment_ended_early_takes_no_practice_after_that(store, experiment):
    store.save_experiment(experiment.with_changes(status="dropped", ended_on="2026-11-06"))
    store.save_practice_log(_log(experiment, "2026-11-06"))
    with pytest.raises(ValidationError, match="from 2026-11-01 to 2026-11-06"):
        store.save_practice_log(_log(experiment, "2026-11-07"))


def test_a_log_of_no_stored_experiment_is_refused_by_name(store):
    stray = PracticeLog.create(experiment_id=str(uuid.uuid4()), day="2026-11-05", done=1)
    with pytest.raises(ValidationError, match="experiment_id"):
        store.save_practice_log(stray)


_DAYS = st.dates(dt.date(2026, 1, 1), FROZEN_TODAY)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=_DAYS,
    length=st.integers(0, 60),
    ended=st.one_of(st.none(), st.integers(0, 60)),
    day=_DAYS,
)
def test_any_day_is_taken_exactly_when_the_experiment_runs(store, start, length, ended, day):
    ends = start + dt.timedelta(days=length)
    ended_on = (
        None if ended is None else min(start + dt.timedelta(days=ended), FROZEN_TODAY).isoformat()
    )
    exp = store.save_experiment(
        Experiment.create(
            title="t",
            practice="p",
            started_on=start.isoformat(),
            ends_on=ends.isoformat(),
            target_count=1,
            ended_on=ended_on,
            status="active" if ended is None else "dropped",
        )
    )
    last = min(ends.isoformat(), ended_on or ends.isoformat())
    runs = start.isoformat() <= day.isoformat() <= last
    try:
        store.save_practice_log(_log(exp, day.isoformat()))
        taken = True
    except ValidationError as exc:
        assert day.isoformat() in str(exc) and last in str(exc)
        taken = False
    assert taken == runs
    assert len(store.practice_logs(exp.id)) == int(runs)


# --- the import -------------------------------------------------------------------------------


def test_an_import_with_practice_outside_its_experiment_is_refused_by_line(tmp_path, run_tracker):
    source = tmp_path / "source.db"
    with Store.open(source) as s:
        populate(s)  # its experiment runs 2026-11-01 to 2026-11-14, a log on 11-02
        export_folder(s, tmp_path / "export")
    logs = tmp_path / "export" / "practice_logs.csv"
    lines = logs.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("2026-11-02", "2026-11-20", 1)
    logs.write_text("".join(lines), encoding="utf-8")
    db = tmp_path / "data" / "tracker.db"
    assert run_tracker("add", "--mood", "3", db=db).returncode == 0
    before = db_digest(db)
    result = run_tracker("import", str(tmp_path / "export"), db=db)
    assert result.returncode != 0
    line = next(text for text in result.stderr.splitlines() if "2026-11-20" in text)
    assert "practice_logs.csv, line 2" in line and "day" in line
    assert "2026-11-01 to 2026-11-14" in line
    assert "Traceback" not in result.stderr
    assert db_digest(db) == before


# --- the app ----------------------------------------------------------------------------------


def test_the_app_opens_an_overdue_experiment_on_its_last_day(db_path):
    """An active experiment whose last day has passed: the card opens on that day (a
    forgotten evening can still be logged), and ] refuses to go past it, saying why."""
    with Store.open(db_path) as store:
        exp = store.save_experiment(
            Experiment.create(
                title="Overdue",
                practice="p",
                started_on="2026-11-01",
                ends_on="2026-11-20",
                target_count=1,
            )
        )

    async def scenario(app, pilot):
        await keys(pilot, "e", "l")
        assert isinstance(app.screen, PracticeLogCard)
        head = str(app.screen.query_one("#log-head").content)
        await keys(pilot, "right_square_bracket")
        refused = str(app.screen.query_one("#log-error").content)
        await keys(pilot, "y", "3", "1")
        return head, refused

    head, refused = drive(db_path, scenario)
    assert "Friday 20 November" in head
    assert "ended on Friday 20 November" in refused and "no later day" in refused
    with Store.open(db_path) as store:
        assert [log.day for log in store.practice_logs(exp.id)] == ["2026-11-20"]
