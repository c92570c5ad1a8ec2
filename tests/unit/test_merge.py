"""The record-by-record three-way merge (issue 14), on real files written through the store.

Each test starts from the seeded partnership (the common version), copies it twice, changes
the copies as two members on two machines would (through the store's actions, each with its
own clock), and merges.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import FIXED_NOW, seed
from tests.unit.test_contract import assert_follows_contract
from workplan_tui.cli.main import cli
from workplan_tui.model import schema
from workplan_tui.store import actions, layout
from workplan_tui.store.history import history_path_for
from workplan_tui.store.store import Store, iso
from workplan_tui.sync.driver import load_copy, merge_files
from workplan_tui.sync.merge import MergeError, Result, canon, merge


def at(minute: int) -> datetime:
    return FIXED_NOW.replace(hour=10, minute=minute)  # after the seed, on the pinned day


def store(path: Path, user: str, minute: int) -> Store:
    return Store(path, user=user, clock=lambda: at(minute))


def copy(src: Path, folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(src, folder / src.name)
    shutil.copy(history_path_for(src), history_path_for(folder / src.name))
    return folder / src.name


@pytest.fixture
def three(tmp_path: Path) -> tuple[Path, Path, Path]:
    base = seed(copy_target(tmp_path / "base"))
    return base, copy(base, tmp_path / "ours"), copy(base, tmp_path / "theirs")


def copy_target(folder: Path) -> Path:
    folder.mkdir()
    return folder / "partnership.json"


def loaded(path: Path, name: str) -> object:
    log = history_path_for(path)
    return load_copy(name, path.read_bytes(), log.read_bytes() if log.exists() else None)


def merged(base: Path, ours: Path, theirs: Path, user: str = "carol") -> Result:
    return merge(loaded(base, "base"), loaded(ours, "ours"), loaded(theirs, "theirs"), user=user)  # type: ignore[arg-type]


def assert_sound(result: Result) -> None:
    assert schema.validate(result.data) == []
    marker = result.data["meta"]["1"]["history"]
    assert marker == {"last": result.log[-1]["id"], "bytes": len(result.log_bytes)}
    ids = [e["id"] for e in result.log]
    assert ids == sorted(set(ids)), "log ids must rise"


def test_one_sided_changes_are_taken_and_both_logs_kept(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.set_progress(store(ours, "alice", 1), 1, "40")
    actions.set_due(store(theirs, "bob", 2), 2, "2027-01-15")
    actions.add_note(store(theirs, "bob", 3), 3, "Asked the school")
    result = merged(base, ours, theirs)
    assert_sound(result)
    tasks = result.data["tasks"]
    assert tasks["1"]["progress"] == 40 and tasks["2"]["due"] == "2027-01-15"
    assert [u["text"] for u in tasks["3"]["updates"]] == ["Asked the school"]
    assert result.conflicts == [] and "conflicts" not in result.data
    new = result.log[len(loaded(base, "base").log) :]  # type: ignore[attr-defined]
    kinds = [(e["member"], e["kind"]) for e in new]
    assert kinds == [("alice", "task.progress"), ("bob", "task.due"), ("bob", "task.note")]
    assert (result.from_ours, result.from_theirs) == (1, 2)


def test_a_field_both_sides_changed_is_a_conflict_in_the_file(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.set_progress(store(ours, "alice", 1), 1, "40")
    actions.set_progress(store(theirs, "bob", 5), 1, "70")
    result = merged(base, ours, theirs)
    assert_sound(result)
    assert result.conflicts == ["C1"]
    conflict = result.data["conflicts"]["1"]
    assert (conflict["record"], conflict["field"], conflict["base"]) == ("T1", "progress", 0)
    assert conflict["sides"] == [
        {"value": 40, "by": "alice", "at": iso(at(1))},
        {"value": 70, "by": "bob", "at": iso(at(5))},
    ]
    assert result.data["tasks"]["1"]["progress"] == 70  # the later change, until someone settles it
    assert result.data["tasks"]["1"]["status"] == "doing"  # both sides made it doing: no conflict
    assert result.log[-1]["kind"] == "merge.conflict" and result.log[-1]["record"] == "T1"
    assert b"<<<<<<<" not in layout.serialize(result.data)
    # the same merge whichever side runs it
    other = merged(base, theirs, ours)
    assert canon(other.data) == canon(result.data) and other.log == result.log


def test_records_both_sides_added_are_kept_one_renumbered(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.add_plan(store(ours, "alice", 1), "Pantry")  # P2 here
    actions.add_task(store(ours, "alice", 2), 2, "Stock shelves")  # T4 in P2
    actions.add_plan(store(theirs, "bob", 3), "Harvest fair")  # P2 there too
    actions.add_task(store(theirs, "bob", 4), 2, "Book the hall")  # T4 in their P2
    actions.add_outcome(store(theirs, "bob", 5), 2, "Visitors", 200)  # O2 in their P2
    actions.add_task(store(theirs, "bob", 6), 2, "Posters", outcome=2)  # T5 -> their O2
    result = merged(base, ours, theirs)
    assert_sound(result)
    plans, tasks = result.data["plans"], result.data["tasks"]
    assert plans["2"]["title"] == "Pantry" and plans["3"]["title"] == "Harvest fair"  # created first keeps P2
    by_title = {t["title"]: (k, t) for k, t in tasks.items()}
    assert by_title["Stock shelves"][0] == "4" and by_title["Stock shelves"][1]["plan"] == 2
    hall_key, hall = by_title["Book the hall"]
    assert hall["plan"] == 3 and hall_key != "4"  # followed its plan, and moved off T4
    assert by_title["Posters"][1]["plan"] == 3 and by_title["Posters"][1]["outcome"] == 2  # O2 was theirs alone
    notes = {e["changes"]["note"][1] for e in result.log if e["kind"] == "merge.renumber"}
    assert "P2 from bob's copy is now P3" in notes
    assert f"T4 from bob's copy is now T{hall_key}" in notes
    # their log entries name the records by their new ids
    fair = [e for e in result.log if e["member"] == "bob" and e["kind"] == "task.add"]
    assert {e["record"] for e in fair} == {f"T{hall_key}", f"T{by_title['Posters'][0]}"}
    assert all(e["changes"]["plan"][1] == 3 for e in fair)
    assert canon(merged(base, theirs, ours).data) == canon(result.data)


def test_check_ins_notes_and_votes_are_unions_in_time_order(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.checkin(store(ours, "alice", 1), 1, 10)
    actions.checkin(store(theirs, "bob", 2), 1, 14, "week two")
    actions.add_note(store(theirs, "bob", 3), 1, "theirs")
    actions.add_note(store(ours, "alice", 4), 1, "ours")
    actions.vote(store(ours, "alice", 4), 1, "agree")
    actions.vote(store(ours, "alice", 6), 1, "abstain")
    actions.vote(store(theirs, "bob", 3), 1, "agree")
    actions.vote(store(theirs, "alice", 5), 1, "disagree", "on my laptop")
    result = merged(base, ours, theirs)
    assert_sound(result)
    assert result.conflicts == []
    outcome = result.data["outcomes"]["1"]
    assert [c["value"] for c in outcome["checkins"]] == [10, 14] and outcome["current"] == 14
    assert [u["text"] for u in result.data["tasks"]["1"]["updates"]] == ["theirs", "ours"]
    workplan = schema.build(result.data)
    assert len(workplan.votes) == 4
    current = workplan.current_votes(1)
    assert current["alice"].position == "abstain" and current["bob"].position == "agree"  # each one's latest
    times = [e["at"] for e in result.log]
    assert times == sorted(times)
    # merging again changes nothing: no duplicates
    again_dir = ours.parent.parent / "again"
    again = copy_target(again_dir)
    again.write_bytes(layout.serialize(result.data))
    history_path_for(again).write_bytes(result.log_bytes)
    twice = merged(base, again, theirs)
    for name in result.data:
        for key in result.data[name]:
            assert twice.data[name][key] == result.data[name][key], (name, key)
    assert canon(twice.data) == canon(result.data) and twice.log_bytes == result.log_bytes


def test_a_change_both_copies_hold_comes_once(three: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """Both sides merged the same third copy's change before: one entry, one note."""
    base, ours, theirs = three
    actions.add_note(store(ours, "carol", 1), 2, "from carol's copy")
    shutil.copy(ours, theirs)
    shutil.copy(history_path_for(ours), history_path_for(theirs))
    actions.set_progress(store(ours, "alice", 2), 3, "20")
    actions.set_due(store(theirs, "bob", 3), 3, "2027-02-01")
    result = merged(base, ours, theirs)
    assert_sound(result)
    assert [e["changes"] for e in result.log].count({"note": [None, "from carol's copy"]}) == 1
    assert len(result.data["tasks"]["2"]["updates"]) == 1


