"""``workplan plan`` and ``workplan vote``: work plans and their buy-in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import (
    CONTEXT,
    Env,
    HelpGroup,
    changed_fields,
    complete_partners,
    due_date,
    emit,
    fail,
    id_argument,
    json_option,
    need_changes,
    pass_env,
    rev_option,
    start_date,
)
from workplan_tui.model import contract, dates, forecast, rules
from workplan_tui.model.forecast import HEALTH_WORDS
from workplan_tui.model.records import POSITIONS, RULES, TASK_STATUSES, Plan, Workplan, label
from workplan_tui.model.text import clean
from workplan_tui.store import actions

# --- plans and votes ----------------------------------------------------------------------


@click.group(cls=HelpGroup, context_settings=CONTEXT)
def plan() -> None:
    """Work plans (boards): draft → proposed → active → completed / archived."""


@plan.command("add")
@click.argument("title")
@click.option("--scope", default="", help="What the plan covers, in a sentence or two.")
@click.option(
    "--rule",
    type=click.Choice(RULES),
    default="consensus",
    show_default=True,
    help="The buy-in the plan needs to become active.",
)
@click.option("--start", default=None, metavar="DATE", help="When its work starts: e.g. mon, dec 1, 2026-12-01.")
@click.option("--end", default=None, metavar="DATE", help="When it should be done: e.g. eom, mar 31, in 12 weeks.")
@click.option(
    "--lead", default=None, metavar="CODE", shell_complete=complete_partners, help="The partner that leads it."
)
@json_option
@pass_env
def plan_add(
    env: Env, title: str, scope: str, rule: str, start: str | None, end: str | None, lead: str | None, as_json: bool
) -> None:
    """Add a work plan; it starts as a draft.

    The rule says what buy-in it needs to become active: consensus (everyone agrees, nobody
    blocks), partners (every partner organisation agrees) or majority. With a start and an
    end, its forecast says whether its tasks and outcomes will be done in time; without,
    it says what date they need.

    \b
    Example:
      workplan plan add 'Winter boxes' --start 'dec 1' --end 'mar 31'
    """
    record = actions.add_plan(
        env.store, title, scope, rule, start=start_date(env, start), end=start_date(env, end), lead=lead
    )
    led = f", led by {clean(record.lead)}" if record.lead else ""
    emit(record, as_json, f"Added plan {record.label}: {clean(title)} (draft, rule: {rule}{led}{_span(env, record)})")


@plan.command("list")
@json_option
@pass_env
def plan_list(env: Env, as_json: bool) -> None:
    """List the plans with their progress and buy-in.

    \b
    Example:
      workplan plan list
    """
    workplan = env.read()
    from workplan_tui.model import overview  # only here: start-up time

    figures = overview.plan_figures(workplan, env.today())
    if as_json:
        click.echo(
            render.to_json(
                [
                    {
                        **contract.of("plans", f.plan),
                        "progress": round(f.progress, 1),
                        "buy_in": f.buyin.tally,
                        "tasks": len(f.tasks),
                        "forecast": f.forecast.as_json(),
                    }
                    for f in figures
                ]
            )
        )
        return
    if not figures:
        click.echo("No plans yet: workplan plan add TITLE")
        return
    rows = [
        [
            f.plan.label,
            f.plan.title,
            f.plan.status,
            HEALTH_WORDS[f.forecast.health],
            f"{render.bar(f.progress, 10)} {f.progress:3.0f}%",
            f.buyin.summary() + (f" · {f.closing}" if f.closing else ""),
        ]
        for f in figures
    ]
    click.echo(render.table(rows, ["ID", "TITLE", "STATUS", "HEALTH", "PROGRESS", "BUY-IN"], flex=1))
    click.echo("Why:")
    for f in figures:
        click.echo(render.wrap(f"  {f.plan.label:<5} {render.health(f.forecast)}"))


@plan.command("show")
@id_argument("plan_id", "plans")
@json_option
@pass_env
def plan_show(env: Env, plan_id: int, as_json: bool) -> None:
    """Show a plan in full: progress and how it is computed, buy-in, outcomes and tasks.

    \b
    Example:
      workplan plan show P2
    """
    workplan = env.read()
    the_plan = workplan.plans.get(plan_id)
    if the_plan is None:
        fail(f"no plan {label('plans', plan_id)}; see 'workplan plan list'")
    from workplan_tui.model import overview  # only here: start-up time

    fig = next(f for f in overview.plan_figures(workplan, env.today()) if f.plan.id == plan_id)
    votes = workplan.current_votes(plan_id)
    closed = rules.is_closed(the_plan, env.today())
    late = rules.not_voted_by_close(the_plan, workplan.members, workplan.votes) if closed else []
    if as_json:
        click.echo(
            render.to_json(
                {
                    **contract.of("plans", the_plan),
                    "progress": round(fig.progress, 1),
                    "progress_formula": rules.PLAN_PROGRESS_FORMULA,
                    "forecast": fig.forecast.as_json(),
                    "buy_in": {
                        "tally": fig.buyin.tally,
                        "not_voted": fig.buyin.not_voted,
                        "may_activate": fig.buyin.ok,
                        "missing": fig.buyin.reasons,
                        "votes": {h: contract.of("votes", v) for h, v in votes.items()},
                        "not_voted_by_close": late,
                    },
                    "outcomes": [
                        {**contract.of("outcomes", o), "forecast": fig.outcome_forecasts[o.id].as_json()}
                        for o in fig.outcomes
                    ],
                    "tasks": [contract.of("tasks", t) for t in fig.tasks],
                    **_schedule_json(workplan, plan_id, env.today()),
                }
            )
        )
        return
    today = env.today()
    out = [f"{the_plan.label} {clean(the_plan.title)}  [{the_plan.status}]  rule: {the_plan.rule}"]
    if the_plan.scope:
        out.append(f"Scope: {clean(the_plan.scope)}")
    span = _span(env, the_plan, "")
    out.append(f"Dates: {span}" if span else "Dates: no start or end ('workplan plan edit --start --end')")
    out.append(f"Health: {render.health(fig.forecast)}")
    numbers = forecast.plan_numbers(fig.forecast, today)
    if numbers:
        out.append(f"  {numbers}")
    o_mean = [rules.outcome_progress(o.baseline, o.target, o.current) for o in fig.outcomes]
    t_mean = [t.progress for t in fig.tasks]
    parts = []
    if o_mean:
        parts.append(f"outcomes {sum(o_mean) / len(o_mean):.0f}%")
    if t_mean:
        parts.append(f"tasks {sum(t_mean) / len(t_mean):.0f}%")
    how = f" = mean of ({', '.join(parts)})" if len(parts) == 2 else (f" = {parts[0]}" if parts else "")
    out.append(f"Progress: {render.bar(fig.progress)} {fig.progress:.0f}%{how}")
    out.append(f"  ({rules.PLAN_PROGRESS_FORMULA})")
    out.append(f"Buy-in: {fig.buyin.summary()}")
    for handle, v in sorted(votes.items()):
        comment = f' "{clean(v.comment)}"' if v.comment else ""
        out.append(f"  {clean(handle):<12} {v.position:<9}{comment}")
    if fig.buyin.not_voted:
        out.append(f"  not voted: {clean(', '.join(fig.buyin.not_voted))}")
    out.append(f"  {clean(rules.buyin_words(the_plan, fig.buyin))}")
    if the_plan.closes:
        who = f"; had not voted by then: {clean(', '.join(late))}" if late else ""
        out.append(f"  {rules.closing_words(the_plan, today)}{who}")
    if fig.outcomes:
        out.append("Outcomes:")
        for o in fig.outcomes:
            f = fig.outcome_forecasts[o.id]
            due = f"  {dates.format_due(o.due, today=today, done=f.health == 'met')}" if o.due else ""
            out.append(f"  {o.label:<5} {render.outcome_line(o)}{due}")
            out.append(f"        {render.health(f)}")
            numbers = forecast.outcome_numbers(f, o.unit)
            if numbers:
                out.append(f"        {numbers}")
    out += _milestone_lines(workplan, plan_id, today)
    out.append(f"Tasks ({len(fig.tasks)}):")
    cols = render.width()
    for t in sorted(fig.tasks, key=lambda t: (TASK_STATUSES.index(t.status), t.due or "9999", t.id)):
        out.append(_task_row(workplan, t, today, cols))
    click.echo(render.wrap("\n".join(out)))


def _schedule_json(workplan: Workplan, plan_id: int, today: date) -> dict[str, Any]:
    """``plan show --json``'s milestones (with forecasts) and dates that cannot work."""
    from workplan_tui.cli.milestones import forecast_json
    from workplan_tui.model.schedule import Schedule, milestone_forecast, milestones_of

    schedule = Schedule(workplan)
    return {
        "milestones": [
            forecast_json(m, milestone_forecast(m, workplan, today, schedule)) for m in milestones_of(workplan, plan_id)
        ],
        "date_problems": [
            {"task": p.task.label, "with": p.other, "text": p.text} for p in schedule.all_problems(today, [plan_id])
        ],
    }


