"""The ``tracker`` command's entry point: the app at once, or the command line.

``tracker`` alone, or with only ``--db PATH``, opens the app, and is what people run
most often. That path does not import click (the command-line library), which the
first screen would otherwise wait for (see ``benchmarks/run.py --only first_screen``).
Any other arguments, ``--help`` and ``--demo`` included, go to :mod:`tracker.cli`
unchanged.

Both paths open the database the same way (:func:`open_for_use`): a refusal ends
with "Error: ..." and exit code 1, as click shows its errors.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.store import Store


class OpenProblem(Exception):
    """The database cannot be used as it is; the message says which file and what to do."""


def app_database(args: Sequence[str]) -> tuple[bool, str | None]:
    """``(True, --db value or None)`` when ``args`` only open the app, else ``(False, None)``."""
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--db" and args[1] and not args[1].startswith("-"):
        return True, args[1]
    if len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > len("--db="):
        return True, args[0][len("--db="):]
    return False, None


def backup_before_migrate(path: Path, version: int) -> None:
    """A checked backup before a migration; if it cannot be made, nothing is migrated."""
    from tracker.backup import BackupError, backup_before_migration
    from tracker.store import StoreError

    try:
        backup_before_migration(path, version)
    except BackupError as exc:
        raise StoreError(f"{exc} The database was not upgraded.") from exc


def open_for_use(path: Path, warn: Callable[[str], object]) -> Store:
    """Open the database for the app or a command.

    Takes the day's backup at the first use of each day (one ``stat`` once it
    exists). A database that cannot be used raises :class:`OpenProblem`; a backup
    that cannot be made is only a warning, so it never keeps anyone from a check-in.
    """
    from tracker.backup import BackupError, DamagedDatabase, daily_backup
    from tracker.store import Store, StoreError

    try:
        store = Store.open(path, before_migrate=backup_before_migrate)
    except StoreError as exc:
        raise OpenProblem(str(exc)) from exc
    if not store.open_result.created:
        try:
            daily_backup(path, source=store.db.conn)
        except DamagedDatabase as exc:
            store.close()
            raise OpenProblem(str(exc)) from exc
        except (BackupError, OSError) as exc:
            warn(f"Warning: today's backup could not be made ({exc}).")
    return store


def damaged_or_raise(path: Path, exc: sqlite3.DatabaseError) -> str:
    """The plain message for a database found damaged part-way; re-raises anything else."""
    from tracker.backup import damaged_message, looks_damaged

    if not looks_damaged(exc):
        raise exc
    return damaged_message(path, str(exc))


def _fail(message: str) -> None:
    print(f"Error: {message}", file=sys.stderr)
    sys.exit(1)


def main() -> None:
    is_app, explicit = app_database(sys.argv[1:])
    if not is_app:
        from tracker.cli import main as command_line

        command_line()
        return
    # No cycle collections while the app starts (the app turns them back on once
    # its first screen shows): tracker.app.runtime.collector, the policy.
    from tracker.app.runtime import collector

    collector.hold()
    from tracker import paths

    path = paths.resolve_db_path(explicit)
    try:
        store = open_for_use(path, warn=lambda text: print(text, file=sys.stderr))
        from tracker.app.app import run_app

        run_app(path, store=store)
    except OpenProblem as exc:
        _fail(str(exc))
    except sqlite3.DatabaseError as exc:
        _fail(damaged_or_raise(path, exc))
    except KeyboardInterrupt:  # ctrl+c before the app took the terminal, as click says it
        print("Aborted!", file=sys.stderr)
        sys.exit(1)
