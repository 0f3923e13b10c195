"""Sealing what tracker writes outside the database for another device to read.

Every sync file goes through :func:`seal` on its way out and :func:`unseal` on its
way in, and through nothing else: this is the one place that decides how such a
file is protected.

- A device whose database is not encrypted writes its sync files as they are
  (plain JSON: ``seal(data, None)`` is ``data``).
- A device whose database is encrypted seals them with the **folder key**: 32 random
  bytes that every device syncing through that folder shares, with AES-256-GCM
  (a fresh 96-bit nonce each time; the envelope's version and key id are
  authenticated with it). A sealed file is a small JSON envelope that names the key
  by its id (never the key), so a device can tell "sealed with a key I know" from
  "sealed with another".
- Each database has its own salt and so its own key, so the folder key cannot be a
  database's key. It travels instead in ``folder.key`` beside the sync files,
  *wrapped*: encrypted with a key derived (scrypt) from the folder's passphrase,
  chosen on the first device and typed once on each other device. After that the
  folder key is kept in the device's encrypted database, and sync needs nothing more.

The cryptography is the ``cryptography`` package's (AES-GCM) and hashlib's (scrypt):
nothing here is a cipher of our own. ``cryptography`` is imported only when
something is sealed or opened, so plain sync never loads it.

No file I/O and no state: the callers (:mod:`tracker.syncdir`) read and write.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SEALED = "tracker-sync"
"""The envelope's ``sealed`` field: what a sealed file holds."""
VERSION = 1
CIPHER = "AES-256-GCM"
KEY_FORMAT = "tracker-folder-key"
KDF = "scrypt"
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
MOST_N = 2**18
"""The largest scrypt cost a ``folder.key`` may ask for (a hostile one could ask for
a derivation that never ends)."""
MOST_R = 32
MOST_P = 16
MOST_WORK = 4 * SCRYPT_N * SCRYPT_R * SCRYPT_P
"""The most work (n * r * p) a ``folder.key`` may ask for: four times tracker's own."""
MOST_MEMORY = 256 * 1024 * 1024
"""The most memory that derivation may need (scrypt needs about 128 * r * n bytes)."""
MOST_KEY_FILE = 64 * 1024
"""A ``folder.key`` is a few hundred bytes; anything over this is not one."""
_PREFIX = b'{"sealed":'
_NONCE = 12
_SECRET = 32


class SealError(ValueError):
    """Sealed bytes that cannot be opened; the message says why in one line (it
    follows the file's name).

    ``reason``: "no-key" (sealed, and this device has no folder key), "other-key"
    (sealed with a key this device does not have), "damaged" (not a sound sealed
    file, or changed since it was sealed), "newer" (sealed by a newer tracker),
    "passphrase" (a wrapped key the passphrase does not open).
    """

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class FolderKey:
    """A folder key: 32 secret bytes. Its id is a digest of them (a name, not a way
    back to the key), and its repr never shows them."""

    secret: bytes

    def __post_init__(self) -> None:
        if len(self.secret) != _SECRET:
            raise ValueError("a folder key is 32 bytes")

    @property
    def id(self) -> str:
        """32 hex digits naming the key (in envelopes, ``folder.key`` and settings)."""
        return hashlib.sha256(b"tracker folder key id\x00" + self.secret).hexdigest()[:32]

    def __repr__(self) -> str:
        return f"FolderKey(id={self.id})"

    def to_text(self) -> str:
        """The key as hex, to keep in an encrypted database's settings."""
        return self.secret.hex()

    @classmethod
    def from_text(cls, text: str) -> FolderKey | None:
        """The key :meth:`to_text` wrote, or None for anything else."""
        try:
            secret = bytes.fromhex(text.strip())
        except ValueError:
            return None
        return cls(secret) if len(secret) == _SECRET else None


def new_key() -> FolderKey:
    """A new random folder key."""
    return FolderKey(os.urandom(_SECRET))


