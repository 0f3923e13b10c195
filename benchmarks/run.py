"""tracker's benchmark harness: speed as ratios against baselines taken in the same run.

Usage (from the repository root, with the Python that has tracker installed)::

    python benchmarks/run.py                 # everything (8 minutes; +3 to build data)
    python benchmarks/run.py --quick         # tiny data, few runs: checks the harness works
    python benchmarks/run.py --only shell,export --runs 30
    python benchmarks/run.py --check         # exit 1 when a budget fails

It prints a table of medians, ratios and budgets, pass or fail per budget, and writes
the same table as Markdown to ``benchmarks/results/latest.md`` (and every sample to
``latest.json``). The machines this runs on are shared and noisy, so each figure that
has a baseline is compared with it in the same run, runs are interleaved (baseline,
tracker, baseline, tracker ...), and the median is reported.

Data: seeded demo data sets (``tracker.demo.generate``, seed 7, ending today) of 1, 10
and 30 years, and one of exactly 100,000 check-ins for export and import (3 demo
sets of 80 years, seeds 7-9: the generator starts no earlier than 1900), cached under
``benchmarks/.data/`` (git-ignored; rebuilt when the day, the demo generator or the
schema changes). tracker is byte-compiled first, as ``pip install`` does.

Measurements (``--only`` takes these names, comma separated):

``first_screen``  ``tracker --db D.db`` (10 years) in tmux at 120x40, from launch until
                  the home screen's title "Today ·" shows in ``tmux capture-pane``,
                  against ``benchmarks/bare_app.py`` (Header, Input, 30-row DataTable,
                  Footer) launched the same way until its title shows. Budget <= 1.15x.
                  Also the CPU time each app had used by then (/proc): steadier than
                  the wall time on a busy machine.
``memory``        peak RSS (``/usr/bin/time -f %M``) of ``tracker --db D.db`` with 30
                  years of data, launched as above, ``g`` pressed once Today shows, and
                  quit (ctrl+q) 3 s after Trends shows its insights (all 30 years read,
                  every range and every chart one key away prepared by then), against
                  the bare app quit 0.5 s after its first screen.
                  Budget <= 1.4x. Also, for reference, VmHWM when Today showed.
``chart``         trends screen, in process (``benchmarks/chart_switch.py``): from a
                  range or chart key until the screen has been refreshed to show it,
                  p50/p95, at 1, 10 and 30 years, keys 0.2 s apart; and
                  ``TrendsScreen.redraw()`` timed directly with its caches emptied.
                  Budget: p95 <= 33 ms at 30 years (key -> frame).
``export``        ``tracker export --table checkins --out F.csv`` of ~100k check-ins
                  against the sqlite3 command making the same columns in the same
                  order in one SQL statement (names joined and sorted, rows by day
                  and time: the same file content, made in C). Budget <= 2.0x. For
                  reference: ``sqlite3 -header -csv D.db "select * from checkins"``
                  (a bare table dump: less work, the old baseline) and Python's
                  csv.writer over a raw cursor.
``import``        ``tracker import F.csv`` of that export into a new, empty database:
                  check-ins (with emotions, people and tags) per second of the whole
                  command. Budget >= 25,000/s.
``patterns``      in process, 10 years: the patterns section of a 30-day report
                  (``report.patterns_section``) against the whole report it is part
                  of (``report.build_report``, the section included): its share.
                  Budget <= 0.25x. For reference, the Patterns view's read and
                  computation (``Store.pattern_facts`` + ``patterns.patterns``) over
                  30 days and over everything, against what Trends reads
                  (``report.load_snapshot``): the view reads in its own worker, on
                  its own screen, so Trends never waits for it.
``shell``         ``tracker status`` and ``tracker add --mood 3`` (10 years) as whole
                  processes against ``python -c "import click, sqlite_utils,
                  platformdirs"``. Budget <= 1.25x each.
``encrypted``     ``tracker status`` (10 years) on an encrypted copy of the database,
                  its key read from the session's cache (``tracker unlock``), against
                  ``tracker status`` on the plain copy, interleaved. Budget <= 1.3x.
                  For reference: the key from the keyring (through a file backend:
                  this machine has no keyring service), and the passphrase from
                  ``TRACKER_PASSPHRASE_COMMAND`` (a key derivation each time); and,
                  in process, the key derivation itself (PBKDF2-HMAC-SHA512, 256,000
                  rounds) against opening with the raw key.

Needs tmux and /usr/bin/time (first_screen, memory) and the sqlite3 command (export).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import hashlib
import json
import os
import platform
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / ".data"
WORK = DATA / "work"
RESULTS = HERE / "results"
SEED = 7
PY = sys.executable
MEASUREMENTS = (
    "first_screen",
    "memory",
    "chart",
    "export",
    "import",
    "patterns",
    "shell",
    "encrypted",
)
TRACKER_MARKER = "Today ·"  # the home screen's title, set once its data is shown
TRENDS_MARKER = "checked in on"  # trends' insights, shown once its worker read the data
THEN_SETTLE = 3.0  # seconds on Trends before quitting: its warm-up is done by then
BARE_MARKER = "Bare baseline ready"  # bare_app.py shows its first argument as its title
BASELINE_IMPORTS = "import click, sqlite_utils, platformdirs"
SIZE = (120, 40)


# The floor of any Python export: csv.writer over a raw cursor (no names, no checks).
def _names_sql(kind: str, link: str, key: str) -> str:
    return (
        f"(SELECT group_concat(name, '|') FROM (SELECT n.name FROM {link} l "
        f"JOIN {kind} n ON n.id = l.{key} WHERE l.checkin_id = c.id "
        f"ORDER BY n.name COLLATE NOCASE)) AS {kind}"
    )


#: What tracker's export holds (names joined and sorted, rows by day and time), as
#: one statement for the sqlite3 command: the same work done in C, for reference.
SQLITE3_SAME = (
    "SELECT c.*, "
    + ", ".join(
        _names_sql(*link)
        for link in (
            ("emotions", "checkin_emotions", "emotion_id"),
            ("people", "checkin_people", "person_id"),
            ("tags", "checkin_tags", "tag_id"),
        )
    )
    + " FROM checkins c ORDER BY c.day, julianday(c.created_at), c.created_at, c.id"
)

PYTHON_CSV = (
    "import csv, sqlite3, sys; c = sqlite3.connect(sys.argv[1]).execute("
    "'select * from checkins'); w = csv.writer(open(sys.argv[2], 'w', newline='')); "
    "w.writerow([d[0] for d in c.description]); w.writerows(c)"
)

BUDGETS = {
    "first_screen": 1.15,  # at most x the bare Textual app
    "memory": 1.4,  # at most x the bare Textual app, 30 years, trends opened
    "chart_p95_ms": 33.0,  # at most, 30 years
    "export": 2.0,  # at most x the sqlite3 command making tracker's columns
    "import_per_s": 25_000,  # at least
    "shell": 1.25,  # at most x python -c "import click, sqlite_utils, platformdirs"
    "patterns_report_share": 0.25,  # at most x the whole 30-day report, 10 years
    "encrypted": 1.3,  # at most x tracker status on the plain database (key cached)
}

sys.path.insert(0, str(ROOT))  # run from a checkout without installing, too


# --- small helpers ---------------------------------------------------------------------


def tracker_command() -> str:
    beside = Path(PY).parent / "tracker"
    if beside.exists():
        return str(beside)
    found = shutil.which("tracker")
    if not found:
        sys.exit(
            "The 'tracker' command is not installed beside this Python (pip install -e . first)."
        )
    return found


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile, q in 0..100."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def years_words(years: float) -> str:
    return f"{years:g} year" + ("" if years == 1 else "s")


def log(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


def timed(
    cmd: list[str],
    *,
    stdout=subprocess.DEVNULL,
    env: dict | None = None,
    ok_codes: tuple[int, ...] = (0,),
) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - started
    if proc.returncode not in ok_codes:
        raise RuntimeError(
            f"{shlex.join(cmd)} exited {proc.returncode}:\n"
            f"{proc.stderr.decode(errors='replace')[-2000:]}"
        )
    return elapsed


@dataclass
class Row:
    """One line of the results table."""

    name: str
    tracker: str
    baseline: str = ""
    ratio: str = ""
    budget: str = ""
    ok: bool | None = None  # None: for information, no budget
    note: str = ""

    @property
    def result(self) -> str:
        return "" if self.ok is None else ("pass" if self.ok else "FAIL")


@dataclass
class Run:
    quick: bool
    runs: int
    rows: list[Row] = field(default_factory=list)
    samples: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# --- data sets -------------------------------------------------------------------------


def _fingerprint() -> str:
    from tracker.store import SCHEMA_VERSION

    digest = hashlib.sha256((ROOT / "tracker" / "demo.py").read_bytes())
    digest.update(str(SCHEMA_VERSION).encode())
    return digest.hexdigest()[:8]


def _build(path: Path, years: float, seed: int, fill_to: int | None = None) -> dict:
    """Write demo data into a new database at ``path``; returns its summary.

    ``fill_to``: then add check-ins from further demo data sets (the next seeds, same
    years) through ``Store.save_checkins`` until there are exactly that many. The demo
    generator starts no earlier than 1900, so ~100k check-ins need a few of them.
    """
    from tracker.demo import generate
    from tracker.store import Store

    remove_db(path)
    with Store.open(path) as store:
        summary = asdict(generate(store, years=years, seed=seed))
        extra_seed = seed
        while fill_to and store.checkin_count() < fill_to:
            extra_seed += 1
            more = DATA / f".extra-{extra_seed}.db"
            remove_db(more)
            with Store.open(more) as other:
                generate(other, years=years, seed=extra_seed)
                checkins = other.checkins(oldest_first=True)
            remove_db(more)
            store.save_checkins(checkins[: fill_to - store.checkin_count()])
        summary["checkins"] = store.checkin_count()
        summary["seeds"] = list(range(seed, extra_seed + 1))
    remove_db(Path(f"{path}-wal"))
    return summary


def dataset(
    years: float, label: str | None = None, fill_to: int | None = None
) -> tuple[Path, dict]:
    """A seeded demo database of ``years`` ending today, built once and cached."""
    from tracker import clock

    label = label or f"{years:g}y"
    today = clock.today().isoformat()
    name = f"demo-{label}-seed{SEED}-{today}-{_fingerprint()}"
    path = DATA / f"{name}.db"
    meta_path = DATA / f"{name}.json"
    if path.exists() and meta_path.exists():
        return path, json.loads(meta_path.read_text())
    DATA.mkdir(parents=True, exist_ok=True)
    log(f"building the {label} demo data set ({years_words(years)}) ...")
    tmp = DATA / f".{name}.building.db"
    started = time.perf_counter()
    summary = _build(tmp, years, SEED, fill_to)
    for old in DATA.glob(f"demo-{label}-*"):  # yesterday's, or an older generator's
        old.unlink()
    os.replace(tmp, path)
    meta = {
        "years": years,
        "seed": SEED,
        "end": today,
        **summary,
        "build_s": round(time.perf_counter() - started, 2),
    }
    meta_path.write_text(json.dumps(meta, indent=1))
    log(f"  {meta['checkins']:,} check-ins in {meta['build_s']} s")
    return path, meta


def big_dataset(target: int) -> tuple[Path, dict]:
    """Exactly ``target`` check-ins (more in --quick), from a few seeded demo data sets."""
    _, meta30 = dataset(30)
    per_year = meta30["checkins"] / 30
    sets = max(1, -(-target // int(per_year * 100)))  # the generator goes back to 1900 only
    years = round(target / sets / per_year * 1.03 + 0.5)
    return dataset(years, f"{target // 1000}k", fill_to=target if sets > 1 else None)


# --- tmux ------------------------------------------------------------------------------


class Tmux:
    """A private tmux server (its own socket) to launch apps in, one session per run."""

    def __init__(self) -> None:
        if not shutil.which("tmux"):
            raise RuntimeError("tmux is not installed (apt-get install tmux)")
        self.socket = f"bench-{os.getpid()}"
        self.count = 0
        self.at_marker: tuple[float, int] = (float("nan"), 0)
        # A keep-alive session so the server is up before the first timed launch.
        self._tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "keep",
            "-x",
            str(SIZE[0]),
            "-y",
            str(SIZE[1]),
            "sleep 86400",
        )

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check
        )

    def launch(
        self,
        command: str,
        marker: str,
        *,
        timeout: float = 60,
        settle: float = 0.5,
        quit_key: str = "C-q",
        then: tuple[str, str] | None = None,
    ) -> tuple[float, str]:
        """Start ``command`` in a new 120x40 session; seconds until ``marker`` shows.

        Then, given ``then`` (keys, marker), presses the keys and waits for that
        marker; then waits ``settle`` seconds, presses ``quit_key`` and waits for the exit.
        """
        self.count += 1
        session = f"run{self.count}"
        started = time.perf_counter()
        self._tmux(
            "new-session", "-d", "-s", session, "-x", str(SIZE[0]), "-y", str(SIZE[1]), command
        )
        elapsed, screen = self._wait_for(session, command, marker, started, timeout)
        self.at_marker = self._process_figures(session)
        if then is not None:
            keys, next_marker = then
            self._tmux("send-keys", "-t", session, keys, check=False)
            self._wait_for(session, command, next_marker, time.perf_counter(), timeout)
            settle = max(settle, THEN_SETTLE)
        time.sleep(settle)
        self._tmux("send-keys", "-t", session, quit_key, check=False)
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            if self._tmux("has-session", "-t", session, check=False).returncode != 0:
                break
            time.sleep(0.02)
        else:
            self._tmux("kill-session", "-t", session, check=False)
        return elapsed, screen

    def _wait_for(
        self, session: str, command: str, marker: str, started: float, timeout: float
    ) -> tuple[float, str]:
        """Seconds from ``started`` until ``marker`` shows, and the screen then."""
        screen = ""
        while time.perf_counter() - started < timeout:
            shown = self._tmux("capture-pane", "-p", "-t", session, check=False)
            if shown.returncode != 0:  # the session ended: the command failed
                break
            screen = shown.stdout
            if marker in screen:
                return time.perf_counter() - started, screen
            time.sleep(0.004)
        self._tmux("kill-session", "-t", session, check=False)
        raise RuntimeError(
            f"{command!r} did not show {marker!r} within {timeout} s; the screen was:\n{screen}"
        )

    def _process_figures(self, session: str) -> tuple[float, int]:
        """(CPU seconds, peak RSS KiB) so far of the app in ``session`` (Linux /proc).

        The pane runs ``/usr/bin/time``; the app is its child.
        """
        shown = self._tmux("display-message", "-p", "-t", session, "#{pane_pid}", check=False)
        try:
            pid = int(shown.stdout.strip())
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            app = int(children[0]) if children else pid
            fields = Path(f"/proc/{app}/stat").read_text().rsplit(")", 1)[1].split()
            ticks = os.sysconf("SC_CLK_TCK")
            cpu = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
            status = Path(f"/proc/{app}/status").read_text()
            hwm = next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")
            )
            return cpu, hwm
        except (OSError, ValueError, IndexError, StopIteration):
            return float("nan"), 0

    def close(self) -> None:
        self._tmux("kill-server", check=False)


def launch_measured(
    tmux: Tmux, argv: list[str], marker: str, tag: str, then: tuple[str, str] | None = None
) -> dict[str, float]:
    """One launch: seconds to the first screen, and CPU and peak RSS at that moment.

    Also the peak RSS and CPU of the whole run (start, first screen, ``then``'s keys
    and marker if given, 0.5 s idle, quit) from ``/usr/bin/time``, which the app runs
    under.
    """
    rss_file = WORK / f"rss-{tag}.txt"
    with contextlib.suppress(FileNotFoundError):
        rss_file.unlink()
    command = shlex.join(["/usr/bin/time", "-f", "%M %U %S", "-o", str(rss_file), *argv])
    seconds, _ = tmux.launch(command, marker, then=then)
    cpu_first, hwm_first = tmux.at_marker
    for _ in range(100):
        if rss_file.exists() and rss_file.read_text().strip():
            break
        time.sleep(0.02)
    words = rss_file.read_text().split() if rss_file.exists() else []
    try:
        rss, cpu = int(words[-3]), float(words[-2]) + float(words[-1])
    except (IndexError, ValueError):
        rss, cpu = 0, float("nan")
    return {
        "first_screen_s": seconds,
        "cpu_first_s": cpu_first,
        "rss_first_kib": hwm_first,
        "rss_kib": rss,
        "cpu_s": cpu,
    }


# --- measurements ------------------------------------------------------------------------


def _interleaved_launches(
    apps: dict[str, tuple[list[str], str, tuple[str, str] | None]], n: int
) -> dict[str, list[dict[str, float]]]:
    """``n`` rounds of one launch of each app (plus a warm-up round), in turns."""
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in apps}
    tmux = Tmux()
    try:
        for i in range(n + 1):
            for name, (argv, marker, then) in apps.items():
                figures = launch_measured(tmux, argv, marker, name, then)
                if i:  # the first round warms the disk cache
                    runs[name].append(figures)
    finally:
        tmux.close()
    return runs


def _bare_app() -> tuple[list[str], str, None]:
    return [PY, str(HERE / "bare_app.py"), BARE_MARKER], BARE_MARKER, None


def measure_first_screen(run: Run) -> None:
    db, meta = dataset(1 if run.quick else 10)
    n = run.runs
    log(f"first screen: {n} interleaved launches of each (plus one warm-up) ...")
    runs = _interleaved_launches(
        {
            "bare": _bare_app(),
            "tracker": ([tracker_command(), "--db", str(db)], TRACKER_MARKER, None),
        },
        n,
    )
    run.samples["launches"] = runs

    def med(name: str, key: str) -> float:
        return median([r[key] for r in runs[name]])

    data = f"{years_words(meta['years'])}, {meta['checkins']:,} check-ins"
    t, b = med("tracker", "first_screen_s"), med("bare", "first_screen_s")
    ratio = t / b
    run.rows.append(
        Row(
            f"first screen ({data})",
            fmt_s(t),
            f"{fmt_s(b)} bare app",
            f"{ratio:.2f}x",
            f"<= {BUDGETS['first_screen']}x",
            ratio <= BUDGETS["first_screen"],
            f"launch until the home screen shows; median of {n}, tmux {SIZE[0]}x{SIZE[1]}",
        )
    )
    tc, bc = med("tracker", "cpu_first_s"), med("bare", "cpu_first_s")
    if tc == tc and bc == bc:  # not NaN
        run.rows.append(
            Row(
                "  CPU time until then",
                fmt_s(tc),
                f"{fmt_s(bc)} bare app",
                f"{tc / bc:.2f}x",
                note="user + system CPU of the app when its first screen showed (/proc); "
                "less sensitive to a busy machine than the wall time",
            )
        )


def measure_memory(run: Run) -> None:
    db, meta = dataset(1 if run.quick else 30)
    n = max(3, run.runs // 2)
    log(f"memory: {n} interleaved launches of each (plus one warm-up), trends opened ...")
    runs = _interleaved_launches(
        {
            "bare": _bare_app(),
            "tracker": ([tracker_command(), "--db", str(db)], TRACKER_MARKER, ("g", TRENDS_MARKER)),
        },
        n,
    )
    run.samples["memory_launches"] = runs

    def med(name: str, key: str) -> float:
        return median([r[key] for r in runs[name]])

    data = f"{years_words(meta['years'])}, {meta['checkins']:,} check-ins"
    t, b = med("tracker", "rss_kib"), med("bare", "rss_kib")
    if not (t and b):
        run.rows.append(Row("peak memory", "not measured", note="/usr/bin/time gave nothing"))
        return
    ratio = t / b
    run.rows.append(
        Row(
            f"peak memory, app with Trends open ({data})",
            f"{t / 1024:.1f} MiB",
            f"{b / 1024:.1f} MiB bare app",
            f"{ratio:.2f}x",
            f"<= {BUDGETS['memory']}x",
            ratio <= BUDGETS["memory"],
            f"peak RSS of the whole run (/usr/bin/time %M): Today, then g until Trends shows "
            f"its insights, {THEN_SETTLE:g} s, quit; bare app: first screen, 0.5 s, quit; "
            f"median of {n}",
        )
    )
    tf, bf = med("tracker", "rss_first_kib"), med("bare", "rss_first_kib")
    if tf and bf:
        run.rows.append(
            Row(
                "  peak memory at first screen",
                f"{tf / 1024:.1f} MiB",
                f"{bf / 1024:.1f} MiB bare app",
                f"{tf / bf:.2f}x",
                note="VmHWM from /proc when the first screen (Today) showed",
            )
        )


def measure_chart(run: Run) -> None:
    sets = [1] if run.quick else [1, 10, 30]
    rounds = 1 if run.quick else max(2, run.runs // 4)
    for years in sets:
        db, meta = dataset(years)
        log(f"chart switch at {years} years: {rounds} app run(s) ...")
        cmd = [PY, str(HERE / "chart_switch.py"), "--db", str(db), "--rounds", str(rounds)]
        if run.quick:
            cmd += ["--cold-repeats", "1"]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0 or not proc.stdout.strip():
            raise RuntimeError(f"chart_switch.py failed:\n{proc.stderr[-3000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        run.samples[f"chart_{years}y"] = result
        key, cpu, cold = result["key_ms"], result["key_cpu_ms"], result["redraw_cold_ms"]
        p95 = percentile(key, 95)
        budgeted = years == (1 if run.quick else 30)
        run.rows.append(
            Row(
                f"chart switch, key -> frame ({years_words(years)})",
                f"p50 {percentile(key, 50):.0f} ms, p95 {p95:.0f} ms",
                ratio=f"cpu p95 {percentile(cpu, 95):.0f} ms",
                budget=f"p95 <= {BUDGETS['chart_p95_ms']:.0f} ms" if budgeted else "",
                ok=(p95 <= BUDGETS["chart_p95_ms"]) if budgeted else None,
                note=f"{len(key)} keys ({result['keys']}), {result['think']} s apart",
            )
        )
        run.rows.append(
            Row(
                f"chart redraw(), caches emptied ({years_words(years)})",
                f"p50 {percentile(cold, 50):.0f} ms, p95 {percentile(cold, 95):.0f} ms",
                note=f"{len(cold)} calls of TrendsScreen.redraw(), range and chart caches cleared",
            )
        )


def measure_export(run: Run) -> Path:
    """Returns the CSV tracker wrote (the import measurement reads it)."""
    target = 5_000 if run.quick else 100_000
    db, meta = big_dataset(target)
    tracker = tracker_command()
    WORK.mkdir(parents=True, exist_ok=True)
    out = WORK / "export-tracker.csv"
    base_out = WORK / "export-sqlite3.csv"
    if not shutil.which("sqlite3"):
        raise RuntimeError("the sqlite3 command is not installed (apt-get install sqlite3)")
    times: dict[str, list[float]] = {
        "sqlite3": [],
        "tracker": [],
        "python_csv": [],
        "sqlite3_same": [],
    }
    same_out = WORK / "export-sqlite3-same.csv"
    n = run.runs if not run.quick else 3
    raw_out = WORK / "export-python-csv.csv"
    log(f"export: {n} interleaved runs of each over {meta['checkins']:,} check-ins ...")
    for i in range(n + 1):
        with open(base_out, "wb") as handle:
            b = timed(
                ["sqlite3", "-header", "-csv", str(db), "select * from checkins"], stdout=handle
            )
        out.unlink(missing_ok=True)
        t = timed([tracker, "--db", str(db), "export", "--table", "checkins", "--out", str(out)])
        p = timed([PY, "-c", PYTHON_CSV, str(db), str(raw_out)])
        with open(same_out, "wb") as handle:
            s = timed(["sqlite3", "-header", "-csv", str(db), SQLITE3_SAME], stdout=handle)
        if i:
            times["sqlite3_same"].append(s)
            times["sqlite3"].append(b)
            times["tracker"].append(t)
            times["python_csv"].append(p)
    with open(out, newline="", encoding="utf-8") as handle:
        rows = sum(1 for _ in csv.reader(handle)) - 1
    if rows != meta["checkins"]:
        raise RuntimeError(f"tracker export wrote {rows} rows, expected {meta['checkins']}")
    run.samples["export_s"] = times
    t, s = median(times["tracker"]), median(times["sqlite3_same"])
    b, p = median(times["sqlite3"]), median(times["python_csv"])
    same = f"{fmt_s(s)} sqlite3 same columns"
    ratio = t / s
    run.rows.append(
        Row(
            f"export check-ins ({rows:,} rows)",
            fmt_s(t),
            same,
            f"{ratio:.2f}x",
            f"<= {BUDGETS['export']}x",
            ratio <= BUDGETS["export"],
            f"whole commands, median of {n}; the baseline is the sqlite3 command running one "
            "SELECT that gives the same columns as tracker (names joined, sorted by NOCASE) in "
            "the same order (day, time, id): the same content made in C, without neutralising",
        )
    )
    run.rows.append(
        Row(
            "  for reference: sqlite3 -csv of the bare table",
            fmt_s(b),
            same,
            f"{b / s:.2f}x",
            note=f"sqlite3 -header -csv 'select * from checkins': no names, no "
            f"order, the old baseline; tracker took {t / b:.2f}x this",
        )
    )
    run.rows.append(
        Row(
            "  for reference: Python csv over a raw cursor",
            fmt_s(p),
            same,
            f"{p / s:.2f}x",
            note="python -c: sqlite3 + csv.writer.writerows of "
            "'select * from checkins', no names: the floor of a Python export",
        )
    )
    return out


def _link_counts(db: Path) -> tuple[int, int, int, int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore
            for t in ("checkins", "checkin_emotions", "checkin_people", "checkin_tags")
        )
    finally:
        conn.close()


def measure_import(run: Run, source_csv: Path | None) -> None:
    target = 5_000 if run.quick else 100_000
    db, meta = big_dataset(target)
    tracker = tracker_command()
    if source_csv is None or not source_csv.exists():
        source_csv = WORK / "export-tracker.csv"
        source_csv.unlink(missing_ok=True)
        WORK.mkdir(parents=True, exist_ok=True)
        timed([tracker, "--db", str(db), "export", "--table", "checkins", "--out", str(source_csv)])
    help_run = subprocess.run([tracker, "import", "--help"], capture_output=True, text=True)
    if help_run.returncode != 0:
        run.rows.append(
            Row(
                "import check-ins",
                "not available yet",
                note="'tracker import' failed: "
                + (help_run.stderr.strip().splitlines() or ["?"])[-1],
            )
        )
        return
    expected = _link_counts(db)
    n = max(3, run.runs // 2) if not run.quick else 2
    log(f"import: {n} runs of {expected[0]:,} check-ins into a new database ...")
    times = []
    target_db = WORK / "import-target.db"
    for i in range(n + 1):
        remove_db(target_db)
        seconds = timed([tracker, "--db", str(target_db), "import", str(source_csv)])
        got = _link_counts(target_db)
        if got != expected:
            raise RuntimeError(
                f"import gave (check-ins, emotion, people, tag links) {got}, expected {expected}"
            )
        if i:
            times.append(seconds)
    remove_db(target_db)
    run.samples["import_s"] = times
    t = median(times)
    rate = expected[0] / t
    run.rows.append(
        Row(
            f"import check-ins ({expected[0]:,}, with {sum(expected[1:]):,} name links)",
            f"{rate:,.0f} /s",
            ratio=fmt_s(t),
            budget=f">= {BUDGETS['import_per_s']:,}/s",
            ok=rate >= BUDGETS["import_per_s"],
            note=f"whole command into a new database, median of {n}",
        )
    )


def measure_patterns(run: Run) -> None:
    """In process, runs interleaved: the report's patterns section against the whole
    report, and the Patterns view's work against what Trends reads."""
    import datetime as dt

    from tracker import clock, patterns, report
    from tracker.store import Store

    db, meta = dataset(1 if run.quick else 10)
    years = years_words(meta["years"])
    n = run.runs if not run.quick else 3
    today = clock.today()
    month = today - dt.timedelta(days=29)
    log(f"patterns: {n} interleaved runs of each ({years}) ...")
    times: dict[str, list[float]] = {
        k: [] for k in ("report", "section", "snapshot", "view_30", "view_all")
    }
    with Store.open_read_only(db, cache_kib=8192) as store:
        first = dt.date.fromisoformat(store.first_checkin_day() or today.isoformat())
        work = {
            "report": lambda: report.build_report(store, month, today),
            "section": lambda: report.patterns_section(store, month, today, today),
            "snapshot": lambda: report.load_snapshot(store, today),
            "view_30": lambda: patterns.patterns(
                store.pattern_facts(month.isoformat(), today.isoformat()), today
            ),
            "view_all": lambda: patterns.patterns(
                store.pattern_facts(first.isoformat(), today.isoformat()), today
            ),
        }
        for i in range(n + 1):
            for name, step in work.items():
                started = time.perf_counter()
                step()
                if i:  # one warm-up round
                    times[name].append(time.perf_counter() - started)
    run.samples["patterns_s"] = times
    med = {k: median(v) for k, v in times.items()}
    share = med["section"] / med["report"]
    run.rows.append(
        Row(
            f"patterns section of a 30-day report ({years})",
            fmt_s(med["section"]),
            f"{fmt_s(med['report'])} the whole report",
            f"{share:.2f}x",
            f"<= {BUDGETS['patterns_report_share']}x",
            share <= BUDGETS["patterns_report_share"],
            f"in process, median of {n}; report.build_report includes the section",
        )
    )
    for key, words in (("view_30", "30 days"), ("view_all", "everything")):
        run.rows.append(
            Row(
                f"  for reference: Patterns view, {words} ({years})",
                fmt_s(med[key]),
                f"{fmt_s(med['snapshot'])} Trends' read",
                f"{med[key] / med['snapshot']:.2f}x",
                note="Store.pattern_facts + patterns.patterns, against report.load_snapshot "
                "(what Trends reads); the view reads in a worker of its own screen",
            )
        )


