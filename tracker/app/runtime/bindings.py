"""The app's keys as Textual merges them, and its keymap: what the help screen lists.

The help screen lists every key, remapped ones as remapped, without a running
screen for each. Textual has no public way to read either, so:

- :func:`merged_bindings` uses ``DOMNode._merge_bindings()`` (a classmethod: a
  class's ``BINDINGS`` merged with its bases', as Textual applies them);
- :func:`keymap` reads ``App._keymap`` (what ``set_keymap``/``update_keymap`` set).

Checked by ``tests/app/runtime/test_bindings.py``.
"""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode


def merged_bindings(cls: type) -> dict[str, list[Binding]]:
    """Key -> bindings of ``cls`` (an App, Screen or Widget class) and its bases,
    merged as Textual merges them."""
    if not issubclass(cls, DOMNode):
        raise TypeError(f"{cls!r} is not a Textual DOM node class")
    return dict(cls._merge_bindings().key_to_bindings)


def keymap(app: App) -> dict[str, str]:
    """The app's keymap: binding id -> keys (normalised as Textual stores them)."""
    return dict(app._keymap)
