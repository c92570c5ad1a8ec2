"""``workplan norm``: the behaviour the partnership agrees."""

from __future__ import annotations

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import CONTEXT, Env, HelpGroup, emit, id_argument, json_option, pass_env
from workplan_tui.model import contract
from workplan_tui.model.text import clean
from workplan_tui.store import actions

# --- norms ----------------------------------------------------------------------------


@click.group(cls=HelpGroup, context_settings=CONTEXT)
def norm() -> None:
    """Norms: agreed ways of working together."""


@norm.command("add")
@click.argument("text")
@json_option
@pass_env
def norm_add(env: Env, text: str, as_json: bool) -> None:
    """Propose a norm: a way of working the members agree to keep.

    It is in force once every member has agreed.

    \b
    Example:
      workplan norm add 'We say so in advance if we miss a meeting.'
    """
    record = actions.add_norm(env.store, text)
    emit(record, as_json, f"Added norm {record['id']}: {clean(record['text'])}")


@norm.command("agree")
@id_argument("norm_id", "norms")
@json_option
@pass_env
def norm_agree(env: Env, norm_id: int, as_json: bool) -> None:
    """Agree to a norm.

    \b
    Example:
      workplan norm agree N2
    """
    record = actions.agree_norm(env.store, norm_id)
    members = env.read().members
    in_force = set(members) <= set(record["agreed_by"])
    state = "in force" if in_force else f"{len(record['agreed_by'])} of {len(members)} agreed"
    emit(record, as_json, f"{clean(env.user)} agrees to {record['id']} ({state})")


@norm.command("list")
@json_option
@pass_env
def norm_list(env: Env, as_json: bool) -> None:
    """List the norms and who has agreed to each.

    \b
    Example:
      workplan norm list
    """
    workplan = env.read()
    members = set(workplan.members)
    rows = []
    for n in workplan.norms.values():
        agreed = members & set(n.agreed_by)
        rows.append((n, agreed, bool(members) and agreed == members))
    if as_json:
        click.echo(render.to_json([{**contract.of("norms", n), "in_force": f} for n, _, f in rows]))
        return
    if not rows:
        click.echo("No norms yet: workplan norm add TEXT")
    for n, agreed, in_force in rows:
        state = "in force" if in_force else f"{len(agreed)}/{len(members)} agreed"
        waiting = sorted(members - agreed)
        click.echo(render.wrap(f"{n.label:<4} [{state}] {clean(n.text)}"))
        if waiting and not in_force:
            click.echo(render.wrap(f"       waiting for: {clean(', '.join(waiting))}"))
