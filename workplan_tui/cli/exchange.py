"""``workplan report``, ``workplan export`` and ``workplan import``: what leaves and enters workplan.

The formats live in ``workplan_tui/exchange/`` (one module each); these commands read
the options, call them, and write where they were asked to.
"""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NoReturn

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import (
    CONTEXT,
    Env,
    complete_ids,
    complete_members,
    fail,
    json_option,
    member_named,
    output_option,
    pass_env,
)
from workplan_tui.model import dates
from workplan_tui.model.records import parse_label
from workplan_tui.model.text import clean
from workplan_tui.store.storage import StoreError

REPORT_DAYS = 7  # a report's default period: the week since the last weekly meeting
SHOWN_PROBLEMS = 200  # bad rows listed at most (a file of the wrong kind would list every row)
SAMPLE_TITLES = 3  # titles an import shows as read, to check the encoding by eye


def _plan_option(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return parse_label(value, "plans")
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _since(env: Env, text: str | None) -> date:
    if text is None:
        return env.today() - timedelta(days=REPORT_DAYS)
    try:
        return dates.parse_past_date(text, today=env.today(), any_year=True)
    except dates.DateError as exc:
        fail(f"--since: {exc}")


def write_out(env: Env, out: Path, payload: bytes) -> None:
    """Write an export or a report to ``out`` (replacing it); never over the partnership's own files."""
    target = Path(os.path.realpath(out))
    store = env.store
    own = {store.path, store.history_path, store.path.with_name(f".{store.path.name}.lock")}
    if target in own:
        fail(f"{out} is the partnership's own file; choose another -o")
    if target.is_dir():
        fail(f"{out} is a folder; give a file name")
    with open(out, "wb") as handle:
        handle.write(payload)


@click.command("report", context_settings=CONTEXT)
@click.option(
    "--since", "since", metavar="DATE", help="The start of the period: the last meeting (default: 7 days ago)."
)
@click.option(
    "--plan",
    "plan_id",
    metavar="P1",
    callback=_plan_option,
    shell_complete=complete_ids("plans"),
    help="Only this plan's decisions, outcomes, tasks and people (resources and norms stay whole).",
)
@output_option("the report")
@json_option
@pass_env
def report_cmd(env: Env, since: str | None, plan_id: int | None, out: Path | None, as_json: bool) -> None:
    """Write the meeting report in Markdown: decisions, outcomes, done, attention, people, resources, norms.

    It renders well on GitHub, GitLab and through pandoc: the partnership, stage and date;
    decisions needed (plans waiting for buy-in and what is missing); each outcome with a bar
    and its change since DATE; tasks done since DATE; overdue, blocked and stale tasks; who
    is behind; pledged and delivered resources and each grant's match; and the norms. With
    --json it prints the same facts as JSON.

    \b
    Examples:
      workplan report > notes.md
      workplan report --since 2026-11-01 --plan P2 -o p2-meeting.md
      pandoc notes.md -o notes.pdf
    """
    from workplan_tui.exchange import markdown
    from workplan_tui.exchange import report as facts

    first = _since(env, since)
    made = facts.build(env.store, today=env.today(), now=env.now(), since=first, plan_id=plan_id)
    text = render.to_json(facts.as_json(made)) + "\n" if as_json else markdown.render(made)
    if out is None:
        click.echo(text, nl=False)
        return
    write_out(env, out, text.encode("utf-8"))
    render.say(f"Wrote the meeting report to {clean(str(out))}")


# --- export ------------------------------------------------------------------------------------

EXPORT_FORMATS = ("json", "csv", "ics")


@click.command("export", context_settings=CONTEXT)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default=None,
    help="json (the whole partnership), csv (one table) or ics (due dates as a calendar).",
)
@click.option(
    "--table",
    type=click.Choice(
        [
            "tasks",
            "plans",
            "outcomes",
            "checkins",
            "votes",
            "activity",
            "contributions",
            "deliveries",
            "grants",
            "milestones",
            "followups",
            "meetings",
            "attendance",
            "decisions",
        ]
    ),
    default=None,
    metavar="TABLE",
    help="The table a CSV export holds (required with --format csv): tasks, plans, outcomes, checkins, votes, "
    "activity, contributions, deliveries, grants, followups (plans and outcomes with their forecast, pledges "
    "and grants with their health), meetings, attendance or decisions (of every meeting), or milestones "
    "(with their health).",
)
@click.option(
    "--owner",
    metavar="HANDLE",
    shell_complete=complete_members,
    help="Only this member's tasks (ICS: one person's calendar; CSV of tasks too).",
)
@click.option("--no-log", is_flag=True, help="Leave the activity log out of a JSON export.")
@output_option("the export")
@json_option
@pass_env
def export_cmd(
    env: Env, fmt: str | None, table: str | None, owner: str | None, no_log: bool, out: Path | None, as_json: bool
) -> None:
    """Export the partnership as JSON, one table as CSV, or due dates as an ICS calendar.

    JSON is the whole partnership in the JSON contract (the same records --json prints,
    the activity log included unless --no-log); --json is short for --format json. CSV is
    one --table with a header row, in UTF-8 with a byte-order mark so spreadsheet programs
    open it cleanly; a cell that would start a formula (=, +, -, @) starts with ' instead.
    ICS holds the due dates of tasks, outcomes and milestones, each pledge's due day or
    instalments (and a new date agreed in a follow-up) and each grant's match deadline as
    all-day events, and the meetings (at their time, where one is set), whose UIDs stay the
    same, so a calendar that imports it again updates them; --owner makes one person's (their
    tasks and every meeting). A task removed, undated, archived or given to another since is
    sent as cancelled, so calendars drop it; a calendar with nothing in it is refused.

    \b
    Examples:
      workplan export --format json -o partnership.json
      workplan export --format csv --table tasks -o tasks.csv
      workplan export --format ics --owner alice -o alice.ics
    """
    if as_json:
        if fmt not in (None, "json"):
            raise click.UsageError(f"--json is --format json; not with --format {fmt}")
        fmt = "json"
    if fmt is None:
        raise click.UsageError("say which format: --format json, csv or ics")
    if fmt == "csv" and table is None:
        raise click.UsageError("a CSV export holds one table: give --table (tasks, outcomes, checkins, ...)")
    if table is not None and fmt != "csv":
        raise click.UsageError("--table goes with --format csv")
    workplan = env.read()
    if owner is not None:
        owner = member_named(workplan, owner)
    payload: bytes
    if fmt == "json":
        from workplan_tui.exchange import json_export

        payload = (render.to_json(json_export.export(env.store, with_log=not no_log)) + "\n").encode()
    elif fmt == "csv":
        from workplan_tui.exchange import csv_export

        assert table is not None
        payload = csv_export.export(env.store, table, owner=owner)
    else:
        from workplan_tui.exchange import ics

        try:  # the whole log: the events of records gone since an earlier export are cancelled
            history = list(env.store.history().newest())[::-1]
        except StoreError as exc:
            click.echo(f"workplan: warning: {clean(str(exc))}; no event is cancelled in this export", err=True)
            history = None
        try:
            payload = ics.export(workplan, owner=owner, today=env.today(), history=history)
        except ics.NothingToExport as exc:
            fail(str(exc))
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return
    write_out(env, out, payload)
    what = {"json": "the partnership", "csv": f"the {table} table", "ics": "the calendar"}[fmt]
    render.say(f"Wrote {what} to {clean(str(out))}")


