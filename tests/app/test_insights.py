"""The insights box (tracker/app/widgets/insights.py): paragraphs wrapped into one text
that keeps its height from text to text, and nothing in it cut."""

from __future__ import annotations

from textual.app import App
from textual.content import Content
from textual.widgets import Static

from tests.app.pilot import sync
from tracker.app.widgets.insights import ITEM_INDENT, InsightsView, wrap_paragraphs

LONG = "Regulation averaged 3.3 over the days you practised, and 2.9 on the other days of it."


def paragraphs(items: int) -> tuple[tuple[str, Content], ...]:
    return (
        ("title", Content.from_markup("[b]Last 30 days[/b] · 1 Nov to 30 Nov")),
        ("plain", Content("You checked in on 28 of these 30 days.")),
        ("heading", Content.from_markup("[b]Experiments in this range[/b]")),
        *(("item", Content(f"{n}. {LONG}")) for n in range(items)),
        ("heading", Content("Patterns")),
        ("item", Content("Press 8.")),
    )


def test_items_wrap_under_their_own_indent_and_headings_have_a_blank_line_before():
    lines = [line.plain for line in wrap_paragraphs(paragraphs(2), 40)]
    assert all(len(line) <= 40 for line in lines)
    assert lines[:3] == [
        "Last 30 days · 1 Nov to 30 Nov",
        "You checked in on 28 of these 30 days.",
        "",
    ]
    assert lines[3] == "Experiments in this range"
    items = lines[4 : lines.index("", 4)]
    assert len(items) > 2  # two items, each wrapped
    assert all(line.startswith(" " * ITEM_INDENT) and line[ITEM_INDENT] != " " for line in items)
    assert lines[-3:] == ["", "Patterns", "  Press 8."]
    # Every word is there, in order: nothing is cut.
    words = " ".join(" ".join(c.plain for _, c in paragraphs(2)).split())
    assert " ".join(" ".join(lines).split()) == words


def test_a_word_longer_than_the_line_is_folded_not_cut():
    word = "x" * 30
    lines = [line.plain for line in wrap_paragraphs([("item", Content(word))], 12)]
    assert all(len(line) <= 12 and line.startswith("  ") for line in lines)
    assert "".join(line.strip() for line in lines) == word


def test_styles_survive_the_wrapping():
    (title,) = wrap_paragraphs([("title", Content.from_markup("[b]Bold[/b] rest"))], 40)
    assert title.plain == "Bold rest" and title.spans


class OneBox(App):
    def compose(self):
        yield InsightsView(id="box")


@sync
async def test_the_text_keeps_the_height_of_the_longest_and_says_everything():
    app = OneBox()
    async with app.run_test(size=(50, 12)) as pilot:
        await pilot.pause()
        box = app.query_one(InsightsView)
        text = box.query_one(".insights-text", Static)
        short, long = paragraphs(1), paragraphs(6)
        box.prepare("long", long)
        box.show("short", short)
        await pilot.pause()
        reserved = box.reserved
        assert reserved == len(wrap_paragraphs(long, box.scrollable_content_region.width))
        assert text.size.height == reserved and box.lines < reserved
        for shown, key in ((long, "long"), (short, "short"), (long, "long")):
            box.show(key, shown)
            await pilot.pause()
            assert text.size.height == reserved == box.virtual_size.height
            rendered = [s.text for s in text.render_lines(text.region.reset_offset)]
            words = " ".join(c.plain for _, c in shown).split()
            assert " ".join(rendered).split() == words  # all of it, and only blanks after
            assert box.text.split() == words
        # Narrower: wrapped again, and taller.
        await pilot.resize_terminal(30, 12)
        await pilot.pause()
        assert box.reserved > reserved and text.size.height == box.reserved
        width = box.scrollable_content_region.width
        assert all(len(line) <= width for line in box.text.split("\n"))
        # Fitting (the box has the whole screen): as tall as the text shown, and back.
        box.show("short", short)
        box.fit(True)
        await pilot.pause()
        assert text.size.height == box.lines < box.reserved
        box.show("long", long)
        await pilot.pause()
        assert text.size.height == box.lines == box.reserved
        box.show("short", short)
        box.fit(False)
        await pilot.pause()
        assert text.size.height == box.reserved > box.lines
        # forget: the next text sets the height.
        box.forget()
        box.show("short", short)
        await pilot.pause()
        assert box.reserved == box.lines == text.size.height


@sync
async def test_scrolling_stops_at_the_last_line_of_the_text_shown():
    app = OneBox()
    async with app.run_test(size=(50, 8)) as pilot:
        await pilot.pause()
        box = app.query_one(InsightsView)
        box.prepare("long", paragraphs(12))
        box.show("short", paragraphs(2))
        await pilot.pause()
        room = box.scrollable_content_region.height
        assert box.lines > room and box.reserved > box.lines
        box.scroll_end(animate=False)
        await pilot.pause()
        assert box.scroll_y == box.lines - room  # its last line at the bottom, no blanks
        for _ in range(5):
            box.scroll_page_down(animate=False)
        await pilot.pause()
        assert box.scroll_y == box.lines - room
        box.show("long", paragraphs(12))
        box.scroll_end(animate=False)
        await pilot.pause()
        assert box.scroll_y == box.reserved - room  # the longest still scrolls to its end
