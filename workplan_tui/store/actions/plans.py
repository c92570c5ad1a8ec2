"""Plans (add, move through their statuses, edit, reopen) and votes on them."""

from __future__ import annotations

from typing import Any

from workplan_tui.model import rules, typed
from workplan_tui.model.records import (
    CLOSED_PLAN_STATUSES,
    LONG_TEXT,
    POSITIONS,
    RULES,
    UNDECIDED_PLAN_STATUSES,
    Plan,
    Vote,
)
from workplan_tui.model.rules import RuleError
from workplan_tui.store.actions.common import _lead, _open_plan, _plan, _plan_model, _require_voter, saved
from workplan_tui.store.store import Store


def add_plan(
    store: Store,
    title: str,
    scope: str = "",
    rule: str = "consensus",
    *,
    start: str | None = None,
    end: str | None = None,
    lead: str | None = None,
) -> Plan:
    """A new draft plan; ``start`` and ``end`` (ISO days, optional) are when its work runs;
    ``lead``: the code of the partner that leads it (optional)."""
    if rule not in RULES:
        raise RuleError(f"decision rule {rule!r} is not one of {', '.join(RULES)}")
    fields: dict[str, Any] = {
        "title": typed.text(title, "plan title"),
        "scope": typed.text(scope, "scope", LONG_TEXT, required=False),
        "status": "draft",
        "rule": rule,
    }
    for name, value in (("start", start), ("end", end)):
        if value is not None:
            fields[name] = typed.day(value, f"{name} date")
    with store.transaction() as tx:
        tx.require_member()
        problem = rules.schedule_problem("the plan", start, end)
        if problem:
            raise RuleError(problem)
        if lead:
            fields["lead"] = _lead(tx, lead)
        doc_id = tx.insert("plans", fields)
        return saved(tx, "plans", doc_id)


def move_plan(store: Store, plan_id: int, action: str, *, closes: str | None = None) -> Plan:
    """propose / activate / complete / archive; activation needs the plan's buy-in
    (``reopen_plan`` brings a completed or archived plan back). ``closes``: with ``propose``, the
    day (ISO) by which votes are asked for (``rules.closing_words``)."""
    if closes is not None and action != "propose":
        raise RuleError("a closing date goes with propose (or 'workplan plan edit P1 --closes DATE')")
    with store.transaction() as tx:
        tx.require_member()
        _plan(tx, plan_id)
        workplan = tx.workplan()
        plan = workplan.plans[plan_id]
        buyin = None
        if action == "activate":
            buyin = rules.buy_in(plan, workplan.members, workplan.current_votes(plan_id), workplan.partners)
        new_status = rules.plan_move(plan, action, buyin)
        changes: dict[str, Any] = {"status": new_status}
        if action == "archive":  # so that 'plan reopen' can put it back where it was
            changes["archived_from"] = plan.status
        if closes is not None:
            changes["closes"] = closes
        tx.update("plans", plan_id, changes, kind=f"plan.{action}")
        return saved(tx, "plans", plan_id)


def edit_plan(
    store: Store,
    plan_id: int,
    *,
    title: str | None = None,
    scope: str | None = None,
    rule: str | None = None,
    dates: dict[str, str | None] | None = None,
    closes: str | None = None,
    lead: str | None = None,
    expected_rev: int | None = None,
) -> Plan:
    """Rename a plan, change its scope, its decision rule, its dates, its closing date or its lead
    partner (None leaves a field as it is; ``dates`` maps ``start``/``end`` to an ISO day, or None
    to clear it; ``closes`` and ``lead`` "" clear it), in one change; not while it is archived, the rule and the
    closing date only before buy-in is decided (``rules.rule_change``), never an end before
    the start (``rules.schedule_problem``)."""
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = typed.text(title, "plan title")
    if scope is not None:
        changes["scope"] = typed.text(scope, "scope", LONG_TEXT, required=False)
    for name, value in (dates or {}).items():
        if name not in ("start", "end"):
            raise RuleError(f"a plan has no {name} date")
        changes[name] = None if value is None else typed.day(value, f"{name} date")
    with store.transaction() as tx:
        tx.require_member()
        plan = _open_plan(tx, plan_id)
        if rule is not None and rule != plan.rule:
            rules.rule_change(plan, rule)
            changes["rule"] = rule
        problem = rules.schedule_problem(plan.label, changes.get("start", plan.start), changes.get("end", plan.end))
        if problem:
            raise RuleError(problem)
        if closes is not None and (closes or None) != plan.closes:
            if plan.status not in UNDECIDED_PLAN_STATUSES:
                raise RuleError(
                    f"{plan.label} is {plan.status}: its buy-in is decided, so it has no closing date to set"
                )
            changes["closes"] = closes or None
        if lead is not None:
            changes["lead"] = _lead(tx, lead)
        kind = "plan.rename" if set(changes) == {"title"} else "plan.rule" if set(changes) == {"rule"} else "plan.edit"
        tx.update("plans", plan_id, changes, kind=kind, expected_rev=expected_rev)
        return saved(tx, "plans", plan_id)


def set_rule(store: Store, plan_id: int, rule: str, *, expected_rev: int | None = None) -> Plan:
    """Change a plan's decision rule; only while it is a draft or proposed (rules.rule_change)."""
    with store.transaction() as tx:
        tx.require_member()
        plan = _open_plan(tx, plan_id)
        if plan.rule != rule:
            rules.rule_change(plan, rule)
        tx.update("plans", plan_id, {"rule": rule}, kind="plan.rule", expected_rev=expected_rev)
        return saved(tx, "plans", plan_id)


def reopen_plan(store: Store, plan_id: int, *, expected_rev: int | None = None) -> Plan:
    """A completed plan becomes active again; an archived one returns to the status it was archived from."""
    with store.transaction() as tx:
        tx.require_member()
        raw = _plan(tx, plan_id)
        new_status = rules.plan_reopen(_plan_model(tx, plan_id), raw.get("archived_from"))
        changes: dict[str, Any] = {"status": new_status}
        if raw.get("archived_from") is not None:
            changes["archived_from"] = None
        tx.update("plans", plan_id, changes, kind="plan.reopen", expected_rev=expected_rev)
        return saved(tx, "plans", plan_id)


def vote(store: Store, plan_id: int, position: str, comment: str = "") -> Vote:
    if position not in POSITIONS:
        raise RuleError(f"vote {position!r} is not one of {', '.join(POSITIONS)}")
    comment = typed.text(comment, "comment", LONG_TEXT, required=False)
    problem = rules.vote_problem(position, comment)
    if problem:
        raise RuleError(problem)
    with store.transaction() as tx:
        _require_voter(tx)
        plan = _plan(tx, plan_id)
        if plan.get("status") in CLOSED_PLAN_STATUSES:
            raise RuleError(f"P{plan_id} is {plan['status']}; votes are closed")
        previous = tx.workplan().current_votes(plan_id).get(tx.user)
        fields = {"plan": plan_id, "member": tx.user, "position": position, "comment": comment, "at": tx.now}
        before = previous.position if previous else None
        doc_id = tx.insert("votes", fields, log=False)
        tx.log("vote", f"P{plan_id}", {"vote": [before, position], **({"comment": [None, comment]} if comment else {})})
        return saved(tx, "votes", doc_id)
