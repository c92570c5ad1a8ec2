from __future__ import annotations

from pathlib import Path

import pytest

from tests.clock import iso_day
from tests.conftest import FIXED_NOW, make_store
from workplan_tui.store import actions


@pytest.fixture(autouse=True)
def _config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Theme choices are remembered per user: keep the tests' choices out of the real config dir."""
    monkeypatch.setenv("WORKPLAN_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def board_file(wp: Path) -> Path:
    """The seeded partnership plus a second plan, so plan switching has somewhere to go."""
    store = make_store(wp)
    actions.add_plan(store, "Winter boxes")
    actions.add_task(store, 2, "Find a supplier", owner="carol", due=iso_day(+12))
    return wp


__all__ = ["FIXED_NOW"]
