"""``workplan task``: tasks, their owners, progress and notes."""

from __future__ import annotations

from typing import Any

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import (
    CONTEXT,
    Env,
    HelpGroup,
    changed_fields,
    complete_ids,
    complete_members,
    complete_partners,
    due_date,
    due_full,
    each,
    emit,
    emit_each,
    fail,
    id_argument,
    ids_argument,
    ids_of,
    json_option,
    log_line,
    member_named,
    names_of,
    need_changes,
    pass_env,
    rev_option,
    skippable,
    start_date,
)
from workplan_tui.model import contract, dates, rules
from workplan_tui.model.forecast import HEALTH_WORDS
from workplan_tui.model.records import TASK_STATUSES, Task, label, parse_label
from workplan_tui.model.text import clean, stamp
from workplan_tui.store import actions
from workplan_tui.store.storage import StoreError

# --- tasks -------------------------------------------------------------------------------------


@click.group(cls=HelpGroup, context_settings=CONTEXT)
def task() -> None:
    """Tasks: owner, status, progress, due date."""


@task.command("add")
@id_argument("plan_id", "plans")
@click.argument("title")
@click.option("--owner", default=None, shell_complete=complete_members, help="The member who owns it (their handle).")
@click.option("--due", default=None, help="When: e.g. fri, next friday, in 2 weeks, dec 15, 2026-12-15.")
@click.option(
    "--outcome",
    "outcome_id",
    default=None,
    shell_complete=complete_ids("outcomes"),
    help="The outcome it moves forward (for example O2).",
)
@click.option("--notes", default="", help="Details: what done looks like, links, contacts.")
@click.option(
    "--waits-on",
    "waits_on",
    multiple=True,
    metavar="T1",
    shell_complete=complete_ids("tasks"),
    help="A task (of any plan) that must be done before this one can start; repeat it, or T1,T2.",
)
@click.option(
    "--every",
    default=None,
    metavar="REPEAT",
    help="Make it recurring: week, 2w, month, quarter, monday, '1st of month' (no --due: the first such day).",
)
@click.option("--start", default=None, metavar="DATE", help="When work on it may start: e.g. mon, dec 1.")
@click.option(
    "--meeting",
    "meeting_id",
    default=None,
    shell_complete=complete_ids("meetings"),
    help="The meeting whose action item it is (for example M3).",
)
@json_option
@pass_env
def task_add(
    env: Env,
    plan_id: int,
    title: str,
    owner: str | None,
    due: str | None,
    outcome_id: str | None,
    notes: str,
    waits_on: tuple[str, ...],
    every: str | None,
    start: str | None,
    meeting_id: str | None,
    as_json: bool,
) -> None:
    """Add a task to a plan, with an owner, a due date and a linked outcome if you like.

    Dates are typed as people say them (fri, next week, dec 15); see --due. A task that waits on
    others (--waits-on) shows as waiting until they are done; a recurring one (--every) comes
    back, with the next due date, each time it is done.

    \b
    Examples:
      workplan task add P2 'Order soil' --owner bob --due fri --outcome O1
      workplan task add P2 'Plant seedlings' --owner ed --due fri --waits-on T9
      workplan task add P2 'Weekly watering rota' --owner hiro --every monday
    """
    linked = meeting = None
    try:
        if outcome_id is not None:
            linked = parse_label(outcome_id, "outcomes")
        if meeting_id is not None:
            meeting = parse_label(meeting_id, "meetings")
    except ValueError as exc:
        fail(str(exc))
    record = actions.add_task(
        env.store,
        plan_id,
        title,
        owner=owner,
        due=due_date(env, due),
        outcome=linked,
        notes=notes,
        waits_on=task_ids(waits_on, "--waits-on"),
        every=every,
        start=start_date(env, start),
        meeting=meeting,
    )
    due_text = f", {dates.format_due(record.due, today=env.today(), dated=True)}" if record.due else ""
    more = _schedule_words(env, record)
    emit(record, as_json, f"Added task {record.label}: {clean(title)}{due_text}{more}")


def task_ids(values: tuple[str, ...] | list[str], option: str) -> list[int]:
    """Task ids given as T12, 12 or T1,T2 (each value may hold several, split by commas)."""
    return ids_of(values, "tasks", option)


