"""Who may act as whom (issue 28): a member is bound to the Unix accounts that may act as them.

A member record may list ``accounts``; without the field, the one account named by the handle.
``WORKPLAN_USER`` only chooses among the members whose accounts include the login, and root is
not special: it acts as a member only where a lead listed it (a service account for cron, say,
acting as a ``bot`` member). Reading needs no binding (anyone who can read the file reads it);
every change does (``rules.member_problem``, which ``store.Tx.require_member`` and the board
ask). The activity log keeps the real login beside the member, so a change made through a
binding a lead set is still seen to be the account's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from workplan_tui.model.records import Member


def accounts_of(member: Member) -> tuple[str, ...]:
    """The Unix accounts that may act as ``member``: its ``accounts``, else its handle."""
    return tuple(member.accounts) if member.accounts is not None else (member.handle,)


def bindings(members: Iterable[Member]) -> dict[str, tuple[str, ...]]:
    """handle -> the accounts that may act as that member."""
    return {m.handle: accounts_of(m) for m in members}


def raw_bindings(records: Iterable[Any]) -> dict[str, tuple[str, ...]]:
    """``bindings`` of the members table as the file holds it (records checked before)."""
    out: dict[str, tuple[str, ...]] = {}
    for record in records:
        if isinstance(record, Mapping) and isinstance(record.get("handle"), str):
            accounts = record.get("accounts")
            out[record["handle"]] = tuple(accounts) if isinstance(accounts, list) else (record["handle"],)
    return out


def members_for(binds: Mapping[str, Sequence[str]], login: str) -> list[str]:
    """The members ``login`` may act as, in handle order."""
    return sorted(handle for handle, accounts in binds.items() if login in accounts)


def acting_as(binds: Mapping[str, tuple[str, ...]], login: str, asked: str | None) -> str:
    """Who ``login`` is named as in what needs no member (the notes of a merge, a conflict's
    ``merged_by``, the author of a sync's commit): ``asked`` (``$WORKPLAN_USER``, or the member
    a caller chose) when the login may act as them, else ``default_member``, else the login
    itself. Never a member the login may not act as: only changes are refused, so these must
    not borrow a name a change could not."""
    if asked is not None and login in binds.get(asked, ()):
        return asked
    return default_member(binds, login) or login


def default_member(binds: Mapping[str, tuple[str, ...]], login: str) -> str | None:
    """Whom ``login`` acts as when no member is asked for: the member of that handle if it may,
    else the one member it may act as; None when it may act as none, or as several."""
    if login in binds.get(login, ()):
        return login
    found = members_for(binds, login)
    return found[0] if len(found) == 1 else None
