"""A real terminal for end-to-end tests: tmux ``send-keys`` types, ``capture-pane``
reads the screen.

Each :class:`Terminal` has its own tmux server socket, so a test never touches a
tmux the developer has open. Tests get one through the ``terminal`` fixture
(tests/conftest.py), which closes them all afterwards.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Mapping, Sequence

import pytest


def require_tmux() -> None:
    """Fail plainly when tmux is missing (CI installs it; a laptop is told why)."""
    if shutil.which("tmux") is None:
        pytest.fail(
            "tmux is required for the end-to-end tests (apt-get install tmux)", pytrace=False
        )


class Terminal:
    """One tmux session of ``width`` x ``height`` running ``command``."""

    def __init__(
        self,
        width: int,
        height: int,
        command: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        linger: float = 0,
    ):
        """``env`` is added to the session's environment; with ``linger`` the pane
        stays that many seconds after the command ends (to read what it left)."""
        self.socket = f"tracker-test-{uuid.uuid4().hex[:8]}"
        self.width, self.height = width, height
        line = shlex.join(command) + (f"; sleep {linger:g}" if linger else "")
        variables = [
            arg
            for key, value in {"TERM": "xterm-256color", **(env or {})}.items()
            for arg in ("-e", f"{key}={value}")
        ]
        self._tmux(
            "new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), *variables, line
        )

    def _tmux(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30
        )

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "t").stdout

    def title(self) -> str:
        """The pane's title, which an OSC 0 or 2 sequence written to it would change."""
        return self._tmux("display-message", "-p", "-t", "t", "#{pane_title}").stdout.strip()

    def keys(self, *keys: str) -> None:
        """Type each key (tmux names: ``C-s``, ``Enter``), a moment apart."""
        for key in keys:
            self._tmux("send-keys", "-t", "t", key)
            time.sleep(0.15)

    def burst(self, *keys: str) -> None:
        """Send every key in one ``send-keys`` call: the app reads them all at once,
        as from a hurried typist or a paste (tmux names: ``Tab``, ``C-s``)."""
        self._tmux("send-keys", "-t", "t", *keys)
        time.sleep(0.15)

    def type(self, text: str) -> None:
        """Type ``text`` literally, in one burst (spaces and letters as typed)."""
        self._tmux("send-keys", "-t", "t", "-l", text)
        time.sleep(0.15)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        """The screen, once ``text`` shows on it."""
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
