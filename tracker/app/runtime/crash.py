"""An error the app did not expect ends it with one plain line, never a traceback.

Textual ends an app that raised with a Rich traceback that shows local variables:
for tracker those are the person's check-ins, notes and names, printed to the
terminal (and to any log the terminal keeps). :class:`PlainCrash` replaces that
traceback with one line naming the kind of error; nothing else changes (the app
still exits, with return code 1, and every write was already one transaction, so
nothing is half-written). It overrides ``App._fatal_error``, the private method
Textual calls for this; ``tests/app/runtime/test_runtime_crash.py`` breaks if it
goes away or stops being called.
"""

from __future__ import annotations

from rich.text import Text

CRASH_WORDS = (
    "tracker ran into a problem it did not expect ({kind}). Nothing more was "
    "written. Please report it, with what you pressed (not your data)."
)


class PlainCrash:
    """App mixin: one line on an unexpected error instead of a traceback with locals."""

    def _fatal_error(self) -> None:
        error = getattr(self, "_exception", None)
        kind = type(error).__name__ if error is not None else "unknown"
        self.bell()  # type: ignore[attr-defined]
        self.panic(Text(CRASH_WORDS.format(kind=kind)))  # type: ignore[attr-defined]
