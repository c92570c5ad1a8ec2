"""Where a partnership stands: per-plan figures and what needs attention (pure)."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from workplan_tui.model import rules
from workplan_tui.model.forecast import (
    Forecast,
    PlanForecast,
    TaskTally,
    close_cutoff,
    day_of,
    of_outcome,
    of_plan,
    rank,
)
from workplan_tui.model.records import (
    CLOSED_PLAN_STATUSES,
    TASK_STATUSES,
    UNDECIDED_PLAN_STATUSES,
    Member,
    Outcome,
    Plan,
    Task,
    Workplan,
)


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
    # Are we on track? The plan's forecast and each of its outcomes' (by id): model/forecast.py.
    forecast: PlanForecast = field(default_factory=lambda: PlanForecast("no_data", ""))
    outcome_forecasts: dict[int, Forecast] = field(default_factory=dict)
    # A proposal's closing date in words while its buy-in is undecided ("closes in 2 days, Mon 30
    # Nov", "closed Fri 27 Nov"), else ""; once it has passed, who had not voted by then.
    closing: str = ""
    late: list[str] = field(default_factory=list)

    def closing_text(self) -> str:
        """'closes in 2 days, Mon 30 Nov; 3 have not voted', 'closed Fri 27 Nov; 2 had not voted by
        then (carol, dan)', '' without a closing date (status, the plan row, the Buy-in screen)."""
        if not self.closing:
            return ""
        if self.closing.startswith("closed"):
            who = f" ({', '.join(self.late)})" if self.late else ""
            return f"{self.closing}; {len(self.late)} had not voted by then{who}" if self.late else self.closing
        waiting = len(self.buyin.not_voted)
        return f"{self.closing}; " + (
            f"{waiting} ha{'s' if waiting == 1 else 've'} not voted" if waiting else "all voted"
        )


# The order the board lists plans in: those running first, the closed ones last (every status
# of records.PlanStatus: tests/unit/test_rules.py).
PLAN_ORDER = ("active", "proposed", "draft", "completed", "archived")


def plan_figures(workplan: Workplan, today: date) -> list[PlanFigures]:
    """Per plan: progress, buy-in, outcomes, task counts and forecasts (``of_plan``,
    ``of_outcome``: model/forecast.py), from what is loaded: one pass over the tasks (the
    forecast's counts too), none over the log."""
    return _figures_of(workplan, workplan.plans.values(), today)


def _figures_of(workplan: Workplan, plans: Iterable[Plan], today: date) -> list[PlanFigures]:
    """The figures of ``plans`` (plans of ``workplan``), in their order: one pass over the tasks."""
    wanted = {plan.id for plan in plans}
    tasks_by_plan: dict[int, list[Task]] = {pid: [] for pid in wanted}
    for task in workplan.tasks.values():
        if task.plan in wanted:
            tasks_by_plan[task.plan].append(task)
    outcomes_by_plan: dict[int, list[Outcome]] = {pid: [] for pid in wanted}
    for outcome in workplan.outcomes.values():
        if outcome.plan in wanted:
            outcomes_by_plan[outcome.plan].append(outcome)
    today_iso = today.isoformat()
    week_iso = rules.week_after(today)
    close_from = close_cutoff(today)
    figures = []
    for plan in plans:
        tasks = tasks_by_plan[plan.id]
        outcomes = outcomes_by_plan[plan.id]
        end = day_of(plan.end)
        end_iso = end.isoformat() if end else "9999"
        closed = after_end = 0  # for the forecast's TaskTally, counted in this same pass
        fig = PlanFigures(
            plan,
            rules.plan_progress(outcomes, tasks),
            rules.buy_in(plan, workplan.members, workplan.current_votes(plan.id), workplan.partners),
            outcomes,
            tasks,
        )
        if plan.closes and plan.status in UNDECIDED_PLAN_STATUSES:
            fig.closing = rules.closing_words(plan, today)
            if rules.is_closed(plan, today):
                fig.late = rules.not_voted_by_close(plan, workplan.members, workplan.votes)
        for task in tasks:
            if task.status == "done":
                fig.done += 1
                if task.updated_at >= close_from:
                    closed += 1
                continue
            if task.status == "blocked":
                fig.blocked.append(task)
            if rules.is_overdue(task, today_iso):
                fig.overdue.append(task)
                continue
            if rules.is_due_this_week(task, today_iso, week_iso):
                fig.due_this_week.append(task)
            if task.due and task.due > end_iso:
                after_end += 1
        fig.outcome_forecasts = {o.id: of_outcome(o, plan, today) for o in outcomes}
        tally = TaskTally(len(tasks), len(tasks) - fig.done, len(fig.overdue), after_end, closed)
        fig.forecast = of_plan(plan, fig.outcome_forecasts, tally, today)
        figures.append(fig)
    return figures


