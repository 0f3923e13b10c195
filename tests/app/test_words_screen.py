"""The Words screen (w in History): emotions, people and tags renamed, merged and
hidden with keys; the database decides."""

from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.widgets import Input, Static

from tests.app.pilot import GLOBAL_KEYS, drive, keys, screen_lines, settle, type_text
from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.screens.history import HistoryScreen
from tracker.app.screens.words import MergeDialog, RenameDialog, WordsScreen
from tracker.models import CheckIn, Rupture
from tracker.store import Store


@pytest.fixture
def words_db(db_path, store):
    store.save_checkin(
        CheckIn.create(day="2026-11-20", mood=2, emotions=["anxious", "anxous"], tags=["wrok"])
    )
    store.save_checkin(
        CheckIn.create(day="2026-11-21", mood=3, emotions=["anxous"], people=["Sam"])
    )
    store.save_checkin(CheckIn.create(day="2026-11-22", mood=3, people=["sammy"], tags=["work"]))
    store.save_rupture(Rupture.create(day="2026-11-22", my_move="withdrew", people=["Sam"]))
    return db_path


def words(db_path, kind: str) -> dict[str, tuple[int, bool]]:
    with Store.open(db_path) as store:
        return {w.name: (w.uses, w.hidden) for w in store.words(kind)}


async def open_words(app, pilot) -> WordsScreen:
    await keys(pilot, "h")
    await settle(pilot)
    assert isinstance(app.screen, HistoryScreen)
    await keys(pilot, "w")
    await settle(pilot)
    assert isinstance(app.screen, WordsScreen)
    return app.screen


def test_words_most_used_first_for_each_kind(words_db):
    async def scenario(app, pilot):
        screen = await open_words(app, pilot)
        shown = {}
        for key in ("1", "2", "3"):
            await keys(pilot, key)
            shown[screen.kind] = [w.name for w in screen.shown]
        lines = "\n".join(screen_lines(app))
        return shown, lines

    shown, lines = drive(words_db, scenario, size=(120, 40))
    assert shown["emotions"][:2] == ["anxous", "anxious"]
    assert shown["people"] == ["Sam", "sammy"]  # 1 check-in and 1 rupture, then 1
    assert shown["tags"] == ["work", "wrok"]
    assert "[3 Tags]" in lines and "2 words, most used first" in lines


def test_x_hides_a_word_from_the_suggestions_and_again_shows_it(words_db):
    async def scenario(app, pilot):
        screen = await open_words(app, pilot)
        await keys(pilot, "3")
        screen.highlight_word("wrok")
        says = [screen.active_bindings["x"].binding.description]
        await keys(pilot, "x")
        hidden = words(words_db, "tags")
        text = str(screen.query_one("#words-detail-text", Static).content)
        says.append(screen.active_bindings["x"].binding.description)
        await keys(pilot, "x")
        says.append(screen.active_bindings["x"].binding.description)
        return hidden, text, says

    hidden, text, says = drive(words_db, scenario, size=(120, 40))
    assert hidden["wrok"] == (1, True)
    assert "Hidden from the suggestions" in text
    assert says == ["Hide", "Suggest again", "Hide"]  # the footer says what x does
    assert words(words_db, "tags")["wrok"] == (1, False)


def test_enter_renames_a_word_everywhere(words_db):
    async def scenario(app, pilot):
        screen = await open_words(app, pilot)
        await keys(pilot, "2")
        screen.highlight_word("sammy")
        await keys(pilot, "enter")
        assert isinstance(app.screen, RenameDialog)
        await keys(pilot, "ctrl+u")
        await type_text(pilot, "Samir")
        await keys(pilot, "enter")
        assert isinstance(app.screen, WordsScreen)
        return screen.selected.name

    assert drive(words_db, scenario) == "Samir"
    assert words(words_db, "people") == {"Sam": (2, False), "Samir": (1, False)}
    with Store.open(words_db) as store:
        assert store.checkins()[0].people == ("Samir",)


