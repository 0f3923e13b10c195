"""The one file writer (tracker.files): private, exclusive, never through a link.

The first half runs the real ``tracker`` command in subprocesses with the umask set,
and looks at every file and folder it made. The second half holds the writer itself
to its rules, including races (a file or a link appearing while it writes).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FROZEN_TODAY, tracker_executable
from tracker.files import FileRefused, private_dir, private_file, private_path

UMASKS = [0o000, 0o022]


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def run(
    work: Path, umask: int, *args: str, db: Path | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The real ``tracker`` command, run in ``work`` under ``umask``."""
    cmd = ["sh", "-c", f'umask {umask:03o} && exec "$@"', "sh", tracker_executable()]
    if db is not None:
        cmd += ["--db", str(db)]
    env = {**os.environ, "TRACKER_TODAY": FROZEN_TODAY.isoformat()}
    env.pop("TRACKER_DB", None)
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, cwd=work, env=env, input=input, timeout=120
    )


def everything_under(root: Path) -> set[Path]:
    found = set()
    for folder, dirs, files in os.walk(root):
        found.update(Path(folder) / name for name in dirs + files)
    return found


@contextlib.contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def place(tmp_path):
    """A database with two check-ins (made by tracker at umask 022) and a work folder."""
    db = tmp_path / "home" / "data" / "tracker.db"
    work = tmp_path / "work"
    work.mkdir()
    for mood in ("2", "4"):
        result = run(work, 0o022, "add", "--mood", mood, "--note", "=1+1", db=db)
        assert result.returncode == 0, result.stderr
    return db, work


# --- Every writer, through the real command, at umask 000 and 022 ------------------------

EXISTING = "existing"  # a folder the test makes (0755) before the export writes into it
WRITERS = {
    "export to a new folder": (["export", "--out", "new/deeper"], ["new/deeper/checkins.csv"]),
    "export to an existing folder": (["export", "--out", EXISTING], [f"{EXISTING}/checkins.csv"]),
    "export to a folder named for today": (
        ["export"],
        [f"tracker-export-{FROZEN_TODAY.isoformat()}/.tracker-export"],
    ),
    "export one table to one file": (
        ["export", "--table", "checkins", "--out", "one.csv"],
        ["one.csv"],
    ),
    "export one table as JSON": (
        ["export", "--table", "supports", "--format", "json", "--out", "s.json"],
        ["s.json"],
    ),
    "report --out": (["report", "--out", "r.md"], ["r.md"]),
    "backup into the backups folder": (["backup"], []),
    "backup into a folder": (["backup", "kept"], []),
    "backup to a new file": (["backup", "copy.db"], ["copy.db"]),
}


@pytest.mark.parametrize("mask", UMASKS, ids=lambda m: f"umask-{m:03o}")
@pytest.mark.parametrize("writer", list(WRITERS))
def test_every_file_tracker_writes_is_0600_in_a_0700_folder(place, tmp_path, mask, writer):
    db, work = place
    (work / EXISTING).mkdir()
    (work / "kept").mkdir()
    for folder in (work / EXISTING, work / "kept"):
        folder.chmod(0o755)
    before = everything_under(tmp_path)
    args, expected = WRITERS[writer]
    result = run(work, mask, *args, db=db)
    assert result.returncode == 0, result.stderr
    made = everything_under(tmp_path) - before
    for name in expected:
        assert work / name in made, name
    assert any(p.is_file() for p in made), made
    for path in made:
        kind = "folder" if path.is_dir() else "file"
        assert not path.is_symlink(), path
        assert mode(path) == (0o700 if kind == "folder" else 0o600), (kind, path, oct(mode(path)))
    assert not [p for p in made if ".tmp-" in p.name]
    assert mode(work / EXISTING) == 0o755  # a folder tracker did not make keeps its mode


PRINTERS = {
    "report to the screen": (["report"], "# Practice record"),
    "one table to the screen": (["export", "--table", "checkins"], "id,day,created_at"),
    "one table as JSON to the screen": (["export", "--table", "supports", "--format", "json"], "["),
    "a chart": (["chart", "mood"], "Mood"),
    "the list of backups": (["restore"], "Backups of tracker.db"),
}


