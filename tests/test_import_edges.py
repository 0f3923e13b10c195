"""Hostile input to ``tracker import`` (its own exports and Daylio's): every one ends
with one line per problem naming the file (and line and field where there is one),
the documented exit code (3 for a path that cannot be used as it is: missing, a
FIFO, a device; 2 for what a file holds), and the database as it was. Nothing hangs, nothing reads
without bound, nothing ends in a traceback.

Three layers: the real command in a subprocess for the paths that are not regular
files (a FIFO, devices, links, sockets, a huge file); the command in this process
for each kind of bad content; and property tests that throw arbitrary bytes, JSON
and CSV at the importer itself.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FROZEN_TODAY, tracker_executable
from tests.trust_helpers import CHECKIN_HEADER, cli, db_digest, populate
from tracker.portability.daylio import prepare_daylio
from tracker.portability.importer import ImportProblem, Problems, apply_plan, prepare_import
from tracker.portability.importer.reading import (
    MAX_FILE_BYTES,
    ReadBudget,
    read_bytes,
    read_text,
)
from tracker.store import Store

GOOD = {
    "id": "6f1c1b7e-3b8e-4c36-9a55-6f0e2f2f8a11",
    "day": "2026-11-20",
    "created_at": "2026-11-20T08:00:00+01:00",
    "updated_at": "2026-11-20T08:00:00+01:00",
    "mood": 3,
    "intensity": None,
    "regulation": None,
    "pursue": None,
    "withdraw": None,
    "pursue_acted": None,
    "withdraw_acted": None,
    "paused": None,
    "need": None,
    "note": "a note",
    "emotions": ["calm"],
    "people": [],
    "tags": [],
}
DAYLIO_HEADER = "full_date,date,weekday,time,mood,activities,note_title,note\n"
SOURCES = ["tracker", "daylio"]


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "db" / "tracker.db"
    with Store.open(path) as store:
        populate(store)
    return path


def run(db: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command; a hang fails the test (the timeout) instead of stalling it."""
    env = {**os.environ, "TRACKER_TODAY": FROZEN_TODAY.isoformat()}
    return subprocess.run(
        [tracker_executable(), "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=cwd,
    )


def error_lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr, stderr
    assert "\x1b" not in stderr, stderr
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


def import_args(source: str, path: Path) -> list[str]:
    return ["import", *(["--from", "daylio"] if source == "daylio" else []), str(path)]


def refused_by_command(db: Path, source: str, path: Path, code: int = 2) -> str:
    """The real command refuses ``path`` with one line naming it; nothing is written."""
    before = db_digest(db)
    result = run(db, *import_args(source, path))
    assert result.returncode == code, result.stderr
    lines = error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0]
    assert "Nothing was imported" in result.stderr
    assert db_digest(db) == before
    return lines[0]


# --- Paths that are not regular files: refused by name, before they are read --------


@contextlib.contextmanager
def listening_socket(path: Path):
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    try:
        yield
    finally:
        sock.close()


@pytest.mark.parametrize("source", SOURCES)
def test_a_fifo_is_refused_without_waiting_for_a_writer(db, tmp_path, source):
    fifo = tmp_path / "checkins.csv"
    os.mkfifo(fifo)
    assert "named pipe (FIFO)" in refused_by_command(db, source, fifo, code=3)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("device", ["/dev/urandom", "/dev/zero", "/dev/null"])
def test_a_link_to_a_device_is_refused_unread(db, tmp_path, source, device):
    link = tmp_path / "checkins.csv"
    link.symlink_to(device)
    line = refused_by_command(db, source, link, code=3)
    assert "character device" in line and device in line


@pytest.mark.parametrize("source", SOURCES)
def test_a_device_itself_is_refused(db, source):
    assert "character device" in refused_by_command(db, source, Path("/dev/zero"), code=3)


@pytest.mark.parametrize("source", SOURCES)
def test_a_socket_is_refused(db, tmp_path, source):
    path = tmp_path / "s.csv"
    with listening_socket(path):
        assert "socket" in refused_by_command(db, source, path, code=3)


def test_daylio_refuses_a_folder(db, tmp_path):
    assert "is a folder" in refused_by_command(db, "daylio", tmp_path, code=3)


