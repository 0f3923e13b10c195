"""``tracker words``: list, rename, merge and hide emotions, people and tags.

Every change is one transaction. A change that cannot be made (an unknown kind or
name, a rename onto a name there is, a merge into itself) is one line on stderr,
exit 2, and nothing written.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

import click

from tracker.cli import db_option, open_store_or_exit
from tracker.days import plural
from tracker.text import one_line, terminal_safe_json

if TYPE_CHECKING:
    from tracker.store import Store, Word, WordRefused

KINDS_HELP = "KIND is emotions, people or tags."


def _refuse(exc: WordRefused, hint: str = "") -> NoReturn:
    click.echo(f"Error: {one_line(str(exc))}{hint} Nothing was changed.", err=True)
    sys.exit(2)


def _kind(kind: str) -> str:
    from tracker.store import WordRefused
    from tracker.store.names import check_kind

    try:
        return check_kind(kind)
    except WordRefused as exc:
        _refuse(exc)


def _quoted(name: str) -> str:
    return f"'{one_line(name)}'"


def _uses(word: Word) -> str:
    """ "3 check-ins", and for a person " and 1 rupture"."""
    text = plural(word.checkins, "check-in")
    if word.ruptures:
        text += f" and {plural(word.ruptures, 'rupture')}"
    return text


@click.group()
def words() -> None:
    """Emotions, people and tags: list them, rename, merge or hide them.

    Names match whatever their case ('sam' is 'Sam'). Hidden words stay on the
    check-ins and ruptures that name them, and leave the suggestions.
    """


@words.command(name="list")
@db_option
@click.option("--kind", metavar="KIND", help="Only emotions, people or tags.")
@click.option("--json", "as_json", is_flag=True, help='Print JSON: {"emotions": [...], ...}.')
@click.pass_context
def list_(ctx: click.Context, kind: str | None, as_json: bool) -> None:
    """Every word of each kind, most used first, with how often it is used."""
    from tracker.store import WORD_KINDS

    kinds = [_kind(kind)] if kind is not None else list(WORD_KINDS)
    with open_store_or_exit(ctx, create=False) as store:
        found = {k: store.words(k) for k in kinds}
    if as_json:
        import json  # here, not at the top: only --json needs it

        payload = {
            k: [
                {
                    "name": w.name,
                    "checkins": w.checkins,
                    **({"ruptures": w.ruptures} if k == "people" else {}),
                    "uses": w.uses,
                    "hidden": w.hidden,
                    **({"shipped": w.shipped} if k == "emotions" else {}),
                }
                for w in ws
            ]
            for k, ws in found.items()
        }
        click.echo(terminal_safe_json(json.dumps(payload, ensure_ascii=False, indent=2)))
        return
    for k, ws in found.items():
        hidden = sum(1 for w in ws if w.hidden)
        heading = f"{k.capitalize()} ({len(ws):,}"
        click.echo(heading + (f", {hidden:,} hidden from suggestions)" if hidden else ")"))
        if not ws:
            click.echo("  none yet")
        width = min(30, max((len(one_line(w.name)) for w in ws), default=0))
        digits = max((len(f"{w.checkins:,}") for w in ws), default=1)
        for w in ws:
            uses = _uses(w)
            count, _, rest = uses.partition(" ")
            line = f"  {one_line(w.name):<{width}}  {count:>{digits}} {rest}"
            click.echo(line + ("  (hidden)" if w.hidden else ""))


def _shipped(store: Store, kind: str, name: str) -> bool:
    """Whether ``name`` is an emotion word tracker came with."""
    word = store.find_word(kind, name) if kind == "emotions" else None
    return word is not None and word.shipped


@words.command()
@db_option
@click.argument("kind")
@click.argument("old")
@click.argument("new")
@click.pass_context
def rename(ctx: click.Context, kind: str, old: str, new: str) -> None:
    """Rename the word OLD to NEW on every record that names it. KIND is emotions,
    people or tags.

    NEW must not be another word already (merge the two instead). Renaming only its
    case ('sam' to 'Sam') is fine.
    """
    from tracker.store import WordRefused

    kind = _kind(kind)
    with open_store_or_exit(ctx, create=False) as store:
        shipped = _shipped(store, kind, old)
        try:
            before, after = store.rename_word(kind, old, new)
        except WordRefused as exc:
            hint = ""
            if exc.reason == "taken":
                other = _quoted(exc.other or "")
                hint = f" (tracker words merge {kind} {_quoted(old.strip())} {other})"
            _refuse(exc, hint)
        word = store.find_word(kind, after)
    if before == after:
        click.echo(f"{_quoted(after)} is already spelled that way; nothing changed.")
        return
    uses = f" (on {_uses(word)})" if word is not None else ""
    click.echo(f"Renamed {_quoted(before)} to {_quoted(after)}{uses}.")
    if shipped:
        click.echo(
            f"{_quoted(before)} came with tracker; renamed, it is a word of your own now. "
            "(To keep a word out of the suggestions without renaming it, hide it: "
            "tracker words hide emotions NAME.)"
        )


@words.command()
@db_option
@click.argument("kind")
@click.argument("names", nargs=-1, required=True, metavar="FROM... INTO")
@click.pass_context
def merge(ctx: click.Context, kind: str, names: tuple[str, ...]) -> None:
    """Merge the words FROM into INTO (the last name given): every record that named
    one of them names INTO instead, once, and the merged words are removed. KIND is
    emotions, people or tags."""
    from tracker.store import WordRefused

    kind = _kind(kind)
    if len(names) < 2:
        click.echo(
            "Error: name the words to merge and then the word to merge them into "
            "(tracker words merge KIND FROM... INTO). Nothing was changed.",
            err=True,
        )
        sys.exit(2)
    *sources, into = names
    with open_store_or_exit(ctx, create=False) as store:
        try:
            merged_names, _ = store.merge_words(kind, sources, into)
        except WordRefused as exc:
            _refuse(exc)
        word = store.find_word(kind, into)
    assert word is not None
    merged = ", ".join(_quoted(name) for name in merged_names)
    click.echo(f"Merged {merged} into {_quoted(word.name)}, now on {_uses(word)}.")


def _hide(ctx: click.Context, kind: str, name: str, hidden: bool) -> None:
    from tracker.store import WordRefused

    kind = _kind(kind)
    with open_store_or_exit(ctx, create=False) as store:
        try:
            word = store.set_word_hidden(kind, name, hidden)
        except WordRefused as exc:
            _refuse(exc)
    if hidden:
        click.echo(
            f"Hidden {_quoted(word.name)} from the suggestions; it stays where it is used "
            f"({_uses(word)})."
        )
    else:
        click.echo(f"{_quoted(word.name)} is suggested again.")


@words.command()
@db_option
@click.argument("kind")
@click.argument("name")
@click.option("--undo", is_flag=True, help="Show it in the suggestions again (as unhide).")
@click.pass_context
def hide(ctx: click.Context, kind: str, name: str, undo: bool) -> None:
    """Leave the word NAME out of the suggestions; the records that name it keep it.
    KIND is emotions, people or tags."""
    _hide(ctx, kind, name, not undo)


@words.command()
@db_option
@click.argument("kind")
@click.argument("name")
@click.pass_context
def unhide(ctx: click.Context, kind: str, name: str) -> None:
    """Suggest the word NAME again. KIND is emotions, people or tags."""
    _hide(ctx, kind, name, False)
