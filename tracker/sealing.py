"""Sealing what tracker writes outside the database for another device to read.

Every sync file goes through :func:`seal` on its way out and :func:`unseal` on its
way in, and through nothing else: this is the one place that decides how such a
file is protected. For now both are the identity (the sync files are plain JSON);
when the database is encrypted (issue 14), sealing becomes encrypting with the
database's key, and :func:`unseal` refuses, with :class:`SealError`, what it cannot
open. Pure: no I/O, no state.
"""

from __future__ import annotations


class SealError(ValueError):
    """Sealed bytes that cannot be opened (a wrong key, or damage); the message says
    which in one line."""


def seal(data: bytes) -> bytes:
    """``data`` as it is written to a file another device reads (now: unchanged)."""
    return data


def unseal(data: bytes) -> bytes:
    """The bytes :func:`seal` was given, from what it made (now: unchanged).

    Raises:
        SealError: the bytes cannot be opened.
    """
    return data
