"""Tasks: add, change (progress, status, owner, due, notes), edit several fields, remove, import."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from workplan_tui.model import rules, schema, typed
from workplan_tui.model.records import LONG_TEXT, Task, label
from workplan_tui.model.rules import RuleError
from workplan_tui.store.actions.common import _check_owner, _labels, _open_plan, _plan_model, removed, saved
from workplan_tui.store.actions.series import make_next, new_series, one_open, repeat_of
from workplan_tui.store.store import NotFoundError, Store, Tx


def add_task(
    store: Store,
    plan_id: int,
    title: str,
    *,
    owner: str | None = None,
    due: str | None = None,
    outcome: int | None = None,
    notes: str = "",
    waits_on: Sequence[int] = (),
    every: str | None = None,
    start: str | None = None,
    meeting: int | None = None,
) -> Task:
    """Add a task to a plan, to do. ``waits_on``: tasks (of any plan) it cannot start before;
    ``every``: a repeat as typed (``week``, ``monday``, ``1st of month``): the task is the first
    instance of a new series (logged ``series.add`` just before it) and, without a due day, gets
    the repeat's first day; ``start`` (ISO day, optional): when work on it may start;
    ``meeting``: the meeting whose action item it is (``M3``'s id)."""
    repeat = repeat_of(every) if every is not None else None
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
        wanted = _distinct(waits_on)
        for other in wanted:
            tx.get("tasks", other)  # NotFoundError for a task that does not exist
        if wanted:
            fields["waits_on"] = wanted
        if repeat is not None:
            fields["series"], fields["due"] = new_series(tx, plan_id, repeat, due)
        doc_id = tx.insert("tasks", fields)
        return saved(tx, "tasks", doc_id)


def _distinct(ids: Sequence[int]) -> list[int]:
    return list(dict.fromkeys(ids))


class _Waits(Mapping[int, Sequence[int]]):
    """What each task waits on, read from the transaction's tasks one at a time as a search reaches
    them (a sealed file parses only those), for ``schedule.cycle_if_added``."""

    def __init__(self, tx: Tx, task_id: int, wanted: list[int]) -> None:
        self.tasks = tx.data.get("tasks", {})
        self.task_id, self.wanted = task_id, wanted

    def __getitem__(self, key: int) -> Sequence[int]:
        if key == self.task_id:
            return self.wanted
        raw = self.tasks.get(str(key))
        if raw is None:
            raise KeyError(key)
        waits = raw.get("waits_on", [])
        return waits if isinstance(waits, list) else []

    def __iter__(self) -> Iterator[int]:
        return (int(k) for k in self.tasks)

    def __len__(self) -> int:
        return len(self.tasks)


def check_waits(tx: Tx, task_id: int, wanted: list[int]) -> None:
    """RuleError (NotFoundError) when task ``task_id`` cannot wait on ``wanted``: a task that does
    not exist, itself, or a circle, named ("T12 → T9 → T12 would go round in a circle")."""
    for other in wanted:
        if other == task_id:
            raise RuleError(f"{label('tasks', task_id)} cannot wait on itself")
        if str(other) not in tx.data.get("tasks", {}):
            raise NotFoundError(f"no task {label('tasks', other)}; see 'workplan task list'")
    from workplan_tui.model.schedule import cycle_if_added, cycle_words  # only where a dependency changes

    cycle = cycle_if_added(_Waits(tx, task_id, wanted), task_id, wanted)
    if cycle is not None:
        raise RuleError(
            f"{cycle_words(cycle)} would go round in a circle (each waits on the next), so "
            f"{label('tasks', task_id)} cannot wait on {label('tasks', cycle[1])}; nothing changed"
        )


def set_waits(
    store: Store,
    task_id: int,
    *,
    add: Sequence[int] = (),
    remove: Sequence[int] = (),
    expected_rev: int | None = None,
) -> Task:
    """Make task ``task_id`` wait on the tasks ``add`` (any plan of the partnership) and no longer on
    those in ``remove``. Refused, naming it, when it would close a circle; logged ``task.depends``."""

    def make(tx: Tx, task: Task) -> dict[str, Any]:
        missing = [t for t in remove if t not in task.waits_on]
        if missing:
            raise RuleError(f"{task.label} does not wait on {_labels(missing)}")
        wanted = [t for t in task.waits_on if t not in remove]
        added = [t for t in _distinct(add) if t not in wanted]
        check_waits(tx, task_id, added)
        wanted += added
        if wanted == task.waits_on:
            already = _labels(list(add))
            raise RuleError(f"{task.label} already waits on {already}; nothing changed")
        return {"waits_on": wanted}

    return _task_change(store, task_id, "task.depends", make, expected_rev=expected_rev)


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
        if changes.get("status") == "done" and task.status != "done" and task.series is not None:
            make_next(tx, task_id)  # a recurring task comes back (store/actions/series.py)
        elif changes.get("status", "done") != "done" and task.status == "done" and task.series is not None:
            one_open(tx, task_id)  # reopened: its series' next instance may be open already
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


EDITABLE = (
    "title", "notes", "owner", "start", "due", "outcome", "meeting", "status", "progress", "blocked_reason", "waits_on"
)  # fmt: skip


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
        if "waits_on" in clean_fields:
            wanted = _distinct(list(clean_fields["waits_on"] or []))
            check_waits(tx, task_id, [t for t in wanted if t not in task.waits_on])
            if wanted != task.waits_on:
                changes["waits_on"] = wanted
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
    """Remove a task. The whole task goes into the log, so ``undo`` puts it back as it was.
    Refused, naming them, while other tasks wait on it or a milestone lists it."""
    with store.transaction() as tx:
        tx.require_member()
        raw = tx.get("tasks", task_id)
        _open_plan(tx, raw["plan"])
        problem = in_use(tx, task_id)
        if problem:
            raise RuleError(f"{problem}; nothing removed")
        gone = tx.remove("tasks", task_id, kind="task.rm", expected_rev=expected_rev)
        return removed("tasks", task_id, gone)


def in_use(tx: Tx, task_id: int) -> str | None:
    """Why task ``task_id`` cannot go (tasks wait on it, milestones list it), with the commands
    that change that, or None. Reads the whole tasks table: removals are rare."""
    name = label("tasks", task_id)
    waiting = sorted(int(k) for k, t in tx.data.get("tasks", {}).items() if task_id in (t.get("waits_on") or ()))
    if waiting:
        first = label("tasks", waiting[0])
        verb = "waits" if len(waiting) == 1 else "wait"
        return (
            f"{_labels(waiting)} {verb} on {name}: take {name} out of what they wait on first "
            f"('workplan task depends {first} {name} --remove')"
        )
    listed = sorted(int(k) for k, m in tx.data.get("milestones", {}).items() if task_id in (m.get("tasks") or ()))
    if listed:
        first = label("milestones", listed[0])
        names = ", ".join(label("milestones", m) for m in listed)
        return f"milestone {names} lists {name}: take it out first ('workplan milestone edit {first} --drop {name}')"
    return None


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
        new_ids = {added.row: added.id for added in planned.added}
        for added in planned.added:  # waiting on a task this import adds: known once it is added
            if added.waits_rows and added.id is not None:
                wanted = [*added.fields.get("waits_on", []), *(new_ids[r] for r in added.waits_rows)]
                added.fields["waits_on"] = wanted
                tx.update("tasks", added.id, {"waits_on": wanted}, kind="task.import")
        for updated in planned.updated:
            if updated.waits_rows:
                updated.changes["waits_on"] = [*updated.changes["waits_on"], *(new_ids[r] for r in updated.waits_rows)]
            before = tx.get("tasks", updated.id).get("status")
            tx.update("tasks", updated.id, updated.changes, kind="task.import")
            if updated.changes.get("status") == "done" and before != "done":
                make_next(tx, updated.id)  # a recurring task comes back
            elif updated.changes.get("status", "done") != "done" and before == "done":
                one_open(tx, updated.id)  # reopened: its series' next instance may be open already
        checks = [(a.row, a.id, a.fields.get("waits_on")) for a in planned.added]
        checks += [(u.row, u.id, u.changes.get("waits_on")) for u in planned.updated]
        for row, task_id, waits in checks:  # never a circle, among the tasks it adds either
            if waits and task_id is not None:
                try:
                    check_waits(tx, task_id, list(waits))
                except RuleError as exc:
                    raise importing.ImportProblems([importing.Problem(row, "", str(exc))]) from None
        return planned
