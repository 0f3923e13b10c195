"""The inbox: check-ins written as one short line each, from any notes app.

A line reads ``2026-11-28 21:10 m4 r3 p1 w0 #work @Sam "texted once"``:

========================  =================================================
``2026-11-28``            the day (required, first: a line is never given a day
                          it did not say)
``21:10``                 when, on that day (optional; as ``add --time``)
``m4``                    mood 1-5 (required, as on the card)
``i3`` ``r2``             intensity, regulation 0-5
``p4`` ``w1``             the urges to pursue, to withdraw 0-5; ``p4!`` acted on
                          it, ``p4~`` held back
``paused`` ``no-pause``   paused before reacting, or did not
``+anxious``              an emotion
``@Sam`` ``@"Aunt May"``  a person
``#work`` ``#"bad sleep"`` a tag
``need:"to be heard"``    what I needed
``"texted once"``         a note (one per line)
========================  =================================================

Quotes may be straight or curly (phones make them curly). Tokens are in any order
after the day and time. Pure: no I/O; :mod:`tracker.commands.inbox` reads and
rewrites the file.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from tracker import models
from tracker.models import CheckIn, ValidationError

INBOX_NAMESPACE = uuid.UUID("6d1f6a4e-93b1-4c8e-9a43-6b1d2f7c9e10")
"""Ids of inbox check-ins are uuid5 of the line's text in this namespace: the same
line absorbed twice (a run killed after the commit, before the line was removed) is
the same check-in, never a second one."""

_QUOTES = {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'}
_TOKEN = re.compile(r'(?:[@#+]|need:)?"[^"]*"|\S+')
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{1,2}:\d{2}")
_SCALE = re.compile(r"([mirpw])(\d+)([!~]?)")
_SCALES = {"m": "mood", "i": "intensity", "r": "regulation", "p": "pursue", "w": "withdraw"}

SYNTAX_HINT = (
    "a day, then m4 i3 r2 p4 w1 (p4! acted, p4~ held back), paused, +emotion, @person, "
    '#tag, need:"...", "a note"'
)


@dataclass(frozen=True)
class Line:
    """One line of an inbox, read."""

    number: int
    """1-based, as an editor shows it."""
    text: str
    """As written (without its line break)."""
    checkin: CheckIn | None = None
    problem: str | None = None
    """Why the line was not understood (then ``checkin`` is ``None``)."""


def line_id(text: str) -> str:
    return str(uuid.uuid5(INBOX_NAMESPACE, " ".join(text.split())))


def _unquote(token: str) -> str:
    return token[1:-1] if len(token) >= 2 and token[0] == token[-1] == '"' else token


def parse_line(text: str) -> dict[str, Any]:
    """The check-in fields a line gives (then checked by :meth:`CheckIn.create`).

    Raises:
        ValidationError: naming the token and what is allowed.
    """
    for curly, straight in _QUOTES.items():
        text = text.replace(curly, straight)
    if text.count('"') % 2:
        raise ValidationError("quote", text.strip(), "quotes in pairs around a note or name")
    tokens = _TOKEN.findall(text)
    if not tokens or not _DAY.fullmatch(tokens[0]):
        raise ValidationError(
            "day", tokens[0] if tokens else "", "a line that starts with YYYY-MM-DD"
        )
    values: dict[str, Any] = {"day": tokens[0], "emotions": [], "people": [], "tags": []}
    rest = tokens[1:]
    if rest and _TIME.fullmatch(rest[0]):
        day = models.parse_day("day", values["day"])
        assert day is not None
        values["created_at"] = models.parse_time_of_day("time", rest[0], day)
        rest = rest[1:]
    for token in rest:
        _read_token(token, values)
    return values


def _read_token(token: str, values: dict[str, Any]) -> None:
    kinds = {"+": "emotions", "@": "people", "#": "tags"}
    if token[0] in kinds and len(token) > 1:
        values[kinds[token[0]]].extend(_names(token[0], token[1:]))
        return
    if token.startswith("need:") and len(token) > 5:
        _once(values, "need", _unquote(token[5:]), token)
        return
    if token.startswith('"'):
        _once(values, "note", _unquote(token), token)
        return
    if token in ("paused", "no-pause"):
        _once(values, "paused", "yes" if token == "paused" else "no", token)
        return
    scale = _SCALE.fullmatch(token)
    if scale:
        letter, number, acted = scale.groups()
        name = _SCALES[letter]
        _once(values, name, int(number), token)
        if acted and name not in ("pursue", "withdraw"):
            raise ValidationError(token, token, "! or ~ only after p or w (acted on it, held back)")
        if acted:
            values[f"{name}_acted"] = "yes" if acted == "!" else "no"
        return
    raise ValidationError(token, token, SYNTAX_HINT)


def _names(mark: str, text: str) -> list[str]:
    """``@Sam,`` ``+calm,,+sad`` ``#"bad sleep"``: commas a phone's notes put between
    names separate them, and a mark repeated after one is dropped; never a name with a
    comma in it, nor an empty one."""
    if text.startswith('"'):
        return [_unquote(text)]
    parts = (part.strip().removeprefix(mark).strip() for part in text.split(","))
    return [_unquote(part) for part in parts if part]


def _once(values: dict[str, Any], field: str, value: Any, token: str) -> None:
    if values.get(field) is not None:
        raise ValidationError(token, token, f"one {field} per line")
    values[field] = value


def read_inbox(text: str) -> list[Line]:
    """Every line that is not blank, read into a check-in or a problem."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            values = parse_line(raw)
            checkin = CheckIn.create(values, id=line_id(raw))
        except ValidationError as exc:
            lines.append(Line(number, raw, problem=str(exc)))
            continue
        lines.append(Line(number, raw, checkin=checkin))
    return lines


def without_lines(text: str, absorbed: list[str]) -> str:
    """``text`` with one occurrence of each absorbed line taken out (by its words, so a
    line the sync engine re-wrapped or re-ended still matches); every other line, and
    every line break, as it was."""
    wanted: dict[str, int] = {}
    for line in absorbed:
        key = " ".join(line.split())
        wanted[key] = wanted.get(key, 0) + 1
    kept = []
    for raw in text.splitlines(keepends=True):
        key = " ".join(raw.split())
        if wanted.get(key):
            wanted[key] -= 1
            continue
        kept.append(raw)
    return "".join(kept)
