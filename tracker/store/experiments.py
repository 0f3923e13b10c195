"""Experiments and their practice logs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tracker.models import Experiment, PracticeLog, ValidationError, check_practice_day
from tracker.store.rows import upsert
from tracker.store.tables import by_instant
from tracker.store.tombstones import TombstonesMixin


class ExperimentsMixin(TombstonesMixin):
    """The ``experiments`` and ``practice_logs`` tables."""

    # -- experiments --

    def save_experiment(self, experiment: Experiment) -> Experiment:
        self.save_experiments([experiment])
        return experiment

    def save_experiments(self, experiments: Iterable[Experiment]) -> int:
        """Insert or update experiments, in one transaction; returns how many."""
        rows = [e.to_row() for e in experiments]
        with self.write():
            upsert(self.conn, "experiments", rows)
        return len(rows)

    def delete_experiment(self, experiment_id: str) -> None:
        """Delete an experiment with its practice logs (each leaves a tombstone)."""
        self.delete_records("experiments", [experiment_id])

    def experiments(self, status: str | None = None) -> list[Experiment]:
        """Experiments, active first, then by start date, newest first."""
        sql = "SELECT * FROM experiments"
        params: list[Any] = []
        if status:
            sql += " WHERE status = ?"
            params.append(status)
        sql += (
            " ORDER BY CASE status WHEN 'active' THEN 0 WHEN 'completed' THEN 1 ELSE 2 END, "
            f"started_on DESC, {by_instant('created_at', descending=True)}, id"
        )
        return [Experiment(**r) for r in self._query(sql, params)]

    def get_experiment(self, experiment_id: str) -> Experiment | None:
        rows = list(self._query("SELECT * FROM experiments WHERE id = ?", [experiment_id]))
        return Experiment(**rows[0]) if rows else None

    # -- practice logs --

    def save_practice_log(self, log: PracticeLog) -> PracticeLog:
        self.save_practice_logs([log])
        return log

    def save_practice_logs(self, logs: Iterable[PracticeLog], *, within_span: bool = True) -> int:
        """Insert or update practice logs, in one transaction; returns how many.

        The one write path of practice logs (the app's, the import's and sync's).
        ``within_span=False``: sync keeps a log whose experiment's dates were changed
        on another device so that its day is outside them now (it says so), rather
        than lose it or stop every sync on it.

        Raises:
            ValidationError: a log of an experiment that is not stored, or on a day
                before its experiment starts or after it ends
                (:func:`~tracker.models.check_practice_day`); nothing is written.
        """
        logs = list(logs)
        rows = [log.to_row() for log in logs]
        with self.write():
            spans = self._experiment_spans({log.experiment_id for log in logs})
            for log in logs:
                span = spans.get(log.experiment_id)
                if span is None:
                    raise ValidationError(
                        "experiment_id", log.experiment_id, "the id of a stored experiment"
                    )
                if within_span:
                    check_practice_day(log.day, *span)
            upsert(self.conn, "practice_logs", rows)
        return len(rows)

    def _experiment_spans(self, ids: set[str]) -> dict[str, tuple[str, str, str | None]]:
        """(started_on, ends_on, ended_on) of the experiments with these ids."""
        found: dict[str, tuple[str, str, str | None]] = {}
        id_list = sorted(ids)
        for start in range(0, len(id_list), 900):
            chunk = id_list[start : start + 900]
            for experiment_id, *span in self.conn.execute(
                "SELECT id, started_on, ends_on, ended_on FROM experiments WHERE id IN "
                f"({', '.join('?' for _ in chunk)})",
                chunk,
            ):
                found[experiment_id] = tuple(span)
        return found

    def delete_practice_log(self, log_id: str) -> None:
        self.delete_records("practice_logs", [log_id])

    def practice_logs(
        self,
        experiment_id: str | None = None,
        *,
        since: str | None = None,
        until: str | None = None,
    ) -> list[PracticeLog]:
        where, params = [], []
        if experiment_id:
            where.append("experiment_id = ?")
            params.append(experiment_id)
        if since:
            where.append("day >= ?")
            params.append(since)
        if until:
            where.append("day <= ?")
            params.append(until)
        sql = "SELECT * FROM practice_logs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY day, {by_instant('created_at')}, id"
        return [PracticeLog(**r) for r in self._query(sql, params)]

    def practice_log_on(self, experiment_id: str, day: str) -> PracticeLog | None:
        """The log of an experiment on a day (the first written, should an import have
        brought more than one): the one that logging that day again changes."""
        logs = self.practice_logs(experiment_id, since=day, until=day)
        return logs[0] if logs else None

    def practice_day_counts(self) -> dict[str, tuple[int, int]]:
        """Per experiment: (days practised, days logged), each day counted once."""
        return {
            r[0]: (r[1], r[2])
            for r in self.conn.execute(
                "SELECT experiment_id, count(DISTINCT CASE WHEN done = 1 THEN day END), "
                "count(DISTINCT day) FROM practice_logs GROUP BY experiment_id"
            )
        }

    def practice_counts(self) -> dict[str, tuple[int, int]]:
        """Per experiment: (times done, times logged)."""
        return {
            r[0]: (r[1] or 0, r[2])
            for r in self.conn.execute(
                "SELECT experiment_id, sum(done), count(*) FROM practice_logs "
                "GROUP BY experiment_id"
            )
        }

    def practised_days(self) -> dict[str, set[str]]:
        """Per experiment: the days with a practice log marked done (``done = 1``)."""
        out: dict[str, set[str]] = {}
        for experiment_id, day in self.conn.execute(
            "SELECT DISTINCT experiment_id, day FROM practice_logs WHERE done = 1"
        ):
            out.setdefault(experiment_id, set()).add(day)
        return out
