"""Property-based hand edits: a sound partnership file, changed the way a careless or hostile member would.

Every example starts from the file ``tests.conftest.seed`` writes, applies a few edits (replace, delete, add
or rename a key, retype a table, swap two records' fields, clone a record under an odd id, forge an activity
entry, splice a raw literal or a second copy of a key into the text, truncate it, add stray bytes) and then
runs every command on it. The promise under test:

    every command gives a result or one clear line on stderr; never a traceback; never a write over an
    unsound file (the bytes on disk are unchanged whenever the file was unsound).

A file the store accepts must also survive the model layer the board uses, and every write must leave a
file that is still sound, with every record and field it had.

The bugs it found are kept as minimal cases (FOUND below): explicit examples of both properties, and one
test each that runs just the command that used to fail.

    FUZZ_EXAMPLES=2000 pytest tests/unit/test_fuzz_hand_edits.py   # hunt longer
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeAlias

import orjson
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from tests.clock import iso_day
from tests.conftest import FIXED_NOW, log_of, make_store, seed
from workplan_tui.cli.main import cli
from workplan_tui.exchange import csv_export, ics, markdown
from workplan_tui.exchange import report as meeting_report
from workplan_tui.model import dates, importing, overview, resources, rules, schema
from workplan_tui.model.records import (
    PLAN_STATUSES,
    POSITIONS,
    ROLES,
    RULES,
    STAGES,
    TASK_STATUSES,
    Workplan,
)
from workplan_tui.model.text import clean, short, stamp
from workplan_tui.store import actions
from workplan_tui.store.storage import StoreError
from workplan_tui.store.store import Store

Json: TypeAlias = Any
JsonPath: TypeAlias = tuple[str | int, ...]

# Examples per test; FUZZ_EXAMPLES raises it for a bug hunt (the default run: about 35 s of
# CPU, which keeps the whole suite under 4 minutes on 2 cores).
CLI_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "18"))
MODEL_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "45"))
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=True,
)

FILE_NAME = "workplan.json"
TODAY = FIXED_NOW.date()
USER = "alice"
RAW = "@@fuzz-raw-literal-7f3a@@"  # a placeholder string, replaced by a raw JSON literal in the text
TRACEBACK = "Traceback"
# What must never reach a terminal from stored text: C0/C1 controls (other than newline) and bidi overrides.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# --- the starting file ------------------------------------------------------------------------------------


@functools.cache
def template() -> bytes:
    """The sound seed file's bytes as schema 1 wrote them: indented, the activity log inside.

    Built once per session in a folder of its own. Schema 1 keeps every hand edit in one
    file (a forged log entry is an edit like any other), and every write that lands also
    moves the log to its side file: the migration is fuzzed with everything else.
    """
    folder = Path(tempfile.mkdtemp(prefix="workplan-fuzz-seed-"))
    try:
        path = seed(folder / FILE_NAME)
        # Resources (issue 13), set up by bob so that alice's last change stays LAST_LOG below:
        # a currency, a grant, a valued and an in-kind pledge towards it, a delivery.
        bob = make_store(path, "bob")
        actions.set_currency(bob, "USD")
        actions.add_grant(bob, "PARKS", "FOOD", 5000, "1:1", "Soil")
        actions.pledge(bob, "FOOD", ("cash", "Match", 2500, None, None, 1))
        actions.pledge(bob, "FOOD", ("volunteers", "Crew", None, 100, 25, 1))
        actions.deliver(bob, "FOOD", "1", "$500", on=iso_day(-8), note="first")
        # Meetings (issue 30): a past one with attendance, a debrief owed, a decision and an action item.
        actions.add_meeting(bob, "Kick-off", iso_day(-9), time="14:00", facilitator="bob", alternate="carol")
        actions.attend(bob, 1, "bob", "present")
        actions.attend(bob, 1, "carol", "apologies", sent=f"{iso_day(-10)}T17:00:00Z")
        actions.decide(bob, 1, "Gardens go ahead", about="P1")
        actions.add_task(bob, 1, "Write it up", owner="bob", meeting=1)
        data = json.loads(path.read_bytes())
        meta = data["meta"]["1"]
        meta["schema_version"] = 1
        del meta["history"], meta["digest"]
        data["activity"] = {str(e.pop("id")): e for e in log_of(path)}
        return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def partnership_file(payload: bytes) -> Iterator[Path]:
    """A fresh folder holding only ``payload`` as the partnership file (removed afterwards)."""
    folder = Path(tempfile.mkdtemp(prefix="workplan-fuzz-"))
    try:
        path = folder / FILE_NAME
        path.write_bytes(payload)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- edits ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Set:
    """Put ``value`` at ``path`` (replaces a value, or adds a key when the last step is new)."""

    path: JsonPath
    value: Json


@dataclass(frozen=True)
class Delete:
    """Remove the key or list entry at ``path``."""

    path: JsonPath


@dataclass(frozen=True)
class Rename:
    """Give the entry ``old`` of the object at ``path`` the key ``new`` (replacing any entry there)."""

    path: JsonPath
    old: str
    new: str


@dataclass(frozen=True)
class Clone:
    """Copy the record ``old`` of the object at ``path`` to the key ``new``."""

    path: JsonPath
    old: str
    new: str


@dataclass(frozen=True)
class Swap:
    """Swap one field (or, with ``field=None``, the whole records) between two records of a table."""

    table: str
    first: str
    second: str
    field: str | None


@dataclass(frozen=True)
class Literal:
    """Write ``text`` verbatim (a raw JSON literal, valid or not) as the value at ``path``."""

    path: JsonPath
    text: str


@dataclass(frozen=True)
class DuplicateKey:
    """Add a second ``"key": value`` to the object at ``path`` in the text (JSON parsers keep the last)."""

    path: JsonPath
    key: str
    value: Json


@dataclass(frozen=True)
class Truncate:
    """Cut the file after ``size`` bytes."""

    size: int


@dataclass(frozen=True)
class Splice:
    """Insert ``data`` at byte ``at`` (a BOM, NUL, invalid UTF-8, CRLF, trailing garbage ...)."""

    at: int
    data: bytes


@dataclass(frozen=True)
class Format:
    """How the edited data is written: workplan's own layout, or another editor's."""

    indent: int | None = 2
    ensure_ascii: bool = False
    workplan_layout: bool = True


DataEdit: TypeAlias = Set | Delete | Rename | Clone | Swap | Literal | DuplicateKey
ByteEdit: TypeAlias = Truncate | Splice


@dataclass(frozen=True)
class HandEdit:
    """Edits to the data, the layout they are saved in, then edits to the saved bytes."""

    edits: tuple[DataEdit, ...] = ()
    layout: Format = Format()
    byte_edits: tuple[ByteEdit, ...] = ()

    def payload(self) -> bytes:
        """The bytes of the edited file."""
        return apply_byte_edits(serialise(apply_edits(json.loads(template()), self.edits), self.layout), self)


def _parent(data: Json, path: JsonPath) -> Json:
    """The container that holds the value at ``path``."""
    node = data
    for step in path[:-1]:
        node = node[step]
    return node


def _node(data: Json, path: JsonPath) -> Json:
    """The value at ``path``."""
    node = data
    for step in path:
        node = node[step]
    return node


def _marker(n: int) -> str:
    """The ``n``-th placeholder string of one hand edit."""
    return f"{RAW}{n}"


def apply_edits(data: Json, edits: tuple[DataEdit, ...]) -> Json:
    """The data after ``edits``; raw literals and duplicate keys are left as placeholders for ``serialise``."""
    raws: list[tuple[str, str]] = []
    for edit in edits:
        if isinstance(edit, Set):
            if not edit.path:
                data = copy.deepcopy(edit.value)
                continue
            _parent(data, edit.path)[edit.path[-1]] = copy.deepcopy(edit.value)
        elif isinstance(edit, Delete):
            del _parent(data, edit.path)[edit.path[-1]]
        elif isinstance(edit, Rename):
            table = _node(data, edit.path)
            table[edit.new] = table.pop(edit.old)
        elif isinstance(edit, Clone):
            table = _node(data, edit.path)
            table[edit.new] = copy.deepcopy(table[edit.old])
        elif isinstance(edit, Swap):
            table = data[edit.table]
            a, b = table[edit.first], table[edit.second]
            if edit.field is None:
                table[edit.first], table[edit.second] = b, a
            else:
                missing = object()
                va, vb = a.get(edit.field, missing), b.get(edit.field, missing)
                for record, value in ((a, vb), (b, va)):
                    if value is missing:
                        record.pop(edit.field, None)
                    else:
                        record[edit.field] = value
        elif isinstance(edit, Literal):
            marker = _marker(len(raws))
            raws.append((json.dumps(marker), edit.text))
            if not edit.path:
                data = marker
            else:
                _parent(data, edit.path)[edit.path[-1]] = marker
        elif isinstance(edit, DuplicateKey):
            marker = _marker(len(raws))
            # The placeholder pair "marker": "marker" becomes "key": value in the text.
            _node(data, edit.path)[marker] = marker
            pair = f"{json.dumps(marker)}: {json.dumps(marker)}"
            raws.append((pair, f"{json.dumps(edit.key)}: {json.dumps(edit.value)}"))
    return RawData(data, raws) if raws else data


@dataclass
class RawData:
    """Data whose text needs placeholders replaced by raw text after serialising."""

    data: Json
    raws: list[tuple[str, str]]


def serialise(data: Json, layout: Format) -> bytes:
    """The data as a hand-edited file would hold it."""
    raws: list[tuple[str, str]] = []
    if isinstance(data, RawData):
        data, raws = data.data, data.raws
    text: str | None = None
    if layout.workplan_layout:
        try:
            text = orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"
        except (orjson.JSONEncodeError, TypeError):
            text = None  # e.g. an integer beyond 64 bits: another editor wrote it
    if text is None:
        # separators with a space after ':' keep the placeholder pairs findable in any layout
        text = json.dumps(data, indent=layout.indent, ensure_ascii=layout.ensure_ascii, separators=(",", ": "))
    for placeholder, raw in raws:
        text = text.replace(placeholder, raw, 1)
    return text.encode("utf-8", errors="surrogatepass")


def apply_byte_edits(payload: bytes, hand_edit: HandEdit) -> bytes:
    """The saved bytes after ``hand_edit.byte_edits``."""
    for edit in hand_edit.byte_edits:
        if isinstance(edit, Truncate):
            payload = payload[: edit.size]
        else:
            at = min(edit.at, len(payload))
            payload = payload[:at] + edit.data + payload[at:]
    return payload


# --- strategies -------------------------------------------------------------------------------------------


class Repeated(str):
    """A long string that hypothesis reports briefly ('y' * 10001), so failing examples stay readable."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"{self[:1]!r} * {len(self)}"


