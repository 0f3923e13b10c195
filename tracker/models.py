"""Records, their scales, and the one validation path (no I/O).

The CLI, the app and every importer build records through the ``*.create``
functions here, so a rule is written once. A bad value raises
:class:`ValidationError`, whose message names the field, the value given and what
is allowed.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, TypeVar

from tracker import clock

# --- Scales ------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """A one-keystroke rating scale and what each of its steps means."""

    name: str
    low: int
    high: int
    labels: tuple[str, ...]
    question: str

    def label(self, value: int | None) -> str:
        if value is None:
            return "not rated"
        return self.labels[value - self.low]

    def allowed(self) -> str:
        return (
            f"a whole number from {self.low} ({self.labels[0]}) to {self.high} ({self.labels[-1]})"
        )


MOOD = Scale("mood", 1, 5, ("awful", "bad", "meh", "good", "great"), "How was your mood?")
INTENSITY = Scale(
    "intensity",
    0,
    5,
    ("calm", "faint", "mild", "moderate", "strong", "overwhelming"),
    "How strong were the feelings?",
)
REGULATION = Scale(
    "regulation",
    0,
    5,
    ("swept away", "mostly swept", "shaky", "found my feet", "mostly steady", "steady"),
    "How well could you steady yourself, or come back?",
)
PURSUE = Scale(
    "pursue",
    0,
    5,
    ("none", "a flicker", "noticeable", "strong", "very strong", "overwhelming"),
    "Urge to pursue (seek reassurance, text more, push)?",
)
WITHDRAW = Scale(
    "withdraw",
    0,
    5,
    ("none", "a flicker", "noticeable", "strong", "very strong", "overwhelming"),
    "Urge to withdraw (shut down, go quiet, avoid)?",
)
DISTRESS = Scale(
    "distress",
    0,
    5,
    ("none", "slight", "mild", "moderate", "high", "extreme"),
    "How much distress?",
)
RUPTURE_INTENSITY = Scale(
    "intensity",
    0,
    5,
    ("barely", "slight", "mild", "moderate", "strong", "overwhelming"),
    "How intense was it?",
)

CHECKIN_SCALES: tuple[Scale, ...] = (MOOD, INTENSITY, REGULATION, PURSUE, WITHDRAW)
SCALES: dict[str, Scale] = {s.name: s for s in CHECKIN_SCALES}

MY_MOVES = ("pursued", "withdrew", "attacked", "froze", "other")
EXPERIMENT_STATUSES = ("active", "completed", "dropped")
EXPERIMENT_CUES = ("urge", "planned")
"""What prompts a practice: an urge as it comes (pause before replying), or a plan
(state one need at dinner). Urge-cued practice falls on hard days by design."""
SUPPORT_KINDS = ("person", "crisis line", "professional", "other")
REPAIR_STEPS: tuple[tuple[str, str], ...] = (
    ("acknowledged", "acknowledged it"),
    ("apologised", "apologised"),
    ("took_accountability", "took accountability"),
    ("repair_attempt", "made a repair attempt"),
    ("talked_needs", "talked about needs"),
)

# Limits on text, generous but finite so that a runaway paste cannot bloat the file.
MAX_NAME = 60
MAX_SHORT_TEXT = 2_000
MAX_LONG_TEXT = 100_000
TAG_SEPARATOR = "|"
"""Emotions, people and tags are joined with this in exports; names may not hold it."""


class ValidationError(ValueError):
    """A value the user gave that the record cannot hold."""

    def __init__(self, field_name: str, value: Any, allowed: str):
        self.field = field_name
        self.value = value
        self.allowed = allowed
        shown = repr(value) if isinstance(value, str) else str(value)
        if isinstance(value, str) and len(shown) > 60:
            shown = shown[:57] + "...'"
        super().__init__(f"{field_name}: {shown} is not allowed; use {allowed}.")


# --- Coercion helpers (strings from the CLI and CSV become typed values) -------

_TRUE = {"1", "y", "yes", "true", "t"}
_FALSE = {"0", "n", "no", "false", "f"}
_NONE = {"", "-", "none", "null", "n/a", "na"}


_MAX_DIGITS = 18
"""A rating of more digits is refused before ``int()``, which refuses thousands of them
with an error of its own."""
_WHOLE_NUMBER = re.compile(r"[+-]?\d{1,18}")  # at most _MAX_DIGITS


def parse_rating(
    name: str,
    value: Any,
    scale: Scale | None = None,
    *,
    low: int = 0,
    high: int = 5,
    required: bool = False,
) -> int | None:
    """A whole number within a scale, or ``None`` when not rated."""
    # Fast path (imports validate hundreds of thousands of these): a plain whole
    # number in range, or nothing. Anything else takes the full path below.
    if value.__class__ is int or (
        value.__class__ is str and value.isdecimal() and len(value) <= _MAX_DIGITS
    ):
        number = int(value)
        if (scale.low if scale else low) <= number <= (scale.high if scale else high):
            return number
    elif not required and (value is None or value == ""):
        return None
    if scale is not None:
        low, high = scale.low, scale.high
        allowed = scale.allowed()
    else:
        allowed = f"a whole number from {low} to {high}"
    if value is None or (isinstance(value, str) and value.strip().lower() in _NONE):
        if required:
            raise ValidationError(name, "" if value is None else value, allowed + " (required)")
        return None
    if isinstance(value, bool):
        raise ValidationError(name, value, allowed)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not _WHOLE_NUMBER.fullmatch(text):  # (int() refuses thousands of digits)
            raise ValidationError(name, value, allowed)
        value = int(text)
    if not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(name, value, allowed)
    return value


def parse_flag(name: str, value: Any, *, allow_none: bool = True) -> int | None:
    """yes/no as 1/0; ``None`` (or '-') when not answered."""
    if value is None:
        return None if allow_none else 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and value in (0, 1):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return 1
    if text in _FALSE:
        return 0
    if allow_none and text in _NONE:
        return None
    raise ValidationError(
        name, value, "yes or no" + (" (or - for not answered)" if allow_none else "")
    )


def parse_day(
    name: str, value: Any, *, allow_future: bool = False, required: bool = True
) -> str | None:
    """A calendar day as ``YYYY-MM-DD``; future days are refused unless allowed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(name, "", "a date as YYYY-MM-DD (required)")
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValidationError(name, value, "a date as YYYY-MM-DD")
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise ValidationError(name, value, "a real calendar date as YYYY-MM-DD") from None
    if day.year < 1900:
        raise ValidationError(name, value, "a date from 1900 on")
    if not allow_future and day > clock.today():
        raise ValidationError(
            name, day.isoformat(), f"today ({clock.today().isoformat()}) or an earlier day"
        )
    return day.isoformat()


