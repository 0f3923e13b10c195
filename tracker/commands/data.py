"""``tracker import``, ``tracker backup`` and ``tracker restore``: data in, data kept safe."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from tracker.cli import CannotUse, db_option, db_path, open_store_or_exit, unlock_or_exit
from tracker.files import FileRefused
from tracker.portability.importer.problems import ImportProblem
from tracker.store import errors

if TYPE_CHECKING:
    from tracker.store import Store


def shown(text: str) -> str:
    """Text for one line of the terminal: control characters shown visibly, and
    anything that is not a character (half a surrogate pair) escaped."""
    from tracker.text import visible

    safe = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return visible(safe, newlines=False, tabs=False)


def _refuse(exc: ImportProblem, new_database: Path | None = None) -> NoReturn:
    """Say what is wrong, one line each; exit 2 (bad input) or 3 (a file cannot be used).

    ``new_database``: a database this import made and nothing else has written to;
    it is removed, so a refused import leaves nothing behind.
    """
    if new_database is not None:
        _remove_new_database(new_database)
    for line in exc.problems:
        click.echo(f"Error: {shown(line)}", err=True)
    if exc.more:
        click.echo("(Stopped after these; there may be more.)", err=True)
    click.echo("Nothing was imported; the database is unchanged.", err=True)
    sys.exit(3 if exc.unusable else 2)


def _remove_new_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@click.command(name="import")
@db_option
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--from",
    "source",
    type=click.Choice(["tracker", "daylio"]),
    default="tracker",
    show_default=True,
    help="What wrote PATH: tracker's own export (a folder, a CSV or a JSON file), "
    "or Daylio's CSV export.",
)
@click.option(
    "--map-mood",
    "map_mood",
    multiple=True,
    metavar="NAME=N",
    help="Daylio: the mood step (1 awful ... 5 great) of a custom mood name, "
    'e.g. --map-mood "so-so=3". Repeat for each name.',
)
@click.option(
    "--dry-run", is_flag=True, help="Check everything and say what would change; write nothing."
)
@click.pass_context
def import_command(
    ctx: click.Context, path: Path, source: str, map_mood: tuple[str, ...], dry_run: bool
) -> None:
    """Bring in data: an export of tracker, or your history from Daylio.

    All or nothing: everything is checked first; if anything is wrong, the problems
    are listed (file, line, column) and nothing is written. Importing the same data
    again adds nothing; a record that changed since comes in if it is newer.
    Only regular files are read, at most 128 MiB each and 256 MiB in all.
    """
    from tracker.portability.importer.reading import find_files, regular_file

    if map_mood and source != "daylio":
        raise click.UsageError("--map-mood is for --from daylio.")
    mood_map: dict[str, int] = {}
    try:  # what can be refused without the database comes first: nothing is opened
        if source == "daylio":
            from tracker.portability.daylio import parse_mood_map

            mood_map = parse_mood_map(map_mood)
            regular_file(path, "Daylio's CSV export")
        else:
            find_files(path)
    except ImportProblem as exc:
        _refuse(exc)
    store = open_store_or_exit(ctx)
    new_database = store.path if store.open_result.created else None
    try:
        _import(store, path, source, mood_map, dry_run, new_database)
    finally:
        store.close()


def _import(
    store: Store,
    path: Path,
    source: str,
    mood_map: dict[str, int],
    dry_run: bool,
    new_database: Path | None,
) -> None:
    from tracker.portability.importer import apply_plan, describe_plan

    def refuse(exc: ImportProblem) -> NoReturn:
        if new_database is not None and store.checkin_count() == 0:
            store.close()
            _refuse(exc, new_database)
        _refuse(exc)

    try:
        if source == "daylio":
            from tracker.portability.daylio import prepare_daylio

            daylio = prepare_daylio(store, path, mood_map)
            plan = daylio.plan
            summary = lambda done: daylio.summary(done=done)  # noqa: E731
        else:
            from tracker.portability.importer import prepare_import

            plan = prepare_import(store, path, stream=not dry_run)
            summary = lambda done: _summary(  # noqa: E731
                path, plan, describe_plan(plan, done=done), done
            )
    except ImportProblem as exc:
        refuse(exc)
    for note in plan.notes:
        click.echo(shown(note))
    if dry_run:
        click.echo("Dry run: nothing was written.")
        for line in summary(False):
            click.echo(shown(line))
        return
    if plan.changes and plan.updates:
        from tracker.backup import BackupError, backup_before

        try:
            kept = backup_before(
                store.path, "import", source=store.conn, warn=lambda t: click.echo(t, err=True)
            )
            click.echo(f"Kept a backup first (some records will be replaced): {shown(str(kept))}")
        except (BackupError, OSError) as exc:
            raise CannotUse(
                f"Could not back up before importing ({exc}); nothing was imported."
            ) from exc
    if plan.changes:
        try:
            apply_plan(store, plan)
        except ImportProblem as exc:  # check-ins checked while written: rolled back
            refuse(exc)
        except errors.Error as exc:
            from tracker.opening import database_error_message

            if database_error_message(store.path, exc) is not None:
                raise  # damaged or busy: said by the command group, exit 3
            raise CannotUse(
                f"The import could not be written to {store.path} ({exc}). Nothing was imported."
            ) from exc
    for line in summary(True):
        click.echo(shown(line))


def _summary(path: Path, plan, lines: list[str], done: bool) -> list[str]:
    if not plan.changes:
        if any(c.deleted for c in plan.counts.values()):
            return [
                f"Nothing new in {path}: everything in it is already here (same or newer), "
                "or was deleted here after it:",
                *[line for line in lines if "deleted here" in line],
            ]
        return [f"Nothing new in {path}: everything in it is already here (same or newer)."]
    head = f"Imported from {path}:" if done else f"Would import from {path}:"
    return [head, *lines]


@click.command(name="backup")
@db_option
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--second-place",
    "second",
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="Keep a second copy of every backup in DIR from now on (another disk, a "
    "synced folder), rotated the same way; TRACKER_BACKUP_DIR, when set, wins.",
)
@click.option("--no-second-place", "no_second", is_flag=True, help="Stop keeping a second copy.")
@click.pass_context
def backup_command(
    ctx: click.Context, path: Path | None, second: Path | None, no_second: bool
) -> None:
    """Make a backup now: into PATH (a folder, or a new file), else the backups folder
    (and a second copy in the second place, if one is set).

    The copy is consistent even while tracker is open elsewhere, and is checked after
    it is written. An existing file is never overwritten.
    """
    from tracker.backup import BackupError, inspect, make_backup, remove_leftovers

    if second is not None or no_second:
        _set_second_place(ctx, second, no_second, path)
        return
    db = db_path(ctx)
    remove_leftovers(db)
    unlock_or_exit(db)  # an encrypted database: its backup has the same key
    try:
        made = make_backup(db, path, warn=lambda text: click.echo(text, err=True))
    except (BackupError, FileRefused) as exc:
        raise CannotUse(str(exc)) from exc
    except OSError as exc:
        raise CannotUse(
            f"Could not back up {db} to {path or 'the backups folder'} "
            f"({exc.strerror or exc}). Nothing was written."
        ) from exc
    try:
        info = inspect(made)
    except BackupError as exc:
        raise CannotUse(
            f"Backed up {db} to {made}, but the copy does not pass the check: "
            f"{exc} The database itself may be damaged; see 'tracker restore'."
        ) from exc
    click.echo(
        f"Backed up {shown(str(db))} to {shown(str(made))} ({info.describe()}; checked: sound)."
    )


def _set_second_place(
    ctx: click.Context, second: Path | None, no_second: bool, path: Path | None
) -> None:
    """``--second-place DIR`` (kept in the settings, as an absolute path) or
    ``--no-second-place``; DIR must be a folder that is there (not a link)."""
    import os

    from tracker.backup import (
        SECOND_PLACE_KEY,
        SECOND_PLACE_VARIABLE,
        second_folder,
    )

    if path is not None or (second is not None and no_second):
        raise click.UsageError("--second-place and --no-second-place go alone.")
    if second is not None:
        if not second.is_dir() or second.is_symlink():
            raise CannotUse(
                f"{shown(str(second))} is not a folder that is there (a link is not taken: "
                "give the folder it points to); nothing was changed."
            )
        second = second.absolute()
    with open_store_or_exit(ctx) as store:
        if second is None:
            store.delete_setting(SECOND_PLACE_KEY)
        else:
            store.set_setting(SECOND_PLACE_KEY, str(second))
        db = store.path
    if second is None:
        click.echo("No second copy of the backups is kept from now on.")
    else:
        click.echo(
            f"From the next backup on, a second copy of each is kept in "
            f"{shown(str(second_folder(db, second)))}, rotated as the backups beside "
            "the database."
        )
    if os.environ.get(SECOND_PLACE_VARIABLE) is not None:
        click.echo(f"({SECOND_PLACE_VARIABLE} is set, and is used instead while it is.)")


@click.command(name="restore")
@db_option
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Replace without asking.")
@click.pass_context
def restore_command(ctx: click.Context, file: Path | None, yes: bool) -> None:
    """Replace the database with the backup FILE (without FILE: list the backups).

    FILE is checked first (a sound tracker database, integrity check); nothing changes
    if it is not. The current database is kept as a backup before it is replaced.
    Without --yes it asks first; not confirming (or no answer) changes nothing and
    exits with 2.
    """
    from tracker.backup import BackupError, current_info, inspect, restore

    db = db_path(ctx)
    if file is None:
        _list_backups(db)
        return
    _unlock_both(db, file)
    try:
        info = inspect(file)
    except BackupError as exc:
        raise CannotUse(f"{exc} Nothing was changed.") from exc
    click.echo(f"Backup:   {shown(str(file))} ({info.describe()}).")
    current = current_info(db)
    if current is not None:
        click.echo(f"Replaces: {shown(str(db))} ({current.describe()}).")
    elif db.exists():
        click.echo(f"Replaces: {shown(str(db))} (it cannot be read as it is).")
    else:
        click.echo(f"Into:     {shown(str(db))} (there is no database there yet).")
    if not yes and not _confirmed():
        click.echo("Aborted: the backup was not restored; nothing was changed.", err=True)
        sys.exit(2)
    try:
        result = restore(file, db, warn=lambda text: click.echo(text, err=True))
    except (BackupError, FileRefused) as exc:
        raise CannotUse(str(exc)) from exc
    except OSError as exc:
        raise CannotUse(f"Could not restore into {db} ({exc.strerror or exc}).") from exc
    click.echo(f"Restored {shown(str(file))} into {shown(str(db))}.")
    if result.kept:
        click.echo(f"The database it replaced is kept at {shown(str(result.kept))}.")


def _unlock_both(db: Path, file: Path) -> None:
    """Unlock the database (when it is encrypted, what is restored gets its key) and the
    backup (when it is encrypted with a key not unlocked yet: from before a change of
    passphrase, or from another machine)."""
    from tracker.store import cipher
    from tracker.unlocking import UnlockProblem, unlock

    if db.exists():
        unlock_or_exit(db)
    if cipher.is_encrypted(file) and cipher.known_key(file) is None:
        try:
            unlock(file, label=f"the backup {file.name}")
        except UnlockProblem as exc:
            if exc.code != 3:
                click.echo(f"Error: {exc}", err=True)
                sys.exit(exc.code)
            raise CannotUse(str(exc)) from exc


def _confirmed() -> bool:
    try:
        return click.confirm(
            "Restore this backup? The current database is kept as a backup first", default=False
        )
    except click.Abort:  # no answer: the input ended, or ctrl+c
        click.echo(err=True)
        return False


def _list_backups(db: Path) -> None:
    """This database's backups, newest first: never those of another database that
    shares the folder."""
    from tracker import paths
    from tracker.backup import list_backups

    folder = paths.backups_dir(db)
    files = list_backups(db)
    if not files:
        click.echo(
            f"No backups of {shown(db.name)} in {shown(str(folder))} yet. "
            "'tracker backup' makes one now."
        )
        return
    click.echo(f"Backups of {shown(db.name)} in {shown(str(folder))}, newest first:")
    for f in files:
        try:
            size = f.stat().st_size
        except OSError:
            continue
        click.echo(f"  {shown(f.name)}  ({size / 1024:,.0f} KB)")
    click.echo("'tracker restore FILE' brings one back (it is checked first).")
    from tracker.backup import second_folder, second_place

    place = second_place(db) if db.exists() else None
    if place is not None:
        click.echo(f"A second copy of each is kept in {shown(str(second_folder(db, place)))}.")