def _milestone_lines(workplan: Workplan, plan_id: int, today: date) -> list[str]:
    """The plan's milestones with their forecasts, and its dates that cannot work."""
    from workplan_tui.cli.milestones import milestone_line
    from workplan_tui.model.schedule import Schedule, milestone_forecast, milestones_of

    schedule = Schedule(workplan)
    out = []
    milestones = milestones_of(workplan, plan_id)
    if milestones:
        out.append("Milestones:")
        out += [f"  {milestone_line(m, milestone_forecast(m, workplan, today, schedule), today)}" for m in milestones]
    problems = schedule.all_problems(today, [plan_id])
    if problems:
        out.append("Dates that cannot work:")
        out += [f"  ✗ {clean(p.text)}" for p in problems]
    return out


def _task_row(workplan: Workplan, t: Any, today: date, cols: int) -> str:
    due = dates.format_due(t.due, today=today, done=t.status == "done") if t.due else ""
    return render.task_line(workplan, t, f"{t.status} {t.progress}% {due}".strip(), cols, " ")


_EXAMPLE_MORE = {"propose": " --closes fri"}


def _plan_move(action: str) -> Callable[..., None]:
    @id_argument("plan_id", "plans")
    @json_option
    @pass_env
    def command(env: Env, plan_id: int, as_json: bool, closes: str | None = None) -> None:
        when = due_date(env, closes) if closes is not None else None
        record = actions.move_plan(env.store, plan_id, action, closes=when)
        said = f"; buy-in {rules.closing_words(record, env.today())}" if record.closes and action == "propose" else ""
        emit(record, as_json, f"{record.label} is now {record.status}{said}")

    if action == "propose":
        command = click.option(
            "--closes",
            metavar="DATE",
            default=None,
            help="The day buy-in closes (fri, 'in 2 weeks', 2026-12-15): shown, and reminded to who has not voted.",
        )(command)

    command.__doc__ = {
        "propose": "Propose a draft plan for buy-in: members can vote on it from now on.\n\n    With --closes, "
        "the day by which votes are asked for: the Buy-in screen, status and the digests show it, and once "
        "it has passed, who had not voted by then. The rule is unchanged: a lead still activates.",
        "activate": "Make a proposed plan active; refused, with the reasons, without the buy-in its rule asks for.",
        "complete": "Mark an active plan completed.\n\n    It takes no new tasks or outcomes until reopened "
        "('workplan plan reopen'); those it has may still change.",
        "archive": "Archive a plan.\n\n    It, its tasks and its outcomes stop changing until it is reopened "
        "('workplan plan reopen'), which returns it to the status it had.",
    }[action] + f"\n\n    \b\n    Example:\n      workplan plan {action} P2{_EXAMPLE_MORE.get(action, '')}\n    "
    return command


