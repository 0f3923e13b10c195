"""Patterns (tracker/patterns.py) against plain SQL written here: an independent
reference over a real SQLite file, with generated data (hypothesis) and with the
thresholds set exactly (2 days on a side shows nothing, 3 shows)."""

from __future__ import annotations

import datetime as dt
import sqlite3  # Python's, the library tracker uses for a plain file (one per file)
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FROZEN_TODAY
from tracker import patterns as P
from tracker.analytics import METRICS
from tracker.models import REPAIR_STEPS, CheckIn, Experiment, PracticeLog, Rupture
from tracker.store import Store

PEOPLE = ["Sam", "Mum", "Jo"]
TAGS = ["work", "bad sleep"]
EMOTIONS = ["anxious", "calm"]
START = FROZEN_TODAY - dt.timedelta(days=29)


def day(n: int) -> str:
    """The n-th day of the 30 ending on the frozen today (0 = the first)."""
    return (START + dt.timedelta(days=n)).isoformat()


def computed(path: Path, since: str, until: str, person: str | None = None) -> P.Patterns:
    with Store.open_read_only(path) as store:
        facts = store.pattern_facts(since, until)
    return P.patterns(facts, FROZEN_TODAY, person=person)


# --- the reference, in plain SQL ---------------------------------------------------------

NAME_SOURCES = {
    "person": ("checkin_people", "person_id", "people"),
    "tag": ("checkin_tags", "tag_id", "tags"),
    "emotion": ("checkin_emotions", "emotion_id", "emotions"),
}


def sql_with_without(
    conn: sqlite3.Connection, kind: str, name: str, metric: str, since: str, until: str
) -> tuple[tuple[int, float | None], tuple[int, float | None]]:
    """((days, mean) with, (days, mean) without), each day's mean counted once."""
    if kind == "paused":
        with_days = (
            "SELECT day FROM checkins WHERE day BETWEEN :s AND :u GROUP BY day "
            "HAVING max(paused) = 1"
        )
        without_days = (
            "SELECT day FROM checkins WHERE day BETWEEN :s AND :u AND paused IS NOT NULL "
            "GROUP BY day HAVING max(paused) = 0"
        )
    else:
        link, key, table = NAME_SOURCES[kind]
        with_days = (
            f"SELECT DISTINCT c.day FROM checkins c JOIN {link} l ON l.checkin_id = c.id "
            f"JOIN {table} n ON n.id = l.{key} WHERE n.name = :name AND c.day BETWEEN :s AND :u"
        )
        without_days = (
            f"SELECT DISTINCT day FROM checkins WHERE day BETWEEN :s AND :u "
            f"AND day NOT IN ({with_days})"
        )
    daily = (
        f"SELECT day, avg({metric}) AS v FROM checkins WHERE day BETWEEN :s AND :u "
        "GROUP BY day HAVING v IS NOT NULL"
    )
    args = {"s": since, "u": until, "name": name}
    on = conn.execute(
        f"SELECT count(v), avg(v) FROM ({daily}) WHERE day IN ({with_days})", args
    ).fetchone()
    off = conn.execute(
        f"SELECT count(v), avg(v) FROM ({daily}) WHERE day IN ({without_days})", args
    ).fetchone()
    return (on[0], on[1]), (off[0], off[1])


