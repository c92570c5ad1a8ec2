"""``workplan grant`` and ``workplan currency``: grants between partners and the match they require."""

from __future__ import annotations

from typing import Any

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import (
    CONTEXT,
    Env,
    HelpGroup,
    changed_fields,
    complete_partners,
    emit,
    fail,
    id_argument,
    json_option,
    need_changes,
    pass_env,
    rev_option,
)
from workplan_tui.model import contract, dates, resources
from workplan_tui.model.money import MoneyError, parse_amount, parse_match
from workplan_tui.model.records import Grant, Workplan
from workplan_tui.model.text import clean
from workplan_tui.store import actions


@click.group(cls=HelpGroup, context_settings=CONTEXT)
def grant() -> None:
    """Grants from one partner to another, and the match each requires."""


def _amount(env: Env, text: str, what: str = "amount") -> float:
    try:
        return parse_amount(text, env.read().partnership.currency, what=what)
    except MoneyError as exc:
        fail(str(exc))


def _match(text: str) -> str:
    try:
        return parse_match(text)[0]
    except MoneyError as exc:
        fail(str(exc))


@grant.command("add")
@click.argument("funder", shell_complete=complete_partners)
@click.argument("recipient", shell_complete=complete_partners)
@click.argument("amount")
@click.option(
    "--match",
    "match",
    required=True,
    metavar="RATE",
    help="The match the recipient must bring: a ratio of match to grant (1:1, 1:2) or a share of it (25%), or none.",
)
@click.option("--name", default="", help="What the grant is for (default: 'Grant from FUNDER to RECIPIENT').")
@click.option("--start", default=None, metavar="DATE", help="The first day of the grant's period.")
@click.option("--end", default=None, metavar="DATE", help="The last day of the grant's period.")
@click.option(
    "--match-by",
    "--deadline",
    "match_by",
    default=None,
    metavar="DATE",
    help="The day the match must be delivered by (default: the period's end).",
)
@json_option
@pass_env
def grant_add(
    env: Env,
    funder: str,
    recipient: str,
    amount: str,
    match: str,
    name: str,
    start: str | None,
    end: str | None,
    match_by: str | None,
    as_json: bool,
) -> None:
    """Add a grant that one partner (FUNDER) gives another (RECIPIENT).

    AMOUNT is typed as people write money ($30,000, 30k). Contributions count towards its match
    when they name it (workplan partner pledge with --match G1). With a period (--start, --end)
    the match is due by its end, or by --match-by: deliveries dated later are shown as late and
    do not count towards the match by the deadline.

    \b
    Example:
      workplan grant add PARKS FOODBANK '$30,000' --match 1:1 --name Storage \\
        --start jan --end 'dec 31'
    """
    period = _period(env, start, end, match_by)
    record = actions.add_grant(env.store, funder, recipient, _amount(env, amount), _match(match), name, dates=period)
    workplan = env.read()
    emit(record, as_json, lambda: render.wrap(f"Added {grant_text(workplan, workplan.grants[record.id])}"))


def _period(
    env: Env, start: str | None, end: str | None, match_by: str | None, *, began: str | None = None
) -> dict[str, str | None]:
    """The dates given, as the action takes them (a day, or None for 'none': cleared), read as a
    pledge's are (``commitments.read_grant_period``: ``--start jan --end 'dec 31'``); ``began``:
    the grant's start as stored, for an end typed alone. One line and exit for one that is not a date."""
    from workplan_tui.model import commitments

    try:
        return commitments.read_grant_period({"start": start, "end": end, "match_by": match_by}, env.today(), began)
    except commitments.WhenError as exc:
        fail(str(exc))


def grant_text(workplan: Workplan, g: Grant) -> str:
    """'G1 Cold storage: PARKS → FOODBANK $30,000, match 1:1 (requires $30,000 by 31 Mar)' (cleaned)."""
    from workplan_tui.model import commitments
    from workplan_tui.model.forecast import short_day

    currency = workplan.partnership.currency
    need = render.money(resources.required(g), currency)
    today = dates.today()
    deadline = commitments.grant_deadline(g)
    by = f" by {short_day(deadline, today)}" if deadline else ""
    start, end = commitments.day_of(g.start), commitments.day_of(g.end)
    period = ""
    if start or end:
        period = f"; period {short_day(start, today) if start else '?'} to {short_day(end, today) if end else '?'}"
    return (
        f"{g.label} {clean(g.name)}: {clean(g.funder)} → {clean(g.recipient)} "
        f"{render.money(g.amount, currency)}, match {clean(g.match)} (requires {need}{by}){period}"
    )


def grant_json(workplan: Workplan, g: Grant) -> dict[str, Any]:
    """A grant with its match: required, pledged and delivered, by kind."""
    from workplan_tui.model import commitments

    found = resources.grant_match(workplan, g)
    whole = found.total.as_json()
    return {
        **contract.of("grants", g),
        "required": resources.as_number(found.required),
        "pledged": whole["pledged"],
        "delivered": whole["delivered"],
        "unvalued": whole["unvalued"],
        "match_status": commitments.grant_status(workplan, g, dates.today()).as_json(),
        "by_kind": {kind: t.as_json() for kind, t in found.kinds.items()},
        "contributions": [
            {"partner": p.code, "number": number, "kind": c.kind} for p, number, c in found.contributions
        ],
    }


