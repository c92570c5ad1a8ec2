"""Amounts as people type them, match rates, and the cost-sharing and match figures (issue 13)."""

from __future__ import annotations

from datetime import date

import pytest
from msgspec import structs

from workplan_tui.model import commitments, resources
from workplan_tui.model.money import (
    MoneyError,
    Value,
    check_currency,
    format_money,
    parse_amount,
    parse_delivery,
    parse_match,
    parse_value,
)
from workplan_tui.model.records import Contribution, Delivery, Grant, Partner, Partnership, Schedule, Workplan


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("$10,000", 10000),
        ("10 000", 10000),
        ("10\u00a0000", 10000),  # a no-break space, as spreadsheets copy it
        ("10\u202f000", 10000),
        ("10'000", 10000),
        ("1.5k", 1500),
        ("1.5K", 1500),
        ("2m", 2_000_000),
        ("$1,250.50", 1250.5),
        ("USD 250", 250),
        ("250 usd", 250),
        ("0", 0),
        ("  42 ", 42),
    ],
)
def test_amounts_as_people_type_them(typed: str, value: float) -> None:
    assert parse_amount(typed, "USD") == value


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("10,5", "commas only between thousands"),
        ("1,0000", "commas only between thousands"),
        ("1.500", "ambiguous"),
        ("-3", "negative"),
        ("€10", r"the partnership counts in \$ \(USD\)"),
        ("EUR 10", "is in EUR"),
        ("abc", "not an amount"),
        ("1e5", "not an amount"),
        ("١٢", "not an amount"),  # other scripts' digits
        ("", "empty"),
        ("9" * 17, "too large"),
    ],
)
def test_what_is_not_an_amount_is_refused_with_a_hint(typed: str, says: str) -> None:
    with pytest.raises(MoneyError, match=says):
        parse_amount(typed, "USD")


def test_without_a_currency_any_symbol_is_decoration() -> None:
    assert parse_amount("€2,500", None) == parse_amount("$2,500", None) == 2500


def test_in_kind_values_hours_at_a_rate() -> None:
    assert parse_value("200h @ $25", "USD") == Value(hours=200, rate=25)
    assert parse_value("200 hours x 25") == Value(hours=200, rate=25)
    assert parse_value("1.2k hrs at 30/h") == Value(hours=1200, rate=30)
    assert parse_value("$18,000", "USD") == Value(amount=18000)
    assert parse_value("") == Value()  # not valued
    with pytest.raises(MoneyError, match="say what an hour is worth"):
        parse_value("200h")


def test_a_delivery_is_money_or_hours_at_the_pledge_rate() -> None:
    assert parse_delivery("$2,500", "USD", None) == (2500, None)
    assert parse_delivery("40h", "USD", 25) == (1000, 40)
    with pytest.raises(MoneyError, match="no hourly rate"):
        parse_delivery("40h", "USD", None)


@pytest.mark.parametrize(
    ("typed", "normal", "rate"),
    [("1:1", "1:1", 1.0), ("1 : 2", "1:2", 0.5), ("2:1", "2:1", 2.0), ("25%", "25%", 0.25), ("none", "0%", 0.0)],
)
def test_match_rates(typed: str, normal: str, rate: float) -> None:
    assert parse_match(typed) == (normal, rate)


@pytest.mark.parametrize("typed", ["0.25", "1:0", "half", "1:1:1", "20000%"])
def test_match_rates_refused(typed: str) -> None:
    with pytest.raises(MoneyError):
        parse_match(typed)


def test_money_is_shown_in_the_partnership_currency() -> None:
    assert format_money(10000, "USD") == "$10,000"
    assert format_money(1250.5, "EUR") == "€1,250.50"
    assert format_money(3000, "CHF") == "3,000 CHF"
    assert format_money(3000, None) == "3,000"
    assert check_currency(" usd ") == "USD"
    with pytest.raises(MoneyError):
        check_currency("dollars")


