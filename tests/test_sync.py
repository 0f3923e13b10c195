"""``tracker sync DIR``: the merge's rules, the folder, hostile files, idempotency, the
warning for a database in a synced folder, the inbox, conflicts, and a sync killed
midway."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import FROZEN_TODAY, tracker_executable
from tests.trust_helpers import db_digest, export_folder, populate
from tracker import clock
from tracker.models import CheckIn, Experiment, PracticeLog, Rupture
from tracker.store import SCHEMA_VERSION, Store
from tracker.store.schema import SYNCED_TABLES
from tracker.sync import Snapshot, Version, merge
from tracker.syncdir import SUBFOLDER, sync_folder, synced_folder_warning
from tracker.syncfile import KINDS, SCHEMA, Words, as_fields

A = "aaaaaaaa-0000-4000-8000-000000000000"
B = "bbbbbbbb-0000-4000-8000-000000000000"
C = "cccccccc-0000-4000-8000-000000000000"
ID = "0e6f1a70-1111-4222-8333-444455556666"


def test_the_kinds_that_travel_are_the_tables_that_keep_tombstones():
    assert KINDS == SYNCED_TABLES and SCHEMA == SCHEMA_VERSION


# --- the merge's rules (pure) ------------------------------------------------------------


def _checkin(at: str, note: str = "x", rid: str = ID) -> dict:
    return as_fields(CheckIn.create(id=rid, day="2026-11-27", created_at=at, mood=3, note=note))


def _snap(device: str, *versions: Version, words: Words | None = None) -> Snapshot:
    return Snapshot(device, device[:1], {v.id: v for v in versions}, words or Words(), device)


def _edit(at: str, by: str, note: str = "x") -> Version:
    return Version("checkins", ID, at, by, _checkin(at, note))


def _gone(at: str, by: str, rid: str = ID, kind: str = "checkins") -> Version:
    return Version(kind, rid, at, by, None)


def test_the_later_moment_wins_as_an_instant_not_as_text():
    """10:30+01:00 is 09:30 UTC: earlier than 09:45+00:00, though its text sorts after."""
    early = _edit("2026-11-28T10:30:00+01:00", B, "written in Paris")
    late = _edit("2026-11-28T09:45:00+00:00", A, "written in London")
    for local, other in ((early, late), (late, early)):
        result = merge(_snap(local.by, local), [_snap(other.by, other)], None)
        assert result.final[ID].record["note"] == "written in London"


def test_at_the_same_moment_a_deletion_beats_an_edit_whichever_device():
    edit = _edit("2026-11-28T09:00:00+00:00", C)
    gone = _gone("2026-11-28T10:00:00+01:00", A)  # the same instant
    for local, other in ((edit, gone), (gone, edit)):
        assert merge(_snap(local.by, local), [_snap(other.by, other)], None).final[ID].deleted


def test_at_the_same_moment_the_device_whose_id_sorts_last_wins():
    mine = _edit("2026-11-28T09:00:00+00:00", A, "from a")
    theirs = _edit("2026-11-28T09:00:00+00:00", B, "from b")
    assert merge(_snap(A, mine), [_snap(B, theirs)], None).final[ID].record["note"] == "from b"
    assert merge(_snap(B, theirs), [_snap(A, mine)], None).final[ID].record["note"] == "from b"


def test_an_edit_newer_than_a_deletion_brings_the_record_back():
    gone = _gone("2026-11-28T09:00:00+00:00", A)
    edit = _edit("2026-11-28T09:00:01+00:00", B, "still here")
    result = merge(_snap(A, gone), [_snap(B, edit)], None)
    assert result.final[ID].record["note"] == "still here"
    assert result.saves["checkins"][0]["note"] == "still here" and result.added == 1


def test_the_order_the_files_are_read_in_does_not_matter():
    versions = [
        _edit("2026-11-28T09:00:00+00:00", A, "a"),
        _edit("2026-11-28T09:00:00-05:00", B, "b"),
        _gone("2026-11-28T14:00:00+00:00", C),
    ]
    results = set()
    for first in range(3):
        rest = [_snap(v.by, v) for n, v in enumerate(versions) if n != first]
        final = merge(_snap(versions[first].by, versions[first]), rest, None).final[ID]
        results.add((final.at, final.deleted))
    assert len(results) == 1


def test_what_belongs_to_a_deleted_record_goes_with_it_and_references_are_emptied():
    at = "2026-11-28T08:00:00+00:00"
    exp = as_fields(
        Experiment.create(
            title="t", practice="p", started_on="2026-11-20", days=10, target_count=1, created_at=at
        )
    )
    log = as_fields(PracticeLog.create(experiment_id=exp["id"], day="2026-11-21", created_at=at))
    rupture = as_fields(Rupture.create(my_move="froze", created_at=at))
    other = as_fields(
        PracticeLog.create(
            experiment_id=exp["id"], day="2026-11-22", rupture_id=rupture["id"], created_at=at
        )
    )
    here = _snap(
        A,
        Version("experiments", exp["id"], exp["updated_at"], A, exp),
        Version("practice_logs", log["id"], "2026-11-28T11:00:00+00:00", A, log),
    )
    there = _snap(
        B,
        _gone("2026-11-28T10:00:00+00:00", B, exp["id"], "experiments"),
        _gone("2026-11-28T10:00:00+00:00", B, rupture["id"], "ruptures"),
        Version("practice_logs", other["id"], other["updated_at"], B, other),
    )
    final = merge(here, [there], None).final
    # the log made after the experiment's deletion goes too, its deletion no earlier than it
    assert final[log["id"]].deleted and final[log["id"]].at == "2026-11-28T11:00:00+00:00"
    assert final[other["id"]].deleted


def test_two_spellings_of_a_name_become_the_one_that_sorts_first():
    here = _snap(A, words=Words(people={"sam"}))
    there = _snap(B, words=Words(people={"Sam"}))
    result = merge(here, [there], None)
    assert result.respell == [("people", "sam", "Sam")]
    assert result.words.people == {"Sam"}


def test_a_record_changed_here_and_elsewhere_since_the_last_sync_is_a_conflict():
    base = _snap(A, _edit("2026-11-28T08:00:00+00:00", A, "before"))
    here = _snap(A, _edit("2026-11-28T09:00:00+00:00", A, "mine"))
    there = _snap(B, _edit("2026-11-28T09:30:00+00:00", B, "theirs"))
    result = merge(here, [there], base)
    (conflict,) = result.conflicts
    assert conflict.kept.by == B and conflict.lost.record["note"] == "mine"
    assert conflict.fields == ("created_at", "note")
    # not a conflict: changed only here, only there, or nothing known of the last sync
    assert merge(_snap(A, base.versions[ID]), [there], base).conflicts == []
    assert merge(here, [_snap(B, base.versions[ID])], base).conflicts == []
    assert merge(here, [there], None).conflicts == []


def test_a_deletion_against_an_edit_is_a_conflict_with_no_fields():
    base = _snap(A, _edit("2026-11-28T08:00:00+00:00", A, "before"))
    here = _snap(A, _edit("2026-11-28T09:00:00+00:00", A, "mine"))
    there = _snap(B, _gone("2026-11-28T08:30:00+00:00", B))
    (conflict,) = merge(here, [there], base).conflicts
    assert conflict.kept.by == A and conflict.lost.deleted and conflict.fields is None


# --- through the folder ------------------------------------------------------------------


@pytest.fixture
def two(tmp_path):
    clock.freeze(FROZEN_TODAY, dt.time(9, 0))
    a, b = Store.open(tmp_path / "a.db"), Store.open(tmp_path / "b.db")
    yield a, b, tmp_path / "shared"
    a.close()
    b.close()
    clock.freeze(FROZEN_TODAY)


def test_records_and_deletions_travel_both_ways(two, tmp_path):
    a, b, folder = two
    folder.mkdir()
    populate(a)
    sync_folder(a, folder)
    sync_folder(b, folder)
    exported_a, exported_b = export_folder(a, tmp_path / "ea"), export_folder(b, tmp_path / "eb")
    # Which words are hidden from suggestions stays with each device (README, Sync).
    hidden_a = exported_a.pop("names.csv").replace(b",1\r\n", b",0\r\n")
    assert hidden_a == exported_b.pop("names.csv")
    assert exported_a == exported_b
    clock.freeze(FROZEN_TODAY, dt.time(10, 0))
    gone = b.checkins()[0]
    b.delete_checkin(gone.id)
    sync_folder(b, folder)
    outcome = sync_folder(a, folder)
    assert a.get_checkin(gone.id) is None
    assert outcome.merge.deletes["checkins"] == {gone.id: clock.now_iso()}
    assert gone.id in {t[0] for t in a.tombstones()}


def test_the_folder_holds_only_the_devices_files_never_the_database(two):
    a, b, folder = two
    folder.mkdir()
    populate(a)
    first = sync_folder(a, folder)
    sync_folder(b, folder)
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    assert names == sorted(
        [
            SUBFOLDER,
            f"{SUBFOLDER}/{first.device}.json",
            f"{SUBFOLDER}/{b.get_setting('sync.device')}.json",
        ]
    )
    sub = folder / SUBFOLDER
    assert sub.stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in sub.iterdir())
    doc = json.loads((sub / f"{first.device}.json").read_text())
    assert doc["device"] == first.device and doc["format"] == "tracker-sync"
    exp = doc["records"]["experiments"][0]
    assert "alternative_belief" in exp and "follows_id" in exp  # schema 5's columns too
    assert doc["records"]["checkins"][0]["people"] in (["Sam"], ["mother", "Sam"], [])


def test_a_second_sync_writes_nothing(two):
    a, b, folder = two
    folder.mkdir()
    populate(a)
    sync_folder(a, folder)
    sync_folder(b, folder)
    sync_folder(a, folder)
    files = {
        p: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
        for p in (folder / SUBFOLDER).iterdir()
    }
    digests = (db_digest(a.path), db_digest(b.path))
    changes = (a.change_token(), b.change_token())
    for store in (a, b, a):
        outcome = sync_folder(store, folder)
        assert not outcome.wrote_file and outcome.merge.changes == 0
    after = {
        p: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
        for p in (folder / SUBFOLDER).iterdir()
    }
    assert after == files and (db_digest(a.path), db_digest(b.path)) == digests
    assert (a.change_token(), b.change_token()) == changes  # not even an empty write


def test_a_copy_of_the_database_takes_a_new_device_id(two, tmp_path):
    """A backup restored, or the file copied to a second computer: the same device id
    on two databases would overwrite each other's file."""
    a, _b, folder = two
    folder.mkdir()
    populate(a)
    sync_folder(a, folder)
    shutil.copy(a.path, tmp_path / "copy.db")
    for suffix in ("-wal", "-shm"):
        if Path(f"{a.path}{suffix}").exists():
            shutil.copy(f"{a.path}{suffix}", f"{tmp_path / 'copy.db'}{suffix}")
    with Store.open(tmp_path / "copy.db") as copy:
        clock.freeze(FROZEN_TODAY, dt.time(10, 0))
        copy.save_checkin(CheckIn.create(mood=5, note="only on the copy"))
        first = sync_folder(copy, folder)
        assert first.new_device is None  # its file is the one it wrote: the copy's
    notes: list[str] = []
    outcome = sync_folder(a, folder, warn=notes.append)
    assert outcome.new_device is not None and "did not write" in notes[0]
    assert any(c.note == "only on the copy" for c in a.checkins())
    assert len(list((folder / SUBFOLDER).glob("*.json"))) == 2