HOSTILE_TEXT = [
    "",
    " ",
    "\n",
    "bob\n",
    "alice\n",
    " alice",
    "\x1b[2J\x1b[H",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x1b[31mred",
    "\u202eevil\u202c",
    "\u2066x\u2069",
    "\u2028",
    "\x00",
    "\x7f",
    "\x85",
    "\t",
    "\r\n",
    "\ud800",
    "²",
    "١",
    "T²",
    "P١",
    Repeated("x" * 201),
    Repeated("y" * 10_001),
    "[red]markup[/red]",
    "{}",
    "null",
]
DATE_LIKE = [
    "2026-11-28",
    "2026-11-27",
    "2026-12-01",
    "2025-01-01",
    "2026-13-45",
    "9999-99-99",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "2026-11-28\n",
    "2026-11-28T09:30:00Z",
    "2026-11-28T09:30:00.123456Z",
    "9999-12-31T23:59:59Z",
    "0000-00-00T00:00:00Z",
    "2026-99-99T99:99:99Z",
    "1970-01-01T00:00:00Z",
    "2026-11-28 09:30",
]
WORDS = [
    *STAGES,
    *ROLES,
    *PLAN_STATUSES,
    *RULES,
    *POSITIONS,
    *TASK_STATUSES,
    "alice",
    "bob",
    "carol",
    "dave",
    "PARKS",
    "FOOD",
    "parks",
    "staff",
    "cash",
    "T1",
    "T2",
    "T9",
    "P1",
    "P2",
    "O1",
    "N1",
    "T01",
    "P",
    "Pxyz",
    "partnership",
    "partner PARKS",
    "partner GONE",
    "member bob",
    "vote",
    "undo",
    "task.edit",
    "task.add",
    "plan.propose",
]
NUMBERS = [
    0,
    1,
    -1,
    2,
    3,
    4,
    9,
    100,
    101,
    -0.0,
    0.5,
    1.0,
    99.9,
    5e-324,
    1e15,
    -1e15,
    1e15 + 0.125,
    10**15,
    10**15 + 1,
    999_999_999,
    1_000_000_000,
    2**53,
    2**63,
    2**64,
    -(2**63) - 1,
    10**30,
    1e308,
    -1e308,
]
ID_KEYS = ["0", "01", "-1", "1.0", "١", "²", " 1", "1 ", "\n1", "+1", "1e0", "0x1", "", "9999999999", "999999999"]
ID_KEYS += ["1", "2", "3", "4", "5", "10", "T1"]
RAW_LITERALS = [
    "1e400",
    "-1e400",
    "NaN",
    "Infinity",
    "-0",
    "-0.0",
    "1.0",
    "1E2",
    "1.0000000000000000001",
    "123456789012345678901234567890",
    "18446744073709551615",
    "-9223372036854775809",
    '"\\ud800"',
    '"\\u0000"',
    '"\\u001b[2J"',
    "tru",
    "01",
    "'single'",
    '"unterminated',
    "[" * 300 + "]" * 300,
    "[" * 40 + "]" * 40,
    "{}",
]
STRAY_BYTES = [
    b"\xef\xbb\xbf",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\r\n",
    b"\n}",
    b"}",
    b",",
    b"x",
    b" ",
    b"\n\n",
    b"// comment\n",
    b"\x1b[2J",
]
TABLE_NAMES = [*schema.TABLES, "extra", "Tasks"]
RETYPED: list[Json] = [[], [{}], "", "tasks", None, 0, True, {}, {"1": None}, {"1": []}]  # what a table becomes
RARELY = st.sampled_from([False] * 14 + [True])  # about one in fifteen (st.booleans() would be one in two)


def scalars() -> st.SearchStrategy[Json]:
    """Any JSON scalar, with a bias to values that hit limits or look almost right."""
    return st.one_of(
        st.none(),
        st.booleans(),
        st.sampled_from(NUMBERS),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(DATE_LIKE),
        st.sampled_from(WORDS),
        st.text(max_size=12),
    )


def _nest(inner: st.SearchStrategy[Json]) -> st.SearchStrategy[Json]:
    """Lists and objects of ``inner`` (a named function: hypothesis misreads this lambda)."""
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)


