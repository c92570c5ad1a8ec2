"""``workplan norm``: the behaviour the partnership agrees."""

from __future__ import annotations

from typing import Any

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import (
    CONTEXT,
    Env,
    HelpGroup,
    changed_fields,
    each,
    emit,
    emit_each,
    id_argument,
    ids_argument,
    json_option,
    pass_env,
    rev_option,
)
from workplan_tui.model import contract, rules
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
    emit(record, as_json, f"Added norm {record.label}: {clean(record.text)}")


@norm.command("agree")
@ids_argument("norm_ids", "norms")
@json_option
@pass_env
def norm_agree(env: Env, norm_ids: list[int], as_json: bool) -> None:
    """Agree to a norm (or several at once: N1 N2 N3).

    \b
    Examples:
      workplan norm agree N2
      workplan norm agree N1 N2 N3
    """
    records = each(env, norm_ids, lambda i: actions.agree_norm(env.store, i), "norms")
    members = env.read().members

    def line(record: Any) -> str:
        in_force, agreed, _ = rules.norm_state(record, members)
        state = "in force" if in_force else f"{len(agreed)} of {len(members)} agreed"
        return f"{clean(env.user)} agrees to {record.label} ({state})"

    emit_each(records, as_json, line)


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
    rows = [(n, rules.norm_state(n, workplan.members)) for n in workplan.norms.values()]
    if as_json:
        click.echo(render.to_json([{**contract.of("norms", n), "in_force": s.in_force} for n, s in rows]))
        return
    if not rows:
        click.echo("No norms yet: workplan norm add TEXT")
    for n, s in rows:
        state = "in force" if s.in_force else f"{len(s.agreed)}/{len(workplan.members)} agreed"
        click.echo(render.wrap(f"{n.label:<4} [{state}] {clean(n.text)}"))
        if s.waiting and not s.in_force:
            click.echo(render.wrap(f"       waiting for: {clean(', '.join(s.waiting))}"))


@norm.command("edit")
@id_argument("norm_id", "norms")
@click.argument("text")
@rev_option
@json_option
@pass_env
def norm_edit(env: Env, norm_id: int, text: str, rev: int | None, as_json: bool) -> None:
    """Reword a norm; agreement to it starts again from nobody.

    Those who agreed did so to the old words, so the norm is no longer in force
    until every member agrees to the new ones ('workplan norm agree'). 'workplan
    undo' brings back the old words with their agreement.

    \b
    Example:
      workplan norm edit N2 "We say so two days ahead if we miss a meeting"
    """
    record = actions.edit_norm(env.store, norm_id, text, expected_rev=rev)
    if not changed_fields(env):
        emit(record, as_json, f"{record.label} unchanged: it already says that")
        return
    logged = env.store.last_entries[-1]["changes"].get("agreed_by") or [[], []]
    had = [h for h in logged[0] if isinstance(h, str)] if isinstance(logged[0], list) else []
    again = f" ({clean(', '.join(had))} had agreed to the old words)" if had else ""
    emit(record, as_json, f"Reworded {record.label}; agreement starts again from nobody{again}")


@norm.command("withdraw")
@id_argument("norm_id", "norms")
@rev_option
@json_option
@pass_env
def norm_withdraw(env: Env, norm_id: int, rev: int | None, as_json: bool) -> None:
    """Withdraw a norm; 'workplan undo' brings it back.

    It leaves the list with the names of those who had agreed to it; undo brings
    back both.

    \b
    Example:
      workplan norm withdraw N2
    """
    record = actions.withdraw_norm(env.store, norm_id, expected_rev=rev)
    text = f"Withdrew {record.label}: {render.fit(record.text, 60)} ('workplan undo' brings it back)"
    emit(record, as_json, text, removed=True)
