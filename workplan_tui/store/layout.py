"""The file's layout: one record per line, sealed with a digest, read lazily.

A partnership file as workplan writes it (schema 2)::

    {
    "meta": {
    "1": {"schema_version":2,"name":"Food access",...,"digest":"crc32:9f86c1d2"}
    },
    "partners": {
    "1": {"code":"CITY","name":"City parks"},
    "2": {"code":"BANK","name":"Food bank"}
    },
    "members": {},
    ...
    }

It is still plain JSON that TinyDB's ``JSONStorage`` reads, smaller than an indented
dump (2.6 MB against 3.8 MB at 10,000 tasks), easy to edit by hand, and a git diff
or merge sees whole records.

The digest (CRC-32 of the file with the digest's own 8 hex digits read as zeros)
says the bytes are exactly what workplan wrote: it catches any accidental change
(an edit, a bad merge, a cut-off copy; a random change slips through once in four
billion) and costs 1 ms at 10,000 tasks. A cryptographic hash would add nothing:
anyone who can edit the file can compute either.

The fast path trusts the layout only when the digest matches: a write indexes the
lines of the tables it uses, parses only the records it reads (each checked as it
is parsed) and copies every other line as it was, so a write costs the same whatever
the file holds. A file without a matching digest (a
hand edit, a merge by another tool, schema 1) takes the slow path: parsed whole,
every record checked, duplicate keys refused. The digest guards against accidents,
not against a member who forges one: such a file still never reaches a record
unchecked on the write path, and the board checks everything it reads.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any

import orjson

_DIGEST_KEY = b',"digest":"crc32:'
_DIGEST_LEN = 8
_PLACEHOLDER = b"0" * _DIGEST_LEN
_HEAD = b'{\n"meta": {\n"1": {'


class LayoutError(ValueError):
    """A sealed file whose lines do not follow the layout (only a forged digest gets here)."""


def _record_bytes(value: Any) -> bytes:
    return orjson.dumps(value)


def serialize(data: Mapping[str, Any]) -> bytes:
    """The file's bytes for ``data`` ({table: {id: record}}), sealed with its digest.

    Tables come in the order given; record 1 of ``meta`` comes first and carries the
    digest. What a lazily read table did not change is copied byte for byte.
    Raises TypeError or ValueError (orjson's) for what JSON cannot hold.
    """
    meta = data["meta"]
    first = {k: v for k, v in meta["1"].items() if k != "digest"}
    sealed = _record_bytes(first)[:-1] + _DIGEST_KEY
    head = _HEAD[:-1] + sealed  # everything before the digest's hex digits
    parts: list[bytes | memoryview] = [head, _PLACEHOLDER, b'"}']
    others = [orjson.dumps(k) + b": " + _record_bytes(v) for k, v in meta.items() if k != "1"]
    if others:
        parts.append(b",\n" + b",\n".join(others))
    parts.append(b"\n}")
    for name in data:
        if name == "meta":
            continue
        table = data[name]
        parts.append(b",\n" + orjson.dumps(name) + b": {")
        if isinstance(table, LazyTable):
            body = table.body()
        elif isinstance(table, Mapping):
            body = [b",\n".join(orjson.dumps(k) + b": " + _record_bytes(v) for k, v in table.items())]
        else:
            raise LayoutError(f"table {name!r} is not an object")
        if any(body):
            parts += [b"\n", *body, b"\n"]
        parts.append(b"}")
    parts.append(b"\n}\n")
    crc = 0
    for part in parts:  # over the pieces: the file is joined only once, below
        crc = zlib.crc32(part, crc)
    parts[1] = b"%08x" % crc
    return b"".join(parts)


def _digest_at(raw: bytes) -> int | None:
    """Where the digest's hex digits start in a sealed file, or None when it has none."""
    if not raw.startswith(_HEAD):
        return None
    end = raw.find(b"\n", len(_HEAD))
    at = end - _DIGEST_LEN - 2  # the meta line ends: ,"digest":"crc32:<8 hex>"}
    if end < 0 or raw[at - len(_DIGEST_KEY) : at] != _DIGEST_KEY or raw[end - 2 : end] != b'"}':
        return None
    return at


def _table_head(line: bytes) -> tuple[str, bool] | None:
    """A table's first line, ``"tasks": {`` or ``"tasks": {}``: (name, empty), else None."""
    end = line.find(b'"', 1)
    name = line[1:end]
    if not line.startswith(b'"') or not 0 < len(name) <= 32 or not name.replace(b"_", b"a").isalpha():
        return None
    if not name.islower() or not name.isascii():
        return None
    rest = line[end:]
    if rest not in (b'": {', b'": {}'):
        return None
    return name.decode(), rest == b'": {}'


def digest_of(raw: bytes) -> str | None:
    """The seal ``serialize`` wrote into ``raw`` (``"crc32:9f86c1d2"``), or None."""
    at = _digest_at(raw)
    return None if at is None else "crc32:" + raw[at : at + _DIGEST_LEN].decode("ascii")


def verify(raw: bytes) -> bool:
    """Whether ``raw`` is exactly what ``serialize`` wrote (layout head and digest match)."""
    at = _digest_at(raw)
    if at is None:
        return False
    view = memoryview(raw)
    crc = zlib.crc32(view[at + _DIGEST_LEN :], zlib.crc32(_PLACEHOLDER, zlib.crc32(view[:at])))
    return b"%08x" % crc == raw[at : at + _DIGEST_LEN]


def meta_of(raw: bytes) -> dict[str, Any] | None:
    """The meta record of a file in this layout, read from its first record line alone (cheap
    at any size); None when the file does not start so (a hand edit may not). Unchecked."""
    if not raw.startswith(_HEAD):
        return None
    start = len(_HEAD) - 1
    end = raw.find(b"\n", start)
    try:
        meta = orjson.loads(raw[start : end if end >= 0 else len(raw)])
    except orjson.JSONDecodeError:
        return None
    return meta if isinstance(meta, dict) else None


def index(raw: bytes, check: Callable[[str, Any], str | None]) -> dict[str, Any] | None:
    """The tables of a sealed file, each read only when first used; None when not sealed.

    ``check(table, record)`` is called on each record as it is parsed and returns a
    problem or None; a problem raises LayoutError naming the record.
    """
    if not verify(raw) or not raw.endswith(b"\n}\n"):
        return None
    tables: dict[str, Any] = {}
    start, stop = 2, len(raw) - 3  # the tables, without the outer "{\n" and "\n}\n"
    while True:
        newline = raw.find(b"\n", start, stop)
        head = raw[start:stop] if newline < 0 else raw[start:newline]
        table_head = _table_head(head.removesuffix(b","))
        if table_head is None:
            return None
        name, empty = table_head
        if name in tables:
            return None
        if empty:  # an empty table on one line: "members": {}
            tables[name] = LazyTable(name, raw, start, start, check)
            end = start + len(head)
            last = not head.endswith(b",")
        else:
            # A record line starts with '"' and holds no raw newline, so the first
            # line that starts with "}" ends the table.
            close = raw.find(b"\n}", newline, stop)
            if newline < 0 or close < 0 or head.endswith(b","):
                return None
            tables[name] = LazyTable(name, raw, newline + 1, close, check)
            end = close + 2
            last = raw[end : end + 1] != b","
            end += 0 if last else 1
        if last:
            if end != stop:
                return None
            break
        if raw[end : end + 1] != b"\n":
            return None
        start = end + 1
    if "meta" not in tables:
        return None
    return tables


def table_spans(raw: bytes) -> dict[str, tuple[int, int]] | None:
    """Where each table's record lines are in a sealed file, ``raw[start:end]``, by table in the
    file's order; None when ``raw`` is not one (store/patch.py compares two versions of a file
    table by table, line by line)."""
    tables = index(raw, _unchecked)
    return None if tables is None else {name: (table._start, table._end) for name, table in tables.items()}


def spans_in_order(raw: bytes, names: list[str]) -> dict[str, tuple[int, int]] | None:
    """``table_spans(raw)`` for a sealed file expected to hold the tables ``names``, in that
    order (the tables of the version before it); None when it does not hold them so.

    Each table's end is found by the head of the table after it, a search for a needle of
    a dozen bytes that skips through the records, rather than by the first line that starts
    with "}" (the search for those two bytes stops at every line: 0.7 ms at 1,000 tasks,
    9 ms at 10,000, at each version a board read). Only a forged seal can make the two
    differ (a table closed early by hand): the lines read then are not records, and
    store/patch.py reads the file whole.
    """
    if not names or names[0] != "meta" or not raw.endswith(b"\n}\n") or not verify(raw):
        return None
    spans: dict[str, tuple[int, int]] = {}
    start, stop = 2, len(raw) - 3  # the tables, without the outer "{\n" and "\n}\n"
    for i, name in enumerate(names):
        head = orjson.dumps(name) + b": {"
        if not raw.startswith(head, start):
            return None
        after = start + len(head)
        if raw.startswith(b"}", after):  # an empty table on one line: "members": {}
            spans[name] = (start, start)
            end = after + 1
        elif not raw.startswith(b"\n", after):
            return None
        else:
            if i + 1 < len(names):
                close = raw.find(b"\n},\n" + orjson.dumps(names[i + 1]) + b": {", after)
            else:
                close = stop - 2 if raw.startswith(b"\n}", stop - 2) else -1
            if close <= after:
                return None
            spans[name] = (after + 1, close)
            end = close + 2
        if i + 1 == len(names):
            return spans if end == stop else None
        if not raw.startswith(b",\n", end):
            return None
        start = end + 2
    return None


def _unchecked(table: str, record: Any) -> None:
    return None


class LazyTable(MutableMapping[str, Any]):
    """One table of a sealed file, read only as far as it is used.

    A record asked for by id is found with one search of the table's bytes, parsed and
    checked; only iterating the table (or deleting from it) splits all its lines. When
    written back, every line that was not read is copied as it was.
    """

    def __init__(self, name: str, raw: bytes, start: int, end: int, check: Callable[[str, Any], str | None]):
        self.name = name
        self._raw, self._start, self._end = raw, start, end  # the table's record lines: raw[start:end]
        self._spans: dict[str, tuple[int, int]] = {}  # records found so far: where their lines are
        self._added: dict[str, None] = {}  # ids set that the file did not have, in order
        self._lines: list[bytes | None] | None = None  # all lines, once the table has been split
        self._pos: dict[str, int] = {}  # with _lines: record id -> its index there
        self._values: dict[str, Any] = {}  # records parsed (or set) so far
        self._deleted: set[str] = set()
        self._check = check

    # --- finding records without splitting the table ---------------------------------

    def _find(self, key: str) -> tuple[int, int] | None:
        """Where record ``key``'s line is (start, end), or None."""
        span = self._spans.get(key)
        if span is not None or not _canonical(key):
            return span
        raw, start, end = self._raw, self._start, self._end
        needle = b'"' + key.encode() + b'": {'
        if raw.startswith(needle, start, end):
            at = start
        else:
            at = raw.find(b"\n" + needle, start, end)
            if at < 0:
                return None
            at += 1
        stop = raw.find(b",\n", at, end)  # no raw newline inside a line: the next one ends it
        self._spans[key] = span = (at, end if stop < 0 else stop)
        return span

    def _split(self) -> dict[str, int]:
        """Split the table into its lines (once); what was set before keeps its place."""
        if self._lines is None:
            text = self._raw[self._start : self._end]
            lines: list[bytes | None] = list(text.split(b",\n")) if text else []
            keys = re.findall(_ROW_KEYS, b"\n" + text) if text else []
            if len(keys) != len(lines):
                raise LayoutError(f"{self.name}: a line is not a record")
            pos = {key.decode(): i for i, key in enumerate(keys)}
            if len(pos) != len(keys):
                raise LayoutError(f"{self.name}: a record id appears twice")
            for key in self._added:
                pos[key] = len(lines)
                lines.append(b"")
            self._lines, self._pos = lines, pos
        return self._pos

    def containing(self, needle: bytes) -> dict[str, Any]:
        """The records whose line holds ``needle`` (bytes as the file spells them, e.g.
        ``b'"owner":"alice"'``), parsed and checked, without splitting or parsing the rest of
        the table: ``status --brief`` reads one member's tasks of 10,000 so. A line may hold the
        bytes inside a string too: callers check the field of what they get."""
        found: dict[str, Any] = {}
        raw, at, end = self._raw, self._start, self._end
        while (hit := raw.find(needle, at, end)) >= 0:
            line = raw.rfind(b"\n", self._start - 1, hit) + 1  # no raw newline inside a line
            stop = raw.find(b",\n", hit, end)
            close = raw.find(b'"', line + 1, hit)
            if raw[line : line + 1] != b'"' or close < 0:
                raise LayoutError(f"{self.name}: a line is not a record")
            key = raw[line + 1 : close].decode("ascii", "replace")
            if self._lines is None and _canonical(key):
                self._spans.setdefault(key, (line, end if stop < 0 else stop))  # no second search
            found[key] = self[key]
            if stop < 0:
                break
            at = stop + 2
        return found

    def next_id(self) -> int:
        """One more than the largest record id (1 for an empty table), without splitting it."""
        if self._lines is not None:
            return max(map(int, self._pos), default=0) + 1
        found = re.findall(_ROW_KEYS, b"\n" + self._raw[self._start : self._end]) if self._end > self._start else []
        return max((*map(int, found), *map(int, self._added)), default=0) + 1

    # --- the mapping ---------------------------------------------------------------------

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            pass
        if self._lines is not None:
            line = self._lines[self._pos[key]]
            assert line is not None
        else:
            span = self._find(key)
            if span is None:
                raise KeyError(key)
            line = self._raw[span[0] : span[1]]
        try:
            value = orjson.loads(line[len(key) + 4 :])  # after '"12": '
        except orjson.JSONDecodeError:
            raise LayoutError(f"{self.name} record {key} is not valid JSON") from None
        problem = self._check(self.name, value)
        if problem is not None:
            raise LayoutError(f"{self.name} record {key}: {problem}")
        self._values[key] = value
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        if self._lines is not None:
            if key not in self._pos:
                self._pos[key] = len(self._lines)
                self._lines.append(b"")
        elif key not in self._values and self._find(key) is None:
            self._added[key] = None
        self._values[key] = value

    def insert_in_order(self, key: str, value: Any) -> None:
        """Add a record the table lacks before the first record with a larger id (where it was
        before it was removed), not at the end. Splits the table."""
        pos = self._split()
        assert self._lines is not None and key not in pos
        number = int(key)
        at = min((i for k, i in pos.items() if int(k) > number), default=len(self._lines))
        self._lines.insert(at, b"")
        for k, i in pos.items():
            if i >= at:
                pos[k] = i + 1
        pos[key] = at
        self._values[key] = value

    def __delitem__(self, key: str) -> None:
        at = self._split().pop(key)
        self._lines[at] = None  # type: ignore[index]
        self._values.pop(key, None)
        self._deleted.add(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._split())

    def __len__(self) -> int:
        return len(self._split())

    def __contains__(self, key: object) -> bool:
        if self._lines is not None:
            return key in self._pos
        return key in self._values or (isinstance(key, str) and self._find(key) is not None)

    def apply_to(self, table: dict[str, Any]) -> None:
        """Bring a whole parse of this table's old bytes up to date with what was set or deleted here."""
        table.update(self._values)
        for key in self._deleted:
            table.pop(key, None)

    def body(self) -> list[bytes | memoryview]:
        """The table's record lines for writing, in pieces: unread ones as they were, the rest afresh."""
        values = self._values
        if self._lines is not None:
            lines = list(self._lines)
            for key, value in values.items():
                lines[self._pos[key]] = b'"' + key.encode() + b'": ' + _record_bytes(value)
            return [b",\n".join(line for line in lines if line is not None)]
        raw = memoryview(self._raw)
        pieces: list[bytes | memoryview] = []
        at = self._start
        for key, (start, stop) in sorted(self._spans.items(), key=lambda item: item[1]):
            if key in values:
                pieces += [raw[at:start], b'"' + key.encode() + b'": ' + _record_bytes(values[key])]
                at = stop
        pieces.append(raw[at : self._end])
        added = [b'"' + key.encode() + b'": ' + _record_bytes(values[key]) for key in self._added]
        if added:
            pieces.append((b",\n" if self._end > self._start else b"") + b",\n".join(added))
        return pieces


def _canonical(key: object) -> bool:
    """A record id as the file spells it: 1 to 999999999, ASCII digits, no leading zero."""
    return isinstance(key, str) and 0 < len(key) <= 9 and key.isascii() and key.isdigit() and key[0] != "0"


# Every line but the first follows ",\n"; a record line holds no raw newline. (A pattern
# string, compiled by re's cache on first use: a write that only updates never needs it.)
_ROW_KEYS = rb'\n"([1-9][0-9]{0,8})": \{'
