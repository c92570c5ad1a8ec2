"""``workplan merge-file``: read and check the three copies, merge them, write the result.

Two ways in:

* **By hand**, ``workplan merge-file BASE OURS THEIRS``: each data file's activity log is the
  ``.history.jsonl`` file beside it; the result replaces OURS and its log (under OURS's lock,
  each file atomically, the log first).
* **As git's merge driver** (``workplan merge-file %O %A %B %P``, see ``sync init``): git
  hands over temporary copies of one file, and merges the data file and its log separately.
  Each run finds the other file's three versions in git's objects (the commits that hold
  these exact bytes hold the matching log, since ``workplan sync`` commits the two together),
  merges both, and writes its own; both runs compute the same merge, so the data file's
  history marker names exactly the merged log. When git will not ask about the other file (one
  side left it alone) and the merge needs it changed, the run refuses: git reports a conflict
  and ``workplan sync`` merges instead.

Everything from a copy is untrusted: each is checked as strictly as a hand-edited file (JSON,
repeated keys, every record, references, the log line by line against its marker). Anything
wrong, a newer schema included, is one line and a non-zero exit, with OURS untouched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from workplan_tui.model import identity, schema
from workplan_tui.model.records import SCHEMA_VERSION
from workplan_tui.model.text import clean
from workplan_tui.store import layout, outside
from workplan_tui.store.history import entry_problem, history_path_for, mark_of
from workplan_tui.store.storage import InvalidFileError, StoreError, locked, parse, real_path, write_atomic
from workplan_tui.store.store import os_user as os_login
from workplan_tui.store.store import requested_member
from workplan_tui.sync.clone import Pair, pair_for
from workplan_tui.sync.git import Git, GitError
from workplan_tui.sync.merge import Copy, MergeError, Result, merge

WHOSE = {"base": "the common version", "ours": "our copy", "theirs": "their copy"}
PAIRS_FILE = "workplan-merge-pairs"  # in the git folder: data blob -> log blob of merges made here
SEARCH_COMMITS = 20_000  # how far back the driver looks for the commit holding a copy


def load_copy(name: str, data: bytes, log: bytes | None) -> Copy:
    """One copy, checked like a hand-edited file: its tables and the log its marker commits to.

    ``log`` is None when there is no log file. A schema 1 copy's log is inside the data file.
    Raises MergeError naming the copy (``their copy: ...``).
    """
    whose = WHOSE.get(name, name)
    if not data.strip():
        raise MergeError(f"{whose} is empty (no common version: two different partnerships?); nothing merged")
    try:
        tables = parse(Path(whose), data)
    except InvalidFileError as exc:
        raise MergeError(f"{clean(str(exc))}; nothing merged") from None
    try:
        problems = schema.validate(tables)
    except schema.NewerSchemaError as exc:
        raise MergeError(f"{whose}: {clean(exc.problems[0].message)}; nothing merged") from None
    if problems:
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        raise MergeError(f"{whose}: {clean(str(problems[0]))}{more}; nothing merged")
    meta = tables["meta"]["1"]
    if meta["schema_version"] < 2:
        legacy = tables.pop("activity", None) or {}
        meta["schema_version"] = SCHEMA_VERSION
        return Copy(tables, [{"id": int(k), **legacy[k]} for k in sorted(legacy, key=int)], name)
    return Copy(tables, _log_entries(whose, mark_of(meta), log), name)


def _log_entries(whose: str, mark: Any, log: bytes | None) -> list[dict[str, Any]]:
    if mark.size == 0:
        return []
    if log is None:
        raise MergeError(f"{whose}: its activity log is missing ({mark.size:,} bytes expected); nothing merged")
    if len(log) < mark.size or log[mark.size - 1 : mark.size] != b"\n":
        raise MergeError(f"{whose}: its activity log is shorter than its data file says (cut?); nothing merged")
    entries: list[dict[str, Any]] = []
    previous = 0
    for number, line in enumerate(log[: mark.size].split(b"\n")[:-1], 1):
        try:
            entry = orjson.loads(line)
        except orjson.JSONDecodeError:
            raise MergeError(f"{whose}: activity log line {number} is not valid JSON; nothing merged") from None
        problem = entry_problem(entry)
        if problem is None and entry["id"] <= previous:
            problem = f"id {entry['id']} is not after {previous}"
        if problem is not None:
            raise MergeError(f"{whose}: activity log line {number} {clean(problem)}; nothing merged")
        previous = entry["id"]
        entries.append(entry)
    if previous != mark.last:
        raise MergeError(f"{whose}: its activity log ends at A{previous}, its data file says A{mark.last}")
    return entries


def merger(data: dict[str, Any]) -> tuple[str, str]:
    """(member, Unix account) a merge made by git (the driver, or a check of what it made) is
    recorded as, for our side's partnership ``data``: whom the login acts as there
    (``identity.acting_as``: $WORKPLAN_USER only if the login may act as them), and the login."""
    members = data.get("members")
    binds = identity.raw_bindings(members.values() if isinstance(members, dict) else ())
    login = os_login()
    return identity.acting_as(binds, login, requested_member())[:64] or "workplan", login


def data_bytes(result: Result) -> bytes:
    try:
        return layout.serialize(result.data)
    except (TypeError, ValueError) as exc:
        raise MergeError(f"the merged partnership cannot be written as JSON ({exc}); nothing merged") from None


# --- by hand: three files, each with its log beside it ------------------------------------------


def merge_files(base: Path, ours: Path, theirs: Path, *, user: str | None = None, os_user: str | None = None) -> Result:
    """Merge THEIRS into OURS against BASE (logs beside each); OURS and its log are replaced.
    ``user``, ``os_user``: who the merge is recorded as (default: ``merger`` of OURS).

    Raises MergeError or StoreError (one line); OURS is unchanged then.
    """
    copies = {}
    for name, path in (("base", base), ("ours", ours), ("theirs", theirs)):
        data = _read(path)
        log_path = history_path_for(path)
        copies[name] = (data, _read(log_path) if log_path.exists() else None)
    target = real_path(ours)
    with locked(target):
        if _read(target) != copies["ours"][0]:  # someone wrote between the read and the lock
            log_path = history_path_for(target)
            copies["ours"] = (_read(target), _read(log_path) if log_path.exists() else None)
        loaded = [load_copy(n, *copies[n]) for n in ("base", "ours", "theirs")]
        who = merger(loaded[1].data)
        result = merge(*loaded, user=user or who[0], os_user=os_user or who[1])
        payload = data_bytes(result)
        what = "the merge"
        write_atomic(history_path_for(target), result.log_bytes, what=what)
        write_atomic(target, payload, what=what)
        outside.remember(target, payload)
    return result


def _read(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise StoreError(f"{path}: cannot read it ({clean(exc.strerror or str(exc))})") from None


# --- as git's merge driver -------------------------------------------------------------------------


def git_merge(base: Path, ours: Path, theirs: Path, path: str) -> Result:
    """Run as git's merge driver for ``path`` (the data file or its log): merge, then write
    ours (git's temporary copy) with this file's part of the result, the merge recorded as
    ``merger`` of ours. Raises MergeError."""
    git = Git(Path.cwd())
    pair, is_log = pair_for(path), path.endswith(".history.jsonl")
    given = {name: _read(p) for name, p in (("base", base), ("ours", ours), ("theirs", theirs))}
    try:
        others = _other_halves(git, pair, is_log, given)
    except GitError as exc:
        raise MergeError(f"cannot look in git for the versions of {pair.data} ({exc}); nothing merged") from None
    copies = []
    for name in ("base", "ours", "theirs"):
        data, log = (others[name], given[name]) if is_log else (given[name], others[name])
        if data is None:
            raise MergeError(
                f"cannot find the partnership file that goes with {WHOSE[name]} of {path} in git; "
                "nothing merged (run 'workplan sync', which merges the two files together)"
            )
        copies.append(load_copy(name, data, log))
    user, account = merger(copies[1].data)
    result = merge(*copies, user=user, os_user=account)
    mine, theirs_part = (result.log_bytes, data_bytes(result)) if is_log else (data_bytes(result), result.log_bytes)
    expected = _trivial(others)
    if expected is not None and expected != theirs_part:
        other = pair.data if is_log else pair.log
        raise MergeError(
            f"merging {pair.data} also changes {other}, which git merges without asking; "
            "nothing merged (run 'workplan sync' instead)"
        )
    _remember(git, data_bytes(result), result.log_bytes)
    try:
        with open(ours, "wb") as handle:
            handle.write(mine)
    except OSError as exc:
        raise MergeError(f"cannot write the merge result ({clean(exc.strerror or str(exc))})") from None
    return result


def _trivial(versions: dict[str, bytes | None]) -> bytes | None:
    """What git makes of a file it merges without a driver (one side unchanged), or None when
    it will call the driver for it too."""
    base, ours, theirs = versions["base"], versions["ours"], versions["theirs"]
    if ours == theirs or theirs == base:
        return ours if ours is not None else b""
    if ours == base:
        return theirs if theirs is not None else b""
    return None


def _other_halves(git: Git, pair: Pair, is_log: bool, given: dict[str, bytes]) -> dict[str, bytes | None]:
    """For each of the three copies git gave, the other file of the pair committed with it."""
    mine, other = (pair.log, pair.data) if is_log else (pair.data, pair.log)
    wanted = {name: git.hash_object(content) for name, content in given.items() if content}
    found: dict[str, str] = {}
    for mine_blob, other_blob in _remembered(git, is_log):
        for name, blob in wanted.items():
            if blob == mine_blob:
                found.setdefault(name, other_blob)
    if len(found) < len(wanted):
        commits = _candidates(git)
        query = b"".join(f"{c}:{mine}\n{c}:{other}\n".encode() for c in commits)
        answer = git.out("cat-file", "--batch-check=%(objectname)", input=query).splitlines() if commits else []
        for i in range(0, len(answer) - 1, 2):
            mine_blob, other_blob = answer[i], answer[i + 1]
            if mine_blob.endswith(" missing"):
                continue
            for name, blob in wanted.items():
                if blob == mine_blob and name not in found:
                    found[name] = "" if other_blob.endswith(" missing") else other_blob
    out: dict[str, bytes | None] = {}
    for name in ("base", "ours", "theirs"):
        other_id = found.get(name)  # "" when that commit has no such file (a log not begun yet)
        out[name] = git.run("cat-file", "blob", other_id).stdout if other_id else None
    return out


def _candidates(git: Git) -> list[str]:
    """Commits that may hold the copies: the ones a merge, rebase or cherry-pick is using, then
    every branch's recent history."""
    heads = [h for h in ("HEAD", "MERGE_HEAD", "REBASE_HEAD", "CHERRY_PICK_HEAD", "ORIG_HEAD") if git.rev(h)]
    listed = git.out("rev-list", f"--max-count={SEARCH_COMMITS}", "--all", *heads).split()
    return list(dict.fromkeys(listed))


def _pairs_path(git: Git) -> Path | None:
    try:
        return Path(git.out("rev-parse", "--absolute-git-dir")) / PAIRS_FILE
    except GitError:
        return None


def _remembered(git: Git, is_log: bool) -> list[tuple[str, str]]:
    """Pairs this repository's earlier merges made (a merge of merge bases is in no commit)."""
    path = _pairs_path(git)
    try:
        lines = path.read_text().splitlines() if path else []
    except OSError:
        return []
    pairs = [tuple(line.split()[:2]) for line in lines if len(line.split()) >= 2]
    return [(log, data) if is_log else (data, log) for data, log in pairs]


def _remember(git: Git, data: bytes, log: bytes) -> None:
    """Store both results in git's objects and note that they go together (best effort)."""
    path = _pairs_path(git)
    if path is None:
        return
    try:
        line = f"{git.hash_object(data, write=True)} {git.hash_object(log, write=True)}\n"
        old = path.read_text().splitlines(keepends=True)[-999:] if path.exists() else []
        path.write_text("".join(old) + line)
    except (GitError, OSError):
        pass
