"""A field for several short names (emotions, people, tags) with completion.

The names are typed into one line, separated by commas. The word being typed is
completed from the known names (shown greyed; ``tab`` or ``enter`` takes it); a
new word is simply typed out. The widget receives the known names as a plain list
and never looks anything up itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Input, Static

from tracker.app.widgets.keyorder import OrderedInput
from tracker.app.widgets.scale import LABEL_WIDTH

SEPARATOR = ", "


def split_names(text: str) -> list[str]:
    """The names typed so far, tidied (the model does the real validation)."""
    return [" ".join(part.split()) for part in text.replace("|", ",").split(",")
            if part.strip()]


def join_names(names: Sequence[str]) -> str:
    return SEPARATOR.join(names)


def _current_word(value: str) -> tuple[str, str]:
    """Split ``value`` into (everything before the word being typed, that word)."""
    head, sep, word = value.rpartition(",")
    stripped = word.lstrip()
    return value[: len(value) - len(stripped)], stripped


class NameSuggester(Suggester):
    """Completes the word being typed from known names not already chosen."""

    def __init__(self, names: Sequence[str]):
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = list(names)

    def matches(self, value: str) -> list[str]:
        before, word = _current_word(value)
        chosen = {n.casefold() for n in split_names(before)}
        key = word.casefold()
        return [n for n in self.names
                if n.casefold().startswith(key) and n.casefold() not in chosen]

    async def get_suggestion(self, value: str) -> str | None:
        before, word = _current_word(value)
        if not word:
            return None
        found = self.matches(value)
        return before + found[0] if found else None


class NamesInput(OrderedInput):
    """An Input for comma-separated names: tab or enter takes the greyed completion."""

    def _take_suggestion(self) -> bool:
        """Complete the word being typed (worked out now, not left to the async
        suggestion, so a fast ``a n tab`` completes too)."""
        if not self.cursor_at_end or not isinstance(self.suggester, NameSuggester):
            return False
        before, word = _current_word(self.value)
        if not word:
            return False
        found = self.suggester.matches(self.value)
        if not found:
            return False
        self.value = before + found[0] + SEPARATOR
        self.cursor_position = len(self.value)
        return True

    def handle_tab(self, key: str) -> bool:
        """tab takes the completion if there is one, else moves on."""
        if key == "tab" and self._take_suggestion():
            return True
        return super().handle_tab(key)

    async def action_submit(self) -> None:
        """Enter: take the completion, or finish the word; on an empty word, move on."""
        if self._take_suggestion():
            return
        _, word = _current_word(self.value)
        if word.strip():
            self.value = self.value.rstrip() + SEPARATOR
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()


class NamesField(Widget):
    """A labelled row: the names input, and while it has focus, the known names."""

    DEFAULT_CSS = """
    NamesField {
        height: auto;
    }
    NamesField > Horizontal {
        height: auto;
    }
    NamesField .names-label {
        width: %d;
        padding: 0 0 0 2;
    }
    NamesField Vertical {
        height: auto;
        width: 1fr;
    }
    NamesField .names-known {
        height: 1;
        color: $text-muted;
        display: none;
    }
    NamesField.-editing .names-known {
        display: block;
    }
    """ % LABEL_WIDTH

    def __init__(self, label: str, known: Sequence[str], value: Sequence[str] = (), *,
                 placeholder: str = "", id: str | None = None):
        super().__init__(id=id)
        self.label = label
        self.known = list(known)
        self.suggester = NameSuggester(self.known)
        self._initial = join_names(value)
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static(self.label, classes="names-label")
            with Vertical():
                yield NamesInput(self._initial, placeholder=self.placeholder,
                                 suggester=self.suggester, id=f"{self.id}-input",
                                 select_on_focus=False)
                yield Static(classes="names-known")

    @property
    def input(self) -> NamesInput:
        return self.query_one(NamesInput)

    @property
    def text(self) -> str:
        """What was typed, as it stands (the model splits and validates it)."""
        return self.input.value

    @property
    def names(self) -> list[str]:
        return split_names(self.text)

    def on_mount(self) -> None:
        self._show_known(self._initial)

    def on_descendant_focus(self) -> None:
        self.add_class("-editing")

    def on_descendant_blur(self) -> None:
        self.remove_class("-editing")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_known(event.value)

    def on_resize(self) -> None:
        self._show_known(self.input.value)

    def _show_known(self, value: str) -> None:
        found = self.suggester.matches(value)
        _, word = _current_word(value)
        line = Text(no_wrap=True, overflow="ellipsis")
        if found:
            prefix = "known: " if not word else "tab takes: "
            line.append(prefix)
            room = self.content_size.width - LABEL_WIDTH - 2 - len(prefix)
            line.append(_fit_names(found, room))
        elif word:
            line.append(f"'{word}' is new: it will be added")
        elif self.known:
            line.append("type to choose; commas between names")
        else:
            line.append("type names, commas between them")
        self.query_one(".names-known", Static).update(line)


def _fit_names(names: Sequence[str], width: int) -> str:
    """As many whole names as fit in ``width`` cells, then "+N more" (never cut a name)."""
    if width <= 0:  # not laid out yet
        width = 60
    shown: list[str] = []
    for i, name in enumerate(names):
        rest = len(names) - i - 1
        candidate = " · ".join([*shown, name])
        tail = f" · +{rest} more" if rest else ""
        if len(candidate) + len(tail) > width and shown:
            return " · ".join(shown) + f" · +{len(names) - len(shown)} more"
        shown.append(name)
    return " · ".join(shown)
