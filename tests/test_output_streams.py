"""Where output goes: a reader that stops early (``tracker list | head``) is not an
error, and ``--out -`` means standard output, never a file named ``-``."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import FROZEN_TODAY, tracker_executable


@pytest.fixture
def filled(db_path, run_tracker):
    run_tracker("demo", "--years", "1", check=True)
    return db_path


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--days", "400"),
        ("chart", "mood"),
        ("report",),
        ("export", "--table", "checkins"),
        ("week",),
    ],
)
def test_a_reader_that_stops_early_ends_the_command_quietly_with_0(filled, args):
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line: every write meets EPIPE
    try:
        done = subprocess.run(
            [tracker_executable(), "--db", str(filled), *args],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "TRACKER_TODAY": FROZEN_TODAY.isoformat()},
            timeout=120,
        )
    finally:
        os.close(write)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_out_dash_prints_the_report_and_writes_no_file(filled, run_tracker, tmp_path):
    here = tmp_path / "here"
    here.mkdir()
    done = subprocess.run(
        [tracker_executable(), "--db", str(filled), "report", "--out", "-"],
        capture_output=True,
        text=True,
        cwd=here,
        env={**os.environ, "TRACKER_TODAY": FROZEN_TODAY.isoformat()},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Practice record")
    assert list(here.iterdir()) == []
    opened = run_tracker("report", "--out", "-", "--open")
    assert opened.returncode == 2 and "--out FILE" in opened.stderr


def test_out_dash_prints_one_exported_table_and_refuses_a_whole_export(
    filled, run_tracker, tmp_path
):
    table = run_tracker("export", "--table", "emotions", "--out", "-")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0] == "name,shipped"
    whole = run_tracker("export", "--out", "-")
    assert whole.returncode == 2 and "--table" in whole.stderr
    assert not (tmp_path / "-").exists()
