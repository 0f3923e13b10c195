"""Is a database file exactly what tracker's migrations make?

A file is compared with a reference: the migrations up to the file's schema version,
run into an in-memory database (:func:`reference`). Every object in ``sqlite_master``
is compared (tables, columns, types, constraints, indexes, the search index's virtual
tables and triggers), by SQLite's own description of it (``PRAGMA table_xinfo``,
``index_list``, ``index_xinfo``, ``foreign_key_list``, ``table_list``) and by its SQL
text, read as tokens (white space, comments, letter case and the style of quoting an
identifier do not count; anything else does). What differs is named
(:func:`schema_problems`): a trigger or a view tracker did not make, a missing
column, an index too many.

On every open only :func:`fingerprint` runs: one query and one hash of
``sqlite_master``, compared with :data:`FINGERPRINTS` (a test holds them to what the
migrations make). The full comparison runs when that differs, and on every restore
(:func:`restore_problems`, with ``PRAGMA foreign_key_check``).

SQLite's statistics tables (``sqlite_stat1``, ``sqlite_stat4``, made by ``ANALYZE``
or ``PRAGMA optimize``) are not part of the schema and may be there.
"""

from __future__ import annotations

import functools
import re
import shlex
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tracker.store import engine, errors, schema
from tracker.store.connection import is_busy
from tracker.text import one_line

FINGERPRINTS = {
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "00b5934c915f8b7053b75fb6c3dfea5458f8801b248a8209d1db9ba661ff89a9",
    2: "ef6b76f7bb8e0d9756372aed0ab8ba1cbe0ae23e3391ce7f120b60e10c0a6576",
    3: "00dc4d7b4df2efdfd0535424bfb353d5f7dd05a6e9b16bb15f2a1836edcdb207",
    4: "d4e89756f02dab7a468a2c2130211630e49ed1bf5f6ec1862651b4453ed30ed4",
    5: "898ffa8468f21ec73a36675226d573eec65856e7abd6c2ea62b6199b52cf6c14",
    6: "560e52d7ffe158d76ec9a5bb8be8f7940d8c1fbfd767fef998d2e2c8833c83c3",
}
"""The :func:`fingerprint` of a file at each schema version, as tracker makes it."""

_MASTER = (
    "SELECT type, name, tbl_name, sql FROM sqlite_master "
    "WHERE name NOT GLOB 'sqlite_stat[1-4]' ORDER BY type, name"
)


def _sha256() -> Any:
    """A SHA-256 hasher; CPython's built-in one where there is one (loading OpenSSL
    for ``hashlib`` costs ``tracker status`` more than the hashing, as ``random``
    knows for its SHA-512)."""
    import importlib

    for name in ("_sha256", "_sha2"):  # CPython 3.11, 3.12 on
        try:
            return importlib.import_module(name).sha256()
        except (ImportError, AttributeError):
            continue
    import hashlib

    return hashlib.sha256()


