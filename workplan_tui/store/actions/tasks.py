"""Tasks: add, change (progress, status, owner, due, notes), edit several fields, remove, import."""

from __future__ import annotations

from typing import Any

from workplan_tui.model import rules, schema, typed
from workplan_tui.model.records import LONG_TEXT, Task
from workplan_tui.model.rules import RuleError
from workplan_tui.store.actions.common import _check_owner, _open_plan, _plan_model, removed, saved
from workplan_tui.store.store import Store, Tx


def add_task(
    store: Store,
    plan_id: int,
    title: str,
    *,
    owner: str | None = None,
    due: str | None = None,
    outcome: int | None = None,
    notes: str = "",
    start: str | None = None,
    meeting: int | None = None,
) -> Task:
    """A new task of a plan, to do; ``start`` (ISO day, optional) is when work on it may start;
    ``meeting``: the meeting whose action item it is (``M3``'s id)."""
    fields: dict[str, Any] = {
        "plan": plan_id,
        "title": typed.text(title, "task title"),
        "notes": typed.text(notes, "notes", LONG_TEXT, required=False),
        "owner": owner,
        "status": "todo",
        "progress": 0,
        "due": due,
        "outcome": outcome,
        "blocked_reason": "",
        "updates": [],
    }
    if start is not None:
        fields["start"] = typed.day(start, "start date")
    if meeting is not None:
        fields["meeting"] = meeting
    problem = rules.schedule_problem("the task", start, due, "be due")
    if problem:
        raise RuleError(problem)
    with store.transaction() as tx:
        tx.require_member()
        rules.check_can_add(_plan_model(tx, plan_id), "tasks")
        if owner is not None:
            fields["owner"] = _check_owner(tx, owner)
        if meeting is not None:
            tx.get("meetings", meeting)
        if outcome is not None:
            linked = tx.get("outcomes", outcome)
            if linked["plan"] != plan_id:
                raise RuleError(f"outcome O{outcome} belongs to plan P{linked['plan']}, not P{plan_id}")
        doc_id = tx.insert("tasks", fields)
        return saved(tx, "tasks", doc_id)


def _task_change(
    store: Store,
    task_id: int,
    kind: str,
    make: Any,
    expected_rev: int | None = None,
    logged: dict[str, list[Any]] | None = None,
) -> Task:
    """Apply ``make(task) -> changes`` to the freshest copy of a task."""
    with store.transaction() as tx:
        tx.require_member()
        task = schema.record_of("tasks", str(task_id), tx.get("tasks", task_id))
        _open_plan(tx, task.plan)
        changes = make(tx, task)
        tx.update("tasks", task_id, changes, kind=kind, expected_rev=expected_rev, logged=logged)
        return saved(tx, "tasks", task_id)


def set_progress(store: Store, task_id: int, spec: str) -> Task:
    """``spec`` is ``60`` (set), ``+10`` or ``-5`` (move, clamped to 0-100)."""
    return _task_change(
        store,
        task_id,
        "task.progress",
        lambda tx, task: rules.progress_changes(task, rules.parse_progress(spec, task.progress)),
    )


def set_status(store: Store, task_id: int, status: str, reason: str | None = None) -> Task:
    if reason is not None:
        reason = typed.text(reason, "reason", LONG_TEXT, required=False)
    return _task_change(store, task_id, "task.status", lambda tx, task: rules.status_changes(task, status, reason))


def assign(store: Store, task_id: int, handle: str | None) -> Task:
    def make(tx: Tx, task: Any) -> dict[str, Any]:
        return {"owner": _check_owner(tx, handle) if handle is not None else None}

    return _task_change(store, task_id, "task.assign", make)


def set_due(store: Store, task_id: int, due: str | None) -> Task:
    """Set or clear (None) a task's due day, never before its start (``rules.schedule_problem``)."""

    def make(tx: Tx, task: Any) -> dict[str, Any]:
        problem = rules.schedule_problem(task.label, task.start, due, "be due")
        if problem:
            raise RuleError(problem)
        return {"due": due}

    return _task_change(store, task_id, "task.due", make)


def add_note(store: Store, task_id: int, text: str) -> Task:
    text = typed.text(text, "note", LONG_TEXT)

    def make(tx: Tx, task: Any) -> dict[str, Any]:
        raw = tx.get("tasks", task_id)
        return {"updates": [*raw.get("updates", []), {"by": tx.user, "at": tx.now, "text": text}]}

    return _task_change(store, task_id, "task.note", make, logged={"note": [None, text]})


