"""Nothing acknowledged is lost: what workplan checks when git commits, merges, rebases or
pushes the partnership files, whoever runs git.

Every route that can bring a text-merged, conflict-marked or otherwise changed file into a
commit passes one of these checks, each saying in one line what happened and how to recover:

* **A commit** (``pre-commit``, and ``pre-merge-commit`` for a merge git commits itself): the
  pair as staged must be sound; it must hold every change its parent held (log entries are
  never removed); and while a merge, rebase or cherry-pick is in progress it must be what
  workplan's merge of the two sides gives, so a file git merged as text, one side taken
  whole (``git checkout --ours``) or a merge resolved by hand is refused before it is committed.
* **A rebase** commits without ``pre-commit``: ``pre-rebase`` refuses to start when git would
  merge the files without workplan, and ``post-rewrite`` compares each rewritten commit with
  the one it replaces; a loss is noted in the git folder (``workplan-lost``), and ``workplan
  sync`` and ``git push`` refuse until the branch holds those changes again.
* **After a merge** (``post-merge``, e.g. a ``git pull`` that fast-forwarded to a corrupt
  file, or bytes changed on checkout): said at once, with ``git reset --keep ORIG_HEAD``.
* **A push** (``pre-push``, and ``workplan sync`` before it commits anything): each commit not
  yet on the remote that changes the files is checked as a commit is, merges against
  workplan's merge of their parents.

A change is "held" when its log entry is: entries are matched by time, member, account and
kind (a merge may renumber the records they name, never these).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from workplan_tui.model.text import clean
from workplan_tui.store import layout
from workplan_tui.store.history import history_path_for, mark_of
from workplan_tui.sync import driver
from workplan_tui.sync.clone import (
    DRIVER,
    FILES_KEY,
    Pair,
    attribute_problems,
    files_set_up,
    pair_for,
    setup_problems,
)
from workplan_tui.sync.git import Git, GitError, find_top, refused_repository
from workplan_tui.sync.merge import Copy, MergeError, merge
from workplan_tui.sync.state import git_dir

LOST_FILE = "workplan-lost"  # in the git folder: changes a rebase lost, until the branch has them again
RANGE_LIMIT = 200  # commits checked before a push, newest first
ABORT = {"merge": "git merge --abort", "rebase": "git rebase --abort", "cherry-pick": "git cherry-pick --abort"}
ZERO = "0" * 40


def in_progress(git: Git) -> tuple[str, str] | None:
    """("merge" | "rebase" | "cherry-pick", the commit being brought in, "" when none) while git
    is in one. A finished rebase may leave REBASE_HEAD behind: its folder is what says."""
    merging = git.rev("MERGE_HEAD") or _merging_now()
    if merging:
        return "merge", merging
    for folder in ("rebase-merge", "rebase-apply"):
        where = Path(git.out("rev-parse", "--git-path", folder))
        if (where if where.is_absolute() else git.cwd / where).is_dir():
            return "rebase", git.rev("REBASE_HEAD") or ""
    picking = git.rev("CHERRY_PICK_HEAD")
    return ("cherry-pick", picking) if picking else None


def _merging_now() -> str:
    """The commit a 'git merge' (or 'git pull') that commits by itself is merging, as its
    ``pre-merge-commit`` hook sees it: git writes MERGE_HEAD only after that hook, but names each
    commit it merges in the environment (``GITHEAD_<commit>``, for its merge strategies). "" when
    not inside such a merge."""
    heads = sorted(name.removeprefix("GITHEAD_") for name in os.environ if name.startswith("GITHEAD_"))
    return next((h for h in heads if len(h) in (40, 64) and all(c in "0123456789abcdef" for c in h)), "")


def only_appended(data: bytes | None, log: bytes | None, parent_log: bytes | None) -> bool:
    """Whether a pair (its data file's bytes, its log's) only adds to a parent whose log was
    ``parent_log``, as every workplan write does, so nothing of the parent's can be lost: its
    log starts with the parent's, and its data file's marker accounts for all of that (an older
    data file checked out beside the newer log does not: its changes since are gone). Cheap: the
    data file's first record line only; False when that cannot tell (then check it whole)."""
    log, parent_log = log or b"", parent_log or b""
    if not log.startswith(parent_log):
        return False
    meta = layout.meta_of(data or b"")
    return meta is not None and mark_of(meta).size >= len(parent_log)


