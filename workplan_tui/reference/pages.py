"""The generated pages of ``docs/reference/``, as Markdown, built from the source each time.

``generate()`` returns every page by its path under ``docs/``; the MkDocs hook (``site``)
adds them to the site, and the tests read them. Nothing generated is committed, so nothing
generated can go stale: a new command, option or key is in the next build.

- ``reference/commands.md``: every command and option (``commands.walk``), with its help as
  written, usage and options as ``--help`` prints them;
- ``reference/keys.md``: every key of every screen and dialog (``keys.tables``);
- ``reference/json.md``: the JSON contract, from ``workplan schema``, and the schema itself
  as ``reference/workplan.schema.json``;
- ``reference/formats.md``: CSV columns, an ICS calendar and the Markdown report, made by
  the real commands from the demo partnership at build time.
"""

from __future__ import annotations

import json
import re
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import click
from click.testing import CliRunner

from workplan_tui.reference import commands, keys

GENERATED = "Generated from the source when these pages are built: it cannot fall behind the program."
DEMO_USER = "you"


def generate() -> dict[str, str]:
    """Every generated file by its path under ``docs/`` (the pages, and the JSON schema)."""
    from workplan_tui.cli.main import cli

    schema_text = _run(cli, ["schema"])
    return {
        "reference/commands.md": commands_page(commands.walk(cli)),
        "reference/keys.md": keys_page(keys.tables(), keys.textual_keys()),
        "reference/json.md": json_page(json.loads(schema_text)),
        "reference/workplan.schema.json": schema_text,
        "reference/formats.md": formats_page(cli),
    }


# --- Markdown helpers -------------------------------------------------------------------------

_SPECIAL = re.compile(r"([\\*_<>\[\]|#])")


def text(value: str) -> str:
    """Help text as Markdown: `code spans` kept, everything else literal (no markup, no HTML)."""
    parts = re.split(r"(`[^`\n]+`)", value)
    return "".join(part if part.startswith("`") and len(part) > 1 else _SPECIAL.sub(r"\\\1", part) for part in parts)


def code(value: str) -> str:
    """A code span that holds any text, table pipes included."""
    value = value.replace("|", "\\|")
    fence = "``" if "`" in value else "`"
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def cell(value: str) -> str:
    return text(" ".join(value.split())) or " "


def help_blocks(help_text: str) -> list[str]:
    """A click help text as Markdown blocks: prose paragraphs, and ``\\b`` blocks as shell code."""
    blocks = []
    for preformatted, body in commands.paragraphs(help_text):
        title, _, rest = body.partition("\n")
        if preformatted and title.endswith(":") and rest.startswith(" "):  # "Examples:" over indented lines
            blocks.append(f"{text(title)}\n\n```sh\n{textwrap.dedent(rest)}\n```")
        elif preformatted:
            blocks.append(f"```sh\n{body}\n```")
        else:
            blocks.append(text(body))
    return blocks


# --- commands ---------------------------------------------------------------------------------


def commands_page(docs: list[commands.CommandDoc]) -> str:
    root, rest = docs[0], docs[1:]
    out = [
        "# Commands",
        "",
        f"Every command and option of `workplan`, as its `--help` says. {GENERATED} "
        "The same text is in `man workplan` and in each command's `--help`.",
        "",
        *_command(root, level=0),
        "## All commands",
        "",
        "| command | does |",
        "|---|---|",
        *[f"| [{code(doc.name)}](#{doc.anchor}) | {cell(doc.summary)} |" for doc in rest],
        "",
    ]
    for doc in rest:
        out += _command(doc, level=doc.path.count(" "))
    out += [
        "## Environment",
        "",
        "| variable | what it changes |",
        "|---|---|",
        *[f"| {code(name)} | {cell(what)} |" for name, what in commands.ENVIRONMENT.items()],
        "",
        "## Exit status",
        "",
        "| status | means |",
        "|---|---|",
        *[f"| {status} | {cell(what)} |" for status, what in commands.EXIT_STATUS.items()],
        "",
    ]
    return "\n".join(out)


