"""``man workplan``: the page is written from click's tree, built into the wheel and renders cleanly."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from workplan_tui import __version__
from workplan_tui.cli.main import cli
from workplan_tui.reference import commands
from workplan_tui.reference.man import escape, render

ROOT = Path(__file__).resolve().parents[2]


def test_the_page_has_every_command_and_option() -> None:
    page = render(cli, __version__)
    assert page.startswith(".TH WORKPLAN 1 ")
    for doc in commands.walk(cli)[1:]:
        assert f'.SS "{escape(doc.name)}"' in page, doc.path
        for option in doc.options:
            if not option.argument:
                assert f"\\fB{escape(option.opts)}\\fR" in page, f"{doc.path} {option.opts}"
    for name in commands.ENVIRONMENT:
        assert escape(name) in page


def test_roff_escapes() -> None:
    assert escape(".starts with a dot\n'and a quote") == "\\&.starts with a dot\n\\&'and a quote"
    assert escape("a\\b -x →") == "a\\eb \\-x \\[u2192]"


def test_the_page_renders_without_a_warning(tmp_path: Path) -> None:
    groff = shutil.which("groff")
    if groff is None:
        pytest.skip("groff is not installed (Debian: groff-base, which man-db brings)")
    page = tmp_path / "workplan.1"
    page.write_text(render(cli, __version__), encoding="utf-8")
    result = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", str(page)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    text = subprocess.run([groff, "-man", "-Tutf8", str(page)], capture_output=True, text=True, check=True).stdout
    text = re.sub(".\b", "", text).replace("\u2010", "-")  # overstruck bold, and hyphens as groff sets them
    assert "workplan task add [OPTIONS] PLAN_ID TITLE" in text


def test_the_wheel_installs_the_page_where_man_finds_it(tmp_path: Path) -> None:
    pytest.importorskip("hatchling", reason="hatchling is in the test extra: pip install -e '.[test]'")
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        str(tmp_path),
        str(ROOT),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = [n for n in archive.namelist() if n.endswith("share/man/man1/workplan.1")]
        assert names == [f"workplan_tui-{__version__}.data/data/share/man/man1/workplan.1"], archive.namelist()
        page = archive.read(names[0]).decode("utf-8")
    assert page == render(cli, __version__)
    man = shutil.which("man")
    if man is None:
        pytest.skip("man is not installed (Debian: man-db)")
    # As after `pip install .` into an environment whose bin/ is on PATH: man looks in ../share/man beside it.
    prefix = tmp_path / "env"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "share/man/man1").mkdir(parents=True)
    (prefix / "share/man/man1/workplan.1").write_text(page, encoding="utf-8")
    env = {"PATH": f"{prefix / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "MANWIDTH": "80", "LANG": "C.UTF-8"}
    found = subprocess.run([man, "-w", "workplan"], env=env, capture_output=True, text=True)
    assert found.stdout.strip() == str(prefix / "share/man/man1/workplan.1"), found.stderr
    shown = subprocess.run([man, "workplan"], env=env, capture_output=True, text=True)
    assert shown.returncode == 0 and "WORKPLAN(1)" in shown.stdout, shown.stderr
