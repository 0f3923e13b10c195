"""A bad database file: not SQLite, cut short, or failing the integrity check.

Each gets a clear message that names the file and suggests 'tracker restore'; the file
is never modified or replaced, and no -wal / -shm files are left beside it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.test_backup import corrupt_checkins_page
from tests.trust_helpers import file_hash, populate
from tracker import backup
from tracker.store import Store, StoreError, check_sqlite_header


@pytest.fixture
def good(tmp_path) -> Path:
    path = tmp_path / "good" / "tracker.db"
    with Store.open(path) as s:
        populate(s)
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def make_bad(kind: str, good: Path, tmp_path: Path) -> Path:
    path = tmp_path / "bad" / "tracker.db"
    path.parent.mkdir()
    data = good.read_bytes()
    if kind == "garbage":
        path.write_bytes(b"My diary, day one. " * 500)
    elif kind == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "header-only":
        path.write_bytes(data[:60])
    elif kind == "odd-size":
        path.write_bytes(data + b"\x00" * 100)
    elif kind == "damaged":
        path.write_bytes(data)
        corrupt_checkins_page(path)
    else:
        raise AssertionError(kind)
    return path


def side_files(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


KINDS = ["garbage", "truncated", "header-only", "odd-size", "damaged"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", [["status"], ["add", "--mood", "3"], ["list"]])
def test_commands_refuse_a_bad_file_and_leave_it_alone(good, tmp_path, run_tracker, kind, command):
    bad = make_bad(kind, good, tmp_path)
    before = file_hash(bad)
    result = run_tracker(*command, db=bad)
    assert result.returncode == 3, result.stdout + result.stderr
    assert str(bad) in result.stderr
    assert "tracker restore" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Saved" not in result.stdout
    assert file_hash(bad) == before
    assert side_files(bad) == []  # no -wal, -shm (and no backup made of it)


def test_damage_found_after_todays_backup_is_reported_plainly(good, tmp_path, run_tracker):
    """Today's backup exists (no check runs at open): SQLite's "malformed" is reported."""
    bad = make_bad("damaged", good, tmp_path)
    backup.daily_backup(good)  # made from the good copy...
    folder = bad.parent / "backups"
    folder.mkdir(mode=0o700)
    (folder / "tracker-daily-2026-11-28.db").write_bytes(
        (good.parent / "backups" / "tracker-daily-2026-11-28.db").read_bytes()
    )
    before = file_hash(bad)
    result = run_tracker("list", "--days", "30", db=bad)
    assert result.returncode == 3
    assert "is damaged" in result.stderr and "tracker restore" in result.stderr
    assert str(folder) in result.stderr
    assert "Traceback" not in result.stderr
    assert file_hash(bad) == before


@pytest.mark.parametrize("kind", ["garbage", "truncated", "header-only", "odd-size"])
def test_store_open_refuses_before_sqlite_touches_the_file(good, tmp_path, kind):
    bad = make_bad(kind, good, tmp_path)
    before = file_hash(bad)
    with pytest.raises(StoreError) as caught:
        Store.open(bad)
    assert str(bad) in str(caught.value) and "tracker restore" in str(caught.value)
    assert file_hash(bad) == before
    assert side_files(bad) == []


def test_a_short_file_beside_a_wal_is_left_to_sqlite(good, tmp_path):
    """Mid-checkpoint the main file can be shorter than its header says while its -wal
    holds the rest; SQLite finishes that on open, so the size check stands aside."""
    bad = make_bad("truncated", good, tmp_path)
    with pytest.raises(StoreError, match="holds .* bytes where its header says"):
        check_sqlite_header(bad)
    Path(f"{bad}-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\x00" * 60)
    check_sqlite_header(bad)  # no size verdict: SQLite decides
    Path(f"{bad}-wal").write_bytes(b"")
    with pytest.raises(StoreError):
        check_sqlite_header(bad)  # an empty WAL holds nothing: the file is short


def test_the_opening_path_the_app_uses_refuses_a_bad_file_too(good, tmp_path):
    """The app never opens a database itself; the one opening path refuses for it."""
    from tracker.opening import OpenProblem, open_database

    warnings: list[str] = []
    bad = make_bad("garbage", good, tmp_path)
    with pytest.raises(OpenProblem) as caught:
        open_database(bad, warn=warnings.append)
    assert isinstance(caught.value.__cause__, StoreError)
    damaged = make_bad_other(good, tmp_path)
    with pytest.raises(OpenProblem) as caught:
        open_database(damaged, warn=warnings.append)
    assert isinstance(caught.value.__cause__, backup.DamagedDatabase)
    assert "tracker restore" in str(caught.value)
    assert side_files(damaged) == []
    assert warnings == []


def make_bad_other(good: Path, tmp_path: Path) -> Path:
    path = tmp_path / "bad2" / "tracker.db"
    path.parent.mkdir()
    path.write_bytes(good.read_bytes())
    corrupt_checkins_page(path)
    return path
