"""The Week section: the diary card in the app, [ ] to move, weeks side by side, gaps;
the hard moments in Trends; the urges in History; the NavBar at 80 columns."""

from __future__ import annotations

import re

import pytest

from tests.app.pilot import drive, keys, screen_lines, settle
from tracker.app.screens.history import HistoryScreen
from tracker.app.screens.trends import TrendsScreen
from tracker.app.screens.week import WeekScreen, weeks_that_fit
from tracker.app.widgets.weekgrid import WeekGridView
from tracker.models import CheckIn


def at(day: str, hour: int, **values) -> CheckIn:
    return CheckIn.create(day=day, created_at=f"{day}T{hour:02d}:00:00+01:00", **values)


@pytest.fixture
def weeks(store):
    """Check-ins in the current week (Mon 23 Nov to Sun 29 Nov 2026, today Sat 28) and
    the two before it, with days left out."""
    store.save_checkins(
        [
            at("2026-11-10", 9, mood=2, regulation=1, pursue=4, pursue_acted=1, paused=0),
            at("2026-11-12", 9, mood=3, regulation=2, withdraw=3, withdraw_acted=0, paused=1),
            at("2026-11-14", 9, mood=3, pursue=5, pursue_acted=1, paused=0),
            at("2026-11-17", 9, mood=4, regulation=4, emotions=["calm"]),
            at(
                "2026-11-23",
                8,
                mood=2,
                intensity=4,
                regulation=1,
                pursue=4,
                pursue_acted=1,
                paused=0,
                emotions=["anxious"],
            ),
            at("2026-11-23", 20, mood=5, intensity=1, regulation=4, pursue=1, paused=1),
            at("2026-11-25", 9, mood=3, withdraw=3, withdraw_acted=1, paused=1, emotions=["hurt"]),
            at("2026-11-26", 9, mood=4, pursue=3, pursue_acted=0, paused=1),
        ]
    )
    return store


async def open_week(app, pilot) -> WeekScreen:
    await pilot.press("k")
    await settle(pilot)
    assert isinstance(app.screen, WeekScreen)
    return app.screen


def grids(screen: WeekScreen) -> list[WeekGridView]:
    return list(screen.query(WeekGridView))


def test_k_opens_the_current_week_with_its_gaps(db_path, weeks):
    async def scenario(app, pilot):
        screen = await open_week(app, pilot)
        (view,) = grids(screen)
        lines = view.plain_lines
        shown = "\n".join(screen_lines(app))
        return lines, screen.sub_title, screen.moments_text, shown

    lines, sub_title, moments, shown = drive(db_path, scenario)
    assert sub_title == "this week · 23 Nov to 29 Nov 2026"
    assert lines[0] == "Mon 23 Nov to Sun 29 Nov 2026 · 3 of 7 days"
    assert lines[2].startswith("Mon 23  3.5   4 2.5  4*  –  yes")
    # Tuesday has no check-in: no digits, no zeros, and it says so.
    assert re.fullmatch(r"Tue 24 +no check-in", lines[3])
    assert re.fullmatch(r"Sat 28 +not yet", lines[7])  # today, nothing yet
    assert lines[8] == "Sun 29"  # after today: left empty
    assert "Mon 23  3.5   4 2.5  4*  –  yes" in shown  # drawn on the screen too
    assert "* acted on it" in shown and "Hard moments" in shown
    assert moments.startswith(
        "In the week of Mon 23 Nov 2026 (to Sat 28, so far), 3 of your 4 check-ins had an urge"
    )


def test_brackets_move_a_week_and_never_past_the_current_one(db_path, weeks):
    async def scenario(app, pilot):
        screen = await open_week(app, pilot)
        seen = []
        for key in (
            "right_square_bracket",
            "left_square_bracket",
            "left_square_bracket",
            "right_square_bracket",
            "right_square_bracket",
            "right_square_bracket",
        ):
            await keys(pilot, key)
            seen.append(grids(screen)[-1].grid.start.isoformat())
        await keys(pilot, "left_square_bracket", "left_square_bracket", "home")
        seen.append(grids(screen)[-1].grid.start.isoformat())
        return seen, screen.sub_title

    seen, sub_title = drive(db_path, scenario)
    assert seen == [
        "2026-11-23",
        "2026-11-16",
        "2026-11-09",
        "2026-11-16",
        "2026-11-23",
        "2026-11-23",
        "2026-11-23",
    ]
    assert sub_title.startswith("this week")


