"""Import of our own export: round trip byte for byte, idempotent, newer wins."""

from __future__ import annotations

import csv
import io
import itertools
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.trust_helpers import (
    cli,
    db_digest,
    export_folder,
    file_hash,
    populate,
    write_checkins_csv,
)
from tracker import clock
from tracker.models import BringMark, CheckIn, Experiment, PracticeLog, Rupture, Session, Support
from tracker.portability.cells import neutralise, restore
from tracker.portability.export import write_table
from tracker.portability.importer import ImportProblem, import_path, prepare_import
from tracker.store import Store


@pytest.fixture
def full_store(tmp_path):
    s = Store.open(tmp_path / "source.db")
    populate(s)
    yield s
    s.close()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_import_export_is_byte_identical(full_store, tmp_path, fmt):
    first = export_folder(full_store, tmp_path / "first", fmt)
    with Store.open(tmp_path / "empty.db") as target:
        plan = import_path(target, tmp_path / "first")
        assert plan.counts["checkins"].added == 2
        assert plan.counts["ruptures"].added == 1
        assert plan.counts["sessions"].added == 2
        assert plan.counts["bring_marks"].added == 5
        second = export_folder(target, tmp_path / "second", fmt)
    assert set(first) == set(second)
    assert {f"sessions.{fmt}", f"bring_marks.{fmt}"} <= set(first)
    for name in first:
        assert first[name] == second[name], name
    manifest = (tmp_path / "first" / ".tracker-export").read_text(encoding="utf-8").split()
    assert f"sessions.{fmt}" in manifest and f"bring_marks.{fmt}" in manifest


def test_import_gives_back_exactly_what_was_written(full_store, tmp_path):
    export_folder(full_store, tmp_path / "out")
    with Store.open(tmp_path / "empty.db") as target:
        import_path(target, tmp_path / "out")
        by_day = {c.day: c for c in target.checkins()}
        support = target.supports()[0]
        log = target.practice_logs()[0]
        rupture = target.ruptures()[0]
    assert by_day["2026-11-21"].note == "=SUM(A1) is what the spreadsheet would run"
    assert by_day["2026-11-20"].note == 'Texted twice, "just checking".\nThen waited.'
    assert by_day["2026-11-20"].emotions == ("anxious", "lonely")
    assert by_day["2026-11-21"].people == ("mother", "Sam")
    assert by_day["2026-11-20"].pursue_acted == 1
    assert support.name == "@crisis line"
    assert support.how_to_reach == "'call 116 123"
    assert support.note == "\tany hour"
    assert log.note == "-it helped"
    assert rupture.what_happened == "+went quiet at dinner"
    assert rupture.people == ("Sam",)
    assert "tender" in target_vocabulary(tmp_path / "empty.db")
    with Store.open(tmp_path / "empty.db") as target:
        sessions = target.sessions()
        marks = target.bring_marks()
        kinds = {m.kind: m for m in marks}
        assert kinds["rupture"].record_id == target.ruptures()[0].id
        assert kinds["practice_log"].record_id == target.practice_logs()[0].id
    assert [(s.day, s.agenda, s.note) for s in sessions] == [
        ("2026-11-19", None, "-we talked about the texting"),
        ("2026-12-03", "=the quiet after dinner", None),
    ]
    assert [m.marked_on for m in marks] == [
        "2026-11-18",
        "2026-11-21",
        "2026-11-21",
        "2026-11-22",
        "2026-11-22",
    ]
    assert sorted(m.kind for m in marks) == [
        "checkin",
        "checkin",
        "experiment",
        "practice_log",
        "rupture",
    ]


def target_vocabulary(path: Path) -> list[str]:
    with Store.open(path) as s:
        return s.emotion_vocabulary()


def test_importing_twice_adds_nothing(full_store, tmp_path):
    export_folder(full_store, tmp_path / "out")
    target_path = tmp_path / "target.db"
    with Store.open(target_path) as target:
        import_path(target, tmp_path / "out")
    before = db_digest(target_path)
    with Store.open(target_path) as target:
        plan = import_path(target, tmp_path / "out")
    assert plan.changes == 0
    assert all(c.added == 0 and c.updated == 0 for c in plan.counts.values())
    assert db_digest(target_path) == before


def test_importing_into_the_source_itself_changes_nothing(full_store, tmp_path):
    export_folder(full_store, tmp_path / "out")
    before = db_digest(full_store.path)
    plan = import_path(full_store, tmp_path / "out")
    assert plan.changes == 0
    assert db_digest(full_store.path) == before


def _rewrite_checkins(folder: Path, change) -> None:
    path = folder / "checkins.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    for row in rows[1:]:
        change(dict(zip(header, row)), row, header)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


