"""Live sharing: other members' changes appear in place; conflicts, undo, presence, read-only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from textual.widgets import Input

from tests.clock import iso_day
from tests.conftest import FIXED_NOW, log_of, make_store
from workplan_tui.model.records import SCHEMA_VERSION
from workplan_tui.store import actions
from workplan_tui.store.history import history_path_for
from workplan_tui.store.presence import EXPIRES, Presence
from workplan_tui.store.store import Store
from workplan_tui.sync import state as sync_state
from workplan_tui.ui import session as session_module
from workplan_tui.ui.app import WorkplanApp, make_app
from workplan_tui.ui.modals import ConflictDialog, EditTask
from workplan_tui.ui.screens.board import BoardScreen

ROOT = Path(__file__).resolve().parents[2]


def app_for(path: Path, user: str = "alice") -> WorkplanApp:
    return make_app(path, user=user, now=FIXED_NOW)


def cli(path: Path, user: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "WORKPLAN_FILE": str(path), "WORKPLAN_USER": user, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "workplan_tui", *args], env=env, stdout=subprocess.DEVNULL)


async def wait_for(pilot, condition, seconds: float = 10.0) -> None:
    """Wait until ``condition()`` holds, then until the app has handled what is pending.

    ``App.notify`` posts a message that is handled later: the notice of a change can land
    after the change itself, so a test that asserts on notices needs the pause too.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            await pilot.pause()
            return
        await pilot.pause(0.1)
    raise AssertionError("the app did not show the change in time")


def task(path: Path, task_id: int) -> dict:
    return json.loads(path.read_text())["tasks"][str(task_id)]


def notices_of(app: WorkplanApp, text: str) -> int:
    """How many notices say ``text``."""
    return sum(text in str(n.message) for n in app._notifications)


def edit_by_hand(path: Path, task_id: int, progress: int) -> None:
    """A member's text editor: the file rewritten without workplan's seal, the log untouched."""
    data = json.loads(path.read_text())
    data["tasks"][str(task_id)]["progress"] = progress
    edited = path.with_name("edited.json")
    edited.write_text(json.dumps(data, indent=1))
    os.replace(edited, path)


BOBS_T2 = "bob moved T2 'Build beds' from 0% to 60% (now doing)"


async def test_wait_for_returns_after_the_notices_posted_with_the_change(board_file: Path) -> None:
    # A reload sets the data and posts its notice in one go: the notice is handled later.
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        pilot.app.notify("posted with the change", markup=False)
        await wait_for(pilot, lambda: True)
        assert "posted with the change" in [str(n.message) for n in pilot.app._notifications]


async def test_cli_change_appears_in_place_with_a_notice(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, BoardScreen)
        await pilot.press("j", "j")  # select T3
        assert cli(board_file, "bob", "task", "progress", "T2", "60").wait() == 0
        t2 = lambda: pilot.app.session.workplan.tasks[2].progress == 60  # noqa: E731
        await wait_for(pilot, t2)
        assert screen.selected_task().label == "T3"  # still where I was
        assert [t.label for t in screen.columns[1].items] == ["T2"]  # T2 moved to Doing on my screen
        assert any(
            "bob moved T2 'Build beds' from 0% to 60% (now doing)" in str(n.message) for n in pilot.app._notifications
        )


async def test_a_small_file_is_read_at_the_poll_by_what_changed(board_file: Path, monkeypatch) -> None:
    """A partner's write to a file of up to ``READ_HERE_BYTES`` is read and shown by the poll
    that sees it, on the board's own thread (no worker: a thread and its messages cost a board
    more than the read), every record it did not change shared with what was shown; a larger
    file is read in a worker thread, so a key is never held up."""
    monkeypatch.setattr(session_module, "POLL_SECONDS", 3600)  # the test polls
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        session = pilot.app.session
        before = session.workplan
        assert cli(board_file, "bob", "task", "progress", "T2", "60").wait() == 0
        session.poll()
        assert not session._reloading and not session.store.changed_on_disk()
        assert session.workplan.tasks[2].progress == 60 and session.workplan.tasks[3] is before.tasks[3]
        await pilot.pause()
        assert notices_of(pilot.app, BOBS_T2) == 1
        monkeypatch.setattr(session_module, "READ_HERE_BYTES", board_file.stat().st_size - 1)
        assert cli(board_file, "bob", "task", "progress", "T3", "20").wait() == 0
        session.poll()
        assert session._reloading and session.workplan.tasks[3].progress == 0  # the worker reads it
        await wait_for(pilot, lambda: session.workplan.tasks[3].progress == 20)
        assert notices_of(pilot.app, "bob moved T3 ") == 1


