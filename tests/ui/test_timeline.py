"""Work over time on the board (issue 29): the waiting card, dates that cannot work, the next
milestone, the form's "waits on" and "repeats", skipping, the ready notice, the Timeline screen."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.clock import iso_day
from tests.conftest import FIXED_NOW, make_store
from workplan_tui.store import actions
from workplan_tui.ui.app import WorkplanApp, make_app
from workplan_tui.ui.screens.board import BoardScreen
from workplan_tui.ui.screens.timeline import TimelineScreen


def app_for(path: Path, user: str = "alice") -> WorkplanApp:
    return make_app(path, user=user, now=FIXED_NOW)


def lines(widget) -> list[str]:
    return ["".join(s.text for s in widget.render_line(y)) for y in range(widget.size.height)]


async def test_a_waiting_card_says_on_what_and_keeps_its_keys(board_file: Path) -> None:
    store = make_store(board_file)
    actions.set_waits(store, 2, add=[1])  # bob's T2 waits on alice's T1 (PARKS)
    async with app_for(board_file).run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        board = pilot.app.screen
        assert isinstance(board, BoardScreen)
        todo = "\n".join(lines(board.columns[0]))
        # as much as a card's width takes: "waits T1 · PARKS", or "waits on T1 · PARKS · 6 Dec" when the day is short
        assert re.search(r"waits (on )?T1 · PARKS", todo), todo
        await pilot.press("j")  # T2
        await pilot.press("plus")
        await pilot.pause()
        assert json.loads(board_file.read_text())["tasks"]["2"]["progress"] == 10  # people start early


async def test_the_board_filter_word_waiting_keeps_only_waiting_tasks(board_file: Path) -> None:
    store = make_store(board_file)
    actions.set_waits(store, 2, add=[1])  # T2 waits on T1
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        board = pilot.app.screen
        assert isinstance(board, BoardScreen)
        await pilot.press("slash", *"waiting")
        assert [t.label for t in board.columns[0].items] == ["T2"]
        await pilot.press("escape", "escape")
        assert [t.label for t in board.columns[0].items] == ["T1", "T2", "T3"]


async def test_a_date_that_cannot_work_is_marked_on_the_card(board_file: Path) -> None:
    store = make_store(board_file)
    actions.set_due(store, 1, iso_day(+20))
    actions.set_waits(store, 2, add=[1])
    async with app_for(board_file).run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        todo = "\n".join(lines(pilot.app.screen.columns[0]))
        assert "✗ due in 6 days · due before T1" in todo


async def test_the_board_shows_the_plans_next_milestone(board_file: Path) -> None:
    actions.add_milestone(make_store(board_file), 1, "Beds ready", iso_day(+10), tasks=[1, 2])
    async with app_for(board_file).run_test(size=(100, 30)) as pilot:
        outcomes = str(pilot.app.screen.query_one("#outcomes").render())
        assert "◆ D1 Beds ready" in outcomes and "2 of 2 tasks open" in outcomes and "at risk" in outcomes


async def test_the_owner_is_told_when_the_last_task_they_waited_on_is_done(board_file: Path) -> None:
    alice = make_store(board_file)
    actions.set_waits(alice, 2, add=[1])  # bob's T2 waits on alice's T1
    async with app_for(board_file, user="bob").run_test(size=(80, 24)) as pilot:
        actions.set_status(alice, 1, "done")
        for _ in range(40):
            await pilot.pause(0.1)
            notices = [str(n.message) for n in pilot.app._notifications]
            if any("You can start T2: T1 done by alice" in n for n in notices):
                break
        else:
            raise AssertionError(notices)


async def test_the_form_sets_waits_on_and_repeats(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 40)) as pilot:
        await pilot.press("j", "j", "e")  # T3, no due date
        await pilot.pause()
        form = pilot.app.screen
        waits = form.query_one("#waits")
        waits.value = "T1"
        await pilot.pause()
        assert "T1 (alice · PARKS" in str(form.query_one("#waits-preview").render())
        form.query_one("#every").value = "every monday"
        await pilot.pause()
        assert "every Monday" in str(form.query_one("#every-preview").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
    data = json.loads(board_file.read_text())
    assert data["tasks"]["3"]["waits_on"] == [1]
    assert data["series"]["1"]["every"] == "mon" and data["tasks"]["3"]["series"] == 1


async def complete_waits(pilot, typed: str):
    """In T3's form (opened from the board), type ``typed`` into 'Waits on' and take the
    suggestion; the field, for its value."""
    await pilot.press("j", "j", "e")  # T3
    await pilot.pause()
    waits = pilot.app.screen.query_one("#waits")
    waits.focus()
    await pilot.press(*typed)
    await pilot.pause()
    await pilot.press("right")  # takes the suggestion
    await pilot.pause()
    return waits


async def test_the_form_completes_a_task_by_title(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 40)) as pilot:
        waits = await complete_waits(pilot, "buil")
        assert waits.value == "T2 Build beds"


async def test_x_skips_a_time_of_a_recurring_task(board_file: Path) -> None:
    store = make_store(board_file)
    made = actions.add_task(store, 1, "Weekly rota", every="week", due=iso_day(+1))
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        board = pilot.app.screen
        column = board.columns[0]
        column.move_to(next(i for i, t in enumerate(column.items) if t.id == made.id))
        await pilot.press("x")
        await pilot.pause()
    assert json.loads(board_file.read_text())["tasks"][str(made.id)]["due"] == iso_day(+8)


async def test_a_card_loses_its_recurring_mark_when_its_series_ends(board_file: Path) -> None:
    """The ↻ says the task will come round: not once its series has ended (by another member
    too: the board redraws the card though the task itself did not change)."""
    store = make_store(board_file)
    made = actions.add_task(store, 1, "Weekly rota", every="week", due=iso_day(+10))  # not due soon: ↻
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        board = pilot.app.screen
        assert isinstance(board, BoardScreen)
        card = next(i for i, t in enumerate(board.columns[0].items) if t.id == made.id)
        height = board.columns[0].item_height

        def drawn() -> str:
            column = board.columns[0]
            column.scroll_to(y=card * height, animate=False, immediate=True)
            return "\n".join(lines(column))

        await pilot.pause()
        assert "↻" in drawn()
        actions.make_recurring(make_store(board_file, "bob"), made.id, None)  # bob ends it
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "Weekly rota" in drawn() and "↻" not in drawn()


async def test_the_timeline_opens_from_the_board_and_moves_by_rows_and_weeks(board_file: Path) -> None:
    store = make_store(board_file)
    actions.set_waits(store, 2, add=[1])
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("T")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, TimelineScreen)
        rows = screen.rows
        assert rows.current is not None and rows.current.label == "T1"  # the board's selected task
        shown = "\n".join(lines(rows))
        assert "T1 Order soil" in shown and "overdue" in shown and "waiting" in shown
        first = screen.first
        await pilot.press("right", "right", "left")
        assert screen.first is not None and first is not None and (screen.first - first).days == 7
        await pilot.press("full_stop")
        assert screen.first == first
        await pilot.press("down")
        await pilot.pause()
        detail = str(screen.query_one("#timeline-detail").render())
        assert "T2 Build beds" in detail and "waits on T1" in detail
        await pilot.press("g")
        await pilot.pause()
        assert rows.items[0].kind == "group" and rows.items[0].group == "P1"
        await pilot.press("z", "z")
        assert rows.per_week == 2
        await pilot.press("plus")  # the board's task keys work here
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BoardScreen)
    assert json.loads(board_file.read_text())["tasks"]["2"]["progress"] == 10


NASTY = ("[@click=app.quit]Open[/]", "Budget [/b] review", "osc\x1b]52;c;ZXZpbA==\x07 csi\x9b31m")


async def test_stored_text_on_the_timeline_is_literal_and_harmless(board_file: Path) -> None:
    """Titles, a milestone's name and a blocked reason from the file: shown as typed, never markup,
    never a control character (rows, the foot line), and the CLI's text likewise."""
    store = make_store(board_file)
    made = [actions.add_task(store, 1, title, due=iso_day(+3)) for title in NASTY]
    actions.set_status(store, made[2].id, "blocked", reason=NASTY[2])
    actions.add_milestone(store, 1, NASTY[1], iso_day(+5), tasks=[made[0].id])
    async with app_for(board_file).run_test(size=(120, 40)) as pilot:
        await pilot.press("T")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, TimelineScreen)
        shown = "\n".join(lines(screen.rows))
        assert "[@click=app.quit]Open[/]" in shown and "D1 Budget [/b] review" in shown
        screen.rows.move_to(next(i for i, r in enumerate(screen.rows.items) if r.task and r.task.id == made[2].id))
        screen._show_detail()
        await pilot.pause()
        detail = str(screen.query_one("#timeline-detail").render())
        assert "blocked: osc" in detail
        for text in (shown, detail):
            assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text
        assert pilot.app.is_running


