"""Sessions and "bring to my next session" marks: the records, the store, migration 4."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from tracker.models import (
    BringMark,
    CheckIn,
    Experiment,
    PracticeLog,
    Rupture,
    Session,
    ValidationError,
)
from tracker.store import SCHEMA_VERSION, Store
from tracker.store import errors as store_errors
from tracker.store import schema as store_module

TODAY = dt.date(2026, 11, 28)


def _session(day: str, **kw) -> Session:
    return Session.create(day=day, created_at=f"{min(day, '2026-11-28')}T09:00:00+01:00", **kw)


# --- the records --------------------------------------------------------------------------


def test_a_session_may_be_planned_and_its_kind_follows_its_day():
    planned = Session.create(day="2026-12-03", agenda="the quiet after dinner")
    assert planned.kind(TODAY) == "planned"
    assert planned.kind(dt.date(2026, 12, 3)) == "today"
    assert planned.kind(dt.date(2026, 12, 4)) == "past"
    assert Session.create().day == "2026-11-28"  # today by default


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"day": "2026-13-01"}, "day"),
        ({"day": ""}, "day"),
        ({"agenda": "x" * 301}, "agenda"),
        ({"note": "a\x00b"}, "note"),
        ({"mood": 3}, "mood"),
    ],
)
def test_a_bad_session_names_its_field(values, field):
    with pytest.raises(ValidationError) as caught:
        Session.create(values)
    assert caught.value.field == field


def test_a_mark_names_exactly_one_record():
    mark = BringMark.create(kind="rupture", record_id="3f2b0c9e-8a4b-4c1d-9e2f-0a1b2c3d4e5f")
    assert (mark.kind, mark.rupture_id, mark.checkin_id) == (
        "rupture",
        "3f2b0c9e-8a4b-4c1d-9e2f-0a1b2c3d4e5f",
        None,
    )
    assert mark.marked_on == "2026-11-28"
    with pytest.raises(ValidationError) as none:
        BringMark.create()
    assert "exactly one" in str(none.value)
    with pytest.raises(ValidationError) as two:
        BringMark.create(checkin_id=mark.rupture_id, rupture_id=mark.rupture_id)
    assert two.value.field == "rupture_id"
    with pytest.raises(ValidationError):
        BringMark.create(kind="support", record_id=mark.rupture_id)
    with pytest.raises(ValidationError) as future:
        BringMark.create(kind="checkin", record_id=mark.rupture_id, marked_on="2026-11-29")
    assert future.value.field == "marked_on"


def test_a_mark_is_brought_to_the_first_session_on_or_after_its_day_once_that_day_passed():
    mark = BringMark.create(
        kind="checkin", record_id="3f2b0c9e-8a4b-4c1d-9e2f-0a1b2c3d4e5f", marked_on="2026-11-20"
    )
    before = _session("2026-11-12")
    same_day = _session("2026-11-20")
    later = _session("2026-11-26")
    planned = _session("2026-12-03")
    assert mark.brought_to([before], TODAY) is None  # only a session before the mark
    assert mark.brought_to([before, planned], TODAY) is None  # waiting for Dec 3
    assert mark.brought_to([later, planned], TODAY) == later
    assert mark.brought_to([later, same_day], TODAY) == same_day  # the day of the mark counts
    # On the session's day it is still for that session; the day after, it was brought.
    assert mark.brought_to([planned], dt.date(2026, 12, 3)) is None
    assert mark.brought_to([planned], dt.date(2026, 12, 4)) == planned


# --- the store ------------------------------------------------------------------------------


@pytest.fixture
def records(store):
    checkin = store.save_checkin(CheckIn.create(day="2026-11-27", mood=2, note="hard day"))
    exp = store.save_experiment(
        Experiment.create(
            title="Breaths", practice="three", started_on="2026-11-20", days=14, target_count=5
        )
    )
    log = store.save_practice_log(PracticeLog.create(experiment_id=exp.id, day="2026-11-27"))
    rupture = store.save_rupture(Rupture.create(my_move="withdrew", day="2026-11-26"))
    return {"checkin": checkin, "experiment": exp, "practice_log": log, "rupture": rupture}


def _sql(store: Store, sql: str):
    return store.conn.execute(sql).fetchall()


def test_toggling_marks_and_unmarks_in_one_row(store, records):
    for kind, record in records.items():
        assert store.toggle_bring(kind, record.id) is True
        assert store.is_marked(kind, record.id)
    assert _sql(store, "SELECT count(*) FROM bring_marks") == [(4,)]
    assert _sql(
        store,
        "SELECT count(*) FROM bring_marks WHERE rupture_id IS NOT NULL "
        "AND marked_on = '2026-11-28'",
    ) == [(1,)]
    assert store.set_bring("checkin", records["checkin"].id, True) is False  # already waiting
    assert store.toggle_bring("checkin", records["checkin"].id) is False
    assert not store.is_marked("checkin", records["checkin"].id)
    assert _sql(store, "SELECT count(*) FROM bring_marks WHERE checkin_id IS NOT NULL") == [(0,)]
    assert len(store.waiting_marks()) == 3


def test_a_brought_mark_is_kept_and_a_new_one_can_wait_for_the_next_session(store, records):
    rupture = records["rupture"]
    store.save_bring_marks([BringMark.create(rupture_id=rupture.id, marked_on="2026-11-26")])
    store.save_session(_session("2026-11-27", note="talked it through"))
    assert store.waiting_marks() == []  # brought on the 27th
    assert not store.is_marked("rupture", rupture.id)
    assert store.toggle_bring("rupture", rupture.id) is True  # again, for the next one
    assert store.toggle_bring("rupture", rupture.id) is False  # the waiting one comes off...
    marks = store.bring_marks("rupture", [rupture.id])
    assert [m.marked_on for m in marks] == ["2026-11-26"]  # ...the brought one stays
    assert marks[0].brought_to(store.sessions()).day == "2026-11-27"


def test_deleting_a_record_deletes_its_marks(store, records):
    for kind, record in records.items():
        store.set_bring(kind, record.id, True)
    store.delete_checkin(records["checkin"].id)
    store.delete_rupture(records["rupture"].id)
    assert sorted(m.kind for m in store.bring_marks()) == ["experiment", "practice_log"]
    store.delete_experiment(records["experiment"].id)  # and its logs, and their marks
    assert _sql(store, "SELECT count(*) FROM bring_marks") == [(0,)]


def test_the_table_refuses_a_mark_on_nothing_or_on_two_records(store, records):
    with pytest.raises(store_errors.IntegrityError):
        store.conn.execute(
            "INSERT INTO bring_marks (id, marked_on, created_at, updated_at) "
            "VALUES ('x', '2026-11-28', 'a', 'b')"
        )
    with pytest.raises(store_errors.IntegrityError):
        store.conn.execute(
            "INSERT INTO bring_marks (id, checkin_id, rupture_id, marked_on, created_at, "
            "updated_at) VALUES ('x', ?, ?, '2026-11-28', 'a', 'b')",
            [records["checkin"].id, records["rupture"].id],
        )
    with pytest.raises(store_errors.IntegrityError):  # a record that does not exist
        store.conn.execute(
            "INSERT INTO bring_marks (id, checkin_id, marked_on, created_at, updated_at) "
            "VALUES ('x', 'nothing', '2026-11-28', 'a', 'b')"
        )


def test_sessions_come_back_by_day(store):
    store.save_sessions(
        [
            _session("2026-12-03", agenda="one thing"),
            _session("2026-11-19"),
            _session("2026-11-26", note="good"),
        ]
    )
    assert [s.day for s in store.sessions()] == ["2026-11-19", "2026-11-26", "2026-12-03"]
    assert [s.day for s in store.sessions(since="2026-11-20", until="2026-11-30")] == ["2026-11-26"]
    first = store.sessions()[0]
    store.save_session(first.with_changes(note="changed"))
    assert store.get_session(first.id).note == "changed"
    store.delete_session(first.id)
    assert _sql(store, "SELECT count(*) FROM sessions") == [(2,)]


def test_a_schema_3_database_migrates_to_4_and_keeps_its_data(db_path, monkeypatch):
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:3])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 3)
    with Store.open(db_path) as old:
        old.save_checkins(
            CheckIn.create(day=f"2026-11-{1 + i:02d}", mood=1 + i % 5, note=f"note {i}")
            for i in range(20)
        )
        assert old.schema_version == 3
        assert "sessions" not in old.db.table_names()
    monkeypatch.undo()
    before = sqlite3.connect(db_path).execute("SELECT * FROM checkins ORDER BY id").fetchall()
    with Store.open(db_path) as new:
        assert new.schema_version == SCHEMA_VERSION >= 4
        assert {"sessions", "bring_marks"} <= set(new.db.table_names())
        assert new.conn.execute("SELECT * FROM checkins ORDER BY id").fetchall() == before
        new.save_session(_session("2026-11-21"))
        checkin = new.checkins()[0]
        new.set_bring("checkin", checkin.id, True)
        assert len(new.waiting_marks()) == 1
        assert new.integrity_problems() == []
        assert new.conn.execute("PRAGMA foreign_key_check").fetchall() == []


WAITING_SQL = """
select m.id from bring_marks m
where not exists (select 1 from sessions s where s.day >= m.marked_on and s.day < ?)
order by m.id"""
"""The README's query for what is waiting (with today as a parameter)."""


@pytest.mark.parametrize(
    "today", ["2026-11-20", "2026-11-24", "2026-11-25", "2026-11-28", "2026-12-03", "2026-12-04"]
)
def test_waiting_is_what_the_readmes_plain_sql_says(store, records, today):
    store.save_sessions([_session("2026-11-19"), _session("2026-11-24"), _session("2026-12-03")])
    marks = [
        BringMark.create(kind=kind, record_id=record.id, marked_on=day)
        for (kind, record), day in zip(
            records.items(), ["2026-11-18", "2026-11-24", "2026-11-25", "2026-11-28"], strict=True
        )
    ]
    store.save_bring_marks(marks)
    waiting = sorted(m.id for m in store.waiting_marks(dt.date.fromisoformat(today)))
    assert waiting == [r[0] for r in store.conn.execute(WAITING_SQL, [today])]
    # and by hand: marked on the 18th -> brought to the 19th, the 24th -> the 24th,
    # the 25th and the 28th -> wait for Dec 3.
    expected = {
        "2026-11-20": 3,
        "2026-11-24": 3,
        "2026-11-25": 2,
        "2026-11-28": 2,
        "2026-12-03": 2,
        "2026-12-04": 0,
    }[today]
    assert len(waiting) == expected
