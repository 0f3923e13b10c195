"""Forms in a real terminal (tmux), typed as a hurried person types: bursts sent in
one ``send-keys`` call, a tab out of habit after each answer, stray letters, and
NO_COLOR. The database (or the screen, read with ``capture-pane``) decides.

The same sequences, key by key, are in tests/app/test_forms.py.
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import FROZEN_TODAY

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
TODAY = FROZEN_TODAY.isoformat()


def rows(db_path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def quit_app(term) -> None:
    term.keys("C-q")
    term.wait_until_closed()


@SIZES
def test_the_crisis_line_from_the_review_lands_in_its_fields(terminal, db_path, size):
    term = terminal(*size, "--db", str(db_path))
    term.wait_for("Today")
    term.keys("s")
    term.wait_for("Support")
    term.keys("n")
    term.wait_for("Add support")
    term.type("Samaritans")
    term.burst("Tab", "2", "Tab")  # a digit for the kind, and a tab out of habit
    term.type("116 123")
    term.keys("Tab")
    term.type("call any time")
    term.keys("C-s")
    screen = term.wait_for("Saved Samaritans.")
    assert "116 123" in screen and "call any time" in screen
    quit_app(term)
    assert rows(db_path, "SELECT name, kind, how_to_reach, note FROM supports") == [
        ("Samaritans", "crisis line", "116 123", "call any time")
    ]


def test_the_whole_crisis_line_in_one_burst(terminal, db_path):
    term = terminal(80, 24, "--db", str(db_path))
    term.wait_for("Today")
    term.keys("s", "n")
    term.wait_for("Add support")
    term.burst(
        "S",
        "a",
        "m",
        "Tab",
        "2",
        "Tab",
        "1",
        "1",
        "6",
        "Space",
        "1",
        "2",
        "3",
        "Tab",
        "l",
        "a",
        "t",
        "e",
        "C-s",
    )
    term.wait_for("Saved Sam.")
    quit_app(term)
    assert rows(db_path, "SELECT name, kind, how_to_reach, note FROM supports") == [
        ("Sam", "crisis line", "116 123", "late")
    ]


@SIZES
def test_the_card_with_a_tab_after_each_rating_is_the_seven_key_card(terminal, db_path, size):
    term = terminal(*size, "--db", str(db_path))
    term.wait_for("Today")
    term.burst("c", "4", "Tab", "2", "Tab", "3", "Tab", "1", "Tab", "0", "Tab", "C-s")
    term.wait_for("mood 4 (good)")
    quit_app(term)
    assert rows(
        db_path,
        "SELECT day, mood, intensity, regulation, pursue, withdraw, "
        "pursue_acted, paused FROM checkins",
    ) == [(TODAY, 4, 2, 3, 1, 0, None, None)]


def test_c_4_s_h_leaves_no_card_behind_and_c_brings_it_back(terminal, db_path):
    term = terminal(80, 24, "--db", str(db_path))
    term.wait_for("Today")
    term.burst("c", "4", "s", "h")
    term.wait_for("your people and lines")  # s on a rating: support, over the card
    term.keys("h")  # section keys are off while the card is open underneath
    term.keys("c")
    screen = term.wait_for("Check-in")
    # The same card, as it was left (had h left it behind in Today, c would have
    # opened a second, empty one over History).
    assert "[4]" in screen
    term.keys("C-q")
    term.wait_for("Quit without saving?")
    term.keys("n", "Escape")
    term.wait_for("Leave this card?")
    term.keys("y")
    term.wait_for("Welcome")
    quit_app(term)
    assert rows(db_path, "SELECT count(*) FROM checkins") == [(0,)]


@SIZES
def test_a_rupture_typed_in_a_hurry_with_stray_letters(terminal, db_path, size):
    term = terminal(*size, "--db", str(db_path))
    term.wait_for("Today")
    term.keys("r")
    term.wait_for("Ruptures")
    term.keys("n")
    term.wait_for("Log a rupture")
    term.type("Sam")
    term.keys("Tab")
    term.type("I went quiet")
    term.keys("Tab")
    term.type("she is hurt")  # typed on "My move": none of it answers, none opens a screen
    screen = term.wait_for("press p, w, a, f or o")
    assert "Log a rupture" in screen
    term.burst("w", "Tab", "3", "Tab")
    term.type("we talked later")
    term.keys("C-s")
    term.wait_for("Noted.")
    quit_app(term)
    assert rows(db_path, "SELECT day, what_happened, my_move, intensity, note FROM ruptures") == [
        (TODAY, "I went quiet", "withdrew", 3, "we talked later")
    ]
    assert rows(db_path, "SELECT count(*) FROM supports") == [(0,)]


def field_frame(screen: str, label: str) -> str:
    """The top line of the frame under ``label`` (a text field of a record form)."""
    lines = screen.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith(label))
    return lines[at + 1].strip()


@SIZES
def test_focus_shows_without_colour_on_every_kind_of_field(terminal, db_path, size):
    term = terminal(*size, "--db", str(db_path), env={"NO_COLOR": "1"})
    term.wait_for("Today")
    term.keys("s", "n")
    screen = term.wait_for("Add support")
    assert field_frame(screen, "Name").startswith("┏")  # the field with focus
    assert not field_frame(screen, "How to reach them").startswith("┏")
    term.keys("Tab")
    screen = term.wait_for("▸ Kind")
    assert not field_frame(screen, "Name").startswith("┏")
    term.keys("Enter")
    screen = term.wait_for("Add support")
    assert field_frame(screen, "How to reach them").startswith("┏")
    assert "▸ Kind" not in screen
    term.keys("Escape")
    term.wait_for("your people and lines")
    term.keys("Escape", "c")
    screen = term.wait_for("Check-in")
    assert "› Mood" in screen
    for _ in range(9):  # mood to need (no "acted?" stop: no urge rated)
        term.keys("Tab")
    screen = term.wait_for("› Need")
    assert "› Mood" not in screen
    term.keys("Tab", "Tab")
    screen = term.wait_for("This is the last field")
    assert "› Note" in screen and "› Need" not in screen
    term.keys("Escape")
    term.wait_for("Welcome")
    quit_app(term)


def test_support_from_inside_a_text_field_and_back(terminal, db_path):
    term = terminal(80, 24, "--db", str(db_path))
    term.wait_for("Today")
    term.keys("r", "n")
    term.wait_for("Log a rupture")
    screen = term.wait_for("^g Support")  # the chord is in the footer
    assert "^g Support" in [line for line in screen.splitlines() if line.strip()][-1]
    term.type("Sam")
    term.keys("C-g")
    term.wait_for("your people and lines")
    term.keys("Escape")
    screen = term.wait_for("Log a rupture")
    assert "Sam" in screen
    term.keys("F1")
    term.wait_for("Every key")
    term.keys("Escape")
    term.wait_for("Log a rupture")
    term.keys("C-q")
    term.wait_for("Quit without saving?")
    term.keys("y")
    term.wait_until_closed()
    assert rows(db_path, "SELECT count(*) FROM ruptures") == [(0,)]
