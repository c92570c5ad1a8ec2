"""``task list`` as a lead reads it (issue 31): overdue by lateness, plan and partner columns, --partner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.clock import iso_day

Run = Callable[..., Result]


def test_overdue_tasks_are_listed_the_latest_first(run: Run, wp: Path) -> None:
    assert run("task", "add", "P1", "Rent a trailer", "--owner", "carol").exit_code == 0
    assert run("task", "due", "T4", iso_day(-300)).exit_code == 0  # far in the past: the latest
    assert run("task", "due", "T2", iso_day(-150)).exit_code == 0
    listed = json.loads(run("task", "list", "--overdue", "--json").output)
    assert [t["id"] for t in listed] == ["T4", "T2", "T1"]
    lines = run("task", "list", "--overdue").output.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["T4", "T2", "T1"]
    # an explicit --sort still wins
    by_id = json.loads(run("task", "list", "--overdue", "--sort", "progress", "--json").output)
    assert [t["id"] for t in by_id] == ["T1", "T2", "T4"]


def test_the_listing_has_plan_and_partner_columns_and_a_partner_filter(
    run: Run, wp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    text = run("task", "list").output
    header = text.splitlines()[0].split()
    assert header == ["ID", "TITLE", "PLAN", "STATUS", "DONE", "DUE", "OWNER", "PARTNER"]
    assert "P1" in text and "FOOD" in text and "PARKS" in text
    food = run("task", "list", "--partner", "food")  # a code in any case
    assert [line.split()[0] for line in food.output.splitlines()[1:]] == ["T2"]
    assert [t["id"] for t in json.loads(run("task", "list", "--partner", "PARKS", "--json").output)] == ["T1"]
    refused = run("task", "list", "--partner", "NOPE")
    assert refused.exit_code == 1 and "no partner 'NOPE' (partners: FOOD, PARKS)" in refused.output


def test_in_a_narrow_terminal_the_title_keeps_its_room(run: Run, wp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    lines = run("task", "list").output.splitlines()
    assert "PARTNER" not in lines[0]
    assert all(len(line) <= 60 for line in lines)
    assert "Find volunteers" in "\n".join(lines)
