"""``tracker patterns`` as a whole command, in a subprocess: a simulated person whose
urges follow one person, checked against plain SQL; --json, --person and the refusals."""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3

import pytest

from tests.conftest import FROZEN_TODAY
from tracker.models import CheckIn, Rupture
from tracker.store import Store

WEEKS = 6


@pytest.fixture
def simulated(db_path):
    """Six weeks of someone whose urge to pursue follows Sam: on days with Sam the
    pursue urge is high and regulation low; other people, tags and emotions are
    noise, named at random whatever the day."""
    rng = random.Random(13)
    first = FROZEN_TODAY - dt.timedelta(weeks=WEEKS) + dt.timedelta(days=1)
    checkins = []
    for n in range(WEEKS * 7):
        date = first + dt.timedelta(days=n)
        if rng.random() < 0.15:
            continue  # a day without a check-in: a gap
        with_sam = rng.random() < 0.4
        for k in range(rng.choice([1, 1, 2])):
            pursue = rng.choice([4, 5]) if with_sam else rng.choice([0, 1, 2])
            checkins.append(
                CheckIn.create(
                    day=date.isoformat(),
                    created_at=f"{date}T{9 + 5 * k:02d}:00:00+00:00",
                    mood=rng.randint(2, 4),
                    regulation=rng.choice([0, 1, 2]) if with_sam else rng.choice([3, 4, 5]),
                    intensity=rng.randint(1, 4),
                    pursue=pursue,
                    pursue_acted=rng.choice([0, 1]) if pursue else 0,
                    withdraw=rng.randint(0, 2),
                    paused=rng.choice([None, 0, 1]),
                    people=(["Sam"] if with_sam and k == 0 else [])
                    + (["Jo"] if rng.random() < 0.3 else []),
                    tags=["work"] if rng.random() < 0.4 else [],
                    emotions=[rng.choice(["anxious", "calm", "tired"])],
                )
            )
    with Store.open(db_path) as store:
        store.save_checkins(checkins)
        store.save_ruptures(
            [
                Rupture.create(
                    day=(first + dt.timedelta(days=d)).isoformat(),
                    my_move="pursued",
                    people=["Sam"],
                    repaired_on=(first + dt.timedelta(days=d + after)).isoformat(),
                    acknowledged=1,
                    repair_attempt=after < 2,
                )
                for d, after in ((3, 0), (10, 1), (20, 4))
            ]
            + [
                Rupture.create(
                    day=(first + dt.timedelta(days=30)).isoformat(),
                    my_move="pursued",
                    people=["Sam"],
                )
            ]
        )
    return db_path


def sql_sides(db_path, metric: str) -> tuple[tuple[int, float], tuple[int, float]]:
    """My own SQL: the day's mean on days a check-in named Sam, and on the others."""
    conn = sqlite3.connect(db_path)
    try:
        rows = dict(
            (side, (n, mean))
            for side, n, mean in conn.execute(
                f"""
                SELECT day IN (SELECT c.day FROM checkins c
                               JOIN checkin_people cp ON cp.checkin_id = c.id
                               JOIN people p ON p.id = cp.person_id WHERE p.name = 'Sam')
                       AS with_sam, count(*), avg(v)
                FROM (SELECT day, avg({metric}) AS v FROM checkins GROUP BY day)
                WHERE v IS NOT NULL GROUP BY with_sam
                """
            )
        )
    finally:
        conn.close()
    return rows[1], rows[0]


