"""The command line. ``tracker`` alone opens the app; subcommands work from the shell.

Kept light on purpose: ``tracker status`` and ``tracker add`` run from shell prompts
and cron, so this module imports neither Textual nor plotext. Heavier commands live
in their own modules and are imported only when called (see ``LAZY_COMMANDS``).
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from tracker import __version__, clock, paths
from tracker.models import (
    MOOD,
    SCALES,
    CheckIn,
    ValidationError,
    parse_day,
    parse_time_of_day,
)
from tracker.text import one_line, terminal_safe_json, visible

# name -> ("module:attribute", one-line help). Imported only when the command runs,
# so `tracker --help` and `tracker status` never load charts or importers.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "chart": ("tracker.commands.insight:chart", "Print a trend chart (for pasting anywhere)."),
    "report": (
        "tracker.commands.insight:report",
        "Write a Markdown report of a period, to read or bring to therapy.",
    ),
    "demo": ("tracker.commands.demo:demo", "Fill a new database with realistic demo data."),
    "experiments": (
        "tracker.commands.practice:experiments",
        "List experiments: id, status, period, days practised (--json for all).",
    ),
    "import": (
        "tracker.commands.data:import_command",
        "Import a tracker export, or a Daylio CSV export.",
    ),
    "backup": ("tracker.commands.data:backup_command", "Make a backup of the database now."),
    "restore": (
        "tracker.commands.data:restore_command",
        "Bring back a backup (the current database is kept as a backup first).",
    ),
    "practice": (
        "tracker.commands.practice:practice",
        "Log a day's practice of an experiment (--done yes|no).",
    ),
    "search": (
        "tracker.commands.search:search",
        "Find check-ins, ruptures and experiments by the words in them.",
    ),
    "session": (
        "tracker.commands.session:session",
        "Record a therapy session (past or planned) and list them.",
    ),
    "patterns": (
        "tracker.commands.patterns:patterns",
        "Show what went together: days with and without each person, tag, emotion.",
    ),
    "week": (
        "tracker.commands.week:week",
        "Print the week as a diary card, with its hard moments.",
    ),
    "remind": (
        "tracker.commands.remind:remind",
        "Daily reminders that stay quiet once you have checked in.",
    ),
    "inbox": (
        "tracker.commands.inbox:inbox",
        "Absorb check-ins written one per line in a file (from a phone, say).",
    ),
    "sync": (
        "tracker.commands.sync:sync",
        "Sync with your other devices through a folder a sync engine carries.",
    ),
    "completion": (
        "tracker.commands.shell:completion",
        "Print the shell completion script (bash, zsh or fish).",
    ),
    "words": (
        "tracker.commands.words:words",
        "List, rename, merge or hide emotions, people and tags.",
    ),
    "encrypt": (
        "tracker.commands.crypt:encrypt",
        "Encrypt the database (and its backups) with a passphrase.",
    ),
    "decrypt": (
        "tracker.commands.crypt:decrypt",
        "Make a plain copy of an encrypted database, or undo the encryption.",
    ),
    "passphrase": (
        "tracker.commands.crypt:passphrase",
        "Change the passphrase, or keep its key in the keyring (or forget it).",
    ),
    "unlock": (
        "tracker.commands.crypt:unlock",
        "Unlock the encrypted database for this login session, for a while.",
    ),
    "lock": (
        "tracker.commands.crypt:lock",
        "Lock it again now; --after N: the app locks itself after N idle minutes.",
    ),
}


class CannotUse(click.ClickException):
    """The database or a file cannot be used as it is: missing, damaged, foreign,
    busy or unreadable (exit code 3; the README lists every exit code)."""

    exit_code = 3


def _reader_left() -> None:
    """What reads tracker's output stopped early (``tracker list | head``): not an
    error. What is left to print goes nowhere, and the command ends with 0 (as
    ripgrep does), where click would end it with 1, which means something else here."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


