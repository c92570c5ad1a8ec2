"""Meetings as records: when they are, who came, the debriefs owed and the agenda (pure).

The partnership's norms are about meetings (PRODUCT.md): attend, say so in advance when you
must miss one, be debriefed within a week of missing one, have a facilitator and an alternate.
Every rule about a meeting has its home here, and the command line, the board, the digest,
``status`` and the minutes ask it:

* **When**: a meeting is on a day, from a local start time (wall-clock time where the
  partnership meets; none: the day only) for ``duration`` minutes. It is *past* once it has
  ended, *upcoming* until then (``is_past``).
* **Attendance**: each member present, with apologies (and when they were sent: *in advance*
  when before the meeting starts, ``in_advance``), absent, or represented by another member.
  One who was not there (apologies, absent or represented) is owed a **debrief** by the day the
  norm gives (the meeting's day plus the partnership's ``debrief_days``, 7 unless changed;
  ``debrief_due``), which a member who was there ticks off (``debrief_problem``). An undone
  one is *owed* (``debriefs_owed``), overdue once its day has passed.
* **Agenda**: a meeting made by workplan starts with what needs the partnership
  (``prefill``): debriefs still owed, plans waiting for buy-in (with their closing dates),
  outcomes and plans off track, pledges behind or late and grants' matches missed
  (model/commitments.py), milestones at risk, off track or due by two weeks after the meeting
  (model/schedule.py), blocked tasks that need a decision, norms not yet in force.
  A meeting with neither a facilitator nor an alternate is flagged (``flags``).
* **Decisions** are text, optionally about a plan or a norm (by its label, ``records.Mention``);
  a vote taken in the meeting stays the plan's vote record (``votes_on_the_day``).
* **Action items** are tasks that name the meeting (``Task.meeting``: ``action_items``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, NamedTuple

from workplan_tui.model import rules
from workplan_tui.model.dates import short_date
from workplan_tui.model.records import (
    CLOSED_PLAN_STATUSES,
    SHORT_TEXT,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Milestone,
    Task,
    Vote,
    Workplan,
    id_of_label,
    table_named,
)
from workplan_tui.model.text import clean

if TYPE_CHECKING:
    from workplan_tui.model.overview import PlanFigures
    from workplan_tui.model.schedule import MilestoneForecast

# The statuses of a member who was not at the meeting in person: each is owed a debrief.
MISSED = ("apologies", "absent", "represented")
ATTENDANCE_WORDS = {
    "present": "present",
    "apologies": "apologies",
    "absent": "absent",
    "represented": "represented",
}
_TALLY_WORDS = {"apologies": "with apologies"}  # "1 apologies" read as a slip of the pen


def tally_words(counts: Mapping[str, int]) -> str:
    """'4 present, 1 with apologies, 1 absent': how many of a meeting's members (or of a
    member's meetings) had each attendance status, in ``ATTENDANCE_WORDS``' order; statuses
    counted 0 or absent from ``counts`` are left out."""
    return ", ".join(f"{counts[s]} {_TALLY_WORDS.get(s, s)}" for s in ATTENDANCE_WORDS if counts.get(s, 0) > 0)


DEFAULT_DURATION = 60  # minutes
NO_FACILITATOR = "No facilitator or alternate named: choose them before the meeting"


def role_problem(facilitator: str | None, alternate: str | None) -> str | None:
    """Why a meeting cannot have ``facilitator`` and ``alternate`` (member handles; None: nobody),
    or None: the alternate stands in for the facilitator (the norm: a facilitator and at least
    one alternate), so they are two different members. The store refuses it
    (store/actions/meetings.py); a hand edit or a merge may still leave one (``workplan check``)."""
    if facilitator is not None and facilitator == alternate:
        return f"{facilitator} cannot be both the facilitator and the alternate; choose another alternate"
    return None


# --- when ---------------------------------------------------------------------------------

_TIME = re.compile(r"([0-9]{1,2})(?:[:.h]([0-9]{2}))?\s*(am|pm|a\.m\.|p\.m\.|h)?\Z")
TIME_FORMS = "14:00, 9:30, 9.30, 2pm, 9:30am or 14h"


def parse_time(text: str) -> str:
    """A time of day as people type it (``14:00``, ``9:30``, ``9.30``, ``2pm``, ``9:30 am``,
    ``14h``) as the file stores it, ``HH:MM``. RuleError naming the forms for anything else
    (``25:00``, ``noonish``)."""
    typed = text.strip().lower()
    found = _TIME.match(typed) if typed.isascii() else None
    if found is None:
        raise rules.RuleError(f"{text.strip()!r} is not a time of day; use {TIME_FORMS}")
    hour, minute, half = int(found.group(1)), int(found.group(2) or 0), found.group(3) or ""
    if half.startswith("p") or half.startswith("a"):
        if not 1 <= hour <= 12:
            raise rules.RuleError(f"{text.strip()!r} is not a time of day; use {TIME_FORMS}")
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise rules.RuleError(f"{text.strip()!r} is not a time of day; use {TIME_FORMS}")
    return f"{hour:02d}:{minute:02d}"


SENT_FORMS = "now, yesterday 17:00, mon 9am, 2026-11-23 or 2026-11-23T16:00:00Z"


def parse_sent(text: str | None, today: date) -> str | None:
    """When apologies were sent, as people type it (``now``, ``yesterday 17:00``, ``mon 9am``,
    ``2026-11-23``: a day without a time is its noon; an ISO UTC time as it is), as the file's
    UTC time; None for ``now`` or nothing (the moment it is recorded). DateError naming the forms,
    or saying why a day after ``today`` or more than 50 years away (a typo in the year) is not."""
    from workplan_tui.model.dates import DateError, parse_past_date, within_years

    if text is None or text.strip().lower() in ("", "now"):
        return None
    typed = text.strip()
    if typed.endswith("Z") and "T" in typed:
        from workplan_tui.model.schema import valid_timestamp

        if not valid_timestamp(typed):
            raise DateError(f"{typed!r} is not a UTC time; use {SENT_FORMS}")
        _not_ahead(within_years(date.fromisoformat(typed[:10]), typed, today), typed, today)
        return typed
    words = typed.split()
    at = time(12, 0)
    try:  # "dec 15" is a day, not "dec" at 15:00
        parse_past_date(typed, today=today)
    except DateError:
        pass
    else:
        words = [typed]
    if len(words) > 1:
        try:
            at = time.fromisoformat(parse_time(words[-1]))
            words = words[:-1]
        except rules.RuleError:
            pass
    try:
        day = parse_past_date(" ".join(words), today=today, any_year=True)
    except DateError:
        raise DateError(f"cannot read {typed!r} as when apologies were sent; use {SENT_FORMS}") from None
    _not_ahead(within_years(day, " ".join(words), today), typed, today)  # a typo in the year, or a day to come
    return datetime.combine(day, at).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _not_ahead(day: date, typed: str, today: date) -> None:
    from workplan_tui.model.dates import DateError

    if day > today:
        raise DateError(f"{typed!r} is still to come: apologies are recorded once they are sent")


# A meeting's day as its moments are worked out from, kept two days inside the calendar's ends:
# a hand edit may write 0001-01-01 or 9999-12-31, and its start, its end (the day after, at most
# 1,440 minutes on) and its moment in UTC must exist in every time zone.
_FIRST_DAY, _LAST_DAY = date(1, 1, 3), date(9999, 12, 29)


def _day(meeting: Meeting) -> date:
    return min(max(date.fromisoformat(meeting.day), _FIRST_DAY), _LAST_DAY)


def start_of(meeting: Meeting) -> datetime:
    """When the meeting starts, in local time (aware): its day at its time, or the day's first
    moment when it has none."""
    at = time.fromisoformat(meeting.time) if meeting.time else time(0, 0)
    return datetime.combine(_day(meeting), at).astimezone()


def end_of(meeting: Meeting) -> datetime:
    """When the meeting ends (local, aware): its start plus its duration, or the end of its day
    when it has no time."""
    if not meeting.time:
        return datetime.combine(_day(meeting) + timedelta(days=1), time(0, 0)).astimezone()
    return start_of(meeting) + timedelta(minutes=meeting.duration)


def is_past(meeting: Meeting, now: datetime) -> bool:
    """Whether the meeting is over (``now``: an aware moment)."""
    return end_of(meeting) <= now


def when_text(meeting: Meeting, today: date) -> str:
    """'Tue 1 Dec 14:00-15:30', 'Tue 1 Dec' (the day only), with the year when not this one's;
    'Thu 31 Dec 23:00-01:00 next day' for one that ends on the day after. The day is the one the
    file holds, even at the calendar's ends (its moments are worked out a few days inside them)."""
    day = short_date(date.fromisoformat(meeting.day), today=today)
    if not meeting.time:
        return day
    start = start_of(meeting)
    end = start + timedelta(minutes=meeting.duration)
    later = " next day" if end.date() != start.date() else ""
    return f"{day} {meeting.time}-{end:%H:%M}{later}"


