"""The store against a real file in tmp_path."""

import json
import os
import stat
from pathlib import Path

import orjson
import pytest

from tests.conftest import LOGIN, bound, log_of, make_store
from workplan_tui.model.records import SCHEMA_VERSION
from workplan_tui.model.rules import RuleError
from workplan_tui.store import actions
from workplan_tui.store.storage import InvalidFileError, ReadOnlyError, lock_path_for
from workplan_tui.store.store import ConflictError, NotFoundError, NotMemberError, Store


def raw(path: Path) -> dict:
    return json.loads(path.read_text())


def test_records_read_back(store: Store) -> None:
    wp = store.read()
    assert wp.partnership.name == "Test Partnership"
    assert set(wp.members) == {"alice", "bob", "carol"}
    assert wp.plans[1].status == "proposed"
    assert [t.title for t in wp.tasks_of(1)] == ["Order soil", "Build beds", "Find volunteers"]
    assert wp.partnership.schema_version == SCHEMA_VERSION


def test_progress_write_bumps_revision_and_logs_before_after(store: Store, wp: Path) -> None:
    before = raw(wp)["tasks"]["1"]["rev"]
    actions.set_progress(store, 1, "+30")
    record = raw(wp)["tasks"]["1"]
    assert record["progress"] == 30 and record["status"] == "doing" and record["rev"] == before + 1
    last = store.history().latest(1)[0]
    assert (last.member, last.record, last.kind) == ("alice", "T1", "task.progress")
    assert last.changes == {"progress": [0, 30], "status": ["todo", "doing"]}
    assert last.os_user


