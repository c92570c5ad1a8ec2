"""Work over time on the board tried cold (issue 29): hand edits a partner can make must never
take another member's board down, whatever key they press."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.clock import iso_day
from tests.conftest import FIXED_NOW, make_store
from tests.gitrepo import git_env, make_clones, store_of  # noqa: F401 - fixture
from tests.ui.test_timeline import complete_waits
from workplan_tui.store import actions
from workplan_tui.sync.run import sync
from workplan_tui.ui.app import make_app
from workplan_tui.ui.modals import ConflictDialog
from workplan_tui.ui.screens.board import BoardScreen


async def test_x_and_d_on_an_instance_due_at_the_calendars_end_keep_the_board_up(board_file: Path) -> None:
    store = make_store(board_file)
    made = actions.add_task(store, 1, "Weekly rota", owner="alice", every="week", due=iso_day(+1))
    data = json.loads(board_file.read_text())
    data["tasks"][str(made.id)]["due"] = "9999-12-31"  # a hand edit: the calendar's last day
    board_file.write_text(json.dumps(data))
    async with make_app(board_file, user="alice", now=FIXED_NOW).run_test(size=(80, 24)) as pilot:
        board = pilot.app.screen
        assert isinstance(board, BoardScreen)
        column = board.columns[0]
        column.move_to(next(i for i, t in enumerate(column.items) if t.id == made.id))
        await pilot.press("x")
        await pilot.pause()
        assert pilot.app.is_running and pilot.app.screen is board
        shown = [str(n.message) for n in pilot.app._notifications]
        assert any("cannot be skipped" in m and "9999-12-31" in m for m in shown), shown
        await pilot.press("d")
        await pilot.pause()
        assert pilot.app.is_running
    tasks = json.loads(board_file.read_text())["tasks"]
    assert tasks[str(made.id)]["status"] == "done"
    assert [k for k, t in tasks.items() if t.get("series") == made.series] == [str(made.id)]


@pytest.mark.usefixtures("git_env")
async def test_settling_a_dependency_conflict_shows_the_tasks_not_a_count(tmp_path: Path) -> None:
    a, b = make_clones(tmp_path, 2)
    actions.set_waits(store_of(a, "alice"), 2, add=[1])
    actions.set_waits(store_of(a, "alice"), 1, add=[3])  # alice: T1 waits on T3
    sync(store_of(a, "alice"))
    actions.set_waits(store_of(b, "bob"), 3, add=[2])  # bob: T3 waits on T2, closing the circle
    assert sync(store_of(b, "bob"))["conflicts"] == ["C1"]
    async with make_app(b, user="bob", now=FIXED_NOW).run_test(size=(100, 24)) as pilot:
        pilot.app.session.settle_conflicts()
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ConflictDialog)
        assert dialog.conflicts[0][0] == "waits_on"
        rows = str(dialog.query_one("#conflict-rows").render())
        assert "T2" in rows and "[1]" not in rows and "[0]" not in rows, rows


async def test_the_form_saves_a_completed_title_that_holds_a_separator(board_file: Path) -> None:
    store = make_store(board_file)
    actions.edit_task(store, 2, {"title": "Beds; phase 2, north"})
    async with make_app(board_file, user="alice", now=FIXED_NOW).run_test(size=(80, 40)) as pilot:
        waits = await complete_waits(pilot, "beds")
        form = pilot.app.screen
        assert waits.value == "T2 Beds; phase 2, north"
        preview = str(form.query_one("#waits-preview").render())
        assert preview.startswith("→ T2 (") and "no task" not in preview, preview
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is not form
    assert json.loads(board_file.read_text())["tasks"]["3"]["waits_on"] == [2]


async def test_moving_the_timeline_back_shows_the_work_done_in_those_weeks(board_file: Path) -> None:
    from workplan_tui.ui.screens.timeline import TimelineScreen

    store = make_store(board_file)
    done = actions.add_task(store, 1, "Dug the beds", owner="alice", due=iso_day(-30))
    actions.set_status(store, done.id, "done")
    async with make_app(board_file, user="alice", now=FIXED_NOW).run_test(size=(100, 30)) as pilot:
        await pilot.press("T")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, TimelineScreen)
        assert done.id not in [r.task.id for r in screen.rows.items if r.task is not None]
        await pilot.press("H", "H")  # eight weeks back
        await pilot.pause()
        assert done.id in [r.task.id for r in screen.rows.items if r.task is not None]
        await pilot.press("L", "L")  # and forward again: what was shown stays
        await pilot.pause()
        assert done.id in [r.task.id for r in screen.rows.items if r.task is not None]


async def test_an_open_board_flags_a_card_when_another_member_archives_what_it_waits_on(board_file: Path) -> None:
    from tests.ui.test_live import wait_for

    store = make_store(board_file)
    actions.set_waits(store, 3, add=[4])  # alice's T3 waits on carol's T4, in P2
    async with make_app(board_file, user="alice", now=FIXED_NOW).run_test(size=(120, 30)) as pilot:
        board = pilot.app.screen
        assert isinstance(board, BoardScreen)

        def card_of_t3() -> str:
            column = board.columns[0]
            return "\n".join("".join(s.text for s in column.render_line(y)) for y in range(column.size.height))

        assert "✗" not in card_of_t3()
        actions.move_plan(make_store(board_file, "bob"), 2, "archive")  # another member, another process's way
        await wait_for(pilot, lambda: pilot.app.session.workplan.plans[2].status == "archived")
        await pilot.pause()
        assert "✗" in card_of_t3(), card_of_t3()


async def test_work_after_the_weeks_shown_is_marked_clear_of_the_scrollbar(board_file: Path) -> None:
    from workplan_tui.ui.screens.timeline import TimelineScreen

    store = make_store(board_file)
    for n in range(30):  # enough rows for a scrollbar
        actions.add_task(store, 1, f"Later work {n}", owner="alice", due=iso_day(+200))
    async with make_app(board_file, user="alice", now=FIXED_NOW).run_test(size=(80, 24)) as pilot:
        await pilot.press("T")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, TimelineScreen)
        rows = screen.rows
        assert rows.scrollbar_size_vertical == 1
        shown = ["".join(s.text for s in rows.render_line(y)) for y in range(rows.size.height)]
        later = [line for line in shown if "Later work" in line]
        assert later and all("▸" in line[: rows.size.width - 1] for line in later), later
