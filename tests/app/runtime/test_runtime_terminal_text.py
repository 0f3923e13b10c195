"""tracker/app/runtime/terminal_text.py: no control character in drawn text reaches
the terminal. Breaks loudly if Textual's Strip changes under it."""

from __future__ import annotations

import inspect

import pytest
from rich.segment import Segment
from textual.strip import Strip

from tests.terminal_fixtures import OSC_TITLE, hostile_database
from tracker.app.runtime import terminal_text


def test_strip_takes_its_segments_first_as_this_module_expects():
    terminal_text.install()
    original = inspect.unwrap(Strip.__init__)
    parameters = list(inspect.signature(original).parameters)
    assert parameters[:3] == ["self", "segments", "cell_length"]


def test_every_control_character_is_dropped_and_cells_stay_where_they_were():
    terminal_text.install()
    controls = "".join(chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)))
    strip = Strip([Segment("a" + controls + "b"), Segment("\x1b]52;c;eA==\x07")])
    assert strip.text == "ab]52;c;eA=="
    assert strip.cell_length == len("ab]52;c;eA==")


def test_plain_text_and_control_segments_are_untouched():
    terminal_text.install()
    segments = [Segment("héllo ⠤⠤ wörld"), Segment("", None, [(1, 0)])]
    strip = Strip(segments)
    assert list(strip) == segments


def test_install_twice_wraps_once():
    terminal_text.install()
    first = Strip.__init__
    terminal_text.install()
    assert Strip.__init__ is first


@pytest.mark.slow
@pytest.mark.parametrize("key", ["t", "h", "e", "r", "g", "s"])
def test_no_screen_lets_stored_text_drive_the_terminal(terminal, tmp_path, key):
    """Every section and Support, on a database whose every text field retitles the
    window: the title never changes, and no ESC reaches the screen's text."""
    db = hostile_database(tmp_path / "hostile.db")
    term = terminal(120, 40, "--db", str(db))
    term.wait_for("Today")
    before = term.title()
    term.keys(key)
    term.keys("enter")  # open the first record where the screen has a list
    screen = term.screen()
    assert "PWNED" not in term.title() and term.title() == before
    assert "\x1b" not in screen and "\x07" not in screen
    assert OSC_TITLE not in screen