def test_a_record_removed_on_one_side_and_changed_on_the_other_is_kept(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.remove_task(store(ours, "alice", 1), 3)
    actions.set_progress(store(theirs, "bob", 2), 3, "30")
    result = merged(base, ours, theirs)
    assert_sound(result)
    assert result.data["tasks"]["3"]["progress"] == 30
    conflict = result.data["conflicts"]["1"]
    assert conflict["field"] == "(record)"
    assert [(s["value"], s["by"]) for s in conflict["sides"]] == [("removed", "alice"), ("kept", "bob")]


def test_a_removed_outcome_the_other_side_links_to_is_kept(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.remove_outcome(store(ours, "alice", 1), 1, unlink=True)  # T2 was linked: unlinked here
    actions.add_task(store(theirs, "bob", 2), 1, "Measure beds", outcome=1)
    result = merged(base, ours, theirs)
    assert_sound(result)
    assert "1" in result.data["outcomes"]
    assert any(c["record"] == "O1" and c["field"] == "(record)" for c in result.data["conflicts"].values())


def test_removed_on_one_side_unchanged_on_the_other_is_removed(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.remove_task(store(ours, "alice", 1), 3)
    actions.set_progress(store(theirs, "bob", 2), 1, "30")
    result = merged(base, ours, theirs)
    assert_sound(result)
    assert "3" not in result.data["tasks"] and result.data["tasks"]["1"]["progress"] == 30
    assert result.data["meta"]["1"]["retired_ids"] == {"tasks": 3}


def run(*args: str, user: str = "alice", path: Path | None = None) -> object:
    env = {"WORKPLAN_USER": user}
    if path is not None:
        env["WORKPLAN_FILE"] = str(path)
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_merge_file_by_hand_then_conflicts_and_resolve(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.edit_task(store(ours, "alice", 1), 1, {"notes": "ours"})
    actions.edit_task(store(theirs, "bob", 2), 1, {"notes": "theirs \x1b[2J[b]x[/b]"})
    result = run("merge-file", str(base), str(ours), str(theirs), "--json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    report = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert_follows_contract("merge-file", report)
    assert report["conflicts"] == ["C1"]
    assert run("check", path=ours).exit_code == 0  # type: ignore[attr-defined]
    listed = run("conflicts", path=ours)
    assert "\x1b" not in listed.stdout and "C1  T1 notes" in listed.stdout  # type: ignore[attr-defined]
    shown = json.loads(run("conflicts", "--json", path=ours).stdout)  # type: ignore[attr-defined]
    assert_follows_contract("conflicts", shown)
    assert [s["by"] for s in shown[0]["sides"]] == ["alice", "bob"] and shown[0]["current"].startswith("theirs")
    assert run("resolve", "C1", "mine", path=ours, user="carol").exit_code == 1  # type: ignore[attr-defined]
    settled = run("resolve", "C1", "mine", "--json", path=ours, user="alice")
    assert settled.exit_code == 0, settled.output  # type: ignore[attr-defined]
    assert_follows_contract("resolve", json.loads(settled.stdout))  # type: ignore[attr-defined]
    data = json.loads(ours.read_text())
    assert data["tasks"]["1"]["notes"] == "ours" and data["conflicts"] == {}
    kinds = [json.loads(line)["kind"] for line in history_path_for(ours).read_text().splitlines()]
    assert kinds[-2:] == ["conflict.resolve", "conflict.settle"]
    assert run("check", path=ours).exit_code == 0  # type: ignore[attr-defined]


def test_resolving_a_removal_conflict_removes_the_record(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.remove_task(store(ours, "alice", 1), 3)
    actions.set_progress(store(theirs, "bob", 2), 3, "30")
    assert run("merge-file", str(base), str(ours), str(theirs)).exit_code == 0  # type: ignore[attr-defined]
    assert run("resolve", "C1", "removed", path=ours).exit_code == 0  # type: ignore[attr-defined]
    data = json.loads(ours.read_text())
    assert "3" not in data["tasks"] and data["conflicts"] == {}
    assert run("check", path=ours).exit_code == 0  # type: ignore[attr-defined]


BAD_COPIES = {
    "not JSON": lambda raw: raw[: len(raw) // 2],
    "a repeated key": lambda raw: raw.replace(b'"tasks": {', b'"tasks": {}, "tasks": {', 1),
    "a bad record": lambda raw: raw.replace(b'"progress":0', b'"progress":300', 1),
    "a newer schema": lambda raw: raw.replace(b'"schema_version":2', b'"schema_version":99', 1),
    "a dangling reference": lambda raw: raw.replace(b'"outcome":1', b'"outcome":9', 1),
}


@pytest.mark.parametrize("damage", BAD_COPIES, ids=list(BAD_COPIES))
def test_a_copy_that_is_not_sound_is_refused_and_ours_untouched(three: tuple[Path, Path, Path], damage: str) -> None:
    base, ours, theirs = three
    actions.set_progress(store(ours, "alice", 1), 1, "40")
    actions.set_progress(store(theirs, "bob", 2), 2, "50")
    theirs.write_bytes(BAD_COPIES[damage](theirs.read_bytes()))
    before = ours.read_bytes(), history_path_for(ours).read_bytes()
    result = run("merge-file", str(base), str(ours), str(theirs))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    message = result.stderr.strip()  # type: ignore[attr-defined]
    assert "\n" not in message and "Traceback" not in message and "their copy" in message
    if damage == "a newer schema":
        assert "newer workplan" in message
    assert (ours.read_bytes(), history_path_for(ours).read_bytes()) == before


def test_a_damaged_log_is_refused(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.set_progress(store(theirs, "bob", 2), 2, "50")
    log = history_path_for(theirs)
    lines = log.read_bytes().split(b"\n")
    lines[2] = b'{"id":3,"at":"yesterday"}'.ljust(len(lines[2]))  # same length: the marker still fits
    log.write_bytes(b"\n".join(lines))
    with pytest.raises(MergeError, match="their copy: .*line 3"):
        merge_files(base, ours, theirs, user="carol", os_user="carol")


def test_an_empty_common_version_is_refused(three: tuple[Path, Path, Path]) -> None:
    _, ours, theirs = three
    empty = ours.parent.parent / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(MergeError, match="two different partnerships"):
        merge_files(empty, ours, theirs, user="carol", os_user="carol")


def test_merge_keeps_fields_and_tables_a_newer_version_added(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    for path, extra in ((ours, {"colour": "red"}), (theirs, {"size": 3})):
        data = orjson.loads(path.read_bytes())
        data["tasks"]["1"].update(extra)
        data.setdefault("badges", {})["1"] = {"name": f"from {path.parent.name}"}
        path.write_bytes(layout.serialize(data))
    result = merged(base, ours, theirs)
    assert_sound(result)
    assert result.data["tasks"]["1"]["colour"] == "red" and result.data["tasks"]["1"]["size"] == 3
    assert len(result.data["badges"]) == 2  # both kept, one renumbered


def test_the_merge_knows_every_kind_of_removal_the_actions_make() -> None:
    """One list of the kinds that remove a record (model/changes.py): the merge's own copy
    lacked grant.rm, so a grant removed on one side and changed on the other named nobody."""
    from workplan_tui.store import actions
    from workplan_tui.sync import merge

    assert set(merge.REMOVAL_KINDS) == set(actions.REMOVALS)


def test_two_changes_that_read_the_same_are_both_kept(three: tuple[Path, Path, Path]) -> None:
    """A member votes 'agree' twice within one second (a double key press, a script run twice):
    two log entries that read the same. They are two changes, so the merge keeps both, on
    whichever side they are and however often they were merged before."""
    base, ours, theirs = three
    for _ in range(3):
        actions.vote(store(ours, "alice", 1), 1, "agree")
    actions.set_progress(store(theirs, "bob", 2), 1, "40")
    result = merged(base, ours, theirs)
    assert_sound(result)
    votes = [e for e in result.log if e["kind"] == "vote" and e["member"] == "alice" and e["at"] == iso(at(1))]
    assert len(votes) == 3
    again = merged(base, ours, theirs)  # the same merge, twice: the same log
    assert again.log == result.log
    shutil.copy(ours, theirs)  # theirs now holds ours' votes, merged in before, and one more
    shutil.copy(history_path_for(ours), history_path_for(theirs))
    actions.vote(store(theirs, "alice", 1), 1, "agree")
    result = merged(base, ours, theirs)
    assert len([e for e in result.log if e["kind"] == "vote" and e["at"] == iso(at(1))]) == 4


@pytest.mark.parametrize("later", ["other fields", "the same field", "removed", "removed and changed"])
def test_a_record_both_sides_got_without_a_common_version_is_one(three: tuple[Path, Path, Path], later: str) -> None:
    """Bob's new T4 reached ours too, by a commit git does not see as shared (cherry-picked,
    squashed): the common version lacks it. It is one record, and what each side did to it
    since is merged as for any record: told from the log (whose entries only one side holds)."""
    base, ours, theirs = three
    actions.add_task(store(theirs, "bob", 1), 1, "Bob's task")
    for path in (theirs, history_path_for(theirs)):
        shutil.copy(path, ours.parent / path.name)
    if later.startswith("removed"):
        actions.remove_task(store(theirs, "bob", 2), 4)
    else:
        actions.edit_task(store(theirs, "bob", 2), 4, {"notes": "from bob"})
        actions.set_progress(store(theirs, "bob", 2), 4, "30")
    if later in ("other fields", "removed and changed"):
        actions.add_note(store(ours, "alice", 3), 4, "alice's note")
    if later == "the same field":
        actions.set_progress(store(ours, "alice", 3), 4, "20")
    result = merged(base, ours, theirs)
    assert_sound(result)
    tasks = result.data["tasks"]
    conflicts = [(c["record"], c["field"]) for c in result.data.get("conflicts", {}).values()]
    assert [e["kind"] for e in result.log].count("task.add") == 4 and not result.renumbered
    if later == "removed":
        assert "4" not in tasks and conflicts == []
        return
    assert list(tasks) == ["1", "2", "3", "4"]
    if later == "removed and changed":
        assert conflicts == [("T4", "(record)")]
        return
    assert tasks["4"]["notes"] == "from bob"
    if later == "other fields":
        assert tasks["4"]["progress"] == 30 and [u["text"] for u in tasks["4"]["updates"]] == ["alice's note"]
        assert conflicts == []
    else:
        assert conflicts == [("T4", "progress")] and tasks["4"]["progress"] == 20  # the later change holds


# --- work over time (issue 29) ----------------------------------------------------------------------


def test_a_dependency_added_on_both_sides_comes_once_and_others_are_kept(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.set_waits(store(ours, "alice", 1), 2, add=[1])
    actions.set_waits(store(theirs, "bob", 2), 2, add=[1])  # the same one
    actions.set_waits(store(theirs, "bob", 3), 3, add=[2])
    result = merged(base, ours, theirs)
    assert_sound(result)
    assert result.data["tasks"]["2"]["waits_on"] == [1] and result.data["tasks"]["3"]["waits_on"] == [2]
    assert result.conflicts == []
    actions.set_waits(store(ours, "alice", 4), 3, add=[1])  # ours: T3 waits on T1 too
    again = merged(base, ours, theirs)
    assert sorted(again.data["tasks"]["3"]["waits_on"]) == [1, 2]
    assert canon(merged(base, theirs, ours).data["tasks"]) == canon(again.data["tasks"])


def test_a_removal_on_one_side_and_an_addition_on_the_other_are_both_kept(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.set_waits(store(base, "alice", 0), 3, add=[1, 2])
    for copy_of in (ours, theirs):
        shutil.copy(base, copy_of)
        shutil.copy(history_path_for(base), history_path_for(copy_of))
    actions.set_waits(store(ours, "alice", 1), 3, remove=[1])
    actions.add_task(store(theirs, "bob", 2), 1, "Rake")  # T4
    actions.set_waits(store(theirs, "bob", 3), 3, add=[4])
    result = merged(base, ours, theirs)
    assert_sound(result)
    assert result.data["tasks"]["3"]["waits_on"] == [2, 4]


def test_a_circle_made_by_two_copies_is_a_conflict_never_stored(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.set_waits(store(ours, "alice", 1), 2, add=[1])  # here T2 waits on T1
    actions.set_waits(store(theirs, "bob", 2), 1, add=[2])  # there T1 waits on T2
    result = merged(base, ours, theirs)
    assert_sound(result)  # the file check refuses a circle: none was stored
    tasks = result.data["tasks"]
    assert tasks["2"]["waits_on"] == [1] and tasks["1"]["waits_on"] == []  # the later one left out
    [label] = result.conflicts
    conflict = result.data["conflicts"][label[1:]]
    assert (conflict["record"], conflict["field"]) == ("T1", "waits_on")
    assert [side["value"] for side in conflict["sides"]] == [[], [2]] and conflict["sides"][1]["by"] == "bob"
    assert canon(merged(base, theirs, ours).data["tasks"]) == canon(tasks)


def test_settling_a_circle_conflict_the_circle_s_way_is_refused(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.set_waits(store(ours, "alice", 1), 2, add=[1])
    actions.set_waits(store(theirs, "bob", 2), 1, add=[2])
    assert run("merge-file", str(base), str(ours), str(theirs)).exit_code == 0  # type: ignore[attr-defined]
    refused = run("resolve", "C1", "2", path=ours, user="alice")
    assert refused.exit_code == 1 and "would go round in a circle" in refused.stderr  # type: ignore[attr-defined]
    assert run("resolve", "C1", "1", path=ours, user="alice").exit_code == 0  # type: ignore[attr-defined]
    assert run("check", path=ours).exit_code == 0  # type: ignore[attr-defined]


def test_a_renumbered_task_is_renumbered_where_others_wait_on_it(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.add_task(store(ours, "alice", 1), 1, "Dig")  # T4 here
    actions.add_task(store(theirs, "bob", 2), 1, "Plant")  # T4 there too: renumbered
    actions.set_waits(store(theirs, "bob", 3), 3, add=[4])  # their T3 waits on their T4
    actions.add_milestone(store(theirs, "bob", 4), 1, "Planted", "2027-01-10", tasks=[4])
    result = merged(base, ours, theirs)
    assert_sound(result)
    plant = next(k for k, t in result.data["tasks"].items() if t["title"] == "Plant")
    assert plant != "4" and result.data["tasks"]["3"]["waits_on"] == [int(plant)]
    assert result.data["milestones"]["1"]["tasks"] == [int(plant)]


def test_a_task_removed_on_one_side_that_the_other_now_waits_on_is_kept(three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = three
    actions.remove_task(store(ours, "alice", 1), 3)
    actions.set_waits(store(theirs, "bob", 2), 1, add=[3])
    result = merged(base, ours, theirs)
    assert_sound(result)
    assert "3" in result.data["tasks"] and result.data["tasks"]["1"]["waits_on"] == [3]
    assert any(c["field"] == "(record)" and c["record"] == "T3" for c in result.data["conflicts"].values())


# --- a meeting's agenda: an order people chose ------------------------------------------------------


@pytest.fixture
def agenda_three(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The seeded partnership with meeting M1, agenda: Welcome, Budget, Any other business."""
    base = seed(copy_target(tmp_path / "base"))
    s = store(base, "alice", 0)
    actions.add_meeting(s, "Partners", "2027-01-12", agenda=False)
    for text in ("Welcome", "Budget", "Any other business"):
        actions.agenda_add(s, 1, text)
    return base, copy(base, tmp_path / "ours"), copy(base, tmp_path / "theirs")


def agenda_of(result: Result) -> list[str]:
    return [item["text"] for item in result.data["meetings"]["1"]["agenda"]]


def test_agenda_items_added_in_two_clones_are_both_kept_where_each_was_put(
    agenda_three: tuple[Path, Path, Path],
) -> None:
    """Before: two partners adding to the next meeting's agenda in their clones made a conflict."""
    base, ours, theirs = agenda_three
    actions.agenda_add(store(ours, "alice", 1), 1, "Grant report", at=3)  # before any other business
    actions.agenda_add(store(theirs, "bob", 2), 1, "Volunteer rota")  # last
    actions.agenda_add(store(theirs, "bob", 3), 1, "Plot allocation", at=2)  # after the welcome
    result = merged(base, ours, theirs)
    assert_sound(result)
    assert result.conflicts == []
    assert agenda_of(result) == [
        "Welcome", "Plot allocation", "Budget", "Grant report", "Any other business", "Volunteer rota",
    ]  # fmt: skip
    other = merged(base, theirs, ours)
    assert canon(other.data) == canon(result.data)


def test_an_agenda_item_taken_out_on_one_side_and_moved_on_the_other_is_gone_and_the_move_kept(
    agenda_three: tuple[Path, Path, Path],
) -> None:
    base, ours, theirs = agenda_three
    actions.agenda_remove(store(ours, "alice", 1), 1, 1)  # the welcome
    actions.agenda_move(store(theirs, "bob", 2), 1, 3, 2)  # any other business before the budget
    actions.agenda_add(store(theirs, "bob", 3), 1, "Budget")  # the same text twice: which is which is unknown
    assert merged(base, ours, theirs).conflicts == ["C1"]
    actions.agenda_remove(store(theirs, "bob", 4), 1, 3)
    result = merged(base, ours, theirs)
    assert result.conflicts == []
    assert agenda_of(result) == ["Any other business", "Budget"]


def test_an_agenda_put_in_two_different_orders_is_a_conflict(agenda_three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = agenda_three
    actions.agenda_move(store(ours, "alice", 1), 1, 1, 3)  # the welcome last
    actions.agenda_move(store(theirs, "bob", 2), 1, 3, 1)  # any other business first
    result = merged(base, ours, theirs)
    assert_sound(result)
    assert result.conflicts == ["C1"]
    conflict = result.data["conflicts"]["1"]
    assert (conflict["record"], conflict["field"]) == ("M1", "agenda")
    # The lead choosing between them sees the two orders, not '[3]' twice.
    assert run("merge-file", str(base), str(ours), str(theirs)).exit_code == 0  # type: ignore[attr-defined]
    shown = run("conflicts", path=ours).stdout  # type: ignore[attr-defined]
    assert "1: Budget, Any other business, Welcome" in shown, shown
    assert "2: Any other business, Welcome, Budget" in shown, shown


def test_an_agenda_moved_on_one_side_keeps_the_other_sides_addition(agenda_three: tuple[Path, Path, Path]) -> None:
    base, ours, theirs = agenda_three
    actions.agenda_move(store(ours, "alice", 1), 1, 2, 3)  # the budget last
    actions.agenda_add(store(theirs, "bob", 2), 1, "Budget figures", at=3)  # after the budget
    result = merged(base, ours, theirs)
    assert result.conflicts == []
    assert agenda_of(result) == ["Welcome", "Any other business", "Budget", "Budget figures"]


def test_two_agendas_too_long_together_are_a_conflict_not_a_merge_that_never_ends(
    agenda_three: tuple[Path, Path, Path],
) -> None:
    """Each copy's agenda was sound (260 items, at most 500); both together were not, and the
    merge refused with 'nothing merged': the two clones could never sync again."""
    base, ours, theirs = agenda_three
    for path, who in ((ours, "alice"), (theirs, "bob")):
        data = json.loads(path.read_bytes())
        data["meetings"]["1"]["agenda"] += [{"text": f"{who} {n}"} for n in range(260)]
        path.write_bytes(orjson.dumps(data))
    result = merged(base, ours, theirs)
    assert_sound(result)
    assert result.conflicts == ["C1"]
    conflict = result.data["conflicts"]["1"]
    assert (conflict["record"], conflict["field"]) == ("M1", "agenda")
    assert sorted(len(side["value"]) for side in conflict["sides"]) == [263, 263]  # nothing lost
    assert len(agenda_of(result)) == 263
    assert canon(merged(base, theirs, ours).data["meetings"]) == canon(result.data["meetings"])


def _edited(draw: st.DrawFn, base: list[int], new: range) -> list[int]:
    """``base`` with some items taken out and some of ``new`` put in anywhere, never moved."""
    out = [v for v in base if draw(st.booleans())]
    for value in draw(st.lists(st.sampled_from(new), unique=True, max_size=5)):
        out.insert(draw(st.integers(0, len(out))), value)
    return out


@st.composite
def agenda_edits(draw: st.DrawFn) -> tuple[list[int], list[int], list[int]]:
    base = draw(st.lists(st.integers(0, 50), unique=True, max_size=8))
    return base, _edited(draw, base, range(100, 110)), _edited(draw, base, range(200, 210))


@given(agenda_edits())
def test_agenda_additions_and_removals_on_both_sides_merge_without_conflict(
    edits: tuple[list[int], list[int], list[int]],
) -> None:
    """Property: whatever items two sides add and take out (not moving any), the merge keeps
    each addition once and drops each removal, keeps each side's order, and is the same
    whichever side runs it."""
    from workplan_tui.sync.merge import _merge_sequence

    base, ours, theirs = edits
    result = _merge_sequence(base, ours, theirs)
    assert result is not None
    assert result == _merge_sequence(base, theirs, ours)
    expected = {v for v in base if v in ours and v in theirs} | {v for v in [*ours, *theirs] if v not in base}
    assert sorted(result) == sorted(expected)
    for side in (ours, theirs):
        assert [v for v in result if v in side] == [v for v in side if v in expected]


def _doubts(path: Path) -> list[str]:
    result = run("check", "--json", path=path)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return list(json.loads(result.stdout)["doubts"])  # type: ignore[attr-defined]


def test_a_facilitator_made_the_alternate_by_two_copies_is_a_conflict_never_stored(tmp_path: Path) -> None:
    """alice made bob the facilitator in her copy, bob made himself the alternate in his: each
    edit was sound, and the merge stored bob in both roles, which every edit refuses."""
    from tests.clock import iso_day

    base = seed(copy_target(tmp_path / "base"))
    actions.add_meeting(store(base, "alice", 0), "Kick-off", iso_day(3), facilitator="alice", alternate="carol")
    ours, theirs = copy(base, tmp_path / "ours"), copy(base, tmp_path / "theirs")
    actions.edit_meeting(store(ours, "alice", 1), 1, {"facilitator": "bob"})
    actions.edit_meeting(store(theirs, "bob", 2), 1, {"alternate": "bob"})  # the later change
    result = merged(base, ours, theirs)
    assert_sound(result)
    meeting = result.data["meetings"]["1"]
    assert (meeting["facilitator"], meeting["alternate"]) == ("bob", "carol")  # the later change left out
    [name] = result.conflicts
    conflict = result.data["conflicts"][name[1:]]
    assert (conflict["record"], conflict["field"], conflict["base"]) == ("M1", "alternate", "carol")
    assert [(s["value"], s["by"]) for s in conflict["sides"]] == [("carol", "alice"), ("bob", "bob")]
    assert canon(merged(base, theirs, ours).data["meetings"]) == canon(result.data["meetings"])
    assert run("merge-file", str(base), str(ours), str(theirs)).exit_code == 0  # type: ignore[attr-defined]
    assert _doubts(ours) == []
    refused = run("resolve", "C1", "2", path=ours, user="bob")
    assert refused.exit_code == 1  # type: ignore[attr-defined]
    said = "bob cannot be both the facilitator and the alternate; choose another alternate; nothing settled"
    assert refused.stderr == f"workplan: error: {said}\n"  # type: ignore[attr-defined]
    assert run("resolve", "C1", "1", path=ours, user="bob").exit_code == 0  # type: ignore[attr-defined]
    assert _doubts(ours) == []


def test_two_copies_that_each_made_the_next_instance_keep_both_with_a_conflict(tmp_path: Path) -> None:
    """The weekly task was done in both copies, and each made the next: the merge kept both, and
    the series had two open instances with nothing to say so. Now the one made later carries a
    conflict: 'removed' takes it away; 'kept' is refused while the other is open."""
    from tests.clock import iso_day

    base = seed(copy_target(tmp_path / "base"))
    actions.add_task(store(base, "alice", 0), 1, "Weigh the harvest", every="week", due=iso_day(0))  # T4
    ours, theirs = copy(base, tmp_path / "ours"), copy(base, tmp_path / "theirs")
    actions.set_status(store(ours, "alice", 1), 4, "done")  # T5 here
    actions.set_status(store(theirs, "bob", 2), 4, "done")  # T5 there, made later: T6 after the merge
    result = merged(base, ours, theirs)
    assert_sound(result)
    assert [k for k, t in result.data["tasks"].items() if t.get("series") == 1 and t["status"] != "done"] == ["5", "6"]
    [name] = result.conflicts
    conflict = result.data["conflicts"][name[1:]]
    assert (conflict["record"], conflict["field"]) == ("T6", "(record)")
    assert [(s["value"], s["by"]) for s in conflict["sides"]] == [("removed", "alice"), ("kept", "bob")]
    assert canon(merged(base, theirs, ours).data["conflicts"]) == canon(result.data["conflicts"])
    assert run("merge-file", str(base), str(ours), str(theirs)).exit_code == 0  # type: ignore[attr-defined]
    assert _doubts(ours) == ["S1 has 2 open instances (T5, T6); a recurring series has one open at a time"]
    kept = run("resolve", "C1", "kept", path=ours, user="bob")
    assert kept.exit_code == 1 and "T6 cannot be kept: S1 would have 2 open instances" in kept.stderr  # type: ignore[attr-defined]
    assert run("resolve", "C1", "removed", path=ours, user="bob").exit_code == 0  # type: ignore[attr-defined]
    assert _doubts(ours) == [] and "6" not in json.loads(ours.read_text())["tasks"]
