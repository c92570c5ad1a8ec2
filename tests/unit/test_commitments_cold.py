"""Issue 26 tried cold: what a careless or hostile partner's hand edit of the file, or a new lead
reading the screens, found; each test failed before its fix. Real files, the CLI in-process
(``run``), dates relative to the pinned day (tests/clock.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.clock import iso_day
from workplan_tui.model import commitments


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def said(result: object) -> str:
    return " ".join(str(getattr(result, "output", result)).split())


def hand_edit(path: Path, code: str, number: int, **fields: object) -> None:
    """Set ``fields`` on pledge ``number`` of partner ``code`` in the file, as a text editor would."""
    data = json.loads(path.read_text())
    partner = next(p for p in data["partners"].values() if p["code"] == code)
    partner["contributions"][number - 1].update(fields)
    path.write_text(json.dumps(data, indent=1))


def test_instalments_past_the_calendars_end_fall_on_its_last_day() -> None:
    days = commitments.instalment_days("month", date(9999, 6, 30), 520)
    assert days[:2] == [date(9999, 6, 30), date(9999, 7, 30)] and days[-1] == date.max and len(days) == 520
    weekly = commitments.instalment_days("week", date(9999, 12, 1), 10)
    assert weekly[4] == date(9999, 12, 29) and weekly[5:] == [date.max] * 5


@pytest.mark.parametrize("every", ["week", "month", "quarter", "year"])
def test_a_hand_edited_schedule_running_past_the_year_9999_is_shown_not_a_traceback(run, wp: Path, every) -> None:
    hand_edit(wp, "PARKS", 1, schedule={"every": every, "start": "9999-06-30", "count": 520})
    for command in (
        ("status",),
        ("partner", "show", "PARKS"),
        ("partner", "show", "PARKS", "--json"),
        ("partner", "list"),
        ("followup", "list"),
        ("report",),
        ("export", "--format", "ics"),
        ("export", "--format", "csv", "--table", "contributions"),
    ):
        result = run(*command)
        assert result.exit_code == 0, (command, result.output)
    assert "520 " in said(run("partner", "show", "PARKS")) and "31 Dec 9999" in said(run("partner", "show", "PARKS"))
    assert iso_day(0)  # the pinned day, far from the end of the calendar


def grant_edit(path: Path, **fields: object) -> None:
    data = json.loads(path.read_text())
    next(iter(data["grants"].values())).update(fields)
    path.write_text(json.dumps(data, indent=1))


@pytest.mark.parametrize(
    ("edit", "said_of_it"),
    [
        ({"amount": -5000}, "'contributions' entry 1 'amount' must not be negative (found -5000)"),
        (
            {"amount": None, "hours": -40, "rate": 25},
            "'contributions' entry 1 'hours' must not be negative (found -40)",
        ),
        ({"amount": None, "hours": 40, "rate": -25}, "'contributions' entry 1 'rate' must not be negative (found -25)"),
        (
            {"deliveries": [{"amount": -300, "on": "2026-01-05", "by": "alice", "at": "2026-01-05T09:00:00Z"}]},
            "'contributions' entry 1 'deliveries' entry 1 'amount' must not be negative (found -300)",
        ),
        ({"amount": "4000"}, "'contributions' entry 1 'amount' must be a number (found '4000')"),
    ],
)
def test_a_hand_edited_negative_or_text_amount_is_one_line_naming_it_and_the_file_is_kept(
    run, wp: Path, edit: dict, said_of_it: str
) -> None:
    """Before: -$5,000 pledged and 'delivered -$3,000 (-75%)' were shown and summed as if real,
    and text in an amount was 'a value of another kind'."""
    hand_edit(wp, "PARKS", 1, **edit)
    before = wp.read_bytes()
    for command in (("status",), ("partner", "show", "PARKS"), ("check",), ("task", "done", "T1")):
        result = run(*command)
        assert result.exit_code == 1, command
        assert said_of_it in said(result.stderr) and "Traceback" not in result.output
    assert wp.read_bytes() == before


def test_a_hand_edited_negative_grant_is_refused_in_one_line(run, wp: Path) -> None:
    assert run("grant", "add", "PARKS", "FOOD", "$10,000", "--match", "1:1").exit_code == 0
    grant_edit(wp, amount=-10000)
    result = run("grant", "list")
    assert result.exit_code == 1 and "grant G1: 'amount' must not be negative (found -10000)" in said(result.stderr)


def test_a_late_pledge_says_how_long_it_has_been_late() -> None:
    """Before: 'all $4,000 was due by 28 Oct, delivered $0', whether a day or a season ago."""
    from tests.unit.test_commitments import delivery, pledge

    c = pledge(4000, due="2026-10-28", deliveries=[delivery(1000, "2026-10-01")])
    said_on = {
        day: commitments.pledge_status(c, day, currency="USD").reason for day in (date(2026, 10, 29), date(2026, 12, 7))
    }
    assert said_on[date(2026, 10, 29)] == "all $4,000 was due by 28 Oct (1 day overdue), delivered $1,000"
    assert said_on[date(2026, 12, 7)] == "all $4,000 was due by 28 Oct (5 weeks overdue), delivered $1,000"
    hall = pledge(None, due="2026-11-30")
    assert commitments.pledge_status(hall, date(2026, 12, 7)).reason == (
        "was due 30 Nov (7 days overdue), nothing recorded as delivered"
    )
    assert commitments.overdue_span(date(2026, 11, 23), date(2026, 12, 7)) == "2 weeks overdue"


def test_status_says_each_grants_match_by_its_deadline(run, wp: Path) -> None:
    """Before: status said 'Match for FOOD (G1): ... delivered' with no deadline and no health, so
    the morning summary never said that a match was at risk (grant list did)."""
    from tests.unit.test_commitments_cli import granted

    granted(run)  # $10,000 at 1:1 by a deadline in 8 weeks, $6,000 pledged
    text = said(run("status"))
    assert "Match for FOOD (G1): $10,000 required" in text
    assert "G1 ▲ match at risk: $0 of $10,000 delivered, deadline" in text and "$4,000 of the match not pledged" in text
    assert said(run("grant", "list")).count("▲ match at risk: $0 of $10,000 delivered") == 1


def test_a_new_date_agreed_for_a_pledge_is_in_the_calendar_beside_the_old_one(run, wp: Path) -> None:
    """Before: a follow-up moved what was overdue to a new date, which the screens said, but the
    ICS export kept only the old due day, so a partner's calendar never showed what was agreed."""
    from tests.unit.test_export import calendar, exported

    assert run("partner", "schedule", "PARKS", "1", f"by {iso_day(-20)}").exit_code == 0
    followed = run(
        "followup", "add", "PARKS#1", "--with", "alice", "--agreed", "paid next week", "--new-date", iso_day(7)
    )
    assert followed.exit_code == 0, followed.output
    from tests.unit.test_exchange_files import _pledge_keys

    events = {str(e["UID"]).split(".")[0]: e for e in calendar(exported(run, "--format", "ics"))}
    (gardeners,) = _pledge_keys(wp, "PARKS")
    assert events[f"{gardeners}-1"].decoded("DTSTART").isoformat() == iso_day(-20)  # the old date stays
    agreed = events[f"{gardeners}-agreed"]
    assert agreed.decoded("DTSTART").isoformat() == iso_day(7)
    assert str(agreed["SUMMARY"]) == "PARKS #1 agreed 1,000: gardeners"
    assert "paid next week" in str(agreed["DESCRIPTION"]) and "(was " in str(agreed["DESCRIPTION"])


