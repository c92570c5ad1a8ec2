"""``workplan sync`` and the merge driver against real git: a bare repository and clones in a
temporary folder (tests/gitrepo.py), with git's identity set by the test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import seed
from tests.gitrepo import environ_for, files_of, git, git_env, make_clones, store_of  # noqa: F401 - fixture
from tests.unit.test_contract import assert_follows_contract
from workplan_tui.cli.main import cli
from workplan_tui.store import actions, layout
from workplan_tui.store.history import history_path_for
from workplan_tui.sync.run import SyncError, sync

pytestmark = pytest.mark.usefixtures("git_env")


def run(path: Path, *args: str, user: str = "alice") -> object:
    env = {"WORKPLAN_USER": user, "WORKPLAN_FILE": str(path)}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def workplan(path: Path, *args: str, user: str = "alice") -> subprocess.Popen[str]:
    """``workplan ARGS`` in its own process (as cron or a partner's shell runs it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "workplan_tui", "-f", str(path), *args],
        env=environ_for(user),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def check(path: Path) -> None:
    result = run(path, "check")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]


def test_sync_shares_both_ways_and_the_clones_converge(tmp_path: Path) -> None:
    a, b = make_clones(tmp_path, 2)
    actions.set_progress(store_of(a, "alice"), 1, "40")
    actions.add_task(store_of(a, "alice"), 1, "Alice's task")
    actions.set_progress(store_of(b, "bob"), 1, "70")
    actions.add_task(store_of(b, "bob"), 1, "Bob's task")
    actions.checkin(store_of(b, "bob"), 1, 12)
    first = run(a, "sync", "--json")
    assert first.exit_code == 0, first.output  # type: ignore[attr-defined]
    report = json.loads(first.stdout)  # type: ignore[attr-defined]
    assert_follows_contract("sync", report)
    assert report["pushed"] and report["committed"][0]["subject"].startswith("alice: T1 progress 0 -> 40")
    second = run(b, "sync", "--json", user="bob")
    report = json.loads(second.stdout)  # type: ignore[attr-defined]
    assert_follows_contract("sync", report)
    assert report["merged"]["kind"] == "merge" and report["conflicts"] == ["C1"] and report["pushed"]
    assert sync(store_of(a, "alice"))["merged"]["kind"] == "fast-forward"
    assert files_of(a) == files_of(b)
    check(a)
    data = json.loads(a.read_text())
    assert sorted(t["title"] for t in data["tasks"].values())[:2] == ["Alice's task", "Bob's task"]
    assert git(a.parent, "status", "--porcelain", "--", a.name, history_path_for(a).name) == ""
    messages = git(a.parent, "log", "--format=%s")
    assert "bob: T1 progress 0 -> 70" in messages and "Merge origin/main (workplan sync)" in messages


@pytest.mark.parametrize("rebase", [False, True], ids=["merge", "rebase"])
def test_a_plain_git_pull_merges_record_by_record(tmp_path: Path, rebase: bool) -> None:
    a, b = make_clones(tmp_path, 2)
    actions.set_progress(store_of(b, "bob"), 2, "55")
    actions.add_note(store_of(b, "bob"), 1, "bob's note")
    actions.add_task(store_of(b, "bob"), 1, "Bob's task")
    sync(store_of(b, "bob"))
    actions.add_note(store_of(a, "alice"), 1, "alice's note")
    actions.set_due(store_of(a, "alice"), 3, "2027-03-01")
    actions.add_task(store_of(a, "alice"), 1, "Alice's task")
    git(a.parent, "commit", "--quiet", "-am", "alice's changes, committed by hand")
    git(a.parent, "-c", f"pull.rebase={'true' if rebase else 'false'}", "pull", "--quiet", "--no-edit")
    check(a)
    data = json.loads(a.read_text())
    assert data["tasks"]["2"]["progress"] == 55 and data["tasks"]["3"]["due"] == "2027-03-01"
    assert sorted(u["text"] for u in data["tasks"]["1"]["updates"]) == ["alice's note", "bob's note"]
    assert sorted(t["title"] for t in data["tasks"].values() if "'s task" in t["title"]) == [
        "Alice's task",
        "Bob's task",
    ]
    assert b"<<<<<<<" not in a.read_bytes() and b"<<<<<<<" not in history_path_for(a).read_bytes()
    assert git(a.parent, "status", "--porcelain", "--untracked-files=no") == ""
    sync(store_of(a, "alice"))
    sync(store_of(b, "bob"))
    assert files_of(a) == files_of(b)


