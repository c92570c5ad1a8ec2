"""The ``workplan`` command line. It never imports Textual (start-up speed, scripting)."""

from __future__ import annotations

import gc
import importlib
import os
import shlex
import sys
from collections.abc import Callable, MutableMapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from workplan_tui import __version__
from workplan_tui.cli import render
from workplan_tui.cli.base import (
    CONTEXT,
    Env,
    HelpGroup,
    Whole,
    complete_ids,
    complete_members,
    emit,
    fail,
    json_option,
    log_line,
    names_of,
    pass_env,
)
from workplan_tui.cli.output import make_streams_safe
from workplan_tui.model import contract, dates, rules, schema
from workplan_tui.model.changes import REMOVAL_KINDS, about_plan
from workplan_tui.model.records import STAGES, Activity, Keyed, label, parse_label, table_named
from workplan_tui.model.text import clean, stamp
from workplan_tui.store import outside
from workplan_tui.store.storage import StoreError, find_temp_files, locked, parse, read_bytes
from workplan_tui.store.store import Store

# Command groups live in their own modules, imported only when named (click's "lazily
# loading subcommands"): a command loads its own group, not every other one.
LAZY_COMMANDS = {
    "currency": ("resources", "currency_cmd"),
    "export": ("exchange", "export_cmd"),
    "import": ("exchange", "import_cmd"),
    "report": ("exchange", "report_cmd"),
    "followup": ("commitments", "followup"),
    "grant": ("resources", "grant"),
    "meeting": ("meetings", "meeting"),
    "member": ("partners", "member"),
    "milestone": ("milestones", "milestone"),
    "norm": ("norms", "norm"),
    "outcome": ("outcomes", "outcome"),
    "partner": ("partners", "partner"),
    "plan": ("plans", "plan"),
    "serve": ("serve", "serve"),
    "series": ("series", "series"),
    "task": ("tasks", "task"),
    "timeline": ("timeline", "timeline_cmd"),
    "vote": ("plans", "vote_cmd"),
    "sync": ("sync", "sync_cmd"),
    "merge-file": ("sync", "merge_file"),
    "conflicts": ("sync", "conflicts_cmd"),
    "resolve": ("sync", "resolve_cmd"),
    "remind": ("remind", "remind_cmd"),
}


class WorkplanGroup(HelpGroup):
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

    def _main_shell_completion(
        self, ctx_args: MutableMapping[str, Any], prog_name: str, complete_var: str | None = None
    ) -> None:
        """Click's completion, with fish's script that keeps a description's commas
        (``shell.FishComplete``); loaded only when a shell asks for completions."""
        if os.environ.get(complete_var or "_WORKPLAN_COMPLETE"):
            from workplan_tui.cli.shell import register

            register()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

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
            said = self._misplaced(exc, list(sys.argv[1:] if args is None else args)) or exc.format_message()
            click.echo(f"workplan: {clean(said)}{hint}", err=True)
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

    def _misplaced(self, exc: click.UsageError, args: list[str]) -> str | None:
        """For an option of workplan itself typed after the command ('workplan demo --theme
        light', 'workplan status -f p.json'), where it goes, with what was typed, instead of
        'no such option'."""
        if not isinstance(exc, click.NoSuchOption) or exc.ctx is None or exc.ctx.parent is None:
            return None
        typed = exc.option_name
        option = next((p for p in self.params if isinstance(p, click.Option) and typed in p.opts), None)
        if option is None or option.is_flag:
            return None
        given = next((a for a in reversed(args) if a.startswith(f"{typed}=")), None)  # the one after the command
        at = max((i for i, a in enumerate(args) if a == typed), default=None)
        if given is None and at is not None and at + 1 < len(args):
            given = f"{typed} {shlex.quote(args[at + 1])}"
        command = exc.ctx.command_path.split(" ", 1)[1]
        where = f"'workplan {given or typed} {command}'"
        return f"{typed} is an option of workplan itself: give it before the command, {where}"

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
@click.option(
    "--theme",
    default=None,
    metavar="NAME",
    help="Board theme; remembered for your next boards, as a theme chosen in the app is.",
)
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
    """Open the board, the terminal UI (also what plain `workplan` does).

    Press ? on the board for its keys; --theme NAME before the command picks a theme.

    \b
    Examples:
      workplan
      workplan --theme workplan-light open
    """
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
    """Create a new partnership file; it never overwrites one.

    Next, add the partners and yourself as the first member (the first member must be you: once
    a file has members, only members change it).

    \b
    Example:
      workplan -f eastside.json init --name 'Eastside Food Access'
    """
    name = (name or env.path.stem.replace("-", " ").replace("_", " ").title()).strip()
    if not name or len(name) > 200:
        fail("--name must be 1 to 200 characters")
    env.store.create(name, purpose.strip())
    data = env.store.read().partnership
    record = {**contract.partnership(data), "file": str(env.path)}
    next_step = "workplan partner add CODE --name NAME"
    emit(record, as_json, f"Created {env.path} for {clean(name)}. Next: {next_step}")


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Where to write it.")
@click.option("--no-open", is_flag=True, help="Only write the file and print its status; do not open the board.")
@json_option
@pass_env
def demo(env: Env, out: Path | None, no_open: bool, as_json: bool) -> None:
    """Copy the sample partnership to a fresh file, dated relative to today, and open it.

    Without a terminal (or with --no-open or --json) it prints the path and the status instead.

    \b
    Examples:
      workplan demo
      workplan demo --out try.json --no-open
    """
    from workplan_tui.store.sample import write_demo

    path = write_demo(out, today=env.today(), user=env.user, login=env.store.login)
    store = Store(path, user=env.user)
    yesterday = env.today() - timedelta(days=1)
    if as_json:
        _print_summary(env, store, yesterday, everything=True, as_json=True, extra={"file": str(path)})
        return
    if not no_open and sys.stdin.isatty() and sys.stdout.isatty():
        launch_board(store, env.theme)
        render.say(clean(f"The demo partnership is in {path}; open it again with: workplan -f {path}"))
        return
    render.say(clean(f"Demo partnership written to {path}"))
    render.say(clean(f"Try: workplan -f {path} status (or export WORKPLAN_FILE={path})") + "\n")
    _print_summary(env, store, yesterday, everything=False, as_json=False)


