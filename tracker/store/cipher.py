"""Encrypted database files: their keys, and the connections that use them.

An encrypted file is SQLCipher 4's format: every page, the first included, is
AES-256 encrypted and authenticated (HMAC-SHA512), and its write-ahead log is too;
only the first 16 bytes, the *salt*, are stored as they are. The key of a file is
derived from the passphrase and that salt (PBKDF2-HMAC-SHA512, 256,000 rounds, as
SQLCipher 4 does by default: :func:`derive_key`), which is what makes a passphrase
slow to try. tracker derives it itself and always hands SQLCipher the *raw* key
with the salt (``PRAGMA key = "x'<key><salt>'"``), so:

- a key, once derived, opens the file in a fraction of a millisecond (the keyring
  keeps this raw key, never the passphrase: :mod:`tracker.unlocking`);
- every copy tracker makes of a database (backups, the temporary files of a
  conversion) has the same salt and the same key, so one passphrase opens them all.

The keys unlocked in this process are kept in memory by salt (:func:`remember`):
every connection tracker makes to an encrypted file (:func:`connect_file`) takes its
key from there, so a worker thread's read-only connection, a backup or a restore need
no key handed to them. Nothing here is written to disk.

A file that is not plain SQLite is judged encrypted when it looks like ciphertext
(:func:`looks_encrypted`: whole pages of bytes with no pattern); anything else is
"not an SQLite file", as before.
"""

from __future__ import annotations

import math
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.store import engine, errors
from tracker.store.errors import StoreError

KDF_ITERATIONS = 256_000
"""PBKDF2 rounds: SQLCipher 4's default (``PRAGMA kdf_iter``)."""
KEY_BYTES = 32
SALT_BYTES = 16
PLAIN_MAGIC = b"SQLite format 3\x00"
_SAMPLE = 1024
_CIPHERTEXT_ENTROPY = 7.0
"""Bits per byte above which the first kilobyte of a file is taken for ciphertext
(random bytes give about 7.8 for 1,024 of them; text and SQLite pages far less)."""


@dataclass(frozen=True, repr=False, eq=False)
class Key:
    """The raw key of an encrypted database file and the salt it was derived with."""

    raw: bytes
    salt: bytes

    def __repr__(self) -> str:
        return "Key(<not shown>)"

    def __eq__(self, other: object) -> bool:
        import hmac  # (not at the top: hmac loads OpenSSL's digests, which a plain
        # database never needs)

        return (
            isinstance(other, Key)
            and hmac.compare_digest(self.raw, other.raw)
            and self.salt == other.salt
        )

    def __hash__(self) -> int:
        return hash(self.salt)

    @property
    def sql(self) -> str:
        """The key as SQLCipher takes it: ``x'<raw key><salt>'`` in hex."""
        return f"x'{self.raw.hex()}{self.salt.hex()}'"

    def to_text(self) -> str:
        """Raw key and salt as 96 hex digits (what the keyring keeps)."""
        return self.raw.hex() + self.salt.hex()

    @classmethod
    def from_text(cls, text: str) -> Key | None:
        """The key :meth:`to_text` wrote, or None for anything else."""
        try:
            data = bytes.fromhex(text.strip())
        except ValueError:
            return None
        if len(data) != KEY_BYTES + SALT_BYTES:
            return None
        return cls(data[:KEY_BYTES], data[KEY_BYTES:])


def new_salt() -> bytes:
    """A fresh random salt for a newly encrypted file."""
    return os.urandom(SALT_BYTES)


def derive_key(passphrase: str, salt: bytes) -> Key:
    """The key a passphrase gives for a file with this salt (the slow step, on purpose).

    The passphrase is taken in Unicode's composed form (NFC), so the same letters
    typed on another system give the same key.
    """
    import hashlib
    import unicodedata

    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8", "surrogatepass")
    return Key(hashlib.pbkdf2_hmac("sha512", secret, salt, KDF_ITERATIONS, KEY_BYTES), salt)


# --- Which files are encrypted, and the keys unlocked in this process ---------------------

_KEYS: dict[bytes, Key] = {}


def remember(key: Key) -> None:
    """Keep ``key`` in this process's memory: every connection to a file of its salt uses it."""
    _KEYS[key.salt] = key


def forget_keys() -> None:
    """Forget every key unlocked in this process."""
    _KEYS.clear()


def read_head(path: Path) -> tuple[bytes, int]:
    """The first kilobyte of a file and its size (``(b"", 0)`` when it is missing).

    Never for a file this process has open (:func:`tracker.store.engine.opened`): closing
    what was opened to read it would drop the connections' locks.

    Raises:
        RuntimeError: this process has the file open (a bug: callers ask first).
    """
    if engine.opened(path) is not None:
        raise RuntimeError(f"{path} is open in this process; its bytes are not read")
    try:
        with open(path, "rb") as handle:
            return handle.read(_SAMPLE), os.fstat(handle.fileno()).st_size
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return b"", 0


