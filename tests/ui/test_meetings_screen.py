"""The Meetings screen by keyboard (issue 30): every key changes the file, as the command line would."""

from __future__ import annotations

from pathlib import Path

from tests.clock import iso_day
from tests.conftest import FIXED_NOW, make_store
from workplan_tui.model import meetings
from workplan_tui.store import actions
from workplan_tui.store.store import Store
from workplan_tui.ui.app import make_app
from workplan_tui.ui.forms import FormDialog
from workplan_tui.ui.screens.meetings import Line, MeetingScreen, MeetingsScreen


def app(path: Path, user: str = "alice"):
    return make_app(path, user=user, now=FIXED_NOW)


def read(path: Path):
    return Store(path, user="alice").read()


def with_meetings(wp: Path) -> Path:
    """A past meeting (M1, alice facilitating) and the next one (M2), one agenda item each."""
    s = make_store(wp)
    actions.add_meeting(s, "Last time", iso_day(-3), time="14:00", facilitator="alice", agenda=False)
    actions.agenda_add(s, 1, "Minutes of the last meeting")
    actions.add_meeting(s, "Next time", iso_day(4), time="10:00", agenda=False)
    actions.agenda_add(s, 2, "Welcome")
    return wp


async def open_meeting(pilot, index_from_next: int = 0) -> MeetingScreen:
    await pilot.press("M")
    await pilot.pause()
    assert isinstance(pilot.app.screen, MeetingsScreen)
    assert pilot.app.screen.rows_widget.current.title == "Next time"  # the next one is selected
    for _ in range(-index_from_next):
        await pilot.press("up")
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, MeetingScreen)
    return screen


async def select(pilot, screen: MeetingScreen, line: Line) -> None:
    items = screen.items()
    target = next(i for i, item in enumerate(items) if screen.key_of(item) == screen.key_of(line))
    await pilot.press(*(["down"] * (target - screen.rows_widget.cursor)))
    await pilot.pause()
    assert screen.rows_widget.current == line


async def fill(pilot, *values: str) -> None:
    """Type into the open form's fields in order, then save with ctrl+s."""
    assert isinstance(pilot.app.screen, FormDialog)
    for number, value in enumerate(values):
        if number:
            await pilot.press("tab")
        if value:
            await pilot.press(*value)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def plan_meeting(pilot, **fields: str) -> FormDialog:
    """From the board: Meetings (M), a new one (n), ``fields`` typed into the form (``day`` into
    #f-day...), saved (ctrl+s). The form, which is still up if it refused them."""
    await pilot.press("M", "n")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, FormDialog)
    for name, value in fields.items():
        dialog.query_one(f"#f-{name}").value = value  # type: ignore[attr-defined]
    await pilot.press("ctrl+s")
    await pilot.pause()
    return dialog


async def test_attendance_and_debriefs_by_keys(wp: Path) -> None:
    with_meetings(wp)
    async with app(wp).run_test(size=(80, 24)) as pilot:
        screen = await open_meeting(pilot, -1)
        await select(pilot, screen, Line("member", handle="alice"))
        await pilot.press("p")
        await pilot.press("down")  # bob
        await pilot.press("A")
        await pilot.press("down")  # carol: apologies, sent the day before the meeting
        await pilot.press("s")
        await pilot.pause()
        field = pilot.app.screen.query_one("#f-sent")
        field.value = ""  # type: ignore[attr-defined]
        await fill(pilot, f"{iso_day(-4)} 18:00")
        m = read(wp).meetings[1]
        entries = meetings.attendance(m)
        assert {h: e.status for h, e in entries.items()} == {"alice": "present", "bob": "absent", "carol": "apologies"}
        assert meetings.in_advance(entries["carol"], m) is True
        await pilot.press("up")  # bob, whose debrief alice gives
        await pilot.press("b")
        await pilot.pause()
        assert meetings.attendance(read(wp).meetings[1])["bob"].debriefed_by == "alice"
        await pilot.press("u")  # taken back
        await pilot.pause()
        assert meetings.attendance(read(wp).meetings[1])["bob"].debriefed_by is None
        await pilot.press("down", "x")  # carol's attendance cleared
        await pilot.pause()
        assert "carol" not in meetings.attendance(read(wp).meetings[1])


async def test_a_member_who_was_not_there_cannot_tick_off_a_debrief(wp: Path) -> None:
    with_meetings(wp)
    s = make_store(wp)
    actions.attend(s, 1, "bob", "absent")
    async with app(wp, "carol").run_test(size=(80, 24)) as pilot:
        screen = await open_meeting(pilot, -1)
        await select(pilot, screen, Line("member", handle="bob"))
        await pilot.press("b")
        await pilot.pause()
        assert meetings.attendance(read(wp).meetings[1])["bob"].debriefed_by is None
        said = [n.message for n in pilot.app._notifications]
        assert any("only a member who was at M1" in m for m in said)


