""" "Bring to my next session", as the lists and details of the app show it.

A mark waits until the session it is for has passed (see
:meth:`tracker.models.BringMark.brought_to`); then it shows as brought to that
session. Glyphs and words read without colour: ``◆ to bring``, ``✓ brought 19 Nov``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rich.text import Text

from tracker import clock

if TYPE_CHECKING:
    from tracker.store import Store

WAITING = "◆ to bring"


def bring_states(store: Store, kind: str, today: dt.date | None = None) -> dict[str, str]:
    """Per marked record of ``kind``: ``◆ to bring`` while a mark waits, else
    ``✓ brought 19 Nov`` (the session its latest mark was brought to)."""
    today = today or clock.today()
    sessions = store.sessions()
    states: dict[str, str] = {}
    for mark in store.bring_marks(kind):  # oldest first: the latest mark wins
        to = mark.brought_to(sessions, today)
        if to is None:
            states[mark.record_id] = WAITING
        else:
            day = dt.date.fromisoformat(to.day)
            states[mark.record_id] = f"✓ brought {day.day} {day:%b}"
    return states


def bring_line(state: str | None) -> str:
    """The sentence under a record's details."""
    if state is None:
        return "Press b to bring this to your next session."
    if state == WAITING:
        return "◆ Marked to bring to your next session (b takes the mark off)."
    return (
        f"{state.replace('brought', 'Brought to your session of', 1)} (b marks it again "
        "for the next one)."
    )


def with_state(text: Text, state: str | None) -> Text:
    """A list prompt with the record's mark at the end of its first line (the lines
    after it may be cut at the list's width)."""
    if not state:
        return text
    first, _, rest = text.plain.partition("\n")
    marked = text[: len(first)]
    marked.append(f"  {state}", style="bold")
    if rest:
        marked.append_text(text[len(first) :])
    return marked
