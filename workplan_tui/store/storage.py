"""The shared partnership file: locking, atomic replacement, reading and parsing (TinyDB's storage
class for a transaction is in tinydb_tables.py).

Rules (see PRODUCT.md, "The shared file"):

* Every write holds an exclusive ``flock`` on a separate, permanent lock file
  beside the data file (``.NAME.lock``, group-writable, never deleted). Locking
  the data file itself does not work: it is replaced on every write, so a lock
  on it sits on an inode that is gone.
* Inside the lock the file is read again, the change applied, the result written
  to a temporary file in the same folder that gets the original's permission bits
  and group, fsynced, and renamed over the original. Readers never see a partial
  file and a crash mid-write leaves the old one.
* Reading re-opens the path each time and skips the parse when the file's
  (device, inode, mtime, size) are unchanged.
* Nothing here trusts the folder (any group member can write in it): a link is
  followed only once and only if I or the folder's owner made it; the data and lock
  files are opened without following links or blocking and must be regular files;
  waiting writers queue in the kernel; every operating-system error is one line
  naming the file and what was not saved; mode, group, ACL and xattrs are kept, or
  the write is refused.

We use ``fcntl.flock`` directly rather than a locking library: filelock 4.x
unlinks and re-creates lock files (so two processes can hold "the" lock on
different inodes, the failure PRODUCT.md measured) and creates them 0644, and
portalocker adds nothing over ``flock`` for one POSIX host.
"""

from __future__ import annotations

import errno
import fcntl
import grp
import os
import pwd
import re
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from workplan_tui.model.dates import utc_now
from workplan_tui.model.text import clean

LOCK_TIMEOUT = 30.0  # seconds a writer waits in the queue before it gives up (nothing saved)
WAIT_NOTICE = 2.0  # seconds of waiting after which the writer is told who holds the lock
_HOLDER_BYTES = 200  # how much of the lock file's "who holds it" line is read

StatKey = tuple[int, int, int, int]

# What each operating-system failure means to a member, in a few words.
_OS_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "your disk quota is used up",
    errno.EIO: "the disk reported an I/O error",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EFBIG: "the file is too large for this file system",
    errno.ENAMETOOLONG: "the path is too long",
    errno.ELOOP: "it is a symbolic link",
}


class StoreError(Exception):
    """A problem with the shared file that the user can act on (one line)."""


class FileMissingError(StoreError):
    pass


class InvalidFileError(StoreError):
    """The file is not valid JSON or not a usable workplan file; it is never written."""

    def __init__(self, message: str, problems: list[Any] | None = None):
        super().__init__(message)
        self.problems = problems or []


class LockTimeoutError(StoreError):
    pass


class ReadOnlyError(StoreError):
    pass


class WriteError(StoreError):
    """The operating system refused a write (full disk, quota, I/O, permissions); nothing changed."""


def os_reason(exc: OSError) -> str:
    """A few words for an OSError: 'the disk is full', else the system's own text."""
    return _OS_REASONS.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()


def lock_path_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def temp_pattern(path: Path) -> re.Pattern[str]:
    """Names of this file's temporary copies: ``.NAME.PID.HEX8.tmp`` (see ``write_atomic``)."""
    return re.compile(rf"\.{re.escape(path.name)}\.[0-9]+\.[0-9a-f]{{8}}\.tmp\Z")


def real_path(path: Path) -> Path:
    """The file a path names, links resolved once (PRODUCT.md: lock and write beside the real file).

    Writing through a link would replace the link with a copy, after which writers
    through the link and through the real path lock different lock files and diverge.
    A link is followed only when I or the folder's owner made it (the rule of Linux's
    ``fs.protected_symlinks``): another member's link could send my writes into a
    file of mine elsewhere, splitting the partnership in two. Raises StoreError.
    """
    try:
        link = os.lstat(path)
    except OSError:
        return path
    if not stat.S_ISLNK(link.st_mode):
        return path
    try:
        folder_owner = os.stat(path.parent).st_uid
    except OSError:
        folder_owner = -1
    if link.st_uid not in (os.geteuid(), folder_owner):
        raise StoreError(
            f"{path}: is a symbolic link made by {user_name(link.st_uid)}, not by you or the folder's owner; "
            "refusing to follow it (use the real path, or ask them to remove it)"
        )
    return Path(os.path.realpath(path))


