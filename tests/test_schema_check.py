"""Only what tracker makes: a database whose schema is not exactly what the migrations
make is refused by name, on open (the live database) and on restore, and left as it was.

The hostile cases are real SQLite files changed as another program (or a crafted
backup) would change them; the property tests change the schema's SQL text at random:
a change SQLite reads the same (white space, letter case, quoting) is accepted, and a
change it reads differently is refused.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.trust_helpers import file_hash, populate
from tracker.store import SCHEMA_VERSION, Store, StoreError, schema_check
from tracker.store import errors as store_errors

# (name, SQL run on a sound tracker database, words the refusal must hold)
HOSTILE = [
    (
        "the issue's wipe trigger",
        "CREATE TRIGGER wipe AFTER INSERT ON checkins BEGIN DELETE FROM checkins WHERE "
        "id != new.id; DELETE FROM supports; END",
        ["trigger wipe", "not one of tracker's"],
    ),
    (
        "a trigger before update",
        "CREATE TRIGGER spy BEFORE UPDATE ON supports BEGIN SELECT 1; END",
        ["trigger spy (on supports)"],
    ),
    (
        "a trigger on a link table",
        "CREATE TRIGGER keep AFTER DELETE ON checkin_tags "
        "BEGIN INSERT INTO checkin_tags VALUES (old.checkin_id, old.tag_id); END",
        ["trigger keep"],
    ),
    ("a view", "CREATE VIEW everything AS SELECT * FROM checkins", ["view everything"]),
    ("another table", "CREATE TABLE mine (x)", ["table mine"]),
    (
        "a table that holds check-ins back",
        "CREATE TABLE holds (c TEXT REFERENCES checkins (id) ON DELETE RESTRICT)",
        ["table holds"],
    ),
    (
        "a unique index",
        "CREATE UNIQUE INDEX one_a_day ON checkins (day)",
        ["index one_a_day (on checkins)"],
    ),
    ("a partial index", "CREATE INDEX sad ON checkins (mood) WHERE mood < 3", ["index sad"]),
    (
        "a dropped column",
        "ALTER TABLE supports DROP COLUMN note",
        ["table supports has no column note"],
    ),
    (
        "an added column",
        "ALTER TABLE checkins ADD COLUMN secret TEXT",
        ["table checkins has a column secret"],
    ),
    (
        "a renamed column",
        "ALTER TABLE checkins RENAME COLUMN note TO notes",
        ["table checkins has no column note"],
    ),
    (
        "a renamed table",
        "ALTER TABLE settings RENAME TO prefs",
        ["table prefs", "table settings is missing"],
    ),
    ("a dropped index", "DROP INDEX checkins_day", ["index checkins_day is missing"]),
    ("a dropped table", "DROP TABLE settings", ["table settings is missing"]),
    ("a dropped search trigger", "DROP TRIGGER checkins_ai", ["trigger checkins_ai is missing"]),
    (
        "a search trigger made to delete",
        "DROP TRIGGER checkins_ai; CREATE TRIGGER checkins_ai AFTER INSERT ON checkins "
        "BEGIN DELETE FROM supports; END",
        ["trigger checkins_ai", "definition"],
    ),
    (
        "a search trigger moved to another table",
        "DROP TRIGGER ruptures_ai; CREATE TRIGGER ruptures_ai AFTER INSERT ON supports "
        "BEGIN SELECT 1; END",
        ["trigger ruptures_ai is on table supports"],
    ),
    ("a dropped search index", "DROP TABLE checkins_fts", ["table checkins_fts is missing"]),
]

# Changes only writable_schema can make: what PRAGMA table_xinfo does not show.
REWRITTEN = [
    (
        "a loosened CHECK",
        "checkins",
        "mood BETWEEN 1 AND 5",
        "mood BETWEEN 1 AND 50",
        ["table checkins", "constraints"],
    ),
    (
        "a cascade that deletes names",
        "checkin_tags",
        "tag_id INTEGER NOT NULL REFERENCES tags (id)",
        "tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE",
        ["table checkin_tags", "foreign keys"],
    ),
    ("not STRICT", "settings", ") STRICT", ")", ["table settings is not STRICT"]),
    ("another default", "supports", "DEFAULT 'person'", "DEFAULT 'stranger'", ["column kind"]),
    ("another type", "supports", "position INTEGER", "position TEXT", ["column position"]),
    ("no NOT NULL", "checkins", "mood INTEGER NOT NULL", "mood INTEGER", ["column mood"]),
    (
        "a trigger with a condition",
        "checkins_ad",
        'AFTER DELETE ON "checkins" BEGIN',
        'AFTER DELETE ON "checkins" WHEN old.mood > 9 BEGIN',
        ["trigger checkins_ad"],
    ),
]


def _sound(path: Path) -> Path:
    with Store.open(path) as s:
        populate(s)  # (for an older schema, what it has tables for)
    return path


def _run_sql(path: Path, sql: str) -> None:
    conn = sqlite3.connect(str(path))
    try:
        conn.executescript(sql)
        conn.commit()
    finally:
        conn.close()


def _rewrite(path: Path, name: str, old: str, new: str) -> None:
    conn = sqlite3.connect(str(path))
    try:
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", [name]).fetchone()
        assert old in sql, (name, sql)
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(
            "UPDATE sqlite_master SET sql = ? WHERE name = ?", [sql.replace(old, new, 1), name]
        )
        conn.commit()
    finally:
        conn.close()


def _hostile(path: Path, case: tuple) -> list[str]:
    if len(case) == 3:
        _run_sql(path, case[1])
    else:
        _rewrite(path, case[1], case[2], case[3])
    return case[-1]


ALL = [pytest.param(c, id=c[0]) for c in HOSTILE + REWRITTEN]


def _files(folder: Path) -> dict[str, str]:
    return {p.name: file_hash(p) for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the live database -------------------------------------------------------------------


@pytest.mark.parametrize("case", ALL)
def test_open_refuses_a_schema_tracker_did_not_make_and_names_it(tmp_path, case):
    db = _sound(tmp_path / "data" / "tracker.db")
    words = _hostile(db, case)
    before = _files(db.parent)
    with pytest.raises(StoreError) as refused:
        Store.open(db)
    message = str(refused.value)
    for word in words:
        assert word in message, message
    assert str(db) in message and "\n" not in message
    assert _files(db.parent) == before  # not switched to WAL, nothing written


@pytest.mark.parametrize("case", [ALL[0], ALL[3], ALL[8], ALL[-3]])
def test_tracker_add_on_such_a_database_exits_3_and_writes_nothing(tmp_path, run_tracker, case):
    db = _sound(tmp_path / "data" / "tracker.db")
    words = _hostile(db, case)
    before = _files(db.parent)
    for command in (["add", "--mood", "4"], ["export", "--table", "checkins"], ["list"]):
        result = run_tracker(*command, db=db)
        assert result.returncode == 3, result.stderr
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
        assert "Traceback" not in result.stderr
        for word in words:
            assert word in result.stderr
    assert _files(db.parent) == before


def test_the_message_says_how_to_remove_what_tracker_did_not_make(tmp_path):
    db = _sound(tmp_path / "data" / "tracker.db")
    _run_sql(db, HOSTILE[0][1] + "; CREATE VIEW v AS SELECT 1;")
    with pytest.raises(StoreError) as refused:
        Store.open(db)
    command = re.search(r"sqlite3 (\S+) '(.*)'$", str(refused.value))
    assert command is not None, str(refused.value)
    assert command.group(1) == str(db)
    assert command.group(2) == 'DROP TRIGGER "wipe"; DROP VIEW "v"'
    _run_sql(db, command.group(2))  # what the message says to run
    with Store.open(db) as s:
        assert s.checkin_count() == 2


def test_a_hostile_name_is_shown_without_its_control_characters(tmp_path):
    db = _sound(tmp_path / "data" / "tracker.db")
    _run_sql(
        db, 'CREATE TRIGGER "x\x1b]52;c;aGk=\x07" AFTER INSERT ON checkins BEGIN SELECT 1; END'
    )
    with pytest.raises(StoreError) as refused:
        Store.open(db)
    assert "\x1b" not in str(refused.value) and "\x07" not in str(refused.value)
    assert "^[" in str(refused.value)


def test_an_older_schema_with_a_foreign_trigger_is_refused_before_it_is_migrated(
    tmp_path, monkeypatch
):
    from tracker.store import schema as schema_module

    db = tmp_path / "data" / "tracker.db"
    monkeypatch.setattr(schema_module, "MIGRATIONS", schema_module.MIGRATIONS[:2])
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", 2)
    _sound(db)
    monkeypatch.undo()
    _run_sql(db, HOSTILE[0][1])
    before = _files(db.parent)
    with pytest.raises(StoreError, match="trigger wipe"):
        Store.open(db, before_migrate=lambda *a: pytest.fail("backed up and migrated"))
    assert _files(db.parent) == before


def test_statistics_tables_are_not_schema(tmp_path):
    """``ANALYZE`` or ``PRAGMA optimize`` (which sqlite3 and Datasette users run) add
    sqlite_stat1 and sqlite_stat4: the file is still tracker's."""
    db = _sound(tmp_path / "data" / "tracker.db")
    _run_sql(db, "ANALYZE")
    with Store.open(db) as s:
        assert s.checkin_count() == 2