def sample() -> Workplan:
    """FOOD receives a 1:1 grant of 30,000 from CITY; it pledges cash and hours towards it."""
    wp = Workplan(Partnership(2, "P", currency="USD"))
    wp.partners["CITY"] = Partner("CITY", "City", [Contribution("staff", "gardeners", 18000)], id=1)
    delivered = [Delivery(6000, "2026-11-01", "bob", "2026-11-02T09:00:00Z")]
    hours = [Delivery(1000, "2026-11-01", "bob", "2026-11-02T09:00:00Z", hours=40)]
    wp.partners["FOOD"] = Partner(
        "FOOD",
        "Food bank",
        [
            Contribution("cash", "match", 10000, grant=1, deliveries=delivered),
            Contribution("volunteers", "crew", None, 600, 25, grant=1, deliveries=hours),
            Contribution("facilities", "a hall"),  # not valued
        ],
        id=2,
    )
    wp.grants[1] = Grant("Cold storage", "CITY", "FOOD", 30000, "1:1", id=1)
    return wp


def test_values_deliveries_and_what_is_not_valued() -> None:
    wp = sample()
    cash, crew, hall = wp.partners["FOOD"].contributions
    assert (cash.value, crew.value, hall.value) == (10000, 15000, None)
    share = resources.total(resources.by_kind(wp.partners["FOOD"].contributions).values())
    assert (share.pledged, share.delivered, share.unvalued, share.count) == (25000, 7000, 1, 3)
    assert share.percent == pytest.approx(28)
    sharing = resources.cost_sharing(wp)
    assert list(sharing.kinds) == ["staff", "facilities", "cash", "volunteers"]  # the order of the kinds
    assert sharing.total.pledged == 43000 and sharing.total.unvalued == 1


def test_the_match_report_per_recipient_by_kind() -> None:
    wp = sample()
    (line,) = resources.match_report(wp)
    assert line.recipient == "FOOD" and [g.label for g in line.grants] == ["G1"]
    assert (line.required, line.total.pledged, line.total.delivered) == (30000, 25000, 7000)
    assert line.shortfall == 5000 and round(line.delivered_percent or 0, 1) == 23.3
    assert {k: (t.pledged, t.delivered) for k, t in line.kinds.items()} == {
        "cash": (10000, 6000),
        "volunteers": (15000, 1000),
    }
    found = resources.grant_match(wp, wp.grants[1])
    assert [(p.code, n) for p, n, _ in found.contributions] == [("FOOD", 1), ("FOOD", 2)]
    data = resources.resources_json(wp)
    assert data["match"][0]["shortfall"] == 5000 and data["total"]["unvalued"] == 1


def test_pledge_lines_read_back_what_the_form_shows() -> None:
    wp = sample()
    dated = [
        Contribution("cash", "by a day", 6000, due="2026-12-31"),
        Contribution("cash", "quarterly", 12000, grant=1, schedule=Schedule("quarter", "2027-01-31", 4)),
        Contribution("volunteers", "monthly hours", None, 240, 25, schedule=Schedule("month", "2027-01-01", 6)),
    ]
    for c in [*wp.partners["FOOD"].contributions, *dated]:
        line = resources.pledge_text(c, "USD")
        kind, description, amount, hours, rate, grant, when = resources.parse_pledge(line, "USD", date(2026, 11, 28))
        assert (kind, description, amount, hours, rate, grant) == (
            c.kind,
            c.description,
            c.amount,
            c.hours,
            c.rate,
            c.grant,
        )
        schedule = structs.asdict(c.schedule) if c.schedule else None
        assert when == (commitments.When(c.due, schedule) if c.due or schedule else None), line
    assert resources.pledge_text(dated[1], "USD") == "cash: quarterly: $12,000: G1: 4 quarterly from 2027-01-31"
    assert resources.parse_pledge("cash: x: 1k: by dec 31", None, date(2026, 11, 28))[6] == commitments.When(
        "2026-12-31"
    )  # no grant between the value and the date
    with pytest.raises(resources.PledgeError, match="KIND:DESCRIPTION"):
        resources.parse_pledge("money: lots")