def json_values() -> st.SearchStrategy[Json]:
    """Any JSON value (nested lists and objects of scalars)."""
    return st.recursive(scalars(), _nest, max_leaves=6)


def keys() -> st.SearchStrategy[str]:
    """A key to add or rename to: odd record ids, field names, anything."""
    field_names = sorted({name for fields in schema.FIELDS.values() for name in fields})
    return st.one_of(st.sampled_from(ID_KEYS), st.sampled_from(field_names), st.text(max_size=6))


HANDLES = ["alice", "bob", "carol", "dave", "x.y-z", "_", Repeated("a" * 32)]
TIMESTAMPS = [d for d in DATE_LIKE if "T" in d]
# Values to try in a field: each field gets those its schema check accepts (sound but at the edges).
CANDIDATES: list[Json] = [None, True, False, [], {}, "Beds", "A longer title with words", *NUMBERS]
CANDIDATES += ["USD", "EUR", "usd", "1:1", "1:2", "25%", "0%", "100:0.001", "1:0", "0.25"]  # currencies, match rates
CANDIDATES += [*HOSTILE_TEXT, *DATE_LIKE, *WORDS, *HANDLES]


def _checkin() -> st.SearchStrategy[Json]:
    """An outcome check-in, sound but with edge values."""
    return st.fixed_dictionaries(
        {"value": st.sampled_from(NUMBERS), "by": st.sampled_from(HANDLES), "at": st.sampled_from(TIMESTAMPS)},
        optional={"note": st.sampled_from(HOSTILE_TEXT)},
    )


def _update() -> st.SearchStrategy[Json]:
    """A task update note, sound but with edge values."""
    return st.fixed_dictionaries(
        {"by": st.sampled_from(HANDLES), "at": st.sampled_from(TIMESTAMPS), "text": st.sampled_from(HOSTILE_TEXT)}
    )


def _delivery() -> st.SearchStrategy[Json]:
    """What was delivered of a pledge, sound but with edge values."""
    return st.fixed_dictionaries(
        {
            "amount": st.sampled_from(NUMBERS),
            "on": st.sampled_from([d for d in DATE_LIKE if "T" not in d]),
            "by": st.sampled_from(HANDLES),
            "at": st.sampled_from(TIMESTAMPS),
        },
        optional={"note": st.sampled_from(HOSTILE_TEXT), "hours": st.none() | st.sampled_from(NUMBERS)},
    )


def _contribution() -> st.SearchStrategy[Json]:
    """A partner contribution, sound but with edge values: valued, in kind, not valued; towards a grant."""
    return st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["staff", "cash", "supplies", "services", "maintenance"]),
            "description": st.sampled_from(HOSTILE_TEXT),
        },
        optional={
            "amount": st.none() | st.sampled_from(NUMBERS),
            "hours": st.none() | st.sampled_from(NUMBERS),
            "rate": st.none() | st.sampled_from(NUMBERS),
            "grant": st.none() | st.sampled_from([1, 1, 2, 999_999_999]),
            "deliveries": st.lists(_delivery(), max_size=2),
        },
    )


LIST_FIELDS: dict[str, Callable[[], st.SearchStrategy[Json]]] = {
    "agreed_by": lambda: st.sampled_from(HANDLES),
    "checkins": _checkin,
    "updates": _update,
    "contributions": _contribution,
    "deliveries": _delivery,
}


@functools.cache
def field_values(table: str, name: str) -> st.SearchStrategy[Json]:
    """Values the schema accepts for one field, mostly at the edges (long, odd, far-off, control chars)."""
    check = schema.FIELDS[table][name][0]
    options: list[st.SearchStrategy[Json]] = []
    pool = [v for v in CANDIDATES if check(v) is None]
    if pool:
        options.append(st.sampled_from(pool))
    if name in LIST_FIELDS:
        options.append(st.lists(LIST_FIELDS[name](), max_size=3))
    if name == "changes":
        options.append(st.dictionaries(st.sampled_from(WORDS), st.lists(scalars(), min_size=2, max_size=2)))
    if check("some text") is None:
        options.append(st.text(min_size=1, max_size=20).filter(lambda v: check(v) is None))
    return st.one_of(options) if options else scalars()


def _children(node: Json) -> list[str | int]:
    """The keys or indexes of a container (none for a scalar)."""
    if isinstance(node, dict):
        return list(node)
    if isinstance(node, list):
        return list(range(len(node)))
    return []


def _pick_path(draw: st.DrawFn, data: Json, *, containers_only: bool = False, depth: int | None = None) -> JsonPath:
    """A path to something in ``data``: mostly a record field (depth 3), sometimes above or below."""
    target = depth if depth is not None else draw(st.sampled_from([3, 3, 3, 2, 1, 4, 5]))
    path: list[str | int] = []
    node = data
    while len(path) < target:
        children = _children(node)
        if containers_only:
            children = [c for c in children if isinstance(node[c], dict)]
        if not children:
            break
        step = draw(st.sampled_from(children))
        path.append(step)
        node = node[step]
    return tuple(path)


def _dict_at(data: Json, path: JsonPath) -> dict[str, Json] | None:
    """The object at ``path``, or None when there is none."""
    try:
        node = _node(data, path)
    except (KeyError, IndexError, TypeError):
        return None
    return node if isinstance(node, dict) else None


def _pick_record(draw: st.DrawFn, data: Json) -> tuple[str, str, dict[str, Json]] | None:
    """A record of a known table: (table, key, record), or None when the data has none."""
    if not isinstance(data, dict):
        return None
    tables = [t for t in schema.TABLES if isinstance(data.get(t), dict) and data[t]]
    if not tables:
        return None
    table = draw(st.sampled_from(tables))
    key = draw(st.sampled_from(list(data[table])))
    record = data[table][key]
    return (table, key, record) if isinstance(record, dict) else None


LABELS = {"tasks": "T", "plans": "P", "outcomes": "O", "norms": "N"}


def _record_name(table: str, key: str, record: dict[str, Json]) -> str:
    """How the activity log names a record (what undo looks up)."""
    if table == "meta":
        return "partnership"
    if table == "partners":
        return f"partner {record.get('code')}"
    if table == "members":
        return f"member {record.get('handle')}"
    return f"{LABELS.get(table, '#')}{key}"