def test_the_fingerprints_are_those_of_the_migrations():
    for version in range(SCHEMA_VERSION + 1):
        assert (
            schema_check.fingerprint(schema_check.reference(version))
            == schema_check.FINGERPRINTS[version]
        ), version


def test_a_file_made_by_tracker_matches_its_fingerprint(tmp_path):
    db = _sound(tmp_path / "data" / "tracker.db")
    conn = sqlite3.connect(str(db))
    assert schema_check.matches(conn, SCHEMA_VERSION)
    assert schema_check.schema_problems(conn) == []
    conn.close()


# --- another application's file ----------------------------------------------------------


@pytest.mark.parametrize(
    "setup, words",
    [
        ("PRAGMA application_id = 1234", ["another application", "0x000004d2"]),
        ("PRAGMA application_id = 1234; PRAGMA user_version = 3", ["another application"]),
        ("PRAGMA user_version = 7", ["not one of tracker's"]),
        ("CREATE VIEW v AS SELECT 1", ["not one of tracker's"]),
    ],
    ids=["foreign-id-empty", "foreign-id-version", "no-id-a-version", "no-id-a-view"],
)
def test_another_applications_sqlite_file_is_refused_untouched(tmp_path, run_tracker, setup, words):
    db = tmp_path / "theirs.db"
    _run_sql(db, setup)
    before = _files(tmp_path)
    for command in (["add", "--mood", "3"], ["status"]):
        result = run_tracker(*command, db=db)
        assert result.returncode == 3, result.stderr
        assert all(word in result.stderr for word in words), result.stderr
        assert result.stderr.count("\n") == 1
    assert _files(tmp_path) == before


