"""The Timeline at 10,000 tasks: how long it takes to open, against the board's first paint.

    python benchmarks/bench_timeline.py [--tasks 10000] [--runs 5]

Builds the synthetic partnership (benchmarks/generate.py) and gives it work over time through
the store, in one change: a fifth of the tasks wait on another of their plan (chains of hand-offs
between partners), each plan has three milestones listing twenty tasks. Then, in each of --runs
fresh headless processes at 120x40 (and at 80x24):

* **board**: the board's first paint, from just before the process starts (as bench_tui.py);
* **timeline**: from the Timeline key (``T``) to the end of the first screen refresh after it:
  the rows built, the rows in view drawn;
* **label**: a one-label Textual app's first paint, the baseline of the same run.

Prints medians and the ratios timeline / board and board / label (the board's figure to set
beside bench_tui.py's and bench_scale.py's). Target: the timeline opens in less time than the
board takes to paint (ratio < 1). Exit 0 when it does.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROBE = r"""
import json, sys, time
start = float(sys.argv[1])
mode, width, height = sys.argv[2], int(sys.argv[4]), int(sys.argv[5])
if mode == "label":
    from textual.app import App
    from textual.widgets import Label

    class One(App):
        def compose(self):
            yield Label("hello")

    app = One()
else:
    import gc

    gc.disable()  # as the workplan command does; the board turns it on after painting
    from workplan_tui.store.store import Store
    store = Store(sys.argv[3], user="member01", trust_seal=False)
    store.read()
    from workplan_tui.ui.app import make_app
    app = make_app(sys.argv[3], store=store)
result = {}

async def auto_pilot(pilot):
    await pilot.pause()
    result["paint"] = time.time() - start
    if mode == "board":
        from textual.screen import Screen

        from workplan_tui.ui.screens.timeline import TimelineScreen

        assert pilot.app.screen.query_one("#col-todo").items, "the board is not showing tasks"
        marks = {}
        refresh = Screen._compositor_refresh

        def timed_refresh(self):
            value = refresh(self)
            if isinstance(self, TimelineScreen) and "end" not in marks:
                marks["end"] = time.perf_counter()
            return value

        Screen._compositor_refresh = timed_refresh
        marks["start"] = time.perf_counter()
        await pilot.press("T")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, TimelineScreen) and screen.rows.items, "the timeline shows nothing"
        result["timeline"] = marks["end"] - marks["start"]
        result["rows"] = len(screen.rows.items)
    pilot.app.exit()

app.run(headless=True, size=(width, height), auto_pilot=auto_pilot)
print(json.dumps(result))
"""


def add_work_over_time(path: Path) -> tuple[int, int]:
    """A fifth of the tasks wait on an earlier task of their plan; three milestones a plan. One
    change through the store. Returns (dependencies, milestones)."""
    from datetime import date, timedelta

    from workplan_tui.store.store import Store

    store = Store(path, user="member01")
    made = milestones = 0
    with store.transaction() as tx:
        by_plan: dict[int, list[int]] = {}
        for key, task in tx.data["tasks"].items():
            by_plan.setdefault(task["plan"], []).append(int(key))
        for plan_id, ids in by_plan.items():
            ids.sort()
            for n, task_id in enumerate(ids):
                if n % 5 == 4:
                    tx.update("tasks", task_id, {"waits_on": [ids[n - 3]]}, kind="task.depends")
                    made += 1
            for m in range(3):
                due = (date.today() + timedelta(days=14 * (m + 1))).isoformat()
                fields = {"plan": plan_id, "name": f"Stage {m + 1}", "due": due, "tasks": ids[m * 20 : m * 20 + 20]}
                tx.insert("milestones", fields)
                milestones += 1
    return made, milestones


def run(mode: str, path: Path | None, size: tuple[int, int]) -> dict[str, float]:
    env = {**os.environ, "WORKPLAN_CONFIG_DIR": tempfile.mkdtemp(prefix="workplan-bench-config-")}
    args = [sys.executable, "-c", PROBE, "", mode, str(path or ""), str(size[0]), str(size[1])]
    args[3] = repr(time.time())
    out = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        raise SystemExit(f"probe failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import synthetic_file

    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = synthetic_file(args.tasks)
    waits, milestones = add_work_over_time(path)
    print(
        f"file: {args.tasks} tasks ({waits} waiting on another, {milestones} milestones), "
        f"{path.stat().st_size / 1e6:.1f} MB; median of {args.runs} fresh processes per figure\n"
    )
    ok = True
    for size in ((120, 40), (80, 24)):
        label, board = [], []
        for _ in range(args.runs):  # interleaved: a slow moment of the machine hits both alike
            label.append(run("label", None, size))
            board.append(run("board", path, size))
        label_paint = statistics.median(r["paint"] for r in label)
        paint = statistics.median(r["paint"] for r in board)
        timeline = statistics.median(r["timeline"] for r in board)
        rows = int(board[0]["rows"])
        print(f"{size[0]}x{size[1]}:")
        print(f"  {'one-label Textual app, first paint':<42}{label_paint * 1000:>7.0f} ms")
        print(f"  {'board, first paint':<42}{paint * 1000:>7.0f} ms  x{paint / label_paint:.2f} the label app")
        print(
            f"  {'timeline, open (T to painted)':<42}{timeline * 1000:>7.0f} ms  "
            f"x{timeline / paint:.2f} the board's first paint; {rows} rows, those in view drawn"
        )
        ok = ok and timeline < paint
    print("\ntarget: the timeline opens faster than the board paints:", "met" if ok else "NOT met")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
