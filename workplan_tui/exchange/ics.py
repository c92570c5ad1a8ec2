"""Due dates and meetings as a calendar (``workplan export --format ics``), made with the icalendar library.

Each task with a due date, each outcome with one and each milestone becomes an all-day event
on that day (a milestone's description gives its health and what it lists); so do each
pledge's due day or instalments and each grant's match deadline (issue 26).
Each meeting is an event at its time, in the partnership's local time (a "floating" time, RFC
5545 3.3.5: 14:00 where the partners meet), for its duration, with its place, facilitator,
alternate and agenda; a meeting without a time is an all-day event.
Its UID is the record's label and a fingerprint of the partnership (``T12.3f2a9c1e@workplan``),
the same in every export, so a calendar that imports the file again updates its events
instead of adding copies; SEQUENCE is the record's revision and LAST-MODIFIED its last
change, so calendars know which copy is newer. Tasks of archived plans are left out.
``owner`` keeps one member's tasks (and no outcomes, which have no owner) and every meeting. icalendar
escapes and folds the text; control characters are replaced before it sees them.
"""

from __future__ import annotations

import zlib
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from workplan_tui import __version__
from workplan_tui.model import rules
from workplan_tui.model.forecast import HEALTH_WORDS
from workplan_tui.model.records import Meeting, Task, Workplan, label
from workplan_tui.model.text import clean


def fingerprint(workplan: Workplan) -> str:
    """Eight hex digits that name this partnership in every export (from when it was created)."""
    p = workplan.partnership
    seed = p.created_at or p.name
    return f"{zlib.crc32(seed.encode('utf-8', 'surrogatepass')):08x}"


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:  # a hand edit such as 2026-02-30: no day to put it on
        return None


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC) if text else None
    except ValueError:
        return None


