"""``workplan partner`` and ``workplan member``: the organisations and the people."""

from __future__ import annotations

from typing import Any

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import CONTEXT, Env, HelpGroup, complete_partners, emit, json_option, pass_env
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
