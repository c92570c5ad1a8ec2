"""A board that followed any sequence of writes by patching its copy (store/patch.py) and
redrawing only what changed shows exactly what a board opened on the final file shows.

Each example opens a board, lets writes land (another member's from the command line's
code path, mine through the board's keys and its session, a hand edit now and then, ctrl+r),
moves about the board, and reads every character and style the terminal would get. A fresh
board is then opened on the final file, put on the same plan, column and card, and read the
same way: the two must be equal, on the board and in the table view. ``BOARD_EXAMPLES=200``
hunts longer.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.clock import iso_day
from tests.conftest import FIXED_NOW, make_store, seed
from tests.ui.readability import rows
from workplan_tui.model import schema
from workplan_tui.model.rules import RuleError
from workplan_tui.store import actions
from workplan_tui.store.storage import StoreError
from workplan_tui.ui import session as session_module
from workplan_tui.ui.app import WorkplanApp, make_app
from workplan_tui.ui.screens.board import BoardScreen

EXAMPLES = int(os.environ.get("BOARD_EXAMPLES", "8"))
SIZE = (120, 60)  # tall enough that no column scrolls: a fresh board would not be scrolled

TASK = st.integers(1, 7)
THEIRS = st.one_of(
    st.tuples(st.just("progress"), TASK, st.integers(0, 100)),
    st.tuples(st.just("status"), TASK, st.sampled_from(["todo", "doing", "done", "blocked"])),
    st.tuples(st.just("title"), TASK, st.text("ab [/]é漢", min_size=1, max_size=10)),
    st.tuples(st.just("due"), TASK, st.integers(-3, 9)),
    st.tuples(st.just("add"), st.integers(1, 2), st.text("xyz", min_size=1, max_size=6)),
    st.tuples(st.just("remove"), TASK, st.none()),
    st.tuples(st.just("undo"), st.none(), st.none()),
    st.tuples(st.just("assign"), TASK, st.sampled_from(["alice", "bob", "carol", None])),
    st.tuples(st.just("checkin"), st.just(1), st.integers(0, 40)),
    st.tuples(st.just("vote"), st.just(1), st.sampled_from(["agree", "disagree", "block"])),
    st.tuples(st.just("partner"), st.sampled_from(["bob", "carol"]), st.sampled_from(["PARKS", "FOOD"])),
    st.tuples(st.just("plan title"), st.integers(1, 2), st.text("pq", min_size=1, max_size=5)),
    st.tuples(st.just("by hand"), TASK, st.integers(0, 100)),
    st.tuples(st.just("waits"), TASK, TASK),  # a card of another task then reads 'waits on' (issue 29)
    st.tuples(st.just("no longer waits"), TASK, TASK),
)
MINE = st.one_of(
    st.tuples(st.just("key"), st.sampled_from(["plus", "minus", "s", "d", "5", "j", "k", "h", "l", "tab", "ctrl+r"])),
    st.tuples(st.just("my progress"), TASK, st.integers(0, 100)),
)
STEPS = st.lists(st.one_of(THEIRS, MINE), min_size=1, max_size=7)


def write(path: Path, step: tuple[Any, ...]) -> None:
    """Another member's write (refused ones change nothing)."""
    kind, what, value = step
    bob = make_store(path, "bob")
    try:
        if kind == "progress":
            actions.set_progress(bob, what, str(value))
        elif kind == "status":
            actions.set_status(bob, what, value, "waiting for the council" if value == "blocked" else None)
        elif kind == "title":
            actions.edit_task(bob, what, {"title": value})
        elif kind == "due":
            actions.set_due(bob, what, iso_day(value))
        elif kind == "add":
            actions.add_task(bob, what, value, owner="carol", due=iso_day(2))
        elif kind == "remove":
            actions.remove_task(bob, what)
        elif kind == "undo":
            actions.undo(bob)
        elif kind == "assign":
            actions.assign(bob, what, value)
        elif kind == "checkin":
            actions.checkin(bob, what, value)
        elif kind == "vote":
            actions.vote(bob, what, value)
        elif kind == "partner":
            actions.edit_member(bob, what, partner=value)
        elif kind == "plan title":
            actions.edit_plan(bob, what, title=value)
        elif kind == "waits":
            actions.set_waits(bob, what, add=[value])
        elif kind == "no longer waits":
            actions.set_waits(bob, what, remove=[value])
        elif kind == "by hand":
            data = json.loads(path.read_text())
            if str(what) in data["tasks"]:
                data["tasks"][str(what)]["progress"] = value
                edited = path.with_name("edited.json")
                edited.write_text(json.dumps(data, indent=1))
                os.replace(edited, path)
    except (RuleError, StoreError, schema.SchemaError):
        pass


