"""``workplan outcome``: measurable outcomes and their check-ins."""

from __future__ import annotations

from datetime import date

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import (
    CONTEXT,
    NUMBER,
    Env,
    HelpGroup,
    changed_fields,
    complete_ids,
    complete_partners,
    due_date,
    emit,
    fail,
    id_argument,
    ident,
    json_option,
    log_line,
    names_of,
    need_changes,
    pass_env,
    rev_option,
    start_date,
)
from workplan_tui.model import contract, dates, forecast, rules
from workplan_tui.model.records import CONFIDENCES, Outcome, Workplan, label
from workplan_tui.model.text import clean, stamp
from workplan_tui.store import actions
from workplan_tui.store.storage import StoreError

# --- outcomes ----------------------------------------------------------------------------------


@click.group(cls=HelpGroup, context_settings=CONTEXT)
def outcome() -> None:
    """Measurable outcomes of a plan and their check-ins."""


@outcome.command("add")
@id_argument("plan_id", "plans")
@click.argument("name")
@click.option("--target", type=NUMBER, required=True, help="The value to reach.")
@click.option("--baseline", type=NUMBER, default=0.0, show_default=True, help="Where it starts (default 0).")
@click.option("--unit", default="", help="What it counts: meals, beds, % and so on.")
@click.option("--due", default=None, help="When: e.g. end of month, dec 15, in 6 weeks, 2026-12-15.")
@click.option("--start", default=None, metavar="DATE", help="When it starts to count (default: the plan's start).")
@click.option(
    "--lead", default=None, metavar="CODE", shell_complete=complete_partners, help="The partner that leads it."
)
@json_option
@pass_env
def outcome_add(
    env: Env,
    plan_id: int,
    name: str,
    target: float,
    baseline: float,
    unit: str,
    due: str | None,
    start: str | None,
    lead: str | None,
    as_json: bool,
) -> None:
    """Add a measurable outcome to a plan: where it starts, the target and the unit.

    Its progress is (current - baseline) / (target - baseline), from 0 to 100%. With a due
    date, its forecast says whether the pace of its check-ins reaches the target in time.

    \b
    Example:
      workplan outcome add P2 'Beds built' --target 40 --unit beds --due eom
    """
    record = actions.add_outcome(
        env.store, plan_id, name, target, baseline, unit, due_date(env, due), start=start_date(env, start), lead=lead
    )
    emit(
        record,
        as_json,
        f"Added outcome {record.label}: {clean(name)} "
        f"({render.number(baseline)} → {render.number(target)}{' ' + clean(unit) if unit else ''})"
        + (f" · {dates.format_due(record.due, today=env.today(), dated=True)}" if record.due else ""),
    )


@outcome.command("checkin")
@id_argument("outcome_id", "outcomes")
@click.argument("value", type=NUMBER)
@click.option("--note", default="", help="What happened since the last check-in: the story behind the curve.")
@click.option(
    "--confidence",
    type=click.Choice(CONFIDENCES),
    default=None,
    help="How sure you are of reaching the target on time.",
)
@json_option
@pass_env
def outcome_checkin(env: Env, outcome_id: int, value: float, note: str, confidence: str | None, as_json: bool) -> None:
    """Record the outcome's current value (a check-in), with a note and your confidence.

    \b
    Example:
      workplan outcome checkin O1 28 --note 'Oak Street done' --confidence high
    """
    record = actions.checkin(env.store, outcome_id, value, note, confidence)
    workplan = env.read()
    o = workplan.outcomes[outcome_id]
    f = forecast.of_outcome(o, workplan.plans.get(o.plan), env.today())
    emit(record, as_json, f"{o.label}: {render.outcome_line(o)}\n{o.label} is {render.health(f)}")


