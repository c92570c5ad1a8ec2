"""Work over time tried cold (issue 29), as a careless or hostile partner would: hand-edited
dates at the calendar's ends on recurring tasks, spreadsheets whose "waits on" cells hold titles
with separators, ids that name another task than their title, circles a dry run must see, and
the values of a dependency as people read them in conflicts and the log."""

from __future__ import annotations

import json
from pathlib import Path

from tests.clock import iso_day
from tests.conftest import make_store
from workplan_tui.store import actions
from workplan_tui.store.store import Store


def file_of(path: Path) -> dict:
    return json.loads(path.read_text())


def hand_edit(path: Path, edit) -> None:
    data = file_of(path)
    edit(data)
    path.write_text(json.dumps(data))


# --- a recurring task due at the calendar's end ------------------------------------------------------


def test_an_instance_due_on_the_calendars_last_day_is_done_without_a_next_and_not_skipped(
    store: Store, wp: Path, run
) -> None:
    made = actions.add_task(store, 1, "Weekly rota", owner="bob", every="week", due=iso_day(+1))

    def at_the_end(data: dict) -> None:
        data["tasks"][str(made.id)]["due"] = "9999-12-31"

    hand_edit(wp, at_the_end)
    assert run("check").exit_code == 0
    before = wp.read_bytes()
    skipped = run("task", "skip", made.label)
    assert skipped.exit_code == 1 and "Traceback" not in skipped.output
    assert skipped.stderr.count("\n") == 1
    assert f"{made.label} cannot be skipped: every week has no day after 9999-12-31" in skipped.stderr
    assert wp.read_bytes() == before
    done = run("task", "done", made.label)
    assert done.exit_code == 0, done.output
    tasks = file_of(wp)["tasks"]
    assert tasks[str(made.id)]["status"] == "done"
    assert [k for k, t in tasks.items() if t.get("series") == made.series] == [str(made.id)]  # no next one


def test_a_monthly_series_at_the_calendars_end_and_a_start_years_from_its_due_day(store: Store, wp: Path) -> None:
    monthly = actions.add_task(store, 1, "Monthly report", every="month", due=iso_day(+1))

    def hand_edits(data: dict) -> None:
        data["series"][str(monthly.series)]["anchor"] = "9999-12-01"
        data["tasks"][str(monthly.id)]["due"] = "9999-12-31"

    hand_edit(wp, hand_edits)
    actions.set_status(store, monthly.id, "done")  # December 9999 has no month after it
    assert [t.id for t in store.read().tasks.values() if t.series == monthly.series] == [monthly.id]
    weekly = actions.add_task(store, 1, "Weekly rota", every="week", due=iso_day(+1))

    def a_start_after_its_due(data: dict) -> None:
        data["tasks"][str(weekly.id)]["start"] = "9999-12-31"  # years after its due day

    hand_edit(wp, a_start_after_its_due)
    actions.set_status(store, weekly.id, "done")
    [following] = [t for t in store.read().tasks.values() if t.series == weekly.series and t.status != "done"]
    assert (following.due, following.start) == (iso_day(+8), None)  # a lead that cannot be kept is dropped


def test_resuming_a_series_whose_last_instance_is_due_at_the_calendars_end(store: Store, wp: Path, run) -> None:
    made = actions.add_task(store, 1, "Weekly rota", every="week", due=iso_day(+1))
    actions.set_series_status(store, made.series or 0, "paused")
    actions.set_status(store, made.id, "done")

    def at_the_end(data: dict) -> None:
        data["tasks"][str(made.id)]["due"] = "9999-12-31"

    hand_edit(wp, at_the_end)
    resumed = run("series", "resume", f"S{made.series}")
    assert resumed.exit_code == 0, resumed.output
    assert make_store(wp).read().series[made.series or 0].status == "running"


# --- a spreadsheet's "waits on" column ----------------------------------------------------------------


def test_a_dry_run_sees_a_circle_as_the_import_does(store: Store, wp: Path, tmp_path: Path, run) -> None:
    actions.set_waits(store, 2, add=[1])  # T2 waits on T1
    among_new = tmp_path / "new.csv"
    among_new.write_text("title,waits on\nDig,Plant\nPlant,Water\nWater,Dig\n")
    through_old = tmp_path / "old.csv"
    through_old.write_text("id,title,waits on\nT1,Order soil,Dig\n,Dig,T2\n")
    before = wp.read_bytes()
    for sheet, says in (
        (among_new, "row 4, column 'waits on': Water (row 4) → Dig (row 2) → Plant (row 3) → Water (row 4) would go"),
        (through_old, "row 3, column 'waits on': Dig (row 3) → T2 → T1 → Dig (row 3) would go round in a circle"),
    ):
        for dry in (["--dry-run"], []):
            refused = run("import", str(sheet), "--plan", "P1", *dry)
            assert refused.exit_code == 1, (dry, refused.output)
            assert says in refused.stderr, refused.stderr
            assert wp.read_bytes() == before


def test_titles_holding_the_separators_come_back_from_an_export(store: Store, wp: Path, tmp_path: Path, run) -> None:
    actions.edit_task(store, 1, {"title": "Beds; phase 2, north"})
    actions.edit_task(store, 3, {"title": "Order soil, compost"})
    actions.set_waits(store, 2, add=[1])
    actions.set_waits(store, 3, add=[1, 2])
    sheet = tmp_path / "tasks.csv"
    assert run("export", "--format", "csv", "--table", "tasks", "-o", str(sheet)).exit_code == 0
    assert "T1 Beds; phase 2, north" in sheet.read_text()
    again = run("import", str(sheet), "--plan", "P1", "--json")
    assert again.exit_code == 0, again.output
    result = json.loads(again.output)
    assert (result["added"], result["updated"], len(result["unchanged"])) == ([], [], 3)
    by_title = tmp_path / "titles.csv"
    by_title.write_text('title,waits on\nPlant,"Beds; phase 2, north"\nWater,"Order soil, compost"\n')
    assert run("import", str(by_title), "--plan", "P1").exit_code == 0
    tasks = store.read().tasks
    waits = {t.title: t.waits_on for t in tasks.values() if t.title in ("Plant", "Water")}
    assert waits == {"Plant": [1], "Water": [3]}


