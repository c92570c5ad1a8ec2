"""``workplan status``: the morning summary a lead reads every day, as text and as JSON.

In the order a lead works through it: what is off track or at risk, with the reason (plans
and outcomes, worst first: model/forecast.py); what is mine (my open tasks, my missing votes);
each running plan (health, progress, buy-in, every outcome on its own line with its
health, task counts), the
closed ones folded into one line; what is due this week, as a list; what changed since
yesterday (or ``--since``); what needs attention (each partner with something outstanding,
in one line: model/commitments.py; overdue, blocked with the whole reason, and the stale ones as
a count with the five longest untouched, ``--all`` for every one; pledges behind or late;
follow-ups due). Nothing that matters is cut: long outcome lines and reasons wrap.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from workplan_tui.cli.commitments import due_words, match_health
from workplan_tui.cli.render import bar, cells, fit, money, outcome_line, task_line, width, wrap
from workplan_tui.model import commitments, contract, meetings, resources, rules
from workplan_tui.model.changes import Names, sentence
from workplan_tui.model.dates import days_until, format_due, short_date
from workplan_tui.model.forecast import HEALTH_WORDS
from workplan_tui.model.overview import (
    Attention,
    Concern,
    PlanFigures,
    attention,
    concerns,
    due_this_week,
    my_open_tasks,
    plan_figures,
)
from workplan_tui.model.records import CLOSED_PLAN_STATUSES, Activity, Milestone, Series, Task, Workplan
from workplan_tui.model.schedule import (
    DateProblem,
    MilestoneForecast,
    Ready,
    Schedule,
    became_ready,
    milestone_forecast,
    next_milestone,
    waiting_words,
)
from workplan_tui.model.text import clean, stamp

LIMIT = 10  # tasks listed in each part before "... and N more"
STALE_SHOWN = 5  # the longest untouched stale tasks listed without --all
CHANGES_SHOWN = 10


class Summary:
    """Everything the summary shows, worked out once for the text and the JSON."""

    def __init__(self, workplan: Workplan, me: str, now: datetime, today: date, *, everything: bool) -> None:
        self.workplan, self.me, self.today, self.everything = workplan, me, today, everything
        self.figures: list[PlanFigures] = plan_figures(workplan, today)
        self.concerns: list[Concern] = concerns(self.figures)
        limit = None if everything else LIMIT
        self.mine, self.mine_total = my_open_tasks(workplan, me, limit)
        self.attention: Attention = attention(workplan, self.figures, me, now, limit=limit)
        self.stale_shown = self.attention.stale if everything else self.attention.stale[:STALE_SHOWN]
        self.due = due_this_week(self.figures)
        self.running = [f for f in self.figures if f.plan.status not in CLOSED_PLAN_STATUSES]
        self.closed = [f for f in self.figures if f.plan.status in CLOSED_PLAN_STATUSES]
        self.sharing = resources.cost_sharing(workplan)
        self.match = resources.match_report(workplan)
        # Commitments that can be late (model/commitments.py): each partner's record, the pledges
        # behind or late, the follow-ups due (mine among them).
        self.records = commitments.partner_records(workplan, today, figures=self.figures)
        # Under "Needs attention": the partners late or behind on a date (a task, a pledge), each
        # in its one line; votes and norms missing are said in that line, but alone need no one.
        self.partners_behind = [r for r in self.records if r.health != "on_track"]
        self.late_pledges = commitments.late_pledges(workplan, today)
        self.followups_due = commitments.followups_due(workplan, today)
        self.my_followups = [f for f in self.followups_due if f.followup.by == me]
        self.next_meeting = meetings.next_meeting(workplan, now)
        self.debriefs = meetings.debriefs_owed(workplan, today)
        # work over time: what waits, dates that cannot work, milestones, recurring tasks
        self.schedule = Schedule(workplan)
        live = {f.plan.id for f in self.running}
        self.date_problems: list[DateProblem] = self.schedule.all_problems(today, live)
        self.waiting = sorted(
            (t for t in workplan.tasks.values() if t.plan in live and self.schedule.waiting(t)),
            key=lambda t: (t.due or "9999", t.id),
        )
        self.ready: list[Ready] = []  # my tasks whose last prerequisite was done since (set_changes)
        self.milestones: dict[int, tuple[Milestone, MilestoneForecast]] = {}
        for fig in self.running:
            found = next_milestone(workplan, fig.plan, today)
            if found is not None:
                self.milestones[fig.plan.id] = (found, milestone_forecast(found, workplan, today, self.schedule))
        self.series: dict[int, list[tuple[Series, Task | None]]] = {}
        for s in workplan.series.values():
            if s.status == "ended" or s.plan not in live:
                continue
            current = min(
                (t for t in workplan.tasks.values() if t.series == s.id and t.status != "done"),
                key=lambda t: t.id,
                default=None,
            )
            self.series.setdefault(s.plan, []).append((s, current))

    def may_become_ready(self) -> bool:
        """Whether one of my open tasks waits on another (only then are the changes read through)."""
        return any(t.waits_on and t.owner == self.me and t.status != "done" for t in self.workplan.tasks.values())

    def set_changes(self, changes: list[Activity]) -> None:
        """Read what the changes since the summary's day mean for me: my tasks ready to start."""
        self.ready = became_ready(self.workplan, changes, owner=self.me)


