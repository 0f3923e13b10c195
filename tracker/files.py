"""How tracker creates every file it writes outside the database: one place decides.

Export files and their ``.tracker-export`` manifest, ``report --out``, backups, and
the temporary copies that backups and restore make all come through here, so they
all follow the same rules:

- Readable by their owner only: files 0600 and the folders made for them 0700,
  whatever the umask (the mode is set on the open descriptor, not left to it).
- Created exclusively (``O_CREAT | O_EXCL | O_NOFOLLOW``): the content goes to a new
  temporary name in the same folder, is flushed to disk, and only then takes the
  file's name, so a reader never sees half a file.
- Never through a symbolic link that tracker did not make: a link at the file's
  path, or as the folder the file goes into, is refused with one plain line, and
  what it points to is left alone.
- Never over a file tracker did not write: the final name is taken with a hard link
  (which fails when the name exists) unless the caller says the file there is one of
  tracker's own (``replace_ours``: a file listed in an export's manifest, today's
  daily backup, the database being restored); then ``os.replace`` swaps it, and only
  if it is a plain file of this user's.
- The folder is synced after the rename, so the new name survives a power cut.
- A temporary file left by a process that was killed is removed by the next run
  (:func:`remove_stale_temporaries`): it is a hidden copy of what was being written.

Nothing here knows about SQLite, CSV or reports: callers pass bytes or text, or (for
SQLite's backup API) a fresh empty file that SQLite then fills (:func:`private_path`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Literal, overload

FILE_MODE = 0o600
FOLDER_MODE = 0o700
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
#: errno values of a file system without hard links (then: check, and rename).
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


class FileRefused(Exception):
    """A file was not written, to keep the rules above; the message says why, in one line."""


def private_dir(path: Path) -> Path:
    """The folder ``path``, made (with any missing parents) 0700 if it is not there.

    A folder that exists is used as it is (its mode is not changed); a symbolic link
    in its place is refused, as is a file.
    """
    path = Path(path)
    missing: list[Path] = []
    here = path
    while not _lexists(here):
        missing.append(here)
        if here.parent == here:
            break
        here = here.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, FOLDER_MODE)
        except FileExistsError:
            continue  # another process made it just now: checked below like any other
        fd = os.open(folder, _FOLDER)
        try:
            os.fchmod(fd, FOLDER_MODE)  # the umask may have taken bits off the mode
        finally:
            os.close(fd)
    _check_folder(path)
    return path


@overload
def private_file(
    path: Path, *, replace_ours: bool = ..., binary: Literal[False] = ...
) -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def private_file(
    path: Path, *, replace_ours: bool = ..., binary: Literal[True]
) -> contextlib.AbstractContextManager[IO[bytes]]: ...
def private_file(
    path: Path, *, replace_ours: bool = False, binary: bool = False
) -> contextlib.AbstractContextManager[IO[Any]]:
    """Write a new file at ``path``: ``with private_file(path) as handle: handle.write(...)``.

    Text is UTF-8 and written as given (no newline translation). The file appears at
    ``path`` only when the block ends without an exception; otherwise nothing is left.

    Args:
        path: where the file goes; its folder must exist (see :func:`private_dir`).
        replace_ours: the caller knows that a file already at ``path`` is one tracker
            wrote, and it may be replaced. Without it, an existing file is refused.
        binary: give a binary handle instead of a text one.

    Raises:
        FileRefused: ``path`` or its folder is a symbolic link, ``path`` exists (and
            is not ours to replace), or the folder is missing.
    """
    return _private_file(Path(path), replace_ours, binary)


@contextlib.contextmanager
def _private_file(path: Path, replace_ours: bool, binary: bool) -> Iterator[IO[Any]]:
    with _placing(path, replace_ours) as (folder_fd, tmp_name, fd):
        handle: IO[Any]
        if binary:
            handle = os.fdopen(fd, "wb", closefd=False)
        else:
            handle = os.fdopen(fd, "w", encoding="utf-8", newline="", closefd=False)
        with handle:
            yield handle
            handle.flush()
        os.fsync(fd)


@contextlib.contextmanager
def private_path(path: Path, *, replace_ours: bool = False) -> Iterator[Path]:
    """A new empty 0600 file beside ``path``, for a program that writes by file name.

    SQLite's backup API writes into a database it opens by name: it is given this
    temporary file (made exclusively here, so it is tracker's), and when the block
    ends the file is synced, set to 0600 again and put at ``path`` by the same rules
    as :func:`private_file`. On an exception it is removed and ``path`` is untouched.
    """
    path = Path(path)
    with _placing(path, replace_ours) as (folder_fd, tmp_name, fd):
        yield path.parent / tmp_name
        reopened = os.open(tmp_name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder_fd)
        try:
            os.fchmod(reopened, FILE_MODE)
            os.fsync(reopened)
        finally:
            os.close(reopened)


@contextlib.contextmanager
def _placing(path: Path, replace_ours: bool) -> Iterator[tuple[int, str, int]]:
    """Open the folder, make the temporary file, and on success move it to ``path``."""
    folder_fd = _open_folder(path.parent)
    try:
        _check_target(folder_fd, path, replace_ours)
        tmp_name, fd = _new_temp(folder_fd, path)
        try:
            yield folder_fd, tmp_name, fd
            os.close(fd)
            fd = -1
            _install(folder_fd, tmp_name, path, replace_ours)
        finally:
            if fd >= 0:
                os.close(fd)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name, dir_fd=folder_fd)
        _fsync(folder_fd)
    finally:
        os.close(folder_fd)


def _open_folder(folder: Path) -> int:
    try:
        return os.open(folder, _FOLDER)
    except FileNotFoundError:
        raise FileRefused(f"The folder {folder} does not exist.") from None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            _check_folder(folder)  # says which: a link, or not a folder
        raise


def _check_folder(folder: Path) -> None:
    info = os.lstat(folder)
    if stat.S_ISLNK(info.st_mode):
        raise FileRefused(
            f"{folder} is a symbolic link; tracker writes only into a real "
            "folder, not through a link. Give the folder it points to."
        )
    if not stat.S_ISDIR(info.st_mode):
        raise FileRefused(f"{folder} is a file, not a folder.")


def _check_target(folder_fd: int, path: Path, replace_ours: bool) -> None:
    try:
        info = os.lstat(path.name, dir_fd=folder_fd)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise FileRefused(
            f"{path} is a symbolic link; tracker does not write through links, "
            "and it has not been touched. Choose another name."
        )
    if not replace_ours:
        raise FileRefused(f"{path} already exists; it has not been touched. Choose a new name.")
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
        raise FileRefused(
            f"{path} is not a file tracker wrote; it has not been touched. "
            "Choose another name, or move it away."
        )


def _new_temp(folder_fd: int, path: Path) -> tuple[str, int]:
    for n in range(1000):
        name = f".{path.name}.tmp-{os.getpid()}-{n}"
        try:
            fd = os.open(name, _CREATE, FILE_MODE, dir_fd=folder_fd)
        except FileExistsError:
            continue
        try:
            os.fchmod(fd, FILE_MODE)  # the umask may have taken bits off the mode
        except BaseException:
            os.close(fd)
            os.unlink(name, dir_fd=folder_fd)
            raise
        return name, fd
    raise FileRefused(f"Could not make a temporary file in {path.parent}.")


def _install(folder_fd: int, tmp_name: str, path: Path, replace_ours: bool) -> None:
    """Give the finished temporary file its name, by the rules in the module docstring."""
    if replace_ours:
        _check_target(folder_fd, path, replace_ours=True)
        os.replace(tmp_name, path.name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
        return
    try:
        os.link(
            tmp_name, path.name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd, follow_symlinks=False
        )
    except FileExistsError:
        _check_target(folder_fd, path, replace_ours=False)  # raises, saying what is there
        raise
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        _check_target(folder_fd, path, replace_ours=False)  # no hard links: check, rename
        os.rename(tmp_name, path.name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)


#: A temporary file of :func:`_new_temp` (and the journal SQLite may keep beside one).
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.tmp-(?P<pid>\d+)-\d+(?:-journal|-wal|-shm)?")
STALE_AFTER = 24 * 3600
"""Seconds unchanged after which a temporary file whose process id is in use again
(after a restart, say) is taken as left behind as well."""


def remove_stale_temporaries(
    folder: Path, accept: Callable[[str], bool] | None = None
) -> list[Path]:
    """Remove the temporary files that a killed tracker left in ``folder``.

    A temporary file is named ``.NAME.tmp-PID-N``; it is left behind when the
    process is killed before it gives the file its name. Removed: those whose
    process has ended (or that have not changed for :data:`STALE_AFTER`), that are
    regular files of this user's, and (with ``accept``) only those whose NAME it
    accepts: in a folder that is not tracker's own, only the names tracker writes
    there. A missing folder is fine. Returns the files removed.
    """
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    gone = []
    now = time.time()
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match is None or (accept is not None and not accept(match["name"])):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            continue
        if _running(int(match["pid"])) and now - info.st_mtime < STALE_AFTER:
            continue
        with contextlib.suppress(FileNotFoundError):
            os.unlink(entry.path)
            gone.append(Path(entry.path))
    return gone


def _running(pid: int) -> bool:
    """Is there a process with this id (this one included)?"""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OverflowError:
        return False
    return True


def _fsync(fd: int) -> None:
    with contextlib.suppress(OSError):  # some file systems cannot sync a folder
        os.fsync(fd)


def _lexists(path: Path) -> bool:
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    return True