def _schedule_words(env: Env, record: Task) -> str:
    """'; waits on T9 · PARKS · due Fri 11 Dec', '; every Monday (S1)', '; T14 is due ... but waits
    on T9 ...': what a change to a task's dependencies or repeat means, for the line it prints."""
    if not (record.waits_on or record.series):
        return ""
    from workplan_tui.model.schedule import Schedule, waiting_words

    workplan = env.read()
    today = env.today()
    parts = []
    task = workplan.tasks.get(record.id, record)
    waiting = waiting_words(task, workplan.tasks, workplan.members, today)
    if waiting:
        parts.append(waiting)
    series = workplan.series.get(task.series) if task.series is not None else None
    if series is not None:
        from workplan_tui.model.recurrence import words

        if series.status == "ended":
            parts.append(f"no longer repeats ({series.label}, {words(series.every)}, ended)")
        else:
            parts.append(f"{words(series.every)} ({series.label}{', paused' if series.status == 'paused' else ''})")
    parts += [f"dates cannot work: {p.text}" for p in Schedule(workplan).problems(task, today)]
    return "".join(f"; {clean(p)}" for p in parts)


def _task_line(env: Env, record: Task) -> str:
    """'T12 Order soil: doing █████░░░░░ 50% · bob · due in 2 days, Fri 4 Dec'."""
    status, progress = record.status, record.progress
    today = env.today()
    due = f" · {dates.format_due(record.due, today=today, done=status == 'done', dated=True)}" if record.due else ""
    owner = f" · {clean(record.owner)}" if record.owner else ""
    reason = f" ({clean(record.blocked_reason)})" if status == "blocked" else ""
    bar = f"{render.bar(progress, 10)} {progress}%"
    return f"{record.label} {render.fit(record.title, 50)}: {status}{reason} {bar}{owner}{due}"


def _task_result(env: Env, record: Task, as_json: bool) -> None:
    emit(record, as_json, _task_line(env, record))


def _tasks_result(env: Env, records: list[Task], as_json: bool) -> None:
    """One line per task changed; with --json the task, or an array of them when several were."""
    emit_each(records, as_json, lambda r: _task_line(env, r))


@task.command("progress", context_settings={"ignore_unknown_options": True})
@ids_argument("task_ids", "tasks")
@click.argument("value")
@json_option
@pass_env
def task_progress(env: Env, task_ids: list[int], value: str, as_json: bool) -> None:
    """Set a task's progress: 60 sets it, +10 and -5 move it.

    A move is at most 100 points and stops at 0 and 100; 100 marks the task done, and
    progress on a task to do marks it doing. Several tasks at once take the same value, in
    one change (or none, if one is refused).

    \b
    Examples:
      workplan task progress T12 60
      workplan task progress T12 +10
      workplan task progress T12 T14 50%
    """
    if value.strip().lower() in ("%", "percent", "pct") and len(task_ids) > 1:  # '50 %', as French writes it
        value = f"{task_ids.pop()}%"
    _tasks_result(env, each(env, task_ids, lambda i: actions.set_progress(env.store, i, value)), as_json)


@task.command("status")
@ids_argument("task_ids", "tasks")
@click.argument("new_status", metavar="STATUS", type=click.Choice(TASK_STATUSES))
@click.option("--reason", default=None, help="Why it is blocked (required for blocked).")
@json_option
@pass_env
def task_status(env: Env, task_ids: list[int], new_status: str, reason: str | None, as_json: bool) -> None:
    """Move a task to todo, doing, blocked or done.

    A blocked task needs --reason, so the others know what would unblock it. Several tasks
    move together, or none do.

    \b
    Examples:
      workplan task status T12 doing
      workplan task status T12 T13 blocked --reason 'Waiting for the permit'
    """
    changed = each(env, task_ids, lambda i: actions.set_status(env.store, i, new_status, reason))
    _tasks_result(env, changed, as_json)


@task.command("done")
@ids_argument("task_ids", "tasks")
@json_option
@pass_env
def task_done(env: Env, task_ids: list[int], as_json: bool) -> None:
    """Mark a task done (or several: T10 T16); its progress becomes 100.

    \b
    Examples:
      workplan task done T12
      workplan task done T10 T16
    """
    _tasks_result(env, each(env, task_ids, lambda i: actions.set_status(env.store, i, "done")), as_json)


