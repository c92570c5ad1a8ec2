"""Work over time: what a task waits on, dates that cannot work, milestones (pure: no I/O).

**Waiting** is derived, never stored (it is not a fifth status): a task that is not done and
waits on a task that is not done (``Task.waits_on``, in any plan of the partnership) is
waiting. It keeps its status and its keys (people start early). When the last task it waits
on is done, it became *ready*; ``became_ready`` finds those in a stretch of the log, with who
finished the last prerequisite (the board's notice, ``workplan status``, the digest).

**Dates that cannot work** (``date_problems``), for a task still open:

* it is due before a task it waits on is due ("T14 is due 4 Dec but waits on T9, due 11 Dec");
* its chain (the latest due day among the open tasks it waits on, however far back) ends after
  its own outcome is due, or after its plan ends;
* it waits on a task still open in an archived plan, where nothing is done any more.

**A milestone** (``milestone_forecast``) has a health in the forecasts' words (model/forecast.py:
``met``, ``on_track``, ``at_risk``, ``off_track``, ``no_data``), rolled up from its parts as a
plan's is, each part judged by the forecasts' own rules:

* ``met`` once every task it lists is done and every outcome has reached its target;
* ``no_data`` while it lists nothing;
* ``off_track`` when its day has passed without that (missed), or when by the plan's own dates it
  will be: an open task it lists is due after it, or waits on work due after it (its chain ends
  after the milestone's day);
* ``at_risk`` when a task it lists is off track or at risk by its own health (overdue, blocked,
  late to start, behind its time, due after its plan's end: ``forecast.task_health``) or has a
  date that cannot work (above), or an outcome it lists is off track or at risk by its forecast
  (``forecast.outcome_forecast``);
* ``on_track`` otherwise.

Dependencies never form a cycle (the file check refuses one, ``find_cycle``; the store refuses
to make one, ``cycle_if_added``); the functions here still stop at a task already visited.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from operator import attrgetter

from workplan_tui.model import forecast
from workplan_tui.model.dates import short_date
from workplan_tui.model.forecast import HEALTH_WORDS, Health
from workplan_tui.model.records import Activity, Member, Milestone, Outcome, Plan, Task, Workplan, label
from workplan_tui.model.rules import RuleError, outcome_progress
from workplan_tui.model.text import clean

# --- the graph ------------------------------------------------------------------------------------


def find_cycle(waits: Mapping[int, Sequence[int]]) -> list[int] | None:
    """A cycle among the dependencies (task id -> ids it waits on), as the path round it
    (``[12, 9, 14, 12]``: 12 waits on 9, which waits on 14, which waits on 12), or None.
    Iterative, so a long chain does not reach Python's recursion limit."""
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    for start in waits:
        if state.get(start):
            continue
        path: list[int] = []
        stack: list[tuple[int, Iterator[int]]] = [(start, iter(waits.get(start, ())))]
        state[start] = 1
        path.append(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            seen = state.get(child)
            if seen == 1:
                return [*path[path.index(child) :], child]
            if seen is None and child in waits:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(waits.get(child, ()))))
    return None


def cycle_if_added(waits: Mapping[int, Sequence[int]], task_id: int, prerequisites: Iterable[int]) -> list[int] | None:
    """The cycle ``task_id`` waiting on ``prerequisites`` would close, as a path from the task back
    to itself (``[12, 9, 14, 12]``), or None. ``waits``: every task's current dependencies."""
    for first in prerequisites:
        if first == task_id:
            return [task_id, task_id]
        # a path from ``first`` back to ``task_id``, following what each task waits on
        parent: dict[int, int | None] = {first: None}
        todo = [first]
        while todo:
            node = todo.pop()
            if node == task_id:
                path = [node]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])  # type: ignore[arg-type]
                return [task_id, *reversed(path)]
            for nxt in waits.get(node, ()):
                if nxt not in parent:
                    parent[nxt] = node
                    todo.append(nxt)
    return None


def cycle_words(path: Sequence[int]) -> str:
    """'T12 → T9 → T14 → T12' (each waits on the next)."""
    return " → ".join(label("tasks", t) for t in path)


