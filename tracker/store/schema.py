"""The schema: the SQL of each migration, in order, and how they are run.

The schema is a public interface (people query it with ``sqlite-utils`` or
Datasette; the README documents it), numbered by ``PRAGMA user_version``: a database
at version N has had the first N migrations. Never edit a migration that has
shipped; add one.

The pattern is llm's: an ordered list of small functions, each given the
``sqlite_utils.Database`` and run in its own transaction. (sqlite-utils'
``Migrations`` records migrations by name in a ``_sqlite_migrations`` table instead:
that would add a table to the public schema, and databases of schema 1 and 2, which
exist and know only ``user_version``, would first need that table written for them.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tracker.store.connection import transaction

if TYPE_CHECKING:
    from sqlite_utils import Database

APPLICATION_ID = 0x54524B52  # "TRKR": marks a file as a tracker database

SCHEMA_V1 = """
CREATE TABLE checkins (
    id TEXT PRIMARY KEY,
    day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    mood INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),
    intensity INTEGER CHECK (intensity BETWEEN 0 AND 5),
    regulation INTEGER CHECK (regulation BETWEEN 0 AND 5),
    pursue INTEGER CHECK (pursue BETWEEN 0 AND 5),
    withdraw INTEGER CHECK (withdraw BETWEEN 0 AND 5),
    pursue_acted INTEGER CHECK (pursue_acted IN (0, 1)),
    withdraw_acted INTEGER CHECK (withdraw_acted IN (0, 1)),
    paused INTEGER CHECK (paused IN (0, 1)),
    need TEXT,
    note TEXT
) STRICT;
CREATE INDEX checkins_day ON checkins (day);

