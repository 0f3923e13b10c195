"""User text on its way to a terminal: control characters made visible.

Notes, needs, names and imported text may hold any character, ESC included, and a
terminal runs what it is sent: ``ESC ] 52 ; c ; ... ESC \\`` writes the clipboard,
other sequences move the cursor, retitle the window or hide text. Every place that
shows user text passes it through :func:`visible` first. Nothing here changes what
is stored: the database and the exports keep the text exactly as written.
"""

from __future__ import annotations

import re

#: Every C0 control, DEL, and every C1 control (the 8-bit forms of ESC sequences).
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def _shown(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return "^" + chr(code + 0x40)  # caret notation: ESC is ^[, BEL is ^G
    if code == 0x7F:
        return "^?"
    return f"<U+{code:04X}>"  # C1: no caret form; named by its code point


_KEEP_BOTH = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but \t and \n
_KEEP_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # all but \n


def visible(text: str, *, newlines: bool = True, tabs: bool = True) -> str:
    """``text`` with control characters shown as visible glyphs.

    Args:
        text: user text, as stored.
        newlines: keep line feeds (where the layout has room for lines); otherwise
            they are shown as ``^J`` like any other control.
        tabs: keep tabs; otherwise shown as ``^I``.

    A carriage return is always shown (``^M``): alone it moves the cursor back over
    what was printed. Text without controls comes back as it is (the common case
    costs one regular-expression search).
    """
    if newlines and tabs:
        pattern = _KEEP_BOTH
    elif newlines:
        pattern = _KEEP_NEWLINE
    else:
        pattern = CONTROLS
    if not pattern.search(text):
        return text
    return pattern.sub(lambda m: _shown(m.group()), text)


def one_line(text: str) -> str:
    """``text`` for a single line of a layout: white space runs (line breaks, tabs)
    become one space, other controls are shown visibly."""
    return visible(" ".join(text.split()), newlines=False, tabs=False)


_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0))}


def terminal_safe_json(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``, which escapes C0 controls
    already) with DEL and C1 controls escaped as well: the same JSON value, but
    nothing in it a terminal would obey."""
    return text.translate(_JSON_ESCAPES)
