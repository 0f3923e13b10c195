"""Performance contracts: the structural promises the speed budgets rest on.

The budgets themselves are measured in ``benchmarks/run.py`` as ratios against a
baseline taken in the same run, never timed here. What is held here is what keeps
them reachable, and can fail in a plain test run: which modules a path loads, how
often the database is opened or read, how often CSS is parsed.
"""

from __future__ import annotations

import os
import subprocess
import sys


def test_shell_commands_do_not_import_textual_or_plotext(db_path):
    """status/add/list/locate run from prompts and cron: they must stay light."""
    code = (
        "import sys\n"
        "from tracker.cli import main\n"
        "for args in (['add', '--mood', '3'], ['status'], ['list'], ['locate'],\n"
        "             ['export', '--table', 'checkins']):\n"
        "    try:\n"
        f"        main(['--db', {str(db_path)!r}, *args])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "               ('textual', 'plotext', 'textual_plotext', 'rich'))\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
        "sys.exit(1 if heavy else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "TRACKER_TODAY": "2026-11-28"},
    )
    assert result.returncode == 0, result.stderr


def test_core_layers_never_import_textual():
    code = (
        "import sys\n"
        "import tracker.models, tracker.store, tracker.analytics, tracker.paths\n"
        "import tracker.portability.export\n"
        "bad = [m for m in sys.modules if m.startswith('textual')]\n"
        "sys.exit(1 if bad else 0)\n"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def _launch_probe(db_path) -> list[str]:
    """What `tracker --db D` does, up to running the app (swapped for a probe)."""
    code = (
        "import sys\n"
        "import tracker.app.app as app\n"
        f"path = {str(db_path)!r}\n"
        "def probe(store, demo=False):\n"
        "    print('click' in sys.modules, store is not None, str(store.path) == path,\n"
        "          store.checkin_count())\n"
        "    store.close()\n"
        "app.run_app = probe\n"
        f"sys.argv = ['tracker', '--db', {str(db_path)!r}]\n"
        "from tracker.launch import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "TRACKER_TODAY": "2026-11-28"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_app_launch_opens_the_database_once_and_never_imports_click(db_path):
    from tracker.store import Store

    Store.open(db_path).close()  # an existing database, as at every launch but the first
    assert _launch_probe(db_path) == ["False", "True", "True", "0"]


def test_the_first_app_launch_makes_the_database(db_path):
    # The first launch runs the migrations, which use sqlite-utils (and so click).
    assert _launch_probe(db_path)[1:] == ["True", "True", "0"]
    assert db_path.exists()


def test_charts_and_analytics_do_not_load_textual_or_plotext_on_import():
    code = (
        "import sys; import tracker.charts, tracker.analytics, tracker.report, "
        "tracker.demo; bad = [m for m in ('textual', 'plotext') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
