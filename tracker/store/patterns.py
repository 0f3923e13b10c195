"""What the patterns read (:mod:`tracker.patterns`): days named with each word,
pause answers by day, urges on the check-ins naming each person, and the rest
gathered in one :class:`PatternFacts`.

The figures themselves are computed in :mod:`tracker.patterns` (pure, no SQL);
these queries only gather and de-duplicate rows over the ``day`` index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracker.models import Experiment, PracticeLog, Rupture
from tracker.store.checkins import CheckinsMixin
from tracker.store.experiments import ExperimentsMixin
from tracker.store.names import NamesMixin
from tracker.store.ruptures import RupturesMixin
from tracker.store.tables import CHECKIN_LINKS

_FIRST = "0000-01-01"
_LAST = "9999-12-31"


@dataclass(frozen=True)
class PatternFacts:
    """Everything the patterns of one range are computed from (records and rows, no SQL).

    ``since`` and ``until`` are ISO days; every list holds only that range, but for
    ``experiments`` (all of them: :mod:`tracker.patterns` picks those that ran).
    """

    since: str
    until: str
    daily: list[dict[str, Any]]
    """Per day with a check-in: ``day`` and the day's mean of each scale
    (:meth:`~tracker.store.checkins.CheckinsMixin.daily_means`)."""
    named: dict[str, dict[str, tuple[str, ...]]]
    """Per kind (``emotions``, ``people``, ``tags``): each name named in a check-in of
    the range and the days it was named on (each day once, oldest first)."""
    paused: dict[str, int]
    """Per day with a check-in that answered "did you pause?": 1 when one said yes,
    else 0 (some said no, none yes). Days where none answered are absent."""
    person_checkins: list[dict[str, Any]]
    """One row per (person, check-in naming them): ``person``, ``day``, ``pursue``,
    ``withdraw``, ``pursue_acted``, ``withdraw_acted``."""
    ruptures: list[Rupture]
    """Ruptures whose day is in the range, with their people."""
    experiments: list[Experiment]
    logs: list[PracticeLog]
    """Practice logs whose day is in the range."""
    people: list[str]
    """Every person the database knows (named in a check-in or a rupture, ever)."""


class PatternsMixin(CheckinsMixin, ExperimentsMixin, RupturesMixin, NamesMixin):
    """Reads for :mod:`tracker.patterns`; writes nothing. (Built on the record tables'
    parts, in the order :class:`~tracker.store.Store` lists them.)"""

    def named_days(
        self, since: str | None = None, until: str | None = None
    ) -> dict[str, dict[str, tuple[str, ...]]]:
        """Per kind (emotions, people, tags): each name named in a check-in of the
        range, with the distinct days it was named on, oldest first."""
        lo, hi = since or _FIRST, until or _LAST
        out: dict[str, dict[str, tuple[str, ...]]] = {}
        for kind, link, key in CHECKIN_LINKS:
            days: dict[int, list[str]] = {}
            for name_id, day in self.conn.execute(
                f"SELECT l.{key}, c.day FROM {link} l JOIN checkins c ON c.id = l.checkin_id "
                f"WHERE c.day BETWEEN ? AND ? GROUP BY l.{key}, c.day ORDER BY l.{key}, c.day",
                [lo, hi],
            ):
                days.setdefault(name_id, []).append(day)
            if not days:
                out[kind] = {}
                continue
            names = dict(self.conn.execute(f"SELECT id, name FROM {kind}"))
            out[kind] = {names[i]: tuple(d) for i, d in days.items()}
        return out

    def pause_answers(self, since: str | None = None, until: str | None = None) -> dict[str, int]:
        """Per day whose check-ins answered "did you pause?": 1 when one said yes,
        0 when some said no and none yes (days where none answered are absent)."""
        return dict(
            self.conn.execute(
                "SELECT day, max(paused) FROM checkins WHERE day BETWEEN ? AND ? "
                "AND paused IS NOT NULL GROUP BY day ORDER BY day",
                [since or _FIRST, until or _LAST],
            )
        )

    def person_checkins(
        self, since: str | None = None, until: str | None = None
    ) -> list[dict[str, Any]]:
        """One row per person named in a check-in of the range and that check-in:
        ``person``, ``day`` and the check-in's urges and answers, by person then day."""
        return list(
            self._query(
                "SELECT p.name AS person, c.day, c.pursue, c.withdraw, c.pursue_acted, "
                "c.withdraw_acted FROM checkin_people l JOIN checkins c ON c.id = l.checkin_id "
                "JOIN people p ON p.id = l.person_id WHERE c.day BETWEEN ? AND ? "
                "ORDER BY p.name COLLATE NOCASE, c.day, c.id",
                [since or _FIRST, until or _LAST],
            )
        )

    def pattern_facts(self, since: str, until: str) -> PatternFacts:
        """Everything :func:`tracker.patterns.patterns` needs for the days
        ``since``..``until`` (ISO, inclusive)."""
        return PatternFacts(
            since=since,
            until=until,
            daily=self.daily_means(since, until),
            named=self.named_days(since, until),
            paused=self.pause_answers(since, until),
            person_checkins=self.person_checkins(since, until),
            ruptures=self.ruptures(since=since, until=until),
            experiments=self.experiments(),
            logs=self.practice_logs(since=since, until=until),
            people=self.people_names(),
        )
