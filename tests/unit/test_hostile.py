"""A hostile or careless group member: links, special files, planted presence entries,
orphaned temp files and hand edits. Each case is a real file and, where it matters,
a real process; each must end in a result or one clear line, with nothing lost.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import make_store
from workplan_tui.model import schema
from workplan_tui.store import actions
from workplan_tui.store.history import history_path_for
from workplan_tui.store.presence import Presence
from workplan_tui.store.storage import StoreError, lock_path_for, read_bytes
from workplan_tui.store.store import Store

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from workplan_tui.cli.main import main; main()"]


def workplan(wp: Path, *args: str, user: str = "alice", timeout: float = 20) -> subprocess.CompletedProcess[str]:
    """The real CLI in a real process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKPLAN_USER": user, "WORKPLAN_FILE": str(wp)}
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=timeout)


def one_line_error(result: subprocess.CompletedProcess[str] | Result) -> str:
    err = result.stderr
    assert result.returncode != 0 if isinstance(result, subprocess.CompletedProcess) else result.exit_code != 0
    assert "Traceback" not in err and "Traceback" not in (result.stdout or "")
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


# --- links ---------------------------------------------------------------------------


def test_writers_through_a_link_and_the_real_path_share_one_file(wp: Path, tmp_path: Path) -> None:
    link = tmp_path / "elsewhere" / "link.json"
    link.parent.mkdir()
    link.symlink_to(wp)
    script = (
        "import sys; from workplan_tui.store import actions; from workplan_tui.store.store import Store\n"
        "s = Store(sys.argv[1], user='alice')\n"
        "for _ in range(20): actions.add_note(s, 2, 'x')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", script, str(p)], env=env) for p in (link, wp)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    assert link.is_symlink() and os.readlink(link) == str(wp)  # the link was never replaced
    data = json.loads(wp.read_text())
    assert len(data["tasks"]["2"]["updates"]) == 40  # 20 + 20 acknowledged writes, all in one file
    assert not (link.parent / ".link.json.lock").exists()  # one lock, beside the real file


def test_init_never_writes_through_a_link(tmp_path: Path) -> None:
    private = tmp_path / "private"
    private.mkdir()
    link = tmp_path / "workplan.json"
    link.symlink_to(private / "new.json")  # dangling: init would create the target
    with pytest.raises(StoreError, match="symbolic link"):
        make_store(link).create("X")
    assert not (private / "new.json").exists()


