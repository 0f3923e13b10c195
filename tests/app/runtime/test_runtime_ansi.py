"""tracker.app.runtime.ansi: the chart reader gives what Rich's own decoder gives."""

from __future__ import annotations

import datetime as dt
import inspect

from rich.ansi import AnsiDecoder
from rich.style import Style
from rich.text import Text

from tests.conftest import FROZEN_TODAY
from tracker import charts
from tracker.app.runtime import ansi
from tracker.app.runtime.ansi import ansi_to_text


def day(n: int) -> str:
    return (FROZEN_TODAY - dt.timedelta(days=n)).isoformat()


def test_rich_still_has_the_decoder_state_read_here():
    decoder = AnsiDecoder()
    assert isinstance(decoder.style, Style)
    assert list(inspect.signature(AnsiDecoder.decode_line).parameters) == ["self", "line"]
    decoder.decode_line("\x1b[1;31m")
    assert decoder.style == Style(bold=True, color="color(1)")  # the state the next line starts in
    decoder.style = Style(italic=True)  # a decoder started in a given style continues it
    decoder.decode_line("\x1b[32m")
    assert decoder.style == Style(italic=True, color="color(2)")


def test_every_control_character_rich_drops_sends_the_text_to_rich():
    for code in range(32):
        char = chr(code)
        if char in "\n\x1b":
            continue
        kept = Text.from_ansi(f"a{char}b", no_wrap=True, end="").plain == f"a{char}b"
        assert kept or char in ansi._RICH_DROPS, f"rich now drops {code:#04x}"


def test_the_apps_ansi_reader_gives_what_richs_decoder_gives():
    rows = [
        {
            "day": day(n),
            "regulation": float(1 + n % 5),
            "mood": float(1 + n * 7 % 5),
            "pursue": float(n % 6),
            "withdraw": float(n * 3 % 6),
        }
        for n in range(0, 400, 2)
    ]
    since = FROZEN_TODAY - dt.timedelta(days=399)
    drawn: list[charts.Chart] = [
        charts.metric_chart(rows, "regulation", since, FROZEN_TODAY, [(day(30), None)]),
        charts.urges_chart(rows, since, FROZEN_TODAY),
        charts.calendar_chart(rows, "mood", FROZEN_TODAY),
        charts.names_chart(
            {"Emotions": [("anxious", 6), ("calm", 3)], "People": [], "Tags": [("work", 2)]}
        ),
    ]
    texts = [charts.render(chart, width, 18) for chart in drawn for width in (60, 117)]
    texts += [
        "\x1b[32mgreen\nstill green\x1b[0m plain \x1b[2;31mdim red",
        "no codes",
        "ab\x0ccd\x1b[31mRED\x1b[0m",
        "gone\rkept \x1b[32mgreen\x1b[0m\x07",
    ]
    for text in texts:
        ours, theirs = ansi_to_text(text), Text.from_ansi(text, no_wrap=True, end="")
        assert ours.plain == theirs.plain
        assert [(s.start, s.end, s.style) for s in ours.spans] == [
            (s.start, s.end, s.style) for s in theirs.spans if s.start < s.end
        ]
    assert any(ansi_to_text(text).spans for text in texts)


def test_content_with_shared_styles_is_what_textual_makes_from_the_same_text():
    from rich.terminal_theme import MONOKAI
    from textual.content import Content

    from tracker.app.runtime.ansi import ansi_to_content

    rows = [{"day": day(n), "regulation": float(1 + n % 5)} for n in range(0, 200, 3)]
    since = FROZEN_TODAY - dt.timedelta(days=199)
    chart = charts.metric_chart(rows, "regulation", since, FROZEN_TODAY, [(day(30), day(28))])
    texts = [charts.render(chart, 100, 16, color=True), "a \x1b[31mred\x1b[0m b", "plain"]
    for text in texts:
        ours = ansi_to_content(text, MONOKAI)
        theirs = Content.from_rich_text(ansi_to_text(text))
        assert ours.plain == theirs.plain
        assert [(s.start, s.end, s.style) for s in ours.spans] == [
            (s.start, s.end, s.style) for s in theirs.spans
        ]
    shared = ansi_to_content(texts[0], MONOKAI)
    assert len(shared.spans) > 3 * len({id(s.style) for s in shared.spans})
