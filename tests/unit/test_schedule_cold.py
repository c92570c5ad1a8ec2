"""Chains of dependencies as a hostile file can make them (issue 29 tried cold): thousands long,
diamonds, done tasks in between. Each task's chain end is what a walk of everything it waits on
finds, and is worked out once per task, not once per task after it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_schedule import partnership, task
from workplan_tui.model.records import Task
from workplan_tui.model.schedule import Schedule, _day


def walked_end(tasks: dict[int, Task], start: Task) -> tuple[str, int] | None:
    """The rule as the documentation words it: the latest due day among the open tasks it waits
    on, however far back (the lower id of two on the same day), a plain walk for each task."""
    best: tuple[str, int] | None = None
    seen = {start.id}
    todo = list(start.waits_on)
    while todo:
        tid = todo.pop()
        if tid in seen:
            continue
        seen.add(tid)
        other = tasks.get(tid)
        if other is None or other.status == "done":
            continue
        if other.due and _day(other.due) and (best is None or (other.due, -other.id) > (best[0], -best[1])):
            best = (other.due, other.id)
        todo.extend(other.waits_on)
    return best


@st.composite
def dags(draw: st.DrawFn) -> list[Task]:
    count = draw(st.integers(1, 14))
    made = []
    for tid in range(1, count + 1):
        waits = draw(st.lists(st.integers(1, tid - 1), max_size=3, unique=True)) if tid > 1 else []
        due = draw(st.none() | st.integers(-5, 5))
        status = draw(st.sampled_from(["todo", "doing", "done"]))
        made.append(task(tid, f"t{tid}", due=due, status=status, waits=waits))
    return made


@settings(max_examples=150, deadline=None)
@given(dags(), st.randoms(use_true_random=False))
def test_each_chain_end_is_what_a_walk_finds_in_any_order_asked(tasks: list[Task], rnd) -> None:
    wp = partnership(*tasks)
    schedule = Schedule(wp)
    order = list(tasks)
    rnd.shuffle(order)  # ends kept from earlier questions must not change later answers
    for t in order:
        assert schedule.chain_end(t) == walked_end(wp.tasks, t), t.id


class CountingTasks(dict):
    """The tasks, counting how often one is looked up."""

    lookups = 0

    def get(self, key, default=None):  # type: ignore[override]
        CountingTasks.lookups += 1
        return super().get(key, default)


def test_a_chain_thousands_long_costs_each_task_once() -> None:
    length = 3000
    chain = [task(1, "t1", due=1)] + [task(i, f"t{i}", due=1, waits=[i - 1]) for i in range(2, length + 1)]
    wp = partnership(*chain)
    wp.tasks = CountingTasks(wp.tasks)
    schedule = Schedule(wp)
    CountingTasks.lookups = 0
    for t in chain:
        assert schedule.chain_end(t) == (None if t.id == 1 else (chain[0].due, 1))
    assert CountingTasks.lookups < 10 * length  # a walk per task looked up 4.5 million


def test_nothing_but_the_one_clock_reads_the_real_day() -> None:
    """Tests pin the day through ``model/dates.py``; a module reading the system's date would
    show another day than the rest (the Timeline's rows began on the real today)."""
    import re
    from pathlib import Path

    import workplan_tui

    root = Path(workplan_tui.__file__).parent
    reads = re.compile(r"\b(?:date\.today|datetime\.now|datetime\.today|datetime\.utcnow|time\.time)\(")
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        if path.relative_to(root).as_posix() != "model/dates.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if reads.search(line) and not line.lstrip().startswith("#")
    ]
    assert found == []


def test_the_forms_waits_on_reads_a_title_holding_separators_and_never_a_wrong_id() -> None:
    from workplan_tui.model.rules import RuleError
    from workplan_tui.model.schedule import parse_waits

    wp = partnership(
        task(9, "Beds; phase 2, north"),
        task(10, "Water, then feed"),
        task(11, "Plant \x1b[31mred\x07"),  # a hand edit: the form completes it cleaned
        task(12, "Lesson"),
    )
    assert parse_waits("T9 Beds; phase 2, north", wp, 1) == [9]  # as the form completes it
    assert parse_waits("T10 Water, then feed, T9 Beds; phase 2, north", wp, 1) == [10, 9]
    assert parse_waits("Water, then feed; 12", wp, 1) == [10, 12]
    assert parse_waits("T11 Plant ␛[31mred␇", wp, 1) == [11]
    assert parse_waits("T9 Lesson", wp, 1) == [12]  # T9 is not "Lesson": the title is read
    with pytest.raises(RuleError, match="T9 is titled 'Beds; phase 2, north', not 'Dig', and no task has that title"):
        parse_waits("T9 Dig", wp, 1)


def test_the_timelines_weeks_move_within_the_calendar() -> None:
    from datetime import date

    from workplan_tui.model.timeline import LAST_FIRST, moved_weeks

    monday = date(2026, 11, 30)
    assert moved_weeks(monday, 2) == date(2026, 12, 14) and moved_weeks(monday, -1) == date(2026, 11, 23)
    assert moved_weeks(monday, -(10**6)) == date.min  # a Monday, 1 Jan 1
    assert moved_weeks(monday, 10**6) == LAST_FIRST and LAST_FIRST.weekday() == 0
    assert moved_weeks(LAST_FIRST, 1) == LAST_FIRST
