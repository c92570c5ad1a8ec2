"""Every change a member can make, as one function each, shared by the CLI and the TUI.

Each function runs one transaction: it checks the acting member, applies the
model's rules to the freshest data, writes field-level changes, and returns the
changed record in its export form (``{"id": "T12", ...}``).
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from workplan_tui.model import contract, identity, rules, schema
from workplan_tui.model.records import (
    CONTRIBUTION_KINDS,
    LONG_TEXT,
    POSITIONS,
    ROLES,
    RULES,
    SHORT_TEXT,
    STAGES,
    Activity,
    Member,
    Plan,
    id_of_label,
    label,
)
from workplan_tui.model.rules import RuleError
from workplan_tui.store.history import History
from workplan_tui.store.store import NotFoundError, NotMemberError, Store, Tx

Record = dict[str, Any]


def export(table: str, doc_id: int, raw: dict[str, Any]) -> Record:
    """A record as scripts see it (the JSON contract, model/contract.py): its label first,
    references as labels, then its fields."""
    return contract.record(table, doc_id, raw)


def _text(value: str, what: str, limit: int = SHORT_TEXT, *, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise RuleError(f"{what} must not be empty")
    if len(value) > limit:
        raise RuleError(f"{what} is {len(value)} characters long; at most {limit} allowed")
    return value


def _number(value: float, what: str) -> float | int:
    if value != value or value in (float("inf"), float("-inf")):
        raise RuleError(f"{what} must be a finite number")
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


def _plan(tx: Tx, plan_id: int) -> dict[str, Any]:
    return tx.get("plans", plan_id)


def _plan_model(tx: Tx, plan_id: int) -> Plan:
    return schema.plan_from_raw(str(plan_id), tx.get("plans", plan_id))


def _open_plan(tx: Tx, plan_id: int) -> Plan:
    """The plan, unless it is archived (then nothing in it may change: rules.frozen)."""
    plan = _plan_model(tx, plan_id)
    rules.check_open(plan)
    return plan


def _member_handles(tx: Tx) -> set[str]:
    return {m["handle"] for m in tx.data.get("members", {}).values()}


def _require_voter(tx: Tx) -> None:
    """Only a member votes or agrees, acting from an account bound to them (even in a file
    without members, where anyone may set things up)."""
    tx.require_member()
    if tx.user not in _member_handles(tx):
        raise NotMemberError(
            f"{tx.user} is not a member of this partnership; ask a member to run "
            f"'workplan member add {tx.user} --name NAME --partner CODE'"
        )


# --- partners, members, norms ---------------------------------------------------


Pledge = tuple[Any, ...]  # (kind, description, amount[, hours, rate, grant id]): resources.parse_pledge's shape


def add_partner(
    store: Store,
    code: str,
    name: str,
    contributions: list[Pledge] | None = None,
    interests_short: str = "",
    interests_long: str = "",
) -> Record:
    if not schema.valid_code(code):
        raise RuleError(f"partner code {code!r} must be 1-16 letters, digits, '-' or '_' (e.g. PARKS)")
    fields: dict[str, Any] = {
        "code": code,
        "name": _text(name, "partner name"),
        "contributions": [_contribution(*c) for c in contributions or []],
        "interests_short": _text(interests_short, "short-term interests", LONG_TEXT, required=False),
        "interests_long": _text(interests_long, "long-term interests", LONG_TEXT, required=False),
    }
    with store.transaction() as tx:
        tx.require_member()
        if any(p["code"].lower() == code.lower() for p in tx.data.get("partners", {}).values()):
            raise RuleError(f"partner {code} already exists")
        _check_grants(tx, code, fields["contributions"])
        doc_id = tx.insert("partners", fields, record=f"partner {code}")
        return export("partners", doc_id, tx.get("partners", doc_id))


def _contribution(
    kind: str,
    description: str,
    amount: float | None = None,
    hours: float | None = None,
    rate: float | None = None,
    grant: int | None = None,
) -> dict[str, Any]:
    """A contribution as stored: an amount, or hours at a rate (in kind), or neither (not valued)."""
    if kind not in CONTRIBUTION_KINDS:
        raise RuleError(f"contribution kind {kind!r} is not one of {', '.join(CONTRIBUTION_KINDS)}")
    result: dict[str, Any] = {"kind": kind, "description": _text(description, "contribution description")}
    if amount is not None and (hours is not None or rate is not None):
        raise RuleError("a contribution is valued by an amount, or by hours at a rate, not both")
    if (hours is None) != (rate is None):
        raise RuleError("an in-kind contribution needs both its hours and its rate (e.g. 200h @ 25)")
    for name, value in (("amount", amount), ("hours", hours), ("rate", rate)):
        if value is not None:
            result[name] = _amount(value, f"contribution {name}")
    if grant is not None:
        result["grant"] = grant
    return result


def _amount(value: float, what: str) -> float | int:
    """A stored amount: finite, not negative, within the file's range (schema.MAX_NUMBER)."""
    number = _number(value, what)
    if number < 0:
        raise RuleError(f"{what} must not be negative")
    if number > schema.MAX_NUMBER:
        raise RuleError(f"{what} is too large (at most {schema.MAX_NUMBER:.0e})")
    return number


def _check_grants(tx: Tx, code: str, contributions: list[dict[str, Any]]) -> None:
    """Each grant a contribution counts towards exists, and is not the partner's own grant."""
    grants = tx.data.get("grants", {})
    for number, c in enumerate(contributions, 1):
        grant_id = c.get("grant")
        if grant_id is None:
            continue
        grant = grants.get(str(grant_id))
        if grant is None:
            raise NotFoundError(f"contribution {number}: no grant G{grant_id}; see 'workplan grant list'")
        if grant["funder"].lower() == code.lower():
            raise RuleError(
                f"contribution {number}: {code} gives grant G{grant_id}; its own contributions cannot match it"
            )


def add_member(
    store: Store, handle: str, name: str, partner: str, role: str = "member", *, accounts: list[str] | None = None
) -> Record:
    """Add a member. ``accounts``: the Unix accounts that may act as them (a lead's choice;
    None: the one named by the handle, and no ``accounts`` field is written)."""
    if not schema.valid_handle(handle):
        raise RuleError(f"handle {handle!r} must be 1-32 letters, digits, '.', '-' or '_' (a Unix login)")
    if role not in ROLES:
        raise RuleError(f"role {role!r} is not one of {', '.join(ROLES)}")
    fields: dict[str, Any] = {"handle": handle, "name": _text(name, "member name"), "partner": partner, "role": role}
    if accounts is not None:
        fields["accounts"] = list(dict.fromkeys(accounts))
    with store.transaction() as tx:
        tx.require_member()
        fields["partner"] = _partner(tx, partner)[1]  # stored as the partner defines it
        members = _members(tx)
        if handle in members:
            raise RuleError(f"member {handle} already exists")
        bound = tuple(fields.get("accounts", (handle,)))
        if not members:
            problem = rules.first_member_problem(handle, bound, tx.user, store.login)
            if problem:
                raise RuleError(problem)
            fields["role"] = "lead"  # the one setting up leads: someone must be able to run the file
        elif accounts is not None:
            me = members.get(tx.user)
            lead = me is not None and me.role == "lead"
            rules.check_accounts(list(bound), handle, me=tx.user, login=store.login, lead=lead)
        rules.check_member_add(members, role, me=tx.user)
        doc_id = tx.insert("members", fields, record=f"member {handle}")
        return export("members", doc_id, tx.get("members", doc_id))


def add_norm(store: Store, text: str) -> Record:
    fields = {"text": _text(text, "norm", LONG_TEXT), "agreed_by": []}
    with store.transaction() as tx:
        tx.require_member()
        doc_id = tx.insert("norms", fields)
        return export("norms", doc_id, tx.get("norms", doc_id))