def text(summary: Summary, changes: list[Activity], since: date, *, more_changes: bool) -> str:
    """The summary for a terminal: at most ``render.width()`` cells a line."""
    s, wp, today = summary, summary.workplan, summary.today
    cols = width()
    p = wp.partnership
    head, day = f"{clean(p.name)} · stage: {p.stage}", f"{today:%a} {today.day} {today:%b %Y}"
    # narrow: the day on a line of its own, whole, under the name
    out = [f"{head} · {day}" if cells(f"{head} · {day}") <= cols else f"{wrap(head, cols)}\n  {day}"]
    if p.purpose:
        out.append(wrap(clean(p.purpose), cols))

    out += ["", *_concern_lines(s, cols)]
    out += ["", _mine_heading(s)]
    for task in s.mine:
        out.append(task_line(wp, task, _due_or_state(task, today), cols, _mark(task, today), owner=False))
    if s.mine_total > len(s.mine):
        out.append(f"  ... and {s.mine_total - len(s.mine)} more (workplan task list --owner {clean(s.me)})")
    for plan in s.attention.waiting_votes:
        closing = rules.closing_words(plan, today)
        out.append(
            fit(f"  ? {plan.label} {clean(plan.title)} waits for your vote{f' ({closing})' if closing else ''}", cols)
        )
    for ready in s.ready:
        out.append(fit(f"  → {clean(ready.words())}", cols))
    for due in s.my_followups:
        out.append(wrap(f"  ~ follow up again: {due_words(due, today)}", cols))

    if not s.figures:
        out += ["", "No plans yet: add one with 'workplan plan add TITLE'."]
    for fig in s.running:
        out += [""] + _plan_lines(fig, cols, s)
    if s.closed:
        folded = " · ".join(
            f"{f.plan.label} {clean(f.plan.title)} ({f.plan.status}, {HEALTH_WORDS[f.forecast.health]})"
            for f in s.closed
        )
        out += ["", wrap(f"Closed: {folded}", cols)]

    out += _resource_lines(s, cols)

    out += ["", f"Due this week ({len(s.due)})" if s.due else "Due this week: nothing."]
    for task in s.due[:LIMIT] if len(s.due) > LIMIT + 2 else s.due:
        out.append(task_line(wp, task, format_due(task.due, today=today, dated=True), cols, "•"))
    if len(s.due) > LIMIT + 2:
        out.append(f"  ... and {len(s.due) - LIMIT} more (workplan task list --sort due)")

    day = short_date(since, today=today)
    count = f"{len(changes)}{'+' if more_changes else ''}"
    out += ["", f"Changed since {day} ({count})" if changes else f"No changes since {day}."]
    names = Names(wp, today)
    for entry in changes if s.everything else changes[:CHANGES_SHOWN]:
        out.append(fit(f"  {stamp(entry.at)[5:16]}  {sentence(entry, names)}", cols))
    if not s.everything and (len(changes) > CHANGES_SHOWN or more_changes):
        out.append(f"  ... and more (workplan log --since {since.isoformat()})")

    out += _meeting_lines(s, cols)
    out += ["", *_attention_lines(s, cols)]
    return "\n".join(fit(line, cols) if "\n" not in line else line for line in out)


