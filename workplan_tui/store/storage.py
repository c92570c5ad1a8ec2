"""The shared partnership file: locking, atomic replacement and a TinyDB Storage.

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

We use ``fcntl.flock`` directly rather than a locking library: filelock 4.x
unlinks and re-creates lock files (so two processes can hold "the" lock on
different inodes, the failure PRODUCT.md measured) and creates them 0644, and
portalocker adds nothing over ``flock`` for one POSIX host.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage
from tinydb.table import Table

LOCK_TIMEOUT = 10.0

StatKey = tuple[int, int, int, int]


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


def lock_path_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


@contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the exclusive lock for ``path`` (on its permanent lock file)."""
    lock_path = lock_path_for(path)
    fd = _open_lock_file(lock_path, path)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeoutError(
                        f"{path}: another workplan has been writing for {timeout:.0f} s; try again"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _open_lock_file(lock_path: Path, data_path: Path) -> int:
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
    except PermissionError:
        try:
            # flock needs no write access: an existing lock file we may only read still works.
            return os.open(lock_path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            raise ReadOnlyError(
                f"{data_path}: cannot create the lock file {lock_path.name}; folder is read-only"
            ) from None
    except OSError as exc:
        raise StoreError(f"{lock_path}: cannot open the lock file ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        if st.st_uid == os.geteuid():
            # Other members of the group must be able to lock it too.
            try:
                data_st = os.stat(data_path)
                if st.st_gid != data_st.st_gid:
                    os.fchown(fd, -1, data_st.st_gid)
            except OSError:
                pass
            wanted = stat.S_IMODE(st.st_mode) | stat.S_IRGRP | stat.S_IWGRP
            if wanted != stat.S_IMODE(st.st_mode):
                os.fchmod(fd, wanted)
    except OSError:
        pass
    return fd


def read_bytes(path: Path) -> tuple[bytes, StatKey]:
    """The file's bytes and the identity of exactly the file those bytes came from."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise FileMissingError(
            f"{path}: no partnership file here; create one with 'workplan init' or choose one with -f"
        ) from None
    except PermissionError:
        raise StoreError(f"{path}: permission denied (ask a member to share the file with your group)") from None
    except IsADirectoryError:
        raise StoreError(f"{path}: is a folder, not a partnership file") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise StoreError(f"{path}: is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read()
        return data, stat_key(st)
    finally:
        os.close(fd)


def current_key(path: Path) -> StatKey | None:
    try:
        return stat_key(os.stat(path))
    except OSError:
        return None


def parse(path: Path, data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if not data.strip():
            raise InvalidFileError(f"{path}: the file is empty, not a workplan file") from None
        raise InvalidFileError(f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None


def dump(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


def write_atomic(path: Path, payload: bytes) -> StatKey:
    """Replace ``path`` with ``payload``: temp file, same mode and group, fsync, rename."""
    folder = path.parent
    try:
        original: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        original = None
    tmp = folder / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    mode = stat.S_IMODE(original.st_mode) if original else 0o666
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    except PermissionError:
        raise ReadOnlyError(f"{path}: cannot write in {folder} (permission denied)") from None
    try:
        try:
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if original is not None:
                try:
                    if os.fstat(fd).st_gid != original.st_gid:
                        os.fchown(fd, -1, original.st_gid)
                except PermissionError:
                    pass
                os.fchmod(fd, mode)  # after fchown, which may clear setgid bits; umask does not apply
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(folder)
    return stat_key(os.stat(path))


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:  # some file systems do not support it
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


class SharedJSONStorage(Storage):
    """TinyDB storage for the shared file; writes only inside ``Store.transaction``.

    ``read`` returns the data loaded under the lock; ``write`` keeps the new data
    in memory until the transaction commits it with one atomic replacement, so a
    change that spans several records lands whole or not at all.
    """

    def __init__(self, data: dict[str, Any]):
        self._data = data
        self.dirty = False

    def read(self) -> dict[str, Any] | None:
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        self._data = data
        self.dirty = True

    @property
    def data(self) -> dict[str, Any]:
        return self._data

    def close(self) -> None:
        pass


class FieldTable(Table):
    """A TinyDB table whose updates by id and inserts touch only their own record.

    TinyDB's own ``Table._update_table`` rebuilds the whole table twice (str ids to
    int and back) for every change: ~10 ms per change at 10,000 tasks. Updating a
    known record in place is what "field-level update" means, and it is 100x cheaper.
    """

    def update(self, fields: Any, cond: Any = None, doc_ids: Any = None) -> list[int]:
        if doc_ids is None or cond is not None or callable(fields):
            return super().update(fields, cond, doc_ids)
        tables = self._storage.read() or {}
        raw = tables.setdefault(self.name, {})
        updated = []
        for doc_id in doc_ids:
            record = raw.get(str(doc_id))
            if record is not None:
                record.update(fields)
                updated.append(doc_id)
        self.clear_cache()
        self._storage.write(tables)
        return updated

    def insert(self, document: Any) -> int:
        doc_id = self._get_next_id()
        tables = self._storage.read() or {}
        tables.setdefault(self.name, {})[str(doc_id)] = dict(document)
        self.clear_cache()
        self._storage.write(tables)
        return doc_id
