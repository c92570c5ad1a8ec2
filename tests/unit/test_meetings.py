"""Meetings as records (issue 30): the rules with a fixed clock, the store's changes and their
undo, the command line (text, --json, errors), hand edits, old files, the merge, the minutes
(CommonMark with GFM tables), the calendar (parsed back with icalendar) and the status."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from markdown_it import MarkdownIt

from tests.clock import NOW, TODAY, day, day_month, iso_day, weekday_day_month
from tests.conftest import make_store, seed
from tests.unit.test_merge import assert_sound, copy, merged, store
from workplan_tui.model import dates, meetings, resources, schema
from workplan_tui.model.records import AgendaItem, Attendance, Meeting
from workplan_tui.model.rules import RuleError
from workplan_tui.store import actions
from workplan_tui.store.store import ConflictError, NotMemberError, Store

HOSTILE = "[@click=app.quit]x[/] <script>alert(1)</script> [l](javascript:alert(1)) *b* | \x1b]52;c;aGk=\x07"


def read(path: Path):
    return Store(path, user="alice").read()


def meeting(**fields: object) -> Meeting:
    base: dict[str, object] = {"title": "M", "day": iso_day(-3), "time": "14:00", "id": 1}
    base.update(fields)
    return Meeting(**base)  # type: ignore[arg-type]


def past_meeting(store: Store, days_ago: int = 3) -> int:
    """A meeting ``days_ago`` days back at 14:00 with alice and bob present and carol absent."""
    m = actions.add_meeting(store, "Partnership meeting", iso_day(-days_ago), time="14:00", facilitator="alice")
    actions.attend(store, m.id, "alice", "present")
    actions.attend(store, m.id, "bob", "present")
    actions.attend(store, m.id, "carol", "absent")
    return m.id


# --- the rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("14:00", "14:00"), ("9:30", "09:30"), ("9.30", "09:30"), ("2pm", "14:00"), ("12am", "00:00"),
     ("12pm", "12:00"), ("9:30 am", "09:30"), ("14h", "14:00"), ("7", "07:00")],
)  # fmt: skip
def test_a_time_is_read_as_people_type_it(typed: str, stored: str) -> None:
    assert meetings.parse_time(typed) == stored


@pytest.mark.parametrize("typed", ["25:00", "13pm", "noonish", "9:60", "", "٩:٣٠"])
def test_a_time_that_is_none_is_one_line(typed: str) -> None:
    with pytest.raises(RuleError, match="not a time of day; use 14:00"):
        meetings.parse_time(typed)


def test_apologies_sent_before_the_start_are_in_advance() -> None:
    m = meeting(day=iso_day(0), time="14:00")
    before = Attendance("bob", "apologies", sent=f"{iso_day(0)}T13:59:00Z")
    after = Attendance("bob", "apologies", sent=f"{iso_day(0)}T14:05:00Z")
    assert meetings.in_advance(before, m) is True
    assert meetings.in_advance(after, m) is False
    assert meetings.in_advance(Attendance("bob", "absent"), m) is None
    day_only = meeting(day=iso_day(0), time=None)  # a meeting without a time starts with its day
    assert meetings.in_advance(Attendance("bob", "apologies", sent=f"{iso_day(-1)}T23:00:00Z"), day_only) is True
    assert meetings.in_advance(Attendance("bob", "apologies", sent=f"{iso_day(0)}T08:00:00Z"), day_only) is False


def test_when_apologies_were_sent_is_read_as_people_type_it() -> None:
    assert meetings.parse_sent("now", TODAY) is None
    assert meetings.parse_sent("yesterday 17:00", TODAY) == f"{iso_day(-1)}T17:00:00Z"
    assert meetings.parse_sent(iso_day(-2), TODAY) == f"{iso_day(-2)}T12:00:00Z"  # a day alone: its noon
    assert meetings.parse_sent("dec 15", date(2027, 1, 5)) == "2026-12-15T12:00:00Z"  # a month and day, not 15:00
    assert meetings.parse_sent("dec 15 17:00", date(2027, 1, 5)) == "2026-12-15T17:00:00Z"
    assert meetings.parse_sent(f"{iso_day(-14)}T16:00:00Z", TODAY) == f"{iso_day(-14)}T16:00:00Z"
    with pytest.raises(ValueError, match="when apologies were sent"):
        meetings.parse_sent("the other day", TODAY)


def test_a_meeting_is_past_once_it_has_ended() -> None:
    m = meeting(day=iso_day(0), time="09:00", duration=60)
    assert not meetings.is_past(m, NOW.replace(hour=9, minute=59))
    assert meetings.is_past(m, NOW.replace(hour=10, minute=0))
    whole_day = meeting(day=iso_day(0), time=None)
    assert not meetings.is_past(whole_day, NOW.replace(hour=23))
    assert meetings.is_past(whole_day, NOW + timedelta(days=1))


def test_debriefs_owed_are_those_not_given_soonest_due_first_and_overdue_once_the_day_passed() -> None:
    wp = schema.load(
        {
            "meta": {"1": {"schema_version": 2, "name": "x"}},
            "partners": {"1": {"code": "P", "name": "P"}},
            "members": {str(n): {"handle": h, "name": h, "partner": "P"} for n, h in enumerate("abcd", 1)},
            "meetings": {
                "1": {
                    "title": "Old",
                    "day": iso_day(-10),
                    "attendance": [
                        {"member": "a", "status": "present"},
                        {"member": "b", "status": "absent", "debrief_due": iso_day(-3)},
                        {"member": "c", "status": "apologies", "debrief_due": iso_day(-3), "debriefed_by": "a"},
                        {"member": "gone", "status": "absent", "debrief_due": iso_day(-3)},
                    ],
                },
                "2": {
                    "title": "Recent",
                    "day": iso_day(-2),
                    "attendance": [{"member": "d", "status": "represented", "proxy": "a", "debrief_due": iso_day(5)}],
                },
                "3": {  # to come: apologies sent ahead owe nothing yet
                    "title": "Next",
                    "day": iso_day(4),
                    "attendance": [{"member": "b", "status": "apologies", "debrief_due": iso_day(11)}],
                },
            },
        }
    )
    owed = meetings.debriefs_owed(wp, TODAY)
    assert [(d.meeting.label, d.entry.member, d.overdue) for d in owed] == [("M1", "b", True), ("M2", "d", False)]
    assert owed[0].words(TODAY).endswith(f"debrief overdue since {weekday_day_month(-3)}")
    assert [d.entry.member for d in meetings.debriefs_owed(wp, TODAY, member="d")] == ["d"]


def test_only_a_member_who_was_there_ticks_off_a_debrief() -> None:
    m = meeting(
        attendance=[
            Attendance("alice", "present"),
            Attendance("bob", "absent"),
            Attendance("carol", "represented", proxy="dan"),
            Attendance("dan", "apologies"),
        ]
    )
    assert meetings.debrief_problem(m, "bob", "alice") is None
    assert "was not recorded present" in (meetings.debrief_problem(m, "bob", "dan") or "")
    assert meetings.debrief_problem(m, "carol", "dan") is None  # the one who represented them
    assert "not by bob" in (meetings.debrief_problem(m, "bob", "bob") or "")
    assert "did not miss" in (meetings.debrief_problem(m, "alice", "bob") or "")


def test_a_meeting_with_neither_facilitator_nor_alternate_is_flagged() -> None:
    members = {"alice", "bob"}
    assert meetings.flags(meeting(), members) == [meetings.NO_FACILITATOR]
    assert meetings.flags(meeting(alternate="bob"), members) == []
    # Both have left since: a meeting still to come has no one to run it; a past one had.
    coming = meeting(day=iso_day(3), facilitator="dan", alternate="erin")
    assert meetings.flags(coming, members, NOW) == [
        "No facilitator or alternate: dan and erin are no longer members; choose them before the meeting"
    ]
    assert meetings.flags(coming.replace(alternate=None), members, NOW)[0].endswith(
        "dan is no longer a member; choose them before the meeting"
    )
    assert meetings.flags(coming.replace(alternate="bob"), members, NOW) == []
    assert meetings.flags(meeting(facilitator="dan"), members, NOW) == []  # three days ago


def test_a_meeting_is_said_on_the_day_the_file_holds_even_at_the_calendars_ends() -> None:
    assert meetings.when_text(meeting(day="0001-01-01", time=None), TODAY) == "Mon 1 Jan 1"
    assert meetings.when_text(meeting(day="9999-12-31", time="09:00"), TODAY) == "Fri 31 Dec 9999 09:00-10:00"
    late = meeting(day="9999-12-31", time="23:30", duration=1440)
    assert meetings.when_text(late, TODAY) == "Fri 31 Dec 9999 23:30-23:30 next day"
    assert meetings.when_text(meeting(day=iso_day(0), time="23:00", duration=120), TODAY).endswith(
        "23:00-01:00 next day"
    )


def test_the_agenda_starts_with_what_needs_the_partnership(wp: Path) -> None:
    s = make_store(wp)
    actions.set_status(s, 2, "blocked", "Waiting for the permit")
    actions.add_norm(s, "We notify members in advance if we miss a meeting.")
    actions.agree_norm(s, 1)
    old = past_meeting(s)
    items = meetings.prefill(s.read(), TODAY)
    words = [i.text for i in items]
    assert words[0].startswith(f"Debrief: carol missed M{old}") and items[0].about == f"M{old}"
    assert any(w.startswith("Buy-in for P1 Gardens: ") and "have not voted" in w for w in words)
    assert "Blocked: T2 Build beds: Waiting for the permit" in words
    assert any(w.startswith("Norm not in force: N1 ") and "(waiting for bob, carol)" in w for w in words)
    assert all(i.prefilled for i in items)


def late_pledge_and_milestones(wp: Path) -> Store:
    """FOOD's $2,000 pledged by three weeks ago, nothing delivered; a grant whose match deadline
    passed; milestones: D1 at risk (its task overdue) though three weeks off, D2 on track and due
    in 10 days, D3 met, D4 on track but two months off, D5 due in 3 days listing nothing."""
    s = make_store(wp)
    actions.pledge(s, "FOOD", resources.parse_pledge(f"cash: Match: $2,000: by {iso_day(-21)}", "USD", TODAY))
    actions.add_grant(s, "PARKS", "FOOD", 1000, "1:1", "Seed grant", dates={"end": iso_day(-2)})
    actions.add_milestone(s, 1, "Beds built", iso_day(20), tasks=[1])
    actions.add_milestone(s, 1, "Soil in", iso_day(10), tasks=[2])
    actions.add_milestone(s, 1, "Volunteers found", iso_day(5), tasks=[3])
    actions.set_status(s, 3, "done")
    later = actions.add_task(s, 1, "Paint the beds", due=iso_day(50))
    actions.add_milestone(s, 1, "Painted", iso_day(60), tasks=[later.id])
    actions.add_milestone(s, 1, "Signs up", iso_day(3))
    return s


def test_the_agenda_raises_late_pledges_missed_matches_and_milestones_at_risk_or_due_soon(wp: Path) -> None:
    s = late_pledge_and_milestones(wp)
    items = meetings.prefill(s.read(), TODAY)
    words = [i.text for i in items]
    late = f"FOOD's pledge of 2,000 (cash: Match) is late: all 2,000 was due by {day_month(-21)} (3 weeks overdue)"
    assert any(w.startswith(late) and w.endswith("delivered 0") for w in words), words
    match = next(i for i in items if i.text.startswith("Match of G1 Seed grant (FOOD) missed: deadline "))
    assert match.about == "G1"
    due = lambda offset: dates.short_date(day(offset), today=TODAY)  # noqa: E731
    raised = [(i.about, i.text) for i in items if i.text.startswith("Milestone ")]
    assert raised == [
        ("D1", f"Milestone D1 'Beds built' due {due(20)} is at risk: T1 overdue; 1 of 1 task open"),
        ("D5", f"Milestone D5 'Signs up' due {due(3)} lists no tasks or outcomes yet"),
        ("D2", f"Milestone D2 'Soil in' is on track: 1 of 1 task open, due {due(10)}"),
    ]
    # In the agenda's order: off track and late money before milestones, milestones before blocked tasks.
    kinds = [w.split()[0] for w in words]
    assert kinds.index("FOOD's") < kinds.index("Match") < kinds.index("Milestone")
    assert all(i.prefilled for i in items)
    assert meetings.mentioned(s.read(), "D1") == "D1 Beds built"
    # Soon is soon after the meeting: one in seven weeks raises D4, due two months from now.
    later = [i.about for i in meetings.prefill(s.read(), TODAY, day=day(50)) if i.text.startswith("Milestone ")]
    assert later == ["D1", "D5", "D2", "D4"]


def test_a_pledge_not_valued_and_one_behind_read_as_people_say_them(wp: Path) -> None:
    s = make_store(wp)
    actions.pledge(s, "FOOD", resources.parse_pledge(f"facilities: Hall: : : by {iso_day(-3)}", "USD", TODAY))
    start = day(-20).isoformat()
    actions.pledge(s, "PARKS", resources.parse_pledge(f"cash: Soil: $1,200: 12 monthly from {start}", "USD", TODAY))
    words = [i.text for i in meetings.prefill(s.read(), TODAY)]
    assert (
        f"FOOD's pledge (facilities: Hall) is late: was due {day_month(-3)} (3 days overdue), "
        "nothing recorded as delivered" in words
    )
    assert any(
        w.startswith("PARKS's pledge of 1,200 (cash: Soil) is behind: 100 of 1,200 expected by ") for w in words
    ), words


def test_late_pledges_and_milestones_reach_the_agenda_show_and_minutes_from_the_command_line(run, wp: Path) -> None:
    late_pledge_and_milestones(wp)
    added = json.loads(run("meeting", "add", "Partners", "--on", iso_day(4), "--at", "2pm", "--json").stdout)
    agenda = [(i["text"], i["about"]) for i in added["agenda"]]
    assert any(text.startswith("FOOD's pledge of 2,000 (cash: Match) is late: ") for text, _ in agenda)
    assert any(text.startswith("Milestone D1 'Beds built' due ") and about == "D1" for text, about in agenda)
    shown = run("meeting", "show", "M1").stdout
    assert "FOOD's pledge of 2,000 (cash: Match) is late" in shown and "is at risk: T1 overdue" in shown
    minutes = run("meeting", "minutes", "M1").stdout
    assert "is late: all 2,000 was due by" in minutes and "(3 weeks overdue)" in minutes
    assert "Milestone D1 'Beds built' due" in minutes and "is at risk: T1 overdue; 1 of 1 task open" in minutes
    # A member names a milestone as what an item is about, as they name a plan.
    assert run("meeting", "agenda", "M1", "--add", "Planting day", "--about", "d2").exit_code == 0
    listed = json.loads(run("meeting", "agenda", "M1", "--json").stdout)
    assert listed["agenda"][-1] == {"text": "Planting day", "about": "D2", "prefilled": False}


def test_the_log_reads_a_change_to_a_list_as_the_item_that_changed() -> None:
    a, b, c = ({"text": "A"}, {"text": "B", "about": "P1"}, {"text": "C"})
    assert meetings.list_change_words("agenda", [a, b], [a, b, c]) == "agenda + C"
    assert meetings.list_change_words("agenda", [a, b, c], [a, c]) == "agenda removed: B"
    assert meetings.list_change_words("agenda", [a, b, c], [c, a, b]) == 'agenda: moved "C" to 1'
    # Moving an item down names that item, not the one that rose into its place.
    assert meetings.list_change_words("agenda", [a, b, c], [b, c, a]) == 'agenda: moved "A" to 3'
    d = {"text": "D"}
    # neighbours swapped: the one that went up
    assert meetings.list_change_words("agenda", [a, b, c, d], [b, a, c, d]) == 'agenda: moved "B" to 1'
    assert meetings.list_change_words("agenda", [a, b, c, d], [a, c, d, b]) == 'agenda: moved "B" to 4'
    was = [{"member": "bob", "status": "absent", "debrief_due": "2026-12-01"}]
    assert meetings.list_change_words("attendance", [], was) == "attendance bob absent"
    ticked = [{**was[0], "debriefed_by": "alice"}]
    assert meetings.list_change_words("attendance", was, ticked) == "attendance bob debriefed by alice"
    assert meetings.list_change_words("attendance", ticked, was) == "attendance bob not debriefed after all"
    assert meetings.list_change_words("title", "a", "b") is None


# --- the store: changes, revisions, undo ------------------------------------------------------------


def test_attendance_owes_a_debrief_by_the_norms_days_and_a_present_member_ticks_it_off(store: Store) -> None:
    m = past_meeting(store, days_ago=2)
    actions.set_debrief_days(store, 5)
    record = actions.attend(store, m, "bob", "apologies", sent=f"{iso_day(-3)}T18:00:00Z")
    entry = meetings.attendance(record)["bob"]
    assert entry.debrief_due == iso_day(-2 + 5) and meetings.in_advance(entry, record) is True
    with pytest.raises(RuleError, match="only a member who was at M1"):
        actions.debrief(make_store(store.path, "carol"), m, "bob")
    record = actions.debrief(store, m, "bob")
    entry = meetings.attendance(record)["bob"]
    assert (entry.debriefed_by, entry.debriefed_at) == ("alice", store.read().meetings[m].attendance[1].debriefed_at)
    with pytest.raises(RuleError, match="already debriefed"):
        actions.debrief(store, m, "bob")
    back = actions.attend(store, m, "bob", "present")  # came after all: owes nothing
    assert meetings.attendance(back)["bob"].debrief_due is None
    assert [d.entry.member for d in meetings.debriefs_owed(store.read(), TODAY)] == ["carol"]


def test_represented_needs_a_member_who_was_there(store: Store) -> None:
    m = past_meeting(store)
    with pytest.raises(RuleError, match="carol was not present at M1"):
        actions.attend(store, m, "bob", "represented", proxy="carol")
    with pytest.raises(RuleError, match="cannot represent themselves"):
        actions.attend(store, m, "bob", "represented", proxy="bob")
    with pytest.raises(RuleError, match="no member 'zed'"):
        actions.attend(store, m, "zed", "present")
    record = actions.attend(store, m, "carol", "represented", proxy="bob")
    assert meetings.attendance(record)["carol"].proxy == "bob"


def test_every_change_is_logged_and_undone(store: Store) -> None:
    m = actions.add_meeting(store, "Kick-off", iso_day(0), time="10:00", facilitator="alice", alternate="bob")
    before = store.read().meetings[m.id]
    steps = [
        lambda: actions.agenda_add(store, m.id, "AOB", about="p1"),
        lambda: actions.agenda_move(store, m.id, len(before.agenda) + 1, 1),
        lambda: actions.agenda_remove(store, m.id, 2),
        lambda: actions.attend(store, m.id, "bob", "apologies"),
        lambda: actions.decide(store, m.id, "Go ahead", about="P1"),
        lambda: actions.edit_meeting(store, m.id, {"time": "3pm", "place": "Room 2", "alternate": None}),
    ]
    for step in steps:
        step()
    kinds = [e["kind"] for e in store.last_entries]
    assert kinds == ["meeting.edit"]
    after = store.read().meetings[m.id]
    assert after.time == "15:00" and after.agenda[0].text == "AOB" and after.decisions[0].about == "P1"
    for _ in steps:
        actions.undo(store)
    again = store.read().meetings[m.id]
    assert (again.agenda, again.attendance, again.decisions, again.time) == (
        before.agenda,
        before.attendance,
        before.decisions,
        before.time,
    )
    actions.undo(store)  # the meeting's addition itself
    assert m.id not in store.read().meetings


def test_debriefs_decisions_taken_back_and_the_norms_days_are_undone_too(store: Store) -> None:
    m = past_meeting(store)
    actions.decide(store, m, "One")
    before = store.read()
    actions.debrief(store, m, "carol")
    actions.remove_decision(store, m, 1)
    actions.unattend(store, m, "bob")
    actions.set_debrief_days(store, 3)
    for _ in range(4):
        actions.undo(store)
    after = store.read()
    assert after.meetings[m] == before.meetings[m].replace(
        rev=after.meetings[m].rev, updated_at=after.meetings[m].updated_at
    )
    assert after.partnership.debrief_days == 7


def test_a_change_made_on_a_stale_copy_is_refused(store: Store) -> None:
    m = actions.add_meeting(store, "Kick-off", iso_day(2), agenda=False)
    actions.agenda_add(store, m.id, "One")
    actions.agenda_add(store, m.id, "Two")
    seen = store.read().meetings[m.id].rev
    actions.agenda_remove(make_store(store.path, "bob"), m.id, 1)  # bob took One off meanwhile
    with pytest.raises(ConflictError, match="changed by someone else"):
        actions.agenda_remove(store, m.id, 1, expected_rev=seen)  # would now take Two off
    assert [i.text for i in store.read().meetings[m.id].agenda] == ["Two"]


def test_action_items_are_tasks_linked_to_the_meeting_and_a_removal_unlinks_them(store: Store) -> None:
    m = past_meeting(store)
    task = actions.add_task(store, 1, "Write to the district", owner="bob", due=iso_day(5), meeting=m)
    assert [t.id for t in meetings.action_items(store.read(), m)] == [task.id]
    with pytest.raises(RuleError, match=f"tasks are action items of M{m}: T{task.id}"):
        actions.remove_meeting(store, m)
    gone = actions.remove_meeting(store, m, unlink=True)
    assert gone.tasks == [task.id] and store.read().tasks[task.id].meeting is None
    undone = actions.undo(store)
    assert undone.restored["tasks"] == [f"T{task.id}"]
    assert store.read().tasks[task.id].meeting == m
    with pytest.raises(Exception, match="no meeting M99"):
        actions.add_task(store, 1, "Nowhere", meeting=99)


def test_only_members_change_meetings(store: Store) -> None:
    m = actions.add_meeting(store, "Kick-off", iso_day(2))
    outsider = make_store(store.path, "mallory")
    for change in (
        lambda: actions.add_meeting(outsider, "Mine", iso_day(1)),
        lambda: actions.attend(outsider, m.id, "alice", "present"),
        lambda: actions.decide(outsider, m.id, "Nothing"),
    ):
        with pytest.raises(NotMemberError):
            change()


def test_a_decision_is_about_a_plan_or_a_norm_that_exists(store: Store) -> None:
    m = actions.add_meeting(store, "Kick-off", iso_day(-1))
    with pytest.raises(RuleError, match="about a plan \\(P3\\) or a norm"):
        actions.decide(store, m.id, "x", about="T1")
    with pytest.raises(RuleError, match="no plan P9"):
        actions.decide(store, m.id, "x", about="P9")
    with pytest.raises(RuleError, match="not a record label"):
        actions.decide(store, m.id, "x", about="P-1")


# --- the command line ---------------------------------------------------------------------------------


def test_a_meeting_from_the_command_line_to_its_minutes(run, wp: Path) -> None:
    added = run("meeting", "add", "Partnership meeting", "--on", iso_day(-1), "--at", "2pm", "--facilitator", "alice")
    assert added.exit_code == 0 and added.output.startswith("Added M1 Partnership meeting")
    assert run("meeting", "attend", "M1", "present", "alice", "bob").exit_code == 0
    sent = run("meeting", "attend", "M1", "apologies", "carol", "--sent", f"{iso_day(-2)} 17:00", user="carol")
    assert "sent in advance" in sent.output
    assert run("meeting", "decide", "M1", "Gardens go ahead", "--about", "p1").exit_code == 0
    action = run("meeting", "action", "M1", "P1", "Write it up", "--owner", "bob", "--due", iso_day(4))
    assert action.output.startswith("Added action item T4 of M1 for bob")
    assert run("meeting", "debrief", "M1", "carol", user="bob").exit_code == 0
    shown = json.loads(run("meeting", "show", "M1", "--json").stdout)
    assert shown["past"] is True and shown["action_items"] == ["T4"] and shown["debriefs_owed"] == []
    assert shown["apologies_in_advance"] == {"carol": True}
    text = run("meeting", "show", "M1").stdout
    assert "carol        apologies (sent in advance" in text and "debriefed by bob" in text
    assert "T4 Write it up · bob" in text
    found = json.loads(run("meeting", "decisions", "garden", "--json").stdout)
    assert [(f["meeting"], f["number"], f["about"]) for f in found] == [("M1", 1, "P1")]
    minutes = run("meeting", "minutes", "M1").stdout
    assert minutes.startswith("# Minutes: M1 Partnership meeting")


def test_an_agenda_item_moved_says_where_it_went(run, wp: Path) -> None:
    """'--to 999' said 'to 999' (it went last) and '--to 0' or '--at -3' were taken as first."""
    run("meeting", "add", "Next", "--on", iso_day(2), "--no-agenda")
    for text in ("One", "Two", "Three"):
        run("meeting", "agenda", "M1", "--add", text)
    assert run("meeting", "agenda", "M1", "--move", "1", "--to", "999").stdout.startswith(
        "Moved item 1 of M1's agenda to 3\n"
    )
    before = wp.read_bytes()
    for args in (("--move", "2", "--to", "0"), ("--add", "Four", "--at", "-3"), ("--add", "Four", "--at", "0")):
        result = run("meeting", "agenda", "M1", *args)
        assert result.exit_code == 2 and "is less than 1: give a whole number 1 or more" in result.stderr, args
    assert wp.read_bytes() == before


def test_errors_are_one_line_and_change_nothing(run, wp: Path) -> None:
    run("meeting", "add", "Kick-off", "--on", iso_day(0))
    run("meeting", "add", "Next", "--on", iso_day(1), "--no-agenda")
    run("meeting", "attend", "M2", "apologies", "bob")  # sent ahead: fine
    before = wp.read_bytes()
    soon = dates.short_date(day(1), today=TODAY)
    for args, says in (
        # What only a meeting held has: who came, its decisions, debriefs given.
        (
            ["meeting", "attend", "M2", "present", "alice"],
            f"M2 is on {soon}: who was present is recorded once it is held",
        ),
        (["meeting", "attend", "M2", "absent", "carol"], "who was absent is recorded once it is held"),
        (["meeting", "decide", "M2", "Go"], "its decisions are recorded once it is held"),
        (["meeting", "debrief", "M2", "bob"], "a debrief is given once it is held"),
        (["meeting", "show", "M9"], "no meeting M9"),
        (["meeting", "add", "X", "--on", "someday"], "cannot read"),
        (["meeting", "add", "X", "--on", "fri", "--at", "25:00"], "'25:00' is not a time of day"),
        (["meeting", "attend", "M1", "represented", "bob"], "say who represented bob"),
        (["meeting", "attend", "M1", "present", "alice", "zed"], "no member 'zed'"),  # alice not recorded either
        (["meeting", "agenda", "M1", "--remove", "40"], "there is no agenda item 40"),
        (["meeting", "edit", "M1", "--facilitator", "zed"], "no member 'zed'"),
        (["meeting", "edit", "M1", "--facilitator", "bob", "--alternate", "bob"], "both the facilitator and"),
        (["meeting", "debrief", "M1", "bob"], "bob did not miss M1"),
        (["meeting", "decide", "M1", "x", "--about", "O1"], "about a plan (P3) or a norm"),
    ):
        result = run(*args)
        assert result.exit_code != 0, args
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and says in lines[0], (args, result.output)
        assert "Traceback" not in result.output
    assert wp.read_bytes() == before


def test_a_year_typed_wrong_for_a_day_gone_by_is_refused_not_taken(run, wp: Path) -> None:
    """A meeting '--on 0001-01-01' was added ('Mon 1 Jan 1'), apologies sent in 0001 or next
    week were taken, a delivery on 1900-01-01 too: the days to come were checked for a typo in the
    year, the days gone by (the other parser) were not."""
    run("meeting", "add", "Next", "--on", iso_day(3), "--no-agenda")
    before = wp.read_bytes()
    for args, says in (
        (("meeting", "add", "Old", "--on", "0001-01-01"), "within 50 years of today (a typo in the year?)"),
        (("meeting", "attend", "M1", "apologies", "bob", "--sent", "1926-11-01"), "within 50 years of today"),
        (("meeting", "attend", "M1", "apologies", "bob", "--sent", "2126-01-01T10:00:00Z"), "within 50 years"),
        (("meeting", "attend", "M1", "apologies", "bob", "--sent", iso_day(2)), "is still to come"),
        (("partner", "deliver", "PARKS", "1", "100", "--on", "1900-01-01"), "within 50 years of today"),
        (("followup", "add", "T1", "--with", "bob", "--on", "1926-01-01"), "within 50 years of today"),
    ):
        result = run(*args)
        assert result.exit_code == 1 and says in result.stderr and result.stderr.count("\n") == 1, (args, result.output)
    assert wp.read_bytes() == before
    assert run("meeting", "add", "Last year's", "--on", iso_day(-365), "--no-agenda").exit_code == 0
    assert run("log", "--since", "1990-01-01").exit_code == 0  # looking back, any year


def test_member_show_names_the_meetings_they_run(run, wp: Path) -> None:
    run("meeting", "add", "Next", "--on", iso_day(3), "--facilitator", "bob", "--alternate", "carol")
    text = run("member", "show", "bob").stdout
    assert "Meetings to come:\n  facilitator M1 Next" in text
    shown = json.loads(run("member", "show", "carol", "--json").stdout)
    assert shown["roles"] == [{"meeting": "M1", "role": "alternate", "past": False}]


def test_member_show_counts_their_attendance_in_words(run, wp: Path) -> None:
    store = make_store(wp)
    past_meeting(store, days_ago=9)
    later = past_meeting(store, days_ago=2)
    actions.attend(store, later, "carol", "apologies")
    assert "Attendance: 1 with apologies, 1 absent\n" in run("member", "show", "carol").stdout  # was '1 apologies'
    assert json.loads(run("member", "show", "carol", "--json").stdout)["attendance"] == {"absent": 1, "apologies": 1}


def test_status_shows_the_next_meeting_and_the_debriefs_owed(run, wp: Path) -> None:
    past_meeting(make_store(wp), days_ago=9)
    run("meeting", "add", "Next", "--on", iso_day(3), "--facilitator", "alice", "--alternate", "bob")
    text = run("status").stdout
    assert "Next meeting: M2 Next" in text and "you facilitate" in text
    assert "Debriefs owed (1, 1 overdue)\n  ! carol missed M1" in text
    status = json.loads(run("status", "--json").stdout)
    assert status["meetings"]["next"]["id"] == "M2"
    assert status["meetings"]["debriefs_owed"] == [
        {"meeting": "M1", "member": "carol", "due": iso_day(-2), "overdue": True}
    ]
    assert "1 debrief owed" in run("status", "--brief", user="carol").stdout


def test_stored_text_is_shown_literally(run, wp: Path) -> None:
    s = make_store(wp)
    m = actions.add_meeting(s, HOSTILE, iso_day(-1), place=HOSTILE, agenda=False)
    actions.agenda_add(s, m.id, HOSTILE)
    actions.decide(s, m.id, HOSTILE)
    for args in (["meeting", "show", "M1"], ["meeting", "list"], ["meeting", "decisions"]):
        out = run(*args).stdout
        assert "\x1b" not in out and "\x07" not in out
        assert "[@click=app.quit]x[/]" in out


# --- the file: hand edits, old files, schema -------------------------------------------------------------


def test_a_hand_edited_meeting_is_refused_by_check_naming_it(run, wp: Path) -> None:
    run("meeting", "add", "Kick-off", "--on", iso_day(1))
    data = json.loads(wp.read_text())
    data["meetings"]["1"]["attendance"] = [{"member": "bob", "status": "maybe"}]
    wp.write_text(json.dumps(data))
    result = run("check")
    assert result.exit_code == 1
    assert "meeting M1: 'attendance' entry 1 'status' must be one of present, apologies, absent" in result.output
    data["meetings"]["1"]["attendance"] = []
    data["tasks"]["1"]["meeting"] = 7
    wp.write_text(json.dumps(data))
    assert "task T1: meeting M7 does not exist" in run("check").output


def test_an_old_file_without_meetings_reads_and_takes_one(run, wp: Path) -> None:
    data = json.loads(wp.read_text())
    data.pop("meetings")
    data["meta"]["1"].pop("digest", None)  # a hand edit: checked whole
    wp.write_text(json.dumps(data))
    assert run("check").exit_code == 0
    assert run("meeting", "list").stdout.startswith("No meetings yet")
    assert run("meeting", "add", "First", "--on", iso_day(2)).exit_code == 0
    assert run("check").exit_code == 0


# --- the merge ------------------------------------------------------------------------------------------


def test_two_clones_adding_meetings_on_the_same_day_keep_both(tmp_path: Path) -> None:
    base = seed(tmp_path / "base.json")
    ours, theirs = copy(base, tmp_path / "ours"), copy(base, tmp_path / "theirs")
    mine = actions.add_meeting(store(ours, "alice", 1), "Ours", iso_day(3), agenda=False)
    actions.add_task(store(ours, "alice", 2), 1, "Our action", meeting=mine.id)
    other = actions.add_meeting(store(theirs, "bob", 3), "Theirs", iso_day(3), agenda=False)
    actions.agenda_add(store(theirs, "bob", 4), other.id, "Follow up", about=f"M{other.id}")
    result = merged(base, ours, theirs)
    assert_sound(result)
    titles = {key: m["title"] for key, m in result.data["meetings"].items()}
    assert titles == {"1": "Ours", "2": "Theirs"}
    assert result.data["meetings"]["2"]["agenda"][0]["about"] == "M2"  # relabelled with its meeting
    assert result.data["tasks"]["4"]["meeting"] == 1


def test_attendance_taken_in_two_clones_is_merged_member_by_member(tmp_path: Path) -> None:
    """Alice recorded herself present in one clone, bob his apologies in the other: the merge made
    the whole list a conflict and held one side's, so alice's or bob's entry was gone until
    someone settled it. Only the same member's entry changed differently on both is a conflict."""
    base = seed(tmp_path / "base.json")
    m = actions.add_meeting(make_store(base), "Both", iso_day(-1), agenda=False)
    actions.attend(make_store(base), m.id, "carol", "absent")
    ours, theirs = copy(base, tmp_path / "ours"), copy(base, tmp_path / "theirs")
    actions.attend(store(ours, "alice", 1), m.id, "alice", "present")
    actions.attend(store(theirs, "bob", 2), m.id, "bob", "apologies")
    actions.debrief(store(theirs, "bob", 3), m.id, "carol", due=iso_day(3), done=False)
    result = merged(base, ours, theirs)
    assert_sound(result)
    entries = result.data["meetings"][str(m.id)]["attendance"]
    assert [(e["member"], e["status"]) for e in entries] == [
        ("alice", "present"),
        ("bob", "apologies"),
        ("carol", "absent"),
    ]
    assert entries[2]["debrief_due"] == iso_day(3)
    assert not result.data.get("conflicts")
    # The same member recorded otherwise on each side: a conflict, both values kept in it.
    ours2, theirs2 = copy(base, tmp_path / "ours2"), copy(base, tmp_path / "theirs2")
    actions.attend(store(ours2, "alice", 1), m.id, "bob", "present")
    actions.attend(store(theirs2, "bob", 2), m.id, "bob", "absent")
    clash = merged(base, ours2, theirs2)
    assert_sound(clash)
    [conflict] = clash.data["conflicts"].values()
    assert conflict["field"] == "attendance" and len(conflict["sides"]) == 2


