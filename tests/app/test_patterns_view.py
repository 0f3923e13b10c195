"""The Patterns view (8 from Trends), driven by keys through Textual's Pilot."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.app.pilot import burst, drive, screen_lines, settle
from tests.conftest import FROZEN_TODAY
from tracker.app.screens.patterns import PatternsScreen
from tracker.app.screens.trends import TrendsScreen
from tracker.models import CheckIn, Rupture
from tracker.store import Store


def day(n: int) -> str:
    return (FROZEN_TODAY - dt.timedelta(days=n)).isoformat()


@pytest.fixture
def known(db_path):
    """Sixty days: Sam is named on every third day, with regulation 1 and the urge to
    pursue 5; the other days have regulation 4 and pursue 1. One rupture with Sam."""
    with Store.open(db_path) as s:
        s.save_checkins(
            CheckIn.create(
                day=day(n),
                created_at=f"{day(n)}T09:00:00+00:00",
                mood=3,
                regulation=1 if n % 3 == 0 else 4,
                pursue=5 if n % 3 == 0 else 1,
                pursue_acted=1 if n % 6 == 0 else 0,
                people=["Sam"] if n % 3 == 0 else [],
            )
            for n in range(60)
        )
        s.save_rupture(
            Rupture.create(day=day(5), my_move="pursued", people=["Sam"], repaired_on=day(4))
        )
    return db_path


async def open_patterns(app, pilot, range_key: str | None = None) -> PatternsScreen:
    await pilot.press("g")
    await settle(pilot)
    await app.workers.wait_for_complete()
    await settle(pilot)
    if range_key:
        await pilot.press(range_key)
        await settle(pilot)
    await pilot.press("8")
    await settle(pilot)
    assert isinstance(app.screen, PatternsScreen)
    await app.workers.wait_for_complete()
    await settle(pilot)
    assert app.screen.is_loaded
    return app.screen


def test_8_opens_the_patterns_of_the_range_trends_shows(known):
    async def scenario(app, pilot):
        screen = await open_patterns(app, pilot)
        assert screen.range_key == "m"
        text = screen.text
        # The last 30 days: days 0..29, Sam on 0, 3, ..., 27 (10 days).
        assert (
            "On the 10 days with Sam, regulation averaged 1.0; on the 20 days without, 4.0." in text
        )
        assert (
            "On the 10 days with Sam, the urge to pursue averaged 5.0; on the 20 days without, 1.0."
            in text
        )
        assert "Sam: named in 10 check-ins on 10 days." in text
        assert "you acted on it 5 of 10 times." in text
        assert "1 rupture with them: 1 repaired; a median of 1 day to repair." in text
        assert "not what caused what" in text
        shown = "\n".join(screen_lines(app))
        assert "Patterns · last 30 days" in shown
        assert "esc Charts" in shown

    drive(known, scenario)


def test_range_keys_work_here_and_trends_keeps_the_range(known):
    async def scenario(app, pilot):
        screen = await open_patterns(app, pilot, range_key="9")
        assert screen.range_key == "9"
        assert "On the 20 days with Sam" in screen.text  # 60 days of data in 90
        await pilot.press("w")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        # 7 days: Sam on 0, 3, 6 (3 days) and 4 without: shown.
        assert (
            "On the 3 days with Sam, regulation averaged 1.0; on the 4 days without, 4.0."
            in screen.text
        )
        await pilot.press("escape")
        await settle(pilot)
        trends = app.screen
        assert isinstance(trends, TrendsScreen)
        assert trends.range_key == "w"
        await pilot.press("8")
        await settle(pilot)
        assert isinstance(app.screen, PatternsScreen) and app.screen.range_key == "w"
        await pilot.press("8")  # 8 again goes back too
        await settle(pilot)
        assert isinstance(app.screen, TrendsScreen)
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("g")  # and so does the Trends key
        await settle(pilot)
        assert isinstance(app.screen, TrendsScreen)

    drive(known, scenario)


def test_two_days_on_a_side_shows_nothing(db_path):
    with Store.open(db_path) as s:
        s.save_checkins(
            CheckIn.create(day=day(n), mood=3, regulation=1, people=["Sam"] if n < 2 else [])
            for n in range(6)
        )

    async def scenario(app, pilot):
        screen = await open_patterns(app, pilot)
        assert "days with Sam" not in screen.text
        assert "Nothing to compare yet" in screen.text

    drive(db_path, scenario)


def test_it_scrolls_by_keys_and_survives_a_hurried_typist(known):
    async def scenario(app, pilot):
        screen = await open_patterns(app, pilot)
        body = screen.query_one("#patterns-body")
        assert body.has_focus
        await pilot.press("pagedown")
        await settle(pilot)
        assert body.scroll_y > 0
        await pilot.press("home")
        await settle(pilot)
        assert body.scroll_y == 0
        burst(app, "wmya9", ("escape",), "8", "m")
        await settle(pilot, 6)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert isinstance(app.screen, PatternsScreen)
        assert app.screen.range_key == "m" and app.screen.is_loaded
        assert "On the 10 days with Sam" in app.screen.text

    drive(known, scenario, size=(80, 24))


def test_a_check_in_from_another_terminal_shows_up(known):
    async def scenario(app, pilot):
        screen = await open_patterns(app, pilot, range_key="w")
        assert "On the 3 days with Sam" in screen.text
        with Store.open(known) as other:  # another connection, like `tracker add`
            other.save_checkin(CheckIn.create(day=day(1), mood=3, regulation=1, people=["Sam"]))
        app._poll_for_changes()
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert "On the 4 days with Sam" in screen.text

    drive(known, scenario)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_it_reads_at_both_sizes(known, size):
    async def scenario(app, pilot):
        await open_patterns(app, pilot)
        lines = screen_lines(app)
        assert len(lines) == size[1]
        assert all(len(line) <= size[0] for line in lines)
        assert lines[2].startswith(" Patterns · last 30 days · 30 Oct 2026 to 28 Nov 2026")
        assert any("With and without" in line for line in lines)

    drive(known, scenario, size=size)
