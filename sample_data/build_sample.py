"""Rebuild sample_data/partnership.json through the real store, on a simulated clock.

    python sample_data/build_sample.py

Every record is made by the same actions the CLI uses, so the sample is a valid
file with a believable activity log. Dates are relative to SAMPLE_TODAY;
``workplan demo`` shifts them so they are relative to the real today.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from workplan_tui.model.commitments import When
from workplan_tui.store import actions
from workplan_tui.store.history import history_path_for
from workplan_tui.store.store import Store

SAMPLE_TODAY = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
OUT = Path(__file__).with_name("partnership.json")


class Clock:
    """The simulated clock, which only goes forward, so that the log is in time order (a
    record's history is shown in the log's order). ``later`` keeps a change for its own time,
    before the script's next step: ``at`` first makes every change kept for then or earlier,
    oldest first. Records are made in the script's order (their ids: T16 stays T16)."""

    def __init__(self) -> None:
        self.now = SAMPLE_TODAY - timedelta(days=150)
        self.kept: list[tuple[float, int, Callable[[], object]]] = []

    def __call__(self) -> datetime:
        return self.now

    def _moment(self, days_before_today: float) -> datetime:
        when = SAMPLE_TODAY - timedelta(days=days_before_today)
        if when < self.now:
            raise ValueError(f"the sample's clock would go back to {days_before_today} days before its today")
        return when

    def later(self, days_before_today: float, change: Callable[[], object]) -> None:
        """Make ``change`` at its time, once the script's clock reaches it."""
        self._moment(days_before_today)
        self.kept.append((days_before_today, len(self.kept), change))

    def at(self, days_before_today: float) -> None:
        when = self._moment(days_before_today)
        due = sorted((k for k in self.kept if k[0] >= days_before_today), key=lambda k: (-k[0], k[1]))
        self.kept = [k for k in self.kept if k[0] < days_before_today]
        for days, _, change in due:
            self.now = SAMPLE_TODAY - timedelta(days=days)
            change()
        self.now = when


def day(offset: int) -> str:
    """A date ``offset`` days from the sample's today (negative is past)."""
    return (SAMPLE_TODAY + timedelta(days=offset)).date().isoformat()


def quarterly(first: int, count: int) -> dict[str, object]:
    """A pledge's instalments: ``count`` quarterly from ``first`` (days from the sample's today)."""
    return {"every": "quarter", "start": day(first), "count": count}


def monthly(first: int, count: int) -> dict[str, object]:
    return {"every": "month", "start": day(first), "count": count}


