"""Work over time in the model (model/schedule.py, model/timeline.py): waiting, circles, dates that
cannot work, ready to start, milestones, the timeline's rows and cells."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.clock import NOW_ISO, day, iso_day
from workplan_tui.model import forecast, schema
from workplan_tui.model.records import (
    Activity,
    CheckIn,
    Member,
    Milestone,
    Outcome,
    Partner,
    Partnership,
    Plan,
    Task,
    Workplan,
)
from workplan_tui.model.rules import RuleError
from workplan_tui.model.schedule import (
    Schedule,
    became_ready,
    check_waits,
    cycle_if_added,
    find_cycle,
    is_waiting,
    milestone_forecast,
    next_milestone,
    parse_waits,
    waiting_words,
)
from workplan_tui.model.timeline import Timeline, header, window_start


def task(tid: int, title: str, *, owner: str | None = None, due: int | None = None, status: str = "todo",
         waits: list[int] | None = None, plan: int = 1, outcome: int | None = None) -> Task:  # fmt: skip
    made = Task(
        plan,
        title,
        owner=owner,
        status=status,  # type: ignore[arg-type]
        progress=100 if status == "done" else 0,
        due=iso_day(due) if due is not None else None,
        waits_on=waits or [],
        outcome=outcome,
    )
    made.id = tid
    return made


def partnership(
    *tasks: Task, milestones: list[Milestone] | None = None, outcomes: list[Outcome] | None = None
) -> Workplan:
    plan = Plan("Gardens", status="active")
    plan.id = 1
    return Workplan(
        Partnership(2, "Test"),
        partners={"PARKS": Partner("PARKS", "Parks"), "SCHOOLS": Partner("SCHOOLS", "Schools")},
        members={"dan": Member("dan", "Dan", "PARKS"), "ed": Member("ed", "Ed", "SCHOOLS")},
        plans={1: plan},
        tasks={t.id: t for t in tasks},
        milestones={m.id: m for m in milestones or []},
        outcomes={o.id: o for o in outcomes or []},
    )


def test_a_task_waits_while_what_it_waits_on_is_open() -> None:
    beds = task(9, "Build beds", owner="dan", due=+13)
    plant = task(12, "Plant", owner="ed", due=+20, waits=[9])
    wp = partnership(beds, plant)
    assert is_waiting(plant, wp.tasks)
    assert waiting_words(plant, wp.tasks, wp.members, day(0)) == f"waits on T9 · PARKS · due {_short(+13)}"
    assert waiting_words(plant, wp.tasks, wp.members, day(0), brief=True) == f"on T9 · PARKS · {_brief(+13)}"
    done = partnership(task(9, "Build beds", status="done"), plant)
    assert not is_waiting(plant, done.tasks)  # waiting is derived: no status to change
    assert not is_waiting(task(12, "Plant", status="done", waits=[9]), wp.tasks)


def _short(offset: int) -> str:
    from workplan_tui.model.dates import short_date

    return short_date(day(offset), today=day(0))


def _brief(offset: int) -> str:
    when = day(offset)
    return f"{when.day} {when:%b}"


def test_circles_are_found_and_named() -> None:
    assert find_cycle({1: [2], 2: [3], 3: []}) is None
    found = find_cycle({1: [2], 2: [3], 3: [1]})
    assert found is not None and found[0] == found[-1] and set(found) == {1, 2, 3}
    assert cycle_if_added({9: [14], 14: []}, 14, [9]) == [14, 9, 14]
    assert cycle_if_added({9: [], 14: []}, 14, [9]) is None
    long_chain = {n: [n + 1] for n in range(1, 5000)}
    assert find_cycle(long_chain) is None  # no recursion limit
    assert cycle_if_added(long_chain, 5000, [1]) is not None


def test_a_wait_that_would_close_a_circle_is_refused_naming_it() -> None:
    wp = partnership(task(9, "A", waits=[14]), task(14, "B", waits=[12]), task(12, "C"))
    with pytest.raises(RuleError, match="T12 → T9 → T14 → T12 would go round in a circle"):
        check_waits(wp.tasks, 12, [9])
    with pytest.raises(RuleError, match="cannot wait on itself"):
        check_waits(wp.tasks, 12, [12])
    with pytest.raises(RuleError, match="no task T99"):
        check_waits(wp.tasks, 12, [99])
    check_waits(wp.tasks, 9, [12])  # not a circle


def test_the_file_check_refuses_a_circle_and_a_missing_task() -> None:
    data = {
        "meta": {"1": {"schema_version": 2, "name": "x"}},
        "plans": {"1": {"title": "P"}},
        "tasks": {"1": {"plan": 1, "title": "a", "waits_on": [2]}, "2": {"plan": 1, "title": "b", "waits_on": [1]}},
    }
    problems = [str(p) for p in schema.validate(data)]
    assert any("goes round in a circle" in p for p in problems), problems
    data["tasks"]["2"]["waits_on"] = [3]
    assert "task T2: waits_on: task T3 does not exist" in [str(p) for p in schema.validate(data)]
    data["tasks"]["2"]["waits_on"] = [1, 1]
    assert "task T2: waits_on lists T1 twice" in [str(p) for p in schema.validate(data)]


def test_dates_that_cannot_work() -> None:
    beds = task(9, "Build beds", owner="dan", due=+13)
    plant = task(14, "Plant", owner="ed", due=+6, waits=[9])
    outcome = Outcome(1, "Beds planted", 10, due=iso_day(+10))
    outcome.id = 3
    late_chain = task(15, "Harvest", due=+8, waits=[9], outcome=3)
    wp = partnership(beds, plant, late_chain, outcomes=[outcome])
    schedule = Schedule(wp)
    [problem] = schedule.problems(plant, day(0))
    assert problem.text == f"T14 is due {_short(+6)} but waits on T9, due {_short(+13)}"
    texts = [p.text for p in schedule.problems(late_chain, day(0))]
    assert f"T15's chain ends {_short(+13)} (T9), after O3 is due {_short(+10)}" in texts
    assert schedule.problems(beds, day(0)) == []
    assert [p.task.id for p in schedule.all_problems(day(0))] == [14, 15, 15]
    done = partnership(task(9, "Build beds", due=+13, status="done"), plant)
    assert Schedule(done).problems(plant, day(0)) == []  # a done prerequisite no longer holds it


def entry(eid: int, record: str, member: str, changes: dict[str, list[object]]) -> Activity:
    made = Activity(NOW_ISO, member, "task.status", record, changes=changes)  # type: ignore[arg-type]
    made.id = eid
    return made


def test_ready_to_start_names_who_finished_the_last_prerequisite() -> None:
    wp = partnership(
        task(9, "Build beds", owner="dan", status="done"),
        task(10, "Soil", owner="dan", status="done"),
        task(12, "Plant", owner="ed", waits=[9, 10]),
        task(13, "Water", owner="ed", waits=[9, 11]),
        task(11, "Hoses", owner="dan"),
    )
    entries = [
        entry(1, "T10", "grace", {"status": ["doing", "done"]}),
        entry(2, "T9", "dan", {"status": ["doing", "done"], "progress": [50, 100]}),
    ]
    [ready] = became_ready(wp, entries)
    assert ready.words() == "you can start T12: T9 done by dan"  # T13 still waits on T11
    assert became_ready(wp, entries, owner="dan") == []
    assert became_ready(wp, entries[:0]) == []


def test_milestone_forecasts() -> None:
    def milestone(due: int, tasks: list[int], outcomes: list[int] | None = None) -> Milestone:
        made = Milestone(1, "Beds ready", iso_day(due), tasks=tasks, outcomes=outcomes or [])
        made.id = 1
        return made

    reached = Outcome(1, "Beds", 10, current=10)
    reached.id = 3
    short = Outcome(1, "Beds", 10, current=4)
    short.id = 4
    wp = partnership(
        task(1, "a", due=+2, status="done"),
        task(2, "b", due=+3),
        task(3, "c", due=-1),
        task(4, "d", due=+9),
        task(5, "e", due=+2, waits=[4]),
        outcomes=[reached, short],
    )
    today = day(0)
    assert milestone_forecast(milestone(+5, [1], [3]), wp, today).health == "met"
    assert milestone_forecast(milestone(+5, [2]), wp, today).health == "on_track"
    late = milestone_forecast(milestone(+5, [2, 3]), wp, today)
    assert (late.health, late.reason) == ("at_risk", "T3 overdue; 2 of 2 tasks open")
    # By the plan's own dates it will be missed: off track, in the forecasts' words.
    after = milestone_forecast(milestone(+5, [4]), wp, today)
    assert after.health == "off_track" and after.reason.startswith("T4 due after it") and after.words == "off track"
    chained = milestone_forecast(milestone(+5, [5]), wp, today)
    assert chained.health == "off_track" and chained.reason.startswith("T5 waits on work due after it")
    missed = milestone_forecast(milestone(-2, [2]), wp, today)
    assert missed.health == "off_track" and missed.reason.startswith("missed: was due ")
    assert milestone_forecast(milestone(-2, [1]), wp, today).health == "met"  # met late is met
    assert (
        milestone_forecast(milestone(+5, [], [4]), wp, today).reason
        == f"1 of 1 outcome short of target, due {_short(+5)}"
    )
    assert milestone_forecast(milestone(+5, []), wp, today).health == "no_data"


def test_the_next_milestone_is_the_first_not_met() -> None:
    first = Milestone(1, "One", iso_day(+3), tasks=[1])
    first.id = 1
    second = Milestone(1, "Two", iso_day(+9), tasks=[2])
    second.id = 2
    wp = partnership(task(1, "a", status="done"), task(2, "b", due=+5), milestones=[first, second])
    assert next_milestone(wp, wp.plans[1], day(0)) is second


def test_waits_on_as_typed_by_id_or_title() -> None:
    wp = partnership(task(9, "Build beds"), task(10, "Water the beds"), task(11, "Build beds", plan=2))
    assert parse_waits("T9, t10", wp, 1) == [9, 10]
    assert parse_waits("water THE beds; 9", wp, 1) == [10, 9]
    assert parse_waits("T10 Water the beds", wp, 1) == [10]  # as the form completes it
    assert parse_waits("Build beds", wp, 1) == [9]  # this plan's first
    assert parse_waits("none", wp, 1) == []
    with pytest.raises(RuleError, match="no task 'Dig'"):
        parse_waits("Dig", wp, 1)
    with pytest.raises(RuleError, match="2 tasks are titled"):
        parse_waits("Build beds", wp, 3)


def test_the_timeline_groups_by_partner_and_draws_bars_arrows_today_and_milestones() -> None:
    m = Milestone(1, "Beds ready", iso_day(+14), tasks=[9])
    m.id = 1
    wp = partnership(
        task(9, "Build beds", owner="dan", due=+6),
        task(12, "Plant", owner="ed", due=+13, waits=[9]),
        task(14, "Lesson", owner="ed", due=+3, waits=[9]),
        task(15, "Old", owner="ed", due=-3),
        task(16, "Done long ago", owner="ed", due=-30, status="done"),
        task(17, "No date", owner="ed"),
        milestones=[m],
    )
    line = Timeline(wp, day(0))
    assert line.first == window_start(day(0)) and line.first.weekday() == 0
    kinds = [(r.kind, r.label or r.group) for r in line.rows]
    assert kinds == [
        ("group", "Milestones"), ("milestone", "D1"),
        ("group", "PARKS"), ("task", "T9"),
        ("group", "SCHOOLS"), ("task", "T15"), ("task", "T14"), ("task", "T12"),
    ]  # fmt: skip
    rows = {r.label: r for r in line.rows if r.label}
    assert line.state(rows["T15"])[0] == "overdue"
    assert line.state(rows["T14"]) == ("at_risk", f"T14 is due {_short(+3)} but waits on T9, due {_short(+6)}")
    assert line.state(rows["T12"])[0] == "waiting"
    weeks, per_week = 4, 7
    first = line.first

    def cell(row_label: str, offset: int) -> str:
        text = line.text(rows[row_label], first, weeks, per_week)
        return text[(day(offset) - first).days]

    assert cell("T9", +6) == "█"
    assert cell("T12", +13) == "░" and cell("T12", +12) == "▸" and cell("T12", +7) == "╌"  # hollow: waiting
    assert cell("T14", +3) == "█" and cell("T14", +6) == "!"  # it waits on work due after it
    assert cell("D1", +14) == "◆"
    assert cell("T9", 0) == "│"  # today, where nothing else is drawn
    grouped = Timeline(wp, day(0), by="plan")
    assert [r.kind for r in grouped.rows][:2] == ["group", "milestone"]


def test_the_weeks_heading_names_months_and_mondays() -> None:
    first = window_start(day(0))
    months, days = header(first, 6, 7)
    assert months.startswith(f"{first:%b}")
    assert days.startswith(str(first.day))
    assert f"{(first + timedelta(days=7)).day}" in days
    assert len(months) == len(days) == 42


def test_a_milestone_takes_its_parts_health_from_the_forecasts() -> None:
    """One vocabulary (model/forecast.py): a listed task at risk by its own health (blocked, late
    to start) or an outcome off track by its forecast makes the milestone at risk, named."""
    blocked = task(2, "b", due=+3).replace(status="blocked", blocked_reason="no permit")
    late_start = task(3, "c", due=+4).replace(start=iso_day(-3))
    behind = Outcome(1, "Beds", 40, current=1, due=iso_day(+3), start=iso_day(-60))
    behind.id = 4
    behind = behind.replace(
        checkins=[CheckIn(0, "dan", f"{iso_day(-30)}T09:00:00Z"), CheckIn(1, "dan", f"{iso_day(-1)}T09:00:00Z")]
    )
    wp = partnership(blocked, late_start, task(5, "e", due=+4), outcomes=[behind])

    def at(tasks: list[int], outcomes: list[int] | None = None) -> tuple[str, str]:
        made = Milestone(1, "Beds ready", iso_day(+5), tasks=tasks, outcomes=outcomes or [])
        made.id = 1
        f = milestone_forecast(made, wp, day(0))
        return f.health, f.reason

    assert at([2]) == ("at_risk", "T2 blocked; 1 of 1 task open")
    assert at([3]) == ("at_risk", "T3 not started, 3 days after its start; 1 of 1 task open")
    assert at([5], [4]) == ("at_risk", "O4 off track; 1 of 1 task open, 1 of 1 outcome short of target")
    assert at([5])[0] == "on_track"


def test_a_chain_that_ends_after_the_plan_ends_cannot_work() -> None:
    beds = task(9, "Build beds", owner="dan", due=+13)
    plant = task(14, "Plant", owner="ed", due=+6, waits=[9])
    wp = partnership(beds, plant)
    wp.plans[1] = wp.plans[1].replace(end=iso_day(+10))
    texts = [p.text for p in Schedule(wp).problems(plant, day(0))]
    assert f"T14's chain ends {_short(+13)} (T9), after P1 ends {_short(+10)}" in texts
    assert [p.text for p in Schedule(wp).problems(beds, day(0))] == [
        f"T9 is due {_short(+13)}, after P1 ends {_short(+10)}"
    ]


def test_a_task_waiting_past_its_start_is_at_risk_as_waiting_not_as_not_started() -> None:
    """The forecasts' task health hears what a task waits on (one rule, model/forecast.py): the
    timeline, task show and a milestone say why in the same words."""
    beds = task(9, "Build beds", owner="dan", due=+13)
    plant = task(14, "Plant", owner="ed", due=+20, waits=[9]).replace(start=iso_day(-2))
    idle = task(15, "Water", owner="ed", due=+20).replace(start=iso_day(-2))
    wp = partnership(beds, plant, idle)
    assert forecast.of_task(plant, wp.plans[1], day(0), ["T9"]) == ("at_risk", "waiting on T9, 2 days after its start")
    assert forecast.of_task(idle, wp.plans[1], day(0)) == ("at_risk", "not started, 2 days after its start")
    line = Timeline(wp, day(0))
    rows = {r.label: r for r in line.rows}
    assert line.state(rows["T14"]) == ("waiting", "waiting on T9, 2 days after its start")
    assert line.state(rows["T15"]) == ("at_risk", "not started, 2 days after its start")
    made = Milestone(1, "Planted", iso_day(+25), tasks=[14])
    made.id = 1
    assert milestone_forecast(made, wp, day(0)).reason.startswith("T14 waiting on T9, 2 days after its start")