def test_a_link_planted_after_opening_is_not_followed(wp: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_bytes(wp.read_bytes())
    store = make_store(wp)
    store.read()
    wp.unlink()
    wp.symlink_to(secret)  # a member swaps the shared file for a link to another's file
    with pytest.raises(StoreError, match="symbolic link"):
        actions.set_progress(store, 1, "+10")
    assert wp.is_symlink() and json.loads(secret.read_text())["tasks"]["1"]["progress"] == 0


# --- special files ----------------------------------------------------------------------


def test_a_fifo_data_file_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "workplan.json"
    os.mkfifo(fifo)
    started = time.monotonic()
    for args in (("status",), ("task", "progress", "T1", "+10"), ("check",)):
        line = one_line_error(workplan(fifo, *args, timeout=10))
        assert "named pipe" in line and str(fifo) in line
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("kind", ["fifo", "folder", "link"])
def test_a_lock_file_that_is_not_a_regular_file_is_refused(wp: Path, tmp_path: Path, kind: str) -> None:
    lock = lock_path_for(wp)
    lock.unlink(missing_ok=True)
    if kind == "fifo":
        os.mkfifo(lock)
    elif kind == "folder":
        lock.mkdir()
    else:
        (tmp_path / "target").write_text("")
        lock.symlink_to(tmp_path / "target")
    before = wp.read_bytes()
    line = one_line_error(workplan(wp, "task", "progress", "T1", "+10", timeout=10))
    assert "lock file" in line
    assert wp.read_bytes() == before


def test_lock_file_mode_is_changed_only_when_this_process_created_it(wp: Path) -> None:
    lock = lock_path_for(wp)
    lock.unlink(missing_ok=True)
    actions.set_progress(make_store(wp), 1, "+1")
    assert stat.S_IMODE(lock.stat().st_mode) & 0o060 == 0o060  # created: group may lock it too
    os.chmod(lock, 0o600)  # somebody's choice for an existing lock file
    actions.set_progress(make_store(wp), 1, "+1")
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600


# --- presence ----------------------------------------------------------------------------


def test_presence_never_follows_a_linked_folder(wp: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victims-folder"
    victim.mkdir()
    old = victim / "bob.host.123"
    old.write_text('{"user": "bob"}')
    os.utime(old, (0, 0))  # "stale": would be deleted as an expired entry
    folder = wp.with_name(f".{wp.name}.presence")
    folder.symlink_to(victim)
    me = Presence(wp, "alice")
    me.beat()
    assert me.others() == []
    me.leave()
    assert old.exists() and sorted(p.name for p in victim.iterdir()) == ["bob.host.123"]


def test_presence_ignores_planted_entries(wp: Path, tmp_path: Path) -> None:
    me = Presence(wp, "alice")
    me.beat()
    folder = me.folder
    os.mkfifo(folder / "mallory.host.1")  # would block a reader
    (folder / "huge.host.2").write_text(json.dumps({"user": "x" * 10_000}))
    (folder / "link.host.3").symlink_to(tmp_path)
    (folder / "not-an-entry").write_text('{"user": "eve"}')
    (folder / "bob.host.4").write_text('{"user": "bob"}')
    os.mkdir(folder / "dir.host.5")
    started = time.monotonic()
    assert me.others() == ["bob"]
    assert time.monotonic() - started < 2
    # my own entry is created exclusively: a planted link in its place is not written through
    me.leave()
    target = tmp_path / "target.txt"
    target.write_text("keep")
    me.entry.symlink_to(target)
    me.beat()
    assert target.read_text() == "keep"
    assert me.entry.is_file() and not me.entry.is_symlink()


# --- temp files from a killed writer --------------------------------------------------------


def test_orphaned_temp_files_are_reported_by_check_and_swept_by_the_next_writer(wp: Path) -> None:
    orphan = wp.with_name(f".{wp.name}.4242.deadbeef.tmp")
    orphan.write_bytes(b'{"half": ')
    other = wp.with_name(".other.json.4242.deadbeef.tmp")  # another file's: not ours to remove
    other.write_bytes(b"")
    result = workplan(wp, "check")
    assert result.returncode == 1 and orphan.name in result.stderr and "interrupted write" in result.stderr
    assert workplan(wp, "task", "progress", "T1", "+10").returncode == 0
    assert not orphan.exists() and other.exists()
    assert workplan(wp, "check").returncode == 0


# --- hand edits ------------------------------------------------------------------------------


def edit(wp: Path, change: Callable[[dict], None]) -> None:
    data = json.loads(wp.read_text())
    change(data)
    wp.write_text(json.dumps(data, indent=1, ensure_ascii=False))


HAND_EDITS: dict[str, Callable[[Path], None]] = {}


def hand_edit(name: str) -> Callable[[Callable[[Path], None]], Callable[[Path], None]]:
    def register(fn: Callable[[Path], None]) -> Callable[[Path], None]:
        HAND_EDITS[name] = fn
        return fn

    return register


@hand_edit("id with a leading zero")
def _(wp: Path) -> None:
    edit(wp, lambda d: d["tasks"].__setitem__("01", dict(d["tasks"]["1"], title="Shadow")))


@hand_edit("id in non-ASCII digits")
def _(wp: Path) -> None:
    edit(wp, lambda d: d["tasks"].__setitem__("\u0661", dict(d["tasks"]["1"], title="Shadow")))


@hand_edit("a second tasks table")
def _(wp: Path) -> None:
    text = wp.read_text().rstrip()
    assert text.endswith("}")
    wp.write_text(text[:-1] + ', "tasks": {}}')


@hand_edit("a key twice inside a record")
def _(wp: Path) -> None:
    text = wp.read_text()
    assert '"title":"Order soil"' in text
    wp.write_text(text.replace('"title":"Order soil"', '"title":"Order soil","title":"Other"', 1))


@hand_edit("a timestamp with a trailing newline")
def _(wp: Path) -> None:
    edit(wp, lambda d: d["tasks"]["1"].__setitem__("updated_at", "2026-11-28T09:30:00Z\n"))


@hand_edit("a handle with a trailing newline")
def _(wp: Path) -> None:
    edit(wp, lambda d: d["tasks"]["1"].__setitem__("owner", "alice\n"))


@hand_edit("nesting deeper than a writer can write")
def _(wp: Path) -> None:
    text = wp.read_text().rstrip()
    wp.write_text(text[:-1] + ', "extra": ' + "[" * 400 + "]" * 400 + "}")


@hand_edit("a number too large to write back")
def _(wp: Path) -> None:
    text = wp.read_text().rstrip()
    wp.write_text(text[:-1] + ', "extra": 123456789012345678901234567890}')


@hand_edit("a huge outcome target")
def _(wp: Path) -> None:
    edit(wp, lambda d: d["outcomes"]["1"].__setitem__("target", 1e308))


@hand_edit("a newer schema that is also broken")
def _(wp: Path) -> None:
    edit(wp, lambda d: (d["meta"]["1"].__setitem__("schema_version", 99), d.__setitem__("tasks", [])))


@hand_edit("a reference id beyond nine digits")
def _(wp: Path) -> None:
    edit(wp, lambda d: d["tasks"]["1"].__setitem__("plan", 10**12))


@pytest.mark.parametrize("name", sorted(HAND_EDITS))
def test_hand_edits_give_one_clear_line_and_are_never_written_over(
    wp: Path, name: str, run: Callable[..., Result]
) -> None:
    HAND_EDITS[name](wp)
    before = wp.read_bytes()
    for args in (("status",), ("log",), ("task", "list"), ("task", "progress", "T1", "+10"), ("task", "show", "T1")):
        result = run(*args)
        line = one_line_error(result)
        assert result.exit_code == 1, (args, result.stdout)
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert line.startswith("workplan: error: ") and str(wp) in line
    checked = workplan(wp, "check")  # the real CLI in a real process, once
    assert checked.returncode == 1 and "Traceback" not in checked.stderr and "\x1b" not in checked.stderr
    assert wp.read_bytes() == before


def test_check_names_each_problem(wp: Path) -> None:
    HAND_EDITS["id with a leading zero"](wp)
    HAND_EDITS["a handle with a trailing newline"](wp)
    result = workplan(wp, "check")
    assert result.returncode == 1
    assert "'01'" in result.stderr and "leading zero" in result.stderr
    assert "'owner'" in result.stderr
    assert "2 problem(s)" in result.stderr


def edit_log(wp: Path, number: int, change: Callable[[dict], object]) -> None:
    """Edit line ``number`` (from 1) of the activity log by hand."""
    path = history_path_for(wp)
    lines = path.read_text().splitlines()
    entry = json.loads(lines[number - 1])
    replaced = change(entry)
    lines[number - 1] = replaced if isinstance(replaced, str) else json.dumps(entry)
    path.write_text("".join(line + "\n" for line in lines))


def test_hand_edited_log_lines_are_skipped_shown_clean_and_named_by_check(wp: Path, run: Callable[..., Result]) -> None:
    """The log is anyone's to edit: a bad line never stops a command, never reaches the
    terminal raw, and 'check' names it; writes go on appending after it."""
    edit_log(wp, 1, lambda e: e.__setitem__("at", "2026\x1b]52;c;ZXZpbA==\x07"))
    edit_log(wp, 2, lambda e: e.__setitem__("changes", {"title": "oops"}))
    edit_log(wp, 3, lambda e: e.__setitem__("changes", {"title": [1]}))
    edit_log(wp, 4, lambda e: '{"id": 4, "at": ')  # cut short
    edit_log(wp, 5, lambda e: e.__setitem__("record", "T1\x1b[2J"))
    size = history_path_for(wp).stat().st_size
    data = json.loads(wp.read_text())
    data["meta"]["1"]["history"]["bytes"] = size  # a hand edit that also fixed the marker
    Path(wp).write_text(json.dumps(data))
    before = history_path_for(wp).read_bytes()
    for args in (("status",), ("log", "--limit", "100"), ("task", "show", "T1"), ("task", "progress", "T1", "+10")):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert "\x1b" not in result.output and "\x07" not in result.output
    shown = run("log", "--limit", "100", "--json").stdout
    ids = [entry["id"] for entry in json.loads(shown)]
    assert not {"A1", "A2", "A3", "A4"} & set(ids) and "A5" in ids  # bad lines skipped; A5 shown cleaned
    assert history_path_for(wp).read_bytes().startswith(before)  # appended after them, nothing rewritten
    checked = workplan(wp, "check")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr and "\x1b" not in checked.stderr
    for number in (1, 2, 3, 4):
        assert f"history.jsonl line {number}:" in checked.stderr


def test_duplicate_keys_in_workplans_own_format_are_found_too(wp: Path) -> None:
    # the file as workplan writes it, but with one key repeated: the fast path must not miss it
    text = wp.read_text()
    i = text.index('"tasks": {')
    wp.write_text(text[:i] + '"tasks": {},\n  ' + text[i:])
    with pytest.raises(StoreError, match="appears twice"):
        read_bytes(wp) and make_store(wp).read()


def test_a_sound_file_still_reads_after_a_round_trip_with_other_formatting(wp: Path) -> None:
    data = json.loads(wp.read_text())
    wp.write_text(json.dumps(data, separators=(",", ":")))
    assert len(Store(wp, user="alice").read().tasks) == 3
    assert not schema.validate(data)


def test_check_does_not_call_other_kinds_of_file_orphans(wp: Path) -> None:
    os.mkfifo(wp.with_name(f".{wp.name}.4242.deadbeef.tmp"))
    result = workplan(wp, "check")
    assert result.returncode == 0 and "interrupted write" not in result.stderr


def test_invalid_utf8_is_named_where_it_is(wp: Path) -> None:
    text = wp.read_bytes()
    i = text.index(b"Order soil")
    wp.write_bytes(text[:i] + b"\xff" + text[i:])
    line = one_line_error(workplan(wp, "status"))
    row = text[:i].count(b"\n") + 1
    assert f"not UTF-8 text at line {row}" in line


def test_an_acting_name_too_long_for_the_log_is_refused_before_writing(tmp_path: Path) -> None:
    wp = tmp_path / "new.json"
    line = one_line_error(workplan(wp, "init", "--name", "Test", user="x" * 100))
    assert "1 to 64 allowed" in line and not wp.exists()