async def test_the_agenda_by_keys(wp: Path) -> None:
    with_meetings(wp)
    async with app(wp).run_test(size=(80, 24)) as pilot:
        screen = await open_meeting(pilot)
        await select(pilot, screen, Line("agenda", number=1))
        await pilot.press("a")
        await pilot.pause()
        await fill(pilot, "Winter boxes", "p1")
        agenda = read(wp).meetings[2].agenda
        assert [(i.text, i.about) for i in agenda] == [("Welcome", None), ("Winter boxes", "P1")]
        await select(pilot, screen, Line("agenda", number=2))
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert [i.text for i in read(wp).meetings[2].agenda] == ["Winter boxes", "Welcome"]
        assert screen.rows_widget.current == Line("agenda", number=1)  # the item moved, the selection with it
        await pilot.press("x")
        await pilot.pause()
        assert [i.text for i in read(wp).meetings[2].agenda] == ["Welcome"]


async def test_decisions_and_action_items_by_keys(wp: Path) -> None:
    with_meetings(wp)
    async with app(wp).run_test(size=(80, 24)) as pilot:
        await open_meeting(pilot, -1)
        await pilot.press("d")
        await pilot.pause()
        await fill(pilot, "Gardens go ahead", "P1")
        decision = read(wp).meetings[1].decisions[0]
        assert (decision.text, decision.about, decision.by) == ("Gardens go ahead", "P1", "alice")
        await pilot.press("t")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, FormDialog)
        dialog.query_one("#f-owner").value = "bob"  # type: ignore[attr-defined]
        await pilot.press("tab")
        await pilot.press(*"Write to the district")
        await pilot.press("tab", "tab")
        await pilot.press(*iso_day(6))
        await pilot.press("ctrl+s")
        await pilot.pause()
        wp_now = read(wp)
        [task] = meetings.action_items(wp_now, 1)
        assert (task.title, task.owner, task.due, task.plan) == ("Write to the district", "bob", iso_day(6), 1)


async def test_a_new_meeting_starts_with_what_needs_the_partnership(wp: Path) -> None:
    async with app(wp).run_test(size=(80, 24)) as pilot:
        await plan_meeting(pilot, day=iso_day(5), time="2pm")
        [m] = read(wp).meetings.values()
        assert (m.title, m.day, m.time) == ("Partnership meeting", iso_day(5), "14:00")
        assert m.agenda and all(i.prefilled for i in m.agenda)
        assert meetings.flags(m, read(wp).members) == [meetings.NO_FACILITATOR]