def test_a_newer_row_updates_and_an_older_one_does_not(full_store, tmp_path):
    export_folder(full_store, tmp_path / "newer")
    export_folder(full_store, tmp_path / "older")
    original = {c.day: c for c in full_store.checkins()}

    def newer(values, row, header):
        if values["day"] == "2026-11-20":
            row[header.index("note")] = "rewritten later"
            row[header.index("mood")] = "3"
            row[header.index("emotions")] = "hopeful"
            # Later in UTC although the local clock reads earlier: offsets count.
            row[header.index("updated_at")] = "2026-11-25T06:00:00-08:00"

    def older(values, row, header):
        if values["day"] == "2026-11-21":
            row[header.index("note")] = "an old draft"
            row[header.index("updated_at")] = "2026-11-21T10:00:00+00:00"  # before created

    _rewrite_checkins(tmp_path / "newer", newer)
    _rewrite_checkins(tmp_path / "older", older)
    plan = import_path(full_store, tmp_path / "newer")
    assert plan.counts["checkins"].updated == 1
    plan = import_path(full_store, tmp_path / "older")
    assert plan.counts["checkins"].updated == 0
    now = {c.day: c for c in full_store.checkins()}
    assert now["2026-11-20"].note == "rewritten later"
    assert now["2026-11-20"].mood == 3
    assert now["2026-11-20"].emotions == ("hopeful",)  # links replaced, not added to
    assert now["2026-11-20"].people == original["2026-11-20"].people
    assert now["2026-11-21"].note == original["2026-11-21"].note


def test_same_updated_at_with_other_content_keeps_what_is_stored(full_store, tmp_path):
    export_folder(full_store, tmp_path / "out")

    def change(values, row, header):
        row[header.index("note")] = "changed without a newer time"

    _rewrite_checkins(tmp_path / "out", change)
    plan = import_path(full_store, tmp_path / "out")
    assert plan.counts["checkins"].unchanged == 2
    assert "changed without a newer time" not in {c.note for c in full_store.checkins()}


def test_a_single_csv_is_recognised_by_its_header(full_store, tmp_path):
    export_folder(full_store, tmp_path / "out")
    renamed = tmp_path / "my data.csv"
    renamed.write_bytes((tmp_path / "out" / "ruptures.csv").read_bytes())
    logs = tmp_path / "whatever.csv"
    logs.write_bytes((tmp_path / "out" / "experiments.csv").read_bytes())
    with Store.open(tmp_path / "t.db") as target:
        assert import_path(target, renamed).counts["ruptures"].added == 1
        assert import_path(target, logs).counts["experiments"].added == 1
        assert target.ruptures()[0].what_happened == "+went quiet at dinner"


def test_a_single_json_file_is_recognised(full_store, tmp_path):
    export_folder(full_store, tmp_path / "out", "json")
    single = tmp_path / "mine.json"
    single.write_bytes((tmp_path / "out" / "checkins.json").read_bytes())
    with Store.open(tmp_path / "t.db") as target:
        assert import_path(target, single).counts["checkins"].added == 2
        assert {c.note for c in target.checkins()} == {c.note for c in full_store.checkins()}


def test_practice_logs_need_their_experiment(full_store, tmp_path):
    export_folder(full_store, tmp_path / "out")
    with Store.open(tmp_path / "t.db") as target:
        with pytest.raises(ImportProblem) as caught:
            import_path(target, tmp_path / "out" / "practice_logs.csv")
        assert target.practice_logs() == []
    message = str(caught.value)
    assert "practice_logs.csv, line 2, column 2 (experiment_id)" in message
    assert "is not an experiment" in message


def test_import_never_changes_its_input(full_store, tmp_path):
    export_folder(full_store, tmp_path / "out")
    before = {p.name: file_hash(p) for p in (tmp_path / "out").iterdir()}
    with Store.open(tmp_path / "t.db") as target:
        import_path(target, tmp_path / "out")
    assert {p.name: file_hash(p) for p in (tmp_path / "out").iterdir()} == before


