"""Changing and removing anything from the command line, and undoing it (issue 12).

Every command against a real file through the CLI runner: the change, its log entry,
``workplan undo`` restoring the record, refusals (one line, file unchanged), --json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.clock import NOW_ISO, iso_day
from tests.conftest import bound, log_of, make_store
from workplan_tui.store import actions

BOOKKEEPING = ("rev", "updated_at")


def tables(wp: Path) -> dict[str, Any]:
    """The partnership's records (meta holds the log marker and the seal, which every write changes)."""
    data = json.loads(wp.read_text())
    return {name: table for name, table in data.items() if name != "meta"}


def fields(wp: Path) -> dict[str, Any]:
    """The records without their revision and update time (an undo is itself a change)."""
    return {
        name: {key: {f: v for f, v in record.items() if f not in BOOKKEEPING} for key, record in table.items()}
        for name, table in tables(wp).items()
    }


def ok(result) -> str:
    assert result.exit_code == 0, result.stderr
    assert not result.stderr, result.stderr
    return result.stdout


def refused(result, wp: Path, before: bytes, message: str) -> None:
    """One line on stderr, a non-zero exit, nothing on stdout, the file untouched."""
    assert result.exit_code != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("workplan: "), result.stderr
    assert message in lines[0], lines[0]
    assert not result.stdout
    assert wp.read_bytes() == before


def activate(wp: Path, plan_id: int = 1) -> None:
    for user in ("alice", "bob", "carol"):
        actions.vote(make_store(wp, user), plan_id, "agree")
    actions.move_plan(make_store(wp), plan_id, "activate")


# --- tasks -----------------------------------------------------------------------------------


def test_task_edit_changes_only_the_given_fields_and_undo_restores_them(run, wp: Path) -> None:
    before = fields(wp)
    out = ok(run("task", "edit", "T3", "--title", "Find 20 volunteers", "--owner", "carol", "--due", iso_day(+12)))
    assert out.startswith("Changed T3: title, due date, owner\n")
    task = tables(wp)["tasks"]["3"]
    assert (task["title"], task["owner"], task["due"]) == ("Find 20 volunteers", "carol", iso_day(+12))
    entry = log_of(wp)[-1]
    assert entry["kind"] == "task.edit" and entry["record"] == "T3"
    assert entry["changes"] == {
        "title": ["Find volunteers", "Find 20 volunteers"],
        "owner": [None, "carol"],
        "due": [None, iso_day(+12)],
    }
    assert "Undid" in ok(run("undo"))
    assert fields(wp) == before


def test_task_edit_progress_status_outcome_and_clearing(run, wp: Path) -> None:
    ok(run("task", "edit", "T1", "--progress", "+30", "--outcome", "O1", "--notes", "two loads"))
    task = tables(wp)["tasks"]["1"]
    assert (task["progress"], task["status"], task["outcome"], task["notes"]) == (30, "doing", 1, "two loads")
    ok(run("task", "edit", "T1", "--status", "blocked", "--reason", "supplier closed"))
    assert tables(wp)["tasks"]["1"]["blocked_reason"] == "supplier closed"
    ok(run("task", "edit", "T1", "--outcome", "none", "--owner", "none", "--due", "none", "--notes", ""))
    task = tables(wp)["tasks"]["1"]
    assert (task["outcome"], task["owner"], task["due"], task["notes"]) == (None, None, None, "")
    ok(run("task", "edit", "T1", "--progress", "100"))
    assert tables(wp)["tasks"]["1"]["status"] == "done"


