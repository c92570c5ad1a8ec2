"""What a member's digest carries (pure): the items of each kind, from one function.

``workplan remind`` mails each member a digest and ``workplan status --brief`` prints a login
nudge; both ask ``items`` here. A digest is a list of ``Item``s, each of one ``Kind``: a task
overdue or due this week, a vote not cast, a norm not agreed, what others changed on the
member's tasks since the last digest. Each item has a **stable key** (``overdue:T12``,
``vote:P3``) that names the same thing to do from one run to the next: the run records the
keys it sent (remind/sent.py), and an item whose record the member has changed since it was
last sent is left out of the next digest ("an item they have acted on since is not
repeated"); a vote cast or a norm agreed is gone on its own, since items are found in the
file as it is now.

Meetings (model/meetings.py) add three kinds: debriefs owed (to a member who missed a meeting,
and by the one who runs it or represented them), meetings the member runs this week (to
prepare), and the other meetings of the week (news, not something to act on). Commitments
(model/commitments.py) add two: the pledges of the member's partner that are behind or late,
and the follow-ups the member recorded whose new date has come.

**Adding a kind** (an outcome off track, a task that may start): write a function ``Context ->
list[Item]`` below and add one ``Kind`` to ``KINDS``: its name, heading, whether it is something to
act on (a digest is only sent with one), and, for the login nudge, its words. The mail,
``--dry-run``, ``--print`` and the nudge then carry it. A kind with nudge words must read no task
but the member's own and those with follow-ups: ``status --brief`` builds the partnership with
only those (cli/brief.py), every other table whole.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Collection, Sequence
from datetime import date, timedelta
from typing import NamedTuple

from workplan_tui.model import forecast, rules
from workplan_tui.model.dates import format_due, short_date
from workplan_tui.model.records import (
    CLOSED_PLAN_STATUSES,
    DIGEST_PREFERENCES,
    EMAIL_PATTERN,
    UNDECIDED_PLAN_STATUSES,
    Activity,
    Task,
    Workplan,
    label,
)
from workplan_tui.model.text import LazyPattern, clean

# --- addresses --------------------------------------------------------------------------------

_EMAIL = LazyPattern(EMAIL_PATTERN + r"\Z")


def valid_email(text: object) -> bool:
    """Whether ``text`` is one plain e-mail address workplan stores and sends to (``EMAIL_PATTERN``)."""
    return isinstance(text, str) and len(text) <= 254 and _EMAIL.match(text) is not None


# --- preferences and periods ------------------------------------------------------------------

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How often a member wants a digest (records.DigestPreference): every day, weekly on a day, never.
PREFERENCES = DIGEST_PREFERENCES  # "daily", "weekly:mon" ... "weekly:sun", "off"
DEFAULT_PREFERENCE = "daily"  # a member with an address and no preference gets one a day
PREFERENCE_FORMS = "daily, weekly (Mondays), weekly:fri (or weekly fri, fri), off"

_DAY_NAMES = {
    **{day: day for day in WEEKDAYS},
    "monday": "mon",
    "tues": "tue",
    "tuesday": "tue",
    "weds": "wed",
    "wednesday": "wed",
    "thur": "thu",
    "thurs": "thu",
    "thursday": "thu",
    "friday": "fri",
    "saturday": "sat",
    "sunday": "sun",
}


def parse_preference(text: str) -> str:
    """A digest preference as people type it, stored form: ``daily``, ``weekly:fri``, ``off``.

    ``weekly`` alone is Mondays; ``weekly fri``, ``weekly:friday`` and ``fri`` are Fridays;
    ``never`` and ``none`` are ``off``. Raises ValueError with one line naming the forms.
    """
    words = text.strip().lower().replace(":", " ").split()
    if words in (["daily"], ["day"], ["every", "day"]):
        return "daily"
    if words in (["off"], ["never"], ["none"], ["no"]):
        return "off"
    if words and words[0] == "weekly":
        words = words[1:] or ["mon"]
    if len(words) == 1 and words[0] in _DAY_NAMES:
        return f"weekly:{_DAY_NAMES[words[0]]}"
    raise ValueError(f"{text.strip()!r} is not a digest preference; use {PREFERENCE_FORMS}")


def preference_words(preference: str) -> str:
    """'daily', 'weekly on Fridays', 'off' (a stored preference for people)."""
    if preference.startswith("weekly:"):
        day = WEEKDAYS.index(preference[7:])
        return f"weekly on {date(2024, 1, 1 + day):%A}s"  # 2024-01-01 was a Monday
    return preference


def period(preference: str, today: date) -> str | None:
    """The period a digest sent ``today`` belongs to, or None for ``off``: one digest a period.

    ``daily``: the day (``2026-11-28``). ``weekly:fri``: the week that began on the latest
    Friday up to today (``week from 2026-11-27``), so a weekly digest goes out on the first run
    on or after its weekday: a run that failed on Friday is retried on Saturday, and one whose
    weekday had no run (cron on weekdays only, a Sunday preference) goes out the next day.
    """
    if preference == "daily":
        return today.isoformat()
    if preference.startswith("weekly:") and preference[7:] in WEEKDAYS:
        start = today - timedelta(days=(today.weekday() - WEEKDAYS.index(preference[7:])) % 7)
        return f"week from {start.isoformat()}"
    return None


def lookback(preference: str) -> timedelta:
    """How far back a member's first digest reports changes (there is no last digest yet)."""
    return timedelta(days=7) if preference.startswith("weekly:") else timedelta(days=1)