@pytest.mark.parametrize("source", SOURCES)
def test_a_missing_file_or_a_dangling_link_cannot_be_used(db, tmp_path, source):
    assert "no such file" in refused_by_command(db, source, tmp_path / "nope.csv", code=3)
    link = tmp_path / "gone.csv"
    link.symlink_to(tmp_path / "deleted.csv")
    assert "which does not exist" in refused_by_command(db, source, link, code=3)


@pytest.mark.parametrize("kind", ["fifo", "urandom", "dangling"])
def test_a_folder_entry_that_is_not_a_regular_file_is_named_not_skipped(db, tmp_path, kind):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "supports.csv").write_text("whatever\n")
    entry = folder / "checkins.csv"
    if kind == "fifo":
        os.mkfifo(entry)
    elif kind == "urandom":
        entry.symlink_to("/dev/urandom")
    else:
        entry.symlink_to(folder / "nothing.csv")
    before = db_digest(db)
    result = run(db, "import", str(folder))
    assert result.returncode == 3, result.stderr
    (line,) = error_lines(result.stderr)
    assert str(entry) in line
    assert db_digest(db) == before


@pytest.mark.parametrize("source", SOURCES)
def test_a_file_larger_than_the_limit_is_refused_unread(db, tmp_path, source):
    huge = tmp_path / "checkins.csv"
    with open(huge, "wb") as handle:  # sparse: takes no room on the disk
        handle.truncate(MAX_FILE_BYTES + 1)
    line = refused_by_command(db, source, huge)
    assert "larger than 128 MiB" in line


def test_the_read_stops_one_byte_past_the_limit_whatever_the_size_says(tmp_path):
    """A file can grow while it is read, or report size 0 (as /proc files do): the read
    itself is bounded, not only the size check."""
    path = tmp_path / "checkins.csv"
    path.write_bytes(b"x" * 100)
    problems = Problems()
    assert read_bytes(path, problems, ReadBudget(total=1000, per_file=100)) == b"x" * 100
    assert read_bytes(path, problems, ReadBudget(total=1000, per_file=99)) is None
    assert "larger than" in problems.items[0]
    budget = ReadBudget(total=150, per_file=100)
    assert read_bytes(path, problems, budget) is not None
    assert read_bytes(path, problems, budget) is None
    assert "in all" in problems.items[-1]
    proc = Path("/proc/self/status")  # size 0, content of some hundred bytes
    if proc.exists():
        assert read_bytes(proc, Problems(), ReadBudget(total=10**6, per_file=10)) is None


