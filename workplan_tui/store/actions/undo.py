"""Undo: take back one of my changes, from the activity log."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any

from workplan_tui.model import schema
from workplan_tui.model.records import (
    CLOSED_PLAN_STATUSES,
    RECORDS,
    Activity,
    Partnership,
    id_of_label,
    label,
    table_named,
)
from workplan_tui.model.rules import RuleError
from workplan_tui.store.actions.common import _check_not_frozen, _find, _member_handles, removed
from workplan_tui.store.actions.series import RECUR, one_open
from workplan_tui.store.history import History
from workplan_tui.store.storage import StoreError
from workplan_tui.store.store import NotFoundError, Store, Tx


@dataclass(slots=True)
class Undone:
    """What an undo did: the log entry it took back (``entry``, its ``kind``, the ``record``
    it changed: ``T12``, ``partner CITY``) and what is back as it was (``restored``: fields
    as stored; ``{"record": <the record>}`` for a removal undone, whose ``"tasks"`` got their
    reference back; ``{"record": None}`` for an addition undone; ``{"note": None}`` for a
    note taken back). ``not_restored``: tasks not given back, changed since."""

    entry: int
    kind: str
    record: str
    restored: dict[str, Any]
    not_restored: list[str] | None = None


# The tables whose changes undo takes back (votes are undone as votes; conflicts are settled).
_UNDOABLE = (
    "meta", "partners", "members", "norms", "plans", "outcomes", "tasks", "grants", "meetings", "milestones", "series"
)  # fmt: skip


def _record_of(tx: Tx, record: str) -> tuple[str, int]:
    """The (table, id) an activity entry's ``record`` names (``records.table_named``)."""
    table = table_named(record)
    if table is None or table not in _UNDOABLE:
        raise RuleError(f"cannot undo a change to {record!r}")
    if table == Partnership.TABLE:
        return table, 1
    named_by = RECORDS[table].NAMED_BY
    if named_by is not None:
        doc_id = _find(tx, table, named_by, record.split(" ", 1)[1])
        if doc_id is None:
            raise NotFoundError(f"{record} no longer exists")
        return table, doc_id
    parsed = id_of_label(record)
    assert parsed is not None  # table_named read it as a label
    return table, parsed[1]


def last_undoable(history: History, user: str) -> int | None:
    """The id of ``user``'s latest change that is not an undo and not undone yet.

    Reads the log from the newest entry back, so it costs how far back that change is.
    """
    undone: set[int] = set()
    for entry in history.newest():
        if entry.undoes is not None:
            undone.add(entry.undoes)
        # an instance a recurring task made when it was done is undone with that done (RECUR)
        if entry.member == user and entry.kind not in ("undo", RECUR) and entry.id not in undone:
            return entry.id
    return None


