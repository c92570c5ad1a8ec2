"""A clone set up for workplan: what ``workplan sync init`` writes, and what it checks.

Three things make git leave the partnership files to workplan, and each one failed in a real
project's merge driver before (issue 28):

* **The driver must run.** Git runs the command in ``merge.workplan.driver``; a command naming
  an interpreter that has since moved (a virtual environment rebuilt elsewhere) is "not found",
  git stops with the file unmerged, and ``git add`` then commits our side alone. So the driver
  and the hooks run ``workplan-run`` in the git folder, which tries the workplan that ran
  ``sync init`` and then any ``workplan`` on ``PATH``; when neither runs it says so, and
  every hook refuses: nothing is committed.
* **git must read the attribute lines.** A pattern with a space or a ``[`` written as it is
  never matches. Each line is C-quoted with its glob characters escaped, and ``git check-attr``
  must then report ``merge: workplan`` for both files.
* **Nothing may change the bytes.** With ``core.autocrlf`` (Git for Windows' default), an
  ``eol`` setting or a filter, git rewrites a file on checkout and commit, and the data file's
  marker no longer names its log's length. Both files are ``-text -filter -ident``.

The hooks (``pre-commit``, ``pre-merge-commit``, ``post-merge``, ``pre-rebase``,
``post-rewrite``, ``pre-push``) run ``workplan sync hook NAME``: see ``sync/guard.py``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import sys
from pathlib import Path
from typing import Any, NamedTuple

from workplan_tui.model.text import clean
from workplan_tui.store.history import history_path_for
from workplan_tui.store.store import Store
from workplan_tui.sync.git import Git, GitError, find_top, refused_repository

DRIVER = "workplan"  # the merge driver's name in .gitattributes and git config
LAUNCHER = "workplan-run"  # in the git folder: how the driver and the hooks run workplan
FILES_KEY = "workplan.file"  # git config, one value per partnership file set up in this clone
ATTRIBUTES = ("merge=workplan", "-text", "-filter", "-ident")
HOOKS = ("pre-commit", "pre-merge-commit", "post-merge", "pre-rebase", "post-rewrite", "pre-push")
HOOK_MARK = "# workplan hook"  # the second line of every hook workplan installs
SKIP_HOOKS = "WORKPLAN_SYNC_CHECKED"  # set by workplan sync on the git commands it checked itself


class SyncError(Exception):
    """Sync could not finish (one line); what it did before (a local commit) is said."""


class Pair(NamedTuple):
    """A partnership's two files, as paths inside the repository."""

    data: str
    log: str


def pair_for(path: str) -> Pair:
    """The pair a repository path (the data file or its log) belongs to."""
    if path.endswith(".history.jsonl"):
        return Pair(path[: -len(".history.jsonl")] + ".json", path)
    return Pair(path, str(history_path_for(Path(path))))


class Repo:
    """The partnership's files inside their git working tree."""

    def __init__(self, store: Store):
        self.store = store
        top = find_top(store.path.absolute().parent)
        if top is None:
            refused = refused_repository(store.path.absolute().parent)
            if refused:
                raise SyncError(f"{store.path}: {refused}")
            raise SyncError(
                f"{store.path}: not in a git repository; clone the partnership's repository "
                "(git clone URL), or run 'git init' there and add a remote"
            )
        self.top = top.resolve()
        try:
            self.data = str(store.path.resolve().relative_to(self.top))
        except ValueError:
            raise SyncError(f"{store.path}: outside the git working tree {self.top}") from None
        self.log = str(history_path_for(Path(self.data)))
        self.pair = Pair(self.data, self.log)
        self.git = Git(self.top)
        self.who = store.acting_name()  # a merge and a commit need no member, and borrow none
        if not self.git.ok("var", "GIT_COMMITTER_IDENT"):  # no name configured: say who it is
            self.git.identity = (self.who, f"{store.os_user}@{socket.gethostname() or 'localhost'}")

    def paths(self) -> list[str]:
        """What a sync commits: the two files, and what 'sync init' wrote beside them."""
        extra = [name for name in (".gitattributes", ".gitignore") if (self.top / name).exists()]
        return [self.data, self.log, *extra]


# --- .gitattributes and .gitignore lines git reads -------------------------------------------------

_GLOB = "*?[\\"


