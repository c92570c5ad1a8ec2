"""``workplan sync``, ``sync init``, ``merge-file``, ``conflicts`` and ``resolve``: partners on
different servers sharing the file through git (see workplan_tui/sync/)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from workplan_tui.cli import render
from workplan_tui.cli.base import CONTEXT, Env, HelpGroup, emit, fail, id_argument, json_option, pass_env
from workplan_tui.model import contract
from workplan_tui.model.text import clean, short, stamp


def _say(line: str) -> None:
    click.echo(clean(line), err=True)


@click.group(cls=HelpGroup, context_settings=CONTEXT, invoke_without_command=True)
@click.option(
    "--every",
    "every",
    metavar="INTERVAL",
    default=None,
    help="Keep syncing, every INTERVAL (30s, 5m, 1h), until interrupted.",
)
@json_option
@click.pass_context
def sync_cmd(ctx: click.Context, every: str | None, as_json: bool) -> None:
    """Share my changes and bring in the other partners' through the file's git repository.

    It commits the partnership file and its activity log (the message says what changed),
    fetches, merges record by record, and pushes; if someone pushed meanwhile, it merges
    again. Fields both sides changed become conflicts in the file: see 'workplan conflicts'.
    If the remote cannot be reached, your changes stay committed here for the next sync.

    \b
    Examples:
      workplan sync
      workplan sync --every 5m
      workplan sync init
    """
    if ctx.invoked_subcommand is not None:
        return
    env = ctx.find_object(Env)
    assert env is not None
    from workplan_tui.sync.run import SyncError, parse_interval, sync

    if every is None:
        try:
            report = sync(env.store, say=None if as_json else _say)
        except SyncError as exc:
            fail(str(exc))
        _print_report(report, as_json)
        return
    try:
        seconds = parse_interval(every)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from None
    while True:
        try:
            _print_report(sync(env.store, say=None if as_json else _say), as_json, compact=True)
        except SyncError as exc:  # offline now: try again next time
            click.echo(f"workplan: {clean(str(exc))}", err=True)
            if as_json:
                click.echo(" ".join(render.to_json({"error": str(exc)}).split()))
        sys.stdout.flush()
        time.sleep(seconds)


def _print_report(report: dict[str, Any], as_json: bool, *, compact: bool = False) -> None:
    if as_json:
        text = render.to_json(report)
        click.echo(" ".join(text.split()) if compact else text)
        return
    for warning in report["warnings"]:
        click.echo(f"workplan: warning: {clean(warning)}", err=True)
    done = []
    if report["merged"] is None and not report["committed"] and not report["pushed"]:
        done.append(f"Up to date with {clean(report['remote'])}")
    elif report["pushed"]:
        done.append(f"Shared with {clean(report['remote'])}")
    else:
        done.append(f"Up to date with {clean(report['remote'])}")
    if report["conflicts"]:
        done.append(f"{len(report['conflicts'])} conflict(s) to settle: workplan conflicts")
    render.say(clean("; ".join(done) + "."))


@sync_cmd.command("init")
@json_option
@pass_env
def sync_init(env: Env, as_json: bool) -> None:
    """Set this clone up so that git leaves the file and its activity log to workplan.

    It adds lines to .gitattributes (commit it, so every clone has them: merge=workplan, and no
    end-of-line conversion or filter) and checks with 'git check-attr' that git reads them; it
    sets merge.workplan.driver in this clone's git config, through .git/workplan-run, which
    finds workplan wherever it is installed; and it installs hooks that refuse a commit or push
    that would lose changes (a text merge, one side taken whole). Each partner runs it once in
    their clone ('workplan sync' also does when something is missing); after that a plain
    'git pull' merges the file record by record too.

    \b
    Example:
      workplan -f partnership.json sync init
    """
    from workplan_tui.sync.run import SyncError, init

    try:
        report = init(env.store)
    except SyncError as exc:
        fail(str(exc))

    def text() -> str:
        added = report["gitattributes_added"]
        lines = [f"{clean(report['repository'])}/.gitattributes: " + ("added " + ", ".join(added) if added else "ok")]
        lines.append("git reads them: merge=workplan, no end-of-line conversion or filter (git check-attr)")
        lines.append(f"git's merge driver and hooks run {clean(report['program'])}, else any workplan on PATH")
        if report["hooks"]:
            lines.append(f"hooks: {', '.join(report['hooks'])}")
        for hook in report["hooks_kept"]:
            lines.append(
                f"warning: {clean(report['hooks_folder'])}/{hook} is not workplan's (or the folder is shared "
                f"through core.hooksPath) and stays; add this line to it: "
                f'sh "$(git rev-parse --git-common-dir)/workplan-run" sync hook {hook} "$@" || exit 1'
            )
        lines.append("Commit .gitattributes (workplan sync does), and run 'workplan sync init' in every clone.")
        return "\n".join(lines)

    emit(report, as_json, text)


@sync_cmd.command("hook", hidden=True)
@click.argument("name")
@click.argument("args", nargs=-1)
def sync_hook(name: str, args: tuple[str, ...]) -> None:
    """What the git hooks 'sync init' installs run (not for people): checks the partnership files
    before git commits, merges, rebases or pushes them; exit 1 with one line each when wrong.

    It is what .git/hooks/pre-commit and the other hooks run.

    \b
    Example:
      workplan sync hook pre-commit
    """
    from workplan_tui.sync import guard
    from workplan_tui.sync.git import GitError

    stdin = sys.stdin.buffer.read() if name in ("post-rewrite", "pre-push") else b""
    try:
        problems = guard.hook(name, list(args), stdin, Path.cwd())
    except GitError as exc:
        fail(f"cannot check the partnership files ({exc}); nothing checked, so git stops here")
    for problem in problems:
        click.echo(f"workplan: {clean(problem)}", err=True)
    if problems:
        sys.exit(1)


@click.command("merge-file", context_settings=CONTEXT)
@click.argument("base", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("ours", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("theirs", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("path", required=False)
@json_option
def merge_file(base: Path, ours: Path, theirs: Path, path: str | None, as_json: bool) -> None:
    """Merge THEIRS into OURS against BASE, record by record; OURS gets the result.

    Each file's activity log is the .history.jsonl file beside it, and is merged too. Records
    both sides added are kept (one renumbered), one-sided changes are taken, fields both sides
    changed become conflicts in the file (never conflict markers). A copy that is not sound,
    or of a newer schema, is refused: the exit status is 1 and OURS is unchanged. Git runs
    'workplan merge-file %O %A %B %P' as its merge driver (see 'workplan sync init').

    \b
    Example:
      workplan merge-file base.json mine.json theirs.json
    """
    from workplan_tui.store.storage import StoreError
    from workplan_tui.sync import driver
    from workplan_tui.sync.merge import MergeError

    try:
        if path is None:
            result = driver.merge_files(base, ours, theirs)
        else:
            result = driver.git_merge(base, ours, theirs, path)
    except (MergeError, StoreError) as exc:
        fail(f"{path or ours}: {exc}")
    report = {
        "file": str(path or ours),
        "changes_from_ours": result.from_ours,
        "changes_from_theirs": result.from_theirs,
        "conflicts": result.conflicts,
        "renumbered": [
            {"table": r.table, "from": r.old, "to": r.new, "side": r.side, "added_by": r.added_by}
            for r in result.renumbered
        ],
    }
    if as_json:
        click.echo(render.to_json(report))
        return
    if path is not None and not result.conflicts and not result.renumbered:
        return  # git's own merge output says the rest
    line = f"workplan: merged {clean(report['file'])}: {result.from_theirs} change(s) from theirs"
    if result.conflicts:
        line += f"; {len(result.conflicts)} conflict(s) recorded ({', '.join(result.conflicts)}): workplan conflicts"
    if result.renumbered:
        line += f"; {len(result.renumbered)} record(s) renumbered (see workplan log)"
    click.echo(line, err=path is not None)


@click.command("conflicts", context_settings=CONTEXT)
@json_option
@pass_env
def conflicts_cmd(env: Env, as_json: bool) -> None:
    """List the conflicts merges recorded: fields both sides changed to different values.

    Each shows both values, who set them and when, and what the record holds now. Settle
    one with 'workplan resolve'.

    \b
    Example:
      workplan conflicts
    """
    data = env.store.raw()
    shown = []
    for key, raw in data.get("conflicts", {}).items():
        record = data.get(raw["table"], {}).get(str(raw["key"]))
        exists = isinstance(record, dict)
        current = None
        if exists and raw["field"] != "(record)":
            current = record.get(raw["field"])  # type: ignore[union-attr]
        elif exists:
            current = "kept"
        shown.append(contract.conflict(int(key), raw, current, exists=exists))
    if as_json:
        click.echo(render.to_json(shown))
        return
    if not shown:
        click.echo("No conflicts.")
        return
    cols = render.width()
    for item in shown:
        now = "record removed since" if not item["record_exists"] else f"now {short(item['current'], 30)}"
        click.echo(render.fit(f"{item['id']}  {clean(item['record'])} {clean(item['field'])}  ({now})", cols))
        for number, side in enumerate(item["sides"], 1):
            who = clean(side["by"]) or "unknown"
            when = f", {stamp(side['at'])}" if side["at"] else ""
            click.echo(render.fit(f"    {number}: {short(side['value'], 40)}  ({who}{when})", cols))
    click.echo("Settle one with: workplan resolve C1 1|2|mine|theirs")


@click.command("resolve", context_settings=CONTEXT)
@id_argument("conflict_id", "conflicts")
@click.argument("which")
@json_option
@pass_env
def resolve_cmd(env: Env, conflict_id: int, which: str, as_json: bool) -> None:
    """Settle a conflict: the field takes the value of side 1 or 2 (or mine, or theirs).

    Other conflicts on the same field are settled with it; the change is logged. For a record
    one side removed and the other changed, 'kept' keeps it and 'removed' removes it.

    \b
    Examples:
      workplan resolve C1 2
      workplan resolve C3 mine
    """
    from workplan_tui.store import actions

    if not which.strip():
        fail("say which side: 1, 2, mine or theirs")
    settled = actions.resolve_conflict(env.store, conflict_id, which)
    shown = contract.conflict(settled.conflict_id, settled.stored, settled.value, exists=settled.exists)
    emit(
        {**shown, "chosen": settled.side + 1, "value": shown["sides"][settled.side]["value"]},
        as_json,
        f"Settled {shown['id']}: {clean(shown['record'])} {clean(shown['field'])} is "
        f"{short(shown['current'], 40)} (side {settled.side + 1})",
    )