def test_a_rename_onto_a_word_there_is_offers_the_merge(words_db):
    async def scenario(app, pilot):
        screen = await open_words(app, pilot)
        screen.highlight_word("anxous")
        await keys(pilot, "enter", "ctrl+u")
        await type_text(pilot, "Anxious")
        await keys(pilot, "enter")
        assert isinstance(app.screen, RenameDialog)  # refused: the dialog stays
        error = str(app.screen.query_one("#word-error", Static).content)
        unchanged = words(words_db, "emotions")
        await keys(pilot, "enter")  # again: merge them, asking first
        assert isinstance(app.screen, ConfirmDialog)
        await keys(pilot, "y")
        await settle(pilot)
        return error, unchanged

    error, unchanged = drive(words_db, scenario)
    assert "There is already an emotion named 'anxious'" in error
    assert "enter again to merge" in error
    assert unchanged["anxous"] == (2, False)
    after = words(words_db, "emotions")
    assert "anxous" not in after and after["anxious"] == (2, False)


def test_m_merges_into_a_word_completed_with_tab(words_db):
    async def scenario(app, pilot):
        screen = await open_words(app, pilot)
        await keys(pilot, "3")
        screen.highlight_word("wrok")
        await keys(pilot, "m")
        assert isinstance(app.screen, MergeDialog)
        await type_text(pilot, "wo")
        await keys(pilot, "tab")
        completed = app.screen.query_one(Input).value
        await keys(pilot, "enter")
        assert isinstance(app.screen, ConfirmDialog)
        question = app.screen.question
        await keys(pilot, "y")
        await settle(pilot)
        return completed, question

    completed, question = drive(words_db, scenario)
    assert completed == "work"
    assert "“wrok” (on 1 check-in) into “work” (on 1 check-in)" in question
    assert words(words_db, "tags") == {"work": (2, False)}


def test_the_merge_dialog_refuses_an_unknown_word_and_the_word_itself(words_db):
    async def scenario(app, pilot):
        screen = await open_words(app, pilot)
        await keys(pilot, "3")
        screen.highlight_word("wrok")
        await keys(pilot, "m")
        await type_text(pilot, "nothing")
        await keys(pilot, "enter")
        unknown = str(app.screen.query_one("#word-error", Static).content)
        app.screen.query_one(Input).value = "WROK"
        await keys(pilot, "enter")
        itself = str(app.screen.query_one("#word-error", Static).content)
        assert isinstance(app.screen, MergeDialog)
        await keys(pilot, "escape")
        return unknown, itself

    unknown, itself = drive(words_db, scenario)
    assert "no tag named “nothing”" in unknown
    assert "itself" in itself
    assert words(words_db, "tags") == {"work": (1, False), "wrok": (1, False)}


def test_renaming_a_shipped_emotion_says_what_it_means(words_db):
    async def scenario(app, pilot):
        screen = await open_words(app, pilot)
        screen.highlight_word("anxious")
        await keys(pilot, "enter")
        return "\n".join(str(s.content) for s in app.screen.query(Static))

    shown = drive(words_db, scenario)
    assert "came with tracker" in shown and "hide" in shown


def test_keys_have_ids_descriptions_and_avoid_global_keys():
    for cls in (WordsScreen, RenameDialog, MergeDialog):
        for binding in Binding.make_bindings(cls.BINDINGS):
            assert binding.id and binding.description, (cls.__name__, binding.key)
    assert not {b.key for b in Binding.make_bindings(WordsScreen.BINDINGS)} & GLOBAL_KEYS
    assert "w" in {b.key for b in Binding.make_bindings(HistoryScreen.BINDINGS)}


def test_a_merge_is_never_made_by_enter_alone(words_db):
    """Merging cannot be undone: a habitual enter on its question keeps both words."""

    async def scenario(app, pilot):
        screen = await open_words(app, pilot)
        screen.highlight_word("anxous")
        await keys(pilot, "enter", "ctrl+u")
        await type_text(pilot, "Anxious")
        await keys(pilot, "enter", "enter", "enter")
        await settle(pilot)
        return type(app.screen)

    drive(words_db, scenario)
    assert words(words_db, "emotions")["anxous"] == (2, False)