def test_an_id_and_a_title_that_name_two_tasks_never_pick_one_silently(
    store: Store, wp: Path, tmp_path: Path, run
) -> None:
    sheet = tmp_path / "other.csv"
    # T2 is not "Water the beds", and no task is: neither is taken
    sheet.write_text("title,waits on\nPlant,T2 Water the beds\n")
    before = wp.read_bytes()
    refused = run("import", str(sheet), "--plan", "P1")
    assert refused.exit_code == 1
    assert "T2 is titled " in refused.stderr and "not 'Water the beds', and no task has that title" in refused.stderr
    assert wp.read_bytes() == before
    title_of_t3 = store.read().tasks[3].title
    sheet.write_text(f"title,waits on\nPlant,T2 {title_of_t3}\n")  # another file's T2: read by its title
    assert run("import", str(sheet), "--plan", "P1").exit_code == 0, refused.output
    assert next(t for t in store.read().tasks.values() if t.title == "Plant").waits_on == [3]


def test_a_prerequisite_that_is_no_id_is_named_as_such(run) -> None:
    refused = run("task", "depends", "T3", "Build")
    assert refused.exit_code == 1
    assert refused.stderr == "workplan: error: what it waits on: 'Build' is not a task id (expected e.g. T12)\n"


def test_a_series_whose_open_instance_was_removed_comes_back_on_resume(store: Store, wp: Path, run) -> None:
    first = actions.add_task(store, 1, "Weekly rota", owner="bob", every="week", due=iso_day(+1))
    series = f"S{first.series}"
    actions.set_status(store, first.id, "done")
    [made] = [t for t in store.read().tasks.values() if t.series == first.series and t.status != "done"]
    assert run("task", "rm", made.label).exit_code == 0  # meant to skip it, say
    assert "running · none open" in run("series", "list").output
    resumed = run("series", "resume", series)
    assert resumed.exit_code == 0, resumed.output  # was "S1 is already running": it never came back
    instances = [t for t in store.read().tasks.values() if t.series == first.series and t.status != "done"]
    assert [(t.status, t.due) for t in instances] == [("todo", iso_day(+8))]
    assert "already running" in run("series", "resume", series).stderr  # one open: nothing to make
    assert run("undo").exit_code == 0  # the new instance, on its own
    assert [t.id for t in store.read().tasks.values() if t.series == first.series] == [first.id]
    assert run("undo").exit_code == 0  # the removal
    assert run("task", "rm", made.label).exit_code == 0
    assert run("task", "rm", first.label).exit_code == 0  # no instance left at all
    orphan = run("series", "resume", series)
    assert orphan.exit_code == 1 and "has no task left to repeat" in orphan.stderr


# --- the timeline of past weeks ----------------------------------------------------------------------


def test_the_printed_timeline_from_past_weeks_shows_the_work_done_then(store: Store, run) -> None:
    done = actions.add_task(store, 1, "Dug the beds", owner="bob", due=iso_day(-30))
    actions.set_status(store, done.id, "done")
    now = run("timeline", "--plan", "P1", "--weeks", "4")
    assert "Dug the beds" not in now.output  # done before the weeks shown
    back = run("timeline", "--plan", "P1", "--weeks", "4", "--from", iso_day(-35))
    assert back.exit_code == 0, back.output
    assert f"{done.label} Dug the beds" in back.output and "done" in back.output
    as_json = json.loads(run("timeline", "--plan", "P1", "--weeks", "4", "--from", iso_day(-35), "--json").output)
    assert done.label in [row["id"] for row in as_json["rows"]]
    actions.add_plan(store, "Empty plan")
    assert "No dated tasks or milestones in P2." in run("timeline", "--plan", "P2").output


def test_the_printed_timeline_near_the_calendars_end_is_one_line_not_a_traceback(store: Store, run) -> None:
    refused = run("timeline", "--from", "9999-12-20")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert refused.stderr == (
        "workplan: error: --from: 9999-12-20 leaves no room for the weeks before the calendar ends (31 Dec 9999)\n"
    )
    assert run("timeline", "--from", "0001-01-01", "--weeks", "2").exit_code == 0


# --- a hand-off to a plan that was archived ----------------------------------------------------------


def test_waiting_on_work_left_open_in_an_archived_plan_is_flagged(store: Store, run) -> None:
    actions.add_plan(store, "Winter boxes")
    van = actions.add_task(store, 2, "Find a van", owner="bob", due=iso_day(+4))
    actions.set_waits(store, 3, add=[van.id])
    assert "open in archived" not in run("task", "show", "T3").output
    actions.move_plan(store, 2, "archive")  # T4 will never be done there
    says = f"T3 waits on {van.label}, open in archived P2: it will not be done"
    assert says in run("task", "show", "T3").output
    assert says in run("status", "--all").output
    assert "✗" in next(line for line in run("task", "list").output.splitlines() if line.startswith("T3 "))
    actions.reopen_plan(store, 2)
    assert "open in archived" not in run("task", "show", "T3").output
