"""Members: add, edit, remove (their open tasks are unassigned; undo gives them back)."""

from __future__ import annotations

from typing import Any

from workplan_tui.model import identity, rules, schema, typed
from workplan_tui.model.records import DIGEST_PREFERENCES, ROLES, Member, label
from workplan_tui.model.rules import RuleError
from workplan_tui.store.actions.common import (
    Removed,
    _handle,
    _member_id,
    _members,
    _partner,
    _tasks_where,
    removed,
    saved,
)
from workplan_tui.store.store import Store


def add_member(
    store: Store,
    handle: str,
    name: str,
    partner: str,
    role: str = "member",
    *,
    accounts: list[str] | None = None,
    email: str | None = None,
    digest: str | None = None,
) -> Member:
    """Add a member. ``accounts``: the Unix accounts that may act as them (a lead's choice;
    None: the one named by the handle, and no ``accounts`` field is written). ``email`` and
    ``digest``: where their digest goes and how often (only a lead sets them for someone else)."""
    if not schema.valid_handle(handle):
        raise RuleError(f"handle {handle!r} must be 1-32 letters, digits, '.', '-' or '_' (a Unix login)")
    if role not in ROLES:
        raise RuleError(f"role {role!r} is not one of {', '.join(ROLES)}")
    fields: dict[str, Any] = {
        "handle": handle,
        "name": typed.text(name, "member name"),
        "partner": partner,
        "role": role,
    }
    if accounts is not None:
        fields["accounts"] = list(dict.fromkeys(accounts))
    fields.update(_contact(email, digest))
    with store.transaction() as tx:
        tx.require_member()
        fields["partner"] = _partner(tx, partner)[1]  # stored as the partner defines it
        members = _members(tx)
        same = rules.member_handle(handle, members)  # handles are told apart ignoring case
        if same is not None:
            also = "" if same == handle else f" (handles must differ by more than case: {handle!r})"
            raise RuleError(f"member {same} already exists{also}")
        bound = fields.get("accounts", [handle])
        if not members:
            problem = rules.first_member_problem(handle, bound, tx.user, store.login)
            if problem:
                raise RuleError(problem)
            fields["role"] = "lead"  # the one setting up leads: someone must be able to run the file
            tx.user = handle  # and is that member from now on (their login's only binding)
        elif accounts is not None:
            rules.check_accounts(members, bound, handle, me=tx.user, login=store.login)
        rules.check_member_add(members, role, me=tx.user)
        if (email or digest) and members:
            rules.check_contact_change(members, handle, me=tx.user)
        doc_id = tx.insert("members", fields, record=f"member {handle}")
        return saved(tx, "members", doc_id)


def edit_member(
    store: Store,
    handle: str,
    *,
    name: str | None = None,
    role: str | None = None,
    partner: str | None = None,
    email: str | None = None,
    digest: str | None = None,
    add_accounts: list[str] | None = None,
    drop_accounts: list[str] | None = None,
    expected_rev: int | None = None,
) -> Member:
    """Change a member's name, role, partner, Unix accounts, e-mail address or digest preference;
    the last lead is never made a member. Accounts are a lead's to bind (rules.check_accounts); the
    member's list starts from the handle's own account when it has none yet. ``email`` "" removes
    the address; ``digest`` is a stored preference (``daily``, ``weekly:fri``, ``off``:
    model/digest.py reads what people type). Only the member or a lead changes their address or
    preference (rules.check_contact_change; who the member is, the store's identity rule says)."""
    changes: dict[str, Any] = _contact(email, digest)
    if name is not None:
        changes["name"] = typed.text(name, "member name")
    if role is not None:
        if role not in ROLES:
            raise RuleError(f"role {role!r} is not one of {', '.join(ROLES)}")
        changes["role"] = role
    if partner is not None:
        changes["partner"] = partner
    with store.transaction() as tx:
        tx.require_member()
        handle = _handle(tx, handle)
        doc_id = _member_id(tx, handle)
        if partner is not None:
            changes["partner"] = _partner(tx, partner)[1]  # stored as the partner defines it
        members = _members(tx)
        rules.check_member_change(members, handle, me=tx.user, role=role, partner=partner)
        if email is not None or digest is not None:
            rules.check_contact_change(members, handle, me=tx.user)
        if add_accounts or drop_accounts:
            current = list(identity.accounts_of(members[handle]))
            accounts = [a for a in dict.fromkeys([*current, *(add_accounts or [])]) if a not in (drop_accounts or [])]
            rules.check_accounts(members, accounts, handle, me=tx.user, login=store.login, change=accounts != current)
            if accounts != current:
                changes["accounts"] = accounts
        tx.update("members", doc_id, changes, kind="member.edit", record=f"member {handle}", expected_rev=expected_rev)
        return saved(tx, "members", doc_id)


def _contact(email: str | None, digest: str | None) -> dict[str, Any]:
    """The fields for a member's address ("" removes it: None) and digest preference, checked."""
    fields: dict[str, Any] = {}
    if email is not None:
        email = email.strip()
        problem = rules.email_problem(email) if email else None
        if problem:
            raise RuleError(problem)
        fields["email"] = email or None
    if digest is not None:
        if digest not in DIGEST_PREFERENCES:
            raise RuleError(f"digest {digest!r} is not one of {', '.join(DIGEST_PREFERENCES)}")
        fields["digest"] = digest
    return fields


def remove_member(store: Store, handle: str, *, expected_rev: int | None = None) -> Removed[Member]:
    """Remove a member from the partnership.

    Their open tasks (not done) become unassigned, each change logged on the task;
    done tasks keep them as owner (who did the work). Their votes stay in the
    history but no longer count towards buy-in, and their agreement to norms no
    longer matters (only members' does). ``undo`` brings the member back and gives
    them back the tasks nobody has taken since. Never the last lead, the last member
    or yourself (rules.check_member_change). Returns the member removed and the tasks unassigned.
    """
    with store.transaction() as tx:
        tx.require_member()
        handle = _handle(tx, handle)
        doc_id = _member_id(tx, handle)
        rules.check_member_change(_members(tx), handle, me=tx.user, remove=True)
        open_tasks = _tasks_where(tx, "owner", handle, open_only=True)
        for task_id in open_tasks:
            tx.update("tasks", task_id, {"owner": None}, kind="task.assign")
        extra = {"unassigned": [[label("tasks", t) for t in open_tasks], None]} if open_tasks else {}
        gone = tx.remove(
            "members", doc_id, kind="member.rm", record=f"member {handle}", expected_rev=expected_rev, changes=extra
        )
        return Removed(removed("members", doc_id, gone), open_tasks)
