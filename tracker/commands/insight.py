"""``tracker chart`` and ``tracker report``: the trends of the app, on the command line."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import click

from tracker import clock
from tracker.cli import CannotUse, db_option, db_path, open_store_or_exit, say_plain
from tracker.models import ValidationError, parse_day
from tracker.text import visible

CHART_METRICS = (
    "regulation",
    "mood",
    "intensity",
    "urges",
    "emotions",
    "people",
    "tags",
    "names",
    "calendar",
    "experiments",
)
ALIASES = {"pursue": "urges", "withdraw": "urges", "reg": "regulation"}
DEFAULT_WIDTH = 80
"""Chart width when printing to a file or a pipe and --width is not given."""


def _parse_date(name: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(parse_day(name, value, allow_future=True))  # type: ignore[arg-type]
    except ValidationError as exc:
        raise click.BadParameter(
            f"{exc.value!r} is not allowed; use {exc.allowed}.", param_hint=name
        ) from None


def _use_colour(flag: bool | None) -> bool:
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@click.command()
@db_option
@click.argument(
    "metric", type=click.Choice([*CHART_METRICS, *ALIASES], case_sensitive=False), metavar="METRIC"
)
@click.option(
    "--days",
    type=click.IntRange(1, 100_000),
    metavar="N",
    help="The last N days, today included (default 90).",
)
@click.option("--since", metavar="YYYY-MM-DD", help="From this day to today.")
@click.option(
    "--width",
    type=click.IntRange(30, 1000),
    metavar="W",
    help="Width in characters (default: the terminal's, at most 120; 80 when "
    "printing to a file or a pipe).",
)
@click.option(
    "--height",
    type=click.IntRange(6, 200),
    metavar="H",
    default=18,
    show_default=True,
    help="Height in lines.",
)
@click.option(
    "--color/--no-color",
    "colour",
    default=None,
    help="Colour codes (default: only when printing to a terminal, and not when NO_COLOR is set).",
)
@click.pass_context
def chart(
    ctx: click.Context,
    metric: str,
    days: int | None,
    since: str | None,
    width: int | None,
    height: int,
    colour: bool | None,
) -> None:
    """Print a chart of METRIC: regulation, mood, intensity, urges, emotions,
    people, tags, names, calendar or experiments.

    Days without a check-in are gaps; several check-ins on one day are averaged.
    Without a terminal (piped or redirected) there are no colour codes, so the
    chart can be pasted anywhere.
    """
    from tracker import analytics, charts
    from tracker.report import load_snapshot

    metric = ALIASES.get(metric.lower(), metric.lower())
    if days is not None and since is not None:
        raise click.UsageError("Use --days or --since, not both.")
    today = clock.today()
    start = _parse_date("--since", since)
    if start is None:
        start = today - dt.timedelta(days=(days or 90) - 1)
    if start > today:
        raise click.BadParameter(f"{start} is after today ({today}).", param_hint="--since")
    if width is None:
        # --width always wins; without it, a terminal's width (at most 120), else 80.
        width = (
            min(shutil.get_terminal_size((80, 24)).columns, 120)
            if sys.stdout.isatty()
            else DEFAULT_WIDTH
        )
    with open_store_or_exit(ctx, create=False) as store:
        snap = load_snapshot(store, today)
        rows = snap.rows_between(start - dt.timedelta(days=analytics.ROLLING_WINDOW - 1), today)
        title = _range_title(start, today)
        built: charts.Chart
        if metric in ("regulation", "mood", "intensity"):
            built = charts.metric_chart(rows, metric, start, today, snap.marks())
            heading = f"{metric.capitalize()} · {title}"
        elif metric == "urges":
            built = charts.urges_chart(rows, start, today, snap.marks())
            heading = f"Urges to pursue and to withdraw · {title}"
        elif metric in ("emotions", "people", "tags", "names"):
            kinds = ("emotions", "people", "tags") if metric == "names" else (metric,)
            counts = {
                kind.capitalize(): store.name_counts(kind, start.isoformat(), today.isoformat())
                for kind in kinds
            }
            built = charts.names_chart(counts)
            heading = f"Named most often · {title}"
        elif metric == "calendar":
            first, _ = charts.calendar_range(today)
            built = charts.calendar_chart(snap.rows_between(first, today), "regulation", today)
            heading = charts.calendar_heading("regulation", today)
        else:
            running = sorted(
                (e for e in snap.experiments if analytics.overlaps(e, start, today)),
                key=lambda e: (e.started_on, e.created_at),
                reverse=True,
            )
            logs: dict[str, list[Any]] = {}
            for log in snap.logs:
                logs.setdefault(log.experiment_id, []).append(log)
            progress = [analytics.experiment_progress(e, logs.get(e.id, [])) for e in running]
            built = charts.experiments_chart(
                progress, logs.get(running[0].id, []) if running else []
            )
            heading = f"Experiments · {title}"
    use_colour = _use_colour(colour)
    click.echo(heading)
    click.echo(charts.render(built, width, height, color=use_colour), color=use_colour)


def _range_title(since: dt.date, until: dt.date) -> str:
    from tracker.analytics import plural

    days = (until - since).days + 1
    return f"{since.day} {since:%b %Y} to {until.day} {until:%b %Y} ({plural(days, 'day')})"


@click.command()
@db_option
@click.option(
    "--since",
    metavar="YYYY-MM-DD",
    help="First day (default: the day of your last session, else 30 days before --until).",
)
@click.option("--until", metavar="YYYY-MM-DD", help="Last day (default: today).")
@click.option(
    "--since-last-session",
    "since_session",
    is_flag=True,
    help="From the day of your last session (the default when there is one).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html"]),
    default="markdown",
    show_default=True,
    help="html: one self-contained page to print or save as PDF, with vector charts.",
)
@click.option(
    "--no-notes",
    "no_notes",
    is_flag=True,
    help="Leave out everything you wrote in your own words (notes, needs, what "
    "happened, the prediction and the other way it could go, how you'll know, what "
    "you'll drop, outcome, what you learned, the agenda), for sharing.",
)
@click.option(
    "--out",
    "out",
    metavar="FILE",
    type=click.Path(path_type=Path),
    help="Write the report to this new file (an existing file is never replaced). "
    "Without it, or with -, the report is printed.",
)
@click.option(
    "--open",
    "open_it",
    is_flag=True,
    help="Open the report in your web browser (implies --format html; without "
    "--out, it is written to a new file here).",
)
@click.pass_context
def report(
    ctx: click.Context,
    since: str | None,
    until: str | None,
    since_session: bool,
    fmt: str,
    no_notes: bool,
    out: Path | None,
    open_it: bool,
) -> None:
    """Write a report of a period, for yourself, a therapist or a caregiver.

    It opens with what the session needs: what you marked to bring and the agenda,
    ruptures not yet repaired, experiments to look at, and the hardest day. Then
    consistency, averages against the period before, charts, experiments with their
    prediction, outcome and learning, ruptures and repairs, and the emotions and
    needs named most. A record of practice, not an assessment.

    When a session is recorded, the report covers the days since the last one
    (from its day to today) unless you say otherwise.
    """
    from tracker.agenda import last_session
    from tracker.report import DEFAULT_DAYS, build_report

    if since_session and since is not None:
        raise click.UsageError("Use --since or --since-last-session, not both.")
    if out is not None and str(out) == "-":  # the usual name for standard output
        if open_it:
            raise click.UsageError("--open needs a file to open: give --out FILE, not -.")
        out = None
    if open_it:
        fmt = "html"
    today = clock.today()
    end = _parse_date("--until", until) or today
    start = _parse_date("--since", since)
    if start is not None and start > end:
        raise click.UsageError(f"--since ({start}) is after --until ({end}).")
    if end > today:
        raise click.UsageError(f"--until ({end}) is after today ({today}).")
    if out is not None:
        _check_report_target(out)
    with open_store_or_exit(ctx, create=False) as store:
        session = None
        if start is None:
            session = last_session(store.sessions(), before=end)
            if session is None and since_session:
                raise click.UsageError(
                    f"There is no session before {end} to start from. 'tracker session add "
                    "DATE' records one (past or planned), or give --since."
                )
            start = (
                dt.date.fromisoformat(session.day)
                if session is not None
                else end - dt.timedelta(days=DEFAULT_DAYS - 1)
            )
        if fmt == "html":
            from tracker.printable import html_report

            text = html_report(store, start, end, notes=not no_notes, session=session)
        else:
            text = build_report(store, start, end, notes=not no_notes, session=session)
    if out is None and open_it:
        out = _new_report_path(start, end)
    if out is None:
        click.echo(text, nl=False)
        return
    from tracker.files import FileRefused, private_file, remove_stale_temporaries

    remove_stale_temporaries(out.parent, lambda name: name == out.name)  # a killed report's
    try:
        with private_file(out) as handle:
            handle.write(text)
    except FileRefused as exc:
        raise CannotUse(str(exc)) from None
    except OSError as exc:
        raise CannotUse(
            f"The report could not be written to {out} ({exc.strerror or exc}). "
            "Nothing was written."
        ) from None
    since_words = f" (since your session on {start})" if session is not None else ""
    click.echo(
        f"Wrote the report for {start} to {end}{since_words} to {visible(str(out))}.", err=True
    )
    say_plain(db_path(ctx), "the report")
    if open_it:
        import webbrowser

        if not webbrowser.open(out.resolve().as_uri()):
            click.echo(
                f"Could not open a web browser here; open {visible(str(out))} yourself.", err=True
            )


def _check_report_target(out: Path) -> None:
    """``--out`` must be a new file in a folder that exists (exit 3 if it cannot be)."""
    if out.exists() or out.is_symlink():
        raise CannotUse(
            f"{out} already exists and was not changed. Choose a new file name, or move "
            "the old report first."
        )
    if not out.parent.is_dir():
        raise CannotUse(f"The folder {out.parent} does not exist; nothing was written.")


def _new_report_path(since: dt.date, until: dt.date) -> Path:
    """``tracker-report-<since>-to-<until>.html`` here, or ``-2``, ``-3``... if taken."""
    base = Path.cwd() / f"tracker-report-{since}-to-{until}"
    path, n = base.with_suffix(".html"), 1
    while path.exists() or path.is_symlink():
        n += 1
        path = base.with_name(f"{base.name}-{n}.html")
    return path
