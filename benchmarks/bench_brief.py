"""The login nudge's speed: ``workplan status --brief`` at 10,000 tasks, against Python's own start.

    python benchmarks/bench_brief.py [--tasks 10000] [--runs 21] [--check]

A login shell runs ``workplan status --brief`` from ``~/.profile`` every time, so it must cost
little (issue 27: under 100 ms at 10,000 tasks). Runs interleaved, each a fresh process:
``python -c pass`` (the baseline: Python starting and stopping, which no command can beat),
``workplan status --brief`` for a member with hundreds of tasks, and ``workplan status`` (the
full summary) for scale. Prints each median and the ratios against the baseline measured in
the same run. ``--check`` exits 1 when the nudge's median is over 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import synthetic_file, workplan_cmd  # noqa: E402

TARGET = 0.100  # seconds

# Python writes bytecode on first import unless told not to; users' installs have it.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def once(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.strip()}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args()
    path = synthetic_file(args.tasks)
    env = {**os.environ, "WORKPLAN_USER": "member01", "WORKPLAN_FILE": str(path)}
    commands = {
        "python -c pass (baseline)": [sys.executable, "-c", "pass"],
        "workplan status --brief": [*workplan_cmd(), "status", "--brief"],
        "workplan status": [*workplan_cmd(), "status"],
    }
    print(f"file: {args.tasks} tasks, {path.stat().st_size / 1e6:.1f} MB; {sys.executable} ({sys.version.split()[0]})")
    print(f"median of {args.runs} fresh processes each, interleaved\n")
    times: dict[str, list[float]] = {name: [] for name in commands}
    said = ""
    for cmd in commands.values():  # warm the page cache
        once(cmd, env)
    for _ in range(args.runs):
        for name, cmd in commands.items():
            elapsed, out = once(cmd, env)
            times[name].append(elapsed)
            if name == "workplan status --brief":
                said = out.strip()
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["python -c pass (baseline)"]
    for name, value in medians.items():
        print(f"{name:28} {value * 1000:7.1f} ms   {value / base:5.2f} x baseline")
    brief = medians["workplan status --brief"]
    met = brief <= TARGET
    print(f"\nstatus --brief said: {said or '(nothing)'}")
    print(
        f"status --brief: {brief * 1000:.1f} ms, {brief / base:.2f} x baseline, "
        f"{brief / medians['workplan status']:.2f} x status; target <= {TARGET * 1000:.0f} ms: "
        + ("met" if met else "MISSED")
    )
    if args.check and not met:
        sys.exit(1)


if __name__ == "__main__":
    main()