@outcome.command("list")
@click.option(
    "--plan",
    "plan_id",
    callback=lambda c, p, v: None if v is None else ident("plans")(c, p, v),
    shell_complete=complete_ids("plans"),
    help="Only the outcomes of this plan (for example P2).",
)
@json_option
@pass_env
def outcome_list(env: Env, plan_id: int | None, as_json: bool) -> None:
    """List the outcomes with their progress towards their targets.

    \b
    Example:
      workplan outcome list --plan P2
    """
    workplan = env.read()
    today = env.today()
    items = [o for o in workplan.outcomes.values() if plan_id is None or o.plan == plan_id]
    forecasts = {o.id: _forecast(workplan, o, today) for o in items}
    if as_json:
        click.echo(
            render.to_json(
                [
                    {
                        **contract.of("outcomes", o),
                        "progress": round(rules.outcome_progress(o.baseline, o.target, o.current), 1),
                        "forecast": forecasts[o.id].as_json(),
                    }
                    for o in items
                ]
            )
        )
        return
    if not items:
        click.echo("No outcomes: workplan outcome add PLAN_ID NAME --target N")
    for o in items:
        pct = rules.outcome_progress(o.baseline, o.target, o.current)
        f = forecasts[o.id]
        due = f"  {_due(o, f, today)}" if o.due else ""
        click.echo(render.wrap(f"{o.label:<5} P{o.plan:<3} {render.bar(pct, 10)} {render.outcome_line(o)}{due}"))
        click.echo(render.wrap(f"            {render.health(f)}"))
        numbers = forecast.outcome_numbers(f, o.unit)
        if numbers:
            click.echo(render.wrap(f"            {numbers}"))


def _forecast(workplan: Workplan, o: Outcome, today: date) -> forecast.Forecast:
    return forecast.of_outcome(o, workplan.plans.get(o.plan), today)


def _due(o: Outcome, f: forecast.Forecast, today: date) -> str:
    """When it is due, in words; a met outcome is never "overdue" (it was due then)."""
    return dates.format_due(o.due, today=today, done=f.health == "met")


@outcome.command("show")
@id_argument("outcome_id", "outcomes")
@json_option
@pass_env
def outcome_show(env: Env, outcome_id: int, as_json: bool) -> None:
    """An outcome in full, with its check-ins and linked tasks.

    \b
    Example:
      workplan outcome show O3
    """
    workplan = env.read()
    o = workplan.outcomes.get(outcome_id)
    if o is None:
        fail(f"no outcome {label('outcomes', outcome_id)}; see 'workplan outcome list'")
    tasks = sorted((t for t in workplan.tasks.values() if t.outcome == outcome_id), key=lambda t: t.id)
    progress = rules.outcome_progress(o.baseline, o.target, o.current)
    today = env.today()
    f = _forecast(workplan, o, today)
    try:
        history, unread = env.store.history().of_record(o.label), ""
    except StoreError as exc:  # the outcome itself is still worth showing
        history, unread = [], clean(str(exc))
    if as_json:
        click.echo(
            render.to_json(
                {
                    **contract.of("outcomes", o),
                    "progress": round(progress, 1),
                    "forecast": f.as_json(),
                    "tasks": [t.label for t in tasks],
                    "history": [contract.of("activity", a) for a in history],
                    **({"history_error": unread} if unread else {}),
                }
            )
        )
        return
    the_plan = workplan.plans[o.plan]
    unit = f" {clean(o.unit)}" if o.unit else ""
    out = [
        f"{o.label} {clean(o.name)}",
        f"  plan:     {the_plan.label} {clean(the_plan.title)}  [{the_plan.status}]",
        f"  progress: {render.bar(progress)} {progress:.0f}%",
        f"  current:  {render.number(o.current)}{unit} (baseline {render.number(o.baseline)}, "
        f"target {render.number(o.target)})",
        f"  due:      {o.due} · {_due(o, f, today)}" if o.due else "  due:      -",
        f"  start:    {start} ({'its own' if o.start else 'the plan' if the_plan.start else 'the day it was added'})"
        if (start := forecast.outcome_start(o, the_plan))
        else "  start:    -",
        f"  health:   {render.health(f)}",
    ]
    numbers = forecast.outcome_numbers(f, o.unit)
    if numbers:
        out.append(f"            {numbers}")
    if f.pace_per_week is not None:
        out.append(f"            (pace: {forecast.PACE_METHOD})")
    out.append(f"Check-ins ({len(o.checkins)}):" if o.checkins else "Check-ins: none yet ('workplan outcome checkin')")
    for c in o.checkins:
        note = f"  {clean(c.note)}" if c.note else ""
        sure = f"  ({c.confidence} confidence)" if c.confidence else ""
        out.append(f"  {stamp(c.at)}  {clean(c.by)}  {render.number(c.value)}{unit}{sure}{note}")
    out.append(f"Tasks ({len(tasks)}):" if tasks else "Tasks: none linked")
    cols = render.width()
    for t in tasks:
        out.append(render.task_line(workplan, t, f"{t.status} {t.progress}%", cols))
    if history or unread:
        out.append("History:" if not unread else f"History: cannot be read: {unread}")
        names = names_of(env, workplan)
        for a in history:
            out.append(render.fit(f"  {log_line(a, names, titled=False)}", cols))
    click.echo(render.wrap("\n".join(out)))