def sql_person(conn: sqlite3.Connection, name: str, since: str, until: str) -> dict:
    args = {"s": since, "u": until, "name": name}
    urges = conn.execute(
        "SELECT count(*), count(DISTINCT c.day), avg(c.pursue), count(c.pursue), "
        "total(c.pursue_acted), count(c.pursue_acted), avg(c.withdraw), count(c.withdraw), "
        "total(c.withdraw_acted), count(c.withdraw_acted) "
        "FROM checkins c JOIN checkin_people l ON l.checkin_id = c.id "
        "JOIN people p ON p.id = l.person_id WHERE p.name = :name AND c.day BETWEEN :s AND :u",
        args,
    ).fetchone()
    theirs = (
        "SELECT r.* FROM ruptures r JOIN rupture_people rp ON rp.rupture_id = r.id "
        "JOIN people p ON p.id = rp.person_id WHERE p.name = :name AND r.day BETWEEN :s AND :u"
    )
    count, repaired, let_rest = conn.execute(
        f"SELECT count(*), count(repaired_on), "
        f"total(let_rest_on IS NOT NULL AND repaired_on IS NULL) FROM ({theirs})",
        args,
    ).fetchone()
    diffs = (
        f"SELECT julianday(repaired_on) - julianday(day) AS d FROM ({theirs}) "
        "WHERE repaired_on IS NOT NULL"
    )
    median = conn.execute(
        f"SELECT avg(d) FROM (SELECT d FROM ({diffs}) ORDER BY d "
        f"LIMIT 2 - (SELECT count(*) FROM ({diffs})) % 2 "
        f"OFFSET ((SELECT count(*) FROM ({diffs})) - 1) / 2)",
        args,
    ).fetchone()[0]
    steps = conn.execute(
        "SELECT " + ", ".join(f"total({key})" for key, _ in REPAIR_STEPS) + f" FROM ({theirs})",
        args,
    ).fetchone()
    return {
        "checkins": urges[0],
        "days": urges[1],
        "pursue": (urges[2], urges[3], int(urges[4]), urges[5]),
        "withdraw": (urges[6], urges[7], int(urges[8]), urges[9]),
        "ruptures": (count, repaired, int(let_rest), count - repaired - int(let_rest)),
        "median": median,
        "steps": {key: int(n) for (key, _), n in zip(REPAIR_STEPS, steps) if n},
    }


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < 1e-9


# --- generated data ------------------------------------------------------------------------

ratings = st.one_of(st.none(), st.integers(0, 5))
checkin_data = st.fixed_dictionaries(
    {
        "day": st.integers(0, 29),
        "mood": st.integers(1, 5),
        "regulation": ratings,
        "intensity": ratings,
        "pursue": ratings,
        "withdraw": ratings,
        "pursue_acted": st.sampled_from([None, 0, 1]),
        "withdraw_acted": st.sampled_from([None, 0, 1]),
        "paused": st.sampled_from([None, 0, 1]),
        "people": st.lists(st.sampled_from(PEOPLE), unique=True, max_size=2),
        "tags": st.lists(st.sampled_from(TAGS), unique=True, max_size=2),
        "emotions": st.lists(st.sampled_from(EMOTIONS), unique=True, max_size=2),
    }
)
rupture_data = st.fixed_dictionaries(
    {
        "day": st.integers(0, 29),
        "people": st.lists(st.sampled_from(PEOPLE), unique=True, min_size=1, max_size=2),
        "end": st.sampled_from(["open", "repaired", "let rest"]),
        "after": st.integers(0, 6),
        **{key: st.sampled_from([0, 1]) for key, _ in REPAIR_STEPS},
    }
)
log_data = st.fixed_dictionaries(
    {
        "day": st.integers(0, 29),
        "done": st.sampled_from([0, 1]),
        "before": ratings,
        "after": ratings,
    }
)


def _allowed(c: dict) -> dict:
    """A generated check-in as the model takes it: "acted on it" only with an urge."""
    c = dict(c)
    for urge in ("pursue", "withdraw"):
        if not c.get(urge) and c.get(f"{urge}_acted"):
            c[f"{urge}_acted"] = 0
    return c