def test_an_empty_file_is_still_a_new_database(tmp_path, run_tracker):
    db = tmp_path / "new.db"
    db.touch(mode=0o600)
    assert run_tracker("add", "--mood", "3", db=db).returncode == 0


# --- restore ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ALL)
def test_restore_refuses_a_backup_tracker_did_not_make(tmp_path, run_tracker, case):
    db = _sound(tmp_path / "data" / "tracker.db")
    crafted = tmp_path / "crafted.db"
    assert run_tracker("backup", str(crafted), db=db).returncode == 0
    words = _hostile(crafted, case)
    before, offered = _files(db.parent), file_hash(crafted)
    result = run_tracker("restore", "--yes", str(crafted), db=db)
    assert result.returncode != 0
    assert "Nothing was changed" in result.stderr and "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr
    assert _files(db.parent) == before and file_hash(crafted) == offered


def test_the_issues_example_no_longer_wipes_anything(tmp_path, run_tracker):
    db = _sound(tmp_path / "data" / "tracker.db")
    evil = tmp_path / "evil.db"
    assert run_tracker("backup", str(evil), db=db).returncode == 0
    _run_sql(evil, HOSTILE[0][1])
    assert run_tracker("restore", "--yes", str(evil), db=db).returncode != 0
    assert run_tracker("add", "--mood", "3", db=db).returncode == 0
    with Store.open(db) as s:
        assert s.checkin_count() == 3 and len(s.supports()) == 1


def test_restore_refuses_rows_that_point_at_nothing(tmp_path, run_tracker):
    """foreign_key_check as well as integrity_check: a link to a check-in that is not
    there would be a name counted for nothing."""
    db = _sound(tmp_path / "data" / "tracker.db")
    crafted = tmp_path / "orphans.db"
    assert run_tracker("backup", str(crafted), db=db).returncode == 0
    _run_sql(crafted, "INSERT INTO checkin_tags VALUES ('no such check-in', 1)")
    result = run_tracker("restore", "--yes", str(crafted), db=db)
    assert result.returncode != 0
    assert "checkin_tags refers to a missing row of checkins" in result.stderr


