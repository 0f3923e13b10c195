"""Fields for several short names (emotions, people, tags) with completion.

The names are typed into one line, separated by commas (focus arriving never
selects them, so typing adds to what is there). The word being typed is
completed from the known names (shown greyed; ``tab`` or ``enter`` takes it); a
new word is simply typed out. :class:`NamesInput` is the one input for such lists
(the check-in card, the rupture form); :class:`NamesField` gives it a label and a
line of the known names. They receive the known names as a plain list and never
look anything up themselves.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Input, Static

from tracker.app.widgets.keyorder import OrderedInput
from tracker.app.widgets.scale import LABEL_WIDTH, FieldLabel

SEPARATOR = ", "


def split_names(text: str) -> list[str]:
    """The names typed so far, tidied (the model does the real validation)."""
    return [" ".join(part.split()) for part in text.replace("|", ",").split(",") if part.strip()]


def join_names(names: Sequence[str]) -> str:
    return SEPARATOR.join(names)


_SEPARATOR_RUN = re.compile(r"\s*,[\s,]*")
_SPACES = re.compile(r"\s{2,}")
_LOOSE = " \t,"
"""What can sit between two names: white space and commas."""


def _tidy(region: str) -> str:
    """Every run of commas and white space as one ", ", and no double spaces."""
    return _SPACES.sub(" ", _SEPARATOR_RUN.sub(SEPARATOR, region))


def tidy_edit(value: str, start: int, end: int, text: str) -> tuple[str, int]:
    """``value`` with ``value[start:end]`` replaced by ``text`` (typed, pasted, or
    nothing: a deletion), the separators around the edit tidied; and where the
    cursor goes.

    Whatever is typed, pasted or deleted, no empty name is left between two commas,
    nothing comes before the first name, and each comma is followed by one space:
    a comma or space typed after ", " adds nothing, "a,,b" pasted is "a, b", and
    deleting the name between two commas leaves one. ``|`` (which records use
    between names) counts as a comma. A space typed inside a name stays (names
    have spaces), and a deletion that leaves "a,b" is left alone (half-way through
    deleting a comma).
    """
    start, end = sorted((max(0, start), min(len(value), end)))
    head, tail = value[:start], value[end:]
    if not text:
        return _tidy_deletion(head, tail)
    text = text.replace("|", ",")
    if not text.strip():  # only white space
        if not head.strip() or head[-1:].isspace() or tail[:1].isspace() or tail[:1] == ",":
            return head + tail, len(head)
        return head + " " + tail, len(head) + 1
    i = len(head.rstrip(_LOOSE))
    j = len(tail) - len(tail.lstrip(_LOOSE))
    typed = _tidy(head[i:] + text)
    region = _tidy(head[i:] + text + tail[:j])
    if i == 0:
        typed, region = typed.lstrip(_LOOSE), region.lstrip(_LOOSE)
    new = head[:i] + region + tail[j:]
    cursor = min(i + len(typed), i + len(region))
    if new[cursor - 1 : cursor + 1] == ", ":
        cursor += 1  # never between a comma and its space
    return new, cursor


def _tidy_deletion(head: str, tail: str) -> tuple[str, int]:
    """``head + tail`` after a deletion: two commas that met are one, and a comma
    left at the start goes (see :func:`tidy_edit`)."""
    i = len(head.rstrip(_LOOSE))
    j = len(tail) - len(tail.lstrip(_LOOSE))
    region = head[i:] + tail[:j]
    if i == 0 and "," in region:
        return tail[j:], 0
    if region.count(",") >= 2:
        return head[:i] + SEPARATOR + tail[j:], i + len(SEPARATOR)
    return head + tail, len(head)


def _current_word(value: str) -> tuple[str, str]:
    """Split ``value`` into (everything before the word being typed, that word)."""
    head, sep, word = value.rpartition(",")
    stripped = word.lstrip()
    return value[: len(value) - len(stripped)], stripped


class NameSuggester(Suggester):
    """Completes the word being typed from known names not already chosen."""

    def __init__(self, names: Sequence[str]):
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = list(dict.fromkeys(names))

    def matches(self, value: str) -> list[str]:
        """Known names, not chosen yet, that begin with the word being typed."""
        before, word = _current_word(value)
        chosen = {n.casefold() for n in split_names(before)}
        key = word.casefold()
        return [
            n for n in self.names if n.casefold().startswith(key) and n.casefold() not in chosen
        ]

    def completion(self, value: str) -> str | None:
        """``value`` with the word being typed completed to a known name, or None when
        there is nothing to add (no word, no match, or the word already is a name)."""
        before, word = _current_word(value)
        if not word:
            return None
        found = self.matches(value)
        if not found or any(n.casefold() == word.casefold() for n in found):
            return None
        return before + found[0]

    async def get_suggestion(self, value: str) -> str | None:
        return self.completion(value)


class NamesInput(OrderedInput):
    """Comma-separated names, completed from the known ones.

    ``tab`` or ``enter`` takes the greyed completion (``→`` too). With nothing to
    complete, ``tab`` moves to the next field; so does ``enter``, unless
    ``enter_adds_comma``: then ``enter`` after a name typed out ends it with a comma,
    and ``enter`` on an empty name moves on. Both keys are handled as they arrive,
    so names typed fast stay in order.
    """

    def __init__(
        self,
        value: str = "",
        *,
        names: Sequence[str] = (),
        enter_adds_comma: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(value, suggester=NameSuggester(names), **kwargs)
        self.enter_adds_comma = enter_adds_comma

    @property
    def name_suggester(self) -> NameSuggester:
        assert isinstance(self.suggester, NameSuggester)
        return self.suggester

    def handle_tab(self, key: str) -> bool:
        if key in ("tab", "enter") and self._take_completion():
            return True
        if key == "enter":
            if self.enter_adds_comma and _current_word(self.value)[1].strip():
                self._set_value(self.value.rstrip() + SEPARATOR)
            else:
                self.screen.focus_next()
            return True
        return super().handle_tab(key)

    def _take_completion(self) -> bool:
        """Complete the word being typed (worked out now, not left to the async
        suggestion, so a fast ``a n tab`` completes too)."""
        if not self.cursor_at_end:
            return False
        completed = self.name_suggester.completion(self.value)
        if completed is None:
            return False
        self._set_value(completed + SEPARATOR)
        return True

    def replace(self, text: str, start: int, end: int) -> None:
        """Every edit (a key typed, a paste, a deletion) goes through here: the
        separators around it are tidied (:func:`tidy_edit`), so the value is always
        names with ", " between them."""
        new, cursor = tidy_edit(self.value, start, end, text)
        if new == self.value:
            self.cursor_position = cursor
            return
        super().replace(new, 0, len(self.value))
        if self.value == new:
            self.cursor_position = cursor

    def _set_value(self, value: str) -> None:
        self.value = value
        self.cursor_position = len(value)


class NamesField(Widget):
    """A labelled row: the names input, and while it has focus, the known names."""

    DEFAULT_CSS = (
        """
    NamesField {
        height: auto;
    }
    NamesField > Horizontal {
        height: auto;
    }
    NamesField .names-label {
        width: LABEL_WIDTH;
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
    """
    ).replace("LABEL_WIDTH", str(LABEL_WIDTH))

    def __init__(
        self,
        label: str,
        known: Sequence[str],
        value: Sequence[str] = (),
        *,
        placeholder: str = "",
        id: str | None = None,
        hidden: Sequence[str] = (),
    ):
        """``known``: the names to suggest; ``hidden``: names kept but hidden from
        suggestions (typed in full, they are used, not added)."""
        super().__init__(id=id)
        self.label = label
        self.known = list(known)
        self.hidden = {name.casefold(): name for name in hidden}
        self._initial = join_names(value)
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield FieldLabel(self.label, classes="names-label")
            with Vertical():
                yield NamesInput(
                    self._initial,
                    names=self.known,
                    enter_adds_comma=True,
                    placeholder=self.placeholder,
                    id=f"{self.id}-input",
                    select_on_focus=False,
                )
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
        self.query_one(FieldLabel).marked = True  # "›": focus shows without colour

    def on_descendant_blur(self) -> None:
        self.remove_class("-editing")
        self.query_one(FieldLabel).marked = False

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_known(event.value)

    def on_resize(self) -> None:
        self._show_known(self.input.value)

    def _show_known(self, value: str) -> None:
        suggester = self.input.name_suggester
        found = suggester.matches(value)
        _, word = _current_word(value)
        line = Text(no_wrap=True, overflow="ellipsis")
        if found:
            prefix = "tab takes: " if suggester.completion(value) else "known: "
            line.append(prefix)
            room = self.content_size.width - LABEL_WIDTH - 2 - len(prefix)
            line.append(_fit_names(found, room))
        elif word and word.strip().casefold() in self.hidden:
            name = self.hidden[word.strip().casefold()]
            line.append(f"'{name}' is known, hidden from suggestions: it will be used")
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
