"""What each command prints with ``--json``, as JSON Schema: ``workplan schema`` prints it.

The records' own schemas are in ``model/contract.py``; here are the shapes made of them
(a listing is an array of records, a summary an object holding records) and, in
``COMMANDS``, which shape each command prints. ``tests/unit/test_contract.py`` runs every
command with ``--json`` and validates its output against this.
"""

from __future__ import annotations

from typing import Any

from workplan_tui.model import contract

ref, array_of = contract.ref, contract.array_of

_BUY_IN = {
    "type": "object",
    "required": ["rule", "tally", "not_voted", "may_activate", "missing"],
    "properties": {
        "rule": {"type": "string"},
        "tally": {"type": "object", "additionalProperties": {"type": "integer"}},
        "not_voted": {"type": "array", "items": {"type": "string"}},
        "may_activate": {"type": "boolean"},
        "missing": {"type": "array", "items": {"type": "string"}},
    },
}


def _with(base: str, **extra: Any) -> dict[str, Any]:
    """A record with more fields: ``{"allOf": [record, {required extra fields}]}``."""
    return {"allOf": [ref(base), {"type": "object", "required": sorted(extra), "properties": extra}]}


_HEALTH = {
    "enum": ["met", "on_track", "at_risk", "off_track", "no_data"],
    "description": "are we on track? (model/forecast.py; docs/status-review.md, how health is worked out)",
}
_MAYBE_NUMBER = {"type": ["number", "null"]}
_MAYBE_DATE = {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}
# An outcome's forecast (forecast.Forecast.as_json): numbers in the outcome's unit, null where unknown.
_FORECAST = {
    "type": "object",
    "required": ["health", "reason", "expected", "projected", "pace_per_week", "needed_per_week"],
    "additionalProperties": False,
    "properties": {
        "health": _HEALTH,
        "reason": {"type": "string", "description": "why, in words a lead can repeat in a meeting"},
        "expected": {**_MAYBE_NUMBER, "description": "where the line from baseline at start to target at due is today"},
        "projected": {**_MAYBE_NUMBER, "description": "the value at the due date at the current pace"},
        "pace_per_week": {**_MAYBE_NUMBER, "description": "least-squares pace of the recent check-ins"},
        "needed_per_week": {**_MAYBE_NUMBER, "description": "the pace that reaches the target on time"},
    },
}
# A plan's forecast (forecast.PlanForecast.as_json).
_PLAN_FORECAST = {
    "type": "object",
    "required": [
        "health",
        "reason",
        "expected_progress",
        "open_tasks",
        "overdue_tasks",
        "tasks_after_end",
        "closing_per_week",
        "needed_per_week",
        "finish_by",
    ],
    "additionalProperties": False,
    "properties": {
        "health": _HEALTH,
        "reason": {"type": "string", "description": "the worst parts first: 'O3 off track; 5 tasks overdue'"},
        "expected_progress": {**_MAYBE_NUMBER, "description": "the share of the plan's time gone, 0-100"},
        "open_tasks": {"type": "integer"},
        "overdue_tasks": {"type": "integer"},
        "tasks_after_end": {"type": "integer", "description": "open tasks due after the plan's end"},
        "closing_per_week": {**_MAYBE_NUMBER, "description": "tasks done per week in the last 4 weeks"},
        "needed_per_week": {**_MAYBE_NUMBER, "description": "tasks per week to close the open ones by the end"},
        "finish_by": {
            "anyOf": [{"type": "string", "format": "date"}, {"type": "null"}],
            "description": "when the open tasks are done at the closing rate",
        },
    },
}
_OUTCOME_FORECAST = _with("outcome", forecast=ref("forecast"))
_OUTCOME_PROGRESS = _with("outcome", progress={"type": "number"}, forecast=ref("forecast"))
_TASK_LIST = {"type": "array", "items": ref("task")}
# A task with its health today and why (model/schedule.task_health): task list/show, the JSON export.
_TASK_HEALTH = {"health": _HEALTH, "reason": {"type": "string"}}
_TASK_LABELS = {"type": "array", "items": {"type": "string", "pattern": "^T[1-9][0-9]*$"}}
_LABELS = {"T": {"type": "array", "items": {"type": "string", "pattern": "^T[1-9][0-9]*$"}}}
_NUMBER = {"type": "number"}
_TALLY = {
    "type": "object",
    "required": ["pledged", "delivered", "unvalued", "count"],
    "properties": {
        "pledged": _NUMBER,
        "delivered": _NUMBER,
        "unvalued": {"type": "integer", "description": "pledges with no value (neither amount nor hours x rate)"},
        "count": {"type": "integer"},
    },
}
_BY_KIND = {"type": "object", "additionalProperties": ref("tally")}
_MATCH = {
    "type": "object",
    "required": ["recipient", "grants", "required", "pledged", "delivered", "shortfall", "by_kind"],
    "properties": {
        "recipient": {"type": "string"},
        "grants": {"type": "array", "items": {"type": "string", "pattern": "^G[1-9][0-9]*$"}},
        "required": _NUMBER,
        "pledged": _NUMBER,
        "delivered": _NUMBER,
        "unvalued": {"type": "integer"},
        "shortfall": _NUMBER,
        "by_kind": _BY_KIND,
    },
}

