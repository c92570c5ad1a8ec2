"""A newer version of the file, read by what changed in it: the lines of the records that differ.

workplan writes one record per line and copies every line a write leaves alone byte for
byte (store/layout.py). Two sealed versions of the file therefore differ exactly in the
lines of the records that changed, were added or were removed. A board that holds one
version (its bytes, their parse, the records built from them) reads the next by comparing
the two line by line: only the lines that differ are parsed and checked, and every other
record is shared, as the same object, with the version it holds. So a partner's write
costs an open board about what the write changed, not a parse and a check of the whole
file; and since an unchanged record is the very same object, the board can tell what to
redraw by identity (ui/screens/board.py).

What cannot be read so is read whole, as before: a file that is not sealed (a hand edit,
an older workplan, a merge by another tool), another schema version, tables added,
removed or reordered, a record's line repeated, more than about half a table changed
(parsing it whole is cheaper then), or anything the checks refuse (the whole read then
says what is wrong).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import orjson

from workplan_tui.model import schema
from workplan_tui.model.records import Workplan
from workplan_tui.store import layout


class Version(NamedTuple):
    """One version of a sealed file as a board holds it: its bytes, their parse (as stored,
    unknown fields and tables included), its records, and where each table's record lines
    are in the bytes (``layout.table_spans``). Never changed in place: a newer version shares
    what it can."""

    payload: bytes
    data: dict[str, Any]
    workplan: Workplan
    spans: dict[str, tuple[int, int]]


def version_of(payload: bytes, data: dict[str, Any], workplan: Workplan) -> Version | None:
    """The version of a file read whole (``data`` its parse, ``workplan`` its records, both
    checked), or None when the file is not sealed (it cannot be compared line by line)."""
    spans = layout.table_spans(payload)
    if spans is None or list(spans) != list(data):
        return None
    for name, (start, end) in spans.items():
        if (payload.count(b",\n", start, end) + 1 if end > start else 0) != len(data[name]):
            return None  # a key repeated in a table (the parse kept one of them)
    return Version(payload, data, workplan, spans)


def advance(old: Version, payload: bytes) -> Version | None:
    """The version of the file in ``payload``, built from ``old`` by what differs; None when
    it cannot be (see the module's docstring): read it whole instead.

    The result is exactly what reading ``payload`` whole gives (the same tables, records and
    orders, every record checked as a whole read checks it), with every record whose line
    did not change shared with ``old``."""
    spans = layout.spans_in_order(payload, list(old.spans)) or layout.table_spans(payload)
    if spans is None or list(spans) != list(old.spans):
        return None
    data = dict(old.data)
    updates: dict[str, dict[str, Any]] = {}
    orders: dict[str, list[str]] = {}
    for name, (start, end) in spans.items():
        was = old.spans[name]
        if was[1] - was[0] == end - start and payload.startswith(memoryview(old.payload)[was[0] : was[1]], start):
            continue  # the table's lines, byte for byte
        table = _advance_table(old.data[name], old.payload, was, payload, (start, end))
        if table is None:
            return None
        data[name], updates[name], order = table
        if order is not None:
            orders[name] = order
    meta = data["meta"].get("1")
    if not isinstance(meta, dict) or meta.get("schema_version") != old.data["meta"]["1"]["schema_version"]:
        return None  # a schema change: read whole, with its own rules
    try:
        workplan = schema.patch(old.workplan, updates, orders) if updates else old.workplan
    except schema.SchemaError:
        return None
    return Version(payload, data, workplan, spans)


def _key(line: bytes) -> str | None:
    """The key a record line starts with (``"12": {``), or None."""
    end = line.find(b'"', 1)
    if not line.startswith(b'"') or end < 0 or not line.startswith(b'": {', end):
        return None
    try:
        return line[1:end].decode("ascii")
    except UnicodeDecodeError:
        return None


def _keys(lines: list[bytes]) -> list[str] | None:
    """The keys of record lines, or None when a line does not start as a record's."""
    keys = [_key(line) for line in lines]
    return None if None in keys else keys  # type: ignore[return-value]


_BLOCK = 1 << 16  # bytes compared at a time while looking for the first difference


def _same_start(old: bytes, new: bytes, most: int) -> int:
    """How many bytes ``old`` and ``new`` begin with alike (at most ``most``): compared a block
    at a time, then halved within the block that differs (memcmp, no copies)."""
    view, done = memoryview(old), 0
    while done < most:
        size = min(_BLOCK, most - done)
        if new.startswith(view[done : done + size], done):
            done += size
            continue
        low, high = 0, size  # low bytes of the block match, high do not
        while high - low > 1:
            mid = (low + high) // 2
            low, high = (mid, high) if new.startswith(view[done : done + mid], done) else (low, mid)
        return done + low
    return done


def _same_end(old: bytes, new: bytes, most: int) -> int:
    """How many bytes ``old`` and ``new`` end with alike (at most ``most``)."""
    view, done, old_end, new_end = memoryview(old), 0, len(old), len(new)
    while done < most:
        size = min(_BLOCK, most - done)
        if new.endswith(view[old_end - done - size : old_end - done], 0, new_end - done):
            done += size
            continue
        low, high = 0, size
        while high - low > 1:
            mid = (low + high) // 2
            same = new.endswith(view[old_end - done - mid : old_end - done], 0, new_end - done)
            low, high = (mid, high) if same else (low, mid)
        return done + low
    return done


def _lines(text: bytes) -> list[bytes]:
    return text.split(b",\n") if text else []


def _advance_table(
    stored: dict[str, Any],
    old_payload: bytes,
    old_span: tuple[int, int],
    payload: bytes,
    span: tuple[int, int],
) -> tuple[dict[str, Any], dict[str, Any], list[str] | None] | None:
    """One table from its lines in ``old_payload[old_span]`` (parsed as ``stored``) to its lines
    in ``payload[span]``: (the table as stored now, {key: record as stored, or None where
    removed}, every key in order when records were added elsewhere than at the end, else
    None); None when it cannot be read so."""
    old = old_payload[old_span[0] : old_span[1]]
    new = payload[span[0] : span[1]]
    # The lines both versions begin and end with are the same records: only the middle differs.
    same = _same_start(old, new, min(len(old), len(new)))
    at = old.rfind(b",\n", 0, same)
    begin = at + 2 if at >= 0 else 0  # the start of the line the first difference is in
    tail = _same_end(old, new, min(len(old), len(new)) - begin)
    cut = old.find(b",\n", len(old) - tail)  # the end of the last line that differs
    old_end = len(old) if cut < 0 else cut
    new_end = old_end + len(new) - len(old)
    old_middle, new_middle = _lines(old[begin:old_end]), _lines(new[begin:new_end])
    count = len(stored) - len(old_middle) + len(new_middle)  # lines in the new table (stored: one per line)
    if len(new_middle) > count // 2 + 100:
        return None  # most of the table: a whole read is cheaper
    old_keys, new_keys = _keys(old_middle), _keys(new_middle)
    if old_keys is None or new_keys is None or len(set(new_keys)) != len(new_keys):
        return None
    unchanged = set(old_middle) & set(new_middle)
    if [line for line in old_middle if line in unchanged] != [line for line in new_middle if line in unchanged]:
        return None  # records moved: not a write of workplan's
    removed = set(old_keys) - set(new_keys)
    added = [key for key in new_keys if key not in set(old_keys)]
    if any(key in stored for key in added):
        return None  # a key the table already holds on a line that did not change: twice in the file
    updates: dict[str, Any] = {key: None for key in removed}
    for key, line in zip(new_keys, new_middle, strict=True):
        if line in unchanged:
            continue
        try:
            updates[key] = orjson.loads(line[len(key) + 4 :])  # after '"12": '
        except orjson.JSONDecodeError:
            return None
    table = dict(stored)
    for key, value in updates.items():
        if value is None:
            del table[key]
        else:
            table[key] = value
    kept = [key for key in old_keys if key not in removed]
    order = None
    if new_keys != kept + added or (added and old_end < len(old)):  # added between others (an undone removal)
        top = old.count(b",\n", 0, begin)  # the lines before the middle, and after it
        bottom = old.count(b",\n", old_end) if old_end < len(old) else 0
        keys = list(stored)
        order = [*keys[:top], *new_keys, *keys[len(keys) - bottom :]]
        if len(order) != len(table):
            return None
        table = {key: table[key] for key in order}
    if len(table) != count:
        return None  # a key repeated
    return table, updates, order