def test_a_practice_log_outside_its_changed_experiment_is_kept_and_said(two):
    a, b, folder = two
    folder.mkdir()
    exp = a.save_experiment(
        Experiment.create(title="t", practice="p", started_on="2026-11-20", days=10, target_count=2)
    )
    sync_folder(a, folder)
    sync_folder(b, folder)
    clock.freeze(FROZEN_TODAY, dt.time(10, 0))
    b.save_practice_log(PracticeLog.create(experiment_id=exp.id, day="2026-11-27"))
    a.save_experiment(
        exp.with_changes(status="completed", ended_on="2026-11-25", updated_at=clock.now_iso())
    )
    sync_folder(a, folder)
    outcome = sync_folder(b, folder)
    assert len(b.practice_logs()) == 1 and "2026-11-27" in outcome.notes[0]


# --- the command -------------------------------------------------------------------------


def _settings(db: Path) -> list:
    import sqlite3

    conn = sqlite3.connect(str(db))
    try:
        return conn.execute("SELECT * FROM settings ORDER BY key").fetchall()
    finally:
        conn.close()


@pytest.fixture
def shared(tmp_path, run_tracker, db_path):
    """A database with data that synced once, and the folder with its file."""
    folder = tmp_path / "Sync folder"
    folder.mkdir()
    with Store.open(db_path) as s:
        populate(s)
    assert run_tracker("sync", str(folder)).returncode == 0
    return folder


