"""Two clones each adding half of a circle of dependencies, then ``workplan sync`` over real git
(issue 29 tried cold): the circle is never stored, and the conflict reads as people read a
dependency, the tasks by their ids, in ``workplan conflicts``, ``resolve`` and the log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.gitrepo import git, git_env, make_clones, store_of  # noqa: F401 - fixture
from workplan_tui.cli.main import cli
from workplan_tui.store import actions
from workplan_tui.sync.run import sync

pytestmark = pytest.mark.usefixtures("git_env")


def run(path: Path, *args: str, user: str = "alice") -> object:
    env = {"WORKPLAN_USER": user, "WORKPLAN_FILE": str(path)}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_half_a_circle_in_each_clone_is_a_conflict_read_by_task_ids(tmp_path: Path) -> None:
    a, b = make_clones(tmp_path, 2)
    actions.set_waits(store_of(a, "alice"), 2, add=[1])  # both: T2 waits on T1
    sync(store_of(a, "alice"))
    sync(store_of(b, "bob"))
    actions.set_waits(store_of(a, "alice"), 1, add=[3])  # alice: T1 waits on T3
    actions.set_waits(store_of(b, "bob"), 3, add=[2])  # bob: T3 waits on T2, closing T1 → T3 → T2 → T1
    sync(store_of(a, "alice"))
    report = sync(store_of(b, "bob"))
    assert report["conflicts"] == ["C1"]
    assert run(b, "check").exit_code == 0  # type: ignore[attr-defined]
    listed = run(b, "conflicts", user="bob").output  # type: ignore[attr-defined]
    assert "C1  T3 waits_on  (now -)" in listed, listed
    assert "    1: -  (bob" in listed and "    2: T2  (bob" in listed, listed  # never '[1]', a count
    data = json.loads(b.read_text())
    [note] = [e for e in map(json.loads, b.with_name("partnership.history.jsonl").read_text().splitlines())
              if e["kind"] == "merge.conflict"]  # fmt: skip
    assert note["changes"]["conflict"][1].startswith("C1: waits_on - (bob) or T2 (bob)"), note
    assert "C1: waits_on - (bob) or" in run(b, "log", user="bob").output  # type: ignore[attr-defined]
    refused = run(b, "resolve", "C1", "2", user="bob")
    assert refused.exit_code == 1 and "would go round in a circle" in refused.stderr  # type: ignore[attr-defined]
    assert data["tasks"]["3"].get("waits_on", []) == []
    settled = run(b, "resolve", "C1", "1", user="bob")  # without the dependency that closes it
    assert settled.exit_code == 0, settled.output  # type: ignore[attr-defined]
    assert "Settled C1: T3 waits_on is - (side 1)" in settled.output  # type: ignore[attr-defined]
