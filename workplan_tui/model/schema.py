"""Read the raw tables of a partnership file into records, checking every field.

The file is shared and may be edited by hand, so nothing in it is trusted: each
field's type, length and allowed values are checked, and each problem names the
record and the field. Fields this version does not know are left alone (they
stay in the file; see the store).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, NamedTuple

from workplan_tui.model.money import CURRENCY, match_problem
from workplan_tui.model.records import (
    CONTRIBUTION_KINDS,
    ID_KEY,
    LONG_TEXT,
    MAX_ID,
    PLAN_STATUSES,
    POSITIONS,
    REOPEN_STATUSES,
    ROLES,
    RULES,
    SCHEMA_VERSION,
    SHORT_TEXT,
    STAGES,
    TASK_STATUSES,
    CheckIn,
    Conflict,
    ConflictSide,
    Contribution,
    Delivery,
    Grant,
    Member,
    Norm,
    Outcome,
    Partner,
    Partnership,
    Plan,
    Task,
    TaskUpdate,
    Vote,
    Workplan,
    label,
)
from workplan_tui.model.text import clean

# "grants" came after schema 2 was published: a file without it has no grants (older files stay readable).
TABLES = ("meta", "partners", "members", "norms", "plans", "votes", "outcomes", "tasks", "grants", "conflicts")
# The tables a new file starts with: "conflicts" appears only when a merge records one (sync/merge.py).
CREATED_TABLES = TABLES[1:-1]
# Schema 1 kept the activity log in the file; schema 2 keeps it in a side file (store/history.py).
LEGACY_TABLES = (*TABLES, "activity")
# Patterns end with \Z, not $: "$" also matches before a final newline ("bob\n").
# Character classes are spelt out in ASCII: "\d" also matches other scripts' digits.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_HANDLE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\Z")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,15}\Z")
# An instant as workplan writes it (ISO 8601 UTC, e.g. 2026-11-28T09:30:00Z); fractions allowed.
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z\Z")
# Dates and instants that are certainly real, by their digits alone: year 0001 to 9999, month
# 01 to 12, day 01 to 28 (every month has those), time 00:00:00 to 23:59:59. The fast path
# asks these first and the calendar (``datetime.fromisoformat``) only about the rest.
_SURE_DAY = r"(?!0000)[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
_SURE_DATE = re.compile(_SURE_DAY + r"\Z")
_SURE_TIMESTAMP = re.compile(_SURE_DAY + r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?Z\Z")
# Numbers people track (amounts, outcome values) stay far from float overflow, so
# sums and ratios of them are always finite.
MAX_NUMBER = 1e15
MAX_ACCOUNTS = 20  # Unix accounts one member may be acted as from (model/identity.py)


class Problem(NamedTuple):
    """One thing wrong with a file: where (``tasks 12``, ``line 3``) and what."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class SchemaError(ValueError):
    """The data is not a partnership file this version can use."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")


class NewerSchemaError(SchemaError):
    """The file was written by a newer version of workplan."""


def valid_handle(text: str) -> bool:
    return bool(_HANDLE.match(text))


def valid_code(text: str) -> bool:
    return bool(_CODE.match(text))


def looks_like_date(text: str) -> bool:
    """``YYYY-MM-DD`` in ASCII digits, real or not (``2026-02-30`` looks like one)."""
    return bool(_DATE.match(text))


def valid_date(text: str) -> bool:
    """A real calendar date written ``YYYY-MM-DD`` (not ``2026-02-30``, not ``2026-13-01``)."""
    return _real_date(text)


def _real_date(value: Any) -> bool:
    if type(value) is not str or not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _real_timestamp(value: Any) -> bool:
    """``2026-11-28T09:30:00Z`` (fractions of a second allowed) naming a real moment."""
    if type(value) is not str or not _TIMESTAMP.match(value):
        return False
    try:
        datetime.fromisoformat(value[:-1])
    except ValueError:
        return False
    return True


# --- field checks: each returns an error message or None ---------------------


def _text(limit: int, *, empty: bool = True) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be text (found {type(value).__name__})"
        if len(value) > limit:
            return f"is {len(value)} characters long; at most {limit} allowed"
        if not empty and not value.strip():
            return "must not be empty"
        return None

    return check


def _choice(options: tuple[str, ...]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value not in options:
            return f"must be one of {', '.join(options)} (found {value!r:.40})"
        return None

    return check


def _number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be a number (found {value!r:.40})"
    if value != value or value in (float("inf"), float("-inf")):
        return "must be a finite number"
    if abs(value) > MAX_NUMBER:
        return f"must be at most {MAX_NUMBER:.0e} in size (found {value!r:.40})"
    return None


def _percent(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        return f"must be a whole number from 0 to 100 (found {value!r:.40})"
    return None


def _id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        return f"must be a record id (found {value!r:.40})"
    return None


def _optional(check: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    def optional(value: Any) -> str | None:
        return None if value is None else check(value)

    return optional


def _currency(value: Any) -> str | None:
    if not isinstance(value, str) or not CURRENCY.match(value):
        return f"must be a three-letter currency code such as USD (found {value!r:.40})"
    return None


def _date(value: Any) -> str | None:
    if not isinstance(value, str) or not _DATE.match(value):
        return f"must be a date YYYY-MM-DD (found {clean(repr(value))[:40]})"
    if not _real_date(value):
        return f"must be a real date (found {value!r}: no such day)"
    return None


def _handle(value: Any) -> str | None:
    if not isinstance(value, str) or not _HANDLE.match(value):
        return f"must be a member handle (found {value!r:.40})"
    return None


def _code(value: Any) -> str | None:
    if not isinstance(value, str) or not _CODE.match(value):
        return f"must be a partner code (found {value!r:.40})"
    return None


def _list_of(check: Callable[[Any], str | None], limit: int = 100_000) -> Callable[[Any], str | None]:
    def check_list(value: Any) -> str | None:
        if not isinstance(value, list):
            return f"must be a list (found {type(value).__name__})"
        if len(value) > limit:
            return f"has {len(value)} entries; at most {limit} allowed"
        for i, item in enumerate(value):
            error = check(item)
            if error:
                return f"entry {i + 1} {error}"
        return None

    return check_list


def _object(fields: Mapping[str, tuple[Callable[[Any], str | None], bool]]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not isinstance(value, dict):
            return f"must be an object (found {type(value).__name__})"
        for name, (field_check, required) in fields.items():
            if name not in value:
                if required:
                    return f"lacks '{name}'"
                continue
            error = field_check(value[name])
            if error:
                return f"'{name}' {error}"
        return None

    return check


def _timestamp(value: Any) -> str | None:
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        return f"must be a UTC timestamp like 2026-11-28T09:30:00Z (found {clean(repr(value))[:40]})"
    if not _real_timestamp(value):
        return f"must be a real moment (found {value!r}: no such day or time)"
    return None


def _history(value: Any) -> str | None:
    """The data file's commit marker for its activity log: {"last": id, "bytes": length}."""
    if type(value) is not dict or set(value) != {"last", "bytes"}:
        return 'must be {"last": N, "bytes": N}'
    if any(type(n) is not int or not 0 <= n <= 2**53 for n in value.values()):
        return "must hold whole numbers from 0"
    return None