EDITABLE = ("title", "notes", "owner", "start", "due", "outcome", "meeting", "status", "progress", "blocked_reason")


def edit_task(store: Store, task_id: int, fields: dict[str, Any], *, expected_rev: int | None = None) -> Task:
    """Change several fields of a task at once (the edit form).

    Progress and status follow the task rules (100 % is done, done is 100 %,
    blocked needs a reason); progress may be a number or a move such as ``"+10"``.
    With ``expected_rev``, refuses with ConflictError when someone changed the task
    since the form read it.
    """
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise RuleError(f"cannot edit {', '.join(sorted(unknown))}")
    clean_fields = dict(fields)
    if "title" in clean_fields:
        clean_fields["title"] = typed.text(clean_fields["title"], "task title")
    if "notes" in clean_fields:
        clean_fields["notes"] = typed.text(clean_fields["notes"], "notes", LONG_TEXT, required=False)
    for name in ("start", "due"):
        if clean_fields.get(name) is not None:
            clean_fields[name] = typed.day(clean_fields[name], f"{name} date")

    def make(tx: Tx, task: Any) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for name in ("title", "notes", "start", "due"):
            if name in clean_fields:
                changes[name] = clean_fields[name]
        problem = rules.schedule_problem(
            task.label, changes.get("start", task.start), changes.get("due", task.due), "be due"
        )
        if problem:
            raise RuleError(problem)
        if "owner" in clean_fields:
            owner = clean_fields["owner"]
            changes["owner"] = _check_owner(tx, owner) if owner is not None else None
        if "outcome" in clean_fields:
            outcome = clean_fields["outcome"]
            if outcome is not None and tx.get("outcomes", outcome)["plan"] != task.plan:
                raise RuleError(f"outcome O{outcome} belongs to another plan")
            changes["outcome"] = outcome
        if "meeting" in clean_fields:
            if clean_fields["meeting"] is not None:
                tx.get("meetings", clean_fields["meeting"])
            changes["meeting"] = clean_fields["meeting"]
        current = task
        progress = clean_fields.get("progress")
        if isinstance(progress, str):  # '60', '+10' or '-5', as on the command line
            progress = rules.parse_progress(progress, task.progress)
        status = clean_fields.get("status")
        if status is not None and progress is not None:
            problem = rules.status_progress_problem(status, int(progress))
            if problem:
                raise RuleError(f"{task.label}: {problem}")
        reason_given = bool((clean_fields.get("blocked_reason") or "").strip())
        if reason_given and (status or task.status) != "blocked":
            raise RuleError(f"{task.label} is not blocked; a reason goes with status blocked")
        if progress is not None and progress != task.progress:
            moved = rules.progress_changes(task, int(progress))
            changes.update(moved)
            current = task.replace(**moved)
        if status is not None and status != current.status:
            reason = clean_fields.get("blocked_reason")
            changes.update(rules.status_changes(current, status, reason))
        elif "blocked_reason" in clean_fields and current.status == "blocked":
            reason = typed.text(clean_fields["blocked_reason"] or "", "reason", LONG_TEXT)
            changes["blocked_reason"] = reason
        return changes

    return _task_change(store, task_id, "task.edit", make, expected_rev=expected_rev)


def remove_task(store: Store, task_id: int, *, expected_rev: int | None = None) -> Task:
    """Remove a task. The whole task goes into the log, so ``undo`` puts it back as it was."""
    with store.transaction() as tx:
        tx.require_member()
        raw = tx.get("tasks", task_id)
        _open_plan(tx, raw["plan"])
        gone = tx.remove("tasks", task_id, kind="task.rm", expected_rev=expected_rev)
        return removed("tasks", task_id, gone)


def import_tasks(store: Store, plan_id: int, rows: list[Any], *, today: Any) -> Any:
    """Bring spreadsheet rows (``model.importing.Row``) into a plan in one change: every row is
    checked against the freshest data and nothing is written unless all are good
    (``importing.ImportProblems`` lists each bad row). New tasks are logged as added, changed
    ones as ``task.import`` (each undoable on its own). Returns ``importing.Planned`` with the
    new tasks' ids."""
    from workplan_tui.model import importing

    with store.transaction() as tx:
        tx.require_member()
        planned = importing.plan_import(tx.workplan(), plan_id, rows, today=today)
        if planned.problems:
            raise importing.ImportProblems(planned.problems)
        for added in planned.added:
            added.id = tx.insert("tasks", dict(added.fields))
        for updated in planned.updated:
            tx.update("tasks", updated.id, updated.changes, kind="task.import")
        return planned
