"""CheckIn.create's quick path for stored-form values gives what the full path gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.models import CheckIn, ValidationError

ids = st.sampled_from(
    [
        "6f1c1b7e-3b8e-4c36-9a55-6f0e2f2f8a11",
        "6F1C1B7E-3B8E-4C36-9A55-6F0E2F2F8A11",
        " 6f1c1b7e-3b8e-4c36-9a55-6f0e2f2f8a11",
        "6f1c1b7e3b8e4c369a556f0e2f2f8a11",
        "not-an-id",
    ]
)  # no "": a random id
days = st.sampled_from(
    [
        "2026-11-20",
        "2026-11-28",
        "2026-11-29",
        "1899-12-31",
        "2026-02-30",
        "2026-11-20 ",
        "20261120",
        "",
        None,
        "2026-1-2",
    ]
)
stamps = st.sampled_from(
    [
        "2026-11-20T08:00:00+01:00",
        "2026-11-20T08:00:00-00:00",
        "2026-11-20T08:00:00+00:00",
        "2026-11-20T08:00:00Z",
        "2026-11-20T08:00:00.5+01:00",
        "2026-11-20 08:00:00+01:00",
        "2026-11-20T24:00:00+01:00",
        "2026-11-20T08:00:00+25:00",
        "2026-11-20T08:00:00",
        "yesterday",
    ]
)
ratings = st.one_of(
    st.sampled_from(["", None, "0", "1", "3", "5", "6", "-1", " 3", "3.0", "٣", "x"]),
    st.integers(-2, 7),
    st.sampled_from([1.0, 2.5, True, False]),
)
flags = st.sampled_from(["", None, "0", "1", "yes", "no", "-", 0, 1, 2, True, False, 1.0, "x"])
texts = st.one_of(
    st.sampled_from(["", None, " ", "\t\n", "a\x00b", "fine", "=1+1", 7]), st.text(max_size=30)
)
names = st.one_of(
    st.none(),
    st.sampled_from(["calm, sad", "a|b"]),
    st.lists(
        st.sampled_from(
            ["calm", "Calm", " sad ", "a  b", "", "x|y", "Sam", "n" * 61, "élan", "ÉLAN"]
        ),
        max_size=4,
    ),
)


@settings(max_examples=600, deadline=None)
@given(
    st.fixed_dictionaries(
        {"id": ids, "day": days, "created_at": stamps},
        optional={
            "updated_at": st.one_of(stamps, st.sampled_from(["", None])),
            "mood": ratings,
            "intensity": ratings,
            "regulation": ratings,
            "pursue": ratings,
            "withdraw": ratings,
            "pursue_acted": flags,
            "withdraw_acted": flags,
            "paused": flags,
            "need": texts,
            "note": texts,
            "emotions": names,
            "people": names,
            "tags": names,
        },
    )
)
def test_quick_and_full_paths_agree(values):
    def outcome(make):
        try:
            return make()
        except ValidationError as exc:
            return ("error", str(exc))

    quick = outcome(lambda: CheckIn.create(dict(values)))  # a dict: the quick path is tried
    full = outcome(lambda: CheckIn.create(None, **values))  # keywords: the full path only
    assert quick == full


def test_the_quick_path_is_taken_for_exported_values():
    from tracker import models

    row = {
        "id": "6f1c1b7e-3b8e-4c36-9a55-6f0e2f2f8a11",
        "day": "2026-11-20",
        "created_at": "2026-11-20T08:00:00+01:00",
        "updated_at": "2026-11-20T08:00:00+01:00",
        "mood": "3",
        "intensity": "",
        "regulation": "5",
        "pursue": "2",
        "withdraw": "0",
        "pursue_acted": "1",
        "withdraw_acted": "",
        "paused": "0",
        "need": "",
        "note": "a note",
        "emotions": ["calm"],
        "people": [],
        "tags": ["work"],
    }
    assert models._canonical_checkin(row) == CheckIn.create(None, **row)
    with pytest.raises(ValidationError):
        CheckIn.create({**row, "withdraw_acted": "1"})


def test_remembered_names_never_stand_in_for_other_values():
    """The quick path remembers validated name lists; 1, True and 1.0 are equal as
    dict keys, so only lists of strings are remembered."""
    base = {
        "id": "6f1c1b7e-3b8e-4c36-9a55-6f0e2f2f8a11",
        "day": "2026-11-20",
        "created_at": "2026-11-20T08:00:00+01:00",
        "mood": "3",
    }
    for tags in (["1"], [1], [True], [1.0], ["Work ", "work"], ["work"]):
        quick = CheckIn.create({**base, "tags": tags})
        assert quick == CheckIn.create(None, **base, tags=tags), tags
