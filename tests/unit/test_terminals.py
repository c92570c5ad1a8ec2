"""Odd terminals: an encoding that lacks workplan's symbols never turns a landed write into a crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from wcwidth import wcswidth

from workplan_tui.store.history import history_path_for

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from workplan_tui.cli.main import main; main()"]


def run(wp: Path, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    full = {**os.environ, "PYTHONPATH": str(ROOT), "WORKPLAN_USER": "alice", "WORKPLAN_FILE": str(wp), **env}
    return subprocess.run([*CLI, *args], env=full, capture_output=True, timeout=30)


@pytest.mark.parametrize("encoding", ["latin-1", "iso8859-15", "cp1252"])
def test_a_write_lands_once_and_exits_0_whatever_the_encoding(wp: Path, encoding: str) -> None:
    result = run(wp, "task", "progress", "T1", "+10", PYTHONIOENCODING=encoding)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert b"#---------" in result.stdout  # the bar in ASCII
    assert json.loads(wp.read_text())["tasks"]["1"]["progress"] == 10  # applied exactly once
    result.stdout.decode(encoding)  # everything printed is in the terminal's encoding


@pytest.mark.parametrize("args", [("status",), ("log",), ("task", "show", "T2"), ("task", "list"), ("plan", "list")])
def test_listings_print_in_latin_1(wp: Path, args: tuple[str, ...]) -> None:
    result = run(wp, *args, PYTHONIOENCODING="latin-1")
    assert result.returncode == 0 and result.stdout, result.stderr
    assert b"Traceback" not in result.stderr
    assert "█".encode() not in result.stdout and "░".encode() not in result.stdout
    result.stdout.decode("latin-1")


@pytest.mark.parametrize(
    "args", [("task", "progress", "T1", "\u00b2"), ("task", "show", "T\u00b2"), ("task", "show", "T\u0661")]
)
def test_non_ascii_digits_are_one_clear_line(wp: Path, args: tuple[str, ...]) -> None:
    before = wp.read_bytes()
    result = run(wp, *args)
    err = result.stderr.decode()
    assert result.returncode != 0 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "invalid literal" not in err
    assert wp.read_bytes() == before


def test_history_times_are_shown_in_the_viewers_zone(wp: Path) -> None:
    log = history_path_for(wp)
    lines = log.read_text().splitlines(keepends=True)
    entry = json.loads(lines[1])
    entry["at"] = "2026-11-28T03:30:00Z"  # an evening change in California
    lines[1] = json.dumps(entry, separators=(",", ":"), ensure_ascii=False) + "\n"  # same length: the marker still fits
    log.write_text("".join(lines))
    west = run(wp, "log", "--limit", "50", TZ="America/Los_Angeles").stdout.decode()
    utc = run(wp, "log", "--limit", "50", TZ="UTC").stdout.decode()
    assert "2026-11-27 19:30" in west and "2026-11-28 03:30" in utc
    shown = run(wp, "log", "--json", TZ="America/Los_Angeles").stdout.decode()
    assert '"2026-11-28T03:30:00Z"' in shown  # JSON stays ISO 8601 UTC


WIDE_TITLES = [
    "给社区花园订购土壤和堆肥以及工具",
    "地域の学校に野菜の箱を届ける計画を立てる" * 3,
    "Plant 🌱🌻 flowers 🎉 for the fair",
    "👨‍👩‍👧‍👦 family day 🇺🇦 flags ❤️ and café",
]


def cell_width(text: str) -> int:
    return wcswidth(text)


@pytest.mark.parametrize("columns", ["80", "40", "120"])
def test_columns_line_up_by_terminal_cells(wp: Path, columns: str) -> None:
    from tests.conftest import make_store
    from workplan_tui.store import actions

    store = make_store(wp)
    for title in WIDE_TITLES:
        actions.add_task(store, 1, title, owner="bob", notes=" ".join([title] * 4))
    actions.add_note(store, 4, "地域の学校に野菜の箱を届ける " * 8)
    actions.add_norm(store, "We notify members in advance when we cannot make a meeting " * 3)
    listings = [("task", "list"), ("status",), ("member", "list"), ("plan", "list"), ("log",), ("outcome", "list")]
    listings += [("norm", "list"), ("partner", "list"), ("plan", "show", "P1"), ("task", "show", "T4")]
    for args in listings:
        out = run(wp, *args, COLUMNS=columns).stdout.decode()
        lines = out.splitlines()
        assert lines and all(cell_width(line) <= int(columns) for line in lines), (args, out)
    rows = run(wp, "task", "list", COLUMNS=columns).stdout.decode().splitlines()
    header = rows[0]
    owner_at = cell_width(header[: header.index("OWNER")]) if "OWNER" in header else None
    if owner_at is not None:
        for row in rows[1:]:
            i = row.rfind("bob")
            if i != -1:
                assert cell_width(row[:i]) == owner_at, row


@pytest.mark.parametrize(
    "env",
    [{"LANG": "C", "LC_ALL": "C"}, {"TERM": "dumb"}, {"LC_ALL": "C", "PYTHONIOENCODING": "latin-1"}],
    ids=["LANG=C", "TERM=dumb", "C+latin-1"],  # COLUMNS=40: test_columns_line_up_by_terminal_cells
)
def test_every_listing_works_on_odd_terminals(wp: Path, env: dict[str, str]) -> None:
    commands = [
        ("status",),
        ("log",),
        ("task", "list"),
        ("task", "show", "T2"),
        ("plan", "list"),
        ("plan", "show", "P1"),
        ("outcome", "list"),
        ("member", "list"),
        ("partner", "list"),
        ("norm", "list"),
        ("check",),
    ]
    for args in commands:
        result = run(wp, *args, **env)
        assert result.returncode == 0, (args, result.stderr)
        assert result.stdout and b"Traceback" not in result.stderr
