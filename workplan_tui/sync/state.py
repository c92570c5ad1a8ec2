"""What a clone remembers about its syncs: when the file was last shared, and how far its log
was then (so the board can say how many changes are not shared yet by reading only the log's
new bytes). Kept in the git folder (``.git/workplan-sync.json``), never committed.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from workplan_tui.store.history import Mark
from workplan_tui.store.storage import StoreError
from workplan_tui.store.store import Store

STATE_FILE = "workplan-sync.json"
_LIMIT = 1 << 16


def git_dir(path: Path) -> tuple[Path, Path] | None:
    """(top of the working tree, its git folder) holding ``path``, found by looking upwards for
    ``.git`` (a folder, or a file naming one), without running git; None when there is none."""
    folder = path.parent
    for candidate in (folder, *folder.parents):
        dot = candidate / ".git"
        try:
            if dot.is_dir():
                return candidate, dot
            if dot.is_file():
                line = dot.read_bytes()[:4096].decode("utf-8", "replace").strip()
                if line.startswith("gitdir:"):
                    target = Path(line[7:].strip())
                    return candidate, target if target.is_absolute() else (candidate / target)
        except OSError:
            return None
    return None


def _state_path(path: Path) -> tuple[Path, str] | None:
    found = git_dir(path)
    if found is None:
        return None
    top, folder = found
    try:
        key = str(path.resolve().relative_to(top.resolve()))
    except ValueError:
        key = str(path)
    return folder / STATE_FILE, key


def read(path: Path) -> dict[str, Any] | None:
    """The last sync of ``path``: {"at": ISO time, "last": entry id, "bytes": log length,
    "remote": "origin/main"}, or None (never synced, not in git, unreadable)."""
    where = _state_path(path)
    if where is None:
        return None
    file, key = where
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            raw = os.read(fd, _LIMIT)
        finally:
            os.close(fd)
        value = orjson.loads(raw).get(key)
    except (OSError, orjson.JSONDecodeError, AttributeError):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("at"), str):
        return None
    return value


def shared_mark(state: dict[str, Any]) -> Mark:
    last, size = state.get("last"), state.get("bytes")
    return Mark(last if type(last) is int else 0, size if type(size) is int else 0)


def write(path: Path, state: dict[str, Any]) -> None:
    """Remember a sync of ``path`` (best effort: the sync itself has happened)."""
    where = _state_path(path)
    if where is None:
        return
    file, key = where
    try:
        try:
            current = orjson.loads(file.read_bytes()[:_LIMIT])
        except (OSError, orjson.JSONDecodeError):
            current = {}
        if not isinstance(current, dict):
            current = {}
        current[key] = state
        tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
        tmp.write_bytes(orjson.dumps(current))
        os.replace(tmp, file)
    except OSError:
        pass


def since_words(at: str, now: datetime) -> str:
    """'just now', '5 min ago', '3 h ago', '2 days ago' for an ISO UTC time."""
    try:
        then = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return "at an unknown time"
    seconds = (now - then).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    return "yesterday" if days == 1 else f"{days} days ago"


class Status(NamedTuple):
    """What the board shows about sharing: when last synced (None: never), changes not shared."""

    synced_at: str | None
    unshared: int

    def words(self, now: datetime) -> str:
        if self.synced_at is None:
            return "not synced yet"
        text = f"synced {since_words(self.synced_at, now)}"
        return f"{text}, {self.unshared} unshared" if self.unshared else text


def status(store: Store) -> Status | None:
    """The file's sync status, or None when it is not in a git repository (nothing to show).

    Cheap enough for every reload: a few stat calls, a small file, and the log's bytes
    appended since the last sync."""
    if git_dir(store.path) is None:
        return None
    last = read(store.path)
    if last is None:
        return Status(None, 0)
    try:
        unshared = len(store.history().since(shared_mark(last)))
    except StoreError:
        unshared = 0
    return Status(last["at"], unshared)
