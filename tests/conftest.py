"""Shared fixtures: a real partnership file in tmp_path, the pinned clock, a CLI runner."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner, Result

from tests import clock
from tests.clock import iso_day
from tests.system import shared_dir, small_disk, users  # noqa: F401 - fixtures for every test module
from workplan_tui.cli.main import cli
from workplan_tui.store import actions
from workplan_tui.store.history import history_path_for
from workplan_tui.store.storage import os_login
from workplan_tui.store.store import Store

FIXED_NOW: datetime = clock.NOW  # the pinned instant (tests/clock.py), for the stores' injected clocks
CLOCK_HOOK = Path(__file__).with_name("clockhook")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_clock(why): this test reads the real clock; say why")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers more than the machine has CPUs. Many tests wait on a process
    they started (a board in a terminal, git, a mail server), and a worker that waits leaves its
    CPU idle: on 2 CPUs, 4 workers ran the suite in 3 min 20 s where 2 took 4 min 5 s."""
    return (os.cpu_count() or 1) + 2


def pytest_report_header() -> str:
    return f"pinned today: {clock.TODAY.isoformat()} ({clock.TODAY:%A}; set {clock.VARIABLE} for another day)"


@pytest.fixture
def pinned_now() -> datetime:
    """The instant the clock is pinned to: tests/clock.py's, unless a folder's conftest says otherwise."""
    return clock.NOW


@pytest.fixture(autouse=True)
def _pinned_clock(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, pinned_now: datetime
) -> Iterator[None]:
    """Every test, and every process it starts, sees the pinned "now" (tests/clock.py), ticking on."""
    real = request.node.get_closest_marker("real_clock")
    if real is not None:
        if not real.args:
            pytest.fail("real_clock needs its reason: @pytest.mark.real_clock('why this test needs the real clock')")
        yield
        return
    offset = pinned_now.timestamp() - time.time()
    monkeypatch.setenv("WORKPLAN_TEST_CLOCK_OFFSET", repr(offset))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(CLOCK_HOOK), os.environ.get("PYTHONPATH")])))
    git_date = f"@{int(pinned_now.timestamp())} +0000"
    monkeypatch.setenv("GIT_AUTHOR_DATE", git_date)
    monkeypatch.setenv("GIT_COMMITTER_DATE", git_date)
    with time_machine.travel(pinned_now, tick=True) as traveller:
        request.node.stash[TRAVELLER] = traveller
        yield


TRAVELLER = pytest.StashKey[time_machine.Traveller]()


@pytest.fixture
def time_travel(request: pytest.FixtureRequest) -> time_machine.Traveller:
    """The pinned clock of this test, to move on: ``time_travel.shift(timedelta(minutes=5))``."""
    return request.node.stash[TRAVELLER]


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLORTERM", "truecolor")  # the board's default theme follows the terminal's colours
    monkeypatch.delenv("WORKPLAN_FILE", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)  # xdist's workers set 80: a test that wants a width says so
    monkeypatch.setenv("WORKPLAN_USER", "alice")
    monkeypatch.setenv("TZ", "UTC")  # times are shown in local time: the same on every machine
    time.tzset()


def log_of(path: Path) -> list[dict[str, Any]]:
    """The activity log beside a partnership file, oldest first, read raw as a person would."""
    history = history_path_for(path)
    return [json.loads(line) for line in history.read_text().splitlines()] if history.exists() else []


def make_store(path: Path, user: str = "alice") -> Store:
    return Store(path, user=user, clock=lambda: FIXED_NOW)


# The account the suite runs as (root, which creates the Unix users of tests/system.py). A
# member is acted as only from the accounts bound to them (model/identity.py), so the seeded
# members are bound to it as well as to their own login, as a lead binds a service account:
# the tests act as each of them with WORKPLAN_USER. Tests of the binding itself use real users.
LOGIN = os_login()


def bound(handle: str) -> list[str]:
    """The accounts a test member is acted as from: its own login and the suite's."""
    return list(dict.fromkeys([handle, LOGIN]))


def seed(path: Path) -> Path:
    """A small partnership: 2 partners, 3 members, one proposed plan with an outcome and 3 tasks."""
    store = make_store(path)
    store.create("Test Partnership", "Testing")
    actions.add_partner(store, "PARKS", "Parks Dept", [("staff", "gardeners", 1000.0)])
    actions.add_partner(store, "FOOD", "Food Bank")
    actions.add_member(store, "alice", "Alice", "PARKS", "lead", accounts=bound("alice"))
    actions.add_member(store, "bob", "Bob", "FOOD", accounts=bound("bob"))
    actions.add_member(store, "carol", "Carol", "FOOD", accounts=bound("carol"))
    actions.add_plan(store, "Gardens", "Raised beds")
    actions.add_outcome(store, 1, "Beds built", 40, 0, "beds", iso_day(+33))
    actions.add_task(store, 1, "Order soil", owner="alice", due=iso_day(-8))
    actions.add_task(store, 1, "Build beds", owner="bob", due=iso_day(+6), outcome=1)
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