async def settle(app: WorkplanApp, pilot: Any) -> None:
    """Let the board notice the file (a poll) and redraw."""
    session = app.session
    session.poll()
    deadline = time.monotonic() + 10
    while (session._reloading or session.store.changed_on_disk()) and time.monotonic() < deadline:
        await pilot.pause(0.01)
        if not session._reloading and session.store.changed_on_disk():
            session.poll()
    await pilot.pause()


def where(screen: BoardScreen) -> tuple[int | None, int, int | None]:
    """(plan, column, selected task) of a board."""
    task = screen.selected_task()
    return (screen.plan.plan.id if screen.plan else None, screen.column_index, task.id if task else None)


async def shown(app: WorkplanApp, pilot: Any) -> list[list[tuple[str, Any]]]:
    """Every cell the screen shows (character and style), notices taken down."""
    app.clear_notifications()
    await pilot.pause()
    cells = []
    for row in rows(app):
        cells.append([(char, style) for text, style in row for char in text])
    return cells


async def patched_then_fresh(path: Path, steps: list[tuple[Any, ...]]) -> None:
    app = make_app(path, user="alice", now=FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        for step in steps:
            if step[0] == "key":
                await pilot.press(step[1])
            elif step[0] == "my progress":
                session, (_, task_id, value) = app.session, step
                store = session.store
                if task_id in (session.workplan.tasks if session.workplan else {}):
                    if session.change(lambda: actions.set_progress(store, task_id, str(value))):  # noqa: B023
                        screen.after_change(task_id)
            else:
                write(path, step)
            await settle(app, pilot)
        place = where(screen)
        board = await shown(app, pilot)
        # The table's own cursor follows the card selected when the board last drew the plan's
        # tasks, not a move between columns since: set it as the fresh board's is set (below).
        screen.refresh_data(follow=place[2])
        if place[2] is None:  # no card selected: the table's cursor is where it was left
            screen.table.cursor = 0
        await pilot.press("t")
        table = await shown(app, pilot)
    fresh = make_app(path, user="alice", now=FIXED_NOW)
    async with fresh.run_test(size=SIZE) as pilot:
        screen = fresh.screen
        assert isinstance(screen, BoardScreen)
        plan, column, task = place
        if plan is not None:
            screen.show_plan_id(plan)
        screen.refresh_data(follow=task)  # its column too
        screen.action_column(column - screen.column_index)  # the column, when no card is selected
        await pilot.pause()
        assert where(screen) == place
        assert await shown(fresh, pilot) == board
        await pilot.press("t")
        assert await shown(fresh, pilot) == table


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=STEPS, here=st.booleans())
def test_a_patched_board_shows_what_a_board_opened_on_the_final_file_shows(steps, here: bool) -> None:
    """``here``: each newer version read on the board's own thread (a small file), else in a
    worker thread (a file over ``READ_HERE_BYTES``)."""
    folder = Path(tempfile.mkdtemp(prefix="workplan-patched-"))
    read_here = session_module.READ_HERE_BYTES
    session_module.READ_HERE_BYTES = read_here if here else 0
    try:
        path = seed(folder / "w.json")
        bob = make_store(path, "bob")
        actions.add_plan(bob, "Winter boxes")
        actions.add_task(bob, 2, "Find a supplier", owner="carol", due=iso_day(12))
        actions.add_task(bob, 1, "Paint signs", owner="bob", due=iso_day(1))
        actions.set_status(bob, 5, "doing")
        os.environ["WORKPLAN_CONFIG_DIR"] = str(folder / "config")
        asyncio.run(patched_then_fresh(path, steps))
    finally:
        session_module.READ_HERE_BYTES = read_here
        shutil.rmtree(folder, ignore_errors=True)