def test_cli_import_reports_and_backs_up_before_replacing(full_store, tmp_path):
    export_folder(full_store, tmp_path / "out")
    target = tmp_path / "data" / "t.db"
    result = cli("--db", str(target), "import", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "check-ins: 2 added" in result.output
    again = cli("--db", str(target), "import", str(tmp_path / "out"))
    assert "Nothing new" in again.output

    def newer(values, row, header):
        row[header.index("updated_at")] = "2026-11-27T12:00:00+01:00"
        row[header.index("note")] = "edited"

    _rewrite_checkins(tmp_path / "out", newer)
    dry = cli("--db", str(target), "import", "--dry-run", str(tmp_path / "out"))
    assert "2 would be updated" in dry.output
    with Store.open(target) as s:
        assert "edited" not in {c.note for c in s.checkins()}
    result = cli("--db", str(target), "import", str(tmp_path / "out"))
    assert "Kept a backup first" in result.output
    assert list((target.parent / "backups").glob("t-pre-import-*.db"))
    with Store.open(target) as s:
        assert {c.note for c in s.checkins()} == {"edited"}


def test_the_fast_path_counts_what_the_slow_path_would(tmp_path):
    """save_checkins (bulk) and save_checkin (one by one) store the same rows."""
    write_checkins_csv(tmp_path / "checkins.csv", 300)
    with Store.open(tmp_path / "bulk.db") as bulk:
        import_path(bulk, tmp_path / "checkins.csv")
        records = bulk.checkins()
        assert len(records) == 300
        bulk_export = export_folder(bulk, tmp_path / "bulk")
    with Store.open(tmp_path / "one.db") as one:
        for record in records:
            one.save_checkin(record)
        assert export_folder(one, tmp_path / "one") == bulk_export
        # Saving them again in bulk (all existing now) replaces, never duplicates, links.
        one.save_checkins(records)
        assert export_folder(one, tmp_path / "again") == bulk_export


# --- The property: arbitrary text in every text field survives the round trip ---------

_SPECIALS = ["=", "+", "-", "@", "\t", "\r", "'", "''", '"', ",", "\n", "\r\n", "|"]
_SAMPLES = [
    "שלום, עולם",
    'مرحبا "بك"',
    "😀👩‍👩‍👧 ok",
    "a,b;c",
    'say "hi"',
    "line1\nline2",
    "cr\ronly",
    "\u2028sep",
    "\x85next",
    "\x1cfs",
    "=1+1",
    "@SUM(A1)",
    "'quoted",
]
_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
free_text = st.one_of(
    st.text(_CHARS, max_size=40),
    st.builds(lambda a, b: a + b, st.sampled_from(_SPECIALS), st.text(_CHARS, max_size=20)),
    st.sampled_from(_SAMPLES),
)
name_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00|"),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip())


percent = st.one_of(st.none(), st.integers(0, 100))
schema5 = st.fixed_dictionaries(
    {
        "alternative_before": percent,
        "alternative_after": percent,
        "prediction_happened": percent,
        "cue": st.sampled_from([None, "urge", "planned"]),
        "let_rest": st.booleans(),
        "follows": st.booleans(),
        "repair": st.booleans(),
        "hidden": st.lists(st.sampled_from(["emotion", "person", "tag"]), unique=True),
    }
)
"""Schema 5's fields that are not free text: beliefs and how far it happened (or
none), the cue, a rupture let rest, a next experiment, a repair attempt, and which
kinds of name have one hidden from suggestions."""


def _build(texts: list[str], names: list[str], extra: dict | None = None) -> dict[str, list]:
    """Records of every kind, their text taken in turn from ``texts``; with ``extra``
    (:data:`schema5`), schema 5's fields too."""
    t = itertools.cycle(texts)
    extra = extra or {}

    def required(text: str, limit: int = 2000) -> str:
        return text[:limit] if text[:limit].strip() else "x" + text[: limit - 1]

    exp = Experiment.create(
        title=required(next(t), 120),
        practice=required(next(t)),
        prediction=next(t),
        outcome=next(t),
        learned=next(t),
        alternative_belief=next(t),
        alternative_before=extra.get("alternative_before"),
        alternative_after=extra.get("alternative_after"),
        safety_behaviours=next(t),
        how_i_will_know=next(t),
        cue=extra.get("cue"),
        started_on="2026-11-01",
        days=7,
        target_count=3,
        created_at="2026-11-01T09:00:00+01:00",
    )
    experiments = [exp]
    if extra.get("follows"):
        experiments.append(
            Experiment.create(
                title=required(next(t), 120),
                practice=required(next(t)),
                started_on="2026-11-08",
                days=7,
                target_count=3,
                follows_id=exp.id,
                belief_before=exp.belief_after,
                created_at="2026-11-08T09:00:00+01:00",
            )
        )
    checkin = CheckIn.create(
        day="2026-11-20",
        created_at="2026-11-20T08:00:00+01:00",
        mood=3,
        need=next(t),
        note=next(t),
        emotions=names[:2],
        people=names[1:3],
        tags=names[2:],
    )
    rupture = Rupture.create(
        happened_at="2026-11-10T19:30:00+01:00",
        my_move="other",
        what_happened=next(t),
        note=next(t),
        next_time=next(t),
        let_rest_on="2026-11-12" if extra.get("let_rest") else None,
        people=names[:1],
        created_at="2026-11-10T19:30:00+01:00",
    )
    log = PracticeLog.create(
        experiment_id=exp.id,
        day="2026-11-02",
        note=next(t),
        prediction_happened=extra.get("prediction_happened"),
        rupture_id=rupture.id if extra.get("repair") else None,
        created_at="2026-11-02T08:00:00+01:00",
    )
    return {
        "checkins": [checkin],
        "experiments": experiments,
        "ruptures": [rupture],
        "practice_logs": [log],
        "supports": [
            Support.create(
                name=required(next(t), 120),
                how_to_reach=next(t),
                note=next(t),
                created_at="2026-11-01T09:00:00+01:00",
            )
        ],
        "sessions": [
            Session.create(
                day="2026-12-01",
                agenda=next(t)[:300],
                note=next(t),
                created_at="2026-11-21T09:00:00+01:00",
            )
        ],
        "bring_marks": [
            BringMark.create(
                kind=kind,
                record_id=record.id,
                marked_on="2026-11-21",
                created_at="2026-11-21T09:05:00+01:00",
            )
            for kind, record in (
                ("checkin", checkin),
                ("experiment", exp),
                ("practice_log", log),
                ("rupture", rupture),
            )
        ],
    }


def _save(store: Store, built: dict[str, list], hidden: list[str], names: list[str]) -> None:
    """Save what :func:`_build` made, as the app would (ruptures before the practice
    that repaired one), and hide the first name of each kind in ``hidden``."""
    savers = {
        "checkins": store.save_checkin,
        "experiments": store.save_experiment,
        "ruptures": store.save_rupture,
        "practice_logs": store.save_practice_log,
        "supports": store.save_support,
        "sessions": store.save_session,
        "bring_marks": lambda m: store.save_bring_marks([m]),
    }
    for table, save in savers.items():
        for record in built[table]:
            save(record)
    checkin = built["checkins"][0]
    first = {"emotion": checkin.emotions, "person": checkin.people, "tag": checkin.tags}
    tables = {"emotion": "emotions", "person": "people", "tag": "tags"}
    with store.write():
        for kind in hidden:
            if first[kind]:
                store.conn.execute(
                    f"UPDATE {tables[kind]} SET hidden = 1 WHERE name = ?", [first[kind][0]]
                )


def _hidden(store: Store) -> set[tuple[str, str]]:
    """The names hidden from suggestions, as the database holds them."""
    return {
        (table, name)
        for table in ("emotions", "people", "tags")
        for (name,) in store.conn.execute(f"SELECT name FROM {table} WHERE hidden = 1")
    }


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    texts=st.lists(free_text, min_size=6, max_size=6),
    names=st.lists(name_text, min_size=1, max_size=4),
    extra=schema5,
)
def test_round_trip_property(texts, names, extra):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        built = _build(texts, names, extra)
        with Store.open(folder / "a.db") as source:
            _save(source, built, extra["hidden"], names)
            hidden = _hidden(source)
            for fmt in ("csv", "json"):
                first = export_folder(source, folder / f"first-{fmt}", fmt)
                with Store.open(folder / f"b-{fmt}.db") as target:
                    import_path(target, folder / f"first-{fmt}")
                    second = export_folder(target, folder / f"second-{fmt}", fmt)
                    assert first == second
                    # And the text is exactly what was written, not just stable.
                    [checkin] = built["checkins"]
                    back = target.checkins()[0]
                    assert (back.note, back.need) == (checkin.note, checkin.need)
                    [support] = built["supports"]
                    assert target.supports()[0].to_row() == support.to_row()
                    [rupture] = built["ruptures"]
                    assert target.ruptures()[0].to_row() == rupture.to_row()
                    [session] = built["sessions"]
                    assert (target.sessions()[0].agenda, target.sessions()[0].note) == (
                        session.agenda,
                        session.note,
                    )
                    by_id = {e.id: e.to_row() for e in target.experiments()}
                    assert by_id == {e.id: e.to_row() for e in built["experiments"]}
                    [log] = built["practice_logs"]
                    assert target.practice_logs()[0].to_row() == log.to_row()
                    assert _hidden(target) == hidden
                    assert sorted(m.record_id for m in target.bring_marks()) == sorted(
                        m.record_id for m in built["bring_marks"]
                    )


