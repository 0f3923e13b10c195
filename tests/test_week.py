"""The week as a diary card and the hard moments: a hand-computed fixture, and the same
figures from plain SQL written here (never through the code under test)."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from tracker import week, weekcard
from tracker.demo import generate
from tracker.models import CheckIn, Experiment, PracticeLog, Rupture
from tracker.store import Store
from tracker.week import PAUSED_NO, PAUSED_NONE, PAUSED_YES

MONDAY = dt.date(2026, 11, 16)
TODAY = dt.date(2026, 11, 28)


def at(day: str, hour: int, **values) -> CheckIn:
    return CheckIn.create(day=day, created_at=f"{day}T{hour:02d}:00:00+01:00", **values)


@pytest.fixture
def diary(store):
    """One week (Mon 16 to Sun 22 Nov 2026) worked out by hand, and the week before."""
    store.save_checkins(
        [
            # Mon 16: two check-ins.
            at(
                "2026-11-16",
                8,
                mood=2,
                intensity=4,
                regulation=1,
                pursue=4,
                pursue_acted=1,
                withdraw=1,
                paused=0,
                emotions=["anxious", "lonely"],
            ),
            at(
                "2026-11-16",
                20,
                mood=5,
                intensity=2,
                regulation=4,
                pursue=1,
                pursue_acted=0,
                withdraw=0,
                paused=1,
                emotions=["anxious"],
            ),
            # Tue 17: no check-in (a rupture, though).
            # Wed 18: mood only.
            at("2026-11-18", 9, mood=3, emotions=["calm"]),
            # Thu 19: two check-ins, both hard moments.
            at(
                "2026-11-19",
                9,
                mood=4,
                intensity=1,
                regulation=3,
                pursue=0,
                withdraw=3,
                withdraw_acted=0,
                emotions=["hurt", "calm"],
            ),
            at(
                "2026-11-19",
                22,
                mood=2,
                intensity=5,
                regulation=1,
                withdraw=5,
                withdraw_acted=1,
                paused=0,
                emotions=["hurt"],
            ),
            # Fri 20
            at("2026-11-20", 18, mood=1, regulation=0, pursue=3, pursue_acted=0, paused=1),
            # Sat 21: no check-in (a practice log not done).
            # Sun 22
            at("2026-11-22", 10, mood=4, regulation=5, pursue=2, paused=0),
            # The week before: three hard moments.
            at("2026-11-10", 9, mood=2, pursue=5, pursue_acted=1, paused=0),
            at("2026-11-12", 9, mood=3, pursue=3, pursue_acted=1, paused=1),
            at("2026-11-14", 9, mood=3, withdraw=4, withdraw_acted=1, paused=1),
            at("2026-11-15", 9, mood=4, pursue=1),
        ]
    )
    store.save_rupture(
        Rupture.create(day="2026-11-17", my_move="withdrew", repaired_on="2026-11-19")
    )
    experiment = store.save_experiment(
        Experiment.create(
            title="Pause",
            practice="Breathe first",
            days=30,
            target_count=10,
            started_on="2026-11-01",
        )
    )
    store.save_practice_log(
        PracticeLog.create(experiment_id=experiment.id, day="2026-11-19", done=1)
    )
    store.save_practice_log(
        PracticeLog.create(experiment_id=experiment.id, day="2026-11-21", done=0)
    )
    return store


def test_the_week_grid_matches_the_hand_computed_week(diary):
    (grid,) = weekcard.load_weeks(diary, [MONDAY], TODAY)
    mon, tue, wed, thu, fri, sat, sun = grid.days
    assert [d.day for d in grid.days][0] == MONDAY and sun.day == dt.date(2026, 11, 22)
    # The peak of intensity and the urges, the mean of mood and regulation.
    assert (mon.checkins, mon.mood, mon.intensity, mon.regulation) == (2, 3.5, 4, 2.5)
    assert (mon.pursue, mon.pursue_acted, mon.withdraw, mon.withdraw_acted) == (4, True, 1, None)
    assert mon.paused == PAUSED_YES and mon.emotion == "anxious"
    # A gap is a gap: nothing rated, but its rupture is counted.
    assert tue.gap and tue.mood is None and tue.pursue is None and tue.paused is None
    assert tue.ruptures == 1 and tue.repairs == 0 and tue.emotion is None
    assert (wed.mood, wed.intensity, wed.regulation, wed.paused) == (3, None, None, PAUSED_NONE)
    assert (thu.mood, thu.intensity, thu.regulation) == (3, 5, 2)
    assert (thu.pursue, thu.pursue_acted, thu.withdraw, thu.withdraw_acted) == (0, None, 5, True)
    assert thu.paused == PAUSED_NO and thu.repairs == 1 and thu.practice_done == 1
    assert thu.emotion == "hurt"
    assert (fri.pursue, fri.pursue_acted, fri.paused) == (3, False, PAUSED_YES)
    assert sat.gap and sat.practice_done == 0 and sat.practice_logged == 1
    assert sun.paused == PAUSED_NO and not any(d.future for d in grid.days)
    assert grid.checked == 5


def test_the_hard_moments_match_the_hand_computed_counts(diary):
    current, previous = weekcard.load_hard_moments(diary, MONDAY, MONDAY + dt.timedelta(days=6))
    assert (current.checkins, current.moments) == (7, 4)  # Mon 8h, Thu 9h, Thu 22h, Fri
    assert (current.paused, current.not_paused, current.unanswered) == (1, 2, 1)
    assert (current.acted_pursue, current.acted_withdraw) == (1, 1)
    assert previous is not None
    assert (previous.checkins, previous.moments) == (4, 3)
    assert (previous.acted_pursue, previous.acted_withdraw) == (2, 1)
    words = week.hard_moments_words(current, previous, "In the week of 16 Nov", "the week before")
    assert words == (
        "In the week of 16 Nov, 4 of your 7 check-ins had an urge of 3 or more. You paused "
        "in 1 of them and said you didn't in 2. One left the question open. You acted on "
        "the urge to pursue 1 time and on the urge to withdraw 1 time, against 2 and 1 in "
        "the week before (3 hard moments then)."
    )


SQL_DAYS = """
SELECT day, count(*), avg(mood), max(intensity), avg(regulation), max(pursue),
       max(pursue_acted), max(withdraw), max(withdraw_acted), max(paused)
