"""The activity log: an append-only side file beside the partnership file.

``partnership.json`` keeps its history in ``partnership.history.jsonl``, one entry per
line, oldest first::

    {"id":1,"at":"2026-11-28T09:30:00Z","member":"alice","os_user":"alice","kind":"partnership.create",...}

Why a side file (docs/design.md, "History"): with the log inside the data file every write
rewrote all of it, so writes, reads and every board reload slowed down as history grew
(1.6 s per write at 200,000 entries). Appending costs the same at any length, readers
read only what they show (the newest page, or what is new since they last looked), and
two partners' logs merge by id, line by line.

Commit marker: the data file's ``meta`` record holds ``"history": {"last": N, "bytes": B}``,
the id of the newest entry and the length of the log that goes with the data. A writer,
holding the file's lock, appends its entries at byte B and fsyncs them, and only then
replaces the data file with the new marker (the commit point). Readers read the first B
bytes only. So a crash before the rename leaves entries past B that nobody reads and the
next writer cuts off; no entry is ever without its change, nor a change without its entry.

Every line is untrusted (any group member can edit the file): each is parsed and checked
on its own, and a bad one is skipped (``workplan check`` names it), never trusted.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from workplan_tui.model import schema
from workplan_tui.model.records import Activity
from workplan_tui.store.storage import (
    ReadOnlyError,
    StoreError,
    WriteError,
    _kind_of,
    _share_new_file,
    group_shared,
    os_reason,
)

CHUNK = 1 << 16  # bytes read at a time, backwards from the end for the newest entries
# No entry workplan writes comes near this (texts are at most 10,000 characters); a longer
# line is skipped unread, as a bad one, so a huge hand-made line costs a scan, not a parse.
LINE_LIMIT = 1 << 20


class Mark(NamedTuple):
    """How much of the log goes with one version of the data file."""

    last: int = 0  # id of the newest entry (ids count up from 1)
    size: int = 0  # bytes of the log that are committed


def history_path_for(path: Path) -> Path:
    """``partnership.json`` -> ``partnership.history.jsonl`` (same folder)."""
    stem = path.stem if path.suffix == ".json" else path.name
    return path.with_name(f"{stem}.history.jsonl")


def mark_of(meta: dict[str, Any]) -> Mark:
    """The commit marker a data file's meta record holds (schema 2), else an empty log."""
    marker = meta.get("history")
    if isinstance(marker, dict):
        return Mark(marker.get("last", 0), marker.get("bytes", 0))
    return Mark()


def marker(mark: Mark) -> dict[str, int]:
    """The meta field for a mark."""
    return {"last": mark.last, "bytes": mark.size}


def entry_problem(raw: Any) -> str | None:
    """What is wrong with one parsed log line, or None (``records.Activity`` declares its fields)."""
    if type(raw) is not dict:
        return "is not an object"
    entry_id = raw.get("id")
    if type(entry_id) is not int or not 0 < entry_id <= 999_999_999:
        return "has no whole-number 'id'"
    return schema.record_problem("activity", raw)


def activity(raw: dict[str, Any]) -> Activity:
    """A checked log line (or a schema 1 activity record with its id) as an Activity."""
    return Activity(
        id=raw["id"],
        at=raw["at"],
        member=raw["member"],
        os_user=raw.get("os_user", ""),
        kind=raw["kind"],
        record=raw["record"],
        changes=dict(raw.get("changes", {})),
        undoes=raw.get("undoes"),
    )


def _parse(line: bytes) -> Activity | None:
    try:
        raw = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    return activity(raw) if entry_problem(raw) is None else None


def lines_backward(fd: int, end: int) -> Iterator[bytes]:
    """The lines of ``fd`` before byte ``end``, last first; a line over LINE_LIMIT comes as b"".

    Linear in what it reads: a line's pieces are joined once, when its start is found.
    """
    pieces: list[bytes] = []  # the current line's pieces, last piece first
    held = 0
    while end > 0:
        start = max(0, end - CHUNK)
        block = os.pread(fd, end - start, start)
        parts = block.split(b"\n")
        for part in reversed(parts[1:]):
            pieces.append(part)
            yield b"".join(reversed(pieces)) if held + len(part) <= LINE_LIMIT else b""
            pieces, held = [], 0
        if held <= LINE_LIMIT:
            pieces.append(parts[0])
        held += len(parts[0])
        end = start
    if held:
        yield b"".join(reversed(pieces)) if held <= LINE_LIMIT else b""


