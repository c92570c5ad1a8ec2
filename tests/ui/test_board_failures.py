"""The board stays up whatever the disk, the folder or a hand edit does, and says why."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import FIXED_NOW
from tests.system import fill_disk, remount
from tests.ui.test_live import wait_for
from tests.ui.test_terminal_bytes import in_pty, read_until
from tests.unit.test_disk_failures import synthetic
from workplan_tui.store.presence import Presence
from workplan_tui.ui.app import TERMINAL_GONE, WorkplanApp, make_app
from workplan_tui.ui.screens.board import BoardScreen

ROOT = Path(__file__).resolve().parents[2]


def app_for(path: Path, user: str = "alice") -> WorkplanApp:
    return make_app(path, user=user, now=FIXED_NOW)


def messages(app: WorkplanApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_plus_on_a_full_disk_is_a_notice_and_the_board_keeps_running(small_disk: Path) -> None:
    wp = synthetic(small_disk / "workplan.json", 1000)
    async with app_for(wp, user="member01").run_test(size=(80, 24)) as pilot:
        assert isinstance(pilot.app.screen, BoardScreen)
        fill_disk(small_disk)
        before = wp.read_bytes()
        await pilot.press("plus")
        await pilot.pause()
        assert any("disk is full" in m and "was not saved" in m for m in messages(pilot.app))
        assert wp.read_bytes() == before
        await pilot.press("j", "plus")  # still answering keys
        assert pilot.app.is_running and isinstance(pilot.app.screen, BoardScreen)
    assert not [p for p in small_disk.iterdir() if p.name.endswith(".tmp")]


async def test_a_hand_edit_that_breaks_the_file_leaves_open_boards_up(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        data = json.loads(board_file.read_text())
        data["tasks"]["1"]["owner"] = "not a handle!"
        data["tasks"]["01"] = data["tasks"]["1"]
        board_file.write_text(json.dumps(data))
        await wait_for(pilot, lambda: any("owner" in m and "more" in m for m in messages(pilot.app)))
        assert pilot.app.is_running and len(pilot.app.session.workplan.tasks) == 4  # the last sound snapshot
        before = board_file.read_bytes()
        await pilot.press("plus")  # a write now would go over an unsound file: refused
        await pilot.pause()
        assert board_file.read_bytes() == before
        await pilot.press("o", "escape", "L", "escape")  # screens that show the log and outcomes
        assert pilot.app.is_running


def test_a_board_that_crashes_exits_non_zero(board_file: Path, tmp_path: Path) -> None:
    """The real CLI in a pseudo-terminal, with the board made to fail on start."""
    boom = (
        "import workplan_tui.ui.screens.board as board\n"
        "def on_mount(self): raise RuntimeError('boom')\n"
        "board.BoardScreen.on_mount = on_mount\n"
        "from workplan_tui.cli.main import main; main()\n"
    )
    out = bytearray()
    with in_pty(["-c", boom], tmp_path, 24, 80, WORKPLAN_FILE=str(board_file)) as (fd, app):
        read_until(fd, b"\x00never", 15, out)
        status = app.wait(timeout=15)
    assert b"boom" in out
    assert status != 0


async def test_the_read_only_banner_follows_its_cause(small_disk: Path) -> None:
    wp = synthetic(small_disk / "workplan.json", 50)
    async with app_for(wp, user="member01").run_test(size=(80, 24)) as pilot:
        remount(small_disk, "ro")
        try:
            await pilot.press("plus")
            await pilot.pause()
            assert pilot.app.session.read_only and "read-only" in pilot.app.session.read_only
        finally:
            remount(small_disk, "rw")
        before = wp.read_bytes()
        await pilot.press("plus")  # the admin fixed it: the next key works again
        await pilot.pause()
        assert pilot.app.session.read_only is None and wp.read_bytes() != before


def test_a_board_whose_terminal_went_away_exits(board_file: Path, tmp_path: Path) -> None:
    """An SSH connection dropped while the hang-up signal was ignored (nohup): no SIGHUP came,
    and Textual's reader of keys spun on "end of input", a core's worth of CPU, for as long as
    the process lived. The real CLI in a pseudo-terminal that is not its controlling one (so
    closing it sends no hang-up), then the terminal closed: the board goes, and the other
    boards stop listing it."""
    out = bytearray()
    with in_pty(["-m", "workplan_tui", "-f", str(board_file)], tmp_path, 24, 80) as (fd, app):
        assert read_until(fd, b"Test Partnership", 20, out), out[-500:]
        assert Presence(board_file, "bob").others() == ["alice"]
        os.close(fd)  # the terminal goes
        status = app.wait(timeout=15)
    assert status == TERMINAL_GONE
    assert Presence(board_file, "bob").others() == []
