"""Shared fixtures: a real partnership file in tmp_path, a fixed clock, a CLI runner."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.system import shared_dir, small_disk, users  # noqa: F401 - fixtures for every test module
from workplan_tui.cli.main import cli
from workplan_tui.store import actions
from workplan_tui.store.history import history_path_for
from workplan_tui.store.store import Store

FIXED_NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLORTERM", "truecolor")  # the board's default theme follows the terminal's colours
    monkeypatch.delenv("WORKPLAN_FILE", raising=False)
    monkeypatch.setenv("WORKPLAN_USER", "alice")
    monkeypatch.setenv("TZ", "UTC")  # times are shown in local time: the same on every machine
    time.tzset()


def log_of(path: Path) -> list[dict[str, Any]]:
    """The activity log beside a partnership file, oldest first, read raw as a person would."""
    history = history_path_for(path)
    return [json.loads(line) for line in history.read_text().splitlines()] if history.exists() else []


def make_store(path: Path, user: str = "alice") -> Store:
    return Store(path, user=user, clock=lambda: FIXED_NOW)


def seed(path: Path) -> Path:
    """A small partnership: 2 partners, 3 members, one proposed plan with an outcome and 3 tasks."""
    store = make_store(path)
    store.create("Test Partnership", "Testing")
    actions.add_partner(store, "PARKS", "Parks Dept", [("staff", "gardeners", 1000.0)])
    actions.add_partner(store, "FOOD", "Food Bank")
    actions.add_member(store, "alice", "Alice", "PARKS", "lead")
    actions.add_member(store, "bob", "Bob", "FOOD")
    actions.add_member(store, "carol", "Carol", "FOOD")
    actions.add_plan(store, "Gardens", "Raised beds")
    actions.add_outcome(store, 1, "Beds built", 40, 0, "beds", "2026-12-31")
    actions.add_task(store, 1, "Order soil", owner="alice", due="2026-11-20")
    actions.add_task(store, 1, "Build beds", owner="bob", due="2026-12-04", outcome=1)
    actions.add_task(store, 1, "Find volunteers", due=None)
    actions.move_plan(store, 1, "propose")
    return path


@pytest.fixture
def wp(tmp_path: Path) -> Path:
    return seed(tmp_path / "workplan.json")


@pytest.fixture
def store(wp: Path) -> Store:
    return make_store(wp)


@pytest.fixture
def run(wp: Path) -> Iterator[Callable[..., Result]]:
    runner = CliRunner()

    def invoke(*args: str, user: str = "alice", path: Path | None = None) -> Result:
        env = {"WORKPLAN_USER": user, "WORKPLAN_FILE": os.fspath(path or wp)}
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    yield invoke
