"""Dependencies, recurring tasks and milestones through the store and the command line (issue 29):
every change in one transaction, logged, undone, checked; old files unchanged; hand edits reported."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.clock import day, iso_day
from tests.conftest import log_of, make_store
from workplan_tui.model.rules import RuleError
from workplan_tui.store import actions
from workplan_tui.store.store import Store


def file_of(path: Path) -> dict:
    return json.loads(path.read_text())


# --- dependencies ----------------------------------------------------------------------------------


def test_a_dependency_is_logged_and_undone(store: Store, wp: Path) -> None:
    task = actions.set_waits(store, 2, add=[1])
    assert task.waits_on == [1]
    last = log_of(wp)[-1]
    assert (last["kind"], last["record"], last["changes"]) == ("task.depends", "T2", {"waits_on": [[], [1]]})
    actions.undo(store)
    assert "waits_on" in file_of(wp)["tasks"]["2"] and file_of(wp)["tasks"]["2"]["waits_on"] == []


def test_several_at_once_across_plans_and_removed_again(store: Store, run) -> None:
    actions.add_plan(store, "Winter boxes")
    other = actions.add_task(store, 2, "Find a van", owner="bob", due=iso_day(+4))
    result = run("task", "depends", "T3", "T1", other.label)
    assert result.exit_code == 0, result.output
    assert "T3 waits on T1, T4" in result.output
    assert actions.set_waits(store, 3, remove=[1]).waits_on == [other.id]
    assert run("task", "depends", "T3", "T4", "--remove").exit_code == 0
    refused = run("task", "depends", "T3", "T2", "--remove")
    assert refused.exit_code == 1 and "T3 does not wait on T2" in refused.stderr


def test_a_circle_is_refused_naming_it_and_nothing_is_written(store: Store, wp: Path, run) -> None:
    actions.set_waits(store, 2, add=[1])
    actions.set_waits(store, 3, add=[2])
    before = wp.read_bytes()
    result = run("task", "depends", "T1", "T3")
    assert result.exit_code == 1
    assert "T1 → T3 → T2 → T1 would go round in a circle" in result.stderr
    assert result.stderr.count("\n") == 1
    assert wp.read_bytes() == before
    assert "cannot wait on itself" in run("task", "depends", "T1", "T1").stderr
    assert "no task T99" in run("task", "depends", "T1", "T99").stderr


def test_removing_a_task_others_wait_on_says_which(store: Store, wp: Path, run) -> None:
    actions.set_waits(store, 2, add=[1])
    actions.set_waits(store, 3, add=[1])
    result = run("task", "rm", "T1")
    assert result.exit_code == 1
    assert "T2, T3 wait on T1" in result.stderr and "workplan task depends T2 T1 --remove" in result.stderr
    actions.set_waits(store, 2, remove=[1])
    actions.set_waits(store, 3, remove=[1])
    assert run("task", "rm", "T1").exit_code == 0
    assert actions.undo(store).restored["record"].id == 1


def test_a_waiting_task_keeps_its_keys_and_the_owner_is_told_when_it_is_ready(store: Store, run) -> None:
    actions.set_waits(store, 2, add=[1])  # bob's T2 waits on alice's T1
    assert actions.set_progress(make_store(store.path, "bob"), 2, "+10").progress == 10  # people start early
    listed = run("task", "list", "--waiting")
    assert "T2" in listed.output and "T1 " not in listed.output
    actions.set_status(store, 1, "done")
    status = run("status", user="bob")
    assert "you can start T2: T1 done by alice" in status.output
    data = json.loads(run("status", "--json", user="bob").output)
    [ready] = data["mine"]["ready_to_start"]
    assert (ready["task"]["id"], ready["prerequisite"]["id"], ready["by"]) == ("T2", "T1", "alice")
    assert "you can start" not in run("status").output  # alice owns no task that waited


def test_dates_that_cannot_work_are_flagged_in_status_and_task_show(store: Store, run) -> None:
    actions.set_due(store, 1, iso_day(+10))
    actions.set_waits(store, 2, add=[1])  # T2 is due in 6 days, T1 in 10
    status = run("status")
    assert "Dates that cannot work (1)" in status.output
    assert "T2 is due" in status.output and "but waits on T1, due" in status.output
    shown = run("task", "show", "T2").output
    assert "waits on: T1 Order soil" in shown and "! dates:" in shown
    assert "before:   T2 Build beds waits on it" in run("task", "show", "T1").output
    listed = {line.split()[0]: line for line in run("task", "list").output.splitlines()[1:]}
    assert "✗ due in 6 days" in listed["T2"] and "✗" not in listed["T1"]


def test_an_edit_replaces_what_a_task_waits_on(store: Store, run) -> None:
    assert run("task", "edit", "T3", "--waits-on", "T1,T2").exit_code == 0
    assert store.read().tasks[3].waits_on == [1, 2]
    assert run("task", "edit", "T3", "--waits-on", "none").exit_code == 0
    assert store.read().tasks[3].waits_on == []
    actions.edit_task(store, 3, {"waits_on": [2]})
    with pytest.raises(RuleError, match="circle"):
        actions.edit_task(store, 2, {"waits_on": [3]})


# --- old files and hand edits ---------------------------------------------------------------------


def test_an_old_file_gets_no_new_fields_until_someone_sets_them(store: Store, wp: Path) -> None:
    actions.set_progress(store, 1, "20")
    actions.add_task(store, 1, "Another", owner="bob")
    data = file_of(wp)
    assert all("waits_on" not in t and "series" not in t for t in data["tasks"].values())
    assert "milestones" not in data and "series" not in data


def test_check_reports_a_dependency_on_a_missing_task(wp: Path, run) -> None:
    data = file_of(wp)
    data["tasks"]["2"]["waits_on"] = [99]
    data["meta"]["1"].pop("digest", None)
    wp.write_text(json.dumps(data))
    result = run("check")
    assert result.exit_code == 1
    assert "task T2: waits_on: task T99 does not exist" in result.stderr
    data["tasks"]["2"]["waits_on"] = [1]
    data["tasks"]["1"]["waits_on"] = [2]
    wp.write_text(json.dumps(data))
    assert "goes round in a circle: T1 → T2 → T1" in run("check").stderr


# --- recurring tasks --------------------------------------------------------------------------------


def test_a_done_instance_makes_the_next_one_and_undo_takes_both_back(store: Store, wp: Path, run) -> None:
    result = run("task", "add", "P1", "Weekly harvest weigh-in", "--owner", "bob", "--every", "week", "--due", "today")
    assert result.exit_code == 0, result.output
    assert "every week (S1)" in result.output
    assert [e["kind"] for e in log_of(wp)[-2:]] == ["series.add", "task.add"]
    done = run("task", "done", "T4")
    assert done.exit_code == 0
    wp_now = store.read()
    nxt = wp_now.tasks[5]
    assert (nxt.title, nxt.owner, nxt.status, nxt.series, nxt.due) == ("Weekly harvest weigh-in", "bob", "todo", 1,
                                                                        iso_day(+7))  # fmt: skip
    assert nxt.updates == [] and log_of(wp)[-1]["kind"] == "task.recur"
    undone = actions.undo(store)
    assert undone.restored["removed"] == ["T5"]
    assert 5 not in store.read().tasks and store.read().tasks[4].status == "todo"
    actions.undo(store)  # the task's addition: its series goes with it
    assert store.read().series == {} and 4 not in store.read().tasks


def test_task_edit_says_in_words_what_repeats_and_what_it_waits_on(run) -> None:
    assert run("task", "edit", "T1", "--every", "monday").output.startswith("Changed T1: repeats; every Monday (S1)")
    ended = run("task", "edit", "T1", "--every", "none").output
    assert ended.startswith("Changed T1: repeats; no longer repeats (S1, every Monday, ended)"), ended
    waits = run("task", "edit", "T2", "--waits-on", "T3").output
    assert waits.startswith("Changed T2: waits on; waits on T3"), waits
    assert "waits_on" not in waits and "every;" not in ended


def test_only_one_instance_is_open_and_a_paused_series_makes_none(store: Store) -> None:
    first = actions.add_task(store, 1, "Rota", every="monday")
    assert date.fromisoformat(first.due or "").weekday() == 0
    actions.set_status(store, first.id, "done")
    second = max(store.read().tasks)
    with pytest.raises(RuleError, match="a recurring series has one open at a time"):
        actions.set_status(store, first.id, "doing")  # the next one is open: not a second
    assert max(store.read().tasks) == second
    actions.set_series_status(store, 1, "paused")
    actions.set_status(store, second, "done")
    assert max(store.read().tasks) == second
    actions.set_series_status(store, 1, "running")  # none open: resuming makes the next
    assert max(store.read().tasks) == second + 1
    actions.set_series_status(store, 1, "ended")
    actions.set_status(store, second + 1, "done")
    assert max(store.read().tasks) == second + 1
    with pytest.raises(RuleError, match="already ended"):
        actions.set_series_status(store, 1, "ended")


def test_skipping_an_instance_moves_it_to_the_next_day_and_undo_moves_it_back(store: Store, run) -> None:
    task = actions.add_task(store, 1, "Monthly report", every="last of month", due=iso_day(0))
    result = run("task", "skip", task.label)
    assert result.exit_code == 0, result.output
    moved = store.read().tasks[task.id].due
    assert moved is not None and moved > iso_day(0)
    last_day = date.fromisoformat(moved)
    assert (last_day + timedelta(days=1)).day == 1  # a month's last day
    actions.undo(store)
    assert store.read().tasks[task.id].due == iso_day(0)
    assert "not a recurring task" in run("task", "skip", "T1").stderr


def test_an_instance_with_a_start_keeps_its_lead_when_skipped_and_when_the_next_is_made(store: Store) -> None:
    weekly = actions.add_task(store, 1, "Weigh the harvest", every="week", due=iso_day(2), start=iso_day(0))
    skipped = actions.skip_instance(store, weekly.id)
    assert (skipped.start, skipped.due) == (iso_day(7), iso_day(9))  # two days' lead, a week on
    actions.set_status(store, weekly.id, "done")
    [following] = [t for t in store.read().tasks.values() if t.series == weekly.series and t.status != "done"]
    assert (following.start, following.due) == (iso_day(14), iso_day(16))


def test_making_a_task_recurring_and_ending_it(store: Store, run) -> None:
    assert run("task", "edit", "T3", "--every", "2w").exit_code == 0  # it had no due date: today
    task = store.read().tasks[3]
    assert task.series == 1 and task.due == iso_day(0)
    listed = run("series", "list")
    assert "S1 Find volunteers · every 2 weeks · running · open: T3" in listed.output
    assert run("task", "edit", "T3", "--every", "none").exit_code == 0
    assert store.read().series[1].status == "ended"
    assert run("series", "resume", "T3").exit_code == 0
    bad = run("task", "add", "P1", "x", "--every", "sometimes")
    assert bad.exit_code == 1 and "cannot read 'sometimes' as a repeat" in bad.stderr


# --- milestones ------------------------------------------------------------------------------------------


def test_milestones_are_added_forecast_edited_removed_and_undone(store: Store, wp: Path, run) -> None:
    added = run("milestone", "add", "P1", "Beds ready", "--due", "in 10 days", "--task", "T1,T2", "--outcome", "O1")
    assert added.exit_code == 0, added.output
    shown = run("milestone", "show", "D1")
    assert "D1 Beds ready" in shown.output and "at risk: T1 overdue" in shown.output
    assert "Milestones:" in run("plan", "show", "P1").output
    assert "next milestone: D1 Beds ready" in run("status").output
    assert run("milestone", "edit", "D1", "--drop", "T1").exit_code == 0
    assert store.read().milestones[1].tasks == [2]
    refused = run("task", "rm", "T2")
    assert refused.exit_code == 1 and "milestone D1 lists T2" in refused.stderr
    assert "milestone D1 lists O1" in run("outcome", "rm", "O1", "--unlink").stderr
    assert run("milestone", "rm", "D1").exit_code == 0
    assert store.read().milestones == {}
    assert actions.undo(store).record == "D1"
    assert store.read().milestones[1].tasks == [2]
    other = actions.add_plan(store, "Other")
    with pytest.raises(RuleError, match="lists only its own plan's tasks"):
        actions.add_milestone(store, other.id, "x", iso_day(3), tasks=[1])


def test_a_milestone_is_in_the_ics_export_and_the_report(store: Store, run) -> None:
    actions.add_milestone(store, 1, "Beds ready", iso_day(+10), tasks=[2])
    ics = run("export", "--format", "ics").output
    assert "SUMMARY:D1 Beds ready (milestone)" in ics
    assert f"DTSTART;VALUE=DATE:{day(+10):%Y%m%d}" in ics
    report = run("report").output
    assert "## Milestones" in report and "| D1 Beds ready |" in report


# --- exchange -------------------------------------------------------------------------------------------


def test_csv_export_and_import_carry_waits_on(store: Store, wp: Path, tmp_path: Path, run) -> None:
    actions.set_waits(store, 2, add=[1])
    exported = run("export", "--format", "csv", "--table", "tasks").output
    assert "waits_on" in exported.splitlines()[0] and "T1 Order soil" in exported
    sheet = tmp_path / "plan.csv"
    sheet.write_text("title,owner,due,waits on\nDig,alice,fri,\nPlant,bob,next friday,Dig; T2\n")
    result = run("import", str(sheet), "--plan", "P1")
    assert result.exit_code == 0, result.output
    tasks = store.read().tasks
    dig = next(t for t in tasks.values() if t.title == "Dig")
    plant = next(t for t in tasks.values() if t.title == "Plant")
    assert plant.waits_on == [2, dig.id]
    circle = tmp_path / "circle.csv"
    circle.write_text("title,waits on\nDig,Plant\n")
    refused = run("import", str(circle), "--plan", "P1")
    assert refused.exit_code == 1 and "circle" in refused.stderr
    assert store.read().tasks[dig.id].waits_on == []
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("title,waits on\nNew,Nothing like it\n")
    assert "row 2, column 'waits on': no task 'Nothing like it'" in run("import", str(unknown), "--plan", "P1").stderr


def test_timeline_prints_within_columns(store: Store, run, monkeypatch: pytest.MonkeyPatch) -> None:
    actions.set_waits(store, 2, add=[1])
    actions.add_milestone(store, 1, "Beds ready", iso_day(+10), tasks=[2])
    for columns in ("60", "80", "132"):
        monkeypatch.setenv("COLUMNS", columns)
        out = run("timeline", "--weeks", "12").output
        assert max(len(line) for line in out.splitlines()) <= int(columns), out
        assert "D1 Beds ready" in out and "overdue" in out
        assert "◂ ▸ before, after" in out and "◆ milestone" in out  # the key to the signs: wrapped, never cut
    data = json.loads(run("timeline", "--json", "--plan", "P1").output)
    rows = {r["id"]: r for r in data["rows"]}
    assert rows["T1"]["state"] == "overdue" and rows["T2"]["waits_on"] == ["T1"]
    assert rows["D1"]["kind"] == "milestone"
    assert "no plan P9" in run("timeline", "--plan", "P9").stderr


def test_undoing_a_task_made_recurring_takes_its_new_series_back(store: Store) -> None:
    actions.make_recurring(store, 1, "month")
    assert store.read().tasks[1].series == 1
    undone = actions.undo(store)
    assert undone.restored["removed"] == ["S1"]
    assert store.read().series == {} and store.read().tasks[1].series is None


def test_the_review_puts_waiting_work_after_ready_work(store: Store) -> None:
    from tests.conftest import FIXED_NOW
    from workplan_tui.model.overview import review_queue

    actions.set_due(store, 3, iso_day(+1))  # T3 due tomorrow, bob's T2 in 6 days, alice's T1 overdue
    actions.set_waits(store, 1, add=[3])  # the overdue one waits
    queue = review_queue(store.read(), "alice", FIXED_NOW, day(0))
    assert [item.task.id for item in queue] == [3, 2, 1]
    assert queue[-1].reasons[-1] == "waits on T3"
    late = actions.add_task(store, 1, "Plant", due=iso_day(+20), start=iso_day(-2), waits_on=[3])
    alone = actions.add_task(store, 1, "Weed", due=iso_day(+20), start=iso_day(-2))
    reasons = {item.task.id: item.reasons for item in review_queue(store.read(), "alice", FIXED_NOW, day(0))}
    assert reasons[alone.id] == ["not started"] and reasons[late.id] == ["not started", "waits on T3"]
    assert [item.task.id for item in review_queue(store.read(), "alice", FIXED_NOW, day(0))][-1] == late.id


def test_the_json_export_carries_milestones_and_series_once_there_are_some(store: Store, run) -> None:
    before = json.loads(run("export", "--format", "json", "--no-log").output)
    assert "milestones" not in before and "series" not in before
    actions.add_milestone(store, 1, "Beds ready", iso_day(+10), tasks=[2])
    actions.add_task(store, 1, "Weekly", every="week")
    after = json.loads(run("export", "--format", "json", "--no-log").output)
    assert after["milestones"][0]["tasks"] == ["T2"] and after["series"][0]["every"] == "week"
    assert after["tasks"][-1]["series"] == "S1"


def test_the_filter_word_waiting(store: Store, run) -> None:
    actions.set_waits(store, 2, add=[1])
    found = run("task", "list", "--search", "waiting")
    assert "T2" in found.output and "T1 " not in found.output and "T3" not in found.output


def test_the_printed_timeline_shows_stored_text_without_control_characters(store: Store, run) -> None:
    nasty = "osc\x1b]52;c;ZXZpbA==\x07 csi\x9b31m"
    made = actions.add_task(store, 1, nasty, due=iso_day(+3))
    actions.add_milestone(store, 1, nasty, iso_day(+5), tasks=[made.id])
    for args in (("timeline",), ("timeline", "--json"), ("milestone", "list"), ("task", "list")):
        out = run(*args).output
        assert "ZXZpbA" in out and "\x1b]52" not in out and "\x07" not in out and "\x9b" not in out, args
