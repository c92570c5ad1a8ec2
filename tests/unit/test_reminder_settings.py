"""Who wants what (a member's address and digest preference) and a proposal's closing date."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from tests.clock import TODAY, iso_day
from tests.conftest import make_store
from workplan_tui.model import rules
from workplan_tui.model.dates import short_date
from workplan_tui.store import actions


def test_members_set_their_own_address_and_digest_and_a_lead_sets_anyones(run) -> None:
    mine = run("member", "edit", "bob", "--email", "bob@foodbank.example", "--digest", "weekly fri", user="bob")
    assert mine.exit_code == 0, mine.output
    shown = json.loads(run("member", "list", "--json").stdout)
    bob = next(m for m in shown if m["handle"] == "bob")
    assert (bob["email"], bob["digest"]) == ("bob@foodbank.example", "weekly:fri")
    refused = run("member", "edit", "bob", "--digest", "off", user="carol")
    assert refused.exit_code == 1
    assert "only bob or a lead may change bob's e-mail address or digest" in refused.stderr
    assert run("member", "edit", "bob", "--digest", "off", user="alice").exit_code == 0  # alice leads
    assert "bob@foodbank.example" in run("member", "list").stdout
    assert run("member", "edit", "bob", "--email", "none", user="bob").exit_code == 0
    assert next(m for m in json.loads(run("member", "list", "--json").stdout) if m["handle"] == "bob")["email"] is None


def test_an_address_that_is_not_one_mailbox_or_a_bad_preference_is_one_line_and_writes_nothing(run, wp: Path) -> None:
    before = wp.read_bytes()
    for args in (["--email", "a@x.org, b@y.org"], ["--email", "bob@x.org\nBcc: c@x.org"], ["--digest", "hourly"]):
        result = run("member", "edit", "bob", *args, user="bob")
        assert result.exit_code in (1, 2) and result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert wp.read_bytes() == before


def test_a_hand_edited_address_that_could_inject_a_header_is_refused_on_load(run, wp: Path) -> None:
    text = wp.read_text().replace('"handle":"bob",', '"handle":"bob","email":"bob@x.org\\r\\nBcc: all@x.org",')
    wp.write_text(text)
    result = run("check")
    assert result.exit_code == 1 and "'email' must be an e-mail address" in result.stderr


def test_propose_with_a_closing_date_shows_it_everywhere_and_who_had_not_voted_once_it_passed(
    run, wp: Path, time_travel
) -> None:
    store = make_store(wp)
    actions.add_plan(store, "Kitchen", "")
    proposed = run("plan", "propose", "P2", "--closes", "in 2 days")
    closes = TODAY + timedelta(days=2)
    assert proposed.exit_code == 0 and f"closes in 2 days, {short_date(closes, today=TODAY)}" in proposed.stdout
    assert json.loads(run("plan", "show", "P2", "--json").stdout)["closes"] == iso_day(+2)
    status = run("status").stdout
    assert "closes in 2 days" in status and "3 have not voted" in status
    assert "waits for your vote (closes in 2 days" in status
    assert "closes in 2 days" in run("plan", "list").stdout
    run("vote", "P2", "agree", user="bob")
    time_travel.shift(timedelta(days=3))
    run("vote", "P2", "agree", user="carol")  # after the closing day: late
    shown = json.loads(run("plan", "show", "P2", "--json").stdout)
    assert shown["buy_in"]["not_voted_by_close"] == ["alice", "carol"]
    assert "had not voted by then: alice, carol" in run("plan", "show", "P2").stdout
    assert "closed" in run("status").stdout


def test_closing_words_on_either_side_of_the_day() -> None:
    from workplan_tui.model.records import Plan

    plan = Plan(id=1, title="x", status="proposed", closes=iso_day(0))
    assert rules.closing_words(plan, TODAY) == "closes today"
    assert rules.closing_words(plan, TODAY - timedelta(days=1)).startswith("closes tomorrow, ")
    assert rules.closing_words(plan, TODAY + timedelta(days=1)).startswith("closed ")
    assert not rules.is_closed(plan, TODAY) and rules.is_closed(plan, TODAY + timedelta(days=1))
    assert rules.closing_words(plan.replace(closes=None), TODAY) == ""


def test_a_closing_date_is_only_for_undecided_plans(run) -> None:
    result = run("plan", "edit", "P1", "--closes", "fri")
    assert result.exit_code == 0  # P1 is proposed
    run("vote", "P1", "agree", user="alice")
    run("vote", "P1", "agree", user="bob")
    run("vote", "P1", "agree", user="carol")
    assert run("plan", "activate", "P1").exit_code == 0
    refused = run("plan", "edit", "P1", "--closes", "none")
    assert refused.exit_code == 1 and "its buy-in is decided" in refused.stderr
    assert run("plan", "activate", "P1", "--closes", "fri").exit_code == 2  # only propose takes it
