"""A member is who they logged in as (issue 28): each member is bound to the Unix accounts that may
act as them; WORKPLAN_USER only chooses among those; root is not special. With real Unix users
(tests/system.py: wpalice and wpbob share the group wpshare), the CLI run in a child switched to
them, and the file checked byte for byte."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import LOGIN, log_of, make_store, seed
from tests.system import as_user, share_gid
from workplan_tui.cli.main import cli
from workplan_tui.model import identity, rules
from workplan_tui.model.rules import RuleError
from workplan_tui.store import actions


def workplan(path: Path, *args: str, user: str | None = None, env: dict[str, str] | None = None) -> tuple[int, str]:
    """``workplan -f PATH ARGS`` as this process's real account; (exit status, stderr)."""
    environ = {"WORKPLAN_USER": user, **(env or {})}  # None: not set at all
    result = CliRunner().invoke(cli, ["-f", str(path), *args], env=environ)
    return result.exit_code, result.stderr


def as_account(login: str, path: Path, *args: str, user: str | None = None, **env: str) -> tuple[int, str]:
    return as_user(login, lambda: workplan(path, *args, user=user, env=env))  # type: ignore[no-any-return]


def shared(folder: Path) -> Path:
    """The seeded partnership in a group folder, its members bound to their real accounts only:
    wpalice is alice (the lead), wpbob is bob; carol's account is carol's own (none here)."""
    wp = seed(folder / "workplan.json")
    lead = make_store(wp)
    actions.edit_member(lead, "bob", add_accounts=["wpbob"], drop_accounts=["bob", LOGIN])
    actions.edit_member(lead, "carol", drop_accounts=[LOGIN])
    actions.edit_member(lead, "alice", add_accounts=["wpalice"])
    for path in folder.iterdir():
        os.chown(path, os.stat(path).st_uid, share_gid())
        os.chmod(path, 0o660)
    as_user("wpalice", lambda: actions.edit_member(make_store(wp), "alice", drop_accounts=["alice", LOGIN]))
    return wp


def test_another_account_cannot_act_as_a_member(users: dict[str, int], shared_dir: Path) -> None:
    wp = shared(shared_dir)
    before = wp.read_bytes()
    for args in (("vote", "P1", "block", "--comment", "no"), ("norm", "add", "x"), ("task", "progress", "T1", "90")):
        code, err = as_account("wpbob", wp, *args, user="alice")
        assert code == 1 and err.count("\n") == 1, err
        assert "your login wpbob may not act as alice (only wpalice may)" in err and "Traceback" not in err
    assert wp.read_bytes() == before
    code, err = as_account("wpbob", wp, "vote", "P1", "agree", USER="wpalice", LOGNAME="wpalice")  # no WORKPLAN_USER
    assert code == 0, err
    vote = log_of(wp)[-1]
    assert (vote["member"], vote["os_user"], vote["kind"]) == ("bob", "wpbob", "vote")  # the real account
    assert as_account("wpbob", wp, "status")[0] == 0  # reading needs no binding


def test_another_account_cannot_undo_a_members_change(users: dict[str, int], shared_dir: Path) -> None:
    wp = shared(shared_dir)
    assert as_account("wpalice", wp, "task", "progress", "T1", "40")[0] == 0
    after_alice = wp.read_bytes()
    code, err = as_account("wpbob", wp, "undo", user="alice")
    assert code == 1 and "may not act as alice" in err
    code, err = as_account("wpbob", wp, "undo")
    assert code == 1 and "bob has no change to undo" in err
    assert wp.read_bytes() == after_alice
    assert [(e["member"], e["os_user"]) for e in log_of(wp)[-1:]] == [("alice", "wpalice")]


def test_a_lead_binds_a_service_account_and_only_a_lead(users: dict[str, int], shared_dir: Path) -> None:
    """cron runs as wpbob's account and acts as a 'bot' member: once a lead says so, and then the
    account must say which member it acts as."""
    wp = shared(shared_dir)
    code, err = as_account("wpbob", wp, "member", "edit", "bob", "--account", "wpalice")
    assert code == 1 and "only a lead may bind" in err
    code, err = as_account(
        "wpbob", wp, "member", "add", "bot", "--name", "Bot", "--partner", "FOOD", "--account", "wpbob"
    )
    assert code == 1 and "only a lead may bind" in err
    add = ("member", "add", "bot", "--name", "Reminders", "--partner", "FOOD", "--account", "wpbob")
    assert as_account("wpalice", wp, *add)[0] == 0
    assert as_account("wpbob", wp, "norm", "add", "We answer within a day", user="bot")[0] == 0
    assert (log_of(wp)[-1]["member"], log_of(wp)[-1]["os_user"]) == ("bot", "wpbob")
    code, err = as_account("wpbob", wp, "norm", "add", "Which one?")
    assert code == 1 and "your login wpbob may act as bob, bot (WORKPLAN_USER=bob); set WORKPLAN_USER" in err
    code, err = as_account("wpalice", wp, "member", "edit", "alice", "--account", "wpcarol", "--no-account", "wpalice")
    assert code == 1 and "you could not change the file after" in err


