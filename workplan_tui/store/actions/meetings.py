"""Meetings: add, edit, remove; the agenda, attendance, debriefs, decisions; the debrief norm.

The rules are the model's (``model/meetings.py``); each change here applies them to the
freshest copy of the meeting inside one transaction, so an item added, moved or ticked off by
one member never undoes another's. Changes to the agenda and the attendance are logged as the
list before and after (undo puts the list back as it was; the log reads them as the item that
changed: ``model/changes.py``); a decision is logged as the decision added, as a note is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from workplan_tui.model import meetings, schema, typed
from workplan_tui.model.dates import today as local_day
from workplan_tui.model.records import (
    ATTENDANCE,
    LONG_TEXT,
    MENTION_PATTERN,
    Attendance,
    Meeting,
    Partnership,
    id_of_label,
    label,
)
from workplan_tui.model.rules import RuleError
from workplan_tui.store.actions.common import Removed, _labels, _member_handles, _tasks_where, removed, saved
from workplan_tui.store.store import NotFoundError, Store, Tx

# What ``edit_meeting`` may change (the agenda, attendance and decisions have their own changes).
EDITABLE = ("title", "day", "time", "duration", "place", "facilitator", "alternate", "notes")


def _meeting(tx: Tx, meeting_id: int) -> Meeting:
    return schema.record_of("meetings", str(meeting_id), tx.get("meetings", meeting_id))  # type: ignore[no-any-return]


def _roles(tx: Tx, facilitator: str | None, alternate: str | None, *, given: Sequence[str] | None = None) -> None:
    """A facilitator and an alternate are members, and two different ones. ``given``: the roles
    an edit changes; one kept as stored may name someone who has left since, which must not stop
    a change to anything else (the notes of a meeting they ran)."""
    handles = _member_handles(tx)
    for role, handle in (("facilitator", facilitator), ("alternate", alternate)):
        if handle is not None and handle not in handles and (given is None or role in given):
            raise NotFoundError(f"no member {handle!r}; see 'workplan member list'")
    problem = meetings.role_problem(facilitator, alternate)
    if problem:
        raise RuleError(problem)


def _duration(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1440:
        raise RuleError(f"a meeting lasts 1 to 1440 whole minutes (found {value!r})")
    return value


def _fields(changes: dict[str, Any]) -> dict[str, Any]:
    """Typed fields of a meeting checked as the file will hold them (one clear line otherwise)."""
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "title":
            out[name] = typed.text(value, "meeting title")
        elif name == "day":
            out[name] = typed.day(value, "meeting day")
        elif name == "time":
            out[name] = None if value is None else meetings.parse_time(value)
        elif name == "duration":
            out[name] = _duration(value)
        elif name == "place":
            out[name] = typed.text(value or "", "place", required=False)
        elif name == "notes":
            out[name] = typed.text(value or "", "notes", LONG_TEXT, required=False)
        elif name in ("facilitator", "alternate"):
            out[name] = value or None
        else:
            raise RuleError(f"cannot edit a meeting's {name}")
    return out


def add_meeting(
    store: Store,
    title: str,
    day: str,
    *,
    time: str | None = None,
    duration: int = meetings.DEFAULT_DURATION,
    place: str = "",
    facilitator: str | None = None,
    alternate: str | None = None,
    notes: str = "",
    agenda: bool = True,
) -> Meeting:
    """A new meeting on ``day`` (ISO) at ``time`` (as typed: ``14:00``, ``2pm``; None for the day
    only), its agenda pre-filled with what needs the partnership today (``meetings.prefill``)
    unless ``agenda`` is False. Facilitator and alternate are member handles."""
    fields = _fields({"title": title, "day": day, "time": time, "duration": duration, "place": place, "notes": notes})
    with store.transaction() as tx:
        tx.require_member()
        _roles(tx, facilitator, alternate)
        fields.update(facilitator=facilitator, alternate=alternate)
        on = date.fromisoformat(fields["day"])
        items = meetings.prefill(tx.workplan(), local_day(store.clock()), day=on) if agenda else []
        fields["agenda"] = [schema_item(i) for i in items]
        fields["attendance"] = []
        fields["decisions"] = []
        fields = {k: v for k, v in fields.items() if v is not None}
        doc_id = tx.insert("meetings", fields)
        return saved(tx, "meetings", doc_id)  # type: ignore[no-any-return]


def schema_item(item: Any) -> dict[str, Any]:
    """A record nested in a meeting (an agenda item, an attendance) as the file holds it: its
    fields, without those at their default (None, False): the same item is always stored the
    same way, so a list read back and written again is unchanged."""
    import msgspec

    return {
        f.encode_name: value
        for f in msgspec.structs.fields(item)
        if (value := getattr(item, f.name)) != f.default or f.required
    }


def edit_meeting(store: Store, meeting_id: int, changes: dict[str, Any], *, expected_rev: int | None = None) -> Meeting:
    """Change some of a meeting's ``EDITABLE`` fields (a time as typed, or None for the day
    only; a facilitator or alternate of None for nobody). Moving the meeting to another day
    moves the debriefs due by the norm's days with it."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise RuleError(f"cannot edit a meeting's {', '.join(sorted(unknown))}")
    fields = _fields(changes)
    with store.transaction() as tx:
        tx.require_member()
        meeting = _meeting(tx, meeting_id)
        _roles(
            tx,
            fields.get("facilitator", meeting.facilitator),
            fields.get("alternate", meeting.alternate),
            given=[r for r in ("facilitator", "alternate") if r in fields and fields[r] != getattr(meeting, r)],
        )
        if "day" in fields and fields["day"] != meeting.day:
            days = _debrief_days(tx)
            old, new = (meetings.debrief_due(d, days) for d in (meeting.day, fields["day"]))
            moved = [
                e.replace(debrief_due=new) if e.debrief_due == old and not meetings.debriefed(e) else e
                for e in meeting.attendance
            ]
            if moved != meeting.attendance:
                fields["attendance"] = [schema_item(e) for e in moved]
        tx.update("meetings", meeting_id, fields, kind="meeting.edit", expected_rev=expected_rev)
        return _meeting(tx, meeting_id)


