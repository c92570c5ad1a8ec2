"""One table of the partnership as CSV (``workplan export --format csv --table T``).

A header row, then one row per record; UTF-8 with a byte-order mark (so Excel reads the
accents) and CRLF line ends (RFC 4180). Text cells go through ``cells.text_cell``: no
control characters, never a formula. Ids and references are labels (T12, P1), dates ISO,
times UTC with Z, as in the JSON contract. The tasks table is what ``workplan import``
reads back: export it, import it into another file, and the same tasks come back.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable

from workplan_tui.exchange.cells import number_cell, text_cell
from workplan_tui.model import commitments, contract, dates, forecast, resources, rules
from workplan_tui.model.records import FollowUp, Task, Workplan, label
from workplan_tui.model.text import clean
from workplan_tui.store.store import Store

Row = list[str]

COLUMNS: dict[str, list[str]] = {
    "tasks": [
        "id", "plan", "title", "owner", "status", "progress", "start", "due", "outcome", "outcome_name",
        "blocked_reason", "notes", "waits_on", "repeats", "created_at", "updated_at", "health", "health_reason",
    ],  # "health_reason", not "reason": an import reads a "reason" column as the reason a task is blocked
    "outcomes": [
        "id", "plan", "name", "unit", "baseline", "target", "current", "progress", "start", "due",
        "health", "reason", "expected", "projected", "pace_per_week", "needed_per_week", "lead",
    ],
    "checkins": ["outcome", "outcome_name", "value", "by", "at", "note", "confidence"],
    "plans": [
        "id", "title", "status", "rule", "start", "end", "progress", "health", "reason", "expected_progress",
        "open_tasks", "overdue_tasks", "tasks_after_end", "closing_per_week", "needed_per_week", "finish_by",
        "lead",
    ],
    "votes": ["id", "plan", "member", "position", "comment", "at"],
    "activity": ["id", "at", "member", "os_user", "kind", "record", "changes", "undoes"],
    "contributions": [
        "partner", "number", "kind", "description", "amount", "hours", "rate", "value", "delivered", "grant",
        "due", "schedule", "expected", "health", "reason",
    ],
    "deliveries": ["partner", "contribution", "kind", "amount", "hours", "on", "by", "at", "note", "late"],
    "grants": [
        "id", "name", "funder", "recipient", "amount", "match", "required", "pledged", "delivered",
        "start", "end", "match_by", "deadline", "delivered_by_deadline", "health", "reason",
    ],
    "followups": [
        "subject", "title", "partner", "on", "by", "who", "whom", "agreed", "new_date", "was", "deferred", "at",
    ],
    "milestones": ["id", "plan", "name", "due", "tasks", "outcomes", "health", "reason"],
    "meetings": [
        "id", "title", "day", "time", "duration", "place", "facilitator", "alternate", "agenda_items",
        "present", "apologies", "absent", "represented", "decisions", "action_items", "notes",
    ],
    "attendance": [
        "meeting", "day", "member", "status", "apologies_sent", "in_advance", "represented_by", "debrief_due",
        "debriefed_by", "debriefed_at",
    ],
    "decisions": ["meeting", "day", "number", "text", "about", "by", "at"],
}  # fmt: skip
TABLES = tuple(COLUMNS)


def _tasks(wp: Workplan, owner: str | None) -> Iterable[Row]:
    """Each task as stored, with its health today and why (model/schedule.task_health)."""
    from workplan_tui.model.schedule import task_health

    today = dates.today()
    for t in wp.tasks.values():
        if owner is not None and t.owner != owner:
            continue
        health, why = task_health(t, wp, today)
        yield [
            t.label,
            label("plans", t.plan),
            text_cell(t.title),
            text_cell(t.owner),
            t.status,
            number_cell(t.progress),
            text_cell(t.start),
            text_cell(t.due),
            label("outcomes", t.outcome) if t.outcome is not None else "",
            text_cell(wp.outcomes[t.outcome].name) if t.outcome in wp.outcomes else "",
            text_cell(t.blocked_reason),
            text_cell(t.notes, multiline=True),
            text_cell(_waits_cell(wp, t)),
            text_cell(wp.series[t.series].every if t.series in wp.series else ""),
            text_cell(t.created_at),
            text_cell(t.updated_at),
            health,
            text_cell(why),
        ]


def _waits_cell(wp: Workplan, t: Task) -> str:
    """The tasks ``t`` waits on as ``workplan import`` reads them back: 'T9 Build beds; T10 Water'
    (its id in this file, its title in another)."""
    return "; ".join(f"{label('tasks', i)} {clean(wp.tasks[i].title)}" if i in wp.tasks else label("tasks", i)
                     for i in t.waits_on)  # fmt: skip


def _milestones(wp: Workplan, owner: str | None) -> Iterable[Row]:
    from workplan_tui.model.dates import today
    from workplan_tui.model.schedule import Schedule, milestone_forecast

    schedule = Schedule(wp)
    for m in sorted(wp.milestones.values(), key=lambda m: (m.due, m.id)):
        f = milestone_forecast(m, wp, today(), schedule)
        yield [
            m.label,
            label("plans", m.plan),
            text_cell(m.name),
            text_cell(m.due),
            " ".join(label("tasks", t) for t in m.tasks),
            " ".join(label("outcomes", o) for o in m.outcomes),
            f.health,
            text_cell(f.reason),
        ]


def _outcomes(wp: Workplan, owner: str | None) -> Iterable[Row]:
    """Each outcome with its forecast today (model/forecast.py): health, reason and the figures."""
    today = dates.today()
    for o in wp.outcomes.values():
        progress = rules.outcome_progress(o.baseline, o.target, o.current)
        f = forecast.of_outcome(o, wp.plans.get(o.plan), today)
        yield [
            o.label,
            label("plans", o.plan),
            text_cell(o.name),
            text_cell(o.unit),
            number_cell(o.baseline),
            number_cell(o.target),
            number_cell(o.current),
            number_cell(round(progress, 1)),
            text_cell(o.start),
            text_cell(o.due),
            f.health,
            text_cell(f.reason),
            *(number_cell(_rounded(v)) for v in (f.expected, f.projected, f.pace_per_week, f.needed_per_week)),
            text_cell(o.lead),
        ]


def _plans(wp: Workplan, owner: str | None) -> Iterable[Row]:
    """Each plan with its forecast today (model/forecast.py)."""
    from workplan_tui.model.overview import plan_figures

    for fig in plan_figures(wp, dates.today()):
        p, f = fig.plan, fig.forecast
        yield [
            p.label,
            text_cell(p.title),
            p.status,
            p.rule,
            text_cell(p.start),
            text_cell(p.end),
            number_cell(round(fig.progress, 1)),
            f.health,
            text_cell(f.reason),
            number_cell(_rounded(f.expected_progress)),
            str(f.open_tasks),
            str(f.overdue_tasks),
            str(f.tasks_after_end),
            number_cell(_rounded(f.closing_per_week)),
            number_cell(_rounded(f.needed_per_week)),
            f.finish_by.isoformat() if f.finish_by else "",
            text_cell(p.lead),
        ]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _checkins(wp: Workplan, owner: str | None) -> Iterable[Row]:
    for o in wp.outcomes.values():
        for c in o.checkins:
            yield [
                o.label,
                text_cell(o.name),
                number_cell(c.value),
                text_cell(c.by),
                text_cell(c.at),
                text_cell(c.note),
                text_cell(c.confidence),
            ]


def _votes(wp: Workplan, owner: str | None) -> Iterable[Row]:
    for v in sorted(wp.votes, key=lambda v: v.id):
        yield [label("votes", v.id), label("plans", v.plan), text_cell(v.member), v.position, text_cell(v.comment),
               text_cell(v.at)]  # fmt: skip


def _contributions(wp: Workplan, owner: str | None) -> Iterable[Row]:
    """Each pledge with its dates and its health today (model/commitments.py)."""
    today = dates.today()
    for p in wp.partners.values():
        for number, c in enumerate(p.contributions, 1):
            status = commitments.of_pledge(wp, c, today)
            yield [
                text_cell(p.code),
                str(number),
                c.kind,
                text_cell(c.description),
                number_cell(c.amount),
                number_cell(c.hours),
                number_cell(c.rate),
                number_cell(c.value),
                number_cell(resources.as_number(c.delivered)),
                label("grants", c.grant) if c.grant is not None else "",
                text_cell(c.due),
                text_cell(commitments.when_text(c) if c.schedule is not None else ""),
                number_cell(resources.as_number(status.expected)) if c.value is not None else "",
                status.health,
                text_cell(status.reason),
            ]


def _deliveries(wp: Workplan, owner: str | None) -> Iterable[Row]:
    """Each delivery; ``late``: dated after the match deadline of the grant its pledge counts towards."""
    for p in wp.partners.values():
        for number, c in enumerate(p.contributions, 1):
            deadline = commitments.grant_deadline(wp.grants.get(c.grant)) if c.grant is not None else None
            for d in c.deliveries:
                late = "yes" if deadline is not None and d.on > deadline.isoformat() else ""
                yield [text_cell(p.code), str(number), c.kind, number_cell(d.amount), number_cell(d.hours),
                       text_cell(d.on), text_cell(d.by), text_cell(d.at), text_cell(d.note), late]  # fmt: skip


def _grants(wp: Workplan, owner: str | None) -> Iterable[Row]:
    today = dates.today()
    for g in wp.grants.values():
        found = resources.grant_match(wp, g)
        status = commitments.grant_status(wp, g, today)
        yield [
            g.label,
            text_cell(g.name),
            text_cell(g.funder),
            text_cell(g.recipient),
            number_cell(g.amount),
            text_cell(g.match),
            number_cell(resources.as_number(found.required)),
            number_cell(resources.as_number(found.total.pledged)),
            number_cell(resources.as_number(found.total.delivered)),
            text_cell(g.start),
            text_cell(g.end),
            text_cell(g.match_by),
            status.deadline.isoformat() if status.deadline else "",
            number_cell(resources.as_number(status.by_deadline)),
            status.health,
            text_cell(status.reason),
        ]


def _followups(wp: Workplan, owner: str | None) -> Iterable[Row]:
    """Every follow-up, on tasks and on pledges, newest first."""
    rows: list[tuple[commitments.Subject, FollowUp]] = []
    partner_of = {m.handle: m.partner for m in wp.members.values()}
    for t in wp.tasks.values():
        rows += [(commitments.Subject(t.label, t.title, partner_of.get(t.owner or "", "")), f) for f in t.followups]
    for p in wp.partners.values():
        for number, c in enumerate(p.contributions, 1):
            subject = commitments.Subject(commitments.pledge_name(p.code, number), c.description, p.code)
            rows += [(subject, f) for f in c.followups]
    rows.sort(key=lambda pair: (pair[1].on, pair[1].at), reverse=True)
    for subject, f in rows:
        yield [
            text_cell(subject.name), text_cell(subject.title), text_cell(subject.partner), text_cell(f.on),
            text_cell(f.by), text_cell(f.who), text_cell(f.whom), text_cell(f.agreed), text_cell(f.new_date),
            text_cell(f.was), number_cell(f.deferred), text_cell(f.at),
        ]  # fmt: skip


def _meetings(wp: Workplan, owner: str | None) -> Iterable[Row]:
    from workplan_tui.model import meetings

    for m in meetings.in_order(wp.meetings.values()):
        statuses = [e.status for e in meetings.attendance(m).values()]
        yield [
            m.label, text_cell(m.title), m.day, text_cell(m.time), number_cell(m.duration), text_cell(m.place),
            text_cell(m.facilitator), text_cell(m.alternate), str(len(m.agenda)),
            *(str(statuses.count(s)) for s in ("present", "apologies", "absent", "represented")),
            str(len(m.decisions)), " ".join(t.label for t in meetings.action_items(wp, m.id)),
            text_cell(m.notes, multiline=True),
        ]  # fmt: skip


def _attendance(wp: Workplan, owner: str | None) -> Iterable[Row]:
    from workplan_tui.model import meetings

    for m in meetings.in_order(wp.meetings.values()):
        for handle, e in sorted(meetings.attendance(m).items()):
            ahead = meetings.in_advance(e, m)
            yield [
                m.label, m.day, text_cell(handle), e.status, text_cell(e.sent),
                "" if ahead is None else ("yes" if ahead else "no"), text_cell(e.proxy), text_cell(e.debrief_due),
                text_cell(e.debriefed_by), text_cell(e.debriefed_at),
            ]  # fmt: skip


def _decisions(wp: Workplan, owner: str | None) -> Iterable[Row]:
    from workplan_tui.model import meetings

    for found in meetings.decisions(wp):
        d = found.decision
        yield [found.meeting.label, found.meeting.day, str(found.number), text_cell(d.text, multiline=True),
               text_cell(d.about), text_cell(d.by), text_cell(d.at)]  # fmt: skip


_ROWS: dict[str, Callable[[Workplan, str | None], Iterable[Row]]] = {
    "tasks": _tasks,
    "plans": _plans,
    "outcomes": _outcomes,
    "checkins": _checkins,
    "votes": _votes,
    "contributions": _contributions,
    "deliveries": _deliveries,
    "grants": _grants,
    "milestones": _milestones,
    "followups": _followups,
    "meetings": _meetings,
    "attendance": _attendance,
    "decisions": _decisions,
}


def export(store: Store, table: str, *, owner: str | None = None) -> bytes:
    """The CSV file's bytes for ``table`` (one of ``TABLES``); ``owner`` narrows tasks to one member's."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[table])
    if table == "activity":
        for a in store.history().scan():
            changes = json.dumps(contract.changes(a.record, a.changes), ensure_ascii=False, default=str)
            undoes = label("activity", a.undoes) if a.undoes is not None else ""
            writer.writerow([label("activity", a.id), text_cell(a.at), text_cell(a.member), text_cell(a.os_user),
                             text_cell(a.kind), text_cell(a.record), text_cell(changes), undoes])  # fmt: skip
    else:
        writer.writerows(_ROWS[table](store.read(), owner))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