@task.command("assign")
@ids_argument("task_ids", "tasks")
@click.argument("handle", shell_complete=complete_members)
@json_option
@pass_env
def task_assign(env: Env, task_ids: list[int], handle: str, as_json: bool) -> None:
    """Give a task (or several) to a member; 'none' leaves it unassigned.

    \b
    Examples:
      workplan task assign T12 bob
      workplan task assign T12 T13 T14 carol
    """
    owner = None if handle.lower() in ("none", "-") else handle
    _tasks_result(env, each(env, task_ids, lambda i: actions.assign(env.store, i, owner)), as_json)


@task.command("due")
@ids_argument("task_ids", "tasks")
@click.argument("date")
@json_option
@pass_env
def task_due(env: Env, task_ids: list[int], date: str, as_json: bool) -> None:
    """Set a task's due date (or several tasks'); 'none' clears it.

    Dates are typed as people say them: fri, tmrw, next week, in 2 weeks, 2w, dec 15, end of
    month or 2026-12-15. The date itself is shown beside the words, and a date in the past is
    taken with a warning.

    \b
    Examples:
      workplan task due T12 'next friday'
      workplan task due T12 T13 none
    """
    due = due_date(env, date)
    _tasks_result(env, each(env, task_ids, lambda i: actions.set_due(env.store, i, due)), as_json)


@task.command("note")
@ids_argument("task_ids", "tasks")
@click.argument("text")
@json_option
@pass_env
def task_note(env: Env, task_ids: list[int], text: str, as_json: bool) -> None:
    """Add an update note to a task (or to several), kept with who wrote it and when.

    \b
    Example:
      workplan task note T12 'Supplier confirmed for Friday'
    """
    _tasks_result(env, each(env, task_ids, lambda i: actions.add_note(env.store, i, text)), as_json)


@task.command("depends")
@id_argument("task_id", "tasks")
@click.argument("prerequisites", nargs=-1, required=True, metavar="T1...", shell_complete=complete_ids("tasks"))
@click.option("--remove", is_flag=True, help="No longer wait on these tasks.")
@rev_option
@json_option
@pass_env
def task_depends(
    env: Env, task_id: int, prerequisites: tuple[str, ...], remove: bool, rev: int | None, as_json: bool
) -> None:
    """Make a task wait on others (of any plan): it shows as waiting until they are done.

    A circle (T12 waits on T9, which waits on T12) is refused, naming it. When the last task it
    waits on is done, its owner is told (the board, workplan status).

    \b
    Examples:
      workplan task depends T12 T9
      workplan task depends T12 T9 T10
      workplan task depends T12 T9 --remove
    """
    ids = task_ids(prerequisites, "what it waits on")
    record = actions.set_waits(
        env.store, task_id, add=[] if remove else ids, remove=ids if remove else [], expected_rev=rev
    )
    shown = ", ".join(label("tasks", t) for t in record.waits_on) or "nothing"
    emit(record, as_json, f"{record.label} waits on {shown}{_schedule_words(env, record)}")


@task.command("skip")
@ids_argument("task_ids", "tasks", keep=skippable)
@json_option
@pass_env
def task_skip(env: Env, task_ids: list[int], as_json: bool) -> None:
    """Skip this time of a recurring task (or several: T30 T31): it moves to the next day of its
    series.

    Its progress and history stay; 'workplan undo' moves it back.

    \b
    Examples:
      workplan task skip T30
      workplan task skip T30 T31
    """
    records = each(env, task_ids, lambda i: actions.skip_instance(env.store, i))

    def line(record: Task) -> str:
        due = dates.format_due(record.due, today=env.today(), dated=True)
        return f"Skipped: {record.label} {render.fit(record.title, 50)} is now {due}"

    emit_each(records, as_json, line)