def agree_norm(store: Store, norm_id: int) -> Record:
    with store.transaction() as tx:
        _require_voter(tx)
        norm = tx.get("norms", norm_id)
        agreed = list(norm.get("agreed_by", []))
        if tx.user not in agreed:
            tx.update("norms", norm_id, {"agreed_by": [*agreed, tx.user]}, kind="norm.agree")
        return export("norms", norm_id, tx.get("norms", norm_id))


def set_stage(store: Store, stage: str) -> Record:
    if stage not in STAGES:
        raise RuleError(f"stage {stage!r} is not one of {', '.join(STAGES)}")
    with store.transaction() as tx:
        tx.require_member()
        tx.update("meta", 1, {"stage": stage}, kind="partnership.stage", record="partnership")
        return contract.partnership(tx.get("meta", 1))


# --- plans and votes -----------------------------------------------------------------


def add_plan(store: Store, title: str, scope: str = "", rule: str = "consensus") -> Record:
    if rule not in RULES:
        raise RuleError(f"decision rule {rule!r} is not one of {', '.join(RULES)}")
    fields = {
        "title": _text(title, "plan title"),
        "scope": _text(scope, "scope", LONG_TEXT, required=False),
        "status": "draft",
        "rule": rule,
    }
    with store.transaction() as tx:
        tx.require_member()
        doc_id = tx.insert("plans", fields)
        return export("plans", doc_id, tx.get("plans", doc_id))


def move_plan(store: Store, plan_id: int, action: str) -> Record:
    """propose / activate / complete / archive; activation needs the plan's buy-in
    (``reopen_plan`` brings a completed or archived plan back)."""
    with store.transaction() as tx:
        tx.require_member()
        _plan(tx, plan_id)
        workplan = tx.workplan()
        plan = workplan.plans[plan_id]
        buyin = None
        if action == "activate":
            buyin = rules.buy_in(plan, workplan.members, workplan.current_votes(plan_id), workplan.partners)
        new_status = rules.plan_move(plan, action, buyin)
        changes: dict[str, Any] = {"status": new_status}
        if action == "archive":  # so that 'plan reopen' can put it back where it was
            changes["archived_from"] = plan.status
        tx.update("plans", plan_id, changes, kind=f"plan.{action}")
        return export("plans", plan_id, tx.get("plans", plan_id))


def edit_plan(
    store: Store,
    plan_id: int,
    *,
    title: str | None = None,
    scope: str | None = None,
    rule: str | None = None,
    expected_rev: int | None = None,
) -> Record:
    """Rename a plan, change its scope or its decision rule (None leaves a field as it is),
    in one change; not while it is archived, and the rule only before buy-in is decided
    (``rules.rule_change``)."""
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = _text(title, "plan title")
    if scope is not None:
        changes["scope"] = _text(scope, "scope", LONG_TEXT, required=False)
    with store.transaction() as tx:
        tx.require_member()
        plan = _open_plan(tx, plan_id)
        if rule is not None and rule != plan.rule:
            rules.rule_change(plan, rule)
            changes["rule"] = rule
        kind = "plan.rename" if set(changes) == {"title"} else "plan.rule" if set(changes) == {"rule"} else "plan.edit"
        tx.update("plans", plan_id, changes, kind=kind, expected_rev=expected_rev)
        return export("plans", plan_id, tx.get("plans", plan_id))


def set_rule(store: Store, plan_id: int, rule: str, *, expected_rev: int | None = None) -> Record:
    """Change a plan's decision rule; only while it is a draft or proposed (rules.rule_change)."""
    with store.transaction() as tx:
        tx.require_member()
        plan = _open_plan(tx, plan_id)
        if plan.rule != rule:
            rules.rule_change(plan, rule)
        tx.update("plans", plan_id, {"rule": rule}, kind="plan.rule", expected_rev=expected_rev)
        return export("plans", plan_id, tx.get("plans", plan_id))


def reopen_plan(store: Store, plan_id: int, *, expected_rev: int | None = None) -> Record:
    """A completed plan becomes active again; an archived one returns to the status it was archived from."""
    with store.transaction() as tx:
        tx.require_member()
        raw = _plan(tx, plan_id)
        new_status = rules.plan_reopen(_plan_model(tx, plan_id), raw.get("archived_from"))
        changes: dict[str, Any] = {"status": new_status}
        if raw.get("archived_from") is not None:
            changes["archived_from"] = None
        tx.update("plans", plan_id, changes, kind="plan.reopen", expected_rev=expected_rev)
        return export("plans", plan_id, tx.get("plans", plan_id))


def vote(store: Store, plan_id: int, position: str, comment: str = "") -> Record:
    if position not in POSITIONS:
        raise RuleError(f"vote {position!r} is not one of {', '.join(POSITIONS)}")
    comment = _text(comment, "comment", LONG_TEXT, required=False)
    problem = rules.vote_problem(position, comment)
    if problem:
        raise RuleError(problem)
    with store.transaction() as tx:
        _require_voter(tx)
        plan = _plan(tx, plan_id)
        if plan.get("status") in ("completed", "archived"):
            raise RuleError(f"P{plan_id} is {plan['status']}; votes are closed")
        previous = tx.workplan().current_votes(plan_id).get(tx.user)
        fields = {"plan": plan_id, "member": tx.user, "position": position, "comment": comment, "at": tx.now}
        before = previous.position if previous else None
        doc_id = tx.insert("votes", fields, log=False)
        tx.log("vote", f"P{plan_id}", {"vote": [before, position], **({"comment": [None, comment]} if comment else {})})
        return export("votes", doc_id, tx.get("votes", doc_id))


# --- outcomes ---------------------------------------------------------------------------


def add_outcome(
    store: Store,
    plan_id: int,
    name: str,
    target: float,
    baseline: float = 0.0,
    unit: str = "",
    due: str | None = None,
) -> Record:
    fields = {
        "plan": plan_id,
        "name": _text(name, "outcome name"),
        "unit": _text(unit, "unit", 40, required=False),
        "baseline": _number(baseline, "baseline"),
        "target": _number(target, "target"),
        "current": _number(baseline, "baseline"),
        "due": due,
        "checkins": [],
    }
    with store.transaction() as tx:
        tx.require_member()
        rules.check_can_add(_plan_model(tx, plan_id), "outcomes")
        doc_id = tx.insert("outcomes", fields)
        return export("outcomes", doc_id, tx.get("outcomes", doc_id))


def checkin(store: Store, outcome_id: int, value: float, note: str = "") -> Record:
    value = _number(value, "value")
    note = _text(note, "note", LONG_TEXT, required=False)
    with store.transaction() as tx:
        tx.require_member()
        outcome = tx.get("outcomes", outcome_id)
        _open_plan(tx, outcome["plan"])
        entry = {"value": value, "by": tx.user, "at": tx.now}
        if note:
            entry["note"] = note
        tx.update(
            "outcomes",
            outcome_id,
            {"current": value, "checkins": [*outcome.get("checkins", []), entry]},
            kind="outcome.checkin",
            logged={"current": [outcome.get("current", outcome.get("baseline", 0)), value], "checkin": [None, value]},
        )
        return export("outcomes", outcome_id, tx.get("outcomes", outcome_id))


# --- tasks ------------------------------------------------------------------------------


def add_task(
    store: Store,
    plan_id: int,
    title: str,
    *,
    owner: str | None = None,
    due: str | None = None,
    outcome: int | None = None,
    notes: str = "",
) -> Record:
    fields = {
        "plan": plan_id,
        "title": _text(title, "task title"),
        "notes": _text(notes, "notes", LONG_TEXT, required=False),
        "owner": owner,
        "status": "todo",
        "progress": 0,
        "due": due,
        "outcome": outcome,
        "blocked_reason": "",
        "updates": [],
    }
    with store.transaction() as tx:
        tx.require_member()
        rules.check_can_add(_plan_model(tx, plan_id), "tasks")
        if owner is not None:
            _check_owner(tx, owner)
        if outcome is not None:
            linked = tx.get("outcomes", outcome)
            if linked["plan"] != plan_id:
                raise RuleError(f"outcome O{outcome} belongs to plan P{linked['plan']}, not P{plan_id}")
        doc_id = tx.insert("tasks", fields)
        return export("tasks", doc_id, tx.get("tasks", doc_id))


