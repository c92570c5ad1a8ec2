"""``workplan followup`` and each partner's record as text (``partner show``, ``status``).

The rules are the model's (``model/commitments.py``): a pledge's health, its reason, a
partner's one-line summary and the follow-ups due are worked out there, once, for every surface.
"""

from __future__ import annotations

from datetime import date, datetime

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import (
    CONTEXT,
    Env,
    HelpGroup,
    emit,
    fail,
    json_option,
    pass_env,
)
from workplan_tui.model import commitments, contract, dates
from workplan_tui.model.commitments import PartnerRecord, PledgeStatus
from workplan_tui.model.forecast import HEALTH_SYMBOLS, HEALTH_WORDS, short_day
from workplan_tui.model.records import Contribution, Grant, Workplan
from workplan_tui.model.text import clean, stamp

MARKS = HEALTH_SYMBOLS  # how a health reads without colour, as on the board


def match_health(workplan: Workplan, grant: Grant, today: date) -> str:
    """'▲ match at risk: $12,000 of $30,000 delivered, deadline 31 Mar: ...' (cleaned): a grant's
    match by its deadline (``commitments.grant_status``), as ``grant list`` and ``status`` say it."""
    found = commitments.grant_status(workplan, grant, today)
    return f"{MARKS[found.health]} match {HEALTH_WORDS[found.health]}: {clean(found.reason)}"


def pledge_health(status: PledgeStatus) -> str:
    """'▲ behind: $3,000 of $6,000 expected by 31 Dec, delivered $0; ...' (cleaned)."""
    return f"{MARKS[status.health]} {status.words}: {clean(status.reason)}"


def pledge_lines(
    wp: Workplan, number: int, c: Contribution, status: PledgeStatus, today: date, cols: int, indent: str = "   "
) -> list[str]:
    """A pledge on two lines: what it is and what is delivered, then its dates and health."""
    currency = wp.partnership.currency
    from workplan_tui.cli.partners import contribution_line

    lines = [render.wrap(indent + contribution_line(number, c, currency).lstrip(), cols)]
    when = commitments.when_words(c, today, currency) if c.schedule is not None else ""  # a due day: in the reason
    lines.append(render.wrap(f"{indent}     {when + ' · ' if when else ''}{pledge_health(status)}", cols))
    late = commitments.late_delivered(wp, c)
    if late > commitments.CENT:
        money = render.money(late, currency)
        lines.append(
            render.wrap(f"{indent}     {money} of it delivered after G{c.grant}'s match deadline (late)", cols)
        )
    for f in c.followups[-2:]:
        lines.append(render.wrap(f"{indent}     follow-up: {commitments.followup_words(f, today)}", cols))
    return lines


def last_change_words(record: PartnerRecord, now: datetime) -> str:
    """'3 days ago (dan)', 'not known'."""
    at, who = record.last_change
    if not at:
        return "not known"
    try:
        then = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return clean(at)
    days = (now - then).days
    ago = (
        "today"
        if days <= 0
        else "yesterday"
        if days == 1
        else f"{days} days ago"
        if days < 14
        else f"{days // 7} weeks ago"
    )
    return f"{ago} ({clean(who)}, {stamp(at)})"


