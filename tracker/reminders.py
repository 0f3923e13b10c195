"""Reminders: when they fire, and the text of what ``tracker remind install`` writes.

A reminder is a timer of the system's own (a systemd user timer, a launchd agent, or
a crontab line) that runs ``tracker remind now`` at the chosen times; that command
sends a notification only when today has no check-in yet, so a reminder never fires
after the day is logged. This module is pure: it parses ``--at`` and ``--days``, and
makes the unit files, the property list and the crontab lines as text. Installing
them (files, ``systemctl``, ``launchctl``, ``crontab``) is :mod:`tracker.commands.remind`.

Everything written carries :data:`MARK`, so that ``list`` and ``remove`` find what
tracker wrote and never touch anything else.
"""

from __future__ import annotations

import plistlib
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tracker.models import ValidationError

MARK = "made by tracker remind install"
"""In every file and crontab line tracker writes for reminders (and nothing else)."""

UNIT = "tracker-remind"
"""The systemd units' name: ``tracker-remind.service`` and ``tracker-remind.timer``."""

LAUNCHD_LABEL = "org.tracker-practice.remind"

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""ISO weekday order: Monday is 1."""

DAY_WORDS = {
    "daily": tuple(range(1, 8)),
    "every-day": tuple(range(1, 8)),
    "weekdays": (1, 2, 3, 4, 5),
    "weekends": (6, 7),
}

PASSED_ENVIRONMENT = ("TRACKER_PASSPHRASE_COMMAND",)
"""Variables of the installing shell that a reminder needs too (a command, never a
passphrase): timers start with an almost empty environment."""

_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True)
class Schedule:
    """When reminders fire: times of day on some days of the week."""

    times: tuple[tuple[int, int], ...]
    """(hour, minute) pairs, sorted, each once."""
    days: tuple[int, ...]
    """ISO weekdays (Monday 1 ... Sunday 7), sorted, each once."""

    @property
    def every_day(self) -> bool:
        return len(self.days) == 7

    def words(self) -> str:
        """``21:00 every day``, ``08:30 and 21:00 on Mon-Fri``."""
        times = [f"{h:02d}:{m:02d}" for h, m in self.times]
        at = times[0] if len(times) == 1 else ", ".join(times[:-1]) + " and " + times[-1]
        return f"{at} every day" if self.every_day else f"{at} on {days_words(self.days)}"


def parse_time(text: str) -> tuple[int, int]:
    """``HH:MM`` (24-hour; ``9:05`` too) as (hour, minute).

    Raises:
        ValidationError: naming ``--at`` and what is allowed.
    """
    found = _TIME.fullmatch(text.strip())
    if not found:
        raise ValidationError("--at", text, "a time of day as HH:MM (24-hour), such as 21:00")
    return int(found.group(1)), int(found.group(2))


def parse_days(text: str | None) -> tuple[int, ...]:
    """``mon-fri``, ``mon,wed,fri``, ``fri-mon`` (a range may wrap), ``weekdays``,
    ``weekends``, ``daily``; empty or ``None`` is every day.

    Raises:
        ValidationError: naming ``--days`` and what is allowed.
    """
    if text is None or not text.strip():
        return DAY_WORDS["daily"]
    words = text.strip().lower().replace(" ", "")
    if words in DAY_WORDS:
        return DAY_WORDS[words]
    days: set[int] = set()
    for part in words.split(","):
        first, dash, last = part.partition("-")
        try:
            start = _day(first)
            end = _day(last) if dash else start
        except KeyError:
            raise ValidationError(
                "--days",
                text,
                "days as mon-fri, mon,wed,fri, weekdays, weekends or daily "
                "(mon tue wed thu fri sat sun)",
            ) from None
        day = start
        while True:
            days.add(day)
            if day == end:
                break
            day = day % 7 + 1
    return tuple(sorted(days))


_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _day(word: str) -> int:
    """``mon`` or ``monday`` (any case) as 1, and so on; KeyError for anything else."""
    for number, (short, full) in enumerate(zip(DAY_NAMES, _FULL_NAMES, strict=True), start=1):
        if word in (short, full):
            return number
    raise KeyError(word)


def schedule(times: Sequence[str], days: str | None) -> Schedule:
    """The schedule of ``--at`` values (at least one) and ``--days``.

    Raises:
        ValidationError: a bad time or day, or no time at all.
    """
    if not times:
        raise ValidationError("--at", "", "at least one time of day, such as --at 21:00")
    return Schedule(tuple(sorted({parse_time(t) for t in times})), parse_days(days))


def days_words(days: Sequence[int]) -> str:
    """``Mon-Fri``, ``Mon, Wed, Fri``, ``Sat-Sun``."""
    names = [DAY_NAMES[d - 1].capitalize() for d in days]
    if len(days) > 2 and list(days) == list(range(days[0], days[-1] + 1)):
        return f"{names[0]}-{names[-1]}"
    return ", ".join(names)


# --- systemd ---------------------------------------------------------------------------


def _systemd_quote(arg: str) -> str:
    """One ExecStart argument, quoted for systemd (which expands ``%`` and ``$``)."""
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("%", "%%").replace("$", "$$") + '"'


def systemd_units(
    when: Schedule, command: Sequence[str], environment: Mapping[str, str] = {}
) -> dict[str, str]:
    """The ``tracker-remind.service`` and ``.timer`` files, by file name."""
    days = "" if when.every_day else ",".join(DAY_NAMES[d - 1].capitalize() for d in when.days)
    calendars = "".join(
        f"OnCalendar={(days + ' ') if days else ''}*-*-* {h:02d}:{m:02d}:00\n"
        for h, m in when.times
    )
    env = "".join(
        f"Environment={_systemd_quote(f'{key}={value}')}\n" for key, value in environment.items()
    )
    service = (
        f"# {MARK}: `tracker remind remove` takes it away.\n"
        "[Unit]\n"
        "Description=tracker: a reminder for today's check-in, only if there is none yet\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"{env}"
        f"ExecStart={' '.join(_systemd_quote(a) for a in command)}\n"
    )
    timer = (
        f"# {MARK}: `tracker remind remove` takes it away.\n"
        "[Unit]\n"
        f"Description=tracker: check-in reminders at {when.words()}\n\n"
        "[Timer]\n"
        f"{calendars}"
        f"Unit={UNIT}.service\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {f"{UNIT}.service": service, f"{UNIT}.timer": timer}


_ON_CALENDAR = re.compile(r"^OnCalendar=(?:([A-Za-z,]+) )?\*-\*-\* (\d\d):(\d\d):00$", re.M)


def schedule_of_timer(text: str) -> Schedule | None:
    """The schedule a timer file of ours holds (``None`` if it holds none)."""
    found = _ON_CALENDAR.findall(text)
    if not found:
        return None
    days = found[0][0]
    numbers = (
        tuple(sorted(DAY_NAMES.index(d.lower()) + 1 for d in days.split(",")))
        if days
        else DAY_WORDS["daily"]
    )
    return Schedule(tuple(sorted({(int(h), int(m)) for _, h, m in found})), numbers)


# --- launchd ---------------------------------------------------------------------------


def launchd_plist(
    when: Schedule, command: Sequence[str], environment: Mapping[str, str] = {}
) -> bytes:
    """The launch agent's property list (launchd's weekday 0 is Sunday)."""
    intervals = [
        {"Hour": h, "Minute": m} if when.every_day else {"Hour": h, "Minute": m, "Weekday": day % 7}
        for h, m in when.times
        for day in ((0,) if when.every_day else when.days)
    ]
    agent: dict[str, object] = {
        "Label": LAUNCHD_LABEL,
        "Comment": f"{MARK}: `tracker remind remove` takes it away.",
        "ProgramArguments": list(command),
        "StartCalendarInterval": intervals,
        "RunAtLoad": False,
    }
    if environment:
        agent["EnvironmentVariables"] = dict(environment)
    return plistlib.dumps(agent)


def schedule_of_plist(data: bytes) -> Schedule | None:
    """The schedule a property list of ours holds (``None`` if unreadable or not ours)."""
    try:
        agent = plistlib.loads(data)
    except Exception:  # noqa: BLE001 (any damage: not a schedule we can read)
        return None
    intervals = agent.get("StartCalendarInterval") if isinstance(agent, dict) else None
    if not isinstance(intervals, list) or not intervals:
        return None
    times = tuple(sorted({(int(i["Hour"]), int(i["Minute"])) for i in intervals}))
    weekdays = {int(i["Weekday"]) for i in intervals if "Weekday" in i}
    days = tuple(sorted((w - 1) % 7 + 1 if w else 7 for w in weekdays)) or DAY_WORDS["daily"]
    return Schedule(times, days)


# --- cron ------------------------------------------------------------------------------


def cron_lines(
    when: Schedule, command: Sequence[str], environment: Mapping[str, str] = {}
) -> list[str]:
    """One crontab line per time (cron's day of week 0 is Sunday; ``%`` is escaped,
    as cron reads it as a line break)."""
    days = "*" if when.every_day else ",".join(str(d % 7) for d in when.days)
    env = "".join(f"{key}={shlex.quote(value)} " for key, value in environment.items())
    run = (env + shlex.join(command)).replace("%", "\\%")
    return [f"{m} {h} * * {days} {run} # {MARK}" for h, m in when.times]


def is_our_cron_line(line: str) -> bool:
    return line.rstrip().endswith(f"# {MARK}")


def schedule_of_cron(lines: Sequence[str]) -> Schedule | None:
    """The schedule our crontab lines hold (``None`` if there are none)."""
    times: set[tuple[int, int]] = set()
    days: set[int] = set()
    for line in lines:
        if not is_our_cron_line(line):
            continue
        minute, hour, _, _, dow = line.split()[:5]
        times.add((int(hour), int(minute)))
        days.update(range(1, 8) if dow == "*" else ((int(d) - 1) % 7 + 1 for d in dow.split(",")))
    if not times:
        return None
    return Schedule(tuple(sorted(times)), tuple(sorted(days)))


# --- what the reminder says --------------------------------------------------------------


def reminder_words(days_checked: int, of_days: int) -> tuple[str, str]:
    """(title, body) of the notification: an invitation, never a reproach."""
    body = "A moment for today's check-in, whenever it suits you ('tracker' opens the card)."
    if days_checked:
        body += f" You've checked in on {days_checked} of the last {of_days} days."
    return "tracker", body
