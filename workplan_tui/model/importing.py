"""Tasks from a spreadsheet: each row checked and matched to the plan's tasks (pure).

Rows come in as text cells by field (``title``, ``owner``, ``due``...: the CSV reader in
``exchange/csv_import.py`` found which column is which). ``plan_import`` reads every row
the way the rest of workplan reads what people type (dates by the shared parser, owners
by handle or name, progress and status by the task rules) and says, for each, whether it
adds a task, updates one or changes nothing; or what is wrong with it (row, column,
reason). Nothing is written here: ``store.actions.import_tasks`` applies a plan without
problems inside one transaction.

Matching, so that importing the same file again updates instead of duplicating:

* a row whose ``id`` names a task of this plan is that task, unless the row has a
  ``plan`` column naming another plan (an export from elsewhere: its ids mean other tasks);
* else the task of this plan with the same title (ignoring case and spacing);
* else it is a new task. Two rows can never be the same task.

A column that is not there leaves that field of existing tasks alone; an empty cell in a
column that is there clears the field (owner, due, outcome, notes, waits on), except status
and progress, which an empty cell leaves as they are.

A "waits on" cell names the tasks a row cannot start before, separated by semicolons or commas
(a title that holds one is read whole, as an export writes it), read as the board's form reads
its "waits on" field (``schedule.WaitsReader``, the one rule): by id (``T9``, only in a row of
this plan, as ids are read above), else by title, ``T9 Build beds`` being read as either (by id
when T9 is so titled, else by the title: an id and a title that name two tasks never silently
pick one): a task the same file adds (another row), a task of the plan, then of the
partnership. A row may not wait on itself, nor close a circle, among the tasks the import adds
too (so a dry run says so; ``store.actions.import_tasks`` checks again when it writes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from workplan_tui.model import contract, rules
from workplan_tui.model.dates import DateError, parse_date
from workplan_tui.model.records import LONG_TEXT, SHORT_TEXT, Task, Workplan, label, parse_label
from workplan_tui.model.text import clean

FIELDS = (
    "id",
    "plan",
    "title",
    "owner",
    "start",
    "due",
    "status",
    "progress",
    "notes",
    "outcome",
    "outcome_name",
    "blocked_reason",
    "waits_on",
)
MAX_ROWS = 20_000

STATUS_WORDS = {
    "todo": "todo",
    "to do": "todo",
    "not started": "todo",
    "open": "todo",
    "new": "todo",
    "planned": "todo",
    "doing": "doing",
    "in progress": "doing",
    "started": "doing",
    "ongoing": "doing",
    "active": "doing",
    "wip": "doing",
    "blocked": "blocked",
    "on hold": "blocked",
    "waiting": "blocked",
    "stuck": "blocked",
    "done": "done",
    "complete": "done",
    "completed": "done",
    "finished": "done",
    "closed": "done",
}


class Row(NamedTuple):
    """One spreadsheet row: its number as the spreadsheet shows it (the header is row 1),
    its cells by field, and which header each field came from (for messages)."""

    number: int
    cells: dict[str, str]
    headers: dict[str, str]


class Problem(NamedTuple):
    row: int
    column: str  # the header as the file has it ('' for the row as a whole)
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.message}"


class ImportProblems(rules.RuleError):
    """Rows that cannot be imported; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s), the first: {problems[0]}")


@dataclass(slots=True)
class Added:
    row: int
    fields: dict[str, Any]  # a whole new task's fields (plan, title, owner, ... as stored)
    id: int | None = None  # once written
    waits_rows: list[int] = field(default_factory=list)  # rows this import adds that it waits on


@dataclass(slots=True)
class Updated:
    row: int
    id: int
    changes: dict[str, Any]  # field -> new value
    before: dict[str, Any]  # field -> old value
    waits_rows: list[int] = field(default_factory=list)  # rows this import adds that it waits on


@dataclass(slots=True)
class Planned:
    plan: int
    added: list[Added] = field(default_factory=list)
    updated: list[Updated] = field(default_factory=list)
    unchanged: list[tuple[int, int]] = field(default_factory=list)  # (row, task id)
    problems: list[Problem] = field(default_factory=list)


def _key(title: str) -> str:
    return " ".join(title.split()).casefold()


