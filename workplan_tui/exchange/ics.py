"""Due dates and meetings as a calendar (``workplan export --format ics``), made with the icalendar library.

Each task with a due date, each outcome with one and each milestone becomes an all-day event
on that day (a milestone's description gives its health and what it lists); so do each
pledge's due day or instalments and each grant's match deadline (issue 26).
Each meeting is an event at its time, in the partnership's local time (a "floating" time, RFC
5545 3.3.5: 14:00 where the partners meet), for its duration, with its place, facilitator,
alternate and agenda; a meeting without a time is an all-day event.
Its UID is the record's label and a fingerprint of the partnership (``T12.3f2a9c1e@workplan``),
the same in every export, so a calendar that imports the file again updates its events
instead of adding copies; SEQUENCE counts the record's changes (its revision, or the log's
entries about it, and its plan's archiving and reopening) and LAST-MODIFIED is its last
change, so calendars know which copy is newer. ``owner`` keeps one member's tasks (and no
outcomes, which have no owner) and every meeting; pledges' due days and instalments and grants'
match deadlines come too. icalendar escapes and folds the text; control characters are
replaced before it sees them.

An event a calendar imported earlier must not linger once its task has gone: a task or
outcome removed, its due date cleared, its plan archived (or, in one member's calendar, the
task given to someone else) is exported as ``STATUS:CANCELLED`` under the same UID with a
higher SEQUENCE, on the last day the log knows for it, which every calendar that follows
RFC 5545 removes. A calendar holds at least one event (RFC 5545): with nothing to put in it,
the export is refused (``NothingToExport``).
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from workplan_tui import __version__
from workplan_tui.model import rules
from workplan_tui.model.forecast import HEALTH_WORDS
from workplan_tui.model.records import Activity, Meeting, Task, Workplan, label, table_named
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


class NothingToExport(ValueError):
    """No task, outcome, milestone, meeting or pledge has (or had) a day to put in the calendar."""


class _Past:
    """What the activity log says about each task and outcome, for calendars that imported
    earlier exports: how many entries are about it, the last due date and record it had, and
    the owners it had."""

    def __init__(self, entries: Iterable[Activity]) -> None:
        self.changes: Counter[str] = Counter()
        self.due: dict[str, str] = {}  # the last due date a record had in the log
        self.owners: dict[str, set[str]] = {}
        self.removed: dict[str, dict[str, Any]] = {}  # a removed record, as the log kept it
        for entry in entries:  # oldest first
            record = entry.record
            self.changes[record] += 1
            for name, pair in entry.changes.items():
                if not (isinstance(pair, list) and len(pair) == 2):
                    continue
                if name == "due":
                    known = [v for v in pair if isinstance(v, str)]
                    if known:
                        self.due[record] = known[-1]
                elif name == "owner":
                    self.owners.setdefault(record, set()).update(v for v in pair if isinstance(v, str))
                elif name == "record":
                    kept, back = pair
                    whole = kept if isinstance(kept, dict) else back if isinstance(back, dict) else None
                    fields = whole.get("record") if isinstance(whole, dict) else None
                    if isinstance(fields, dict):
                        if isinstance(fields.get("due"), str):
                            self.due[record] = fields["due"]
                        if isinstance(fields.get("owner"), str):
                            self.owners.setdefault(record, set()).add(fields["owner"])
                        if back is None:
                            self.removed[record] = fields
                        else:
                            self.removed.pop(record, None)


def export(
    workplan: Workplan, *, owner: str | None = None, today: date, history: Iterable[Activity] | None = None
) -> bytes:
    """The calendar's bytes (RFC 5545, CRLF line ends). ``history``: the activity log, oldest
    first, from which the events of tasks and outcomes gone since are cancelled (without it,
    none are). Raises NothingToExport for a calendar that would hold no event."""
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

    entries = list(history) if history is not None else []
    past = _Past(entries)
    moves = Counter(e.record for e in entries if e.kind in ("plan.archive", "plan.reopen"))

    def sequence(record_label: str, rev: int, plan: int | None) -> int:
        """Higher at every change of the record and every archiving or reopening of its plan, so
        a calendar takes each export's copy over the one before, a cancellation included."""
        changed = max(rev - 1, past.changes[record_label] - 1, 0)
        return changed + (moves[label("plans", plan)] if isinstance(plan, int) else 0)

    def event(
        record_label: str, day: date, summary: str, description: str, changed: str, seq: int, cancelled: bool = False
    ) -> Event:
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
        e.add("sequence", seq)
        e.add("transp", "TRANSPARENT")
        if cancelled:
            e.add("status", "CANCELLED")
        return e

    shown: set[str] = set()
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
        summary = f"{t.label} {clean(t.title)}{state}"
        calendar.add_component(
            event(t.label, day, summary, "\n".join(lines), t.updated_at, sequence(t.label, t.rev, t.plan))
        )
        shown.add(t.label)
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
            seq = sequence(o.label, o.rev, o.plan)
            calendar.add_component(event(o.label, day, f"{o.label} {clean(o.name)} due", description, latest, seq))
            shown.add(o.label)
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
            seq = sequence(m.label, m.rev, m.plan)
            calendar.add_component(event(m.label, day, summary, "\n".join(lines), m.created_at, seq))
            shown.add(m.label)

        def by_revision(uid: str, day: date, summary: str, description: str, changed: str, rev: int) -> Event:
            return event(uid, day, summary, description, changed, max(0, rev - 1))

        _commitments(workplan, today, by_revision, calendar)
    for meeting in workplan.meetings.values():
        calendar.add_component(_meeting_event(workplan, meeting, tag, fallback))
    for record_label, why, day, title, seq in _gone(workplan, past, archived, owner, sequence):
        if record_label in shown or day is None:
            continue
        description = f"Cancelled: {why}. workplan no longer has it in this calendar."
        summary = f"{record_label} {clean(title)} (cancelled)".replace("  ", " ")
        calendar.add_component(event(record_label, day, summary, description, "", seq, cancelled=True))
        shown.add(record_label)
    if not calendar.walk("VEVENT"):
        whose = f"none of {clean(owner)}'s tasks has" if owner else "no task, outcome, milestone, meeting or pledge has"
        raise NothingToExport(f"nothing to put in a calendar: {whose} a due date; nothing written")
    return bytes(calendar.to_ical())


