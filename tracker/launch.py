"""The ``tracker`` command's entry point: the app at once, or the command line.

``tracker`` alone, or with only ``--db PATH``, opens the app, and is what people run
most often. That path does not import click (the command-line library), which the
first screen would otherwise wait for (see ``benchmarks/run.py --only first_screen``).
Any other arguments, ``--help`` and ``--demo`` included, go to :mod:`tracker.cli`
unchanged.

Both paths open the database the same way (:func:`tracker.opening.open_database`):
a refusal ends with "Error: ..." and exit code 1, as click shows its errors.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def app_database(args: Sequence[str]) -> tuple[bool, str | None]:
    """``(True, --db value or None)`` when ``args`` only open the app, else ``(False, None)``."""
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--db" and args[1] and not args[1].startswith("-"):
        return True, args[1]
    if len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > len("--db="):
        return True, args[0][len("--db=") :]
    return False, None


UNEXPECTED = 70
"""Exit code of a problem tracker did not expect (a bug): sysexits' EX_SOFTWARE."""


def _fail(message: str, code: int = 3) -> None:
    print(f"Error: {message}", file=sys.stderr)
    sys.exit(code)


def _unexpected(exc: BaseException) -> None:
    """One line instead of a traceback: a traceback can quote the person's data."""
    _fail(
        f"tracker ran into a problem it did not expect ({type(exc).__name__}). "
        "Nothing more was written. Please report it, with the command you ran "
        "(not your data).",
        UNEXPECTED,
    )


def main() -> None:
    """The ``tracker`` console script: check the environment, then the app or a command."""
    try:
        _main()
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:  # the last net: never a traceback to a person
        _unexpected(exc)


def _main() -> None:
    from tracker.clock import ClockError, check_environment

    try:
        check_environment()
    except ClockError as exc:
        _fail(str(exc), 2)
    if "TRACKER_BUSY_TIMEOUT_MS" in os.environ:
        from tracker.store import BadSetting, busy_timeout_ms

        try:
            busy_timeout_ms()
        except BadSetting as exc:
            _fail(str(exc), 2)
    if os.environ.get("TRACKER_DB") is not None and not os.environ["TRACKER_DB"].strip():
        _fail(
            "TRACKER_DB: an empty path is not allowed; give the database file's path, "
            "or unset it to use the default.",
            2,
        )
    is_app, explicit = app_database(sys.argv[1:])
    if not is_app or any(name.startswith("_TRACKER_COMPLETE") for name in os.environ):
        # (Shell completion asks click for its script or its words: never the app.)
        from tracker.cli import main as command_line

        command_line()
        return
    # No cycle collections while the app starts (the app turns them back on once
    # its first screen shows): tracker.app.runtime.collector, the policy.
    from tracker.app.runtime import collector

    collector.hold()
    from tracker import paths
    from tracker.opening import OpenProblem, database_error_message, open_for_app
    from tracker.store import errors

    path = paths.resolve_db_path(explicit)
    try:
        store = open_for_app(path, warn=lambda text: print(text, file=sys.stderr))
        from tracker.app.app import run_app

        code = run_app(store)
        if code:
            sys.exit(code if code in (2, 3) else UNEXPECTED)  # (the app has said so)
    except OpenProblem as exc:
        _fail(str(exc), exc.exit_code)
    except errors.DatabaseError as exc:
        message = database_error_message(path, exc)
        if message is None:
            raise
        _fail(message)
    except KeyboardInterrupt:  # ctrl+c before the app took the terminal, as click says it
        print("Aborted!", file=sys.stderr)
        sys.exit(1)