@cli.command()
@json_option
@pass_env
def check(env: Env, as_json: bool) -> None:
    """Validate the file: exit 0 when sound, else 1 with every problem listed.

    It also checks the activity log, reports temporary files left by an interrupted write
    (the next write removes them) and, in a git clone, what git did or would do to the file:
    a merge that stopped on it, conflict markers, a clone not set up by 'workplan sync init'.
    In a sound file it says what no command writes but a hand edit or a merge may leave (exit
    0): dates that cannot work, a meeting whose facilitator is its alternate, a milestone that
    lists another plan's tasks or outcomes, a recurring series with two open instances.

    \b
    Examples:
      workplan check
      workplan check --json
    """
    path = env.store.path
    report: dict[str, Any] = {"file": str(env.path), "link_to": str(path) if path != env.path else None}
    orphans = find_temp_files(path)
    if orphans:
        try:
            with locked(path, timeout=2):
                orphans = find_temp_files(path)  # under the lock none can be in use
        except StoreError:
            pass
    report["temp_files"] = [str(path.parent / name) for name in orphans]
    from workplan_tui.sync.guard import clone_problems  # sync's modules only for this command

    report["git_problems"] = clone_problems(path)
    workplan = None
    payload = b""
    try:
        payload = read_bytes(path)[0]
        data = parse(path, payload)
        workplan, problems = schema.load(data), []
    except schema.SchemaError as exc:  # a newer schema too
        problems = [str(p) for p in exc.problems]
    except StoreError as exc:  # not readable at all: one line, no list
        problems = [str(exc)]
        report["unreadable"] = True
    report.update(sound=not problems, problems=problems, log_problems=[], schema_version=None, counts=None)
    report["log_last"] = None
    report["outside_edit"] = None
    report["doubts"] = []
    if workplan is not None:
        if workplan.partnership.schema_version >= 2:
            edited = outside.detect(path, payload, data)
            if edited is not None:
                records = None if edited.changes is None else [c.record for c in edited.changes]
                report["outside_edit"] = {"at": edited.at, "by": edited.by, "records": records, "said": edited.words()}
        history = env.store.history_of(data)
        try:
            report["log_problems"] = history.problems()
        except StoreError as exc:
            report["log_problems"] = [str(exc)]
        report["schema_version"] = workplan.partnership.schema_version
        report["counts"] = {
            "partners": len(workplan.partners),
            "members": len(workplan.members),
            "plans": len(workplan.plans),
            "outcomes": len(workplan.outcomes),
            "tasks": len(workplan.tasks),
            "grants": len(workplan.grants),
            "meetings": len(workplan.meetings),
        }
        report["log_last"] = label("activity", history.last) if history.last else None
        report["doubts"] = rules.date_doubts(workplan, dates.utc_now()) + rules.record_doubts(workplan)
    if as_json:
        click.echo(render.to_json(report))
    else:
        _check_text(report)
    if report["problems"] or report["temp_files"] or report["log_problems"] or report["git_problems"]:
        sys.exit(1)


