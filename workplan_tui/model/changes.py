"""How a log entry reads for people: one wording for the board's notices and activity log, the
command line's log, listings and status, and the messages of git commits (pure).

References read as labels (``plan - → P3``, never the stored ids), a list of labels or
handles as its items (``agreed_by alice → alice, bob``), a record kept whole by its removal
by its name, a note added as the note (``note: Called the supplier``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workplan_tui.model import contract
from workplan_tui.model.records import Activity, Workplan, label, table_named
from workplan_tui.model.text import clean, short

# The kinds of change that remove a record (kept whole in the entry: undo puts it back).
REMOVAL_KINDS = ("task.rm", "outcome.rm", "member.rm", "partner.rm", "norm.withdraw", "grant.rm")


# A field as people call it (the board's labels, lower case), where its stored name is not a word.
FIELD_WORDS = {
    "blocked_reason": "reason blocked",
    "due": "due date",
    "agreed_by": "agreed by",
    "interests_short": "short-term interests",
    "interests_long": "long-term interests",
    "archived_from": "archived from",
    "closes": "closing date",
    "checkin": "check-in",
    "retired_ids": "retired ids",
}


def field_words(name: str) -> str:
    """A field as people call it: 'reason blocked' for ``blocked_reason``, 'due date' for ``due``."""
    return FIELD_WORDS.get(name, name.replace("_", " "))


def labelled(entry: Activity) -> dict[str, Any]:
    """The entry's ``{field: [before, after]}`` with reference ids as labels (``contract.changes``)."""
    return contract.changes(entry.record, entry.changes)


def value_text(value: Any, room: int = 30) -> str:
    """One value of a change, cut to ``room`` characters: '-' for none, a list of labels or
    handles as 'T3, T5', a record kept whole by its name, anything else cleaned."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return short(", ".join(value), room)
    return short(value, room)


def changes_line(entry: Activity, room: int = 30, arrow: str = "→") -> str:
    """'progress 40 → 60; outcome - → O3', each value cut to ``room`` characters; a note added
    reads 'note: Called the supplier', not 'note - → Called the supplier'."""
    parts = []
    for name, pair in labelled(entry).items():
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        if name == "note" and before is None and after is not None:
            parts.append(f"note: {value_text(after, room)}")
        else:
            parts.append(f"{name} {value_text(before, room)} {arrow} {value_text(after, room)}")
    return clean("; ".join(parts))


def describe(entry: Activity, *, who: bool = True) -> str:
    """'bob: T12 progress 40 → 60' for a notice; 'bob: removed T12 (Order soil)' for a removal,
    'bob: restored T12 (Order soil)' for its undo. Without ``who``, only what was done."""
    prefix = f"{entry.member}: " if who else ""
    whole = labelled(entry).get("record")
    if isinstance(whole, list) and len(whole) == 2 and entry.kind in (*REMOVAL_KINDS, "undo"):
        if entry.kind != "undo" or whole[0] is None:
            done, record = ("restored", whole[1]) if entry.kind == "undo" else ("removed", whole[0])
            return clean(f"{prefix}{done} {entry.record} ({short(record)})")
    return clean(f"{prefix}{entry.record} {changes_line(entry) or entry.kind}")


def about_plan(workplan: Workplan, plan_id: int) -> Callable[[Activity], bool]:
    """Whether a log entry is about plan ``plan_id``: the plan itself (and votes on it), a task or
    outcome of it, or a record removed since whose entry says it was of that plan (its ``plan``
    change, or the record kept whole by its removal). ``workplan log --plan`` and the board's
    activity filter (``plan:P2``) ask this."""
    mine = {label("plans", plan_id)}
    mine |= {t.label for t in workplan.tasks.values() if t.plan == plan_id}
    mine |= {o.label for o in workplan.outcomes.values() if o.plan == plan_id}

    def about(entry: Activity) -> bool:
        if entry.record in mine:
            return True
        pair = entry.changes.get("plan")
        if isinstance(pair, list) and plan_id in pair:
            return True
        kept = entry.changes.get("record")
        return (
            isinstance(kept, list)
            and any(
                isinstance(side, dict)
                and isinstance(side.get("record"), dict)
                and side["record"].get("plan") == plan_id
                for side in kept
            )
            and table_named(entry.record) in ("tasks", "outcomes")
        )

    return about


def summary(entry: Activity) -> str:
    """One change in a few words, for a git commit: 'T12 progress 40 -> 60', 'T14 done',
    'new T41', 'removed T3', 'P2 vote agree', 'T12 note', 'O1 check-in 40'."""
    changes = labelled(entry)
    if entry.kind == "partnership.create":
        return "created the partnership"
    if entry.kind.endswith(".add"):
        return f"new {entry.record}"
    if entry.kind in REMOVAL_KINDS:
        return f"removed {entry.record}"
    if entry.kind == "vote" and isinstance(changes.get("vote"), list):
        return f"{entry.record} vote {value_text(changes['vote'][1], 24)}"
    status = changes.get("status")
    if isinstance(status, list) and len(status) == 2 and status[1] == "done":
        return f"{entry.record} done"
    for name, what in (("note", "note"), ("checkin", "check-in")):
        if name in changes:
            value = changes[name][1] if name == "checkin" and isinstance(changes[name], list) else None
            return f"{entry.record} {what}" + (f" {value_text(value, 24)}" if value is not None else "")
    kept = {k: v for k, v in list(entry.changes.items())[:3] if isinstance(v, list) and len(v) == 2}
    shown = changes_line(entry.replace(changes=kept), 24, "->") if kept else ""
    return f"{entry.record} {shown.replace('; ', ', ') or entry.kind}"
