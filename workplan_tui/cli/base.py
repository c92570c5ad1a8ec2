"""What every command module shares: the acting environment, JSON output, id and date options."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from workplan_tui.cli import render
from workplan_tui.model import contract, dates, rules, typed
from workplan_tui.model.changes import Names, changes_line, sentence
from workplan_tui.model.records import Activity, Keyed, Workplan, label, parse_label
from workplan_tui.model.rules import RuleError
from workplan_tui.model.text import clean, short, stamp
from workplan_tui.store.storage import StoreError
from workplan_tui.store.store import Store

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Env:
    """What every command needs: the file, the acting member, the clock."""

    def __init__(self, path: Path):
        self.path = path
        self.theme: str | None = None
        self.store = Store(path, on_wait=lambda line: click.echo(f"workplan: {clean(line)}", err=True))

    @property
    def user(self) -> str:
        """The acting member: $WORKPLAN_USER, else whom the file binds the login to (known once
        the file is read; model/identity.py)."""
        return self.store.user

    def now(self) -> datetime:
        return dates.utc_now()

    def today(self) -> date:
        return dates.today()

    def read(self) -> Workplan:
        return self.store.read()


pass_env = click.make_pass_decorator(Env)

_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z(])")


def summary(command: click.Command) -> str:
    """A command's first sentence, whole: the line ``--help`` lists it by."""
    text = " ".join((command.short_help or command.help or "").strip().split("\n\n")[0].split())
    end = _SENTENCE_END.search(text)
    return text[: end.end()] if end else text


