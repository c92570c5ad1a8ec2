"""The operating system says no: a full disk, a read-only file system, a lock held long.

Every failure is one line naming the file and what was not saved; the file stays
byte-for-byte unchanged and no temporary file is left behind.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.system import fill_disk, remount
from tests.unit.test_hostile import one_line_error, workplan
from workplan_tui.store import actions
from workplan_tui.store.storage import LockTimeoutError, lock_path_for
from workplan_tui.store.store import Store

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def synthetic(path: Path, tasks: int) -> Path:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from generate import write_file
    finally:
        sys.path.remove(str(BENCHMARKS))
    write_file(path, tasks)
    return path


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_full_disk_is_one_line_and_the_file_unchanged(small_disk: Path) -> None:
    wp = synthetic(small_disk / "workplan.json", 1000)
    assert workplan(wp, "task", "progress", "T1", "+10", user="member01").returncode == 0  # room to spare
    fill_disk(small_disk)
    before = wp.read_bytes()
    line = one_line_error(workplan(wp, "task", "progress", "T1", "+10", user="member01"))
    assert str(wp) in line and "disk is full" in line and "T1 progress was not saved" in line
    assert wp.read_bytes() == before and leftovers(small_disk) == []
    line = one_line_error(workplan(wp, "task", "add", "P1", "New thing", user="member01"))
    assert "disk is full" in line and wp.read_bytes() == before


def test_a_read_only_file_system_is_one_line(small_disk: Path) -> None:
    wp = synthetic(small_disk / "workplan.json", 50)
    before = wp.read_bytes()
    remount(small_disk, "ro")
    try:
        line = one_line_error(workplan(wp, "task", "progress", "T1", "+10", user="member01"))
        assert str(wp) in line and "read-only" in line
        assert workplan(wp, "status", user="member01").returncode == 0  # reading still works
    finally:
        remount(small_disk, "rw")
    assert wp.read_bytes() == before


def test_a_writer_waits_in_line_says_who_holds_the_lock_and_times_out_clearly(wp: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "os.ftruncate(fd, 0); os.write(fd, b'bob (pid 42 on server) since 09:00:00\\n')\n"
            "print('held', flush=True); time.sleep(60)\n",
            str(lock_path_for(wp)),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        before = wp.read_bytes()
        notices: list[str] = []
        store = Store(wp, user="alice", lock_timeout=3, on_wait=notices.append)
        started = time.monotonic()
        with pytest.raises(LockTimeoutError) as timeout:
            actions.set_progress(store, 1, "+10")
        assert 2.9 < time.monotonic() - started < 6
        assert len(notices) == 1 and "waiting for bob (pid 42 on server)" in notices[0]
        assert "waited 3 s for bob (pid 42 on server) since 09:00:00" in str(timeout.value)
        assert "nothing was saved" in str(timeout.value)
        assert wp.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()
    # once the holder is gone the next writer gets in at once, and the lock file names it
    actions.set_progress(Store(wp, user="alice", lock_timeout=3), 1, "+10")
    assert "pid" in lock_path_for(wp).read_text()


def test_a_writer_that_gives_up_does_not_keep_the_lock(wp: Path) -> None:
    lock = lock_path_for(wp)
    fd = os.open(lock, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(LockTimeoutError):
            actions.set_progress(Store(wp, user="alice", lock_timeout=0.3), 1, "+10")
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    time.sleep(0.2)  # the abandoned waiter gets the lock and must hand it straight back
    probe = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(probe)


def test_eight_writers_queue_fairly_and_all_land(tmp_path: Path) -> None:
    """8 processes x 4 CLI writes at once on a 1,000-task file: none refused, none lost.

    The 10,000-task, 8 x 10 run is ``python benchmarks/bench_writers.py``.
    """
    wp = synthetic(tmp_path / "workplan.json", 1000)
    env = {**os.environ, "WORKPLAN_FILE": str(wp), "PYTHONPATH": str(BENCHMARKS.parent)}
    cli = f"{sys.executable} -c 'from workplan_tui.cli.main import main; main()'"
    procs = []
    for n in range(1, 9):
        notes = f'for i in 1 2 3 4; do {cli} task note T{n} "note $i" >/dev/null || exit 1; done'
        procs.append(subprocess.Popen(["sh", "-c", notes], env={**env, "WORKPLAN_USER": f"member{n:02d}"}))
    codes = [p.wait(timeout=200) for p in procs]
    assert codes == [0] * 8
    data = Store(wp, user="member01").read()
    assert [len(data.tasks[n].updates) for n in range(1, 9)] == [4] * 8