def _check_owner(tx: Tx, handle: str) -> None:
    if handle not in _member_handles(tx):
        raise NotFoundError(f"no member {handle!r}; see 'workplan member list'")


def _task_change(
    store: Store,
    task_id: int,
    kind: str,
    make: Any,
    expected_rev: int | None = None,
    logged: dict[str, list[Any]] | None = None,
) -> Record:
    """Apply ``make(task) -> changes`` to the freshest copy of a task."""
    with store.transaction() as tx:
        tx.require_member()
        task = schema.task_from_raw(str(task_id), tx.get("tasks", task_id))
        _open_plan(tx, task.plan)
        changes = make(tx, task)
        tx.update("tasks", task_id, changes, kind=kind, expected_rev=expected_rev, logged=logged)
        return export("tasks", task_id, tx.get("tasks", task_id))


def set_progress(store: Store, task_id: int, spec: str) -> Record:
    """``spec`` is ``60`` (set), ``+10`` or ``-5`` (move, clamped to 0-100)."""
    return _task_change(
        store,
        task_id,
        "task.progress",
        lambda tx, task: rules.progress_changes(task, rules.parse_progress(spec, task.progress)),
    )


def set_status(store: Store, task_id: int, status: str, reason: str | None = None) -> Record:
    if reason is not None:
        reason = _text(reason, "reason", LONG_TEXT, required=False)
    return _task_change(store, task_id, "task.status", lambda tx, task: rules.status_changes(task, status, reason))


def assign(store: Store, task_id: int, handle: str | None) -> Record:
    def make(tx: Tx, task: Any) -> dict[str, Any]:
        if handle is not None:
            _check_owner(tx, handle)
        return {"owner": handle}

    return _task_change(store, task_id, "task.assign", make)


def set_due(store: Store, task_id: int, due: str | None) -> Record:
    return _task_change(store, task_id, "task.due", lambda tx, task: {"due": due})


def add_note(store: Store, task_id: int, text: str) -> Record:
    text = _text(text, "note", LONG_TEXT)

    def make(tx: Tx, task: Any) -> dict[str, Any]:
        raw = tx.get("tasks", task_id)
        return {"updates": [*raw.get("updates", []), {"by": tx.user, "at": tx.now, "text": text}]}

    return _task_change(store, task_id, "task.note", make, logged={"note": [None, text]})


EDITABLE = ("title", "notes", "owner", "due", "outcome", "status", "progress", "blocked_reason")


def edit_task(store: Store, task_id: int, fields: dict[str, Any], *, expected_rev: int | None = None) -> Record:
    """Change several fields of a task at once (the edit form).

    Progress and status follow the task rules (100 % is done, done is 100 %,
    blocked needs a reason); progress may be a number or a move such as ``"+10"``.
    With ``expected_rev``, refuses with ConflictError when someone changed the task
    since the form read it.
    """
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise RuleError(f"cannot edit {', '.join(sorted(unknown))}")
    clean_fields = dict(fields)
    if "title" in clean_fields:
        clean_fields["title"] = _text(clean_fields["title"], "task title")
    if "notes" in clean_fields:
        clean_fields["notes"] = _text(clean_fields["notes"], "notes", LONG_TEXT, required=False)
    if "due" in clean_fields and clean_fields["due"] is not None and not schema.valid_date(clean_fields["due"]):
        raise RuleError(f"due date {clean_fields['due']!r} is not YYYY-MM-DD")

    def make(tx: Tx, task: Any) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for name in ("title", "notes", "due"):
            if name in clean_fields:
                changes[name] = clean_fields[name]
        if "owner" in clean_fields:
            if clean_fields["owner"] is not None:
                _check_owner(tx, clean_fields["owner"])
            changes["owner"] = clean_fields["owner"]
        if "outcome" in clean_fields:
            outcome = clean_fields["outcome"]
            if outcome is not None and tx.get("outcomes", outcome)["plan"] != task.plan:
                raise RuleError(f"outcome O{outcome} belongs to another plan")
            changes["outcome"] = outcome
        current = task
        progress = clean_fields.get("progress")
        if isinstance(progress, str):  # '60', '+10' or '-5', as on the command line
            progress = rules.parse_progress(progress, task.progress)
        status = clean_fields.get("status")
        if status is not None and progress is not None:
            problem = rules.status_progress_problem(status, int(progress))
            if problem:
                raise RuleError(f"{task.label}: {problem}")
        reason_given = bool((clean_fields.get("blocked_reason") or "").strip())
        if reason_given and (status or task.status) != "blocked":
            raise RuleError(f"{task.label} is not blocked; a reason goes with status blocked")
        if progress is not None and progress != task.progress:
            moved = rules.progress_changes(task, int(progress))
            changes.update(moved)
            current = task.replace(**moved)
        if status is not None and status != current.status:
            reason = clean_fields.get("blocked_reason")
            changes.update(rules.status_changes(current, status, reason))
        elif "blocked_reason" in clean_fields and current.status == "blocked":
            reason = _text(clean_fields["blocked_reason"] or "", "reason", LONG_TEXT)
            changes["blocked_reason"] = reason
        return changes

    return _task_change(store, task_id, "task.edit", make, expected_rev=expected_rev)


def remove_task(store: Store, task_id: int, *, expected_rev: int | None = None) -> Record:
    """Remove a task. The whole task goes into the log, so ``undo`` puts it back as it was."""
    with store.transaction() as tx:
        tx.require_member()
        raw = tx.get("tasks", task_id)
        _open_plan(tx, raw["plan"])
        removed = tx.remove("tasks", task_id, kind="task.rm", expected_rev=expected_rev)
        return export("tasks", task_id, removed)


# --- editing outcomes, norms, partners and members ------------------------------------------


def edit_outcome(store: Store, outcome_id: int, fields: dict[str, Any], *, expected_rev: int | None = None) -> Record:
    """Change an outcome's name, unit, baseline, target or due date."""
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "name":
            changes[name] = _text(value, "outcome name")
        elif name == "unit":
            changes[name] = _text(value, "unit", 40, required=False)
        elif name in ("baseline", "target"):
            changes[name] = _number(float(value), name)
        elif name == "due":
            if value is not None and not schema.valid_date(value):
                raise RuleError(f"due date {value!r} is not YYYY-MM-DD")
            changes[name] = value
        else:
            raise RuleError(f"cannot edit an outcome's {name}")
    with store.transaction() as tx:
        tx.require_member()
        _open_plan(tx, tx.get("outcomes", outcome_id)["plan"])
        tx.update("outcomes", outcome_id, changes, kind="outcome.edit", expected_rev=expected_rev)
        return export("outcomes", outcome_id, tx.get("outcomes", outcome_id))


def remove_outcome(store: Store, outcome_id: int, *, unlink: bool = False, expected_rev: int | None = None) -> Record:
    """Remove an outcome with its check-ins.

    Refused while tasks link to it, naming them, unless ``unlink``: then those tasks
    lose the link (each change logged on the task) and ``undo`` links them again.
    The result lists them under ``unlinked_tasks``.
    """
    with store.transaction() as tx:
        tx.require_member()
        _open_plan(tx, tx.get("outcomes", outcome_id)["plan"])
        linked = _tasks_where(tx, "outcome", outcome_id)
        if linked and not unlink:
            raise RuleError(
                f"tasks link to O{outcome_id}: {_labels(linked)}; "
                "remove the links with --unlink (undo links them again), or edit the tasks first"
            )
        for task_id in linked:
            tx.update("tasks", task_id, {"outcome": None}, kind="task.edit")
        extra = {"unlinked": [[label("tasks", t) for t in linked], None]} if linked else {}
        removed = tx.remove("outcomes", outcome_id, kind="outcome.rm", expected_rev=expected_rev, changes=extra)
        return {**export("outcomes", outcome_id, removed), "unlinked_tasks": [label("tasks", t) for t in linked]}


