"""Reminders and the shell: ``tracker remind``, ``status --short/--quiet``, completion.

Every test runs the real ``tracker`` under a temporary HOME. The system's own tools
(``systemctl``, ``launchctl``, ``crontab``, ``notify-send``) are small scripts on
PATH that write down how they were called, so no test touches the real crontab, the
user's units or the desktop.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import FROZEN_TODAY
from tests.trust_helpers import db_digest
from tracker import reminders
from tracker.models import ValidationError

STUB = """#!/bin/sh
printf '%s\\n' "$(basename "$0") $*" >> "$STUB_LOG"
"""

CRONTAB = """#!/bin/sh
printf '%s\\n' "crontab $*" >> "$STUB_LOG"
if [ "$1" = "-l" ]; then
  if [ -f "$HOME/crontab.txt" ]; then cat "$HOME/crontab.txt"; exit 0; fi
  echo "no crontab for $(id -un)" >&2; exit 1
fi
if [ "$1" = "-" ]; then cat > "$HOME/crontab.txt"; exit 0; fi
exit 2
"""


@pytest.fixture
def home(tmp_path, run_tracker):
    """A temporary HOME with stub system tools; ``home.run(*args)`` runs tracker there."""
    root = tmp_path / "home"
    tools = tmp_path / "bin"
    root.mkdir()
    tools.mkdir()
    for name in ("systemctl", "launchctl", "notify-send"):
        (tools / name).write_text(STUB)
    (tools / "crontab").write_text(CRONTAB)
    for tool in tools.iterdir():
        tool.chmod(0o755)
    log = tmp_path / "calls.log"

    class Home:
        path = root
        bin = tools

        def run(self, *args, input=None, path=None, only=False):
            env = {
                "HOME": str(root),
                "XDG_CONFIG_HOME": str(root / ".config"),
                "PATH": str(path) if only else f"{path or tools}:/usr/bin:/bin",
                "STUB_LOG": str(log),
            }
            return run_tracker(*args, input=input, env=env)

        def calls(self) -> list[str]:
            return log.read_text().splitlines() if log.exists() else []

        def files(self) -> list[str]:
            return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return Home()


def units(home) -> Path:
    return home.path / ".config" / "systemd" / "user"


# --- the schedule and the text of what is installed ----------------------------------------


def test_days_parse_as_ranges_lists_and_words():
    assert reminders.parse_days("mon-fri") == (1, 2, 3, 4, 5)
    assert reminders.parse_days("fri-mon") == (1, 5, 6, 7)  # a range may wrap
    assert reminders.parse_days("Mon,wednesday,FRI") == (1, 3, 5)
    assert reminders.parse_days("weekends") == (6, 7)
    assert reminders.parse_days(None) == reminders.parse_days("daily") == tuple(range(1, 8))
    for bad in ("funday", "mon-", "m", "mon;fri", "1-5"):
        with pytest.raises(ValidationError, match="--days"):
            reminders.parse_days(bad)


def test_times_are_24_hour_and_each_kept_once():
    when = reminders.schedule(["21:00", "9:05", "21:00"], "mon-fri")
    assert when.times == ((9, 5), (21, 0))
    assert when.words() == "09:05 and 21:00 on Mon-Fri"
    for bad in ("24:00", "21:60", "9pm", "21", "", "21:00:00"):
        with pytest.raises(ValidationError, match="--at"):
            reminders.parse_time(bad)
    with pytest.raises(ValidationError, match="at least one time"):
        reminders.schedule([], None)


@pytest.mark.parametrize("days", ["mon-fri", "daily", "sat,sun", "tue,thu"])
def test_every_kind_of_timer_reads_back_the_schedule_it_was_made_from(days):
    when = reminders.schedule(["08:30", "21:15"], days)
    command = ["/opt/my tools/tracker", "--db", "/data/50%/t.db", "remind", "now"]
    timer = reminders.systemd_units(when, command)[f"{reminders.UNIT}.timer"]
    assert reminders.schedule_of_timer(timer) == when
    assert reminders.schedule_of_plist(reminders.launchd_plist(when, command)) == when
    assert reminders.schedule_of_cron(reminders.cron_lines(when, command)) == when


def test_commands_are_quoted_for_each_system():
    when = reminders.schedule(["21:00"], None)
    command = ["/opt/my tools/tracker", "--db", "/data/50%/$HOME.db", "remind", "now"]
    service = reminders.systemd_units(when, command, {"TRACKER_PASSPHRASE_COMMAND": "pass x"})[
        f"{reminders.UNIT}.service"
    ]
    assert 'ExecStart="/opt/my tools/tracker" "--db" "/data/50%%/$$HOME.db"' in service
    assert 'Environment="TRACKER_PASSPHRASE_COMMAND=pass x"' in service
    (line,) = reminders.cron_lines(when, command)
    assert line.startswith("0 21 * * * '/opt/my tools/tracker' --db '/data/50\\%/$HOME.db' ")
    agent = plistlib.loads(reminders.launchd_plist(when, command))
    assert agent["ProgramArguments"] == command
    weekly = plistlib.loads(reminders.launchd_plist(reminders.schedule(["7:00"], "sun"), command))
    assert weekly["StartCalendarInterval"] == [{"Hour": 7, "Minute": 0, "Weekday": 0}]


# --- install, list, remove ------------------------------------------------------------------


def test_a_dry_run_prints_the_units_and_writes_nothing(home):
    result = home.run(
        "remind", "install", "--at", "21:00", "--days", "mon-fri", "--with", "systemd", "--dry-run"
    )
    assert result.returncode == 0, result.stderr
    assert f"Would write {units(home) / 'tracker-remind.timer'}:" in result.stdout
    assert "OnCalendar=Mon,Tue,Wed,Thu,Fri *-*-* 21:00:00" in result.stdout
    assert "systemctl --user enable --now tracker-remind.timer" in result.stdout
    assert home.files() == [] and home.calls() == []


def test_a_systemd_timer_is_installed_listed_replaced_and_removed(home):
    result = home.run("remind", "install", "--at", "21:00", "--with", "systemd")
    assert result.returncode == 0, result.stderr
    assert "Reminders set for 21:00 every day" in result.stdout
    timer, service = units(home) / "tracker-remind.timer", units(home) / "tracker-remind.service"
    assert stat.S_IMODE(timer.stat().st_mode) == 0o600
    assert stat.S_IMODE(units(home).stat().st_mode) == 0o700
    assert '"--db"' in service.read_text()
    assert service.read_text().rstrip().endswith('"remind" "now"')
    assert home.calls() == [
        "systemctl --user daemon-reload",
        "systemctl --user enable --now tracker-remind.timer",
    ]
    again = home.run(
        "remind",
        "install",
        "--at",
        "8:00",
        "--at",
        "20:30",
        "--days",
        "weekdays",
        "--with",
        "systemd",
    )
    assert again.returncode == 0, again.stderr
    listed = home.run("remind", "list")
    assert "Reminders at 08:00 and 20:30 on Mon-Fri (systemd user timer" in listed.stdout
    removed = home.run("remind", "remove")
    assert removed.returncode == 0 and "Reminders removed" in removed.stdout
    assert not timer.exists() and not service.exists()
    assert "systemctl --user disable --now tracker-remind.timer" in home.calls()
    assert "No reminders are set" in home.run("remind", "list").stdout
    assert "nothing was changed" in home.run("remind", "remove").stdout


def test_a_unit_file_tracker_did_not_make_is_never_replaced(home):
    units(home).mkdir(parents=True)
    theirs = units(home) / "tracker-remind.timer"
    theirs.write_text("[Timer]\nOnCalendar=daily\n")
    result = home.run("remind", "install", "--at", "21:00", "--with", "systemd")
    assert result.returncode == 3
    assert "was not made by tracker; nothing was changed" in result.stderr
    assert theirs.read_text() == "[Timer]\nOnCalendar=daily\n"
    assert not (units(home) / "tracker-remind.service").exists() and home.calls() == []
    assert "nothing was changed" in home.run("remind", "remove").stdout
    assert theirs.exists()


def test_a_crontab_line_is_added_only_after_a_yes_and_other_lines_are_kept(home):
    (home.path / "crontab.txt").write_text("MAILTO=me\n5 4 * * * backup.sh\n")
    declined = home.run("remind", "install", "--at", "21:00", "--with", "cron", input="n\n")
    assert declined.returncode == 0 and "Nothing was changed." in declined.stdout
    assert (home.path / "crontab.txt").read_text() == "MAILTO=me\n5 4 * * * backup.sh\n"
    for times in (("--at", "21:00"), ("--at", "20:00", "--days", "sat-sun")):
        done = home.run("remind", "install", *times, "--with", "cron", input="y\n")
        assert done.returncode == 0, done.stderr
    lines = (home.path / "crontab.txt").read_text().splitlines()
    assert lines[:2] == ["MAILTO=me", "5 4 * * * backup.sh"]
    assert len(lines) == 3 and lines[2].startswith("0 20 * * 6,0 ")
    assert "Reminders at 20:00 on Sat, Sun (crontab)" in home.run("remind", "list").stdout
    assert home.run("remind", "remove").returncode == 0
    assert (home.path / "crontab.txt").read_text() == "MAILTO=me\n5 4 * * * backup.sh\n"


def test_a_launchd_agent_is_written_and_loaded(home):
    result = home.run("remind", "install", "--at", "21:00", "--days", "mon", "--with", "launchd")
    assert result.returncode == 0, result.stderr
    plist = home.path / "Library" / "LaunchAgents" / f"{reminders.LAUNCHD_LABEL}.plist"
    agent = plistlib.loads(plist.read_bytes())
    assert agent["StartCalendarInterval"] == [{"Hour": 21, "Minute": 0, "Weekday": 1}]
    assert agent["ProgramArguments"][-2:] == ["remind", "now"]
    assert any(call.startswith("launchctl bootstrap gui/") for call in home.calls())
    assert home.run("remind", "remove").returncode == 0 and not plist.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("--at", "25:00"),
        ("--at", "21:00", "--days", "funday"),
        ("--days", "mon-fri"),
        ("--at", "21:00", "--with", "windows"),
    ],
)
def test_bad_schedules_are_refused_by_name_and_nothing_is_written(home, args):
    chosen = () if "--with" in args else ("--with", "systemd")
    result = home.run("remind", "install", *args, *chosen)
    assert result.returncode == 2
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert any(name in error for name in ("--at", "--days", "--with")), error
    assert "Traceback" not in result.stderr
    assert home.files() == [] and home.calls() == []


# --- remind now -------------------------------------------------------------------------------


def test_the_reminder_notifies_only_while_today_has_no_check_in(home, db_path):
    assert home.run("add", "--mood", "3", "--day", "2026-11-27").returncode == 0
    assert home.run("remind", "now").returncode == 0
    (call,) = [c for c in home.calls() if c.startswith("notify-send")]
    assert "today's check-in" in call and "1 of the last 14 days" in call
    before = db_digest(db_path)
    assert home.run("add", "--mood", "4").returncode == 0
    calls = len(home.calls())
    assert home.run("remind", "now").returncode == 0
    assert len(home.calls()) == calls  # checked in: quiet
    assert db_digest(db_path) != before


def test_without_a_notifier_the_reminder_says_so_once_and_print_still_works(home, tmp_path):
    empty = tmp_path / "nothing"
    empty.mkdir()
    quiet = home.run("remind", "now", path=empty)
    assert quiet.returncode == 0 and quiet.stdout == ""
    assert "No notifier here" in quiet.stderr and len(quiet.stderr.splitlines()) == 1
    printed = home.run("remind", "now", "--print")
    assert "today's check-in" in printed.stdout and home.calls() == []


# --- status for prompts and scripts --------------------------------------------------------


def test_status_short_and_quiet_for_prompts_and_scripts(run_tracker):
    short = run_tracker("status", "--short")
    assert short.returncode == 3  # no database yet: the one line goes to stderr
    assert short.stdout == "" and short.stderr.count("\n") == 1
    assert run_tracker("add", "--mood", "3", "--day", "2026-11-27").returncode == 0
    short = run_tracker("status", "--short")
    assert (short.returncode, short.stdout) == (1, reminders_glyph())
    # A glyph with control codes reaches the prompt as visible text, never as codes.
    assert run_tracker("status", "--short", "--glyph", "\x1b]0;x\x07✎").stdout == "^[]0;x^G✎"
    quiet = run_tracker("status", "--quiet")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (1, "", "")
    assert run_tracker("add", "--mood", "4").returncode == 0
    assert run_tracker("status", "--short").stdout == ""
    assert run_tracker("status", "--short").returncode == 0
    assert run_tracker("status", "-q").returncode == 0


def reminders_glyph() -> str:
    from tracker.cli import STATUS_GLYPH

    return STATUS_GLYPH


# --- shell completion -------------------------------------------------------------------------


def _tracker() -> str:
    from tests.conftest import tracker_executable

    return tracker_executable()


def _completion_env() -> dict[str, str]:
    folder = str(Path(_tracker()).parent)
    return {
        **os.environ,
        "PATH": f"{folder}:{os.environ['PATH']}",
        "TRACKER_TODAY": FROZEN_TODAY.isoformat(),
    }


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_and_options_through_the_documented_line():
    script = textwrap.dedent(
        """
        eval "$(tracker completion bash)"
        ask() {
          COMPREPLY=(); COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _tracker_completion tracker
        }
        ask tracker rem; echo "${COMPREPLY[@]}"
        ask tracker remind install --da; echo "${COMPREPLY[@]}"
        ask tracker status --sh; echo "${COMPREPLY[@]}"
        """
    )
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=_completion_env(), timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["remind", "--days", "--short"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_get_a_script_and_the_words_it_asks_for(shell):
    script = subprocess.run(
        [_tracker(), "completion", shell],
        capture_output=True,
        text=True,
        env=_completion_env(),
        timeout=120,
    )
    assert script.returncode == 0 and "_TRACKER_COMPLETE" in script.stdout
    if shutil.which(shell):  # the script is valid for the shell itself
        check = subprocess.run(
            [shell, "-n"], input=script.stdout, capture_output=True, text=True, timeout=60
        )
        assert check.returncode == 0, check.stderr
    words = subprocess.run(
        [_tracker()],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **_completion_env(),
            "_TRACKER_COMPLETE": f"{shell}_complete",
            "COMP_WORDS": "tracker rem",
            "COMP_CWORD": "1" if shell == "zsh" else "rem",  # fish passes the word itself
        },
    )
    assert words.returncode == 0 and "remind" in words.stdout


def test_python_m_tracker_is_the_tracker_command():
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.startswith("tracker")


def test_a_timer_whose_tool_is_missing_is_refused_before_anything_is_written(home, tmp_path):
    empty = tmp_path / "no-tools"
    empty.mkdir()
    for backend in ("systemd", "launchd", "cron"):
        result = home.run(
            "remind", "install", "--at", "21:00", "--with", backend, path=empty, only=True
        )
        assert result.returncode == 3 and "is not installed here" in result.stderr
    assert home.files() == [] and home.calls() == []
