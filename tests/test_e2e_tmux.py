"""End to end: the installed ``tracker`` in a real terminal (tmux), then the database.

tmux ``send-keys`` types, ``capture-pane`` reads the screen. Each test uses its own
tmux server socket, so it never touches a tmux the developer has open.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
import uuid

import pytest

from tests.conftest import FROZEN_TODAY, tracker_executable

pytestmark = pytest.mark.e2e

if shutil.which("tmux") is None:  # CI installs tmux; a laptop without it is told why.
    pytest.fail("tmux is required for the end-to-end tests (apt-get install tmux)",
                pytrace=False)


class Terminal:
    def __init__(self, width: int, height: int, command: list[str]):
        self.socket = f"tracker-test-{uuid.uuid4().hex[:8]}"
        self.width, self.height = width, height
        self._tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height),
                   "-e", f"TRACKER_TODAY={FROZEN_TODAY.isoformat()}",
                   "-e", "TERM=xterm-256color", " ".join(command))

    def _tmux(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, timeout=30)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "t").stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", "t", key)
            time.sleep(0.15)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def alive(self) -> bool:
        return self._tmux("has-session", "-t", "t").returncode == 0

    def wait_until_closed(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                return
            time.sleep(0.2)
        raise AssertionError(f"the app did not quit; the screen was:\n{self.screen()}")

    def close(self) -> None:
        self._tmux("kill-server")


@pytest.fixture
def terminal():
    opened: list[Terminal] = []

    def open_terminal(width: int, height: int, *args: str) -> Terminal:
        term = Terminal(width, height, [tracker_executable(), *args])
        opened.append(term)
        return term

    yield open_terminal
    for term in opened:
        term.close()


def only_checkin(db_path):
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute("SELECT day, mood, intensity, regulation, pursue, withdraw, "
                            "pursue_acted FROM checkins").fetchall()
    finally:
        conn.close()
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_seven_key_checkin_in_a_real_terminal(terminal, db_path, size):
    term = terminal(*size, "--db", str(db_path))
    first = term.wait_for("Today")
    assert "Welcome" in first  # an empty database greets the user
    term.keys("c")
    term.wait_for("Mood")
    term.keys("4", "2", "3", "1", "0", "C-s")
    screen = term.wait_for("mood 4 (good)")  # back on Today, with the new check-in
    assert "Today" in screen
    term.keys("q")
    term.wait_until_closed()
    assert only_checkin(db_path) == (FROZEN_TODAY.isoformat(), 4, 2, 3, 1, 0, None)


def test_nothing_is_cut_off_on_the_home_screen_at_80x24(terminal, db_path, run_tracker):
    run_tracker("add", "--mood", "3", "--regulation", "2", "--emotion", "anxious",
                "--need", "to hear from them", check=True)
    term = terminal(80, 24, "--db", str(db_path))
    term.wait_for("Today")
    screen = term.wait_for("needed: to hear from them")
    lines = screen.splitlines()
    assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
    assert "You checked in on 1 of the last 30 days." in screen
    assert "needed: to hear from them" in screen
    term.keys("q")
    term.wait_until_closed()
