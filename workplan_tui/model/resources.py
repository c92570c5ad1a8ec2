"""Cost-sharing and grant match: what partners pledged and delivered, and what grants require (pure).

* A contribution's **value** is its amount, or hours x rate for one valued in kind; a
  contribution with neither is *not valued*: it is counted as such, never as 0.
* **Delivered** is the sum of its deliveries.
* A **grant** from one partner (the funder) to another (the recipient) requires a
  **match** of ``amount x rate`` (``1:1`` is 100 %, ``25%`` a quarter). Contributions
  that name the grant count towards it: the match report shows, per recipient and by
  kind, what is required, pledged and delivered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from workplan_tui.model.money import match_rate
from workplan_tui.model.records import CONTRIBUTION_KINDS, Contribution, Grant, Partner, Workplan

if TYPE_CHECKING:
    from workplan_tui.model.commitments import When


@dataclass(slots=True)
class Tally:
    """Pledged and delivered value, and how many pledges are not valued."""

    pledged: float = 0.0
    delivered: float = 0.0
    unvalued: int = 0
    count: int = 0

    def add(self, contribution: Contribution) -> None:
        value = contribution.value
        if value is None:
            self.unvalued += 1
        else:
            self.pledged += value
        self.delivered += contribution.delivered
        self.count += 1

    def merge(self, other: Tally) -> None:
        self.pledged += other.pledged
        self.delivered += other.delivered
        self.unvalued += other.unvalued
        self.count += other.count

    @property
    def percent(self) -> float | None:
        """Delivered as a share of pledged (0-100, capped), or None when nothing valued was pledged."""
        if self.pledged <= 0:
            return None
        return max(0.0, min(100.0, self.delivered / self.pledged * 100))

    def as_json(self) -> dict[str, float | int]:
        return {
            "pledged": _num(self.pledged),
            "delivered": _num(self.delivered),
            "unvalued": self.unvalued,
            "count": self.count,
        }


def as_number(value: float) -> float:
    """A sum for scripts: rounded to cents, whole numbers as integers."""
    return _num(value)


def _num(value: float) -> float:
    """A sum for scripts: rounded to cents, whole numbers as integers."""
    rounded = round(float(value), 2)
    return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded


def by_kind(contributions: Iterable[Contribution]) -> dict[str, Tally]:
    """Tallies per kind, in the order of ``CONTRIBUTION_KINDS`` (only kinds that occur)."""
    found: dict[str, Tally] = {}
    for c in contributions:
        found.setdefault(c.kind, Tally()).add(c)
    return {kind: found[kind] for kind in CONTRIBUTION_KINDS if kind in found}


def total(tallies: Iterable[Tally]) -> Tally:
    whole = Tally()
    for tally in tallies:
        whole.merge(tally)
    return whole


@dataclass(slots=True)
class PartnerShare:
    """One partner's pledges and deliveries, by kind."""

    partner: Partner
    kinds: dict[str, Tally]
    total: Tally


@dataclass(slots=True)
class CostSharing:
    """Every partner's share, the partnership's totals by kind, and the grand total."""

    partners: list[PartnerShare]
    kinds: dict[str, Tally]
    total: Tally


def cost_sharing(workplan: Workplan) -> CostSharing:
    shares = []
    every: list[Contribution] = []
    for partner in workplan.partners.values():
        kinds = by_kind(partner.contributions)
        shares.append(PartnerShare(partner, kinds, total(kinds.values())))
        every.extend(partner.contributions)
    kinds = by_kind(every)
    return CostSharing(shares, kinds, total(kinds.values()))


def required(grant: Grant) -> float:
    """The match a grant requires: its amount x its match rate."""
    return grant.amount * match_rate(grant.match)


@dataclass(slots=True)
class GrantMatch:
    """One grant: what it requires and the contributions that count towards it."""

    grant: Grant
    required: float
    contributions: list[tuple[Partner, int, Contribution]]  # (partner, its number in the list, contribution)
    kinds: dict[str, Tally]
    total: Tally


def grant_match(workplan: Workplan, grant: Grant) -> GrantMatch:
    counted = [
        (p, number, c)
        for p in workplan.partners.values()
        for number, c in enumerate(p.contributions, 1)
        if c.grant == grant.id
    ]
    kinds = by_kind(c for _, _, c in counted)
    return GrantMatch(grant, required(grant), counted, kinds, total(kinds.values()))


@dataclass(slots=True)
class RecipientMatch:
    """The match report for one recipient: required vs pledged vs delivered, by kind."""

    recipient: str
    grants: list[Grant]
    required: float
    kinds: dict[str, Tally]
    total: Tally = field(default_factory=Tally)

    @property
    def shortfall(self) -> float:
        """Match still to be pledged (0 when the pledges cover what is required)."""
        return max(0.0, self.required - self.total.pledged)

    @property
    def delivered_percent(self) -> float | None:
        """Delivered as a share of the required match (0-100, capped); None when none is required."""
        if self.required <= 0:
            return None
        return max(0.0, min(100.0, self.total.delivered / self.required * 100))

    def as_json(self) -> dict[str, object]:
        return {
            "recipient": self.recipient,
            "grants": [g.label for g in self.grants],
            "required": _num(self.required),
            "pledged": _num(self.total.pledged),
            "delivered": _num(self.total.delivered),
            "unvalued": self.total.unvalued,
            "shortfall": _num(self.shortfall),
            "by_kind": {kind: t.as_json() for kind, t in self.kinds.items()},
        }


