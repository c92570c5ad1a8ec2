"""CLI speed and memory at 10,000 tasks, against floors measured in the same run.

    python benchmarks/bench_cli.py [--tasks 10000] [--runs 7]

Prints, for each command, the median wall time over --runs runs and the peak
resident memory, and ratios against the floor: a bare
``python -c "import json; json.load(open(F))"`` on the same file. Targets:
status <= 4x floor, task progress <= 5x floor, peak memory <= 120 MB. Then the
in-process cost of one progress write through the store (target <= 40 ms),
next to plain TinyDB (JSONStorage) doing the same update on a copy of the file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import synthetic_file, workplan_cmd  # noqa: E402

from workplan_tui.store import actions  # noqa: E402
from workplan_tui.store.store import Store  # noqa: E402


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


def measure(cmd: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    run_once(cmd, env)  # warm the page cache
    results = [run_once(cmd, env) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    path = synthetic_file(args.tasks)
    folder = path.parent
    env = {**os.environ, "WORKPLAN_USER": "member01", "WORKPLAN_FILE": str(path)}
    print(f"file: {args.tasks} tasks, {path.stat().st_size / 1e6:.1f} MB; median of {args.runs} runs\n")

    floor_t, floor_m = measure([sys.executable, "-c", f"import json; json.load(open({str(path)!r}))"], env, args.runs)
    status_t, status_m = measure([*workplan_cmd(), "status"], env, args.runs)
    write_t, write_m = measure([*workplan_cmd(), "task", "progress", "T5", "+1"], env, args.runs)
    rows = [
        ("floor: python json.load", floor_t, floor_m, ""),
        ("workplan status", status_t, status_m, "<= 4x, <= 120 MB"),
        ("workplan task progress T5 +1", write_t, write_m, "<= 5x, <= 120 MB"),
    ]
    print(f"{'command':<34}{'median':>9}{'x floor':>9}{'peak MB':>9}  target")
    for name, seconds, peak, target in rows:
        print(f"{name:<34}{seconds * 1000:>7.0f}ms{seconds / floor_t:>9.2f}{peak:>9.0f}  {target}")

    # In-process: one progress write through the store (the file unchanged since our last write).
    store = Store(path, user="member01")
    timings = []
    for i in range(30):
        start = time.perf_counter()
        actions.set_progress(store, 10 + i, "+1")
        timings.append(time.perf_counter() - start)
    ours = statistics.median(timings)
    cold = []
    for i in range(10):
        os.utime(path)  # as if another member wrote: forces re-read and validation inside the lock
        start = time.perf_counter()
        actions.set_progress(store, 50 + i, "+1")
        cold.append(time.perf_counter() - start)

    from tinydb import TinyDB

    plain_path = folder / "plain.json"
    shutil.copy(path, plain_path)
    db = TinyDB(plain_path)
    tasks = db.table("tasks")
    plain = []
    for i in range(30):
        start = time.perf_counter()
        tasks.update({"progress": 50}, doc_ids=[100 + i])
        plain.append(time.perf_counter() - start)
    db.close()
    print()
    print(f"{'in-process progress write (store)':<40}{ours * 1000:>7.1f} ms  target <= 40 ms")
    print(f"{'  same, after another writer changed it':<40}{statistics.median(cold) * 1000:>7.1f} ms")
    print(f"{'plain TinyDB JSONStorage update':<40}{statistics.median(plain) * 1000:>7.1f} ms  (no lock, not atomic)")
    print(f"{'  ratio store / plain TinyDB':<40}{ours / statistics.median(plain):>7.2f}")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
