"""Backups and restore, through SQLite's online backup API.

Backups live in a ``backups/`` folder beside the database (0700; each file 0600).
Each is a complete, consistent SQLite file (taken with ``Connection.backup`` while
other terminals may be writing) in rollback-journal mode, so it is one self-contained
file that ``tracker restore``, ``sqlite3`` or Datasette can open as it is.

Kinds, named ``<db stem>-<kind>-<when>.db``:

- ``daily-YYYY-MM-DD``: taken at the first use of each day (:func:`daily_backup`),
  after a quick integrity check: a damaged database is reported, not copied over a
  good backup. Rotation: the newest 7 daily backups are kept; of the older ones, the
  first backup of each ISO week (Monday to Sunday) is kept as that week's weekly
  backup, for the 4 most recent such weeks; other daily backups are deleted.
- ``pre-migration-vN-<stamp>``, ``pre-import-<stamp>``, ``pre-restore-<stamp>``:
  taken before a schema migration from version N, before an import that changes
  existing records, and before a restore replaces the database. The newest 5 of each
  kind are kept.
- ``manual-<stamp>``: ``tracker backup`` with no path. Never deleted by tracker.

**A second place** (another disk, a synced folder): with ``TRACKER_BACKUP_DIR`` set,
or the setting ``tracker backup --second-place DIR`` keeps, each backup made in the
backups folder is copied, as soon as it is made, into ``DIR/<host>-<db stem>-<8 hex
of the database's path>/`` (one folder per database file, so that the databases of
several computers can share one place), and rotated there by the same rules. The
place must exist (a disk not connected is not filled in at its mount point): when it
is missing or cannot be written, the backup is made beside the database all the
same, with one warning line. A daily backup that could not be copied is copied at a
later use that day, when the place is back. An encrypted database's backups are
encrypted files: so are their copies.

Rotation never deletes the backup it has just made, and a backup dated after today
(made while the clock ran ahead) is kept but never counted among the newest: it
cannot push today's out. A name belongs to this database only when it is exactly
``<db stem>-<kind>-<when>[-N].db`` (:func:`backup_kind`), so the backups of
``tracker-old.db`` in the same folder are neither listed nor rotated as ours.

A backup, restore or migration killed part-way leaves its temporary copy (a hidden
full copy of the data); the next run removes it (:func:`remove_leftovers`).

This module is imported on every ``tracker status`` (for :func:`daily_backup`), so it
imports nothing heavy, and the daily check costs one ``stat`` once today's exists.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tracker import clock, paths
from tracker.files import (
    FileRefused,
    private_dir,
    private_file,
    private_path,
    remove_stale_temporaries,
)
from tracker.store import errors, read_only_connection

Warn = Callable[[str], object]
"""Says one warning line (the command line prints it on stderr)."""
SECOND_PLACE_VARIABLE = "TRACKER_BACKUP_DIR"
SECOND_PLACE_KEY = "backup.second_place"
"""The setting (``tracker backup --second-place DIR``); the variable, when set, wins."""
KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_EACH_EVENT = 5
EVENT_KINDS = ("pre-migration", "pre-import", "pre-restore")
_DAILY = re.compile(r"-daily-(\d{4}-\d{2}-\d{2})\.db$")
_STAMP = r"\d{8}-\d{6}"
#: What follows ``<db stem>-`` in the name of one of its backups; group 1 is the kind.
_KIND = re.compile(
    r"(daily)-\d{4}-\d{2}-\d{2}\.db"
    rf"|(manual|backup|pre-import|pre-restore|pre-migration-v\d+)-{_STAMP}"
    r"(?:-as-found)?(?:-\d+)?\.db"
)
_REQUIRED_TABLES = {"checkins", "emotions", "experiments", "practice_logs", "ruptures", "supports"}


class BackupError(Exception):
    """A backup or restore could not be done; the message says why and what is unchanged."""


class DamagedDatabase(BackupError):
    """The database failed its integrity check: the app must not write to it."""


def damaged_message(path: Path, detail: str) -> str:
    """The words shown for a damaged database file, wherever it is noticed."""
    return (
        f"{path} is damaged ({detail}). tracker has stopped and has not changed it. "
        f"'tracker restore BACKUP' brings back a backup: they are in "
        f"{paths.backups_dir(path)}. Keep a copy of the damaged file if you want to try "
        "to recover from it ('sqlite3 FILE .recover')."
    )


def looks_damaged(exc: BaseException) -> bool:
    """Is this sqlite3 error the kind a damaged file gives?"""
    text = str(exc).lower()
    return isinstance(exc, errors.DatabaseError) and (
        "malformed" in text or "not a database" in text or "disk image" in text or "corrupt" in text
    )


# --- Files ---------------------------------------------------------------------------


def backups_folder(db_path: Path, *, create: bool = True) -> Path:
    """The backups folder beside the database (created 0700 when asked)."""
    folder = paths.backups_dir(db_path)
    if create:
        with _refusals():
            private_dir(folder)
    return folder


def backup_kind(db_path: Path, name: str) -> str | None:
    """The kind of backup of ``db_path`` a file name is ("daily", "pre-import", ...),
    or None when it is not the name of one of this database's backups."""
    prefix = f"{Path(db_path).stem}-"
    if not name.startswith(prefix):
        return None
    match = _KIND.fullmatch(name, len(prefix))
    if match is None:
        return None
    kind = match.group(1) or match.group(2)
    return "pre-migration" if kind.startswith("pre-migration") else kind