def test_a_folder_of_files_is_bounded_in_all(db, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    for name in ("checkins.csv", "supports.csv"):
        (folder / name).write_text(",".join(CHECKIN_HEADER) + "\r\n")
    problems = Problems()
    budget = ReadBudget(total=len(",".join(CHECKIN_HEADER)) + 10, per_file=10**6)
    assert read_text(folder / "checkins.csv", problems, budget) is not None
    assert read_text(folder / "supports.csv", problems, budget) is None
    assert str(folder / "supports.csv") in problems.items[0]


# --- Bad content: named with its line and field, exit 2 ------------------------------


def put(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def in_process(db: Path, source: str, path: Path, code: int = 2) -> str:
    before = db_digest(db)
    result = cli("--db", str(db), *import_args(source, path))
    assert result.exit_code == code, result.output
    lines = error_lines(result.output)
    assert lines and all(str(path) in line for line in lines), result.output
    assert db_digest(db) == before
    return "\n".join(lines)


def checkins_json(**changes: object) -> str:
    return json.dumps([dict(GOOD, **changes)])


def raw_field(field: str, raw: str) -> str:
    """A check-ins JSON whose ``field`` holds ``raw`` as written (any JSON text)."""
    text = checkins_json(**{field: "@@"})
    return text.replace('"@@"', raw)


DEEP = 100_000


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("deep array", "[" * DEEP + "]" * DEEP, "nested more than 20 deep"),
        ("deep object", '{"a":' * DEEP + "1" + "}" * DEEP, "nested more than 20 deep"),
        ("deep in a record", raw_field("note", "[" * DEEP + "]" * DEEP), "nested more than 20"),
        ("deep in a list", raw_field("emotions", "[" * DEEP + "]" * DEEP), "nested more than 20"),
        ("deep, unclosed", "[" * DEEP, "line 1"),
        ("long number alone", "9" * 5000, "a number"),
        ("long number in the array", "[" + "9" * 5000 + "]", "something other than objects"),
        (
            "long number in a field",
            raw_field("mood", "9" * 5000),
            "field 'mood': a number of 5,000 digits is not allowed",
        ),
        ("long negative number", raw_field("mood", "-" + "9" * 5000), "field 'mood'"),
        (
            "long number, under int()'s limit",
            raw_field("mood", "9" * 400),
            "field 'mood': a number of 400 digits",
        ),
        (
            "long number in a list",
            raw_field("tags", "[" + "9" * 5000 + "]"),
            "field 'tags': expected a list of names",
        ),
        ("long float", raw_field("mood", "1" * 5000 + ".5"), "field 'mood'"),
        ("huge exponent", raw_field("mood", "1e999"), "field 'mood'"),
        ("NaN", raw_field("mood", "NaN"), "field 'mood': NaN (not a JSON number)"),
        ("Infinity", raw_field("intensity", "Infinity"), "field 'intensity'"),
        ("-Infinity in a note", raw_field("note", "-Infinity"), "field 'note'"),
        ("lone high surrogate", raw_field("note", '"\\ud800"'), "field 'note': holds \\ud800"),
        ("lone low surrogate", raw_field("need", '"x\\udfff"'), "field 'need': holds \\udfff"),
        ("reversed pair", raw_field("note", '"\\ude42\\ud83d"'), "field 'note'"),
        ("surrogate in a list", raw_field("people", '["\\ud800"]'), "field 'people'"),
        ("surrogate in a key", checkins_json()[:-2] + ', "\\ud800": 1}]', "does not know"),
    ],
)
def test_hostile_json_is_refused_with_where(db, tmp_path, name, text, expected):
    path = put(tmp_path, "checkins.json", text)
    message = in_process(db, "tracker", path)
    assert expected in message
    assert len(message) < 2000  # quoted values are cut short


def test_a_whole_surrogate_pair_is_one_character_and_comes_in(db, tmp_path):
    path = put(tmp_path, "checkins.json", raw_field("note", '"smile \\ud83d\\ude42"'))
    assert cli("--db", str(db), "import", str(path)).exit_code == 0
    with Store.open(db) as store:
        assert [c.note for c in store.checkins() if c.id == GOOD["id"]] == ["smile \U0001f642"]


CSV_HEADER = ",".join(CHECKIN_HEADER) + "\r\n"
CSV_ROW = (
    "6f1c1b7e-3b8e-4c36-9a55-6f0e2f2f8a11,2026-11-20,2026-11-20T08:00:00+01:00,"
    "2026-11-20T08:00:00+01:00,3,,,,,,,,,NOTE,calm,,\r\n"
)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(
    "bad",
    [
        b"\xed\xa0\x80",
        b"\xed\xbf\xbf",
        b"\x80",
        b"\xc0\xaf",
        b"\xff",
        b"\xf4\x90\x80\x80",
        b"ok\xe2\x82",
    ],
)
def test_bytes_that_are_not_utf8_name_their_line(db, tmp_path, source, bad):
    """A surrogate written as raw bytes (ED A0 80) is not UTF-8 either."""
    if source == "daylio":
        data = (DAYLIO_HEADER + "2026-11-20,x,y,9:00 pm,good,,,").encode() + bad + b"\n"
    else:
        data = (CSV_HEADER + CSV_ROW).encode().replace(b"NOTE", bad)
    path = put(tmp_path, "checkins.csv", data)
    assert "line 2: is not UTF-8 text" in in_process(db, source, path)


@pytest.mark.parametrize(
    "cell", ["mood", "intensity", "pursue_acted", "day", "id", "created_at", "emotions"]
)
def test_a_five_thousand_digit_cell_is_named(db, tmp_path, cell):
    values = dict(zip(CHECKIN_HEADER, next(csv.reader([CSV_ROW.strip()])), strict=True))
    values[cell] = "9" * 5000
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([CHECKIN_HEADER, list(values.values())])
    path = put(tmp_path, "checkins.csv", out.getvalue())
    message = in_process(db, "tracker", path)
    assert f"({cell})" in message and len(message) < 1000


