"""``workplan outcome``: measurable outcomes and their check-ins."""

from __future__ import annotations

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import (
    CONTEXT,
    Env,
    HelpGroup,
    complete_ids,
    due_date,
    emit,
    id_argument,
    ident,
    json_option,
    pass_env,
)
from workplan_tui.model import contract, dates, rules
from workplan_tui.model.text import clean
from workplan_tui.store import actions

# --- outcomes ----------------------------------------------------------------------------------


@click.group(cls=HelpGroup, context_settings=CONTEXT)
def outcome() -> None:
    """Measurable outcomes of a plan and their check-ins."""


@outcome.command("add")
@id_argument("plan_id", "plans")
@click.argument("name")
@click.option("--target", type=float, required=True, help="The value to reach.")
@click.option("--baseline", type=float, default=0.0, show_default=True, help="Where it starts (default 0).")
@click.option("--unit", default="", help="What it counts: meals, beds, % and so on.")
@click.option("--due", default=None, help="When: e.g. end of month, dec 15, in 6 weeks, 2026-12-15.")
@json_option
@pass_env
def outcome_add(
    env: Env, plan_id: int, name: str, target: float, baseline: float, unit: str, due: str | None, as_json: bool
) -> None:
    """Add a measurable outcome to a plan: where it starts, the target and the unit.

    Its progress is (current - baseline) / (target - baseline), from 0 to 100%.

    \b
    Example:
      workplan outcome add P2 'Beds built' --target 40 --unit beds --due eom
    """
    record = actions.add_outcome(env.store, plan_id, name, target, baseline, unit, due_date(env, due))
    emit(
        record,
        as_json,
        f"Added outcome {record['id']}: {clean(name)} "
        f"({render.number(baseline)} → {render.number(target)}{' ' + clean(unit) if unit else ''})"
        + (f" · {dates.format_due(record['due'], today=env.today(), dated=True)}" if record.get("due") else ""),
    )


@outcome.command("checkin")
@id_argument("outcome_id", "outcomes")
@click.argument("value", type=float)
@click.option("--note", default="", help="What happened since the last check-in.")
@json_option
@pass_env
def outcome_checkin(env: Env, outcome_id: int, value: float, note: str, as_json: bool) -> None:
    """Record the outcome's current value (a check-in), with a note.

    \b
    Example:
      workplan outcome checkin O1 28 --note 'Oak Street beds done'
    """
    record = actions.checkin(env.store, outcome_id, value, note)
    o = env.read().outcomes[outcome_id]
    emit(record, as_json, f"{o.label}: {render.outcome_line(o)}")


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
    items = [o for o in workplan.outcomes.values() if plan_id is None or o.plan == plan_id]
    if as_json:
        click.echo(
            render.to_json(
                [
                    {
                        **contract.of("outcomes", o),
                        "progress": round(rules.outcome_progress(o.baseline, o.target, o.current), 1),
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
        due = f"  {dates.format_due(o.due, today=env.today())}" if o.due else ""
        click.echo(render.wrap(f"{o.label:<5} P{o.plan:<3} {render.bar(pct, 10)} {render.outcome_line(o)}{due}"))