def match_report(workplan: Workplan) -> list[RecipientMatch]:
    """Per recipient of a grant (in the order of their first grant): the match required by
    all its grants, and what the contributions naming those grants pledge and deliver."""
    report: dict[str, RecipientMatch] = {}
    for grant in workplan.grants.values():
        line = report.get(grant.recipient)
        if line is None:
            line = report[grant.recipient] = RecipientMatch(grant.recipient, [], 0.0, {})
        line.grants.append(grant)
        line.required += required(grant)
    for line in report.values():
        ids = {g.id for g in line.grants}
        counted = [c for p in workplan.partners.values() for c in p.contributions if c.grant in ids]
        line.kinds = by_kind(counted)
        line.total = total(line.kinds.values())
    return list(report.values())


def resources_json(workplan: Workplan) -> dict[str, object]:
    """Cost-sharing and the match report for scripts (``status --json``, ``report --json``)."""
    sharing = cost_sharing(workplan)
    return {
        "currency": workplan.partnership.currency,
        "total": sharing.total.as_json(),
        "by_kind": {kind: t.as_json() for kind, t in sharing.kinds.items()},
        "partners": [
            {
                "code": share.partner.code,
                **share.total.as_json(),
                "by_kind": {kind: t.as_json() for kind, t in share.kinds.items()},
            }
            for share in sharing.partners
        ],
        "match": [line.as_json() for line in match_report(workplan)],
    }


# --- pledges as people type them ---------------------------------------------------------


class PledgeError(ValueError):
    """A pledge line that cannot be read; the message says how to write one."""


PLEDGE_FORM = "KIND:DESCRIPTION[:VALUE[:GRANT][:WHEN]]"


def parse_pledge(
    text: str, currency: str | None = None, today: date | None = None
) -> tuple[str, str, float | None, float | None, float | None, int | None, When | None]:
    """``KIND:DESCRIPTION[:VALUE[:GRANT][:WHEN]]`` as (kind, description, amount, hours, rate,
    grant id, dates).

    VALUE is money as people type it (``$18,000``, ``1.5k``) or hours at a rate
    (``200h @ $25``); GRANT is the grant whose match the pledge counts towards (``G1``,
    or ``match G1``); WHEN is by when (``by dec 31``, ``4 quarterly from jan``: read against
    ``today`` by ``commitments.parse_when``; None when not given). Raises PledgeError.
    """
    from workplan_tui.model.money import MoneyError, parse_value
    from workplan_tui.model.records import parse_label

    parts = [p.strip() for p in text.split(":")]
    kind = parts[0].lower()
    if kind not in CONTRIBUTION_KINDS or len(parts) < 2 or not parts[1] or len(parts) > 5:
        raise PledgeError(f"use {PLEDGE_FORM}, KIND one of {', '.join(CONTRIBUTION_KINDS)}")
    try:
        value = parse_value(parts[2] if len(parts) > 2 else "", currency)
    except MoneyError as exc:
        raise PledgeError(str(exc)) from None
    grant = None
    when_typed = parts[4] if len(parts) > 4 else None
    if len(parts) > 3 and parts[3]:
        typed = parts[3]
        if typed.lower().startswith("match "):
            typed = typed[6:].strip()
        try:
            grant = parse_label(typed, "grants")
        except ValueError as exc:
            if len(parts) > 4:  # KIND:DESCRIPTION:VALUE:GRANT:WHEN
                raise PledgeError(str(exc)) from None
            when_typed = parts[3]  # KIND:DESCRIPTION:VALUE:WHEN
    when = None
    if when_typed:
        from workplan_tui.model.commitments import WhenError, parse_when
        from workplan_tui.model.dates import today as today_of

        try:
            when = parse_when(
                when_typed,
                today=today or today_of(),
                amount=value.amount,
                hours=value.hours,
                rate=value.rate,
                currency=currency,
            )
        except WhenError as exc:
            raise PledgeError(str(exc)) from None
    return kind, parts[1], value.amount, value.hours, value.rate, grant, when


def pledge_text(c: Contribution, currency: str | None) -> str:
    """A contribution as its pledge line (what ``parse_pledge`` reads back)."""
    from workplan_tui.model.commitments import when_text
    from workplan_tui.model.money import value_text
    from workplan_tui.model.records import label

    line = f"{c.kind}: {c.description}"
    value = value_text(c.amount, c.hours, c.rate, currency)
    when = when_text(c)
    if value or c.grant is not None or when:
        line += f": {value}"
    if c.grant is not None:
        line += f": {label('grants', c.grant)}"
    if when:
        line += f": {when}"
    return line
