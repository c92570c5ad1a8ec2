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
    unknown fields and tables included), its records, and its record lines by table
    (``layout.record_lines``). Never changed in place: a newer version shares what it can."""

    payload: bytes
    data: dict[str, Any]
    workplan: Workplan
    lines: dict[str, list[bytes]]


def version_of(payload: bytes, data: dict[str, Any], workplan: Workplan) -> Version | None:
    """The version of a file read whole (``data`` its parse, ``workplan`` its records, both
    checked), or None when the file is not sealed (it cannot be compared line by line)."""
    lines = layout.record_lines(payload)
    if lines is None or list(lines) != list(data) or any(len(lines[t]) != len(data[t]) for t in lines):
        return None  # not sealed, or a key repeated in a table (the parse kept one of them)
    return Version(payload, data, workplan, lines)


def advance(old: Version, payload: bytes) -> Version | None:
    """The version of the file in ``payload``, built from ``old`` by what differs; None when
    it cannot be (see the module's docstring): read it whole instead.

    The result is exactly what reading ``payload`` whole gives (the same tables, records and
    orders, every record checked as a whole read checks it), with every record whose line
    did not change shared with ``old``."""
    lines = layout.record_lines(payload)
    if lines is None or list(lines) != list(old.lines):
        return None
    data = dict(old.data)
    updates: dict[str, dict[str, Any]] = {}
    orders: dict[str, list[str]] = {}
    for name, after in lines.items():
        before = old.lines[name]
        if after == before:
            continue
        table = _advance_table(old.data[name], before, after)
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
    return Version(payload, data, workplan, lines)


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


def _advance_table(
    stored: dict[str, Any], before: list[bytes], after: list[bytes]
) -> tuple[dict[str, Any], dict[str, Any], list[str] | None] | None:
    """One table from its lines ``before`` (parsed as ``stored``) to its lines ``after``:
    (the table as stored now, {key: record as stored, or None where removed}, every key in
    order when records were added elsewhere than at the end, else None); None when it
    cannot be read so."""
    # The lines both versions begin and end with are the same records: only the middle differs.
    top = 0
    for old_line, new_line in zip(before, after, strict=False):
        if old_line != new_line:
            break
        top += 1
    bottom = 0
    most = min(len(before), len(after)) - top
    while bottom < most and before[-1 - bottom] == after[-1 - bottom]:
        bottom += 1
    old_middle = before[top : len(before) - bottom]
    new_middle = after[top : len(after) - bottom]
    if len(new_middle) > len(after) // 2 + 100:
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
    if new_keys != kept + added or (added and bottom):  # records added between others (an undone removal)
        keys = list(stored)
        order = [*keys[:top], *new_keys, *keys[len(keys) - bottom :]]
        if len(order) != len(table):
            return None
        table = {key: table[key] for key in order}
    if len(table) != len(after):
        return None  # a key repeated
    return table, updates, order