def measure_shell(run: Run) -> None:
    db, meta = dataset(1 if run.quick else 10)
    tracker = tracker_command()
    WORK.mkdir(parents=True, exist_ok=True)
    add_db = WORK / "add.db"
    remove_db(add_db)
    shutil.copyfile(db, add_db)
    commands = {
        "baseline": [PY, "-c", BASELINE_IMPORTS],
        "status": [tracker, "--db", str(db), "status"],
        "add": [tracker, "--db", str(add_db), "add", "--mood", "3"],
    }
    n = run.runs * 2 if not run.quick else 3
    times: dict[str, list[float]] = {k: [] for k in commands}
    names = list(commands)
    log(f"shell commands: {n} interleaved runs of each ...")
    for i in range(n + 2):
        order = names[i % 3 :] + names[: i % 3]  # rotate, so no command always goes first
        for name in order:
            seconds = timed(commands[name], ok_codes=(0, 1))
            if i >= 2:  # two warm-up rounds
                times[name].append(seconds)
    remove_db(add_db)
    run.samples["shell_s"] = times
    base = median(times["baseline"])
    for name, words in (("status", "tracker status"), ("add", "tracker add --mood 3")):
        t = median(times[name])
        ratio = t / base
        run.rows.append(
            Row(
                f"{words} ({years_words(meta['years'])})",
                fmt_s(t),
                f"{fmt_s(base)} python -c 'import ...'",
                f"{ratio:.2f}x",
                f"<= {BUDGETS['shell']}x",
                ratio <= BUDGETS["shell"],
                f"whole process, median of {n}; baseline: python -c '{BASELINE_IMPORTS}'",
            )
        )