def _aesgcm(secret: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(secret)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise SealError(f"is damaged: its {what} is missing.", "damaged")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise SealError(f"is damaged: its {what} is not base64.", "damaged") from None


def _aad(kind: str, version: int, key_id: str, bound: str = "") -> bytes:
    return f"{kind} {version} {key_id} {bound}".encode("utf-8", "surrogatepass")


# --- sync files ----------------------------------------------------------------------------


def is_sealed(data: bytes) -> bool:
    """Was ``data`` made by :func:`seal` with a key (rather than being plain)?"""
    return data.startswith(_PREFIX)


def sealed_with(data: bytes) -> str | None:
    """The id of the key ``data`` was sealed with, or None when it is plain or is not
    a sound envelope."""
    if not is_sealed(data):
        return None
    try:
        envelope = json.loads(data)
    except ValueError:
        return None
    key = envelope.get("key") if isinstance(envelope, dict) else None
    return key if isinstance(key, str) else None


def seal(data: bytes, key: FolderKey | None, bound: str = "") -> bytes:
    """``data`` as it is written to a file another device reads: as it is without a
    key, else an envelope sealed with ``key``. ``bound``: what the file is (its
    device's id), authenticated with it, so a sealed file copied over another
    device's does not open as that device's."""
    if key is None:
        return data
    nonce = os.urandom(_NONCE)
    sealed = _aesgcm(key.secret).encrypt(nonce, data, _aad(SEALED, VERSION, key.id, bound))
    envelope = {
        "sealed": SEALED,
        "version": VERSION,
        "cipher": CIPHER,
        "key": key.id,
        "nonce": _b64(nonce),
        "data": _b64(sealed),
    }
    return (json.dumps(envelope, separators=(",", ":")) + "\n").encode("ascii")


def unseal(data: bytes, keys: Mapping[str, FolderKey], bound: str = "") -> bytes:
    """The bytes :func:`seal` was given, from what it made: plain bytes as they are,
    a sealed envelope opened with the key of ``keys`` (by id) it names, and sealed
    for ``bound`` (the device whose file it is).

    Raises:
        SealError: sealed, and it cannot be opened (``reason`` says why).
    """
    if not is_sealed(data):
        return data
    envelope = _envelope(data, "sealed", SEALED)
    key_id = envelope.get("key")
    if not isinstance(key_id, str):
        raise SealError("is damaged: it does not name its key.", "damaged")
    key = keys.get(key_id)
    if key is None:
        if not keys:
            raise SealError(
                "is sealed (encrypted by a device whose database is encrypted), and this "
                "database is not encrypted, so it cannot be read here.",
                "no-key",
            )
        raise SealError(
            f"is sealed with a key this device does not have (key {key_id[:8]}), not this "
            "folder's.",
            "other-key",
        )
    nonce = _unb64(envelope.get("nonce"), "nonce")
    sealed = _unb64(envelope.get("data"), "data")
    return _open(key.secret, nonce, sealed, _aad(SEALED, VERSION, key.id, bound))


def _envelope(data: bytes, field: str, value: str) -> dict[str, Any]:
    try:
        envelope = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise SealError(
            "is damaged: it is not a sealed file tracker can read.", "damaged"
        ) from None
    if not isinstance(envelope, dict) or envelope.get(field) != value:
        raise SealError("is damaged: it is not a sealed file tracker can read.", "damaged")
    version = envelope.get("version")
    if version != VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            raise SealError(
                f"was sealed by a newer tracker (version {version}); update tracker here.",
                "newer",
            )
        raise SealError("is damaged: its version is not one tracker knows.", "damaged")
    if envelope.get("cipher", CIPHER) != CIPHER:
        raise SealError(f"is sealed with a cipher tracker does not know (only {CIPHER}).", "newer")
    return envelope


def _open(secret: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag

    if len(nonce) != _NONCE:
        raise SealError("is damaged: its nonce is not 12 bytes.", "damaged")
    try:
        return bytes(_aesgcm(secret).decrypt(nonce, sealed, aad))
    except InvalidTag:
        raise SealError(
            "cannot be opened: it was changed or damaged since it was sealed.", "damaged"
        ) from None


# --- the folder key, wrapped with the folder's passphrase ------------------------------------


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """scrypt of the passphrase, taken as the database's is (Unicode's composed form,
    NFC, so the same letters typed on another system open it; any bytes a passphrase
    command printed, even not UTF-8)."""
    import unicodedata

    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8", "surrogatepass")
    return hashlib.scrypt(
        secret,
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=MOST_MEMORY + 64 * 1024 * 1024,
        dklen=32,
    )


def wrap(key: FolderKey, passphrase: str) -> bytes:
    """``folder.key``'s bytes: ``key`` encrypted with a key derived from ``passphrase``
    (scrypt, a random salt), with its id in the clear."""
    salt = os.urandom(16)
    nonce = os.urandom(_NONCE)
    kek = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    wrapped = _aesgcm(kek).encrypt(nonce, key.secret, _aad(KEY_FORMAT, VERSION, key.id))
    text = {
        "format": KEY_FORMAT,
        "version": VERSION,
        "key": key.id,
        "kdf": KDF,
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "salt": _b64(salt),
        "cipher": CIPHER,
        "nonce": _b64(nonce),
        "wrapped": _b64(wrapped),
        "note": "The key that seals tracker's sync files in this folder, itself encrypted "
        "with the folder's passphrase. Every device needs it: do not remove it.",
    }
    return (json.dumps(text, indent=1) + "\n").encode("ascii")


def wrapped_id(blob: bytes) -> str:
    """The id of the key ``folder.key`` holds (no passphrase needed).

    Raises:
        SealError: not a sound ``folder.key``.
    """
    if len(blob) > MOST_KEY_FILE:
        raise SealError(
            "is too large to be a folder key (they are a few hundred bytes).", "damaged"
        )
    key_id = _envelope(blob, "format", KEY_FORMAT).get("key")
    if not isinstance(key_id, str) or len(key_id) != 32:
        raise SealError("is damaged: it does not name its key.", "damaged")
    return key_id


def unwrap(blob: bytes, passphrase: str) -> FolderKey:
    """The folder key in ``folder.key``'s bytes, opened with ``passphrase``.

    Raises:
        SealError: not a sound ``folder.key`` ("damaged"), or the passphrase does not
            open it ("passphrase").
    """
    key_id = wrapped_id(blob)
    envelope = _envelope(blob, "format", KEY_FORMAT)
    if envelope.get("kdf") != KDF:
        raise SealError(f"uses a key derivation tracker does not know (only {KDF}).", "newer")
    n, r, p = (envelope.get(name) for name in ("n", "r", "p"))
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (n, r, p)):
        raise SealError("is damaged: its key derivation's costs are not numbers.", "damaged")
    assert isinstance(n, int) and isinstance(r, int) and isinstance(p, int)
    if not (2 <= n <= MOST_N and n & (n - 1) == 0 and 1 <= r <= MOST_R and 1 <= p <= MOST_P):
        raise SealError(
            "asks for a key derivation tracker does not run (too costly, or not scrypt's).",
            "damaged",
        )
    if 128 * r * (n + p + 2) > MOST_MEMORY or n * r * p > MOST_WORK:
        raise SealError("asks for a key derivation that needs too much memory.", "damaged")
    salt = _unb64(envelope.get("salt"), "salt")
    nonce = _unb64(envelope.get("nonce"), "nonce")
    wrapped = _unb64(envelope.get("wrapped"), "wrapped key")
    kek = _derive(passphrase, salt, n, r, p)
    try:
        secret = _open(kek, nonce, wrapped, _aad(KEY_FORMAT, VERSION, key_id))
    except SealError as exc:
        if exc.reason == "damaged" and len(nonce) == _NONCE:
            raise SealError(
                "is not opened by that passphrase. It takes the folder's own passphrase, "
                "the one chosen when the folder was first sealed.",
                "passphrase",
            ) from None
        raise
    if len(secret) != _SECRET:
        raise SealError("is damaged: the key it holds is not 32 bytes.", "damaged")
    key = FolderKey(secret)
    if not hmac.compare_digest(key.id, key_id):
        raise SealError("is damaged: the key it holds is not the one it names.", "damaged")
    return key