_CANONICAL_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def parse_timestamp(name: str, value: Any, *, default_now: bool = True) -> str:
    """An ISO-8601 timestamp with a UTC offset (a missing offset takes the local one)."""
    if value.__class__ is str and _CANONICAL_STAMP.fullmatch(value) and value[19:] != "-00:00":
        try:  # already in the stored form (as in an export): check it, keep it
            dt.datetime.fromisoformat(value)
            return value
        except ValueError:
            pass  # the full path below says what is wrong
    if value is None or (isinstance(value, str) and not value.strip()):
        if default_now:
            return clock.now_iso()
        raise ValidationError(name, "", "a date and time as YYYY-MM-DDTHH:MM:SS+HH:MM")
    if isinstance(value, dt.datetime):
        stamp = value
    else:
        try:
            stamp = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(
                name, value, "a date and time as YYYY-MM-DDTHH:MM:SS+HH:MM"
            ) from None
    if stamp.tzinfo is None:
        stamp = stamp.astimezone()
    return stamp.replace(microsecond=0).isoformat()


def parse_time_of_day(name: str, value: Any, day: str) -> str:
    """``HH:MM`` on ``day`` (a checked ``YYYY-MM-DD``) as a timestamp with the UTC
    offset this computer's clock had on that date; a moment later than now is refused.

    For backfilling: a check-in for an earlier day gets the time the person gives,
    not the clock time at which it was typed in.
    """
    text = "" if value is None else str(value).strip()
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text)
    if not match:
        raise ValidationError(
            name, value if value is not None else "", "a time of day as HH:MM, from 00:00 to 23:59"
        )
    moment = dt.datetime.combine(
        dt.date.fromisoformat(day), dt.time(int(match.group(1)), int(match.group(2)))
    )
    stamp = moment.astimezone()
    now = clock.now()
    if day == clock.today().isoformat() and stamp > now:
        raise ValidationError(name, text, f"a time no later than now ({now:%H:%M})")
    return stamp.isoformat()


def parse_text(
    name: str, value: Any, *, limit: int = MAX_SHORT_TEXT, required: bool = False
) -> str | None:
    """Free text, kept exactly as written; empty becomes ``None``."""
    if value is None:
        text = ""
    else:
        text = str(value)
    if not text.strip():
        if required:
            raise ValidationError(name, text, "some text (required)")
        return None
    if len(text) > limit:
        raise ValidationError(name, f"{len(text):,} characters", f"at most {limit:,} characters")
    if "\x00" in text:
        raise ValidationError(name, text.replace("\x00", "\\0"), "text without NUL characters")
    _refuse_surrogates(name, text)
    return text


