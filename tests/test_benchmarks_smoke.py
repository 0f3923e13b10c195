"""The benchmark harness still runs: its building blocks on a tiny data set.

No timing is asserted (the figures depend on the machine); these check that the
harness builds its data, runs the commands it times, and prints and writes its table.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "benchmarks" / "run.py"


def test_quick_encrypted_benchmark_has_its_rows(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_DB"}
    result = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--only", "encrypted", "--results", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "encrypted, key from the session's cache" in out and "<= 1.3x" in out
    assert "key derivation (PBKDF2-HMAC-SHA512, 256,000 rounds)" in out
    assert "ERROR" not in out
    samples = json.loads((tmp_path / "latest.json").read_text())["samples"]
    assert set(samples["encrypted_status_s"]) == {"plain", "cache", "keyring", "command"}


def test_quick_shell_benchmark_prints_and_writes_its_table(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_DB"}
    result = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--only", "shell", "--results", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "measurement" in out and "budget" in out
    assert "tracker status" in out and "tracker add --mood 3" in out
    assert "python -c" in out
    latest = tmp_path / "latest.md"
    text = latest.read_text(encoding="utf-8")
    assert text.startswith("| measurement | tracker | baseline | ratio | budget | result |")
    assert "tracker status" in text
    samples = json.loads((tmp_path / "latest.json").read_text())
    shell = samples["samples"]["shell_s"]
    assert set(shell) == {"baseline", "status", "add"}
    assert all(len(times) == 3 and all(t > 0 for t in times) for times in shell.values())


def test_chart_switch_key_sequence_changes_something_on_every_key():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import chart_switch
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    keys = chart_switch.key_sequence()
    # Every chart (1, the regulation chart, is where trends opens) and every range.
    assert set(keys) == set("234567w9yam")
    # No key repeats the one before it, so each press changes what is shown.
    assert all(a != b for a, b in zip(keys, keys[1:]))


def test_unknown_measurement_is_refused():
    result = subprocess.run(
        [sys.executable, str(RUN), "--only", "speed"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert "unknown measurement" in result.stderr
