"""What went wrong in an import, and where: a file, a line, a column.

An import is all or nothing; everything found wrong is collected (up to
:data:`MAX_PROBLEMS`) and then raised together as one :class:`ImportProblem`.

Two kinds of refusal, told apart for the exit code: what a file holds is not an
import (bad input, the common case), or a file cannot be used at all (it is
missing, or cannot be read): ``unusable``.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.models import ValidationError

MAX_PROBLEMS = 20
QUOTED = 60
"""At most this many characters of a value are quoted in a message."""


class ImportProblem(Exception):
    """The import was refused and nothing was written; ``problems`` says where and why.

    ``unusable``: a file could not be used at all (missing, unreadable), rather than
    holding something that is not an import.
    """

    def __init__(self, problems: list[str], more: bool = False, *, unusable: bool = False):
        self.problems = problems
        self.more = more
        self.unusable = unusable
        super().__init__("\n".join(problems))


def quoted(value: object, limit: int = QUOTED) -> str:
    """``value`` as quoted in a message: ``repr``, cut to about ``limit`` characters.

    A file's text can be anything (a header of megabytes, control characters); the
    message stays one short line and ``repr`` shows controls as escapes.
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        return repr(text[: limit - 3]) + f"... ({len(text):,} characters)"
    return repr(text)


@dataclass
class Where:
    """Where a record came from, for messages: a file, a line, its columns."""

    file: str
    line: int
    columns: dict[str, int] | None = None  # CSV: column name -> 1-based position
    labels: dict[str, str] | None = None  # a record field -> the file's name for its column

    def at(self, column: str | None = None) -> str:
        text = f"{self.file}, line {self.line}"
        if column is None:
            return text
        name = (self.labels or {}).get(column, column)
        if self.columns is not None and name in self.columns:
            return f"{text}, column {self.columns[name]} ({name})"
        return f"{text}, field {name!r}" if self.columns is None else f"{text} ({name})"


def short(text: str, limit: int = QUOTED) -> str:
    """``text`` cut to about ``limit`` characters, for a message (not quoted)."""
    if len(text) > limit:
        return text[: limit - 3] + "..."
    return text


class Problems:
    """Collects problems up to a limit; past it, reading stops."""

    def __init__(self, limit: int = MAX_PROBLEMS):
        self.items: list[str] = []
        self.limit = limit
        self.more = False
        self.unusable = False

    def add(self, text: str, *, unusable: bool = False) -> None:
        """One problem; ``unusable``: a file that could not be used at all."""
        if len(self.items) >= self.limit:
            self.more = True
            raise TooMany
        self.items.append(text)
        self.unusable = self.unusable or unusable

    def invalid(self, where: Where, exc: ValidationError) -> None:
        prefix = f"{exc.field}: "
        detail = str(exc)[len(prefix) :] if str(exc).startswith(prefix) else str(exc)
        self.add(f"{where.at(exc.field)}: {detail}")

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportProblem(self.items, self.more, unusable=self.unusable)


class TooMany(Exception):
    """Raised by :meth:`Problems.add` past the limit: reading stops there."""
