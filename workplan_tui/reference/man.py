"""``workplan(1)``: the man page, written as roff from click's command tree.

One page for the whole program (``man workplan``), as git's or tmux's: synopsis, every command
with its usage, help and options, then the environment, exit status and files. The text is
what ``--help`` prints, read through ``commands.walk``; ``hatch_build.py`` writes the page into
the wheel (``share/man/man1/workplan.1``) when the package is built. Only click is imported.

Run ``python -m workplan_tui.reference.man > workplan.1`` to write it by hand, and
``man -l workplan.1`` to read it.
"""

from __future__ import annotations

import re
import sys

import click

from workplan_tui.reference import commands


def escape(text: str) -> str:
    """Text for roff: backslashes and hyphens escaped, what is not ASCII as ``\\[uXXXX]``, and no
    line starting with a control character."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = "".join(c if c.isascii() else f"\\[u{ord(c):04X}]" for c in text)  # groff and mandoc both read these
    return "\n".join(("\\&" + line) if line.startswith((".", "'")) else line for line in text.split("\n"))


def inline(text: str) -> str:
    """Help text with `code spans` in bold, as man pages set commands and options."""
    parts = re.split(r"`([^`\n]+)`", text)
    return "".join(escape(part) if i % 2 == 0 else f"\\fB{escape(part)}\\fR" for i, part in enumerate(parts))


def _help(text: str) -> list[str]:
    out = []
    for preformatted, body in commands.paragraphs(text):
        if preformatted:
            out += [".PP", ".nf", ".RS 4", escape(body), ".RE", ".fi"]
        else:
            out += [".PP", inline(body)]
    return out


def _options(doc: commands.CommandDoc) -> list[str]:
    out = []
    for option in doc.options:
        if option.argument:
            continue
        out += [".TP", f"\\fB{escape(option.opts)}\\fR", inline(" ".join(option.help.split()))]
    return out


def render(root: click.Command, version: str) -> str:
    """The whole page as roff."""
    docs = commands.walk(root)
    top, rest = docs[0], docs[1:]
    first = commands.paragraphs(top.help)
    name_line = first[0][1].removeprefix("workplan:").strip().rstrip(".") if first else "workplan"
    out = [
        f'.TH WORKPLAN 1 "" "workplan {escape(version)}" "User Commands"',
        ".SH NAME",
        f"workplan \\- {escape(name_line)}",
        ".SH SYNOPSIS",
        ".B workplan",
        "[\\fB\\-f\\fR \\fIFILE\\fR] [\\fB\\-\\-theme\\fR \\fINAME\\fR]",
        "[\\fICOMMAND\\fR [\\fIARGS\\fR]...]",
        ".SH DESCRIPTION",
        *_help(top.help.partition("\n\n")[2] if len(first) > 1 else ""),
        ".PP",
        "Every command that creates or lists records takes \\fB\\-\\-json\\fR and prints the JSON contract "
        "(\\fBworkplan schema\\fR). Errors are one line on standard error; the file is then unchanged.",
        ".SH OPTIONS",
        *_options(top),
        ".TP",
        "\\fB\\-h, \\-\\-help\\fR",
        "Show the help of workplan or of any command (\\fBworkplan task add \\-\\-help\\fR).",
        ".SH COMMANDS",
    ]
    for doc in rest:
        out += [f'.SS "{escape(doc.name)}"', ".nf", f"\\fB{escape(doc.usage)}\\fR", ".fi"]
        out += _help(doc.help)
        if doc.subcommands:
            out += [
                ".PP",
                "Commands: " + ", ".join(f"\\fB{escape(doc.name)} {escape(s)}\\fR" for s in doc.subcommands) + ".",
            ]
        options = _options(doc)
        if options:
            out += [".PP", "Options:", ".RS 4", *options, ".RE"]
    out += [".SH ENVIRONMENT"]
    for name, what in commands.ENVIRONMENT.items():
        out += [".TP", f"\\fB{escape(name)}\\fR", inline(what)]
    out += [".SH EXIT STATUS"]
    for status, what in commands.EXIT_STATUS.items():
        out += [".TP", f"\\fB{status}\\fR", inline(what)]
    out += [
        ".SH FILES",
        ".TP",
        "\\fINAME\\fR.json",
        "The partnership: its records, one per line. Written whole, atomically, under a lock.",
        ".TP",
        "\\fINAME\\fR.history.jsonl",
        "Its activity log, one entry per line, appended; shared and backed up with the file.",
        ".TP",
        "\\&.\\fINAME\\fR.json.lock, .\\fINAME\\fR.json.presence/",
        "The lock every writer takes, and who has the board open. Never remove the lock file.",
        ".SH SEE ALSO",
        "\\fBgit\\fR(1). On the board, \\fB?\\fR lists the keys of each screen. The documentation "
        "(docs/ in the source) has the keys, the JSON contract, the file formats and the design.",
    ]
    return "\n".join(out) + "\n"


def main() -> None:
    from workplan_tui import __version__
    from workplan_tui.cli.main import cli

    sys.stdout.write(render(cli, __version__))


if __name__ == "__main__":
    main()
