"""Right for every person: a board left open overnight, pasted text, digits from other scripts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from pathlib import Path

from textual import events
from textual.widgets import Input

from tests.clock import day, iso_day
from tests.ui.test_live import wait_for
from workplan_tui.model.dates import format_due
from workplan_tui.ui.app import make_app
from workplan_tui.ui.modals import EditTask
from workplan_tui.ui.screens.board import BoardScreen
from workplan_tui.ui.widgets import TaskTable

EVENING = datetime.combine(day(+5), time(23, 59, 58), UTC)  # T2 is due day(+6): "due tomorrow"
MORNING = datetime.combine(day(+6), time(0, 0, 5), UTC)


def screen_text(screen: BoardScreen) -> str:
    """What the four columns show, as plain text."""
    return "\n".join(
        "".join(segment.text for segment in column.render_line(y))
        for column in screen.columns
        for y in range(column.size.height)
    )


async def test_a_board_left_open_overnight_moves_to_the_new_day(board_file: Path) -> None:
    app = make_app(board_file, user="alice", now=EVENING)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")  # open T1's form in the evening...
        assert isinstance(pilot.app.screen, EditTask)
        assert pilot.app.session.context.today == day(+5)
        app.session.fixed_now = MORNING  # ...and the clock passes midnight
        await wait_for(pilot, lambda: pilot.app.session.context.today == day(+6), 10)
        due = pilot.app.screen.query_one("#due", Input)
        due.value = "tomorrow"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert json.loads(board_file.read_text())["tasks"]["1"]["due"] == iso_day(+7)


async def test_cards_say_today_after_midnight(board_file: Path) -> None:
    app = make_app(board_file, user="alice", now=EVENING)
    async with app.run_test(size=(120, 40)) as pilot:
        t2 = pilot.app.session.workplan.tasks[2]
        assert format_due(t2.due, today=pilot.app.session.context.today) == "due tomorrow"
        app.session.fixed_now = MORNING
        await wait_for(pilot, lambda: format_due(t2.due, today=pilot.app.session.context.today) == "due today", 10)
        screen = pilot.app.screen
        assert isinstance(screen, BoardScreen)
        await pilot.pause()
        assert "due today" in screen_text(screen) and "due tomorrow" not in screen_text(screen)


async def test_pasting_two_lines_into_a_one_line_field_keeps_both(board_file: Path) -> None:
    async with make_app(board_file, user="alice", now=EVENING).run_test(size=(80, 24)) as pilot:
        await pilot.press("b")  # blocked: asks why
        field = pilot.app.screen.query_one(Input)
        field.post_message(events.Paste("Waiting for the district\n  to approve weekend access\n"))
        await pilot.pause()
        assert field.value == "Waiting for the district to approve weekend access"
        await pilot.press("enter")
        await pilot.pause()
    record = json.loads(board_file.read_text())["tasks"]["1"]
    assert record["blocked_reason"] == "Waiting for the district to approve weekend access"


async def test_the_form_refuses_digits_from_other_scripts(board_file: Path) -> None:
    async with make_app(board_file, user="alice", now=EVENING).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        form = pilot.app.screen
        assert isinstance(form, EditTask)
        form.query_one("#progress", Input).value = "\u00b2"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is form and pilot.app.is_running  # an error in the form, not a crash
    assert json.loads(board_file.read_text())["tasks"]["1"]["progress"] == 0


async def test_the_table_lines_up_wide_titles(board_file: Path) -> None:
    from rich.cells import cell_len

    from tests.conftest import make_store
    from tests.unit.test_terminals import WIDE_TITLES
    from workplan_tui.store import actions

    store = make_store(board_file)
    for title in WIDE_TITLES:
        actions.add_task(store, 1, title, owner="bob")
    for size in ((80, 24), (120, 40), (60, 20)):
        async with make_app(board_file, user="alice", now=EVENING).run_test(size=size) as pilot:
            await pilot.press("t")
            screen = pilot.app.screen
            assert isinstance(screen, BoardScreen) and screen.table_mode
            table = screen.query_one(TaskTable)
            rows = ["".join(s.text for s in table.render_line(y)) for y in range(table.size.height)]
            # the status column lines up (at 60 columns the owner gives its room to the title)
            starts = {cell_len(row[: row.index(" todo ") + 1]) for row in rows if " todo " in row}
            assert len(starts) == 1, rows
            assert all(cell_len(row) <= size[0] for row in rows)
            # the due column never drops, and it lines up with its heading
            header = str(screen.query_one("#table-header").render())
            due = next(row for row in rows if row.startswith((" T2 ", "▌T2 ")))
            assert due.rstrip().endswith("• due tomorrow"), due
            assert cell_len(due[: due.index("• due")]) == cell_len(header[: header.index("DUE")])


async def test_opening_a_task_keeps_its_title_when_i_type(board_file: Path) -> None:
    async with make_app(board_file, user="alice", now=EVENING).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert isinstance(pilot.app.screen, EditTask)
        await pilot.press("end", *" now")
        assert pilot.app.screen.query_one("#title", Input).value == "Order soil now"


async def test_the_palette_names_actions_for_people_not_code(board_file: Path) -> None:
    async with make_app(board_file, user="alice", now=EVENING).run_test(size=(80, 24)) as pilot:
        commands = list(pilot.app.get_system_commands(pilot.app.screen))
        ours = [c for c in commands if c.help.startswith("key: ")]
        assert ours and all("(" not in c.help and "_" not in c.help for c in ours)
        assert any(c.title == "+10%" and c.help == "key: + or =" for c in ours)


async def test_the_people_screen_and_the_meeting_report_agree_on_who_is_behind(board_file: Path) -> None:
    """'Who is behind' is one rule (overview.member_loads): tasks of closed plans count for nobody.
    The People screen counted bob's overdue task of an archived plan; the report did not."""
    from datetime import timedelta

    from tests.conftest import FIXED_NOW, make_store
    from workplan_tui.exchange import report
    from workplan_tui.store import actions
    from workplan_tui.ui.screens.people import PeopleScreen

    store = make_store(board_file)
    old = actions.add_plan(store, "Last year's beds")
    actions.add_task(store, old.id, "Return the tools", owner="bob", due="2026-11-01")
    actions.move_plan(store, old.id, "archive")
    async with make_app(board_file, user="alice", now=FIXED_NOW).run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        screen = pilot.app.screen
        assert isinstance(screen, PeopleScreen)
        shown = {load.member.handle: (load.open, len(load.overdue)) for load in screen.rows_widget.items}
    made = report.build(store, today=FIXED_NOW.date(), now=FIXED_NOW, since=FIXED_NOW.date() - timedelta(days=7))
    behind = {b.member.handle: (b.open, len(b.overdue)) for b in made.behind}
    assert shown["bob"] == (1, 0)  # T2 only: the archived plan's task is nobody's load
    assert {h: v for h, v in shown.items() if h in behind} == behind
