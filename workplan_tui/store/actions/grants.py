"""Grants from one partner to another, and the match they require."""

from __future__ import annotations

from typing import Any

from workplan_tui.model import rules, typed
from workplan_tui.model.records import Grant
from workplan_tui.model.rules import RuleError
from workplan_tui.store.actions.common import _amount, removed, saved
from workplan_tui.store.store import NotFoundError, Store, Tx


def _grant_parties(tx: Tx, funder: str, recipient: str) -> tuple[str, str]:
    codes = [p["code"] for p in tx.data.get("partners", {}).values()]
    found = []
    for given in (funder, recipient):
        code = rules.partner_code(given, codes)
        if code is None:
            known = ", ".join(sorted(codes)) or "none yet"
            raise NotFoundError(f"no partner {given!r} (partners: {known})")
        found.append(code)
    if found[0] == found[1]:
        raise RuleError(f"a grant goes from one partner to another, not from {found[0]} to itself")
    return found[0], found[1]


def _match(text: str) -> str:
    from workplan_tui.model import money  # only for resources: start-up time of writes

    try:
        return money.parse_match(text)[0]
    except money.MoneyError as exc:
        raise RuleError(str(exc)) from None


def _period(dates: dict[str, str | None] | None) -> dict[str, str | None]:
    """A grant's ``start``, ``end`` and ``match_by`` as given (ISO days; None clears one)."""
    from workplan_tui.model.commitments import GRANT_DATES  # only for grants: start-up time of writes

    found: dict[str, str | None] = {}
    for name, value in (dates or {}).items():
        if name not in GRANT_DATES:
            raise RuleError(f"a grant has no {name} date (only {', '.join(GRANT_DATES)})")
        found[name] = None if value is None else typed.day(value, f"{name.replace('_', ' ')} date")
    return found


def add_grant(
    store: Store,
    funder: str,
    recipient: str,
    amount: float,
    match: str,
    name: str = "",
    *,
    dates: dict[str, str | None] | None = None,
) -> Grant:
    """A grant from ``funder`` to ``recipient`` (partner codes) with the match it requires
    (``1:1``, ``1:2``, ``25%``, ``none``). Contributions count towards it when they name it.
    ``dates``: its period (``start``, ``end``) and match deadline (``match_by``), ISO days, each
    optional; refused when the period ends before it starts or the deadline comes before the start
    (``commitments.grant_period_problem``)."""
    value = _amount(amount, "grant amount")
    normal = _match(match)
    from workplan_tui.model.commitments import grant_period_problem

    period = {k: v for k, v in _period(dates).items() if v is not None}
    problem = grant_period_problem(period.get("start"), period.get("end"), period.get("match_by"))
    if problem:
        raise RuleError(problem)
    with store.transaction() as tx:
        tx.require_member()
        giver, taker = _grant_parties(tx, funder, recipient)
        fields = {
            "name": typed.text(name or f"Grant from {giver} to {taker}", "grant name"),
            "funder": giver,
            "recipient": taker,
            "amount": value,
            "match": normal,
            **period,
        }
        doc_id = tx.insert("grants", fields)
        return saved(tx, "grants", doc_id)


def edit_grant(
    store: Store,
    grant_id: int,
    *,
    name: str | None = None,
    amount: float | None = None,
    match: str | None = None,
    dates: dict[str, str | None] | None = None,
    expected_rev: int | None = None,
) -> Grant:
    """Change a grant's name, amount, required match, period or match deadline (``dates``: name ->
    ISO day, None to clear; as ``add_grant`` checks them). The partners it joins stay."""
    from workplan_tui.model.commitments import GRANT_DATES, grant_period_problem

    changes: dict[str, Any] = dict(_period(dates))
    if name is not None:
        changes["name"] = typed.text(name, "grant name")
    if amount is not None:
        changes["amount"] = _amount(amount, "grant amount")
    if match is not None:
        changes["match"] = _match(match)
    with store.transaction() as tx:
        tx.require_member()
        current = tx.get("grants", grant_id)
        after = {name: changes.get(name, current.get(name)) for name in GRANT_DATES}
        problem = grant_period_problem(after["start"], after["end"], after["match_by"])
        if problem:
            raise RuleError(problem)
        tx.update("grants", grant_id, changes, kind="grant.edit", expected_rev=expected_rev)
        return saved(tx, "grants", grant_id)


def remove_grant(store: Store, grant_id: int, *, expected_rev: int | None = None) -> Grant:
    """Remove a grant (kept whole in the log: ``undo`` brings it back); refused while
    contributions count towards it, naming them."""
    with store.transaction() as tx:
        tx.require_member()
        tx.get("grants", grant_id)
        counting = [
            f"{p['code']} #{number}"
            for p in tx.data.get("partners", {}).values()
            for number, c in enumerate(p.get("contributions", []), 1)
            if c.get("grant") == grant_id
        ]
        if counting:
            raise RuleError(
                f"contributions count towards G{grant_id}: {', '.join(counting)}; "
                "edit them first ('workplan partner edit CODE --contribution ...')"
            )
        gone = tx.remove("grants", grant_id, kind="grant.rm", expected_rev=expected_rev)
        return removed("grants", grant_id, gone)
