"""Partner organisations, their pledges (contributions) and what they deliver."""

from __future__ import annotations

from datetime import date
from typing import Any

from workplan_tui.model import schema, typed
from workplan_tui.model.records import CONTRIBUTION_KINDS, LONG_TEXT, Partner, label
from workplan_tui.model.rules import RuleError
from workplan_tui.store.actions.common import Pledge, _amount, _partner, removed, saved
from workplan_tui.store.actions.partnership import currency_of
from workplan_tui.store.store import NotFoundError, Store, Tx


def add_partner(
    store: Store,
    code: str,
    name: str,
    contributions: list[Pledge] | None = None,
    interests_short: str = "",
    interests_long: str = "",
) -> Partner:
    if not schema.valid_code(code):
        raise RuleError(f"partner code {code!r} must be 1-16 letters, digits, '-' or '_' (e.g. PARKS)")
    fields: dict[str, Any] = {
        "code": code,
        "name": typed.text(name, "partner name"),
        "contributions": [_contribution(*c) for c in contributions or []],
        "interests_short": typed.text(interests_short, "short-term interests", LONG_TEXT, required=False),
        "interests_long": typed.text(interests_long, "long-term interests", LONG_TEXT, required=False),
    }
    with store.transaction() as tx:
        tx.require_member()
        if any(p["code"].lower() == code.lower() for p in tx.data.get("partners", {}).values()):
            raise RuleError(f"partner {code} already exists")
        _check_grants(tx, code, fields["contributions"])
        doc_id = tx.insert("partners", fields, record=f"partner {code}")
        return saved(tx, "partners", doc_id)


def _contribution(
    kind: str,
    description: str,
    amount: float | None = None,
    hours: float | None = None,
    rate: float | None = None,
    grant: int | None = None,
    when: Any = None,
) -> dict[str, Any]:
    """A contribution as stored: an amount, or hours at a rate (in kind), or neither (not valued);
    ``when`` (``commitments.When``, or None): its due day or its schedule of instalments."""
    if kind not in CONTRIBUTION_KINDS:
        raise RuleError(f"contribution kind {kind!r} is not one of {', '.join(CONTRIBUTION_KINDS)}")
    result: dict[str, Any] = {"kind": kind, "description": typed.text(description, "contribution description")}
    if amount is not None and (hours is not None or rate is not None):
        raise RuleError("a contribution is valued by an amount, or by hours at a rate, not both")
    if (hours is None) != (rate is None):
        raise RuleError("an in-kind contribution needs both its hours and its rate (e.g. 200h @ 25)")
    for name, value in (("amount", amount), ("hours", hours), ("rate", rate)):
        if value is not None:
            result[name] = _amount(value, f"contribution {name}")
    if grant is not None:
        result["grant"] = grant
    if when is not None:
        result.update(_dates(when, valued=amount is not None or hours is not None))
    return result


def _dates(when: Any, *, valued: bool) -> dict[str, Any]:
    """A pledge's ``due`` and ``schedule`` as stored, checked (``commitments.When``: its due day
    or its schedule; what is None is left out)."""
    from workplan_tui.model.records import MAX_INSTALMENTS, PERIODS

    found: dict[str, Any] = {}
    due, schedule = when
    if due is not None and schedule is not None:
        raise RuleError("a pledge has a due day or instalments, not both")
    if due is not None:
        found["due"] = typed.day(due, "due date")
    if schedule is not None:
        every, start, count = schedule.get("every"), schedule.get("start"), schedule.get("count")
        if every not in PERIODS:
            raise RuleError(f"instalments come every {', '.join(PERIODS)}, not {every!r}")
        if type(count) is not int or not 1 <= count <= MAX_INSTALMENTS:
            raise RuleError(f"a pledge has 1 to {MAX_INSTALMENTS} instalments")
        if not valued and count > 1:
            raise RuleError("a pledge that is not valued has a due day, not instalments")
        found["schedule"] = {"every": every, "start": typed.day(start, "first instalment"), "count": count}
    return found


def _check_grants(tx: Tx, code: str, contributions: list[dict[str, Any]]) -> None:
    """Each grant a contribution counts towards exists, and is not the partner's own grant."""
    grants = tx.data.get("grants", {})
    for number, c in enumerate(contributions, 1):
        grant_id = c.get("grant")
        if grant_id is None:
            continue
        grant = grants.get(str(grant_id))
        if grant is None:
            raise NotFoundError(f"contribution {number}: no grant G{grant_id}; see 'workplan grant list'")
        if grant["funder"].lower() == code.lower():
            raise RuleError(
                f"contribution {number}: {code} gives grant G{grant_id}; its own contributions cannot match it"
            )


