"""The errors the store raises, and SQLite's, which callers catch by these names.

Only the store speaks SQL, so the rest of tracker catches ``errors.DatabaseError``
and the like rather than importing :mod:`sqlite3`.

**Two libraries, so each SQLite name stands for a tuple.** A plain file is read through
Python's :mod:`sqlite3`, an encrypted one through SQLCipher's library, ``sqlcipher3``
(:mod:`tracker.store.engine`), and each has its own classes: an
``sqlcipher3.dbapi2.OperationalError`` is not a :class:`sqlite3.OperationalError`.
So, at run time, ``errors.OperationalError`` (and ``Error``, ``DatabaseError``,
``IntegrityError``, ``ProgrammingError``, ``Connection``) is a tuple of that class of
each library loaded in this process: Python's, and SQLCipher's once ``sqlcipher3``
has been imported (none of its errors can exist before). ``except``, ``isinstance``
and ``pytest.raises`` take tuples. SQLCipher's library is never imported to build
them: a process that opens only plain files never loads it.

Because the tuple grows when SQLCipher's library is loaded, **name it at the moment of
catching**: ``except errors.DatabaseError``, with ``from tracker.store import errors``.
Never ``from tracker.store.errors import DatabaseError``: that would keep the tuple
of the moment of the import, which misses SQLCipher's errors if it is loaded later
(``tests/test_architecture.py`` refuses that import). A module ``__getattr__``
(PEP 562) makes the tuple each time. An ``except`` does not look inside a tuple
within its tuple, so to catch one with another exception write two ``except``
clauses (``except OSError:`` and ``except errors.DatabaseError:``).

Type checkers see them as tuples too (``tuple[type[sqlite3.DatabaseError], ...]``),
so ``except errors.DatabaseError as exc`` gives ``exc`` Python's class as its type
(both libraries have the same interface), and raising or subclassing one of them
is an error mypy reports: for that, use Python's class (:mod:`sqlite3`, in the
store). ``Connection`` is the exception to that: to a type checker it is Python's
:class:`sqlite3.Connection` class, the type of a connection of either library.
"""

from __future__ import annotations

import sqlite3
import sys
from typing import TYPE_CHECKING

SQLITE_NAMES = (
    "Connection",
    "DatabaseError",
    "Error",
    "IntegrityError",
    "OperationalError",
    "ProgrammingError",
)
"""The SQLite names this module gives as a tuple of both libraries' classes."""

_SQLCIPHER_CLASSES = "sqlcipher3._sqlite3"
"""Where ``sqlcipher3`` defines its classes (``sqlcipher3.dbapi2`` imports them)."""

if TYPE_CHECKING:
    Connection = sqlite3.Connection
    DatabaseError: tuple[type[sqlite3.DatabaseError], ...]
    Error: tuple[type[sqlite3.Error], ...]
    IntegrityError: tuple[type[sqlite3.IntegrityError], ...]
    OperationalError: tuple[type[sqlite3.OperationalError], ...]
    ProgrammingError: tuple[type[sqlite3.ProgrammingError], ...]


def classes(name: str) -> tuple[type, ...]:
    """SQLite's class ``name`` of each library loaded in this process: Python's, and
    SQLCipher's once it has been imported."""
    found: tuple[type, ...] = (getattr(sqlite3, name),)
    cipher = sys.modules.get(_SQLCIPHER_CLASSES)
    if cipher is not None:
        found += (getattr(cipher, name),)
    return found


def __getattr__(name: str) -> tuple[type, ...]:
    if name in SQLITE_NAMES:
        return classes(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BadSetting",
    "StoreError",
    "classes",
    *SQLITE_NAMES,
]


class StoreError(Exception):
    """A database that cannot be used as it is; the message says what to do."""


class BadSetting(ValueError):
    """An environment variable the store reads holds a value it cannot use (exit 2)."""