def looks_encrypted(head: bytes, size: int) -> bool:
    """Do these first bytes, of a file of ``size`` bytes, look like an encrypted database?

    Whole 512-byte pages, not SQLite's plain header, and no pattern in the first
    kilobyte. A file of random bytes passes too; opening it then says the
    passphrase does not unlock it.
    """
    if len(head) < _SAMPLE or size % 512 or head.startswith(PLAIN_MAGIC):
        return False
    if head[:SALT_BYTES] in _KEYS:
        return True
    counts: dict[int, int] = {}
    for byte in head:
        counts[byte] = counts.get(byte, 0) + 1
    entropy = -sum(n / len(head) * math.log2(n / len(head)) for n in counts.values())
    return entropy >= _CIPHERTEXT_ENTROPY


def file_salt(path: Path) -> bytes | None:
    """The salt of an encrypted database file; None for a plain, empty or missing one.

    For a file this process has open, its connections say (reading the file would drop
    their locks: :func:`tracker.store.engine.opened`); else its first bytes."""
    held = engine.opened(path)
    if held is not None:
        key = held[1]
        return None if key is None else key.salt
    head, size = read_head(path)
    return head[:SALT_BYTES] if looks_encrypted(head, size) else None


def is_encrypted(path: Path) -> bool:
    """Is the file at ``path`` an encrypted database (as far as its bytes tell)?"""
    return file_salt(path) is not None


def known_key(path: Path) -> Key | None:
    """The key unlocked in this process for the encrypted file at ``path``, if any."""
    salt = file_salt(path)
    return None if salt is None else _KEYS.get(salt)


def key_for_salt(salt: bytes) -> Key | None:
    return _KEYS.get(salt)


class Locked(StoreError):
    """An encrypted file was opened whose key has not been unlocked in this process."""

    def __init__(self, path: Path):
        super().__init__(f"{path} is encrypted, and it has not been unlocked.")
        self.path = path


# --- Connections ---------------------------------------------------------------------------


def library_for(path: Path, key: Key | None = None) -> engine.Library:
    """Which SQLite library speaks to the file at ``path`` (see :mod:`~tracker.store.engine`):
    SQLCipher's when a key is given or the file is encrypted; Python's for a plain
    file, and for a new or empty one given no key."""
    if key is not None or is_encrypted(path):
        return engine.SQLCIPHER
    return engine.PLAIN


def apply_key(conn: Any, key: Key | None) -> None:
    """Give a new connection its key (a no-op for a plain file): before anything is read."""
    if engine.library_of(conn) == engine.SQLCIPHER:
        conn.execute("PRAGMA cipher_log_level = NONE")  # no "hmac check failed" on stderr
        if key is not None:
            conn.execute(f'PRAGMA key = "{key.sql}"')
    elif key is not None:
        raise ValueError("a key needs SQLCipher's library")
    conn.key = key


def connect_file(
    path: Path,
    *,
    uri: str | None = None,
    key: Key | None = None,
    library: engine.Library | None = None,
    **kwargs: Any,
) -> sqlite3.Connection:
    """A connection to the database file at ``path`` (``uri`` to open it by URI),
    keyed when the file is encrypted: with ``key``, else the key unlocked for it.

    The library is the file's (:func:`library_for`) unless ``library`` says which:
    :data:`~tracker.store.engine.SQLCIPHER` for a plain file that a conversion reads
    (``sqlcipher_export``), and for everything else that conversion opens on that
    file meanwhile (one library per file).

    Raises:
        Locked: the file is encrypted and no key for it has been unlocked.
        engine.OtherLibraryOpen: this process has the file open through the other
            library.
    """
    if key is None:
        salt = file_salt(path)
        if salt is not None:
            key = _KEYS.get(salt)
            if key is None:
                raise Locked(path)
    if library is None:
        library = engine.SQLCIPHER if key is not None else engine.PLAIN
    conn = engine.connect(path, library, uri=uri, key=key, **kwargs)
    try:
        apply_key(conn, key)
    except BaseException:
        conn.close()
        raise
    return conn


def key_of(conn: Any) -> Key | None:
    """The key a connection of :func:`connect_file` was opened with (None: plain)."""
    return getattr(conn, "key", None)


def unlocks(path: Path, key: Key) -> bool:
    """Does ``key`` open the encrypted file at ``path``? Only reads.

    False also for a file that is not a database at all, or whose first page is
    damaged: SQLCipher cannot tell those from a wrong key.
    """
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    conn = connect_file(path, uri=uri, key=key)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except errors.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB or (
            "not a database" in str(exc)
        ):
            return False
        raise
    finally:
        conn.close()