def _check_text(report: dict[str, Any]) -> None:
    """``check`` for people: problems on stderr, one line of verdict on stdout."""
    file, real = clean(report["file"]), clean(report["link_to"] or report["file"])
    if report["link_to"]:
        render.say(f"{file}: a symbolic link to {real}; workplan locks and writes there")
    for name in report["temp_files"]:
        click.echo(f"{clean(name)}: left by an interrupted write; the next write removes it", err=True)
    for problem in report["git_problems"]:
        click.echo(f"{real}: {clean(problem)}", err=True)
    if report.get("unreadable"):
        click.echo(f"workplan: error: {clean(report['problems'][0])}", err=True)
        return
    if report["problems"]:
        for problem in report["problems"]:
            click.echo(f"{real}: {clean(problem)}", err=True)
        click.echo(f"{len(report['problems'])} problem(s) found; the file was not changed.", err=True)
        return
    for line in report["log_problems"]:
        click.echo(clean(line), err=True)
    if report["outside_edit"]:
        said = report["outside_edit"]["said"]
        render.say(f"{real}: {clean(said)}; the next write logs it (valid hand edits are kept)")
    for doubt in report["doubts"]:
        render.say(f"{real}: {clean(doubt)}")
    counts = report["counts"]
    verdict = "sound" if not report["log_problems"] else "sound, but its activity log is not"
    if report["doubts"]:
        doubts = len(report["doubts"])
        verdict += f", but {doubts} thing{'s look' if doubts != 1 else ' looks'} wrong (above)"
    if report["git_problems"]:
        verdict += f"; but in git: {len(report['git_problems'])} problem(s) above"
    render.say(
        f"{real}: {verdict} "
        f"(schema {report['schema_version']}; "
        + ", ".join(_count(counts[table], table[:-1]) for table in counts)
        + (f"; log up to {report['log_last']})" if report["log_last"] else "; empty log)")
    )


