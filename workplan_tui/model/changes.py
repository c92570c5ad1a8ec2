"""How a log entry reads for people: one wording for the board's notices and activity log, the
command line's log, listings and status, and the messages of git commits (pure).

References read as labels (``plan - → P3``, never the stored ids), a list of labels or
handles as its items (``agreed_by alice → alice, bob``), a record kept whole by its removal
by its name, a note added as the note (``note: Called the supplier``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from workplan_tui.model import contract
from workplan_tui.model.dates import short_date
from workplan_tui.model.records import Activity, Workplan, id_of_label, label, table_named
from workplan_tui.model.text import clean, short

# The kinds of change that remove a record (kept whole in the entry: undo puts it back).
REMOVAL_KINDS = (
    "task.rm", "outcome.rm", "member.rm", "partner.rm", "norm.withdraw", "grant.rm", "meeting.rm", "milestone.rm"
)  # fmt: skip


# A field as people call it (the board's labels, lower case), where its stored name is not a word.
FIELD_WORDS = {
    "blocked_reason": "reason blocked",
    "due": "due date",
    "agreed_by": "agreed by",
    "interests_short": "short-term interests",
    "interests_long": "long-term interests",
    "archived_from": "archived from",
    "closes": "closing date",
    "checkin": "check-in",
    "retired_ids": "retired ids",
    "waits_on": "waits on",
    "series": "repeats",
    "start": "start date",
}


def field_words(name: str) -> str:
    """A field as people call it: 'reason blocked' for ``blocked_reason``, 'due date' for ``due``."""
    return FIELD_WORDS.get(name, name.replace("_", " "))


def labelled(entry: Activity) -> dict[str, Any]:
    """The entry's ``{field: [before, after]}`` with reference ids as labels (``contract.changes``)."""
    return contract.changes(entry.record, entry.changes)