def attribute_pattern(path: str) -> str:
    """A .gitattributes pattern matching exactly ``path`` (from the top of the repository).

    Glob characters are escaped; a pattern with a space, a quote, a backslash or a control
    character is C-quoted, which git reads in a pattern that begins with a double quote
    (gitattributes(5)); ``git check-attr`` then confirms it (``verify_attributes``).
    """
    escaped = "/" + "".join(f"\\{c}" if c in _GLOB else c for c in path)
    if not any(c in escaped for c in ' \t"\\#') and escaped.isprintable():
        return escaped
    quoted = []
    for c in escaped:
        if c in '"\\':
            quoted.append("\\" + c)
        elif c == "\t":
            quoted.append("\\t")
        elif not c.isprintable() or ord(c) < 0x20:
            quoted.extend(f"\\{b:03o}" for b in c.encode())
        else:
            quoted.append(c)
    return '"' + "".join(quoted) + '"'


def attribute_line(path: str) -> str:
    """The line that gives ``path`` to workplan's merge driver and keeps its bytes as written."""
    return f"{attribute_pattern(path)} {' '.join(ATTRIBUTES)}"


def ignore_pattern(path: str) -> str:
    """A .gitignore pattern matching exactly ``path``: glob characters, a leading ``#`` or
    ``!`` and trailing spaces escaped (.gitignore has no quoting)."""
    escaped = "".join(f"\\{c}" if c in _GLOB else c for c in path)
    stripped = escaped.rstrip(" ")
    escaped = stripped + "\\ " * (len(escaped) - len(stripped))
    return "/" + escaped


def _add_lines(path: Path, lines: list[str]) -> list[str]:
    try:
        text = path.read_text() if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise SyncError(f"{path}: cannot read it ({clean(str(exc))})") from None
    have = {line.strip() for line in text.splitlines()}
    missing = [line for line in lines if line not in have]
    if missing:
        prefix = "" if not text or text.endswith("\n") else "\n"
        try:
            path.write_text(text + prefix + "\n".join(missing) + "\n")
        except OSError as exc:
            raise SyncError(f"{path}: cannot write it ({exc.strerror})") from None
    return missing


class Attributes(NamedTuple):
    merge: str
    text: str
    filter: str
    ident: str
    encoding: str  # working-tree-encoding


def attributes(git: Git, paths: list[str]) -> dict[str, Attributes]:
    """What git reads for each path (``git check-attr``): the attributes that decide who merges
    it and whether git changes its bytes. Raises GitError."""
    names = ("merge", "text", "filter", "ident", "working-tree-encoding")
    raw = git.run("check-attr", "-z", *names, "--", *paths).stdout.split(b"\0")
    found: dict[str, dict[str, str]] = {}
    for i in range(0, len(raw) - 2, 3):
        path, name, value = (part.decode("utf-8", "surrogateescape") for part in raw[i : i + 3])
        found.setdefault(path, {})[name] = value
    return {path: Attributes(*(values.get(name, "unspecified") for name in names)) for path, values in found.items()}


def attribute_problems(git: Git, pair: Pair) -> list[str]:
    """Why git would not leave ``pair`` to workplan as it is, in one line each (none: fine)."""
    problems = []
    try:
        read = attributes(git, list(pair))
    except GitError as exc:
        return [f"cannot ask git how it treats {pair.data} ({exc})"]
    for path in pair:
        attrs = read.get(path)
        if attrs is None:
            continue
        if attrs.merge != DRIVER:
            problems.append(
                f"git reads 'merge: {attrs.merge}' for {path}, not workplan, so it would merge it as text: "
                "workplan's .gitattributes line is missing, or a later line (in .git/info/attributes or a "
                "folder's .gitattributes) overrides it; run 'workplan sync init'"
            )
        changes = []
        if attrs.text != "unset":
            changes.append(f"text: {attrs.text}")
        if attrs.filter not in ("unset", "unspecified"):
            changes.append(f"filter: {attrs.filter}")
        if attrs.ident not in ("unset", "unspecified"):
            changes.append(f"ident: {attrs.ident}")
        if attrs.encoding not in ("unset", "unspecified"):
            changes.append(f"working-tree-encoding: {attrs.encoding}")
        if changes:
            problems.append(
                f"git may change the bytes of {path} as it checks it out or commits it ({', '.join(changes)}; "
                "end-of-line conversion with core.autocrlf, or a filter), which breaks the file for every "
                "other clone; run 'workplan sync init'"
            )
    return problems


# --- how the driver and the hooks find workplan ------------------------------------------------------


def this_program() -> list[str]:
    """How to run this installation of workplan: its ``workplan`` script, else this Python
    with ``-m workplan_tui``."""
    script = Path(sys.executable).with_name("workplan")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "workplan_tui"]