def test_restore_takes_a_sound_backup_of_an_older_schema(tmp_path, run_tracker, monkeypatch):
    from tracker.store import schema as schema_module

    old = tmp_path / "old" / "tracker.db"
    monkeypatch.setattr(schema_module, "MIGRATIONS", schema_module.MIGRATIONS[:2])
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", 2)
    _sound(old)
    monkeypatch.undo()
    db = _sound(tmp_path / "data" / "tracker.db")
    result = run_tracker("restore", "--yes", str(old), db=db)
    assert result.returncode == 0, result.stderr
    with Store.open(db) as s:
        assert s.schema_version == SCHEMA_VERSION and s.checkin_count() == 2


def test_restore_refuses_an_older_schema_with_a_foreign_trigger(tmp_path, run_tracker, monkeypatch):
    from tracker.store import schema as schema_module

    old = tmp_path / "old" / "tracker.db"
    monkeypatch.setattr(schema_module, "MIGRATIONS", schema_module.MIGRATIONS[:1])
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", 1)
    _sound(old)
    monkeypatch.undo()
    _run_sql(old, HOSTILE[1][1])
    db = _sound(tmp_path / "data" / "tracker.db")
    result = run_tracker("restore", "--yes", str(old), db=db)
    assert result.returncode != 0 and "trigger spy" in result.stderr


# --- the SQL text, read as SQLite reads it ---------------------------------------------------

_REFERENCE = schema_check.reference(SCHEMA_VERSION)
_STATEMENTS = [
    sql
    for (sql,) in _REFERENCE.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT GLOB '*_fts_*' "
        "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name"
    )
]

_NAMES = {name for (name,) in _REFERENCE.execute("SELECT name FROM sqlite_master")} | {
    column
    for (table,) in _REFERENCE.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    for (column,) in _REFERENCE.execute("SELECT name FROM pragma_table_info(?)", [table])
} - schema_check._KEYWORDS
"""Identifiers of tracker's schema that may be quoted or bare (not ``key``, a keyword:
quoted, it is told apart, which only ever refuses more)."""


def _respell(sql: str, rng: random.Random) -> str:
    """``sql`` written another way that SQLite reads the same. (Not a virtual table's:
    its arguments are read by FTS5, not by SQLite.)"""
    if sql.startswith("CREATE VIRTUAL TABLE"):
        return sql
    out = []
    for match in schema_check._tokens().finditer(sql):
        kind, text = match.lastgroup, match.group()
        if kind == "space":
            out.append(rng.choice([" ", "\n", "\t  ", " /* c */ ", " -- c\n"]))
            continue
        if kind == "word":
            text = "".join(rng.choice([c.lower(), c.upper()]) for c in text)
            if text.lower() in _NAMES and rng.random() < 0.5:
                text = rng.choice(['"{}"', "[{}]", "`{}`"]).format(text)
        elif kind == "quoted" and text[1:-1] in _NAMES:
            text = rng.choice([text[1:-1], f"[{text[1:-1]}]", f"`{text[1:-1]}`"])
        out.append(text)
        if kind != "string" and rng.random() < 0.25:
            out.append(rng.choice([" ", "\n  "]))
    return "".join(out)


def _build(path: Path, statements: list[str]) -> sqlite3.Connection:
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(str(path))
    for sql in statements:
        conn.execute(sql)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.commit()
    return conn


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32))
def test_the_same_schema_written_another_way_is_accepted(tmp_path, seed):
    rng = random.Random(seed)
    statements = [_respell(sql, rng) for sql in _STATEMENTS]
    conn = _build(tmp_path / "respelled.db", statements)
    try:
        assert schema_check.schema_problems(conn) == []
    finally:
        conn.close()


_SWAPS = [
    ("5", "6"),
    ("1", "0"),
    ("AFTER", "BEFORE"),
    ("DELETE", "UPDATE"),
    ("new", "old"),
    ("need", "note"),
    ("NOT NULL", ""),
    ("CASCADE", "SET NULL"),
    ("'delete'", "'x'"),
    ("DESC", "ASC"),
    ("(day)", "(day DESC)"),
    ("IN (0, 1)", "IN (0, 1, 2)"),
    ("TEXT", "BLOB"),
    ("NOCASE", "RTRIM"),
    ("INTEGER PRIMARY KEY", "INTEGER"),
    ("WITHOUT ROWID", ""),
    ("UNIQUE", ""),
    ("PRIMARY KEY", "UNIQUE"),
]