for _action in ("propose", "activate", "complete", "archive"):
    plan.command(_action)(_plan_move(_action))


@plan.command("rename")
@id_argument("plan_id", "plans")
@click.argument("title")
@rev_option
@json_option
@pass_env
def plan_rename(env: Env, plan_id: int, title: str, rev: int | None, as_json: bool) -> None:
    """Give a plan a new title.

    An archived plan keeps its title: reopen it first.

    \b
    Example:
      workplan plan rename P1 "Community gardens 2027"
    """
    record = actions.edit_plan(env.store, plan_id, title=title, expected_rev=rev)
    _plan_result(env, record, as_json, f"{record.label} is now called {clean(record.title)}")


@plan.command("edit")
@id_argument("plan_id", "plans")
@click.option("--title", default=None, help="The new title.")
@click.option("--scope", default=None, help="What the plan covers ('' clears it).")
@click.option("--start", default=None, metavar="DATE", help="When its work starts ('none' clears it).")
@click.option("--end", default=None, metavar="DATE", help="When it should be done ('none' clears it).")
@click.option(
    "--closes", metavar="DATE", default=None, help="The day its buy-in closes (fri, 2026-12-15; 'none' clears it)."
)
@click.option(
    "--lead", default=None, metavar="CODE", shell_complete=complete_partners, help="The partner that leads it ('none')."
)
@rev_option
@json_option
@pass_env
@click.pass_context
def plan_edit(
    ctx: click.Context,
    env: Env,
    plan_id: int,
    title: str | None,
    scope: str | None,
    start: str | None,
    end: str | None,
    closes: str | None,
    lead: str | None,
    rev: int | None,
    as_json: bool,
) -> None:
    """Change a plan's title, scope, dates or lead partner.

    The rest stays as it is. Its dates are its start, its end and the day its buy-in
    closes; its lead is the partner that leads it. An archived plan cannot change: reopen
    it first. The decision rule has its own command ('workplan plan rule'). A plan whose
    end has passed and that is not completed is off track. A closing date is for a plan
    whose buy-in is undecided.

    \b
    Example:
      workplan plan edit P1 --scope "Raised beds at three schools" --end "mar 31"
    """
    dates_given = {k: start_date(env, v) for k, v in (("start", start), ("end", end)) if v is not None}
    given = (("title", title), ("scope", scope), ("closes", closes), ("dates", dates_given or None), ("lead", lead))
    need_changes(ctx, {k: v for k, v in given if v is not None})
    when = (due_date(env, closes) or "") if closes is not None else None
    led = None if lead is None else "" if lead.strip().lower() in ("none", "-", "") else lead
    record = actions.edit_plan(
        env.store, plan_id, title=title, scope=scope, dates=dates_given, closes=when, lead=led, expected_rev=rev
    )
    scope_text = f"; scope: {render.fit(record.scope, 60)}" if record.scope else ""
    scope_text += f"; led by {clean(record.lead)}" if record.lead else ""
    _plan_result(env, record, as_json, f"{record.label} {clean(record.title)}{scope_text}{_span(env, record, '; ')}")


