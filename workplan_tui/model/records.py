"""The partnership's records as plain classes with slots (no I/O, no Textual)."""

from __future__ import annotations

import re
from typing import Any

SCHEMA_VERSION = 2  # 2: the activity log moved to a side file (store/history.py)

STAGES = ("forming", "storming", "norming", "performing")
CONTRIBUTION_KINDS = (
    "staff",
    "facilities",
    "equipment",
    "cash",
    "supplies",
    "volunteers",
    "services",
    "maintenance",
)
ROLES = ("lead", "member")
PLAN_STATUSES = ("draft", "proposed", "active", "completed", "archived")
# The statuses an archived plan may return to when reopened (it remembers which it left).
REOPEN_STATUSES = PLAN_STATUSES[:4]
RULES = ("consensus", "partners", "majority")
POSITIONS = ("agree", "abstain", "disagree", "block")
TASK_STATUSES = ("todo", "doing", "blocked", "done")

SHORT_TEXT = 200
LONG_TEXT = 10_000

# Short ids people type: T12 is task 12, P3 plan 3, O4 outcome 4, N2 norm 2.
PREFIX = {
    "tasks": "T",
    "plans": "P",
    "outcomes": "O",
    "norms": "N",
    "votes": "V",
    "activity": "A",
    "conflicts": "C",
    "grants": "G",
}


def label(table: str, doc_id: int) -> str:
    """The short id of a record, e.g. ``label("tasks", 12) == "T12"``."""
    return f"{PREFIX.get(table, '#')}{doc_id}"


# A record id as stored (a key of its table): canonical ASCII digits, no leading zero.
# "01" or a non-ASCII digit beside "1" would make T1 show one record while writes
# go to another (PRODUCT.md: ids match ^[1-9][0-9]*$); nine digits at most.
MAX_ID = 999_999_999
ID_KEY = re.compile(r"[1-9][0-9]{0,8}\Z")
_TYPED_ID = re.compile(r"[0-9]{1,9}")


def id_of_key(key: str) -> int | None:
    """The id a stored key names (``"12"`` -> 12), or None when the key is not canonical."""
    return int(key) if ID_KEY.match(key) else None


def id_of_label(text: str) -> tuple[str, int] | None:
    """``"T12"`` -> ``("T", 12)`` for a canonical label, else None (never raises)."""
    number = id_of_key(text[1:]) if len(text) > 1 else None
    return (text[0], number) if number is not None else None


def parse_label(text: str, table: str) -> int:
    """Read ``T12``, ``t12`` or ``12`` (ASCII digits) as the id of a record of ``table``.

    Raises ValueError with a one-line message for anything else (``T²``, ``T0``, ``x``).
    """
    prefix = PREFIX[table]
    s = text.strip()
    if s[:1].upper() == prefix:
        s = s[1:]
    if not _TYPED_ID.fullmatch(s) or int(s) == 0:
        raise ValueError(f"{text!r} is not a {_NOUN[table]} id (expected e.g. {prefix}12)")
    return int(s)


_NOUN = {
    "tasks": "task",
    "plans": "plan",
    "outcomes": "outcome",
    "norms": "norm",
    "votes": "vote",
    "activity": "activity",
    "conflicts": "conflict",
    "grants": "grant",
}


class Record:
    """Field-by-field equality, a readable repr and ``replace`` for the records below.

    The records are plain classes with ``__slots__`` (their fields, in order) and an
    ``__init__`` written out, not dataclasses: generating those methods at import was
    most of this module's import time, which every command pays (3 ms of a 90 ms write,
    ``benchmarks/bench_scale.py``).
    """

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]  # mutable records: compared, never hashed

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        names: tuple[str, ...] = self.__slots__  # each record lists its fields here
        return all(getattr(self, name) == getattr(other, name) for name in names)

    def __repr__(self) -> str:
        names: tuple[str, ...] = self.__slots__
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__name__}({fields})"

    def replace(self, **changes: Any) -> Any:
        """A shallow copy with ``changes`` (field name -> value); TypeError for an unknown field."""
        names: tuple[str, ...] = self.__slots__
        unknown = set(changes) - set(names)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        copy = object.__new__(type(self))
        for name in names:
            setattr(copy, name, changes[name] if name in changes else getattr(self, name))
        return copy


