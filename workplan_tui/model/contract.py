"""The JSON contract: every record as scripts get it from ``--json``, and its JSON Schema.

One shape everywhere (PRODUCT.md, "The command line"):

* ids are labels, ``"T12"``, ``"P3"``, ``"O4"``, ``"N2"``, ``"V7"``, ``"A41"``; so are
  references to other records (a task's ``plan`` is ``"P1"``, an undo's ``undoes`` is
  ``"A40"``). Partners are named by their ``code``, members by their ``handle``.
* dates are ISO ``YYYY-MM-DD``; times ISO 8601 in UTC with ``Z``
  (``2026-11-28T09:30:00Z``), as the file stores them.
* nested things (check-ins, task updates, votes, contributions) are JSON objects.
* a record may carry fields a newer workplan added: scripts ignore what they do not know.

``record`` shapes a stored record (the file's own dict) and ``of`` a model record;
``schema`` builds the contract as JSON Schema (draft 2020-12), which ``workplan schema``
prints with the schema of each command's output (``cli/outputs.py``). Both come from the
records' declarations (``model/records.py``): a field declared there is printed and
published, with its type, limits and allowed values, and a reference (``PlanRef``) is a
label, with nothing to write here.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, Literal, get_args, get_origin

import msgspec

from workplan_tui.model.records import (
    KEYED,
    MAX_ID,
    PREFIX,
    Conflict,
    Keyed,
    Partnership,
    Record,
    label,
    table_named,
)
from workplan_tui.model.schema import _is_number, _is_struct, _is_union, _limit, _unwrap, extra_of


def _references(cls: type[msgspec.Struct]) -> dict[str, str]:
    """The fields of ``cls`` that hold another record's id, or a list of them (the tasks a task
    waits on) -> the table referred to."""
    found = {}
    for f in msgspec.structs.fields(cls):
        target = extra_of(f.type).get("refers_to")
        kind = _unwrap(f.type)[0]
        if target is None and get_origin(kind) is list:
            target = _unwrap(get_args(kind)[0])[1].get("refers_to")
        if target is not None and target in PREFIX:
            found[f.encode_name] = target
    return found


def labelled(value: Any, table: str) -> Any:
    """A reference as its label (``9`` -> ``"T9"``), each of a list of them (``[9, 8]`` ->
    ``["T9", "T8"]``); anything else as it is."""
    if type(value) is int:
        return label(table, value)
    if isinstance(value, list):
        return [label(table, v) if type(v) is int else v for v in value]
    return value


def _nested(cls: type[msgspec.Struct]) -> dict[str, type[msgspec.Struct]]:
    """The fields of ``cls`` that hold a list of records (a partner's contributions) -> their kind."""
    found = {}
    for f in msgspec.structs.fields(cls):
        kind = _unwrap(f.type)[0]
        if get_origin(kind) is list and _is_struct(item := _unwrap(get_args(kind)[0])[0]):
            found[f.encode_name] = item
    return found


@cache
def references() -> dict[str, dict[str, str]]:
    """Fields that hold another record's id (or a list of ids), by table -> the table referred to
    (from the declarations; worked out on first use: start-up time): shown as that record's label."""
    return {table: refs for table, cls in KEYED.items() if (refs := _references(cls))}


@cache
def nested_references() -> dict[str, dict[str, dict[str, str]]]:
    """References inside a record's nested objects: table -> {list field: {field: table}}."""
    return {
        table: nested
        for table, cls in KEYED.items()
        if (nested := {name: refs for name, item in _nested(cls).items() if (refs := _references(item))})
    }


@cache
def nested_mentions() -> dict[str, dict[str, tuple[str, ...]]]:
    """Labels of records named inside a record's nested objects (``records.Mention``: an agenda
    item's or a decision's ``about``): table -> {list field: (fields)}. A merge that renumbers a
    record relabels them."""
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for table, cls in KEYED.items():
        for name, item in _nested(cls).items():
            fields = tuple(f.encode_name for f in msgspec.structs.fields(item) if extra_of(f.type).get("mentions"))
            if fields:
                found.setdefault(table, {})[name] = fields
    return found


_KEYED = {table: cls.NAMED_BY for table, cls in KEYED.items() if cls.NAMED_BY}  # named by a field, not an id


def record(table: str, doc_id: int | None, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A stored record of ``table`` (its fields as the file holds them) in the contract's shape.

    ``doc_id`` is its id (ignored for partners and members, which have none to show).
    References become labels; nested lists and objects are copied.
    """
    out: dict[str, Any] = {}
    if table not in _KEYED and table in PREFIX and doc_id is not None:
        out["id"] = label(table, doc_id)
    refs = references().get(table, {})
    nested = nested_references().get(table, {})
    for name, value in raw.items():
        if name == "id":
            continue
        if name in refs:
            value = labelled(value, refs[name])
        elif name == "changes" and table == "activity" and isinstance(value, Mapping):
            value = changes(str(raw.get("record", "")), value)
        elif name in nested and isinstance(value, list):
            value = [_labelled(item, nested[name]) for item in value]
        out[name] = _plain(value)
    return out


def _labelled(item: Any, refs: Mapping[str, str]) -> Any:
    """A nested object with its references as labels (a contribution's ``grant``: ``"G1"``)."""
    if not isinstance(item, Mapping):
        return item
    return {k: label(refs[k], v) if k in refs and type(v) is int else v for k, v in item.items()}


def changes(changed: str, pairs: Mapping[str, Any]) -> dict[str, Any]:
    """A log entry's ``{field: [before, after]}`` with ids of references as labels
    (``"outcome": [null, "O3"]`` for an entry on ``T12``); a removed record kept whole in
    the entry (``"record": [{"id": 12, "record": {...}}, null]``) in the contract's shape."""
    table = table_named(changed) or ""
    refs = references().get(table, {})
    out = {}
    for name, pair in pairs.items():
        if name in refs and isinstance(pair, list):
            pair = [labelled(v, refs[name]) for v in pair]
        elif name == "record" and isinstance(pair, list):
            pair = [_kept(table, v) for v in pair]
        out[name] = pair
    return out


def _kept(table: str, value: Any) -> Any:
    """A whole record a removal kept in the log, as the record itself would be shown."""
    if isinstance(value, Mapping) and type(value.get("id")) is int and isinstance(value.get("record"), Mapping):
        return record(table, value["id"], value["record"])
    return value


def field_value(table: str, name: str, value: Any) -> Any:
    """The value of field ``name`` of a record of ``table`` with its references as labels
    (``("tasks", "waits_on", [9, 12])`` -> ``["T9", "T12"]``); other fields as they are."""
    target = references().get(table, {}).get(name)
    return labelled(value, target) if target is not None else value


def fields(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Some fields of a record of ``table`` (``"tasks"``), references as labels."""
    refs = references().get(table, {})
    return {name: labelled(value, refs[name]) if name in refs else _plain(value) for name, value in values.items()}


def conflict(doc_id: int, raw: Mapping[str, Any], current: Any = None, *, exists: bool = True) -> dict[str, Any]:
    """A conflict a merge recorded (the stored ``conflicts`` record) as scripts see it: its
    label, the record and field, the common value (``base``, absent when the field was new),
    both sides' values with who and when, and the value the record holds now (``current``;
    ``record_exists`` false when it was removed since). References are labels (an outcome O3)."""
    refs = references().get(str(raw.get("table")), {})
    target = refs.get(str(raw.get("field")))

    def shown(value: Any) -> Any:
        return labelled(value, target) if target is not None else _plain(value)

    out: dict[str, Any] = {"id": label("conflicts", doc_id), "record": raw.get("record"), "table": raw.get("table")}
    out["field"] = raw.get("field")
    if "base" in raw:
        out["base"] = shown(raw["base"])
    out["sides"] = [{**_plain(side), "value": shown(side.get("value"))} for side in raw.get("sides", [])]
    out["current"] = shown(current)
    out["record_exists"] = exists
    out["at"] = raw.get("at")
    out["merged_by"] = raw.get("merged_by", "")
    return out


def partnership(meta: Mapping[str, Any] | Partnership) -> dict[str, Any]:
    """The partnership (meta record 1, stored or a model ``Partnership``) as scripts see it:
    name, purpose, stage, currency and schema version, each with its default when the file
    does not set it; the file's own bookkeeping (the log's commit marker, the seal) is not shown."""
    fields: Mapping[str, Any] = _plain(meta) if isinstance(meta, Partnership) else meta
    defaults = {f.encode_name: f.default for f in msgspec.structs.fields(Partnership)}
    return {name: fields.get(name, defaults.get(name)) for name in _shown(Partnership)}


def shown(item: Keyed) -> dict[str, Any]:
    """Any record of a table (``records.Task``, the ``Partnership``, ...) as scripts see it."""
    return partnership(item) if isinstance(item, Partnership) else of(item.TABLE, item)


def of(table: str, item: Keyed) -> dict[str, Any]:
    """A model record (``records.Task``, ``Activity``, ...) of ``table`` in the contract's shape."""
    values = _plain(item)
    doc_id = values.pop("id", None)
    return record(table, doc_id, values)


def of_nested(item: Record) -> dict[str, Any]:
    """A record nested in another (a meeting's decision, an outcome's check-in) as scripts see it."""
    return dict(_plain(item))


def _plain(value: Any) -> Any:
    """Records as dicts of their fields, lists and dicts copied: what JSON can hold."""
    if isinstance(value, msgspec.Struct):
        return {name: _plain(getattr(value, name)) for name in value.__struct_fields__}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# --- the schema --------------------------------------------------------------------------------


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _shown(cls: type[msgspec.Struct]) -> list[str]:
    """The fields of ``cls`` that ``--json`` prints (not the file's bookkeeping, not the id)."""
    return [
        f.encode_name for f in msgspec.structs.fields(cls) if f.name != "id" and extra_of(f.type).get("shown", True)
    ]


def _label_schema(table: str) -> dict[str, Any]:
    return {"type": "string", "pattern": f"^{PREFIX[table]}[1-9][0-9]{{0,{len(str(MAX_ID)) - 1}}}$"}


def _type_schema(kind: Any) -> dict[str, Any]:
    """The JSON Schema of a declared type (``records.Date``, ``PlanRef | None``, ...)."""
    inner, extra, metas = _unwrap(kind)
    out: dict[str, Any] = {}
    for meta in metas:
        out.update(meta.extra_json_schema or {})
        if meta.description:
            out["description"] = meta.description
    if "refers_to" in extra and extra["refers_to"] in PREFIX:
        return {**_label_schema(extra["refers_to"]), **out}
    if _is_number(inner):
        bounds = [m for k in get_args(inner) for m in _unwrap(k)[2]]
        low = min(m.ge for m in bounds if m.ge is not None)
        high = max(m.le for m in bounds if m.le is not None)
        return {"type": "number", "minimum": low, "maximum": high, **out}
    if _is_union(inner):
        options = [_type_schema(k) for k in get_args(inner) if k is not type(None)]
        if type(None) in get_args(inner):
            options.append({"type": "null"})
        return {"anyOf": options, **out}
    if get_origin(inner) is Literal:
        return {"type": "string", "enum": list(get_args(inner)), **out}
    if inner is str:
        text: dict[str, Any] = {"type": "string"}
        if _limit(metas, "max_length") is not None:
            text["maxLength"] = _limit(metas, "max_length")
        if "pattern" in extra:
            text["pattern"] = f"^{extra['pattern']}$"
        elif extra.get("not_blank"):
            text["pattern"] = "\\S"  # something besides white space
        return {**text, **out}
    if inner is bool:
        return {"type": "boolean", **out}
    if inner in (int, float):
        number: dict[str, Any] = {"type": "integer" if inner is int else "number"}
        for key, name in (("minimum", "ge"), ("maximum", "le")):
            if _limit(metas, name) is not None:
                number[key] = _limit(metas, name)
        return {**number, **out}
    if get_origin(inner) is list:
        array: dict[str, Any] = {"type": "array", "items": _type_schema(get_args(inner)[0])}
        for key, name in (("minItems", "min_length"), ("maxItems", "max_length")):
            if _limit(metas, name) is not None:
                array[key] = _limit(metas, name)
        return {**array, **out}
    if get_origin(inner) is dict:
        return {"type": "object", "additionalProperties": _type_schema(get_args(inner)[1]), **out}
    if _is_struct(inner):
        return {**_ref(inner.NAME), **out}
    return out  # Any: any JSON value


def _record_schema(cls: type[msgspec.Struct], **more: Any) -> dict[str, Any]:
    """A record as ``--json`` prints it: its label first (records with one), then every field
    shown, the file's required ones required; ``more``: properties the output adds (required)."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    if isinstance(cls, type) and issubclass(cls, Keyed) and cls.PREFIX and not cls.NAMED_BY:
        properties["id"] = _label_schema(cls.TABLE)
        required.append("id")
    fields = {f.encode_name: f for f in msgspec.structs.fields(cls)}
    for name in _shown(cls):
        properties[name] = _type_schema(fields[name].type)
        if fields[name].required:
            required.append(name)
    properties.update(more)
    required += list(more)
    return {"type": "object", "required": required, "properties": properties, "additionalProperties": True}


def _defs() -> dict[str, Any]:
    """Every record's schema and every record nested in one (a task's updates), by its NAME."""
    found: dict[str, Any] = {}

    def add(cls: type[Record], **more: Any) -> None:
        found[cls.NAME] = _record_schema(cls, **more)
        for f in msgspec.structs.fields(cls):
            for option in [_unwrap(f.type)[0], *get_args(_unwrap(f.type)[0])]:
                item = _unwrap(option)[0]
                if get_origin(item) is list:
                    item = _unwrap(get_args(item)[0])[0]
                if _is_struct(item) and item.NAME not in found and extra_of(f.type).get("shown", True):
                    add(item)

    for cls in KEYED.values():
        if cls is Conflict:  # printed with what settling it needs to know (``conflict`` below)
            add(
                cls,
                current={"description": "the value the record holds now (null when it was removed)"},
                record_exists={"type": "boolean"},
            )
        elif cls is Partnership:  # printed whole, every field with its default
            add(cls)
            found[cls.NAME]["required"] = _shown(cls)
        else:
            add(cls)
    return found


def schema(commands: Mapping[str, Any], outputs: Mapping[str, Any]) -> dict[str, Any]:
    """The contract as one JSON Schema document (draft 2020-12): the records and ``outputs``
    (more shapes, by name) under ``$defs``; under ``x-commands``, for each command as typed
    (``"task list"``), the schema of what its ``--json`` prints."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "workplan --json output",
        "description": (
            "What `workplan ... --json` prints. Ids are labels (T12, P3, O4, N2, V7, A41, C3), also in "
            "references; dates are YYYY-MM-DD; times are ISO 8601 UTC with Z; records may carry "
            "fields a newer workplan added."
        ),
        "$defs": {**_defs(), **outputs},
        "x-commands": {name: commands[name] for name in sorted(commands)},
    }


def ref(name: str) -> dict[str, str]:
    """``{"$ref": "#/$defs/NAME"}``: a record's or an output's schema, for command tables."""
    return _ref(name)


def array_of(name: str) -> dict[str, Any]:
    """The schema of a JSON array of ``name`` records."""
    return {"type": "array", "items": _ref(name)}
