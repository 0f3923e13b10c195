"""``tracker practice`` logs a day's practice of an experiment; ``tracker experiments``
lists them. The rules (which experiment a name means, which days take a log) are
:mod:`tracker.practice`'s, the app's too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from tracker import clock
from tracker.cli import db_option, fail_validation, open_store_or_exit
from tracker.models import (
    DISTRESS,
    Experiment,
    PracticeLog,
    ValidationError,
    parse_flag,
    practice_span,
)
from tracker.practice import (
    Refusal,
    check_log_day,
    logged_words,
    period_over,
    resolve_experiment,
    short_id,
    title_words,
)
from tracker.text import one_line, terminal_safe_json

OPTION_NAMES = {
    "done": "--done",
    "distress_before": "--before",
    "distress_after": "--after",
    "prediction_happened": "--happened",
    "day": "--day",
    "note": "--note",
}
"""A field of the log -> the option that gives it (refusals name the option)."""


def _refuse(exc: ValidationError) -> None:
    """Refuse, naming the option rather than the stored field."""
    name = OPTION_NAMES.get(exc.field)
    if name is not None and not isinstance(exc, Refusal):
        exc = ValidationError(name, exc.value, exc.allowed)
    fail_validation(exc)


def _checked_values(
    done: str | None,
    before: str | None,
    after: str | None,
    happened: str | None,
    day: str | None,
    note: str | None,
) -> dict[str, Any]:
    """The options as a log's values, each checked (raises ValidationError); nothing
    here needs the database."""
    if done is None:
        raise Refusal(
            "--done", "", "yes or no", "--done: needed; use yes or no (did you practise it?)."
        )
    practised = parse_flag("done", done, allow_none=False)
    if not practised:
        given = [
            OPTION_NAMES[field]
            for field, value in (
                ("distress_before", before),
                ("distress_after", after),
                ("prediction_happened", happened),
            )
            if value is not None
        ]
        if given:
            raise Refusal(
                given[0],
                "",
                "--done yes",
                f"{given[0]}: only with --done yes; not this time asks nothing more "
                "(a --note is welcome).",
            )
    values: dict[str, Any] = {"done": practised, "updated_at": clock.now_iso()}
    if day is not None:
        values["day"] = day
    for field, value in (
        ("distress_before", before),
        ("distress_after", after),
        ("prediction_happened", happened),
        ("note", note),
    ):
        if value is not None:
            values[field] = value
    # Every value checked now, against a stand-in experiment id.
    PracticeLog.create(values, experiment_id="00000000-0000-4000-8000-000000000000")
    return values


@click.command()
@db_option
@click.argument("experiment", required=False, metavar="[EXPERIMENT]")
@click.option("--done", metavar="yes|no", help="Did you practise it? (required)")
@click.option(
    "--before",
    metavar="0-5",
    help=f"Distress before: 0 = {DISTRESS.labels[0]}, 5 = {DISTRESS.labels[-1]}.",
)
@click.option("--after", metavar="0-5", help="Distress after, the same scale.")
@click.option(
    "--day", metavar="YYYY-MM-DD", help="The day you practised (default today; in its period)."
)
@click.option(
    "--happened", metavar="0-100", help="How far what you predicted happened, 0-100 (optional)."
)
@click.option("--note", metavar="TEXT", help="Anything to remember, in your own words.")
@click.pass_context
def practice(
    ctx: click.Context,
    experiment: str | None,
    done: str | None,
    before: str | None,
    after: str | None,
    day: str | None,
    happened: str | None,
    note: str | None,
) -> None:
    """Log a day's practice of EXPERIMENT: its id (or the start of one) or the start
    of its title, any case; leave it out when one experiment is running.

    Logging a day that already has a log for this experiment changes that log:
    the values given here replace those, the rest stays. "--done no" (not this
    time) keeps no distress or prediction answers for the day.
    """
    try:
        values = _checked_values(done, before, after, happened, day, note)
    except ValidationError as exc:
        _refuse(exc)
        return
    today = clock.today()
    with open_store_or_exit(ctx, create=False) as store:
        try:
            with store.write():  # one transaction: find the day's log, write it
                chosen = resolve_experiment(store.experiments(), experiment)
                log_day = values.get("day") or today.isoformat()
                _check_day(chosen, log_day, today, given="day" in values)
                existing = store.practice_log_on(chosen.id, log_day)
                log = _the_log(chosen, log_day, existing, values)
                store.save_practice_log(log)
        except ValidationError as exc:
            _refuse(exc)
            return
    click.echo(logged_words(log, chosen, today, updated=existing is not None))


def _check_day(experiment: Experiment, day: str, today: dt.date, *, given: bool) -> None:
    """Refuse a day outside the experiment's period; left out, say that today is."""
    try:
        check_log_day(experiment, day, today)
    except ValidationError as exc:
        if given or isinstance(exc, Refusal):
            raise
        start, end = practice_span(experiment.started_on, experiment.ends_on, experiment.ended_on)
        raise Refusal(
            "--day",
            day,
            exc.allowed,
            f"--day: left out, it is today ({day}), outside {title_words(experiment)}'s "
            f"period, {start} to {end}; give --day with a day in it.",
        ) from None


