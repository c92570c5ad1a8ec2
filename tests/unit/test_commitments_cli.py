"""Commitments that can be late (issue 26) through the command line and the store, on real files:
pledge dates and instalments, a grant's period, each partner's record, follow-ups, undo, a merge,
and old files that read as before. Dates are relative to the pinned day (tests/clock.py)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.clock import TODAY, day, iso_day
from tests.conftest import FIXED_NOW, make_store, seed
from tests.unit.test_contract import assert_follows_contract
from tests.unit.test_merge import assert_sound, copy, copy_target, merged, store
from workplan_tui.model import commitments
from workplan_tui.model.forecast import short_day
from workplan_tui.model.rules import RuleError
from workplan_tui.store import actions


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal as wide as the widest line: what is checked is the words, not where they wrap."""
    monkeypatch.setenv("COLUMNS", "160")


def said(result: object) -> str:
    """A command's output as words on one line: the terminal's width (COLUMNS) wraps it anywhere."""
    return " ".join(str(getattr(result, "output", result)).split())


def raw(path: Path) -> dict:
    return json.loads(path.read_text())


def food_pledges(path: Path) -> list[dict]:
    return next(p for p in raw(path)["partners"].values() if p["code"] == "FOOD")["contributions"]


def granted(run) -> None:
    """A grant to FOOD whose period ends in 8 weeks, and two pledges towards it."""
    assert run("currency", "USD").exit_code == 0
    assert (
        run(
            "grant", "add", "PARKS", "FOOD", "$10,000", "--match", "1:1", "--start", iso_day(-60), "--end", "+8w"
        ).exit_code
        == 0
    )
    assert (
        run("partner", "pledge", "FOOD", "cash", "Match", "$6,000", "--match", "G1", "--due", iso_day(+30)).exit_code
        == 0
    )


def test_a_pledge_gets_a_due_day_or_instalments_and_says_whether_it_is_on_schedule(run, wp: Path) -> None:
    granted(run)
    crew = run(
        "partner",
        "pledge",
        "FOOD",
        "volunteers",
        "Crew",
        "120h @ $25",
        "--match",
        "G1",
        "--when",
        "20h a month from " + iso_day(-65),
    )
    assert crew.exit_code == 0, crew.output
    assert "6 monthly instalments of $500" in said(crew)
    stored = food_pledges(wp)
    assert stored[0]["due"] == iso_day(+30) and "schedule" not in stored[0]
    assert stored[1]["schedule"] == {"every": "month", "start": iso_day(-65), "count": 6}
    shown = run("partner", "show", "FOOD")
    assert shown.exit_code == 0
    assert f"● on schedule: $6,000 due {short_day(day(30), TODAY)}; delivered $0" in said(shown)
    assert "▲ behind:" in said(shown) or "✗ late:" in said(shown)  # three instalments fell due, none delivered
    assert shown.output.splitlines()[0] == "FOOD  Food Bank"  # the heading is the partner, then its summary
    assert "pledge $1,500" in shown.output.splitlines()[1]


def test_partner_schedule_sets_and_clears_dates_and_undo_puts_them_back(run, wp: Path) -> None:
    first = run("partner", "schedule", "PARKS", "1", "4 quarterly from " + iso_day(-10))
    assert first.exit_code == 0, first.output
    assert "4 quarterly instalments of 250" in said(first) and "▲ behind: 250 of" in said(first)
    assert food_or_parks(wp, "PARKS")[0]["schedule"]["count"] == 4
    assert run("partner", "schedule", "PARKS", "staff", "none").exit_code == 0
    assert "schedule" not in food_or_parks(wp, "PARKS")[0]
    assert run("undo").exit_code == 0
    assert food_or_parks(wp, "PARKS")[0]["schedule"] == {"every": "quarter", "start": iso_day(-10), "count": 4}


def food_or_parks(path: Path, code: str) -> list[dict]:
    return next(p for p in raw(path)["partners"].values() if p["code"] == code)["contributions"]


def test_bad_dates_are_one_line_and_nothing_is_written(run, wp: Path) -> None:
    granted(run)
    before = wp.read_bytes()
    for args, words in (
        (["partner", "schedule", "FOOD", "1", f"monthly from {iso_day(30)} to {iso_day(-30)}"], "before it starts"),
        (["partner", "schedule", "FOOD", "1", "$7,000 a month from jan"], "is more than the pledge, $6,000"),
        (["partner", "pledge", "FOOD", "cash", "More", "1k", "--when", "monthly"], "say how many instalments"),
        (["partner", "pledge", "FOOD", "cash", "More", "1k", "--due", "fri", "--when", "monthly"], "not both"),
        (["grant", "edit", "G1", "--match-by", iso_day(-61)], "before the grant starts"),
        (["grant", "edit", "G1", "--end", iso_day(-61)], "before it starts"),
        (
            ["followup", "add", "T1", "--with", "bob", "--on", "yesterday", "--new-date", iso_day(-5)],
            "before the follow-up's day",
        ),
        (["followup", "add", "12x", "--with", "bob"], "is neither a task (T12) nor a pledge (PARKS#2"),
        (["followup", "add", "FOOD#9", "--with", "bob"], "no pledge 9: the partner has 1 pledge"),
    ):
        result = run(*args)
        assert result.exit_code != 0, args
        message = result.stderr.strip()
        assert words in message and "\n" not in message and "Traceback" not in result.output, (args, message)
        assert wp.read_bytes() == before, args


