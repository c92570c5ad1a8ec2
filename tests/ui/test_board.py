"""Every board key, checked on the screen and in the file."""

from __future__ import annotations

import gc
import json
from pathlib import Path

from tests import clock
from tests.clock import day, iso_day
from tests.conftest import FIXED_NOW, LOGIN, log_of, make_store
from workplan_tui.model.dates import short_date
from workplan_tui.model.overview import Concern
from workplan_tui.store import actions
from workplan_tui.ui.app import WorkplanApp, make_app
from workplan_tui.ui.screens.board import BoardScreen
from workplan_tui.ui.widgets import KeyBar


def app_for(path: Path, user: str = "alice") -> WorkplanApp:
    return make_app(path, user=user, now=FIXED_NOW)


def task(path: Path, task_id: int) -> dict:
    return json.loads(path.read_text())["tasks"][str(task_id)]


def board(app: WorkplanApp) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


async def test_board_shows_plans_columns_and_outcomes(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = board(pilot.app)
        assert [f.plan.label for f in screen.figures] == ["P1", "P2"]  # proposed, then draft
        todo = screen.columns[0]
        assert [t.label for t in todo.items] == ["T1", "T2", "T3"]  # soonest due first
        assert screen.selected_task().label == "T1"
        outcomes = str(screen.query_one("#outcomes").render())
        assert "Beds built" in outcomes and "0 / 40 beds" in outcomes


async def test_the_key_bar_shows_the_board_keys_and_a_click_presses_one(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        bar = pilot.app.screen.query_one(KeyBar)
        line = str(bar.render())
        assert line.startswith("+ +10% s Status d Done b Blocked")
        table = line.index("t Table")
        await pilot.hover(KeyBar, offset=(table + 2, 0))
        lit = bar.render().get_style_at_offset(pilot.app.console, table)
        assert lit.bgcolor == bar.get_component_rich_style("key-bar--hover").bgcolor  # under the mouse
        await pilot.click(KeyBar, offset=(table + 2, 0))
        await pilot.pause()
        assert board(pilot.app).table_mode  # as pressing t
        await pilot.click(KeyBar, offset=(79, 0))  # past the last key: nothing
        await pilot.pause()
        assert board(pilot.app).table_mode and pilot.app.is_running


async def test_progress_keys_change_screen_and_file(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = board(pilot.app)
        await pilot.press("plus")
        assert task(board_file, 1)["progress"] == 10 and task(board_file, 1)["status"] == "doing"
        # the selection follows the task into the Doing column
        assert screen.selected_task().label == "T1" and screen.column_index == 1
        assert screen.selected_task().progress == 10
        await pilot.press("equals_sign", "equals_sign")
        assert task(board_file, 1)["progress"] == 30
        await pilot.press("minus")
        assert task(board_file, 1)["progress"] == 20
        await pilot.press("7")
        assert task(board_file, 1)["progress"] == 70
        await pilot.press("0")
        assert task(board_file, 1)["progress"] == 0
        last = log_of(board_file)[-1]
        assert last["member"] == "alice" and last["kind"] == "task.progress" and last["changes"]["progress"] == [70, 0]


async def test_status_done_blocked_assign(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = board(pilot.app)
        await pilot.press("s")  # todo -> doing
        assert task(board_file, 1)["status"] == "doing"
        await pilot.press("d")
        assert task(board_file, 1)["status"] == "done" and task(board_file, 1)["progress"] == 100
        assert screen.columns[3].current.label == "T1"
        await pilot.press("h", "h", "h", "j")  # back to To do, second card
        assert screen.selected_task().label == "T3"
        await pilot.press("b")
        await pilot.press(*"no budget")
        await pilot.press("enter")
        assert task(board_file, 3)["status"] == "blocked" and task(board_file, 3)["blocked_reason"] == "no budget"
        await pilot.press("a")
        await pilot.press("down", "down", "enter")  # (unassigned), alice, bob
        assert task(board_file, 3)["owner"] == "bob"


async def test_blocked_dialog_escape_changes_nothing(board_file: Path) -> None:
    before = board_file.read_bytes()
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("b", "x", "escape")
        await pilot.press("e", "escape")
        await pilot.press("a", "escape")
        assert isinstance(pilot.app.screen, BoardScreen)
    assert board_file.read_bytes() == before


async def test_edit_form_saves_changed_fields_with_date_preview(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        form = pilot.app.screen
        due = form.query_one("#due")
        due.value = "fri"
        await pilot.pause()
        friday = day((4 - clock.TODAY.weekday()) % 7 or 7)  # "fri": the next Friday after today
        assert short_date(friday, today=clock.TODAY) in str(form.query_one("#due-preview").render())
        due.value = "someday"
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert "cannot read 'someday'" in str(form.query_one("#edit-error").render())
        due.value = "in 2 weeks"
        form.query_one("#title").value = "Order soil and compost"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BoardScreen)
    record = task(board_file, 1)
    assert record["title"] == "Order soil and compost" and record["due"] == iso_day(+14)
    assert record["owner"] == "alice"  # untouched fields stay


async def test_new_task(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.press(*"Call the district")
        await pilot.press("enter")
        await pilot.pause()
        screen = board(pilot.app)
        assert screen.selected_task().title == "Call the district"
    tasks = json.loads(board_file.read_text())["tasks"]
    assert any(t["title"] == "Call the district" and t["plan"] == 1 for t in tasks.values())


async def test_filter_table_and_plan_switch(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = board(pilot.app)
        await pilot.press("slash", *"owner:bob")
        assert [t.label for t in screen.columns[0].items] == ["T2"]
        await pilot.press("escape", "escape")
        assert [t.label for t in screen.columns[0].items] == ["T1", "T2", "T3"]
        await pilot.press("t")
        assert screen.table_mode and screen.query_one("#table-view").display
        await pilot.press("plus")  # the selection kept T2 through the filter and into the table
        assert task(board_file, 2)["progress"] == 10
        await pilot.press("t", "tab")
        assert screen.plan.plan.label == "P2" and [t.label for t in screen.columns[0].items] == ["T4"]
        await pilot.press("left_square_bracket")
        assert screen.plan.plan.label == "P1"
        await pilot.press("right_square_bracket", "shift+tab")
        assert screen.plan.plan.label == "P1"


async def test_switching_to_a_plan_leaves_an_empty_column_for_one_with_cards(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = board(pilot.app)
        await pilot.press("plus")  # T1 goes to Doing, and the selection with it
        assert screen.column_index == 1 and screen.selected_task().label == "T1"
        await pilot.press("tab")  # P2 has nothing doing: the cursor goes to its To do column
        assert screen.plan.plan.label == "P2" and screen.column_index == 0
        assert screen.columns[0].active and not screen.columns[1].active
        await pilot.press("plus")
        assert task(board_file, 4)["progress"] == 10
        assert not any(str(n.message).startswith("No task selected") for n in pilot.app._notifications)
        await pilot.press("shift+tab")  # P1's Doing column has cards: the same column stays
        assert screen.plan.plan.label == "P1" and screen.column_index == 1
        assert screen.selected_task().label == "T1"


async def test_review_walks_the_queue_and_summarises(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        review = pilot.app.screen
        labels = [i.label if isinstance(i, Concern) else i.task.label for i in review.queue]
        assert labels == ["P1", "T1", "T2"]  # the plan at risk first; then mine and overdue, then due this week
        assert "Review 1 of 3 · at risk" in str(review.query_one("#review-header").render())
        card = str(review.query_one("#review-task").render())
        assert "▲ at risk" in card and "why       1 task overdue" in card
        await pilot.press("space")
        assert "Review 2 of 3 · overdue" in str(review.query_one("#review-header").render())
        await pilot.press("plus", "space", "d", "space")
        summary = str(review.query_one("#review-task").render())
        assert "Reviewed both tasks and the plan or outcome needing attention." in summary
        assert "You changed 2 of them." in summary
        assert "progress 0% → 10%" in summary and "status to do → done" in summary  # as the log says it
        await pilot.press("space")
        assert isinstance(pilot.app.screen, BoardScreen)
    assert task(board_file, 1)["progress"] == 10 and task(board_file, 2)["status"] == "done"


async def test_help_lists_every_key(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        shown = str(pilot.app.screen.query_one("Static").render())
        for words in ("+ / =", "+10%", "Blocked", "Assign", "Review", "Filter", "Table", "0 … 9", "ctrl+p", "u"):
            assert words in shown
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, BoardScreen)


async def test_non_member_is_told_and_nothing_changes(board_file: Path) -> None:
    """The board says it in the command line's words (one message: rules.member_problem)."""
    import os
    import subprocess
    import sys

    before = board_file.read_bytes()
    async with app_for(board_file, user="mallory").run_test(size=(80, 24)) as pilot:
        await pilot.press("plus", "d")
        await pilot.pause()
        told = [str(n.message) for n in pilot.app._notifications if "not a member" in str(n.message)]
    assert board_file.read_bytes() == before
    cli = [sys.executable, "-m", "workplan_tui", "-f", str(board_file), "task", "progress", "T1", "+10"]
    env = {**os.environ, "WORKPLAN_USER": "mallory"}
    said = subprocess.run(cli, env=env, capture_output=True, text=True).stderr.strip().removeprefix("workplan: error: ")
    assert told and told[0] == f"{said}."


async def test_a_member_not_bound_to_this_account_is_read_only(board_file: Path) -> None:
    """The board acts as bob, whose accounts no longer include the one running it (issue 28):
    the header says so, keys are refused with the reason, and the file does not change."""
    actions.edit_member(make_store(board_file), "bob", drop_accounts=[LOGIN])
    before = board_file.read_bytes()
    async with app_for(board_file, user="bob").run_test(size=(80, 24)) as pilot:
        await pilot.press("plus", "d")
        await pilot.pause()
        assert any(f"your login {LOGIN} may not act as bob" in str(n.message) for n in pilot.app._notifications)
        assert "bob (not from your account: read-only)" in str(pilot.app.screen.query_one("#header").render())
    assert board_file.read_bytes() == before


async def test_undo_and_quit(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("u")
        assert any("Nothing of yours to undo" in str(n.message) for n in pilot.app._notifications)
        await pilot.press("plus", "plus")
        assert task(board_file, 1)["progress"] == 20
        await pilot.press("u")
        assert task(board_file, 1)["progress"] == 10
        await pilot.press("u")
        assert task(board_file, 1)["progress"] == 0 and task(board_file, 1)["status"] == "todo"
        assert [a["kind"] for a in log_of(board_file)][-2:] == ["undo", "undo"]
        await pilot.press("q")
        await pilot.pause()
        assert pilot.app._exit


async def test_command_palette_lists_actions_by_name(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        for name in ("Review", "Table", "Filter", "Blocked", "+10%", "Next plan"):
            assert name in titles


async def test_arrows_and_vim_keys_move_the_selection(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = board(pilot.app)
        await pilot.press("down", "j")
        assert screen.selected_task().label == "T3"
        await pilot.press("up", "k")
        assert screen.selected_task().label == "T1"
        await pilot.press("right")
        assert screen.column_index == 1 and screen.selected_task() is None  # Doing is empty
        await pilot.press("l", "left", "h")
        assert screen.column_index == 0
        await pilot.press("end")
        assert screen.selected_task().label == "T3"
        await pilot.press("home")
        assert screen.selected_task().label == "T1"


async def test_ctrl_p_opens_the_palette(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "CommandPalette"


async def test_board_turns_the_cycle_collector_on_once_painted(board_file: Path) -> None:
    """`workplan` starts with gc off (cli/entry.py); the board must not run for hours without it."""
    gc.disable()
    try:
        async with app_for(board_file).run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert board(pilot.app).columns[0].items  # painted
            assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()


async def test_the_table_keeps_every_row_clear_of_its_scrollbar(tmp_path: Path) -> None:
    """At 80x24 the last cells of the due column went under the scrollbar ('was due 23 Sep 202')."""
    from workplan_tui.store.sample import write_demo

    demo = write_demo(tmp_path / "demo.json", today=FIXED_NOW.date(), user="alice")
    async with app_for(demo).run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        table = board(pilot.app).table
        assert table.room < table.size.width  # a scrollbar takes its cells
        rows = [table.render_item(t, 0, table.size.width, table.part(""), False).text for t in table.items]
        assert all(len(row.rstrip()) <= table.room for row in rows)  # what shows, clear of the scrollbar
        done = [row.rstrip() for row, t in zip(rows, table.items, strict=True) if t.status == "done" and t.due]
        assert done and all(" was due " in row and row[-4:].isdigit() for row in done), done


async def test_shift_arrows_scroll_a_list_screens_details(tmp_path: Path) -> None:
    """The details pane takes no focus (arrows move the list), so shift+arrows scroll it: the
    outcome chart's last lines at 80x24 stay within reach of the keyboard."""
    from workplan_tui.store.sample import write_demo

    demo = write_demo(tmp_path / "demo.json", today=FIXED_NOW.date(), user="alice")
    async with app_for(demo).run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        box = pilot.app.screen.query_one("#detail-box")
        assert box.max_scroll_y > 0 and box.scroll_y == 0
        await pilot.press("shift+down")
        await pilot.pause()
        assert box.scroll_y > 0
        await pilot.press("K")
        await pilot.pause()
        assert box.scroll_y == 0


async def test_a_theme_chosen_on_an_open_board_redraws_every_card_and_row(board_file: Path) -> None:
    """The board's lists keep the lines they drew while the item and the view hold
    (``VirtualList._item_line``): a new theme must not leave a card, a plan row or the selection
    in the old theme's colours, on the board and in the table."""
    from tests.ui.readability import rows

    seen = []
    for opened, chosen in (("workplan-dark", "workplan-light"), ("workplan-light", None)):
        app = make_app(board_file, user="alice", now=FIXED_NOW, theme=opened)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("j", "l")  # the lines of a selection, in another column
            if chosen is not None:
                app.theme = chosen
            await pilot.pause()
            shown = rows(app)
            await pilot.press("t")
            await pilot.pause()
            seen.append((shown, rows(app)))
    assert seen[0] == seen[1]
