"""Conflicts a merge recorded (sync/merge.py): settling them."""

from __future__ import annotations

from typing import Any, NamedTuple

from workplan_tui.model.records import label
from workplan_tui.model.rules import RuleError
from workplan_tui.store.actions.common import _check_not_frozen, _open_plan, _tasks_where
from workplan_tui.store.actions.series import one_open
from workplan_tui.store.store import Store, Tx

_RECORD_CONFLICT = "(record)"


def conflict_side(conflict: dict[str, Any], which: str, user: str) -> int:
    """Which side (0 or 1) ``which`` names: ``1``/``2``, ``mine`` (the side I set) or ``theirs``
    (the other one), or a side's value as listed (``removed``/``kept`` for a removed record)."""
    sides = conflict["sides"]
    text = which.strip().lower()
    if text in ("1", "2"):
        return int(text) - 1
    if text in ("mine", "theirs"):
        mine = [i for i, side in enumerate(sides) if side.get("by") == user]
        if len(mine) != 1:
            whose = "both sides are" if mine else "neither side is"
            raise RuleError(f"{whose} {user}'s; choose 1 or 2 (see 'workplan conflicts')")
        return mine[0] if text == "mine" else 1 - mine[0]
    for i, side in enumerate(sides):
        if isinstance(side.get("value"), str) and side["value"].lower() == text:
            return i
    raise RuleError(f"{which!r} is not a side; choose 1, 2, mine or theirs")


class Settled(NamedTuple):
    """What settling a conflict did: the conflict as it was recorded (``stored``: the file's
    fields, whose ``base`` is absent when the field was new), the side chosen (0 or 1), and
    whether the record it is about still exists."""

    stored: dict[str, Any]
    conflict_id: int
    side: int
    exists: bool

    @property
    def value(self) -> Any:
        """The value the field took (the chosen side's)."""
        return self.stored["sides"][self.side]["value"]


def resolve_conflict(store: Store, conflict_id: int, which: str, *, expected_rev: int | None = None) -> Settled:
    """Settle a conflict: the field takes the chosen side's value, and every conflict recorded on
    that field goes (each logged). For a record one side removed and the other changed
    (``(record)``), ``kept`` keeps it and ``removed`` removes it (a task or norm; the others
    have their own command, which the refusal names)."""
    with store.transaction() as tx:
        tx.require_member()
        conflict = tx.get("conflicts", conflict_id)
        name = label("conflicts", conflict_id)
        if expected_rev is not None and conflict.get("rev", 1) != expected_rev:
            raise RuleError(f"{name} was changed since; nothing settled")
        side = conflict_side(conflict, which, tx.user)
        value = conflict["sides"][side]["value"]
        table, key, field = conflict["table"], conflict["key"], conflict["field"]
        record = tx.data.get(table, {}).get(str(key))
        settled = [
            int(k)
            for k, c in tx.data.get("conflicts", {}).items()
            if (c.get("table"), c.get("key")) == (table, key) and (c.get("field") == field or record is None)
        ]
        if record is not None and field == _RECORD_CONFLICT and value == "removed":
            _remove_for_conflict(tx, table, key, conflict["record"])
            conflicts = tx.data.get("conflicts", {}).items()
            settled = [int(k) for k, c in conflicts if (c.get("table"), c.get("key")) == (table, key)]
        elif record is not None and field != _RECORD_CONFLICT:
            _check_not_frozen(tx, table, record)
            if (table, field) == ("tasks", "waits_on") and isinstance(value, list):
                from workplan_tui.store.actions.tasks import check_waits

                current = record.get("waits_on") or []
                check_waits(tx, key, [v for v in value if v not in current])  # never a circle
            before = dict(record)
            if record.get(field) != value:
                tx.update(table, key, {field: value}, kind="conflict.resolve", record=conflict["record"])
            _still_sound(tx, table, key, before)
        elif record is not None and table == "tasks":  # a (record) kept: the series' second open instance?
            one_open(tx, key, "be kept")
        result = Settled(dict(conflict), conflict_id, side, record is not None)
        for other in sorted(set(settled) | {conflict_id}):
            tx.remove("conflicts", other, kind="conflict.settle", record=label("conflicts", other))
        return result


def _still_sound(tx: Tx, table: str, key: int, before: dict[str, Any]) -> None:
    """RuleError (nothing settled) when the value chosen breaks a rule every edit keeps: a meeting
    whose facilitator is its alternate (``meetings.role_problem``), a done instance of a series
    reopened while its next is open (``series.one_open``)."""
    after = tx.get(table, key)
    if table == "meetings":
        from workplan_tui.model.meetings import role_problem

        problem = role_problem(after.get("facilitator"), after.get("alternate"))
        if problem:
            raise RuleError(f"{problem}; nothing settled")
    elif table == "tasks" and before.get("status") == "done" and after.get("status") != "done":
        one_open(tx, key)


def _remove_for_conflict(tx: Tx, table: str, key: int, record: str) -> None:
    """Take away a record a merge kept although one side had removed it."""
    raw = tx.get(table, key)
    if table == "tasks":
        _open_plan(tx, raw["plan"])
        tx.remove("tasks", key, kind="task.rm")
    elif table == "norms":
        tx.remove("norms", key, kind="norm.withdraw")
    elif table == "outcomes" and not _tasks_where(tx, "outcome", key):
        _open_plan(tx, raw["plan"])
        tx.remove("outcomes", key, kind="outcome.rm")
    else:
        command = {
            "outcomes": f"workplan outcome rm {record} --unlink",
            "members": f"workplan member rm {record.removeprefix('member ')}",
            "partners": f"workplan partner rm {record.removeprefix('partner ')}",
        }.get(table, "the command that removes it")
        raise RuleError(f"remove {record} with '{command}', then settle this conflict with 'kept'; nothing changed")