def test_a_grants_period_is_typed_as_the_help_and_the_docs_show_it(run, wp: Path) -> None:
    """Before: the help's own example (--start jan --end 'dec 31') and the docs' (--start jun --end
    'mar 31') were refused: "cannot read 'jan' as a date", as grants' dates were not read as
    pledges' are. And 'monthly from jan to dec 31', typed in December, ended before it started."""
    today = date.fromisoformat(iso_day(0))
    jan = date(today.year + (today.month > 1), 1, 1)  # a month alone: this one, or the next such
    added = run("grant", "add", "PARKS", "FOOD", "$10,000", "--match", "1:1", "--start", "jan", "--end", "dec 31")
    assert added.exit_code == 0, added.output
    stored = next(iter(json.loads(wp.read_text())["grants"].values()))
    assert stored["start"] == jan.isoformat() and stored["end"] == f"{jan.year}-12-31"
    edited = run("grant", "edit", "G1", "--start", "jun", "--end", "mar 31")
    assert edited.exit_code == 0, edited.output
    stored = next(iter(json.loads(wp.read_text())["grants"].values()))
    assert stored["start"].endswith("-06-01") and stored["end"] == f"{int(stored['start'][:4]) + 1}-03-31"
    alone = run("grant", "edit", "G1", "--match-by", "apr 30")  # after the stored start
    assert alone.exit_code == 0 and json.loads(wp.read_text())["grants"]["1"]["match_by"] > stored["start"]
    refused = run("grant", "edit", "G1", "--end", "bogus")
    assert refused.exit_code == 1 and "the period's end: cannot read 'bogus' as a date" in said(refused.stderr)
    whole_year = run("partner", "schedule", "PARKS", "1", "monthly from jan to dec 31")
    assert whole_year.exit_code == 0, whole_year.output
    assert json.loads(wp.read_text())["partners"]["1"]["contributions"][0]["schedule"]["count"] == 12