def lines_forward(fd: int, start: int, end: int) -> Iterator[bytes]:
    """The lines of ``fd`` from byte ``start`` to ``end``; a line over LINE_LIMIT comes as b"".

    A last line without its newline comes too (a log cut short).
    """
    pieces: list[bytes] = []
    held = 0
    while start < end:
        block = os.pread(fd, min(CHUNK, end - start), start)
        if not block:
            break
        start += len(block)
        parts = block.split(b"\n")
        for part in parts[:-1]:
            pieces.append(part)
            yield b"".join(pieces) if held + len(part) <= LINE_LIMIT else b""
            pieces, held = [], 0
        if held <= LINE_LIMIT:
            pieces.append(parts[-1])
        held += len(parts[-1])
    if held:
        yield b"".join(pieces) if held <= LINE_LIMIT else b""


# A writer killed before its commit leaves one change's entries: far less than this.
TAIL_LIMIT = 1 << 20


def append_point(fd: int, size: int, mark: Mark) -> tuple[int, bool]:
    """Where a writer holding the lock appends: (offset, whether a newline must come first).

    At the mark when what follows it is exactly what a writer killed before its commit
    leaves (``crashed_tail``): that is cut. Anything else past or before the mark was put
    there by hand or by a restore (a marker edited, an older data file copied back, the
    log shortened, lines rewritten, a missing final newline): nothing is cut, and the new
    entries go after the last byte, on a line of their own. So a write never destroys a
    line that may be history, whatever was done to the files.
    """
    at = mark.size
    if 0 < at <= size and os.pread(fd, 1, at - 1) == b"\n":
        if at == size or (size - at <= TAIL_LIMIT and crashed_tail(os.pread(fd, size - at, at), mark.last)):
            return at, False
    return size, size > 0 and os.pread(fd, 1, size - 1) != b"\n"


def crashed_tail(text: bytes, last: int) -> bool:
    """Whether ``text`` is what one writer killed before its commit leaves after entry ``last``:
    one change's entries (one time, one member), numbered one after another from past
    ``last`` (past, not right after: a writer numbers after the log's own last entry, which
    may be an earlier killed writer's, since cut), the final one perhaps cut off mid-line.
    A change made elsewhere, a restored backup's newer entries or a hand-written note
    never fit."""
    lines = text.split(b"\n")
    piece = lines.pop()  # after the last newline: empty, or an entry cut off
    if piece and not (piece.startswith(_ENTRY_START) or _ENTRY_START.startswith(piece)):
        return False
    if not lines:
        return bool(piece)
    first: dict[str, Any] | None = None
    previous = last
    for line in lines:
        try:
            raw = orjson.loads(line)
        except orjson.JSONDecodeError:
            return False
        if entry_problem(raw) is not None or raw["id"] <= previous or (first and raw["id"] != previous + 1):
            return False
        first = first or raw
        if (raw["at"], raw["member"]) != (first["at"], first["member"]):
            return False
        previous = raw["id"]
    return True


_ENTRY_START = b'{"id":'


def last_id_on_disk(path: Path) -> int:
    """The id of the last readable entry in the whole log file (0 for none): new entries are
    numbered after it and after the marker, so no id is ever given twice."""
    fd = _open_read(path)
    if fd is None:
        return 0
    try:
        for line in lines_backward(fd, os.fstat(fd).st_size):
            entry = _parse(line)
            if entry is not None:
                return entry.id
        return 0
    finally:
        os.close(fd)