def _retired_ids(value: Any) -> str | None:
    """The highest id ever removed from each table ({"tasks": 12}): ids are never given out twice."""
    if type(value) is not dict or len(value) > 32:
        return 'must be an object of at most 32 tables, e.g. {"tasks": 12}'
    for name, number in value.items():
        if len(name) > 32 or _id(number) is not None:
            return f"must map table names to record ids (found {clean(repr(name))[:40]})"
    return None


def _digest(value: Any) -> str | None:
    """The seal (store/layout.py). One this version cannot verify only means "not sealed"."""
    if not isinstance(value, str) or len(value) > 100:
        return "must be text of at most 100 characters (workplan's seal, e.g. crc32:9f86c1d2)"
    return None


def _changes(value: Any) -> str | None:
    """An activity entry's changes: {field: [before, after]}."""
    if not isinstance(value, dict):
        return f"must be an object (found {type(value).__name__})"
    for name, pair in value.items():
        if len(name) > 64:
            return "has a field name longer than 64 characters"
        if type(pair) is not list or len(pair) != 2:
            return f"'{clean(name)[:40]}' must be a [before, after] pair"
    return None


def _any(value: Any) -> str | None:
    """Any JSON value (a conflict keeps both values of a field, whatever its type)."""
    return None


def _sides(value: Any) -> str | None:
    """A conflict's two sides: [{"value": ..., "by": member, "at": time or null}, {...}]."""
    if type(value) is not list or len(value) != 2:
        return "must be a list of the two sides' values"
    for i, side in enumerate(value):
        error = _SIDE(side)
        if error:
            return f"side {i + 1} {error}"
    return None