def test_an_earlier_week_shows_its_own_days_and_hard_moments(db_path, weeks):
    async def scenario(app, pilot):
        screen = await open_week(app, pilot)
        await keys(pilot, "left_square_bracket", "left_square_bracket")
        (view,) = grids(screen)
        return view.plain_lines, screen.moments_text

    lines, moments = drive(db_path, scenario)
    assert lines[0] == "Mon 9 Nov to Sun 15 Nov 2026 · 3 of 7 days"
    assert lines[3].startswith("Tue 10    2   –   1  4*  –  no")
    assert re.fullmatch(r"Mon 9 +no check-in", lines[2])
    assert moments.startswith("In the week of Mon 9 Nov 2026, 3 of your 3 check-ins")
    assert "You paused in 1 of them and said you didn't in 2." in moments


@pytest.mark.parametrize(
    "size, count", [((80, 24), 1), ((120, 40), 2), ((180, 40), 3), ((240, 50), 4), ((300, 50), 4)]
)
def test_as_many_weeks_stand_side_by_side_as_fit(db_path, weeks, size, count):
    async def scenario(app, pilot):
        screen = await open_week(app, pilot)
        views = grids(screen)
        lines = screen_lines(app)
        return ([v.grid.start.isoformat() for v in views], max(len(line) for line in lines), lines)

    starts, widest, lines = drive(db_path, scenario, size=size)
    assert weeks_that_fit(size[0]) == count
    assert len(starts) == count
    assert starts[-1] == "2026-11-23" and starts == sorted(starts)  # oldest on the left
    assert widest <= size[0]
    titles = [line for line in lines if "of 7 days" in line]
    assert len(titles) == 1 and titles[0].count("of 7 days") == count


def test_the_week_fits_80x24_whole(db_path, weeks):
    async def scenario(app, pilot):
        await open_week(app, pilot)
        return screen_lines(app)

    lines = drive(db_path, scenario)
    shown = "\n".join(lines)
    assert "Sun 29" in shown  # the last day
    assert "Hard moment: a check-in with an urge" in shown  # the last line of the body
    assert "[ Earlier week" in lines[-1]
    assert "k Week" in lines[1] and "^p" in lines[1] and len(lines[1]) <= 80


def test_the_week_follows_a_write_from_another_terminal(db_path, weeks):
    from tracker.store import Store

    async def scenario(app, pilot):
        screen = await open_week(app, pilot)
        before = grids(screen)[0].plain_lines[7]
        with Store.open(db_path) as other:
            other.save_checkin(at("2026-11-28", 9, mood=4, regulation=3, emotions=["tired"]))
        app.refresh_current()
        await settle(pilot)
        return before, grids(screen)[0].plain_lines[7]

    before, after = drive(db_path, scenario)
    assert before.endswith("not yet")
    assert after.startswith("Sat 28    4") and after.endswith("tired")


def test_trends_insights_include_the_hard_moments(db_path, weeks):
    async def scenario(app, pilot):
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, TrendsScreen)
        month = app.screen.insights_text
        await keys(pilot, "w")
        return month, app.screen.insights_text

    month, week = drive(db_path, scenario)
    assert "Hard moments (an urge to pursue or to withdraw of 3 or more)" in month
    assert (
        "In the last 30 days, 6 of your 8 check-ins had an urge of 3 or more. "
        "You paused in 3 of them and said you didn't in 3."
    ) in month
    assert "In the last 7 days, 3 of your 4 check-ins" in week
    assert "(The 7 days before had 0 hard moments: too few to compare with.)" in week


def test_history_shows_the_urges_acted_on_and_paused(db_path, weeks):
    async def scenario(app, pilot):
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.table
        columns = [str(c.label) for c in table.columns.values()]
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        return columns, rows, screen_lines(app)

    columns, rows, lines = drive(db_path, scenario)
    assert columns[5:8] == ["Pur", "Wdr", "Pau"]
    newest = rows[0]  # Thu 26: pursue 3, not acted on; paused
    assert [c.strip() for c in newest[5:8]] == ["3", "·", "yes"]
    assert [c.strip() for c in rows[1][5:8]] == ["·", "3*", "yes"]  # Wed 25
    assert [c.strip() for c in rows[3][5:8]] == ["4*", "·", "no"]  # Mon 23, 8h
    assert [c.strip() for c in rows[4][5:8]] == ["·", "·", "–"]  # Tue 17: nothing rated
    assert all(len(line) <= 80 for line in lines)
    assert any(" 4*" in line and " no " in line for line in lines)