def test_the_command_says_what_came_in_and_what_it_wrote(shared, run_tracker, tmp_path):
    other = tmp_path / "other.db"
    result = run_tracker("sync", str(shared), db=other)
    assert result.returncode == 0, result.stderr
    assert "(1 other device's file)" in result.stdout and " new here" in result.stdout
    assert "This device's file is written" in result.stdout
    again = run_tracker("sync", str(shared), db=other)
    assert "nothing new here" in again.stdout and "as it was" in again.stdout


HOSTILE = [
    ("not JSON", b"{", 2, "is not valid JSON"),
    ("not UTF-8", b'{"a": "\xff"}', 2, "not UTF-8"),
    ("another program's JSON", b'{"format": "other"}', 2, "not a tracker sync file"),
    ("JSON nested too deep", b"[" * 100_000 + b"]" * 100_000, 2, "not valid JSON"),
]


def _valid_doc(shared: Path) -> dict:
    (own,) = (shared / SUBFOLDER).glob("*.json")
    return json.loads(own.read_text())


def _doc_changes():
    """(id, change to a valid sync file, exit code, words)."""

    def mood(doc):
        doc["records"]["checkins"][0]["mood"] = 9

    def field(doc):
        doc["records"]["checkins"][0]["secret"] = "x"

    def twice(doc):
        doc["records"]["supports"].append(dict(doc["records"]["checkins"][0]))

    def duplicate(doc):
        doc["records"]["checkins"].append(doc["records"]["checkins"][0])

    def newer(doc):
        doc["schema"] = 99

    def kind(doc):
        doc["tombstones"].append(
            {
                "id": doc["records"]["checkins"][0]["id"],
                "kind": "x",
                "deleted_at": "2026-11-28T09:00:00+00:00",
            }
        )

    def stamp(doc):
        doc["records"]["ruptures"][0]["updated_at"] = "yesterday"

    def device(doc):
        doc["device"] = "../../etc"

    return [
        ("a mood out of range", mood, "mood: 9 is not allowed"),
        ("a field tracker does not know", field, "fields tracker does not know: 'secret'"),
        ("a check-in as a support", twice, "supports record"),
        ("an id twice", duplicate, "there twice"),
        ("a newer tracker's file", newer, "newer tracker"),
        ("a tombstone of no kind", kind, "kind 'x' is not allowed"),
        ("a time with no form", stamp, "updated_at"),
        ("a device that is no id", device, "device"),
    ]