class Partnership(Record):
    """The partnership itself (meta record 1): name, purpose, stage, and the currency its
    amounts are in (an ISO 4217 code such as USD; None when not set)."""

    __slots__ = ("name", "purpose", "stage", "schema_version", "rev", "currency", "created_at")

    name: str
    purpose: str
    stage: str
    schema_version: int
    rev: int
    currency: str | None
    created_at: str

    def __init__(
        self,
        name: str,
        purpose: str = "",
        stage: str = "forming",
        schema_version: int = SCHEMA_VERSION,
        rev: int = 1,
        currency: str | None = None,
        created_at: str = "",
    ) -> None:
        self.name = name
        self.purpose = purpose
        self.stage = stage
        self.schema_version = schema_version
        self.rev = rev
        self.currency = currency
        self.created_at = created_at


class Delivery(Record):
    """Part of a pledge delivered: its value (hours too, for in-kind), the day, who recorded it."""

    __slots__ = ("amount", "on", "by", "at", "note", "hours")

    amount: float
    on: str
    by: str
    at: str
    note: str
    hours: float | None

    def __init__(
        self,
        amount: float,
        on: str,
        by: str,
        at: str,
        note: str = "",
        hours: float | None = None,
    ) -> None:
        self.amount = amount
        self.on = on
        self.by = by
        self.at = at
        self.note = note
        self.hours = hours


class Contribution(Record):
    """What a partner pledges: kind, description and its value: an amount in the partnership's
    currency, or (in kind) hours at a rate, or neither (not valued); the grant whose match it
    counts towards, if any; and what has been delivered of it."""

    __slots__ = ("kind", "description", "amount", "hours", "rate", "grant", "deliveries")

    kind: str
    description: str
    amount: float | None
    hours: float | None
    rate: float | None
    grant: int | None
    deliveries: list[Delivery]

    def __init__(
        self,
        kind: str,
        description: str,
        amount: float | None = None,
        hours: float | None = None,
        rate: float | None = None,
        grant: int | None = None,
        deliveries: list[Delivery] | None = None,
    ) -> None:
        self.kind = kind
        self.description = description
        self.amount = amount
        self.hours = hours
        self.rate = rate
        self.grant = grant
        self.deliveries = [] if deliveries is None else deliveries

    @property
    def value(self) -> float | None:
        """What the pledge is worth: its amount, else hours x rate, else None (not valued)."""
        if self.amount is not None:
            return self.amount
        if self.hours is not None and self.rate is not None:
            return self.hours * self.rate
        return None

    @property
    def delivered(self) -> float:
        """The value delivered so far."""
        return sum(d.amount for d in self.deliveries)


class Grant(Record):
    """Money one partner gives another, and the match the recipient must bring (``1:1``, ``25%``)."""

    __slots__ = ("id", "name", "funder", "recipient", "amount", "match", "created_at", "rev")

    id: int
    name: str
    funder: str
    recipient: str
    amount: float
    match: str
    created_at: str
    rev: int

    def __init__(
        self,
        id: int,
        name: str,
        funder: str,
        recipient: str,
        amount: float,
        match: str = "0%",
        created_at: str = "",
        rev: int = 1,
    ) -> None:
        self.id = id
        self.name = name
        self.funder = funder
        self.recipient = recipient
        self.amount = amount
        self.match = match
        self.created_at = created_at
        self.rev = rev

    @property
    def label(self) -> str:
        return label("grants", self.id)


class Partner(Record):
    """An organisation in the partnership, named by its CODE."""

    __slots__ = ("id", "code", "name", "contributions", "interests_short", "interests_long", "rev")

    id: int
    code: str
    name: str
    contributions: list[Contribution]
    interests_short: str
    interests_long: str
    rev: int

    def __init__(
        self,
        id: int,
        code: str,
        name: str,
        contributions: list[Contribution] | None = None,
        interests_short: str = "",
        interests_long: str = "",
        rev: int = 1,
    ) -> None:
        self.id = id
        self.code = code
        self.name = name
        self.contributions = [] if contributions is None else contributions
        self.interests_short = interests_short
        self.interests_long = interests_long
        self.rev = rev


class Member(Record):
    """A person: handle (Unix login by default), name, partner CODE, role, and the Unix
    accounts that may act as them (None: the one named by the handle; model/identity.py)."""

    __slots__ = ("id", "handle", "name", "partner", "role", "rev", "accounts")

    id: int
    handle: str
    name: str
    partner: str
    role: str
    rev: int
    accounts: tuple[str, ...] | None

    def __init__(
        self,
        id: int,
        handle: str,
        name: str,
        partner: str,
        role: str = "member",
        rev: int = 1,
        accounts: tuple[str, ...] | None = None,
    ) -> None:
        self.id = id
        self.handle = handle
        self.name = name
        self.partner = partner
        self.role = role
        self.rev = rev
        self.accounts = accounts