def _refuse_surrogates(name: str, text: str) -> None:
    """Text that came from bytes that are not UTF-8 (a shell argument such as
    ``$'\\xff'``) holds lone surrogates, which no file or database can store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        raise ValidationError(
            name, shown, "text in UTF-8 (this holds bytes that are not)"
        ) from None


def parse_names(name: str, values: Any, *, lower: bool = False) -> tuple[str, ...]:
    """A list of short names (emotions, people, tags), tidied and without repeats.

    A single string is split on ``|`` and ``,`` so "anxious, hopeful" works too.
    """
    if values is None:
        return ()
    if isinstance(values, str):
        values = re.split(r"[|,]", values)
    out: list[str] = []
    seen: set[str] = set()
    for raw in values:
        text = " ".join(str(raw).split())
        if not text:
            continue
        if lower:
            text = text.lower()
        if len(text) > MAX_NAME:
            raise ValidationError(name, text, f"names of at most {MAX_NAME} characters")
        _refuse_surrogates(name, text)
        if TAG_SEPARATOR in text:
            raise ValidationError(name, text, f"names without '{TAG_SEPARATOR}'")
        key = text.casefold()
        if key not in seen:
            seen.add(key)
            out.append(text)
    return tuple(out)


def parse_choice(
    name: str, value: Any, choices: Iterable[str], *, required: bool = True
) -> str | None:
    choices = tuple(choices)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(name, "", "one of " + ", ".join(choices))
        return None
    text = str(value).strip().lower()
    if text not in choices:
        raise ValidationError(name, value, "one of " + ", ".join(choices))
    return text


def _given_or(raw: Mapping[str, Any], key: str, default: Callable[[], Any]) -> Any:
    """``raw[key]`` when it was given at all (an empty text is given, and refused by
    the parser), else ``default()``: ``--day ""`` must not quietly mean today."""
    value = raw.get(key)
    return default() if value is None else value


def new_id() -> str:
    return str(uuid.uuid4())


def parse_id(name: str, value: Any) -> str:
    if value.__class__ is str and _CANONICAL_UUID.fullmatch(value):
        return value  # what str(uuid.UUID(value)) would give
    if value is None or not str(value).strip():
        return new_id()
    text = str(value).strip()
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise ValidationError(
            name, value, "a UUID such as 3f2b...-... (or leave it empty)"
        ) from None


# --- Records -------------------------------------------------------------------


class Record:
    """Shared helpers for the dataclasses below."""

    def to_row(self) -> dict[str, Any]:
        """The record as a row for its main table (lists excluded)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)  # type: ignore[arg-type]
            if not isinstance(getattr(self, f.name), tuple)
        }

    def with_changes(self, **changes: Any):
        return replace(self, **changes)  # type: ignore[type-var]


@dataclass(frozen=True)
class CheckIn(Record):
    id: str
    day: str
    created_at: str
    updated_at: str
    mood: int
    intensity: int | None = None
    regulation: int | None = None
    pursue: int | None = None
    withdraw: int | None = None
    pursue_acted: int | None = None
    withdraw_acted: int | None = None
    paused: int | None = None
    need: str | None = None
    note: str | None = None
    emotions: tuple[str, ...] = field(default=())
    people: tuple[str, ...] = field(default=())
    tags: tuple[str, ...] = field(default=())

    @classmethod
    def create(cls, data: Mapping[str, Any] | None = None, **kwargs: Any) -> CheckIn:
        """Validate raw values (strings or typed) and build a check-in."""
        if not kwargs and data.__class__ is dict:
            fast = _canonical_checkin(data)
            if fast is not None:
                return fast
        raw = {**(data or {}), **kwargs}
        _refuse_unknown(raw, cls)
        created = parse_timestamp("created_at", raw.get("created_at"))
        pursue = parse_rating("pursue", raw.get("pursue"), PURSUE)
        withdraw = parse_rating("withdraw", raw.get("withdraw"), WITHDRAW)
        pursue_acted = parse_flag("pursue_acted", raw.get("pursue_acted"))
        withdraw_acted = parse_flag("withdraw_acted", raw.get("withdraw_acted"))
        if not pursue and pursue_acted:
            raise ValidationError("pursue_acted", "yes", "'yes' only when pursue is above 0")
        if not withdraw and withdraw_acted:
            raise ValidationError("withdraw_acted", "yes", "'yes' only when withdraw is above 0")
        return cls(
            id=parse_id("id", raw.get("id")),
            day=parse_day("day", _given_or(raw, "day", clock.today)),  # type: ignore[arg-type]
            created_at=created,
            updated_at=parse_timestamp("updated_at", raw.get("updated_at") or created),
            mood=parse_rating("mood", raw.get("mood"), MOOD, required=True),  # type: ignore[arg-type]
            intensity=parse_rating("intensity", raw.get("intensity"), INTENSITY),
            regulation=parse_rating("regulation", raw.get("regulation"), REGULATION),
            pursue=pursue,
            withdraw=withdraw,
            pursue_acted=pursue_acted,
            withdraw_acted=withdraw_acted,
            paused=parse_flag("paused", raw.get("paused")),
            need=parse_text("need", raw.get("need")),
            note=parse_text("note", raw.get("note"), limit=MAX_LONG_TEXT),
            emotions=parse_names("emotions", raw.get("emotions"), lower=True),
            people=parse_names("people", raw.get("people")),
            tags=parse_names("tags", raw.get("tags")),
        )


