"""Storage: the only module that speaks SQL.

One SQLite file, opened through sqlite-utils. WAL, foreign keys on, a busy timeout so
two terminals can write to the same file, ordered migrations each in its own
transaction, and one transaction per user action (:meth:`Store.write`).

The schema is a public interface: people query it with ``sqlite-utils`` or Datasette.
The README documents it; change it only through a new migration.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING

from tracker import clock, paths
from tracker.models import CheckIn, Experiment, PracticeLog, Rupture, Support

APPLICATION_ID = 0x54524B52  # "TRKR": marks a file as a tracker database
BUSY_TIMEOUT_MS = 30_000
BULK_CACHE_KIB = -131_072  # page cache during a bulk import: up to 128 MiB
SQLITE_MAGIC = b"SQLite format 3\x00"


if TYPE_CHECKING:
    from sqlite_utils import Database


class StoreError(Exception):
    """A database that cannot be used as it is; the message says what to do."""


class _Database:
    """The part of ``sqlite_utils.Database`` the store uses, on a plain connection.

    Importing sqlite-utils takes ~50 ms, which the app's first screen and every
    ``tracker status`` would pay (see benchmarks/). ``execute``, ``query``, ``conn``
    and ``close`` behave as sqlite-utils' do for the statements the store runs;
    anything else (``atomic()``, ``table_names()``, ``db["t"].indexes``...) goes to a
    real ``sqlite_utils.Database`` on the same connection, made on first use.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._full: Database | None = None

    def _database(self) -> Database:
        if self._full is None:
            from sqlite_utils import Database

            self._full = Database(self.conn, execute_plugins=False, recursive_triggers=False)
        return self._full

    def __getattr__(self, name: str) -> Any:
        return getattr(self._database(), name)

    def __getitem__(self, table: str) -> Any:
        return self._database()[table]

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        """Run one statement; a write outside a transaction is committed at once."""
        conn = self.conn
        was_in_transaction = conn.in_transaction
        try:
            cursor = conn.execute(sql) if parameters is None else conn.execute(sql, parameters)
        except Exception:
            if not was_in_transaction and conn.in_transaction:
                conn.execute("ROLLBACK")  # the implicit transaction the failure opened
            raise
        if (not was_in_transaction and conn.in_transaction and cursor.description is None
                and sql.lstrip().split(None, 1)[0].upper() not in _TRANSACTION_WORDS):
            conn.execute("COMMIT")
        return cursor

    def query(self, sql: str, params: Any = None) -> Iterator[dict[str, Any]]:
        """Rows of a SELECT as dictionaries (other statements: see sqlite-utils)."""
        if sql.lstrip().split(None, 1)[0].upper() not in ("SELECT", "WITH"):
            return self._database().query(sql, params)
        cursor = self.conn.execute(sql, params or ())
        keys = [d[0] for d in cursor.description]
        if len(set(keys)) != len(keys):  # sqlite-utils renames repeated columns
            return self._database().query(sql, params)
        return (dict(zip(keys, row)) for row in cursor)

    def close(self) -> None:
        self.conn.close()


