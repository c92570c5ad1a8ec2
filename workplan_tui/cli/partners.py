"""``workplan partner`` and ``workplan member``: the organisations and the people."""

from __future__ import annotations

from typing import Any

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import (
    CONTEXT,
    Env,
    HelpGroup,
    changed_fields,
    complete_members,
    complete_partners,
    emit,
    json_option,
    need_changes,
    pass_env,
    rev_option,
)
from workplan_tui.model import contract
from workplan_tui.model.records import CONTRIBUTION_KINDS, ROLES
from workplan_tui.model.text import clean
from workplan_tui.store import actions

# --- partners and members ------------------------------------------------------------


@click.group(cls=HelpGroup, context_settings=CONTEXT)
def partner() -> None:
    """Partner organisations and what they contribute."""


def _contribution(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[Any]:
    result = []
    for value in values:
        kind, _, rest = value.partition(":")
        description, _, amount = rest.partition(":")
        if kind not in CONTRIBUTION_KINDS or not description.strip():
            raise click.BadParameter(
                f"{value!r}: use KIND:DESCRIPTION[:AMOUNT], KIND one of {', '.join(CONTRIBUTION_KINDS)}"
            )
        try:
            number = float(amount.replace(",", "")) if amount.strip() else None
        except ValueError:
            raise click.BadParameter(f"{value!r}: amount {amount!r} is not a number") from None
        result.append((kind, description, number))
    return result


@partner.command("add")
@click.argument("code")
@click.option("--name", required=True, help="The organisation's name.")
@click.option(
    "--contribution",
    "contributions",
    multiple=True,
    callback=_contribution,
    help="KIND:DESCRIPTION[:AMOUNT], e.g. staff:'2 gardeners':12000. Repeatable.",
)
@click.option("--short-term", default="", help="The partner's short-term interests.")
@click.option("--long-term", default="", help="The partner's long-term interests.")
@json_option
@pass_env
def partner_add(
    env: Env, code: str, name: str, contributions: list[Any], short_term: str, long_term: str, as_json: bool
) -> None:
    """Add a partner organisation with a short CODE such as PARKS.

    Codes are matched ignoring case everywhere. --contribution says what the partner brings;
    repeat it for more.

    \b
    Example:
      workplan partner add PARKS --name Parks --contribution staff:gardeners:9000
    """
    record = actions.add_partner(env.store, code, name, contributions, short_term, long_term)
    emit(record, as_json, f"Added partner {clean(code)}: {clean(name)}")


@partner.command("list")
@json_option
@pass_env
def partner_list(env: Env, as_json: bool) -> None:
    """List the partners, their members and contributions.

    \b
    Example:
      workplan partner list
    """
    workplan = env.read()
    if as_json:
        click.echo(
            render.to_json(
                [
                    {
                        **contract.of("partners", p),
                        "members": [m.handle for m in workplan.members.values() if m.partner == p.code],
                    }
                    for p in workplan.partners.values()
                ]
            )
        )
        return
    if not workplan.partners:
        click.echo("No partners yet: workplan partner add CODE --name NAME")
    for p in workplan.partners.values():
        members = [m.handle for m in workplan.members.values() if m.partner == p.code]
        click.echo(
            render.wrap(
                f"{clean(p.code)}  {clean(p.name)}  ({len(members)} members: {clean(', '.join(members)) or '-'})"
            )
        )
        for c in p.contributions:
            amount = f"  {render.number(c.amount)}" if c.amount is not None else ""
            click.echo(render.wrap(f"    {c.kind:<11} {clean(c.description)}{amount}"))


@partner.command("edit")
@click.argument("code", shell_complete=complete_partners)
@click.option("--name", default=None, help="The organisation's new name.")
@click.option(
    "--contribution",
    "contributions",
    multiple=True,
    callback=_contribution,
    help="KIND:DESCRIPTION[:AMOUNT]. Repeatable; the ones given replace the whole list.",
)
@click.option("--no-contributions", is_flag=True, help="Clear the list of contributions.")
@click.option("--interests-short", "--short-term", "interests_short", default=None, help="Short-term interests.")
@click.option("--interests-long", "--long-term", "interests_long", default=None, help="Long-term interests.")
@rev_option
@json_option
@pass_env
@click.pass_context
def partner_edit(
    ctx: click.Context,
    env: Env,
    code: str,
    name: str | None,
    contributions: list[Any],
    no_contributions: bool,
    interests_short: str | None,
    interests_long: str | None,
    rev: int | None,
    as_json: bool,
) -> None:
    """Change a partner's name, contributions or interests.

    Options not given stay as they are. --contribution replaces the whole list with
    the ones given (repeat it for each); --no-contributions empties it. The code
    itself cannot change.

    \b
    Example:
      workplan partner edit FOOD --name "Food Bank" --contribution staff:drivers
    """
    if contributions and no_contributions:
        raise click.UsageError("give --contribution or --no-contributions, not both", ctx)
    new_list = [] if no_contributions else (contributions or None)
    given = {"name": name, "contributions": new_list, "short": interests_short, "long": interests_long}
    need_changes(ctx, {k: v for k, v in given.items() if v is not None})
    record = actions.edit_partner(
        env.store,
        code,
        name=name,
        contributions=new_list,
        interests_short=interests_short,
        interests_long=interests_long,
        expected_rev=rev,
    )
    changed = changed_fields(env)
    code = record["code"]  # as the partner defines it (typed in any case)
    if not changed:
        text = f"{clean(code)} unchanged: it already has those values"
    else:
        count = len(record.get("contributions", []))
        text = f"Changed {clean(code)}: {', '.join(changed)} ({clean(record['name'])}, {count} contributions)"
    emit(record, as_json, text)


@partner.command("rm")
@click.argument("code", shell_complete=complete_partners)
@rev_option
@json_option
@pass_env
def partner_rm(env: Env, code: str, rev: int | None, as_json: bool) -> None:
    """Remove a partner organisation; 'workplan undo' brings it back.

    Refused while members belong to it (it names them): move them to another partner
    ('workplan member edit HANDLE --partner CODE') or remove them first.

    \b
    Example:
      workplan partner rm FOOD
    """
    record = actions.remove_partner(env.store, code, expected_rev=rev)
    emit(
        {**record, "removed": True},
        as_json,
        f"Removed partner {clean(record['code'])} ({clean(record['name'])}) ('workplan undo' brings it back)",
    )


@click.group(cls=HelpGroup, context_settings=CONTEXT)
def member() -> None:
    """People: who they are and which partner they belong to."""


@member.command("add")
@click.argument("handle")
@click.option("--name", required=True, help="Their name as the others know it.")
@click.option(
    "--partner",
    "partner_code",
    required=True,
    shell_complete=complete_partners,
    help="The CODE of the partner organisation they belong to.",
)
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@json_option
@pass_env
def member_add(env: Env, handle: str, name: str, partner_code: str, role: str, as_json: bool) -> None:
    """Add a member: a person of a partner organisation.

    HANDLE is their Unix login (what they are known as when they run workplan). The first member
    of a new file must be you.

    \b
    Example:
      workplan member add alice --name 'Alice Moreno' --partner PARKS --role lead
    """
    record = actions.add_member(env.store, handle, name, partner_code, role)
    emit(record, as_json, f"Added member {clean(handle)} ({clean(name)}, {clean(record['partner'])}, {role})")


@member.command("list")
@json_option
@pass_env
def member_list(env: Env, as_json: bool) -> None:
    """List the members, their partners and roles.

    \b
    Example:
      workplan member list --json
    """
    workplan = env.read()
    members = list(workplan.members.values())
    if as_json:
        click.echo(render.to_json([contract.of("members", m) for m in members]))
        return
    if not members:
        click.echo("No members yet: workplan member add HANDLE --name NAME --partner CODE")
        return
    rows = [[m.handle, m.name, m.partner, m.role] for m in members]
    click.echo(render.table(rows, ["HANDLE", "NAME", "PARTNER", "ROLE"], flex=1))


@member.command("edit")
@click.argument("handle", shell_complete=complete_members)
@click.option("--name", default=None, help="The new display name.")
@click.option(
    "--partner",
    "partner_code",
    default=None,
    metavar="CODE",
    shell_complete=complete_partners,
    help="Move them to this partner.",
)
@click.option("--role", type=click.Choice(ROLES), default=None, help="Their role: lead or member.")
@rev_option
@json_option
@pass_env
@click.pass_context
def member_edit(
    ctx: click.Context,
    env: Env,
    handle: str,
    name: str | None,
    partner_code: str | None,
    role: str | None,
    rev: int | None,
    as_json: bool,
) -> None:
    """Change a member's name, partner or role.

    The last lead cannot be made a member: nobody could then administer the file.
    Make someone else a lead first.

    \b
    Example:
      workplan member edit bob --role lead --partner PARKS
    """
    given = {"name": name, "partner": partner_code, "role": role}
    need_changes(ctx, {k: v for k, v in given.items() if v is not None})
    record = actions.edit_member(env.store, handle, name=name, role=role, partner=partner_code, expected_rev=rev)
    changed = changed_fields(env)
    summary = f"{clean(record['handle'])} ({clean(record['name'])}, {clean(record['partner'])}, {record.get('role')})"
    text = (
        f"Changed {summary}: {', '.join(changed)}" if changed else f"{summary} unchanged: it already has those values"
    )
    emit(record, as_json, text)


@member.command("rm")
@click.argument("handle", shell_complete=complete_members)
@rev_option
@json_option
@pass_env
def member_rm(env: Env, handle: str, rev: int | None, as_json: bool) -> None:
    """Remove a member; 'workplan undo' brings them back.

    Their open tasks become unassigned and are listed (tasks they finished keep
    them as owner; tasks of archived plans stay as they are). Their votes stay in
    the history but no longer count towards buy-in, and norms no longer wait for
    their agreement. Undo gives them back the tasks nobody has taken since.
    Refused for the last lead, the last member, and yourself (ask another member).

    \b
    Example:
      workplan member rm bob
    """
    record = actions.remove_member(env.store, handle, expected_rev=rev)
    tasks = record["unassigned_tasks"]
    lines = [f"Removed member {clean(handle)} ({clean(record['name'])}, {clean(record['partner'])})."]
    if tasks:
        lines.append(f"Their open tasks are now unassigned: {', '.join(tasks)}.")
    else:
        lines.append("They had no open tasks.")
    lines.append("Their votes stay in the history but no longer count. 'workplan undo' brings them back.")
    emit({**record, "removed": True}, as_json, render.wrap("\n".join(lines)))
