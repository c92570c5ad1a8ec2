"""A form the store refuses stays open with what was typed and says why in itself;
it closes only once the change landed."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, Label, OptionList, Select

from tests.conftest import FIXED_NOW, make_store
from tests.ui.test_live import wait_for
from workplan_tui.store import actions
from workplan_tui.store.sample import write_demo
from workplan_tui.ui.app import WorkplanApp, make_app
from workplan_tui.ui.forms import FormDialog
from workplan_tui.ui.modals import AskText, EditTask, PickMember
from workplan_tui.ui.screens.board import BoardScreen
from workplan_tui.ui.screens.outcomes import OutcomesScreen


def app_for(path: Path) -> WorkplanApp:
    return make_app(path, user="alice", now=FIXED_NOW)


def data(path: Path) -> dict:
    return json.loads(path.read_text())


def notices(app: WorkplanApp) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector, Label).render())


def activate(path: Path, plan_id: int = 1) -> None:
    """Everyone agrees and bob activates the plan (as another member would, meanwhile)."""
    for member in ("alice", "bob", "carol"):
        actions.vote(make_store(path, member), plan_id, "agree")
    actions.move_plan(make_store(path, "bob"), plan_id, "activate")


async def test_a_refused_plan_edit_keeps_the_form_and_what_was_typed(board_file: Path) -> None:
    """The tester's case: the rule changed on a plan that is active by the time it is saved."""
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("p")  # P1, proposed: the rule may still change
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-title", Input).value = "Gardens, renamed"
        form.query_one("#f-rule", Select).value = "majority"
        activate(board_file)  # meanwhile
        before = board_file.read_bytes()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is form, "the form closed on a refused save"
        assert "P1 is active" in shown(form, "#form-error") and "rule" in shown(form, "#form-error")
        assert form.query_one("#f-title", Input).value == "Gardens, renamed"
        assert "P1 is active" not in notices(pilot.app)  # said in the form, not in a pop-up
        assert board_file.read_bytes() == before
        await pilot.press("escape")
        board = pilot.app.screen
        assert isinstance(board, BoardScreen)
        await wait_for(pilot, lambda: board.plan.plan.status == "active")  # the board saw the change
        await pilot.press("p")  # open again: an active plan's rule is shown, not offered
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        assert not form.query("#f-rule").filter("Select")
        assert "consensus" in shown(form, "#f-rule") and "draft or proposed" in str(form.query(".hint").last().render())
        form.query_one("#f-title", Input).value = "Gardens, renamed"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BoardScreen)  # saved, closed
        plan = data(board_file)["plans"]["1"]
        assert plan["title"] == "Gardens, renamed" and plan["rule"] == "consensus"


async def test_a_check_in_the_store_refuses_stays_in_the_form(tmp_path: Path) -> None:
    sample = write_demo(tmp_path / "sample.json", today=FIXED_NOW.date(), user="alice")
    async with app_for(sample).run_test(size=(80, 24)) as pilot:
        await pilot.press("o", "c")
        outcomes = pilot.app.screen.app.screen_stack[-2]
        assert isinstance(outcomes, OutcomesScreen)
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        outcome = outcomes.rows_widget.current
        form.query_one("#f-value", Input).value = "1e308"
        form.query_one("#f-note", Input).value = "counted twice"
        before = sample.read_bytes()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is form
        assert "is too large: workplan takes numbers up to" in shown(form, "#form-error")  # the file's own limit
        assert form.query_one("#f-note", Input).value == "counted twice"
        assert sample.read_bytes() == before
        form.query_one("#f-value", Input).value = "31"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is outcomes
        assert data(sample)["outcomes"][str(outcome.id)]["current"] == 31


