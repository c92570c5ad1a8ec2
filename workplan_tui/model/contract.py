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
prints with the schema of each command's output (``cli/contract_commands.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workplan_tui.model.records import PREFIX, Partnership, Record, label, parse_label

# Fields that hold another record's id, by table: shown as that record's label.
REFERENCES: dict[str, dict[str, str]] = {
    "tasks": {"plan": "plans", "outcome": "outcomes"},
    "outcomes": {"plan": "plans"},
    "votes": {"plan": "plans"},
    "activity": {"undoes": "activity"},
}
# References inside a record's nested objects: table -> {list field: {field: table referred to}}.
NESTED_REFERENCES: dict[str, dict[str, dict[str, str]]] = {"partners": {"contributions": {"grant": "grants"}}}
_KEYED = {"partners": "code", "members": "handle"}  # named by a field, not by an id


def record(table: str, doc_id: int | None, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A stored record of ``table`` (its fields as the file holds them) in the contract's shape.

    ``doc_id`` is its id (ignored for partners and members, which have none to show).
    References become labels; nested lists and objects are copied.
    """
    out: dict[str, Any] = {}
    if table not in _KEYED and table in PREFIX and doc_id is not None:
        out["id"] = label(table, doc_id)
    refs = REFERENCES.get(table, {})
    nested = NESTED_REFERENCES.get(table, {})
    for name, value in raw.items():
        if name == "id":
            continue
        if name in refs and type(value) is int:
            value = label(refs[name], value)
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


def _unlabelled(item: Any, refs: Mapping[str, str]) -> Any:
    """The inverse of ``_labelled``: references as ids again."""
    if not isinstance(item, Mapping):
        return item
    return {k: parse_label(v, refs[k]) if k in refs and isinstance(v, str) else v for k, v in item.items()}


_TABLE_OF = {letter: table for table, letter in PREFIX.items()}


def _table_named(changed: str) -> str:
    """The table of the record a log entry names: ``T12`` -> tasks, ``member bob`` -> members."""
    word = changed.split(" ", 1)[0]
    if word in ("member", "partner"):
        return f"{word}s"
    return _TABLE_OF.get(changed[:1], "")


def changes(changed: str, pairs: Mapping[str, Any]) -> dict[str, Any]:
    """A log entry's ``{field: [before, after]}`` with ids of references as labels
    (``"outcome": [null, "O3"]`` for an entry on ``T12``); a removed record kept whole in
    the entry (``"record": [{"id": 12, "record": {...}}, null]``) in the contract's shape."""
    table = _table_named(changed)
    refs = REFERENCES.get(table, {})
    out = {}
    for name, pair in pairs.items():
        if name in refs and isinstance(pair, list):
            pair = [label(refs[name], v) if type(v) is int else v for v in pair]
        elif name == "record" and isinstance(pair, list):
            pair = [_kept(table, v) for v in pair]
        out[name] = pair
    return out


def _kept(table: str, value: Any) -> Any:
    """A whole record a removal kept in the log, as the record itself would be shown."""
    if isinstance(value, Mapping) and type(value.get("id")) is int and isinstance(value.get("record"), Mapping):
        return record(table, value["id"], value["record"])
    return value


def fields(changed: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Some fields of the record labelled ``changed`` (``"T12"``), references as labels."""
    refs = REFERENCES.get(_table_named(changed), {})
    return {
        name: label(refs[name], value) if name in refs and type(value) is int else _plain(value)
        for name, value in values.items()
    }


def conflict(doc_id: int, raw: Mapping[str, Any], current: Any = None, *, exists: bool = True) -> dict[str, Any]:
    """A conflict a merge recorded (the stored ``conflicts`` record) as scripts see it: its
    label, the record and field, the common value (``base``, absent when the field was new),
    both sides' values with who and when, and the value the record holds now (``current``;
    ``record_exists`` false when it was removed since). References are labels (an outcome O3)."""
    refs = REFERENCES.get(str(raw.get("table")), {})
    target = refs.get(str(raw.get("field")))

    def shown(value: Any) -> Any:
        return label(target, value) if target is not None and type(value) is int else _plain(value)

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
    name, purpose, stage and schema version; the file's own bookkeeping (the log's commit
    marker, the seal) is not shown."""
    fields: Mapping[str, Any] = _plain(meta) if isinstance(meta, Partnership) else meta
    return {
        "name": fields.get("name"),
        "purpose": fields.get("purpose", ""),
        "stage": fields.get("stage", "forming"),
        "currency": fields.get("currency"),
        "schema_version": fields.get("schema_version"),
    }


def stored(table: str, shown: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
    """The inverse of ``record``: a record in the contract's shape as its id and the fields
    the file holds (references as ids again). Raises ValueError for a label that is not one."""
    refs = REFERENCES.get(table, {})
    nested = NESTED_REFERENCES.get(table, {})
    doc_id = parse_label(str(shown["id"]), table)
    raw = {}
    for name, value in shown.items():
        if name == "id":
            continue
        if name in refs and isinstance(value, str):
            value = parse_label(value, refs[name])
        elif name in nested and isinstance(value, list):
            value = [_unlabelled(item, nested[name]) for item in value]
        raw[name] = value
    return doc_id, raw


def of(table: str, item: Record) -> dict[str, Any]:
    """A model record (``records.Task``, ``Activity``, ...) of ``table`` in the contract's shape."""
    values = _plain(item)
    doc_id = values.pop("id", None)
    if table == "members" and values.get("accounts") is None:
        values.pop("accounts", None)  # as the file holds it: no field until a lead binds accounts
    return record(table, doc_id, values)


def _plain(value: Any) -> Any:
    """Records as dicts of their fields, lists and dicts copied: what JSON can hold."""
    if isinstance(value, Record):
        names: tuple[str, ...] = value.__slots__
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# --- the schema --------------------------------------------------------------------------------

_LABEL = {letter: {"type": "string", "pattern": f"^{letter}[1-9][0-9]*$"} for letter in PREFIX.values()}
_DATE = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_TIME = {
    "type": "string",
    "format": "date-time",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?Z$",
}
_TEXT = {"type": "string"}
_NUMBER = {"type": "number"}
_HANDLE = {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$"}
_CODE = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$"}
_REV = {"type": "integer", "minimum": 1}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _obj(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties, "additionalProperties": True}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _list(name: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name)}


_DEFS: dict[str, Any] = {
    "partnership": _obj(
        ["name", "purpose", "stage"],
        name=_TEXT,
        purpose=_TEXT,
        stage=_TEXT,
        currency=_nullable({"type": "string", "pattern": "^[A-Z]{3}$"}),
        schema_version={"type": "integer"},
    ),
    "delivery": _obj(
        ["amount", "on", "by", "at"],
        amount=_NUMBER,
        on=_DATE,
        by=_HANDLE,
        at=_TIME,
        note=_TEXT,
        hours=_nullable(_NUMBER),
    ),
    "contribution": _obj(
        ["kind", "description"],
        kind=_TEXT,
        description=_TEXT,
        amount=_nullable(_NUMBER),
        hours=_nullable(_NUMBER),
        rate=_nullable(_NUMBER),
        grant=_nullable(_LABEL["G"]),
        deliveries=_list("delivery"),
    ),
    "grant": _obj(
        ["id", "name", "funder", "recipient", "amount", "match"],
        id=_LABEL["G"],
        name=_TEXT,
        funder=_CODE,
        recipient=_CODE,
        amount=_NUMBER,
        match={"type": "string", "description": "match to grant, 1:1 or 1:2, or a share of the grant, 25%"},
        created_at=_TIME,
        rev=_REV,
    ),
    "partner": _obj(
        ["code", "name"],
        code=_CODE,
        name=_TEXT,
        contributions=_list("contribution"),
        interests_short=_TEXT,
        interests_long=_TEXT,
        rev=_REV,
    ),
    "member": _obj(
        ["handle", "name", "partner"],
        handle=_HANDLE,
        name=_TEXT,
        partner=_CODE,
        role=_TEXT,
        rev=_REV,
        accounts={
            "type": ["array", "null"],
            "items": _HANDLE,
            "description": "the Unix accounts that may act as this member; absent or null: only the account "
            "named by the handle",
        },
    ),
    "norm": _obj(["id", "text"], id=_LABEL["N"], text=_TEXT, agreed_by={"type": "array", "items": _HANDLE}, rev=_REV),
    "plan": _obj(
        ["id", "title"], id=_LABEL["P"], title=_TEXT, scope=_TEXT, status=_TEXT, rule=_TEXT, created_at=_TIME, rev=_REV
    ),
    "vote": _obj(
        ["id", "plan", "member", "position"],
        id=_LABEL["V"],
        plan=_LABEL["P"],
        member=_HANDLE,
        position=_TEXT,
        comment=_TEXT,
        at=_TIME,
    ),
    "checkin": _obj(["value", "by", "at"], value=_NUMBER, by=_HANDLE, at=_TIME, note=_TEXT),
    "outcome": _obj(
        ["id", "plan", "name", "target"],
        id=_LABEL["O"],
        plan=_LABEL["P"],
        name=_TEXT,
        target=_NUMBER,
        baseline=_NUMBER,
        current=_NUMBER,
        unit=_TEXT,
        due=_nullable(_DATE),
        checkins=_list("checkin"),
        rev=_REV,
    ),
    "update": _obj(["by", "at", "text"], by=_HANDLE, at=_TIME, text=_TEXT),
    "task": _obj(
        ["id", "plan", "title"],
        id=_LABEL["T"],
        plan=_LABEL["P"],
        title=_TEXT,
        notes=_TEXT,
        owner=_nullable(_HANDLE),
        status=_TEXT,
        progress={"type": "integer", "minimum": 0, "maximum": 100},
        due=_nullable(_DATE),
        outcome=_nullable(_LABEL["O"]),
        blocked_reason=_TEXT,
        updates=_list("update"),
        created_at=_TIME,
        updated_at=_TIME,
        rev=_REV,
    ),
    "conflict": _obj(
        ["id", "record", "table", "field", "sides", "current", "record_exists", "at"],
        id=_LABEL["C"],
        record=_TEXT,
        table=_TEXT,
        field=_TEXT,
        base={"description": "the value both copies had before (absent when the field was new)"},
        sides={
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": _obj(["value", "by", "at"], value={}, by=_TEXT, at=_nullable(_TIME)),
        },
        current={"description": "the value the record holds now (null when it was removed)"},
        record_exists={"type": "boolean"},
        at=_TIME,
        merged_by=_TEXT,
    ),
    "activity": _obj(
        ["id", "at", "member", "kind", "record"],
        id=_LABEL["A"],
        at=_TIME,
        member=_TEXT,
        os_user=_TEXT,
        kind=_TEXT,
        record=_TEXT,
        changes={
            "type": "object",
            "additionalProperties": {"type": "array", "minItems": 2, "maxItems": 2},
            "description": "field -> [before, after]",
        },
        undoes=_nullable(_LABEL["A"]),
    ),
}

TABLE_DEFS = {
    "partners": "partner",
    "members": "member",
    "norms": "norm",
    "plans": "plan",
    "votes": "vote",
    "outcomes": "outcome",
    "tasks": "task",
    "activity": "activity",
    "conflicts": "conflict",
    "grants": "grant",
}


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
        "$defs": {**_DEFS, **outputs},
        "x-commands": {name: commands[name] for name in sorted(commands)},
    }


def ref(name: str) -> dict[str, str]:
    """``{"$ref": "#/$defs/NAME"}``: a record's or an output's schema, for command tables."""
    return _ref(name)


def array_of(name: str) -> dict[str, Any]:
    """The schema of a JSON array of ``name`` records."""
    return _list(name)
