"""Check-ins (and every record with a timestamp) are ordered by the moment they name,
not by the text of their timestamp: when clocks go back, the repeated hour reads in
order. Everywhere they are ordered: ``Store.checkins`` (History, Today, ``list``),
the export (so also the round trip), practice logs, ruptures, supports.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.trust_helpers import export_folder
from tracker.models import CheckIn, Experiment, PracticeLog, Rupture
from tracker.portability.export import export_data
from tracker.portability.importer import import_path
from tracker.store import Store

DAY = "2026-10-25"  # clocks go back in Europe: 01:00-02:00 comes twice


def _moment(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp)


def test_the_repeated_hour_reads_in_order(store):
    first = CheckIn.create(day=DAY, created_at=f"{DAY}T01:30:00+01:00", mood=2, note="first")
    later = CheckIn.create(day=DAY, created_at=f"{DAY}T01:10:00+00:00", mood=4, note="later")
    store.save_checkins([later, first])
    assert [c.note for c in store.checkins(oldest_first=True)] == ["first", "later"]
    assert [c.note for c in store.checkins()] == ["later", "first"]  # newest first
    assert [c.note for c in store.checkins(limit=1)] == ["later"]
    out = io.StringIO()
    export_data(store, out=None, table="checkins", fmt="csv", stdout=out)
    assert [line.split(",")[0] for line in out.getvalue().splitlines()[1:]] == [first.id, later.id]


_OFFSETS = st.integers(-12 * 4, 14 * 4).map(lambda q: dt.timedelta(minutes=15 * q))
_STAMPS = st.builds(
    lambda day, seconds, offset: (
        (dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds))
        .replace(tzinfo=dt.timezone(offset))
        .isoformat()
    ),
    st.dates(dt.date(2026, 10, 24), dt.date(2026, 10, 26)),
    st.integers(0, 86_399),
    _OFFSETS,
)


def _fresh(tmp_path) -> Store:
    return Store.open(tmp_path / uuid.uuid4().hex / "tracker.db")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["2026-10-25", "2026-10-26"]), _STAMPS), min_size=2, max_size=12
    )
)
def test_checkins_are_ordered_by_day_then_the_moment_with_random_offsets(tmp_path, rows):
    checkins = [
        CheckIn.create(day=day, created_at=stamp, mood=3, note=str(n))
        for n, (day, stamp) in enumerate(rows)
    ]
    expected = sorted(checkins, key=lambda c: (c.day, _moment(c.created_at), c.created_at, c.id))
    with _fresh(tmp_path) as store:
        store.save_checkins(checkins)
        assert [c.id for c in store.checkins(oldest_first=True)] == [c.id for c in expected]
        assert [c.id for c in store.checkins()] == [c.id for c in reversed(expected)]
        out = io.StringIO()
        export_data(store, out=None, table="checkins", fmt="csv", stdout=out)
        exported = [line.split(",")[0] for line in out.getvalue().splitlines()[1:]]
        assert exported == [c.id for c in expected]


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(stamps=st.lists(_STAMPS, min_size=1, max_size=8))
def test_the_round_trip_stays_byte_identical_with_any_offsets(tmp_path, stamps):
    work = tmp_path / uuid.uuid4().hex
    with Store.open(work / "a.db") as source:
        source.save_checkins(
            CheckIn.create(day=DAY, created_at=s, mood=1 + n % 5, note=s)
            for n, s in enumerate(stamps)
        )
        first = export_folder(source, work / "first")
    with Store.open(work / "b.db") as target:
        import_path(target, work / "first")
        assert export_folder(target, work / "second") == first


def test_practice_logs_ruptures_and_supports_go_by_the_moment_too(store):
    exp = store.save_experiment(
        Experiment.create(title="t", practice="p", started_on="2026-10-20", days=14, target_count=1)
    )
    store.save_practice_logs(
        [
            PracticeLog.create(
                experiment_id=exp.id, day=DAY, created_at=f"{DAY}T01:10:00+00:00", note="later"
            ),
            PracticeLog.create(
                experiment_id=exp.id, day=DAY, created_at=f"{DAY}T01:30:00+01:00", note="first"
            ),
        ]
    )
    assert [p.note for p in store.practice_logs(exp.id)] == ["first", "later"]
    store.save_ruptures(
        [
            Rupture.create(happened_at=f"{DAY}T01:10:00+00:00", my_move="froze", note="later"),
            Rupture.create(happened_at=f"{DAY}T01:30:00+01:00", my_move="froze", note="first"),
        ]
    )
    assert [r.note for r in store.ruptures()] == ["later", "first"]  # newest first
    out = io.StringIO()
    export_data(store, out=None, table="ruptures", fmt="json", stdout=out)
    assert out.getvalue().index('"first"') < out.getvalue().index('"later"')
