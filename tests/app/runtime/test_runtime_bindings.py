"""tracker.app.runtime.bindings: the merged bindings and the keymap the help lists."""

from __future__ import annotations

import asyncio
import inspect

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from tracker.app.runtime.bindings import keymap, merged_bindings


def test_textual_still_merges_bindings_and_keeps_the_keymap_where_read_here():
    merge = DOMNode.__dict__.get("_merge_bindings")
    assert isinstance(merge, classmethod), "DOMNode._merge_bindings is gone"
    assert list(inspect.signature(merge.__func__).parameters) == ["cls"]
    assert isinstance(App._merge_bindings(), BindingsMap)
    assert "_keymap" in inspect.getsource(App.update_keymap)


class Base(App):
    BINDINGS = [Binding("a", "one", "One", id="one"), Binding("b", "two", "Two")]


class Child(Base):
    BINDINGS = [Binding("a", "three", "Three", id="three")]


def test_merged_bindings_are_a_class_and_its_bases_subclass_first():
    merged = merged_bindings(Child)
    assert [b.action for b in merged["a"]] == ["three"]
    assert [b.action for b in merged["b"]] == ["two"]
    assert "ctrl+q" in merged  # Textual's own app-wide key


def test_the_keymap_is_what_the_app_was_given_normalised():
    async def main() -> dict[str, str]:
        app = Child()
        async with app.run_test() as pilot:
            assert keymap(app) == {}
            app.update_keymap({"three": "?"})
            await pilot.pause()
            return keymap(app)

    assert asyncio.run(main()) == {"three": "question_mark"}