def _the_log(
    experiment: Experiment, day: str, existing: PracticeLog | None, values: dict[str, Any]
) -> PracticeLog:
    """The day's log with ``values``: a new one, or the day's log changed."""
    changes = {**values, "day": day, "experiment_id": experiment.id}
    if existing is None:
        return PracticeLog.create(changes)
    if not values["done"]:  # not this time: no answers about the practice stay
        changes.update(distress_before=None, distress_after=None, prediction_happened=None)
    return PracticeLog.create(existing.to_row(), **changes)


# --- tracker experiments -----------------------------------------------------------------


def _status_words(exp: Experiment, today: dt.date) -> str:
    if period_over(exp, today):
        return "active, period over"
    return {"active": "active", "completed": "completed", "dropped": "set aside"}.get(
        exp.status, exp.status
    )


def _practised_words(practised: int, target: int) -> str:
    return f"{practised} of {target}" if practised <= target else f"{practised} (aim {target})"


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object per experiment.")
@click.pass_context
def experiments(ctx: click.Context, as_json: bool) -> None:
    """List experiments, running ones first: id, status, period, days practised of
    the aim, and title. 'tracker practice ID --done yes' logs practice for one."""
    today = clock.today()
    with open_store_or_exit(ctx, create=False) as store:
        listed = store.experiments()
        counts = store.practice_day_counts()
    if as_json:
        import json  # here, not at the top: only --json needs it

        payload = []
        for exp in listed:
            practised, logged = counts.get(exp.id, (0, 0))
            first, last = practice_span(exp.started_on, exp.ends_on, exp.ended_on)
            payload.append(
                {
                    **exp.to_row(),
                    "practised_days": practised,
                    "logged_days": logged,
                    "period_over": period_over(exp, today),
                    "period": {"first": first, "last": last},
                }
            )
        click.echo(terminal_safe_json(json.dumps(payload, ensure_ascii=False, indent=2)))
        return
    if not listed:
        click.echo("No experiments yet. In the app, press e, then n, to start one.")
        return
    rows = [("id", "status", "period", "practised", "title")]
    for exp in listed:
        practised, _ = counts.get(exp.id, (0, 0))
        rows.append(
            (
                short_id(exp.id),
                _status_words(exp, today),
                "{} to {}".format(*practice_span(exp.started_on, exp.ends_on, exp.ended_on)),
                _practised_words(practised, exp.target_count),
                one_line(exp.title),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4])
    running = sum(1 for e in listed if e.status == "active")
    click.echo(
        f"{len(listed)} experiment{'s' if len(listed) != 1 else ''}, {running} running."
        + (" 'tracker practice ID --done yes' logs a day's practice." if running else "")
    )
