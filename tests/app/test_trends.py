"""The Trends screen, driven by keys through Textual's Pilot."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Static

from tests.app.pilot import burst, drive, screen_lines, settle
from tests.conftest import FROZEN_TODAY
from tracker import demo
from tracker.app.runtime.longlived import LongLivedDataLoaded
from tracker.app.screens.trends import RANGE_WORDS, TrendsScreen
from tracker.app.widgets.chart import ChartView
from tracker.app.widgets.insights import InsightsView
from tracker.models import CheckIn, Experiment, PracticeLog, Rupture
from tracker.store import Store


def day(n: int) -> str:
    return (FROZEN_TODAY - dt.timedelta(days=n)).isoformat()


async def data_in(app, pilot) -> None:
    """Wait for the screen's worker to have read the data, and the screen to show it."""
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_trends(app, pilot) -> TrendsScreen:
    await pilot.press("g")
    await pilot.pause()
    assert isinstance(app.screen, TrendsScreen)
    await data_in(app, pilot)
    assert app.screen.is_loaded
    return app.screen


def chart_text(screen: TrendsScreen) -> str:
    return screen.query_one("#trends-chart", ChartView).text


def insights(screen: TrendsScreen) -> str:
    """The insights on screen, as one line of words (their wrapped lines joined again)."""
    return " ".join(screen.query_one("#trends-insights", InsightsView).text.split())


def insights_rows(screen: TrendsScreen) -> list[str]:
    """The insights' text as drawn, every row of it (those scrolled away too)."""
    text = screen.query_one("#trends-insights .insights-text", Static)
    return [strip.text.rstrip() for strip in text.render_lines(text.region.reset_offset)]


def shown_in_full(screen: TrendsScreen) -> int:
    """Check that the rows drawn say every paragraph of the insights, in order, each
    wrapped under its own indent (items two spaces, the rest flush), with only blank
    rows after them; return how many items wrapped onto more than one row."""
    rows = insights_rows(screen)
    at = wrapped = 0
    for paragraph in screen.insights_text.split("\n"):
        item, words = paragraph.startswith("  "), paragraph.split()
        while not rows[at].strip():
            at += 1
        block: list[str] = []
        while len(" ".join(block).split()) < len(words):
            block.append(rows[at])
            at += 1
        assert " ".join(block).split() == words, (paragraph, block)
        if item:
            assert all(row.startswith("  ") and row[2] != " " for row in block), block
        else:
            assert not any(row.startswith(" ") for row in block), block
        wrapped += item and len(block) > 1
    assert not any(row.strip() for row in rows[at:]), rows[at:]
    return wrapped


def heading(screen: TrendsScreen) -> str:
    return str(screen.query_one("#trends-heading", Static).render())


@pytest.fixture
def known(db_path):
    """Forty days: regulation 4 on practised days, 2 on the others; one rupture."""
    with Store.open(db_path) as s:
        exp = Experiment.create(
            title="Three breaths",
            practice="Breathe first.",
            started_on=day(9),
            ends_on=day(0),
            target_count=5,
            belief_before=80,
        )
        s.save_experiment(exp)
        practised = {1, 3, 5, 7}
        checkins = []
        for n in range(40):
            d = day(n)
            reg = 4 if n in practised else 2
            checkins.append(
                CheckIn.create(
                    day=d,
                    created_at=f"{d}T09:00:00+00:00",
                    mood=3,
                    regulation=reg,
                    intensity=2,
                    pursue=1,
                    withdraw=2,
                    emotions=["calm"],
                    people=["Sam"],
                )
            )
        s.save_checkins(checkins)
        for n in practised:
            s.save_practice_log(
                PracticeLog.create(
                    experiment_id=exp.id, day=day(n), done=1, distress_before=4, distress_after=1
                )
            )
        s.save_rupture(Rupture.create(day=day(4), my_move="pursued", repaired_on=day(3)))
    return db_path