def record_lines(wp: Workplan, record: PartnerRecord, today: date, now: datetime, cols: int) -> list[str]:
    """A partner's record as ``partner show`` prints it (every piece of stored text cleaned)."""
    currency = wp.partnership.currency
    p = record.partner
    lines = [
        render.fit(f"{clean(p.code)}  {clean(p.name)}", cols),
        render.wrap(record.outstanding(currency) or "Nothing outstanding.", cols),
        render.wrap(
            "Members: " + (", ".join(f"{clean(m.handle)} ({clean(m.name)}, {m.role})" for m in record.members) or "-"),
            cols,
        ),
        render.wrap(f"Last change: {last_change_words(record, now)}", cols),
        "",
    ]
    if record.pledges:
        tally = commitments_tally(record)
        lines.append(render.wrap(f"Pledges: {render.tally_line(tally, currency, 10)}", cols))
        for line in record.pledges:
            lines += pledge_lines(wp, line.number, line.contribution, line.status, today, cols)
    else:
        lines.append("Pledges: none.")
    lines.append("")
    owned = f"{len(record.open)} open, {len(record.overdue)} overdue, {len(record.blocked)} blocked"
    lines.append(render.wrap(f"Tasks its members own: {owned}", cols))
    for t in record.overdue:
        lines.append(render.task_line(wp, t, dates.format_due(t.due, today=today), cols, "!"))
    for t in record.blocked:
        if t in record.overdue:
            continue
        lines.append(render.task_line(wp, t, "blocked", cols, "x"))
    for t in record.blocked:
        lines.append(
            render.wrap(f"           {t.label} blocked because: {clean(t.blocked_reason) or '(no reason)'}", cols)
        )
    if record.leads:
        lines.append("Leads:")
        for led in record.leads:
            words = HEALTH_WORDS.get(led.health, led.health)
            lines.append(render.wrap(f"   {MARKS.get(led.health, '?')} {led.label} {clean(led.name)} ({words})", cols))
    else:
        lines.append(render.wrap("Leads: no plan or outcome (workplan plan edit P1 --lead CODE).", cols))
    votes = "; ".join(f"{plan.label} {clean(plan.title)}: {clean(', '.join(who))}" for plan, who in record.votes)
    lines.append(render.wrap(f"Votes not cast: {votes or 'none'}", cols))
    norms = "; ".join(f"{norm.label}: {clean(', '.join(who))}" for norm, who in record.norms)
    lines.append(render.wrap(f"Norms not agreed: {norms or 'none'}", cols))
    if record.followups:
        lines.append("Follow-ups:")
        for subject, f in record.followups[:10]:
            lines.append(render.wrap(f"   {subject.name}: {commitments.followup_words(f, today)}", cols))
    return lines


def commitments_tally(record: PartnerRecord) -> object:
    """Pledged and delivered of a partner's pledges (``resources.Tally``)."""
    from workplan_tui.model import resources

    return resources.total(resources.by_kind(p.contribution for p in record.pledges).values())


# --- workplan followup ------------------------------------------------------------------------------


@click.group(cls=HelpGroup, context_settings=CONTEXT)
def followup() -> None:
    """Follow-ups on late tasks and pledges: who contacted whom, what was agreed, a new date."""


def _subject(text: str) -> commitments.Typed:
    try:
        return commitments.parse_subject(text)
    except ValueError as exc:
        fail(str(exc))


