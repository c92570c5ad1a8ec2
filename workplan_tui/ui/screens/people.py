"""People: who is behind, and when each member last changed anything."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.content import Content

from workplan_tui.model.text import clean
from workplan_tui.store.storage import StoreError
from workplan_tui.ui.screens.list_screen import ListScreen, Parts, ago
from workplan_tui.ui.screens.member_tasks import MemberTasks
from workplan_tui.ui.widgets import fit, pad

if TYPE_CHECKING:
    pass


class PeopleScreen(ListScreen):
    """Who is behind: open, overdue and blocked tasks per member, and when each last
    changed anything (their newest entry in the activity log, or note on a task);
    enter lists that member's tasks, which the board's task keys then work on."""

    KEYS = [Binding("enter", "tasks", "Their tasks")]
    BINDINGS = KEYS
    TITLE_TEXT = "People · who is behind"

    def items(self) -> list[Any]:
        wp = self.session.workplan
        if wp is None:
            return []
        today = self.session.today().isoformat()
        try:
            last, complete = self.session.store.history().last_by_member(wp.members)
        except StoreError:
            last, complete = {}, False
        never = "never" if complete else ""
        stats: dict[str, list[Any]] = {h: [m, 0, 0, 0, last.get(h, never)] for h, m in wp.members.items()}
        for t in wp.tasks.values():
            for update in t.updates:
                entry = stats.get(update.by)
                if entry is not None and update.at > entry[4]:
                    entry[4] = update.at
            entry = stats.get(t.owner or "")
            if entry is None or t.status == "done":
                continue
            entry[1] += 1
            if t.due and t.due < today:
                entry[2] += 1
            if t.status == "blocked":
                entry[3] += 1
        return sorted(stats.values(), key=lambda e: (-e[2], -e[3], -e[1], e[0].handle))

    def key_of(self, item: Any) -> Hashable:
        return item[0].handle

    def row(self, item: list[Any], width: int) -> Parts:
        member, open_, overdue, blocked, last = item
        when = "not lately" if not last else ago(last, self.session.now()) if last != "never" else "never"
        return [
            (f" {fit(member.handle, 10):<10} ", "card--title"),
            (pad(f"{member.name} · {member.partner}", max(6, width - 67)) + " ", "card--meta"),
            (f"open {open_:>3}  ", ""),
            (f"overdue {overdue:>2}  ", "card--overdue" if overdue else "card--meta"),
            (f"blocked {blocked:>2}  ", "card--blocked" if blocked else "card--meta"),
            (f"updated {when}", "card--meta"),
        ]

    def detail(self, item: list[Any]) -> Content:
        member = item[0]
        return Content(
            f"{clean(member.name)} ({clean(member.handle)}), {member.role} at {clean(member.partner)}. "
            "enter: their tasks"
        )

    def action_tasks(self) -> None:
        item = self.rows_widget.current
        if item is not None:
            self.app.push_screen(MemberTasks(item[0].handle), lambda _: self.refresh_view())