def _refused_untouched(run_tracker, tmp_path, folder: Path, code: int, words: str) -> None:
    other = tmp_path / "other.db"
    with Store.open(other) as s:
        s.save_checkin(CheckIn.create(mood=3))
    before = (db_digest(other), _settings(other), sorted(os.listdir(folder / SUBFOLDER)))
    result = run_tracker("sync", str(folder), db=other)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert words in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "Nothing was written" in result.stderr
    after = (db_digest(other), _settings(other), sorted(os.listdir(folder / SUBFOLDER)))
    assert after == before


@pytest.mark.parametrize(("name", "data", "code", "words"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_damaged_or_hostile_file_is_refused_by_name(
    shared, run_tracker, tmp_path, name, data, code, words
):
    (shared / SUBFOLDER / "hostile.json").write_bytes(data)
    _refused_untouched(run_tracker, tmp_path, shared, code, words)


@pytest.mark.parametrize(
    ("name", "change", "words"), _doc_changes(), ids=[c[0] for c in _doc_changes()]
)
def test_a_file_with_a_record_the_models_refuse_is_refused_by_name(
    shared, run_tracker, tmp_path, name, change, words
):
    doc = _valid_doc(shared)
    doc["device"] = "dddddddd-0000-4000-8000-000000000000"
    change(doc)
    (shared / SUBFOLDER / "hostile.json").write_text(json.dumps(doc))
    _refused_untouched(run_tracker, tmp_path, shared, 2, words)


def test_a_link_a_fifo_or_a_folder_in_the_sync_folder_is_one_clear_line(
    shared, run_tracker, tmp_path
):
    sub = shared / SUBFOLDER
    secret = tmp_path / "secret.txt"
    secret.write_text("not for sync")
    (sub / "link.json").symlink_to(secret)
    _refused_untouched(run_tracker, tmp_path, shared, 3, "is a symbolic link")
    (sub / "link.json").unlink()
    os.mkfifo(sub / "fifo.json")
    _refused_untouched(run_tracker, tmp_path, shared, 3, "not a regular file")
    (sub / "fifo.json").unlink()
    (sub / "folder.json").mkdir()
    _refused_untouched(run_tracker, tmp_path, shared, 3, "not a regular file")


def test_a_sync_folder_that_is_a_link_is_refused(shared, run_tracker, tmp_path):
    link = tmp_path / "link-to-sync"
    link.symlink_to(shared)
    result = run_tracker("sync", str(link), db=tmp_path / "other.db")
    assert result.returncode == 3 and "is a symbolic link" in result.stderr


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        (lambda root: None, "is inside the sync folder"),
        (lambda root: (root / ".stfolder").mkdir(), "Syncthing"),
        (lambda root: (root / ".git").mkdir(), "git work tree"),
        (lambda root: (root / ".dropbox").write_text(""), "Dropbox"),
    ],
    ids=["in DIR", "syncthing", "git", "dropbox"],
)
def test_a_database_in_a_synced_folder_gets_one_warning_line(tmp_path, run_tracker, setup, words):
    root = tmp_path / "carried"
    root.mkdir()
    setup(root)
    folder = root if words == "is inside the sync folder" else tmp_path / "elsewhere"
    folder.mkdir(exist_ok=True)
    db = root / "deep" / "tracker.db"
    result = run_tracker("sync", str(folder), db=db)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1 and words in warnings[0]