def plan_import(workplan: Workplan, plan_id: int, rows: list[Row], *, today: date) -> Planned:
    """What importing ``rows`` into plan ``plan_id`` would do, or the problems that stop it.

    Raises RuleError for what stops the whole import (no such plan, an archived plan, or new
    tasks for a completed one).
    """
    plan = workplan.plans.get(plan_id)
    if plan is None:
        raise rules.RuleError(f"no plan P{plan_id}; see 'workplan plan list'")
    rules.check_open(plan)
    if len(rows) > MAX_ROWS:
        raise rules.RuleError(f"{len(rows)} rows; at most {MAX_ROWS:,} can be imported at once")
    tasks = workplan.tasks_of(plan_id)
    by_title: dict[str, list[Task]] = {}
    for t in tasks:
        by_title.setdefault(_key(t.title), []).append(t)
    outcomes = workplan.outcomes_of(plan_id)
    planned = Planned(plan_id)
    claimed: dict[int, int] = {}  # task id -> the row that matched it
    new_titles: dict[str, int] = {}  # title key -> the row that adds a task so titled
    waits: list[tuple[Row, bool, Added | Updated | tuple[int, int]]] = []  # rows with a "waits on" cell
    for row in rows:
        problems: list[Problem] = []

        def bad(name: str, message: str, row: Row = row, problems: list[Problem] = problems) -> None:
            problems.append(Problem(row.number, row.headers.get(name, ""), message))

        cells = row.cells
        title = " ".join(clean(cells.get("title", "")).split())
        if not title:
            bad("title", "the title is empty")
        elif len(title) > SHORT_TEXT:
            bad("title", f"the title is {len(title)} characters long; at most {SHORT_TEXT} allowed")
        here = _from_this_plan(row, plan_id)
        task = _match(row, plan_id, workplan, by_title, title, here, bad)
        wanted: dict[str, Any] = {}
        if "owner" in cells:
            wanted["owner"] = _owner(cells["owner"], workplan, bad)
        for day_field in ("start", "due"):
            if day_field in cells:
                wanted[day_field] = _day(cells[day_field], today, bad, day_field)
        if wanted.get("start") and wanted.get("due") and wanted["start"] > wanted["due"]:
            bad("start", f"it starts on {wanted['start']}, after it is due ({wanted['due']})")
        if "outcome" in cells or "outcome_name" in cells:
            wanted["outcome"] = _outcome(row, outcomes, plan_id, here, bad)
        if "notes" in cells:
            notes = clean(cells["notes"], multiline=True).strip()
            if len(notes) > LONG_TEXT:
                bad("notes", f"the notes are {len(notes)} characters long; at most {LONG_TEXT} allowed")
            wanted["notes"] = notes
        reason = None
        if "blocked_reason" in cells:
            reason = " ".join(clean(cells["blocked_reason"]).split())
            if len(reason) > LONG_TEXT:
                bad("blocked_reason", f"the reason is {len(reason)} characters long; at most {LONG_TEXT} allowed")
        status = _status(cells.get("status", ""), bad)
        progress = _progress(cells.get("progress", ""), bad)
        if status is not None and progress is not None:
            if (progress == 100) != (status == "done"):
                bad("progress", f"progress {progress}% and status {status} disagree (100% is done, done is 100%)")
        if task is not None and task.id in claimed:
            bad("", f"row {claimed[task.id]} is the same task ({task.label}); a task may appear once")
        if task is None and title and _key(title) in new_titles:
            bad("title", f"row {new_titles[_key(title)]} adds a task with the same title; titles tell tasks apart")
        if problems:
            planned.problems += problems
            continue
        base = task if task is not None else Task(plan_id, title)
        changes: dict[str, Any] = {"title": title} if task is None or task.title != title else {}
        changes.update({k: v for k, v in wanted.items() if getattr(base, k) != v})
        current = base.replace(**changes)
        try:
            if progress is not None and progress != current.progress:
                moved = rules.progress_changes(current, progress)
                changes.update(moved)
                current = current.replace(**moved)
            if status is not None and status != current.status:
                moved = rules.status_changes(current, status, reason)
                changes.update(moved)
                current = current.replace(**moved)
            elif reason is not None and current.status == "blocked" and reason and reason != current.blocked_reason:
                changes["blocked_reason"] = reason
                current = current.replace(blocked_reason=reason)
        except rules.RuleError as exc:
            column = "status" if "blocked" in str(exc) else "progress"
            message = str(exc).split(": ", 1)[-1]
            if "blocked" in message:
                message = "a blocked task needs a reason: add a 'blocked reason' column"
            bad(column, message)
            planned.problems += problems
            continue
        if task is None:
            new_titles[_key(title)] = row.number
            planned.added.append(Added(row.number, _new_task(plan_id, current)))
            made: Added | Updated | tuple[int, int] = planned.added[-1]
        else:
            claimed[task.id] = row.number
            if changes:
                before = {k: getattr(task, k) for k in changes}
                planned.updated.append(Updated(row.number, task.id, changes, before))
                made = planned.updated[-1]
            else:
                planned.unchanged.append((row.number, task.id))
                made = planned.unchanged[-1]
        if "waits_on" in cells:
            waits.append((row, here, made))
    for row, here, made in waits:
        _waits_on(row, here, made, planned, workplan, plan_id, new_titles)
    if waits and not planned.problems:
        _refuse_circles(planned, workplan, waits[0][0].headers.get("waits_on", ""))
    if planned.added and not planned.problems:
        rules.check_can_add(plan, "tasks")
    return planned


