"""Text from a database shown on a terminal: control characters made visible.

A note can hold any character, including ones a terminal obeys instead of showing
(ESC starts an escape sequence that can recolour, move the cursor or retitle the
window). What tracker prints from stored text goes through :func:`visible`. Pure
functions, no I/O.
"""

from __future__ import annotations

_C0_KEPT = {"\n", "\t"}


def _glyph(code: int) -> str:
    if code < 0x20:
        return "^" + chr(code + 0x40)  # caret notation: ESC is ^[, NUL is ^@
    if code == 0x7F:
        return "^?"
    return f"\\x{code:02x}"  # C1 controls (U+0080..U+009F)


_VISIBLE = {code: _glyph(code) for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))
            if chr(code) not in _C0_KEPT}
_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0))}


def visible(text: str) -> str:
    """``text`` with every C0 and C1 control character but newline and tab shown as a
    visible glyph: ``^[`` for ESC (caret notation, ``^?`` for DEL), ``\\x9b`` for C1."""
    return text.translate(_VISIBLE)


def terminal_safe_json(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``, which escapes C0 controls
    already) with DEL and C1 controls escaped as well: the same JSON value, but
    nothing in it a terminal would obey."""
    return text.translate(_JSON_ESCAPES)