def user_name(uid: int) -> str:
    """A login name for a uid (the number when unknown)."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


WaitNotice = Callable[[str], None]


@contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT, on_wait: WaitNotice | None = None) -> Iterator[None]:
    """Hold the exclusive lock for ``path`` (on its permanent lock file).

    Waiting writers queue in the kernel (a blocking ``flock``), so a newcomer cannot
    keep overtaking them. After ``WAIT_NOTICE`` seconds ``on_wait`` is told who holds
    the lock; after ``timeout`` seconds LockTimeoutError says how long it waited and
    who held it. While held, the lock file names the holder (user, pid, host, since).

    Raises StoreError (ReadOnlyError, LockTimeoutError) with one line naming the file.
    """
    lock_path = lock_path_for(path)
    fd, writable = _open_lock_file(lock_path, path)
    try:
        _acquire(fd, path, lock_path, timeout, on_wait)
        try:
            if writable:
                _say_holder(fd)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, lock_path: Path, timeout: float, on_wait: WaitNotice | None) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    # A thread waits in the kernel's queue on a duplicate of the descriptor (the lock
    # belongs to the shared open file, so it is ours when the thread gets it). If we
    # give up first, the thread releases it the moment it arrives.
    waiter = os.dup(fd)
    got = threading.Event()
    mutex = threading.Lock()
    state: dict[str, Any] = {"cancelled": False, "error": None}

    def wait() -> None:
        try:
            fcntl.flock(waiter, fcntl.LOCK_EX)
        except OSError as exc:
            state["error"] = exc
        with mutex:
            if state["cancelled"] and state["error"] is None:
                fcntl.flock(waiter, fcntl.LOCK_UN)
            os.close(waiter)
            got.set()

    threading.Thread(target=wait, name="workplan lock", daemon=True).start()
    started = time.monotonic()
    if not got.wait(min(WAIT_NOTICE, timeout)) and on_wait is not None and timeout > WAIT_NOTICE:
        on_wait(f"{path}: waiting for {holder(lock_path)} to finish writing…")
    got.wait(max(0.0, timeout - (time.monotonic() - started)))
    with mutex:
        if not got.is_set():
            state["cancelled"] = True
            waited = time.monotonic() - started
            raise LockTimeoutError(
                f"{path}: waited {waited:.0f} s for {holder(lock_path)} to finish writing; nothing was saved, try again"
            )
    if state["error"] is not None:
        raise WriteError(f"{path}: cannot lock {lock_path.name} ({os_reason(state['error'])})")


def _say_holder(fd: int) -> None:
    """Write who holds the lock into the lock file (read by writers who wait)."""
    since = utc_now().astimezone().strftime("%H:%M:%S")
    line = f"{os_login()} (pid {os.getpid()} on {os.uname().nodename}) since {since}\n"
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, line.encode()[:_HOLDER_BYTES], 0)
    except OSError:
        pass  # only a courtesy to waiting writers


def read_small(path: str | Path, limit: int, *, dir_fd: int | None = None) -> bytes | None:
    """At most ``limit`` bytes of a regular file in a shared folder, or None.

    Never follows a link, never blocks on a FIFO, never reads a device: side files
    (lock holder, presence entries) are anyone's to replace.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        return os.read(fd, limit) if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except OSError:
        return None
    finally:
        os.close(fd)


def holder(lock_path: Path) -> str:
    """Who holds (or last held) the lock, from the lock file: one cleaned line, or 'another writer'."""
    raw = read_small(lock_path, _HOLDER_BYTES)
    text = raw.decode("utf-8", "replace").splitlines() if raw else []
    return clean(text[0]).strip() if text and text[0].strip() else "another writer"