def value_text(value: Any, room: int = 30) -> str:
    """One value of a change, cut to ``room`` characters: '-' for none, a list of labels or
    handles as 'T3, T5', a record kept whole by its name, anything else cleaned."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return short(", ".join(value), room)
    if isinstance(value, list) and not value:
        return "-"
    return short(value, room)


def changes_line(entry: Activity, room: int = 30, arrow: str = "→") -> str:
    """'progress 40 → 60; outcome - → O3', each value cut to ``room`` characters; a note added
    reads 'note: Called the supplier', not 'note - → Called the supplier'."""
    parts = []
    for name, pair in labelled(entry).items():
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        if name in ("note", "decision") and before is None and after is not None:
            parts.append(f"{name}: {value_text(after, room)}")
        elif name == "followup" and isinstance(after, dict) and before is None:
            parts.append(f"follow-up: {_followup_text(after, room)}")
        elif name == "followup" and isinstance(before, dict) and after is None:  # undone
            parts.append(f"follow-up taken back: {_followup_text(before, room)}")
        elif name == "dates" and isinstance(before, dict) and isinstance(after, dict):
            parts.append(f"#{after.get('contribution', '?')} dates {_dates_text(before)} {arrow} {_dates_text(after)}")
        elif name in _MEETING_LISTS and (words := _meeting_list(name, before, after)) is not None:
            parts.append(short(words, max(room, 60)))
        else:
            parts.append(f"{name} {value_text(before, room)} {arrow} {value_text(after, room)}")
    return clean("; ".join(parts))


def _followup_text(item: dict[str, Any], room: int) -> str:
    """'with dan: insurance by Friday, new date 2026-12-04' (a pledge's: '#2 with bob: ...')."""
    number = f"#{item['contribution']} " if "contribution" in item else ""
    agreed = f": {short(item.get('agreed'), room)}" if item.get("agreed") else ""
    new = f", new date {short(item.get('new_date'))}" if item.get("new_date") else ""
    return f"{number}with {short(item.get('whom'), room)}{agreed}{new}"


def _dates_text(dates: dict[str, Any]) -> str:
    """A pledge's dates as logged: 'by 2026-12-31', '4 quarter from 2027-01-15', '-'."""
    schedule = dates.get("schedule")
    if isinstance(schedule, dict):
        return f"{short(schedule.get('count'))} {short(schedule.get('every'))} from {short(schedule.get('start'))}"
    return f"by {short(dates['due'])}" if dates.get("due") else "-"


_MEETING_LISTS = ("agenda", "attendance", "decisions")


def _meeting_list(name: str, before: Any, after: Any) -> str | None:
    """A meeting's agenda, attendance or decisions changed, as the item that changed."""
    from workplan_tui.model.meetings import list_change_words  # only for such an entry: start-up time

    return list_change_words(name, before, after)


def describe(entry: Activity, *, who: bool = True, names: Names | None = None) -> str:
    """A log entry for a notice: the sentence a person would write (``sentence``), "bob moved
    T12 'Order soil' from 40% to 60%"; without ``who``, without its subject."""
    return sentence(entry, names, who=who)


def about_plan(workplan: Workplan, plan_id: int) -> Callable[[Activity], bool]:
    """Whether a log entry is about plan ``plan_id``: the plan itself (and votes on it), a task or
    outcome of it, or a record removed since whose entry says it was of that plan (its ``plan``
    change, or the record kept whole by its removal). ``workplan log --plan`` and the board's
    activity filter (``plan:P2``) ask this."""
    mine = {label("plans", plan_id)}
    mine |= {t.label for t in workplan.tasks.values() if t.plan == plan_id}
    mine |= {o.label for o in workplan.outcomes.values() if o.plan == plan_id}

    def about(entry: Activity) -> bool:
        if entry.record in mine:
            return True
        pair = entry.changes.get("plan")
        if isinstance(pair, list) and plan_id in pair:
            return True
        kept = entry.changes.get("record")
        return (
            isinstance(kept, list)
            and any(
                isinstance(side, dict)
                and isinstance(side.get("record"), dict)
                and side["record"].get("plan") == plan_id
                for side in kept
            )
            and table_named(entry.record) in ("tasks", "outcomes")
        )

    return about


def summary(entry: Activity) -> str:
    """One change in a few words, for a git commit: 'T12 progress 40 -> 60', 'T14 done',
    'new T41', 'removed T3', 'P2 vote agree', 'T12 note', 'O1 check-in 40'."""
    changes = labelled(entry)
    if entry.kind == "partnership.create":
        return "created the partnership"
    if entry.kind.endswith(".add"):
        return f"new {entry.record}"
    if entry.kind in REMOVAL_KINDS:
        return f"removed {entry.record}"
    if entry.kind == "vote" and isinstance(changes.get("vote"), list):
        return f"{entry.record} vote {value_text(changes['vote'][1], 24)}"
    status = changes.get("status")
    if isinstance(status, list) and len(status) == 2 and status[1] == "done":
        return f"{entry.record} done"
    for name, what in (("note", "note"), ("checkin", "check-in")):
        if name in changes:
            value = changes[name][1] if name == "checkin" and isinstance(changes[name], list) else None
            return f"{entry.record} {what}" + (f" {value_text(value, 24)}" if value is not None else "")
    kept = {k: v for k, v in list(entry.changes.items())[:3] if isinstance(v, list) and len(v) == 2}
    shown = changes_line(entry.replace(changes=kept), 24, "->") if kept else ""
    return f"{entry.record} {shown.replace('; ', ', ') or entry.kind}"


# --- log entries as sentences ----------------------------------------------------------------


class Names:
    """What a sentence about a log entry needs besides the entry: the titles of the records it
    names (a task's title, a norm's text), the partnership's currency and today (for dates in
    words). Without a partnership, records are named by their label alone."""

    def __init__(
        self, workplan: Workplan | None = None, today: date | None = None, gone: dict[str, str] | None = None
    ) -> None:
        self.workplan = workplan
        self.today = today
        self.currency = workplan.partnership.currency if workplan is not None else None
        self.gone = gone if gone is not None else {}  # record label -> title, of records removed since

    def learn(self, entry: Activity) -> None:
        """Remember the title of the record ``entry`` removed (kept whole in it), so that the
        entries before it still name it: "hiro moved T21 'Volunteer rota' ...", not "moved T21".
        Fed with the entries a reader passes anyway (newest first: a removal before its past)."""
        if entry.kind not in REMOVAL_KINDS or entry.record in self.gone:
            return
        kept = entry.changes.get("record")
        whole = next((side for side in kept if isinstance(side, dict)), None) if isinstance(kept, list) else None
        inner = whole.get("record") if isinstance(whole, dict) and isinstance(whole.get("record"), dict) else whole
        if isinstance(inner, dict):
            title = next((inner[k] for k in ("title", "name", "text") if isinstance(inner.get(k), str)), None)
            if title:
                self.gone[entry.record] = title

    def title(self, record: str) -> str | None:
        """The title (or name, or text) of the record labelled ``record`` as it is now, or as it
        was when removed (``learn``), or None."""
        if self.workplan is None:
            return self.gone.get(record)
        table = table_named(record)
        found = id_of_label(record)
        if table is None or found is None or table not in _TITLED:
            return None
        kept = getattr(self.workplan, table, {}).get(found[1])
        return getattr(kept, _TITLED[table], None) if kept is not None else self.gone.get(record)

    def unit(self, record: str) -> str:
        """The unit of the outcome labelled ``record`` ('kg', 'families'), '' for another record or
        an outcome without one: a check-in of 800 reads '800 kg'."""
        found = id_of_label(record)
        if self.workplan is None or found is None or table_named(record) != "outcomes":
            return ""
        outcome = self.workplan.outcomes.get(found[1])
        return clean(outcome.unit) if outcome is not None else ""


_TITLED = {
    "tasks": "title",
    "plans": "title",
    "outcomes": "name",
    "norms": "text",
    "grants": "name",
    "meetings": "title",
    "milestones": "name",
}
_STATUS_WORDS = {"todo": "to do"}
_LIST_NOUNS = {  # a field that holds a list, as people count its items
    "agenda": ("agenda item", "agenda items"),
    "attendance": ("person", "people"),
    "decisions": ("decision", "decisions"),
    "followups": ("follow-up", "follow-ups"),
    "checkins": ("check-in", "check-ins"),
    "deliveries": ("delivery", "deliveries"),
    "updates": ("note", "notes"),
    "schedule": ("instalment", "instalments"),
}
_MONEY_FIELDS = ("amount",)
_MEASURED = ("checkin", "current", "target", "baseline")  # an outcome's figures, in its unit
_DATE_FIELDS = ("due", "closes", "on", "day", "start", "end", "anchor")
TITLE_CELLS = 40  # a record's title in a sentence is cut to this many characters


def value_words(name: str, value: Any, names: Names | None = None, room: int = 60, *, unit: str = "") -> str:
    """One value of a change as people write it: 'none', '60%', '$6,000', 'Fri 4 Dec', an
    outcome's figure in its ``unit`` ('800 kg'), a meeting's length in minutes ('90 min'), a list
    of handles as 'alice, bob', a pledge as 'staff: Two gardeners, $18,000', a record kept
    whole by its title; anything else cleaned and cut to ``room`` characters."""
    names = names or Names()
    if value is None or value == "" or value == []:
        return "none"
    if name == "progress" and type(value) is int:
        return f"{value}%"
    if name in _MEASURED and type(value) in (int, float):
        return f"{value:,}" + (f" {clean(unit)}" if unit else "")
    if name == "duration" and type(value) is int:
        return f"{value} min"
    if name == "status" and isinstance(value, str):
        return _STATUS_WORDS.get(value, value)
    if name in _MONEY_FIELDS and type(value) in (int, float):
        from workplan_tui.model.money import format_money

        return format_money(value, names.currency)
    if name in _DATE_FIELDS and isinstance(value, str) and names.today is not None:
        try:
            return short_date(date.fromisoformat(value), today=names.today)
        except ValueError:
            pass
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return short(", ".join(value), room)
    if name == "contributions" and isinstance(value, list):
        return f"{len(value)} pledge{'' if len(value) == 1 else 's'}"
    if name == "followup" and isinstance(value, dict):
        return _followup_text(value, room)
    if isinstance(value, list):  # a list of items: how many, in words ('11 agenda items', not '[11]')
        one, many = _LIST_NOUNS.get(name, ("item", "items"))
        return f"{len(value)} {one if len(value) == 1 else many}"
    if isinstance(value, dict) and ("kind" in value or "on" in value):  # a pledge or a delivery
        return _resource_words(value, names, room)
    return short(value, room)


def _resource_words(item: dict[str, Any], names: Names, room: int) -> str:
    """A pledge as 'staff: Two gardeners, $18,000'; a delivery as '$6,000 on Sat 12 Sep'."""
    from workplan_tui.model.money import format_money

    amount = item.get("amount")
    money = format_money(amount, names.currency) if type(amount) in (int, float) else ""
    hours = item.get("hours")
    if "kind" in item:
        what = f"{clean(item.get('kind'))}: {clean(item.get('description'))}"
        value = money or (f"{hours:g} hours" if type(hours) in (int, float) else "not valued")
        return short(f"{what}, {value}", room)
    when = value_words("on", item.get("on"), names)
    worth = money or (f"{hours:g} hours" if type(hours) in (int, float) else "a delivery")
    note = f" ({clean(item.get('note'))})" if item.get("note") else ""
    return short(f"{worth} on {when}{note}", room)


def change_words(entry: Activity, names: Names | None = None, room: int = 60) -> str:
    """The entry's changes in words: 'progress 40% → 60%; status to do → doing'; an item
    added to a list ('agreed by') as what was added: 'agreed by + carol'."""
    names = names or Names()
    parts = []
    for name, pair in labelled(entry).items():
        if name == "record":
            continue
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        field = field_words(name)
        if isinstance(before, list) and isinstance(after, list) and set(map(str, before)) <= set(map(str, after)):
            joined = [v for v in after if v not in before]
            if joined and all(isinstance(v, str) for v in joined):
                parts.append(f"{field} + {short(', '.join(joined), room)}")
                continue
        if name == "followup" and isinstance(after, dict) and before is None:
            parts.append(f"follow-up: {_followup_text(after, room)}")
            continue
        if name == "followup" and isinstance(before, dict) and after is None:  # undone
            parts.append(f"follow-up taken back: {_followup_text(before, room)}")
            continue
        if name == "dates" and isinstance(before, dict) and isinstance(after, dict):
            parts.append(f"pledge #{after.get('contribution', '?')}: {_dates_text(before)} → {_dates_text(after)}")
            continue
        if name in _MEETING_LISTS and (listed := _meeting_list(name, before, after)) is not None:
            parts.append(short(listed, max(room, 60)))
            continue
        added = entry.kind.endswith(".add") or name in ("note", "checkin", "contribution", "delivery", "decision")
        if added and before in (None, "", []):  # a new record's values, an item added to a list
            parts.append(f"{field}: {value_words(name, after, names, room, unit=names.unit(entry.record))}")
            continue
        was, now = (value_words(name, v, names, room, unit=names.unit(entry.record)) for v in (before, after))
        parts.append(f"{field} {was} → {now}")
    return clean("; ".join(parts))


def _ref(entry: Activity, names: Names, changes: dict[str, Any], titled: bool = True) -> str:
    """The record an entry is about as a person names it: "T12 'Order soil'", "bob", "PARKS"."""
    record = entry.record
    if record.startswith(("member ", "partner ")):
        return clean(record.split(" ", 1)[1])
    if record == "partnership":
        return "the partnership"
    title = names.title(record) if titled else None
    if title is None and titled:
        kept = changes.get("record")
        whole = next((side for side in kept if isinstance(side, dict)), None) if isinstance(kept, list) else None
        if whole is not None:
            title = next((whole.get(k) for k in ("title", "name", "text") if isinstance(whole.get(k), str)), None)
        elif isinstance(changes.get("title"), list):
            title = changes["title"][1] or changes["title"][0]
        elif isinstance(changes.get("text"), list):
            title = changes["text"][1] or changes["text"][0]
        elif isinstance(changes.get("name"), list) and not record.startswith("partner"):
            title = changes["name"][1] or changes["name"][0]
    return clean(f"{record} '{short(title, TITLE_CELLS)}'") if title else clean(record)


def _and(items: list[str]) -> str:
    """'T9', 'T9 and T10', 'T9, T10 and T11'."""
    shown = [clean(i) for i in items]
    return ", ".join(shown[:-1]) + f" and {shown[-1]}" if len(shown) > 1 else "".join(shown)


def _repeat_words(every: object) -> str:
    """A series' repeat in words ('every Monday'); a stored value not understood, as it is."""
    from workplan_tui.model.recurrence import words

    try:
        return words(str(every))
    except ValueError:
        return clean(str(every))


def _series_ref(record: str, names: Names) -> str:
    """A series as people name it: 'S1 (every Friday)', or 'S1' when the file no longer has it."""
    found = id_of_label(record)
    series = names.workplan.series.get(found[1]) if names.workplan is not None and found is not None else None
    return f"{clean(record)} ({_repeat_words(series.every)})" if series is not None else clean(record)


def _after(changes: dict[str, Any], name: str) -> Any:
    pair = changes.get(name)
    return pair[1] if isinstance(pair, list) and len(pair) == 2 else None


def _before(changes: dict[str, Any], name: str) -> Any:
    pair = changes.get(name)
    return pair[0] if isinstance(pair, list) and len(pair) == 2 else None


_PLAN_MOVES = {
    "plan.propose": "proposed {ref}",
    "plan.activate": "made {ref} active",
    "plan.complete": "completed {ref}",
    "plan.archive": "archived {ref}",
}


def sentence(entry: Activity, names: Names | None = None, *, who: bool = True, titled: bool = True) -> str:
    """A log entry as a sentence a person would write: "bob added T41 'Call the county' for
    fatima, due Fri 20 Dec"; "carmen agreed to N1 'We notify members…'"; "alice moved T12
    'Order soil' from 40% to 60%". Without ``who``, the sentence without its subject (a notice of
    my own undo); without ``titled``, records by their label alone (a list under the record's
    own title). The board's notices and activity log, ``workplan log``, ``status``, a task's
    history and the digest all say it so."""
    names = names or Names()
    c = labelled(entry)
    ref = _ref(entry, names, c, titled)
    subject = f"{clean(entry.member)} " if who else ""
    kind = entry.kind

    def words(name: str, value: Any) -> str:
        return value_words(name, value, names)

    text: str | None = None
    if kind in ("task.add", "task.recur"):
        owner = _after(c, "owner")
        due = _after(c, "due")
        text = f"{'added' if kind == 'task.add' else 'brought round'} {ref}" + (f" for {clean(owner)}" if owner else "")
        text += f", due {words('due', due)}" if due else ""
        text += f", towards {clean(_after(c, 'outcome'))}" if _after(c, "outcome") else ""
        if kind == "task.recur" and isinstance(_after(c, "series"), str):
            text += f", the next time of {_series_ref(_after(c, 'series'), names)}"
    elif kind == "task.depends" and isinstance(c.get("waits_on"), list) and len(c["waits_on"]) == 2:
        before, after = (v if isinstance(v, list) else [] for v in c["waits_on"])
        added = [str(t) for t in after if t not in before]
        dropped = [str(t) for t in before if t not in after]
        parts = [f"wait on {_and(added)}"] if added else []
        parts += [f"{'and ' if added else ''}no longer wait on {_and(dropped)}"] if dropped else []
        text = f"made {ref} {' '.join(parts)}" if parts else None
    elif kind == "task.skip" and "due" in c:
        now, was = words("due", _after(c, "due")), words("due", _before(c, "due"))
        text = f"skipped {ref} this time: now due {now} (was {was})"
    elif kind == "task.every" and "series" in c:
        series, was = _after(c, "series"), _before(c, "series")
        if isinstance(series, str):
            text = f"made {ref} repeat, {_series_ref(series, names)}"
        elif isinstance(was, str):
            text = f"stopped {ref} repeating ({clean(was)})"
    elif kind == "series.add":
        every = _after(c, "every")
        text = f"added {clean(entry.record)}" + (f", {_repeat_words(every)}" if isinstance(every, str) else "")
    elif kind == "series.edit" and set(c) <= {"status", "every"}:
        status, every = _after(c, "status"), _after(c, "every")
        verb = {"ended": "ended", "paused": "paused", "running": "resumed"}.get(status) if status else None
        series = _series_ref(entry.record, names)
        if verb and every:
            text = f"{verb} {series}, now {_repeat_words(every)}"
        elif verb:
            text = f"{verb} {series}"
        elif isinstance(every, str):
            text = f"made {clean(entry.record)} repeat {_repeat_words(every)}"
    elif kind == "milestone.add":
        due = _after(c, "due")
        listed = [str(v) for k in ("tasks", "outcomes") if isinstance(_after(c, k), list) for v in _after(c, k)]
        text = f"added the milestone {ref}" + (f", due {words('due', due)}" if due else "")
        text += f", for {_and(listed)}" if listed else ""
    elif kind == "member.add":
        role = clean(_after(c, "role") or "member")
        text = f"added {ref} ({words('name', _after(c, 'name'))}, {clean(_after(c, 'partner'))}) as a {role}"
    elif kind == "partner.add":
        text = f"added the partner {ref} ({words('name', _after(c, 'name'))})"
    elif kind == "grant.add":
        amount = words("amount", _after(c, "amount"))
        text = f"added {ref}: {clean(_after(c, 'funder'))} gives {clean(_after(c, 'recipient'))} {amount}"
    elif kind == "outcome.add":
        unit = f" {clean(_after(c, 'unit'))}" if _after(c, "unit") else ""
        text = f"added {ref}, target {value_words('target', _after(c, 'target'))}{unit}"
    elif kind.endswith(".add"):
        text = f"added {ref}"
    elif kind == "norm.withdraw":
        text = f"withdrew {ref}"
    elif kind in REMOVAL_KINDS:
        text = f"removed {ref}"
    elif kind == "task.progress":
        after, before = _after(c, "progress"), _before(c, "progress")
        now = _after(c, "status")
        text = f"moved {ref} from {words('progress', before)} to {words('progress', after)}"
        text += f" (now {words('status', now)})" if now else ""
    elif kind == "task.status":
        status = _after(c, "status")
        if status == "blocked":
            text = f"marked {ref} blocked: {words('blocked_reason', _after(c, 'blocked_reason'))}"
        elif status == "done":
            text = f"marked {ref} done"
        elif status:
            text = f"moved {ref} to {words('status', status)}"
    elif kind == "task.assign":
        owner = _after(c, "owner")
        text = f"gave {ref} to {clean(owner)}" if owner else f"unassigned {ref}"
    elif kind == "task.due":
        due = _after(c, "due")
        text = f"set {ref} due {words('due', due)}" if due else f"cleared the due date of {ref}"
    elif kind == "task.note":
        text = f"noted on {ref}: {words('note', _after(c, 'note'))}"
    elif kind == "outcome.checkin":
        value, unit = _after(c, "checkin"), names.unit(entry.record)
        text = f"checked in {value_words('checkin', value, unit=unit)} on {ref}"
        if _before(c, "current") is not None:
            text += f" (was {value_words('current', _before(c, 'current'), unit=unit)})"
    elif kind in _PLAN_MOVES:
        text = _PLAN_MOVES[kind].format(ref=ref)
    elif kind == "plan.reopen":
        text = f"reopened {ref} ({words('status', _after(c, 'status'))})"
    elif kind == "plan.rule":
        text = f"set the buy-in rule of {ref} to {clean(_after(c, 'rule'))}"
    elif kind == "vote":
        position, before = _after(c, "vote"), _before(c, "vote")
        comment = _after(c, "comment")
        said = f": {words('comment', comment)}" if comment else ""
        if before is None:
            text = f"voted {clean(position)} on {ref}{said}"
        else:
            text = f"changed their vote on {ref} from {clean(before)} to {clean(position)}{said}"
    elif kind == "norm.agree":
        text = f"agreed to {ref}"
    elif kind == "partner.pledge":
        text = f"recorded a pledge by {ref}: {words('contribution', _after(c, 'contribution'))}"
    elif kind == "partner.deliver":
        text = f"recorded a delivery by {ref}: {words('delivery', _after(c, 'delivery'))}"
    elif kind in ("task.followup", "partner.followup") and isinstance(_after(c, "followup"), dict):
        text = f"followed up {ref} {_followup_text(_after(c, 'followup'), 60)}"
    elif kind in ("meeting.agenda", "meeting.attend", "meeting.debrief"):
        text = _meeting_words(kind, ref, c, entry.member)
    elif kind == "meeting.decide" and _after(c, "decision") is not None:
        text = f"recorded a decision at {ref}: {words('decision', _after(c, 'decision'))}"
    elif kind == "partnership.create":
        text = f"created the partnership {words('name', _after(c, 'name'))}"
    elif kind == "partnership.stage":
        text = f"set the partnership's stage to {clean(_after(c, 'stage'))}"
    elif kind == "partnership.currency":
        text = f"set the partnership's currency to {clean(_after(c, 'currency'))}"
    elif kind == "undo":
        text = _undo_words(entry, ref, c, names, who)
    if text is None and kind.startswith("task.") and set(c) == {"blocked_reason"}:  # blocked anew, another reason
        after, before = _after(c, "blocked_reason"), _before(c, "blocked_reason")
        if after:
            text = f"changed why {ref} is blocked: {words('blocked_reason', after)}"
            text += f" (was: {words('blocked_reason', before)})" if before else ""
    if text is None:  # an edit of several fields, and kinds not named above
        verb = {"conflict.settle": "settled a conflict on", "conflict.resolve": "settled a conflict on"}.get(
            kind, "changed"
        )
        what = change_words(entry, names)
        text = f"{verb} {ref}" + (f": {what}" if what else "")
    return clean(subject + text if who else text[:1].upper() + text[1:])


def _meeting_words(kind: str, ref: str, c: dict[str, Any], member: str) -> str | None:
    """A meeting's agenda or attendance changed, as a person says it: "added 'AOB' to the agenda
    of M3 'Partnership meeting'", "recorded hiro present at M3 '...'", "sent apologies
    for M3 '...'", "debriefed dan on M2 '...'"; None (the general wording) for a change of several
    items or one not understood."""
    name = "agenda" if kind == "meeting.agenda" else "attendance"
    pair = c.get(name)
    said = _meeting_list(name, *pair) if isinstance(pair, list) and len(pair) == 2 else None
    if said is None:
        return None
    said = short(said, 100)
    if name == "attendance":
        said = said.removeprefix("attendance ")
        debriefed = re.fullmatch(r"(\S+) debriefed by (\S+)", said)
        if debriefed and debriefed.group(2) == member:
            return f"debriefed {debriefed.group(1)} on {ref}"
        if debriefed:
            return f"recorded that {debriefed.group(2)} debriefed {debriefed.group(1)} on {ref}"
        if said == f"{member} apologies":
            return f"sent apologies for {ref}"
        if re.fullmatch(r"\S+ apologies", said):
            return f"recorded {said.split()[0]}'s apologies for {ref}"
        if said == f"{member} present":
            return f"was present at {ref}"
        return f"recorded {said} at {ref}"  # who, first: a long meeting title is what a narrow row cuts
    if "; " in said:
        return None
    if said.startswith("agenda + "):
        return f"added '{said.removeprefix('agenda + ')}' to the agenda of {ref}"
    if said.startswith("agenda removed: "):
        return f"took '{said.removeprefix('agenda removed: ')}' off the agenda of {ref}"
    moved = re.fullmatch(r'agenda: moved "(.*)" to (\d+)', said)
    if moved:
        return f"moved '{moved.group(1)}' to item {moved.group(2)} of the agenda of {ref}"
    return None


def _undo_words(entry: Activity, ref: str, c: dict[str, Any], names: Names, who: bool) -> str:
    """An undo in words; without ``who``, for the notice of my own undo ("Undone: T2 'Build
    beds': progress 10% → 0%")."""
    whole = c.get("record")
    if isinstance(whole, list) and len(whole) == 2:
        if whole[0] is None:
            return f"brought back {ref}" if who else f"{ref} is back"
        return f"took back the addition of {ref}" if who else f"{ref} is removed again"
    if "vote" in c and _after(c, "vote") is None:
        return f"took back their vote on {ref}" if who else f"{ref}: your vote taken back"
    taken = next((n for n in ("note", "checkin", "contribution", "delivery") if n in c and _after(c, n) is None), None)
    if taken is not None:  # an item added to a list, taken back
        item = f"{field_words(taken)} {value_words(taken, _before(c, taken), names)}"
        return f"took back the {item} of {ref}" if who else f"{ref}: the {item} taken back"
    what = change_words(entry, names)
    if not who:
        return f"{ref}: {what}" if what else ref
    return f"undid a change to {ref}" + (f": {what}" if what else "")
