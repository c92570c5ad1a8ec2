"""The ``workplan`` command line. It never imports Textual (start-up speed, scripting)."""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from workplan_tui import __version__
from workplan_tui.cli import render
from workplan_tui.cli.output import make_streams_safe
from workplan_tui.model import dates, rules, schema
from workplan_tui.model.records import (
    CONTRIBUTION_KINDS,
    POSITIONS,
    ROLES,
    RULES,
    TASK_STATUSES,
    Activity,
    Workplan,
    label,
    parse_label,
)
from workplan_tui.model.text import clean, short, stamp
from workplan_tui.store import actions
from workplan_tui.store.storage import StoreError, find_temp_files, locked, parse, read_bytes
from workplan_tui.store.store import Store, acting_member, utc_now

# A board waits less than a script for the lock: the screen does not answer keys meanwhile.
BOARD_LOCK_TIMEOUT = 3.0
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


class WorkplanGroup(click.Group):
    """Turns every expected failure into one line on stderr and a non-zero exit."""

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
        click.echo(render.to_json([{"id": label("activity", a.id), **_asdict(a)} for a in entries]))
        return
    if not entries:
        click.echo("No log entries match." if first or last or wanted else "The log is empty.")
    cols = render.width()
    for a in entries:
        who = clean(a.member) + (f" ({clean(a.os_user)})" if a.os_user and a.os_user != a.member else "")
        click.echo(render.fit(f"{stamp(a.at)}  {who}  {clean(a.record)} {clean(a.kind)}  {_changes(a)}", cols))


def _changes(entry: Activity) -> str:
    """A log entry's changes on one line: 'progress 40 → 60; status todo → doing'."""
    return "; ".join(f"{k} {short(v[0], 40)} → {short(v[1], 40)}" for k, v in entry.changes.items())


def _asdict(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__slots__ if name != "id"}


# --- partners and members ------------------------------------------------------------


@cli.group(context_settings=CONTEXT)
def partner() -> None:
    """Partner organisations and what they contribute."""


