"""Ruptures and repairs: note a rupture quickly, tick repair steps as they happen,
mark it repaired, or let it rest (closed without being called repaired). Not yet
repaired first, with days since; repaired ones show how long repair took.

A rupture's detail shows its chain: the check-ins of the 48 hours before and after
it, what I'd do next time, and the library experiment that fits my move (``x``
starts it, prefilled). Ticking the repair attempt can count as practice of a
repair experiment that is running."""

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
from tracker.app.screens.experiment_form import ExperimentForm
from tracker.app.screens.rupture_form import (
    LetRestOnDialog,
    PracticeChoice,
    RepairedOnDialog,
    RuptureForm,
    rupture_data,
)
from tracker.app.styled import rupture_prompt
from tracker.app.widgets.navbar import NavBar
from tracker.app.widgets.recordlist import RecordList
from tracker.chain import (
    CHAIN_HOURS,
    Chain,
    Suggestion,
    chain_days,
    chain_lines,
    repair_experiments,
    rupture_chain,
    suggestions,
)
from tracker.models import REPAIR_STEPS, RUPTURE_INTENSITY, Experiment, PracticeLog, Rupture
from tracker.shipped import experiment_library
from tracker.wording import (
    LET_REST,
    MOVE_WORDS,
    OPEN,
    REPAIRED,
    ago_words,
    day_label,
    days_between,
    repair_time_words,
    rupture_state,
)

