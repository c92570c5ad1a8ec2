"""What the actions share: checking typed text and numbers, finding records inside a transaction, the acting member."""

from __future__ import annotations

from typing import Any, Generic, NamedTuple, TypeVar

from workplan_tui.model import rules, schema, typed
from workplan_tui.model.records import Member, Plan, label
from workplan_tui.model.rules import RuleError
from workplan_tui.store.store import NotFoundError, Tx

R = TypeVar("R")


def saved(tx: Tx, table: str, doc_id: int) -> Any:
    """Record ``doc_id`` of ``table`` as the transaction holds it now, as its model record
    (``records.Task``, ...): what an action returns, for the CLI to print and the board to show."""
    return schema.record_of(table, str(doc_id), tx.get(table, doc_id))


def removed(table: str, doc_id: int, fields: dict[str, Any]) -> Any:
    """A record a removal took out (its stored ``fields``), as its model record."""
    return schema.record_of(table, str(doc_id), fields)


class Removed(NamedTuple, Generic[R]):
    """What a removal returns: the record removed, and the tasks (ids) that lost their
    reference to it in the same change (an outcome's linked tasks, a member's open tasks)."""

    record: R
    tasks: list[int]


def _plan(tx: Tx, plan_id: int) -> dict[str, Any]:
    return tx.get("plans", plan_id)


def _plan_model(tx: Tx, plan_id: int) -> Plan:
    return schema.record_of("plans", str(plan_id), tx.get("plans", plan_id))  # type: ignore[no-any-return]


def _open_plan(tx: Tx, plan_id: int) -> Plan:
    """The plan, unless it is archived (then nothing in it may change: rules.frozen)."""
    plan = _plan_model(tx, plan_id)
    rules.check_open(plan)
    return plan


def _member_handles(tx: Tx) -> set[str]:
    return {m["handle"] for m in tx.data.get("members", {}).values()}


def _require_voter(tx: Tx) -> None:
    """Only a member votes or agrees, from an account bound to them, even in a file without members."""
    tx.require_member(even_if_none=True)


# (kind, description, amount[, hours, rate, grant id, dates]): resources.parse_pledge's shape; the
# dates are a commitments.When (a due day or a schedule) or None.
Pledge = tuple[Any, ...]


def _amount(value: float, what: str) -> float | int:
    """A stored amount: finite, not negative, within the file's range (schema.MAX_NUMBER)."""
    number = typed.number(value, what)
    if number < 0:
        raise RuleError(f"{what} must not be negative")
    if number > schema.MAX_NUMBER:
        raise RuleError(f"{what} is too large (at most {schema.MAX_NUMBER:,.0f})")
    return number


def _handle(tx: Tx, typed: str) -> str:
    """The stored handle of the member ``typed`` names, in any case (``rules.member_handle``);
    NotFoundError naming the handles it may have meant."""
    handles = _member_handles(tx)
    found = rules.member_handle(typed, handles)
    if found is None:
        raise NotFoundError(rules.no_member(typed, handles))
    return found


def _check_owner(tx: Tx, handle: str) -> str:
    """The stored handle of the member who is to own a task (``_handle``)."""
    return _handle(tx, handle)


def _tasks_where(tx: Tx, field: str, value: Any, *, open_only: bool = False) -> list[int]:
    """The ids of the tasks whose ``field`` is ``value``.

    With ``open_only``, only tasks not done, in plans that are not archived (an archived
    plan is a closed record and stays as it was). Reads the whole tasks table: removals
    are rare, and must see every reference.
    """
    archived = {int(k) for k, p in tx.data.get("plans", {}).items() if p.get("status") == "archived"}
    found = []
    for key, raw in tx.data.get("tasks", {}).items():
        if raw.get(field) != value:
            continue
        if open_only and (raw.get("status", "todo") == "done" or raw.get("plan") in archived):
            continue
        found.append(int(key))
    return sorted(found)


def _labels(task_ids: list[int], limit: int = 10) -> str:
    """'T3, T5' (at most ``limit``, then '+N more')."""
    shown = ", ".join(label("tasks", t) for t in task_ids[:limit])
    return shown + (f" (+{len(task_ids) - limit} more)" if len(task_ids) > limit else "")


def _find(tx: Tx, table: str, field: str, value: str) -> int | None:
    """The id of the record of ``table`` whose ``field`` is ``value`` (partners by code, members by handle)."""
    for key, raw in tx.data.get(table, {}).items():
        if raw.get(field) == value:
            return int(key)
    return None


def _partner(tx: Tx, typed: str) -> tuple[int, str]:
    """The id and stored code of the partner ``typed`` names, ignoring case (rules.partner_code)."""
    partners = tx.data.get("partners", {})
    code = rules.partner_code(typed, [str(p.get("code")) for p in partners.values()])
    doc_id = _find(tx, "partners", "code", code) if code is not None else None
    if code is None or doc_id is None:
        known = ", ".join(sorted(str(p.get("code")) for p in partners.values()))
        known = known or "none yet; add one with 'workplan partner add'"
        raise NotFoundError(f"no partner {typed!r} (partners: {known})")
    return doc_id, code


def _lead(tx: Tx, typed: str | None) -> str | None:
    """The stored code of the partner ``typed`` names as a plan's or an outcome's lead (any case),
    None for None or ''; NotFoundError naming the partners for one that is not there."""
    if not typed:
        return None
    return _partner(tx, typed)[1]


def _member_id(tx: Tx, handle: str) -> int:
    """The id of the member record of ``handle`` (in any case: ``_handle``)."""
    doc_id = _find(tx, "members", "handle", _handle(tx, handle))
    if doc_id is None:
        raise NotFoundError(rules.no_member(handle, _member_handles(tx)))
    return doc_id


def _members(tx: Tx) -> dict[str, Member]:
    """The members as records (a small table: read whole)."""
    return {m["handle"]: schema.record_of("members", k, m) for k, m in tx.data.get("members", {}).items()}


def _check_not_frozen(tx: Tx, table: str, raw: dict[str, Any]) -> None:
    """Undo changes nothing in an archived plan either (rules.frozen)."""
    if table in ("tasks", "outcomes", "milestones", "series"):
        plan_id = raw.get("plan")
        if isinstance(plan_id, int) and str(plan_id) in tx.data.get("plans", {}):
            rules.check_open(_plan_model(tx, plan_id))
