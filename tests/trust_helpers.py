"""Helpers for the data-trust tests: sample data, database digests, export files."""

from __future__ import annotations

import csv
import hashlib
import io
import random
import sqlite3
import uuid
from pathlib import Path

from click.testing import CliRunner

from tracker.cli import main
from tracker.models import BringMark, CheckIn, Experiment, PracticeLog, Rupture, Session, Support
from tracker.portability.export import export_data
from tracker.store import Store

TABLES = (
    "checkins",
    "emotions",
    "checkin_emotions",
    "people",
    "checkin_people",
    "tags",
    "checkin_tags",
    "experiments",
    "practice_logs",
    "ruptures",
    "rupture_people",
    "supports",
    "sessions",
    "bring_marks",
    "tombstones",
    "sync_conflicts",
)


def populate(store: Store) -> None:
    """A little of everything, through the models, as the app would write it."""
    store.add_emotion_word("tender")
    store.save_checkin(
        CheckIn.create(
            day="2026-11-20",
            created_at="2026-11-20T08:15:00+01:00",
            mood=2,
            intensity=4,
            regulation=1,
            pursue=4,
            pursue_acted="yes",
            withdraw=0,
            paused="no",
            emotions=["anxious", "lonely"],
            people=["Sam"],
            tags=["work", "bad sleep"],
            need="to hear back",
            note='Texted twice, "just checking".\nThen waited.',
        )
    )
    store.save_checkin(
        CheckIn.create(
            day="2026-11-21",
            created_at="2026-11-21T21:40:00-05:00",
            mood=4,
            emotions=["calm", "tender"],
            people=["Sam", "mother"],
            tags=["family"],
            note="=SUM(A1) is what the spreadsheet would run",
        )
    )
    exp = Experiment.create(
        title="Three breaths",
        practice="When a message stings, three slow breaths first.",
        prediction="I'll still reply at once",
        belief_before="70%",
        alternative_belief="=I can wait, and still be understood",
        alternative_before=30,
        safety_behaviours="-rereading it five times",
        how_i_will_know="They say I took too long",
        cue="urge",
        started_on="2026-11-01",
        days=14,
        target_count=5,
        created_at="2026-11-01T09:00:00+01:00",
    )
    rupture = Rupture.create(
        happened_at="2026-11-10T19:30:00+01:00",
        my_move="withdrew",
        intensity=3,
        what_happened="+went quiet at dinner",
        people=["Sam"],
        acknowledged=1,
        repair_attempt=1,
        repaired_on="2026-11-11",
        next_time="@say I need an hour, then come back",
        created_at="2026-11-10T22:00:00+01:00",
    )
    log = PracticeLog.create(
        experiment_id=exp.id,
        day="2026-11-02",
        done="yes",
        distress_before=4,
        distress_after=2,
        note="-it helped",
        prediction_happened=20,
        rupture_id=rupture.id,
        created_at="2026-11-02T20:00:00+01:00",
    )
    if store.schema_version >= 5:
        store.save_experiment(exp)
        store.save_rupture(rupture)
        store.save_practice_log(log)
    else:
        save_as_older_schema(store, exp, log, rupture)
    store.save_support(
        Support.create(
            name="@crisis line",
            kind="crisis line",
            how_to_reach="'call 116 123",
            note="\tany hour",
            created_at="2026-11-01T09:00:00+01:00",
        )
    )
    if store.schema_version >= 5:  # hidden from suggestions (schema 5)
        with store.write():
            store.conn.execute("UPDATE people SET hidden = 1 WHERE name = 'mother'")
            store.conn.execute("UPDATE tags SET hidden = 1 WHERE name = 'bad sleep'")
            store.conn.execute("UPDATE emotions SET hidden = 1 WHERE name = 'tender'")
    if store.schema_version < 4:
        return  # an older schema (a test of migrations): no sessions or marks yet
    store.save_sessions(
        [
            Session.create(
                day="2026-11-19",
                note="-we talked about the texting",
                created_at="2026-11-19T18:30:00+01:00",
            ),
            Session.create(
                day="2026-12-03",
                agenda="=the quiet after dinner",
                created_at="2026-11-21T09:00:00+01:00",
            ),
        ]
    )
    first, second = store.checkins(oldest_first=True)
    log = store.practice_logs()[0]
    rupture = store.ruptures()[0]
    store.save_bring_marks(
        [
            BringMark.create(
                checkin_id=first.id, marked_on="2026-11-18", created_at="2026-11-18T21:00:00+01:00"
            ),
            BringMark.create(
                checkin_id=second.id, marked_on="2026-11-21", created_at="2026-11-21T21:45:00-05:00"
            ),
            BringMark.create(
                rupture_id=rupture.id,
                marked_on="2026-11-21",
                created_at="2026-11-21T22:00:00+01:00",
            ),
            BringMark.create(
                experiment_id=exp.id, marked_on="2026-11-22", created_at="2026-11-22T08:00:00+01:00"
            ),
            BringMark.create(
                practice_log_id=log.id,
                marked_on="2026-11-22",
                created_at="2026-11-22T08:01:00+01:00",
            ),
        ]
    )


