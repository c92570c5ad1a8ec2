"""Every command and option of ``workplan``, walked from click's tree.

The docs, the man page and the test that nothing is undocumented all read this walk, and it
reads only what ``--help`` prints: click's own help records, usage lines and help texts.
A command group added to ``LAZY_COMMANDS`` or a command added with ``@cli.command`` is
found here without any change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import click

# What the environment changes, besides options' own ``envvar`` (found by the walk). A test
# checks that every WORKPLAN_ name the package reads is here: add a line when you read another.
ENVIRONMENT: dict[str, str] = {
    "WORKPLAN_FILE": "The partnership file when -f is not given; else ./workplan.json.",
    "WORKPLAN_USER": "Which member to act as, among those the file binds your Unix login to (needed only "
    "when it is bound to several); else the member of your login's handle, or the one member bound to it. "
    "Changes are logged with the member and the real Unix account.",
    "WORKPLAN_CONFIG_DIR": "Where the board keeps your theme choice and reads your own themes "
    "(themes/*.toml), and 'workplan remind' its mail settings (mail.toml); else the platform's config "
    "folder, ~/.config/workplan on Linux.",
    "WORKPLAN_MAIL_CONFIG": "The mail settings 'workplan remind' reads, instead of mail.toml in the config folder.",
    "WORKPLAN_SMTP_PASSWORD": "The SMTP password 'workplan remind' logs in with, when its mail settings name "
    "no password file (never on the command line, never in the shared file).",
    "WORKPLAN_SYNC_CHECKED": "Set by 'workplan sync' on the git commands whose result it has already "
    "checked, so its own hooks do not check them twice; not for people (like --no-verify, it skips "
    "the hooks' check).",
    "_WORKPLAN_COMPLETE": "Set by the shell completion script that 'workplan completion' prints; not for people.",
    "NO_COLOR": "Any value: the board draws without colour (the selection keeps its marker).",
    "TZ": "The time zone in which history and activity times are shown (they are stored in UTC).",
    "COLUMNS": "The width the command line's listings are cut to, when the output is not a terminal.",
}

EXIT_STATUS: dict[str, str] = {
    "0": "Done; for 'check', the file is sound.",
    "1": "An error, said in one line on standard error; the file is unchanged. For 'check', a problem; "
    "for 'remind', a digest not delivered (each named; the next run tries again).",
    "2": "A mistyped command or option (the usage line says which).",
    "130": "Interrupted (Ctrl+C).",
}


@dataclass
class Option:
    """One option or argument as ``--help`` shows it."""

    name: str  # the parameter's name in Python: a stable key for tests
    opts: str  # '-f, --file FILE' (click's help record), or 'TITLE' for an argument
    help: str  # the help text with click's [default: ...] and [env var: ...] notes
    argument: bool = False


@dataclass
class CommandDoc:
    """A command (or group) at its full path, e.g. 'workplan task add'."""

    path: str
    command: click.Command
    usage: str  # 'workplan task add [OPTIONS] PLAN TITLE'
    options: list[Option] = field(default_factory=list)
    subcommands: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The path without 'workplan ': 'task add' ('' for the top level)."""
        return self.path.partition(" ")[2]

    @property
    def is_group(self) -> bool:
        return isinstance(self.command, click.Group)

    @property
    def anchor(self) -> str:
        """The heading's id in the reference page: 'task-add' (the top level: 'workplan')."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "workplan"

    @property
    def help(self) -> str:
        """The whole help text as written (click's ``\\f`` cuts off what --help does not show)."""
        return (self.command.help or "").split("\f")[0].strip()

    @property
    def summary(self) -> str:
        """The first line of help, as ``workplan --help`` lists the command."""
        return self.command.get_short_help_str(limit=1000)


def walk(root: click.Command, name: str = "workplan") -> list[CommandDoc]:
    """The root and every command under it, depth first in listing order, hidden ones left out."""
    return list(_walk(root, click.Context(root, info_name=name)))


def _walk(command: click.Command, ctx: click.Context) -> Iterator[CommandDoc]:
    doc = CommandDoc(path=ctx.command_path, command=command, usage=_usage(command, ctx))
    help_option = command.get_help_option(ctx)
    for param in command.get_params(ctx):
        if param is help_option:
            continue
        if isinstance(param, click.Argument):
            doc.options.append(Option(param.name or "", param.make_metavar(ctx), "", argument=True))
            continue
        record = param.get_help_record(ctx)
        if record is not None:
            doc.options.append(Option(param.name or "", record[0], record[1]))
    children: list[tuple[click.Command, click.Context]] = []
    if isinstance(command, click.Group):
        for sub in command.list_commands(ctx):
            child = command.get_command(ctx, sub)
            if child is None or child.hidden:
                continue
            doc.subcommands.append(sub)
            children.append((child, click.Context(child, parent=ctx, info_name=sub)))
    yield doc
    for child, child_ctx in children:
        yield from _walk(child, child_ctx)


def _usage(command: click.Command, ctx: click.Context) -> str:
    pieces = command.collect_usage_pieces(ctx)
    return " ".join([ctx.command_path, *pieces])


def paragraphs(text: str) -> list[tuple[bool, str]]:
    """A help text as click reads it: (preformatted, text) per paragraph.

    A paragraph that starts with click's ``\\b`` line keeps its lines as written (examples);
    others are one flowing paragraph.
    """
    result: list[tuple[bool, str]] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        if lines[0].strip() == "\b":
            body = [line for line in lines[1:]]
            indent = min((len(line) - len(line.lstrip()) for line in body if line.strip()), default=0)
            result.append((True, "\n".join(line[indent:].rstrip() for line in body)))
        elif block.strip():
            result.append((False, " ".join(line.strip() for line in lines if line.strip())))
    return result


def problems(docs: list[CommandDoc]) -> list[str]:
    """What a person would miss: a command without its own help, an option without help."""
    found = []
    for doc in docs:
        if not doc.help:
            found.append(f"'{doc.path}' has no help text: write its docstring (or help=)")
        for option in doc.options:
            if not option.argument and not option.help.strip():
                found.append(f"'{doc.path}' option {option.opts} has no help text: add help= to it")
    return found
