"""The partnership's records, each declared once (no I/O, no Textual).

Every record is a ``msgspec.Struct`` whose fields say, in their types, what the shared
file may hold: ``Name`` is text of 1 to 200 characters, ``Date`` a real calendar day,
``PlanRef`` the id of a plan, ``TaskStatus`` one of four words. From these declarations
alone come the check of the file and the records built from it (``model/schema.py``),
the JSON contract and ``workplan schema`` (``model/contract.py``), the words of every
problem found (``schema.in_words``) and what a merge renumbers (``sync/merge.py``).

Adding a field to a task is one line in ``Task`` below, e.g.::

    start: Date | None = None   # the day work may start

and nothing else: old files (without it) load with the default, the check refuses a
file whose ``start`` is not a real date, ``--json`` prints it and ``workplan schema``
publishes it. A field this version does not declare is left alone (it stays in the file).

What no type can say lives in plain code beside the declarations: references between
tables and unique codes (``schema``), canonical ids and the schema version.

(No ``from __future__ import annotations`` here: msgspec reads the annotations as they are,
instead of evaluating 134 strings the first time a record is checked, 8 ms of every command.)
"""

import re
from typing import Annotated, Any, ClassVar, Literal, get_args

from msgspec import UNSET, Meta, Struct, UnsetType, field, structs

SCHEMA_VERSION = 2  # 2: the activity log moved to a side file (store/history.py)

SHORT_TEXT = 200
LONG_TEXT = 10_000
UNIT_TEXT = 40  # an outcome's unit ("meals", "beds")
# A record id as stored (a key of its table): canonical ASCII digits, no leading zero.
# "01" or a non-ASCII digit beside "1" would make T1 show one record while writes
# go to another (PRODUCT.md: ids match ^[1-9][0-9]*$); nine digits at most.
MAX_ID = 999_999_999
# Numbers people track (amounts, outcome values) stay far from float overflow, so
# sums and ratios of them are always finite.
MAX_NUMBER = 1e15
MAX_ACCOUNTS = 20  # Unix accounts one member may be acted as from (model/identity.py)

# --- what a field may hold ------------------------------------------------------------------
# msgspec checks each field's type, lengths, ranges and allowed words as it builds the record.
# Patterns, text that must not be blank and the money rules are plain checks that the schema
# runs after it, a column at a time (``extra``: "pattern", "not_blank", "check"): one pattern
# over 10,000 values joined costs a third less than 10,000 calls of it, and a file workplan
# sealed is not checked again (store/layout.py says why that is safe). ``extra["words"]``
# is what a problem says for people (schema.in_words): "must be <words> (found ...)".
#
# Patterns are matched whole (anchored by the schema; the JSON contract publishes ^...$),
# have no top-level "|", and spell their character classes in ASCII ("\d" also matches
# other scripts' digits).

# A real day of the calendar by its digits alone: years 0001-9999, each month's days, 29
# February in leap years (every fourth year, but not centuries that 400 does not divide).
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
DATE_PATTERN = (
    r"(?:(?!0000)[0-9]{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
    r"|(?:0[13578]|1[02])-31)|" + _LEAP_YEAR + r"-02-29)"
)
# An instant as workplan writes it (ISO 8601 UTC, 2026-11-28T09:30:00Z), fractions of a second allowed.
TIMESTAMP_PATTERN = DATE_PATTERN + r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?Z"
HANDLE_PATTERN = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}"
# A time of day on a 24-hour clock, as a meeting starts (local wall time: 09:30, 14:00).
TIME_PATTERN = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]"
# A record named in text (a meeting's agenda item or decision "about P3"): its label, one of the
# tables people name by label. Not a reference the file must keep whole (a mention of a norm
# withdrawn since stays, shown as gone); a merge that renumbers the record relabels it.
MENTION_PATTERN = r"[PONTMGD][1-9][0-9]{0,8}"
CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{0,15}"


def matching(pattern: str, words: str, **more: Any) -> Meta:
    """Of text that matches ``pattern`` whole; ``words`` name it in a problem ("a member
    handle"); ``more`` goes to ``extra`` ("refers_to", "unique", ...)."""
    return Meta(extra={"pattern": pattern, "words": words, **more})


# Of text that must hold something besides white space (str.isspace's).
NOT_BLANK = Meta(extra={"not_blank": True})

