"""Which SQLite library speaks to which database file, and the rule that keeps them apart.

tracker links two SQLite libraries:

- **Python's own** :mod:`sqlite3`, for plain files: every file that starts with
  SQLite's header, and a new or empty one when no key is given;
- **SQLCipher's**, through ``sqlcipher3`` (SQLite with encryption added: ``PRAGMA
  key``, :mod:`tracker.store.cipher`), for encrypted files, for a new file given a
  key, and for the conversions between plain and encrypted (``sqlcipher_export``
  exists only there).

``sqlcipher3`` is imported only when a file needs it (:func:`module`): it bundles its
own SQLite and OpenSSL, megabytes to load and more once used, which a process that
only opens plain files (``tracker status``, the app on a plain database) never pays.
``sqlcipher3`` is CPython's :mod:`sqlite3` module built on SQLCipher, so both have
the same interface, and for type checking a connection of either *is* a
:class:`sqlite3.Connection`. Their errors are different classes:
:mod:`tracker.store.errors` catches both.

**One library per file at a time.** POSIX locks belong to a process and a file, not
to a connection, and closing *any* descriptor of a file drops every lock the process
holds on it. SQLite keeps its own connections clear of that (they share what they
know of each file, and a descriptor is not closed while another connection holds a
lock), but two copies of SQLite in one process know nothing of each other: when a
connection of one closes the file, the other's locks are gone without its knowing,
and another program may then write under it. They do not see each other's locks
either (a process never conflicts with itself). So every connection tracker makes
comes from :func:`connect`, which records which library has which file open (the
file itself, by device and inode, as the locks are kept; an ``ATTACH`` counts too:
:func:`attached`), and refuses (:class:`OtherLibraryOpen`) to open a file through one
library while a connection of the other has it open. Which library a file gets is
decided by :func:`tracker.store.cipher.connect_file`.

The same holds for Python's own ``open()``: reading a database file's first bytes (is
it encrypted?) and closing it drops this process's locks on it just the same. So a
file this process has open is never opened to be read; :func:`opened` says what its
connections know of it instead.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from tracker.store.errors import StoreError

Library = Literal["sqlite3", "sqlcipher3"]
PLAIN: Library = "sqlite3"
"""Python's own :mod:`sqlite3`: plain files."""
SQLCIPHER: Library = "sqlcipher3"
"""SQLCipher's library (``sqlcipher3.dbapi2``): encrypted files and conversions."""

_SQLCIPHER_MODULE = "sqlcipher3.dbapi2"


class OtherLibraryOpen(StoreError):
    """A file was to be opened through one SQLite library while this process has it open
    through the other (see the module docstring: each would drop the other's locks)."""

    def __init__(self, path: Path, wanted: Library, holder: Library):
        super().__init__(
            f"{path} is open in this process through {_NAMES[holder]}; tracker will not "
            f"open it through {_NAMES[wanted]} at the same time. Nothing was changed."
        )
        self.path = path


_NAMES: dict[Library, str] = {
    PLAIN: "Python's sqlite3",
    SQLCIPHER: "SQLCipher's library",
}


# --- The libraries ------------------------------------------------------------------------


def module(library: Library) -> ModuleType:
    """The DB-API module of ``library`` (SQLCipher's is imported on first use)."""
    if library == PLAIN:
        return sqlite3
    import importlib

    return importlib.import_module(_SQLCIPHER_MODULE)


class PlainConnection(sqlite3.Connection):
    """A connection of Python's sqlite3 that tracker made (:func:`connect`).

    ``key``: the key its main database was opened with (always None here; the
    attribute is shared with SQLCipher's connections, so a copy of any connection
    can be given the same key: :func:`tracker.store.cipher.key_of`).
    """

    library: Library = PLAIN
    key: Any = None

    def close(self) -> None:
        super().close()
        _forget(self)


_CONNECTION_CLASSES: dict[Library, type[sqlite3.Connection]] = {PLAIN: PlainConnection}


def _connection_class(library: Library) -> type[sqlite3.Connection]:
    """:class:`PlainConnection`, or its twin on SQLCipher's ``Connection`` (made once,
    when SQLCipher's library is first used)."""
    found = _CONNECTION_CLASSES.get(library)
    if found is None:
        base: Any = module(library).Connection

        class CipherConnection(base):
            """A connection of SQLCipher's library that tracker made (see
            :class:`PlainConnection`)."""

            library: Library = SQLCIPHER
            key: Any = None

            def close(self) -> None:
                super().close()
                _forget(self)

        found = _CONNECTION_CLASSES[library] = CipherConnection
    return found


def library_of(conn: Any) -> Library:
    """The library of a connection :func:`connect` made (Python's for any other)."""
    return getattr(conn, "library", PLAIN)


# --- Which file is open through which library ----------------------------------------------

