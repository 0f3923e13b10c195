"""Backups at their edges: a clock that ran ahead, copies left by a killed process,
and several databases sharing one folder.

- Rotation never deletes the backup it has just made, and backups dated in the
  future never push today's out (a property over any set of dates).
- The temporary copies a killed backup, restore, export or report leaves behind are
  hidden full copies of the data: the next run removes them, and never one that a
  running process is still writing. Checked both with planted leftovers of a process
  that has ended and by killing real commands while they write.
- ``tracker restore`` (the listing) and rotation see only this database's backups.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import FROZEN_TODAY, tracker_executable
from tests.trust_helpers import cli, populate, write_checkins_csv
from tracker import backup, clock
from tracker.backup import backup_kind, kept_dailies, list_backups
from tracker.files import remove_stale_temporaries
from tracker.models import CheckIn
from tracker.portability.importer import import_path
from tracker.store import Store


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "data" / "tracker.db"
    with Store.open(path) as store:
        populate(store)
    return path


def run(
    db: Path,
    *args: str,
    today: dt.date = FROZEN_TODAY,
    cwd: Path | None = None,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRACKER_TODAY": today.isoformat()}
    return subprocess.run(
        [tracker_executable(), "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=cwd,
        input=input,
    )


def dailies(db: Path) -> list[dt.date]:
    return [day for day, _ in backup.daily_backups(db)]


# --- Rotation and the clock ---------------------------------------------------------


def test_backups_dated_in_the_future_never_push_out_todays(db):
    """The clock ran ahead for ten days, then came back: today's backup stays."""
    for n in range(1, 11):
        clock.freeze(FROZEN_TODAY + dt.timedelta(days=365 + n))
        assert backup.daily_backup(db) is not None
    ahead = dailies(db)
    assert len(ahead) >= 7
    clock.freeze(FROZEN_TODAY)
    made = backup.daily_backup(db)
    assert made is not None and made.exists()
    assert dailies(db) == [FROZEN_TODAY, *ahead]  # the future ones: kept, not counted
    clock.freeze(FROZEN_TODAY + dt.timedelta(days=1))
    backup.daily_backup(db)
    assert {FROZEN_TODAY, FROZEN_TODAY + dt.timedelta(days=1)} <= set(dailies(db))


def test_the_same_through_the_command(db):
    for n in range(1, 9):
        assert run(db, "status", today=FROZEN_TODAY + dt.timedelta(days=400 + n)).returncode in (
            0,
            1,
        )
    result = run(db, "status")
    assert result.returncode in (0, 1), result.stderr
    assert (db.parent / "backups" / "tracker-daily-2026-11-28.db").exists()


@given(
    days=st.sets(st.dates(dt.date(2020, 1, 1), dt.date(2035, 1, 1)), max_size=40),
    today=st.dates(dt.date(2024, 1, 1), dt.date(2030, 1, 1)),
)
def test_rotation_keeps_today_every_future_day_and_the_newest_seven(days, today):
    used = sorted(days | {today})
    keep = kept_dailies(used, today)
    assert today in keep
    assert {d for d in used if d > today} <= keep
    assert set([d for d in used if d <= today][-7:]) <= keep
    past_kept = [d for d in keep if d <= today]
    assert len(past_kept) <= 7 + 4


def test_rotation_never_deletes_the_backup_it_has_just_made(db, monkeypatch):
    """Whatever rotation decides, the file just written is not among the deleted."""
    monkeypatch.setattr(backup, "kept_dailies", lambda days, today=None: set())
    made = backup.daily_backup(db)
    assert made is not None and made.exists()


def test_event_backups_written_in_the_future_never_push_out_the_new_one(db):
    folder = db.parent / "backups"
    future = time.time() + 400 * 86400
    ahead = []
    for n in range(7):
        made = backup.backup_before(db, "import")
        os.utime(made, (future + n, future + n))
        ahead.append(made)
    newest = backup.backup_before(db, "import")
    assert newest.exists()
    assert all(p.exists() for p in ahead)  # kept, not counted
    past = time.time() - 86400
    for made in ahead:
        os.utime(made, (past, past))
    newest = backup.backup_before(db, "import")
    kept = [p for p in folder.iterdir() if backup_kind(db, p.name) == "pre-import"]
    assert newest in kept and len(kept) == 5


