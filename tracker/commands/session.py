"""``tracker session add`` and ``tracker session list``: therapy sessions, past or
planned, and what is marked to bring to the next one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from tracker import clock
from tracker.cli import db_option, fail_validation, open_store_or_exit
from tracker.days import plural
from tracker.models import Session, ValidationError
from tracker.text import one_line, terminal_safe_json, visible

DAY_WORDS = {"today": 0, "tomorrow": 1, "yesterday": -1}


def parse_session_day(text: str | None) -> str:
    """``today``, ``tomorrow``, ``yesterday`` or the text as given (checked by models)."""
    if text is None:
        return clock.today().isoformat()
    offset = DAY_WORDS.get(text.strip().lower())
    if offset is not None:
        return (clock.today() + dt.timedelta(days=offset)).isoformat()
    return text


@click.group()
def session() -> None:
    """Therapy sessions, past or planned, and what to bring to the next one."""


@session.command()
@db_option
@click.argument("day", required=False, metavar="[DATE]")
@click.option(
    "--agenda", metavar="TEXT", help='One thing you want to talk about ("the quiet after dinner").'
)
@click.option("--note", metavar="TEXT", help="A note about the session, in your own words.")
@click.pass_context
def add(ctx: click.Context, day: str | None, agenda: str | None, note: str | None) -> None:
    """Record a session on DATE (YYYY-MM-DD, today, tomorrow or yesterday; default
    today), past or planned.

    If a session is already recorded on that day, the agenda and note given here
    change it instead of adding a second one.
    """
    values: dict[str, Any] = {"day": parse_session_day(day)}
    try:
        checked = Session.create(values, agenda=agenda, note=note)
    except ValidationError as exc:
        fail_validation(exc)
        return
    with open_store_or_exit(ctx) as store:
        with store.write():
            same_day = [s for s in store.sessions(since=checked.day, until=checked.day)]
            if same_day:
                old = same_day[0]
                changes: dict[str, Any] = {"updated_at": clock.now_iso()}
                if agenda is not None:
                    changes["agenda"] = agenda
                if note is not None:
                    changes["note"] = note
                saved = Session.create(old.to_row(), **changes)
            else:
                saved = checked
            store.save_session(saved)
        from tracker.agenda import count_words, waiting_marks

        waiting = waiting_marks(store)
    verb = "Updated the" if same_day else "Recorded a"
    kind = {"past": "session", "today": "session today", "planned": "planned session"}[saved.kind()]
    click.echo(f"{verb} {kind} on {_long_day(saved.day)}.")
    if saved.agenda:
        click.echo(f"  agenda: {one_line(saved.agenda)}")
    if saved.note:
        click.echo(f"  note: {visible(saved.note, tabs=False)}")
    if waiting and saved.kind() != "past":
        click.echo(f"Marked to bring: {count_words(waiting)}.")


def _long_day(day: str) -> str:
    d = dt.date.fromisoformat(day)
    return f"{d:%A} {d.day} {d:%B %Y}"


@session.command(name="list")
@db_option
@click.option(
    "--json", "as_json", is_flag=True, help='Print JSON: {"sessions": [...], "waiting": [...]}.'
)
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """Every session, earliest first, with what was brought to it, and what is
    marked to bring to the next one."""
    from tracker.agenda import count_words, next_words, session_context, session_when

    with open_store_or_exit(ctx, create=False) as store:
        context = session_context(store)
    today = context.today
    if as_json:
        import json  # here, not at the top: only --json needs it

        def item(i: Any) -> dict[str, Any]:
            return {
                "kind": i.mark.kind,
                "id": i.mark.record_id,
                "day": i.day,
                "marked_on": i.mark.marked_on,
            }

        payload = {
            "sessions": [
                {
                    **s.to_row(),
                    "kind": s.kind(today),
                    "brought": [item(i) for i in context.brought.get(s.id, ())],
                }
                for s in context.sessions
            ],
            "waiting": [item(i) for i in context.waiting],
        }
        click.echo(terminal_safe_json(json.dumps(payload, ensure_ascii=False, indent=2)))
        return
    if not context.sessions:
        click.echo(
            "No sessions recorded yet. 'tracker session add DATE' records one, past or planned."
        )
    for s in context.sessions:
        kind = s.kind(today)
        label = {"past": "", "today": "  (today)", "planned": "  (planned)"}[kind]
        click.echo(f"{s.day}  {session_when(s, today)}{label}  {s.id[:8]}")
        if s.agenda:
            click.echo(f"  agenda: {one_line(s.agenda)}")
        if s.note:
            click.echo("  note: " + visible(s.note, tabs=False).replace("\n", "\n    "))
        brought = context.brought.get(s.id, ())
        if brought:
            click.echo(f"  brought {count_words([i.mark for i in brought])}")
            for i in brought:
                click.echo(f"    - {one_line(i.line(today))}")
    if context.sessions:
        click.echo(f"{plural(len(context.sessions), 'session')}.")
    if context.waiting:
        where = next_words(context.next, today)
        click.echo(f"Marked to bring to {where}: {count_words(context.waiting_marks)}.")
        for i in context.waiting:
            click.echo(f"  - {one_line(i.line(today))}")
    elif context.sessions:
        click.echo("Nothing is marked to bring yet ('tracker add ... --bring', or b in the app).")