@task.command("edit")
@id_argument("task_id", "tasks")
@click.option("--title", default=None, help="The new title.")
@click.option("--notes", default=None, help="The new details ('' clears them).")
@click.option(
    "--owner",
    default=None,
    metavar="HANDLE",
    shell_complete=complete_members,
    help="Give it to this member ('none' unassigns it).",
)
@click.option("--due", default=None, metavar="DATE", help="e.g. fri, in 2 weeks, 2026-12-15 ('none' clears it).")
@click.option("--start", default=None, metavar="DATE", help="When work on it may start ('none' clears it).")
@click.option(
    "--outcome",
    "outcome_id",
    default=None,
    metavar="ID",
    shell_complete=complete_ids("outcomes"),
    help="Link it to this outcome, e.g. O3 ('none' unlinks).",
)
@click.option(
    "--waits-on",
    "waits_on",
    default=None,
    metavar="T1,T2",
    help="Exactly the tasks it waits on ('none': nothing); 'workplan task depends' adds or removes some.",
)
@click.option("--every", default=None, metavar="REPEAT", help="Make it recurring (week, monday); 'none' ends it.")
@click.option(
    "--meeting",
    "meeting_id",
    default=None,
    metavar="ID",
    shell_complete=complete_ids("meetings"),
    help="Make it an action item of this meeting, e.g. M3 ('none' unlinks).",
)
@click.option("--progress", default=None, metavar="N", help="60 sets it, +10 / -5 move it; 100 marks it done.")
@click.option("--status", "new_status", type=click.Choice(TASK_STATUSES), default=None, help="The new status.")
@click.option("--reason", default=None, help="Why it is blocked (needed with --status blocked).")
@rev_option
@json_option
@pass_env
@click.pass_context
def task_edit(
    ctx: click.Context,
    env: Env,
    task_id: int,
    title: str | None,
    notes: str | None,
    owner: str | None,
    due: str | None,
    start: str | None,
    outcome_id: str | None,
    waits_on: str | None,
    every: str | None,
    meeting_id: str | None,
    progress: str | None,
    new_status: str | None,
    reason: str | None,
    rev: int | None,
    as_json: bool,
) -> None:
    """Change some fields of a task; the others stay as they are.

    Progress and status follow the usual rules (100 % is done, done is 100 %, blocked
    needs a reason). Fields that already have the given values are left alone; when
    nothing would change, the command says so and writes nothing. A task of an
    archived plan cannot change: reopen the plan first.

    \b
    Example:
      workplan task edit T12 --title "Order topsoil" --owner bob --due fri
    """
    fields: dict[str, Any] = {}
    if title is not None:
        fields["title"] = title
    if notes is not None:
        fields["notes"] = notes
    if owner is not None:
        fields["owner"] = None if owner.strip().lower() in ("none", "-") else owner.strip()
    if due is not None:
        fields["due"] = due_date(env, due)
    if start is not None:
        fields["start"] = start_date(env, start)
    if outcome_id is not None:
        fields["outcome"] = None if outcome_id.strip().lower() in ("none", "-") else _outcome_id(outcome_id)
    if meeting_id is not None:
        fields["meeting"] = None if meeting_id.strip().lower() in ("none", "-") else _label_id(meeting_id, "meetings")
    if progress is not None:
        fields["progress"] = progress
    if new_status is not None:
        fields["status"] = new_status
    if reason is not None:
        fields["blocked_reason"] = reason
    if waits_on is not None:
        fields["waits_on"] = [] if waits_on.strip().lower() in ("none", "-", "") else task_ids([waits_on], "--waits-on")
    if every is None:
        need_changes(ctx, fields)
    changed: list[str] = []
    record = None
    if fields:
        record = actions.edit_task(env.store, task_id, fields, expected_rev=rev)
        changed = changed_fields(env)
    if every is not None:
        ends = every.strip().lower() in ("none", "-", "never")
        record = actions.make_recurring(
            env.store, task_id, None if ends else every, expected_rev=None if fields else rev
        )
        changed.append("repeats")
    assert record is not None
    if not changed:
        emit(record, as_json, f"{record.label} unchanged: it already has those values")
        return
    if not as_json:
        render.say(f"Changed {record.label}: {', '.join(changed)}{_schedule_words(env, record)}")
    _task_result(env, record, as_json)


def _schedule_lines(workplan: Any, t: Task, today: Any) -> list[str]:
    """``task show``'s lines on what a task waits on, what waits on it, its repeat and its dates
    that cannot work."""
    from workplan_tui.model.recurrence import words
    from workplan_tui.model.schedule import Schedule

    schedule = Schedule(workplan)
    lines = []
    for tid in t.waits_on:
        other = workplan.tasks.get(tid)
        if other is None:
            continue
        state = "done" if other.status == "done" else dates.format_due(other.due, today=today) if other.due else "open"
        who = render.owner_text(workplan, other.owner)
        lines.append(f"  waits on: {other.label} {clean(other.title)} ({who}; {state})")
    for tid in schedule.dependents(t.id):
        other = workplan.tasks[tid]
        lines.append(
            f"  before:   {other.label} {clean(other.title)} waits on it ({render.owner_text(workplan, other.owner)})"
        )
    series = workplan.series.get(t.series) if t.series is not None else None
    if series is not None:
        lines.append(f"  repeats:  {words(series.every)} ({series.label}, {series.status})")
    for problem in schedule.problems(t, today):
        lines.append(f"  ! dates:  {clean(problem.text)}")
    return lines