REPAIR_ATTEMPT = next(
    n for n, (key, _) in enumerate(REPAIR_STEPS, start=1) if key == "repair_attempt"
)
"""The number of the repair step "a repair attempt" (its key on this screen)."""

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
    NEEDS_SELECTION = frozenset(
        {"step", "repaired", "repaired_on", "let_rest", "let_rest_on", "edit", "delete", "bring"}
    )
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
            "l",
            "let_rest",
            "Let rest",
            id="ruptures-let-rest",
            show=False,  # the footer is full at 80 columns; the detail says "l"
            tooltip="Let it rest: close it without calling it repaired (again: open it again)",
        ),
        Binding(
            "L",
            "let_rest_on",
            "Let rest on…",
            id="ruptures-let-rest-on",
            show=False,
            tooltip="Let it rest on another day",
        ),
        Binding(
            "x",
            "start_suggested(0)",
            "Try it",
            id="ruptures-try",
            show=False,  # the detail names it with its key, beside what it suggests
            tooltip="Start the experiment suggested for this rupture (prefilled)",
        ),
        Binding(
            "X",
            "start_suggested(1)",
            "Try the second",
            id="ruptures-try-second",
            show=False,
            tooltip="Start the second experiment suggested for this rupture",
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
        self._suggested: tuple[str, list[Suggestion]] = ("", [])
        """The highlighted rupture's id and the experiments suggested for it."""

    def refresh_data(self) -> None:
        today = clock.today()
        self.title = "Ruptures and repairs"
        ruptures = self.store.ruptures()
        self.records = {r.id: r for r in ruptures}
        self._bring = bring_states(self.store, "rupture")
        groups: dict[str, list[Rupture]] = {OPEN: [], REPAIRED: [], LET_REST: []}
        for r in ruptures:
            groups[rupture_state(r)].append(r)
        summary = self.query_one("#rup-summary", Static)
        summary.update(summary_words(groups[OPEN], groups[REPAIRED], groups[LET_REST]))
        rows: list[tuple[str | None, Text | str]] = []
        for state, heading in (
            (OPEN, "Not yet repaired"),
            (REPAIRED, "Repaired"),
            (LET_REST, "Let rest"),
        ):
            if groups[state]:
                rows.append((None, Text(heading, style="bold dim")))
                rows += [(r.id, self._prompt(r, today)) for r in groups[state]]
        summary.display = bool(ruptures)
        self.show_rows(rows)

    def _prompt(self, rupture: Rupture, today) -> Text:
        return with_state(rupture_prompt(rupture, today), self._bring.get(rupture.id))

    def detail_text(self, record: Rupture) -> Text:
        since, until = chain_days(record)
        chain = rupture_chain(record, self.store.checkins(since=since, until=until))
        suggested = suggestions(
            record, experiment_library(), clock.now(), self.store.experiments(status="active")
        )
        self._suggested = (record.id, suggested)
        practice = [
            (log.day, title) for log, title in self.store.rupture_practice(record.id) if log.done
        ]
        text = detail_text(record, chain=chain, suggested=suggested, practice=practice)
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "start_suggested":
            rupture = self.selected
            record_id, suggested = self._suggested
            index = parameters[0] if parameters else 0
            return (
                rupture is not None
                and rupture.id == record_id
                and isinstance(index, int)
                and index < len(suggested)
            )
        return super().check_action(action, parameters)

    # -- actions --

    def _save(self, rupture: Rupture) -> None:
        self.store.save_rupture(rupture)
        self.highlight(rupture.id)

    def action_new(self) -> None:
        def saved(rupture: Rupture | None) -> None:
            if rupture is not None:
                self._save(rupture)
                self.notify("Noted. Tick repair steps with 1-5 as they happen.")

        self.app.push_screen(RuptureForm(self.store.word_suggestions("people")), callback=saved)

    def action_edit(self) -> None:
        rupture = self.selected
        if rupture is None:
            return

        def saved(changed: Rupture | None) -> None:
            if changed is not None:
                self._save(changed)
                self.notify("Saved.")

        self.app.push_screen(
            RuptureForm(self.store.word_suggestions("people"), existing=rupture), callback=saved
        )

    def action_step(self, number: int) -> None:
        rupture = self.selected
        if rupture is None or not 1 <= number <= len(REPAIR_STEPS):
            return
        key, label = REPAIR_STEPS[number - 1]
        ticked = not getattr(rupture, key)
        changed = Rupture.create(
            rupture_data(rupture), **{key: int(ticked)}, updated_at=clock.now_iso()
        )
        if not ticked and number == REPAIR_ATTEMPT:
            counted = self.store.rupture_practice(rupture.id)
            if counted:
                self._untick_counted(changed, label, counted)
                return
        practice = self._repair_practice(rupture) if ticked and number == REPAIR_ATTEMPT else []
        if not practice:
            self._save(changed)
            self.notify(f"Ticked: {label}." if ticked else f"Unticked: {label}.")
            return

        def chosen(experiment_id: str | None) -> None:
            experiment = next((e for e in practice if e.id == experiment_id), None)
            if experiment is None:
                self._save(changed)
                self.notify(f"Ticked: {label}.")
                return
            today = clock.today().isoformat()
            found = self.store.practice_log_on(experiment.id, today)
            if found is not None and found.rupture_id not in (None, changed.id):
                self._save(changed)  # today's log counts another rupture's repair already
                self.notify(
                    f"Ticked: {label}. Today's practice of “{experiment.title}” already "
                    "counts another rupture's repair attempt, so it is left as it is."
                )
                return
            if found is not None:  # one log a day: today's becomes practised, for this one
                log = found.with_changes(done=1, rupture_id=changed.id, updated_at=clock.now_iso())
            else:
                log = PracticeLog.create(
                    experiment_id=experiment.id, day=today, done=1, rupture_id=changed.id
                )
            self.store.save_rupture_with_practice(changed, log)  # one action, one transaction
            self.highlight(changed.id)
            self.notify(f"Ticked: {label}, and logged as practice of “{experiment.title}”.")

        self.app.push_screen(PracticeChoice([(e.id, e.title) for e in practice]), callback=chosen)

    def _untick_counted(
        self, changed: Rupture, label: str, counted: list[tuple[PracticeLog, str]]
    ) -> None:
        """Untick a repair attempt that counts as practice: asked first, since the
        practice log that counts it goes too (both in one transaction)."""
        log, title = counted[0]
        also = f" and {len(counted) - 1} more" if len(counted) > 1 else ""
        question = (
            f"Untick “{label}”? It counts as practice of “{title}” on {day_label(log.day)}"
            f"{also}; "
            "that log is removed with it."
        )

        def answered(yes: bool | None) -> None:
            if not yes:
                self.notify(f"Kept: {label}, and its practice log.")
                return
            gone = self.store.save_rupture_without_practice(changed)
            self.highlight(changed.id)
            logs = "its practice log" if gone == 1 else f"its {gone} practice logs"
            self.notify(f"Unticked: {label}, and removed {logs}.")

        self.app.push_screen(
            ConfirmDialog(question, yes="Untick", no="Keep", enter_keeps=True), callback=answered
        )

    def _repair_practice(self, rupture: Rupture) -> list[Experiment]:
        """The repair experiments running today that this rupture's repair attempt
        could count for (none when it already counts as practice)."""
        if self.store.rupture_practice(rupture.id):
            return []
        today = clock.today().isoformat()
        return repair_experiments(self.store.experiments(status="active"), today)

    def action_start_suggested(self, index: int) -> None:
        """Open the experiment form prefilled with a suggested library experiment."""
        rupture = self.selected
        record_id, suggested = self._suggested
        if rupture is None or rupture.id != record_id or not 0 <= index < len(suggested):
            return
        suggestion = suggested[index]

        def saved(experiment: Experiment | None) -> None:
            if experiment is None:
                return
            self.store.save_experiment(experiment)
            self.highlight(rupture.id)
            self.notify(
                f"Started “{experiment.title}”. Press l in Experiments on days you practise.",
                title="Experiment started",
            )

        self.app.push_screen(ExperimentForm(template=suggestion.template), callback=saved)

    def action_let_rest(self) -> None:
        rupture = self.selected
        if rupture is None:
            return
        state = rupture_state(rupture)
        if state == REPAIRED:
            self.notify(
                "This one is marked repaired. To let it rest instead, press m to move it "
                "back first."
            )
            return
        if state == OPEN:
            self._save(
                Rupture.create(
                    rupture_data(rupture),
                    let_rest_on=clock.today().isoformat(),
                    updated_at=clock.now_iso(),
                )
            )
            self.notify("Let rest. Not every rupture needs a repair to be set down.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._save(
                    Rupture.create(
                        rupture_data(rupture), let_rest_on=None, updated_at=clock.now_iso()
                    )
                )
                self.notify("Open again: back with the ones not yet repaired.")

        self.app.push_screen(
            ConfirmDialog("Open this one again?", yes="Open again", no="Let it rest"),
            callback=answered,
        )

    def action_let_rest_on(self) -> None:
        rupture = self.selected
        if rupture is None:
            return
        if rupture_state(rupture) == REPAIRED:
            self.action_let_rest()  # says why not
            return

        def saved(changed: Rupture | None) -> None:
            if changed is not None:
                self._save(changed)
                self.notify(f"Let rest on {day_label(changed.let_rest_on or '')}.")

        self.app.push_screen(LetRestOnDialog(rupture), callback=saved)

    def action_repaired(self) -> None:
        rupture = self.selected
        if rupture is None:
            return
        if rupture.repaired_on is None:
            self._save(
                Rupture.create(
                    rupture_data(rupture),
                    repaired_on=clock.today().isoformat(),
                    let_rest_on=None,  # let rest, then repaired after all
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


def summary_words(
    open_: list[Rupture], repaired: list[Rupture], let_rest: list[Rupture] | None = None
) -> str:
    """ "1 not yet repaired · 3 repaired, typically within 2 days · 1 let rest"."""
    parts = []
    if open_:
        parts.append(f"{len(open_)} not yet repaired")
    if repaired:
        days = statistics.median(days_between(r.day, r.repaired_on or r.day) for r in repaired)
        typical = "the same day" if days < 0.5 else "1 day" if days <= 1 else f"{days:g} days"
        parts.append(f"{len(repaired)} repaired, typically within {typical}")
    if let_rest:
        parts.append(f"{len(let_rest)} let rest")
    return " · ".join(parts)


def detail_text(
    rupture: Rupture,
    *,
    chain: Chain | None = None,
    suggested: list[Suggestion] | None = None,
    practice: list[tuple[str, str]] | None = None,
) -> Text:
    """The rupture in full: who, when, my move, what happened, the repair steps and
    where it stands; then (when given) the practice its repair attempt counted as,
    next time I'll…, the note, the chain of check-ins around it, and what to try."""
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
    state = rupture_state(rupture)
    if state == OPEN:
        text.append("Not yet repaired. ", style="bold")
        text.append(
            "Press m when it feels repaired (M for another day), or l to let it rest "
            "(L for another day)."
        )
    elif state == LET_REST:
        text.append(f"Let rest on {day_label(rupture.let_rest_on or '', today)}. ", style="bold")
        text.append(
            "Closed without being called repaired: setting it down is a choice too. "
            "Press l to open it again, or m if it feels repaired after all."
        )
    else:
        text.append(f"Repaired {day_label(rupture.repaired_on or '', today)}: ", style="bold")
        text.append(repair_time_words(rupture) + ".")
    for day, title in practice or ():
        text.append(f"\nCounted as practice of “{title}” on {day_label(day, today)}.")
    text.append("\n\nNext time I'll… ", style="bold")
    if rupture.next_time:
        text.append(rupture.next_time)
    else:
        text.append("(enter: write one thing you'd try)", style="dim")
    if rupture.note:
        text.append("\n\nNote\n", style="bold")
        text.append(rupture.note)
    if chain is not None:
        text.append("\n\n")
        text.append(chain_text(rupture, chain, today))
    if suggested:
        text.append("\n\nSomething to try\n", style="bold")
        for key, suggestion in zip(("x", "X"), suggested, strict=False):
            text.append(suggestion.why + " ")
            text.append(f"{key}", style="bold")
            text.append(f" starts “{suggestion.title}”, prefilled.\n")
        text.rstrip()
    return text


def chain_text(rupture: Rupture, chain: Chain, today) -> Text:
    """The check-ins around a rupture, a line each, the rupture between them."""
    text = Text()
    text.append(f"Around it: check-ins {CHAIN_HOURS} hours either side\n", style="bold")
    if not len(chain):
        text.append(f"None in the {CHAIN_HOURS} hours before or after it.", style="dim")
        return text
    moment = day_label(rupture.day, today)
    if rupture.happened_at[11:16] != "12:00":
        moment += f" {rupture.happened_at[11:16]}"
    marker = f"▸ the rupture, {moment}"
    heading, *rows = chain_lines(chain, marker, today)
    text.append(heading + "\n", style="dim")
    for row in rows:
        text.append(row + "\n", style="bold" if row == marker else "")
    text.rstrip()
    return text
