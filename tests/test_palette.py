"""The one palette: safe for red-green colour blindness, readable on every built-in
theme, shared by the places that shade mood and regulation; and the charts' colours."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tracker import charts, palette
from tracker.models import MOOD, REGULATION

TODAY = dt.date(2026, 11, 28)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[int, int, int]) -> float:
    r, g, b = (_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def lab_b(rgb: tuple[int, int, int]) -> float:
    """CIELAB b*: the blue (negative) to yellow (positive) axis, which red-green colour
    blindness keeps."""
    r, g, b = (_linear(c) for c in rgb)
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 200 * (f(y) - f(z))


def theme_backgrounds() -> list[tuple[str, bool, tuple[int, int, int]]]:
    from textual.color import Color
    from textual.theme import BUILTIN_THEMES

    found = []
    for name, theme in BUILTIN_THEMES.items():
        variables = theme.to_color_system().generate()
        for key in ("background", "surface"):
            value = variables[key]
            if value.startswith("ansi") or value == "transparent":
                continue  # the terminal's own colours: the xterm shades are for those
            colour = Color.parse(value)
            found.append((f"{name} {key}", theme.dark, (colour.r, colour.g, colour.b)))
    return found


COLOURED = [s for s in palette.SHADES.values() if s.xterm is not None]


@pytest.mark.parametrize("shade", COLOURED, ids=lambda s: s.name)
def test_every_shade_is_readable_on_every_built_in_theme(shade):
    backgrounds = theme_backgrounds()
    assert len(backgrounds) > 20
    for where, dark, rgb in backgrounds:
        colour = shade.rgb(palette.DARK if dark else palette.LIGHT)
        assert colour is not None
        assert contrast(colour, rgb) >= 3.5, (shade.name, where)
    # The terminal's colours (background unknown): about 3:1 on black and on white.
    xterm = shade.rgb(None)
    assert contrast(xterm, (0, 0, 0)) >= 2.8 and contrast(xterm, (255, 255, 255)) >= 2.8


@pytest.mark.parametrize("background", [palette.DARK, palette.LIGHT, None])
def test_the_ramp_runs_from_orange_to_blue_along_the_axis_red_green_blindness_keeps(background):
    low = [palette.shade(v, 0, 5) for v in (0, 1, 2)]
    high = [palette.shade(v, 0, 5) for v in (3, 4, 5)]
    assert all(lab_b(s.rgb(background)) > 15 for s in low)  # yellow-orange side
    assert all(lab_b(s.rgb(background)) < -15 for s in high)  # blue side
    # Never red against green: no shade of the ramp is a green.
    for s in palette.RAMP:
        rgb = s.rgb(background)
        if rgb is not None:
            assert not (rgb[1] > rgb[0] and rgb[1] > rgb[2]), s.name


def test_each_step_of_mood_and_regulation_has_its_own_shade():
    mood = [palette.shade(v, MOOD.low, MOOD.high) for v in range(1, 6)]
    regulation = [palette.shade(v, REGULATION.low, REGULATION.high) for v in range(0, 6)]
    assert len(set(mood)) == 5 and len(set(regulation)) == 6
    assert mood[2] is palette.NEUTRAL  # "meh" in the text's own colour
    assert regulation[0] is not regulation[1]  # 0 and 1 told apart
    assert mood[0].bold and mood[-1].bold and regulation[0].bold and regulation[-1].bold


def test_the_strip_the_card_the_calendar_and_the_grid_share_the_palette():
    from rich.text import Text

    from tracker import weekcard
    from tracker.app.widgets.daystrip import DayStrip, StripDay, rating_style
    from tracker.week import week_grids

    for value in range(0, 6):
        expected = palette.shade(value, 0, 5)
        assert rating_style("regulation", value, palette.DARK) == palette.rich_style(
            expected, palette.DARK
        )
    strip = DayStrip([StripDay(TODAY, 1.0, 0.0)], background=palette.DARK)
    text = strip.render_text()
    assert isinstance(text, Text)
    styles = {str(span.style) for span in text.spans}
    assert palette.rich_style(palette.shade(1, 1, 5), palette.DARK) in styles
    assert palette.rich_style(palette.shade(0, 0, 5), palette.DARK) in styles
    # The calendar: the ramp's shade, and the scale's lowest step as a filled cell.
    assert charts.level_style(0, 0, 5) == "deep-orange reverse"
    assert charts.level_style(1, 0, 5) == "orange"
    assert charts.level_style(1, 1, 5) == "deep-orange reverse"
    # The week grid: the shade's name on the figure.
    from tracker.models import CheckIn

    (grid,) = week_grids(
        [dt.date(2026, 11, 23)], [CheckIn.create(day="2026-11-23", mood=5, regulation=0)]
    )
    pieces = dict(
        (t.strip(), s) for t, s in weekcard.row_line(grid.days[0], TODAY, 11) if t.strip()
    )
    assert pieces["5"] == "deep-blue" and pieces["0"] == "deep-orange"


def _colours_of(text: str, glyph: str) -> set[str]:
    """The SGR codes in force where ``glyph`` is drawn."""
    found = set()
    for match in re.finditer(r"((?:\x1b\[[0-9;]*m)+)([^\x1b]*)", text):
        if glyph in match.group(2):
            found.add(";".join(re.findall(r"\x1b\[([0-9;]*)m", match.group(1))))
    return found


def test_rupture_marks_are_drawn_in_the_colour_their_legend_shows():
    rows = [
        {"day": (TODAY - dt.timedelta(days=n)).isoformat(), "regulation": 3, "n": 1}
        for n in range(10)
    ]
    since = TODAY - dt.timedelta(days=9)
    chart = charts.metric_chart(
        rows,
        "regulation",
        since,
        TODAY,
        [((TODAY - dt.timedelta(days=5)).isoformat(), TODAY.isoformat())],
    )
    for background in (None, palette.DARK, palette.LIGHT):
        text = charts.render(chart, 80, 18, background=background)
        lines = text.splitlines()
        split = next(i for i, line in enumerate(lines) if "rupture" in line)
        body, legend = "\n".join(lines[:split]), lines[split:]
        for glyph, shade in (
            (charts.MARK_RUPTURE, palette.RUPTURE),
            (charts.MARK_REPAIR, palette.REPAIR),
        ):
            drawn = _colours_of(body, glyph)
            shown = _colours_of("\n".join(legend), glyph)
            codes = palette.ansi_codes(shade, background).split(";", 1)[-1]
            assert drawn and shown
            assert all(codes in c for c in drawn | shown), (glyph, drawn, shown)


def test_daily_points_and_the_rolling_mean_have_different_colours():
    rows = [
        {"day": (TODAY - dt.timedelta(days=n)).isoformat(), "mood": 1 + n % 5, "n": 1}
        for n in range(20)
    ]
    chart = charts.metric_chart(rows, "mood", TODAY - dt.timedelta(days=19), TODAY)
    points, mean = chart.lines
    assert points.colour != mean.colour
    text = charts.render(chart, 80, 18, background=palette.DARK)
    assert _colours_of(text, charts.POINT) != _colours_of(text, "⠤")