def _waits_on(
    row: Row,
    here: bool,
    made: Added | Updated | tuple[int, int],
    planned: Planned,
    workplan: Workplan,
    plan_id: int,
    new_titles: dict[str, int],
) -> None:
    """Read a row's "waits on" cell (the module's doc) into what it adds or changes."""
    from workplan_tui.model.schedule import WaitsReader  # only for an import with a "waits on" column

    cell = clean(row.cells.get("waits_on", "")).strip()
    ids: list[int] = []
    rows: list[int] = []
    own_id = made.id if isinstance(made, Updated) else made[1] if isinstance(made, tuple) else None
    reader = WaitsReader(workplan, plan_id, by_id=here, added=new_titles)
    for part in reader.items(cell):
        try:
            task_id, added_row = reader.read(part)
        except rules.RuleError as exc:
            planned.problems.append(Problem(row.number, row.headers.get("waits_on", ""), str(exc)))
            continue
        if task_id is not None:
            ids.append(task_id)
        elif added_row is not None:
            rows.append(added_row)
    ids = list(dict.fromkeys(ids))
    rows = list(dict.fromkeys(rows))
    if row.number in rows or (own_id is not None and own_id in ids):
        planned.problems.append(Problem(row.number, row.headers.get("waits_on", ""), "a task cannot wait on itself"))
        return
    if isinstance(made, Added):
        if ids:
            made.fields["waits_on"] = ids
        made.waits_rows = rows
        return
    task_id = made.id if isinstance(made, Updated) else made[1]
    current = workplan.tasks[task_id].waits_on
    if ids == current and not rows:
        return
    if isinstance(made, tuple):  # unchanged but for this: an update now
        planned.unchanged.remove(made)
        made = Updated(row.number, task_id, {}, {})
        planned.updated.append(made)
    made.changes["waits_on"] = ids
    made.before["waits_on"] = current
    made.waits_rows = rows


def _refuse_circles(planned: Planned, workplan: Workplan, column: str) -> None:
    """A problem for each row whose "waits on" would close a circle (``model/schedule.py``), among
    the tasks the import adds too: the rule ``store.actions.import_tasks`` applies when it writes,
    so that a dry run says so as well. A row that adds a task stands for it by its title and row
    number (``New A (row 2) → T9 → New A (row 2)``) until it has an id."""
    from workplan_tui.model.schedule import cycle_if_added  # only for an import that sets waits on

    wanted: list[tuple[int, int, list[int]]] = []  # (row, the task or -row, what it is to wait on)
    for added in planned.added:
        if added.fields.get("waits_on") or added.waits_rows:
            wanted.append((added.row, -added.row, [*added.fields.get("waits_on", []), *(-r for r in added.waits_rows)]))
    for updated in planned.updated:
        if "waits_on" in updated.changes:
            waits = [*updated.changes["waits_on"], *(-r for r in updated.waits_rows)]
            wanted.append((updated.row, updated.id, waits))
    graph: dict[int, list[int]] = {tid: list(t.waits_on) for tid, t in workplan.tasks.items() if t.waits_on}
    for _, node, _ in wanted:
        graph.pop(node, None)  # what it waits on now is what the row says
    titles = {-added.row: added.fields["title"] for added in planned.added}

    def named(node: int) -> str:
        return label("tasks", node) if node > 0 else f"{titles[node]} (row {-node})"

    for row, node, waits in sorted(wanted):
        cycle = cycle_if_added(graph, node, waits)
        if cycle is None:
            graph[node] = waits
            continue
        words = " → ".join(named(n) for n in cycle)
        planned.problems.append(Problem(row, column, f"{words} would go round in a circle (each waits on the next)"))