_CANONICAL_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CHECKIN_INPUTS = frozenset(
    (
        "id",
        "day",
        "created_at",
        "updated_at",
        "mood",
        "intensity",
        "regulation",
        "pursue",
        "withdraw",
        "pursue_acted",
        "withdraw_acted",
        "paused",
        "need",
        "note",
        "emotions",
        "people",
        "tags",
    )
)
_SMALL: dict[Any, int] = {str(n): n for n in range(6)}
_SMALL.update({n: n for n in range(6)})
_FLAGS: dict[Any, int | None] = {None: None, "": None, "0": 0, "1": 1, 0: 0, 1: 1}


def _small(value: Any, low: int) -> Any:
    """A 0-5 (or 1-5) rating in stored form, None when not rated, or ``...`` when not plain."""
    if value is None or value == "":
        return None if low == 0 else ...
    if value.__class__ is bool:
        return ...
    number = _SMALL.get(value, ...)
    return ... if number is ... or number < low else number


def _flag(value: Any) -> Any:
    """0/1 in stored form, None when not answered, or ``...`` when not plain."""
    if value.__class__ is float:
        return ...
    return _FLAGS.get(value, ...)


def _plain_text(value: Any, limit: int) -> Any:
    if value is None or value == "":
        return None
    if (
        value.__class__ is str
        and len(value) <= limit
        and value.strip()
        and "\x00" not in value
        and (value.isascii() or _is_utf8(value))
    ):
        return value
    return ...


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: parse_names results by (kind, *names as given): an import repeats the same few
#: hundred sets of names thousands of times. Only valid results are kept (a
#: ValidationError is raised on every call), and values are strings (hashable).
_NAMES_SEEN: dict[tuple[Any, ...], tuple[str, ...]] = {}


def _canonical_checkin(raw: dict[str, Any]) -> CheckIn | None:
    """The quick path of :meth:`CheckIn.create` for values already in stored form.

    An export holds values exactly as they were stored (UUIDs, ISO days and
    timestamps with offsets, digits, 0/1); checking those takes one pass. For any
    value that is not in that form (and so may need tidying, or an error message) this
    returns None and :meth:`CheckIn.create` takes the full path. What it returns is
    what the full path would return (a test holds the two paths to that).
    """
    if not raw.keys() <= _CHECKIN_INPUTS:
        return None
    get = raw.get
    record_id, day, created, updated = get("id"), get("day"), get("created_at"), get("updated_at")
    if (
        record_id.__class__ is not str
        or not _CANONICAL_UUID.fullmatch(record_id)
        or day.__class__ is not str
        or not _CANONICAL_DAY.fullmatch(day)
        or created.__class__ is not str
        or not _CANONICAL_STAMP.fullmatch(created)
        or created[19:] == "-00:00"
    ):
        return None
    if updated is None or updated == "":
        updated = created
    elif (
        updated.__class__ is not str
        or not _CANONICAL_STAMP.fullmatch(updated)
        or updated[19:] == "-00:00"
    ):
        return None
    try:
        date = dt.date.fromisoformat(day)
        dt.datetime.fromisoformat(created)
        dt.datetime.fromisoformat(updated)
    except ValueError:
        return None
    if date.year < 1900 or date > clock.today():
        return None
    mood = _small(get("mood"), 1)
    intensity = _small(get("intensity"), 0)
    regulation = _small(get("regulation"), 0)
    pursue = _small(get("pursue"), 0)
    withdraw = _small(get("withdraw"), 0)
    pursue_acted = _flag(get("pursue_acted"))
    withdraw_acted = _flag(get("withdraw_acted"))
    paused = _flag(get("paused"))
    need = _plain_text(get("need"), MAX_SHORT_TEXT)
    note = _plain_text(get("note"), MAX_LONG_TEXT)
    if ... in (
        mood,
        intensity,
        regulation,
        pursue,
        withdraw,
        pursue_acted,
        withdraw_acted,
        paused,
        need,
        note,
    ):
        return None
    if (pursue_acted and not pursue) or (withdraw_acted and not withdraw):
        return None
    names: list[tuple[str, ...]] = []
    for key in ("emotions", "people", "tags"):
        value = get(key)
        if not value:
            if value is not None and value.__class__ is not list and value.__class__ is not tuple:
                return None
            names.append(())
            continue
        if value.__class__ is not list and value.__class__ is not tuple:
            return None
        for name in value:
            if name.__class__ is not str:  # the full path says what to do with it
                return None
        known = _NAMES_SEEN.get((key, *value))
        if known is None:
            known = parse_names(key, value, lower=key == "emotions")
            if len(_NAMES_SEEN) >= 50_000:  # an import of many distinct names: start over
                _NAMES_SEEN.clear()
            _NAMES_SEEN[(key, *value)] = known
        names.append(known)
    return CheckIn(
        record_id,
        day,
        created,
        updated,
        mood,
        intensity,
        regulation,
        pursue,
        withdraw,
        pursue_acted,
        withdraw_acted,
        paused,
        need,
        note,
        names[0],
        names[1],
        names[2],
    )