def fingerprint(conn: sqlite3.Connection) -> str:
    """SHA-256 of the file's ``sqlite_master`` rows (statistics tables left out)."""
    digest = _sha256()
    for row in conn.execute(_MASTER):
        digest.update(repr(row).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def matches(conn: sqlite3.Connection, version: int) -> bool:
    """The quick test of every open: is the file's schema, as written, tracker's own?"""
    return FINGERPRINTS.get(version) == fingerprint(conn)


# --- SQL text as tokens ------------------------------------------------------------------


@functools.cache
def _tokens() -> re.Pattern[str]:
    """SQL's tokens, as SQLite tells them apart (compiled on first use: the letters
    beyond ASCII make it slow to compile, and most opens never need it)."""
    return re.compile(
        r"""
    (?P<space> \s+ | --[^\n]* | /\*.*?(?:\*/|\Z) )
  | (?P<string> '(?:[^']|'')*'? )
  | (?P<quoted> "(?:[^"]|"")*"? | \[[^\]]*\]? | `(?:[^`]|``)*`? )
  | (?P<number> [0-9][0-9A-Za-z_.]* | \.[0-9][0-9A-Za-z_]* )
  | (?P<word> [A-Za-z_\x80-\U0010ffff][A-Za-z0-9_$\x80-\U0010ffff]* )
  | (?P<op> \|\| | <= | >= | == | != | <> | << | >> | ->> | -> )
  | (?P<other> . )
""",
        re.S | re.X,
    )


_PLAIN = re.compile(r"[a-z_][a-z0-9_]*")

# SQLite's keywords (https://sqlite.org/lang_keywords.html): a quoted one is an
# identifier, never the keyword, so its quotes count.
_KEYWORDS = frozenset(
    """
abort action add after all alter always analyze and as asc attach autoincrement before
begin between by cascade case cast check collate column commit conflict constraint create
cross current current_date current_time current_timestamp database default deferrable
deferred delete desc detach distinct do drop each else end escape except exclude
exclusive exists explain fail filter first following for foreign from full generated
glob group groups having if ignore immediate in index indexed initially inner insert
instead intersect into is isnull join key last left like limit match materialized natural
no not nothing notnull null nulls of offset on or order others outer over partition plan
pragma preceding primary query raise range recursive references regexp reindex release
rename replace restrict returning right rollback row rows savepoint select set table temp
temporary then ties to transaction trigger unbounded union unique update using vacuum
values view virtual when where window with without
""".split()
)

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def sql_tokens(sql: str | None) -> tuple[str, ...]:
    """``sql`` as the tokens SQLite reads: white space and comments dropped, words in
    lower case (SQLite folds ASCII letters only), an identifier the same however it is
    quoted (``"x"``, ``[x]``, `` `x` `` or, if it is no keyword, bare). Strings keep
    their case and quotes."""
    if sql is None:
        return ()
    out: list[str] = []
    for match in _tokens().finditer(sql):
        kind, text = match.lastgroup, match.group()
        if kind == "space":
            continue
        if kind == "quoted":
            name = _unquote(text).translate(_ASCII_LOWER)
            out.append(
                name
                if _PLAIN.fullmatch(name) and name not in _KEYWORDS
                else '"' + name.replace('"', '""') + '"'
            )
        elif kind in ("word", "number"):
            out.append(text.translate(_ASCII_LOWER))
        else:
            out.append(text)
    return tuple(out)


def _unquote(text: str) -> str:
    if text[0] == "[":
        return text[1:].removesuffix("]")
    quote = text[0]
    inner = text[1:-1] if len(text) > 1 and text.endswith(quote) else text[1:]
    return inner.replace(quote * 2, quote)


# --- What a file holds -------------------------------------------------------------------


@dataclass(frozen=True)
class _Object:
    """One entry of ``sqlite_master`` as SQLite describes it."""

    type: str
    name: str
    table: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class _Table:
    """What SQLite says of one table: its kind, columns, indexes and foreign keys."""

    kind: tuple[Any, ...]
    columns: dict[str, tuple[Any, ...]]
    indexes: dict[str, tuple[Any, ...]]
    foreign_keys: tuple[tuple[Any, ...], ...]


def _objects(conn: sqlite3.Connection) -> dict[tuple[str, str], _Object]:
    """Every object of the file but SQLite's automatic indexes (their tables name them)."""
    found = {}
    for kind, name, table, sql in conn.execute(_MASTER):
        if kind == "index" and sql is None:
            continue
        key = (kind, _fold(name))  # SQLite's names are the same in any ASCII case
        found[key] = _Object(kind, name, _fold(table), sql_tokens(sql))
    return found


def _fold(value: Any) -> Any:
    return value.translate(_ASCII_LOWER) if isinstance(value, str) else value


def _table(conn: sqlite3.Connection, name: str) -> _Table:
    """SQLite's description of table ``name`` (a pragma function, so no name is quoted
    into SQL)."""
    kind = tuple(
        conn.execute(
            "SELECT type, wr, strict FROM pragma_table_list(?) WHERE schema = 'main'", [name]
        ).fetchall()
    )
    columns = {}
    for _cid, column, declared, notnull, default, pk, hidden in conn.execute(
        "SELECT * FROM pragma_table_xinfo(?)", [name]
    ):
        columns[column.translate(_ASCII_LOWER)] = (
            str(declared).upper(),
            notnull,
            sql_tokens(default),
            pk,
            hidden,
        )
    indexes = {}
    for _seq, index, unique, origin, partial in conn.execute(
        "SELECT * FROM pragma_index_list(?)", [name]
    ):
        keys = tuple(
            tuple(_fold(v) for v in row)
            for row in conn.execute(
                "SELECT seqno, cid, name, desc, coll, key FROM pragma_index_xinfo(?)", [index]
            )
        )
        indexes[_fold(index)] = (unique, origin, partial, keys)
    foreign_keys = tuple(
        tuple(_fold(v) for v in row)
        for row in conn.execute(
            'SELECT id, seq, "table", "from", "to", on_update, on_delete, match '
            "FROM pragma_foreign_key_list(?) ORDER BY id, seq",
            [name],
        )
    )
    return _Table(kind, columns, indexes, foreign_keys)


# --- The reference -----------------------------------------------------------------------


def reference(version: int, library: engine.Library = engine.PLAIN) -> sqlite3.Connection:
    """An in-memory database made by the first ``version`` migrations (kept per process),
    through ``library``: the file compared with it is read through the same one, so
    no difference of SQLite versions can count as a difference of schema."""
    return _reference(version, tuple(schema.MIGRATIONS[:version]), library)


@functools.cache
def _reference(
    version: int, migrations: tuple[Callable[..., None], ...], library: engine.Library
) -> sqlite3.Connection:
    from sqlite_utils import Database

    conn = engine.connect_memory(library, check_same_thread=False)
    db = Database(conn, execute_plugins=False)
    schema.migrate(db, 0, migrations=list(migrations))
    return conn


# --- The comparison ----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One way a file differs from tracker's schema.

    ``extra`` is ``(kind, name)`` for an object tracker did not make (which
    ``DROP kind name`` removes), else None.
    """

    text: str
    extra: tuple[str, str] | None = None


def schema_problems(conn: sqlite3.Connection, version: int | None = None) -> list[str]:
    """What differs between the file on ``conn`` and the schema the migrations make
    for its version (``PRAGMA user_version``, or ``version``); empty when nothing does.

    Each entry names the table, column, index, trigger or view, e.g. "trigger wipe (on
    checkins) is not one of tracker's" or "table checkins has no column note".
    """
    return [p.text for p in differences(conn, version)]


def differences(conn: sqlite3.Connection, version: int | None = None) -> list[Problem]:
    """:func:`schema_problems`, with what would remove each object tracker did not make."""
    if version is None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    if not 0 <= version <= len(schema.MIGRATIONS):
        return [
            Problem(
                f"schema version {version} is not one this tracker knows "
                f"(0 to {len(schema.MIGRATIONS)})"
            )
        ]
    want = reference(version, engine.library_of(conn))
    try:
        return list(_compare(want, conn))
    except errors.DatabaseError as exc:
        if not _unreadable_object(exc):
            raise
        return [Problem(f"its schema cannot be read ({one_line(str(exc))})")]


def _compare(want: sqlite3.Connection, have: sqlite3.Connection) -> Iterable[Problem]:
    wanted, found = _objects(want), _objects(have)
    for key in sorted(found.keys() - wanted.keys(), key=_order):
        obj = found[key]
        on = f" (on {_name(obj.table)})" if obj.type in ("index", "trigger") else ""
        yield Problem(
            f"{obj.type} {_name(obj.name)}{on} is not one of tracker's", extra=(obj.type, obj.name)
        )
    for key in sorted(wanted.keys() - found.keys(), key=_order):
        yield Problem(f"{key[0]} {_name(key[1])} is missing")
    for key in sorted(wanted.keys() & found.keys(), key=_order):
        kind, name = key
        if kind == "table":
            described = list(_compare_table(name, _safe_table(want, name), _safe_table(have, name)))
            yield from described
            if described:
                continue  # what its SQL text adds would say the same again
        if wanted[key].table != found[key].table:
            yield Problem(
                f"{kind} {_name(name)} is on table {_name(found[key].table)}, "
                f"not {_name(wanted[key].table)}"
            )
        elif wanted[key].tokens != found[key].tokens:
            what = "its definition" if kind != "table" else "its constraints"
            yield Problem(f"{kind} {_name(name)}: {what} differ from tracker's")


def _unreadable_object(exc: sqlite3.DatabaseError) -> bool:
    """An error of one object SQLite cannot describe (a virtual table of a module it
    does not have...), rather than a busy or damaged file, which callers report."""
    text = str(exc).lower()
    return not (
        is_busy(exc)
        or any(
            word in text
            for word in ("malformed", "not a database", "disk image", "corrupt", "disk i/o")
        )
    )


def _safe_table(conn: sqlite3.Connection, name: str) -> _Table | str:
    try:
        return _table(conn, name)
    except errors.DatabaseError as exc:
        if not _unreadable_object(exc):
            raise
        return one_line(str(exc))


def _compare_table(name: str, want: _Table | str, have: _Table | str) -> Iterable[Problem]:
    table = f"table {_name(name)}"
    if isinstance(have, str) or isinstance(want, str):
        yield Problem(f"{table} cannot be read ({have if isinstance(have, str) else want})")
        return
    missing = [c for c in want.columns if c not in have.columns]
    added = [c for c in have.columns if c not in want.columns]
    for column in missing:
        yield Problem(f"{table} has no column {_name(column)}")
    for column in added:
        yield Problem(f"{table} has a column {_name(column)} that tracker does not make")
    for column in [c for c in want.columns if c in have.columns]:
        if want.columns[column] != have.columns[column]:
            yield Problem(
                f"{table}: column {_name(column)} is not as tracker makes it "
                f"({_column_words(have.columns[column])}; tracker makes "
                f"{_column_words(want.columns[column])})"
            )
    if not missing and not added and list(want.columns) != list(have.columns):
        yield Problem(f"{table}: its columns are not in the order tracker makes them")
    if want.kind != have.kind:
        yield Problem(f"{table} is not {_kind_words(want.kind)} as tracker makes it")
    for index in sorted(have.indexes.keys() - want.indexes.keys()):
        if index.startswith("sqlite_autoindex_"):
            yield Problem(f"{table} has a UNIQUE or PRIMARY KEY constraint tracker does not make")
    for index in sorted(want.indexes.keys() - have.indexes.keys()):
        if index.startswith("sqlite_autoindex_"):
            yield Problem(f"{table} lacks a UNIQUE or PRIMARY KEY constraint tracker makes")
    for index in sorted(want.indexes.keys() & have.indexes.keys()):
        if want.indexes[index] != have.indexes[index]:
            yield Problem(f"{table}: index {_name(index)} is not as tracker makes it")
    if want.foreign_keys != have.foreign_keys:
        yield Problem(f"{table}: its foreign keys (REFERENCES) differ from tracker's")


def _kind_words(kind: tuple[Any, ...]) -> str:
    if not kind:
        return "a table"
    table_type, without_rowid, strict = kind[0]
    words = [w for w, on in (("STRICT", strict), ("WITHOUT ROWID", without_rowid)) if on]
    return " and ".join(words) or f"a plain {table_type}"


def _column_words(column: tuple[Any, ...]) -> str:
    declared, notnull, default, pk, hidden = column
    words = [declared or "no type"]
    if notnull:
        words.append("NOT NULL")
    if default:
        words.append("DEFAULT " + " ".join(default))
    if pk:
        words.append("PRIMARY KEY")
    if hidden:
        words.append("hidden or generated")
    return one_line(" ".join(words))


_KINDS = {"table": 0, "index": 1, "trigger": 2, "view": 3}


def _order(key: tuple[str, str]) -> tuple[int, str]:
    """Tables first, then indexes, triggers and views, each by name."""
    return _KINDS.get(key[0], 4), key[1]


def _name(name: str) -> str:
    """A name as a message shows it (a hostile file's names may hold controls)."""
    return (
        one_line(name) if _PLAIN.fullmatch(name.translate(_ASCII_LOWER)) else one_line(repr(name))
    )


def drop_command(path: str, extras: Iterable[tuple[str, str]]) -> str:
    """The ``sqlite3`` command that removes objects tracker did not make."""
    statements = "; ".join(
        f"DROP {kind.upper()} " + '"' + name.replace('"', '""') + '"' for kind, name in extras
    )
    return one_line(f"sqlite3 {shlex.quote(path)} {shlex.quote(statements)}")


# --- Restore: the schema, the rows' references, the forms of ids, days and times ---------


def foreign_key_problems(conn: sqlite3.Connection) -> list[str]:
    """Rows that point at a row that is not there (``PRAGMA foreign_key_check``)."""
    rows = conn.execute(
        'SELECT "table", rowid, parent FROM pragma_foreign_key_check LIMIT 4'
    ).fetchall()
    return [
        f"a row of {_name(table)} refers to a missing row of {_name(parent)}"
        for table, _rowid, parent in rows[:3]
    ]


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")

# Per record table: (columns holding an id, a day, a timestamp). What tracker writes
# there is always in one form, and the rest of tracker reads them so.
_FORMS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "checkins": (("id",), ("day",), ("created_at", "updated_at")),
    "experiments": (("id",), ("started_on", "ends_on", "ended_on"), ("created_at", "updated_at")),
    "practice_logs": (("id", "experiment_id"), ("day",), ("created_at", "updated_at")),
    "ruptures": (("id",), ("day", "repaired_on"), ("happened_at", "created_at", "updated_at")),
    "supports": (("id",), (), ("created_at", "updated_at")),
    "tombstones": (("id",), (), ("deleted_at",)),
}