def test_a_no_op_edit_says_so_and_writes_nothing(run, wp: Path) -> None:
    before = wp.read_bytes()
    out = ok(run("task", "edit", "T1", "--title", "Order soil", "--owner", "alice"))
    assert out.strip() == "T1 unchanged: it already has those values"
    assert json.loads(ok(run("task", "edit", "T1", "--owner", "alice", "--json")))["id"] == "T1"
    assert ok(run("plan", "rename", "P1", "Gardens")).strip() == "P1 unchanged: it already has that value"
    assert "unchanged" in ok(run("outcome", "edit", "O1", "--target", "40"))
    assert "unchanged" in ok(run("member", "edit", "bob", "--role", "member"))
    assert "unchanged" in ok(run("partner", "edit", "FOOD", "--name", "Food Bank"))
    assert wp.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "user", "message"),
    [
        (["task", "edit", "T1", "--title", "x"], "zed", "zed is not a member"),
        (["task", "edit", "T1", "--title", "x", "--rev", "7"], "alice", "changed by someone else"),
        (["task", "edit", "T1", "--title", " "], "alice", "task title must not be empty"),
        (["task", "edit", "T1", "--owner", "zed"], "alice", "no member 'zed'"),
        (["task", "edit", "T1", "--outcome", "O9"], "alice", "no outcome O9"),
        (["task", "edit", "T1", "--outcome", "banana"], "alice", "is not a outcome id"),
        (["task", "edit", "T1", "--progress", "lots"], "alice", "is not a number"),
        (["task", "edit", "T1", "--status", "blocked"], "alice", "say why it is blocked"),
        (["task", "edit", "T1", "--reason", "rain"], "alice", "T1 is not blocked; a reason goes with status blocked"),
        (["task", "edit", "T1", "--due", "someday"], "alice", "cannot read 'someday'"),
        (["task", "edit", "T99", "--title", "x"], "alice", "no task T99"),
        (["task", "edit", "T1"], "alice", "say what to change: --title, --notes"),
        (["task", "edit", "T1", "--rev", "0", "--title", "x"], "alice", "not a revision"),
        (["task", "rm", "T99"], "alice", "no task T99"),
        (["task", "rm", "T1"], "zed", "zed is not a member"),
        (["task", "rm", "T1", "--rev", "2"], "alice", "now at revision 1, yours was 2"),
    ],
)
def test_task_refusals_are_one_line_and_change_nothing(run, wp: Path, args: list[str], user: str, message: str) -> None:
    before = wp.read_bytes()
    refused(run(*args, user=user), wp, before, message)


def test_task_rm_keeps_the_whole_task_in_the_log_and_undo_brings_it_back_exactly(run, wp: Path) -> None:
    ok(run("task", "note", "T2", "first beds framed"))
    before = tables(wp)
    out = ok(run("task", "rm", "T2"))
    assert out.strip() == "Removed T2 Build beds ('workplan undo' brings it back)"
    assert "2" not in tables(wp)["tasks"]
    entry = log_of(wp)[-1]
    assert entry["kind"] == "task.rm" and entry["record"] == "T2"
    assert entry["changes"] == {"record": [{"id": 2, "record": before["tasks"]["2"]}, None]}
    assert "removed T2 'Build beds'" in ok(run("log", "--limit", "1"))
    out = ok(run("undo"))
    assert out.startswith("Undid A") and "T2 'Build beds' is back" in out
    assert tables(wp) == before  # the task exactly as it was: notes, updates, revision
    assert list(tables(wp)["tasks"]) == ["1", "2", "3"]  # and where it was
    last = log_of(wp)[-1]
    assert last["kind"] == "undo" and last["undoes"] == entry["id"]


def test_a_removed_id_is_never_given_to_a_new_record(run, wp: Path) -> None:
    ok(run("task", "rm", "T3"))
    assert json.loads(ok(run("task", "add", "P1", "Another", "--json")))["id"] == "T4"
    ok(run("norm", "add", "Be on time"))
    ok(run("norm", "withdraw", "N1"))
    assert json.loads(ok(run("norm", "add", "Be early", "--json")))["id"] == "N2"
    assert json.loads(wp.read_text())["meta"]["1"]["retired_ids"] == {"tasks": 3, "norms": 1}


def test_undo_of_a_removal_is_refused_when_what_it_needs_is_gone(run, wp: Path) -> None:
    ok(run("task", "rm", "T2"))  # T2 links to O1
    actions.remove_outcome(make_store(wp, "bob"), 1)
    before = wp.read_bytes()
    refused(run("undo"), wp, before, "T2's outcome O1 was removed since")


# --- plans -----------------------------------------------------------------------------------


def test_plan_rename_edit_and_undo(run, wp: Path) -> None:
    before = fields(wp)
    assert ok(run("plan", "rename", "P1", "Community gardens")).strip() == "P1 is now called Community gardens"
    assert log_of(wp)[-1]["kind"] == "plan.rename"
    plan = json.loads(ok(run("plan", "edit", "P1", "--scope", "Three schools", "--json")))
    assert plan["id"] == "P1" and plan["scope"] == "Three schools" and plan["title"] == "Community gardens"
    ok(run("undo"))
    ok(run("undo"))
    assert fields(wp) == before
    refused(run("plan", "edit", "P1"), wp, wp.read_bytes(), "say what to change: --title, --scope")