def write(path: Path, checkins, ruptures, logs, cue: str | None = "urge") -> str:
    """Save the generated records; returns the experiment's id."""
    checkins = [_allowed(c) for c in checkins]
    with Store.open(path) as store:
        store.save_checkins(
            CheckIn.create(
                day=day(c["day"]),
                created_at=f"{day(c['day'])}T{9 + i % 12:02d}:00:00+00:00",
                **{k: v for k, v in c.items() if k != "day"},
            )
            for i, c in enumerate(checkins)
        )
        store.save_ruptures(
            Rupture.create(
                day=day(r["day"]),
                my_move="pursued",
                people=r["people"],
                repaired_on=day(min(29, r["day"] + r["after"])) if r["end"] == "repaired" else None,
                let_rest_on=day(min(29, r["day"] + r["after"])) if r["end"] == "let rest" else None,
                **{key: r[key] for key, _ in REPAIR_STEPS},
            )
            for r in ruptures
        )
        experiment = Experiment.create(
            title="Wait with the urge",
            practice="When the urge comes, wait 20 minutes.",
            started_on=day(5),
            ends_on=day(40),
            target_count=5,
            cue=cue,
        )
        store.save_experiment(experiment)
        store.save_practice_logs(
            PracticeLog.create(
                experiment_id=experiment.id,
                day=day(max(5, log["day"])),
                done=log["done"],
                distress_before=log["before"],
                distress_after=log["after"],
            )
            for log in logs
        )
    return experiment.id


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    checkins=st.lists(checkin_data, max_size=45),
    ruptures=st.lists(rupture_data, max_size=8),
    logs=st.lists(log_data, max_size=10),
    window=st.tuples(st.integers(0, 29), st.integers(0, 29)).map(sorted),
)
def test_every_figure_matches_plain_sql(checkins, ruptures, logs, window):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.db"
        experiment_id = write(path, checkins, ruptures, logs)
        since, until = day(window[0]), day(window[1])
        found = computed(path, since, until)
        conn = sqlite3.connect(path)
        try:
            check_comparisons(conn, found, since, until)
            check_people(conn, found, since, until)
            check_urge_experiment(conn, found, experiment_id, since, until)
        finally:
            conn.close()


def check_comparisons(conn, found: P.Patterns, since: str, until: str) -> None:
    by_key = {(c.kind, c.name, c.metric): c for c in found.comparisons}
    subjects = {(kind, name) for kind, name, _ in by_key}
    # Every name of the range is compared, and paused when a pause was answered.
    named = {
        (kind, n)
        for kind, (link, key, table) in NAME_SOURCES.items()
        for (n,) in conn.execute(
            f"SELECT DISTINCT n.name FROM {link} l JOIN {table} n ON n.id = l.{key} "
            "JOIN checkins c ON c.id = l.checkin_id WHERE c.day BETWEEN ? AND ?",
            [since, until],
        )
    }
    answered = conn.execute(
        "SELECT count(*) FROM checkins WHERE paused IS NOT NULL AND day BETWEEN ? AND ?",
        [since, until],
    ).fetchone()[0]
    assert subjects == named | ({("paused", "paused")} if answered else set())
    for kind, name in subjects:
        for metric in METRICS:
            c = by_key[(kind, name, metric)]
            (on_n, on_mean), (off_n, off_mean) = sql_with_without(
                conn, kind, name, metric, since, until
            )
            assert (c.with_.days, c.without.days) == (on_n, off_n), (kind, name, metric)
            assert close(c.with_.mean, on_mean) and close(c.without.mean, off_mean)
            assert c.enough == (on_n >= 3 and off_n >= 3)
    # Shown first, largest difference first; the rest after.
    shown = [c for c in found.comparisons if c.enough]
    assert list(found.comparisons[: len(shown)]) == shown
    gaps = [abs(c.difference or 0) for c in shown]
    assert gaps == sorted(gaps, reverse=True)
    assert (
        found.days_checked
        == conn.execute(
            "SELECT count(DISTINCT day) FROM checkins WHERE day BETWEEN ? AND ?", [since, until]
        ).fetchone()[0]
    )


def check_people(conn, found: P.Patterns, since: str, until: str) -> None:
    expected = {
        n
        for (n,) in conn.execute(
            "SELECT p.name FROM checkin_people l JOIN people p ON p.id = l.person_id "
            "JOIN checkins c ON c.id = l.checkin_id WHERE c.day BETWEEN :s AND :u "
            "UNION SELECT p.name FROM rupture_people rp JOIN people p ON p.id = rp.person_id "
            "JOIN ruptures r ON r.id = rp.rupture_id WHERE r.day BETWEEN :s AND :u",
            {"s": since, "u": until},
        )
    }
    assert {p.name for p in found.people} == expected
    for p in found.people:
        ref = sql_person(conn, p.name, since, until)
        assert (p.checkins, p.days) == (ref["checkins"], ref["days"])
        for urge, (mean, rated, acted, answered) in (
            (p.pursue, ref["pursue"]),
            (p.withdraw, ref["withdraw"]),
        ):
            assert close(urge.mean, mean)
            assert (urge.rated, urge.acted, urge.answered) == (rated, acted, answered)
        assert (p.ruptures, p.repaired, p.let_rest, p.still_open) == ref["ruptures"]
        assert close(p.median_days_to_repair, ref["median"])
        assert {key: times for key, _, times in p.repair_steps} == ref["steps"]
        times = [t for _, _, t in p.repair_steps]
        assert times == sorted(times, reverse=True)