_SHORT = _text(SHORT_TEXT)
_NAME = _text(SHORT_TEXT, empty=False)
_LONG = _text(LONG_TEXT)
_REV = _id
_CHECKIN = _object({"value": (_number, True), "by": (_handle, True), "at": (_timestamp, True), "note": (_LONG, False)})
_UPDATE = _object({"by": (_handle, True), "at": (_timestamp, True), "text": (_LONG, True)})
_DELIVERY = _object(
    {
        "amount": (_number, True),
        "on": (_date, True),
        "by": (_handle, True),
        "at": (_timestamp, True),
        "note": (_LONG, False),
        "hours": (_optional(_number), False),
    }
)
_CONTRIBUTION = _object(
    {
        "kind": (_choice(CONTRIBUTION_KINDS), True),
        "description": (_SHORT, True),
        "amount": (_optional(_number), False),
        "hours": (_optional(_number), False),
        "rate": (_optional(_number), False),
        "grant": (_optional(_id), False),
        "deliveries": (_list_of(_DELIVERY, 10_000), False),
    }
)

_SIDE = _object({"value": (_any, True), "by": (_text(64), True), "at": (_optional(_timestamp), True)})

# table -> {field: (check, required)}
FIELDS: dict[str, dict[str, tuple[Callable[[Any], str | None], bool]]] = {
    "meta": {
        "schema_version": (_id, True),
        "name": (_NAME, True),
        "purpose": (_LONG, False),
        "stage": (_choice(STAGES), False),
        "rev": (_REV, False),
        "history": (_history, False),
        "digest": (_digest, False),
        "retired_ids": (_retired_ids, False),
        "currency": (_optional(_currency), False),
    },
    "partners": {
        "code": (_code, True),
        "name": (_NAME, True),
        "contributions": (_list_of(_CONTRIBUTION, 1000), False),
        "interests_short": (_LONG, False),
        "interests_long": (_LONG, False),
        "rev": (_REV, False),
    },
    "members": {
        "handle": (_handle, True),
        "name": (_NAME, True),
        "partner": (_code, True),
        "role": (_choice(ROLES), False),
        "rev": (_REV, False),
        # absent or null (an undone binding): only the handle's own account (model/identity.py)
        "accounts": (_optional(_list_of(_handle, MAX_ACCOUNTS)), False),
    },
    "norms": {
        "text": (_text(LONG_TEXT, empty=False), True),
        "agreed_by": (_list_of(_handle, 10_000), False),
        "rev": (_REV, False),
    },
    "plans": {
        "title": (_NAME, True),
        "scope": (_LONG, False),
        "status": (_choice(PLAN_STATUSES), False),
        "rule": (_choice(RULES), False),
        "created_at": (_timestamp, False),
        "archived_from": (_optional(_choice(REOPEN_STATUSES)), False),
        "rev": (_REV, False),
    },
    "votes": {
        "plan": (_id, True),
        "member": (_handle, True),
        "position": (_choice(POSITIONS), True),
        "comment": (_LONG, False),
        "at": (_timestamp, False),
    },
    "outcomes": {
        "plan": (_id, True),
        "name": (_NAME, True),
        "target": (_number, True),
        "baseline": (_number, False),
        "current": (_number, False),
        "unit": (_text(40), False),
        "due": (_optional(_date), False),
        "checkins": (_list_of(_CHECKIN), False),
        "rev": (_REV, False),
    },
    "tasks": {
        "plan": (_id, True),
        "title": (_NAME, True),
        "notes": (_LONG, False),
        "owner": (_optional(_handle), False),
        "status": (_choice(TASK_STATUSES), False),
        "progress": (_percent, False),
        "due": (_optional(_date), False),
        "outcome": (_optional(_id), False),
        "blocked_reason": (_LONG, False),
        "updates": (_list_of(_UPDATE), False),
        "created_at": (_timestamp, False),
        "updated_at": (_timestamp, False),
        "rev": (_REV, False),
    },
    # A field both sides of a merge changed to different values (sync/merge.py): the record
    # holds one of them until a member settles it ('workplan resolve').
    "conflicts": {
        "table": (_text(32, empty=False), True),
        "key": (_id, True),
        "record": (_text(64, empty=False), True),
        "field": (_text(64, empty=False), True),
        "base": (_any, False),
        "sides": (_sides, True),
        "at": (_timestamp, True),
        "merged_by": (_text(64), False),
        "rev": (_REV, False),
    },
    "grants": {
        "name": (_NAME, True),
        "funder": (_code, True),
        "recipient": (_code, True),
        "amount": (_number, True),
        "match": (match_problem, True),
        "created_at": (_timestamp, False),
        "rev": (_REV, False),
    },
    "activity": {
        "at": (_timestamp, True),
        "member": (_text(64), True),
        "os_user": (_text(64), False),
        "kind": (_text(64, empty=False), True),
        "record": (_text(64), True),
        "changes": (_changes, False),
        "undoes": (_id, False),
    },
}