def test_plan_rule_changes_only_before_buy_in(run, wp: Path) -> None:
    out = ok(run("plan", "rule", "P1", "majority"))
    assert out.startswith("P1 decides by majority (buy-in 0/3")
    assert log_of(wp)[-1]["changes"] == {"rule": ["consensus", "majority"]}
    ok(run("undo"))
    assert tables(wp)["plans"]["1"]["rule"] == "consensus"
    activate(wp)
    decided = "its buy-in was decided under the consensus rule"
    refused(run("plan", "rule", "P1", "partners"), wp, wp.read_bytes(), decided)
    result = run("plan", "rule", "P1", "unanimous")
    assert result.exit_code == 2 and "unanimous" in result.stderr


def test_plan_reopen_completed_is_active_archived_returns_where_it_was(run, wp: Path) -> None:
    refused(run("plan", "reopen", "P1"), wp, wp.read_bytes(), "P1 is proposed; only a completed or archived plan")
    ok(run("plan", "archive", "P1"))
    assert tables(wp)["plans"]["1"]["archived_from"] == "proposed"
    assert ok(run("plan", "reopen", "P1")).strip() == "P1 is reopened: now proposed"
    activate(wp)
    ok(run("plan", "complete", "P1"))
    reopened = json.loads(ok(run("plan", "reopen", "P1", "--json")))
    assert reopened["status"] == "active" and reopened["id"] == "P1"
    ok(run("plan", "complete", "P1"))
    ok(run("plan", "archive", "P1"))
    assert "now completed" in ok(run("plan", "reopen", "P1"))
    # archived by an older workplan (no archived_from): back as a draft
    actions.move_plan(make_store(wp), 1, "archive")
    data = json.loads(wp.read_text())
    del data["plans"]["1"]["archived_from"]
    wp.write_text(json.dumps(data))
    assert "now draft" in ok(run("plan", "reopen", "P1"))


def test_an_archived_plan_refuses_every_change_but_reopen(run, wp: Path) -> None:
    ok(run("task", "progress", "T1", "20"))  # a change to undo later
    ok(run("plan", "archive", "P1"))
    before = wp.read_bytes()
    for args in (
        ["task", "add", "P1", "More soil"],
        ["task", "edit", "T1", "--title", "x"],
        ["task", "rm", "T1"],
        ["task", "progress", "T1", "+10"],
        ["task", "note", "T1", "x"],
        ["outcome", "add", "P1", "Meals", "--target", "10"],
        ["outcome", "checkin", "O1", "5"],
        ["outcome", "edit", "O1", "--target", "50"],
        ["outcome", "rm", "O1", "--unlink"],
        ["plan", "rename", "P1", "x"],
        ["plan", "rule", "P1", "majority"],
    ):
        result = run(*args)
        refused(result, wp, before, "P1 is archived")
        assert "workplan plan reopen P1" in result.stderr
    ok(run("plan", "reopen", "P1"))
    ok(run("task", "edit", "T1", "--title", "Order soil now"))  # open again


def test_undo_changes_nothing_in_an_archived_plan(run, wp: Path) -> None:
    ok(run("task", "progress", "T1", "20"))
    actions.move_plan(make_store(wp, "bob"), 1, "archive")
    refused(run("undo"), wp, wp.read_bytes(), "P1 is archived")


def test_a_completed_plan_takes_no_new_work_but_its_tasks_may_still_change(run, wp: Path) -> None:
    activate(wp)
    ok(run("plan", "complete", "P1"))
    before = wp.read_bytes()
    refused(run("task", "add", "P1", "More"), wp, before, "P1 is completed: no new tasks")
    refused(run("outcome", "add", "P1", "More", "--target", "5"), wp, before, "P1 is completed: no new outcomes")
    ok(run("task", "edit", "T1", "--progress", "100"))
    ok(run("outcome", "checkin", "O1", "38", "--note", "final count"))


# --- outcomes --------------------------------------------------------------------------------