def launcher_text(program: list[str]) -> str:
    """``workplan-run``: runs ``program`` if it still runs, else any ``workplan`` on PATH; when
    neither does, one line on stderr and exit 127 (git then leaves the file unmerged, and the
    hooks that run this refuse)."""
    first = shlex.quote(program[0])
    command = " ".join(shlex.quote(p) for p in program)
    probe = f"{first} -c 'import workplan_tui' 2>/dev/null" if len(program) > 1 else f"[ -x {first} ]"
    where = clean(" ".join(program))
    return f"""#!/bin/sh
{HOOK_MARK}: how git's merge driver and this clone's hooks run workplan (written by 'workplan sync init').
# program: {command}
# First that program (the workplan that ran 'sync init'), then any workplan on PATH. When neither runs, git
# leaves the partnership file unmerged and every hook refuses: nothing is committed or pushed.
status=127
if {probe}; then
    {command} "$@"
    status=$?
fi
if [ "$status" -eq 126 ] || [ "$status" -eq 127 ]; then
    if command -v workplan >/dev/null 2>&1; then
        workplan "$@"
        status=$?
    fi
fi
if [ "$status" -eq 126 ] || [ "$status" -eq 127 ]; then
    echo "workplan: cannot run workplan ({where} no longer runs and there is none on PATH), so git \
cannot merge or check the partnership files: nothing is merged or committed; install workplan or put \
it on PATH, run 'workplan sync init', abort what stopped (git merge --abort, git rebase --abort), \
then run 'workplan sync'" >&2
fi
exit "$status"
"""


def launcher_program(text: str) -> list[str] | None:
    """The program a ``workplan-run`` file tries first (None when it is not one of ours)."""
    lines = text.splitlines()
    if len(lines) < 3 or not lines[1].startswith(HOOK_MARK) or not lines[2].startswith("# program: "):
        return None
    try:
        return shlex.split(lines[2].removeprefix("# program: ")) or None
    except ValueError:
        return None


def driver_command() -> str:
    """What git runs as the merge driver: the launcher in the git folder (so a move of the clone
    or of workplan changes nothing here)."""
    return f'sh "$(git rev-parse --git-common-dir)/{LAUNCHER}" merge-file %O %A %B %P'


def hook_text(name: str) -> str:
    """A hook that hands over to ``workplan sync hook NAME``, through the launcher."""
    return f"""#!/bin/sh
{HOOK_MARK}: installed by 'workplan sync init'; workplan checks the partnership files here.
[ -z "${SKIP_HOOKS}" ] || exit 0  # workplan sync checked what it commits and pushes itself
run="$(git rev-parse --git-common-dir)/{LAUNCHER}"
if [ ! -f "$run" ]; then
    [ -n "$(git config --get-all {FILES_KEY})" ] || exit 0  # not a clone workplan set up
    echo "workplan: $run is missing, so git cannot check the partnership files: nothing done; \
run 'workplan sync init'" >&2
    exit 1
fi
exec sh "$run" sync hook {name} "$@"
"""


def _git_dirs(git: Git) -> tuple[Path, Path]:
    """(the common git folder, the hooks folder, core.hooksPath included)."""
    common = Path(git.out("rev-parse", "--git-common-dir"))
    hooks = Path(git.out("rev-parse", "--git-path", "hooks"))
    return (common if common.is_absolute() else git.cwd / common), (hooks if hooks.is_absolute() else git.cwd / hooks)


def _own_hooks(common: Path, hooks_dir: Path) -> bool:
    """Whether the hooks folder is this clone's own (not a core.hooksPath other repositories
    share, where workplan's hooks would run for them too)."""
    try:
        return hooks_dir.resolve().is_relative_to(common.resolve())
    except OSError:
        return False


def _write_script(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text)
        tmp.chmod(0o755)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise SyncError(f"{path}: cannot write it ({exc.strerror})") from None


