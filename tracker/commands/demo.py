"""``tracker demo``: write seeded, realistic demo data into a database."""

from __future__ import annotations

import time

import click

from tracker.cli import CannotUse, db_option, db_path, open_store_or_exit


def _finite(years: float) -> float:
    """click's FloatRange lets ``nan`` through (no comparison with it is false)."""
    if years != years:
        raise click.BadParameter("nan is not allowed; use a number of years from 0.01 to 100.")
    return years


@click.command()
@db_option
@click.option(
    "--years",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.01, 100),
    metavar="N",
    callback=lambda _ctx, _param, value: _finite(value),
    help="How many years of data, ending today.",
)
@click.option(
    "--seed",
    default=7,
    show_default=True,
    type=int,
    metavar="S",
    help="The same seed gives the same data.",
)
@click.pass_context
def demo(ctx: click.Context, years: float, seed: int) -> None:
    """Fill a database with demo data to explore charts and reports.

    Refuses a database that already has check-ins, so demo data never mixes with
    your own. Try: tracker demo --db demo.db --years 2, then tracker --db demo.db.
    'tracker --demo' opens the app on a throwaway demo database instead.
    """
    from tracker.demo import DemoError, generate

    started = time.perf_counter()
    with open_store_or_exit(ctx) as store:
        try:
            summary = generate(store, years=years, seed=seed)
        except DemoError as exc:
            raise CannotUse(str(exc)) from exc
    elapsed = time.perf_counter() - started
    path = db_path(ctx)
    click.echo(f"Wrote demo data to {path} in {elapsed:.1f} s: {summary.words()}")
    click.echo(f"Look at it with: tracker --db {path}   (press g for trends)")
