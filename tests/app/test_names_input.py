"""The comma-separated names input (emotions, people, tags): its value is always a
clean list, however the commas arrive; and it suggests the words used most."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input

from tests.app.pilot import burst, drive, settle
from tracker.app.screens.checkin import CheckInScreen
from tracker.app.widgets.names import split_names, tidy_edit
from tracker.models import CheckIn


def typed(keys: list[str], value: str = "") -> str:
    """``value`` after typing ``keys`` at its end (``BS`` is backspace), edit by edit."""
    cursor = len(value)
    for key in keys:
        if key == "BS":
            value, cursor = tidy_edit(value, cursor - 1, cursor, "")
        else:
            value, cursor = tidy_edit(value, cursor, cursor, key)
    return value


def clean(value: str) -> bool:
    """Names with ", " between them, and at most one ", " at the end."""
    body = value.removesuffix(", ")
    return ", ".join(split_names(body)) == body


@pytest.mark.parametrize(
    "start, keys, expected",
    [
        ("anxious, ", [",", " ", "s", "a", "d"], "anxious, sad"),  # ", " after a completion
        ("anxious", [",", " ", "s", "a", "d"], "anxious, sad"),
        ("anxious", [" ", ",", " ", "s"], "anxious, s"),  # space before the comma
        ("anxious", [",", ",", " ", " ", "s"], "anxious, s"),
        ("anxious", [",", "s"], "anxious, s"),  # a comma without its space
        ("anxious", ["|", "s"], "anxious, s"),  # | is a separator too
        ("", [",", " ", "a"], "a"),  # nothing before the first name
        ("bad", [" ", " ", "s", "l"], "bad sl"),  # a space inside a name stays, once
        ("a, b", ["BS"], "a, "),
        ("a, ", ["BS", "BS"], "a"),  # deleting a comma, key by key
    ],
)
def test_typing_leaves_a_clean_list(start, keys, expected):
    assert typed(keys, start) == expected
    assert clean(expected)


def test_pasting_and_deleting_leave_a_clean_list():
    assert tidy_edit("", 0, 0, "a,,b") == ("a, b", 4)
    assert tidy_edit("x", 1, 1, ", , a ,b,") == ("x, a, b, ", 9)
    assert tidy_edit("a, x, b", 3, 4, "") == ("a, b", 3)  # the name between two commas
    assert tidy_edit("x, b", 0, 1, "") == ("b", 0)  # the first name
    assert tidy_edit("a, b", 1, 1, " ") == ("a, b", 1)  # a space before a comma adds nothing
    assert tidy_edit("ab", 1, 1, ",") == ("a, b", 3)


async def _emotions(app, pilot) -> Input:
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(app.screen, CheckInScreen)
    field = app.screen.query_one("#emotions-input", Input)
    app.screen.set_focus(field)
    await pilot.pause()
    return field


def test_a_hurried_comma_after_a_completion_leaves_no_empty_name(db_path):
    seen: list[str] = []

    async def scenario(app, pilot):
        field = await _emotions(app, pilot)
        # every value it ever held
        field.watch(field, "value", lambda v: seen.append(v), init=False)
        await pilot.press(*"anx", "tab")  # "anxious, "
        await pilot.press("comma", "space", *"sa", "tab")  # the comma typed anyway
        await pilot.press("comma", "space", "comma", "space", *"calm")
        await pilot.pause()
        return field.value

    value = drive(db_path, scenario)
    assert value == "anxious, sad, calm"
    assert all(clean(v) for v in seen), [v for v in seen if not clean(v)]


def test_a_burst_of_names_and_commas_typed_faster_than_the_screen(db_path):
    async def scenario(app, pilot):
        field = await _emotions(app, pilot)
        burst(app, "anx", ("tab",), ", , sad,calm ,", ("backspace",), ("backspace",), ", hope")
        await settle(pilot, 30)
        return field.value

    assert drive(db_path, scenario) == "anxious, sad, calm, hope"


def test_pasting_and_deleting_in_the_card(db_path):
    async def scenario(app, pilot):
        field = await _emotions(app, pilot)
        field.post_message(events.Paste("sad,,calm, ,numb"))
        await settle(pilot)
        pasted = field.value
        field.cursor_position = len("sad, calm")  # after "calm"
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await pilot.pause()
        return pasted, field.value, field.cursor_position

    pasted, after, cursor = drive(db_path, scenario)
    assert pasted == "sad, calm, numb"
    assert (after, cursor) == ("sad, numb", len("sad, "))


def test_suggestions_come_most_used_first_and_hidden_ones_never(db_path, store):
    for day in ("2026-11-20", "2026-11-21", "2026-11-22"):
        store.save_checkin(CheckIn.create(day=day, mood=3, emotions=["hurt"], people=["Hana"]))
    store.save_checkin(CheckIn.create(day="2026-11-23", mood=3, people=["Harriet"]))
    store.set_word_hidden("people", "Harriet", True)

    async def scenario(app, pilot):
        field = await _emotions(app, pilot)
        await pilot.press("h", "tab")  # "hurt" (used 3 times) before "hopeful" (never)
        people = app.screen.query_one("#people-input", Input)
        app.screen.set_focus(people)
        await pilot.press("h", "tab")  # Hana; Harriet is hidden
        await pilot.pause()
        return field.value, people.value

    assert drive(db_path, scenario) == ("hurt, ", "Hana, ")


def test_a_hidden_word_typed_in_full_is_called_known_not_new(db_path, store):
    store.save_checkin(CheckIn.create(day="2026-11-23", mood=3, people=["Harriet"]))
    store.set_word_hidden("people", "Harriet", True)

    async def scenario(app, pilot):
        await _emotions(app, pilot)
        people = app.screen.query_one("#people-input", Input)
        app.screen.set_focus(people)
        lines = []
        for word in ("harriet", ", Zed"):
            await pilot.press(*word)
            await pilot.pause()
            known = app.screen.query_one("#people .names-known")
            lines.append(str(known.render()))
        return lines

    hidden, new = drive(db_path, scenario)
    assert hidden == "'Harriet' is known, hidden from suggestions: it will be used"
    assert new == "'Zed' is new: it will be added"