@outcome.command("edit")
@id_argument("outcome_id", "outcomes")
@click.option("--name", default=None, help="The new name.")
@click.option("--unit", default=None, help="e.g. meals, beds, % ('' clears it).")
@click.option("--baseline", type=NUMBER, default=None, help="Where it started.")
@click.option("--target", type=NUMBER, default=None, help="The value to reach.")
@click.option("--due", default=None, metavar="DATE", help="e.g. eom, 2026-12-15 ('none' clears it).")
@click.option("--start", default=None, metavar="DATE", help="When it starts to count ('none': the plan's start).")
@click.option(
    "--lead", default=None, metavar="CODE", shell_complete=complete_partners, help="The partner that leads it ('none')."
)
@rev_option
@json_option
@pass_env
@click.pass_context
def outcome_edit(
    ctx: click.Context,
    env: Env,
    outcome_id: int,
    name: str | None,
    unit: str | None,
    baseline: float | None,
    target: float | None,
    due: str | None,
    start: str | None,
    lead: str | None,
    rev: int | None,
    as_json: bool,
) -> None:
    """Change an outcome's name, unit, baseline, target, dates or lead.

    Its dates are its start and its due date; its lead is the partner that leads it.

    The current value and the check-ins stay as they are ('workplan outcome checkin'
    records a new value). An outcome of an archived plan cannot change: reopen the
    plan first.

    \b
    Example:
      workplan outcome edit O3 --target 50 --due "end of month"
    """
    fields: dict[str, object] = {}
    for key, value in (("name", name), ("unit", unit), ("baseline", baseline), ("target", target)):
        if value is not None:
            fields[key] = value
    if due is not None:
        fields["due"] = due_date(env, due)
    if start is not None:
        fields["start"] = start_date(env, start)
    if lead is not None:
        fields["lead"] = None if lead.strip().lower() in ("none", "-", "") else lead
    need_changes(ctx, fields)
    record = actions.edit_outcome(env.store, outcome_id, fields, expected_rev=rev)
    changed = changed_fields(env)
    o = env.read().outcomes[outcome_id]
    if not changed:
        text = f"{o.label} unchanged: it already has those values"
    else:
        text = f"Changed {o.label}: {', '.join(changed)}\n{o.label}: {render.outcome_line(o)}"
    emit(record, as_json, text)


@outcome.command("rm")
@id_argument("outcome_id", "outcomes")
@click.option("--unlink", is_flag=True, help="Also take the link off the tasks that point to it.")
@rev_option
@json_option
@pass_env
def outcome_rm(env: Env, outcome_id: int, unlink: bool, rev: int | None, as_json: bool) -> None:
    """Remove an outcome; 'workplan undo' brings it back.

    Its check-ins go with it, and come back with it. While tasks link to the
    outcome it is refused, naming them, unless --unlink: then those tasks lose the
    link (each change logged on the task), and 'workplan undo' links them again. An
    outcome of an archived plan cannot be removed.

    \b
    Example:
      workplan outcome rm O3 --unlink
    """
    outcome, tasks = actions.remove_outcome(env.store, outcome_id, unlink=unlink, expected_rev=rev)
    unlinked = [label("tasks", t) for t in tasks]
    text = f"Removed {outcome.label} {render.fit(outcome.name, 50)}"
    if unlinked:
        text += f"; unlinked {', '.join(unlinked)}"
    emit(outcome, as_json, text + " ('workplan undo' brings it back)", unlinked_tasks=unlinked, removed=True)