class Norm(Record):
    """Agreed behaviour; in force when every member has agreed."""

    __slots__ = ("id", "text", "agreed_by", "rev")

    id: int
    text: str
    agreed_by: list[str]
    rev: int

    def __init__(
        self,
        id: int,
        text: str,
        agreed_by: list[str] | None = None,
        rev: int = 1,
    ) -> None:
        self.id = id
        self.text = text
        self.agreed_by = [] if agreed_by is None else agreed_by
        self.rev = rev

    @property
    def label(self) -> str:
        return label("norms", self.id)


class Plan(Record):
    """A work plan (a board) and its buy-in rule."""

    __slots__ = ("id", "title", "scope", "status", "rule", "created_at", "rev")

    id: int
    title: str
    scope: str
    status: str
    rule: str
    created_at: str
    rev: int

    def __init__(
        self,
        id: int,
        title: str,
        scope: str = "",
        status: str = "draft",
        rule: str = "consensus",
        created_at: str = "",
        rev: int = 1,
    ) -> None:
        self.id = id
        self.title = title
        self.scope = scope
        self.status = status
        self.rule = rule
        self.created_at = created_at
        self.rev = rev

    @property
    def label(self) -> str:
        return label("plans", self.id)


class Vote(Record):
    """A member's buy-in position on a plan; a later vote replaces an earlier one."""

    __slots__ = ("id", "plan", "member", "position", "comment", "at")

    id: int
    plan: int
    member: str
    position: str
    comment: str
    at: str

    def __init__(
        self,
        id: int,
        plan: int,
        member: str,
        position: str,
        comment: str = "",
        at: str = "",
    ) -> None:
        self.id = id
        self.plan = plan
        self.member = member
        self.position = position
        self.comment = comment
        self.at = at


class CheckIn(Record):
    """A measured value of an outcome: who, when, note."""

    __slots__ = ("value", "by", "at", "note")

    value: float
    by: str
    at: str
    note: str

    def __init__(
        self,
        value: float,
        by: str,
        at: str,
        note: str = "",
    ) -> None:
        self.value = value
        self.by = by
        self.at = at
        self.note = note


class Outcome(Record):
    """A measurable result of a plan: baseline, target, current, due."""

    __slots__ = ("id", "plan", "name", "target", "baseline", "current", "unit", "due", "checkins", "rev")

    id: int
    plan: int
    name: str
    target: float
    baseline: float
    current: float
    unit: str
    due: str | None
    checkins: list[CheckIn]
    rev: int

    def __init__(
        self,
        id: int,
        plan: int,
        name: str,
        target: float,
        baseline: float = 0.0,
        current: float = 0.0,
        unit: str = "",
        due: str | None = None,
        checkins: list[CheckIn] | None = None,
        rev: int = 1,
    ) -> None:
        self.id = id
        self.plan = plan
        self.name = name
        self.target = target
        self.baseline = baseline
        self.current = current
        self.unit = unit
        self.due = due
        self.checkins = [] if checkins is None else checkins
        self.rev = rev

    @property
    def label(self) -> str:
        return label("outcomes", self.id)


class TaskUpdate(Record):
    """A note on a task: who, when, text."""

    __slots__ = ("by", "at", "text")

    by: str
    at: str
    text: str

    def __init__(
        self,
        by: str,
        at: str,
        text: str,
    ) -> None:
        self.by = by
        self.at = at
        self.text = text


class Task(Record):
    """A task of a plan: owner, status, progress 0-100, due, linked outcome."""

    __slots__ = (
        "id",
        "plan",
        "title",
        "notes",
        "owner",
        "status",
        "progress",
        "due",
        "outcome",
        "blocked_reason",
        "updates",
        "created_at",
        "updated_at",
        "rev",
    )

    id: int
    plan: int
    title: str
    notes: str
    owner: str | None
    status: str
    progress: int
    due: str | None
    outcome: int | None
    blocked_reason: str
    updates: list[TaskUpdate]
    created_at: str
    updated_at: str
    rev: int

    def __init__(
        self,
        id: int,
        plan: int,
        title: str,
        notes: str = "",
        owner: str | None = None,
        status: str = "todo",
        progress: int = 0,
        due: str | None = None,
        outcome: int | None = None,
        blocked_reason: str = "",
        updates: list[TaskUpdate] | None = None,
        created_at: str = "",
        updated_at: str = "",
        rev: int = 1,
    ) -> None:
        self.id = id
        self.plan = plan
        self.title = title
        self.notes = notes
        self.owner = owner
        self.status = status
        self.progress = progress
        self.due = due
        self.outcome = outcome
        self.blocked_reason = blocked_reason
        self.updates = [] if updates is None else updates
        self.created_at = created_at
        self.updated_at = updated_at
        self.rev = rev

    @property
    def label(self) -> str:
        return label("tasks", self.id)