def test_outcome_show_with_check_ins_tasks_and_history(run, wp: Path) -> None:
    actions.checkin(make_store(wp, "bob"), 1, 12, "first beds")
    out = ok(run("outcome", "show", "O1"))
    assert out.startswith("O1 Beds built\n")
    assert "current:  12 beds (baseline 0, target 40)" in out
    assert "Check-ins (1):" in out and "bob  12 beds  first beds" in out
    assert "Tasks (1):" in out and "T2" in out
    assert (
        "bob (root) checked in 12 beds on O1 (was 0 beds)" in out or "bob checked in 12 beds on O1 (was 0 beds)" in out
    )
    data = json.loads(ok(run("outcome", "show", "O1", "--json")))
    assert data["id"] == "O1" and data["plan"] == "P1" and data["progress"] == 30.0 and data["tasks"] == ["T2"]
    assert data["checkins"] == [{"value": 12, "by": "bob", "at": NOW_ISO, "note": "first beds", "confidence": None}]
    assert data["history"][0]["id"].startswith("A")
    refused(run("outcome", "show", "O9"), wp, wp.read_bytes(), "no outcome O9")


def test_outcome_edit_and_undo(run, wp: Path) -> None:
    before = fields(wp)
    out = ok(run("outcome", "edit", "O1", "--name", "Raised beds", "--target", "50", "--due", "none"))
    assert out.startswith("Changed O1: name, target, due date\nO1: Raised beds 0 / 50 beds (0%)")
    assert log_of(wp)[-1]["changes"]["due"] == [iso_day(+33), None]
    ok(run("undo"))
    assert fields(wp) == before
    refused(run("outcome", "edit", "O1", "--name", ""), wp, wp.read_bytes(), "outcome name must not be empty")
    assert run("outcome", "edit", "O1", "--target", "lots").exit_code == 2


def test_outcome_rm_refuses_while_tasks_link_unless_unlink_and_undo_links_them_again(run, wp: Path) -> None:
    actions.checkin(make_store(wp), 1, 12)
    before = tables(wp)
    refused(run("outcome", "rm", "O1"), wp, wp.read_bytes(), "tasks link to O1: T2; remove the links with --unlink")
    removed = json.loads(ok(run("outcome", "rm", "O1", "--unlink", "--json")))
    assert removed["id"] == "O1" and removed["plan"] == "P1" and removed["removed"] is True
    assert removed["unlinked_tasks"] == ["T2"] and removed["checkins"][0]["value"] == 12
    now = tables(wp)
    assert "1" not in now["outcomes"] and now["tasks"]["2"]["outcome"] is None
    unlink, rm = log_of(wp)[-2:]
    assert unlink["record"] == "T2" and unlink["changes"] == {"outcome": [1, None]}
    assert rm["kind"] == "outcome.rm" and rm["changes"]["unlinked"] == [["T2"], None]
    out = ok(run("undo"))
    assert "O1 'Beds built' is back; T2 has it again" in out
    after = tables(wp)
    assert after["outcomes"] == before["outcomes"]
    assert after["tasks"]["2"]["outcome"] == 1
    assert [e["undoes"] for e in log_of(wp)[-2:]] == [rm["id"], unlink["id"]]  # both steps are undone


def test_undo_of_an_unlinking_removal_leaves_a_task_someone_relinked_since(run, wp: Path) -> None:
    ok(run("outcome", "add", "P1", "Meals", "--target", "100"))  # O2
    ok(run("outcome", "rm", "O1", "--unlink"))
    actions.edit_task(make_store(wp, "bob"), 2, {"outcome": 2})
    out = ok(run("undo"))
    assert "not given back, changed since: T2" in out
    assert tables(wp)["tasks"]["2"]["outcome"] == 2 and "1" in tables(wp)["outcomes"]


# --- members ---------------------------------------------------------------------------------


def test_member_edit_name_partner_role_and_undo(run, wp: Path) -> None:
    before = fields(wp)
    out = ok(run("member", "edit", "bob", "--name", "Robert", "--partner", "PARKS", "--role", "lead"))
    assert out.strip() == "Changed bob (Robert, PARKS, lead): name, role, partner"
    entry = log_of(wp)[-1]
    assert entry["kind"] == "member.edit" and entry["record"] == "member bob"
    ok(run("undo"))
    assert fields(wp) == before
    refused(run("member", "edit", "bob", "--partner", "NOPE"), wp, wp.read_bytes(), "no partner 'NOPE'")
    refused(run("member", "edit", "zed", "--name", "Z"), wp, wp.read_bytes(), "no member 'zed'")


