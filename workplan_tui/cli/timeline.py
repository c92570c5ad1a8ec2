"""``workplan timeline``: the plan over time as text, weeks across (model/timeline.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import (
    CONTEXT,
    Env,
    Whole,
    complete_ids,
    complete_members,
    fail,
    ident,
    json_option,
    member_named,
    pass_env,
)
from workplan_tui.model.dates import DateError, parse_date, short_date
from workplan_tui.model.records import label
from workplan_tui.model.text import clean
from workplan_tui.model.timeline import (
    GROUPINGS,
    LAST_FIRST,
    STATE_WORDS,
    TAG_CELLS,
    Timeline,
    fit_weeks,
    header,
    monday,
    window_start,
)

LEGEND = (
    "│ today",
    "█ task (one cell: its due day)",
    "░ waiting",
    "╌▸ waits on",
    "! waits on work due later",
    "◆ milestone",
    "◂ ▸ before, after",
)


def legend(cols: int) -> list[str]:
    """The key to the signs, as many to a line as ``cols`` cells take (none is cut)."""
    lines: list[str] = []
    for item in LEGEND:
        if lines and render.cells(lines[-1]) + 2 + render.cells(item) <= cols:
            lines[-1] += "  " + item
        else:
            lines.append(render.fit(item, cols))
    return lines


@click.command("timeline", context_settings=CONTEXT)
@click.option(
    "--plan",
    "plan_id",
    callback=lambda c, p, v: None if v is None else ident("plans")(c, p, v),
    shell_complete=complete_ids("plans"),
    help="Only this plan (for example P2); else every running plan.",
)
@click.option("--weeks", type=Whole(1, 104), default=12, show_default=True, help="How many weeks across.")
@click.option(
    "--by",
    type=click.Choice(GROUPINGS),
    default="partner",
    show_default=True,
    help="Group the rows by partner or plan.",
)
@click.option(
    "--from", "start", default=None, metavar="DATE", help="The first week: the week of this day (default: last week)."
)
@click.option(
    "--owner",
    default=None,
    metavar="HANDLE",
    shell_complete=complete_members,
    help="Only this member's tasks (any case: Dan is dan), and the milestones that list them.",
)
@json_option
@pass_env
def timeline_cmd(
    env: Env, plan_id: int | None, weeks: int, by: str, start: str | None, owner: str | None, as_json: bool
) -> None:
    """Print the plan over time: weeks across, a row per task and milestone, grouped by partner.

    A task is a bar from its start to its due day (one cell when it has only a due day); a task
    that waits on another has a dotted arrow from that one's due day; a milestone is a diamond;
    today is a line down. Each row says overdue, at risk, waiting or done in words. It fits the
    terminal's width (COLUMNS): with many weeks, a week gets fewer cells.

    \b
    Examples:
      workplan timeline
      workplan timeline --plan P2 --weeks 8 --by plan
      workplan timeline --owner dan
    """
    workplan = env.read()
    if plan_id is not None and plan_id not in workplan.plans:
        fail(f"no plan {label('plans', plan_id)}; see 'workplan plan list'")
    if owner is not None:
        owner = member_named(workplan, owner)
    today = env.today()
    first = window_start(today)
    if start is not None:
        try:
            first = monday(parse_date(start, today=today))
        except DateError:
            try:
                first = monday(date.fromisoformat(start))
            except ValueError:
                fail(f"--from: cannot read {start!r} as a day (2026-11-30, mon, dec 1)")
        if first > LAST_FIRST:
            fail(f"--from: {first.isoformat()} leaves no room for the weeks before the calendar ends (31 Dec 9999)")
    line = Timeline(workplan, today, by=by, plan_id=plan_id, owner=owner, first=first)  # done work of its weeks too
    if as_json:
        click.echo(render.to_json(as_rows(line, first, weeks)))
        return
    scope = label("plans", plan_id) if plan_id is not None else "running plans"
    scope += f" · {owner}'s tasks" if owner is not None else ""
    click.echo("\n".join(text_lines(line, first, weeks, render.width(), scope)))


def text_lines(line: Timeline, first: date, weeks: int, cols: int, scope: str) -> list[str]:
    """The timeline as lines of at most ``cols`` terminal cells; ``scope`` says which plans."""
    labels = max(12, min(30, cols // 4))
    grid = max(weeks, cols - labels - 1 - TAG_CELLS - 1)
    per_week = fit_weeks(grid, weeks)
    shown_weeks = min(weeks, grid // per_week)
    last = first + timedelta(days=7 * shown_weeks - 1)
    span = f"{short_date(first, today=line.today)} to {short_date(last, today=line.today)}"
    out = [render.fit(f"Timeline · {scope} · {span} · by {line.by}", cols)]
    months, days = header(first, shown_weeks, per_week)
    lead = " " * (labels + 1 + TAG_CELLS + 1)
    out += [render.fit(lead + months, cols).rstrip(), render.fit(lead + days, cols).rstrip()]
    if not line.rows:
        out.append(f"No dated tasks or milestones in {'the ' if scope.startswith('running plans') else ''}{scope}.")
    for row in line.rows:
        if row.kind == "group":
            heading = render.fit(f"── {clean(row.heading)} ", cols)
            out.append(heading + "─" * (cols - render.cells(heading)))
            continue
        state, _ = line.state(row)
        tag = STATE_WORDS.get(state, state)
        name = render.pad(f"{row.label} {clean(row.title)}", labels)
        out.append(f"{name} {tag:<{TAG_CELLS}} {line.text(row, first, shown_weeks, per_week)}".rstrip())
    out += legend(cols)
    return out


def as_rows(line: Timeline, first: date, weeks: int) -> dict[str, Any]:
    """The timeline for scripts: the weeks and every row with its dates, state and why."""
    rows: list[dict[str, Any]] = []
    for row in line.rows:
        if row.kind == "group":
            continue
        state, why = line.state(row)
        item: dict[str, Any] = {
            "id": row.label,
            "kind": row.kind,
            "group": row.group,
            "title": row.title,
            "start": row.first_day or None,
            "end": row.last_day or None,
            "state": state or None,
            "why": clean(why) or None,
        }
        if row.task is not None:
            item["waits_on"] = [label("tasks", t) for t in row.task.waits_on]
        rows.append(item)
    return {
        "from": first.isoformat(),
        "weeks": weeks,
        "by": line.by,
        "today": line.today.isoformat(),
        "rows": rows,
    }