_SAVEPOINTS = itertools.count(1)
_TRANSACTION_WORDS = {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"}


# --- Migrations ------------------------------------------------------------------
# Ordered; never edit one that has shipped. Each runs in its own transaction and
# sets PRAGMA user_version to its position.

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


MIGRATIONS: list[Callable[[Database], None]] = [_migration_1, _migration_2]
SCHEMA_VERSION = len(MIGRATIONS)


_CHECKIN_LINKS = (("emotions", "checkin_emotions", "emotion_id"),
                  ("people", "checkin_people", "person_id"),
                  ("tags", "checkin_tags", "tag_id"))
_CHECKIN_COLUMNS = ("id", "day", "created_at", "updated_at", "mood", "intensity", "regulation",
                    "pursue", "withdraw", "pursue_acted", "withdraw_acted", "paused", "need",
                    "note")
checkin_row = attrgetter(*_CHECKIN_COLUMNS, "emotions", "people", "tags")
"""A validated check-in as one tuple: its columns, then emotions, people and tags."""
_first = itemgetter(0)


@dataclass
class CheckinCsvRecords:
    """What :meth:`Store.checkin_csv_records` returns."""

    columns: list[str]
    records: list[tuple[Any, ...]]
    vocabularies: tuple[dict[int, str], dict[int, str], dict[int, str]]


@dataclass
class CheckinBatch:
    """Validated check-ins, flattened for :meth:`Store.insert_checkin_batch`.

    Built without SQL (a worker process builds it): ``values`` holds the check-in
    columns row after row, sorted by id; ``links`` holds, per kind (emotions, people,
    tags), ``[checkin_id, name, checkin_id, name, ...]``. Flat lists of strings and
    numbers travel between processes far more cheaply than objects.
    """

    values: list[Any]
    links: dict[str, list[Any]]

    @classmethod
    def of(cls, rows: Iterable[tuple[Any, ...]]) -> CheckinBatch:
        """From :func:`checkin_row` tuples (a repeated id: the last one wins)."""
        batch = sorted({r[0]: r for r in rows}.values(), key=_first)
        width = len(_CHECKIN_COLUMNS)
        links: dict[str, list[Any]] = {}
        for position, (kind, _, _) in enumerate(_CHECKIN_LINKS, start=width):
            pairs: list[Any] = []
            for r in batch:
                for name in r[position]:
                    pairs += (r[0], name)
            links[kind] = pairs
        return cls([v for r in batch for v in r[:width]], links)

    @property
    def ids(self) -> list[str]:
        return self.values[0::len(_CHECKIN_COLUMNS)]

    @property
    def versions(self) -> list[str]:
        """The ``updated_at`` of each check-in, in :attr:`ids` order."""
        return self.values[3::len(_CHECKIN_COLUMNS)]

    def rows(self) -> list[tuple[Any, ...]]:
        """Back to :func:`checkin_row` tuples."""
        width = len(_CHECKIN_COLUMNS)
        names: dict[str, tuple[list[str], list[str], list[str]]] = {
            i: ([], [], []) for i in self.ids}
        for k, (kind, _, _) in enumerate(_CHECKIN_LINKS):
            pairs = self.links[kind]
            for i in range(0, len(pairs), 2):
                names[pairs[i]][k].append(pairs[i + 1])
        return [(*self.values[j:j + width], *map(tuple, names[self.values[j]]))
                for j in range(0, len(self.values), width)]


def _insert_flat(conn: sqlite3.Connection, sql: str, width: int, values: list[Any],
                 per_statement: int = 50) -> None:
    """Insert ``values`` (``width`` per row, flattened) with many rows per statement."""
    one = "(" + ", ".join("?" * width) + ")"
    per_statement = max(1, min(per_statement, 900 // width))
    step = per_statement * width
    full = len(values) - len(values) % step
    if full:
        many = sql.format(values=", ".join([one] * per_statement))
        conn.executemany(many, [values[i:i + step] for i in range(0, full, step)])
    if full < len(values):
        conn.executemany(sql.format(values=one),
                         [values[i:i + width] for i in range(full, len(values), width)])


def _insert_many(conn: sqlite3.Connection, sql: str, width: int,
                 rows: Sequence[tuple[Any, ...]], per_statement: int = 50) -> None:
    """``executemany`` with many rows per statement (``sql`` has a ``{values}`` slot)."""
    one = "(" + ", ".join("?" * width) + ")"
    per_statement = max(1, min(per_statement, 900 // width))
    full = len(rows) - len(rows) % per_statement
    if full:
        many = sql.format(values=", ".join([one] * per_statement))
        conn.executemany(many, [
            [v for row in rows[i:i + per_statement] for v in row]
            for i in range(0, full, per_statement)])
    if full < len(rows):
        conn.executemany(sql.format(values=one), rows[full:])
_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _split_sql(script: str) -> list[str]:
    return [s.strip() for s in script.split(";\n") if s.strip()]


# --- Opening -----------------------------------------------------------------------


def _create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (0600); never replace one."""
    paths.ensure_parent(path)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def check_sqlite_header(path: Path) -> None:
    """Refuse a file that is not an SQLite database, or one cut short, without changing it.

    Only reads the 100-byte header and the file size (cheap: runs on every open).
    """
    with open(path, "rb") as handle:
        head = handle.read(100)
        size = os.fstat(handle.fileno()).st_size
    if head and head[:len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        raise StoreError(
            f"{path} is not a tracker database (it is not an SQLite file). "
            "It has not been changed. Use --db to choose another file, or "
            "'tracker restore BACKUP' to bring back a backup."
        )
    if not head:
        return  # an empty file is a new database
    problem = _truncation(head, size)
    if problem and not _has_journal(path):
        raise StoreError(
            f"{path} is damaged: {problem}. It has not been changed. "
            "'tracker restore BACKUP' brings back a backup (see the backups folder "
            "beside it).")


def _truncation(head: bytes, size: int) -> str | None:
    """Why an SQLite file looks cut short, judged from its header; None if it does not."""
    if len(head) < 100:
        return f"it holds only {size} bytes, less than an SQLite header"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "its header is not valid"
    pages = int.from_bytes(head[28:32], "big")
    if head[24:28] == head[92:96] and pages and size < pages * page_size:
        return f"it holds {size:,} bytes where its header says {pages * page_size:,}"
    if size % page_size:
        return f"its size ({size:,} bytes) is not a whole number of pages"
    return None


def _has_journal(path: Path) -> bool:
    """A non-empty -wal or -journal beside the file: SQLite will finish or undo a write."""
    for suffix in ("-wal", "-journal"):
        try:
            if os.stat(f"{path}{suffix}").st_size > 0:
                return True
        except OSError:
            pass
    return False


def _bad_file(path: Path, exc: Exception) -> StoreError:
    return StoreError(
        f"{path} cannot be read as a tracker database ({exc}). It has not been changed. "
        "If it is damaged, 'tracker restore BACKUP' brings back a backup "
        f"(see the backups folder beside it)."
    )


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


@dataclass
class OpenResult:
    created: bool
    migrated_from: int


class Store:
    """The database of one user. Open with :meth:`open`; close when done."""

    def __init__(self, db: Database, path: Path):
        self.db = db
        self.path = path

    # -- lifecycle --

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        before_migrate: Callable[[Path, int], None] | None = None,
    ) -> Store:
        """Open (creating and migrating as needed) the database at ``path``.

        ``before_migrate(path, from_version)`` runs before migrations on an existing
        database (the backup module uses it to take a copy first).
        """
        path = Path(path)
        created = False
        if not path.exists():
            try:
                _create_private_file(path)
                created = True
            except FileExistsError:
                pass  # another process made it a moment ago; migrations allow for that
        elif path.is_dir():
            raise StoreError(f"{path} is a folder; --db needs a file path.")
        check_sqlite_header(path)
        conn = connect(path)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            has_tables = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise _bad_file(path, exc) from exc
        if has_tables and app_id != APPLICATION_ID:
            conn.close()
            raise StoreError(
                f"{path} is an SQLite database, but not one of tracker's. "
                "It has not been changed. Use --db to choose another file."
            )
        if version > SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"{path} was written by a newer version of tracker (schema {version}; "
                f"this version knows up to {SCHEMA_VERSION}). It has not been changed. "
                "Please upgrade tracker to open it."
            )
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise _bad_file(path, exc) from exc
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        db = _Database(conn)
        store = cls(db, path)
        if version < SCHEMA_VERSION:
            if version > 0 and before_migrate is not None:
                try:
                    before_migrate(path, version)
                except BaseException:
                    store.close()
                    raise
            store._migrate(version)
        store.open_result = OpenResult(created=created, migrated_from=version)
        return store

    def _migrate(self, version: int) -> None:
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.write():
                current = self.db.execute("PRAGMA user_version").fetchone()[0]
                if current >= number:  # another process got here first
                    continue
                migration(self.db)
                self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self.db.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    @contextlib.contextmanager
    def write(self) -> Iterator[Store]:
        """One transaction for one user action: all of it is written, or none.

        ``BEGIN IMMEDIATE`` takes the write lock up front, so a second terminal
        waits (busy timeout) instead of failing half-way.
        """
        conn = self.db.conn
        if conn.in_transaction:  # inside a larger write (an import): a savepoint
            name = f"tracker_{next(_SAVEPOINTS)}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                raise
            else:
                conn.execute(f"RELEASE {name}")
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def data_version(self) -> int:
        """Changes whenever another connection commits (cheap; polled by the app)."""
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def integrity_problems(self) -> list[str]:
        rows = [r[0] for r in self.db.execute("PRAGMA integrity_check").fetchall()]
        return [] if rows == ["ok"] else rows

    # -- settings --

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.write():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])

    # -- names (emotions, people, tags) --

    def _name_ids(self, table: str, names: Sequence[str]) -> list[int]:
        if not names:
            return []
        self.db.conn.executemany(
            f"INSERT OR IGNORE INTO {table} (name) VALUES (?)", [(n,) for n in names])
        ids = []
        for name in names:
            ids.append(self.db.execute(
                f"SELECT id FROM {table} WHERE name = ?", [name]).fetchone()[0])
        return ids

    def emotion_vocabulary(self) -> list[str]:
        """Every emotion word the user can pick: the shipped ones and their own."""
        return [r[0] for r in self.db.execute(
            "SELECT name FROM emotions ORDER BY shipped DESC, name COLLATE NOCASE")]

    def add_emotion_word(self, name: str) -> None:
        with self.write():
            self.db.execute("INSERT OR IGNORE INTO emotions (name) VALUES (?)", [name])

    def people_names(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM people ORDER BY name COLLATE NOCASE")]

    def tag_names(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM tags ORDER BY name COLLATE NOCASE")]

    # -- check-ins --

    def save_checkin(self, checkin: CheckIn) -> CheckIn:
        """Insert or replace a check-in with its emotions, people and tags (one transaction)."""
        with self.write():
            self._save_checkin(checkin)
        return checkin

    def _save_checkin(self, checkin: CheckIn) -> None:
        row = checkin.to_row()
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        updates = ", ".join(f"{c} = excluded.{c}" for c in row if c != "id")
        self.db.execute(
            f"INSERT INTO checkins ({cols}) VALUES ({marks}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}", list(row.values()))
        for table, link, key, names in (
            ("emotions", "checkin_emotions", "emotion_id", checkin.emotions),
            ("people", "checkin_people", "person_id", checkin.people),
            ("tags", "checkin_tags", "tag_id", checkin.tags),
        ):
            self.db.execute(f"DELETE FROM {link} WHERE checkin_id = ?", [checkin.id])
            ids = self._name_ids(table, names)
            self.db.conn.executemany(
                f"INSERT OR IGNORE INTO {link} (checkin_id, {key}) VALUES (?, ?)",
                [(checkin.id, i) for i in ids])

    def save_checkins(self, checkins: Iterable[CheckIn]) -> int:
        """Bulk insert-or-replace with emotions, people and tags, one transaction.

        Used by import and demo; see :meth:`save_checkin_rows` for how it is fast.
        """
        return self.save_checkin_rows(map(checkin_row, checkins))

    def save_checkin_rows(self, rows: Iterable[tuple[Any, ...]], *, new: bool = False) -> int:
        """:meth:`save_checkins` for :func:`checkin_row` tuples of validated check-ins.

        (The importer checks records through the models in worker processes, and tuples
        travel back far more cheaply than objects.) Built for speed: rows go in sorted
        by id, many per statement; each name is looked up once per batch; links are
        replaced only for check-ins that were already there. A repeated id: the last
        one wins. ``new``: the caller knows none of the ids is stored (skips a lookup).
        """
        batch = sorted({r[0]: r for r in rows}.values(), key=_first)
        if not batch:
            return 0
        conn = self.db.conn
        width = len(_CHECKIN_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in _CHECKIN_COLUMNS if c != "id")
        with self.write():
            existing = {} if new else self.versions("checkins", [r[0] for r in batch])
            _insert_many(
                conn, f"INSERT INTO checkins ({', '.join(_CHECKIN_COLUMNS)}) VALUES {{values}} "
                f"ON CONFLICT (id) DO UPDATE SET {updates}", width, [r[:width] for r in batch])
            for position, (kind, link, key) in enumerate(_CHECKIN_LINKS, start=width):
                if existing:
                    conn.executemany(f"DELETE FROM {link} WHERE checkin_id = ?",
                                     [(i,) for i in existing])
                ids = self._name_id_map(kind, {n for r in batch for n in r[position]})
                if ids:
                    _insert_many(conn, f"INSERT OR IGNORE INTO {link} (checkin_id, {key}) "
                                 "VALUES {values}", 2,
                                 [(r[0], ids[n]) for r in batch for n in r[position]])
        return len(batch)

    def insert_checkin_batch(self, batch: CheckinBatch) -> int:
        """Insert a :class:`CheckinBatch` of check-ins none of which is stored yet.

        The bulk-import path: the batch was built (sorted, flattened) in a worker
        process, so here is little but SQL: many rows per statement, names matched to
        their ids as the name columns' NOCASE rule matches them (:meth:`_name_id_map`).
        An id already stored raises IntegrityError (the caller's transaction then
        rolls back).
        """
        conn = self.db.conn
        width = len(_CHECKIN_COLUMNS)
        with self.write():
            _insert_flat(conn, f"INSERT INTO checkins ({', '.join(_CHECKIN_COLUMNS)}) "
                         "VALUES {values}", width, batch.values)
            for kind, link, key in _CHECKIN_LINKS:
                pairs = batch.links[kind]
                if not pairs:
                    continue
                # Names to ids here (a dict lookup) rather than with a JOIN per row:
                # ~0.15 s less of the writer's time for 376k links.
                ids = self._name_id_map(kind, set(pairs[1::2]))
                flat = pairs[:]
                flat[1::2] = [ids[n] for n in pairs[1::2]]
                _insert_flat(conn, f"INSERT OR IGNORE INTO {link} (checkin_id, {key}) "
                             "VALUES {values}", 2, flat, 400)
        return len(batch.values) // width

    @contextlib.contextmanager
    def bulk_write(self, *, rebuild_indexes: bool = False) -> Iterator[Store]:
        """One transaction for a bulk import, with foreign-key checks paused.

        The import writes only rows whose references it has just written or checked
        (links to check-ins and names of the same batch; practice logs to known
        experiments), so SQLite's per-row lookups would only repeat that work (the
        pragma cannot change inside a transaction, hence this wrapper). With
        ``rebuild_indexes`` (a large import into small tables), the secondary indexes
        of check-ins and their links are dropped and rebuilt from their own SQL, in the
        same transaction: a sort at the end instead of an index update per row.
        """
        conn = self.db.conn
        if conn.in_transaction:
            with self.write():
                yield self
            return
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        # Room for a large import's pages until it commits (used only as they are needed),
        # rather than spilling half-built index pages to the WAL and writing them again.
        conn.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
        conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with self.write():
                rebuilt = []
                if rebuild_indexes:
                    for name, sql in conn.execute(
                            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                            "sql IS NOT NULL AND tbl_name IN ('checkins', 'checkin_emotions', "
                            "'checkin_people', 'checkin_tags') ORDER BY name").fetchall():
                        conn.execute(f'DROP INDEX "{name}"')
                        rebuilt.append(sql)
                yield self
                for sql in rebuilt:
                    conn.execute(sql)
        finally:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA cache_size = {int(cache)}")

    def _name_id_map(self, table: str, names: set[str]) -> dict[str, int]:
        """Each name's id in ``table`` (emotions, people, tags), adding the new ones."""
        if not names:
            return {}
        self.db.conn.executemany(f"INSERT OR IGNORE INTO {table} (name) VALUES (?)",
                                 [(n,) for n in names])
        # The name columns are COLLATE NOCASE, which folds ASCII letters only.
        by_fold = {name.translate(_ASCII_FOLD): i
                   for i, name in self.db.execute(f"SELECT id, name FROM {table}")}
        return {n: by_fold[n.translate(_ASCII_FOLD)] for n in names}

    def versions(self, table: str, ids: Sequence[str]) -> dict[str, str]:
        """``{id: updated_at}`` for those of ``ids`` already in ``table`` (import uses it)."""
        if table not in ("checkins", "experiments", "practice_logs", "ruptures", "supports"):
            raise StoreError(f"Unknown table {table!r}.")
        if not ids or self.db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None:
            return {}
        found: dict[str, str] = {}
        for start in range(0, len(ids), 900):
            chunk = list(ids[start:start + 900])
            found.update(self.db.execute(
                f"SELECT id, updated_at FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk).fetchall())
        return found

    def save_many(self, table: str, records: Sequence[Experiment | PracticeLog | Rupture | Support]) -> int:
        """Insert-or-replace experiments, practice logs, ruptures or supports (one transaction)."""
        with self.write():
            for record in records:
                if table == "ruptures":
                    self._save_rupture(record)  # type: ignore[arg-type]
                else:
                    self._upsert(table, record.to_row())
        return len(records)

    def add_emotion_words(self, words: Iterable[tuple[str, int]]) -> None:
        """Add ``(name, shipped)`` words to the vocabulary; words already there stay as they are."""
        with self.write():
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO emotions (name, shipped) VALUES (?, ?)", list(words))

    def delete_checkin(self, checkin_id: str) -> CheckIn | None:
        """Delete one check-in; returns it (so the caller can offer undo)."""
        with self.write():
            found = self.get_checkin(checkin_id)
            if found is not None:
                self.db.execute("DELETE FROM checkins WHERE id = ?", [checkin_id])
        return found

    def get_checkin(self, checkin_id: str) -> CheckIn | None:
        found = self.checkins(ids=[checkin_id])
        return found[0] if found else None

    def checkins(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        text: str | None = None,
        emotion: str | None = None,
        person: str | None = None,
        tag: str | None = None,
        ids: Sequence[str] | None = None,
        limit: int | None = None,
        oldest_first: bool = False,
    ) -> list[CheckIn]:
        """Check-ins newest first (by day, then time), filtered as asked."""
        where, params = [], []
        if since:
            where.append("c.day >= ?")
            params.append(since)
        if until:
            where.append("c.day <= ?")
            params.append(until)
        if text:
            where.append("(c.note LIKE ? ESCAPE '\\' OR c.need LIKE ? ESCAPE '\\')")
            like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [like, like]
        for value, link, table, key in (
            (emotion, "checkin_emotions", "emotions", "emotion_id"),
            (person, "checkin_people", "people", "person_id"),
            (tag, "checkin_tags", "tags", "tag_id"),
        ):
            if value:
                where.append(
                    f"c.id IN (SELECT l.checkin_id FROM {link} l JOIN {table} n "
                    f"ON n.id = l.{key} WHERE n.name = ?)")
                params.append(value)
        if ids is not None:
            where.append(f"c.id IN ({', '.join('?' for _ in ids)})")
            params += list(ids)
        order = "ASC" if oldest_first else "DESC"
        sql = "SELECT c.* FROM checkins c"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY c.day {order}, c.created_at {order}"
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = list(self.db.query(sql, params))
        return self._with_names(rows)

    def _with_names(self, rows: list[dict[str, Any]]) -> list[CheckIn]:
        if not rows:
            return []
        names: dict[str, dict[str, list[str]]] = {r["id"]: {"emotions": [], "people": [], "tags": []}
                                                  for r in rows}
        # Chunk to stay under SQLite's variable limit.
        id_list = list(names)
        for start in range(0, len(id_list), 900):
            chunk = id_list[start:start + 900]
            marks = ", ".join("?" for _ in chunk)
            for kind, link, table, key in (
                ("emotions", "checkin_emotions", "emotions", "emotion_id"),
                ("people", "checkin_people", "people", "person_id"),
                ("tags", "checkin_tags", "tags", "tag_id"),
            ):
                for checkin_id, name in self.db.execute(
                    f"SELECT l.checkin_id, n.name FROM {link} l JOIN {table} n ON n.id = l.{key} "
                    f"WHERE l.checkin_id IN ({marks}) ORDER BY n.name COLLATE NOCASE", chunk):
                    names[checkin_id][kind].append(name)
        return [
            CheckIn(**r, **{k: tuple(v) for k, v in names[r["id"]].items()})  # type: ignore[arg-type]
            for r in rows
        ]

    def checkin_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM checkins").fetchone()[0]

    def days_with_checkins(self, since: str, until: str) -> set[str]:
        return {r[0] for r in self.db.execute(
            "SELECT DISTINCT day FROM checkins WHERE day BETWEEN ? AND ?", [since, until])}

    def first_checkin_day(self) -> str | None:
        return self.db.execute("SELECT min(day) FROM checkins").fetchone()[0]

    def daily_means(self, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
        """One row per day that has check-ins: the mean of each scale and the count.

        Aggregated in SQL over the ``day`` index; days without check-ins are absent
        (gaps, not zeros).
        """
        where, params = [], []
        if since:
            where.append("day >= ?")
            params.append(since)
        if until:
            where.append("day <= ?")
            params.append(until)
        sql = ("SELECT day, count(*) AS n, avg(mood) AS mood, avg(intensity) AS intensity, "
               "avg(regulation) AS regulation, avg(pursue) AS pursue, avg(withdraw) AS withdraw "
               "FROM checkins")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " GROUP BY day ORDER BY day"
        return list(self.db.query(sql, params))

    def name_counts(self, kind: str, since: str | None = None,
                    until: str | None = None) -> list[tuple[str, int]]:
        """How often each emotion / person / tag was named in check-ins of a range."""
        link, key = {"emotions": ("checkin_emotions", "emotion_id"),
                     "people": ("checkin_people", "person_id"),
                     "tags": ("checkin_tags", "tag_id")}[kind]
        since, until = since or "0000-00-00", until or "9999-99-99"
        first, last = self.db.execute("SELECT min(day), max(day) FROM checkins").fetchone()
        if first is not None and since <= first and last <= until:
            # Every check-in is in the range: count the links alone, over the name
            # index (30 years: 4 ms instead of 60 ms joined with every check-in).
            return [(r[0], r[1]) for r in self.db.execute(
                f"SELECT n.name, t.times FROM (SELECT {key} AS id, count(*) AS times "
                f"FROM {link} GROUP BY {key}) t JOIN {kind} n ON n.id = t.id "
                "ORDER BY t.times DESC, n.name COLLATE NOCASE")]
        sql = (f"SELECT n.name, count(*) AS times FROM {link} l JOIN {kind} n ON n.id = l.{key} "
               "JOIN checkins c ON c.id = l.checkin_id WHERE c.day BETWEEN ? AND ? "
               "GROUP BY n.id ORDER BY times DESC, n.name COLLATE NOCASE")
        return [(r[0], r[1]) for r in self.db.execute(sql, [since, until])]

    def needs(self, since: str | None = None, until: str | None = None) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT need FROM checkins WHERE need IS NOT NULL AND day BETWEEN ? AND ? "
            "ORDER BY day", [since or "0000-00-00", until or "9999-99-99"])]

    # -- experiments and practice --

    def save_experiment(self, experiment: Experiment) -> Experiment:
        with self.write():
            self._upsert("experiments", experiment.to_row())
        return experiment

    def _upsert(self, table: str, row: dict[str, Any]) -> None:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        updates = ", ".join(f"{c} = excluded.{c}" for c in row if c != "id")
        self.db.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({marks}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}", list(row.values()))

    def experiments(self, status: str | None = None) -> list[Experiment]:
        """Experiments, active first, then by start date, newest first."""
        sql = "SELECT * FROM experiments"
        params: list[Any] = []
        if status:
            sql += " WHERE status = ?"
            params.append(status)
        sql += (" ORDER BY CASE status WHEN 'active' THEN 0 WHEN 'completed' THEN 1 ELSE 2 END, "
                "started_on DESC, created_at DESC")
        return [Experiment(**r) for r in self.db.query(sql, params)]

    def get_experiment(self, experiment_id: str) -> Experiment | None:
        rows = list(self.db.query("SELECT * FROM experiments WHERE id = ?", [experiment_id]))
        return Experiment(**rows[0]) if rows else None

    def delete_experiment(self, experiment_id: str) -> None:
        with self.write():
            self.db.execute("DELETE FROM experiments WHERE id = ?", [experiment_id])

    def save_practice_log(self, log: PracticeLog) -> PracticeLog:
        with self.write():
            self._upsert("practice_logs", log.to_row())
        return log

    def delete_practice_log(self, log_id: str) -> None:
        with self.write():
            self.db.execute("DELETE FROM practice_logs WHERE id = ?", [log_id])

    def practice_logs(self, experiment_id: str | None = None, *, since: str | None = None,
                      until: str | None = None) -> list[PracticeLog]:
        where, params = [], []
        if experiment_id:
            where.append("experiment_id = ?")
            params.append(experiment_id)
        if since:
            where.append("day >= ?")
            params.append(since)
        if until:
            where.append("day <= ?")
            params.append(until)
        sql = "SELECT * FROM practice_logs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY day, created_at"
        return [PracticeLog(**r) for r in self.db.query(sql, params)]

    def practice_counts(self) -> dict[str, tuple[int, int]]:
        """Per experiment: (times done, times logged)."""
        return {r[0]: (r[1] or 0, r[2]) for r in self.db.execute(
            "SELECT experiment_id, sum(done), count(*) FROM practice_logs GROUP BY experiment_id")}

    # -- charts, insights and demo data (bulk writes: one transaction each) --

    def change_token(self) -> tuple[int, int]:
        """Changes whenever anything is written, by this connection or another one.

        (PRAGMA data_version sees other connections' commits; total_changes() this
        one's.) Screens compare it to skip reloading data that has not changed.
        """
        return (self.data_version(),
                self.db.execute("SELECT total_changes()").fetchone()[0])

    def practised_days(self) -> dict[str, set[str]]:
        """Per experiment: the days with a practice log marked done (``done = 1``)."""
        out: dict[str, set[str]] = {}
        for experiment_id, day in self.db.execute(
                "SELECT DISTINCT experiment_id, day FROM practice_logs WHERE done = 1"):
            out.setdefault(experiment_id, set()).add(day)
        return out

    def rupture_marks(self, since: str, until: str) -> list[tuple[str, str | None]]:
        """(day, repaired_on) of ruptures that happened or were repaired in the range."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT day, repaired_on FROM ruptures WHERE day BETWEEN ?1 AND ?2 "
            "OR repaired_on BETWEEN ?1 AND ?2 ORDER BY day", [since, until])]

    def save_experiments(self, experiments: Iterable[Experiment]) -> int:
        with self.write():
            rows = [e.to_row() for e in experiments]
            for row in rows:
                self._upsert("experiments", row)
        return len(rows)

    def save_practice_logs(self, logs: Iterable[PracticeLog]) -> int:
        with self.write():
            rows = [log.to_row() for log in logs]
            for row in rows:
                self._upsert("practice_logs", row)
        return len(rows)

    def save_ruptures(self, ruptures: Iterable[Rupture]) -> int:
        count = 0
        with self.write():
            for rupture in ruptures:
                self._save_rupture(rupture)
                count += 1
        return count

    # -- ruptures --

    def save_rupture(self, rupture: Rupture) -> Rupture:
        with self.write():
            self._save_rupture(rupture)
        return rupture

    def _save_rupture(self, rupture: Rupture) -> None:
        self._upsert("ruptures", rupture.to_row())
        self.db.execute("DELETE FROM rupture_people WHERE rupture_id = ?", [rupture.id])
        ids = self._name_ids("people", rupture.people)
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO rupture_people (rupture_id, person_id) VALUES (?, ?)",
            [(rupture.id, i) for i in ids])

    def ruptures(self, *, unrepaired_only: bool = False, since: str | None = None,
                 until: str | None = None) -> list[Rupture]:
        """Ruptures, unrepaired first, then newest first."""
        where, params = [], []
        if unrepaired_only:
            where.append("repaired_on IS NULL")
        if since:
            where.append("day >= ?")
            params.append(since)
        if until:
            where.append("day <= ?")
            params.append(until)
        sql = "SELECT * FROM ruptures"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY repaired_on IS NOT NULL, happened_at DESC"
        rows = list(self.db.query(sql, params))
        people: dict[str, list[str]] = {r["id"]: [] for r in rows}
        for rupture_id, name in self.db.execute(
            "SELECT rp.rupture_id, p.name FROM rupture_people rp JOIN people p "
            "ON p.id = rp.person_id ORDER BY p.name COLLATE NOCASE"):
            if rupture_id in people:
                people[rupture_id].append(name)
        return [Rupture(**r, people=tuple(people[r["id"]])) for r in rows]

    def get_rupture(self, rupture_id: str) -> Rupture | None:
        for rupture in self.ruptures():
            if rupture.id == rupture_id:
                return rupture
        return None

    def delete_rupture(self, rupture_id: str) -> None:
        with self.write():
            self.db.execute("DELETE FROM ruptures WHERE id = ?", [rupture_id])

    # -- supports --

    def supports(self) -> list[Support]:
        return [Support(**r) for r in self.db.query(
            "SELECT * FROM supports ORDER BY position, created_at")]

    def save_support(self, support: Support) -> Support:
        with self.write():
            self._upsert("supports", support.to_row())
        return support

    def delete_support(self, support_id: str) -> None:
        with self.write():
            self.db.execute("DELETE FROM supports WHERE id = ?", [support_id])

    # -- export support --

    EXPORT_TABLES = ("checkins", "experiments", "practice_logs", "ruptures", "supports", "emotions")

    def export_columns(self, table: str) -> list[str]:
        cols = [r[1] for r in self.db.execute(f"PRAGMA table_info({table})")]
        if table == "checkins":
            cols += ["emotions", "people", "tags"]
        elif table == "ruptures":
            cols += ["people"]
        elif table == "emotions":
            cols = ["name", "shipped"]
        return cols

    def export_rows(self, table: str) -> Iterator[tuple[Any, ...]]:
        """Rows of a table for export, as tuples in :meth:`export_columns` order.

        Emotions, people and tags are joined with ``|`` in one column, sorted by name.
        """
        if table not in self.EXPORT_TABLES:
            raise StoreError(f"Unknown table {table!r}; choose from {', '.join(self.EXPORT_TABLES)}.")
        sep = "'|'"
        if table == "checkins":
            yield from self._export_checkins()
            return
        if table == "ruptures":
            sql = f"""
            SELECT r.*,
              (SELECT group_concat(name, {sep}) FROM (SELECT n.name FROM rupture_people l
                 JOIN people n ON n.id = l.person_id WHERE l.rupture_id = r.id
                 ORDER BY n.name COLLATE NOCASE))
            FROM ruptures r ORDER BY r.happened_at, r.id"""
        elif table == "emotions":
            sql = "SELECT name, shipped FROM emotions ORDER BY shipped DESC, name COLLATE NOCASE"
        elif table == "practice_logs":
            sql = "SELECT * FROM practice_logs ORDER BY day, created_at, id"
        elif table == "experiments":
            sql = "SELECT * FROM experiments ORDER BY started_on, created_at, id"
        else:
            sql = "SELECT * FROM supports ORDER BY position, created_at, id"
        cursor = self.db.conn.execute(sql)
        while True:
            batch = cursor.fetchmany(2000)
            if not batch:
                break
            yield from batch


    def checkin_csv_records(self, formula_starts: Sequence[str]) -> CheckinCsvRecords | None:
        """Check-ins for a CSV export, with most of the CSV text made by SQLite.

        Each record is ``(day, created_at, id, updated_at, rest, emotions, people,
        tags)``, sorted by day, time and id. ``rest`` holds the cells from ``mood`` to
        ``note`` as CSV text: numbers as digits, an empty cell for NULL, text
        neutralised (one leading apostrophe when it starts with one of
        ``formula_starts``) and quoted as Python's ``csv`` module quotes
        (``QUOTE_MINIMAL``). The name columns hold the ids of the check-in's names
        joined with commas, in no set order, or ``None``; ``vocabularies`` maps the
        ids to names. ``day``, ``created_at``, ``id`` and ``updated_at`` are the raw
        column values.

        Why: a Python loop over 100k rows of 17 cells costs more than all the rest
        of an export (see the README's Performance section).

        ``None`` when a text holds a NUL character (only a file edited outside the
        app can): SQLite's printf would cut the text there.
        """
        starts = ", ".join("'" + c.replace("'", "''") + "'" for c in formula_starts)

        def text(x: str) -> str:
            neutral = (f"(CASE WHEN substr({x}, 1, 1) IN ({starts}) "
                       f"THEN '''' || {x} ELSE {x} END)")
            return (f"(CASE WHEN {x} IS NULL THEN NULL "
                    f"WHEN instr({x}, '\"') "
                    f"THEN '\"' || replace({neutral}, '\"', '\"\"') || '\"' "
                    f"WHEN instr({x}, ',') OR instr({x}, char(10)) OR instr({x}, char(13)) "
                    f"THEN '\"' || {neutral} || '\"' ELSE {neutral} END)")

        conn = self.db.conn
        types = {r[1]: r[2] for r in conn.execute("PRAGMA table_info(checkins)")}
        rest = _CHECKIN_COLUMNS[4:]
        texts = [c for c in rest if types[c] != "INTEGER"]
        if conn.execute("SELECT EXISTS (SELECT 1 FROM checkins WHERE " + " OR ".join(
                f"instr(CAST({c} AS BLOB), x'00')" for c in texts) + ")").fetchone()[0]:
            return None
        cells = ", ".join(c if types[c] == "INTEGER" else text(c) for c in rest)
        pattern = ",".join(["%s"] * len(rest))  # printf's %s writes NULL as ''
        names = ", ".join(f"(SELECT group_concat({key}) FROM {link} WHERE checkin_id = c.id)"
                          for _, link, key in _CHECKIN_LINKS)
        records = conn.execute(
            f"SELECT day, created_at, id, updated_at, printf('{pattern}', {cells}), {names} "
            "FROM checkins c").fetchall()
        # ORDER BY day, created_at, id, done here: SQLite's sorter is ~3x slower on
        # these rows, and code point order is the same as SQLite's UTF-8 byte order.
        records.sort()
        vocabularies = tuple(dict(conn.execute(f"SELECT id, name FROM {kind}"))
                             for kind, _, _ in _CHECKIN_LINKS)
        columns = [*_CHECKIN_COLUMNS, *(kind for kind, _, _ in _CHECKIN_LINKS)]
        return CheckinCsvRecords(columns, records, vocabularies)  # type: ignore[arg-type]

    def _export_checkins(self) -> Iterator[tuple[Any, ...]]:
        """Check-ins by day and time, each with its emotions, people and tags.

        Each kind of name is read in one pass over its link table, not with a
        subquery per check-in (100k check-ins: ~0.5 s instead of ~3 s).
        """
        names = [self._joined_names(kind, link, key) for kind, link, key in _CHECKIN_LINKS]
        emotions, people, tags = (found.get for found in names)
        cursor = self.db.conn.execute("SELECT * FROM checkins ORDER BY day, created_at, id")
        while batch := cursor.fetchmany(2000):
            for row in batch:
                checkin_id = row[0]
                yield row + (emotions(checkin_id), people(checkin_id), tags(checkin_id))

    def _joined_names(self, kind: str, link: str, key: str) -> dict[str, str]:
        """``{checkin_id: "a|b"}`` for the check-ins with names of this kind.

        Names are in ``COLLATE NOCASE`` order (ASCII letters folded, then code
        points). They never hold chr(31): models fold it away as white space.
        """
        joined = dict(self.db.conn.execute(
            f"SELECT l.checkin_id, group_concat(n.name, char(31)) FROM {link} l "
            f"JOIN {kind} n ON n.id = l.{key} GROUP BY l.checkin_id"))
        ordered: dict[str, str] = {}
        for checkin_id, names in joined.items():
            if "\x1f" in names:
                found = ordered.get(names)
                if found is None:
                    found = ordered[names] = "|".join(sorted(names.split("\x1f"),
                                                             key=nocase_key))
                joined[checkin_id] = found
        return joined


def nocase_key(name: str) -> str:
    """The sort key of SQLite's ``COLLATE NOCASE``: ASCII letters folded, then code points."""
    return name.translate(_ASCII_FOLD)


# --- Whole files (backups and restore ask these; the SQL stays here) ---------------


def quick_check(conn: sqlite3.Connection) -> str | None:
    """None when the database passes ``PRAGMA quick_check``; else the first problems."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if rows == ["ok"] else "; ".join(rows[:3])


def file_identity(conn: sqlite3.Connection) -> tuple[int, int, set[str]]:
    """(application_id, schema version, table names) of an open database file."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return app_id, version, tables


def integrity_check(conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA integrity_check``'s rows: ``["ok"]`` for a sound file."""
    return [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]


def checkin_span(conn: sqlite3.Connection) -> tuple[int, str | None, str | None]:
    """How many check-ins a database file holds, and its first and last day."""
    return conn.execute("SELECT count(*), min(day), max(day) FROM checkins").fetchone()


def copy_database(source: sqlite3.Connection, target: Path) -> None:
    """SQLite's online backup of ``source`` into ``target``, left as one self-contained
    file (rollback journal, not WAL), so a copy never needs side files."""
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
        dest.commit()
    finally:
        dest.close()


def leave_wal(path: Path, *, timeout: float = 2) -> str:
    """Checkpoint the database at ``path`` and switch it out of WAL (SQLite removes its
    -wal and -shm); returns the journal mode now in force. Raises sqlite3 errors, e.g.
    "database is locked" when another program has it open."""
    conn = sqlite3.connect(str(path), timeout=timeout)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    finally:
        conn.close()


def open_store(db_path: str | os.PathLike[str] | None = None) -> Store:
    """Open the user's database at the resolved path (``--db``, ``TRACKER_DB``, default)."""
    return Store.open(paths.resolve_db_path(db_path))


def days_back(n: int, end: dt.date | None = None) -> tuple[str, str]:
    """The inclusive (since, until) range of the ``n`` days ending ``end`` (default today)."""
    end = end or clock.today()
    return (end - dt.timedelta(days=n - 1)).isoformat(), end.isoformat()