def in_order(meetings: Iterable[Meeting]) -> list[Meeting]:
    """Meetings by when they start (day, then time; a day-only meeting first), then id."""
    return sorted(meetings, key=lambda m: (m.day, m.time or "", m.id))


def upcoming(workplan: Workplan, now: datetime) -> list[Meeting]:
    """The meetings not over yet, soonest first."""
    return [m for m in in_order(workplan.meetings.values()) if not is_past(m, now)]


def next_meeting(workplan: Workplan, now: datetime) -> Meeting | None:
    """The soonest meeting not over yet, or None."""
    coming = upcoming(workplan, now)
    return coming[0] if coming else None


# --- attendance and debriefs ------------------------------------------------------------------


def attendance(meeting: Meeting) -> dict[str, Attendance]:
    """Each member's attendance as recorded (the last entry for a member, should a hand edit
    repeat one), by handle."""
    return {a.member: a for a in meeting.attendance}


def in_advance(entry: Attendance, meeting: Meeting) -> bool | None:
    """Whether apologies were sent in advance, before the meeting started (the norm: "we
    notify members in advance if we miss a meeting"); None when there are no apologies or
    no time they were sent."""
    if entry.status != "apologies" or not entry.sent:
        return None
    try:
        sent = datetime.fromisoformat(entry.sent.replace("Z", "+00:00"))
    except ValueError:
        return None
    return sent < start_of(meeting)