def _is_day(text: Any) -> bool:
    import datetime as dt

    if not isinstance(text, str) or not _DAY.fullmatch(text) or text < "1900":
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_stamp(text: Any) -> bool:
    import datetime as dt

    if not isinstance(text, str) or not _STAMP.fullmatch(text) or text[19:] == "-00:00":
        return False
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def value_problems(conn: sqlite3.Connection) -> list[str]:
    """Ids, days and timestamps that are not in the one form tracker writes them in
    (a UUID, a real ``YYYY-MM-DD`` from 1900, ``YYYY-MM-DDTHH:MM:SS+HH:MM``): the
    first few, by table, column and row. Run on a file whose schema is tracker's."""
    problems: list[str] = []
    present = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    for table, (ids, days, stamps) in _FORMS.items():
        if table not in present:  # a table of a later schema than the file's
            continue
        checks = [
            (c, lambda v: isinstance(v, str) and bool(_UUID.fullmatch(v)), "a UUID") for c in ids
        ]
        checks += [(c, _is_day, "a date as YYYY-MM-DD") for c in days]
        checks += [(c, _is_stamp, "a date and time as YYYY-MM-DDTHH:MM:SS+HH:MM") for c in stamps]
        columns = ", ".join(c for c, _, _ in checks)
        for row in conn.execute(f"SELECT rowid, {columns} FROM {table}"):
            for (column, ok, form), value in zip(checks, row[1:], strict=True):
                if value is None and column in ("ended_on", "repaired_on"):
                    continue
                if not ok(value):
                    shown = one_line(repr(value))[:40]
                    problems.append(f"{table}.{column} of row {row[0]} is {shown}, not {form}")
                    if len(problems) >= 3:
                        return problems
    return problems


def restore_problems(conn: sqlite3.Connection) -> list[str]:
    """Why the file on ``conn`` is not one tracker would make: its schema
    (:func:`schema_problems`), then rows that refer to missing rows, then ids, days
    and timestamps not in tracker's form (:func:`value_problems`); at most six
    entries. Empty when sound. (``PRAGMA integrity_check`` is the caller's.)"""
    problems = schema_problems(conn) or foreign_key_problems(conn) or value_problems(conn)
    if len(problems) > 6:
        problems = [*problems[:5], f"and {len(problems) - 5} more"]
    return problems
