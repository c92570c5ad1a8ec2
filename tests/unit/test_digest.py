"""What a digest carries (model/digest.py), on the pinned day: pure, no file, no clock read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.clock import TODAY, iso_day
from workplan_tui.model import digest
from workplan_tui.model.records import (
    SCHEMA_VERSION,
    Activity,
    Contribution,
    FollowUp,
    Member,
    Norm,
    Partner,
    Partnership,
    Plan,
    Task,
    Vote,
    Workplan,
)
from workplan_tui.remind import message


def partnership(**tables: object) -> Workplan:
    members = {
        h: Member(id=i, handle=h, name=h.title(), partner="PARKS", role="lead" if h == "alice" else "member")
        for i, h in enumerate(("alice", "bob", "carol"), 1)
    }
    wp = Workplan(
        Partnership(name="Test", schema_version=SCHEMA_VERSION),
        partners={"PARKS": Partner(id=1, code="PARKS", name="Parks")},
        members=members,
        plans={
            1: Plan(id=1, title="Gardens", status="active"),
            2: Plan(id=2, title="Old", status="archived"),
            3: Plan(id=3, title="Kitchen", status="proposed"),
        },
    )
    for name, value in tables.items():
        setattr(wp, name, value)
    return wp


def task(key: int, due: str | None, owner: str = "bob", status: str = "todo", plan: int = 1) -> Task:
    return Task(id=key, plan=plan, title=f"Task {key}", owner=owner, status=status, due=due)


def entry(key: int, record: str, member: str, **changes: list[object]) -> Activity:
    return Activity(
        id=key, at=f"{iso_day()}T08:{key % 60:02d}:00Z", member=member, os_user=member, kind="task.edit", record=record,
        changes=dict(changes),
    )  # fmt: skip


def kinds_and_records(items: list[digest.Item]) -> list[tuple[str, str]]:
    return [(i.kind, i.record) for i in items]


def test_overdue_and_due_this_week_are_my_open_tasks_of_running_plans_by_due_date() -> None:
    tasks = {
        1: task(1, iso_day(-8)),
        2: task(2, iso_day(-1)),
        3: task(3, iso_day(0)),
        4: task(4, iso_day(+6)),
        5: task(5, iso_day(+7)),  # a week off: not this week
        6: task(6, iso_day(-3), status="done"),
        7: task(7, iso_day(-3), plan=2),  # archived plan
        8: task(8, iso_day(-3), owner="carol"),
        9: task(9, None),
    }
    found = digest.items(partnership(tasks=tasks), "bob", today=TODAY)
    assert kinds_and_records(found) == [
        ("overdue", "T1"),
        ("overdue", "T2"),
        ("due", "T3"),
        ("due", "T4"),
        ("vote", "P3"),
    ]
    assert found[0].key == "overdue:T1" and found[0].detail.startswith("8 days overdue, ")
    assert found[2].detail.startswith("due today")


def test_a_vote_not_cast_is_an_item_until_cast_and_only_for_undecided_plans() -> None:
    wp = partnership()
    assert [i.key for i in digest.items(wp, "bob", today=TODAY)] == ["vote:P3"]
    [item] = digest.items(wp, "bob", today=TODAY)
    assert item.detail == "proposed; 2 others have not voted" and item.action.startswith("workplan vote P3")
    wp.votes = [Vote(id=1, plan=3, member="bob", position="agree", at=f"{iso_day()}T08:00:00Z")]
    assert digest.items(wp, "bob", today=TODAY) == []
    assert digest.items(wp, "dave", today=TODAY) == []  # not a member: nothing


def test_a_norm_not_agreed_is_an_item_until_agreed() -> None:
    wp = partnership(norms={1: Norm(id=1, text="We notify\nin advance", agreed_by=["alice", "bob"])})
    wp.plans[3] = wp.plans[3].replace(status="active")
    assert [i.key for i in digest.items(wp, "carol", today=TODAY)] == ["norm:N1"]
    assert digest.items(wp, "carol", today=TODAY)[0].detail == "only you have not agreed"
    assert digest.items(wp, "bob", today=TODAY) == []


def test_what_others_changed_on_my_tasks_is_one_item_a_task_and_not_worth_a_message_alone() -> None:
    wp = partnership(tasks={1: task(1, None), 2: task(2, None, owner="carol")})
    wp.plans[3] = wp.plans[3].replace(status="active")
    log = [
        entry(10, "T1", "alice", progress=[40, 60]),
        entry(11, "T1", "carol", note=[None, "Called the supplier"]),
        entry(12, "T1", "bob", progress=[60, 70]),  # my own change: I know it
        entry(13, "T2", "alice", progress=[0, 10]),  # not my task
    ]
    [item] = digest.items(wp, "bob", today=TODAY, log=log)
    assert item.kind == "changed" and item.key == "changed:T1:A11"
    assert item.detail == "alice changed T1: progress 40% → 60%; carol changed T1: note: Called the supplier"
    assert not digest.worth_sending([item])


def test_an_item_i_acted_on_since_the_last_digest_is_not_repeated_once() -> None:
    wp = partnership(tasks={1: task(1, iso_day(-2)), 2: task(2, iso_day(-2))})
    log = [entry(20, "T1", "bob", progress=[10, 20])]
    found = digest.items(wp, "bob", today=TODAY, log=log, sent_before=["overdue:T1", "overdue:T2"])
    assert [i.key for i in found] == ["overdue:T2", "vote:P3"]  # T1: I changed it since; T2 untouched
    again = digest.items(wp, "bob", today=TODAY, log=[], sent_before=["overdue:T2", "vote:P3"])
    assert [i.key for i in again] == ["overdue:T1", "overdue:T2", "vote:P3"]  # back the time after


def test_the_nudge_counts_what_to_act_on_in_words() -> None:
    wp = partnership(
        tasks={1: task(1, iso_day(-1)), 2: task(2, iso_day(-9)), 3: task(3, iso_day(+2))},
        norms={1: Norm(id=1, text="On time", agreed_by=[])},
    )
    assert digest.nudge(wp, "bob", today=TODAY) == "2 overdue, 1 due this week, 1 vote to cast, 1 norm to agree"
    assert digest.nudge(partnership(plans={}), "bob", today=TODAY) == ""


@pytest.mark.parametrize("weekday", range(7))
def test_a_weekly_period_starts_on_the_latest_chosen_weekday(weekday: int) -> None:
    day = digest.WEEKDAYS[weekday]
    period = digest.period(f"weekly:{day}", TODAY)
    assert period is not None and period.startswith("week from ")
    start = TODAY - timedelta(days=(TODAY.weekday() - weekday) % 7)
    assert period == f"week from {start.isoformat()}" and start.weekday() == weekday and 0 <= (TODAY - start).days < 7
    tomorrow = digest.period(f"weekly:{day}", TODAY + timedelta(days=1))
    assert (tomorrow == period) == ((TODAY + timedelta(days=1)).weekday() != weekday)


def test_daily_and_off_periods() -> None:
    assert digest.period("daily", TODAY) == TODAY.isoformat()
    assert digest.period("daily", TODAY + timedelta(days=1)) != digest.period("daily", TODAY)
    assert digest.period("off", TODAY) is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("daily", "daily"),
        ("weekly", "weekly:mon"),
        ("weekly fri", "weekly:fri"),
        ("Weekly:Friday", "weekly:fri"),
        ("sun", "weekly:sun"),
        ("off", "off"),
        ("never", "off"),
    ],
)
def test_preferences_as_people_type_them(typed: str, stored: str) -> None:
    assert digest.parse_preference(typed) == stored
    assert stored in digest.PREFERENCES


def test_a_preference_that_is_none_of_them_is_one_line() -> None:
    with pytest.raises(ValueError, match="is not a digest preference; use daily, weekly"):
        digest.parse_preference("hourly")
    assert digest.preference_words("weekly:fri") == "weekly on Fridays"


def test_a_vote_item_says_when_the_proposal_closes_and_the_soonest_comes_first() -> None:
    wp = partnership()
    wp.plans[4] = Plan(id=4, title="Vans", status="proposed", closes=iso_day(+2))
    wp.plans[3] = wp.plans[3].replace(closes=iso_day(+9))
    found = digest.items(wp, "bob", today=TODAY)
    assert [i.record for i in found] == ["P4", "P3"]
    assert found[0].detail.startswith("proposed; closes in 2 days, ")


def test_a_task_whose_last_prerequisite_was_done_is_ready_to_start() -> None:
    """Issue 29: "you can start T12: T9 done by dan" reaches the owner in their digest."""
    done = task(9, None, owner="alice", status="done")
    mine = task(12, None).replace(waits_on=[9])
    wp = partnership(tasks={9: done, 12: mine})
    log = [entry(20, "T9", "alice", status=["doing", "done"])]
    found = digest.items(wp, "bob", today=TODAY, log=log)
    ready = [i for i in found if i.kind == "ready"]
    assert [(i.key, i.detail) for i in ready] == [("ready:T12:T9", "you can start T12: T9 done by alice")]
    assert digest.worth_sending(ready)
    assert message.subject("Eastside", ready) == "[Eastside] 1 task ready to start"  # counted in the subject
    assert "ready" not in [i.kind for i in digest.items(wp, "alice", today=TODAY, log=log)]
    assert "ready" not in {k.name for k in digest.NUDGE_KINDS}  # the nudge reads no log


# --- commitments (issue 26): the partner's late pledges, follow-ups due ---------------------------------


def test_my_partners_pledges_behind_or_late_are_items_for_each_of_its_members() -> None:
    late = Contribution(kind="cash", description="Match", amount=6000, due=iso_day(-40))
    fine = Contribution(kind="staff", description="Gardeners", amount=1000, due=iso_day(+40))
    wp = partnership()
    wp.partnership = wp.partnership.replace(currency="USD")
    wp.partners["PARKS"] = wp.partners["PARKS"].replace(contributions=[fine, late])
    wp.partners["FOOD"] = Partner(id=2, code="FOOD", name="Food", contributions=[late])
    found = [i for i in digest.items(wp, "bob", today=TODAY) if i.kind == "pledge"]
    assert [(i.key, i.record, i.title) for i in found] == [("pledge:PARKS#2", "PARKS #2", "Match")]
    assert found[0].detail.startswith("late: all $6,000 was due by ") and found[0].about == "partner PARKS"
    assert digest.nudge(wp, "bob", today=TODAY) == "1 vote to cast, 1 pledge behind or late"
    # acted on since (a delivery, a follow-up: a change to the partner): not repeated once
    acted = [Activity(id=9, at=f"{iso_day()}T08:00:00Z", member="bob", kind="partner.deliver", record="partner PARKS")]
    again = digest.items(wp, "bob", today=TODAY, log=acted, sent_before=["pledge:PARKS#2"])
    assert "pledge:PARKS#2" not in [i.key for i in again]


def test_a_follow_up_is_due_to_whoever_recorded_it_once_its_new_date_comes() -> None:
    followed = FollowUp(
        by="alice", at=f"{iso_day(-5)}T09:00:00Z", on=iso_day(-5), whom="bob", agreed="by Friday", new_date=iso_day(-1)
    )
    later = followed.replace(new_date=iso_day(+3))
    tasks = {1: task(1, iso_day(-1)).replace(followups=[followed]), 2: task(2, iso_day(+3)).replace(followups=[later])}
    wp = partnership(tasks=tasks)
    [item] = [i for i in digest.items(wp, "alice", today=TODAY) if i.kind == "followup"]
    assert (item.key, item.record, item.title) == (f"followup:T1:{iso_day(-1)}", "T1", "Task 1")
    assert item.detail.startswith("agreed with bob: by Friday; new date ") and item.detail.endswith("1 day ago")
    assert item.action == "workplan followup add T1 --with bob"
    assert [i.kind for i in digest.items(wp, "bob", today=TODAY)] == ["overdue", "due", "vote"]  # not bob's
    assert digest.nudge(wp, "alice", today=TODAY) == "1 vote to cast, 1 follow-up due"


def test_outcomes_off_track_that_my_open_tasks_work_towards() -> None:
    """An outcome is 'mine' through my open tasks linked to it; only an off-track one is said,
    with the forecast's reason (past due, 10 of 40 beds)."""
    from workplan_tui.model.records import Outcome

    outcomes = {
        1: Outcome(
            id=1, plan=1, name="Beds built", target=40, current=10, unit="beds", start=iso_day(-60), due=iso_day(-3)
        ),
        2: Outcome(id=2, plan=1, name="Volunteers", target=10, current=10, due=iso_day(-3)),  # met: never off track
        3: Outcome(id=3, plan=1, name="Bins", target=5, current=0, due=iso_day(-3)),  # off track, but not mine
    }
    tasks = {
        1: Task(id=1, plan=1, title="Order soil", owner="bob", outcome=1, due=iso_day(5)),
        2: Task(id=2, plan=1, title="Call", owner="bob", outcome=2, due=iso_day(5)),
        3: Task(id=3, plan=1, title="Bins", owner="carol", outcome=3, due=iso_day(5)),
        4: Task(id=4, plan=1, title="Done", owner="bob", outcome=3, status="done"),
    }
    found = [
        i for i in digest.items(partnership(tasks=tasks, outcomes=outcomes), "bob", today=TODAY) if i.kind == "offtrack"
    ]
    assert [(i.key, i.title) for i in found] == [("offtrack:O1", "Beds built")]
    assert found[0].detail.startswith("off track: was due ") and found[0].detail.endswith("at 10 beds, target 40 beds")
    assert found[0].action == "workplan outcome show O1"
    carols = [
        i.key
        for i in digest.items(partnership(tasks=tasks, outcomes=outcomes), "carol", today=TODAY)
        if i.kind == "offtrack"
    ]
    assert carols == ["offtrack:O3"]  # her open task works towards it; bob's done one does not count
