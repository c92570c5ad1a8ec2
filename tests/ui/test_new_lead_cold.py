"""What a second cold trial of issue 31 (a new lead, careless and hostile) found on the board,
tried with Pilot and checked in the file."""

from __future__ import annotations

from pathlib import Path

from tests.clock import iso_day
from tests.conftest import FIXED_NOW, bound, make_store
from workplan_tui.store import actions
from workplan_tui.ui.app import WorkplanApp, make_app


def app_for(path: Path, user: str = "alice") -> WorkplanApp:
    return make_app(path, user=user, now=FIXED_NOW)


def messages(app: WorkplanApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_every_task_key_says_why_nothing_happened_when_no_card_is_selected(board_file: Path) -> None:
    """b, a, f and e did nothing at all on an empty column (+, s, d said 'No task selected'); and
    with a filter that matches nothing, the notice sent the lead to columns as empty as this one."""
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("right")  # Doing: empty in P1
        for key in ("b", "a", "f", "e", "enter"):
            pilot.app._notifications.clear()
            await pilot.press(key)
            assert any(m.startswith("No task selected") for m in messages(pilot.app)), key
            assert pilot.app.screen.__class__.__name__ == "BoardScreen", key  # no dialog opened
        await pilot.press("slash", *"owner:nobody", "enter")  # every column empty
        for key in ("plus", "b"):
            pilot.app._notifications.clear()
            await pilot.press(key)
            said = messages(pilot.app)
            assert any("matches the filter 'owner:nobody'" in m and "escape" in m for m in said), said
            assert not any("← →" in m for m in said), said


async def test_a_task_key_on_a_reviewed_outcome_says_it_is_not_a_task(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        screen = pilot.app.screen
        assert screen.__class__.__name__ == "ReviewScreen"
        for _ in range(12):  # to the first item that is not a task
            if screen.selected_task() is None:  # type: ignore[attr-defined]
                break
            await pilot.press("space")
        assert screen.selected_task() is None  # type: ignore[attr-defined]
        for key in ("b", "a"):
            pilot.app._notifications.clear()
            await pilot.press(key)
            assert any("not a task" in m for m in messages(pilot.app)), key
            assert pilot.app.screen is screen


async def test_the_activity_detail_ends_a_note_that_ends_a_sentence_once(board_file: Path) -> None:
    from workplan_tui.ui.screens.activity import ActivityScreen

    store = make_store(board_file)
    actions.add_note(store, 2, "Lumber arrives Monday.")
    actions.add_note(store, 3, "Is the permit in?")
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("L")
        screen = pilot.app.screen
        assert isinstance(screen, ActivityScreen)
        detail = str(screen.query_one("#detail").render())
        assert "Is the permit in?" in detail and "in?." not in detail
        await pilot.press("down")
        detail = str(screen.query_one("#detail").render())
        assert "arrives Monday." in detail and "Monday.." not in detail


async def test_activity_says_a_check_in_in_its_unit_and_a_meeting_in_minutes(board_file: Path) -> None:
    """'fatima checked in 800 on O5 (was 640)' and 'duration: 90' left the reader to guess what
    was counted; a figure of an outcome reads in its unit, in the row, the detail and the log."""
    from workplan_tui.ui.screens.activity import ActivityScreen

    store = make_store(board_file)
    actions.checkin(store, 1, 12, "first beds")
    actions.add_meeting(store, "Partnership meeting", iso_day(+6), time="14:00", duration=90)
    async with app_for(board_file).run_test(size=(100, 30)) as pilot:
        await pilot.press("L")
        screen = pilot.app.screen
        assert isinstance(screen, ActivityScreen)
        detail = str(screen.query_one("#detail").render())
        assert "90 min" in detail and "duration: 90\n" not in detail + "\n"
        await pilot.press("down")
        detail = str(screen.query_one("#detail").render())
        assert "checked in 12 beds on O1 'Beds built' (was 0 beds)" in detail
        assert "current: 0 beds → 12 beds" in detail and "check-in: 12 beds" in detail


async def test_a_task_key_on_a_board_without_plans_or_tasks_says_so(tmp_path: Path) -> None:
    store = make_store(tmp_path / "empty.json")
    store.create("Empty", "")
    actions.add_partner(store, "PARKS", "Parks")
    actions.add_member(store, "alice", "Alice", "PARKS", "lead", accounts=bound("alice"))
    async with app_for(tmp_path / "empty.json").run_test(size=(60, 20)) as pilot:
        await pilot.press("plus")
        assert "No task selected: there is no plan yet (ctrl+n adds one)." in messages(pilot.app)
    actions.add_plan(store, "Gardens")
    async with app_for(tmp_path / "empty.json").run_test(size=(60, 20)) as pilot:
        await pilot.press("b")
        assert "No task selected: P1 has no tasks yet (n adds one)." in messages(pilot.app)


async def test_a_refused_form_shows_its_whole_reason_wrapped_in_view(board_file: Path) -> None:
    """The task form cut 'cannot read 'someday' as a date; use today (eod), tomorrow (tmrw), a
    wee' at the dialog's edge: the examples the refusal gives were never seen."""
    from textual.widgets import Input, Label

    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        form = pilot.app.screen
        form.query_one("#due", Input).value = "someday"
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = form.query_one("#edit-error", Label)
        said = str(error.render())
        assert "cannot read 'someday' as a date" in said and "YYYY-MM-DD" in said
        assert error.size.height >= 2  # wrapped, not cut
        assert error.region.bottom <= form.query_one("#edit").content_region.bottom  # scrolled into view
        assert error.content_size.width <= form.query_one("#edit").content_size.width


async def test_an_activity_filter_that_matches_nothing_says_so(board_file: Path) -> None:
    from workplan_tui.ui.screens.activity import ActivityScreen

    async with app_for(board_file).run_test(size=(60, 20)) as pilot:
        await pilot.press("L")
        screen = pilot.app.screen
        assert isinstance(screen, ActivityScreen)
        await pilot.press("slash", *"[b]nobody", "enter")
        detail = str(screen.query_one("#detail").render())
        assert "No change matches '[b]nobody' (escape clears the filter)." in detail


async def test_activity_names_a_removed_task_in_the_entries_before_its_removal(board_file: Path) -> None:
    from workplan_tui.ui.screens.activity import ActivityScreen

    store = make_store(board_file)
    actions.set_progress(store, 2, "20")
    actions.remove_task(store, 2)
    async with app_for(board_file).run_test(size=(100, 30)) as pilot:
        await pilot.press("L")
        screen = pilot.app.screen
        assert isinstance(screen, ActivityScreen)
        await pilot.press("slash", *"kind:task.progress", "enter")
        moved = screen.rows_widget.current
        assert moved is not None and moved.kind == "task.progress"
        assert "alice moved T2 'Build beds' from 0% to 20%" in "".join(t for t, _ in screen.row(moved, 98))


async def test_the_review_summary_quotes_a_reason_so_its_semicolon_is_not_a_second_change(board_file: Path) -> None:
    actions.set_status(make_store(board_file), 1, "blocked", "over budget; needs a partner decision")
    async with app_for(board_file).run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        review = pilot.app.screen
        while review.selected_task() is None or review.selected_task().id != 1:  # type: ignore[attr-defined]
            await pilot.press("space")
        await pilot.press("s", "escape")  # blocked → doing: the reason is cleared
        summary = " ".join(str(review.query_one("#review-task").render()).split())
    assert "reason blocked 'over budget; needs a partner decision' → none" in summary, summary