@pytest.mark.slow
def test_g_opens_trends_and_range_keys_change_the_chart(known):
    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        assert screen.range_key == "m" and screen.view == "regulation"
        month = chart_text(screen)
        assert "Regulation" in heading(screen) and "last 30 days" in heading(screen)
        assert "30 Oct" in month and "x rupture" in month
        seen = {"m": month}
        for key, words in (
            ("w", "last 7 days"),
            ("9", "last 90 days"),
            ("y", "last 365 days"),
            ("a", "everything"),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert screen.range_key == key
            assert words in heading(screen)
            seen[key] = chart_text(screen)
        assert "Sat 28" in seen["w"]  # a week is labelled by weekday
        assert len(set(seen.values())) == 5
        assert app.is_running  # q chose 90 days here; it did not quit

    drive(known, scenario)


@pytest.mark.slow
def test_chart_keys_switch_metric_and_the_footer_shows_them(known):
    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        footer = " ".join(str(w.render()) for w in app.screen.query("FooterLabel"))
        assert "Range" in footer and "Chart" in footer
        expected = {
            "2": "(1 = awful, 5 = great)",
            "3": "(0 = calm, 5 = overwhelming)",
            "4": "withdraw (7-day mean)",
            "5": "Emotions",
            "6": "a year at a glance",
            "7": "Three breaths",
            "1": "(0 = swept away, 5 = steady)",
        }
        for key, text in expected.items():
            await pilot.press(key)
            await pilot.pause()
            assert text in chart_text(screen) or text in heading(screen), key
        await pilot.press("6")
        await pilot.pause()
        await pilot.press("6")
        await pilot.pause()
        assert screen.calendar_metric == "mood"
        assert "Mood, a year at a glance" in heading(screen)

    drive(known, scenario)


def test_insights_are_computed_from_the_database(known):
    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        text = insights(screen)
        assert "You checked in on 30 of these 30 days (30 check-ins)." in text
        # Days -1, -3, -5, -7 practised (regulation 4); -9, -8, -6, -4, -2, 0 not (2).
        assert (
            'On the 4 days you practised "Three breaths", regulation averaged 4.0; '
            "on the 6 days you didn't, 2.0."
        ) in text
        assert "1 rupture recorded; 1 repaired, a median of 1 day" in text
        # The 30 days before: all 2s.
        assert "Regulation averaged 2.3, up from 2.0 in the 30 days before." in text
        await pilot.press("w")
        await pilot.pause()
        week = insights(screen)
        assert "You checked in on 7 of these 7 days" in week

    drive(known, scenario)


def test_a_checkin_from_another_terminal_shows_up(known):
    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        await pilot.press("w")
        await pilot.pause()
        before = insights(screen)
        with Store.open(known) as other:  # another connection, like `tracker add`
            other.save_checkin(CheckIn.create(mood=5, regulation=5))
        app._poll_for_changes()
        await data_in(app, pilot)
        after = insights(screen)
        assert "7 of these 7 days (7 check-ins)" in before
        assert "7 of these 7 days (8 check-ins)" in after

    drive(known, scenario)


def test_experiments_chart_moves_to_the_next_experiment(db_path):
    with Store.open(db_path) as s:
        for title, start in (("Older one", 20), ("Newer one", 6)):
            exp = Experiment.create(
                title=title,
                practice="Try it.",
                started_on=day(start),
                ends_on=day(start - 5),
                target_count=3,
            )
            s.save_experiment(exp)
            s.save_practice_log(
                PracticeLog.create(
                    experiment_id=exp.id,
                    day=day(start - 1),
                    done=1,
                    distress_before=3,
                    distress_after=1,
                )
            )
        s.save_checkin(CheckIn.create(mood=3))

    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        await pilot.press("7")
        await pilot.pause()
        assert "Trial by trial: Newer one" in chart_text(screen)
        assert "n next" in heading(screen)
        await pilot.press("n")
        await pilot.pause()
        assert "Trial by trial: Older one" in chart_text(screen)

    drive(db_path, scenario)


@pytest.mark.slow
def test_an_empty_database_shows_kind_words_not_empty_charts(db_path):
    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        assert chart_text(screen) == "No regulation ratings in this range yet."
        assert "You checked in on 0 of these 30 days" in insights(screen)
        for key in "a1234567":
            await pilot.press(key)
            await pilot.pause()
        assert "No experiments in this range" in chart_text(screen)

    drive(db_path, scenario)


@pytest.mark.slow
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_charts_fit_the_widget(tmp_path, size):
    path = tmp_path / "demo.db"
    with Store.open(path) as s:
        demo.generate(s, years=1, seed=5)

    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        view = screen.query_one("#trends-chart", ChartView)
        width = view.scrollable_content_region.width
        for key in "wmqya1234567":
            await pilot.press(key)
            await pilot.pause()
            lines = chart_text(screen).split("\n")
            assert max(len(line) for line in lines) <= width, key
            if screen.view in ("regulation", "mood", "intensity", "urges"):
                assert len(lines) <= view.scrollable_content_region.height, key

    drive(path, scenario, size=size)


@pytest.fixture
def ten_weeks(tmp_path):
    """Demo data whose last 90 days have ruptures and repairs (the tallest time chart)."""
    path = tmp_path / "demo.db"
    with Store.open(path) as s:
        demo.generate(s, years=1, seed=5, now=dt.time(10, 24))
    return path


@pytest.mark.slow
def test_at_80x24_the_chart_leaves_no_blank_rows_and_the_insights_get_them(ten_weeks):
    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        view = screen.query_one("#trends-chart", ChartView)
        box = screen.query_one("#trends-insights")
        seen = set()
        for key in "wmq1234":
            await pilot.press(key)
            await pilot.pause()
            lines = chart_text(screen).split("\n")
            # The chart widget is exactly as tall as the chart it draws...
            assert view.size.height == len(lines), key
            # ...and every row of the body goes to the chart or the insights.
            body = screen.query_one("#trends-body")
            assert view.outer_size.height + box.outer_size.height + 1 == body.size.height
            assert box.size.height >= 5, key
            seen.add(view.size.height)
        assert len(seen) > 1  # a chart without marks leaves its rows to the insights
        assert "i: show them all" in str(box.border_title)

    drive(ten_weeks, scenario)


@pytest.mark.slow
def test_i_gives_the_insights_the_whole_body_and_brings_the_chart_back(ten_weeks):
    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        view = screen.query_one("#trends-chart", ChartView)
        box = screen.query_one("#trends-insights")
        small = box.size.height
        await pilot.press("i")
        await pilot.pause()
        assert not view.display and app.focused is box
        assert box.size.height > small + 10
        assert "scroll" in str(box.border_title)
        await pilot.press("pagedown")
        await pilot.pause()
        assert box.scroll_y > 0
        await pilot.press("i")
        await pilot.pause()
        assert view.display and box.size.height == small and app.focused is not box
        # A chart key brings the chart back too.
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        assert view.display and screen.view == "mood"

    drive(ten_weeks, scenario)


def test_i_then_end_in_one_burst_scrolls_the_insights_to_their_end(ten_weeks):
    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        await pilot.press("9")
        await settle(pilot)
        box = screen.query_one("#trends-insights", InsightsView)
        burst(app, "i", ("end",))
        await settle(pilot)
        await pilot.wait_for_scheduled_animations()
        return app.focused is box, box.scroll_y, box.max_scroll_y

    focused, at, end = drive(ten_weeks, scenario, size=(80, 24))
    assert focused and end > 0 and at == end


def test_wrapped_insight_lines_keep_their_indent(ten_weeks):
    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        await pilot.press("9")
        await pilot.press("i")
        await pilot.pause()
        assert shown_in_full(screen) > 0  # some items wrapped, each under its indent

    drive(ten_weeks, scenario)


@pytest.mark.parametrize(
    "size", [(80, 24), pytest.param((120, 40), marks=pytest.mark.slow)], ids=["80x24", "120x40"]
)
def test_a_range_key_changes_the_insights_words_not_their_height(ten_weeks, size):
    """The insights are as tall as the longest range's from the first frame, so a range
    key changes their words and not their size (Textual lays out the whole screen
    again when a widget's size changes). Pressed fast or slowly, every word of the
    range shows, and the header still says the range."""

    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        box = screen.query_one("#trends-insights", InsightsView)
        text = box.query_one(".insights-text", Static)
        height, size = box.virtual_size.height, text.size
        lines = set()
        for key in "wm9yaw9amy":
            await pilot.press(key)
            await pilot.pause()
            assert (box.virtual_size.height, text.size) == (height, size), key
            shown_in_full(screen)
            assert RANGE_WORDS[key] in screen_lines(app)[0]  # the header says the range
            lines.add(box.lines)
        assert len(lines) > 1 and max(lines) == height  # the ranges' lengths differ
        burst(app, "wm9yaym")
        await settle(pilot, 10)
        assert screen.range_key == "m" and (box.virtual_size.height, text.size) == (height, size)
        shown_in_full(screen)
        # With the whole body (i), the text ends with its last line, whatever the range.
        await pilot.press("w", "i")
        await pilot.pause()
        assert box.lines < height
        assert box.max_scroll_y == max(0, box.lines - box.scrollable_content_region.height)
        await pilot.press("end")
        await pilot.pause()
        assert any("press 8" in line for line in screen_lines(app))
        await pilot.press("i")
        await pilot.pause()
        assert (box.virtual_size.height, text.size) == (height, size)

    drive(ten_weeks, scenario, size=size)


@pytest.mark.slow
def test_a_closed_card_is_not_kept_by_the_freezing(db_path):
    """A data load asks the app for a full collection (LongLivedDataLoaded(collect=True)),
    which unfreezes and collects: a card closed while the trends caches warmed up (and
    were frozen) is freed when the data next loads."""
    import gc
    import weakref

    with Store.open(db_path) as store:
        store.save_checkins([CheckIn.create(mood=3, day=day(n)) for n in range(1, 28)])

    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        await pilot.press("c")
        await pilot.pause(0.2)
        card = weakref.ref(app.screen)
        assert card() is not screen
        await pilot.press("escape")
        await pilot.pause(0.6)  # warm-up steps freeze what is alive meanwhile
        app.post_message(LongLivedDataLoaded())  # freeze what is alive now, the card too
        await pilot.pause()
        with Store.open(db_path) as store:  # another terminal writes: trends reloads
            store.save_checkin(CheckIn.create(mood=4))
        screen.refresh_data()
        await data_in(app, pilot)
        await pilot.pause(0.1)
        assert card() is None  # freed by the full collection the load asked for
        assert gc.isenabled()

    drive(db_path, scenario, size=(100, 30))


def test_state_is_reactive_so_setting_it_from_code_redraws_too(known):
    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        screen.view = "mood"
        screen.range_key = "w"
        await pilot.pause()
        assert "Mood" in heading(screen) and "last 7 days" in heading(screen)
        assert "(1 = awful, 5 = great)" in chart_text(screen)
        assert "You checked in on 7 of these 7 days" in insights(screen)

    drive(known, scenario)


def test_the_data_is_read_on_a_connection_of_the_reading_threads_own(known):
    """load_trends works on any thread (a sqlite3 connection belongs to its thread)."""
    import threading

    from tracker.app.screens.trends import load_trends

    got = []
    reader = threading.Thread(target=lambda: got.append(load_trends(known, FROZEN_TODAY)))
    reader.start()
    reader.join()
    [data] = got
    assert len(data.snapshot.rows) == 40
    assert data.names["m"]["Emotions"] == [("calm", 30)]
    assert data.names["a"]["People"] == [("Sam", 40)]


def test_a_database_that_cannot_be_read_is_said_in_words_and_the_app_goes_on(db_path):
    with Store.open(db_path) as s:
        s.save_checkin(CheckIn.create(mood=3))

    async def scenario(app, pilot):
        db_path.unlink()  # the app's own connection stays open; a new one cannot be made
        await pilot.press("g")
        await pilot.pause()
        await data_in(app, pilot)
        screen = app.screen
        assert isinstance(screen, TrendsScreen) and not screen.is_loaded
        assert "could not be read" in heading(screen)
        assert "unable to open database file" in chart_text(screen)
        await pilot.press("t")
        await pilot.pause()
        assert app.is_running and "Today" in app.screen.title

    drive(db_path, scenario)


def test_what_a_chart_depends_on_is_its_cache_key():
    from tracker.app.screens.trends import chart_key

    week, month = FROZEN_TODAY - dt.timedelta(days=6), FROZEN_TODAY - dt.timedelta(days=29)
    assert chart_key("mood", week, FROZEN_TODAY, "regulation", 0) != chart_key(
        "mood", month, FROZEN_TODAY, "regulation", 0
    )
    # The calendar shows the year up to the last day, whatever the range.
    assert chart_key("calendar", week, FROZEN_TODAY, "mood", 0) == chart_key(
        "calendar", month, FROZEN_TODAY, "mood", 3
    )
    assert chart_key("calendar", week, FROZEN_TODAY, "mood", 0) != chart_key(
        "calendar", week, FROZEN_TODAY, "regulation", 0
    )
    assert chart_key("experiments", week, FROZEN_TODAY, "mood", 0) != chart_key(
        "experiments", week, FROZEN_TODAY, "mood", 1
    )
    assert chart_key("mood", week, FROZEN_TODAY, "mood", 0) == chart_key(
        "mood", week, FROZEN_TODAY, "regulation", 5
    )


def test_a_chart_shown_again_is_neither_described_nor_drawn_again(known):
    from tracker import charts

    described = []

    def names() -> charts.Chart:
        described.append(1)
        return charts.names_chart({"Emotions": [("calm", 3)]})

    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        view = screen.query_one("#trends-chart", ChartView)
        view.show(("a test chart",), names)
        assert "calm" in view.text and view.has(("a test chart",))
        view.show(None, message="something else")
        assert view.text == "something else"
        view.show(("a test chart",), names)
        assert "calm" in view.text
        assert len(described) == 1

    drive(known, scenario)


@pytest.mark.slow
def test_the_warm_up_draws_the_charts_one_key_away_and_few_are_kept(known):
    from tracker.app.screens.trends import CHARTS_KEPT, RANGES, VIEWS, chart_key, range_bounds

    def key(screen, view, range_key):
        since, until = range_bounds(screen.snapshot, range_key)
        return chart_key(view, since, until, screen.calendar_metric, screen.experiment_index)

    async def scenario(app, pilot):
        screen = await open_trends(app, pilot)
        view = screen.query_one("#trends-chart", ChartView)
        for key_pressed in ("", "y", "4"):
            if key_pressed:
                await pilot.press(key_pressed)
            for _ in range(100):  # the warm-up: a step every few tens of ms
                await pilot.pause(0.05)
                away = [(screen.view, r) for r in RANGES] + [
                    (v, screen.range_key) for v in VIEWS.values()
                ]
                if all(view.has(key(screen, v, r)) for v, r in away):
                    break
            else:
                raise AssertionError(f"not every chart one key away was drawn ({key_pressed})")
        for key_pressed in "wmqya1234567" * 2:
            await pilot.press(key_pressed)
        await pilot.pause(1.0)
        assert 0 < view.kept <= CHARTS_KEPT

    drive(known, scenario)