def os_login() -> str:
    """The Unix login of this process, from its user id: ``"alice"``, or ``"uid1234"`` without one.

    Never from ``$USER`` or ``$LOGNAME`` (what ``getpass.getuser`` reads first): anyone can
    set those, and the log records this name beside the member's handle as the audit
    trail. Never fails.
    """
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except (KeyError, OSError):
        return f"uid{os.geteuid()}"


def _open_lock_file(lock_path: Path, data_path: Path) -> tuple[int, bool]:
    """Open (or create) the lock file without following links or blocking.

    Its group and mode are set only when this process has just created it: a lock
    file someone else made is theirs to manage. Returns (fd, writable).
    """
    flags = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_EXCL | flags, 0o666)
    except FileExistsError:
        pass
    except PermissionError:
        return _open_existing_lock(lock_path, data_path, flags)
    except OSError as exc:
        raise _lock_error(exc, lock_path, data_path) from None
    else:
        _share_new_file(fd, data_path)
        return fd, True
    return _open_existing_lock(lock_path, data_path, flags)


def _open_existing_lock(lock_path: Path, data_path: Path, flags: int) -> tuple[int, bool]:
    writable = True
    try:
        fd = os.open(lock_path, os.O_RDWR | flags)
    except PermissionError:
        writable = False
        try:
            # flock needs no write access: an existing lock file we may only read still works.
            fd = os.open(lock_path, os.O_RDONLY | flags)
        except FileNotFoundError:
            raise ReadOnlyError(
                f"{data_path}: cannot create the lock file {lock_path.name}; the folder is read-only for you"
            ) from None
        except OSError as exc:
            raise _lock_error(exc, lock_path, data_path, exists=True) from None
    except OSError as exc:
        raise _lock_error(exc, lock_path, data_path, exists=True) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise StoreError(
            f"{data_path}: the lock file {lock_path.name} is {_kind_of(mode)}, not a regular file; "
            "ask whoever made it to remove it"
        )
    return fd, writable


def _lock_error(exc: OSError, lock_path: Path, data_path: Path, *, exists: bool = False) -> StoreError:
    if exc.errno == errno.ELOOP:
        return StoreError(
            f"{data_path}: the lock file {lock_path.name} is a symbolic link; refusing to use it "
            "(ask whoever made it to remove it)"
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        verb = "open" if exists else "create"
        return ReadOnlyError(f"{data_path}: cannot {verb} the lock file {lock_path.name} ({os_reason(exc)})")
    return WriteError(f"{data_path}: cannot open the lock file {lock_path.name} ({os_reason(exc)})")


def group_shared(folder: Path) -> bool:
    """Whether a folder is meant for a group: setgid, or writable by its group."""
    try:
        mode = os.stat(folder).st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_ISGID | stat.S_IWGRP))


def _share_new_file(fd: int, data_path: Path) -> None:
    """A file this process just created: the data file's group, group read/write (umask aside)."""
    try:
        st = os.fstat(fd)
        try:
            data_gid = os.stat(data_path).st_gid
        except OSError:
            data_gid = st.st_gid
        if st.st_gid != data_gid:
            os.fchown(fd, -1, data_gid)
        wanted = stat.S_IMODE(st.st_mode) | stat.S_IRGRP | stat.S_IWGRP
        if wanted != stat.S_IMODE(st.st_mode):
            os.fchmod(fd, wanted)
    except OSError:
        pass  # not in that group: the file still works for us


