"""docs/administration.md works: followed word for word, as root, for two real Unix users.

``administration_trial.py`` runs every shell block of the page that says who runs it, then the
cron jobs the page wrote, inside a private mount namespace (the machine is left as it was), and
reports what the two members see. It installs the package for real, from this checkout, into a
fresh virtual environment made by the distribution's Python (the wheel ``pip install .`` would
build, with its dependencies), so it also proves that ``man workplan`` works after ``pip
install`` (about 20 s; skipped, saying why, when not root).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.administration_trial import PAGE, ROOT, blocks, cron_jobs

TRIAL = Path(__file__).with_name("administration_trial.py")


def test_the_page_says_who_runs_each_block_and_covers_each_part() -> None:
    found = blocks(PAGE.read_text(encoding="utf-8"))
    assert {b.user for b in found} == {"root", "alice", "bob"}
    text = "\n".join(b.code for b in found)
    for step in [
        "/usr/bin/python3 -m venv /opt/workplan",  # installing once for every user
        "pip install workplan-tui",
        "install -d -m 2770 -g eastside /srv/eastside",  # the group folder
        "workplan member add bob",  # identity
        "/etc/cron.d/workplan",  # reminders and sync on a timer
        "partnership.json sync init",
        "pip install --upgrade workplan-tui",  # upgrading
        "flock .partnership.json.lock",  # backups
    ]:
        assert step in text, step


def test_cron_lines_are_read_as_cron_reads_them() -> None:
    crontab = (
        "# a comment\n\n0 7 * * *  workplan  A=1 /usr/local/bin/workplan remind --quiet\n*/5 * * * * bob cd /x && y\n"
    )
    assert cron_jobs(crontab) == [("workplan", "A=1 /usr/local/bin/workplan remind --quiet"), ("bob", "cd /x && y")]


@pytest.mark.real_clock(
    "the installed workplan runs as other users in their login shells and from cron, as on a real server, "
    "where no pinned day reaches it; what it checks does not depend on the day"
)
def test_an_administrator_follows_the_page_for_two_real_users(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: it adds users and a group and installs for every user (in a private namespace)")
    for tool in ("useradd", "groupadd", "usermod", "runuser", "unshare", "mount", "git", "flock", "man", "tar"):
        if shutil.which(tool) is None:
            pytest.skip(f"needs {tool}")
    if not os.access("/usr/bin/python3", os.X_OK):
        pytest.skip("needs the distribution's Python, /usr/bin/python3, which the page installs with")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a private mount namespace here: {probe.stderr.strip()}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKPLAN_", "VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # root's own, not this venv's
    # The wheel pip would build from this checkout, built once here (as tests/docs/test_man.py does), so the
    # page's install and upgrade take it as they would take the package from PyPI.
    pytest.importorskip("hatchling", reason="hatchling is in the test extra: pip install -e '.[test]'")
    build = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        str(tmp_path),
        str(ROOT),
    ]
    subprocess.run(build, check=True, capture_output=True, timeout=120)
    (wheel,) = tmp_path.glob("*.whl")
    trial = tmp_path / "trial"
    trial.mkdir()
    command = [
        "unshare",
        "-m",
        "--propagation",
        "private",
        sys.executable,
        str(TRIAL),
        "--private",
        str(trial),
        str(wheel),
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, cwd="/")
    said = done.stdout + done.stderr
    assert done.returncode == 0, said[-8000:]
    print(said)  # each block with what it printed and how long it took (pytest shows it with -s or on failure)
    seen = json.loads(said.split("RESULT ", 1)[1].splitlines()[0])

    assert seen["version"].startswith("workplan, version "), seen
    for name in ("alice", "bob"):  # the command and its man page, on every user's PATH
        assert seen[f"man_{name}"] == "/opt/workplan/share/man/man1/workplan.1" and seen[f"page_{name}"], seen
    # Both open and write the same file, each as themself.
    assert {"alice (alice)", "bob (bob)"} <= set(seen["acted"]), seen["acted"]
    code, error = seen["bob_as_alice"]
    assert code == 1 and "your login bob may not act as alice" in error, error
    mode, group = seen["file"]
    assert group == "eastside" and int(mode, 8) & 0o060 == 0o060, seen["file"]  # the group reads and writes it
    assert seen["remote_commits"] >= 1  # the sync reached the remote, with what each member did
    assert "alice: created the partnership" in seen["remote_subject"] and "bob:" in seen["remote_subject"], seen
    assert {"partnership.json", "partnership.history.jsonl"} <= set(seen["backup"]), seen["backup"]
    assert seen["check"] == 0
