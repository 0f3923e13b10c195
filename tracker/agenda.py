"""What the next therapy session needs: the sessions around today, and what is
marked to bring, each thing in plain words.

Read from the store in a few queries and shared by Today, the Sessions screen,
``tracker session list`` and the report, so they all say the same. No I/O besides
the store; no Textual, Rich or click.

Rules (the README says the same):

- A session on a day after today is *planned*; on today, it is *today's*; before
  today, *past*. Nothing about that is stored.
- The *next* session is the first on or after today; the *last* is the latest
  before today (so on the day of a session, "since the last session" still means
  the one before it).
- A mark is *waiting* until the first session on or after the day it was made has
  passed; then it was *brought* to that session (:meth:`BringMark.brought_to`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tracker import clock
from tracker.analytics import status_words
from tracker.days import plural
from tracker.models import (
    BRING_WORDS,
    MOOD,
    BringMark,
    CheckIn,
    Experiment,
    PracticeLog,
    Rupture,
    Session,
)
from tracker.wording import ago_words, day_label

if TYPE_CHECKING:
    from tracker.store import Store

KIND_ORDER = ("checkin", "rupture", "experiment", "practice_log")
"""The order marked things are counted in ("2 check-ins, 1 rupture")."""


def next_session(sessions: Iterable[Session], today: dt.date | None = None) -> Session | None:
    """The first session on or after today (today's own included)."""
    now = (today or clock.today()).isoformat()
    ahead = [s for s in sessions if s.day >= now]
    return min(ahead, key=lambda s: (s.day, s.created_at), default=None)


def last_session(sessions: Iterable[Session], before: dt.date | None = None) -> Session | None:
    """The latest session on a day before ``before`` (today by default)."""
    limit = (before or clock.today()).isoformat()
    behind = [s for s in sessions if s.day < limit]
    return max(behind, key=lambda s: (s.day, s.created_at), default=None)


def session_when(session: Session, today: dt.date | None = None) -> str:
    """ "Thu 3 Dec (in 5 days)", "today", "Thu 19 Nov (9 days ago)"."""
    today = today or clock.today()
    day = dt.date.fromisoformat(session.day)
    gap = (day - today).days
    if gap == 0:
        return f"today ({day_label(day, today)})"
    if gap == 1:
        return f"tomorrow, {day_label(day, today)}"
    if gap > 1:
        return f"{day_label(day, today)} (in {plural(gap, 'day')})"
    return f"{day_label(day, today)} ({ago_words(day, today)})"


def next_words(session: Session | None, today: dt.date | None = None) -> str:
    """ "your next session, Thu 3 Dec (in 5 days)", "your session today", or "your
    next session (none planned yet)"."""
    if session is None:
        return "your next session (none planned yet)"
    if session.kind(today) == "today":
        return "your session today"
    return f"your next session, {session_when(session, today)}"


def count_words(marks: Sequence[BringMark]) -> str:
    """ "3 things: 2 check-ins, 1 rupture" ("1 thing: a practice log")."""
    if not marks:
        return "nothing"
    counts = Counter(m.kind for m in marks)
    parts = [plural(counts[k], BRING_WORDS[k]) for k in KIND_ORDER if counts[k]]
    if len(marks) == 1:
        word = BRING_WORDS[marks[0].kind]
        return f"1 thing: {'an' if word[0] in 'aeiou' else 'a'} {word}"
    return f"{plural(len(marks), 'thing')}: " + ", ".join(parts)


@dataclass(frozen=True)
class MarkedItem:
    """One marked record, in words.

    ``summary`` is one line in our words with the record's names (people,
    emotions) in it; ``texts`` are the person's own free text, each with what it
    is ("needed", "note", "what happened"...): left out of a report made with
    ``--no-notes``.
    """

    mark: BringMark
    day: str
    label: str
    summary: str
    texts: tuple[tuple[str, str], ...] = ()
    brought_to: Session | None = None

    def line(self, today: dt.date | None = None, *, notes: bool = True) -> str:
        """ "Check-in, Tue 24 Nov: mood 2 (bad), regulation 1 · needed: to hear back"."""
        text = f"{self.label}, {day_label(self.day, today)}: {self.summary}"
        if notes:
            text += "".join(f" · {what}: {words}" for what, words in self.texts)
        return text


@dataclass(frozen=True)
class SessionContext:
    """The sessions around ``today`` and what is marked to bring."""

    today: dt.date
    sessions: tuple[Session, ...]
    waiting: tuple[MarkedItem, ...] = ()
    brought: dict[str, tuple[MarkedItem, ...]] = field(default_factory=dict)
    """Per session id: what was brought to it."""

    @property
    def next(self) -> Session | None:
        return next_session(self.sessions, self.today)

    @property
    def last(self) -> Session | None:
        return last_session(self.sessions, self.today)

    @property
    def waiting_marks(self) -> list[BringMark]:
        return [item.mark for item in self.waiting]


def waiting_marks(store: Store, today: dt.date | None = None) -> list[BringMark]:
    """Marks still waiting for a session (cheap: for Today's count)."""
    return store.waiting_marks(today or clock.today())


def session_context(store: Store, today: dt.date | None = None) -> SessionContext:
    """Every session, and every mark as a :class:`MarkedItem` (waiting or brought)."""
    today = today or clock.today()
    sessions = store.sessions()
    marks = store.bring_marks()
    if not marks:
        return SessionContext(today, tuple(sessions))
    records = _marked_records(store, marks)
    waiting: list[MarkedItem] = []
    brought: dict[str, list[MarkedItem]] = {}
    for mark in marks:
        record = records.get((mark.kind, mark.record_id))
        if record is None:  # (deleting a record deletes its marks; this is a safeguard)
            continue
        to = mark.brought_to(sessions, today)
        item = describe(mark, record, to, records)
        if to is None:
            waiting.append(item)
        else:
            brought.setdefault(to.id, []).append(item)
    return SessionContext(
        today,
        tuple(sessions),
        tuple(_by_day(waiting)),
        {k: tuple(_by_day(v)) for k, v in brought.items()},
    )


def _by_day(items: list[MarkedItem]) -> list[MarkedItem]:
    return sorted(items, key=lambda i: (i.day, KIND_ORDER.index(i.mark.kind), i.mark.created_at))


Marked = CheckIn | Rupture | Experiment | PracticeLog


def _marked_records(store: Store, marks: Sequence[BringMark]) -> dict[tuple[str, str], Marked]:
    """The records the marks name, read once per kind."""
    wanted: dict[str, set[str]] = {}
    for mark in marks:
        wanted.setdefault(mark.kind, set()).add(mark.record_id)
    found: dict[tuple[str, str], Marked] = {}
    if "checkin" in wanted:
        for c in store.checkins(ids=sorted(wanted["checkin"])):
            found["checkin", c.id] = c
    if "rupture" in wanted:
        for r in store.ruptures():
            if r.id in wanted["rupture"]:
                found["rupture", r.id] = r
    if "experiment" in wanted or "practice_log" in wanted:
        for e in store.experiments():
            found["experiment", e.id] = e  # (logs name their experiment's title)
    if "practice_log" in wanted:
        for log in store.practice_logs():
            if log.id in wanted["practice_log"]:
                found["practice_log", log.id] = log
    return found


def describe(
    mark: BringMark,
    record: Marked,
    brought_to: Session | None,
    records: dict[tuple[str, str], Marked],
) -> MarkedItem:
    """A marked record in words (see :class:`MarkedItem`)."""
    if isinstance(record, CheckIn):
        return MarkedItem(
            mark,
            record.day,
            "Check-in",
            checkin_summary(record),
            _texts(("needed", record.need), ("note", record.note)),
            brought_to,
        )
    if isinstance(record, Rupture):
        who = ", ".join(record.people) or "someone"
        move = "did something else" if record.my_move == "other" else record.my_move
        summary = f"with {who}, you {move}"
        if record.intensity is not None:
            summary += f", intensity {record.intensity}"
        summary += (
            f", repaired {day_label(record.repaired_on)}"
            if record.repaired_on
            else f", let rest {day_label(record.let_rest_on)}"
            if record.let_rest_on
            else ", not yet repaired"
        )
        return MarkedItem(
            mark,
            record.day,
            "Rupture",
            summary,
            _texts(("what happened", record.what_happened), ("note", record.note)),
            brought_to,
        )
    if isinstance(record, Experiment):
        return MarkedItem(
            mark,
            record.started_on,
            "Experiment",
            f"{record.title} ({status_words(record.status)})",
            _texts(
                ("prediction", record.prediction),
                ("what happened", record.outcome),
                ("learned", record.learned),
            ),
            brought_to,
        )
    experiment = records.get(("experiment", record.experiment_id))
    title = experiment.title if isinstance(experiment, Experiment) else "an experiment"
    done = "practised" if record.done else "not practised this time"
    summary = f"{title}: {done}"
    if record.distress_before is not None or record.distress_after is not None:
        before = "–" if record.distress_before is None else record.distress_before
        after = "–" if record.distress_after is None else record.distress_after
        summary += f", distress {before} → {after}"
    return MarkedItem(
        mark, record.day, "Practice log", summary, _texts(("note", record.note)), brought_to
    )


def checkin_summary(c: CheckIn) -> str:
    """ "mood 2 (bad), regulation 1, intensity 4, pursue 4 (acted on it), anxious, lonely"."""
    parts = [f"mood {c.mood} ({MOOD.label(c.mood)})"]
    for name in ("regulation", "intensity"):
        value = getattr(c, name)
        if value is not None:
            parts.append(f"{name} {value}")
    for name, acted in (("pursue", c.pursue_acted), ("withdraw", c.withdraw_acted)):
        value = getattr(c, name)
        if value:
            parts.append(f"{name} {value}" + (" (acted on it)" if acted else ""))
    if c.paused is not None:
        parts.append("paused" if c.paused else "did not pause")
    if c.emotions:
        parts.append(", ".join(c.emotions))
    if c.people:
        parts.append("with " + ", ".join(c.people))
    return ", ".join(parts)


def _texts(*pairs: tuple[str, str | None]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (what, " ".join(words.split())) for what, words in pairs if words and words.strip()
    )
