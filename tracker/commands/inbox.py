"""``tracker inbox FILE``: absorb check-ins written one per line (see :mod:`tracker.inbox`;
the work is :mod:`tracker.absorb`'s, which ``tracker sync`` shares).

Good lines become check-ins in one transaction; only after the commit are they taken
out of the file, so a run killed at any moment loses nothing, and a line absorbed
twice (killed after the commit, before the file was rewritten) is the same check-in:
its id comes from its text. A line that is not understood is reported with its
number and what is wrong, and stays in the file to be corrected.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tracker import absorb
from tracker.cli import CannotUse, db_option, open_store_or_exit
from tracker.text import one_line


def fail(exc: absorb.InboxError) -> None:
    """An inbox that cannot be used: exit 3; one that is not text: exit 2."""
    if exc.exit_code == 2:
        click.echo(f"Error: {exc}", err=True)
        click.echo("Nothing was saved.", err=True)
        sys.exit(2)
    raise CannotUse(str(exc)) from None


def report(file: Path, found: absorb.Absorbed, *, dry_run: bool = False) -> None:
    """What absorbing did, and each line left to correct (on stderr)."""
    name = one_line(str(file))
    good, bad = found.good, found.bad
    if dry_run:
        click.echo(f"{name}: {len(good)} line(s) would be absorbed; nothing was changed.")
    elif good:
        again = len(good) - found.new
        extra = f" ({again} had been absorbed already)" if again else ""
        click.echo(
            f"Absorbed {found.new} check-in(s) from {name}{extra}; those lines are out of it."
        )
    elif not bad:
        click.echo(f"{name} has no check-ins to absorb.")
    for line in bad:
        click.echo(f"{name}, line {line.number}: {one_line(line.problem or '')}", err=True)
    if bad:
        click.echo(f"{len(bad)} line(s) left in {name} to correct.", err=True)


@click.command()
@db_option
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Say what would be absorbed; change nothing.")
@click.pass_context
def inbox(ctx: click.Context, file: Path, dry_run: bool) -> None:
    """Absorb FILE's check-ins, one per line, such as
    2026-11-28 21:10 m4 r3 p1 w0 #work @Sam "texted once"
    (the README's Inbox section has every part). Good lines leave the file once saved;
    a line that is not understood stays, and exits 2."""
    try:
        found = absorb.read(file)
        if found.good and not dry_run:
            with open_store_or_exit(ctx) as store:
                absorb.save(store, found)
            absorb.rewrite(file, [line.text for line in found.good])
    except absorb.InboxError as exc:
        fail(exc)
        return
    report(file, found, dry_run=dry_run)
    if found.bad:
        sys.exit(2)
