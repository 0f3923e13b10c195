"""``tracker sync DIR``: sync this database with other devices through a folder that a
sync engine carries (the work is :mod:`tracker.syncdir`'s); ``--conflicts`` lists
the records that were changed on two devices between syncs."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from tracker import absorb
from tracker.cli import CannotUse, db_option, open_store_or_exit
from tracker.commands.inbox import report
from tracker.text import one_line

KIND_WORDS = {
    "checkins": ("check-in", "check-ins"),
    "experiments": ("experiment", "experiments"),
    "practice_logs": ("practice log", "practice logs"),
    "ruptures": ("rupture", "ruptures"),
    "supports": ("support entry", "support entries"),
    "sessions": ("session", "sessions"),
    "bring_marks": ("mark to bring to a session", "marks to bring to a session"),
}


def _count(n: int, kind: str) -> str:
    one, many = KIND_WORDS.get(kind, ("record", "records"))
    return f"{n} {one if n == 1 else many}"


@click.command()
@db_option
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@click.option(
    "--conflicts",
    "show_conflicts",
    is_flag=True,
    help="List the records changed on two devices between syncs, and which version was "
    "kept (no sync is made).",
)
@click.pass_context
def sync(ctx: click.Context, folder: Path | None, show_conflicts: bool) -> None:
    """Sync with your other devices through FOLDER, a folder that Syncthing, Dropbox,
    a git repository or another sync engine carries.

    Each device writes only its own file there (FOLDER/tracker-sync/<device>.json)
    and reads the others'; for each record the newest version wins, and a deletion
    beats an older edit. An encrypted database seals its file (AES-256-GCM) with the
    folder's key, which FOLDER/tracker-sync/folder.key keeps wrapped with a passphrase
    for the folder: chosen on the first device, asked once on each other one
    (TRACKER_SYNC_PASSPHRASE_COMMAND may print it).

    FOLDER/inbox.txt, if there, is absorbed first (as `tracker inbox`). Running it
    again changes nothing. The database itself is never written into FOLDER.
    """
    if show_conflicts:
        with open_store_or_exit(ctx, create=False) as store:
            rows = store.sync_conflicts()
        _list_conflicts(rows)
        return
    if folder is None:
        raise click.UsageError("Give the sync folder: tracker sync DIR.")
    from tracker.syncdir import INBOX, SyncError, sync_folder, synced_folder_warning
    from tracker.unlocking import UnlockProblem

    with open_store_or_exit(ctx) as store:
        warning = synced_folder_warning(store.path, folder)
        if warning:
            click.echo(one_line(warning), err=True)
        inbox = _absorb_inbox(store, folder / INBOX)
        try:
            outcome = sync_folder(
                store,
                folder,
                warn=lambda text: click.echo(one_line(text), err=True),
                passphrases=folder_passphrases(folder),
            )
        except SyncError as exc:
            if exc.exit_code == 2:
                click.echo(f"Error: {one_line(str(exc))}", err=True)
                sys.exit(2)
            raise CannotUse(one_line(str(exc))) from None
        except UnlockProblem as exc:
            text = one_line(str(exc)).removesuffix(" Nothing was changed.")
            if exc.code == 2:
                click.echo(f"Error: {text} Nothing was synced.", err=True)
                sys.exit(2)
            raise CannotUse(f"{text} Nothing was synced.") from None
    _summary(folder, outcome)
    if inbox is not None and inbox.bad:
        sys.exit(2)


SYNC_PASSPHRASE_COMMAND = "TRACKER_SYNC_PASSPHRASE_COMMAND"


def folder_passphrases(folder: Path) -> Any:
    """The folder's passphrase, when sealing needs it: printed by the command in
    ``TRACKER_SYNC_PASSPHRASE_COMMAND``, else asked at the terminal (three tries to
    open the folder's key; a new one typed twice)."""
    from tracker import unlocking
    from tracker.syncdir import Passphrases

    name = one_line(str(folder))
    command = bool(os.environ.get(SYNC_PASSPHRASE_COMMAND, "").strip())
    told: list[bool] = []

    def given() -> str | None:
        return unlocking.from_command(SYNC_PASSPHRASE_COMMAND)

    def join() -> str:
        passphrase = given()
        if passphrase is not None:
            return passphrase
        if not unlocking.terminal_available():
            raise unlocking.UnlockProblem(
                f"{name} is sealed with a passphrase of its own (the folder's), which this "
                "device has not been given yet, and there is no terminal to ask for it on: "
                f"run 'tracker sync' once in a terminal, or set {SYNC_PASSPHRASE_COMMAND} to "
                "a command that prints it."
            )
        if not told:
            told.append(True)
            click.echo(
                f"{name} is sealed: its files are encrypted with a key that its passphrase "
                "opens (chosen when the folder was first sealed). This device asks for it "
                "once, and keeps the key in its encrypted database.",
                err=True,
            )
        return unlocking.ask(f"Passphrase of the sync folder {name}: ")

    def choose() -> str:
        passphrase = given()
        if passphrase is not None:
            return passphrase
        if not unlocking.terminal_available():
            raise unlocking.UnlockProblem(
                f"This database is encrypted, so what it writes in {name} is sealed, with a "
                "passphrase for the folder that has not been chosen yet, and there is no "
                f"terminal to choose it on: run 'tracker sync' once in a terminal, or set "
                f"{SYNC_PASSPHRASE_COMMAND} to a command that prints it."
            )
        click.echo(
            f"This database is encrypted, so what it writes in {name} is sealed too. Choose a "
            "passphrase for the folder: each of your other devices asks for it once, the "
            "first time it syncs there.",
            err=True,
        )
        first = unlocking.ask("New passphrase for the sync folder: ")
        if not first:
            raise unlocking.UnlockProblem(
                "An empty passphrase is not allowed; run 'tracker sync' again to choose one.", 2
            )
        if unlocking.ask("The same again, to be sure: ") != first:
            raise unlocking.UnlockProblem(
                "The two passphrases differ; run 'tracker sync' again to choose one.", 2
            )
        return first

    def wrong() -> None:
        click.echo("That passphrase does not open the folder's key; try again.", err=True)

    return Passphrases(
        join=join,
        choose=choose,
        tries=1 if command else unlocking.TRIES,
        wrong=wrong,
        source=SYNC_PASSPHRASE_COMMAND if command else "",
    )


def _absorb_inbox(store: Any, path: Path) -> absorb.Absorbed | None:
    """``DIR/inbox.txt``, absorbed when it is there (its own transaction: its check-ins
    then travel with this sync)."""
    import os

    if not os.path.lexists(path):
        return None
    try:
        found = absorb.absorb(store, path)
    except absorb.InboxError as exc:
        if exc.exit_code == 2:
            click.echo(f"Error: {one_line(str(exc))}", err=True)
            click.echo("Nothing was synced.", err=True)
            sys.exit(2)
        raise CannotUse(f"{one_line(str(exc))} Nothing was synced.") from None
    if found.good or found.bad:
        report(path, found)
    return found


def _summary(folder: Path, outcome: Any) -> None:
    merge = outcome.merge
    others = len({p for p in outcome.read if p != outcome.own_file})
    name = one_line(str(folder))
    parts = []
    if merge.added:
        parts.append(f"{merge.added} new")
    if merge.updated:
        parts.append(f"{merge.updated} changed")
    deleted = sum(len(v) for v in merge.deletes.values())
    if deleted:
        parts.append(f"{deleted} deleted")
    files = (
        "no other device's file yet"
        if not others
        else "1 other device's file"
        if others == 1
        else f"{others} other devices' files"
    )
    if parts:
        click.echo(f"Synced through {name} ({files}): {', '.join(parts)} here.")
    else:
        click.echo(f"Synced through {name} ({files}): nothing new here.")
    own = one_line(str(outcome.own_file))
    if outcome.wrote_file:
        click.echo(f"This device's file is written: {own}.")
    else:
        click.echo(f"This device's file is as it was: {own}.")
    for note in outcome.notes:
        click.echo(one_line(note))
    if merge.conflicts:
        n = len(merge.conflicts)
        click.echo(
            f"{n} record{' was' if n == 1 else 's were'} changed here and on another device "
            "since the last sync; the newer version of each is kept. "
            "'tracker sync --conflicts' lists them."
        )


def _when(stamp: str) -> str:
    return f"{stamp[:10]} {stamp[11:16]}"


def _device(device: str, name: str | None) -> str:
    return f"{one_line(name)} ({device[:8]})" if name else f"device {device[:8]}"


def _list_conflicts(rows: list[dict[str, Any]]) -> None:
    if not rows:
        click.echo("No conflicts: no record has been changed on two devices between syncs.")
        return
    click.echo(
        f"{len(rows)} record{'s' if len(rows) != 1 else ''} changed on two devices between "
        "syncs, the latest noticed first. The newer version is kept (a deletion beats an "
        "edit made at the same moment; then the device whose id sorts last):"
    )
    for row in rows:
        one, _ = KIND_WORDS.get(row["kind"], ("record", "records"))
        click.echo("")
        click.echo(f"{one} {row['record_id'][:8]} (noticed {_when(row['noticed_at'])})")
        for side, label in (("kept", "kept:    "), ("lost", "not kept:")):
            device = _device(row[f"{side}_device"], row[f"{side}_device_name"])
            what = "deleted" if row[f"{side}_deleted"] else "changed"
            click.echo(f"  {label} {what} on {device} at {_when(row[f'{side}_at'])}")
        if row["fields"]:
            click.echo(f"  what differed: {_differed(row)}")
        elif row["kept_deleted"] != row["lost_deleted"]:
            click.echo("  one was a deletion, the other an edit")


def _differed(row: dict[str, Any]) -> str:
    """The fields that differed, with the value that was not kept."""
    try:
        lost = json.loads(row["lost"]) if row["lost"] else {}
    except ValueError:
        lost = {}
    parts = []
    for name in (f.strip() for f in row["fields"].split(",")):
        if name not in lost:
            parts.append(name)
            continue
        value = lost[name]
        if isinstance(value, list):
            shown = ", ".join(value) or "none"
        elif value is None:
            shown = "empty"
        else:
            shown = str(value)
        shown = one_line(shown)
        if len(shown) > 40:
            shown = shown[:39] + "…"
        parts.append(f"{name} (not kept: {shown})")
    return "; ".join(parts)
