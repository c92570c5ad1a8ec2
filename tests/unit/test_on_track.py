"""Are we on track? The forecast where people and scripts meet it: the dates that make it
possible (plan start and end, outcome and task start, check-in confidence), the command
line, the JSON contract and the exports. The model itself: test_forecast.py."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.clock import day, iso_day
from tests.conftest import FIXED_NOW, make_store
from workplan_tui.model import forecast
from workplan_tui.model.records import Outcome, Plan
from workplan_tui.store import actions


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def on_track_outcome(wp: Path) -> None:
    """O1 (40 beds) measured from three weeks back: 3 beds a week, 10 needed in ~5 weeks."""
    store = make_store(wp)
    actions.edit_outcome(store, 1, {"start": iso_day(-21)})
    data = json.loads(wp.read_text())
    data["outcomes"]["1"]["checkins"] = [
        {"value": 24, "by": "alice", "at": f"{iso_day(-14)}T10:00:00Z", "confidence": "medium"},
        {"value": 27, "by": "alice", "at": f"{iso_day(-7)}T10:00:00Z"},
        {"value": 30, "by": "bob", "at": f"{iso_day(0)}T08:00:00Z", "note": "Oak done", "confidence": "high"},
    ]
    data["outcomes"]["1"]["current"] = 30
    for key in ("digest",):
        data["meta"]["1"].pop(key, None)  # a hand edit: the file is checked again
    wp.write_text(json.dumps(data))


# --- dates and confidence ------------------------------------------------------------------


def test_plan_start_and_end_as_people_type_them(run, wp: Path) -> None:
    plan = json.loads(ok(run("plan", "add", "Winter boxes", "--start", "today", "--end", "in 12 weeks", "--json")))
    assert (plan["start"], plan["end"]) == (iso_day(0), iso_day(84))
    out = ok(run("plan", "edit", "P2", "--end", "in 10 weeks"))
    assert "to " in out and json.loads(ok(run("plan", "show", "P2", "--json")))["end"] == iso_day(70)
    cleared = json.loads(ok(run("plan", "edit", "P2", "--start", "none", "--json")))
    assert cleared["start"] is None and cleared["end"] == iso_day(70)


def test_an_end_before_the_start_is_one_clear_line_and_nothing_written(run, wp: Path) -> None:
    before = wp.read_bytes()
    result = run("plan", "add", "Backwards", "--start", iso_day(10), "--end", iso_day(2))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "would end on" in result.stderr and "before it starts" in result.stderr
    assert "Traceback" not in result.output and wp.read_bytes() == before
    result = run("outcome", "edit", "O1", "--start", iso_day(40))  # due in 33 days
    assert result.exit_code == 1 and "O1 would be due on" in result.stderr and wp.read_bytes() == before
    result = run("task", "edit", "T2", "--start", "2026-02-30")
    assert result.exit_code == 1 and wp.read_bytes() == before


def test_check_in_confidence_and_task_start(run, wp: Path) -> None:
    out = ok(run("outcome", "checkin", "O1", "12", "--note", "first beds", "--confidence", "high"))
    assert "O1 is " in out  # the check-in says where the outcome now stands
    assert json.loads(wp.read_text())["outcomes"]["1"]["checkins"][-1]["confidence"] == "high"
    assert run("outcome", "checkin", "O1", "13", "--confidence", "sure").exit_code == 2  # not a choice
    assert "(high confidence)" in ok(run("outcome", "show", "O1"))
    task = json.loads(ok(run("task", "edit", "T3", "--start", iso_day(-1), "--json")))
    assert task["start"] == iso_day(-1)
    assert "health:   at risk: not started, 1 day after its start" in ok(run("task", "show", "T3"))


def test_outcome_start_falls_back_to_the_plan_then_the_day_it_was_added() -> None:
    plan = Plan(id=1, title="p", start=iso_day(-30), created_at=f"{iso_day(-40)}T09:00:00Z")
    outcome = Outcome(id=1, plan=1, name="o", target=10, created_at=f"{iso_day(-20)}T09:00:00Z")
    assert forecast.outcome_start(outcome, plan) == day(-30)
    assert forecast.outcome_start(outcome, plan.replace(start=None)) == day(-20)
    assert forecast.outcome_start(outcome.replace(start=iso_day(-5)), plan) == day(-5)
    assert forecast.plan_start(plan.replace(start=None)) == day(-40)


# --- the command line and the JSON contract ------------------------------------------------


def test_outcome_list_and_show_give_health_reason_and_figures(run, wp: Path) -> None:
    on_track_outcome(wp)
    listed = " ".join(ok(run("outcome", "list")).split())
    assert "on track: doing 3.0 since" in listed and "needs " in listed
    assert "expected 15.6 beds by today · projected 44.6 beds at due" in listed  # 21 of 54 days gone
    shown = ok(run("outcome", "show", "O1"))
    words = " ".join(shown.split())  # lines wrap at the terminal's width
    assert "health: on track: doing 3.0 since" in words and "pace 3.0 beds/week" in words
    assert f"start:    {iso_day(-21)} (its own)" in shown
    assert "(pace: least-squares line through the check-ins of the last 6 weeks" in words
    data = json.loads(ok(run("outcome", "show", "O1", "--json")))
    f = data["forecast"]
    assert f["health"] == "on_track" and f["pace_per_week"] == 3.0 and f["expected"] == round(40 * 21 / 54, 4)
    assert f["needed_per_week"] == round(10 / (34 / 7), 4) and f["projected"] == round(30 + 3 * 34 / 7, 4)
    assert json.loads(ok(run("outcome", "list", "--json")))[0]["forecast"] == f


def test_plan_list_and_show_give_health_and_reason(run, wp: Path) -> None:
    listed = ok(run("plan", "list"))
    assert "HEALTH" in listed and "P1    at risk: 1 task overdue" in listed
    shown = ok(run("plan", "show", "P1"))
    assert "Health: at risk: 1 task overdue" in shown
    assert "Dates: no start or end" in shown
    data = json.loads(ok(run("plan", "show", "P1", "--json")))
    assert data["forecast"]["health"] == "at_risk" and data["forecast"]["overdue_tasks"] == 1
    assert data["outcomes"][0]["forecast"]["health"] == "no_data"
    assert json.loads(ok(run("plan", "list", "--json")))[0]["forecast"] == data["forecast"]


def test_status_opens_with_what_is_off_track_or_at_risk(run, wp: Path) -> None:
    run("plan", "edit", "P1", "--end", iso_day(-2))
    out = ok(run("status"))
    first = out.split("\n\n")[1]
    assert first.startswith("Off track / at risk (1)")
    assert "off track  P1 Gardens: ended" in first and "not completed; 1 task overdue" in first
    data = json.loads(ok(run("status", "--json")))
    assert data["off_track_at_risk"] == [
        {
            "id": "P1",
            "name": "Gardens",
            "plan": "P1",
            "health": "off_track",
            "reason": data["plans"][0]["forecast"]["reason"],
        }
    ]
    assert data["plans"][0]["outcomes"][0]["forecast"]["health"] == "no_data"


def test_a_met_outcome_is_never_overdue(run, wp: Path) -> None:
    store = make_store(wp)
    actions.edit_outcome(store, 1, {"due": iso_day(-60)})
    actions.checkin(store, 1, 40)
    listed = ok(run("outcome", "list"))
    assert "overdue" not in listed and "met: reached 40 beds" in listed
    assert "was due" in listed
    row = next(line for line in ok(run("report")).splitlines() if line.startswith("| O1 | Beds built | `"))
    assert "overdue" not in row and "was due" in row  # the report's outcomes table too


def test_the_report_gives_each_plans_dates_and_health(run, wp: Path) -> None:
    run("plan", "edit", "P1", "--start", iso_day(-21), "--end", iso_day(40))
    report = ok(run("report"))
    assert report.index("## Are we on track?") < report.index("## Decisions needed")
    row = next(line for line in report.splitlines() if line.startswith("| **P1 Gardens**"))
    assert f"({iso_day(-21)} to {iso_day(40)})" in row and "| **off track** |" in row
    data = json.loads(ok(run("report", "--json")))["on_track"][0]
    assert (data["start"], data["end"]) == (iso_day(-21), iso_day(40))


# --- exports ---------------------------------------------------------------------------------


def exported_rows(run, *args: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    result = run("export", "--format", "csv", *args)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))


def test_csv_exports_carry_the_forecast(run, wp: Path) -> None:
    on_track_outcome(wp)
    run("plan", "edit", "P1", "--start", iso_day(-21), "--end", iso_day(40))
    (outcome,) = exported_rows(run, "--table", "outcomes")
    assert outcome["health"] == "on_track" and outcome["pace_per_week"] == "3" and outcome["start"] == iso_day(-21)
    assert outcome["reason"].startswith("doing 3.0 since")
    (plan,) = exported_rows(run, "--table", "plans")
    assert (plan["id"], plan["start"], plan["end"]) == ("P1", iso_day(-21), iso_day(40))
    assert plan["health"] == "off_track" and plan["overdue_tasks"] == "1"  # 3 weeks, and no task closed
    assert "3 open tasks, closing 0/week, needs 0.51" in plan["reason"]
    checkins = exported_rows(run, "--table", "checkins")
    assert [c["confidence"] for c in checkins] == ["medium", "", "high"]


def test_json_export_carries_the_forecast(run, wp: Path) -> None:
    data = json.loads(ok(run("export", "--format", "json")))
    assert data["plans"][0]["forecast"]["health"] == "at_risk"
    assert data["outcomes"][0]["forecast"]["reason"].startswith("no check-in")


def test_a_task_start_goes_out_and_comes_back_through_csv(run, wp: Path, tmp_path: Path) -> None:
    run("task", "edit", "T2", "--start", iso_day(-3))
    sheet = tmp_path / "tasks.csv"
    assert run("export", "--format", "csv", "--table", "tasks", "-o", str(sheet)).exit_code == 0
    run("task", "edit", "T2", "--start", "none")
    result = json.loads(ok(run("import", str(sheet), "--plan", "P1", "--json")))
    assert [u["id"] for u in result["updated"]] == ["T2"] and "start" not in result["ignored_columns"]
    assert json.loads(wp.read_text())["tasks"]["2"]["start"] == iso_day(-3)


def test_a_task_not_started_after_its_start_day_is_reviewed(wp: Path) -> None:
    from workplan_tui.model.overview import review_queue

    store = make_store(wp)
    actions.edit_task(store, 3, {"start": iso_day(-2)})  # T3, to do, no due date
    queue = review_queue(store.read(), "alice", FIXED_NOW, FIXED_NOW.date())
    assert [(i.task.label, i.reasons) for i in queue if i.task.label == "T3"] == [("T3", ["not started"])]


def test_the_boards_figures_count_tasks_as_the_forecast_does(tmp_path: Path) -> None:
    """plan_figures counts the forecast's tasks in its own pass: the same as tally_tasks."""
    from workplan_tui.model.overview import plan_figures
    from workplan_tui.store.sample import write_demo

    demo = write_demo(tmp_path / "demo.json", today=FIXED_NOW.date(), user="alice")
    workplan = make_store(demo).read()
    for fig in plan_figures(workplan, FIXED_NOW.date()):
        alone = forecast.of_plan(fig.plan, fig.outcome_forecasts, fig.tasks, FIXED_NOW.date())
        assert fig.forecast == alone, fig.plan.label
    assert {f.forecast.health for f in plan_figures(workplan, FIXED_NOW.date())} == {"met", "off_track"}


