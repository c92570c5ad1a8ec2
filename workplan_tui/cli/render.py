"""Plain-text rendering for the command line. Every piece of stored text goes through ``clean``."""

from __future__ import annotations

import os
import re
import sys
from datetime import date, datetime
from typing import Any

from workplan_tui.model import rules
from workplan_tui.model.dates import format_due
from workplan_tui.model.records import Outcome, Task, Workplan
from workplan_tui.model.text import clean

ATTENTION_LIMIT = 10
# Characters one cell wide everywhere, none combining (Latin, punctuation, arrows, the
# bars' blocks): text made only of these is measured by its length, without wcwidth.
_NARROW = re.compile("[\u00a0-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u259f -~]*")


def to_json(value: Any) -> str:
    """JSON for scripts; ASCII-escaped so no control or bidi character reaches a terminal."""
    import json  # only with --json: start-up time

    return json.dumps(value, indent=2, ensure_ascii=True, default=str)


def width() -> int:
    """Terminal columns to fill: the terminal's (or $COLUMNS), 30 to 160."""
    # shutil.get_terminal_size's rule without importing shutil (start-up time)
    columns = os.environ.get("COLUMNS", "")
    cols = int(columns) if columns.isascii() and columns.isdigit() else 0
    if cols <= 0:
        try:
            cols = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            cols = 0
    return max(30, min(cols or 100, 160))


def cells(text: str) -> int:
    """Terminal cells ``text`` takes: 2 for each wide (CJK, emoji) character, 0 for combining marks.

    Measured with wcwidth, not Rich: the CLI never imports Rich or Textual (start-up time).
    """
    if text.isascii() or _NARROW.fullmatch(text):
        return len(text)
    from wcwidth import wcswidth  # only for other text: it costs 30 ms of start-up

    return max(0, wcswidth(text))  # by grapheme: 👨‍👩‍👧‍👦 and ❤️ take 2 cells


def bar(percent: float, cells: int = 20) -> str:
    filled = round(percent / 100 * cells)
    return "█" * filled + "░" * (cells - filled)


def number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def fit(text: str, room: int) -> str:
    """``text`` cleaned and cut to ``room`` terminal cells, with an ellipsis when cut."""
    text = clean(text)
    if cells(text) <= room:
        return text
    if text.isascii() or _NARROW.fullmatch(text):  # one cell per character, none combining
        return text[: max(0, room - 1)] + "…" if room > 0 else ""
    from wcwidth import iter_graphemes, wcswidth

    kept, used = [], 0
    for grapheme in iter_graphemes(text):  # never cut inside a joined emoji or a letter with its accents
        size = max(0, wcswidth(grapheme))
        if used + size > room - 1:
            break
        kept.append(grapheme)
        used += size
    return "".join(kept) + "…" if room > 0 else ""


def wrap(text: str, cols: int | None = None) -> str:
    """Each line of ``text`` broken at spaces to at most ``cols`` terminal cells (default: the terminal).

    A continuation is indented two cells past the line's own indent; a word longer than a
    whole line is cut with an ellipsis. Text must already be cleaned (it is not cleaned again).
    """
    cols = cols or width()
    out: list[str] = []
    for line in text.split("\n"):
        if cells(line) <= cols:
            out.append(line)
            continue
        lead = len(line) - len(line.lstrip(" "))
        current = line[:lead]
        for word in line[lead:].split(" "):
            gap = " " if current.strip() else ""
            if current.strip() and cells(current) + len(gap) + cells(word) > cols:
                out.append(current)
                current, gap = " " * (lead + 2), ""
            current += gap + fit(word, cols - cells(current) - len(gap))
        out.append(current)
    return "\n".join(out)


def pad(text: str, room: int) -> str:
    """``text`` fitted to ``room`` cells and padded with spaces to exactly ``room`` cells."""
    fitted = fit(text, room)
    return fitted + " " * (room - cells(fitted))


def outcome_line(outcome: Outcome) -> str:
    pct = rules.outcome_progress(outcome.baseline, outcome.target, outcome.current)
    return f"{clean(outcome.name)} {rules.outcome_figures(outcome, number)} ({pct:.0f}%)"


def owner_text(workplan: Workplan, handle: str | None) -> str:
    if not handle:
        return "unassigned"
    member = workplan.members.get(handle)
    return f"{clean(handle)} ({clean(member.partner)})" if member else clean(handle)


