"""Scale: years of history never slow the work, and a write beats Taskwarrior's.

    python benchmarks/bench_scale.py [--tasks 10000] [--runs 11] [--history 200000]

Builds two partnerships with the same --tasks tasks: one with a log of one entry per
task (10,000), one with --history entries (about a year of a ten-member partnership).
Prints, from one run, each figure as a ratio against a baseline measured in the same
run, runs interleaved so that a slow moment of the machine hits both sides alike:

* at 10,000 tasks: ``workplan task progress`` against Taskwarrior's ``task N annotate``
  on as many pending tasks (target <= 1.0); ``workplan status`` against ``task list``
  (<= 0.5); the board's first paint against a one-label Textual app (<= 2.0); peak
  memory of the CLI (<= 60 MB) and the board (<= 100 MB). Taskwarrior comes from
  Debian's ``taskwarrior`` package; without ``task`` on the PATH those two ratios are
  skipped (said so).
* growth, long log against short: CLI write, ``status``, the board's progress key, the
  board's first paint (each <= 1.2x) and memory (<= 1.2x).
* contention: 8 writer processes x 10 writes at once on the short-log file: all must
  succeed; prints the throughput in writes per second.

Each CLI figure is the median of --runs fresh processes (bytecode cached, as after
``pip install``). Exit 0 when every target is met, else 1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tui import run as board_run  # noqa: E402
from bench_writers import pick_tasks, run_workers  # noqa: E402
from common import workplan_cmd  # noqa: E402

# Python writes bytecode on first import unless told not to; users' installs have it.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
ENV = dict(os.environ)


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one process; exits on failure."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {err}")
    return seconds, usage.ru_maxrss / 1024


def taskwarrior(tasks: int, folder: Path) -> dict[str, str] | None:
    """An environment whose ``task`` sees ``tasks`` pending tasks, or None without Taskwarrior."""
    if shutil.which("task") is None:
        return None
    data = folder / "taskwarrior"
    data.mkdir()
    rc = folder / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\ngc=off\n")
    lines = (
        f'{{"description":"task number {i}","status":"pending","project":"plan{i % 20}",'
        f'"entry":"20260101T000000Z","uuid":"{i:08x}-0000-4000-8000-{i:012x}"}}'
        for i in range(1, tasks + 1)
    )
    source = folder / "tasks.jsonl"
    source.write_text("\n".join(lines) + "\n")
    env = {**ENV, "TASKRC": str(rc)}
    subprocess.run(["task", "import", str(source)], env=env, check=True, capture_output=True)
    return env


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


class Report:
    def __init__(self) -> None:
        self.failed: list[str] = []

    def line(self, name: str, value: str, ratio: float | None = None, target: float | None = None) -> None:
        mark = ""
        if ratio is not None and target is not None:
            ok = ratio <= target
            mark = f"x{ratio:5.2f}  target <= {target:g}  {'ok' if ok else 'MISSED'}"
            if not ok:
                self.failed.append(name)
        print(f"{name:<46}{value:>18}  {mark}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--board-runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="workplan-scale-"))
    try:
        return bench(folder, args.tasks, args.history, args.runs, args.board_runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bench(folder: Path, tasks: int, history: int, runs: int, board_runs: int) -> int:
    short, long = folder / "short" / "partnership.json", folder / "long" / "partnership.json"
    generator = str(Path(__file__).with_name("generate.py"))
    for path, entries in ((short, tasks), (long, history)):
        path.parent.mkdir()
        # In a child: a big parent's peak memory would be inherited by every process it starts.
        args = [sys.executable, generator, "--tasks", str(tasks), "--history", str(entries), str(path)]
        subprocess.run(args, check=True, capture_output=True)
    tw = taskwarrior(tasks, folder)
    size = {
        p: (p.stat().st_size + p.with_name("partnership.history.jsonl").stat().st_size) / 1e6 for p in (short, long)
    }
    print(
        f"{tasks:,} tasks; log of {tasks:,} entries ({size[short]:.1f} MB in all) or {history:,} ({size[long]:.1f} MB)"
    )
    print(f"median of {runs} fresh processes (board: {board_runs}); runs interleaved")
    # Python's start-up is most of a command's time, and it depends on how the interpreter
    # was built (docs/benchmarks.md): say which one ran.
    print(f"Python {sys.version.split()[0]} at {os.path.realpath(sys.executable)}\n")
    report = Report()
    wp = workplan_cmd()
    env = {**ENV, "WORKPLAN_USER": "member01"}
    timed([*wp, "-f", str(short), "status"], env)  # bytecode and page cache warm

    # --- the CLI: a write and status, with Taskwarrior's nearest commands between ------
    ids = pick_tasks(short, runs + 1)
    write: dict[str, list[float]] = {"short": [], "long": [], "tw": []}
    status: dict[str, list[float]] = {"short": [], "long": [], "tw": []}
    memory: dict[str, list[float]] = {"short": [], "long": []}
    for n, task_id in enumerate(ids):
        for name, path in (("short", short), ("long", long)):
            seconds, peak = timed([*wp, "-f", str(path), "task", "progress", f"T{task_id}", "+1"], env)
            write[name].append(seconds)
            memory[name].append(peak)
            seconds, peak = timed([*wp, "-f", str(path), "status"], env)
            status[name].append(seconds)
            memory[name].append(peak)
        if tw is not None:
            write["tw"].append(timed(["task", str(n + 1), "annotate", "checked"], tw)[0])
            status["tw"].append(timed(["task", "list"], tw)[0])
    for table in (write, status):  # the first round warmed the caches: dropped
        for values in table.values():
            del values[:1]
    ms = lambda s: f"{s * 1000:.0f} ms"  # noqa: E731
    print("at 10,000 tasks")
    if tw is not None:
        report.line("Taskwarrior: task N annotate", ms(median(write["tw"])))
        report.line(
            "workplan task progress T<k> +1",
            ms(median(write["short"])),
            median(write["short"]) / median(write["tw"]),
            1.0,
        )
        report.line("Taskwarrior: task list", ms(median(status["tw"])))
        report.line("workplan status", ms(median(status["short"])), median(status["short"]) / median(status["tw"]), 0.5)
    else:
        print("  (Taskwarrior is not installed: apt install taskwarrior; its two ratios skipped)")
        report.line("workplan task progress T<k> +1", ms(median(write["short"])))
        report.line("workplan status", ms(median(status["short"])))
    cli_peak = max(memory["short"])
    report.line("CLI peak memory (write, status)", f"{cli_peak:.0f} MB", cli_peak / 60, 1.0)

    # --- the board ---------------------------------------------------------------------------
    label, board = [], {"short": [], "long": []}
    for _ in range(board_runs):
        label.append(board_run("label", None))
        for name, path in (("short", short), ("long", long)):
            board[name].append(board_run("board", path))
    label_paint = median([r["paint"] for r in label])
    paint = {k: median([r["paint"] for r in v]) for k, v in board.items()}
    key = {k: median([r["key"] for r in v]) for k, v in board.items()}
    rss = {k: max(r["rss_mb"] for r in v) for k, v in board.items()}
    report.line("one-label Textual app, first paint", ms(label_paint))
    report.line("board first paint", ms(paint["short"]), paint["short"] / label_paint, 2.0)
    report.line("board progress key (write + redraw)", f"{key['short'] * 1000:.1f} ms")
    report.line("board peak memory", f"{rss['short']:.0f} MB", rss["short"] / 100, 1.0)

    # --- growth -------------------------------------------------------------------------------
    print(f"\ngrowth: {history:,} log entries against {tasks:,} (same tasks)")
    for name, table in (("CLI write", write), ("status", status)):
        report.line(name, f"{ms(median(table['long']))} vs {ms(median(table['short']))}",
                    median(table["long"]) / median(table["short"]), 1.2)  # fmt: skip
    report.line(
        "board key", f"{key['long'] * 1000:.1f} vs {key['short'] * 1000:.1f} ms", key["long"] / key["short"], 1.2
    )
    report.line(
        "board first paint", f"{ms(paint['long'])} vs {ms(paint['short'])}", paint["long"] / paint["short"], 1.2
    )
    cli_long = max(memory["long"])
    report.line("CLI peak memory", f"{cli_long:.0f} vs {cli_peak:.0f} MB", cli_long / cli_peak, 1.2)
    report.line("board peak memory", f"{rss['long']:.0f} vs {rss['short']:.0f} MB", rss["long"] / rss["short"], 1.2)

    # --- contention ------------------------------------------------------------------------
    procs, writes = 8, 10
    groups_ids = pick_tasks(short, procs * writes)
    groups = [groups_ids[n * writes : (n + 1) * writes] for n in range(procs)]
    results, errors, total = run_workers(short, groups)
    ok = sum(1 for w in results if w.rc == 0)
    print(f"\ncontention: {procs} writer processes x {writes} writes at once, {tasks:,} tasks")
    report.line("writes that succeeded", f"{ok} of {procs * writes}")
    report.line("throughput", f"{ok / total:.1f} writes/s")
    if ok != procs * writes or errors:
        report.failed.append("contention")
        for error in errors:
            print(f"  {error}")
    print(f"\n{'PASS: every target met' if not report.failed else 'FAIL: ' + ', '.join(report.failed)}")
    return 0 if not report.failed else 1


if __name__ == "__main__":
    sys.exit(main())
