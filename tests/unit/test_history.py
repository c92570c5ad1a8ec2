"""The activity log's side file, its commit marker, the sealed layout, and the move from schema 1."""

from __future__ import annotations

import json
import os
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wcwidth import wcswidth

from tests.clock import iso_day
from tests.conftest import bound, log_of, make_store
from tests.system import fill_disk
from workplan_tui.cli import render
from workplan_tui.model import schema
from workplan_tui.store import actions, layout
from workplan_tui.store.history import History, Mark, history_path_for, mark_of
from workplan_tui.store.storage import StoreError, dump
from workplan_tui.store.store import Store


def marker(wp: Path) -> Mark:
    return mark_of(json.loads(wp.read_text())["meta"]["1"])


def test_every_write_appends_its_entries_and_the_marker_commits_them(wp: Path, store: Store) -> None:
    before = marker(wp)
    actions.set_progress(store, 1, "+10")
    actions.add_note(store, 2, "soil ordered")
    after = marker(wp)
    log = history_path_for(wp)
    assert after.size == log.stat().st_size and after.last == before.last + 2
    entries = log_of(wp)
    assert [e["id"] for e in entries] == list(range(1, after.last + 1))
    assert [(e["kind"], e["record"]) for e in entries[-2:]] == [("task.progress", "T1"), ("task.note", "T2")]
    assert "activity" not in json.loads(wp.read_text())  # the data file holds no history
    assert store.history().latest(2)[0].kind == "task.note"


def test_entries_past_the_marker_are_a_crashed_write_nobody_reads_and_the_next_write_cuts(
    wp: Path, store: Store
) -> None:
    """A writer killed after appending to the log but before replacing the data file."""
    log = history_path_for(wp)
    committed = log.read_bytes()
    orphan = {"id": marker(wp).last + 1, "at": "2026-11-28T09:30:00Z", "member": "alice", "kind": "task.progress"}
    log.write_bytes(committed + orjson.dumps({**orphan, "record": "T1", "changes": {"progress": [0, 99]}}) + b"\n")
    assert [a.id for a in make_store(wp).history().latest(100)] == list(range(marker(wp).last, 0, -1))
    assert all(a.changes.get("progress") != [0, 99] for a in make_store(wp).history().scan())
    actions.set_progress(store, 1, "+10")
    assert log.read_bytes().startswith(committed) and b"[0,99]" not in log.read_bytes()
    assert log_of(wp)[-1]["changes"]["progress"] == [0, 10]
    assert marker(wp).size == log.stat().st_size


def test_a_full_disk_takes_the_log_entry_back_with_the_change(small_disk: Path) -> None:
    wp = small_disk / "workplan.json"
    store = make_store(wp)
    store.create("Disk", "")
    actions.add_partner(store, "PARKS", "Parks")
    actions.add_member(store, "alice", "Alice", "PARKS", accounts=bound("alice"))
    actions.add_plan(store, "Plan", "")
    actions.add_task(store, 1, "x" * 150)
    # Grow the data file to several pages, so a page of the log has room left when the disk is full.
    for n in range(12):
        actions.add_task(store, 1, f"task {n} " + "y" * 150)
    while 4096 - history_path_for(wp).stat().st_size % 4096 < 600:
        actions.add_note(store, 1, "pad")
    fill_disk(small_disk)
    data, log = wp.read_bytes(), history_path_for(wp).read_bytes()
    with pytest.raises(StoreError, match="disk is full"):
        actions.set_progress(store, 1, "+10")
    assert wp.read_bytes() == data and history_path_for(wp).read_bytes() == log


