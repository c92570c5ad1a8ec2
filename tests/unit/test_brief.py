"""``workplan status --brief``: the login nudge, by the fast path (a real process) and by click."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_store
from workplan_tui.cli.brief import fast, file_given
from workplan_tui.store import actions


def nudge_process(path: Path, user: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WORKPLAN_USER": user, "WORKPLAN_FILE": str(path)}
    command = [sys.executable, "-m", "workplan_tui", *args, "status", "--brief"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_the_nudge_names_what_i_have_to_act_on_in_one_line(run, wp: Path) -> None:
    # seed(): alice's T1 is 8 days overdue; P1 is proposed and nobody has voted.
    said = run("status", "--brief").stdout
    assert said == "1 overdue, 1 vote to cast: run workplan\n"
    assert run("status", "--brief", user="bob").stdout == "1 due this week, 1 vote to cast: run workplan\n"
    assert nudge_process(wp, "alice").stdout == said  # the fast path says the same
    assert nudge_process(wp, "alice", "-f", str(wp)).stdout == f"1 overdue, 1 vote to cast: run workplan -f {wp}\n"


def test_nothing_at_all_when_there_is_nothing_to_act_on_or_for_a_non_member(run, wp: Path) -> None:
    store = make_store(wp, "carol")
    actions.vote(store, 1, "agree")
    for user in ("carol", "nobody"):
        assert run("status", "--brief", user=user).stdout == ""
        done = nudge_process(wp, user)
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_a_hand_edited_file_takes_the_full_path_and_says_the_same(run, wp: Path) -> None:
    text = wp.read_text()
    wp.write_text(text.replace('"title":"Order soil"', '"title":"Order more soil"'))  # the seal no longer matches
    assert not fast(["-f", str(wp), "status", "--brief"])
    assert nudge_process(wp, "alice").stdout == "1 overdue, 1 vote to cast: run workplan\n"


def test_a_broken_file_is_one_line_from_the_full_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    done = nudge_process(bad, "alice")
    assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.startswith("workplan: error: ") and done.stderr.count("\n") == 1
    missing = nudge_process(tmp_path / "none.json", "alice")
    assert missing.returncode == 1 and "no partnership file here" in missing.stderr


def test_the_fast_path_loads_no_click(wp: Path) -> None:
    code = (
        "import sys; from workplan_tui.cli.brief import fast\n"
        f"assert fast(['-f', {str(wp)!r}, 'status', '--brief'])\n"
        "print('click' in sys.modules, 'workplan_tui.cli.main' in sys.modules)"
    )
    env = {**os.environ, "WORKPLAN_USER": "alice"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "False False"


@pytest.mark.parametrize(
    ("argv", "given"),
    [
        (["status", "--brief"], (None, True)),
        (["-f", "x.json", "status", "--brief"], ("x.json", True)),
        (["--file=x.json", "status", "--brief"], ("x.json", True)),
        (["-fx.json", "status", "--brief"], ("x.json", True)),
        (["status", "--all", "--brief"], None),
        (["--theme", "t", "status", "--brief"], None),
        (["task", "list", "--brief"], None),
    ],
)
def test_only_a_plain_nudge_command_line_takes_the_fast_path(argv: list[str], given: object) -> None:
    assert file_given(argv) == given


def test_brief_takes_no_other_option(run) -> None:
    result = run("status", "--brief", "--json")
    assert result.exit_code == 1 and "--brief prints one line" in result.output


def test_without_workplan_user_the_nudge_is_for_the_member_the_login_is_bound_to(tmp_path: Path, run) -> None:
    """Issue 28's rule: the login acts as the one member bound to it (both paths agree)."""
    from tests.clock import iso_day
    from tests.conftest import LOGIN

    path = tmp_path / "bound.json"
    store = make_store(path, "alice")
    store.create("Bound", "")
    actions.add_partner(store, "PARKS", "Parks")
    actions.add_member(store, "alice", "Alice", "PARKS", "lead", accounts=[LOGIN])
    actions.add_plan(store, "Gardens", "")
    actions.add_task(store, 1, "Order soil", owner="alice", due=iso_day(-2))
    env = {k: v for k, v in os.environ.items() if k != "WORKPLAN_USER"}
    env["WORKPLAN_FILE"] = str(path)
    done = subprocess.run(
        [sys.executable, "-m", "workplan_tui", "status", "--brief"], env=env, capture_output=True, text=True
    )
    assert done.stdout == "1 overdue, 1 vote to cast: run workplan\n", done.stderr
    code = f"from workplan_tui.cli.brief import fast; print(fast(['-f', {str(path)!r}, 'status', '--brief']))"
    fast_only = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert fast_only.stdout == f"1 overdue, 1 vote to cast: run workplan -f {path}\nTrue\n"


def test_the_nudge_names_follow_ups_due_and_my_partners_late_pledges_by_both_paths(run, wp: Path) -> None:
    """Issue 26: a follow-up I recorded on someone else's task, once its new date has come (today),
    and a pledge of my partner that is late; the fast path reads the tasks followed up too."""
    from tests.clock import TODAY, iso_day

    store = make_store(wp, "carol")
    actions.vote(store, 1, "agree")
    actions.follow_up_task(store, 2, whom="bob", on=iso_day(-2), new_date=iso_day())  # bob's task, due today
    actions.schedule_pledge(make_store(wp), "PARKS", "1", f"by {iso_day(-40)}", today=TODAY)
    said = run("status", "--brief", user="carol").stdout
    assert said == "1 follow-up due: run workplan\n"
    assert nudge_process(wp, "carol").stdout == said
    assert "1 pledge behind or late" in run("status", "--brief", user="alice").stdout
    assert "1 pledge behind or late" in nudge_process(wp, "alice").stdout
