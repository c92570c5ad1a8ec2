"""The partnership's records as plain dataclasses (no I/O, no Textual)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 2  # 2: the activity log moved to a side file (store/history.py)

STAGES = ("forming", "storming", "norming", "performing")
CONTRIBUTION_KINDS = ("staff", "facilities", "equipment", "cash", "supplies", "volunteers")
ROLES = ("lead", "member")
PLAN_STATUSES = ("draft", "proposed", "active", "completed", "archived")
RULES = ("consensus", "partners", "majority")
POSITIONS = ("agree", "abstain", "disagree", "block")
TASK_STATUSES = ("todo", "doing", "blocked", "done")

SHORT_TEXT = 200
LONG_TEXT = 10_000

# Short ids people type: T12 is task 12, P3 plan 3, O4 outcome 4, N2 norm 2.
PREFIX = {"tasks": "T", "plans": "P", "outcomes": "O", "norms": "N", "votes": "V", "activity": "A"}


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
}


@dataclass(slots=True)
class Partnership:
    """The partnership itself (meta record 1): name, purpose, stage."""

    name: str
    purpose: str = ""
    stage: str = "forming"
    schema_version: int = SCHEMA_VERSION
    rev: int = 1


@dataclass(slots=True)
class Contribution:
    """What a partner puts in: kind, description, amount (currency or hours)."""

    kind: str
    description: str
    amount: float | None = None


@dataclass(slots=True)
class Partner:
    """An organisation in the partnership, named by its CODE."""

    id: int
    code: str
    name: str
    contributions: list[Contribution] = field(default_factory=list)
    interests_short: str = ""
    interests_long: str = ""
    rev: int = 1


@dataclass(slots=True)
class Member:
    """A person: handle (Unix login by default), name, partner CODE, role."""

    id: int
    handle: str
    name: str
    partner: str
    role: str = "member"
    rev: int = 1


@dataclass(slots=True)
class Norm:
    """Agreed behaviour; in force when every member has agreed."""

    id: int
    text: str
    agreed_by: list[str] = field(default_factory=list)
    rev: int = 1

    @property
    def label(self) -> str:
        return label("norms", self.id)


@dataclass(slots=True)
class Plan:
    """A work plan (a board) and its buy-in rule."""

    id: int
    title: str
    scope: str = ""
    status: str = "draft"
    rule: str = "consensus"
    created_at: str = ""
    rev: int = 1

    @property
    def label(self) -> str:
        return label("plans", self.id)


@dataclass(slots=True)
class Vote:
    """A member's buy-in position on a plan; a later vote replaces an earlier one."""

    id: int
    plan: int
    member: str
    position: str
    comment: str = ""
    at: str = ""


@dataclass(slots=True)
class CheckIn:
    """A measured value of an outcome: who, when, note."""

    value: float
    by: str
    at: str
    note: str = ""


@dataclass(slots=True)
class Outcome:
    """A measurable result of a plan: baseline, target, current, due."""

    id: int
    plan: int
    name: str
    target: float
    baseline: float = 0.0
    current: float = 0.0
    unit: str = ""
    due: str | None = None
    checkins: list[CheckIn] = field(default_factory=list)
    rev: int = 1

    @property
    def label(self) -> str:
        return label("outcomes", self.id)


@dataclass(slots=True)
class TaskUpdate:
    """A note on a task: who, when, text."""

    by: str
    at: str
    text: str


@dataclass(slots=True)
class Task:
    """A task of a plan: owner, status, progress 0-100, due, linked outcome."""

    id: int
    plan: int
    title: str
    notes: str = ""
    owner: str | None = None
    status: str = "todo"
    progress: int = 0
    due: str | None = None
    outcome: int | None = None
    blocked_reason: str = ""
    updates: list[TaskUpdate] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""
    rev: int = 1

    @property
    def label(self) -> str:
        return label("tasks", self.id)


@dataclass(slots=True)
class Activity:
    """One entry of the activity log: who, when, which record, before -> after."""

    id: int
    at: str
    member: str
    os_user: str
    kind: str
    record: str
    changes: dict[str, list[Any]] = field(default_factory=dict)
    undoes: int | None = None


@dataclass(slots=True)
class Workplan:
    """Everything one partnership file holds, as read at one moment."""

    partnership: Partnership
    partners: dict[str, Partner] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    norms: dict[int, Norm] = field(default_factory=dict)
    plans: dict[int, Plan] = field(default_factory=dict)
    votes: list[Vote] = field(default_factory=list)
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    tasks: dict[int, Task] = field(default_factory=dict)

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
