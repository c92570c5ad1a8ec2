"""Who else has the file open: small side files, never the shared file itself.

Each open board keeps ``.NAME.presence/USER.HOST.PID`` beside the data file and
touches it every ``HEARTBEAT`` seconds; an entry not touched for ``EXPIRES``
seconds is stale (its board crashed or lost its connection) and is ignored and
cleared away.

An entry's age is measured with the file system's own clock, never this machine's: on a
network file system the server stamps every entry, and a reader whose clock is minutes
off would otherwise hide everyone or keep dead boards "here" forever. So ``others()``
first touches my own entry and takes its new mtime as "now" (``file_system_now``).

The folder is shared with every member of the group, so nothing in it is trusted
(PRODUCT.md, "The shared file"): the folder and its entries are never followed
through a symbolic link (a member who swaps the folder for a link to someone
else's folder must not make their boards delete files there), only regular files
whose names match ``ENTRY`` are read (at most ``MAX_ENTRY`` bytes, never blocking
on a FIFO) or removed, and my own entry is created exclusively.
"""

from __future__ import annotations

import json
import os
import re
import socket
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path

from workplan_tui.model.dates import utc_now
from workplan_tui.store.storage import group_shared, read_small, user_name

HEARTBEAT = 10.0
EXPIRES = 35.0
MAX_ENTRY = 4096
ENTRY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,200}\.[0-9]{1,10}\Z")
_NAME_SAFE = re.compile(r"[^A-Za-z0-9_.-]")
_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_OPEN_ENTRY = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY


class Presence:
    """My entry in the presence folder of one data file, and a view of the others'."""

    def __init__(self, path: Path, user: str) -> None:
        self.path = path
        self.folder = path.with_name(f".{path.name}.presence")
        self.user = user
        self.shared_group = group_shared(path.parent)
        host = _NAME_SAFE.sub("_", socket.gethostname())[:64] or "host"
        name = _NAME_SAFE.sub("_", user)[:64].lstrip(".-") or "user"
        self.name = f"{name}.{host}.{os.getpid()}"
        self.entry = self.folder / self.name

    def _open_folder(self, create: bool) -> int | None:
        """The folder, opened without following a link; created (group-shared) if asked."""
        try:
            return os.open(self.folder, _OPEN_DIR)
        except FileNotFoundError:
            if not create:
                return None
        except OSError:
            return None  # a link, a file, no permission: not ours to use
        try:
            os.mkdir(self.folder, 0o777)
            fd = os.open(self.folder, _OPEN_DIR)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            try:
                data_gid = os.stat(self.path).st_gid if self.shared_group else st.st_gid
                if st.st_gid != data_gid:
                    os.fchown(fd, -1, data_gid)
            except OSError:
                pass
            os.fchmod(fd, stat.S_IMODE(st.st_mode) | stat.S_IRWXG | (stat.S_ISGID if self.shared_group else 0))
        except OSError:
            pass
        return fd

    def beat(self) -> None:
        """Say (again) that I am here. Problems (read-only folder) are not errors."""
        folder = self._open_folder(create=True)
        if folder is None:
            return
        try:
            try:
                os.utime(self.name, dir_fd=folder, follow_symlinks=False)
                st = os.stat(self.name, dir_fd=folder, follow_symlinks=False)
                if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid():
                    return
                os.unlink(self.name, dir_fd=folder)  # not my entry (someone planted it)
            except FileNotFoundError:
                pass
            fd = os.open(self.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _OPEN_ENTRY, 0o666, dir_fd=folder)
            try:
                if self.shared_group:
                    os.fchmod(fd, stat.S_IMODE(os.fstat(fd).st_mode) | stat.S_IRGRP | stat.S_IWGRP)
                payload = {"user": self.user, "pid": os.getpid(), "since": utc_now().timestamp()}
                os.write(fd, json.dumps(payload).encode())
            finally:
                os.close(fd)
        except OSError:
            pass
        finally:
            os.close(folder)

    def others(self, now: float | None = None, *, bindings: Mapping[str, Sequence[str]] | None = None) -> list[str]:
        """Other members with the file open now (not me, not stale), sorted.

        ``now`` is a time on the file system's clock, in seconds since the epoch; by default
        the mtime of my own entry, touched for the purpose (``file_system_now``). ``bindings``
        (each member's handle -> the Unix accounts that may act as them, model/identity.py):
        an entry names a member only when the account that wrote it may act as them, else it is
        that account (a board opened with WORKPLAN_USER set to someone else, which is
        read-only, or an entry written by hand, is not that member being here).
        """
        folder = self._open_folder(create=False)
        if folder is None:
            return []
        me = self.user
        if bindings and user_name(os.geteuid()) not in bindings.get(me, ()):
            me = user_name(os.geteuid())  # as the others name this board
        users: set[str] = set()
        try:
            if now is None:
                now = self.file_system_now(folder)
            names = os.listdir(folder)
            for name in names[:10_000]:
                if name == self.name or not ENTRY.match(name):
                    continue
                found = self._read_entry(folder, name, now)
                if found is None:
                    continue
                user, uid = found
                if bindings and user_name(uid) not in bindings.get(user, ()):
                    user = user_name(uid)
                if user != me:
                    users.add(user)
        except OSError:
            return []
        finally:
            os.close(folder)
        return sorted(users)

    def file_system_now(self, folder: int) -> float:
        """The file system's "now" in seconds: my entry touched, then its mtime read back.

        Touching with no explicit time lets the file system stamp it (an NFS server uses its
        own clock). Where my entry cannot be touched (a read-only folder, no entry yet), the
        newest entry's mtime is the best the folder says, and this machine's clock only when
        the folder is empty.
        """
        try:
            os.utime(self.name, dir_fd=folder, follow_symlinks=False)
            st = os.stat(self.name, dir_fd=folder, follow_symlinks=False)
            if stat.S_ISREG(st.st_mode):
                return st.st_mtime
        except OSError:
            pass
        newest = None
        try:
            for name in os.listdir(folder)[:10_000]:
                if ENTRY.match(name):
                    mtime = os.stat(name, dir_fd=folder, follow_symlinks=False).st_mtime
                    newest = mtime if newest is None else max(newest, mtime)
        except OSError:
            pass
        return utc_now().timestamp() if newest is None else newest

    @staticmethod
    def _read_entry(folder: int, name: str, now: float) -> tuple[str, int] | None:
        """(the member an entry names, the account that wrote it), or None for a stale or bad entry."""
        try:
            st = os.stat(name, dir_fd=folder, follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode):
                return None
            if now - st.st_mtime > EXPIRES:
                os.unlink(name, dir_fd=folder)  # a board that went away without saying so
                return None
            raw = read_small(name, MAX_ENTRY, dir_fd=folder)
            if raw is None:
                return None
            user = json.loads(raw).get("user")
        except (OSError, ValueError, AttributeError, RecursionError):
            return None
        return (user, st.st_uid) if isinstance(user, str) and 0 < len(user) <= 64 else None

    def leave(self) -> None:
        folder = self._open_folder(create=False)
        if folder is None:
            return
        try:
            os.unlink(self.name, dir_fd=folder)
        except OSError:
            pass
        finally:
            os.close(folder)
