"""Every command's --json output against the published contract (`workplan schema`, issue 12)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click
from jsonschema import Draft202012Validator

from tests.conftest import LOGIN
from workplan_tui.cli.main import cli
from workplan_tui.cli.outputs import COMMANDS, document

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "workplan.schema.json"

# Each command's --json run, in an order that works on the seeded partnership (tests/conftest.py).
RUNS: list[tuple[str, list[str], str]] = [
    ("status", ["status"], "alice"),
    ("check", ["check"], "alice"),
    ("stage", ["stage", "norming"], "alice"),
    ("partner add", ["partner", "add", "SCHOOLS", "--name", "Schools", "--contribution", "staff:teachers:3"], "alice"),
    ("partner list", ["partner", "list"], "alice"),
    ("member add", ["member", "add", "dave", "--name", "Dave", "--partner", "schools", "--account", LOGIN], "alice"),
    ("member list", ["member", "list"], "alice"),
    ("norm add", ["norm", "add", "We say so in advance if we miss a meeting."], "alice"),
    ("norm agree", ["norm", "agree", "N1"], "bob"),
    ("norm list", ["norm", "list"], "alice"),
    ("plan add", ["plan", "add", "Winter boxes", "--rule", "majority"], "alice"),
    ("plan propose", ["plan", "propose", "P2"], "alice"),
    ("vote", ["vote", "P2", "agree"], "alice"),
    ("vote", ["vote", "P2", "agree"], "bob"),
    ("vote", ["vote", "P2", "disagree", "--comment", "not this winter"], "carol"),
    ("vote", ["vote", "P2", "agree"], "dave"),
    ("plan activate", ["plan", "activate", "P2"], "alice"),
    (
        "outcome add",
        ["outcome", "add", "P1", "Meals", "--target", "100", "--unit", "meals", "--due", "dec 31"],
        "alice",
    ),
    ("outcome checkin", ["outcome", "checkin", "O2", "40", "--note", "week 1"], "alice"),
    ("outcome list", ["outcome", "list"], "alice"),
    ("task add", ["task", "add", "P1", "Order soil", "--owner", "bob", "--due", "fri", "--outcome", "O1"], "alice"),
    ("task progress", ["task", "progress", "T4", "+30"], "alice"),
    ("task status", ["task", "status", "T2", "blocked", "--reason", "waiting for the permit"], "alice"),
    ("task done", ["task", "done", "T3"], "alice"),
    ("task progress", ["task", "progress", "T1", "T2", "+10"], "alice"),  # several ids: an array
    ("norm agree", ["norm", "agree", "N1"], "carol"),
    ("task assign", ["task", "assign", "T1", "carol"], "alice"),
    ("task due", ["task", "due", "T1", "in 2 weeks"], "alice"),
    ("task note", ["task", "note", "T4", "Called the supplier"], "alice"),
    ("task list", ["task", "list"], "alice"),
    ("task show", ["task", "show", "T4"], "alice"),
    ("plan list", ["plan", "list"], "alice"),
    ("plan show", ["plan", "show", "P1"], "alice"),
    # work over time (issue 29)
    ("task depends", ["task", "depends", "T1", "T2"], "alice"),
    ("task add", ["task", "add", "P1", "Weekly check", "--every", "monday", "--waits-on", "T1"], "alice"),
    ("task skip", ["task", "skip", "T5"], "alice"),
    ("series list", ["series", "list"], "alice"),
    ("series pause", ["series", "pause", "S1"], "alice"),
    ("series resume", ["series", "resume", "T5"], "alice"),
    ("series end", ["series", "end", "S1"], "alice"),
    (
        "milestone add",
        ["milestone", "add", "P1", "Beds", "--due", "in 3 weeks", "--task", "T1,T2", "--outcome", "O1"],
        "alice",
    ),
    ("milestone edit", ["milestone", "edit", "D1", "--drop", "T2"], "alice"),
    ("milestone list", ["milestone", "list"], "alice"),
    ("milestone show", ["milestone", "show", "D1"], "alice"),
    ("timeline", ["timeline", "--weeks", "6"], "alice"),
    ("task show", ["task", "show", "T1"], "alice"),
    ("plan show", ["plan", "show", "P1"], "alice"),
    ("milestone rm", ["milestone", "rm", "D1"], "alice"),
    ("log", ["log", "--limit", "50"], "alice"),
    ("undo", ["undo"], "alice"),
    ("plan complete", ["plan", "complete", "P2"], "alice"),
    ("plan archive", ["plan", "archive", "P2"], "alice"),
    ("plan reopen", ["plan", "reopen", "P2"], "alice"),
    ("task edit", ["task", "edit", "T4", "--title", "Order more soil", "--progress", "+10"], "alice"),
    ("plan rename", ["plan", "rename", "P1", "Gardens at schools"], "alice"),
    ("plan edit", ["plan", "edit", "P1", "--scope", "Raised beds at three schools"], "alice"),
    ("plan rule", ["plan", "rule", "P1", "majority"], "alice"),
    ("outcome show", ["outcome", "show", "O1"], "alice"),
    ("outcome edit", ["outcome", "edit", "O2", "--target", "120"], "alice"),
    ("outcome rm", ["outcome", "rm", "O2"], "alice"),
    ("member edit", ["member", "edit", "dave", "--name", "David"], "alice"),
    ("member rm", ["member", "rm", "dave"], "alice"),
    ("partner edit", ["partner", "edit", "SCHOOLS", "--name", "School District"], "alice"),
    ("partner rm", ["partner", "rm", "SCHOOLS"], "alice"),
    ("norm edit", ["norm", "edit", "N1", "We say so a day ahead if we miss a meeting."], "alice"),
    ("norm withdraw", ["norm", "withdraw", "N1"], "alice"),
    ("task rm", ["task", "rm", "T3"], "alice"),
    # resources (issue 13)
    ("currency", ["currency", "usd"], "alice"),
    ("currency", ["currency"], "bob"),
    ("grant add", ["grant", "add", "PARKS", "food", "$5,000", "--match", "1:1", "--name", "Soil"], "alice"),
    ("partner pledge", ["partner", "pledge", "FOOD", "cash", "Match", "$2,500", "--match", "G1"], "alice"),
    ("partner pledge", ["partner", "pledge", "FOOD", "volunteers", "Crew", "100h @ $25", "--match", "G1"], "bob"),
    ("partner deliver", ["partner", "deliver", "FOOD", "1", "$1,000", "--note", "first"], "bob"),
    ("partner deliver", ["partner", "deliver", "FOOD", "volunteers", "20h", "--on", "yesterday"], "bob"),
    ("grant add", ["grant", "add", "FOOD", "PARKS", "2k", "--match", "25%"], "alice"),
    ("grant edit", ["grant", "edit", "G2", "--amount", "3k"], "alice"),
    ("grant rm", ["grant", "rm", "G2"], "alice"),
    ("grant list", ["grant", "list"], "alice"),
    # commitments (issue 26)
    ("grant edit", ["grant", "edit", "G1", "--start", "2026-01-01", "--end", "in 8 weeks"], "alice"),
    ("partner schedule", ["partner", "schedule", "FOOD", "1", "by dec 31"], "alice"),
    ("partner schedule", ["partner", "schedule", "FOOD", "2", "25h a month from 2026-09-01"], "alice"),
    (
        "followup add",
        ["followup", "add", "T1", "--with", "carol", "--agreed", "next week", "--new-date", "+7d"],
        "alice",
    ),
    ("followup add", ["followup", "add", "FOOD#2", "--with", "bob", "--new-date", "in 2 weeks"], "alice"),
    ("followup list", ["followup", "list"], "alice"),
    ("followup list", ["followup", "list", "--due"], "alice"),
    ("partner show", ["partner", "show", "food"], "alice"),
    ("partner show", ["partner", "show", "PARKS"], "bob"),
    ("report", ["report", "--since", "2020-01-01"], "alice"),
    ("report", ["report", "--plan", "P1"], "alice"),
    ("export", ["export"], "alice"),
    ("status", ["status", "--since", "2020-01-01"], "bob"),
    ("conflicts", ["conflicts"], "alice"),
    # meetings (issue 30)
    (
        "meeting add",
        ["meeting", "add", "Kick-off", "--on", "2020-01-06", "--at", "14:00", "--facilitator", "bob"],
        "alice",
    ),
    ("meeting add", ["meeting", "add", "Next", "--on", "in 9 days", "--no-agenda"], "alice"),
    ("meeting edit", ["meeting", "edit", "M1", "--alternate", "carol", "--place", "Room 2"], "alice"),
    ("meeting agenda", ["meeting", "agenda", "M1", "--add", "Winter boxes", "--about", "P2"], "alice"),
    ("meeting agenda", ["meeting", "agenda", "M1"], "alice"),
    ("meeting attend", ["meeting", "attend", "M1", "present", "alice", "bob"], "alice"),
    ("meeting attend", ["meeting", "attend", "M1", "apologies", "carol", "--sent", "2020-01-05"], "carol"),
    ("meeting debrief", ["meeting", "debrief", "M1", "carol"], "bob"),
    ("meeting debrief-days", ["meeting", "debrief-days", "5"], "alice"),
    ("meeting debrief-days", ["meeting", "debrief-days"], "alice"),
    ("meeting decide", ["meeting", "decide", "M1", "Gardens go ahead", "--about", "P1"], "alice"),
    ("meeting decisions", ["meeting", "decisions", "garden"], "alice"),
    ("meeting action", ["meeting", "action", "M1", "P1", "Write it up", "--owner", "bob"], "alice"),
    ("meeting list", ["meeting", "list"], "alice"),
    ("meeting show", ["meeting", "show", "M1"], "alice"),
    ("member show", ["member", "show", "bob"], "alice"),
    ("status", ["status"], "carol"),
    ("export", ["export"], "alice"),
    ("meeting rm", ["meeting", "rm", "M2"], "alice"),
]
# Commands that need a git repository or a merge to print anything: tests/unit/test_sync.py runs
# them and checks their output with ``assert_follows_contract``.
VALIDATED_IN_TEST_SYNC = {"sync", "sync init", "merge-file", "resolve"}


def json_commands(group: click.Group, ctx: click.Context, prefix: str = "") -> list[str]:
    """Every command (as typed) that has a --json option, lazily loaded groups included."""
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if any(p.name == "as_json" for p in command.params):  # a group may print too (sync)
            found.append(f"{prefix}{name}")
        if isinstance(command, click.Group):
            found += json_commands(command, ctx, f"{prefix}{name} ")
    return found


def test_every_json_command_has_a_published_schema() -> None:
    with click.Context(cli) as ctx:
        assert sorted(json_commands(cli, ctx)) == sorted(COMMANDS)


def test_the_schema_file_in_the_repository_is_what_workplan_schema_prints(run) -> None:
    printed = json.loads(run("schema").stdout)
    Draft202012Validator.check_schema(printed)
    assert printed == document()
    assert json.loads(SCHEMA_FILE.read_text()) == printed, "regenerate: workplan schema > schema/workplan.schema.json"


def test_every_json_output_follows_the_contract(run, tmp_path: Path) -> None:
    schema = document()
    outputs: dict[str, list[Any]] = {}
    for name, args, user in RUNS:
        result = run(*args, "--json", user=user)
        assert result.exit_code == 0, f"{name}: {result.output}"
        outputs.setdefault(name, []).append(json.loads(result.stdout))
    new = tmp_path / "new.json"
    outputs["init"] = [json.loads(run("init", "--name", "New", "--json", path=new).stdout)]
    demo = tmp_path / "demo.json"
    outputs["demo"] = [json.loads(run("demo", "--out", str(demo), "--json", path=demo).stdout)]
    sheet = tmp_path / "tasks.csv"
    sheet.write_text("Task,Lead,Deadline,% complete\nOrder mulch,bob,2026-12-24,20%\nBuild beds,,,\n")
    for dry in (["--dry-run"], []):
        result = run("import", str(sheet), "--plan", "P1", "--map", "Deadline=due", *dry, "--json")
        assert result.exit_code == 0, result.output
        outputs.setdefault("import", []).append(json.loads(result.stdout))
    assert sorted(outputs) == sorted(set(COMMANDS) - VALIDATED_IN_TEST_SYNC)  # every command ran
    for name, printed in outputs.items():
        for value in printed:
            assert_follows_contract(name, value, schema)


def assert_follows_contract(name: str, value: Any, schema: dict[str, Any] | None = None) -> None:
    """``value``, printed by ``workplan NAME --json``, is what the published contract says."""
    schema = schema or document()
    validator = Draft202012Validator(
        {"$defs": schema["$defs"], **COMMANDS[name]}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(value), key=str)
    assert not errors, f"{name}: {errors[0].message} at {list(errors[0].absolute_path)}"
    assert_contract_rules(value, name)


REPR = re.compile(r"^[A-Z][A-Za-z]+\(\w+=")  # CheckIn(value=120, ...): a Python object printed as text
REFERENCE = {"plan": "P", "outcome": "O", "undoes": "A"}


def assert_contract_rules(value: Any, where: str) -> None:
    """Rules no schema keyword says at once: no Python reprs anywhere, references always labels."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in REFERENCE and item is not None and not isinstance(item, dict | list):
                assert isinstance(item, str) and item.startswith(REFERENCE[key]), f"{where}: {key}={item!r}"
            assert_contract_rules(item, f"{where}.{key}")
    elif isinstance(value, list):
        for item in value:
            assert_contract_rules(item, where)
    elif isinstance(value, str):
        assert not REPR.match(value), f"{where}: {value[:60]!r}"


