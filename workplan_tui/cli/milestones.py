"""``workplan milestone``: days in a plan by which some of its tasks and outcomes must be done."""

from __future__ import annotations

from datetime import date

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import (
    CONTEXT,
    Env,
    HelpGroup,
    complete_ids,
    due_date,
    emit,
    fail,
    id_argument,
    ident,
    ids_of,
    json_option,
    pass_env,
    rev_option,
)
from workplan_tui.model import contract, dates
from workplan_tui.model.records import Milestone, Workplan, label, parse_label
from workplan_tui.model.schedule import MilestoneForecast, Schedule, milestone_forecast
from workplan_tui.model.text import clean
from workplan_tui.store import actions


@click.group(cls=HelpGroup, context_settings=CONTEXT)
def milestone() -> None:
    """Milestones: a day in a plan by which some of its tasks and outcomes must be done."""


def forecast_json(m: Milestone, f: MilestoneForecast) -> dict[str, object]:
    """A milestone in the JSON contract with its forecast (``"forecast"``: health, reason, the
    open tasks and the outcomes short of their target)."""
    return {
        **contract.of("milestones", m),
        "forecast": {
            "health": f.health,
            "reason": f.reason,
            "open_tasks": [t.label for t in f.open_tasks],
            "open_outcomes": [o.label for o in f.open_outcomes],
        },
    }


def milestone_line(m: Milestone, f: MilestoneForecast, today: date) -> str:
    """'D1 Beds ready · Fri 11 Dec · at risk: T14 overdue; 2 of 5 tasks open'."""
    when = dates.format_due(m.due, today=today, dated=True).removeprefix("due ")
    return f"{m.label} {clean(m.name)} · {when} · {f.words}: {clean(f.reason)}"


@milestone.command("add")
@id_argument("plan_id", "plans")
@click.argument("name")
@click.option("--due", required=True, help="Its day: e.g. fri, dec 15, end of month, 2026-12-15.")
@click.option(
    "--task",
    "tasks",
    multiple=True,
    metavar="T1",
    shell_complete=complete_ids("tasks"),
    help="A task of the plan that must be done by then (repeat it, or T1,T2).",
)
@click.option(
    "--outcome",
    "outcomes",
    multiple=True,
    metavar="O1",
    shell_complete=complete_ids("outcomes"),
    help="An outcome of the plan that must reach its target by then.",
)
@json_option
@pass_env
def milestone_add(
    env: Env, plan_id: int, name: str, due: str, tasks: tuple[str, ...], outcomes: tuple[str, ...], as_json: bool
) -> None:
    """Add a milestone to a plan: a name, a day, and the tasks and outcomes due by then.

    It has a health as an outcome has: met, on track, at risk, off track (missed, or due to be
    by the plan's own dates) or no data.

    \b
    Example:
      workplan milestone add P2 'Beds ready' --due 'dec 11' --task T9,T10
    """
    day = due_date(env, due)
    if day is None:
        fail("--due: a milestone needs a day")
    record = actions.add_milestone(
        env.store,
        plan_id,
        name,
        day,
        tasks=ids_of(tasks, "tasks", "--task"),
        outcomes=ids_of(outcomes, "outcomes", "--outcome"),
    )
    when = dates.format_due(record.due, today=env.today(), dated=True)
    emit(record, as_json, f"Added milestone {record.label}: {clean(record.name)}, {when}")


@milestone.command("edit")
@id_argument("milestone_id", "milestones")
@click.option("--name", default=None, help="The new name.")
@click.option("--due", default=None, help="Its new day.")
@click.option("--add", "add", multiple=True, metavar="T1|O1", help="A task or outcome to add (repeatable).")
@click.option("--drop", "drop", multiple=True, metavar="T1|O1", help="A task or outcome to take out (repeatable).")
@rev_option
@json_option
@pass_env
def milestone_edit(
    env: Env,
    milestone_id: int,
    name: str | None,
    due: str | None,
    add: tuple[str, ...],
    drop: tuple[str, ...],
    rev: int | None,
    as_json: bool,
) -> None:
    """Rename a milestone, move its day, add or take out tasks and outcomes.

    \b
    Example:
      workplan milestone edit D1 --due 'dec 18' --add T14 --drop O3
    """
    if name is None and due is None and not add and not drop:
        raise click.UsageError("say what to change: --name, --due, --add, --drop")
    split = {
        "add": _split(add, "--add"),
        "drop": _split(drop, "--drop"),
    }
    record = actions.edit_milestone(
        env.store,
        milestone_id,
        name=name,
        due=due_date(env, due) if due is not None else None,
        add_tasks=split["add"][0],
        add_outcomes=split["add"][1],
        drop_tasks=split["drop"][0],
        drop_outcomes=split["drop"][1],
        expected_rev=rev,
    )
    _show(env, record, as_json, prefix="Changed ")