@given(st.text(_CHARS))
def test_restore_undoes_neutralise(text):
    assert restore(neutralise(text)) == text


def test_json_import_reads_what_json_export_writes_for_every_table(full_store, tmp_path):
    files = export_folder(full_store, tmp_path / "out", "json")
    for name, data in files.items():
        assert isinstance(json.loads(data), list), name
    with Store.open(tmp_path / "t.db") as target:
        plan = prepare_import(target, tmp_path / "out", stream=False)
    assert {t: c.added for t, c in plan.counts.items()} == {
        "emotions": 1,
        "names": 6,  # tender, Sam, mother, work, bad sleep, family
        "checkins": 2,
        "experiments": 1,
        "practice_logs": 1,
        "ruptures": 1,
        "supports": 1,
        "sessions": 2,
        "bring_marks": 5,
    }


# --- The bulk path: worker processes, chunks, repeated ids -------------------------------


@pytest.fixture
def parallel(monkeypatch):
    """Force the worker-process path and small chunks, whatever the file size."""
    from tracker.portability.importer import workers

    monkeypatch.setattr(workers, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(workers, "CHUNK", 700)
    monkeypatch.setattr(workers, "_worker_count", lambda sources: 2)


def test_worker_processes_and_one_process_give_the_same_database(tmp_path, parallel):
    write_checkins_csv(tmp_path / "checkins.csv", 5000)
    with Store.open(tmp_path / "a.db") as a:
        plan = import_path(a, tmp_path / "checkins.csv")  # empty: streamed, 2 workers
        assert plan.stream is not None and plan.counts["checkins"].added == 5000
        streamed = export_folder(a, tmp_path / "a")
        assert a.integrity_problems() == []
        assert a.db.execute("PRAGMA foreign_key_check").fetchall() == []
    with Store.open(tmp_path / "b.db") as b:
        plan = prepare_import(b, tmp_path / "checkins.csv", stream=False)
        from tracker.portability.importer import apply_plan

        apply_plan(b, plan)
        assert export_folder(b, tmp_path / "b") == streamed


def test_a_problem_in_a_late_chunk_rolls_everything_back(tmp_path, parallel):
    write_checkins_csv(tmp_path / "checkins.csv", 5000)
    with open(tmp_path / "checkins.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write(
            "9e7b5a39-3f63-4f0e-9a39-8d2b1c0c0c0c,2026-11-01,2026-11-01T08:00:00+01:00,"
            "2026-11-01T08:00:00+01:00,6,,,,,,,,,,,,\r\n"
        )
    with Store.open(tmp_path / "a.db") as a:
        before = db_digest(a.path)
        with pytest.raises(ImportProblem) as caught:
            import_path(a, tmp_path / "checkins.csv")
        assert db_digest(a.path) == before
        assert a.checkin_count() == 0
        # The indexes dropped for the bulk load are back (the transaction rolled back).
        names = {r[0] for r in a.db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"checkins_day", "checkin_tags_tag"} <= names
    last_line = (tmp_path / "checkins.csv").read_bytes().count(b"\n")  # notes span lines
    assert caught.value.problems == [
        f"{tmp_path / 'checkins.csv'}, line {last_line}, column 5 (mood): 6 is not allowed; use "
        "a whole number from 1 (awful) to 5 (great)."
    ]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_started_either_way_give_what_one_process_gives(
    tmp_path, parallel, monkeypatch, method
):
    from tracker.portability.importer import workers

    monkeypatch.setattr(workers, "START_METHOD", method)
    write_checkins_csv(tmp_path / "checkins.csv", 3000)
    with Store.open(tmp_path / "a.db") as a:
        plan = import_path(a, tmp_path / "checkins.csv")
        assert plan.stream is not None and plan.counts["checkins"].added == 3000
        streamed = export_folder(a, tmp_path / "a")
    with Store.open(tmp_path / "b.db") as b:
        monkeypatch.setattr(workers, "_worker_count", lambda sources: 0)
        import_path(b, tmp_path / "checkins.csv")
        assert export_folder(b, tmp_path / "b") == streamed


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_judge_days_by_the_importing_process_today(tmp_path, parallel, monkeypatch, method):
    """The frozen clock reaches the workers, not the environment's (or the real) day."""
    from tracker.portability.importer import workers

    monkeypatch.setattr(workers, "START_METHOD", method)
    monkeypatch.setenv("TRACKER_TODAY", "2099-01-01")  # what a worker would read by itself
    clock.freeze("2026-11-28")
    path = tmp_path / "checkins.csv"
    write_checkins_csv(path, 3000)
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write(
            "9e7b5a39-3f63-4f0e-9a39-8d2b1c0c0c0c,2026-11-29,2026-11-29T08:00:00+01:00,"
            "2026-11-29T08:00:00+01:00,3,,,,,,,,,,,,\r\n"
        )
    with Store.open(tmp_path / "a.db") as a:
        with pytest.raises(ImportProblem) as caught:
            import_path(a, path)
        assert a.checkin_count() == 0
    last_line = path.read_bytes().count(b"\n")
    assert caught.value.problems == [
        f"{path}, line {last_line}, column 2 (day): '2026-11-29' is not allowed; use today "
        "(2026-11-28) or an earlier day."
    ]


def _children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(p) for p in text.split()}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_workers_stop_when_the_importing_process_is_killed(tmp_path):
    import os
    import signal
    import subprocess
    import time

    from tests.conftest import FROZEN_TODAY, tracker_executable

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one CPU: the import uses no worker processes")
    write_checkins_csv(tmp_path / "checkins.csv", 40_000)
    env = {**os.environ, "TRACKER_TODAY": FROZEN_TODAY.isoformat()}
    process = subprocess.Popen(
        [
            tracker_executable(),
            "--db",
            str(tmp_path / "t.db"),
            "import",
            str(tmp_path / "checkins.csv"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while not workers and process.poll() is None and time.monotonic() < deadline:
        workers = _children(process.pid)
        time.sleep(0.02)
    assert workers, "the import ended before its workers could be seen"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)], "worker processes outlived the import"


def test_the_same_ids_twice_in_one_import_keep_the_newest(full_store, tmp_path, parallel):
    export_folder(full_store, tmp_path / "out")
    export_folder(full_store, tmp_path / "json", "json")
    records = json.loads((tmp_path / "json" / "checkins.json").read_text(encoding="utf-8"))
    records[0]["note"] = "the newer copy"
    records[0]["updated_at"] = "2026-11-27T10:00:00+01:00"
    (tmp_path / "out" / "checkins.json").write_text(json.dumps(records), encoding="utf-8")
    with Store.open(tmp_path / "t.db") as target:
        plan = import_path(target, tmp_path / "out")
        assert plan.counts["checkins"].added == 2
        assert target.checkin_count() == 2
        assert "the newer copy" in {c.note for c in target.checkins()}
        again = import_path(target, tmp_path / "out")
        assert again.changes == 0


# --- The check-ins CSV equals the plainest csv-module writing of the same rows ----------


def _reference_checkins_csv(store: Store) -> str:
    """The definition: every text cell neutralised, then Python's csv module as it is."""
    handle = io.StringIO(newline="")
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(store.export_columns("checkins"))
    writer.writerows(
        [neutralise(v) if isinstance(v, str) else v for v in row]
        for row in store.export_rows("checkins")
    )
    return handle.getvalue()


def _exported_checkins_csv(store: Store) -> str:
    handle = io.StringIO(newline="")
    write_table(store, "checkins", "csv", handle)
    return handle.getvalue()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    texts=st.lists(free_text, min_size=4, max_size=4),
    names=st.lists(name_text, min_size=1, max_size=5),
)
def test_the_checkins_csv_is_the_csv_modules_byte_for_byte(texts, names):
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "a.db") as store:
        for n, (need, note) in enumerate(
            [(texts[0], texts[1]), (texts[2], texts[3]), (None, None)]
        ):
            store.save_checkin(
                CheckIn.create(
                    day=f"2026-11-{20 - n}",
                    created_at=f"2026-11-{20 - n}T08:00:00+01:00",
                    mood=3,
                    intensity=n or None,
                    need=need,
                    note=note,
                    emotions=names[n:],
                    people=names[: n + 1],
                    tags=names[::-1],
                )
            )
        exported = _exported_checkins_csv(store)
        assert exported == _reference_checkins_csv(store)
        assert exported.count("\r\n") >= 4


