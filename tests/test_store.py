"""The store on real SQLite files: schema, migrations, transactions, file modes."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from tests.trust_helpers import save_as_older_schema
from tracker.models import CheckIn, Experiment, PracticeLog, Rupture, Support
from tracker.store import APPLICATION_ID, SCHEMA_VERSION, Store, StoreError
from tracker.store import errors as store_errors
from tracker.store import schema as store_module


def test_new_database_is_private_and_current(db_path):
    with Store.open(db_path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert s.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(db_path.parent).st_mode) == 0o700


def test_public_tables_exist_with_day_indexes(store):
    tables = set(store.db.table_names())
    assert {
        "checkins",
        "emotions",
        "checkin_emotions",
        "people",
        "checkin_people",
        "tags",
        "checkin_tags",
        "experiments",
        "practice_logs",
        "ruptures",
        "rupture_people",
        "supports",
        "settings",
    } <= tables
    for table in ("checkins", "practice_logs", "ruptures"):
        indexed = [ix.columns for ix in store.db[table].indexes]
        assert any(cols[0] == "day" for cols in indexed), table


def test_shipped_emotions_seed_the_vocabulary(store):
    vocab = store.emotion_vocabulary()
    for word in ("anxious", "calm", "connected", "safe"):
        assert word in vocab


def test_checkin_round_trip_with_names(store):
    c = CheckIn.create(
        mood=4,
        intensity=2,
        regulation=3,
        emotions=["anxious", "hopeful"],
        people=["Sam"],
        tags=["work"],
        need="to be heard",
        note="long day",
    )
    store.save_checkin(c)
    got = store.get_checkin(c.id)
    assert got == c
    assert "hopeful" in store.emotion_vocabulary()
    assert store.people_names() == ["Sam"]


def test_new_emotion_word_grows_the_vocabulary(store):
    store.save_checkin(CheckIn.create(mood=3, emotions=["wistful"]))
    assert "wistful" in store.emotion_vocabulary()


def test_edit_replaces_names_and_keeps_id(store):
    c = CheckIn.create(mood=2, emotions=["sad"], tags=["work"])
    store.save_checkin(c)
    edited = c.with_changes(mood=3, emotions=("calm",), tags=())
    store.save_checkin(edited)
    got = store.get_checkin(c.id)
    assert got.mood == 3 and got.emotions == ("calm",) and got.tags == ()
    assert store.checkin_count() == 1


def test_filters(store):
    a = CheckIn.create(
        mood=2,
        day="2026-11-20",
        emotions=["anxious"],
        people=["Sam"],
        note="Argument about 50% of chores",
    )
    b = CheckIn.create(mood=4, day="2026-11-27", emotions=["calm"], tags=["walk"], need="rest")
    store.save_checkins([a, b])
    assert [c.id for c in store.checkins()] == [b.id, a.id]
    assert [c.id for c in store.checkins(emotion="anxious")] == [a.id]
    assert [c.id for c in store.checkins(person="sam")] == [a.id]
    assert [c.id for c in store.checkins(tag="walk")] == [b.id]
    assert [c.id for c in store.checkins(text="50%")] == [a.id]
    assert [c.id for c in store.checkins(text="rest")] == [b.id]
    assert store.checkins(text="%") == [a]  # LIKE wildcards are literal
    assert [c.id for c in store.checkins(since="2026-11-21")] == [b.id]


def test_delete_returns_record_for_undo(store):
    c = CheckIn.create(mood=3, emotions=["sad"])
    store.save_checkin(c)
    deleted = store.delete_checkin(c.id)
    assert deleted == c and store.checkin_count() == 0
    assert store.db.execute("SELECT count(*) FROM checkin_emotions").fetchone()[0] == 0
    store.save_checkin(deleted)
    assert store.get_checkin(c.id) == c


def test_one_action_is_one_transaction(store):
    good = CheckIn.create(mood=3)
    with pytest.raises(RuntimeError):
        with store.write():
            store.save_checkin(good)
            raise RuntimeError("boom")
    assert store.checkin_count() == 0


def test_a_write_inside_a_write_is_a_savepoint(store):
    kept, undone = CheckIn.create(mood=3), CheckIn.create(mood=4)
    with store.write():
        store.save_checkin(kept)
        with pytest.raises(RuntimeError):
            with store.write():
                store.save_checkin(undone)
                raise RuntimeError("boom")
        assert store.db.conn.in_transaction  # the outer transaction goes on
    assert [c.id for c in store.checkins()] == [kept.id]


def test_the_store_holds_a_real_sqlite_utils_database(store):
    import sqlite_utils

    assert isinstance(store.db, sqlite_utils.Database)
    store.save_checkin(CheckIn.create(mood=3, note="via sqlite-utils"))
    assert store.db["checkins"].count == 1
    assert [r["note"] for r in store.db["checkins"].rows] == ["via sqlite-utils"]


def test_check_constraints_back_up_validation(store):
    with pytest.raises(store_errors.IntegrityError):
        store.db.execute(
            "INSERT INTO checkins (id, day, created_at, updated_at, mood) "
            "VALUES ('x', '2026-11-28', 'a', 'b', 9)"
        )


def test_daily_means_average_several_checkins_and_leave_gaps(store):
    store.save_checkins(
        [
            CheckIn.create(mood=2, regulation=1, day="2026-11-25"),
            CheckIn.create(mood=4, regulation=4, day="2026-11-25"),
            CheckIn.create(mood=5, day="2026-11-27"),
        ]
    )
    rows = store.daily_means()
    assert [r["day"] for r in rows] == ["2026-11-25", "2026-11-27"]
    assert rows[0]["mood"] == 3 and rows[0]["regulation"] == 2.5 and rows[0]["n"] == 2
    assert rows[1]["regulation"] is None


def test_experiments_logs_ruptures_supports(store):
    e = Experiment.create(
        title="Pause", practice="When stung, breathe", days=14, target_count=5, belief_before=60
    )
    store.save_experiment(e)
    store.save_practice_log(
        PracticeLog.create(experiment_id=e.id, done=1, distress_before=4, distress_after=2)
    )
    assert store.practice_counts() == {e.id: (1, 1)}
    store.save_experiment(e.with_changes(status="completed", belief_after=30))
    assert store.experiments()[0].belief_after == 30

    r = Rupture.create(my_move="pursued", people=["partner"], intensity=4)
    store.save_rupture(r)
    assert store.ruptures(unrepaired_only=True)[0].people == ("partner",)
    store.save_rupture(r.with_changes(repaired_on="2026-11-28", apologised=1))
    assert store.ruptures(unrepaired_only=True) == []

    store.save_support(Support.create(name="Alex", how_to_reach="07700 900000"))
    assert [s.name for s in store.supports()] == ["Alex"]


def test_foreign_key_cascade_removes_practice_logs(store):
    e = Experiment.create(title="t", practice="p", days=7, target_count=1)
    store.save_experiment(e)
    store.save_practice_log(PracticeLog.create(experiment_id=e.id))
    store.delete_experiment(e.id)
    assert store.practice_logs() == []


def test_settings(store):
    assert store.get_setting("theme") is None
    store.set_setting("theme", "textual-light")
    store.set_setting("theme", "nord")
    assert store.get_setting("theme") == "nord"


def test_upgrade_from_an_older_schema_keeps_every_row(db_path, monkeypatch):
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:1])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 1)
    with Store.open(db_path) as old:
        old.save_checkins(
            CheckIn.create(mood=1 + i % 5, note=f"n{i}", emotions=["sad"]) for i in range(50)
        )
        assert old.schema_version == 1
    monkeypatch.undo()

    seen = []
    with Store.open(db_path, before_migrate=lambda p, v: seen.append(v)) as new:
        assert new.schema_version == SCHEMA_VERSION
        assert new.checkin_count() == 50
        assert sorted(c.note for c in new.checkins()) == sorted(f"n{i}" for i in range(50))
        assert all(c.emotions == ("sad",) for c in new.checkins())
        new.set_setting("theme", "nord")
    assert seen == [1]  # the backup hook ran once, before migrating


def test_newer_schema_is_refused_untouched(db_path):
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="newer version of tracker"):
        Store.open(db_path)
    assert db_path.read_bytes() == before


def test_not_sqlite_is_refused_untouched(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("my diary, not a database\n")
    with pytest.raises(StoreError, match="not an SQLite file.*tracker restore"):
        Store.open(bogus)
    assert bogus.read_text() == "my diary, not a database\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_someone_elses_sqlite_is_refused_untouched(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(StoreError, match="not one of tracker's"):
        Store.open(other)
    assert other.read_bytes() == before


def test_nothing_happens_at_import_time(tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    subprocess.run(
        [sys.executable, "-c", "import tracker.cli, tracker.store, tracker.models, tracker.paths"],
        check=True,
        env=env,
    )
    assert list(tmp_path.iterdir()) == []


def test_one_write_path_takes_records_or_rows_and_replaces_names(store):
    from tracker.store import checkin_row

    a = CheckIn.create(mood=2, emotions=["sad"], people=["Sam"])
    b = CheckIn.create(mood=4, tags=["walk"])
    assert store.save_checkins([a, checkin_row(b)]) == 2
    assert store.get_checkin(a.id) == a and store.get_checkin(b.id) == b
    edited = a.with_changes(emotions=("calm",), people=())
    assert store.save_checkins([checkin_row(edited)]) == 1
    assert store.get_checkin(a.id) == edited
    assert store.db.execute("SELECT count(*) FROM checkin_people").fetchone()[0] == 0


def test_many_ruptures_at_once_keep_each_ones_people(store):
    r1 = Rupture.create(my_move="pursued", people=["Sam", "Alex"])
    r2 = Rupture.create(my_move="withdrew", people=["Alex"])
    assert store.save_ruptures([r1, r2]) == 2
    assert {r.id: r.people for r in store.ruptures()} == {r1.id: ("Alex", "Sam"), r2.id: ("Alex",)}
    store.save_ruptures([r1.with_changes(people=("Jo",))])
    assert store.get_rupture(r1.id).people == ("Jo",)
    assert store.get_rupture(r2.id).people == ("Alex",)


# --- migration 3: the search index ---------------------------------------------------------


def _schema_2_database(path, monkeypatch) -> None:
    """A database as tracker made it before the search index: schema 2, with text."""
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:2])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 2)
    with Store.open(path) as old:
        old.save_checkins(
            CheckIn.create(
                day=f"2026-11-{1 + i % 27:02d}",
                mood=1 + i % 5,
                note=f"note {i} about the garden",
                emotions=["sad"],
            )
            for i in range(40)
        )
        save_as_older_schema(
            old,
            Rupture.create(my_move="froze", what_happened="froze in the garden"),
            Experiment.create(title="t", practice="p", days=7, target_count=1).with_changes(
                learned="the garden helps"
            ),
        )
        assert old.schema_version == 2
        tables = set(old.db.table_names())
    assert not any(t.endswith("_fts") for t in tables)
    monkeypatch.undo()


def test_a_schema_2_database_migrates_to_3_with_a_backup_and_keeps_its_data(
    db_path, monkeypatch, run_tracker
):
    _schema_2_database(db_path, monkeypatch)
    before = (
        sqlite3.connect(db_path)
        .execute("SELECT id, day, note FROM checkins ORDER BY id")
        .fetchall()
    )
    result = run_tracker("search", "garden", "--json", "--limit", "100")  # the real command
    assert result.returncode == 0, result.stderr
    import json

    kinds = [h["kind"] for h in json.loads(result.stdout)]
    assert sorted(kinds) == ["checkin"] * 40 + ["experiment", "rupture"]
    made = list((db_path.parent / "backups").glob("tracker-pre-migration-v2-*.db"))
    assert len(made) == 1 and stat.S_IMODE(os.stat(made[0]).st_mode) == 0o600
    kept = sqlite3.connect(made[0])
    assert kept.execute("PRAGMA user_version").fetchone()[0] == 2
    assert kept.execute("SELECT id, day, note FROM checkins ORDER BY id").fetchall() == before
    kept.close()
    with Store.open(db_path) as new:
        assert new.schema_version == SCHEMA_VERSION >= 3  # through 3, to the newest
        assert (
            new.conn.execute("SELECT id, day, note FROM checkins ORDER BY id").fetchall() == before
        )
        assert all(c.emotions == ("sad",) for c in new.checkins())
        for table, count in (("checkins", 40), ("ruptures", 1), ("experiments", 1)):
            assert new.conn.execute(f"SELECT count(*) FROM {table}_fts").fetchone()[0] == count
            new.conn.execute(
                f"INSERT INTO {table}_fts ({table}_fts, rank) VALUES ('integrity-check', 1)"
            )
        assert len(new.checkins(text="garden")) == 40
        assert new.integrity_problems() == []


def test_a_schema_2_backup_restored_is_migrated_and_searchable(tmp_path, monkeypatch, run_tracker):
    old = tmp_path / "old" / "tracker.db"
    _schema_2_database(old, monkeypatch)
    db = tmp_path / "data" / "tracker.db"
    assert run_tracker("add", "--mood", "3", "--note", "today", db=db).returncode == 0
    result = run_tracker("restore", str(old), "--yes", db=db)
    assert result.returncode == 0, result.stderr
    found = run_tracker("search", "garden", "--limit", "100", db=db)
    assert found.returncode == 0 and "42 matches" in found.stdout, found.stdout + found.stderr
    with Store.open(db) as restored:
        assert restored.schema_version == SCHEMA_VERSION and restored.checkin_count() == 40


def test_the_store_never_imports_textual_click_or_rich(db_path, tmp_path):
    """The store (a core layer) in a process of its own: what it loads.

    Opening an up-to-date database, reading, writing and searching load nothing of
    the three. Migrating (a new database) uses sqlite-utils, which imports click
    itself; the store then adds nothing of the three beyond what sqlite-utils brings.
    """
    import ast
    import subprocess
    import sys
    from pathlib import Path

    import tracker.store

    for module in Path(tracker.store.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                assert not {n.split(".")[0] for n in names} & {"textual", "click", "rich"}, module
    use = (
        "import sys\n"
        "from tracker.models import CheckIn\n"
        "from tracker.store import Store\n"
        "with Store.open(sys.argv[1]) as s:\n"
        "    s.save_checkin(CheckIn.create(mood=3, note='a walk'))\n"
        "    s.search('walk'); s.checkins(text='walk'); list(s.export_rows('checkins'))\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )

    def loaded(code: str, *args: str) -> set[str]:
        out = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
        ).stdout
        return set(out.split())

    heavy = {"textual", "click", "rich"}
    Store.open(db_path).close()
    assert loaded(use, str(db_path)) & heavy == set()
    migrating = loaded(use, str(tmp_path / "new.db"))
    assert "textual" not in migrating and "rich" not in migrating
    brought = loaded(
        "import sys, sqlite_utils\nprint(' '.join({m.split('.')[0] for m in sys.modules}))\n"
    )
    assert migrating & heavy <= brought
