"""``workplan series``: recurring tasks (a task that comes back every week, month...)."""

from __future__ import annotations

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import CONTEXT, Env, HelpGroup, complete_series, fail, json_option, pass_env
from workplan_tui.model import contract, dates, recurrence
from workplan_tui.model.records import Series, Workplan, label, parse_label
from workplan_tui.model.text import clean
from workplan_tui.store import actions


@click.group(cls=HelpGroup, context_settings=CONTEXT)
def series() -> None:
    """Recurring tasks: list the series, pause, resume or end one."""


def _series_id(env: Env, typed: str) -> int:
    """A series named by its own id (S1) or by one of its instances (T30)."""
    text = typed.strip()
    if text[:1].upper() == "T":
        try:
            task_id = parse_label(text, "tasks")
        except ValueError as exc:
            fail(str(exc))
        task = env.read().tasks.get(task_id)
        if task is None:
            fail(f"no task {label('tasks', task_id)}; see 'workplan task list'")
        if task.series is None:
            fail(f"{task.label} is not a recurring task")
        return task.series
    try:
        return parse_label(text, "series")
    except ValueError as exc:
        fail(f"{exc} or a task of it (T12)")


def series_json(workplan: Workplan, s: Series) -> dict[str, object]:
    """A series in the JSON contract with its instances (labels, oldest first) and the open one."""
    instances = sorted((t for t in workplan.tasks.values() if t.series == s.id), key=lambda t: t.id)
    current = next((t for t in instances if t.status != "done"), None)
    return {
        **contract.of("series", s),
        "repeats": recurrence.words(s.every),
        "instances": [t.label for t in instances],
        "open": current.label if current else None,
    }


def _line(workplan: Workplan, s: Series) -> str:
    facts = series_json(workplan, s)
    instances = facts["instances"]
    assert isinstance(instances, list)
    first = workplan.tasks.get(int(str(instances[-1])[1:])) if instances else None
    title = clean(first.title) if first else "(no instance left)"
    now = f"open: {facts['open']}" if facts["open"] else "none open"
    so_far = f"{len(instances)} so far ({label('plans', s.plan)})"
    return f"{s.label} {title} · {facts['repeats']} · {s.status} · {now} · {so_far}"


@series.command("list")
@json_option
@pass_env
def series_list(env: Env, as_json: bool) -> None:
    """List the recurring series: how often, running or paused, the open instance.

    \b
    Example:
      workplan series list
    """
    workplan = env.read()
    if as_json:
        click.echo(render.to_json([series_json(workplan, s) for s in workplan.series.values()]))
        return
    if not workplan.series:
        click.echo("No recurring tasks yet: workplan task add P1 TITLE --every week")
        return
    cols = render.width()
    for s in workplan.series.values():
        click.echo(render.wrap(_line(workplan, s), cols))


def _status_command(name: str, status: str, doc: str) -> None:
    @series.command(name, help=doc)
    @click.argument("which", metavar="S1|T1", shell_complete=complete_series(status))
    @json_option
    @pass_env
    def command(env: Env, which: str, as_json: bool) -> None:
        record = actions.set_series_status(env.store, _series_id(env, which), status)
        workplan = env.read()
        if as_json:
            click.echo(render.to_json(series_json(workplan, record)))
            return
        line = _line(workplan, record)
        opened = series_json(workplan, record)["open"]
        if status == "running" and opened:
            task = workplan.tasks.get(int(str(opened)[1:]))
            if task is not None and task.due:
                line += f"; next: {opened} {dates.format_due(task.due, today=env.today(), dated=True)}"
        click.echo(render.wrap(line, render.width()))


_status_command(
    "pause",
    "paused",
    "Pause a series: an instance done makes no next one until it is resumed.\n\n"
    "Name it by its id or one of its tasks.\n\n\b\nExample:\n  workplan series pause S1",
)
_status_command(
    "resume",
    "running",
    "Resume a paused or ended series; with no instance open, the next one is made (a running\n"
    "series too, when its open instance was removed).\n\n"
    "\b\nExample:\n  workplan series resume T30",
)
_status_command(
    "end",
    "ended",
    "End a series: its open instance stays, no new ones are made.\n\n\b\nExample:\n  workplan series end S1",
)