def _command(doc: commands.CommandDoc, level: int) -> list[str]:
    out = []
    if level:
        heading = "#" * min(level + 1, 4)
        out += [f"{heading} {code(doc.path)} {{#{doc.anchor}}}", ""]
    out += ["```text", doc.usage, "```", ""]
    for block in help_blocks(doc.help):
        out += [block, ""]
    options = [o for o in doc.options if not o.argument]
    if options:
        out += ["| option | what it does |", "|---|---|"]
        out += [f"| {code(o.opts)} | {cell(o.help)} |" for o in options]
        out.append("")
    if doc.subcommands and level:
        links = ", ".join(f"[{code(sub)}](#{doc.anchor}-{_slug(sub)})" for sub in doc.subcommands)
        out += [f"Commands: {links}.", ""]
    return out


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# --- keys -------------------------------------------------------------------------------------


def keys_page(tables: list[keys.KeyTable], textual: list[keys.Key]) -> str:
    out = [
        "# Keys",
        "",
        "Every key of the board, screen by screen and dialog by dialog, read from the same tables as "
        f"the key bar at the bottom of each screen and the help screen (`?`). {GENERATED} "
        "`ctrl+p` finds every action by its name.",
        "",
        "Screens: " + ", ".join(f"[{t.heading}](#{t.anchor})" for t in tables) + ".",
        "",
    ]
    for table in tables:
        out += [f"## {text(table.heading)} {{#{table.anchor}}}", ""]
        about = "Keys that work on every screen." if table is tables[0] else table.about
        if about:
            out += [text(about), ""]
        rows = table.keys + (textual if table is tables[0] else [])
        out += ["| key | does | in the key bar |", "|---|---|---|"]
        out += [
            f"| {' or '.join(code(k) for k in key.keys)} | {cell(key.description)} | {'yes' if key.shown else ''} |"
            for key in rows
        ]
        out.append("")
    return "\n".join(out)


# --- the JSON contract -----------------------------------------------------------------------


def json_page(schema: dict[str, Any]) -> str:
    definitions: dict[str, Any] = schema.get("$defs", {})
    out = [
        "# The JSON contract",
        "",
        text(schema.get("description", "")),
        "",
        "A script should ignore fields it does not know. `workplan schema` prints the contract as JSON Schema "
        f"(draft 2020-12), also [here as a file](workplan.schema.json). {GENERATED}",
        "",
        "## What each command prints",
        "",
        "| command | prints |",
        "|---|---|",
        *[f"| {code('workplan ' + name)} | {_type(shape)} |" for name, shape in schema.get("x-commands", {}).items()],
        "",
        "## Records",
        "",
    ]
    for name, definition in definitions.items():
        out += [f"### {name} {{#{_def_anchor(name)}}}", ""]
        if definition.get("description"):
            out += [text(definition["description"]), ""]
        properties: dict[str, Any] = definition.get("properties", {})
        required = set(definition.get("required", []))
        if properties:
            out += ["| field | type | |", "|---|---|---|"]
            out += [
                f"| {code(field)} | {_type(value)} | {'required' if field in required else ''} |"
                for field, value in properties.items()
            ]
        else:
            out.append(_type(definition))
        out.append("")
    return "\n".join(out)


def _def_anchor(name: str) -> str:
    return "record-" + _slug(name)


def _type(schema: Any) -> str:
    """A JSON Schema fragment in a few words: '[task](#record-task)', 'array of [vote](...)', 'string or null'."""
    if not isinstance(schema, dict):
        return code(json.dumps(schema))
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{_def_anchor(name)})"
    if "const" in schema:
        return code(json.dumps(schema["const"]))
    if "enum" in schema:
        return " or ".join(code(json.dumps(v)) for v in schema["enum"])
    if "anyOf" in schema or "oneOf" in schema:
        choices: list[Any] = schema.get("anyOf") or schema.get("oneOf") or []
        return " or ".join(_type(s) for s in choices)
    if "allOf" in schema:
        parts = []
        for part in schema["allOf"]:
            extra = part.get("properties") or {}
            if "$ref" in part or not (extra or part.get("required")):
                parts.append(_type(part))
            else:
                names = list(dict.fromkeys([*part.get("required", []), *extra]))
                parts.append("with " + ", ".join(code(n) for n in names))
        return " ".join(parts)
    kind = schema.get("type")
    if kind == "array":
        return "array of " + _type(schema.get("items", {}))
    words = " or ".join(kind) if isinstance(kind, list) else (kind or "any")
    if schema.get("format"):
        words += f" ({schema['format']})"
    elif schema.get("pattern"):
        words += " " + code(schema["pattern"])
    if "minimum" in schema or "maximum" in schema:
        words += f" {schema.get('minimum', '')}..{schema.get('maximum', '')}"
    if kind == "object" and schema.get("properties") and "properties" not in schema.get("$defs", {}):
        words += " with " + ", ".join(code(n) for n in schema["properties"])
    return words