def undo(store: Store, entry_id: int | None = None) -> Undone:
    """Undo one of my changes (my latest when ``entry_id`` is None).

    Refused, changing nothing, when anyone has changed that record since; the undo
    is itself logged (kind ``undo``, pointing at the entry it reverses).
    """
    with store.transaction() as tx:
        tx.require_member()
        history = tx.history()
        if entry_id is None:
            entry_id = last_undoable(history, tx.user)
            if entry_id is None:
                raise RuleError(f"{tx.user} has no change to undo")
        # Everything after the entry, newest first, and the entry itself.
        newer: list[Activity] = []
        found: Activity | None = None
        entries = history.newest()
        for item in entries:
            if item.id == entry_id:
                found = item
                break
            if item.id < entry_id:
                break
            newer.append(item)
        if found is None:
            raise NotFoundError(f"no activity entry A{entry_id}")
        entry = _as_raw(found)
        if found.member != tx.user:
            raise RuleError(f"A{entry_id} is {found.member}'s change, not yours")
        undone = {a.undoes for a in newer}
        if entry_id in undone:
            raise RuleError(f"A{entry_id} ({found.kind} on {found.record}) is already undone")
        kind, record = found.kind, found.record
        back = id_of_label(record) if table_named(record) == "tasks" else None
        was = tx.data.get("tasks", {}).get(str(back[1])) if back is not None else None
        was_open = isinstance(was, dict) and was.get("status") != "done"  # absent (removed) or done: closed
        if (kind.endswith(".add") and kind not in UNDONE_BY_REMOVING) or kind in ("partnership.create", "undo"):
            raise RuleError(f"cannot undo {kind} on {record}; edit or remove it instead")
        # Later changes to the record count, except pairs of a change and its undo.
        later = [a for a in newer if a.record == record and a.id not in undone and a.undoes is None]
        if kind == "vote":  # others' votes on the plan are not changes to mine; the plan's own moves are
            later = [a for a in later if a.member == found.member and a.kind == "vote" or a.kind.startswith("plan.")]
        if later:
            who = later[0]
            raise RuleError(
                f"{who.member} changed {record} since ({who.kind}, {who.at[:16].replace('T', ' ')}); nothing undone"
            )
        if kind in UNDONE_BY_REMOVING:
            table, doc_id = _record_of(tx, record)
            _check_not_frozen(tx, table, tx.get(table, doc_id))
            users = _referring(tx, table, doc_id)
            if users:
                raise RuleError(f"{record} is in use now ({', '.join(users[:5])}); remove those first; nothing undone")
            tx.remove(table, doc_id, kind="undo", record=record, undoes=entry_id)
            result = Undone(entry_id, kind, record, {"record": None})
        elif kind == "vote":
            result = _undo_vote(tx, entry_id, entry)
        elif kind in REMOVALS:
            # The entries a removal logged just before its own (tasks unassigned or unlinked).
            preceding = list(islice(entries, len(_dependents(found))))
            result = _undo_removal(tx, found, newer, preceding)
        elif kind in _APPENDS and _APPENDS[kind][0] in entry.get("changes", {}):
            result = _undo_append(tx, entry_id, entry)
        elif kind in ("partner.pledge", "partner.deliver", "partner.followup"):
            result = _undo_resource(tx, entry_id, entry)
        elif kind == "task.followup":
            result = _undo_task_followup(tx, entry_id, entry)
        elif kind == "partner.schedule":
            result = _undo_schedule(tx, entry_id, entry)
        else:
            table, doc_id = _record_of(tx, record)
            current = tx.get(table, doc_id)
            _check_not_frozen(tx, table, current)
            changes = entry.get("changes", {})
            if any(current.get(name) != after for name, (_, after) in changes.items()):
                raise RuleError(f"{record} was changed since (by hand?); nothing undone")
            restored = {name: before for name, (before, _) in changes.items()}
            leads = _leads(tx) if table == "members" else None
            tx.update(table, doc_id, restored, kind="undo", record=record, undoes=entry_id)
            if leads and not _leads(tx):
                raise RuleError(f"undoing A{entry_id} would leave the partnership without a lead; nothing undone")
            result = Undone(entry_id, kind, record, restored)
        if kind not in REMOVALS:
            _undo_made_with(tx, found, newer, result)
        if back is not None and not was_open and str(back[1]) in tx.data.get("tasks", {}):
            # a removed or done instance open again: its series may have made another since
            one_open(tx, back[1], f"come back (undoing A{entry_id})")
        # The logged "before" values come from the file, which anyone may have edited:
        # the whole partnership must still be sound (references, unique codes) after undoing.
        problems = schema.validate(tx.data)
        if problems:
            raise RuleError(f"undoing A{entry_id} would leave the file unsound ({problems[0]}); nothing undone")
        return result


# What refers to a record of each table: (the table that refers, its field).
_REFERRED_BY: dict[str, tuple[tuple[str, str], ...]] = {
    "plans": (("tasks", "plan"), ("outcomes", "plan"), ("votes", "plan"), ("milestones", "plan"), ("series", "plan")),
    "outcomes": (("tasks", "outcome"), ("milestones", "outcomes")),
    "tasks": (("tasks", "waits_on"), ("milestones", "tasks")),
    "series": (("tasks", "series"),),
    "meetings": (("tasks", "meeting"),),
}


