"""How the board words a log entry: references as labels (``plan - → P3``, as the CLI
shows them, never the stored ids), a removed record by its name. One place for the
notices, the activity screen and a task's history."""

from __future__ import annotations

from typing import Any

from workplan_tui.model import contract
from workplan_tui.model.records import Activity
from workplan_tui.model.text import clean, short
from workplan_tui.store import actions


def labelled(entry: Activity) -> dict[str, Any]:
    """The entry's ``{field: [before, after]}`` with reference ids as labels (``contract.changes``)."""
    return contract.changes(entry.record, entry.changes)


def changes_line(entry: Activity, room: int = 30) -> str:
    """'progress 40 → 60; outcome - → O3': each value cut to ``room`` characters. A note
    added reads 'note: Called the supplier', not 'note - → Called the supplier'."""
    parts = []
    for k, (before, after) in labelled(entry).items():
        if k == "note" and before is None and after is not None:
            parts.append(f"note: {short(after, room)}")
        else:
            parts.append(f"{k} {short(before, room)} → {short(after, room)}")
    return clean("; ".join(parts))


def describe(entry: Activity, *, who: bool = True) -> str:
    """'bob: T12 progress 40 → 60' for a notice; 'bob: removed T12 (Order soil)' for a removal,
    'bob: restored T12 (Order soil)' for its undo. Without ``who``, only what was done."""
    prefix = f"{entry.member}: " if who else ""
    whole = labelled(entry).get("record")
    if isinstance(whole, list) and len(whole) == 2 and entry.kind in (*actions.REMOVALS, "undo"):
        if entry.kind != "undo" or whole[0] is None:
            done, record = ("restored", whole[1]) if entry.kind == "undo" else ("removed", whole[0])
            return clean(f"{prefix}{done} {entry.record} ({short(record)})")
    return clean(f"{prefix}{entry.record} {changes_line(entry) or entry.kind}")