def test_log_changes_of_references_are_labels(run) -> None:
    run("task", "add", "P1", "Linked", "--outcome", "O1")
    entries = json.loads(run("log", "--json").stdout)
    added = next(e for e in entries if e["record"] == "T4")
    assert added["changes"]["outcome"][1] == "O1" and added["changes"]["plan"][1] == "P1"


def all_commands(group: click.Group, ctx: click.Context, prefix: str = "") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found += all_commands(command, ctx, f"{prefix}{name} ")
    return found


def test_every_command_helps_in_full_sentences_with_an_example(run, monkeypatch) -> None:
    """Issue 12: --help for every command in full sentences with an example, nothing cut."""
    monkeypatch.setenv("COLUMNS", "80")
    with click.Context(cli) as ctx:
        commands = all_commands(cli, ctx)
    for name, command in commands:
        text = " ".join((command.help or "").split())
        assert text and text[0].isupper(), f"{name}: {text!r}"
        if not isinstance(command, click.Group):
            assert "Example:" in text or "Examples:" in text, f"{name} has no example"
            example = text[text.index("Example") :]
            assert all(word in example for word in name.split()), f"{name}'s example does not run it"
        for param in command.params:
            if isinstance(param, click.Option) and param.help:
                assert param.help.rstrip(")").endswith((".", "?")), f"{name} {param.opts[0]}: {param.help!r}"
        shown = run(*name.split(), "--help").stdout
        body = shown.split("\n", 1)[1]  # after "Usage: ... [ARGS]..."
        assert "..." not in body, f"{name} --help cuts a line:\n{shown}"
        assert max(len(line) for line in shown.splitlines()) <= 80


def test_every_usage_line_wraps_between_words_at_60_columns() -> None:
    """A choice listed in a usage line broke mid-word at 60 columns ('{staff|facil' / 'ities|...'):
    every command's usage, wrapped, is made of the words it has unwrapped."""
    with click.Context(cli) as ctx:
        commands = all_commands(cli, ctx)
    for name, command in commands:
        usages = []
        for width in (58, 400):  # click's width at COLUMNS=60: two columns less
            formatter = click.HelpFormatter(width=width)
            command.format_usage(click.Context(command, info_name=f"workplan {name}"), formatter)
            usages.append(formatter.getvalue().split())
        assert usages[0] == usages[1], name
