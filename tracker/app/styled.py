"""How records read in the app's lists: Rich ``Text`` made from :mod:`tracker.wording`.

The words are worked out below the app (plain strings); this module only adds the
styles (bold, dim, italic, the bar's colour). Every glyph reads without colour too.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from tracker.models import REPAIR_STEPS, Experiment, PracticeLog, Rupture
from tracker.wording import (
    LET_REST,
    MOVE_SENTENCES,
    OPEN,
    STATUS_MARK,
    ago_words,
    belief_words,
    count_words,
    day_label,
    distress_words,
    filled_cells,
    let_rest_words,
    period_words,
    repair_time_words,
    rupture_state,
)


def progress_bar(done: int, target: int, width: int = 10) -> Text:
    """``████░░░░░░``: filled share of the target; the glyphs read without colour."""
    filled = filled_cells(done, target, width)
    bar = Text()
    bar.append("█" * filled, style="green")
    bar.append("░" * (width - filled), style="dim")
    return bar


def experiment_prompt(
    exp: Experiment, done: int, today_log: PracticeLog | None, today: dt.date
) -> Text:
    """Three short lines for the experiment list: title, progress, where it stands."""
    text = Text()
    text.append(f"{STATUS_MARK.get(exp.status, ' ')} ", style="bold")
    text.append(exp.title, style="bold")
    text.append("\n  ")
    text.append_text(progress_bar(done, exp.target_count))
    text.append(f" {count_words(done, exp.target_count)} · {belief_words(exp)}")
    text.append("\n  ")
    if exp.status == "active":
        text.append(period_words(exp, today))
        if today_log is None:
            text.append(" · today: not logged yet", style="dim")
        else:
            text.append(" · today: " + ("practised" if today_log.done else "logged"))
    elif exp.status == "completed":
        text.append(f"completed {day_label(exp.ended_on or exp.ends_on, today)}", style="dim")
    else:
        text.append(f"set aside {day_label(exp.ended_on or exp.ends_on, today)}", style="dim")
    return text


def log_line(log: PracticeLog) -> Text:
    """One practice log: the day, done or not, distress before and after, how far the
    prediction happened, the note."""
    text = Text()
    label = day_label(log.day)
    text.append(f"{label:<11}" if len(label) < 11 else f"{label:<16}", style="bold")
    text.append(f"{'done' if log.done else 'not this time':<14}")
    text.append(distress_words(log))
    if log.prediction_happened is not None:
        text.append(f" · prediction happened {log.prediction_happened}%")
    if log.note:
        text.append("\n" + " " * (11 if len(label) < 11 else 16))
        text.append(log.note, style="italic")
    return text


def rupture_prompt(rupture: Rupture, today: dt.date) -> Text:
    """Three lines for the rupture list: with whom and when, my move and the repair
    so far, what happened (on one line: the list cuts it at its real width)."""
    text = Text()
    who = ", ".join(rupture.people) or "someone"
    state = rupture_state(rupture)
    if state == OPEN:
        text.append("○ ", style="bold")
        text.append(f"With {who}", style="bold")
        text.append(f" · {ago_words(rupture.day, today)}")
    elif state == LET_REST:
        text.append("~ ", style="bold")
        text.append(f"With {who}", style="bold")
        text.append(f" · {day_label(rupture.day, today)} · {let_rest_words(rupture, today)}")
    else:
        text.append("✓ ", style="bold")
        text.append(f"With {who}", style="bold")
        text.append(f" · {day_label(rupture.day, today)} · {repair_time_words(rupture)}")
    text.append("\n  ")
    text.append(MOVE_SENTENCES.get(rupture.my_move, f"I {rupture.my_move}"))
    if rupture.intensity is not None:
        text.append(f" · intensity {rupture.intensity}")
    steps = len(rupture.steps_taken)
    text.append(f" · repair steps: {steps} of {len(REPAIR_STEPS)}")
    if rupture.what_happened:
        text.append("\n  " + " ".join(rupture.what_happened.split()), style="italic")
    return text
