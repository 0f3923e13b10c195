"""Shared fixtures: real SQLite files in temp folders, a frozen clock, the installed
``tracker`` in a subprocess or in a real terminal (tmux)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tracker import clock
from tracker.store import Store

FROZEN_TODAY = dt.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    """Every test runs on Saturday 28 November 2026 unless it says otherwise."""
    clock.freeze(FROZEN_TODAY)
    monkeypatch.setenv("TRACKER_TODAY", FROZEN_TODAY.isoformat())
    monkeypatch.delenv("TRACKER_DB", raising=False)
    yield FROZEN_TODAY
    clock.freeze(None)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "data" / "tracker.db"


@pytest.fixture
def store(db_path):
    s = Store.open(db_path)
    yield s
    s.close()


def tracker_executable() -> str:
    """The installed ``tracker`` console script (beside this Python, else on PATH)."""
    beside = Path(sys.executable).parent / "tracker"
    if beside.exists():
        return str(beside)
    found = shutil.which("tracker")
    if not found:
        pytest.fail("the 'tracker' command is not installed; run pip install -e '.[test]'")
    return found


@pytest.fixture
def run_tracker(db_path):
    """Run the installed ``tracker`` in a subprocess against the test database."""

    def run(
        *args: str,
        db: Path | None = db_path,
        input: str | None = None,
        env: dict[str, str] | None = None,
        check: bool = False,
    ):
        cmd = [tracker_executable()]
        if db is not None:
            cmd += ["--db", str(db)]
        cmd += list(args)
        full_env = {**os.environ, "TRACKER_TODAY": FROZEN_TODAY.isoformat(), **(env or {})}
        result = subprocess.run(
            cmd, capture_output=True, text=True, input=input, env=full_env, timeout=120
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{cmd} exited {result.returncode}:\n{result.stderr}")
        return result

    return run


@pytest.fixture
def terminal():
    """Open real terminals (tmux) that run the installed ``tracker`` on the frozen day.

    ``terminal(width, height, *args, env=None, linger=0)`` returns a
    :class:`tests.tmux.Terminal`; every one is closed after the test.
    """
    from tests.tmux import Terminal, require_tmux

    require_tmux()
    opened: list[Terminal] = []

    def open_terminal(
        width: int, height: int, *args: str, env: dict[str, str] | None = None, linger: float = 0
    ) -> Terminal:
        term = Terminal(
            width,
            height,
            [tracker_executable(), *args],
            env={"TRACKER_TODAY": FROZEN_TODAY.isoformat(), **(env or {})},
            linger=linger,
        )
        opened.append(term)
        return term

    yield open_terminal
    for term in opened:
        term.close()
