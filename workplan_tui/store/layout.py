"""The file's layout: one record per line, sealed with a digest, read lazily.

A partnership file as workplan writes it (schema 2)::

    {
    "meta": {
    "1": {"schema_version":2,"name":"Food access",...,"digest":"sha256:9f86..."}
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

The digest (SHA-256 of the file with the digest's own 64 hex digits read as zeros)
says the bytes are exactly what workplan wrote. Only then does the fast path trust
the layout: a write indexes the lines of the tables it uses, parses only the records
it reads (each checked as it is parsed) and copies every other line as it was, so a
write costs the same whatever the file holds. A file without a matching digest (a
hand edit, a merge by another tool, schema 1) takes the slow path: parsed whole,
every record checked, duplicate keys refused. The digest guards against accidents,
not against a member who forges one: such a file still never reaches a record
unchecked on the write path, and the board checks everything it reads.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any

import orjson

_DIGEST_KEY = b',"digest":"sha256:'
_DIGEST_LEN = 64
_PLACEHOLDER = b"0" * _DIGEST_LEN
_HEAD = b'{\n"meta": {\n"1": {'
# A table's first line: "tasks": {   (or "tasks": {}, for an empty one)
_TABLE_HEAD = re.compile(rb'"([a-z_]{1,32})": \{(\})?\Z')


class LayoutError(ValueError):
    """A sealed file whose lines do not follow the layout (only a forged digest gets here)."""


def _record_bytes(value: Any) -> bytes:
    return orjson.dumps(value)


def serialize(data: Mapping[str, Any]) -> bytes:
    """The file's bytes for ``data`` ({table: {id: record}}), sealed with its digest.

    Tables come in the order given; record 1 of ``meta`` comes first and carries the
    digest. Lazily read tables that were never touched are copied byte for byte.
    Raises orjson.JSONEncodeError for what JSON cannot hold.
    """
    meta = data["meta"]
    first = {k: v for k, v in meta["1"].items() if k != "digest"}
    sealed = _record_bytes(first)[:-1] + _DIGEST_KEY + _PLACEHOLDER + b'"}'
    parts = [b"{"]
    names = list(data)
    names.remove("meta")
    names.insert(0, "meta")
    for n, name in enumerate(names):
        table = data[name]
        comma = b"," if n < len(names) - 1 else b""
        head = orjson.dumps(name) + b": {"
        if name == "meta":
            rows = [b'"1": ' + sealed]
            rows.extend(orjson.dumps(k) + b": " + _record_bytes(v) for k, v in meta.items() if k != "1")
        elif isinstance(table, LazyTable):
            verbatim = table.verbatim()
            if verbatim is not None:
                parts.append(verbatim + comma)
                continue
            rows = table.rows()
        elif isinstance(table, Mapping):
            rows = [orjson.dumps(k) + b": " + _record_bytes(v) for k, v in table.items()]
        else:
            raise LayoutError(f"table {name!r} is not an object")
        if not rows:
            parts.append(head + b"}" + comma)
            continue
        parts.append(head + b"\n" + b",\n".join(rows) + b"\n}" + comma)
    payload = bytearray(b"\n".join(parts) + b"\n}\n")
    at = len(_HEAD) - 1 + len(sealed) - 2 - _DIGEST_LEN  # meta's line comes first and ends with it
    payload[at : at + _DIGEST_LEN] = hashlib.sha256(payload).hexdigest().encode()
    return bytes(payload)


def _digest_at(raw: bytes) -> int | None:
    """Where the digest's hex digits start in a sealed file, or None when it has none."""
    if not raw.startswith(_HEAD):
        return None
    end = raw.find(b"\n", len(_HEAD))
    at = end - _DIGEST_LEN - 2  # the meta line ends: ,"digest":"sha256:<64 hex>"}
    if end < 0 or raw[at - len(_DIGEST_KEY) : at] != _DIGEST_KEY or raw[end - 2 : end] != b'"}':
        return None
    return at


def verify(raw: bytes) -> bool:
    """Whether ``raw`` is exactly what ``serialize`` wrote (layout head and digest match)."""
    at = _digest_at(raw)
    if at is None:
        return False
    found = raw[at : at + _DIGEST_LEN]
    digest = hashlib.sha256()
    view = memoryview(raw)
    digest.update(view[:at])
    digest.update(_PLACEHOLDER)
    digest.update(view[at + _DIGEST_LEN :])
    return digest.hexdigest().encode() == found


