"""A few whole screens, compared as plain text with golden files in ``snapshots/``.

Today, the check-in card and Trends, at 80x24 and 120x40, on demo data made with a
fixed seed on the frozen day (tests/conftest.py). Only the characters are compared,
not colours, so a theme change does not break them; there is no clock on screen and
no text cursor in these views. After a deliberate change to a screen, rewrite the
files with ``TRACKER_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest
tests/app/test_screenshots.py`` and read the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from tests.app.pilot import assert_snapshot, drive, screen_lines, settle
from tests.conftest import FROZEN_TODAY
from tracker import clock, demo
from tracker.store import Store

FROZEN_NOW = dt.time(20, 0)
"""The hour the screens are read at."""

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """One year of demo data (seed 7) ending on the frozen day, made once."""
    path = tmp_path_factory.mktemp("snapshots") / "demo.db"
    clock.freeze(FROZEN_TODAY, at=FROZEN_NOW)
    try:
        with Store.open(path) as store:
            demo.generate(store, years=1, seed=demo.DEFAULT_SEED)
    finally:
        clock.freeze(None)
    return path


@pytest.fixture(autouse=True)
def frozen_evening():
    """The screens show times of day and what is done "today": the hour is fixed too,
    so the screens do not depend on when the tests run."""
    clock.freeze(FROZEN_TODAY, at=FROZEN_NOW)
    yield
    clock.freeze(FROZEN_TODAY)


@pytest.fixture
def demo_db(demo_file, tmp_path):
    """A copy for one test, so nothing one app writes reaches another."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    return path


async def _today(app, pilot) -> None:
    await settle(pilot)


async def _checkin(app, pilot) -> None:
    await pilot.press("c")
    await settle(pilot)


async def _trends(app, pilot) -> None:
    await pilot.press("g")
    await settle(pilot)
    await app.workers.wait_for_complete()
    await settle(pilot)


SCREENS = {"today": _today, "checkin": _checkin, "trends": _trends}


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("name", list(SCREENS))
def test_the_screen_reads_as_it_did(demo_db, name, size):
    async def scenario(app, pilot):
        await SCREENS[name](app, pilot)
        return screen_lines(app)

    lines = drive(demo_db, scenario, size=size, demo=True)
    assert len(lines) == size[1] and all(len(line) <= size[0] for line in lines)
    assert_snapshot(f"{name}-{size[0]}x{size[1]}", lines)