def list_backups(db_path: Path, folder: Path | None = None) -> list[Path]:
    """This database's backups in its backups folder (or ``folder``), newest first
    (regular files only)."""
    folder = paths.backups_dir(db_path) if folder is None else folder
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for entry in entries:
        if backup_kind(db_path, entry.name) is None:
            continue
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode):
                found.append((info.st_mtime, entry.name, Path(entry.path)))
    return [path for _, _, path in sorted(found, reverse=True)]


def remove_leftovers(db_path: Path) -> list[Path]:
    """Remove the temporary copies a killed backup, restore or migration left behind.

    They are hidden full copies of the data (``.NAME.tmp-PID-N`` and SQLite's journal
    of one): in the backups folder, any of them; beside the database, those of the
    database's own name (a restore's). Only files of processes that have ended are
    removed (see :func:`tracker.files.remove_stale_temporaries`). Returns them.
    """
    db_path = Path(db_path)
    gone = remove_stale_temporaries(db_path.parent, lambda name: name == db_path.name)
    gone += remove_stale_temporaries(paths.backups_dir(db_path))
    return gone


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    """What the file writer refuses (a link, a file not ours), said as a backup error."""
    try:
        yield
    except FileRefused as exc:
        raise BackupError(str(exc)) from None


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def _unique(folder: Path, stem: str) -> Path:
    target = folder / f"{stem}.db"
    n = 1
    while target.exists() or target.is_symlink():
        n += 1
        target = folder / f"{stem}-{n}.db"
    return target


def _open_source(path: Path) -> errors.Connection:
    from tracker.store import connect

    return connect(path)


def _write_backup(source: errors.Connection, target: Path, *, replace: bool = False) -> Path:
    """Back up into ``target`` through a temp file; never over a file unless ``replace``
    (only today's daily backup, which another terminal may have just made)."""
    from tracker.store import copy_database

    with _refusals(), private_path(target, replace_ours=replace) as tmp:
        copy_database(source, tmp)
    return target


def _checked_source(db_path: Path, source: errors.Connection | None) -> errors.Connection:
    from tracker.store import quick_check

    conn = source or _open_source(db_path)
    problem = quick_check(conn)
    if problem:
        if source is None:
            conn.close()
        raise DamagedDatabase(damaged_message(db_path, problem))
    return conn


# --- Making backups ------------------------------------------------------------------


def make_backup(
    db_path: Path,
    target: Path | None = None,
    *,
    kind: str = "manual",
    source: errors.Connection | None = None,
    check: bool = False,
    warn: Warn | None = None,
) -> Path:
    """Back up the database now; returns the file written.

    ``target``: a folder (a new file is named inside it), a new file path, or None for
    the backups folder (then a second copy goes to the second place, if one is set:
    :func:`copy_to_second_place`, whose one-line warnings go to ``warn``). An
    existing file is never overwritten. With ``check``, a damaged database raises
    :class:`DamagedDatabase` and nothing is written.
    """
    into_folder = target is None
    db_path = Path(db_path)
    if source is None and not db_path.exists():
        raise BackupError(f"There is no database at {db_path} yet; nothing to back up.")
    if target is None:
        folder = backups_folder(db_path)
        target = _unique(folder, f"{db_path.stem}-{kind}-{_stamp()}")
    elif target.is_dir():
        target = _unique(target, f"{db_path.stem}-backup-{_stamp()}")
    elif target.exists():
        raise BackupError(
            f"{target} already exists; it has not been touched. Choose a new file name or a folder."
        )
    elif not target.parent.is_dir():
        raise BackupError(f"{target.parent} does not exist.")
    chosen = target.name
    remove_stale_temporaries(  # an earlier backup here that was killed part-way
        target.parent, lambda name: name == chosen or backup_kind(db_path, name) is not None
    )
    if source is None:
        from tracker.store import StoreError, check_sqlite_header

        try:
            check_sqlite_header(db_path)
        except StoreError as exc:
            raise BackupError(str(exc)) from exc
    conn = _checked_source(db_path, source) if check else (source or _open_source(db_path))
    try:
        made = _write_backup(conn, target)
        if into_folder:
            copy_to_second_place(db_path, made, warn=warn, source=conn)
        return made
    except errors.DatabaseError as exc:
        raise BackupError(f"Could not back up {db_path} ({exc}).") from exc
    finally:
        if source is None:
            conn.close()


