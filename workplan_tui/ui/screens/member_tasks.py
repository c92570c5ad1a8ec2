"""One member's tasks as a table, which the board's task keys work on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding

from workplan_tui.model.records import Task
from workplan_tui.ui.keys import BOARD_KEYS, TASK_KEYS
from workplan_tui.ui.screens.task_actions import TaskActions
from workplan_tui.ui.widgets import KeyBar, ScreenTitle, TaskTable, TaskTableView

if TYPE_CHECKING:
    from workplan_tui.ui.app import WorkplanApp


class MemberTasks(TaskActions):
    """One member's tasks as a table; the board's keys move, open and change them."""

    BINDINGS = [
        *[b for b in BOARD_KEYS if isinstance(b, Binding) and b.action.startswith("cursor(")],
        *TASK_KEYS,
        Binding("ctrl+r", "reload", "Reload now", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("escape,q", "back", "Back"),
    ]

    app: WorkplanApp

    def __init__(self, handle: str) -> None:
        super().__init__()
        self.handle = handle

    def compose(self) -> ComposeResult:
        yield ScreenTitle(id="screen-title")
        yield TaskTableView(self.session.context)
        yield KeyBar()

    @property
    def table(self) -> TaskTable:
        return self.query_one(TaskTable)

    def tasks(self) -> list[Task]:
        wp = self.session.workplan
        mine = (t for t in wp.tasks.values() if t.owner == self.handle) if wp else iter(())
        return sorted(mine, key=lambda t: (t.status == "done", t.due or "9999", t.id))

    def on_mount(self) -> None:
        self.table.set_active(True)
        self.refresh_view()

    def refresh_view(self, follow: int | None = None) -> None:
        tasks = self.tasks()
        current = self.table.current
        keep = follow if follow is not None else (current.id if current else None)
        cursor = next((i for i, t in enumerate(tasks) if t.id == keep), None)
        self.table.set_items(tasks, cursor)
        self.query_one(ScreenTitle).show(
            f"Tasks of {self.handle} ({len(tasks)}, {sum(t.status != 'done' for t in tasks)} open)"
        )

    def live_refresh(self) -> None:
        self.refresh_view()

    def selected_task(self) -> Task | None:
        return self.table.current

    def after_change(self, task_id: int | None) -> None:
        self.refresh_view(task_id)

    def action_cursor(self, delta: int) -> None:
        self.table.move(delta)

    def action_reload(self) -> None:
        self.session.reload()
        self.refresh_view()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        from workplan_tui.ui.modals import HelpScreen

        self.app.push_screen(HelpScreen(f"Tasks of {self.handle}", self.BINDINGS))
