"""The inbox: one check-in per line, absorbed by ``tracker inbox FILE``."""

from __future__ import annotations

import os
import sqlite3

import pytest

from tests.trust_helpers import db_digest
from tracker.inbox import line_id, parse_line, read_inbox, without_lines
from tracker.models import ValidationError

GOOD = '2026-11-28 21:10 m4 r3 p1 w0 #work @Sam "texted once"'


def test_a_line_gives_every_part_of_a_check_in():
    values = parse_line(
        "2026-11-26 07:05 m2 i4 r1 p4! w2~ paused +anxious +lonely @\u201cAunt May\u201d "
        '#"bad sleep" need:"to be heard" \u201cslept badly, texted twice\u201d'
    )
    assert values["day"] == "2026-11-26" and values["created_at"].startswith("2026-11-26T07:05")
    assert (values["mood"], values["intensity"], values["regulation"]) == (2, 4, 1)
    assert (values["pursue"], values["pursue_acted"]) == (4, "yes")
    assert (values["withdraw"], values["withdraw_acted"]) == (2, "no")
    assert values["paused"] == "yes"
    assert values["emotions"] == ["anxious", "lonely"] and values["people"] == ["Aunt May"]
    assert values["tags"] == ["bad sleep"] and values["need"] == "to be heard"
    assert values["note"] == "slept badly, texted twice"


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("m4 r3", "day"),
        ("2026-11-28 m4 r3 hello", "hello"),
        ('2026-11-28 m4 "one" "two"', '"two"'),
        ("2026-11-28 m4 m3", "m3"),
        ("2026-11-28 m4 r3!", "r3!"),
        ('2026-11-28 m4 "unclosed', "quote"),
        ("2026-11-28 25:00 m4", "time"),
    ],
)
def test_a_line_not_understood_names_the_part(line, named):
    with pytest.raises(ValidationError) as raised:
        parse_line(line)
    assert str(raised.value).startswith(named)


def test_reading_checks_each_line_through_the_model_and_keeps_numbers():
    lines = read_inbox(f"{GOOD}\n\n2026-11-27 m7\n2026-11-26 m3 r9\n2099-01-01 m3\n")
    assert [line.number for line in lines] == [1, 3, 4, 5]
    assert lines[0].checkin is not None and lines[0].checkin.id == line_id(GOOD)
    assert [line.problem.split(":")[0] for line in lines[1:]] == ["mood", "regulation", "day"]


def test_taking_lines_out_keeps_every_other_line_as_written():
    text = "keep me\r\n" + GOOD + "\n" + GOOD + "\nnew line from the phone\n"
    assert without_lines(text, [GOOD]) == "keep me\r\n" + GOOD + "\nnew line from the phone\n"
    assert without_lines(text, ["  " + GOOD.replace(" ", "  ")]) == without_lines(text, [GOOD])
    assert without_lines("a\nb", ["b"]) == "a\n"


def _rows(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT day, mood, note FROM checkins ORDER BY day").fetchall()
    finally:
        conn.close()


def test_good_lines_are_saved_then_taken_out_and_bad_ones_stay(run_tracker, db_path, tmp_path):
    inbox = tmp_path / "inbox.txt"
    inbox.write_text(f"{GOOD}\n\n2026-11-27 m7 r3\n2026-11-26 m2 @Sam\n")
    result = run_tracker("inbox", str(inbox))
    assert result.returncode == 2
    assert "Absorbed 2 check-in(s)" in result.stdout
    assert f"{inbox}, line 3: mood: 7 is not allowed" in result.stderr
    assert inbox.read_text() == "\n2026-11-27 m7 r3\n"
    assert _rows(db_path) == [("2026-11-26", 2, None), ("2026-11-28", 4, "texted once")]
    inbox.write_text("2026-11-27 m5 r3\n")
    fixed = run_tracker("inbox", str(inbox))
    assert fixed.returncode == 0 and inbox.read_text() == ""
    assert len(_rows(db_path)) == 3
    assert "no check-ins to absorb" in run_tracker("inbox", str(inbox)).stdout


def test_a_line_absorbed_twice_is_one_check_in(run_tracker, db_path, tmp_path):
    """As after a run killed between the commit and the rewrite: the line is back."""
    inbox = tmp_path / "inbox.txt"
    inbox.write_text(GOOD + "\n")
    assert run_tracker("inbox", str(inbox)).returncode == 0
    inbox.write_text(GOOD + "\n")
    again = run_tracker("inbox", str(inbox))
    assert again.returncode == 0 and "1 had been absorbed already" in again.stdout
    assert len(_rows(db_path)) == 1 and inbox.read_text() == ""


def test_an_inbox_that_cannot_be_read_as_one_changes_nothing(run_tracker, db_path, tmp_path):
    assert run_tracker("add", "--mood", "3").returncode == 0
    before = db_digest(db_path)
    target = tmp_path / "real.txt"
    target.write_text(GOOD + "\n")
    link = tmp_path / "link.txt"
    os.symlink(target, link)
    linked = run_tracker("inbox", str(link))
    assert linked.returncode == 3 and "is a link" in linked.stderr
    assert target.read_text() == GOOD + "\n"
    binary = tmp_path / "latin1.txt"
    binary.write_bytes(b'2026-11-28 m4 "caf\xe9"\n')
    assert run_tracker("inbox", str(binary)).returncode == 2
    assert binary.read_bytes() == b'2026-11-28 m4 "caf\xe9"\n'
    missing = run_tracker("inbox", str(tmp_path / "none.txt"))
    assert missing.returncode == 3 and "no such file" in missing.stderr
    dry = tmp_path / "dry.txt"
    dry.write_text(GOOD + "\n")
    assert "1 line(s) would be absorbed" in run_tracker("inbox", str(dry), "--dry-run").stdout
    assert dry.read_text() == GOOD + "\n"
    assert db_digest(db_path) == before


def test_control_codes_in_a_bad_line_reach_the_terminal_as_text(run_tracker, tmp_path):
    inbox = tmp_path / "inbox.txt"
    inbox.write_text("2026-11-28 m4 \x1b]0;owned\x07\n")
    result = run_tracker("inbox", str(inbox))
    assert result.returncode == 2 and "\x1b" not in result.stderr and "^[" in result.stderr


def test_commas_between_names_separate_them_and_are_never_part_of_one():
    values = parse_line('2026-11-28 m3 @Sam, @Mum +anxious, +calm,,+sad #work, #"bad sleep"')
    assert values["people"] == ["Sam", "Mum"]
    assert values["emotions"] == ["anxious", "calm", "sad"]
    assert values["tags"] == ["work", "bad sleep"]
