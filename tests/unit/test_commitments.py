"""Commitments that can be late (model/commitments.py): pledge dates and instalments, their health,
a grant's match by its deadline, follow-ups and each partner's record. Pure, on fixed days: the
functions take ``today``, so these pass on any day the suite runs."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workplan_tui.model import commitments as cm
from workplan_tui.model.records import (
    SCHEMA_VERSION,
    Contribution,
    Delivery,
    FollowUp,
    Grant,
    Member,
    Norm,
    Partner,
    Partnership,
    Plan,
    Schedule,
    Task,
    Vote,
    Workplan,
)

NOV_28 = date(2026, 11, 28)  # a Saturday


def delivery(amount: float, on: str) -> Delivery:
    return Delivery(amount=amount, on=on, by="bob", at=f"{on}T10:00:00Z")


def pledge(amount: float | None = 12000, **fields: object) -> Contribution:
    return Contribution(kind="cash", description="Match", amount=amount, **fields)  # type: ignore[arg-type]


def quarterly(start: str = "2026-07-15", count: int = 4) -> Schedule:
    return Schedule(every="quarter", start=start, count=count)


# --- days: a month end and a leap day ---------------------------------------------------------------


def test_monthly_instalments_from_a_months_last_day_fall_on_each_months_last_day() -> None:
    assert cm.instalment_days("month", date(2027, 1, 31), 4) == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),  # counted from the start, not from 28 Feb
        date(2027, 4, 30),
    ]
    assert cm.instalment_days("month", date(2028, 1, 31), 2)[1] == date(2028, 2, 29)  # a leap year


def test_yearly_instalments_from_a_leap_day_fall_on_28_february_between_leap_years() -> None:
    assert cm.instalment_days("year", date(2028, 2, 29), 5) == [
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]


def test_quarterly_and_weekly_instalments_cross_the_year() -> None:
    assert cm.instalment_days("quarter", date(2026, 11, 30), 3) == [
        date(2026, 11, 30),
        date(2027, 2, 28),
        date(2027, 5, 30),
    ]
    assert cm.instalment_days("week", date(2026, 12, 24), 3) == [
        date(2026, 12, 24),
        date(2026, 12, 31),
        date(2027, 1, 7),
    ]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 12, 31)), st.integers(0, 1200))
def test_adding_months_keeps_the_day_or_takes_the_months_last(day: date, months: int) -> None:
    moved = cm.add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or (
        moved.day < day.day and (moved.replace(day=1) - date.resolution).month != moved.month
    )


# --- dates as people type them ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "when"),
    [
        ("by dec 31", cm.When(due="2026-12-31")),
        ("2027-01-15", cm.When(due="2027-01-15")),
        ("by jan", cm.When(due="2027-01-31")),  # a month alone, as a due day: its last day
        ("none", cm.When()),
        ("", cm.When()),
        ("4 quarterly from jan", cm.When(schedule={"every": "quarter", "start": "2027-01-01", "count": 4})),
        (
            "$12,000 in 4 quarterly instalments from 15 jan",
            cm.When(schedule={"every": "quarter", "start": "2027-01-15", "count": 4}),
        ),
        ("monthly from jan to jun", cm.When(schedule={"every": "month", "start": "2027-01-01", "count": 6})),
        ("1k a month from jan", cm.When(schedule={"every": "month", "start": "2027-01-01", "count": 12})),
        ("every month from nov to apr", cm.When(schedule={"every": "month", "start": "2026-11-01", "count": 6})),
        ("3 weekly from mon", cm.When(schedule={"every": "week", "start": "2026-11-30", "count": 3})),
        ("1 yearly from dec 1", cm.When(due="2026-12-01")),  # one instalment is a due day
    ],
)
def test_a_pledges_dates_as_people_type_them(typed: str, when: cm.When) -> None:
    assert cm.parse_when(typed, today=NOV_28, amount=12000, currency="USD") == when


def test_hours_a_month_of_an_in_kind_pledge() -> None:
    found = cm.parse_when("40h a month from jan to jun", today=NOV_28, hours=240, rate=25)
    assert found == cm.When(schedule={"every": "month", "start": "2027-01-01", "count": 6})


@pytest.mark.parametrize(
    ("typed", "amount", "words"),
    [
        ("monthly from jun to jan 2026", 12000, "the schedule ends 2026-01-31, before it starts 2027-06-01"),
        ("15k a month from jan", 12000, "an instalment of $15,000 is more than the pledge, $12,000"),
        ("$10,000 in 4 quarterly from jan", 12000, "the instalments make $10,000, but the pledge is $12,000"),
        ("4 quarterly from jan to jun", 12000, "end 2027-10-01, not by 2027-06-30"),
        ("5k a month from jan", 12000, "instalments of $5,000 do not make $12,000"),
        ("monthly from jan", 12000, "say how many instalments"),
        ("4 quarterly from jan", None, "a pledge that is not valued has a due day"),
        ("by 12/31", 12000, "is ambiguous"),
        ("whenever", 12000, "cannot read 'whenever' as a date"),
        ("0 monthly from jan", 12000, "0 instalments: give 1 to 520"),
        ("4 quarterly from jan 2999", 12000, "years from today"),  # a typo in the year
    ],
)
def test_a_date_that_cannot_be_is_one_line(typed: str, amount: float | None, words: str) -> None:
    with pytest.raises(cm.WhenError) as caught:
        cm.parse_when(typed, today=NOV_28, amount=amount, currency="USD")
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_a_pledges_dates_read_back_as_typed() -> None:
    for c in (pledge(schedule=quarterly()), pledge(due="2026-12-31"), pledge()):
        assert cm.parse_when(cm.when_text(c), today=NOV_28, amount=12000) == cm.When(
            c.due,
            {"every": c.schedule.every, "start": c.schedule.start, "count": c.schedule.count} if c.schedule else None,
        )
    assert cm.when_words(pledge(schedule=quarterly()), NOV_28, "USD") == (
        "4 quarterly instalments of $3,000, 15 Jul to 15 Apr 2027"
    )


# --- a pledge's health -------------------------------------------------------------------------------


def status(c: Contribution, today: date = NOV_28, deadline: date | None = None) -> cm.PledgeStatus:
    return cm.pledge_status(c, today, deadline=deadline, currency="USD")


def test_an_instalment_missed_a_few_days_ago_is_behind_with_the_next_one_named() -> None:
    c = pledge(schedule=quarterly("2026-08-20"), deliveries=[delivery(3000, "2026-08-21")])
    found = status(c)  # the second instalment fell due on 20 Nov
    assert (found.health, found.words) == ("at_risk", "behind")
    assert (
        found.reason == "$6,000 of $12,000 expected by 20 Nov, delivered $3,000; next instalment $3,000 on 20 Feb 2027"
    )
    assert (found.expected, found.shortfall, found.next_day) == (6000, 3000, date(2027, 2, 20))


def test_an_instalment_missed_for_thirty_days_is_late() -> None:
    c = pledge(schedule=quarterly("2026-07-15"), deliveries=[delivery(3000, "2026-07-20")])
    found = status(c)  # the 15 Oct instalment is 44 days overdue
    assert (found.health, found.words) == ("off_track", "late")
    assert "the oldest part 6 weeks overdue" in found.reason
    assert status(c, date(2026, 11, 13)).health == "at_risk"  # 29 days
    assert status(c, date(2026, 11, 14)).health == "off_track"  # 30 days


def test_a_pledge_past_its_due_day_is_late_the_next_day() -> None:
    c = pledge(6000, due="2026-11-27", deliveries=[delivery(2000, "2026-11-01")])
    assert status(c, date(2026, 11, 27)).health == "on_track"
    found = status(c)
    assert (
        found.health == "off_track" and found.reason == "all $6,000 was due by 27 Nov (1 day overdue), delivered $2,000"
    )


def test_on_schedule_met_and_no_date() -> None:
    due = pledge(6000, due="2026-12-31")
    assert status(due).health == "on_track" and status(due).reason == "$6,000 due 31 Dec; delivered $0"
    first = status(pledge(schedule=quarterly("2027-01-15")))
    assert first.health == "on_track" and first.reason.startswith("first instalment $3,000 on 15 Jan 2027")
    paid = pledge(6000, due="2026-10-01", deliveries=[delivery(6000, "2026-10-02")])
    assert (status(paid).health, status(paid).words) == ("met", "delivered")
    assert (status(pledge()).health, status(pledge()).words) == ("no_data", "no date")


def test_a_pledge_towards_a_grant_without_its_own_date_is_due_by_the_match_deadline() -> None:
    c = pledge(6000, grant=1)
    assert status(c, deadline=date(2026, 12, 31)).reason == (
        "$6,000 due 31 Dec (the grant's match deadline); delivered $0"
    )
    assert status(c, date(2027, 1, 1), deadline=date(2026, 12, 31)).health == "off_track"
    assert status(pledge(6000, grant=1, due="2026-12-01"), deadline=date(2026, 12, 31)).reason.startswith(
        "$6,000 due 1 Dec;"
    )


def test_a_pledge_not_valued_is_met_once_something_is_delivered_and_late_after_its_day() -> None:
    hall = pledge(None, due="2026-11-20")
    assert status(hall).health == "off_track"
    assert status(hall, date(2026, 11, 20)).health == "on_track"
    assert status(pledge(None, due="2026-11-20", deliveries=[delivery(0, "2026-11-19")])).health == "met"
    assert status(pledge(None)).health == "no_data"


def test_a_new_date_agreed_in_a_follow_up_moves_what_was_overdue_until_then() -> None:
    agreed = FollowUp(
        by="alice", at="2026-11-20T10:00:00Z", on="2026-11-20", whom="dan", new_date="2026-12-15", was="2026-10-15",
        deferred=3000,
    )  # fmt: skip
    c = pledge(schedule=quarterly("2026-07-15"), deliveries=[delivery(3000, "2026-07-20")], followups=[agreed])
    found = status(c)
    assert found.health == "on_track" and found.agreed == agreed
    assert "agreed on 20 Nov: $3,000 by 15 Dec" in found.reason
    assert status(c, date(2026, 12, 15)).health == "on_track"  # the new date: it still has the day
    assert status(c, date(2026, 12, 16)).health == "at_risk"  # the new date passed, and nothing came
    assert status(c, date(2027, 1, 14)).health == "off_track"  # 30 days after the new date
    assert status(c, date(2026, 11, 19)).health == "off_track"  # before the agreement, it was late


def test_deliveries_dated_after_a_day_do_not_count_by_it() -> None:
    c = pledge(deliveries=[delivery(1000, "2026-11-30"), delivery(2000, "2026-12-01")])
    assert cm.delivered(c, date(2026, 11, 30)) == 1000 and cm.delivered(c) == 3000


# --- a grant's match ---------------------------------------------------------------------------------


def partnership(*partners: Partner, grants: dict[int, Grant] | None = None, **tables: object) -> Workplan:
    people = (("alice", "PARKS"), ("bob", "FOOD"), ("dan", "PARKS"))
    members = {h: Member(id=i, handle=h, name=h.title(), partner=p) for i, (h, p) in enumerate(people, 1)}
    wp = Workplan(
        Partnership(name="Test", schema_version=SCHEMA_VERSION, currency="USD"),
        partners={p.code: p for p in partners} or {"PARKS": Partner(id=1, code="PARKS", name="Parks")},
        members=members,
        grants=grants or {},
    )
    for name, value in tables.items():
        setattr(wp, name, value)
    return wp


def grant(**fields: object) -> Grant:
    return Grant(id=1, name="Cold storage", funder="PARKS", recipient="FOOD", amount=10000, match="1:1", **fields)  # type: ignore[arg-type]


def food(*contributions: Contribution) -> Partner:
    return Partner(id=2, code="FOOD", name="Food Bank", contributions=list(contributions))


def test_a_match_is_at_risk_before_its_deadline_while_pledges_fall_short_or_after_it() -> None:
    cash = pledge(6000, grant=1, due="2026-12-15", deliveries=[delivery(2000, "2026-11-01")])
    late = pledge(4000, grant=1, due="2027-02-01")
    wp = partnership(Partner(id=1, code="PARKS", name="Parks"), food(cash, late), grants={1: grant(end="2026-12-31")})
    found = cm.grant_status(wp, wp.grants[1], NOV_28)
    assert found.health == "at_risk"
    assert (
        found.reason == "$2,000 of $10,000 delivered, deadline 31 Dec: $4,000 pledged for after the deadline (FOOD #2)"
    )
    wp.partners["FOOD"].contributions[1] = pledge(4000, grant=1)  # no date of its own: by the deadline
    assert cm.grant_status(wp, wp.grants[1], NOV_28).health == "on_track"
    wp.partners["FOOD"].contributions[1] = pledge(2000, grant=1)
    assert "$2,000 of the match not pledged" in cm.grant_status(wp, wp.grants[1], NOV_28).reason


def test_deliveries_after_the_deadline_are_late_and_do_not_meet_the_match() -> None:
    cash = pledge(10000, grant=1, deliveries=[delivery(8000, "2026-12-20"), delivery(2000, "2027-01-05")])
    wp = partnership(Partner(id=1, code="PARKS", name="Parks"), food(cash), grants={1: grant(match_by="2026-12-31")})
    found = cm.grant_status(wp, wp.grants[1], date(2027, 1, 10))
    assert found.health == "off_track"
    assert (found.delivered, found.by_deadline, found.late) == (10000, 8000, 2000)
    assert found.reason == "deadline 31 Dec 2026 passed with $8,000 of $10,000 delivered by it ($2,000 after it)"
    assert found.as_json()["delivered_late"] == 2000
    on_time = pledge(10000, grant=1, deliveries=[delivery(10000, "2026-12-31")])
    wp.partners["FOOD"].contributions[0] = on_time
    assert cm.grant_status(wp, wp.grants[1], date(2027, 1, 10)).health == "met"


def test_a_grant_without_a_period_has_no_deadline() -> None:
    wp = partnership(Partner(id=1, code="PARKS", name="Parks"), food(pledge(10000, grant=1)), grants={1: grant()})
    assert cm.grant_status(wp, wp.grants[1], NOV_28).health == "no_data"
    assert cm.grant_deadline(grant(end="2026-12-31", match_by="2027-01-31")) == date(2027, 1, 31)


# --- follow-ups and each partner's record --------------------------------------------------------------


def followup(new_date: str | None, by: str = "alice") -> FollowUp:
    return FollowUp(by=by, at="2026-11-20T10:00:00Z", on="2026-11-20", whom="dan", agreed="Friday", new_date=new_date)


def test_a_follow_up_is_due_once_its_new_date_comes_while_the_task_is_open() -> None:
    plan = Plan(id=1, title="Gardens", status="active")
    tasks = {
        1: Task(id=1, plan=1, title="Soil", owner="dan", due="2026-11-27", followups=[followup("2026-11-27")]),
        2: Task(id=2, plan=1, title="Beds", owner="dan", followups=[followup("2026-12-01")]),  # not yet
        3: Task(id=3, plan=1, title="Done", owner="dan", status="done", followups=[followup("2026-11-01")]),
        4: Task(id=4, plan=1, title="Bob's", owner="bob", followups=[followup("2026-11-28", by="bob")]),
        5: Task(id=5, plan=1, title="No date", owner="dan", followups=[followup(None)]),
    }
    wp = partnership(plans={1: plan}, tasks=tasks)
    assert [(f.subject.name, f.days) for f in cm.followups_due(wp, NOV_28)] == [("T1", 1), ("T4", 0)]
    assert [f.subject.name for f in cm.followups_due(wp, NOV_28, by="alice")] == ["T1"]
    assert cm.followup_words(tasks[1].followups[0], NOV_28) == "20 Nov alice with dan: Friday; new date 27 Nov"


def test_a_partners_record_says_in_one_line_what_is_outstanding() -> None:
    behind = pledge(schedule=quarterly("2026-08-20"), deliveries=[delivery(3000, "2026-08-21")])
    parks = Partner(id=1, code="PARKS", name="Parks", contributions=[behind, pledge(5000, due="2027-03-01")])
    plans = {
        1: Plan(id=1, title="Gardens", status="active", lead="PARKS"),
        2: Plan(id=2, title="Winter", status="proposed"),
    }
    tasks = {
        1: Task(id=1, plan=1, title="Soil", owner="dan", due="2026-11-20"),
        2: Task(id=2, plan=1, title="Beds", owner="alice", due="2026-11-27"),
        3: Task(id=3, plan=1, title="Irrigation", owner="alice", status="blocked", blocked_reason="permit"),
        4: Task(id=4, plan=1, title="Bob's", owner="bob", due="2026-11-01"),
    }
    votes = [Vote(id=1, plan=2, member="alice", position="agree", at="2026-11-20T10:00:00Z")]
    norms = {1: Norm(id=1, text="We notify", agreed_by=["alice", "bob"])}
    wp = partnership(parks, food(), plans=plans, tasks=tasks, votes=votes, norms=norms)
    record = cm.partner_record(
        wp, "PARKS", NOV_28, logged={"dan": "2026-11-25T09:00:00Z", "bob": "2026-11-27T09:00:00Z"}
    )
    assert record.summary("USD") == (
        "PARKS: 2 tasks overdue, pledge $3,000 behind, 1 blocked, 1 vote missing, 1 norm not agreed"
    )
    assert [t.label for t in record.overdue] == ["T1", "T2"] and [t.label for t in record.blocked] == ["T3"]
    assert [(p.label, who) for p, who in record.votes] == [("P2", ["dan"])]
    assert [(n.label, who) for n, who in record.norms] == [("N1", ["dan"])]
    assert record.last_change == ("2026-11-25T09:00:00Z", "dan")
    assert [led.label for led in record.leads] == ["P1"]
    assert cm.partner_record(wp, "FOOD", NOV_28).summary("USD") == "FOOD: 1 task overdue, 1 vote missing"
    assert [p.code for p, _ in cm.late_pledges(wp, NOV_28)] == ["PARKS"]
