"""The README is the front door: short, and everything it says works.

Its set-up commands are the ones CI runs, its picture is the snapshot suite's own, its ten keys
are bound on the board or in Review, and its morning script runs on the demo partnership.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.clock import day
from workplan_tui.cli.main import cli
from workplan_tui.store.sample import write_demo

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_is_a_front_door_not_a_manual() -> None:
    assert len(README.splitlines()) < 250


def test_the_set_up_commands_are_the_ones_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = ci.split("# The README's test command:\n", 1)[1].splitlines()[0]
    assert test_command == "pip install -e '.[test]' && pytest"
    commands = re.findall(r"^(pip install .*?)\s+#", section("Set up"), re.M)
    assert commands == ["pip install -e . && workplan demo", test_command]
    assert "python3 -m venv .venv" in section("Set up")  # a virtual environment first


def test_the_picture_is_a_snapshot_the_suite_makes() -> None:
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert pictures, "the README shows the board"
    for picture in pictures:
        assert picture.startswith("tests/snapshots/__snapshots__/") and picture.endswith(".svg"), picture
        assert (ROOT / picture).is_file(), f"{picture}: no such snapshot (renamed test?)"


def test_the_ten_keys_are_bound_where_the_readme_says() -> None:
    from workplan_tui.reference import keys

    bound = {
        key_name
        for table in keys.tables()
        if table.title in {"Board screen", "Review screen"}
        for key in table.keys
        for key_name in key.keys
    }
    rows = re.findall(r"^\| (`[^|]+`) \|", section("A status review in ten keys"), re.M)
    named = [re.findall(r"`([^`]+)`", row) for row in rows]
    assert len(named) == 10, rows
    for names in named:
        for name in names:
            assert name in bound, f"the README names {name!r}, which neither the board nor Review binds"


def test_the_morning_script_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each of its five commands, on the demo partnership, as the lead the demo adds."""
    script = re.search(r"```sh\n(.*?)```", section("A morning script in five commands"), re.S)
    assert script
    lines = [line.split("  #", 1)[0].strip() for line in script.group(1).splitlines()]
    commands = [line for line in lines if line.startswith("workplan ")]
    assert len(commands) == 5 and lines[0].startswith("export WORKPLAN_FILE=")
    demo = write_demo(tmp_path / "partnership.json", today=day(0), user="you")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKPLAN_CONFIG_DIR", str(tmp_path / "config"))  # remind's mail settings: none
    for command in commands:
        result = CliRunner().invoke(
            cli, shlex.split(command)[1:], env={"WORKPLAN_FILE": str(demo), "WORKPLAN_USER": "you"}
        )
        assert result.exit_code == 0, f"{command}: {result.output}"
    assert (tmp_path / "notes.md").read_text(encoding="utf-8").startswith("# ")
