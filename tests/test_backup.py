"""Backups (daily, before migrations, on demand), rotation, and restore."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.trust_helpers import cli, db_digest, file_hash, populate
from tracker import backup, clock
from tracker.backup import BackupError, inspect, kept_dailies, restore
from tracker.models import CheckIn
from tracker.store import Store
from tracker.store import schema as store_module


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "data" / "tracker.db"
    with Store.open(path) as s:
        populate(s)
    return path


def add(path: Path, note: str, day: str = "2026-11-27") -> None:
    with Store.open(path) as s:
        s.save_checkin(CheckIn.create(day=day, mood=3, note=note))


def notes(path: Path) -> set[str]:
    with Store.open(path) as s:
        return {c.note for c in s.checkins()}


# --- daily backups and rotation --------------------------------------------------------


def test_daily_backup_once_a_day_private_and_sound(db):
    made = backup.daily_backup(db)
    assert made == db.parent / "backups" / "tracker-daily-2026-11-28.db"
    assert mode(made) == 0o600
    assert mode(made.parent) == 0o700
    info = inspect(made)
    assert info.checkins == 2
    assert not Path(f"{made}-wal").exists()  # one self-contained file
    first = file_hash(made)
    add(db, "later the same day")
    assert backup.daily_backup(db) is None  # today's exists: nothing more
    assert file_hash(made) == first


def test_the_backup_is_consistent_while_another_connection_writes(db):
    writer = sqlite3.connect(str(db), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE checkins SET note = 'half-written'")
    made = backup.daily_backup(db)  # the uncommitted change is not in it
    writer.execute("ROLLBACK")
    writer.close()
    assert "half-written" not in notes(made)


def _days(start: str, count: int) -> list[dt.date]:
    first = dt.date.fromisoformat(start)
    return [first + dt.timedelta(days=i) for i in range(count)]


def test_rotation_keeps_7_daily_and_4_weekly(db):
    days = _days("2026-09-01", 60)  # Tue 1 Sep .. Fri 30 Oct 2026, used every day
    for day in days:
        clock.freeze(day)
        backup.daily_backup(db)
    clock.freeze(dt.date(2026, 11, 28))
    kept = sorted(d for d, _ in backup.daily_backups(db))
    newest_seven = days[-7:]
    older = [d for d in days if d not in newest_seven]
    weeks: dict[tuple[int, int], dt.date] = {}
    for d in older:
        weeks.setdefault(d.isocalendar()[:2], d)
    assert kept == sorted(newest_seven + sorted(weeks.values())[-4:])
    # The weekly ones are the Monday of their weeks (the first backup of each week).
    assert [d.isoweekday() for d in kept[:4]] == [1, 1, 1, 1]
    assert len(kept) == 11


def test_rotation_with_gaps_counts_backups_not_calendar_days():
    used = [dt.date(2026, 10, d) for d in (1, 2, 9, 14, 15, 20, 27, 28, 29)] + [
        dt.date(2026, 11, d) for d in (3, 10, 11, 12, 25)
    ]
    keep = kept_dailies(used)
    assert sorted(keep)[-7:] == sorted(used)[-7:]
    # Before those: first backup of each ISO week, the 4 most recent such weeks.
    assert sorted(keep)[:-7] == [
        dt.date(2026, 10, 9),
        dt.date(2026, 10, 14),
        dt.date(2026, 10, 20),
        dt.date(2026, 10, 27),
    ]
    assert kept_dailies(used[:3]) == set(used[:3])


def test_rotation_leaves_other_files_alone(db):
    folder = db.parent / "backups"
    folder.mkdir(mode=0o700)
    mine = folder / "tracker-manual-20260101-120000.db"
    mine.write_bytes(b"x")
    other = folder / "notes.txt"
    other.write_text("keep me")
    for day in _days("2026-10-01", 30):
        clock.freeze(day)
        backup.daily_backup(db)
    assert mine.exists() and other.read_text() == "keep me"


def test_first_use_of_the_day_through_the_cli(tmp_path, run_tracker):
    db = tmp_path / "data" / "tracker.db"
    assert run_tracker("add", "--mood", "4", db=db).returncode == 0
    assert not (db.parent / "backups").exists()  # a brand-new database: nothing to keep yet
    result = run_tracker("status", db=db, env={"TRACKER_TODAY": "2026-11-29"})
    assert "Checked in" not in result.stderr
    assert (db.parent / "backups" / "tracker-daily-2026-11-29.db").exists()


# --- before a migration --------------------------------------------------------------------


def test_a_migration_is_preceded_by_a_backup(db, monkeypatch):
    def next_migration(database):
        database.execute("CREATE TABLE settings_test (k TEXT)")

    old = store_module.SCHEMA_VERSION
    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, next_migration])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", len(store_module.MIGRATIONS))
    result = cli("--db", str(db), "list")
    assert result.exit_code == 0, result.output
    made = list((db.parent / "backups").glob(f"tracker-pre-migration-v{old}-*.db"))
    assert len(made) == 1 and mode(made[0]) == 0o600
    conn = sqlite3.connect(str(made[0]))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == old
    conn.close()
    with Store.open(db) as s:
        assert s.schema_version == old + 1


def test_a_damaged_database_is_not_migrated(db, monkeypatch):
    corrupt_checkins_page(db)
    before = file_hash(db)
    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, lambda d: None])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", len(store_module.MIGRATIONS))
    result = cli("--db", str(db), "list")
    assert result.exit_code == 3
    assert "is damaged" in result.output and "tracker restore" in result.output
    assert "was not upgraded" in result.output
    assert file_hash(db) == before


def corrupt_checkins_page(db: Path) -> None:
    """Overwrite the middle of the check-ins table's root page (the header stays valid)."""
    conn = sqlite3.connect(str(db))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'checkins'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(db, "r+b") as handle:
        handle.seek((root - 1) * page_size + 8)
        handle.write(b"\xff" * 64)