@grant.command("list")
@json_option
@pass_env
def grant_list(env: Env, as_json: bool) -> None:
    """List the grants and, for each, its match: required, pledged and delivered, by kind.

    After the grants, the match report sums them up for each recipient.

    \b
    Example:
      workplan grant list
    """
    workplan = env.read()
    grants = list(workplan.grants.values())
    if as_json:
        click.echo(render.to_json([grant_json(workplan, g) for g in grants]))
        return
    if not grants:
        click.echo("No grants yet: workplan grant add FUNDER RECIPIENT AMOUNT --match 1:1")
        return
    currency = workplan.partnership.currency
    cols = render.width()
    for g in grants:
        found = resources.grant_match(workplan, g)
        click.echo(render.wrap(grant_text(workplan, g), cols))
        line = resources.RecipientMatch(g.recipient, [g], found.required, found.kinds, found.total)
        click.echo(render.wrap(f"    {render.match_line(line, currency, 10)}", cols))
        click.echo(render.wrap(f"    {_match_health(workplan, g)}", cols))
        for kind, tally in found.kinds.items():
            more = f" · {tally.unvalued} not valued" if tally.unvalued else ""
            click.echo(
                render.wrap(
                    f"      {kind:<11} pledged {render.money(tally.pledged, currency)} · "
                    f"delivered {render.money(tally.delivered, currency)}{more}",
                    cols,
                )
            )
        if not found.kinds:
            click.echo(
                f"      nothing pledged towards it yet (workplan partner pledge CODE KIND ... --match {g.label})"
            )
    report = resources.match_report(workplan)
    if report:
        click.echo("")
        click.echo("Match by recipient")
        for line in report:
            labels = ", ".join(g.label for g in line.grants)
            click.echo(
                render.wrap(f"  {clean(line.recipient)} ({labels}): {render.match_line(line, currency, 10)}", cols)
            )


@grant.command("edit")
@id_argument("grant_id", "grants")
@click.option("--name", default=None, help="What the grant is for.")
@click.option("--amount", default=None, help="The grant's amount ($30,000, 30k).")
@click.option("--match", "match", default=None, metavar="RATE", help="The match required: 1:1, 1:2, 25% or none.")
@click.option("--start", default=None, metavar="DATE", help="The first day of its period ('none' clears it).")
@click.option("--end", default=None, metavar="DATE", help="The last day of its period ('none' clears it).")
@click.option(
    "--match-by",
    "--deadline",
    "match_by",
    default=None,
    metavar="DATE",
    help="The day the match is due by ('none': the period's end).",
)
@rev_option
@json_option
@pass_env
@click.pass_context
def grant_edit(
    ctx: click.Context,
    env: Env,
    grant_id: int,
    name: str | None,
    amount: str | None,
    match: str | None,
    start: str | None,
    end: str | None,
    match_by: str | None,
    rev: int | None,
    as_json: bool,
) -> None:
    """Change a grant's name, amount, required match, period or match deadline.

    The partners it joins cannot change: remove it and add another. A period that ends before
    it starts, or a match deadline before the grant starts, is refused.

    \b
    Example:
      workplan grant edit G1 --amount '$35,000' --match 1:2
      workplan grant edit G1 --end 'jun 30' --match-by 'jul 31'
    """
    given = {"name": name, "amount": amount, "match": match, "start": start, "end": end, "match_by": match_by}
    need_changes(ctx, {k: v for k, v in given.items() if v is not None})
    began = env.read().grants.get(grant_id)
    record = actions.edit_grant(
        env.store,
        grant_id,
        name=name,
        amount=_amount(env, amount) if amount is not None else None,
        match=_match(match) if match is not None else None,
        dates=_period(env, start, end, match_by, began=began.start if began is not None else None),
        expected_rev=rev,
    )
    changed = changed_fields(env)
    workplan = env.read()
    shown = grant_text(workplan, workplan.grants[grant_id])
    emit(record, as_json, render.wrap(f"Changed {', '.join(changed)}: {shown}" if changed else f"Unchanged: {shown}"))


def _match_health(workplan: Workplan, g: Grant) -> str:
    """'▲ match at risk: $12,000 of $30,000 delivered, deadline 31 Mar: ...' (cleaned)."""
    from workplan_tui.cli.commitments import match_health

    return match_health(workplan, g, dates.today())


@grant.command("rm")
@id_argument("grant_id", "grants")
@rev_option
@json_option
@pass_env
def grant_rm(env: Env, grant_id: int, rev: int | None, as_json: bool) -> None:
    """Remove a grant; 'workplan undo' brings it back.

    Refused while contributions count towards it (it names them): edit them first.

    \b
    Example:
      workplan grant rm G2
    """
    record = actions.remove_grant(env.store, grant_id, expected_rev=rev)
    emit(
        record,
        as_json,
        f"Removed {record.label} ({clean(record.name)}) ('workplan undo' brings it back)",
        removed=True,
    )


@click.command("currency", context_settings=CONTEXT)
@click.argument("code", required=False)
@json_option
@pass_env
def currency_cmd(env: Env, code: str | None, as_json: bool) -> None:
    """Show or set the partnership's currency, a three-letter code such as USD, EUR or GBP.

    Amounts are shown in it ($10,000, €10,000, 10,000 CHF) and may be typed with its symbol;
    amounts already recorded are not converted.

    \b
    Examples:
      workplan currency
      workplan currency USD
    """
    if code is None:
        current = env.read().partnership
        emit(
            current,
            as_json,
            f"The partnership counts in {current.currency}." if current.currency else "No currency set yet.",
        )
        return
    record = actions.set_currency(env.store, code)
    emit(record, as_json, f"{clean(record.name)} now counts in {record.currency}.")