async def test_minutes_from_the_screen_go_beside_the_file(wp: Path) -> None:
    with_meetings(wp)
    async with app(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("M")
        await pilot.pause()
        await pilot.press("up", "m")
        await pilot.pause()
        written = wp.parent / f"{wp.stem}-minutes-M1-{iso_day(-3)}.md"
        assert written.read_text().startswith("# Minutes: M1 Last time")
        assert any(str(written) in n.message for n in pilot.app._notifications)


async def test_review_brings_the_debriefs_owed_and_opens_their_meeting(wp: Path) -> None:
    with_meetings(wp)
    s = make_store(wp)
    actions.attend(s, 1, "carol", "absent")
    async with app(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        review = pilot.app.screen
        position = next(i for i, item in enumerate(review.queue) if isinstance(item, meetings.OwedDebrief))
        for _ in range(position):
            await pilot.press("space")
        body = str(review.query_one("#review-task").render())
        assert "carol" in body and "absent; debrief due" in body
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MeetingScreen) and pilot.app.screen.meeting_id == 1


async def test_decisions_are_searched_across_meetings(wp: Path) -> None:
    with_meetings(wp)
    s = make_store(wp)
    actions.decide(s, 1, "Gardens go ahead in spring", about="P1")
    actions.decide(s, 1, "Buy more soil")
    async with app(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("M", "slash")
        await pilot.pause()
        await pilot.press(*"garden", "enter")
        await pilot.pause()
        shown = str(pilot.app.screen.query_one("#help-text").render())
        assert "M1.1" in shown and "Gardens go ahead in spring" in shown and "about P1 Gardens" in shown
        assert "soil" not in shown


async def test_a_new_meetings_agenda_raises_late_pledges_and_milestones_on_the_screen(wp: Path) -> None:
    from tests.unit.test_meetings import late_pledge_and_milestones

    late_pledge_and_milestones(wp)
    async with app(wp).run_test(size=(80, 24)) as pilot:
        await plan_meeting(pilot, day=iso_day(4))
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, MeetingScreen)
        lines = {"".join(text for text, _ in screen.row(line, 80)): line for line in screen.items()}
        pledge = next(t for t in lines if "FOOD's pledge of 2,000 (cash: Match) is late" in t)
        milestone = next(t for t in lines if "Milestone D1 'Beds built' due" in t)
        await select(pilot, screen, lines[pledge])
        assert "all 2,000 was due by" in str(screen.query_one("#detail").render())
        await select(pilot, screen, lines[milestone])
        shown = str(screen.query_one("#detail").render())
        assert "is at risk: T1 overdue; 1 of 1 task open" in shown and "About: D1 Beds built" in shown


async def test_the_last_line_selected_stays_in_view_when_its_details_take_more_room(wp: Path) -> None:
    """At 80x24 the meeting is longer than the screen; the action item, its last line, has two
    lines of details: selecting it with end scrolled to it, then the details grew under it."""
    with_meetings(wp)
    s = make_store(wp)
    for number in range(12):
        actions.agenda_add(s, 2, f"Item {number}")
    actions.add_task(s, 1, "Book the van", owner="bob", due=iso_day(6), meeting=2)
    async with app(wp).run_test(size=(80, 24)) as pilot:
        screen = await open_meeting(pilot)
        await pilot.press("end")
        await pilot.pause()
        await pilot.pause()
        rows = screen.rows_widget
        assert rows.current.kind == "action"
        assert rows.scroll_offset.y <= rows.cursor < rows.scroll_offset.y + rows.size.height


async def test_editing_a_meeting_whose_facilitator_left_keeps_them(wp: Path) -> None:
    """The form's choice held only members: saving the notes of a meeting run by someone who has
    left since set its facilitator to nobody without a word (the record of who ran it lost)."""
    with_meetings(wp)
    s = make_store(wp)
    actions.edit_meeting(s, 1, {"alternate": "bob"})
    actions.remove_member(s, "bob")
    async with app(wp).run_test(size=(80, 24)) as pilot:
        screen = await open_meeting(pilot, -1)
        await pilot.press("e")
        await pilot.pause()
        pilot.app.screen.query_one("#f-notes").text = "Bob ran the second half"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen is pilot.app.screen
    m = read(wp).meetings[1]
    assert (m.facilitator, m.alternate, m.notes) == ("alice", "bob", "Bob ran the second half")


async def test_who_came_and_decisions_wait_for_the_meeting_to_be_held(wp: Path) -> None:
    """Present, absent, a decision or a debrief on a meeting still to come were taken as given
    (a debrief ticked off a week before the meeting): now the board says why not."""
    with_meetings(wp)
    before = wp.read_bytes()
    async with app(wp).run_test(size=(80, 24)) as pilot:
        screen = await open_meeting(pilot)  # the next one, in four days
        await select(pilot, screen, Line("member", handle="alice"))
        await pilot.press("p")
        await pilot.pause()
        said = [n.message for n in pilot.app._notifications]
        assert any("M2 is on" in m and "who was present is recorded once it is held" in m for m in said), said
    assert wp.read_bytes() == before


async def test_a_meetings_length_in_the_form_is_whole_minutes(wp: Path) -> None:
    """'1.5' was cut to a 1-minute meeting without a word."""
    async with app(wp).run_test(size=(80, 24)) as pilot:
        dialog = await plan_meeting(pilot, day=iso_day(5), duration="1.5")
        assert pilot.app.screen is dialog
        assert "a meeting lasts 1 to 1440 whole minutes (found 1.5)" in str(dialog.query_one("#form-error").render())
        dialog.query_one("#f-duration").value = "90"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert [m.duration for m in read(wp).meetings.values()] == [90]


async def test_the_meetings_details_count_in_words(wp: Path) -> None:
    with_meetings(wp)
    actions.decide(make_store(wp), 1, "Gardens go ahead")
    async with app(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("M", "up")
        await pilot.pause()
        shown = str(pilot.app.screen.query_one("#detail").render())
        assert "1 agenda item · no attendance recorded · 1 decision\n" in shown  # was '1 decisions'
    actions.attend(make_store(wp), 1, ["alice", "bob"], "present")
    actions.attend(make_store(wp), 1, "carol", "apologies")
    async with app(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("M", "up")
        await pilot.pause()
        shown = str(pilot.app.screen.query_one("#detail").render())
        assert "2 present, 1 with apologies" in shown  # was '1 apologies'


async def test_a_meeting_just_planned_is_the_one_selected(wp: Path) -> None:
    """The next meeting stayed selected, so enter opened another than the one just planned."""
    with_meetings(wp)
    async with app(wp).run_test(size=(80, 24)) as pilot:
        await plan_meeting(pilot, title="Planting day", day=iso_day(9))
        assert pilot.app.screen.rows_widget.current.title == "Planting day"
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen.meeting_id == 3
