"""Full-text search: the index through every write path, ranking, hostile input, the command."""

from __future__ import annotations

import json

import pytest

from tests.trust_helpers import write_checkins_csv
from tracker.models import CheckIn, Experiment, Rupture
from tracker.portability.importer import import_path
from tracker.portability.importer import workers as importer
from tracker.store import FTS_COLUMNS, Store, checkin_row
from tracker.store import errors as store_errors
from tracker.store.search import match_expression
from tracker.text import terminal_safe_json, visible


def assert_index_in_sync(store: Store) -> None:
    """FTS5's own check of each index against its table's text (raises if they differ)."""
    for table in FTS_COLUMNS:
        store.conn.execute(
            f"INSERT INTO {table}_fts ({table}_fts, rank) VALUES ('integrity-check', 1)"
        )


def ids(hits) -> list[str]:
    return [h.id for h in hits]


@pytest.fixture
def records(store):
    """A check-in, a rupture and an experiment, each with words of its own."""
    checkin = store.save_checkin(
        CheckIn.create(
            day="2026-11-20", mood=2, need="to hear back", note="Waited all day for a reply."
        )
    )
    rupture = store.save_rupture(
        Rupture.create(
            happened_at="2026-11-22T19:00:00+01:00",
            my_move="withdrew",
            what_happened="Went quiet after the reply came late.",
            note="tired",
        )
    )
    experiment = Experiment.create(
        title="Pause", practice="Breathe first", days=14, target_count=5, started_on="2026-11-01"
    )
    experiment = store.save_experiment(
        experiment.with_changes(
            status="completed",
            ended_on="2026-11-15",
            outcome="Better than predicted",
            learned="A late reply is not a verdict.",
        )
    )
    return checkin, rupture, experiment


# --- the store -------------------------------------------------------------------------


def test_search_finds_every_kind_with_its_day_and_a_snippet(store, records):
    checkin, rupture, experiment = records
    hits = store.search("reply", marks=("[", "]"))
    assert {(h.kind, h.id, h.day) for h in hits} == {
        ("checkin", checkin.id, "2026-11-20"),
        ("rupture", rupture.id, "2026-11-22"),
        ("experiment", experiment.id, "2026-11-15"),
    }
    snippets = {h.kind: h.snippet for h in hits}
    assert snippets["checkin"] == "Waited all day for a [reply]."
    assert "[reply]" in snippets["rupture"] and "[reply]" in snippets["experiment"]
    assert ids(store.search("hear")) == [checkin.id]  # needs too
    assert ids(store.search("tired")) == [rupture.id]  # a rupture's note
    assert ids(store.search("predicted")) == [experiment.id]  # an outcome
    assert store.search("verdict reply") and store.search("verdict quiet") == []  # all words


def test_words_match_the_start_of_words_whatever_the_case_and_accents(store):
    c = store.save_checkin(CheckIn.create(mood=3, note="Called Zoë at the CAFÉ; it helped."))
    for words in ("call", "zoe", "cafe", "HELP", "café helped"):
        assert ids(store.search(words)) == [c.id], words
    assert store.search("elped") == []  # the start of a word, not any part


def test_since_leaves_out_earlier_records(store, records):
    checkin, rupture, _ = records
    assert set(ids(store.search("reply", since="2026-11-16"))) == {checkin.id, rupture.id}
    assert ids(store.search("reply", since="2026-11-21")) == [rupture.id]
    assert store.search("reply", since="2026-11-23") == []


def test_the_best_match_comes_first(store):
    once = store.save_checkin(
        CheckIn.create(
            day="2026-11-27",
            mood=3,
            note="A long day at work with meetings, emails, a late train and, once, lonely.",
        )
    )
    often = store.save_checkin(
        CheckIn.create(day="2026-11-01", mood=2, note="Lonely. So lonely, lonely.")
    )
    store.save_checkin(CheckIn.create(mood=4, note="Nothing of the kind."))
    assert ids(store.search("lonely")) == [often.id, once.id]
    assert len(store.search("lonely", limit=1)) == 1


@pytest.mark.parametrize(
    "words",
    [
        '"',
        '""',
        "*",
        "-",
        "NEAR",
        "NEAR(a b)",
        "a AND",
        "OR",
        "NOT x",
        "AND OR NOT",
        "note:lonely",
        "(",
        ")",
        "^x",
        '"unclosed',
        "'",
        "{need note}: x",
        "+",
        "a*b",
        "x -y",
        "\\",
        "%",
        "_",
        ":",
        "near/3",
        'a"b"c',
        "\x00",
        "\x1b[31m",
    ],
)
def test_what_people_type_is_never_query_syntax(store, words):
    store.save_checkin(CheckIn.create(mood=3, note="Sat near the door; a and b, or not."))
    store.search(words)  # no error, whatever was typed
    store.checkins(text=words)
    assert match_expression(words) is None or match_expression(words).endswith("*")