def _key(entry: dict[str, Any]) -> tuple[str, str, str, str]:
    return (str(entry.get("at")), str(entry.get("member")), str(entry.get("os_user")), str(entry.get("kind")))


def missing(parent: Copy, child: Copy) -> list[dict[str, Any]]:
    """The log entries of ``parent`` that ``child`` lacks: changes it would lose."""
    have = Counter(_key(e) for e in child.log)
    out = []
    for entry in parent.log:
        key = _key(entry)
        if have[key]:
            have[key] -= 1
        else:
            out.append(entry)
    return out


def first_without(git: Git, pair: Pair, tip: str, since: str, entries: list[dict[str, Any]]) -> str:
    """The oldest commit reachable from ``tip`` and not from ``since`` that lacks one of
    ``entries`` (log entries) a parent of it holds: where they were dropped, as ``abc1234567 (by
    NAME: subject)``; "" when it cannot be told (more than RANGE_LIMIT commits to look at)."""
    keys = {_key(e) for e in entries}
    listed = git.out("rev-list", "--reverse", "--topo-order", "--parents", tip, "--not", since, check=False)
    commits = [line.split() for line in listed.splitlines() if line.strip()]
    if len(commits) > RANGE_LIMIT:
        return ""
    reader = Reader(git, pair)

    def held(rev: str) -> set[tuple[str, str, str, str]]:
        copy = reader.at(rev, f"commit {rev[:10]}")
        return keys & {_key(e) for e in copy.log} if copy is not None else set()

    for commit, *parents in commits:
        have = held(commit)
        if any(held(parent) - have for parent in parents):
            who = git.out("log", "-1", "--format=%an: %s", commit, check=False)
            return clean(f"{commit[:10]} (by {who[:80]})")
    return ""


def say_lost(entries: list[dict[str, Any]]) -> str:
    """'3 changes (bob: T12 progress, T14 status, ...)'."""
    shown = []
    for entry in entries[:3]:
        changes = entry.get("changes")
        fields = ", ".join(str(k) for k in changes) if isinstance(changes, dict) else ""
        shown.append(clean(f"{entry.get('member')}: {entry.get('record')} {fields}".strip()))
    more = ", ..." if len(entries) > 3 else ""
    return f"{len(entries)} change(s) ({'; '.join(shown)}{more})"


def _plain(copy: Copy) -> bytes:
    """A copy's content without what only says how it was written (the seal, the marker)."""
    data = dict(copy.data)
    meta = {k: v for k, v in data["meta"]["1"].items() if k not in ("digest", "history")}
    data["meta"] = {"1": meta}
    return orjson.dumps([data, copy.log], option=orjson.OPT_SORT_KEYS)


class Reader:
    """Copies of the pair read from git's objects, each checked (``driver.load_copy``) once."""

    def __init__(self, git: Git, pair: Pair):
        self.git = git
        self.pair = pair
        self._blobs: dict[str, bytes] = {}
        self._copies: dict[tuple[str, str], Copy] = {}

    def ids(self, rev: str) -> tuple[str, str] | None:
        """The blob ids of the data file and its log at ``rev`` (``:`` for the index), or None
        without a data file; the log's id is "" when there is none."""
        prefix = ":" if rev == ":" else f"{rev}:"
        query = f"{prefix}{self.pair.data}\n{prefix}{self.pair.log}\n".encode()
        answer = self.git.out("cat-file", "--batch-check=%(objectname)", input=query).splitlines()
        if len(answer) < 2 or answer[0].endswith("missing"):
            return None
        return answer[0], "" if answer[1].endswith("missing") else answer[1]

    def blob(self, blob_id: str) -> bytes | None:
        if not blob_id:
            return None
        if blob_id not in self._blobs:
            self._blobs[blob_id] = self.git.run("cat-file", "blob", blob_id).stdout
        return self._blobs[blob_id]

    def copy(self, ids: tuple[str, str], name: str) -> Copy:
        """The copy with these blobs, checked. Raises MergeError naming ``name``."""
        if ids not in self._copies:
            data = self.blob(ids[0])
            assert data is not None
            self._copies[ids] = driver.load_copy(name, data, self.blob(ids[1]))
        return self._copies[ids]

    def at(self, rev: str, name: str) -> Copy | None:
        """The copy at ``rev``, or None when it has no data file or is not sound (a parent that
        cannot be read is not what a check of its child is about)."""
        ids = self.ids(rev)
        if ids is None:
            return None
        try:
            return self.copy(ids, name)
        except MergeError:
            return None


