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
    complete_contributions,
    complete_ids,
    complete_members,
    complete_partners,
    due_date,
    emit,
    fail,
    ident,
    json_option,
    need_changes,
    pass_env,
    rev_option,
)
from workplan_tui.model import contract, dates, identity, resources
from workplan_tui.model.money import MoneyError, parse_value, value_text
from workplan_tui.model.records import CONTRIBUTION_KINDS, ROLES, Contribution, Member, label
from workplan_tui.model.text import clean
from workplan_tui.store import actions

# --- partners and members ------------------------------------------------------------


@click.group(cls=HelpGroup, context_settings=CONTEXT)
def partner() -> None:
    """Partner organisations and what they contribute."""


def _currency(ctx: click.Context) -> str | None:
    """The partnership's currency (amounts may be typed with its symbol), read from the file."""
    env = ctx.find_object(Env)
    return env.read().partnership.currency if env is not None else None


def _contribution(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[Any]:
    result = []
    currency = _currency(ctx) if values else None
    today = dates.today()
    for value in values:
        try:
            result.append(resources.parse_pledge(value, currency, today))
        except resources.PledgeError as exc:
            raise click.BadParameter(f"{value!r}: {exc}") from None
    return result


_PLEDGE_HELP = (
    "KIND:DESCRIPTION[:VALUE[:GRANT][:WHEN]]: VALUE is money ($18,000, 1.5k) or hours at a rate (200h @ $25); "
    "GRANT is the grant whose match it counts towards (G1); WHEN is by when (by dec 31, 4 quarterly from jan)."
)


@partner.command("add")
@click.argument("code")
@click.option("--name", required=True, help="The organisation's name.")
@click.option(
    "--contribution",
    "contributions",
    multiple=True,
    callback=_contribution,
    help=_PLEDGE_HELP + " Repeatable.",
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
    Examples:
      workplan partner add PARKS --name Parks --contribution 'staff:gardeners:$9k'
      workplan partner add GARDEN --name 'Green Thumbs' \\
        --contribution 'volunteers:Saturday crew:200h @ $25'
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
    from workplan_tui.cli.commitments import pledge_lines
    from workplan_tui.model import commitments

    currency = workplan.partnership.currency
    today, cols = env.today(), render.width()
    for record in commitments.partner_records(workplan, today):
        p = record.partner
        members = [m.handle for m in record.members]
        click.echo(
            render.wrap(
                f"{clean(p.code)}  {clean(p.name)}  ({len(members)} members: {clean(', '.join(members)) or '-'})"
            )
        )
        click.echo(render.wrap(f"  {record.outstanding(currency) or 'nothing outstanding'}", cols))
        if p.contributions:
            share = resources.total(resources.by_kind(p.contributions).values())
            click.echo(render.wrap(f"  {render.tally_line(share, currency, 10)}"))
        for line in record.pledges:
            for text in pledge_lines(workplan, line.number, line.contribution, line.status, today, cols, "  "):
                click.echo(text)


def contribution_line(number: int, c: Contribution, currency: str | None) -> str:
    """'  1 cash        Match for G1  $10,000 (G1) · delivered $6,000 (60%)' (cleaned)."""
    value = value_text(c.amount, c.hours, c.rate, currency)
    if c.hours is not None and c.rate is not None:
        value += f" = {render.money(c.value, currency)}"
    line = f"  {number:>2} {c.kind:<12} {clean(c.description)}  {value or 'not valued'}"
    if c.grant is not None:
        line += f" (match for {label('grants', c.grant)})"
    if c.deliveries:
        hours = sum(d.hours or 0 for d in c.deliveries)
        notes = [f"{render.number(hours)} h"] if hours else []
        if c.value:
            notes.append(f"{c.delivered / c.value * 100:.0f}%")
        line += f" · delivered {render.money(c.delivered, currency)}" + (f" ({', '.join(notes)})" if notes else "")
    return line


@partner.command("edit")
@click.argument("code", shell_complete=complete_partners)
@click.option("--name", default=None, help="The organisation's new name.")
@click.option(
    "--contribution",
    "contributions",
    multiple=True,
    callback=_contribution,
    help=_PLEDGE_HELP + " Repeatable; the ones given replace the whole list (each keeps its deliveries).",
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
    the ones given (repeat it for each); --no-contributions empties it. A contribution
    given again (same kind and description, or same kind in the same place) keeps the
    deliveries recorded against it. The code itself cannot change.

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
    code = record.code  # as the partner defines it (typed in any case)
    if not changed:
        text = f"{clean(code)} unchanged: it already has those values"
    else:
        count = len(record.contributions)
        text = f"Changed {clean(code)}: {', '.join(changed)} ({clean(record.name)}, {count} contributions)"
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
        record,
        as_json,
        f"Removed partner {clean(record.code)} ({clean(record.name)}) ('workplan undo' brings it back)",
        removed=True,
    )


@partner.command("pledge")
@click.argument("code", shell_complete=complete_partners)
# KIND: its words are in the help; listed in the usage line, they broke mid-word at 60 columns.
@click.argument("kind", type=click.Choice(CONTRIBUTION_KINDS), metavar="KIND")
@click.argument("description")
@click.argument("value", required=False, default="")
@click.option(
    "--match",
    "grant_id",
    default=None,
    metavar="G1",
    callback=lambda ctx, param, value: None if value is None else ident("grants")(ctx, param, value),
    shell_complete=complete_ids("grants"),
    help="The grant whose required match this pledge counts towards.",
)
@click.option("--due", default=None, metavar="DATE", help="When all of it is due (dec 31, eom, 2026-12-31).")
@click.option(
    "--when",
    "when",
    default=None,
    metavar="SCHEDULE",
    help="Instalments: '4 quarterly from jan', 'monthly from jan to jun', '40h a month from jan to jun'.",
)
@json_option
@pass_env
@click.pass_context
def partner_pledge(
    ctx: click.Context,
    env: Env,
    code: str,
    kind: str,
    description: str,
    value: str,
    grant_id: int | None,
    due: str | None,
    when: str | None,
    as_json: bool,
) -> None:
    """Add one contribution to what a partner pledges, keeping the others.

    KIND is staff, facilities, equipment, cash, supplies, volunteers, services or maintenance.
    VALUE is money as people type it ($10,000, 10 000, 1.5k) or, for a contribution in kind,
    hours at a rate (200h @ $25); leave it out when the pledge is not valued. --due says when all
    of it is due, --when in what instalments (a pledge towards a grant without either is due by
    the grant's match deadline); from these, workplan says whether it is on schedule, behind or
    late. 'workplan undo' takes the pledge back.

    \b
    Examples:
      workplan partner pledge FOODBANK cash Match 10k --match G1 --due 'mar 31'
      workplan partner pledge GARDEN volunteers Crew '240h @ $25' \\
        --when '40h a month from jan to jun'
    """
    from workplan_tui.model import commitments

    if due is not None and when is not None:
        raise click.UsageError("give --due or --when, not both", ctx)
    currency = env.read().partnership.currency
    try:
        worth = parse_value(value, currency)
    except MoneyError as exc:
        fail(str(exc))
    dated = None
    if due is not None or when is not None:
        typed = f"by {due_date(env, due)}" if due is not None else when or ""
        try:
            dated = commitments.parse_when(
                typed, today=env.today(), amount=worth.amount, hours=worth.hours, rate=worth.rate, currency=currency
            )
        except commitments.WhenError as exc:
            fail(f"--{'due' if due is not None else 'when'}: {exc}")
    pledged = (kind, description, worth.amount, worth.hours, worth.rate, grant_id, dated)
    record = actions.pledge(env.store, code, pledged)
    added = record.contributions[-1]
    text = f"{clean(record.code)} pledges #{len(record.contributions)}: {clean(kind)}: {clean(description)}"
    shown = value_text(added.amount, added.hours, added.rate, currency)
    text += f" ({shown or 'not valued'})" + (f", match for {label('grants', grant_id)}" if grant_id else "")
    words = commitments.when_words(added, env.today(), currency)
    text += f"; {words}" if words else ""
    emit(record, as_json, render.wrap(text))


@partner.command("schedule")
@click.argument("code", shell_complete=complete_partners)
@click.argument("contribution", shell_complete=complete_contributions)
@click.argument("when", metavar="WHEN")
@json_option
@pass_env
def partner_schedule(env: Env, code: str, contribution: str, when: str, as_json: bool) -> None:
    """Say by when a pledge is expected: a due day or instalments ('none' clears them).

    CONTRIBUTION is the pledge's number in 'workplan partner list' (or its kind, when the partner
    has one of that kind). WHEN is 'by dec 31', '4 quarterly from jan', 'monthly from jan to
    jun', '$1,000 a month from jan' or '40h a month from jan to jun' (a month alone is its first
    day, or its last after 'to' or 'by'). A schedule that ends before it starts, or an instalment
    larger than the pledge, is refused. 'workplan undo' puts the old dates back.

    \b
    Examples:
      workplan partner schedule SCHOOLS 2 'by dec 31'
      workplan partner schedule FOODBANK cash '4 quarterly from 15 jan'
    """
    from workplan_tui.cli.commitments import pledge_health
    from workplan_tui.model import commitments

    record = actions.schedule_pledge(env.store, code, contribution, when, today=env.today())
    index = actions.find_contribution([c.kind for c in record.contributions], contribution)
    c = record.contributions[index]
    wp = env.read()
    words = commitments.when_words(c, env.today(), wp.partnership.currency) or "no date"
    status = commitments.of_pledge(wp, c, env.today())
    text = f"{clean(record.code)} #{index + 1} {c.kind} ({clean(c.description)}): {words}; {pledge_health(status)}"
    emit(record, as_json, render.wrap(text))


@partner.command("show")
@click.argument("code", shell_complete=complete_partners)
@json_option
@pass_env
def partner_show(env: Env, code: str, as_json: bool) -> None:
    """Show one partner's record: its pledges (expected, delivered, late), the tasks its members
    own (open, overdue, blocked), the plans and outcomes it leads, votes its members have not
    cast, norms they have not agreed, when they last changed anything, and the follow-ups.

    \b
    Examples:
      workplan partner show PARKS
      workplan partner show parks --json
    """
    from workplan_tui.cli.commitments import record_lines
    from workplan_tui.model import commitments, rules
    from workplan_tui.store.storage import StoreError

    wp = env.read()
    found = rules.partner_code(code, list(wp.partners))
    if found is None:
        fail(f"no partner {code!r} (partners: {', '.join(sorted(wp.partners)) or 'none yet'})")
    try:
        logged, _ = env.store.history().last_by_member(wp.members)
    except StoreError:
        logged = {}
    record = commitments.partner_record(wp, found, env.today(), logged=logged)
    if as_json:
        click.echo(render.to_json(commitments.record_json(record, wp.partnership.currency)))
        return
    click.echo("\n".join(record_lines(wp, record, env.today(), env.now(), render.width())))


def _currency_of(env: Env) -> str | None:
    return env.read().partnership.currency


@partner.command("deliver")
@click.argument("code", shell_complete=complete_partners)
@click.argument("contribution", shell_complete=complete_contributions)
@click.argument("amount")
@click.option("--on", "day", default="today", show_default=True, metavar="DATE", help="The day it was delivered.")
@click.option("--note", default="", help="What was delivered, or a reference such as an invoice number.")
@json_option
@pass_env
def partner_deliver(env: Env, code: str, contribution: str, amount: str, day: str, note: str, as_json: bool) -> None:
    """Record that part of a partner's pledge was delivered.

    CONTRIBUTION is the pledge's number in 'workplan partner list' (or its kind, when the
    partner has one of that kind). AMOUNT is money ($2,500) or, for a pledge of hours at a
    rate, hours (40h). Who recorded it and when are kept; 'workplan undo' takes it back.

    \b
    Examples:
      workplan partner deliver FOODBANK 1 '$6,000' --note 'Transfer 2026-114'
      workplan partner deliver GARDEN volunteers 40h --on sat
    """
    try:
        on = dates.parse_past_date(day, today=env.today()).isoformat()
    except dates.DateError as exc:
        fail(f"--on: {exc}")
    record = actions.deliver(env.store, code, contribution, amount, on=on, note=note)
    currency = _currency_of(env)
    index = actions.find_contribution([c.kind for c in record.contributions], contribution)
    c = record.contributions[index]
    given = c.deliveries[-1]
    pledged, delivered = c.value, c.delivered
    of = render.money(pledged, currency) if pledged is not None else "a pledge not valued"
    text = (
        f"{clean(record.code)} #{index + 1} {c.kind} ({clean(c.description)}): delivered "
        f"{render.money(given.amount, currency)} on {on}; {render.money(delivered, currency)} of {of}"
    )
    if pledged:
        text += f" ({delivered / pledged * 100:.0f}%)"
    emit(record, as_json, render.wrap(text))


def _email(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--email ADDRESS, or 'none' (or '') to remove it: '' for the action."""
    if value is None:
        return None
    return "" if value.strip().lower() in ("", "none", "-") else value.strip()


def _digest(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from workplan_tui.model.digest import parse_preference

    try:
        return parse_preference(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


email_option = click.option(
    "--email",
    metavar="ADDRESS",
    default=None,
    callback=_email,
    help="Where their digest goes (workplan remind); 'none' removes it.",
)
digest_option = click.option(
    "--digest",
    metavar="daily|weekly[:DAY]|off",
    default=None,
    callback=_digest,
    help="How often they get a digest: daily (the default), weekly (Mondays), weekly:fri, or off.",
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
@click.option(
    "--account",
    "accounts",
    multiple=True,
    metavar="LOGIN",
    help="A Unix account that may act as them (repeat it; a lead's choice); then only those listed may. "
    "Default: HANDLE's own.",
)
@email_option
@digest_option
@json_option
@pass_env
def member_add(
    env: Env,
    handle: str,
    name: str,
    partner_code: str,
    role: str,
    accounts: tuple[str, ...],
    email: str | None,
    digest: str | None,
    as_json: bool,
) -> None:
    """Add a member: a person of a partner organisation.

    HANDLE is their Unix login (what they are known as when they run workplan): only that
    account may act as them, unless a lead lists others with --account (a service account for
    cron acting as a 'bot' member, say). The first member of a new file must be you. With
    --email they get a digest of what they have to act on by mail ('workplan remind'), daily
    unless --digest says otherwise.

    \b
    Examples:
      workplan member add alice --name 'Alice Moreno' --partner PARKS --role lead
      workplan member add bot --name Reminders --partner PARKS --account svc-cron
    """
    record = actions.add_member(
        env.store,
        handle,
        name,
        partner_code,
        role,
        accounts=list(accounts) or None,
        email=email,
        digest=digest,
    )
    emit(
        record, as_json, f"Added member {clean(handle)} ({clean(record.name)}, {clean(record.partner)}, {record.role})"
    )


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
    rows = [[m.handle, m.name, m.partner, m.role, _digest_shown(m)] for m in members]
    headers = ["HANDLE", "NAME", "PARTNER", "ROLE", "DIGEST"]
    if any(m.accounts is not None for m in members):  # only once a lead bound accounts
        for row, m in zip(rows, members, strict=True):
            row.append(", ".join(identity.accounts_of(m)))
        headers.append("ACCOUNTS")
    click.echo(render.table(rows, headers, flex=1))


def _digest_shown(m: Member) -> str:
    """'daily to bob@x.org', 'off (bob@x.org)', '-' (no address)."""
    if m.email is None:
        return "-"
    return f"off ({m.email})" if m.digest == "off" else f"{m.digest} to {m.email}"


@member.command("show")
@click.argument("handle", shell_complete=complete_members)
@json_option
@pass_env
def member_show(env: Env, handle: str, as_json: bool) -> None:
    """Show a member: partner, role, digest, their open tasks, the meetings they facilitate or
    stand in for, how they attended and the debriefs owed to them.

    \b
    Example:
      workplan member show alice
    """
    from workplan_tui.model import meetings, overview

    workplan = env.read()
    m = workplan.members.get(handle)
    if m is None:
        fail(f"no member {handle!r}; see 'workplan member list'")
    now, today = env.now(), env.today()
    roles = meetings.roles(workplan, handle)
    attended: dict[str, int] = {}
    for meeting in workplan.meetings.values():
        entry = meetings.attendance(meeting).get(handle)
        if entry is not None:
            attended[entry.status] = attended.get(entry.status, 0) + 1
    owed = meetings.debriefs_owed(workplan, today, member=handle)
    tasks, total = overview.my_open_tasks(workplan, handle)
    if as_json:
        click.echo(
            render.to_json(
                {
                    **contract.of("members", m),
                    "open_tasks": [t.label for t in tasks],
                    "roles": [
                        {"meeting": meeting.label, "role": role, "past": meetings.is_past(meeting, now)}
                        for meeting, role in roles
                    ],
                    "attendance": attended,
                    "debriefs_owed": [
                        {"meeting": d.meeting.label, "due": d.due or None, "overdue": d.overdue} for d in owed
                    ],
                }
            )
        )
        return
    out = [
        f"{clean(m.handle)} {clean(m.name)}",
        f"  partner:  {clean(m.partner)}"
        + (f" {clean(workplan.partners[m.partner].name)}" if m.partner in workplan.partners else ""),
        f"  role:     {m.role}",
        f"  digest:   {_digest_shown(m)}",
        f"  accounts: {clean(', '.join(identity.accounts_of(m)))}",
        f"  tasks:    {total} open"
        + (f" ({', '.join(t.label for t in tasks[:8])}{', ...' if total > 8 else ''})" if total else ""),
    ]
    coming = [(meeting, role) for meeting, role in roles if not meetings.is_past(meeting, now)]
    gone = [(meeting, role) for meeting, role in roles if meetings.is_past(meeting, now)]
    if coming:
        out.append("Meetings to come:")
        out += [
            f"  {role:<11} {meeting.label} {clean(meeting.title)} · {meetings.when_text(meeting, today)}"
            for meeting, role in coming
        ]
    if gone:
        out.append(
            f"Meetings run: {len(gone)} (" + ", ".join(f"{meeting.label} {role}" for meeting, role in gone[-5:]) + ")"
        )
    if attended:
        out.append("Attendance: " + meetings.tally_words(attended))
    for d in owed:
        out.append(f"  ! {d.words(today)}")
    click.echo(render.wrap("\n".join(out)))


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
@click.option(
    "--account",
    "add_accounts",
    multiple=True,
    metavar="LOGIN",
    help="Let this Unix account act as them too (repeat it; leads only).",
)
@click.option(
    "--no-account",
    "drop_accounts",
    multiple=True,
    metavar="LOGIN",
    help="No longer let this Unix account act as them (leads only).",
)
@email_option
@digest_option
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
    add_accounts: tuple[str, ...],
    drop_accounts: tuple[str, ...],
    email: str | None,
    digest: str | None,
    rev: int | None,
    as_json: bool,
) -> None:
    """Change a member's name, partner, role, accounts or digest.

    The last lead cannot be made a member: nobody could then administer the file.
    Make someone else a lead first. A member is acted as only from their Unix accounts (at
    first the one named by their handle); a lead adds others ('--account svc-cron' lets cron's
    account act as them), and nobody unbinds the account they act from. Members set their own
    e-mail address and digest (daily, weekly on a day, or off: what 'workplan remind' mails them); a
    lead may set anyone's.

    \b
    Example:
      workplan member edit bob --role lead --partner PARKS
      workplan member edit bob --email bob@foodbank.example --digest weekly:fri
    """
    given = {
        "name": name,
        "partner": partner_code,
        "role": role,
        "accounts": add_accounts or drop_accounts or None,
        "email": email,
        "digest": digest,
    }
    need_changes(ctx, {k: v for k, v in given.items() if v is not None})
    record = actions.edit_member(
        env.store,
        handle,
        name=name,
        role=role,
        partner=partner_code,
        add_accounts=list(add_accounts),
        drop_accounts=list(drop_accounts),
        email=email,
        digest=digest,
        expected_rev=rev,
    )
    changed = changed_fields(env)
    summary = f"{clean(record.handle)} ({clean(record.name)}, {clean(record.partner)}, {record.role})"
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
    record, unassigned = actions.remove_member(env.store, handle, expected_rev=rev)
    tasks = [label("tasks", t) for t in unassigned]
    lines = [f"Removed member {clean(handle)} ({clean(record.name)}, {clean(record.partner)})."]
    if tasks:
        lines.append(f"Their open tasks are now unassigned: {', '.join(tasks)}.")
    else:
        lines.append("They had no open tasks.")
    lines.append("Their votes stay in the history but no longer count. 'workplan undo' brings them back.")
    from workplan_tui.model import meetings

    workplan = env.read()
    coming = {m.id for m in meetings.upcoming(workplan, env.now())}
    roles = [(m, role) for m, role in meetings.roles(workplan, handle) if m.id in coming]
    if roles:
        ran = ", ".join(f"{m.label} ({role})" for m, role in roles)
        lines.append(
            f"They were to run meetings to come: {ran}; choose another with "
            f"'workplan meeting edit {roles[0][0].label} --{roles[0][1]} HANDLE'."
        )
    emit(record, as_json, render.wrap("\n".join(lines)), unassigned_tasks=tasks, removed=True)
