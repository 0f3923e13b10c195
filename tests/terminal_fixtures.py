"""A database whose every text field tries to drive the terminal (shared by the
command-line and app tests of terminal safety)."""

from __future__ import annotations

from pathlib import Path

from tracker.models import CheckIn, Experiment, PracticeLog, Rupture, Support
from tracker.store import Store

OSC_TITLE = "\x1b]0;PWNED\x07"
"""Retitles the terminal window (harmless, and visible to tmux as #{pane_title})."""
HOSTILE = f"x{OSC_TITLE}\x1b[2J\x9b31m\x07y"


def hostile_database(path: Path) -> Path:
    with Store.open(path) as store:
        store.save_checkin(
            CheckIn.create(
                mood=2,
                pursue=4,
                withdraw=3,
                need=f"need {HOSTILE}",
                note=f"note {HOSTILE}",
                emotions=[f"em{OSC_TITLE}"],
                people=[f"Sam{OSC_TITLE}"],
                tags=[f"t{OSC_TITLE}"],
            )
        )
        exp = store.save_experiment(
            Experiment.create(
                title=f"Breaths {OSC_TITLE}",
                practice=f"practice {HOSTILE}",
                prediction=f"predict {HOSTILE}",
                started_on="2026-11-20",
                days=14,
                target_count=3,
            )
        )
        store.save_practice_log(
            PracticeLog.create(
                experiment_id=exp.id,
                done="yes",
                distress_before=3,
                distress_after=1,
                note=f"log {HOSTILE}",
            )
        )
        store.save_rupture(
            Rupture.create(
                my_move="withdrew",
                what_happened=f"w {HOSTILE}",
                people=[f"Kim{OSC_TITLE}"],
                note=f"n {HOSTILE}",
            )
        )
        store.save_support(
            Support.create(
                name=f"Line {OSC_TITLE}", how_to_reach=f"call {HOSTILE}", note=f"note {HOSTILE}"
            )
        )
    return path