def check_urge_experiment(conn, found: P.Patterns, experiment_id: str, since: str, until: str):
    start = max(since, day(5))
    if start > until:
        assert found.experiments == ()
        return
    (e,) = found.experiments
    before, after, n = conn.execute(
        "SELECT avg(distress_before), avg(distress_after), count(*) FROM practice_logs "
        "WHERE experiment_id = ? AND done = 1 AND distress_before IS NOT NULL "
        "AND distress_after IS NOT NULL AND day BETWEEN ? AND ?",
        [experiment_id, since, until],
    ).fetchone()
    assert e.distress_logs == n
    assert close(e.distress_before, before) and close(e.distress_after, after)
    sides = dict(
        (side, (n, mean))
        for side, n, mean in conn.execute(
            "SELECT day IN (SELECT day FROM practice_logs WHERE experiment_id = :e AND done = 1) "
            "AS side, count(v), avg(v) FROM (SELECT day, avg(regulation) AS v FROM checkins "
            "WHERE day BETWEEN :s AND :u GROUP BY day HAVING v IS NOT NULL) GROUP BY side",
            {"e": experiment_id, "s": start, "u": until},
        )
    )
    assert (e.days.practised_days, e.days.other_days) == (
        sides.get(1, (0, None))[0],
        sides.get(0, (0, None))[0],
    )
    assert close(e.days.practised_mean, sides.get(1, (0, None))[1])
    assert close(e.days.other_mean, sides.get(0, (0, None))[1])


# --- the thresholds, exactly ----------------------------------------------------------------


def _days_with(path: Path, with_sam: int, without: int, paused=None) -> None:
    with Store.open(path) as store:
        store.save_checkins(
            CheckIn.create(
                day=day(n),
                mood=3,
                regulation=1 if n < with_sam else 4,
                people=["Sam"] if n < with_sam else [],
                paused=None if paused is None else paused(n),
            )
            for n in range(with_sam + without)
        )


@pytest.mark.parametrize(
    ("with_sam", "without", "shown"),
    [(2, 5, False), (3, 5, True), (5, 2, False), (5, 3, True), (2, 2, False)],
)
def test_a_comparison_shows_only_with_three_days_on_each_side(db_path, with_sam, without, shown):
    _days_with(db_path, with_sam, without)
    found = computed(db_path, day(0), day(29))
    c = next(c for c in found.comparisons if c.name == "Sam" and c.metric == "regulation")
    assert (c.with_.days, c.without.days) == (with_sam, without)
    assert c.enough is shown
    text = "\n".join(t for _, t in found.paragraphs())
    sentence = (
        f"On the {with_sam} days with Sam, regulation averaged 1.0; "
        f"on the {without} days without, 4.0."
    )
    assert (sentence in text) is shown
    assert ("with Sam" in text) is shown  # nothing about Sam's days when not enough


def test_a_day_counts_once_whatever_its_check_ins(db_path):
    """Three check-ins on one day, one naming Sam: the day is with Sam, its value is
    the mean of all three; a day whose check-ins did not rate a scale is not counted."""
    with Store.open(db_path) as store:
        rows = [
            CheckIn.create(day=day(0), mood=3, regulation=0, people=["Sam"]),
            CheckIn.create(day=day(0), mood=3, regulation=3),
            CheckIn.create(day=day(0), mood=3, regulation=3),
            CheckIn.create(day=day(1), mood=3, people=["Sam"]),  # regulation unrated
        ]
        rows += [CheckIn.create(day=day(n), mood=3, regulation=5) for n in range(2, 6)]
        store.save_checkins(rows)
    found = computed(db_path, day(0), day(29))
    c = next(c for c in found.comparisons if c.name == "Sam" and c.metric == "regulation")
    assert (c.with_.days, c.with_.mean) == (1, 2.0)
    assert (c.without.days, c.without.mean) == (4, 5.0)
    mood = next(c for c in found.comparisons if c.name == "Sam" and c.metric == "mood")
    assert (mood.with_.days, mood.without.days) == (2, 4)


