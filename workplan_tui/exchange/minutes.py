"""A meeting's minutes as Markdown, with the partnership's norms attached at the end.

``workplan meeting minutes M3`` and the board's palette write them. What they hold: when and
where, facilitator and alternate, attendance (apologies sent in advance or not, who was
represented by whom, each debrief given or owed), the agenda, the decisions (with the votes cast
on a plan that day, as the vote records hold them), the action items, the outcomes' health
(model/forecast.py), the notes, and the norms, as the partnership literature asks of every set of
meeting notes. The same Markdown as the meeting report (exchange/markdown.py): CommonMark with
GFM pipe tables, every piece of stored text cleaned and escaped so that it shows as written,
never as a link, HTML, a heading or a broken table.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from workplan_tui.exchange.markdown import _health, md, table
from workplan_tui.model import meetings, overview, rules
from workplan_tui.model.dates import format_due
from workplan_tui.model.records import CLOSED_PLAN_STATUSES, Meeting, Workplan, label
from workplan_tui.model.text import clean, stamp

# What makes a line of the notes a block of Markdown when it starts it: a list item (- + * 1. 1)),
# a setext underline (= -), a heading or a quote (# > are escaped by md anyway).
_BLOCK_START = re.compile(r"([-+=*]|[0-9]{1,9}(?=[.)]))")


def _notes_line(line: str) -> str:
    """One line of a meeting's notes as Markdown that shows it as written, never as a list item,
    a heading, a rule or a quote."""
    text = md(line)
    found = _BLOCK_START.match(text)
    if found is None:
        return text
    if found.group(1)[0].isdigit():  # "1." : escape the point, not the digit
        end = found.end()
        return text[:end] + "\\" + text[end:]
    return "\\" + text


def notes(text: str) -> list[str]:
    """A meeting's notes (several lines) as Markdown lines: each line kept (a hard break), blank
    lines kept as paragraph breaks."""
    out: list[str] = []
    lines = clean(text, multiline=True).split("\n")
    for number, line in enumerate(lines):
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        following = number + 1 < len(lines) and lines[number + 1].strip()
        out.append(_notes_line(line) + ("  " if following else ""))
    while out and out[-1] == "":
        out.pop()
    return out


def _who(workplan: Workplan, handle: str | None) -> str:
    if handle is None:
        return "*none named*"
    member = workplan.members.get(handle)
    return f"{md(handle)} ({md(member.name)}, {md(member.partner)})" if member else md(handle)


def render(workplan: Workplan, meeting: Meeting, *, now: datetime, today: date) -> str:
    """The minutes of ``meeting`` as Markdown (ends with a newline)."""
    p = workplan.partnership
    m = meeting
    place = f" · **Where:** {md(m.place)}" if m.place else ""
    held = "" if meetings.is_past(m, now) else " · *not held yet*"
    out = [
        f"# Minutes: {m.label} {md(m.title)}",
        "",
        f"**Partnership:** {md(p.name)} · **When:** {md(meetings.when_text(m, date.min))}{place}{held}",
        "",
        f"**Facilitator:** {_who(workplan, m.facilitator)} · **Alternate:** {_who(workplan, m.alternate)}",
    ]
    for flag in meetings.flags(m, workplan.members, now):
        out += ["", f"**{md(flag)}.**"]

    out += ["", "## Attendance", ""]
    entries = meetings.attendance(m)
    if not entries:
        out.append("No attendance recorded.")
    else:
        rows = []
        for handle, entry in sorted(entries.items()):
            member = workplan.members.get(handle)
            status = entry.status + (f" by {md(entry.proxy)}" if entry.status == "represented" and entry.proxy else "")
            sent = ""
            if entry.status == "apologies" and entry.sent:
                ahead = meetings.in_advance(entry, m)
                sent = f"{md(stamp(entry.sent))}, {'in advance' if ahead else '**not in advance**'}"
            debrief = ""
            if meetings.missed(entry):
                if entry.debriefed_by:
                    debrief = (
                        f"given by {md(entry.debriefed_by)}, {md(stamp(entry.debriefed_at or '', date_only=True))}"
                    )
                elif entry.debrief_due:
                    late = entry.debrief_due < today.isoformat()
                    words = md(format_due(entry.debrief_due, today=today))
                    debrief = f"**owed, {words}**" if late else f"owed, {words}"
            rows.append(
                [
                    md(handle),
                    md(member.name) if member else "*no longer a member*",
                    md(member.partner) if member else " ",
                    status,
                    sent or " ",
                    debrief or " ",
                ]
            )
        out += table(["Member", "Name", "Partner", "Attendance", "Apologies sent", "Debrief"], rows)
    missing = sorted(set(workplan.members) - set(entries))
    if missing and entries:
        out += ["", f"Not recorded: {md(', '.join(missing))}."]

    out += ["", "## Agenda", ""]
    if not m.agenda:
        out.append("No agenda.")
    for number, item in enumerate(m.agenda, 1):
        out.append(f"{number}. {md(item.text)}")

    out += ["", "## Decisions", ""]
    if not m.decisions:
        out.append("No decisions recorded.")
    for number, decision in enumerate(m.decisions, 1):
        about = meetings.mentioned(workplan, decision.about)
        line = f"{number}. {md(decision.text)}"
        if about:
            line += f" *(about {md(about)})*"
        out.append(line)
        if decision.about and decision.about.startswith("P"):
            votes = meetings.votes_on_the_day(workplan, m, int(decision.about[1:]))
            if votes:
                cast = ", ".join(f"{md(v.member)} {v.position}" for v in votes)
                out.append(f"   - Votes cast that day: {cast}.")

    out += ["", "## Action items", ""]
    tasks = meetings.action_items(workplan, m.id)
    if not tasks:
        out.append("No action items.")
    else:
        rows = [
            [
                f"{t.label} {md(t.title)}",
                label("plans", t.plan),
                md(t.owner or "unassigned"),
                md(format_due(t.due, today=today, done=t.status == "done")) if t.due else "-",
                t.status,
            ]
            for t in tasks
        ]
        out += table(["Task", "Plan", "Owner", "Due", "Status"], rows)

    out += ["", "## Outcomes' health", ""]
    figures = [f for f in overview.plan_figures(workplan, today) if f.plan.status not in CLOSED_PLAN_STATUSES]
    rows = []
    for fig in figures:
        for o in fig.outcomes:
            f = fig.outcome_forecasts[o.id]
            progress = rules.outcome_progress(o.baseline, o.target, o.current)
            rows.append(
                [f"{o.label} {md(o.name)}", fig.plan.label, f"{progress:.0f}%", _health(f.health), md(f.reason)]
            )
    if rows:
        out += table(["Outcome", "Plan", "Progress", "Health", "Why"], rows, "llrll")
    else:
        out.append("No outcomes in the plans still running.")

    if m.notes.strip():
        out += ["", "## Notes", "", *notes(m.notes)]

    out += ["", "## Our norms", ""]
    if not workplan.norms:
        out.append("No norms agreed yet.")
    for number, norm in enumerate(sorted(workplan.norms.values(), key=lambda n: n.id), 1):
        state = rules.norm_state(norm, workplan.members)
        if state.in_force:
            said = "*In force.*"
        else:
            whole = len(state.agreed) + len(state.waiting)
            said = f"*Agreed by {len(state.agreed)} of {whole}.*"
        out.append(f"{number}. **{norm.label}** {md(norm.text)} {said}")
    out.append("")
    return "\n".join(out)


def file_stem(store_path: Path, meeting: Meeting) -> str:
    """'partnership-minutes-M3-2026-11-24': what the board names a meeting's minutes (.md)."""
    return f"{store_path.stem}-minutes-{meeting.label}-{meeting.day}"
