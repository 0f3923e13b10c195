"""``tracker week``: the week as a diary card, and its hard moments, from the shell."""

from __future__ import annotations

import datetime as dt
import os
import sys

import click

from tracker import clock
from tracker.cli import db_option, open_store_or_exit
from tracker.models import ValidationError, parse_day
from tracker.week import HARD_MOMENT_DEFINITION, MAX_WEEKS

TEXT_WIDTH = 80
"""Legend and insight width when printing to a file or a pipe."""


def _bad(message: str) -> None:
    """Bad input: one line, exit 2, nothing read or written."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def _day(value: str | None) -> dt.date:
    if value is None:
        return clock.today()
    try:
        return dt.date.fromisoformat(parse_day("--date", value))  # type: ignore[arg-type]
    except ValidationError as exc:
        _bad(str(exc))
        raise  # (not reached: _bad exits)


def _weeks(value: str) -> int:
    text = value.strip()
    if not text.isdecimal() or not 1 <= int(text) <= MAX_WEEKS:
        from tracker.text import one_line

        _bad(
            f"--weeks: {one_line(value)!r} is not allowed; use a whole number from 1 to "
            f"{MAX_WEEKS}."
        )
    return int(text)


def _use_colour(flag: bool | None) -> bool:
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@click.command()
@db_option
@click.option(
    "--date",
    "date",
    metavar="YYYY-MM-DD",
    help="A day of the week to show (the last one, with --weeks); default today.",
)
@click.option(
    "--weeks",
    "weeks",
    metavar="N",
    default="1",
    show_default=True,
    help=f"How many weeks, ending with that one (1 to {MAX_WEEKS}).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print JSON: the same grid, days without a check-in as null.",
)
@click.option(
    "--color/--no-color",
    "colour",
    default=None,
    help="Colour codes (default: only when printing to a terminal, and not when NO_COLOR is set).",
)
@click.pass_context
def week(
    ctx: click.Context, date: str | None, weeks: str, as_json: bool, colour: bool | None
) -> None:
    """Print the week as a diary card: a row a day, Monday to Sunday.

    Mood and regulation are the day's mean; intensity and the urges its highest;
    * marks an urge acted on. Days without a check-in are gaps. Under the grid:
    the hard moments of those weeks (check-ins with an urge of 3 or more).
    """
    from tracker import weekcard
    from tracker.week import week_starts

    last = _day(date)
    count = _weeks(weeks)
    today = clock.today()
    starts = week_starts(last, count)
    since, until, period, before = weekcard.weeks_period(starts, today)
    with open_store_or_exit(ctx, create=False) as store:
        grids = weekcard.load_weeks(store, starts, today)
        words, current, previous = weekcard.hard_moments_text(store, since, until, period, before)
    if as_json:
        import json

        from tracker.text import terminal_safe_json

        payload = {
            "weeks": [g.as_json() for g in grids],
            "hard_moments": {
                **current.as_json(),
                "words": words,
                "before": previous.as_json() if previous else None,
            },
            "definitions": {
                "week_starts": "Monday",
                "hard_moment": HARD_MOMENT_DEFINITION,
                "day": "mood and regulation: the mean of the day's check-ins; "
                "intensity, pursue and withdraw: the day's highest; "
                "acted and paused: yes if any check-in said yes",
            },
        }
        click.echo(terminal_safe_json(json.dumps(payload, ensure_ascii=False, indent=2)))
        return
    ink = weekcard.Ink(_use_colour(colour))
    width = max(weekcard.grid_width(weekcard.WIDE_EMOTION_WIDTH), TEXT_WIDTH)
    out: list[str] = []
    for grid in grids:
        out += [
            weekcard.ansi(line, ink)
            for line in weekcard.grid_lines(grid, today, weekcard.WIDE_EMOTION_WIDTH)
        ]
        out.append("")
    out += [weekcard.ansi(line, ink) for line in weekcard.legend_lines(width)]
    out.append("")
    out += weekcard.wrap(words, width)
    out += weekcard.wrap(HARD_MOMENT_DEFINITION, width)
    click.echo("\n".join(out), color=ink.enabled)
