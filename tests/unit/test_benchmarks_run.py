"""The benchmark scripts still run: they reach into the app (a probe of the board, a timed
reload), so a change of an internal can stop them without any other test noticing.

Tiny sizes: this checks that they run and report, not the figures (those are for
``python benchmarks/bench_*.py`` on a quiet machine; docs/benchmarks.md).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.mark.real_clock("a benchmark times real work: bench_live compares the file's mtime with time.time()")
@pytest.mark.parametrize(
    ("script", "args", "reports"),
    [
        ("bench_tui.py", ["--tasks", "200", "--runs", "1"], "board, first paint"),
        ("bench_live.py", ["--tasks", "200", "--writes", "1", "--idle", "0.5"], "CLI write -> board shows it"),
        ("bench_brief.py", ["--tasks", "200", "--runs", "1"], "status --brief:"),
        (
            "bench_boards.py",
            ["--tasks", "200", "--boards", "2", "--writes", "2", "--interval", "0.5", "--report"],
            "CPU per board per foreign write",
        ),
    ],
)
def test_a_benchmark_runs_and_reports(script: str, args: list[str], reports: str) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert reports in done.stdout and "Traceback" not in done.stderr