def _tasks_where(tx: Tx, field: str, value: Any, *, open_only: bool = False) -> list[int]:
    """The ids of the tasks whose ``field`` is ``value``.

    With ``open_only``, only tasks not done, in plans that are not archived (an archived
    plan is a closed record and stays as it was). Reads the whole tasks table: removals
    are rare, and must see every reference.
    """
    archived = {int(k) for k, p in tx.data.get("plans", {}).items() if p.get("status") == "archived"}
    found = []
    for key, raw in tx.data.get("tasks", {}).items():
        if raw.get(field) != value:
            continue
        if open_only and (raw.get("status", "todo") == "done" or raw.get("plan") in archived):
            continue
        found.append(int(key))
    return sorted(found)


def _labels(task_ids: list[int], limit: int = 10) -> str:
    """'T3, T5' (at most ``limit``, then '+N more')."""
    shown = ", ".join(label("tasks", t) for t in task_ids[:limit])
    return shown + (f" (+{len(task_ids) - limit} more)" if len(task_ids) > limit else "")


def edit_norm(store: Store, norm_id: int, text: str, *, expected_rev: int | None = None) -> Record:
    """Reword a norm. Agreement was to the old words, so it starts again from nobody."""
    text = _text(text, "norm", LONG_TEXT)
    with store.transaction() as tx:
        tx.require_member()
        norm = tx.get("norms", norm_id)
        if norm["text"] != text:
            tx.update("norms", norm_id, {"text": text, "agreed_by": []}, kind="norm.edit", expected_rev=expected_rev)
        elif expected_rev is not None and norm.get("rev", 1) != expected_rev:
            tx.update("norms", norm_id, {}, kind="norm.edit", expected_rev=expected_rev)  # raises ConflictError
        return export("norms", norm_id, tx.get("norms", norm_id))


def withdraw_norm(store: Store, norm_id: int, *, expected_rev: int | None = None) -> Record:
    """Withdraw a norm: it leaves the list, with who had agreed; ``undo`` brings both back."""
    with store.transaction() as tx:
        tx.require_member()
        removed = tx.remove("norms", norm_id, kind="norm.withdraw", expected_rev=expected_rev)
        return export("norms", norm_id, removed)


def _find(tx: Tx, table: str, field: str, value: str) -> int | None:
    """The id of the record of ``table`` whose ``field`` is ``value`` (partners by code, members by handle)."""
    for key, raw in tx.data.get(table, {}).items():
        if raw.get(field) == value:
            return int(key)
    return None


def _partner(tx: Tx, typed: str) -> tuple[int, str]:
    """The id and stored code of the partner ``typed`` names, ignoring case (rules.partner_code)."""
    partners = tx.data.get("partners", {})
    code = rules.partner_code(typed, [str(p.get("code")) for p in partners.values()])
    doc_id = _find(tx, "partners", "code", code) if code is not None else None
    if code is None or doc_id is None:
        known = ", ".join(sorted(str(p.get("code")) for p in partners.values()))
        known = known or "none yet; add one with 'workplan partner add'"
        raise NotFoundError(f"no partner {typed!r} (partners: {known})")
    return doc_id, code


def edit_partner(
    store: Store,
    code: str,
    *,
    name: str | None = None,
    contributions: list[Pledge] | None = None,
    interests_short: str | None = None,
    interests_long: str | None = None,
    expected_rev: int | None = None,
) -> Record:
    """Change a partner's name, interests or its whole list of contributions."""
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _text(name, "partner name")
    if contributions is not None:
        changes["contributions"] = [_contribution(*c) for c in contributions]
    if interests_short is not None:
        changes["interests_short"] = _text(interests_short, "short-term interests", LONG_TEXT, required=False)
    if interests_long is not None:
        changes["interests_long"] = _text(interests_long, "long-term interests", LONG_TEXT, required=False)
    with store.transaction() as tx:
        tx.require_member()
        doc_id, code = _partner(tx, code)
        if "contributions" in changes:
            _check_grants(tx, code, changes["contributions"])
            changes["contributions"] = _keep_deliveries(tx.get("partners", doc_id).get("contributions", []), changes)
        tx.update("partners", doc_id, changes, kind="partner.edit", record=f"partner {code}", expected_rev=expected_rev)
        return export("partners", doc_id, tx.get("partners", doc_id))


def _keep_deliveries(old: list[dict[str, Any]], changes: dict[str, Any]) -> list[dict[str, Any]]:
    """The new list of contributions, each keeping the deliveries recorded against it.

    A new contribution is the old one with the same kind and description (ignoring case),
    else the one in the same place with the same kind (a description reworded). Deliveries
    of a contribution left out go with it (the log keeps them; ``undo`` brings them back).
    """
    new = [dict(c) for c in changes["contributions"]]
    taken: set[int] = set()

    def key(c: dict[str, Any]) -> tuple[Any, str]:
        return c.get("kind"), str(c.get("description", "")).strip().lower()

    for c in new:
        found = next((i for i, o in enumerate(old) if i not in taken and key(o) == key(c)), None)
        if found is not None:
            taken.add(found)
            c["_from"] = found
    for i, c in enumerate(new):
        if "_from" not in c and i < len(old) and i not in taken and old[i].get("kind") == c["kind"]:
            taken.add(i)
            c["_from"] = i
    for c in new:
        source = c.pop("_from", None)
        if source is not None and old[source].get("deliveries"):
            c["deliveries"] = old[source]["deliveries"]
    return new


def remove_partner(store: Store, code: str, *, expected_rev: int | None = None) -> Record:
    """Remove a partner organisation; refused while members belong to it (naming them)."""
    with store.transaction() as tx:
        tx.require_member()
        doc_id, code = _partner(tx, code)
        members = sorted(m["handle"] for m in tx.data.get("members", {}).values() if m.get("partner") == code)
        if members:
            raise RuleError(
                f"partner {code} still has members: {', '.join(members)}; "
                "move them to another partner ('workplan member edit HANDLE --partner CODE') or remove them first"
            )
        grants = sorted(
            int(k) for k, g in tx.data.get("grants", {}).items() if code in (g.get("funder"), g.get("recipient"))
        )
        if grants:
            named = ", ".join(label("grants", g) for g in grants)
            raise RuleError(f"partner {code} gives or receives {named}; remove the grants first ('workplan grant rm')")
        removed = tx.remove("partners", doc_id, kind="partner.rm", record=f"partner {code}", expected_rev=expected_rev)
        return export("partners", doc_id, removed)


def edit_member(
    store: Store,
    handle: str,
    *,
    name: str | None = None,
    role: str | None = None,
    partner: str | None = None,
    add_accounts: list[str] | None = None,
    drop_accounts: list[str] | None = None,
    expected_rev: int | None = None,
) -> Record:
    """Change a member's name, role, partner or Unix accounts; the last lead is never made a
    member. Accounts are a lead's to bind (model/rules.check_accounts); the member's list starts
    from the handle's own account when it has none yet."""
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _text(name, "member name")
    if role is not None:
        if role not in ROLES:
            raise RuleError(f"role {role!r} is not one of {', '.join(ROLES)}")
        changes["role"] = role
    if partner is not None:
        changes["partner"] = partner
    with store.transaction() as tx:
        tx.require_member()
        doc_id = _member_id(tx, handle)
        if partner is not None:
            changes["partner"] = _partner(tx, partner)[1]  # stored as the partner defines it
        members = _members(tx)
        rules.check_member_change(members, handle, me=tx.user, role=role, partner=partner)
        if add_accounts or drop_accounts:
            current = list(identity.accounts_of(members[handle]))
            accounts = [a for a in dict.fromkeys([*current, *(add_accounts or [])]) if a not in (drop_accounts or [])]
            me = members.get(tx.user)
            rules.check_accounts(
                accounts, handle, me=tx.user, login=store.login, lead=me is not None and me.role == "lead"
            )
            if accounts != current:
                changes["accounts"] = accounts
        tx.update("members", doc_id, changes, kind="member.edit", record=f"member {handle}", expected_rev=expected_rev)
        return export("members", doc_id, tx.get("members", doc_id))