# --- tracker backup [PATH] --------------------------------------------------------------


def test_backup_command_into_folder_file_and_default(db, tmp_path):
    result = cli("--db", str(db), "backup")
    assert result.exit_code == 0, result.output
    assert "checked: sound" in result.output
    assert list((db.parent / "backups").glob("tracker-manual-*.db"))
    folder = tmp_path / "usb"
    folder.mkdir()
    assert cli("--db", str(db), "backup", str(folder)).exit_code == 0
    (made,) = folder.glob("tracker-backup-*.db")
    assert mode(made) == 0o600 and inspect(made).checkins == 2
    target = tmp_path / "copy.db"
    assert cli("--db", str(db), "backup", str(target)).exit_code == 0
    assert inspect(target).checkins == 2


def test_backup_command_never_overwrites(db, tmp_path):
    existing = tmp_path / "mine.db"
    existing.write_bytes(b"precious")
    result = cli("--db", str(db), "backup", str(existing))
    assert result.exit_code == 3
    assert "already exists; it has not been touched" in result.output
    assert existing.read_bytes() == b"precious"
    missing = cli("--db", str(db), "backup", str(tmp_path / "nope" / "x.db"))
    assert "does not exist" in missing.output
    nothing = cli("--db", str(tmp_path / "none.db"), "backup")
    assert "no database" in nothing.output and not (tmp_path / "none.db").exists()


# --- restore --------------------------------------------------------------------------------


def test_restore_brings_back_a_backup_and_keeps_the_current_one(db):
    made = backup.make_backup(db)
    add(db, "written after the backup")
    result = restore(made, db)
    assert notes(db) == notes(made)
    assert "written after the backup" in notes(result.kept)
    assert mode(db) == 0o600
    assert result.kept.name.startswith("tracker-pre-restore-")
    with Store.open(db) as s:
        assert s.integrity_problems() == []