def read_bytes(path: Path) -> tuple[bytes, StatKey]:
    """The file's bytes and the identity of exactly the file those bytes came from.

    Never blocks (a FIFO or device is refused) and never follows a link at ``path``
    itself (callers resolve links once, with ``real_path``). Raises StoreError.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise FileMissingError(
            f"{path}: no partnership file here; create one with 'workplan init' or choose one with -f"
        ) from None
    except PermissionError:
        raise StoreError(f"{path}: permission denied (ask a member to share the file with your group)") from None
    except IsADirectoryError:
        raise StoreError(f"{path}: is a folder, not a partnership file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StoreError(f"{path}: became a symbolic link while in use; run the command again") from None
        raise StoreError(f"{path}: cannot read it ({os_reason(exc)})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise StoreError(f"{path}: is {_kind_of(st.st_mode)}, not a partnership file; refusing to use it")
        data = os.read(fd, st.st_size + 1)  # one read, one copy (the loop is for a file still growing)
        chunks = [data]
        while data:
            data = os.read(fd, 1 << 20)
            chunks.append(data)
        return (chunks[0] if len(chunks) <= 2 else b"".join(chunks)), stat_key(st)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read it ({os_reason(exc)})") from None
    finally:
        os.close(fd)


def current_key(path: Path) -> StatKey | None:
    try:
        return stat_key(os.stat(path, follow_symlinks=False))
    except OSError:
        return None


def parse(path: Path, data: bytes, *, sealed: bool = False) -> Any:
    """The file's JSON, refusing what cannot be written back unchanged.

    ``sealed``: the bytes are exactly what workplan wrote (store/layout.py), so the
    slow look for hidden problems below is skipped.

    Refused (InvalidFileError, one line): invalid JSON, a key repeated in one object
    (JSON parsers keep the last, so a write would silently drop the first: a second
    ``"tasks": {}`` would delete every task), and nesting too deep to serialise
    (whatever loads must be writable).
    """
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if not data.strip():
            raise InvalidFileError(f"{path}: the file is empty, not a workplan file") from None
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            line = data.count(b"\n", 0, bad.start) + 1
            column = bad.start - (data.rfind(b"\n", 0, bad.start) + 1) + 1
            raise InvalidFileError(f"{path}: not UTF-8 text at line {line}, byte {column}") from None
        raise InvalidFileError(f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if sealed:
        return value
    try:
        again = dump(value)
    except orjson.JSONEncodeError as exc:
        raise InvalidFileError(
            f"{path}: cannot be written back ({exc}); nesting too deep or a number too large"
        ) from None
    if again != data:
        # Not byte-for-byte what workplan writes (a hand edit, another formatter):
        # parse again, slowly, for what the fast parser hides.
        problem = _hidden_problem(data, value)
        if problem is not None:
            raise InvalidFileError(f"{path}: {problem}; fix the file by hand (workplan never writes such a file)")
    return value


class _DuplicateKey(ValueError):
    pass


def _hidden_problem(data: bytes, value: Any) -> str | None:
    """A repeated key, or a number that would not survive a write unchanged (both silent in orjson)."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, item in items:
            if key in result:
                raise _DuplicateKey(f"the key {clean(key)[:40]!r} appears twice in one object")
            result[key] = item
        return result

    import json  # only for hand-edited files: start-up time

    try:
        exact = json.loads(data, object_pairs_hook=pairs)
    except _DuplicateKey as exc:
        return str(exc)
    except (ValueError, RecursionError):
        return None  # orjson accepted it; nothing more to learn here
    if exact != value:
        return "a number in it is too large to be kept exactly"
    return None