class TrackerGroup(click.Group):
    """A click group that loads heavy subcommands on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module_name, attr = LAZY_COMMANDS[cmd_name][0].split(":")
            return getattr(importlib.import_module(module_name), attr)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context):
        """A database found damaged part-way through a command ends with a plain
        message (which file, what to do), not a traceback."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _reader_left()
            ctx.exit(0)
        except Exception as exc:
            from tracker.store import errors  # (only now: `tracker locate` needs no store)

            if not isinstance(exc, errors.DatabaseError):
                raise
            from tracker.opening import database_error_message

            message = database_error_message(db_path(ctx), exc)
            if message is None:
                raise
            raise CannotUse(message) from exc

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in LAZY_COMMANDS:
                rows.append((name, LAZY_COMMANDS[name][1]))
            else:
                command = super().get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit=70)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def db_option(func):
    """``--db PATH`` on a subcommand; it overrides the group's ``--db`` and TRACKER_DB."""

    def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        value = _checked_db(ctx, param, value)
        if value is not None:
            ctx.ensure_object(dict)["db"] = value

    return click.option(
        "--db",
        "db",
        metavar="PATH",
        expose_value=False,
        callback=remember,
        is_eager=True,
        help="Database file (default: TRACKER_DB, else the user data folder).",
    )(func)