def backup_before_migration(path: Path, from_version: int, warn: Warn | None = None) -> Path:
    """A checked copy before migrating from schema ``from_version`` (keeps the newest 5)."""
    path = Path(path)
    made = make_backup(path, kind=f"pre-migration-v{from_version}", check=True, warn=warn)
    prune_events(path, "pre-migration", keep=made)
    return made


def backup_before(
    path: Path, event: str, source: errors.Connection | None = None, warn: Warn | None = None
) -> Path:
    """A copy before ``event`` ("import" or "restore"); keeps the newest 5 of that kind."""
    made = make_backup(Path(path), kind=f"pre-{event}", source=source, warn=warn)
    prune_events(Path(path), f"pre-{event}", keep=made)
    return made


def daily_path(db_path: Path, day: dt.date | None = None) -> Path:
    day = day or clock.today()
    return paths.backups_dir(db_path) / f"{db_path.stem}-daily-{day.isoformat()}.db"


def daily_backup(
    path: Path, *, source: errors.Connection | None = None, warn: Warn | None = None
) -> Path | None:
    """Today's backup, if there is none yet; returns it, or None when it already existed.

    Cheap when it exists (one ``stat``, and with a second place set, its copy's):
    it runs on every command. A database that fails the quick integrity check raises
    :class:`DamagedDatabase`: no backup is made from it (it would push a good one out
    of the rotation). The second copy is made with it (``warn`` says when it cannot
    be); one that could not be made then is made, silently, at a later use that day.
    """
    path = Path(path)
    target = daily_path(path)
    try:
        os.stat(target)
        _second_daily_later(path, target, source)
        return None
    except FileNotFoundError:
        pass
    if source is None and not path.exists():
        return None
    conn = _checked_source(path, source)
    try:
        backups_folder(path)
        _write_backup(conn, target, replace=True)  # a race with another terminal: same day
    except errors.DatabaseError as exc:
        raise BackupError(f"Could not make today's backup of {path} ({exc}).") from exc
    finally:
        if source is None:
            conn.close()
    rotate(path, keep=target)
    copy_to_second_place(path, target, warn=warn, source=source, replace=True)
    return target


# --- The second place -----------------------------------------------------------------


def second_place(db_path: Path, source: errors.Connection | None = None) -> Path | None:
    """Where a second copy of each backup goes: ``TRACKER_BACKUP_DIR`` when it is set
    (set and empty: nowhere), else the setting, else None."""
    value = os.environ.get(SECOND_PLACE_VARIABLE)
    if value is None:
        from tracker.store import read_setting

        conn = source
        try:
            if conn is None:
                conn = read_only_connection(db_path, glance=True)
            value = read_setting(conn, SECOND_PLACE_KEY)
        except errors.Error:
            value = None
        finally:
            if source is None and conn is not None:
                conn.close()
    if value is None or not value.strip():
        return None
    return Path(value).expanduser()


def second_folder(db_path: Path, place: Path) -> Path:
    """This database's folder in the second place: its computer's name, its name and
    8 hex digits of where it is (several computers' databases can share a place)."""
    import hashlib
    import platform

    host = re.sub(r"[^A-Za-z0-9._-]", "_", platform.node() or "computer")[:40] or "computer"
    where = hashlib.sha256(str(Path(db_path).resolve()).encode("utf-8", "surrogateescape"))
    return Path(place) / f"{host}-{Path(db_path).stem}-{where.hexdigest()[:8]}"


