"""Stored text never reaches a terminal as control codes (the CLI's output paths;
the app's screens are held to the same in tests/app)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.models import CheckIn, Experiment, PracticeLog, Rupture, Session
from tracker.store import Store
from tracker.text import CONTROLS, one_line, visible

ALL_CONTROLS = [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]
OSC52 = "\x1b]52;c;aGVsbG8=\x1b\\"  # writes the clipboard in many terminals
CSI_C1 = "\x9b2J"  # clears the screen where 8-bit controls are honoured


def raw_controls(text: str, *, allow: str = "\n") -> list[str]:
    return sorted({c for c in CONTROLS.findall(text) if c not in allow})


@given(st.text(alphabet=st.sampled_from(ALL_CONTROLS + list("ab ")), max_size=40))
def test_visible_leaves_no_control_but_newline_and_tab(text):
    shown = visible(text)
    assert raw_controls(shown, allow="\n\t") == []
    assert raw_controls(one_line(text), allow="") == []


@given(st.text(max_size=60).filter(lambda t: not CONTROLS.search(t)))
def test_text_without_controls_is_unchanged(text):
    assert visible(text) == text


@settings(max_examples=30)
@given(st.sampled_from(ALL_CONTROLS))
def test_every_control_is_shown_as_something_visible(char):
    shown = visible(f"a{char}b", newlines=False, tabs=False)
    assert shown.startswith("a") and shown.endswith("b") and len(shown) > 3


@pytest.fixture
def hostile_db(db_path):
    """Every control character, and two real attacks, in every kind of user text."""
    nasty = "".join(c for c in ALL_CONTROLS if c != "\x00") + OSC52 + CSI_C1
    with Store.open(db_path) as store:
        store.save_checkin(
            CheckIn.create(
                mood=2,
                pursue=4,
                need=f"need {nasty}",
                note=f"note {nasty}\nline two",
                emotions=[f"em{OSC52}"],
                people=[f"Sam{CSI_C1}"],
                tags=["tag\x1b[8m"],
            )
        )
        exp = store.save_experiment(
            Experiment.create(
                title=f"Breaths {OSC52}",
                practice=f"practice {nasty}",
                started_on="2026-11-20",
                days=14,
                target_count=3,
                outcome=f"out {nasty}",
                learned=f"learned {nasty}",
            )
        )
        store.save_practice_log(
            PracticeLog.create(
                experiment_id=exp.id, done="yes", distress_before=3, distress_after=1
            )
        )
        rupture = store.save_rupture(
            Rupture.create(my_move="withdrew", what_happened=f"w {nasty}", people=[f"Kim{OSC52}"])
        )
        store.save_sessions(
            [
                Session.create(day="2026-11-20", note=f"session {nasty}"),
                Session.create(day="2026-12-03", agenda=f"agenda {nasty}"),
            ]
        )
        for kind, record_id in (
            ("checkin", store.checkins()[0].id),
            ("experiment", exp.id),
            ("rupture", rupture.id),
            ("practice_log", store.practice_logs()[0].id),
        ):
            store.set_bring(kind, record_id, True)
    return db_path


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--days", "30"],
        ["report"],
        ["chart", "emotions"],
        ["chart", "people"],
        ["chart", "tags"],
        ["chart", "experiments"],
        ["chart", "mood"],
        ["chart", "calendar"],
        ["session", "list"],
        ["report", "--format", "html"],
    ],
)
def test_commands_that_print_user_text_print_no_control_codes(hostile_db, run_tracker, args):
    result = run_tracker(*args, env={"NO_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    assert raw_controls(result.stdout) == [], args
    assert raw_controls(result.stderr) == []
    assert "^[" in result.stdout or "<U+009B>" in result.stdout or args[0] == "chart"


def test_list_json_has_no_control_codes_and_keeps_the_text(hostile_db, run_tracker):
    """JSON escapes C0 controls itself; DEL and C1 controls are escaped too, so the
    terminal obeys nothing, and the value read back is the text as stored."""
    import json

    result = run_tracker("list", "--json")
    assert result.returncode == 0, result.stderr
    assert raw_controls(result.stdout) == []
    (checkin,) = json.loads(result.stdout)
    with Store.open(hostile_db) as store:
        assert checkin["note"] == store.checkins()[0].note
        assert checkin["people"] == list(store.checkins()[0].people)


def test_the_echo_of_add_shows_controls_visibly(run_tracker):
    result = run_tracker("add", "--mood", "3", "--note", f"hi {OSC52}", "--tag", "t\x1b[2J")
    assert result.returncode == 0, result.stderr
    assert raw_controls(result.stdout) == []
    assert "^[]52;c;aGVsbG8=^[\\" in result.stdout


def test_errors_that_quote_input_show_controls_visibly(run_tracker):
    result = run_tracker("add", "--mood", f"4{OSC52}")
    assert result.returncode == 2
    assert raw_controls(result.stderr) == []
    assert re.search(r"mood", result.stderr)