def test_a_schema_1_file_reads_as_it_is_and_moves_its_log_out_on_the_first_write(wp: Path, run) -> None:
    """Existing files: readable unchanged by any command; the first write migrates them."""
    data = json.loads(wp.read_text())
    old_log = log_of(wp)
    data["meta"]["1"]["schema_version"] = 1
    del data["meta"]["1"]["history"], data["meta"]["1"]["digest"]
    data["activity"] = {str(e.pop("id")): e for e in old_log}
    history_path_for(wp).unlink()
    wp.write_bytes(dump(data))  # indented, as schema 1 was written
    before = wp.read_bytes()
    assert run("check").exit_code == 0
    assert "propose" in run("log").stdout
    assert "added T1 for alice" in run("task", "show", "T1").stdout
    assert wp.read_bytes() == before and not history_path_for(wp).exists()  # reading changes nothing
    assert run("task", "progress", "T1", "+10").exit_code == 0
    moved = json.loads(wp.read_text())
    assert moved["meta"]["1"]["schema_version"] == 2 and "activity" not in moved
    log = log_of(wp)
    assert [e["id"] for e in log] == list(range(1, len(old_log) + 2))
    assert log[: len(old_log)] == [{"id": int(k), **v} for k, v in data["activity"].items()]
    assert log[-1]["kind"] == "task.progress" and marker(wp).last == len(old_log) + 1
    assert run("undo").exit_code == 0 and run("check").exit_code == 0


def test_a_newer_schema_is_read_only_and_never_written(wp: Path, run) -> None:
    data = json.loads(wp.read_text())
    data["meta"]["1"]["schema_version"] = 3
    wp.write_text(json.dumps(data))
    before = wp.read_bytes(), history_path_for(wp).read_bytes()
    result = run("task", "progress", "T1", "+10")
    assert result.exit_code == 1 and "newer workplan" in result.output
    assert (wp.read_bytes(), history_path_for(wp).read_bytes()) == before


def test_since_reads_only_what_was_appended(wp: Path, store: Store) -> None:
    """A board's live reload costs what changed: the log before the mark is never parsed."""
    seen = store.history().seen()
    actions.set_progress(store, 1, "+10")
    actions.set_status(store, 2, "blocked", "rain")
    log = history_path_for(wp)
    raw = log.read_bytes()
    log.write_bytes(b"x" * (seen.size - 1) + b"\n" + raw[seen.size :])  # the old part, ruined
    news = make_store(wp).history().since(seen)
    assert [(a.record, a.kind) for a in news] == [("T1", "task.progress"), ("T2", "task.status")]


def test_history_reads_newest_first_in_pages_and_by_record(wp: Path, store: Store) -> None:
    for n in range(30):
        actions.set_progress(store, 1 + n % 3, "+1")
    history = store.history()
    page = history.latest(10)
    assert [a.id for a in page] == list(range(history.last, history.last - 10, -1))
    older = history.latest(10, before=page[-1].id)
    assert older[0].id == page[-1].id - 1
    t2 = history.of_record("T2")
    assert [a.record for a in t2] == ["T2"] * len(t2) and len([a for a in t2 if a.kind == "task.progress"]) == 10
    recent, complete = history.recent_of_record("T2", limit=5)
    assert len(recent) == 5 and not complete and recent == t2[-5:]
    assert history.entry(page[3].id) == page[3] and history.entry(10_000) is None


def test_the_log_is_never_followed_through_a_link_or_read_from_a_fifo(wp: Path, store: Store, tmp_path: Path) -> None:
    log = history_path_for(wp)
    elsewhere = tmp_path / "elsewhere.jsonl"
    elsewhere.write_bytes(log.read_bytes())
    log.unlink()
    log.symlink_to(elsewhere)
    before = elsewhere.read_bytes(), wp.read_bytes()
    with pytest.raises(StoreError, match="symbolic link"):
        actions.set_progress(store, 1, "+10")
    assert (elsewhere.read_bytes(), wp.read_bytes()) == before
    log.unlink()
    os.mkfifo(log)
    with pytest.raises(StoreError, match="not a regular file"):
        make_store(wp).history().latest(5)
    with pytest.raises(StoreError, match="not a regular file"):
        actions.set_progress(store, 1, "+10")
    assert wp.read_bytes() == before[1]


