"""Words and small bars for experiments and ruptures (plain records in, text out).

Everything here is pure formatting: the screens pass records and counts, these
functions return Rich ``Text``. Progress is shown as what was done ("3 of 5"),
never as a verdict.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from tracker.models import MY_MOVES, REPAIR_STEPS, Experiment, PracticeLog, Rupture

MOVE_WORDS = {
    "pursued": "pursued (pushed for contact)",
    "withdrew": "withdrew (went quiet, pulled away)",
    "attacked": "attacked (got sharp or blaming)",
    "froze": "froze (went blank)",
    "other": "something else",
}
"""How each move is shown: plain, without judgement."""

MOVE_KEYS = {"pursued": "p", "withdrew": "w", "attacked": "a", "froze": "f", "other": "o"}
assert set(MOVE_KEYS) == set(MY_MOVES)


def day_label(day: str | dt.date) -> str:
    """``Sat 28 Nov``."""
    d = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return f"{d:%a} {d.day} {d:%b}"


def days_between(first: str, last: str | dt.date) -> int:
    end = dt.date.fromisoformat(last) if isinstance(last, str) else last
    return (end - dt.date.fromisoformat(first)).days


def days_ago_words(days: int) -> str:
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def repair_time_words(rupture: Rupture) -> str:
    """How long repair took, in words ("repaired the same day", "after 3 days")."""
    if rupture.repaired_on is None:
        return ""
    days = days_between(rupture.day, rupture.repaired_on)
    if days <= 0:
        return "repaired the same day"
    if days == 1:
        return "repaired the next day"
    return f"repaired after {days} days"


def count_words(done: int, target: int) -> str:
    """"3 of 5", or "7 (aim: 5)" once past the aim."""
    return f"{done} of {target}" if done <= target else f"{done} (aim: {target})"


def progress_bar(done: int, target: int, width: int = 10) -> Text:
    """``████░░░░░░``: filled share of the target; the glyphs read without colour."""
    target = max(target, 1)
    filled = min(width, round(width * min(done, target) / target))
    bar = Text()
    bar.append("█" * filled, style="green")
    bar.append("░" * (width - filled), style="dim")
    return bar


def percent(value: int | None) -> str:
    return "…" if value is None else f"{value}%"


def belief_words(exp: Experiment) -> str:
    if exp.belief_before is None and exp.belief_after is None:
        return "belief not noted"
    return f"belief {percent(exp.belief_before)} → {percent(exp.belief_after)}"


def period_words(exp: Experiment, today: dt.date) -> str:
    """Where an active experiment is in its period, gently."""
    start = dt.date.fromisoformat(exp.started_on)
    end = dt.date.fromisoformat(exp.ends_on)
    length = (end - start).days + 1
    if exp.status != "active":
        return f"{day_label(start)} to {day_label(end)}"
    if today < start:
        return f"starts {day_label(start)}"
    if today > end:
        return "period over: x completes it"
    return f"day {(today - start).days + 1} of {length}"


STATUS_MARK = {"active": "●", "completed": "✓", "dropped": "○"}


def experiment_prompt(exp: Experiment, done: int, today_log: PracticeLog | None,
                      today: dt.date) -> Text:
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
        text.append(f"completed {day_label(exp.ended_on or exp.ends_on)}", style="dim")
    else:
        text.append(f"set aside {day_label(exp.ended_on or exp.ends_on)}", style="dim")
    return text


def distress_words(log: PracticeLog) -> str:
    def one(v: int | None) -> str:
        return "–" if v is None else str(v)

    if log.distress_before is None and log.distress_after is None:
        return "distress not rated"
    return f"distress {one(log.distress_before)} → {one(log.distress_after)}"


def log_line(log: PracticeLog) -> Text:
    text = Text()
    text.append(f"{day_label(log.day):<11}", style="bold")
    text.append(f"{'done' if log.done else 'not this time':<14}")
    text.append(distress_words(log))
    if log.note:
        text.append("\n" + " " * 11)
        text.append(log.note, style="italic")
    return text


def rupture_prompt(rupture: Rupture, today: dt.date) -> Text:
    """Lines for the rupture list: with whom and when, my move, the repair so far."""
    text = Text()
    who = ", ".join(rupture.people) or "someone"
    if rupture.repaired_on is None:
        text.append("○ ", style="bold")
        text.append(f"With {who}", style="bold")
        text.append(f" · {days_ago_words(days_between(rupture.day, today))}")
    else:
        text.append("✓ ", style="bold")
        text.append(f"With {who}", style="bold")
        text.append(f" · {day_label(rupture.day)} · {repair_time_words(rupture)}")
    text.append("\n  ")
    text.append(f"I {rupture.my_move}")
    if rupture.intensity is not None:
        text.append(f" · intensity {rupture.intensity}")
    steps = len(rupture.steps_taken)
    text.append(f" · repair steps: {steps} of {len(REPAIR_STEPS)}")
    if rupture.what_happened:
        # Short, so each record stays two lines at 80 columns; details show it all.
        first = " ".join(rupture.what_happened.split())
        if len(first) > 36:
            first = first[:35].rstrip(" ,;.") + "…"
        text.append(f"\n  {first}", style="italic")
    return text