def remove_member(store: Store, handle: str, *, expected_rev: int | None = None) -> Record:
    """Remove a member from the partnership.

    Their open tasks (not done) become unassigned, each change logged on the task;
    done tasks keep them as owner (who did the work). Their votes stay in the
    history but no longer count towards buy-in, and their agreement to norms no
    longer matters (only members' does). ``undo`` brings the member back and gives
    them back the tasks nobody has taken since. Never the last lead, the last member
    or yourself (rules.check_member_change). The result lists the tasks under
    ``unassigned_tasks``.
    """
    with store.transaction() as tx:
        tx.require_member()
        doc_id = _member_id(tx, handle)
        rules.check_member_change(_members(tx), handle, me=tx.user, remove=True)
        open_tasks = _tasks_where(tx, "owner", handle, open_only=True)
        for task_id in open_tasks:
            tx.update("tasks", task_id, {"owner": None}, kind="task.assign")
        extra = {"unassigned": [[label("tasks", t) for t in open_tasks], None]} if open_tasks else {}
        removed = tx.remove(
            "members", doc_id, kind="member.rm", record=f"member {handle}", expected_rev=expected_rev, changes=extra
        )
        return {**export("members", doc_id, removed), "unassigned_tasks": [label("tasks", t) for t in open_tasks]}


def _member_id(tx: Tx, handle: str) -> int:
    doc_id = _find(tx, "members", "handle", handle)
    if doc_id is None:
        raise NotFoundError(f"no member {handle!r}; see 'workplan member list'")
    return doc_id


def _members(tx: Tx) -> dict[str, Member]:
    """The members as records (a small table: read whole)."""
    out = {}
    for k, m in tx.data.get("members", {}).items():
        accounts = m.get("accounts")
        role, rev = m.get("role", "member"), m.get("rev", 1)
        out[m["handle"]] = Member(
            int(k), m["handle"], m["name"], m["partner"], role, rev, None if accounts is None else tuple(accounts)
        )
    return out


def parse_contributions(text: str, currency: str | None = None) -> list[Pledge]:
    """Lines of ``KIND: description[: value[: G1]]`` (as the partner form shows them): the value
    as people type money (``$18,000``, ``1.5k``) or hours at a rate (``200h @ $25``), and the
    grant whose match the pledge counts towards."""
    from workplan_tui.model import resources  # only for resources: start-up time of writes

    result: list[Pledge] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            result.append(resources.parse_pledge(line, currency))
        except resources.PledgeError as exc:
            raise RuleError(f"line {number}: {exc}") from None
    return result


# --- resources: currency, pledges, deliveries, grants ---------------------------------------------


def set_currency(store: Store, code: str) -> Record:
    """Set the partnership's currency (``USD``, ``EUR``): how amounts are shown, and the only
    currency whose symbol amounts may be typed with. Amounts already recorded stay as they are."""
    from workplan_tui.model import money  # only for resources: start-up time of writes

    try:
        currency = money.check_currency(code)
    except money.MoneyError as exc:
        raise RuleError(str(exc)) from None
    with store.transaction() as tx:
        tx.require_member()
        tx.update("meta", 1, {"currency": currency}, kind="partnership.currency", record="partnership")
        return contract.partnership(tx.get("meta", 1))


def currency_of(tx: Tx) -> str | None:
    """The partnership's currency as the file holds it inside a transaction, or None."""
    value = tx.get("meta", 1).get("currency")
    return value if isinstance(value, str) else None


def pledge(store: Store, code: str, pledge: Pledge) -> Record:
    """Add one contribution to a partner's list (``partner pledge``); the log keeps the item."""
    item = _contribution(*pledge)
    with store.transaction() as tx:
        tx.require_member()
        doc_id, code = _partner(tx, code)
        _check_grants(tx, code, [item])
        current = list(tx.get("partners", doc_id).get("contributions", []))
        if len(current) >= 1000:
            raise RuleError(f"partner {code} has 1000 contributions, the most a partner may have")
        number = len(current) + 1
        tx.update(
            "partners",
            doc_id,
            {"contributions": [*current, item]},
            kind="partner.pledge",
            record=f"partner {code}",
            logged={"contribution": [None, {"number": number, **item}]},
        )
        return export("partners", doc_id, tx.get("partners", doc_id))


def find_contribution(contributions: list[dict[str, Any]], typed: str) -> int:
    """The index of the contribution ``typed`` names: its number in the list (1 is the first),
    or its kind when the partner has one contribution of that kind. Raises RuleError."""
    s = typed.strip().lower().lstrip("#")
    if s.isascii() and s.isdigit():
        number = int(s)
        if not 1 <= number <= len(contributions):
            raise RuleError(f"no contribution {number}: the partner has {len(contributions)}")
        return number - 1
    of_kind = [i for i, c in enumerate(contributions) if c.get("kind") == s]
    if len(of_kind) == 1:
        return of_kind[0]
    if not of_kind:
        raise RuleError(f"no contribution {typed.strip()!r}: give its number (see 'workplan partner list') or its kind")
    numbers = ", ".join(str(i + 1) for i in of_kind)
    raise RuleError(f"{len(of_kind)} contributions are {s} ({numbers}): give the number of one")


def deliver(
    store: Store,
    code: str,
    contribution: str,
    amount: str,
    *,
    on: str,
    note: str = "",
) -> Record:
    """Record that part of a pledge was delivered: how much (``$2,500``, or ``40h`` of an in-kind
    pledge at its rate), the day (``on``, YYYY-MM-DD), a note; who and when are the acting member
    and now. The log keeps the delivery itself; ``undo`` takes it back while it is the latest."""
    from workplan_tui.model import money  # only for resources: start-up time of writes

    if not schema.valid_date(on):
        raise RuleError(f"delivery date {on!r} is not YYYY-MM-DD")
    note = _text(note, "note", LONG_TEXT, required=False)
    with store.transaction() as tx:
        tx.require_member()
        doc_id, code = _partner(tx, code)
        current = [dict(c) for c in tx.get("partners", doc_id).get("contributions", [])]
        if not current:
            raise RuleError(
                f"partner {code} has pledged nothing yet; add a contribution first ('workplan partner pledge')"
            )
        index = find_contribution(current, contribution)
        target = current[index]
        try:
            value, hours = money.parse_delivery(amount, currency_of(tx), target.get("rate"))
        except money.MoneyError as exc:
            raise RuleError(str(exc)) from None
        item: dict[str, Any] = {"amount": _amount(value, "amount delivered"), "on": on, "by": tx.user, "at": tx.now}
        if hours is not None:
            item["hours"] = _amount(hours, "hours delivered")
        if note:
            item["note"] = note
        deliveries = list(target.get("deliveries", []))
        if len(deliveries) >= 10_000:
            raise RuleError(f"contribution {index + 1} has 10,000 deliveries, the most it may have")
        target["deliveries"] = [*deliveries, item]
        tx.update(
            "partners",
            doc_id,
            {"contributions": current},
            kind="partner.deliver",
            record=f"partner {code}",
            logged={"delivery": [None, {"contribution": index + 1, **item}]},
        )
        return export("partners", doc_id, tx.get("partners", doc_id))


def _grant_parties(tx: Tx, funder: str, recipient: str) -> tuple[str, str]:
    codes = [p["code"] for p in tx.data.get("partners", {}).values()]
    found = []
    for typed in (funder, recipient):
        code = rules.partner_code(typed, codes)
        if code is None:
            known = ", ".join(sorted(codes)) or "none yet"
            raise NotFoundError(f"no partner {typed!r} (partners: {known})")
        found.append(code)
    if found[0] == found[1]:
        raise RuleError(f"a grant goes from one partner to another, not from {found[0]} to itself")
    return found[0], found[1]