def test_a_grant_has_a_period_and_its_match_is_judged_by_the_deadline(run, wp: Path) -> None:
    granted(run)
    listed = run("grant", "list")
    listed = said(listed)
    assert f"(requires $10,000 by {short_day(day(56), TODAY)})" in listed
    assert "▲ match at risk: $0 of $10,000 delivered" in listed and "$4,000 of the match not pledged" in listed
    printed = json.loads(run("grant", "list", "--json").stdout)
    assert printed[0]["match_status"]["deadline"] == iso_day(56) and printed[0]["end"] == iso_day(56)
    assert run("grant", "edit", "G1", "--match-by", "none").exit_code == 0  # back to the end of the period


def test_a_follow_up_on_a_task_replaces_its_due_date_and_keeps_the_old_one(run, wp: Path) -> None:
    result = run("followup", "add", "T1", "--with", "bob", "--agreed", "soil on Monday", "--new-date", iso_day(+2))
    assert result.exit_code == 0, result.output
    task = raw(wp)["tasks"]["1"]
    assert task["due"] == iso_day(+2)
    assert task["followups"] == [
        {"by": "alice", "at": task["followups"][0]["at"], "on": iso_day(), "whom": "bob", "agreed": "soil on Monday",
         "new_date": iso_day(+2), "was": iso_day(-8)},
    ]  # fmt: skip
    assert f"new date {short_day(day(2), TODAY)} (was {short_day(day(-8), TODAY)})" in said(result)  # both shown
    entry = json.loads(run("log", "--limit", "1", "--json").stdout)[0]
    assert entry["kind"] == "task.followup" and entry["changes"]["due"] == [iso_day(-8), iso_day(2)]
    shown = run("task", "show", "T1", "--json")
    assert json.loads(shown.stdout)["followups"][0]["was"] == iso_day(-8)
    assert run("undo").exit_code == 0
    task = raw(wp)["tasks"]["1"]
    assert task["due"] == iso_day(-8) and task["followups"] == []


def test_a_follow_up_on_a_pledge_moves_what_is_overdue_to_the_new_date(run, wp: Path) -> None:
    assert run("partner", "schedule", "PARKS", "1", f"by {iso_day(-40)}").exit_code == 0
    assert "late" in said(run("partner", "show", "PARKS"))
    result = run("followup", "add", "PARKS#1", "--with", "dan", "--by", "carol", "--new-date", iso_day(+10))
    assert result.exit_code == 0, result.output
    item = food_or_parks(wp, "PARKS")[0]["followups"][0]
    assert (item["deferred"], item["was"], item["who"]) == (1000, iso_day(-40), "carol")
    assert food_or_parks(wp, "PARKS")[0]["due"] == iso_day(-40)  # the pledge's own date stays
    shown = said(run("partner", "show", "PARKS"))
    assert (
        "● on schedule" in shown
        and f"agreed on {short_day(TODAY, TODAY)}: 1,000 by {short_day(day(10), TODAY)}" in shown
    )
    assert run("undo").exit_code == 0
    assert food_or_parks(wp, "PARKS")[0].get("followups") == []


def test_follow_ups_due_appear_in_status_the_report_and_the_list(run, wp: Path, time_travel) -> None:
    assert (
        run("followup", "add", "T2", "--with", "bob", "--agreed", "beds by Friday", "--new-date", iso_day(+1)).exit_code
        == 0
    )
    assert "Follow-ups due" not in run("status").output
    time_travel.shift(timedelta(days=2))
    status = said(run("status"))
    assert (
        "Follow-ups due (1)" in status
        and "T2 Build beds: agreed for" in status
        and "alice with bob: beds by Friday" in status
    )
    assert "Mine (alice): 1 open task, 1 vote to cast, 1 follow-up due" in status
    assert "### Follow-ups due (1)" in run("report").output
    due = json.loads(run("followup", "list", "--due", "--mine", "--json").stdout)
    assert [d["subject"] for d in due] == ["T2"]
    assert json.loads(run("followup", "list", "--due", "--json", user="bob").stdout)[0]["by"] == "alice"
    assert json.loads(run("followup", "list", "--due", "--mine", "--json", user="bob").stdout) == []