def test_the_last_lead_is_never_demoted_or_removed(run, wp: Path) -> None:
    before = wp.read_bytes()
    refused(run("member", "edit", "alice", "--role", "member"), wp, before, "alice is the last lead")
    refused(run("member", "rm", "alice", user="bob"), wp, before, "only a lead may remove a member")
    refused(run("member", "rm", "alice"), wp, before, "alice is the last lead")
    ok(run("member", "edit", "carol", "--role", "lead"))
    refused(run("member", "rm", "carol", user="carol"), wp, wp.read_bytes(), "you cannot remove yourself")
    refused(run("member", "edit", "alice", "--role", "member", user="bob"), wp, wp.read_bytes(), "only a lead")
    ok(run("member", "edit", "alice", "--role", "member"))  # carol leads now
    refused(run("member", "rm", "carol", user="carol"), wp, wp.read_bytes(), "carol is the last lead")
    ok(run("undo"))  # alice takes back her own demotion: two leads again
    assert tables(wp)["members"]["1"]["role"] == "lead"


def test_undo_never_leaves_the_partnership_without_a_lead(run, wp: Path) -> None:
    ok(run("member", "edit", "carol", "--role", "lead"))
    ok(run("member", "edit", "alice", "--role", "member", user="carol"))
    refused(run("undo"), wp, wp.read_bytes(), "would leave the partnership without a lead")


def test_member_rm_unassigns_open_tasks_keeps_votes_and_undo_gives_them_back(run, wp: Path) -> None:
    bob = make_store(wp, "bob")
    actions.vote(bob, 1, "block", "not yet")
    actions.add_task(make_store(wp), 1, "Paint signs", owner="bob")  # T4
    actions.set_status(bob, 4, "done")
    before = fields(wp)
    out = ok(run("member", "rm", "bob"))
    assert "Removed member bob (Bob, FOOD)." in out
    assert "Their open tasks are now unassigned: T2." in out
    assert "Their votes stay in the history but no longer count." in out
    data = tables(wp)
    assert "bob" not in [m["handle"] for m in data["members"].values()]
    assert data["tasks"]["2"]["owner"] is None and data["tasks"]["4"]["owner"] == "bob"  # done: kept
    assert any(v["member"] == "bob" for v in data["votes"].values())  # in the history
    plan = json.loads(ok(run("plan", "show", "P1", "--json")))
    assert plan["buy_in"]["tally"]["block"] == 0 and "bob" not in plan["buy_in"]["not_voted"]
    assert ok(run("undo")).startswith("Undid")
    assert fields(wp) == before
    plan = json.loads(ok(run("plan", "show", "P1", "--json")))
    assert plan["buy_in"]["tally"]["block"] == 1


def test_member_rm_json(run, wp: Path) -> None:
    record = json.loads(ok(run("member", "rm", "bob", "--json")))
    assert record == {
        "handle": "bob",
        "name": "Bob",
        "partner": "FOOD",
        "role": "member",
        "email": None,
        "digest": "daily",
        "rev": 1,
        "accounts": bound("bob"),
        "created_at": NOW_ISO,
        "unassigned_tasks": ["T2"],
        "removed": True,
    }


def test_a_removed_member_can_no_longer_change_the_file(run, wp: Path) -> None:
    ok(run("member", "rm", "carol"))
    refused(run("task", "progress", "T3", "10", user="carol"), wp, wp.read_bytes(), "carol is not a member")


# --- partners --------------------------------------------------------------------------------