def _resource_lines(s: Summary, cols: int) -> list[str]:
    """Resources: pledged against delivered for the whole partnership, and each recipient's match."""
    total = s.sharing.total
    if not total.count and not s.match:
        return []
    currency = s.workplan.partnership.currency
    lines = [""]
    if total.count:
        givers = sum(1 for share in s.sharing.partners if share.total.count)
        unvalued = f" ({total.unvalued} not valued)" if total.unvalued else ""
        lines.append(
            wrap(
                f"Resources: {money(total.pledged, currency)} pledged by {givers} partner{'s' if givers != 1 else ''}, "
                f"{money(total.delivered, currency)} delivered{unvalued}",
                cols,
            )
        )
        if total.percent is not None:
            lines.append(f"   {bar(total.percent)} {total.percent:3.0f}% delivered")
    for line in s.match:
        labels = ", ".join(g.label for g in line.grants)
        short = f" · {money(line.shortfall, currency)} still to pledge" if line.shortfall > 0 else ""
        lines.append(
            wrap(
                f"Match for {clean(line.recipient)} ({labels}): {money(line.required, currency)} required · "
                f"{money(line.total.pledged, currency)} pledged · {money(line.total.delivered, currency)} delivered"
                f"{short}",
                cols,
            )
        )
        if line.delivered_percent is not None:
            lines.append(f"   {bar(line.delivered_percent)} {line.delivered_percent:3.0f}% delivered")
        for g in line.grants:  # by its deadline: at risk, late, or on track (grant list says the same)
            lines.append(wrap(f"   {g.label} {match_health(s.workplan, g, s.today)}", cols))
    return lines


def _meeting_lines(s: Summary, cols: int) -> list[str]:
    """The next meeting (and my part in it), then every debrief owed (mine marked), soonest due
    first: the norm says a member who missed a meeting is debriefed within a week."""
    m = s.next_meeting
    if m is None and not s.debriefs:
        return []
    lines = [""]
    if m is not None:
        part = {m.facilitator: "you facilitate", m.alternate: "you are the alternate"}.get(s.me, "")
        part = part or ("no facilitator or alternate yet" if meetings.flags(m, s.workplan.members) else "")
        lines.append(
            wrap(
                f"Next meeting: {m.label} {clean(m.title)} · {meetings.when_text(m, s.today)}"
                + (f" · {part}" if part else ""),
                cols,
            )
        )
    if s.debriefs:
        overdue = sum(1 for d in s.debriefs if d.overdue)
        lines.append(f"Debriefs owed ({len(s.debriefs)}{f', {overdue} overdue' if overdue else ''})")
        for owed in s.debriefs:
            mark = "!" if owed.overdue else ("*" if owed.entry.member == s.me else "•")
            lines.append(wrap(f"  {mark} {owed.words(s.today)}", cols))
    return lines


def _mine_heading(s: Summary) -> str:
    me = clean(s.me)
    if s.me not in s.workplan.members:
        return f"Mine ({me}): not a member of this partnership."
    votes = len(s.attention.waiting_votes)
    parts = [f"{s.mine_total} open task{'s' if s.mine_total != 1 else ''}"]
    if votes:
        parts.append(f"{votes} vote{'s' if votes != 1 else ''} to cast")
    if s.my_followups:
        n = len(s.my_followups)
        parts.append(f"{n} follow-up{'s' if n != 1 else ''} due")
    return f"Mine ({me}): " + ", ".join(parts)