def moment(offset: int, at: str) -> str:
    """A UTC time ``offset`` days from the sample's today at ``at`` (HH:MM), as the file writes it."""
    hour, minute = map(int, at.split(":"))
    when = (SAMPLE_TODAY + timedelta(days=offset)).replace(hour=hour, minute=minute, second=0)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def build(path: Path) -> None:
    clock = Clock()
    stores: dict[str, Store] = {}

    def as_(user: str) -> Store:
        if user not in stores:
            store = Store(path, user=user, clock=clock)
            # Each of the sample's people acts from their own login (model/identity.py binds a
            # member to the account their handle names), not from whoever runs this script.
            store.login = store.os_user = user
            stores[user] = store
        return stores[user]

    if path.exists():
        path.unlink()
    clock.at(150)
    as_("alice").create(
        "Eastside Food Access Partnership",
        "Families in the Eastside neighbourhood live more than a mile from fresh food; "
        "we grow, rescue and deliver it together.",
    )
    alice = as_("alice")
    actions.set_currency(alice, "USD")
    actions.add_partner(
        alice,
        "PARKS",
        "City Parks & Recreation Department",
        [
            ("staff", "Two gardeners, 10 h/week", 18000, None, None, None, When(due=day(90))),
            ("facilities", "Greenhouse at Lincoln Park", None),
            # Late: the mowing contract was due to be paid six weeks ago.
            ("maintenance", "Mowing and upkeep of the garden sites", 4000, None, None, None, When(due=day(-40))),
        ],
        "Use park land for community benefit this season",
        "A permanent urban-agriculture programme",
    )
    actions.add_partner(
        alice,
        "FOODBANK",
        "Eastside Community Food Bank",
        [],
        "Fresh produce for weekly distribution",
        "Fewer families relying on emergency boxes",
    )
    actions.add_partner(
        alice,
        "SCHOOLS",
        "Riverside School District",
        [
            ("facilities", "School yards at three elementaries", None),
            # Behind: four quarterly instalments; the second fell due a week ago.
            ("staff", "Science teacher time", 6000, None, None, None, When(schedule=quarterly(-100, 4))),
            ("maintenance", "Custodial care of the garden beds", None, 120, 30),
        ],
        "Outdoor science lessons",
        "Healthier school meals sourced locally",
    )
    actions.add_partner(
        alice,
        "GARDEN",
        "Green Thumbs Volunteer Garden Group",
        [
            # On schedule: 100 hours a month, three months delivered.
            ("volunteers", "40 volunteer gardeners", None, 1200, 25, None, When(schedule=monthly(-90, 12))),
            ("equipment", "Tools, tillers and irrigation kit", 3500),
            ("supplies", "Seeds, seedlings and compost", 1200, None, None, None, When(due=day(30))),
        ],
        "Space and water for members' plots",
        "A garden within walking distance of every home",
    )
    # The city's grant to the food bank, matched one to one in cash, volunteer hours and services
    # by the end of its period: at risk, since the truck is pledged for after that.
    actions.add_grant(
        alice,
        "PARKS",
        "FOODBANK",
        30000,
        "1:1",
        "Cold storage and winter meal boxes",
        dates={"start": day(-150), "end": day(120)},
    )
    for pledged in (
        ("cash", "Match from the county hunger fund", 10000, None, None, 1, When(due=day(60))),
        ("volunteers", "Saturday distribution crew", None, 600, 25, 1),  # by the grant's deadline
        ("services", "Refrigerated truck and driver", 5000, None, None, 1, When(due=day(150))),
    ):
        actions.pledge(alice, "FOODBANK", pledged)
    people = [
        ("alice", "Alice Moreno", "PARKS", "lead"),
        ("dan", "Dan Okafor", "PARKS", "member"),
        ("bob", "Bob Lindqvist", "FOODBANK", "lead"),
        ("fatima", "Fatima Haddad", "FOODBANK", "member"),
        ("carmen", "Carmen Ruiz", "SCHOOLS", "lead"),
        ("ed", "Ed Nakamura", "SCHOOLS", "member"),
        ("grace", "Grace Obi", "GARDEN", "lead"),
        ("hiro", "Hiro Tanaka", "GARDEN", "member"),
    ]
    for handle, name, partner, role in people:
        actions.add_member(alice, handle, name, partner, role)
    everyone = [p[0] for p in people]

    clock.at(145)
    norms = [
        "We notify members in advance if we miss a meeting.",
        "Decisions about shared money are made at a meeting with every partner present.",
        "Each partner names one lead who answers within two working days.",
        "We credit every partner by name in public communications.",
    ]
    for text in norms:
        actions.add_norm(alice, text)
    for n, agreeing in ((1, everyone), (2, everyone), (3, everyone[:6]), (4, ["alice", "bob", "grace"])):
        for who in agreeing:
            actions.agree_norm(as_(who), n)

    # P1: completed summer pilot.
    clock.at(140)
    bob = as_("bob")
    actions.add_plan(
        bob,
        "Summer meals pilot",
        "Free lunches at two parks during the school holidays.",
        "consensus",
        start=day(-120),
        end=day(-55),
        lead="PARKS",
    )
    actions.add_outcome(bob, 1, "Meals served", 12000, 0, "meals", day(-60), lead="FOODBANK")
    actions.add_outcome(bob, 1, "Average wait at pickup", 10, 25, "minutes", day(-60), lead="PARKS")
    actions.move_plan(bob, 1, "propose")
    for who in everyone:
        actions.vote(as_(who), 1, "agree", "")
    actions.move_plan(bob, 1, "activate")
    pilot_tasks = [
        ("Book park shelters for lunch service", "alice", -120),
        ("Recruit lunch volunteers", "fatima", -115),
        ("Food safety training for volunteers", "bob", -110),
        ("Print flyers in English and Spanish", "carmen", -105),
        ("Daily lunch counts spreadsheet", "fatima", -70),
        ("Pilot report for the county", "bob", -55),
    ]
    for title, owner, due in pilot_tasks:
        actions.add_task(bob, 1, title, owner=owner, due=day(due))
    # What happens over the summer, at its own time among P2's first weeks (Clock.later).
    for step, value, note, sure in (
        (100, 2100, "first two weeks", "medium"),
        (80, 6800, "", "high"),
        (65, 12850, "final count", "high"),
    ):
        clock.later(step, lambda v=value, n=note, s=sure: actions.checkin(as_("fatima"), 1, v, n, s))
    for step, value, sure in ((100, 22, "medium"), (80, 15, "medium"), (65, 10, "high")):
        clock.later(step, lambda v=value, s=sure: actions.checkin(as_("bob"), 2, v, "", s))
    for task_id in range(1, 7):
        clock.later(60, lambda t=task_id: actions.set_status(as_(pilot_tasks[t - 1][1]), t, "done"))
    clock.later(50, lambda: actions.move_plan(bob, 1, "complete"))
    for who, code, number, amount, on, note in (
        ("bob", "FOODBANK", "1", "$3,000", -75, "First transfer from the county fund"),
        ("fatima", "FOODBANK", "2", "120h", -50, "Summer pilot Saturdays"),
        ("grace", "GARDEN", "equipment", "$3,500", -80, ""),
        ("alice", "PARKS", "staff", "$6,000", -50, "Gardeners, May to July"),
        ("carmen", "SCHOOLS", "staff", "$1,500", -95, "First quarter of teacher time"),
    ):
        clock.later(
            48,
            lambda w=who, c=code, n=number, a=amount, o=on, t=note: actions.deliver(as_(w), c, n, a, on=day(o), note=t),
        )

    # P2: the active plan, with full buy-in.
    clock.at(90)
    grace = as_("grace")
    actions.add_plan(
        grace,
        "Community gardens at three schools",
        "Raised beds, lessons and a harvest for the food bank.",
        "partners",
        start=day(-90),
        end=day(60),
        lead="GARDEN",
    )
    actions.add_outcome(grace, 2, "Raised beds built", 40, 0, "beds", day(30), lead="GARDEN")
    actions.add_outcome(grace, 2, "Students in garden lessons", 600, 0, "students", day(45), lead="SCHOOLS")
    actions.add_outcome(grace, 2, "Produce donated to the food bank", 2000, 0, "kg", day(60), lead="FOODBANK")
    actions.move_plan(grace, 2, "propose")
    comments = {"carmen": "Yes, if lessons fit the science curriculum", "ed": "Happy to host at Lincoln Elementary"}
    for who in everyone:
        actions.vote(as_(who), 2, "agree", comments.get(who, ""))
    actions.move_plan(grace, 2, "activate")
    garden_tasks = [
        # title, owner, due offset, outcome, (status, progress, reason), last touched days ago
        ("Soil tests at the three school yards", "dan", -70, 3, ("done", 100, ""), 60),
        ("Order lumber for 40 raised beds", "alice", -50, 3, ("done", 100, ""), 45),
        ("Build beds at Lincoln Elementary", "hiro", -20, 3, ("done", 100, ""), 18),
        # The parks department's gardeners build these, with the garden group's lumber.
        ("Build beds at Riverside Elementary", "dan", -3, 3, ("doing", 70, ""), 4),
        (
            "Build beds at Oak Street Elementary",
            "grace",
            12,
            3,
            ("blocked", 10, "Waiting for the district's permit"),
            9,
        ),
        ("Irrigation at Lincoln Elementary", "dan", -6, 3, ("doing", 40, ""), 20),
        ("Irrigation at Riverside Elementary", "dan", 20, 3, ("todo", 0, ""), 30),
        ("Garden lesson plans, grades 3-5", "carmen", 5, 4, ("doing", 60, ""), 2),
        ("Train teachers to run garden lessons", "ed", 14, 4, ("todo", 0, ""), 25),
        ("Parent consent forms", "ed", -9, 4, ("doing", 80, ""), 3),
        ("Schedule classes for spring term", "carmen", 40, 4, ("todo", 0, ""), 25),
        ("Harvest log for donated produce", "fatima", 3, 5, ("doing", 50, ""), 5),
        (
            "Cold storage at the food bank",
            "bob",
            -9,
            5,
            ("blocked", 30, "Compressor quote over budget; needs a partner decision"),
            7,
        ),
        ("Weekly pickup route from the gardens", "fatima", 7, 5, ("todo", 0, ""), 16),
        ("Volunteer rota for weekend watering", "hiro", 1, None, ("doing", 20, ""), 17),
        ("Signage crediting every partner", "grace", 25, None, ("todo", 0, ""), 10),
        ("Insurance for volunteers on school grounds", "alice", -12, None, ("doing", 50, ""), 21),
        ("Tool shed at Riverside Elementary", "hiro", 18, None, ("todo", 0, ""), 12),
        ("Compost bins from the parks department", "dan", 9, None, ("doing", 30, ""), 6),
        ("Photos and a story for the district newsletter", "carmen", 2, None, ("todo", 0, ""), 15),
        ("Grant report to the county (quarter 4)", "bob", 30, None, ("todo", 0, ""), 8),
        ("Winter cover crops in all beds", "grace", 10, 3, ("todo", 0, ""), 11),
    ]
    for offset, (title, owner, due, outcome, _, _) in enumerate(garden_tasks):
        clock.at(88 - offset)
        actions.add_task(grace, 2, title, owner=owner, due=day(due), outcome=outcome)
    first_garden = 7
    for i, (_, owner, _, _, (status, progress, reason), touched) in enumerate(garden_tasks):

        def touch(
            task_id: int = first_garden + i,
            owner: str = owner,
            status: str = status,
            progress: int = progress,
            reason: str = reason,
        ) -> None:
            store = as_(owner)
            if progress and status != "done":
                actions.set_progress(store, task_id, str(progress))
            if status in ("blocked", "done"):
                actions.set_status(store, task_id, status, reason or None)

        clock.later(touched, touch)
    # Followed up, and due again: the forms were promised for two days ago.
    clock.later(
        8,
        lambda: actions.follow_up_task(
            as_("carmen"),
            first_garden + 9,
            whom="ed",
            on=day(-8),
            agreed="Forms back from the last two classes by Friday",
            new_date=day(-2),
        ),
    )
    clock.later(
        5,
        lambda: actions.follow_up_pledge(
            as_("alice"),
            "SCHOOLS",
            "2",
            whom="carmen",
            on=day(-5),
            agreed="The second instalment waits for the district's budget vote",
        ),
    )
    # Teacher training was to start five days ago; nobody has begun it.
    clock.later(4, lambda: actions.edit_task(as_("ed"), first_garden + 8, {"start": day(-5)}))
    clock.later(4, lambda: actions.add_note(as_("hiro"), 10, "Two of six beds left; lumber for them arrives Monday."))
    clock.later(4, lambda: actions.add_note(as_("bob"), 19, "Cheapest quote is $4,800; we budgeted $3,000."))
    # Beds on track, lessons off track (the spring timetable is not set), produce at risk.
    for days_ago, outcome_id, value, who, note, sure in (
        (60, 3, 6, "dan", "Lincoln yard cleared", "medium"),
        (40, 3, 14, "hiro", "", "medium"),
        (18, 3, 24, "hiro", "Lincoln done", "high"),
        (5, 3, 28, "hiro", "Riverside half built", "high"),
        (30, 4, 90, "carmen", "Pilot lessons, two classes", "medium"),
        (6, 4, 210, "carmen", "Spring timetable not set yet", "low"),
        (40, 5, 150, "fatima", "First salad greens", "medium"),
        (26, 5, 400, "fatima", "", "medium"),
        (12, 5, 640, "fatima", "", "medium"),
        (3, 5, 800, "fatima", "Squash harvest; frost next week", "low"),
    ):
        clock.later(days_ago, lambda o=outcome_id, v=value, w=who, n=note, s=sure: actions.checkin(as_(w), o, v, n, s))

    # M1: a meeting four weeks ago. Dan sent apologies the evening before; Ed was represented by
    # Carmen; both were debriefed within the week. Two decisions about P2 and two action items.
    clock.at(35)
    actions.add_meeting(
        grace,
        "Partnership meeting",
        day(-28),
        time="14:00",
        duration=90,
        place="Lincoln Elementary, library",
        facilitator="grace",
        alternate="alice",
        agenda=False,
    )
    for text, about in (
        ("Raised beds: where each school stands", "O3"),
        ("Garden lessons for the spring term", "O4"),
        ("Harvest plan for the food bank", "O5"),
        ("Blocked: the Oak Street permit", "T11"),
    ):
        actions.agenda_add(grace, 1, text, about=about)
    clock.at(29)
    actions.attend(as_("dan"), 1, "dan", "apologies", sent=moment(-29, "17:30"))
    clock.at(27.7)
    for who in ("alice", "bob", "carmen", "fatima", "grace", "hiro"):
        actions.attend(grace, 1, who, "present")
    actions.attend(grace, 1, "ed", "represented", proxy="carmen")
    actions.decide(grace, 1, "Lesson plans go to the district for approval before the spring term.", about="P2")
    actions.decide(grace, 1, "Harvested produce goes to the food bank every Friday.", about="P2")
    m1_actions = [
        actions.add_task(grace, 2, "Send the lesson plans to the district", owner="carmen", due=day(-14), meeting=1),
        actions.add_task(grace, 2, "Ask the county about a cold-storage grant", owner="bob", due=day(5), meeting=1),
    ]
    clock.at(26)
    actions.debrief(as_("carmen"), 1, "ed")
    clock.at(25)
    actions.debrief(alice, 1, "dan")
    clock.later(16, lambda: actions.set_status(as_("carmen"), m1_actions[0].id, "done"))

    # P3: proposed, votes pending, one disagree.
    clock.at(20)
    actions.add_plan(
        bob,
        "Winter weekend meal boxes",
        "Saturday meal boxes for 400 families from December to March, picked up at schools.",
        "consensus",
        start=day(30),
        end=day(150),
        lead="FOODBANK",
    )
    actions.add_outcome(bob, 3, "Meal boxes distributed", 5000, 0, "boxes", day(150), lead="FOODBANK")
    # Enrolment starts now, before the boxes: "0 / 400, due in 5 weeks" is not healthy.
    actions.add_outcome(bob, 3, "Families enrolled", 400, 0, "families", day(35), start=day(-20), lead="SCHOOLS")
    actions.move_plan(bob, 3, "propose")
    # M2: the meeting where P3 was voted on, two weeks ago. Carmen's apologies came after it had
    # started; she was debriefed. Dan was absent and nobody has debriefed him yet.
    clock.at(17)
    actions.add_meeting(
        alice,
        "Partnership meeting: winter boxes",
        day(-15),
        time="08:30",
        duration=90,
        place="Food bank warehouse",
        facilitator="alice",
        alternate="grace",
        agenda=False,
    )
    for text, about in (
        ("Winter weekend meal boxes: the vote", "P3"),
        ("Debrief norm: how we keep members who miss a meeting up to date", "N1"),
        ("Cold storage: the compressor quote", "T19"),
    ):
        actions.agenda_add(alice, 2, text, about=about)
    clock.at(15.01)
    actions.attend(as_("carmen"), 2, "carmen", "apologies", sent=moment(-15, "09:15"))
    for who, position, comment in (
        ("bob", "agree", "We have the cash match lined up"),
        ("fatima", "agree", ""),
        ("alice", "agree", "Parks can lend vans on Saturdays"),
        ("grace", "agree", ""),
        ("hiro", "abstain", "Garden group is at capacity this winter"),
        ("ed", "disagree", "Schools cannot staff weekend pickups yet"),
    ):
        clock.at(15)
        actions.vote(as_(who), 3, position, comment)
    clock.at(14.75)
    for who in ("alice", "bob", "ed", "fatima", "grace", "hiro"):
        actions.attend(alice, 2, who, "present")
    actions.attend(alice, 2, "dan", "absent")
    actions.decide(alice, 2, "Winter boxes stay proposed until the schools can staff weekend pickups.", about="P3")
    actions.add_task(alice, 3, "Ask the district about weekend access", owner="ed", due=day(-3), meeting=2)
    actions.agenda_add(alice, 2, "Who staffs the Saturday pickups?", about="P3", at=1)
    clock.later(13, lambda: actions.debrief(as_("ed"), 2, "carmen"))
    winter_tasks = [
        ("Confirm box supplier for December", "bob", 14, 6),
        ("Enrolment form for families", "fatima", 7, 7),
        ("Saturday van schedule", "alice", 21, None),
        ("Find a weekend custodian for pickups", "carmen", 10, None),
        ("Budget for four months of boxes", "bob", 5, None),
        ("Volunteer sign-up for Saturdays", "fatima", 18, None),
        ("Translate enrolment form", "carmen", 12, 7),
        ("Pickup site walk-through", "ed", 16, None),
        ("Cold-chain checklist", "bob", 24, None),
        ("Text-message reminders for families", "dan", 28, None),
        ("Draft press release", "grace", 35, None),
        ("Plan B: delivery to homebound families", None, 40, None),
    ]
    winter_ids = []
    for i, (title, owner, due, outcome) in enumerate(winter_tasks):
        clock.at(14 - i * 0.5)
        winter_ids.append(actions.add_task(bob, 3, title, owner=owner, due=day(due), outcome=outcome).id)
    clock.at(6)
    actions.checkin(as_("fatima"), 7, 45, "Paper forms at two schools so far", "low")
    clock.at(2.5)
    for who, code, number, amount, on, note in (
        ("bob", "FOODBANK", "1", "$3,000", -10, "Second transfer"),
        ("fatima", "FOODBANK", "2", "120h", -4, "Harvest Saturdays"),
        ("alice", "PARKS", "staff", "$3,000", -20, "Gardeners, August"),
        ("grace", "GARDEN", "volunteers", "300h", -7, "Bed building weekends"),
    ):
        actions.deliver(as_(who), code, number, amount, on=day(on), note=note)

    clock.at(2)
    first_winter = winter_ids[0]
    actions.set_progress(as_("fatima"), first_winter + 1, "40")
    actions.set_progress(as_("bob"), first_winter + 4, "70")
    actions.set_status(as_("carmen"), first_winter + 3, "blocked", "District has not approved weekend access")

    # Work over time (issue 29): a hand-off across three partners, a milestone, a weekly task
    # (after everything above, so that the log stays in the order things happened). Parks delivers
    # soil, the garden group builds the Oak Street beds on it, the school plants in them; a lesson
    # about the seedlings is due before they are planted: a date that cannot work.
    clock.at(1.9)
    soil = actions.add_task(
        as_("dan"), 2, "Deliver soil and compost to Oak Street", owner="dan", due=day(8), outcome=3
    ).id
    oak_beds = 11  # "Build beds at Oak Street Elementary" (grace), above
    actions.set_waits(grace, oak_beds, add=[soil])
    planting = actions.add_task(
        as_("carmen"), 2, "Plant winter seedlings at Oak Street", owner="ed", due=day(18), waits_on=[oak_beds]
    ).id
    actions.add_task(
        as_("carmen"), 2, "Seedling lesson for grade 3", owner="carmen", due=day(14), outcome=4, waits_on=[planting]
    )
    actions.add_milestone(grace, 2, "Oak Street garden planted", day(20), tasks=[soil, oak_beds, planting])
    # A weekly task: the weigh-in done makes next week's.
    clock.at(1.8)
    weigh_in = actions.add_task(
        as_("fatima"), 2, "Weekly harvest weigh-in", owner="fatima", due=day(-1), outcome=5, every="week"
    ).id
    clock.at(1.2)
    actions.set_status(as_("fatima"), weigh_in, "done")

    clock.at(1)
    actions.set_stage(alice, "norming")
    # M3: the next meeting, in six days, its agenda pre-filled with what needs the partnership.
    clock.at(0.5)
    actions.add_meeting(
        bob,
        "Partnership meeting",
        day(6),
        time="14:00",
        duration=90,
        place="Riverside Elementary, room 12",
        facilitator="bob",
        alternate="fatima",
    )
    assert not clock.kept, "a change kept for after the sample's last step"
    # The sample ships as one file: schema 1, its log inside (every demo then also
    # exercises the move of the log to its side file on the first write).
    data = orjson.loads(path.read_bytes())
    meta = data["meta"]["1"]
    meta["sample_today"] = SAMPLE_TODAY.date().isoformat()
    meta["schema_version"] = 1
    meta.pop("history", None)
    meta.pop("digest", None)
    log = history_path_for(path)
    entries = list(map(orjson.loads, log.read_bytes().splitlines()))
    for entry in entries:  # the sample's people, not whoever ran this script
        entry["os_user"] = entry["member"]
    data["activity"] = {str(e.pop("id")): e for e in entries}
    log.unlink()
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print(f"wrote {OUT if len(sys.argv) == 1 else sys.argv[1]}")
