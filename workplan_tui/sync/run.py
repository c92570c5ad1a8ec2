"""``workplan sync``: commit my changes, fetch, merge record by record, push; retry on a race.

1. **Commit**, holding the file's lock: the data file and its log (and ``.gitattributes``)
   when they differ from HEAD, with a message drawn from the log entries since the last
   commit (``alice: T12 progress 40 -> 60; T14 done``). A file that is not sound is refused.
2. **Fetch** the upstream branch, without the lock (the network may be slow; boards keep
   writing meanwhile). An unreachable remote is one line; the commit stays, to be shared at
   the next sync.
3. **Merge**, holding the lock again (committing what was written meanwhile first): a fast
   forward, or the three-way merge of ``sync/merge.py`` over the six versions read from git's
   objects, recorded as a merge commit built with git's plumbing (other files of the
   repository merged by git's own rules; if they conflict, nothing happens). The two files
   are replaced the way every workplan write replaces them (atomically, mode and group kept,
   the log first): git itself never rewrites them, so no reader sees half a file.
4. **Push**; when someone pushed in between, back to 2 (a few times).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from workplan_tui.model.changes import summary
from workplan_tui.model.dates import utc_now
from workplan_tui.model.records import Activity
from workplan_tui.model.text import clean
from workplan_tui.store import outside
from workplan_tui.store.history import Mark, history_path_for, mark_of
from workplan_tui.store.storage import StoreError, os_reason, write_atomic
from workplan_tui.store.store import Store, iso
from workplan_tui.sync import driver, guard, state
from workplan_tui.sync.clone import SKIP_HOOKS, Repo, SyncError, init, setup, setup_problems
from workplan_tui.sync.driver import data_bytes, load_copy
from workplan_tui.sync.git import NETWORK_TIMEOUT, Git, GitError, first_line
from workplan_tui.sync.merge import Copy, MergeError, merge

RETRIES = 5  # pushes tried when others keep pushing in between
__all__ = ["Repo", "SyncError", "init", "sync"]


def sync(store: Store, *, retries: int = RETRIES, say: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Share my changes and bring theirs; the report (see ``cli/sync.py``). Raises SyncError."""
    say = say or (lambda line: None)
    try:
        return _sync(Repo(store), retries, say)
    except GitError as exc:
        raise SyncError(str(exc)) from None
    except MergeError as exc:
        raise SyncError(f"cannot merge their copy: {exc}") from None