def test_operators_typed_are_plain_words(store):
    c = store.save_checkin(CheckIn.create(mood=3, note="Sat near the door, not at the table."))
    assert ids(store.search("NEAR")) == [c.id]
    assert ids(store.search("not")) == [c.id]
    assert ids(store.search("-door")) == [c.id]
    assert ids(store.search('"the door"')) == [c.id]
    assert store.search("-") == [] and store.search('"') == [] and store.search("*") == []


def test_edits_deletes_and_undo_keep_the_index_right(store):
    c = store.save_checkin(CheckIn.create(mood=3, note="an argument about dishes"))
    assert ids(store.search("dishes")) == [c.id]
    store.save_checkin(c.with_changes(note="a calm talk about laundry", mood=4))
    assert store.search("dishes") == [] and ids(store.search("laundry")) == [c.id]
    store.save_checkin(c.with_changes(note=None, need="quiet"))
    assert store.search("laundry") == [] and ids(store.search("quiet")) == [c.id]
    deleted = store.delete_checkin(c.id)
    assert store.search("quiet") == []
    store.save_checkin(deleted)  # undo
    assert ids(store.search("quiet")) == [c.id]
    assert_index_in_sync(store)

    r = store.save_rupture(Rupture.create(my_move="pursued", what_happened="texted ten times"))
    store.save_rupture(r.with_changes(what_happened="called twice"))
    assert store.search("texted") == [] and ids(store.search("twice")) == [r.id]
    store.delete_rupture(r.id)
    e = store.save_experiment(Experiment.create(title="t", practice="p", days=7, target_count=1))
    store.save_experiment(e.with_changes(learned="slower is kinder"))
    assert ids(store.search("kinder")) == [e.id]
    store.delete_experiment(e.id)
    assert store.search("kinder") == [] and store.search("twice") == []
    assert_index_in_sync(store)


def test_many_at_once_through_the_one_write_path(store):
    rows = [checkin_row(CheckIn.create(mood=3, note=f"walk number {i}")) for i in range(300)]
    store.save_checkins(rows)
    assert len(store.search("walk", limit=1000)) == 300
    store.save_checkins([(*r[:13], "swim instead", *r[14:]) for r in rows[:100]])
    assert len(store.search("walk", limit=1000)) == 200
    assert len(store.search("swim", limit=1000)) == 100
    assert_index_in_sync(store)


def test_a_bulk_import_is_searchable(tmp_path, monkeypatch):
    # Worker processes, indexes dropped and rebuilt, foreign keys off: the import's
    # fastest path, as for a large import into an empty database.
    monkeypatch.setattr(importer, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(importer, "CHUNK", 700)
    monkeypatch.setattr(importer, "_worker_count", lambda sources: 2)
    write_checkins_csv(tmp_path / "checkins.csv", 3000)
    with Store.open(tmp_path / "a.db") as store:
        plan = import_path(store, tmp_path / "checkins.csv")
        assert plan.stream is not None and plan.rebuild_indexes
        quoted = store.conn.execute(
            "SELECT count(*) FROM checkins WHERE note LIKE '%quotes%'"
        ).fetchone()[0]
        assert quoted > 100
        assert len(store.search("quotes", limit=10_000)) == quoted
        assert len(store.checkins(text="quotes")) == quoted
        assert_index_in_sync(store)


def test_history_text_goes_through_the_index(store):
    a = store.save_checkin(CheckIn.create(day="2026-11-20", mood=2, note="It helped, 100%."))
    b = store.save_checkin(CheckIn.create(day="2026-11-21", mood=3, need="helpers"))
    assert ids(store.checkins(text="help")) == [b.id, a.id]  # newest first, as History
    assert ids(store.checkins(text="helped")) == [a.id]
    assert ids(store.checkins(text="100%")) == [a.id]
    assert ids(store.checkins(text="help %")) == [a.id]  # a symbol: that literal text
    assert store.checkins(text="elped") == []


# --- showing stored text on a terminal ---------------------------------------------------


def test_visible_shows_control_characters_and_keeps_the_rest():
    assert visible("a\x1b[31mred\x07\x00\x7f") == "a^[[31mred^G^@^?"
    assert visible("\x9b2J \x85") == "<U+009B>2J <U+0085>"
    assert visible("line one\nline\ttwo, café, 日本, 🙂") == "line one\nline\ttwo, café, 日本, 🙂"
    assert all(
        not (ord(ch) < 32 and ch not in "\n\t") and not 0x7F <= ord(ch) <= 0x9F
        for ch in visible("".join(map(chr, range(0xA0))))
    )


def test_terminal_safe_json_is_the_same_value_with_nothing_to_obey():
    value = {"note": "\x1b]0;title\x07 \x9b \x7f é"}
    text = terminal_safe_json(json.dumps(value, ensure_ascii=False))
    assert json.loads(text) == value
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in text)


