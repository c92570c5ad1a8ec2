"""The board's rough edges, each found by trying it, each checked on the screen and in the file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from rich.cells import cell_len
from textual.widgets import Button, Input, OptionList, TextArea

from tests.clock import iso_day
from tests.conftest import FIXED_NOW, log_of, make_store
from workplan_tui.store import actions
from workplan_tui.store.presence import Presence
from workplan_tui.ui.app import WorkplanApp, make_app
from workplan_tui.ui.forms import FormDialog
from workplan_tui.ui.modals import AskText, EditTask, HelpScreen, PickMember
from workplan_tui.ui.screens.board import BoardScreen
from workplan_tui.ui.screens.member_tasks import MemberTasks
from workplan_tui.ui.screens.outcomes import OutcomesScreen
from workplan_tui.ui.screens.people import PeopleScreen
from workplan_tui.ui.widgets import CardColumn, PlanList


def app_for(path: Path, user: str = "alice") -> WorkplanApp:
    return make_app(path, user=user, now=FIXED_NOW)


def data(path: Path) -> dict:
    return json.loads(path.read_text())


def board(app: WorkplanApp) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


def lines_of(widget) -> list[str]:
    return ["".join(s.text for s in widget.render_line(y)) for y in range(widget.size.height)]


async def test_only_the_focused_column_shows_a_selection_with_a_marker(board_file: Path) -> None:
    actions.set_progress(make_store(board_file), 2, "40")  # T2 into Doing, so two columns have cards
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = board(pilot.app)
        todo, doing = screen.columns[0], screen.columns[1]
        assert lines_of(todo)[0].startswith("▌T1 ") and not any("▌" in line for line in lines_of(doing))
        await pilot.press("l")
        assert lines_of(doing)[0].startswith("▌T2 ") and not any("▌" in line for line in lines_of(todo))
        await pilot.press("plus")
        assert data(board_file)["tasks"]["2"]["progress"] == 50  # the card with the marker changed


async def test_cards_and_table_show_ids_and_a_blocked_card_its_reason(board_file: Path) -> None:
    actions.set_status(make_store(board_file), 3, "blocked", "Waiting for the district to approve weekend access")
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = board(pilot.app)
        blocked = screen.query_one("#col-blocked", CardColumn)
        card = lines_of(blocked)[:6]
        assert card[0].startswith(" T3 Find")
        assert "Waiting for the" in card[2] and "district to" in card[3]  # the reason, on two lines
        await pilot.press("t")
        rows = lines_of(screen.table)
        assert any(row.startswith(("▌T1 ", " T1 ")) for row in rows) and any(row.startswith(" T3 ") for row in rows)


async def test_dialogs_save_with_ctrl_s_and_say_so_enter_keeps_its_newline(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("N", "n")
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        assert str(form.query_one("#save", Button).label) == "Save (ctrl+s)"
        await pilot.press(*"Notify members", "enter", *"in advance")
        assert form.query_one(TextArea).text == "Notify members\nin advance"  # enter: a new line
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert data(board_file)["norms"]["1"]["text"] == "Notify members\nin advance"
        await pilot.press("escape", "enter")
        assert str(pilot.app.screen.query_one("#save", Button).label) == "Save (ctrl+s)"  # the task form
        await pilot.press("escape", "b")
        assert isinstance(pilot.app.screen, AskText)
        assert "ctrl+s saves" in str(pilot.app.screen.query_one(".hint").render())
        await pilot.press(*"no soil", "ctrl+s")
        await pilot.pause()
    assert data(board_file)["tasks"]["1"]["blocked_reason"] == "no soil"


async def test_opening_a_task_does_not_select_its_title(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert isinstance(pilot.app.screen, EditTask)
        title = pilot.app.screen.query_one("#title", Input)
        assert title.selection.is_empty
        await pilot.press("x")
        assert title.value.startswith("Order soil") and len(title.value) == len("Order soil") + 1


async def test_u_undoes_on_the_outcomes_screen(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("o", "c")
        pilot.app.screen.query_one("#f-value", Input).value = "12"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, OutcomesScreen)
        assert data(board_file)["outcomes"]["1"]["current"] == 12
        await pilot.press("u")
        await pilot.pause()
        assert data(board_file)["outcomes"]["1"]["current"] == 0
        assert "0 / 40 beds" in "".join(t for t, _ in pilot.app.screen.row(pilot.app.screen.rows_widget.current, 80))
    assert log_of(board_file)[-1]["kind"] == "undo"


async def test_also_here_never_lists_me(board_file: Path) -> None:
    mine_elsewhere = Presence(board_file, "alice")  # my own board in another terminal
    mine_elsewhere.name = mine_elsewhere.name.rsplit(".", 1)[0] + f".{os.getpid() + 1}"
    mine_elsewhere.beat()
    Presence(board_file, "bob").beat()
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        header = str(pilot.app.screen.query_one("#header").render())
        assert "also here: bob ·" in header and "alice," not in header and ", alice" not in header


async def test_edit_which_member_offers_members_only(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("P")
        pilot.app.screen.rows_widget.move_to(1)  # FOOD: bob and carol
        await pilot.press("M")
        picker = pilot.app.screen
        assert isinstance(picker, PickMember)
        options = picker.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(prompts) == 2 and not any("unassigned" in p for p in prompts)


async def test_filter_counts_matches_per_plan_and_knows_overdue_blocked_and_due_week(board_file: Path) -> None:
    actions.set_status(make_store(board_file), 3, "blocked", "no volunteers yet")
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = board(pilot.app)
        plans = screen.query_one("#plans", PlanList)
        await pilot.press("slash", *"supplier")
        assert [t.label for c in screen.columns for t in c.items] == []  # P1 has none...
        assert plans.matches == {1: 0, 2: 1} and "1 match" in lines_of(plans)[1]  # ...P2 has one
        box = screen.query_one("#filter", Input)
        for words, expected in (("overdue", ["T1"]), ("blocked", ["T3"]), ("due:week", ["T2"]), ("due:today", [])):
            box.value = words
            await pilot.pause()
            assert [t.label for c in screen.columns for t in c.items] == expected, words
        box.value = f"due:{iso_day(+12)}"
        await pilot.pause()
        assert plans.matches == {1: 1, 2: 1}  # T2 (in 6 days) and T4 (in 12)
        await pilot.press("escape", "escape")
        assert plans.matches is None and "buy-in" in lines_of(plans)[0]


async def test_ctrl_z_suspends_the_board(board_file: Path) -> None:
    app = app_for(board_file)
    suspended: list[bool] = []
    app.action_suspend_process = lambda: suspended.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+z")
        await pilot.pause()
    assert suspended == [True]


async def test_plans_are_added_renamed_given_a_rule_and_unarchived_on_the_board(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = board(pilot.app)
        await pilot.press("ctrl+n")
        await pilot.pause()  # the form is up before anything is typed (a busy machine lost the "S")
        await pilot.press(*"Spring seedlings", "ctrl+s")
        await pilot.pause()
        assert data(board_file)["plans"]["3"]["title"] == "Spring seedlings"
        assert screen.plan.plan.label == "P3"  # the new plan is selected
        await pilot.press("p")
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-title", Input).value = "Spring seedlings 2027"
        form.query_one("#f-rule").value = "majority"
        await pilot.press("ctrl+s")
        await pilot.pause()
        plan = data(board_file)["plans"]["3"]
        assert plan["title"] == "Spring seedlings 2027" and plan["rule"] == "majority"
        actions.move_plan(make_store(board_file), 1, "archive")  # P1 was proposed
        await pilot.press("ctrl+r")
        await pilot.pause()
        while screen.plan.plan.label != "P1":
            await pilot.press("tab")
        await pilot.press("U")
        await pilot.pause()
        assert data(board_file)["plans"]["1"]["status"] == "proposed"  # as it was before
    assert [e["kind"] for e in log_of(board_file)][-4:] == ["plan.add", "plan.edit", "plan.archive", "plan.reopen"]


async def test_people_shows_the_last_update_and_their_tasks_take_the_board_keys(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        people = pilot.app.screen
        assert isinstance(people, PeopleScreen)
        rows = lines_of(people.rows_widget)
        alice = next(row for row in rows if row.lstrip("▌ ").startswith("alice"))
        assert alice.rstrip().endswith("updated today") and cell_len(alice) <= 80
        while people.rows_widget.current.member.handle != "bob":
            await pilot.press("j")
        await pilot.press("enter")
        tasks = pilot.app.screen
        assert isinstance(tasks, MemberTasks) and [t.label for t in tasks.table.items] == ["T2"]
        await pilot.press("plus")
        assert data(board_file)["tasks"]["2"]["progress"] == 10
        await pilot.press("s")
        await pilot.pause()
        assert data(board_file)["tasks"]["2"]["status"] == "done"
        assert "100%" in lines_of(tasks.table)[0]
        await pilot.press("u", "escape")
        assert isinstance(pilot.app.screen, PeopleScreen)
    assert data(board_file)["tasks"]["2"]["status"] == "doing"


async def test_help_stays_aligned_at_60x20(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(60, 20)) as pilot:
        await pilot.press("question_mark")
        helper = pilot.app.screen
        assert isinstance(helper, HelpScreen)
        lines = str(helper.query_one("#help-text").render()).splitlines()[1:]
        starts = {
            cell_len(line) - cell_len(line[len(key) :].lstrip())
            for line, (key, _) in zip(lines, helper.entries, strict=True)
        }
        assert len(starts) == 1 and all(cell_len(line) <= 54 for line in lines), lines


async def test_outcome_chart_has_its_axis_values(board_file: Path) -> None:
    store = make_store(board_file)
    actions.checkin(store, 1, 12)
    actions.checkin(store, 1, 28)
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        lines = str(pilot.app.screen.query_one("#chart").render()).splitlines()
        assert lines[0].strip().startswith("40 ┤")  # the target, at the top: no value is higher
        plot = [line for line in lines if "┤" in line or "│" in line]
        assert plot[-1].strip().startswith("0 ┤")  # the baseline, at the bottom
        assert sum(line.count("•") for line in plot) == 2  # both check-ins
