"""The experiment's chart, trial by trial, on an axis of days since its start, to scale."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import analytics, charts
from tracker.models import Experiment, PracticeLog

START = dt.date(2026, 11, 1)


def _day(offset: int) -> str:
    return (START + dt.timedelta(days=offset)).isoformat()


def _experiment(**fields) -> Experiment:
    values = dict(
        title="Three breaths",
        practice="When a message stings, three slow breaths first.",
        prediction="I'll still reply at once",
        started_on=_day(0),
        ends_on=_day(20),
        target_count=5,
        belief_before=70,
        alternative_belief="I can wait and still be understood",
        alternative_before=30,
    )
    values.update(fields)
    return Experiment.create(values)


def _log(exp: Experiment, offset: int, before=None, after=None, happened=None, done=1):
    return PracticeLog.create(
        experiment_id=exp.id,
        day=_day(offset),
        done=done,
        distress_before=before,
        distress_after=after,
        prediction_happened=happened,
    )


def _lines(exp: Experiment, logs: list[PracticeLog], width: int = 80) -> list[str]:
    progress = analytics.experiment_progress(exp, logs)
    return charts.trial_lines(progress, charts.trial_logs(logs), width, color=False)


def _rows(lines: list[str]) -> list[tuple[int, str]]:
    """(row value, the plot's characters) of every grid row, both panels, top down."""
    out = []
    for line in lines:
        if len(line) > 3 and line[3] == "┤":
            label = line[:3].strip()
            out.append((int(label) if label else -1, line[4:]))
    return out


def _marks(lines: list[str], mark: str) -> list[tuple[int, int]]:
    """(column, row index among the grid rows) of each ``mark``."""
    found = []
    for index, (_, plot) in enumerate(_rows(lines)):
        found += [(col, index) for col, ch in enumerate(plot) if ch == mark]
    return sorted(found)


def _percent_row(value: int) -> int:
    """The grid row index (top down, the percent panel first) of a 0-100 value."""
    return (100 - value) // 10


def _distress_row(value: int) -> int:
    return 11 + (5 - value)


@pytest.mark.parametrize("width", [60, 80, 120])
def test_each_practice_sits_at_the_column_of_its_day(width):
    exp = _experiment()
    offsets = [0, 1, 6, 13, 20]
    logs = [_log(exp, o, before=4, after=2, happened=60 - 10 * i) for i, o in enumerate(offsets)]
    lines = _lines(exp, logs, width)
    columns = width - charts.TRIAL_MARGIN - 1
    expected = [charts.trial_column(o, 20, columns) for o in offsets]
    assert expected[0] == 0 and expected[-1] == columns - 1
    before = _marks(lines, charts.MARK_BEFORE)
    after = _marks(lines, charts.MARK_AFTER)
    happened = _marks(lines, charts.MARK_HAPPENED)
    assert [c for c, _ in before] == expected
    assert [c for c, _ in after] == expected
    assert {r for _, r in before} == {_distress_row(4)}
    assert {r for _, r in after} == {_distress_row(2)}
    assert happened == [(col, _percent_row(60 - 10 * i)) for i, col in enumerate(expected)]
    # To scale: the gap of 5 days (1 -> 6) is five times the gap of 1 day (0 -> 1),
    # give or take the rounding of each end to a whole column.
    one = expected[1] - expected[0]
    five = expected[2] - expected[1]
    assert abs(five - 5 * one) <= 2
    seven = expected[3] - expected[2]
    assert abs(seven - 7 * one) <= 2
    # And against the days themselves, column by column.
    for offset, col in zip(offsets, expected):
        assert abs(col - offset * (columns - 1) / 20) <= 0.5


def test_a_five_day_gap_is_five_times_a_one_day_gap_not_the_same():
    """Logs evenly spaced by their order would put day 6 where day 2 belongs."""
    exp = _experiment(ends_on=_day(10))
    logs = [_log(exp, o, before=3, after=1) for o in (0, 1, 6)]
    lines = _lines(exp, logs, 65)  # 60 columns: 5.9 a day
    cols = [c for c, _ in _marks(lines, charts.MARK_BEFORE)]
    assert cols == [0, 6, 35]
    assert cols[2] - cols[1] == 29 and cols[1] - cols[0] == 6


def test_beliefs_are_points_at_the_start_and_at_the_end():
    exp = _experiment(
        status="completed",
        ended_on=_day(16),
        belief_after=40,
        alternative_after=70,
        outcome="It passed",
    )
    logs = [_log(exp, 3, before=3, after=2, happened=20)]
    lines = _lines(exp, logs, 80)
    columns = 80 - charts.TRIAL_MARGIN - 1
    # The axis ends on the day it was completed (16), not the planned end (20).
    end = columns - 1
    assert _marks(lines, charts.MARK_BELIEF) == [(0, _percent_row(70)), (end, _percent_row(40))]
    assert _marks(lines, charts.MARK_ALTERNATIVE) == [
        (0, _percent_row(30)),
        (end, _percent_row(70)),
    ]
    assert _marks(lines, charts.MARK_HAPPENED) == [
        (charts.trial_column(3, 16, columns), _percent_row(20))
    ]
    text = " ".join(lines)  # the words wrap at the width
    assert "Belief in the prediction 70% at the start, 40% at the end" in text
    assert "in the other way 30% at the start, 70% at the end" in text


def test_real_dates_label_the_ticks_where_their_days_are():
    exp = _experiment(started_on="2026-12-20", ends_on="2027-01-16")
    logs = [_log(exp, 0, before=2, after=1)]
    lines = _lines(exp, logs, 80)
    axis = next(line for line in lines if "└" in line)
    dates = lines[lines.index(axis) + 1]
    numbers = lines[lines.index(axis) + 2]
    columns = 80 - charts.TRIAL_MARGIN - 1
    span = 27
    ticks = [i - charts.TRIAL_MARGIN for i, ch in enumerate(axis) if ch == "┬"]
    assert len(ticks) >= 3
    for tick in ticks:
        start_of_label = tick + charts.TRIAL_MARGIN
        # Each tick is the column of a whole day; its label names that real day.
        day = round(tick * span / (columns - 1))
        assert charts.trial_column(day, span, columns) == tick
        date = dt.date(2026, 12, 20) + dt.timedelta(days=day)
        label = f"{date.day} {date:%b %Y}"
        if tick == columns - 1:  # the last label ends at its tick
            assert dates[: start_of_label + 1].endswith(label)
            assert numbers.rstrip().endswith(f"day {day}")
        else:
            assert dates[start_of_label:].startswith(label)
            assert numbers[start_of_label:].startswith(f"day {day}")
    assert ticks[0] == 0 and ticks[-1] == columns - 1
    assert "20 Dec 2026" in dates and "16 Jan 2027" in dates  # across a new year


def test_n_is_said_and_only_rated_practices_count():
    exp = _experiment()
    logs = [
        _log(exp, 0, before=4, after=2),
        _log(exp, 2, happened=50),
        _log(exp, 3, done=0),  # not this time: nothing drawn
        _log(exp, 5, before=3, after=3, happened=30),
    ]
    lines = _lines(exp, logs)
    text = "\n".join(lines)
    assert "n = 3 practices with ratings: distress on 2, how far the prediction happened on 2" in (
        " ".join(lines)
    )
    assert charts.MARK_SAME in text and "⊙ the same" in text  # before = after on day 5


def test_a_panel_with_nothing_to_draw_is_left_out():
    exp = _experiment(belief_before=None, alternative_before=None)
    lines = _lines(exp, [_log(exp, 1, before=4, after=2)])
    assert not [v for v, _ in _rows(lines) if v == 100]
    assert "0-100 %" not in "\n".join(lines)
    only_beliefs = _lines(_experiment(belief_after=50, status="completed"), [])
    assert "distress before" not in "\n".join(only_beliefs)
    assert "n = 0: no practice rated yet." in only_beliefs
    # The beliefs at the start alone are no series: said in words, not drawn.
    started = _lines(_experiment(), [_log(_experiment(), 2, before=3, after=2)])
    assert "0-100 %" not in "\n".join(started)
    assert "Belief in the prediction 70% at the start, not yet rated at the end" in " ".join(
        started
    )
    nothing = _lines(_experiment(belief_before=None, alternative_before=None), [])
    assert nothing == [
        'No practice rated yet for "Three breaths", so nothing to draw trial by trial.'
    ]


def test_the_experiments_chart_draws_the_selected_one_trial_by_trial():
    exp = _experiment()
    logs = [_log(exp, o, before=4, after=1, happened=40) for o in (2, 9)]
    progress = analytics.experiment_progress(exp, logs)
    text = charts.render(charts.experiments_chart([progress], logs), 80, 24, color=False)
    assert "Trial by trial: Three breaths" in text
    assert "days since the start, to scale" in text
    coloured = charts.render(charts.experiments_chart([progress], logs), 80, 24, color=True)
    assert charts.strip_ansi(coloured) == text


def test_practice_facts_carry_how_far_it_happened():
    facts = analytics.PracticeFacts("e", _day(1), 1, 3, 2, 60)
    assert charts.trial_logs([facts]) == (charts.DistressLog(_day(1), 3, 2, 60),)


def test_the_selected_experiment_and_its_trials_come_first_then_the_others():
    first = _experiment(title="First one")
    second = _experiment(title="Second one", started_on=_day(2))
    logs = [_log(second, 3, before=3, after=1)]
    progress = [
        analytics.experiment_progress(first, []),
        analytics.experiment_progress(second, logs),
    ]
    lines = charts.render(
        charts.experiments_chart(progress, logs, selected=1), 80, 24, color=False
    ).split("\n")
    assert lines[0].startswith("> Second one · active")
    trials = lines.index("Trial by trial: Second one")
    also = lines.index("Also in this range")
    assert trials < also
    assert [line for line in lines[also:] if "First one" in line] == [
        "  First one · active · 1 Nov 2026 to 21 Nov 2026"
    ]
