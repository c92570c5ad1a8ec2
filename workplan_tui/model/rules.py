"""The partnership's rules: progress rollups, buy-in decisions, task transitions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from workplan_tui.model.records import (
    POSITIONS,
    TASK_STATUSES,
    Member,
    Outcome,
    Partner,
    Plan,
    Record,
    Task,
    Vote,
)
from workplan_tui.model.text import clean


class RuleError(ValueError):
    """A change that the partnership's rules do not allow."""


# --- progress ---------------------------------------------------------------


def outcome_progress(baseline: float, target: float, current: float) -> float:
    """(current - baseline) / (target - baseline) as a percentage clamped to 0-100.

    Works for reduction goals too (target below baseline). When target equals
    baseline the goal counts as met only while current is at the target.
    """
    span = target - baseline
    if span == 0:
        return 100.0 if current == target else 0.0
    return max(0.0, min(100.0, (current - baseline) / span * 100.0))


def outcome_figures(outcome: Outcome, number: Callable[[float], str]) -> str:
    """Where an outcome stands, in words a reader takes the right way round:
    "28 / 40 beds" for a goal that grows from nothing, else from where it started:
    "25 → 12 min, target 10" for one that shrinks (a wait time, a cost), where
    "12 / 10 min" would read as 120 %."""
    unit = f" {clean(outcome.unit)}" if outcome.unit else ""
    current, target = number(outcome.current), number(outcome.target)
    if outcome.target < outcome.baseline or outcome.baseline != 0:
        return f"{number(outcome.baseline)} → {current}{unit}, target {target}"
    return f"{current} / {target}{unit}"


def plan_progress(outcomes: Iterable[Outcome], tasks: Iterable[Task]) -> float:
    """A plan's progress, 0-100.

    The mean progress of its outcomes and the mean progress of its tasks, each
    weighing half when the plan has both; a plan with only one kind uses that
    mean alone; a plan with neither is at 0.
    """
    outcome_values = [outcome_progress(o.baseline, o.target, o.current) for o in outcomes]
    task_values = [float(t.progress) for t in tasks]
    means = [sum(v) / len(v) for v in (outcome_values, task_values) if v]
    return sum(means) / len(means) if means else 0.0


PLAN_PROGRESS_FORMULA = (
    "plan progress = mean(outcome progress) x 1/2 + mean(task progress) x 1/2; "
    "a plan with only outcomes or only tasks uses that mean alone"
)


# --- buy-in -----------------------------------------------------------------


@dataclass(slots=True, eq=False, repr=False)
class BuyIn(Record):
    """Where a plan stands: the tally, and whether its rule lets it become active."""

    rule: str
    tally: dict[str, int]
    not_voted: list[str]
    ok: bool
    reasons: list[str] = field(default_factory=list)

    def summary(self) -> str:
        voted = sum(self.tally.values())
        total = voted + len(self.not_voted)
        parts = [f"buy-in {self.tally['agree']}/{total}"]
        for position in ("block", "disagree", "abstain"):  # what stops a plan first
            if self.tally[position]:
                parts.append(f"{self.tally[position]} {position}")
        return " · ".join(parts)


def buy_in(
    plan: Plan,
    members: Mapping[str, Member],
    votes: Mapping[str, Vote],
    partners: Mapping[str, Partner],
) -> BuyIn:
    """Decide whether ``plan`` has the buy-in its rule asks for.

    ``votes`` maps a member handle to that member's latest vote on the plan.
    Votes of people who are no longer members do not count.
    """
    counted = {h: v for h, v in votes.items() if h in members}
    tally = dict.fromkeys(POSITIONS, 0)
    for vote in counted.values():
        tally[vote.position] += 1
    not_voted = sorted(h for h in members if h not in counted)
    reasons: list[str] = []
    blockers = sorted(h for h, v in counted.items() if v.position == "block")
    if blockers:
        reasons.append(f"blocked by {', '.join(blockers)}")
    if not members:
        reasons.append("the partnership has no members yet")
    elif plan.rule == "consensus":
        if not_voted:
            reasons.append(f"not voted yet: {', '.join(not_voted)}")
        against = sorted(h for h, v in counted.items() if v.position == "disagree")
        if against:
            reasons.append(f"disagrees: {', '.join(against)}")
    elif plan.rule == "partners":
        agreeing = {members[h].partner for h, v in counted.items() if v.position == "agree"}
        with_members = {m.partner for m in members.values()}
        missing = sorted(code for code in partners if code in with_members and code not in agreeing)
        if missing:
            reasons.append(f"no agree vote yet from partner {', '.join(missing)}")
    elif plan.rule == "majority":
        needed = len(members) // 2 + 1
        if tally["agree"] < needed:
            reasons.append(f"{tally['agree']} of {len(members)} members agree; a majority needs {needed}")
    else:
        reasons.append(f"unknown decision rule {plan.rule!r}")
    return BuyIn(plan.rule, tally, not_voted, ok=not reasons, reasons=reasons)


