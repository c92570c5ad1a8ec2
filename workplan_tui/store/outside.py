"""Edits made outside workplan (issue 28): noticed, announced, and written into the log.

Any member of the group can edit the JSON by hand, and workplan cannot prevent it. It can
notice: every write seals the file (store/layout.py) and keeps a copy of exactly what it wrote
beside it (``.NAME.written``, the data file's mode and group). A file whose seal no longer
holds, while it still claims one or such a copy exists, was changed since by something
else: a person with an editor, another tool, a merge git made as text. The records that
differ from the copy are what changed; the boards and ``workplan check`` say so ("changed
outside workplan at 14:02 by eve: T12, N3 differ from the log"), and the first write after
it logs each such record as an ``outside.edit`` entry (before -> after, field by field), so the
history stays complete. A valid hand edit keeps working as before.

Who made it is known only when the edit replaced the file (an editor that writes a new file
and renames it): the file then belongs to them, not to the account of the last workplan
write. An edit in place leaves the owner as it was, and the notice says nobody.

A file written before workplan kept the copy (no seal, no copy) is not announced. The copy
is refreshed by every write through the store and every merge ``workplan sync`` makes; after
another git operation it may be older than the file, and then an edit is announced without
its records (and logged as one entry on the partnership).
"""

from __future__ import annotations

import os
import re
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from workplan_tui.model.dates import utc_now
from workplan_tui.model.records import id_of_key, record_name
from workplan_tui.model.text import clean
from workplan_tui.store import layout
from workplan_tui.store.storage import parse, user_name

WHO = "(outside workplan)"  # the member an outside edit is logged as: no handle has parentheses
KIND = "outside.edit"
_CLAIM = re.compile(rb'"digest":"crc32:([0-9a-f]{8})"')
_NOT_RECORDED = ("digest", "history")  # meta fields that say how the file was written, not what it holds
_SHOWN = 6  # records named in a notice


def copy_path(path: Path) -> Path:
    """The copy of what workplan last wrote to ``path``."""
    return path.with_name(f".{path.name}.written")


def remember(path: Path, payload: bytes) -> None:
    """Keep ``payload`` (just written to ``path``) as the copy; best effort, never an error: the
    write itself has happened, and without a copy an outside edit is still noticed."""
    target = copy_path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")  # swept like the writes' own
    try:
        original = os.stat(path)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fchmod(fd, stat.S_IMODE(original.st_mode))  # as readable as the file, no more
            try:
                os.fchown(fd, -1, original.st_gid)
            except OSError:
                pass  # not in the file's group: the copy keeps mine, as readable as the mode says
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _read_copy(path: Path, limit: int) -> tuple[bytes, int] | None:
    """The copy's bytes and owner, or None (missing, not a regular file, larger than ``limit``)."""
    try:
        fd = os.open(copy_path(path), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks), st.st_uid
    except OSError:
        return None
    finally:
        os.close(fd)


class Change(NamedTuple):
    table: str
    key: str
    record: str  # its label: T12, member bob, partnership
    changes: dict[str, list[Any]]  # field -> [before, after]; a whole record added or removed: "record"


class OutsideEdit(NamedTuple):
    """A change to the file that no workplan write made."""

    at: str  # when the file was last changed (its mtime), ISO UTC
    by: str | None  # the account that replaced the file, when that is known
    changes: list[Change] | None  # None: which records is unknown (no copy of the last write)

    def words(self, local: bool = True) -> str:
        """'changed outside workplan at 14:02 by eve: T12, N3 differ from the log'."""
        moment = datetime.fromisoformat(self.at.replace("Z", "+00:00"))
        when = moment.astimezone() if local else moment
        today = utc_now().astimezone() if local else utc_now()
        stamp = when.strftime("%H:%M") if when.date() == today.date() else when.strftime("%Y-%m-%d %H:%M")
        text = f"changed outside workplan at {stamp}" + (f" by {self.by}" if self.by else "")
        if self.changes is None:
            return clean(f"{text}; which records is not known (workplan's copy of its last write is missing or older)")
        names = [c.record for c in self.changes]
        more = f" (+{len(names) - _SHOWN} more)" if len(names) > _SHOWN else ""
        verb = "differs" if len(names) == 1 else "differ"
        return clean(f"{text}: {', '.join(names[:_SHOWN])}{more} {verb} from the log")

    def sameness(self) -> bytes:
        """What makes two sightings the same edit, to say it once: who and which records
        changed how. Not the time: saving the same edit again, a minute later, is not news.
        An edit whose records are not known is told apart by its time."""
        if self.changes is None:
            return _canon([self.by, self.at])
        return _canon([self.by, [[c.table, c.key, c.changes] for c in self.changes]])

    def entries(self, first_id: int, after: str | None, now: str) -> list[dict[str, Any]]:
        """The log entries that record it, numbered from ``first_id``, timed at the edit as the
        file system's clock says, kept in the log's order: never before ``after`` (the log's
        latest time) nor after ``now`` (the write that logs it)."""
        at = min(self.at, now)
        at = at if after is None or at >= after else after
        base = {"at": at, "member": WHO, "os_user": (self.by or "")[:64], "kind": KIND}
        if self.changes is None:
            changes = [Change("meta", "1", "partnership", {"outside edit": [None, "records not known"]})]
        else:
            changes = self.changes
        return [
            {"id": first_id + n, **base, "record": c.record[:64], "changes": c.changes} for n, c in enumerate(changes)
        ]