def _mark(task: Task, today: date) -> str:
    if task.status == "blocked":
        return "x"
    if rules.is_overdue(task, today.isoformat()):
        return "!"
    days = days_until(task.due, today=today)  # None for a date a hand edit made up (2026-13-01)
    return "•" if days is not None and days <= 7 else " "


def _due_or_state(task: Task, today: date) -> str:
    due = format_due(task.due, today=today) if task.due else "no due date"
    return f"{task.status} {task.progress}% · {due}"


def _concern_lines(s: Summary, cols: int) -> list[str]:
    """Off track / at risk: each plan and outcome with its reason, worst first."""
    if not s.concerns:
        judged = any(f.forecast.health != "no_data" for f in s.running)
        return [
            "Off track / at risk: none." if judged or not s.running else "Off track / at risk: nothing to judge yet."
        ]
    lines = [f"Off track / at risk ({len(s.concerns)})"]
    for c in s.concerns:
        of_plan = f" ({c.plan.label})" if c.outcome is not None else ""
        lines.append(
            wrap(f"  {HEALTH_WORDS[c.health]:<9}  {c.label} {clean(c.name)}{of_plan}: {clean(c.reason)}", cols)
        )
    return lines


def _plan_lines(fig: PlanFigures, cols: int, s: Summary | None = None) -> list[str]:
    plan = fig.plan
    lines = [
        fit(f"{plan.label} {clean(plan.title)}  [{plan.status}] · {HEALTH_WORDS[fig.forecast.health]}", cols),
        wrap(f"   {bar(fig.progress)} {fig.progress:3.0f}%  {fig.buyin.summary()}", cols),
    ]
    if fig.closing:
        lines.append(wrap(f"   {clean(fig.closing_text())}", cols))
    if fig.outcomes:
        lines.append("   outcomes:")
        lines += [
            wrap(f"     {outcome_line(o)} · {HEALTH_WORDS[fig.outcome_forecasts[o.id].health]}", cols)
            for o in fig.outcomes
        ]
    waiting = sum(1 for t in s.waiting if t.plan == plan.id) if s is not None else 0
    lines.append(
        wrap(
            f"   tasks: {len(fig.tasks)} ({fig.done} done) · {len(fig.overdue)} overdue · "
            f"{len(fig.blocked)} blocked · {waiting} waiting · {len(fig.due_this_week)} due this week",
            cols,
        )
    )
    if s is None:
        return lines
    if plan.id in s.milestones:
        m, f = s.milestones[plan.id]
        when = format_due(m.due, today=s.today, dated=True).removeprefix("due ")
        lines.append(wrap(f"   next milestone: {m.label} {clean(m.name)}, {when}: {f.words} ({clean(f.reason)})", cols))
    for series, current in s.series.get(plan.id, []):
        from workplan_tui.model.recurrence import words

        title = f"{current.label} {clean(current.title)}" if current else "no instance open"
        # ', due in 13 days, Sun 20 Dec' or ', 8 days overdue, Fri 20 Nov' (not 'due 8 days overdue')
        due = f", {format_due(current.due, today=s.today, dated=True)}" if current and current.due else ""
        paused = " (paused)" if series.status == "paused" else ""
        lines.append(wrap(f"   repeats: {title} {words(series.every)}{paused}{due}", cols))
    return lines


