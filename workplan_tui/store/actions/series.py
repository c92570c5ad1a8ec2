"""Recurring tasks: a series, its instances, the next one made when one is done, skipping one.

A series (``records.Series``) says how often a task comes back; its instances are tasks that
name it. When an instance is done and the series is running, the next instance is made in the
same change (logged ``task.recur``: undoing the done takes it back too) with the next due day
(``recurrence.following``), the same title, notes, owner and outcome, a start day as far before
its due day as the last one's was (where it had one), and its own history. Only
one instance is open at a time (``rules.open_instances_problem``): none is made while another is
open, and a change that would open a second is refused (``one_open``). A paused series makes none
until resumed (resuming makes one if none is open); an ended one makes none again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from workplan_tui.model import rules
from workplan_tui.model.dates import today as local_day
from workplan_tui.model.records import CLOSED_PLAN_STATUSES, Series, Task, label
from workplan_tui.model.rules import RuleError
from workplan_tui.store.actions.common import _open_plan, saved
from workplan_tui.store.store import Store, Tx

RECUR = "task.recur"  # the kind of the log entry of an instance made by the one before it


def repeat_of(text: str) -> str:
    """A repeat as people type it (``every monday``) in its stored word (``mon``); RuleError else."""
    from workplan_tui.model import recurrence  # only where a repeat is read: every write imports this module

    try:
        return recurrence.canonical(text)
    except recurrence.RepeatError as exc:
        raise RuleError(str(exc)) from None


def _today(tx: Tx) -> date:
    return local_day(tx.store.clock())


def new_series(tx: Tx, plan_id: int, every: str, due: str | None) -> tuple[int, str]:
    """Add a running series to plan ``plan_id`` (``every`` as stored) whose first instance is due on
    ``due`` (None: the repeat's first day from today on); returns (its id, the first due day)."""
    from workplan_tui.model import recurrence

    first = due or recurrence.first_due(every, _today(tx)).isoformat()
    series_id = tx.insert(
        "series", {"plan": plan_id, "every": every, "anchor": first, "status": "running"}, kind="series.add"
    )
    return series_id, first


def _instances(tx: Tx, series_id: int) -> list[tuple[int, dict[str, Any]]]:
    """The series' instances (id, stored task), by id. Reads the whole tasks table (rare)."""
    found = [(int(k), t) for k, t in tx.data.get("tasks", {}).items() if t.get("series") == series_id]
    return sorted(found, key=lambda pair: pair[0])


def one_open(tx: Tx, task_id: int, doing: str = "be reopened") -> None:
    """After a change that left task ``task_id`` open: RuleError (the transaction then writes
    nothing) when its series now has another open instance too (``rules.open_instances_problem``):
    a done instance reopened after the next was made, a removed one brought back by ``undo``
    after the series made another. ``doing``: what the change was, in the error. Reads the whole
    tasks table, only for an instance of a series (rare)."""
    raw = tx.get("tasks", task_id)
    series_id = raw.get("series")
    if type(series_id) is not int or raw.get("status") == "done":
        return
    open_ids = [tid for tid, t in _instances(tx, series_id) if t.get("status") != "done"]
    labels = [label("tasks", t) for t in open_ids]
    problem = rules.open_instances_problem(label("series", series_id), labels, would=True)
    if problem:
        others = ", ".join(label("tasks", t) for t in open_ids if t != task_id)
        raise RuleError(f"{label('tasks', task_id)} cannot {doing}: {problem}; finish or remove {others} first")


def make_next(tx: Tx, task_id: int, *, kind: str = RECUR) -> int | None:
    """After instance ``task_id`` was done (or its series resumed): make the next instance, unless
    its series is not running, another instance is still open, its plan takes no new tasks, or
    the series has no next day (this one is due at the calendar's end: a hand edit).
    Logged ``kind``: ``task.recur``, undone with the change that made it, or ``task.add`` when
    it is a change of its own (undone on its own). Returns the new task's id, or None."""
    raw = tx.get("tasks", task_id)
    series_id = raw.get("series")
    series = tx.data.get("series", {}).get(str(series_id)) if series_id is not None else None
    if series is None or series.get("status") != "running" or type(series_id) is not int:
        return None
    plan = tx.get("plans", raw["plan"])
    if plan.get("status") in CLOSED_PLAN_STATUSES:
        return None
    if any(t.get("status") != "done" for tid, t in _instances(tx, series_id) if tid != task_id):
        return None
    from workplan_tui.model import recurrence

    anchor = date.fromisoformat(series["anchor"])
    try:
        due = recurrence.following(series["every"], anchor, _day(raw.get("due")), _today(tx))
    except recurrence.NoNextDay:  # due at the calendar's end (a hand edit): this one is done, no next
        return None
    fields: dict[str, Any] = {
        "plan": raw["plan"],
        "title": raw["title"],
        "notes": raw.get("notes", ""),
        "owner": raw.get("owner"),
        "status": "todo",
        "progress": 0,
        "due": due.isoformat(),
        "outcome": raw.get("outcome"),
        "blocked_reason": "",
        "updates": [],
        "series": series_id,
    }
    start = _moved_start(raw, due)
    if start is not None:
        fields["start"] = start
    return tx.insert("tasks", fields, kind=kind)


def _moved_start(raw: dict[str, Any], due: date) -> str | None:
    """The start day of an instance due on ``due`` whose model ``raw`` has a start and a due day:
    as far before ``due`` as it was before its own (a week's lead stays a week). None without."""
    start, was_due = _day(raw.get("start")), _day(raw.get("due"))
    if start is None or was_due is None:
        return None
    try:
        return (due - (was_due - start)).isoformat()
    except OverflowError:  # a hand-edited start years from its due day: past the calendar's ends
        return None


def _day(text: Any) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def make_recurring(store: Store, task_id: int, every: str | None, *, expected_rev: int | None = None) -> Task:
    """Make a task come back ``every`` (as typed: ``week``, ``monday``...): a new series of which it
    is the first instance (with no due day, it gets the repeat's first day), or a new repeat for
    its series (running again if it was paused). ``every`` None ends its series (it stays an
    instance; no more are made)."""
    wanted = repeat_of(every) if every is not None else None
    with store.transaction() as tx:
        tx.require_member()
        raw = tx.get("tasks", task_id)
        _open_plan(tx, raw["plan"])
        if expected_rev is not None and raw.get("rev", 1) != expected_rev:
            tx.update("tasks", task_id, {}, kind="task.every", expected_rev=expected_rev)  # raises
        series_id = raw.get("series")
        if series_id is not None and str(series_id) in tx.data.get("series", {}):
            changes: dict[str, Any] = {"status": "ended"} if wanted is None else {"every": wanted, "status": "running"}
            if not tx.update("series", series_id, changes, kind="series.edit"):
                from workplan_tui.model.recurrence import words

                state = "ended" if wanted is None else f"already {words(wanted)}"
                raise RuleError(f"{label('tasks', task_id)}'s series {label('series', series_id)} is {state}")
        elif wanted is None:
            raise RuleError(f"{label('tasks', task_id)} is not a recurring task")
        else:
            series_id, first = new_series(tx, raw["plan"], wanted, raw.get("due"))
            changes = {"series": series_id} if raw.get("due") else {"series": series_id, "due": first}
            tx.update("tasks", task_id, changes, kind="task.every")
        return saved(tx, "tasks", task_id)


def set_series_status(store: Store, series_id: int, status: str) -> Series:
    """Pause, resume (``running``) or end a series. Resuming makes the next instance when none is
    open (due on the series' next day from today on, or after the last instance's due day), a
    running series too when its open instance was removed (else it would never come back)."""
    if status not in ("running", "paused", "ended"):
        raise RuleError(f"a series is running, paused or ended, not {status!r}")
    with store.transaction() as tx:
        tx.require_member()
        series = tx.get("series", series_id)
        _open_plan(tx, series["plan"])
        instances = _instances(tx, series_id)
        open_now = sum(t.get("status") != "done" for _, t in instances)
        none_open = bool(instances) and not open_now
        name, current = label("series", series_id), series.get("status")
        problem = rules.series_status_problem(name, str(current), status, instances=len(instances), open_now=open_now)
        if problem:
            raise RuleError(problem)
        if current == status:
            # running with no instance open (its open one was removed): resuming makes the next
            if make_next(tx, instances[-1][0], kind="task.add") is not None:  # undone on its own
                return saved(tx, "series", series_id)
            raise RuleError(f"{name} is already {status}")
        tx.update("series", series_id, {"status": status}, kind="series.edit")
        if status == "running" and none_open:
            make_next(tx, instances[-1][0])
        return saved(tx, "series", series_id)


def skip_instance(store: Store, task_id: int) -> Task:
    """Skip this time of a recurring task: it moves to the series' next day after its due day (or
    from today on, when that has passed), its start day with it, keeping its progress and
    history. Logged ``task.skip``."""
    with store.transaction() as tx:
        tx.require_member()
        raw = tx.get("tasks", task_id)
        _open_plan(tx, raw["plan"])
        series_id = raw.get("series")
        series = tx.data.get("series", {}).get(str(series_id)) if series_id is not None else None
        named = label("series", series_id) if series is not None and type(series_id) is int else None
        problem = rules.skip_problem(label("tasks", task_id), named, str(raw.get("status")))
        if problem:
            raise RuleError(problem)
        assert series is not None  # skip_problem says so
        from workplan_tui.model import recurrence

        anchor = date.fromisoformat(series["anchor"])
        try:
            due = recurrence.following(series["every"], anchor, _day(raw.get("due")), _today(tx))
        except recurrence.NoNextDay as exc:
            raise RuleError(f"{label('tasks', task_id)} cannot be skipped: {exc}") from None
        changes = {"due": due.isoformat()}
        start = _moved_start(raw, due)
        if start is not None:
            changes["start"] = start
        tx.update("tasks", task_id, changes, kind="task.skip")
        return saved(tx, "tasks", task_id)