def has_markers(raw: bytes | None) -> bool:
    """Whether git left conflict markers in these bytes (a text merge)."""
    if not raw:
        return False
    return raw.startswith(b"<<<<<<< ") or b"\n<<<<<<< " in raw or b"\n>>>>>>> " in raw


def _markers(raw: bytes | None) -> str:
    return " (git left conflict markers in it: it merged the file as text)" if has_markers(raw) else ""


def _problem(exc: MergeError) -> str:
    return clean(str(exc)).removesuffix("; nothing merged")


def made_by_workplan(
    reader: Reader, result: Copy, ours: Copy, theirs: Copy, bases: list[str], mergers: Iterable[tuple[str, str]]
) -> bool:
    """Whether ``result`` is workplan's merge of ``ours`` and ``theirs`` against one of the
    ``bases`` (commits), as one of ``mergers`` would record it, or a pair the driver made in
    this clone (a merge of several merge bases, which git merges first)."""
    wanted = _plain(result)
    for base_rev in bases:
        base = reader.at(base_rev, "the common version")
        if base is None:
            continue
        for who in dict.fromkeys(mergers):
            try:
                made = merge(base, ours, theirs, user=who[0], os_user=who[1])
            except MergeError:
                break
            if _plain(Copy(made.data, made.log, "merged")) == wanted:
                return True
    return False


def _mergers(result: Copy, ours: Copy, theirs: Copy) -> list[tuple[str, str]]:
    """Who may have made ``result``: whoever runs this, and who its merge notes name."""
    known = {_key(e) for e in (*ours.log, *theirs.log)}
    named = [
        (str(e.get("member")), str(e.get("os_user", "")))
        for e in result.log
        if str(e.get("kind", "")).startswith("merge.") and _key(e) not in known
    ]
    return [driver.merger(ours.data), *named[:1]]


def _remembered(git: Git, ids: tuple[str, str]) -> bool:
    return any(data == ids[0] and log == ids[1] for data, log in driver._remembered(git, False))


# --- a commit -------------------------------------------------------------------------------------


def check_staged(git: Git, pairs: list[Pair]) -> list[str]:
    """``pre-commit``: what is wrong with the pairs as staged (one line each; none: commit)."""
    staged = set(git.run("diff", "--cached", "--name-only", "-z").stdout.decode("utf-8", "surrogateescape").split("\0"))
    state = in_progress(git)
    problems: list[str] = []
    for pair in pairs:
        reader = Reader(git, pair)
        brought = state is not None and bool(state[1]) and reader.ids("HEAD") != reader.ids(state[1])
        if pair.data not in staged and pair.log not in staged and not brought:
            continue
        recover = (
            f"nothing committed; run '{ABORT[state[0]]}', then 'workplan sync'"
            if state is not None
            else f"nothing committed; see 'workplan check', or take back the committed version: "
            f"git checkout HEAD -- '{pair.data}' '{pair.log}'"
        )
        problems += [f"{p}; nothing committed" for p in attribute_problems(git, pair)]
        ids = reader.ids(":")
        if ids is None:
            continue  # removed from the repository: a decision, not an accident
        try:
            child = reader.copy(ids, f"{pair.data} as staged")
        except MergeError as exc:
            problems.append(f"{_problem(exc)}{_markers(reader.blob(ids[0]))}; {recover}")
            continue
        parents = [("HEAD", "our side")] + ([(state[1], "their side")] if state and state[1] else [])
        found = ""
        for rev, side in parents:
            held = reader.ids(rev)
            if held is None or (
                state is None and only_appended(reader.blob(ids[0]), reader.blob(ids[1]), reader.blob(held[1]))
            ):
                continue  # only appended to, as every workplan write does: nothing lost
            parent = reader.at(rev, side)
            lost = missing(parent, child) if parent is not None else []
            if lost:
                found = f"{pair.data} as staged loses {say_lost(lost)} that {side} holds"
                break
        if not found and state and state[1]:
            found = _check_in_progress(git, reader, child, ids, state)
        if found:
            problems.append(f"{found}; {recover}")
    return problems