def refigure(figures: list[PlanFigures], before: Workplan, after: Workplan, today: date) -> list[PlanFigures]:
    """``plan_figures(after, today)``, given ``figures``, those of ``before`` on the same day
    (in any order), when ``after`` is ``before`` with some records changed and every other
    record the same object (a version of the file read by what changed, store/patch.py).

    The figures of a plan none of whose records changed (the plan, its tasks, outcomes and
    votes; members and partners count for every plan's buy-in) are reused, the same
    objects; the others are worked out again, in one pass over the tasks. A snapshot read
    whole shares nothing and gets every plan worked out.
    """
    if after is before:
        return list(figures)
    if after.members is not before.members or after.partners is not before.partners:
        return plan_figures(after, today)
    touched: set[int] = set()
    for mine, theirs in ((after.plans, before.plans), (after.tasks, before.tasks), (after.outcomes, before.outcomes)):
        if mine is theirs:
            continue
        earlier = theirs.get
        for number, record in mine.items():
            old = earlier(number)
            if old is not record:
                touched.add(getattr(record, "plan", number))
                if old is not None:
                    touched.add(getattr(old, "plan", number))
        for number in theirs.keys() - mine.keys():
            touched.add(getattr(theirs[number], "plan", number))
    if after.votes is not before.votes:
        kept = {id(v) for v in before.votes} & {id(v) for v in after.votes}
        touched.update(v.plan for v in (*before.votes, *after.votes) if id(v) not in kept)
    reused = {f.plan.id: f for f in figures if f.plan.id not in touched}
    fresh = {f.plan.id: f for f in _figures_of(after, [p for p in after.plans.values() if p.id not in reused], today)}
    return [reused.get(pid) or fresh[pid] for pid in after.plans]


@dataclass(frozen=True, slots=True)
class Concern:
    """A plan or an outcome that is off track or at risk: what a lead names first in a review."""

    label: str  # "P2", "O4"
    name: str  # the plan's title or the outcome's name (stored text: clean it to show)
    plan: Plan
    health: str  # "off_track" or "at_risk"
    reason: str
    outcome: Outcome | None = None  # the outcome, for an outcome's concern


def concerns(figures: list[PlanFigures]) -> list[Concern]:
    """The plans still running (not completed or archived) that are off track or at risk, and
    their outcomes that are, worst first: off track before at risk, a plan before its
    outcomes, then by id. ``workplan status``, the review and the meeting report list these."""
    found: list[tuple[tuple[int, int, int, int], Concern]] = []
    for fig in figures:
        plan = fig.plan
        if plan.status in CLOSED_PLAN_STATUSES:
            continue
        if fig.forecast.health in WORRYING:
            item = Concern(plan.label, plan.title, plan, fig.forecast.health, fig.forecast.reason)
            found.append(((rank(item.health), plan.id, 0, 0), item))
        for outcome in fig.outcomes:
            f = fig.outcome_forecasts.get(outcome.id)
            if f is not None and f.health in WORRYING:
                item = Concern(outcome.label, outcome.name, plan, f.health, f.reason, outcome)
                found.append(((rank(item.health), plan.id, 1, outcome.id), item))
    found.sort(key=lambda pair: pair[0])
    return [item for _, item in found]


WORRYING = ("off_track", "at_risk")


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
    live = [f for f in figures if f.plan.status not in CLOSED_PLAN_STATUSES]

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
        if f.plan.status in UNDECIDED_PLAN_STATUSES and me in workplan.members and me in f.buyin.not_voted
    ]
    totals = {"overdue": len(overdue), "blocked": len(blocked), "stale": len(stale)}
    return Attention(first(overdue), first(blocked), first(stale, oldest), waiting, totals)


