"""The experiment record in a real terminal (tmux), typed as a hurried person types:
a library entry in one burst, completing it, and the linked next experiment. The
database (or the screen, read with ``capture-pane``) decides."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import FROZEN_TODAY
from tracker.shipped import experiment_library

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TODAY = FROZEN_TODAY.isoformat()


def rows(db_path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_a_library_entry_in_one_burst_then_completed_and_followed(terminal, db_path, size):
    first = experiment_library()[0]
    term = terminal(*size, "--db", str(db_path))
    term.wait_for("Today")
    term.keys("e")
    term.wait_for("No experiments yet")
    term.keys("n")
    term.wait_for("Write my own")
    term.keys("Down", "Enter")
    term.wait_for("Belief in the other way")
    # The two beliefs, how I'll know and what I'll drop, then save: one burst.
    term.burst("7", "0", "Tab", "3", "0", "Tab")
    term.type("Sam says I took too long")
    term.burst("Tab")
    term.type("Rereading it")
    term.keys("C-s")
    term.wait_for("Experiment started")
    term.keys("x")
    term.wait_for("Complete experiment")
    term.type("Sam did not mind")
    term.burst("Tab", "2", "5", "Tab", "6", "5", "Tab")
    term.type("Waiting is fine")
    term.keys("C-s")
    term.wait_for("Plan a next experiment?")
    term.keys("y")
    screen = term.wait_for("Next experiment")
    assert "Your next experiment, filled in from the last one" in screen
    term.keys("C-s")
    term.wait_for("1 active")
    term.keys("C-q")
    term.wait_until_closed()
    done, following = rows(
        db_path,
        "SELECT id, status, belief_before, belief_after, alternative_belief, "
        "alternative_before, alternative_after, how_i_will_know, safety_behaviours, cue, "
        "follows_id, started_on FROM experiments ORDER BY created_at, status DESC",
    )
    assert done[1:10] == (
        "completed",
        70,
        25,
        first["alternative_belief"],
        30,
        65,
        "Sam says I took too long",
        "Rereading it",
        first["cue"],
    )
    assert following[1:4] == ("active", 25, None)
    assert following[5] == 65 and following[7:9] == ("Sam says I took too long", "Rereading it")
    assert following[10:] == (done[0], TODAY)
