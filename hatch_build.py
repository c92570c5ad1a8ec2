"""Hatchling's build hook: the man page, written from click's command tree as the wheel is built.

``pip install .`` then puts it in ``share/man/man1/workplan.1`` under the environment's prefix,
where ``man workplan`` finds it (man-db looks beside each ``bin/`` on ``PATH``). Nothing generated
is committed: the page is always the commands of the code being built. Writing it imports the
command line, which needs click and orjson: both are in ``[build-system] requires``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MAN_PAGE = "share/man/man1/workplan.1"


class ManPageHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        sys.path.insert(0, self.root)  # the source being built, not an installed workplan
        try:
            from workplan_tui import __version__
            from workplan_tui.cli.main import cli
            from workplan_tui.reference.man import render
        except ImportError as exc:
            raise RuntimeError(
                f"the man page imports the command line, which needs {exc.name!r} at build time: "
                "add it to [build-system] requires in pyproject.toml"
            ) from exc
        finally:
            sys.path.remove(self.root)
        folder = Path(tempfile.mkdtemp(prefix="workplan-man-"))
        page = folder / "workplan.1"
        page.write_text(render(cli, __version__), encoding="utf-8")
        build_data["shared_data"][str(page)] = MAN_PAGE
