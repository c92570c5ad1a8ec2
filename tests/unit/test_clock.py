"""The pinned clock reaches everything a test runs: this process, the CLI as a real process, git."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from tests import clock
from workplan_tui.model import dates


def test_this_process_and_the_one_clock_read_the_pinned_day() -> None:
    assert date.today() == clock.TODAY and dates.today() == clock.TODAY
    assert abs((dates.utc_now() - clock.NOW).total_seconds()) < 120  # ticking on from 09:30


def test_a_python_subprocess_reads_the_pinned_day() -> None:
    code = "from workplan_tui.model import dates; print(dates.utc_now().isoformat())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    seen = datetime.fromisoformat(out.strip())
    assert seen.date() == clock.TODAY and abs((seen - clock.NOW).total_seconds()) < 120


def test_the_cli_as_a_real_process_dates_its_summary_by_the_pinned_day(wp: Path) -> None:
    env = {**os.environ, "WORKPLAN_FILE": str(wp)}
    done = subprocess.run([sys.executable, "-m", "workplan_tui", "status"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"{clock.TODAY:%a} {clock.TODAY.day} {clock.TODAY:%b %Y}" in done.stdout.splitlines()[0]


def test_git_commits_at_the_pinned_instant(tmp_path: Path) -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}
    for args in (
        ["init", "-q"],
        ["-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "--allow-empty", "-m", "x"],
    ):
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True)
    out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert datetime.fromtimestamp(int(out.stdout), UTC).date() == clock.TODAY