def _new_task(plan_id: int, t: Task) -> dict[str, Any]:
    return {
        "plan": plan_id,
        "title": t.title,
        "notes": t.notes,
        "owner": t.owner,
        "status": t.status,
        "progress": t.progress,
        "start": t.start,
        "due": t.due,
        "outcome": t.outcome,
        "blocked_reason": t.blocked_reason,
        "updates": [],
    }


def _from_this_plan(row: Row, plan_id: int) -> bool:
    """Whether the row's ids and labels mean records of this file's plan: it has no plan column,
    or its plan column names this plan (an export of another plan, or of another file, does not)."""
    typed = row.cells.get("plan", "").strip()
    if not typed:
        return True
    try:
        return parse_label(typed, "plans") == plan_id
    except ValueError:
        return False


def _match(
    row: Row, plan_id: int, workplan: Workplan, by_title: dict[str, list[Task]], title: str, here: bool, bad: Any
) -> Task | None:
    typed = row.cells.get("id", "").strip()
    if typed and here:
        try:
            task_id = parse_label(typed, "tasks")
        except ValueError:
            bad("id", f"{typed!r} is not a task id (T12)")
            return None
        task = workplan.tasks.get(task_id)
        if task is not None and task.plan == plan_id:
            return task
    if not title:
        return None
    same = by_title.get(_key(title), [])
    if len(same) > 1:
        bad(
            "title",
            f"{len(same)} tasks of P{plan_id} are titled so ({', '.join(t.label for t in same)}); add an id column",
        )
        return None
    return same[0] if same else None


def _owner(text: str, workplan: Workplan, bad: Any) -> str | None:
    typed = " ".join(clean(text).split())
    if not typed or typed.lower() in ("none", "-", "unassigned"):
        return None
    if typed in workplan.members:
        return typed
    lowered = typed.casefold()
    found = [h for h, m in workplan.members.items() if h.casefold() == lowered]
    if not found:
        found = [h for h, m in workplan.members.items() if " ".join(m.name.split()).casefold() == lowered]
    if len(found) == 1:
        return found[0]
    if found:
        bad("owner", f"{len(found)} members are called {typed!r} ({', '.join(sorted(found))}); use the handle")
    else:
        bad("owner", f"no member {typed!r} (by handle or name); see 'workplan member list'")
    return None


def _day(text: str, today: date, bad: Any, column: str) -> str | None:
    """A start or due day as typed in the sheet (the shared parser: fri, dec 15, 2026-12-15)."""
    typed = text.strip()
    if not typed or typed.lower() in ("none", "-"):
        return None
    try:
        return parse_date(typed, today=today).isoformat()
    except DateError as exc:
        bad(column, str(exc))
        return None


def _outcome(row: Row, outcomes: list[Any], plan_id: int, here: bool, bad: Any) -> int | None:
    """The linked outcome: by its id (O3) when the row is of this plan, else (or failing that)
    by name, from the outcome column or an "outcome name" column."""
    typed = " ".join(clean(row.cells.get("outcome", "")).split())
    name = " ".join(clean(row.cells.get("outcome_name", "")).split())
    if typed.lower() in ("none", "-"):
        typed = ""
    if not typed and not name:
        return None
    number = None
    if typed and here:
        try:
            number = parse_label(typed, "outcomes")
        except ValueError:
            number = None
    for o in outcomes:
        if o.id == number:
            return int(o.id)
    for wanted in (name, typed):
        for o in outcomes:
            if wanted and _key(o.name) == _key(wanted):
                return int(o.id)
    column = "outcome" if typed else "outcome_name"
    bad(
        column,
        f"no outcome {typed or name!r} in P{plan_id} (by id or name); see 'workplan outcome list --plan P{plan_id}'",
    )
    return None