# --- Leftovers of a killed process ---------------------------------------------------


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def plant(folder: Path, name: str, pid: int, suffix: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".{name}.tmp-{pid}-0{suffix}"
    path.write_bytes(b"SQLite format 3\x00 a hidden full copy of the data")
    return path


def test_leftovers_of_an_ended_process_are_removed_on_the_next_run(db):
    pid = dead_pid()
    backups = db.parent / "backups"
    left = [
        plant(backups, "tracker-manual-20261128-101010.db", pid),
        plant(backups, "tracker-manual-20261128-101010.db", pid, "-journal"),
        plant(backups, "tracker-pre-migration-v1-20261128-101010.db", pid),
        plant(db.parent, "tracker.db", pid),  # a killed restore's copy
        plant(db.parent, "tracker.db", pid, "-journal"),
    ]
    alive = [
        plant(backups, "tracker-manual-20261128-111111.db", os.getpid()),
        plant(db.parent, "tracker.db", os.getpid()),
    ]
    others = [plant(db.parent, "notes.txt", pid)]  # beside the database: not tracker's name
    link = db.parent / f".tracker.db.tmp-{pid}-7"
    link.symlink_to(db.parent / "elsewhere")
    result = run(db, "status")
    assert result.returncode in (0, 1), result.stderr
    assert not any(p.exists() for p in left)
    assert all(p.exists() for p in alive + others)
    assert link.is_symlink()


def test_a_long_unchanged_leftover_is_removed_even_if_its_id_is_in_use_again(tmp_path):
    old = plant(tmp_path, "x.csv", os.getpid())  # an id in use (after a restart, say)
    week_ago = time.time() - 7 * 86400
    os.utime(old, (week_ago, week_ago))
    fresh = plant(tmp_path, "y.csv", os.getpid())
    assert remove_stale_temporaries(tmp_path) == [old]
    assert fresh.exists()


def big_database(path: Path, tmp_path: Path, n: int = 30_000) -> Path:
    source = tmp_path / "big.csv"
    write_checkins_csv(source, n)
    with Store.open(path) as store:
        import_path(store, source)
    return path


def temporaries(*folders: Path) -> list[Path]:
    found = []
    for folder in folders:
        if folder.is_dir():
            found += [p for p in folder.iterdir() if ".tmp-" in p.name]
    return found


def kill_while_writing(
    args: list[str], watch: list[Path], db: Path, cwd: Path | None = None, tries: int = 6
) -> bool:
    """Run ``tracker ARGS`` and SIGKILL it as soon as a temporary file appears in one of
    ``watch``; True if it was killed with one left behind."""
    env = {**os.environ, "TRACKER_TODAY": FROZEN_TODAY.isoformat()}
    for _ in range(tries):
        proc = subprocess.Popen(
            [tracker_executable(), "--db", str(db), *args],
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if temporaries(*watch):
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.0005)
        proc.wait()
        if proc.returncode == -signal.SIGKILL and temporaries(*watch):
            return True
    return False


@pytest.mark.slow
def test_a_killed_backup_leaves_nothing_after_the_next_run(db, tmp_path):
    big_database(db, tmp_path)
    backups = db.parent / "backups"
    if not kill_while_writing(["backup"], [backups], db):
        pytest.skip("the backup finished before it could be killed")
    assert run(db, "backup").returncode == 0
    assert temporaries(backups, db.parent) == []


@pytest.mark.slow
def test_a_killed_restore_leaves_nothing_after_the_next_run(db, tmp_path):
    big_database(db, tmp_path)
    kept = backup.make_backup(db)
    if not kill_while_writing(["restore", "--yes", str(kept)], [db.parent], db):
        pytest.skip("the restore finished before it could be killed")
    assert run(db, "list").returncode == 0
    assert temporaries(db.parent, db.parent / "backups") == []


@pytest.mark.slow
def test_a_killed_export_leaves_nothing_after_the_next_export(db, tmp_path):
    big_database(db, tmp_path)
    out = tmp_path / "out"
    if not kill_while_writing(["export", "--out", str(out)], [out], db):
        pytest.skip("the export finished before it could be killed")
    assert run(db, "export", "--out", str(out)).returncode == 0, "export again"
    assert temporaries(out) == []


# --- Several databases in one folder ---------------------------------------------------


NEIGHBOURS = ["tracker-old", "tracker-daily", "tracker-manual-20261128-101010", "other"]


@pytest.fixture
def neighbours(db) -> list[Path]:
    paths = []
    for stem in NEIGHBOURS:
        path = db.parent / f"{stem}.db"
        with Store.open(path) as store:
            store.save_checkin(CheckIn.create(day="2026-11-20", mood=3, note=stem))
        paths.append(path)
    return paths


def test_the_listing_shows_only_this_databases_backups(db, neighbours):
    theirs = []
    for path in neighbours:
        theirs += [
            backup.make_backup(path),
            backup.daily_backup(path),
            backup.backup_before(path, "import"),
        ]
    mine = [backup.make_backup(db), backup.backup_before(db, "restore")]
    (db.parent / "backups" / "tracker-notes.db").write_bytes(b"x")  # not a backup name
    result = cli("--db", str(db), "restore")
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.output.splitlines() if line.startswith("  ")}
    assert listed == {p.name for p in mine}
    assert [p for p in list_backups(db)] == sorted(
        mine, key=lambda p: p.stat().st_mtime, reverse=True
    )
    for path in neighbours:
        assert all(backup_kind(path, p.name) for p in list_backups(path))
        assert not set(list_backups(path)) & set(mine)


def test_rotation_of_one_database_never_deletes_anothers(db, neighbours):
    theirs = [backup.backup_before(path, "import") for path in neighbours for _ in range(6)]
    survivors = {p for p in theirs if p.exists()}
    for _ in range(8):
        backup.backup_before(db, "import")
    for day in range(30):
        clock.freeze(FROZEN_TODAY + dt.timedelta(days=day))
        backup.daily_backup(db)
    assert all(p.exists() for p in survivors)
    for path in neighbours:
        assert (
            len([p for p in list_backups(path) if backup_kind(path, p.name) == "pre-import"]) == 5
        )


@pytest.mark.parametrize(
    "name, kind",
    [
        ("tracker-daily-2026-11-28.db", "daily"),
        ("tracker-manual-20261128-101010.db", "manual"),
        ("tracker-manual-20261128-101010-3.db", "manual"),
        ("tracker-backup-20261128-101010.db", "backup"),
        ("tracker-pre-import-20261128-101010.db", "pre-import"),
        ("tracker-pre-restore-20261128-101010-as-found.db", "pre-restore"),
        ("tracker-pre-migration-v2-20261128-101010.db", "pre-migration"),
        ("tracker-old-daily-2026-11-28.db", None),
        ("tracker-daily-daily-2026-11-28.db", None),
        ("tracker-manual-20261128-101010-daily-2026-11-28.db", None),
        ("tracker-daily-2026-11-28.db-journal", None),
        (".tracker-daily-2026-11-28.db.tmp-1-0", None),
        ("tracker.db", None),
    ],
)
def test_which_names_are_this_databases_backups(name, kind):
    assert backup_kind(Path("/x/tracker.db"), name) == kind