_LABEL_OR_NULL = {"anyOf": [{"type": "string"}, {"type": "null"}]}
_MILESTONE = _with(
    "milestone",
    forecast={
        "type": "object",
        "required": ["health", "reason", "open_tasks", "open_outcomes"],
        "properties": {
            "health": _HEALTH,
            "reason": {"type": "string"},
            "open_tasks": _LABELS["T"],
            "open_outcomes": {"type": "array", "items": {"type": "string", "pattern": "^O[1-9][0-9]*$"}},
        },
    },
)
_SERIES = _with(
    "series",
    repeats={"type": "string", "description": "how often, in words: every Monday"},
    instances=_LABELS["T"],
    open={"anyOf": [{"type": "string", "pattern": "^T[1-9][0-9]*$"}, {"type": "null"}]},
)
_TIMELINE = {
    "type": "object",
    "required": ["from", "weeks", "by", "today", "rows"],
    "properties": {
        "from": {"type": "string", "format": "date", "description": "the Monday the weeks begin"},
        "weeks": {"type": "integer"},
        "by": {"enum": ["partner", "plan"]},
        "today": {"type": "string", "format": "date"},
        "rows": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "kind", "group", "title", "start", "end", "state", "why"],
                "properties": {
                    "id": {"type": "string", "pattern": "^[TD][1-9][0-9]*$"},
                    "kind": {"enum": ["task", "milestone"]},
                    "group": {"type": "string", "description": "the owner's partner code, or the plan's label"},
                    "title": {"type": "string"},
                    "start": {"type": ["string", "null"], "format": "date"},
                    "end": {"type": ["string", "null"], "format": "date"},
                    "state": {
                        "anyOf": [
                            {
                                "enum": [
                                    *("overdue", "blocked", "waiting", "done"),
                                    *("met", "on_track", "at_risk", "off_track", "no_data"),
                                ]
                            },
                            {"type": "null"},
                        ]
                    },
                    "why": _LABEL_OR_NULL,
                    "waits_on": _LABELS["T"],
                },
            },
        },
    },
}

