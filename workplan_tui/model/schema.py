"""Read the raw tables of a partnership file into records, checking every field.

The file is shared and may be edited by hand, so nothing in it is trusted. The records'
declarations (``model/records.py``) say what each field may hold; from them alone:

* msgspec checks every field's type, length, range and allowed words as it builds the
  records (``msgspec.convert``, in C);
* the plain checks the types name (``extra``: a pattern, text that must not be blank, a
  grant's match rate) run after it, a column at a time (one pattern over every task's
  ``created_at`` joined: a third fewer instructions than a call per value);
* when something is wrong, every problem is found again field by field and said for
  people, naming the record, the field and what was expected (``in_words``).

At 10,000 tasks ``validate`` costs about half the instructions of the check it replaced
(README, Benchmarks). Fields this version does not know are left alone (they stay in the
file; see the store). What no type can say is plain code here too: the schema version,
canonical ids, references between tables (a task's plan exists) and values that must be
unique in their table (a partner's code).
"""

from __future__ import annotations

import copy
import re
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache, partial
from itertools import chain
from operator import attrgetter, itemgetter
from typing import Annotated, Any, Literal, NamedTuple, Union, get_args, get_origin

import msgspec
from msgspec import Meta, Struct, UnsetType

from workplan_tui.model.records import (
    CODE_PATTERN,
    DATE_PATTERN,
    HANDLE_PATTERN,
    KEYED,
    RECORDS,
    SCHEMA_VERSION,
    TIMESTAMP_PATTERN,
    Keyed,
    Partnership,
    Vote,
    Workplan,
    label,
)
from workplan_tui.model.records import CREATED_TABLES as CREATED_TABLES
from workplan_tui.model.records import LEGACY_TABLES as LEGACY_TABLES
from workplan_tui.model.records import MAX_ID as MAX_ID
from workplan_tui.model.records import MAX_NUMBER as MAX_NUMBER
from workplan_tui.model.records import TABLES as TABLES
from workplan_tui.model.text import clean

Check = Callable[[Any], "str | None"]  # a value's problem in words, or None


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


# --- single values, as the forms and actions ask ---------------------------------------------------


@cache
def whole(pattern: str) -> re.Pattern[str]:
    """A declared pattern (``records.HANDLE_PATTERN``) compiled to match a whole text."""
    return re.compile(f"(?:{pattern})\\Z")


def valid_handle(text: str) -> bool:
    """A member handle (``records.Handle``): 1-32 ASCII letters, digits, '.', '-' or '_'."""
    return whole(HANDLE_PATTERN).match(text) is not None


def valid_code(text: str) -> bool:
    """A partner code (``records.Code``): 1-16 ASCII letters, digits, '-' or '_'."""
    return whole(CODE_PATTERN).match(text) is not None


