"""A corpus of bad input: each gets a clear message (or imports correctly), and the
database is unchanged after every rejection."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from tests.trust_helpers import (
    CHECKIN_HEADER,
    cli,
    db_digest,
    export_folder,
    file_hash,
    populate,
    write_checkins_csv,
)
from tracker.portability.importer import ImportProblem, import_path
from tracker.store import Store

GOOD_ROW = [
    "6f1c1b7e-3b8e-4c36-9a55-6f0e2f2f8a11",
    "2026-11-20",
    "2026-11-20T08:00:00+01:00",
    "2026-11-20T08:00:00+01:00",
    "3",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "a note",
    "calm",
    "",
    "",
]


def row(**changes: str) -> list[str]:
    values = dict(zip(CHECKIN_HEADER, GOOD_ROW))
    values.update(changes)
    return [values[c] for c in CHECKIN_HEADER]


def csv_text(header: list[str], *rows: list[str]) -> str:
    out = io.StringIO()
    import csv

    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "db" / "tracker.db")
    populate(s)
    yield s
    s.close()


def refused(store: Store, path: Path) -> str:
    """Import ``path``; it must be refused and leave the database as it was."""
    before = db_digest(store.path)
    with pytest.raises(ImportProblem) as caught:
        import_path(store, path)
    assert db_digest(store.path) == before
    message = str(caught.value)
    assert str(path) in message or path.name in message  # it names the file
    return message


def put(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_empty_file(store, tmp_path):
    message = refused(store, put(tmp_path, "checkins.csv", b""))
    assert "is empty" in message and "header row such as: id,day," in message


def test_header_only_imports_nothing_and_says_so(store, tmp_path):
    before = db_digest(store.path)
    path = put(tmp_path, "checkins.csv", csv_text(CHECKIN_HEADER))
    plan = import_path(store, path)
    assert plan.changes == 0
    assert plan.notes == [f"{path} has a header but no rows: nothing to import from it."]
    assert db_digest(store.path) == before


def test_wrong_headers(store, tmp_path):
    message = refused(store, put(tmp_path, "data.csv", "when,how,what\n1,2,3\n"))
    assert "line 1: the header (when,how,what) is not one that 'tracker export' writes" in message
    assert "Expected, for check-ins: id,day,created_at" in message


def test_missing_column(store, tmp_path):
    header = [c for c in CHECKIN_HEADER if c != "note"]
    path = put(tmp_path, "checkins.csv", csv_text(header, row()[:13] + row()[14:]))
    message = refused(store, path)
    assert "line 1: looks like the checkins table, but it lacks note." in message


def test_unknown_extra_column(store, tmp_path):
    path = put(tmp_path, "export.csv", csv_text([*CHECKIN_HEADER, "weather"], [*row(), "rain"]))
    assert "has columns tracker does not know: 'weather'" in refused(store, path)


def test_a_row_with_a_missing_cell(store, tmp_path):
    path = put(tmp_path, "checkins.csv", csv_text(CHECKIN_HEADER, row(), row()[:-1]))
    message = refused(store, path)
    assert "line 3: has 16 cells where the header has 17" in message


def test_not_utf8(store, tmp_path):
    text = csv_text(CHECKIN_HEADER, row(), row(id="", note="caf\u00e9"))
    path = put(tmp_path, "checkins.csv", text.encode("latin-1"))
    message = refused(store, path)
    assert "line 3: is not UTF-8 text (byte 0xe9" in message
    assert "Save the file as UTF-8" in message


def test_utf16(store, tmp_path):
    path = put(tmp_path, "checkins.csv", csv_text(CHECKIN_HEADER, row()).encode("utf-16"))
    assert "is UTF-16 text; tracker reads UTF-8" in refused(store, path)


def test_a_byte_order_mark_is_fine(store, tmp_path):
    path = put(tmp_path, "checkins.csv", "\ufeff" + csv_text(CHECKIN_HEADER, row()))
    assert import_path(store, path).counts["checkins"].added == 1


def test_a_10_mb_field(store, tmp_path):
    big = "x" * (10 * 1024 * 1024)
    path = put(
        tmp_path,
        "checkins.csv",
        csv_text(CHECKIN_HEADER, row(), row(id="6f1c1b7e-3b8e-4c36-9a55-000000000010", note=big)),
    )
    message = refused(store, path)
    assert (
        "line 3, column 14 (note): '10,485,760 characters' is not allowed; use at most "
        "100,000 characters."
    ) in message


@pytest.mark.parametrize(
    "column, value, expected",
    [
        (
            "mood",
            "7",
            "column 5 (mood): 7 is not allowed; use a whole number from 1 (awful) to 5 (great).",
        ),
        ("mood", "0", "column 5 (mood): 0 is not allowed"),
        (
            "mood",
            "",
            "column 5 (mood): '' is not allowed; use a whole number from 1 (awful) to 5 "
            "(great) (required).",
        ),
        ("mood", "3.5", "column 5 (mood): '3.5' is not allowed"),
        ("intensity", "-1", "column 6 (intensity): -1 is not allowed; use a whole number from 0"),
        ("regulation", "six", "column 7 (regulation): 'six' is not allowed"),
        ("paused", "maybe", "column 12 (paused): 'maybe' is not allowed; use yes or no"),
        (
            "pursue_acted",
            "1",
            "column 10 (pursue_acted): 'yes' is not allowed; use 'yes' only when "
            "pursue is above 0.",
        ),
        (
            "day",
            "2027-01-01",
            "column 2 (day): '2027-01-01' is not allowed; use today (2026-11-28) "
            "or an earlier day.",
        ),
        (
            "day",
            "yesterday",
            "column 2 (day): 'yesterday' is not allowed; use a date as YYYY-MM-DD.",
        ),
        (
            "day",
            "2026-02-30",
            "column 2 (day): '2026-02-30' is not allowed; use a real calendar date",
        ),
        (
            "created_at",
            "last tuesday",
            "column 3 (created_at): 'last tuesday' is not allowed; use a "
            "date and time as YYYY-MM-DDTHH:MM:SS+HH:MM.",
        ),
        ("id", "not-a-uuid", "column 1 (id): 'not-a-uuid' is not allowed; use a UUID"),
        (
            "emotions",
            "a" * 61,
            "column 15 (emotions): '" + "a" * 56 + "...' is not allowed; "
            "use names of at most 60 characters.",
        ),
    ],
)
def test_values_out_of_range_or_not_what_they_say(store, tmp_path, column, value, expected):
    path = put(tmp_path, "checkins.csv", csv_text(CHECKIN_HEADER, row(), row(**{column: value})))
    message = refused(store, path)
    assert f"checkins.csv, line 3, {expected}" in message


def test_many_problems_are_listed_up_to_a_limit(store, tmp_path):
    rows = [row(id="", mood="9") for _ in range(500)]
    path = put(tmp_path, "checkins.csv", csv_text(CHECKIN_HEADER, *rows))
    with pytest.raises(ImportProblem) as caught:
        import_path(store, path)
    assert len(caught.value.problems) == 20 and caught.value.more
    assert "line 21," in caught.value.problems[-1]


def test_nul_bytes(store, tmp_path):
    path = put(tmp_path, "checkins.csv", csv_text(CHECKIN_HEADER, row(note="a\x00b")))
    message = refused(store, path)
    assert "checkins.csv" in message and ("NUL" in message or "\\0" in message)


def test_binary_garbage_named_csv(store, tmp_path):
    path = put(tmp_path, "checkins.csv", bytes(range(256)) * 40)
    assert "is not UTF-8 text" in refused(store, path)


@pytest.mark.parametrize(
    "content, expected",
    [
        ('{"foo": 1}', "is JSON but not a tracker export: it holds an object"),
        ("[1, 2, 3]", "the array holds something other than objects"),
        (
            '[{"a": 1, "b": 2}]',
            "line 1: is JSON but not a tracker export: its objects' fields (a, b)",
        ),
        ('"just text"', "it holds a str"),
        ('[{"id": 1,\n  ', "line 2, column 3: is not valid JSON"),
        ("[] []", "line 1, column 4: is not valid JSON (Extra data after the array)"),
        ("", "is JSON but not a tracker export: it holds nothing"),
    ],
)
def test_json_that_is_not_ours(store, tmp_path, content, expected):
    assert expected in refused(store, put(tmp_path, "data.json", content))


def _checkins_json(store: Store, tmp_path: Path) -> list[dict]:
    export_folder(store, tmp_path / "j", "json")
    return json.loads((tmp_path / "j" / "checkins.json").read_text(encoding="utf-8"))


def test_json_records_with_wrong_fields_or_types(store, tmp_path):
    objs = _checkins_json(store, tmp_path)
    extra = dict(objs[0], weather="rain")
    message = refused(store, put(tmp_path, "checkins.json", json.dumps([extra])))
    assert "line 1: this checkins record has fields tracker does not know: weather." in message
    nested = dict(objs[0], note={"text": "hi"})
    message = refused(store, put(tmp_path, "checkins.json", json.dumps([nested], indent=1)))
    assert "line 2, field 'note': expected text, a number or null, not dict." in message
    names = dict(objs[0], emotions="calm")
    message = refused(store, put(tmp_path, "checkins.json", "[\n" + json.dumps(names) + "\n]"))
    assert "line 2, field 'emotions': expected a list of names" in message
    bad = dict(objs[1], mood=9)
    message = refused(
        store,
        put(
            tmp_path,
            "checkins.json",
            "[\n  " + json.dumps(objs[0]) + ",\n  " + json.dumps(bad) + "\n]",
        ),
    )
    assert "checkins.json, line 3, field 'mood': 9 is not allowed" in message


def test_all_or_nothing_across_files(store, tmp_path):
    export_folder(store, tmp_path / "out")
    # A good checkins.csv and a broken supports.csv in the same folder: nothing comes in.
    fresh = tmp_path / "fresh.db"
    with Store.open(fresh) as target:
        before = db_digest(fresh)
        supports = tmp_path / "out" / "supports.csv"
        supports.write_text(
            supports.read_text(encoding="utf-8").replace("crisis line", "helicopter"),
            encoding="utf-8",
        )
        with pytest.raises(ImportProblem) as caught:
            import_path(target, tmp_path / "out")
        assert "supports.csv, line 2, column 3 (kind): 'helicopter' is not allowed" in str(
            caught.value
        )
        assert db_digest(fresh) == before
        assert target.checkin_count() == 0


def test_paths_that_are_not_exports(store, tmp_path):
    assert "no such file or folder" in refused(store, tmp_path / "nope.csv")
    (tmp_path / "empty-folder").mkdir()
    assert "holds no .csv or .json files" in refused(store, tmp_path / "empty-folder")
    assert "expected a .csv or .json file" in refused(store, put(tmp_path, "notes.txt", "hi"))


def test_cli_refusal_says_nothing_was_written(store, tmp_path):
    path = put(tmp_path, "checkins.csv", csv_text(CHECKIN_HEADER, row(mood="11")))
    store.close()
    before = db_digest(tmp_path / "db" / "tracker.db")
    result = cli("--db", str(tmp_path / "db" / "tracker.db"), "import", str(path))
    assert result.exit_code == 2
    assert "line 2, column 5 (mood): 11 is not allowed" in result.output
    assert "Nothing was imported; the database is unchanged." in result.output
    assert db_digest(tmp_path / "db" / "tracker.db") == before


def test_cli_refusal_into_an_empty_database(tmp_path):
    """Into an empty database the check-ins are checked while written: still all or nothing."""
    rows = [row(id=f"6f1c1b7e-3b8e-4c36-9a55-{n:012d}") for n in range(9000)]
    rows[8500] = row(id="6f1c1b7e-3b8e-4c36-9a55-999999999999", day="2026-13-01")
    path = put(tmp_path, "checkins.csv", csv_text(CHECKIN_HEADER, *rows))
    db = tmp_path / "fresh" / "tracker.db"
    result = cli("--db", str(db), "import", str(path))
    assert result.exit_code == 2
    assert "line 8502, column 2 (day): '2026-13-01' is not allowed" in result.output
    assert "Nothing was imported; the database is unchanged." in result.output
    with Store.open(db) as s:
        assert s.checkin_count() == 0


@pytest.mark.slow
def test_100k_rows_import_correctly(tmp_path):
    path = tmp_path / "checkins.csv"
    write_checkins_csv(path, 100_000)
    digest = file_hash(path)
    with Store.open(tmp_path / "big.db") as target:
        started = time.perf_counter()
        plan = import_path(target, path)
        elapsed = time.perf_counter() - started
        assert plan.counts["checkins"].added == 100_000
        assert target.checkin_count() == 100_000
        links = target.db.execute("SELECT count(*) FROM checkin_emotions").fetchone()[0]
        assert links == 200_000
        assert target.integrity_problems() == []
    assert file_hash(path) == digest
    print(f"\nimported 100,000 check-ins in {elapsed:.1f}s ({100_000 / elapsed:,.0f}/s)")
