"""``tracker patterns``: what went together, person by person, and urge-cued practice."""

from __future__ import annotations

import datetime as dt
import difflib
import sys
import textwrap

import click

from tracker import clock
from tracker.cli import db_option, open_store_or_exit
from tracker.models import ValidationError, parse_day
from tracker.text import one_line, terminal_safe_json, visible

TEXT_WIDTH = 80
"""The text output is wrapped to this width (it reads at 80 columns)."""


def _bad(message: str) -> None:
    """Bad input: one line, exit 2, nothing read or written."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def _date(name: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(parse_day(name, value))  # type: ignore[arg-type]
    except ValidationError as exc:
        _bad(str(exc))
        raise  # (not reached: _bad exits)


def _unknown_person(name: str, known: list[str]) -> str:
    shown = one_line(name)
    if not known:
        return f"--person: {shown!r} is not known; no one is named in a check-in or a rupture yet."
    close = difflib.get_close_matches(name.casefold(), [k.casefold() for k in known], n=1)
    hint = ""
    if close:
        match = next(k for k in known if k.casefold() == close[0])
        hint = f" Did you mean {one_line(match)!r}?"
    return (
        f"--person: {shown!r} is not one of the {len(known):,} people named in your "
        f"check-ins and ruptures.{hint} ('tracker patterns' lists them.)"
    )


def text_lines(paragraphs: list[tuple[str, str]], width: int = TEXT_WIDTH) -> list[str]:
    """Paragraphs as wrapped lines: headings flush, people under them, facts indented."""
    out: list[str] = []
    for kind, text in paragraphs:
        if kind == "heading":
            out += ["", text, "-" * len(text)]
        elif kind == "subheading":
            out += textwrap.wrap(text, width, initial_indent="  ", subsequent_indent="  ")
        elif kind == "item":
            out += textwrap.wrap(text, width, initial_indent="  - ", subsequent_indent="    ")
        else:
            out += textwrap.wrap(text, width)
    return out


@click.command()
@db_option
@click.option(
    "--since",
    metavar="YYYY-MM-DD",
    help="First day (default: your first check-in).",
)
@click.option("--until", metavar="YYYY-MM-DD", help="Last day (default: today).")
@click.option(
    "--person",
    metavar="NAME",
    help="Only this person (any case): their days with and without, and their figures.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print JSON: every comparison (shown or not) with both means and both n.",
)
@click.pass_context
def patterns(
    ctx: click.Context,
    since: str | None,
    until: str | None,
    person: str | None,
    as_json: bool,
) -> None:
    """Show what went together: days with and without each person, tag, emotion
    and pause, each person's urges and ruptures, and urge-cued practice.

    A comparison shows only with at least 3 days on each side, each day counting
    once (its mean). Side by side only: it shows what went together, not what
    caused what.
    """
    from tracker import patterns as found

    today = clock.today()
    start = _date("--since", since)
    end = _date("--until", until) or today
    if start is not None and start > end:
        _bad(f"--since: {start} is after --until ({end}); give a first day on or before it.")
    if person is not None and not person.strip():
        _bad("--person: an empty name is not allowed; give a person's name.")
    with open_store_or_exit(ctx, create=False) as store:
        known = store.people_names()
        name = None
        if person is not None:
            name = found.find_person(person, known)
            if name is None:
                _bad(_unknown_person(person, known))
        if start is None:
            first = store.first_checkin_day()
            start = min(dt.date.fromisoformat(first), end) if first else end
        facts = store.pattern_facts(start.isoformat(), end.isoformat())
    result = found.patterns(facts, today, person=name)
    if as_json:
        import json

        click.echo(terminal_safe_json(json.dumps(result.as_json(), ensure_ascii=False, indent=2)))
        return
    days = result.days
    title = f"Patterns · {_day(result.since)} to {_day(result.until)}"
    if name is not None:
        title = f"Patterns with {one_line(name)} · {_day(result.since)} to {_day(result.until)}"
    lines = [
        title,
        f"{days:,} day{'s' if days != 1 else ''}, {result.days_checked:,} with a check-in.",
        "",
        *text_lines(result.paragraphs()),
    ]
    click.echo(visible("\n".join(lines)))


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"