def test_a_match_at_risk_names_the_pledges_due_after_its_deadline() -> None:
    """Before: '$5,000 pledged for after the deadline', and the grant's pledges all read 'on
    schedule': a lead could not tell whom to ask."""
    from tests.unit.test_commitments import delivery, food, grant, partnership, pledge
    from workplan_tui.model.records import Partner

    cash = pledge(6000, grant=1, due="2026-12-15", deliveries=[delivery(2000, "2026-11-01")])
    truck = pledge(4000, grant=1, due="2027-02-01")
    wp = partnership(Partner(id=1, code="PARKS", name="Parks"), food(cash, truck), grants={1: grant(end="2026-12-31")})
    today = date(2026, 11, 28)
    found = commitments.grant_status(wp, wp.grants[1], today)
    assert found.reason.endswith("$4,000 pledged for after the deadline (FOOD #2)")
    deadline = commitments.grant_deadline(wp.grants[1])
    assert commitments.after_deadline(commitments.of_pledge(wp, truck, today), deadline, today) == (
        " · due 1 Feb 2027, after the deadline"
    )
    assert commitments.after_deadline(commitments.of_pledge(wp, cash, today), deadline, today) == ""


def test_undoing_a_follow_up_says_a_follow_up_was_taken_back_not_a_delivery(run, wp: Path) -> None:
    """Before: 'Undid A9: PARKS: followup a delivery on Mon 7 Dec → none', in undo, log and Activity."""
    assert run("partner", "schedule", "PARKS", "1", f"by {iso_day(-20)}").exit_code == 0
    for subject in ("PARKS#1", "T1"):
        added = run("followup", "add", subject, "--with", "alice", "--agreed", "paid Friday", "--new-date", iso_day(4))
        assert added.exit_code == 0, added.output
    undone = [said(run("undo")) for _ in range(2)]
    assert "T1 'Order soil': follow-up taken back: with alice: paid Friday, new date" in undone[0]
    assert "PARKS: follow-up taken back: #1 with alice: paid Friday, new date" in undone[1]
    log = said(run("log", "--limit", "2"))
    assert "a delivery" not in " ".join(undone) + log and log.count("follow-up taken back") == 2


def test_a_pledge_behind_is_not_called_late_in_the_nudge_or_a_digests_subject(run, wp: Path) -> None:
    """Before: SCHOOLS's pledge, behind by 8 days, made carmen's digest subject and status --brief
    say '1 late pledge'; 'late' is the health of one 30 days short or past its last day."""
    assert run("partner", "schedule", "PARKS", "1", f"4 quarterly from {iso_day(-10)}").exit_code == 0
    assert "▲ behind" in said(run("partner", "show", "PARKS"))
    brief = run("status", "--brief").stdout
    assert "1 pledge behind or late" in brief and "late pledge" not in brief
    assert run("member", "edit", "alice", "--email", "alice@example.org").exit_code == 0
    mail = run("remind", "--dry-run", "--member", "alice").stdout
    assert "1 pledge behind or late" in " ".join(mail.split()) and "late pledge" not in mail