@st.composite
def forged_activity(draw: st.DrawFn, data: Json) -> dict[str, Json]:
    """A log entry written by hand, in alice's name and naming a real record: the next undo acts on it.

    Its changes mostly end at the record's current values (so undo accepts them) and start at values the
    schema accepts, or anything at all.
    """
    entry: dict[str, Json] = {
        "at": draw(st.sampled_from(["2026-11-28T09:31:00Z", "2099-01-01T00:00:00Z", "2000-01-01T00:00:00Z"])),
        "member": draw(st.sampled_from([USER, USER, USER, "bob", ""])),
        "kind": draw(st.sampled_from(["task.edit", "outcome.edit", "vote", "partner.edit", "undo", "x.add", "?"])),
    }
    picked = _pick_record(draw, data)
    if picked is None or draw(st.integers(0, 4)) == 0:
        entry["record"] = draw(st.sampled_from(WORDS) | st.text(max_size=8))
        entry["changes"] = draw(
            st.dictionaries(st.sampled_from([*WORDS, "vote", "plan"]), st.lists(json_values(), min_size=2, max_size=2))
        )
    else:
        table, key, record = picked
        entry["record"] = _record_name(table, key, record)
        names = sorted(set(record) | set(schema.FIELDS[table]) | {"vote", "zzz"})
        changes: dict[str, Json] = {}
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
            known = name in schema.FIELDS[table]
            before = draw(field_values(table, name) if known and draw(st.booleans()) else json_values())
            after = record.get(name) if draw(st.integers(0, 5)) else draw(scalars())
            changes[name] = [before, after]
        entry["changes"] = changes
    if draw(st.integers(0, 4)) == 0:
        entry["undoes"] = draw(st.sampled_from([1, 2, 3, 12, 999_999_999]))
    return entry


@st.composite
def data_edit(draw: st.DrawFn, data: Json, kinds: tuple[str, ...]) -> DataEdit | None:
    """One edit that applies to ``data`` as it stands (None when the chosen kind does not fit)."""
    kind = draw(st.sampled_from(kinds))
    if kind == "sound":
        picked = _pick_record(draw, data)
        if picked is None:
            return None
        table, key, _ = picked
        name = draw(st.sampled_from(list(schema.FIELDS[table])))
        return Set((table, key, name), draw(field_values(table, name)))
    if kind == "drop":
        picked = _pick_record(draw, data)
        if picked is None:
            return None
        table, key, record = picked
        optional = [name for name, (_, required) in schema.FIELDS[table].items() if not required and name in record]
        return Delete((table, key, draw(st.sampled_from(optional)))) if optional else None
    if kind in ("set", "plausible"):
        path = _pick_path(draw, data)
        return Set(path, draw(scalars() if kind == "plausible" else json_values())) if path else None
    if kind == "delete":
        path = _pick_path(draw, data)
        return Delete(path) if path else None
    if kind == "add":
        path = _pick_path(draw, data, containers_only=True)
        return Set((*path, draw(keys())), draw(json_values())) if _dict_at(data, path) is not None else None
    if kind in ("rename", "clone"):
        path = _pick_path(draw, data, containers_only=True, depth=draw(st.sampled_from([1, 1, 2, 0])))
        node = _dict_at(data, path)
        if not node:
            return None
        old, new = draw(st.sampled_from(list(node))), draw(keys())
        return Rename(path, old, new) if kind == "rename" else Clone(path, old, new)
    if kind == "retype":
        if draw(RARELY):
            return Set((), draw(json_values()))  # the whole file
        table = draw(st.sampled_from(TABLE_NAMES))
        value: Json = draw(st.sampled_from(RETYPED))
        return Set((table,), value) if isinstance(data, dict) else None
    if kind == "swap":
        table = draw(st.sampled_from(list(schema.TABLES)))
        records = _dict_at(data, (table,))
        if not records or len(records) < 2:
            return None
        first, second = draw(st.lists(st.sampled_from(list(records)), min_size=2, max_size=2, unique=True))
        if not (isinstance(records[first], dict) and isinstance(records[second], dict)):
            return None
        fields = sorted(set(records[first]) | set(records[second]))
        return Swap(table, first, second, draw(st.none() | st.sampled_from(fields or ["plan"])))
    if kind == "forge":
        activity = _dict_at(data, ("activity",))
        if activity is None:
            return None
        ids = [int(k) for k in activity if k.isascii() and k.isdigit() and len(k) < 10]
        latest = str(max(ids, default=0) + 1)
        key = draw(st.sampled_from([latest, latest, latest, "999999999"]))  # the latest entry, or the last id
        return Set(("activity", key), draw(forged_activity(data)))
    if kind == "literal":
        return Literal(_pick_path(draw, data), draw(st.sampled_from(RAW_LITERALS)))
    path = _pick_path(draw, data, containers_only=True, depth=draw(st.sampled_from([0, 0, 2, 1])))
    node = _dict_at(data, path)
    if not node:
        return None
    return DuplicateKey(path, draw(st.sampled_from(list(node))), draw(st.sampled_from([{}, [], None, "x", 1])))


# sampled_from favours its ends: the edits most likely to leave a sound file sit there
ANY_EDIT: tuple[str, ...] = ("sound", "forge", "set", "delete", "plausible", "add", "rename", "clone", "retype")
ANY_EDIT += ("swap", "literal", "duplicate", "set", "delete", "drop", "forge", "sound", "sound")
# Edits that mostly leave a file the store accepts: for what lies behind validation
MOSTLY_SOUND = ("sound", "forge", "drop", "delete", "clone", "swap", "sound", "drop", "forge", "sound")


@st.composite
def hand_edits(draw: st.DrawFn, kinds: tuple[str, ...] = ANY_EDIT) -> HandEdit:
    """One to four edits to the data, a layout, and sometimes a truncation or stray bytes."""
    data = json.loads(template())
    edits: list[DataEdit] = []
    for _ in range(draw(st.integers(1, 4))):
        edit = draw(data_edit(data, kinds))
        if edit is None:
            continue
        edits.append(edit)
        applied = apply_edits(data, (edit,))
        if isinstance(applied, RawData):
            break  # the text now holds a raw literal or a repeated key: stop editing the data
        data = applied
    layout = draw(
        st.sampled_from(
            [
                Format(),
                Format(),
                Format(),
                Format(1, ensure_ascii=True, workplan_layout=False),
                Format(None, workplan_layout=False),
            ]
        )
    )
    hand_edit = HandEdit(tuple(edits), layout)
    size = len(hand_edit.payload())
    byte_edits: list[ByteEdit] = []
    if kinds == ANY_EDIT and draw(RARELY):
        byte_edits.append(Truncate(draw(st.integers(0, max(0, size - 1)))))
    if kinds == ANY_EDIT and draw(RARELY):
        at = draw(st.integers(0, size) | st.sampled_from([size, size - 1, 0]))
        byte_edits.append(Splice(at, draw(st.sampled_from(STRAY_BYTES))))
    return HandEdit(tuple(edits), layout, tuple(byte_edits))


# --- running commands -------------------------------------------------------------------------------------