def test_decisions_from_both_sides_are_kept(tmp_path: Path) -> None:
    base = seed(tmp_path / "base.json")
    m = actions.add_meeting(make_store(base), "Both", iso_day(-1), agenda=False)
    ours, theirs = copy(base, tmp_path / "ours"), copy(base, tmp_path / "theirs")
    actions.decide(store(ours, "alice", 1), m.id, "One")
    actions.decide(store(theirs, "bob", 2), m.id, "Two")
    result = merged(base, ours, theirs)
    assert_sound(result)
    assert [d["text"] for d in result.data["meetings"][str(m.id)]["decisions"]] == ["One", "Two"]


# --- minutes and the calendar ------------------------------------------------------------------------------


def _tokens(text: str) -> list:  # type: ignore[type-arg]
    return MarkdownIt("commonmark", {"html": True}).enable("table").parse(text)


def test_the_minutes_are_commonmark_with_tables_and_the_norms_at_the_end(store: Store) -> None:
    actions.add_norm(store, "We notify members in advance if we miss a meeting.")
    m = past_meeting(store)
    actions.attend(store, m, "bob", "apologies", sent=f"{iso_day(-5)}T09:00:00Z")
    actions.decide(store, m, "Gardens go ahead", about="P1")
    actions.add_task(store, 1, "Write it up", owner="bob", meeting=m)
    actions.edit_meeting(store, m, {"notes": "- not a list\n# not a heading\n1. not a list either\n\nSecond"})
    from workplan_tui.exchange import minutes

    text = minutes.render(store.read(), store.read().meetings[m], now=NOW, today=TODAY)
    tokens = _tokens(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[-1] == "Our norms" and "Attendance" in headings and "Action items" in headings
    tables = [t for t in tokens if t.type == "table_open"]
    assert len(tables) >= 3  # attendance, action items, the outcomes' health
    cells = [t.content for t in tokens if t.type == "inline"]
    assert "bob" in cells and any("in advance" in c for c in cells)
    kinds = {t.type for t in tokens}
    assert "bullet_list_open" not in kinds  # the notes' "- " and "1." stay text
    assert "- not a list" in text.replace("\\-", "-")


def test_hostile_text_in_the_minutes_is_never_a_link_html_or_a_broken_table(store: Store) -> None:
    m = actions.add_meeting(store, HOSTILE, iso_day(-1), place=HOSTILE, agenda=False)
    actions.agenda_add(store, m.id, HOSTILE)
    actions.attend(store, m.id, "alice", "present")
    actions.decide(store, m.id, HOSTILE + "\n| a | b |")
    actions.add_task(store, 1, HOSTILE, meeting=m.id)
    actions.edit_meeting(store, m.id, {"notes": HOSTILE + "\n<div>html</div>\n[x]: http://evil"})
    from workplan_tui.exchange import minutes

    text = minutes.render(store.read(), store.read().meetings[m.id], now=NOW, today=TODAY)
    assert "\x1b" not in text and "\x07" not in text
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    assert "<script" not in html and "<div" not in html and "javascript:" not in html.split("[l](javascript:")[0]
    # the one link: the web address written in the notes, shown as written (issue 31), not "[x]"
    assert re.findall(r'<a href="([^"]*)">([^<]*)</a>', html) == [("http://evil", "http://evil")]
    for token in _tokens(text):
        assert token.type not in ("html_block", "html_inline", "link_open")
        for child in token.children or []:
            assert child.type not in ("html_inline", "image")
            if child.type == "link_open":
                assert child.attrs.get("href") == "http://evil"


def test_meetings_are_in_the_calendar_at_their_time(store: Store) -> None:
    actions.add_meeting(store, "Timed", iso_day(3), time="14:30", duration=90, place="Room 2", facilitator="alice")
    actions.add_meeting(store, "All day", iso_day(4))
    from workplan_tui.exchange import ics

    calendar = icalendar.Calendar.from_ical(ics.export(store.read(), today=TODAY))
    events = {str(e["uid"]).split(".")[0]: e for e in calendar.walk("VEVENT")}
    timed, whole = events["M1"], events["M2"]
    start = timed.decoded("dtstart")
    assert isinstance(start, datetime) and start.tzinfo is None  # floating: the partners' local time
    assert start == datetime.combine(day(3), datetime.min.time()).replace(hour=14, minute=30)
    assert timed.decoded("dtend") - start == timedelta(minutes=90)
    assert str(timed["location"]) == "Room 2" and "Facilitator: alice" in str(timed["description"])
    assert whole.decoded("dtstart") == day(4) and not isinstance(whole.decoded("dtstart"), datetime)
    again = icalendar.Calendar.from_ical(ics.export(store.read(), owner="bob", today=TODAY))
    assert {str(e["uid"]).split(".")[0] for e in again.walk("VEVENT")} >= {"M1", "M2"}


def test_a_meeting_ending_after_the_calendars_last_day_is_in_the_calendar_for_its_length(run, wp: Path) -> None:
    """A hand edit: 9999-12-31 at 23:30 for a day. Its end (year 10000) cannot be written, so the
    event gives its length (DURATION) instead: the export was a traceback."""
    run("meeting", "add", "Last", "--on", iso_day(3), "--at", "23:30", "--no-agenda")
    data = json.loads(wp.read_text())
    data["meetings"]["1"].update(day="9999-12-31", duration=1440)
    wp.write_text(json.dumps(data))
    result = run("export", "--format", "ics")
    assert result.exit_code == 0, result.output
    [event] = [e for e in icalendar.Calendar.from_ical(result.stdout).walk("VEVENT") if str(e["uid"]).startswith("M1.")]
    assert event.decoded("dtstart") == datetime(9999, 12, 31, 23, 30) and event.decoded("duration") == timedelta(days=1)
    assert "Fri 31 Dec 9999 23:30-23:30 next day" in run("meeting", "show", "M1").stdout
    assert run("meeting", "minutes", "M1").exit_code == 0 and run("status").exit_code == 0


def test_a_meeting_whose_facilitator_and_alternate_left_is_flagged_everywhere(run, wp: Path) -> None:
    run("meeting", "add", "Next", "--on", iso_day(3), "--facilitator", "bob", "--alternate", "carol", "--no-agenda")
    removed = run("member", "rm", "bob")
    said = " ".join(removed.output.split())
    assert "They were to run meetings to come: M1 (facilitator); choose another with" in said
    assert "'workplan meeting edit M1 --facilitator HANDLE'" in said
    run("member", "rm", "carol")
    flag = "No facilitator or alternate: bob and carol are no longer members; choose them before the meeting"
    assert flag in " ".join(run("meeting", "show", "M1").stdout.split())
    assert json.loads(run("meeting", "show", "M1", "--json").stdout)["flags"] == [flag]
    assert "no facilitator" in run("meeting", "list").stdout
    assert "no facilitator or alternate yet" in " ".join(run("status").stdout.split())
    assert flag in run("meeting", "minutes", "M1").stdout
    assert flag in " ".join(run("meeting", "agenda", "M1").stdout.split())
    # Anything else about it still changes (it was refused: "no member 'carol'"), keeping who was named.
    assert run("meeting", "edit", "M1", "--place", "Room 3").exit_code == 0
    assert (read(wp).meetings[1].facilitator, read(wp).meetings[1].place) == ("bob", "Room 3")
    assert run("meeting", "edit", "M1", "--facilitator", "alice").exit_code == 0
    assert "No facilitator" not in run("meeting", "show", "M1").stdout
    assert "no member 'dan'" in run("meeting", "edit", "M1", "--alternate", "dan").stderr


def test_csv_tables_of_meetings_attendance_and_decisions(run, wp: Path) -> None:
    past_meeting(make_store(wp))
    run("meeting", "decide", "M1", "=HYPERLINK(1)")
    rows = run("export", "--format", "csv", "--table", "attendance").stdout.splitlines()
    assert rows[0].lstrip("\ufeff").startswith("meeting,day,member,status")
    assert rows[3].startswith(f"M1,{iso_day(-3)},carol,absent")
    decisions = run("export", "--format", "csv", "--table", "decisions").stdout
    assert "'=HYPERLINK(1)" in decisions


def test_csv_keeps_the_lines_of_a_meetings_notes_and_decisions(run, wp: Path) -> None:
    """As a task's notes: a meeting's notes and a decision (typed in a box of several lines) were
    run into one line, 'Who: alice Next: bob'."""
    import csv
    import io

    past_meeting(make_store(wp))
    run("meeting", "edit", "M1", "--notes", "Who: alice\n=cmd|x\nNext: bob")
    run("meeting", "decide", "M1", "Buy soil\nand seeds")

    def rows(table: str) -> list[dict[str, str]]:
        text = run("export", "--format", "csv", "--table", table).stdout.lstrip("\ufeff")
        return list(csv.DictReader(io.StringIO(text)))

    assert rows("meetings")[0]["notes"] == "Who: alice\n=cmd|x\nNext: bob"  # a formula only at a cell's start
    assert rows("decisions")[0]["text"] == "Buy soil\nand seeds"


def test_the_demo_has_past_meetings_with_debriefs_and_a_planned_one(tmp_path: Path) -> None:
    from workplan_tui.store.sample import write_demo

    path = write_demo(tmp_path / "demo.json", today=TODAY, user="alice")
    wp = Store(path, user="alice").read()
    now = datetime.combine(TODAY, datetime.min.time(), UTC).replace(hour=9, minute=30)
    past = [m for m in wp.meetings.values() if meetings.is_past(m, now)]
    planned = [m for m in wp.meetings.values() if not meetings.is_past(m, now)]
    assert len(past) == 2 and len(planned) == 1
    first, second = meetings.in_order(past)
    assert any(e.status == "apologies" and meetings.in_advance(e, first) for e in first.attendance)
    assert all(e.debriefed_by for e in first.attendance if meetings.missed(e))
    owed = meetings.debriefs_owed(wp, TODAY)
    assert [(d.meeting.id, d.overdue) for d in owed] == [(second.id, True)]
    assert first.decisions and meetings.action_items(wp, first.id)
    agenda = planned[0].agenda
    assert agenda and all(i.prefilled for i in agenda)
    assert agenda[0].text.startswith(f"Debrief: {owed[0].entry.member} missed {second.label}")
    assert date.fromisoformat(owed[0].due) < TODAY


def test_records_nested_in_a_meeting_are_declared_once() -> None:
    assert AgendaItem("x").prefilled is False
    problem = schema.record_problem("meetings", {"title": "x", "day": iso_day(0), "time": "7pm"})
    assert problem == "'time' must be a time of day HH:MM (24-hour clock) (found '7pm')"


# --- the digest, over a real SMTP server -------------------------------------------------------------------


def test_the_digest_says_who_is_owed_a_debrief_who_gives_it_and_who_runs_the_next_meeting(
    run, wp: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.mail import mail_config, smtp_server, text_of
    from tests.unit.test_remind import ADDRESSES, give_addresses

    def smtp_settings(port: int) -> None:  # as test_remind's fixture: an admin's mail.toml
        settings = f'from = "workplan <workplan@example.org>"\n[smtp]\nhost = "127.0.0.1"\nport = {port}\n'
        monkeypatch.setenv("WORKPLAN_MAIL_CONFIG", str(mail_config(tmp_path, settings)))

    s = make_store(wp)
    past_meeting(s, days_ago=9)  # alice facilitated; carol was absent: her debrief is overdue
    actions.add_meeting(s, "Next", iso_day(3), time="10:00", facilitator="bob", alternate="alice")
    give_addresses(wp, ADDRESSES)
    with smtp_server() as server:
        smtp_settings(server.port)
        first = run("remind")
        again = run("remind")
    assert first.exit_code == 0, first.output
    carol = text_of(server.inbox.to("carol@example.org")[0].message)
    assert "Debriefs owed (1)\n  M1  Partnership meeting\n      you missed it" in carol
    alice = server.inbox.to("alice@example.org")[0].message
    assert "1 debrief owed" in alice["Subject"]
    assert "carol missed it" in text_of(alice) and "workplan meeting debrief M1 carol" in text_of(alice)
    assert "Meetings this week (1)" in text_of(alice) and "you are the alternate" in text_of(alice)
    bob = text_of(server.inbox.to("bob@example.org")[0].message)
    assert "Meetings you run this week (1)\n  M2  Next" in bob and "you facilitate" in bob
    assert len(server.inbox.received) == 3 and "already sent" in again.output  # nothing twice
    assert run("status", "--brief", user="bob").stdout.endswith("1 meeting to run: run workplan\n")
    assert "1 debrief owed" in run("status", "--brief", user="carol").stdout


def test_a_debrief_given_leaves_the_digest(wp: Path) -> None:
    from workplan_tui.model import digest

    s = make_store(wp)
    m = past_meeting(s, days_ago=2)
    assert [i.key for i in digest.items(s.read(), "carol", today=TODAY) if i.kind == "debrief"] == [
        f"debrief:M{m}:carol"
    ]
    actions.debrief(s, m, "carol")
    assert not [i for i in digest.items(s.read(), "carol", today=TODAY) if i.kind == "debrief"]
    assert not [i for i in digest.items(s.read(), "alice", today=TODAY) if i.kind == "debrief"]


def test_the_alternate_runs_a_meeting_whose_facilitator_has_left(wp: Path) -> None:
    """The digest told no one to run it: the facilitator had left, and the alternate only runs one
    with no facilitator named."""
    from workplan_tui.model import digest

    s = make_store(wp)
    actions.add_meeting(s, "Next", iso_day(3), time="10:00", facilitator="bob", alternate="carol")
    actions.remove_member(s, "bob")
    [item] = [i for i in digest.items(s.read(), "carol", today=TODAY) if i.kind == "facilitate"]
    assert "you are the alternate" in item.detail and "the facilitator bob is no longer a member" in item.detail


def test_the_login_nudge_by_its_fast_path_counts_debriefs_and_meetings_to_run(run, wp: Path) -> None:
    from tests.unit.test_brief import nudge_process

    s = make_store(wp)
    past_meeting(s, days_ago=9)
    actions.add_meeting(s, "Next", iso_day(3), facilitator="carol")
    said = run("status", "--brief", user="carol").stdout
    assert said == "1 vote to cast, 1 debrief owed, 1 meeting to run: run workplan\n"
    assert nudge_process(wp, "carol").stdout == said  # a real process, by the fast path


def test_a_number_out_of_its_bounds_is_refused_in_words(run, wp: Path) -> None:
    """Click said '2000 is not in the range 1<=x<=1440.'; its help read '[1<=x<=1440]'."""
    result = run("meeting", "add", "Next", "--on", iso_day(2), "--duration", "2000")
    assert result.exit_code == 2 and "2000 is more than 1440: give a whole number from 1 to 1440" in result.stderr
    assert result.stderr.count("\n") == 1
    assert "[default: 60; from 1 to 1440]" in run("meeting", "add", "--help").stdout