def _referring(tx: Tx, table: str, doc_id: int) -> list[str]:
    """The records that refer to record ``doc_id`` of ``table`` (a plan's tasks, outcomes, votes,
    milestones and series; an outcome's linked tasks and milestones; the tasks waiting on a task;
    a meeting's action items), as labels: what its removal would leave dangling."""
    found = []
    for other, field in _REFERRED_BY.get(table, ()):
        for key, raw in tx.data.get(other, {}).items():
            value = raw.get(field) if isinstance(raw, dict) else None
            if value == doc_id or (isinstance(value, list) and doc_id in value):
                found.append(label(other, int(key)))
    return found


def _undo_made_with(tx: Tx, found: Activity, newer: list[Activity], result: Undone) -> None:
    """Take back what a change made along with it, in the same change (the log entries right
    after or before its own, by the same member at the same moment): the next instance a
    recurring task made when it was done (``task.recur``), unless someone changed that instance
    since; a series made for a task (``series.add``) that no task is an instance of any more."""
    undone = {a.undoes for a in newer}
    same = [a for a in newer if a.member == found.member and a.at == found.at and a.os_user == found.os_user]
    for made in same:
        if made.kind != RECUR or made.id in undone or made.id != found.id + 1:
            continue
        parsed = id_of_label(made.record)
        touched = any(a.record == made.record and a.id != made.id and a.id not in undone for a in newer)
        if parsed is None or touched or str(parsed[1]) not in tx.data.get("tasks", {}):
            continue
        tx.remove("tasks", parsed[1], kind="undo", record=made.record, undoes=made.id)
        result.restored.setdefault("removed", []).append(made.record)
    pair = found.changes.get("series")
    series_id = pair[1] if isinstance(pair, list) and len(pair) == 2 else None
    if type(series_id) is not int or str(series_id) not in tx.data.get("series", {}):
        return
    if _referring(tx, "series", series_id):
        return
    try:
        made_it = tx.history().entry(found.id - 1)
    except StoreError:
        return
    if made_it is None or made_it.kind != "series.add" or made_it.record != label("series", series_id):
        return
    if (made_it.member, made_it.at) != (found.member, found.at):
        return
    tx.remove("series", series_id, kind="undo", record=made_it.record, undoes=made_it.id)
    result.restored.setdefault("removed", []).append(label("series", series_id))


def _leads(tx: Tx) -> list[str]:
    return [m["handle"] for m in tx.data.get("members", {}).values() if m.get("role") == "lead"]


# Additions that undo takes back by removing the record (kept whole in the log, as any
# removal): a task, an outcome, a norm, a plan, a meeting, a milestone or a series that nothing
# refers to yet. A member or a partner is removed with its own command and rules (`member rm`,
# `partner rm`).
UNDONE_BY_REMOVING = ("task.add", "outcome.add", "norm.add", "plan.add", "meeting.add", "milestone.add", "series.add")


# Kinds that remove a record -> (its table, the task field that referred to it, the
# logged name of the tasks that lost the reference in the same change).
REMOVALS: dict[str, tuple[str, str | None, str | None]] = {
    "task.rm": ("tasks", None, None),
    "outcome.rm": ("outcomes", "outcome", "unlinked"),
    "member.rm": ("members", "owner", "unassigned"),
    "partner.rm": ("partners", None, None),
    "norm.withdraw": ("norms", None, None),
    "grant.rm": ("grants", None, None),
    "milestone.rm": ("milestones", None, None),
    "meeting.rm": ("meetings", "meeting", "unlinked"),
}


def _dependents(entry: Activity) -> list[str]:
    """The tasks a removal took a reference from, as logged ('T3'), or []."""
    name = REMOVALS[entry.kind][2]
    pair = entry.changes.get(name) if name else None
    labels = pair[0] if isinstance(pair, list) and pair else None
    if not isinstance(labels, list) or len(labels) > 100_000:
        return []
    return [t for t in labels if isinstance(t, str)]


