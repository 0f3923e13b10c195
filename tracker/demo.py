"""Seeded, realistic demo data, and the throwaway demo app behind ``tracker --demo``.

The story the data tells: someone who leans towards pursuing when they feel
distance, practising over several years. Regulation and mood improve slowly and
unevenly, with bad weeks, winters that are harder, and stretches away from the app;
experiments from the default library start and end with practice logs; ruptures
happen (more in bad weeks) and are mostly repaired, faster as time goes on; some
days have two or three check-ins.

Everything is built through ``models.*.create`` (the one validation path) and
written in a single transaction. The same seed gives the same data (ids included)
for the same end day and time of day. Nothing is dated at or after the present
moment, and an experiment is always running on the last day.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import random
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker import clock
from tracker.models import CheckIn, Experiment, PracticeLog, Rupture, Support

if TYPE_CHECKING:
    from tracker.store import Store

DEFAULT_SEED = 7
DEFAULT_YEARS = 1
DEMO_APP_YEARS = 2


class DemoError(Exception):
    """Demo data would mix with real records; the message says what to do."""


@dataclass(frozen=True)
class DemoSummary:
    days: int
    checkins: int
    experiments: int
    practice_logs: int
    ruptures: int

    def words(self) -> str:
        from tracker.analytics import plural

        return (
            f"{plural(self.checkins, 'check-in')} over {plural(self.days, 'day')}, "
            f"{plural(self.experiments, 'experiment')} with "
            f"{plural(self.practice_logs, 'practice log')}, and "
            f"{plural(self.ruptures, 'rupture')}."
        )


HARD_EMOTIONS = [
    "anxious",
    "sad",
    "lonely",
    "hurt",
    "overwhelmed",
    "frustrated",
    "ashamed",
    "afraid",
    "jealous",
    "tired",
    "numb",
    "angry",
    "guilty",
]
HARD_WEIGHTS = [10, 7, 6, 5, 5, 5, 3, 3, 2, 6, 2, 3, 2]
EASY_EMOTIONS = [
    "calm",
    "content",
    "connected",
    "hopeful",
    "safe",
    "grateful",
    "relieved",
    "proud",
    "loved",
    "curious",
]
EASY_WEIGHTS = [9, 7, 7, 6, 4, 4, 3, 2, 3, 3]
PEOPLE = [("Sam", 50), ("Mum", 12), ("Jo", 10), ("Priya", 8)]
NEEDS = [
    "to feel heard",
    "reassurance that we're okay",
    "some quiet",
    "a hug",
    "to say no",
    "rest",
    "to be asked how I am",
    "time to think before answering",
    "help with the load",
    "to know the plan for the weekend",
    "to be taken seriously",
    "a slower evening",
]
NAMED = re.compile(r"\b(" + "|".join(name for name, _ in PEOPLE) + r")\b")
NOTES_HARD = [
    "Sam went quiet after dinner and I spent the evening reading into it.",
    "Checked my phone far too often waiting for a reply.",
    "Long day at work; snapped at Sam about nothing and felt awful after.",
    "Couldn't sleep, replaying the conversation with Mum.",
    "Felt left out when the plans were made without me.",
    "Said yes to something I didn't want to do, again.",
    "The old 'don't be a burden' rule was loud today.",
]
NOTES_EASY = [
    "Asked for what I needed in one sentence and it was fine.",
    "Sam noticed I was tired and made tea. Small thing, it landed.",
    "Walked before replying to the message. Replied calmer.",
    "Good session today; we talked about the pull to chase.",
    "Quiet evening, didn't check for replies once.",
    "Told Jo something true about how I've been. She got it.",
]
# {who} is the rupture's person, so the story and the "with" column always agree.
RUPTURE_STORIES = {
    "pursued": [
        "I kept texting when {who} didn't reply and it turned into a fight.",
        "Pushed {who} for an answer about the weekend until it blew up.",
        "Asked {who} 'are we okay?' five times in an evening.",
    ],
    "withdrew": [
        "Went silent for the whole evening after a comment from {who} stung.",
        "Left the room mid-conversation with {who} and didn't come back.",
        "Didn't answer {who}'s calls for a day after the argument.",
    ],
    "attacked": [
        "Raised my voice at {who} and said something unfair.",
        "Brought up old things with {who} in the middle of a small disagreement.",
    ],
    "froze": [
        "Couldn't say anything when {who} criticised me; just shut down.",
        "Went blank during the argument with {who} and agreed to things I didn't mean.",
    ],
    "other": ["Misunderstanding with {who} over a message; both of us got defensive."],
}
REPAIR_NOTES = {
    0: "We talked it through that evening.",
    1: "We talked it through the next evening.",
}
OUTCOMES = [
    "It went better than I predicted. The urge faded after a few minutes.",
    "Mixed: easier on good days, very hard when I was already tired.",
    "Nothing bad happened when I waited. The other person didn't notice the delay.",
    "Harder than I thought to remember in the moment, but when I did, it helped.",
]
LEARNED = [
    "The feeling peaks and passes; I don't have to act on it at the peak.",
    "Saying the need plainly gets a better answer than hinting.",
    "I can stay with discomfort for longer than I believed.",
    "People mostly respond well when I'm clear and kind about what I need.",
    "Practice is easier to keep when it's tied to something I already do.",
]
PRACTICE_NOTES = [
    "Did it before replying.",
    "Hard, but managed.",
    "Remembered halfway through.",
    "Easier than last time.",
    "Needed two tries.",
]


# How I'll know, and what I'll stop doing to feel safe, for the library's experiments
# (by title): what someone writing their own record might put.
HOW_I_WILL_KNOW = {
    "Three breaths before replying": "Sam says I took too long, or stops replying.",
    "Twenty minutes with the urge": "After 20 minutes the worry is as strong or stronger.",
    "One need, one sentence": "They sigh, change the subject or go quiet afterwards.",
    "A timed pause in conflict": "Sam is angrier when I come back than when I left.",
    "Repair within a day": "It gets brought up against me in the next argument.",
    "Still here, just quiet": "Sam asks questions I can't answer and I feel cornered.",
    "Notice being met": "By the evening there is nothing to write down.",
    "Five things, four sounds": "My distress is no lower after grounding.",
    "Ask before assuming": "Their answer is the worst thing I had imagined.",
    "One small true thing": "They laugh it off, or look away and move on.",
    "Let it sit for an hour": "I can't think about anything else for the hour.",
    "Name the quiet rule": "Questioning it makes no difference to what I do next.",
    "Say it while it's small": "Mentioning it turns into an argument that evening.",
}
SAFETY_BEHAVIOURS = {
    "Three breaths before replying": "Rereading the message over and over before sending.",
    "Twenty minutes with the urge": "Checking whether they are online.",
    "One need, one sentence": "Apologising before I say it; adding 'it's fine if not'.",
    "A timed pause in conflict": "Leaving without saying when I'll be back.",
    "Repair within a day": "Adding 'but you also…'.",
    "Still here, just quiet": "Turning my phone off so I can't see replies.",
    "Ask before assuming": "Asking in a joking way so I can take it back.",
    "One small true thing": "Saying it as a joke.",
    "Let it sit for an hour": "Keeping the phone face up beside me.",
    "Say it while it's small": "Waiting until I'm sure I'm right.",
}


def _smooth(p: float) -> float:
    return p * p * (3 - 2 * p)


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, int(round(value))))


class _Gen:
    def __init__(self, years: float, seed: int, end: dt.date, now: dt.time):
        self.rng = random.Random(seed)
        self.record_rng = random.Random(f"record-{seed}")
        """For the experiment record's later fields (schema 5), apart from ``rng`` so
        that everything else a seed gives stays as it was."""
        self.end = end
        self.now = now
        self.ndays = max(1, int(round(years * 365.25)))
        self.start = end - dt.timedelta(days=self.ndays - 1)
        offset = clock.now().strftime("%z") or "+0000"
        self.tz = f"{offset[:3]}:{offset[3:]}"
        self.cutoff = f"{end.isoformat()}T{now:%H:%M}:00"
        """Records stamped at or after this (local time, on the last day) have not
        happened yet: they are left out."""

    def past(self, stamp: str) -> bool:
        """Whether a stamp from :meth:`stamp` lies before the present moment."""
        return stamp[:19] < self.cutoff

    def earlier(self, stamp: str) -> str:
        """``stamp``, or a minute before now when ``stamp`` would be in the future."""
        if self.past(stamp):
            return stamp
        moment = dt.datetime.combine(self.end, self.now) - dt.timedelta(minutes=1)
        return f"{moment:%Y-%m-%dT%H:%M}:00{self.tz}"

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def stamp(self, day: dt.date, hour: int, minute: int | None = None) -> str:
        minute = self.rng.randrange(60) if minute is None else minute
        return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00{self.tz}"

    # -- the underlying state of each day --

    def days_state(self) -> None:
        rng = self.rng
        n = self.ndays
        self.level: list[float] = []  # latent regulation, about 0..5
        self.episode: list[float] = []  # depth of a bad week (0 = none)
        self.away: list[bool] = []  # a stretch without the app
        noise = 0.0
        episode_left = 0
        depth = 0.0
        away_left = 0
        for i in range(n):
            day = self.start + dt.timedelta(days=i)
            p = i / max(n - 1, 1)
            noise = 0.7 * noise + rng.gauss(0, 0.33)
            if episode_left == 0 and rng.random() < 1 / (40 + 25 * p):
                episode_left = rng.randint(4, 10)
                depth = rng.uniform(0.9, 1.7)
            winter = 0.25 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25)
            base = 1.5 + 2.1 * _smooth(p) - winter
            ep = depth if episode_left else 0.0
            if episode_left:
                episode_left -= 1
            if away_left == 0 and rng.random() < 1.5 / 365:
                away_left = rng.randint(5, 14)
            self.away.append(away_left > 0)
            if away_left:
                away_left -= 1
            self.level.append(base + noise - ep)
            self.episode.append(ep)

    # -- records --

    def ruptures(self) -> list[Rupture]:
        rng = self.rng
        out: list[Rupture] = []
        self.rupture_day: set[int] = set()
        for i in range(self.ndays):
            p = i / max(self.ndays - 1, 1)
            chance = 0.022 - 0.01 * p + (0.07 if self.episode[i] else 0.0)
            if rng.random() >= chance:
                continue
            day = self.start + dt.timedelta(days=i)
            move = rng.choices(
                ["pursued", "withdrew", "attacked", "froze", "other"],
                [0.5 - 0.2 * p, 0.22, 0.12 - 0.06 * p, 0.1, 0.06],
            )[0]
            person = rng.choices(["Sam", "Mum", "Jo", "Priya"], [60, 20, 10, 10])[0]
            delay = None
            days_left = (self.end - day).days
            repaired_on = None
            # Older ruptures are nearly all repaired by now; recent ones not always.
            chance = 0.97 if days_left > 60 else 0.75 if days_left > 4 else 0.45
            if rng.random() < chance:
                delay = min(int(rng.expovariate(1 / (0.4 + 3.2 * (1 - p)))), 30, days_left)
                repaired_on = (day + dt.timedelta(days=delay)).isoformat()
            steps: dict[str, Any] = {
                "acknowledged": int(rng.random() < 0.75 + 0.2 * p),
                "apologised": int(rng.random() < 0.55 + 0.2 * p),
                "took_accountability": int(rng.random() < 0.4 + 0.4 * p),
                "repair_attempt": int(repaired_on is not None or rng.random() < 0.4),
                "talked_needs": int(rng.random() < 0.3 + 0.4 * p),
            }
            hour = rng.choice([8, 12, 18, 19, 20, 21, 22])
            happened_at = self.stamp(day, hour)
            created_at = self.stamp(day, min(hour + 1, 23))
            story = rng.choice(RUPTURE_STORIES[move]).format(who=person)
            note = (
                REPAIR_NOTES.get(delay, "We talked it through a few days later.")
                if delay is not None and rng.random() < 0.3
                else None
            )
            if not self.past(happened_at):
                continue  # later today: it has not happened yet
            self.rupture_day.add(i)
            out.append(
                Rupture.create(
                    id=self.uid(),
                    day=day.isoformat(),
                    happened_at=happened_at,
                    created_at=self.earlier(created_at),
                    my_move=move,
                    intensity=_clamp(rng.gauss(3.2 - 0.8 * p, 0.9), 1, 5),
                    what_happened=story,
                    people=[person],
                    repaired_on=repaired_on,
                    note=note,
                    **steps,
                )
            )
        return out

    def experiments(self) -> tuple[list[Experiment], list[PracticeLog]]:
        from tracker.shipped import experiment_library

        rng = self.rng
        library = experiment_library()
        experiments: list[Experiment] = []
        logs: list[PracticeLog] = []
        self.practised: set[int] = set()
        i = rng.randint(10, 25)
        k = rng.randrange(len(library))
        running_today = False
        last_index = -1
        while True:
            forced = False
            if i >= self.ndays:
                if running_today:
                    break
                # Nothing is running on the last day: start one a few days before it,
                # so the demo always has an experiment in progress.
                i = min(max(last_index + 2, self.ndays - rng.randint(2, 8), 0), self.ndays - 1)
                forced = True
            item = library[k % len(library)]
            k += 1
            length = int(item.get("days") or 14)
            target = int(item.get("target_count") or 5)
            start = self.start + dt.timedelta(days=i)
            planned_end = start + dt.timedelta(days=length - 1)
            if forced:
                planned_end = max(planned_end, self.end + dt.timedelta(days=3))
            p = i / max(self.ndays - 1, 1)
            belief = _clamp(rng.gauss(75 - 15 * p, 8), 30, 95)
            finished = planned_end < self.end
            running_today = not finished
            dropped = finished and rng.random() < 0.18
            last = planned_end
            if dropped:
                last = start + dt.timedelta(days=rng.randint(3, max(3, length - 3)))
            last = min(last, self.end)
            eid = self.uid()
            fields: dict[str, Any] = dict(
                id=eid,
                title=item["title"],
                practice=item["practice"],
                prediction=item.get("prediction"),
                belief_before=belief,
                started_on=start.isoformat(),
                ends_on=planned_end.isoformat(),
                target_count=target,
                created_at=self.earlier(self.stamp(start, 9)),
            )
            if finished:
                fields.update(
                    status="dropped" if dropped else "completed",
                    ended_on=last.isoformat(),
                    outcome=rng.choice(OUTCOMES),
                    belief_after=_clamp(belief - rng.gauss(12 if dropped else 28, 10), 5, 95),
                    learned=None if dropped else rng.choice(LEARNED),
                    updated_at=self.stamp(last, 21),
                )
            previous = experiments[-1] if experiments else None
            fields.update(self.record_fields(item, belief, finished, dropped, previous))
            experiments.append(Experiment.create(fields))
            new_logs = self.practice_logs(eid, i, start, last, length, target, p, dropped)
            if fields.get("how_i_will_know"):
                new_logs = self.predictions_happened(new_logs, belief)
            logs += new_logs
            last_index = i + (last - start).days
            i = last_index + 1 + rng.randint(7, 35)
        return experiments, logs

    def record_fields(
        self,
        item: dict[str, Any],
        belief: int,
        finished: bool,
        dropped: bool,
        previous: Experiment | None,
    ) -> dict[str, Any]:
        """The rest of an experiment's record, for most experiments: the library's
        other way it could go and how strongly it is believed (growing by the end of
        a completed one), how I'll know, what I'll drop, the cue; and now and then
        the next step after the completed one before it."""
        rng = self.record_rng
        title = item["title"]
        out: dict[str, Any] = {"cue": item.get("cue")}
        if item.get("alternative_belief") and rng.random() < 0.8:
            before = _clamp(100 - belief + rng.gauss(0, 8), 5, 95)
            out.update(alternative_belief=item["alternative_belief"], alternative_before=before)
            if finished:
                gain = rng.gauss(8 if dropped else 24, 10)
                out["alternative_after"] = _clamp(before + gain, 5, 95)
        if title in HOW_I_WILL_KNOW and rng.random() < 0.7:
            out["how_i_will_know"] = HOW_I_WILL_KNOW[title]
        if title in SAFETY_BEHAVIOURS and rng.random() < 0.6:
            out["safety_behaviours"] = SAFETY_BEHAVIOURS[title]
        if previous is not None and previous.status == "completed" and rng.random() < 0.4:
            out["follows_id"] = previous.id
        return out

    def predictions_happened(self, logs: list[PracticeLog], belief: int) -> list[PracticeLog]:
        """The logs, with how far the prediction happened at each practice answered
        most times: less and less, unevenly, in tens as people type them."""
        rng = self.record_rng
        done = sum(1 for log in logs if log.done)
        out = []
        k = 0
        for log in logs:
            if log.done:
                trend = belief * (0.8 - 0.5 * k / max(done - 1, 1))
                k += 1
                if rng.random() >= 0.15:
                    value = _clamp(rng.gauss(trend, 14) / 10, 0, 10) * 10
                    log = PracticeLog.create(log.to_row(), prediction_happened=value)
            out.append(log)
        return out

    def practice_logs(
        self,
        eid: str,
        i: int,
        start: dt.date,
        last: dt.date,
        length: int,
        target: int,
        p: float,
        dropped: bool,
    ) -> list[PracticeLog]:
        """Logs on some of the days an experiment ran, about as many as its target asks
        for over those days: sometimes fewer, sometimes a few more, more often later on."""
        rng = self.rng
        ran = (last - start).days + 1
        factor = max(0.2, rng.gauss(0.8 + 0.25 * p, 0.25)) * (0.6 if dropped else 1.0)
        done_count = int(target * min(ran / length, 1.0) * factor + 0.5)
        days = [j for j in range(ran) if i + j < self.ndays and not self.away[i + j]]
        done_count = min(done_count, len(days))
        missed_count = min(rng.choice([0, 0, 1, 1, 2]), len(days) - done_count)
        chosen = sorted(rng.sample(days, done_count + missed_count))
        missed = set(rng.sample(chosen, missed_count))
        logs = []
        for j in chosen:
            index = i + j
            day = start + dt.timedelta(days=j)
            done = j not in missed
            before = _clamp(rng.gauss(3.2 + 0.4 * (self.episode[index] > 0), 0.8), 0, 5)
            after = _clamp(before - rng.choice([0, 1, 1, 1, 2]) if done else before, 0, 5)
            note = rng.choice(PRACTICE_NOTES) if rng.random() < 0.25 else None
            created_at = self.stamp(day, rng.choice([10, 13, 19, 21]))
            if not self.past(created_at):
                continue  # later today
            if done:
                self.practised.add(index)
            logs.append(
                PracticeLog.create(
                    id=self.uid(),
                    experiment_id=eid,
                    day=day.isoformat(),
                    done=int(done),
                    distress_before=before if done else None,
                    distress_after=after if done else None,
                    note=note,
                    created_at=created_at,
                )
            )
        return logs

    def checkins(self) -> list[CheckIn]:
        rng = self.rng
        out: list[CheckIn] = []
        for i in range(self.ndays):
            if self.away[i]:
                continue
            p = i / max(self.ndays - 1, 1)
            show_up = 0.72 + 0.2 * p - (0.12 if self.episode[i] else 0.0)
            if rng.random() >= show_up:
                continue
            day = self.start + dt.timedelta(days=i)
            level = self.level[i]
            if i in self.practised:
                level += 0.35
            if i in self.rupture_day:
                level -= 0.9
            roll = rng.random()
            count = 1 if roll < 0.6 else 2 if roll < 0.88 else 3
            hours = sorted(rng.sample([8, 9, 12, 13, 17, 20, 21, 22], count))
            for hour in hours:
                checkin = self.checkin(day, hour, level, p, i)
                if self.past(checkin.created_at):  # nothing later today than now
                    out.append(checkin)
        return out

    def checkin(self, day: dt.date, hour: int, level: float, p: float, i: int) -> CheckIn:
        rng = self.rng
        reg = _clamp(level + rng.gauss(0, 0.55), 0, 5)
        mood = _clamp(0.9 + 0.8 * level + rng.gauss(0, 0.6), 1, 5)
        ep = self.episode[i]
        intensity = _clamp(4.3 - 0.75 * level + 0.5 * ep + rng.gauss(0, 0.6), 0, 5)
        pursue = _clamp(
            3.3 - 1.9 * _smooth(p) + 0.7 * ep - 0.3 * (level - 2.5) + rng.gauss(0, 0.7), 0, 5
        )
        withdraw = _clamp(
            1.3 - 0.4 * p + 0.6 * ep + 0.35 * math.sin(i / 47) + rng.gauss(0, 0.7), 0, 5
        )
        pursue_rated = rng.random() > 0.08
        withdraw_rated = rng.random() > 0.08
        pursue_acted = (
            int(rng.random() < 0.1 + 0.12 * pursue - 0.2 * p) if pursue and pursue_rated else None
        )
        withdraw_acted = (
            int(rng.random() < 0.1 + 0.1 * withdraw) if withdraw and withdraw_rated else None
        )
        if intensity >= 3:
            paused: int | None = int(rng.random() < 0.25 + 0.5 * p)
        else:
            paused = None if rng.random() < 0.7 else 1
        hard = mood <= 2 or (mood == 3 and rng.random() < 0.5)
        pool, weights = (HARD_EMOTIONS, HARD_WEIGHTS) if hard else (EASY_EMOTIONS, EASY_WEIGHTS)
        emotions = set(rng.choices(pool, weights, k=rng.choice([1, 1, 2, 2, 3])))
        if rng.random() < 0.2:  # feelings come mixed
            other = EASY_EMOTIONS if hard else HARD_EMOTIONS
            emotions.add(rng.choice(other))
        people = [name for name, weight in PEOPLE if rng.random() < weight / 100]
        tags = []
        weekday = day.weekday()
        if weekday < 5 and rng.random() < 0.55:
            tags.append("work")
        if rng.random() < 0.12 + 0.2 * (level < 2):
            tags.append("bad sleep")
        if rng.random() < 0.15:
            tags.append("exercise")
        if rng.random() < 0.12:
            tags.append("time outside")
        if weekday == 1 and hour < 18 and rng.random() < 0.8:
            tags.append("therapy session")
        if rng.random() < 0.04 + 0.1 * (ep > 0):
            tags.append("deadline")
        if weekday >= 5 and rng.random() < 0.2:
            tags.append("family visit")
        need = rng.choice(NEEDS) if rng.random() < 0.25 + 0.15 * hard else None
        note = None
        if rng.random() < 0.18:
            note = rng.choice(NOTES_HARD if hard else NOTES_EASY)
            # Whoever the note names is among the check-in's people.
            people += [name for name in NAMED.findall(note) if name not in people]
        return CheckIn.create(
            id=self.uid(),
            day=day.isoformat(),
            created_at=self.stamp(day, hour),
            mood=mood,
            intensity=intensity if rng.random() > 0.03 else None,
            regulation=reg if rng.random() > 0.05 else None,
            pursue=pursue if pursue_rated else None,
            withdraw=withdraw if withdraw_rated else None,
            pursue_acted=pursue_acted,
            withdraw_acted=withdraw_acted,
            paused=paused,
            emotions=sorted(emotions),
            people=people,
            tags=tags,
            need=need,
            note=note,
        )


def generate(
    store: Store,
    years: float = DEFAULT_YEARS,
    seed: int = DEFAULT_SEED,
    end: dt.date | None = None,
    now: dt.time | None = None,
) -> DemoSummary:
    """Write ``years`` of seeded demo data ending ``end`` (default today), in one transaction.

    ``now`` is the time of day on ``end``: nothing is dated at or after it (default:
    the clock's time when ``end`` is today, else the end of that day). Raises
    :class:`DemoError` when the database already has check-ins, so demo data never
    mixes with someone's own records.
    """
    if years <= 0:
        raise DemoError("--years must be more than 0.")
    if store.checkin_count():
        raise DemoError(
            f"{store.path} already has check-ins, so no demo data was written (it would "
            "mix with real records). Use --db with a new file, for example "
            "'tracker demo --db demo.db', or 'tracker --demo' for a throwaway one."
        )
    end = end or clock.today()
    if now is None:
        now = clock.now().time() if end == clock.today() else dt.time(23, 59)
    gen = _Gen(years, seed, end, now)
    gen.days_state()
    ruptures = gen.ruptures()
    experiments, logs = gen.experiments()
    checkins = gen.checkins()
    with store.write():
        store.save_checkins(checkins)
        store.save_experiments(experiments)
        store.save_practice_logs(logs)
        store.save_ruptures(ruptures)
        if not store.supports():
            store.save_support(
                Support.create(
                    name="Jo",
                    kind="person",
                    how_to_reach="call or text, any evening",
                    note="Knows what's going on; good at just listening.",
                    position=0,
                )
            )
            store.save_support(
                Support.create(
                    name="My therapist",
                    kind="professional",
                    how_to_reach="email between sessions",
                    position=1,
                )
            )
            store.save_support(
                Support.create(
                    name="Crisis line",
                    kind="crisis line",
                    how_to_reach="add the number for where you live",
                    position=2,
                )
            )
    return DemoSummary(gen.ndays, len(checkins), len(experiments), len(logs), len(ruptures))


@contextlib.contextmanager
def throwaway_demo(years: float = DEMO_APP_YEARS, seed: int = DEFAULT_SEED) -> Iterator[Path]:
    """A demo database in a new private temporary folder, removed afterwards.

    For ``tracker --demo``: the person's own database is never opened. (The command
    line opens the app on it; this module stays below the app.)
    """
    import shutil
    import tempfile

    from tracker.store import Store

    folder = Path(tempfile.mkdtemp(prefix="tracker-demo-"))
    try:
        path = folder / "demo.db"
        with Store.open(path) as store:
            generate(store, years=years, seed=seed)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)
