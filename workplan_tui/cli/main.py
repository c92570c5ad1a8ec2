"""The ``workplan`` command line. It never imports Textual (start-up speed, scripting)."""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import click

from workplan_tui import __version__
from workplan_tui.cli import render
from workplan_tui.cli.base import CONTEXT, Env, as_dict, changes_text, emit, fail, json_option, pass_env
from workplan_tui.cli.output import make_streams_safe
from workplan_tui.model import dates, rules, schema
from workplan_tui.model.records import label
from workplan_tui.model.text import clean, short, stamp
from workplan_tui.store.storage import StoreError, find_temp_files, locked, parse, read_bytes
from workplan_tui.store.store import Store

# Command groups live in their own modules, imported only when named (click's "lazily
# loading subcommands"): a command loads its own group, not every other one.
LAZY_COMMANDS = {
    "member": ("partners", "member"),
    "norm": ("norms", "norm"),
    "outcome": ("outcomes", "outcome"),
    "partner": ("partners", "partner"),
    "plan": ("plans", "plan"),
    "task": ("tasks", "task"),
    "vote": ("plans", "vote_cmd"),
}


class WorkplanGroup(click.Group):
    """Turns every expected failure into one line on stderr and a non-zero exit.

    Also finds the command groups of ``LAZY_COMMANDS`` in their modules when named.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module, name = LAZY_COMMANDS[cmd_name]
            command = getattr(importlib.import_module(f"workplan_tui.cli.{module}"), name)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name or "workplan", complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            sys.exit(2)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"workplan: {clean(exc.format_message())}{hint}", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"workplan: error: {clean(exc.format_message())}", err=True)
            sys.exit(1)
        except (click.exceptions.Abort, KeyboardInterrupt):
            click.echo("workplan: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (StoreError, rules.RuleError, dates.DateError, schema.SchemaError) as exc:
            raise click.ClickException(str(exc)) from None
        except BrokenPipeError:
            raise  # `workplan log | head`: the reader went away; exit quietly
        except OSError as exc:
            raise click.ClickException(f"{exc.filename or ''}: {exc.strerror}".lstrip(": ")) from None
        except Exception:
            # A sealed file is read without checking each record (store/layout.py): if one was
            # forged, say which, in one line, rather than fail on it.
            env = ctx.find_object(Env)
            problem = env.store.recheck() if env is not None else None
            if problem is not None:
                raise click.ClickException(str(problem)) from None
            raise


@click.group(cls=WorkplanGroup, context_settings=CONTEXT, invoke_without_command=True)
@click.option(
    "-f",
    "--file",
    "path",
    envvar="WORKPLAN_FILE",
    default="workplan.json",
    show_default="$WORKPLAN_FILE, else ./workplan.json",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The partnership file.",
)
@click.option("--theme", default=None, metavar="NAME", help="Board theme (remembered per user when chosen in the app).")
@click.version_option(__version__, "--version", prog_name="workplan")
@click.pass_context
def cli(ctx: click.Context, path: Path, theme: str | None) -> None:
    """workplan: a partnership's joint work plan in one shared file.

    Run without a command to open the board.
    """
    ctx.obj = Env(path)
    ctx.obj.theme = theme
    if ctx.invoked_subcommand is None:
        ctx.invoke(open_cmd)


@cli.command("open")
@pass_env
def open_cmd(env: Env) -> None:
    """Open the board (the terminal UI)."""
    launch_board(env.store, env.theme)


# A board waits less than a script for the lock: the screen does not answer keys meanwhile.
BOARD_LOCK_TIMEOUT = 3.0
_BOARD_RAN = False


def launch_board(store: Store, theme: str | None) -> None:
    """Check the file, then start the Textual board on it.

    The file is read (and validated) before Textual is imported, so a bad file is a
    one-line error and the app starts with the parsed data in the store's cache. A
    file of a newer schema that this version can still read opens read-only.
    The UI package is imported by name here so that no other command loads Textual.
    """
    store.check_everything()  # the board checks every record, sealed or not (store/layout.py)
    store.read(allow_newer=True)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        fail("the board needs a terminal; for scripts use 'workplan status' or '--json' listings")
    ui = importlib.import_module("workplan_tui.ui.app")
    store.on_wait = None  # the screen is Textual's now: no lines on stderr
    store.lock_timeout = BOARD_LOCK_TIMEOUT
    app = ui.make_app(store.path, store=store, theme=theme)
    global _BOARD_RAN
    _BOARD_RAN = True  # the board's threads and terminal get Python's full shutdown
    app.run()  # with the cycle collector still off: the board turns it on once it has painted
    if app.return_code:  # the board crashed (Textual printed why): scripts must see it
        sys.exit(app.return_code)


# --- init, demo, check -------------------------------------------------------------


@cli.command()
@click.option("--name", default=None, help="The partnership's name (default: from the file name).")
@click.option("--purpose", default="", help="The need the partnership answers.")
@json_option
@pass_env
def init(env: Env, name: str | None, purpose: str, as_json: bool) -> None:
    """Create a new partnership file (never overwrites one)."""
    name = (name or env.path.stem.replace("-", " ").replace("_", " ").title()).strip()
    if not name or len(name) > 200:
        fail("--name must be 1 to 200 characters")
    env.store.create(name, purpose.strip())
    data = env.store.read().partnership
    record = {"name": data.name, "purpose": data.purpose, "stage": data.stage, "file": str(env.path)}
    emit(record, as_json, f"Created {env.path} for {clean(name)}. Next: workplan partner add CODE --name NAME")


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Where to write it.")
@click.option("--no-open", is_flag=True, help="Only write the file and print its status; do not open the board.")
@json_option
@pass_env
def demo(env: Env, out: Path | None, no_open: bool, as_json: bool) -> None:
    """Copy the sample partnership to a fresh file, dated relative to today, and open it.

    Without a terminal (or with --no-open or --json) it prints the path and the status.
    """
    from workplan_tui.store.sample import write_demo

    path = write_demo(out, today=env.today(), user=env.user)
    store = Store(path, user=env.user)
    workplan = store.read()
    if as_json:
        click.echo(
            render.to_json({"file": str(path), **render.status_json(workplan, env.user, env.now(), env.today())})
        )
        return
    if not no_open and sys.stdin.isatty() and sys.stdout.isatty():
        launch_board(store, env.theme)
        click.echo(f"The demo partnership is in {path}; open it again with: workplan -f {path}")
        return
    click.echo(f"Demo partnership written to {path}")
    click.echo(f"Try: workplan -f {path} status   (or export WORKPLAN_FILE={path})\n")
    click.echo(render.status_text(workplan, env.user, env.now(), env.today()))


@cli.command()
@pass_env
def check(env: Env) -> None:
    """Validate the file: exit 0 when sound, else 1 with every problem listed.

    Also reports temporary files left by an interrupted write (the next write removes them).
    """
    path = env.store.path
    if path != env.path:
        click.echo(f"{clean(env.path)}: a symbolic link to {clean(path)}; workplan locks and writes there")
    orphans = find_temp_files(path)
    if orphans:
        try:
            with locked(path, timeout=2):
                orphans = find_temp_files(path)  # under the lock none can be in use
        except StoreError:
            pass
    for name in orphans:
        click.echo(f"{clean(path.parent / name)}: left by an interrupted write; the next write removes it", err=True)
    try:
        data = parse(path, read_bytes(path)[0])
        problems = schema.validate(data)
    except schema.NewerSchemaError as exc:
        problems = exc.problems
    except StoreError as exc:
        click.echo(f"workplan: error: {clean(str(exc))}", err=True)
        sys.exit(1)
    if problems:
        for problem in problems:
            click.echo(f"{clean(path)}: {clean(str(problem))}", err=True)
        click.echo(f"{len(problems)} problem(s) found; the file was not changed.", err=True)
        sys.exit(1)
    workplan = schema.build(data)
    history = env.store.history_of(data)
    try:
        log_problems = history.problems()
    except StoreError as exc:
        log_problems = [str(exc)]
    for line in log_problems:
        click.echo(clean(line), err=True)
    click.echo(
        f"{clean(path)}: {'sound' if not log_problems else 'sound, but its activity log is not'} "
        f"(schema {workplan.partnership.schema_version}; "
        + ", ".join(
            _count(n, noun)
            for n, noun in (
                (len(workplan.partners), "partner"),
                (len(workplan.members), "member"),
                (len(workplan.plans), "plan"),
                (len(workplan.outcomes), "outcome"),
                (len(workplan.tasks), "task"),
            )
        )
        + (f"; log up to A{history.last})" if history.last else "; empty log)")
    )
    if orphans or log_problems:
        sys.exit(1)


def _count(n: int, noun: str) -> str:
    """'1 plan', '3 plans'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