def test_paused_is_set_against_a_hard_moment_without_a_pause(db_path):
    """Days that paused against days that answered no; days with no hard moment
    (unanswered) are on neither side."""
    answers = {0: 1, 1: 1, 2: 1, 3: 0, 4: 0, 5: 0, 6: None, 7: None}
    with Store.open(db_path) as store:
        store.save_checkins(
            CheckIn.create(day=day(n), mood=3, regulation=n % 4, paused=a)
            for n, a in answers.items()
        )
        # A day that said no, then yes: it paused.
        store.save_checkins(
            [
                CheckIn.create(day=day(8), mood=3, regulation=2, paused=0),
                CheckIn.create(day=day(8), mood=3, regulation=4, paused=1),
            ]
        )
    found = computed(db_path, day(0), day(29))
    c = next(c for c in found.comparisons if c.kind == "paused" and c.metric == "regulation")
    assert (c.with_.days, c.without.days) == (4, 3)
    assert c.with_.mean == pytest.approx((0 + 1 + 2 + 3) / 4)
    assert c.without.mean == pytest.approx((3 + 0 + 1) / 3)
    assert c.words() == (
        "On the 4 days you paused, regulation averaged 1.5; on the 3 days you didn't "
        "(a hard moment, no pause), 1.3."
    )


def test_the_median_repair_and_let_rest(db_path):
    """Repaired after 0, 1, 2 and 9 days: a median of 1.5 (the mean would be 3); let
    rest is closed, not repaired, and is not in the median."""
    with Store.open(db_path) as store:
        store.save_ruptures(
            [
                *[
                    Rupture.create(
                        day=day(10), my_move="withdrew", people=["Sam"], repaired_on=day(10 + d)
                    )
                    for d in (0, 1, 2, 9)
                ],
                Rupture.create(
                    day=day(11),
                    my_move="pursued",
                    people=["Sam"],
                    let_rest_on=day(20),
                    acknowledged=1,
                ),
                Rupture.create(day=day(12), my_move="froze", people=["Sam", "Jo"], apologised=1),
            ]
        )
    found = computed(db_path, day(0), day(29))
    sam = next(p for p in found.people if p.name == "Sam")
    assert (sam.ruptures, sam.repaired, sam.let_rest, sam.still_open) == (6, 4, 1, 1)
    assert sam.median_days_to_repair == 1.5
    assert sam.rupture_words() == (
        "6 ruptures with them: 4 repaired, 1 let rest, 1 still open; a median of 1.5 days "
        "to repair."
    )
    jo = next(p for p in found.people if p.name == "Jo")
    assert jo.median_days_to_repair is None
    assert jo.repair_steps == (("apologised", "apologised", 1),)
    assert jo.lines()[0] == "Jo: not named in a check-in of this period."


def test_acted_on_is_yes_out_of_answered(db_path):
    with Store.open(db_path) as store:
        store.save_checkins(
            CheckIn.create(day=day(n), mood=3, pursue=4, pursue_acted=acted, people=["Sam"])
            for n, acted in enumerate([1, 0, 0, None, 1])
        )
    found = computed(db_path, day(0), day(29))
    (sam,) = found.people
    assert (sam.pursue.acted, sam.pursue.answered, sam.pursue.rated) == (2, 4, 5)
    assert sam.pursue.words("pursue") == (
        "The urge to pursue averaged 4.0 (5 check-ins rated it); you acted on it 2 of 4 times."
    )
    assert sam.withdraw.words("withdraw") == (
        "The urge to withdraw was not rated on these check-ins; whether you acted on it "
        "was not answered."
    )