def debrief_due(day: str, days: int) -> str:
    """The day a debrief is due: ``days`` (the partnership's ``debrief_days``) after the
    meeting's ``day`` (ISO)."""
    try:
        return (date.fromisoformat(day) + timedelta(days=days)).isoformat()
    except OverflowError:  # a hand-edited day at the calendar's end: due that day
        return day


def missed(entry: Attendance) -> bool:
    """Whether the member was not at the meeting in person (so is owed a debrief)."""
    return entry.status in MISSED


def debriefed(entry: Attendance) -> bool:
    return entry.debriefed_by is not None


def attendance_words(entry: Attendance, meeting: Meeting, today: date, *, brief: bool = False) -> str:
    """How a member was at the meeting, in words: 'present', 'apologies (sent in advance, Mon
    30 Nov 17:30)', 'represented by dan', 'absent; debrief due Tue 8 Dec', 'absent; debriefed by
    alice'; ``brief`` leaves out when apologies were sent ('apologies (late)'). Handles are cleaned."""
    words = ATTENDANCE_WORDS.get(entry.status, entry.status)
    if entry.status == "apologies" and entry.sent:
        ahead = "in advance" if in_advance(entry, meeting) else "late"
        when = "" if brief else _sent_day(entry.sent, today)
        words += f" ({ahead})" if brief else f" (sent {ahead}{', ' + when if when else ''})"
    if entry.status == "represented" and entry.proxy:
        words += f" by {clean(entry.proxy)}"
    if missed(entry):
        if entry.debriefed_by:
            words += f"; debriefed by {clean(entry.debriefed_by)}"
        elif entry.debrief_due:
            late = entry.debrief_due < today.isoformat()
            words += f"; debrief {'overdue since' if late else 'due'} {_short(entry.debrief_due, today)}"
    return words