# Reads that must succeed on any file the store accepts, and reads that name a record that may be gone.
ALWAYS = [
    ["status"],
    ["status", "--json"],
    ["log"],
    ["log", "--json", "--limit", "1000"],
    ["task", "list"],
    ["task", "list", "--json"],
    ["plan", "list"],
    ["plan", "list", "--json"],
    ["outcome", "list"],
    ["outcome", "list", "--json"],
    ["member", "list"],
    ["member", "list", "--json"],
    ["partner", "list"],
    ["partner", "list", "--json"],
    ["norm", "list"],
    ["norm", "list", "--json"],
    # issue 13: resources, the meeting report, the JSON export (CSV and ICS go to files: EXPORTS)
    ["grant", "list"],
    ["grant", "list", "--json"],
    ["currency"],
    ["report"],
    ["report", "--json", "--since", "2000-01-01"],
    ["export", "--json"],
    # issue 30: meetings
    ["meeting", "list"],
    ["meeting", "list", "--json"],
    ["meeting", "decisions", "--json"],
]
# Exports whose formats end lines with CR LF (RFC 4180, RFC 5545): written to a file outside the folder.
EXPORTS = [
    ["export", "--format", "csv", "--table", "tasks"],
    ["export", "--format", "csv", "--table", "contributions"],
    ["export", "--format", "csv", "--table", "deliveries"],
    ["export", "--format", "csv", "--table", "grants"],
    ["export", "--format", "ics"],
    ["export", "--format", "ics", "--owner", "bob"],
    ["export", "--format", "csv", "--table", "attendance"],
    ["meeting", "minutes", "M1"],
]
NAMED = [
    ["task", "show", "T1"],
    ["task", "show", "T2", "--json"],
    ["outcome", "show", "O1"],
    ["outcome", "show", "O1", "--json"],
    ["task", "list", "--plan", "P1", "--owner", "bob", "--overdue"],
    ["plan", "show", "P1"],
    ["plan", "show", "P1", "--json"],
    ["meeting", "show", "M1"],
    ["meeting", "show", "M1", "--json"],
    ["member", "show", "carol"],
]
WRITES = [
    ["undo"],
    ["task", "progress", "T1", "+10"],
    ["task", "progress", "T3", "-5"],
    ["task", "status", "T2", "blocked", "--reason", "rain"],
    ["task", "note", "T3", "checked the shed"],
    ["task", "assign", "T1", "bob"],
    ["task", "due", "T2", iso_day(+26)],
    ["task", "done", "T3"],
    ["task", "add", "P1", "Water beds", "--outcome", "O1", "--owner", "carol"],
    ["outcome", "checkin", "O1", "5", "--note", "five built"],
    ["vote", "P1", "agree"],
    ["norm", "add", "Reply within two days"],
    ["norm", "agree", "N1"],
    ["plan", "activate", "P1"],
    ["stage", "norming"],
    ["undo"],
    # changing and removing anything (issue 12); each removal is undone again, as a member would
    ["task", "edit", "T1", "--title", "Order more soil", "--progress", "+5", "--outcome", "O1"],
    ["outcome", "edit", "O1", "--target", "45", "--due", "none"],
    ["plan", "rename", "P1", "Gardens 2027"],
    ["plan", "rule", "P1", "majority"],
    ["member", "edit", "carol", "--role", "lead", "--partner", "PARKS"],
    ["partner", "edit", "FOOD", "--interests-short", "reach", "--contribution", "cash:match:500"],
    ["norm", "edit", "N1", "Reply within a day"],
    ["task", "rm", "T3"],
    ["undo"],
    ["outcome", "rm", "O1", "--unlink"],
    ["undo"],
    ["member", "rm", "bob"],
    ["undo"],
    ["norm", "withdraw", "N1"],
    ["plan", "archive", "P1"],
    ["plan", "reopen", "P1"],
    # resources (issue 13); each removal undone again
    ["partner", "deliver", "FOOD", "1", "$5", "--note", "more"],
    ["partner", "deliver", "FOOD", "volunteers", "4h"],
    ["partner", "pledge", "FOOD", "supplies", "Seeds", "20h @ 5", "--match", "G1"],
    ["undo"],
    ["grant", "add", "PARKS", "FOOD", "1k", "--match", "25%"],
    ["grant", "edit", "G1", "--match", "1:2", "--amount", "6k"],
    ["currency", "EUR"],
    ["grant", "rm", "G2"],
    ["undo"],
    ["partner", "edit", "FOOD", "--contribution", "cash:Match:$2,500:G1"],
    # meetings (issue 30); each removal undone again
    ["meeting", "add", "Next", "--on", iso_day(+5), "--at", "10:00"],
    ["meeting", "attend", "M1", "absent", "alice"],
    ["meeting", "debrief", "M1", "carol"],
    ["meeting", "agenda", "M1", "--add", "AOB", "--about", "T1"],
    ["meeting", "decide", "M1", "Reply within a day", "--about", "N1"],
    ["meeting", "edit", "M1", "--on", iso_day(-8), "--alternate", "none"],
    ["meeting", "rm", "M1", "--unlink"],
    ["undo"],
]
IMPORT = "title,notes\r\nImported from a sheet,=1+1\r\n"  # title only: rows this cannot refuse on a sound file


def run(path: Path, args: list[str]) -> Result:
    """The CLI in-process, as a member would type it."""
    return CliRunner().invoke(cli, ["-f", str(path), *args], env={"WORKPLAN_USER": USER}, catch_exceptions=True)


def assert_clear(args: list[str], result: Result) -> None:
    """A result, or one clear line on stderr with a non-zero exit; never a traceback, never raw controls."""
    where = f"workplan {' '.join(args)} (exit {result.exit_code})\nstdout: {result.stdout!r}\nstderr: {result.stderr!r}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback from {where}") from result.exception
    assert TRACEBACK not in result.stdout and TRACEBACK not in result.stderr, where
    assert not UNSAFE.search(result.stdout) and not UNSAFE.search(result.stderr), f"raw control text: {where}"
    if result.exit_code == 0:
        assert not result.stderr, f"success with complaints: {where}"
        return
    lines = [line for line in result.stderr.split("\n") if line.strip()]
    if args == ["check"]:
        # check lists every problem, then a summary, or says in one line why it could not read the file
        assert lines, where
        assert len(lines) == 1 or re.fullmatch(r"[0-9]+ problem\(s\) found; the file was not changed\.", lines[-1])
        return
    assert len(lines) == 1, f"not one line: {where}"
    assert lines[0].startswith("workplan: "), where
    assert not result.stdout, f"output before an error: {where}"


def refusal(path: Path) -> str | None:
    """The store's one-line complaint about the file, or None when it reads it."""
    return read_or_refuse(path)[1]


def accepted(path: Path) -> Workplan | None:
    """What ``Store.read`` makes of the file: a model, or None after its one-line StoreError."""
    return read_or_refuse(path)[0]


def read_or_refuse(path: Path) -> tuple[Workplan | None, str | None]:
    """``Store.read``: the model, or the one-line StoreError (any other exception is a crash)."""
    try:
        return Store(path, user=USER).read(), None
    except StoreError as exc:
        message = str(exc)
        assert message and "\n" not in message, message
        return None, message
    except Exception as exc:
        raise AssertionError("Store.read crashed") from exc


def records(payload: bytes) -> dict[str, dict[str, set[str]]]:
    """Each table's record ids and their field names (what a write must never drop)."""
    data = json.loads(payload)
    return {
        table: {key: set(record) for key, record in data.get(table, {}).items() if isinstance(record, dict)}
        for table in schema.TABLES
    }