@pytest.mark.parametrize("mask", UMASKS, ids=lambda m: f"umask-{m:03o}")
@pytest.mark.parametrize("printer", list(PRINTERS))
def test_what_goes_to_the_screen_writes_no_file(place, tmp_path, mask, printer):
    """Printing writes nothing anywhere: no temporary file, no report, no side file."""
    db, work = place
    before = {p: p.stat().st_mtime_ns for p in everything_under(tmp_path) if p.is_file()}
    args, expected = PRINTERS[printer]
    result = run(work, mask, *args, db=db)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
    after = {p: p.stat().st_mtime_ns for p in everything_under(tmp_path) if p.is_file()}
    assert set(after) - set(before) == set(), set(after) - set(before)


@pytest.fixture
def users_folder(place) -> Path:
    """A folder the person made themselves at umask 000 (0777), with their own files."""
    _, work = place
    folder = work / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    (folder / "notes.txt").write_text("mine\n")
    return folder


@pytest.mark.parametrize("mask", UMASKS, ids=lambda m: f"umask-{m:03o}")
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_into_a_folder_tracker_did_not_make(place, users_folder, mask, fmt):
    """The decision: tracker writes its files 0600 there and never changes the folder's
    mode (it is the person's folder); it never writes over a file it did not write,
    and replaces only those its own list (.tracker-export) names."""
    db, work = place
    first = run(work, mask, "export", "--out", "shared", "--format", fmt, db=db)
    assert first.returncode == 0, first.stderr
    made = sorted(p.name for p in users_folder.iterdir())
    assert ".tracker-export" in made and f"checkins.{fmt}" in made
    for name in made:
        if name != "notes.txt":
            assert mode(users_folder / name) == 0o600, name
    assert mode(users_folder) == 0o777
    assert (users_folder / "notes.txt").read_text() == "mine\n"
    again = run(work, mask, "export", "--out", "shared", "--format", fmt, db=db)
    assert again.returncode == 0, again.stderr  # its own files: replaced, still 0600
    assert all(mode(users_folder / n) == 0o600 for n in made if n != "notes.txt")
    other = "json" if fmt == "csv" else "csv"
    (users_folder / f"checkins.{other}").write_text("the person's own file\n")
    refused = run(work, mask, "export", "--out", "shared", "--format", other, db=db)
    assert refused.returncode == 3, refused.stderr
    assert "was not written by tracker" in refused.stderr
    assert (users_folder / f"checkins.{other}").read_text() == "the person's own file\n"
    assert mode(users_folder) == 0o777
    assert not [p for p in users_folder.iterdir() if ".tmp-" in p.name]


@pytest.mark.parametrize("mask", UMASKS, ids=lambda m: f"umask-{m:03o}")
def test_a_backup_and_a_report_into_a_folder_tracker_did_not_make(place, users_folder, mask):
    db, work = place
    assert run(work, mask, "backup", "shared", db=db).returncode == 0
    assert run(work, mask, "report", "--out", "shared/r.md", db=db).returncode == 0
    assert (
        run(work, mask, "export", "--table", "checkins", "--out", "shared/c.csv", db=db).returncode
        == 0
    )
    for path in users_folder.iterdir():
        if path.name != "notes.txt":
            assert mode(path) == 0o600, path
    assert mode(users_folder) == 0o777


@pytest.mark.parametrize("mask", UMASKS, ids=lambda m: f"umask-{m:03o}")
def test_restore_leaves_a_0600_database_and_0600_backups(place, tmp_path, mask):
    db, work = place
    made = run(work, 0o022, "backup", "copy.db", db=db)
    assert made.returncode == 0, made.stderr
    before = everything_under(tmp_path)
    result = run(work, mask, "restore", "copy.db", "--yes", db=db)
    assert result.returncode == 0, result.stderr
    assert mode(db) == 0o600
    for path in everything_under(tmp_path) - before:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
        assert ".tmp-" not in path.name


# --- A link at the target, or as the folder: refused, and what it points to unchanged ---