def test_an_empty_cue_is_not_urge_cued(db_path):
    write(db_path, [], [], [], cue=None)
    assert computed(db_path, day(0), day(29)).experiments == ()
    other = db_path.with_name("planned.db")
    write(other, [], [], [], cue="planned")
    assert computed(other, day(0), day(29)).experiments == ()


def test_urge_cued_practice_says_it_falls_on_hard_days(db_path):
    checkins = [{"day": n, "mood": 3, "regulation": 1 if n % 2 else 4} for n in range(5, 25)]
    # Practised on the odd days: the hard ones.
    logs = [{"day": n, "done": 1, "before": 4, "after": 2} for n in range(5, 25, 2)]
    for c in checkins:
        for key in ("intensity", "pursue", "withdraw", "pursue_acted", "withdraw_acted"):
            c.setdefault(key, None)
        c.update(paused=None, people=[], tags=[], emotions=[])
    write(db_path, checkins, [], logs)
    found = computed(db_path, day(0), day(29))
    (e,) = found.experiments
    assert (e.distress_before, e.distress_after, e.distress_logs) == (4, 2, 10)
    text = [t for _, t in found.paragraphs()]
    first = text.index(
        '"Wait with the urge": distress averaged 4.0 before practising and 2.0 after '
        "(10 logs that rated both, 0 none to 5 extreme)."
    )
    assert text[first + 1] == (
        'On the 10 days you practised "Wait with the urge", regulation averaged 1.0; '
        "on the 10 days you didn't, 4.0."
    )
    assert text[first + 2] == P.URGE_CUED_WORDS


def test_one_person_only(db_path):
    _days_with(db_path, 4, 4)
    with Store.open(db_path) as store:
        store.save_checkins(
            [CheckIn.create(day=day(n), mood=2, tags=["work"], people=["Jo"]) for n in range(4)]
        )
    found = computed(db_path, day(0), day(29), person="Sam")
    assert {c.kind for c in found.comparisons} == {"person"}
    assert {c.name for c in found.comparisons} == {"Sam"}
    assert [p.name for p in found.people] == ["Sam"]
    assert found.experiments == ()
    # Every comparison about the one person is listed (no cap per subject).
    listed = [t for k, t in found.paragraphs() if t.startswith("On the ")]
    assert len(listed) == len(found.shown) == 2  # regulation and mood (the rest unrated)


def test_the_list_keeps_two_per_subject_and_says_what_is_left_out(db_path):
    with Store.open(db_path) as store:
        store.save_checkins(
            CheckIn.create(
                day=day(n),
                mood=1 if n < 4 else 5,
                regulation=0 if n < 4 else 5,
                intensity=5 if n < 4 else 0,
                pursue=5 if n < 4 else 0,
                withdraw=5 if n < 4 else 0,
                people=["Sam"] if n < 4 else [],
            )
            for n in range(10)
        )
    found = computed(db_path, day(0), day(29))
    listed = [t for _, t in found.paragraphs() if t.startswith("On the ")]
    assert len(found.shown) == 5 and len(listed) == 2
    assert any(t.startswith("Not listed: 3 more comparisons") for _, t in found.paragraphs())
    assert len([t for _, t in found.paragraphs(top=None) if t.startswith("On the ")]) == 5


def test_words_are_what_went_together_never_a_cause(db_path):
    _days_with(db_path, 4, 4)
    text = " ".join(t for _, t in computed(db_path, day(0), day(29)).paragraphs()).lower()
    for word in ("because", "caused", "made you", "leads to", "led to", "due to"):
        assert word not in text.replace("not what caused what", "")
    assert "what went together" in text


def test_no_check_ins(db_path):
    Store.open(db_path).close()
    found = computed(db_path, day(0), day(29))
    assert found.comparisons == () and found.people == ()
    text = [t for _, t in found.paragraphs()]
    assert "No check-ins in this period, so nothing to compare yet." in text


def test_find_person_ignores_case():
    assert P.find_person("sAM", ["Jo", "Sam"]) == "Sam"
    assert P.find_person("  sam ", ["Sam"]) == "Sam"
    assert P.find_person("Sal", ["Sam"]) is None
    assert P.find_person("ZOË", ["Zoë", "ZOË"]) == "ZOË"