# --- status and log -----------------------------------------------------------------


def _day(text: str, today: date, option: str) -> str:
    """A past day people type ('2026-11-01', 'mon', '3 days ago') as YYYY-MM-DD, or one clear error."""
    try:
        return dates.parse_past_date(text, today=today).isoformat()
    except ValueError as exc:
        fail(f"{option}: {exc}")


@cli.command()
@json_option
@pass_env
def status(env: Env, as_json: bool) -> None:
    """Each plan at a glance, then what needs attention."""
    workplan = env.read()
    if as_json:
        click.echo(render.to_json(render.status_json(workplan, env.user, env.now(), env.today())))
    else:
        click.echo(render.status_text(workplan, env.user, env.now(), env.today()))


@cli.command()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many entries.")
@click.option(
    "--since", "since", metavar="DATE", help="Only changes on or after this day (2026-11-01, mon, '3 days ago')."
)
@click.option("--until", "until", metavar="DATE", help="Only changes on or before this day.")
@click.option("--record", metavar="ID", help="Only changes to one record (T12, P3, 'partner CITY').")
@json_option
@pass_env
def log(env: Env, limit: int, since: str | None, until: str | None, record: str | None, as_json: bool) -> None:
    """The activity log, newest first (reads back only as far as it shows, or to --since)."""
    first = _day(since, env.today(), "--since") if since is not None else None
    last = _day(until, env.today(), "--until") if until is not None else None
    if first and last and first > last:
        fail(f"--since {first} is after --until {last}")
    wanted = record.strip().upper() if record and record.strip()[:1].isalpha() and " " not in record.strip() else record
    history = env.store.history()
    entries = []
    for a in history.newest(record=wanted):
        day = stamp(a.at)[:10]  # the local day, as shown
        if first and day < first:
            break  # the log is in the order things happened: all older from here
        if (last and day > last) or (wanted and a.record != wanted):
            continue
        entries.append(a)
        if len(entries) >= limit:
            break
    if as_json:
        click.echo(render.to_json([{"id": label("activity", a.id), **as_dict(a)} for a in entries]))
        return
    if not entries:
        click.echo("No log entries match." if first or last or wanted else "The log is empty.")
    cols = render.width()
    for a in entries:
        who = clean(a.member) + (f" ({clean(a.os_user)})" if a.os_user and a.os_user != a.member else "")
        click.echo(render.fit(f"{stamp(a.at)}  {who}  {clean(a.record)} {clean(a.kind)}  {changes_text(a)}", cols))


