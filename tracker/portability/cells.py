"""Making text cells safe for spreadsheets, in a way the importer undoes exactly.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (OWASP "CSV injection"). On export such a text cell gets
one leading apostrophe. So that the import can give back exactly what was written, a
text that already begins with an apostrophe gets one more as well. On import, one
leading apostrophe is removed from every text cell that has one.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralise(text: str) -> str:
    """``=1+1`` -> ``'=1+1``; ``'quoted`` -> ``''quoted``; other text unchanged."""
    if text and text[0] in FORMULA_STARTS:
        return "'" + text
    return text


def restore(text: str) -> str:
    """The exact inverse of :func:`neutralise`."""
    if text.startswith("'"):
        return text[1:]
    return text