def index(raw: bytes, check: Callable[[str, Any], str | None]) -> dict[str, Any] | None:
    """The tables of a sealed file, each read only when first used; None when not sealed.

    ``check(table, record)`` is called on each record as it is parsed and returns a
    problem or None; a problem raises LayoutError naming the record.
    """
    if not verify(raw) or not raw.endswith(b"\n}\n"):
        return None
    tables: dict[str, Any] = {}
    body = raw[2:-3]  # without the outer "{\n" and "\n}\n"
    start = 0
    while True:
        newline = body.find(b"\n", start)
        head = body[start:] if newline < 0 else body[start:newline]
        match = _TABLE_HEAD.match(head.removesuffix(b","))
        if match is None:
            return None
        name = match[1].decode()
        if name in tables:
            return None
        if match[2]:  # an empty table on one line: "members": {}
            tables[name] = LazyTable(name, b"", check)
            end = start + len(head)
            last = not head.endswith(b",")
        else:
            # A record line starts with '"' and holds no raw newline, so the first
            # line that starts with "}" ends the table.
            close = body.find(b"\n}", newline)
            if newline < 0 or close < 0 or head.endswith(b","):
                return None
            tables[name] = LazyTable(name, body[newline + 1 : close], check)
            end = close + 2
            last = body[end : end + 1] != b","
            end += 0 if last else 1
        if last:
            if end != len(body):
                return None
            break
        if body[end : end + 1] != b"\n":
            return None
        start = end + 1
    if "meta" not in tables:
        return None
    return tables


class LazyTable(MutableMapping[str, Any]):
    """One table of a sealed file: its lines split into records on first use, each
    record parsed (and checked) on first read. Untouched, it is written back as it was."""

    def __init__(self, name: str, rows: bytes, check: Callable[[str, Any], str | None]):
        self.name = name
        self._text = rows
        self._lines: list[bytes | None] | None = None  # each record's whole line, in file order
        self._pos: dict[str, int] = {}  # record id -> its index in _lines
        self._values: dict[str, Any] = {}  # records parsed (or set) so far
        self._check = check

    def _index(self) -> dict[str, int]:
        if self._lines is None:
            lines: list[bytes | None] = list(self._text.split(b",\n")) if self._text else []
            keys = _ROW_KEYS.findall(b"\n" + self._text) if self._text else []
            if len(keys) != len(lines):
                raise LayoutError(f"{self.name}: a line is not a record")
            self._pos = {key.decode(): i for i, key in enumerate(keys)}
            if len(self._pos) != len(keys):
                raise LayoutError(f"{self.name}: a record id appears twice")
            self._lines = lines
        return self._pos

    def verbatim(self) -> bytes | None:
        """The table's lines exactly as read, or None once it has been looked into."""
        if self._lines is not None:
            return None
        head = orjson.dumps(self.name) + b": {"
        return head + b"}" if not self._text else head + b"\n" + self._text + b"\n}"

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            pass
        at = self._index()[key]
        line = self._lines[at]  # type: ignore[index]
        assert line is not None
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
        pos = self._index()
        if key not in pos:
            assert self._lines is not None
            pos[key] = len(self._lines)
            self._lines.append(b"")
        self._values[key] = value

    def __delitem__(self, key: str) -> None:
        at = self._index().pop(key)
        self._lines[at] = None  # type: ignore[index]
        self._values.pop(key, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._index())

    def __len__(self) -> int:
        return len(self._index())

    def __contains__(self, key: object) -> bool:
        return key in self._index()

    def rows(self) -> list[bytes]:
        """Each record's line: as read when never parsed, else serialized afresh."""
        pos = self._index()
        lines = list(self._lines or ())
        for key, value in self._values.items():
            lines[pos[key]] = b'"' + key.encode() + b'": ' + _record_bytes(value)
        return [line for line in lines if line is not None]


# Every line but the first follows ",\n"; a record line holds no raw newline.
_ROW_KEYS = re.compile(rb'\n"([1-9][0-9]{0,8})": \{')
