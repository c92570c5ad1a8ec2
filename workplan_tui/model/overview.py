"""Where a partnership stands: per-plan figures and what needs attention (pure)."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from workplan_tui.model import rules
from workplan_tui.model.records import Outcome, Plan, Task, Workplan


@dataclass(slots=True)
class PlanFigures:
    plan: Plan
    progress: float
    buyin: rules.BuyIn
    outcomes: list[Outcome]
    tasks: list[Task]
    done: int = 0  # how many of its tasks are done
    overdue: list[Task] = field(default_factory=list)
    blocked: list[Task] = field(default_factory=list)
    due_this_week: list[Task] = field(default_factory=list)


def plan_figures(workplan: Workplan, today: date) -> list[PlanFigures]:
    """Per plan: progress, buy-in, outcomes and task counts, in one pass over the tasks."""
    tasks_by_plan: dict[int, list[Task]] = {pid: [] for pid in workplan.plans}
    for task in workplan.tasks.values():
        tasks_by_plan.setdefault(task.plan, []).append(task)
    outcomes_by_plan: dict[int, list[Outcome]] = {pid: [] for pid in workplan.plans}
    for outcome in workplan.outcomes.values():
        outcomes_by_plan.setdefault(outcome.plan, []).append(outcome)
    today_iso = today.isoformat()
    week_iso = (today + timedelta(days=7)).isoformat()
    figures = []
    for plan in workplan.plans.values():
        tasks = tasks_by_plan[plan.id]
        outcomes = outcomes_by_plan[plan.id]
        fig = PlanFigures(
            plan,
            rules.plan_progress(outcomes, tasks),
            rules.buy_in(plan, workplan.members, workplan.current_votes(plan.id), workplan.partners),
            outcomes,
            tasks,
        )
        for task in tasks:
            if task.status == "done":
                fig.done += 1
                continue
            if task.status == "blocked":
                fig.blocked.append(task)
            due = task.due
            if due:  # ISO dates compare as strings
                if due < today_iso:
                    fig.overdue.append(task)
                elif due < week_iso:
                    fig.due_this_week.append(task)
        figures.append(fig)
    return figures


@dataclass(slots=True)
class Attention:
    overdue: list[Task]
    blocked: list[Task]
    stale: list[Task]
    waiting_votes: list[Plan]
    # How many tasks each of overdue, blocked and stale has in all (more than listed with a limit).
    totals: dict[str, int] = field(default_factory=dict)


def attention(
    workplan: Workplan, figures: list[PlanFigures], me: str, now: datetime, limit: int | None = None
) -> Attention:
    """What needs a lead's attention in the plans still running (not completed or archived):
    overdue and blocked tasks, the acting member's own first, then soonest due; stale tasks
    (no update for 14 days), the longest untouched first; plans waiting for my vote.

    With ``limit``, each task list holds only its first ``limit`` tasks (the order is the
    same), and ``totals`` says how many there are: a summary of 10,000 tasks does not
    sort thousands to show ten.
    """
    cutoff = rules.stale_cutoff(now)
    live = [f for f in figures if f.plan.status not in ("completed", "archived")]

    def key(t: Task) -> tuple[bool, str, int]:
        return (t.owner != me, t.due or "9999", t.id)

    def oldest(t: Task) -> tuple[str, int]:
        return (t.updated_at, t.id)

    def first(tasks: list[Task], key: Callable[[Task], Any] = key) -> list[Task]:
        return sorted(tasks, key=key) if limit is None else heapq.nsmallest(limit, tasks, key=key)

    overdue = [t for f in live for t in f.overdue]
    blocked = [t for f in live for t in f.blocked]
    stale = [t for f in live for t in rules.stale_tasks(f.tasks, cutoff)]
    waiting = [
        f.plan
        for f in figures
        if f.plan.status in ("draft", "proposed") and me in workplan.members and me in f.buyin.not_voted
    ]
    totals = {"overdue": len(overdue), "blocked": len(blocked), "stale": len(stale)}
    return Attention(first(overdue), first(blocked), first(stale, oldest), waiting, totals)


def my_open_tasks(workplan: Workplan, me: str, limit: int | None = None) -> tuple[list[Task], int]:
    """``me``'s open tasks in plans still running, soonest due first (overdue ones first of
    all, no due date last), the first ``limit`` of them; and how many there are in all."""
    live = {p.id for p in workplan.plans.values() if p.status not in ("completed", "archived")}
    mine = [t for t in workplan.tasks.values() if t.owner == me and t.status != "done" and t.plan in live]

    def key(t: Task) -> tuple[str, int]:
        return (t.due or "9999", t.id)

    return (sorted(mine, key=key) if limit is None else heapq.nsmallest(limit, mine, key=key)), len(mine)


def due_this_week(figures: list[PlanFigures]) -> list[Task]:
    """Open tasks of running plans due in the next 7 days (not overdue), soonest first."""
    live = [f for f in figures if f.plan.status not in ("completed", "archived")]
    return sorted((t for f in live for t in f.due_this_week), key=lambda t: (t.due or "", t.id))


@dataclass(slots=True)
class ReviewItem:
    task: Task
    reasons: list[str]


def review_queue(workplan: Workplan, me: str, now: datetime, today: date) -> list[ReviewItem]:
    """Open tasks needing attention: overdue, blocked, due within 7 days, or stale.

    Mine first; then overdue before blocked before due-soon before stale; then by due date.
    Tasks of completed or archived plans are left out.
    """
    cutoff = rules.stale_cutoff(now)
    today_iso = today.isoformat()
    week_iso = (today + timedelta(days=7)).isoformat()
    live = {p.id for p in workplan.plans.values() if p.status not in ("completed", "archived")}
    items: list[tuple[tuple[object, ...], ReviewItem]] = []
    for task in workplan.tasks.values():
        if task.status == "done" or task.plan not in live:
            continue
        reasons = []
        if task.due and task.due < today_iso:
            reasons.append("overdue")
        if task.status == "blocked":
            reasons.append("blocked")
        if task.due and today_iso <= task.due < week_iso:
            reasons.append("due this week")
        if rules.is_stale(task, cutoff):
            reasons.append("no update for 14 days")
        if reasons:
            rank = ("overdue", "blocked", "due this week", "no update for 14 days").index(reasons[0])
            items.append(((task.owner != me, rank, task.due or "9999", task.id), ReviewItem(task, reasons)))
    items.sort(key=lambda pair: pair[0])
    return [item for _, item in items]


def tasks_by_column(tasks: list[Task]) -> dict[str, list[Task]]:
    """A plan's tasks per status column, soonest due first (no due date last)."""
    columns: dict[str, list[Task]] = {"todo": [], "doing": [], "blocked": [], "done": []}
    for task in tasks:
        columns[task.status].append(task)
    for status, items in columns.items():
        if status == "done":
            items.sort(key=lambda t: (t.updated_at, t.id), reverse=True)
        else:
            items.sort(key=lambda t: (t.due or "9999", t.id))
    return columns