def test_root_is_not_special(users: dict[str, int], shared_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite runs as root: in a file where no member lists root, root acts as nobody, and
    WORKPLAN_USER picks nobody either; once a lead lists it for a member, it acts as that one."""
    assert LOGIN == "root"
    wp = shared(shared_dir)
    before = wp.read_bytes()
    code, err = workplan(wp, "vote", "P1", "agree", user="alice")
    assert code == 1 and "your login root may not act as alice" in err
    code, err = workplan(wp, "vote", "P1", "agree")
    assert code == 1 and "root is not a member of this partnership (your login root may act as no member)" in err
    assert wp.read_bytes() == before
    assert workplan(wp, "status")[0] == 0
    add = ("member", "add", "admin", "--name", "Admin", "--partner", "PARKS", "--account", "root")
    assert as_account("wpalice", wp, *add)[0] == 0
    code, err = workplan(wp, "norm", "add", "Minutes within a week")
    assert code == 0, err
    assert (log_of(wp)[-1]["member"], log_of(wp)[-1]["os_user"]) == ("admin", "root")


def test_old_files_read_as_before_and_gain_the_field_only_when_set(tmp_path: Path) -> None:
    """A member without 'accounts' is acted as from its handle's account; writes leave the field
    out until a lead binds accounts; undo and the JSON contract carry it."""
    store = make_store(tmp_path / "w.json", "root")
    store.create("Old")
    actions.add_partner(store, "A", "A org")
    actions.add_member(store, "root", "Root", "A", "lead")
    actions.add_member(store, "bob", "Bob", "A")
    actions.add_plan(store, "Plan")
    raw = json.loads(store.path.read_text())
    assert all("accounts" not in m for m in raw["members"].values())
    assert identity.bindings(store.read().members.values()) == {"root": ("root",), "bob": ("bob",)}
    actions.edit_member(store, "bob", add_accounts=["svc"])
    members = {m["handle"]: m for m in json.loads(store.path.read_text())["members"].values()}
    assert members["bob"]["accounts"] == ["bob", "svc"] and "accounts" not in members["root"]
    listed: list[dict[str, Any]] = json.loads(
        CliRunner().invoke(cli, ["-f", str(store.path), "member", "list", "--json"], env={"WORKPLAN_USER": None}).stdout
    )
    assert [m.get("accounts") for m in listed] == [None, ["bob", "svc"]]
    actions.undo(store)
    assert identity.bindings(store.read().members.values())["bob"] == ("bob",)
    with pytest.raises(RuleError, match="at most 20"):
        actions.edit_member(store, "bob", add_accounts=[f"a{n}" for n in range(20)])
    with pytest.raises(RuleError, match="must be a Unix login"):
        actions.edit_member(store, "bob", add_accounts=["not a login"])


def test_whom_a_login_acts_as() -> None:
    binds = {"alice": ("alice",), "bot": ("svc", "root"), "admin": ("root",), "bob": ("bob", "svc")}
    assert identity.default_member(binds, "alice") == "alice"
    assert identity.default_member(binds, "root") is None  # two members: say which
    assert identity.default_member(binds, "svc") is None
    assert identity.default_member({"bot": ("svc",)}, "svc") == "bot"
    assert identity.default_member(binds, "eve") is None
    assert rules.member_problem("bot", binds, "svc") is None
    assert rules.member_problem("anyone", {}, "eve") is None  # an empty file: anyone sets it up
    assert "may not act as alice (only alice may)" in (rules.member_problem("alice", binds, "svc") or "")
    assert "may act as admin, bot" in (rules.member_problem("root", binds, "root") or "")
    assert "eve is not a member" in (rules.member_problem("eve", binds, "eve") or "")


def test_only_a_lead_changes_accounts_even_back_to_the_handles_own(users: dict[str, int], shared_dir: Path) -> None:
    """A member who is not a lead may not rebind a member to the account of its handle: that would
    unbind cron's account from the 'bot' member, or give alice's name back to a login 'alice' a
    lead had taken it from (the binding is a lead's decision, whichever way it goes)."""
    wp = shared(shared_dir)
    add = ("member", "add", "bot", "--name", "Reminders", "--partner", "FOOD", "--account", "svc-cron")
    assert as_account("wpalice", wp, *add)[0] == 0
    before = wp.read_bytes()
    for handle, bound in (("alice", "wpalice"), ("bot", "svc-cron")):
        code, err = as_account("wpbob", wp, "member", "edit", handle, "--account", handle, "--no-account", bound)
        assert code == 1 and err.count("\n") == 1 and "only a lead may" in err, err
    code, err = as_account("wpbob", wp, "member", "edit", "bob", "--no-account", "wpbob", "--account", "bob")
    assert code == 1 and "only a lead may" in err, err
    assert wp.read_bytes() == before
    assert as_account("wpbob", wp, "member", "edit", "bob", "--name", "Robert")[0] == 0  # their own name: theirs


def test_presence_names_a_board_by_whom_its_account_may_act_as(users: dict[str, int], shared_dir: Path) -> None:
    """'also here: alice' only when it is alice's account: a board wpbob opened with
    WORKPLAN_USER=alice (read-only), or an entry he wrote by hand claiming alice, is wpbob."""
    from workplan_tui.store.presence import Presence

    wp = shared(shared_dir)
    binds = identity.bindings(make_store(wp).read().members.values())
    as_user("wpbob", lambda: Presence(wp, "alice").beat())
    me = Presence(wp, "carol")
    assert me.others(bindings=binds) == ["wpbob"]
    as_user("wpalice", lambda: Presence(wp, "alice").beat())
    as_user("wpbob", lambda: Presence(wp, "bob").beat())
    assert me.others(bindings=binds) == ["alice", "bob", "wpbob"]
    pretending = as_user("wpbob", lambda: Presence(wp, "alice").others(bindings=binds))
    assert pretending == ["alice", "bob"]  # his read-only board as alice still sees alice here, and his other one
    assert me.others() == ["alice", "bob"]  # without a file's members to check against: as written


def test_whoever_sets_a_file_up_adds_themselves_under_any_handle(users: dict[str, int], shared_dir: Path) -> None:
    """The docs' way: a file set up by wpbob, whose handle is 'bob', with '--account wpbob' and no
    WORKPLAN_USER; he then acts as bob (the member add is logged as bob's). Adding someone else
    first, or with WORKPLAN_USER naming someone else, is refused, the file unchanged."""
    wp = shared_dir / "new.json"
    assert as_account("wpbob", wp, "init", "--name", "New")[0] == 0
    assert as_account("wpbob", wp, "partner", "add", "PARKS", "--name", "Parks")[0] == 0
    before = wp.read_bytes()
    code, err = as_account("wpbob", wp, "member", "add", "alice", "--name", "Alice", "--partner", "PARKS")
    assert code == 1 and err.count("\n") == 1 and "'workplan member add wpbob --name NAME" in err, err
    assert "--account wpbob'" in err
    add = ("member", "add", "bob", "--name", "Bob", "--partner", "PARKS", "--account", "wpbob")
    code, err = as_account("wpbob", wp, *add, user="alice")
    assert code == 1 and "WORKPLAN_USER=alice is not the member you add (bob)" in err, err
    assert wp.read_bytes() == before
    code, err = as_account("wpbob", wp, *add)
    assert code == 0, err
    assert as_account("wpbob", wp, "member", "add", "alice", "--name", "Alice", "--partner", "PARKS")[0] == 0
    assert [(e["member"], e["os_user"], e["record"]) for e in log_of(wp)[-2:]] == [
        ("bob", "wpbob", "member bob"),
        ("bob", "wpbob", "member alice"),
    ]
    assert {m["handle"]: m["role"] for m in json.loads(wp.read_text())["members"].values()} == {
        "bob": "lead",
        "alice": "member",
    }


@pytest.mark.parametrize("route", ["sync", "git pull"])
def test_a_merge_borrows_no_members_name(tmp_path: Path, route: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A merge needs no member, so it is not refused; but its notes, the conflicts' 'merged_by'
    and the commit's author name whom the login acts as, never a member named in WORKPLAN_USER
    that the login may not act as (the suite's login may act as alice and carol, not bob)."""
    from tests.gitrepo import git, git_environment, make_clones, store_of
    from workplan_tui.sync.run import sync

    (tmp_path / "home").mkdir()
    for name, value in git_environment(tmp_path / "home").items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GIT_AUTHOR_NAME")  # sync names the author itself
    monkeypatch.delenv("GIT_COMMITTER_NAME")
    a, b = make_clones(tmp_path, 2)
    actions.edit_member(make_store(a, "alice"), "bob", drop_accounts=[LOGIN])
    sync(make_store(a, "alice"))
    sync(make_store(b, "alice"))
    actions.set_progress(make_store(a, "alice"), 1, "20")
    sync(make_store(a, "alice"))
    actions.set_progress(make_store(b, "carol"), 1, "30")
    monkeypatch.setenv("WORKPLAN_USER", "bob")
    if route == "sync":
        sync(store_of(b, "bob"))
    else:
        git(b.parent, "commit", "-qam", "carol by hand")
        git(b.parent, "pull", "--no-rebase", "--no-edit")
    notes = [e for e in log_of(b) if e["kind"].startswith("merge.")]
    assert [(e["member"], e["os_user"]) for e in notes] == [(LOGIN, LOGIN)]  # alice and carol: neither chosen
    data = json.loads(b.read_text())
    assert [c["merged_by"] for c in data["conflicts"].values()] == [LOGIN]
    if route == "sync":
        assert git(b.parent, "log", "-1", "--format=%an") == LOGIN
    monkeypatch.setenv("WORKPLAN_USER", "carol")  # one it may act as: named
    actions.set_progress(make_store(a, "alice"), 2, "25")
    sync(make_store(a, "alice"))
    actions.set_progress(make_store(b, "carol"), 2, "35")
    sync(store_of(b, "carol"))
    assert [e["member"] for e in log_of(b) if e["kind"].startswith("merge.")][-1] == "carol"
