"""What a meeting report says, worked out once for its Markdown and its JSON.

For the partnership's meeting: are we on track (each running plan and its outcomes with
their health, the reason and the figures behind it: model/forecast.py), the decisions it
needs (plans waiting for buy-in and what is missing), each outcome with its change since
the last meeting, the tasks done since, what needs attention (overdue, blocked, stale; pledges
behind or late; follow-ups due), who is behind, each partner's record (model/commitments.py),
resources and match (each grant's by its deadline), and the norms. ``--plan`` narrows the plan parts to
one plan; resources and norms are the partnership's.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from workplan_tui.model import commitments, contract, resources, rules
from workplan_tui.model.forecast import Forecast
from workplan_tui.model.overview import Attention, Load, PlanFigures, attention, member_loads, plan_figures
from workplan_tui.model.records import (
    CLOSED_PLAN_STATUSES,
    UNDECIDED_PLAN_STATUSES,
    Activity,
    Milestone,
    Norm,
    Outcome,
    Partner,
    Plan,
    Task,
    Workplan,
    id_of_label,
    table_named,
)
from workplan_tui.model.schedule import DateProblem, MilestoneForecast, Schedule, milestone_forecast
from workplan_tui.model.text import stamp
from workplan_tui.store.storage import StoreError
from workplan_tui.store.store import Store


@dataclass(slots=True)
class OutcomeChange:
    outcome: Outcome
    plan: Plan
    progress: float
    before: float  # the value at the start of the period: the last check-in before it, else the baseline
    checkins: int  # check-ins during the period
    forecast: Forecast  # where it is heading (model/forecast.py)

    @property
    def change(self) -> float:
        return self.outcome.current - self.before


@dataclass(slots=True)
class Report:
    workplan: Workplan
    today: date
    since: date
    plan: Plan | None
    on_track: list[PlanFigures]  # the plans "Are we on track?" covers: the running ones (or the one asked for)
    decisions: list[PlanFigures]
    outcomes: list[OutcomeChange]
    done: list[Task]
    attention: Attention
    behind: list[Load]
    sharing: resources.CostSharing
    grants: list[resources.GrantMatch]
    match: list[resources.RecipientMatch]
    norms: list[tuple[Norm, rules.NormState]]
    # Commitments that can be late (model/commitments.py): each partner's record, the pledges behind
    # or late, the follow-ups due, each grant's match by its deadline (by grant id).
    partners: list[commitments.PartnerRecord] = field(default_factory=list)
    late_pledges: list[tuple[Partner, commitments.PledgeLine]] = field(default_factory=list)
    followups_due: list[commitments.FollowUpDue] = field(default_factory=list)
    match_status: dict[int, commitments.MatchStatus] = field(default_factory=dict)
    log_readable: bool = True
    # Work over time: the plans' milestones with their forecasts, and dates that cannot work.
    milestones: list[tuple[Milestone, MilestoneForecast]] = field(default_factory=list)
    date_problems: list[DateProblem] = field(default_factory=list)

    @property
    def currency(self) -> str | None:
        return self.workplan.partnership.currency


def build(store: Store, *, today: date, now: datetime, since: date, plan_id: int | None = None) -> Report:
    """The report on ``store``'s partnership as it stands, for a meeting on ``today``.

    Reads the log back to ``since`` only (what was done since), and the newest megabyte of
    it for each member's latest change. Raises StoreError (no such plan: RuleError).
    """
    workplan = store.read()
    plan = None
    if plan_id is not None:
        plan = workplan.plans.get(plan_id)
        if plan is None:
            raise rules.RuleError(f"no plan P{plan_id}; see 'workplan plan list'")
    figures = [f for f in plan_figures(workplan, today) if plan is None or f.plan.id == plan.id]
    in_scope = {f.plan.id for f in figures}
    on_track = [f for f in figures if f.plan.status not in CLOSED_PLAN_STATUSES or plan is not None]
    decisions = [f for f in figures if f.plan.status in UNDECIDED_PLAN_STATUSES]
    log_readable = True
    try:
        recent = _since(store, since)
    except StoreError:
        recent, log_readable = [], False
    outcomes = [
        _outcome_change(o, workplan.plans[o.plan], since, f.outcome_forecasts[o.id])
        for f in figures
        if f.plan.status not in CLOSED_PLAN_STATUSES or f.plan.id == (plan.id if plan else None)
        for o in f.outcomes
    ]
    done = _done_since(workplan, recent, in_scope)
    if not log_readable:  # without the log, a task's last change is the best we know
        done = [
            t
            for t in workplan.tasks.values()
            if t.plan in in_scope and t.status == "done" and stamp(t.updated_at)[:10] >= since.isoformat()
        ]
    whole = attention(workplan, figures, "", now)
    try:
        last, _ = store.history().last_by_member(workplan.members)
    except StoreError:
        last = {}
    loads = [load for load in member_loads(workplan, figures, now, last) if load.behind]
    every = (
        plan_figures(workplan, today) if plan is not None else figures
    )  # a partner's record is the whole partnership's
    behind = sorted(loads, key=lambda b: (-len(b.overdue), -len(b.blocked), -len(b.stale), b.member.handle))
    schedule = Schedule(workplan)
    running = {f.plan.id for f in figures if f.plan.status not in CLOSED_PLAN_STATUSES}
    milestones = [
        (m, milestone_forecast(m, workplan, today, schedule))
        for m in sorted(workplan.milestones.values(), key=lambda m: (m.due, m.id))
        if m.plan in in_scope
    ]
    return Report(
        workplan=workplan,
        today=today,
        since=since,
        plan=plan,
        on_track=on_track,
        decisions=decisions,
        outcomes=outcomes,
        done=done,
        attention=whole,
        behind=behind,
        sharing=resources.cost_sharing(workplan),
        grants=[resources.grant_match(workplan, g) for g in workplan.grants.values()],
        match=resources.match_report(workplan),
        norms=[(n, rules.norm_state(n, workplan.members)) for n in workplan.norms.values()],
        partners=commitments.partner_records(workplan, today, figures=every, logged=last),
        late_pledges=commitments.late_pledges(workplan, today),
        followups_due=commitments.followups_due(workplan, today),
        match_status={g.id: commitments.grant_status(workplan, g, today) for g in workplan.grants.values()},
        log_readable=log_readable,
        milestones=milestones,
        date_problems=schedule.all_problems(today, running),
    )


def _since(store: Store, since: date) -> list[Activity]:
    """Log entries from the local day ``since`` on, newest first."""
    found = []
    for entry in store.history().newest():
        if stamp(entry.at)[:10] < since.isoformat():
            break
        found.append(entry)
    return found


def _outcome_change(outcome: Outcome, plan: Plan, since: date, forecast: Forecast) -> OutcomeChange:
    before, during = outcome.baseline, 0
    for checkin in outcome.checkins:
        if stamp(checkin.at)[:10] < since.isoformat():
            before = checkin.value
        else:
            during += 1
    progress = rules.outcome_progress(outcome.baseline, outcome.target, outcome.current)
    return OutcomeChange(outcome, plan, progress, before, during, forecast)


def _done_since(workplan: Workplan, recent: list[Activity], plans: set[int]) -> list[Task]:
    """Tasks (of ``plans``) that became done since: a logged change of status to done, the
    task still done now. Oldest first."""
    seen: dict[int, None] = {}
    for entry in reversed(recent):
        pair = entry.changes.get("status")
        parsed = id_of_label(entry.record)
        if isinstance(pair, list) and len(pair) == 2 and pair[1] == "done" and table_named(entry.record) == "tasks":
            assert parsed is not None  # a task's label
            seen[parsed[1]] = None
    tasks = [workplan.tasks.get(task_id) for task_id in seen]
    return [t for t in tasks if t is not None and t.status == "done" and t.plan in plans]


# --- JSON -----------------------------------------------------------------------------------------


def as_json(report: Report) -> dict[str, Any]:
    """The report for scripts, in the JSON contract: whole records, references as labels."""
    wp = report.workplan
    return {
        "partnership": contract.partnership(wp.partnership),
        "date": report.today.isoformat(),
        "since": report.since.isoformat(),
        "plan": report.plan.label if report.plan else None,
        "on_track": [
            {
                "plan": f.plan.label,
                "title": f.plan.title,
                "start": f.plan.start,
                "end": f.plan.end,
                "forecast": f.forecast.as_json(),
                "outcomes": [
                    {"id": o.label, "name": o.name, "due": o.due, "forecast": f.outcome_forecasts[o.id].as_json()}
                    for o in f.outcomes
                ],
            }
            for f in report.on_track
        ],
        "decisions": [
            {
                **contract.of("plans", f.plan),
                "buy_in": {
                    "rule": f.buyin.rule,
                    "tally": f.buyin.tally,
                    "not_voted": f.buyin.not_voted,
                    "may_activate": f.buyin.ok,
                    "missing": f.buyin.reasons,
                },
            }
            for f in report.decisions
        ],
        "outcomes": [
            {
                **contract.of("outcomes", c.outcome),
                "progress": round(c.progress, 1),
                "value_at_since": c.before,
                "change": resources.as_number(c.change),
                "checkins_since": c.checkins,
                "forecast": c.forecast.as_json(),
            }
            for c in report.outcomes
        ],
        "milestones": [
            {
                **contract.of("milestones", m),
                "forecast": {
                    "health": f.health,
                    "reason": f.reason,
                    "open_tasks": [t.label for t in f.open_tasks],
                    "open_outcomes": [o.label for o in f.open_outcomes],
                },
            }
            for m, f in report.milestones
        ],
        "date_problems": [{"task": p.task.label, "with": p.other, "text": p.text} for p in report.date_problems],
        "done": [contract.of("tasks", t) for t in report.done],
        "needs_attention": {
            "overdue": [contract.of("tasks", t) for t in report.attention.overdue],
            "blocked": [contract.of("tasks", t) for t in report.attention.blocked],
            "stale": [contract.of("tasks", t) for t in report.attention.stale],
            "late_pledges": [
                {
                    "partner": partner.code,
                    "number": line.number,
                    "kind": line.contribution.kind,
                    "description": line.contribution.description,
                    **line.status.as_json(),
                }
                for partner, line in report.late_pledges
            ],
            "followups_due": [
                {
                    "subject": due.subject.name,
                    "title": due.subject.title,
                    "partner": due.subject.partner or None,
                    **contract.of_nested(due.followup),
                }
                for due in report.followups_due
            ],
        },
        "partners": [commitments.record_json(r, wp.partnership.currency) for r in report.partners],
        "behind": [
            {
                "member": b.member.handle,
                "partner": b.member.partner,
                "open": b.open,
                "overdue": [t.label for t in b.overdue],
                "blocked": [t.label for t in b.blocked],
                "stale": [t.label for t in b.stale],
                "last_change": b.last_change or None,
            }
            for b in report.behind
        ],
        "resources": resources.resources_json(wp),
        "grants": [
            {
                **contract.of("grants", g.grant),
                "required": resources.as_number(g.required),
                "pledged": resources.as_number(g.total.pledged),
                "delivered": resources.as_number(g.total.delivered),
                "by_kind": {kind: t.as_json() for kind, t in g.kinds.items()},
                "match_status": report.match_status[g.grant.id].as_json(),
            }
            for g in report.grants
        ],
        "norms": [
            {**contract.of("norms", n), "in_force": s.in_force, "waiting_for": s.waiting} for n, s in report.norms
        ],
    }


# --- the board's "Meeting report" ------------------------------------------------------------------


def write_beside(store: Store, text: str, today: date, name: str | None = None) -> Path:
    """Write a Markdown report beside the partnership file (``NAME-report-YYYY-MM-DD.md``, or
    ``name``.md: a meeting's minutes), where the other members find it; when that folder is not
    writable for me, in my current folder. A report of the same day is replaced (it is the same
    meeting's, brought up to date); one another member wrote and I cannot replace gets my handle
    in its name. Returns where it went; OSError when nowhere would take it."""
    name = name or f"{store.path.stem}-report-{today.isoformat()}"
    folders = [store.path.parent, Path.cwd()]
    problem: OSError | None = None
    for folder in dict.fromkeys(folders):
        for candidate in (folder / f"{name}.md", folder / f"{name}-{store.user}.md"):
            if candidate.exists() and not os.access(candidate, os.W_OK):
                continue
            try:
                _write_atomic(candidate, text.encode("utf-8"))
            except OSError as exc:
                problem = exc
                break  # this folder will not take it: try the next
            return candidate
    raise problem or PermissionError(f"cannot write {name}.md beside {store.path} or here")


def _write_atomic(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload`` whole (a temporary file in the same folder, renamed)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
