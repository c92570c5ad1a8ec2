"""Every route by which git can bring the partnership files into a commit, with real clones and
real git (hooks and all, as a person runs it): the driver found after workplan moves or refused
when it is nowhere, attribute lines git reads for any file name, bytes kept under
``core.autocrlf``, a merge or a rebase resolved by hand, a bad merge committed past the hooks.
Each time: nothing committed or pushed that loses a change, one line saying what happened and
how to recover, and the recovery brings every change back (issue 28)."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.gitrepo import files_of, git, git_env, git_run, make_clones, store_of  # noqa: F401 - fixture
from tests.unit.test_contract import assert_follows_contract
from workplan_tui.cli.main import cli
from workplan_tui.store import actions
from workplan_tui.store.history import history_path_for
from workplan_tui.store.store import Store
from workplan_tui.sync.clone import attributes, init
from workplan_tui.sync.git import Git
from workplan_tui.sync.run import SyncError, sync

pytestmark = pytest.mark.usefixtures("git_env")

PAIR = ("partnership.json", "partnership.history.jsonl")
NO_DRIVER = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "merge.workplan.driver", "GIT_CONFIG_VALUE_0": "false"}


def check(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-f", str(path), "check"], env={"WORKPLAN_USER": "alice"})
    return result.exit_code, result.stderr


def diverge(a: Path, b: Path) -> None:
    """Bob shares a change; Alice commits one of her own by hand (her hooks check it)."""
    actions.set_progress(store_of(b, "bob"), 2, "55")
    actions.add_task(store_of(b, "bob"), 1, "Bob's task")
    sync(store_of(b, "bob"))
    actions.add_note(store_of(a, "alice"), 1, "alice's note")
    actions.add_task(store_of(a, "alice"), 1, "Alice's task")
    done = git_run(a.parent, "commit", "-qam", "alice by hand")
    assert done.returncode == 0, done.stderr


def assert_nothing_lost(a: Path, b: Path) -> None:
    """Both sides' changes are in ``a``, which is sound; after syncing both, the clones agree."""
    sync(store_of(a, "alice"))
    sync(store_of(b, "bob"))
    assert files_of(a) == files_of(b)
    code, err = check(a)
    assert code == 0, err
    data = json.loads(a.read_text())
    titles = sorted(t["title"] for t in data["tasks"].values())
    assert "Alice's task" in titles and "Bob's task" in titles
    assert data["tasks"]["2"]["progress"] == 55
    assert [u["text"] for u in data["tasks"]["1"]["updates"]] == ["alice's note"]


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("workplan:")]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def test_sync_init_sets_the_clone_up_and_git_reads_it(tmp_path: Path) -> None:
    (a,) = make_clones(tmp_path, 1)
    (a.parent / ".git" / "hooks" / "post-merge").unlink()
    foreign = a.parent / ".git" / "hooks" / "pre-push"
    foreign.write_text("#!/bin/sh\nexit 0\n")
    result = CliRunner().invoke(cli, ["-f", str(a), "sync", "init", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert_follows_contract("sync init", report)
    assert report["hooks_kept"] == ["pre-push"] and "post-merge" in report["hooks"]
    assert foreign.read_text() == "#!/bin/sh\nexit 0\n"
    lines = (a.parent / ".gitattributes").read_text().splitlines()
    assert "/partnership.json merge=workplan -text -filter -ident" in lines
    read = attributes(Git(a.parent), list(PAIR))
    assert {(r.merge, r.text) for r in read.values()} == {("workplan", "unset")}
    assert "workplan-run" in git(a.parent, "config", "merge.workplan.driver")
    again = json.loads(CliRunner().invoke(cli, ["-f", str(a), "sync", "init", "--json"]).stdout)
    assert again["gitattributes_added"] == [] and again["gitignore_added"] == []  # idempotent


def test_a_line_overriding_workplans_is_named(tmp_path: Path) -> None:
    """.git/info/attributes outranks .gitattributes: sync init fails saying so, check reports
    it, and sync still shares (its own merge needs no attribute) with the warning."""
    (a,) = make_clones(tmp_path, 1)
    (a.parent / ".git" / "info").mkdir(exist_ok=True)
    (a.parent / ".git" / "info" / "attributes").write_text("*.json merge=union\n")
    result = CliRunner().invoke(cli, ["-f", str(a), "sync", "init"])
    assert result.exit_code == 1 and "git reads 'merge: union' for partnership.json" in result.stderr
    assert "'merge: union'" in check(a)[1]
    actions.add_task(store_of(a, "alice"), 1, "Still shared")
    report = sync(store_of(a, "alice"))
    assert report["pushed"] and any("'merge: union'" in w for w in report["warnings"])


def test_a_hooks_folder_other_repositories_share_is_left_alone(tmp_path: Path) -> None:
    """core.hooksPath naming a folder outside the clone: workplan's hooks would run for every
    repository using it, so sync init writes none there and says so; a workplan hook copied into
    a repository workplan never set up does nothing."""
    (a,) = make_clones(tmp_path, 1)
    shared = tmp_path / "shared-hooks"
    shared.mkdir()
    git(a.parent, "config", "core.hooksPath", str(shared))
    report = json.loads(CliRunner().invoke(cli, ["-f", str(a), "sync", "init", "--json"]).stdout)
    assert report["hooks"] == [] and len(report["hooks_kept"]) == 6 and list(shared.iterdir()) == []
    other = tmp_path / "other"
    git(tmp_path, "init", "-q", str(other))
    (other / ".git" / "hooks" / "pre-commit").write_bytes((a.parent / ".git" / "hooks" / "pre-commit").read_bytes())
    (other / ".git" / "hooks" / "pre-commit").chmod(0o755)
    (other / "notes.txt").write_text("x")
    git(other, "add", "notes.txt")
    assert git_run(other, "commit", "-qm", "unrelated").returncode == 0


def _moved_install(root: Path) -> tuple[Path, Path]:
    """A workplan installed in ``root/old`` (its script names this interpreter), and an empty folder
    for another installation; the script's path."""
    script = root / "old" / "bin" / "workplan"
    script.parent.mkdir(parents=True)
    script.write_text(f'#!/bin/sh\nexec {sys.executable} -m workplan_tui "$@"\n')
    script.chmod(0o755)
    return script, root / "new" / "bin"


def test_the_driver_is_found_after_workplan_moves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sync init ran with a workplan that has since moved (a virtual environment rebuilt
    elsewhere): git still merges record by record, with the workplan now on PATH."""
    a, b = make_clones(tmp_path, 2)
    script, new = _moved_install(tmp_path)
    init(store_of(a, "alice"), program=[str(script)])
    shutil.move(script.parent.parent, tmp_path / "elsewhere")
    new.mkdir(parents=True)
    (new / "workplan").write_text(f'#!/bin/sh\nexec {sys.executable} -m workplan_tui "$@"\n')
    (new / "workplan").chmod(0o755)
    monkeypatch.setenv("PATH", f"{new}{os.pathsep}/usr/bin{os.pathsep}/bin")
    diverge(a, b)
    pulled = git_run(a.parent, "pull", "--no-rebase", "--no-edit")
    assert pulled.returncode == 0, pulled.stderr
    assert b"<<<<<<<" not in a.read_bytes()
    assert_nothing_lost(a, b)


def test_without_workplan_anywhere_git_stops_and_nothing_is_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = make_clones(tmp_path, 2)
    script, _ = _moved_install(tmp_path)
    init(store_of(a, "alice"), program=[str(script)])
    diverge(a, b)
    shutil.rmtree(script.parent.parent)
    monkeypatch.setenv("PATH", f"/usr/bin{os.pathsep}/bin")  # git and sh, no workplan
    pulled = git_run(a.parent, "pull", "--no-rebase", "--no-edit")
    assert pulled.returncode != 0 and "cannot run workplan" in pulled.stderr
    head = git(a.parent, "rev-parse", "HEAD")
    git(a.parent, "add", *PAIR)
    committed = git_run(a.parent, "commit", "--no-edit")
    assert committed.returncode != 0
    assert "cannot run workplan" in one_line(committed.stderr) and "git merge --abort" in committed.stderr
    assert git(a.parent, "rev-parse", "HEAD") == head  # nothing committed
    code, err = check(a)
    assert code == 1 and "git merge --abort" in err
    git(a.parent, "merge", "--abort")
    assert_nothing_lost(a, b)


def test_attribute_lines_apply_to_any_file_name(tmp_path: Path) -> None:
    """A name with a space and a '[' (a glob character): git reads the line, so a plain pull
    merges the file record by record instead of as text."""
    name = "north side/plan [2027] *.json"
    a, b = make_clones(tmp_path, 2, file=name)
    read = attributes(Git(a.parent.parent), [name, name.replace(".json", ".history.jsonl")])
    assert {(r.merge, r.text) for r in read.values()} == {("workplan", "unset")}
    actions.set_progress(store_of(b, "bob"), 2, "55")
    sync(store_of(b, "bob"))
    actions.add_task(store_of(a, "alice"), 1, "Alice's task")
    git(a.parent, "commit", "-qam", "alice by hand")
    pulled = git_run(a.parent, "pull", "--no-rebase", "--no-edit")
    assert pulled.returncode == 0, pulled.stderr
    data = json.loads(a.read_text())
    assert data["tasks"]["2"]["progress"] == 55 and "Alice's task" in [t["title"] for t in data["tasks"].values()]
    assert check(a)[0] == 0


def test_autocrlf_changes_no_byte_and_a_clone_without_the_lines_is_mended(tmp_path: Path) -> None:
    """core.autocrlf=true (Git for Windows' default) converts text files on checkout: the two files
    are not text to git, so their bytes stay as workplan wrote them. A clone whose .gitattributes
    lost the protection is told by 'check', and 'sync' puts the lines back for every clone."""
    a, b = make_clones(tmp_path, 2)
    attributes_file = a.parent / ".gitattributes"
    attributes_file.write_text("")  # as an older workplan, or a careless edit, left it
    git(a.parent, "commit", "-qm", "no attributes", "--no-verify", "--", ".gitattributes")
    git(a.parent, "push", "-q", "--no-verify")
    git(b.parent, "pull", "-q", "--no-edit")
    git(b.parent, "config", "core.autocrlf", "true")
    code, err = check(b)
    assert code == 1 and "git reads 'merge: unspecified'" in err and "change the bytes" in err
    report = sync(store_of(a, "alice"))
    assert any("set this clone up" in w for w in report["warnings"])
    sync(store_of(b, "bob"))
    for path in PAIR:
        (b.parent / path).unlink()
    git(b.parent, "checkout", "--", *PAIR)
    committed = [git(b.parent, "cat-file", "blob", f"HEAD:{p}").encode() + b"\n" for p in PAIR]
    assert list(files_of(b)) == committed and b"\r\n" not in b.read_bytes()
    actions.add_task(store_of(b, "bob"), 1, "Written under autocrlf")
    sync(store_of(b, "bob"))
    sync(store_of(a, "alice"))
    assert files_of(a) == files_of(b)
    assert check(a)[0] == 0 and check(b)[0] == 0


@pytest.mark.parametrize("resolution", ["ours", "theirs", "text"])
def test_a_merge_resolved_by_hand_is_refused_before_it_is_committed(tmp_path: Path, resolution: str) -> None:
    """The driver did not run (here: git told to use 'false'); the file is unmerged, and whatever
    the person stages (one side whole, or git's text merge with markers), the commit is refused
    with the way back; following it loses nothing."""
    a, b = make_clones(tmp_path, 2)
    diverge(a, b)
    pulled = git_run(a.parent, "pull", "--no-rebase", "--no-edit", env=NO_DRIVER)
    assert pulled.returncode != 0
    code, err = check(a)
    assert code == 1 and "git has not merged partnership.json" in err
    for path in PAIR:
        if resolution == "text":
            stages = [git(a.parent, "show", f":{n}:{path}") for n in (2, 1, 3)]
            for n, text in zip("obt", stages, strict=True):
                (tmp_path / n).write_text(text + "\n")
            merged = git_run(a.parent, "merge-file", "-p", *(str(tmp_path / n) for n in "obt"))
            (a.parent / path).write_text(merged.stdout)
        else:
            git(a.parent, "checkout", f"--{resolution}", "--", path)
    if resolution == "text":
        code, err = check(a)
        assert code == 1 and "conflict markers" in err
    head = git(a.parent, "rev-parse", "HEAD")
    git(a.parent, "add", *PAIR)
    committed = git_run(a.parent, "commit", "--no-edit")
    assert committed.returncode == 1
    line = one_line(committed.stderr)
    assert "nothing committed" in line and "git merge --abort" in line and "workplan sync" in line
    assert git(a.parent, "rev-parse", "HEAD") == head
    git(a.parent, "merge", "--abort")
    assert_nothing_lost(a, b)


@pytest.mark.parametrize("resolution", ["ours", "theirs"])
def test_a_rebase_resolved_by_hand_is_caught_before_it_is_pushed(tmp_path: Path, resolution: str) -> None:
    """A rebase commits without pre-commit. pre-rebase refuses to start without workplan's driver;
    past it (--no-verify), post-rewrite finds what the rebase lost, and neither git push nor
    workplan sync shares it until the branch holds it again."""
    a, b = make_clones(tmp_path, 2)
    diverge(a, b)
    git(a.parent, "fetch", "-q")
    refused = git_run(a.parent, "rebase", "origin/main", env=NO_DRIVER)
    assert refused.returncode != 0 and "rebase not started" in one_line(refused.stderr)
    before = git(a.parent, "rev-parse", "HEAD")
    assert git_run(a.parent, "rebase", "--no-verify", "origin/main", env=NO_DRIVER).returncode != 0
    for path in PAIR:
        git(a.parent, "checkout", f"--{resolution}", "--", path)
    git(a.parent, "add", *PAIR)
    done = git_run(a.parent, "-c", "core.editor=true", "rebase", "--continue")
    assert done.returncode == 0, done.stderr  # git's part is done: no hook may stop it
    line = one_line(done.stderr)
    assert f"git reset --keep {before[:12]}" in line and "workplan sync" in line
    pushed = git_run(a.parent, "push")
    assert pushed.returncode != 0 and "the rebase lost" in one_line(pushed.stderr)
    with pytest.raises(SyncError, match=f"the rebase lost.*git reset --keep {before[:12]}"):
        sync(store_of(a, "alice"))
    reset = re.search(r"git reset --keep [0-9a-f]+", line)
    assert reset is not None
    git(a.parent, *reset.group(0).split()[1:])
    assert_nothing_lost(a, b)
    assert not (a.parent / ".git" / "workplan-lost").exists()


def test_a_bad_merge_committed_past_the_hooks_is_never_pushed(tmp_path: Path) -> None:
    """Someone skips the hooks (--no-verify) and commits their side alone as the merge: neither
    workplan sync nor git push shares it; going back to before it and syncing loses nothing."""
    a, b = make_clones(tmp_path, 2)
    diverge(a, b)
    before = git(a.parent, "rev-parse", "HEAD")
    git_run(a.parent, "pull", "--no-rebase", "--no-edit", env=NO_DRIVER)
    git(a.parent, "checkout", "--ours", "--", *PAIR)
    git(a.parent, "add", *PAIR)
    git(a.parent, "commit", "--no-verify", "--no-edit")
    pushed = git_run(a.parent, "push")
    assert pushed.returncode != 0 and "loses 2 change(s) (bob:" in one_line(pushed.stderr)
    actions.add_task(store_of(a, "alice"), 1, "Written after")
    with pytest.raises(SyncError, match="that its parent [0-9a-f]+ holds; nothing shared"):
        sync(store_of(a, "alice"))
    assert git(a.parent, "rev-parse", "HEAD^") == before  # nothing more committed on top
    git(a.parent, "stash")
    git(a.parent, "reset", "--keep", before)
    git(a.parent, "stash", "pop")
    assert_nothing_lost(a, b)
    assert "Written after" in [t["title"] for t in json.loads(a.read_text())["tasks"].values()]


def test_a_pull_that_brings_a_broken_file_says_so_at_once(tmp_path: Path) -> None:
    a, b = make_clones(tmp_path, 2)
    (b.parent / PAIR[0]).write_bytes(b.read_bytes()[:-40])
    git(b.parent, "commit", "-qam", "cut", "--no-verify")
    git(b.parent, "push", "-q", "--no-verify")
    pulled = git_run(a.parent, "pull", "--no-rebase", "--no-edit")
    assert "git reset --keep ORIG_HEAD" in one_line(pulled.stderr)
    git(a.parent, "reset", "--keep", "ORIG_HEAD")
    assert check(a)[0] == 0
    assert history_path_for(a).exists()


def test_a_sync_of_a_file_that_is_not_there_names_it_in_words(tmp_path: Path) -> None:
    """Found following docs/administration.md without -f: the default ./workplan.json, in a clone of other files."""
    clone = tmp_path / "clone"
    git(tmp_path, "init", "--quiet", str(clone))
    git(clone, "remote", "add", "origin", str(tmp_path / "nowhere.git"))
    (clone / "notes.txt").write_text("x\n")
    with pytest.raises(SyncError) as refused:
        sync(store_of(clone / "workplan.json", "alice"))
    assert str(refused.value) == (
        f"{clone / 'workplan.json'}: cannot read it (no such file or directory); "
        "fix it (see 'workplan check') before syncing; nothing shared"
    )


@pytest.mark.parametrize("meanwhile", [False, True])
def test_changes_dropped_in_a_clone_without_workplans_hooks_are_said(tmp_path: Path, meanwhile: bool) -> None:
    """A clone where 'sync init' never ran has no hooks: there, a pull merged as text and resolved
    by taking one side whole is committed and pushed. workplan cannot stop that, but the sync
    that brings it into the clone whose change it was (by a fast forward, or by a merge when
    that clone went on working) may not say 'brought in' as if nothing happened: it names what
    was dropped and where, and making it again shares it."""
    a, b = make_clones(tmp_path, 2)
    careless = tmp_path / "careless"
    git(tmp_path, "clone", "--quiet", str(tmp_path / "remote.git"), str(careless))
    c = careless / "partnership.json"
    actions.add_task(store_of(c, "carol"), 1, "Carol's task")
    git(careless, "commit", "-qam", "carol by hand")
    actions.set_progress(store_of(b, "bob"), 2, "55")
    sync(store_of(b, "bob"))
    assert git_run(careless, "pull", "--no-rebase", "--no-edit").returncode != 0  # no driver here: text
    git(careless, "checkout", "--ours", "--", *PAIR)
    git(careless, "commit", "-qam", "resolved: mine")
    git(careless, "push", "-q")
    if meanwhile:
        actions.add_note(store_of(b, "bob"), 1, "bob's note")
        git(b.parent, "commit", "-qam", "bob by hand")
    report = sync(store_of(b, "bob"))  # the clone whose change it was is told, whichever way it merges
    dropped = [w for w in report["warnings"] if "no longer holds" in w]
    assert len(dropped) == 1 and "bob: T2 progress" in dropped[0] and "make them again" in dropped[0], report
    assert "(by Test: resolved: mine)" in dropped[0], dropped[0]
    assert json.loads(b.read_text())["tasks"]["2"]["progress"] != 55  # as it says: not in the file now
    actions.set_progress(store_of(b, "bob"), 2, "55")  # made again, as it says
    sync(store_of(b, "bob"))
    report = sync(store_of(a, "alice"))  # alice never held it: nothing of hers was dropped
    assert not [w for w in report["warnings"] if "no longer holds" in w]
    actions.set_progress(store_of(a, "alice"), 3, "10")
    assert sync(store_of(a, "alice"))["pushed"]
    result = CliRunner().invoke(cli, ["-f", str(b), "sync"], env={"WORKPLAN_USER": "bob"})
    assert result.exit_code == 0 and "no longer holds" not in result.stderr  # said once, when brought in
    assert json.loads(a.read_text())["tasks"]["2"]["progress"] == 55 and files_of(a) == files_of(b)


def test_check_tells_what_sync_and_push_will_refuse(tmp_path: Path) -> None:
    """'workplan check' is where every refusal sends a person: it may not say 'sound' while the
    branch holds a commit that loses changes (committed with --no-verify, or by a 'git revert' of
    a workplan commit, which runs no pre-commit), nor while the file on disk lost a change its
    last commit holds (an older version checked out); and following its line mends it."""
    a, b = make_clones(tmp_path, 2)
    actions.set_progress(store_of(a, "alice"), 2, "55")
    sync(store_of(a, "alice"))
    shared = git(a.parent, "rev-parse", "HEAD")
    git(a.parent, "checkout", "HEAD^", "--", *PAIR)  # an older version, over the change
    code, err = check(a)
    assert code == 1 and "loses 1 change(s) (alice: T2 progress" in err and "git checkout HEAD --" in err, err
    with pytest.raises(SyncError, match="see 'workplan check'"):
        sync(store_of(a, "alice"))
    git(a.parent, "checkout", "HEAD", "--", *PAIR)
    assert check(a) == (0, "")
    reverted = git_run(a.parent, "revert", "--no-edit", "HEAD")
    assert reverted.returncode == 0, reverted.stderr
    code, err = check(a)
    assert code == 1 and "loses 1 change(s) (alice: T2 progress" in err and f"git reset --keep {shared[:12]}" in err
    git(a.parent, "reset", "-q", "--keep", shared)
    assert check(a) == (0, "")
    assert sync(store_of(a, "alice"))["pushed"] is False  # nothing to share: it was shared already


@pytest.mark.parametrize("which", PAIR)
def test_check_says_how_git_gives_back_a_pair_one_half_of_which_was_checked_out(tmp_path: Path, which: str) -> None:
    """'git checkout COMMIT -- partnership.history.jsonl' (or the data file alone) leaves a pair
    that is not sound, or lacks a change: check says so, and how git gives the committed pair
    back (before, it named only what was wrong with the log). An older data file beside the
    newer log only looked appended to, and sync, the hooks and push let it through."""
    a, _ = make_clones(tmp_path, 2)
    actions.set_progress(store_of(a, "alice"), 2, "55")
    sync(store_of(a, "alice"))
    git(a.parent, "checkout", "HEAD^", "--", which)
    code, err = check(a)
    said = "differs from the last commit and is not sound" if which == PAIR[1] else "loses 1 change(s)"
    assert code == 1 and said in err, err
    assert "git checkout HEAD -- 'partnership.json' 'partnership.history.jsonl'" in err
    with pytest.raises(SyncError, match="see 'workplan check'"):
        sync(store_of(a, "alice"))
    committed = git_run(a.parent, "commit", "-qam", "by hand")  # the hook: the same refusal
    assert committed.returncode == 1 and "nothing committed" in one_line(committed.stderr)
    git(a.parent, "commit", "-qam", "past the hooks", "--no-verify")
    pushed = git_run(a.parent, "push")
    assert pushed.returncode != 0 and "nothing pushed" in one_line(pushed.stderr)
    git(a.parent, "reset", "-q", "--keep", "HEAD^")
    git(a.parent, "checkout", "HEAD", "--", *PAIR)
    assert check(a) == (0, "")


@pytest.mark.parametrize("how", [("-s", "ours"), ("-X", "ours"), ()])
def test_a_merge_git_commits_itself_is_checked_against_workplans(tmp_path: Path, how: tuple[str, ...]) -> None:
    """'git pull -s ours' merges without running any driver and commits at once: pre-merge-commit
    runs before git notes what it merges (no MERGE_HEAD yet), and must still see the other side,
    refusing a merge that drops it; a plain pull (workplan's driver) is let through."""
    a, b = make_clones(tmp_path, 2)
    diverge(a, b)
    head = git(a.parent, "rev-parse", "HEAD")
    pulled = git_run(a.parent, "pull", "--no-rebase", "--no-edit", *how)
    if how[-1:] == ("ours",) and how[0] == "-s":
        assert pulled.returncode != 0
        line = one_line(pulled.stderr)
        assert "that their side holds; nothing committed" in line and "git merge --abort" in line, line
        assert git(a.parent, "rev-parse", "HEAD") == head  # nothing committed
        git(a.parent, "merge", "--abort")
    else:
        assert pulled.returncode == 0, pulled.stderr  # the driver merged: -X says nothing to it
    assert_nothing_lost(a, b)


@pytest.mark.parametrize("route", ["cherry-pick", "squash", "cherry-pick, mine first"])
def test_a_change_brought_in_twice_is_one_record(tmp_path: Path, route: str) -> None:
    """Alice takes Bob's commit by 'git cherry-pick' or 'git merge --squash': git then knows no
    common version holding Bob's new task, and the next merge saw it twice (two 'Bob's task',
    Bob's later changes on one of them). It is one record, under the id the merge that took
    it in gave (T5 when Alice's own task came first), with both sides' later changes and no
    conflict; its log entries come once."""
    from datetime import timedelta

    from tests.conftest import FIXED_NOW

    def at(user: str, path: Path, minute: int) -> Store:
        return store_of(path, user, clock=lambda: FIXED_NOW + timedelta(minutes=minute))

    a, b = make_clones(tmp_path, 2)
    mine_first = route.endswith("mine first")
    actions.add_task(at("alice", a, 1 if mine_first else 3), 1, "Alice's task")
    git(a.parent, "commit", "-qam", "alice by hand")
    actions.add_task(at("bob", b, 2), 1, "Bob's task")
    sync(at("bob", b, 2))
    git(a.parent, "fetch", "-q")
    if route == "squash":
        git(a.parent, "merge", "-q", "--squash", "origin/main")
        git(a.parent, "commit", "-qm", "squashed")
    else:
        git(a.parent, "cherry-pick", "origin/main")
    tasks = {t["title"]: int(k) for k, t in json.loads(a.read_text())["tasks"].items()}
    bobs, alices = tasks["Bob's task"], tasks["Alice's task"]
    assert (bobs, alices) == ((5, 4) if mine_first else (4, 5))
    actions.set_progress(at("bob", b, 4), 4, "60")
    actions.add_note(at("bob", b, 4), 4, "soil ordered")
    sync(at("bob", b, 4))
    actions.add_note(at("alice", a, 5), bobs, "thanks bob")
    actions.set_progress(at("alice", a, 5), alices, "10")
    sync(at("alice", a, 6))
    sync(at("bob", b, 6))
    assert files_of(a) == files_of(b)
    data = json.loads(a.read_text())
    by_title = {t["title"]: (int(k), t) for k, t in data["tasks"].items()}
    assert len(data["tasks"]) == 5 and not data.get("conflicts"), data.get("conflicts")
    assert by_title["Bob's task"][0] == bobs and by_title["Alice's task"][0] == alices
    bob_task = by_title["Bob's task"][1]
    assert bob_task["progress"] == 60 and [u["text"] for u in bob_task["updates"]] == ["soil ordered", "thanks bob"]
    assert by_title["Alice's task"][1]["progress"] == 10
    log = [json.loads(line) for line in history_path_for(a).read_text().splitlines()]
    assert [e["record"] for e in log if e["kind"] == "task.add" and e["member"] == "bob"] == [f"T{bobs}"]
    assert [e["record"] for e in log if e["kind"] == "task.progress" and e["member"] == "bob"] == [f"T{bobs}"]
    assert check(a)[0] == 0
