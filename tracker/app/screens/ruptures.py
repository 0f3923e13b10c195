"""Ruptures and repairs: note a rupture quickly, tick repair steps as they happen,
mark it repaired. Not yet repaired first, with days since; repaired ones show how
long repair took."""

from __future__ import annotations

import statistics

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.widgets import Footer, Header, Static

from tracker import clock
from tracker.app.screens.base import ListDetailScreen
from tracker.app.screens.bring import bring_line, bring_states, with_state
from tracker.app.screens.dialogs import ConfirmDialog
from tracker.app.screens.rupture_form import RepairedOnDialog, RuptureForm, rupture_data
from tracker.app.styled import rupture_prompt
from tracker.app.widgets.navbar import NavBar
from tracker.app.widgets.recordlist import RecordList
from tracker.models import REPAIR_STEPS, RUPTURE_INTENSITY, Rupture
from tracker.wording import MOVE_WORDS, ago_words, day_label, days_between, repair_time_words

EMPTY = (
    "[b]Nothing noted here yet.[/b]\n\n"
    "A rupture is a moment the connection broke: an argument, a cold silence, a door "
    "closed. They happen in every close relationship. What builds trust is the repair: "
    "acknowledging it, apologising, taking your part, trying again, talking about needs.\n\n"
    "Press [b]n[/b] to note one. Afterwards, tick each repair step as it happens."
)

STEP_BINDINGS = [
    Binding(
        "1",
        "step(1)",
        "Repair steps",
        id="ruptures-step-1",
        key_display="1-5",
        tooltip="Tick or untick a step as it happens: "
        + ", ".join(f"{n} {label}" for n, (_, label) in enumerate(REPAIR_STEPS, start=1)),
    ),
    *[
        Binding(
            str(number),
            f"step({number})",
            f"Tick: {label}",
            id=f"ruptures-step-{number}",
            show=False,
        )
        for number, (_, label) in enumerate(REPAIR_STEPS, start=1)
        if number > 1
    ],
]