def test_every_task_surface_gives_its_health_and_why(run, wp: Path, tmp_path: Path) -> None:
    """task list/show --json, the JSON export and the tasks CSV give each task's health today and
    the reason in words, as the board and 'task show' say it (model/schedule.task_health)."""
    run("task", "status", "T3", "blocked", "--reason", "No van")
    expected = {
        "T1": ("off_track", "8 days overdue"),
        "T2": ("on_track", ""),
        "T3": ("at_risk", "blocked: No van"),
    }
    listed = json.loads(ok(run("task", "list", "--json")))
    assert {t["id"]: (t["health"], t["reason"]) for t in listed} == expected
    shown = json.loads(ok(run("task", "show", "T3", "--json")))
    assert (shown["health"], shown["reason"]) == expected["T3"]
    assert "health:   at risk: blocked: No van" in ok(run("task", "show", "T3"))
    exported = json.loads(ok(run("export", "--format", "json")))["tasks"]
    assert {t["id"]: (t["health"], t["reason"]) for t in exported} == expected
    rows = exported_rows(run, "--table", "tasks")
    assert {r["id"]: (r["health"], r["health_reason"]) for r in rows} == expected
    # The columns come back from an import as what they are: the blocked reason stays the blocker.
    sheet = tmp_path / "tasks.csv"
    assert run("export", "--format", "csv", "--table", "tasks", "-o", str(sheet)).exit_code == 0
    result = json.loads(ok(run("import", str(sheet), "--plan", "P1", "--json", "--dry-run")))
    assert {"health", "health_reason"} <= set(result["ignored_columns"])
