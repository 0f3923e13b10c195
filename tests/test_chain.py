"""A chain for each rupture, and ruptures let rest: the pure parts (tracker.chain), the
store's queries against plain SQL, and where "let rest" shows below the app."""

from __future__ import annotations

import datetime as dt
import sqlite3  # Python's, the library tracker uses for a plain file (one per file)

import pytest

from tests.conftest import FROZEN_TODAY
from tests.trust_helpers import db_digest
from tracker import agenda
from tracker.analytics import RuptureDates, rupture_summary
from tracker.chain import (
    REPAIR_EXPERIMENT,
    chain_days,
    chain_lines,
    repair_experiments,
    rupture_chain,
    slow_repair,
    suggestions,
)
from tracker.models import CheckIn, Experiment, PracticeLog, Rupture, ValidationError
from tracker.report import build_report
from tracker.shipped import experiment_library
from tracker.wording import LET_REST, OPEN, REPAIRED, rupture_state

HAPPENED = "2026-11-25T19:30:00+01:00"


def checkin(created_at: str, day: str | None = None, **values) -> CheckIn:
    return CheckIn.create(day=day or created_at[:10], created_at=created_at, mood=3, **values)


def rupture(**values) -> Rupture:
    data = {"happened_at": HAPPENED, "my_move": "pursued", "people": ["Sam"]}
    data.update(values)
    return Rupture.create(data)


# --- the chain ------------------------------------------------------------------------


def test_the_chain_holds_the_check_ins_48_hours_either_side():
    inside = [
        checkin("2026-11-23T19:30:00+01:00", pursue=4, pursue_acted=1),  # exactly 48 h before
        checkin("2026-11-25T18:00:00+00:00", withdraw=3, withdraw_acted=0),  # 19:00 at +01:00
        checkin("2026-11-25T19:00:00-01:00", paused=1),  # 21:00 at +01:00: after
        checkin("2026-11-27T19:30:00+01:00", pursue=0),  # exactly 48 h after
        checkin("2026-11-26T09:00:00+01:00", day="2026-11-24"),  # filled in later: noon
    ]
    outside = [
        checkin("2026-11-23T19:29:00+01:00"),
        checkin("2026-11-27T19:31:00+01:00"),
        checkin("2026-11-20T12:00:00+01:00"),
    ]
    chain = rupture_chain(rupture(), [*outside, *inside])
    assert [link.checkin for link in chain.before] == [inside[0], inside[4], inside[1]]
    assert [link.checkin for link in chain.after] == [inside[2], inside[3]]
    assert [link.timed for link in chain.before] == [True, False, True]
    since, until = chain_days(rupture())
    assert since <= "2026-11-23" and until >= "2026-11-27"


def test_each_link_says_its_urges_acted_on_or_not_and_the_pause():
    chain = rupture_chain(
        rupture(),
        [
            checkin("2026-11-25T08:05:00+01:00", pursue=4, pursue_acted=1, withdraw=2, paused=0),
            checkin("2026-11-25T10:00:00+01:00", withdraw=3, withdraw_acted=0, paused=1),
            checkin("2026-11-26T10:00:00+01:00", day="2026-11-24"),
        ],
    )
    assert [link.cells(FROZEN_TODAY) for link in chain.before] == [
        ("Tue 24 Nov", "", "", ""),
        ("Wed 25 Nov 08:05", "4 acted", "2", "no"),
        ("Wed 25 Nov 10:00", "", "3 not acted", "yes"),
    ]
    lines = chain_lines(chain, "▸ the rupture", FROZEN_TODAY)
    assert lines[0].split() == ["pursue", "withdraw", "paused"]
    assert lines[-1] == "▸ the rupture"  # nothing after it
    assert lines[2].split() == ["Wed", "25", "Nov", "08:05", "4", "acted", "2", "no"]
    # the columns line up
    assert lines[2].index("acted") < lines[3].index("3 not acted")


# --- what to try next time -------------------------------------------------------------


def titles(found) -> list[str]:
    return [s.title for s in found]


NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@pytest.mark.parametrize(
    "values, expected",
    [
        ({"my_move": "pursued", "repaired_on": "2026-11-25"}, ["Twenty minutes with the urge"]),
        ({"my_move": "withdrew", "repaired_on": "2026-11-26"}, ["Still here, just quiet"]),
        ({"my_move": "attacked", "repaired_on": "2026-11-26"}, []),  # the next day: not slow
        ({"my_move": "froze", "repaired_on": "2026-11-27"}, [REPAIR_EXPERIMENT]),  # 2 days
        (
            {"my_move": "pursued", "repaired_on": "2026-11-28"},
            ["Twenty minutes with the urge", REPAIR_EXPERIMENT],
        ),
        ({"my_move": "other"}, [REPAIR_EXPERIMENT]),  # open, 2.7 days on
        ({"my_move": "other", "let_rest_on": "2026-11-27"}, []),  # let rest: not slow
        (
            {"my_move": "other", "happened_at": "2026-11-28T02:00:00+01:00"},
            [],  # open for 10 hours
        ),
    ],
)
def test_the_suggestion_fits_the_move_and_a_slow_repair(values, expected):
    assert titles(suggestions(rupture(**values), experiment_library(), NOW)) == expected


def test_a_suggestion_already_running_is_left_out():
    running = Experiment.create(
        title="twenty minutes with the URGE",
        practice="wait",
        started_on="2026-11-20",
        days=14,
        target_count=3,
    )
    found = suggestions(rupture(), experiment_library(), NOW, [running])
    assert titles(found) == [REPAIR_EXPERIMENT]
    assert found[0].template["title"] == REPAIR_EXPERIMENT  # the library entry, to prefill
    assert "practice" in found[0].template


