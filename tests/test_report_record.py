"""The report shows the rest of an experiment's record, compactly, where there is one."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import FROZEN_TODAY
from tracker.models import Experiment
from tracker.printable import html_report
from tracker.report import build_report


def _day(back: int) -> str:
    return (FROZEN_TODAY - dt.timedelta(days=back)).isoformat()


@pytest.fixture
def recorded(store):
    first = store.save_experiment(
        Experiment.create(
            title="Three breaths",
            practice="When a message stings, three slow breaths first.",
            prediction="I'll miss my chance",
            belief_before=70,
            belief_after=35,
            alternative_belief="I'll reply more clearly | and be understood",
            alternative_before=30,
            alternative_after=65,
            how_i_will_know="They say I took too long.",
            safety_behaviours="Rereading it five times",
            cue="urge",
            started_on=_day(20),
            ends_on=_day(7),
            target_count=5,
            status="completed",
            ended_on=_day(7),
        )
    )
    store.save_experiment(
        Experiment.create(
            title="Three breaths, again",
            practice="When a message stings, three slow breaths first.",
            belief_before=35,
            follows_id=first.id,
            started_on=_day(6),
            days=14,
            target_count=5,
        )
    )
    store.save_experiment(
        Experiment.create(
            title="Plain one", practice="Try it.", started_on=_day(3), days=7, target_count=2
        )
    )
    return store


def _section(markdown: str, title: str) -> list[str]:
    lines = markdown.split("\n")
    start = lines.index(f"### {title}")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("#"))
    return lines[start:end]


def test_the_other_way_how_i_will_know_what_i_drop_and_the_cue(recorded):
    text = build_report(recorded, dt.date.fromisoformat(_day(29)), FROZEN_TODAY)
    section = _section(text, "Three breaths")
    assert "- **Belief in the prediction:** 70% before, 35% after." in section
    assert (
        "- **Another way it could go:** I'll reply more clearly \\| and be understood; "
        "believed 30% before, 65% after."
    ) in section
    assert (
        "- **How I'll know:** They say I took too long.; **Dropping, to feel safe without "
        "it:** Rereading it five times; **Cue:** when an urge comes."
    ) in section
    following = _section(text, "Three breaths, again")
    assert "- **Follows:** Three breaths." in following
    plain = _section(text, "Plain one")
    assert not [line for line in plain if "other way" in line or "Cue" in line]


def test_without_notes_only_the_figures_and_the_cue_stay(recorded):
    text = build_report(recorded, dt.date.fromisoformat(_day(29)), FROZEN_TODAY, notes=False)
    section = _section(text, "Three breaths")
    assert "- **Another way it could go:** believed 30% before, 65% after." in section
    assert "- **Cue:** when an urge comes." in section
    assert "reply more clearly" not in text
    assert "took too long" not in text and "Rereading" not in text


def test_the_printable_page_has_them_too(recorded):
    page = html_report(recorded, dt.date.fromisoformat(_day(29)), FROZEN_TODAY)
    assert "Another way it could go:" in page
    assert "believed 30% before, 65% after." in page
    assert "when an urge comes" in page


def test_tracker_report_prints_them(run_tracker, recorded):
    result = run_tracker("report", "--since", _day(29), check=True)
    assert "**Another way it could go:**" in result.stdout, result.stdout[-2000:]
    assert "**Cue:** when an urge comes" in result.stdout