@dataclass(frozen=True)
class Experiment(Record):
    id: str
    title: str
    practice: str
    started_on: str
    ends_on: str
    target_count: int
    created_at: str
    updated_at: str
    prediction: str | None = None
    belief_before: int | None = None
    status: str = "active"
    outcome: str | None = None
    belief_after: int | None = None
    learned: str | None = None
    ended_on: str | None = None
    alternative_belief: str | None = None
    alternative_before: int | None = None
    alternative_after: int | None = None
    safety_behaviours: str | None = None
    how_i_will_know: str | None = None
    cue: str | None = None
    follows_id: str | None = None

    @classmethod
    def create(cls, data: Mapping[str, Any] | None = None, **kwargs: Any) -> Experiment:
        raw = {**(data or {}), **kwargs}
        _refuse_unknown(raw, cls)
        created = parse_timestamp("created_at", raw.get("created_at"))
        started = parse_day("started_on", raw.get("started_on") or clock.today(), allow_future=True)
        ends_raw = raw.get("ends_on")
        if ends_raw in (None, "") and raw.get("days"):
            days = parse_rating("days", raw.get("days"), low=1, high=365)
            ends_raw = dt.date.fromisoformat(started) + dt.timedelta(days=days - 1)  # type: ignore[operator,arg-type]
        ends = parse_day("ends_on", ends_raw, allow_future=True)
        assert started is not None and ends is not None
        if ends < started:
            raise ValidationError("ends_on", ends, f"{started} (the start) or later")
        status = parse_choice("status", raw.get("status") or "active", EXPERIMENT_STATUSES)
        return cls(
            id=parse_id("id", raw.get("id")),
            title=parse_text("title", raw.get("title"), limit=120, required=True),  # type: ignore[arg-type]
            practice=parse_text("practice", raw.get("practice"), required=True),  # type: ignore[arg-type]
            started_on=started,
            ends_on=ends,
            target_count=parse_rating(
                "target_count", raw.get("target_count"), low=1, high=1000, required=True
            ),  # type: ignore[arg-type]
            created_at=created,
            updated_at=parse_timestamp("updated_at", raw.get("updated_at") or created),
            prediction=parse_text("prediction", raw.get("prediction")),
            belief_before=parse_percent("belief_before", raw.get("belief_before")),
            status=status,  # type: ignore[arg-type]
            outcome=parse_text("outcome", raw.get("outcome"), limit=MAX_LONG_TEXT),
            belief_after=parse_percent("belief_after", raw.get("belief_after")),
            learned=parse_text("learned", raw.get("learned"), limit=MAX_LONG_TEXT),
            ended_on=parse_day("ended_on", raw.get("ended_on"), required=False),
            alternative_belief=parse_text("alternative_belief", raw.get("alternative_belief")),
            alternative_before=parse_percent("alternative_before", raw.get("alternative_before")),
            alternative_after=parse_percent("alternative_after", raw.get("alternative_after")),
            safety_behaviours=parse_text("safety_behaviours", raw.get("safety_behaviours")),
            how_i_will_know=parse_text("how_i_will_know", raw.get("how_i_will_know")),
            cue=(
                parse_choice("cue", raw.get("cue"), EXPERIMENT_CUES)
                if raw.get("cue") not in (None, "")
                else None
            ),
            follows_id=_follows(raw),
        )


def _follows(raw: Mapping[str, Any]) -> str | None:
    follows = parse_reference("follows_id", raw.get("follows_id"))
    own = raw.get("id")
    if follows is not None and own and follows == parse_id("id", own):
        raise ValidationError("follows_id", follows, "the id of another experiment, not its own")
    return follows