def _check_in_progress(git: Git, reader: Reader, child: Copy, ids: tuple[str, str], state: tuple[str, str]) -> str:
    kind, theirs_rev = state
    ours, theirs = reader.at("HEAD", "our side"), reader.at(theirs_rev, "their side")
    if ours is None or theirs is None:
        return ""
    if kind == "merge":
        bases = git.out("merge-base", "--all", "HEAD", theirs_rev, check=False).split()
    else:
        bases = [b for b in [git.rev(f"{theirs_rev}^")] if b]
    if made_by_workplan(reader, child, ours, theirs, bases, _mergers(child, ours, theirs)):
        return ""
    if len(bases) > 1 and _remembered(git, ids):
        return ""
    return (
        f"{reader.pair.data} as staged is not workplan's record-by-record merge of the two sides "
        "(git merged it as text, or it was resolved by hand), so changes would be lost or made up"
    )


# --- commits about to be pushed -------------------------------------------------------------------


def unpushed(git: Git, tips: list[str], exclude: list[str]) -> list[tuple[str, list[str]]]:
    """(commit, parents) of the commits reachable from ``tips`` and not from ``exclude`` (revs,
    or ``--remotes``), newest first, at most RANGE_LIMIT."""
    listed = git.out("rev-list", "--parents", f"--max-count={RANGE_LIMIT}", *tips, "--not", *exclude, check=False)
    return [(line.split()[0], line.split()[1:]) for line in listed.splitlines() if line.strip()]


def check_commits(git: Git, pairs: list[Pair], commits: list[tuple[str, list[str]]], done: str) -> list[str]:
    """What is wrong with these commits' pairs (one line each): not sound, a change of a parent
    lost, a merge other than workplan's. Each line says ``done`` ("nothing pushed") and how to go
    back to before the commit."""
    problems: list[str] = []
    for pair in pairs:
        reader = Reader(git, pair)
        for commit, parents in reversed(commits):
            ids = reader.ids(commit)
            if ids is None:
                continue
            parent_ids = [reader.ids(p) for p in parents]
            if ids in parent_ids and len(parents) == 1:
                continue  # the commit left the pair alone
            short = commit[:10]
            recover = (
                f"{done}; go back to before it with 'git reset --keep {parents[0][:12]}' (git stash first if you "
                "changed the files since), then run 'workplan sync'"
                if parents
                else f"{done}; see 'workplan check'"
            )
            try:
                child = reader.copy(ids, f"{pair.data} in commit {short}")
            except MergeError as exc:
                problems.append(f"{_problem(exc)}; {recover}")
                continue
            found = ""
            for parent, held in zip(parents, parent_ids, strict=True):
                if held is None:
                    continue
                if len(parents) == 1 and only_appended(reader.blob(ids[0]), reader.blob(ids[1]), reader.blob(held[1])):
                    continue  # only appended to, as every workplan write does
                copy = reader.at(parent, f"parent {parent[:10]}")
                lost = missing(copy, child) if copy is not None else []
                if lost:
                    found = f"commit {short} loses {say_lost(lost)} that its parent {parent[:10]} holds"
                    break
            copies = [reader.at(p, f"parent {p[:10]}") for p in parents] if len(parents) == 2 and not found else []
            if copies and all(copies):
                ours, theirs = copies
                assert ours is not None and theirs is not None
                bases = git.out("merge-base", "--all", *parents, check=False).split()
                if not _remembered(git, ids) and not made_by_workplan(
                    reader, child, ours, theirs, bases, _mergers(child, ours, theirs)
                ):
                    found = (
                        f"commit {short} merges {pair.data} otherwise than workplan would "
                        "(git merged it as text, or it was resolved by hand)"
                    )
            if found:
                problems.append(f"{found}; {recover}")
    return problems


# --- what a rebase lost --------------------------------------------------------------------------


def _lost_path(git: Git) -> Path:
    folder = Path(git.out("rev-parse", "--git-dir"))
    return (folder if folder.is_absolute() else git.cwd / folder) / LOST_FILE


def lost_notes(git: Git) -> list[dict[str, str]]:
    """Changes a rewrite lost, noted by ``post-rewrite``: {"bad": the commits that lost them,
    "file", "line": what to say} each."""
    try:
        lines = _lost_path(git).read_text().splitlines()
    except (OSError, UnicodeDecodeError, GitError):
        return []
    notes = []
    for line in lines:
        try:
            note = json.loads(line)
        except ValueError:
            continue
        if isinstance(note, dict) and all(isinstance(note.get(k), str) for k in ("bad", "file", "line")):
            notes.append(note)
    return notes