def assert_kept(
    before: dict[str, dict[str, set[str]]], after: dict[str, dict[str, set[str]]], path: Path | None = None
) -> None:
    """Writes only add records and fields: every record and every field (known or not) is still there,
    but for records a command removed (each kept whole in its log entry, for undo)."""
    removed = removed_records(path) if path is not None else set()
    for table, keyed in before.items():
        for key, fields in keyed.items():
            if (table, key) in removed and key not in after[table]:
                continue
            assert key in after[table], f"{table} record {key!r} was dropped by a write"
            assert fields <= after[table][key], f"{table} {key!r} lost {fields - after[table][key]}"


def removed_records(path: Path) -> set[tuple[str, str]]:
    """(table, id) of every record a logged removal took out, whole (``actions.REMOVALS``)."""
    found = set()
    for entry in Store(path, user=USER).history().scan():
        pair = entry.changes.get("record")
        payload = pair[0] if entry.kind in actions.REMOVALS and isinstance(pair, list) else None
        if isinstance(payload, dict) and type(payload.get("id")) is int:
            found.add((actions.REMOVALS[entry.kind][0], str(payload["id"])))
    return found


# --- the model layer the board uses -----------------------------------------------------------------------


def exercise_model(workplan: Workplan, path: Path) -> None:
    """Everything the board computes from a snapshot and its log; any exception but RuleError is a crash."""
    for today, now in ((TODAY, FIXED_NOW), (TODAY + timedelta(days=400), FIXED_NOW + timedelta(days=400))):
        figures = overview.plan_figures(workplan, today)
        for me in (USER, "dave", ""):
            whole = overview.attention(workplan, figures, me, now)
            top = overview.attention(workplan, figures, me, now, limit=2)  # what `status` lists
            for kind in ("overdue", "blocked", "stale"):
                assert getattr(top, kind) == getattr(whole, kind)[:2]
                assert top.totals[kind] == whole.totals[kind] == len(getattr(whole, kind))
            overview.review_queue(workplan, me, now, today)
        for fig in figures:
            overview.tasks_by_column(fig.tasks)
            fig.buyin.summary()
            rules.frozen(fig.plan), rules.closed_to_new(fig.plan, "tasks")
            for check in (lambda p: rules.plan_reopen(p, None), lambda p: rules.rule_change(p, "majority")):
                try:
                    check(fig.plan)
                except rules.RuleError:
                    pass
            for action in rules.PLAN_MOVES:
                try:
                    rules.plan_move(fig.plan, action, fig.buyin)
                except rules.RuleError:
                    pass
        for handle in workplan.members:
            for change in ({"remove": True}, {"role": "member"}):
                try:
                    rules.check_member_change(workplan.members, handle, me=USER, **change)
                except rules.RuleError:
                    pass
        cutoff = rules.stale_cutoff(now)
        tasks = list(workplan.tasks.values())
        assert rules.stale_tasks(tasks, cutoff) == [t for t in tasks if rules.is_stale(t, cutoff)]
        for task in tasks:
            assert not UNSAFE.search(dates.format_due(task.due, today=today, done=task.status == "done"))
            dates.days_until(task.due, today=today)
            for spec in ("0", "100", "+10", "-5", "+200"):
                try:
                    rules.progress_changes(task, rules.parse_progress(spec, task.progress))
                except rules.RuleError:
                    pass
            for status in TASK_STATUSES:
                try:
                    rules.status_changes(task, status, None)
                except rules.RuleError:
                    pass
            shown = [clean(task.title), clean(task.notes, multiline=True).replace("\n", " "), stamp(task.updated_at)]
            shown += [stamp(update.at) + clean(update.text) for update in task.updates]
            assert not any(UNSAFE.search(text) for text in shown), shown
        for outcome in workplan.outcomes.values():
            progress = rules.outcome_progress(outcome.baseline, outcome.target, outcome.current)
            assert 0.0 <= progress <= 100.0, (outcome, progress)
            dates.format_due(outcome.due, today=today)
        for plan in workplan.plans.values():
            rules.plan_progress(workplan.outcomes_of(plan.id), workplan.tasks_of(plan.id))
            workplan.current_votes(plan.id)
        # Resources, the meeting report and the exports (issue 13): everything they show is clean.
        sharing = resources.cost_sharing(workplan)
        assert sharing.total.unvalued <= sharing.total.count
        for line in resources.match_report(workplan):
            assert line.shortfall >= 0 and 0 <= (line.delivered_percent or 0) <= 100
        json.dumps(resources.resources_json(workplan))
        made = meeting_report.build(Store(path, user=USER), today=today, now=now, since=today - timedelta(days=7))
        text = markdown.render(made)
        assert not UNSAFE.search(text.replace("\n", "")), text
        json.dumps(meeting_report.as_json(made))
        calendar = ics.export(workplan, today=today).decode()
        assert not UNSAFE.search(calendar.replace("\r\n", "")), calendar
    for table in csv_export.TABLES:
        cells = csv_export.export(Store(path, user=USER), table).decode("utf-8-sig")
        assert not UNSAFE.search(cells.replace("\r\n", "").replace("\n", "")), (table, cells)
    rows = [importing.Row(2, {"title": "A sheet's task", "owner": "bob", "due": "fri"}, {})]
    try:
        importing.plan_import(workplan, 1, rows, today=TODAY)
    except rules.RuleError:
        pass
    for entry in Store(path, user=USER).history().scan():
        shown = [stamp(entry.at), clean(entry.record), clean(entry.kind), clean(entry.member)]
        shown += [short(value) for pair in entry.changes.values() for value in pair]
        assert not any(UNSAFE.search(text) for text in shown), shown