def _match(text: str) -> str:
    from workplan_tui.model import money  # only for resources: start-up time of writes

    try:
        return money.parse_match(text)[0]
    except money.MoneyError as exc:
        raise RuleError(str(exc)) from None


def add_grant(store: Store, funder: str, recipient: str, amount: float, match: str, name: str = "") -> Record:
    """A grant from ``funder`` to ``recipient`` (partner codes) with the match it requires
    (``1:1``, ``1:2``, ``25%``, ``none``). Contributions count towards it when they name it."""
    value = _amount(amount, "grant amount")
    normal = _match(match)
    with store.transaction() as tx:
        tx.require_member()
        giver, taker = _grant_parties(tx, funder, recipient)
        fields = {
            "name": _text(name or f"Grant from {giver} to {taker}", "grant name"),
            "funder": giver,
            "recipient": taker,
            "amount": value,
            "match": normal,
        }
        doc_id = tx.insert("grants", fields)
        return export("grants", doc_id, tx.get("grants", doc_id))


def edit_grant(
    store: Store,
    grant_id: int,
    *,
    name: str | None = None,
    amount: float | None = None,
    match: str | None = None,
    expected_rev: int | None = None,
) -> Record:
    """Change a grant's name, amount or required match (the partners it joins stay)."""
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _text(name, "grant name")
    if amount is not None:
        changes["amount"] = _amount(amount, "grant amount")
    if match is not None:
        changes["match"] = _match(match)
    with store.transaction() as tx:
        tx.require_member()
        tx.update("grants", grant_id, changes, kind="grant.edit", expected_rev=expected_rev)
        return export("grants", grant_id, tx.get("grants", grant_id))


def remove_grant(store: Store, grant_id: int, *, expected_rev: int | None = None) -> Record:
    """Remove a grant (kept whole in the log: ``undo`` brings it back); refused while
    contributions count towards it, naming them."""
    with store.transaction() as tx:
        tx.require_member()
        tx.get("grants", grant_id)
        counting = [
            f"{p['code']} #{number}"
            for p in tx.data.get("partners", {}).values()
            for number, c in enumerate(p.get("contributions", []), 1)
            if c.get("grant") == grant_id
        ]
        if counting:
            raise RuleError(
                f"contributions count towards G{grant_id}: {', '.join(counting)}; "
                "edit them first ('workplan partner edit CODE --contribution ...')"
            )
        removed = tx.remove("grants", grant_id, kind="grant.rm", expected_rev=expected_rev)
        return export("grants", grant_id, removed)


# --- import -------------------------------------------------------------------------------------


def import_tasks(store: Store, plan_id: int, rows: list[Any], *, today: Any) -> Any:
    """Bring spreadsheet rows (``model.importing.Row``) into a plan in one change: every row is
    checked against the freshest data and nothing is written unless all are good
    (``importing.ImportProblems`` lists each bad row). New tasks are logged as added, changed
    ones as ``task.import`` (each undoable on its own). Returns ``importing.Planned`` with the
    new tasks' ids."""
    from workplan_tui.model import importing

    with store.transaction() as tx:
        tx.require_member()
        planned = importing.plan_import(tx.workplan(), plan_id, rows, today=today)
        if planned.problems:
            raise importing.ImportProblems(planned.problems)
        for added in planned.added:
            added.id = tx.insert("tasks", dict(added.fields))
        for updated in planned.updated:
            tx.update("tasks", updated.id, updated.changes, kind="task.import")
        return planned


# --- undo ---------------------------------------------------------------------------------------

_PREFIX_TABLE = {"T": "tasks", "O": "outcomes", "N": "norms", "P": "plans", "G": "grants"}


def _record_of(tx: Tx, record: str) -> tuple[str, int]:
    """The (table, id) an activity entry's ``record`` names."""
    if record == "partnership":
        return "meta", 1
    for table, noun, key in (("partners", "partner ", "code"), ("members", "member ", "handle")):
        if record.startswith(noun):
            doc_id = _find(tx, table, key, record[len(noun) :])
            if doc_id is None:
                raise NotFoundError(f"{record} no longer exists")
            return table, doc_id
    parsed = id_of_label(record)
    if parsed is not None and parsed[0] in _PREFIX_TABLE:
        return _PREFIX_TABLE[parsed[0]], parsed[1]
    raise RuleError(f"cannot undo a change to {record!r}")


def last_undoable(history: History, user: str) -> int | None:
    """The id of ``user``'s latest change that is not an undo and not undone yet.

    Reads the log from the newest entry back, so it costs how far back that change is.
    """
    undone: set[int] = set()
    for entry in history.newest():
        if entry.undoes is not None:
            undone.add(entry.undoes)
        if entry.member == user and entry.kind != "undo" and entry.id not in undone:
            return entry.id
    return None


def undo(store: Store, entry_id: int | None = None) -> Record:
    """Undo one of my changes (my latest when ``entry_id`` is None).

    Refused, changing nothing, when anyone has changed that record since; the undo
    is itself logged (kind ``undo``, pointing at the entry it reverses).
    """
    with store.transaction() as tx:
        tx.require_member()
        history = tx.history()
        if entry_id is None:
            entry_id = last_undoable(history, tx.user)
            if entry_id is None:
                raise RuleError(f"{tx.user} has no change to undo")
        # Everything after the entry, newest first, and the entry itself.
        newer: list[Activity] = []
        found: Activity | None = None
        entries = history.newest()
        for item in entries:
            if item.id == entry_id:
                found = item
                break
            if item.id < entry_id:
                break
            newer.append(item)
        if found is None:
            raise NotFoundError(f"no activity entry A{entry_id}")
        entry = _as_raw(found)
        if found.member != tx.user:
            raise RuleError(f"A{entry_id} is {found.member}'s change, not yours")
        undone = {a.undoes for a in newer}
        if entry_id in undone:
            raise RuleError(f"A{entry_id} ({found.kind} on {found.record}) is already undone")
        kind, record = found.kind, found.record
        if (kind.endswith(".add") and kind not in UNDONE_BY_REMOVING) or kind in ("partnership.create", "undo"):
            raise RuleError(f"cannot undo {kind} on {record}; edit or remove it instead")
        # Later changes to the record count, except pairs of a change and its undo.
        later = [a for a in newer if a.record == record and a.id not in undone and a.undoes is None]
        if later:
            who = later[0]
            raise RuleError(
                f"{who.member} changed {record} since ({who.kind}, {who.at[:16].replace('T', ' ')}); nothing undone"
            )
        if kind in UNDONE_BY_REMOVING:
            table, doc_id = _record_of(tx, record)
            _check_not_frozen(tx, table, tx.get(table, doc_id))
            users = _referring(tx, table, doc_id)
            if users:
                raise RuleError(f"{record} is in use now ({', '.join(users[:5])}); remove those first; nothing undone")
            tx.remove(table, doc_id, kind="undo", record=record, undoes=entry_id)
            result = {"undone": f"A{entry_id}", "kind": kind, "record": record, "restored": {"record": None}}
        elif kind == "vote":
            result = _undo_vote(tx, entry_id, entry)
        elif kind in REMOVALS:
            # The entries a removal logged just before its own (tasks unassigned or unlinked).
            preceding = list(islice(entries, len(_dependents(found))))
            result = _undo_removal(tx, found, newer, preceding)
        elif kind in _APPENDS and _APPENDS[kind][0] in entry.get("changes", {}):
            result = _undo_append(tx, entry_id, entry)
        elif kind in ("partner.pledge", "partner.deliver"):
            result = _undo_resource(tx, entry_id, entry)
        else:
            table, doc_id = _record_of(tx, record)
            current = tx.get(table, doc_id)
            _check_not_frozen(tx, table, current)
            changes = entry.get("changes", {})
            if any(current.get(name) != after for name, (_, after) in changes.items()):
                raise RuleError(f"{record} was changed since (by hand?); nothing undone")
            restored = {name: before for name, (before, _) in changes.items()}
            leads = _leads(tx) if table == "members" else None
            tx.update(table, doc_id, restored, kind="undo", record=record, undoes=entry_id)
            if leads and not _leads(tx):
                raise RuleError(f"undoing A{entry_id} would leave the partnership without a lead; nothing undone")
            result = {"undone": f"A{entry_id}", "kind": kind, "record": record, "restored": restored}
        # The logged "before" values come from the file, which anyone may have edited:
        # the whole partnership must still be sound (references, unique codes) after undoing.
        problems = schema.validate(tx.data)
        if problems:
            raise RuleError(f"undoing A{entry_id} would leave the file unsound ({problems[0]}); nothing undone")
        return result