# --- items and kinds --------------------------------------------------------------------------


class Item(NamedTuple):
    """One thing a digest tells a member.

    ``key`` names it stably (``overdue:T12``); ``record`` is the label of the record it is
    about (``T12``, ``P3``); ``title`` that record's title or text as stored (untrusted: clean
    it before showing); ``detail`` what about it, in words; ``action`` the command that acts
    on it, if one does; ``about`` how the log names the record when it is not ``record`` (a
    pledge ``FOODBANK #1`` is a change to ``partner FOODBANK``).
    """

    kind: str
    key: str
    record: str
    title: str
    detail: str
    action: str = ""
    about: str = ""


class Context(NamedTuple):
    """What every kind looks at: the partnership, the member (handle), the day, and the log
    entries since the member's last digest (oldest first; none for a first digest or the nudge).
    ``tasks`` are the member's open tasks in plans still running, soonest due first."""

    workplan: Workplan
    member: str
    today: date
    log: Sequence[Activity]
    tasks: list[Task]


class Kind(NamedTuple):
    """A kind of digest item: ``find`` lists its items for a member.

    ``acts``: an item of it is something to act on (a digest is sent only with one).
    ``nudge``: its words in ``status --brief``, singular and plural (``("vote to cast",
    "votes to cast")``), or None to leave it out of the nudge. ``words``: its words in a mail's
    subject when it has none in the nudge (``words_of``).
    """

    name: str
    heading: str
    acts: bool
    nudge: tuple[str, str] | None
    find: Callable[[Context], list[Item]]
    words: tuple[str, str] | None = None

    def words_of(self, n: int) -> str | None:
        """'1 vote to cast', '2 tasks ready to start': ``n`` items of this kind in words, as a
        digest's subject counts them (None: a kind the subject does not count)."""
        words = self.nudge or self.words
        return None if words is None else f"{n} {words[0] if n == 1 else words[1]}"


def _overdue(ctx: Context) -> list[Item]:
    today = ctx.today.isoformat()
    late = sorted((t for t in ctx.tasks if rules.is_overdue(t, today)), key=lambda t: (t.due or "", t.id))
    return [
        Item("overdue", f"overdue:{t.label}", t.label, t.title, _due(t, ctx.today), f"workplan task show {t.label}")
        for t in late
    ]


def _due_soon(ctx: Context) -> list[Item]:
    today, week_after = ctx.today.isoformat(), rules.week_after(ctx.today)
    soon = [t for t in ctx.tasks if rules.is_due_this_week(t, today, week_after)]
    return [Item("due", f"due:{t.label}", t.label, t.title, _due(t, ctx.today)) for t in soon]


def _due(task: Task, today: date) -> str:
    """'8 days overdue, Fri 20 Nov', 'due in 3 days, Tue 1 Dec'."""
    words = format_due(task.due, today=today)
    try:
        return f"{words}, {short_date(date.fromisoformat(task.due or ''), today=today)}"
    except ValueError:
        return words