FROM checkins WHERE day BETWEEN ? AND ? GROUP BY day
"""
SQL_EMOTION = """
SELECT c.day, e.name, count(*) AS n FROM checkin_emotions ce
JOIN emotions e ON e.id = ce.emotion_id JOIN checkins c ON c.id = ce.checkin_id
WHERE c.day BETWEEN ? AND ? GROUP BY c.day, e.id ORDER BY c.day, n DESC, e.name COLLATE NOCASE
"""
SQL_HARD = """
SELECT count(*), coalesce(sum(paused = 1), 0), coalesce(sum(paused = 0), 0),
       coalesce(sum(paused IS NULL), 0), coalesce(sum(pursue_acted = 1), 0),
       coalesce(sum(withdraw_acted = 1), 0)
FROM checkins WHERE day BETWEEN ? AND ? AND (pursue >= 3 OR withdraw >= 3)
"""


def grid_by_sql(path, start: dt.date) -> dict[str, tuple]:
    """Each day of the week from plain SQL, in the grid's terms."""
    end = start + dt.timedelta(days=6)
    lo, hi = start.isoformat(), end.isoformat()
    conn = sqlite3.connect(path)
    try:
        days = {r[0]: r for r in conn.execute(SQL_DAYS, [lo, hi])}
        emotion: dict[str, str] = {}
        for day, name, _ in conn.execute(SQL_EMOTION, [lo, hi]):
            emotion.setdefault(day, name)
        ruptures = dict(
            conn.execute(
                "SELECT day, count(*) FROM ruptures WHERE day BETWEEN ? AND ? GROUP BY day",
                [lo, hi],
            )
        )
        repairs = dict(
            conn.execute(
                "SELECT repaired_on, count(*) FROM ruptures WHERE repaired_on BETWEEN ? AND ? "
                "GROUP BY repaired_on",
                [lo, hi],
            )
        )
        practice = {
            r[0]: (r[1], r[2])
            for r in conn.execute(
                "SELECT day, sum(done), count(*) FROM practice_logs WHERE day BETWEEN ? AND ? "
                "GROUP BY day",
                [lo, hi],
            )
        }
    finally:
        conn.close()
    out = {}
    for offset in range(7):
        day = (start + dt.timedelta(days=offset)).isoformat()
        row = days.get(day)
        flags = {None: None, 0: False, 1: True}
        paused = {None: PAUSED_NONE, 0: PAUSED_NO, 1: PAUSED_YES}
        ratings = (
            (None,) * 9
            if row is None
            else (
                row[2],
                row[3],
                row[4],
                row[5],
                flags[row[6]],
                row[7],
                flags[row[8]],
                paused[row[9]],
                emotion.get(day),
            )
        )
        out[day] = (
            0 if row is None else row[1],
            *ratings,
            ruptures.get(day, 0),
            repairs.get(day, 0),
            *practice.get(day, (0, 0)),
        )
    return out


