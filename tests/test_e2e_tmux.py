"""End to end: the installed ``tracker`` in a real terminal (tmux), then the database.

The ``terminal`` fixture (tests/conftest.py, tests/tmux.py) types with tmux
``send-keys`` and reads the screen with ``capture-pane``.
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import FROZEN_TODAY

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def only_checkin(db_path):
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute(
            "SELECT day, mood, intensity, regulation, pursue, withdraw, pursue_acted FROM checkins"
        ).fetchall()
    finally:
        conn.close()
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_seven_key_checkin_in_a_real_terminal(terminal, db_path, size):
    term = terminal(*size, "--db", str(db_path))
    first = term.wait_for("Today")
    assert "Welcome" in first  # an empty database greets the user
    term.keys("c")
    term.wait_for("Mood")
    term.keys("4", "2", "3", "1", "0", "C-s")
    screen = term.wait_for("mood 4 (good)")  # back on Today, with the new check-in
    assert "Today" in screen
    term.keys("q")
    term.wait_until_closed()
    assert only_checkin(db_path) == (FROZEN_TODAY.isoformat(), 4, 2, 3, 1, 0, None)


def test_nothing_is_cut_off_on_the_home_screen_at_80x24(terminal, db_path, run_tracker):
    run_tracker(
        "add",
        "--mood",
        "3",
        "--regulation",
        "2",
        "--emotion",
        "anxious",
        "--need",
        "to hear from them",
        check=True,
    )
    term = terminal(80, 24, "--db", str(db_path))
    term.wait_for("Today")
    screen = term.wait_for("needed: to hear from them")
    lines = screen.splitlines()
    assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
    assert "You checked in on 1 of the last 30 days." in screen
    assert "needed: to hear from them" in screen
    term.keys("q")
    term.wait_until_closed()
