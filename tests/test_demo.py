"""The demo data generator: realistic, seeded, valid, and never mixed with real data."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from pathlib import Path

import pytest

from tests.conftest import FROZEN_TODAY
from tracker import analytics, demo
from tracker.models import CheckIn, Rupture
from tracker.store import Store

NOW = dt.time(10, 24)
"""The time of day the demo is generated at, on the frozen today."""


@pytest.fixture
def two_years(tmp_path):
    path = tmp_path / "demo.db"
    with Store.open(path) as s:
        summary = demo.generate(s, years=2, seed=11, now=NOW)
    return path, summary


def test_demo_data_tells_a_realistic_story(two_years):
    path, summary = two_years
    with Store.open(path) as s:
        rows = s.daily_means()
        experiments = s.experiments()
        logs = s.practice_logs()
        ruptures = s.ruptures()
        assert s.checkin_count() == summary.checkins
        emotions = s.name_counts("emotions")
        people = s.name_counts("people")
        tags = s.name_counts("tags")
        needs = s.needs()
    first = dt.date.fromisoformat(rows[0]["day"])
    assert first >= FROZEN_TODAY - dt.timedelta(days=731)
    assert rows[-1]["day"] <= FROZEN_TODAY.isoformat()
    # Gaps, and some days with two or three check-ins.
    assert len(rows) < summary.days
    counts = [r["n"] for r in rows]
    assert 2 in counts and 3 in counts and max(counts) <= 3
    # Slow improvement: the last quarter's regulation is higher than the first's.
    quarter = len(rows) // 4
    early = statistics.mean(r["regulation"] for r in rows[:quarter] if r["regulation"] is not None)
    late = statistics.mean(r["regulation"] for r in rows[-quarter:] if r["regulation"] is not None)
    assert late > early + 0.5
    # ...with bad weeks: some 7-day stretches late on still dip well below the trend.
    series = analytics.daily_series(rows, "regulation", first, FROZEN_TODAY)
    weekly = [w for w in analytics.rolling_mean(series, 7) if w is not None]
    assert min(weekly[len(weekly) // 2 :]) < late - 0.7
    # Experiments start and end, each with practice logs inside its period.
    assert len(experiments) >= 5
    assert "completed" in {e.status for e in experiments}
    by_id = {e.id: e for e in experiments}
    assert logs and all(
        by_id[log.experiment_id].started_on
        <= log.day
        <= (by_id[log.experiment_id].ended_on or FROZEN_TODAY.isoformat())
        for log in logs
    )
    finished = [e for e in experiments if e.status == "completed"]
    assert all(e.outcome and e.belief_after is not None and e.learned for e in finished)
    # Ruptures, mostly repaired, never before they happened.
    repaired = [r for r in ruptures if r.repaired_on]
    assert len(ruptures) >= 5 and len(repaired) / len(ruptures) > 0.7
    assert all(r.repaired_on >= r.day for r in repaired)
    # Emotions, people, tags and needs are all there.
    assert len(emotions) >= 10 and people[0][0] == "Sam" and tags and needs


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not(tmp_path, two_years):
    path, _ = two_years
    again = tmp_path / "again.db"
    other = tmp_path / "other.db"
    with Store.open(again) as s:
        demo.generate(s, years=2, seed=11, now=NOW)
    with Store.open(other) as s:
        demo.generate(s, years=2, seed=12, now=NOW)

    def export(p: Path) -> list[tuple]:
        with Store.open(p) as s:
            return list(s.export_rows("checkins"))

    assert export(path) == export(again)
    assert export(path) != export(other)


def test_nothing_is_dated_at_or_after_now_and_an_experiment_runs_today(two_years):
    path, _ = two_years
    now = f"{FROZEN_TODAY.isoformat()}T{NOW:%H:%M}"
    with Store.open(path) as s:
        stamps = (
            [c.created_at for c in s.checkins()]
            + [log.created_at for log in s.practice_logs()]
            + [r.happened_at for r in s.ruptures()]
            + [r.created_at for r in s.ruptures()]
            + [e.created_at for e in s.experiments()]
            + [e.updated_at for e in s.experiments()]
        )
        experiments = s.experiments()
    assert stamps and max(stamp[:16] for stamp in stamps) < now
    today = FROZEN_TODAY.isoformat()
    running = [
        e for e in experiments if e.status == "active" and e.started_on <= today <= e.ends_on
    ]
    assert running


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 11])
def test_an_experiment_always_runs_on_the_last_day(tmp_path, seed):
    with Store.open(tmp_path / f"{seed}.db") as s:
        demo.generate(s, years=0.5, seed=seed, now=NOW)
        today = FROZEN_TODAY.isoformat()
        assert any(
            e.status == "active" and e.started_on <= today <= e.ends_on for e in s.experiments()
        )


def test_stories_and_notes_name_the_people_they_are_about(two_years):
    path, _ = two_years
    names = [name for name, _ in demo.PEOPLE]
    with Store.open(path) as s:
        ruptures: list[Rupture] = s.ruptures()
        checkins = s.checkins()
    assert ruptures
    for r in ruptures:
        named = [n for n in names if n in r.what_happened.split() or f"{n}'s" in r.what_happened]
        assert named == list(r.people), (r.what_happened, r.people)
    noted = [c for c in checkins if c.note and demo.NAMED.search(c.note)]
    assert noted
    for c in noted:
        assert set(demo.NAMED.findall(c.note)) <= set(c.people), (c.note, c.people)


def test_practice_is_near_its_target_sometimes_reached_rarely_far_beyond(two_years):
    path, _ = two_years
    with Store.open(path) as s:
        experiments = s.experiments()
        logs = s.practice_logs()
    done = {e.id: sum(log.done for log in logs if log.experiment_id == e.id) for e in experiments}
    completed = [e for e in experiments if e.status == "completed"]
    ratios = [done[e.id] / e.target_count for e in completed]
    assert all(done[e.id] <= 2 * e.target_count for e in experiments)
    assert any(r >= 1 for r in ratios) and any(r < 1 for r in ratios)
    assert 0.6 <= statistics.median(ratios) <= 1.2


def test_the_throwaway_demo_app_is_told_it_shows_demo_data(monkeypatch):
    monkeypatch.delenv("TRACKER_DEMO", raising=False)
    seen = {}

    def run(store: Store, *, demo: bool = False) -> None:
        seen["demo"] = demo
        seen["path"] = store.path
        with store:
            seen["checkins"] = store.checkin_count()

    from tracker.cli import open_demo_app

    open_demo_app(years=0.2, run=run)
    assert seen["demo"] is True and seen["checkins"] > 0
    assert not seen["path"].exists()  # the throwaway folder is gone
    assert "TRACKER_DEMO" not in os.environ  # told through the flag, not the environment


def test_demo_refuses_a_database_with_checkins_and_writes_nothing(store):
    store.save_checkin(CheckIn.create(mood=3))
    with pytest.raises(demo.DemoError, match="already has check-ins"):
        demo.generate(store, years=1)
    assert store.checkin_count() == 1
    assert store.experiments() == [] and store.ruptures() == []


def test_demo_records_pass_the_models_validation(two_years):
    path, _ = two_years
    with Store.open(path) as s:
        for c in s.checkins(since=(FROZEN_TODAY - dt.timedelta(days=60)).isoformat()):
            assert (
                CheckIn.create(
                    c.to_row() | {"emotions": c.emotions, "people": c.people, "tags": c.tags}
                )
                == c
            )


@pytest.mark.e2e
@pytest.mark.slow
def test_tracker_demo_opens_a_throwaway_database_and_removes_it(tmp_path, terminal):
    """``tracker --demo`` never touches the user's database and cleans up after itself."""
    own = tmp_path / "own" / "tracker.db"
    temp = tmp_path / "tmp"
    temp.mkdir()
    term = terminal(80, 24, "--demo", env={"TRACKER_DB": str(own), "TMPDIR": str(temp)}, linger=5)
    term.wait_for("Today")
    assert [p.name for p in temp.iterdir() if p.name.startswith("tracker-demo-")]
    term.keys("g")
    term.wait_for("Regulation ·")  # the trends chart's title
    screen = term.wait_for("checked in on")  # its insights: the same frame or the next
    assert "Trends" in screen and "Regulation ·" in screen
    term.keys("t")
    term.wait_for("Today")
    term.keys("q")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(temp.iterdir()):
        time.sleep(0.2)
    assert not any(p.name.startswith("tracker-demo-") for p in temp.iterdir())
    assert not own.exists() and not own.parent.exists()