def _status(text: str, bad: Any) -> str | None:
    typed = " ".join(text.replace("_", " ").replace("-", " ").split()).lower()
    if not typed:
        return None
    if typed in STATUS_WORDS:
        return STATUS_WORDS[typed]
    bad("status", f"{clean(text.strip())!r} is not a status: use todo, doing, blocked or done")
    return None


def _progress(text: str, bad: Any) -> int | None:
    if not text.strip():
        return None
    try:
        return rules.parse_percent(text)  # 60 or 60%, as the board and the command line read it
    except rules.RuleError:
        bad("progress", f"{clean(text.strip())!r} is not a progress: a whole number from 0 to 100 (60 or 60%)")
        return None


# --- what an import did, for people and scripts --------------------------------------------------


def summary(planned: Planned, columns: dict[str, str], ignored: list[str], *, dry_run: bool) -> dict[str, Any]:
    """The import's result in the JSON contract (references as labels)."""

    def shown(values: dict[str, Any]) -> dict[str, Any]:
        return contract.fields("tasks", values)

    return {
        "plan": label("plans", planned.plan),
        "dry_run": dry_run,
        "columns": columns,
        "ignored_columns": ignored,
        "added": [
            {"row": a.row, "id": label("tasks", a.id) if a.id is not None else None, **shown(a.fields)}
            for a in planned.added
        ],
        "updated": [
            {
                "row": u.row,
                "id": label("tasks", u.id),
                "changes": {k: [shown(u.before)[k], v] for k, v in shown(u.changes).items()},
            }
            for u in planned.updated
        ],
        "unchanged": [{"row": row, "id": label("tasks", task_id)} for row, task_id in planned.unchanged],
    }


def summary_text(result: dict[str, Any], file: str) -> str:
    """'Imported tasks.csv into P2: 3 added (T41-T43), 2 updated (T7: due, owner; ...), 12 unchanged.'"""
    added, updated, same = result["added"], result["updated"], result["unchanged"]
    ids = spans([a["id"] for a in added if a["id"]])
    new = f"{len(added)} {'to add' if result['dry_run'] else 'added'}" + (f" ({ids})" if ids else "")
    changed = "; ".join(f"{u['id']}: {', '.join(u['changes'])}" for u in updated[:10])
    more = f"; +{len(updated) - 10} more" if len(updated) > 10 else ""
    upd = f"{len(updated)} {'to update' if result['dry_run'] else 'updated'}" + (
        f" ({changed}{more})" if changed else ""
    )
    verb = "Dry run of" if result["dry_run"] else "Imported"
    lines = [f"{verb} {file} into {result['plan']}: {new}, {upd}, {len(same)} unchanged."]
    mapped = ", ".join(
        clean(header) if normal_header(header) == name.replace("_", " ") else f"{clean(header)} → {name}"
        for header, name in result["columns"].items()
    )
    lines.append(f"Columns read: {mapped}.")
    if result["ignored_columns"]:
        lines.append(f"Ignored columns: {clean(', '.join(result['ignored_columns']))}.")
    if result["dry_run"]:
        lines.append("Nothing was written (--dry-run).")
    return "\n".join(lines)


def normal_header(header: str) -> str:
    return " ".join(header.replace("_", " ").replace("-", " ").lower().split())


def spans(labels: list[str]) -> str:
    """'T1-T4, T7' for T1, T2, T3, T4, T7 (labels of one table, in order)."""
    out: list[str] = []
    run: list[int] = []
    prefix = labels[0][:1] if labels else ""

    def flush() -> None:
        if run:
            out.append(f"{prefix}{run[0]}" if len(run) == 1 else f"{prefix}{run[0]}-{prefix}{run[-1]}")

    for text in labels:
        number = int(text[1:])
        if run and number == run[-1] + 1:
            run.append(number)
        else:
            flush()
            run = [number]
    flush()
    return ", ".join(out)
