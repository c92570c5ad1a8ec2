"""What the benchmark scripts share: a fresh synthetic file, and how to start the CLI."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from generate import write_file


def synthetic_file(tasks: int) -> Path:
    """A synthetic partnership of ``tasks`` tasks in a new temporary folder."""
    path = Path(tempfile.mkdtemp(prefix="workplan-bench-")) / "big.json"
    write_file(path, tasks)
    return path


def workplan_cmd() -> list[str]:
    """The installed `workplan` script beside this Python, else `python -m workplan_tui`."""
    script = Path(sys.executable).with_name("workplan")
    return [str(script)] if script.exists() else [sys.executable, "-m", "workplan_tui"]