@dataclass(slots=True)
class Load:
    """One member's load in the plans still running: how many open tasks they own, which of
    them are overdue, blocked and stale; and when they last changed anything (ISO UTC, "" when
    not known)."""

    member: Member
    open: int = 0
    overdue: list[Task] = field(default_factory=list)
    blocked: list[Task] = field(default_factory=list)
    stale: list[Task] = field(default_factory=list)
    last_change: str = ""

    @property
    def behind(self) -> bool:
        """Whether the member is behind: an overdue, blocked or stale task of theirs."""
        return bool(self.overdue or self.blocked or self.stale)


def member_loads(
    workplan: Workplan, figures: list[PlanFigures], now: datetime, logged: Mapping[str, str]
) -> list[Load]:
    """Who is behind, and on what: every member's Load, in the order of the members. Only tasks
    of the plans in ``figures`` that are still running count (not completed or archived), as
    ``attention`` counts them; overdue and blocked tasks soonest due first, stale ones the
    longest untouched first. Their last change is the newest of their log entries
    (``logged``: handle -> ISO UTC time) and their notes on any task."""
    loads = {handle: Load(member, last_change=logged.get(handle, "")) for handle, member in workplan.members.items()}
    for task in workplan.tasks.values():
        for update in task.updates:
            load = loads.get(update.by)
            if load is not None and update.at > load.last_change:
                load.last_change = update.at
    for fig in figures:
        if fig.plan.status in CLOSED_PLAN_STATUSES:
            continue
        for task in fig.tasks:
            load = loads.get(task.owner or "")
            if load is not None and task.status != "done":
                load.open += 1
    whole = attention(workplan, figures, "", now)
    for kind in ("overdue", "blocked", "stale"):
        for task in getattr(whole, kind):
            load = loads.get(task.owner or "")
            if load is not None:
                getattr(load, kind).append(task)
    return list(loads.values())


def my_open_tasks(workplan: Workplan, me: str, limit: int | None = None) -> tuple[list[Task], int]:
    """``me``'s open tasks in plans still running, soonest due first (overdue ones first of
    all, no due date last), the first ``limit`` of them; and how many there are in all."""
    live = {p.id for p in workplan.plans.values() if p.status not in CLOSED_PLAN_STATUSES}
    mine = [t for t in workplan.tasks.values() if t.owner == me and t.status != "done" and t.plan in live]

    def key(t: Task) -> tuple[str, int]:
        return (t.due or "9999", t.id)

    return (sorted(mine, key=key) if limit is None else heapq.nsmallest(limit, mine, key=key)), len(mine)


def due_this_week(figures: list[PlanFigures]) -> list[Task]:
    """Open tasks of running plans due in the next 7 days (not overdue), soonest first."""
    live = [f for f in figures if f.plan.status not in CLOSED_PLAN_STATUSES]
    return sorted((t for f in live for t in f.due_this_week), key=lambda t: (t.due or "", t.id))


@dataclass(slots=True)
class ReviewItem:
    task: Task
    reasons: list[str]


# Why a task is in the review, in the order the review takes them.
REVIEW_REASONS = ("overdue", "blocked", "not started", "due this week", "no update for 14 days")


def review_queue(workplan: Workplan, me: str, now: datetime, today: date) -> list[ReviewItem]:
    """Open tasks needing attention: overdue, blocked, not started after their start day, due
    within 7 days, or stale.

    Ready work first: a task waiting on another that is not done (model/schedule.py) comes
    after every task that is not, with "waits on T9" among its reasons (a hand-off late to
    start is "not started" and "waits on T9"). Then mine first; then overdue before blocked
    before not started before due-soon before stale; then by due date. Tasks of completed or
    archived plans are left out.
    """
    from workplan_tui.model.schedule import is_waiting

    cutoff = rules.stale_cutoff(now)
    today_iso = today.isoformat()
    week_iso = rules.week_after(today)
    live = {p.id for p in workplan.plans.values() if p.status not in CLOSED_PLAN_STATUSES}
    items: list[tuple[tuple[object, ...], ReviewItem]] = []
    for task in workplan.tasks.values():
        if task.status == "done" or task.plan not in live:
            continue
        reasons = []
        if rules.is_overdue(task, today_iso):
            reasons.append("overdue")
        if task.status == "blocked":
            reasons.append("blocked")
        waiting = is_waiting(task, workplan.tasks)
        if task.status == "todo" and task.start and task.start < today_iso:
            reasons.append("not started")
        if rules.is_due_this_week(task, today_iso, week_iso):
            reasons.append("due this week")
        if rules.is_stale(task, cutoff):
            reasons.append("no update for 14 days")
        if reasons:
            rank = REVIEW_REASONS.index(reasons[0])
            if waiting:
                reasons.append("waits on " + ", ".join(
                    f"T{t}" for t in task.waits_on if (p := workplan.tasks.get(t)) and p.status != "done"
                ))  # fmt: skip
            key = (waiting, task.owner != me, rank, task.due or "9999", task.id)
            items.append((key, ReviewItem(task, reasons)))
    items.sort(key=lambda pair: pair[0])
    return [item for _, item in items]