_DATE_OR_NULL = {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}
# A pledge's status (commitments.PledgeStatus.as_json): money in the partnership's currency.
_PLEDGE_STATUS = {
    "type": "object",
    "required": [
        "health",
        "reason",
        "expected",
        "delivered",
        "shortfall",
        "due",
        "next_due",
        "next_amount",
        "overdue_days",
    ],
    "properties": {
        "health": {
            **_HEALTH,
            "description": "a pledge's health (model/commitments.py): met = delivered, on_track = on schedule, "
            "at_risk = behind, off_track = late, no_data = no date",
        },
        "reason": {"type": "string"},
        "expected": {**_MAYBE_NUMBER, "description": "what fell due before today (null: not valued)"},
        "delivered": _NUMBER,
        "shortfall": {**_MAYBE_NUMBER, "description": "expected less delivered, never below 0"},
        "due": {**_DATE_OR_NULL, "description": "when all of it is due"},
        "next_due": {**_DATE_OR_NULL, "description": "the next instalment's day"},
        "next_amount": _MAYBE_NUMBER,
        "overdue_days": {
            "anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}],
            "description": "behind or late: days since the part the reason counts from fell due "
            "('5 weeks overdue': 35 to 41); null otherwise",
        },
    },
}
_MATCH_STATUS = {
    "type": "object",
    "required": ["health", "reason", "deadline", "delivered_by_deadline", "delivered_late"],
    "properties": {
        "health": _HEALTH,
        "reason": {"type": "string"},
        "deadline": {**_DATE_OR_NULL, "description": "the match deadline: match_by, else the period's end"},
        "delivered_by_deadline": _NUMBER,
        "delivered_late": {**_NUMBER, "description": "delivered after the deadline: not counted towards the match"},
    },
}
_FOLLOWUP_ROW = _with(
    "followup",
    subject={"type": "string", "description": "T12, or a pledge: PARKS #2"},
    title={"type": "string"},
    partner={"type": ["string", "null"]},
)
_PARTNER_RECORD = _with(
    "partner",
    members={"type": "array", "items": {"type": "string"}},
    summary={"type": "string", "description": "'2 tasks overdue, pledge $3,000 behind, 1 vote missing'"},
    health=_HEALTH,
    pledges={
        "type": "array",
        "items": {
            "allOf": [
                ref("pledge_status"),
                {
                    "type": "object",
                    "required": ["number", "kind", "description"],
                    "properties": {"number": {"type": "integer"}},
                },
            ]
        },
    },
    tasks={
        "type": "object",
        "required": ["open", "overdue", "blocked"],
        "properties": {k: _LABELS["T"] for k in ("open", "overdue", "blocked")},
    },
    leads={
        "type": "array",
        "items": {
            "type": "object",
            "required": ["id", "name", "health", "reason"],
            "properties": {"id": {"type": "string", "pattern": "^[PO][1-9][0-9]*$"}, "health": _HEALTH},
        },
    },
    votes_missing={
        "type": "array",
        "items": {"type": "object", "required": ["plan", "members"], "properties": {"plan": {"type": "string"}}},
    },
    norms_not_agreed={
        "type": "array",
        "items": {"type": "object", "required": ["norm", "members"], "properties": {"norm": {"type": "string"}}},
    },
    last_change={
        "anyOf": [
            {"type": "null"},
            {"type": "object", "required": ["at", "member"], "properties": {"at": {"type": "string"}}},
        ]
    },
    followups={
        "type": "array",
        "items": _with("followup", subject={"type": "string"}),
    },
)

