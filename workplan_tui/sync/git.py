"""Running the real ``git`` binary: what partners run themselves, so sync does what git does.

A library (GitPython, dulwich, pygit2) would add a dependency and, for dulwich and pygit2, a
second implementation of merges, remotes and credentials beside the one partners use; every
operation sync needs is one ``git`` command. Each call is one subprocess with a timeout,
never a prompt (``GIT_TERMINAL_PROMPT=0``, ssh in batch mode), and any failure is one line.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path

from workplan_tui.model.text import clean

LOCAL_TIMEOUT = 60.0  # seconds for a local git command
NETWORK_TIMEOUT = 120.0  # seconds for fetch and push


class GitError(Exception):
    """git failed or is missing (one line)."""


class Git:
    """git commands run in one working tree."""

    def __init__(self, cwd: Path, *, identity: tuple[str, str] | None = None, keep_index: bool = False):
        """``keep_index``: keep git's ``GIT_INDEX_FILE`` (a hook's: ``git commit -a`` stages into
        a temporary index, and the hook must read what will be committed)."""
        self.cwd = cwd
        self.identity = identity  # (name, email) when git has none configured
        self.keep_index = keep_index

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["GIT_TERMINAL_PROMPT"] = "0"  # never wait for a password nobody will type
        env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=20")
        env["LC_ALL"] = "C"  # messages this module reads are git's English ones
        env.pop("GIT_DIR", None)
        env.pop("GIT_WORK_TREE", None)
        if not self.keep_index:
            env.pop("GIT_INDEX_FILE", None)
        elif env.get("GIT_INDEX_FILE") and not os.path.isabs(env["GIT_INDEX_FILE"]):
            env["GIT_INDEX_FILE"] = os.path.abspath(env["GIT_INDEX_FILE"])
        return env

    def run(
        self,
        *args: str,
        input: bytes | None = None,  # noqa: A002 - subprocess.run's name for it
        timeout: float = LOCAL_TIMEOUT,
        check: bool = True,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        """``git ARGS`` in the working tree; GitError (one line) when it fails and ``check``."""
        command = ["git"]
        if self.identity is not None:
            command += ["-c", f"user.name={self.identity[0]}", "-c", f"user.email={self.identity[1]}"]
        command += list(args)
        try:
            done = subprocess.run(
                command,
                cwd=self.cwd,
                input=input,
                capture_output=True,
                timeout=timeout,
                env={**self.env(), **(env or {})},
                check=False,
            )
        except FileNotFoundError:
            raise GitError("git is not installed (workplan sync runs the git command)") from None
        except subprocess.TimeoutExpired:
            raise GitError(f"'git {args[0]}' took longer than {timeout:.0f} s; stopped") from None
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror}") from None
        if check and done.returncode != 0:
            raise GitError(f"'git {' '.join(args[:2])}' failed: {first_line(done.stderr or done.stdout)}")
        return done

    def out(self, *args: str, **kwargs: object) -> str:
        """The command's output, stripped."""
        return self.run(*args, **kwargs).stdout.decode("utf-8", "replace").strip()  # type: ignore[arg-type]

    def ok(self, *args: str) -> bool:
        """Whether the command succeeds (``merge-base --is-ancestor``, ``rev-parse --verify``)."""
        return self.run(*args, check=False).returncode == 0

    def rev(self, name: str) -> str | None:
        """The commit ``name`` names, or None."""
        done = self.run("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def blob(self, rev: str, path: str) -> bytes | None:
        """The file ``path`` at ``rev``, or None when it has none."""
        done = self.run("cat-file", "blob", f"{rev}:{path}", check=False)
        return done.stdout if done.returncode == 0 else None

    def object_format(self) -> str:
        done = self.run("rev-parse", "--show-object-format", check=False)
        return done.stdout.decode().strip() or "sha1" if done.returncode == 0 else "sha1"

    def hash_object(self, payload: bytes, *, write: bool = False) -> str:
        """The blob id of ``payload``; with ``write``, stored in the repository."""
        if not write:
            algorithm = hashlib.sha256 if self.object_format() == "sha256" else hashlib.sha1
            return algorithm(b"blob %d\0" % len(payload) + payload).hexdigest()
        return self.out("hash-object", "-w", "--stdin", input=payload)


def first_line(raw: bytes | str) -> str:
    """git's message in one clean line (its 'fatal: ' or 'error: ' taken off)."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("hint:")]
    line = lines[0] if lines else "no message"
    for prefix in ("fatal: ", "error: ", "remote: "):
        line = line.removeprefix(prefix)
    return clean(line)[:300]


def find_top(folder: Path) -> Path | None:
    """The top of the git working tree holding ``folder``, or None when it is not in one."""
    done = _show_toplevel(folder)
    if done is None:
        return None
    top = done.stdout.decode("utf-8", "replace").strip()
    return Path(top) if done.returncode == 0 and top else None


def refused_repository(folder: Path) -> str | None:
    """Why git will not work in the repository holding ``folder``, when it found one but refuses it.

    Since git 2.35.2 a repository owned by another user is "dubious" and refused unless the
    ``safe.directory`` setting names it: in a partnership's group folder, every member but the
    one who made it. One line saying so and how an administrator allows it; None otherwise.
    """
    done = _show_toplevel(folder)
    if done is None or done.returncode == 0:
        return None
    text = done.stderr.decode("utf-8", "replace")
    found = re.search(r"dubious ownership in repository at '([^'\n]+)'", text)
    if found is None:
        return None
    where = clean(found.group(1))
    return (
        f"git refuses the repository at {where}: it belongs to another user; an administrator lets "
        f"every member use it with: git config --system --add safe.directory {where}"
    )


def _show_toplevel(folder: Path) -> subprocess.CompletedProcess[bytes] | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            timeout=LOCAL_TIMEOUT,
            env={**os.environ, "LC_ALL": "C"},
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