def _votes(ctx: Context) -> list[Item]:
    """Plans waiting for the member's vote (as ``status`` counts them: undecided, not voted),
    the soonest closing first: 'proposed; closes in 2 days, Mon 30 Nov; 3 others have not voted'."""
    wp, me = ctx.workplan, ctx.member
    if me not in wp.members:
        return []
    found = []
    for plan in sorted(wp.plans.values(), key=lambda p: (p.closes or "9999", p.id)):
        if plan.status not in UNDECIDED_PLAN_STATUSES:
            continue
        buyin = rules.buy_in(plan, wp.members, wp.current_votes(plan.id), wp.partners)
        if me not in buyin.not_voted:
            continue
        others = len(buyin.not_voted) - 1
        waiting = f"{others} other{'s' if others != 1 else ''} ha{'ve' if others != 1 else 's'} not voted"
        parts = [plan.status, rules.closing_words(plan, ctx.today), waiting if others else "everyone else has voted"]
        action = f"workplan vote {plan.label} agree|abstain|disagree|block"
        found.append(Item("vote", f"vote:{plan.label}", plan.label, plan.title, "; ".join(filter(None, parts)), action))
    return found


def _norms(ctx: Context) -> list[Item]:
    wp, me = ctx.workplan, ctx.member
    found = []
    for norm in sorted(wp.norms.values(), key=lambda n: n.id):
        state = rules.norm_state(norm, wp.members)
        if me not in state.waiting:
            continue
        total = len(state.agreed) + len(state.waiting)
        detail = f"{len(state.agreed)} of {total} have agreed" if len(state.waiting) > 1 else "only you have not agreed"
        found.append(
            Item("norm", f"norm:{norm.label}", norm.label, norm.text, detail, f"workplan norm agree {norm.label}")
        )
    return found


def _off_track(ctx: Context) -> list[Item]:
    """The outcomes off track that the member works towards: an open task of theirs is linked
    to it (an outcome has no owner of its own; the tasks towards it are how a member owns it).
    Health and reason are the forecast's (``forecast.of_outcome``), as on every surface."""
    wp = ctx.workplan
    found = []
    for oid in sorted({t.outcome for t in ctx.tasks if t.outcome is not None}):
        outcome = wp.outcomes.get(oid)
        if outcome is None:
            continue
        judged = forecast.of_outcome(outcome, wp.plans.get(outcome.plan), ctx.today)
        if judged.health == "off_track":
            found.append(
                Item(
                    "offtrack",
                    f"offtrack:{outcome.label}",
                    outcome.label,
                    outcome.name,
                    f"off track: {judged.reason}",
                    f"workplan outcome show {outcome.label}",
                )
            )
    return found


def _debriefs(ctx: Context) -> list[Item]:
    """Debriefs owed (model/meetings.py): to the member, who missed a meeting ('get one from a
    member who was there'), and by the member, who runs that meeting or represented the one who
    missed it (tick it off once given). The soonest due first."""
    from workplan_tui.model import meetings  # only for a file with meetings: the nudge's start-up

    if not ctx.workplan.meetings:
        return []
    me, today = ctx.member, ctx.today
    found = []
    for owed in meetings.debriefs_owed(ctx.workplan, today):
        m, who = owed.meeting, owed.entry.member
        due = owed.words(today).split(": ", 1)[1]  # 'debrief due Tue 1 Dec', 'debrief overdue since ...'
        if who == me:
            detail = f"you missed it ({m.day}); {due}: ask a member who was there"
            action = f"workplan meeting show {m.label}"
        elif me in (m.facilitator, m.alternate, owed.entry.proxy):
            detail = f"{who} missed it; {due}"
            action = f"workplan meeting debrief {m.label} {who}"
        else:
            continue
        found.append(Item("debrief", f"debrief:{m.label}:{who}", m.label, m.title, detail, action))
    return found


def _meetings_soon(ctx: Context, *, facilitating: bool) -> list[Item]:
    """Meetings in the coming week: those the member facilitates or stands in for (to prepare:
    the agenda, a missing alternate), or, without ``facilitating``, the others."""
    from workplan_tui.model import meetings

    if not ctx.workplan.meetings:
        return []
    me, today = ctx.member, ctx.today
    last = rules.week_after(today)
    found = []
    for m in meetings.in_order(ctx.workplan.meetings.values()):
        if not today.isoformat() <= m.day < last:
            continue
        # The alternate runs a meeting without a facilitator: none named, or one who has left since.
        left = m.facilitator is not None and m.facilitator not in ctx.workplan.members
        runs = m.facilitator == me or ((m.facilitator is None or left) and m.alternate == me)
        role = "facilitate" if m.facilitator == me else "are the alternate" if m.alternate == me else ""
        if runs != facilitating or me not in ctx.workplan.members:
            continue
        parts = [meetings.when_text(m, today)]
        if m.place:
            parts.append(m.place)
        if role:
            parts.append(f"you {role}")
        if runs:
            parts.append(f"{len(m.agenda)} agenda item{'s' if len(m.agenda) != 1 else ''}")
            if left:
                parts.append(f"the facilitator {m.facilitator} is no longer a member")
            elif m.facilitator is None or m.alternate is None:
                parts.append("no " + ("facilitator" if m.facilitator is None else "alternate") + " named")
        entry = meetings.attendance(m).get(me)
        if entry is not None and entry.status == "apologies":
            parts.append("you sent apologies")
        kind = "facilitate" if facilitating else "meeting"
        found.append(
            Item(kind, f"{kind}:{m.label}", m.label, m.title, "; ".join(parts), f"workplan meeting show {m.label}")
        )
    return found