def test_the_log_follows_the_data_files_group_and_mode(wp: Path, store: Store) -> None:
    os.chmod(wp, 0o660)
    actions.set_progress(store, 1, "+10")
    assert history_path_for(wp).stat().st_mode & 0o777 == 0o660


# --- the sealed layout ---------------------------------------------------------------------------------


def test_the_file_is_one_record_per_line_and_sealed(wp: Path) -> None:
    text = wp.read_text()
    lines = text.splitlines()
    assert lines[:2] == ["{", '"meta": {'] and lines[-1] == "}"
    task_lines = [line for line in lines if line.startswith('"1": {"plan":1,"title"')]
    assert len(task_lines) == 1 and json.loads("{" + task_lines[0].rstrip(",") + "}")["1"]["title"] == "Order soil"
    raw = wp.read_bytes()
    assert layout.verify(raw)
    assert layout.serialize(orjson.loads(raw)) == raw  # what workplan writes, it reads back byte for byte


@given(st.integers(min_value=0), st.integers(min_value=1, max_value=255))
@settings(max_examples=200, deadline=None)
def test_any_changed_byte_breaks_the_seal(at: int, flip: int) -> None:
    data = {"meta": {"1": {"schema_version": 2, "name": "Seal"}}, "tasks": {"1": {"title": "a"}, "2": {"title": "b"}}}
    raw = bytearray(layout.serialize(data))
    raw[at % len(raw)] ^= flip
    assert not layout.verify(bytes(raw))


INTEGER = st.integers(-(2**53), 2**53)
RECORD = st.dictionaries(
    st.text(min_size=1, max_size=5),
    st.none() | st.booleans() | INTEGER | st.text(max_size=20) | st.lists(INTEGER, max_size=3),
    max_size=4,
)


@given(st.dictionaries(st.sampled_from(["partners", "tasks", "zz_new"]), st.dictionaries(
    st.integers(1, 999_999_999).map(str), RECORD, max_size=6), max_size=3),
    st.data())  # fmt: skip
@settings(max_examples=150, deadline=None)
def test_a_lazy_write_equals_a_whole_rewrite(tables: dict, data: st.DataObject) -> None:
    """Reading some records lazily, changing and adding some, writes what a full parse and rewrite would."""
    whole = {"meta": {"1": {"schema_version": 2, "name": "Lazy"}}, **tables}
    raw = layout.serialize(whole)
    lazy = layout.index(raw, lambda table, record: None)
    assert lazy is not None
    expected = orjson.loads(raw)
    for name, table in tables.items():
        keys = list(table)
        for key in data.draw(st.lists(st.sampled_from(keys), max_size=3)) if keys else []:
            record = data.draw(RECORD)
            lazy[name][key] = record
            expected[name][key] = record
        if data.draw(st.booleans()):
            new = str(lazy[name].next_id())
            lazy[name][new] = expected[name][new] = {"added": True}
    again = layout.serialize(lazy)
    del expected["meta"]["1"]["digest"]
    written = orjson.loads(again)
    del written["meta"]["1"]["digest"]
    assert layout.verify(again) and written == expected
    assert again == layout.serialize(expected)


def test_a_forged_seal_still_never_lets_a_bad_record_through(wp: Path, run) -> None:
    """A member who recomputes the digest skips nothing that matters: writes check each record they
    read, and the board checks every record (the CLI read trusts the seal, and still gives one line)."""
    data = orjson.loads(wp.read_bytes())
    data["tasks"]["1"]["progress"] = "lots"
    data["tasks"]["2"]["plan"] = 99
    wp.write_bytes(layout.serialize(data))  # resealed
    before = wp.read_bytes()
    result = run("task", "progress", "T1", "+10")
    assert result.exit_code == 1 and "'progress'" in result.output and wp.read_bytes() == before
    assert run("task", "progress", "T3", "+10").exit_code == 0  # records it does not read stay as they were
    board = Store(wp, user="alice", trust_seal=False)
    with pytest.raises(StoreError, match="progress"):
        board.read()
    result = run("status")
    assert result.exit_code == 1 and "'progress'" in result.output and "Traceback" not in result.output