def rounded(days: dict[str, tuple]) -> dict[str, tuple]:
    """Means compared to 9 decimals (SQL and Python may sum in another order)."""
    return {
        day: tuple(round(v, 9) if isinstance(v, float) else v for v in values)
        for day, values in days.items()
    }


def grid_by_code(grid: week.WeekGrid) -> dict[str, tuple]:
    return {
        d.day.isoformat(): (
            d.checkins,
            d.mood,
            d.intensity,
            d.regulation,
            d.pursue,
            d.pursue_acted,
            d.withdraw,
            d.withdraw_acted,
            d.paused,
            d.emotion,
            d.ruptures,
            d.repairs,
            d.practice_done,
            d.practice_logged,
        )
        for d in grid.days
    }


def hard_by_sql(path, since: dt.date, until: dt.date) -> tuple:
    conn = sqlite3.connect(path)
    try:
        total = conn.execute(
            "SELECT count(*) FROM checkins WHERE day BETWEEN ? AND ?",
            [since.isoformat(), until.isoformat()],
        ).fetchone()[0]
        return (total, *conn.execute(SQL_HARD, [since.isoformat(), until.isoformat()]).fetchone())
    finally:
        conn.close()


def hard_by_code(m: week.HardMoments) -> tuple:
    return (
        m.checkins,
        m.moments,
        m.paused,
        m.not_paused,
        m.unanswered,
        m.acted_pursue,
        m.acted_withdraw,
    )


def test_the_fixture_week_matches_plain_sql(diary, db_path):
    (grid,) = weekcard.load_weeks(diary, [MONDAY], TODAY)
    assert rounded(grid_by_code(grid)) == rounded(grid_by_sql(db_path, MONDAY))
    end = MONDAY + dt.timedelta(days=6)
    assert hard_by_code(week.hard_moments(diary.urge_answers(), MONDAY, end)) == hard_by_sql(
        db_path, MONDAY, end
    )


def test_a_year_of_demo_weeks_matches_plain_sql(tmp_path):
    path = tmp_path / "demo.db"
    with Store.open(path) as store:
        generate(store, years=1, seed=7)
        starts = week.week_starts(TODAY, 52)
        grids = weekcard.load_weeks(store, starts, TODAY)
        rows = store.urge_answers()
    for grid in grids:
        assert rounded(grid_by_code(grid)) == rounded(grid_by_sql(path, grid.start)), grid.start
    checked = 0
    for start in starts:
        for since, until in (
            (start, start + dt.timedelta(days=6)),
            (start, start + dt.timedelta(days=29)),
        ):
            counted = hard_by_code(week.hard_moments(rows, since, until))
            assert counted == hard_by_sql(path, since, until)
            checked += counted[1]
    assert checked > 0  # the demo has hard moments to count


def test_weeks_start_on_monday():
    assert week.week_start(dt.date(2026, 11, 28)) == dt.date(2026, 11, 23)  # a Saturday
    assert week.week_start(dt.date(2026, 11, 23)) == dt.date(2026, 11, 23)
    assert week.week_start(dt.date(2026, 11, 29)) == dt.date(2026, 11, 23)  # a Sunday
    assert week.week_starts(dt.date(2026, 11, 28), 3) == [
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 23),
    ]


