"""``tracker remind install|list|remove|now``: reminders that fire only when today has
no check-in yet, through the system's own timers.

What is installed depends on the system (or ``--with``): a systemd user timer when a
systemd user manager runs, a launchd agent on macOS, otherwise a crontab line, added
only after the person says yes. The text of each is made by :mod:`tracker.reminders`;
this module writes it (through :mod:`tracker.files`, never over a file tracker did
not make) and runs ``systemctl``, ``launchctl`` or ``crontab``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from tracker import reminders
from tracker.cli import CannotUse, db_option, db_path, fail_validation, open_store_or_exit
from tracker.models import ValidationError
from tracker.text import one_line

BACKENDS = ("systemd", "launchd", "cron")
SYSTEM_TIMEOUT_S = 30


# --- where things go ---------------------------------------------------------------------


def _home() -> Path:
    return Path(os.environ.get("HOME") or Path.home())


def systemd_folder() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(_home() / ".config")
    return Path(config) / "systemd" / "user"


def launchd_file() -> Path:
    return _home() / "Library" / "LaunchAgents" / f"{reminders.LAUNCHD_LABEL}.plist"


def detect_backend() -> str:
    """launchd on macOS; systemd when a user manager answers; else cron."""
    if sys.platform == "darwin":
        return "launchd"
    if shutil.which("systemctl"):
        try:
            answer = subprocess.run(
                ["systemctl", "--user", "show-environment"],
                capture_output=True,
                timeout=SYSTEM_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return "cron"
        if answer.returncode == 0:
            return "systemd"
    return "cron"


def tracker_command() -> list[str]:
    """How a timer runs this tracker: the path it was started by, made absolute (a
    pipx or venv link keeps working across upgrades), else ``python -m tracker``."""
    started = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if started is not None and started.name == "tracker" and started.is_file():
        return [os.path.abspath(started)]
    found = shutil.which("tracker")
    if found:
        return [os.path.abspath(found)]
    return [sys.executable, "-m", "tracker"]


def reminder_command(ctx: click.Context) -> list[str]:
    return [*tracker_command(), "--db", str(db_path(ctx).resolve()), "remind", "now"]


def passed_environment() -> dict[str, str]:
    return {k: os.environ[k] for k in reminders.PASSED_ENVIRONMENT if os.environ.get(k)}


# --- running the system's tools ------------------------------------------------------------


def _run(argv: Sequence[str], *, input: str | None = None, what: str) -> str:
    """Run a system tool; a failure is one line (exit 3) naming the tool."""
    try:
        done = subprocess.run(
            list(argv),
            input=input,
            capture_output=True,
            text=True,
            timeout=SYSTEM_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError:
        raise CannotUse(f"{argv[0]} is not installed here, so {what} could not be done.") from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CannotUse(f"{' '.join(argv)} did not run ({type(exc).__name__}).") from None
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        said = one_line(lines[-1]) if lines else ""
        raise CannotUse(
            f"{' '.join(argv)} failed (exit {done.returncode})" + (f": {said}" if said else ".")
        )
    return done.stdout


def _read_crontab() -> list[str] | None:
    """The crontab's lines; ``[]`` when there is none yet; ``None`` without ``crontab``."""
    if not shutil.which("crontab"):
        return None
    try:
        done = subprocess.run(
            ["crontab", "-l"], capture_output=True, text=True, timeout=SYSTEM_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return []  # "no crontab for <user>"
    return done.stdout.splitlines()


# --- files of ours -------------------------------------------------------------------------


def _ours(path: Path) -> bool:
    try:
        return reminders.MARK.encode() in path.read_bytes()
    except OSError:
        return False


def _refuse_foreign(paths: Sequence[Path]) -> None:
    for path in paths:
        if (path.exists() or path.is_symlink()) and (path.is_symlink() or not _ours(path)):
            raise CannotUse(
                f"{path} is there and was not made by tracker; nothing was changed. "
                "Move it away, or keep it and skip `remind install`."
            )


def _write(path: Path, data: bytes) -> None:
    from tracker.files import FileRefused, private_dir, private_file

    try:
        private_dir(path.parent)
        with private_file(path, replace_ours=path.exists(), binary=True) as handle:
            handle.write(data)
    except (FileRefused, OSError) as exc:
        raise CannotUse(f"{path} could not be written: {exc}") from None


def _remove(path: Path) -> bool:
    if path.is_symlink() or not path.exists() or not _ours(path):
        return False
    path.unlink()
    return True


# --- commands ------------------------------------------------------------------------------


@click.group()
def remind() -> None:
    """Reminders for the daily check-in, quiet on days you have checked in."""


@remind.command()
@db_option
@click.option(
    "--at",
    "times",
    multiple=True,
    metavar="HH:MM",
    help="A time of day (24-hour); give --at again for more than one.",
)
@click.option(
    "--days", metavar="DAYS", help="mon-fri, mon,wed,fri, weekends... (default: every day)."
)
@click.option(
    "--with",
    "backend",
    type=click.Choice(BACKENDS),
    help="Which timer to use (default: systemd when it runs, launchd on macOS, else cron).",
)
@click.option("--dry-run", is_flag=True, help="Print exactly what would be installed, and where.")
@click.option("--yes", "-y", is_flag=True, help="Add the crontab line without asking.")
@click.pass_context
def install(
    ctx: click.Context,
    times: tuple[str, ...],
    days: str | None,
    backend: str | None,
    dry_run: bool,
    yes: bool,
) -> None:
    """Set reminders at --at times on --days; they run `tracker remind now`, which
    notifies only when today has no check-in yet. Installing again replaces them."""
    try:
        when = reminders.schedule(times, days)
    except ValidationError as exc:
        fail_validation(exc)
        return
    backend = backend or detect_backend()
    tool = {"systemd": "systemctl", "launchd": "launchctl", "cron": "crontab"}[backend]
    if not dry_run and not shutil.which(tool):
        raise CannotUse(f"{tool} is not installed here, so a {backend} reminder cannot be set.")
    command, env = reminder_command(ctx), passed_environment()
    if backend == "systemd":
        _install_systemd(when, command, env, dry_run)
    elif backend == "launchd":
        _install_launchd(when, command, env, dry_run)
    else:
        _install_cron(when, command, env, dry_run, yes)


def _done(when: reminders.Schedule, how: str) -> None:
    click.echo(
        f"Reminders set for {when.words()}, through {how}. They stay quiet on days "
        "you've already checked in. `tracker remind remove` takes them away."
    )


def _install_systemd(
    when: reminders.Schedule, command: list[str], env: dict[str, str], dry_run: bool
) -> None:
    folder = systemd_folder()
    files = {
        folder / name: text for name, text in reminders.systemd_units(when, command, env).items()
    }
    timer = f"{reminders.UNIT}.timer"
    steps = [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", timer],
    ]
    if dry_run:
        _show_dry_run(files, steps)
        return
    _refuse_foreign(list(files))
    for path, text in files.items():
        _write(path, text.encode())
    for step in steps:
        _run(step, what="starting the timer")
    _done(when, f"a systemd user timer ({folder / timer})")


def _install_launchd(
    when: reminders.Schedule, command: list[str], env: dict[str, str], dry_run: bool
) -> None:
    path = launchd_file()
    data = reminders.launchd_plist(when, command, env)
    domain = f"gui/{os.getuid()}"
    steps = [["launchctl", "bootstrap", domain, str(path)]]
    if dry_run:
        _show_dry_run({path: data.decode()}, steps)
        return
    _refuse_foreign([path])
    if path.exists():
        _bootout()
    _write(path, data)
    for step in steps:
        _run(step, what="loading the agent")
    _done(when, f"a launchd agent ({path})")


def _bootout() -> None:
    subprocess.run(
        ["launchctl", "bootout", f"gui/{os.getuid()}/{reminders.LAUNCHD_LABEL}"],
        capture_output=True,
        timeout=SYSTEM_TIMEOUT_S,
        check=False,
    )


def _install_cron(
    when: reminders.Schedule, command: list[str], env: dict[str, str], dry_run: bool, yes: bool
) -> None:
    bus = Path(f"/run/user/{os.getuid()}/bus")
    if bus.exists() and "DBUS_SESSION_BUS_ADDRESS" not in env:
        env = {**env, "DBUS_SESSION_BUS_ADDRESS": f"unix:path={bus}"}  # for notify-send
    lines = reminders.cron_lines(when, command, env)
    if dry_run:
        click.echo(
            "Would add to your crontab (through `crontab -`), replacing tracker's own lines:"
        )
        for line in lines:
            click.echo(f"  {line}")
        return
    current = _read_crontab()
    if current is None:
        raise CannotUse(
            "There is no systemd user manager and no `crontab` here, so a reminder cannot "
            "be installed; README's Reminders section has other ways."
        )
    click.echo("This adds to your crontab:")
    for line in lines:
        click.echo(f"  {line}")
    if not yes and not click.confirm("Add it?", default=False):
        click.echo("Nothing was changed.")
        return
    kept = [line for line in current if not reminders.is_our_cron_line(line)]
    _run(["crontab", "-"], input="\n".join([*kept, *lines]) + "\n", what="writing the crontab")
    _done(when, "your crontab")


def _show_dry_run(files: dict[Path, str], steps: list[list[str]]) -> None:
    for path, text in files.items():
        click.echo(f"Would write {path}:")
        for line in text.splitlines():
            click.echo(f"  {line}")
    click.echo("Would run:")
    for step in steps:
        click.echo(f"  {' '.join(step)}")


@remind.command(name="list")
def list_command() -> None:
    """Show the reminders that are set, and where."""
    found = _installed()
    if not found:
        click.echo("No reminders are set. `tracker remind install --at 21:00` sets one.")
        return
    for when, where in found:
        click.echo(f"Reminders at {when.words()} ({where}).")


def _installed() -> list[tuple[reminders.Schedule, str]]:
    found = []
    timer = systemd_folder() / f"{reminders.UNIT}.timer"
    if _ours(timer):
        when = reminders.schedule_of_timer(timer.read_text(encoding="utf-8", errors="replace"))
        if when:
            found.append((when, f"systemd user timer {timer}"))
    plist = launchd_file()
    if _ours(plist):
        when = reminders.schedule_of_plist(plist.read_bytes())
        if when:
            found.append((when, f"launchd agent {plist}"))
    cron = reminders.schedule_of_cron(_read_crontab() or [])
    if cron:
        found.append((cron, "crontab"))
    return found


@remind.command()
def remove() -> None:
    """Take away the reminders tracker set (and nothing else)."""
    removed = []
    folder = systemd_folder()
    timer, service = folder / f"{reminders.UNIT}.timer", folder / f"{reminders.UNIT}.service"
    if _ours(timer) or _ours(service):
        if shutil.which("systemctl"):
            subprocess.run(
                ["systemctl", "--user", "disable", "--now", timer.name],
                capture_output=True,
                timeout=SYSTEM_TIMEOUT_S,
                check=False,
            )
        for path in (timer, service):
            if _remove(path):
                removed.append(str(path))
        if shutil.which("systemctl"):
            subprocess.run(
                ["systemctl", "--user", "daemon-reload"],
                capture_output=True,
                timeout=SYSTEM_TIMEOUT_S,
                check=False,
            )
    plist = launchd_file()
    if _ours(plist):
        if shutil.which("launchctl"):
            _bootout()
        if _remove(plist):
            removed.append(str(plist))
    current = _read_crontab()
    if current and any(reminders.is_our_cron_line(line) for line in current):
        kept = [line for line in current if not reminders.is_our_cron_line(line)]
        _run(["crontab", "-"], input="\n".join(kept) + ("\n" if kept else ""), what="the crontab")
        removed.append("tracker's lines in your crontab")
    if not removed:
        click.echo("No reminders were set; nothing was changed.")
        return
    click.echo("Reminders removed: " + "; ".join(removed) + ".")


@remind.command()
@db_option
@click.option("--print", "to_stdout", is_flag=True, help="Print the reminder instead of notifying.")
@click.pass_context
def now(ctx: click.Context, to_stdout: bool) -> None:
    """Notify, only if today has no check-in yet (what the timers run)."""
    from tracker.days import days_back

    since, until = days_back(14)
    checked, today = 0, False
    if db_path(ctx).exists():
        with open_store_or_exit(ctx, create=False) as store:
            days = store.days_with_checkins(since, until)
            checked, today = len(days), until in days
    if today:
        return
    title, body = reminders.reminder_words(checked, 14)
    if to_stdout:
        click.echo(body)
        return
    if shutil.which("notify-send"):
        _run(["notify-send", "--app-name=tracker", title, body], what="the notification")
    elif sys.platform == "darwin" and shutil.which("osascript"):
        script = f"display notification {_applescript(body)} with title {_applescript(title)}"
        _run(["osascript", "-e", script], what="the notification")
    else:
        click.echo(
            "No notifier here (notify-send or osascript), so nothing was shown; "
            "`tracker remind now --print` prints the reminder instead.",
            err=True,
        )


def _applescript(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