def _canon(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Record by record, what ``after`` changed of ``before`` (both a file's tables)."""
    out: list[Change] = []
    for table in dict.fromkeys([*before, *after]):
        if table == "activity":
            continue
        old, new = before.get(table), after.get(table)
        old = old if isinstance(old, dict) else {}
        new = new if isinstance(new, dict) else {}
        for key in dict.fromkeys([*old, *new]):
            a, b = old.get(key), new.get(key)
            if a is not None and b is not None and _canon(a) == _canon(b):
                continue
            doc_id = id_of_key(key)  # canonical in a checked file (and in workplan's own copy)
            name = record_name(table, doc_id, b if b is not None else a) if doc_id is not None else f"{table} {key}"
            if a is None or b is None:
                whole = {"id": int(key) if key.isdigit() else key, "record": a if b is None else b}
                out.append(Change(table, key, name, {"record": [whole, None] if b is None else [None, whole]}))
                continue
            if not isinstance(a, dict) or not isinstance(b, dict):
                out.append(Change(table, key, name, {"record": [a, b]}))
                continue
            fields = {}
            for field in dict.fromkeys([*a, *b]):
                if table == "meta" and field in _NOT_RECORDED:
                    continue
                if _canon(a.get(field)) != _canon(b.get(field)) or (field in a) != (field in b):
                    fields[field] = [a.get(field), b.get(field)]
            if fields:
                out.append(Change(table, key, name, fields))
    return out


def _claim(raw: bytes) -> re.Match[bytes] | None:
    """The seal a file claims: the digest in its meta record's line (the third)."""
    end = -1
    for _ in range(3):
        end = raw.find(b"\n", end + 1)
        if end < 0:
            return None
    return _CLAIM.search(raw, raw.rfind(b"\n", 0, end) + 1, end)


def detect(path: Path, payload: bytes, data: dict[str, Any]) -> OutsideEdit | None:
    """The edit made to ``path`` outside workplan, if any: ``payload`` its bytes now, ``data``
    their parse (checked). None for a file exactly as workplan wrote it, or one written before
    workplan kept a copy."""
    if layout.verify(payload):
        return None
    claim = _claim(payload)
    copy = _read_copy(path, max(64 << 20, 4 * len(payload)))
    if claim is None and copy is None:
        return None  # never sealed, never copied: as an older workplan wrote it
    try:
        st = os.stat(path)
        at = datetime.fromtimestamp(st.st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        owner = st.st_uid
    except OSError:
        return None
    by = user_name(owner) if copy is not None and owner != copy[1] else None
    if copy is None or not layout.verify(copy[0]):
        return OutsideEdit(at, by, None)
    copied = _claim(copy[0])
    if claim is not None and (copied is None or copied.group(1) != claim.group(1)):
        return OutsideEdit(at, by, None)  # the copy is of another write (git checked out another version)
    try:
        before = parse(copy_path(path), copy[0], sealed=True)
    except Exception:  # the copy is only evidence: never let it break a read or a write
        return OutsideEdit(at, by, None)
    changes = differences(before, data)
    return OutsideEdit(at, by, changes) if changes else None