async def test_open_dialog_keeps_what_i_typed_while_others_write(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        form = pilot.app.screen
        assert isinstance(form, EditTask)
        form.query_one("#title", Input).value = "Typing in progress"
        actions.set_progress(make_store(board_file, "bob"), 2, "40")
        await wait_for(pilot, lambda: pilot.app.session.workplan.tasks[2].progress == 40)
        assert pilot.app.screen is form
        assert form.query_one("#title", Input).value == "Typing in progress"


async def test_many_changes_are_collapsed_into_one_notice(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        # Five changes made elsewhere that arrive at once (the board might otherwise poll
        # between two of them): made on a copy, then moved into place in one rename.
        copy = board_file.with_name("copy.json")
        copy.write_bytes(board_file.read_bytes())
        history_path_for(copy).write_bytes(history_path_for(board_file).read_bytes())
        bob = make_store(copy, "bob")
        for _ in range(5):
            actions.set_progress(bob, 2, "+10")
        os.replace(history_path_for(copy), history_path_for(board_file))  # the log first, as a writer does
        os.replace(copy, board_file)
        await wait_for(pilot, lambda: pilot.app.session.workplan.tasks[2].progress == 50)
        notices = [str(n.message) for n in pilot.app._notifications]
        assert "bob made 5 changes, to T2." in notices


async def test_conflict_merge_and_both_choices(board_file: Path) -> None:
    bob = make_store(board_file, "bob")
    # 1. different fields: merged without asking
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        pilot.app.screen.query_one("#title", Input).value = "Order soil (mine)"
        actions.set_due(bob, 1, iso_day(-7))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ConflictDialog)
    assert task(board_file, 1)["title"] == "Order soil (mine)" and task(board_file, 1)["due"] == iso_day(-7)
    # 2. the same field: asked, keep mine
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        pilot.app.screen.query_one("#title", Input).value = "Mine"
        actions.edit_task(bob, 1, {"title": "Theirs"})
        before = board_file.read_bytes()
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ConflictDialog)
        shown = str(dialog.query_one("#conflict-rows").render())
        assert "original Order soil (mine) · theirs Theirs · mine Mine" in shown
        assert board_file.read_bytes() == before  # nothing written until I choose
        await pilot.press("enter")
        await pilot.pause()
    assert task(board_file, 1)["title"] == "Mine"
    # 3. the same field: asked, keep theirs
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        pilot.app.screen.query_one("#title", Input).value = "Mine again"
        actions.edit_task(bob, 1, {"title": "Theirs again"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("space", "enter")
        await pilot.pause()
    assert task(board_file, 1)["title"] == "Theirs again"
    # 4. escape writes nothing
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        pilot.app.screen.query_one("#title", Input).value = "Never"
        actions.edit_task(bob, 1, {"title": "Bob's"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        before = board_file.read_bytes()
        await pilot.press("escape")
        await pilot.pause()
        assert board_file.read_bytes() == before
    assert task(board_file, 1)["title"] == "Bob's"


async def test_undo_refuses_when_someone_changed_the_task_since(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("plus")
        actions.set_due(make_store(board_file, "bob"), 1, iso_day(-7))
        before = board_file.read_bytes()
        await pilot.press("u")
        assert any("bob changed T1 since" in str(n.message) for n in pilot.app._notifications)
        assert board_file.read_bytes() == before


async def test_presence_appears_and_expires(board_file: Path) -> None:
    bob = Presence(board_file, "bob")
    bob.beat()
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        assert "also here: bob" in str(pilot.app.screen.query_one("#header").render())
        mine = Presence(board_file, "alice").folder
        assert any(entry.name.startswith("alice.") for entry in mine.iterdir())
        old = bob.entry.stat().st_mtime - EXPIRES - 5  # file times, on the file system's clock
        os.utime(bob.entry, (old, old))
        pilot.app.session.heartbeat()
        await pilot.pause()
        assert "also here" not in str(pilot.app.screen.query_one("#header").render())
    assert not any(entry.name.startswith("alice.") for entry in mine.iterdir())  # gone when I leave
    assert json.loads(board_file.read_text()) == json.loads(board_file.read_text())  # presence never writes it


async def test_newer_schema_opens_read_only_and_keys_explain(board_file: Path) -> None:
    data = json.loads(board_file.read_text())
    data["meta"]["1"]["schema_version"] = SCHEMA_VERSION + 1
    data["meta"]["1"]["new_field"] = "from the future"
    board_file.write_text(json.dumps(data))
    before = board_file.read_bytes()
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        banner = str(pilot.app.screen.query_one("#banner").render())
        assert "Read-only: written by a newer workplan" in banner
        await pilot.press("plus", "d", "n")
        assert isinstance(pilot.app.screen, BoardScreen)
        assert any("Read-only" in str(n.message) for n in pilot.app._notifications)
    assert board_file.read_bytes() == before


async def test_stress_four_cli_writers_while_the_board_is_open(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        script = "; ".join(
            [
                "import sys",
                "from workplan_tui.store import actions",
                "from workplan_tui.store.store import Store",
                "s = Store(sys.argv[1], user=sys.argv[2])",
                "[actions.set_progress(s, int(sys.argv[3]), '+1') for _ in range(25)]",
            ]
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        procs = [
            subprocess.Popen([sys.executable, "-c", script, str(board_file), user, str(task_id)], env=env)
            for user, task_id in (("bob", 2), ("carol", 3), ("bob", 4), ("carol", 2))
        ]
        while any(p.poll() is None for p in procs):
            await pilot.pause(0.1)
        assert [p.returncode for p in procs] == [0, 0, 0, 0]
        # T2's writers may finish first: wait for the snapshot with every writer's last change
        final = lambda: tuple(pilot.app.session.workplan.tasks[i].progress for i in (2, 3, 4)) == (50, 25, 25)  # noqa: E731
        await wait_for(pilot, final, 10)
    data = json.loads(board_file.read_text())
    assert [data["tasks"][k]["progress"] for k in ("2", "3", "4")] == [50, 25, 25]
    assert sum(1 for a in log_of(board_file) if a["kind"] == "task.progress") == 100


# --- reads and writes that cross another process's write ------------------------------------


async def test_a_write_while_the_board_opens_is_announced(board_file: Path, monkeypatch) -> None:
    """The board read the data, then where the log stood: a write in between was shown,
    never announced (the log position already counted it)."""
    status, written = sync_state.status, []

    def bob_writes_meanwhile(store: Store) -> sync_state.Status | None:
        if not written:  # the first read of the board, between the data and anything after it
            written.append(cli(board_file, "bob", "task", "progress", "T2", "60").wait())
        return status(store)

    monkeypatch.setattr(sync_state, "status", bob_writes_meanwhile)
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        assert written == [0]
        await wait_for(pilot, lambda: pilot.app.session.workplan.tasks[2].progress == 60)
        assert notices_of(pilot.app, BOBS_T2) == 1


async def test_a_write_during_a_reload_is_shown_by_the_next(board_file: Path, monkeypatch) -> None:
    """A reload read the data, then the log of a newer file: the board announced the newer
    file's log, took its place as read and never showed its data."""
    load, edited = Store._load_raw, []

    def then_edited_by_hand(self: Store, *args, **kwargs):
        result = load(self, *args, **kwargs)
        if threading.current_thread() is not threading.main_thread() and not edited:
            edited.append(True)
            edit_by_hand(board_file, 3, 30)
        return result

    monkeypatch.setattr(Store, "_load_raw", then_edited_by_hand)
    monkeypatch.setattr(session_module, "READ_HERE_BYTES", 0)  # a large file: read in a thread
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        assert cli(board_file, "bob", "task", "progress", "T2", "60").wait() == 0
        await wait_for(pilot, lambda: pilot.app.session.workplan.tasks[3].progress == 30)
        assert edited and pilot.app.session.workplan.tasks[2].progress == 60
        assert notices_of(pilot.app, BOBS_T2) == 1


async def test_my_change_on_top_of_theirs_announces_theirs(board_file: Path, monkeypatch) -> None:
    """My write finds bob's before the board noticed it: the board reads it all and says so."""
    monkeypatch.setattr(session_module, "POLL_SECONDS", 3600)  # no reload in the background
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        assert cli(board_file, "bob", "task", "progress", "T2", "60").wait() == 0
        await pilot.press("plus")
        await pilot.pause()
        assert (pilot.app.session.workplan.tasks[1].progress, pilot.app.session.workplan.tasks[2].progress) == (10, 60)
        assert notices_of(pilot.app, BOBS_T2) == 1
        assert notices_of(pilot.app, "alice:") == 0  # my own change is not news to me


async def test_a_write_just_before_mine_is_not_lost_from_the_board(board_file: Path) -> None:
    """Bob writes after the board looked at the file but before it holds the lock: the board
    must not patch its old copy with my task alone, or bob's change never appears."""
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        store = pilot.app.session.store
        take_lock, written = store._locked, []

        def bob_first():
            if not written:
                written.append(cli(board_file, "bob", "task", "progress", "T2", "60").wait())
            return take_lock()

        store._locked = bob_first
        await pilot.press("plus")
        await pilot.pause()
        assert written == [0]
        assert (pilot.app.session.workplan.tasks[1].progress, pilot.app.session.workplan.tasks[2].progress) == (10, 60)
        assert notices_of(pilot.app, BOBS_T2) == 1
        assert not store.changed_on_disk()


async def test_a_change_is_announced_once_when_a_reload_and_my_write_cross(board_file: Path, monkeypatch) -> None:
    """A background reload starts for bob's change; my write (which reads bob's and announces
    it) lands before the reload reads the file: the reload must not announce bob's again."""
    gate, read_with_history = threading.Event(), Store.read_with_history

    def held(self: Store, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            assert gate.wait(10)
        return read_with_history(self, **kwargs)

    monkeypatch.setattr(Store, "read_with_history", held)
    monkeypatch.setattr(session_module, "READ_HERE_BYTES", 0)  # a large file: read in a thread
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        assert cli(board_file, "bob", "task", "progress", "T2", "60").wait() == 0
        await wait_for(pilot, lambda: pilot.app.session._reloading)  # the reload waits at the gate
        await pilot.press("plus")
        await pilot.pause()
        assert notices_of(pilot.app, BOBS_T2) == 1
        gate.set()
        await wait_for(pilot, lambda: not pilot.app.session._reloading)
        await pilot.pause(0.2)
        assert (pilot.app.session.workplan.tasks[1].progress, pilot.app.session.workplan.tasks[2].progress) == (10, 60)
        assert notices_of(pilot.app, BOBS_T2) == 1


async def test_a_file_moved_away_is_said_so_and_its_return_clears_the_error(board_file: Path) -> None:
    """Not "no write permission" (os.access says no for a missing file too), and once the file
    reads again the stale error comes down with a word that it did."""
    away = board_file.with_name("moved.json")
    async with app_for(board_file).run_test(size=(100, 30)) as pilot:
        app = pilot.app
        board_file.rename(away)
        await wait_for(pilot, lambda: notices_of(app, "no partnership file") > 0)
        await pilot.press("plus")
        await pilot.pause()
        said = " ".join(str(n.message) for n in app._notifications)
        assert "moved or deleted" in said and "permission" not in said
        assert task(away, 1)["progress"] == 0  # nothing was written anywhere
        away.rename(board_file)
        await wait_for(pilot, lambda: notices_of(app, "reads correctly again") == 1)
        assert notices_of(app, "no partnership file") == 0 and notices_of(app, "moved or deleted") == 0
        await pilot.press("plus")
        await wait_for(pilot, lambda: task(board_file, 1)["progress"] == 10)


def test_read_only_reason_of_a_missing_file_is_not_a_permission(board_file: Path) -> None:
    store = Store(board_file, user="alice")
    store.read()
    board_file.rename(board_file.with_name("elsewhere.json"))
    reason = store.read_only_reason()
    assert reason is not None and "moved or deleted" in reason and "permission" not in reason


async def test_a_hand_edit_broken_then_fixed_takes_its_error_down(board_file: Path) -> None:
    good = board_file.read_bytes()
    async with app_for(board_file).run_test(size=(100, 30)) as pilot:
        app = pilot.app
        board_file.write_bytes(good[: len(good) // 2])  # an editor part-way through its save
        await wait_for(pilot, lambda: notices_of(app, "not valid JSON") + notices_of(app, "not a workplan") > 0)
        board_file.write_bytes(good.replace(b'"progress":0', b'"progress":40', 1))
        await wait_for(pilot, lambda: notices_of(app, "reads correctly again") == 1)
        assert notices_of(app, "not valid JSON") + notices_of(app, "not a workplan") == 0
        assert app.session.workplan is not None and 40 in [t.progress for t in app.session.workplan.tasks.values()]


async def test_a_note_from_someone_else_reads_as_a_note(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(100, 30)) as pilot:
        cli(board_file, "bob", "task", "note", "T1", "Called the supplier").wait(timeout=30)
        await wait_for(pilot, lambda: notices_of(pilot.app, "bob noted on T1 'Order soil': Called the supplier") == 1)
        assert notices_of(pilot.app, "note - →") == 0


async def test_a_conflict_over_a_long_title_shows_where_the_versions_differ(board_file: Path) -> None:
    long = "Photos and a story for the district newsletter"
    actions.edit_task(make_store(board_file, "alice"), 1, {"title": long})
    async with app_for(board_file).run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        pilot.app.screen.query_one("#title", Input).value = long + " EDITED"
        actions.edit_task(make_store(board_file, "bob"), 1, {"title": "Photos by bob"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ConflictDialog)
        shown = str(dialog.query_one("#conflict-rows").render())
        assert "theirs Photos by bob" in shown and "newsletter EDITED" in shown


async def test_the_activity_shows_the_last_sound_log_while_the_file_is_broken(board_file: Path) -> None:
    good = board_file.read_bytes()
    async with app_for(board_file).run_test(size=(100, 30)) as pilot:
        board_file.write_bytes(good[: len(good) // 2])  # a hand edit half saved
        await pilot.press("L")
        await pilot.pause()
        screen = pilot.app.screen
        assert type(screen).__name__ == "ActivityScreen"
        assert screen.items() and "cannot be read now" in screen.title_text()
        board_file.write_bytes(good)
        screen.refresh_view()
        assert "cannot be read now" not in screen.title_text()


async def test_an_open_board_announces_a_hand_edit(board_file: Path) -> None:
    """Issue 28: an edit made outside workplan is said on the board, once, with the records that
    differ from workplan's last write; the board shows the edited file, as before."""
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        edit_by_hand(board_file, 2, 35)
        await wait_for(pilot, lambda: notices_of(pilot.app, "changed outside workplan") > 0)
        assert notices_of(pilot.app, ": T2 differs from the log") == 1
        assert pilot.app.session.workplan is not None and pilot.app.session.workplan.tasks[2].progress == 35
        edit_by_hand(board_file, 2, 35)  # saved again, the same edit: not said twice,
        later = board_file.stat().st_mtime + 61  # even when the minute it reads has turned
        os.utime(board_file, (later, later))
        await pilot.pause(1.0)
        assert notices_of(pilot.app, "changed outside workplan") == 1