# --- the fast path ------------------------------------------------------------
# A 10,000-task file has ~200,000 fields; calling a check function for each costs
# ~80 ms. Each table instead gets one generated function that tests every field
# with an inline expression and answers "all sound?"; only a record that fails it
# goes through the checks above, which name the problem. The expressions must
# accept nothing that the checks refuse (tests/unit/test_schema.py compares them).

_S, _L = SHORT_TEXT, LONG_TEXT
_STR = "type(v) is str and len(v) <= {n}"
_NONEMPTY = "type(v) is str and len(v) <= {n} and v != '' and not v.isspace()"
_ID = f"type(v) is int and 1 <= v <= {MAX_ID}"
_NUM = f"(type(v) is int or (type(v) is float and isfinite(v))) and -{MAX_NUMBER!r} <= v <= {MAX_NUMBER!r}"
_TS = "type(v) is str and (SURE_TIMESTAMP(v) is not None or TIMESTAMP(v))"
_H = "type(v) is str and HANDLE(v) is not None"
_C = "type(v) is str and CODE(v) is not None"
_D = "type(v) is str and (SURE_DATE(v) is not None or DATE(v))"
_LIST = "type(v) is list and (not v or CHECK(v) is None)"


def _opt(expr: str) -> str:
    return f"(v is None or ({expr}))"


def _in(options: tuple[str, ...]) -> str:
    # a set display after "in" is compiled to one constant frozenset; frozenset({...}) was
    # a call that built the set anew for every record
    return f"type(v) is str and v in {{{', '.join(map(repr, sorted(options)))}}}"


