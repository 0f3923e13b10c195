"""tracker/app/runtime/crash.py: an unexpected error ends the app with one line."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys

from textual.app import App

from tests.app.pilot import open_app
from tracker.app.runtime.crash import PlainCrash


def test_textual_still_calls_fatal_error_for_an_unhandled_exception():
    assert "_fatal_error" in vars(App), "Textual's App._fatal_error is gone"
    assert "self._fatal_error()" in inspect.getsource(App._handle_exception)


CRASHING_APP = """
import sys
from pathlib import Path
from tracker.app.app import TrackerApp
from tracker.opening import open_database

import tracker.app.app as module

class Crashing(TrackerApp):
    # CSS paths are relative to the class's own file: point at tracker's.
    CSS_PATH = [str(Path(module.__file__).parent / p) for p in TrackerApp.CSS_PATH]

    def on_mount(self):  # (Textual calls TrackerApp.on_mount as well)
        self.set_timer(0.3, self.boom)

    def boom(self):
        note = "my private note 8f3a"  # a local that a traceback with locals prints
        raise RuntimeError("boom " + note)

app = Crashing(open_database(Path(sys.argv[1]), warn=print))
app.run(headless=True, size=(80, 24))
print("RETURN", app.return_code)
"""


def test_an_unexpected_error_prints_one_line_and_no_local_variables(db_path):
    assert isinstance(open_app(db_path), PlainCrash)
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_APP, str(db_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TRACKER_TODAY": "2026-11-28"},
    )
    assert "RETURN 1" in result.stdout
    assert "did not expect (RuntimeError)" in " ".join(result.stderr.split())
    assert "8f3a" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
