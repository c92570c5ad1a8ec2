"""Real Unix users, groups and small file systems for the sharing and failure tests.

These need root (to add users, switch to them and mount a tmpfs). Where the machine
cannot, the tests that use them are skipped with the reason.
"""

from __future__ import annotations

import fcntl
import grp
import os
import pickle
import pwd
import shutil
import subprocess
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

GROUP = "wpshare"
IN_GROUP = ("wpalice", "wpbob")
OUTSIDER = "wpcarol"


def _ensure_users() -> str | None:
    """Create the test group and users once; the reason they cannot be had, or None."""
    if os.geteuid() != 0:
        return "needs root to create Unix users and switch to them"
    if not shutil.which("useradd") or not shutil.which("groupadd"):
        return "needs useradd and groupadd"
    # pytest-xdist workers start at once: one of them creates, the others wait and find them.
    with open(
        "/run/lock/workplan-test-users.lock" if os.path.isdir("/run/lock") else "/tmp/workplan-test-users.lock", "w"
    ) as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            grp.getgrnam(GROUP)
        except KeyError:
            subprocess.run(["groupadd", GROUP], check=True, capture_output=True)
        for name in (*IN_GROUP, OUTSIDER):
            try:
                pwd.getpwnam(name)
            except KeyError:
                extra = ["-G", GROUP] if name in IN_GROUP else []
                command = ["useradd", "-M", "-s", "/usr/sbin/nologin", *extra, name]
                subprocess.run(command, check=True, capture_output=True)
    return None


@pytest.fixture(scope="session")
def users() -> dict[str, int]:
    """Names -> uids of wpalice and wpbob (in group wpshare) and wpcarol (not in it)."""
    reason = _ensure_users()
    if reason:
        pytest.skip(reason)
    return {name: pwd.getpwnam(name).pw_uid for name in (*IN_GROUP, OUTSIDER)}


def share_gid() -> int:
    return grp.getgrnam(GROUP).gr_gid


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder outside root's private tmp_path that the test users can reach."""
    folder = Path(tempfile.mkdtemp(prefix="workplan-share-", dir="/tmp"))
    os.chmod(folder, 0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def as_user(name: str, action: Callable[[], Any], *, umask: int = 0o022) -> Any:
    """Run ``action`` in a forked child switched to user ``name`` (with their groups); its result.

    An exception in the child comes back as RuntimeError carrying the child's
    exception type and message (and traceback text), so tests can assert on it.
    """
    entry = pwd.getpwnam(name)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 0
        try:
            os.close(read)
            os.initgroups(name, entry.pw_gid)
            os.setgid(entry.pw_gid)
            os.setuid(entry.pw_uid)
            os.umask(umask)
            os.environ["USER"] = os.environ["LOGNAME"] = name
            try:
                result: Any = ("ok", action())
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                result = ("error", type(exc).__name__, str(exc), traceback.format_exc())
            with os.fdopen(write, "wb") as out:
                pickle.dump(result, out)
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as source:
        payload = source.read()
    _, status = os.waitpid(pid, 0)
    assert payload, f"the child as {name} died (status {status})"
    result = pickle.loads(payload)
    if result[0] == "error":
        raise ChildError(result[1], result[2], result[3])
    return result[1]


class ChildError(RuntimeError):
    def __init__(self, kind: str, message: str, trace: str):
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message
        self.trace = trace


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 2 MB tmpfs mounted for the test (root only)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small tmpfs")
    folder = Path(tempfile.mkdtemp(prefix="workplan-disk-", dir="/tmp"))
    mount = ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0777", "tmpfs", str(folder)]
    done = subprocess.run(mount, capture_output=True)
    if done.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
        folder.rmdir()


def fill_disk(folder: Path) -> None:
    """Fill the file system holding ``folder`` to the last byte."""
    for name, size in (("filler", 65536), ("filler2", 512), ("filler3", 1)):
        try:
            fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT, 0o600)
        except OSError:
            return  # not even an inode left
        try:
            while True:
                os.write(fd, b"\0" * size)
        except OSError:
            pass
        finally:
            os.close(fd)


def remount(folder: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(folder)], check=True, capture_output=True)