def check_waits(tasks: Mapping[int, Task], task_id: int, wanted: Sequence[int]) -> None:
    """RuleError when task ``task_id`` cannot wait on exactly ``wanted``: a task that does not
    exist, itself, or a cycle (named: "T12 → T9 → T12 would go round in a circle")."""
    missing = [t for t in wanted if t not in tasks]
    if missing:
        raise RuleError(f"no task {', '.join(label('tasks', t) for t in missing)}; see 'workplan task list'")
    if task_id in wanted:
        raise RuleError(f"{label('tasks', task_id)} cannot wait on itself")
    waits = {tid: t.waits_on for tid, t in tasks.items() if t.waits_on and tid != task_id}
    cycle = cycle_if_added(waits, task_id, wanted)
    if cycle is not None:
        raise RuleError(
            f"{cycle_words(cycle)} would go round in a circle (each waits on the next); "
            f"{label('tasks', task_id)} cannot wait on {label('tasks', cycle[1])}"
        )


def dependents(tasks: Iterable[Task], task_id: int) -> list[Task]:
    """The tasks that wait on task ``task_id``, by id."""
    return sorted((t for t in tasks if task_id in t.waits_on), key=lambda t: t.id)


def open_prerequisites(task: Task, tasks: Mapping[int, Task]) -> list[Task]:
    """The tasks ``task`` waits on that are not done yet (those that exist), latest due last."""
    found = [p for tid in task.waits_on if (p := tasks.get(tid)) is not None and p.status != "done"]
    return sorted(found, key=lambda p: (p.due or "9999-99-99", p.id))


def task_health(task: Task, workplan: Workplan, today: date) -> tuple[Health, str]:
    """A stored task's health today and its reason in words ("3 days overdue", "waiting on T9,
    2 days after its start"): ``forecast.task_health`` (the rules) with its plan's end and the
    tasks it waits on that are not done. Every surface that shows a task's health asks here."""
    waiting_on = [p.label for p in open_prerequisites(task, workplan.tasks)] if task.waits_on else []
    return forecast.of_task(task, workplan.plans.get(task.plan), today, waiting_on)


def task_health_json(task: Task, workplan: Workplan, today: date) -> dict[str, str]:
    """``task_health`` as a task's JSON gives it (task list/show --json, the JSON export):
    ``{"health": "at_risk", "reason": "blocked: no van"}``; the reason is "" when there is none."""
    health, why = task_health(task, workplan, today)
    return {"health": health, "reason": clean(why)}


def is_waiting(task: Task, tasks: Mapping[int, Task]) -> bool:
    """Whether ``task`` is open and waits on a task that is not done (waiting is derived: it is
    not a status; a waiting task can still be started, and its keys all work)."""
    if task.status == "done" or not task.waits_on:
        return False
    return any((p := tasks.get(tid)) is not None and p.status != "done" for tid in task.waits_on)


def waiting_words(
    task: Task, tasks: Mapping[int, Task], members: Mapping[str, Member], today: date, *, brief: bool = False
) -> str | None:
    """'waits on T9 · PARKS · due Fri 11 Dec' (the open prerequisite due last; '+1' when there are
    more; the partner of its owner), or None when ``task`` is not waiting. ``brief``: 'on T9 ·
    PARKS · 11 Dec', under a heading that says waiting."""
    if not is_waiting(task, tasks):
        return None
    waiting = open_prerequisites(task, tasks)
    last = waiting[-1]
    more = f" +{len(waiting) - 1}" if len(waiting) > 1 else ""
    owner = members.get(last.owner or "")
    parts = [f"{'on' if brief else 'waits on'} {last.label}{more}"]
    if owner is not None:
        parts.append(owner.partner)
    elif last.owner:
        parts.append(last.owner)
    due = _day(last.due)
    if brief:
        parts.append(f"{due.day} {due:%b}" if due else "no date")
    else:
        parts.append(f"due {short_date(due, today=today)}" if due else "no due date")
    return " · ".join(parts)


# --- dates that cannot work -----------------------------------------------------------------------


