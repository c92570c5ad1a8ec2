"""The board's store reads each newer version of the file by what changed (store/patch.py):
what it holds afterwards is exactly what reading the file whole gives, and every record
that did not change is the same object as before."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.clock import iso_day
from tests.conftest import make_store, seed
from workplan_tui.model import schema
from workplan_tui.model.records import Workplan
from workplan_tui.model.rules import RuleError
from workplan_tui.store import actions, layout, patch
from workplan_tui.store.history import history_path_for
from workplan_tui.store.storage import StoreError
from workplan_tui.store.store import Store

EXAMPLES = int(os.environ.get("VERSION_EXAMPLES", "40"))


def board_store(path: Path, user: str = "alice") -> Store:
    """A Store as the board keeps it: every record checked, each version read by what changed."""
    store = make_store(path, user)
    store.check_everything()
    store.keep_versions()
    return store


def whole(path: Path) -> tuple[Workplan, dict[str, Any]]:
    """The file read whole by a Store that never held it."""
    fresh = Store(path, user="alice", trust_seal=False)
    return fresh.read(allow_newer=True), fresh.raw()


def same(board: Store, path: Path) -> Workplan:
    """The board's copy after reading the file again, checked against a whole read (records,
    their order, and the stored tables with fields this version does not know)."""
    workplan = board.read(allow_newer=True)
    expected, raw = whole(path)
    assert msgspec.json.encode(workplan) == msgspec.json.encode(expected)
    assert orjson.dumps(board.raw()) == orjson.dumps(raw)
    return workplan


def hand_edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """A member's text editor: the file rewritten without workplan's seal."""
    data = json.loads(path.read_text())
    change(data)
    edited = path.with_name("edited.json")
    edited.write_text(json.dumps(data, indent=1))
    os.replace(edited, path)


def test_a_change_of_one_task_is_read_by_that_task_alone(wp: Path) -> None:
    board = board_store(wp)
    before = board.read()
    actions.set_progress(make_store(wp, "bob"), 2, "60")
    after = same(board, wp)
    assert board._version is not None and board._version.workplan is after  # read by what changed
    assert after.tasks[2] is not before.tasks[2] and after.tasks[2].progress == 60
    assert after.tasks[1] is before.tasks[1] and after.tasks[3] is before.tasks[3]
    assert after.plans is before.plans and after.members is before.members and after.outcomes is before.outcomes


def test_my_own_write_is_read_by_what_changed_and_theirs_in_between_too(wp: Path) -> None:
    board = board_store(wp)
    before = board.read()
    actions.set_progress(make_store(wp, "bob"), 2, "60")  # the board has not looked since
    actions.set_progress(board, 1, "+10")
    assert not board.changed_on_disk()
    after = same(board, wp)
    assert board._version is not None and board._version.workplan is after
    assert (after.tasks[1].progress, after.tasks[2].progress) == (10, 60)
    assert after.tasks[3] is before.tasks[3]


def test_an_undone_removal_comes_back_in_its_place(wp: Path) -> None:
    board = board_store(wp)
    board.read()
    bob = make_store(wp, "bob")
    actions.remove_task(bob, 2)
    assert list(same(board, wp).tasks) == [1, 3]
    actions.undo(bob)
    assert list(same(board, wp).tasks) == [1, 2, 3]  # in the middle, where the file has it


def test_what_a_task_waits_on_is_read_by_what_changed_and_a_forged_circle_is_not(wp: Path) -> None:
    """Issue 29's lists of references (``waits_on``) are checked on the patched path as a whole
    read checks them; a circle sealed by hand (a forged seal) is read whole, and refused."""
    board = board_store(wp)
    before = board.read()
    bob = make_store(wp, "bob")
    actions.set_waits(bob, 2, add=[1])
    after = same(board, wp)
    assert board._version is not None and board._version.workplan is after  # read by what changed
    assert after.tasks[2].waits_on == [1] and after.tasks[3] is before.tasks[3]
    actions.remove_task(bob, 3)
    assert 3 not in same(board, wp).tasks and board._version is not None
    payload = wp.read_bytes()
    line = next(x for x in payload.split(b"\n") if b'"title":"Order soil"' in x)  # T1's line
    assert b'"waits_on"' not in line  # a task that never waited has none in the file
    forged = line.replace(b'"plan":', b'"waits_on":[2],"plan":', 1)
    wp.write_bytes(payload.replace(line, forged))  # T1 waits on T2 and T2 on T1, the seal kept
    with pytest.raises((StoreError, schema.SchemaError)):
        board.read()


def test_a_patch_is_refused_where_a_whole_read_would_refuse_what_tasks_wait_on(wp: Path) -> None:
    actions.set_waits(make_store(wp, "bob"), 2, add=[1])
    reader = Store(wp, user="alice", trust_seal=False)
    workplan, raw = reader.read(), reader.raw()
    for waits in ([2], [3, 3], [99]):  # a circle (T2 waits on T1), a task twice, a task not there
        changed = {**raw["tasks"]["1"], "waits_on": waits}
        with pytest.raises(schema.SchemaError):
            schema.patch(workplan, {"tasks": {"1": changed}})
    assert schema.patch(workplan, {"tasks": {"1": {**raw["tasks"]["1"], "waits_on": [3]}}}).tasks[1].waits_on == [3]


def test_a_patch_is_refused_when_a_record_others_name_goes_away(wp: Path) -> None:
    """A change of a task is checked against the changed tasks alone (what they name must be
    there), yet a record that goes away is still looked for in everything that names it: a
    task another waits on, an outcome a task counts towards, a partner code a member uses."""
    actions.set_waits(make_store(wp, "bob"), 2, add=[1])
    reader = Store(wp, user="alice", trust_seal=False)
    workplan, raw = reader.read(), reader.raw()
    for updates in (
        {"tasks": {"1": None}},  # T2 waits on T1
        {"outcomes": {"1": None}},  # T2 counts towards O1
        {"partners": {"2": {**raw["partners"]["2"], "code": "GROCER"}}},  # bob and carol are of FOOD
    ):
        with pytest.raises(schema.SchemaError):
            schema.patch(workplan, updates)
    assert 3 not in schema.patch(workplan, {"tasks": {"3": None}}).tasks  # nothing waits on T3
    retitled = schema.patch(workplan, {"tasks": {"1": {**raw["tasks"]["1"], "title": "Order compost"}}})
    assert retitled.tasks[1].title == "Order compost" and retitled.tasks[2] is workplan.tasks[2]


def test_what_cannot_be_read_by_what_changed_is_read_whole(wp: Path) -> None:
    board = board_store(wp)
    board.read()
    hand_edit(wp, lambda data: data["tasks"]["2"].update(progress=70))  # no seal
    assert same(board, wp).tasks[2].progress == 70
    assert board._version is None  # not sealed: nothing to compare lines with
    actions.set_progress(make_store(wp, "bob"), 2, "+5")  # sealed again
    assert same(board, wp).tasks[2].progress == 75
    actions.set_progress(make_store(wp, "bob"), 2, "+5")
    assert same(board, wp).tasks[2].progress == 80
    assert board._version is not None


def test_a_forged_seal_over_a_bad_record_is_refused_as_a_whole_read_refuses_it(wp: Path) -> None:
    board = board_store(wp)
    board.read()
    data = orjson.loads(wp.read_bytes())
    data["tasks"]["2"]["progress"] = 700  # out of range
    wp.write_bytes(layout.serialize(data))  # sealed, as a member who recomputes the digest could
    with pytest.raises(StoreError, match="progress"):
        board.read()
    data["tasks"]["2"]["progress"] = 70
    data["tasks"]["2"]["plan"] = 99  # a plan that does not exist
    wp.write_bytes(layout.serialize(data))
    with pytest.raises(StoreError, match="P99 does not exist"):
        board.read()


def test_a_forged_seal_over_a_repeated_id_is_read_whole(wp: Path) -> None:
    board = board_store(wp)
    board.read()
    old = board._version_now()
    assert old is not None
    raw = wp.read_bytes()
    line = raw[raw.index(b'\n"3": {') + 1 :].split(b"\n", 1)[0].removesuffix(b",")
    forged = _reseal(raw.replace(line, line + b",\n" + line.replace(b"Find volunteers", b"Twice"), 1))
    assert layout.verify(forged)
    assert patch.advance(old, forged) is None  # a key twice: never read by what changed
    wp.write_bytes(forged)
    same(board, wp)  # read whole, as a fresh read reads it (the parse keeps the last T3)


def test_the_tables_of_a_newer_version_are_found_where_a_whole_index_finds_them(wp: Path) -> None:
    """``layout.spans_in_order`` (each table's end found by the next table's head) agrees with
    ``layout.table_spans`` (line by line): empty tables, the last table with records or
    without; it refuses tables in another order; and a table a forged seal closes early is
    never read by what changed."""
    raw = wp.read_bytes()
    spans = layout.table_spans(raw)
    assert spans is not None and {s == e for s, e in spans.values()} == {True, False}  # empty and not
    assert layout.spans_in_order(raw, list(spans)) == spans
    data = orjson.loads(raw)
    last = list(data)[-1]
    data[last] = {"1": {"note": "the last table with a record"}}
    full = layout.serialize(data)
    assert layout.spans_in_order(full, list(spans)) == layout.table_spans(full) is not None
    assert layout.spans_in_order(raw, list(reversed(spans))) is None
    assert layout.spans_in_order(raw, list(spans)[:-1]) is None
    board = board_store(wp)
    board.read()
    old = board._version_now()
    assert old is not None
    forged = _reseal(raw.replace(b'},\n"2": {', b'}\n},\n"2": {', 1))  # tasks closed after T1
    assert layout.verify(forged) and layout.table_spans(forged) is None
    assert patch.advance(old, forged) is None


def _reseal(raw: bytes) -> bytes:
    """``raw`` with its digest made right again (a forger's last step)."""
    at = raw.index(b'"digest":"crc32:') + len(b'"digest":"crc32:')
    import zlib

    zeroed = raw[:at] + b"0" * 8 + raw[at + 8 :]
    return raw[:at] + b"%08x" % zlib.crc32(zeroed) + raw[at + 8 :]


# --- any sequence of writes ------------------------------------------------------------------------

TASK = st.integers(1, 6)
WRITES = st.lists(
    st.one_of(
        st.tuples(st.just("progress"), TASK, st.integers(0, 100)),
        st.tuples(st.just("status"), TASK, st.sampled_from(["todo", "doing", "done", "blocked"])),
        st.tuples(st.just("title"), TASK, st.text("abcdef [/]é漢", min_size=1, max_size=12)),
        st.tuples(st.just("add"), st.integers(1, 2), st.text("xyz", min_size=1, max_size=6)),
        st.tuples(st.just("remove"), TASK, st.none()),
        st.tuples(st.just("undo"), st.none(), st.none()),
        st.tuples(st.just("note"), TASK, st.text("note ", min_size=1, max_size=8)),
        st.tuples(st.just("checkin"), st.just(1), st.integers(0, 40)),
        st.tuples(st.just("vote"), st.just(1), st.sampled_from(["agree", "abstain", "disagree", "block"])),
        st.tuples(st.just("partner"), st.sampled_from(["bob", "carol"]), st.sampled_from(["PARKS", "FOOD"])),
        st.tuples(st.just("plan"), st.none(), st.text("pq", min_size=1, max_size=5)),
        st.tuples(st.just("by hand"), TASK, st.integers(0, 100)),
        st.tuples(st.just("unknown field"), TASK, st.integers(0, 9)),
    ),
    min_size=1,
    max_size=8,
)


def write(path: Path, store: Store, step: tuple[str, Any, Any]) -> None:
    """One write of any kind (refused ones change nothing)."""
    kind, what, value = step
    try:
        if kind == "progress":
            actions.set_progress(store, what, str(value))
        elif kind == "status":
            actions.set_status(store, what, value, "waiting for the council" if value == "blocked" else None)
        elif kind == "title":
            actions.edit_task(store, what, {"title": value})
        elif kind == "add":
            actions.add_task(store, what, value, owner="carol", due=iso_day(3))
        elif kind == "remove":
            actions.remove_task(store, what)
        elif kind == "undo":
            actions.undo(store)
        elif kind == "note":
            actions.add_note(store, what, value)
        elif kind == "checkin":
            actions.checkin(store, what, value)
        elif kind == "vote":
            actions.vote(store, what, value)
        elif kind == "partner":
            actions.edit_member(store, what, partner=value)
        elif kind == "plan":
            actions.add_plan(store, value)
        elif kind == "by hand":
            hand_edit(path, lambda data: data["tasks"].get(str(what), {}).update(progress=value))
        elif kind == "unknown field":  # a newer workplan's field, kept as it is
            data = orjson.loads(path.read_bytes())
            if str(what) in data["tasks"]:
                data["tasks"][str(what)]["colour"] = value
                with store.lock():
                    path.write_bytes(layout.serialize(data))
    except (RuleError, StoreError, schema.SchemaError):
        pass


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=WRITES, mine=st.lists(st.booleans(), min_size=8, max_size=8))
def test_after_any_writes_the_board_holds_what_a_whole_read_gives(steps, mine) -> None:
    folder = Path(tempfile.mkdtemp(prefix="workplan-versions-"))
    try:
        path = seed(folder / "w.json")
        bob = make_store(path, "bob")
        actions.add_plan(bob, "Winter boxes")
        actions.add_task(bob, 2, "Find a supplier", owner="carol", due=iso_day(12))
        board = board_store(path)
        shown, stored = board.read(), dict(board.raw()["tasks"])
        for step, by_me in zip(steps, mine, strict=False):
            write(path, board if by_me else bob, step)
            now = same(board, path)
            if board._version is not None and not _read_whole_since(board, shown):
                for key, record in board.raw()["tasks"].items():  # a record stored alike is the same object
                    if key in stored and orjson.dumps(stored[key]) == orjson.dumps(record):
                        assert now.tasks[int(key)] is shown.tasks[int(key)]
            shown, stored = now, dict(board.raw()["tasks"])
        assert history_path_for(path).exists()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _read_whole_since(board: Store, shown: Workplan) -> bool:
    """Whether the board's copy was read whole since ``shown`` (it then shares nothing)."""
    now = board.read()
    return not any(now.tasks.get(n) is t for n, t in shown.tasks.items())