Text = Annotated[str, Meta(max_length=SHORT_TEXT)]
Name = Annotated[str, Meta(max_length=SHORT_TEXT), NOT_BLANK]
LongText = Annotated[str, Meta(max_length=LONG_TEXT)]
Statement = Annotated[str, Meta(max_length=LONG_TEXT), NOT_BLANK]
Unit = Annotated[str, Meta(max_length=UNIT_TEXT)]
Word = Annotated[str, Meta(max_length=64)]
Label = Annotated[str, Meta(max_length=64), NOT_BLANK]
TableName = Annotated[str, Meta(max_length=32), NOT_BLANK]
Id = Annotated[int, Meta(ge=1, le=MAX_ID, extra={"words": "a record id"})]
Count = Annotated[int, Meta(ge=0, le=2**53)]
Percent = Annotated[int, Meta(ge=0, le=100, extra={"words": "a whole number from 0 to 100"})]
Number = (
    Annotated[int, Meta(ge=-int(MAX_NUMBER), le=int(MAX_NUMBER))]
    | Annotated[float, Meta(ge=-MAX_NUMBER, le=MAX_NUMBER)]
)
# Money and hours pledged, delivered or granted: never below 0 (what a person types is refused
# below 0 by model/money.py; a hand edit's -5000 is refused when the file is read).
Amount = Annotated[int, Meta(ge=0, le=int(MAX_NUMBER))] | Annotated[float, Meta(ge=0, le=MAX_NUMBER)]
Handle = Annotated[str, matching(HANDLE_PATTERN, "a member handle")]
Code = Annotated[str, matching(CODE_PATTERN, "a partner code")]
Date = Annotated[
    str,
    Meta(extra_json_schema={"format": "date"}),
    matching(
        DATE_PATTERN,
        "a date YYYY-MM-DD",
        shape=r"[0-9]{4}-[0-9]{2}-[0-9]{2}",  # looks like one, but no such day: "a real date"
        real=("a real date", "no such day"),
    ),
]
Timestamp = Annotated[
    str,
    Meta(extra_json_schema={"format": "date-time"}),
    matching(
        TIMESTAMP_PATTERN,
        "a UTC timestamp like 2026-11-28T09:30:00Z",
        shape=r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?Z",
        real=("a real moment", "no such day or time"),
    ),
]
Currency = Annotated[str, matching(r"[A-Z]{3}", "a three-letter currency code such as USD")]
TimeOfDay = Annotated[str, matching(TIME_PATTERN, "a time of day HH:MM (24-hour clock)")]
Mention = Annotated[
    str,
    matching(MENTION_PATTERN, "a record label such as P3, O4, T12, N2, D1 or M1", mentions=True),
]
# An address workplan mails (``workplan remind``): ASCII, one mailbox, nothing a mail header or a
# command line could take for more (no spaces, commas, quotes, angle brackets or line breaks; not
# starting with '-' or '.'). A domain without a dot (bob@localhost) is a local mailbox.
EMAIL_PATTERN = (
    r"[A-Za-z0-9_+=%][A-Za-z0-9._+=%-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)
Email = Annotated[str, Meta(max_length=254), matching(EMAIL_PATTERN, "an e-mail address such as bob@example.org")]
# How often a member wants their digest (model/digest.py): every day, once a week on a weekday, never.
DigestPreference = Literal[
    "daily", "weekly:mon", "weekly:tue", "weekly:wed", "weekly:thu", "weekly:fri", "weekly:sat", "weekly:sun", "off"
]


def _match_problem(value: object) -> str | None:
    """The money rules' check of a stored match rate (imported when first used: start-up time)."""
    from workplan_tui.model.money import match_problem

    return match_problem(value)


# A grant's required match, checked by the money rules (no pattern says "at most 100 times").
MatchRate = Annotated[
    str,
    Meta(
        max_length=20,
        description="match to grant, 1:1 or 1:2, or a share of the grant, 25%",
        extra={"words": "a match rate such as 1:1 or 25%", "check": _match_problem},
    ),
]


def _repeat_problem(value: object) -> str | None:
    """The recurrence rules' check of a stored repeat (imported when first used: start-up time)."""
    from workplan_tui.model.recurrence import repeat_problem

    return repeat_problem(value)


# How often a recurring task comes back, as recurrence.canonical writes it ("week", "2w", "mon",
# "1st of month"); checked by the recurrence rules.
Repeat = Annotated[
    str,
    Meta(
        max_length=40,
        description="how often it comes back: 3d, week, 2w, month, quarter, year, mon, 1st of month, last of month",
        extra={"words": "a repeat such as week, 2w, month, mon or 1st of month", "check": _repeat_problem},
    ),
]

# References to another record: by its id, or (partners) by its code. ``schema`` checks that
# it exists, the contract shows it as a label (P3), a merge renumbers it.
PlanRef = Annotated[int, Meta(ge=1, le=MAX_ID, extra={"words": "a record id", "refers_to": "plans"})]
OutcomeRef = Annotated[int, Meta(ge=1, le=MAX_ID, extra={"words": "a record id", "refers_to": "outcomes"})]
GrantRef = Annotated[int, Meta(ge=1, le=MAX_ID, extra={"words": "a record id", "refers_to": "grants"})]
EntryRef = Annotated[int, Meta(ge=1, le=MAX_ID, extra={"words": "a record id", "refers_to": "activity"})]
TaskRef = Annotated[int, Meta(ge=1, le=MAX_ID, extra={"words": "a record id", "refers_to": "tasks"})]
SeriesRef = Annotated[int, Meta(ge=1, le=MAX_ID, extra={"words": "a record id", "refers_to": "series"})]
MeetingRef = Annotated[int, Meta(ge=1, le=MAX_ID, extra={"words": "a record id", "refers_to": "meetings"})]
PartnerRef = Annotated[str, matching(CODE_PATTERN, "a partner code", refers_to="partners")]
# A value no other record may hold in its table (a partner's code, a member's handle).
UniqueCode = Annotated[str, matching(CODE_PATTERN, "a partner code", unique=True)]
UniqueHandle = Annotated[str, matching(HANDLE_PATTERN, "a member handle", unique=True)]

Stage = Literal["forming", "storming", "norming", "performing"]
ContributionKind = Literal[
    "staff", "facilities", "equipment", "cash", "supplies", "volunteers", "services", "maintenance"
]
Role = Literal["lead", "member"]
PlanStatus = Literal["draft", "proposed", "active", "completed", "archived"]
SeriesStatus = Literal["running", "paused", "ended"]
# The statuses an archived plan may return to when reopened (it remembers which it left).
ReopenStatus = Literal["draft", "proposed", "active", "completed"]
DecisionRule = Literal["consensus", "partners", "majority"]
Position = Literal["agree", "abstain", "disagree", "block"]
TaskStatus = Literal["todo", "doing", "blocked", "done"]
Confidence = Literal["low", "medium", "high"]
# How often a pledge's instalments fall (model/commitments.py): one every week, month, quarter or year.
Period = Literal["week", "month", "quarter", "year"]
# How a member was at a meeting: there, sent apologies (when: in advance or not), absent without
# them, or represented by another member (model/meetings.py).
AttendanceStatus = Literal["present", "apologies", "absent", "represented"]

STAGES: tuple[str, ...] = get_args(Stage)
CONTRIBUTION_KINDS: tuple[str, ...] = get_args(ContributionKind)
ROLES: tuple[str, ...] = get_args(Role)
PLAN_STATUSES: tuple[str, ...] = get_args(PlanStatus)
REOPEN_STATUSES: tuple[str, ...] = get_args(ReopenStatus)
RULES: tuple[str, ...] = get_args(DecisionRule)
POSITIONS: tuple[str, ...] = get_args(Position)
TASK_STATUSES: tuple[str, ...] = get_args(TaskStatus)
SERIES_STATUSES: tuple[str, ...] = get_args(SeriesStatus)
CONFIDENCES: tuple[str, ...] = get_args(Confidence)
PERIODS: tuple[str, ...] = get_args(Period)
MAX_INSTALMENTS = 520  # ten years of weekly instalments
DIGEST_PREFERENCES: tuple[str, ...] = get_args(DigestPreference)
ATTENDANCE: tuple[str, ...] = get_args(AttendanceStatus)
# Plans that are over: no new work, no votes, left out of what needs attention.
CLOSED_PLAN_STATUSES = ("completed", "archived")
# Plans whose buy-in is still being decided (their rule may change; they wait for votes).
UNDECIDED_PLAN_STATUSES = ("draft", "proposed")


def appended(limit: int, logged_as: str) -> Meta:
    """Of a list only ever added to (a task's notes, an outcome's check-ins), at most ``limit``
    items: a merge keeps the union of both sides' items, and the log names one added item
    ``logged_as`` (``note``), never the whole list."""
    return Meta(max_length=limit, extra={"append_only": True, "logged_as": logged_as})


def keyed(limit: int, key: str) -> Meta:
    """Of a list of records each about one thing named by their field ``key`` (a meeting's
    attendance: one entry per member), at most ``limit`` items: a merge takes each side's change
    to an entry as a field's (what either side added, changed or took out, entry by entry), and
    records a conflict only when both changed the same entry differently."""
    return Meta(max_length=limit, extra={"keyed_by": key})


def unordered(limit: int) -> Meta:
    """Of a list whose order means nothing and whose items are distinct (the tasks a task waits
    on, a milestone's tasks), at most ``limit`` items: a merge keeps what either side added and
    drops what either side took out (each item once), as a set."""
    return Meta(max_length=limit, extra={"unordered": True})


def ordered(limit: int) -> Meta:
    """Of a list whose order people chose (a meeting's agenda), at most ``limit`` items: a merge
    keeps what either side added, each after the item it followed on that side, drops what
    either side took out, and records a conflict only when both sides moved the items they
    kept into different orders (or a side holds one item twice)."""
    return Meta(max_length=limit, extra={"ordered": True})


# Of a field of the file's own bookkeeping: checked like any other, never printed by ``--json``.
HIDDEN = Meta(extra={"shown": False})


# --- the records ----------------------------------------------------------------------------


class Record(Struct):
    """Field-by-field equality, a readable repr and ``replace`` for every record.

    Records are mutable and never hashed. ``NAME`` is what one of them is called, in
    problems ("task T12: ...", "plan P9 does not exist") and in the JSON contract
    (``#/$defs/update``).
    """

    NAME: ClassVar[str] = "record"

    def replace(self, **changes: Any) -> Any:
        """A shallow copy with ``changes`` (field name -> value); TypeError for an unknown field."""
        return structs.replace(self, **changes)


class Keyed(Record, kw_only=True):
    """A record of a table: its ``id`` is its key in the table (``"12"``), never a field of it.

    ``TABLE`` names the table, ``PREFIX`` the letter of its labels (``T12``; None for
    records named by a field), ``NAMED_BY`` the field people name it by instead
    (a partner's ``code``, a member's ``handle``).
    """

    TABLE: ClassVar[str] = ""
    PREFIX: ClassVar[str | None] = None
    NAMED_BY: ClassVar[str | None] = None
    CREATED: ClassVar[bool] = True  # the table is in every new file (conflicts appear with a merge)

    # Named so that no field of a stored record can fill it: the id comes from the key.
    id: int = field(default=0, name="(table key)")

    @property
    def label(self) -> str:
        """``T12``, ``P3``: how people and scripts name the record."""
        return label(self.TABLE, self.id)


class Delivery(Record):
    """Part of a pledge delivered: its value (hours too, for in-kind), the day, who recorded it."""

    NAME = "delivery"

    amount: Amount
    on: Date
    by: Handle
    at: Timestamp
    note: LongText = ""
    hours: Amount | None = None


class Schedule(Record):
    """A pledge delivered in equal instalments: one every ``every`` (week, month, quarter,
    year) from ``start`` (the first instalment's day), ``count`` in all. A month's instalment
    falls on the start's day of the month, or on the month's last day when it has no such day
    (31 Jan, 28 Feb, 31 Mar: model/commitments.py)."""

    NAME = "schedule"

    every: Period
    start: Date
    count: Annotated[
        int, Meta(ge=1, le=MAX_INSTALMENTS, extra={"words": f"a whole number from 1 to {MAX_INSTALMENTS}"})
    ]


class FollowUp(Record):
    """A lead's follow-up on a late task or pledge: who contacted whom (``who``, ``whom``), on
    which day, what was agreed, and the new date agreed, if any. The new date replaced ``was``
    (a task's due date, a pledge's date of what was overdue), which stays here to be seen; for a
    pledge, ``deferred`` is the amount overdue that day, now expected by the new date.
    ``by`` and ``at``: who recorded it, and when."""

    NAME = "followup"

    by: Handle
    at: Timestamp
    on: Date
    whom: Name
    who: Text = ""  # who made contact ("" when the one who recorded it did)
    agreed: LongText = ""
    new_date: Date | None = None
    was: Date | None = None
    deferred: Amount | None = None


class Contribution(Record):
    """What a partner pledges: kind, description and its value: an amount in the partnership's
    currency, or (in kind) hours at a rate, or neither (not valued); the grant whose match it
    counts towards, if any; and what has been delivered of it. By when (model/commitments.py):
    a ``due`` day for all of it, or a ``schedule`` of instalments, or neither (a pledge towards a
    grant is then expected by the grant's match deadline); the follow-ups a lead recorded on it."""

    NAME = "contribution"

    kind: ContributionKind
    description: Text
    amount: Amount | None = None
    hours: Amount | None = None
    rate: Amount | None = None
    grant: GrantRef | None = None
    deliveries: Annotated[list[Delivery], Meta(max_length=10_000)] = []
    due: Date | None = None
    schedule: Schedule | None = None
    followups: Annotated[list[FollowUp], Meta(max_length=1000)] = []

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


class History(Struct, forbid_unknown_fields=True):
    """The data file's commit marker for its activity log (store/history.py)."""

    NAME: ClassVar[str] = "history"

    last: Count
    bytes: Count


class Partnership(Keyed):
    """The partnership itself (meta record 1): name, purpose, stage, and the currency its
    amounts are in (an ISO 4217 code such as USD; None when not set)."""

    TABLE = "meta"
    NAME = "partnership"

    schema_version: Id
    name: Name
    purpose: LongText = ""
    stage: Stage = "forming"
    rev: Annotated[Id, HIDDEN] = 1
    currency: Currency | None = None
    # The norm's days for a debrief: a member who missed a meeting is debriefed within this many
    # days of it (model/meetings.py; each debrief's own due date can be moved).
    debrief_days: Annotated[
        int, Meta(ge=1, le=90, description="days after a meeting by which a member who missed it is debriefed")
    ] = 7
    # The file's bookkeeping: the log's commit marker, the seal (store/layout.py; a seal this
    # version cannot verify only means "not sealed"), and the highest id ever removed from
    # each table (ids are never given out twice).
    # (Absent, not null: UNSET.)
    history: Annotated[History | UnsetType, HIDDEN] = UNSET
    digest: Annotated[Annotated[str, Meta(max_length=100)] | UnsetType, HIDDEN] = UNSET
    retired_ids: Annotated[dict[Annotated[str, Meta(max_length=32)], Id], Meta(max_length=32), HIDDEN] = {}
    # When the file was made (ICS exports name the partnership by it). Never checked, so never
    # refused: read as "" unless it is text.
    created_at: Annotated[Any, HIDDEN] = ""

    def __post_init__(self) -> None:
        if not isinstance(self.created_at, str):
            self.created_at = ""


class Partner(Keyed):
    """An organisation in the partnership, named by its CODE."""

    TABLE = "partners"
    NAME = "partner"
    NAMED_BY = "code"

    code: UniqueCode
    name: Name
    contributions: Annotated[list[Contribution], Meta(max_length=1000)] = []
    interests_short: LongText = ""
    interests_long: LongText = ""
    created_at: Timestamp = ""
    rev: Id = 1


class Member(Keyed):
    """A person: handle (Unix login by default), name, partner CODE, role, and the Unix
    accounts that may act as them (None: the one named by the handle; model/identity.py)."""

    TABLE = "members"
    NAME = "member"
    NAMED_BY = "handle"

    handle: UniqueHandle
    name: Name
    partner: PartnerRef
    role: Role = "member"
    # Their digest by mail (workplan remind): where, and how often. They set their own, a lead anyone's.
    email: Email | None = None
    digest: DigestPreference = "daily"
    created_at: Timestamp = ""
    rev: Id = 1
    # Absent (files before it, a member no lead bound) or null (an undone binding): the handle's own.
    accounts: Annotated[
        Annotated[list[Handle], Meta(max_length=MAX_ACCOUNTS)] | None,
        Meta(description="the Unix accounts that may act as this member; absent or null: the handle's own"),
    ] = None


class Norm(Keyed):
    """Agreed behaviour; in force when every member has agreed (``rules.norm_state``)."""

    TABLE = "norms"
    PREFIX = "N"
    NAME = "norm"

    text: Statement
    agreed_by: Annotated[list[Handle], Meta(max_length=10_000)] = []
    created_at: Timestamp = ""
    rev: Id = 1


class Plan(Keyed):
    """A work plan (a board) and its buy-in rule; an archived plan remembers the status it left."""

    TABLE = "plans"
    PREFIX = "P"
    NAME = "plan"

    title: Name
    scope: LongText = ""
    status: PlanStatus = "draft"
    rule: DecisionRule = "consensus"
    start: Date | None = None  # when work starts: forecasts measure from it (model/forecast.py)
    end: Date | None = None  # the target end: a plan past it and not completed is off track
    # The day a proposal's buy-in closes (plan propose --closes): shown and reminded; the rule is unchanged.
    closes: Date | None = None
    created_at: Timestamp = ""
    archived_from: ReopenStatus | None = None
    rev: Id = 1
    lead: PartnerRef | None = None  # the partner that leads it (its record lists it: model/commitments.py)


class Vote(Keyed):
    """A member's buy-in position on a plan; a later vote replaces an earlier one."""

    TABLE = "votes"
    PREFIX = "V"
    NAME = "vote"

    plan: PlanRef
    member: Handle
    position: Position
    comment: LongText = ""
    at: Timestamp = ""
    rev: Id = 1


class CheckIn(Record):
    """A measured value of an outcome: who, when, how sure they are, and the story behind it."""

    NAME = "checkin"

    value: Number
    by: Handle
    at: Timestamp
    note: LongText = ""
    confidence: Confidence | None = None  # of reaching the target on time, as the one checking in sees it


# An outcome with no current figure yet stands at its baseline (never a value of the file).
_AT_BASELINE = float("-inf")


class Outcome(Keyed):
    """A measurable result of a plan: baseline, target, current, due."""

    TABLE = "outcomes"
    PREFIX = "O"
    NAME = "outcome"

    plan: PlanRef
    name: Name
    target: Number
    baseline: Number = 0.0
    current: Number = _AT_BASELINE
    unit: Unit = ""
    start: Date | None = None  # None: its plan's start, else the day it was added (forecast.outcome_start)
    due: Date | None = None
    checkins: Annotated[list[CheckIn], appended(100_000, "checkin")] = []
    created_at: Timestamp = ""
    rev: Id = 1
    lead: PartnerRef | None = None  # the partner that leads it

    def __post_init__(self) -> None:
        if self.current == _AT_BASELINE:
            self.current = self.baseline


class TaskUpdate(Record):
    """A note on a task: who, when, text."""

    NAME = "update"

    by: Handle
    at: Timestamp
    text: LongText


class Task(Keyed):
    """A task of a plan: owner, status, progress 0-100, due, linked outcome."""

    TABLE = "tasks"
    PREFIX = "T"
    NAME = "task"

    plan: PlanRef
    title: Name
    notes: LongText = ""
    owner: Handle | None = None
    status: TaskStatus = "todo"
    progress: Percent = 0
    start: Date | None = None  # the day work on it may start
    due: Date | None = None
    outcome: OutcomeRef | None = None
    blocked_reason: LongText = ""
    updates: Annotated[list[TaskUpdate], appended(100_000, "note")] = []
    # The tasks that must be done before this one can start (any plan of the partnership): while
    # one is open, this task is waiting (model/schedule.py). Never a cycle (schema checks).
    waits_on: Annotated[list[TaskRef], unordered(1000)] = []
    series: SeriesRef | None = None  # the recurring series this task is an instance of
    created_at: Timestamp = ""
    updated_at: Timestamp = ""
    rev: Id = 1
    # A lead's follow-ups on it while late: a new date agreed replaced ``due`` (the old one stays in the follow-up).
    followups: Annotated[list[FollowUp], appended(10_000, "followup")] = []
    meeting: MeetingRef | None = None  # the meeting whose action item this task is


class Milestone(Keyed):
    """A date in a plan by which some of its tasks and outcomes must be done (model/schedule.py
    gives its health in the forecasts' words: met, on track, at risk, off track, no data)."""

    TABLE = "milestones"
    PREFIX = "D"  # a date the plan holds itself to ("M" is a meeting's)
    NAME = "milestone"
    CREATED = False  # the table appears with a file's first milestone

    plan: PlanRef
    name: Name
    due: Date
    tasks: Annotated[list[TaskRef], unordered(10_000)] = []
    outcomes: Annotated[list[OutcomeRef], unordered(1000)] = []
    created_at: Timestamp = ""
    rev: Id = 1


class Series(Keyed):
    """A recurring task: how often it comes back (``every``), the first due day the dates count
    from (``anchor``: monthly on the 31st stays at month ends), and whether it is running,
    paused or ended. Its instances are tasks that name it (``Task.series``); when one is done,
    the next is made (store/actions/series.py)."""

    TABLE = "series"
    PREFIX = "S"
    NAME = "series"
    CREATED = False  # the table appears with a file's first recurring task

    plan: PlanRef
    every: Repeat
    anchor: Date
    status: SeriesStatus = "running"
    created_at: Timestamp = ""
    rev: Id = 1


class Grant(Keyed):
    """Money one partner gives another, and the match the recipient must bring (``1:1``, ``25%``)."""

    TABLE = "grants"
    PREFIX = "G"
    NAME = "grant"

    name: Name
    funder: PartnerRef
    recipient: PartnerRef
    amount: Amount
    match: MatchRate
    created_at: Timestamp = ""
    rev: Id = 1
    # The grant's period, and the day its match must be delivered by (None: the period's end).
    start: Date | None = None
    end: Date | None = None
    match_by: Date | None = None


class AgendaItem(Record):
    """One item of a meeting's agenda: what to take up, the record it is about (a plan waiting
    for buy-in, an outcome off track...), and whether workplan put it there when the meeting
    was made (``prefilled``) or a member added it."""

    NAME = "agenda_item"

    text: Name
    about: Mention | None = None
    prefilled: bool = False


class Attendance(Record):
    """How one member was at a meeting, and the debrief owed to one who missed it.

    ``sent``: when apologies were sent (before the meeting starts: in advance). ``proxy``: the
    member who represented them. ``debrief_due``: the day by which a member who was not there
    is debriefed (the meeting's day plus the partnership's ``debrief_days``); ``debriefed_by``
    and ``debriefed_at``: the member who was there and gave it, and when it was ticked off.
    """

    NAME = "attendance"

    member: Handle
    status: AttendanceStatus
    sent: Timestamp | None = None
    proxy: Handle | None = None
    debrief_due: Date | None = None
    debriefed_by: Handle | None = None
    debriefed_at: Timestamp | None = None


class Decision(Record):
    """What a meeting decided: the words, the plan or norm it is about (a vote taken in the
    meeting stays the plan's vote record), who recorded it and when."""

    NAME = "decision"

    text: Statement
    by: Handle
    at: Timestamp
    about: Mention | None = None


class Meeting(Keyed):
    """A meeting of the partnership: when (its day, a local start time, how long), where, who
    facilitates and who stands in, its agenda, who came, what it decided and its notes. Its
    action items are tasks that name it (``Task.meeting``)."""

    TABLE = "meetings"
    PREFIX = "M"
    NAME = "meeting"

    title: Name
    day: Date
    time: TimeOfDay | None = None  # local wall time; None: the day only
    duration: Annotated[int, Meta(ge=1, le=1440, description="minutes")] = 60
    place: Text = ""
    facilitator: Handle | None = None
    alternate: Handle | None = None
    agenda: Annotated[list[AgendaItem], ordered(500)] = []
    attendance: Annotated[list[Attendance], keyed(10_000, "member")] = []
    decisions: Annotated[list[Decision], appended(10_000, "decision")] = []
    notes: LongText = ""
    created_at: Timestamp = ""
    updated_at: Timestamp = ""
    rev: Id = 1


class ConflictSide(Record):
    """One side of a conflict: the value it set, who set it and when (None when not known)."""

    NAME = "side"

    value: Any
    by: Word
    at: Timestamp | None


class Conflict(Keyed):
    """A field that both sides of a merge changed to different values (sync/merge.py).

    The record holds one of the two values until a member settles it ('workplan resolve');
    ``field`` is ``(record)`` when one side removed the record and the other changed it (it
    was kept). ``base`` is the value both had before (absent when the field was new).
    """

    TABLE = "conflicts"
    PREFIX = "C"
    NAME = "conflict"
    CREATED = False

    table: TableName
    key: Annotated[Id, HIDDEN]
    record: Label
    field: Label
    sides: Annotated[list[ConflictSide], Meta(min_length=2, max_length=2)]
    at: Timestamp
    base: Annotated[Any, Meta(description="the value both copies had before (absent when the field was new)")] = None
    merged_by: Word = ""
    rev: Annotated[Id, HIDDEN] = 1

    @property
    def summary(self) -> str:
        """'T12 progress', as completion and listings name it."""
        return f"{self.record} {self.field}"


class Activity(Keyed):
    """One entry of the activity log: who, when, which record, before -> after.

    The log is a side file of lines (store/history.py), each carrying its own ``"id"``;
    a schema 1 file kept them in its ``activity`` table, keyed by id like any table.
    """

    TABLE = "activity"
    PREFIX = "A"
    NAME = "activity"

    at: Timestamp
    member: Word
    kind: Label
    record: Word
    os_user: Word = ""
    changes: Annotated[
        dict[Word, Annotated[list[Any], Meta(min_length=2, max_length=2)]],
        Meta(description="field -> [before, after]"),
    ] = {}
    undoes: EntryRef | None = None


# The tables of a file, in the order it holds them. "grants" and "meetings" came after schema 2 was
# published: a file without them has none (older files stay readable).
RECORDS: dict[str, type[Keyed]] = {
    cls.TABLE: cls
    for cls in (
        Partnership,
        Partner,
        Member,
        Norm,
        Plan,
        Vote,
        Outcome,
        Task,
        Grant,
        Meeting,
        Conflict,
        Milestone,
        Series,
    )
}
TABLES = tuple(RECORDS)
# The tables a new file starts with: "conflicts" appears only when a merge records one.
CREATED_TABLES = tuple(name for name, cls in RECORDS.items() if cls.CREATED and name != "meta")
# Schema 1 kept the activity log in the file; schema 2 keeps it in a side file (store/history.py).
LEGACY_TABLES = (*TABLES, Activity.TABLE)
KEYED: dict[str, type[Keyed]] = {**RECORDS, Activity.TABLE: Activity}

# Short ids people type: T12 is task 12, P3 plan 3, O4 outcome 4, N2 norm 2, M1 meeting 1.
PREFIX: dict[str, str] = {name: cls.PREFIX for name, cls in KEYED.items() if cls.PREFIX}
_TABLE_OF_PREFIX = {letter: name for name, letter in PREFIX.items()}


def label(table: str, doc_id: int) -> str:
    """The short id of a record, e.g. ``label("tasks", 12) == "T12"``."""
    return f"{PREFIX.get(table, '#')}{doc_id}"


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
        raise ValueError(f"{text!r} is not a {KEYED[table].NAME} id (expected e.g. {prefix}12)")
    return int(s)


def record_name(table: str, doc_id: int, fields: Any) -> str:
    """How the log and people name a record: ``T12``, ``partner CITY``, ``member bob``,
    ``partnership`` (``fields``: the record's stored fields, for those named by one)."""
    if table == Partnership.TABLE:
        return "partnership"
    cls = KEYED.get(table)
    named_by = cls.NAMED_BY if cls is not None else None
    if named_by is not None and isinstance(fields, dict) and isinstance(fields.get(named_by), str):
        return f"{cls.NAME if cls else table} {fields[named_by]}"
    if table in PREFIX:
        return label(table, doc_id)
    return f"{table} {doc_id}"


def table_named(record: object) -> str | None:
    """The table of the record a log entry or a conflict names: ``T12`` -> tasks, ``member bob``
    -> members, ``partnership`` -> meta; None for a name that is none of these."""
    if not isinstance(record, str):
        return None
    if record == "partnership":
        return Partnership.TABLE
    word, _, rest = record.partition(" ")
    for name, cls in KEYED.items():
        if cls.NAMED_BY is not None and word == cls.NAME and rest:
            return name
    parsed = id_of_label(record)
    return _TABLE_OF_PREFIX.get(parsed[0]) if parsed else None


class Workplan(Struct):
    """Everything one partnership file holds, as read at one moment."""

    partnership: Partnership
    partners: dict[str, Partner] = {}
    members: dict[str, Member] = {}
    norms: dict[int, Norm] = {}
    plans: dict[int, Plan] = {}
    votes: list[Vote] = []
    outcomes: dict[int, Outcome] = {}
    tasks: dict[int, Task] = {}
    conflicts: dict[int, Conflict] = {}
    grants: dict[int, Grant] = {}
    milestones: dict[int, Milestone] = {}
    series: dict[int, Series] = {}
    meetings: dict[int, Meeting] = {}

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