_CHANGES = [
    (which, at, old, new)
    for which, sql in enumerate(_STATEMENTS)
    for old, new in _SWAPS
    for at in (m.start() for m in re.finditer(rf"(?<![\w'\"]){re.escape(old)}(?![\w'\"])", sql))
]
"""Every place of every swap in tracker's schema: (statement, offset, old, new)."""


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(change=st.sampled_from(_CHANGES), seed=st.integers(0, 2**32))
def test_any_change_sqlite_reads_differently_is_refused(tmp_path, change, seed):
    which, at, old, new = change
    sql = _STATEMENTS[which]
    changed = sql[:at] + new + sql[at + len(old) :]
    rng = random.Random(seed)
    statements = [_respell(s, rng) for s in _STATEMENTS]
    statements[which] = changed
    try:
        conn = _build(tmp_path / "changed.db", statements)
    except sqlite3.Error:
        assume(False)  # not SQL SQLite takes: nothing to check
        return
    try:
        assert schema_check.schema_problems(conn) != [], changed
    finally:
        conn.close()


def test_tokens_keep_strings_and_quoted_keywords_apart():
    tokens = schema_check.sql_tokens
    assert (
        tokens("CREATE  TABLE [x] (a)")
        == tokens('create table "x"(a)')
        == tokens("create table x ( a ) -- note")
    )
    assert tokens("SELECT 'a'") != tokens("SELECT 'A'")
    assert tokens('SELECT "null"') != tokens("SELECT null")
    assert tokens('SELECT "new.need"') != tokens("SELECT new.need")
    assert tokens('SELECT "a b"') != tokens("SELECT a b")
    assert tokens("SELECT 15") != tokens("SELECT 1 5")


def test_reading_the_schema_is_one_query_and_one_hash_on_an_open(tmp_path):
    """The open's quick path: a sound file is judged by its fingerprint alone."""
    db = _sound(tmp_path / "data" / "tracker.db")
    conn = sqlite3.connect(str(db))
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    assert schema_check.matches(conn, SCHEMA_VERSION)
    conn.close()
    assert len(statements) == 1 and "sqlite_master" in statements[0]
    assert os.path.exists(db)


@pytest.mark.parametrize(
    "sql, words",
    [
        ("UPDATE checkins SET created_at = 'yesterday'", "checkins.created_at"),
        ("UPDATE checkins SET day = '2026-13-45'", "checkins.day"),
        ("UPDATE checkins SET day = '0999-01-01'", "checkins.day"),
        ("UPDATE ruptures SET happened_at = '2026-11-10T19:30:00'", "ruptures.happened_at"),
        ("UPDATE experiments SET ends_on = '2026-02-30'", "experiments.ends_on"),
        ("UPDATE supports SET id = 'crisis'", "supports.id"),
        (
            "UPDATE practice_logs SET updated_at = '2026-11-02T25:00:00+01:00'",
            "practice_logs.updated_at",
        ),
    ],
    ids=["stamp", "impossible-day", "early-day", "no-offset", "feb-30", "id", "hour-25"],
)
def test_restore_refuses_ids_days_and_times_tracker_never_writes(tmp_path, run_tracker, sql, words):
    """What would make `list`, a chart or an export stop half-way is refused up front."""
    db = _sound(tmp_path / "data" / "tracker.db")
    crafted = tmp_path / "crafted.db"
    assert run_tracker("backup", str(crafted), db=db).returncode == 0
    _run_sql(crafted, "PRAGMA foreign_keys = OFF; " + sql)
    before = _files(db.parent)
    result = run_tracker("restore", "--yes", str(crafted), db=db)
    assert result.returncode != 0 and words in result.stderr, result.stderr
    assert _files(db.parent) == before


def test_the_search_migration_is_all_or_nothing(tmp_path, monkeypatch):
    """sqlite3's executescript commits any open transaction first; sqlite-utils (whose
    enable_fts makes the index) runs its scripts statement by statement inside one, and
    this holds it to that: a migration committed half-way would leave a schema that is
    neither 2 nor 3, which every later open would refuse."""
    from tracker.store import schema as schema_module

    db = tmp_path / "data" / "tracker.db"
    monkeypatch.setattr(schema_module, "MIGRATIONS", schema_module.MIGRATIONS[:2])
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", 2)
    _sound(db)
    monkeypatch.undo()
    monkeypatch.setattr(
        schema_module, "FTS_COLUMNS", {**schema_module.FTS_COLUMNS, "no_such_table": ("x",)}
    )
    with pytest.raises(store_errors.OperationalError, match="no_such_table"):
        Store.open(db)
    monkeypatch.undo()
    conn = sqlite3.connect(str(db))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    assert schema_check.schema_problems(conn) == []  # exactly schema 2, nothing of 3
    conn.close()
    with Store.open(db) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.search("Texted")  # the index was made and filled this time
