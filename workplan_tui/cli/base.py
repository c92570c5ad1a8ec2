"""What every command module shares: the acting environment, JSON output, id and date options."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from workplan_tui.cli import render
from workplan_tui.model import dates
from workplan_tui.model.records import Activity, Workplan, label, parse_label
from workplan_tui.model.text import clean, short
from workplan_tui.store.store import Store, acting_member, utc_now

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Env:
    """What every command needs: the file, the acting member, the clock."""

    def __init__(self, path: Path):
        self.path = path
        self.theme: str | None = None
        self.user = acting_member()
        self.store = Store(path, user=self.user, on_wait=lambda line: click.echo(f"workplan: {clean(line)}", err=True))

    def now(self) -> datetime:
        return utc_now()

    def today(self) -> date:
        return dates.today()

    def read(self) -> Workplan:
        return self.store.read()


pass_env = click.make_pass_decorator(Env)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def fail(message: str) -> NoReturn:
    raise click.ClickException(message)


def emit(record: Any, as_json: bool, text: str | Callable[[], str]) -> None:
    if as_json:
        click.echo(render.to_json(record))
    else:
        click.echo(text() if callable(text) else text)


def ident(table: str) -> Callable[[click.Context, click.Parameter, str], int]:
    def convert(ctx: click.Context, param: click.Parameter, value: str) -> int:
        try:
            return parse_label(value, table)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return convert


def due_date(env: Env, text: str | None) -> str | None:
    if text is None:
        return None
    if text.strip().lower() in ("none", "clear", "-"):
        return None
    try:
        return dates.parse_date(text, today=env.today()).isoformat()
    except dates.DateError as exc:
        fail(str(exc))


def changes_text(entry: Activity) -> str:
    """A log entry's changes on one line: 'progress 40 → 60; status todo → doing'."""
    return "; ".join(f"{k} {short(v[0], 40)} → {short(v[1], 40)}" for k, v in entry.changes.items())


def as_dict(record: Any) -> dict[str, Any]:
    """A record's fields as a dict, without its id (the caller adds it as a label)."""
    return {name: getattr(record, name) for name in record.__slots__ if name != "id"}


def due_full(t: Any, today: date) -> str:
    """A task's due date with its humanised form: '2026-12-04 · due in 2 days', or '-'."""
    if not t.due:
        return "-"
    return f"{t.due} · {dates.format_due(t.due, today=today, done=t.status == 'done')}"


# --- what the editing and removing commands share --------------------------------------------


def _revision(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None and value < 1:
        raise click.BadParameter(f"{value} is not a revision (revisions count from 1)")
    return value


rev_option = click.option(
    "--rev",
    "rev",
    type=int,
    callback=_revision,
    default=None,
    metavar="N",
    help="Only if the record is still at revision N (the 'rev' of its --json output); "
    "if someone changed it since, nothing changes.",
)

# Fields of a record that hold another record's id, and that id's table.
_REFERENCES = {"plan": "plans", "outcome": "outcomes"}


def labelled(record: dict[str, Any]) -> dict[str, Any]:
    """A changed record for ``--json``: references to other records as labels ("plan": "P1")."""
    out = dict(record)
    for name, table in _REFERENCES.items():
        value = out.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            out[name] = label(table, value)
    return out


def changed_fields(env: Env) -> list[str]:
    """The fields the command's write changed, in order ([] when it wrote nothing)."""
    names: dict[str, None] = {}
    for entry in env.store.last_entries:
        names.update(dict.fromkeys(entry.get("changes", {})))
    return list(names)


def need_changes(ctx: click.Context, given: dict[str, Any]) -> None:
    """A usage error when an edit command was given nothing to change."""
    if not given:
        options = [
            p.opts[0]
            for p in ctx.command.params
            if isinstance(p, click.Option) and p.name not in ("rev", "as_json") and not p.hidden
        ]
        raise click.UsageError(f"say what to change: {', '.join(options)}", ctx)