def _outcome_id(text: str) -> int:
    return _label_id(text, "outcomes")


def _label_id(text: str, table: str) -> int:
    try:
        return parse_label(text, table)
    except ValueError as exc:
        fail(str(exc))


@task.command("rm")
@ids_argument("task_ids", "tasks")
@rev_option
@json_option
@pass_env
def task_rm(env: Env, task_ids: list[int], rev: int | None, as_json: bool) -> None:
    """Remove tasks (T12 T13); 'workplan undo' brings each back as it was.

    The whole task (notes, updates, history) is kept in the activity log. A task of
    an archived plan cannot be removed: reopen the plan first. --rev goes with one task.

    \b
    Example:
      workplan task rm T12 T13
    """
    if rev is not None and len(task_ids) > 1:
        raise click.UsageError("--rev names one task's revision: remove one task at a time with it")
    gone = each(env, task_ids, lambda i: actions.remove_task(env.store, i, expected_rev=rev))
    emit_each(
        gone,
        as_json,
        lambda r: f"Removed {r.label} {render.fit(r.title, 50)} ('workplan undo' brings it back)",
        removed=True,
    )


@task.command("list")
@click.option(
    "--plan",
    "plan_id",
    default=None,
    shell_complete=complete_ids("plans"),
    help="Only the tasks of this plan (for example P1).",
)
@click.option("--owner", default=None, shell_complete=complete_members, help="Only this member's tasks.")
@click.option(
    "--partner",
    "partner_code",
    default=None,
    metavar="CODE",
    shell_complete=complete_partners,
    help="Only the tasks of this partner's members.",
)
@click.option(
    "--status", "status_", type=click.Choice(TASK_STATUSES), default=None, help="Only the tasks with this status."
)
@click.option("--overdue", is_flag=True, help="Only open tasks past their due date, the latest first.")
@click.option("--waiting", is_flag=True, help="Only tasks waiting on another task that is not done.")
@click.option(
    "--search",
    metavar="WORDS",
    help="Only tasks matching every word, as the board's filter: words in the title, notes, owner, "
    "partner or status; owner:NAME, partner:CODE, status:S, overdue, blocked, waiting, due:week, due:fri.",
)
@click.option(
    "--sort",
    "sort_by",
    type=click.Choice(["due", "progress", "owner", "updated"]),
    default=None,
    help="Order: due (soonest first), progress (least done first), owner, updated (latest first).",
)
@json_option
@pass_env
def task_list(
    env: Env,
    plan_id: str | None,
    owner: str | None,
    partner_code: str | None,
    status_: str | None,
    overdue: bool,
    waiting: bool,
    search: str | None,
    sort_by: str | None,
    as_json: bool,
) -> None:
    """List tasks, filtered and sorted, with their plan and their owner's partner.

    Without --sort, tasks are in the order they were added; with --overdue, the latest first. A
    due date that cannot work (due before a task it waits on, or a chain that ends after its
    outcome or plan) is marked ✗; 'workplan task show' says why.

    \b
    Examples:
      workplan task list --owner bob --overdue
      workplan task list --partner FOODBANK --status blocked
      workplan task list --plan P2 --search 'soil overdue' --sort due
    """
    from workplan_tui.model import overview  # only here: start-up time
    from workplan_tui.model.schedule import Schedule, is_waiting, task_health_json

    pid = None
    if plan_id is not None:
        try:
            pid = parse_label(plan_id, "plans")
        except ValueError as exc:
            fail(str(exc))
    workplan = env.read()
    if pid is not None and pid not in workplan.plans:
        fail(f"no plan {label('plans', pid)}; see 'workplan plan list'")
    if owner is not None:
        owner = member_named(workplan, owner)
    partner_of = {h: m.partner for h, m in workplan.members.items()}
    partner = None
    if partner_code is not None:
        partner = rules.partner_code(partner_code, [p.code for p in workplan.partners.values()])
        if partner is None:
            known = ", ".join(sorted(p.code for p in workplan.partners.values())) or "none yet"
            fail(f"no partner {partner_code!r} (partners: {known})")
    today_iso = env.today().isoformat()
    items = [
        t
        for t in workplan.tasks.values()
        if (pid is None or t.plan == pid)
        and (owner is None or t.owner == owner)
        and (partner is None or partner_of.get(t.owner or "") == partner)
        and (status_ is None or t.status == status_)
        and (not overdue or rules.is_overdue(t, today_iso))
        and (not waiting or is_waiting(t, workplan.tasks))
    ]
    if search:
        keep = overview.TaskFilter(search.split(), partner_of, env.today(), env.user, workplan.tasks)
        items = [t for t in items if keep(t)]
    if sort_by or overdue:  # overdue ones by lateness: the longest overdue first
        items = overview.sort_tasks(items, sort_by or "due")
    if as_json:
        today = env.today()
        click.echo(render.to_json([{**contract.of("tasks", t), **task_health_json(t, workplan, today)} for t in items]))
        return
    if not items:
        click.echo("No tasks match.")
        return
    today = env.today()
    schedule = Schedule(workplan)

    def due(t: Task) -> str:
        """The due day in words, marked ✗ when it cannot work (model/schedule.py)."""
        shown = dates.format_due(t.due, today=today, done=t.status == "done") if t.due else ""
        return f"✗ {shown}".rstrip() if schedule.problems(t, today) else shown

    rows = [
        [
            t.label,
            t.title,
            label("plans", t.plan),
            t.status,
            f"{t.progress:>3}%",
            due(t),
            t.owner or "-",
            partner_of.get(t.owner or "", "-"),
        ]
        for t in items
    ]
    headers = ["ID", "TITLE", "PLAN", "STATUS", "DONE", "DUE", "OWNER", "PARTNER"]
    # In a narrow terminal the title keeps its room: the partner goes first, then the plan.
    click.echo(render.table(rows, headers, flex=1, optional=[7, 2]))