FAST: dict[str, dict[str, str]] = {
    "meta": {
        "schema_version": _ID,
        "name": _NONEMPTY.format(n=_S),
        "purpose": _STR.format(n=_L),
        "stage": _in(STAGES),
        "rev": _ID,
        "history": "CHECK(v) is None",
        "digest": "CHECK(v) is None",
        "retired_ids": "CHECK(v) is None",
        "currency": "CHECK(v) is None",
    },
    "partners": {
        "code": _C,
        "name": _NONEMPTY.format(n=_S),
        "contributions": _LIST,
        "interests_short": _STR.format(n=_L),
        "interests_long": _STR.format(n=_L),
        "rev": _ID,
    },
    "members": {
        "handle": _H,
        "name": _NONEMPTY.format(n=_S),
        "partner": _C,
        "role": _in(ROLES),
        "rev": _ID,
        "accounts": _opt(_LIST),
    },
    "norms": {"text": _NONEMPTY.format(n=_L), "agreed_by": _LIST, "rev": _ID},
    "plans": {
        "title": _NONEMPTY.format(n=_S),
        "scope": _STR.format(n=_L),
        "status": _in(PLAN_STATUSES),
        "rule": _in(RULES),
        "created_at": _TS,
        "archived_from": _opt(_in(REOPEN_STATUSES)),
        "rev": _ID,
    },
    "votes": {"plan": _ID, "member": _H, "position": _in(POSITIONS), "comment": _STR.format(n=_L), "at": _TS},
    "outcomes": {
        "plan": _ID,
        "name": _NONEMPTY.format(n=_S),
        "target": _NUM,
        "baseline": _NUM,
        "current": _NUM,
        "unit": _STR.format(n=40),
        "due": _opt(_D),
        "checkins": _LIST,
        "rev": _ID,
    },
    "tasks": {
        "plan": _ID,
        "title": _NONEMPTY.format(n=_S),
        "notes": _STR.format(n=_L),
        "owner": _opt(_H),
        "status": _in(TASK_STATUSES),
        "progress": "type(v) is int and 0 <= v <= 100",
        "due": _opt(_D),
        "outcome": _opt(_ID),
        "blocked_reason": _STR.format(n=_L),
        "updates": _LIST,
        "created_at": _TS,
        "updated_at": _TS,
        "rev": _ID,
    },
    "conflicts": {
        "table": _NONEMPTY.format(n=32),
        "key": _ID,
        "record": _NONEMPTY.format(n=64),
        "field": _NONEMPTY.format(n=64),
        "base": "True",
        "sides": "CHECK(v) is None",
        "at": _TS,
        "merged_by": _STR.format(n=64),
        "rev": _ID,
    },
    "grants": {
        "name": _NONEMPTY.format(n=_S),
        "funder": _C,
        "recipient": _C,
        "amount": _NUM,
        "match": "CHECK(v) is None",
        "created_at": _TS,
        "rev": _ID,
    },
    "activity": {
        "at": _TS,
        "member": _STR.format(n=64),
        "os_user": _STR.format(n=64),
        "kind": _NONEMPTY.format(n=64),
        "record": _STR.format(n=64),
        "changes": "type(v) is dict and CHANGES(v) is None",
        "undoes": _ID,
    },
}


def _compile_fast(table: str) -> Callable[[dict[str, Any]], bool]:
    lines = ["def sound(r):", "    get = r.get"]
    names: dict[str, Any] = {"isfinite": math.isfinite, "HANDLE": _HANDLE.match, "CODE": _CODE.match}
    names["DATE"] = _real_date
    names["TIMESTAMP"] = _real_timestamp
    names["SURE_DATE"] = _SURE_DATE.match
    names["SURE_TIMESTAMP"] = _SURE_TIMESTAMP.match
    names["CHANGES"] = _changes
    for i, (name, expr) in enumerate(FAST[table].items()):
        check, required = FIELDS[table][name]
        names[f"CHECK{i}"] = check
        expr = expr.replace("CHECK(", f"CHECK{i}(")
        lines.append(f"    v = get({name!r}, MISSING)")
        missing = "return False" if required else "pass"
        lines.append(f"    if v is MISSING: {missing}")
        lines.append(f"    elif not ({expr}): return False")
    lines.append("    return True")
    names["MISSING"] = _MISSING
    exec("\n".join(lines), names)  # noqa: S102 - code built from the constant tables above
    return names["sound"]  # type: ignore[no-any-return]