def remove_meeting(
    store: Store, meeting_id: int, *, unlink: bool = False, expected_rev: int | None = None
) -> Removed[Meeting]:
    """Remove a meeting (kept whole in the log: ``undo`` brings it back). Refused while tasks are
    its action items, naming them, unless ``unlink``: then they lose the link (logged on each
    task; undo links them again)."""
    with store.transaction() as tx:
        tx.require_member()
        tx.get("meetings", meeting_id)
        linked = _tasks_where(tx, "meeting", meeting_id)
        if linked and not unlink:
            raise RuleError(
                f"tasks are action items of M{meeting_id}: {_labels(linked)}; "
                "remove the links with --unlink (undo links them again), or remove the tasks first"
            )
        plans = tx.data.get("plans", {})
        for task_id in linked:
            plan = plans.get(str(tx.get("tasks", task_id).get("plan")), {})
            if plan.get("status") == "archived":
                raise RuleError(f"T{task_id}, an action item of M{meeting_id}, is in an archived plan; reopen it first")
        for task_id in linked:
            tx.update("tasks", task_id, {"meeting": None}, kind="task.edit")
        extra = {"unlinked": [[label("tasks", t) for t in linked], None]} if linked else {}
        gone = tx.remove("meetings", meeting_id, kind="meeting.rm", expected_rev=expected_rev, changes=extra)
        return Removed(removed("meetings", meeting_id, gone), linked)


# --- the agenda ---------------------------------------------------------------------------------


def _about(text: str | None) -> str | None:
    """A record's label as typed (``p3``, ``T12``) as a mention (``records.Mention``), or None."""
    if text is None or not text.strip():
        return None
    typed_label = text.strip().upper()
    if id_of_label(typed_label) is None or schema.whole(MENTION_PATTERN).match(typed_label) is None:
        raise RuleError(f"{text.strip()!r} is not a record label such as P3, O4, T12, N2, D1 or M1")
    return typed_label


def _agenda_change(store: Store, meeting_id: int, make: Any, *, expected_rev: int | None = None) -> Meeting:
    with store.transaction() as tx:
        tx.require_member()
        meeting = _meeting(tx, meeting_id)
        items = [schema_item(i) for i in meeting.agenda]
        after = make(items)
        tx.update("meetings", meeting_id, {"agenda": after}, kind="meeting.agenda", expected_rev=expected_rev)
        return _meeting(tx, meeting_id)


def _number(items: list[Any], number: int, what: str = "agenda item") -> int:
    """The index of item ``number`` (from 1), or RuleError naming how many there are."""
    if not 1 <= number <= len(items):
        have = f"items 1 to {len(items)}" if items else "no items"
        raise RuleError(f"there is no {what} {number} (the meeting has {have})")
    return number - 1


def agenda_add(
    store: Store,
    meeting_id: int,
    text: str,
    *,
    about: str | None = None,
    at: int | None = None,
    expected_rev: int | None = None,
) -> Meeting:
    """Add an item to a meeting's agenda (at position ``at``, from 1; last by default), about a
    record (its label, ``P3``) or nothing."""
    item = {"text": typed.text(text, "agenda item")}
    mention = _about(about)
    if mention is not None:
        item["about"] = mention

    def make(items: list[Any]) -> list[Any]:
        if len(items) >= 500:
            raise RuleError("an agenda holds at most 500 items")
        where = len(items) if at is None else max(0, min(len(items), at - 1))
        return [*items[:where], item, *items[where:]]

    return _agenda_change(store, meeting_id, make, expected_rev=expected_rev)