def test_one_copys_new_dates_and_the_others_delivery_on_a_pledge_merge_without_a_conflict(tmp_path: Path) -> None:
    """Before: a partner's pledges were one field to the merge, so new dates on one side and a
    delivery or a follow-up on the other made the whole list a conflict, one side's work held
    back until a member settled it. The issue asks that the new fields merge field by field."""
    from tests.clock import TODAY
    from tests.conftest import seed
    from tests.unit.test_merge import assert_sound, copy, copy_target, merged, store
    from workplan_tui.store import actions

    base = seed(copy_target(tmp_path / "base"))
    ours, theirs = copy(base, tmp_path / "ours"), copy(base, tmp_path / "theirs")
    actions.schedule_pledge(store(ours, "alice", 1), "PARKS", "1", f"4 quarterly from {iso_day(-100)}", today=TODAY)
    actions.deliver(store(theirs, "carol", 2), "PARKS", "1", "250", on=iso_day(-5))
    actions.follow_up_pledge(store(theirs, "carol", 3), "PARKS", "1", whom="alice", on=iso_day(-1), agreed="in Jan")
    results = [merged(base, ours, theirs), merged(base, theirs, ours)]
    for result in results:
        assert_sound(result)
        assert not result.data.get("conflicts")
        pledge = result.data["partners"]["1"]["contributions"][0]
        assert pledge["schedule"]["count"] == 4 and [d["amount"] for d in pledge["deliveries"]] == [250]
        assert [f["agreed"] for f in pledge["followups"]] == ["in Jan"]
    assert sorted(results[0].data["partners"]["1"]["contributions"][0].items()) == sorted(
        results[1].data["partners"]["1"]["contributions"][0].items()
    )


def test_one_pledges_dates_changed_on_both_copies_are_still_a_conflict(tmp_path: Path) -> None:
    from tests.clock import TODAY
    from tests.conftest import seed
    from tests.unit.test_merge import assert_sound, copy, copy_target, merged, store
    from workplan_tui.store import actions

    base = seed(copy_target(tmp_path / "base"))
    ours, theirs = copy(base, tmp_path / "ours"), copy(base, tmp_path / "theirs")
    actions.schedule_pledge(store(ours, "alice", 1), "PARKS", "1", f"by {iso_day(10)}", today=TODAY)
    actions.schedule_pledge(store(theirs, "carol", 2), "PARKS", "1", f"by {iso_day(20)}", today=TODAY)
    result = merged(base, ours, theirs)
    assert_sound(result)
    (conflict,) = result.data["conflicts"].values()
    assert (conflict["record"], conflict["field"]) == ("partner PARKS", "contributions")


def test_a_hand_edited_grant_period_that_ends_before_it_starts_is_said_not_judged(run, wp: Path) -> None:
    """Before: a period from 1 May to 1 Jan was shown as it was, its 'deadline' 1 Jan judged the
    match 'off track: deadline passed with $0 delivered by it' and made the pledges towards it late."""
    from tests.unit.test_commitments_cli import granted

    granted(run)
    assert run("partner", "pledge", "FOOD", "volunteers", "Crew", "$4,000", "--match", "G1").exit_code == 0
    grant_edit(wp, start=iso_day(100), end=iso_day(-10))
    listed = said(run("grant", "list"))
    assert "? match no data: its period ends " in listed and "before it starts" in listed
    assert "workplan grant edit G1 --start ... --end ..." in listed and "off track" not in listed
    crew = said(run("partner", "show", "FOOD"))
    assert "? no date: $0 of $4,000 delivered so far" in crew and "late" not in crew
    assert "G1 ? match no data: its period ends" in said(run("status"))
    grant_edit(wp, start=iso_day(-30), end=iso_day(30), match_by=iso_day(-40))
    assert "its match deadline " in said(run("grant", "list")) and "comes before it starts" in said(
        run("grant", "list")
    )