def _gone(
    workplan: Workplan, past: _Past, archived: set[int], owner: str | None, sequence: Any
) -> Iterator[tuple[str, str, date | None, str, int]]:
    """Events an earlier export held that this one must cancel: (label, why, its last day, its
    title, its new SEQUENCE). A task, outcome or milestone removed (its last revision plus one), its due
    date cleared, its plan archived, or (one member's calendar) the task given to another."""
    for record_label, fields in past.removed.items():
        table = table_named(record_label)
        if table not in ("tasks", "outcomes", "milestones") or (owner is not None and fields.get("owner") != owner):
            continue
        if owner is not None and table != "tasks":
            continue
        rev: int = fields["rev"] if type(fields.get("rev")) is int else 1
        plan = fields.get("plan") if type(fields.get("plan")) is int else None
        title = str(fields.get("title") or fields.get("name") or "")
        day = _day(past.due.get(record_label))
        yield record_label, "removed", day, title, sequence(record_label, rev + 1, plan)
    records: list[Any] = list(workplan.tasks.values())
    if owner is None:
        records += list(workplan.outcomes.values()) + list(workplan.milestones.values())
    for record in records:
        is_task = isinstance(record, Task)
        title = record.title if is_task else record.name
        seq = sequence(record.label, record.rev, record.plan)
        if record.plan in archived and record.due:
            if owner is None or (is_task and record.owner == owner):
                yield record.label, "its plan was archived", _day(record.due), title, seq
        elif not record.due and record.label in past.due:
            if owner is None or (is_task and record.owner == owner) or owner in past.owners.get(record.label, ()):
                yield record.label, "its due date was cleared", _day(past.due[record.label]), title, seq
        elif is_task and owner is not None and record.owner != owner and owner in past.owners.get(record.label, ()):
            yield record.label, f"given to {record.owner or 'nobody'}", _day(record.due), title, seq


def _commitments(workplan: Workplan, today: date, event: Any, calendar: Any) -> None:
    """Each pledge's due day or instalments, the new date a follow-up agreed for what was overdue
    (``PARKS-2-agreed``, beside the old dates), and each grant's match deadline (model/commitments.py).
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
            moved = commitments.deferral(c)  # a new date agreed in a follow-up: the old dates stay too
            agreed = _day(moved.new_date) if moved is not None and moved.deferred else None
            if moved is not None and agreed is not None:
                summary = f"{clean(name)} agreed {format_money(moved.deferred or 0, currency)}: {clean(c.description)}"
                said = f"Follow-up: {commitments.followup_words(moved, today)}"
                description = f"{said}\n{c.kind} pledged by {clean(p.code)}; {status.words}: {clean(status.reason)}"
                calendar.add_component(
                    event(f"{clean(p.code)}-{number}-agreed", agreed, summary, description, moved.at, p.rev)
                )
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