class RupturesScreen(ListDetailScreen[Rupture]):
    """The ruptures and repairs section."""

    PREFIX = "rup"
    NEEDS_SELECTION = frozenset({"step", "repaired", "repaired_on", "edit", "delete", "bring"})
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("n", "new", "New", id="ruptures-new", tooltip="Note a rupture"),
        *STEP_BINDINGS,
        Binding(
            "m",
            "repaired",
            "Repaired",
            id="ruptures-repaired",
            tooltip="Mark it repaired today (press again to undo)",
        ),
        Binding(
            "M",
            "repaired_on",
            "Repaired on…",
            id="ruptures-repaired-on",
            show=False,
            tooltip="Mark it repaired on another day",
        ),
        Binding(
            "b",
            "bring",
            "Bring",
            id="ruptures-bring",
            tooltip="Mark it to bring to your next session (again: take the mark off)",
        ),
        Binding("enter", "edit", "Edit", id="ruptures-edit", tooltip="Change what was noted"),
        Binding(
            "d,delete",
            "delete",
            "Delete",
            id="ruptures-delete",
            show=False,
            tooltip="Delete it (asks first)",
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("ruptures")
        yield Static(id="rup-summary", classes="sec-summary")
        with Container(id="rup-body", classes="sec-body"):
            yield Static(EMPTY, id="rup-empty", classes="card sec-empty")
            yield RecordList(id="rup-list", classes="sec-list")
            with VerticalScroll(id="rup-detail", classes="sec-detail"):
                yield Static(id="rup-detail-text")
        yield Footer(compact=True, show_command_palette=False)

    def __init__(self) -> None:
        super().__init__()
        self._bring: dict[str, str] = {}
        """Rupture id -> its bring mark in words (see :mod:`tracker.app.screens.bring`)."""

    def refresh_data(self) -> None:
        today = clock.today()
        self.title = "Ruptures and repairs"
        ruptures = self.store.ruptures()
        self.records = {r.id: r for r in ruptures}
        self._bring = bring_states(self.store, "rupture")
        open_ = [r for r in ruptures if r.repaired_on is None]
        repaired = [r for r in ruptures if r.repaired_on is not None]
        summary = self.query_one("#rup-summary", Static)
        summary.update(summary_words(open_, repaired))
        rows: list[tuple[str | None, Text | str]] = []
        if open_:
            rows.append((None, Text("Not yet repaired", style="bold dim")))
            rows += [(r.id, self._prompt(r, today)) for r in open_]
        if repaired:
            rows.append((None, Text("Repaired", style="bold dim")))
            rows += [(r.id, self._prompt(r, today)) for r in repaired]
        summary.display = bool(ruptures)
        self.show_rows(rows)

    def _prompt(self, rupture: Rupture, today) -> Text:
        return with_state(rupture_prompt(rupture, today), self._bring.get(rupture.id))

    def detail_text(self, record: Rupture) -> Text:
        text = detail_text(record)
        state = self._bring.get(record.id)
        text.append("\n\n")
        text.append(bring_line(state), style="bold" if state else "dim")
        return text

    def action_bring(self) -> None:
        rupture = self.selected
        if rupture is None:
            return
        marked = self.store.toggle_bring("rupture", rupture.id)
        self.highlight(rupture.id)
        self.notify(
            "Marked to bring to your next session." if marked else "No longer marked to bring."
        )

    # -- actions --

    def _save(self, rupture: Rupture) -> None:
        self.store.save_rupture(rupture)
        self.highlight(rupture.id)

    def action_new(self) -> None:
        def saved(rupture: Rupture | None) -> None:
            if rupture is not None:
                self._save(rupture)
                self.notify("Noted. Tick repair steps with 1-5 as they happen.")

        self.app.push_screen(RuptureForm(self.store.people_names()), callback=saved)

    def action_edit(self) -> None:
        rupture = self.selected
        if rupture is None:
            return

        def saved(changed: Rupture | None) -> None:
            if changed is not None:
                self._save(changed)
                self.notify("Saved.")

        self.app.push_screen(
            RuptureForm(self.store.people_names(), existing=rupture), callback=saved
        )

    def action_step(self, number: int) -> None:
        rupture = self.selected
        if rupture is None or not 1 <= number <= len(REPAIR_STEPS):
            return
        key, label = REPAIR_STEPS[number - 1]
        ticked = not getattr(rupture, key)
        self._save(
            Rupture.create(rupture_data(rupture), **{key: int(ticked)}, updated_at=clock.now_iso())
        )
        self.notify(f"Ticked: {label}." if ticked else f"Unticked: {label}.")

    def action_repaired(self) -> None:
        rupture = self.selected
        if rupture is None:
            return
        if rupture.repaired_on is None:
            self._save(
                Rupture.create(
                    rupture_data(rupture),
                    repaired_on=clock.today().isoformat(),
                    updated_at=clock.now_iso(),
                )
            )
            self.notify("Marked repaired. Repair is how trust grows back.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._save(
                    Rupture.create(
                        rupture_data(rupture), repaired_on=None, updated_at=clock.now_iso()
                    )
                )
                self.notify("Moved back to not yet repaired.")

        self.app.push_screen(
            ConfirmDialog(
                "Move this back to “not yet repaired”?", yes="Move back", no="Keep repaired"
            ),
            callback=answered,
        )

    def action_repaired_on(self) -> None:
        rupture = self.selected
        if rupture is None:
            return

        def saved(changed: Rupture | None) -> None:
            if changed is not None:
                self._save(changed)
                self.notify(f"Marked repaired on {day_label(changed.repaired_on or '')}.")

        self.app.push_screen(RepairedOnDialog(rupture), callback=saved)

    def action_delete(self) -> None:
        rupture = self.selected
        if rupture is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.store.delete_rupture(rupture.id)
                self.refresh_data()
                self.notify("Deleted.")

        who = ", ".join(rupture.people) or "someone"
        self.app.push_screen(
            ConfirmDialog(
                f"Delete the rupture with {who} on {day_label(rupture.day)}? This can't be undone.",
                yes="Delete",
                no="Keep",
            ),
            callback=answered,
        )


def summary_words(open_: list[Rupture], repaired: list[Rupture]) -> str:
    """ "1 not yet repaired · 3 repaired, typically within 2 days"."""
    parts = []
    if open_:
        parts.append(f"{len(open_)} not yet repaired")
    if repaired:
        days = statistics.median(days_between(r.day, r.repaired_on or r.day) for r in repaired)
        typical = "the same day" if days < 0.5 else "1 day" if days <= 1 else f"{days:g} days"
        parts.append(f"{len(repaired)} repaired, typically within {typical}")
    return " · ".join(parts)


def detail_text(rupture: Rupture) -> Text:
    today = clock.today()
    text = Text()
    who = ", ".join(rupture.people) or "someone"
    text.append(f"With {who}\n", style="bold")
    when = day_label(rupture.day, today)
    if rupture.happened_at[:10] == rupture.day and rupture.happened_at[11:16] != "12:00":
        when += f", {rupture.happened_at[11:16]}"
    text.append(f"{when} · {ago_words(rupture.day, today)}\n")
    text.append("My move: ", style="bold")
    text.append(MOVE_WORDS.get(rupture.my_move, rupture.my_move))
    if rupture.intensity is not None:
        text.append(" · ")
        text.append("intensity: ", style="bold")
        text.append(f"{rupture.intensity} ({RUPTURE_INTENSITY.label(rupture.intensity)})")
    text.append("\n")
    if rupture.what_happened:
        text.append("\nWhat happened\n", style="bold")
        text.append(rupture.what_happened + "\n")
    text.append("\nRepair steps ", style="bold")
    text.append("(press the number as each one happens)\n", style="dim")
    for number, (key, label) in enumerate(REPAIR_STEPS, start=1):
        done = bool(getattr(rupture, key))
        text.append(f" {number} ", style="bold")
        text.append("[x] " if done else "[ ] ", style="bold" if done else "")
        text.append(label + "\n")
    text.append("\n")
    if rupture.repaired_on is None:
        text.append("Not yet repaired. ", style="bold")
        text.append("Press m when it feels repaired (M for another day).")
    else:
        text.append(f"Repaired {day_label(rupture.repaired_on, today)}: ", style="bold")
        text.append(repair_time_words(rupture) + ".")
    if rupture.note:
        text.append("\n\nNote\n", style="bold")
        text.append(rupture.note)
    return text
