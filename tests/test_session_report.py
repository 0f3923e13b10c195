"""Sessions from the shell, "bring" marks, and the report's opening: what the session
needs, and the period since the last session. Real databases, the real ``tracker``."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import FROZEN_TODAY
from tracker.models import BringMark, CheckIn, Experiment, PracticeLog, Rupture, Session
from tracker.report import OPENING, build_report
from tracker.store import Store


def day(n: int) -> str:
    """The day ``n`` days before the frozen today (Sat 28 Nov 2026)."""
    return (FROZEN_TODAY - dt.timedelta(days=n)).isoformat()


@pytest.fixture
def prepared(store):
    """Three weeks around two sessions, by hand:

    - sessions on Thu 12 Nov (past, day 16), Thu 19 Nov (past, day 9) and Thu 3 Dec
      (planned, with an agenda);
    - check-ins on days 20..0, regulation 3 except day 5 (1, the hardest) and day 14 (0,
      before the last session, so outside its period);
    - a mark made on day 10 (brought to the 19 Nov session) and three made on day 2
      (waiting): a check-in, the open rupture and the experiment's log;
    - one rupture repaired, one not; an active experiment whose period ended on day 3,
      and one ending on Wed 2 Dec (before the next session).
    """
    for n in range(20, -1, -1):
        regulation = {5: 1, 14: 0}.get(n, 3)
        store.save_checkin(
            CheckIn.create(
                day=day(n),
                created_at=f"{day(n)}T20:00:00+01:00",
                mood=3,
                regulation=regulation,
                intensity=2,
                note=f"NOTE-{n}",
                need="to be heard" if n == 5 else None,
                emotions=["anxious"] if n == 5 else [],
            )
        )
    store.save_sessions(
        [
            Session.create(
                day=day(16), note="SESSION-NOTE-A", created_at=f"{day(16)}T18:00:00+01:00"
            ),
            Session.create(day=day(9), created_at=f"{day(9)}T18:00:00+01:00"),
            Session.create(
                day="2026-12-03",
                agenda="AGENDA-the quiet after dinner",
                created_at=f"{day(1)}T09:00:00+01:00",
            ),
        ]
    )
    done = store.save_experiment(
        Experiment.create(
            title="Three breaths",
            practice="Breathe first.",
            prediction="PREDICTION-x",
            started_on=day(17),
            ends_on=day(3),
            target_count=5,
        )
    )
    soon = store.save_experiment(
        Experiment.create(
            title="Name the need",
            practice="Say it.",
            started_on=day(6),
            ends_on="2026-12-02",
            target_count=3,
            outcome="OUTCOME-y",
            learned="LEARNED-z",
        )
    )
    log = store.save_practice_log(
        PracticeLog.create(experiment_id=soon.id, day=day(2), note="LOG-NOTE")
    )
    store.save_rupture(
        Rupture.create(
            day=day(12),
            my_move="withdrew",
            people=["Sam"],
            repaired_on=day(11),
            what_happened="REPAIRED-STORY",
        )
    )
    open_rupture = store.save_rupture(
        Rupture.create(
            day=day(4),
            my_move="pursued",
            people=["Sam"],
            intensity=4,
            acknowledged=1,
            what_happened="WHAT-HAPPENED-open",
        )
    )
    checkins = {c.day: c for c in store.checkins()}
    store.save_bring_marks(
        [
            BringMark.create(checkin_id=checkins[day(14)].id, marked_on=day(10)),
            BringMark.create(checkin_id=checkins[day(5)].id, marked_on=day(2)),
            BringMark.create(rupture_id=open_rupture.id, marked_on=day(2)),
            BringMark.create(practice_log_id=log.id, marked_on=day(2)),
        ]
    )
    return {"done": done, "soon": soon, "open": open_rupture}


def test_the_opening_comes_first_and_says_what_the_session_needs(prepared, store):
    text = build_report(store, dt.date(2026, 11, 19), FROZEN_TODAY)
    opening = text[text.index("## For the session") : text.index("## At a glance")]
    assert text.index("## For the session") < text.index("## At a glance")
    assert (
        "**Next session:** Thu 3 Dec (in 5 days). The last one was on Thu 19 Nov 2026." in opening
    )
    assert "**Agenda:** AGENDA-the quiet after dinner" in opening
    # Waiting: three things marked on day 2; the day-10 mark was brought to 19 Nov.
    assert "You marked 3 things: 1 check-in, 1 rupture, 1 practice log." in opening
    assert "NOTE-14" not in opening
    assert (
        "- Check-in, Mon 23 Nov: mood 3 (meh), regulation 1, intensity 2, anxious"
        " · needed: to be heard · note: NOTE-5" in opening
    )
    assert (
        "- Rupture, Tue 24 Nov: with Sam, you pursued, intensity 4, not yet repaired"
        " · what happened: WHAT-HAPPENED-open" in opening
    )
    assert "- Practice log, Thu 26 Nov: Name the need: practised · note: LOG-NOTE" in opening
    # Ruptures not yet repaired: only the open one.
    assert (
        "- Tue 24 Nov 2026 (4 days ago), with Sam: you pursued, intensity 4. Repair "
        "steps so far: acknowledged it. What happened: WHAT-HAPPENED-open"
    ) in opening
    assert "REPAIRED-STORY" not in opening
    # Experiments: one whose period ended, one ending before the next session.
    assert (
        "- **Three breaths**: its period ended on Wed 25 Nov 2026 and it is still open" in opening
    )
    assert (
        "- **Name the need**: its period ends on Wed 2 Dec 2026, before your next session."
    ) in opening
    # The hardest day of the period (day 14's 0 is before it).
    assert (
        "Mon 23 Nov 2026: regulation 1.0 (mostly swept), mood 3.0, intensity 2.0 "
        "(1 check-in); the lowest regulation of the period (10 days rated)."
    ) in opening
    assert "- Needed: to be heard" in opening and "- Note: NOTE-5" in opening
    assert [part.__name__ for part in OPENING] == [
        "brought_part",
        "unrepaired_part",
        "experiments_due_part",
        "hardest_day_part",
        "week_part",
        "hard_moments_part",
    ]


def test_without_notes_no_free_text_is_left(prepared, store):
    text = build_report(store, dt.date(2026, 11, 1), FROZEN_TODAY, notes=False)
    for planted in (
        "NOTE-",
        "to be heard",
        "WHAT-HAPPENED",
        "REPAIRED-STORY",
        "PREDICTION-x",
        "OUTCOME-y",
        "LEARNED-z",
        "LOG-NOTE",
        "AGENDA-",
        "SESSION-NOTE",
    ):
        assert planted not in text, planted
    assert "Made without notes" in text
    assert "- Check-in, Mon 23 Nov: mood 3 (meh), regulation 1, intensity 2, anxious\n" in text
    assert "**Agenda:** one line (left out: made without notes)." in text
    # With notes, the same report has them.
    full = build_report(store, dt.date(2026, 11, 1), FROZEN_TODAY)
    for planted in (
        "NOTE-5",
        "to be heard",
        "WHAT-HAPPENED",
        "PREDICTION-x",
        "OUTCOME-y",
        "LEARNED-z",
        "LOG-NOTE",
        "AGENDA-",
    ):
        assert planted in full, planted


def test_the_report_covers_since_the_last_session_by_default(prepared, run_tracker):
    result = run_tracker("report")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Practice record: since your session on Thu 19 Nov 2026")
    assert "- **Period:** Thu 19 Nov 2026 to Sat 28 Nov 2026 (10 days)." in result.stdout
    explicit = run_tracker("report", "--since-last-session")
    assert explicit.stdout == result.stdout
    thirty = run_tracker("report", "--since", day(29))
    assert "(30 days)" in thirty.stdout and "since your session" not in thirty.stdout
    both = run_tracker("report", "--since", day(3), "--since-last-session")
    assert both.returncode == 2 and "not both" in both.stderr


def test_since_the_last_session_says_plainly_when_there_is_none(store, run_tracker):
    store.save_session(Session.create(day="2026-12-03"))  # planned only
    result = run_tracker("report", "--since-last-session")
    assert result.returncode == 2
    assert "There is no session before 2026-11-28 to start from" in result.stderr
    assert "Traceback" not in result.stderr
    default = run_tracker("report")
    assert default.returncode == 0 and "(30 days)" in default.stdout


def test_session_add_and_list_from_the_shell(db_path, run_tracker):
    added = run_tracker("session", "add", "2026-11-19", "--note", "we talked\x1b[31m")
    assert added.returncode == 0, added.stderr
    assert "Recorded a session on Thursday 19 November 2026." in added.stdout
    assert "\x1b" not in added.stdout  # the note's ESC is shown, not sent
    planned = run_tracker("session", "add", "tomorrow", "--agenda", "one thing")
    assert "Recorded a planned session on Sunday 29 November 2026." in planned.stdout
    again = run_tracker("session", "add", "2026-11-29", "--note", "bring the list")
    assert "Updated the planned session on Sunday 29 November 2026." in again.stdout
    check = run_tracker("add", "--mood", "2", "--note", "hard", "--bring")
    assert check.returncode == 0 and "marked to bring to your next session" in check.stdout
    listed = run_tracker("session", "list")
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("2026-11-19  Thu 19 Nov (9 days ago)")
    assert "  agenda: one thing" in lines and "  note: bring the list" in lines
    assert (
        "Marked to bring to your next session, tomorrow, Sun 29 Nov: 1 thing: a check-in."
    ) in lines
    data = json.loads(run_tracker("session", "list", "--json").stdout)
    assert [(s["day"], s["kind"], s["agenda"]) for s in data["sessions"]] == [
        ("2026-11-19", "past", None),
        ("2026-11-29", "planned", "one thing"),
    ]
    assert [w["kind"] for w in data["waiting"]] == ["checkin"]
    with Store.open(db_path) as s:  # and in plain SQL
        assert s.conn.execute("SELECT count(*) FROM sessions").fetchone() == (2,)
        assert s.conn.execute(
            "SELECT count(*) FROM bring_marks b JOIN checkins c "
            "ON c.id = b.checkin_id WHERE c.note = 'hard'"
        ).fetchone() == (1,)


def test_after_the_session_day_the_marks_show_as_brought(db_path, run_tracker):
    run_tracker("session", "add", "2026-12-01")
    run_tracker("add", "--mood", "3", "--bring")
    on_the_day = run_tracker("session", "list", env={"TRACKER_TODAY": "2026-12-01"})
    assert "Marked to bring to your session today: 1 thing: a check-in." in on_the_day.stdout
    after = run_tracker("session", "list", env={"TRACKER_TODAY": "2026-12-02"})
    assert "  brought 1 thing: a check-in" in after.stdout
    assert "Marked to bring" not in after.stdout
    data = json.loads(
        run_tracker("session", "list", "--json", env={"TRACKER_TODAY": "2026-12-02"}).stdout
    )
    assert data["waiting"] == [] and len(data["sessions"][0]["brought"]) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["session", "add", "2026-02-30"],
        ["session", "add", "soon"],
        ["session", "add", "--agenda", "x" * 301],
    ],
)
def test_a_bad_session_is_refused_by_name_and_nothing_is_written(db_path, run_tracker, args):
    result = run_tracker(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: ") and "Nothing was saved." in result.stderr
    assert "Traceback" not in result.stderr
    if db_path.exists():
        with Store.open(db_path) as s:
            assert s.sessions() == []


def test_session_list_on_no_database_is_refused(tmp_path, run_tracker):
    result = run_tracker("session", "list", db=tmp_path / "none.db")
    assert result.returncode == 3 and not (tmp_path / "none.db").exists()