def test_partner_edit_and_undo(run, wp: Path) -> None:
    before = fields(wp)
    record = json.loads(
        ok(
            run(
                "partner", "edit", "FOOD", "--name", "Food Bank Ltd", "--contribution", "cash:match:5000",
                "--contribution", "volunteers:drivers", "--interests-short", "Reach", "--interests-long", "Stay",
                "--json",
            )
        )
    )  # fmt: skip
    assert record["code"] == "FOOD" and record["name"] == "Food Bank Ltd"
    unset = {"amount": None, "hours": None, "rate": None, "grant": None, "deliveries": []}  # as 'partner list' shows
    unset |= {"due": None, "schedule": None, "followups": []}
    assert record["contributions"] == [
        {**unset, "kind": "cash", "description": "match", "amount": 5000},
        {**unset, "kind": "volunteers", "description": "drivers"},
    ]
    assert record["contributions"] == json.loads(ok(run("partner", "list", "--json")))[1]["contributions"]
    assert (record["interests_short"], record["interests_long"]) == ("Reach", "Stay")
    assert log_of(wp)[-1]["record"] == "partner FOOD"
    ok(run("undo"))
    assert fields(wp) == before
    ok(run("partner", "edit", "PARKS", "--no-contributions"))
    assert tables(wp)["partners"]["1"]["contributions"] == []
    refused(run("partner", "edit", "PARKS", "--contribution", "gold:bars"), wp, wp.read_bytes(), "KIND one of")
    refused(run("partner", "edit", "NOPE", "--name", "x"), wp, wp.read_bytes(), "no partner 'NOPE'")


def test_partner_rm_is_refused_while_members_belong_to_it(run, wp: Path) -> None:
    before = wp.read_bytes()
    refused(run("partner", "rm", "FOOD"), wp, before, "partner FOOD still has members: bob, carol")


def test_partner_rm_and_undo(run, wp: Path) -> None:
    ok(run("partner", "add", "SCHOOL", "--name", "School district", "--contribution", "facilities:gym"))
    before = tables(wp)
    assert "Removed partner SCHOOL (School district)" in ok(run("partner", "rm", "SCHOOL"))
    assert [p["code"] for p in tables(wp)["partners"].values()] == ["PARKS", "FOOD"]
    ok(run("undo"))
    assert tables(wp) == before
    ok(run("partner", "rm", "SCHOOL"))
    actions.add_partner(make_store(wp, "bob"), "school", "Another school")
    refused(run("undo"), wp, wp.read_bytes(), "a partner SCHOOL exists again")


# --- norms -----------------------------------------------------------------------------------


def test_norm_edit_clears_agreement_and_says_whose(run, wp: Path) -> None:
    ok(run("norm", "add", "Reply within two days"))
    ok(run("norm", "agree", "N1"))
    ok(run("norm", "agree", "N1", user="bob"))
    before = fields(wp)
    out = ok(run("norm", "edit", "N1", "Reply within three days"))
    assert out.strip() == "Reworded N1; agreement starts again from nobody (alice, bob had agreed to the old words)"
    assert tables(wp)["norms"]["1"]["agreed_by"] == []
    ok(run("undo"))
    assert fields(wp) == before
    assert "unchanged" in ok(run("norm", "edit", "N1", "Reply within two days"))
    refused(run("norm", "edit", "N1", ""), wp, wp.read_bytes(), "norm must not be empty")


def test_norm_withdraw_and_undo(run, wp: Path) -> None:
    ok(run("norm", "add", "Reply within two days"))
    ok(run("norm", "agree", "N1"))
    before = tables(wp)
    record = json.loads(ok(run("norm", "withdraw", "N1", "--json")))
    assert record == {**before["norms"]["1"], "id": "N1", "removed": True}
    assert tables(wp)["norms"] == {}
    ok(run("undo"))
    assert tables(wp) == before


# --- every new command -----------------------------------------------------------------------

NEW_COMMANDS = [
    ["task", "edit"],
    ["task", "rm"],
    ["plan", "rename"],
    ["plan", "edit"],
    ["plan", "rule"],
    ["plan", "reopen"],
    ["outcome", "show"],
    ["outcome", "edit"],
    ["outcome", "rm"],
    ["member", "edit"],
    ["member", "rm"],
    ["partner", "edit"],
    ["partner", "rm"],
    ["norm", "edit"],
    ["norm", "withdraw"],
]


@pytest.mark.parametrize("command", NEW_COMMANDS, ids=" ".join)
def test_help_is_in_sentences_with_an_example(run, command: list[str]) -> None:
    out = ok(run(*command, "--help"))
    assert "Example:\n    workplan " + " ".join(command) in out
    assert "--json" in out
    group = ok(run(command[0], "--help"))
    line = next(line for line in group.splitlines() if line.strip().startswith(command[1] + " "))
    assert line.rstrip().endswith(".") and "..." not in line  # the listing never cuts a sentence


