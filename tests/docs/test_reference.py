"""Every command, option and key is documented: the reference is generated from the source, and
what a person must write (a command's help, an option's help, a key's description) is there.

In the manner of sqlite-utils, whose test compares every command's --help with its docs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workplan_tui.cli.main import cli
from workplan_tui.reference import commands

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    from workplan_tui.reference import pages

    return pages.generate()


def test_every_command_and_option_has_help_text() -> None:
    docs = commands.walk(cli)
    assert len(docs) > 50 and {"workplan task add", "workplan sync init", "workplan serve"} <= {d.path for d in docs}
    assert commands.problems(docs) == []


def test_every_command_and_option_is_in_the_reference(generated: dict[str, str]) -> None:
    page = generated["reference/commands.md"]
    for doc in commands.walk(cli)[1:]:
        assert f"`{doc.path}` {{#{doc.anchor}}}" in page, f"{doc.path} has no section"
        assert f"[`{doc.name}`](#{doc.anchor})" in page, f"{doc.path} is not in the list of commands"
        section = page.split(f"{{#{doc.anchor}}}", 1)[1]
        for option in doc.options:
            if not option.argument:
                assert option.opts.replace("|", "\\|") in section, f"{doc.path} {option.opts} is not documented"


def test_the_help_text_is_in_the_reference_as_written(generated: dict[str, str]) -> None:
    page = generated["reference/commands.md"]
    task_add = page.split("{#task-add}", 1)[1].split("\n#", 1)[0]
    assert "workplan task add [OPTIONS] PLAN_ID TITLE" in task_add
    assert "| `--owner TEXT` | The member who owns it (their handle). |" in task_add


def test_every_key_has_a_description_and_is_in_the_reference(generated: dict[str, str]) -> None:
    from workplan_tui.reference import keys

    tables = keys.tables()
    titles = {t.title for t in tables}
    assert {"Everywhere", "Board screen", "Review screen", "Buy-in screen", "Edit task"} <= titles
    assert keys.problems(tables) == []
    page = generated["reference/keys.md"]
    for table in tables:
        section = page.split(f"{{#{table.anchor}}}", 1)[1].split("\n## ", 1)[0]
        for key in table.keys:
            row = f"| {' or '.join(f'`{k}`' for k in key.keys)} | {key.description}"
            assert row in section.replace("\\", ""), f"{table.title}: {key.label} is not documented"


def test_every_binding_of_the_board_is_found() -> None:
    """The walk misses nothing the board declares: the board's own table, key by key."""
    from workplan_tui.reference import keys
    from workplan_tui.ui.keys import BOARD_KEYS

    board = next(t for t in keys.tables() if t.title == "Board screen")
    found = {name for key in board.keys for name in key.keys}
    for binding in BOARD_KEYS:
        for name in binding.key.split(","):  # type: ignore[union-attr]
            assert keys.key_name(name) in found


def test_every_environment_variable_workplan_reads_is_documented() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "workplan_tui").rglob("*.py"))
    read = set(re.findall(r"\b_?WORKPLAN_[A-Z_]+\b", source)) - {"WORKPLAN_TEST_CLOCK_OFFSET"}
    assert read, "the search found no variable at all"
    assert read <= set(commands.ENVIRONMENT), f"undocumented: {sorted(read - set(commands.ENVIRONMENT))}"


def test_the_json_contract_and_formats_pages_come_from_the_program(generated: dict[str, str]) -> None:
    from workplan_tui.cli.outputs import document
    from workplan_tui.exchange.csv_export import COLUMNS

    contract = generated["reference/json.md"]
    for name in document()["x-commands"]:
        assert f"`workplan {name}`" in contract
    formats = generated["reference/formats.md"]
    for table, columns in COLUMNS.items():
        assert f"{{#csv-{table}}}" in formats and ",".join(columns) in formats
    assert "BEGIN:VCALENDAR" in formats and "BEGIN:VEVENT" in formats
    assert "## Decisions needed" in formats or "Decisions needed" in formats


def test_help_text_becomes_safe_markdown() -> None:
    from workplan_tui.reference.pages import cell, code, help_blocks

    assert cell("a <b>|[x](y) *z*") == "a \\<b\\>\\|\\[x\\](y) \\*z\\*"
    assert cell("run `workplan | head`") == "run `workplan | head`"
    assert code("a|b") == "`a\\|b`"
    blocks = help_blocks("First.\n\n\b\nExamples:\n  workplan status\n  workplan log")
    assert blocks == ["First.", "Examples:\n\n```sh\nworkplan status\nworkplan log\n```"]


def test_the_reference_calls_screens_and_dialogs_by_a_users_words(generated: dict[str, str]) -> None:
    """A class's name ('AskText') is a developer's; the reference's headings and blurbs are a user's,
    and the anchors stay the class's so that links into the reference hold."""
    from workplan_tui.reference import keys

    tables = {t.cls.__name__: t for t in keys.tables()}
    assert set(keys.HEADINGS) <= set(tables), set(keys.HEADINGS) - set(tables)  # no heading for a class gone
    page = generated["reference/keys.md"]
    assert "## A task's form {#edit-task}" in page and "## The board {#board-screen}" in page
    for table in tables.values():
        heading = page.split(f" {{#{table.anchor}}}", 1)[0].rsplit("\n", 1)[1]
        assert not re.search(r"[a-z][A-Z]|Screen|Dialog\b|\bAsk text\b|\bPick member\b", heading), heading
        assert "None" not in table.about and "``" not in table.about, f"{heading}: {table.about}"
