"""Text charts, the Markdown report, and ``tracker chart`` / ``report`` / ``demo`` as
installed commands."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import FROZEN_TODAY
from tracker import analytics, charts, demo
from tracker.models import CheckIn, Experiment, PracticeLog, Rupture
from tracker.report import build_report
from tracker.store import Store


def day(n: int) -> str:
    return (FROZEN_TODAY - dt.timedelta(days=n)).isoformat()


def plot_body(text: str) -> list[str]:
    """The rows inside the plot frame (between the top and bottom borders)."""
    lines = text.split("\n")
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    return lines[top + 1 : bottom]


WEEK = FROZEN_TODAY - dt.timedelta(days=6)


def week_rows() -> list[dict]:
    # Four of seven days have data; day -3 and -2 and -5 are gaps.
    return [
        {"day": day(6), "regulation": 1.0},
        {"day": day(4), "regulation": 2.0},
        {"day": day(1), "regulation": 4.0},
        {"day": day(0), "regulation": 5.0},
    ]


# --- charts --------------------------------------------------------------------------------


def test_time_chart_has_one_point_per_day_with_data_and_gaps_elsewhere():
    chart = charts.metric_chart(week_rows(), "regulation", WEEK, FROZEN_TODAY)
    text = charts.render(chart, 80, 18, color=False)
    assert "\x1b" not in text
    body = plot_body(text)
    assert sum(line.count(charts.POINT) for line in body) == 4
    assert all(len(line) <= 80 for line in text.split("\n"))
    assert len(text.split("\n")) <= 18
    assert "• daily mean" in text and "7-day mean" in text
    assert "0 = swept away, 5 = steady" in text
    # The y axis runs 0..5 for regulation, and the x labels name the days of the week.
    assert body[0].startswith("5┤") and body[-1].startswith("0┤")
    assert "Sat 28" in text


def test_the_highest_point_sits_on_the_top_row_and_the_lowest_on_the_bottom():
    chart = charts.metric_chart(week_rows(), "regulation", WEEK, FROZEN_TODAY)
    body = plot_body(charts.render(chart, 60, 16, color=False))
    assert charts.POINT in body[0]  # 5.0 today
    row_of_one = next(i for i, line in enumerate(body) if line.startswith("1┤"))
    assert charts.POINT in body[row_of_one]  # 1.0 six days ago


def mark_columns(line: str, mark: str) -> list[int]:
    return [i for i, ch in enumerate(line) if ch == mark]


def test_ruptures_and_repairs_are_marked_above_the_plot_on_two_rows():
    marks = [(day(4), day(1))]
    chart = charts.metric_chart(week_rows(), "regulation", WEEK, FROZEN_TODAY, marks)
    text = charts.render(chart, 80, 18, color=False)
    body = plot_body(text)
    # x on the rupture's day, + on the repair's day, on the row under the x row.
    ruptures, repairs = mark_columns(body[0], "x"), mark_columns(body[1], "+")
    assert len(ruptures) == 1 and len(repairs) == 1 and ruptures[0] < repairs[0]
    assert "+" not in body[0] and "x" not in body[1]
    assert "x rupture" in text and "+ repaired" in text


def test_a_rupture_repaired_the_same_day_shows_both_marks_in_its_column():
    chart = charts.metric_chart(week_rows(), "regulation", WEEK, FROZEN_TODAY, [(day(4), day(4))])
    body = plot_body(charts.render(chart, 80, 18, color=False))
    assert mark_columns(body[0], "x") == mark_columns(body[1], "+") != []


def test_the_legend_lists_only_marks_that_appear():
    unrepaired = charts.metric_chart(
        week_rows(), "regulation", WEEK, FROZEN_TODAY, [(day(4), None)]
    )
    text = charts.render(unrepaired, 80, 18, color=False)
    assert "x rupture" in text and "repaired" not in text
    assert "+" not in "\n".join(plot_body(text))
    # A rupture before the range repaired inside it: only the repair is marked.
    earlier = charts.metric_chart(
        week_rows(), "regulation", WEEK, FROZEN_TODAY, [(day(20), day(2))]
    )
    text = charts.render(earlier, 80, 18, color=False)
    assert "+ repaired" in text and "rupture" not in text
    assert mark_columns(plot_body(text)[0], "+")
    none = charts.render(
        charts.metric_chart(week_rows(), "regulation", WEEK, FROZEN_TODAY), 80, 18, color=False
    )
    assert "rupture" not in none and "repaired" not in none


def test_colour_is_optional_and_only_adds_escape_codes():
    chart = charts.metric_chart(week_rows(), "regulation", WEEK, FROZEN_TODAY)
    coloured = charts.render(chart, 80, 18, color=True)
    plain = charts.render(chart, 80, 18, color=False)
    assert "\x1b[" in coloured
    assert charts.strip_ansi(coloured) == plain


def test_long_ranges_are_downsampled_to_the_width():
    rows = [
        {"day": (FROZEN_TODAY - dt.timedelta(days=n)).isoformat(), "regulation": float(n % 6)}
        for n in range(3650)
    ]
    since = FROZEN_TODAY - dt.timedelta(days=3649)
    chart = charts.metric_chart(rows, "regulation", since, FROZEN_TODAY)
    text = charts.render(chart, 70, 16, color=False)
    assert all(len(line) <= 70 for line in text.split("\n"))
    # 3650 days in 67 columns: each column is the mean of 54 or 55 days.
    assert charts.plot_columns(chart, 70) == 67
    assert "• mean of 54-55 days" in text and "daily mean" not in text
    assert sum(line.count(charts.POINT) for line in plot_body(text)) <= charts.plot_columns(
        chart, 70
    )


def ninety_days_with_one_bad_day() -> tuple[list[dict], dt.date]:
    """Regulation 4 every day for 90 days, except a 1 on a day that shares its column
    with another day when 90 days are drawn in 77 columns."""
    since = FROZEN_TODAY - dt.timedelta(days=89)
    start, stop = next(b for b in analytics.bucket_bounds(90, 77) if b[1] - b[0] == 2)
    bad = (since + dt.timedelta(days=start)).isoformat()
    rows = [{"day": day(n), "regulation": 1.0 if day(n) == bad else 4.0} for n in range(90)]
    return rows, since


def test_a_column_of_several_days_says_so_and_keeps_the_worst_day_visible():
    rows, since = ninety_days_with_one_bad_day()
    chart = charts.metric_chart(rows, "regulation", since, FROZEN_TODAY)
    text = charts.render(chart, 80, 16, color=False)  # 77 columns for 90 days
    assert "• mean of 1-2 days" in text and "daily mean" not in text
    assert "·· lowest and highest day" in text
    body = plot_body(text)
    row_of_one = next(line for line in body if line.startswith("1┤"))
    # The column holding the 1 averages it with a 4 (2.5), but the 1 is still marked.
    assert charts.RANGE_MARK in row_of_one[2:-1]


def test_one_point_per_day_when_the_days_fit_the_width():
    rows, since = ninety_days_with_one_bad_day()
    chart = charts.metric_chart(rows, "regulation", since, FROZEN_TODAY)
    text = charts.render(chart, 100, 16, color=False)  # 97 columns for 90 days
    assert "• daily mean" in text and "lowest and highest" not in text
    body = plot_body(text)
    row_of_one = next(line for line in body if line.startswith("1┤"))
    assert row_of_one[2:-1].count(charts.POINT) == 1
    assert charts.RANGE_MARK not in "\n".join(body)


def test_date_labels_carry_the_year_when_the_range_spans_two_years():
    rows = [
        {"day": (dt.date(2026, 1, 15) - dt.timedelta(days=n)).isoformat(), "regulation": 3.0}
        for n in range(40)
    ]
    across = charts.metric_chart(rows, "regulation", dt.date(2025, 12, 7), dt.date(2026, 1, 15))
    text = charts.render(across, 80, 16, color=False)
    label_row = next(line for line in text.split("\n") if "└" in line)
    under = text.split("\n")[text.split("\n").index(label_row) + 1]
    assert "Dec 2025" in under and "Jan 2026" in under
    week = charts.metric_chart(rows, "regulation", dt.date(2025, 12, 29), dt.date(2026, 1, 4))
    assert "2026" in charts.render(week, 80, 16, color=False)
    same_year = charts.metric_chart(rows, "regulation", dt.date(2026, 1, 1), dt.date(2026, 1, 15))
    assert "2026" not in charts.render(same_year, 80, 16, color=False)


def test_an_empty_range_says_so_instead_of_drawing_zeros():
    chart = charts.metric_chart([], "mood", WEEK, FROZEN_TODAY)
    assert charts.render(chart, 80, 18, color=False) == "No mood ratings in this range yet."


def test_urges_are_drawn_together_with_different_characters():
    rows = [{"day": day(n), "pursue": 4.0, "withdraw": 1.0} for n in range(10)]
    text = charts.render(charts.urges_chart(rows, WEEK, FROZEN_TODAY), 80, 18, color=False)
    assert "pursue (7-day mean)" in text and "withdraw (7-day mean)" in text
    body = "\n".join(plot_body(text))
    assert charts.DOTTED in body  # withdraw
    assert any("\u2800" < ch <= "\u28ff" for ch in body)  # pursue, braille


def test_year_calendar_puts_each_day_in_its_cell_and_leaves_gaps_blank():
    rows = [
        {"day": "2026-11-03", "regulation": 4.4},
        {"day": "2026-11-04", "regulation": 0.6},
        {"day": "2025-12-01", "regulation": 2.5},
        {"day": "2025-12-02", "regulation": 3.5},
        {"day": "2026-11-10", "regulation": None, "mood": 4.0},
    ]
    chart = charts.calendar_chart(rows, "regulation", FROZEN_TODAY)
    text = charts.render(chart, 80, 20, color=False)
    lines = text.split("\n")
    november = next(line for line in lines if line.startswith("Nov 2026"))
    december = next(line for line in lines if line.startswith("Dec 2025"))
    # Label is 9 wide, then two characters per day: day d sits at 9 + 2 * (d - 1).
    assert november[9 + 2 * 2] == "4" and november[9 + 2 * 3] == "1"
    assert november[9 : 9 + 4].strip() == ""  # 1 and 2 November: no check-in
    assert december[9] == "3" and december[11] == "4"  # halves round up: 2.5 -> 3, 3.5 -> 4
    # 10 November: checked in, regulation not rated: a dot, not a blank.
    assert november[9 + 2 * 9] == charts.UNRATED
    assert "· = checked in, regulation not rated; blank = no check-in." in " ".join(lines)
    assert "You checked in on 5 of these 363 days." in text
    assert not any(line.startswith("Nov 2025") for line in lines)


def test_calendar_legend_mentions_unrated_days_only_when_there_are_some():
    rows = [{"day": "2026-11-03", "regulation": 4.0}]
    text = charts.render(
        charts.calendar_chart(rows, "regulation", FROZEN_TODAY), 80, 20, color=False
    )
    assert "not rated" not in text and "blank = no check-in." in text


def test_name_bars_show_counts():
    chart = charts.names_chart(
        {"Emotions": [("anxious", 6), ("calm", 3)], "People": [("Sam", 4)], "Tags": []}
    )
    text = charts.render(chart, 80, 12, color=False)
    assert "anxious" in text and " 6 " in text and "Sam" in text and "none named" in text
    anxious = next(line for line in text.split("\n") if line.startswith("anxious"))
    calm = next(line for line in text.split("\n") if line.startswith("calm"))
    assert anxious.split("  ")[0].count("█") > calm.split("  ")[0].count("█")


def test_experiments_chart_shows_progress_belief_and_distress():
    exp = Experiment.create(
        title="Three breaths",
        practice="Breathe",
        started_on=day(6),
        ends_on=day(0),
        target_count=4,
        belief_before=70,
    )
    logs = [
        PracticeLog.create(
            experiment_id=exp.id, day=day(n), done=1, distress_before=4, distress_after=2
        )
        for n in (5, 3)
    ]
    progress = analytics.experiment_progress(exp, logs)
    text = charts.render(charts.experiments_chart([progress], logs), 80, 24, color=False)
    assert "2 of 4 planned" in text
    assert "belief 70% → not yet rated" in text
    assert "distress 4.0 → 2.0 (mean of 2 logs)" in text
    assert "o distress before" in text


def test_experiments_chart_says_set_aside_and_one_log():
    exp = Experiment.create(
        title="Three breaths",
        practice="Breathe",
        started_on=day(20),
        ends_on=day(7),
        target_count=2,
        status="dropped",
        ended_on=day(15),
    )
    logs = [
        PracticeLog.create(
            experiment_id=exp.id, day=day(n), done=1, distress_before=4, distress_after=2
        )
        for n in (19, 18, 17)
    ]
    progress = analytics.experiment_progress(exp, logs[:1])
    text = charts.render(charts.experiments_chart([progress], logs[:1]), 80, 24, color=False)
    assert "Three breaths · set aside · 8 Nov 2026 to 13 Nov 2026" in text
    assert "dropped" not in text
    assert "(mean of 1 log)" in text
    over = analytics.experiment_progress(exp, logs)
    assert "3 times (aim: 2)" in charts.render(
        charts.experiments_chart([over], logs), 80, 24, color=False
    )


# --- the report ------------------------------------------------------------------------------


@pytest.fixture
def filled(store):
    """A month of check-ins, an experiment with logs, two ruptures."""
    checkins = []
    for n in range(60):
        if n % 5 == 4:
            continue  # a gap every five days
        d = day(n)
        checkins.append(
            CheckIn.create(
                day=d,
                created_at=f"{d}T09:00:00+00:00",
                mood=3,
                regulation=2 if n >= 30 else 4,
                intensity=2,
                emotions=["anxious"] if n % 2 else ["calm"],
                people=["Sam"],
                need="to feel heard" if n < 10 else None,
            )
        )
    store.save_checkins(checkins)
    exp = Experiment.create(
        title="Three breaths before replying",
        practice="Breathe first.",
        prediction="I'll miss my chance.",
        belief_before=70,
        belief_after=30,
        started_on=day(20),
        ends_on=day(7),
        target_count=5,
        status="completed",
        ended_on=day(7),
        outcome="It went fine.",
        learned="The urge passes.",
    )
    store.save_experiment(exp)
    for n in (20, 18, 16, 12):
        store.save_practice_log(
            PracticeLog.create(
                experiment_id=exp.id, day=day(n), done=1, distress_before=4, distress_after=2
            )
        )
    store.save_rupture(
        Rupture.create(
            day=day(12),
            my_move="withdrew",
            people=["Sam"],
            repaired_on=day(10),
            acknowledged=1,
            what_happened="Went quiet all evening.",
        )
    )
    store.save_rupture(Rupture.create(day=day(2), my_move="pursued", people=["Sam"]))
    return store


def test_report_has_every_section_with_the_figures(filled):
    text = build_report(filled, FROZEN_TODAY - dt.timedelta(days=29), FROZEN_TODAY)
    for heading in (
        "# Practice record",
        "## At a glance",
        "## Averages compared with the period before",
        "## Charts",
        "### Regulation",
        "### Urges to pursue",
        "## Experiments",
        "### Three breaths before replying",
        "## Ruptures and repairs",
        "## Named most often",
    ):
        assert heading in text
    assert "not an assessment" in text
    assert "checked in on 24 of 30 days (24 check-ins)" in text
    assert "| Regulation (0 swept away to 5 steady) | 4.0 | 2.0 | 24 / 24 |" in text
    assert "- **Prediction:** I'll miss my chance." in text
    assert "70% before, 30% after" in text
    assert "- **What you learned:** The urge passes." in text
    assert "4.0 → 2.0 on average" in text
    assert "2 ruptures recorded; 1 repaired, a median of 2 days" in text
    assert "| withdrew |" in text and "not yet" in text
    assert "anxious (12)" in text and "calm (12)" in text
    assert '"to feel heard" (8)' in text
    assert "\x1b" not in text
    # Charts sit in code blocks.
    assert text.count("```text") == 4
    assert "In the 30 days before: 24 of 30 days." in text


def test_report_speaks_to_you_and_says_set_aside(filled):
    exp = Experiment.create(
        title="Wait an hour",
        practice="Let it sit.",
        started_on=day(25),
        ends_on=day(11),
        target_count=3,
        status="dropped",
        ended_on=day(19),
        learned="Waiting is possible.",
    )
    filled.save_experiment(exp)
    text = build_report(filled, FROZEN_TODAY - dt.timedelta(days=29), FROZEN_TODAY)
    assert "- **Status:** set aside, Tue 3 Nov 2026 to Mon 9 Nov 2026." in text
    assert "dropped" not in text
    for first_or_third_person in (" I ", "My move", "their own", "What I "):
        assert first_or_third_person not in text.replace("I'll miss", "")
    assert "| Day | With | Your move |" in text
    assert '- **Needs, in your words:** "to feel heard" (8)' in text
    assert "- **Experiments:** 2 experiments ran in this period." in text


def test_a_report_of_one_day_uses_singular_words(filled):
    text = build_report(filled, FROZEN_TODAY, FROZEN_TODAY)
    assert "you checked in on 1 of 1 day (1 check-in)." in text
    assert "The day before: you checked in." in text
    assert "1 days" not in text and "1 check-ins" not in text


def test_report_of_an_empty_period_is_still_kind_and_complete(store):
    text = build_report(store)
    assert "No check-ins were recorded in this period." in text
    assert "No experiments ran in this period." in text
    assert "No ruptures were recorded in this period." in text
    assert "## Charts" not in text


# --- commands, as installed --------------------------------------------------------------------


@pytest.fixture
def demo_db(tmp_path):
    path = tmp_path / "demo.db"
    with Store.open(path) as s:
        demo.generate(s, years=1, seed=3)
    return path


def test_chart_width_wins_when_piped_and_defaults_to_80(run_tracker, demo_db):
    # A pipe has no terminal size (plotext used to cap the chart at 80 columns then).
    wide = run_tracker(
        "chart",
        "regulation",
        "--days",
        "90",
        "--width",
        "120",
        db=demo_db,
        env={"COLUMNS": "", "LINES": ""},
        check=True,
    )
    lines = wide.stdout.splitlines()
    frame = next(line for line in lines if "┌" in line)
    assert len(frame) == 120 and max(len(line) for line in lines) <= 120
    # COLUMNS would make Python think the terminal is wide; a pipe still gets 80.
    default = run_tracker(
        "chart", "regulation", "--days", "90", db=demo_db, env={"COLUMNS": "200"}, check=True
    )
    frame = next(line for line in default.stdout.splitlines() if "┌" in line)
    assert len(frame) == 80


def test_chart_command_prints_a_plain_chart_when_piped(run_tracker, demo_db):
    result = run_tracker(
        "chart", "regulation", "--days", "90", "--width", "80", db=demo_db, check=True
    )
    assert "\x1b" not in result.stdout
    assert result.stdout.startswith("Regulation · 31 Aug 2026 to 28 Nov 2026 (90 days)")
    assert "┌" in result.stdout and "7-day mean" in result.stdout
    assert all(len(line) <= 80 for line in result.stdout.splitlines())


@pytest.mark.parametrize(
    "metric", ["mood", "intensity", "urges", "names", "calendar", "experiments", "emotions"]
)
def test_every_chart_metric_prints(run_tracker, demo_db, metric):
    result = run_tracker("chart", metric, "--since", "2026-06-01", db=demo_db, check=True)
    assert result.stdout.strip()
    assert "\x1b" not in result.stdout


def test_chart_command_colours_only_when_asked_or_on_a_terminal(run_tracker, demo_db):
    asked = run_tracker("chart", "mood", "--days", "30", "--color", db=demo_db, check=True)
    assert "\x1b[" in asked.stdout
    refused = run_tracker(
        "chart", "mood", "--days", "30", db=demo_db, env={"NO_COLOR": "1"}, check=True
    )
    assert "\x1b[" not in refused.stdout


def test_chart_command_refuses_bad_input(run_tracker, demo_db):
    unknown = run_tracker("chart", "happiness", db=demo_db)
    assert unknown.returncode == 2 and "happiness" in unknown.stderr
    both = run_tracker("chart", "mood", "--days", "7", "--since", "2026-11-01", db=demo_db)
    assert both.returncode == 2 and "not both" in both.stderr
    bad_date = run_tracker("chart", "mood", "--since", "yesterday", db=demo_db)
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr


def test_report_command_writes_a_new_file_and_never_replaces_one(run_tracker, demo_db, tmp_path):
    out = tmp_path / "report.md"
    first = run_tracker("report", "--out", str(out), db=demo_db, check=True)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Practice record: Fri 30 Oct 2026 to Sat 28 Nov 2026")
    assert "report.md" in first.stderr
    out.write_text("my own notes", encoding="utf-8")
    again = run_tracker("report", "--out", str(out), db=demo_db)
    assert again.returncode == 3 and "already exists" in again.stderr
    assert out.read_text(encoding="utf-8") == "my own notes"


def test_report_command_prints_a_chosen_period(run_tracker, demo_db):
    result = run_tracker(
        "report", "--since", "2026-06-01", "--until", "2026-06-30", db=demo_db, check=True
    )
    assert "Mon 1 Jun 2026 to Tue 30 Jun 2026 (30 days)" in result.stdout
    backwards = run_tracker("report", "--since", "2026-07-01", "--until", "2026-06-01", db=demo_db)
    assert backwards.returncode == 2


def test_demo_command_fills_a_new_database_and_refuses_one_with_checkins(run_tracker, tmp_path):
    path = tmp_path / "d.db"
    made = run_tracker("demo", "--years", "0.5", "--seed", "4", db=path, check=True)
    assert "Wrote demo data" in made.stdout
    with Store.open(path) as s:
        count = s.checkin_count()
    assert count > 100
    refused = run_tracker("demo", "--years", "1", db=path)
    assert refused.returncode == 3  # the database cannot be used for demo data as it is
    assert "already has check-ins, so no demo data was written" in refused.stderr
    with Store.open(path) as s:
        assert s.checkin_count() == count


def test_the_calendar_shows_the_same_span_in_the_app_and_the_shell_and_says_which(
    run_tracker, demo_db
):
    # (The app's Trends heading is made by the same charts.calendar_heading.)
    shell = run_tracker("chart", "calendar", db=demo_db, env={"NO_COLOR": "1"})
    assert shell.returncode == 0, shell.stderr
    first_line = shell.stdout.splitlines()[0]
    assert first_line == charts.calendar_heading("regulation", FROZEN_TODAY)
    assert "1 Dec 2025 to 28 Nov 2026" in first_line
