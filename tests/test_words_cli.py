"""``tracker words``: the real command in a subprocess, on a real database file.

Every refusal is one line on stderr, exit 2, and leaves every row as it was
(``db_digest``).
"""

from __future__ import annotations

import json

import pytest

from tests.trust_helpers import db_digest
from tracker.models import CheckIn, Rupture
from tracker.store import Store


@pytest.fixture
def words_db(db_path):
    with Store.open(db_path) as store:
        store.save_checkin(
            CheckIn.create(day="2026-11-20", mood=2, emotions=["anxious", "anxous"], people=["Sam"])
        )
        store.save_checkin(
            CheckIn.create(
                day="2026-11-21", mood=3, emotions=["anxous"], people=["Jo"], tags=["work"]
            )
        )
        store.save_rupture(Rupture.create(day="2026-11-21", my_move="pursued", people=["Sam"]))
    return db_path


def test_list_shows_each_kind_most_used_first(words_db, run_tracker):
    result = run_tracker("words", "list", check=True)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Emotions (")
    assert lines[1].split() == ["anxous", "2", "check-ins"]
    assert lines[2].split() == ["anxious", "1", "check-in"]
    people = lines.index("People (2)")
    assert lines[people + 1].split() == ["Sam", "1", "check-in", "and", "1", "rupture"]
    assert "Tags (1)" in lines


def test_list_json_for_one_kind(words_db, run_tracker):
    result = run_tracker("words", "list", "--kind", "People", "--json", check=True)
    payload = json.loads(result.stdout)
    assert list(payload) == ["people"]
    assert payload["people"][0] == {
        "name": "Sam",
        "checkins": 1,
        "ruptures": 1,
        "uses": 2,
        "hidden": False,
    }


def test_rename_merge_hide_and_unhide(words_db, run_tracker):
    renamed = run_tracker("words", "rename", "people", "jo", "Joanna", check=True)
    assert renamed.stdout.strip() == "Renamed 'Jo' to 'Joanna' (on 1 check-in)."
    merged = run_tracker("words", "merge", "emotions", "ANXOUS", "anxious", check=True)
    assert merged.stdout.strip() == "Merged 'anxous' into 'anxious', now on 2 check-ins."
    hidden = run_tracker("words", "hide", "tags", "WORK", check=True)
    assert "Hidden 'work' from the suggestions" in hidden.stdout
    with Store.open(words_db) as store:
        assert store.word_suggestions("tags") == []
        assert [c.tags for c in store.checkins()][0] == ("work",)
    run_tracker("words", "hide", "tags", "work", "--undo", check=True)
    with Store.open(words_db) as store:
        assert store.word_suggestions("tags") == ["work"]
    run_tracker("words", "hide", "tags", "work", check=True)
    assert "suggested again" in run_tracker("words", "unhide", "tags", "work", check=True).stdout
    with Store.open(words_db) as store:
        assert [c.emotions for c in store.checkins(oldest_first=True)] == [
            ("anxious",),
            ("anxious",),
        ]
        assert store.checkins(oldest_first=True)[1].people == ("Joanna",)


def test_renaming_a_shipped_emotion_says_what_it_means(words_db, run_tracker):
    result = run_tracker("words", "rename", "emotions", "anxious", "worried", check=True)
    assert "came with tracker" in result.stdout
    assert "hide" in result.stdout


REFUSALS = [
    (("words", "list", "--kind", "feelings"), "no kind of word 'feelings'"),
    (("words", "rename", "feelings", "a", "b"), "no kind of word 'feelings'"),
    (("words", "rename", "people", "Nobody", "Somebody"), "no person named 'Nobody'"),
    (("words", "rename", "emotions", "anxous", "ANXIOUS"), "merge 'anxous' into it instead"),
    (("words", "rename", "tags", "work", "a, b"), "is not one tag"),
    (("words", "merge", "people", "Sam", "sam"), "can't be merged into itself"),
    (("words", "merge", "people", "Jo", "Nobody", "Sam"), "no person named 'Nobody'"),
    (("words", "merge", "people", "Sam"), "name the words to merge"),
    (("words", "hide", "emotions", "nothing"), "no emotion named 'nothing'"),
    (("words", "unhide", "tags", "nothing"), "no tag named 'nothing'"),
]


@pytest.mark.parametrize("args, words", REFUSALS, ids=[" ".join(a[1:]) for a, _ in REFUSALS])
def test_each_refusal_is_one_line_exit_2_and_writes_nothing(words_db, run_tracker, args, words):
    before = db_digest(words_db)
    result = run_tracker(*args)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert words in line and line.endswith("Nothing was changed.")
    assert "Traceback" not in result.stderr
    assert db_digest(words_db) == before


def test_rename_onto_a_word_there_is_shows_the_merge_to_run(words_db, run_tracker):
    result = run_tracker("words", "rename", "emotions", "anxous", "anxious")
    assert "(tracker words merge emotions 'anxous' 'anxious')" in result.stderr


def test_a_missing_database_is_not_made(tmp_path, run_tracker):
    missing = tmp_path / "none.db"
    result = run_tracker("words", "list", db=missing)
    assert result.returncode == 3
    assert not missing.exists()