def test_it_finds_the_person_the_urges_follow(simulated, run_tracker):
    result = run_tracker("patterns", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    shown = [c for c in data["with_without"] if c["shown"]]
    # The two largest differences are Sam's: the urge to pursue up, regulation down.
    top = {(c["kind"], c["name"], c["metric"]) for c in shown[:2]}
    assert top == {("person", "Sam", "pursue"), ("person", "Sam", "regulation")}
    for c in shown[:2]:
        (on_n, on_mean), (off_n, off_mean) = sql_sides(simulated, c["metric"])
        assert (c["with"]["days"], c["without"]["days"]) == (on_n, off_n)
        assert c["with"]["mean"] == pytest.approx(on_mean)
        assert c["without"]["mean"] == pytest.approx(off_mean)
    pursue = next(c for c in shown if c["metric"] == "pursue" and c["name"] == "Sam")
    assert pursue["with"]["mean"] >= 4 and pursue["without"]["mean"] <= 2
    sam = next(p for p in data["people"] if p["name"] == "Sam")
    assert sam["ruptures"]["count"] == 4
    assert sam["ruptures"]["repaired"] == 3 and sam["ruptures"]["open"] == 1
    assert sam["ruptures"]["median_days_to_repair"] == 1
    assert sam["ruptures"]["repair_steps"][0] == {
        "step": "acknowledged",
        "words": "acknowledged it",
        "times": 3,
    }

    text = run_tracker("patterns")
    assert text.returncode == 0, text.stderr
    (on_n, on_mean), (off_n, off_mean) = sql_sides(simulated, "regulation")
    sentence = (
        f"On the {on_n} days with Sam, regulation averaged {on_mean:.1f}; on the {off_n} "
        f"days without, {off_mean:.1f}."
    )
    assert sentence in " ".join(text.stdout.split())
    assert max(len(line) for line in text.stdout.splitlines()) <= 80
    for word in ("because", "caused by", "made you", "leads to"):
        assert word not in text.stdout


def test_json_is_stable_and_complete(simulated, run_tracker):
    first = run_tracker("patterns", "--json", "--since", "2026-10-20")
    second = run_tracker("patterns", "--json", "--since", "2026-10-20")
    assert first.returncode == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["period"]["since"] == "2026-10-20"
    assert data["period"]["until"] == FROZEN_TODAY.isoformat()
    assert data["min_days_each_side"] == 3
    assert set(data) >= {"with_without", "people", "urge_cued_experiments", "definitions"}
    for c in data["with_without"]:
        assert set(c) == {
            "kind",
            "name",
            "metric",
            "with",
            "without",
            "difference",
            "shown",
            "words",
        }
        assert set(c["with"]) == set(c["without"]) == {"days", "mean"}
        assert c["shown"] == (c["with"]["days"] >= 3 and c["without"]["days"] >= 3)
    kinds = {c["kind"] for c in data["with_without"]}
    assert kinds == {"person", "tag", "emotion", "paused"}


def test_one_person_any_case(simulated, run_tracker):
    result = run_tracker("patterns", "--person", "sAM", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["person"] == "Sam"
    assert {(c["kind"], c["name"]) for c in data["with_without"]} == {("person", "Sam")}
    assert [p["name"] for p in data["people"]] == ["Sam"]
    text = run_tracker("patterns", "--person", "sam")
    assert text.returncode == 0
    assert text.stdout.startswith("Patterns with Sam ·")
    assert "Jo:" not in text.stdout and "tagged" not in text.stdout


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("--person", "Sma"), ["--person", "'Sma'", "2 people", "Did you mean 'Sam'?"]),
        (("--person", "Nobody"), ["--person", "'Nobody'", "2 people"]),
        (("--person", " "), ["--person", "empty"]),
        (("--since", "2026-02-30"), ["--since", "'2026-02-30'", "YYYY-MM-DD"]),
        (("--since", "last week"), ["--since", "'last week'"]),
        (("--until", "2026-12-25"), ["--until", "today (2026-11-28)"]),
        (("--since", "2026-11-20", "--until", "2026-11-01"), ["--since", "after --until"]),
    ],
)
def test_bad_input_is_refused_by_name(simulated, run_tracker, args, names):
    result = run_tracker("patterns", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    for name in names:
        assert name in lines[0]


def test_an_unknown_name_in_an_empty_database(db_path, run_tracker):
    Store.open(db_path).close()
    result = run_tracker("patterns", "--person", "Sam")
    assert result.returncode == 2
    assert "no one is named" in result.stderr
    empty = run_tracker("patterns")
    assert empty.returncode == 0
    assert "No check-ins in this period" in empty.stdout


def test_a_missing_database_is_not_made(tmp_path, run_tracker):
    missing = tmp_path / "none.db"
    result = run_tracker("patterns", db=missing)
    assert result.returncode == 3
    assert not missing.exists()


def test_names_reach_the_terminal_without_control_codes(db_path, run_tracker):
    with Store.open(db_path) as store:
        store.save_checkins(
            CheckIn.create(
                day=(FROZEN_TODAY - dt.timedelta(days=n)).isoformat(),
                mood=3,
                regulation=1 if n < 3 else 4,
                people=["Sam\x1b]52;c;aGk=\x07"] if n < 3 else [],
            )
            for n in range(6)
        )
    result = run_tracker("patterns")
    assert result.returncode == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Sam^[]52;c;aGk=^G" in result.stdout
    as_json = run_tracker("patterns", "--json")
    assert "\x1b" not in as_json.stdout
    assert json.loads(as_json.stdout)["people"][0]["name"] == "Sam\x1b]52;c;aGk=\x07"


def test_the_report_has_the_patterns_of_its_period(simulated, run_tracker, tmp_path):
    result = run_tracker("report", "--since", "2026-10-18")
    assert result.returncode == 0, result.stderr
    report = result.stdout
    section = report[report.index("## Patterns") : report.index("## Named most often")]
    (on_n, on_mean), (off_n, off_mean) = sql_sides(simulated, "regulation")
    assert (
        f"- On the {on_n} days with Sam, regulation averaged {on_mean:.1f}; on the {off_n} "
        f"days without, {off_mean:.1f}."
    ) in section
    assert "not what caused what" in section
    assert "- **Sam: named in " in section
    assert "a median of 1 day to repair" in section
    listed = [line for line in section.splitlines() if line.startswith("- On the ")]
    assert 1 <= len(listed) <= 6
    out = tmp_path / "r.html"
    html = run_tracker("report", "--since", "2026-10-18", "--format", "html", "--out", str(out))
    assert html.returncode == 0, html.stderr
    page = out.read_text()
    assert "<h2>Patterns</h2>" in page and f"On the {on_n} days with Sam" in page


def test_the_report_shows_nothing_with_two_days_on_a_side(db_path, run_tracker):
    with Store.open(db_path) as store:
        store.save_checkins(
            CheckIn.create(
                day=(FROZEN_TODAY - dt.timedelta(days=n)).isoformat(),
                mood=3,
                regulation=1 if n < 2 else 4,
                people=["Sam"] if n < 2 else [],
            )
            for n in range(8)
        )
    report = run_tracker("report").stdout
    section = report[report.index("## Patterns") : report.index("## Named most often")]
    assert "days with Sam" not in section
    assert "Nothing to compare yet" in section