def test_status_and_the_report_say_each_partner_in_one_line_and_the_late_pledges(run, wp: Path) -> None:
    assert run("partner", "schedule", "PARKS", "1", f"by {iso_day(-40)}").exit_code == 0
    assert run("plan", "edit", "P1", "--lead", "parks").exit_code == 0
    status = said(run("status"))
    attention = status.split("Needs attention")[1]
    assert "PARKS: 1 task overdue, pledge 1,000 late" in attention
    assert "Pledges behind or late (1)" in attention and "PARKS #1 staff gardeners: late" in attention
    printed = json.loads(run("status", "--json").stdout)
    assert printed["needs_attention"]["late_pledges"][0]["partner"] == "PARKS"
    assert printed["needs_attention"]["partners"][0]["code"] == "PARKS"
    report = said(run("report"))
    assert "## Partners" in report and "### PARKS Parks Dept" in report and "- Leads: P1 Gardens" in report
    record = json.loads(run("partner", "show", "PARKS", "--json").stdout)
    assert_follows_contract("partner show", record)
    assert record["pledges"][0]["health"] == "off_track" and record["leads"][0]["id"] == "P1"
    assert record["summary"].startswith("1 task overdue, pledge")


def test_a_partner_that_leads_a_plan_is_not_removed(run, wp: Path) -> None:
    assert run("plan", "edit", "P1", "--lead", "FOOD").exit_code == 0
    result = run("partner", "rm", "FOOD")
    assert result.exit_code != 0
    result = run("outcome", "edit", "O1", "--lead", "nobody")
    assert result.exit_code != 0 and "no partner 'nobody'" in result.stderr


def test_old_files_read_as_before_and_get_no_new_fields_until_someone_sets_them(run, wp: Path) -> None:
    assert run("task", "progress", "T2", "+10").exit_code == 0
    assert run("partner", "pledge", "FOOD", "cash", "Plain", "1k").exit_code == 0
    assert run("partner", "edit", "PARKS", "--name", "Parks").exit_code == 0
    data = raw(wp)
    for record in [*data["tasks"].values(), *data["plans"].values(), *data["outcomes"].values()]:
        assert not {"followups", "lead"} & set(record)
    for partner in data["partners"].values():
        for c in partner.get("contributions", []):
            assert not {"due", "schedule", "followups"} & set(c)
    assert "nothing outstanding" in run("partner", "list").output or "overdue" in run("partner", "list").output


def test_a_hand_edit_with_a_schedule_that_cannot_be_is_found_by_check(run, wp: Path) -> None:
    data = raw(wp)
    partner = next(p for p in data["partners"].values() if p["code"] == "PARKS")
    partner["contributions"][0]["schedule"] = {"every": "fortnight", "start": "2026-02-30", "count": 0}
    wp.write_text(json.dumps(data))
    result = run("check")
    assert result.exit_code != 0
    assert "'contributions' entry 1 'schedule'" in result.output + result.stderr


def test_follow_ups_of_two_copies_merge_as_a_union(tmp_path: Path) -> None:
    base = seed(copy_target(tmp_path / "base"))
    ours, theirs = copy(base, tmp_path / "ours"), copy(base, tmp_path / "theirs")
    actions.follow_up_task(store(ours, "alice", 1), 1, whom="bob", on=iso_day(), agreed="call back")
    actions.follow_up_task(store(theirs, "carol", 2), 1, whom="alice", on=iso_day(), new_date=iso_day(+3))
    result = merged(base, ours, theirs)
    assert_sound(result)
    task = result.data["tasks"]["1"]
    assert [f["by"] for f in task["followups"]] == ["alice", "carol"] and task["due"] == iso_day(+3)


def test_the_store_refuses_a_follow_up_on_a_done_task(wp: Path) -> None:
    s = make_store(wp)
    actions.set_status(s, 1, "done")
    with pytest.raises(RuleError, match="T1 is done: nothing to follow up"):
        actions.follow_up_task(s, 1, whom="bob", on=FIXED_NOW.date().isoformat())
    assert commitments.followups_due(s.read(), TODAY) == []


def test_deliveries_after_the_deadline_are_shown_as_late_with_both_figures(run, wp: Path) -> None:
    assert (
        run(
            "grant", "add", "PARKS", "FOOD", "10k", "--match", "1:1", "--start", iso_day(-60), "--end", iso_day(-10)
        ).exit_code
        == 0
    )
    assert run("partner", "pledge", "FOOD", "cash", "Match", "10k", "--match", "G1").exit_code == 0
    assert run("partner", "deliver", "FOOD", "1", "2k", "--on", iso_day(-20)).exit_code == 0
    assert run("partner", "deliver", "FOOD", "1", "1k", "--on", "yesterday").exit_code == 0
    shown = said(run("partner", "show", "FOOD"))
    assert "1,000 of it delivered after G1's match deadline (late)" in shown
    listed = " ".join(run("grant", "list").output.split())
    assert "passed with 2,000 of 10,000 delivered by it (1,000 after it)" in listed
    status = json.loads(run("grant", "list", "--json").stdout)[0]["match_status"]
    assert (status["delivered_by_deadline"], status["delivered_late"]) == (2000, 1000)
    late = run("export", "--format", "csv", "--table", "deliveries").stdout.splitlines()
    assert late[1].endswith(",") and late[2].endswith(",yes")