StoreAction: TypeAlias = Callable[[Store], object]
STORE_ACTIONS: list[tuple[str, StoreAction]] = [
    ("set_progress T1 +10", lambda s: actions.set_progress(s, 1, "+10")),
    ("add_note T2", lambda s: actions.add_note(s, 2, "x")),
    ("set_status T3 blocked", lambda s: actions.set_status(s, 3, "blocked", "waiting")),
    ("assign T2 carol", lambda s: actions.assign(s, 2, "carol")),
    ("set_due T1", lambda s: actions.set_due(s, 1, iso_day(+3))),
    ("edit_task T2", lambda s: actions.edit_task(s, 2, {"title": "Beds", "progress": 50, "outcome": 1})),
    ("checkin O1 5", lambda s: actions.checkin(s, 1, 5, "note")),
    ("edit_outcome O1", lambda s: actions.edit_outcome(s, 1, {"target": 50, "due": None})),
    ("vote P1 agree", lambda s: actions.vote(s, 1, "agree", "fine")),
    ("add_task P1", lambda s: actions.add_task(s, 1, "More soil", owner="bob", outcome=1)),
    ("add_norm", lambda s: actions.add_norm(s, "Be kind")),
    ("agree_norm N1", lambda s: actions.agree_norm(s, 1)),
    ("edit_partner FOOD", lambda s: actions.edit_partner(s, "FOOD", name="Food Bank Ltd")),
    ("edit_member bob", lambda s: actions.edit_member(s, "bob", role="lead")),
    ("move_plan P1 activate", lambda s: actions.move_plan(s, 1, "activate")),
    ("set_stage", lambda s: actions.set_stage(s, "storming")),
    ("undo", lambda s: actions.undo(s)),
    ("undo A1", lambda s: actions.undo(s, 1)),
    ("edit_task T1 +5", lambda s: actions.edit_task(s, 1, {"progress": "+5", "owner": None, "due": None})),
    ("edit_plan P1", lambda s: actions.edit_plan(s, 1, title="Gardens", scope="")),
    ("set_rule P1", lambda s: actions.set_rule(s, 1, "partners")),
    ("edit_member carol", lambda s: actions.edit_member(s, "carol", partner="PARKS", role="lead")),
    ("edit_norm N1", lambda s: actions.edit_norm(s, 1, "Be kinder")),
    ("remove_task T3", lambda s: actions.remove_task(s, 3)),
    ("undo of remove_task", lambda s: actions.undo(s)),
    ("remove_outcome O1", lambda s: actions.remove_outcome(s, 1, unlink=True)),
    ("undo of remove_outcome", lambda s: actions.undo(s)),
    ("remove_member bob", lambda s: actions.remove_member(s, "bob")),
    ("undo of remove_member", lambda s: actions.undo(s)),
    ("remove_partner FOOD", lambda s: actions.remove_partner(s, "FOOD")),
    ("withdraw_norm N1", lambda s: actions.withdraw_norm(s, 1)),
    ("undo of withdraw_norm", lambda s: actions.undo(s)),
    ("archive P1", lambda s: actions.move_plan(s, 1, "archive")),
    ("reopen P1", lambda s: actions.reopen_plan(s, 1)),
    # resources and the import (issue 13)
    ("set_currency", lambda s: actions.set_currency(s, "GBP")),
    ("deliver FOOD 1", lambda s: actions.deliver(s, "FOOD", "1", "£5", on=iso_day(-1))),
    ("undo of deliver", lambda s: actions.undo(s)),
    ("pledge FOOD", lambda s: actions.pledge(s, "FOOD", ("services", "Truck", None, 10, 30, 1))),
    ("add_grant", lambda s: actions.add_grant(s, "FOOD", "PARKS", 100, "25%")),
    ("edit_grant G1", lambda s: actions.edit_grant(s, 1, amount=7000, match="1:1")),
    ("remove_grant G2", lambda s: actions.remove_grant(s, 2)),
    ("undo of remove_grant", lambda s: actions.undo(s)),
    ("edit_partner FOOD pledges", lambda s: actions.edit_partner(s, "FOOD", contributions=[("cash", "Match", 3000)])),
    (
        "import_tasks P1",
        lambda s: actions.import_tasks(
            s, 1, [importing.Row(2, {"title": "From a sheet", "due": iso_day(+3)}, {})], today=TODAY
        ),
    ),
]
# What an action may refuse with: the CLI turns exactly these into one line.
REFUSALS = (StoreError, rules.RuleError, dates.DateError, schema.SchemaError)


# --- the properties ---------------------------------------------------------------------------------------

# --- what this file found -------------------------------------------------------------------------------
# Each bug the search found, shrunk to one hand edit and the one command that went wrong (all fixed since).

LAST_LOG = ("activity", "12")  # alice's plan.propose of P1 in the seed file: what 'workplan undo' acts on
FOUND: dict[str, tuple[HandEdit, list[str]]] = {
    # Store.read called .get on meta["1"] before reporting the problem: AttributeError traceback
    "read-meta-not-an-object": (HandEdit((Set(("meta",), {"1": []}),)), ["status"]),
    # the task result line indexed the raw record's optional 'status' / 'progress': KeyError traceback
    "task-result-missing-status": (HandEdit((Delete(("tasks", "1", "status")),)), ["task", "assign", "T1", "bob"]),
    "task-result-missing-progress": (HandEdit((Delete(("tasks", "3", "progress")),)), ["task", "progress", "T3", "-5"]),
    # undo of a 'vote' entry without a 'vote' change, or not naming P<id>: KeyError / ValueError traceback
    "undo-vote-without-vote-change": (HandEdit((Set((*LAST_LOG, "kind"), "vote"),)), ["undo"]),
    "undo-vote-of-no-plan": (
        HandEdit(
            (
                Set((*LAST_LOG, "kind"), "vote"),
                Set((*LAST_LOG, "record"), "partnership"),
                Set((*LAST_LOG, "changes"), {"vote": ["agree", "block"]}),
            )
        ),
        ["undo"],
    ),
    # undo restored logged values checking only their types: a sound file written unsound (dangling plan,
    # duplicate partner code, a vote on a missing plan); every later command then refused the file
    "undo-restores-a-missing-plan": (
        HandEdit((Set((*LAST_LOG, "record"), "T1"), Set((*LAST_LOG, "changes"), {"plan": [9, 1]}))),
        ["undo"],
    ),
    "undo-restores-a-duplicate-partner-code": (
        HandEdit(
            (
                Set((*LAST_LOG, "record"), "partner PARKS"),
                Set((*LAST_LOG, "changes"), {"code": ["FOOD", "PARKS"]}),
            )
        ),
        ["undo"],
    ),
    "undo-votes-on-a-missing-plan": (
        HandEdit(
            (
                Set((*LAST_LOG, "kind"), "vote"),
                Set((*LAST_LOG, "record"), "P9"),
                Set((*LAST_LOG, "changes"), {"vote": ["agree", "block"]}),
            )
        ),
        ["undo"],
    ),
    # an id 999999999 (the largest allowed) in activity: the next write logged as A1000000000, which the schema
    # refuses, so one ordinary write left the file unreadable
    "next-id-beyond-nine-digits": (
        HandEdit((Clone(("activity",), "12", "999999999"),)),
        ["task", "progress", "T1", "+10"],
    ),
}


