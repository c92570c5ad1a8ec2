"""``workplan meeting``: meetings as records: agenda, attendance, debriefs, decisions, action
items and minutes (the rules: model/meetings.py)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import (
    CONTEXT,
    Env,
    HelpGroup,
    Whole,
    changed_fields,
    complete_ids,
    complete_members,
    due_date,
    emit,
    fail,
    id_argument,
    json_option,
    need_changes,
    output_option,
    pass_env,
    rev_option,
)
from workplan_tui.model import contract, dates, meetings
from workplan_tui.model.records import ATTENDANCE, Meeting, Workplan, label, parse_label
from workplan_tui.model.text import clean
from workplan_tui.store import actions


@click.group(cls=HelpGroup, context_settings=CONTEXT)
def meeting() -> None:
    """Meetings: agenda, attendance, debriefs, decisions, action items and minutes."""


# --- what the commands share --------------------------------------------------------------------


def meeting_day(env: Env, text: str) -> str:
    """A meeting's day as typed: a day to come as ``--due`` reads it (tue, next tue, dec 15), or
    one gone by (3 days ago, -1w, 2026-11-20) for a meeting recorded afterwards."""
    try:
        return dates.parse_date(text, today=env.today()).isoformat()
    except dates.DateError as ahead:
        try:
            return dates.parse_past_date(text, today=env.today()).isoformat()
        except dates.DateError:
            fail(str(ahead))


def sent_time(env: Env, text: str | None) -> str | None:
    """When apologies were sent, as typed (``meetings.parse_sent``); None for now."""
    try:
        return meetings.parse_sent(text, env.today())
    except dates.DateError as exc:
        fail(f"--sent: {exc}")


def _member_arg(env: Env, handle: str) -> str:
    """'me' is the acting member."""
    return env.user if handle == "me" else handle


def _the(workplan: Workplan, meeting_id: int) -> Meeting:
    found = workplan.meetings.get(meeting_id)
    if found is None:
        fail(f"no meeting {label('meetings', meeting_id)}; see 'workplan meeting list'")
    return found


def _who(workplan: Workplan, handle: str | None) -> str:
    if handle is None:
        return "nobody"
    member = workplan.members.get(handle)
    return f"{clean(handle)} ({clean(member.name)})" if member else f"{clean(handle)} (no longer a member)"


def headline(m: Meeting, today: date) -> str:
    """'M3 Partnership meeting · Tue 24 Nov 14:00-15:30 · Lincoln Park' (cleaned)."""
    place = f" · {clean(m.place)}" if m.place else ""
    return f"{m.label} {clean(m.title)} · {meetings.when_text(m, today)}{place}"


def counts_text(m: Meeting) -> str:
    """'4 present, 1 apologies, 1 absent' ('' with no attendance recorded)."""
    tally: dict[str, int] = {}
    for entry in meetings.attendance(m).values():
        tally[entry.status] = tally.get(entry.status, 0) + 1
    return ", ".join(f"{tally[s]} {s}" for s in ATTENDANCE if s in tally)


def meeting_json(workplan: Workplan, m: Meeting, now: datetime, today: date) -> dict[str, Any]:
    """A meeting as ``meeting show --json`` prints it: the record, then what follows from it."""
    owed = {d.entry.member for d in meetings.debriefs_owed(workplan, today) if d.meeting.id == m.id}
    return {
        **contract.of("meetings", m),
        "past": meetings.is_past(m, now),
        "flags": meetings.flags(m, workplan.members, now),
        "action_items": [t.label for t in meetings.action_items(workplan, m.id)],
        "debriefs_owed": sorted(owed),
        "apologies_in_advance": {
            e.member: ahead for e in m.attendance if (ahead := meetings.in_advance(e, m)) is not None
        },
    }


def show_text(workplan: Workplan, m: Meeting, now: datetime, today: date) -> str:
    """The meeting in full, for ``meeting show`` (cleaned)."""
    state = "past" if meetings.is_past(m, now) else "upcoming"
    out = [
        f"{headline(m, today)} ({state})",
        f"  facilitator: {_who(workplan, m.facilitator)}",
        f"  alternate:   {_who(workplan, m.alternate)}",
        "Agenda:",
    ]
    out += [f"  ! {flag}" for flag in meetings.flags(m, workplan.members, now)]
    if not m.agenda:
        out.append("  (nothing yet: workplan meeting agenda M? --add TEXT)".replace("M?", m.label))
    for number, item in enumerate(m.agenda, 1):
        out.append(f"  {number:>2}. {clean(item.text)}")
    counts = counts_text(m)
    out.append(f"Attendance: {counts}" if counts else "Attendance: not recorded yet")
    for handle, entry in sorted(meetings.attendance(m).items()):
        out.append(f"  {clean(handle):<12} {meetings.attendance_words(entry, m, today)}")
    if m.decisions:
        out.append("Decisions:")
    for number, d in enumerate(m.decisions, 1):
        about = meetings.mentioned(workplan, d.about)
        out.append(f"  {number:>2}. {clean(d.text)}" + (f" (about {about})" if about else ""))
        parsed = d.about and d.about.startswith("P") and d.about[1:].isdigit()
        if parsed:
            votes = meetings.votes_on_the_day(workplan, m, int(d.about[1:]))  # type: ignore[index]
            if votes:
                out.append("      votes that day: " + ", ".join(f"{clean(v.member)} {v.position}" for v in votes))
    actions_of = meetings.action_items(workplan, m.id)
    if actions_of:
        out.append("Action items:")
    for t in actions_of:
        due = dates.format_due(t.due, today=today, done=t.status == "done") if t.due else "no due date"
        owner = clean(t.owner) if t.owner else "unassigned"
        out.append(f"  {t.label} {clean(t.title)} · {owner} · {due} · {t.status}")
    if m.notes:
        out.append("Notes:")
        out.append("  " + clean(m.notes, multiline=True).replace("\n", "\n  "))
    return render.wrap("\n".join(out))


# --- the commands -------------------------------------------------------------------------------

_facilitator = click.option(
    "--facilitator", default=None, shell_complete=complete_members, help="The member who runs it (their handle)."
)
_alternate = click.option(
    "--alternate", default=None, shell_complete=complete_members, help="The member who stands in for the facilitator."
)


@meeting.command("add")
@click.argument("title")
@click.option("--on", "day", required=True, metavar="DATE", help="Its day: tue, next tue, dec 15, 2026-12-15.")
@click.option("--at", "at", default=None, metavar="TIME", help="When it starts, local time: 14:00, 2pm, 9:30.")
@click.option("--duration", type=Whole(1, 1440), default=60, show_default=True, help="Minutes.")
@click.option("--place", default="", help="Where: a room, an address or a call's link.")
@_facilitator
@_alternate
@click.option("--notes", default="", help="Anything to know beforehand.")
@click.option("--no-agenda", is_flag=True, help="Start with an empty agenda instead of what needs the partnership.")
@json_option
@pass_env
def meeting_add(
    env: Env,
    title: str,
    day: str,
    at: str | None,
    duration: int,
    place: str,
    facilitator: str | None,
    alternate: str | None,
    notes: str,
    no_agenda: bool,
    as_json: bool,
) -> None:
    """Plan a meeting; its agenda starts with what needs the partnership.

    The agenda is pre-filled with debriefs still owed, plans waiting for buy-in (and their closing
    dates), outcomes and plans off track, pledges behind or late and grants' matches missed,
    milestones at risk or due by two weeks after it, blocked tasks that need a decision and norms not
    yet in force; change it with 'workplan meeting agenda'. A meeting with neither a facilitator
    nor an alternate is flagged.

    \b
    Examples:
      workplan meeting add Partners --on tue --at 2pm --facilitator alice
      workplan meeting add Boxes --on 'dec 15' --alternate bob --no-agenda
    """
    record = actions.add_meeting(
        env.store,
        title,
        meeting_day(env, day),
        time=at,
        duration=duration,
        place=place,
        facilitator=facilitator,
        alternate=alternate,
        notes=notes,
        agenda=not no_agenda,
    )
    items = len(record.agenda)
    flag = "; no facilitator or alternate yet" if meetings.flags(record, None) else ""
    emit(
        record,
        as_json,
        lambda: render.wrap(
            f"Added {headline(record, env.today())}: {items} agenda item{'s' if items != 1 else ''}{flag}"
        ),
    )


@meeting.command("list")
@click.option("--upcoming", is_flag=True, help="Only the meetings still to come.")
@click.option("--past", is_flag=True, help="Only the meetings that are over.")
@json_option
@pass_env
def meeting_list(env: Env, upcoming: bool, past: bool, as_json: bool) -> None:
    """List the meetings, oldest first, with who came, what was decided and the debriefs owed.

    \b
    Example:
      workplan meeting list --upcoming
    """
    workplan = env.read()
    now, today = env.now(), env.today()
    found = [
        m
        for m in meetings.in_order(workplan.meetings.values())
        if not (upcoming and meetings.is_past(m, now)) and not (past and not meetings.is_past(m, now))
    ]
    if as_json:
        click.echo(render.to_json([meeting_json(workplan, m, now, today) for m in found]))
        return
    if not found:
        click.echo("No meetings yet: workplan meeting add TITLE --on DATE" if not workplan.meetings else "None.")
        return
    owed = meetings.debriefs_owed(workplan, today)
    coming = meetings.next_meeting(workplan, now)
    cols = render.width()
    for m in found:
        parts = [counts_text(m) or ("no attendance recorded" if meetings.is_past(m, now) else "")]
        if m.decisions:
            parts.append(f"{len(m.decisions)} decision{'s' if len(m.decisions) != 1 else ''}")
        mine = [d for d in owed if d.meeting.id == m.id]
        if mine:
            parts.append(f"{len(mine)} debrief{'s' if len(mine) != 1 else ''} owed")
        if meetings.flags(m, workplan.members, now):
            parts.append("no facilitator")
        marker = "next" if coming is not None and coming.id == m.id else ""
        line = f"{m.label:<4} {meetings.when_text(m, today):<22} {clean(m.title)}"
        click.echo(render.fit(line + (f"  [{marker}]" if marker else ""), cols))
        detail = " · ".join(p for p in parts if p)
        if detail:
            click.echo(render.fit(f"       {detail}", cols))


@meeting.command("show")
@id_argument("meeting_id", "meetings")
@json_option
@pass_env
def meeting_show(env: Env, meeting_id: int, as_json: bool) -> None:
    """Show a meeting in full: agenda, attendance and debriefs, decisions, action items, notes.

    \b
    Example:
      workplan meeting show M3
    """
    workplan = env.read()
    m = _the(workplan, meeting_id)
    if as_json:
        click.echo(render.to_json(meeting_json(workplan, m, env.now(), env.today())))
        return
    click.echo(show_text(workplan, m, env.now(), env.today()))


@meeting.command("edit")
@id_argument("meeting_id", "meetings")
@click.option("--title", default=None, help="What the meeting is called.")
@click.option("--on", "day", default=None, metavar="DATE", help="Move it to another day.")
@click.option("--at", "at", default=None, metavar="TIME", help="When it starts (local time), or none.")
@click.option("--duration", type=Whole(1, 1440), default=None, help="Minutes.")
@click.option("--place", default=None, help="Where.")
@click.option("--facilitator", default=None, shell_complete=complete_members, help="The member who runs it, or none.")
@click.option("--alternate", default=None, shell_complete=complete_members, help="Who stands in, or none.")
@click.option("--notes", default=None, help="The meeting's notes (they replace the old ones).")
@rev_option
@json_option
@pass_env
@click.pass_context
def meeting_edit(
    ctx: click.Context,
    env: Env,
    meeting_id: int,
    title: str | None,
    day: str | None,
    at: str | None,
    duration: int | None,
    place: str | None,
    facilitator: str | None,
    alternate: str | None,
    notes: str | None,
    rev: int | None,
    as_json: bool,
) -> None:
    """Change a meeting: title, day, time, length, place, facilitator, alternate or notes.

    Moving it to another day moves the debriefs due by the norm's days with it.

    \b
    Example:
      workplan meeting edit M3 --at 15:00 --alternate dan
    """
    given: dict[str, Any] = {
        "title": title,
        "day": day,
        "time": at,
        "duration": duration,
        "place": place,
        "facilitator": facilitator,
        "alternate": alternate,
        "notes": notes,
    }
    given = {k: v for k, v in given.items() if v is not None}
    need_changes(ctx, given)
    if "day" in given:
        given["day"] = meeting_day(env, given["day"])
    for name in ("time", "facilitator", "alternate"):
        if name in given and given[name].strip().lower() in ("none", "-", ""):
            given[name] = None
    record = actions.edit_meeting(env.store, meeting_id, given, expected_rev=rev)
    changed = changed_fields(env)
    shown = headline(record, env.today())
    emit(record, as_json, render.wrap(f"Changed {', '.join(changed)}: {shown}" if changed else f"Unchanged: {shown}"))


@meeting.command("rm")
@id_argument("meeting_id", "meetings")
@click.option("--unlink", is_flag=True, help="Also take the link off the tasks that are its action items.")
@rev_option
@json_option
@pass_env
def meeting_rm(env: Env, meeting_id: int, unlink: bool, rev: int | None, as_json: bool) -> None:
    """Remove a meeting; 'workplan undo' brings it back.

    Refused while tasks are its action items, unless --unlink (undo links them again).

    \b
    Example:
      workplan meeting rm M4
    """
    gone, tasks = actions.remove_meeting(env.store, meeting_id, unlink=unlink, expected_rev=rev)
    unlinked = [label("tasks", t) for t in tasks]
    more = f"; unlinked {', '.join(unlinked)}" if unlinked else ""
    emit(
        gone,
        as_json,
        f"Removed {gone.label} ({clean(gone.title)}){more} ('workplan undo' brings it back)",
        removed=True,
        unlinked_tasks=unlinked,
    )


@meeting.command("agenda")
@id_argument("meeting_id", "meetings")
@click.option("--add", "text", default=None, metavar="TEXT", help="Add an item.")
@click.option("--about", default=None, metavar="ID", help="With --add: the record it is about (P3, O4, T12, N2, D1).")
@click.option("--at", "at", type=Whole(min=1), default=None, metavar="N", help="With --add: its place (1 is first).")
@click.option("--move", type=int, default=None, metavar="N", help="Move item N (with --to).")
@click.option(
    "--to",
    type=Whole(min=1),
    default=None,
    metavar="M",
    help="With --move: its new place (past the end: last).",
)
@click.option("--remove", type=int, default=None, metavar="N", help="Take item N off the agenda.")
@rev_option
@json_option
@pass_env
def meeting_agenda(
    env: Env,
    meeting_id: int,
    text: str | None,
    about: str | None,
    at: int | None,
    move: int | None,
    to: int | None,
    remove: int | None,
    rev: int | None,
    as_json: bool,
) -> None:
    """Show a meeting's agenda, or change it: add an item, move one, remove one.

    Items are numbered from 1 as 'workplan meeting show' lists them; one change at a time.

    \b
    Examples:
      workplan meeting agenda M3 --add 'Winter distribution sites' --about P3
      workplan meeting agenda M3 --move 4 --to 1
      workplan meeting agenda M3 --remove 2
    """
    asked = [name for name, value in (("--add", text), ("--move", move), ("--remove", remove)) if value is not None]
    if len(asked) > 1:
        raise click.UsageError(f"one change at a time (not {' and '.join(asked)})")
    if (move is None) != (to is None):
        raise click.UsageError("--move N goes with --to M")
    if text is None and (about is not None or at is not None):
        raise click.UsageError("--about and --at go with --add")
    if text is not None:
        record = actions.agenda_add(env.store, meeting_id, text, about=about, at=at, expected_rev=rev)
        said = f"Added to {record.label}'s agenda"
    elif move is not None and to is not None:
        record = actions.agenda_move(env.store, meeting_id, move, to, expected_rev=rev)
        said = f"Moved item {move} of {record.label}'s agenda to {min(to, len(record.agenda))}"
    elif remove is not None:
        record = actions.agenda_remove(env.store, meeting_id, remove, expected_rev=rev)
        said = f"Took item {remove} off {record.label}'s agenda"
    else:
        record = _the(env.read(), meeting_id)
        said = f"{record.label} {clean(record.title)}: agenda"
    lines = [said] + [f"  ! {f}" for f in meetings.flags(record, env.read().members, env.now())]
    lines += [f"  {n:>2}. {clean(i.text)}" for n, i in enumerate(record.agenda, 1)] or ["  (no items)"]
    emit(record, as_json, lambda: render.wrap("\n".join(lines)))


@meeting.command("attend")
@id_argument("meeting_id", "meetings")
@click.argument("status", type=click.Choice([*ATTENDANCE, "clear"]), metavar="STATUS")
@click.argument("members", nargs=-1, required=True, shell_complete=complete_members)
@click.option(
    "--by", "proxy", default=None, shell_complete=complete_members, help="With represented: who represented them."
)
@click.option(
    "--sent",
    default=None,
    metavar="WHEN",
    help="With apologies: when they were sent (now, yesterday 17:00, mon 9am; default now).",
)
@json_option
@pass_env
def meeting_attend(
    env: Env,
    meeting_id: int,
    status: str,
    members: tuple[str, ...],
    proxy: str | None,
    sent: str | None,
    as_json: bool,
) -> None:
    """Record how members were at a meeting: present, apologies, absent or represented.

    STATUS is present, apologies, absent, represented or clear; MEMBERS are handles ('me' is
    you). Apologies record when they were sent, so that one sent
    before the meeting shows as sent in advance. A member who was not there is owed a debrief,
    due the norm's days after the meeting (see 'workplan meeting debrief-days'). 'clear' takes a
    member's attendance off the record.

    \b
    Examples:
      workplan meeting attend M3 present alice bob carmen
      workplan meeting attend M3 apologies me
      workplan meeting attend M3 represented ed --by carmen
    """
    if proxy is not None and status != "represented":
        raise click.UsageError("--by goes with represented")
    if sent is not None and status != "apologies":
        raise click.UsageError("--sent goes with apologies")
    when = sent_time(env, sent)
    handles = list(dict.fromkeys(_member_arg(env, m) for m in members))
    if status == "clear":
        record = actions.unattend(env.store, meeting_id, handles)
    else:  # one change for every member named, or none
        record = actions.attend(env.store, meeting_id, handles, status, proxy=proxy, sent=when)
    today = env.today()
    entries = meetings.attendance(record)
    lines = [
        f"{record.label} {clean(handle)}: "
        + (meetings.attendance_words(entries[handle], record, today) if handle in entries else "not recorded")
        for handle in handles
    ]
    emit(record, as_json, lambda: render.wrap("\n".join(lines)))


@meeting.command("debrief")
@id_argument("meeting_id", "meetings")
@click.argument("member", shell_complete=complete_members)
@click.option("--due", default=None, metavar="DATE", help="Move the day it is due instead of ticking it off.")
@json_option
@pass_env
def meeting_debrief(env: Env, meeting_id: int, member: str, due: str | None, as_json: bool) -> None:
    """Tick off the debrief of a member who missed a meeting; you must have been there.

    With --due, the day it is due moves instead (the norm gives the meeting's day plus
    'workplan meeting debrief-days').

    \b
    Examples:
      workplan meeting debrief M3 bob
      workplan meeting debrief M3 bob --due fri
    """
    handle = _member_arg(env, member)
    record = actions.debrief(
        env.store, meeting_id, handle, done=due is None, due=due_date(env, due) if due is not None else None
    )
    entry = meetings.attendance(record)[handle]
    emit(record, as_json, f"{record.label} {clean(handle)}: {meetings.attendance_words(entry, record, env.today())}")


@meeting.command("debrief-days")
@click.argument("days", type=Whole(1, 90), required=False)
@json_option
@pass_env
def meeting_debrief_days(env: Env, days: int | None, as_json: bool) -> None:
    """Show or set the norm's days: a member who missed a meeting is debriefed within them.

    Seven (a week) unless changed. Debriefs already due keep their day.

    \b
    Examples:
      workplan meeting debrief-days
      workplan meeting debrief-days 5
    """
    if days is None:
        current = env.read().partnership
        emit(current, as_json, f"A member who missed a meeting is debriefed within {current.debrief_days} days.")
        return
    record = actions.set_debrief_days(env.store, days)
    emit(record, as_json, f"A member who missed a meeting is now debriefed within {record.debrief_days} days.")


@meeting.command("decide")
@id_argument("meeting_id", "meetings")
@click.argument("text", required=False)
@click.option("--about", default=None, metavar="ID", help="The plan (P3) or norm (N2) it is about.")
@click.option("--remove", type=int, default=None, metavar="N", help="Take decision N off the record instead.")
@rev_option
@json_option
@pass_env
def meeting_decide(
    env: Env, meeting_id: int, text: str | None, about: str | None, remove: int | None, rev: int | None, as_json: bool
) -> None:
    """Record a decision the meeting took, optionally about a plan or a norm.

    A vote taken in the meeting is cast with 'workplan vote' by each member: the decision about
    the plan then shows the votes cast that day, as recorded.

    \b
    Examples:
      workplan meeting decide M3 'Winter boxes go ahead from January' --about P3
      workplan meeting decide M3 --remove 2
    """
    if (text is None) == (remove is None):
        raise click.UsageError("give the decision's TEXT, or --remove N")
    if remove is not None:
        if about is not None:
            raise click.UsageError("--about goes with a decision's TEXT")
        record = actions.remove_decision(env.store, meeting_id, remove, expected_rev=rev)
        emit(record, as_json, f"Took decision {remove} off {record.label}")
        return
    assert text is not None
    record = actions.decide(env.store, meeting_id, text, about=about)
    decision = record.decisions[-1]
    about_text = meetings.mentioned(env.read(), decision.about)
    emit(
        record,
        as_json,
        lambda: render.wrap(
            f"{record.label} decision {len(record.decisions)}: {clean(decision.text)}"
            + (f" (about {about_text})" if about_text else "")
        ),
    )


@meeting.command("decisions")
@click.argument("words", nargs=-1)
@click.option("--about", default=None, metavar="ID", help="Only those about this plan (P3) or norm (N2).")
@json_option
@pass_env
def meeting_decisions(env: Env, words: tuple[str, ...], about: str | None, as_json: bool) -> None:
    """Search the decisions of every meeting: those holding all the WORDS given (any case).

    \b
    Examples:
      workplan meeting decisions compressor
      workplan meeting decisions --about P3
    """
    workplan = env.read()
    found = meetings.decisions(workplan, " ".join(words), about.strip().upper() if about else None)
    if as_json:
        click.echo(
            render.to_json(
                [
                    {
                        "meeting": f.meeting.label,
                        "day": f.meeting.day,
                        "number": f.number,
                        **contract.of_nested(f.decision),
                    }
                    for f in found
                ]
            )
        )
        return
    if not found:
        click.echo(
            "No decisions found." if workplan.meetings else "No meetings yet: workplan meeting add TITLE --on DATE"
        )
        return
    cols = render.width()
    for f in found:
        about_text = meetings.mentioned(workplan, f.decision.about)
        click.echo(
            render.wrap(
                f"{f.meeting.label}.{f.number} {f.meeting.day} {clean(f.decision.text)}"
                + (f" (about {about_text})" if about_text else ""),
                cols,
            )
        )


@meeting.command("action")
@id_argument("meeting_id", "meetings")
@click.argument("plan_label", metavar="PLAN", shell_complete=complete_ids("plans"))
@click.argument("title")
@click.option("--owner", default=None, shell_complete=complete_members, help="The member who takes it (their handle).")
@click.option("--due", default=None, help="When: fri, next friday, in 2 weeks, dec 15.")
@click.option("--notes", default="", help="Details.")
@json_option
@pass_env
def meeting_action(
    env: Env,
    meeting_id: int,
    plan_label: str,
    title: str,
    owner: str | None,
    due: str | None,
    notes: str,
    as_json: bool,
) -> None:
    """Add an action item: a task in a plan, with an owner and a due date, linked to the meeting.

    \b
    Example:
      workplan meeting action M3 P2 'Ask about the permit' --owner ed --due fri
    """
    try:
        plan_id = parse_label(plan_label, "plans")
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="PLAN") from None
    record = actions.add_task(
        env.store,
        plan_id,
        title,
        owner=_member_arg(env, owner) if owner else None,
        due=due_date(env, due),
        notes=notes,
        meeting=meeting_id,
    )
    due_text = f", {dates.format_due(record.due, today=env.today(), dated=True)}" if record.due else ""
    who = f" for {clean(record.owner)}" if record.owner else ""
    emit(
        record,
        as_json,
        f"Added action item {record.label} of {label('meetings', meeting_id)}{who}: {clean(title)}{due_text}",
    )


@meeting.command("minutes")
@id_argument("meeting_id", "meetings")
@output_option("the minutes")
@pass_env
def meeting_minutes(env: Env, meeting_id: int, out: Path | None) -> None:
    """Write a meeting's minutes in Markdown, with the partnership's norms attached at the end.

    Attendance (apologies in advance or not, debriefs), decisions with the votes cast that day,
    action items, the outcomes' health, the notes and the norms. Stored text is escaped: it shows
    as written, never as a link, HTML or a broken table.

    \b
    Examples:
      workplan meeting minutes M3
      workplan meeting minutes M3 -o minutes-M3.md
    """
    from workplan_tui.cli.exchange import write_out
    from workplan_tui.exchange import minutes

    workplan = env.read()
    m = _the(workplan, meeting_id)
    text = minutes.render(workplan, m, now=env.now(), today=env.today())
    if out is None:
        click.echo(text, nl=False)
        return
    write_out(env, out, text.encode("utf-8"))
    click.echo(f"Wrote the minutes of {m.label} to {clean(str(out))}")
