"""Tombstones (schema 6): every deletion of every record kind leaves one, in the same
transaction, whoever deletes; a record brought back takes its tombstone away; an
import does not bring back what was deleted after the version it holds."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3  # Python's, the library tracker uses for a plain file (one per file)

import pytest

from tests.trust_helpers import export_folder, populate
from tracker import clock
from tracker.models import BringMark, CheckIn, Experiment, PracticeLog, Rupture
from tracker.portability.importer import import_path
from tracker.store import Store, restore_problems, schema_problems

STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")


@pytest.fixture
def at_nine():
    clock.freeze("2026-11-28", dt.time(21, 0))
    yield clock.now_iso()
    clock.freeze("2026-11-28")


def _every_kind(store: Store) -> dict[str, str]:
    """One record of each kind (populate's), by kind: ``{kind: id}``."""
    populate(store)
    return {
        "checkins": store.checkins()[0].id,
        "experiments": store.experiments()[0].id,
        "practice_logs": store.practice_logs()[0].id,
        "ruptures": store.ruptures()[0].id,
        "supports": store.supports()[0].id,
        "sessions": store.sessions()[0].id,
        "bring_marks": store.bring_marks("checkin")[0].id,
    }


def test_each_delete_of_each_kind_leaves_a_tombstone_with_trackers_clock(store, at_nine):
    ids = _every_kind(store)
    deleters = {
        "checkins": store.delete_checkin,
        "practice_logs": store.delete_practice_log,
        "ruptures": store.delete_rupture,
        "supports": store.delete_support,
        "sessions": store.delete_session,
        "bring_marks": lambda i: store.delete_records("bring_marks", [i]),
        "experiments": store.delete_experiment,
    }
    for kind, delete in deleters.items():
        delete(ids[kind])
        assert (ids[kind], kind, at_nine) in store.tombstones(), kind


def test_a_cascade_leaves_tombstones_for_what_it_took(store, at_nine):
    exp = store.save_experiment(
        Experiment.create(
            title="Pause",
            practice="Ask for a pause",
            started_on="2026-11-20",
            days=10,
            target_count=3,
        )
    )
    logs = [
        store.save_practice_log(PracticeLog.create(experiment_id=exp.id, day=f"2026-11-2{n}"))
        for n in (1, 2)
    ]
    mark = BringMark.create(practice_log_id=logs[0].id)
    store.save_bring_marks([mark])
    store.delete_experiment(exp.id)
    assert store.practice_logs() == []
    assert sorted(store.tombstones()) == sorted(
        [
            (exp.id, "experiments", at_nine),
            (logs[0].id, "practice_logs", at_nine),
            (logs[1].id, "practice_logs", at_nine),
            (mark.id, "bring_marks", at_nine),
        ]
    )


def test_taking_a_bring_mark_off_leaves_a_tombstone(store, at_nine):
    c = store.save_checkin(CheckIn.create(mood=3))
    store.set_bring("checkin", c.id, True)
    (mark,) = store.bring_marks("checkin")
    store.set_bring("checkin", c.id, False)
    assert store.tombstones() == [(mark.id, "bring_marks", at_nine)]


def test_a_delete_made_outside_tracker_leaves_one_in_trackers_form(db_path, store):
    """sqlite-utils, Datasette or the sqlite3 shell: no tracker code runs, the trigger
    does (with SQLite's clock, written as tracker writes a moment)."""
    c = store.save_checkin(CheckIn.create(mood=3))
    r = store.save_rupture(Rupture.create(my_move="froze", people=["Sam"]))
    store.close()
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM checkins")
    conn.execute("DELETE FROM ruptures WHERE id = ?", [r.id])
    conn.commit()
    rows = conn.execute("SELECT id, kind, deleted_at FROM tombstones ORDER BY kind").fetchall()
    conn.close()
    assert [(i, k) for i, k, _ in rows] == [(c.id, "checkins"), (r.id, "ruptures")]
    for _, _, stamp in rows:
        assert STAMP.fullmatch(stamp), stamp
        moment = dt.datetime.fromisoformat(stamp)
        assert abs((moment - dt.datetime.now().astimezone()).total_seconds()) < 120
        assert moment.utcoffset() == dt.datetime.now().astimezone().utcoffset()


def test_a_record_and_its_tombstone_are_never_both_there(store):
    c = store.save_checkin(CheckIn.create(mood=3))
    removed = store.delete_checkin(c.id)
    assert [t[0] for t in store.tombstones()] == [c.id]
    store.save_checkin(removed)  # brought back (undo, an import, a sync)
    assert store.tombstones() == []
    conn = store.conn  # and when someone inserts it with plain SQL
    store.delete_checkin(c.id)
    with store.write():
        conn.execute(
            "INSERT INTO checkins (id, day, created_at, updated_at, mood) VALUES (?, ?, ?, ?, 3)",
            [c.id, c.day, c.created_at, c.updated_at],
        )
    assert store.tombstones() == []


def test_a_failed_delete_leaves_no_tombstone(store):
    c = store.save_checkin(CheckIn.create(mood=3))
    with pytest.raises(RuntimeError), store.write():
        store.delete_checkin(c.id)
        raise RuntimeError("the action fails after the delete")
    assert store.get_checkin(c.id) is not None and store.tombstones() == []


def test_the_schema_with_tombstones_is_trackers_and_restores(store, tmp_path):
    ids = _every_kind(store)
    store.delete_experiment(ids["experiments"])
    store.delete_checkin(ids["checkins"])
    assert schema_problems(store.conn) == [] and restore_problems(store.conn) == []
    with store.write():
        store.conn.execute("UPDATE tombstones SET deleted_at = 'yesterday'")
    assert any("tombstones.deleted_at" in p for p in restore_problems(store.conn))


def test_export_leaves_tombstones_out(store, tmp_path):
    ids = _every_kind(store)
    before = export_folder(store, tmp_path / "before")
    store.delete_support(ids["supports"])
    after = export_folder(store, tmp_path / "after")
    assert set(after) == set(before)  # no tombstones file: they travel by sync only
    assert after["supports.csv"].count(b"\n") == before["supports.csv"].count(b"\n") - 1


def _two_stores(tmp_path):
    return Store.open(tmp_path / "a.db"), Store.open(tmp_path / "b.db")


def test_an_import_does_not_bring_back_what_was_deleted_after_it(tmp_path):
    """An old export brings nothing back that was deleted since it was written; a
    version newer than the deletion does come back."""
    clock.freeze("2026-11-28", dt.time(9, 0))
    a, b = _two_stores(tmp_path)
    old = a.save_checkin(CheckIn.create(mood=2, note="kept elsewhere"))
    exp = a.save_experiment(
        Experiment.create(
            title="Wait", practice="Wait an hour", started_on="2026-11-20", days=14, target_count=3
        )
    )
    a.save_practice_log(PracticeLog.create(experiment_id=exp.id, day="2026-11-21"))
    export_folder(a, tmp_path / "old")
    assert import_path(b, tmp_path / "old").changes
    clock.freeze("2026-11-28", dt.time(10, 0))
    b.delete_checkin(old.id)
    b.delete_experiment(exp.id)
    plan = import_path(b, tmp_path / "old")
    assert b.checkin_count() == 0 and b.experiments() == [] and b.practice_logs() == []
    assert plan.counts["checkins"].deleted == 1 and plan.counts["practice_logs"].deleted == 1
    clock.freeze("2026-11-28", dt.time(11, 0))
    a.save_checkin(old.with_changes(note="edited after", updated_at=clock.now_iso()))
    export_folder(a, tmp_path / "new")
    import_path(b, tmp_path / "new")
    back = b.get_checkin(old.id)
    assert back is not None and back.note == "edited after"
    assert [t[0] for t in b.tombstones()] != [] and old.id not in {t[0] for t in b.tombstones()}
    a.close()
    b.close()


def test_the_import_summary_says_what_stays_deleted(tmp_path, run_tracker, db_path):
    with Store.open(db_path) as s:
        c = s.save_checkin(CheckIn.create(mood=2))
        export_folder(s, tmp_path / "old")
        s.delete_checkin(c.id)
    result = run_tracker("import", str(tmp_path / "old"))
    assert result.returncode == 0, result.stderr
    assert "1 deleted here after that version (stay deleted)" in result.stdout


def test_a_migrated_database_has_no_tombstones_and_keeps_them_from_then_on(tmp_path, monkeypatch):
    from tracker.store import schema as schema_module

    db = tmp_path / "old.db"
    monkeypatch.setattr(schema_module, "MIGRATIONS", schema_module.MIGRATIONS[:5])
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", 5)
    with Store.open(db) as s:
        populate(s)
        c = s.checkins()[0]
        s.delete_checkin(c.id)  # no tombstones table yet: nothing to write
    monkeypatch.undo()
    with Store.open(db) as s:
        assert s.schema_version == 6 and s.tombstones() == []
        other = s.checkins()[0]
        s.delete_checkin(other.id)
        assert (other.id, "checkins") in {(t[0], t[1]) for t in s.tombstones()}