OUTPUTS: dict[str, Any] = {
    "tally": _TALLY,
    "pledge_status": _PLEDGE_STATUS,
    "match_status": _MATCH_STATUS,
    "partner_record": _PARTNER_RECORD,
    "late_pledge": {
        "allOf": [
            ref("pledge_status"),
            {
                "type": "object",
                "required": ["partner", "number", "kind", "description"],
                "properties": {"partner": {"type": "string"}, "number": {"type": "integer"}},
            },
        ],
        "description": "a pledge behind or late",
    },
    "date_problems": {
        "type": "array",
        "description": "dates that cannot work: a task due before a task it waits on, a chain that ends late",
        "items": {
            "type": "object",
            "required": ["task", "with", "text"],
            "properties": {
                "task": {"type": "string", "pattern": "^T[1-9][0-9]*$"},
                "with": {"type": "string", "description": "the other record: T9, O3, P2"},
                "text": {"type": "string"},
            },
        },
    },
    "milestone_forecast": _MILESTONE,
    "series_instances": _SERIES,
    "timeline": _TIMELINE,
    "resources": {
        "type": "object",
        "required": ["currency", "total", "by_kind", "partners", "match"],
        "properties": {
            "currency": {"type": ["string", "null"]},
            "total": ref("tally"),
            "by_kind": _BY_KIND,
            "partners": {
                "type": "array",
                "items": {
                    "allOf": [
                        ref("tally"),
                        {"type": "object", "required": ["code", "by_kind"], "properties": {"by_kind": _BY_KIND}},
                    ]
                },
            },
            "match": {"type": "array", "items": _MATCH, "description": "the match report, one item per recipient"},
        },
    },
    "grant_match": _with(
        "grant",
        required=_NUMBER,
        pledged=_NUMBER,
        delivered=_NUMBER,
        by_kind=_BY_KIND,
        match_status=ref("match_status"),
    ),
    "report": {
        "type": "object",
        "required": [
            "partnership",
            "date",
            "since",
            "plan",
            "on_track",
            "decisions",
            "outcomes",
            "milestones",
            "date_problems",
            "done",
            "needs_attention",
            "behind",
            "resources",
            "grants",
            "norms",
            "partners",
        ],
        "properties": {
            "partnership": ref("partnership"),
            "date": {"type": "string", "format": "date"},
            "since": {"type": "string", "format": "date"},
            "plan": {"anyOf": [{"type": "string", "pattern": "^P[1-9][0-9]*$"}, {"type": "null"}]},
            "on_track": {
                "type": "array",
                "description": "Are we on track? Each running plan (or the one asked for) and its outcomes",
                "items": {
                    "type": "object",
                    "required": ["plan", "title", "start", "end", "forecast", "outcomes"],
                    "properties": {
                        "plan": {"type": "string", "pattern": "^P[1-9][0-9]*$"},
                        "title": {"type": "string"},
                        "start": _MAYBE_DATE,
                        "end": _MAYBE_DATE,
                        "forecast": ref("plan_forecast"),
                        "outcomes": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "name", "due", "forecast"],
                                "properties": {
                                    "id": {"type": "string", "pattern": "^O[1-9][0-9]*$"},
                                    "name": {"type": "string"},
                                    "due": _MAYBE_DATE,
                                    "forecast": ref("forecast"),
                                },
                            },
                        },
                    },
                },
            },
            "decisions": {"type": "array", "items": _with("plan", buy_in=ref("buy_in"))},
            "outcomes": {
                "type": "array",
                "items": _with(
                    "outcome",
                    progress=_NUMBER,
                    value_at_since=_NUMBER,
                    change=_NUMBER,
                    checkins_since={"type": "integer"},
                    forecast=ref("forecast"),
                ),
            },
            "milestones": array_of("milestone_forecast"),
            "date_problems": ref("date_problems"),
            "done": _TASK_LIST,
            "needs_attention": {
                "type": "object",
                "required": ["overdue", "blocked", "stale", "late_pledges", "followups_due"],
                "properties": {
                    "overdue": _TASK_LIST,
                    "blocked": _TASK_LIST,
                    "stale": _TASK_LIST,
                    "late_pledges": array_of("late_pledge"),
                    "followups_due": {"type": "array", "items": _FOLLOWUP_ROW},
                },
            },
            "partners": array_of("partner_record"),
            "behind": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["member", "partner", "open", "overdue", "blocked", "stale"],
                    "properties": {
                        "member": {"type": "string"},
                        "partner": {"type": "string"},
                        "open": {"type": "integer"},
                        "overdue": _LABELS["T"],
                        "blocked": _LABELS["T"],
                        "stale": _LABELS["T"],
                        "last_change": {"type": ["string", "null"]},
                    },
                },
            },
            "resources": ref("resources"),
            "grants": array_of("grant_match"),
            "norms": {"type": "array", "items": _with("norm", in_force={"type": "boolean"})},
        },
    },
    "export": {
        "type": "object",
        "required": [
            "partnership",
            "partners",
            "members",
            "norms",
            "plans",
            "votes",
            "outcomes",
            "tasks",
            "grants",
            "partner_records",
            "meetings",
        ],
        "properties": {
            "partnership": ref("partnership"),
            "partners": array_of("partner"),
            "members": array_of("member"),
            "norms": array_of("norm"),
            "plans": {"type": "array", "items": _with("plan", forecast=ref("plan_forecast"))},
            "votes": array_of("vote"),
            "outcomes": {"type": "array", "items": _OUTCOME_FORECAST},
            "tasks": {"type": "array", "items": _with("task", **_TASK_HEALTH)},
            "grants": {"type": "array", "items": _with("grant", match_status=ref("match_status"))},
            "partner_records": array_of("partner_record"),
            "milestones": array_of("milestone"),
            "series": array_of("series"),
            "meetings": array_of("meeting"),
            "activity": array_of("activity"),
        },
    },
    "import": {
        "type": "object",
        "required": [
            "plan",
            "dry_run",
            "columns",
            "ignored_columns",
            "added",
            "updated",
            "unchanged",
            "encoding",
            "sample",
        ],
        "properties": {
            "plan": {"type": "string", "pattern": "^P[1-9][0-9]*$"},
            "dry_run": {"type": "boolean"},
            "encoding": {
                "enum": ["utf-8", "utf-16", "cp1252", "mac-roman"],
                "description": "how the file was read (--encoding names it when it cannot be told)",
            },
            "sample": {
                "type": "array",
                "items": {"type": "string"},
                "description": "the first titles as read, to check the encoding by eye",
            },
            "columns": {"type": "object", "additionalProperties": {"type": "string"}},
            "ignored_columns": {"type": "array", "items": {"type": "string"}},
            "added": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["row", "id", "title"],
                    "properties": {
                        "row": {"type": "integer"},
                        "id": {"anyOf": [{"type": "string", "pattern": "^T[1-9][0-9]*$"}, {"type": "null"}]},
                        "plan": {"type": "string", "pattern": "^P[1-9][0-9]*$"},
                        "outcome": {"anyOf": [{"type": "string", "pattern": "^O[1-9][0-9]*$"}, {"type": "null"}]},
                    },
                },
            },
            "updated": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["row", "id", "changes"],
                    "properties": {
                        "row": {"type": "integer"},
                        "id": {"type": "string", "pattern": "^T[1-9][0-9]*$"},
                        "changes": {
                            "type": "object",
                            "additionalProperties": {"type": "array", "minItems": 2, "maxItems": 2},
                        },
                    },
                },
            },
            "unchanged": {
                "type": "array",
                "items": {"type": "object", "required": ["row", "id"]},
            },
        },
    },
    "meeting_shown": _with(
        "meeting",
        past={"type": "boolean", "description": "the meeting is over"},
        flags={"type": "array", "items": {"type": "string"}, "description": "e.g. no facilitator or alternate"},
        action_items=_TASK_LABELS,
        debriefs_owed={
            "type": "array",
            "items": {"type": "string"},
            "description": "members who missed it and have not been debriefed yet",
        },
        apologies_in_advance={
            "type": "object",
            "additionalProperties": {"type": "boolean"},
            "description": "member -> whether their apologies were sent before the meeting started",
        },
    ),
    "debrief_owed": {
        "type": "object",
        "required": ["meeting", "member", "due", "overdue"],
        "properties": {
            "meeting": {"type": "string", "pattern": "^M[1-9][0-9]*$"},
            "member": {"type": "string"},
            "due": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
            "overdue": {"type": "boolean"},
        },
    },
    "buy_in": _BUY_IN,
    "forecast": _FORECAST,
    "plan_forecast": _PLAN_FORECAST,
    "concern": {
        "type": "object",
        "required": ["id", "name", "plan", "health", "reason"],
        "properties": {
            "id": {"type": "string", "pattern": "^[PO][1-9][0-9]*$", "description": "the plan or outcome"},
            "name": {"type": "string"},
            "plan": {"type": "string", "pattern": "^P[1-9][0-9]*$"},
            "health": {"enum": ["off_track", "at_risk"]},
            "reason": {"type": "string"},
        },
    },
    "plan_figures": _with(
        "plan",
        progress={"type": "number"},
        forecast=ref("plan_forecast"),
        buy_in=_BUY_IN,
        outcomes={"type": "array", "items": _OUTCOME_PROGRESS},
        tasks={"type": "integer"},
        done={"type": "integer"},
        overdue={"type": "integer"},
        blocked={"type": "integer"},
        due_this_week={"type": "integer"},
        waiting={"type": "integer"},
        next_milestone={"anyOf": [ref("milestone_forecast"), {"type": "null"}]},
    ),
    "status": {
        "type": "object",
        "required": [
            "partnership",
            "date",
            "member",
            "off_track_at_risk",
            "mine",
            "plans",
            "due_this_week",
            "changed",
            "needs_attention",
            "resources",
            "meetings",
        ],
        "properties": {
            "partnership": ref("partnership"),
            "resources": ref("resources"),
            "meetings": {
                "type": "object",
                "required": ["next", "debriefs_owed"],
                "properties": {
                    "next": {
                        "anyOf": [ref("meeting"), {"type": "null"}],
                        "description": "the soonest meeting not over",
                    },
                    "debriefs_owed": array_of("debrief_owed"),
                },
            },
            "date": {"type": "string", "format": "date"},
            "member": {"type": "string"},
            "off_track_at_risk": {
                "type": "array",
                "items": ref("concern"),
                "description": "running plans and their outcomes off track or at risk, worst first",
            },
            "mine": {
                "type": "object",
                "required": ["tasks", "waiting_for_my_vote", "ready_to_start"],
                "properties": {
                    "tasks": _TASK_LIST,
                    "waiting_for_my_vote": array_of("plan"),
                    "ready_to_start": {
                        "type": "array",
                        "description": "my tasks whose last prerequisite was done since --since: who did it, when",
                        "items": {
                            "type": "object",
                            "required": ["task", "prerequisite", "by", "at"],
                            "properties": {
                                "task": ref("task"),
                                "prerequisite": ref("task"),
                                "by": {"type": "string"},
                                "at": {"type": "string", "format": "date-time"},
                            },
                        },
                    },
                },
            },
            "plans": array_of("plan_figures"),
            "due_this_week": _TASK_LIST,
            "changed": {
                "type": "object",
                "required": ["since", "entries"],
                "properties": {"since": {"type": "string", "format": "date"}, "entries": array_of("activity")},
            },
            "needs_attention": {
                "type": "object",
                "required": [
                    "overdue",
                    "blocked",
                    "stale",
                    "waiting_for_my_vote",
                    "partners",
                    "late_pledges",
                    "followups_due",
                    "waiting",
                    "date_problems",
                ],
                "properties": {
                    "overdue": _TASK_LIST,
                    "blocked": _TASK_LIST,
                    "stale": _TASK_LIST,
                    "waiting_for_my_vote": array_of("plan"),
                    "partners": {
                        "type": "array",
                        "description": "each partner late or behind on a date (a task, a pledge), in one line",
                        "items": {
                            "type": "object",
                            "required": ["code", "summary", "health"],
                            "properties": {"summary": {"type": "string"}, "health": _HEALTH},
                        },
                    },
                    "late_pledges": array_of("late_pledge"),
                    "followups_due": {"type": "array", "items": _FOLLOWUP_ROW},
                    "waiting": _TASK_LIST,
                    "date_problems": ref("date_problems"),
                },
            },
        },
    },
    "check": {
        "type": "object",
        "required": ["file", "sound", "problems", "log_problems", "temp_files", "counts", "log_last"],
        "properties": {
            "file": {"type": "string"},
            "link_to": {"type": ["string", "null"]},
            "sound": {"type": "boolean"},
            "problems": {"type": "array", "items": {"type": "string"}},
            "log_problems": {"type": "array", "items": {"type": "string"}},
            "doubts": {
                "type": "array",
                "items": {"type": "string"},
                "description": "what no command writes but a hand edit or a merge may leave, one line each: "
                "dates (a plan ending before it starts, an outcome or task starting after its due day, a "
                "check-in dated in the future or recorded after a later one), a meeting whose facilitator is "
                "also its alternate, a milestone listing a task or outcome of another plan, a recurring series "
                "with more than one open instance; the file is still sound and is read as it is",
            },
            "temp_files": {"type": "array", "items": {"type": "string"}},
            "git_problems": {
                "type": "array",
                "items": {"type": "string"},
                "description": "what git did or would do to the file in its clone: a merge stopped on it, "
                "conflict markers, git's merge driver or hooks missing, bytes git would change",
            },
            "outside_edit": {
                "description": "a change to the file that no workplan write made (a hand edit, another tool): "
                "when (the file's time), by whom when known, the records that differ from workplan's last write "
                "(null: not known); the next write logs it",
                "anyOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["at", "by", "records", "said"],
                        "properties": {
                            "at": {"type": "string", "format": "date-time"},
                            "by": {"type": ["string", "null"]},
                            "records": {"type": ["array", "null"], "items": {"type": "string"}},
                            "said": {"type": "string"},
                        },
                    },
                ],
            },
            "schema_version": {"type": ["integer", "null"]},
            "counts": {"type": ["object", "null"], "additionalProperties": {"type": "integer"}},
            "log_last": {"anyOf": [{"type": "string", "pattern": "^A[1-9][0-9]*$"}, {"type": "null"}]},
        },
    },
    "sync": {
        "type": "object",
        "required": ["file", "remote", "committed", "merged", "pushed", "retries", "conflicts", "at", "head"],
        "properties": {
            "file": {"type": "string"},
            "remote": {"type": "string", "description": "the upstream branch, e.g. origin/main"},
            "committed": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["commit", "subject", "changes"],
                    "properties": {
                        "commit": {"type": "string"},
                        "subject": {"type": "string"},
                        "changes": {"type": "integer"},
                    },
                },
            },
            "merged": {
                "anyOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["kind", "from", "summary"],
                        "properties": {
                            "kind": {"enum": ["merge", "fast-forward"]},
                            "from": {"type": "string"},
                            "commit": {"type": "string"},
                            "changes": {"type": "integer"},
                            "conflicts": {"type": "array", "items": {"type": "string", "pattern": "^C[1-9][0-9]*$"}},
                            "renumbered": {"type": "array", "items": {"type": "string"}},
                            "summary": {"type": "string"},
                        },
                    },
                ]
            },
            "pushed": {"type": "boolean"},
            "retries": {"type": "integer", "minimum": 0},
            "conflicts": {"type": "array", "items": {"type": "string", "pattern": "^C[1-9][0-9]*$"}},
            "renumbered": {"type": "array", "items": {"type": "string"}},
            "warnings": {"type": "array", "items": {"type": "string"}},
            "at": {"type": "string", "format": "date-time"},
            "head": {"type": ["string", "null"]},
        },
    },
    "merge_file": {
        "type": "object",
        "required": ["file", "changes_from_ours", "changes_from_theirs", "conflicts", "renumbered"],
        "properties": {
            "file": {"type": "string"},
            "changes_from_ours": {"type": "integer"},
            "changes_from_theirs": {"type": "integer"},
            "conflicts": {"type": "array", "items": {"type": "string", "pattern": "^C[1-9][0-9]*$"}},
            "renumbered": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["table", "from", "to", "side"],
                    "properties": {
                        "table": {"type": "string"},
                        "from": {"type": "integer"},
                        "to": {"type": "integer"},
                        "side": {"enum": ["ours", "theirs"]},
                        "added_by": {"type": "string"},
                    },
                },
            },
        },
    },
    "undo": {
        "type": "object",
        "required": ["undone", "kind", "record", "restored"],
        "properties": {
            "undone": {"type": "string", "pattern": "^A[1-9][0-9]*$"},
            "kind": {"type": "string"},
            "record": {"type": "string"},
            "restored": {"type": "object"},
        },
    },
}