class DateProblem:
    """A date of ``task`` that cannot work. ``kind``: ``before`` (due before ``other``, a task it
    waits on, due ``day``), ``chain`` (its chain ends on ``chain``'s day, after ``other``'s
    deadline ``day``: an outcome due, a plan's end), ``after`` (due after that deadline),
    ``archived`` (it waits on ``other``, open in an archived plan ``what``: never done there). Its words
    are made when read: ``text`` in full ("T14 is due Fri 4 Dec but waits on T9, due Fri 11 Dec"),
    ``brief`` for a card ("due before T9, Fri 11 Dec"). (A plain class, as the others here: a
    dataclass costs every command that imports this module its generation.)"""

    __slots__ = ("chain", "day", "kind", "other", "task", "today", "what")

    def __init__(
        self,
        task: Task,
        kind: str,
        other: str,
        day: str,
        today: date,
        what: str = "",
        chain: tuple[str, int] | None = None,
    ) -> None:
        self.task, self.kind, self.other, self.day, self.today = task, kind, other, day, today
        self.what = what  # the deadline in words: "O3 is due", "P2 ends"
        self.chain = chain  # (ISO day, task id) where the chain ends

    def _day(self, iso: str) -> str:
        when = _day(iso)
        return short_date(when, today=self.today) if when else iso

    @property
    def text(self) -> str:
        task, day = self.task, self._day
        if self.kind == "archived":
            return (
                f"{task.label} waits on {self.other}, open in archived {self.what}: it will not be done "
                f"('workplan task depends {task.label} {self.other} --remove', or reopen {self.what})"
            )
        if self.kind == "before":
            return f"{task.label} is due {day(task.due or '')} but waits on {self.other}, due {day(self.day)}"
        if self.kind == "chain" and self.chain is not None:
            last = label("tasks", self.chain[1])
            return f"{task.label}'s chain ends {day(self.chain[0])} ({last}), after {self.what} {day(self.day)}"
        return f"{task.label} is due {day(task.due or '')}, after {self.what} {day(self.day)}"

    @property
    def brief(self) -> str:
        if self.kind == "archived":
            return f"waits on {self.other}, archived"
        words = {"before": "due before", "chain": "chain ends after"}.get(self.kind, "due after")
        return f"{words} {self.other}, {self._day(self.day)}"