def _attention_lines(s: Summary, cols: int) -> list[str]:
    att, wp, today = s.attention, s.workplan, s.today
    totals = att.totals
    partners = s.partners_behind
    if not (
        totals["overdue"] or totals["blocked"] or totals["stale"] or s.late_pledges or s.followups_due or partners
        or s.date_problems or s.waiting
    ):  # fmt: skip
        if s.concerns:  # "All clear" under "Off track" above would contradict it
            return ["Needs attention: no task is overdue, blocked or stale."]
        return ["Needs attention: nothing. All clear."]
    lines = ["Needs attention"]
    currency = wp.partnership.currency
    if partners:
        lines.append(f"  Partners ({len(partners)})")
        lines += [wrap(f"    {r.summary(currency)}", cols) for r in partners]
    if s.date_problems:
        lines.append(f"  Dates that cannot work ({len(s.date_problems)})")
        problems = s.date_problems if s.everything else s.date_problems[:LIMIT]
        lines += [wrap(f"  ✗ {clean(p.text)}", cols) for p in problems]
        if len(s.date_problems) > len(problems):
            lines.append(f"  ... and {len(s.date_problems) - len(problems)} more (workplan status --all)")
    if s.waiting:
        lines.append(f"  Waiting on another task ({len(s.waiting)})")
        shown_waiting = s.waiting if s.everything else s.waiting[:LIMIT]
        for t in shown_waiting:
            words = waiting_words(t, wp.tasks, wp.members, today, brief=True) or ""
            lines.append(task_line(wp, t, words, cols, "~"))
        if len(s.waiting) > len(shown_waiting):
            lines.append(f"  ... and {len(s.waiting) - len(shown_waiting)} more (workplan task list --waiting)")
    if totals["overdue"]:
        lines.append(f"  Overdue ({totals['overdue']})")
        lines += [task_line(wp, t, format_due(t.due, today=today), cols, "!") for t in att.overdue]
        if totals["overdue"] > len(att.overdue):
            lines.append(f"  ... and {totals['overdue'] - len(att.overdue)} more (workplan task list --overdue)")
    if totals["blocked"]:
        lines.append(f"  Blocked ({totals['blocked']})")
        for t in att.blocked:
            lines.append(task_line(wp, t, format_due(t.due, today=today) if t.due else "", cols, "x"))
            lines.append(wrap(f"           because: {clean(t.blocked_reason) or '(no reason given)'}", cols))
        if totals["blocked"] > len(att.blocked):
            more = totals["blocked"] - len(att.blocked)
            lines.append(f"  ... and {more} more (workplan task list --status blocked)")
    if totals["stale"]:
        shown = s.stale_shown
        oldest = "" if len(shown) == totals["stale"] else f"; the {len(shown)} longest untouched:"
        lines.append(f"  Stale: {totals['stale']} with no update for 14+ days{oldest}")
        for t in shown:
            ago = days_until(t.updated_at[:10], today=today)
            last = f"last update {-ago} days ago" if ago is not None else f"last update {clean(t.updated_at[:10])}"
            lines.append(task_line(wp, t, last, cols, "~"))
        if totals["stale"] > len(shown):
            lines.append("  (every one: workplan status --all)")
    if s.late_pledges:
        lines.append(f"  Pledges behind or late ({len(s.late_pledges)})")
        for partner, line in s.late_pledges:
            c = line.contribution
            name = commitments.pledge_name(partner.code, line.number)
            mark = "!" if line.status.health == "off_track" else "•"
            lines.append(wrap(f"  {mark} {clean(name)} {c.kind} {clean(c.description)}: {line.status.words}", cols))
            lines.append(wrap(f"           {clean(line.status.reason)}", cols))
    if s.followups_due:
        lines.append(f"  Follow-ups due ({len(s.followups_due)})")
        lines += [wrap(f"  ~ {due_words(due, today)}", cols) for due in s.followups_due]
    return lines


# --- JSON -------------------------------------------------------------------------------------