@pytest.mark.parametrize(
    "row, expected",
    [
        ("9" * 5000 + ",x,y,9:00 pm,good,,,", "(full_date)"),
        ("2026-11-20,x,y," + "1" * 5000 + ":00 pm,good,,,", "(time)"),
        ("2026-11-20,x,y,9:00 pm," + "9" * 5000 + ",,,", "(5,000 characters)"),
        ("2026-11-20,x,y,9:00 pm,good,,," + "\\ud800", None),
    ],
)
def test_daylio_with_long_or_odd_cells(db, tmp_path, row, expected):
    path = put(tmp_path, "daylio.csv", DAYLIO_HEADER + row + "\n")
    result = cli("--db", str(db), "import", "--from", "daylio", str(path))
    error_lines(result.output)
    if expected is None:  # an escape written as text is text: it comes in as written
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 2
    assert expected in result.output and len(result.output) < 2000


def test_a_daylio_mood_map_with_a_huge_number(db, tmp_path):
    path = put(tmp_path, "daylio.csv", DAYLIO_HEADER + "2026-11-20,x,y,9:00 pm,good,,,\n")
    result = cli(
        "--db", str(db), "import", "--from", "daylio", str(path), "--map-mood", "x=" + "9" * 5000
    )
    assert result.exit_code == 2 and "--map-mood" in result.output
    assert len(result.output) < 1000


def test_control_characters_in_a_file_are_shown_not_sent(db, tmp_path):
    """A header (or any text quoted in a message) holding ESC reaches the terminal as ^[."""
    osc52 = "\x1b]52;c;aGk=\x07"
    path = put(tmp_path, "x.csv", f"when{osc52},how\r\nx,y\r\n")
    assert "when^[]52;c;aGk=^G,how" in in_process(db, "tracker", path)
    named = put(tmp_path, "checkins.csv", f"when{osc52},how\r\nx,y\r\n")
    assert "\\x1b]52" in in_process(db, "tracker", named)  # quoted: as an escape
    fname = put(tmp_path, f"odd{osc52}.csv", "a,b\r\n")
    assert "odd^[]52" in "\n".join(error_lines(cli("--db", str(db), "import", str(fname)).output))
    daylio = put(tmp_path, "d.csv", DAYLIO_HEADER + f"2026-11-20,x,y,9:00 pm,{osc52}\x9b,,,\n")
    assert "^[]52" in in_process(db, "daylio", daylio)


def test_a_refused_import_into_no_database_leaves_none(tmp_path):
    db = tmp_path / "fresh" / "tracker.db"
    bad = put(tmp_path, "checkins.json", raw_field("mood", "9" * 5000))
    result = cli("--db", str(db), "import", str(bad))
    assert result.exit_code == 2
    assert not db.exists() and not list(db.parent.glob("tracker.db*"))
    fifo = tmp_path / "p.csv"
    os.mkfifo(fifo)
    assert cli("--db", str(db), "import", str(fifo)).exit_code == 3
    assert not db.exists()


# --- Properties: whatever the bytes, a plan or an ImportProblem ----------------------


def outcome(store: Store, path: Path, daylio: bool = False) -> str:
    """Import ``path``: it either comes in or is refused; nothing else happens."""
    try:
        if daylio:
            plan = prepare_daylio(store, path).plan
        else:
            plan = prepare_import(store, path, stream=False)
        apply_plan(store, plan)
    except ImportProblem as exc:
        assert exc.problems and all(str(path) in p for p in exc.problems), exc.problems
        assert all(len(p) < 3000 for p in exc.problems)
        return "refused"
    return "planned"


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory):
    store = Store.open(tmp_path_factory.mktemp("prop") / "tracker.db")
    yield store
    store.close()


PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
#: Any character, lone surrogates included (JSON can carry them as escapes).
any_text = st.text(st.characters(exclude_categories=()), max_size=20)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**30)
    | st.floats()
    | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=20,
)


@PROPERTY
@given(
    data=st.binary(max_size=400),
    name=st.sampled_from(["checkins.csv", "checkins.json", "x.csv", "supports.json"]),
)
def test_any_bytes_are_planned_or_refused(shared_store, tmp_path, data, name):
    path = put(tmp_path, name, data)
    outcome(shared_store, path)
    outcome(shared_store, path, daylio=True)


