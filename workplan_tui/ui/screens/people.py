"""People: who is behind, and when each member last changed anything."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from rich.cells import cell_len
from textual.binding import Binding
from textual.content import Content

from workplan_tui.model.overview import Load, member_loads
from workplan_tui.model.text import clean
from workplan_tui.store.storage import StoreError
from workplan_tui.ui.screens.list_screen import ListScreen, Parts, ago
from workplan_tui.ui.screens.member_tasks import MemberTasks
from workplan_tui.ui.widgets import fit, pad


class PeopleScreen(ListScreen):
    """Who is behind: open, overdue and blocked tasks per member, and when each last
    changed anything (their newest entry in the activity log, or note on a task);
    enter lists that member's tasks, which the board's task keys then work on."""

    KEYS = [Binding("enter", "tasks", "Their tasks")]
    BINDINGS = KEYS
    TITLE_TEXT = "People · who is behind"
    log_complete = False  # the log read for the last changes was the whole log

    def items(self) -> list[Any]:
        wp = self.session.workplan
        if wp is None:
            return []
        try:
            last, self.log_complete = self.session.store.history().last_by_member(wp.members)
        except StoreError:
            last, self.log_complete = {}, False
        loads = member_loads(wp, self.session.figures(), self.session.now(), last)
        return sorted(loads, key=lambda e: (-len(e.overdue), -len(e.blocked), -e.open, e.member.handle))

    def key_of(self, item: Load) -> Hashable:
        return item.member.handle

    def row(self, item: Load, width: int) -> Parts:
        member, open_, overdue, blocked = item.member, item.open, len(item.overdue), len(item.blocked)
        last = item.last_change
        # no change in the log read (the newest megabyte), nor a note: "never" only if that was all of it
        when = ago(last, self.session.now()) if last else "never" if self.log_complete else "not lately"
        counts: Parts = [
            (f"open {open_:>3}  ", ""),
            (f"overdue {overdue:>2}  ", "card--overdue" if overdue else "card--meta"),
            (f"blocked {blocked:>2}  ", "card--blocked" if blocked else "card--meta"),
            (f"updated {when}", "card--meta"),
        ]
        handle = (f" {fit(member.handle, 10):<10} ", "card--title")
        fixed = sum(cell_len(text) for text, _ in counts[:3]) + 21 + 12  # "updated 10 weeks ago" at most, aligned
        if width - fixed >= 12:  # the name and partner, in the room the counts leave
            # the partner before the name: where room is short the name gives way, never the partner
            name = (pad(f"{member.partner} · {member.name}", width - fixed - 1) + " ", "card--meta")
            return [handle, name, *counts]
        # narrow: the counts come first, closer together (the name is in the details below)
        return [(f" {fit(member.handle, 8):<8} ", "card--title"), *[(" ".join(t.split()) + " ", c) for t, c in counts]]

    def detail(self, item: Load) -> Content:
        member = item.member
        return Content(
            f"{clean(member.name)} ({clean(member.handle)}), {member.role} at {clean(member.partner)}. "
            "enter: their tasks"
        )

    def action_tasks(self) -> None:
        item = self.rows_widget.current
        if item is not None:
            self.app.push_screen(MemberTasks(item.member.handle), lambda _: self.refresh_view())
