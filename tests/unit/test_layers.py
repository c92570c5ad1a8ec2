"""The pure and scripting layers start without Textual (harlequin-style proof)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "workplan_tui.model.schema",
        "workplan_tui.store.actions",
        "workplan_tui.store.sample",
        "workplan_tui.cli.main",
        "workplan_tui.cli.serve",
        "workplan_tui.cli.exchange",
        "workplan_tui.cli.resources",
        "workplan_tui.exchange.markdown",
        "workplan_tui.exchange.csv_import",
        "workplan_tui.exchange.ics",
    ],
)
def test_module_does_not_import_textual(module: str) -> None:
    """Nor the browser server's packages: `serve` imports them inside the command (issue 15)."""
    heavy = "('textual', 'rich', 'textual_serve', 'aiohttp', 'jinja2')"
    code = f"import sys, {module}; bad = [m for m in sys.modules if m.split('.')[0] in {heavy}]; print(bad)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_status_of_latin_text_measures_without_wcwidth(wp: Path) -> None:
    """Bars, '·' and cut lines take one cell per character: no 30 ms wcwidth import (issue 10)."""
    env = {**os.environ, "WORKPLAN_FILE": str(wp), "WORKPLAN_USER": "alice", "COLUMNS": "40"}
    code = (
        "import sys; from workplan_tui.cli.main import cli\n"
        "try: cli.main(['status'], standalone_mode=False)\n"
        "finally: print('wcwidth' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert "…" in out and "░" in out and "·" in out  # lines were cut, bars drawn
    assert out.rstrip().endswith("False")