def check_notes(git: Git) -> list[str]:
    """The noted losses the branch still has: while it holds a commit that lost changes (a note
    is dropped once the branch no longer holds any of its commits)."""
    notes = lost_notes(git)
    if not notes:
        return []
    still = [n for n in notes if any(git.ok("merge-base", "--is-ancestor", bad, "HEAD") for bad in n["bad"].split())]
    try:
        path = _lost_path(git)
        if still:
            path.write_text("".join(json.dumps(n) + "\n" for n in still))
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass
    return [clean(n["line"]) for n in still]


def check_rewritten(git: Git, pairs: list[Pair], mapping: list[tuple[str, str]]) -> list[str]:
    """``post-rewrite`` after a rebase: each new commit must hold the changes of the one it
    replaces and of its new parent. A loss is noted (``workplan-lost``) and said."""
    before = git.rev("ORIG_HEAD") or (mapping[-1][0] if mapping else "")
    problems, notes = [], []
    for pair in pairs:
        reader = Reader(git, pair)
        lost: list[dict[str, Any]] = []
        bad = []
        for old, new in mapping:
            child = reader.at(new, "the rebased commit")
            if child is None:
                continue
            for source in (old, f"{new}^"):
                copy = reader.at(source, "the commit before")
                gone = [e for e in missing(copy, child) if _key(e) not in {_key(x) for x in lost}] if copy else []
                if gone:
                    lost += gone
                    bad.append(new)
        if lost:
            line = (
                f"the rebase lost {say_lost(lost)} of {pair.data} (git merged it as text, or it was resolved "
                f"by hand); go back with 'git reset --keep {before[:12]}' (the branch before the rebase), then "
                "run 'workplan sync'; until then workplan sync and git push refuse"
            )
            problems.append(line)
            notes.append({"bad": " ".join(dict.fromkeys(bad)), "file": pair.data, "line": line})
    if notes:
        try:
            with open(_lost_path(git), "a") as handle:
                handle.writelines(json.dumps(n) + "\n" for n in notes)
        except OSError:
            pass
    return problems


# --- after a merge --------------------------------------------------------------------------------


def check_merged(git: Git, pairs: list[Pair]) -> list[str]:
    """``post-merge``: the pairs git just brought in are sound and unchanged by git on checkout
    (a merge commit's content was checked by ``pre-merge-commit``, and is again before a push)."""
    problems = []
    recover = "go back with 'git reset --keep ORIG_HEAD', then run 'workplan sync'"
    for pair in pairs:
        reader = Reader(git, pair)
        ids = reader.ids("HEAD")
        if ids is None or ids == reader.ids("ORIG_HEAD"):
            continue
        try:
            reader.copy(ids, f"{pair.data} as git brought it in")
        except MergeError as exc:
            problems.append(f"{_problem(exc)}; {recover}")
            continue
        for path, blob_id in zip(pair, ids, strict=True):
            problem = _changed_on_checkout(git, reader, path, blob_id)
            if problem:
                problems.append(problem)
    return problems


def _changed_on_checkout(git: Git, reader: Reader, path: str, blob_id: str) -> str:
    if not blob_id:
        return ""
    try:
        raw = (git.cwd / path).read_bytes()
    except OSError:
        return ""
    if raw == reader.blob(blob_id) or not git.ok("diff", "--quiet", "HEAD", "--", path):
        return ""  # as committed, or changed since (a write): not git's doing
    return (
        f"git changed the bytes of {path} as it checked it out (end-of-line conversion or a filter); run "
        f"'workplan sync init', then 'git checkout HEAD -- {path}'"
    )


# --- the hooks ------------------------------------------------------------------------------------


def hook(name: str, args: list[str], stdin: bytes, cwd: Path) -> list[str]:
    """What git's hook ``name`` finds wrong, one line each (empty: let git go on). Raises GitError."""
    git = Git(cwd, keep_index=True)
    pairs = files_set_up(git)
    if not pairs:
        return []
    if name in ("pre-commit", "pre-merge-commit"):
        return check_staged(git, pairs)
    if name == "post-merge":
        return check_merged(git, pairs)
    if name == "pre-rebase":
        return [f"{p}; rebase not started" for pair in pairs for p in setup_problems(git, pair, hooks=False)]
    if name == "post-rewrite":
        if not args or args[0] != "rebase":
            return []
        mapping = [tuple(line.split()[:2]) for line in stdin.decode().splitlines() if len(line.split()) >= 2]
        return check_rewritten(git, pairs, mapping)  # type: ignore[arg-type]
    if name == "pre-push":
        remote = args[0] if args else "origin"
        problems = check_notes(git)
        for line in stdin.decode().splitlines() if not problems else ():
            parts = line.split()
            if len(parts) < 4 or set(parts[1]) == {"0"}:
                continue
            exclude = [parts[3]] if set(parts[3]) != {"0"} else [f"--remotes={remote}"]
            problems += check_commits(git, pairs, unpushed(git, [parts[1]], exclude), "nothing pushed")
        return problems
    return []