_TASK_CHANGES = ("add", "progress", "status", "done", "assign", "due", "note", "edit", "depends", "skip")
_SEVERAL = ("progress", "status", "done", "assign", "due", "note", "skip")  # task commands that take several ids
_REMOVED = {"removed": {"const": True}}

COMMANDS: dict[str, Any] = {
    "init": _with("partnership", file={"type": "string"}),
    "demo": {"allOf": [ref("status"), {"type": "object", "required": ["file"]}]},
    "status": ref("status"),
    "check": ref("check"),
    "log": array_of("activity"),
    "undo": ref("undo"),
    "stage": ref("partnership"),
    "partner add": ref("partner"),
    "partner list": {"type": "array", "items": _with("partner", members={"type": "array"})},
    "member add": ref("member"),
    "member list": array_of("member"),
    "member show": _with(
        "member",
        open_tasks=_TASK_LABELS,
        roles={
            "type": "array",
            "description": "the meetings they facilitate or stand in for",
            "items": {
                "type": "object",
                "required": ["meeting", "role", "past"],
                "properties": {
                    "meeting": {"type": "string", "pattern": "^M[1-9][0-9]*$"},
                    "role": {"enum": ["facilitator", "alternate"]},
                    "past": {"type": "boolean"},
                },
            },
        },
        attendance={"type": "object", "additionalProperties": {"type": "integer"}},
        debriefs_owed={
            "type": "array",
            "items": {
                "type": "object",
                "required": ["meeting", "due", "overdue"],
                "properties": {
                    "meeting": {"type": "string", "pattern": "^M[1-9][0-9]*$"},
                    "due": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
                    "overdue": {"type": "boolean"},
                },
            },
        },
    ),
    "norm add": ref("norm"),
    "norm agree": {"anyOf": [ref("norm"), array_of("norm")]},  # several ids: an array
    "norm list": {"type": "array", "items": _with("norm", in_force={"type": "boolean"})},
    "plan add": ref("plan"),
    **{f"plan {move}": ref("plan") for move in ("propose", "activate", "complete", "archive")},
    "plan list": {
        "type": "array",
        "items": _with(
            "plan",
            progress={"type": "number"},
            buy_in={"type": "object"},
            tasks={"type": "integer"},
            forecast=ref("plan_forecast"),
        ),
    },
    "plan show": _with(
        "plan",
        progress={"type": "number"},
        progress_formula={"type": "string"},
        forecast=ref("plan_forecast"),
        buy_in={
            "type": "object",
            "properties": {
                "votes": {"type": "object", "additionalProperties": ref("vote")},
                "not_voted_by_close": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "members who had not voted by the end of the plan's closing day, once it passed",
                },
            },
        },
        outcomes={"type": "array", "items": _OUTCOME_FORECAST},
        tasks=_TASK_LIST,
        milestones=array_of("milestone_forecast"),
        date_problems=ref("date_problems"),
    ),
    **{f"plan {change}": ref("plan") for change in ("rename", "rule", "reopen", "edit")},
    "vote": ref("vote"),
    "outcome add": ref("outcome"),
    "outcome checkin": ref("outcome"),
    "outcome list": {"type": "array", "items": _OUTCOME_PROGRESS},
    "outcome show": _with(
        "outcome",
        progress={"type": "number"},
        forecast=ref("forecast"),
        tasks={"type": "array", "items": {"type": "string", "pattern": "^T[1-9][0-9]*$"}},
        history=array_of("activity"),
    ),
    "outcome edit": ref("outcome"),
    "outcome rm": _with("outcome", **_REMOVED),
    "member edit": ref("member"),
    "member rm": _with(
        "member",
        unassigned_tasks={"type": "array", "items": {"type": "string", "pattern": "^T[1-9][0-9]*$"}},
        **_REMOVED,
    ),
    "partner edit": ref("partner"),
    "partner rm": _with("partner", **_REMOVED),
    "norm edit": ref("norm"),
    "norm withdraw": _with("norm", **_REMOVED),
    "task rm": {"anyOf": [_with("task", **_REMOVED), {"type": "array", "items": _with("task", **_REMOVED)}]},
    **{f"task {change}": ref("task") for change in _TASK_CHANGES},
    # given several ids (task done T10 T16), the tasks changed, in the order given
    **{f"task {change}": {"anyOf": [ref("task"), _TASK_LIST]} for change in _SEVERAL},
    "task list": {"type": "array", "items": _with("task", **_TASK_HEALTH)},
    "task show": _with("task", history=array_of("activity"), **_TASK_HEALTH),
    "sync": ref("sync"),
    "sync init": {
        "type": "object",
        "required": [
            "file",
            "repository",
            "gitattributes",
            "gitattributes_added",
            "gitignore_added",
            "driver",
            "program",
            "hooks",
            "hooks_kept",
            "hooks_folder",
            "problems",
        ],
        "properties": {
            "file": {"type": "string"},
            "repository": {"type": "string"},
            "gitattributes": {"type": "array", "items": {"type": "string"}},
            "gitattributes_added": {"type": "array", "items": {"type": "string"}},
            "gitignore_added": {"type": "array", "items": {"type": "string"}},
            "driver": {"type": "string", "description": "git config merge.workplan.driver"},
            "program": {"type": "string", "description": "the workplan git's driver and hooks try first"},
            "hooks": {"type": "array", "items": {"type": "string"}, "description": "hooks written"},
            "hooks_kept": {
                "type": "array",
                "items": {"type": "string"},
                "description": "hooks left as they were: not workplan's, or in a folder other repositories share",
            },
            "hooks_folder": {"type": "string", "description": "git's hooks folder for this clone"},
            "problems": {
                "type": "array",
                "items": {"type": "string"},
                "description": "always empty: sync init fails instead when git does not read its lines",
            },
        },
    },
    "merge-file": ref("merge_file"),
    "conflicts": array_of("conflict"),
    "resolve": _with("conflict", chosen={"enum": [1, 2]}, value={}),
    "currency": ref("partnership"),
    "partner pledge": ref("partner"),
    "partner deliver": ref("partner"),
    "partner schedule": ref("partner"),
    "partner show": ref("partner_record"),
    "followup add": {"anyOf": [ref("task"), ref("partner")], "description": "the task, or the pledge's partner"},
    "followup list": {"type": "array", "items": _FOLLOWUP_ROW},
    "grant add": ref("grant"),
    "grant edit": ref("grant"),
    "grant rm": _with("grant", **_REMOVED),
    "grant list": array_of("grant_match"),
    "report": ref("report"),
    "milestone add": ref("milestone"),
    "milestone edit": ref("milestone_forecast"),
    "milestone rm": _with("milestone", **_REMOVED),
    "milestone list": array_of("milestone_forecast"),
    "milestone show": ref("milestone_forecast"),
    "series list": array_of("series_instances"),
    **{f"series {change}": ref("series_instances") for change in ("pause", "resume", "end")},
    "timeline": ref("timeline"),
    "export": ref("export"),
    "import": ref("import"),
    "meeting add": ref("meeting"),
    "meeting list": array_of("meeting_shown"),
    "meeting show": ref("meeting_shown"),
    "meeting edit": ref("meeting"),
    "meeting rm": _with("meeting", unlinked_tasks=_TASK_LABELS, **_REMOVED),
    **{f"meeting {change}": ref("meeting") for change in ("agenda", "attend", "debrief", "decide")},
    "meeting debrief-days": ref("partnership"),
    "meeting decisions": {
        "type": "array",
        "items": {
            "allOf": [
                ref("decision"),
                {
                    "type": "object",
                    "required": ["meeting", "day", "number"],
                    "properties": {
                        "meeting": {"type": "string", "pattern": "^M[1-9][0-9]*$"},
                        "day": {"type": "string", "format": "date"},
                        "number": {"type": "integer", "minimum": 1},
                    },
                },
            ]
        },
    },
    "meeting action": ref("task"),
}


def document() -> dict[str, Any]:
    """The whole contract, as ``workplan schema`` prints it."""
    return contract.schema(COMMANDS, OUTPUTS)
