"""The sample partnership: find it, shift its dates to today, write a fresh copy."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from workplan_tui.model import schema
from workplan_tui.store.storage import StoreError, locked, os_login, parse
from workplan_tui.store.store import Store

SAMPLE_NAME = "partnership.json"
_TIME_KEYS = frozenset({"at", "created_at", "updated_at"})


def _date_keys(pattern: str | None = None) -> frozenset[str]:
    """The names of the fields declared as a day (``records.Date``: due, on, start, end...) in
    any record, nested ones too: the sample moves each of them. With ``pattern``, those declared
    with that pattern instead (``records.TIMESTAMP_PATTERN``: at, sent, debriefed_at...)."""
    from msgspec import structs

    from workplan_tui.model.records import DATE_PATTERN, KEYED

    pattern = pattern or DATE_PATTERN
    found: set[str] = set()
    seen: set[type] = set()
    waiting: list[type] = list(KEYED.values())
    while waiting:
        cls = waiting.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for f in structs.fields(cls):  # type: ignore[arg-type]
            if schema.extra_of(f.type).get("pattern") == pattern:
                found.add(f.encode_name)
            waiting += _structs_in(f.type)
    return frozenset(found)


def _structs_in(kind: Any) -> list[type]:
    """The records a declared type holds (a list of check-ins: CheckIn)."""
    from typing import get_args

    inner = schema._unwrap(kind)[0]
    if schema._is_struct(inner):
        return [inner]
    return [found for option in get_args(inner) for found in _structs_in(option)]


def sample_path() -> Path:
    """The sample file: ``sample_data/`` in a checkout, or the copy inside the wheel."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "sample_data" / SAMPLE_NAME, here.parents[1] / "sample_data" / SAMPLE_NAME):
        if candidate.is_file():
            return candidate
    raise StoreError("the sample partnership is missing from this installation")


def shifted(data: Any, days: int) -> Any:
    """A copy of ``data`` with every day (due, start, end...) and timestamp moved by ``days``,
    the log's too (a change's ``[before, after]`` days)."""
    from workplan_tui.model.records import TIMESTAMP_PATTERN

    return _shifted(data, days, _date_keys(), _TIME_KEYS | _date_keys(TIMESTAMP_PATTERN))


def _shifted(data: Any, days: int, date_keys: frozenset[str], time_keys: frozenset[str]) -> Any:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key in date_keys and isinstance(value, str) and schema.valid_date(value):
                out[key] = (date.fromisoformat(value) + timedelta(days=days)).isoformat()
            elif key in date_keys and isinstance(value, list):  # a log entry's [before, after]
                out[key] = [
                    (date.fromisoformat(v) + timedelta(days=days)).isoformat()
                    if isinstance(v, str) and schema.valid_date(v)
                    else v
                    for v in value
                ]
            elif key in time_keys and isinstance(value, str) and schema.valid_timestamp(value):
                moment = datetime.fromisoformat(value.replace("Z", "+00:00")) + timedelta(days=days)
                out[key] = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            else:
                out[key] = _shifted(value, days, date_keys, time_keys)
        return out
    if isinstance(data, list):
        return [_shifted(v, days, date_keys, time_keys) for v in data]
    return data


def _caught_up(data: dict[str, Any], user: str) -> None:
    """The sample as the healthy partnership it describes, with ``user`` in it: they have agreed
    to the norms everyone else agreed to, and to the plans whose buy-in was decided (active or
    completed), as every member of the sample had. Plans still open for votes (proposed) wait
    for their vote, as for anyone's: something to do in the demo."""
    handles = {m["handle"] for m in data["members"].values()} - {user}
    for norm in data.get("norms", {}).values():
        if handles <= set(norm.get("agreed_by", [])):
            norm["agreed_by"] = [*norm["agreed_by"], user]
    votes = data.setdefault("votes", {})
    for plan_id, plan in data.get("plans", {}).items():
        if plan.get("status") not in ("active", "completed"):
            continue
        theirs = [v for v in votes.values() if v.get("plan") == int(plan_id)]
        if {v.get("member") for v in theirs if v.get("position") == "agree"} >= handles:
            at = max((v.get("at", "") for v in theirs), default="")
            votes[str(max(map(int, votes), default=0) + 1)] = {
                "plan": int(plan_id),
                "member": user,
                "position": "agree",
                "comment": "",
                "at": at,
                "rev": 1,
            }


def _fresh_agendas(data: Any, today: date) -> None:
    """The agenda of a meeting still to come that workplan filled in (every item pre-filled)
    made again from the partnership as of the demo's ``today``: its words name days ("debrief
    due Sun 29 Nov") that moving the sample's dates would leave behind."""
    from workplan_tui.model import meetings
    from workplan_tui.store.actions.meetings import schema_item

    workplan = schema.build(data)
    for raw in data.get("meetings", {}).values():
        agenda = raw.get("agenda") or []
        if raw.get("day", "") < today.isoformat() or not agenda or not all(i.get("prefilled") for i in agenda):
            continue
        on = date.fromisoformat(raw["day"])
        raw["agenda"] = [schema_item(item) for item in meetings.prefill(workplan, today, day=on)]


def write_demo(out: Path | None, *, today: date, user: str, login: str | None = None) -> Path:
    """Write a fresh demo file dated relative to ``today``; ``user`` joins as a lead, acted as
    from ``login`` (default: this process's Unix account; model/identity.py), so that you can
    change things, and as one who agreed to what the partnership had agreed (``_caught_up``):
    its norms stay in force and its running plans keep their buy-in. They join today, so the
    votes and norms still waiting for them do not count against their partner's record
    (``commitments.answer_due``): the partners look as the sample describes them."""
    source = sample_path()
    data = parse(source, source.read_bytes())
    meta = data["meta"]["1"]
    reference = date.fromisoformat(meta.pop("sample_today"))
    data = shifted(data, (today - reference).days)
    members = data["members"]
    login = login or os_login()
    if schema.valid_handle(user) and all(m["handle"] != user for m in members.values()):
        first_partner = next(iter(data["partners"].values()))["code"]
        members[str(max(map(int, members)) + 1)] = {
            "handle": user,
            "name": "you",  # shown beside the handle: "root (you, lead)"
            "partner": first_partner,
            "role": "lead",
            "created_at": f"{today.isoformat()}T00:00:00Z",  # joined today: not yet behind (answer_due)
            "rev": 1,
            **({"accounts": [user, login]} if login != user else {}),
        }
        _caught_up(data, user)
    else:  # you chose a member of the sample (WORKPLAN_USER): your account acts as them
        for member in members.values():
            if member["handle"] == user and login != user:
                member["accounts"] = [user, login]
    _fresh_agendas(data, today)
    problems = schema.validate(data)
    if problems:
        raise StoreError(f"the sample partnership is broken: {problems[0]}")
    if out is None:
        folder = Path(tempfile.mkdtemp(prefix="workplan-demo-"))
        out = folder / "partnership.json"
    if not out.parent.is_dir():
        raise StoreError(f"{out.parent}: no such folder; create it first or choose another --out")
    with locked(out):
        if out.exists():
            raise StoreError(f"{out}: already exists; not overwriting it")
        Store(out, user=user).write_new(data)
    return out