def is_ours(path: Path) -> bool:
    """Whether a hook or launcher file is one workplan wrote."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(256).decode("utf-8", "replace").splitlines()
    except OSError:
        return False
    return len(head) > 1 and head[1].startswith(HOOK_MARK)


def setup_problems(git: Git, pair: Pair, *, hooks: bool = True) -> list[str]:
    """What in this clone would let git merge or change the files without workplan (one line
    each): the attribute lines, the driver's configuration, the launcher, and (``hooks``) the
    hooks."""
    problems = attribute_problems(git, pair)
    configured = git.out("config", f"merge.{DRIVER}.driver", check=False)
    if configured != driver_command():
        what = f"runs {clean(configured)[:80]}" if configured else "is not configured in this clone"
        problems.append(f"git's merge driver for {pair.data} {what}; run 'workplan sync init'")
    try:
        common, hooks_dir = _git_dirs(git)
    except GitError as exc:
        return [*problems, f"cannot find the git folder ({exc})"]
    launcher = common / LAUNCHER
    try:
        program = launcher_program(launcher.read_text())
    except (OSError, UnicodeDecodeError):
        program = None
    if program is None:
        problems.append(f"{launcher} is missing, so git cannot run workplan; run 'workplan sync init'")
    elif not _runs(program[0]) and shutil.which("workplan") is None:
        problems.append(
            f"git's merge driver would not find workplan ({clean(program[0])} is gone and there is none on PATH); "
            "run 'workplan sync init' with the workplan you use now"
        )
    hooks = hooks and _own_hooks(common, hooks_dir)  # core.hooksPath shared with others: left alone
    missing = [name for name in HOOKS if hooks and not (hooks_dir / name).exists()]  # someone else's stays theirs
    if missing:
        problems.append(f"workplan's git hooks are missing ({', '.join(missing)}); run 'workplan sync init'")
    return problems


def _runs(program: str) -> bool:
    return os.path.isfile(program) and os.access(program, os.X_OK)


# --- sync init --------------------------------------------------------------------------------------


def init(store: Store, *, program: list[str] | None = None) -> dict[str, Any]:
    """Set the clone up for the file (idempotent): the .gitattributes lines (to commit), checked
    with ``git check-attr``; the merge driver in this clone's git config; ``workplan-run``; the
    hooks; .gitignore lines for the lock, presence and temporary files. ``program`` is how the
    driver runs workplan first (default: this installation). Raises SyncError (one line)."""
    repo = Repo(store)
    return setup(repo, program=program)


def setup(repo: Repo, *, program: list[str] | None = None, strict: bool = True) -> dict[str, Any]:
    """``init`` for a clone already found; the report of ``sync init``. Raises SyncError, also
    (``strict``) when git still does not read the lines as written (``problems`` in the report
    otherwise)."""
    git = repo.git
    lines = [attribute_line(path) for path in repo.pair]
    added = _add_lines(repo.top / ".gitattributes", lines)
    folder = str(Path(repo.data).parent)
    prefix = "" if folder == "." else f"{folder}/"
    name = Path(repo.data).name
    ignored = [ignore_pattern(f"{prefix}.{name}.lock"), ignore_pattern(f"{prefix}.{name}.presence") + "/"]
    ignored.append(ignore_pattern(f"{prefix}.{name}.written"))  # store/outside.py: each clone keeps its own
    ignored.append(ignore_pattern(prefix) + ".*.tmp" if prefix else "/.*.tmp")
    ignored_added = _add_lines(repo.top / ".gitignore", ignored)
    try:
        git.run("config", f"merge.{DRIVER}.name", "workplan: merge partnership files record by record")
        git.run("config", f"merge.{DRIVER}.driver", driver_command())
        files = git.out("config", "--get-all", FILES_KEY, check=False).splitlines()
        if repo.data not in files:
            git.run("config", "--add", FILES_KEY, repo.data)
        common, hooks_dir = _git_dirs(git)
    except GitError as exc:
        raise SyncError(f"cannot set up git for {repo.data}: {exc}") from None
    chosen = program or this_program()
    _write_script(common / LAUNCHER, launcher_text(chosen))
    installed, kept = [], []
    for hook in HOOKS:
        path = hooks_dir / hook
        if not _own_hooks(common, hooks_dir) or (path.exists() and not is_ours(path)):
            kept.append(hook)
            continue
        _write_script(path, hook_text(hook))
        installed.append(hook)
    problems = attribute_problems(git, repo.pair)
    if problems and strict:
        raise SyncError(problems[0])
    return {
        "problems": problems,
        "file": str(repo.store.path),
        "repository": str(repo.top),
        "gitattributes": lines,
        "gitattributes_added": added,
        "gitignore_added": ignored_added,
        "driver": driver_command(),
        "program": " ".join(chosen),
        "hooks": installed,
        "hooks_kept": kept,
        "hooks_folder": str(hooks_dir),
    }


def files_set_up(git: Git) -> list[Pair]:
    """The partnership files set up in this clone (``workplan.file`` in git config), and any
    other path git gives to workplan's driver."""
    pairs = {pair_for(p) for p in git.out("config", "--get-all", FILES_KEY, check=False).splitlines() if p}
    tracked = [p for p in git.run("ls-files", "-z").stdout.decode("utf-8", "surrogateescape").split("\0") if p]
    candidates = [p for p in tracked if p.endswith((".json", ".history.jsonl"))]
    if candidates:
        for path, attrs in attributes(git, candidates).items():
            if attrs.merge == DRIVER:
                pairs.add(pair_for(path))
    return sorted(pairs)