class Activity(Record):
    """One entry of the activity log: who, when, which record, before -> after."""

    __slots__ = ("id", "at", "member", "os_user", "kind", "record", "changes", "undoes")

    id: int
    at: str
    member: str
    os_user: str
    kind: str
    record: str
    changes: dict[str, list[Any]]
    undoes: int | None

    def __init__(
        self,
        id: int,
        at: str,
        member: str,
        os_user: str,
        kind: str,
        record: str,
        changes: dict[str, list[Any]] | None = None,
        undoes: int | None = None,
    ) -> None:
        self.id = id
        self.at = at
        self.member = member
        self.os_user = os_user
        self.kind = kind
        self.record = record
        self.changes = {} if changes is None else changes
        self.undoes = undoes


class ConflictSide(Record):
    """One side of a conflict: the value it set, who set it and when (None when not known)."""

    __slots__ = ("value", "by", "at")

    value: Any
    by: str
    at: str | None

    def __init__(self, value: Any, by: str, at: str | None) -> None:
        self.value = value
        self.by = by
        self.at = at


class Conflict(Record):
    """A field that both sides of a merge changed to different values (sync/merge.py).

    The record holds one of the two values until a member settles it; ``field`` is
    ``(record)`` when one side removed the record and the other changed it (it was kept).
    """

    __slots__ = ("id", "table", "key", "record", "field", "base", "sides", "at", "merged_by")

    id: int
    table: str
    key: int
    record: str
    field: str
    base: Any
    sides: list[ConflictSide]
    at: str
    merged_by: str

    def __init__(
        self,
        id: int,
        table: str,
        key: int,
        record: str,
        field: str,
        base: Any,
        sides: list[ConflictSide],
        at: str,
        merged_by: str = "",
    ) -> None:
        self.id = id
        self.table = table
        self.key = key
        self.record = record
        self.field = field
        self.base = base
        self.sides = sides
        self.at = at
        self.merged_by = merged_by

    @property
    def label(self) -> str:
        return label("conflicts", self.id)

    @property
    def summary(self) -> str:
        """'T12 progress', as completion and listings name it."""
        return f"{self.record} {self.field}"


class Workplan(Record):
    """Everything one partnership file holds, as read at one moment."""

    __slots__ = (
        "partnership",
        "partners",
        "members",
        "norms",
        "plans",
        "votes",
        "outcomes",
        "tasks",
        "conflicts",
        "grants",
    )

    partnership: Partnership
    partners: dict[str, Partner]
    members: dict[str, Member]
    norms: dict[int, Norm]
    plans: dict[int, Plan]
    votes: list[Vote]
    outcomes: dict[int, Outcome]
    tasks: dict[int, Task]
    grants: dict[int, Grant]

    def __init__(
        self,
        partnership: Partnership,
        partners: dict[str, Partner] | None = None,
        members: dict[str, Member] | None = None,
        norms: dict[int, Norm] | None = None,
        plans: dict[int, Plan] | None = None,
        votes: list[Vote] | None = None,
        outcomes: dict[int, Outcome] | None = None,
        tasks: dict[int, Task] | None = None,
        conflicts: dict[int, Conflict] | None = None,
        grants: dict[int, Grant] | None = None,
    ) -> None:
        self.partnership = partnership
        self.partners = {} if partners is None else partners
        self.members = {} if members is None else members
        self.norms = {} if norms is None else norms
        self.plans = {} if plans is None else plans
        self.votes = [] if votes is None else votes
        self.outcomes = {} if outcomes is None else outcomes
        self.tasks = {} if tasks is None else tasks
        self.conflicts = {} if conflicts is None else conflicts
        self.grants = {} if grants is None else grants

    def tasks_of(self, plan_id: int) -> list[Task]:
        return [t for t in self.tasks.values() if t.plan == plan_id]

    def outcomes_of(self, plan_id: int) -> list[Outcome]:
        return [o for o in self.outcomes.values() if o.plan == plan_id]

    def current_votes(self, plan_id: int) -> dict[str, Vote]:
        """Each member's latest vote on a plan (later votes replace earlier ones)."""
        latest: dict[str, Vote] = {}
        for vote in self.votes:
            if vote.plan == plan_id:
                latest[vote.member] = vote
        return latest