def looks_like_date(text: str) -> bool:
    """``YYYY-MM-DD`` in ASCII digits, real or not (``2026-02-30`` looks like one)."""
    return whole(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").match(text) is not None


def valid_date(text: object) -> bool:
    """A real calendar date written ``YYYY-MM-DD`` (``records.Date``: not 2026-02-30, not 2026-13-01)."""
    return isinstance(text, str) and whole(DATE_PATTERN).match(text) is not None


def valid_timestamp(text: object) -> bool:
    """A real instant as workplan writes it (``records.Timestamp``: 2026-11-28T09:30:00Z)."""
    return isinstance(text, str) and whole(TIMESTAMP_PATTERN).match(text) is not None


# --- what a declared type says --------------------------------------------------------------------


def _found(value: Any) -> str:
    return clean(repr(value))[:40]


def _unwrap(kind: Any) -> tuple[Any, dict[str, Any], list[Meta]]:
    """A type without its ``Annotated`` layers: (the type, their ``extra`` merged, their Metas)."""
    extra: dict[str, Any] = {}
    metas: list[Meta] = []
    while get_origin(kind) is Annotated:
        kind, *more = get_args(kind)
        for meta in more:
            if isinstance(meta, Meta):
                metas.append(meta)
                extra.update(meta.extra or {})
    return kind, extra, metas


def _limit(metas: list[Meta], name: str) -> Any:
    return next((getattr(m, name) for m in metas if getattr(m, name) is not None), None)


def _is_union(kind: Any) -> bool:
    return get_origin(kind) in (Union, types.UnionType)


def _options(kind: Any) -> list[Any]:
    """The types a value of ``kind`` may have besides None, or being absent (``X | None`` -> [X])."""
    return [k for k in get_args(kind) if k not in (type(None), UnsetType)] if _is_union(kind) else [kind]


def _is_number(kind: Any) -> bool:
    """The union of a whole and a decimal number (``records.Number``, ``records.Amount``)."""
    return _is_union(kind) and {_unwrap(k)[0] for k in get_args(kind)} == {int, float}


def _maybe_number(kind: Any) -> bool:
    """A number, or a number or None (``Amount | None``)."""
    return _is_union(kind) and {_unwrap(k)[0] for k in _options(kind)} == {int, float}


def _is_struct(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, Struct)


def extra_of(kind: Any) -> dict[str, Any]:
    """The ``extra`` a declared type carries (``{"refers_to": "plans", ...}``), also inside ``X | None``."""
    kind, extra, _ = _unwrap(kind)
    if _is_union(kind):
        for option in get_args(kind):
            extra = {**_unwrap(option)[1], **extra}
    return extra


# --- the words of a problem ------------------------------------------------------------------------


def in_words(kind: Any, value: Any) -> str | None:
    """What is wrong with ``value`` as a field of type ``kind`` (a type declared in
    ``records``), in words that follow the field's name, or None when it is right::

        in_words(records.Percent, 101) == "must be a whole number from 0 to 100 (found 101)"

    msgspec and the plain checks give the verdict; the words come from the declaration
    (its limits and ``extra["words"]``), the innermost thing wrong first ("'updates'
    entry 2 'at' must be a UTC timestamp ..."). Never raises.
    """
    try:
        msgspec.convert(value, kind)
    except msgspec.ValidationError:
        return _words(kind, value) or f"must be {_name_of(kind)} (found {_found(value)})"
    except (TypeError, ValueError, RecursionError):  # a value msgspec cannot take at all
        return f"must be {_name_of(kind)} (found {_found(value)})"
    checks = _checks_of(kind)
    return checks(value) if checks is not None else None


def _name_of(kind: Any) -> str:
    kind, extra, _ = _unwrap(kind)
    if "words" in extra:
        return str(extra["words"])
    if _is_struct(kind):
        return "an object"
    names = {
        str: "text",
        bool: "true or false",
        int: "a whole number",
        float: "a number",
        list: "a list",
        dict: "an object",
    }
    return names.get(get_origin(kind) or kind, "a value of another kind")


def _words(kind: Any, value: Any) -> str | None:
    """Why msgspec refused ``value`` as ``kind``, in words (None when no rule below finds it)."""
    kind, extra, metas = _unwrap(kind)
    words = extra.get("words")
    if kind is Any:
        return None
    if _maybe_number(kind):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be a number (found {_found(value)})"
        if value != value or value in (float("inf"), float("-inf")):
            return "must be a finite number"
        least = _limit(_unwrap(_options(kind)[0])[2], "ge")
        if least is not None and value < least:
            return f"must not be negative (found {_found(value)})" if least == 0 else f"must be at least {least}"
        return f"must be at most {MAX_NUMBER:.0e} in size (found {_found(value)})"
    if _is_union(kind):
        if value is None and type(None) in get_args(kind):
            return None
        options = _options(kind)
        return in_words(options[0], value) if len(options) == 1 else None
    if get_origin(kind) is Literal:
        return f"must be one of {', '.join(map(str, get_args(kind)))} (found {_found(value)})"
    if kind is str:
        if not isinstance(value, str):
            return (
                f"must be {words} (found {_found(value)})" if words else f"must be text (found {type(value).__name__})"
            )
        most = _limit(metas, "max_length")
        return f"is {len(value)} characters long; at most {most} allowed" if most is not None else None
    if kind in (int, float):
        if words:
            return f"must be {words} (found {_found(value)})"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be {_name_of(kind)} (found {_found(value)})"
        return f"must be from {_limit(metas, 'ge')} to {_limit(metas, 'le')} (found {_found(value)})"
    if get_origin(kind) is list:
        return _list_words(get_args(kind)[0], value, metas)
    if get_origin(kind) is dict:
        return _dict_words(get_args(kind), value, metas)
    if _is_struct(kind):
        return _object_words(kind, value)
    return None


def _list_words(item: Any, value: Any, metas: list[Meta]) -> str | None:
    if not isinstance(value, list):
        return f"must be a list (found {type(value).__name__})"
    least, most = _limit(metas, "min_length"), _limit(metas, "max_length")
    if least is not None and least == most and len(value) != most:
        return f"must hold {most} entries (found {len(value)})"
    if most is not None and len(value) > most:
        return f"has {len(value)} entries; at most {most} allowed"
    if least is not None and len(value) < least:
        return f"has {len(value)} entries; at least {least} needed"
    for number, entry in enumerate(value, 1):
        problem = in_words(item, entry)
        if problem:
            return f"entry {number} {problem}"
    return None


def _dict_words(args: tuple[Any, ...], value: Any, metas: list[Meta]) -> str | None:
    if not isinstance(value, dict):
        return f"must be an object (found {type(value).__name__})"
    most = _limit(metas, "max_length")
    if most is not None and len(value) > most:
        return f"has {len(value)} entries; at most {most} allowed"
    key_kind, item_kind = args
    for key, item in value.items():
        problem = in_words(key_kind, key)
        if problem:
            return f"has a key {_found(key)} that {problem}"
        problem = in_words(item_kind, item)
        if problem:
            return f"'{clean(key)[:40]}' {problem}"
    return None


def _object_words(kind: type[Struct], value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"must be an object (found {type(value).__name__})"
    fields = msgspec.structs.fields(kind)
    if kind.__struct_config__.forbid_unknown_fields:
        known = {f.encode_name for f in fields}
        unknown = next((k for k in value if k not in known), None)
        if unknown is not None:
            return f"has an unknown field {_found(unknown)}"
    for f in fields:
        if f.encode_name not in value:
            if f.required:
                return f"lacks '{f.encode_name}'"
            continue
        problem = in_words(f.type, value[f.encode_name])
        if problem:
            return f"'{f.encode_name}' {problem}"
    return None


# --- the plain checks: one value at a time ------------------------------------------------------------


def _leaf_check(extra: Mapping[str, Any]) -> Check | None:
    """The plain checks of one text (``extra``: "not_blank", "pattern", "check"), in words."""
    blank, pattern, check = extra.get("not_blank"), extra.get("pattern"), extra.get("check")
    if not (blank or pattern or check):
        return None

    def leaf(value: Any) -> str | None:
        if blank and (not value or value.isspace()):
            return "must not be empty"
        if pattern is not None and not whole(pattern).match(value):
            shape = extra.get("shape")
            if shape is not None and whole(shape).match(value):  # written right, not in the calendar
                real, why = extra["real"]
                return f"must be {real} (found {value!r}: {why})"
            return f"must be {extra['words']} (found {_found(value)})"
        return check(value) if check is not None else None

    return leaf


@cache
def _checks_of(kind: Any) -> Check | None:
    """The plain checks anywhere inside ``kind``, as one function of a value msgspec
    accepted (as stored: objects are dicts); None when ``kind`` has none."""
    inner, extra, _ = _unwrap(kind)
    if inner is str:
        return _leaf_check(extra)
    if _is_union(inner):
        found = [(k, c) for k in get_args(inner) if (c := _checks_of(k)) is not None]
        if not found:
            return None
        return lambda value: next((c(value) for k, c in found if _fits(k, value)), None)
    if get_origin(inner) is list:
        item = _checks_of(get_args(inner)[0])
        if item is None:
            return None
        return lambda value: next((p for n, v in enumerate(value, 1) if (p := _first(f"entry {n}", item, v))), None)
    if get_origin(inner) is dict:
        key_check, item_check = (_checks_of(k) for k in get_args(inner))
        if key_check is None and item_check is None:
            return None
        return lambda value: _dict_problem(value, key_check, item_check)
    if _is_struct(inner):
        checked = [(f.encode_name, c) for f in msgspec.structs.fields(inner) if (c := _checks_of(f.type)) is not None]
        if not checked:
            return None
        return lambda value: next(
            (f"'{name}' {p}" for name, c in checked if name in value and (p := c(value[name]))), None
        )
    return None


def _first(where: str, check: Check, value: Any) -> str | None:
    problem = check(value)
    return f"{where} {problem}" if problem else None


def _dict_problem(value: dict[str, Any], key_check: Check | None, item_check: Check | None) -> str | None:
    for key, item in value.items():
        if key_check is not None and (problem := key_check(key)):
            return f"has a key {_found(key)} that {problem}"
        if item_check is not None and (problem := item_check(item)):
            return f"'{clean(key)[:40]}' {problem}"
    return None


def _fits(kind: Any, value: Any) -> bool:
    try:
        msgspec.convert(value, kind)
    except msgspec.ValidationError:
        return False
    return True


# --- the plain checks: a column at a time -------------------------------------------------------------


class _Column(NamedTuple):
    """The values of one field across a table (``path``: ``("updates", "at")`` is the ``at``
    of every update of every task) and the check of all of them at once."""

    path: tuple[str, ...]  # attribute names; all but the last name a list of records, or a record
    sound: Callable[[list[Any]], bool]
    # The field's default when it would fail the check ("" for a time not set): read as "not
    # set" unless the file holds it. ``stored``: check the values as stored (a list whose
    # records have such a default), ``path`` being one field.
    unset: Any = msgspec.NODEFAULT
    stored: bool = False


def _batch(extra: Mapping[str, Any]) -> Callable[[list[Any]], bool] | None:
    """The plain checks of ``extra`` over a list of texts: True when every one passes."""
    blank, pattern, check = extra.get("not_blank"), extra.get("pattern"), extra.get("check")
    if not (blank or pattern or check):
        return None
    joined = re.compile(f"(?:(?:{pattern})\n)*\\Z") if pattern is not None else None

    def sound(values: list[Any]) -> bool:
        if blank and ("" in values or any(map(str.isspace, values))):
            return False
        if joined is not None and values:
            text = "\n".join(values) + "\n"  # a newline inside a value makes the count differ
            if text.count("\n") != len(values) or joined.match(text) is None:
                return False
        return check is None or not any(map(check, values))

    return sound


def _each(check: Check) -> Callable[[list[Any]], bool]:
    return lambda values: not any(map(check, values))


@cache
def _columns(cls: type[Struct]) -> tuple[_Column, ...]:
    """Every field of ``cls`` (nested records included) that has plain checks, as columns."""
    found: list[_Column] = []
    for f in msgspec.structs.fields(cls):
        kind = _unwrap(f.type)[0]
        for option in _options(kind) if _is_union(kind) else [f.type]:
            inner, extra, _ = _unwrap(option)
            if get_origin(inner) is list and _is_struct(item := _unwrap(get_args(inner)[0])[0]):
                inside = _columns(item)
            elif _is_struct(inner):
                inside = _columns(inner)
            else:
                inside = None
            if inside is not None:
                if any(c.unset is not msgspec.NODEFAULT or c.stored for c in inside):
                    whole = _checks_of(option)
                    assert whole is not None
                    found.append(_Column((f.name,), _each(whole), stored=True))
                else:
                    found += [_Column((f.name, *c.path), c.sound) for c in inside]
                continue
            sound = _batch(extra) if inner is str else None
            if sound is None and (check := _checks_of(option)) is not None:  # a dict: each value on its own
                sound = _each(check)
            if sound is not None:
                leaf = _checks_of(option)
                default = f.default
                fails = default is not msgspec.NODEFAULT and default is not None and leaf is not None and leaf(default)
                found.append(_Column((f.name,), sound, default if fails else msgspec.NODEFAULT))
    return tuple(found)


def _column(records: dict[str, Any], stored: Mapping[str, Any], column: _Column) -> list[Any]:
    """The values ``column`` checks in a table (``records`` as msgspec built them, ``stored``
    as the file holds them); None is left out: an optional field not set."""
    path = column.path
    if column.stored:
        name = path[0]
        return [stored[key][name] for key in records if name in stored[key]]
    values: list[Any] = list(records.values())
    for name in path[:-1]:
        step = [v for v in map(attrgetter(name), values) if v is not None]
        values = list(chain.from_iterable(step)) if step and isinstance(step[0], list) else step
    last = path[-1]
    found = list(map(attrgetter(last), values))
    if None in found:
        found = [v for v in found if v is not None]
    unset = column.unset
    if unset is msgspec.NODEFAULT or unset not in found:
        return found
    # A top-level field at its default: checked only where the file holds it.
    return [v for key, v in zip(records, found, strict=True) if v != unset or last in stored[key]]


def _columns_sound(data: Mapping[str, Any], read: dict[str, dict[str, Any]]) -> bool:
    """Whether every record msgspec built passes the plain checks (a column at a time)."""
    for table, records in read.items():
        if records and not all(
            column.sound(_column(records, data[table], column)) for column in _columns(KEYED[table])
        ):
            return False
    return True


# --- one record, one table ------------------------------------------------------------------------


@cache
def _table_type(table: str) -> Any:
    """``dict[str, Task]``: a table as msgspec reads it (the keys are checked as ids are given)."""
    return dict[str, KEYED[table]]  # type: ignore[valid-type]


def _canonical(key: str) -> bool:
    """A record id as the file spells it: 1 to 999999999 in ASCII digits, no leading zero
    (PRODUCT.md: "01" or another script's digit beside "1" would name one record twice)."""
    return 0 < len(key) <= 9 and key.isdigit() and key.isascii() and key[0] != "0"


_KEYS = re.compile(r"(?:[1-9][0-9]{0,8}\n)*\Z")


def _all_canonical(keys: list[str]) -> bool:
    """Whether every key is ``_canonical``, asked of all at once (one pattern over the keys
    joined by newlines; a newline inside a key makes the count differ)."""
    if not keys:
        return True
    joined = "\n".join(keys) + "\n"
    return joined.count("\n") == len(keys) and _KEYS.match(joined) is not None


def record_problem(table: str, record: Any) -> str | None:
    """What is wrong with one record of a known table ('progress' must be ...), or None.

    Fields only; references between records are checked by ``validate``. A table this
    version does not know has no rules (its records are kept as they are).
    """
    cls = KEYED.get(table)
    return in_words(cls, record) if cls is not None else None


def record_of(table: str, key: str, raw: Mapping[str, Any]) -> Any:
    """One stored record of ``table`` under ``key`` as its record: ``record_of("tasks", "12",
    {...})`` -> ``Task`` with id 12. Raises SchemaError naming the field for one that is not sound."""
    problem = record_problem(table, raw)
    if problem is not None:
        raise SchemaError([Problem(_where(table, key, raw), problem)])
    record = msgspec.convert(raw, KEYED[table])
    record.id = int(key)
    return record


def _where(table: str, key: str, record: Mapping[str, Any]) -> str:
    """How a problem names a record: ``task T12``, ``partner 'CITY'``, ``partnership (meta)``."""
    cls = KEYED.get(table)
    named_by = cls.NAMED_BY if cls is not None else None
    if cls is not None and named_by is not None and isinstance(record, Mapping):
        if isinstance(record.get(named_by), str):
            return f"{cls.NAME} {record[named_by]!r:.40}"
    if table == Partnership.TABLE:
        return "partnership (meta)"
    if _canonical(key):
        return f"{cls.NAME if cls else table} {label(table, int(key))}"
    return f"{table} record {_found(key)[:20]}"


# --- the whole file -----------------------------------------------------------------------------------


def check_version(data: Any, *, allow_newer: bool = False) -> list[Problem]:
    """Problems that make the data not a workplan file, or one too new to use.

    With ``allow_newer``, a newer schema is not itself a problem (for reading only);
    without it, a newer schema raises NewerSchemaError.
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


def load(data: Any, *, allow_newer: bool = False, sealed: bool = False) -> Workplan:
    """The partnership in ``data`` (a parsed file: ``{table: {id: record}}``) as records,
    every field and reference checked on the way.

    ``sealed``: the file's seal says workplan wrote it exactly (store/layout.py), so the
    plain checks (patterns, blank text, match rates: what msgspec does not check as it
    builds) are not made again; types, lengths and references still are. Raises
    SchemaError listing every problem (NewerSchemaError for a file of a newer schema,
    unless ``allow_newer``: the records this version knows are read).
    """
    problems = check_version(data, allow_newer=allow_newer)
    if problems:
        raise SchemaError(problems)
    tables = TABLES if data["meta"]["1"]["schema_version"] >= 2 else LEGACY_TABLES
    try:
        read = {table: msgspec.convert(data.get(table, {}), _table_type(table)) for table in tables}
        workplan = _workplan(read)
        if not sealed and not _columns_sound(data, read):
            raise ValueError("a plain check failed")
    except (msgspec.ValidationError, ValueError):
        raise SchemaError(list(_field_problems(data, tables)) or [Problem("file", "is not sound")]) from None
    problems = _reference_problems(read)
    if not problems:
        problems = _dependency_problems(read)
    if problems:
        raise SchemaError(problems)
    return workplan


def validate(data: Any, *, allow_newer: bool = False) -> list[Problem]:
    """Every problem in the raw data (empty when the file is sound). Raises NewerSchemaError
    for a file of a newer schema, unless ``allow_newer``."""
    try:
        load(data, allow_newer=allow_newer)
    except NewerSchemaError:
        raise
    except SchemaError as exc:
        return exc.problems
    return []


def build(data: Any, *, sealed: bool = False) -> Workplan:
    """The records of a file read for reading (a newer schema too); SchemaError when unsound."""
    return load(data, allow_newer=True, sealed=sealed)


def _workplan(read: dict[str, dict[str, Any]]) -> Workplan:
    """The Workplan of the tables msgspec read (``{table: {key: record}}``), each record with
    its id. Raises ValueError for a key that is not a canonical id."""
    tables: dict[str, Any] = {}
    for table, records in read.items():
        keys, values = list(records), list(records.values())
        if not _all_canonical(keys):
            raise ValueError(f"{table}: a key is not a record id")
        ids = list(map(int, keys))
        for record, number in zip(values, ids, strict=True):
            record.id = number
        cls = RECORDS.get(table)
        if cls is not None and cls.NAMED_BY is not None:
            tables[table] = {getattr(record, cls.NAMED_BY): record for record in values}
        else:
            tables[table] = dict(zip(ids, values, strict=True))
    votes = sorted(tables.pop(Vote.TABLE, {}).values(), key=lambda v: (v.at, v.id))
    meta = tables.pop(Partnership.TABLE)
    tables.pop("activity", None)
    return Workplan(meta[1], votes=votes, **tables)


def patch(
    workplan: Workplan,
    updates: Mapping[str, Mapping[str, Any]],
    orders: Mapping[str, list[str]] | None = None,
) -> Workplan:
    """``workplan`` with some records changed, added or removed, every other record shared
    with it (the same objects): a newer version of the file read by what changed
    (store/patch.py).

    ``updates[table][key]`` is a record as stored (``{"title": ...}``) under its key
    (``"12"``), or None where it was removed; ``orders[table]``, when given, is the table's
    every key in the file's order (else records added go after the others, as a write adds
    them). Each record given is checked as ``load`` checks it (its fields, then every
    reference to or from the tables changed, and unique values); tables this version does
    not know are left out, as ``load`` leaves them. Raises SchemaError when anything is
    not sound: the caller then reads the file whole, which says what is wrong.
    """
    orders = orders or {}
    changed: dict[str, Any] = {}
    for table, records in updates.items():
        cls = RECORDS.get(table)
        if cls is None:
            continue  # kept in the file, not read (as load)
        built: dict[int, Any] = {}
        for key, stored in records.items():
            if not _canonical(key):
                raise SchemaError([Problem(f"{table} record {_found(key)[:20]}", "id must be a record id")])
            built[int(key)] = None if stored is None else record_of(table, key, stored)
        order = [int(key) for key in orders[table]] if table in orders else None
        if table == Partnership.TABLE:
            partnership = built.get(1, workplan.partnership)
            if partnership is None:
                raise SchemaError([Problem("file", "not a workplan file (no 'meta' table with record 1)")])
            changed["partnership"] = partnership
            continue
        if table == Vote.TABLE:
            by_id = _patched({v.id: v for v in workplan.votes}, built, order)
            changed[table] = sorted(by_id.values(), key=lambda v: (v.at, v.id))
        elif cls.NAMED_BY is not None:
            old: dict[str, Any] = getattr(workplan, table)
            by_id = _patched({r.id: r for r in old.values()}, built, order)
            changed[table] = {getattr(r, cls.NAMED_BY): r for r in by_id.values()}
            if len(changed[table]) != len(by_id):
                raise SchemaError([Problem(cls.NAME, f"{cls.NAMED_BY} is used by another {cls.NAME}")])
        else:
            changed[table] = _patched(getattr(workplan, table), built, order)
    result = msgspec.structs.replace(workplan, **changed)
    touched = {table for table in updates if table in RECORDS}
    # A reference to a record can only stop holding when records of its table went away: one
    # removed, or, for a table referred to by a name (partners by code), one renamed.
    lost = {t for t in touched if RECORDS[t].NAMED_BY is not None or any(v is None for v in updates[t].values())}
    if not _references_sound(result, touched, {t: {int(k) for k in updates[t]} for t in touched}, lost):
        raise SchemaError([Problem("file", "a reference does not hold")])
    return result


def _patched(records: dict[int, Any], built: dict[int, Any], order: list[int] | None) -> dict[int, Any]:
    """A copy of ``records`` (id -> record) with ``built`` applied (None removes), in ``order``
    when given, else with new ids last."""
    result = dict(records)
    for number, record in built.items():
        if record is None:
            result.pop(number, None)
        else:
            result[number] = record
    if order is not None:
        if len(order) != len(result) or not result.keys() >= set(order):
            raise SchemaError([Problem("file", "the order of a table does not match its records")])
        result = {number: result[number] for number in order}
    return result


def _table_records(workplan: Workplan, table: str) -> Iterable[Any]:
    """The records of one table of ``workplan``, in any order."""
    if table == Partnership.TABLE:
        return [workplan.partnership]
    records = getattr(workplan, table)
    return records if isinstance(records, list) else records.values()


def _changed_records(workplan: Workplan, table: str, ids: set[int], records: Iterable[Any]) -> Iterable[Any]:
    """The records of ``table`` whose ids are in ``ids`` (those removed are not there)."""
    by_id = getattr(workplan, table, None)
    if isinstance(by_id, dict) and RECORDS[table].NAMED_BY is None:
        return [by_id[number] for number in ids if number in by_id]
    return [r for r in records if r.id in ids]  # a small table: votes, partners, members


def _references_sound(workplan: Workplan, touched: set[str], ids: dict[str, set[int]], lost: set[str]) -> bool:
    """Whether every reference from or to a table in ``touched`` holds, every unique value is
    unique, and no changed task closes a circle of tasks waiting on each other, in ``workplan``
    (``_reference_problems`` and ``_dependency_problems`` for a file read whole). ``lost``: the
    tables of ``touched`` that may have lost a record a reference names (one removed, or one of
    a table named by a field changed). A rule whose target lost nothing is asked of its own
    table's changed records (``ids``) only: every record it names that was there still is (at
    1,000 tasks, asking every task's ``waits_on`` at each change of a task was 1 ms a write)."""
    for rule in _rules():
        target_touched = rule.target is not None and rule.target in lost
        if rule.table not in touched and not target_touched:
            continue
        records = _table_records(workplan, rule.table)
        if rule.target is None:
            values = list(map(attrgetter(rule.field), records))
            if len(set(values)) != len(values):
                return False
            continue
        target = RECORDS[rule.target]
        existing: Any = getattr(workplan, rule.target)
        if isinstance(existing, list):
            existing = {r.id for r in existing}
        elif target.NAMED_BY is not None:
            existing = existing.keys()  # named by the field references use
        if not target_touched:  # only records of this table changed: ask those
            records = _changed_records(workplan, rule.table, ids[rule.table], records)
        for record in records:
            if rule.many:  # a list of references (a task's waits_on): each must exist, none twice
                values = getattr(record, rule.field)
                if len(set(values)) != len(values):
                    return False
            elif rule.within is None:
                values = [getattr(record, rule.field)]
            else:
                values = [getattr(item, rule.field) for item in getattr(record, rule.within)]
            if any(value is not None and value not in existing for value in values):
                return False
    if "tasks" in touched and any(t is not None and t.waits_on for t in map(workplan.tasks.get, ids["tasks"])):
        from workplan_tui.model.schedule import find_cycle

        if find_cycle({t.id: t.waits_on for t in workplan.tasks.values() if t.waits_on}) is not None:
            return False  # a circle of tasks waiting on each other (``_dependency_problems``)
    return True


def _field_problems(data: Mapping[str, Any], tables: tuple[str, ...]) -> Iterator[Problem]:
    """Every field problem of ``data``, in words, table by table, record by record."""
    for table in tables:
        raw = data.get(table, {})
        if not isinstance(raw, Mapping):
            yield Problem(table, f"table must be an object (found {type(raw).__name__})")
            continue
        fields = msgspec.structs.fields(KEYED[table])
        for key, record in raw.items():
            if not _canonical(key):
                yield Problem(
                    f"{table} record {_found(key)[:20]}",
                    f"id must be a whole number from 1 to {MAX_ID}, no leading zero",
                )
                continue
            if not isinstance(record, dict):
                yield Problem(_where(table, key, {}), f"must be an object (found {type(record).__name__})")
                continue
            where = _where(table, key, record)
            for f in fields:
                if f.encode_name not in record:
                    if f.required:
                        yield Problem(where, f"lacks '{f.encode_name}'")
                    continue
                problem = in_words(f.type, record[f.encode_name])
                if problem:
                    yield Problem(where, f"'{f.encode_name}' {problem}")


# --- references between tables, unique values --------------------------------------------------------


class _Rule(NamedTuple):
    """A field that names a record of another table (``refers_to``), or must be unique."""

    table: str
    field: str
    target: str | None  # the table referred to; None for a unique value
    within: str | None  # the list field holding the nested records it is in (a partner's contributions)
    many: bool = False  # the field is a list of references (the tasks a task waits on)


@cache
def _rules() -> tuple[_Rule, ...]:
    """Every reference and unique value the records declare (``extra["refers_to"]``, ``["unique"]``)."""
    found = []
    for table, cls in RECORDS.items():
        for f in msgspec.structs.fields(cls):
            kind, extra = _unwrap(f.type)[0], extra_of(f.type)
            if "refers_to" in extra:
                found.append(_Rule(table, f.name, extra["refers_to"], None))
            elif extra.get("unique"):
                found.append(_Rule(table, f.name, None, None))
            elif get_origin(kind) is list and "refers_to" in (inner_extra := _unwrap(get_args(kind)[0])[1]):
                found.append(_Rule(table, f.name, inner_extra["refers_to"], None, many=True))
            elif get_origin(kind) is list and _is_struct(item := _unwrap(get_args(kind)[0])[0]):
                for inner in msgspec.structs.fields(item):
                    target = extra_of(inner.type).get("refers_to")
                    if target is not None:
                        found.append(_Rule(table, inner.name, target, f.name))
    return tuple(rule for rule in found if rule.target is None or rule.target in RECORDS)


def _reference_problems(read: dict[str, dict[str, Any]]) -> list[Problem]:
    """References to records that do not exist, and values used twice where they must be unique."""
    problems: list[Problem] = []
    for rule in _rules():
        records = read.get(rule.table, {})
        cls = RECORDS[rule.table]
        if rule.target is None:
            values = list(map(attrgetter(rule.field), records.values()))
            if len(set(values)) == len(values):
                continue
            seen: set[Any] = set()
            for key, record in records.items():
                value = getattr(record, rule.field)
                if value in seen:
                    problems.append(Problem(_named(cls, key, record), f"{rule.field} is used by another {cls.NAME}"))
                seen.add(value)
            continue
        target = RECORDS[rule.target]
        if target.NAMED_BY is not None:
            existing: set[Any] = {getattr(r, target.NAMED_BY) for r in read.get(rule.target, {}).values()}
        else:
            existing = set(map(int, read.get(rule.target, {})))
        existing.add(None)
        if rule.many:
            problems += _list_problems(rule, cls, target, records, existing)
            continue
        if rule.within is None and existing.issuperset(map(attrgetter(rule.field), records.values())):
            continue  # every reference holds (the common case: one pass)
        for key, record in records.items():
            if rule.within is None:
                value = getattr(record, rule.field)
                if value not in existing:
                    problems.append(Problem(_named(cls, key, record), _missing(rule, target, value)))
                continue
            for number, item in enumerate(getattr(record, rule.within), 1):
                value = getattr(item, rule.field)
                if value not in existing:
                    thing = rule.within.removesuffix("s")
                    problems.append(
                        Problem(_named(cls, key, record), f"{thing} {number}: {_missing(rule, target, value)}")
                    )
    return problems


def _list_problems(
    rule: _Rule, cls: type[Keyed], target: type[Keyed], records: dict[str, Any], existing: set[Any]
) -> list[Problem]:
    """A list of references (a task's ``waits_on``): each must exist, and none be there twice.
    Only the records whose list is not empty are looked at (found in C: most tasks wait on nothing)."""
    problems: list[Problem] = []
    for key, values in filter(itemgetter(1), zip(records, map(attrgetter(rule.field), records.values()), strict=False)):
        record = records[key]
        for value in values:
            if value not in existing:
                problems.append(Problem(_named(cls, key, record), f"{rule.field}: {_missing(rule, target, value)}"))
        if len(set(values)) != len(values):
            twice = next(v for v in values if values.count(v) > 1)
            problems.append(Problem(_named(cls, key, record), f"{rule.field} lists {label(target.TABLE, twice)} twice"))
    return problems


def _dependency_problems(read: dict[str, dict[str, Any]]) -> list[Problem]:
    """Tasks that wait on each other in a circle (none could ever start): named round the circle."""
    tasks = read.get("tasks", {})
    waits = {
        int(key): values
        for key, values in filter(itemgetter(1), zip(tasks, map(attrgetter("waits_on"), tasks.values()), strict=False))
    }
    if not waits:
        return []
    from workplan_tui.model.schedule import cycle_words, find_cycle

    cycle = find_cycle(waits)
    if cycle is None:
        return []
    return [Problem(f"task {label('tasks', cycle[0])}", f"waits_on goes round in a circle: {cycle_words(cycle)}")]


def _missing(rule: _Rule, target: type[Keyed], value: Any) -> str:
    """'plan P9 does not exist', "partner 'NOPE' does not exist", "funder partner 'X' does not exist"."""
    if target.NAMED_BY is not None:
        role = "" if rule.field == target.NAME else f"{rule.field} "
        return f"{role}{target.NAME} {value!r} does not exist"
    return f"{target.NAME} {label(target.TABLE, value)} does not exist"


def _named(cls: type[Keyed], key: str, record: Any) -> str:
    named_by = cls.NAMED_BY
    return _where(cls.TABLE, key, {named_by: getattr(record, named_by)} if named_by else {})


# --- what the declarations say to the merge and the log -------------------------------------------


@cache
def appended() -> dict[tuple[str, str], str]:
    """The lists only ever added to (``records.appended``), by (table, field), each with how
    the log names one item added: ``{("tasks", "updates"): "note", ("outcomes", "checkins"):
    "checkin"}``. A merge keeps the union of both sides' items."""
    return {where: extra["logged_as"] for where, extra in _marked("append_only").items()}


def _marked(mark: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Every field whose declaration carries ``mark`` (``records.appended``, ``keyed``,
    ``unordered``, ``ordered``), by (table, field), with all its marks."""
    return {
        (table, f.encode_name): extra
        for table, cls in RECORDS.items()
        for f in msgspec.structs.fields(cls)
        if (extra := extra_of(f.type)).get(mark)
    }


def default_of(table: str, name: str) -> Any:
    """What a record of ``table`` that lacks field ``name`` holds there: its declared default (a
    fresh copy: ``[]`` for a list), None for a field with none or a table this version does not know."""
    return copy.copy(_defaults(table).get(name))


@cache
def _defaults(table: str) -> dict[str, Any]:
    cls = KEYED.get(table)
    if cls is None:
        return {}
    found = {}
    for f in msgspec.structs.fields(cls):
        if f.default is not msgspec.NODEFAULT and f.default is not msgspec.UNSET:
            if isinstance(f.default, float) and f.default in (float("inf"), float("-inf")):
                continue  # a marker, not a value (an outcome's current: its baseline)
            found[f.encode_name] = f.default
        elif f.default_factory is not msgspec.NODEFAULT:
            found[f.encode_name] = f.default_factory()
    return found


@cache
def keyed() -> dict[tuple[str, str], str]:
    """The lists of records keyed by one of their fields (``records.keyed``), by (table, field),
    each with that field: ``{("meetings", "attendance"): "member"}``. A merge merges them entry
    by entry."""
    return {where: extra["keyed_by"] for where, extra in _marked("keyed_by").items()}


def unordered() -> set[tuple[str, str]]:
    """The lists of distinct items whose order means nothing (``records.unordered``), by (table,
    field): ``{("tasks", "waits_on"), ("milestones", "tasks"), ...}``. A merge keeps what either
    side added and drops what either side took out."""
    return set(_marked("unordered"))


def ordered() -> set[tuple[str, str]]:
    """The lists whose order people chose (``records.ordered``), by (table, field):
    ``{("meetings", "agenda")}``. A merge keeps what either side added where that side put it."""
    return set(_marked("ordered"))


def list_limits() -> dict[tuple[str, str], int]:
    """The most items each bounded list may hold (its declared ``max_length``), by (table,
    field): ``{("meetings", "agenda"): 500, ...}``. A merge that would pass it makes a conflict."""
    limits: dict[tuple[str, str], int] = {}
    for table, cls in RECORDS.items():
        for f in msgspec.structs.fields(cls):
            kinds = [f.type, *(get_args(f.type) if _is_union(f.type) else ())]
            for kind in kinds:
                most = _limit(_unwrap(kind)[2], "max_length")
                if most is not None and get_origin(_unwrap(kind)[0]) is list:
                    limits[table, f.encode_name] = most
                    break
    return limits


# --- every field of every table, checked one by one ------------------------------------------------


class _Fields(Mapping[str, Mapping[str, tuple[Check, bool]]]):
    """``FIELDS[table][field] == (check, required)``: what the file check says of one field
    (``check(value)``: its problem in words, or None), derived from the declarations."""

    def __getitem__(self, table: str) -> Mapping[str, tuple[Check, bool]]:
        return _fields_of(table)

    def __iter__(self) -> Iterator[str]:
        return iter(LEGACY_TABLES)

    def __len__(self) -> int:
        return len(LEGACY_TABLES)


@cache
def _fields_of(table: str) -> dict[str, tuple[Check, bool]]:
    if table not in KEYED:
        raise KeyError(table)
    return {f.encode_name: (partial(in_words, f.type), f.required) for f in msgspec.structs.fields(KEYED[table])}


FIELDS = _Fields()
