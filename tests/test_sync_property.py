"""Three devices, random adds, edits and deletes of every kind, syncs in random orders
through one folder: after a final round (each syncs, then each syncs again), the
three databases export byte-identical files, hold the same tombstones, and a further
sync changes nothing (no file rewritten, the same database digest).

Devices run in this process (three databases in a temporary folder) with the clock
set per step: moments repeat (ties between devices), go back (clocks that differ),
and carry three UTC offsets, so the order "the later instant wins, then a deletion,
then the device id" is exercised, not only "the later text".
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests.trust_helpers import db_digest, export_folder
from tracker import clock, encryption, sealing
from tracker.models import BringMark, CheckIn, Experiment, PracticeLog, Rupture, Session, Support
from tracker.store import Store, cipher
from tracker.syncdir import KEY_FILE, SUBFOLDER, Passphrases, sync_folder

DAY = dt.date(2026, 11, 28)
ZONES = [dt.UTC, dt.timezone(dt.timedelta(hours=1)), dt.timezone(dt.timedelta(hours=-5))]
PEOPLE = ["Sam", "sam", "Alex", "Mum"]
TAGS = ["work", "Work", "sleep"]
EMOTIONS = ["anxious", "calm", "Tender", "tender"]

OPS = (
    "add_checkin",
    "edit_checkin",
    "edit_checkin",
    "delete_checkin",
    "add_experiment",
    "edit_experiment",
    "delete_experiment",
    "log_practice",
    "delete_practice",
    "add_rupture",
    "edit_rupture",
    "edit_experiment",
    "delete_rupture",
    "bring",
    "add_session",
    "delete_session",
    "add_support",
    "edit_support",
    "delete_support",
    "add_word",
    "sync",
    "sync",
    "sync",
)


def random_steps(seed: int, n: int) -> list[tuple[int, str, int, int]]:
    """``n`` steps (device, operation, minutes after 09:00, pick), drawn from ``seed``.

    Drawn from a seed rather than built by hypothesis element by element: what finds
    a wrong order is two devices changing the same record at the same moment between
    syncs, which needs long runs of steps, and runs drawn this way are long and
    varied (hypothesis still searches and shrinks the seed and the length; the steps
    of a failing run are printed)."""
    rng = random.Random(seed)
    return [
        (rng.randrange(3), rng.choice(OPS), rng.randrange(6), rng.randrange(1000)) for _ in range(n)
    ]


class Devices:
    def __init__(self, root: Path, *, sealed: bool = False):
        self.folder = root / "shared"
        self.folder.mkdir()
        self.passphrases = None
        if sealed:  # three encrypted databases, each with a key of its own
            for n in range(3):
                path = root / f"device{n}.db"
                Store.open(path).close()
                encryption.encrypt(path, cipher.derive_key(f"device {n}", cipher.new_salt()))
            self.passphrases = Passphrases(join=lambda: "folder", choose=lambda: "folder")
        self.stores = [Store.open(root / f"device{n}.db") for n in range(3)]

    def close(self) -> None:
        for store in self.stores:
            store.close()

    def at(self, device: int, minutes: int) -> str:
        """The moment of a step, as that device's clock writes it (its UTC offset)."""
        moment = dt.datetime.combine(DAY, dt.time(9, 0), tzinfo=dt.UTC)
        moment += dt.timedelta(minutes=minutes)
        clock.freeze(DAY, moment.astimezone().time().replace(tzinfo=None))
        return moment.astimezone(ZONES[device]).isoformat()

    def sync(self, device: int) -> None:
        sync_folder(self.stores[device], self.folder, passphrases=self.passphrases)

    def run(self, device: int, op: str, minutes: int, pick: int) -> None:
        store = self.stores[device]
        now = self.at(device, minutes)
        getattr(self, op)(store, now, pick, device)

    @staticmethod
    def _pick(items: list, pick: int):
        return items[pick % len(items)] if items else None

    # -- the operations --

    def add_checkin(self, store: Store, now: str, pick: int, device: int) -> None:
        store.save_checkin(
            CheckIn.create(
                day=(DAY - dt.timedelta(days=pick % 3)).isoformat(),
                created_at=now,
                mood=1 + pick % 5,
                pursue=pick % 6,
                people=[PEOPLE[pick % 4], PEOPLE[(pick // 4) % 4]],
                tags=[TAGS[pick % 3]],
                emotions=[EMOTIONS[pick % 4]],
                note=f"note {pick} on {device}",
            )
        )

    def edit_checkin(self, store: Store, now: str, pick: int, device: int) -> None:
        found = self._pick(store.checkins(oldest_first=True), pick)
        if found is not None:
            store.save_checkin(
                found.with_changes(
                    mood=1 + (pick // 3) % 5,
                    note=f"edited {pick} on {device}",
                    tags=(TAGS[(pick // 2) % 3],),
                    updated_at=now,
                )
            )

    def delete_checkin(self, store: Store, now: str, pick: int, device: int) -> None:
        found = self._pick(store.checkins(oldest_first=True), pick)
        if found is not None:
            store.delete_checkin(found.id)

    def add_experiment(self, store: Store, now: str, pick: int, device: int) -> None:
        follows = self._pick(store.experiments(), pick)
        store.save_experiment(
            Experiment.create(
                title=f"Experiment {pick}",
                practice="Breathe three times",
                started_on=(DAY - dt.timedelta(days=5)).isoformat(),
                days=10,
                target_count=3,
                follows_id=follows.id if follows is not None and pick % 2 else None,
                created_at=now,
            )
        )

    def edit_experiment(self, store: Store, now: str, pick: int, device: int) -> None:
        found = self._pick(store.experiments(), pick)
        if found is None:
            return
        ended = (DAY - dt.timedelta(days=pick % 5)).isoformat() if pick % 2 else None
        store.save_experiment(
            found.with_changes(
                learned=f"learned {pick}",
                status="completed" if ended else "active",
                ended_on=ended,
                updated_at=now,
            )
        )

    def delete_experiment(self, store: Store, now: str, pick: int, device: int) -> None:
        found = self._pick(store.experiments(), pick)
        if found is not None:
            store.delete_experiment(found.id)

    def log_practice(self, store: Store, now: str, pick: int, device: int) -> None:
        exp = self._pick(store.experiments(), pick)
        if exp is None or (exp.ended_on and exp.ended_on < exp.started_on):
            return
        end = min(exp.ended_on or exp.ends_on, DAY.isoformat())
        day = dt.date.fromisoformat(exp.started_on) + dt.timedelta(days=pick % 4)
        if day.isoformat() > end:
            return
        rupture = self._pick(store.ruptures(), pick)
        store.save_practice_log(
            PracticeLog.create(
                experiment_id=exp.id,
                day=day.isoformat(),
                done=pick % 2,
                rupture_id=rupture.id if rupture is not None and pick % 3 == 0 else None,
                created_at=now,
            )
        )

    def delete_practice(self, store: Store, now: str, pick: int, device: int) -> None:
        found = self._pick(store.practice_logs(), pick)
        if found is not None:
            store.delete_practice_log(found.id)

    def add_rupture(self, store: Store, now: str, pick: int, device: int) -> None:
        store.save_rupture(
            Rupture.create(
                happened_at=now,
                my_move=["pursued", "withdrew", "froze"][pick % 3],
                people=[PEOPLE[pick % 4]],
                created_at=now,
            )
        )

    def edit_rupture(self, store: Store, now: str, pick: int, device: int) -> None:
        found = self._pick(store.ruptures(), pick)
        if found is not None:
            store.save_rupture(
                found.with_changes(note=f"repair {pick}", repair_attempt=pick % 2, updated_at=now)
            )

    def delete_rupture(self, store: Store, now: str, pick: int, device: int) -> None:
        found = self._pick(store.ruptures(), pick)
        if found is not None:
            store.delete_rupture(found.id)

    def bring(self, store: Store, now: str, pick: int, device: int) -> None:
        kinds = [
            ("checkin", [c.id for c in store.checkins()]),
            ("rupture", [r.id for r in store.ruptures()]),
            ("experiment", [e.id for e in store.experiments()]),
            ("practice_log", [p.id for p in store.practice_logs()]),
        ]
        kind, ids = kinds[pick % 4]
        target = self._pick(ids, pick // 4)
        if target is None:
            return
        if pick % 3 == 0:
            store.set_bring(kind, target, False)
        else:
            store.save_bring_marks([BringMark.create(kind=kind, record_id=target, created_at=now)])

    def add_session(self, store: Store, now: str, pick: int, device: int) -> None:
        store.save_session(
            Session.create(day=(DAY + dt.timedelta(days=pick % 7 - 3)).isoformat(), created_at=now)
        )

    def delete_session(self, store: Store, now: str, pick: int, device: int) -> None:
        found = self._pick(store.sessions(), pick)
        if found is not None:
            store.delete_session(found.id)

    def add_support(self, store: Store, now: str, pick: int, device: int) -> None:
        store.save_support(Support.create(name=f"Friend {pick}", position=pick % 3, created_at=now))

    def edit_support(self, store: Store, now: str, pick: int, device: int) -> None:
        found = self._pick(store.supports(), pick)
        if found is not None:
            store.save_support(found.with_changes(how_to_reach=f"call {pick}", updated_at=now))

    def delete_support(self, store: Store, now: str, pick: int, device: int) -> None:
        found = self._pick(store.supports(), pick)
        if found is not None:
            store.delete_support(found.id)

    def add_word(self, store: Store, now: str, pick: int, device: int) -> None:
        store.add_emotion_word(["wistful", "Wistful", "tender", "seen"][pick % 4])


def _exports(devices: Devices, root: Path) -> list[dict[str, bytes]]:
    """Each device's export. Its ``names`` file keeps only the names some record uses:
    a word typed once and edited away stays in that device's vocabulary and is not
    synced (README, Sync), as which words are hidden is not."""
    out = []
    for n, store in enumerate(devices.stores):
        folder = Path(tempfile.mkdtemp(dir=root, prefix=f"export{n}-"))
        files = export_folder(store, folder / "x")
        used = {("person", p) for r in store.ruptures() for p in r.people}
        for c in store.checkins():
            used |= {("emotion", e) for e in c.emotions} | {("person", p) for p in c.people}
            used |= {("tag", t) for t in c.tags}
        lines = files["names.csv"].split(b"\r\n")
        kept = [lines[0]] + [
            line
            for line in lines[1:]
            if line and tuple(line.decode().rsplit(",", 1)[0].split(",", 1)) in used
        ]
        files["names.csv"] = b"\r\n".join(kept) + b"\r\n"
        out.append(files)
    return out


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / SUBFOLDER).iterdir())}


def _play(devices: Devices, steps: list[tuple[int, str, int, int]], order: list[int]) -> None:
    """Each step on its device at its moment, then the final round: each device syncs,
    then each syncs again."""
    for device, op, minutes, pick in steps:
        if op == "sync":
            devices.at(device, minutes)
            devices.sync(device)
        else:
            devices.run(device, op, minutes, pick)
    clock.freeze(DAY, dt.time(12, 0))
    for _ in range(2):
        for device in order:
            devices.sync(device)


@pytest.mark.slow
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(20, 90),
    order=st.permutations([0, 1, 2]),
)
def test_three_devices_end_identical_whatever_they_did(tmp_path, seed, n, order):
    steps = random_steps(seed, n)
    note(f"steps: {steps}")
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    devices = Devices(root)
    try:
        _play(devices, steps, order)
        exports = _exports(devices, root)
        assert exports[0] == exports[1] == exports[2]
        tombstones = [store.tombstones() for store in devices.stores]
        assert tombstones[0] == tombstones[1] == tombstones[2]
        files = _folder_bytes(devices.folder)
        digests = [db_digest(store.path) for store in devices.stores]
        for device in order:  # and now nothing changes any more
            devices.sync(device)
        assert _folder_bytes(devices.folder) == files
        assert [db_digest(store.path) for store in devices.stores] == digests
    finally:
        devices.close()
        clock.freeze(DAY)


@pytest.mark.slow
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(20, 60),
    order=st.permutations([0, 1, 2]),
)
def test_three_encrypted_devices_end_identical_and_every_file_is_sealed(tmp_path, seed, n, order):
    """The same, with three encrypted databases: every device file in the folder is
    sealed, and a further sync rewrites none of them (nothing is sealed again)."""
    steps = random_steps(seed, n)
    note(f"steps: {steps}")
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    devices = Devices(root, sealed=True)
    try:
        _play(devices, steps, order)
        exports = _exports(devices, root)
        assert exports[0] == exports[1] == exports[2]
        files = _folder_bytes(devices.folder)
        assert KEY_FILE in files and len(files) == 4
        assert all(sealing.is_sealed(data) for name, data in files.items() if name != KEY_FILE)
        for device in order:
            devices.sync(device)
        assert _folder_bytes(devices.folder) == files
    finally:
        devices.close()
        clock.freeze(DAY)
