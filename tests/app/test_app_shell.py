"""The app's frame: section keys, the command palette, overlays, the theme."""

from __future__ import annotations

import pytest

from tests.app.pilot import open_app, sync
from tests.app.pilot import settle as _settle
from tracker.store import Store


@pytest.mark.slow
@sync
async def test_palette_lists_every_action_of_the_screen_and_runs_it(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for expected in (
            "Check in",
            "History",
            "Experiments",
            "Ruptures",
            "Trends",
            "Support",
            "Help",
            "Quit",
            "Theme",
        ):
            assert expected in titles
        assert "Focus Next" not in titles  # Textual's plumbing stays out
        await pilot.press("ctrl+p")
        await _settle(pilot)
        await pilot.press(*"history")
        await _settle(pilot, 6)
        await pilot.press("enter")
        await _settle(pilot, 6)
        assert type(app.screen).__name__ == "HistoryScreen"


@sync
async def test_palette_includes_the_current_screens_own_keys(db_path):
    from tracker.models import CheckIn

    with Store.open(db_path) as store:
        store.save_checkin(CheckIn.create(mood=3))
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("h")
        await _settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Filter" in titles and "Delete" in titles
        assert "Undo delete" not in titles  # nothing to undo yet: not offered


@sync
async def test_section_keys_are_off_on_a_form_so_nothing_half_written_is_left(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("c")
        await _settle(pilot)
        assert type(app.screen).__name__ == "CheckInScreen"
        await pilot.press("4", "h", "e")  # letters on a rating do not leave the card
        await _settle(pilot)
        assert type(app.screen).__name__ == "CheckInScreen"
        await pilot.press("s")  # support stays one key away
        await _settle(pilot)
        assert type(app.screen).__name__ == "SupportScreen"


@sync
async def test_a_section_key_closes_help_instead_of_hiding_it_underneath(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("question_mark")
        await _settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("h")
        await _settle(pilot)
        await pilot.press("t")
        await _settle(pilot)
        assert type(app.screen).__name__ == "TodayScreen"


@sync
async def test_theme_is_remembered(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.theme = "textual-light"
        await _settle(pilot)
    with Store.open(db_path) as store:
        assert store.get_setting("theme") == "textual-light"
    again = open_app(db_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        assert again.theme == "textual-light"


@sync
async def test_welcome_text_is_drawn_on_first_launch(db_path):
    """Regression: the greeting was drawn in the background colour until a redraw."""
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        welcome = app.screen.query_one("#welcome")
        style = welcome.visual_style  # what the text is drawn with
        assert style.foreground is not None and style.foreground.a > 0
        assert style.foreground.rgb != style.background.rgb
        assert "Welcome" in str(welcome.render())


@sync
async def test_today_strip_rounds_halves_up(db_path):
    """Two check-ins today, mood 4 and 3, regulation 3 and 2: the strip shows 4 and 3."""
    from tracker.app.widgets.daystrip import DayStrip
    from tracker.models import CheckIn

    with Store.open(db_path) as store:
        store.save_checkins(
            [CheckIn.create(mood=4, regulation=3), CheckIn.create(mood=3, regulation=2)]
        )
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        lines = str(app.screen.query_one(DayStrip).render()).splitlines()
        mood = next(line for line in lines if line.startswith("mood"))
        regulation = next(line for line in lines if line.startswith("regulation"))
        assert mood.split()[-1] == "4" and regulation.split()[-1] == "3"


@sync
async def test_demo_database_says_so_on_today(db_path):
    app = open_app(db_path, demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        assert "Demo data" in str(app.screen.query_one("#demo-notice").render())


@sync
async def test_css_is_parsed_once_at_start_and_again_for_a_new_theme(db_path):
    """The first screen is Textual's default screen (TrackerApp.get_default_screen), so
    Textual parses the CSS once before it shows, not again for a new mode."""
    from textual.css.stylesheet import Stylesheet

    parsed: list[object] = []
    real = Stylesheet._parse_rules

    def counting(self, css, read_from, *args, **kwargs):
        if read_from not in {key[1] for key in self._parse_cache.keys()}:
            parsed.append(read_from)
        return real(self, css, read_from, *args, **kwargs)

    Stylesheet._parse_rules = counting
    try:
        app = open_app(db_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await _settle(pilot)
            ours = [r for r in parsed if str(r[0]).endswith("tracker.tcss")]
            assert len(ours) == 1  # a first screen from MODES would have it parsed three times
            welcome = app.screen.query_one("#welcome")
            dark = welcome.visual_style.background
            app.theme = "textual-light"
            await _settle(pilot)
            assert len([r for r in parsed if str(r[0]).endswith("tracker.tcss")]) == 2
            light = app.screen.query_one("#welcome").visual_style
            assert light.background != dark
            assert light.foreground.rgb != light.background.rgb
    finally:
        Stylesheet._parse_rules = real


@sync
async def test_today_reads_its_data_once_at_start_and_again_after_a_write(db_path, monkeypatch):
    from tracker.app.screens import today
    from tracker.models import CheckIn

    calls = []
    real = today.TodayScreen._gather
    monkeypatch.setattr(today.TodayScreen, "_gather", lambda self: calls.append(1) or real(self))
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        assert len(calls) == 1  # compose; not again for on_mount and the first resume
        await pilot.press("h")
        await _settle(pilot)
        await pilot.press("t")
        await _settle(pilot)
        assert len(calls) == 1  # nothing was written
        await pilot.press("h")
        await _settle(pilot)
        with Store.open(db_path) as other:  # another terminal adds a check-in
            other.save_checkin(CheckIn.create(mood=5, need="a walk"))
        await pilot.press("t")
        await _settle(pilot)
        assert len(calls) == 2
        assert "needed: a walk" in str(app.screen.query_one("#today-checkins").render())


@sync
async def test_the_first_section_is_one_screen_that_a_section_key_comes_back_to(db_path):
    """Today is Textual's first screen (get_default_screen), then a mode like the others."""
    from tracker.app.screens.today import TodayScreen

    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        first = app.screen
        assert isinstance(first, TodayScreen) and app.current_mode == "today"
        await pilot.press("h")
        await _settle(pilot)
        assert app.current_mode == "history"
        await pilot.press("t")
        await _settle(pilot)
        assert app.screen is first and app.current_mode == "today"


@pytest.mark.parametrize("section", ["t", "h", "e", "r", "g"])
@sync
async def test_q_quits_from_every_section_and_nothing_else(db_path, section):
    """q does one thing everywhere (on Trends it used to choose 90 days)."""
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press(section)
        await _settle(pilot)
        range_before = getattr(app.screen, "range_key", None)
        await pilot.press("q")
        await _settle(pilot)
        assert app.return_code == 0  # the app has quit
        assert getattr(app.screen, "range_key", None) == range_before


@sync
async def test_q_on_the_check_in_card_does_not_quit(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("c", "4", "q")
        await _settle(pilot)
        assert app.return_code is None
        assert app.screen.__class__.__name__ == "CheckInScreen"
