"""What went wrong in an import, and where: a file, a line, a column.

An import is all or nothing; everything found wrong is collected (up to
:data:`MAX_PROBLEMS`) and then raised together as one :class:`ImportProblem`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.models import ValidationError

MAX_PROBLEMS = 20


class ImportProblem(Exception):
    """The import was refused and nothing was written; ``problems`` says where and why."""

    def __init__(self, problems: list[str], more: bool = False):
        self.problems = problems
        self.more = more
        super().__init__("\n".join(problems))


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


class Problems:
    """Collects problems up to a limit; past it, reading stops."""

    def __init__(self, limit: int = MAX_PROBLEMS):
        self.items: list[str] = []
        self.limit = limit
        self.more = False

    def add(self, text: str) -> None:
        if len(self.items) >= self.limit:
            self.more = True
            raise TooMany
        self.items.append(text)

    def invalid(self, where: Where, exc: ValidationError) -> None:
        prefix = f"{exc.field}: "
        detail = str(exc)[len(prefix):] if str(exc).startswith(prefix) else str(exc)
        self.add(f"{where.at(exc.field)}: {detail}")

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportProblem(self.items, self.more)


class TooMany(Exception):
    """Raised by :meth:`Problems.add` past the limit: reading stops there."""