def parse_reference(name: str, value: Any) -> str | None:
    """The id of another record, or ``None`` when empty (never a new random id, as
    :func:`parse_id` gives a record's own empty id)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_id(name, value)


def parse_percent(name: str, value: Any) -> int | None:
    if isinstance(value, str):
        value = value.strip().rstrip("%").strip()
    return parse_rating(name, value, low=0, high=100)


@dataclass(frozen=True)
class PracticeLog(Record):
    id: str
    experiment_id: str
    day: str
    done: int
    created_at: str
    updated_at: str
    distress_before: int | None = None
    distress_after: int | None = None
    note: str | None = None
    prediction_happened: int | None = None
    """How far what the experiment predicted happened this time, 0-100."""
    rupture_id: str | None = None
    """The rupture this practice was a repair attempt for."""

    @classmethod
    def create(cls, data: Mapping[str, Any] | None = None, **kwargs: Any) -> PracticeLog:
        raw = {**(data or {}), **kwargs}
        _refuse_unknown(raw, cls)
        created = parse_timestamp("created_at", raw.get("created_at"))
        experiment_id = raw.get("experiment_id")
        if not experiment_id:
            raise ValidationError("experiment_id", "", "the id of an experiment (required)")
        return cls(
            id=parse_id("id", raw.get("id")),
            experiment_id=parse_id("experiment_id", experiment_id),
            day=parse_day("day", _given_or(raw, "day", clock.today)),  # type: ignore[arg-type]
            done=parse_flag("done", raw.get("done", 1), allow_none=False),  # type: ignore[arg-type]
            created_at=created,
            updated_at=parse_timestamp("updated_at", raw.get("updated_at") or created),
            distress_before=parse_rating("distress_before", raw.get("distress_before"), DISTRESS),
            distress_after=parse_rating("distress_after", raw.get("distress_after"), DISTRESS),
            note=parse_text("note", raw.get("note"), limit=MAX_LONG_TEXT),
            prediction_happened=parse_percent(
                "prediction_happened", raw.get("prediction_happened")
            ),
            rupture_id=parse_reference("rupture_id", raw.get("rupture_id")),
        )


def practice_span(started_on: str, ends_on: str, ended_on: str | None) -> tuple[str, str]:
    """The days practice of an experiment can be logged on: ``started_on`` to
    ``ends_on``, or to ``ended_on`` when it was ended earlier (as
    :func:`tracker.analytics.experiment_period` counts them)."""
    end = ended_on if ended_on and ended_on < ends_on else ends_on
    return started_on, end


def check_practice_day(day: str, started_on: str, ends_on: str, ended_on: str | None) -> None:
    """Refuse a practice log before its experiment starts or after it ends.

    Raises:
        ValidationError: naming the day and the days allowed.
    """
    start, end = practice_span(started_on, ends_on, ended_on)
    if not start <= day <= end:
        raise ValidationError("day", day, f"a day from {start} to {end} (when the experiment runs)")


@dataclass(frozen=True)
class Rupture(Record):
    id: str
    happened_at: str
    day: str
    my_move: str
    created_at: str
    updated_at: str
    what_happened: str | None = None
    intensity: int | None = None
    acknowledged: int = 0
    apologised: int = 0
    took_accountability: int = 0
    repair_attempt: int = 0
    talked_needs: int = 0
    repaired_on: str | None = None
    note: str | None = None
    let_rest_on: str | None = None
    """The day it was let rest: closed without being called repaired."""
    next_time: str | None = None
    """What I'll try next time."""
    people: tuple[str, ...] = field(default=())

    @classmethod
    def create(cls, data: Mapping[str, Any] | None = None, **kwargs: Any) -> Rupture:
        raw = {**(data or {}), **kwargs}
        _refuse_unknown(raw, cls)
        created = parse_timestamp("created_at", raw.get("created_at"))
        if raw.get("happened_at"):
            happened = parse_timestamp("happened_at", raw.get("happened_at"), default_now=False)
            day = parse_day("day", raw.get("day") or happened[:10])
        else:
            day = parse_day("day", raw.get("day") or clock.today())
            assert day is not None
            happened = (
                clock.now().isoformat()
                if day == clock.today().isoformat()
                else parse_timestamp("happened_at", f"{day}T12:00:00")
            )
        assert day is not None
        repaired = parse_day("repaired_on", raw.get("repaired_on"), required=False)
        if repaired is not None and repaired < day:
            raise ValidationError(
                "repaired_on", repaired, f"{day} (the day of the rupture) or later"
            )
        let_rest = parse_day("let_rest_on", raw.get("let_rest_on"), required=False)
        if let_rest is not None and let_rest < day:
            raise ValidationError(
                "let_rest_on", let_rest, f"{day} (the day of the rupture) or later"
            )
        if let_rest is not None and repaired is not None:
            raise ValidationError(
                "let_rest_on", let_rest, "empty when repaired_on is given (repaired or let rest)"
            )
        steps = {key: parse_flag(key, raw.get(key, 0), allow_none=False) for key, _ in REPAIR_STEPS}
        return cls(
            id=parse_id("id", raw.get("id")),
            happened_at=happened,
            day=day,
            my_move=parse_choice("my_move", raw.get("my_move"), MY_MOVES),  # type: ignore[arg-type]
            created_at=created,
            updated_at=parse_timestamp("updated_at", raw.get("updated_at") or created),
            what_happened=parse_text(
                "what_happened", raw.get("what_happened"), limit=MAX_LONG_TEXT
            ),
            intensity=parse_rating("intensity", raw.get("intensity"), RUPTURE_INTENSITY),
            repaired_on=repaired,
            note=parse_text("note", raw.get("note"), limit=MAX_LONG_TEXT),
            let_rest_on=let_rest,
            next_time=parse_text("next_time", raw.get("next_time")),
            people=parse_names("people", raw.get("people")),
            **steps,  # type: ignore[arg-type]
        )

    @property
    def steps_taken(self) -> tuple[str, ...]:
        return tuple(label for key, label in REPAIR_STEPS if getattr(self, key))


