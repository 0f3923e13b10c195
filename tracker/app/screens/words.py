"""Words: the emotions, people and tags, most used first, to rename, merge or hide.

``w`` in History opens it. ``1`` ``2`` ``3`` show emotions, people or tags;
``enter`` renames the highlighted word, ``m`` merges it into another, ``x`` hides it
from the suggestions (again: shows it). Every change goes through the store
(:mod:`tracker.store.names`), one transaction each; a change it refuses is shown
in the dialog, in its own words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Header, Input, OptionList, Static

from tracker.app.screens.base import OverlayScreen
from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.widgets.keyorder import OrderedInput
from tracker.app.widgets.names import NameSuggester
from tracker.app.widgets.recordlist import RecordList
from tracker.days import plural
from tracker.store import WORD_KINDS, Word, WordRefused
from tracker.text import one_line

if TYPE_CHECKING:
    from tracker.store import Store

KIND_LABELS = {"emotions": "Emotions", "people": "People", "tags": "Tags"}
ONE = {"emotions": "emotion", "people": "person", "tags": "tag"}

EMPTY = {
    "emotions": "No emotion words yet.",
    "people": "[b]No people named yet.[/b]\n\nThe people a check-in or a rupture is about "
    "show here once you name them.",
    "tags": "[b]No tags yet.[/b]\n\nTags say what was going on (work, bad sleep, a family "
    "visit); they show here once a check-in has one.",
}


def uses_words(word: Word) -> str:
    """ "on 3 check-ins", "on 3 check-ins and 1 rupture", "not used yet"."""
    if not word.uses:
        return "not used yet"
    text = f"on {plural(word.checkins, 'check-in')}"
    if word.ruptures:
        text += f" and {plural(word.ruptures, 'rupture')}"
    return text


def word_prompt(word: Word, width: int) -> Text:
    """One line of the list: the name, how often it is used, hidden or not."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("· " if word.hidden else "  ", style="dim")
    text.append(one_line(word.name).ljust(width), style="dim" if word.hidden else "bold")
    text.append(f"  {word.checkins:>5,} check-in{'' if word.checkins == 1 else 's'}")
    if word.ruptures:
        text.append(f", {plural(word.ruptures, 'rupture')}")
    if word.hidden:
        text.append("  hidden", style="dim")
    return text


def detail_text(word: Word) -> Text:
    """The word, where it is used, and what each key does to it."""
    text = Text()
    text.append(one_line(word.name) + "\n", style="bold")
    text.append(uses_words(word).capitalize() + ".")
    if word.shipped:
        text.append(" It came with tracker.")
    text.append("\n\n")
    if word.hidden:
        text.append("Hidden from the suggestions. ", style="bold")
        text.append("It stays on every record that names it. Press x to suggest it again.\n")
    else:
        text.append("Suggested while you type, most used words first.\n")
    text.append("\n")
    text.append("enter", style="bold")
    text.append(" renames it everywhere it is used.\n")
    text.append("m", style="bold")
    text.append(" merges it into another word (a typo into the word you meant).\n")
    text.append("x", style="bold")
    text.append(
        " hides it from the suggestions, without touching the records.\n"
        if not word.hidden
        else " shows it in the suggestions again.\n"
    )
    if word.shipped:
        text.append(
            "\nRenaming a word that came with tracker makes it a word of your own, on "
            "every check-in that names it. To keep it out of the way only, hide it.",
            style="dim",
        )
    return text