class Schedule:
    """The dependencies of one snapshot of the partnership, worked out once and asked often:
    who waits on whom, each task's chain end, its dates that cannot work. Cheap to make (one pass
    over the tasks with dependencies); each answer is worked out when first asked."""

    def __init__(self, workplan: Workplan) -> None:
        self.workplan = workplan
        self.tasks = workplan.tasks
        self._dependents: dict[int, list[int]] | None = None
        self._ends: dict[int, tuple[str, int] | None] = {}
        self._problems: dict[int, list[DateProblem]] = {}
        # outcome id -> (due, label, words), plan id -> (end, label, words): the days work must be done by
        self._ends_of: tuple[dict[int, tuple[str, str, str]], dict[int, tuple[str, str, str]]] | None = None
        self._view_key: tuple[object, ...] | None = None

    def view_key(self) -> tuple[object, ...]:
        """What a task's waiting and date words depend on besides the task itself: the status,
        due day and owner of every task another waits on, each outcome's due day and each plan's
        end and status (archived). Two snapshots with equal keys show every task they share the same way, so a board
        that redraws only the rows whose task changed (ui/widgets.py) redraws them all when this
        changes (T9 done: T12 no longer waits). One pass over the tasks, in C; kept once made."""
        if self._view_key is None:
            tasks = self.tasks
            needed = {tid for waits in filter(None, map(attrgetter("waits_on"), tasks.values())) for tid in waits}
            prerequisites = sorted(
                (tid, p.status, p.due, p.owner) for tid in needed if (p := tasks.get(tid)) is not None
            )
            outcomes = [(o.id, o.due) for o in self.workplan.outcomes.values()]
            plans = [(p.id, p.end, p.status) for p in self.workplan.plans.values()]  # archived: never done
            self._view_key = (tuple(prerequisites), tuple(outcomes), tuple(plans))
        return self._view_key

    def dependents(self, task_id: int) -> list[int]:
        """The ids of the tasks waiting on ``task_id`` (done or not)."""
        if self._dependents is None:
            found: dict[int, list[int]] = {}
            for task in self.tasks.values():
                for tid in task.waits_on:
                    found.setdefault(tid, []).append(task.id)
            self._dependents = found
        return self._dependents.get(task_id, [])

    def waiting(self, task: Task) -> bool:
        return is_waiting(task, self.tasks)

    def chain_end(self, task: Task) -> tuple[str, int] | None:
        """The latest due day among the open tasks ``task`` waits on, however far back, and which
        task is due then: (ISO day, task id; the lower id of two due the same day); None when none
        of them has a due day. Each task's end is kept once worked out and built from those of the
        open tasks it waits on, so a chain thousands long costs each task once, not once per task
        after it (a walk per task was quadratic: 52 s for ``milestone list`` over a 6,000-task
        chain). A circle a check missed ends the walk, never loops."""
        ends = self._ends
        if task.id in ends:
            return ends[task.id]
        tasks = self.tasks
        active: set[int] = set()  # on the walk's path: their ends are not known yet
        stack: list[tuple[Task, bool]] = [(task, False)]
        while stack:
            current, expanded = stack.pop()
            if current.id in ends or (not expanded and current.id in active):
                continue
            if not expanded:
                active.add(current.id)
                stack.append((current, True))
                for tid in current.waits_on:
                    other = tasks.get(tid)
                    if other is not None and other.status != "done" and tid not in ends and tid not in active:
                        stack.append((other, False))
                continue
            best: tuple[str, int] | None = None
            for tid in current.waits_on:
                other = tasks.get(tid)
                if other is None or other.status == "done":
                    continue
                own = (other.due, other.id) if other.due and _day(other.due) else None
                for found in (own, ends.get(tid)):
                    if found is not None and (best is None or (found[0], -found[1]) > (best[0], -best[1])):
                        best = found
            ends[current.id] = best
            active.discard(current.id)
        return ends[task.id]

    def finish(self, task: Task) -> str | None:
        """The day ``task`` can be done by at the earliest its dates allow: the later of its own due
        day and its chain's end (ISO), None when neither is known."""
        end = self.chain_end(task)
        days = [d for d in (task.due if _day(task.due) else None, end[0] if end else None) if d]
        return max(days) if days else None

    def problems(self, task: Task, today: date) -> list[DateProblem]:
        """``task``'s dates that cannot work (see the module's doc); [] for a done task. At 10,000
        tasks most have none: found with two lookups each, the words made only when read."""
        found = self._problems.get(task.id)
        if found is not None:
            return found
        found = []
        if task.status != "done":
            if task.waits_on:
                found = self._problems_of(task, today)
            elif task.due:
                if self._ends_of is None:
                    self._index_deadlines()
                assert self._ends_of is not None
                outcome_due, plan_end = self._ends_of
                by_outcome = outcome_due.get(task.outcome) if task.outcome is not None else None
                by_plan = plan_end.get(task.plan)
                if (by_outcome and task.due > by_outcome[0]) or (by_plan and task.due > by_plan[0]):
                    found = self._problems_of(task, today)
        self._problems[task.id] = found
        return found

    def _index_deadlines(self) -> None:
        outcomes = {o.id: (o.due, o.label, f"{o.label} is due") for o in self.workplan.outcomes.values() if o.due}
        plans = {p.id: (p.end, p.label, f"{p.label} ends") for p in self.workplan.plans.values() if p.end}
        self._ends_of = (outcomes, plans)

    def _deadlines(self, task: Task) -> list[tuple[str, str, str]]:
        """The days ``task``'s work must be done by: its outcome's due day, its plan's end (when
        it has one), as (ISO day, label, what it is). Looked up once per outcome and plan."""
        if self._ends_of is None:
            self._index_deadlines()
        assert self._ends_of is not None
        outcomes, plans = self._ends_of
        found = []
        if task.outcome is not None and task.outcome in outcomes:
            found.append(outcomes[task.outcome])
        if task.plan in plans:
            found.append(plans[task.plan])
        return found

    def _problems_of(self, task: Task, today: date) -> list[DateProblem]:
        found: list[DateProblem] = []
        due = task.due if _day(task.due) else None
        end = None
        if task.waits_on:
            plans = self.workplan.plans
            for other in open_prerequisites(task, self.tasks):
                if (held := plans.get(other.plan)) is not None and held.status == "archived":
                    found.append(DateProblem(task, "archived", other.label, other.due or "", today, held.label))
                elif due and other.due and _day(other.due) and other.due > due:
                    found.append(DateProblem(task, "before", other.label, other.due, today))
            end = self.chain_end(task)
        for deadline, whose, what in self._deadlines(task):
            if end is not None and end[0] > deadline:
                found.append(DateProblem(task, "chain", whose, deadline, today, what, end))
            elif due and due > deadline:
                found.append(DateProblem(task, "after", whose, deadline, today, what))
        return found

    def all_problems(self, today: date, plans: Iterable[int] | None = None) -> list[DateProblem]:
        """Every open task's dates that cannot work (of ``plans`` only, when given), soonest due first."""
        wanted = set(plans) if plans is not None else None
        found = [
            problem
            for task in self.tasks.values()
            if task.status != "done" and (wanted is None or task.plan in wanted) and (task.waits_on or task.due)
            for problem in self.problems(task, today)
        ]
        return sorted(found, key=lambda p: (p.task.due or "9999", p.task.id))