# --- file formats -----------------------------------------------------------------------------


def formats_page(cli: click.Command) -> str:
    """The exchange formats, with real output of the real commands on the demo partnership."""
    from workplan_tui.exchange.csv_export import COLUMNS

    with tempfile.TemporaryDirectory(prefix="workplan-docs-") as folder:
        demo = Path(folder) / "partnership.json"
        _run(cli, ["demo", "--out", str(demo), "--no-open"])

        def run(*args: str) -> str:
            return _run(cli, ["-f", str(demo), *args])

        csv_samples = {table: run("export", "--format", "csv", "--table", table) for table in COLUMNS}
        ics = run("export", "--format", "ics")
        report = run("report")
    out = [
        "# File formats",
        "",
        "What `workplan export`, `workplan report` and `workplan import` read and write. The samples are the "
        "real output of those commands on the demo partnership (`workplan demo`), made when these pages were "
        f"built. {GENERATED}",
        "",
        "## CSV",
        "",
        "`workplan export --format csv --table TABLE`: one table with a header row; UTF-8 with a byte-order "
        "mark and CRLF line ends; ids and references as labels, dates ISO, numbers plain. A text cell that "
        "would start a spreadsheet formula gets a leading `'`, which `workplan import` takes off again. "
        "`workplan import` reads the `tasks` table back (and finds columns of other spreadsheets by their "
        "headers: see [`workplan import`](commands.md#import)).",
        "",
        "| table | columns |",
        "|---|---|",
        *[
            f"| [{code(table)}](#csv-{table}) | {', '.join(code(c) for c in columns)} |"
            for table, columns in COLUMNS.items()
        ],
        "",
    ]
    for table, sample in csv_samples.items():
        lines = sample.lstrip("\ufeff").splitlines()
        out += [f"### {table} {{#csv-{table}}}", "", "```text", *lines[:4], "```", ""]
    out += [
        "## ICS calendar",
        "",
        "`workplan export --format ics [--owner HANDLE]`: every task and outcome with a due date as an "
        "all-day event. The UID is the record's label and a fingerprint of the partnership, so a calendar "
        "that imports the file again updates its events instead of adding them twice (a pledge, which has "
        "no id, is named by its partner, kind and words, never by its place in the list, so adding or "
        "removing another pledge moves none of its events). An event whose task "
        "or outcome was removed, lost its due date or had its plan archived since (in `--owner`'s calendar, "
        "a task given to someone else) comes as `STATUS:CANCELLED` under the same UID with a higher "
        "`SEQUENCE`, so calendars that imported it drop it. A calendar with nothing in it is refused "
        "(RFC 5545 asks for at least one event). The start of the demo's:",
        "",
        "```text",
        *_ics_head(ics),
        "```",
        "",
        "## Markdown report",
        "",
        "`workplan report [--since DATE] [--plan P1] [-o FILE]` (and *Meeting report* in the board's palette): "
        "Markdown that renders the same on GitHub, GitLab and through pandoc. The demo's:",
        "",
        "````markdown",
        report.rstrip("\n"),
        "````",
        "",
    ]
    return "\n".join(out)


def _ics_head(ics: str) -> list[str]:
    lines = ics.replace("\r\n", "\n").split("\n")
    events = [i for i, line in enumerate(lines) if line == "END:VEVENT"]
    return lines[: events[1] + 1] + ["..."] if len(events) > 1 else lines


def _run(cli: click.Command, args: list[str]) -> str:
    result = CliRunner().invoke(cli, args, env={"WORKPLAN_USER": DEMO_USER, "COLUMNS": "100"}, catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"workplan {' '.join(args)} failed ({result.exit_code}): {result.output}")
    return result.stdout
