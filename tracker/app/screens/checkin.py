"""The check-in card: five one-key ratings, a few optional answers, then ctrl+s.

Focus starts on mood; a digit on a scale sets it and moves on, so ``4 2 3 1 0``
and ``ctrl+s`` make a whole check-in (and so does ``4 tab 2 tab 3 tab 1 tab 0``:
a tab right after a digit confirms it). Letters typed on a rating stay there
with a hint; ``tab`` stops at the note. After an urge above 0 a small "acted on
it?" stop appears: ``y`` / ``n`` answer it, a digit skips it and rates the next
scale. The same card edits an existing check-in, ``[`` / ``]`` move the day and
``b`` marks it to bring to the next session (outside the text fields).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Static, TextArea

from tracker import clock
from tracker.app.runtime.keys import HoldKeysUntilFocused
from tracker.app.screens.base import FORM_CHORDS, FormScreen
from tracker.app.widgets.keyorder import OrderedInput, OrderedTextArea
from tracker.app.widgets.names import NamesField
from tracker.app.widgets.scale import Choice, FieldLabel, MarkedRow, Option, Scale
from tracker.models import (
    INTENSITY,
    MOOD,
    PURSUE,
    REGULATION,
    WITHDRAW,
    CheckIn,
    ValidationError,
    parse_time_of_day,
)
from tracker.opening import database_error_message
from tracker.store import errors

YES_NO = (Option("y", 1, "yes"), Option("n", 0, "no"))
PAUSED_OPTIONS = (
    Option("y", 1, "yes"),
    Option("n", 0, "no"),
    Option("-", None, "no hard moment today"),
)

# The fields in focus order; "acted" stops are skipped while their urge is 0.
FIELD_ORDER = (
    "mood",
    "intensity",
    "regulation",
    "pursue",
    "pursue_acted",
    "withdraw",
    "withdraw_acted",
    "paused",
    "emotions",
    "people",
    "tags",
    "need",
    "note",
)
FOCUS_IDS = {"emotions": "emotions-input", "people": "people-input", "tags": "tags-input"}
ACTED_FOR = {"pursue_acted": "pursue", "withdraw_acted": "withdraw"}


def day_words(day: dt.date, today: dt.date) -> str:
    """'Saturday 28 November 2026 · today' (or 'yesterday', 'N days ago')."""
    days = (today - day).days
    when = "today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"
    return f"{day:%A} {day.day} {day:%B %Y} · {when}"


def friendly_error(error: ValidationError) -> str:
    """A ValidationError in plain words for the field it is shown under."""
    if error.value in ("", None):
        return f"Needed: {error.allowed.replace(' (required)', '')}."
    return f"{error.value!r} doesn't fit here: use {error.allowed}."


class CheckInScreen(HoldKeysUntilFocused, FormScreen[CheckIn | None]):
    """The daily card; dismisses with the saved check-in, or None when left.

    Keys typed right after ``c``, before the card has focus, wait for the first
    field (:class:`HoldKeysUntilFocused`), so ``c 4 2 3 1 0 ctrl+s`` works however
    fast it is typed.
    """

    HELP_EXTRA_KEYS = [
        ("digit", "On a rating: set it and move to the next field"),
        ("left / right", "On a rating: one step down / up"),
        ("backspace", "On a rating: clear it (not rated)"),
        ("y / n", "Acted on the urge? Paused before reacting?"),
        ("-", "Paused: no hard moment today"),
        ("tab / enter", "In emotions, people, tags: complete the word"),
        (
            "tab / shift+tab",
            "Next / previous field (tab or enter right after a rating "
            "or an answer confirms it; tab stops at the note)",
        ),
        ("other letters", "On a rating or question: stay there, with the keys that work"),
    ]

    AUTO_FOCUS = "#mood"
    CHOICE_KEYS_PASS = frozenset("[]b")  # the day keys and bring work on a rating
    # ctrl+s is deliberately not a priority binding: no field here uses ctrl+s, so it
    # reaches the screen from inside the need Input and the note TextArea too, and it
    # travels behind the keys typed before it (a priority binding would run at once,
    # and a fast "4 2 3 1 0 ctrl+s" could save before the digits were taken).
    BINDINGS = [
        Binding(
            "ctrl+s",
            "save",
            "Save",
            id="checkin-save",
            tooltip="Save this check-in (works from any field)",
        ),
        Binding(
            "escape",
            "leave",
            "Leave",
            id="checkin-leave",
            tooltip="Leave the card (asks first if something would be lost)",
        ),
        Binding(
            "left_square_bracket",
            "change_day(-1)",
            "Day before",
            id="checkin-day-earlier",
            show=False,
            tooltip="Make this check-in for the day before (on a rating or question)",
        ),
        Binding(
            "right_square_bracket",
            "change_day(1)",
            "Day after",
            id="checkin-day-later",
            show=False,
            tooltip="Move the check-in one day later, up to today",
        ),
        Binding(
            "b",
            "bring",
            "Bring",
            id="checkin-bring",
            tooltip="Bring this check-in to your next session (again: not); on a "
            "rating or question, not in a text field",
        ),
        *FORM_CHORDS,
    ]

    def __init__(self, existing: CheckIn | None = None, day: str | dt.date | None = None):
        super().__init__()
        self.existing = existing
        if existing is not None:
            start = dt.date.fromisoformat(existing.day)
        elif day is not None:
            start = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
        else:
            start = clock.today()
        self.day = start
        self.bring = False
        """Bring this check-in to the next session (marked when it is saved)."""
        self._bring_before = False
        self._initial: dict[str, Any] | None = None

    # -- layout --

    def compose(self) -> ComposeResult:
        c = self.existing
        store = self.app.store  # type: ignore[attr-defined]
        yield Header()
        with VerticalScroll(id="checkin-card"):
            with Horizontal(classes="form-row", id="day-row"):
                yield Static("Day", classes="form-label")
                yield Static(id="day-text", classes="form-value")
                # For an earlier day: when it happened (not the time it is typed in).
                yield OrderedInput(
                    self._existing_time(),
                    placeholder="HH:MM, when it was",
                    max_length=5,
                    id="time",
                    classes="time-of-day",
                )
            yield Static(classes="field-error", id="error-day")
            yield Scale(MOOD, "Mood", c.mood if c else None, id="mood")
            yield Static(classes="field-error", id="error-mood")
            yield Scale(INTENSITY, "Intensity", c.intensity if c else None, id="intensity")
            yield Static(classes="field-error", id="error-intensity")
            yield Scale(REGULATION, "Regulation", c.regulation if c else None, id="regulation")
            yield Static(classes="field-error", id="error-regulation")
            yield Scale(PURSUE, "Pursue urge", c.pursue if c else None, id="pursue")
            yield Static(classes="field-error", id="error-pursue")
            yield Choice(
                "└ acted?",
                YES_NO,
                c.pursue_acted if c else None,
                pass_digits=True,
                question="Did you act on the urge to pursue? (a digit skips this)",
                id="pursue_acted",
                classes="acted",
            )
            yield Static(classes="field-error", id="error-pursue_acted")
            yield Scale(WITHDRAW, "Withdraw urge", c.withdraw if c else None, id="withdraw")
            yield Static(classes="field-error", id="error-withdraw")
            yield Choice(
                "└ acted?",
                YES_NO,
                c.withdraw_acted if c else None,
                pass_digits=True,
                question="Did you act on the urge to withdraw? (a digit skips this)",
                id="withdraw_acted",
                classes="acted",
            )
            yield Static(classes="field-error", id="error-withdraw_acted")
            yield Choice(
                "Paused",
                PAUSED_OPTIONS,
                c.paused if c else None,
                question="In a hard moment, did you pause before reacting?",
                id="paused",
            )
            yield Static(classes="field-error", id="error-paused")
            yield NamesField(
                "Emotions",
                store.word_suggestions("emotions"),
                c.emotions if c else (),
                placeholder="anxious, hopeful ...",
                id="emotions",
                hidden=store.hidden_words("emotions"),
            )
            yield Static(classes="field-error", id="error-emotions")
            yield NamesField(
                "People",
                store.word_suggestions("people"),
                c.people if c else (),
                placeholder="who it was about",
                id="people",
                hidden=store.hidden_words("people"),
            )
            yield Static(classes="field-error", id="error-people")
            yield NamesField(
                "Tags",
                store.word_suggestions("tags"),
                c.tags if c else (),
                placeholder="work, bad sleep ...",
                id="tags",
                hidden=store.hidden_words("tags"),
            )
            yield Static(classes="field-error", id="error-tags")
            with MarkedRow(classes="form-row"):
                yield FieldLabel("Need", classes="form-label")
                yield OrderedInput(
                    c.need or "" if c else "",
                    placeholder="what did I need?",
                    id="need",
                    select_on_focus=False,
                )
            yield Static(classes="field-error", id="error-need")
            with MarkedRow(classes="form-row", id="note-row"):
                yield FieldLabel("Note", classes="form-label")
                yield OrderedTextArea(
                    c.note or "" if c else "",
                    id="note",
                    soft_wrap=True,
                    show_line_numbers=False,
                    tab_behavior="focus",
                )
            yield Static(classes="field-error", id="error-note")
            with Horizontal(classes="form-row", id="bring-row"):
                yield Static("Bring", classes="form-label")
                yield Static(id="bring-text", classes="form-value")
            yield Static(
                "ctrl+s saves · esc leaves · tab moves on · [ ] day · b bring (on a rating)",
                id="checkin-keys",
            )
        yield Static("", id="form-say", classes="form-say")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.title = "Edit check-in" if self.existing else "Check-in"
        self.sub_title = ""
        self.query_one("#form-say", Static).display = False
        if self.existing is not None:
            store = self.app.store  # type: ignore[attr-defined]
            self.bring = self._bring_before = store.is_marked("checkin", self.existing.id)
        self._show_day()
        self._show_bring()
        self._sync_acted()
        self.set_focus(self.query_one("#mood", Scale))
        self._initial = self._snapshot()
        self.release_held_keys()

    # -- focus order --

    def _field_widgets(self) -> list[Widget]:
        widgets: list[Widget] = []
        for name in FIELD_ORDER:
            if name in ACTED_FOR and not self._urge_above_zero(ACTED_FOR[name]):
                continue
            widgets.append(self.query_one("#" + FOCUS_IDS.get(name, name)))
        return widgets

    def form_fields(self) -> list[Widget]:
        """The fields in card order, skipping "acted?" stops while their urge is 0."""
        self._sync_acted()
        return self._field_widgets()

    def _urge_above_zero(self, scale_id: str) -> bool:
        return (self.query_one("#" + scale_id, Scale).value or 0) > 0

    def _sync_acted(self) -> None:
        """Show an "acted?" stop only while its urge is above 0 (and forget it at 0)."""
        for acted_id, scale_id in ACTED_FOR.items():
            acted = self.query_one("#" + acted_id, Choice)
            show = self._urge_above_zero(scale_id)
            if not show and (acted.value is not None or acted.answered):
                acted.clear()
            acted.display = show

    def on_scale_changed(self, event: Scale.Changed) -> None:
        self._sync_acted()
        self._clear_error(event.scale.id or "")

    def on_choice_changed(self, event: Choice.Changed) -> None:
        self._clear_error(event.choice.id or "")

    # -- the day --

    def _show_day(self) -> None:
        self.query_one("#day-text", Static).update(day_words(self.day, clock.today()))
        # A time of day only for an earlier day: today's check-in happens now.
        self.query_one("#time", Input).display = self.day != clock.today()

    def _existing_time(self) -> str:
        """The time an edited check-in was given for its day (``HH:MM``), if any."""
        c = self.existing
        if c is None or c.created_at[:10] != c.day or c.day == clock.today().isoformat():
            return ""
        return c.created_at[11:16]

    def action_change_day(self, step: int) -> None:
        new = self.day + dt.timedelta(days=step)
        if new > clock.today():
            self.notify("A check-in can be for today or an earlier day.", timeout=3)
            return
        self.day = new
        self._clear_error("day")
        self._show_day()

    # -- bring to the session --

    def _show_bring(self) -> None:
        self.query_one("#bring-text", Static).update(
            "[b]◆ to bring to your next session[/b] (b: not)"
            if self.bring
            else "no (b marks it to bring to your next session)"
        )

    def action_bring(self) -> None:
        self.bring = not self.bring
        self._show_bring()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "bring":  # in a text field, b types
            return not isinstance(self.focused, (Input, TextArea))
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()  # the footer shows b only where it works

    # -- reading the card --

    def _snapshot(self) -> dict[str, Any]:
        """The card's raw values, as CheckIn.create takes them."""
        values: dict[str, Any] = {"day": self.day.isoformat()}
        for name in ("mood", "intensity", "regulation", "pursue", "withdraw"):
            values[name] = self.query_one("#" + name, Scale).value
        for name, scale_id in ACTED_FOR.items():
            values[name] = (
                self.query_one("#" + name, Choice).value
                if self._urge_above_zero(scale_id)
                else None
            )
        values["paused"] = self.query_one("#paused", Choice).value
        for name in ("emotions", "people", "tags"):
            values[name] = self.query_one("#" + name, NamesField).text
        values["need"] = self.query_one("#need", Input).value
        values["note"] = self.query_one("#note", TextArea).text
        if self.day != clock.today():
            values["time"] = self.query_one("#time", Input).value
        return values

    @property
    def changed(self) -> bool:
        """Something on the card differs from how it opened (spaces aside)."""
        if self._initial is None:
            return False
        if self.bring != self._bring_before:
            return True
        now = self._snapshot()
        before = self._initial
        for key in now:
            a, b = now[key], before.get(key)
            if isinstance(a, str) or isinstance(b, str):
                if (a or "").strip() != (b or "").strip():
                    return True
            elif a != b:
                return True
        return False

    # -- errors --

    def _clear_error(self, field: str) -> None:
        for error in self.query(f"#error-{field}").results(Static):
            error.update("")
            error.remove_class("shown")

    def _clear_errors(self) -> None:
        for error in self.query(".field-error"):
            error.update("")  # type: ignore[attr-defined]
            error.remove_class("shown")

    def _show_error(self, error: ValidationError) -> None:
        field = error.field if error.field in FIELD_ORDER or error.field == "day" else "mood"
        if error.field == "time":
            field = "day"  # shown under the day, beside which the time is typed
        box = self.query_one(f"#error-{field}", Static)
        box.update(friendly_error(error))
        box.add_class("shown")
        if field in FIELD_ORDER:
            if field in ACTED_FOR:
                self._sync_acted()
            target = self.query_one("#" + FOCUS_IDS.get(field, field))
            if target.display:
                self.set_focus(target)
        box.scroll_visible()

    # -- actions --

    def action_save(self) -> None:
        self._clear_errors()
        values = self._snapshot()
        time_of_day = (values.pop("time", "") or "").strip()
        existing = self.existing
        if existing is not None:
            values.update(
                id=existing.id, created_at=existing.created_at, updated_at=clock.now_iso()
            )
        try:
            unchanged = (
                existing is not None
                and time_of_day == self._existing_time()
                and (values["day"] == existing.day)
            )
            if time_of_day and not unchanged:  # (an edit keeps its stamp, offset and all)
                values["created_at"] = parse_time_of_day("time", time_of_day, values["day"])
            checkin = CheckIn.create(values)
        except ValidationError as error:
            self._show_error(error)
            return
        store = self.app.store  # type: ignore[attr-defined]
        try:
            with store.write():  # one action: the check-in and its mark
                store.save_checkin(checkin)
                if self.bring != self._bring_before:
                    store.set_bring("checkin", checkin.id, self.bring)
        except errors.DatabaseError as exc:
            message = database_error_message(store.path, exc)
            if message is None:
                raise
            # Another program holds the database (or it broke): the card stays, with
            # everything on it, so the person can save again once it is free.
            self.app.notify(
                f"{message} Your card is still here: ctrl+s saves it.",
                title="Not saved yet",
                severity="error",
                timeout=12,
            )
            return
        thanks = self._thanks(checkin)
        if self.bring and not self._bring_before:
            thanks += " Marked to bring to your next session."
        self.app.notify(thanks, title="Saved", timeout=4)
        self.dismiss(checkin)

    def _thanks(self, checkin: CheckIn) -> str:
        if self.existing is not None:
            return "Your changes are saved."
        if checkin.day == clock.today().isoformat():
            return "Checked in for today. Thank you for taking a moment."
        day = dt.date.fromisoformat(checkin.day)
        return f"Checked in for {day:%A} {day.day} {day:%B}. Thank you for filling it in."

    @property
    def leave_question(self) -> str:
        return "Leave this card? What you entered on it will not be saved."
