"""A bare repository and clones of a partnership in a temporary folder, for the sync tests.

Git's identity and configuration come from the test alone: a temporary HOME, no system config,
a committer set in the environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import seed
from workplan_tui.store.store import Store
from workplan_tui.sync.run import init, sync

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

FILE = "partnership.json"
MEMBERS = ("alice", "bob", "carol")  # the seeded partnership's members, one per clone


def git_environment(home: Path) -> dict[str, str]:
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_TERMINAL_PROMPT": "0",
    }


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    home = tmp_path / "home"
    home.mkdir()
    env = git_environment(home)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    yield env


def git(cwd: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {done.stderr}")
    return done.stdout.strip()


def store_of(path: Path, user: str, **kwargs: Any) -> Store:
    return Store(path, user=user, **kwargs)


def make_clones(root: Path, count: int = 3, *, driver: bool = True, file: str = FILE) -> list[Path]:
    """A bare repository ``remote.git`` and ``count`` clones of a seeded partnership (shared by the
    first clone's sync); the partnership file of each clone, in order. ``file`` is its path in
    the repository."""
    bare = root / "remote.git"
    git(root, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    paths = []
    for number in range(count):
        clone = root / f"clone{number}"
        git(root, "clone", "--quiet", str(bare), str(clone))
        path = clone / file
        path.parent.mkdir(parents=True, exist_ok=True)
        if number == 0:
            seed(path)
            init(store_of(path, "alice"))
            sync(store_of(path, "alice"))
        else:
            sync(store_of(path, MEMBERS[number % len(MEMBERS)]))  # nothing here yet: brings the file
            if driver:
                init(store_of(path, MEMBERS[number % len(MEMBERS)]))
        paths.append(path)
    return paths


def files_of(path: Path) -> tuple[bytes, bytes]:
    return path.read_bytes(), path.with_name(path.stem + ".history.jsonl").read_bytes()


def git_run(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``git ARGS`` as a person runs it (hooks and all), whatever its exit status."""
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, env={**os.environ, **(env or {})}
    )


def environ_for(user: str) -> dict[str, str]:
    return {**os.environ, "WORKPLAN_USER": user}
