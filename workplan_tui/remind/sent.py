"""What was sent: ``NAME.reminders.json`` beside the data file, never the shared file's history.

One object per member who got a digest: the period it was for, when it went and the keys of
its items (``model/digest.py``); and per member whose last try failed, when and why::

    {"version": 1,
     "sent": {"bob": {"period": "2026-11-28", "at": "2026-11-28T07:00:02Z", "items": ["overdue:T12"]}},
     "failed": {"carol": {"at": "2026-11-28T07:00:03Z", "reason": "the mail server refused ..."}}}

The same rules as the shared file (storage.py): a run holds the exclusive lock on the record's
own permanent lock file (``.NAME.reminders.json.lock``) from reading it to its last write, so
two runs (cron and a lead by hand) never both send a period's digest; each write is atomic
(temporary file, the mode, group and ACL kept, fsync, rename), made after each message, so a
run killed half-way has recorded every message it sent. The file is read without following a
link or blocking, at most ``LIMIT`` bytes, and checked: any member can edit it, so one that is
not sound stops the run with one line, nothing sent (sending again to everyone would be worse).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from workplan_tui.model.schema import valid_handle
from workplan_tui.model.text import clean
from workplan_tui.store.storage import StoreError, locked, write_atomic

VERSION = 1
LIMIT = 16 * 1024 * 1024
KEYS_KEPT = 1000  # the item keys kept per member (a digest rarely has more than a few dozen)
LOCK_WAIT = 10.0  # seconds a run waits for another run to finish before it gives up


class SentError(Exception):
    """The record of what was sent cannot be used (one line naming it)."""


class Sent(NamedTuple):
    """A member's last digest: its ``period``, when it went (``at``, ISO UTC) and its item keys."""

    period: str
    at: str
    items: tuple[str, ...]


class Failed(NamedTuple):
    """A member's last failed try: when (ISO UTC) and why."""

    at: str
    reason: str


def sent_path_for(data: Path) -> Path:
    """``partnership.reminders.json`` beside ``partnership.json``."""
    return data.with_name(f"{data.stem}.reminders.json")


class Record:
    """The record of what was sent, read and written while its lock is held (``open_record``)."""

    def __init__(self, path: Path, sent: dict[str, Sent], failed: dict[str, Failed], other: dict[str, Any]) -> None:
        self.path = path
        self.sent = sent
        self.failed = failed
        self._other = other  # keys a newer workplan wrote: kept

    def mark_sent(self, handle: str, entry: Sent) -> None:
        """Record a digest that went, and write the record at once. Raises StoreError."""
        self.sent[handle] = entry._replace(items=entry.items[:KEYS_KEPT])
        self.failed.pop(handle, None)
        self.save()

    def mark_failed(self, handle: str, entry: Failed) -> None:
        """Record a failed try (the member's last digest, if any, stays), and write. Raises StoreError."""
        self.failed[handle] = entry
        self.save()

    def save(self) -> None:
        """Write the record atomically, mode, group and ACL kept. Raises StoreError."""
        data = {
            **self._other,
            "version": VERSION,
            "sent": {h: {"period": s.period, "at": s.at, "items": list(s.items)} for h, s in sorted(self.sent.items())},
            "failed": {h: {"at": f.at, "reason": f.reason} for h, f in sorted(self.failed.items())},
        }
        write_atomic(
            self.path, orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n", what="the record of what was sent"
        )


@contextmanager
def open_record(path: Path) -> Iterator[Record]:
    """Hold the record's lock and yield it as read (empty when the file does not exist yet).

    Raises SentError for a record that is not sound, StoreError when the lock cannot be had
    (another run holds it longer than ``LOCK_WAIT``) or the folder refuses it.
    """
    try:
        with locked(path, timeout=LOCK_WAIT):
            yield read(path)
    except StoreError as exc:
        if "waited" in str(exc):
            raise StoreError(f"{path}: another 'workplan remind' is still sending; this run sent nothing") from None
        raise


def read(path: Path) -> Record:
    """The record at ``path`` (no lock taken: ``open_record`` takes it). Raises SentError."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        return Record(path, {}, {}, {})
    except OSError as exc:
        raise SentError(f"{path}: cannot read the record of what was sent ({clean(exc.strerror)})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SentError(f"{path}: not a regular file; remove it (it records which digests were sent)")
        chunks = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > LIMIT:
                raise SentError(f"{path}: larger than {LIMIT >> 20} MB; not a record of digests sent")
    finally:
        os.close(fd)
    try:
        data = orjson.loads(b"".join(chunks))
    except orjson.JSONDecodeError as exc:
        raise SentError(
            f"{path}: not valid JSON ({clean(exc)}); fix it or remove it (every digest would go again)"
        ) from None
    problem = _problem(data)
    if problem:
        raise SentError(f"{path}: {problem}; fix it or remove it (every digest would go again)")
    sent = {h: Sent(v["period"], v["at"], tuple(v["items"])) for h, v in data.get("sent", {}).items()}
    failed = {h: Failed(v["at"], v["reason"]) for h, v in data.get("failed", {}).items()}
    other = {k: v for k, v in data.items() if k not in ("version", "sent", "failed")}
    return Record(path, sent, failed, other)


def _problem(data: Any) -> str | None:
    """What makes ``data`` not a record of digests sent, or None."""
    if not isinstance(data, dict):
        return "not a record of digests sent"
    if data.get("version") != VERSION:
        return f"version {clean(repr(data.get('version')))[:20]} is not one this workplan knows"
    for part, fields in (("sent", ("period", "at", "items")), ("failed", ("at", "reason"))):
        table = data.get(part, {})
        if not isinstance(table, dict):
            return f"{part!r} is not an object"
        for handle, entry in table.items():
            if not valid_handle(handle):
                return f"{part}: {clean(handle)[:40]!r} is not a member handle"
            if not isinstance(entry, dict) or any(f not in entry for f in fields):
                return f"{part}.{handle}: lacks {', '.join(fields)}"
            for f in fields:
                value = entry[f]
                ok = (
                    isinstance(value, list) and all(isinstance(k, str) and len(k) <= 200 for k in value)
                    if f == "items"
                    else isinstance(value, str) and len(value) <= 1000
                )
                if not ok:
                    return f"{part}.{handle}.{f} is not {'a list of keys' if f == 'items' else 'text'}"
    return None