def export(workplan: Workplan, *, owner: str | None = None, today: date) -> bytes:
    """The calendar's bytes (RFC 5545, CRLF line ends)."""
    from icalendar import Calendar, Event  # only for this export: start-up time of every other command

    p = workplan.partnership
    calendar = Calendar()
    calendar.add("prodid", f"-//workplan//workplan {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    whose = f": {clean(owner)}'s tasks" if owner else ""
    calendar.add("x-wr-calname", f"{clean(p.name)}{whose}")
    tag = fingerprint(workplan)
    fallback = datetime(today.year, today.month, today.day, tzinfo=UTC)
    archived = {pid for pid, plan in workplan.plans.items() if plan.status == "archived"}

    def event(record_label: str, day: date, summary: str, description: str, changed: str, rev: int) -> Event:
        e = Event()
        e.add("uid", f"{record_label}.{tag}@workplan")
        e.add("summary", summary)
        e.add("description", description)
        e.add("dtstart", day)
        if day < date.max:  # 9999-12-31 has no next day; a DATE start alone is a one-day event (RFC 5545)
            e.add("dtend", day + timedelta(days=1))
        stamp = _moment(changed) or fallback
        e.add("dtstamp", stamp)
        e.add("last-modified", stamp)
        e.add("sequence", max(0, rev - 1))
        e.add("transp", "TRANSPARENT")
        return e

    for t in workplan.tasks.values():
        day = _day(t.due)
        if day is None or t.plan in archived or (owner is not None and t.owner != owner):
            continue
        plan = workplan.plans.get(t.plan)
        state = {"done": " (done)", "blocked": " (blocked)"}.get(t.status, "")
        lines = [
            f"{label('plans', t.plan)} {clean(plan.title) if plan else ''}".rstrip(),
            f"Owner: {clean(t.owner) if t.owner else 'unassigned'}",
            f"Status: {t.status}, {t.progress}% done",
        ]
        if t.status == "blocked" and t.blocked_reason:
            lines.append(f"Blocked: {clean(t.blocked_reason)}")
        if t.notes:
            lines += ["", clean(t.notes, multiline=True)]
        calendar.add_component(
            event(t.label, day, f"{t.label} {clean(t.title)}{state}", "\n".join(lines), t.updated_at, t.rev)
        )
    if owner is None:
        for o in workplan.outcomes.values():
            day = _day(o.due)
            if day is None or o.plan in archived:
                continue
            unit = f" {clean(o.unit)}" if o.unit else ""
            progress = rules.outcome_progress(o.baseline, o.target, o.current)
            figures = f"{o.current:g} of {o.target:g}{unit} ({progress:.0f}%)"
            latest = o.checkins[-1].at if o.checkins else ""
            description = f"{label('plans', o.plan)} outcome: {figures}"
            calendar.add_component(event(o.label, day, f"{o.label} {clean(o.name)} due", description, latest, o.rev))
        from workplan_tui.model.schedule import Schedule, milestone_forecast

        schedule = Schedule(workplan)
        for m in workplan.milestones.values():
            day = _day(m.due)
            if day is None or m.plan in archived:
                continue
            f = milestone_forecast(m, workplan, today, schedule)
            plan = workplan.plans.get(m.plan)
            lines = [
                f"{label('plans', m.plan)} {clean(plan.title) if plan else ''}".rstrip() + " milestone",
                f"Health: {f.words}: {clean(f.reason)}",
                *(f"Task {t.label} {clean(t.title)} ({t.status})" for t in _listed(workplan, m.tasks)),
                *(f"Outcome {label('outcomes', o)}" for o in m.outcomes),
            ]
            summary = f"{m.label} {clean(m.name)} (milestone)"
            calendar.add_component(event(m.label, day, summary, "\n".join(lines), m.created_at, m.rev))
        _commitments(workplan, today, event, calendar)
    for meeting in workplan.meetings.values():
        calendar.add_component(_meeting_event(workplan, meeting, tag, fallback))
    return bytes(calendar.to_ical())


def _commitments(workplan: Workplan, today: date, event: Any, calendar: Any) -> None:
    """Each pledge's due day or instalments, and each grant's match deadline (model/commitments.py).
    UIDs name the partner, the pledge's number and the instalment (``PARKS-2-3``): stable while
    the partner's list keeps its order."""
    from workplan_tui.model import commitments
    from workplan_tui.model.money import format_money

    currency = workplan.partnership.currency
    for p in workplan.partners.values():
        for number, c in enumerate(p.contributions, 1):
            if c.schedule is None and not c.due:
                continue
            status = commitments.of_pledge(workplan, c, today)
            name = commitments.pledge_name(p.code, number)
            plan = commitments.steps(c)
            latest = max((d.at for d in c.deliveries), default=p.created_at)
            for k, (day, cumulative) in enumerate(plan, 1):
                each = cumulative - (plan[k - 2][1] if k > 1 else 0.0)
                worth = f" {format_money(each, currency)}" if c.value is not None else ""
                which = f" instalment {k} of {len(plan)}" if len(plan) > 1 else " due"
                summary = f"{clean(name)}{which}{worth}: {clean(c.description)}"
                description = f"{c.kind} pledged by {clean(p.code)}; {status.words}: {clean(status.reason)}"
                uid = f"{clean(p.code)}-{number}-{k}"
                calendar.add_component(event(uid, day, summary, description, latest, p.rev))
    for g in workplan.grants.values():
        found = commitments.grant_status(workplan, g, today)
        if found.deadline is None:
            continue
        summary = f"{g.label} match due: {format_money(found.required, currency)} ({clean(g.name)})"
        description = f"{HEALTH_WORDS.get(found.health, found.health)}: {clean(found.reason)}"
        calendar.add_component(event(f"{g.label}-match", found.deadline, summary, description, g.created_at, g.rev))


def _meeting_event(workplan: Workplan, m: Meeting, tag: str, fallback: datetime) -> Any:
    """A meeting as a busy event: timed (floating local time) or all day."""
    from icalendar import Event

    e = Event()
    e.add("uid", f"{m.label}.{tag}@workplan")
    e.add("summary", f"{m.label} {clean(m.title)}")
    day = _day(m.day) or fallback.date()
    if m.time:
        start = datetime.combine(day, time.fromisoformat(m.time))  # naive: floating local time
        e.add("dtstart", start)
        try:
            e.add("dtend", start + timedelta(minutes=m.duration))
        except OverflowError:  # a hand-edited meeting ending after 9999-12-31: its length instead
            e.add("duration", timedelta(minutes=m.duration))
    else:
        e.add("dtstart", day)
        if day < date.max:
            e.add("dtend", day + timedelta(days=1))
    if m.place:
        e.add("location", clean(m.place))
    lines = [
        f"Facilitator: {clean(m.facilitator) if m.facilitator else 'none named'}",
        f"Alternate: {clean(m.alternate) if m.alternate else 'none named'}",
    ]
    if m.agenda:
        lines += ["", "Agenda:"] + [f"{n}. {clean(item.text)}" for n, item in enumerate(m.agenda, 1)]
    if m.decisions:
        lines += ["", "Decisions:"] + [f"{n}. {clean(d.text)}" for n, d in enumerate(m.decisions, 1)]
    if m.notes:
        lines += ["", clean(m.notes, multiline=True)]
    e.add("description", "\n".join(lines))
    stamp = _moment(m.updated_at or m.created_at) or fallback
    e.add("dtstamp", stamp)
    e.add("last-modified", stamp)
    e.add("sequence", max(0, m.rev - 1))
    e.add("transp", "OPAQUE")
    return e


def _listed(workplan: Workplan, ids: list[int]) -> list[Task]:
    return [t for i in ids if (t := workplan.tasks.get(i)) is not None]