def agenda_move(store: Store, meeting_id: int, number: int, to: int, *, expected_rev: int | None = None) -> Meeting:
    """Move agenda item ``number`` to position ``to`` (both from 1; ``to`` past the end: last)."""

    def make(items: list[Any]) -> list[Any]:
        index = _number(items, number)
        item = items.pop(index)
        where = max(0, min(len(items), to - 1))
        return [*items[:where], item, *items[where:]]

    return _agenda_change(store, meeting_id, make, expected_rev=expected_rev)


def agenda_remove(store: Store, meeting_id: int, number: int, *, expected_rev: int | None = None) -> Meeting:
    """Take agenda item ``number`` (from 1) off the agenda."""

    def make(items: list[Any]) -> list[Any]:
        index = _number(items, number)
        return [*items[:index], *items[index + 1 :]]

    return _agenda_change(store, meeting_id, make, expected_rev=expected_rev)


# --- attendance and debriefs --------------------------------------------------------------------


DEBRIEF_DAYS = 7  # records.Partnership.debrief_days' default: "within a week"


def _debrief_days(tx: Tx) -> int:
    """The partnership's debrief norm in days (``records.Partnership.debrief_days``)."""
    days = tx.get("meta", 1).get("debrief_days")
    return days if type(days) is int and days >= 1 else DEBRIEF_DAYS


def attend(
    store: Store,
    meeting_id: int,
    member: str | Sequence[str],
    status: str,
    *,
    proxy: str | None = None,
    sent: str | None = None,
    expected_rev: int | None = None,
) -> Meeting:
    """Record how ``member`` (a handle, or several: one change for all, or none if one is
    refused) was at a meeting: present, apologies (``sent``: when, an ISO UTC time; now by
    default), absent, or represented by ``proxy``. A member who was not there is owed a
    debrief, due the norm's days after the meeting (``debrief_days``); one recorded present
    again owes nothing."""
    if status not in ATTENDANCE:
        raise RuleError(f"attendance {status!r} is not one of {', '.join(ATTENDANCE)}")
    if sent is not None and not schema.valid_timestamp(sent):
        raise RuleError(f"{sent!r} is not a UTC time such as 2026-11-28T09:30:00Z")
    handles = [member] if isinstance(member, str) else list(dict.fromkeys(member))
    with store.transaction() as tx:
        tx.require_member()
        meeting = _meeting(tx, meeting_id)
        if status in ("present", "absent"):
            early = meetings.not_yet_problem(meeting, local_day(store.clock()), f"who was {status} is recorded")
            if early:
                raise RuleError(early)
        known = _member_handles(tx)
        for handle in handles:
            problem = meetings.attendance_problem(meeting, handle, status, proxy, known)
            if problem:
                raise RuleError(problem)
            entry = _attendance_entry(tx, meeting, handle, status, proxy, sent)
            others = [e for e in meeting.attendance if e.member != handle]
            meeting = meeting.replace(attendance=sorted([*others, entry], key=lambda e: e.member))
        after = [schema_item(e) for e in meeting.attendance]
        tx.update("meetings", meeting_id, {"attendance": after}, kind="meeting.attend", expected_rev=expected_rev)
        return _meeting(tx, meeting_id)


def _attendance_entry(
    tx: Tx, meeting: Meeting, member: str, status: str, proxy: str | None, sent: str | None
) -> Attendance:
    """``member``'s attendance as ``status``, keeping what still holds of the one recorded before
    (when apologies were sent; a debrief's day, and whether it was given, while they missed it)."""
    before = meetings.attendance(meeting).get(member)
    entry = Attendance(member, status)  # type: ignore[arg-type]
    if status == "apologies":
        earlier = before.sent if before is not None and before.status == "apologies" else None
        entry.sent = sent or earlier or tx.now
    if status == "represented":
        entry.proxy = proxy
    if status in meetings.MISSED:
        kept = before if before is not None and meetings.missed(before) else None
        entry.debrief_due = (kept.debrief_due if kept else None) or meetings.debrief_due(meeting.day, _debrief_days(tx))
        if kept is not None and kept.debriefed_by is not None:
            entry.debriefed_by, entry.debriefed_at = kept.debriefed_by, kept.debriefed_at
    return entry