def test_no_warning_for_a_database_outside(shared, run_tracker):
    result = run_tracker("sync", str(shared))
    assert result.returncode == 0 and "Warning" not in result.stderr


def test_iCloud_and_OneDrive_folders_are_known_by_name(tmp_path):
    for name, engine in (("OneDrive - Work", "OneDrive"), ("Mobile Documents", "iCloud")):
        db = tmp_path / name / "t" / "tracker.db"
        warning = synced_folder_warning(db, tmp_path / "sync")
        assert warning is not None and engine in warning


def test_the_inbox_in_the_folder_is_absorbed_by_each_sync(shared, run_tracker, db_path):
    inbox = shared / "inbox.txt"
    inbox.write_text('2026-11-28 21:10 m4 r3 #work @Sam "from the phone"\n2026-11-28 m9\n')
    result = run_tracker("sync", str(shared))
    assert result.returncode == 2  # a line left to correct
    assert "Absorbed 1 check-in(s)" in result.stdout and "line 2: mood" in result.stderr
    assert "This device's file is written" in result.stdout  # the sync went ahead
    assert inbox.read_text() == "2026-11-28 m9\n"
    with Store.open(db_path) as s:
        (c,) = [c for c in s.checkins() if c.note == "from the phone"]
        s.delete_checkin(c.id)
    inbox.write_text('2026-11-28 21:10 m4 r3 #work @Sam "from the phone"\n')  # again
    assert run_tracker("sync", str(shared)).returncode == 0
    with Store.open(db_path) as s:  # deleted since: its line does not bring it back
        assert not [c for c in s.checkins() if c.note == "from the phone"]


def test_conflicts_are_listed_in_plain_words(shared, run_tracker, tmp_path, db_path):
    other = tmp_path / "other.db"
    assert run_tracker("sync", str(shared), db=other).returncode == 0
    for db, note, time_ in ((db_path, "here", "09:00:00"), (other, "there", "09:30:00")):
        with Store.open(db) as s:
            c = sorted(s.checkins(), key=lambda c: c.id)[0]
            s.save_checkin(c.with_changes(note=note, updated_at=f"2026-11-28T{time_}+00:00"))
    assert run_tracker("sync", str(shared), db=other).returncode == 0
    result = run_tracker("sync", str(shared))
    assert "1 record was changed here and on another device" in result.stdout
    listed = run_tracker("sync", "--conflicts")
    assert listed.returncode == 0
    assert "check-in " in listed.stdout and "kept:     changed on" in listed.stdout
    assert "not kept: changed on" in listed.stdout and "note (not kept: here)" in listed.stdout
    nothing = run_tracker("sync", "--conflicts", db=tmp_path / "third.db")
    assert nothing.returncode == 3  # no database there: nothing made


# --- killed midway -----------------------------------------------------------------------

ENV = {**os.environ, "TRACKER_TODAY": FROZEN_TODAY.isoformat()}


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [tracker_executable(), *args], capture_output=True, text=True, env=ENV, timeout=300
    )