def _sync(repo: Repo, retries: int, say: Callable[[str], None]) -> dict[str, Any]:
    git, store = repo.git, repo.store
    busy = guard.in_progress(git)
    if busy:
        raise SyncError(
            f"a git {busy[0]} is in progress in {repo.top}; finish it or abort it first "
            f"({guard.ABORT[busy[0]]}), then sync again"
        )
    branch = git.out("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    if not branch:
        raise SyncError(f"{repo.top}: no branch is checked out (detached HEAD); check one out, then sync again")
    remote = git.out("config", f"branch.{branch}.remote", check=False) or "origin"
    if remote not in git.out("remote").split():
        raise SyncError(f"{repo.top}: no remote '{remote}' to sync with; add one: git remote add {remote} URL")
    merge_ref = git.out("config", f"branch.{branch}.merge", check=False) or f"refs/heads/{branch}"
    tracking = f"refs/remotes/{remote}/{merge_ref.removeprefix('refs/heads/')}"
    where = f"{remote}/{merge_ref.removeprefix('refs/heads/')}"
    report: dict[str, Any] = {
        "file": str(store.path),
        "remote": where,
        "committed": [],
        "merged": None,
        "pushed": False,
        "retries": 0,
        "conflicts": [],
        "renumbered": [],
        "warnings": [],
    }
    problems = setup_problems(git, repo.pair)
    if problems:  # never set up here, or set up by a workplan since moved: as 'sync init' does
        left = setup(repo, strict=False)["problems"]
        report["warnings"].append(f"set this clone up for workplan as 'workplan sync init' does ({problems[0]})")
        report["warnings"] += left  # what sync cannot mend (a line overriding workplan's): sync goes on
    found = guard.gate(git, [repo.pair])
    if found:
        raise SyncError(found[0])
    with store.lock():
        committed = _commit_local(repo)
    if committed:
        report["committed"].append(committed)
        say(f"Committed {committed['changes']} change(s): {committed['subject']}")
    for attempt in range(retries + 1):
        report["retries"] = attempt
        upstream = _fetch(repo, remote, merge_ref, tracking, report)
        with store.lock():
            committed = _commit_local(repo)
            if committed:
                report["committed"].append(committed)
            merged = _integrate(repo, upstream, where)
        if merged is not None:
            report["merged"] = merged
            report["conflicts"] += merged.get("conflicts", [])
            report["renumbered"] += merged.get("renumbered", [])
            report["warnings"] += merged.pop("dropped", [])  # said as a warning, not part of the merge
            say(merged["summary"])
        head = git.rev("HEAD")
        if head is None or head == upstream:
            break
        if _push(repo, remote, merge_ref, report):
            report["pushed"] = True
            break
        say(f"Someone pushed to {where} meanwhile; merging again")
    else:
        raise SyncError(
            f"others kept pushing to {where}; tried {retries + 1} times. Your changes are committed "
            "locally; run 'workplan sync' again"
        )
    _remember(repo, where)
    report["at"] = iso(utc_now())
    report["head"] = git.rev("HEAD")
    return report


# --- 1. commit -------------------------------------------------------------------------------


def _commit_local(repo: Repo) -> dict[str, Any] | None:
    """Commit the partnership's files if they changed (holding the lock); what was committed."""
    git, store = repo.git, repo.store
    paths = repo.paths()
    changed = git.out("status", "--porcelain", "--untracked-files=all", "--", *paths)
    if not changed:
        return None
    try:  # never share what a partner's merge would refuse: the same checks, on the two files
        log_path = history_path_for(store.path)
        load_copy(str(store.path), store.path.read_bytes(), _read(log_path))
    except (MergeError, OSError) as exc:
        problem = (
            f"{exc.filename or store.path}: cannot read it ({os_reason(exc)})"
            if isinstance(exc, OSError)
            else str(exc).removesuffix("; nothing merged")
        )
        raise SyncError(f"{problem}; fix it (see 'workplan check') before syncing; nothing shared") from None
    entries = _entries_since(repo, "HEAD")
    subject, body = commit_message(entries, repo.who, [line[3:] for line in changed.splitlines()])
    git.run("add", "--", *(p for p in paths if (repo.top / p).exists()))
    _check_staged(repo)
    checked = {SKIP_HOOKS: "1"}  # what the hooks would check is checked above
    git.run("commit", "--quiet", "-m", subject, *(["-m", body] if body else []), "--", *paths, env=checked)
    return {"commit": git.rev("HEAD"), "subject": subject, "changes": len(entries)}


def _check_staged(repo: Repo) -> None:
    """What git staged is exactly what workplan wrote (no end-of-line conversion or filter), and
    holds every change the last commit holds. Else SyncError, with the files unstaged."""
    git = repo.git
    problems = []
    for path in repo.pair:
        raw = _read(repo.top / path)
        staged = git.out("ls-files", "-s", "--", path).split()
        if raw is not None and staged and staged[1] != git.hash_object(raw):
            problems.append(
                f"git changes the bytes of {path} as it commits it (end-of-line conversion with core.autocrlf, "
                "or a filter), which would break it for every other clone: nothing committed; "
                "see 'workplan check'"
            )
    head_log, log = git.blob("HEAD", repo.log), _read(repo.top / repo.log)
    data = _read(repo.top / repo.data)
    if not problems and head_log and log is not None and not guard.only_appended(data, log, head_log):
        problems = guard.check_staged(git, [repo.pair])
    if problems:
        git.run("reset", "--quiet", "--", *repo.pair, check=False)
        raise SyncError(problems[0])


def _entries_since(repo: Repo, rev: str) -> list[Activity]:
    """Log entries newer than what ``rev`` holds of the file (all of them if it has none)."""
    committed = repo.git.blob(rev, repo.data)
    mark = Mark()
    if committed:
        try:
            meta = orjson.loads(committed).get("meta", {}).get("1", {})
            mark = mark_of(meta) if isinstance(meta, dict) else Mark()
        except (orjson.JSONDecodeError, AttributeError):
            mark = Mark()
    try:
        history = repo.store.history()
        return history.since(mark) if mark.size else list(history.scan())
    except StoreError:
        return []


def commit_message(entries: list[Activity], user: str, paths: list[str] | None = None) -> tuple[str, str]:
    """('alice: T12 progress 40 -> 60; T14 done', one line per change) for a commit."""
    if not entries:
        return clean(f"{user}: {', '.join(paths or ['workplan files'])} (no logged change)"), ""
    by_member: dict[str, list[str]] = {}
    for entry in entries:
        by_member.setdefault(entry.member, []).append(summary(entry))
    parts = [f"{member}: {'; '.join(items)}" for member, items in by_member.items()]
    subject = clean(" | ".join(parts))
    if len(subject) > 100:
        subject = subject[:90].rsplit(";", 1)[0].rstrip() + f" (+{len(entries)} changes)"
    body = "\n".join(clean(f"{e.at} {e.member}: {summary(e)}") for e in entries[:500])
    if len(entries) > 500:
        body += f"\n... and {len(entries) - 500} more"
    return subject, body if len(entries) > 1 else ""


# --- 2. fetch ------------------------------------------------------------------------------------


def _fetch(repo: Repo, remote: str, merge_ref: str, tracking: str, report: dict[str, Any]) -> str | None:
    """Fetch the upstream branch; its commit, or None when the remote has no such branch yet."""
    done = repo.git.run(
        "fetch", "--quiet", "--no-tags", remote, f"+{merge_ref}:{tracking}", timeout=NETWORK_TIMEOUT, check=False
    )
    if done.returncode != 0:
        message = first_line(done.stderr)
        if "couldn't find remote ref" in message:
            return None
        kept = "committed locally" if report["committed"] else "kept"
        raise SyncError(
            f"cannot reach {remote} ({message}); your changes are {kept} and will be shared at the next sync"
        )
    return repo.git.rev(tracking)


# --- 3. merge ----------------------------------------------------------------------------------


def _integrate(repo: Repo, upstream: str | None, where: str) -> dict[str, Any] | None:
    """Bring ``upstream`` into HEAD (holding the lock): what was merged, or None if nothing."""
    git = repo.git
    head = git.rev("HEAD")
    if upstream is None or upstream == head:
        return None
    if head is not None and git.ok("merge-base", "--is-ancestor", upstream, head):
        return None
    if head is None or git.ok("merge-base", "--is-ancestor", head, upstream):
        data, log = git.blob(upstream, repo.data), git.blob(upstream, repo.log)
        if data is None:
            raise SyncError(f"{where} has no {repo.data}; nothing merged")
        theirs = load_copy("theirs", data, log)  # what comes from a remote is checked before it is used
        dropped: list[str] = []
        ours_log = git.blob(head, repo.log) if head is not None else None
        if head is not None and ours_log and not guard.only_appended(data, log, ours_log):
            ours = _copy_at(repo, head, "ours")
            dropped = _dropped(repo, ours, theirs, head, upstream, where) if ours is not None else []
        _move_to(repo, head, upstream, data, log or b"")
        return {
            "kind": "fast-forward",
            "from": where,
            "changes": -1,
            "summary": f"Brought in {where}",
            "dropped": dropped,
        }
    bases = git.out("merge-base", head, upstream, check=False)
    if not bases:
        raise SyncError(f"this clone and {where} share no history (two different repositories?); nothing merged")
    base = bases.split()[0]
    copies = []
    for name, rev in (("base", base), ("ours", head), ("theirs", upstream)):
        data = git.blob(rev, repo.data)
        if data is None:
            if name == "ours":
                raise SyncError(f"{repo.data} is not committed here; nothing merged")
            raise SyncError(f"{WHERE[name].format(where=where)} has no {repo.data}; nothing merged")
        copies.append(load_copy(name, data, git.blob(rev, repo.log)))
    dropped = _dropped(repo, copies[0], copies[2], head, upstream, where)
    result = merge(*copies, user=repo.who, os_user=repo.store.os_user)
    data, log = data_bytes(result), result.log_bytes
    tree = _merged_tree(repo, base, head, upstream, data, log)
    summary = f"Merged {where}: {result.from_theirs} change(s) from their copy"
    if result.conflicts:
        summary += f", {len(result.conflicts)} conflict(s) ({', '.join(result.conflicts)}; see 'workplan conflicts')"
    renumbered = [f"{r.table}:{r.old}->{r.new}" for r in result.renumbered]
    if result.renumbered:
        summary += f", renumbered {len(renumbered)} record(s) both sides had added"
    message = f"Merge {where} (workplan sync)\n\n{summary}"
    commit = git.out("commit-tree", tree, "-p", head, "-p", upstream, "-m", message)
    driver._remember(git, data, log)  # a merge this clone made, for the checks before a push
    _move_to(repo, head, commit, data, log)
    return {
        "kind": "merge",
        "from": where,
        "commit": commit,
        "changes": result.from_theirs,
        "conflicts": result.conflicts,
        "renumbered": renumbered,
        "summary": summary,
        "dropped": dropped,
    }


def _copy_at(repo: Repo, rev: str, name: str) -> Copy | None:
    """The pair at ``rev``, checked; None when it has none, or one that cannot be read."""
    data = repo.git.blob(rev, repo.data)
    if data is None:
        return None
    try:
        return load_copy(name, data, repo.git.blob(rev, repo.log))
    except MergeError:
        return None


def _dropped(repo: Repo, shared: Copy, theirs: Copy, head: str, upstream: str, where: str) -> list[str]:
    """What ``upstream`` dropped of the changes ``shared`` (the common version: HEAD for a fast
    forward) holds: changes already shared, which no workplan merge or write ever removes, lost
    in a clone without workplan's hooks (a text merge resolved by taking one side, say). Nothing
    can stop that there; here it is said, once, as it is brought in (one line, or none)."""
    lost = guard.missing(shared, theirs)
    if not lost:
        return []
    culprit = guard.first_without(repo.git, repo.pair, upstream, head, lost)
    by = f" in commit {culprit}" if culprit else ""
    return [
        f"{where} no longer holds {guard.say_lost(lost)} that were shared before: they were dropped{by}, made "
        "where workplan's hooks do not run (a clone where 'workplan sync init' never ran, or git --no-verify), "
        "and are not in the file now; make them again"
    ]


WHERE = {"base": "the common version", "theirs": "{where}"}


def _merged_tree(repo: Repo, base: str, head: str, upstream: str, data: bytes, log: bytes) -> str:
    """The merge commit's tree: git's own three-way merge of every other file (in a temporary
    index), with the partnership's two files as workplan merged them."""
    git = repo.git
    git_dir = Path(git.out("rev-parse", "--absolute-git-dir"))
    index = git_dir / f"workplan-merge-index.{os.getpid()}"
    env = {"GIT_INDEX_FILE": str(index)}
    try:
        git.run("read-tree", "-i", "-m", "--aggressive", base, head, upstream, env=env)
        for path, payload in ((repo.data, data), (repo.log, log)):
            blob = git.hash_object(payload, write=True)
            git.run("update-index", "--add", "--cacheinfo", f"{_mode(git, head, path)},{blob},{path}", env=env)
        unmerged = sorted({line.split("\t", 1)[-1] for line in git.out("ls-files", "-u", env=env).splitlines()})
        if unmerged:
            raise SyncError(
                f"git cannot merge {', '.join(unmerged[:3])} (other files of the repository); "
                "nothing merged: merge those with git, then sync again"
            )
        return git.out("write-tree", env=env)
    finally:
        try:
            index.unlink()
        except OSError:
            pass


def _mode(git: Git, rev: str, path: str) -> str:
    listed = git.out("ls-tree", rev, "--", path, check=False)
    return listed.split()[0] if listed else "100644"


def _move_to(repo: Repo, head: str | None, target: str, data: bytes, log: bytes) -> None:
    """Make ``target`` the checked-out commit: the two files replaced as every workplan write
    replaces them (log first, then the data file: the commit point), then git moves the branch
    and updates any other file (``reset --keep`` leaves files already as ``target`` has them)."""
    git = repo.git
    store_path = repo.store.path
    log_path = history_path_for(store_path)
    what = "the merge"
    if _read(log_path) != log:
        write_atomic(log_path, log, what=what)
    if _read(store_path) != data:
        write_atomic(store_path, data, what=what)
    outside.remember(store_path, data)  # what workplan wrote: an edit after it is seen
    for path, payload in ((repo.data, data), (repo.log, log)):
        blob = git.hash_object(payload, write=True)
        git.run("update-index", "--add", "--cacheinfo", f"{_mode(git, target, path)},{blob},{path}")
    if head is None:
        git.run("update-ref", "HEAD", target)
        git.run("reset", "--quiet", "--keep", target)
        return
    done = git.run("reset", "--quiet", "--keep", target, check=False)
    if done.returncode != 0:
        raise SyncError(f"git could not update the other files to the merge ({first_line(done.stderr)})")


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


# --- 4. push -----------------------------------------------------------------------------------


def _push(repo: Repo, remote: str, merge_ref: str, report: dict[str, Any]) -> bool:
    """Push HEAD; False when someone pushed in between (then fetch and merge again)."""
    done = repo.git.run(
        "push",
        "--porcelain",
        remote,
        f"HEAD:{merge_ref}",
        timeout=NETWORK_TIMEOUT,
        check=False,
        env={SKIP_HOOKS: "1"},  # checked before anything was committed (guard.gate)
    )
    if done.returncode == 0:
        return True
    text = (done.stdout + done.stderr).decode("utf-8", "replace")
    if "[rejected]" in text or "non-fast-forward" in text or "fetch first" in text or "[remote rejected]" in text:
        if "[remote rejected]" in text and "cannot lock ref" not in text:
            reason = first_line(done.stderr)
            raise SyncError(f"{remote} refused the push ({reason}); your changes are committed locally")
        return False
    raise SyncError(
        f"cannot push to {remote} ({first_line(done.stderr)}); your changes are committed locally "
        "and will be shared at the next sync"
    )


def _remember(repo: Repo, where: str) -> None:
    try:
        mark = repo.store.history().mark
    except StoreError:
        return
    state.write(repo.store.path, {"at": iso(utc_now()), "last": mark.last, "bytes": mark.size, "remote": where})


def parse_interval(text: str) -> float:
    """'5m', '30s', '2h', '90' (seconds) as seconds; ValueError for anything else or under 10 s."""
    raw = text.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600}
    number, unit = (raw[:-1], raw[-1]) if raw[-1:] in units else (raw, "s")
    if not number.isascii() or not number.isdigit():
        raise ValueError(f"{text!r} is not an interval (e.g. 30s, 5m, 1h)")
    seconds = int(number) * units[unit]
    if seconds < 10:
        raise ValueError(f"{text!r} is too short; sync at most every 10 seconds")
    return float(seconds)