@followup.command("add")
@click.argument("subject", metavar="T12|CODE#N")
@click.option("--with", "whom", required=True, metavar="NAME", help="Who was contacted (a member or anyone).")
@click.option("--by", "who", default="", metavar="NAME", help="Who made contact (default: you).")
@click.option("--on", "day", default="today", show_default=True, metavar="DATE", help="The day of the contact.")
@click.option("--agreed", default="", help="What was agreed, in a few words.")
@click.option(
    "--new-date",
    default=None,
    metavar="DATE",
    help="A new date agreed: it replaces the task's due date, or the pledge's date for what is overdue.",
)
@json_option
@pass_env
def followup_add(
    env: Env, subject: str, whom: str, who: str, day: str, agreed: str, new_date: str | None, as_json: bool
) -> None:
    """Record a follow-up on a late task (T12) or pledge (PARKS#2: a partner's code and the
    pledge's number in 'workplan partner list').

    It is logged and shown in the partner's record ('workplan partner show CODE') and the task's
    or pledge's history. A new date agreed replaces the old one without erasing it: the follow-up
    keeps the date it replaced, and both are shown. When the new date comes and the task is still
    open (or the pledge still behind), the follow-up is due: 'workplan status', the review and
    your digest say so. 'workplan undo' takes it back.

    \b
    Examples:
      workplan followup add T17 --with dan --agreed 'by Friday' --new-date fri
      workplan followup add FOODBANK#1 --with bob --new-date 'jan 15'
    """
    from workplan_tui.store import actions

    found = _subject(subject)
    try:
        on = dates.parse_past_date(day, today=env.today()).isoformat()
    except dates.DateError as exc:
        fail(f"--on: {exc}")
    new = None
    if new_date is not None:
        try:
            new = dates.parse_date(new_date, today=env.today()).isoformat()
        except dates.DateError as exc:
            fail(f"--new-date: {exc}")
    if found.task is not None:
        task = actions.follow_up_task(env.store, found.task, whom=whom, on=on, agreed=agreed, new_date=new, who=who)
        item = task.followups[-1]
        text = f"Followed up {task.label} {clean(task.title)}: {commitments.followup_words(item, env.today())}"
        if new is not None:
            text += f"; now {dates.format_due(task.due, today=env.today(), dated=True)}"
        emit(task, as_json, render.wrap(text))
        return
    code, pledge = found.code, found.pledge
    partner = actions.follow_up_pledge(env.store, code, pledge, whom=whom, on=on, agreed=agreed, new_date=new, who=who)
    number = actions.find_contribution([c.kind for c in partner.contributions], pledge) + 1
    c = partner.contributions[number - 1]
    item = c.followups[-1]
    name = commitments.pledge_name(partner.code, number)
    text = (
        f"Followed up {clean(name)} {c.kind} ({clean(c.description)}): {commitments.followup_words(item, env.today())}"
    )
    if item.deferred:
        text += f"; {render.money(item.deferred, env.read().partnership.currency)} now expected by then"
    emit(partner, as_json, render.wrap(text))


@followup.command("list")
@click.option(
    "--due", "due_only", is_flag=True, help="Only the follow-ups due: their new date has come, still not done."
)
@click.option("--mine", is_flag=True, help="Only the follow-ups I recorded.")
@json_option
@pass_env
def followup_list(env: Env, due_only: bool, mine: bool, as_json: bool) -> None:
    """List the follow-ups on tasks and pledges, newest first; with --due, those to make again.

    \b
    Examples:
      workplan followup list
      workplan followup list --due --mine
    """
    wp = env.read()
    today = env.today()
    me = env.user if mine else None
    if due_only:
        due = commitments.followups_due(wp, today, by=me)
        rows = [(d.subject, d.followup) for d in due]
    else:
        rows = []
        for record in commitments.partner_records(wp, today):
            rows += record.followups
        rows += [
            (commitments.Subject(t.label, t.title, ""), f)
            for t in wp.tasks.values()
            if t.owner not in wp.members
            for f in t.followups
        ]  # tasks of nobody a partner has
        rows = [(s, f) for s, f in rows if me is None or f.by == me]
        rows.sort(key=lambda pair: (pair[1].on, pair[1].at), reverse=True)
    if as_json:
        click.echo(
            render.to_json(
                [
                    {"subject": s.name, "title": s.title, "partner": s.partner or None, **contract.of_nested(f)}
                    for s, f in rows
                ]
            )
        )
        return
    if not rows:
        click.echo("No follow-ups due." if due_only else "No follow-ups yet: workplan followup add T12 --with NAME")
        return
    cols = render.width()
    for s, f in rows:
        click.echo(render.wrap(f"{clean(s.name):<12} {clean(s.title)}", cols))
        click.echo(render.wrap(f"   {commitments.followup_words(f, today)}", cols))


def due_words(due: commitments.FollowUpDue, today: date) -> str:
    """'T17 Insurance…: new date 27 Nov came 1 day ago (alice with dan: Friday)'."""
    f = due.followup
    new = dates.format_due(f.new_date, today=today)
    agreed = f": {clean(f.agreed)}" if f.agreed else ""
    when = short_day(dates_day(f.new_date) or today, today)
    who = f"{clean(f.who or f.by)} with {clean(f.whom)}{agreed}"
    return f"{clean(due.subject.name)} {clean(due.subject.title)}: agreed for {when} ({new}); {who}"


def dates_day(text: str | None) -> date | None:
    from workplan_tui.model.forecast import day_of

    return day_of(text)