def tasks_by_column(tasks: list[Task]) -> dict[str, list[Task]]:
    """A plan's tasks per status column, soonest due first (no due date last)."""
    columns: dict[str, list[Task]] = {status: [] for status in TASK_STATUSES}
    for task in tasks:
        columns[task.status].append(task)
    for status, items in columns.items():
        if status == "done":
            items.sort(key=lambda t: (t.updated_at, t.id), reverse=True)
        else:
            items.sort(key=lambda t: (t.due or "9999", t.id))
    return columns


FILTER_HELP = "words, mine, owner:NAME, partner:CODE, status:S, overdue, blocked, waiting, due:week, due:fri"


@dataclass(slots=True)
class TaskFilter:
    """What ``/`` on the board keeps: every term must match.

    Plain words match the title, notes, owner, partner, status or id. ``owner:NAME``,
    ``partner:CODE`` and ``status:S`` match that field; ``overdue``, ``blocked`` and ``waiting``
    mean what they say (an open task past its due date; a blocked task; an open task waiting on
    one that is not done, when ``tasks`` is given: model/schedule.py); ``due:week``
    is an open task due within 7 days (as the review and ``workplan status`` count
    "due this week"), ``due:today``, and ``due:DATE`` (``due:fri``, ``due:+2w``) one due
    from today up to that date. ``mine`` is a task of ``me`` (the acting member: the board's
    ``m``).
    """

    terms: list[str]
    partner_of: dict[str, str]
    today: date
    me: str = ""
    tasks: Mapping[int, Task] | None = None  # every task, to know which are waiting
    _until: dict[str, str | None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def __call__(self, task: Task) -> bool:
        return all(self._matches(task, term) for term in self.terms)

    def _matches(self, task: Task, term: str) -> bool:
        owner = task.owner or ""
        partner = self.partner_of.get(owner, "")
        word = term.lower()
        if word == "mine":
            return bool(self.me) and owner == self.me
        key, sep, value = word.partition(":")
        if word == "overdue":
            return rules.is_overdue(task, self.today.isoformat())
        if word == "blocked":
            return task.status == "blocked"
        if word == "waiting" and self.tasks is not None:
            from workplan_tui.model.schedule import is_waiting

            return is_waiting(task, self.tasks)
        if sep and key in ("owner", "partner", "status"):
            field_value = {"owner": owner, "partner": partner, "status": task.status}[key]
            return value in field_value.lower()
        if sep and key == "due":
            until = self._due_until(value)
            if until is None or task.status == "done" or not task.due:
                return False
            return self.today.isoformat() <= task.due <= until
        haystack = f"{task.title} {task.notes} {owner} {partner} {task.status} {task.label}".lower()
        return word in haystack

    def _due_until(self, value: str) -> str | None:
        """The last day ``due:VALUE`` takes in (ISO), or None when VALUE is not a date."""
        if value not in self._until:
            from workplan_tui.model.dates import DateError, parse_date

            if value == "week":  # the days rules.is_due_this_week counts, the last one included
                until: str | None = (date.fromisoformat(rules.week_after(self.today)) - timedelta(days=1)).isoformat()
            else:
                try:
                    until = parse_date(value, today=self.today).isoformat()
                except DateError:
                    until = None
            self._until[value] = until
        return self._until[value]


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
