"""The MkDocs hook (``hooks:`` in mkdocs.yml) that adds the generated pages and the screens to the site.

MkDocs calls ``on_files`` with the pages of ``docs/``; the generated ones join them there, so
the navigation, the search and the strict link check treat them as any other page. They are
never written into ``docs/``: each build makes them afresh from the source (``pages``).

The screens are the snapshot suite's own pictures (``tests/snapshots/__snapshots__/``, made by
pytest-textual-snapshot), added as ``screens/NAME.svg`` (``screen_name``): a page shows
``![The board](screens/board_80x24.svg)``. A screen that changes fails its snapshot test until
the picture is accepted, so the pictures in the pages are never older than the board; a page
that names a picture the suite no longer makes fails the strict build.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

from workplan_tui.reference import pages

SNAPSHOTS = Path(__file__).resolve().parents[2] / "tests" / "snapshots" / "__snapshots__"


def screen_name(svg: Path) -> str:
    """The site's name for a snapshot, ``test_board[x-80x24].svg`` -> ``board-x-80x24.svg``.

    The test's name without ``test_``, every run of characters other than letters, digits,
    ``_`` and ``-`` as one ``-``.
    """
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", svg.stem.removeprefix("test_")).strip("-")
    return f"{stem}.svg"


def screens(folder: Path = SNAPSHOTS) -> dict[str, Path]:
    """Every snapshot SVG under ``folder`` by its path in the site (``screens/NAME.svg``).

    Raises ValueError when two snapshots would take one name (tests of the same name in two
    snapshot modules): rename one test.
    """
    found: dict[str, Path] = {}
    for svg in sorted(folder.rglob("*.svg")):
        path = f"screens/{screen_name(svg)}"
        if path in found:
            raise ValueError(f"{svg} and {found[path]} would both be {path}: rename one of the tests")
        found[path] = svg
    return found


def on_files(files: Files, config: Any) -> Files:
    for path, content in pages.generate().items():
        if files.get_file_from_path(path) is not None:
            raise ValueError(f"docs/{path} is generated from the source at build time; remove the file")
        files.append(File.generated(config, path, content=content))
    for path, svg in screens().items():
        if files.get_file_from_path(path) is not None:
            raise ValueError(f"docs/{path} is a snapshot's picture, added at build time; remove the file")
        files.append(File.generated(config, path, abs_src_path=str(svg)))
    return files