# --- import ------------------------------------------------------------------------------------


@click.command("import", context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True, help="The file's format."
)
@click.option(
    "--plan",
    "plan_id",
    metavar="P1",
    required=True,
    callback=_plan_option,
    shell_complete=complete_ids("plans"),
    help="The plan the tasks go into.",
)
@click.option(
    "--map",
    "mapping",
    metavar="HEADER=FIELD",
    default=None,
    help='Which column is which field when the headers do not say it, e.g. "Task=title,Lead=owner".',
)
@click.option(
    "--encoding",
    metavar="NAME",
    default=None,
    help="The file's encoding, when it cannot be told: utf-8, utf-16 (Excel's Unicode Text), cp1252 "
    "(Excel's CSV on Windows) or mac-roman (Excel for Mac's CSV).",
)
@click.option("--dry-run", is_flag=True, help="Check every row and say what would change; write nothing.")
@json_option
@pass_env
def import_cmd(
    env: Env,
    file: Path,
    fmt: str,
    plan_id: int,
    mapping: str | None,
    encoding: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Bring a spreadsheet's tasks into a plan from a CSV file.

    Columns are found by their headers: title (or task), owner (or lead, assignee), due,
    status, progress (or % complete), notes, outcome, blocked reason and id; --map names
    others. Dates are read as everywhere in workplan, owners by handle or name. Every bad
    row is listed with its row number, column and reason, and nothing is written unless
    every row is good. Importing the same file again updates the tasks instead of adding
    them twice: by the id column (T12) for rows of this plan, else by title. The file may be
    UTF-8, UTF-16, Windows-1252 or Mac Roman, as spreadsheets save CSV; when which cannot be
    told, --encoding says it. The dry run shows the first titles as they were read.

    \b
    Examples:
      workplan import tasks.csv --plan P2 --dry-run
      workplan import plan.csv --plan P2 --map "Task=title,Lead=owner,By=due"
    """
    from workplan_tui.exchange import csv_import
    from workplan_tui.model import importing
    from workplan_tui.store import actions

    workplan = env.read()
    if plan_id not in workplan.plans:
        fail(f"no plan P{plan_id}; see 'workplan plan list'")
    try:
        sheet = csv_import.read(file, mapping, encoding)
    except csv_import.SheetError as exc:
        fail(str(exc))
    planned = importing.plan_import(workplan, plan_id, sheet.rows, today=env.today())
    if planned.problems:
        _bad_rows(file, planned.problems)
    if not dry_run and (planned.added or planned.updated):
        try:
            planned = actions.import_tasks(env.store, plan_id, sheet.rows, today=env.today())
        except importing.ImportProblems as exc:
            _bad_rows(file, exc.problems)
    result = importing.summary(planned, sheet.columns, sheet.ignored, dry_run=dry_run)
    result["encoding"] = sheet.encoding
    result["sample"] = [row.cells.get("title", "") for row in sheet.rows[:SAMPLE_TITLES]]
    if as_json:
        click.echo(render.to_json(result))
        return
    text = importing.summary_text(result, clean(str(file)))
    if dry_run:
        titles = ", ".join(repr(clean(t)) for t in result["sample"]) or "none"
        text += f"\nRead as {csv_import.ENCODING_WORDS[sheet.encoding]}; the first titles as read: {titles}."
    click.echo(render.wrap(text))


def _bad_rows(file: Path, problems: list[Any]) -> NoReturn:
    """The error line, then every bad row (row number, column, reason) on stderr; exit 1, nothing written."""
    count = len({p.row for p in problems})
    rows = f"{count} row{'s' if count != 1 else ''}"
    click.echo(f"workplan: error: {clean(str(file))}: {rows} cannot be imported; nothing was imported:", err=True)
    for problem in problems[:SHOWN_PROBLEMS]:
        click.echo(f"  {clean(str(problem))}", err=True)
    if len(problems) > SHOWN_PROBLEMS:
        click.echo(f"  ... and {len(problems) - SHOWN_PROBLEMS} more problems", err=True)
    sys.exit(1)