@dataclass(frozen=True)
class Support(Record):
    id: str
    name: str
    created_at: str
    updated_at: str
    kind: str = "person"
    how_to_reach: str | None = None
    note: str | None = None
    position: int = 0

    @classmethod
    def create(cls, data: Mapping[str, Any] | None = None, **kwargs: Any) -> Support:
        raw = {**(data or {}), **kwargs}
        _refuse_unknown(raw, cls)
        created = parse_timestamp("created_at", raw.get("created_at"))
        return cls(
            id=parse_id("id", raw.get("id")),
            name=parse_text("name", raw.get("name"), limit=120, required=True),  # type: ignore[arg-type]
            created_at=created,
            updated_at=parse_timestamp("updated_at", raw.get("updated_at") or created),
            kind=parse_choice("kind", raw.get("kind") or "person", SUPPORT_KINDS),  # type: ignore[arg-type]
            how_to_reach=parse_text("how_to_reach", raw.get("how_to_reach")),
            note=parse_text("note", raw.get("note")),
            position=parse_rating("position", raw.get("position") or 0, low=0, high=10_000),  # type: ignore[arg-type]
        )


def parse_optional_id(name: str, value: Any) -> str | None:
    """A UUID when one is given, ``None`` when the value is empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_id(name, value)


@dataclass(frozen=True)
class Session(Record):
    """A therapy session, past or planned.

    Whether it is past, today or planned is not stored: it follows from its ``day``
    and today (:meth:`kind`), so it never goes stale.
    """

    id: str
    day: str
    created_at: str
    updated_at: str
    agenda: str | None = None
    note: str | None = None

    @classmethod
    def create(cls, data: Mapping[str, Any] | None = None, **kwargs: Any) -> Session:
        """Validate raw values and build a session (any day from 1900 on, future too)."""
        raw = {**(data or {}), **kwargs}
        _refuse_unknown(raw, cls)
        created = parse_timestamp("created_at", raw.get("created_at"))
        return cls(
            id=parse_id("id", raw.get("id")),
            day=parse_day(
                "day",
                _given_or(raw, "day", clock.today),  # type: ignore[arg-type]
                allow_future=True,
            ),
            created_at=created,
            updated_at=parse_timestamp("updated_at", raw.get("updated_at") or created),
            agenda=parse_text("agenda", raw.get("agenda"), limit=MAX_AGENDA),
            note=parse_text("note", raw.get("note"), limit=MAX_LONG_TEXT),
        )

    def kind(self, today: dt.date | None = None) -> str:
        """``"past"``, ``"today"`` or ``"planned"``, as of ``today``."""
        now = (today or clock.today()).isoformat()
        return "past" if self.day < now else "today" if self.day == now else "planned"


MAX_AGENDA = 300
"""An agenda is one line: "one thing I want to talk about"."""

BRING_KINDS: dict[str, str] = {
    "checkin": "checkin_id",
    "rupture": "rupture_id",
    "experiment": "experiment_id",
    "practice_log": "practice_log_id",
}
"""What can be marked "bring to my next session", and the column naming it."""

BRING_WORDS = {
    "checkin": "check-in",
    "rupture": "rupture",
    "experiment": "experiment",
    "practice_log": "practice log",
}


@dataclass(frozen=True)
class BringMark(Record):
    """ "Bring this to my next session", on one check-in, rupture, experiment or
    practice log (exactly one of the four ids is set).

    The mark's day matters: it is brought to the first session on or after the day
    it was made (``marked_on``, today by default), once that session's day has passed
    (:meth:`brought_to`). Until then it is waiting.
    """

    id: str
    marked_on: str
    created_at: str
    updated_at: str
    checkin_id: str | None = None
    rupture_id: str | None = None
    experiment_id: str | None = None
    practice_log_id: str | None = None

    @classmethod
    def create(cls, data: Mapping[str, Any] | None = None, **kwargs: Any) -> BringMark:
        """Validate raw values and build a mark; ``kind`` and ``record_id`` may stand
        for the four id fields (``kind="rupture", record_id=...``)."""
        raw = {**(data or {}), **kwargs}
        kind = raw.pop("kind", None)
        record_id = raw.pop("record_id", None)
        if kind is not None:
            column = BRING_KINDS.get(str(kind))
            if column is None:
                raise ValidationError("kind", kind, "one of " + ", ".join(BRING_KINDS))
            raw[column] = record_id
        _refuse_unknown(raw, cls)
        created = parse_timestamp("created_at", raw.get("created_at"))
        targets = {
            column: parse_optional_id(column, raw.get(column)) for column in BRING_KINDS.values()
        }
        given = [column for column, value in targets.items() if value is not None]
        if len(given) != 1:
            raise ValidationError(
                given[1] if given else "checkin_id",
                raw.get(given[1]) if given else "",
                "the id of exactly one check-in, rupture, experiment or practice log "
                "(checkin_id, rupture_id, experiment_id or practice_log_id)",
            )
        return cls(
            id=parse_id("id", raw.get("id")),
            marked_on=parse_day(
                "marked_on",  # type: ignore[arg-type]
                _given_or(raw, "marked_on", clock.today),
            ),
            created_at=created,
            updated_at=parse_timestamp("updated_at", raw.get("updated_at") or created),
            **targets,
        )

    @property
    def kind(self) -> str:
        """``"checkin"``, ``"rupture"``, ``"experiment"`` or ``"practice_log"``."""
        return next(kind for kind, column in BRING_KINDS.items() if getattr(self, column))

    @property
    def record_id(self) -> str:
        return getattr(self, BRING_KINDS[self.kind])

    def brought_to(
        self, sessions: Iterable[Session], today: dt.date | None = None
    ) -> Session | None:
        """The session this was brought to, or ``None`` while it is still waiting.

        That is the first session on or after the day of the mark, if that session's
        day is before ``today``. A mark made on a session's day counts for it.
        """
        now = (today or clock.today()).isoformat()
        due = [s for s in sessions if s.day >= self.marked_on]
        first = min(due, key=lambda s: (s.day, s.created_at), default=None)
        return first if first is not None and first.day < now else None


_EXTRA_INPUTS = {"days"}


@functools.cache
def _known_inputs(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls)) | _EXTRA_INPUTS


def _refuse_unknown(raw: Mapping[str, Any], cls: type) -> None:
    known = _known_inputs(cls)
    if raw.keys() <= known:
        return
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValidationError(
            unknown[0],
            raw[unknown[0]],
            "one of the known fields: " + ", ".join(sorted(known - _EXTRA_INPUTS)),
        )


T = TypeVar("T")


# --- Records read back from an export -------------------------------------------------

#: What an exported record always holds: an import never makes these up (a blank id
#: would become a new random id, and importing the file again would add the row
#: twice; a blank day would become today).
STORED_FIELDS: dict[type, tuple[str, ...]] = {
    CheckIn: ("id", "day", "created_at", "updated_at"),
    Experiment: ("id", "started_on", "ends_on", "created_at", "updated_at"),
    PracticeLog: ("id", "experiment_id", "day", "created_at", "updated_at"),
    Rupture: ("id", "happened_at", "day", "created_at", "updated_at"),
    Support: ("id", "created_at", "updated_at"),
    Session: ("id", "day", "created_at", "updated_at"),
    BringMark: ("id", "marked_on", "created_at", "updated_at"),
}


def from_export(cls: type[T], raw: Mapping[str, Any]) -> T:
    """``cls.create(raw)`` for a record read from a file, whose stored fields (ids,
    days, timestamps) must be there: a blank one is refused, never filled in."""
    for name in STORED_FIELDS.get(cls, ()):
        value = raw.get(name)
        if value is None or (value.__class__ is str and not value.strip()):
            raise ValidationError(
                name,
                "" if value is None else value,
                "the value the export wrote (it is required in an import)",
            )
    return cls.create(raw)  # type: ignore[attr-defined]
