"""``tracker inbox FILE``: absorb check-ins written one per line (see :mod:`tracker.inbox`).

Good lines become check-ins in one transaction; only after the commit are they taken
out of the file, so a run killed at any moment loses nothing, and a line absorbed
twice (killed after the commit, before the file was rewritten) is the same check-in:
its id comes from its text. A line that is not understood is reported with its
number and what is wrong, and stays in the file to be corrected.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import click

from tracker.cli import CannotUse, db_option, open_store_or_exit
from tracker.inbox import read_inbox, without_lines
from tracker.text import one_line

MAX_INBOX_BYTES = 8 * 1024 * 1024


def _read(path: Path) -> str:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise CannotUse(f"{path}: there is no such file.") from None
    except OSError as exc:
        raise CannotUse(f"{path} cannot be read: {exc.strerror or exc}.") from None
    if stat.S_ISLNK(info.st_mode):
        raise CannotUse(f"{path} is a link; give the file itself (tracker rewrites it).")
    if not stat.S_ISREG(info.st_mode):
        raise CannotUse(f"{path} is not a plain file.")
    if info.st_size > MAX_INBOX_BYTES:
        raise CannotUse(f"{path} is larger than an inbox can be (8 MB); nothing was read.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CannotUse(f"{path} cannot be read: {exc.strerror or exc}.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        click.echo(f"Error: {path}: byte {exc.start + 1} is not UTF-8 text.", err=True)
        click.echo("Nothing was saved.", err=True)
        sys.exit(2)


def _rewrite(path: Path, absorbed: list[str]) -> None:
    """Take the absorbed lines out of the file as it is now (a sync engine may have
    added lines since it was read): every other line stays as written."""
    from tracker.files import FileRefused, private_file

    current = _read(path)
    remaining = without_lines(current, absorbed)
    if remaining == current:
        return
    try:
        with private_file(path, replace_ours=True) as handle:
            handle.write(remaining)
    except (FileRefused, OSError) as exc:
        raise CannotUse(
            f"The check-ins were saved, but {path} could not be rewritten ({exc}); "
            "running `tracker inbox` again takes them out without saving them twice."
        ) from None


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
    lines = read_inbox(_read(file))
    good = [line for line in lines if line.checkin is not None]
    bad = [line for line in lines if line.problem is not None]
    new = 0
    if good and not dry_run:
        with open_store_or_exit(ctx) as store:
            with store.write():  # one transaction for the whole inbox
                fresh = [
                    line.checkin
                    for line in good
                    if line.checkin is not None and store.get_checkin(line.checkin.id) is None
                ]
                if fresh:
                    store.save_checkins(fresh)
                new = len(fresh)
        _rewrite(file, [line.text for line in good])
    name = one_line(str(file))
    if dry_run:
        click.echo(f"{name}: {len(good)} line(s) would be absorbed; nothing was changed.")
    elif good:
        again = len(good) - new
        extra = f" ({again} had been absorbed already)" if again else ""
        click.echo(f"Absorbed {new} check-in(s) from {name}{extra}; those lines are out of it.")
    elif not bad:
        click.echo(f"{name} has no check-ins to absorb.")
    for line in bad:
        click.echo(f"{name}, line {line.number}: {one_line(line.problem or '')}", err=True)
    if bad:
        click.echo(f"{len(bad)} line(s) left in {name} to correct.", err=True)
        sys.exit(2)