def test_ids_and_times_written_outside_the_app_are_quoted_and_neutralised(full_store):
    assert _exported_checkins_csv(full_store) == _reference_checkins_csv(full_store)
    # Someone edits the file with sqlite-utils: an id with a comma, a formula time.
    with full_store.write():
        full_store.db.execute(
            "INSERT INTO checkins (id, day, created_at, updated_at, mood) "
            "VALUES ('a,b', '2026-11-22', '2026-11-22T08:00:00+01:00', '@noon', 3)"
        )
        full_store.db.execute("UPDATE checkins SET updated_at = '=1+1' WHERE day = '2026-11-21'")
    exported = _exported_checkins_csv(full_store)
    assert '"a,b"' in exported and "'=1+1" in exported
    assert "'@noon" in exported
    assert exported == _reference_checkins_csv(full_store)


def test_a_nul_in_a_note_written_outside_the_app_is_written_as_it_is(full_store):
    with full_store.write():
        full_store.db.execute(
            "UPDATE checkins SET note = 'x' || char(0) || 'y, z' WHERE day = '2026-11-20'"
        )
    exported = _exported_checkins_csv(full_store)
    assert exported == _reference_checkins_csv(full_store)
    assert len(list(csv.reader(io.StringIO(exported)))) == 3


# --- Sessions and bring marks ---------------------------------------------------------------


