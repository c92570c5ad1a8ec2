"""The quick task keys, shared by the board and the review screen.

Every change goes through ``workplan_tui.store.actions``: the same code path,
rules and activity log as the command line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from workplan_tui.model import rules
from workplan_tui.model.records import Activity, Task
from workplan_tui.store import actions
from workplan_tui.store.storage import StoreError
from workplan_tui.ui.screens.base import SessionScreen

if TYPE_CHECKING:
    from workplan_tui.ui.app import WorkplanApp
    from workplan_tui.ui.modals import TaskEdit

# `s` cycles through the statuses that need no reason; blocked has its own key.
CYCLE = {"todo": "doing", "doing": "done", "done": "todo", "blocked": "doing"}


class TaskActions(SessionScreen):
    """Mixin for screens with a selected task. Subclasses say which task and how to redraw."""

    app: WorkplanApp
    REOPEN = "U on the board"  # how this screen's user reopens an archived plan (the board: "press U")
    NO_TASK = "No task selected."  # what a task key says with none selected, in this screen's words

    def selected_task(self) -> Task | None:
        raise NotImplementedError

    def after_change(self, task_id: int | None) -> None:
        raise NotImplementedError

    def no_task(self) -> str:
        """What a task key says when no task is selected (``NO_TASK``, in the screen's words)."""
        return self.NO_TASK

    def frozen(self, task: Task) -> bool:
        """True, with a notice naming the key that reopens it, when the task's plan is archived
        (``rules.frozen``, which the store applies too): asked before a dialog opens."""
        workplan = self.session.workplan
        plan = workplan.plans.get(task.plan) if workplan else None
        problem = rules.frozen(plan, self.REOPEN) if plan else None
        if problem:
            self.app.notify(problem, severity="warning", markup=False)
        return problem is not None

    def task_or_say(self) -> Task | None:
        """The selected task; with none (an empty column, a review's outcome), None and the notice
        ``no_task`` gives, so that no task key is ever silently ignored."""
        task = self.selected_task()
        if task is None:
            self.app.notify(self.no_task(), severity="warning", markup=False)
        return task

    def _with_task(self, apply: Callable[[Task], Any]) -> None:
        task = self.task_or_say()
        if task is None:
            return
        if self.frozen(task):
            return
        if self.session.change(lambda: apply(task)):
            self.after_change(task.id)

    def action_bump(self, delta: int) -> None:
        self._with_task(lambda t: actions.set_progress(self.session.store, t.id, f"{delta:+d}"))

    def action_set_progress(self, value: int) -> None:
        self._with_task(lambda t: actions.set_progress(self.session.store, t.id, str(value)))

    def action_cycle_status(self) -> None:
        self._with_task(lambda t: actions.set_status(self.session.store, t.id, CYCLE[t.status]))

    def action_done(self) -> None:
        self._with_task(lambda t: actions.set_status(self.session.store, t.id, "done"))

    def action_skip(self) -> None:
        """Skip this time of a recurring task: it moves to its series' next day."""
        task = self.selected_task()
        if task is not None and task.series is None:
            self.app.notify(f"{task.label} is not a recurring task: x skips a time of one.", markup=False)
            return
        self._with_task(lambda t: actions.skip_instance(self.session.store, t.id))

    def action_block(self) -> None:
        from workplan_tui.ui.modals import AskText

        task = self.task_or_say()
        if task is None or not self.session.can_change() or self.frozen(task):
            return

        def save(reason: str) -> str | None:
            return self.session.attempt(lambda: actions.set_status(self.session.store, task.id, "blocked", reason))

        def done(reason: str | None) -> None:
            if reason:
                self.after_change(task.id)

        self.app.push_screen(AskText(f"Why is {task.label} blocked?", task.blocked_reason, "reason", save), done)

    def action_assign(self) -> None:
        from workplan_tui.ui.modals import PickMember

        task = self.task_or_say()
        if task is None or not self.session.can_change() or self.frozen(task):
            return
        workplan = self.session.workplan
        assert workplan is not None

        def save(choice: str) -> str | None:
            owner = None if choice == "" else choice
            return self.session.attempt(lambda: actions.assign(self.session.store, task.id, owner))

        def done(choice: str | None) -> None:
            if choice is not None:
                self.after_change(task.id)

        members = list(workplan.members.values())
        self.app.push_screen(PickMember(f"Assign {task.label} to", members, task.owner, save=save), done)

    def action_follow_up(self) -> None:
        """Record a follow-up on the task (``workplan followup add T12``): who contacted whom, what
        was agreed and a new date, which replaces its due date (the old one stays in the follow-up)."""
        from workplan_tui.model import dates
        from workplan_tui.ui.forms import FormDialog, followup_fields, typed_day

        task = self.task_or_say()
        if task is None or not self.session.can_change() or self.frozen(task):
            return
        if task.status == "done":
            self.app.notify(f"{task.label} is done: nothing to follow up.", markup=False)
            return
        today = self.session.today()

        def save(v: dict[str, Any]) -> str | None:
            def apply() -> Task:
                on = dates.parse_past_date(v["on"] or "today", today=today).isoformat()
                return actions.follow_up_task(
                    self.session.store,
                    task.id,
                    whom=v["whom"],
                    on=on,
                    agreed=v["agreed"],
                    new_date=typed_day(v["new_date"], today),
                    who=v["who"],
                )

            return self.session.attempt(apply)

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.after_change(task.id)

        fields = followup_fields(None, None, task.owner or "", self.session.store.user)
        self.app.push_screen(FormDialog(f"Follow up {task.label}: {task.title}", fields, save=save), done)

    def action_undo(self) -> None:
        task = self.selected_task()
        if self.session.undo():
            self.after_change(task.id if task else None)

    def action_open(self) -> None:
        task = self.task_or_say()
        if task is not None:
            self.open_editor(task, task.plan)

    def action_edit(self) -> None:
        self.action_open()

    def open_editor(self, task: Task | None, plan_id: int) -> None:
        """The task form; it writes through the store when saved, and stays open with what was
        typed, showing why, when the store refuses the change."""
        from workplan_tui.ui.modals import EditTask

        workplan = self.session.workplan
        assert workplan is not None

        def save(result: TaskEdit, close: Callable[[], None], report: Callable[[str], None]) -> None:
            if task is not None:
                if not result.fields and result.every is None:
                    close()
                    return

                def saved() -> None:
                    if result.every is not None:  # the repeat is its series' (store/actions/series.py)
                        every = result.every or None
                        if not self.session.change(
                            lambda: actions.make_recurring(self.session.store, task.id, every), report=report
                        ):
                            return
                    close()
                    self.after_change(task.id)

                if result.fields:
                    self.session.save_task(task, result.fields, saved, report)
                else:
                    saved()
                return
            created: list[Task] = []

            def create() -> Task:
                record = actions.add_task(
                    self.session.store,
                    plan_id,
                    result.fields["title"],
                    owner=result.fields.get("owner"),
                    due=result.fields.get("due"),
                    outcome=result.fields.get("outcome"),
                    notes=result.fields.get("notes", ""),
                    waits_on=result.fields.get("waits_on", []),
                    every=result.every or None,
                    start=result.fields.get("start"),
                )
                created.append(record)
                extra = {k: v for k, v in result.fields.items() if k in ("status", "progress", "blocked_reason")}
                if extra.get("status", "todo") != "todo" or extra.get("progress", 0):
                    record = actions.edit_task(self.session.store, record.id, extra)
                return record

            problems: list[str] = []
            landed = self.session.change(create, report=problems.append)
            if created:  # the task exists (its status or progress may not have been set): never add it twice
                if not landed:
                    self.session.reload()
                    self.app.notify(
                        f"{created[0].label} was added, but: {problems[-1]}", severity="error", markup=False
                    )
                close()
                self.after_change(created[0].id)
            elif problems:
                report(problems[-1])

        history: tuple[list[Activity], bool] = ([], True)
        if task is not None:
            try:
                history = self.session.store.history().recent_of_record(task.label)
            except StoreError:
                pass
        self.app.push_screen(EditTask(workplan, task, plan_id, self.session.today, history, save))
