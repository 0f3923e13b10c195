"""Import from Daylio's CSV export: ``tracker import --from daylio FILE.csv``.

What is known of the file, and what this module does with it:

- Header ``full_date,date,weekday,time,mood,activities,note_title,note``; newer
  exports add ``scales`` after ``activities``, older ones lack ``note_title``. Columns
  are found by name (case and stray spaces ignored); columns this module does not know
  are ignored. UTF-8 with a byte-order mark. Newest first; several entries per day.
- ``full_date`` (ISO) is the date; ``date`` and ``weekday`` are localised labels and
  are not read. (A very old export has ``year`` and a ``date`` such as "18 May"
  instead: that is read when it can be, in English.)
- ``time`` is "6:50 pm" or "18:50", as the phone shows time, with no time zone: the
  check-in gets this computer's local offset for that date.
- ``mood`` is a label: rad, good, meh, bad, awful are 5, 4, 3, 2, 1. Custom mood
  names need ``--map-mood "NAME=N"``; the import stops with the list of names it
  cannot place rather than guess.
- ``activities`` are joined with " | ": split, tidied, and kept as tags.
- ``note_title`` and ``note`` (which can hold HTML from Daylio's editor) become the
  note as readable text: title, a blank line, then the note.
- Each entry gets an id derived from its content (a UUID 5), so importing the same
  file again adds nothing. ``scales`` are not imported: tracker has no place for them.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker import clock
from tracker.models import MOOD, CheckIn, ValidationError, parse_day, parse_rating
from tracker.portability.importer.plan import ImportPlan, plan_records
from tracker.portability.importer.problems import (
    ImportProblem,
    Problems,
    TooMany,
    Where,
    quoted,
    short,
)
from tracker.portability.importer.reading import read_text, regular_file
from tracker.store import Store, checkin_row

DEFAULT_MOODS = {"rad": 5, "good": 4, "meh": 3, "bad": 2, "awful": 1}
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "tracker:import:daylio")
REQUIRED = ("full_date", "time", "mood")
KNOWN = (
    "full_date",
    "date",
    "weekday",
    "time",
    "mood",
    "activities",
    "scales",
    "note_title",
    "note",
    "year",
)
# Where a check-in field comes from, for messages that name the file's column.
FIELD_COLUMNS = {
    "day": "full_date",
    "created_at": "time",
    "updated_at": "time",
    "mood": "mood",
    "tags": "activities",
    "note": "note",
}

_TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*(?:([ap])\.?\s*m\.?)?", re.I)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_BREAK = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|ul|ol|blockquote)\s*>", re.I)
_ITEM = re.compile(r"<li(?:\s[^<>]*)?>", re.I)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_BLANKS = re.compile(r"\n{3,}")


def mood_key(label: str) -> str:
    """A mood name as compared: spaces tidied, case folded ("  So-So " -> "so-so")."""
    return " ".join(label.split()).casefold()


def parse_mood_map(pairs: tuple[str, ...] | list[str]) -> dict[str, int]:
    """``["so-so=3", ...]`` -> ``{"so-so": 3}``; a bad pair raises :class:`ImportProblem`."""
    out: dict[str, int] = {}
    problems = []
    for pair in pairs:
        name, sep, number = pair.rpartition("=")
        if not sep or not name.strip():
            problems.append(f'--map-mood {quoted(pair)}: expected NAME=N, such as "so-so=3".')
            continue
        try:
            value = parse_rating("mood", number, MOOD, required=True)
        except ValidationError as exc:
            problems.append(
                f"--map-mood {quoted(pair)}: the number is not allowed; use {exc.allowed}."
            )
            continue
        out[mood_key(name)] = value  # type: ignore[assignment]
    if problems:
        raise ImportProblem(problems)
    return out


def parse_time(text: str) -> str | None:
    """ "6:50 pm" / "18:50" / "6:50 a.m." -> "18:50:00"; None if it is not a time."""
    cleaned = text.replace("\u202f", " ").replace("\xa0", " ").strip()
    match = _TIME.fullmatch(cleaned)
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[4].lower() == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return f"{hour:02d}:{minute:02d}:{second:02d}"


def readable(text: str) -> str:
    """Daylio note text (plain, or HTML from its editor) as plain readable text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text:
        text = _BREAK.sub("\n", text)
        text = _ITEM.sub("- ", text)
        text = _TAG.sub("", text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    text = text.replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def note_from(title: str, body: str) -> str:
    return "\n\n".join(part for part in (readable(title), readable(body)) if part)


def _old_style_day(year: str, label: str) -> str | None:
    """Old exports: year "2018" and date "18 May" (English); None if unreadable."""
    for fmt in ("%Y %d %B", "%Y %B %d", "%Y %d %b", "%Y %b %d"):
        try:
            return (
                dt.datetime.strptime(f"{year.strip()} {' '.join(label.split())}", fmt)
                .date()
                .isoformat()
            )
        except ValueError:
            continue
    return None


@dataclass
class DaylioImport:
    """What a Daylio file holds, checked, and the plan to bring it in."""

    plan: ImportPlan
    entries: int = 0
    new_days: set[str] = field(default_factory=set)
    new_tags: set[str] = field(default_factory=set)
    scales_skipped: int = 0

    def summary(self, *, done: bool = True) -> list[str]:
        counts = self.plan.counts.get("checkins")
        added = counts.added if counts else 0
        here = counts.unchanged if counts else 0
        lines = []
        if added == 0:
            lines.append(
                f"Nothing new: all {self.entries:,} entries in this file are already here."
                if self.entries
                else "The file holds no entries."
            )
        else:
            verb = "Imported" if done else "Would import"
            tags = len(self.new_tags)
            days = len(self.new_days)
            lines.append(
                f"{verb} {added:,} Daylio entr{'y' if added == 1 else 'ies'} on "
                f"{days:,} day{'s' if days != 1 else ''}, with {tags:,} "
                f"different tag{'s' if tags != 1 else ''}."
            )
            if here:
                lines.append(
                    f"{here:,} entr{'y was' if here == 1 else 'ies were'} already here "
                    f"and left as {'it is' if here == 1 else 'they are'}."
                )
        if self.scales_skipped:
            lines.append(
                f"Daylio scales on {self.scales_skipped:,} entries were not imported "
                "(tracker has no place for them)."
            )
        return lines


def prepare_daylio(
    store: Store, path: Path, mood_map: dict[str, int] | None = None
) -> DaylioImport:
    """Read and check a Daylio CSV; raises :class:`ImportProblem` when anything is wrong."""
    regular_file(path, "Daylio's CSV export")
    moods = {**DEFAULT_MOODS, **(mood_map or {})}
    problems = Problems()
    text = read_text(path, problems)
    problems.raise_if_any()
    assert text is not None
    if not text.strip():
        raise ImportProblem(
            [
                f"{path}: is empty. Daylio's export starts with the header "
                "full_date,date,weekday,time,mood,activities,note_title,note"
            ]
        )
    records: dict[str, CheckIn] = {}
    result = DaylioImport(plan=ImportPlan())
    unmapped: Counter[str] = Counter()
    unmapped_shown: dict[str, str] = {}
    old_limit = csv.field_size_limit(2**31 - 1)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        with clock.held():
            header = next(reader)
            columns = _columns(path, header)
            _read_rows(
                path, reader, columns, moods, records, result, unmapped, unmapped_shown, problems
            )
    except csv.Error as exc:
        problems.items.append(
            f"{path}, line {reader.line_num}: is not a CSV file tracker can read ({exc})."
        )
    except TooMany:
        pass
    finally:
        csv.field_size_limit(old_limit)
    if unmapped:
        common = unmapped.most_common()
        listed = ", ".join(
            f"{quoted(unmapped_shown[k])} ({n} entr{'y' if n == 1 else 'ies'})"
            for k, n in common[:10]
        ) + (f", and {len(common) - 10:,} more" if len(common) > 10 else "")
        example = short(next(iter(unmapped_shown.values())).strip(), 30)
        problems.items.insert(
            0,
            (
                f"{path}: these Daylio moods have no number yet: {listed}. Tell tracker which "
                "step each one is, from 1 (awful) to 5 (great), with --map-mood, for example "
                f'--map-mood "{example}=3" (repeat it for each name).'
            ),
        )
    problems.raise_if_any()
    result.entries = len(records)
    plan = plan_records(store, {"checkins": {i: checkin_row(c) for i, c in records.items()}})
    plan.files = [path]
    result.plan = plan
    for row in plan.write.get("checkins", []):
        checkin = CheckIn(*row)
        result.new_days.add(checkin.day)
        result.new_tags.update(t.casefold() for t in checkin.tags)
    return result


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        key = name.strip().lower().lstrip("\ufeff")
        positions.setdefault(key, i)
    if "full_date" not in positions and {"year", "date"} <= positions.keys():
        positions["full_date"] = -1  # old export: read year + date
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        shown = ",".join(short(h) for h in header[:10])
        raise ImportProblem(
            [
                f"{path}, line 1: this is not a Daylio export tracker can read: the header "
                f"({shown}) lacks {', '.join(missing)}. Expected Daylio's header: "
                "full_date,date,weekday,time,mood,activities,note_title,note"
            ]
        )
    return positions


def _read_rows(
    path: Path,
    reader: Any,
    columns: dict[str, int],
    moods: dict[str, int],
    records: dict[str, CheckIn],
    result: DaylioImport,
    unmapped: Counter[str],
    unmapped_shown: dict[str, str],
    problems: Problems,
) -> None:
    width = max(columns.values()) + 1
    display = {name: i + 1 for name, i in columns.items() if i >= 0}
    if columns["full_date"] == -1:
        display["full_date"] = columns["date"] + 1
    seen: Counter[str] = Counter()

    def cell(row: list[str], name: str) -> str:
        i = columns.get(name)
        return row[i] if i is not None and 0 <= i < len(row) else ""

    start = reader.line_num + 1
    for row in reader:
        line, start = start, reader.line_num + 1
        if not row or not any(c.strip() for c in row):
            continue
        where = Where(str(path), line, display, FIELD_COLUMNS)
        if len(row) < width and len(row) <= columns["mood"]:
            problems.add(
                f"{where.at()}: has {len(row)} cells; expected at least "
                f"{width} (one per header column)."
            )
            continue
        if columns["full_date"] == -1:
            day = _old_style_day(cell(row, "year"), cell(row, "date"))
            if day is None:
                problems.add(
                    f"{where.at('day')}: {quoted(cell(row, 'date'))} with year "
                    f"{quoted(cell(row, 'year'))} could not be read as a date. This old "
                    "export has no full_date column: export again from a current "
                    "Daylio."
                )
                continue
        else:
            try:  # the date first, so a bad one is reported as the date
                day = parse_day("day", cell(row, "full_date"))
            except ValidationError as exc:
                problems.invalid(where, exc)
                continue
        assert day is not None
        time_text = cell(row, "time")
        clock_time = parse_time(time_text)
        if clock_time is None:
            problems.add(
                f"{where.at('created_at')}: {quoted(time_text)} is not a time; expected "
                "one like 6:50 pm or 18:50."
            )
            continue
        label = cell(row, "mood")
        key = mood_key(label)
        if not key:
            problems.add(
                f"{where.at('mood')}: the mood is empty; expected a Daylio mood "
                "such as rad, good, meh, bad or awful."
            )
            continue
        if key not in moods:
            unmapped[key] += 1
            unmapped_shown.setdefault(key, " ".join(label.split()))
            continue
        activities = [
            a for a in (" ".join(part.split()) for part in cell(row, "activities").split("|")) if a
        ]
        note = note_from(cell(row, "note_title"), cell(row, "note"))
        if cell(row, "scales").strip():
            result.scales_skipped += 1
        stamp = f"{day}T{clock_time}"
        identity = "\x1f".join([day, clock_time, key, " | ".join(sorted(activities)), note])
        seen[identity] += 1
        if seen[identity] > 1:
            identity += f"\x1f{seen[identity]}"
        try:
            checkin = CheckIn.create(
                id=str(uuid.uuid5(NAMESPACE, identity)),
                day=day,
                created_at=stamp,
                updated_at=stamp,
                mood=moods[key],
                tags=activities,
                note=note or None,
            )
        except ValidationError as exc:
            problems.invalid(where, exc)
            continue
        records[checkin.id] = checkin