class HelpGroup(click.Group):
    """A group whose ``--help`` lists each command by its whole first sentence, wrapped.

    Click cuts that sentence to the terminal's width with "..." ("Validate the file: exit 0
    when sound, else 1 with every..."): a listing of sentences cut in the middle.
    """

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, summary(command)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def _standard_output(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """``-o -`` is standard output, as in every Unix tool: None, as if no file were given."""
    return None if value is not None and str(value) == "-" else value


def output_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``-o/--output FILE`` (into the parameter ``out``): write ``what`` to FILE instead of
    printing it; ``-o -`` prints it (standard output), as ``-`` means in every Unix tool."""
    return click.option(
        "-o",
        "--output",
        "out",
        type=click.Path(dir_okay=False, path_type=Path),
        callback=_standard_output,
        help=f"Write {what} to this file instead of printing it ('-': print it).",
    )


class NumberType(click.ParamType):
    """A number as people type it (``model/typed.py``: ``12.5``, not ``12,5``), read as the
    board's forms read it."""

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int | float:
        if isinstance(value, int | float):
            return value
        try:
            return typed.number(str(value))
        except RuleError as exc:
            self.fail(str(exc), param, ctx)


NUMBER = NumberType()


class Whole(click.IntRange):
    """A whole number within bounds (``min``, ``max``, both included, either may be None), said
    in words: help shows ``[from 1 to 1440]``, a number out of bounds is refused with "2000 is
    more than 1440: give a whole number from 1 to 1440" (click's own read '1<=x<=1440')."""

    def __init__(self, min: int | None = None, max: int | None = None) -> None:  # noqa: A002 (click's names)
        super().__init__(min, max)

    def _describe_range(self) -> str:
        if self.min is None:
            return f"at most {self.max}"
        if self.max is None:
            return f"{self.min} or more"
        return f"from {self.min} to {self.max}"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = click.INT.convert(value, param, ctx)
        if self.min is not None and number < self.min:
            self.fail(f"{number} is less than {self.min}: give a whole number {self._describe_range()}", param, ctx)
        if self.max is not None and number > self.max:
            self.fail(f"{number} is more than {self.max}: give a whole number {self._describe_range()}", param, ctx)
        return number


def fail(message: str) -> NoReturn:
    raise click.ClickException(message)


def emit(result: Any, as_json: bool, text: str | Callable[[], str], **more: Any) -> None:
    """Print what a command did: ``text`` for people, or with ``--json`` its ``result`` in the
    JSON contract: a record (``records.Task``, ...) as ``contract.shown`` shapes it, with
    ``more`` fields the command adds (``removed=True``, ``unlinked_tasks=[...]``)."""
    if as_json:
        shown = contract.shown(result) if isinstance(result, Keyed) else result
        click.echo(render.to_json({**shown, **more} if more else shown))
    else:
        render.say(text() if callable(text) else text)


def member_named(workplan: Workplan, typed: str) -> str:
    """The handle of the member ``typed`` names, in any case (``rules.member_handle``: ``Dan`` is
    ``dan``); fails with one line naming the handles it may have meant."""
    found = rules.member_handle(typed, workplan.members)
    if found is None:
        fail(rules.no_member(typed, workplan.members))
    return found


def ident(table: str) -> Callable[[click.Context, click.Parameter, str], int]:
    def convert(ctx: click.Context, param: click.Parameter, value: str) -> int:
        try:
            return parse_label(value, table)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return convert


# --- shell completion ---------------------------------------------------------------------------

_NAMED = {
    "tasks": "title",
    "plans": "title",
    "outcomes": "name",
    "norms": "text",
    "conflicts": "summary",
    "grants": "name",
    "milestones": "name",
    "series": "every",
    "meetings": "title",
}


def _file_for_completion(ctx: click.Context) -> Workplan | None:
    """The partnership the command line being completed names (-f, else $WORKPLAN_FILE), or
    None when it cannot be read: completion never fails or prints an error."""
    path = ctx.find_root().params.get("path") or Path(os.environ.get("WORKPLAN_FILE") or "workplan.json")
    # The shell expands ~ and $HOME only when it runs the command: the line being completed
    # still holds them as typed (-f ~/p.json), so they are expanded here as the shell will.
    path = os.path.expanduser(os.path.expandvars(os.fspath(path)))
    try:
        return Store(Path(path), user="", trust_seal=True).read(allow_newer=True)
    except Exception:  # a half-typed path, a bad file: no completions, and no traceback in the shell
        return None


def complete_ids(
    table: str, keep: Callable[[Workplan, Any], bool] | None = None
) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    """Shell completion of the ids of ``table`` (T12), each with its title as help (zsh, fish);
    with ``keep``, only the records ``keep(workplan, record)`` is true of (those the command
    applies to: ``skippable``)."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem  # only when completing: start-up time

        workplan = _file_for_completion(ctx)
        if workplan is None:
            return []
        records: dict[int, Any] = getattr(workplan, table)
        typed = incomplete.strip().upper()
        items = []
        for record in records.values():
            if record.label.startswith(typed) or str(record.id).startswith(typed):
                if keep is None or keep(workplan, record):
                    items.append(CompletionItem(record.label, help=short(clean(getattr(record, _NAMED[table])), 60)))
        return items

    return complete


def _changeable(workplan: Workplan, plan_id: int) -> bool:
    """Whether what is in plan ``plan_id`` may change (``rules.frozen``: not when it is archived)."""
    plan = workplan.plans.get(plan_id)
    return plan is None or rules.frozen(plan) is None


def skippable(workplan: Workplan, task: Any) -> bool:
    """Whether ``task skip`` applies to ``task`` (``rules.skip_problem``): an open instance of a
    series, in a plan that may change."""
    series = workplan.series.get(task.series) if task.series is not None else None
    named = series.label if series is not None else None
    return rules.skip_problem(task.label, named, task.status) is None and _changeable(workplan, task.plan)


def complete_series(wanted: str) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    """Shell completion of the series that can be made ``wanted`` (``series pause``: paused,
    ``resume``: running, ``end``: ended; ``rules.series_status_problem``) by their ids (S1) and
    their open instances (T30), each with its title, how often and how it stands as help."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem

        from workplan_tui.model.recurrence import words  # only when completing

        workplan = _file_for_completion(ctx)
        if workplan is None:
            return []
        instances: dict[int, list[Any]] = {}
        for task in workplan.tasks.values():
            if task.series is not None:
                instances.setdefault(task.series, []).append(task)
        typed = incomplete.strip().upper()
        items = []
        for series in workplan.series.values():
            tasks = instances.get(series.id, [])
            open_tasks = [t for t in tasks if t.status != "done"]
            problem = rules.series_status_problem(
                series.label, series.status, wanted, instances=len(tasks), open_now=len(open_tasks)
            )
            if problem or not _changeable(workplan, series.plan):
                continue
            title = clean(max(tasks, key=lambda t: t.id).title) if tasks else "(no instance left)"
            about = short(f"{title} · {words(series.every)} · {series.status}", 60)
            for name in (series.label, *(t.label for t in open_tasks)):
                if name.startswith(typed) or name[1:].startswith(typed):
                    items.append(CompletionItem(name, help=about))
        return items

    return complete


def complete_members(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Shell completion of member handles, each with the member's name and partner."""
    from click.shell_completion import CompletionItem

    workplan = _file_for_completion(ctx)
    members = workplan.members.values() if workplan else []
    return [
        CompletionItem(m.handle, help=f"{short(clean(m.name), 40)} ({clean(m.partner)})")
        for m in members
        if m.handle.startswith(incomplete)
    ]


def complete_partners(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Shell completion of partner codes (typed in any case), each with the partner's name."""
    from click.shell_completion import CompletionItem

    workplan = _file_for_completion(ctx)
    partners = workplan.partners.values() if workplan else []
    typed = incomplete.lower()
    return [CompletionItem(p.code, help=short(clean(p.name), 50)) for p in partners if p.code.lower().startswith(typed)]


def complete_contributions(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Shell completion of a partner's contributions by number, each with its kind and description
    (the partner is the command's CODE argument)."""
    from click.shell_completion import CompletionItem

    workplan = _file_for_completion(ctx)
    code = str(ctx.params.get("code") or "").lower()
    partner = next((p for p in workplan.partners.values() if p.code.lower() == code), None) if workplan else None
    if partner is None:
        return []
    return [
        CompletionItem(str(n), help=short(clean(f"{c.kind}: {c.description}"), 60))
        for n, c in enumerate(partner.contributions, 1)
        if str(n).startswith(incomplete)
    ]


def id_argument(name: str, table: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``@id_argument("task_id", "tasks")``: an argument read as an id (T12, t12 or 12) whose
    shell completion offers the ids with their titles."""
    return click.argument(name, callback=ident(table), shell_complete=complete_ids(table))


def idents(table: str) -> Callable[[click.Context, click.Parameter, tuple[str, ...]], list[int]]:
    """Several ids (T10 T16, or T10,T16 as --waits-on takes them) read as ids, each once, in the
    order typed."""

    def convert(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[int]:
        typed = [part.strip() for v in value for part in v.split(",") if part.strip()]
        if not typed:
            raise click.BadParameter(f"no id in {' '.join(value)!r} (expected e.g. T12)")
        try:
            return list(dict.fromkeys(parse_label(v, table) for v in typed))
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return convert


def ids_argument(
    name: str, table: str, keep: Callable[[Workplan, Any], bool] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``@ids_argument("task_ids", "tasks")``: one id or several (``task done T10 T16``). Its
    shell completion offers the ids (with ``keep``, those it is true of: ``complete_ids``), and
    once an id is typed what the argument after the ids takes too (``task assign T10 b`` offers bob)."""
    ids = complete_ids(table, keep)

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        found = ids(ctx, param, incomplete)
        params = ctx.command.params
        after = params[params.index(param) + 1 :] if param in params else []
        given = any(ctx.params.get(p.name or "") for p in params if isinstance(p, click.Argument))
        then = next((p for p in after if isinstance(p, click.Argument)), None)
        if then is not None and given:
            found += then.shell_complete(ctx, incomplete)
        return found

    return click.argument(name, nargs=-1, required=True, callback=idents(table), shell_complete=complete)


def each(env: Env, ids: list[int], change: Callable[[int], Any], table: str = "tasks") -> list[Any]:
    """``change`` applied to each id in one write: all of them, or (one refused) none. Returns
    what each change returns, in order."""
    if len(ids) == 1:
        return [change(ids[0])]
    try:
        with env.store.transaction():
            return [change(i) for i in ids]
    except (StoreError, RuleError, dates.DateError) as exc:
        shown = ", ".join(label(table, i) for i in ids)
        raise click.ClickException(f"{exc}; nothing changed ({shown} are as they were)") from None


def emit_each(records: list[Any], as_json: bool, text: Callable[[Any], str], **more: Any) -> None:
    """``emit`` for one record or several: with ``--json`` the record, or an array of them."""
    if not as_json:
        for record in records:
            emit(record, False, text(record))
    elif len(records) == 1:
        emit(records[0], True, "", **more)
    else:
        click.echo(render.to_json([{**contract.shown(r), **more} for r in records]))


def ids_of(values: tuple[str, ...] | list[str], table: str, option: str) -> list[int]:
    """Ids given to an option that takes several (``--task T1 --task T2``, ``--task T1,T2``), each
    read as ``parse_label`` reads one; fails with one line naming the option."""
    found = []
    for value in values:
        for part in value.replace(",", " ").split():
            try:
                found.append(parse_label(part, table))
            except ValueError as exc:
                fail(f"{option}: {exc}")
    return found


def due_date(env: Env, text: str | None) -> str | None:
    """A due date as people type it ('fri', 'dec 15', 'none' to clear) as YYYY-MM-DD.

    A date before today is taken (a plan made after the fact) with a warning on stderr,
    which also shows the date, since 'mon' or '12 nov' may not be the day the user meant.
    Fails with one line for text that is not a date (dates.parse_date says which forms are).
    """
    return typed_day(env, text, warn_past=True)


def start_date(env: Env, text: str | None) -> str | None:
    """A start date as people type it ('mon', 'dec 1', 'none' to clear) as YYYY-MM-DD; one in
    the past is as likely as one to come, so it gets no warning."""
    return typed_day(env, text, warn_past=False)


def typed_day(env: Env, text: str | None, *, warn_past: bool) -> str | None:
    """A date as people type it, as YYYY-MM-DD (None for None or 'none'); one clear line and
    exit for text that is not a date; with ``warn_past``, a warning for a day before today."""
    if text is None:
        return None
    if text.strip().lower() in ("none", "clear", "-"):
        return None
    try:
        when = dates.parse_date(text, today=env.today())
    except dates.DateError as exc:
        fail(str(exc))
    if warn_past and when < env.today():
        shown = dates.format_due(when.isoformat(), today=env.today(), dated=True)
        click.echo(f"workplan: warning: {clean(text.strip())!r} is in the past ({shown})", err=True)
    return when.isoformat()


def changes_text(entry: Activity, room: int = 40) -> str:
    """A log entry's changes on one line, as the board words them (``model.changes``):
    'progress 40 → 60; outcome - → O3', each value cut to ``room`` characters."""
    return changes_line(entry, room)


def names_of(env: Env, workplan: Workplan | None = None) -> Names:
    """What log entries' sentences need (titles, currency, today: ``model.changes.Names``), from
    ``workplan`` or the file; without titles when the file cannot be read (the log still can)."""
    if workplan is None:
        try:
            workplan = env.read()
        except StoreError:
            workplan = None
    return Names(workplan, env.today())


def log_line(entry: Activity, names: Names, *, titled: bool = True) -> str:
    """One log entry for ``workplan log``, ``status`` and a record's history, as a sentence:
    "2026-11-28 09:30  bob moved T12 'Order soil' from 40% to 60%" (the account beside the
    member when they differ: "bob (wpbob) moved ...")."""
    said = sentence(entry, names, titled=titled)
    if entry.os_user and entry.os_user != entry.member and said.startswith(entry.member + " "):
        said = f"{entry.member} ({clean(entry.os_user)}){said[len(entry.member) :]}"
    return f"{stamp(entry.at)}  {said}"


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


def changed_fields(env: Env) -> list[str]:
    """The fields the command's write changed, in order and in words ('due date', 'reason
    blocked', 'waits on': model/changes.field_words), [] when it wrote nothing."""
    from workplan_tui.model.changes import field_words

    names: dict[str, None] = {}
    for entry in env.store.last_entries:
        names.update(dict.fromkeys(field_words(name) for name in entry.get("changes", {})))
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