# --- the command -------------------------------------------------------------------------


def test_search_command_ranked_with_day_kind_and_snippet(run_tracker, store, records):
    store.close()
    result = run_tracker("search", "reply")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 4 and lines[-1] == "3 matches for 'reply', best first."
    assert {line.split()[:2][1] for line in lines[:3]} == {"check-in", "rupture", "experiment"}
    assert "2026-11-20  check-in    Waited all day for a [reply]." in lines


def test_search_command_json(run_tracker, store, records):
    _, rupture, experiment = records
    store.close()
    result = run_tracker("search", "reply", "late", "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert [h["rank"] for h in found] == [1, 2]
    assert {(h["kind"], h["id"], h["day"]) for h in found} == {
        ("rupture", rupture.id, "2026-11-22"),
        ("experiment", experiment.id, "2026-11-15"),
    }
    assert all("[" not in h["snippet"] for h in found)  # no marks in JSON
    assert json.loads(run_tracker("search", "nothing-like-it", "--json").stdout) == []


def test_search_command_since(run_tracker, store, records):
    store.close()
    result = run_tracker("search", "reply", "--since", "2026-11-21")
    assert result.returncode == 0
    assert "rupture" in result.stdout and "check-in" not in result.stdout
    assert "1 match for 'reply' since 2026-11-21, best first." in result.stdout


def test_no_hits_says_so_plainly(run_tracker, store, records):
    store.close()
    result = run_tracker("search", "elephant")
    assert (result.returncode, result.stdout) == (0, "Nothing matches 'elephant'.\n")
    result = run_tracker("search", "-", "*")
    assert result.returncode == 0 and "Nothing to search for" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("since", ["yesterday", "2026-13-01", "28/11/2026", ""])
def test_a_bad_since_is_one_line_and_nothing_is_opened(run_tracker, db_path, since):
    result = run_tracker("search", "reply", "--since", since)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--since" in result.stderr
    assert "YYYY-MM-DD" in result.stderr and "Traceback" not in result.stderr
    assert not db_path.exists()


def test_hostile_words_on_the_command_line(run_tracker, store, records):
    store.close()
    for words in (['"'], ["NEAR"], ["-"], ["*"], ["reply", "OR", "NOT"], ['"reply']):
        result = run_tracker("search", "--", *words)
        assert result.returncode == 0, (words, result.stderr)
        assert "Traceback" not in result.stderr and "fts5" not in result.stderr.lower()
    assert "3 matches" in run_tracker("search", '"reply').stdout


def test_snippets_never_print_terminal_control_characters(run_tracker, store):
    c = store.save_checkin(
        CheckIn.create(mood=3, note="ok \x1b]0;owned\x07 \x1b[2J \x9b31m plain words")
    )
    with store.write():  # a NUL too, which only another program can write
        store.conn.execute("UPDATE checkins SET note = note || ? WHERE id = ?", [" \x00", c.id])
    store.close()
    result = run_tracker("search", "plain")
    assert result.returncode == 0, result.stderr
    assert not any(ord(ch) < 32 and ch != "\n" or 0x7F <= ord(ch) <= 0x9F for ch in result.stdout)
    assert "^[]0;owned^G" in result.stdout and "<U+009B>31m" in result.stdout
    shown = run_tracker("search", "plain", "--json").stdout
    assert not any(ord(ch) < 32 and ch != "\n" or 0x7F <= ord(ch) <= 0x9F for ch in shown)
    assert "\x1b]0;owned\x07" in json.loads(shown)[0]["snippet"]  # the text, exactly


def test_the_search_index_is_part_of_the_schema(store):
    tables = set(store.db.table_names())
    assert {"checkins_fts", "ruptures_fts", "experiments_fts"} <= tables
    triggers = {
        r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    search = {f"{t}_{op}" for t in FTS_COLUMNS for op in ("ai", "ad", "au")}
    assert search <= triggers
    assert not {t for t in triggers - search if not t.endswith(("_tombstone", "_revive"))}
    assert store.db["checkins"].detect_fts() == "checkins_fts"
    with pytest.raises(store_errors.OperationalError):  # FTS5 syntax errors are real errors...
        store.conn.execute("SELECT * FROM checkins_fts WHERE checkins_fts MATCH 'NEAR('")
    store.search("NEAR(")  # ...which the store never lets through
