"""Follow-ups: a lead records contacting someone about a late task or pledge, what was agreed and a
new date, which replaces the old one (kept in the follow-up: both stay visible)."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from workplan_tui.model import rules, schema, typed
from workplan_tui.model.records import LONG_TEXT, Contribution, Partner, Task
from workplan_tui.model.rules import RuleError
from workplan_tui.store.actions.common import _open_plan, _partner, saved
from workplan_tui.store.actions.partners import find_contribution
from workplan_tui.store.store import Store, Tx

MAX_FOLLOWUPS = 1000  # on one pledge (records.Contribution); a task keeps 10,000


def _item(tx: Tx, *, whom: str, on: str, agreed: str, new_date: str | None, who: str) -> dict[str, Any]:
    """A follow-up as stored, recorded by the acting member now (``records.FollowUp``)."""
    item: dict[str, Any] = {"by": tx.user, "at": tx.now, "on": on, "whom": whom}
    if who and who != tx.user:
        item["who"] = who
    if agreed:
        item["agreed"] = agreed
    if new_date is not None:
        item["new_date"] = new_date
    return item


def _checked(whom: str, on: str, agreed: str, new_date: str | None, who: str) -> tuple[str, str, str, str | None, str]:
    whom = typed.text(whom, "who was contacted (--with)")
    who = typed.text(who, "who made contact (--by)", required=False)
    agreed = typed.text(agreed, "what was agreed", LONG_TEXT, required=False)
    on = typed.day(on, "the follow-up's day")
    if new_date is not None:
        new_date = typed.day(new_date, "new date")
        if new_date < on:
            raise RuleError(f"the new date {new_date} is before the follow-up's day {on}")
    return whom, on, agreed, new_date, who


def follow_up_task(
    store: Store,
    task_id: int,
    *,
    whom: str,
    on: str,
    agreed: str = "",
    new_date: str | None = None,
    who: str = "",
) -> Task:
    """Record a follow-up on an open task: who (``who``, default the acting member) contacted
    whom, on which day (ISO), what was agreed, and a new date (ISO), which becomes the task's due
    date; the follow-up keeps the one it replaced (``was``). Logged as the follow-up (and the due
    date's change); ``undo`` takes both back while nobody changed the task since."""
    whom, on, agreed, new_date, who = _checked(whom, on, agreed, new_date, who)
    with store.transaction() as tx:
        tx.require_member()
        raw = tx.get("tasks", task_id)
        task = schema.record_of("tasks", str(task_id), raw)
        _open_plan(tx, task.plan)
        if task.status == "done":
            raise RuleError(f"{task.label} is done: nothing to follow up")
        item = _item(tx, whom=whom, on=on, agreed=agreed, new_date=new_date, who=who)
        changes: dict[str, Any] = {"followups": [*raw.get("followups", []), item]}
        logged: dict[str, list[Any]] = {"followup": [None, item]}
        if new_date is not None:
            problem = rules.schedule_problem(task.label, task.start, new_date, "be due")
            if problem:
                raise RuleError(problem)
            if task.due:
                item["was"] = task.due
            if new_date != task.due:
                changes["due"] = new_date
                logged["due"] = [task.due, new_date]
        if len(changes["followups"]) > 10_000:
            raise RuleError(f"{task.label} has 10,000 follow-ups, the most a task may have")
        tx.update("tasks", task_id, changes, kind="task.followup", logged=logged)
        return saved(tx, "tasks", task_id)  # type: ignore[no-any-return]


def follow_up_pledge(
    store: Store,
    code: str,
    contribution: str,
    *,
    whom: str,
    on: str,
    agreed: str = "",
    new_date: str | None = None,
    who: str = "",
) -> Partner:
    """Record a follow-up on a partner's pledge (its number, or its kind: ``find_contribution``),
    as ``follow_up_task`` does. A new date moves what of the pledge falls due before it and is not
    delivered by the follow-up's day to that date (``commitments.deferred_by``: kept in the
    follow-up with the day it was due, ``was``); the pledge's own dates stay as they were."""
    from workplan_tui.model import commitments  # only for pledges: start-up time of writes

    whom, on, agreed, new_date, who = _checked(whom, on, agreed, new_date, who)
    with store.transaction() as tx:
        tx.require_member()
        doc_id, code = _partner(tx, code)
        current = [dict(c) for c in tx.get("partners", doc_id).get("contributions", [])]
        if not current:
            raise RuleError(f"partner {code} has pledged nothing yet ('workplan partner pledge')")
        index = find_contribution([str(c.get("kind")) for c in current], contribution)
        target = current[index]
        item = _item(tx, whom=whom, on=on, agreed=agreed, new_date=new_date, who=who)
        if new_date is not None:
            c = msgspec.convert(target, Contribution)  # checked: the transaction read a sound file
            grant = None
            if c.grant is not None and str(c.grant) in tx.data.get("grants", {}):
                grant = schema.record_of("grants", str(c.grant), tx.get("grants", c.grant))
            owed, oldest = commitments.deferred_by(
                c, date.fromisoformat(on), date.fromisoformat(new_date), commitments.grant_deadline(grant)
            )
            if owed > 0:
                from workplan_tui.model.money import whole_if_whole

                item["deferred"] = whole_if_whole(owed)
            if oldest is not None:
                item["was"] = oldest.isoformat()
        followups = list(target.get("followups", []))
        if len(followups) >= MAX_FOLLOWUPS:
            raise RuleError(f"{code} #{index + 1} has {MAX_FOLLOWUPS} follow-ups, the most a pledge may have")
        target["followups"] = [*followups, item]
        tx.update(
            "partners",
            doc_id,
            {"contributions": current},
            kind="partner.followup",
            record=f"partner {code}",
            logged={"followup": [None, {"contribution": index + 1, **item}]},
        )
        return saved(tx, "partners", doc_id)  # type: ignore[no-any-return]