def dump(data: Any) -> bytes:
    """JSON as schema 1 files were written (indented); the sealed layout is store/layout.py."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


def sweep_temp_files(path: Path) -> list[str]:
    """Remove temporary copies left by writers that died mid-write; returns their names.

    Call only while holding the lock: then no temporary file can be in use. Only
    regular files whose names match ``temp_pattern`` are touched; links are not followed.
    """
    removed = []
    for name in find_temp_files(path):
        try:
            os.unlink(path.parent / name)
            removed.append(name)
        except OSError:
            pass
    return removed


def find_temp_files(path: Path) -> list[str]:
    """Names of temporary copies beside ``path`` (orphans when nobody holds the lock).

    Only regular files count: a link or FIFO with such a name is not workplan's, and
    ``sweep_temp_files`` leaves it alone.
    """
    pattern = temp_pattern(path)
    try:
        return sorted(
            e.name for e in os.scandir(path.parent) if pattern.match(e.name) and e.is_file(follow_symlinks=False)
        )
    except OSError:
        return []


# Extended attributes that carry who may read the file; failing to copy them refuses the write.
_ACL = ("system.posix_acl_access",)


def write_atomic(path: Path, payload: bytes, *, what: str = "the change") -> StatKey:
    """Replace ``path`` with ``payload``: temp file, same mode, group, ACL and xattrs, fsync, rename.

    Raises WriteError/ReadOnlyError (one line naming the file and ``what`` was not
    saved) for any operating-system failure; the file is then byte-for-byte unchanged
    and the temporary file is gone. Who can read the file stays as it was: a writer who
    cannot keep its group or ACL is refused.
    """
    folder = path.parent
    try:
        original: os.stat_result | None = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        original = None
    except OSError as exc:
        raise WriteError(f"{path}: {what} was not saved: {os_reason(exc)}") from None
    if original is not None and not stat.S_ISREG(original.st_mode):
        raise StoreError(f"{path}: is {_kind_of(original.st_mode)}, not a partnership file; refusing to write")
    tmp = folder / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    mode = stat.S_IMODE(original.st_mode) if original else 0o666
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise ReadOnlyError(f"{path}: {what} was not saved: cannot write in {folder} ({os_reason(exc)})") from None
        raise WriteError(f"{path}: {what} was not saved: {os_reason(exc)}") from None
    try:
        try:
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if original is not None:
                _keep_sharing(fd, path, original, what)
            elif group_shared(folder):
                _share_new_file(fd, path)
            os.fsync(fd)
            key = stat_key(os.fstat(fd))
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            if exc.errno == errno.EPERM and sticky_other(path):
                raise ReadOnlyError(f"{path}: {what} was not saved: {sticky_reason(path)}") from None
            raise WriteError(f"{path}: {what} was not saved: {os_reason(exc)}") from None
        raise
    _fsync_dir(folder)  # after the commit point: cannot fail
    return key


def _keep_sharing(fd: int, path: Path, original: os.stat_result, what: str) -> None:
    """Give the temporary file the original's group, mode, ACL and other xattrs, or refuse."""
    mode = stat.S_IMODE(original.st_mode)
    if os.fstat(fd).st_gid != original.st_gid:
        try:
            os.fchown(fd, -1, original.st_gid)
        except PermissionError:
            raise ReadOnlyError(f"{path}: {what} was not saved: {group_reason(original.st_gid)}") from None
    os.fchmod(fd, mode)  # after fchown, which may clear setgid bits; umask does not apply
    for name, value in _xattrs(path):
        try:
            os.setxattr(fd, name, value)
        except OSError as exc:
            if name in _ACL:
                raise ReadOnlyError(
                    f"{path}: {what} was not saved: cannot keep its access control list ({os_reason(exc)})"
                ) from None
            # other attributes (security.*, trusted.*) need privileges we may not have


def _xattrs(path: Path) -> list[tuple[str, bytes]]:
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError:
        return []  # not supported here
    result = []
    for name in names:
        try:
            result.append((name, os.getxattr(path, name, follow_symlinks=False)))
        except OSError:
            pass
    return result


def group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def group_reason(gid: int) -> str:
    return (
        f"you are not in its group {group_name(gid)!r}, and writing would hide it from that group "
        "(ask an admin to add you to the group)"
    )


def in_group(gid: int) -> bool:
    return os.geteuid() == 0 or gid == os.getegid() or gid in os.getgroups()


def sticky_other(path: Path) -> bool:
    """In a sticky folder (like /tmp) only a file's owner may replace it."""
    if os.geteuid() == 0:
        return False
    try:
        folder = os.stat(path.parent)
        owner = os.stat(path, follow_symlinks=False).st_uid
    except OSError:
        return False
    return bool(folder.st_mode & stat.S_ISVTX) and os.geteuid() not in (owner, folder.st_uid)


def sticky_reason(path: Path) -> str:
    try:
        owner = user_name(os.stat(path, follow_symlinks=False).st_uid)
    except OSError:
        owner = "another user"
    return (
        f"the folder {path.parent} is sticky (like /tmp), so only {owner}, who owns the file, may replace it; "
        "keep shared files in a group folder (chmod g+ws, not +t)"
    )


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems do not support it; the rename has landed either way
    finally:
        os.close(fd)
