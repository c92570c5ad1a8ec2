"""The meeting report as Markdown that renders the same on GitHub, GitLab and through pandoc.

Only what the three share: ATX headings, paragraphs, bullet lists, pipe tables (GFM, and
pandoc's ``pipe_tables``), emphasis and code spans. Bars are ASCII inside code spans
(``#######---``), so they line up and survive a PDF made with LaTeX. Every piece of
stored text is cleaned of control characters, kept on one line and escaped: a title
such as ``*urgent* | [x](javascript:...) <b>`` shows as written, never as markup, a
link, HTML or a broken table; ``$`` is escaped too (pandoc reads ``$...$`` as maths).
"""

from __future__ import annotations

import re

from workplan_tui.exchange.report import Report
from workplan_tui.model import commitments, rules
from workplan_tui.model.dates import format_due
from workplan_tui.model.forecast import HEALTH_WORDS, estimate_text, rank, rate_text
from workplan_tui.model.money import format_money, plain
from workplan_tui.model.records import Task, label
from workplan_tui.model.text import clean, stamp

# Punctuation that means something inside a line in CommonMark, GFM or pandoc's Markdown (stored
# text never starts a line here: it always follows "- ", "| ", "1. " or a label, so the marks
# that only count at the start of a line, - + = : and digits with a point, need no escape).
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&$^])")
BAR_CELLS = 10


