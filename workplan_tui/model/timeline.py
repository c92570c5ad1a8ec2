"""The plan over time: rows of tasks and milestones, weeks across (pure: no I/O, no Textual).

The board's Timeline screen and ``workplan timeline`` draw the same rows with the same cells;
only their colours and how they fit a width differ. Weeks run across, ``per_week`` cells each
(7: a cell a day); rows are grouped by the owner's partner (a hand-off between organisations
shows as one group's task waiting on another's) or by plan.

* A task with a start day (where the file has one) and a due day is a bar between them; a task
  with only one of them is one cell on that day. A waiting task's bar is hollow (``░``).
* A task waiting on others gets a dotted line from the latest of their due days to its own bar,
  ending in an arrow (``╌╌▸░``); when that day is after its own due day, the line runs on from
  its bar to that day and ends in ``!``.
* A milestone is a diamond on its day (``◆``).
* Today is a line down every row (``│``), where nothing else is drawn.
* Each row says its state in words in a column of its own, besides its colour: ``overdue``,
  ``at risk`` (a date that cannot work, or at risk by the task's own health: late to start, behind
  its time: model/forecast.py), ``blocked``, ``waiting``, ``done``; a milestone its health in the
  forecasts' words (``met``, ``on track``, ``at risk``, ``off track``, ``no data``).
* Something before the weeks shown is a ``◂`` at the left edge; after them, ``▸`` at the right.

Which rows: the tasks of running plans (not completed or archived) that have a date, except
done tasks due before the weeks begin; and their plans' milestones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from workplan_tui.model.forecast import HEALTH_WORDS
from workplan_tui.model.records import CLOSED_PLAN_STATUSES, Milestone, Plan, Task, Workplan
from workplan_tui.model.schedule import Schedule, milestone_forecast, task_health
from workplan_tui.model.schedule import parse_day as _day

GROUPINGS = ("partner", "plan")
NO_PARTNER = "(no owner)"
MILESTONES = "Milestones"

BAR, MARK, TODAY, ARROW, DOTS, EARLIER, LATER, GRID, CLASH = "█", "◆", "│", "▸", "╌", "◂", "▸", "·", "!"
WAITING_BAR = "░"  # the bar of a task that cannot start yet: hollow (also without colour)
TAG_CELLS = 8  # "overdue ", "at risk ", "on track"

# A row's state: the words shown in its tag column, and the kind its bar is drawn as.
STATE_WORDS = {
    **HEALTH_WORDS,  # a milestone's health; a task's at risk
    "overdue": "overdue",
    "blocked": "blocked",
    "waiting": "waiting",
    "done": "done",
    "": "",
}


@dataclass(slots=True)
class Row:
    """One line of the timeline: a group's heading, a milestone or a task. Its days are kept as
    the file writes them (ISO) and read as dates only when the row is drawn."""

    kind: str  # "group", "milestone", "task"
    group: str  # the partner's code or the plan's label ("" for a heading's own key)
    heading: str = ""  # a group's heading text (stored text: clean it to show)
    task: Task | None = None
    milestone: Milestone | None = None
    first_day: str = ""  # where its bar begins (ISO)
    last_day: str = ""  # where its bar ends, its due day (ISO)
    _state: tuple[str, str] | None = field(default=None, repr=False)  # (state, why), once worked out

    @property
    def start(self) -> date | None:
        return _day(self.first_day)

    @property
    def end(self) -> date | None:
        return _day(self.last_day)

    @property
    def label(self) -> str:
        if self.task is not None:
            return self.task.label
        if self.milestone is not None:
            return self.milestone.label
        return ""

    @property
    def title(self) -> str:
        if self.task is not None:
            return self.task.title
        if self.milestone is not None:
            return self.milestone.name
        return self.heading


def monday(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


# The latest Monday the weeks shown may begin on: room after it for 2,000 weeks (a wide terminal
# at a cell a week), so a timeline moved on, or asked for, near 31 Dec 9999 never runs off the calendar.
LAST_FIRST = date.max - timedelta(days=date.max.weekday() + 7 * 2000)


def moved_weeks(first: date, weeks: int) -> date:
    """``first`` moved ``weeks`` weeks on (back when negative), kept between the calendar's first
    Monday (1 Jan 1) and ``LAST_FIRST``."""
    days = max((date.min - first).days, min((LAST_FIRST - first).days, 7 * weeks))
    return first + timedelta(days=days)


def window_start(today: date) -> date:
    """Where the weeks begin when the timeline opens: the Monday of last week (a week of context)."""
    return monday(today) - timedelta(days=7)


class Timeline:
    """The rows of a partnership's timeline (``rows``) and each row's state and cells, worked out
    for a row only when it is drawn: at 10,000 tasks, opening it costs one pass and a sort."""

    def __init__(
        self,
        workplan: Workplan,
        today: date,
        *,
        by: str = "partner",
        plan_id: int | None = None,
        schedule: Schedule | None = None,
        first: date | None = None,
        owner: str | None = None,
    ) -> None:
        """``first``: the Monday the weeks shown begin on (default ``window_start(today)``); done
        tasks due before it are left out, so a timeline moved back to past weeks is made anew
        from there (they were missing: the past looked as if nothing had been done). ``owner``:
        only that member's tasks, and the milestones that list one of them (the board's ``m``,
        ``workplan timeline --owner``)."""
        if by not in GROUPINGS:
            raise ValueError(f"group by {by!r}: use one of {', '.join(GROUPINGS)}")
        self.workplan, self.today, self.by, self.owner = workplan, today, by, owner
        self.schedule = schedule or Schedule(workplan)
        self.first = first if first is not None else window_start(today)
        self.rows = self._rows(plan_id)

    # --- the rows ---------------------------------------------------------------------------

    def _plans(self, plan_id: int | None) -> list[Plan]:
        plans = self.workplan.plans
        if plan_id is not None:
            return [plans[plan_id]] if plan_id in plans else []
        return [p for p in plans.values() if p.status not in CLOSED_PLAN_STATUSES]

    def _rows(self, plan_id: int | None) -> list[Row]:
        plans = self._plans(plan_id)
        shown = {p.id for p in plans}
        first_iso = self.first.isoformat()
        members = self.workplan.members
        partner_of = {h: m.partner for h, m in members.items()}
        groups: dict[str, list[tuple[tuple[str, int], Row]]] = {}
        by_partner = self.by == "partner"
        owner = self.owner
        mine: set[int] = set()
        for task in self.workplan.tasks.values():
            if task.plan not in shown or (owner is not None and task.owner != owner):
                continue
            mine.add(task.id)
            due = task.due or ""
            start = task.start or ""
            if not (due or start) or (task.status == "done" and due < first_iso):
                continue
            key = partner_of.get(task.owner or "", NO_PARTNER) if by_partner else f"P{task.plan}"
            begin = min(start or due, due or start)  # a hand edit may put the due day before the start
            row = Row("task", key, task=task, first_day=begin, last_day=due or start)
            groups.setdefault(key, []).append(((begin, task.id), row))
        milestones = [
            m
            for m in self.workplan.milestones.values()
            if m.plan in shown and _day(m.due) and (owner is None or mine.intersection(m.tasks))
        ]
        for m in milestones:
            key = MILESTONES if self.by == "partner" else f"P{m.plan}"
            row = Row("milestone", key, milestone=m, first_day=m.due, last_day=m.due)
            groups.setdefault(key, []).append((("", m.id), row))  # first in their group
        rows: list[Row] = []
        for key in self._group_order(groups, plans):
            rows.append(Row("group", key, heading=self._heading(key)))
            rows += [row for _, row in sorted(groups[key], key=lambda pair: pair[0])]
        return rows

    def _group_order(self, groups: dict[str, list[tuple[tuple[str, int], Row]]], plans: list[Plan]) -> list[str]:
        if self.by == "plan":
            return [f"P{p.id}" for p in sorted(plans, key=lambda p: p.id) if f"P{p.id}" in groups]
        codes = [code for code in self.workplan.partners if code in groups]
        rest = sorted(k for k in groups if k not in codes and k not in (MILESTONES, NO_PARTNER))
        return [k for k in (MILESTONES, *codes, *rest, NO_PARTNER) if k in groups]

    def _heading(self, key: str) -> str:
        if self.by == "plan":
            plan = self.workplan.plans.get(int(key[1:]))
            return f"{key} {plan.title}" if plan else key
        partner = self.workplan.partners.get(key)
        return f"{key} · {partner.name}" if partner else key

    # --- a row's state ----------------------------------------------------------------------

    def state(self, row: Row) -> tuple[str, str]:
        """(state, why) of a row: the state is one of ``STATE_WORDS``; why says it in full
        ("T14 is due Fri 4 Dec but waits on T9, due Fri 11 Dec")."""
        if row._state is not None:
            return row._state
        found: tuple[str, str] = ("", "")
        if row.milestone is not None:
            forecast = milestone_forecast(row.milestone, self.workplan, self.today, self.schedule)
            found = (forecast.health, forecast.reason)
        elif row.task is not None:
            found = self._task_state(row.task)
        row._state = found
        return found

    def _task_state(self, task: Task) -> tuple[str, str]:
        """Overdue (off track by its own health), then a date that cannot work, blocked, waiting,
        and at risk by its own health (late to start, behind its time: model/forecast.py)."""
        if task.status == "done":
            return "done", "done"
        health, why = task_health(task, self.workplan, self.today)
        waiting_on = [p.label for p in _open(task, self.workplan)] if task.waits_on else []
        if health == "off_track":
            return "overdue", why
        problems = self.schedule.problems(task, self.today)
        if problems:
            return "at_risk", "; ".join(p.text for p in problems)
        if task.status == "blocked":
            return "blocked", task.blocked_reason or "blocked"
        if waiting_on:
            words = f"waits on {', '.join(waiting_on)}"
            if health == "at_risk":  # late to start because of it says so itself; behind its time does not
                words = why if why.startswith("waiting on") else f"{words}; {why}"
            return "waiting", words
        if health == "at_risk":
            return "at_risk", why
        return "", ""

    def waits_until(self, row: Row) -> date | None:
        """For a waiting task: the latest due day of the tasks it waits on (where its arrow starts)."""
        if row.task is None or not row.task.waits_on or row.task.status == "done":
            return None
        days = [d for p in _open(row.task, self.workplan) if (d := _day(p.due)) is not None]
        return max(days) if days else None

    # --- cells --------------------------------------------------------------------------------

    def cells(self, row: Row, first: date, weeks: int, per_week: int) -> list[tuple[str, str]]:
        """The row's grid as runs of (text, kind), ``weeks * per_week`` cells in all, from the Monday
        ``first``. Kinds: ``""`` (empty), ``grid`` (a week's first day), ``today``, ``bar`` (with
        the row's state: ``bar overdue``, ``bar done``...), ``milestone`` (likewise), ``arrow``,
        ``edge`` (something before or after the weeks shown)."""
        width = weeks * per_week

        def at(day: date) -> int:
            return (day - first).days * per_week // 7

        chars = [" "] * width
        kinds = [""] * width
        for week in range(weeks):
            chars[week * per_week] = GRID
            kinds[week * per_week] = "grid"
        now = at(self.today)
        if 0 <= now < width:
            chars[now], kinds[now] = TODAY, "today"
        start, finish = row.start, row.end
        if row.kind == "group" or start is None or finish is None:
            return _runs(chars, kinds)
        state = self.state(row)[0]
        begin, end = at(start), at(finish)
        if row.kind == "task":
            after = self.waits_until(row)
            if after is not None:
                tail = at(after)
                for cell in range(max(0, tail + 1), min(width, begin)):
                    chars[cell], kinds[cell] = DOTS, "arrow"
                if 0 <= begin - 1 < width and tail < begin - 1:
                    chars[begin - 1], kinds[begin - 1] = ARROW, "arrow"
                if tail > end:  # it waits on work due after it: dotted on to where that is due, "!"
                    for cell in range(max(0, end + 1), min(width, tail)):
                        chars[cell], kinds[cell] = DOTS, "arrow"
                    if 0 <= tail < width:
                        chars[tail], kinds[tail] = CLASH, "arrow at_risk"
            kind = f"bar {state}".strip()
            char = WAITING_BAR if state == "waiting" else BAR
            for cell in range(max(0, begin), min(width, end + 1)):
                chars[cell], kinds[cell] = char, kind
        else:
            if 0 <= begin < width:
                chars[begin], kinds[begin] = MARK, f"milestone {state}".strip()
        if end < 0:
            chars[0], kinds[0] = EARLIER, "edge"
        elif begin >= width and width:
            chars[-1], kinds[-1] = LATER, "edge"
        return _runs(chars, kinds)

    def text(self, row: Row, first: date, weeks: int, per_week: int) -> str:
        """``cells`` as plain text."""
        return "".join(text for text, _ in self.cells(row, first, weeks, per_week))


def _open(task: Task, workplan: Workplan) -> list[Task]:
    from workplan_tui.model.schedule import open_prerequisites

    return open_prerequisites(task, workplan.tasks)


def _runs(chars: list[str], kinds: list[str]) -> list[tuple[str, str]]:
    """Cells joined into runs of one kind."""
    runs: list[tuple[str, str]] = []
    for char, kind in zip(chars, kinds, strict=True):
        if runs and runs[-1][1] == kind:
            runs[-1] = (runs[-1][0] + char, kind)
        else:
            runs.append((char, kind))
    return runs


def header(first: date, weeks: int, per_week: int) -> tuple[str, str]:
    """The two heading lines over the weeks: month names where a month's first week begins (the
    first week's month always), and each week's Monday as a day of the month where it fits."""
    width = weeks * per_week
    months = [" "] * width
    days = [" "] * width
    last_month = None
    for week in range(weeks):
        day = first + timedelta(days=7 * week)
        at = week * per_week
        if day.month != last_month:
            name = f"{day:%b}" + (f" {day.year}" if day.month == 1 and week else "")
            free = next((i for i in range(at, at + per_week) if all(c == " " for c in months[max(0, i - 1) : i])), at)
            if free + len(name) <= width and all(c == " " for c in months[max(0, free - 1) : free + len(name)]):
                months[free : free + len(name)] = list(name)
                last_month = day.month
        number = str(day.day)
        room = per_week if per_week >= len(number) + 1 else (2 * per_week if week % 2 == 0 else 0)
        clear = all(c == " " for c in days[max(0, at - 1) : at + len(number)])
        if room >= len(number) and at + len(number) <= width and clear:
            days[at : at + len(number)] = list(number)
    return "".join(months), "".join(days)


def fit_weeks(cells: int, weeks: int) -> int:
    """How many cells a week gets when ``weeks`` weeks share ``cells`` cells: 7 (a cell a day)
    when they fit, down to 1."""
    return max(1, min(7, cells // max(1, weeks)))