def status_text(workplan: Workplan, me: str, now: datetime, today: date) -> str:
    p = workplan.partnership
    cols = width()
    lines = [f"{clean(p.name)} · stage: {p.stage}"]
    if p.purpose:
        lines.append(fit(p.purpose, cols))
    from workplan_tui.model.overview import attention, plan_figures

    figures = plan_figures(workplan, today)
    for fig in figures:
        plan = fig.plan
        lines.append("")
        lines.append(f"{plan.label} {fit(plan.title, cols - 20)}  [{plan.status}]")
        lines.append(f"   {bar(fig.progress)} {fig.progress:3.0f}%  {fig.buyin.summary()}")
        if fig.outcomes:
            lines.append("   outcomes: " + fit(" · ".join(outcome_line(o) for o in fig.outcomes), cols - 13))
        done = sum(1 for t in fig.tasks if t.status == "done")
        lines.append(
            f"   tasks: {len(fig.tasks)} ({done} done) · {len(fig.overdue)} overdue · "
            f"{len(fig.blocked)} blocked · {len(fig.due_this_week)} due this week"
        )
    if not figures:
        lines.append("")
        lines.append("No plans yet: add one with 'workplan plan add TITLE'.")
    att = attention(workplan, figures, me, now)
    lines.append("")
    if not (att.overdue or att.blocked or att.stale or att.waiting_votes):
        lines.append("Needs attention: nothing. All clear.")
        return "\n".join(fit(line, cols) for line in lines)
    lines.append(f"Needs attention (for {clean(me)}):")
    for plan in att.waiting_votes:
        lines.append(f"  ? {plan.label} {fit(plan.title, cols - 30)} waits for your vote")
    for title, tasks, describe in (
        ("overdue", att.overdue, lambda t: format_due(t.due, today=today)),
        ("blocked", att.blocked, lambda t: "blocked: " + clean(t.blocked_reason)),
        ("stale", att.stale, lambda t: "no update for 14+ days"),
    ):
        marker = {"overdue": "!", "blocked": "x", "stale": "~"}[title]
        for task in tasks[:ATTENTION_LIMIT]:
            lines.append(task_line(workplan, task, describe(task), cols, marker))
        if len(tasks) > ATTENTION_LIMIT:
            hint = {"overdue": "--overdue", "blocked": "--status blocked", "stale": ""}[title]
            more = f"  ... and {len(tasks) - ATTENTION_LIMIT} more {title}"
            lines.append(more + (f" (workplan task list {hint})" if hint else ""))
    return "\n".join(fit(line, cols) for line in lines)


def task_line(workplan: Workplan, task: Task, detail: str, cols: int, marker: str = " ") -> str:
    """One aligned line: marker, id, title (takes the room left), detail, owner; at most ``cols`` cells."""
    fixed = f"  {marker} {task.label:<6} "
    detail_cells, owner_cells = (26, 20) if cols >= 90 else (18, 12)
    room = max(8, cols - len(fixed) - detail_cells - owner_cells - 4)
    owner = fit(owner_text(workplan, task.owner), owner_cells)
    line = f"{fixed}{pad(task.title, room)}  {pad(detail, detail_cells)}  {owner}"
    return fit(line, cols)


def status_json(workplan: Workplan, me: str, now: datetime, today: date) -> dict[str, Any]:
    from workplan_tui.model.overview import attention, plan_figures

    figures = plan_figures(workplan, today)
    att = attention(workplan, figures, me, now)
    return {
        "partnership": {"name": workplan.partnership.name, "stage": workplan.partnership.stage},
        "plans": [
            {
                "id": f.plan.label,
                "title": f.plan.title,
                "status": f.plan.status,
                "progress": round(f.progress, 1),
                "buy_in": {
                    "rule": f.buyin.rule,
                    "tally": f.buyin.tally,
                    "not_voted": f.buyin.not_voted,
                    "may_activate": f.buyin.ok,
                    "missing": f.buyin.reasons,
                },
                "outcomes": [
                    {
                        "id": o.label,
                        "name": o.name,
                        "current": o.current,
                        "target": o.target,
                        "unit": o.unit,
                        "progress": round(rules.outcome_progress(o.baseline, o.target, o.current), 1),
                    }
                    for o in f.outcomes
                ],
                "tasks": len(f.tasks),
                "done": sum(1 for t in f.tasks if t.status == "done"),
                "overdue": len(f.overdue),
                "blocked": len(f.blocked),
                "due_this_week": len(f.due_this_week),
            }
            for f in figures
        ],
        "needs_attention": {
            "member": me,
            "overdue": [t.label for t in att.overdue],
            "blocked": [t.label for t in att.blocked],
            "stale": [t.label for t in att.stale],
            "waiting_for_my_vote": [p.label for p in att.waiting_votes],
        },
    }


def table(rows: list[list[str]], headers: list[str], flex: int) -> str:
    """Fixed-width columns; column ``flex`` takes the room that is left."""
    cols = width()
    texts = [[clean(c) for c in row] for row in rows]
    widths = [max([len(h)] + [cells(r[i]) for r in texts]) for i, h in enumerate(headers)]
    others = sum(w for i, w in enumerate(widths) if i != flex) + 2 * (len(headers) - 1)
    widths[flex] = max(8, min(widths[flex], cols - others))
    out = ["  ".join(pad(h, widths[i]) for i, h in enumerate(headers)).rstrip()]
    for row in texts:
        out.append("  ".join(pad(c, widths[i]) for i, c in enumerate(row)).rstrip())
    return "\n".join(fit(line, cols) for line in out)