def test_slow_repair_words():
    assert slow_repair(rupture(repaired_on="2026-11-28"), NOW) == "Repair came 3 days after."
    assert slow_repair(rupture(), NOW) == "It has been open for 3 days."
    assert slow_repair(rupture(repaired_on="2026-11-26"), NOW) is None


def test_repair_experiments_are_the_active_ones_about_repair_running_today():
    def experiment(title, practice="do it", start="2026-11-20", **values):
        return Experiment.create(
            title=title, practice=practice, started_on=start, days=14, target_count=3, **values
        )

    library = experiment(REPAIR_EXPERIMENT)
    own = experiment("Come back after a fight", practice="One repair attempt, no 'but'")
    other = experiment("Three breaths")
    later = experiment("Repair sooner", start="2026-12-01")
    done = experiment("Repair again", status="completed", ended_on="2026-11-25")
    found = repair_experiments([library, own, other, later, done], "2026-11-28")
    assert found == [library, own]


# --- ruptures let rest, in the store -----------------------------------------------------


@pytest.fixture
def three(store):
    """An open rupture, a repaired one, one let rest."""
    open_ = store.save_rupture(rupture(happened_at="2026-11-26T10:00:00+01:00"))
    repaired = store.save_rupture(rupture(repaired_on="2026-11-26"))
    rested = store.save_rupture(rupture(my_move="withdrew", let_rest_on="2026-11-27"))
    return open_, repaired, rested


def test_open_means_neither_repaired_nor_let_rest(store, db_path, three):
    open_, repaired, rested = three
    conn = sqlite3.connect(str(db_path))
    plain = {
        r[0]
        for r in conn.execute(
            "SELECT id FROM ruptures WHERE repaired_on IS NULL AND let_rest_on IS NULL"
        )
    }
    conn.close()
    assert {r.id for r in store.ruptures(unrepaired_only=True)} == plain == {open_.id}
    assert [r.id for r in store.ruptures()][0] == open_.id  # the open one first
    assert [rupture_state(r) for r in (open_, repaired, rested)] == [OPEN, REPAIRED, LET_REST]


def test_let_rest_is_neither_repaired_nor_open_in_the_figures(store, three):
    dates = [RuptureDates(*d) for d in store.rupture_dates()]
    summary = rupture_summary(dates)
    assert (summary.count, summary.repaired, summary.let_rest) == (3, 1, 1)
    assert summary.words() == (
        "3 ruptures recorded; 1 repaired, 1 let rest, a median of 1 day from rupture to repair."
    )
    report = build_report(store, FROZEN_TODAY - dt.timedelta(days=29), FROZEN_TODAY)
    assert "| let rest 27 Nov 2026 |" in report
    assert "1 let rest" in report
    opening = report[report.index("### Ruptures not yet repaired") :]
    assert opening.count("with Sam: you pursued") == 1  # only the open one


def test_a_marked_rupture_let_rest_says_so(store, three):
    _, _, rested = three
    store.toggle_bring("rupture", rested.id)
    [item] = agenda.session_context(store, FROZEN_TODAY).waiting
    assert "let rest Fri 27 Nov" in item.line(FROZEN_TODAY)
    assert "not yet repaired" not in item.line(FROZEN_TODAY)


def test_a_rupture_is_repaired_or_let_rest_not_both():
    with pytest.raises(ValidationError) as refused:
        rupture(repaired_on="2026-11-26", let_rest_on="2026-11-26")
    assert refused.value.field == "let_rest_on"
    with pytest.raises(ValidationError):
        rupture(let_rest_on="2026-11-24")  # before the rupture


# --- a repair attempt as practice ---------------------------------------------------------


def test_a_repair_attempt_and_its_practice_are_saved_together(store, db_path):
    experiment = store.save_experiment(
        Experiment.create(
            title=REPAIR_EXPERIMENT,
            practice="repair",
            started_on="2026-11-20",
            days=30,
            target_count=2,
        )
    )
    ticked = rupture(repair_attempt=1)
    log = PracticeLog.create(experiment_id=experiment.id, day="2026-11-28", rupture_id=ticked.id)
    store.save_rupture_with_practice(ticked, log)
    conn = sqlite3.connect(str(db_path))
    rows = conn.execute(
        "SELECT l.experiment_id, l.done, r.repair_attempt FROM practice_logs l "
        "JOIN ruptures r ON r.id = l.rupture_id"
    ).fetchall()
    conn.close()
    assert rows == [(experiment.id, 1, 1)]
    [(found, title)] = store.rupture_practice(ticked.id)
    assert (found.id, title) == (log.id, REPAIR_EXPERIMENT)


def test_a_practice_that_cannot_be_saved_leaves_the_rupture_unsaved_too(store, db_path):
    experiment = store.save_experiment(
        Experiment.create(
            title="Repair", practice="repair", started_on="2026-11-20", days=5, target_count=2
        )
    )
    before = db_digest(db_path)
    ticked = rupture(repair_attempt=1)
    late = PracticeLog.create(experiment_id=experiment.id, day="2026-11-28", rupture_id=ticked.id)
    with pytest.raises(ValidationError):
        store.save_rupture_with_practice(ticked, late)  # after the experiment ended
    other = PracticeLog.create(experiment_id=experiment.id, day="2026-11-22")
    with pytest.raises(ValidationError):
        store.save_rupture_with_practice(ticked, other)  # a log of no rupture
    assert db_digest(db_path) == before