def unattend(store: Store, meeting_id: int, member: str | Sequence[str], *, expected_rev: int | None = None) -> Meeting:
    """Take ``member``'s attendance (or several members') off a meeting's record (recorded by mistake)."""
    handles = [member] if isinstance(member, str) else list(dict.fromkeys(member))
    with store.transaction() as tx:
        tx.require_member()
        meeting = _meeting(tx, meeting_id)
        recorded = meetings.attendance(meeting)
        missing = [h for h in handles if h not in recorded]
        if missing:
            raise RuleError(f"no attendance of {', '.join(missing)} is recorded at M{meeting_id}")
        after = [schema_item(e) for e in meeting.attendance if e.member not in handles]
        tx.update("meetings", meeting_id, {"attendance": after}, kind="meeting.attend", expected_rev=expected_rev)
        return _meeting(tx, meeting_id)


def debrief(
    store: Store,
    meeting_id: int,
    member: str,
    *,
    done: bool = True,
    due: str | None = None,
    expected_rev: int | None = None,
) -> Meeting:
    """Tick off the debrief of ``member``, who missed the meeting, as given by the acting member,
    who was there (``meetings.debrief_problem``); or, with ``due`` (ISO), move the day it is due."""
    if due is not None:
        due = typed.day(due, "debrief due date")
    with store.transaction() as tx:
        tx.require_member()
        meeting = _meeting(tx, meeting_id)
        entry = meetings.attendance(meeting).get(member)
        if entry is None or not meetings.missed(entry):
            raise RuleError(f"{member} did not miss M{meeting_id}: no debrief is owed")
        changed = entry
        if due is not None:
            if due < meeting.day:
                raise RuleError(f"a debrief is due after the meeting ({meeting.day}), not {due}")
            changed = changed.replace(debrief_due=due)
        if done:
            problem = meetings.not_yet_problem(meeting, local_day(store.clock()), "a debrief is given")
            problem = problem or meetings.debrief_problem(meeting, member, tx.user)
            if problem:
                raise RuleError(problem)
            changed = changed.replace(debriefed_by=tx.user, debriefed_at=tx.now)
        after = [schema_item(changed if e.member == member else e) for e in meeting.attendance]
        tx.update("meetings", meeting_id, {"attendance": after}, kind="meeting.debrief", expected_rev=expected_rev)
        return _meeting(tx, meeting_id)


def set_debrief_days(store: Store, days: int) -> Partnership:
    """The norm's number of days within which a member who missed a meeting is debriefed (1 to
    90); debriefs already due keep their day."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 90:
        raise RuleError(f"a debrief is due 1 to 90 days after the meeting (found {days!r})")
    with store.transaction() as tx:
        tx.require_member()
        was = _debrief_days(tx)  # a file without the field has the norm's default: undo gives that back
        if was != days:
            tx.update(
                "meta",
                1,
                {"debrief_days": days},
                kind="partnership.debrief_days",
                record="partnership",
                logged={"debrief_days": [was, days]},
            )
        return saved(tx, "meta", 1)  # type: ignore[no-any-return]


# --- decisions ----------------------------------------------------------------------------------


def decide(store: Store, meeting_id: int, text: str, *, about: str | None = None) -> Meeting:
    """Record a decision the meeting took, about a plan (``P3``) or a norm (``N2``) or nothing;
    a vote taken in the meeting is cast with ``workplan vote`` and stays the vote record."""
    words = typed.text(text, "decision", LONG_TEXT)
    mention = _about(about)
    with store.transaction() as tx:
        tx.require_member()
        raw = tx.get("meetings", meeting_id)
        problem = meetings.not_yet_problem(
            _meeting(tx, meeting_id), local_day(store.clock()), "its decisions are recorded"
        )
        problem = problem or meetings.decision_about_problem(tx.workplan(), mention)
        if problem:
            raise RuleError(problem)
        decision: dict[str, Any] = {"text": words, "by": tx.user, "at": tx.now}
        if mention is not None:
            decision["about"] = mention
        logged = {"decision": [None, words]}
        if mention is not None:
            logged["about"] = [None, mention]
        tx.update(
            "meetings",
            meeting_id,
            {"decisions": [*raw.get("decisions", []), decision]},
            kind="meeting.decide",
            logged=logged,
        )
        return _meeting(tx, meeting_id)


def remove_decision(store: Store, meeting_id: int, number: int, *, expected_rev: int | None = None) -> Meeting:
    """Take decision ``number`` (from 1) off a meeting's record (recorded by mistake)."""
    with store.transaction() as tx:
        tx.require_member()
        raw = tx.get("meetings", meeting_id)
        items = list(raw.get("decisions", []))
        index = _number(items, number, "decision")
        after = [*items[:index], *items[index + 1 :]]
        tx.update("meetings", meeting_id, {"decisions": after}, kind="meeting.undecide", expected_rev=expected_rev)
        return _meeting(tx, meeting_id)