@pytest.mark.parametrize(
    ("args", "key", "value"),
    [
        (["task", "edit", "T2", "--notes", "x", "--json"], "id", "T2"),
        (["task", "rm", "T3", "--json"], "id", "T3"),
        (["plan", "rename", "P1", "Beds", "--json"], "id", "P1"),
        (["plan", "edit", "P1", "--scope", "x", "--json"], "id", "P1"),
        (["plan", "rule", "P1", "partners", "--json"], "rule", "partners"),
        (["outcome", "edit", "O1", "--unit", "boxes", "--json"], "plan", "P1"),
        (["member", "edit", "carol", "--name", "Caroline", "--json"], "handle", "carol"),
        (["partner", "edit", "PARKS", "--name", "Parks", "--json"], "code", "PARKS"),
        (["norm", "edit", "N1", "Be early", "--json"], "id", "N1"),
        (["norm", "withdraw", "N1", "--json"], "removed", True),
    ],
)
def test_json_prints_the_changed_record_with_labels(run, wp: Path, args: list[str], key: str, value: Any) -> None:
    ok(run("norm", "add", "Be on time"))
    record = json.loads(ok(run(*args)))
    assert record[key] == value
    for ref in ("plan", "outcome"):
        assert not isinstance(record.get(ref), int), record  # references as labels, never bare ids


def test_stored_text_is_cleaned_in_what_the_new_commands_print(run, wp: Path) -> None:
    nasty = "\x1b]52;c;ZXZpbA==\x07evil\u202e"
    actions.edit_task(make_store(wp), 3, {"title": nasty})
    actions.checkin(make_store(wp), 1, 3, nasty)
    for args in (["task", "rm", "T3"], ["outcome", "show", "O1"], ["log", "--limit", "1"], ["undo"]):
        out = ok(run(*args))
        assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out


def test_removal_and_undo_on_a_hand_edited_file_read_whole(run, wp: Path) -> None:
    data = json.loads(wp.read_text())
    data["tasks"]["1"]["colour"] = "green"  # a field this version does not know: kept through rm and undo
    wp.write_text(json.dumps(data, indent=2))  # no seal: the file is parsed and checked whole
    before = tables(wp)
    ok(run("task", "rm", "T1"))
    ok(run("undo"))
    assert tables(wp) == before and list(tables(wp)["tasks"]) == ["1", "2", "3"]


def test_a_record_too_large_for_the_log_is_not_removed(run, wp: Path) -> None:
    data = json.loads(wp.read_text())
    note = {"by": "alice", "at": NOW_ISO, "text": "x" * 10_000}
    data["tasks"]["1"]["updates"] = [note] * 60  # 600 KB of notes
    wp.write_text(json.dumps(data))
    refused(run("task", "rm", "T1"), wp, wp.read_bytes(), "T1 is too large to keep in the log for undo")


WRITE_COMMANDS = [
    ["task", "edit", "T1", "--title", "x"],
    ["task", "rm", "T1"],
    ["plan", "rename", "P1", "x"],
    ["plan", "edit", "P1", "--scope", "x"],
    ["plan", "rule", "P1", "majority"],
    ["plan", "reopen", "P1"],
    ["outcome", "edit", "O1", "--target", "5"],
    ["outcome", "rm", "O1", "--unlink"],
    ["member", "edit", "carol", "--name", "C"],
    ["member", "rm", "carol"],
    ["partner", "edit", "FOOD", "--name", "F"],
    ["partner", "rm", "PARKS"],
    ["norm", "edit", "N1", "x"],
    ["norm", "withdraw", "N1"],
]


@pytest.mark.parametrize("args", WRITE_COMMANDS, ids=" ".join)
def test_every_change_is_refused_to_a_non_member_and_on_a_stale_copy(run, wp: Path, args: list[str]) -> None:
    actions.add_norm(make_store(wp), "Be on time")
    before = wp.read_bytes()
    refused(run(*args, user="zed"), wp, before, "zed is not a member of this partnership")
    result = run(*args, "--rev", "99")
    assert result.exit_code != 0 and wp.read_bytes() == before
    if "reopen" not in args and "PARKS" not in args:  # refused for what it is before its revision is looked at
        assert "changed by someone else since" in result.stderr


