"""A list of records (experiments, ruptures, support entries) with a cursor.

An :class:`~textual.widgets.OptionList` whose ``enter`` is left to the screen, so the
screen's own ``enter`` binding (edit) runs and shows in the footer. Records come in
as (id, prompt) pairs; the list keeps the highlighted record across refreshes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class RecordList(OptionList, inherit_bindings=False):
    """Up/down/home/end/page keys move; ``enter`` bubbles to the screen."""

    BINDINGS = [
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
    ]

    def show_records(
        self,
        rows: Iterable[tuple[str | None, Text | str]],
        keep: str | None = None,
        *,
        separated: bool = False,
    ) -> None:
        """Replace the options; ``None`` as id makes a heading (not selectable).

        The record ``keep`` stays highlighted if it is still there, else the first.
        ``separated`` draws a line between records.
        """
        options: list[Option | None] = []
        for record_id, prompt in rows:
            if separated and options:
                options.append(None)
            if record_id is None:
                options.append(Option(prompt, disabled=True))
            else:
                options.append(Option(prompt, id=record_id))
        self.set_options(options)
        self.highlight_record(keep)

    def highlight_record(self, record_id: str | None) -> None:
        ids: Sequence[str | None] = [o.id for o in self.options]
        if record_id is not None and record_id in ids:
            self.highlighted = ids.index(record_id)
            return
        for index, option in enumerate(self.options):
            if not option.disabled:
                self.highlighted = index
                return
        self.highlighted = None

    @property
    def highlighted_id(self) -> str | None:
        option = self.highlighted_option
        return None if option is None else option.id