def _undo_removal(tx: Tx, found: Activity, newer: list[Activity], preceding: list[Activity]) -> Undone:
    """Put a removed record back, as it was and under its id; give back the references it took.

    A task that lost its owner (or outcome) in the same change gets it back unless someone
    has changed that task since; the result says which did not (``not_restored``).
    """
    table, field, _ = REMOVALS[found.kind]
    entry_id, record = found.id, found.record
    pair = found.changes.get("record")
    payload = pair[0] if isinstance(pair, list) and pair else None
    if (
        not isinstance(payload, dict)
        or type(payload.get("id")) is not int
        or not isinstance(payload.get("record"), dict)
    ):
        raise RuleError(f"A{entry_id} does not hold the removed record (edited by hand?); nothing undone")
    doc_id, fields = payload["id"], dict(payload["record"])
    if _removal_label(table, doc_id, fields) != record:
        raise RuleError(f"A{entry_id} holds another record than {record} (edited by hand?); nothing undone")
    if table in ("tasks", "outcomes", "milestones"):
        plan_id = fields.get("plan")
        if not isinstance(plan_id, int) or str(plan_id) not in tx.data.get("plans", {}):
            raise RuleError(f"{record}'s plan P{plan_id} no longer exists; nothing undone")
        _check_not_frozen(tx, table, fields)
        outcome = fields.get("outcome") if table == "tasks" else None
        if outcome is not None and str(outcome) not in tx.data.get("outcomes", {}):
            raise RuleError(f"{record}'s outcome O{outcome} was removed since; undo that first. Nothing undone")
    elif table == "partners":
        code = fields.get("code")
        if not isinstance(code, str):
            raise RuleError(f"A{entry_id} does not hold a partner's code (edited by hand?); nothing undone")
        if any(str(p.get("code")).lower() == code.lower() for p in tx.data.get("partners", {}).values()):
            raise RuleError(f"a partner {code} exists again; nothing undone")
    elif table == "members":
        if not isinstance(fields.get("handle"), str):
            raise RuleError(f"A{entry_id} does not hold a member's handle (edited by hand?); nothing undone")
        if fields["handle"] in _member_handles(tx):
            raise RuleError(f"a member {fields.get('handle')} exists again; nothing undone")
        partner = fields.get("partner")
        if not isinstance(partner, str) or _find(tx, "partners", "code", partner) is None:
            raise RuleError(f"{record}'s partner {partner} was removed since; undo that first. Nothing undone")
    tx.restore(table, doc_id, fields, record=record, undoes=entry_id)
    result = Undone(entry_id, found.kind, record, {"record": removed(table, doc_id, fields)})
    labels = _dependents(found)
    if field is None or not labels:
        return result
    value = fields.get("handle") if table == "members" else doc_id
    undone = {a.undoes for a in newer}
    own = {  # the same change's own steps: same member, same moment, exactly that reference taken
        a.record: a
        for a in preceding
        if a.member == found.member and a.at == found.at and a.changes == {field: [value, None]}
    }
    given_back, not_restored = [], []
    for task_label in labels:
        step = own.get(task_label)
        parsed = id_of_label(task_label)
        task = tx.data.get("tasks", {}).get(str(parsed[1])) if parsed and table_named(task_label) == "tasks" else None
        touched = any(a.record == task_label and a.id not in undone and a.undoes is None for a in newer)
        plan = tx.data.get("plans", {}).get(str(task.get("plan"))) if task else None
        if step is None or step.id in undone or task is None or touched or task.get(field) is not None:
            not_restored.append(task_label)
        elif plan is None or plan.get("status") == "archived":
            not_restored.append(task_label)
        else:
            assert parsed is not None
            tx.update("tasks", parsed[1], {field: value}, kind="undo", record=task_label, undoes=step.id)
            given_back.append(task_label)
    result.restored["tasks"] = given_back
    result.not_restored = not_restored
    return result


def _removal_label(table: str, doc_id: int, fields: dict[str, Any]) -> str:
    """The ``record`` a removal of this record is logged under."""
    if table == "partners":
        return f"partner {fields.get('code')}"
    if table == "members":
        return f"member {fields.get('handle')}"
    return label(table, doc_id)


def _as_raw(entry: Activity) -> dict[str, Any]:
    """A log entry as the dict the undo helpers read."""
    return {"kind": entry.kind, "record": entry.record, "member": entry.member, "changes": entry.changes}


# Changes that append an item to a list, logged as the item: kind -> (logged name, list field, item's value key)
_APPENDS = {
    "task.note": ("note", "updates", "text"),
    "outcome.checkin": ("checkin", "checkins", "value"),
    "meeting.decide": ("decision", "decisions", "text"),
}