def test_two_syncs_at_once_both_land(tmp_path: Path) -> None:
    a, b, c = make_clones(tmp_path, 3)
    actions.set_progress(store_of(a, "alice"), 1, "10")
    actions.add_task(store_of(a, "alice"), 1, "From A")
    actions.set_progress(store_of(b, "bob"), 2, "20")
    actions.add_task(store_of(b, "bob"), 1, "From B")
    runs = [workplan(a, "sync", user="alice"), workplan(b, "sync", user="bob")]
    for proc in runs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    for path, user in ((a, "alice"), (b, "bob"), (c, "carol")):
        sync(store_of(path, user))
    assert files_of(a) == files_of(b) == files_of(c)
    titles = [t["title"] for t in json.loads(c.read_text())["tasks"].values()]
    assert "From A" in titles and "From B" in titles
    check(c)


def test_a_push_race_is_merged_again_and_retried(tmp_path: Path) -> None:
    """Someone pushes between my fetch and my push (forced with a pre-push hook): my push is
    refused, and sync fetches, merges and pushes again."""
    a, b = make_clones(tmp_path, 2)
    actions.add_task(store_of(b, "bob"), 1, "Pushed meanwhile")
    git(b.parent, "add", "-A")
    git(b.parent, "commit", "--quiet", "-m", "bob, meanwhile")
    hook = a.parent / ".git" / "hooks" / "pre-push"
    flag = tmp_path / "raced"
    hook.write_text(f"#!/bin/sh\n[ -e {flag} ] || {{ touch {flag}; git -C {b.parent} push --quiet origin main; }}\n")
    hook.chmod(0o755)
    actions.add_task(store_of(a, "alice"), 1, "Mine")
    report = sync(store_of(a, "alice"))
    assert report["pushed"] and report["retries"] == 1
    assert git(a.parent, "rev-parse", "HEAD") == git(tmp_path / "remote.git", "rev-parse", "main")
    titles = [t["title"] for t in json.loads(a.read_text())["tasks"].values()]
    assert {"Pushed meanwhile", "Mine"} <= set(titles)
    check(a)