def _count(n: int, noun: str) -> str:
    """'1 plan', '3 plans'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


# --- status and log -----------------------------------------------------------------


def _day(text: str, today: date, option: str) -> str:
    """A past day people type ('2026-11-01', 'mon', '3 days ago') as YYYY-MM-DD, or one clear error."""
    try:
        return dates.parse_past_date(text, today=today, any_year=True).isoformat()
    except ValueError as exc:
        fail(f"{option}: {exc}")


@cli.command()
@click.option(
    "--since", "since", metavar="DATE", help="Show the changes from this day on (default: yesterday; mon, 2026-11-01)."
)
@click.option("--all", "everything", is_flag=True, help="List every task of each part, not the first ten.")
@click.option(
    "--brief",
    is_flag=True,
    help="One line of what I have to act on (2 overdue, 1 vote to cast), or nothing: for a login shell.",
)
@json_option
@pass_env
@click.pass_context
def status(ctx: click.Context, env: Env, since: str | None, everything: bool, brief: bool, as_json: bool) -> None:
    """Print the morning summary: mine, each plan, due this week, what changed, what needs attention.

    Mine lists my open tasks and the plans waiting for my vote; closed plans fold into one line;
    stale tasks show as a count with the five longest untouched. --json gives whole records and
    every item.

    --brief prints one line or nothing, fast enough for ~/.profile: `workplan status --brief`.

    \b
    Examples:
      workplan status
      workplan status --since mon --all
      workplan status --json
      workplan status --brief
    """
    if brief:
        if since is not None or everything or as_json:
            fail("--brief prints one line: it takes no --since, --all or --json")
        from workplan_tui.cli.brief import line

        root = ctx.find_root()
        given = root.params["path"] if root.get_parameter_source("path") == ParameterSource.COMMANDLINE else None
        text = line(env.read(), env.user, env.today(), None if given is None else str(given))
        if text:
            click.echo(text)
        return
    today = env.today()
    first = date.fromisoformat(_day(since, today, "--since")) if since is not None else today - timedelta(days=1)
    _print_summary(env, env.store, first, everything=everything, as_json=as_json)


def _print_summary(
    env: Env, store: Store, first: date, *, everything: bool, as_json: bool, extra: dict[str, Any] | None = None
) -> None:
    """``status`` of the file ``store`` reads: text, or JSON with ``extra`` fields first."""
    from workplan_tui.cli import status as summary  # only here: start-up time of other commands

    facts = summary.Summary(store.read(), env.user, env.now(), env.today(), everything=everything or as_json)
    limit = None if as_json or everything else summary.CHANGES_SHOWN + 1
    # Every change since, when a task of mine waits on others: which of them became ready to start.
    changes, more = _changes_since(store, first, limit=None if facts.may_become_ready() else limit)
    facts.set_changes(changes)
    more = more or (limit is not None and len(changes) > limit)
    changes = changes if limit is None else changes[:limit]
    if as_json:
        click.echo(render.to_json({**(extra or {}), **summary.as_json(facts, changes, first)}))
    else:
        click.echo(summary.text(facts, changes, first, more_changes=more))


def _changes_since(store: Store, first: date, limit: int | None) -> tuple[list[Activity], bool]:
    """Log entries from the local day ``first`` on, newest first, at most ``limit``; and whether
    there are more. An unreadable log gives none (``workplan check`` says why)."""
    entries: list[Activity] = []
    try:
        for entry in store.history().newest():
            if stamp(entry.at)[:10] < first.isoformat():
                return entries, False
            if limit is not None and len(entries) >= limit:
                return entries, True
            entries.append(entry)
    except StoreError:
        pass
    return entries, False


@cli.command()
@click.option(
    "--limit", "-n", type=Whole(min=1), default=20, show_default=True, help="How many entries to show at most."
)
@click.option(
    "--since",
    "since",
    metavar="DATE",
    help="Only changes on or after this day (2026-11-01, mon, 'dec 1': the latest Dec 1, '3 days ago').",
)
@click.option("--until", "until", metavar="DATE", help="Only changes on or before this day.")
@click.option("--record", metavar="ID", help="Only changes to one record (T12, P3, 'partner CITY').")
@click.option("--member", metavar="HANDLE", shell_complete=complete_members, help="Only changes this member made.")
@click.option(
    "--plan",
    "plan_label",
    metavar="P1",
    shell_complete=complete_ids("plans"),
    help="Only changes to this plan, its votes, tasks and outcomes.",
)
@click.option(
    "--kind", metavar="KIND", help="Only this kind of change: progress, task.status, vote, add, undo and so on."
)
@json_option
@pass_env
def log(
    env: Env,
    limit: int,
    since: str | None,
    until: str | None,
    record: str | None,
    member: str | None,
    plan_label: str | None,
    kind: str | None,
    as_json: bool,
) -> None:
    """Show the activity log, newest first.

    It reads back only as far as it shows, or to --since, however long the history is. The filters combine.

    \b
    Examples:
      workplan log --limit 50
      workplan log --plan P2 --kind progress --since mon
      workplan log --record T12 --json
    """
    first = _day(since, env.today(), "--since") if since is not None else None
    last = _day(until, env.today(), "--until") if until is not None else None
    if first and last and first > last:
        fail(f"--since {first} is after --until {last}")
    wanted = record.strip().upper() if record and record.strip()[:1].isalpha() and " " not in record.strip() else record
    in_plan = _records_of_plan(env, plan_label) if plan_label is not None else None
    history = env.store.history()
    entries: list[Activity] = []
    more = False
    removals: list[Activity] = []  # read anyway: they name the records they removed
    for a in history.newest(record=wanted):
        if a.kind in REMOVAL_KINDS:
            removals.append(a)
        day = stamp(a.at)[:10]  # the local day, as shown
        if first and day < first:
            break  # the log is in the order things happened: all older from here
        if (last and day > last) or (wanted and a.record != wanted):
            continue
        if member and a.member.casefold() != member.strip().casefold():  # a handle in any case
            continue
        if kind and not _is_kind(a.kind, kind) or in_plan is not None and not in_plan(a):
            continue
        if len(entries) >= limit:
            more = True  # one more matches: say so after the list
            break
        entries.append(a)
    if as_json:
        click.echo(render.to_json([contract.of("activity", a) for a in entries]))
        return
    if not entries:
        filtered = first or last or wanted or member or kind or plan_label
        click.echo("No log entries match." if filtered else "The log is empty.")
    cols = render.width()
    names = names_of(env) if entries else None
    if names is not None:
        for removal in removals:
            names.learn(removal)
    for a in entries:
        assert names is not None
        click.echo(render.fit(log_line(a, names), cols))
    if more:
        render.say(f"... older entries match too: --limit {limit * 5} shows more, --since DATE goes back to a day")


def _is_kind(kind: str, wanted: str) -> bool:
    """``--kind`` matches the whole kind (``task.progress``) or either part (``task``, ``progress``)."""
    wanted = wanted.strip().lower()
    return wanted in (kind, *kind.split("."))


def _records_of_plan(env: Env, typed: str) -> Callable[[Activity], bool]:
    """Whether a log entry is about plan ``typed`` (P1): the plan itself (and its votes), or a
    task or outcome of it; a record removed since counts when its entry says which plan."""
    try:
        plan_id = parse_label(typed, "plans")
    except ValueError as exc:
        fail(f"--plan: {exc}")
    workplan = env.read()
    if plan_id not in workplan.plans:
        fail(f"no plan {label('plans', plan_id)}; see 'workplan plan list'")
    return about_plan(workplan, plan_id)


@cli.command("undo")
@json_option
@pass_env
def undo_cmd(env: Env, as_json: bool) -> None:
    """Undo my last change, unless someone has changed that record since.

    The undo is itself logged; running it again undoes my change before that. A removal
    is undone whole: the record comes back as it was, under its own id, and tasks it took a
    reference from (an owner, a linked outcome) get it back unless someone has changed them
    since.

    \b
    Examples:
      workplan undo
      workplan task rm T12 && workplan undo
    """
    from workplan_tui.store import actions  # here: status and listings never load it

    undone = actions.undo(env.store)
    table = table_named(undone.record) or ""
    back = {k: contract.shown(v) if isinstance(v, Keyed) else v for k, v in undone.restored.items()}
    result: dict[str, Any] = {
        "undone": label("activity", undone.entry),
        "kind": undone.kind,
        "record": undone.record,
        "restored": contract.fields(table, back),  # references as labels
    }
    if undone.not_restored is not None:
        result["not_restored"] = undone.not_restored
    from workplan_tui.model.changes import sentence
    from workplan_tui.store.history import activity

    entry = next((e for e in env.store.last_entries if e.get("undoes") == undone.entry), None)
    said = sentence(activity(entry), names_of(env), who=False) if entry else clean(undone.record)
    text = f"Undid {result['undone']}: {said}"
    given = undone.restored.get("tasks")
    if given:
        text += f"; {clean(', '.join(given))} {'has' if len(given) == 1 else 'have'} it again"
    if undone.not_restored:
        text += f" (not given back, changed since: {clean(', '.join(undone.not_restored))})"
    emit(result, as_json, text)


@cli.command("schema")
def schema_cmd() -> None:
    """Print the JSON contract of every --json output, as JSON Schema (draft 2020-12).

    Records use labels for ids and references (T12, P3), ISO dates and UTC times with Z;
    "x-commands" names the schema each command prints.

    \b
    Example:
      workplan schema > workplan.schema.json
    """
    from workplan_tui.cli.outputs import document

    click.echo(render.to_json(document()))


@cli.command("completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]), metavar="SHELL")
def completion_cmd(shell: str) -> None:
    """Print the shell completion script for bash, zsh or fish.

    Load it from your shell's start-up file. It completes commands and options, record ids
    (with their titles in zsh and fish), member handles and partner codes, read from the
    file the command line names (-f, else $WORKPLAN_FILE).

    \b
    Examples:
      eval "$(workplan completion bash)"      # in ~/.bashrc
      eval "$(workplan completion zsh)"       # in ~/.zshrc
      workplan completion fish > ~/.config/fish/completions/workplan.fish
    """
    from click.shell_completion import get_completion_class

    from workplan_tui.cli.shell import register

    register()
    completion = get_completion_class(shell)
    assert completion is not None  # click knows the three shells the choice allows
    click.echo(completion(cli, {}, "workplan", "_WORKPLAN_COMPLETE").source())


@cli.command("stage")
@click.argument("stage", type=click.Choice(STAGES), metavar="STAGE")
@json_option
@pass_env
def stage_cmd(env: Env, stage: str, as_json: bool) -> None:
    """Set the partnership's stage: forming, storming, norming or performing.

    \b
    Example:
      workplan stage norming
    """
    from workplan_tui.store import actions

    record = actions.set_stage(env.store, stage)
    emit(record, as_json, f"{clean(record.name)} is now {stage}")


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