def copy_to_second_place(
    db_path: Path,
    made: Path,
    *,
    warn: Warn | None = None,
    source: errors.Connection | None = None,
    replace: bool = False,
) -> Path | None:
    """Copy the backup ``made`` into the second place and rotate there as beside the
    database; returns the copy, or None (no place set, or it cannot be used: then one
    warning line, and the backup beside the database is all there is)."""
    place = second_place(db_path, source)
    if place is None:
        return None
    say = warn or (lambda _line: None)
    only = f"this backup is only in {made.parent}"
    problem = _place_problem(place)
    if problem is not None:
        say(f"Warning: the second place for backups, {place}, {problem}; {only}.")
        return None
    folder = second_folder(db_path, place)
    try:
        with _refusals():
            private_dir(folder)
        remove_stale_temporaries(folder, lambda name: backup_kind(db_path, name) is not None)
        target = folder / made.name
        if not replace:
            target = _unique(folder, made.name.removesuffix(".db"))
        import shutil

        with open(made, "rb") as original, _refusals():
            with private_file(target, replace_ours=replace, binary=True) as copy:
                shutil.copyfileobj(original, copy)
    except (BackupError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        say(f"Warning: the second copy could not be written to {folder} ({reason}); {only}.")
        return None
    kind = backup_kind(db_path, target.name)
    if kind == "daily":
        rotate(db_path, keep=target, folder=folder)
    elif kind in EVENT_KINDS:
        prune_events(db_path, kind, keep=target, folder=folder)
    return target


def _place_problem(place: Path) -> str | None:
    """Why the second place cannot take a copy (it must be a real folder that is
    there: a missing one is a disk not connected, not a folder to make)."""
    try:
        info = os.lstat(place)
    except FileNotFoundError:
        return "is not there (a disk not connected?)"
    except OSError as exc:
        return f"cannot be used ({exc.strerror or exc})"
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link (give the folder it points to)"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    return None


def _second_daily_later(db_path: Path, daily: Path, source: errors.Connection | None) -> None:
    """Today's second copy, when today's backup was made while the place was away."""
    if SECOND_PLACE_VARIABLE not in os.environ and source is None:
        return  # (a command that did not open the database: nothing to read the setting from)
    place = second_place(db_path, source)
    if place is None or _place_problem(place) is not None:
        return
    if os.path.lexists(second_folder(db_path, place) / daily.name):
        return
    with contextlib.suppress(BackupError, OSError):
        copy_to_second_place(db_path, daily, source=source, replace=True)


# --- Rotation ------------------------------------------------------------------------


def daily_backups(db_path: Path, folder: Path | None = None) -> list[tuple[dt.date, Path]]:
    """The daily backups of this database (in its backups folder, or ``folder``),
    oldest first."""
    folder = paths.backups_dir(db_path) if folder is None else folder
    prefix = f"{db_path.stem}-daily-"
    found = []
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    for name in names:
        if not name.startswith(prefix):
            continue
        match = _DAILY.search(name)
        if not match or name != f"{prefix}{match[1]}.db":
            continue
        try:
            found.append((dt.date.fromisoformat(match[1]), folder / name))
        except ValueError:
            continue
    return sorted(found)


def kept_dailies(days: list[dt.date], today: dt.date | None = None) -> set[dt.date]:
    """Which daily backups rotation keeps: the newest 7, and 4 weekly ones before them.

    Days after ``today`` (default: the clock's today) are kept and not counted: a
    backup dated in the future is what a clock that ran ahead made, and it must not
    push out today's.
    """
    today = today or clock.today()
    future = {day for day in days if day > today}
    ordered = sorted(set(days) - future)
    keep = set(ordered[-KEEP_DAILY:]) | future
    older = ordered[:-KEEP_DAILY] if len(ordered) > KEEP_DAILY else []
    first_of_week: dict[tuple[int, int], dt.date] = {}
    for day in older:
        first_of_week.setdefault(day.isocalendar()[:2], day)
    keep.update(sorted(first_of_week.values())[-KEEP_WEEKLY:])
    return keep


def rotate(db_path: Path, *, keep: Path | None = None, folder: Path | None = None) -> list[Path]:
    """Delete daily backups that rotation does not keep; returns those deleted.

    ``keep``: the backup just made, which is never deleted whatever its date.
    ``folder``: where (default: the backups folder beside the database).
    """
    backups = daily_backups(db_path, folder)
    kept = kept_dailies([day for day, _ in backups])
    gone = []
    for day, file in backups:
        if day not in kept and file != keep:
            file.unlink(missing_ok=True)
            gone.append(file)
    return gone


def prune_events(
    db_path: Path, kind: str, *, keep: Path | None = None, folder: Path | None = None
) -> list[Path]:
    """Keep the newest 5 backups of ``kind`` (by time written); delete the others.

    ``keep``, the backup just made, is always one of the 5. A file written "in the
    future" (its time after now: a clock that ran ahead) is kept and not counted.
    Returns the files deleted.
    """
    now = time.time()
    dated: list[tuple[float, str, Path]] = []
    for file in list_backups(db_path, folder):
        if backup_kind(db_path, file.name) != kind or file == keep:
            continue
        with contextlib.suppress(OSError):
            written = file.stat().st_mtime
            if written <= now:
                dated.append((written, file.name, file))
    room = KEEP_EACH_EVENT - (1 if keep is not None else 0)
    old = [file for _, _, file in sorted(dated, reverse=True)[room:]]
    for file in old:
        for suffix in ("", "-wal", "-journal"):  # an as-found copy keeps its side files
            Path(f"{file}{suffix}").unlink(missing_ok=True)
    return old


# --- Checking a file, and restoring it ------------------------------------------------


class BackupInfo:
    """What a sound tracker database file holds (plain class: this module loads fast)."""

    def __init__(
        self,
        path: Path,
        schema_version: int,
        checkins: int,
        first_day: str | None,
        last_day: str | None,
    ):
        self.path = path
        self.schema_version = schema_version
        self.checkins = checkins
        self.first_day = first_day
        self.last_day = last_day

    def describe(self) -> str:
        if not self.checkins:
            return "no check-ins"
        n = self.checkins
        return f"{n:,} check-in{'s' if n != 1 else ''}, {self.first_day} to {self.last_day}"


def _read_only(path: Path) -> errors.Connection:
    return read_only_connection(path)


def inspect(path: Path, *, full_check: bool = True) -> BackupInfo:
    """Check that ``path`` is a sound tracker database; raises :class:`BackupError` if not.

    The same rules as opening one (SQLite header, size, application id, a schema this
    version knows), plus ``PRAGMA integrity_check``. Only reads the file.
    """
    from tracker.store import (
        APPLICATION_ID,
        SCHEMA_VERSION,
        StoreError,
        check_sqlite_header,
        checkin_span,
        file_identity,
        integrity_check,
        restore_problems,
    )

    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    if path.stat().st_size == 0:
        raise BackupError(f"{path} is empty; it is not a tracker backup.")
    try:
        check_sqlite_header(path)
    except StoreError as exc:
        raise BackupError(
            str(exc).replace("'tracker restore BACKUP' to bring back a backup", "another backup")
        ) from exc
    try:
        conn = _read_only(path)
    except errors.Error as exc:
        raise BackupError(f"{path} cannot be opened ({exc}).") from exc
    try:
        app_id, version, tables = file_identity(conn)
        if app_id != APPLICATION_ID:
            raise BackupError(f"{path} is an SQLite database, but not one of tracker's.")
        if version > SCHEMA_VERSION:
            raise BackupError(
                f"{path} was written by a newer tracker (schema {version}; this "
                f"one knows up to {SCHEMA_VERSION}). Upgrade tracker first."
            )
        if full_check and (problems := restore_problems(conn)):  # schema, foreign keys
            raise BackupError(f"{path} is not as tracker makes it: {'; '.join(problems)}.")
        if version < 1 or not _REQUIRED_TABLES <= tables:
            raise BackupError(f"{path} is not a complete tracker database (tables missing).")
        if full_check:
            problems = integrity_check(conn)
            if problems != ["ok"]:
                raise BackupError(
                    f"{path} fails SQLite's integrity check "
                    f"({'; '.join(problems[:3])}); it cannot be restored."
                )
        count, first, last = checkin_span(conn)
    except errors.DatabaseError as exc:
        raise BackupError(f"{path} is damaged ({exc}); it cannot be restored.") from exc
    finally:
        conn.close()
    return BackupInfo(path, version, count, first, last)


def current_info(db_path: Path) -> BackupInfo | None:
    """What the current database holds, or None if it is missing or unreadable."""
    try:
        return inspect(db_path, full_check=False)
    except BackupError:
        return None


class RestoreResult:
    def __init__(self, restored: BackupInfo, kept: Path | None):
        self.restored = restored
        self.kept = kept  # where the database that was replaced now is


def _keep_current(db_path: Path, warn: Warn | None = None) -> Path | None:
    """Keep the current database as a pre-restore backup (a raw copy if it is unreadable)."""
    if not db_path.exists():
        return None
    try:
        return backup_before(db_path, "restore", warn=warn)
    except BackupError:
        pass
    except errors.Error:
        pass
    # Damaged or not SQLite: copy the bytes as they are, with its -wal if there is one.
    import shutil  # not at the top: this module is imported on every command

    folder = backups_folder(db_path)
    target = _unique(folder, f"{db_path.stem}-pre-restore-{_stamp()}-as-found")
    for suffix in ("", "-wal", "-journal"):
        side = Path(f"{db_path}{suffix}")
        if suffix and not side.exists():
            continue
        with (
            open(side, "rb") as source,
            _refusals(),
            private_file(Path(f"{target}{suffix}"), binary=True) as copy,
        ):
            shutil.copyfileobj(source, copy)
    return target


def _retire_journal(db_path: Path) -> None:
    """Leave no -wal, -shm or -journal of the old database for the new one to inherit.

    A stale WAL beside a replaced database would be replayed into it. So: checkpoint
    and switch the old database out of WAL (SQLite then removes its own files; this
    fails if another program has it open, which is the right moment to stop). An
    unreadable old database: its side files were copied with it; remove them.
    """
    if db_path.exists():
        _out_of_wal_or_refuse(db_path)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)