@task.command("show")
@id_argument("task_id", "tasks")
@json_option
@pass_env
def task_show(env: Env, task_id: int, as_json: bool) -> None:
    """Show a task in full, with its history.

    \b
    Example:
      workplan task show T12
    """
    workplan = env.read()
    t = workplan.tasks.get(task_id)
    if t is None:
        fail(f"no task {label('tasks', task_id)}; see 'workplan task list'")
    try:
        history, unread = env.store.history().of_record(t.label), ""
    except StoreError as exc:  # the task itself is still worth showing
        history, unread = [], clean(str(exc))
    if as_json:
        from workplan_tui.model.schedule import task_health_json  # only here: start-up time

        click.echo(
            render.to_json(
                {
                    **contract.of("tasks", t),
                    **task_health_json(t, workplan, env.today()),
                    "history": [contract.of("activity", a) for a in history],
                    **({"history_error": unread} if unread else {}),
                }
            )
        )
        return
    today = env.today()
    the_plan = workplan.plans[t.plan]
    out = [
        f"{t.label} {clean(t.title)}",
        f"  plan:     {the_plan.label} {clean(the_plan.title)}",
        f"  owner:    {render.owner_text(workplan, t.owner)}",
        f"  status:   {t.status}" + (f" ({clean(t.blocked_reason)})" if t.status == "blocked" else ""),
        f"  progress: {render.bar(t.progress)} {t.progress}%",
        f"  due:      {due_full(t, today)}",
    ]
    if t.start:
        out.append(f"  start:    {t.start}")
    from workplan_tui.model.schedule import task_health

    health, why = task_health(t, workplan, today)
    out.append(f"  health:   {HEALTH_WORDS[health]}" + (f": {clean(why)}" if why else ""))
    if t.outcome is not None and t.outcome in workplan.outcomes:
        out.append(f"  outcome:  O{t.outcome} {render.outcome_line(workplan.outcomes[t.outcome])}")
    if t.meeting is not None and t.meeting in workplan.meetings:
        m = workplan.meetings[t.meeting]
        out.append(f"  meeting:  {m.label} {clean(m.title)}, {m.day} (an action item)")
    out += _schedule_lines(workplan, t, today)
    if t.notes:
        out.append("  notes:    " + clean(t.notes, multiline=True).replace("\n", "\n            "))
    if t.updates:
        out.append("Updates:")
        for u in t.updates:
            out.append(f"  {stamp(u.at)}  {clean(u.by)}: {clean(u.text)}")
    if history or unread:
        out.append("History:" if not unread else f"History: cannot be read: {unread}")
        cols = render.width()
        names = names_of(env, workplan)
        for a in history:
            out.append(render.fit(f"  {log_line(a, names, titled=False)}", cols))
    click.echo(render.wrap("\n".join(out)))