def as_json(summary: Summary, changes: list[Activity], since: date) -> dict[str, Any]:
    """The summary for scripts, in the JSON contract (model/contract.py): whole records, so a
    cron mail needs no second lookup. Lists are whole (``status --json`` cuts nothing)."""
    s, wp = summary, summary.workplan
    att = s.attention
    p = wp.partnership
    return {
        "partnership": contract.partnership(p),
        "date": s.today.isoformat(),
        "member": s.me,
        "mine": {
            "tasks": [contract.of("tasks", t) for t in s.mine],
            "waiting_for_my_vote": [contract.of("plans", p) for p in att.waiting_votes],
            "ready_to_start": [
                {
                    "task": contract.of("tasks", r.task),
                    "prerequisite": contract.of("tasks", r.prerequisite),
                    "by": r.by,
                    "at": r.at,
                }
                for r in s.ready
            ],
        },
        "off_track_at_risk": [_concern_json(c) for c in s.concerns],
        "plans": [_plan_json(f, s) for f in s.figures],
        "due_this_week": [contract.of("tasks", t) for t in s.due],
        "changed": {"since": since.isoformat(), "entries": [contract.of("activity", a) for a in changes]},
        "needs_attention": {
            "overdue": [contract.of("tasks", t) for t in att.overdue],
            "blocked": [contract.of("tasks", t) for t in att.blocked],
            "stale": [contract.of("tasks", t) for t in att.stale],
            "waiting_for_my_vote": [contract.of("plans", p) for p in att.waiting_votes],
            "waiting": [contract.of("tasks", t) for t in s.waiting],
            "date_problems": [{"task": p.task.label, "with": p.other, "text": p.text} for p in s.date_problems],
            "partners": [
                {"code": r.partner.code, "summary": r.outstanding(p.currency), "health": r.health}
                for r in s.partners_behind
            ],
            "late_pledges": [
                {
                    "partner": partner.code,
                    "number": line.number,
                    "kind": line.contribution.kind,
                    "description": line.contribution.description,
                    **line.status.as_json(),
                }
                for partner, line in s.late_pledges
            ],
            "followups_due": [_due_json(due) for due in s.followups_due],
        },
        "resources": resources.resources_json(wp),
        "meetings": {
            "next": contract.of("meetings", s.next_meeting) if s.next_meeting is not None else None,
            "debriefs_owed": [debrief_json(d) for d in s.debriefs],
        },
    }


def debrief_json(owed: meetings.OwedDebrief) -> dict[str, Any]:
    """A debrief owed, as scripts see it (``#/$defs/debrief_owed``)."""
    return {
        "meeting": owed.meeting.label,
        "member": owed.entry.member,
        "due": owed.due or None,
        "overdue": owed.overdue,
    }


def _due_json(due: commitments.FollowUpDue) -> dict[str, Any]:
    """A follow-up due, for scripts: what it is about and the follow-up itself."""
    return {
        "subject": due.subject.name,
        "title": due.subject.title,
        "partner": due.subject.partner or None,
        **contract.of_nested(due.followup),
    }


def _concern_json(c: Concern) -> dict[str, Any]:
    return {
        "id": c.label,
        "name": c.name,
        "plan": c.plan.label,
        "health": c.health,
        "reason": c.reason,
    }


def _plan_json(f: PlanFigures, s: Summary) -> dict[str, Any]:
    milestone = s.milestones.get(f.plan.id)
    return {
        **contract.of("plans", f.plan),
        "progress": round(f.progress, 1),
        "forecast": f.forecast.as_json(),
        "buy_in": {
            "rule": f.buyin.rule,
            "tally": f.buyin.tally,
            "not_voted": f.buyin.not_voted,
            "may_activate": f.buyin.ok,
            "missing": f.buyin.reasons,
        },
        "outcomes": [
            {
                **contract.of("outcomes", o),
                "progress": round(rules.outcome_progress(o.baseline, o.target, o.current), 1),
                "forecast": f.outcome_forecasts[o.id].as_json(),
            }
            for o in f.outcomes
        ],
        "tasks": len(f.tasks),
        "done": f.done,
        "overdue": len(f.overdue),
        "blocked": len(f.blocked),
        "due_this_week": len(f.due_this_week),
        "waiting": sum(1 for t in s.waiting if t.plan == f.plan.id),
        "next_milestone": None
        if milestone is None
        else {
            **contract.of("milestones", milestone[0]),
            "forecast": {
                "health": milestone[1].health,
                "reason": milestone[1].reason,
                "open_tasks": [t.label for t in milestone[1].open_tasks],
                "open_outcomes": [o.label for o in milestone[1].open_outcomes],
            },
        },
    }
