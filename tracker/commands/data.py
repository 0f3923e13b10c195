"""``tracker import``, ``tracker backup`` and ``tracker restore``: data in, data kept safe."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tracker.cli import db_option, db_path, open_store_or_exit


def _refuse(lines: list[str], more: bool = False) -> None:
    for line in lines:
        click.echo(f"Error: {line}", err=True)
    if more:
        click.echo("(Stopped after these; there may be more.)", err=True)
    click.echo("Nothing was imported; the database is unchanged.", err=True)
    sys.exit(1)


@click.command(name="import")
@db_option
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--from", "source", type=click.Choice(["tracker", "daylio"]), default="tracker",
              show_default=True,
              help="What wrote PATH: tracker's own export (a folder, a CSV or a JSON file), "
                   "or Daylio's CSV export.")
@click.option("--map-mood", "map_mood", multiple=True, metavar="NAME=N",
              help="Daylio: the mood step (1 awful ... 5 great) of a custom mood name, "
                   "e.g. --map-mood \"so-so=3\". Repeat for each name.")
@click.option("--dry-run", is_flag=True, help="Check everything and say what would change; "
                                              "write nothing.")
@click.pass_context
def import_command(ctx: click.Context, path: Path, source: str, map_mood: tuple[str, ...],
                   dry_run: bool) -> None:
    """Bring in data: an export of tracker, or your history from Daylio.

    All or nothing: everything is checked first; if anything is wrong, the problems
    are listed (file, line, column) and nothing is written. Importing the same data
    again adds nothing; a record that changed since comes in if it is newer.
    """
    from tracker.portability.importer import ImportProblem, apply_plan, describe_plan
    from tracker.store import Error

    if map_mood and source != "daylio":
        raise click.UsageError("--map-mood is for --from daylio.")
    store = open_store_or_exit(ctx)
    try:
        try:
            if source == "daylio":
                from tracker.portability.daylio import parse_mood_map, prepare_daylio

                daylio = prepare_daylio(store, path, parse_mood_map(map_mood))
                plan = daylio.plan
                summary = lambda done: daylio.summary(done=done)  # noqa: E731
            else:
                from tracker.portability.importer import prepare_import

                plan = prepare_import(store, path, stream=not dry_run)
                summary = lambda done: _summary(path, plan, describe_plan(plan, done=done),  # noqa: E731
                                                done)
        except ImportProblem as exc:
            _refuse(exc.problems, exc.more)
            return
        for note in plan.notes:
            click.echo(note)
        if dry_run:
            click.echo("Dry run: nothing was written.")
            for line in summary(False):
                click.echo(line)
            return
        if plan.changes and plan.updates:
            from tracker.backup import BackupError, backup_before

            try:
                kept = backup_before(store.path, "import", source=store.conn)
                click.echo(f"Kept a backup first (some records will be replaced): {kept}")
            except (BackupError, OSError) as exc:
                raise click.ClickException(f"Could not back up before importing ({exc}); "
                                           "nothing was imported.") from exc
        if plan.changes:
            try:
                apply_plan(store, plan)
            except ImportProblem as exc:  # check-ins checked while written: rolled back
                _refuse(exc.problems, exc.more)
            except Error as exc:
                from tracker.backup import looks_damaged

                if looks_damaged(exc):
                    raise
                raise click.ClickException(f"The import could not be written ({exc}). "
                                           "Nothing was imported.") from exc
        for line in summary(True):
            click.echo(line)
    finally:
        store.close()


def _summary(path: Path, plan, lines: list[str], done: bool) -> list[str]:
    if not plan.changes:
        return [f"Nothing new in {path}: everything in it is already here (same or newer)."]
    head = f"Imported from {path}:" if done else f"Would import from {path}:"
    return [head, *lines]


@click.command(name="backup")
@db_option
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.pass_context
def backup_command(ctx: click.Context, path: Path | None) -> None:
    """Make a backup now: into PATH (a folder, or a new file), else the backups folder.

    The copy is consistent even while tracker is open elsewhere, and is checked after
    it is written. An existing file is never overwritten.
    """
    from tracker.backup import BackupError, inspect, make_backup

    db = db_path(ctx)
    try:
        made = make_backup(db, path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        info = inspect(made)
    except BackupError as exc:
        click.echo(f"Backed up {db} to {made}, but the copy does not pass the check: {exc} "
                   "The database itself may be damaged; see 'tracker restore'.", err=True)
        sys.exit(1)
    click.echo(f"Backed up {db} to {made} ({info.describe()}; checked: sound).")


@click.command(name="restore")
@db_option
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Replace without asking.")
@click.pass_context
def restore_command(ctx: click.Context, file: Path | None, yes: bool) -> None:
    """Replace the database with the backup FILE (without FILE: list the backups).

    FILE is checked first (a sound tracker database, integrity check); nothing changes
    if it is not. The current database is kept as a backup before it is replaced.
    """
    from tracker.backup import BackupError, current_info, inspect, restore

    db = db_path(ctx)
    if file is None:
        _list_backups(db)
        return
    try:
        info = inspect(file)
    except BackupError as exc:
        raise click.ClickException(f"{exc} Nothing was changed.") from exc
    click.echo(f"Backup:   {file} ({info.describe()}).")
    current = current_info(db)
    if current is not None:
        click.echo(f"Replaces: {db} ({current.describe()}).")
    elif db.exists():
        click.echo(f"Replaces: {db} (it cannot be read as it is).")
    else:
        click.echo(f"Into:     {db} (there is no database there yet).")
    if not yes:
        click.confirm("Restore this backup? The current database is kept as a backup first",
                      abort=True)
    try:
        result = restore(file, db)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {file} into {db}.")
    if result.kept:
        click.echo(f"The database it replaced is kept at {result.kept}.")


def _list_backups(db: Path) -> None:
    from tracker import paths

    folder = paths.backups_dir(db)
    files = sorted(folder.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True) \
        if folder.is_dir() else []
    if not files:
        click.echo(f"No backups in {folder} yet. 'tracker backup' makes one now.")
        return
    click.echo(f"Backups in {folder}, newest first:")
    for f in files:
        size = f.stat().st_size
        click.echo(f"  {f.name}  ({size / 1024:,.0f} KB)")
    click.echo("'tracker restore FILE' brings one back (it is checked first).")