@pytest.fixture
def victim(tmp_path) -> Path:
    """Someone else's file, elsewhere, that a planted link points at."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "theirs.txt"
    target.write_text("not tracker's\n", encoding="utf-8")
    target.chmod(0o644)
    return target


LINKED = {
    "export one table": ["export", "--table", "checkins", "--out", "link.csv"],
    "report --out": ["report", "--out", "link.md"],
    "backup to a file": ["backup", "link.db"],
}


def assert_refused_plainly(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), result.stderr


@pytest.mark.parametrize("dangling", [False, True], ids=["to a file", "dangling"])
@pytest.mark.parametrize("writer", list(LINKED))
def test_a_link_at_the_target_is_refused_and_its_target_unchanged(place, victim, writer, dangling):
    db, work = place
    pointed = victim.with_name("not-yet.txt") if dangling else victim
    name = LINKED[writer][-1]
    (work / name).symlink_to(pointed)
    result = run(work, 0o022, *LINKED[writer], db=db)
    assert_refused_plainly(result)
    assert (work / name).is_symlink() and os.readlink(work / name) == str(pointed)
    assert victim.read_text(encoding="utf-8") == "not tracker's\n"
    assert mode(victim) == 0o644
    assert not victim.with_name("not-yet.txt").exists()
    assert not [p for p in work.iterdir() if ".tmp-" in p.name]


def test_a_link_listed_in_the_export_manifest_is_still_refused(place, victim):
    db, work = place
    assert run(work, 0o022, "export", "--out", "out", db=db).returncode == 0
    (work / "out" / "checkins.csv").unlink()
    (work / "out" / "checkins.csv").symlink_to(victim)  # the name is in .tracker-export
    result = run(work, 0o022, "export", "--out", "out", db=db)
    assert_refused_plainly(result)
    assert "symbolic link" in result.stderr
    assert victim.read_text(encoding="utf-8") == "not tracker's\n"


@pytest.mark.parametrize(
    "args", [["export", "--out", "linked"], ["backup", "linked"]], ids=["export", "backup"]
)
def test_a_link_as_the_folder_is_refused(place, victim, args):
    db, work = place
    (work / "linked").symlink_to(victim.parent, target_is_directory=True)
    before = sorted(victim.parent.iterdir())
    result = run(work, 0o022, *args, db=db)
    assert_refused_plainly(result)
    assert "symbolic link" in result.stderr
    assert sorted(victim.parent.iterdir()) == before


# --- A file tracker did not write is never overwritten ---------------------------------


@pytest.mark.parametrize(
    "args, name",
    [
        (["export", "--out", "out"], "out/checkins.csv"),
        (["export", "--table", "checkins", "--out", "mine.csv"], "mine.csv"),
        (["report", "--out", "mine.md"], "mine.md"),
        (["backup", "mine.db"], "mine.db"),
    ],
    ids=["export folder", "export one file", "report", "backup"],
)
def test_a_file_tracker_did_not_write_is_never_overwritten(place, args, name):
    db, work = place
    theirs = work / name
    theirs.parent.mkdir(exist_ok=True)
    theirs.write_bytes(b"mine, not tracker's")
    result = run(work, 0o022, *args, db=db)
    assert_refused_plainly(result)
    assert theirs.read_bytes() == b"mine, not tracker's"


def test_an_export_replaces_only_the_files_its_manifest_lists(place):
    db, work = place
    assert run(work, 0o022, "export", "--out", "out", db=db).returncode == 0
    first = (work / "out" / "checkins.csv").read_bytes()
    (work / "out" / "checkins.csv").write_bytes(b"stale")
    (work / "out" / "notes.txt").write_bytes(b"mine")
    again = run(work, 0o022, "export", "--out", "out", db=db)
    assert again.returncode == 0, again.stderr
    assert (work / "out" / "checkins.csv").read_bytes() == first
    assert (work / "out" / "notes.txt").read_bytes() == b"mine"
    assert mode(work / "out" / "checkins.csv") == 0o600


# --- The writer itself ------------------------------------------------------------------


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(st.binary(max_size=3000), st.text(max_size=300)),
    mask=st.sampled_from([0o000, 0o002, 0o022, 0o077, 0o277]),
)
def test_a_private_file_holds_exactly_what_was_written_and_is_0600(tmp_path_factory, data, mask):
    folder = tmp_path_factory.mktemp("w")
    target = folder / "sub" / "f"
    with umask(mask):
        private_dir(target.parent)
        with private_file(target, binary=isinstance(data, bytes)) as handle:
            handle.write(data)
    assert mode(target.parent) == 0o700 and mode(target) == 0o600
    got = target.read_bytes()
    assert got == (data if isinstance(data, bytes) else data.encode("utf-8"))
    assert sorted(p.name for p in target.parent.iterdir()) == ["f"]


@pytest.mark.parametrize("mask", UMASKS, ids=lambda m: f"umask-{m:03o}")
def test_private_dir_makes_every_missing_folder_0700(tmp_path, mask):
    tmp_path.chmod(0o755)
    with umask(mask):
        made = private_dir(tmp_path / "a" / "b" / "c")
    for folder in (tmp_path / "a", tmp_path / "a" / "b", made):
        assert mode(folder) == 0o700
    assert mode(tmp_path) == 0o755  # the folder that was there is left as it was


def test_an_error_inside_the_block_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError):
        with private_file(tmp_path / "f") as handle:
            handle.write("half")
            raise RuntimeError("stopped")
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_appears_while_writing_is_not_overwritten(tmp_path):
    target = tmp_path / "f"
    with pytest.raises(FileRefused, match="already exists"):
        with private_file(target) as handle:
            handle.write("tracker's")
            target.write_text("someone else's", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "someone else's"
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


@pytest.mark.parametrize("replace_ours", [False, True])
def test_a_link_that_appears_while_writing_is_refused(tmp_path, victim, replace_ours):
    target = tmp_path / "f"
    if replace_ours:
        target.write_text("an older one of ours", encoding="utf-8")
    with pytest.raises(FileRefused, match="symbolic link"):
        with private_file(target, replace_ours=replace_ours) as handle:
            handle.write("tracker's")
            target.unlink(missing_ok=True)
            target.symlink_to(victim)
    assert target.is_symlink()
    assert victim.read_text(encoding="utf-8") == "not tracker's\n"


def test_replace_ours_replaces_a_plain_file_and_nothing_else(tmp_path):
    target = tmp_path / "f"
    target.write_text("old", encoding="utf-8")
    with private_file(target, replace_ours=True) as handle:
        handle.write("new")
    assert target.read_text(encoding="utf-8") == "new" and mode(target) == 0o600
    (tmp_path / "d").mkdir()
    with pytest.raises(FileRefused, match="not a file tracker wrote"):
        with private_file(tmp_path / "d", replace_ours=True) as handle:
            handle.write("new")
    assert (tmp_path / "d").is_dir()


def test_without_replace_ours_an_existing_file_is_refused_before_writing(tmp_path):
    target = tmp_path / "f"
    target.write_text("theirs", encoding="utf-8")
    with pytest.raises(FileRefused, match="already exists"):
        with private_file(target):
            pytest.fail("the block must not run")
    assert target.read_text(encoding="utf-8") == "theirs"


def test_a_missing_folder_is_said_plainly(tmp_path):
    with pytest.raises(FileRefused, match="does not exist"):
        with private_file(tmp_path / "nowhere" / "f"):
            pass


@pytest.mark.parametrize("mask", UMASKS, ids=lambda m: f"umask-{m:03o}")
def test_sqlite_writes_into_a_private_path(tmp_path, mask):
    target = tmp_path / "copy.db"
    with umask(mask):
        with private_path(target) as tmp:
            assert tmp.parent == tmp_path and mode(tmp) == 0o600 and tmp.stat().st_size == 0
            conn = sqlite3.connect(str(tmp))
            conn.execute("CREATE TABLE t (x)")
            conn.commit()
            conn.close()
    assert mode(target) == 0o600
    assert sqlite3.connect(str(target)).execute("SELECT count(*) FROM t").fetchone() == (0,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db"]
