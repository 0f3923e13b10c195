"""Formula neutralising in CSV exports: what a spreadsheet might run gets one
apostrophe, and the import takes exactly that one away.

The rule is checked against an oracle written from Unicode's own data (white space,
control and format characters may come first; any character whose compatibility
form starts with = + - @ counts), independent of the regular expression that
implements it, and the round trip through real export and import files stays
byte-identical.
"""

from __future__ import annotations

import csv
import io
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.trust_helpers import export_folder
from tracker.models import CheckIn, Support
from tracker.portability.cells import FORMULA_STARTS, is_risky, neutralise, restore
from tracker.portability.importer import import_path
from tracker.store import Store


def spreadsheet_may_run(text: str) -> bool:
    """The oracle: skip white space, control and format characters; then a formula
    character, in any of its compatibility forms, or the minus sign."""
    i = 0
    while i < len(text) and (text[i].isspace() or unicodedata.category(text[i]) in ("Cc", "Cf")):
        i += 1
    if i == len(text):
        return False
    first = text[i]
    return first == "\u2212" or unicodedata.normalize("NFKC", first)[:1] in ("=", "+", "-", "@")


def starts_risky(text: str) -> bool:
    return text[:1] in ("'", "\t", "\r") or spreadsheet_may_run(text)


SKIPPED = [
    "",
    " ",
    "  ",
    "\xa0",
    "\n",
    "\r\n",
    "\t",
    "\u3000",
    "\u2003",
    "\u202f",
    "\u200b",
    "\ufeff",
    "\u2060",
    "\x1b",
    "\x85",
    "\u2028",
    " \xa0\n\u3000",
]
FORMULA = [
    "=",
    "+",
    "-",
    "@",
    "＝",
    "＋",
    "－",
    "＠",
    "﹦",
    "﹢",
    "﹣",
    "﹫",
    "⁼",
    "⁺",
    "₌",
    "₊",
    "⩵",
    "\u2212",
]


@pytest.mark.parametrize("prefix", SKIPPED)
@pytest.mark.parametrize("formula", FORMULA)
def test_every_formula_start_after_any_white_space_gets_the_apostrophe(prefix, formula):
    text = f'{prefix}{formula}HYPERLINK("http://x")'
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize(
    "text",
    [
        "hello",
        " hello",
        "\xa0note",
        "\n\nnew paragraph",
        "1-2",
        "a=b",
        "e-mail",
        "x@y",
        "",
        "   ",
        "\u200b",
        "3 + 4",
        "—dash",
        "‐hyphen",
    ],
)
def test_ordinary_text_is_left_as_it_is(text):
    if text[:1] in ("\t", "\r"):
        pytest.skip("always neutralised")
    assert neutralise(text) == text


def test_every_character_the_rule_can_change_is_a_quick_start():
    """The export looks only at a cell's first character before the full rule: every
    character the oracle would skip or treat as a formula must be among them."""
    import sys

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if starts_risky(char + "="):
            assert char in FORMULA_STARTS, hex(code)


any_text = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12
)
risky_prefix = st.lists(st.sampled_from(SKIPPED), max_size=3).map("".join)


@given(prefix=risky_prefix, formula=st.sampled_from(FORMULA) | st.just(""), rest=any_text)
def test_the_rule_matches_the_oracle(prefix, formula, rest):
    text = prefix + formula + rest
    assert is_risky(text) == starts_risky(text)
    assert neutralise(text).startswith("'") == starts_risky(text)
    assert restore(neutralise(text)) == text


@given(text=any_text)
def test_the_rule_matches_the_oracle_on_any_text(text):
    assert is_risky(text) == starts_risky(text)


text_with_risky_starts = st.builds(
    lambda p, f, r: p + f + r, risky_prefix, st.sampled_from(FORMULA) | st.just(""), any_text
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(text_with_risky_starts, min_size=4, max_size=4))
def test_export_import_round_trip_stays_byte_identical(texts):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Store.open(folder / "a.db") as source:
            source.save_checkin(
                CheckIn.create(
                    day="2026-11-20", mood=3, need=texts[0] or None, note=texts[1] or None
                )
            )
            (written,) = source.checkins()
            source.save_support(
                Support.create(name=texts[2].strip() or "someone", how_to_reach=texts[3] or None)
            )
            first = export_folder(source, folder / "first")
            with Store.open(folder / "b.db") as target:
                import_path(target, folder / "first")
                assert export_folder(target, folder / "second") == first
                (checkin,) = target.checkins()
                assert (checkin.need, checkin.note) == (written.need, written.note)
        for name, data in first.items():  # what a spreadsheet sees: nothing it would run
            for row in list(csv.reader(io.StringIO(data.decode("utf-8"))))[1:]:
                for cell in row:
                    assert not spreadsheet_may_run(cell) or cell.startswith("'"), (name, cell)
