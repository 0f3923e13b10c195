"""Analytics against values worked out by hand, and against the database itself."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FROZEN_TODAY
from tracker import analytics, charts
from tracker.analytics import RuptureDates, Snapshot
from tracker.daytable import DayTable
from tracker.models import CheckIn, Experiment, PracticeLog, Rupture
from tracker.report import load_snapshot
from tracker.store import Store


def day(n: int) -> str:
    """The ISO day ``n`` days before the frozen today (0 = today)."""
    return (FROZEN_TODAY - dt.timedelta(days=n)).isoformat()


def rows(**values: float | None) -> list[dict]:
    """Per-day rows from keyword pairs like d3=2.0 (3 days ago, regulation 2.0)."""
    return [{"day": day(int(k[1:])), "n": 1, "regulation": v} for k, v in values.items()]


# --- rolling means across missing days ---------------------------------------------


def test_rolling_mean_skips_missing_days_and_breaks_only_after_an_empty_window():
    values = [1.0, None, 3.0, None, None, None, None, None, 5.0]
    # window 3: [1] [1,-] [1,-,3] [-,3,-] [3,-,-] [-,-,-] [-,-,-] [-,-,-] [-,-,5]
    assert analytics.rolling_mean(values, 3) == [1.0, 1.0, 2.0, 3.0, 3.0, None, None, None, 5.0]


def test_seven_day_rolling_mean_looks_back_before_the_range():
    # Ten days ago 1, nine days ago 2 (before the range), then 4 and 5 inside it.
    data = rows(d10=1.0, d9=2.0, d3=4.0, d0=5.0)
    since = FROZEN_TODAY - dt.timedelta(days=4)
    daily, rolled = analytics.series_with_rolling(data, "regulation", since, FROZEN_TODAY)
    assert daily == [None, 4.0, None, None, 5.0]
    # Day -4: window -10..-4 holds 1 and 2 -> 1.5. Day -3: -9..-3 holds 2 and 4 -> 3.0.
    # Day -2: -8..-2 holds 4 -> 4.0. Day -1: 4.0. Day 0: -6..0 holds 4 and 5 -> 4.5.
    assert rolled == [1.5, 3.0, 4.0, 4.0, 4.5]


def test_rolling_mean_is_none_where_a_whole_week_has_no_data():
    data = rows(d20=3.0, d0=1.0)
    since = FROZEN_TODAY - dt.timedelta(days=14)
    _, rolled = analytics.series_with_rolling(data, "regulation", since, FROZEN_TODAY)
    # Day -14: window -20..-14 holds the 3.0. Days -13 .. -1: nothing within 7 days.
    assert rolled[0] == 3.0
    assert rolled[1:14] == [None] * 13
    assert rolled[14] == 1.0


# --- several check-ins a day -----------------------------------------------------------


def checkin(d: str, hour: int, **ratings) -> CheckIn:
    return CheckIn.create(day=d, created_at=f"{d}T{hour:02d}:00:00+00:00", **ratings)


def test_several_checkins_on_one_day_are_averaged_in_sql_and_in_python(store):
    today = day(0)
    items = [
        checkin(today, 8, mood=2, regulation=1),
        checkin(today, 13, mood=3, regulation=None),  # regulation not rated: not a zero
        checkin(today, 21, mood=5, regulation=4),
        checkin(day(1), 9, mood=4, regulation=3),
    ]
    store.save_checkins(items)
    by_day = {r["day"]: r for r in store.daily_means()}
    assert by_day[today]["n"] == 3
    assert by_day[today]["mood"] == pytest.approx(10 / 3)
    assert by_day[today]["regulation"] == pytest.approx(2.5)  # (1 + 4) / 2
    in_python = {r["day"]: r for r in analytics.daily_means_from_checkins(items)}
    assert in_python[today]["regulation"] == pytest.approx(2.5)
    assert in_python[today]["mood"] == pytest.approx(10 / 3)
    # The average over the range counts each day once: (2.5 + 3) / 2, not (1+4+3) / 3.
    assert analytics.range_average(
        list(by_day.values()), "regulation", FROZEN_TODAY - dt.timedelta(days=1), FROZEN_TODAY
    ) == (2.75, 2)


# --- empty range and one-day range -------------------------------------------------------


def empty_snapshot() -> Snapshot:
    return Snapshot(today=FROZEN_TODAY, rows=[], ruptures=[], experiments=[], logs=[], practised={})


def test_an_empty_range_has_gaps_and_no_averages():
    since = FROZEN_TODAY - dt.timedelta(days=6)
    daily, rolled = analytics.series_with_rolling([], "mood", since, FROZEN_TODAY)
    assert daily == [None] * 7 and rolled == [None] * 7
    assert analytics.downsample(daily, 3) == [None, None, None]
    insights = analytics.range_insights(empty_snapshot(), since, FROZEN_TODAY)
    assert insights.days == 7 and insights.days_checked == 0 and insights.checkins == 0
    assert insights.previous is None
    assert all(a.current is None and a.current_days == 0 for a in insights.averages)
    assert insights.ruptures.count == 0 and insights.ruptures.median_days is None
    assert insights.comparison_words()[0] == "Regulation: not rated in this range."


def test_a_one_day_range():
    data = [
        {"day": day(0), "n": 2, "regulation": 3.5, "mood": 4.0},
        {"day": day(1), "n": 1, "regulation": 2.0, "mood": 3.0},
    ]
    snap = Snapshot(
        today=FROZEN_TODAY, rows=data, ruptures=[], experiments=[], logs=[], practised={}
    )
    assert analytics.previous_range(FROZEN_TODAY, FROZEN_TODAY) == (
        FROZEN_TODAY - dt.timedelta(days=1),
        FROZEN_TODAY - dt.timedelta(days=1),
    )
    daily, rolled = analytics.series_with_rolling(data, "regulation", FROZEN_TODAY, FROZEN_TODAY)
    assert daily == [3.5]
    assert rolled == [pytest.approx(2.75)]  # yesterday is inside today's 7-day window
    insights = analytics.range_insights(snap, FROZEN_TODAY, FROZEN_TODAY)
    assert (insights.days, insights.days_checked, insights.checkins) == (1, 1, 2)
    regulation = insights.averages[0]
    assert (regulation.current, regulation.previous) == (3.5, 2.0)
    assert regulation.words("the day before") == (
        "Regulation averaged 3.5, up from 2.0 in the day before."
    )
    assert insights.consistency_words() == "You checked in on this day (2 check-ins)."


def test_comparison_with_the_range_before_is_plain_and_neutral():
    data = rows(d0=2.0, d1=3.0, d2=None, d3=4.0, d5=5.0)
    snap = Snapshot(
        today=FROZEN_TODAY, rows=data, ruptures=[], experiments=[], logs=[], practised={}
    )
    since = FROZEN_TODAY - dt.timedelta(days=2)
    insights = analytics.range_insights(snap, since, FROZEN_TODAY)
    regulation = insights.averages[0]
    # This range (days -2..0): 2 and 3 -> 2.5 over 2 days; before (-5..-3): 4 and 5 -> 4.5.
    assert (regulation.current, regulation.current_days) == (2.5, 2)
    assert (regulation.previous, regulation.previous_days) == (4.5, 2)
    assert insights.comparison_words()[0] == (
        "Regulation averaged 2.5, down from 4.5 in the 3 days before."
    )


# --- downsampling ----------------------------------------------------------------------------


def test_downsampling_takes_bucket_means_of_the_days_with_data():
    values = [1.0, 2.0, 3.0, 4.0, None, None, 7.0]
    # 7 values into 3 buckets: [0:2] [2:4] [4:7]
    assert analytics.bucket_bounds(7, 3) == [(0, 2), (2, 4), (4, 7)]
    assert analytics.downsample(values, 3) == [1.5, 3.5, 7.0]
    assert analytics.downsample(values, 10) == values
    assert analytics.downsample([None, None, None, None], 2) == [None, None]


# --- practised versus not ---------------------------------------------------------------------


def experiment(started: str, ends: str, **extra) -> Experiment:
    return Experiment.create(
        title="Three breaths",
        practice="Breathe before replying",
        started_on=started,
        ends_on=ends,
        target_count=5,
        **extra,
    )


def test_practised_versus_not_by_hand():
    exp = experiment(day(9), day(0))
    regulation = {
        day(12): 5.0,  # before the experiment: ignored
        day(9): 4.0,
        day(8): 3.0,
        day(7): 5.0,
        day(6): None,
        day(5): 2.0,
        day(4): 1.0,
        day(3): 3.0,
        day(1): 2.5,
    }
    practised = {day(9), day(8), day(7), day(6), day(12)}
    result = analytics.practice_comparison(exp, practised, regulation, FROZEN_TODAY)
    # Practised with regulation: -9, -8, -7 (-6 has none, -12 is outside) -> 4.0
    # Not practised with regulation: -5, -4, -3, -1 -> (2 + 1 + 3 + 2.5) / 4 = 2.125
    assert (result.practised_days, result.practised_mean) == (3, 4.0)
    assert (result.other_days, result.other_mean) == (4, 2.125)
    assert result.enough
    assert result.practised_unrated == 1  # day -6: practised, but regulation not rated
    assert result.words() == (
        'On the 3 days you practised "Three breaths", regulation '
        "averaged 4.0; on the 4 days you didn't, 2.1. (1 more "
        "practised day had no regulation rating.)"
    )


def test_practised_versus_not_needs_three_days_on_each_side():
    exp = experiment(day(5), day(0))
    regulation = {day(5): 4.0, day(4): 4.0, day(3): 2.0, day(2): 2.0, day(1): 2.0}
    result = analytics.practice_comparison(exp, {day(5), day(4)}, regulation, FROZEN_TODAY)
    assert (result.practised_days, result.other_days) == (2, 3)
    assert not result.enough
    assert "not enough days to compare yet (2 practised, 3 not" in result.words()
    assert "averaged" not in result.words()


def test_the_period_ends_when_the_experiment_was_ended_early_and_never_after_today():
    exp = experiment(day(10), day(-20), status="dropped", ended_on=day(6))
    assert analytics.experiment_period(exp, FROZEN_TODAY) == (
        FROZEN_TODAY - dt.timedelta(days=10),
        FROZEN_TODAY - dt.timedelta(days=6),
    )
    running = experiment(day(3), day(-10))
    assert analytics.experiment_period(running, FROZEN_TODAY)[1] == FROZEN_TODAY
    future = experiment(day(-2), day(-10))
    result = analytics.practice_comparison(future, set(), {day(0): 3.0}, FROZEN_TODAY)
    assert (result.practised_days, result.other_days) == (0, 0)


def test_practice_figures_match_the_database_queried_independently(store):
    """The figures the app shows, checked against plain SQL on the same file."""
    exp = experiment(day(13), day(0))
    store.save_experiment(exp)
    other = experiment(day(13), day(0))
    store.save_experiment(other)
    checkins = []
    for n in range(16):  # two days before the experiment too
        regulation = None if n == 4 else (n * 7) % 6
        checkins.append(checkin(day(n), 9, mood=3, regulation=regulation))
        if n % 3 == 0:
            checkins.append(checkin(day(n), 20, mood=4, regulation=(n + 2) % 6))
    store.save_checkins(checkins)
    for n in (0, 2, 4, 5, 9, 12):
        store.save_practice_log(PracticeLog.create(experiment_id=exp.id, day=day(n), done=1))
    # 15 is before the period: not counted. The store no longer takes such a log; a
    # database from before that rule may hold one, written here as it would be.
    early = PracticeLog.create(experiment_id=exp.id, day=day(15), done=1).to_row()
    store.conn.execute(
        f"INSERT INTO practice_logs ({', '.join(early)}) VALUES ({', '.join('?' for _ in early)})",
        list(early.values()),
    )
    store.conn.commit()
    store.save_practice_log(PracticeLog.create(experiment_id=exp.id, day=day(7), done=0))
    store.save_practice_log(PracticeLog.create(experiment_id=other.id, day=day(1), done=1))

    snap = load_snapshot(store)
    insights = analytics.range_insights(snap, FROZEN_TODAY - dt.timedelta(days=29), FROZEN_TODAY)
    result = next(p for p in insights.practice if p.experiment_id == exp.id)

    sql = """
    WITH daily AS (
        SELECT day, avg(regulation) AS reg FROM checkins
        WHERE regulation IS NOT NULL AND day BETWEEN :start AND :end GROUP BY day),
    done AS (
        SELECT DISTINCT day FROM practice_logs
        WHERE experiment_id = :id AND done = 1 AND day BETWEEN :start AND :end)
    SELECT (day IN (SELECT day FROM done)) AS practised, count(*), avg(reg)
    FROM daily GROUP BY practised ORDER BY practised DESC
    """
    params = {"id": exp.id, "start": exp.started_on, "end": day(0)}
    (on, on_n, on_avg), (off, off_n, off_avg) = store.db.execute(sql, params).fetchall()
    assert (on, off) == (1, 0)
    assert (result.practised_days, result.other_days) == (on_n, off_n)
    assert result.practised_mean == pytest.approx(on_avg)
    assert result.other_mean == pytest.approx(off_avg)
    # Day -4 has a practice log but no regulation rating, so it is on neither side.
    assert on_n == 5 and off_n == 8
    assert result.practised_unrated == 1


# --- ruptures and names ---------------------------------------------------------------------


def test_median_time_to_repair():
    ruptures = [
        RuptureDates(day(10), day(10)),  # same day: 0
        RuptureDates(day(10), day(8)),  # 2
        RuptureDates(day(9), day(4)),  # 5
        RuptureDates(day(2), None),
    ]  # not repaired: left out
    assert analytics.repair_days(ruptures) == [0, 2, 5]
    assert analytics.median_time_to_repair(ruptures) == 2
    assert analytics.median_time_to_repair(ruptures[1:3]) == 3.5
    assert analytics.median_time_to_repair([RuptureDates(day(1), None)]) is None
    summary = analytics.rupture_summary(ruptures)
    assert (summary.count, summary.repaired) == (4, 3)
    assert summary.words() == (
        "4 ruptures recorded; 3 repaired, a median of 2 days from rupture to repair."
    )
    same_day = analytics.rupture_summary(ruptures[:1])
    assert same_day.words() == (
        "1 rupture recorded; 1 repaired, a median of 0 days (the same day) from rupture to repair."
    )


def test_ruptures_from_the_store_are_counted_by_the_day_they_happened(store):
    for happened, repaired in (
        (day(40), day(38)),
        (day(20), day(19)),
        (day(5), day(2)),
        (day(3), None),
    ):
        store.save_rupture(
            Rupture.create(day=happened, my_move="pursued", repaired_on=repaired, people=["Sam"])
        )
    snap = load_snapshot(store)
    insights = analytics.range_insights(snap, FROZEN_TODAY - dt.timedelta(days=29), FROZEN_TODAY)
    # In the last 30 days: the ruptures of day -20 (1 day), -5 (3 days) and -3 (open).
    assert (insights.ruptures.count, insights.ruptures.repaired) == (3, 2)
    assert insights.ruptures.median_days == 2


def test_name_frequency_counts_case_insensitively_most_often_first():
    counts = analytics.name_frequency([["anxious", "Calm"], ["calm"], ["Sad", "anxious"], ["calm"]])
    assert counts == [("Calm", 3), ("anxious", 2), ("Sad", 1)]


def test_consistency_words_never_mention_a_streak():
    assert analytics.consistency([day(0), day(2), day(40)], FROZEN_TODAY).words() == (
        "You checked in on 2 of the last 30 days."
    )


# --- rounding and words ------------------------------------------------------------------


def test_round_half_up_rounds_halves_up_unlike_python():
    assert [analytics.round_half_up(v) for v in (0.5, 1.5, 2.5, 3.5, 4.5)] == [1, 2, 3, 4, 5]
    assert [round(v) for v in (2.5, 4.5)] == [2, 4]  # what it replaces
    assert analytics.round_half_up(2.49) == 2 and analytics.round_half_up(2.51) == 3
    assert isinstance(analytics.round_half_up(2.5), int)
    # To one decimal, on the decimal the value prints as (round(1.15, 1) is 1.1).
    assert analytics.round_half_up(1.15, 1) == 1.2
    assert analytics.round_half_up(2.25, 1) == 2.3
    assert analytics.fmt(2.25) == "2.3" and analytics.fmt(1.15) == "1.2"
    assert analytics.fmt(None) == "–"


def test_round_half_up_is_importable_for_the_day_strip():
    from tracker.analytics import round_half_up

    assert round_half_up(3.5) == 4


def test_plural_words_with_thousands_separators():
    assert analytics.plural(1, "day") == "1 day"
    assert analytics.plural(0, "day") == "0 days"
    assert analytics.plural(3645, "day") == "3,645 days"
    assert analytics.plural(1, "check-in") == "1 check-in"
    assert analytics.plural(2, "person", "people") == "2 people"


def average(current: float, previous: float) -> str:
    return analytics.ScaleAverage("regulation", current, 10, previous, 10).words("before")


def test_about_the_same_exactly_when_the_shown_figures_are_equal():
    assert average(1.14, 1.16) == "Regulation averaged 1.1, down from 1.2 in before."
    assert average(1.26, 1.31) == "Regulation averaged 1.3, about the same as in before (1.3)."
    assert average(1.25, 1.24) == "Regulation averaged 1.3, up from 1.2 in before."
    # Over a grid of pairs: different figures never read "about the same", equal
    # figures never read "up" or "down".
    values = [n / 100 for n in range(100, 140)]
    for current in values:
        for previous in values:
            words = average(current, previous)
            shown = analytics.fmt(current), analytics.fmt(previous)
            if shown[0] == shown[1]:
                assert "about the same" in words, (current, previous)
            else:
                assert "about the same" not in words and (
                    ("up from" in words) == (float(shown[0]) > float(shown[1]))
                ), (current, previous)


def test_long_ranges_have_thousands_separators_and_one_day_is_singular():
    data = [
        {"day": (FROZEN_TODAY - dt.timedelta(days=n)).isoformat(), "n": 2, "regulation": 3.0}
        for n in range(0, 3645, 2)
    ]
    snap = Snapshot(
        today=FROZEN_TODAY, rows=data, ruptures=[], experiments=[], logs=[], practised={}
    )
    since = FROZEN_TODAY - dt.timedelta(days=3644)
    insights = analytics.range_insights(snap, since, FROZEN_TODAY, compare=False)
    assert insights.consistency_words() == (
        "You checked in on 1,823 of these 3,645 days (3,646 check-ins)."
    )
    one = analytics.range_insights(snap, FROZEN_TODAY, FROZEN_TODAY)
    assert one.consistency_words() == "You checked in on this day (2 check-ins)."
    assert analytics.consistency([day(0)], FROZEN_TODAY, window=1).words() == (
        "You've checked in today."
    )


def test_one_practised_day_is_singular():
    exp = Experiment.create(
        title="Pause", practice="Pause.", started_on=day(9), ends_on=day(0), target_count=3
    )
    daily = {day(n): 3.0 for n in range(0, 10)}
    daily[day(5)] = None
    result = analytics.practice_comparison(exp, [day(5), day(4)], daily, FROZEN_TODAY)
    assert "(1 more practised day had no regulation rating.)" in result.words()
    assert "1 practised, 8 not" in result.words()


# --- the compact snapshot against a plain reference -----------------------------------


def test_a_day_table_is_the_rows_sorted_by_day_with_shared_floats():
    data = [
        {"day": day(0), "n": 2, "mood": 3.5},
        {"day": day(9), "n": 1, "regulation": 2},
        {"day": day(3), "n": 3, "regulation": 2.0, "mood": 3.5},
    ]
    table = DayTable.from_rows(data)
    assert [r["day"] for r in table] == [day(9), day(3), day(0)]
    assert table[0] == {
        "day": day(9),
        "n": 1,
        "regulation": 2.0,
        "mood": None,
        "intensity": None,
        "pursue": None,
        "withdraw": None,
        "pursue_acted": None,
        "withdraw_acted": None,
    }
    assert table[-1]["mood"] == 3.5 and len(table) == 3 and table.checkins() == 6
    regulation, mood = table.column("regulation"), table.column("mood")
    assert regulation[0] is regulation[1]  # 2 and 2.0: one float object
    assert mood[1] is mood[2]
    week = table.between(FROZEN_TODAY - dt.timedelta(days=6), FROZEN_TODAY)
    assert [r["day"] for r in week] == [day(3), day(0)]
    assert [r["day"] for r in table[1:]] == [day(3), day(0)] and len(table[5:]) == 0
    assert week.by_day("mood") == {day(3): 3.5, day(0): 3.5}
    assert table.column("not a scale") == (None, None, None)
    assert analytics.daily_series(
        week, "mood", FROZEN_TODAY - dt.timedelta(days=3), FROZEN_TODAY
    ) == [3.5, None, None, 3.5]


def test_load_snapshot_keeps_columns_and_each_value_once(store):
    store.save_checkins([checkin(day(n), 9, mood=1 + n % 5, regulation=n % 6) for n in range(40)])
    snap = load_snapshot(store)
    assert isinstance(snap.rows, DayTable) and len(snap.rows) == 40
    values = [v for v in snap.rows.column("regulation") if v is not None]
    assert len({id(v) for v in values}) == len(set(values)) == 6


class PlainSnapshot:
    """The reference: per-day rows as plain dictionaries, cut by comparing day strings."""

    def __init__(self, today, rows, ruptures, experiments, logs, practised):
        self.today, self.rows, self.ruptures = today, rows, ruptures
        self.experiments, self.logs, self.practised = experiments, logs, practised

    def rows_between(self, since, until):
        lo, hi = since.isoformat(), until.isoformat()
        return [r for r in self.rows if lo <= r["day"] <= hi]


rating = st.one_of(st.none(), st.integers(0, 5))
checkin_data = st.tuples(
    st.integers(0, 70), st.integers(0, 23), st.integers(1, 5), rating, rating, rating, rating
)
experiment_data = st.tuples(
    st.integers(-5, 60),
    st.integers(1, 40),
    st.lists(st.tuples(st.integers(0, 70), st.booleans()), max_size=12),
)
range_data = st.tuples(st.integers(0, 90), st.integers(0, 100))


@settings(max_examples=40, deadline=None)
@given(
    checkins=st.lists(checkin_data, max_size=60),
    experiments=st.lists(experiment_data, max_size=3),
    ruptures=st.lists(
        st.tuples(st.integers(0, 70), st.one_of(st.none(), st.integers(0, 5))), max_size=5
    ),
    ranges=st.lists(range_data, min_size=1, max_size=4),
)
def test_the_compact_snapshot_gives_what_plain_rows_give(
    tmp_path_factory, checkins, experiments, ruptures, ranges
):
    """Series, charts and insights from ``load_snapshot`` (a DayTable, practice facts)
    equal, exactly, those from the same records as plain per-day dictionaries."""
    items = [
        checkin(
            day(n),
            hour,
            mood=mood,
            regulation=reg,
            intensity=intensity,
            pursue=pursue,
            withdraw=withdraw,
        )
        for n, hour, mood, reg, intensity, pursue, withdraw in checkins
    ]
    exps, logs = [], []
    for i, (start, length, practice) in enumerate(experiments):
        exp = Experiment.create(
            title=f"Experiment {i}",
            practice="Pause.",
            started_on=day(start),
            ends_on=day(start - length),
            target_count=5,
            created_at=f"2026-01-0{i + 1}T00:00:00+00:00",
        )
        exps.append(exp)
        logs += [
            PracticeLog.create(experiment_id=exp.id, day=day(n), done=int(done))
            for n, done in practice
            if start - length <= n <= start  # a log is refused outside its period
        ]
    breaks = [
        Rupture.create(
            day=day(n),
            my_move="pursued",
            repaired_on=None if after is None else day(max(0, n - after)),
        )
        for n, after in ruptures
    ]
    path = tmp_path_factory.mktemp("compact") / "tracker.db"
    with Store.open(path) as store:
        store.save_checkins(items)
        for exp in exps:
            store.save_experiment(exp)
        store.save_practice_logs(logs)
        store.save_ruptures(breaks)
        compact = load_snapshot(store, FROZEN_TODAY)
        experiments_read, logs_read = store.experiments(), store.practice_logs()
    rows = analytics.daily_means_from_checkins(items)
    plain = PlainSnapshot(
        FROZEN_TODAY,
        rows,
        [RuptureDates(r.day, r.repaired_on) for r in breaks],
        experiments_read,
        logs_read,
        {
            e.id: {log.day for log in logs_read if log.experiment_id == e.id and log.done}
            for e in experiments_read
        },
    )
    acted = ("pursue_acted", "withdraw_acted")  # not in the plain reference's rows
    assert [{k: v for k, v in r.items() if k not in acted} for r in compact.rows] == rows
    facts = ("experiment_id", "day", "done", "distress_before", "distress_after")
    assert [tuple(getattr(log, f) for f in facts) for log in compact.logs] == [
        tuple(getattr(log, f) for f in facts) for log in logs_read
    ]
    assert {k: set(days) for k, days in compact.practised.items()} == {
        k: days for k, days in plain.practised.items() if days
    }
    assert Counter(compact.marks()) == Counter((r.day, r.repaired_on) for r in plain.ruptures)
    for back, length in ranges:
        until = FROZEN_TODAY - dt.timedelta(days=back)
        since = until - dt.timedelta(days=length)
        lead = since - dt.timedelta(days=analytics.ROLLING_WINDOW - 1)
        cut = compact.rows_between(lead, until)
        for metric in analytics.METRICS:
            assert analytics.series_with_rolling(
                cut, metric, since, until
            ) == analytics.series_with_rolling(rows, metric, since, until)
        marks = compact.marks()
        for metric in ("regulation", "mood", "intensity"):
            assert charts.metric_chart(cut, metric, since, until, marks) == charts.metric_chart(
                rows, metric, since, until, marks
            )
        assert charts.urges_chart(cut, since, until, marks) == charts.urges_chart(
            rows, since, until, marks
        )
        first, _ = charts.calendar_range(until)
        for metric in ("regulation", "mood"):
            table_calendar = charts.calendar_chart(
                compact.rows_between(first, until), metric, until
            )
            plain_calendar = charts.calendar_chart(rows, metric, until)
            assert table_calendar == plain_calendar
            assert table_calendar.values == plain_calendar.values
        for compare in (True, False):
            assert analytics.range_insights(
                compact, since, until, compare=compare
            ) == analytics.range_insights(plain, since, until, compare=compare)
        for e in compact.experiments:
            assert analytics.experiment_progress(e, compact.logs) == analytics.experiment_progress(
                e, plain.logs
            )


def test_the_urges_chart_marks_acted_days_alike_from_a_day_table_and_from_rows():
    from tracker import charts

    rows = [
        {
            "day": day(n),
            "n": 1,
            "pursue": float(n % 6),
            "withdraw": float((n * 2) % 6),
            "pursue_acted": 1 if n % 3 == 0 else (0 if n % 3 == 1 else None),
            "withdraw_acted": 1 if n % 4 == 0 else None,
        }
        for n in range(60, -1, -1)
    ]
    since = FROZEN_TODAY - dt.timedelta(days=45)
    plain = charts.urges_chart(rows, since, FROZEN_TODAY)
    compact = charts.urges_chart(DayTable.from_rows(rows), since, FROZEN_TODAY)
    assert plain == compact
    marked = [line for line in compact.lines if line.label.startswith("acted on")]
    assert all(any(v is not None for v in line.values) for line in marked)