def _changed(ctx: Context) -> list[Item]:
    """What others changed on the member's tasks (open or done) since the last digest, one item a task."""
    wp, me = ctx.workplan, ctx.member
    mine = {t.label: t for t in wp.tasks.values() if t.owner == me}
    lines: dict[str, list[str]] = {}
    last: dict[str, int] = {}
    for entry in ctx.log:
        task = mine.get(entry.record)
        if task is None or entry.member == me:
            continue
        lines.setdefault(entry.record, []).append(change_words(entry, ctx.workplan, ctx.today))
        last[entry.record] = entry.id
    return [
        Item(
            "changed",
            f"changed:{record}:{label('activity', last[record])}",
            record,
            mine[record].title,
            "; ".join(said),
        )
        for record, said in sorted(lines.items(), key=lambda pair: mine[pair[0]].id)
    ]


def _late_pledges(ctx: Context) -> list[Item]:
    """The pledges of the member's partner that are behind or late, late first: 'late: all $6,000
    was due by 31 Dec, delivered $2,000'. Acting on one (a delivery, a follow-up, new dates) is a
    change to the partner's record."""
    from workplan_tui.model import commitments  # only for a digest: the nudge of a file without pledges is cheap

    wp = ctx.workplan
    member = wp.members.get(ctx.member)
    if member is None:
        return []
    return [
        Item(
            "pledge",
            f"pledge:{partner.code}#{line.number}",
            commitments.pledge_name(partner.code, line.number),
            line.contribution.description,
            f"{line.status.words}: {line.status.reason}",
            f"workplan partner show {partner.code}",
            f"partner {partner.code}",
        )
        for partner, line in commitments.late_pledges(wp, ctx.today)
        if partner.code == member.partner
    ]


def _followups(ctx: Context) -> list[Item]:
    """The member's follow-ups whose new date has come while the task is open or the pledge still
    behind: 'agreed with dan: insurance by Friday; new date Fri 27 Nov, 1 day ago'."""
    from workplan_tui.model import commitments

    found = []
    for due in commitments.followups_due(ctx.workplan, ctx.today, by=ctx.member):
        f, subject = due.followup, due.subject
        about = "" if subject.task is not None else f"partner {subject.partner}"
        agreed = f": {f.agreed}" if f.agreed else ""
        when = "today" if due.days == 0 else f"{due.days} day{'s' if due.days != 1 else ''} ago"
        detail = f"agreed with {f.whom}{agreed}; new date {short_date(_day(f.new_date), today=ctx.today)}, {when}"
        name = subject.name.replace(" ", "")
        action = f"workplan followup add {shlex.quote(name)} --with {shlex.quote(clean(f.whom))}"
        found.append(
            Item("followup", f"followup:{name}:{f.new_date}", subject.name, subject.title, detail, action, about)
        )
    return found


def _day(text: str | None) -> date:
    return date.fromisoformat(text) if text else date.min


def change_words(entry: Activity, workplan: Workplan | None = None, today: date | None = None) -> str:
    """A change to one of the member's tasks as a sentence (model/changes.py), the task by its
    label (the digest names its title): "bob moved T12 from 40% to 60%"."""
    from workplan_tui.model.changes import Names, sentence  # only for a digest's changes: the nudge never loads it

    return sentence(entry, Names(workplan, today), titled=False)


def _ready(ctx: Context) -> list[Item]:
    """The member's tasks whose last prerequisite was done since the last digest (issue 29:
    model/schedule.py): "you can start T12: T9 done by dan"."""
    from workplan_tui.model.schedule import became_ready  # only for a digest: the nudge never reads the log

    return [
        Item(
            "ready",
            f"ready:{r.task.label}:{r.prerequisite.label}",
            r.task.label,
            r.task.title,
            f"you can start {r.task.label}: {r.prerequisite.label} done by {r.by}",
            f"workplan task show {r.task.label}",
        )
        for r in became_ready(ctx.workplan, ctx.log, owner=ctx.member)
    ]


