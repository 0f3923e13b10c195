"""Words (emotions, people, tags): counted, suggested, renamed, merged and hidden by the
store, checked against plain SQL on the file."""

from __future__ import annotations

import sqlite3  # Python's, the library tracker uses for a plain file (one per file)

import pytest

from tests.trust_helpers import db_digest
from tracker.models import CheckIn, Rupture
from tracker.store import Store, WordRefused


def sql(db_path, query: str, *params) -> list[tuple]:
    conn = sqlite3.connect(str(db_path))
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def links(db_path, kind: str) -> list[tuple[str, str]]:
    """(record id, name) of every link of a kind, sorted: read with plain SQL."""
    if kind == "people":
        rows = sql(
            db_path,
            "SELECT checkin_id, name FROM checkin_people JOIN people ON id = person_id "
            "UNION ALL SELECT rupture_id, name FROM rupture_people JOIN people ON id = person_id",
        )
    else:
        table, column = {
            "emotions": ("checkin_emotions", "emotion_id"),
            "tags": ("checkin_tags", "tag_id"),
        }[kind]
        rows = sql(db_path, f"SELECT checkin_id, name FROM {table} JOIN {kind} ON id = {column}")
    return sorted(rows)


@pytest.fixture
def filled(store: Store) -> Store:
    """Check-ins and a rupture naming a few words, a typo among them."""
    store.save_checkin(
        CheckIn.create(
            day="2026-11-20", mood=2, emotions=["anxious", "anxous"], people=["Sam"], tags=["work"]
        )
    )
    store.save_checkin(
        CheckIn.create(
            day="2026-11-21", mood=3, emotions=["anxous"], people=["sam", "Jo"], tags=["Work"]
        )
    )
    store.save_checkin(CheckIn.create(day="2026-11-22", mood=4, emotions=["calm"], people=["Jo"]))
    store.save_checkin(CheckIn.create(day="2026-11-23", mood=4, emotions=["calm"], people=["Al"]))
    store.save_rupture(Rupture.create(day="2026-11-22", my_move="withdrew", people=["Jo", "Al"]))
    return store


def test_words_are_counted_as_plain_sql_counts_their_links(filled, db_path):
    for kind in ("emotions", "people", "tags"):
        counted = {name: 0 for (name,) in sql(db_path, f"SELECT name FROM {kind}")}
        for _, name in links(db_path, kind):
            counted[name] += 1
        words = filled.words(kind)
        assert {w.name: w.uses for w in words} == counted
        # most used first, ties by name ignoring case
        assert [w.name for w in words] == sorted(counted, key=lambda n: (-counted[n], n.lower()))
    people = {w.name: (w.checkins, w.ruptures) for w in filled.words("people")}
    assert people == {"Sam": (2, 0), "Jo": (2, 1), "Al": (1, 1)}


def test_suggestions_are_most_used_first_and_leave_hidden_words_out(filled, db_path):
    emotions = filled.word_suggestions("emotions")
    assert emotions[:3] == ["anxous", "calm", "anxious"]  # 2, 2, 1 (ties by name)
    assert emotions[3:] == sorted(emotions[3:], key=str.lower)  # the unused shipped words
    assert filled.word_suggestions("people") == ["Jo", "Al", "Sam"]  # 3, 2, 2
    filled.set_word_hidden("emotions", "ANXOUS", True)
    assert "anxous" not in filled.word_suggestions("emotions")
    assert sql(db_path, "SELECT hidden FROM emotions WHERE name = 'anxous'") == [(1,)]
    # the records keep it
    assert len([c for c in filled.checkins() if "anxous" in c.emotions]) == 2
    filled.set_word_hidden("emotions", "anxous", False)
    assert "anxous" in filled.word_suggestions("emotions")


def test_rename_changes_the_word_on_every_record(filled, db_path):
    assert filled.rename_word("people", "SAM", "Sammy") == ("Sam", "Sammy")
    assert [c.people for c in filled.checkins(oldest_first=True)][:2] == [
        ("Sammy",),
        ("Jo", "Sammy"),
    ]
    assert sql(db_path, "SELECT count(*) FROM people WHERE name = 'Sam'") == [(0,)]
    # only the case: still a rename of the one row
    assert filled.rename_word("people", "sammy", "SAMMY") == ("Sammy", "SAMMY")
    assert [w.name for w in filled.words("people")].count("SAMMY") == 1


def test_rename_onto_a_word_there_is_is_refused_and_writes_nothing(filled, db_path):
    before = db_digest(db_path)
    with pytest.raises(WordRefused) as refused:
        filled.rename_word("emotions", "anxous", "Anxious")
    assert refused.value.reason == "taken" and refused.value.other == "anxious"
    assert "merge" in str(refused.value)
    assert db_digest(db_path) == before