def gate(git: Git, pairs: list[Pair]) -> list[str]:
    """Before ``workplan sync`` commits anything: commits not on any remote yet, and noted losses."""
    return check_notes(git) or check_commits(git, pairs, unpushed(git, ["HEAD"], ["--remotes"]), "nothing shared")


def _working_loses(reader: Reader, path: Path, raw: bytes) -> list[str]:
    """The file on disk, if it lacks a change its last commit holds (an older version checked
    out over it, or a hand edit of the log): what 'workplan sync' would refuse to commit."""
    pair = reader.pair
    held = reader.ids("HEAD")
    if held is None or not raw:
        return []
    try:
        log = history_path_for(path).read_bytes()
    except OSError:
        log = b""
    committed = reader.blob(held[1]) or b""
    back = f"take back the committed version: git checkout HEAD -- '{pair.data}' '{pair.log}'"
    if only_appended(raw, log, committed):
        return []  # as committed, or only appended to, as every workplan write does
    try:
        child = driver.load_copy(pair.data, raw, log)
    except MergeError:  # not sound (the check of the file says how): git can give back the last commit
        return [
            f"{pair.data} or its log differs from the last commit and is not sound (one of them checked out "
            f"from another commit, or edited?), and workplan sync refuses to commit it; {back} "
            "(changes made since are lost with it)"
        ]
    parent = reader.at("HEAD", "the last commit")
    lost = missing(parent, child) if parent is not None else []
    if not lost:
        return []
    return [
        f"{pair.data} loses {say_lost(lost)} that the last commit holds (an older version checked out over "
        f"it?), and workplan sync refuses to commit it; {back} (changes made since are lost with it)"
    ]


def clone_problems(path: Path) -> list[str]:
    """For ``workplan check``: what git has done to the file, or would do to it (one line each;
    none outside a git clone, or for a file git does not track)."""
    if git_dir(path) is None:
        return []
    top = find_top(path.parent)
    if top is None:
        refused = refused_repository(path.parent)
        return [refused] if refused else []
    git = Git(top)
    try:
        pair = pair_for(str(path.resolve().relative_to(top.resolve())))
        if not git.ok("ls-files", "--error-unmatch", "--", *pair[:1]):
            return []
        problems = []
        state = in_progress(git)
        back = f"take back the committed version: git checkout HEAD -- '{pair.data}' '{pair.log}'"
        abort = f"run '{ABORT[state[0]]}', then 'workplan sync'" if state else f"{back}, then run 'workplan sync'"
        unmerged = git.out("ls-files", "-u", "--", *pair)
        reader = Reader(git, pair)
        if unmerged or (state and state[1] and reader.ids("HEAD") != reader.ids(state[1])):
            kind = state[0] if state else "merge"
            what = "has not merged" if unmerged else "is in the middle of merging"
            problems.append(
                f"git {what} {pair.data}: a {kind} stopped on it, and the file may hold one side only (the "
                f"other side's changes are not in it); {abort}"
            )
        try:
            raw = path.read_bytes()
        except OSError:
            raw = b""
        if has_markers(raw):
            problems.append(f"git left conflict markers in {pair.data} (it merged the file as text); {abort}")
        intent = git.out("config", "--get-all", FILES_KEY, check=False) or git.out(
            "config", f"merge.{DRIVER}.driver", check=False
        )
        if intent:
            problems += setup_problems(git, pair)
        if not problems:  # what sync and git push would refuse: the file on disk, then the branch
            problems += _working_loses(reader, path, raw)
        problems += check_notes(git)
        if not problems:
            done = "workplan sync and git push refuse it"
            problems += check_commits(git, [pair], unpushed(git, ["HEAD"], ["--remotes"]), done)
    except GitError as exc:
        return [f"cannot ask git about {path.name} ({exc})"]
    return problems
