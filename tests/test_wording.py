"""The words for experiments and ruptures: plain text, below the app."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from tests.conftest import FROZEN_TODAY
from tracker import wording
from tracker.models import Experiment


def test_wording_imports_neither_textual_nor_rich():
    code = (
        "import sys, tracker.wording; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'rich', 'click')))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert shown.stdout.strip() == "[]"


def test_the_bar_fills_its_share_and_stops_at_the_aim():
    assert [wording.filled_cells(done, 5) for done in (0, 1, 3, 5, 7)] == [0, 2, 6, 10, 10]
    assert wording.filled_cells(2, 0) == 10  # an aim of 0 counts as 1, never divides by 0
    assert wording.filled_cells(1, 3, width=6) == 2


def test_counts_say_what_was_done_never_a_verdict():
    assert wording.count_words(3, 5) == "3 of 5"
    assert wording.count_words(7, 5) == "7 (aim: 5)"


def test_an_experiment_period_in_words():
    exp = Experiment.create(
        title="Ask for help",
        practice="Ask once a day",
        started_on="2026-11-20",
        ends_on="2026-12-03",
        target_count=5,
        belief_before=70,
    )
    assert wording.period_words(exp, FROZEN_TODAY) == "day 9 of 14"
    assert wording.period_words(exp, dt.date(2026, 11, 19)) == "starts Fri 20 Nov"
    assert wording.belief_words(exp) == "belief 70% at the start"


def test_counts_past_the_aim_never_read_as_six_of_five():
    from tracker.wording import count_words, times_words

    assert times_words(3, 5) == "3 of 5 times"
    assert times_words(6, 5) == "6 times (the aim was 5)"
    assert count_words(6, 5) == "6 (aim: 5)"


def test_every_move_reads_as_a_sentence():
    from tracker.models import MY_MOVES as MOVES
    from tracker.wording import MOVE_SENTENCES

    assert set(MOVE_SENTENCES) == set(MOVES)
    assert MOVE_SENTENCES["other"] == "I did something else"