def test_an_offline_remote_keeps_my_changes(tmp_path: Path) -> None:
    (a,) = make_clones(tmp_path, 1)
    git(a.parent, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    actions.set_progress(store_of(a, "alice"), 1, "40")
    before = files_of(a)
    result = run(a, "sync")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert lines[0].startswith("Committed 1 change(s): alice: T1 progress 0 -> 40")  # what it did first
    message = lines[-1]
    assert message.startswith("workplan: error: cannot reach origin") and len(lines) == 2
    assert "committed locally" in message and "Traceback" not in message
    assert files_of(a) == before
    assert git(a.parent, "log", "-1", "--format=%s").startswith("alice: T1 progress 0 -> 40")
    git(a.parent, "remote", "set-url", "origin", str(tmp_path / "remote.git"))
    assert sync(store_of(a, "alice"))["pushed"]


def _push_by_hand(clone: Path, change: bytes) -> None:
    """A partner pushes a data file workplan never wrote (a bad merge, another tool, a newer version),
    past workplan's hooks (``--no-verify``: a clone without them, or someone who skips them)."""
    path = clone / "partnership.json"
    path.write_bytes(change)
    git(clone, "commit", "--quiet", "--no-verify", "-am", "by hand")
    git(clone, "push", "--quiet", "--no-verify", "origin", "main")


REMOTE_DAMAGE = {
    "corrupt": lambda raw: raw[: len(raw) // 2],
    "newer schema": lambda raw: raw.replace(b'"schema_version":2', b'"schema_version":3', 1),
    "hostile text": lambda raw: raw.replace(b'"title":"Order soil"', b'"title":"' + b"x" * 300 + b'"', 1),
}


CASES = [("corrupt", True), ("corrupt", False), ("newer schema", True), ("hostile text", False)]


@pytest.mark.parametrize(("damage", "local_change"), CASES, ids=[f"{d}-{'merge' if m else 'ff'}" for d, m in CASES])
def test_a_bad_remote_file_is_refused_and_nothing_written(tmp_path: Path, damage: str, local_change: bool) -> None:
    a, b = make_clones(tmp_path, 2)
    _push_by_hand(b.parent, REMOTE_DAMAGE[damage](b.read_bytes()))
    if local_change:
        actions.set_progress(store_of(a, "alice"), 1, "40")
    before = files_of(a)
    result = run(a, "sync")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    message = result.stderr.strip().splitlines()[-1]  # type: ignore[attr-defined]
    assert "their copy" in message and "Traceback" not in result.stderr  # type: ignore[attr-defined]
    assert message.startswith("workplan: error: ")
    if damage == "newer schema":
        assert "newer workplan" in message
    assert files_of(a) == before
    assert git(a.parent, "rev-parse", "HEAD") != git(tmp_path / "remote.git", "rev-parse", "main")
    assert "Merge" not in git(a.parent, "log", "-1", "--format=%s")
    check(a)


def test_a_plain_pull_of_a_bad_remote_file_is_a_conflict_not_a_broken_file(tmp_path: Path) -> None:
    a, b = make_clones(tmp_path, 2)
    raw = b.read_bytes()
    actions.set_progress(store_of(b, "bob"), 1, "40")
    _push_by_hand(b.parent, b.read_bytes().replace(b'"schema_version":2', b'"schema_version":3', 1))
    del raw
    actions.set_progress(store_of(a, "alice"), 2, "40")
    git(a.parent, "commit", "--quiet", "-am", "mine")
    ours = a.read_bytes()
    done = subprocess.run(["git", "pull", "--no-rebase", "--no-edit"], cwd=a.parent, capture_output=True, text=True)
    assert done.returncode != 0 and "newer workplan" in done.stderr
    assert git(a.parent, "show", ":2:partnership.json").encode() + b"\n" == ours  # ours, untouched by the driver
    git(a.parent, "merge", "--abort")
    assert a.read_bytes() == ours


def test_sync_refuses_a_file_that_is_not_sound(tmp_path: Path) -> None:
    (a,) = make_clones(tmp_path, 1)
    a.write_bytes(a.read_bytes().replace(b'"progress":0', b'"progress":300', 1))
    with pytest.raises(SyncError, match="progress"):
        sync(store_of(a, "alice"))
    assert git(a.parent, "status", "--porcelain", "--untracked-files=no") != ""  # not committed


def test_sync_outside_git_says_so(tmp_path: Path) -> None:
    alone = seed(tmp_path / "partnership.json")
    result = run(alone, "sync")
    assert result.exit_code == 1 and "not in a git repository" in result.stderr  # type: ignore[attr-defined]


def test_sync_with_a_git_merge_in_progress_says_so(tmp_path: Path) -> None:
    a, b = make_clones(tmp_path, 2)
    actions.set_progress(store_of(b, "bob"), 1, "40")
    sync(store_of(b, "bob"))
    git(a.parent, "fetch", "--quiet")
    (a.parent / "other.txt").write_text("x")
    git(a.parent, "add", "other.txt")
    git(a.parent, "commit", "--quiet", "-m", "other")
    git(a.parent, "merge", "--no-commit", "--no-ff", "origin/main", check=False)
    with pytest.raises(SyncError, match="in progress"):
        sync(store_of(a, "alice"))


def test_the_merged_log_and_marker_agree_after_a_merge_with_notes(tmp_path: Path) -> None:
    """Renumbering and conflicts add log entries: the driver runs for both files agree."""
    a, b = make_clones(tmp_path, 2)
    actions.add_task(store_of(b, "bob"), 1, "Bob's T4")
    actions.set_progress(store_of(b, "bob"), 1, "70")
    sync(store_of(b, "bob"))
    actions.add_task(store_of(a, "alice"), 1, "Alice's T4")
    actions.set_progress(store_of(a, "alice"), 1, "40")
    git(a.parent, "commit", "--quiet", "-am", "alice by hand")
    git(a.parent, "pull", "--quiet", "--no-rebase", "--no-edit")
    check(a)
    kinds = [json.loads(line)["kind"] for line in history_path_for(a).read_text().splitlines()]
    assert kinds.count("merge.renumber") == 1 and kinds.count("merge.conflict") == 1
    assert layout.verify(a.read_bytes())


@pytest.mark.parametrize("route", ["sync", "pull"])
def test_a_shared_record_another_merge_renumbered_keeps_its_changes(tmp_path: Path, route: str) -> None:
    """Bob shares his new task T4; Alice, who added one of her own earlier, merges and keeps T4
    for hers, so bob's becomes T5 for everyone ("T4 from bob's copy is now T5"). Bob, not yet
    knowing, moves his T4 on. When he brings Alice's merge in, his change goes to his task (now
    T5), not to hers; his task is logged as added once."""
    from datetime import timedelta

    from tests.conftest import FIXED_NOW

    a, b = make_clones(tmp_path, 2)
    actions.add_task(store_of(a, "alice", clock=lambda: FIXED_NOW + timedelta(minutes=1)), 1, "Alice's task")
    actions.add_task(store_of(b, "bob", clock=lambda: FIXED_NOW + timedelta(minutes=2)), 1, "Bob's task")
    sync(store_of(b, "bob"))
    report = sync(store_of(a, "alice"))
    assert report["renumbered"] == ["tasks:4->5"]
    actions.set_progress(store_of(b, "bob", clock=lambda: FIXED_NOW + timedelta(minutes=3)), 4, "60")
    actions.add_note(store_of(b, "bob", clock=lambda: FIXED_NOW + timedelta(minutes=3)), 4, "soil ordered")
    actions.add_note(store_of(a, "alice", clock=lambda: FIXED_NOW + timedelta(minutes=4)), 5, "thanks bob")
    if route == "sync":
        sync(store_of(b, "bob"))
    else:
        git(b.parent, "commit", "-qam", "bob by hand")
        git(b.parent, "pull", "--no-rebase", "--no-edit")
        sync(store_of(b, "bob"))
    sync(store_of(a, "alice"))  # a merge too: alice went on working meanwhile
    sync(store_of(b, "bob"))
    assert files_of(a) == files_of(b)
    tasks = {t["title"]: t for t in json.loads(b.read_text())["tasks"].values()}
    assert tasks["Alice's task"]["progress"] == 0 and not tasks["Alice's task"].get("updates"), tasks
    notes = [u["text"] for u in tasks["Bob's task"]["updates"]]
    assert tasks["Bob's task"]["progress"] == 60 and notes == ["soil ordered", "thanks bob"]
    log = [json.loads(line) for line in history_path_for(b).read_text().splitlines()]
    added = [e for e in log if e["kind"] == "task.add" and e["changes"]["title"][1] == "Bob's task"]
    assert len(added) == 1
    assert [e["record"] for e in log if e["kind"] == "task.progress" and e["member"] == "bob"] == ["T5"]
    assert run(b, "check").exit_code == 0