def _open_read(path: Path) -> int | None:
    """A descriptor on the log, or None when there is none; never a link, FIFO or device."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the activity log ({os_reason(exc)})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        mode = os.fstat(fd).st_mode
        os.close(fd)
        raise StoreError(f"{path}: the activity log is {_kind_of(mode)}, not a regular file")
    return fd


class History:
    """The committed log of one snapshot of the data file: entries up to ``mark``.

    ``pending`` entries (a schema 1 file's in-file log, or a transaction's own new
    entries) come after what the side file holds. Reads cost what they return, not
    the length of the log, except ``scan`` and ``of_record``, which read it all.
    Raises StoreError (one line) when the log cannot be read.
    """

    def __init__(self, path: Path, mark: Mark, pending: Iterable[Activity] = ()):
        self.path = path
        self.mark = mark
        self.pending = list(pending)

    @property
    def last(self) -> int:
        """The id of the newest entry (0 for none)."""
        return self.pending[-1].id if self.pending else self.mark.last

    def seen(self) -> Mark:
        """A mark for "everything up to now", to pass to ``since`` later."""
        return Mark(self.last, self.mark.size)

    def _lines_backward(self) -> Iterator[bytes]:
        fd = _open_read(self.path) if self.mark.size else None
        if fd is None:
            return
        try:
            yield from lines_backward(fd, min(self.mark.size, os.fstat(fd).st_size))
        finally:
            os.close(fd)

    def _lines_forward(self, start: int = 0) -> Iterator[bytes]:
        fd = _open_read(self.path) if self.mark.size > start else None
        if fd is None:
            return
        try:
            yield from lines_forward(fd, start, min(self.mark.size, os.fstat(fd).st_size))
        finally:
            os.close(fd)

    def newest(self, *, record: str | None = None) -> Iterator[Activity]:
        """Entries newest first (bad lines skipped), read lazily from the end; only those
        about ``record`` if given (lines that cannot be are not even parsed)."""
        needle = orjson.dumps(record) if record is not None else b""
        for entry in reversed(self.pending):
            if record is None or entry.record == record:
                yield entry
        for line in self._lines_backward():
            if needle in line:
                parsed = _parse(line)
                if parsed is not None and (record is None or parsed.record == record):
                    yield parsed

    def scan(self) -> Iterator[Activity]:
        """Every entry, oldest first (bad lines skipped); reads the whole log."""
        for line in self._lines_forward():
            entry = _parse(line)
            if entry is not None:
                yield entry
        yield from self.pending

    def latest(self, limit: int, *, before: int | None = None) -> list[Activity]:
        """Up to ``limit`` entries newest first, only those older than id ``before`` if given."""
        result: list[Activity] = []
        if limit <= 0:
            return result
        for entry in self.newest():
            if before is None or entry.id < before:
                result.append(entry)
                if len(result) >= limit:
                    break
        return result

    def since(self, seen: Mark) -> list[Activity]:
        """Entries newer than ``seen`` (an earlier mark of the same log), oldest first.

        Reads only the bytes appended since, so it costs what changed (a board's live
        reload). A log that shrank or was rewritten gives what is newer by id.
        """
        if seen.size and seen.size <= self.mark.size and seen.last <= self.mark.last:
            fresh = [e for e in map(_parse, self._lines_forward(seen.size)) if e is not None and e.id > seen.last]
            return fresh + [e for e in self.pending if e.id > seen.last]
        fresh = []
        for entry in self.newest():
            if entry.id <= seen.last:
                break
            fresh.append(entry)
        return fresh[::-1]

    def of_record(self, record: str) -> list[Activity]:
        """Every entry about one record ('T12', 'partner CITY'), oldest first."""
        needle = orjson.dumps(record)
        found = []
        for line in self._lines_forward():
            if needle in line:
                entry = _parse(line)
                if entry is not None and entry.record == record:
                    found.append(entry)
        return found + [e for e in self.pending if e.record == record]

    def recent_of_record(self, record: str, limit: int = 30, horizon: int = 1 << 20) -> tuple[list[Activity], bool]:
        """Up to ``limit`` newest entries about one record, oldest first, from the newest
        ``horizon`` bytes of the log only (so it costs the same at any length), and whether
        that was the whole story (False: older ones may exist; 'workplan log --record' has them)."""
        found: list[Activity] = []
        complete = True
        needle = orjson.dumps(record)
        read = 0
        for entry in reversed(self.pending):
            if entry.record == record and len(found) < limit:
                found.append(entry)
        for line in self._lines_backward():
            read += len(line) + 1
            if len(found) >= limit or read > horizon:
                complete = False
                break
            if needle in line:
                parsed = _parse(line)
                if parsed is not None and parsed.record == record:
                    found.append(parsed)
        return found[::-1], complete

    def last_by_member(self, members: Iterable[str], horizon: int = 1 << 20) -> tuple[dict[str, str], bool]:
        """When each member last changed anything (ISO UTC), from the newest ``horizon``
        bytes of the log only, and whether that reached back to the log's start (False:
        a member missing from the answer may have older changes)."""
        wanted = set(members)
        found: dict[str, str] = {}
        read = 0
        for entry in reversed(self.pending):
            if entry.member in wanted and entry.member not in found:
                found[entry.member] = entry.at
        for line in self._lines_backward():
            if len(found) == len(wanted):
                return found, True
            read += len(line) + 1
            if read > horizon:
                return found, False
            parsed = _parse(line)
            if parsed is not None and parsed.member in wanted and parsed.member not in found:
                found[parsed.member] = parsed.at
        return found, True

    def entry(self, entry_id: int) -> Activity | None:
        """One entry by id (searched from the newest back), or None."""
        for entry in self.newest():
            if entry.id == entry_id:
                return entry
            if entry.id < entry_id:
                return None
        return None

    def problems(self, limit: int = 20) -> list[str]:
        """What ``workplan check`` reports about the log (at most ``limit`` lines, then a count):
        bad lines, ids out of order, a log missing, cut short or longer than the data file says."""
        where = self.path
        fd = _open_read(self.path)
        if fd is None:
            return [f"{where}: missing ({self.mark.size:,} bytes of history expected)"] if self.mark.size else []
        try:
            size = os.fstat(fd).st_size
            tail = size > self.mark.size and append_point(fd, size, self.mark)[0] == size
            mid_line = 0 < self.mark.size <= size and os.pread(fd, 1, self.mark.size - 1) != b"\n"
        finally:
            os.close(fd)
        problems: list[str] = []
        if size < self.mark.size:
            problems.append(f"{where}: {size:,} bytes, but the data file expects {self.mark.size:,} (cut short?)")
        elif mid_line:
            problems.append(
                f"{where}: the data file's marker (byte {self.mark.size:,}) falls inside a line; "
                "the line there is not shown (marker edited by hand?)"
            )
        if tail:
            problems.append(
                f"{where}: {size - self.mark.size:,} bytes past what the data file accounts for (a data file "
                "restored from a backup, or an edit by hand?); they are not shown, and the next write keeps "
                "them and appends after them"
            )
        previous = first = 0
        for number, line in enumerate(self._lines_forward(), 1):
            try:
                raw = orjson.loads(line)
            except orjson.JSONDecodeError:
                problems.append(f"{where} line {number}: {'not valid JSON' if line else 'empty, or over 1 MB'}")
                continue
            problem = entry_problem(raw)
            if problem is not None:
                problems.append(f"{where} line {number}: {problem}")
                continue
            if raw["id"] <= previous:
                problems.append(f"{where} line {number}: id {raw['id']} is not after {previous}")
            first = first or raw["id"]
            previous = raw["id"]
        if first > 1:
            problems.append(f"{where}: starts at A{first}; A1 to A{first - 1} are missing (cut or deleted?)")
        if previous != self.mark.last and size >= self.mark.size and not tail:
            problems.append(f"{where}: the newest entry is A{previous}, the data file says A{self.mark.last}")
        if len(problems) > limit:
            problems[limit:] = [f"{where}: {len(problems) - limit:,} more problems"]
        return problems


def _follow_data_file(fd: int, data_path: Path) -> None:
    """Give a log I own the data file's group and permission bits: who may read and
    write the partnership may read and write its history (best effort)."""
    try:
        mine, data = os.fstat(fd), os.stat(data_path)
    except OSError:
        return
    if mine.st_uid != os.geteuid():
        return
    try:
        if mine.st_gid != data.st_gid:
            os.fchown(fd, -1, data.st_gid)
        if stat.S_IMODE(mine.st_mode) != stat.S_IMODE(data.st_mode) & 0o666:
            os.fchmod(fd, stat.S_IMODE(data.st_mode) & 0o666)
    except OSError:
        pass


class Appender:
    """Adds entries to the log inside a write transaction (the caller holds the lock).

    ``write`` appends and fsyncs at the committed end (cutting off a crashed writer's
    uncommitted tail first) and returns the new mark for the data file; if replacing
    the data file then fails, ``rollback`` cuts the log back. Raises WriteError or
    ReadOnlyError (one line naming the file and ``what`` was not saved).
    """

    def __init__(self, path: Path, data_path: Path):
        self.path = path
        self.data_path = data_path
        self.fd: int | None = None
        self.base = 0
        self.appended = False  # whether this writer has written past base (rollback cuts only that)

    def write(self, mark: Mark, entries: list[dict[str, Any]], what: str, *, fresh: int | None = None) -> Mark:
        """Append ``entries`` and fsync; the new mark.

        ``fresh``: the data file has no log yet (a new file, or schema 1 moving its log
        out, whose first ``fresh`` entries are that old log), so the log file must be
        empty; or hold exactly what this same write, killed before its commit, left
        (the old log, then one change's entries), which is written again. Anything else
        is another partnership's log: refused, never overwritten.
        """
        fd = self._open(what)
        try:
            size = os.fstat(fd).st_size
            if fresh is not None and size:
                self._start_over(fd, size, entries[:fresh], what)
                size = 0
            self.base, newline = append_point(fd, size, mark)
            if self.base < size:  # a crashed writer's entries, whose change never landed
                os.ftruncate(fd, self.base)
            payload = (b"\n" if newline else b"") + b"".join(orjson.dumps(e) + b"\n" for e in entries)
            view = memoryview(payload)
            offset = self.base
            self.appended = True
            while view:
                written = os.pwrite(fd, view, offset)
                view, offset = view[written:], offset + written
            os.fsync(fd)
        except OSError as exc:
            self.rollback()
            raise WriteError(
                f"{self.data_path}: {what} was not saved: {os_reason(exc)} (writing {self.path.name})"
            ) from None
        except BaseException:
            self.rollback()
            raise
        return Mark(entries[-1]["id"] if entries else mark.last, self.base + len(payload))

    def _start_over(self, fd: int, size: int, old: list[dict[str, Any]], what: str) -> None:
        prefix = b"".join(orjson.dumps(e) + b"\n" for e in old)
        text = os.pread(fd, min(size, len(prefix) + TAIL_LIMIT + 1), 0)
        rest = text[len(prefix) :]
        if old:  # the old log written out, then (perhaps) one change's entries
            redo = text.startswith(prefix) and (not rest or crashed_tail(rest, old[-1]["id"]))
        else:  # a new file: its one "partnership.create" entry, perhaps cut off
            redo = rest.count(b"\n") <= 1 and b'"kind":"partnership.create"' in rest and crashed_tail(rest, 0)
        if len(text) == size and redo:
            os.ftruncate(fd, 0)  # this same write, killed before: nothing committed refers to it
            return
        raise StoreError(
            f"{self.path}: already exists ({size:,} bytes) beside a partnership that has no log yet; "
            f"{what} was not saved and the log not overwritten (move it away if it belongs to no partnership)"
        )

    def _open(self, what: str) -> int:
        flags = os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        try:
            try:
                fd = os.open(self.path, flags | os.O_CREAT | os.O_EXCL, 0o666)
                if not self.data_path.exists() and group_shared(self.path.parent):
                    _share_new_file(fd, self.data_path)
            except FileExistsError:
                fd = os.open(self.path, flags)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise StoreError(
                    f"{self.path}: the activity log is a symbolic link; refusing to use it "
                    "(ask whoever made it to remove it)"
                ) from None
            error = ReadOnlyError if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) else WriteError
            raise error(
                f"{self.data_path}: {what} was not saved: cannot open {self.path.name} ({os_reason(exc)})"
            ) from None
        self.fd = fd
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            self.close()
            raise StoreError(
                f"{self.path}: the activity log is {_kind_of(mode)}, not a regular file; refusing to use it"
            )
        _follow_data_file(fd, self.data_path)
        return fd

    def rollback(self) -> None:
        """Cut the log back to where it was (best effort: the next writer cuts it anyway)."""
        if self.fd is not None and self.appended:
            try:
                if os.fstat(self.fd).st_size > self.base:
                    os.ftruncate(self.fd, self.base)
            except OSError:
                pass
        self.close()

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