def _checked_db(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--db ""`` is a mistake (an unset variable in a script), not "the default"."""
    if value is not None and not value.strip():
        raise click.BadParameter("an empty path is not allowed; give the database file's path.")
    return value


def db_path(ctx: click.Context) -> Path:
    root = ctx.find_root()
    explicit = (ctx.obj or {}).get("db") or (root.obj or {}).get("db")
    return paths.resolve_db_path(explicit)


def open_store_or_exit(ctx: click.Context, *, create: bool = True):
    """Open the database, turning a refusal into a clear message and exit code 3.

    ``create=False`` for commands that only read: a missing database is refused
    rather than made. Also takes the day's backup at the first use of each day (see
    :func:`tracker.opening.open_database`, which every entry point shares).
    """
    from tracker.opening import OpenProblem, open_database
    from tracker.unlocking import unlock

    try:
        return open_database(
            db_path(ctx),
            warn=lambda text: click.echo(text, err=True),
            create=create,
            unlock=unlock,
        )
    except OpenProblem as exc:
        fail_open(exc)


def fail_open(exc: Exception) -> NoReturn:
    """A refusal to open (an ``OpenProblem``) as one line, with its exit code."""
    code = getattr(exc, "exit_code", 3)
    if code == 3:
        raise CannotUse(str(exc)) from exc
    click.echo(f"Error: {exc}", err=True)
    sys.exit(code)


def say_plain(database: Path, what: str) -> None:
    """Once, when a file written from an encrypted database is plain by nature."""
    from tracker.store import cipher

    if cipher.is_encrypted(database):
        click.echo(
            f"Note: the database is encrypted, but {what} is not (it is plain text by "
            "nature): anyone who can read it can read what is in it. It is readable by "
            "you only; delete it when you are done with it.",
            err=True,
        )


def unlock_or_exit(path: Path) -> None:
    """When ``path`` is an encrypted database, unlock it (keyring, command, terminal)
    for the commands that work on its files without opening it (backup, restore)."""
    from tracker.opening import OpenProblem, unlock_file
    from tracker.unlocking import unlock

    try:
        unlock_file(path, unlock)
    except OpenProblem as exc:
        fail_open(exc)


def fail_validation(exc: ValidationError) -> None:
    click.echo(f"Error: {exc}", err=True)
    click.echo("Nothing was saved.", err=True)
    sys.exit(2)


@click.group(
    cls=TrackerGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    "db",
    metavar="PATH",
    callback=_checked_db,
    help="Database file (default: TRACKER_DB, else the user data folder).",
)
@click.option(
    "--demo",
    is_flag=True,
    help="Open the app on a throwaway demo database (your own data is not touched).",
)
@click.version_option(__version__, prog_name="tracker")
@click.pass_context
def main(ctx: click.Context, db: str | None, demo: bool) -> None:
    """A private practice space for daily check-ins and small relational experiments.

    Run without a command to open the app. This is a practice aid, not treatment.
    """
    ctx.ensure_object(dict)
    _check_busy_timeout()
    if db is not None:
        ctx.obj["db"] = db
    if ctx.invoked_subcommand is not None:
        return
    if demo:
        open_demo_app()
        return
    from tracker.opening import OpenProblem, open_for_app

    try:  # (tracker.launch opens the app without click)
        store = open_for_app(db_path(ctx), warn=lambda text: click.echo(text, err=True))
    except OpenProblem as exc:
        fail_open(exc)
    from tracker.app.app import run_app

    code = run_app(store)
    if code:
        sys.exit(code if code in (2, 3) else 70)  # (the app has said so in one line)


def _check_busy_timeout() -> None:
    """A bad ``TRACKER_BUSY_TIMEOUT_MS`` is one line and exit 2, before anything runs
    (``tracker`` checks it first too: :mod:`tracker.launch`)."""
    if "TRACKER_BUSY_TIMEOUT_MS" in os.environ:
        from tracker.store import BadSetting, busy_timeout_ms

        try:
            busy_timeout_ms()
        except BadSetting as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)


def open_demo_app(
    years: float | None = None, seed: int | None = None, run: Callable[..., object] | None = None
) -> None:
    """``tracker --demo``: the app on a throwaway demo database, told it is one.

    ``run(store, demo=True)`` runs the app (default :func:`tracker.app.app.run_app`).
    """
    from tracker.demo import DEFAULT_SEED, DEMO_APP_YEARS, throwaway_demo
    from tracker.opening import open_database

    with throwaway_demo(
        DEMO_APP_YEARS if years is None else years, DEFAULT_SEED if seed is None else seed
    ) as path:
        store = open_database(
            path, warn=lambda text: click.echo(text, err=True), daily_backup=False
        )
        if run is None:
            from tracker.app.app import run_app

            run = run_app
        if run(store, demo=True):
            sys.exit(70)


# --- add ---------------------------------------------------------------------------


def _rating_option(name: str):
    scale = SCALES[name]
    return click.option(
        f"--{name}",
        name,
        metavar=f"{scale.low}-{scale.high}",
        help=(
            f"{scale.question} {scale.low} = {scale.labels[0]}, {scale.high} = {scale.labels[-1]}."
        ),
    )


@main.command()
@db_option
@click.option(
    "--mood",
    "mood",
    metavar="1-5",
    required=True,
    help="Mood: 1 awful, 2 bad, 3 meh, 4 good, 5 great.",
)
@_rating_option("intensity")
@_rating_option("regulation")
@_rating_option("pursue")
@_rating_option("withdraw")
@click.option("--pursue-acted", metavar="yes|no", help="Did you act on the urge to pursue?")
@click.option("--withdraw-acted", metavar="yes|no", help="Did you act on the urge to withdraw?")
@click.option(
    "--paused",
    metavar="yes|no|-",
    help="Did you pause before reacting? '-' = no hard moment today.",
)
@click.option(
    "--emotion",
    "emotions",
    multiple=True,
    metavar="WORD",
    help="An emotion you named (repeat for several).",
)
@click.option(
    "--person",
    "people",
    multiple=True,
    metavar="NAME",
    help="Who it was about (repeat for several).",
)
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="TAG",
    help="What was going on: work, bad sleep... (repeat for several).",
)
@click.option("--need", metavar="TEXT", help="What did you need?")
@click.option("--note", metavar="TEXT", help="Anything else, in your own words.")
@click.option("--day", metavar="YYYY-MM-DD", help="The day it counts for (default today).")
@click.option(
    "--time",
    "time_of_day",
    metavar="HH:MM",
    help="When it happened (for an earlier day; default: now).",
)
@click.option("--bring", is_flag=True, help="Mark it to bring to your next therapy session.")
@click.pass_context
def add(ctx: click.Context, time_of_day: str | None, bring: bool, **values: Any) -> None:
    """Record a check-in."""
    values = {k: (list(v) if isinstance(v, tuple) else v) for k, v in values.items()}
    try:
        if time_of_day is not None:
            day = parse_day(
                "day", values["day"] if values.get("day") is not None else clock.today()
            )
            values["created_at"] = parse_time_of_day("time", time_of_day, day)  # type: ignore[arg-type]
        checkin = CheckIn.create(values)
    except ValidationError as exc:
        fail_validation(exc)
        return
    with open_store_or_exit(ctx) as store:
        with store.write():  # one transaction: the check-in and its mark
            store.save_checkin(checkin)
            if bring:
                store.set_bring("checkin", checkin.id, True)
    click.echo(f"Saved a check-in for {_day_words(checkin.day)}:")
    click.echo(describe_checkin(checkin, indent="  "))
    if bring:
        click.echo("  marked to bring to your next session")


def _day_words(day: str) -> str:
    today = clock.today()
    date = dt.date.fromisoformat(day)
    if date == today:
        return f"today ({date:%a %d %b})"
    if date == today - dt.timedelta(days=1):
        return f"yesterday ({date:%a %d %b})"
    return f"{date:%a %d %b %Y}"


def _when(c: CheckIn) -> str:
    """The time of a check-in on its day, or, for one entered later without a time
    (a backfill), when it was entered: never a clock time it did not happen at."""
    if c.created_at[:10] == c.day:
        return c.created_at[11:16]
    entered = dt.datetime.fromisoformat(c.created_at)
    return f"(entered {entered.day} {entered:%b %Y %H:%M})"


def describe_checkin(c: CheckIn, indent: str = "") -> str:
    """A check-in in plain words, one fact per line (user text with its control
    characters shown visibly: this goes to a terminal)."""
    lines = [f"mood {c.mood} ({MOOD.label(c.mood)})"]
    for name in ("intensity", "regulation"):
        value = getattr(c, name)
        if value is not None:
            lines.append(f"{name} {value} ({SCALES[name].label(value)})")
    for name, acted in (("pursue", c.pursue_acted), ("withdraw", c.withdraw_acted)):
        value = getattr(c, name)
        if value is not None:
            extra = "" if acted is None else (", acted on it" if acted else ", did not act on it")
            lines.append(f"{name} urge {value} ({SCALES[name].label(value)}{extra})")
    if c.paused is not None:
        lines.append("paused before reacting" if c.paused else "did not pause this time")
    for label, names in (("emotions", c.emotions), ("people", c.people), ("tags", c.tags)):
        if names:
            lines.append(f"{label}: {', '.join(one_line(n) for n in names)}")
    if c.need:
        lines.append(f"needed: {one_line(c.need)}")
    if c.note:
        note = visible(c.note, tabs=False).replace("\n", "\n" + indent + "  ")
        lines.append(f"note: {note}")
    return "\n".join(indent + line for line in lines)


# --- list / status -------------------------------------------------------------------


@main.command(name="list")
@db_option
@click.option(
    "--days",
    default=7,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="How many days back, today included.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one array of objects).")
@click.pass_context
def list_(ctx: click.Context, days: int, as_json: bool) -> None:
    """Show recent check-ins, newest first."""
    from tracker.days import days_back

    since, until = days_back(days)
    with open_store_or_exit(ctx, create=False) as store:
        checkins = store.checkins(since=since, until=until)
    if as_json:
        payload = [
            {
                **c.to_row(),
                "emotions": list(c.emotions),
                "people": list(c.people),
                "tags": list(c.tags),
            }
            for c in checkins
        ]
        import json  # here, not at the top: the app and `tracker status` never need it

        click.echo(terminal_safe_json(json.dumps(payload, ensure_ascii=False, indent=2)))
        return
    if not checkins:
        span = "today" if days == 1 else f"the last {days} days"
        click.echo(f"No check-ins {span}. 'tracker add --mood N' records one.")
        return
    for c in checkins:
        click.echo(one_line(f"{c.day} {_when(c)}  {c.id[:8]}"))
        click.echo(describe_checkin(c, indent="  "))
        click.echo()
    span = "today" if days == 1 else f"in the last {days} days"
    click.echo(f"{len(checkins)} check-in{'s' if len(checkins) != 1 else ''} {span}.")


STATUS_GLYPH = "◌"
"""What ``status --short`` prints while today has no check-in yet (nothing once it has)."""


@main.command()
@db_option
@click.option(
    "--short",
    "short",
    is_flag=True,
    help=f"For a shell prompt: print {STATUS_GLYPH} while today has no check-in, "
    "nothing once it has.",
)
@click.option(
    "--glyph",
    metavar="TEXT",
    default=STATUS_GLYPH,
    show_default=True,
    help="What --short prints while today has no check-in.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing: the exit code says it.")
@click.pass_context
def status(ctx: click.Context, short: bool, glyph: str, quiet: bool) -> None:
    """One line on today; exit 0 if checked in today, 1 if not yet, 3 if the
    database cannot be used (its one line goes to stderr, even with --quiet)."""
    from tracker.days import days_back

    since, until = days_back(30)
    with open_store_or_exit(ctx, create=False) as store:
        today = store.checkins(since=until, until=until)
        checked_days = len(store.days_with_checkins(since, until)) if not (short or quiet) else 0
    if quiet:
        sys.exit(0 if today else 1)
    if short:
        if not today:
            click.echo(one_line(glyph), nl=False)
        sys.exit(0 if today else 1)
    consistency = f"{checked_days} of the last 30 days"
    if today:
        latest = today[0]
        n = len(today)
        click.echo(
            f"Checked in today ({n} time{'s' if n != 1 else ''}; latest mood "
            f"{latest.mood}, {MOOD.label(latest.mood)}). You've checked in on {consistency}."
        )
        sys.exit(0)
    click.echo(
        f"No check-in yet today. You've checked in on {consistency}. "
        "'tracker' opens the app; 'tracker add --mood N' is quicker."
    )
    sys.exit(1)


# --- export --------------------------------------------------------------------------

# The same as Store.EXPORT_TABLES (a test checks); spelled out so --help needs no store.
EXPORT_TABLES = (
    "checkins",
    "experiments",
    "practice_logs",
    "ruptures",
    "supports",
    "emotions",
    "names",
    "sessions",
    "bring_marks",
)


@main.command()
@db_option
@click.option(
    "--out",
    "out",
    metavar="PATH",
    type=click.Path(path_type=Path),
    help="Folder to write (one file per table), or a .csv/.json file with --table. "
    "Without it (or with - and --table), --table prints to the screen and a whole "
    "export goes to a new folder here.",
)
@click.option("--table", "table", type=click.Choice(EXPORT_TABLES), help="Only this table.")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.pass_context
def export(ctx: click.Context, out: Path | None, table: str | None, fmt: str) -> None:
    """Export your data as CSV or JSON (for yourself or your therapist)."""
    from tracker.portability.export import ExportError, export_data

    if out is not None and str(out) == "-":  # the usual name for standard output
        if table is None:
            raise click.UsageError(
                "--out - prints one table: add --table NAME (a whole export is a folder)."
            )
        out = None
    with open_store_or_exit(ctx, create=False) as store:
        try:
            written = export_data(store, out=out, table=table, fmt=fmt, stdout=sys.stdout)
        except ExportError as exc:  # a target tracker may not write: exit 3
            raise CannotUse(visible(str(exc), newlines=False)) from exc
        except OSError as exc:
            if out is None and table is not None:  # the screen or a pipe (closed early?)
                raise
            raise CannotUse(
                f"The export could not be written to {out or Path.cwd()} ({exc.strerror or exc})."
            ) from exc
    if written:
        click.echo(f"Wrote {len(written)} file{'s' if len(written) != 1 else ''}:", err=True)
        for path, rows in written:
            click.echo(f"  {path} ({rows} row{'s' if rows != 1 else ''})", err=True)
        say_plain(db_path(ctx), "the export")


# --- locate --------------------------------------------------------------------------


@main.command()
@db_option
@click.pass_context
def locate(ctx: click.Context) -> None:
    """Print the path of the database in use."""
    click.echo(str(db_path(ctx)))


if __name__ == "__main__":  # pragma: no cover
    main()