def _undo_append(tx: Tx, entry_id: int, entry: dict[str, Any]) -> Undone:
    """Take back an appended note or check-in: it must still be the list's last item, and mine."""
    name, field, key = _APPENDS[entry["kind"]]
    table, doc_id = _record_of(tx, entry["record"])
    current = tx.get(table, doc_id)
    _check_not_frozen(tx, table, current)
    items = current.get(field, [])
    added = entry["changes"][name][1]
    if not items or items[-1].get("by") != entry.get("member") or items[-1].get(key) != added:
        raise RuleError(f"{entry['record']} has a newer {name} since; nothing undone")
    restored: dict[str, Any] = {field: items[:-1]}
    logged: dict[str, list[Any]] = {name: [added, None]}
    if "current" in entry["changes"]:
        before, after = entry["changes"]["current"]
        if current.get("current") != after:
            raise RuleError(f"{entry['record']} was changed since; nothing undone")
        restored["current"] = before
        logged["current"] = [after, before]
    tx.update(table, doc_id, restored, kind="undo", record=entry["record"], undoes=entry_id, logged=logged)
    return Undone(entry_id, entry["kind"], entry["record"], {name: None})


def _undo_vote(tx: Tx, entry_id: int, entry: dict[str, Any]) -> Undone:
    pair = entry.get("changes", {}).get("vote")
    parsed = id_of_label(entry["record"])
    if pair is None or parsed is None or parsed[0] != "P" or str(parsed[1]) not in tx.data.get("plans", {}):
        raise RuleError(f"A{entry_id} is not a vote on an existing plan; nothing undone")
    previous, position = pair
    plan_id = parsed[1]
    if previous is None:  # my first vote: I have not voted on the plan again
        return _withdraw_vote(tx, entry_id, entry, plan_id, position)
    earlier = [v for v in tx.workplan().votes if v.plan == plan_id and v.member == tx.user]
    comment = earlier[-2].comment if len(earlier) >= 2 else ""
    tx.insert(
        "votes", {"plan": plan_id, "member": tx.user, "position": previous, "comment": comment, "at": tx.now}, log=False
    )
    tx.log("undo", entry["record"], {"vote": [position, previous]}, undoes=entry_id)
    return Undone(entry_id, "vote", entry["record"], {"vote": previous})


def _withdraw_vote(tx: Tx, entry_id: int, entry: dict[str, Any], plan_id: int, position: str) -> Undone:
    """Undo a member's first vote on a plan: they have not voted on it, as before. Their vote
    records on the plan (the first, and any changed and changed back since) leave the votes
    table; the log keeps what they said and that it was taken back."""
    votes = tx.data.get("votes", {})
    mine = [int(key) for key, raw in votes.items() if raw.get("plan") == plan_id and raw.get("member") == tx.user]
    if not mine:
        raise RuleError(f"{entry['record']} holds no vote of yours (edited by hand?); nothing undone")
    latest = votes[str(max(mine))].get("position")
    if latest != position:
        raise RuleError(f"your vote on {entry['record']} is {latest} now, not {position}; nothing undone")
    plan = tx.get("plans", plan_id)
    if plan.get("status") in CLOSED_PLAN_STATUSES:
        raise RuleError(f"{entry['record']} is {plan.get('status')}; votes are closed. Nothing undone")
    for doc_id in sorted(mine):
        tx.remove("votes", doc_id, kind="undo", log=False)
    tx.log("undo", entry["record"], {"vote": [position, None]}, undoes=entry_id)
    return Undone(entry_id, "vote", entry["record"], {"vote": None})


