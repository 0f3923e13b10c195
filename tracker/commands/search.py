"""``tracker search``: find check-ins, ruptures and experiments by the words in them."""

from __future__ import annotations

import datetime as dt
import sys

import click

from tracker.cli import db_option, open_store_or_exit
from tracker.days import plural
from tracker.text import terminal_safe_json, visible

KIND_WORDS = {"checkin": "check-in", "rupture": "rupture", "experiment": "experiment"}


def _since(value: str | None) -> str | None:
    """``--since`` as an ISO day; a bad one ends the command with one line, exit 2."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        click.echo(f"Error: --since: {visible(value)!r} is not a date; use YYYY-MM-DD.", err=True)
        sys.exit(2)


def _one_line(text: str) -> str:
    return " ".join(visible(text).split())


@click.command()
@db_option
@click.argument("words", nargs=-1, required=True)
@click.option("--since", metavar="YYYY-MM-DD", help="Only records of this day or later.")
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(1, 100_000),
    metavar="N",
    help="At most this many, best first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one array of objects).")
@click.pass_context
def search(
    ctx: click.Context, words: tuple[str, ...], since: str | None, limit: int, as_json: bool
) -> None:
    """Find check-ins, ruptures and experiments by the WORDS in them.

    Looks in needs and notes, in what happened, and in what you learned and the
    outcome. Every word must be there, each as the start of a word ('call' finds
    'called'); case and accents do not matter. Best matches first, each with its
    day and a snippet.
    """
    from tracker.store.search import match_expression

    day = _since(since)
    text = " ".join(words)
    with open_store_or_exit(ctx) as store:
        hits = store.search(text, since=day, limit=limit, marks=("", "") if as_json else ("[", "]"))
    if as_json:
        import json  # here, not at the top: only --json needs it

        payload = [
            {"rank": n, "kind": h.kind, "id": h.id, "day": h.day, "snippet": h.snippet}
            for n, h in enumerate(hits, start=1)
        ]
        click.echo(terminal_safe_json(json.dumps(payload, ensure_ascii=False, indent=2)))
        return
    asked = f"'{_one_line(text)}'" + (f" since {day}" if day else "")
    if match_expression(text) is None:
        click.echo(f"Nothing to search for in {asked}: search finds words (letters or digits).")
        return
    if not hits:
        click.echo(f"Nothing matches {asked}.")
        return
    width = max(len(KIND_WORDS[h.kind]) for h in hits)
    for h in hits:
        click.echo(f"{h.day}  {KIND_WORDS[h.kind]:<{width}}  {_one_line(h.snippet)}")
    more = " (the best ones; --limit shows more)" if len(hits) == limit else ""
    click.echo(f"{plural(len(hits), 'match', 'matches')} for {asked}{more}, best first.")