FILTER_WORDS = "words, owner:NAME, partner:CODE, status:S, overdue, blocked, due:week"


def task_matches(task: Task, terms: list[str], partner_of: dict[str, str], today: date) -> bool:
    """Whether ``task`` matches every one of ``terms`` (a search, case-insensitive):

    * a plain word is found in the title, notes, owner, owner's partner, status or id;
    * ``owner:NAME``, ``partner:CODE``, ``status:S`` look in that field only;
    * ``overdue`` (open and past due), ``blocked`` and ``due:week`` (open, due in the next
      7 days) select by state, as the board's review does.

    ``partner_of`` maps member handles to partner codes.
    """
    owner = task.owner or ""
    partner = partner_of.get(owner, "")
    open_ = task.status != "done"
    for term in terms:
        word = term.lower()
        key, sep, value = word.partition(":")
        if word == "overdue":
            if not (open_ and task.due and task.due < today.isoformat()):
                return False
        elif word == "blocked":
            if task.status != "blocked":
                return False
        elif word == "due:week":
            week = (today + timedelta(days=7)).isoformat()
            if not (open_ and task.due and today.isoformat() <= task.due < week):
                return False
        elif sep and key in ("owner", "partner", "status"):
            field = {"owner": owner, "partner": partner, "status": task.status}[key]
            if value and value not in field.lower():
                return False
        else:
            haystack = f"{task.title} {task.notes} {owner} {partner} {task.status} {task.label}".lower()
            if word not in haystack:
                return False
    return True


SORTS = ("due", "progress", "owner", "updated")


def sort_tasks(tasks: list[Task], by: str) -> list[Task]:
    """Tasks in the order ``by`` names: ``due`` soonest first (none last), ``progress`` least
    done first, ``owner`` by handle (unassigned last), ``updated`` most recently changed first;
    ties by id."""
    if by == "due":
        return sorted(tasks, key=lambda t: (t.due or "9999", t.id))
    if by == "progress":
        return sorted(tasks, key=lambda t: (t.progress, t.id))
    if by == "owner":
        return sorted(tasks, key=lambda t: (t.owner is None, (t.owner or "").lower(), t.id))
    if by == "updated":
        return sorted(tasks, key=lambda t: (t.updated_at, -t.id), reverse=True)
    raise ValueError(f"sort by {by!r}: use one of {', '.join(SORTS)}")