class WordsScreen(OverlayScreen):
    """Emotions, people and tags, to rename, merge and hide; ``escape`` closes it."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("escape", "close", "Close", id="words-close", tooltip="Back to where you were"),
        Binding(
            "1",
            "kind('emotions')",
            "Kind",
            id="words-emotions",
            key_display="1-3",
            tooltip="Show emotions (1), people (2) or tags (3)",
        ),
        Binding(
            "2", "kind('people')", "People", id="words-people", show=False, tooltip="Show people"
        ),
        Binding("3", "kind('tags')", "Tags", id="words-tags", show=False, tooltip="Show tags"),
        Binding(
            "enter",
            "rename",
            "Rename",
            id="words-rename",
            tooltip="Rename it everywhere it is used",
        ),
        Binding(
            "m",
            "merge",
            "Merge",
            id="words-merge",
            tooltip="Merge it into another word: its records name that one instead",
        ),
        Binding(
            "x",
            "hide",
            "Hide",
            id="words-hide",
            tooltip="Hide it from the suggestions (again: suggest it); records keep it",
        ),
        Binding(
            "x",
            "unhide",
            "Suggest again",
            id="words-unhide",
            tooltip="Suggest a hidden word again (the footer says which x does)",
        ),
    ]

    def __init__(self, kind: str = "emotions") -> None:
        super().__init__()
        self.kind = kind
        self._words: dict[str, Word] = {}

    @property
    def store(self) -> Store:
        return self.app.store  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="words-summary", classes="sec-summary")
        with Container(id="words-body", classes="sec-body"):
            yield Static(id="words-empty", classes="card sec-empty")
            yield RecordList(id="words-list", classes="sec-list")
            with VerticalScroll(id="words-detail", classes="sec-detail"):
                yield Static(id="words-detail-text")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.title = "Words"
        self.refresh_data()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    @property
    def record_list(self) -> RecordList:
        return self.query_one("#words-list", RecordList)

    @property
    def selected(self) -> Word | None:
        key = self.record_list.highlighted_id
        return self._words.get(key) if key else None

    def refresh_data(self, keep: str | None = None) -> None:
        """Read the words of the kind shown; ``keep``: the name to highlight."""
        words = self.store.words(self.kind)
        self._words = {f"w{i}": w for i, w in enumerate(words)}
        self.sub_title = KIND_LABELS[self.kind]
        width = min(24, max((len(one_line(w.name)) for w in words), default=0))
        listing = self.record_list
        highlighted = self.selected
        wanted = (keep or (highlighted.name if highlighted else "")).casefold()
        keep_id = next((k for k, w in self._words.items() if w.name.casefold() == wanted), None)
        listing.show_records([(k, word_prompt(w, width)) for k, w in self._words.items()], keep_id)
        empty = not words
        box = self.query_one("#words-empty", Static)
        box.update(EMPTY[self.kind])
        box.display = empty
        listing.display = not empty
        self.query_one("#words-detail").display = not empty
        self.query_one("#words-summary", Static).update(self._summary(words))
        if not empty:
            listing.focus()
        self.show_detail()

    def _summary(self, words: list[Word]) -> Text:
        text = Text()
        for number, kind in enumerate(WORD_KINDS, start=1):
            label = f"{number} {KIND_LABELS[kind]}"
            text.append(f"[{label}]" if kind == self.kind else f" {label} ", style="bold")
            text.append("  ")
        hidden = sum(1 for w in words if w.hidden)
        text.append(f"· {plural(len(words), 'word')}, most used first")
        if hidden:
            text.append(f" · {hidden:,} hidden")
        return text

    @property
    def shown(self) -> list[Word]:
        """The words listed now, in their order."""
        return list(self._words.values())

    def highlight_word(self, name: str) -> None:
        """Highlight the word spelled ``name`` (case as the tables fold it)."""
        wanted = name.casefold()
        key = next((k for k, w in self._words.items() if w.name.casefold() == wanted), None)
        self.record_list.highlight_record(key)
        self.show_detail()

    def show_detail(self) -> None:
        word = self.selected
        self.refresh_bindings()
        self.query_one("#words-detail-text", Static).update(
            "" if word is None else detail_text(word)
        )

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_detail()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """x reads "Hide" on a word suggested, "Suggest again" on a hidden one."""
        word = self.selected
        if action in ("rename", "merge"):
            return word is not None
        if action in ("hide", "unhide"):
            return word is not None and word.hidden == (action == "unhide")
        return True

    # -- actions --

    def action_close(self) -> None:
        self.dismiss(None)

    def action_kind(self, kind: str) -> None:
        if kind in WORD_KINDS and kind != self.kind:
            self.kind = kind
            self.refresh_data()

    def action_rename(self) -> None:
        word = self.selected
        if word is None:
            return

        def done(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            what, name = result
            if what == "merge":
                self._merge(word, name)
                return
            self.refresh_data(keep=name)
            self.notify(f"Renamed to “{one_line(name)}” everywhere it is used.")

        self.app.push_screen(RenameDialog(word), callback=done)

    def action_merge(self) -> None:
        word = self.selected
        if word is None:
            return
        others = [w.name for w in self._words.values() if w.name != word.name]

        def chosen(into: str | None) -> None:
            if into:
                self._merge(word, into)

        self.app.push_screen(MergeDialog(word, others), callback=chosen)

    def _merge(self, word: Word, into: str) -> None:
        """Ask, then merge ``word`` into ``into``."""
        target = self.store.find_word(self.kind, into)
        if target is None:
            self.notify(f"There is no {ONE[self.kind]} named “{one_line(into)}”.")
            return
        question = (
            f"Merge “{one_line(word.name)}” ({uses_words(word)}) into "
            f"“{one_line(target.name)}” ({uses_words(target)})? Every record that names "
            f"“{one_line(word.name)}” will name “{one_line(target.name)}”, and "
            f"“{one_line(word.name)}” goes. This can't be undone."
        )

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.store.merge_words(self.kind, [word.name], target.name)
            except WordRefused as exc:
                self.notify(str(exc))
                return
            self.refresh_data(keep=target.name)
            self.notify(f"Merged into “{one_line(target.name)}”.")

        self.app.push_screen(
            ConfirmDialog(question, yes="Merge", no="Keep both", enter_keeps=True), answered
        )

    def action_unhide(self) -> None:
        self.action_hide()

    def action_hide(self) -> None:
        """Hide the highlighted word from the suggestions, or (hidden) suggest it again."""
        word = self.selected
        if word is None:
            return
        changed = self.store.set_word_hidden(self.kind, word.name, not word.hidden)
        self.refresh_data(keep=changed.name)
        if changed.hidden:
            self.notify(
                f"“{one_line(changed.name)}” is hidden from the suggestions; "
                "the records that name it keep it."
            )
        else:
            self.notify(f"“{one_line(changed.name)}” is suggested again.")


class WordDialog(ModalScreen):
    """A small dialog with one line to type a word in, and a line for what went wrong."""

    BINDINGS = [
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="word-cancel",
            tooltip="Close without changing anything",
        ),
        Binding(
            "ctrl+g",
            "app.support",
            "Support",
            id="word-support",
            tooltip="Your people and crisis lines",
        ),
    ]

    def __init__(self, word: Word) -> None:
        super().__init__()
        self.word = word

    @property
    def store(self) -> Store:
        return self.app.store  # type: ignore[attr-defined]

    def show_error(self, message: str) -> None:
        box = self.query_one("#word-error", Static)
        box.update(Text(message))
        box.display = True

    def on_mount(self) -> None:
        self.query_one("#word-error", Static).display = False
        self.query_one(Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


class RenameDialog(WordDialog):
    """Rename a word. A name another word has is refused, and ``enter`` again then
    merges the two (the dialog says so first). Dismisses with ("renamed", new name),
    ("merge", the other word) or ``None``."""

    HELP_EXTRA_KEYS = [("enter", "Rename it (again, after a refusal: merge the two)")]

    def __init__(self, word: Word) -> None:
        super().__init__(word)
        self._merge_into: tuple[str, str] | None = None
        """(the name typed, the word it matched) after a rename onto a word there is."""

    def compose(self) -> ComposeResult:
        word = self.word
        with Vertical(id="dialog", classes="word-dialog"):
            yield Static(
                f"Rename “{one_line(word.name)}” ({uses_words(word)}) to:",
                id="dialog-question",
            )
            yield OrderedInput(one_line(word.name), id="word-name", max_length=60)
            if word.shipped:
                yield Static(
                    "It came with tracker: renamed, it becomes a word of your own on every "
                    "check-in that names it. To keep it out of the way only, escape and "
                    "press x to hide it.",
                    classes="rf-note",
                )
            yield Static("", id="word-error", classes="rf-error")
            yield Static("[b]enter[/b] renames · [b]escape[/b] cancels", classes="rf-note")
        yield Footer(compact=True, show_command_palette=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        typed = event.value
        if self._merge_into is not None and self._merge_into[0] == typed:
            self.dismiss(("merge", self._merge_into[1]))
            return
        self._merge_into = None
        try:
            _, new = self.store.rename_word(self.word.kind, self.word.name, typed)
        except WordRefused as exc:
            if exc.reason == "taken" and exc.other:
                self._merge_into = (typed, exc.other)
                self.show_error(f"{exc} Press enter again to merge them.")
            else:
                self.show_error(str(exc))
            return
        self.dismiss(("renamed", new))


class OneNameInput(OrderedInput):
    """One name, completed from the known ones: ``tab`` (or ``enter``, or ``→``) takes
    the greyed completion; ``enter`` with nothing to complete submits."""

    def __init__(self, names: list[str], **kwargs) -> None:
        super().__init__("", suggester=NameSuggester(names), **kwargs)

    @property
    def name_suggester(self) -> NameSuggester:
        assert isinstance(self.suggester, NameSuggester)
        return self.suggester

    def handle_tab(self, key: str) -> bool:
        if key in ("tab", "enter") and self.cursor_at_end:
            completed = self.name_suggester.completion(self.value.replace(",", " "))
            if completed is not None:
                self.value = completed
                self.cursor_position = len(completed)
                return True
        if key == "enter":
            return False  # Input submits
        return super().handle_tab(key)


class MergeDialog(WordDialog):
    """Choose the word to merge a word into (completed from the others)."""

    HELP_EXTRA_KEYS = [
        ("tab / enter", "Take the suggested word"),
        ("enter", "Merge into the word typed (asks first)"),
    ]

    def __init__(self, word: Word, others: list[str]) -> None:
        super().__init__(word)
        self.others = others

    def compose(self) -> ComposeResult:
        word = self.word
        with Vertical(id="dialog", classes="word-dialog"):
            yield Static(
                f"Merge “{one_line(word.name)}” ({uses_words(word)}) into which {ONE[word.kind]}?",
                id="dialog-question",
            )
            yield OneNameInput(self.others, id="word-into", max_length=60)
            yield Static("", id="word-error", classes="rf-error")
            yield Static(
                "[b]tab[/b] completes · [b]enter[/b] merges (asks first) · [b]escape[/b] cancels",
                classes="rf-note",
            )
        yield Footer(compact=True, show_command_palette=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        typed = " ".join(event.value.split())
        if not typed:
            self.show_error(f"Type the {ONE[self.word.kind]} to merge it into.")
            return
        target = self.store.find_word(self.word.kind, typed)
        if target is None:
            self.show_error(
                f"There is no {ONE[self.word.kind]} named “{one_line(typed)}”. To give "
                f"“{one_line(self.word.name)}” a new name, escape and press enter to rename it."
            )
            return
        if target.name.casefold() == self.word.name.casefold():
            self.show_error(f"That is “{one_line(self.word.name)}” itself: choose another word.")
            return
        self.dismiss(target.name)