def _referring(tx: Tx, table: str, doc_id: int) -> list[str]:
    """The records that refer to record ``doc_id`` of ``table`` (a plan's tasks, outcomes and
    votes; an outcome's linked tasks), as labels: what its removal would leave dangling."""
    fields = {"plans": ("tasks", "outcomes", "votes"), "outcomes": ("tasks",)}.get(table, ())
    field = "plan" if table == "plans" else "outcome"
    return [
        label(other, int(key))
        for other in fields
        for key, raw in tx.data.get(other, {}).items()
        if isinstance(raw, dict) and raw.get(field) == doc_id
    ]


def _leads(tx: Tx) -> list[str]:
    return [m["handle"] for m in tx.data.get("members", {}).values() if m.get("role") == "lead"]


def _check_not_frozen(tx: Tx, table: str, raw: dict[str, Any]) -> None:
    """Undo changes nothing in an archived plan either (rules.frozen)."""
    if table in ("tasks", "outcomes"):
        plan_id = raw.get("plan")
        if isinstance(plan_id, int) and str(plan_id) in tx.data.get("plans", {}):
            rules.check_open(_plan_model(tx, plan_id))


# Additions that undo takes back by removing the record (kept whole in the log, as any
# removal): a task, an outcome, a norm or a plan that nothing refers to yet. A member or a
# partner is removed with its own command and rules (`member rm`, `partner rm`).
UNDONE_BY_REMOVING = ("task.add", "outcome.add", "norm.add", "plan.add")

# Kinds that remove a record -> (its table, the task field that referred to it, the
# logged name of the tasks that lost the reference in the same change).
REMOVALS: dict[str, tuple[str, str | None, str | None]] = {
    "task.rm": ("tasks", None, None),
    "outcome.rm": ("outcomes", "outcome", "unlinked"),
    "member.rm": ("members", "owner", "unassigned"),
    "partner.rm": ("partners", None, None),
    "norm.withdraw": ("norms", None, None),
    "grant.rm": ("grants", None, None),
}


def _dependents(entry: Activity) -> list[str]:
    """The tasks a removal took a reference from, as logged ('T3'), or []."""
    name = REMOVALS[entry.kind][2]
    pair = entry.changes.get(name) if name else None
    labels = pair[0] if isinstance(pair, list) and pair else None
    if not isinstance(labels, list) or len(labels) > 100_000:
        return []
    return [t for t in labels if isinstance(t, str)]


def _undo_removal(tx: Tx, found: Activity, newer: list[Activity], preceding: list[Activity]) -> Record:
    """Put a removed record back, as it was and under its id; give back the references it took.

    A task that lost its owner (or outcome) in the same change gets it back unless someone
    has changed that task since; the result says which did not (``not_restored``).
    """
    table, field, _ = REMOVALS[found.kind]
    entry_id, record = found.id, found.record
    pair = found.changes.get("record")
    payload = pair[0] if isinstance(pair, list) and pair else None
    if (
        not isinstance(payload, dict)
        or type(payload.get("id")) is not int
        or not isinstance(payload.get("record"), dict)
    ):
        raise RuleError(f"A{entry_id} does not hold the removed record (edited by hand?); nothing undone")
    doc_id, fields = payload["id"], dict(payload["record"])
    if _removal_label(table, doc_id, fields) != record:
        raise RuleError(f"A{entry_id} holds another record than {record} (edited by hand?); nothing undone")
    if table in ("tasks", "outcomes"):
        plan_id = fields.get("plan")
        if not isinstance(plan_id, int) or str(plan_id) not in tx.data.get("plans", {}):
            raise RuleError(f"{record}'s plan P{plan_id} no longer exists; nothing undone")
        _check_not_frozen(tx, table, fields)
        outcome = fields.get("outcome") if table == "tasks" else None
        if outcome is not None and str(outcome) not in tx.data.get("outcomes", {}):
            raise RuleError(f"{record}'s outcome O{outcome} was removed since; undo that first. Nothing undone")
    elif table == "partners":
        code = fields.get("code")
        if not isinstance(code, str):
            raise RuleError(f"A{entry_id} does not hold a partner's code (edited by hand?); nothing undone")
        if any(str(p.get("code")).lower() == code.lower() for p in tx.data.get("partners", {}).values()):
            raise RuleError(f"a partner {code} exists again; nothing undone")
    elif table == "members":
        if not isinstance(fields.get("handle"), str):
            raise RuleError(f"A{entry_id} does not hold a member's handle (edited by hand?); nothing undone")
        if fields["handle"] in _member_handles(tx):
            raise RuleError(f"a member {fields.get('handle')} exists again; nothing undone")
        partner = fields.get("partner")
        if not isinstance(partner, str) or _find(tx, "partners", "code", partner) is None:
            raise RuleError(f"{record}'s partner {partner} was removed since; undo that first. Nothing undone")
    tx.restore(table, doc_id, fields, record=record, undoes=entry_id)
    result: Record = {
        "undone": f"A{entry_id}",
        "kind": found.kind,
        "record": record,
        "restored": {"record": export(table, doc_id, fields)},
    }
    labels = _dependents(found)
    if field is None or not labels:
        return result
    value = fields.get("handle") if table == "members" else doc_id
    undone = {a.undoes for a in newer}
    own = {  # the same change's own steps: same member, same moment, exactly that reference taken
        a.record: a
        for a in preceding
        if a.member == found.member and a.at == found.at and a.changes == {field: [value, None]}
    }
    given_back, not_restored = [], []
    for task_label in labels:
        step = own.get(task_label)
        parsed = id_of_label(task_label)
        task = tx.data.get("tasks", {}).get(str(parsed[1])) if parsed and parsed[0] == "T" else None
        touched = any(a.record == task_label and a.id not in undone and a.undoes is None for a in newer)
        plan = tx.data.get("plans", {}).get(str(task.get("plan"))) if task else None
        if step is None or step.id in undone or task is None or touched or task.get(field) is not None:
            not_restored.append(task_label)
        elif plan is None or plan.get("status") == "archived":
            not_restored.append(task_label)
        else:
            assert parsed is not None
            tx.update("tasks", parsed[1], {field: value}, kind="undo", record=task_label, undoes=step.id)
            given_back.append(task_label)
    result["restored"]["tasks"] = given_back
    result["not_restored"] = not_restored
    return result


def _removal_label(table: str, doc_id: int, fields: dict[str, Any]) -> str:
    """The ``record`` a removal of this record is logged under."""
    if table == "partners":
        return f"partner {fields.get('code')}"
    if table == "members":
        return f"member {fields.get('handle')}"
    return label(table, doc_id)


def _as_raw(entry: Activity) -> dict[str, Any]:
    """A log entry as the dict the undo helpers read."""
    return {"kind": entry.kind, "record": entry.record, "member": entry.member, "changes": entry.changes}


# Changes that append an item to a list, logged as the item: kind -> (logged name, list field, item's value key)
_APPENDS = {"task.note": ("note", "updates", "text"), "outcome.checkin": ("checkin", "checkins", "value")}