def test_an_export_from_before_sessions_still_imports(full_store, tmp_path):
    """An export written before migration 4 has no sessions or bring_marks files."""
    export_folder(full_store, tmp_path / "out")
    (tmp_path / "out" / "sessions.csv").unlink()
    (tmp_path / "out" / "bring_marks.csv").unlink()
    with Store.open(tmp_path / "t.db") as target:
        plan = import_path(target, tmp_path / "out")
        assert plan.counts["checkins"].added == 2 and "sessions" not in plan.counts
        assert target.sessions() == [] and target.bring_marks() == []


@pytest.mark.parametrize("stream", [True, False])
def test_a_mark_on_a_record_that_is_nowhere_is_refused(full_store, tmp_path, stream):
    """A mark must name a record stored or in the same import: else nothing is written,
    whether the check-ins are checked before writing or while written (the stream)."""
    export_folder(full_store, tmp_path / "out")
    path = tmp_path / "out" / "bring_marks.csv"
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    header = lines[0].split(",")
    cells = lines[1].split(",")
    gone = "00000000-0000-4000-8000-000000000000"
    cells[header.index("checkin_id")] = gone
    lines[1] = ",".join(cells)
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    with Store.open(tmp_path / "t.db") as target:
        with pytest.raises(ImportProblem) as caught:
            plan = prepare_import(target, tmp_path / "out", stream=stream)
            assert (plan.stream is not None) == stream
            from tracker.portability.importer import apply_plan

            apply_plan(target, plan)
        assert target.checkin_count() == 0 and target.bring_marks() == []
        assert target.sessions() == []
    message = str(caught.value)
    assert f"bring_marks.csv, line 2, column 2 (checkin_id): {gone} is not a check-in" in message


