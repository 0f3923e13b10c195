"""The SQLite library tracker speaks to: SQLCipher's, through ``sqlcipher3``.

SQLCipher is SQLite with encryption added: a file opened without a key is an
ordinary SQLite database, read and written exactly as :mod:`sqlite3` would, and a
file given a key (``PRAGMA key``, :mod:`tracker.store.cipher`) is encrypted page by
page, its write-ahead log too. ``sqlcipher3`` is CPython's own :mod:`sqlite3`
module built on SQLCipher (it bundles SQLCipher 4 and its SQLite), so it has the
same interface; for type checking it *is* :mod:`sqlite3`.

Every connection tracker makes comes from here, plain or encrypted: one SQLite
library in the process, so one family of errors to catch (``tracker.store``
exports them) and one set of POSIX locks (two SQLite libraries on one file in one
process would drop each other's locks when either closed it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3 as sqlite3
else:
    from sqlcipher3 import dbapi2 as sqlite3

__all__ = ["sqlite3"]