async def test_a_waiting_card_is_redrawn_when_what_it_waits_on_is_done_by_another(board_file: Path) -> None:
    """The board redraws only the rows whose task changed (store/patch.py): T2 did not change when
    bob finished T4, in another plan, yet its card must stop saying it waits (Schedule.view_key)."""
    from tests.ui.test_patched_board import settle

    actions.set_waits(make_store(board_file), 2, add=[4])  # P1's T2 waits on P2's T4
    async with app_for(board_file).run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        board = pilot.app.screen
        assert isinstance(board, BoardScreen)
        assert re.search(r"waits (on )?T4", "\n".join(lines(board.columns[0])))
        actions.set_status(make_store(board_file, "bob"), 4, "done")
        await settle(pilot.app, pilot)
        shown = "\n".join(strip.text for strip in pilot.app.screen._compositor.render_strips())
        assert "T2 Build beds" in shown and not re.search(r"waits (on )?T4", shown)


async def test_m_on_the_timeline_shows_only_my_tasks_as_on_the_board(board_file: Path, run) -> None:
    """Issue 31's 'mine' on issue 29's Timeline: m keeps my tasks and the milestones that list
    them; the board's m carries over; 'workplan timeline --owner' is the same for the CLI."""
    store = make_store(board_file)
    actions.add_milestone(store, 1, "Beds ready", iso_day(+9), tasks=[2])  # bob's only
    actions.add_milestone(store, 1, "Soil in", iso_day(+3), tasks=[1])  # alice's
    async with app_for(board_file).run_test(size=(100, 30)) as pilot:
        await pilot.press("T")
        timeline = pilot.app.screen
        assert isinstance(timeline, TimelineScreen)
        tasks = {r.task.label for r in timeline.rows.items if r.task is not None}
        assert tasks == {"T1", "T2", "T4"}
        await pilot.press("m")
        shown = timeline.rows.items
        assert {r.task.label for r in shown if r.task is not None} == {"T1"}
        assert [r.milestone.name for r in shown if r.milestone is not None] == ["Soil in"]
        assert "only my tasks" in str(timeline.query_one("#timeline-title").render())
        await pilot.press("m")
        assert {r.task.label for r in timeline.rows.items if r.task is not None} == tasks
        await pilot.press("escape", "m", "T")  # m on the board, then the Timeline: mine there too
        assert {r.task.label for r in pilot.app.screen.rows.items if r.task is not None} == {"T1"}
    printed = run("timeline", "--owner", "BOB", "--weeks", "4", path=board_file).output
    assert "T2 " in printed and "T1 " not in printed and "Beds ready" in printed and "Soil in" not in printed
    assert "bob's tasks" in printed


async def test_a_task_key_on_a_row_that_is_no_task_says_so_in_the_screens_words(board_file: Path) -> None:
    """The board's 'this column has no card' made no sense on the Timeline's headings nor on a
    plan or outcome in the review."""
    actions.add_milestone(make_store(board_file), 1, "Beds ready", iso_day(+9), tasks=[2])
    async with app_for(board_file).run_test(size=(100, 30)) as pilot:
        await pilot.press("T", "home", "plus")  # the first row: the milestone
        await pilot.pause()
        said = [n.message for n in pilot.app._notifications]
        assert said[-1].startswith("This row is not a task"), said
    store = make_store(board_file)
    actions.edit_outcome(store, 1, {"due": iso_day(+2)})  # far from its target, due soon: off track
    async with app_for(board_file).run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        review = pilot.app.screen
        assert review.queue and review.current() is None  # the outcome comes first: no task
        await pilot.press("plus")
        await pilot.pause()
        said = [n.message for n in pilot.app._notifications]
        assert said[-1].startswith("This item is not a task") and not any("column" in m for m in said), said
