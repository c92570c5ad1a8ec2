"""Review: one task needing attention at a time, full width, with the quick keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from workplan_tui.model import rules
from workplan_tui.model.changes import field_words
from workplan_tui.model.dates import format_due
from workplan_tui.model.overview import ReviewItem, review_queue
from workplan_tui.model.records import Task
from workplan_tui.model.text import clean, stamp
from workplan_tui.ui.keys import REVIEW_KEYS
from workplan_tui.ui.screens.task_actions import TaskActions
from workplan_tui.ui.widgets import KeyBar, bar_text, due_marker, fit, hanging

if TYPE_CHECKING:
    from workplan_tui.ui.app import WorkplanApp

FIELDS = ("status", "progress", "owner", "due", "blocked_reason", "title")


class ReviewScreen(TaskActions):
    """Overdue, blocked, due within 7 days, stale; my tasks first. Space or enter moves on."""

    BINDINGS = REVIEW_KEYS
    CSS_PATH = "review.tcss"

    app: WorkplanApp

    def __init__(self) -> None:
        super().__init__()
        self.queue: list[ReviewItem] = []
        self.position = 0
        self.before: dict[int, Task] = {}
        self.seen: set[int] = set()  # the positions of the queue shown so far
        self.finished = False

    def compose(self) -> ComposeResult:
        yield Static(id="review-header")
        with VerticalScroll(id="review-body"):
            yield Static(id="review-task")
        yield KeyBar()

    def on_mount(self) -> None:
        wp = self.session.workplan
        if wp is not None:
            self.queue = review_queue(wp, self.session.store.user, self.session.now(), self.session.today())
        self.show()

    def current(self) -> Task | None:
        """The task under review as it is now; None when done, or when someone removed it."""
        if self.finished or not self.queue:
            return None
        wp = self.session.workplan
        task = self.queue[self.position].task
        return wp.tasks.get(task.id) if wp else task

    def selected_task(self) -> Task | None:
        task = self.current()
        if task is not None and task.id not in self.before:
            self.before[task.id] = task
        return task

    def after_change(self, task_id: int | None) -> None:
        self.show()

    def live_refresh(self) -> None:
        self.show()

    def action_next(self) -> None:
        if self.finished:
            self.dismiss(None)
            return
        if self.position + 1 < len(self.queue):
            self.position += 1
        else:
            self.finished = True
        self.show()

    def action_leave(self) -> None:
        if self.finished or not self.before:
            self.dismiss(None)
        else:
            self.finished = True
            self.show()

    def action_help(self) -> None:
        from workplan_tui.ui.modals import HelpScreen

        self.app.push_screen(HelpScreen("Review", REVIEW_KEYS))

    def show(self) -> None:
        header = self.query_one("#review-header", Static)
        body = self.query_one("#review-task", Static)
        if self.finished or not self.queue:
            header.update(Content(" Review: done"))
            body.update(self.summary())
            return
        item = self.queue[self.position]
        task = self.current()
        self.seen.add(self.position)
        header.update(Content(f" Review {self.position + 1} of {len(self.queue)} · {', '.join(item.reasons)}"))
        if task is None:  # removed by someone else since the review started
            gone = item.task
            body.update(Content(f"{gone.label} {clean(gone.title)}: removed since the review started.\n\nspace: next"))
            return
        body.update(self.card(task))

    def card(self, task: Task) -> Content:
        wp = self.session.workplan
        assert wp is not None
        today = self.session.today()
        plan = wp.plans.get(task.plan)
        member = wp.members.get(task.owner or "")
        owner = (
            f"{task.owner} ({member.name}, {member.partner})" if member and task.owner else (task.owner or "unassigned")
        )
        width = max(20, self.size.width - 24)
        done, todo = bar_text(task.progress, min(40, width))
        due = format_due(task.due, today=today, done=task.status == "done") if task.due else "no due date"
        overdue = due_marker(task, today) == "!"
        lines = [
            Content.from_markup("[b]$label  $title[/b]", label=task.label, title=clean(task.title)),
            Content(f"plan      {plan.label} {clean(plan.title)}" if plan else ""),
            Content(f"owner     {clean(owner)}"),
            Content.assemble("status    ", (task.status, "$text-error bold" if task.status == "blocked" else "bold")),
            Content.assemble("progress  ", (done, "$success"), (todo, "$foreground 30%"), f" {task.progress}%"),
            Content.assemble("due       ", (("! " if overdue else "") + due, "$text-error bold" if overdue else "")),
        ]
        if task.status == "blocked":
            lines.append(Content(f"blocked   {clean(task.blocked_reason)}"))
        if task.outcome is not None and task.outcome in wp.outcomes:
            o = wp.outcomes[task.outcome]
            pct = rules.outcome_progress(o.baseline, o.target, o.current)
            lines.append(Content(f"outcome   {o.label} {clean(o.name)} ({pct:.0f}%)"))
        if task.notes:
            lines.append(Content(""))
            lines.append(Content(clean(task.notes, multiline=True)))
        for update in task.updates[-3:]:
            lines.append(Content(f"· {stamp(update.at, date_only=True)} {clean(update.by)}: {clean(update.text)}"))
        return Content("\n").join(lines)

    def summary(self) -> Content:
        wp = self.session.workplan
        if not self.queue:
            return Content("Nothing needs attention. All clear.\n\nescape: back to the board")
        total, seen = len(self.queue), len(self.seen)
        things = "task needing" if total == 1 else "tasks needing"
        reviewed = f"all {total} {things}" if seen >= total else f"{seen} of the {total} {things}"
        lines = [Content(f"Reviewed {reviewed} attention.")]
        cells = max(20, self.query_one("#review-task").size.width or self.size.width - 4)
        changed = 0
        for task_id, before in self.before.items():
            after = wp.tasks.get(task_id) if wp else None
            if after is None:
                continue
            diffs = [
                f"{field_words(name)} {_show(getattr(before, name))} → {_show(getattr(after, name))}"
                for name in FIELDS
                if getattr(before, name) != getattr(after, name)
            ]
            if diffs:
                changed += 1
                line = f"  {after.label} {fit(after.title, 40)}: {clean('; '.join(diffs))}"
                lines += [Content(part) for part in hanging(line, cells, 4)]
        lines.insert(1, Content(f"You changed {changed} of them." if changed else "You changed nothing."))
        lines.append(Content("\nspace / escape: back to the board"))
        return Content("\n").join(lines)


def _show(value: object) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, int):
        return f"{value}%" if not isinstance(value, bool) else str(value)
    return str(value)