def _split(values: tuple[str, ...], option: str) -> tuple[list[int], list[int]]:
    """T1 and O1 labels given to --add or --drop, as (task ids, outcome ids)."""
    tasks: list[int] = []
    outcomes: list[int] = []
    for value in values:
        for part in value.replace(",", " ").split():
            table = "outcomes" if part[:1].upper() == "O" else "tasks"
            try:
                (outcomes if table == "outcomes" else tasks).append(parse_label(part, table))
            except ValueError as exc:
                fail(f"{option}: {exc}")
    return tasks, outcomes


@milestone.command("rm")
@id_argument("milestone_id", "milestones")
@rev_option
@json_option
@pass_env
def milestone_rm(env: Env, milestone_id: int, rev: int | None, as_json: bool) -> None:
    """Remove a milestone (its tasks and outcomes stay); 'workplan undo' brings it back.

    \b
    Example:
      workplan milestone rm D1
    """
    record = actions.remove_milestone(env.store, milestone_id, expected_rev=rev)
    emit(record, as_json, f"Removed {record.label} {clean(record.name)} ('workplan undo' brings it back)", removed=True)


@milestone.command("list")
@click.option(
    "--plan",
    "plan_id",
    callback=lambda c, p, v: None if v is None else ident("plans")(c, p, v),
    shell_complete=complete_ids("plans"),
    help="Only the milestones of this plan (for example P2).",
)
@json_option
@pass_env
def milestone_list(env: Env, plan_id: int | None, as_json: bool) -> None:
    """List the milestones, soonest first, each with its forecast and what is still open.

    \b
    Example:
      workplan milestone list --plan P2
    """
    workplan = env.read()
    today = env.today()
    schedule = Schedule(workplan)
    items = sorted(
        (m for m in workplan.milestones.values() if plan_id is None or m.plan == plan_id), key=lambda m: (m.due, m.id)
    )
    found = [(m, milestone_forecast(m, workplan, today, schedule)) for m in items]
    if as_json:
        click.echo(render.to_json([forecast_json(m, f) for m, f in found]))
        return
    if not found:
        click.echo("No milestones yet: workplan milestone add P1 NAME --due DATE --task T1")
        return
    cols = render.width()
    for m, f in found:
        click.echo(render.wrap(f"{label('plans', m.plan)} {milestone_line(m, f, today)}", cols))


@milestone.command("show")
@id_argument("milestone_id", "milestones")
@json_option
@pass_env
def milestone_show(env: Env, milestone_id: int, as_json: bool) -> None:
    """Show a milestone: its forecast, and each of its tasks and outcomes.

    \b
    Example:
      workplan milestone show D1
    """
    workplan = env.read()
    m = workplan.milestones.get(milestone_id)
    if m is None:
        fail(f"no milestone {label('milestones', milestone_id)}; see 'workplan milestone list'")
    _show(env, m, as_json, workplan=workplan)


def _show(env: Env, m: Milestone, as_json: bool, *, prefix: str = "", workplan: Workplan | None = None) -> None:
    workplan = workplan or env.read()
    today = env.today()
    f = milestone_forecast(m, workplan, today)
    if as_json:
        click.echo(render.to_json(forecast_json(m, f)))
        return
    cols = render.width()
    out = [render.wrap(f"{prefix}{milestone_line(m, f, today)}", cols)]
    for tid in m.tasks:
        t = workplan.tasks.get(tid)
        if t is not None:
            due = dates.format_due(t.due, today=today, done=t.status == "done") if t.due else "no due date"
            out.append(render.task_line(workplan, t, f"{t.status} · {due}", cols, "✓" if t.status == "done" else " "))
    for oid in m.outcomes:
        o = workplan.outcomes.get(oid)
        if o is not None:
            out.append(render.fit(f"    {o.label:<6} {render.outcome_line(o)}", cols))
    click.echo("\n".join(out))