def test_cells_by_length_only_for_characters_one_cell_wide() -> None:
    narrow = [chr(c) for c in range(0x20, 0x2800) if render._NARROW.fullmatch(chr(c))]
    assert len(narrow) > 1000 and all(wcswidth(c) == 1 for c in narrow)
    assert render.cells("█░ ·→ café") == 10 and render.cells("中文") == 4 and render.cells("e\u0301") == 1


def test_history_problems_name_the_line(wp: Path) -> None:
    log = history_path_for(wp)
    lines = log.read_bytes().splitlines(keepends=True)
    lines[2] = b'{"id": 3}\n'.ljust(len(lines[2]))  # same length: the marker still fits
    log.write_bytes(b"".join(lines))
    problems = History(log, marker(wp)).problems()
    assert any("line 3:" in p and "lacks" in p for p in problems)
    assert schema.validate(json.loads(wp.read_text())) == []  # the data file itself is sound


def _entries(wp: Path) -> dict[int, dict]:
    """Every readable entry in the log file, by id (past the marker too)."""
    found = {}
    for line in history_path_for(wp).read_bytes().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("id"), int):
            found[entry["id"]] = entry
    return found


def _edit_meta_history(wp: Path, change) -> None:
    data = json.loads(wp.read_text())
    change(data["meta"]["1"])
    wp.write_text(json.dumps(data))


LOG_EDITS = {
    "no final newline": lambda wp: history_path_for(wp).write_bytes(history_path_for(wp).read_bytes()[:-1]),
    "CRLF line ends": lambda wp: history_path_for(wp).write_bytes(
        history_path_for(wp).read_bytes().replace(b"\n", b"\r\n")
    ),
    "an old line made longer": lambda wp: history_path_for(wp).write_bytes(
        history_path_for(wp).read_bytes().replace(b'"Test Partnership"', b'"Test Partnership, renamed"', 1)
    ),
    "cut mid-line": lambda wp: history_path_for(wp).write_bytes(history_path_for(wp).read_bytes()[:-40]),
    "marker bytes 0": lambda wp: _edit_meta_history(wp, lambda m: m["history"].__setitem__("bytes", 0)),
    "marker removed": lambda wp: _edit_meta_history(wp, lambda m: m.pop("history")),
    "marker bytes short": lambda wp: _edit_meta_history(wp, lambda m: m["history"].__setitem__("bytes", 1000)),
    "marker last 0": lambda wp: _edit_meta_history(wp, lambda m: m["history"].__setitem__("last", 0)),
}


@pytest.mark.parametrize("edit", sorted(LOG_EDITS))
def test_a_write_never_destroys_a_line_that_may_be_history(wp: Path, edit: str, run) -> None:
    """Whatever was done to the log or its marker by hand, a write only adds: every entry
    readable before is still there, and the new one gets an id no entry had."""
    LOG_EDITS[edit](wp)
    before = _entries(wp)
    assert run("task", "progress", "T1", "+10").exit_code == 0
    after = _entries(wp)
    assert all(after.get(i) == e for i, e in before.items()), "an entry was lost or changed"
    new = [e for i, e in after.items() if i not in before]
    assert len(new) == 1 and new[0]["kind"] == "task.progress" and new[0]["id"] > max(before)
    assert make_store(wp).history().latest(1)[0].id == new[0]["id"]  # shown, and undoable
    assert run("undo").exit_code == 0