def _undo_resource(tx: Tx, entry_id: int, entry: dict[str, Any]) -> Undone:
    """Take back a pledge, a delivery or a follow-up on a pledge: it must still be the last of its
    list, exactly as logged."""
    name, items = {
        "partner.pledge": ("contribution", ""),
        "partner.deliver": ("delivery", "deliveries"),
        "partner.followup": ("followup", "followups"),
    }[entry["kind"]]
    pair = entry.get("changes", {}).get(name)
    logged = pair[1] if isinstance(pair, list) and len(pair) == 2 else None
    table, doc_id = _record_of(tx, entry["record"])
    if table != "partners" or not isinstance(logged, dict):
        raise RuleError(f"A{entry_id} does not hold the {name} it added (edited by hand?); nothing undone")
    contributions = [dict(c) for c in tx.get(table, doc_id).get("contributions", [])]
    item = dict(logged)
    if name == "contribution":
        number = item.pop("number", None)
        if not contributions or number != len(contributions) or contributions[-1] != item:
            raise RuleError(f"{entry['record']}'s contributions changed since; nothing undone")
        contributions.pop()
    else:
        number = item.pop("contribution", None)
        if type(number) is not int or not 1 <= number <= len(contributions):
            raise RuleError(f"{entry['record']}'s contributions changed since; nothing undone")
        listed = list(contributions[number - 1].get(items, []))
        if not listed or listed[-1] != item:
            raise RuleError(f"{entry['record']} has a newer {name} since; nothing undone")
        contributions[number - 1][items] = listed[:-1]
    tx.update(
        table,
        doc_id,
        {"contributions": contributions},
        kind="undo",
        record=entry["record"],
        undoes=entry_id,
        logged={name: [logged, None]},
    )
    return Undone(entry_id, entry["kind"], entry["record"], {name: None})


def _undo_task_followup(tx: Tx, entry_id: int, entry: dict[str, Any]) -> Undone:
    """Take back a follow-up on a task, and the due date it set: the follow-up must still be the
    task's last and its due date still the one it set."""
    table, doc_id = _record_of(tx, entry["record"])
    current = tx.get(table, doc_id)
    _check_not_frozen(tx, table, current)
    changes = entry.get("changes", {})
    pair = changes.get("followup")
    added = pair[1] if isinstance(pair, list) and len(pair) == 2 else None
    items = current.get("followups", [])
    if not isinstance(added, dict) or not items or items[-1] != added:
        raise RuleError(f"{entry['record']} has a newer follow-up since (or was edited by hand); nothing undone")
    restored: dict[str, Any] = {"followups": items[:-1]}
    logged: dict[str, list[Any]] = {"followup": [added, None]}
    due = changes.get("due")
    if isinstance(due, list) and len(due) == 2:
        if current.get("due") != due[1]:
            raise RuleError(f"{entry['record']}'s due date was changed since; nothing undone")
        restored["due"] = due[0]
        logged["due"] = [due[1], due[0]]
    tx.update(table, doc_id, restored, kind="undo", record=entry["record"], undoes=entry_id, logged=logged)
    return Undone(entry_id, entry["kind"], entry["record"], {"followup": None})


def _undo_schedule(tx: Tx, entry_id: int, entry: dict[str, Any]) -> Undone:
    """Put a pledge's dates back as they were, while they are still as the change left them."""
    pair = entry.get("changes", {}).get("dates")
    table, doc_id = _record_of(tx, entry["record"])
    if (
        table != "partners"
        or not isinstance(pair, list)
        or len(pair) != 2
        or not all(isinstance(p, dict) for p in pair)
    ):
        raise RuleError(f"A{entry_id} does not hold the dates it changed (edited by hand?); nothing undone")
    before, after = (dict(p) for p in pair)
    number = after.pop("contribution", None)
    before.pop("contribution", None)
    contributions = [dict(c) for c in tx.get(table, doc_id).get("contributions", [])]
    if type(number) is not int or not 1 <= number <= len(contributions):
        raise RuleError(f"{entry['record']}'s contributions changed since; nothing undone")
    target = contributions[number - 1]
    if {k: target[k] for k in ("due", "schedule") if k in target} != after:
        raise RuleError(f"{entry['record']} #{number}'s dates changed since; nothing undone")
    for name in ("due", "schedule"):
        target.pop(name, None)
    target.update(before)
    tx.update(
        table,
        doc_id,
        {"contributions": contributions},
        kind="undo",
        record=entry["record"],
        undoes=entry_id,
        logged={"dates": pair[::-1]},
    )
    return Undone(entry_id, entry["kind"], entry["record"], {"dates": before})
