"""Real processes sharing one file: nothing lost, nothing half-written."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import log_of
from workplan_tui.model import schema
from workplan_tui.store.history import history_path_for

WRITER = Path(__file__).with_name("_writer.py")
ROOT = Path(__file__).resolve().parents[2]


def spawn(wp: Path, user: str, op: str, count: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(WRITER), str(wp), user, op, str(count)], env=env)


def test_four_writers_lose_nothing_and_a_reader_never_sees_a_partial_file(wp: Path) -> None:
    n = 30
    writers = [
        spawn(wp, "alice", "bump", n),
        spawn(wp, "bob", "bump", n),
        spawn(wp, "carol", "add", n),
        spawn(wp, "alice", "checkin", n),
        spawn(wp, "bob", "note", n),
    ]
    reads = bad = 0
    while any(w.poll() is None for w in writers):
        try:
            json.loads(wp.read_bytes())
        except ValueError:
            bad += 1
        reads += 1
    assert [w.wait() for w in writers] == [0] * len(writers)
    assert bad == 0 and reads > 10
    data = json.loads(wp.read_text())
    assert not schema.validate(data)
    assert data["tasks"]["3"]["progress"] == 2 * n  # both processes' bumps to the same task
    titles = {t["title"] for t in data["tasks"].values()}
    assert {f"carol-{i}" for i in range(n)} <= titles
    assert [c["note"] for c in data["outcomes"]["1"]["checkins"]] == [f"alice-{i}" for i in range(n)]
    assert len(data["tasks"]["2"]["updates"]) == n
    kinds = [a["kind"] for a in log_of(wp)]
    assert kinds.count("task.progress") == 2 * n and kinds.count("task.add") == 3 + n


def test_cli_processes_writing_at_once(wp: Path) -> None:
    env = {**os.environ, "WORKPLAN_FILE": str(wp), "PYTHONPATH": str(ROOT)}
    script = "; ".join(["from workplan_tui.cli.main import main", "main()"])
    procs = []
    for user in ("alice", "bob", "carol", "alice"):
        cmd = f"for i in 1 2 3 4 5; do {sys.executable} -c '{script}' task progress T3 +1 >/dev/null || exit 1; done"
        procs.append(subprocess.Popen(["sh", "-c", cmd], env={**env, "WORKPLAN_USER": user}))
    assert [p.wait() for p in procs] == [0, 0, 0, 0]
    assert json.loads(wp.read_text())["tasks"]["3"]["progress"] == 20


def test_writer_killed_mid_run_leaves_a_valid_file(wp: Path) -> None:
    for _ in range(4):
        writer = spawn(wp, "carol", "add", 0)  # writes until killed
        time.sleep(0.6)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        data = json.loads(wp.read_text())
        assert not schema.validate(data)
        # each task add landed whole: the task and its log entry together
        committed = history_path_for(wp).read_bytes()[: data["meta"]["1"]["history"]["bytes"]]
        kinds = [json.loads(line)["kind"] for line in committed.splitlines()]
        assert kinds.count("task.add") == len(data["tasks"])
    assert len(data["tasks"]) > 5
