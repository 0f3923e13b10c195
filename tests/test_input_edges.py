"""Edges of input that used to end in a traceback or a silent fallback: each ends
with one line naming what is wrong, exit code 2, and nothing written."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import tracker_executable
from tests.trust_helpers import file_hash


def run_raw(args: list[bytes | str], env: dict[str, str] | None = None):
    """The real ``tracker`` with arguments given as bytes (not always UTF-8)."""
    cmd = [
        os.fsencode(tracker_executable()),
        *[os.fsencode(a) if isinstance(a, str) else a for a in args],
    ]
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(cmd, capture_output=True, env=full_env, timeout=120)


def one_error_line(result) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def existing_db(db_path, run_tracker):
    run_tracker("add", "--mood", "3", check=True)
    return db_path


@pytest.mark.parametrize(
    "args, field",
    [
        ([b"add", b"--mood", b"3", b"--note", b"\xff\xfe"], "note"),
        ([b"add", b"--mood", b"3", b"--need", b"ok \xc3"], "need"),
        ([b"add", b"--mood", b"3", b"--emotion", b"a\xfe"], "emotions"),
        ([b"add", b"--mood", b"3", b"--person", b"\x80"], "people"),
        ([b"add", b"--mood", b"3", b"--day", b""], "day"),
        ([b"add", b"--mood", b"3", b"--day", b"   "], "day"),
        ([b"demo", b"--years", b"nan"], "--years"),
        ([b"report", b"--since", b"0001-01-01"], "--since"),
        ([b"chart", b"mood", b"--since", b"0001-01-01"], "--since"),
        ([b"report", b"--until", b"10000-01-01"], "--until"),
    ],
)
def test_bad_values_are_named_and_nothing_is_written(existing_db, args, field):
    before = file_hash(existing_db)
    result = run_raw(
        [b"--db", os.fsencode(existing_db), *args], env={"TRACKER_TODAY": "2026-11-28"}
    )
    assert result.returncode == 2, result.stderr
    assert field in one_error_line(result)
    assert file_hash(existing_db) == before


@pytest.mark.parametrize(
    "today",
    ["garbage", "", "2026-13-01", "9999-12-31", "0001-01-01", "2026-11-28T10:00", "9" * 5000],
)
@pytest.mark.parametrize(
    "args", [["status"], ["add", "--mood", "3"], ["list"], ["report"], ["chart", "mood"], []]
)
def test_a_bad_tracker_today_is_named_before_anything_runs(db_path, today, args):
    result = run_raw(["--db", str(db_path), *args], env={"TRACKER_TODAY": today})
    assert result.returncode == 2, result.stderr
    assert "TRACKER_TODAY" in one_error_line(result)
    assert not db_path.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--db", "", "status"],
        ["status", "--db", ""],
        ["--db", " ", "add", "--mood", "3"],
        ["--db", ""],
    ],
)
def test_an_empty_db_path_is_refused_not_taken_for_the_default(tmp_path, args):
    home = tmp_path / "home"
    result = run_raw(
        args,
        env={"HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "TRACKER_TODAY": "2026-11-28"},
    )
    assert result.returncode == 2, result.stderr
    assert "--db" in one_error_line(result)
    assert not home.exists()  # the default database was never made


def test_an_empty_tracker_db_variable_is_refused_too(tmp_path):
    home = tmp_path / "home"
    result = run_raw(
        ["status"],
        env={
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "d"),
            "TRACKER_DB": "",
            "TRACKER_TODAY": "2026-11-28",
        },
    )
    assert result.returncode == 2
    assert "TRACKER_DB" in one_error_line(result)
    assert not home.exists()


# --- database paths that cannot hold a database --------------------------------------


def _fifo(tmp_path):
    path = tmp_path / "fifo.db"
    os.mkfifo(path)
    return path


def _dangling(tmp_path):
    path = tmp_path / "link.db"
    path.symlink_to(tmp_path / "nowhere" / "target.db")
    return path


def _under_a_file(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    return tmp_path / "notes.txt" / "tracker.db"


def _folder(tmp_path):
    (tmp_path / "folder.db").mkdir()
    return tmp_path / "folder.db"


@pytest.mark.parametrize(
    "make, words",
    [
        (_fifo, "is a FIFO"),
        (_dangling, "does not exist"),
        (_under_a_file, "is a file"),
        (_folder, "is a folder"),
        (lambda _tmp: "/dev/null", "is a device"),
    ],
)
@pytest.mark.parametrize("args", [["add", "--mood", "3"], ["status"], []])
def test_a_path_that_cannot_hold_a_database_is_refused_untouched(tmp_path, make, words, args):
    path = make(tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = run_raw(["--db", str(path), *args], env={"TRACKER_TODAY": "2026-11-28"})
    assert result.returncode == 3, result.stderr
    assert words in one_error_line(result)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert not os.path.exists("/dev/null-journal")


@pytest.mark.parametrize(
    "args", [["status"], ["list"], ["export", "--table", "checkins"], ["report"], ["chart", "mood"]]
)
def test_commands_that_only_read_never_create_a_database(tmp_path, args):
    path = tmp_path / "new" / "tracker.db"
    result = run_raw(["--db", str(path), *args], env={"TRACKER_TODAY": "2026-11-28"})
    assert result.returncode == 3
    assert "no database at" in one_error_line(result)
    assert not path.parent.exists()


def test_shell_completion_prints_its_script_instead_of_opening_the_app(tmp_path):
    result = run_raw(
        [], env={"_TRACKER_COMPLETE": "bash_source", "TRACKER_DB": str(tmp_path / "t.db")}
    )
    assert result.returncode == 0
    assert b"_tracker_completion()" in result.stdout
    assert not (tmp_path / "t.db").exists()