def test_a_log_that_exists_is_never_started_over(wp: Path, tmp_path: Path, run) -> None:
    """init beside another partnership's log, or a schema 1 file moving out beside a log."""
    other = tmp_path / "other"
    other.mkdir()
    stray = history_path_for(other / "p.json")
    stray.write_bytes(history_path_for(wp).read_bytes())
    result = run("init", "--name", "Oops", path=other / "p.json")
    assert result.exit_code == 1 and "already exists" in result.output
    assert stray.read_bytes() == history_path_for(wp).read_bytes() and not (other / "p.json").exists()
    data = json.loads(wp.read_text())
    meta = data["meta"]["1"]
    meta["schema_version"] = 1
    del meta["history"], meta["digest"]
    data["activity"] = {"1": {"at": "2026-11-28T09:30:00Z", "member": "alice", "kind": "x", "record": "T1"}}
    (other / "p.json").write_bytes(dump(data))
    result = run("task", "progress", "T1", "+10", path=other / "p.json")
    assert result.exit_code == 1 and "already exists" in result.output
    assert stray.read_bytes() == history_path_for(wp).read_bytes()


def test_a_huge_line_is_skipped_not_parsed(wp: Path, run) -> None:
    log = history_path_for(wp)
    committed = log.read_bytes()
    log.write_bytes(committed[:-1] + b" " * (3 << 20) + b"\n")  # the last entry padded past 1 MB
    data = json.loads(wp.read_text())
    data["meta"]["1"]["history"]["bytes"] = log.stat().st_size
    wp.write_text(json.dumps(data))
    shown = run("log", "--limit", "3", "--json")
    assert shown.exit_code == 0 and len(json.loads(shown.stdout)) == 3
    checked = run("check")
    assert checked.exit_code == 1 and "over 1 MB" in checked.output


def test_log_looks_back_with_past_days_and_says_when_nothing_matches(wp: Path, run) -> None:
    from datetime import date

    from workplan_tui.model.dates import DateError, parse_past_date

    monday = date(2026, 11, 30)
    assert parse_past_date("mon", today=monday) == monday
    assert parse_past_date("fri", today=monday) == date(2026, 11, 27)
    assert parse_past_date("3 days ago", today=monday) == parse_past_date("-3d", today=monday) == date(2026, 11, 27)
    assert parse_past_date("yesterday", today=monday) == date(2026, 11, 29)
    with pytest.raises(DateError, match="past date"):
        parse_past_date("next friday", today=monday)
    assert "propose" in run("log", "--since", iso_day(), "--until", iso_day()).stdout
    assert run("log", "--since", iso_day(+400)).stdout.strip() == "No log entries match."
    wrong = run("log", "--since", iso_day(-1), "--until", iso_day(-30))
    assert wrong.exit_code == 1 and "after --until" in wrong.output
    only = json.loads(run("log", "--record", "t1", "--json", "--limit", "100").stdout)
    assert only and {e["record"] for e in only} == {"T1"}


def test_a_task_is_shown_when_its_log_cannot_be_read(wp: Path, run) -> None:
    history_path_for(wp).unlink()
    os.mkfifo(history_path_for(wp))
    shown = run("task", "show", "T1")
    assert shown.exit_code == 0 and "Order soil" in shown.stdout and "History: cannot be read" in shown.stdout
    assert "history_error" in json.loads(run("task", "show", "T1", "--json").stdout)


def test_a_restored_data_file_or_a_note_past_the_marker_is_kept(wp: Path, run) -> None:
    """What follows the marker is cut only when it is exactly one killed writer's entries."""
    backup = wp.read_bytes()
    for user in ("alice", "bob"):
        assert run("task", "progress", "T1", "+5", user=user).exit_code == 0
    wp.write_bytes(backup)  # the data file restored from last night's copy
    history_path_for(wp).write_bytes(history_path_for(wp).read_bytes() + b"hand note: bob paid 40 for lumber")
    before = history_path_for(wp).read_bytes()
    checked = run("check")
    assert checked.exit_code == 1 and "past what the data file accounts for" in checked.output
    assert run("task", "progress", "T2", "+5").exit_code == 0
    assert history_path_for(wp).read_bytes().startswith(before)