@pytest.mark.parametrize(
    "kind, old, new, reason",
    [
        ("feelings", "anxous", "x", "kind"),
        ("emotions", "nothing like it", "x", "unknown"),
        ("tags", "work", "a, b", "name"),
        ("tags", "work", "a|b", "name"),
        ("tags", "work", "   ", "name"),
        ("tags", "work", "x" * 61, "name"),
    ],
)
def test_each_refused_rename_names_its_reason_and_writes_nothing(
    filled, db_path, kind, old, new, reason
):
    before = db_digest(db_path)
    with pytest.raises(WordRefused) as refused:
        filled.rename_word(kind, old, new)
    assert refused.value.reason == reason
    assert "\n" not in str(refused.value)
    assert db_digest(db_path) == before


def test_a_renamed_shipped_emotion_becomes_the_users_own(filled, db_path):
    assert sql(db_path, "SELECT shipped FROM emotions WHERE name = 'calm'") == [(1,)]
    filled.rename_word("emotions", "calm", "Settled")  # emotions are kept in lower case
    assert sql(db_path, "SELECT shipped FROM emotions WHERE name = 'settled'") == [(0,)]
    assert filled.find_word("emotions", "settled").checkins == 2


def test_merge_moves_every_link_once_and_removes_the_merged_words(filled, db_path):
    # check-in 1 names both anxious and anxous: it keeps one link, not two
    names, moved = filled.merge_words("emotions", ["anxous"], "ANXIOUS")
    assert names == ["anxous"] and moved == 1
    assert sql(db_path, "SELECT count(*) FROM emotions WHERE name = 'anxous'") == [(0,)]
    by_checkin = sql(
        db_path,
        "SELECT checkin_id, count(*) FROM checkin_emotions JOIN emotions ON id = emotion_id "
        "WHERE name = 'anxious' GROUP BY checkin_id",
    )
    assert sorted(n for _, n in by_checkin) == [1, 1]
    # people: check-in links and rupture links, several at once
    filled.merge_words("people", ["al", "sam"], "Jo")
    assert [w.name for w in filled.words("people")] == ["Jo"]
    assert filled.find_word("people", "jo").checkins == 4  # each check-in once
    assert filled.find_word("people", "jo").ruptures == 1  # the rupture named Jo and Al
    assert sql(db_path, "SELECT count(*) FROM rupture_people") == [(1,)]
    [rupture] = filled.ruptures()
    assert rupture.people == ("Jo",)


def test_a_merge_refused_part_way_writes_nothing(filled, db_path):
    before = db_digest(db_path)
    with pytest.raises(WordRefused) as refused:
        filled.merge_words("emotions", ["anxous", "no such word"], "anxious")
    assert refused.value.reason == "unknown"
    with pytest.raises(WordRefused) as refused:
        filled.merge_words("people", ["Jo", "SAM"], "sam")
    assert refused.value.reason == "itself"
    with pytest.raises(WordRefused):
        filled.merge_words("people", [], "sam")
    assert db_digest(db_path) == before


def test_hiding_an_unknown_word_is_refused(filled, db_path):
    before = db_digest(db_path)
    with pytest.raises(WordRefused) as refused:
        filled.set_word_hidden("tags", "nope", True)
    assert refused.value.reason == "unknown"
    assert db_digest(db_path) == before


def test_a_hidden_word_typed_again_is_used_and_stays_hidden(filled, db_path):
    filled.set_word_hidden("tags", "work", True)
    filled.save_checkin(CheckIn.create(day="2026-11-24", mood=3, tags=["WORK"]))
    assert filled.find_word("tags", "work").checkins == 3
    assert filled.find_word("tags", "work").hidden
    assert "work" not in filled.word_suggestions("tags")


def test_records_whose_words_were_renamed_or_merged_say_they_changed(filled, db_path):
    """So an export or a sync carries the new name instead of the old one coming back."""
    old = "2000-01-01T00:00:00+00:00"
    sql_conn = sqlite3.connect(str(db_path))
    with sql_conn:
        sql_conn.execute("UPDATE checkins SET updated_at = ?", [old])
        sql_conn.execute("UPDATE ruptures SET updated_at = ?", [old])
    sql_conn.close()
    filled.rename_word("people", "al", "Alex")
    touched = sql(db_path, "SELECT day FROM checkins WHERE updated_at != ? ORDER BY day", old)
    assert touched == [("2026-11-23",)]
    assert sql(db_path, "SELECT count(*) FROM ruptures WHERE updated_at != ?", old) == [(1,)]
    filled.merge_words("emotions", ["anxous"], "anxious")
    touched = sql(db_path, "SELECT day FROM checkins WHERE updated_at != ? ORDER BY day", old)
    assert touched == [("2026-11-20",), ("2026-11-21",), ("2026-11-23",)]
    filled.set_word_hidden("people", "Jo", True)  # hiding changes no record
    assert sql(
        db_path, "SELECT count(*) FROM checkins WHERE day = '2026-11-22' AND updated_at != ?", old
    ) == [(0,)]
