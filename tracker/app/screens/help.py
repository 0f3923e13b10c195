"""Help: every key of every screen, grouped by screen.

Built by introspection of the ``BINDINGS`` of the app and of each screen that
:mod:`tracker.app.sections` lists, so it never goes stale: a key added to a screen
shows up here by itself. Keys remapped through the app's keymap (by binding id) are
shown as remapped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.keys import format_key
from textual.widgets import Footer, Header, Static

from tracker.app.runtime import bindings as runtime_bindings
from tracker.app.screens.base import OverlayScreen
from tracker.app.sections import help_screens, load

INTRO = (
    "Every key, screen by screen. A screen's keys work while no text field has the "
    "cursor; in a text field, letters type, and [b]ctrl+g[/b] opens support and "
    "[b]f1[/b] this help from any field. [b]ctrl+p[/b] opens the command palette, "
    "where you can search every action. [b]q[/b] quits from any screen but a form; "
    "[b]ctrl+q[/b] quits from anywhere. Scroll with the arrow keys or page up/down."
)

MOVING_AROUND: list[tuple[str, str]] = [
    ("ctrl+p", "Command palette: search every action by name"),
    (
        "tab / shift+tab",
        "Next / previous field or panel; in a form, tab stops at the "
        "last field, and tab or enter right after a one-key answer confirms it",
    ),
    ("up / down", "Move through a list"),
    ("pageup / pagedown", "A page up or down in a list"),
    ("home / end", "The first / last in a list (in History: newest / oldest shown)"),
    ("escape", "Close a form, dialog or this help"),
]

# A screen can list keys its widgets handle (not bindings, e.g. a digit on a focused
# scale) as ``HELP_EXTRA_KEYS = [("0-5", "what it does"), ...]``; they are shown too.


@dataclass(frozen=True)
class KeyRow:
    keys: tuple[str, ...]
    description: str
    detail: str = ""


@dataclass(frozen=True)
class KeyGroup:
    title: str
    rows: tuple[KeyRow, ...]


def key_words(key: str) -> str:
    """A key as people type it: ``ctrl+s``, ``?``, ``shift+up``, ``enter``."""
    *modifiers, base = key.split("+")
    shown = format_key(base)
    if not (len(shown) == 1 and shown.isprintable() and shown not in "⏎↑↓←→⌫"):
        shown = base.replace("_", " ")
    if len(base) == 1 and base.isupper() and not modifiers:
        return f"{base} (shift+{base.lower()})"
    return "+".join([*modifiers, shown])


def own_bindings(cls: type) -> list[Binding]:
    """The bindings a class and its tracker base classes declare (subclass wins; one
    class may give a key two bindings, of which its ``check_action`` shows one)."""
    seen: set[str] = set()
    found: list[Binding] = []
    for klass in cls.__mro__:
        if not klass.__module__.startswith("tracker."):
            continue
        own = Binding.make_bindings(klass.__dict__.get("BINDINGS", []))
        found.extend(binding for binding in own if binding.key not in seen)
        seen.update(binding.key for binding in own)
    return found


def rows_for(bindings: Iterable[Binding], keymap: dict[str, str] | None = None) -> list[KeyRow]:
    """One row per action; keys of the same action ("delete", "backspace") share it."""
    keymap = keymap or {}
    rows: dict[tuple[str, str], list[str]] = {}
    details: dict[tuple[str, str], str] = {}
    for binding in bindings:
        if binding.system or not binding.description:
            continue
        group = (binding.action, binding.description)
        keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
        for key in keys.split(","):
            shown = key_words(key.strip())
            if shown not in rows.setdefault(group, []):
                rows[group].append(shown)
        tooltip = binding.tooltip if isinstance(binding.tooltip, str) else ""
        if tooltip.lower().startswith(binding.description.lower() + ":"):
            tooltip = tooltip[len(binding.description) + 1 :].strip()
        if tooltip and tooltip.rstrip(".").lower() != binding.description.lower():
            details.setdefault(group, tooltip)
    return [
        KeyRow(tuple(keys), description, details.get((action, description), ""))
        for (action, description), keys in rows.items()
    ]


ENCRYPTED_ONLY_ACTIONS = frozenset({"lock"})
"""App actions that exist only on an encrypted database (the help leaves them out
elsewhere, as the footer does)."""


def key_groups(
    app_cls: type[App], keymap: dict[str, str] | None = None, *, encrypted: bool = True
) -> list[KeyGroup]:
    """Every key of every screen, in the order a person meets the screens.

    ``app_cls`` gives the keys that work everywhere (the running app's class: the
    help is handed it rather than importing the app). ``encrypted``: is the database
    encrypted? Without it, the lock key and the lock screen are left out.
    """
    everywhere = [
        b for b in _app_bindings(app_cls) if encrypted or b.action not in ENCRYPTED_ONLY_ACTIONS
    ]
    groups: list[KeyGroup] = [
        KeyGroup(
            "Everywhere",
            tuple(rows_for(everywhere, keymap) + [KeyRow((k,), d) for k, d in MOVING_AROUND]),
        ),
    ]
    for entry in help_screens():
        if not encrypted and entry.target.endswith(":LockScreen"):
            continue
        cls = load(entry.target)
        rows = rows_for(own_bindings(cls), keymap)
        rows += [KeyRow((keys,), what) for keys, what in getattr(cls, "HELP_EXTRA_KEYS", ())]
        if rows:
            groups.append(KeyGroup(entry.title, tuple(rows)))
    return groups


def _app_bindings(app_cls: type) -> list[Binding]:
    """The app's own keys, then Textual's app-wide ones (ctrl+q quits)."""
    merged = runtime_bindings.merged_bindings(app_cls)
    own = own_bindings(app_cls)
    own_keys = {b.key for b in own}
    extra = [b for key, bindings in merged.items() if key not in own_keys for b in bindings]
    return own + extra


def group_table(group: KeyGroup) -> Table:
    table = Table(box=None, show_header=False, expand=True, padding=(0, 1, 0, 0))
    table.add_column("key", style="bold", no_wrap=True, min_width=17, max_width=22)
    table.add_column("what it does", ratio=1)
    for row in group.rows:
        what = Text(row.description)
        if row.detail:
            what.append(f": {row.detail[0].lower()}{row.detail[1:]}", style="dim")
        table.add_row(" / ".join(row.keys), what)
    return table


class HelpScreen(OverlayScreen):
    """Every key of every screen, scrollable; ``escape`` closes it."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="help-close", tooltip="Close the help"),
    ]

    def __init__(self, groups: Sequence[KeyGroup] | None = None) -> None:
        super().__init__()
        self.groups: Sequence[KeyGroup] = groups or ()

    def compose(self) -> ComposeResult:
        if not self.groups:
            keymap = runtime_bindings.keymap(self.app)
            encrypted = bool(getattr(self.app, "encrypted", False))
            self.groups = key_groups(type(self.app), keymap, encrypted=encrypted)
        yield Header()
        with VerticalScroll(id="help-body"):
            yield Static(INTRO, id="help-intro")
            for group in self.groups:
                yield Static(group.title, classes="help-group")
                yield Static(group_table(group), classes="help-keys")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.title = "Help"
        self.sub_title = "every key"
        self.query_one("#help-body", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
