"""Concurrent writers on one large shared file: do they queue fairly for the lock, and does every write land?

    python benchmarks/bench_writers.py [--tasks 10000] [--procs 8] [--writes 10]

First the baseline, measured in the same run: one lone `workplan task progress T<k> +1`
with nobody else writing (median of 3 after a warm-up). Then --procs worker processes
start together, each running --writes `workplan task progress T<k> +1` one after the
other, as a different member and on its own tasks. For every write the worker records
the exit code, the wall time and whether stderr said "waiting for" (the notice after
2 s in the lock queue).

Prints writes succeeded / refused, the median and longest write, how many writes
printed the waiting notice, total wall time, and the longest write as a multiple of
the lone write. The lock queue is fair when the longest write stays near --procs
lone writes (a writer waits at most for the others already queued ahead of it) and
nothing reaches the 30 s lock timeout. Then the file is checked: each worker's tasks
went up by exactly its successful writes. PASS (exit 0) when every write succeeded
and the file agrees, else FAIL (exit 1).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import synthetic_file, workplan_cmd  # noqa: E402

MEMBERS = [f"member{i:02d}" for i in range(1, 13)]  # the synthetic file's members
BASELINE_RUNS = 3

# One worker: wait for the common start time, then run its writes one after the other
# and print one JSON line per write. argv: start_at, then the command's words, then
# "--", then the task ids.
DRIVER = r"""
import json, subprocess, sys, time
start_at = float(sys.argv[1])
sep = sys.argv.index("--")
cmd, ids = sys.argv[2:sep], sys.argv[sep + 1:]
time.sleep(max(0.0, start_at - time.time()))
for task_id in ids:
    began = time.perf_counter()
    proc = subprocess.run([*cmd, "task", "progress", f"T{task_id}", "+1"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - began
    print(json.dumps({"task": int(task_id), "rc": proc.returncode, "seconds": elapsed,
                      "waited": "waiting for" in proc.stderr, "stderr": proc.stderr.strip()}), flush=True)
"""


@dataclass
class Write:
    """One CLI write as a worker saw it."""

    worker: int
    task: int
    rc: int
    seconds: float
    waited: bool
    stderr: str


def read_progress(path: Path, ids: list[int]) -> dict[int, int]:
    data = orjson.loads(path.read_bytes())
    return {i: int(data["tasks"][str(i)]["progress"]) for i in ids}


def lone_write(path: Path, task_id: int) -> float:
    """Wall seconds of one uncontended `task progress` write (exits on failure)."""
    env = {**os.environ, "WORKPLAN_USER": MEMBERS[0]}
    start = time.perf_counter()
    proc = subprocess.run(
        [*workplan_cmd(), "-f", str(path), "task", "progress", f"T{task_id}", "+1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"baseline write T{task_id} failed: {proc.stderr.strip()}")
    return elapsed


def pick_tasks(path: Path, count: int) -> list[int]:
    """``count`` task ids whose progress can still go up by one (progress is clamped at 100)."""
    data = orjson.loads(path.read_bytes())
    ids = sorted(int(k) for k, t in data["tasks"].items() if int(t["progress"]) <= 99)
    if len(ids) < count:
        raise SystemExit(f"need {count} tasks below 100 % progress, the file has {len(ids)}; use more --tasks")
    return ids[:count]


def run_workers(path: Path, groups: list[list[int]]) -> tuple[list[Write], list[str], float]:
    """Start one driver per group at the same moment; the writes, driver errors, and total wall seconds."""
    cmd = [*workplan_cmd(), "-f", str(path)]
    start_at = time.time() + 1.0  # time for every driver's Python to start before the first write
    procs = []
    for n, ids in enumerate(groups):
        env = {**os.environ, "WORKPLAN_USER": MEMBERS[n % len(MEMBERS)]}
        argv = [sys.executable, "-c", DRIVER, repr(start_at), *cmd, "--", *map(str, ids)]
        procs.append(subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outputs = [p.communicate() for p in procs]
    total = time.time() - start_at
    writes: list[Write] = []
    errors: list[str] = []
    for n, (proc, (out, err)) in enumerate(zip(procs, outputs, strict=True)):
        if proc.returncode != 0:
            errors.append(f"worker {n} exited {proc.returncode}: {err.strip()}")
        for line in out.splitlines():
            row = json.loads(line)
            writes.append(Write(n, row["task"], row["rc"], row["seconds"], row["waited"], row["stderr"]))
    return writes, errors, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--procs", type=int, default=8, help="concurrent writer processes")
    parser.add_argument("--writes", type=int, default=10, help="sequential writes per process")
    args = parser.parse_args()
    if args.procs < 1 or args.writes < 1:
        parser.error("--procs and --writes must be at least 1")

    path = synthetic_file(args.tasks)
    try:
        return bench(path, args.tasks, args.procs, args.writes)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


def bench(path: Path, tasks: int, procs: int, writes: int) -> int:
    print(f"file: {tasks} tasks, {path.stat().st_size / 1e6:.1f} MB; {procs} writers x {writes} writes each\n")
    ids = pick_tasks(path, BASELINE_RUNS + 1 + procs * writes)
    baseline_ids, ids = ids[: BASELINE_RUNS + 1], ids[BASELINE_RUNS + 1 :]
    groups = [ids[n * writes : (n + 1) * writes] for n in range(procs)]

    lone_write(path, baseline_ids[0])  # warm the page cache
    lone = statistics.median(lone_write(path, i) for i in baseline_ids[1:])
    print(f"{'baseline: one lone write':<34}{lone * 1000:>8.0f} ms  (median of {BASELINE_RUNS})")

    before = read_progress(path, ids)
    results, errors, total = run_workers(path, groups)
    after = read_progress(path, ids)

    ok = [w for w in results if w.rc == 0]
    refused = [w for w in results if w.rc != 0]
    seconds = [w.seconds for w in results]
    longest = max(seconds) if seconds else 0.0
    expected = procs * writes
    print(f"{'writes succeeded':<34}{len(ok):>8} of {expected}")
    print(f"{'writes refused (exit != 0)':<34}{len(refused):>8}")
    if seconds:
        print(f"{'median write':<34}{statistics.median(seconds) * 1000:>8.0f} ms")
        print(f"{'longest write':<34}{longest * 1000:>8.0f} ms")
    print(f"{'writes that printed waiting for':<34}{sum(w.waited for w in results):>8}")
    print(f"{'total wall time':<34}{total:>8.1f} s  (serial estimate {expected * lone:.1f} s)")
    print(f"{'longest write / lone write':<34}{longest / lone:>8.1f} x  (fair queue: about {procs} or less)")
    for w in refused:
        print(f"  refused: worker {w.worker} T{w.task} exit {w.rc} after {w.seconds:.1f} s: {w.stderr}")
    for error in errors:
        print(f"  {error}")

    # The file: each task went up by exactly its successful writes (one write per task).
    landed = {w.task for w in ok}
    wrong = []
    for n, group in enumerate(groups):
        for i in group:
            want = before[i] + (1 if i in landed else 0)
            if after[i] != want:
                wrong.append(f"worker {n} T{i}: progress {before[i]} -> {after[i]}, expected {want}")
    gained = sum(after[i] - before[i] for i in ids)
    print(f"{'file: progress gained':<34}{gained:>8} (expected {len(ok)})")
    for line in wrong:
        print(f"  {line}")

    missing = expected - len(results)
    passed = not refused and not errors and not wrong and missing == 0
    if passed:
        print(f"\nPASS: all {expected} writes succeeded and the file agrees")
    else:
        reasons = [
            f"{len(refused)} refused" if refused else "",
            f"{missing} not reported" if missing else "",
            f"{len(errors)} worker errors" if errors else "",
            f"{len(wrong)} tasks disagree in the file" if wrong else "",
        ]
        print(f"\nFAIL: {', '.join(r for r in reasons if r)}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
