"""Records removed by someone else while the board shows them: the board stays up and says so."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Label

from tests.conftest import make_store
from tests.ui.test_live import app_for, cli, task, wait_for
from workplan_tui.store import actions
from workplan_tui.ui.modals import EditTask
from workplan_tui.ui.screens.board import BoardScreen
from workplan_tui.ui.screens.outcomes import OutcomesScreen
from workplan_tui.ui.screens.people import PeopleScreen
from workplan_tui.ui.screens.review import ReviewScreen


def notices(app) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


async def test_a_task_removed_from_the_cli_leaves_the_open_board(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, BoardScreen)
        await pilot.press("j", "j")  # select T3, the one that goes
        assert screen.selected_task().label == "T3"
        assert cli(board_file, "bob", "task", "rm", "T3").wait() == 0
        await wait_for(pilot, lambda: 3 not in pilot.app.session.workplan.tasks)
        assert "T3" not in [t.label for column in screen.columns for t in column.items]
        assert "bob removed T3 'Find volunteers'" in notices(pilot.app)
        selected = screen.selected_task()
        assert selected is not None and selected.label != "T3"
        await pilot.press("plus")  # the keys act on what is selected now
        await pilot.pause()
        assert task(board_file, selected.id)["progress"] == 10
        assert isinstance(pilot.app.screen, BoardScreen)


async def test_saving_a_form_for_a_task_removed_meanwhile_says_so_in_the_form(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # edit T1
        form = pilot.app.screen
        assert isinstance(form, EditTask)
        form.query_one("#title", Input).value = "Typed meanwhile"
        actions.remove_task(make_store(board_file, "bob"), 1)
        await wait_for(pilot, lambda: 1 not in pilot.app.session.workplan.tasks)
        assert pilot.app.screen is form  # what I typed is still there
        before = board_file.read_bytes()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "no task T1" in str(form.query_one("#edit-error", Label).render())
        assert pilot.app.screen is form and form.query_one("#title", Input).value == "Typed meanwhile"
        assert "no task T1" not in notices(pilot.app)  # said once, in the form
        assert board_file.read_bytes() == before
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, BoardScreen)


async def test_an_outcome_and_a_member_removed_while_their_screens_are_open(board_file: Path) -> None:
    carol = make_store(board_file, "carol")
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        outcomes = pilot.app.screen
        assert isinstance(outcomes, OutcomesScreen) and outcomes.rows_widget.current.label == "O1"
        actions.remove_outcome(carol, 1, unlink=True)
        await wait_for(pilot, lambda: 1 not in pilot.app.session.workplan.outcomes)
        assert outcomes.rows_widget.items == [] and outcomes.rows_widget.current is None
        await pilot.press("c", "e")  # check-in and edit with nothing selected: nothing happens
        assert pilot.app.screen is outcomes
        await pilot.press("escape", "w")
        people = pilot.app.screen
        assert isinstance(people, PeopleScreen)
        actions.remove_member(make_store(board_file, "alice"), "bob")  # a lead removes members
        await wait_for(pilot, lambda: "bob" not in pilot.app.session.workplan.members)
        assert "bob" not in [item.member.handle for item in people.rows_widget.items]
        await pilot.press("escape")
        await pilot.press("j", "enter")  # T2 lost its owner (bob) and its outcome (O1): the form opens
        form = pilot.app.screen
        assert isinstance(form, EditTask) and form.task_.label == "T2"
        await pilot.press("escape")


async def test_a_done_task_of_a_removed_member_keeps_its_owner_through_the_form(board_file: Path) -> None:
    store = make_store(board_file)
    actions.set_status(make_store(board_file, "bob"), 2, "done")
    actions.remove_member(store, "bob")
    assert task(board_file, 2)["owner"] == "bob"  # done: who did the work stays
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, BoardScreen)
        screen.column_index = 3  # Done
        screen._activate()
        await pilot.press("enter")
        form = pilot.app.screen
        assert isinstance(form, EditTask) and form.task_.label == "T2"
        form.query_one("#title", Input).value = "Beds built"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert task(board_file, 2)["title"] == "Beds built" and task(board_file, 2)["owner"] == "bob"


async def test_review_says_when_the_task_under_review_was_removed(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        review = pilot.app.screen
        assert isinstance(review, ReviewScreen)
        while review.current() is None:  # past the plans and outcomes off track or at risk, to the tasks
            await pilot.press("space")
        first = review.current()
        assert first is not None
        actions.remove_task(make_store(board_file, "bob"), first.id)
        await wait_for(pilot, lambda: first.id not in pilot.app.session.workplan.tasks)
        assert "removed" in str(review.query_one("#review-task").render())
        await pilot.press("plus")  # nothing to bump: a notice, no write, no crash
        assert "No task selected" in notices(pilot.app)
        await pilot.press("space")
        assert pilot.app.screen is review


async def test_no_new_task_in_an_archived_or_completed_plan_from_the_board(board_file: Path) -> None:
    store = make_store(board_file)
    actions.move_plan(store, 1, "archive")
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, BoardScreen)
        while screen.plan is not None and screen.plan.plan.id != 1:
            await pilot.press("]")
        await pilot.press("n")
        assert isinstance(pilot.app.screen, BoardScreen)  # no form opens
        assert "P1 is archived: no new tasks" in notices(pilot.app)
        before = board_file.read_bytes()
        await pilot.press("plus")  # nor does anything in it change
        assert "P1 is archived" in notices(pilot.app)
        assert board_file.read_bytes() == before
        await pilot.press("v", "U")  # reopened from its buy-in screen: back where it was archived from
        await pilot.pause()
        assert pilot.app.session.workplan.plans[1].status == "proposed"
