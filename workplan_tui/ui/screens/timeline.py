"""The Timeline: weeks across, a row per task and milestone, grouped by partner or by plan.

One line-API list (``TimelineRows``) draws only the rows in view, and each row's state and
cells are worked out when it is drawn (model/timeline.py): at 10,000 tasks the screen opens
faster than the board paints. ``←``/``→`` move a week, ``z``/``Z`` fit more or fewer weeks,
``.`` comes back to this week, ``g`` groups by partner or by plan, ``p`` shows this plan only
or every running plan; the board's task keys work on the selected task (``enter`` opens it).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.style import Style
from textual.app import ComposeResult
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Static

from workplan_tui.model.dates import format_due, short_date
from workplan_tui.model.dates import today as local_day
from workplan_tui.model.records import Task
from workplan_tui.model.text import clean
from workplan_tui.model.timeline import (
    GROUPINGS,
    STATE_WORDS,
    TAG_CELLS,
    Row,
    Timeline,
    header,
    moved_weeks,
    window_start,
)
from workplan_tui.ui.keys import TIMELINE_KEYS
from workplan_tui.ui.screens.task_actions import TaskActions
from workplan_tui.ui.widgets import CARD_PARTS, KeyBar, ScreenTitle, VirtualList, fit, pad, strip

if TYPE_CHECKING:
    from workplan_tui.ui.app import WorkplanApp

SCROLLBAR = 1  # the rows' vertical scrollbar, over their last column
ZOOMS = (7, 4, 2, 1)  # cells a week: a cell a day, down to a cell a week
# The look of each cell kind and state (model/timeline.py): words say the state besides colour.
KIND_PARTS = {
    "grid": "timeline--grid",
    "today": "timeline--today",
    "arrow": "timeline--arrow",
    "edge": "timeline--edge",
}
STATE_PARTS = {
    "overdue": "timeline--late",
    "off_track": "timeline--late",
    "at_risk": "timeline--risk",
    "blocked": "timeline--risk",
    "waiting": "timeline--waiting",
    "done": "timeline--done",
    "met": "timeline--good",
    "on_track": "timeline--good",
}
TIMELINE_PARTS = {
    "timeline--group",
    "timeline--bar",
    "timeline--milestone",
    *KIND_PARTS.values(),
    *STATE_PARTS.values(),
}


class TimelineRows(VirtualList[Row]):
    """The rows of a Timeline, a line each: label, state in words, then the weeks."""

    COMPONENT_CLASSES = VirtualList.COMPONENT_CLASSES | CARD_PARTS | TIMELINE_PARTS
    can_focus = False  # the screen's keys move the cursor and the weeks (a focused view would scroll instead)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.timeline: Timeline | None = None
        self.first = window_start(local_day())  # the screen sets it from the session's day before drawing
        self.per_week = 7
        self.empty_text = " No dated tasks or milestones in these plans."
        self.opening = True  # until first laid out: then the selected row goes mid-view

    def on_resize(self) -> None:
        super().on_resize()
        if self.opening and self.size.height > 1:
            self.opening = False
            self.call_after_refresh(self.scroll_to_cursor, center=True)  # with the rows around it in view

    def labels(self, width: int) -> int:
        """Cells for a row's id and title."""
        return max(14, min(34, width // 4))

    def weeks(self, width: int) -> int:
        """How many weeks fit beside the labels at the current zoom, the last column left to the
        scrollbar (drawn over it: a row's ``▸``, work after the weeks shown, was hidden there)."""
        return max(1, (width - 1 - self.labels(width) - 1 - TAG_CELLS - 1 - SCROLLBAR) // self.per_week)

    def grid_offset(self, width: int) -> int:
        return 1 + self.labels(width) + 1 + TAG_CELLS + 1

    def render_item(self, item: Row, line: int, width: int, base: Style, selected: bool) -> Strip:
        style = self.part
        timeline = self.timeline
        if timeline is None:
            return Strip.blank(width, base)
        if item.kind == "group":
            heading = fit(f"── {item.heading} ", width - 2)
            return strip(
                [(" ", Style()), (heading + "─" * (width - 1 - cell_len(heading)), style("timeline--group"))],
                width,
                base,
            )
        state, _ = timeline.state(item)
        labels = self.labels(width)
        name = f"{item.label} "
        title = pad(item.title, labels - cell_len(name))
        tag_part = STATE_PARTS.get(state, "card--meta")
        parts: list[tuple[str, Style]] = [
            (" ", Style()),
            (name, style("card--id")),
            (title + " ", style("card--title")),
            (f"{STATE_WORDS.get(state, state):<{TAG_CELLS}} ", style(tag_part)),
        ]
        for text, kind in timeline.cells(item, self.first, self.weeks(width), self.per_week):
            word, _, state_of = kind.partition(" ")
            if word in ("bar", "milestone"):
                component = STATE_PARTS.get(state_of, f"timeline--{word}")
            elif state_of:
                component = STATE_PARTS.get(state_of, KIND_PARTS.get(word, ""))
            else:
                component = KIND_PARTS.get(word, "")
            parts.append((text, style(component) if component else Style()))
        return strip(parts, width, base)


class TimelineScreen(TaskActions):
    """The partnership's work over time (the board's ``T``)."""

    BINDINGS = TIMELINE_KEYS
    CSS_PATH = "timeline.tcss"
    REOPEN = "U on the board"
    NO_TASK = "This row is not a task: the task keys act on a task's row (↑ ↓ move)."

    app: WorkplanApp

    def __init__(self, plan_id: int | None = None, task_id: int | None = None, *, mine: bool = False) -> None:
        super().__init__()
        self.plan_id = plan_id  # the board's plan: 'p' narrows to it
        self.only_plan = False
        self.mine = mine  # only my tasks ('m', as on the board)
        self.by = "partner"
        self.zoom = 0
        self.follow = task_id
        self.first: date | None = None

    def compose(self) -> ComposeResult:
        yield ScreenTitle(id="timeline-title")
        yield Static(id="timeline-weeks")
        yield TimelineRows(id="timeline-rows")
        yield Static(id="timeline-detail")
        yield KeyBar()

    @property
    def rows(self) -> TimelineRows:
        return self.query_one("#timeline-rows", TimelineRows)

    def on_mount(self) -> None:
        self.rows.set_active(True)
        self.refresh_view(follow=self.follow)

    # --- data -> view ------------------------------------------------------------------------

    def refresh_view(self, follow: int | None = None) -> None:
        """Rows from the session's snapshot, keeping the selected row (or ``follow``, a task id)."""
        session = self.session
        wp = session.workplan
        if wp is None:
            return
        today = session.context.today
        if self.first is None:
            self.first = window_start(today)
        rows = self.rows
        current = rows.current
        keep = ("T", follow) if follow is not None else ((current.kind, current.label) if current else None)
        plan = self.plan_id if self.only_plan else None
        owner = session.context.me if self.mine else None
        built = rows.timeline.first if rows.timeline is not None else window_start(today)
        timeline = Timeline(  # from the earliest week shown yet: done work there is kept as weeks move on
            wp,
            today,
            by=self.by,
            plan_id=plan,
            schedule=session.context.schedule,
            first=min(self.first, built),
            owner=owner,
        )
        rows.timeline = timeline
        rows.first, rows.per_week = self.first, ZOOMS[self.zoom]
        cursor = None
        if keep is not None:
            wanted = keep[1] if keep[0] == "T" and isinstance(keep[1], int) else None
            for index, row in enumerate(timeline.rows):
                if (wanted is not None and row.task is not None and row.task.id == wanted) or (
                    wanted is None and (row.kind, row.label) == keep
                ):
                    cursor = index
                    break
        if cursor is None and current is None:
            cursor = next((i for i, r in enumerate(timeline.rows) if r.kind != "group"), 0)
        rows.set_items(timeline.rows, cursor)
        if rows.size.height and not rows.opening:  # before its first layout: it scrolls once laid out
            rows.scroll_to_cursor()
        self._show_title()
        self._show_weeks()
        self._show_detail()

    def live_refresh(self) -> None:
        self.refresh_view()

    def _show_title(self) -> None:
        wp = self.session.workplan
        plan = wp.plans.get(self.plan_id) if wp and self.plan_id is not None else None
        scope = f"{plan.label} {clean(plan.title)}" if self.only_plan and plan else "every running plan"
        scope += " · only my tasks (m: all)" if self.mine else ""
        assert self.first is not None
        today = self.session.context.today
        self.query_one(ScreenTitle).show(
            f"Timeline · {scope} · by {self.by} · from {short_date(self.first, today=today)}"
        )

    def _show_weeks(self) -> None:
        rows = self.rows
        width = rows.size.width or self.size.width
        weeks = rows.weeks(width)
        months, days = header(rows.first, weeks, rows.per_week)
        lead = " " * rows.grid_offset(width)
        self.query_one("#timeline-weeks", Static).update(Content(f"{lead}{months}\n{lead}{days}"))

    def _show_detail(self) -> None:
        self.query_one("#timeline-detail", Static).update(self._detail(self.rows.current))

    def _detail(self, row: Row | None) -> Content:
        timeline = self.rows.timeline
        if row is None or timeline is None or row.kind == "group":
            heading = clean(row.heading) if row is not None else ""
            return Content(f" {heading}\n ←→ weeks · z/Z zoom · g group by plan or partner · p this plan or all")
        today = self.session.context.today
        state, why = timeline.state(row)
        words = STATE_WORDS.get(state, state)
        if row.task is not None:
            task = row.task
            ctx = self.session.context
            due = (
                format_due(task.due, today=today, done=task.status == "done", dated=True) if task.due else "no due date"
            )
            first = f" {task.label} {clean(task.title)} · {clean(ctx.owner(task.owner))} · P{task.plan} · {due}"
        else:
            assert row.milestone is not None
            m = row.milestone
            first = f" ◆ {m.label} {clean(m.name)} · P{m.plan} · {format_due(m.due, today=today, dated=True)}"
        if words and why and why != words:
            second = f" {words}: {clean(why)}"
        elif words:
            second = f" {words}"
        else:
            plan = self.session.workplan.plans.get(row.task.plan if row.task else 0) if self.session.workplan else None
            second = f" {plan.label} {clean(plan.title)}" if plan else " "
        return Content(f"{first}\n{second}")

    # --- the selected task (the board's task keys) ----------------------------------------------

    def selected_task(self) -> Task | None:
        row = self.rows.current
        return row.task if row is not None else None

    def after_change(self, task_id: int | None) -> None:
        self.refresh_view(follow=task_id)

    # --- moving ------------------------------------------------------------------------------------

    def on_virtual_list_selected(self, event: VirtualList.Selected) -> None:
        self._show_detail()

    def action_cursor(self, delta: int) -> None:
        """Move the selection; a group's heading is passed over (there is nothing to act on)."""
        rows = self.rows
        rows.move(delta)
        step = 1 if delta > 0 else -1
        while rows.current is not None and rows.current.kind == "group":
            before = rows.cursor
            rows.move(step)
            if rows.cursor == before:  # at an end: turn round
                step = -step
                rows.move(step)
                if rows.cursor == before:
                    break
        self._show_detail()

    def action_weeks(self, delta: int) -> None:
        assert self.first is not None
        self.first = moved_weeks(self.first, delta)
        self.rows.first = self.first
        timeline = self.rows.timeline
        if timeline is not None and self.first < timeline.first:  # back before the rows' weeks: their done work
            self.refresh_view()
            return
        self.rows.refresh()
        self._show_title()
        self._show_weeks()

    def action_this_week(self) -> None:
        self.first = window_start(self.session.context.today)
        self.action_weeks(0)

    def action_zoom(self, delta: int) -> None:
        self.zoom = max(0, min(len(ZOOMS) - 1, self.zoom + delta))
        self.rows.per_week = ZOOMS[self.zoom]
        self.rows.refresh()
        self._show_weeks()

    def action_group(self) -> None:
        self.by = GROUPINGS[(GROUPINGS.index(self.by) + 1) % len(GROUPINGS)]
        self.refresh_view()

    def action_mine(self) -> None:
        """``m``: only my tasks (and the milestones that list them), or everyone's again."""
        if not self.session.context.me:
            self.app.notify("You are not a member here: there are no tasks of yours.", markup=False)
            return
        self.mine = not self.mine
        self.refresh_view()

    def action_scope(self) -> None:
        if self.plan_id is None:
            self.app.notify("There is no plan to narrow to: every running plan is shown.", markup=False)
            return
        self.only_plan = not self.only_plan
        self.refresh_view()

    def on_resize(self) -> None:
        self._show_weeks()

    def action_reload(self) -> None:
        self.session.reload()
        self.refresh_view()

    def action_help(self) -> None:
        from workplan_tui.ui.modals import HelpScreen

        self.app.push_screen(HelpScreen("Timeline", TIMELINE_KEYS))

    def action_back(self) -> None:
        self.dismiss(None)