def _out_of_wal_or_refuse(db_path: Path) -> None:
    """Checkpoint the database and take it out of WAL, or refuse (:class:`BackupError`)
    while another program has it open. A file that is not a usable database is left
    as it is (it is kept as found)."""
    from tracker.store import leave_wal

    try:
        mode = leave_wal(db_path)
    except errors.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise BackupError(_in_use(db_path)) from exc
        return
    except errors.DatabaseError:
        return
    if mode.lower() != "delete":
        raise BackupError(_in_use(db_path))


def _in_use(db_path: Path) -> str:
    return (
        f"{db_path} is in use by another program (is tracker open in another terminal?). "
        "Close it and try again; nothing was changed."
    )


def restore(
    file: Path,
    db_path: Path,
    on_checked: Callable[[BackupInfo], None] | None = None,
    warn: Warn | None = None,
) -> RestoreResult:
    """Replace the database at ``db_path`` with the backup ``file``.

    Order: check the file (nothing changes if it is not sound); copy it with the
    backup API into a temp file beside the database and check the copy; keep the
    current database as a backup; retire the old -wal/-shm; then ``os.replace``.

    An encrypted database stays encrypted with its key: a plain backup, or one under
    another key, is re-encrypted with it on the way in (its key must be unlocked:
    :mod:`tracker.store.cipher`). Into a plain database, or where there is none, the
    backup comes as it is (an encrypted one stays encrypted).
    """
    from tracker.store import cipher, copy_database, engine

    file, db_path = Path(file), Path(db_path)
    if db_path.exists() and file.resolve() == db_path.resolve():
        raise BackupError(f"{file} is the database in use; choose a backup to restore.")
    target_key = cipher.known_key(db_path)
    if target_key is None and cipher.is_encrypted(db_path):
        raise BackupError(
            f"{db_path} is encrypted and has not been unlocked, so what is restored could "
            "not be given its key; nothing was changed. (If its passphrase is lost, move "
            "it away first.)"
        )
    info = inspect(file)
    if on_checked is not None:
        on_checked(info)

    with _refusals():
        private_dir(db_path.parent)
    remove_leftovers(db_path)
    with _refusals(), private_path(db_path, replace_ours=True) as tmp:
        if target_key is not None and cipher.file_salt(file) != target_key.salt:
            # (SQLCipher's library, which alone can export, even for a plain backup;
            # an export attaches, so not read-only)
            source = cipher.connect_file(file, library=engine.SQLCIPHER)
            try:
                cipher.export(source, tmp, target_key)
            finally:
                source.close()
        else:
            source = _read_only(file)
            try:
                copy_database(source, tmp)
            finally:
                source.close()
        inspect(tmp)
        if db_path.exists():  # in use elsewhere: refused before anything is kept or pruned
            _out_of_wal_or_refuse(db_path)
        kept = _keep_current(db_path, warn)
        _retire_journal(db_path)
    return RestoreResult(info, kept)