def test_a_mark_may_name_a_record_already_stored(full_store, tmp_path):
    export_folder(full_store, tmp_path / "out")
    with Store.open(tmp_path / "t.db") as target:
        import_path(target, tmp_path / "out" / "ruptures.csv")
        with pytest.raises(ImportProblem):  # the marks on check-ins: none stored yet
            import_path(target, tmp_path / "out" / "bring_marks.csv")
        import_path(target, tmp_path / "out" / "checkins.csv")
        import_path(target, tmp_path / "out" / "experiments.csv")
        import_path(target, tmp_path / "out" / "practice_logs.csv")
        plan = import_path(target, tmp_path / "out" / "bring_marks.csv")
        assert plan.counts["bring_marks"].added == 5


# --- Schema 5: the whole experiment record, ruptures let rest, hidden names ----------------


def test_schema_5_fields_come_back_exactly(full_store, tmp_path):
    export_folder(full_store, tmp_path / "out")
    with Store.open(tmp_path / "t.db") as target:
        import_path(target, tmp_path / "out")
        [exp] = target.experiments()
        [log] = target.practice_logs()
        [rupture] = target.ruptures()
        hidden = {
            (table, name)
            for table in ("emotions", "people", "tags")
            for (name,) in target.conn.execute(f"SELECT name FROM {table} WHERE hidden = 1")
        }
    assert exp.alternative_belief == "=I can wait, and still be understood"
    assert (exp.alternative_before, exp.cue) == (30, "urge")
    assert exp.safety_behaviours == "-rereading it five times"
    assert exp.how_i_will_know == "They say I took too long"
    assert (log.prediction_happened, log.rupture_id) == (20, rupture.id)
    assert rupture.next_time == "@say I need an hour, then come back"
    assert hidden == {("people", "mother"), ("tags", "bad sleep"), ("emotions", "tender")}
    names = (tmp_path / "out" / "names.csv").read_text(encoding="utf-8").splitlines()
    assert names[0] == "kind,name,hidden"
    assert "person,mother,1" in names and "person,Sam,0" in names
    assert "tag,bad sleep,1" in names and "emotion,tender,1" in names


def _drop_columns(path: Path, columns: set[str]) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    keep = [i for i, name in enumerate(rows[0]) if name not in columns]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows([[r[i] for i in keep] for r in rows])


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_from_schema_4_still_imports(full_store, tmp_path, fmt):
    """Before schema 5 an export had none of its columns and no names file."""
    from tracker.portability.importer.sources import ADDED_LATER

    export_folder(full_store, tmp_path / "out", fmt)
    (tmp_path / "out" / f"names.{fmt}").unlink()
    for table, columns in ADDED_LATER.items():
        path = tmp_path / "out" / f"{table}.{fmt}"
        if fmt == "csv":
            _drop_columns(path, set(columns))
        else:
            records = json.loads(path.read_text(encoding="utf-8"))
            for record in records:
                for column in columns:
                    del record[column]
            path.write_text(json.dumps(records), encoding="utf-8")
    with Store.open(tmp_path / "t.db") as target:
        plan = import_path(target, tmp_path / "out")
        assert plan.counts["experiments"].added == 1 and plan.counts["ruptures"].added == 1
        [exp] = target.experiments()
        [log] = target.practice_logs()
        [rupture] = target.ruptures()
    assert exp.title == "Three breaths" and exp.belief_before == 70
    assert (exp.alternative_belief, exp.cue, exp.follows_id) == (None, None, None)
    assert (log.distress_before, log.prediction_happened, log.rupture_id) == (4, None, None)
    assert (rupture.repaired_on, rupture.next_time) == ("2026-11-11", None)