# Hand edits every property run tries first: the bugs found, and edits that look risky.
REGRESSIONS = [case for case, _ in FOUND.values()] + [
    HandEdit((Clone(("tasks",), "1", "01"),)),
    HandEdit((Set(("meetings", "1", "day"), "0001-01-01"),)),  # its start in local time was before year 1
    HandEdit((Set(("meetings", "1", "day"), "9999-12-31"),)),  # its end, the day after, past year 9999
    # ending after 9999-12-31 at its time: the ICS export's DTEND overflowed (a traceback)
    HandEdit(
        (
            Set(("meetings", "1", "day"), "9999-12-31"),
            Set(("meetings", "1", "time"), "23:30"),
            Set(("meetings", "1", "duration"), 1440),
        )
    ),
    HandEdit((Rename(("tasks",), "1", "\u0661"),)),
    HandEdit((DuplicateKey((), "tasks", {}),)),
    HandEdit((DuplicateKey(("tasks", "1"), "title", "Other"),)),
    HandEdit((Literal(("tasks", "1", "zzz"), "1e400"),)),
    HandEdit((Literal(("outcomes", "1", "target"), "123456789012345678901234567890"),)),
    HandEdit((Literal(("tasks", "1", "zzz"), "[" * 300 + "]" * 300),)),
    HandEdit((Set(("outcomes", "1", "target"), 1e15), Set(("outcomes", "1", "baseline"), -1e15))),
    HandEdit((Set(("outcomes", "1", "target"), 5e-324), Set(("outcomes", "1", "current"), -1e15))),
    HandEdit((Set(("tasks", "1", "due"), "9999-99-99"), Set(("tasks", "1", "updated_at"), "0000-00-00T00:00:00Z"))),
    HandEdit((Set(("tasks", "1", "title"), "\x1b]52;c;ZXZpbA==\x07\u202eevil"),)),
    HandEdit(
        (Set(("tasks", "1", "owner"), "dave"), Set(("votes", "1"), {"plan": 1, "member": "dave", "position": "block"}))
    ),
    HandEdit((Set(("members",), {}),)),
    HandEdit((Set(("outcomes", "1", "due"), "9999-12-31"),)),  # the ICS export's end day overflowed
    # forged removals for undo to put back: a handle that is not text, an id in use, references it cannot give back
    HandEdit(
        (
            Set((*LAST_LOG, "kind"), "member.rm"),
            Set((*LAST_LOG, "record"), "member ['x']"),
            Set((*LAST_LOG, "changes"), {"record": [{"id": 9, "record": {"handle": ["x"]}}, None]}),
        )
    ),
    HandEdit(
        (
            Set((*LAST_LOG, "kind"), "task.rm"),
            Set((*LAST_LOG, "record"), "T1"),
            Set((*LAST_LOG, "changes"), {"record": [{"id": 1, "record": {"plan": 1, "title": "again"}}, None]}),
        )
    ),
    HandEdit(
        (
            Set((*LAST_LOG, "kind"), "outcome.rm"),
            Set((*LAST_LOG, "record"), "O5"),
            Set(
                (*LAST_LOG, "changes"),
                {
                    "record": [{"id": 5, "record": {"plan": 1, "name": "x", "target": 1}}, None],
                    "unlinked": [["T1", "T2", 7], None],
                },
            ),
        )
    ),
    HandEdit((Set(("meta", "1", "retired_ids"), {"tasks": 999999999}),)),
    HandEdit((Set(("meta", "1", "retired_ids"), {"tasks": "3"}),)),
    HandEdit((Set(("plans", "1", "archived_from"), "archived"),)),
    HandEdit((Set(("plans", "1", "status"), "archived"), Set(("plans", "1", "archived_from"), "active"))),
    HandEdit((Set(("meta", "1", "schema_version"), 2),)),
    HandEdit((Set(("meta",), []),)),
    HandEdit((), Format(), (Truncate(100),)),
    HandEdit((), Format(), (Truncate(0),)),
    HandEdit((), Format(), (Splice(0, b"\xef\xbb\xbf"),)),
]


def _regressions(test: Callable[..., None]) -> Callable[..., None]:
    """Add every REGRESSIONS case to a property as an explicit example."""
    for case in REGRESSIONS:
        test = example(case)(test)
    return test


@_regressions
@given(hand_edits())
@settings(FUZZ, max_examples=CLI_EXAMPLES)
def test_every_command_on_a_hand_edited_file(hand_edit: HandEdit) -> None:
    """Every command gives a result or one clear line; an unsound file is never written; writes stay sound."""
    payload = hand_edit.payload()
    with partnership_file(payload) as path:
        workplan = accepted(path)
        event("store accepts the file" if workplan is not None else "store refuses the file")
        check = run(path, ["check"])
        assert_clear(["check"], check)
        assert (check.exit_code == 0) == (workplan is not None), f"check and the store disagree: {check.stderr!r}"
        for args in ALWAYS + NAMED:
            result = run(path, args)
            assert_clear(args, result)
            if workplan is not None and args in ALWAYS:
                assert result.exit_code == 0, f"workplan {' '.join(args)} failed on a sound file: {result.stderr!r}"
        if workplan is not None:
            exercise_model(workplan, path)
        with tempfile.TemporaryDirectory(prefix="workplan-fuzz-out-") as out:
            for args in EXPORTS:
                result = run(path, [*args, "-o", str(Path(out) / "export")])
                assert_clear(args, result)
                if workplan is not None and "--owner" not in args:  # bob may have been edited away
                    assert result.exit_code == 0, f"workplan {' '.join(args)} failed on a sound file: {result.stderr!r}"
            sheet = Path(out) / "sheet.csv"
            sheet.write_text(IMPORT)
            for args in (["import", str(sheet), "--plan", "P1", "--dry-run"], ["import", str(sheet), "--plan", "P1"]):
                assert_clear(args, run(path, args))
                if workplan is None:
                    assert path.read_bytes() == payload, "an import wrote over an unsound file"
        for args in WRITES:
            assert_clear(args, run(path, args))
            if workplan is None:
                assert path.read_bytes() == payload, f"workplan {' '.join(args)} wrote over an unsound file"
                continue
            problem = refusal(path)
            assert problem is None, f"workplan {' '.join(args)} left an unsound file: {problem}"
        after = path.read_bytes()
        if workplan is None:
            assert after == payload, "an unsound file was written over"
        else:
            assert_kept(records(payload), records(after), path)
            assert_clear(["check"], final := run(path, ["check"]))
            assert final.exit_code == 0, final.stderr
        log = "workplan.history.jsonl"
        written = f".{FILE_NAME}.written"  # the copy of workplan's last write (store/outside.py)
        left = (
            [FILE_NAME],
            [f".{FILE_NAME}.lock", FILE_NAME],
            [f".{FILE_NAME}.lock", log, FILE_NAME],
            [f".{FILE_NAME}.lock", written, log, FILE_NAME],
        )
        assert sorted(p.name for p in path.parent.iterdir()) in left


@_regressions
@given(hand_edits(MOSTLY_SOUND))
@settings(FUZZ, max_examples=MODEL_EXAMPLES)
def test_the_model_and_the_store_actions_survive_what_read_accepts(hand_edit: HandEdit) -> None:
    """Whatever ``Store.read`` accepts, the board's computations and every store action handle."""
    payload = hand_edit.payload()
    with partnership_file(payload) as path:
        workplan = accepted(path)
        store = make_store(path)
        try:
            problems: list[schema.Problem] | None = schema.validate(json.loads(payload))
        except ValueError:
            problems = None  # not JSON at all
        if workplan is None:
            event("refused")
            for name, action in STORE_ACTIONS:
                try:
                    action(store)
                except REFUSALS:
                    pass
                except Exception as exc:
                    raise AssertionError(f"{name} crashed") from exc
                else:
                    raise AssertionError(f"{name} succeeded on a file read() refuses")
                assert path.read_bytes() == payload, f"{name} wrote over an unsound file"
            return
        event("accepted")
        assert problems == [], f"read() accepted a file validate() faults: {problems}"
        exercise_model(workplan, path)
        for name, action in STORE_ACTIONS:
            try:
                action(store)
            except REFUSALS:
                pass
            except Exception as exc:
                raise AssertionError(f"{name} crashed") from exc
            problem = refusal(path)
            assert problem is None, f"{name} left an unsound file: {problem}"
        exercise_model(store.read(), path)  # the file as the actions left it
        assert_kept(records(payload), records(path.read_bytes()), path)


@pytest.mark.parametrize("name", sorted(FOUND))
def test_found_by_fuzzing(name: str) -> None:
    """One command on one hand edit: a result or one clear line, and a sound file stays sound."""
    hand_edit, args = FOUND[name]
    payload = hand_edit.payload()
    with partnership_file(payload) as path:
        was_sound = accepted(path) is not None
        assert_clear(args, run(path, args))
        if was_sound:
            assert refusal(path) is None, f"workplan {' '.join(args)} left an unsound file: {refusal(path)}"
        else:
            assert path.read_bytes() == payload