def test_restore_ignores_a_stale_wal_of_the_replaced_database(db, tmp_path):
    made = backup.make_backup(db)
    # Another process commits into the WAL and dies without checkpointing.
    script = (
        "import sqlite3, os, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "c.execute(\"UPDATE checkins SET note = 'only in the wal'\")\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(db)], check=True)
    assert Path(f"{db}-wal").stat().st_size > 0
    result = restore(made, db)
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
    assert "only in the wal" not in notes(db)
    assert notes(db) == notes(made)
    assert notes(result.kept) == {"only in the wal"}  # kept, with what was in its WAL


@pytest.mark.parametrize(
    "kind", ["garbage", "truncated", "other-sqlite", "newer", "damaged", "empty", "live"]
)
def test_restore_refuses_an_unsound_file_and_changes_nothing(db, tmp_path, kind):
    bad = tmp_path / "bad.db"
    good = backup.make_backup(db)
    if kind == "garbage":
        bad.write_bytes(b"this is not a database at all" * 100)
    elif kind == "truncated":
        bad.write_bytes(good.read_bytes()[:20_000])
    elif kind == "other-sqlite":
        conn = sqlite3.connect(str(bad))
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
    elif kind == "newer":
        bad.write_bytes(good.read_bytes())
        conn = sqlite3.connect(str(bad))
        conn.execute("PRAGMA user_version = 99")
        conn.close()
    elif kind == "damaged":
        bad.write_bytes(good.read_bytes())
        corrupt_checkins_page(bad)
    elif kind == "empty":
        bad.write_bytes(b"")
    else:
        bad = db
    before_hash, before_rows = file_hash(db), db_digest(db)
    files_before = sorted(p.name for p in (db.parent / "backups").iterdir())
    with pytest.raises(BackupError) as caught:
        restore(bad, db)
    assert str(bad) in str(caught.value)
    assert file_hash(db) == before_hash and db_digest(db) == before_rows
    assert sorted(p.name for p in (db.parent / "backups").iterdir()) == files_before


def test_restore_refuses_while_the_database_is_open_elsewhere(db):
    made = backup.make_backup(db)
    add(db, "newest")
    other = Store.open(db)  # as the app in another terminal holds it
    try:
        other.checkin_count()
        with pytest.raises(BackupError, match="in use by another program"):
            restore(made, db)
    finally:
        other.close()
    assert "newest" in notes(db)


def test_restore_over_a_damaged_database_keeps_it_as_found(db, tmp_path):
    made = backup.make_backup(db)
    db.write_bytes(b"\x00garbage" * 1000)
    result = restore(made, db)
    assert result.kept.name.endswith("-as-found.db")
    assert result.kept.read_bytes() == b"\x00garbage" * 1000
    assert notes(db) == notes(made)


def test_restore_command_asks_first(db):
    made = backup.make_backup(db)
    add(db, "newest")
    before = db_digest(db)
    no = cli("--db", str(db), "restore", str(made), input="n\n")
    assert no.exit_code == 2 and "Aborted" in no.output
    assert db_digest(db) == before
    listing = cli("--db", str(db), "restore")
    assert made.name in listing.output
    yes = cli("--db", str(db), "restore", str(made), input="y\n")
    assert yes.exit_code == 0, yes.output
    assert "Backup:   " in yes.output and "(2 check-ins, 2026-11-20 to 2026-11-21)" in yes.output
    assert "The database it replaced is kept at" in yes.output
    assert "newest" not in notes(db)
    refused = cli("--db", str(db), "restore", "--yes", str(db.parent / "nope.db"))
    assert refused.exit_code == 3 and "Nothing was changed" in refused.output


def test_backup_files_never_replace_the_database_by_accident(db):
    """Neither a daily backup nor a manual one writes anywhere but their own new files."""
    before = file_hash(db)
    backup.daily_backup(db)
    backup.make_backup(db)
    assert file_hash(db) == before
    assert os.listdir(db.parent) == ["tracker.db", "backups"] or set(os.listdir(db.parent)) <= {
        "tracker.db",
        "backups",
        "tracker.db-wal",
        "tracker.db-shm",
    }


def test_restore_into_a_place_with_no_database_yet(db, tmp_path):
    made = backup.make_backup(db)
    fresh = tmp_path / "new-machine" / "tracker.db"
    result = restore(made, fresh)
    assert result.kept is None
    assert notes(fresh) == notes(made)
    assert mode(fresh) == 0o600
