"""The exit codes of import, backup, restore, export, chart and report, as the README
lists them: 0 done; 2 bad input or usage, nothing written; 3 the database or a file
cannot be used as it is (missing, damaged, foreign, a target that exists).

Each case runs the real command and checks the code, that stderr holds no traceback
and at least one "Error:" line (for 2 and 3), and that the database is unchanged.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FROZEN_TODAY, tracker_executable
from tests.test_backup import corrupt_checkins_page
from tests.trust_helpers import CHECKIN_HEADER, db_digest, populate
from tracker import backup
from tracker.store import Store

Setup = Callable[[Path, Path], list[str]]


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "data" / "tracker.db"
    with Store.open(path) as store:
        populate(store)
    return path


def run(db: Path, args: list[str], cwd: Path, input: str | None = None):
    env = {**os.environ, "TRACKER_TODAY": FROZEN_TODAY.isoformat()}
    return subprocess.run(
        [tracker_executable(), "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=cwd,
        input=input,
    )


def export_csv(db: Path, work: Path) -> Path:
    out = work / "export"
    assert run(db, ["export", "--out", str(out)], work).returncode == 0
    return out / "checkins.csv"


def with_row(path: Path, **changes: str) -> Path:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert header == CHECKIN_HEADER
    cells = dict(zip(header, [""] * len(header), strict=True))
    cells.update(
        id="6f1c1b7e-3b8e-4c36-9a55-000000000042",
        day="2026-11-22",
        created_at="2026-11-22T08:00:00+01:00",
        updated_at="2026-11-22T08:00:00+01:00",
        mood="3",
    )
    cells.update(changes)
    target = path.parent.parent / "one.csv"
    target.write_text(
        lines[0] + "\r\n" + ",".join(cells[c] for c in header) + "\r\n", encoding="utf-8"
    )
    return target


def fifo(work: Path, name: str = "p.csv") -> Path:
    path = work / name
    os.mkfifo(path)
    return path


def existing(work: Path, name: str) -> Path:
    path = work / name
    path.write_text("mine\n")
    return path


CASES: dict[str, tuple[int, Setup]] = {
    # import
    "import: an export": (0, lambda db, w: ["import", str(with_row(export_csv(db, w)))]),
    "import: dry run": (0, lambda db, w: ["import", "--dry-run", str(with_row(export_csv(db, w)))]),
    "import: nothing new": (0, lambda db, w: ["import", str(export_csv(db, w))]),
    "import: a record fails validation": (
        2,
        lambda db, w: ["import", str(with_row(export_csv(db, w), mood="9"))],
    ),
    "import: a blank required day": (
        2,
        lambda db, w: ["import", str(with_row(export_csv(db, w), day=""))],
    ),
    "import: not UTF-8": (2, lambda db, w: ["import", str(_bytes(w, b"\xff\xfe\x00"))]),
    "import: a FIFO": (3, lambda db, w: ["import", str(fifo(w))]),
    "import: a device": (3, lambda db, w: ["import", "/dev/zero"]),
    "import: a file not named .csv or .json": (
        2,
        lambda db, w: ["import", str(existing(w, "n.txt"))],
    ),
    "import: too large": (2, lambda db, w: ["import", str(_sparse(w, 129 * 1024 * 1024))]),
    "import: --map-mood without daylio": (
        2,
        lambda db, w: ["import", "--map-mood", "a=1", str(export_csv(db, w))],
    ),
    "import: a bad --map-mood": (
        2,
        lambda db, w: ["import", "--from", "daylio", "--map-mood", "x", "/dev/zero"],
    ),
    "import: daylio, a FIFO": (3, lambda db, w: ["import", "--from", "daylio", str(fifo(w))]),
    "import: a missing file": (3, lambda db, w: ["import", str(w / "nope.csv")]),
    "import: daylio, a missing file": (
        3,
        lambda db, w: ["import", "--from", "daylio", str(w / "nope.csv")],
    ),
    # backup
    "backup: to the backups folder": (0, lambda db, w: ["backup"]),
    "backup: into a folder": (0, lambda db, w: ["backup", str(w)]),
    "backup: a target that exists": (3, lambda db, w: ["backup", str(existing(w, "b.db"))]),
    "backup: a target folder that is missing": (
        3,
        lambda db, w: ["backup", str(w / "no" / "b.db")],
    ),
    "backup: too many arguments": (2, lambda db, w: ["backup", "a", "b"]),
    # restore
    "restore: the listing": (0, lambda db, w: ["restore"]),
    "restore: --yes": (0, lambda db, w: ["restore", "--yes", str(backup.make_backup(db))]),
    "restore: a missing file": (3, lambda db, w: ["restore", "--yes", str(w / "no.db")]),
    "restore: not a database": (3, lambda db, w: ["restore", "--yes", str(existing(w, "x.db"))]),
    "restore: not confirmed": (2, lambda db, w: ["restore", str(backup.make_backup(db))]),
    # export
    "export: a folder": (0, lambda db, w: ["export", "--out", str(w / "new")]),
    "export: a table to the screen": (0, lambda db, w: ["export", "--table", "checkins"]),
    "export: a table to a file that exists": (
        3,
        lambda db, w: ["export", "--table", "checkins", "--out", str(existing(w, "c.csv"))],
    ),
    "export: a file not written by tracker in the folder": (
        3,
        lambda db, w: ["export", "--out", str(existing(_folder(w / "f"), "checkins.csv").parent)],
    ),
    "export: a FIFO as the folder's list": (
        3,
        lambda db, w: ["export", "--out", str(fifo(_folder(w / "g"), ".tracker-export").parent)],
    ),
    "export: a table that is not one": (2, lambda db, w: ["export", "--table", "nope"]),
    # chart
    "chart: mood": (0, lambda db, w: ["chart", "mood"]),
    "chart: a metric that is not one": (2, lambda db, w: ["chart", "weather"]),
    "chart: a bad --since": (2, lambda db, w: ["chart", "mood", "--since", "2026-13-01"]),
    "chart: --days and --since": (
        2,
        lambda db, w: ["chart", "mood", "--days", "3", "--since", "2026-11-01"],
    ),
    # report
    "report: to the screen": (0, lambda db, w: ["report"]),
    "report: to a new file": (0, lambda db, w: ["report", "--out", str(w / "r.md")]),
    "report: a bad --until": (2, lambda db, w: ["report", "--until", "tomorrow"]),
    "report: backwards": (
        2,
        lambda db, w: ["report", "--since", "2026-11-20", "--until", "2026-11-01"],
    ),
    "report: a file that exists": (3, lambda db, w: ["report", "--out", str(existing(w, "r.md"))]),
    "report: a link": (3, lambda db, w: ["report", "--out", str(_link(w))]),
    "report: a folder that is missing": (
        3,
        lambda db, w: ["report", "--out", str(w / "no" / "r.md")],
    ),
}


def _bytes(work: Path, data: bytes) -> Path:
    path = work / "checkins.csv"
    path.write_bytes(data)
    return path


def _sparse(work: Path, size: int) -> Path:
    path = work / "checkins.csv"
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _link(work: Path) -> Path:
    link = work / "r.md"
    link.symlink_to(work / "elsewhere.md")
    return link


@pytest.mark.parametrize("case", sorted(CASES))
def test_exit_code(db, tmp_path, case):
    code, setup = CASES[case]
    work = tmp_path / "work"
    work.mkdir()
    args = setup(db, work)
    changes_data = code == 0 and args[:1] in (["import"], ["restore"]) and "--dry-run" not in args
    before = db_digest(db)
    result = run(db, args, work, input="")
    assert result.returncode == code, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    if code:
        assert "Error:" in result.stderr or "Aborted" in result.stderr, result.stderr
    if not changes_data:
        assert db_digest(db) == before


@pytest.mark.parametrize(
    "command", [["import", "x.csv"], ["backup"], ["export"], ["chart", "mood"], ["report"]]
)
@pytest.mark.parametrize("kind", ["missing", "damaged", "foreign"])
def test_a_database_that_cannot_be_used_is_3(tmp_path, db, command, kind):
    work = tmp_path / "work"
    work.mkdir()
    (work / "x.csv").write_text(",".join(CHECKIN_HEADER) + "\r\n")
    target = tmp_path / "other" / "tracker.db"
    target.parent.mkdir()
    if kind == "damaged":
        target.write_bytes(db.read_bytes())
        corrupt_checkins_page(target)
    elif kind == "foreign":
        conn = sqlite3.connect(str(target))
        conn.execute("PRAGMA application_id = 1234")
        conn.execute("CREATE TABLE t (x)")
        conn.close()
    if kind == "missing" and command[0] == "import":
        pytest.skip("import writes: it makes the database, as add does")
    before = target.read_bytes() if target.exists() else None
    result = run(target, command, work)
    assert result.returncode == 3, (command, result.stderr)
    assert "Traceback" not in result.stderr and "Error:" in result.stderr
    assert (target.read_bytes() if target.exists() else None) == before