def test_undo_takes_back_an_addition_so_an_earlier_removal_can_be_undone_too(run, wp: Path) -> None:
    """A tester removed T3, added a task, and undo stuck at the addition: T3 could never come back."""
    before = tables(wp)
    ok(run("task", "rm", "T3"))
    added = json.loads(ok(run("task", "add", "P1", "New after rm", "--json")))["id"]
    assert f"{added} 'New after rm' is removed again" in ok(run("undo"))
    assert added[1:] not in tables(wp)["tasks"]
    assert "T3 'Find volunteers' is back" in ok(run("undo"))
    assert tables(wp)["tasks"] == before["tasks"]
    new_id = json.loads(ok(run("task", "add", "P1", "Another", "--json")))["id"]
    assert new_id not in (added, "T3")  # ids of removed tasks are never given out again


def test_undo_of_an_addition_others_built_on_is_refused(run, wp: Path) -> None:
    ok(run("plan", "add", "Spring"))
    ok(run("task", "add", "P2", "Seedlings", user="bob"))
    before = wp.read_bytes()
    result = run("undo")
    assert result.exit_code == 1 and "P2 is in use now (T4)" in result.stderr and wp.read_bytes() == before
    ok(run("undo", user="bob"))  # bob takes his task back
    assert "P2 'Spring' is removed again" in ok(run("undo"))
    assert "2" not in tables(wp)["plans"]


def test_norm_agree_counts_only_members_as_the_board_and_the_report_do(run, wp: Path) -> None:
    """Whether a norm is in force, and who has agreed, is one rule (rules.norm_state): an agreement
    of someone who is no longer a member counts nowhere (norm agree said '2 of 2 agreed')."""
    ok(run("norm", "add", "Reply within two days"))
    ok(run("norm", "agree", "N1", user="carol"))
    ok(run("member", "rm", "carol"))
    out = ok(run("norm", "agree", "N1", user="bob"))
    assert "(1 of 2 agreed)" in out
    listed = json.loads(ok(run("norm", "list", "--json")))
    report = json.loads(ok(run("report", "--json")))["norms"]
    assert listed[0]["in_force"] is False and report[0]["in_force"] is False
    assert report[0]["waiting_for"] == ["alice"]
    assert "in force" in ok(run("norm", "agree", "N1"))


def test_numbers_and_progress_are_read_by_one_rule(run, wp: Path) -> None:
    """How a number and a progress are typed is one rule (model/typed.py, rules.parse_progress):
    the command line refuses 10,5 with a hint, as the board's forms do, and takes 50% for a
    progress, as the board's form and an import do."""
    before = wp.read_bytes()
    refused(run("outcome", "checkin", "O1", "10,5"), wp, before, "write decimals with a point (10.5)")
    assert json.loads(ok(run("outcome", "checkin", "O1", "10.5", "--json")))["current"] == 10.5
    assert json.loads(ok(run("task", "progress", "T1", "50%", "--json")))["progress"] == 50
    assert json.loads(ok(run("task", "edit", "T1", "--progress", "+10%", "--json")))["progress"] == 60


def test_the_log_words_a_change_as_the_board_does(run, wp: Path) -> None:
    """One wording of a log change (model/changes.py): a sentence a person would write, the
    record by its title, in 'workplan log' as on the board (the log said 'note - → ...', and
    then 'agreed_by alice → alice, bob')."""
    from tests.clock import TODAY
    from workplan_tui.model.changes import Names, sentence
    from workplan_tui.store.history import History, history_path_for

    ok(run("task", "note", "T1", "Called the supplier"))
    ok(run("norm", "add", "Reply within two days"))
    ok(run("norm", "agree", "N1"))
    ok(run("norm", "agree", "N1", user="bob"))
    log = ok(run("log", "--limit", "4"))
    assert "noted on T1 'Order soil': Called the supplier" in log and "agreed to N1 'Reply within two days'" in log
    entries = History(history_path_for(wp), mark_of_file(wp)).newest()
    names = Names(make_store(wp).read(), TODAY)
    board = [sentence(e, names).split(" ", 1)[1] for e in entries][:4]  # after the member (and their account)
    assert all(line in log for line in board)


def mark_of_file(wp: Path):
    from workplan_tui.store.history import mark_of

    return mark_of(json.loads(wp.read_text())["meta"]["1"])