def _sent_day(sent: str, today: date) -> str:
    try:
        moment = datetime.fromisoformat(sent.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return ""
    return f"{short_date(moment.date(), today=today)} {moment:%H:%M}"


def _short(day: str, today: date) -> str:
    try:
        return short_date(date.fromisoformat(day), today=today)
    except ValueError:
        return clean(day)


class OwedDebrief(NamedTuple):
    """A debrief not given yet: the meeting, the member's attendance, the day it is due ('' when
    none is set) and whether that day has passed."""

    meeting: Meeting
    entry: Attendance
    due: str
    overdue: bool

    @property
    def key(self) -> str:
        """Stable words for it: 'M3:bob' (the digest's keys)."""
        return f"{self.meeting.label}:{self.entry.member}"

    def words(self, today: date) -> str:
        """'bob missed M3 (Tue 24 Nov): debrief due Tue 1 Dec' / '... overdue since Tue 1 Dec'."""
        day = _short(self.meeting.day, today)
        who = clean(self.entry.member)
        if not self.due:
            return f"{who} missed {self.meeting.label} ({day}): debrief owed"
        state = "overdue since" if self.overdue else "due"
        return f"{who} missed {self.meeting.label} ({day}): debrief {state} {_short(self.due, today)}"


def debriefs_owed(workplan: Workplan, today: date, *, member: str | None = None) -> list[OwedDebrief]:
    """Every debrief owed to a member who missed a meeting (present members only: one who has
    left the partnership is owed nothing), the soonest due first; with ``member``, only theirs.
    A meeting still to come owes none yet (apologies sent ahead count once it has been)."""
    today_iso = today.isoformat()
    found = []
    for meeting in workplan.meetings.values():
        if meeting.day >= today_iso:  # not over yet (or today's): the debrief's week starts after it
            continue
        for entry in attendance(meeting).values():
            if not missed(entry) or debriefed(entry) or entry.member not in workplan.members:
                continue
            if member is not None and entry.member != member:
                continue
            due = entry.debrief_due or ""
            found.append(OwedDebrief(meeting, entry, due, bool(due) and due < today_iso))
    return sorted(found, key=lambda d: (d.due or "9999", d.meeting.day, d.meeting.id, d.entry.member))


def not_yet_problem(meeting: Meeting, today: date, what: str) -> str | None:
    """Why ``what`` ('a debrief is given', 'who was present is recorded') cannot be recorded yet
    at a meeting whose day has not come on ``today`` (the local day), or None once it has: a
    debrief, a decision, who was present or absent are facts of a meeting held. Apologies and
    who will represent whom are sent and arranged in advance, so they need no such day."""
    if meeting.day <= today.isoformat():
        return None
    return f"{meeting.label} is on {_short(meeting.day, today)}: {what} once it is held"


def debrief_problem(meeting: Meeting, member: str, by: str) -> str | None:
    """Why ``by`` may not tick off ``member``'s debrief for ``meeting``, or None when they may:
    ``member`` must have missed the meeting and not been debriefed yet, and ``by`` must have
    been there (present, or the one who represented ``member``)."""
    entries = attendance(meeting)
    entry = entries.get(member)
    if entry is None or not missed(entry):
        return f"{member} did not miss {meeting.label}: no debrief is owed"
    if entry.debriefed_by is not None:
        return f"{member} was already debriefed on {meeting.label} by {entry.debriefed_by}"
    mine = entries.get(by)
    if by == member:
        return f"a debrief is given by a member who was at {meeting.label}, not by {member}"
    if (mine is None or mine.status != "present") and entry.proxy != by:
        return f"only a member who was at {meeting.label} ticks off a debrief ({by} was not recorded present)"
    return None


def attendance_problem(
    meeting: Meeting, member: str, status: str, proxy: str | None, members: Iterable[str]
) -> str | None:
    """What is wrong with recording ``member`` as ``status`` at ``meeting`` (represented by
    ``proxy``), or None: both must be members, a member represents only someone else, and one
    who represents another was there."""
    known = set(members)
    if member not in known:
        return f"no member {member!r}; see 'workplan member list'"
    if status == "represented":
        if not proxy:
            return f"say who represented {member} (--by HANDLE)"
        if proxy not in known:
            return f"no member {proxy!r}; see 'workplan member list'"
        if proxy == member:
            return f"{member} cannot represent themselves"
        theirs = attendance(meeting).get(proxy)
        if theirs is not None and theirs.status != "present":
            return f"{proxy} was not present at {meeting.label} ({theirs.status}), so cannot represent {member}"
    elif proxy:
        return "only a member who is represented has someone representing them (--by)"
    return None


# --- roles, flags, action items, decisions ------------------------------------------------------


def flags(meeting: Meeting, members: Collection[str] | None, now: datetime | None = None) -> list[str]:
    """What the agenda says before anything else: a meeting with neither a facilitator nor an
    alternate (the norm: a facilitator and at least one alternate); and one still to come (not
    over at ``now``) whose facilitator and alternate have both left the partnership since (not
    in ``members``, the handles: a member removed, or a hand edit), which has none in fact.
    ``members`` None: the roles were just checked (a meeting being made)."""
    named = [h for h in (meeting.facilitator, meeting.alternate) if h]
    if not named:
        return [NO_FACILITATOR]
    if members is None or (now is not None and is_past(meeting, now)) or any(h in members for h in named):
        return []
    who = " and ".join(clean(h) for h in named)
    gone = "is no longer a member" if len(named) == 1 else "are no longer members"
    return [f"No facilitator or alternate: {who} {gone}; choose them before the meeting"]


def roles(workplan: Workplan, handle: str) -> list[tuple[Meeting, str]]:
    """The meetings ``handle`` facilitates or stands in for ('facilitator', 'alternate'), in order."""
    found = []
    for meeting in in_order(workplan.meetings.values()):
        if meeting.facilitator == handle:
            found.append((meeting, "facilitator"))
        if meeting.alternate == handle:
            found.append((meeting, "alternate"))
    return found


def action_items(workplan: Workplan, meeting_id: int) -> list[Task]:
    """The tasks made as the meeting's action items (``Task.meeting``), by id."""
    return sorted((t for t in workplan.tasks.values() if t.meeting == meeting_id), key=lambda t: t.id)


def votes_on_the_day(workplan: Workplan, meeting: Meeting, plan_id: int) -> list[Vote]:
    """The votes on plan ``plan_id`` cast on the meeting's (local) day: the vote taken in the
    meeting, as the vote records hold it (never a copy)."""
    found = []
    for vote in workplan.votes:
        if vote.plan != plan_id or not vote.at:
            continue
        try:
            day = datetime.fromisoformat(vote.at.replace("Z", "+00:00")).astimezone().date().isoformat()
        except ValueError:
            continue
        if day == meeting.day:
            found.append(vote)
    return found


def mentioned(workplan: Workplan, mention: str | None) -> str:
    """A record an agenda item or decision is about, as 'P3 Winter boxes', 'N2 (withdrawn since)'
    or '' for none. Stored text, cleaned; the caller cuts it to fit."""
    if not mention:
        return ""
    table = table_named(mention)
    parsed = id_of_label(mention)
    if table is None or parsed is None:
        return clean(mention)
    found = {
        "plans": lambda i: workplan.plans.get(i) and workplan.plans[i].title,
        "outcomes": lambda i: workplan.outcomes.get(i) and workplan.outcomes[i].name,
        "tasks": lambda i: workplan.tasks.get(i) and workplan.tasks[i].title,
        "norms": lambda i: workplan.norms.get(i) and workplan.norms[i].text,
        "meetings": lambda i: workplan.meetings.get(i) and workplan.meetings[i].title,
        "grants": lambda i: workplan.grants.get(i) and workplan.grants[i].name,
        "milestones": lambda i: workplan.milestones.get(i) and workplan.milestones[i].name,
    }.get(table, lambda i: None)(parsed[1])
    if not found:
        return f"{mention} (removed since)"
    return f"{mention} {clean(found)}"


def decision_about_problem(workplan: Workplan, about: str | None) -> str | None:
    """A decision is about a plan or a norm that exists, or nothing."""
    if about is None:
        return None
    parsed = id_of_label(about)
    table = table_named(about) if parsed else None
    if table not in ("plans", "norms") or parsed is None:
        return f"a decision is about a plan (P3) or a norm (N2), not {about!r}"
    if parsed[1] not in (workplan.plans if table == "plans" else workplan.norms):
        return f"no {'plan' if table == 'plans' else 'norm'} {about}"
    return None


class Found(NamedTuple):
    """A decision found across meetings: its meeting, its number there (from 1) and itself."""

    meeting: Meeting
    number: int
    decision: Decision


def decisions(workplan: Workplan, words: str = "", about: str | None = None) -> list[Found]:
    """Every meeting's decisions, oldest meeting first, keeping those whose text holds every one
    of ``words`` (ignoring case) and, with ``about``, those about that record (``P3``)."""
    wanted = words.lower().split()
    found = []
    for meeting in in_order(workplan.meetings.values()):
        for number, decision in enumerate(meeting.decisions, 1):
            if about is not None and decision.about != about:
                continue
            text = decision.text.lower()
            if all(word in text for word in wanted):
                found.append(Found(meeting, number, decision))
    return found


# --- the agenda made for a new meeting ----------------------------------------------------------

PREFILL_LIMIT = 12  # items of one kind at most (blocked tasks, concerns), then one that counts the rest
MILESTONE_SOON_DAYS = 14  # a milestone due within this many days is on the agenda even when on track


def _fit(text: str) -> str:
    """Stored text for an agenda item: one line, cut to what the file allows."""
    one = " ".join(clean(text).split())
    return one if len(one) <= SHORT_TEXT else one[: SHORT_TEXT - 1] + "…"


def prefill(
    workplan: Workplan, today: date, figures: list[PlanFigures] | None = None, *, day: date | None = None
) -> list[AgendaItem]:
    """The agenda a new meeting starts with: what needs the partnership on ``today``, as items
    about the record concerned (``prefilled``), in this order: debriefs still owed, plans waiting
    for buy-in (closing date, who has not voted), outcomes and plans off track (with the
    forecast's reason), pledges behind or late (``commitments.late_pledges``, in words:
    "PARKS's pledge of $2,000 (cash: Match) is late: ... (3 weeks overdue) ...") and grants whose match
    deadline passed short, milestones at risk, off track or due within ``MILESTONE_SOON_DAYS``
    of the meeting's ``day`` (of ``today`` when it is past or not given: the meeting should see
    what falls due before the one after it) ("Milestone D1 'Beds built' due Fri 18 Dec is at
    risk: T11 blocked; ..."), blocked tasks
    that need a decision (with why), norms not yet in force (who has not agreed). At most
    ``PREFILL_LIMIT`` items of a kind, then one that counts the rest. ``figures``:
    ``overview.plan_figures`` when the caller has them."""
    from workplan_tui.model import commitments, overview, schedule

    figures = figures if figures is not None else overview.plan_figures(workplan, today)
    items: list[AgendaItem] = []

    def add(text: str, about: str | None) -> None:
        items.append(AgendaItem(_fit(text), about, True))

    for owed in debriefs_owed(workplan, today)[:PREFILL_LIMIT]:
        add(f"Debrief: {owed.words(today)}", owed.meeting.label)
    for fig in sorted(figures, key=lambda f: (f.plan.closes or "9999", f.plan.id)):
        plan = fig.plan
        if plan.status != "proposed":
            continue
        waiting = fig.closing_text() or (
            f"{len(fig.buyin.not_voted)} ha{'s' if len(fig.buyin.not_voted) == 1 else 've'} not voted"
            if fig.buyin.not_voted
            else "everyone has voted"
        )
        add(f"Buy-in for {plan.label} {plan.title}: {waiting}", plan.label)
    off = [c for c in overview.concerns(figures) if c.health == "off_track"]
    for concern in off[:PREFILL_LIMIT]:
        add(f"Off track: {concern.label} {concern.name}: {concern.reason}", concern.label)
    if len(off) > PREFILL_LIMIT:
        add(f"Off track: {len(off) - PREFILL_LIMIT} more (workplan status)", None)
    late = commitments.late_pledges(workplan, today)
    for partner, line in late[:PREFILL_LIMIT]:
        add(commitments.late_pledge_words(workplan, partner, line, today), None)
    if len(late) > PREFILL_LIMIT:
        add(f"{len(late) - PREFILL_LIMIT} more pledges behind or late (workplan partner list)", None)
    for grant, match in commitments.missed_matches(workplan, today)[:PREFILL_LIMIT]:
        add(f"Match of {grant.label} {grant.name} ({grant.recipient}) missed: {match.reason}", grant.label)
    live = {p.id for p in workplan.plans.values() if p.status not in CLOSED_PLAN_STATUSES}
    raised = _milestones_to_raise(workplan, today, live, max(today, day or today))
    for milestone, found in raised[:PREFILL_LIMIT]:
        add(f"Milestone {schedule.milestone_words(milestone, found, today)}", milestone.label)
    if len(raised) > PREFILL_LIMIT:
        add(f"Milestones: {len(raised) - PREFILL_LIMIT} more (workplan milestone list)", None)
    blocked = sorted((t for t in workplan.tasks.values() if t.status == "blocked" and t.plan in live), key=_due_order)
    for task in blocked[:PREFILL_LIMIT]:
        why = f": {task.blocked_reason}" if task.blocked_reason.strip() else ""
        add(f"Blocked: {task.label} {task.title}{why}", task.label)
    if len(blocked) > PREFILL_LIMIT:
        add(f"Blocked: {len(blocked) - PREFILL_LIMIT} more tasks (workplan task list --status blocked)", None)
    for norm in sorted(workplan.norms.values(), key=lambda n: n.id):
        state = rules.norm_state(norm, workplan.members)
        if state.in_force or not workplan.members:
            continue
        add(f"Norm not in force: {norm.label} {norm.text} (waiting for {', '.join(state.waiting)})", norm.label)
    return items


def _milestones_to_raise(
    workplan: Workplan, today: date, live: set[int], meeting: date
) -> list[tuple[Milestone, MilestoneForecast]]:
    """The milestones of running plans (``live``: their ids) an agenda raises: not met, and off
    track (missed, or will be by the plan's dates) or at risk by their forecast on ``today``, or
    due from today to ``MILESTONE_SOON_DAYS`` after the ``meeting``'s day; worst first, then
    soonest."""
    from workplan_tui.model import schedule
    from workplan_tui.model.forecast import rank

    plan_of = schedule.Schedule(workplan)
    soon = (meeting + timedelta(days=MILESTONE_SOON_DAYS)).isoformat()
    found = []
    for milestone in workplan.milestones.values():
        if milestone.plan not in live:
            continue
        forecast = schedule.milestone_forecast(milestone, workplan, today, plan_of)
        worry = forecast.health in ("off_track", "at_risk")
        if forecast.health == "met" or not (worry or today.isoformat() <= milestone.due <= soon):
            continue
        found.append((milestone, forecast))
    found.sort(key=lambda pair: (rank(pair[1].health), pair[0].due, pair[0].id))
    return found


def _due_order(task: Task) -> tuple[str, int]:
    return (task.due or "9999", task.id)


# --- how a change to a meeting reads in the log ------------------------------------------------


def list_change_words(name: str, before: object, after: object) -> str | None:
    """A change to a meeting's agenda, attendance or decisions (logged as the list before and
    after, as the file holds it) in a few words: 'agenda + AOB', 'agenda: moved "AOB" to 3',
    'attendance bob apologies', 'attendance bob absent → present', 'bob debriefed by alice',
    'decision removed: ...'. None for anything else (the log then shows it as it is). Stored
    text: the caller cleans and cuts it."""
    if name not in ("agenda", "attendance", "decisions") or not isinstance(before, list | type(None)):
        return None
    if not isinstance(after, list | type(None)):
        return None
    old = [i for i in before or [] if isinstance(i, dict)]
    new = [i for i in after or [] if isinstance(i, dict)]
    if name == "attendance":
        return _attendance_change(old, new)
    said = "decision" if name == "decisions" else "agenda"
    was = [_item_key(i) for i in old]
    now = [_item_key(i) for i in new]
    parts = [f"{said} + {key[0]}" for key in now if key not in was]
    parts += [f"{said} removed: {key[0]}" for key in was if key not in now]
    if not parts and was != now:
        parts.append(_move_words(said, was, now))
    return "; ".join(parts) or None


def _move_words(said: str, was: list[tuple[str, str]], now: list[tuple[str, str]]) -> str:
    """The same items in a new order, as the one move that made it ('agenda: moved "AOB" to 3'):
    an item without which both orders agree. Two neighbours swapped are explained by either; the
    one that went up is named (an item is moved up to be taken sooner). When no single move
    explains it (a merge), the first item out of its place."""
    moves = [
        (now.index(key) - was.index(key), key)
        for key in was
        if key in now and [k for k in was if k != key] == [k for k in now if k != key]
    ]
    if moves:
        _, key = max(moves, key=lambda m: (abs(m[0]), m[0] < 0))
        return f'{said}: moved "{key[0]}" to {now.index(key) + 1}'
    for position, key in enumerate(now, 1):
        if was.index(key) + 1 != position:
            return f'{said}: moved "{key[0]}" to {position}'
    return f"{said} reordered"


def _item_key(item: dict[str, object]) -> tuple[str, str]:
    """An agenda item or decision as the log compares it: its text and what it is about."""
    return (str(item.get("text", "")), str(item.get("about") or ""))


def _attendance_change(old: list[dict[str, object]], new: list[dict[str, object]]) -> str | None:
    was = {str(e.get("member")): e for e in old}
    now = {str(e.get("member")): e for e in new}
    parts = []
    for member in sorted(set(was) | set(now)):
        a, b = was.get(member), now.get(member)
        if a == b:
            continue
        if b is None:
            parts.append(f"{member} no longer recorded")
        elif a is None or a.get("status") != b.get("status"):
            status = str(b.get("status"))
            if b.get("proxy"):
                status += f" by {b.get('proxy')}"
            parts.append(f"{member} {a.get('status')} → {status}" if a else f"{member} {status}")
        elif b.get("debriefed_by") and not a.get("debriefed_by"):
            parts.append(f"{member} debriefed by {b.get('debriefed_by')}")
        elif a.get("debriefed_by") and not b.get("debriefed_by"):
            parts.append(f"{member} not debriefed after all")
        elif a.get("debrief_due") != b.get("debrief_due"):
            parts.append(f"{member} debrief due {a.get('debrief_due') or '-'} → {b.get('debrief_due') or '-'}")
        else:
            parts.append(f"{member} changed")
    return "attendance " + ", ".join(parts) if parts else None
