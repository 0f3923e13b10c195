"""Backups in a second place (``TRACKER_BACKUP_DIR``, or ``tracker backup
--second-place DIR``): a copy of each backup made beside the database, rotated the
same way there; a place that is missing or cannot be written is one warning line,
and the backup beside the database is made all the same."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest

from tests.trust_helpers import file_hash, populate
from tracker import backup, clock
from tracker.store import Store
from tracker.store import schema as store_module


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "data" / "tracker.db"
    with Store.open(path) as s:
        populate(s)
    return path


@pytest.fixture
def place(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "other disk"
    folder.mkdir()
    monkeypatch.setenv("TRACKER_BACKUP_DIR", str(folder))
    return folder


def _copies(db: Path, place: Path) -> list[str]:
    folder = backup.second_folder(db, place)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_each_daily_backup_is_copied_and_rotated_the_same_way(db, place):
    first = dt.date(2026, 9, 1)
    for n in range(60):
        clock.freeze(first + dt.timedelta(days=n))
        made = backup.daily_backup(db)
        assert made is not None
        copy = backup.second_folder(db, place) / made.name
        assert file_hash(copy) == file_hash(made)
    clock.freeze(dt.date(2026, 11, 28))
    beside = sorted(p.name for p in made.parent.iterdir())
    assert _copies(db, place) == beside and len(beside) == 11  # 7 daily, 4 weekly
    folder = backup.second_folder(db, place)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / made.name).stat().st_mode) == 0o600


def test_each_kind_of_backup_is_copied(db, place, tmp_path, monkeypatch, run_tracker):
    export = tmp_path / "export"
    assert run_tracker("export", "--out", str(export), db=db).returncode == 0
    assert run_tracker("backup", db=db).returncode == 0  # manual
    with Store.open(db) as s:  # an import that replaces a record keeps a backup first
        c = s.checkins()[0]
        s.save_checkin(c.with_changes(updated_at="2026-01-01T00:00:00+00:00"))
    assert run_tracker("import", str(export), db=db).returncode == 0
    kinds = {backup.backup_kind(db, name) for name in _copies(db, place)}
    assert {"manual", "daily", "pre-import"} <= kinds

    def next_migration(database):
        database.execute("CREATE TABLE later (x)")

    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, next_migration])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", len(store_module.MIGRATIONS))
    from tracker.opening import open_database

    warnings: list[str] = []
    open_database(db, warn=warnings.append).close()
    assert "pre-migration" in {backup.backup_kind(db, n) for n in _copies(db, place)}
    assert warnings == []


def test_a_missing_place_is_one_warning_and_the_backup_is_made(db, tmp_path, run_tracker):
    gone = tmp_path / "unplugged disk"
    result = run_tracker(
        "status", db=db, env={"TRACKER_BACKUP_DIR": str(gone), "TRACKER_TODAY": "2026-11-29"}
    )
    assert result.returncode in (0, 1)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Warning: the second place for backups")
    assert "is not there" in lines[0] and "only in" in lines[0]
    assert (db.parent / "backups" / "tracker-daily-2026-11-29.db").exists()
    assert not gone.exists()  # a mount point is not filled in
    again = run_tracker(
        "status", db=db, env={"TRACKER_BACKUP_DIR": str(gone), "TRACKER_TODAY": "2026-11-29"}
    )
    assert again.stderr == ""  # said once, with the backup; not on every command


def test_a_place_that_cannot_be_written_is_one_warning(db, place, run_tracker):
    backup.second_folder(db, place).write_text("a file where the folder would go")
    result = run_tracker("backup", db=db)
    assert result.returncode == 0
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Warning: the second copy could not be written")
    assert "Backed up" in result.stdout


def test_a_link_as_the_place_is_not_followed(db, tmp_path, run_tracker):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    result = run_tracker("backup", db=db, env={"TRACKER_BACKUP_DIR": str(link)})
    assert result.returncode == 0 and "symbolic link" in result.stderr
    assert list(real.iterdir()) == []


def test_a_daily_copy_missed_is_made_when_the_place_is_back(db, tmp_path, monkeypatch):
    place = tmp_path / "disk"
    monkeypatch.setenv("TRACKER_BACKUP_DIR", str(place))
    from tracker.opening import open_database

    warnings: list[str] = []
    open_database(db, warn=warnings.append).close()
    assert len(warnings) == 1
    place.mkdir()  # plugged in again, later that day
    open_database(db, warn=warnings.append).close()
    assert len(warnings) == 1 and _copies(db, place) == ["tracker-daily-2026-11-28.db"]


def test_the_setting_and_the_variable(db, tmp_path, run_tracker, monkeypatch):
    monkeypatch.delenv("TRACKER_BACKUP_DIR", raising=False)
    chosen = tmp_path / "chosen"
    chosen.mkdir()

    def manual(place: Path) -> int:
        return sum(backup.backup_kind(db, n) == "manual" for n in _copies(db, place))

    result = run_tracker("backup", "--second-place", str(chosen), db=db)
    assert result.returncode == 0 and "a second copy of each is kept in" in result.stdout
    assert run_tracker("backup", db=db).returncode == 0
    assert manual(chosen) == 1
    over = tmp_path / "over"
    over.mkdir()
    assert run_tracker("backup", db=db, env={"TRACKER_BACKUP_DIR": str(over)}).returncode == 0
    assert manual(over) == 1 and manual(chosen) == 1  # the variable wins
    assert run_tracker("backup", db=db, env={"TRACKER_BACKUP_DIR": ""}).returncode == 0
    assert manual(chosen) == 1  # set and empty: no second copy
    assert run_tracker("backup", "--no-second-place", db=db).returncode == 0
    assert run_tracker("backup", db=db).returncode == 0
    assert manual(chosen) == 1
    missing = run_tracker("backup", "--second-place", str(tmp_path / "nope"), db=db)
    assert missing.returncode == 3 and "not a folder that is there" in missing.stderr


def test_two_databases_share_a_place_without_touching_each_others(tmp_path, place):
    one, two = tmp_path / "a" / "tracker.db", tmp_path / "b" / "tracker.db"
    for path in (one, two):
        with Store.open(path) as s:
            populate(s)
        backup.daily_backup(path)
    assert backup.second_folder(one, place) != backup.second_folder(two, place)
    assert _copies(one, place) == _copies(two, place) == ["tracker-daily-2026-11-28.db"]