@PROPERTY
@given(value=json_values, field=st.sampled_from(sorted(GOOD)))
def test_any_json_value_in_any_field_is_planned_or_refused(shared_store, tmp_path, value, field):
    text = json.dumps([dict(GOOD, **{field: value})], allow_nan=True)
    outcome(shared_store, put(tmp_path, "checkins.json", text))


@PROPERTY
@given(document=json_values)
def test_any_json_document_is_planned_or_refused(shared_store, tmp_path, document):
    outcome(shared_store, put(tmp_path, "checkins.json", json.dumps(document)))


@PROPERTY
@given(cells=st.lists(any_text, min_size=len(CHECKIN_HEADER), max_size=len(CHECKIN_HEADER)))
def test_any_csv_cells_are_planned_or_refused(shared_store, tmp_path, cells):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([CHECKIN_HEADER, cells])
    with contextlib.suppress(UnicodeEncodeError):  # surrogates: not writable as UTF-8
        outcome(shared_store, put(tmp_path, "checkins.csv", out.getvalue()))


@PROPERTY
@given(cells=st.lists(any_text, min_size=8, max_size=8))
def test_any_daylio_cells_are_planned_or_refused(shared_store, tmp_path, cells):
    out = io.StringIO()
    csv.writer(out).writerows([DAYLIO_HEADER.strip().split(","), cells])
    with contextlib.suppress(UnicodeEncodeError):
        outcome(shared_store, put(tmp_path, "daylio.csv", out.getvalue()), daylio=True)


# --- an import never invents an id, a day or a timestamp ---------------------------------

STORED = {
    "checkins": ("id", "day", "created_at", "updated_at"),
    "experiments": ("id", "started_on", "ends_on", "created_at", "updated_at"),
    "practice_logs": ("id", "experiment_id", "day", "created_at", "updated_at"),
    "ruptures": ("id", "happened_at", "day", "created_at", "updated_at"),
    "supports": ("id", "created_at", "updated_at"),
}


@pytest.fixture
def exported(tmp_path):
    source = tmp_path / "source.db"
    with Store.open(source) as store:
        populate(store)
    out = tmp_path / "export"
    assert cli("--db", str(source), "export", "--out", str(out)).exit_code == 0
    json_out = tmp_path / "export-json"
    assert (
        cli("--db", str(source), "export", "--out", str(json_out), "--format", "json").exit_code
        == 0
    )
    return out, json_out


@pytest.mark.parametrize("table, field", [(t, f) for t, fields in STORED.items() for f in fields])
@pytest.mark.parametrize("blank", ["", "   ", None])
def test_a_blank_stored_field_is_named_never_filled_in(tmp_path, exported, table, field, blank):
    csv_folder, json_folder = exported
    if blank is None:  # JSON null
        records = json.loads((json_folder / f"{table}.json").read_text(encoding="utf-8"))
        records[0][field] = None
        path = tmp_path / f"{table}.json"
        path.write_text(json.dumps(records), encoding="utf-8")
    else:
        rows = list(
            csv.reader(
                io.StringIO((csv_folder / f"{table}.csv").read_text(encoding="utf-8"), newline="")
            )
        )
        rows[1][rows[0].index(field)] = blank
        path = tmp_path / f"{table}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    target = tmp_path / "target.db"
    with Store.open(target) as store:
        populate(store) if table == "practice_logs" else None  # its experiment exists
    before = db_digest(target)
    result = cli("--db", str(target), "import", str(path))
    assert result.exit_code == 2, result.output
    assert f"({field})" in result.output or f"field '{field}'" in result.output
    assert "required in an import" in result.output
    assert db_digest(target) == before


def test_the_database_itself_under_an_export_s_name_is_refused_unread(tmp_path):
    """Reading a database file this process has open, and closing it, would drop the
    connection's locks: refused before it is opened."""
    path = tmp_path / "tracker.csv"
    with Store.open(path) as store:
        populate(store)
        with pytest.raises(ImportProblem) as caught:
            prepare_import(store, path)
    assert "is a database this process has open" in " ".join(caught.value.problems)
