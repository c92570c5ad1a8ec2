"""Cost-sharing and grant match from the command line: currency, pledges, deliveries, grants (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.clock import iso_day
from tests.conftest import log_of


@pytest.fixture
def funded(run, wp: Path) -> Path:
    """The seed partnership in USD with a 1:1 grant from PARKS to FOOD and two pledges towards it."""
    assert run("currency", "usd").exit_code == 0
    assert run("grant", "add", "PARKS", "food", "$30,000", "--match", "1:1", "--name", "Cold storage").exit_code == 0
    assert run("partner", "pledge", "FOOD", "cash", "Match", "$10,000", "--match", "G1").exit_code == 0
    done = run("partner", "pledge", "FOOD", "volunteers", "Saturday crew", "800h @ $25", "--match", "G1", user="bob")
    assert done.exit_code == 0, done.output
    return wp


def partner(wp: Path, code: str) -> dict:
    return next(p for p in json.loads(wp.read_text())["partners"].values() if p["code"] == code)


def test_pledges_and_deliveries_are_stored_as_typed_and_valued(run, funded: Path) -> None:
    food = partner(funded, "FOOD")
    assert food["contributions"] == [
        {"kind": "cash", "description": "Match", "amount": 10000, "grant": 1},
        {"kind": "volunteers", "description": "Saturday crew", "hours": 800, "rate": 25, "grant": 1},
    ]
    first = run("partner", "deliver", "FOOD", "1", "6k", "--note", "Transfer 114", user="bob")
    assert first.exit_code == 0 and f"delivered $6,000 on {iso_day()};" in first.stdout and "(60%)" in first.stdout
    hours = run("partner", "deliver", "FOOD", "volunteers", "40h", "--on", iso_day(-8), "--json", user="carol")
    delivery = json.loads(hours.stdout)["contributions"][1]["deliveries"][0]
    assert delivery["amount"] == 1000 and delivery["hours"] == 40 and delivery["on"] == iso_day(-8)
    assert delivery["by"] == "carol" and delivery["at"].endswith("Z")
    entry = log_of(funded)[-1]
    assert entry["kind"] == "partner.deliver" and entry["changes"] == {
        "delivery": [None, {"contribution": 2, **{k: v for k, v in delivery.items() if v != ""}}]  # no note
    }
    listed = run("partner", "list").stdout
    assert "800 h @ $25 = $20,000 (match for G1) · delivered $1,000 (40 h, 5%)" in " ".join(listed.split())


def test_grant_list_shows_required_pledged_delivered_by_kind(run, funded: Path) -> None:
    run("partner", "deliver", "FOOD", "cash", "$6,000", user="bob")
    text = " ".join(run("grant", "list").stdout.split())
    assert "G1 Cold storage: PARKS → FOOD $30,000, match 1:1 (requires $30,000)" in text
    assert "required $30,000 · pledged $30,000 · delivered $6,000" in text
    assert "cash pledged $10,000 · delivered $6,000" in text and "volunteers pledged $20,000" in text
    assert "FOOD (G1): required $30,000" in text
    (grant,) = json.loads(run("grant", "list", "--json").stdout)
    assert grant["id"] == "G1" and grant["required"] == 30000 and grant["pledged"] == 30000
    assert grant["by_kind"]["cash"] == {"pledged": 10000, "delivered": 6000, "unvalued": 0, "count": 1}
    assert grant["contributions"] == [
        {"partner": "FOOD", "number": 1, "kind": "cash"},
        {"partner": "FOOD", "number": 2, "kind": "volunteers"},
    ]


def test_status_shows_resources_and_the_match(run, funded: Path) -> None:
    run("partner", "deliver", "FOOD", "cash", "$6,000", user="bob")
    text = run("status").stdout
    assert "Resources: $31,000 pledged by 2 partners, $6,000 delivered" in text
    assert "Match for FOOD (G1): $30,000 required · $30,000 pledged · $6,000 delivered" in text
    assert " 20% delivered" in text.split("Match for FOOD")[1]
    data = json.loads(run("status", "--json").stdout)
    assert data["resources"]["match"][0]["delivered"] == 6000 and data["partnership"]["currency"] == "USD"


def test_every_change_is_undone_one_at_a_time(run, funded: Path) -> None:
    run("partner", "deliver", "FOOD", "1", "$500", user="bob")
    assert "FOOD: the delivery $500 on " in run("undo", user="bob").stdout  # bob's delivery, taken back
    assert partner(funded, "FOOD")["contributions"][0].get("deliveries") == []
    assert "taken back" in run("undo", user="bob").stdout  # bob's pledge
    assert len(partner(funded, "FOOD")["contributions"]) == 1
    run("grant", "edit", "G1", "--match", "1:2")
    assert json.loads(funded.read_text())["grants"]["1"]["match"] == "1:2"
    run("undo")
    assert json.loads(funded.read_text())["grants"]["1"]["match"] == "1:1"
    run("currency", "EUR")
    run("undo")
    assert json.loads(funded.read_text())["meta"]["1"]["currency"] == "USD"


def test_a_delivery_someone_followed_is_not_undone(run, funded: Path) -> None:
    run("partner", "deliver", "FOOD", "1", "$500", user="bob")
    run("partner", "deliver", "FOOD", "1", "$700", user="carol")
    result = run("undo", user="bob")
    assert result.exit_code == 1 and "carol changed partner FOOD since" in result.stderr


def test_edit_keeps_the_deliveries_of_the_pledges_it_keeps(run, funded: Path) -> None:
    run("partner", "deliver", "FOOD", "1", "$500", user="bob")
    result = run(
        "partner",
        "edit",
        "FOOD",
        "--contribution",
        "cash:Match (reworded):$12,000:G1",
        "--contribution",
        "staff:driver",
    )
    assert result.exit_code == 0, result.output
    cash, staff = partner(funded, "FOOD")["contributions"]
    assert cash["amount"] == 12000 and cash["deliveries"][0]["amount"] == 500  # same kind, same place
    assert "deliveries" not in staff
    run("undo")
    assert len(partner(funded, "FOOD")["contributions"]) == 2 and partner(funded, "FOOD")["contributions"][1]["hours"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["partner", "deliver", "FOOD", "3", "$5"], "no pledge 3: the partner has 2 pledges"),
        (["partner", "deliver", "FOOD", "staff", "$5"], "no pledge 'staff'"),
        (["partner", "deliver", "FOOD", "1", "40h"], "no hourly rate"),
        (["partner", "deliver", "FOOD", "1", "€5"], "counts in $ (USD)"),
        (["partner", "deliver", "FOOD", "1", "5", "--on", "next week"], "--on"),
        (["partner", "deliver", "PARKS", "1", "5"], None),  # PARKS has a pledge: fine
        (["partner", "pledge", "PARKS", "cash", "x", "5", "--match", "G1"], "its own contributions cannot match it"),
        (["partner", "pledge", "FOOD", "cash", "x", "5", "--match", "G9"], "no grant G9"),
        (["partner", "pledge", "FOOD", "cash", "x", "10,5"], "commas only between thousands"),
        (["grant", "add", "PARKS", "PARKS", "5", "--match", "1:1"], "not from PARKS to itself"),
        (["grant", "add", "PARKS", "NOPE", "5", "--match", "1:1"], "no partner 'NOPE'"),
        (["grant", "add", "PARKS", "FOOD", "5", "--match", "half"], "not a match rate"),
        (["grant", "rm", "G1"], "contributions count towards G1: FOOD #1, FOOD #2"),
        (["partner", "rm", "PARKS"], "still has members"),
        (["currency", "dollars"], "three-letter code"),
        (["partner", "edit", "FOOD", "--contribution", "cash:x:5:G9"], "no grant G9"),
    ],
)
def test_refusals_say_why_in_one_line_and_change_nothing(run, funded: Path, args: list[str], says: str | None) -> None:
    before = funded.read_bytes()
    result = run(*args, user="bob")
    if says is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code != 0 and says in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert funded.read_bytes() == before


def test_a_partner_with_grants_is_not_removed(run, funded: Path) -> None:
    run("member", "rm", "carol")
    run("member", "edit", "bob", "--partner", "PARKS")
    result = run("partner", "rm", "FOOD")
    assert result.exit_code == 1 and "gives or receives G1" in result.stderr


def test_a_grant_removed_comes_back_with_undo(run, funded: Path) -> None:
    run("grant", "add", "FOOD", "PARKS", "2k", "--match", "25%")
    removed = json.loads(run("grant", "rm", "G2", "--json").stdout)
    assert removed["removed"] is True and removed["match"] == "25%"
    assert "2" not in json.loads(funded.read_text())["grants"]
    run("undo")
    assert json.loads(funded.read_text())["grants"]["2"]["amount"] == 2000
    assert json.loads(run("grant", "add", "FOOD", "PARKS", "1", "--match", "none", "--json").stdout)["id"] == "G3"


def test_older_files_without_grants_or_currency_still_read(run, wp: Path) -> None:
    data = json.loads(wp.read_text())
    assert "grants" in data  # a new file has the table; an older one does not
    del data["grants"]
    data["meta"]["1"].pop("digest", None)
    wp.write_text(json.dumps(data))
    assert run("grant", "list").stdout.startswith("No grants yet")
    assert run("check").exit_code == 0
    assert run("grant", "add", "PARKS", "FOOD", "100", "--match", "1:1").exit_code == 0
    assert json.loads(wp.read_text())["grants"]["1"]["funder"] == "PARKS"
