"""Two terminals at once: writers wait their turn, and the app sees the other's rows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Static

from tests.app.pilot import drive
from tests.conftest import FROZEN_TODAY, tracker_executable
from tracker.app.app import TrackerApp
from tracker.store import Store

ADDER = """
import sys
from tracker.cli import main

db, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(n):
    # The real command, in a loop (a new process per add would take minutes).
    main(["--db", db, "add", "--mood", str(1 + i % 5), "--tag", tag, "--person", "Sam",
          "--note", f"{tag}-{i}"], standalone_mode=False)
print("done", tag)
"""


def _adders(db: Path, count: int) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "TRACKER_TODAY": FROZEN_TODAY.isoformat()}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", ADDER, str(db), tag, str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for tag in ("left", "right")
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


@pytest.mark.slow
@pytest.mark.parametrize("existing", [True, False], ids=["existing-db", "new-db"])
def test_two_processes_adding_500_each(tmp_path, existing):
    db = tmp_path / "data" / "tracker.db"
    if existing:
        Store.open(db).close()
    results = _adders(db, 500)
    for result in results:
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""  # no error, no warning shown to either user
        assert result.stdout.count("Saved a check-in") == 500
    with Store.open(db) as s:
        assert s.checkin_count() == 1000
        notes = {c.note for c in s.checkins()}
        assert notes == {f"{tag}-{i}" for tag in ("left", "right") for i in range(500)}
        assert s.name_counts("tags") == [("left", 500), ("right", 500)]
        assert s.name_counts("people") == [("Sam", 1000)]
        assert s.integrity_problems() == []


def test_the_app_sees_a_row_added_by_another_process(tmp_path, monkeypatch):
    db = tmp_path / "data" / "tracker.db"
    Store.open(db).close()
    monkeypatch.setattr(TrackerApp, "REFRESH_SECONDS", 0.2)  # the poll is 2 s in real use

    async def scenario(app, pilot) -> str:
        box = app.screen.query_one("#today-checkins", Static)
        assert "No check-in yet today" in str(box.content)
        added = subprocess.run(
            [tracker_executable(), "--db", str(db), "add", "--mood", "4", "--emotion", "hopeful"],
            capture_output=True,
            text=True,
            env={**os.environ, "TRACKER_TODAY": FROZEN_TODAY.isoformat()},
            timeout=120,
        )
        assert added.returncode == 0, added.stderr
        for _ in range(100):  # wait for the poll, however slow this machine is
            await pilot.pause(0.1)
            if "hopeful" in str(box.content):
                break
        return str(box.content)

    shown = drive(db, scenario)
    assert "mood 4 (good)" in shown and "hopeful" in shown
    with Store.open(db) as s:
        assert [c.emotions for c in s.checkins()] == [("hopeful",)]
