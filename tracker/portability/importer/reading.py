"""What an import may read, and reading it within bounds.

An import reads only regular files (or a folder of them), and only so much:

- :data:`MAX_FILE_BYTES` from any one file and :data:`MAX_IMPORT_BYTES` in all.
  A larger file is refused by name before its end is read, so a link to
  ``/dev/urandom`` or a file that keeps growing cannot fill the memory. (Both
  limits are far above what years of check-ins take; the README gives sizes.)
- A named pipe (FIFO), a device, a socket, or a link to one of them is refused by
  name before it is opened: reading a FIFO waits for a writer that may never come.
  The path is looked at with ``stat`` first; the file is then opened without
  waiting (``O_NONBLOCK``) and checked again on the open descriptor, so a file
  swapped in between is refused too.
- A file that cannot be used as it is (missing, a dangling link, unreadable, not a
  regular file) is ``unusable``: exit code 3, as for the database. What a file
  holds (its name's ending, its size, its text) is bad input: exit code 2.

Every refusal is one line naming the file and saying what is allowed.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tracker.portability.importer.problems import ImportProblem, Problems
from tracker.store import engine

MiB = 1024 * 1024
MAX_FILE_BYTES = 128 * MiB
"""The most an import reads from one file."""
MAX_IMPORT_BYTES = 256 * MiB
"""The most one import reads from all its files together (a folder)."""
SUFFIXES = (".csv", ".json")
_READ = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC
_CHUNK = 4 * MiB


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _size_words(n: int) -> str:
    return f"{n // MiB:,} MiB"


class ReadBudget:
    """How many bytes an import may still read (:data:`MAX_IMPORT_BYTES` in all)."""

    def __init__(self, total: int = MAX_IMPORT_BYTES, per_file: int = MAX_FILE_BYTES):
        self.left = total
        self.total = total
        self.per_file = per_file


def _link_note(path: Path) -> str:
    if os.path.islink(path):
        return f" (it is a link to {os.readlink(path)})"
    return ""


def stat_input(path: Path) -> os.stat_result:
    """``os.stat`` of a path given to an import; a missing or unreadable one is refused.

    Raises:
        ImportProblem: ``path`` does not exist (a dangling link included), or
            cannot be looked at (unusable).
    """
    try:
        return os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise ImportProblem(
                [f"{path}: is a link to {os.readlink(path)}, which does not exist."], unusable=True
            ) from None
        raise ImportProblem([f"{path}: no such file or folder."], unusable=True) from None
    except NotADirectoryError:
        raise ImportProblem(
            [f"{path}: no such file or folder (a part of the path is a file, not a folder)."],
            unusable=True,
        ) from None
    except OSError as exc:
        raise ImportProblem(
            [f"{path}: cannot be read ({exc.strerror or exc})."], unusable=True
        ) from None


def regular_file(path: Path, expected: str) -> None:
    """Refuse ``path`` unless it is a regular file (a link to one is fine).

    Args:
        path: the file given to the import.
        expected: what was expected, in words, for the message.

    Raises:
        ImportProblem: it is missing, unreadable, or not a regular file.
    """
    info = stat_input(path)
    if not stat.S_ISREG(info.st_mode):
        raise ImportProblem(
            [
                f"{path}: is {kind_of(info.st_mode)}{_link_note(path)}; "
                f"expected {expected}, a regular file."
            ],
            unusable=True,
        )


def find_files(path: Path) -> list[Path]:
    """The files an import of ``path`` reads: the file itself, or a folder's CSV/JSON files.

    In a folder, hidden files are skipped, and so are names that do not end in
    ``.csv`` or ``.json``; one that does but is not a regular file (a FIFO, a link
    to a device or to nothing) is refused by name rather than skipped.

    Raises:
        ImportProblem: nothing here can be imported.
    """
    info = stat_input(path)
    if stat.S_ISDIR(info.st_mode):
        return _folder_files(path)
    if not stat.S_ISREG(info.st_mode):
        raise ImportProblem(
            [
                f"{path}: is {kind_of(info.st_mode)}{_link_note(path)}; expected "
                "a .csv or .json file written by 'tracker export' (a regular "
                "file), or a folder of them."
            ],
            unusable=True,
        )
    if path.suffix.lower() not in SUFFIXES:
        raise ImportProblem(
            [
                f"{path}: expected a .csv or .json file written by "
                "'tracker export' (or a folder of them)."
            ]
        )
    return [path]


def _folder_files(path: Path) -> list[Path]:
    try:
        names = sorted(os.listdir(path))
    except OSError as exc:
        raise ImportProblem(
            [f"{path}: the folder cannot be read ({exc.strerror or exc})."], unusable=True
        ) from None
    files: list[Path] = []
    refused: list[str] = []
    for name in names:
        if name.startswith(".") or Path(name).suffix.lower() not in SUFFIXES:
            continue
        entry = path / name
        try:
            mode = os.stat(entry).st_mode
        except FileNotFoundError:
            refused.append(
                f"{entry}: is a link to {os.readlink(entry)}, which does not exist; "
                "expected a file written by 'tracker export'."
                if os.path.islink(entry)
                else f"{entry}: has just gone."
            )
            continue
        except OSError as exc:
            refused.append(f"{entry}: cannot be read ({exc.strerror or exc}).")
            continue
        if stat.S_ISREG(mode):
            files.append(entry)
        else:
            refused.append(
                f"{entry}: is {kind_of(mode)}{_link_note(entry)}; expected a file "
                "written by 'tracker export' (a regular file)."
            )
    if refused:
        raise ImportProblem(refused[:20], len(refused) > 20, unusable=True)
    if not files:
        raise ImportProblem(
            [
                f"{path}: holds no .csv or .json files; expected the folder "
                "'tracker export' writes (checkins.csv, experiments.csv, ...)."
            ]
        )
    return files


def read_bytes(path: Path, problems: Problems, budget: ReadBudget | None = None) -> bytes | None:
    """The bytes of the regular file ``path``, at most the budget's; None after a problem.

    Never waits on a FIFO and never reads past the limit (one byte more, to know).
    """
    budget = budget or ReadBudget()
    if engine.opened(path) is not None:  # (reading it would drop this process's locks)
        problems.add(
            f"{path}: is a database this process has open, not an export; expected a "
            ".csv or .json file that 'tracker export' writes.",
            unusable=True,
        )
        return None
    try:
        fd = os.open(path, _READ)
    except FileNotFoundError:
        problems.add(f"{path}: no such file.", unusable=True)
        return None
    except OSError as exc:
        problems.add(f"{path}: cannot be read ({exc.strerror or exc}).", unusable=True)
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            problems.add(
                f"{path}: is {kind_of(info.st_mode)}{_link_note(path)}; expected a regular file.",
                unusable=True,
            )
            return None
        limit = min(budget.per_file, budget.left)
        # Too large by its size: refused unread. (A file can still grow while it is
        # read, or say 0 as /proc does: the read itself stops one byte past the limit.)
        too_large = info.st_size > limit
        data = b"" if too_large else _read_at_most(fd, limit + 1)
        too_large = too_large or len(data) > limit
    except OSError as exc:
        problems.add(f"{path}: cannot be read ({exc.strerror or exc}).", unusable=True)
        return None
    finally:
        os.close(fd)
    if too_large:
        if limit == budget.per_file:
            problems.add(
                f"{path}: is larger than {_size_words(budget.per_file)}, the most an "
                "import reads from one file. Split it (by date) and import each "
                "part."
            )
        else:
            problems.add(
                f"{path}: would take this import past {_size_words(budget.total)}, "
                "the most one import reads in all. Import the folder's files one "
                "at a time."
            )
        return None
    budget.left -= len(data)
    return data


def _read_at_most(fd: int, n: int) -> bytes:
    parts: list[bytes] = []
    got = 0
    while got < n:
        part = os.read(fd, min(_CHUNK, n - got))
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def read_text(path: Path, problems: Problems, budget: ReadBudget | None = None) -> str | None:
    """The file as text (UTF-8, a byte-order mark allowed); None after a problem."""
    data = read_bytes(path, problems, budget)
    if data is None:
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(
            f"{path}: is UTF-16 text; tracker reads UTF-8. Save it as UTF-8 "
            "(in a spreadsheet: 'CSV UTF-8') and import that."
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.add(
            f"{path}, line {line}: is not UTF-8 text (byte 0x{data[exc.start]:02x}, "
            f"byte {column} of the line, cannot start or continue a UTF-8 "
            "character). Save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8') and "
            "import that."
        )
        return None