def edit_partner(
    store: Store,
    code: str,
    *,
    name: str | None = None,
    contributions: list[Pledge] | None = None,
    interests_short: str | None = None,
    interests_long: str | None = None,
    expected_rev: int | None = None,
) -> Partner:
    """Change a partner's name, interests or its whole list of contributions."""
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = typed.text(name, "partner name")
    if contributions is not None:
        changes["contributions"] = [_contribution(*c) for c in contributions]
    if interests_short is not None:
        changes["interests_short"] = typed.text(interests_short, "short-term interests", LONG_TEXT, required=False)
    if interests_long is not None:
        changes["interests_long"] = typed.text(interests_long, "long-term interests", LONG_TEXT, required=False)
    with store.transaction() as tx:
        tx.require_member()
        doc_id, code = _partner(tx, code)
        if "contributions" in changes:
            _check_grants(tx, code, changes["contributions"])
            changes["contributions"] = _keep_deliveries(tx.get("partners", doc_id).get("contributions", []), changes)
        tx.update("partners", doc_id, changes, kind="partner.edit", record=f"partner {code}", expected_rev=expected_rev)
        return saved(tx, "partners", doc_id)


def _keep_deliveries(old: list[dict[str, Any]], changes: dict[str, Any]) -> list[dict[str, Any]]:
    """The new list of contributions, each keeping the deliveries and follow-ups recorded
    against it (its history: the list's lines say everything else, dates included).

    A new contribution is the old one with the same kind and description (ignoring case:
    ``commitments.pledge_identity``),
    else the one in the same place with the same kind (a description reworded). Deliveries
    of a contribution left out go with it (the log keeps them; ``undo`` brings them back).
    """
    from workplan_tui.model.commitments import pledge_identity

    new = [dict(c) for c in changes["contributions"]]
    taken: set[int] = set()

    def key(c: dict[str, Any]) -> tuple[Any, str]:
        return pledge_identity(str(c.get("kind", "")), str(c.get("description", "")))

    for c in new:
        found = next((i for i, o in enumerate(old) if i not in taken and key(o) == key(c)), None)
        if found is not None:
            taken.add(found)
            c["_from"] = found
    for i, c in enumerate(new):
        if "_from" not in c and i < len(old) and i not in taken and old[i].get("kind") == c["kind"]:
            taken.add(i)
            c["_from"] = i
    for c in new:
        source = c.pop("_from", None)
        for kept in ("deliveries", "followups"):
            if source is not None and old[source].get(kept):
                c[kept] = old[source][kept]
    return new


def remove_partner(store: Store, code: str, *, expected_rev: int | None = None) -> Partner:
    """Remove a partner organisation; refused while members belong to it (naming them)."""
    with store.transaction() as tx:
        tx.require_member()
        doc_id, code = _partner(tx, code)
        members = sorted(m["handle"] for m in tx.data.get("members", {}).values() if m.get("partner") == code)
        if members:
            raise RuleError(
                f"partner {code} still has members: {', '.join(members)}; "
                "move them to another partner ('workplan member edit HANDLE --partner CODE') or remove them first"
            )
        grants = sorted(
            int(k) for k, g in tx.data.get("grants", {}).items() if code in (g.get("funder"), g.get("recipient"))
        )
        if grants:
            named = ", ".join(label("grants", g) for g in grants)
            raise RuleError(f"partner {code} gives or receives {named}; remove the grants first ('workplan grant rm')")
        led = [
            label(table, int(k))
            for table in ("plans", "outcomes")
            for k, r in tx.data.get(table, {}).items()
            if r.get("lead") == code
        ]
        if led:
            raise RuleError(
                f"partner {code} leads {', '.join(led[:10])}; give them another lead first "
                "('workplan plan edit P1 --lead CODE', 'workplan outcome edit O1 --lead none')"
            )
        gone = tx.remove("partners", doc_id, kind="partner.rm", record=f"partner {code}", expected_rev=expected_rev)
        return removed("partners", doc_id, gone)


def parse_contributions(text: str, currency: str | None = None, today: date | None = None) -> list[Pledge]:
    """Lines of ``KIND: description[: value[: G1][: when]]`` (as the partner form shows them): the
    value as people type money (``$18,000``, ``1.5k``) or hours at a rate (``200h @ $25``), the
    grant whose match the pledge counts towards, and by when (``by dec 31``, ``4 quarterly from
    jan``, read against ``today``)."""
    from workplan_tui.model import resources  # only for resources: start-up time of writes

    result: list[Pledge] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            result.append(resources.parse_pledge(line, currency, today))
        except resources.PledgeError as exc:
            raise RuleError(f"line {number}: {exc}") from None
    return result


def pledge(store: Store, code: str, pledge: Pledge) -> Partner:
    """Add one contribution to a partner's list (``partner pledge``); the log keeps the item."""
    item = _contribution(*pledge)
    with store.transaction() as tx:
        tx.require_member()
        doc_id, code = _partner(tx, code)
        _check_grants(tx, code, [item])
        current = list(tx.get("partners", doc_id).get("contributions", []))
        if len(current) >= 1000:
            raise RuleError(f"partner {code} has 1000 contributions, the most a partner may have")
        number = len(current) + 1
        tx.update(
            "partners",
            doc_id,
            {"contributions": [*current, item]},
            kind="partner.pledge",
            record=f"partner {code}",
            logged={"contribution": [None, {"number": number, **item}]},
        )
        return saved(tx, "partners", doc_id)