def test_a_writer_killed_before_its_commit_is_cut_and_a_killed_move_out_is_redone(wp: Path, store: Store) -> None:
    log = history_path_for(wp)
    committed = log.read_bytes()
    last = marker(wp).last
    one_change = [
        {"id": last + n, "at": "2026-11-28T09:31:00Z", "member": "bob", "kind": "task.edit", "record": "T1"}
        for n in (1, 2)
    ]
    log.write_bytes(committed + b"".join(orjson.dumps(e) + b"\n" for e in one_change) + b'{"id":' + b"9")
    actions.set_progress(store, 1, "+10")
    assert log.read_bytes().startswith(committed) and b"task.edit" not in log.read_bytes()
    # schema 1 moving its log out, killed after writing the log: the next write does it again
    data = json.loads(wp.read_text())
    meta = data["meta"]["1"]
    meta["schema_version"] = 1
    del meta["history"], meta["digest"]
    old = log_of(wp)
    data["activity"] = {str(e.pop("id")): e for e in [dict(e) for e in old]}
    wp.write_bytes(dump(data))
    log.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in old) + orjson.dumps(one_change[0] | {"id": len(old) + 1}))
    actions.set_progress(make_store(wp), 1, "+10")
    ids = [e["id"] for e in log_of(wp)]
    assert ids[: len(old)] == [e["id"] for e in old] and len(ids) == len(old) + 1 and ids[-1] > ids[-2]
    assert marker(wp).last == ids[-1] and log_of(wp)[-1]["kind"] == "task.progress"


def test_a_second_killed_writer_in_a_row_is_cut_too(wp: Path, store: Store) -> None:
    """Killed writers number after the log's last entry, even a killed one's: A{last+2} here."""
    log = history_path_for(wp)
    committed = log.read_bytes()
    last = marker(wp).last
    killed = {"id": last + 2, "at": "2026-11-28T09:31:00Z", "member": "carol", "kind": "task.add", "record": "T9"}
    log.write_bytes(committed + orjson.dumps(killed) + b"\n")
    actions.set_progress(store, 1, "+10")
    assert log.read_bytes().startswith(committed) and b'"T9"' not in log.read_bytes()


def test_past_days_read_month_names_as_the_latest_such_day(wp: Path, run) -> None:
    """parse_past_date reads what parse_date reads where it means a past day: a month and day
    is the latest such day not after today, across the year's turn (issue 26's cold trial:
    ``log --since 'dec 1'`` was refused)."""
    from datetime import date

    from workplan_tui.model.dates import DateError, parse_past_date

    turn = date(2027, 1, 5)
    assert parse_past_date("dec 20", today=turn) == date(2026, 12, 20)
    assert parse_past_date("20th of December", today=turn) == date(2026, 12, 20)
    assert parse_past_date("jan 5", today=turn) == turn  # today is not after today
    assert parse_past_date("jan 6", today=turn) == date(2026, 1, 6)
    assert parse_past_date("dec 20, 2025", today=turn) == date(2025, 12, 20)
    assert parse_past_date("feb 29", today=turn) == date(2024, 2, 29)  # the last leap day
    assert parse_past_date("tue", today=turn) == turn and parse_past_date("mon", today=turn) == date(2027, 1, 4)
    with pytest.raises(DateError, match="ambiguous"):
        parse_past_date("12/20", today=turn)
    with pytest.raises(DateError, match="not a real date"):
        parse_past_date("feb 30", today=turn)
    from tests.clock import day

    for typed in (day(0).strftime("%b %-d"), day(+1).strftime("%-d %B")):  # tomorrow's date: last year's
        shown = run("log", "--since", typed, "--json", "--limit", "1000")
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.stdout), typed  # the seed's entries, made today
    before = run("log", "--until", day(-1).strftime("%b %-d"), "--json", "--limit", "1000")
    assert before.exit_code == 0 and json.loads(before.stdout) == []