# The kinds, in the order a digest shows them. A later issue adds its kind here (see above).
KINDS: tuple[Kind, ...] = (
    Kind("ready", "Ready to start", True, None, _ready, ("task ready to start", "tasks ready to start")),
    Kind("overdue", "Overdue", True, ("overdue", "overdue"), _overdue),
    Kind("due", "Due this week", True, ("due this week", "due this week"), _due_soon),
    Kind("vote", "Votes to cast", True, ("vote to cast", "votes to cast"), _votes),
    Kind("norm", "Norms to agree", True, ("norm to agree", "norms to agree"), _norms),
    Kind(
        "pledge",
        "Your partner's pledges behind or late",
        True,
        ("pledge behind or late", "pledges behind or late"),
        _late_pledges,
    ),
    Kind("followup", "Follow-ups due", True, ("follow-up due", "follow-ups due"), _followups),
    Kind("offtrack", "Outcomes you work towards that are off track", True, None, _off_track),
    Kind("debrief", "Debriefs owed", True, ("debrief owed", "debriefs owed"), _debriefs),
    Kind(
        "facilitate",
        "Meetings you run this week",
        True,
        ("meeting to run", "meetings to run"),
        lambda ctx: _meetings_soon(ctx, facilitating=True),
    ),
    Kind("meeting", "Meetings this week", False, None, lambda ctx: _meetings_soon(ctx, facilitating=False)),
    Kind("changed", "Changed on your tasks", False, None, _changed),
)
KIND_NAMED = {kind.name: kind for kind in KINDS}


def open_tasks(workplan: Workplan, member: str) -> list[Task]:
    """``member``'s open tasks in plans still running, soonest due first (no due date last)."""
    running = {p.id for p in workplan.plans.values() if p.status not in CLOSED_PLAN_STATUSES}
    mine = [t for t in workplan.tasks.values() if t.owner == member and t.status != "done" and t.plan in running]
    return sorted(mine, key=lambda t: (t.due or "9999", t.id))


def items(
    workplan: Workplan,
    member: str,
    *,
    today: date,
    log: Sequence[Activity] = (),
    sent_before: Collection[str] = (),
    kinds: Sequence[Kind] = KINDS,
) -> list[Item]:
    """Everything ``member``'s digest carries on ``today``, kind by kind, in ``KINDS``' order.

    ``log``: the activity entries since the member's last digest, oldest first (what changed
    on their tasks comes from these). ``sent_before``: the keys their last digest carried; an
    item among them whose record the member has changed since (an entry of theirs in ``log``)
    is left out: they have acted on it. It comes back in the digest after, if still due.
    """
    ctx = Context(workplan, member, today, log, open_tasks(workplan, member))
    acted = {entry.record for entry in log if entry.member == member}
    return [
        item
        for kind in kinds
        for item in kind.find(ctx)
        if not (kind.acts and item.key in sent_before and (item.about or item.record) in acted)
    ]


def worth_sending(found: Sequence[Item]) -> bool:
    """Whether a digest of ``found`` holds something to act on (else nothing is sent)."""
    return any(KIND_NAMED[item.kind].acts for item in found if item.kind in KIND_NAMED)


def counts(found: Sequence[Item]) -> dict[str, int]:
    """How many items of each kind, in ``KINDS``' order (kinds without items left out)."""
    result: dict[str, int] = {}
    for item in found:
        result[item.kind] = result.get(item.kind, 0) + 1
    return {kind.name: result[kind.name] for kind in KINDS if kind.name in result}


def nudge(workplan: Workplan, member: str, *, today: date) -> str:
    """``status --brief``'s words: '2 overdue, 1 vote to cast', or '' with nothing to act on.

    Only kinds with nudge words count; none of them reads the log.
    """
    parts = []
    for name, n in counts(items(workplan, member, today=today, kinds=NUDGE_KINDS)).items():
        words = KIND_NAMED[name].nudge
        assert words is not None
        parts.append(f"{n} {words[0] if n == 1 else words[1]}")
    return ", ".join(parts)


NUDGE_KINDS = tuple(kind for kind in KINDS if kind.nudge is not None)