def _span(env: Env, plan: Plan, lead: str = ", ") -> str:
    """'Fri 4 Dec to Wed 31 Mar 2027', as far as the plan has dates ('' without)."""
    today = env.today()
    start = f"from {dates.short_date(date.fromisoformat(plan.start), today=today)}" if plan.start else ""
    end = f"to {dates.short_date(date.fromisoformat(plan.end), today=today)}" if plan.end else ""
    both = " ".join(w for w in (start, end) if w)
    return f"{lead}{both}" if both else ""


@plan.command("rule")
@id_argument("plan_id", "plans")
@click.argument("rule", type=click.Choice(RULES), metavar="RULE")
@rev_option
@json_option
@pass_env
def plan_rule(env: Env, plan_id: int, rule: str, rev: int | None, as_json: bool) -> None:
    """Change how a plan decides its buy-in.

    RULE is consensus, partners or majority. consensus: every member has voted and none
    disagrees; partners: a member of
    each partner (that has members) agrees; majority: more than half of all
    members agree. A block vote stops a plan under every rule. The rule can change only
    while the plan is a draft or proposed: once active, its buy-in was decided
    under the rule it had.

    \b
    Example:
      workplan plan rule P1 majority
    """
    record = actions.set_rule(env.store, plan_id, rule, expected_rev=rev)
    workplan = env.read()
    the_plan = workplan.plans[plan_id]
    buyin = rules.buy_in(the_plan, workplan.members, workplan.current_votes(plan_id), workplan.partners)
    state = clean(rules.buyin_words(the_plan, buyin))
    _plan_result(env, record, as_json, f"{record.label} decides by {rule} ({buyin.summary()}; {state})")


@plan.command("reopen")
@id_argument("plan_id", "plans")
@rev_option
@json_option
@pass_env
def plan_reopen(env: Env, plan_id: int, rev: int | None, as_json: bool) -> None:
    """Reopen a completed or archived plan.

    A completed plan becomes active again: work resumes under the buy-in it had. An
    archived plan returns to the status it had when it was archived (draft,
    proposed, active or completed); one archived by an older version of workplan,
    which did not note that, returns as a draft, to be proposed again.

    \b
    Example:
      workplan plan reopen P1
    """
    record = actions.reopen_plan(env.store, plan_id, expected_rev=rev)
    emit(record, as_json, f"{record.label} is reopened: now {record.status}")


def _plan_result(env: Env, record: Plan, as_json: bool, text: str) -> None:
    if not changed_fields(env):
        text = f"{record.label} unchanged: it already has that value"
    emit(record, as_json, text)


@click.command("vote")
@id_argument("plan_id", "plans")
@click.argument("position", type=click.Choice(POSITIONS), metavar="POSITION")
@click.option("--comment", default="", help="Why (kept with the vote).")
@json_option
@pass_env
def vote_cmd(env: Env, plan_id: int, position: str, comment: str, as_json: bool) -> None:
    """Cast or change my buy-in vote on a plan.

    POSITION is agree, abstain, disagree or block. A member who disagrees or blocks says
    why with --comment, so the others know what would change their mind. A later vote
    replaces an earlier one; both stay in history.

    \b
    Examples:
      workplan vote P2 agree
      workplan vote P2 block --comment 'No cold storage until March'
    """
    problem = rules.vote_problem(position, comment)
    if problem:
        fail(f"{problem}: add --comment TEXT")
    record = actions.vote(env.store, plan_id, position, comment)
    workplan = env.read()
    the_plan = workplan.plans[plan_id]
    buyin = rules.buy_in(the_plan, workplan.members, workplan.current_votes(plan_id), workplan.partners)
    emit(record, as_json, f"{clean(env.user)} votes {position} on {the_plan.label} ({buyin.summary()})")