def test_days_after_today_are_future_gaps(store):
    (grid,) = weekcard.load_weeks(store, [dt.date(2026, 11, 23)], TODAY)
    assert [d.future for d in grid.days] == [False] * 6 + [True]
    assert all(d.gap for d in grid.days)


@pytest.mark.parametrize(
    "moments, expected",
    [
        (0, "In May, none of your 5 check-ins had an urge of 3 or more (0 hard moments)."),
        (
            2,
            "In May, 2 of your 5 check-ins had an urge of 3 or more: "
            "too few to say more (that needs at least 3, so that one or two moments are not "
            "made to look like a pattern).",
        ),
    ],
)
def test_below_three_hard_moments_only_the_count_is_said(moments, expected):
    rows = [
        {
            "day": "2026-05-0" + str(n + 1),
            "pursue": 4 if n < moments else 0,
            "withdraw": 0,
            "pursue_acted": 1,
            "withdraw_acted": None,
            "paused": 1,
        }
        for n in range(5)
    ]
    current = week.hard_moments(rows, dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert current.moments == moments
    words = week.hard_moments_words(current, None, "In May")
    assert words == expected
    assert "paused" not in words and "acted" not in words


def test_a_period_before_with_too_few_is_not_compared():
    def rows(days, hard):
        return [
            {
                "day": d,
                "pursue": 4 if n < hard else 0,
                "withdraw": None,
                "pursue_acted": 1,
                "withdraw_acted": None,
                "paused": 0,
            }
            for n, d in enumerate(days)
        ]

    now = week.hard_moments(
        rows([f"2026-05-1{n}" for n in range(4)], 4), dt.date(2026, 5, 10), dt.date(2026, 5, 16)
    )
    before = week.hard_moments(
        rows(["2026-05-04", "2026-05-05"], 1), dt.date(2026, 5, 3), dt.date(2026, 5, 9)
    )
    words = week.hard_moments_words(now, before, "This week", "the week before")
    assert words.endswith("(The week before had 1 hard moment: too few to compare with.)")
    assert "against" not in words
    assert "said you didn't in 4" in words


def test_the_text_grid_reads_without_colour(diary):
    (grid,) = weekcard.load_weeks(diary, [MONDAY], TODAY)
    lines = [weekcard.plain(line) for line in weekcard.grid_lines(grid, TODAY, 20)]
    assert lines[0] == "Mon 16 Nov to Sun 22 Nov 2026 · 5 of 7 days"
    assert lines[1] == "Day    Mood Int Reg Pur Wdr Paused Rupt Prac Emotion"
    assert lines[2] == "Mon 16  3.5   4 2.5  4*  1  yes              anxious"
    assert lines[3] == "Tue 17                             x         no check-in"
    assert lines[4] == "Wed 18    3   –   –  –   –  –                calm"
    assert lines[5] == "Thu 19    3   5   2  0   5* no     +    ✓    hurt"
    assert lines[6] == "Fri 20    1   –   0  3   –  yes"
    assert lines[7] == "Sat 21                                  -    no check-in"
    width = weekcard.grid_width(20)
    assert all(
        len("".join(t for t, _ in line)) == width for line in weekcard.grid_lines(grid, TODAY, 20)
    )
    coloured = [weekcard.ansi(line, True) for line in weekcard.grid_lines(grid, TODAY, 20)]
    assert "\x1b[" in "".join(coloured)
    from tracker.charts import strip_ansi

    assert [strip_ansi(line) for line in coloured] == lines


def test_the_markdown_table_escapes_marks_and_names(store):
    store.save_checkin(at("2026-11-23", 9, mood=3, pursue=4, pursue_acted=1, emotions=["a*b_c"]))
    (grid,) = weekcard.load_weeks(store, [dt.date(2026, 11, 23)], TODAY)
    table = weekcard.markdown_table(grid, TODAY)
    assert table[2] == "| Mon 23 | 3 | – | – | 4\\* | – | – |  |  | a\\*b_c |"
    assert table[-2] == "| Sat 28 |  |  |  |  |  |  |  |  | *not yet* |"
    assert table[-1] == "| Sun 29 |  |  |  |  |  |  |  |  |  |"


def test_the_urges_chart_marks_the_days_you_acted(diary):
    from tracker import charts

    since = MONDAY
    until = MONDAY + dt.timedelta(days=6)
    rows = diary.daily_means(
        since=(since - dt.timedelta(days=6)).isoformat(), until=until.isoformat()
    )
    chart = charts.urges_chart(rows, since, until)
    marks = {line.marker: line.values for line in chart.lines if line.kind == "marks"}
    # Pursue acted on Monday only (Friday's answer was no); withdraw on Thursday.
    assert marks[charts.MARK_PURSUE_ACTED] == (2.5, None, None, None, None, None, None)
    assert marks[charts.MARK_WITHDRAW_ACTED] == (None, None, None, 4.0, None, None, None)
    text = charts.render(chart, 80, 18, color=False)
    assert "▲ acted on pursue" in text and "▼ acted on withdraw" in text
    plot = text.split("▲ acted")[0]
    assert plot.count(charts.MARK_PURSUE_ACTED) == 1 and plot.count(charts.MARK_WITHDRAW_ACTED) == 1


def test_a_chart_without_acted_days_has_no_acted_marks(store):
    from tracker import charts

    store.save_checkin(at("2026-11-27", 9, mood=3, pursue=4, pursue_acted=0))
    rows = store.daily_means()
    chart = charts.urges_chart(rows, dt.date(2026, 11, 22), TODAY)
    assert [line.kind for line in chart.lines] == ["line", "dotted"]
    assert "acted" not in charts.render(chart, 80, 18, color=False)


# --- tracker week ----------------------------------------------------------------------


def test_week_json_is_the_same_grid_with_gaps_as_null(diary, run_tracker):
    result = run_tracker("week", "--date", "2026-11-20", "--json", check=True)
    import json

    payload = json.loads(result.stdout)
    (shown,) = payload["weeks"]
    assert (shown["start"], shown["end"], shown["days_checked"]) == ("2026-11-16", "2026-11-22", 5)
    (grid,) = weekcard.load_weeks(diary, [MONDAY], TODAY)
    assert shown["days"] == [d.as_json() for d in grid.days]
    mon, tue = shown["days"][:2]
    assert mon == {
        "day": "2026-11-16",
        "weekday": "Mon",
        "checkins": 2,
        "mood": 3.5,
        "intensity": 4,
        "regulation": 2.5,
        "pursue": 4,
        "pursue_acted": True,
        "withdraw": 1,
        "withdraw_acted": None,
        "paused": "yes",
        "ruptures": 0,
        "repairs": 0,
        "practice_done": 0,
        "practice_logged": 0,
        "emotion": "anxious",
        "future": False,
    }
    assert tue["checkins"] == 0 and tue["ruptures"] == 1
    assert all(
        tue[k] is None
        for k in ("mood", "intensity", "regulation", "pursue", "withdraw", "paused", "emotion")
    )
    moments = payload["hard_moments"]
    assert (moments["hard_moments"], moments["paused"], moments["acted_on_pursue"]) == (4, 1, 1)
    assert moments["before"]["hard_moments"] == 3
    assert moments["words"].startswith("In the week of Mon 16 Nov 2026, 4 of your 7 check-ins")
    assert payload["definitions"]["week_starts"] == "Monday"


def test_week_prints_the_grids_oldest_first_without_colour_when_piped(diary, run_tracker):
    result = run_tracker("week", "--weeks", "3", check=True)
    out = result.stdout
    assert "\x1b" not in out
    titles = [line for line in out.splitlines() if " · " in line and "of 7 days" in line]
    assert titles == [
        "Mon 9 Nov to Sun 15 Nov 2026 · 4 of 7 days",
        "Mon 16 Nov to Sun 22 Nov 2026 · 5 of 7 days",
        "Mon 23 Nov to Sun 29 Nov 2026 · 0 of 7 days",
    ]
    assert "Mon 16  3.5   4 2.5  4*  1  yes              anxious" in out
    assert "* acted on the urge" in out and "Weeks start on Monday." in out
    assert "In these 3 weeks (9 Nov 2026 to 28 Nov 2026), 7 of your 11 check-ins" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    coloured = run_tracker("week", "--color", check=True)
    assert "\x1b[" in coloured.stdout


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the real ``tracker`` with its output on a pseudo-terminal; what it wrote."""
    import os
    import pty
    import subprocess

    from tests.conftest import tracker_executable

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [tracker_executable(), *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            env={**os.environ, **env},
            timeout=60,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: all was read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert proc.returncode == 0, proc.stderr
    return b"".join(chunks).decode()


def test_week_colours_a_terminal_unless_no_color_is_set(diary, db_path):
    env = {"TRACKER_TODAY": TODAY.isoformat()}
    shown = _on_a_terminal(["--db", str(db_path), "week", "--date", "2026-11-20"], env)
    assert "\x1b[" in shown and "Mon 16" in shown
    plain = _on_a_terminal(
        ["--db", str(db_path), "week", "--date", "2026-11-20"], {**env, "NO_COLOR": "1"}
    )
    assert "\x1b[" not in plain and "Mon 16" in plain


@pytest.mark.parametrize(
    "args, says",
    [
        (["--date", "2026-13-01"], "--date: '2026-13-01' is not allowed"),
        (["--date", "yesterday"], "--date: 'yesterday' is not allowed"),
        (["--date", "2026-12-01"], "today (2026-11-28) or an earlier day"),
        (["--weeks", "0"], "--weeks: '0' is not allowed; use a whole number from 1 to 52."),
        (["--weeks", "53"], "--weeks: '53' is not allowed"),
        (["--weeks", "two"], "--weeks: 'two' is not allowed"),
        (["--weeks", "-1"], "--weeks: '-1' is not allowed"),
    ],
)
def test_week_refuses_bad_input_in_one_line(diary, run_tracker, args, says):
    result = run_tracker("week", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and says in lines[0]


def test_week_never_creates_a_missing_database(run_tracker, tmp_path):
    missing = tmp_path / "nowhere" / "tracker.db"
    for args in (["week"], ["week", "--json"]):
        result = run_tracker(*args, db=missing)
        assert result.returncode == 3, result.stderr
        assert "Traceback" not in result.stderr
    assert not missing.exists() and not missing.parent.exists()


# --- the report -----------------------------------------------------------------------


def test_the_report_opens_with_the_weeks_and_the_hard_moments(diary):
    from tracker.report import build_report, hard_moments_section, week_section

    until = MONDAY + dt.timedelta(days=6)
    text = build_report(diary, MONDAY, until)
    assert (
        text.index("## The week, as a diary card")
        < text.index("## Hard moments")
        < text.index("## At a glance")
    )
    lines = text.splitlines()
    assert "### Mon 16 Nov to Sun 22 Nov 2026 · 5 of 7 days" in lines
    assert "| Mon 16 | 3.5 | 4 | 2.5 | 4\\* | 1 | yes |  |  | anxious |" in lines
    assert "| Tue 17 |  |  |  |  |  |  | x |  | *no check-in* |" in lines
    assert "From Sun 15 Nov 2026" not in text
    assert (
        "From Mon 16 Nov 2026 to Sun 22 Nov 2026, 4 of your 7 check-ins had an urge of 3 or more."
    ) in text
    assert "against 2 and 1 in the 7 days before (3 hard moments then)." in text
    # A period across two weeks shows both, oldest first.
    two = week_section(diary, dt.date(2026, 11, 12), dt.date(2026, 11, 18))
    titles = [line for line in two if line.startswith("### ")]
    assert titles == [
        "### Mon 9 Nov to Sun 15 Nov 2026 · 4 of 7 days",
        "### Mon 16 Nov to Sun 22 Nov 2026 · 5 of 7 days",
    ]
    few = hard_moments_section(diary, dt.date(2026, 11, 20), dt.date(2026, 11, 21))
    assert "1 of your 1 check-in had" in few[2] and "too few to say more" in few[2]
