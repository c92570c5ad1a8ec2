"""The site builds in strict mode, links and anchors checked, with the reference generated from the source."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("mkdocs", reason="MkDocs is in the test extra: pip install -e '.[test]'")
pytest.importorskip("material", reason="Material for MkDocs is in the test extra: pip install -e '.[test]'")


def build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # Material's notice of MkDocs' future, not a warning of ours
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--config-file",
        str(config),
        "--site-dir",
        str(site),
    ]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_site_builds_in_strict_mode(tmp_path: Path) -> None:
    result = build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    for page in ["index", "reference/commands/index", "reference/keys/index", "reference/json/index"]:
        assert (tmp_path / "site" / f"{page}.html").exists() or (tmp_path / "site" / page / "index.html").exists()
    commands = (tmp_path / "site" / "reference" / "commands" / "index.html").read_text(encoding="utf-8")
    assert 'id="task-add"' in commands
    assert (tmp_path / "site" / "reference" / "workplan.schema.json").exists()
    assert not list((ROOT / "docs" / "reference").glob("commands.md")), "generated pages are never written into docs/"


def test_a_broken_link_or_anchor_fails_the_build(tmp_path: Path) -> None:
    """The project's own settings (strict, validation) on a copy of docs/ with one bad link each way."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    config = tmp_path / "mkdocs.yml"
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: docs", f"docs_dir: {docs}")
    text = text.replace("  - workplan_tui/reference/site.py", f"  - {ROOT / 'workplan_tui/reference/site.py'}")
    config.write_text(text, encoding="utf-8")
    index = docs / "index.md"
    original = index.read_text(encoding="utf-8")
    for bad in ["[gone](no-such-page.md)", "[gone](design.md#no-such-heading)"]:
        index.write_text(original + f"\n\nSee {bad}.\n", encoding="utf-8")
        result = build(config, tmp_path / "site")
        assert result.returncode != 0, f"{bad} did not fail the build"
        assert "no-such" in result.stderr


def test_the_readme_links_into_docs_reach_real_pages_and_headings() -> None:
    """The README is not part of the site, so MkDocs does not check its links into docs/: this does."""
    from markdown.extensions.toc import slugify

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\((docs/[^)#\s]+)(?:#([^)\s]+))?\)", readme)
    assert links, "the README has no link into docs/"
    for path, anchor in links:
        target = ROOT / path
        assert target.is_file(), f"README links to {path}, which does not exist"
        if anchor:
            headings = re.findall(r"^#+ (.+?)(?: \{#([^}]+)\})?$", target.read_text(encoding="utf-8"), re.M)
            ids = {given or slugify(title.replace("`", ""), "-") for title, given in headings}
            assert anchor in ids, f"README links to {path}#{anchor}, which has no such heading"


def test_the_screens_are_the_snapshot_suites_pictures(tmp_path: Path) -> None:
    """The hook adds every snapshot SVG as screens/NAME.svg; the pages show them from there."""
    from workplan_tui.reference.site import SNAPSHOTS, screen_name, screens

    assert screen_name(Path("test_partnership_screens[buyin-80x24].svg")) == "partnership_screens-buyin-80x24.svg"
    assert screen_name(Path("test_board_80x24.svg")) == "board_80x24.svg"
    found = screens()
    assert found["screens/board_80x24.svg"] == SNAPSHOTS / "test_snapshots" / "test_board_80x24.svg"
    page = (ROOT / "docs" / "status-review.md").read_text(encoding="utf-8")
    shown = re.findall(r"!\[[^\]]*\]\((screens/[^)]+)\)", page)
    assert len(shown) >= 6 and set(shown) <= set(found), set(shown) - set(found)
    twin = tmp_path / "a" / "test_x.svg"
    twin.parent.mkdir()
    twin.write_text("<svg/>")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "test_x.svg").write_text("<svg/>")
    with pytest.raises(ValueError, match="rename one of the tests"):
        screens(tmp_path)