# Each buy-in rule in plain words (the board and the CLI say it the same way).
RULE_WORDS = {
    "consensus": "every member votes; nobody disagrees or blocks",
    "partners": "at least one agree from every partner; nobody blocks",
    "majority": "more than half of all members agree; nobody blocks",
}

# Plan status moves: which statuses each action starts from.
PLAN_MOVES: dict[str, tuple[str, tuple[str, ...]]] = {
    "propose": ("proposed", ("draft",)),
    "activate": ("active", ("proposed",)),
    "complete": ("completed", ("active",)),
    "archive": ("archived", ("draft", "proposed", "active", "completed")),
    "unarchive": ("draft", ("archived",)),  # the store gives back the status it had before
}


def plan_move(plan: Plan, action: str, buyin: BuyIn | None = None) -> str:
    """The plan's new status for ``action``, or RuleError saying why not."""
    new_status, allowed_from = PLAN_MOVES[action]
    if plan.status not in allowed_from:
        hint = " (propose it first)" if action == "activate" and plan.status == "draft" else ""
        raise RuleError(f"{plan.label} is {plan.status}; cannot {action} it{hint}")
    if action == "activate" and buyin is not None and not buyin.ok:
        raise RuleError(f"{plan.label} cannot become active: {'; '.join(buyin.reasons)}")
    return new_status


# --- tasks ------------------------------------------------------------------


def parse_progress(spec: str, current: int) -> int:
    """``60`` sets, ``+10``/``-5`` move; the result of a move is clamped to 0-100."""
    s = spec.strip()
    relative = s[:1] in "+-" and len(s) > 1
    digits = s[1:] if relative else s
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 4:
        raise RuleError(f"progress {spec!r} is not a number; use e.g. 60, +10 or -5")
    value = int(digits)
    if relative:
        return max(0, min(100, current + (value if s[0] == "+" else -value)))
    if value > 100:
        raise RuleError(f"progress {value} is out of range; use 0 to 100")
    return value


def progress_changes(task: Task, progress: int) -> dict[str, Any]:
    """Field changes for setting a task's progress (100 marks it done)."""
    if not 0 <= progress <= 100:
        raise RuleError(f"progress {progress} is out of range; use 0 to 100")
    changes: dict[str, Any] = {"progress": progress}
    if progress == 100:
        changes["status"] = "done"
        changes["blocked_reason"] = ""
    elif task.status == "done":
        changes["status"] = "doing"
    elif task.status == "todo" and progress > 0:
        changes["status"] = "doing"
    return _only_changed(task, changes)


def status_changes(task: Task, status: str, reason: str | None = None) -> dict[str, Any]:
    """Field changes for moving a task to ``status`` (done sets 100; blocked needs a reason)."""
    if status not in TASK_STATUSES:
        raise RuleError(f"unknown task status {status!r}; use {', '.join(TASK_STATUSES)}")
    changes: dict[str, Any] = {"status": status}
    if status == "blocked":
        reason = (reason or "").strip() or (task.blocked_reason if task.status == "blocked" else "")
        if not reason:
            raise RuleError(f"{task.label}: say why it is blocked (--reason TEXT)")
        changes["blocked_reason"] = reason
    else:
        changes["blocked_reason"] = ""
    if status == "done":
        changes["progress"] = 100
    return _only_changed(task, changes)


def _only_changed(task: Task, changes: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in changes.items() if getattr(task, k) != v}


def stale_cutoff(now: datetime, days: int = 14) -> str:
    """The ISO UTC timestamp before which an open task counts as stale."""
    return (now - timedelta(days=days)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_stale(task: Task, cutoff: str) -> bool:
    """An open task whose last update is older than ``cutoff`` (see ``stale_cutoff``)."""
    return task.status != "done" and bool(task.updated_at) and task.updated_at < cutoff