@pytest.mark.slow
def test_a_sync_killed_midway_leaves_the_database_whole_and_ends_the_same(tmp_path):
    start = tmp_path / "start"
    start.mkdir()
    folder = start / "shared"
    folder.mkdir()
    other, mine = start / "other.db", start / "mine.db"
    assert _run("--db", str(other), "demo", "--years", "2", "--seed", "3").returncode == 0
    assert _run("--db", str(other), "sync", str(folder)).returncode == 0
    assert _run("--db", str(mine), "demo", "--years", "2", "--seed", "4").returncode == 0
    with Store.open(mine) as s:  # one device id for both runs (the first sync makes one)
        s.set_setting("sync.device", "eeeeeeee-0000-4000-8000-000000000000")
    reference = tmp_path / "reference"
    shutil.copytree(start, reference)
    begun = time.perf_counter()
    assert (
        _run("--db", str(reference / "mine.db"), "sync", str(reference / "shared")).returncode == 0
    )
    took = time.perf_counter() - begun
    rnd = random.Random(20261128)
    killed = 0
    for _ in range(6):
        process = subprocess.Popen(
            [tracker_executable(), "--db", str(mine), "sync", str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=ENV,
            start_new_session=True,
        )
        try:
            process.wait(timeout=rnd.uniform(0.05, took))
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            killed += 1
        process.communicate(timeout=60)
        opened = _run("--db", str(mine), "status")  # whole: it opens, its checks pass
        assert opened.returncode in (0, 1), opened.stderr
    assert killed >= 1
    assert _run("--db", str(mine), "sync", str(folder)).returncode == 0
    with Store.open(mine) as s, Store.open(reference / "mine.db") as r:
        assert s.integrity_problems() == []
        assert export_folder(s, tmp_path / "e1") == export_folder(r, tmp_path / "e2")
        assert s.tombstones() == r.tombstones()
        device = s.get_setting("sync.device")
    ours = (folder / SUBFOLDER / f"{device}.json").read_bytes()
    assert ours == (reference / "shared" / SUBFOLDER / f"{device}.json").read_bytes()
    assert sorted(p.name for p in (folder / SUBFOLDER).iterdir()) == sorted(
        p.name for p in (reference / "shared" / SUBFOLDER).iterdir()
    )


def test_a_sync_that_dies_between_its_commit_and_its_file_ends_as_if_it_had_not(
    tmp_path, monkeypatch
):
    """The narrowest moment of the kill above, made certain: the transaction is
    committed, the file is not in place yet. The next sync knows what the dead one
    meant to write (it waited beside the file, hidden), so it ends exactly as one
    sync that was never interrupted: the same database, the same file, byte for byte."""
    from tracker import syncdir

    clock.freeze(FROZEN_TODAY, dt.time(9, 0))
    start = tmp_path / "start"
    folder = start / "shared"
    folder.mkdir(parents=True)
    with Store.open(start / "other.db") as other:
        populate(other)
        sync_folder(other, folder)
    with Store.open(start / "mine.db") as mine:
        mine.set_setting("sync.device", "eeeeeeee-0000-4000-8000-000000000000")
        mine.save_checkin(CheckIn.create(mood=2, created_at="2026-11-28T08:00:00+00:00"))
        sync_folder(mine, folder)
        clock.freeze(FROZEN_TODAY, dt.time(10, 0))
        mine.save_checkin(CheckIn.create(mood=4, created_at="2026-11-28T09:30:00+00:00"))
    with Store.open(start / "other.db") as other:  # news from the other device
        clock.freeze(FROZEN_TODAY, dt.time(10, 30))
        other.delete_checkin(other.checkins()[0].id)
        other.save_checkin(CheckIn.create(mood=5, created_at="2026-11-28T10:15:00+00:00"))
        sync_folder(other, folder)
    reference = tmp_path / "reference"
    shutil.copytree(start, reference)
    real_write = syncdir._write

    def dies_on_the_file(path, data, *, replace):
        if not path.name.startswith("."):
            raise SystemExit("killed")  # after the commit, before the file
        real_write(path, data, replace=replace)

    clock.freeze(FROZEN_TODAY, dt.time(11, 0))
    monkeypatch.setattr(syncdir, "_write", dies_on_the_file)
    with Store.open(start / "mine.db") as mine, pytest.raises(SystemExit):
        sync_folder(mine, folder)
    monkeypatch.undo()
    with Store.open(start / "mine.db") as mine, Store.open(reference / "mine.db") as r:
        r_folder = reference / "shared"
        sync_folder(r, r_folder)
        sync_folder(mine, folder)
        assert export_folder(mine, tmp_path / "e1") == export_folder(r, tmp_path / "e2")
        sub, r_sub = folder / SUBFOLDER, r_folder / SUBFOLDER
        assert sorted(os.listdir(sub)) == sorted(os.listdir(r_sub))  # no pending file left
        for name in os.listdir(sub):
            assert (sub / name).read_bytes() == (r_sub / name).read_bytes(), name
    clock.freeze(FROZEN_TODAY)