CREATE TABLE emotions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    shipped INTEGER NOT NULL DEFAULT 0 CHECK (shipped IN (0, 1))
) STRICT;
CREATE TABLE checkin_emotions (
    checkin_id TEXT NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
    emotion_id INTEGER NOT NULL REFERENCES emotions (id),
    PRIMARY KEY (checkin_id, emotion_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX checkin_emotions_emotion ON checkin_emotions (emotion_id);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
) STRICT;
CREATE TABLE checkin_people (
    checkin_id TEXT NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id),
    PRIMARY KEY (checkin_id, person_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX checkin_people_person ON checkin_people (person_id);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
) STRICT;
CREATE TABLE checkin_tags (
    checkin_id TEXT NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags (id),
    PRIMARY KEY (checkin_id, tag_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX checkin_tags_tag ON checkin_tags (tag_id);

CREATE TABLE experiments (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    practice TEXT NOT NULL,
    prediction TEXT,
    belief_before INTEGER CHECK (belief_before BETWEEN 0 AND 100),
    started_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    target_count INTEGER NOT NULL CHECK (target_count >= 1),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'dropped')),
    outcome TEXT,
    belief_after INTEGER CHECK (belief_after BETWEEN 0 AND 100),
    learned TEXT,
    ended_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX experiments_started_on ON experiments (started_on);

CREATE TABLE practice_logs (
    id TEXT PRIMARY KEY,
    experiment_id TEXT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    done INTEGER NOT NULL CHECK (done IN (0, 1)),
    distress_before INTEGER CHECK (distress_before BETWEEN 0 AND 5),
    distress_after INTEGER CHECK (distress_after BETWEEN 0 AND 5),
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX practice_logs_day ON practice_logs (day);
CREATE INDEX practice_logs_experiment ON practice_logs (experiment_id, day);

CREATE TABLE ruptures (
    id TEXT PRIMARY KEY,
    happened_at TEXT NOT NULL,
    day TEXT NOT NULL,
    what_happened TEXT,
    my_move TEXT NOT NULL CHECK (my_move IN ('pursued', 'withdrew', 'attacked', 'froze', 'other')),
    intensity INTEGER CHECK (intensity BETWEEN 0 AND 5),
    acknowledged INTEGER NOT NULL DEFAULT 0 CHECK (acknowledged IN (0, 1)),
    apologised INTEGER NOT NULL DEFAULT 0 CHECK (apologised IN (0, 1)),
    took_accountability INTEGER NOT NULL DEFAULT 0 CHECK (took_accountability IN (0, 1)),
    repair_attempt INTEGER NOT NULL DEFAULT 0 CHECK (repair_attempt IN (0, 1)),
    talked_needs INTEGER NOT NULL DEFAULT 0 CHECK (talked_needs IN (0, 1)),
    repaired_on TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX ruptures_day ON ruptures (day);
CREATE TABLE rupture_people (
    rupture_id TEXT NOT NULL REFERENCES ruptures (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id),
    PRIMARY KEY (rupture_id, person_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE supports (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'person',
    how_to_reach TEXT,
    note TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
"""


def _split_sql(script: str) -> list[str]:
    return [s.strip() for s in script.split(";\n") if s.strip()]


def _migration_1(db: Database) -> None:
    """The first schema, and the shipped emotion vocabulary."""
    for statement in _split_sql(SCHEMA_V1):
        db.execute(statement)
    from tracker.shipped import emotion_vocabulary

    db.conn.executemany(
        "INSERT OR IGNORE INTO emotions (name, shipped) VALUES (?, 1)",
        [(name,) for name in emotion_vocabulary()],
    )


def _migration_2(db: Database) -> None:
    """Preferences the app remembers between runs (theme, last chart range...)."""
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT")


FTS_COLUMNS = {
    "checkins": ("need", "note"),
    "ruptures": ("what_happened", "note"),
    "experiments": ("learned", "outcome"),
}
"""The text each search index holds: ``<table>_fts`` over these columns of ``<table>``."""


def _migration_3(db: Database) -> None:
    """Full-text search of needs, notes, what happened and what was learned.

    sqlite-utils makes, per table, an FTS5 index that reads its text from the table
    (``content=``) and triggers that keep it up to date on every insert, update and
    delete, whoever writes (``<table>_ai``, ``_ad``, ``_au``); then fills it.
    """
    for table, columns in FTS_COLUMNS.items():
        db.table(table).enable_fts(columns, create_triggers=True)


SCHEMA_V4 = """
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    agenda TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_day ON sessions (day);

CREATE TABLE bring_marks (
    id TEXT PRIMARY KEY,
    checkin_id TEXT REFERENCES checkins (id) ON DELETE CASCADE,
    rupture_id TEXT REFERENCES ruptures (id) ON DELETE CASCADE,
    experiment_id TEXT REFERENCES experiments (id) ON DELETE CASCADE,
    practice_log_id TEXT REFERENCES practice_logs (id) ON DELETE CASCADE,
    marked_on TEXT NOT NULL CHECK (marked_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((checkin_id IS NOT NULL) + (rupture_id IS NOT NULL) + (experiment_id IS NOT NULL)
           + (practice_log_id IS NOT NULL) = 1)
) STRICT;
CREATE INDEX bring_marks_checkin ON bring_marks (checkin_id);
CREATE INDEX bring_marks_rupture ON bring_marks (rupture_id);
CREATE INDEX bring_marks_experiment ON bring_marks (experiment_id);
CREATE INDEX bring_marks_practice_log ON bring_marks (practice_log_id);
"""


def _migration_4(db: Database) -> None:
    """Therapy sessions (past or planned, with an agenda line) and "bring to my next
    session" marks.

    A mark is a row of its own, naming exactly one check-in, rupture, experiment or
    practice log (deleting that record deletes its marks), rather than a column on
    each of those tables: their rows, exports and imports stay as they were, a record
    can be brought to more than one session, and the mark keeps its own day
    (``marked_on``), which says which session it was brought to. Whether a session is
    past or planned is not stored: it follows from its day.
    """
    for statement in _split_sql(SCHEMA_V4):
        db.execute(statement)


SCHEMA_V5 = """
ALTER TABLE experiments ADD COLUMN alternative_belief TEXT;
ALTER TABLE experiments ADD COLUMN alternative_before INTEGER
    CHECK (alternative_before BETWEEN 0 AND 100);
ALTER TABLE experiments ADD COLUMN alternative_after INTEGER
    CHECK (alternative_after BETWEEN 0 AND 100);
ALTER TABLE experiments ADD COLUMN safety_behaviours TEXT;
ALTER TABLE experiments ADD COLUMN how_i_will_know TEXT;
ALTER TABLE experiments ADD COLUMN cue TEXT CHECK (cue IN ('urge', 'planned'));
ALTER TABLE experiments ADD COLUMN follows_id TEXT
    REFERENCES experiments (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE practice_logs ADD COLUMN prediction_happened INTEGER
    CHECK (prediction_happened BETWEEN 0 AND 100);
ALTER TABLE practice_logs ADD COLUMN rupture_id TEXT
    REFERENCES ruptures (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX practice_logs_rupture ON practice_logs (rupture_id);
ALTER TABLE ruptures ADD COLUMN let_rest_on TEXT;
ALTER TABLE ruptures ADD COLUMN next_time TEXT;
ALTER TABLE emotions ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));
ALTER TABLE people ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));
ALTER TABLE tags ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1))
"""


def _migration_5(db: Database) -> None:
    """The whole behavioural-experiment record, ruptures let rest, and words kept out
    of the suggestions.

    Experiments gain the alternative belief (and how strongly it is held, 0-100,
    before and after), the safety behaviours to drop, how I will know, what cues the
    practice (an urge, or a plan), and the experiment this one follows. A practice
    log can say how far what was predicted happened (0-100), and which rupture it was
    a repair attempt for. A rupture can be let rest (closed, not repaired) and keep
    "next time I'll...". An emotion, person or tag can be hidden from suggestions
    without touching the check-ins that name it. Every new column is empty (or 0)
    on the rows there are: nothing is made up for them.
    """
    for statement in _split_sql(SCHEMA_V5):
        db.execute(statement)


SYNCED_TABLES = (
    "checkins",
    "experiments",
    "practice_logs",
    "ruptures",
    "supports",
    "sessions",
    "bring_marks",
)
"""The record tables whose deletions leave a tombstone (migration 6): every table whose
rows have a text ``id`` and an ``updated_at``. A tombstone's ``kind`` is its table."""

_OFFSET = "CAST(round((julianday('now', 'localtime') - julianday('now')) * 1440) AS INTEGER)"
SQL_NOW = (
    "strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') || "
    f"CASE WHEN {_OFFSET} < 0 THEN '-' ELSE '+' END || "
    f"printf('%02d:%02d', abs({_OFFSET}) / 60, abs({_OFFSET}) % 60)"
)
"""SQLite's clock as tracker writes a moment (``2026-11-28T09:16:04+01:00``: local time
with its UTC offset), for what triggers stamp when no tracker code is running."""

SCHEMA_V6 = [
    "CREATE TABLE tombstones (\n"
    "    id TEXT PRIMARY KEY,\n"
    f"    kind TEXT NOT NULL CHECK (kind IN ({', '.join(repr(t) for t in SYNCED_TABLES)})),\n"
    "    deleted_at TEXT NOT NULL\n"
    ") STRICT",
    *(
        f"CREATE TRIGGER {table}_tombstone AFTER DELETE ON {table} BEGIN "
        f"INSERT OR REPLACE INTO tombstones (id, kind, deleted_at) "
        f"VALUES (old.id, '{table}', {SQL_NOW}); END"
        for table in SYNCED_TABLES
    ),
    *(
        f"CREATE TRIGGER {table}_revive AFTER INSERT ON {table} BEGIN "
        "DELETE FROM tombstones WHERE id = new.id; END"
        for table in SYNCED_TABLES
    ),
    """CREATE TABLE sync_conflicts (
    id INTEGER PRIMARY KEY,
    noticed_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    kept_device TEXT NOT NULL,
    kept_device_name TEXT,
    kept_at TEXT NOT NULL,
    kept_deleted INTEGER NOT NULL CHECK (kept_deleted IN (0, 1)),
    lost_device TEXT NOT NULL,
    lost_device_name TEXT,
    lost_at TEXT NOT NULL,
    lost_deleted INTEGER NOT NULL CHECK (lost_deleted IN (0, 1)),
    fields TEXT,
    lost TEXT,
    UNIQUE (record_id, kept_device, kept_at, lost_device, lost_at)
) STRICT""",
]


def _migration_6(db: Database) -> None:
    """Deletions that travel, and what sync found edited on two devices.

    ``tombstones``: one row per deleted record (its id, its table as ``kind``, and
    when). Triggers keep it, whoever deletes: ``<table>_tombstone`` after every delete
    of a record (cascades, and deletes made with sqlite-utils or Datasette, too), with
    SQLite's clock in tracker's form (tracker's own deletes then put tracker's clock on
    it, in the same transaction); ``<table>_revive`` after every insert, so a record
    and its tombstone are never both there. Nothing is made up for the deletions
    before this migration: they are not known.

    ``sync_conflicts``: a record ``tracker sync`` found changed here and on another
    device since the last sync: both versions (device, when, deleted or not), which
    was kept, the fields that differed, and the version that was not kept, as JSON.
    """
    for statement in SCHEMA_V6:
        db.execute(statement)


MIGRATIONS: list[Callable[[Database], None]] = [
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
    _migration_6,
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(
    db: Database, version: int, *, migrations: list[Callable[[Database], None]] | None = None
) -> None:
    """Run the migrations after ``version``, each in its own transaction.

    ``migrations``: :data:`MIGRATIONS` as it is when called (tests add one to see what
    a next version would do), or the first few of them (the reference schema of an
    older version). Another process may be migrating the same file: each step re-reads
    the version under the write lock and skips what is done.
    """
    steps = MIGRATIONS if migrations is None else migrations
    for number, migration in enumerate(steps[version:], start=version + 1):
        with transaction(db.conn):
            current = db.execute("PRAGMA user_version").fetchone()[0]
            if current >= number:  # another process got here first
                continue
            migration(db)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {number}")