def test_log_names_the_real_unix_login_not_what_user_claims(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # $USER and $LOGNAME are anyone's to set; the audit trail takes the login of the process's uid.
    import pwd

    monkeypatch.setenv("USER", "mallory")
    monkeypatch.setenv("LOGNAME", "mallory")
    actions.set_progress(Store(store.path, user="alice"), 1, "+5")
    assert store.history().latest(1)[0].os_user == pwd.getpwuid(os.geteuid()).pw_name != "mallory"


def test_unknown_fields_and_tables_survive_writes(wp: Path, store: Store) -> None:
    data = raw(wp)
    data["tasks"]["1"]["colour"] = "green"
    data["meta"]["1"]["future"] = {"x": 1}
    data["budgets"] = {"1": {"amount": 5}}
    wp.write_text(json.dumps(data))
    actions.set_progress(store, 1, "50")
    actions.add_task(store, 1, "New")
    after = raw(wp)
    assert after["tasks"]["1"]["colour"] == "green"
    assert after["meta"]["1"]["future"] == {"x": 1}
    assert after["budgets"] == {"1": {"amount": 5}}
    assert after["tasks"]["1"]["progress"] == 50


def test_stale_edit_is_detected(store: Store, wp: Path) -> None:
    rev = store.read().tasks[1].rev
    actions.set_progress(make_store(wp, "bob"), 1, "40")  # someone else changes it
    with pytest.raises(ConflictError):
        with store.transaction() as tx:
            tx.update("tasks", 1, {"title": "Mine"}, kind="task.edit", expected_rev=rev)
    assert raw(wp)["tasks"]["1"]["title"] == "Order soil"


def test_failed_transaction_writes_nothing(store: Store, wp: Path) -> None:
    before = wp.read_bytes()
    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            tx.update("tasks", 1, {"title": "Half"}, kind="task.edit")
            raise RuntimeError("boom")
    assert wp.read_bytes() == before
    assert store.read().tasks[1].title == "Order soil"  # the cache was dropped too


def test_non_members_cannot_change_a_file_with_members(wp: Path) -> None:
    with pytest.raises(NotMemberError, match="ask a member"):
        actions.set_progress(make_store(wp, "mallory"), 1, "10")


def test_anyone_may_set_up_an_empty_file_but_not_lock_themselves_out(tmp_path: Path) -> None:
    store = make_store(tmp_path / "w.json", "setup-user")
    store.create("New")
    actions.add_partner(store, "A", "A org")
    before = store.path.read_bytes()
    with pytest.raises(RuleError, match=rf"the first member must be you \(your login {LOGIN}\)"):
        actions.add_member(store, "alice", "Alice", "A")  # she would be the only one allowed in
    with pytest.raises(RuleError, match="the first member must be you"):
        actions.add_member(store, "setup-user", "Setter", "A")  # not bound to this login: locked out
    assert store.path.read_bytes() == before
    actions.add_member(store, "setup-user", "Setter", "a", "lead", accounts=bound("setup-user"))  # codes: any case
    actions.add_member(store, "alice", "Alice", "A")
    assert store.read().members["setup-user"].partner == "A"
    outsider = make_store(store.path, "mallory")
    with pytest.raises(NotMemberError):
        actions.add_partner(outsider, "B", "B org")


def test_clear_errors_for_unknown_ids_and_bad_values(store: Store) -> None:
    with pytest.raises(NotFoundError, match="T99"):
        actions.set_progress(store, 99, "10")
    with pytest.raises(NotFoundError, match="member 'zed'"):
        actions.assign(store, 1, "zed")
    with pytest.raises(RuleError, match="out of range"):
        actions.set_progress(store, 1, "101")
    with pytest.raises(RuleError, match="at most 200"):
        actions.add_task(store, 1, "x" * 201)
    with pytest.raises(RuleError, match="belongs to plan"):
        actions.add_plan(store, "Other")
        actions.add_task(store, 2, "x", outcome=1)


def test_votes_keep_history_and_latest_counts(store: Store, wp: Path) -> None:
    actions.vote(store, 1, "disagree", "too costly")
    actions.vote(store, 1, "agree", "convinced")
    wp_now = store.read()
    assert [v.position for v in wp_now.votes if v.member == "alice"] == ["disagree", "agree"]
    assert wp_now.current_votes(1)["alice"].comment == "convinced"
    with pytest.raises(NotMemberError):
        actions.vote(make_store(wp, "zed"), 1, "agree")


def test_activation_is_refused_without_buy_in(store: Store, wp: Path) -> None:
    actions.vote(store, 1, "agree")
    with pytest.raises(RuleError, match="not voted yet: bob, carol"):
        actions.move_plan(store, 1, "activate")
    actions.vote(make_store(wp, "bob"), 1, "agree")
    actions.vote(make_store(wp, "carol"), 1, "abstain")
    assert actions.move_plan(store, 1, "activate").status == "active"


def test_checkin_moves_the_outcome(store: Store) -> None:
    actions.checkin(store, 1, 12, "first beds")
    actions.checkin(store, 1, 20)
    o = store.read().outcomes[1]
    assert o.current == 20 and [c.value for c in o.checkins] == [12, 20] and o.checkins[0].note == "first beds"


def test_norm_agreement(store: Store, wp: Path) -> None:
    actions.add_norm(store, "We notify members in advance if we miss a meeting.")
    for who in ("alice", "bob", "carol", "alice"):
        actions.agree_norm(make_store(wp, who), 1)
    assert store.read().norms[1].agreed_by == ["alice", "bob", "carol"]


# --- the file itself -----------------------------------------------------------------


def test_mode_and_group_survive_writes(store: Store, wp: Path) -> None:
    groups = [g for g in os.getgroups() if g != os.getegid()]
    gid = groups[0] if groups else None
    if os.geteuid() == 0:
        gid = 4242  # root may give the file any group
    if gid is not None:
        os.chown(wp, -1, gid)
    os.chmod(wp, 0o660)
    actions.set_progress(store, 1, "+10")
    st = os.stat(wp)
    assert stat.S_IMODE(st.st_mode) == 0o660
    if gid is not None:
        assert st.st_gid == gid


def test_lock_file_is_separate_permanent_and_group_writable(store: Store, wp: Path) -> None:
    lock = lock_path_for(wp)
    actions.set_progress(store, 1, "+10")
    first = os.stat(lock)
    actions.set_progress(store, 1, "+10")
    second = os.stat(lock)
    assert first.st_ino == second.st_ino  # never deleted or replaced
    assert stat.S_IMODE(second.st_mode) & stat.S_IWGRP
    assert not list(wp.parent.glob("*.tmp"))


def test_writes_replace_the_file_atomically(store: Store, wp: Path) -> None:
    inode = os.stat(wp).st_ino
    actions.set_progress(store, 1, "+10")
    assert os.stat(wp).st_ino != inode  # a new file was renamed over the old one


def test_reader_sees_other_writers_changes(wp: Path) -> None:
    reader, writer = make_store(wp, "bob"), make_store(wp)
    assert reader.read().tasks[1].progress == 0
    actions.set_progress(writer, 1, "70")
    assert reader.changed_on_disk()
    assert reader.read().tasks[1].progress == 70


def test_unchanged_file_is_not_parsed_again(store: Store) -> None:
    assert store.read() is store.read()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"meta": {"1": {', "not valid JSON at line 1, column 17"),
        (b'{\n  "meta": {\n    "1": {},\n  },\n}\n', "not valid JSON at line 3, column 12: trailing comma"),
        (b"", "empty"),
        (b'{"_default": {}}', "not a workplan file"),
        (b"[1, 2]", "top level must be an object"),
    ],
)
def test_invalid_file_is_refused_and_left_unchanged(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "w.json"
    path.write_bytes(content)
    store = make_store(path)
    with pytest.raises(InvalidFileError, match=message):
        store.read()
    with pytest.raises(InvalidFileError):
        actions.add_plan(store, "x")
    assert path.read_bytes() == content


def test_bad_record_is_named(wp: Path, store: Store) -> None:
    data = raw(wp)
    data["tasks"]["2"]["progress"] = "60%"
    wp.write_text(json.dumps(data, indent=2))
    before = wp.read_bytes()
    with pytest.raises(InvalidFileError, match=r"task T2: 'progress' must be a whole number from 0 to 100"):
        actions.set_progress(store, 1, "10")
    assert wp.read_bytes() == before


def test_newer_schema_is_never_written(wp: Path, store: Store) -> None:
    data = raw(wp)
    data["meta"]["1"]["schema_version"] = SCHEMA_VERSION + 1
    wp.write_bytes(orjson.dumps(data))
    before = wp.read_bytes()
    with pytest.raises(InvalidFileError, match="newer workplan"):
        actions.set_progress(store, 1, "10")
    assert wp.read_bytes() == before


def test_read_only_file_is_reported(wp: Path, store: Store) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write anything")
    os.chmod(wp, 0o444)
    with pytest.raises(ReadOnlyError):
        actions.set_progress(store, 1, "10")


# --- undo -----------------------------------------------------------------------------------


def test_undo_restores_my_last_change_and_is_logged(store: Store, wp: Path) -> None:
    actions.set_progress(store, 1, "40")
    actions.set_progress(store, 1, "+20")
    result = actions.undo(store)
    assert result.restored == {"progress": 40}
    assert raw(wp)["tasks"]["1"]["progress"] == 40
    last = store.history().latest(1)[0]
    assert last.kind == "undo" and last.undoes is not None and last.changes == {"progress": [60, 40]}
    actions.undo(store)  # the change before it
    assert raw(wp)["tasks"]["1"]["progress"] == 0 and raw(wp)["tasks"]["1"]["status"] == "todo"


def test_undo_refuses_when_someone_changed_the_record_since(store: Store, wp: Path) -> None:
    actions.set_progress(store, 1, "40")
    actions.set_status(make_store(wp, "bob"), 1, "blocked", "rain")
    before = wp.read_bytes()
    with pytest.raises(RuleError, match="bob changed T1 since"):
        actions.undo(store)
    assert wp.read_bytes() == before


def test_undo_of_checkin_vote_and_things_that_cannot_be_undone(store: Store, wp: Path) -> None:
    actions.checkin(store, 1, 12)
    actions.undo(store)
    assert raw(wp)["outcomes"]["1"]["current"] == 0 and raw(wp)["outcomes"]["1"]["checkins"] == []
    actions.vote(store, 1, "agree")
    actions.undo(store)  # a first vote taken back: no vote, as before it (issue 31)
    assert "alice" not in store.read().current_votes(1)
    actions.vote(store, 1, "agree")
    actions.vote(store, 1, "block", "no")
    actions.undo(store)
    assert store.read().current_votes(1)["alice"].position == "agree"
    new = actions.add_task(store, 1, "New")
    actions.undo(store)  # an addition is taken back by removing it (kept whole in the log)
    assert str(new.id) not in raw(wp)["tasks"]
    actions.add_partner(store, "NEW", "New partner")
    with pytest.raises(RuleError, match="cannot undo partner.add"):
        actions.undo(store)  # a partner goes with 'partner rm' and its rules


def test_a_note_or_check_in_logs_the_item_not_the_whole_list(store: Store, wp: Path) -> None:
    """A member adding long notes must not make every log entry carry the task's whole history."""
    text = "x" * 5000
    for _ in range(10):
        actions.add_note(store, 2, text)
    last = log_of(wp)[-1]
    assert last["changes"] == {"note": [None, text]}
    assert len(json.dumps(last)) < 2 * len(text)
    actions.checkin(store, 1, 12, "a note")
    entry = store.history().latest(1)[0]
    assert entry.changes == {"current": [0, 12], "checkin": [None, 12]}


def test_undo_takes_back_my_last_note_and_check_in(store: Store, wp: Path) -> None:
    actions.add_note(store, 2, "first")
    actions.add_note(store, 2, "second")
    actions.undo(store)
    assert [u.text for u in store.read().tasks[2].updates] == ["first"]
    actions.checkin(store, 1, 12)
    actions.undo(store)
    outcome = store.read().outcomes[1]
    assert outcome.current == 0 and outcome.checkins == []
    actions.add_note(store, 2, "mine")
    actions.add_note(make_store(wp, "bob"), 2, "bob's")  # a newer note on the same task
    with pytest.raises(RuleError):
        actions.undo(store)
    assert [u.text for u in store.read().tasks[2].updates] == ["first", "mine", "bob's"]


def test_read_with_history_takes_the_data_and_its_log_from_one_read(wp: Path) -> None:
    board, bob = make_store(wp), make_store(wp, "bob")
    seen = board.read_with_history()[1].seen()
    actions.set_progress(bob, 2, "60")
    workplan, history = board.read_with_history()
    news = history.since(seen)
    assert workplan.tasks[2].progress == 60
    assert [(a.member, a.record, a.changes["progress"]) for a in news] == [("bob", "T2", [0, 60])]
    actions.set_progress(bob, 3, "30")  # a later write changes neither the snapshot nor its log
    assert history.since(seen) == news and workplan.tasks[3].progress == 0


def test_reading_the_log_leaves_the_snapshot_to_the_next_reload(wp: Path) -> None:
    """A file edited by hand (not sealed) is parsed for its log alone: the copy the caller
    holds is still the old one, so a board asking for the log still sees the change coming."""
    board = make_store(wp)
    assert board.read().tasks[3].progress == 0
    data = raw(wp)
    data["tasks"]["3"]["progress"] = 30
    wp.write_text(json.dumps(data, indent=1))
    assert board.history().last == raw(wp)["meta"]["1"]["history"]["last"]
    assert board.changed_on_disk()
    assert board.read().tasks[3].progress == 30


def test_last_write_fresh_says_whether_anyone_wrote_since_my_last_read(wp: Path) -> None:
    board, bob = make_store(wp), make_store(wp, "bob")
    board.read()
    actions.set_progress(board, 1, "+10")
    assert board.last_write_fresh  # the file was as I had read it
    actions.set_progress(board, 1, "+10")
    assert board.last_write_fresh  # ... and as I wrote it
    actions.set_progress(bob, 2, "60")
    actions.set_progress(board, 1, "+10")
    assert not board.last_write_fresh  # bob wrote in between: my copy must be read again
    assert board.read().tasks[2].progress == 60


def test_last_write_fresh_is_decided_under_the_lock(wp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone who writes after I looked at the file but before I hold its lock is seen too."""
    board = make_store(wp)
    board.read()
    assert not board.changed_on_disk()
    take_lock = board._locked

    def bob_first() -> object:
        actions.set_progress(make_store(wp, "bob"), 2, "60")
        return take_lock()

    monkeypatch.setattr(board, "_locked", bob_first)
    actions.set_progress(board, 1, "+10")
    assert not board.last_write_fresh