def find_contribution(kinds: list[str], given: str) -> int:
    """The index of the contribution ``typed`` names, of a partner whose contributions are of
    ``kinds`` in order: its number in the list (1 is the first), or its kind when the partner
    has one contribution of that kind. Raises RuleError."""
    s = given.strip().lower().lstrip("#")
    if s.isascii() and s.isdigit():
        number = int(s)
        if not 1 <= number <= len(kinds):
            has = f"{len(kinds)} pledge{'s' if len(kinds) != 1 else ''}" if kinds else "no pledges"
            raise RuleError(f"no pledge {number}: the partner has {has}")
        return number - 1
    of_kind = [i for i, kind in enumerate(kinds) if kind == s]
    if len(of_kind) == 1:
        return of_kind[0]
    if not of_kind:
        raise RuleError(f"no pledge {given.strip()!r}: give its number (see 'workplan partner list') or its kind")
    numbers = ", ".join(str(i + 1) for i in of_kind)
    raise RuleError(f"{len(of_kind)} pledges are {s} ({numbers}): give the number of one")


def deliver(store: Store, code: str, contribution: str, amount: str, *, on: str, note: str = "") -> Partner:
    """Record that part of a pledge was delivered: how much (``$2,500``, or ``40h`` of an in-kind
    pledge at its rate), the day (``on``, YYYY-MM-DD), a note; who and when are the acting member
    and now. The log keeps the delivery itself; ``undo`` takes it back while it is the latest."""
    from workplan_tui.model import money  # only for resources: start-up time of writes

    if not schema.valid_date(on):
        raise RuleError(f"delivery date {on!r} is not YYYY-MM-DD")
    note = typed.text(note, "note", LONG_TEXT, required=False)
    with store.transaction() as tx:
        tx.require_member()
        doc_id, code = _partner(tx, code)
        current = [dict(c) for c in tx.get("partners", doc_id).get("contributions", [])]
        if not current:
            raise RuleError(
                f"partner {code} has pledged nothing yet; add a contribution first ('workplan partner pledge')"
            )
        index = find_contribution([str(c.get("kind")) for c in current], contribution)
        target = current[index]
        try:
            value, hours = money.parse_delivery(amount, currency_of(tx), target.get("rate"))
        except money.MoneyError as exc:
            raise RuleError(str(exc)) from None
        item: dict[str, Any] = {"amount": _amount(value, "amount delivered"), "on": on, "by": tx.user, "at": tx.now}
        if hours is not None:
            item["hours"] = _amount(hours, "hours delivered")
        if note:
            item["note"] = note
        deliveries = list(target.get("deliveries", []))
        if len(deliveries) >= 10_000:
            raise RuleError(f"contribution {index + 1} has 10,000 deliveries, the most it may have")
        target["deliveries"] = [*deliveries, item]
        tx.update(
            "partners",
            doc_id,
            {"contributions": current},
            kind="partner.deliver",
            record=f"partner {code}",
            logged={"delivery": [None, {"contribution": index + 1, **item}]},
        )
        return saved(tx, "partners", doc_id)


def schedule_pledge(store: Store, code: str, contribution: str, when: str, *, today: date) -> Partner:
    """Say by when a pledge is expected (``partner schedule``): ``when`` as people type it (``by
    dec 31``, ``4 quarterly from jan``, ``40h a month from jan to jun``, ``none`` to clear; read
    against ``today`` and the pledge's value: ``commitments.parse_when``). The log keeps both."""
    from workplan_tui.model import commitments, money  # only for pledges: start-up time of writes

    with store.transaction() as tx:
        tx.require_member()
        doc_id, code = _partner(tx, code)
        current = [dict(c) for c in tx.get("partners", doc_id).get("contributions", [])]
        if not current:
            raise RuleError(f"partner {code} has pledged nothing yet ('workplan partner pledge')")
        index = find_contribution([str(c.get("kind")) for c in current], contribution)
        target = current[index]
        try:
            found = commitments.parse_when(
                when,
                today=today,
                amount=target.get("amount"),
                hours=target.get("hours"),
                rate=target.get("rate"),
                currency=currency_of(tx),
            )
        except (commitments.WhenError, money.MoneyError) as exc:
            raise RuleError(str(exc)) from None
        valued = target.get("amount") is not None or target.get("hours") is not None
        dates = _dates(found, valued=valued)
        before = {name: target.get(name) for name in ("due", "schedule") if name in target}
        for name in ("due", "schedule"):
            target.pop(name, None)
        target.update(dates)
        if before == dates:
            return saved(tx, "partners", doc_id)
        number = index + 1
        tx.update(
            "partners",
            doc_id,
            {"contributions": current},
            kind="partner.schedule",
            record=f"partner {code}",
            logged={"dates": [{"contribution": number, **before}, {"contribution": number, **dates}]},
        )
        return saved(tx, "partners", doc_id)