@cli.command("undo")
@json_option
@pass_env
def undo_cmd(env: Env, as_json: bool) -> None:
    """Undo my last change, unless someone has changed that record since.

    A removal is undone whole: the record comes back as it was, under its own id, and
    tasks it took a reference from (an owner, a linked outcome) get it back unless
    someone has changed them since.

    \b
    Example:
      workplan task rm T12 && workplan undo
    """
    from workplan_tui.store import actions  # here: status and listings never load it

    result = actions.undo(env.store)
    restored = "; ".join(f"{k} → {_shown(v)}" for k, v in result["restored"].items())
    text = f"Undid {result['undone']} ({result['kind']} on {clean(result['record'])}): {restored}"
    if result.get("not_restored"):
        text += f" (not given back, changed since: {clean(', '.join(result['not_restored']))})"
    emit(result, as_json, text)


def _shown(value: object) -> str:
    """A restored value for the undo line: a list of labels as 'T3, T5', anything else shortened."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return clean(", ".join(value)) or "-"
    return short(value, 40)


@cli.command("stage")
@click.argument("stage", type=click.Choice(["forming", "storming", "norming", "performing"]))
@json_option
@pass_env
def stage_cmd(env: Env, stage: str, as_json: bool) -> None:
    """Set the partnership's stage."""
    from workplan_tui.store import actions

    record = actions.set_stage(env.store, stage)
    emit(record, as_json, f"{clean(record['name'])} is now {stage}")


def main() -> None:
    """Console entry point."""
    # A command lives a fraction of a second and builds ~100,000 acyclic objects: the
    # cycle collector would only scan them (20 ms at 10,000 tasks). The board collects.
    gc.disable()
    make_streams_safe()
    try:
        cli.main(prog_name="workplan")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if _BOARD_RAN:
            raise
        # A command whose output is flushed has nothing left to do: Python's own shutdown
        # (tearing down every module, a last full collection) would add 20-40 ms to each.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass  # the reader went away (`workplan log | head`)
        os._exit(code)