async def test_the_task_form_and_the_quick_dialogs_keep_a_refused_change(board_file: Path) -> None:
    """The task form, the blocked reason and the assign picker, for a task whose plan was archived meanwhile."""
    bob = make_store(board_file, "bob")
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # T1
        form = pilot.app.screen
        assert isinstance(form, EditTask)
        form.query_one("#title", Input).value = "Order more soil"
        actions.move_plan(bob, 1, "archive")
        before = board_file.read_bytes()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is form
        assert "archived" in shown(form, "#edit-error")
        assert form.query_one("#title", Input).value == "Order more soil"
        await pilot.press("escape")
        actions.reopen_plan(bob, 1)
        pilot.app.session.reload()  # seen now, not at the next poll
        await pilot.press("b")
        ask = pilot.app.screen
        assert isinstance(ask, AskText)
        actions.move_plan(bob, 1, "archive")  # meanwhile
        await pilot.press(*"no soil", "enter")
        await pilot.pause()
        assert pilot.app.screen is ask and "archived" in shown(ask, "#ask-error")
        assert ask.query_one("#answer", Input).value == "no soil"
        await pilot.press("escape")
        actions.reopen_plan(bob, 1)
        pilot.app.session.reload()
        await pilot.press("a")
        pick = pilot.app.screen
        assert isinstance(pick, PickMember)
        actions.move_plan(bob, 1, "archive")  # meanwhile
        await pilot.press("down")
        chosen = pick.query_one(OptionList).highlighted
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is pick and "archived" in shown(pick, "#pick-error")
        assert pick.query_one(OptionList).highlighted == chosen
        await pilot.press("escape")
        before = board_file.read_bytes()
        pilot.app.session.reload()
        await pilot.press("plus", "b")  # known archived: said at once, with the board's key, and no dialog
        assert isinstance(pilot.app.screen, BoardScreen)
        assert "P1 is archived; reopen it first (press U)" in notices(pilot.app)
        assert board_file.read_bytes() == before
        actions.reopen_plan(bob, 1)  # the plan is back: the same dialog saves and closes
        pilot.app.session.reload()
        await pilot.press("b", *"no soil", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BoardScreen)
        assert data(board_file)["tasks"]["1"]["blocked_reason"] == "no soil"


async def test_a_new_task_refused_keeps_the_form(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        form = pilot.app.screen
        assert isinstance(form, EditTask)
        form.query_one("#title", Input).value = "Water the beds"
        actions.move_plan(make_store(board_file, "bob"), 1, "archive")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is form and "archived" in shown(form, "#edit-error")
        assert len(data(board_file)["tasks"]) == 4
        actions.reopen_plan(make_store(board_file, "bob"), 1)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BoardScreen)
        assert [t["title"] for t in data(board_file)["tasks"].values()].count("Water the beds") == 1


async def test_new_on_a_completed_plan_names_the_boards_key(tmp_path: Path) -> None:
    sample = write_demo(tmp_path / "sample.json", today=FIXED_NOW.date(), user="alice")
    async with app_for(sample).run_test(size=(80, 24)) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, BoardScreen)
        await pilot.press("tab", "tab")
        assert screen.plan.plan.status == "completed"
        await pilot.press("n")
        assert isinstance(pilot.app.screen, BoardScreen)
        said = notices(pilot.app)
        assert f"{screen.plan.plan.label} is completed: no new tasks" in said and "press U" in said
        assert "workplan plan reopen" not in said
        await pilot.press("o", "n")  # the outcomes screen: no U of its own
        assert isinstance(pilot.app.screen, OutcomesScreen)
        assert "no new outcomes (reopen it first: U on the board" in notices(pilot.app)
        await pilot.press("escape")
        actions.move_plan(make_store(sample), screen.plan.plan.id, "archive")
        pilot.app.session.reload()
        screen.refresh_data()
        await pilot.press("p")  # an archived plan takes no edit: said before typing, with the key
        assert isinstance(pilot.app.screen, BoardScreen)
        assert "is archived; reopen it first (press U)" in notices(pilot.app)


async def test_a_number_in_a_form_is_read_as_the_command_line_reads_it(tmp_path: Path) -> None:
    """One rule for typed numbers (model/typed.py): the check-in form read 10,5 as 105 (it
    dropped the comma); now it says what the command line says, and keeps the form open. A
    task's progress takes 50%, as everywhere."""
    sample = write_demo(tmp_path / "sample.json", today=FIXED_NOW.date(), user="alice")
    async with app_for(sample).run_test(size=(80, 24)) as pilot:
        await pilot.press("o", "c")
        outcomes = pilot.app.screen_stack[-2]
        assert isinstance(outcomes, OutcomesScreen)
        outcome = outcomes.rows_widget.current
        form = pilot.app.screen
        form.query_one("#f-value", Input).value = "10,5"
        before = sample.read_bytes()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is form and sample.read_bytes() == before
        assert "write decimals with a point (10.5)" in shown(form, "#form-error")
        form.query_one("#f-value", Input).value = "10.5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert data(sample)["outcomes"][str(outcome.id)]["current"] == 10.5
        await pilot.press("escape", "escape", "enter")
        task_form = pilot.app.screen
        assert isinstance(task_form, EditTask)
        task_form.query_one("#progress", Input).value = "50%"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert task_form.task_ is not None and data(sample)["tasks"][str(task_form.task_.id)]["progress"] == 50
