"""Due dates and meetings as a calendar (``workplan export --format ics``), made with the icalendar library.

Each task with a due date, each outcome with one and each milestone becomes an all-day event
on that day (a milestone's description gives its health and what it lists); so do each
pledge's due day or instalments and each grant's match deadline (issue 26).
Each meeting is an event at its time, in the partnership's local time (a "floating" time, RFC
5545 3.3.5: 14:00 where the partners meet), for its duration, with its place, facilitator,
alternate and agenda; a meeting without a time is an all-day event.
Its UID is the record's label and a fingerprint of the partnership (``T12.3f2a9c1e@workplan``),
the same in every export, so a calendar that imports the file again updates its events
instead of adding copies (a pledge, which has no id, by its partner, kind and words:
``pledge_keys``); SEQUENCE counts the record's changes (its revision, or the log's
entries about it, and its plan's archiving and reopening) and LAST-MODIFIED is its last
change, so calendars know which copy is newer. ``owner`` keeps one member's tasks (and no
outcomes, which have no owner) and every meeting; pledges' due days and instalments and grants'
match deadlines come too. icalendar escapes and folds the text; control characters are
replaced before it sees them.

An event a calendar imported earlier must not linger once what made it has gone. One rule for
every kind (``_Past``, ``_dated``): the log is read as each version of each record, and an event
some version held that this export does not hold is exported as ``STATUS:CANCELLED`` under the
same UID with a higher SEQUENCE, on the last day it had, which every calendar that follows RFC
5545 removes: a task, outcome, milestone or meeting removed or undated, its plan archived, (in
one member's calendar) a task given to someone else, a pledge removed or its dates cleared, an
instalment no longer in its schedule, a follow-up's agreed date taken back, a grant removed or
without a match deadline. A calendar holds at least one event (RFC 5545): with nothing to put
in it, the export is refused (``NothingToExport``).
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from workplan_tui import __version__
from workplan_tui.model import rules
from workplan_tui.model.forecast import HEALTH_WORDS
from workplan_tui.model.records import Activity, Contribution, Meeting, Task, Workplan, label, table_named
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


# The records whose events a calendar holds (tasks, outcomes, milestones, pledges in their
# partner, grants' match deadlines, meetings): what ``_dated`` reads.
_CALENDAR_TABLES = ("tasks", "outcomes", "milestones", "partners", "grants", "meetings")


def _dated(table: str, fields: dict[str, Any], name: str, owner: str | None) -> list[tuple[str, date, str]]:
    """The events one version of a record puts in a calendar, as (UID's label, day, title): the
    one rule of what is in it, for what the log says a record was as for what it is. ``fields``:
    the record as stored; ``name``: how the log names it (``T12``, ``partner PARKS``). A
    task in ``owner``'s calendar only while it is theirs; the rest only in the whole one (a
    meeting in every one). [] for fields that are not a sound record."""
    import msgspec

    from workplan_tui.model import commitments
    from workplan_tui.model.records import KEYED, Grant, Meeting, Partner

    try:
        record = msgspec.convert(fields, KEYED[table])
    except (msgspec.ValidationError, TypeError, ValueError):
        return []
    if isinstance(record, Meeting):
        day = _day(record.day)
        return [(name, day, record.title)] if day is not None else []
    if isinstance(record, Task):
        day = _day(record.due)
        mine = owner is None or record.owner == owner
        return [(name, day, record.title)] if day is not None and mine else []
    if owner is not None:
        return []
    if isinstance(record, Grant):
        deadline = commitments.grant_deadline(record)
        return [(f"{name}-match", deadline, record.name)] if deadline is not None else []
    if isinstance(record, Partner):
        found: list[tuple[str, date, str]] = []
        keys = pledge_keys(record.code, record.contributions)
        for number, (c, key) in enumerate(zip(record.contributions, keys, strict=True), 1):
            pledge = f"{commitments.pledge_name(record.code, number)}: {c.description}"
            for k, (day, _) in enumerate(commitments.steps(c) if c.schedule is not None or c.due else [], 1):
                found.append((f"{key}-{k}", day, pledge))
            moved = commitments.deferral(c)
            agreed = _day(moved.new_date) if moved is not None and moved.deferred else None
            if agreed is not None:
                found.append((f"{key}-agreed", agreed, pledge))
        return found
    day = _day(getattr(record, "due", None))
    return [(name, day, getattr(record, "name", ""))] if day is not None else []


def pledge_keys(code: str, pledges: Iterable[Contribution]) -> list[str]:
    """What names each of a partner's pledges (in order) in its events' UIDs, before the instalment:
    ``PARKS-staff-3f2a9c1e`` (the partner, the pledge's kind and a fingerprint of its words, as
    ``commitments.pledge_identity`` knows a pledge), never its number, so adding or removing
    another pledge leaves every other pledge's UIDs as they were. Pledges have no id of their own;
    the partner's code and the pledge's kind and words are what the rest of workplan knows one by
    (an edit of the list keeps deliveries by them), as a record's label is for a task. A second
    pledge of the same kind and words is told from the first by its count among them; rewording
    a pledge gives it new UIDs (the old events are cancelled, the new ones added)."""
    from workplan_tui.model.commitments import pledge_identity

    seen: Counter[tuple[str, str]] = Counter()
    keys = []
    for c in pledges:
        kind, words = pledge_identity(c.kind, c.description)
        seen[kind, words] += 1
        seed = words if seen[kind, words] == 1 else f"{words}\n{seen[kind, words]}"
        keys.append(f"{clean(code)}-{kind}-{zlib.crc32(seed.encode('utf-8', 'surrogatepass')):08x}")
    return keys


class _Past:
    """What the activity log says each record was, for calendars that imported earlier exports:
    how many entries are about it, and every event any version of it held (``held``: UID's
    label -> the record's name, the last day and title the event had, its table). The log is
    read oldest first, each entry as the record before it and after it (``_dated`` of each);
    a record's fields the log never names are taken as they are now."""

    def __init__(self, entries: Iterable[Activity], now: dict[str, tuple[str, dict[str, Any]]], owner: str | None):
        self.changes: Counter[str] = Counter()
        self.held: dict[str, tuple[str, date, str, str]] = {}
        self.last: dict[str, dict[str, Any]] = {}  # the last version the log shows of a record gone
        states: dict[str, dict[str, Any] | None] = {}
        for entry in entries:  # oldest first
            name = entry.record
            self.changes[name] += 1
            table = table_named(name)
            if table not in _CALENDAR_TABLES or not isinstance(entry.changes, dict):
                continue
            if name not in states:
                states[name] = dict(now[name][1]) if name in now else {}
            for side in (0, 1):
                states[name] = _side(states[name], entry.changes, side)
                state = states[name]
                if state is None:
                    continue
                self.last[name] = state
                for uid, day, title in _dated(table, state, name, owner):
                    self.held[uid] = (name, day, title, table)


def _side(state: dict[str, Any] | None, changes: dict[str, Any], side: int) -> dict[str, Any] | None:
    """A record's stored fields before (``side`` 0) or after (1) a log entry's ``changes``; None
    while it does not exist. Fields change as ``{"due": [before, after]}``; a whole record as
    ``{"record": [kept, back]}``; a partner's pledges one at a time (``contribution``, its
    ``dates``, a ``followup`` on it)."""
    for field, pair in changes.items():
        if not (isinstance(pair, list) and len(pair) == 2):
            continue
        value = pair[side]
        if field == "record":
            whole = value.get("record") if isinstance(value, dict) else None
            state = dict(whole) if isinstance(whole, dict) else None
            continue
        if state is None:
            continue
        if field in ("contribution", "dates", "followup") and (isinstance(value, dict) or isinstance(pair[0], dict)):
            _pledge_side(state, field, pair, side)
        elif field not in ("delivery", "note", "decision", "vote"):
            if value is None:
                state.pop(field, None)
            else:
                state[field] = value
    return state


def _pledge_side(state: dict[str, Any], field: str, pair: list[Any], side: int) -> None:
    """A partner's pledges before or after one pledge was added or taken back, its dates set or a
    follow-up on it recorded (``partner.pledge``, ``partner.schedule``, ``partner.followup``)."""
    some = next((v for v in pair if isinstance(v, dict)), {})
    number = some.get("number" if field == "contribution" else "contribution")
    pledges = [dict(c) for c in state.get("contributions") or [] if isinstance(c, dict)]
    if type(number) is not int or not 1 <= number <= len(pledges) + 1:
        return
    value = pair[side]
    item = {k: v for k, v in value.items() if k not in ("number", "contribution")} if isinstance(value, dict) else None
    if field == "contribution":
        if item is None:
            del pledges[number - 1 : number]
        elif number <= len(pledges):
            pledges[number - 1] = item
        else:
            pledges.append(item)
    elif number <= len(pledges):
        pledge = pledges[number - 1]
        if field == "dates":
            pledge.pop("due", None)
            pledge.pop("schedule", None)
            pledge.update(item or {})
        else:
            listed = list(pledge.get("followups") or [])
            gone = {k: v for k, v in pair[0].items() if k != "contribution"} if isinstance(pair[0], dict) else None
            if item is not None and (not listed or listed[-1] != item):
                listed.append(item)
            elif item is None and listed and listed[-1] == gone:
                listed.pop()
            pledge["followups"] = listed
    state["contributions"] = pledges


def _current(workplan: Workplan) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each record a calendar takes events from, by how the log names it, as (table, stored fields)."""
    import msgspec

    from workplan_tui.model.records import record_name

    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for table in _CALENDAR_TABLES:
        for record in getattr(workplan, table).values():
            fields = msgspec.to_builtins(record)
            fields.pop("(table key)", None)
            found[record_name(table, record.id, fields)] = (table, fields)
    return found


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
    now = _current(workplan)
    past = _Past(entries, now, owner)
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
        shown.add(record_label)
        return e

    shown: set[str] = set()  # the UIDs' labels of this export's events
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

        def by_revision(uid: str, day: date, summary: str, description: str, changed: str, rev: int) -> Event:
            return event(uid, day, summary, description, changed, max(0, rev - 1))

        _commitments(workplan, today, by_revision, calendar)
    for meeting in workplan.meetings.values():
        calendar.add_component(_meeting_event(workplan, meeting, tag, fallback))
        shown.add(meeting.label)
    # One rule for every kind: an event some version of a record held, which this export does
    # not hold, is cancelled, under its UID, on its last day, newer than any copy before.
    for uid, (name, day, title, table) in past.held.items():
        if uid in shown:
            continue
        if name in now:
            fields, rev = now[name][1], now[name][1].get("rev")
            why = "its plan was archived" if fields.get("plan") in archived else "no longer has that date"
        else:
            fields, rev = past.last.get(name, {}), past.last.get(name, {}).get("rev")
            why = "removed"
            rev = (rev if type(rev) is int else 1) + 1
        plan = fields.get("plan") if type(fields.get("plan")) is int else None
        seq = sequence(name, rev if type(rev) is int else 1, plan)
        if owner is not None and table == "tasks" and name in now and fields.get("owner") != owner:
            why = f"given to {fields.get('owner') or 'nobody'}"
        description = f"Cancelled: {why}. workplan no longer has it in this calendar."
        summary = f"{uid} {clean(title)} (cancelled)".replace("  ", " ")
        calendar.add_component(event(uid, day, summary, description, "", seq, cancelled=True))
    if not calendar.walk("VEVENT"):
        whose = f"none of {clean(owner)}'s tasks has" if owner else "no task, outcome, milestone, meeting or pledge has"
        raise NothingToExport(f"nothing to put in a calendar: {whose} a due date; nothing written")
    return bytes(calendar.to_ical())


def _commitments(workplan: Workplan, today: date, event: Any, calendar: Any) -> None:
    """Each pledge's due day or instalments, the new date a follow-up agreed for what was overdue
    (``PARKS-staff-3f2a9c1e-agreed``, beside the old dates), and each grant's match deadline
    (model/commitments.py). UIDs name the pledge (``pledge_keys``: its partner, kind and words, not
    its number) and the instalment (``PARKS-staff-3f2a9c1e-3``): stable while other pledges are
    added or removed."""
    from workplan_tui.model import commitments
    from workplan_tui.model.money import format_money

    currency = workplan.partnership.currency
    for p in workplan.partners.values():
        keys = pledge_keys(p.code, p.contributions)
        for number, (c, key) in enumerate(zip(p.contributions, keys, strict=True), 1):
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
                calendar.add_component(event(f"{key}-{k}", day, summary, description, latest, p.rev))
            moved = commitments.deferral(c)  # a new date agreed in a follow-up: the old dates stay too
            agreed = _day(moved.new_date) if moved is not None and moved.deferred else None
            if moved is not None and agreed is not None:
                summary = f"{clean(name)} agreed {format_money(moved.deferred or 0, currency)}: {clean(c.description)}"
                said = f"Follow-up: {commitments.followup_words(moved, today)}"
                description = f"{said}\n{c.kind} pledged by {clean(p.code)}; {status.words}: {clean(status.reason)}"
                calendar.add_component(event(f"{key}-agreed", agreed, summary, description, moved.at, p.rev))
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