def db_digest(path: Path) -> str:
    """A hash of every row of every table: equal digests mean equal contents."""
    conn = sqlite3.connect(str(path))
    try:
        digest = hashlib.sha256()
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        for table in TABLES:
            if table not in present:  # (a table of a later schema)
                continue
            rows = conn.execute(f"SELECT * FROM {table}").fetchall()
            digest.update(table.encode())
            for row in sorted(rows, key=repr):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def export_folder(store: Store, out: Path, fmt: str = "csv") -> dict[str, bytes]:
    export_data(store, out=out, table=None, fmt=fmt, stdout=io.StringIO())
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if not p.name.startswith(".")}


def cli(*args: str, input: str | None = None):
    """Run the CLI in this process (click's runner); returns the result."""
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


CHECKIN_HEADER = [
    "id",
    "day",
    "created_at",
    "updated_at",
    "mood",
    "intensity",
    "regulation",
    "pursue",
    "withdraw",
    "pursue_acted",
    "withdraw_acted",
    "paused",
    "need",
    "note",
    "emotions",
    "people",
    "tags",
]


def write_checkins_csv(path: Path, n: int, seed: int = 7) -> None:
    """A checkins.csv as the export writes it, with ``n`` varied rows (fast: no database)."""
    rnd = random.Random(seed)
    emotions = ["anxious", "calm", "sad", "hopeful", "lonely", "connected", "angry", "safe"]
    people = ["partner", "mother", "Sam", "Alex", "a friend"]
    tags = ["work", "bad sleep", "family", "gym", "rain", "weekend"]
    import datetime as dt

    start = dt.date(2026, 11, 28) - dt.timedelta(days=n // 3 + 1)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(CHECKIN_HEADER)
        for i in range(n):
            day = start + dt.timedelta(days=i // 3)
            stamp = f"{day.isoformat()}T{8 + (i % 3) * 5:02d}:{rnd.randrange(60):02d}:00+01:00"
            pursue = rnd.randint(0, 5)
            writer.writerow(
                [
                    str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                    day.isoformat(),
                    stamp,
                    stamp,
                    rnd.randint(1, 5),
                    rnd.randint(0, 5),
                    rnd.randint(0, 5),
                    pursue,
                    rnd.randint(0, 5),
                    (rnd.randint(0, 1) if pursue else ""),
                    "",
                    rnd.choice(["", 0, 1]),
                    rnd.choice(["", "to be heard", "rest"]),
                    rnd.choice(["", 'a note, with "quotes"\nand two lines', "'=not a formula"]),
                    "|".join(sorted(rnd.sample(emotions, 2))),
                    rnd.choice(people),
                    "|".join(sorted(rnd.sample(tags, 2))),
                ]
            )


def save_as_older_schema(store: Store, *records) -> None:
    """Write records into a database of an older schema (a test of migrations), with
    only the columns it has: the store writes today's columns."""
    tables = {Experiment: "experiments", PracticeLog: "practice_logs", Rupture: "ruptures"}
    with store.write():
        for record in records:
            table = tables[type(record)]
            have = {row[1] for row in store.conn.execute(f"PRAGMA table_info({table})")}
            row = {k: v for k, v in record.to_row().items() if k in have}
            store.conn.execute(
                f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            for person in getattr(record, "people", ()):
                store.conn.execute("INSERT OR IGNORE INTO people (name) VALUES (?)", [person])
                store.conn.execute(
                    "INSERT INTO rupture_people (rupture_id, person_id) "
                    "SELECT ?, id FROM people WHERE name = ?",
                    [record.id, person],
                )
