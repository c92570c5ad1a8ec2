"""The pure and scripting layers start without Textual (harlequin-style proof)."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    ["workplan_tui.model.schema", "workplan_tui.store.actions", "workplan_tui.store.sample", "workplan_tui.cli.main"],
)
def test_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]; print(bad)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
