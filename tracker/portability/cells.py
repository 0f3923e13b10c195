"""Making text cells safe for spreadsheets, in a way the importer undoes exactly.

A spreadsheet may run a cell as a formula when its text starts with ``=``, ``+``,
``-`` or ``@`` (OWASP "CSV injection"), and some read past what comes before it:
white space of any kind (a space, a no-break space, a line feed, an ideographic
space...), invisible format characters (a zero-width space, a byte-order mark) and
control characters, and they read the full-width ``＝ ＋ － ＠`` and the other
compatibility forms of those four (small, superscript, subscript) as the ASCII
ones. A cell that starts with a tab or a carriage return is treated as risky too.

On export such a text cell gets one leading apostrophe. So that the import can give
back exactly what was written, a text that already begins with an apostrophe gets
one more as well. On import, one leading apostrophe is removed from every text cell
that has one: the round trip is byte-identical whatever the text.
"""

from __future__ import annotations

import re

#: The four formula characters, every character whose compatibility normalisation
#: (NFKC) starts with one of them, and the minus sign U+2212.
FORMULA_CHARACTERS = (
    "=+-@"
    "\uff1d\uff0b\uff0d\uff20"  # full width: ＝ ＋ － ＠
    "\ufe66\ufe62\ufe63\ufe6b"  # small forms
    "\u207c\u207a\u208c\u208a"  # superscript and subscript = +
    "\u2a75\u2a76"  # ⩵ ⩶ (== and ===)
    "\ufb29\u2212"
)  # Hebrew alternative plus sign, minus sign
#: What a spreadsheet may skip before a formula character, as regular-expression
#: ranges: every white space character (``str.isspace``), every control character
#: (C0, DEL, C1) and every invisible format character (Unicode category Cf).
_SKIPPED_RANGES = (
    "\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    "\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_FORMULA = re.compile(f"[{_SKIPPED_RANGES}]*[{re.escape(FORMULA_CHARACTERS)}]")
#: A cell starting with one of these always gets the apostrophe.
_ALWAYS = ("'", "\t", "\r")


def _expand(ranges: str) -> frozenset[str]:
    chars: set[str] = set()
    i = 0
    while i < len(ranges):
        if i + 2 < len(ranges) and ranges[i + 1] == "-":
            chars.update(chr(c) for c in range(ord(ranges[i]), ord(ranges[i + 2]) + 1))
            i += 3
        else:
            chars.add(ranges[i])
            i += 1
    return frozenset(chars)


#: Every first character of a cell that :func:`neutralise` may change: a quick test
#: for the export, which looks at the first character of every text cell.
FORMULA_STARTS = frozenset(FORMULA_CHARACTERS) | _expand(_SKIPPED_RANGES) | set(_ALWAYS)


def is_risky(text: str) -> bool:
    """Could a spreadsheet run ``text`` as a formula (or does it start with ``'``)?"""
    return text.startswith(_ALWAYS) or _FORMULA.match(text) is not None


def neutralise(text: str) -> str:
    """``=1+1`` -> ``'=1+1``; `` ＝1`` -> ``' ＝1``; ``'quoted`` -> ``''quoted``;
    other text unchanged."""
    if text and text[0] in FORMULA_STARTS and is_risky(text):
        return "'" + text
    return text


def restore(text: str) -> str:
    """The exact inverse of :func:`neutralise`."""
    if text.startswith("'"):
        return text[1:]
    return text