def export(
    source: sqlite3.Connection, target: Path, key: Key | None, *, rekey_from: Key | None = None
) -> None:
    """Copy everything in ``source``'s database into the new, empty file ``target``,
    encrypted with ``key`` (plain with None), with SQLCipher's ``sqlcipher_export``:
    tables, rows, indexes, triggers, the search index, the schema version and the
    application id. The only way between a plain file and an encrypted one, or
    between two keys (SQLite's backup API copies pages as they are). ``source`` is a
    connection of SQLCipher's library (``connect_file(..., library=SQLCIPHER)`` for a
    plain file). ``rekey_from``: leave that old key in the copy's settings
    (:data:`REKEY_SETTING`).
    """
    if engine.library_of(source) != engine.SQLCIPHER:
        raise ValueError("sqlcipher_export needs a connection of SQLCipher's library")
    version = source.execute("PRAGMA main.user_version").fetchone()[0]
    app_id = source.execute("PRAGMA main.application_id").fetchone()[0]
    with engine.attached(source, target, "converted", key=key):
        source.execute("SELECT sqlcipher_export('converted')").fetchall()
        # (sqlcipher_export copies neither of these.)
        source.execute(f"PRAGMA converted.user_version = {int(version)}")
        source.execute(f"PRAGMA converted.application_id = {int(app_id)}")
        if rekey_from is not None:
            write_rekey_note(source, "converted", rekey_from)
        if key is None:
            drop_secrets(source, "converted")
        if source.in_transaction:
            source.commit()


SECRET_SETTINGS = ("sync.key:",)
"""Settings rows (by how their key starts) that hold a key of their own and are kept
only in an encrypted database: a plain copy (``tracker decrypt``) leaves them out.
Today: the keys that seal sync files (:mod:`tracker.syncdir`)."""


def secret_rows(conn: sqlite3.Connection, schema: str = "main") -> int:
    """How many settings rows of ``schema`` a plain copy leaves out."""
    return sum(
        conn.execute(
            f"SELECT count(*) FROM {schema}.settings WHERE substr(key, 1, ?) = ?",
            (len(prefix), prefix),
        ).fetchone()[0]
        for prefix in SECRET_SETTINGS
    )


def drop_secrets(conn: sqlite3.Connection, schema: str) -> None:
    """Remove from ``schema`` (a plain copy being made) the rows of :data:`SECRET_SETTINGS`."""
    for prefix in SECRET_SETTINGS:
        conn.execute(
            f"DELETE FROM {schema}.settings WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)
        )


# --- Checking a converted copy, and the note a change of passphrase leaves -----------------

REKEY_SETTING = "cipher_rekey_from"
"""The settings row a change of passphrase leaves in the new database until every backup
has the new key too: the old key (:meth:`Key.to_text`), so backups still under it can
be re-encrypted after a crash part-way (:func:`tracker.encryption.settle_backups`)."""


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows in each table of the main database (the search index's tables included)."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND rootpage > 0 "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def copy_problem(
    path: Path,
    key: Key | None,
    counts: dict[str, int],
    identity: tuple[int, int],
    *,
    library: engine.Library | None = None,
) -> str | None:
    """None when the converted copy at ``path`` is sound and holds what its source did:
    opens with ``key`` (plain when None) and no other way, SQLite's integrity check,
    the same schema version and application id, the same rows in every table.
    ``library``: read it through that library (its own by default)."""
    head, _size = read_head(path)
    if key is None and not head.startswith(PLAIN_MAGIC):
        return "it is not a plain SQLite file"
    if key is not None and head[:SALT_BYTES] != key.salt:
        return "it does not carry the key's salt"
    conn = connect_file(path, key=key, library=library)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if rows != ["ok"]:
            return f"SQLite's integrity check found {'; '.join(rows[:3])}"
        found = (
            conn.execute("PRAGMA application_id").fetchone()[0],
            conn.execute("PRAGMA user_version").fetchone()[0],
        )
        if found != identity:
            return "its application id or schema version differs"
        have = table_counts(conn)
        if have != counts:
            return "its tables do not hold the same rows"
        return None
    except errors.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()


def identity(conn: sqlite3.Connection) -> tuple[int, int]:
    """(application id, schema version) of the main database."""
    return (
        conn.execute("PRAGMA main.application_id").fetchone()[0],
        conn.execute("PRAGMA main.user_version").fetchone()[0],
    )


def write_rekey_note(conn: sqlite3.Connection, alias: str, old: Key) -> None:
    """Leave the old key in the settings of the attached database ``alias``."""
    conn.execute(
        f"INSERT OR REPLACE INTO {alias}.settings (key, value) VALUES (?, ?)",
        (REKEY_SETTING, old.to_text()),
    )


def rekey_note(conn: sqlite3.Connection) -> Key | None:
    """The old key a change of passphrase left (see :data:`REKEY_SETTING`), if any."""
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (REKEY_SETTING,)).fetchone()
    except errors.OperationalError:  # no settings table (schema before 1)
        return None
    return None if row is None else Key.from_text(row[0])


def clear_rekey_note(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM settings WHERE key = ?", (REKEY_SETTING,))
    if conn.in_transaction:
        conn.commit()