def _undo_append(tx: Tx, entry_id: int, entry: dict[str, Any]) -> Record:
    """Take back an appended note or check-in: it must still be the list's last item, and mine."""
    name, field, key = _APPENDS[entry["kind"]]
    table, doc_id = _record_of(tx, entry["record"])
    current = tx.get(table, doc_id)
    _check_not_frozen(tx, table, current)
    items = current.get(field, [])
    added = entry["changes"][name][1]
    if not items or items[-1].get("by") != entry.get("member") or items[-1].get(key) != added:
        raise RuleError(f"{entry['record']} has a newer {name} since; nothing undone")
    restored: dict[str, Any] = {field: items[:-1]}
    logged: dict[str, list[Any]] = {name: [added, None]}
    if "current" in entry["changes"]:
        before, after = entry["changes"]["current"]
        if current.get("current") != after:
            raise RuleError(f"{entry['record']} was changed since; nothing undone")
        restored["current"] = before
        logged["current"] = [after, before]
    tx.update(table, doc_id, restored, kind="undo", record=entry["record"], undoes=entry_id, logged=logged)
    return {"undone": f"A{entry_id}", "kind": entry["kind"], "record": entry["record"], "restored": {name: None}}


def _undo_vote(tx: Tx, entry_id: int, entry: dict[str, Any]) -> Record:
    pair = entry.get("changes", {}).get("vote")
    parsed = id_of_label(entry["record"])
    if pair is None or parsed is None or parsed[0] != "P" or str(parsed[1]) not in tx.data.get("plans", {}):
        raise RuleError(f"A{entry_id} is not a vote on an existing plan; nothing undone")
    previous, position = pair
    plan_id = parsed[1]
    if previous is None:
        raise RuleError(f"your first vote on {entry['record']} cannot be undone; vote again to change it")
    earlier = [v for v in tx.workplan().votes if v.plan == plan_id and v.member == tx.user]
    comment = earlier[-2].comment if len(earlier) >= 2 else ""
    tx.insert(
        "votes",
        {"plan": plan_id, "member": tx.user, "position": previous, "comment": comment, "at": tx.now},
        log=False,
    )
    tx.log("undo", entry["record"], {"vote": [position, previous]}, undoes=entry_id)
    return {"undone": f"A{entry_id}", "kind": "vote", "record": entry["record"], "restored": {"vote": previous}}


# --- conflicts a merge recorded (sync/merge.py) -------------------------------------------------

_RECORD_CONFLICT = "(record)"


def conflict_side(conflict: dict[str, Any], which: str, user: str) -> int:
    """Which side (0 or 1) ``which`` names: ``1``/``2``, ``mine`` (the side I set) or ``theirs``
    (the other one), or a side's value as listed (``removed``/``kept`` for a removed record)."""
    sides = conflict["sides"]
    text = which.strip().lower()
    if text in ("1", "2"):
        return int(text) - 1
    if text in ("mine", "theirs"):
        mine = [i for i, side in enumerate(sides) if side.get("by") == user]
        if len(mine) != 1:
            whose = "both sides are" if mine else "neither side is"
            raise RuleError(f"{whose} {user}'s; choose 1 or 2 (see 'workplan conflicts')")
        return mine[0] if text == "mine" else 1 - mine[0]
    for i, side in enumerate(sides):
        if isinstance(side.get("value"), str) and side["value"].lower() == text:
            return i
    raise RuleError(f"{which!r} is not a side; choose 1, 2, mine or theirs")


def resolve_conflict(store: Store, conflict_id: int, which: str, *, expected_rev: int | None = None) -> Record:
    """Settle a conflict: the field takes the chosen side's value, and every conflict recorded on
    that field goes (each logged). For a record one side removed and the other changed
    (``(record)``), ``kept`` keeps it and ``removed`` removes it (a task or norm; the others
    have their own command, which the refusal names)."""
    with store.transaction() as tx:
        tx.require_member()
        conflict = tx.get("conflicts", conflict_id)
        name = label("conflicts", conflict_id)
        if expected_rev is not None and conflict.get("rev", 1) != expected_rev:
            raise RuleError(f"{name} was changed since; nothing settled")
        side = conflict_side(conflict, which, tx.user)
        value = conflict["sides"][side]["value"]
        table, key, field = conflict["table"], conflict["key"], conflict["field"]
        record = tx.data.get(table, {}).get(str(key))
        settled = [
            int(k)
            for k, c in tx.data.get("conflicts", {}).items()
            if (c.get("table"), c.get("key")) == (table, key) and (c.get("field") == field or record is None)
        ]
        if record is not None and field == _RECORD_CONFLICT and value == "removed":
            _remove_for_conflict(tx, table, key, conflict["record"])
            conflicts = tx.data.get("conflicts", {}).items()
            settled = [int(k) for k, c in conflicts if (c.get("table"), c.get("key")) == (table, key)]
        elif record is not None and field != _RECORD_CONFLICT:
            _check_not_frozen(tx, table, record)
            if record.get(field) != value:
                tx.update(table, key, {field: value}, kind="conflict.resolve", record=conflict["record"])
        shown = contract.conflict(conflict_id, conflict, value, exists=record is not None)
        result = {**shown, "chosen": side + 1, "value": shown["sides"][side]["value"]}
        for other in sorted(set(settled) | {conflict_id}):
            tx.remove("conflicts", other, kind="conflict.settle", record=label("conflicts", other))
        return result


def _remove_for_conflict(tx: Tx, table: str, key: int, record: str) -> None:
    """Take away a record a merge kept although one side had removed it."""
    raw = tx.get(table, key)
    if table == "tasks":
        _open_plan(tx, raw["plan"])
        tx.remove("tasks", key, kind="task.rm")
    elif table == "norms":
        tx.remove("norms", key, kind="norm.withdraw")
    elif table == "outcomes" and not _tasks_where(tx, "outcome", key):
        _open_plan(tx, raw["plan"])
        tx.remove("outcomes", key, kind="outcome.rm")
    else:
        command = {
            "outcomes": f"workplan outcome rm {record} --unlink",
            "members": f"workplan member rm {record.removeprefix('member ')}",
            "partners": f"workplan partner rm {record.removeprefix('partner ')}",
        }.get(table, "the command that removes it")
        raise RuleError(f"remove {record} with '{command}', then settle this conflict with 'kept'; nothing changed")


def _undo_resource(tx: Tx, entry_id: int, entry: dict[str, Any]) -> Record:
    """Take back a pledge or a delivery: it must still be the last of its list, exactly as logged."""
    name = "contribution" if entry["kind"] == "partner.pledge" else "delivery"
    pair = entry.get("changes", {}).get(name)
    logged = pair[1] if isinstance(pair, list) and len(pair) == 2 else None
    table, doc_id = _record_of(tx, entry["record"])
    if table != "partners" or not isinstance(logged, dict):
        raise RuleError(f"A{entry_id} does not hold the {name} it added (edited by hand?); nothing undone")
    contributions = [dict(c) for c in tx.get(table, doc_id).get("contributions", [])]
    item = dict(logged)
    if name == "contribution":
        number = item.pop("number", None)
        if not contributions or number != len(contributions) or contributions[-1] != item:
            raise RuleError(f"{entry['record']}'s contributions changed since; nothing undone")
        contributions.pop()
    else:
        number = item.pop("contribution", None)
        if type(number) is not int or not 1 <= number <= len(contributions):
            raise RuleError(f"{entry['record']}'s contributions changed since; nothing undone")
        deliveries = list(contributions[number - 1].get("deliveries", []))
        if not deliveries or deliveries[-1] != item:
            raise RuleError(f"{entry['record']} has a newer delivery since; nothing undone")
        contributions[number - 1]["deliveries"] = deliveries[:-1]
    tx.update(
        table,
        doc_id,
        {"contributions": contributions},
        kind="undo",
        record=entry["record"],
        undoes=entry_id,
        logged={name: [logged, None]},
    )
    return {"undone": f"A{entry_id}", "kind": entry["kind"], "record": entry["record"], "restored": {name: None}}