def _contribution(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[Any]:
    result = []
    for value in values:
        kind, _, rest = value.partition(":")
        description, _, amount = rest.partition(":")
        if kind not in CONTRIBUTION_KINDS or not description.strip():
            raise click.BadParameter(
                f"{value!r}: use KIND:DESCRIPTION[:AMOUNT], KIND one of {', '.join(CONTRIBUTION_KINDS)}"
            )
        try:
            number = float(amount.replace(",", "")) if amount.strip() else None
        except ValueError:
            raise click.BadParameter(f"{value!r}: amount {amount!r} is not a number") from None
        result.append((kind, description, number))
    return result


@partner.command("add")
@click.argument("code")
@click.option("--name", required=True, help="The organisation's name.")
@click.option(
    "--contribution",
    "contributions",
    multiple=True,
    callback=_contribution,
    help="KIND:DESCRIPTION[:AMOUNT], e.g. staff:'2 gardeners':12000. Repeatable.",
)
@click.option("--short-term", default="", help="The partner's short-term interests.")
@click.option("--long-term", default="", help="The partner's long-term interests.")
@json_option
@pass_env
def partner_add(
    env: Env, code: str, name: str, contributions: list[Any], short_term: str, long_term: str, as_json: bool
) -> None:
    """Add a partner organisation with a short CODE (e.g. PARKS)."""
    record = actions.add_partner(env.store, code, name, contributions, short_term, long_term)
    emit(record, as_json, f"Added partner {clean(code)}: {clean(name)}")


@partner.command("list")
@json_option
@pass_env
def partner_list(env: Env, as_json: bool) -> None:
    """List partners, their members and contributions."""
    workplan = env.read()
    if as_json:
        click.echo(
            render.to_json(
                [
                    {
                        "code": p.code,
                        "name": p.name,
                        "contributions": [_asdict(c) for c in p.contributions],
                        "interests_short": p.interests_short,
                        "interests_long": p.interests_long,
                        "members": [m.handle for m in workplan.members.values() if m.partner == p.code],
                    }
                    for p in workplan.partners.values()
                ]
            )
        )
        return
    if not workplan.partners:
        click.echo("No partners yet: workplan partner add CODE --name NAME")
    for p in workplan.partners.values():
        members = [m.handle for m in workplan.members.values() if m.partner == p.code]
        click.echo(
            render.wrap(
                f"{clean(p.code)}  {clean(p.name)}  ({len(members)} members: {clean(', '.join(members)) or '-'})"
            )
        )
        for c in p.contributions:
            amount = f"  {render.number(c.amount)}" if c.amount is not None else ""
            click.echo(render.wrap(f"    {c.kind:<11} {clean(c.description)}{amount}"))


@cli.group(context_settings=CONTEXT)
def member() -> None:
    """People: who they are and which partner they belong to."""


@member.command("add")
@click.argument("handle")
@click.option("--name", required=True, help="Display name.")
@click.option("--partner", "partner_code", required=True, help="Partner CODE.")
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@json_option
@pass_env
def member_add(env: Env, handle: str, name: str, partner_code: str, role: str, as_json: bool) -> None:
    """Add a member; HANDLE is their Unix login."""
    record = actions.add_member(env.store, handle, name, partner_code, role)
    emit(record, as_json, f"Added member {clean(handle)} ({clean(name)}, {clean(partner_code)}, {role})")


@member.command("list")
@json_option
@pass_env
def member_list(env: Env, as_json: bool) -> None:
    """List members."""
    workplan = env.read()
    members = list(workplan.members.values())
    if as_json:
        click.echo(render.to_json([_asdict(m) for m in members]))
        return
    if not members:
        click.echo("No members yet: workplan member add HANDLE --name NAME --partner CODE")
        return
    rows = [[m.handle, m.name, m.partner, m.role] for m in members]
    click.echo(render.table(rows, ["HANDLE", "NAME", "PARTNER", "ROLE"], flex=1))


# --- norms ----------------------------------------------------------------------------


@cli.group(context_settings=CONTEXT)
def norm() -> None:
    """Norms: agreed ways of working together."""


@norm.command("add")
@click.argument("text")
@json_option
@pass_env
def norm_add(env: Env, text: str, as_json: bool) -> None:
    """Propose a norm."""
    record = actions.add_norm(env.store, text)
    emit(record, as_json, f"Added norm {record['id']}: {clean(record['text'])}")


@norm.command("agree")
@click.argument("norm_id", callback=ident("norms"))
@json_option
@pass_env
def norm_agree(env: Env, norm_id: int, as_json: bool) -> None:
    """Agree to a norm."""
    record = actions.agree_norm(env.store, norm_id)
    members = env.read().members
    in_force = set(members) <= set(record["agreed_by"])
    state = "in force" if in_force else f"{len(record['agreed_by'])} of {len(members)} agreed"
    emit(record, as_json, f"{clean(env.user)} agrees to {record['id']} ({state})")


@norm.command("list")
@json_option
@pass_env
def norm_list(env: Env, as_json: bool) -> None:
    """List norms and who has agreed."""
    workplan = env.read()
    members = set(workplan.members)
    rows = []
    for n in workplan.norms.values():
        agreed = members & set(n.agreed_by)
        rows.append((n, agreed, bool(members) and agreed == members))
    if as_json:
        click.echo(
            render.to_json(
                [{"id": n.label, "text": n.text, "agreed_by": n.agreed_by, "in_force": f} for n, _, f in rows]
            )
        )
        return
    if not rows:
        click.echo("No norms yet: workplan norm add TEXT")
    for n, agreed, in_force in rows:
        state = "in force" if in_force else f"{len(agreed)}/{len(members)} agreed"
        waiting = sorted(members - agreed)
        click.echo(render.wrap(f"{n.label:<4} [{state}] {clean(n.text)}"))
        if waiting and not in_force:
            click.echo(render.wrap(f"       waiting for: {clean(', '.join(waiting))}"))


# --- plans and votes ----------------------------------------------------------------------


@cli.group(context_settings=CONTEXT)
def plan() -> None:
    """Work plans (boards): draft → proposed → active → completed / archived."""


@plan.command("add")
@click.argument("title")
@click.option("--scope", default="", help="What the plan covers.")
@click.option("--rule", type=click.Choice(RULES), default="consensus", show_default=True, help="Buy-in rule.")
@json_option
@pass_env
def plan_add(env: Env, title: str, scope: str, rule: str, as_json: bool) -> None:
    """Add a work plan (starts as a draft)."""
    record = actions.add_plan(env.store, title, scope, rule)
    emit(record, as_json, f"Added plan {record['id']}: {clean(title)} (draft, rule: {rule})")


@plan.command("list")
@json_option
@pass_env
def plan_list(env: Env, as_json: bool) -> None:
    """List plans with progress and buy-in."""
    workplan = env.read()
    from workplan_tui.model import overview  # only here: start-up time

    figures = overview.plan_figures(workplan, env.today())
    if as_json:
        click.echo(
            render.to_json(
                [
                    {
                        "id": f.plan.label,
                        "title": f.plan.title,
                        "status": f.plan.status,
                        "rule": f.plan.rule,
                        "progress": round(f.progress, 1),
                        "buy_in": f.buyin.tally,
                        "tasks": len(f.tasks),
                    }
                    for f in figures
                ]
            )
        )
        return
    if not figures:
        click.echo("No plans yet: workplan plan add TITLE")
        return
    rows = [
        [
            f.plan.label,
            f.plan.title,
            f.plan.status,
            f"{render.bar(f.progress, 10)} {f.progress:3.0f}%",
            f.buyin.summary(),
        ]
        for f in figures
    ]
    click.echo(render.table(rows, ["ID", "TITLE", "STATUS", "PROGRESS", "BUY-IN"], flex=1))


@plan.command("show")
@click.argument("plan_id", callback=ident("plans"))
@json_option
@pass_env
def plan_show(env: Env, plan_id: int, as_json: bool) -> None:
    """A plan in full: progress (and how it is computed), buy-in, outcomes, tasks."""
    workplan = env.read()
    the_plan = workplan.plans.get(plan_id)
    if the_plan is None:
        fail(f"no plan {label('plans', plan_id)}; see 'workplan plan list'")
    from workplan_tui.model import overview  # only here: start-up time

    fig = next(f for f in overview.plan_figures(workplan, env.today()) if f.plan.id == plan_id)
    votes = workplan.current_votes(plan_id)
    if as_json:
        click.echo(
            render.to_json(
                {
                    "id": the_plan.label,
                    **_asdict(the_plan),
                    "progress": round(fig.progress, 1),
                    "progress_formula": rules.PLAN_PROGRESS_FORMULA,
                    "buy_in": {
                        "tally": fig.buyin.tally,
                        "not_voted": fig.buyin.not_voted,
                        "may_activate": fig.buyin.ok,
                        "missing": fig.buyin.reasons,
                        "votes": {h: _asdict(v) for h, v in votes.items()},
                    },
                    "outcomes": [{"id": o.label, **_asdict(o)} for o in fig.outcomes],
                    "tasks": [{"id": t.label, **_asdict(t)} for t in fig.tasks],
                }
            )
        )
        return
    today = env.today()
    out = [f"{the_plan.label} {clean(the_plan.title)}  [{the_plan.status}]  rule: {the_plan.rule}"]
    if the_plan.scope:
        out.append(f"Scope: {clean(the_plan.scope)}")
    o_mean = [rules.outcome_progress(o.baseline, o.target, o.current) for o in fig.outcomes]
    t_mean = [t.progress for t in fig.tasks]
    parts = []
    if o_mean:
        parts.append(f"outcomes {sum(o_mean) / len(o_mean):.0f}%")
    if t_mean:
        parts.append(f"tasks {sum(t_mean) / len(t_mean):.0f}%")
    how = f" = mean of ({', '.join(parts)})" if len(parts) == 2 else (f" = {parts[0]}" if parts else "")
    out.append(f"Progress: {render.bar(fig.progress)} {fig.progress:.0f}%{how}")
    out.append(f"  ({rules.PLAN_PROGRESS_FORMULA})")
    out.append(f"Buy-in: {fig.buyin.summary()}")
    for handle, v in sorted(votes.items()):
        comment = f' "{clean(v.comment)}"' if v.comment else ""
        out.append(f"  {clean(handle):<12} {v.position:<9}{comment}")
    if fig.buyin.not_voted:
        out.append(f"  not voted: {clean(', '.join(fig.buyin.not_voted))}")
    out.append("  may become active" if fig.buyin.ok else f"  missing: {clean('; '.join(fig.buyin.reasons))}")
    if fig.outcomes:
        out.append("Outcomes:")
        for o in fig.outcomes:
            due = f"  {dates.format_due(o.due, today=today)}" if o.due else ""
            out.append(f"  {o.label:<5} {render.outcome_line(o)}{due}")
    out.append(f"Tasks ({len(fig.tasks)}):")
    cols = render.width()
    for t in sorted(fig.tasks, key=lambda t: (TASK_STATUSES.index(t.status), t.due or "9999", t.id)):
        out.append(_task_row(workplan, t, today, cols))
    click.echo(render.wrap("\n".join(out)))


def _due_full(t: Any, today: date) -> str:
    if not t.due:
        return "-"
    return f"{t.due} · {dates.format_due(t.due, today=today, done=t.status == 'done')}"


def _task_row(workplan: Workplan, t: Any, today: date, cols: int) -> str:
    due = dates.format_due(t.due, today=today, done=t.status == "done") if t.due else ""
    return render.task_line(workplan, t, f"{t.status} {t.progress}% {due}".strip(), cols, " ")


def _plan_move(action: str) -> Callable[..., None]:
    @click.argument("plan_id", callback=ident("plans"))
    @json_option
    @pass_env
    def command(env: Env, plan_id: int, as_json: bool) -> None:
        record = actions.move_plan(env.store, plan_id, action)
        emit(record, as_json, f"{record['id']} is now {record['status']}")

    command.__doc__ = {
        "propose": "Propose a draft plan for buy-in votes.",
        "activate": "Make a proposed plan active (refused, with reasons, without buy-in).",
        "complete": "Mark an active plan completed.",
        "archive": "Archive a plan.",
        "unarchive": "Bring an archived plan back, with the status it had before.",
    }[action]
    return command


for _action in ("propose", "activate", "complete", "archive", "unarchive"):
    plan.command(_action)(_plan_move(_action))


@plan.command("edit")
@click.argument("plan_id", callback=ident("plans"))
@click.option("--title", default=None, help="A new title.")
@click.option("--scope", default=None, help="What the plan covers.")
@click.option("--rule", type=click.Choice(RULES), default=None, help="The buy-in rule from now on.")
@json_option
@pass_env
def plan_edit(env: Env, plan_id: int, title: str | None, scope: str | None, rule: str | None, as_json: bool) -> None:
    """Rename a plan, or change its scope or buy-in rule."""
    if title is None and scope is None and rule is None:
        fail("say what to change: --title, --scope or --rule")
    record = actions.edit_plan(env.store, plan_id, title=title, scope=scope, rule=rule)
    emit(record, as_json, f"{record['id']}: {clean(record['title'])} ({record['status']}, rule: {record['rule']})")


@cli.command("vote")
@click.argument("plan_id", callback=ident("plans"))
@click.argument("position", type=click.Choice(POSITIONS))
@click.option("--comment", default="", help="Why (kept with the vote).")
@json_option
@pass_env
def vote_cmd(env: Env, plan_id: int, position: str, comment: str, as_json: bool) -> None:
    """Cast or change my buy-in vote on a plan."""
    record = actions.vote(env.store, plan_id, position, comment)
    workplan = env.read()
    the_plan = workplan.plans[plan_id]
    buyin = rules.buy_in(the_plan, workplan.members, workplan.current_votes(plan_id), workplan.partners)
    emit(record, as_json, f"{clean(env.user)} votes {position} on {the_plan.label} ({buyin.summary()})")


# --- outcomes ----------------------------------------------------------------------------------


@cli.group(context_settings=CONTEXT)
def outcome() -> None:
    """Measurable outcomes of a plan and their check-ins."""


@outcome.command("add")
@click.argument("plan_id", callback=ident("plans"))
@click.argument("name")
@click.option("--target", type=float, required=True, help="The value to reach.")
@click.option("--baseline", type=float, default=0.0, show_default=True, help="Where it starts.")
@click.option("--unit", default="", help="e.g. meals, beds, %.")
@click.option("--due", default=None, help="When (e.g. eom, 2026-12-15).")
@json_option
@pass_env
def outcome_add(
    env: Env, plan_id: int, name: str, target: float, baseline: float, unit: str, due: str | None, as_json: bool
) -> None:
    """Add a measurable outcome to a plan."""
    record = actions.add_outcome(env.store, plan_id, name, target, baseline, unit, due_date(env, due))
    emit(
        record,
        as_json,
        f"Added outcome {record['id']}: {clean(name)} "
        f"({render.number(baseline)} → {render.number(target)} {clean(unit)})".rstrip(),
    )


@outcome.command("checkin")
@click.argument("outcome_id", callback=ident("outcomes"))
@click.argument("value", type=float)
@click.option("--note", default="", help="What happened.")
@json_option
@pass_env
def outcome_checkin(env: Env, outcome_id: int, value: float, note: str, as_json: bool) -> None:
    """Record the outcome's current value."""
    record = actions.checkin(env.store, outcome_id, value, note)
    o = env.read().outcomes[outcome_id]
    emit(record, as_json, f"{o.label}: {render.outcome_line(o)}")


@outcome.command("list")
@click.option("--plan", "plan_id", callback=lambda c, p, v: None if v is None else ident("plans")(c, p, v))
@json_option
@pass_env
def outcome_list(env: Env, plan_id: int | None, as_json: bool) -> None:
    """List outcomes with progress towards their targets."""
    workplan = env.read()
    items = [o for o in workplan.outcomes.values() if plan_id is None or o.plan == plan_id]
    if as_json:
        click.echo(
            render.to_json(
                [
                    {
                        "id": o.label,
                        **_asdict(o),
                        "plan": label("plans", o.plan),
                        "progress": round(rules.outcome_progress(o.baseline, o.target, o.current), 1),
                    }
                    for o in items
                ]
            )
        )
        return
    if not items:
        click.echo("No outcomes: workplan outcome add PLAN_ID NAME --target N")
    for o in items:
        pct = rules.outcome_progress(o.baseline, o.target, o.current)
        due = f"  {dates.format_due(o.due, today=env.today())}" if o.due else ""
        click.echo(render.wrap(f"{o.label:<5} P{o.plan:<3} {render.bar(pct, 10)} {render.outcome_line(o)}{due}"))


# --- tasks -------------------------------------------------------------------------------------


@cli.group(context_settings=CONTEXT)
def task() -> None:
    """Tasks: owner, status, progress, due date."""


@task.command("add")
@click.argument("plan_id", callback=ident("plans"))
@click.argument("title")
@click.option("--owner", default=None, help="Member HANDLE.")
@click.option("--due", default=None, help="e.g. fri, next friday, in 2 weeks, 2026-12-15.")
@click.option("--outcome", "outcome_id", default=None, help="Linked outcome id (e.g. O2).")
@click.option("--notes", default="", help="Details.")
@json_option
@pass_env
def task_add(
    env: Env,
    plan_id: int,
    title: str,
    owner: str | None,
    due: str | None,
    outcome_id: str | None,
    notes: str,
    as_json: bool,
) -> None:
    """Add a task to a plan."""
    linked = None
    if outcome_id is not None:
        try:
            linked = parse_label(outcome_id, "outcomes")
        except ValueError as exc:
            fail(str(exc))
    record = actions.add_task(
        env.store, plan_id, title, owner=owner, due=due_date(env, due), outcome=linked, notes=notes
    )
    due_text = f", {dates.format_due(record['due'], today=env.today())}" if record["due"] else ""
    emit(record, as_json, f"Added task {record['id']}: {clean(title)}{due_text}")


def _task_result(env: Env, record: dict[str, Any], as_json: bool) -> None:
    status, progress = record.get("status", "todo"), record.get("progress", 0)  # optional in the file
    due = f" · {dates.format_due(record['due'], today=env.today(), done=status == 'done')}" if record.get("due") else ""
    owner = f" · {clean(record['owner'])}" if record.get("owner") else ""
    reason = f" ({clean(record.get('blocked_reason', ''))})" if status == "blocked" else ""
    emit(
        record,
        as_json,
        f"{record['id']} {render.fit(record['title'], 50)}: {status}{reason} "
        f"{render.bar(progress, 10)} {progress}%{owner}{due}",
    )


@task.command("progress", context_settings={"ignore_unknown_options": True})
@click.argument("task_id", callback=ident("tasks"))
@click.argument("value")
@json_option
@pass_env
def task_progress(env: Env, task_id: int, value: str, as_json: bool) -> None:
    """Set progress: 60 sets it, +10 / -5 move it (clamped to 0-100); 100 marks done."""
    _task_result(env, actions.set_progress(env.store, task_id, value), as_json)


@task.command("status")
@click.argument("task_id", callback=ident("tasks"))
@click.argument("new_status", metavar="STATUS", type=click.Choice(TASK_STATUSES))
@click.option("--reason", default=None, help="Why it is blocked (required for blocked).")
@json_option
@pass_env
def task_status(env: Env, task_id: int, new_status: str, reason: str | None, as_json: bool) -> None:
    """Move a task to todo, doing, blocked (with --reason) or done."""
    _task_result(env, actions.set_status(env.store, task_id, new_status, reason), as_json)


@task.command("done")
@click.argument("task_id", callback=ident("tasks"))
@json_option
@pass_env
def task_done(env: Env, task_id: int, as_json: bool) -> None:
    """Mark a task done (progress 100)."""
    _task_result(env, actions.set_status(env.store, task_id, "done"), as_json)


@task.command("assign")
@click.argument("task_id", callback=ident("tasks"))
@click.argument("handle")
@json_option
@pass_env
def task_assign(env: Env, task_id: int, handle: str, as_json: bool) -> None:
    """Give a task to a member ('none' to unassign)."""
    owner = None if handle.lower() in ("none", "-") else handle
    _task_result(env, actions.assign(env.store, task_id, owner), as_json)


@task.command("due")
@click.argument("task_id", callback=ident("tasks"))
@click.argument("date")
@json_option
@pass_env
def task_due(env: Env, task_id: int, date: str, as_json: bool) -> None:
    """Set the due date (e.g. fri, in 2 weeks, 2026-12-15; 'none' clears it)."""
    _task_result(env, actions.set_due(env.store, task_id, due_date(env, date)), as_json)


@task.command("note")
@click.argument("task_id", callback=ident("tasks"))
@click.argument("text")
@json_option
@pass_env
def task_note(env: Env, task_id: int, text: str, as_json: bool) -> None:
    """Add an update note to a task."""
    _task_result(env, actions.add_note(env.store, task_id, text), as_json)


@task.command("list")
@click.option("--plan", "plan_id", default=None, help="Only this plan (e.g. P1).")
@click.option("--owner", default=None, help="Only this member's tasks.")
@click.option("--status", "status_", type=click.Choice(TASK_STATUSES), default=None, help="Only this status.")
@click.option("--overdue", is_flag=True, help="Only open tasks past their due date.")
@json_option
@pass_env
def task_list(
    env: Env, plan_id: str | None, owner: str | None, status_: str | None, overdue: bool, as_json: bool
) -> None:
    """List tasks, filtered."""
    pid = None
    if plan_id is not None:
        try:
            pid = parse_label(plan_id, "plans")
        except ValueError as exc:
            fail(str(exc))
    workplan = env.read()
    if pid is not None and pid not in workplan.plans:
        fail(f"no plan {label('plans', pid)}; see 'workplan plan list'")
    if owner is not None and owner not in workplan.members:
        fail(f"no member {owner!r}; see 'workplan member list'")
    today_iso = env.today().isoformat()
    items = [
        t
        for t in workplan.tasks.values()
        if (pid is None or t.plan == pid)
        and (owner is None or t.owner == owner)
        and (status_ is None or t.status == status_)
        and (not overdue or (t.status != "done" and t.due is not None and t.due < today_iso))
    ]
    if as_json:
        click.echo(render.to_json([{"id": t.label, **_asdict(t), "plan": label("plans", t.plan)} for t in items]))
        return
    if not items:
        click.echo("No tasks match.")
        return
    today = env.today()
    rows = [
        [
            t.label,
            t.title,
            t.status,
            f"{t.progress:>3}%",
            dates.format_due(t.due, today=today, done=t.status == "done") if t.due else "",
            t.owner or "-",
        ]
        for t in items
    ]
    click.echo(render.table(rows, ["ID", "TITLE", "STATUS", "DONE", "DUE", "OWNER"], flex=1))


@task.command("show")
@click.argument("task_id", callback=ident("tasks"))
@json_option
@pass_env
def task_show(env: Env, task_id: int, as_json: bool) -> None:
    """A task in full, with its history."""
    workplan = env.read()
    t = workplan.tasks.get(task_id)
    if t is None:
        fail(f"no task {label('tasks', task_id)}; see 'workplan task list'")
    try:
        history, unread = env.store.history().of_record(t.label), ""
    except StoreError as exc:  # the task itself is still worth showing
        history, unread = [], clean(str(exc))
    if as_json:
        click.echo(
            render.to_json(
                {
                    "id": t.label,
                    **_asdict(t),
                    "plan": label("plans", t.plan),
                    "history": [_asdict(a) for a in history],
                    **({"history_error": unread} if unread else {}),
                }
            )
        )
        return
    today = env.today()
    the_plan = workplan.plans[t.plan]
    out = [
        f"{t.label} {clean(t.title)}",
        f"  plan:     {the_plan.label} {clean(the_plan.title)}",
        f"  owner:    {render.owner_text(workplan, t.owner)}",
        f"  status:   {t.status}" + (f" ({clean(t.blocked_reason)})" if t.status == "blocked" else ""),
        f"  progress: {render.bar(t.progress)} {t.progress}%",
        f"  due:      {_due_full(t, today)}",
    ]
    if t.outcome is not None and t.outcome in workplan.outcomes:
        out.append(f"  outcome:  O{t.outcome} {render.outcome_line(workplan.outcomes[t.outcome])}")
    if t.notes:
        out.append("  notes:    " + clean(t.notes, multiline=True).replace("\n", "\n            "))
    if t.updates:
        out.append("Updates:")
        for u in t.updates:
            out.append(f"  {stamp(u.at)}  {clean(u.by)}: {clean(u.text)}")
    if history or unread:
        out.append("History:" if not unread else f"History: cannot be read: {unread}")
        cols = render.width()
        for a in history:
            out.append(render.fit(f"  {stamp(a.at)}  {clean(a.member)}  {clean(a.kind)}  {_changes(a)}", cols))
    click.echo(render.wrap("\n".join(out)))


@cli.command("undo")
@json_option
@pass_env
def undo_cmd(env: Env, as_json: bool) -> None:
    """Undo my last change, unless someone has changed that record since."""
    result = actions.undo(env.store)
    restored = "; ".join(f"{k} → {short(v, 40)}" for k, v in result["restored"].items())
    emit(result, as_json, f"Undid {result['undone']} ({result['kind']} on {clean(result['record'])}): {restored}")


@cli.command("stage")
@click.argument("stage", type=click.Choice(["forming", "storming", "norming", "performing"]))
@json_option
@pass_env
def stage_cmd(env: Env, stage: str, as_json: bool) -> None:
    """Set the partnership's stage."""
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
