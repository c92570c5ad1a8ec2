"""Outcomes of a plan and their check-ins."""

from __future__ import annotations

from typing import Any

from workplan_tui.model import rules, typed
from workplan_tui.model.records import CONFIDENCES, LONG_TEXT, UNIT_TEXT, Outcome, label
from workplan_tui.model.rules import RuleError
from workplan_tui.store.actions.common import (
    Removed,
    _labels,
    _lead,
    _open_plan,
    _plan_model,
    _tasks_where,
    removed,
    saved,
)
from workplan_tui.store.store import Store


def add_outcome(
    store: Store,
    plan_id: int,
    name: str,
    target: float,
    baseline: float = 0.0,
    unit: str = "",
    due: str | None = None,
    *,
    start: str | None = None,
    lead: str | None = None,
) -> Outcome:
    """A new outcome of a plan. ``start`` (ISO day) is when it starts to count; None: its
    plan's start, else the day it is added (``forecast.outcome_start``). ``lead``: the code of
    the partner that leads it (optional)."""
    fields: dict[str, Any] = {
        "plan": plan_id,
        "name": typed.text(name, "outcome name"),
        "unit": typed.text(unit, "unit", UNIT_TEXT, required=False),
        "baseline": typed.number(baseline, "baseline"),
        "target": typed.number(target, "target"),
        "current": typed.number(baseline, "baseline"),
        "due": due,
        "checkins": [],
    }
    if start is not None:
        fields["start"] = typed.day(start, "start date")
    problem = rules.schedule_problem("the outcome", start, due, "be due")
    if problem:
        raise RuleError(problem)
    with store.transaction() as tx:
        tx.require_member()
        rules.check_can_add(_plan_model(tx, plan_id), "outcomes")
        if lead:
            fields["lead"] = _lead(tx, lead)
        doc_id = tx.insert("outcomes", fields)
        return saved(tx, "outcomes", doc_id)


def checkin(store: Store, outcome_id: int, value: float, note: str = "", confidence: str | None = None) -> Outcome:
    """Record the outcome's value now, with a note (the story behind the curve) and how
    confident the one checking in is of reaching the target on time (low, medium, high)."""
    value = typed.number(value, "value")
    note = typed.text(note, "note", LONG_TEXT, required=False)
    if confidence is not None and confidence not in CONFIDENCES:
        raise RuleError(f"confidence {confidence!r} is not one of {', '.join(CONFIDENCES)}")
    with store.transaction() as tx:
        tx.require_member()
        outcome = tx.get("outcomes", outcome_id)
        _open_plan(tx, outcome["plan"])
        entry = {"value": value, "by": tx.user, "at": tx.now}
        if note:
            entry["note"] = note
        if confidence is not None:
            entry["confidence"] = confidence
        tx.update(
            "outcomes",
            outcome_id,
            {"current": value, "checkins": [*outcome.get("checkins", []), entry]},
            kind="outcome.checkin",
            logged={"current": [outcome.get("current", outcome.get("baseline", 0)), value], "checkin": [None, value]},
        )
        return saved(tx, "outcomes", outcome_id)


def edit_outcome(store: Store, outcome_id: int, fields: dict[str, Any], *, expected_rev: int | None = None) -> Outcome:
    """Change an outcome's name, unit, baseline, target, start or due date (never a start after
    the due date: ``rules.schedule_problem``), or its lead partner (a code; "" or None: none)."""
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "name":
            changes[name] = typed.text(value, "outcome name")
        elif name == "unit":
            changes[name] = typed.text(value, "unit", UNIT_TEXT, required=False)
        elif name in ("baseline", "target"):
            changes[name] = typed.number(value, name)
        elif name in ("due", "start"):
            changes[name] = None if value is None else typed.day(value, f"{name} date")
        elif name == "lead":
            changes[name] = value or None
        else:
            raise RuleError(f"cannot edit an outcome's {name}")
    with store.transaction() as tx:
        tx.require_member()
        outcome = tx.get("outcomes", outcome_id)
        _open_plan(tx, outcome["plan"])
        if changes.get("lead"):
            changes["lead"] = _lead(tx, changes["lead"])
        start, due = changes.get("start", outcome.get("start")), changes.get("due", outcome.get("due"))
        problem = rules.schedule_problem(label("outcomes", outcome_id), start, due, "be due")
        if problem:
            raise RuleError(problem)
        tx.update("outcomes", outcome_id, changes, kind="outcome.edit", expected_rev=expected_rev)
        return saved(tx, "outcomes", outcome_id)


def remove_outcome(
    store: Store, outcome_id: int, *, unlink: bool = False, expected_rev: int | None = None
) -> Removed[Outcome]:
    """Remove an outcome with its check-ins.

    Refused while tasks link to it, naming them, unless ``unlink``: then those tasks
    lose the link (each change logged on the task) and ``undo`` links them again.
    Returns the outcome removed and the tasks unlinked.
    """
    with store.transaction() as tx:
        tx.require_member()
        _open_plan(tx, tx.get("outcomes", outcome_id)["plan"])
        listed = sorted(
            int(k) for k, m in tx.data.get("milestones", {}).items() if outcome_id in (m.get("outcomes") or ())
        )
        if listed:
            first = label("milestones", listed[0])
            names = ", ".join(label("milestones", m) for m in listed)
            raise RuleError(
                f"milestone {names} lists O{outcome_id}: take it out first "
                f"('workplan milestone edit {first} --drop O{outcome_id}')"
            )
        linked = _tasks_where(tx, "outcome", outcome_id)
        if linked and not unlink:
            raise RuleError(
                f"tasks link to O{outcome_id}: {_labels(linked)}; "
                "remove the links with --unlink (undo links them again), or edit the tasks first"
            )
        for task_id in linked:
            tx.update("tasks", task_id, {"outcome": None}, kind="task.edit")
        extra = {"unlinked": [[label("tasks", t) for t in linked], None]} if linked else {}
        gone = tx.remove("outcomes", outcome_id, kind="outcome.rm", expected_rev=expected_rev, changes=extra)
        return Removed(removed("outcomes", outcome_id, gone), linked)