_MISSING = object()


class _Compiled(dict[str, Callable[[dict[str, Any]], bool]]):
    """Each table's fast check, compiled on first use (start-up time: a write uses two or three)."""

    def __missing__(self, table: str) -> Callable[[dict[str, Any]], bool]:
        if table not in FAST:
            raise KeyError(table)
        self[table] = check = _compile_fast(table)
        return check


_SOUND = _Compiled()


def _where(table: str, key: str, record: Mapping[str, Any]) -> str:
    if table in ("partners",) and isinstance(record.get("code"), str):
        return f"partner {record['code']!r:.40}"
    if table == "members" and isinstance(record.get("handle"), str):
        return f"member {record['handle']!r:.40}"
    if table == "meta":
        return "partnership (meta)"
    if ID_KEY.match(key):
        return f"{table[:-1] if table.endswith('s') else table} {label(table, int(key))}"
    return f"{table} record {clean(repr(key))[:20]}"


def check_version(data: Any, *, allow_newer: bool = False) -> list[Problem]:
    """Problems that make the data not a workplan file, or one too new to use.

    With ``allow_newer``, a newer schema is not itself a problem (for reading only).
    """
    if not isinstance(data, dict):
        return [Problem("file", f"top level must be an object (found {type(data).__name__})")]
    meta = data.get("meta")
    if not isinstance(meta, Mapping) or not isinstance(meta.get("1"), dict):
        return [Problem("file", "not a workplan file (no 'meta' table with record 1)")]
    version = meta["1"].get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        return [Problem("partnership (meta)", "not a workplan file (no whole-number 'schema_version')")]
    if version > SCHEMA_VERSION and not allow_newer:
        raise NewerSchemaError(
            [
                Problem(
                    "file",
                    f"written by a newer workplan (schema {version}; this version knows {SCHEMA_VERSION}): "
                    "upgrade workplan to change it",
                )
            ]
        )
    return []


def validate(data: Any, *, allow_newer: bool = False) -> list[Problem]:
    """Every problem in the raw data (empty when the file is sound)."""
    problems = check_version(data, allow_newer=allow_newer)
    if problems:
        return problems
    tables = TABLES if data["meta"]["1"]["schema_version"] >= 2 else LEGACY_TABLES
    for table in tables:
        raw = data.get(table, {})
        if not isinstance(raw, Mapping):
            problems.append(Problem(table, f"table must be an object (found {type(raw).__name__})"))
            continue
        fields = FIELDS[table]
        sound = _SOUND[table]
        canonical = ID_KEY.match  # a local name in the hot loop
        for key, record in raw.items():
            if type(record) is dict and sound(record) and canonical(key):
                continue
            if not canonical(key):
                problems.append(
                    Problem(
                        f"{table} record {clean(repr(key))[:20]}",
                        f"id must be a whole number from 1 to {MAX_ID}, no leading zero",
                    )
                )
                continue
            if not isinstance(record, dict):
                problems.append(Problem(_where(table, key, {}), f"must be an object (found {type(record).__name__})"))
                continue
            for name, (check, required) in fields.items():
                if name not in record:
                    if required:
                        problems.append(Problem(_where(table, key, record), f"lacks '{name}'"))
                    continue
                error = check(record[name])
                if error:
                    problems.append(Problem(_where(table, key, record), f"'{name}' {error}"))
    if not problems:
        problems.extend(_check_references(data))
    return problems


