"""Validation: one path for the CLI, the app and every importer."""

from __future__ import annotations

import pytest

from tracker.models import (
    MOOD,
    REGULATION,
    CheckIn,
    Experiment,
    PracticeLog,
    Rupture,
    Support,
    ValidationError,
    parse_names,
)


def test_checkin_minimal_defaults_to_today():
    c = CheckIn.create(mood=4)
    assert c.day == "2026-11-28"
    assert c.mood == 4
    assert c.regulation is None
    assert c.created_at == c.updated_at
    assert c.created_at[-6] in "+-"  # ISO-8601 with a UTC offset


def test_checkin_coerces_strings_from_the_command_line():
    c = CheckIn.create(
        mood="5",
        intensity="0",
        regulation=" 3 ",
        pursue="2",
        pursue_acted="yes",
        paused="-",
        emotions=["Anxious", " hopeful "],
    )
    assert (c.mood, c.intensity, c.regulation, c.pursue) == (5, 0, 3, 2)
    assert c.pursue_acted == 1
    assert c.paused is None
    assert c.emotions == ("anxious", "hopeful")


@pytest.mark.parametrize("value", [0, 6, "9", "4.5", "four", True, -1])
def test_mood_out_of_range_names_field_value_and_range(value):
    with pytest.raises(ValidationError) as info:
        CheckIn.create(mood=value)
    message = str(info.value)
    assert message.startswith("mood:")
    assert "1 (awful)" in message and "5 (great)" in message
    assert info.value.field == "mood"


def test_mood_is_required():
    with pytest.raises(ValidationError, match="mood.*required"):
        CheckIn.create(regulation=3)


@pytest.mark.parametrize("field", ["intensity", "regulation", "pursue", "withdraw"])
def test_zero_to_five_scales(field):
    assert getattr(CheckIn.create(mood=3, **{field: 0}), field) == 0
    assert getattr(CheckIn.create(mood=3, **{field: 5}), field) == 5
    with pytest.raises(ValidationError, match=f"^{field}: 6 "):
        CheckIn.create(mood=3, **{field: 6})


def test_future_day_refused_past_day_allowed():
    with pytest.raises(ValidationError, match="day: '2026-11-29'.*2026-11-28"):
        CheckIn.create(mood=3, day="2026-11-29")
    assert CheckIn.create(mood=3, day="2020-02-29").day == "2020-02-29"


@pytest.mark.parametrize("bad", ["2026-02-30", "28/11/2026", "yesterday", "2026-1-1"])
def test_not_a_date(bad):
    with pytest.raises(ValidationError, match="^day:"):
        CheckIn.create(mood=3, day=bad)


def test_acted_only_when_there_was_an_urge():
    with pytest.raises(ValidationError, match="pursue_acted"):
        CheckIn.create(mood=3, pursue=0, pursue_acted="yes")
    assert CheckIn.create(mood=3, withdraw=0, withdraw_acted="no").withdraw_acted == 0


def test_paused_accepts_yes_no_and_no_hard_moment():
    assert CheckIn.create(mood=3, paused="y").paused == 1
    assert CheckIn.create(mood=3, paused="no").paused == 0
    assert CheckIn.create(mood=3, paused="-").paused is None
    with pytest.raises(ValidationError, match="paused: 'maybe'.*yes or no"):
        CheckIn.create(mood=3, paused="maybe")


def test_text_kept_exactly_but_bounded():
    weird = '=1+1, "quoted"\nנעים 😀'
    assert CheckIn.create(mood=3, note=weird).note == weird
    with pytest.raises(ValidationError, match="note: '100,001 characters'"):
        CheckIn.create(mood=3, note="x" * 100_001)
    with pytest.raises(ValidationError, match="need"):
        CheckIn.create(mood=3, need="a\x00b")


def test_names_are_tidied_and_deduplicated():
    assert parse_names("tags", ["work", "Work ", "bad   sleep", ""]) == ("work", "bad sleep")
    assert parse_names("people", "Sam, Alex|sam") == ("Sam", "Alex")
    with pytest.raises(ValidationError, match="people"):
        parse_names("people", ["x" * 61])


def test_unknown_field_is_named():
    with pytest.raises(ValidationError, match="^moood:"):
        CheckIn.create(mood=3, moood=4)


def test_bad_id_refused():
    with pytest.raises(ValidationError, match="^id:"):
        CheckIn.create(mood=3, id="not-a-uuid")


def test_scale_labels():
    assert MOOD.label(1) == "awful" and MOOD.label(5) == "great"
    assert REGULATION.label(0) == "swept away" and REGULATION.label(5) == "steady"


def test_experiment_period_and_beliefs():
    e = Experiment.create(
        title="Pause",
        practice="When X, I will Y",
        belief_before="70%",
        started_on="2026-11-20",
        days=14,
        target_count=5,
    )
    assert e.ends_on == "2026-12-03"  # 14 days including the first
    assert e.belief_before == 70 and e.status == "active"
    with pytest.raises(ValidationError, match="belief_after: 101"):
        Experiment.create(
            title="t", practice="p", ends_on="2026-12-01", target_count=1, belief_after=101
        )
    with pytest.raises(ValidationError, match="ends_on"):
        Experiment.create(
            title="t", practice="p", started_on="2026-11-20", ends_on="2026-11-19", target_count=1
        )
    with pytest.raises(ValidationError, match="target_count"):
        Experiment.create(title="t", practice="p", ends_on="2026-12-01", target_count=0)


def test_practice_log_and_rupture_and_support():
    log = PracticeLog.create(
        experiment_id="6f1c2d5e-0000-4000-8000-000000000001",
        done="y",
        distress_before=4,
        distress_after=2,
    )
    assert (log.done, log.distress_before, log.distress_after) == (1, 4, 2)
    with pytest.raises(ValidationError, match="distress_after: 6"):
        PracticeLog.create(experiment_id=log.experiment_id, distress_after=6)

    r = Rupture.create(
        my_move="Withdrew", people=["partner"], intensity=3, acknowledged=True, day="2026-11-27"
    )
    assert r.my_move == "withdrew" and r.steps_taken == ("acknowledged it",)
    with pytest.raises(ValidationError, match="my_move: 'sulked'.*pursued"):
        Rupture.create(my_move="sulked")
    with pytest.raises(ValidationError, match="repaired_on"):
        Rupture.create(my_move="froze", day="2026-11-27", repaired_on="2026-11-26")

    s = Support.create(name="Samaritans", kind="crisis line", how_to_reach="116 123")
    assert s.kind == "crisis line"
    with pytest.raises(ValidationError, match="^name:"):
        Support.create(name="  ")