def parse_day(text: str | None) -> date | None:
    """An ISO day as a date; None for none, or for text that is not a real day (a hand edit)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


_day = parse_day


# --- ready to start -------------------------------------------------------------------------------


class Ready:
    """A task whose last open prerequisite was done: by whom, when (ISO UTC), which it was."""

    __slots__ = ("at", "by", "prerequisite", "task")

    def __init__(self, task: Task, prerequisite: Task, by: str, at: str) -> None:
        self.task, self.prerequisite, self.by, self.at = task, prerequisite, by, at

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ready) and (self.task, self.prerequisite, self.by, self.at) == (
            other.task, other.prerequisite, other.by, other.at
        )  # fmt: skip

    __hash__ = None  # type: ignore[assignment]

    def words(self) -> str:
        """'you can start T12: T9 done by dan'."""
        return f"you can start {self.task.label}: {self.prerequisite.label} done by {self.by}"


def became_ready(workplan: Workplan, entries: Iterable[Activity], *, owner: str | None = None) -> list[Ready]:
    """The tasks that became ready to start in ``entries`` (a stretch of the activity log, any
    order): a task whose prerequisite became done there and that, as the file stands now, waits on
    nothing open and is not done itself. One item per task, naming the last prerequisite done and
    who did it. ``owner`` keeps one member's tasks (the digest, ``status``'s "Mine").

    The board tells a member so when others' changes arrive; ``workplan status`` lists the
    member's since yesterday; the digest (issue 27) calls this with the entries since its last
    mail."""
    done: dict[int, tuple[str, str]] = {}  # prerequisite id -> (by, at) of its latest move to done
    for entry in entries:
        pair = entry.changes.get("status")
        if not (isinstance(pair, list) and len(pair) == 2 and pair[1] == "done" and entry.record[:1] == "T"):
            continue
        try:
            task_id = int(entry.record[1:])
        except ValueError:
            continue
        if task_id not in done or entry.at > done[task_id][1]:
            done[task_id] = (entry.member, entry.at)
    if not done:
        return []
    found: dict[int, Ready] = {}
    for task in workplan.tasks.values():
        if task.status == "done" or not task.waits_on or (owner is not None and task.owner != owner):
            continue
        finished = [tid for tid in task.waits_on if tid in done]
        if not finished or is_waiting(task, workplan.tasks):
            continue
        last = max(finished, key=lambda tid: done[tid][1])
        prerequisite = workplan.tasks.get(last)
        if prerequisite is None or prerequisite.status != "done":
            continue
        by, at = done[last]
        found[task.id] = Ready(task, prerequisite, by, at)
    return sorted(found.values(), key=lambda r: (r.at, r.task.id))


# --- milestones -----------------------------------------------------------------------------------


class MilestoneForecast:
    """Where a milestone stands (``milestone_forecast``): its health (the forecasts' words) and why,
    how many of its tasks are still open of how many, and its outcomes not yet at their target."""

    __slots__ = ("health", "open_outcomes", "open_tasks", "reason", "total_tasks")

    def __init__(
        self,
        health: Health,
        reason: str,
        open_tasks: list[Task] | None = None,
        total_tasks: int = 0,
        open_outcomes: list[Outcome] | None = None,
    ) -> None:
        self.health, self.reason, self.total_tasks = health, reason, total_tasks
        self.open_tasks = open_tasks or []
        self.open_outcomes = open_outcomes or []

    @property
    def words(self) -> str:
        """'at risk', 'on track', 'off track'... (``forecast.HEALTH_WORDS``)."""
        return HEALTH_WORDS.get(self.health, self.health)


def _outcome_met(outcome: Outcome) -> bool:
    return outcome_progress(outcome.baseline, outcome.target, outcome.current) >= 100


def milestone_forecast(
    milestone: Milestone, workplan: Workplan, today: date, schedule: Schedule | None = None
) -> MilestoneForecast:
    """The health of ``milestone`` on ``today`` (rules: the module's doc), with a reason in words
    naming the parts that make it so ("T11 blocked; T42 due after it; 2 of 3 tasks open")."""
    schedule = schedule or Schedule(workplan)
    tasks = [t for tid in milestone.tasks if (t := workplan.tasks.get(tid)) is not None]
    outcomes = [o for oid in milestone.outcomes if (o := workplan.outcomes.get(oid)) is not None]
    open_tasks = sorted((t for t in tasks if t.status != "done"), key=lambda t: (t.due or "9999", t.id))
    open_outcomes = [o for o in outcomes if not _outcome_met(o)]
    due = milestone.due
    day = _day(due)
    when = short_date(day, today=today) if day else due

    def result(health: Health, reason: str) -> MilestoneForecast:
        return MilestoneForecast(health, reason, open_tasks, len(tasks), open_outcomes)

    if not tasks and not outcomes:
        return result("no_data", "lists no tasks or outcomes yet")
    left = _left_words(open_tasks, len(tasks), open_outcomes, len(outcomes))
    if not open_tasks and not open_outcomes:
        return result("met", "every task done" + (" and outcome met" if outcomes else ""))
    if day is not None and day < today:
        return result("off_track", f"missed: was due {when}; {left}")
    # By the plan's own dates it will be missed: a task due after it, or waiting on work due after it.
    after = [t for t in open_tasks if t.due and t.due > due]
    chained = [t for t in open_tasks if t not in after and (end := schedule.chain_end(t)) and end[0] > due]
    late: list[str] = []
    if after:
        late.append(f"{_labels(after)} due after it")
    if chained:
        late.append(f"{_labels(chained)} {'waits' if len(chained) == 1 else 'wait'} on work due after it")
    if late:
        return result("off_track", f"{'; '.join(late)}; {left}")
    # Its parts, each by its own health (model/forecast.py) or dates that cannot work.
    worries: dict[str, list[str]] = {}
    for t in open_tasks:
        health, why = task_health(t, workplan, today)
        if health in ("off_track", "at_risk"):
            what = "overdue" if why.endswith("overdue") else ("blocked" if t.status == "blocked" else why)
            worries.setdefault(what, []).append(t.label)
        elif schedule.problems(t, today):
            worries.setdefault("dates cannot work", []).append(t.label)
    for o in open_outcomes:
        health = forecast.of_outcome(o, workplan.plans.get(o.plan), today).health
        if health in ("off_track", "at_risk"):
            worries.setdefault(HEALTH_WORDS[health], []).append(o.label)
    if worries:
        parts = [f"{_names(labels)} {what}" for what, labels in worries.items()]
        return result("at_risk", f"{'; '.join(parts)}; {left}")
    return result("on_track", f"{left}, due {when}")


def milestone_words(milestone: Milestone, found: MilestoneForecast, today: date) -> str:
    """A milestone and its forecast as a person says it at a meeting: "D1 'Beds built' due Fri 18
    Dec is at risk: T11 blocked; 3 of 3 tasks open", "D2 'Planted' missed: was due Sun 29 Nov; 1 of
    2 tasks open", "D3 'Signs up' is on track: 2 of 3 tasks open, due Fri 11 Dec". Stored text is
    cleaned."""
    from workplan_tui.model.text import clean

    name = f"{milestone.label} '{' '.join(clean(milestone.name).split())}'"
    day = _day(milestone.due)
    when = short_date(day, today=today) if day else clean(milestone.due)
    reason = clean(found.reason)
    if found.health == "off_track" and reason.startswith("missed"):
        return f"{name} {reason}"
    if found.health in ("off_track", "at_risk", "met"):
        return f"{name} due {when} is {found.words}: {reason}"
    if found.health == "on_track":
        return f"{name} is on track: {reason}"
    return f"{name} due {when} {reason}"


def _left_words(open_tasks: list[Task], tasks: int, open_outcomes: list[Outcome], outcomes: int) -> str:
    parts = []
    if tasks:
        parts.append(f"{len(open_tasks)} of {tasks} task{'s' if tasks != 1 else ''} open")
    if outcomes:
        parts.append(f"{len(open_outcomes)} of {outcomes} outcome{'s' if outcomes != 1 else ''} short of target")
    return ", ".join(parts)


def _labels(tasks: list[Task]) -> str:
    return _names([t.label for t in tasks])


def _names(labels: list[str]) -> str:
    shown = ", ".join(labels[:3])
    return shown + (f" +{len(labels) - 3}" if len(labels) > 3 else "")


def milestones_of(workplan: Workplan, plan_id: int) -> list[Milestone]:
    """A plan's milestones, soonest first."""
    return sorted((m for m in workplan.milestones.values() if m.plan == plan_id), key=lambda m: (m.due, m.id))


def next_milestone(workplan: Workplan, plan: Plan, today: date) -> Milestone | None:
    """The plan's milestone to show first: the soonest not yet met whose day is today or later,
    else the latest missed one (its day passed, not met), else None (every one met, or none)."""
    schedule = Schedule(workplan)
    today_iso = today.isoformat()
    coming, missed = None, None
    for m in milestones_of(workplan, plan.id):
        if milestone_forecast(m, workplan, today, schedule).health == "met":
            continue
        if m.due < today_iso:
            missed = m
        elif coming is None:
            coming = m
    return coming or missed


# --- "waits on" as people type it --------------------------------------------------------------


_JOINED = 50  # at most this many pieces of a "waits on" text are joined back into one title


def _title_key(title: str) -> str:
    """A title as typed or stored, compared ignoring case, spacing and control characters (the
    form completes a title as shown: cleaned)."""
    return " ".join(clean(title).split()).casefold()


def split_waits(text: str, names_one: Callable[[str], bool]) -> list[str]:
    """The items of a "waits on" text (the board's form, a spreadsheet's column): split at
    semicolons and commas, pieces joined back where together they name one task (``names_one``,
    given the joined text): a title may hold a separator, as the form completes it and an export
    writes it (``T9 Beds; phase 2, north``). Empty, ``none`` and ``-`` items are dropped."""
    pieces = re.split(r"([;,])", text)
    words, separators = pieces[0::2], pieces[1::2]
    items: list[str] = []
    start = 0
    while start < len(words):
        end = start
        for last in range(min(len(words), start + _JOINED) - 1, start, -1):
            joined = "".join(w + sep for w, sep in zip(words[start:last], separators[start:last], strict=True))
            if names_one((joined + words[last]).strip()):
                end = last
                break
        joined = "".join(w + sep for w, sep in zip(words[start:end], separators[start:end], strict=True))
        items.append((joined + words[end]).strip())
        start = end + 1
    return [item for item in items if item and item.lower() not in ("none", "-")]


class WaitsReader:
    """Reads the items of a "waits on" text of tasks of plan ``plan_id`` (the one rule for the
    board's form and a spreadsheet's column). An item is a task's id (``T9``; ``9`` too with
    ``digits``), its id and title as the form completes it (``T9 Build beds``), or a title,
    matched ignoring case and spacing: a task ``added`` by the same spreadsheet (title key ->
    its row), then of the plan, then of the partnership. An id and a title that name two tasks
    never pick one silently: the title is read instead, or it is refused naming both. ``by_id``
    False reads ids as titles (a spreadsheet row from another file: its ids are other tasks)."""

    def __init__(
        self,
        workplan: Workplan,
        plan_id: int | None,
        *,
        by_id: bool = True,
        digits: bool = False,
        added: Mapping[str, int] | None = None,
    ) -> None:
        self.workplan, self.plan_id, self.by_id, self.digits = workplan, plan_id, by_id, digits
        self.added = added or {}
        self._titles: set[str] | None = None

    def _number(self, head: str) -> int | None:
        """The task id ``head`` is (``T9``, or ``9`` with ``digits``), whether or not it exists."""
        if self.digits and head.isascii() and head.isdigit() and head[0] != "0":
            return int(head)
        if head[:1] not in "Tt":
            return None
        from workplan_tui.model.records import id_of_label

        parsed = id_of_label(head.upper())
        return parsed[1] if parsed is not None and parsed[0] == "T" else None

    def _named(self, part: str) -> tuple[Task | None, str, bool]:
        """(the task ``part``'s id names when ids are read and it exists, the rest after the id,
        whether ``part`` begins with an id at all)."""
        head, _, rest = part.partition(" ")
        number = self._number(head)
        task = self.workplan.tasks.get(number) if number is not None and self.by_id else None
        return task, rest.strip(), number is not None

    def names_one(self, part: str) -> bool:
        """Whether ``part`` names one task whole: by its id and its very title, or by a title."""
        task, rest, _ = self._named(part)
        if task is not None and rest and _title_key(rest) == _title_key(task.title):
            return True
        if self._titles is None:
            self._titles = {_title_key(t.title) for t in self.workplan.tasks.values()}
        key = _title_key(part)
        return key in self.added or key in self._titles

    def items(self, text: str) -> list[str]:
        return split_waits(text, self.names_one)

    def read(self, part: str) -> tuple[int | None, int | None]:
        """(task id, None), or (None, row) for a task the spreadsheet adds. RuleError naming what
        is not one task: none, several (use the id), or an id and a title of two tasks."""
        task, rest, has_id = self._named(part)
        if task is not None and (not rest or _title_key(rest) == _title_key(task.title)):
            return task.id, None
        asked = [part, rest] if rest and has_id else [part]
        for title in asked:
            key = _title_key(title)
            if key in self.added:
                return None, self.added[key]
            same = [t for t in self.workplan.tasks.values() if _title_key(t.title) == key]
            here = [t for t in same if t.plan == self.plan_id] or same
            if len(here) == 1:
                return here[0].id, None
            if here:
                labels = ", ".join(t.label for t in here)
                raise RuleError(f"{len(here)} tasks are titled {title!r} ({labels}); use the id")
        if task is not None:
            raise RuleError(f"{task.label} is titled {task.title!r}, not {rest!r}, and no task has that title")
        raise RuleError(f"no task {part!r} (by id or title)")


def parse_waits(text: str, workplan: Workplan, plan_id: int | None = None) -> list[int]:
    """The tasks a "waits on" field of the board's form names (``WaitsReader``, ``9`` read as T9
    too): ``T9, Build beds at Oak Street``, ``T12 Beds; phase 2`` as the form completes a title
    holding a separator. Raises RuleError naming what is not one task; "" or "none" is no task."""
    reader = WaitsReader(workplan, plan_id, digits=True)
    found = [task_id for part in reader.items(text.strip()) if (task_id := reader.read(part)[0]) is not None]
    return list(dict.fromkeys(found))
