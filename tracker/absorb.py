"""Absorbing an inbox file (:mod:`tracker.inbox`): read it, save its good lines, then
take them out of it.

Good lines become check-ins in one transaction; only after the commit are they taken
out of the file, so a run killed at any moment loses nothing, and a line absorbed
twice (killed after the commit, before the file was rewritten) is the same check-in:
its id comes from its text. A check-in absorbed once and deleted since is not
brought back by its line (its tombstone says it was deleted). ``tracker inbox FILE``
and ``tracker sync DIR`` (for ``DIR/inbox.txt``) both come here.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from tracker.files import FileRefused, private_file
from tracker.inbox import Line, read_inbox, without_lines
from tracker.store import Store

MAX_INBOX_BYTES = 8 * 1024 * 1024


class InboxError(Exception):
    """The inbox cannot be read or rewritten; ``exit_code`` 3 (a file that cannot be
    used) or 2 (not UTF-8 text: nothing was saved)."""

    def __init__(self, message: str, exit_code: int = 3):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class Absorbed:
    """What absorbing an inbox did."""

    good: list[Line]
    bad: list[Line]
    new: int = 0
    """Check-ins saved (the others of ``good`` were there already, or deleted since)."""


def read_file(path: Path) -> str:
    """The inbox's text: a plain file (never through a link), at most 8 MB, UTF-8."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise InboxError(f"{path}: there is no such file.") from None
    except OSError as exc:
        raise InboxError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    if stat.S_ISLNK(info.st_mode):
        raise InboxError(f"{path} is a link; give the file itself (tracker rewrites it).")
    if not stat.S_ISREG(info.st_mode):
        raise InboxError(f"{path} is not a plain file.")
    if info.st_size > MAX_INBOX_BYTES:
        raise InboxError(f"{path} is larger than an inbox can be (8 MB); nothing was read.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InboxError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InboxError(f"{path}: byte {exc.start + 1} is not UTF-8 text.", exit_code=2) from None


def read(path: Path) -> Absorbed:
    """The inbox's lines, read (nothing saved yet)."""
    lines = read_inbox(read_file(path))
    return Absorbed(
        good=[line for line in lines if line.checkin is not None],
        bad=[line for line in lines if line.problem is not None],
    )


def save(store: Store, found: Absorbed) -> int:
    """Save the good lines' check-ins that are not there yet, in one transaction;
    returns how many were saved (also kept in ``found.new``)."""
    with store.write():
        ids = [line.checkin.id for line in found.good if line.checkin is not None]
        deleted = store.tombstone_stamps(ids)
        fresh = [
            line.checkin
            for line in found.good
            if line.checkin is not None
            and line.checkin.id not in deleted
            and store.get_checkin(line.checkin.id) is None
        ]
        if fresh:
            store.save_checkins(fresh)
    found.new = len(fresh)
    return found.new


def rewrite(path: Path, absorbed: list[str]) -> None:
    """Take the absorbed lines out of the file as it is now (a sync engine may have
    added lines since it was read): every other line stays as written."""
    current = read_file(path)
    remaining = without_lines(current, absorbed)
    if remaining == current:
        return
    try:
        with private_file(path, replace_ours=True) as handle:
            handle.write(remaining)
    except (FileRefused, OSError) as exc:
        raise InboxError(
            f"The check-ins were saved, but {path} could not be rewritten ({exc}); "
            "absorbing it again takes them out without saving them twice."
        ) from None


def absorb(store: Store, path: Path) -> Absorbed:
    """Read, save and rewrite: the whole of absorbing ``path``."""
    found = read(path)
    if found.good:
        save(store, found)
        rewrite(path, [line.text for line in found.good])
    return found
