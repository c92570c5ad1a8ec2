"""What `workplan check` doubts that no command writes (a meeting run and stood in for by one
member, a milestone listing another plan's work, a series with two open instances), and the
write paths that could have made them refuse in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.clock import iso_day
from tests.conftest import make_store
from workplan_tui.model.rules import RuleError
from workplan_tui.store import actions
from workplan_tui.store.store import Store


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def test_check_doubts_a_shared_role_a_milestone_across_plans_and_two_open_instances(run, wp: Path) -> None:
    store = make_store(wp)
    actions.add_meeting(store, "Kick-off", iso_day(3), facilitator="alice", alternate="bob")
    actions.add_plan(store, "Pantry", "Shelves")
    actions.add_outcome(store, 2, "Shelves up", 10, 0, "shelves", iso_day(20))  # O2, of P2
    actions.add_task(store, 2, "Buy shelves", due=iso_day(5))  # T4, of P2
    actions.add_milestone(store, 1, "Beds ready", iso_day(10), tasks=[1])  # D1 of P1
    weekly = actions.add_task(store, 1, "Weigh the harvest", every="week", due=iso_day(0))  # T5, S1
    actions.set_status(store, weekly.id, "done")  # T6 is its open instance
    assert json.loads(ok(run("check", "--json")))["doubts"] == []
    data = json.loads(wp.read_text())
    data["meetings"]["1"]["alternate"] = "alice"
    data["milestones"]["1"].update(tasks=[1, 4], outcomes=[2])
    data["tasks"][str(weekly.id)].update(status="doing", progress=50)
    wp.write_text(json.dumps(data))
    before = wp.read_bytes()
    result = run("check")
    assert result.exit_code == 0 and "Traceback" not in result.output  # sound: every command reads it
    out = result.output
    said = [
        "M1: alice cannot be both the facilitator and the alternate; choose another alternate",
        "D1: T4 is in plan P2; a milestone of P1 lists only its own plan's tasks",
        "D1: O2 is in plan P2; a milestone of P1 lists only its own plan's outcomes",
        f"S1 has 2 open instances (T{weekly.id}, T{weekly.id + 1}); a recurring series has one open at a time",
    ]
    for line in said:
        assert f"workplan.json: {line}\n" in out, (line, out)
    assert "sound, but 4 things look wrong (above)" in out
    assert json.loads(ok(run("check", "--json")))["doubts"] == said
    assert wp.read_bytes() == before  # check changes nothing


def store_doubts(wp: Path) -> list[str]:
    from workplan_tui.model.rules import record_doubts

    return record_doubts(make_store(wp).read())


def test_a_done_instance_is_not_reopened_while_the_next_is_open(store: Store, wp: Path, run) -> None:
    """Reopening T4 after its done made T5 left the series with two open instances."""
    weekly = actions.add_task(store, 1, "Weigh the harvest", every="week", due=iso_day(0))
    actions.set_status(store, weekly.id, "done")
    nxt = weekly.id + 1
    before = wp.read_bytes()
    refusal = f"T{weekly.id} cannot be reopened: S1 would have 2 open instances (T{weekly.id}, T{nxt})"
    for args in (
        ("task", "status", f"T{weekly.id}", "doing"),
        ("task", "progress", f"T{weekly.id}", "50"),
        ("task", "edit", f"T{weekly.id}", "--status", "todo"),
    ):
        result = run(*args)
        assert result.exit_code == 1 and result.stdout == "", (args, result.output)
        assert result.stderr.startswith(f"workplan: error: {refusal}") and result.stderr.count("\n") == 1, result.stderr
        assert f"finish or remove T{nxt} first" in result.stderr
    sheet = wp.parent / "reopen.csv"
    sheet.write_text(f"id,title,status,progress\nT{weekly.id},Weigh the harvest,doing,50\n")
    result = run("import", str(sheet), "--plan", "P1")
    assert result.exit_code == 1 and refusal in result.stderr and "Traceback" not in result.output
    assert wp.read_bytes() == before  # nothing written
    actions.set_status(store, nxt, "done")  # with the next one done (and T7 made), none is open but T7
    actions.remove_task(store, nxt + 1)
    assert actions.set_status(store, weekly.id, "doing").status == "doing"  # the only open one: allowed


def test_undo_does_not_bring_back_a_second_open_instance(wp: Path) -> None:
    """alice removed the open instance, bob's resume made the next; alice's undo brought hers back."""
    alice, bob = make_store(wp), make_store(wp, "bob")
    weekly = actions.add_task(alice, 1, "Weigh the harvest", every="week", due=iso_day(0))
    actions.set_status(alice, weekly.id, "done")
    actions.remove_task(alice, weekly.id + 1)  # the open instance
    actions.set_series_status(bob, 1, "running")  # none open: resuming makes the next
    assert not store_doubts(wp)
    before = wp.read_bytes()
    with pytest.raises(RuleError, match=rf"^T{weekly.id + 1} cannot come back \(undoing A\d+\): S1 would have 2 open"):
        actions.undo(alice)
    assert wp.read_bytes() == before and not store_doubts(wp)


def test_a_meeting_and_a_milestone_refuse_what_check_doubts(store: Store, wp: Path, run) -> None:
    """The write paths were already shut; they ask the same rules check asks (one home each)."""
    run("meeting", "add", "Kick-off", "--on", iso_day(1), "--facilitator", "alice")
    for args in (
        ("meeting", "edit", "M1", "--alternate", "alice"),
        ("meeting", "add", "Review", "--on", iso_day(2), "--facilitator", "bob", "--alternate", "bob"),
    ):
        result = run(*args)
        assert result.exit_code == 1 and "cannot be both the facilitator and the alternate" in result.stderr, args
    actions.add_plan(store, "Pantry", "Shelves")
    actions.add_task(store, 2, "Buy shelves")  # T4, of P2
    refused = run("milestone", "add", "P1", "Beds ready", "--due", iso_day(10), "--task", "T4")
    assert refused.exit_code == 1, refused.output
    assert "T4 is in plan P2; a milestone of P1 lists only its own plan's tasks" in refused.stderr
    assert json.loads(ok(run("check", "--json")))["doubts"] == []


def test_an_undo_that_opens_no_instance_is_not_refused_for_two_open_ones(store: Store, wp: Path) -> None:
    """Only a change that opens an instance is refused: a note on a series left with two open
    instances by a hand edit is still undone (check doubts the two; the note is not to blame)."""
    weekly = actions.add_task(store, 1, "Weigh the harvest", every="week", due=iso_day(0))
    actions.set_status(store, weekly.id, "done")
    data = json.loads(wp.read_text())
    data["tasks"][str(weekly.id)].update(status="doing", progress=50)
    wp.write_text(json.dumps(data))
    actions.add_note(store, weekly.id + 1, "Scales borrowed")
    assert actions.undo(store).kind == "task.note"
    assert store_doubts(wp) == [
        f"S1 has 2 open instances (T{weekly.id}, T{weekly.id + 1}); a recurring series has one open at a time"
    ]