def record_problem(table: str, record: Any) -> str | None:
    """What is wrong with one record of a known table ('progress' must be ...), or None.

    Fields only; references between records are checked by ``validate``. A table this
    version does not know has no rules (its records are kept as they are).
    """
    if table not in FAST:
        return None
    if type(record) is dict and _SOUND[table](record):
        return None
    return _object(FIELDS[table])(record)  # which field, in words


def _check_references(data: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    tables = {t: data.get(t, {}) for t in TABLES}
    codes: dict[str, str] = {}
    for key, partner in tables["partners"].items():
        if partner["code"] in codes:
            problems.append(Problem(_where("partners", key, partner), "code is used by another partner"))
        codes[partner["code"]] = key
    handles: set[str] = set()
    for key, member in tables["members"].items():
        where = _where("members", key, member)
        if member["handle"] in handles:
            problems.append(Problem(where, "handle is used by another member"))
        handles.add(member["handle"])
        if member["partner"] not in codes:
            problems.append(Problem(where, f"partner {member['partner']!r} does not exist"))
    plans = tables["plans"]
    for table in ("votes", "outcomes", "tasks"):
        for key, record in tables[table].items():
            if str(record["plan"]) not in plans:
                problems.append(Problem(_where(table, key, record), f"plan P{record['plan']} does not exist"))
    for key, task in tables["tasks"].items():
        outcome = task.get("outcome")
        if outcome is not None and str(outcome) not in tables["outcomes"]:
            problems.append(Problem(_where("tasks", key, task), f"outcome O{outcome} does not exist"))
    grants = tables["grants"]
    for key, grant in grants.items():
        for role in ("funder", "recipient"):
            if grant[role] not in codes:
                problems.append(Problem(_where("grants", key, grant), f"{role} partner {grant[role]!r} does not exist"))
    for key, partner in tables["partners"].items():
        for number, contribution in enumerate(partner.get("contributions", ()), 1):
            grant_id = contribution.get("grant")
            if grant_id is not None and str(grant_id) not in grants:
                problems.append(
                    Problem(
                        _where("partners", key, partner), f"contribution {number}: grant G{grant_id} does not exist"
                    )
                )
    return problems


def build(data: Mapping[str, Any]) -> Workplan:
    """Records from raw tables that ``validate`` found sound."""
    meta = data["meta"]["1"]
    workplan = Workplan(
        Partnership(
            name=meta["name"],
            purpose=meta.get("purpose", ""),
            stage=meta.get("stage", "forming"),
            schema_version=meta["schema_version"],
            rev=meta.get("rev", 1),
            currency=meta.get("currency"),
            created_at=meta["created_at"] if isinstance(meta.get("created_at"), str) else "",
        )
    )
    for key, r in data.get("partners", {}).items():
        workplan.partners[r["code"]] = Partner(
            id=int(key),
            code=r["code"],
            name=r["name"],
            contributions=[contribution_from_raw(c) for c in r.get("contributions", ())],
            interests_short=r.get("interests_short", ""),
            interests_long=r.get("interests_long", ""),
            rev=r.get("rev", 1),
        )
    for key, r in data.get("members", {}).items():
        accounts = r.get("accounts")
        workplan.members[r["handle"]] = Member(
            int(key),
            r["handle"],
            r["name"],
            r["partner"],
            r.get("role", "member"),
            r.get("rev", 1),
            None if accounts is None else tuple(accounts),
        )
    for key, r in data.get("norms", {}).items():
        workplan.norms[int(key)] = Norm(int(key), r["text"], list(r.get("agreed_by", ())), r.get("rev", 1))
    for key, r in data.get("plans", {}).items():
        workplan.plans[int(key)] = plan_from_raw(key, r)
    for key, r in data.get("votes", {}).items():
        workplan.votes.append(
            Vote(int(key), r["plan"], r["member"], r["position"], r.get("comment", ""), r.get("at", ""))
        )
    workplan.votes.sort(key=lambda v: (v.at, v.id))
    for key, r in data.get("outcomes", {}).items():
        workplan.outcomes[int(key)] = Outcome(
            id=int(key),
            plan=r["plan"],
            name=r["name"],
            target=r["target"],
            baseline=r.get("baseline", 0.0),
            current=r.get("current", r.get("baseline", 0.0)),
            unit=r.get("unit", ""),
            due=r.get("due"),
            checkins=[CheckIn(c["value"], c["by"], c["at"], c.get("note", "")) for c in r.get("checkins", ())],
            rev=r.get("rev", 1),
        )
    tasks = workplan.tasks
    for key, r in data.get("tasks", {}).items():
        tasks[int(key)] = task_from_raw(key, r)
    for key, r in data.get("conflicts", {}).items():
        workplan.conflicts[int(key)] = conflict_from_raw(key, r)
    for key, r in data.get("grants", {}).items():
        workplan.grants[int(key)] = grant_from_raw(key, r)
    return workplan


def conflict_from_raw(key: str, r: Mapping[str, Any]) -> Conflict:
    """One conflicts record (already checked) as a Conflict."""
    return Conflict(
        int(key),
        r["table"],
        r["key"],
        r["record"],
        r["field"],
        r.get("base"),
        [ConflictSide(s["value"], s["by"], s["at"]) for s in r["sides"]],
        r["at"],
        r.get("merged_by", ""),
    )


def contribution_from_raw(c: Mapping[str, Any]) -> Contribution:
    """One contribution of a partner record (already checked) as a Contribution."""
    return Contribution(
        c["kind"],
        c["description"],
        c.get("amount"),
        c.get("hours"),
        c.get("rate"),
        c.get("grant"),
        [
            Delivery(d["amount"], d["on"], d["by"], d["at"], d.get("note", ""), d.get("hours"))
            for d in c.get("deliveries", ())
        ],
    )


def grant_from_raw(key: str, r: Mapping[str, Any]) -> Grant:
    """One grant record (already checked) as a Grant."""
    return Grant(
        int(key),
        r["name"],
        r["funder"],
        r["recipient"],
        r["amount"],
        r["match"],
        r.get("created_at", ""),
        r.get("rev", 1),
    )


def plan_from_raw(key: str, r: Mapping[str, Any]) -> Plan:
    """One plan record (already checked) as a Plan."""
    return Plan(
        int(key),
        r["title"],
        r.get("scope", ""),
        r.get("status", "draft"),
        r.get("rule", "consensus"),
        r.get("created_at", ""),
        r.get("rev", 1),
    )


def task_from_raw(key: str, r: Mapping[str, Any]) -> Task:
    """One task record (already validated) as a Task."""
    try:  # every field present, as workplan writes a task: subscripts are half the cost of get()
        updates = r["updates"]
        return Task(
            int(key),
            r["plan"],
            r["title"],
            r["notes"],
            r["owner"],
            r["status"],
            r["progress"],
            r["due"],
            r["outcome"],
            r["blocked_reason"],
            [TaskUpdate(u["by"], u["at"], u["text"]) for u in updates] if updates else [],
            r["created_at"],
            r["updated_at"],
            r["rev"],
        )
    except KeyError:
        pass
    get = r.get
    updates = get("updates")
    return Task(
        int(key),
        r["plan"],
        r["title"],
        get("notes", ""),
        get("owner"),
        get("status", "todo"),
        get("progress", 0),
        get("due"),
        get("outcome"),
        get("blocked_reason", ""),
        [TaskUpdate(u["by"], u["at"], u["text"]) for u in updates] if updates else [],
        get("created_at", ""),
        get("updated_at", ""),
        get("rev", 1),
    )


def load(data: Any) -> Workplan:
    """Validate and build; SchemaError (or NewerSchemaError) when the data is unusable."""
    problems = validate(data)
    if problems:
        raise SchemaError(problems)
    return build(data)