def _encrypted_copies(db: Path) -> tuple[Path, Path, dict[str, dict[str, str]]]:
    """A plain and an encrypted copy of ``db`` (each in a folder of its own, for its
    backups), and the environment of each way to unlock the encrypted one."""
    from tracker import encryption, unlocking
    from tracker.store import cipher

    plain, encrypted = WORK / "plain" / "tracker.db", WORK / "encrypted" / "tracker.db"
    for copy in (plain, encrypted):
        shutil.rmtree(copy.parent, ignore_errors=True)
        copy.parent.mkdir(parents=True, mode=0o700)
        shutil.copyfile(db, copy)
    passphrase = "a benchmark passphrase, not a secret"
    key = cipher.derive_key(passphrase, cipher.new_salt())
    encryption.encrypt(encrypted, key)
    runtime = WORK / "runtime"
    shutil.rmtree(runtime, ignore_errors=True)
    runtime.mkdir(mode=0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    try:
        unlocking.cache_key(key, 24 * 60)
    finally:
        del os.environ["XDG_RUNTIME_DIR"]
    ring = WORK / "keyring.json"
    ring.write_text(json.dumps({f"tracker/{key.salt.hex()}": key.to_text()}))
    secret = WORK / "passphrase"
    secret.write_text(passphrase + "\n")
    envs = {
        "cache": {"XDG_RUNTIME_DIR": str(runtime)},
        "keyring": {
            "PYTHON_KEYRING_BACKEND": "tests.keyring_backend.FileKeyring",
            "TRACKER_TEST_KEYRING": str(ring),
            "PYTHONPATH": str(ROOT),
        },
        "command": {"TRACKER_PASSPHRASE_COMMAND": f"cat {shlex.quote(str(secret))}"},
    }
    return plain, encrypted, envs


def measure_encrypted(run: Run) -> None:
    db, meta = dataset(1 if run.quick else 10)
    tracker = tracker_command()
    WORK.mkdir(parents=True, exist_ok=True)
    plain, encrypted, envs = _encrypted_copies(db)
    bare = {
        k: v
        for k, v in os.environ.items()
        if k not in ("XDG_RUNTIME_DIR", "PYTHON_KEYRING_BACKEND")
        and not k.startswith("TRACKER_PASS")
    }
    commands = {
        "plain": ([tracker, "--db", str(plain), "status"], bare),
        **{
            way: ([tracker, "--db", str(encrypted), "status"], {**bare, **env})
            for way, env in envs.items()
        },
    }
    n = run.runs * 2 if not run.quick else 3
    times: dict[str, list[float]] = {k: [] for k in commands}
    names = list(commands)
    log(f"tracker status, plain and encrypted: {n} interleaved runs of each ...")
    for i in range(n + 2):
        order = names[i % len(names) :] + names[: i % len(names)]
        for name in order:
            cmd, env = commands[name]
            seconds = timed(cmd, env=env, ok_codes=(0, 1))
            if i >= 2:  # two warm-up rounds (the first makes each copy's daily backup)
                times[name].append(seconds)
    run.samples["encrypted_status_s"] = times
    base = median(times["plain"])
    words = {
        "cache": ("key from the session's cache (tracker unlock)", True),
        "keyring": ("key from the keyring (a file backend)", False),
        "command": ("passphrase from TRACKER_PASSPHRASE_COMMAND (derived each time)", False),
    }
    for way, (how, budgeted) in words.items():
        t = median(times[way])
        ratio = t / base
        run.rows.append(
            Row(
                f"tracker status, encrypted, {how} ({years_words(meta['years'])})",
                fmt_s(t),
                f"{fmt_s(base)} tracker status, plain",
                f"{ratio:.2f}x",
                f"<= {BUDGETS['encrypted']}x" if budgeted else "",
                ratio <= BUDGETS["encrypted"] if budgeted else None,
                f"whole process, median of {n}, interleaved with the plain one",
            )
        )
    _key_derivation(run, encrypted)
    shutil.rmtree(plain.parent, ignore_errors=True)
    shutil.rmtree(encrypted.parent, ignore_errors=True)


def _key_derivation(run: Run, encrypted: Path) -> None:
    """The cost of unlocking with a passphrase: the key derivation, in process."""
    from tracker.store import cipher

    salt = cipher.file_salt(encrypted)
    assert salt is not None
    n = 5 if run.quick else 21
    derive: list[float] = []
    raw_open: list[float] = []
    key = cipher.derive_key("a benchmark passphrase, not a secret", salt)
    for _ in range(n):
        started = time.perf_counter()
        cipher.derive_key("a benchmark passphrase, not a secret", salt)
        derive.append(time.perf_counter() - started)
        started = time.perf_counter()
        assert cipher.unlocks(encrypted, key)
        raw_open.append(time.perf_counter() - started)
    run.samples["key_derivation_s"] = {"derive": derive, "open_with_raw_key": raw_open}
    run.rows.append(
        Row(
            f"key derivation (PBKDF2-HMAC-SHA512, {cipher.KDF_ITERATIONS:,} rounds)",
            fmt_s(median(derive)),
            f"{median(raw_open) * 1000:.2f} ms open with the raw key",
            f"{median(derive) / median(raw_open):.0f}x",
            note=f"in process, median of {n}: what a passphrase costs each time it is "
            "typed or printed by a command",
        )
    )


def precompile() -> None:
    """Byte-compile tracker, as ``pip install`` does for an installed package.

    An editable checkout under PYTHONDONTWRITEBYTECODE=1 (set on some machines)
    would otherwise compile every tracker module from source at every launch
    (about 30 ms for ``tracker status``, more for the app), which no installed
    copy does. Python still reads these files when it may not write them.
    """
    subprocess.run(
        [PY, "-m", "compileall", "-q", str(ROOT / "tracker")],
        stdout=subprocess.DEVNULL,
        check=False,
    )


# --- output ------------------------------------------------------------------------------


def _sqlcipher_sqlite() -> str:
    """The SQLite inside SQLCipher's library (bundled by sqlcipher3), which tracker's
    connections to encrypted files use (plain files: Python's, :mod:`sqlite3`)."""
    try:
        from tracker.store import engine

        return str(engine.module(engine.SQLCIPHER).sqlite_version)
    except ImportError:
        return "?"


def environment() -> list[str]:
    import importlib.metadata as md

    def version(name: str) -> str:
        try:
            return md.version(name)
        except md.PackageNotFoundError:
            return "?"

    commit = (
        subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        or "?"
    )
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return [
        f"{dt.datetime.now():%Y-%m-%d %H:%M}, commit {commit}{' + changes' if dirty else ''}",
        f"Python {platform.python_version()}, Textual {version('textual')}, "
        f"sqlite-utils {version('sqlite-utils')}, SQLite {sqlite3.sqlite_version} (Python's: "
        f"tracker's plain files), sqlcipher3 {version('sqlcipher3')} with SQLite "
        f"{_sqlcipher_sqlite()} (tracker's encrypted files), "
        f"plotext {version('plotext')}",
        f"{platform.machine()}, {os.cpu_count()} CPUs, load average {load} (1, 5, 15 min)",
        "tracker byte-compiled first (python -m compileall tracker), as pip install does"
        + (
            "; PYTHONDONTWRITEBYTECODE is set here"
            if os.environ.get("PYTHONDONTWRITEBYTECODE")
            else ""
        ),
    ]


HEADERS = ("measurement", "tracker", "baseline", "ratio", "budget", "result")


def table_rows(run: Run) -> list[tuple[str, ...]]:
    return [(r.name, r.tracker, r.baseline, r.ratio, r.budget, r.result) for r in run.rows]


def text_table(run: Run) -> str:
    rows = [HEADERS, *table_rows(run)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(run: Run, command: str, env: list[str]) -> str:
    out = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for row in table_rows(run):
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    out.append("")
    out.append(f"`{command}`")
    out.append("")
    out += [f"- {line}" for line in env]
    notes = [f"{r.name}: {r.note}" for r in run.rows if r.note] + run.notes
    if notes:
        out.append("")
        out += [f"- {note}" for note in notes]
    return "\n".join(out) + "\n"


# --- main --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="tracker's benchmarks: medians and ratios against same-run baselines."
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny data and few runs: checks that the harness works; "
        "the figures are not the budget's",
    )
    parser.add_argument(
        "--only", metavar="NAMES", help=f"comma-separated subset of: {', '.join(MEASUREMENTS)}"
    )
    parser.add_argument(
        "--runs", type=int, default=None, help="repetitions per measurement (default 15; --quick 3)"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a budget fails")
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        metavar="DIR",
        help="where to write latest.md and latest.json (default benchmarks/results)",
    )
    args = parser.parse_args(argv)
    chosen = list(MEASUREMENTS)
    if args.only:
        chosen = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = set(chosen) - set(MEASUREMENTS)
        if unknown:
            parser.error(
                f"unknown measurement(s) {', '.join(sorted(unknown))}; "
                f"choose from {', '.join(MEASUREMENTS)}"
            )
    run = Run(quick=args.quick, runs=args.runs or (3 if args.quick else 15))
    WORK.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/run.py" + ("".join(f" {a}" for a in (argv or sys.argv[1:])))
    started = time.perf_counter()
    precompile()
    env_before = environment()
    exported: list[Path | None] = [None]

    def export_step() -> None:
        exported[0] = measure_export(run)

    steps = [
        ("first_screen" in chosen, "first screen", lambda: measure_first_screen(run)),
        ("memory" in chosen, "memory", lambda: measure_memory(run)),
        ("chart" in chosen, "chart switch", lambda: measure_chart(run)),
        ("export" in chosen, "export", export_step),
        ("import" in chosen, "import", lambda: measure_import(run, exported[0])),
        ("patterns" in chosen, "patterns", lambda: measure_patterns(run)),
        ("shell" in chosen, "shell commands", lambda: measure_shell(run)),
        ("encrypted" in chosen, "encrypted status", lambda: measure_encrypted(run)),
    ]
    for wanted, label, step in steps:
        if not wanted:
            continue
        try:
            step()
        except Exception as exc:  # one broken measurement must not hide the others
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            print(f"\n{label} could not be measured:\n{exc}\n", file=sys.stderr)
            run.rows.append(Row(label, "ERROR", ok=False, note=first[:300]))
    env = env_before + [
        "load average after: "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + f"; harness took {time.perf_counter() - started:.0f} s"
    ]
    if run.quick:
        run.notes.append("--quick: tiny data and few runs; these figures do not judge the budgets.")
    print()
    print(text_table(run))
    print()
    for line in env:
        print(line)
    for row in run.rows:
        if row.note:
            print(f"  {row.name}: {row.note}")
    results = args.results
    results.mkdir(parents=True, exist_ok=True)
    (results / "latest.md").write_text(markdown(run, command, env), encoding="utf-8")
    (results / "latest.json").write_text(
        json.dumps(
            {
                "command": command,
                "environment": env,
                "rows": [asdict(r) for r in run.rows],
                "samples": run.samples,
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    print(f"\nWrote {results / 'latest.md'}")
    failed = [r for r in run.rows if r.ok is False]
    return 1 if (args.check and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