_FileId = tuple[int, int]
_OPEN: dict[_FileId, weakref.WeakKeyDictionary[Any, Any]] = {}
"""For each file (by device and inode) the connections that have it open, as their
main database or attached, each with the key it was opened with (None: plain). A
connection leaves when it is closed, or when it is garbage (its descriptors close
with it)."""
_LOCK = threading.RLock()
"""Held while a file is checked and opened (the Trends worker connects on its thread)."""


def _file_id(path: Path) -> _FileId | None:
    try:
        info = os.stat(path)  # (a stat opens nothing, so it drops no lock)
    except OSError:
        return None  # not there yet: no connection can have it open
    return (info.st_dev, info.st_ino)


def opened(path: Path) -> tuple[Library, Any] | None:
    """``(library, key)`` of this process's connections to the file at ``path`` (its key
    None when it is plain), or None when none has it open. Reads nothing of the file.

    While a connection has a file open, nothing else may open it to read its bytes:
    closing that descriptor would drop the connection's locks (in WAL mode every
    connection holds one on the file for as long as it is open). So what a file's
    first bytes would say is taken from here then (:func:`tracker.store.cipher.file_salt`).
    """
    file = _file_id(path)
    if file is None:
        return None
    with _LOCK:
        for conn, key in list(_OPEN.get(file, {}).items()):
            return library_of(conn), key
    return None


def holder(path: Path) -> Library | None:
    """The library through which this process has ``path`` open now, if any."""
    found = opened(path)
    return None if found is None else found[0]


def _check(path: Path, library: Library) -> None:
    found = holder(path)
    if found is not None and found != library:
        raise OtherLibraryOpen(path, library, found)


def _record(conn: Any, path: Path, key: Any) -> _FileId | None:
    file = _file_id(path)
    if file is not None:
        _OPEN.setdefault(file, weakref.WeakKeyDictionary())[conn] = key
        conn.tracker_files = (*getattr(conn, "tracker_files", ()), file)
    return file


def _forget(conn: Any, only: _FileId | None = None) -> None:
    """Take ``conn`` off the files it had open (``only``: off that one alone)."""
    with _LOCK:
        files = getattr(conn, "tracker_files", ())
        for file in files:
            if only is not None and file != only:
                continue
            users = _OPEN.get(file)
            if users is not None:
                users.pop(conn, None)
                if not users:
                    del _OPEN[file]
        if files:
            conn.tracker_files = tuple(f for f in files if only is not None and f != only)


def connect(
    path: Path, library: Library, *, uri: str | None = None, key: Any = None, **kwargs: Any
) -> sqlite3.Connection:
    """A connection through ``library`` to the database file at ``path`` (``uri`` to
    open it by URI; ``path`` names the same file). ``key`` is only recorded, with the
    file (:func:`opened`): giving it to the connection is
    :func:`tracker.store.cipher.connect_file`'s part.

    Raises:
        OtherLibraryOpen: this process has the file open through the other library
            (checked before the file is touched).
    """
    factory = _connection_class(library)
    target = uri if uri is not None else str(path)
    with _LOCK:
        _check(path, library)
        conn = module(library).connect(target, uri=uri is not None, factory=factory, **kwargs)
        _record(conn, path, key)
    return conn


def connect_memory(library: Library = PLAIN, **kwargs: Any) -> sqlite3.Connection:
    """An in-memory database through ``library`` (no file, so no locks to mind)."""
    return module(library).connect(":memory:", factory=_connection_class(library), **kwargs)


@contextlib.contextmanager
def attached(
    conn: sqlite3.Connection, path: Path, alias: str, *, key: Any = None
) -> Iterator[None]:
    """``ATTACH`` the file at ``path`` to ``conn`` as ``alias`` for the block, then
    ``DETACH`` it; meanwhile the file counts as open through ``conn``'s library.
    ``key`` (a :class:`tracker.store.cipher.Key`, None for plain): the attached file's,
    on a connection of SQLCipher's library.

    Raises:
        OtherLibraryOpen: this process has ``path`` open through the other library.
    """
    with _LOCK:
        _check(path, library_of(conn))
        if library_of(conn) == SQLCIPHER:
            clause = key.sql if key is not None else ""
            conn.execute(f"ATTACH DATABASE ? AS {alias} KEY ?", (str(path), clause))
        elif key is None:
            conn.execute(f"ATTACH DATABASE ? AS {alias}", (str(path),))
        else:
            raise ValueError("a key needs SQLCipher's library")
        file = _record(conn, path, key)
    try:
        yield
    finally:
        try:
            conn.execute(f"DETACH DATABASE {alias}")
        except module(library_of(conn)).Error:
            pass  # still attached (or the connection closed): it counts until closed
        else:
            if file is not None:
                _forget(conn, file)


__all__ = [
    "PLAIN",
    "SQLCIPHER",
    "Library",
    "OtherLibraryOpen",
    "PlainConnection",
    "attached",
    "connect",
    "connect_memory",
    "holder",
    "library_of",
    "module",
    "opened",
]
