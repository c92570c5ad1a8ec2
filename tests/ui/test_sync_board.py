"""The board and sync (issue 14): last sync and unshared changes in the header, "Sync now" and
"Settle conflicts" in the palette, conflicts a merge recorded settled with the conflict dialog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gitrepo import git_env, make_clones, store_of  # noqa: F401 - fixture
from workplan_tui.store import actions
from workplan_tui.sync.run import sync
from workplan_tui.ui.app import WorkplanApp, make_app
from workplan_tui.ui.modals import ConflictDialog

pytestmark = pytest.mark.usefixtures("git_env")


def header(app: WorkplanApp) -> str:
    return str(app.screen.query_one("#header").render())


def titles(app: WorkplanApp) -> list[str]:
    return [c.title for c in app.get_system_commands(app.screen)]


@pytest.fixture
def conflicted(tmp_path: Path) -> tuple[Path, Path]:
    """Two clones; bob's has a conflict on T1's progress (alice 40, bob 70)."""
    a, b = make_clones(tmp_path, 2)
    actions.set_progress(store_of(a, "alice"), 1, "40")
    sync(store_of(a, "alice"))
    actions.set_progress(store_of(b, "bob"), 1, "70")
    sync(store_of(b, "bob"))
    return a, b


async def test_the_header_and_palette_show_sync_and_conflicts(conflicted: tuple[Path, Path]) -> None:
    _, b = conflicted
    actions.add_note(store_of(b, "bob"), 2, "not shared yet")
    async with make_app(b, user="bob").run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        shown = header(pilot.app)
        assert "synced just now, 1 unshared" in shown and "1 conflict to settle" in shown
        assert {"Sync now", "Settle conflicts"} <= set(titles(pilot.app))


async def test_settle_conflicts_with_the_conflict_dialog(conflicted: tuple[Path, Path]) -> None:
    _, b = conflicted
    async with make_app(b, user="bob").run_test(size=(80, 24)) as pilot:
        pilot.app.session.settle_conflicts()
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ConflictDialog)
        assert dialog.conflicts == [("progress", 0, 40, 70)]  # (field, original, theirs, mine)
        await pilot.press("space")  # keep theirs: alice's 40
        await pilot.press("enter")
        await pilot.pause()
        data = json.loads(b.read_text())
        assert data["tasks"]["1"]["progress"] == 40 and data["conflicts"] == {}
        assert "Settle conflicts" not in titles(pilot.app)
        assert "conflict" not in header(pilot.app)


async def test_sync_now_from_the_board(conflicted: tuple[Path, Path]) -> None:
    a, b = conflicted
    actions.add_task(store_of(a, "alice"), 1, "Shared by alice")
    sync(store_of(a, "alice"))
    async with make_app(b, user="bob").run_test(size=(80, 24)) as pilot:
        pilot.app.session.sync_now()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "Shared by alice" in [t.title for t in pilot.app.session.workplan.tasks.values()]
        assert not pilot.app.session._syncing


async def test_a_file_outside_git_shows_no_sync_and_says_why(wp: Path) -> None:
    async with make_app(wp, user="alice").run_test(size=(80, 24)) as pilot:
        assert "synced" not in header(pilot.app)
        assert "Sync now" in titles(pilot.app)
        pilot.app.session.sync_now()
        await pilot.pause()
        assert any("not in a git repository" in str(n.message) for n in pilot.app._notifications)