def test_a_late_pledges_json_says_how_many_days_it_has_been_overdue(run, wp: Path) -> None:
    """Before: the reason said '5 weeks overdue' and the JSON status had no figure for it. The
    days count from the day the reason counts from; null when nothing is overdue."""
    from jsonschema import Draft202012Validator

    from tests.clock import day
    from tests.unit.test_commitments import delivery, pledge, quarterly
    from tests.unit.test_contract import SCHEMA_FILE

    c = pledge(4000, due="2026-10-28", deliveries=[delivery(1000, "2026-10-01")])
    late = commitments.pledge_status(c, date(2026, 12, 7), currency="USD")
    assert "5 weeks overdue" in late.reason and late.as_json()["overdue_days"] == 40
    assert commitments.pledge_status(c, date(2026, 10, 28)).as_json()["overdue_days"] is None  # due today
    assert commitments.pledge_status(pledge(None, due="2026-11-30"), date(2026, 12, 7)).overdue_days == 7
    missed = pledge(schedule=quarterly("2026-07-15"), deliveries=[delivery(3000, "2026-07-20")])
    oldest = commitments.pledge_status(missed, date(2026, 11, 28))  # the 15 Oct instalment
    assert "the oldest part 6 weeks overdue" in oldest.reason and oldest.overdue_days == 44
    behind = commitments.pledge_status(missed, date(2026, 11, 1))  # behind, not yet late
    assert behind.health == "at_risk" and behind.overdue_days == 17
    assert commitments.pledge_status(pledge(4000, due="2026-12-28"), date(2026, 12, 7)).overdue_days is None
    assert run("partner", "add", "HALL", "--name", "Town hall").exit_code == 0
    assert run("partner", "pledge", "HALL", "cash", "Late", "$2,000", "--due", day(-20).isoformat()).exit_code == 0
    assert run("partner", "pledge", "HALL", "cash", "Later", "$2,000", "--due", day(+20).isoformat()).exit_code == 0
    shown = run("partner", "show", "HALL", "--json")
    assert shown.exit_code == 0, shown.output
    found = json.loads(shown.stdout)
    days = [p["overdue_days"] for p in found["pledges"]]
    assert days == [20, None], days
    schema = json.loads(SCHEMA_FILE.read_text())
    Draft202012Validator({**schema, "$ref": "#/$defs/pledge_status"}).validate(found["pledges"][0])


def test_the_demo_user_does_not_make_their_partner_look_worse(tmp_path: Path) -> None:
    """Issue 26's cold trial: 'workplan demo' made its user a lead of PARKS, and PARKS's record
    then counted their vote on P3 and two norms against PARKS ('2 votes missing, 2 norms not
    agreed' for the sample's '1 vote missing, 1 norm not agreed'). They joined today: their
    answers are not due yet (commitments.answer_due); the buy-in and the norms still wait for them."""
    from tests.clock import day
    from tests.conftest import make_store
    from workplan_tui.model import rules
    from workplan_tui.store.sample import write_demo

    as_sample = make_store(write_demo(tmp_path / "alice.json", today=day(0), user="alice")).read()
    path = write_demo(tmp_path / "demo.json", today=day(0), user="newlead")
    demo = make_store(path, "newlead").read()
    before = [r.summary() for r in commitments.partner_records(as_sample, day(0))]
    assert [r.summary() for r in commitments.partner_records(demo, day(0))] == before
    assert "1 vote missing, 1 norm not agreed" in before[0]  # PARKS: dan's, as the sample has them
    p3 = rules.buy_in(demo.plans[3], demo.members, demo.current_votes(3), demo.partners)
    assert "newlead" in p3.not_voted  # still a vote to cast
    week_on = [r.summary() for r in commitments.partner_records(demo, day(commitments.NEWCOMER_DAYS))]
    assert "2 votes missing" in week_on[0]  # a week on, their vote is due like anyone's


def test_a_new_members_vote_counts_on_their_partners_record_a_week_after_they_join(run, time_travel) -> None:
    from datetime import timedelta

    def waiting() -> set[str]:
        shown = json.loads(run("partner", "show", "FOOD", "--json").stdout)["votes_missing"]
        return {who for v in shown for who in v["members"]}

    assert waiting() == {"bob", "carol"}  # members when P1 was made: due at once
    time_travel.shift(timedelta(minutes=5))
    assert run("member", "add", "dave", "--name", "Dave", "--partner", "FOOD").exit_code == 0
    assert waiting() == {"bob", "carol"}  # dave joined since: his vote is due in a week
    assert "dave" in run("plan", "show", "P1").output  # P1's buy-in waits for him all the same
    time_travel.shift(timedelta(days=commitments.NEWCOMER_DAYS))
    assert waiting() == {"bob", "carol", "dave"}