# A web address in stored text ("see https://example.org/form?id=3", "www.example.org/a_b"): kept a
# working link. GFM links "www." without a scheme too, where a word starts (after a space or "(").
_URL = re.compile(r"(?:https?://|(?<![^\s(*_~])www\.)[^\s<>\"'`\\]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\""  # sentence punctuation after an address is not part of it


def md(value: object) -> str:
    """Stored text as Markdown that shows exactly that text: one line, no control characters,
    every character that could be markup escaped; a web address (http or https) stays a working
    link, as an autolink (``<https://...>``: CommonMark, GFM and pandoc read it, and escaping
    inside it would put backslashes in the address); one that starts with ``www.``, which GFM
    links too, as a link shown as typed: ``[www.example.org/a\\_b](<http://www.example.org/a_b>)``."""
    text = " ".join(clean(value).split())
    out, at = [], 0
    for found in _URL.finditer(text):
        url = _trimmed(found.group())
        out.append(_SPECIAL.sub(r"\\\1", text[at : found.start()]))
        # '|' would end a table's cell even inside an autolink: %7C is the same address
        address = url.replace("|", "%7C")
        if url[:4].lower() == "www.":  # no autolink without a scheme: shown as typed, http as GFM adds
            shown = _SPECIAL.sub(r"\\\1", url)
            out.append(f"[{shown}](<http://{address}>)")
        else:
            out.append(f"<{address}>")
        at = found.start() + len(url)
    out.append(_SPECIAL.sub(r"\\\1", text[at:]))
    return "".join(out)


def _trimmed(url: str) -> str:
    """An address found in text without what closes the sentence after it: a full stop, a comma,
    a closing bracket that opened before the address."""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def bar(percent: float | None, cells: int = BAR_CELLS) -> str:
    """``#######--- 70%`` in a code span (``-`` for no figure)."""
    if percent is None:
        return "-"
    filled = max(0, min(cells, round(percent / 100 * cells)))
    return f"`{'#' * filled}{'-' * (cells - filled)}` {percent:.0f}%"


def money(value: float | None, currency: str | None) -> str:
    return md(format_money(value, currency))


def table(headers: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    """A pipe table; ``align`` has one letter per column: l (default), r or c."""
    marks = {"l": "---", "r": "---:", "c": ":---:"}
    align = align.ljust(len(headers), "l")
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    out += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return out


def _task(task: Task) -> str:
    return f"{task.label} {md(task.title)}"


def _on_track(report: Report) -> list[str]:
    """'Are we on track?': each plan, then its outcomes, with the health, the reason and the
    figures behind it (model/forecast.py); plans off track first."""
    out = ["## Are we on track?", ""]
    if not report.on_track:
        return [*out, "No plan is running."]
    rows = []
    for f in sorted(report.on_track, key=lambda f: (rank(f.forecast.health), f.plan.id)):
        pf = f.forecast
        plan_pace = f"{rate_text(pf.closing_per_week)} tasks" if pf.closing_per_week is not None else "-"
        plan_needed = f"{rate_text(pf.needed_per_week)} tasks" if pf.needed_per_week is not None else "-"
        time = f"{pf.expected_progress:.0f}% of its time" if pf.expected_progress is not None else "-"
        rows.append(
            [
                f"**{f.plan.label} {md(f.plan.title)}**{_span(f.plan.start, f.plan.end)}",
                _health(pf.health),
                md(pf.reason),
                time,
                "-",
                plan_pace,
                plan_needed,
            ]
        )
        for o in f.outcomes:
            of = f.outcome_forecasts[o.id]
            rows.append(
                [
                    f"{o.label} {md(o.name)}",
                    _health(of.health),
                    md(of.reason),
                    _estimate(of.expected, o.unit),
                    _estimate(of.projected, o.unit),
                    _pace(of.pace_per_week, o.unit),
                    _pace(of.needed_per_week, o.unit),
                ]
            )
    out += table(
        ["Plan / outcome", "Health", "Why", "Expected now", "Projected at due", "Pace / week", "Needed / week"], rows
    )
    return out


def _span(start: str | None, end: str | None) -> str:
    """' (2026-09-08 to 2027-02-05)', ' (from ...)', ' (no end date)': a plan's dates."""
    if start and end:
        return f" ({start} to {end})"
    return f" (from {start}; no end date)" if start else f" (to {end})" if end else " (no end date)"


def _health(health: str) -> str:
    """The health in words, bold when off track or at risk (so it reads in print, without colour)."""
    words = HEALTH_WORDS.get(health, health)
    return f"**{words}**" if health in ("off_track", "at_risk") else words


def _estimate(value: float | None, unit: str) -> str:
    return "-" if value is None else md(estimate_text(value, unit))


def _pace(value: float | None, unit: str) -> str:
    return "-" if value is None else md(f"{rate_text(value)}{' ' + unit if unit and unit != '%' else unit}")


def render(report: Report) -> str:
    """The whole report as Markdown (ends with a newline)."""
    wp, today, since = report.workplan, report.today, report.since
    p = wp.partnership
    day = since.isoformat()
    scope = f"{report.plan.label} {md(report.plan.title)}" if report.plan else "all plans"
    out = [
        f"# {md(p.name)}: meeting report",
        "",
        f"**Date:** {today.isoformat()} · **Stage:** {md(p.stage)} · **Changes since:** {day} · **Plans:** {scope}",
    ]
    if p.purpose:
        out += ["", f"*{md(p.purpose)}*"]

    out += ["", *_on_track(report)]

    out += ["", "## Decisions needed", ""]
    if not report.decisions:
        out.append("No plan is waiting for buy-in.")
    for f in report.decisions:
        plan = f.plan
        out.append(
            f"- **{plan.label} {md(plan.title)}** ({plan.status}, rule: {md(plan.rule)}): {md(f.buyin.summary())}"
        )
        if f.buyin.ok:
            out.append(f"  - Has the buy-in its rule asks for: it {md(rules.buyin_words(plan, f.buyin))}.")
        for reason in f.buyin.reasons:
            out.append(f"  - Missing: {md(reason)}")

    out += ["", "## Outcomes", ""]
    if not report.outcomes:
        out.append("No outcomes in the plans still running.")
    else:
        rows = []
        for c in report.outcomes:
            o = c.outcome
            unit = f" {md(o.unit)}" if o.unit else ""
            figures = f"{md(plain(o.current))} / {md(plain(o.target))}{unit}"
            if o.target < o.baseline:
                figures = f"{md(plain(o.baseline))} → {md(plain(o.current))}, target {md(plain(o.target))}{unit}"
            sign = "+" if c.change > 0 else ""
            change = f"{md(sign + plain(c.change))}{unit}" if c.change else "no change"
            if c.checkins:
                change += f" ({c.checkins} check-in{'s' if c.checkins != 1 else ''})"
            due = md(format_due(o.due, today=today, done=c.forecast.health == "met")) if o.due else "-"
            rows.append([o.label, md(o.name), bar(c.progress), figures, change, due, c.plan.label])
        out += table(["Outcome", "Name", "Progress", "Now", f"Since {day}", "Due", "Plan"], rows)

    out += _milestones(report)

    out += ["", f"## Done since {day}", ""]
    if not report.log_readable:
        out.append("*The activity log could not be read; this lists done tasks last changed since then.*")
        out.append("")
    if not report.done:
        out.append("Nothing was finished in this period.")
    for t in report.done:
        owner = f" ({md(t.owner)})" if t.owner else ""
        out.append(f"- {_task(t)}{owner}, {label('plans', t.plan)}")

    att = report.attention
    out += ["", "## Needs attention", ""]
    if not (
        att.overdue or att.blocked or att.stale or report.date_problems or report.late_pledges or report.followups_due
    ):
        out.append("Nothing is overdue, blocked or stale.")
    if att.overdue:
        out += [f"### Overdue ({len(att.overdue)})", ""]
        rows = [
            [_task(t), md(t.owner or "unassigned"), md(format_due(t.due, today=today)), f"{t.progress}%"]
            for t in att.overdue
        ]
        out += table(["Task", "Owner", "Due", "Done"], rows, "lllr") + [""]
    if att.blocked:
        out += [f"### Blocked ({len(att.blocked)})", ""]
        rows = [[_task(t), md(t.owner or "unassigned"), md(t.blocked_reason or "no reason given")] for t in att.blocked]
        out += table(["Task", "Owner", "Why"], rows) + [""]
    if report.date_problems:
        out += [f"### Dates that cannot work ({len(report.date_problems)})", ""]
        out += [f"- {md(p.text)}" for p in report.date_problems] + [""]
    if att.stale:
        out += [f"### Stale: no update for 14 days or more ({len(att.stale)})", ""]
        rows = [[_task(t), md(t.owner or "unassigned"), md(stamp(t.updated_at, date_only=True))] for t in att.stale]
        out += table(["Task", "Owner", "Last update"], rows) + [""]
    if report.late_pledges:
        out += [f"### Pledges behind or late ({len(report.late_pledges)})", ""]
        rows = [
            [
                md(commitments.pledge_name(partner.code, line.number)),
                f"{line.contribution.kind}: {md(line.contribution.description)}",
                _health_words(line.status.health, line.status.words),
                md(line.status.reason),
            ]
            for partner, line in report.late_pledges
        ]
        out += table(["Pledge", "What", "Status", "Why"], rows) + [""]
    if report.followups_due:
        out += [f"### Follow-ups due ({len(report.followups_due)})", ""]
        rows = [
            [
                f"{md(due.subject.name)} {md(due.subject.title)}",
                md(commitments.followup_words(due.followup, today)),
                md(format_due(due.followup.new_date, today=today)),
            ]
            for due in report.followups_due
        ]
        out += table(["On", "Follow-up", "New date"], rows) + [""]
    if out[-1] == "":
        out.pop()

    out += ["", "## Who is behind", ""]
    if not report.behind:
        out.append("Nobody: no member has overdue, blocked or stale tasks.")
    else:
        rows = [
            [
                md(b.member.handle),
                md(b.member.name),
                md(b.member.partner),
                str(b.open),
                str(len(b.overdue)),
                str(len(b.blocked)),
                str(len(b.stale)),
                md(stamp(b.last_change, date_only=True)) if b.last_change else "-",
            ]
            for b in report.behind
        ]
        out += table(
            ["Member", "Name", "Partner", "Open", "Overdue", "Blocked", "Stale", "Last change"], rows, "lllrrrrl"
        )

    out += ["", *_partners(report)]

    out += ["", *_resources(report)]

    out += ["", "## Norms", ""]
    if not report.norms:
        out.append("No norms agreed yet.")
    for number, (norm, n) in enumerate(report.norms, 1):
        if n.in_force:
            state = "*In force.*"
        else:
            whole = len(n.agreed) + len(n.waiting)
            state = f"Agreed by {len(n.agreed)} of {whole}; waiting for {md(', '.join(n.waiting))}."
        out.append(f"{number}. **{norm.label}** {md(norm.text)} {state}")
    out.append("")
    return "\n".join(out)


def _milestones(report: Report) -> list[str]:
    """The milestones of the plans in the report, soonest first, each with its forecast."""
    if not report.milestones:
        return []
    out = ["", "## Milestones", ""]
    rows = []
    for m, f in report.milestones:
        tasks = f"{len(f.open_tasks)} of {f.total_tasks} open" if f.total_tasks else "-"
        rows.append([
            f"{m.label} {md(m.name)}", md(m.due), f"**{md(f.words)}**", tasks, md(f.reason), label("plans", m.plan),
        ])  # fmt: skip
    return out + table(["Milestone", "Date", "Forecast", "Tasks", "Why", "Plan"], rows)


def _health_words(health: str, words: str) -> str:
    """A pledge's words ('late', 'behind'), bold when behind or late."""
    return f"**{words}**" if health in ("off_track", "at_risk") else words


def _partners(report: Report) -> list[str]:
    """Each partner's record (model/commitments.py): accountability without blame."""
    out = ["## Partners", ""]
    if not report.partners:
        return [*out, "No partners yet."]
    currency, today = report.currency, report.today
    for record in report.partners:
        p = record.partner
        out += [
            f"### {md(p.code)} {md(p.name)}",
            "",
            f"**{md(record.outstanding(currency) or 'Nothing outstanding.')}**",
            "",
        ]
        for line in record.pledges:
            c = line.contribution
            out.append(
                f"- Pledge #{line.number} {c.kind}: {md(c.description)}: "
                f"{_health_words(line.status.health, line.status.words)}: {md(line.status.reason)}"
            )
        overdue = ", ".join(t.label for t in record.overdue)
        blocked = ", ".join(t.label for t in record.blocked)
        out.append(
            f"- Tasks its members own: {len(record.open)} open, {len(record.overdue)} overdue"
            + (f" ({overdue})" if overdue else "")
            + f", {len(record.blocked)} blocked"
            + (f" ({blocked})" if blocked else "")
        )
        if record.leads:
            led = ", ".join(
                f"{led.label} {md(led.name)} ({HEALTH_WORDS.get(led.health, led.health)})" for led in record.leads
            )
            out.append(f"- Leads: {led}")
        if record.votes:
            out.append(
                "- Votes not cast: " + "; ".join(f"{plan.label} ({md(', '.join(who))})" for plan, who in record.votes)
            )
        if record.norms:
            out.append(
                "- Norms not agreed: " + "; ".join(f"{norm.label} ({md(', '.join(who))})" for norm, who in record.norms)
            )
        at, who = record.last_change
        out.append(f"- Last change: {md(stamp(at, date_only=True))} ({md(who)})" if at else "- Last change: not known")
        for subject, f in record.followups[:5]:
            out.append(f"- Follow-up on {md(subject.name)}: {md(commitments.followup_words(f, today))}")
        out.append("")
    out.pop()
    return out


def _resources(report: Report) -> list[str]:
    currency = report.currency
    sharing = report.sharing
    out = ["## Resources and match", ""]
    out.append(f"Amounts in {md(currency)}." if currency else "No currency set (workplan currency USD sets one).")
    out += ["", "### Pledged and delivered, by partner and kind", ""]
    if not sharing.total.count:
        out.append("Nothing pledged yet.")
    else:
        rows = []
        for share in sharing.partners:
            for kind, tally in share.kinds.items():
                pledged = money(tally.pledged, currency) if tally.pledged or not tally.unvalued else "not valued"
                if tally.unvalued and tally.pledged:
                    pledged += f" + {tally.unvalued} not valued"
                rows.append(
                    [md(share.partner.code), kind, pledged, money(tally.delivered, currency), bar(tally.percent)]
                )
        whole = sharing.total
        rows.append(
            [
                "**All partners**",
                " ",
                f"**{money(whole.pledged, currency)}**",
                f"**{money(whole.delivered, currency)}**",
                bar(whole.percent),
            ]
        )
        out += table(["Partner", "Kind", "Pledged", "Delivered", "Delivered of pledged"], rows, "llrrl")
    out += ["", "### Grants and match", ""]
    if not report.grants:
        out.append("No grants.")
        return out
    rows = []
    for g in report.grants:
        grant = g.grant
        status = report.match_status[grant.id]
        by = md(status.deadline.isoformat()) if status.deadline else "-"
        late = f" ({money(status.late, currency)} late)" if status.late > 0.005 else ""
        rows.append(
            [
                f"{grant.label} {md(grant.name)}",
                f"{md(grant.funder)} → {md(grant.recipient)}",
                money(grant.amount, currency),
                md(grant.match),
                money(g.required, currency),
                money(g.total.pledged, currency),
                money(g.total.delivered, currency) + late,
                by,
                _health(status.health),
            ]
        )
    out += table(
        ["Grant", "From → to", "Amount", "Match", "Required", "Pledged", "Delivered", "Deadline", "Match health"],
        rows,
        "llrlrrrll",
    )
    for g in report.grants:
        status = report.match_status[g.grant.id]
        out += ["", f"{g.grant.label}: {_health(status.health)}: {md(status.reason)}"]
    for line in report.match:
        grants = ", ".join(g.label for g in line.grants)
        out += ["", f"#### Match for {md(line.recipient)} ({grants})", ""]
        summary = (
            f"Required {money(line.required, currency)}, pledged {money(line.total.pledged, currency)}, "
            f"delivered {money(line.total.delivered, currency)}: {bar(line.delivered_percent)} of the match delivered."
        )
        if line.shortfall > 0:
            summary += f" Still to pledge: {money(line.shortfall, currency)}."
        out += [summary, ""]
        rows = [
            [kind, money(t.pledged, currency) + (f" + {t.unvalued} not valued" if t.unvalued else ""),
             money(t.delivered, currency), bar(t.percent)]
            for kind, t in line.kinds.items()
        ]  # fmt: skip
        if rows:
            out += table(["Kind", "Pledged", "Delivered", "Delivered of pledged"], rows, "lrrl")
        else:
            out.append("Nothing pledged towards it yet.")
    return out