def test_a_header_lacking_an_older_column_is_still_refused(full_store, tmp_path):
    export_folder(full_store, tmp_path / "out")
    _drop_columns(tmp_path / "out" / "experiments.csv", {"practice", "cue"})
    with Store.open(tmp_path / "t.db") as target:
        with pytest.raises(ImportProblem) as caught:
            import_path(target, tmp_path / "out" / "experiments.csv")
        assert target.experiments() == []
    assert "looks like the experiments table, but it lacks practice, cue" in str(caught.value)


def _rewrite_cell(path: Path, column: str, value: str) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows[1:]:
        row[rows[0].index(column)] = value
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


@pytest.mark.parametrize(
    ("table", "column", "kind"),
    [("experiments", "follows_id", "an experiment"), ("practice_logs", "rupture_id", "a rupture")],
)
def test_a_link_to_a_record_that_is_nowhere_is_refused(full_store, tmp_path, table, column, kind):
    export_folder(full_store, tmp_path / "out")
    gone = "00000000-0000-4000-8000-000000000000"
    _rewrite_cell(tmp_path / "out" / f"{table}.csv", column, gone)
    with Store.open(tmp_path / "t.db") as target:
        before = db_digest(target.path)
        with pytest.raises(ImportProblem) as caught:
            import_path(target, tmp_path / "out")
        assert db_digest(target.path) == before
    [problem] = caught.value.problems
    assert problem.startswith(f"{tmp_path / 'out' / (table + '.csv')}, line 2, column ")
    assert f"({column}): {gone} is not {kind} in this import or in the database" in problem


def test_an_experiment_that_would_follow_itself_is_refused(full_store, tmp_path):
    """Directly (its own id) or through another: an edited export cannot make a loop."""
    full_store.save_experiment(
        Experiment.create(
            title="Say one need",
            practice="one sentence",
            started_on="2026-11-10",
            days=14,
            target_count=3,
        )
    )
    export_folder(full_store, tmp_path / "out")
    path = tmp_path / "out" / "experiments.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    ids, follows = rows[0].index("id"), rows[0].index("follows_id")
    assert len(rows) >= 3
    first, second = rows[1], rows[2]
    for loop in ("self", "pair"):
        if loop == "self":
            first[follows], second[follows] = first[ids], ""
        else:
            first[follows], second[follows] = second[ids], first[ids]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\r\n").writerows(rows)
        with Store.open(tmp_path / f"{loop}.db") as target:
            before = db_digest(target.path)
            with pytest.raises(ImportProblem) as caught:
                import_path(target, tmp_path / "out")
            assert db_digest(target.path) == before
        text = " ".join(caught.value.problems)
        assert "experiments.csv, line 2" in text
        if loop == "self":
            assert "not its own" in text
        else:
            assert "leads back to this experiment" in text


def test_a_name_hidden_in_the_import_is_hidden_here_and_one_hidden_here_stays(full_store, tmp_path):
    export_folder(full_store, tmp_path / "out")
    path = tmp_path / "out" / "names.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("person,Sam,0", "person,Sam,1").replace("person,mother,1", "person,mother,0"),
        encoding="utf-8",
    )
    plan = import_path(full_store, path)
    assert (plan.counts["names"].updated, plan.changes) == (1, 1)
    hidden = {n for (n,) in full_store.conn.execute("SELECT name FROM people WHERE hidden = 1")}
    assert hidden == {"Sam", "mother"}
    again = import_path(full_store, path)
    assert again.changes == 0


def test_a_names_row_of_no_known_kind_is_refused(full_store, tmp_path):
    export_folder(full_store, tmp_path / "out")
    path = tmp_path / "out" / "names.csv"
    path.write_text("kind,name,hidden\r\nplace,home,1\r\n", encoding="utf-8")
    with Store.open(tmp_path / "t.db") as target:
        with pytest.raises(ImportProblem) as caught:
            import_path(target, path)
    assert caught.value.problems == [
        f"{path}, line 2, column 1 (kind): 'place' is not allowed; use one of emotion, person, tag."
    ]


def test_the_import_summary_says_what_it_hid(full_store, tmp_path):
    export_folder(full_store, tmp_path / "out")
    result = cli("--db", str(tmp_path / "t.db"), "import", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "names: 3 hidden from suggestions, as in the import" in result.output
