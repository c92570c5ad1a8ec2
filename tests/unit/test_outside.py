"""Edits made outside workplan are seen (issue 28): a hand edit is announced by 'workplan check'
(and on an open board: tests/ui/test_live.py), with when, by whom when known, and which records differ; the first write
after it logs it, so the history stays complete; the edit itself is kept. With a real second
Unix user editing the file, by replacing it (as an editor does) and in place."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from tests.conftest import log_of, make_store, seed
from tests.system import as_user, share_gid
from workplan_tui.cli.main import cli
from workplan_tui.store import actions
from workplan_tui.store.outside import WHO, copy_path


def check(path: Path) -> tuple[int, str, dict[str, Any]]:
    text = CliRunner().invoke(cli, ["-f", str(path), "check"])
    report = json.loads(CliRunner().invoke(cli, ["-f", str(path), "check", "--json"]).stdout)
    return text.exit_code, text.stdout, report


def by_hand(path: Path, old: bytes, new: bytes, *, in_place: bool = False) -> None:
    """What a person does with an editor: one text replaced, the file saved."""
    raw = path.read_bytes()
    assert old in raw
    edited = raw.replace(old, new, 1)
    if in_place:  # nano, or echo >>: the same file, rewritten
        with open(path, "r+b") as handle:
            handle.write(edited)
            handle.truncate()
        return
    tmp = path.with_name("edited.tmp")  # vim, an IDE: a new file renamed over the old one
    tmp.write_bytes(edited)
    os.chmod(tmp, 0o660)
    os.replace(tmp, path)


def shared(folder: Path) -> Path:
    wp = seed(folder / "workplan.json")
    actions.add_norm(make_store(wp), "We notify members in advance if we miss a meeting")
    for path in folder.iterdir():
        os.chown(path, os.stat(path).st_uid, share_gid())
        os.chmod(path, 0o660)
    return wp


def test_a_hand_edit_is_announced_then_logged_by_the_next_write(users: dict[str, int], shared_dir: Path) -> None:
    wp = shared(shared_dir)
    assert check(wp)[2]["outside_edit"] is None  # as workplan wrote it
    log_before = len(log_of(wp))

    def edit() -> None:
        by_hand(wp, b'"title":"Order soil"', b'"title":"Order compost"')
        by_hand(wp, b"if we miss a meeting", b"if we miss a meeting or a deadline")

    as_user("wpbob", edit)
    code, out, report = check(wp)
    assert code == 0  # a valid hand edit is fine: said, not refused
    assert report["outside_edit"]["by"] == "wpbob" and report["outside_edit"]["records"] == ["N1", "T1"]
    assert "changed outside workplan at " in out and "by wpbob: N1, T1 differ from the log" in out
    assert len(log_of(wp)) == log_before  # reading writes nothing

    actions.set_progress(make_store(wp), 2, "30")  # the next write, by anyone
    log = log_of(wp)
    outside = [e for e in log if e["kind"] == "outside.edit"]
    assert [(e["record"], e["member"], e["os_user"]) for e in outside] == [("N1", WHO, "wpbob"), ("T1", WHO, "wpbob")]
    assert outside[1]["changes"] == {"title": ["Order soil", "Order compost"]}
    assert log[-1]["kind"] == "task.progress" and log[-1]["id"] == outside[-1]["id"] + 1
    data = json.loads(wp.read_text())
    assert data["tasks"]["1"]["title"] == "Order compost"  # the edit is kept
    assert check(wp)[2]["outside_edit"] is None
    shown = json.loads(CliRunner().invoke(cli, ["-f", str(wp), "log", "--record", "T1", "--json"]).stdout)
    assert shown[0]["changes"] == {"title": ["Order soil", "Order compost"]} and shown[0]["member"] == WHO
    assert outside[0]["at"] <= log[-1]["at"]  # in time order: never later than the write that logs it


def test_an_edit_in_place_names_nobody(users: dict[str, int], shared_dir: Path) -> None:
    wp = shared(shared_dir)
    as_user("wpbob", lambda: by_hand(wp, b'"progress":0', b'"progress":5', in_place=True))
    report = check(wp)[2]["outside_edit"]
    assert report["by"] is None and report["records"] == ["T1"]  # the file still belongs to its last writer
    assert "changed outside workplan at " in report["said"] and ": T1 differs from the log" in report["said"]


def test_a_record_removed_by_hand_is_logged_whole(tmp_path: Path) -> None:
    wp = seed(tmp_path / "w.json")
    raw = wp.read_bytes()
    line = next(line for line in raw.split(b"\n") if line.startswith(b'"3": {"plan":1,"title":"Find volunteers"'))
    wp.write_bytes(raw.replace(b",\n" + line, b"", 1))  # the last task's line deleted
    assert check(wp)[2]["outside_edit"]["records"] == ["T3"]
    actions.set_progress(make_store(wp), 1, "10")
    gone = next(e for e in log_of(wp) if e["kind"] == "outside.edit")
    assert gone["record"] == "T3" and gone["changes"]["record"][0]["record"]["title"] == "Find volunteers"
    assert gone["changes"]["record"][1] is None


def test_without_workplans_copy_the_edit_is_still_seen(tmp_path: Path) -> None:
    """The copy gone (or older than the file, after a git checkout): the edit is announced without
    its records, and logged as one entry on the partnership."""
    wp = seed(tmp_path / "w.json")
    copy_path(wp).unlink()
    wp.write_bytes(wp.read_bytes().replace(b'"title":"Order soil"', b'"title":"Order compost"', 1))
    report = check(wp)[2]["outside_edit"]
    assert report["records"] is None and "which records is not known" in report["said"]
    actions.set_progress(make_store(wp), 2, "30")
    entry = next(e for e in log_of(wp) if e["kind"] == "outside.edit")
    assert entry["record"] == "partnership" and copy_path(wp).exists()


def test_a_file_from_before_the_copy_is_not_announced(tmp_path: Path) -> None:
    """No seal and no copy: written before workplan kept either, not edited since as far as
    anyone can tell: nothing to say, as before."""
    wp = seed(tmp_path / "w.json")
    copy_path(wp).unlink()
    data = json.loads(wp.read_text())
    del data["meta"]["1"]["digest"]
    wp.write_text(json.dumps(data))
    assert check(wp)[2]["outside_edit"] is None
