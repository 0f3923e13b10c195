"""Import from Daylio's CSV export (fixtures are written here, as Daylio writes them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.trust_helpers import cli, db_digest
from tracker.portability.daylio import (
    note_from,
    parse_mood_map,
    parse_time,
    prepare_daylio,
    readable,
)
from tracker.portability.importer import ImportProblem, apply_plan
from tracker.store import Store

BOM = "\ufeff"
NEW_HEADER = "full_date,date,weekday,time,mood,activities,scales,note_title,note"
STD_HEADER = "full_date,date,weekday,time,mood,activities,note_title,note"
OLD_HEADER = "full_date,date,weekday,time,mood,activities,note"


def write(
    path: Path, header: str, rows: list[str], *, bom: bool = True, newline: str = "\r\n"
) -> Path:
    text = (BOM if bom else "") + newline.join([header, *rows]) + newline
    path.write_bytes(text.encode("utf-8"))
    return path


MODERN = [  # newest first, several a day, 12-hour times, scales, titles, HTML notes
    '2026-11-27,27 November,Friday,9:05 pm,good,"work | friends | ",'
    '"","Dinner","<b>Good</b> talk with Sam<br>felt <i>seen</i> &amp; calm"',
    '2026-11-27,27 November,Friday,7:30 am,meh,"bad sleep","sleep: 2","",""',
    '2026-11-26,26 November,Thursday,6:50 pm,rad,"",,"",'
    '"Line one<br/>Line two<br><br><br>After a gap"',
    '2026-11-25,25 November,Wednesday,12:15 am,awful,"work | family",,'
    '"Hard one","Said it:\nI need a pause."',
    '2026-11-24,24 November,Tuesday,12:00 pm,bad,"family","",,',
]


@pytest.fixture
def target(tmp_path):
    s = Store.open(tmp_path / "t.db")
    yield s
    s.close()


def run(store: Store, path: Path, mapping: dict[str, int] | None = None):
    result = prepare_daylio(store, path, mapping)
    apply_plan(store, result.plan)
    return result


def test_modern_export_with_bom_scales_titles_and_html(target, tmp_path):
    path = write(tmp_path / "daylio_export.csv", NEW_HEADER, MODERN)
    result = run(target, path)
    assert result.summary() == [
        "Imported 5 Daylio entries on 4 days, with 4 different tags.",
        "Daylio scales on 1 entries were not imported (tracker has no place for them).",
    ]
    checkins = {c.created_at[:16]: c for c in target.checkins()}
    assert len(checkins) == 5
    dinner = checkins["2026-11-27T21:05"]
    assert dinner.mood == 4
    assert dinner.day == "2026-11-27"
    assert dinner.tags == ("friends", "work")
    assert dinner.note == "Dinner\n\nGood talk with Sam\nfelt seen & calm"
    assert checkins["2026-11-27T07:30"].mood == 3
    assert checkins["2026-11-27T07:30"].tags == ("bad sleep",)
    assert checkins["2026-11-26T18:50"].mood == 5
    assert checkins["2026-11-26T18:50"].note == "Line one\nLine two\n\nAfter a gap"
    assert checkins["2026-11-25T00:15"].mood == 1  # 12:15 am is just after midnight
    assert checkins["2026-11-25T00:15"].note == "Hard one\n\nSaid it:\nI need a pause."
    assert checkins["2026-11-24T12:00"].mood == 2  # 12:00 pm is noon
    assert checkins["2026-11-24T12:00"].note is None


def test_created_at_is_local_time_with_its_offset(target, tmp_path):
    path = write(
        tmp_path / "d.csv", STD_HEADER, ['2026-07-01,1 July,Wednesday,18:50,good,"","",""']
    )
    run(target, path)
    (checkin,) = target.checkins()
    expected = dt.datetime(2026, 7, 1, 18, 50).astimezone().isoformat()
    assert checkin.created_at == expected
    assert checkin.updated_at == expected
    assert checkin.created_at[19] in "+-"


def test_older_export_without_note_title_and_24_hour_times(target, tmp_path):
    path = write(
        tmp_path / "old.csv",
        OLD_HEADER,
        [
            '2023-05-12,12 May,Friday,18:50,good,"work | gym","Plain text note & no HTML"',
            '2023-05-12,12 May,Friday,06:05,meh,"",""',
        ],
        bom=False,
        newline="\n",
    )
    result = run(target, path)
    assert result.summary()[0] == "Imported 2 Daylio entries on 1 day, with 2 different tags."
    notes = {c.created_at[11:16]: c for c in target.checkins()}
    assert notes["18:50"].note == "Plain text note & no HTML"
    assert notes["06:05"].mood == 3


def test_columns_are_found_by_name_in_any_order(target, tmp_path):
    path = write(
        tmp_path / "d.csv",
        " Mood ,note, TIME ,full_date,activities",
        ['good,hello,9:00 AM,2026-11-01,"a | b"'],
    )
    run(target, path)
    (checkin,) = target.checkins()
    assert (checkin.mood, checkin.note, checkin.tags) == (4, "hello", ("a", "b"))
    assert checkin.created_at.startswith("2026-11-01T09:00:00")


def test_custom_moods_stop_the_import_with_the_list(target, tmp_path):
    path = write(
        tmp_path / "d.csv",
        STD_HEADER,
        [
            '2026-11-27,x,y,9:00 pm, so-so ,"","",""',
            '2026-11-26,x,y,9:00 pm,So-So,"","",""',
            '2026-11-25,x,y,9:00 pm,great  day,"","",""',
            '2026-11-24,x,y,9:00 pm,good,"","",""',
        ],
    )
    before = db_digest(target.path)
    with pytest.raises(ImportProblem) as caught:
        prepare_daylio(target, path)
    message = caught.value.problems[0]
    assert "'so-so' (2 entries)" in message
    assert "'great day' (1 entry)" in message
    assert '--map-mood "so-so=3"' in message
    assert db_digest(target.path) == before
    result = run(target, path, parse_mood_map(["so-so=3", "  GREAT day =5"]))
    assert result.summary()[0].startswith("Imported 4 Daylio entries")
    assert sorted(c.mood for c in target.checkins()) == [3, 3, 4, 5]


def test_a_mapping_can_override_a_default_label(target, tmp_path):
    path = write(tmp_path / "d.csv", STD_HEADER, ['2026-11-27,x,y,9:00 pm,meh,"","",""'])
    run(target, path, parse_mood_map(["meh=2"]))
    assert target.checkins()[0].mood == 2


def test_bad_mood_maps_are_refused():
    with pytest.raises(ImportProblem) as caught:
        parse_mood_map(["so-so", "fine=9", "=3"])
    text = str(caught.value)
    assert "expected NAME=N" in text
    assert "'fine=9': the number is not allowed" in text


def test_importing_the_same_file_twice_adds_nothing(target, tmp_path):
    path = write(tmp_path / "d.csv", NEW_HEADER, MODERN)
    run(target, path)
    before = db_digest(target.path)
    again = run(target, path)
    assert again.summary()[0] == "Nothing new: all 5 entries in this file are already here."
    assert db_digest(target.path) == before
    # A later export from Daylio, now with one more entry (and 24-hour times): only that.
    later = write(
        tmp_path / "later.csv",
        NEW_HEADER,
        [
            '2026-11-28,28 November,Saturday,08:00,good,"",,"",""',
            '2026-11-27,27 November,Friday,21:05,good,"work | friends | ",'
            '"","Dinner","<b>Good</b> talk with Sam<br>felt <i>seen</i> &amp; calm"',
        ],
    )
    third = run(target, later)
    assert third.summary()[:2] == [
        "Imported 1 Daylio entry on 1 day, with 0 different tags.",
        "1 entry was already here and left as it is.",
    ]
    assert target.checkin_count() == 6


def test_identical_entries_are_both_kept(target, tmp_path):
    row = '2026-11-27,x,y,9:00 pm,good,"",,""'
    path = write(tmp_path / "d.csv", OLD_HEADER, [row, row])
    run(target, path)
    assert target.checkin_count() == 2
    run(target, path)
    assert target.checkin_count() == 2


def test_problems_name_the_line_and_column_and_nothing_is_written(target, tmp_path):
    path = write(
        tmp_path / "d.csv",
        STD_HEADER,
        [
            '2026-11-27,x,y,9:00 pm,good,"","","first\nsecond"',  # lines 2-3
            '2026-11-26,x,y,25:00,good,"","",""',  # line 4: not a time
            '2027-01-01,x,y,9:00 pm,good,"","",""',  # line 5: the future
            '26/11/2026,x,y,9:00 pm,good,"","",""',  # line 6: not ISO
            '2026-11-20,x,y,9:00 pm,good,"","",""',
        ],
    )
    before = db_digest(target.path)
    with pytest.raises(ImportProblem) as caught:
        prepare_daylio(target, path)
    problems = caught.value.problems
    assert problems[0].endswith(
        "line 4, column 4 (time): '25:00' is not a time; expected one like 6:50 pm or 18:50."
    )
    assert "line 5, column 1 (full_date): '2027-01-01' is not allowed; use today " in problems[1]
    assert "line 6, column 1 (full_date): '26/11/2026' is not allowed" in problems[2]
    assert len(problems) == 3
    assert db_digest(target.path) == before


def test_not_a_daylio_file(target, tmp_path):
    path = write(tmp_path / "d.csv", "id,day,mood", ["1,2026-11-01,3"])
    with pytest.raises(ImportProblem) as caught:
        prepare_daylio(target, path)
    assert "lacks full_date, time" in str(caught.value)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportProblem, match="is empty"):
        prepare_daylio(target, empty)


def test_very_old_export_with_year_and_english_date(target, tmp_path):
    path = write(
        tmp_path / "d.csv",
        "year,date,weekday,time,mood,activities,note",
        ['2018,18 May,Friday,11:54 pm,good,"clean | cook | music","Went to a party"'],
    )
    run(target, path)
    (checkin,) = target.checkins()
    assert checkin.day == "2018-05-18"
    assert checkin.tags == ("clean", "cook", "music")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("6:50 pm", "18:50:00"),
        ("6:50 PM", "18:50:00"),
        ("06:50 am", "06:50:00"),
        ("12:00 am", "00:00:00"),
        ("12:30 pm", "12:30:00"),
        ("18:50", "18:50:00"),
        ("6:50\u202fp.m.", "18:50:00"),
        ("23:59:30", "23:59:30"),
        ("0:05", "00:05:00"),
        ("13:00 pm", None),
        ("24:00", None),
        ("noon", None),
        ("", None),
        ("6:5 pm", None),
    ],
)
def test_times(text, expected):
    assert parse_time(text) == expected


def test_readable_notes():
    assert readable("<p>One</p><p>Two &lt;3</p>") == "One\nTwo <3"
    assert readable("<ul><li>milk</li><li>bread</li></ul>") == "- milk\n- bread"
    assert readable("a < b and c > d") == "a < b and c > d"
    assert readable("AT&T&nbsp;rocks") == "AT&T rocks"
    assert readable("  trailing  \r\nspaces \r\n\r\n\r\n\r\nend ") == "trailing\nspaces\n\nend"
    assert note_from("", "") == ""
    assert note_from("Title", "") == "Title"


def test_cli_end_to_end(tmp_path):
    path = write(
        tmp_path / "d.csv",
        STD_HEADER,
        ['2026-11-27,x,y,9:00 pm,so-so,"work","",""', '2026-11-26,x,y,9:00 pm,good,"","",""'],
    )
    db = tmp_path / "data" / "t.db"
    refused = cli("--db", str(db), "import", "--from", "daylio", str(path))
    assert refused.exit_code == 2
    assert "'so-so' (1 entry)" in refused.output
    assert "Nothing was imported" in refused.output
    done = cli("--db", str(db), "import", "--from", "daylio", str(path), "--map-mood", "so-so=3")
    assert done.exit_code == 0, done.output
    assert "Imported 2 Daylio entries on 2 days, with 1 different tag." in done.output
    again = cli("--db", str(db), "import", "--from", "daylio", str(path), "--map-mood", "so-so=3")
    assert "Nothing new" in again.output
    wrong = cli("--db", str(db), "import", str(path), "--map-mood", "x=1")
    assert wrong.exit_code == 2
    guessed = cli("--db", str(db), "import", str(path))
    assert "looks like a Daylio export" in guessed.output
