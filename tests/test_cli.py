"""The command line, through real subprocesses of the installed ``tracker``."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys

import pytest

from tests.conftest import tracker_executable


def rows(db_path, sql="SELECT * FROM checkins"):
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def test_add_prints_what_was_saved_and_stores_it(run_tracker, db_path):
    result = run_tracker(
        "add",
        "--mood",
        "4",
        "--intensity",
        "2",
        "--regulation",
        "3",
        "--pursue",
        "1",
        "--withdraw",
        "0",
        "--pursue-acted",
        "no",
        "--paused",
        "yes",
        "--emotion",
        "anxious",
        "--emotion",
        "hopeful",
        "--person",
        "partner",
        "--tag",
        "work",
        "--need",
        "a hug",
        "--note",
        "hard morning",
    )
    assert result.returncode == 0, result.stderr
    assert "Saved a check-in for today" in result.stdout
    assert "mood 4 (good)" in result.stdout and "regulation 3" in result.stdout
    [row] = rows(db_path)
    assert row["day"] == "2026-11-28"
    assert (
        row["mood"],
        row["intensity"],
        row["regulation"],
        row["pursue"],
        row["withdraw"],
        row["pursue_acted"],
        row["paused"],
    ) == (4, 2, 3, 1, 0, 0, 1)
    emotions = rows(
        db_path,
        "SELECT e.name FROM checkin_emotions ce JOIN emotions e "
        "ON e.id = ce.emotion_id ORDER BY e.name",
    )
    assert [e["name"] for e in emotions] == ["anxious", "hopeful"]
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600


def test_add_for_an_earlier_day(run_tracker, db_path):
    result = run_tracker("add", "--mood", "2", "--day", "2026-11-20")
    assert result.returncode == 0, result.stderr
    assert rows(db_path)[0]["day"] == "2026-11-20"


def test_bad_mood_exits_2_names_field_and_writes_nothing(run_tracker, db_path):
    run_tracker("add", "--mood", "3", check=True)
    result = run_tracker("add", "--mood", "9")
    assert result.returncode == 2
    assert "mood" in result.stderr and "1 (awful)" in result.stderr and "5 (great)" in result.stderr
    assert "Nothing was saved" in result.stderr
    assert len(rows(db_path)) == 1


def test_future_day_refused(run_tracker, db_path):
    result = run_tracker("add", "--mood", "3", "--day", "2026-12-01")
    assert result.returncode == 2
    assert "day" in result.stderr and "2026-11-28" in result.stderr


def test_missing_mood_is_a_usage_error(run_tracker):
    result = run_tracker("add", "--regulation", "3")
    assert result.returncode == 2
    assert "--mood" in result.stderr


def test_status_exit_codes(run_tracker):
    missing = run_tracker("status")  # a command that only reads never makes a database
    assert missing.returncode == 3 and "no database at" in missing.stderr
    run_tracker("add", "--mood", "2", "--day", "2026-11-20", check=True)
    first = run_tracker("status")
    assert first.returncode == 1
    assert "No check-in yet today" in first.stdout
    assert "streak" not in first.stdout.lower()
    run_tracker("add", "--mood", "5", check=True)
    second = run_tracker("status")
    assert second.returncode == 0
    assert "Checked in today" in second.stdout and "2 of the last 30 days" in second.stdout


def test_list_plain_and_json(run_tracker):
    run_tracker("add", "--mood", "2", "--day", "2026-11-01", check=True)
    run_tracker("add", "--mood", "4", "--emotion", "calm", check=True)
    plain = run_tracker("list")
    assert "mood 4 (good)" in plain.stdout and "2026-11-01" not in plain.stdout
    data = json.loads(run_tracker("list", "--days", "60", "--json").stdout)
    assert [d["mood"] for d in data] == [4, 2]
    assert data[0]["emotions"] == ["calm"]


def test_export_table_to_stdout_neutralises_formulas(run_tracker):
    run_tracker(
        "add",
        "--mood",
        "4",
        "--regulation",
        "3",
        "--emotion",
        "anxious",
        "--note",
        "=1+1",
        "--need",
        "'quoted",
        check=True,
    )
    out = run_tracker("export", "--table", "checkins", "--format", "csv")
    assert out.returncode == 0, out.stderr
    [row] = list(csv.DictReader(io.StringIO(out.stdout)))
    assert row["note"] == "'=1+1"
    assert row["need"] == "''quoted"
    assert row["mood"] == "4" and row["regulation"] == "3" and row["intensity"] == ""
    assert row["emotions"] == "anxious"


def test_export_folder_json_and_never_overwrite_foreign_files(run_tracker, tmp_path):
    run_tracker("add", "--mood", "3", "--tag", "work", "--tag", "bad sleep", check=True)
    out = tmp_path / "export"
    result = run_tracker("export", "--out", str(out), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "checkins.json").read_text())
    assert data[0]["tags"] == ["bad sleep", "work"] and data[0]["mood"] == 3
    # Exporting again into the same folder replaces only the files tracker wrote.
    assert run_tracker("export", "--out", str(out), "--format", "json").returncode == 0
    foreign = out / "checkins.csv"
    foreign.write_text("mine\n")
    refused = run_tracker("export", "--out", str(out))
    assert refused.returncode != 0
    assert "was not written by tracker" in refused.stderr
    assert foreign.read_text() == "mine\n"


def test_db_path_precedence_and_locate(tmp_path, db_path):
    exe = tracker_executable()
    env = {**os.environ, "TRACKER_DB": str(tmp_path / "env.db"), "TRACKER_TODAY": "2026-11-28"}
    run = lambda *a: subprocess.run([exe, *a], capture_output=True, text=True, env=env)  # noqa: E731
    assert run("locate").stdout.strip() == str(tmp_path / "env.db")
    assert run("--db", str(db_path), "locate").stdout.strip() == str(db_path)
    assert run("locate", "--db", str(db_path)).stdout.strip() == str(db_path)
    env.pop("TRACKER_DB")
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    located = run("locate").stdout.strip()
    assert located.endswith("tracker.db") and str(tmp_path / "xdg") in located
    assert not (tmp_path / "xdg").exists()  # locate creates nothing


def test_subcommand_db_option_works_after_the_command(run_tracker, tmp_path):
    other = tmp_path / "other.db"
    assert run_tracker("add", "--mood", "3", "--db", str(other), db=None).returncode == 0
    assert len(rows(other)) == 1


def test_version_and_help_everywhere(run_tracker):
    assert run_tracker("--version").stdout.startswith("tracker, version")
    for cmd in ("add", "list", "status", "export", "locate"):
        result = run_tracker(cmd, "--help")
        assert result.returncode == 0 and "--db" in result.stdout, cmd
    top = " ".join(run_tracker("--help").stdout.split())
    assert "practice aid, not treatment" in top


def test_bad_database_file_is_named_and_left_alone(run_tracker, tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"\x00garbage" * 100)
    result = run_tracker("status", db=bogus)
    assert result.returncode == 3
    assert str(bogus) in result.stderr and "tracker restore" in result.stderr
    assert bogus.read_bytes() == b"\x00garbage" * 100


def test_concurrent_adds_from_two_processes(db_path):
    """Two writers at once: every add lands, neither sees an error."""
    script = (
        "import sys\n"
        "from tracker.store import Store\n"
        "from tracker.models import CheckIn\n"
        "s = Store.open(sys.argv[1])\n"
        "for i in range(100):\n"
        "    s.save_checkin(CheckIn.create(mood=1 + i % 5, emotions=['calm'],\n"
        "                                  tags=[sys.argv[2]]))\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(db_path), tag], stderr=subprocess.PIPE, text=True
        )
        for tag in ("a", "b")
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    assert len(rows(db_path)) == 200


def test_unknown_export_table_is_a_usage_error(run_tracker):
    from tracker.cli import EXPORT_TABLES
    from tracker.store import Store

    assert EXPORT_TABLES == Store.EXPORT_TABLES
    result = run_tracker("export", "--table", "nope")
    assert result.returncode == 2
    assert "nope" in result.stderr and "checkins" in result.stderr


# --- tracker alone opens the app without the command-line library ---------------------


@pytest.mark.parametrize(
    "args, expected",
    [
        ([], (True, None)),
        (["--db", "my.db"], (True, "my.db")),
        (["--db=my.db"], (True, "my.db")),
        (["--db", "my.db", "status"], (False, None)),
        (["status"], (False, None)),
        (["--demo"], (False, None)),
        (["--help"], (False, None)),
        (["--db"], (False, None)),
        (["--db", ""], (False, None)),
        (["--db", "--help"], (False, None)),
        (["--db="], (False, None)),
    ],
)
def test_only_a_bare_launch_skips_the_command_line(args, expected):
    from tracker.launch import app_database

    assert app_database(args) == expected


def test_a_bare_launch_on_a_file_that_is_not_ours_says_so(tmp_path, run_tracker):
    other = tmp_path / "notes.txt"
    other.write_text("not a database\n")
    before = other.read_bytes()
    result = run_tracker(db=other)
    assert result.returncode == 3
    assert result.stderr.startswith("Error: ") and "notes.txt" in result.stderr
    assert "Traceback" not in result.stderr
    assert other.read_bytes() == before


# --- backfilling with a time ------------------------------------------------------------


def test_a_backfilled_check_in_gets_the_time_given(run_tracker, db_path):
    saved = run_tracker("add", "--mood", "3", "--day", "2026-11-20", "--time", "09:30")
    assert saved.returncode == 0, saved.stderr
    (row,) = rows(db_path)
    assert row["day"] == "2026-11-20" and row["created_at"].startswith("2026-11-20T09:30:00")
    assert row["created_at"][19] in "+-"  # with this computer's offset for that date
    listed = run_tracker("list", "--days", "30").stdout
    assert "2026-11-20 09:30" in listed


def test_a_backfill_without_a_time_says_when_it_was_entered(run_tracker, db_path):
    run_tracker("add", "--mood", "3", "--day", "2026-11-20", check=True)
    listed = run_tracker("list", "--days", "30").stdout
    assert "2026-11-20 (entered " in listed


@pytest.mark.parametrize("value", ["25:00", "9.30", "", "12:60", "noon", "12:00:00"])
def test_a_bad_time_is_named_and_nothing_saved(run_tracker, db_path, value):
    result = run_tracker("add", "--mood", "3", "--day", "2026-11-20", "--time", value)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: time: ") and "HH:MM" in result.stderr
    assert not db_path.exists() or rows(db_path) == []
