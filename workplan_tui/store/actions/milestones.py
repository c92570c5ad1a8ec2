"""Milestones: a day in a plan by which some of its tasks and outcomes must be done."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workplan_tui.model import rules, schema, typed
from workplan_tui.model.records import Milestone, label
from workplan_tui.model.rules import RuleError
from workplan_tui.store.actions.common import _open_plan, _plan_model, removed, saved
from workplan_tui.store.store import Store, Tx


def _members_of_plan(tx: Tx, plan_id: int, table: str, ids: Sequence[int]) -> list[int]:
    """``ids`` (tasks or outcomes), each checked to exist and to be of plan ``plan_id``; in order, once."""
    wanted = list(dict.fromkeys(ids))
    for record_id in wanted:
        raw = tx.get(table, record_id)  # NotFoundError for one that does not exist
        problem = rules.not_of_plan(label(table, record_id), raw.get("plan"), plan_id, table)
        if problem:
            raise RuleError(problem)
    return wanted


def _due(due: str) -> str:
    if not schema.valid_date(due):
        raise RuleError(f"a milestone's date {due!r} is not YYYY-MM-DD")
    return due


def add_milestone(
    store: Store,
    plan_id: int,
    name: str,
    due: str,
    *,
    tasks: Sequence[int] = (),
    outcomes: Sequence[int] = (),
) -> Milestone:
    """Add a milestone to a plan: its name, its day, and the plan's tasks and outcomes that must
    be done (met) by then. A completed or archived plan takes no new milestones."""
    fields: dict[str, Any] = {"plan": plan_id, "name": typed.text(name, "milestone name"), "due": _due(due)}
    with store.transaction() as tx:
        tx.require_member()
        rules.check_can_add(_plan_model(tx, plan_id), "milestones")
        listed = _members_of_plan(tx, plan_id, "tasks", tasks)
        reached = _members_of_plan(tx, plan_id, "outcomes", outcomes)
        if listed:
            fields["tasks"] = listed
        if reached:
            fields["outcomes"] = reached
        doc_id = tx.insert("milestones", fields)
        return saved(tx, "milestones", doc_id)  # type: ignore[no-any-return]


def edit_milestone(
    store: Store,
    milestone_id: int,
    *,
    name: str | None = None,
    due: str | None = None,
    add_tasks: Sequence[int] = (),
    drop_tasks: Sequence[int] = (),
    add_outcomes: Sequence[int] = (),
    drop_outcomes: Sequence[int] = (),
    expected_rev: int | None = None,
) -> Milestone:
    """Rename a milestone, move its day, add or take out tasks and outcomes (of its plan)."""
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = typed.text(name, "milestone name")
    if due is not None:
        changes["due"] = _due(due)
    with store.transaction() as tx:
        tx.require_member()
        raw = tx.get("milestones", milestone_id)
        plan_id = raw["plan"]
        _open_plan(tx, plan_id)
        for field, table, add, drop in (
            ("tasks", "tasks", add_tasks, drop_tasks),
            ("outcomes", "outcomes", add_outcomes, drop_outcomes),
        ):
            if not add and not drop:
                continue
            current = list(raw.get(field) or [])
            missing = [i for i in drop if i not in current]
            if missing:
                shown = ", ".join(label(table, i) for i in missing)
                raise RuleError(f"{label('milestones', milestone_id)} does not list {shown}")
            kept = [i for i in current if i not in drop]
            changes[field] = kept + [i for i in _members_of_plan(tx, plan_id, table, add) if i not in kept]
        if not tx.update("milestones", milestone_id, changes, kind="milestone.edit", expected_rev=expected_rev):
            raise RuleError(f"{label('milestones', milestone_id)} already has those values; nothing changed")
        return saved(tx, "milestones", milestone_id)  # type: ignore[no-any-return]


def remove_milestone(store: Store, milestone_id: int, *, expected_rev: int | None = None) -> Milestone:
    """Remove a milestone (its tasks and outcomes stay); ``undo`` puts it back as it was."""
    with store.transaction() as tx:
        tx.require_member()
        _open_plan(tx, tx.get("milestones", milestone_id)["plan"])
        gone = tx.remove("milestones", milestone_id, kind="milestone.rm", expected_rev=expected_rev)
        return removed("milestones", milestone_id, gone)  # type: ignore[no-any-return]
