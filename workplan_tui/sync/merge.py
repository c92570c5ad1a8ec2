"""The three-way merge of two copies of a partnership, whole records at a time. Pure: no I/O.

Each copy is the data file's tables (checked) and its activity log (entries with ids). The
result is always a sound partnership file and a log that goes with it:

* **Records added** on either side are kept. When both sides added a record under the same
  id, the one created first keeps it (``created_at``, a vote's ``at``, then the record's
  bytes: the same answer whichever side merges) and the other takes the next free id; every
  reference to it (a task's plan or outcome, a vote's plan, its own log entries) is updated
  and the log says so (``T41 from bob's copy is now T45``). A partner or member both sides
  added (same code or handle) is one record. A record of the common version that one side's
  history renumbered so (bob had shared T41 before the merge elsewhere) is followed to its
  new id on the other side first (``_Merge._follow_moves``). A record both sides hold that
  the common version lacks (a commit cherry-picked or squashed across) is one record, known
  by its creation entry (``_Merge._pair_twins``).
* **A field changed on one side** takes that side's value; **changed on both to different
  values** it is a conflict, recorded in the ``conflicts`` table with both values, who and
  when. The record holds the later change (by its log time) until a member settles it.
  A record removed on one side and changed on the other is kept, with a conflict on
  ``(record)``; so is a removed record that the other side still refers to.
* **Lists that grow** (a task's updates, an outcome's check-ins, a pledge's deliveries and
  follow-ups) are the union of both sides in time order without duplicates; a partner's pledges
  changed on both sides merge pledge by pledge (``_merge_pledges``: one side's new dates, the
  other's delivery), and an outcome's current value follows its
  latest check-in; a norm's agreement is the union too, unless one side reworded the norm
  (agreement was to the old words). Votes are records: both sides' are kept, and a member's
  current vote is the latest.
* **Sets** (the tasks a task waits on, a milestone's tasks and outcomes: ``records.unordered``)
  keep what either side added, once, and lose what either side took out. A dependency that
  would close a circle with the other side's (T12 waits on T9 here, T9 on T12 there) is not
  kept: the later one is left out and recorded as a conflict on that task's ``waits_on``.
  So too a facilitator made the alternate by the two copies (``_settle_roles``); a series given a
  second open instance by the two (``_flag_second_instances``) keeps both, the later with a
  conflict on ``(record)``. A merged list longer than its bound (two sides' agenda items
  together past 500) is a conflict like a field changed on both: the later side's list kept.
* **The activity log** is the common part, then both sides' new entries in time order (each
  side's changes stay in their order; entries both have come once), numbered on from the
  common part, then one entry for each renumbering and conflict.

The merge is deterministic: git runs it once for the data file and once for the log, and
both runs must agree (the data file's history marker names the merged log's length).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import orjson

from workplan_tui.model import schema
from workplan_tui.model.changes import REMOVAL_KINDS
from workplan_tui.model.contract import field_value, nested_mentions, nested_references, references
from workplan_tui.model.records import KEYED, PREFIX, id_of_label, label, record_name, table_named
from workplan_tui.model.text import clean, short


class MergeError(ValueError):
    """The copies cannot be merged (one line, saying which copy and why); nothing is written."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
BOTH: Any = _Missing()  # what _one_side gives when both sides changed a value differently


def _one_side(base: Any, ours: Any, theirs: Any) -> Any:
    """A value's three-way merge: the side that changed it (ours when both made the same change
    or neither did), or ``BOTH`` when each changed it to something else: a conflict, or a merge
    item by item where the caller knows one."""
    if _same(ours, theirs) or _same(theirs, base):
        return ours
    if _same(ours, base):
        return theirs
    return BOTH


RECORD = "(record)"  # the conflict "field" of a record one side removed and the other changed
REMOVED, KEPT = "removed", "kept"

# Lists of distinct items whose order means nothing (records.unordered): merged as sets.
SETS = schema.unordered()
# Lists whose order people chose (records.ordered: a meeting's agenda): merged item by item.
SEQUENCES = schema.ordered()
# Lists of records one per thing (records.keyed: a meeting's attendance, one entry per member):
# merged entry by entry.
KEYED_LISTS = schema.keyed()
# Lists whose items are only ever added (or the last one taken back by undo): merged as a union
# (records.appended declares them).
ITEM_LISTS = set(schema.appended())
# How the log names a change to such a list (a note or check-in logs the item, not the list).
LOGGED_AS = {field: logged_as for (_, field), logged_as in schema.appended().items()}
FIELD_OF = {logged_as: field for field, logged_as in LOGGED_AS.items()}  # "note" -> "updates"
# Tables whose records have a label people use (T12): a renumbering is logged.
LABELLED = ("tasks", "plans", "outcomes", "norms", "meetings")
# Records named by a field (a partner's code): one both sides added is one record.
NATURAL_KEYS = {table: cls.NAMED_BY for table, cls in KEYED.items() if cls.NAMED_BY}
_BOOKKEEPING = ("rev", "updated_at", "created_at")
# The most items a list may hold (records: max_length): a merged list longer is a conflict.
LIST_LIMITS = schema.list_limits()


def _too_long(table: str, name: str, value: Any) -> bool:
    limit = LIST_LIMITS.get((table, name))
    return limit is not None and isinstance(value, list) and len(value) > limit


class Copy(NamedTuple):
    """One version of the partnership: checked tables (schema 2, no in-file log) and its log."""

    data: dict[str, Any]
    log: list[dict[str, Any]]
    name: str  # "ours", "theirs", "base" or a file name, for messages


class Renumbered(NamedTuple):
    table: str
    old: int
    new: int
    side: str  # "ours" or "theirs"
    added_by: str  # who added the record on that side ("" when the log does not say)


class Result(NamedTuple):
    data: dict[str, Any]  # the merged tables, meta's history marker set to the merged log
    log: list[dict[str, Any]]
    log_bytes: bytes
    renumbered: list[Renumbered]
    conflicts: list[str]  # labels of the conflicts this merge recorded (C3)
    from_ours: int  # log entries new on each side since the common version
    from_theirs: int


def canon(value: Any) -> bytes:
    """A value's JSON with sorted keys: equal bytes, equal values (1 and 1.0 and True differ)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _same(a: Any, b: Any) -> bool:
    if a is MISSING or b is MISSING:
        return a is b
    return a == b and canon(a) == canon(b)


def time_key(at: Any) -> tuple[str, str]:
    """ISO UTC times in order, fractions included ('...:05Z' before '...:05.5Z')."""
    if not isinstance(at, str):
        return ("", "")
    return (at[:19], at[19:].rstrip("Z"))


record_label = record_name  # how the log and people name a record: T12, 'partner CITY', 'partnership'


def merge(base: Copy, ours: Copy, theirs: Copy, *, user: str, os_user: str = "") -> Result:
    """Merge ``ours`` and ``theirs`` against ``base``. Raises MergeError; never anything else
    for copies that passed the checks (``driver.load_copy``)."""
    if canon(ours.data) == canon(theirs.data) and _log_bytes(ours.log) == _log_bytes(theirs.log):
        return _unchanged(ours, base)
    if canon(theirs.data) == canon(base.data) and _log_bytes(theirs.log) == _log_bytes(base.log):
        return _unchanged(ours, base)
    if canon(ours.data) == canon(base.data) and _log_bytes(ours.log) == _log_bytes(base.log):
        return _unchanged(theirs, base)
    return _Merge(base, ours, theirs, user, os_user).run()


def _unchanged(copy: Copy, base: Copy) -> Result:
    data = _copied(copy.data)
    log = _copied(copy.log)
    payload = _log_bytes(log)
    _set_marker(data, log, payload)
    new = len({_plain_key(e) for e in log} - {_plain_key(e) for e in base.log})
    return Result(data, log, payload, [], [], new if copy.name == "ours" else 0, new if copy.name != "ours" else 0)


def _copied(value: Any) -> Any:
    return orjson.loads(orjson.dumps(value))


def _log_bytes(log: Iterable[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(e) + b"\n" for e in log)


def _set_marker(data: dict[str, Any], log: list[dict[str, Any]], payload: bytes) -> None:
    meta = data["meta"]["1"]
    meta.pop("digest", None)
    meta["history"] = {"last": log[-1]["id"] if log else 0, "bytes": len(payload)}


def _digest(value: Any) -> bytes:
    return hashlib.blake2b(canon(value), digest_size=16).digest()


def _plain_key(entry: dict[str, Any]) -> bytes:
    """An entry's identity without its id (and without following ``undoes``)."""
    return _digest({k: v for k, v in entry.items() if k != "id"})


def entry_keys(log: list[dict[str, Any]]) -> list[bytes]:
    """Each entry's identity: everything but its id, ``undoes`` as the identity of the entry it
    undoes, and how many entries just like it came before it in ``log``. The same change in two
    copies has the same identity whatever its id there; two changes that read the same (a
    member voting 'agree' twice in one second) are two, not one."""
    keys: list[bytes] = []
    by_id: dict[int, bytes] = {}
    seen: Counter[bytes] = Counter()
    for entry in log:
        fields = {k: v for k, v in entry.items() if k != "id"}
        target = fields.get("undoes")
        if type(target) is int and target in by_id:
            fields["undoes"] = by_id[target].hex()
        plain = _digest(fields)
        key = _digest([plain.hex(), seen[plain]]) if seen[plain] else plain
        seen[plain] += 1
        by_id[entry["id"]] = key
        keys.append(key)
    return keys


class _Side:
    """One side (ours or theirs) during the merge: its tables after renumbering, and its
    log entries that the common version lacks."""

    def __init__(self, name: str, copy: Copy, base_keys: set[bytes]):
        self.name = name
        self.data: dict[str, Any] = _copied(copy.data)
        keys = entry_keys(copy.log)
        self.new: list[dict[str, Any]] = [_copied(e) for e, k in zip(copy.log, keys, strict=True) if k not in base_keys]
        self.maps: dict[str, dict[int, int]] = {}
        self.changed: dict[tuple[str, str], tuple[str, str | None]] = {}  # (record, field) -> (who, when)

    def table(self, name: str) -> dict[str, Any]:
        table = self.data.get(name)
        return table if isinstance(table, dict) else {}

    def index_changes(self) -> None:
        """Who last changed each field of each record on this side, and when (from its new entries)."""
        for entry in self.new:
            who = (str(entry.get("member", "")), entry.get("at"))
            record = str(entry.get("record", ""))
            for name in entry.get("changes", {}) or ():
                self.changed[(record, name)] = who
            self.changed[(record, "*")] = who
            if entry.get("kind") in REMOVAL_KINDS:
                self.changed[(record, RECORD)] = who

    def who(self, record: str, field: str) -> tuple[str, str | None]:
        found = self.changed.get((record, LOGGED_AS.get(field, field)))
        return found or self.changed.get((record, "*")) or ("", None)

    def added_by(self, table: str, key: int) -> str:
        wanted = label(table, key)
        for entry in reversed(self.new):
            if entry.get("record") == wanted and str(entry.get("kind", "")).endswith(".add"):
                return str(entry.get("member", ""))
        return ""


class _Merge:
    def __init__(self, base: Copy, ours: Copy, theirs: Copy, user: str, os_user: str):
        self.base = _copied(base.data)
        self.base_log = base.log
        base_keys = set(entry_keys(base.log))
        self.ours = _Side("ours", ours, base_keys)
        self.theirs = _Side("theirs", theirs, base_keys)
        self.user, self.os_user = user, os_user
        self.renumbered: list[Renumbered] = []
        self.new_conflicts: list[dict[str, Any]] = []
        self.restored: list[tuple[str, int, str]] = []  # (table, key, label) kept although one side removed it
        self.merged: dict[str, Any] = {}
        # records both sides added as one (a commit cherry-picked or squashed across): table ->
        # id -> what it was before either side's own changes (see _pair_twins)
        self.twins: dict[str, dict[str, Any]] = {}

    # --- the steps ---------------------------------------------------------------------------

    def run(self) -> Result:
        self._follow_moves()
        self._pair_twins()
        self._number_new_records()
        for side in (self.ours, self.theirs):
            _remap_side(side)
            side.index_changes()
        for name in self._table_names():
            if name == "meta":
                self.merged["meta"] = self._merge_meta()
            elif name != "conflicts":
                self.merged[name] = self._merge_table(name)
        self._keep_what_is_referenced()
        self._break_circles()
        self._settle_roles()
        self._flag_second_instances()
        self.merged["conflicts"] = self._merge_table("conflicts")
        log = self._merge_log()
        conflict_labels = self._record_conflicts()
        log += self._notes(log, conflict_labels)
        if not self.merged["conflicts"] and not any(
            isinstance(c.data.get("conflicts"), dict) for c in (self.ours, self.theirs)
        ):
            del self.merged["conflicts"]  # a file that never had a conflict keeps its shape
        payload = _log_bytes(log)
        _set_marker(self.merged, log, payload)
        self._check(log)
        return Result(
            self.merged,
            log,
            payload,
            self.renumbered,
            conflict_labels,
            len(self.ours.new),
            len(self.theirs.new),
        )

    def _table_names(self) -> list[str]:
        names: dict[str, None] = {}
        for data in (self.ours.data, self.theirs.data, self.base):
            names.update(dict.fromkeys(data))
        names.pop("activity", None)
        return list(names)

    # --- records of the common version that a merge elsewhere renumbered -------------------------

    def _follow_moves(self) -> None:
        """A record of the common version that one side's history gave a new id is still that
        record: the common version and the other side take its new id before anything is compared.

        This happens when a record was shared and a merge on another clone then renumbered it
        (its clone and another both added one under that id, and the other was created first:
        ``T4 from bob's copy is now T6``). Compared by id, bob's own clone would otherwise see T4
        become someone else's task, and apply his later changes of his T4 to it. A move is
        taken from the side's ``merge.renumber`` entries (followed through later renumberings),
        and only when the record now at the new id was not created after the common version
        and was created when the common version's record was."""
        for mover, other in ((self.theirs, self.ours), (self.ours, self.theirs)):
            moves = _moves(mover, self.base, self.base_log)
            if not moves:
                continue
            base_side = _Side("base", Copy(self.base, [], "base"), set())
            used = {
                name: {
                    int(k)
                    for data in (self.base, self.ours.data, self.theirs.data)
                    for k in _table(data, name)
                    if k.isdigit()
                }
                for name in moves
            }
            for name, numbers in moves.items():
                next_id = (
                    max(
                        max(used[name], default=0),
                        _retired(self.base).get(name, 0),
                        *(_retired(c.data).get(name, 0) for c in (self.ours, self.theirs)),
                    )
                    + 1
                )
                base_rows, rows = _table(self.base, name), other.table(name)
                for old, new in sorted(numbers.items()):
                    born = _stamp(base_rows.get(str(old)))
                    base_side.maps.setdefault(name, {})[old] = new
                    if _stamp(rows.get(str(old))) == born:  # the other side has it where it was
                        other.maps.setdefault(name, {})[old] = new
                        if str(new) in rows:  # and a record of its own at the new id: it moves on
                            other.maps[name][new] = next_id
                            self.renumbered.append(
                                Renumbered(name, new, next_id, other.name, other.added_by(name, new))
                            )
                            next_id += 1
            _remap_side(base_side)
            self.base = base_side.data
            _remap_side(other)
            other.maps = {}
            # the common part of the log named the moved records by their old ids, as the merge
            # that moved them relabelled them: it does so here too, and the mover's relabelled
            # copies of those entries are then not news (else the log would say it twice)
            moved = _Side("base", Copy({}, [], "base"), set())
            moved.new, moved.maps = _copied(self.base_log), dict(base_side.maps)
            _remap_side(moved)
            self.base_log = moved.new
            known = set(entry_keys(moved.new))
            mover.new = [e for e, k in zip(mover.new, entry_keys(mover.new), strict=True) if k not in known]

    # --- records both sides added as one, without a common version to say so ------------------

    def _pair_twins(self) -> None:
        """A record the common version lacks, which both sides hold because the very change that
        added it reached each of them (a commit cherry-picked, squashed or copied across, so git
        knows no common version holding it), is one record: under one id, compared field by field.

        It is known by its creation entry (the same time, member, account, kind and fields, not
        which id it names); a merge on one side may have renumbered it, and that side's id is
        kept (the one the side that saw both gave it; the lower when both or neither did). A
        record of the other side's own under that id takes the next free one. What it was
        before either side changed it is told by the log: a field only one side's own entries
        changed takes that side's value; one both changed, or neither logged, is a conflict. A
        twin one side removed is removed, unless the other changed it since (a conflict)."""
        for name in LABELLED:
            base_rows = _table(self.base, name)
            born = {side.name: _creations(side, name, base_rows) for side in (self.ours, self.theirs)}
            pairs: list[tuple[int, int]] = []
            for signature, ids in born["ours"].items():
                pairs += list(zip(ids, born["theirs"].get(signature, []), strict=False))
            if not pairs:
                continue
            moved = {
                side.name: _renumbered_to(side, name) for side in (self.ours, self.theirs)
            }  # ids a merge on that side gave
            used = {
                int(k)
                for data in (self.base, self.ours.data, self.theirs.data)
                for k in _table(data, name)
                if k.isdigit()
            }
            next_id = (
                max(
                    max(used, default=0),
                    *(_retired(d).get(name, 0) for d in (self.base, self.ours.data, self.theirs.data)),
                )
                + 1
            )
            final: dict[str, dict[int, int]] = {"ours": {}, "theirs": {}}
            taken: set[int] = set()
            for mine, theirs in sorted(pairs):
                chosen_ours = mine in moved["ours"] and theirs not in moved["theirs"]
                chosen_theirs = theirs in moved["theirs"] and mine not in moved["ours"]
                first = mine if chosen_ours else theirs if chosen_theirs else min(mine, theirs)
                keep = next((k for k in (first, mine, theirs) if k not in taken), None)
                if keep is None:
                    continue  # ids crossed by hand: left to be told apart as any other records
                taken.add(keep)
                final["ours"][mine], final["theirs"][theirs] = keep, keep
            for side in (self.ours, self.theirs):
                moves = {old: new for old, new in final[side.name].items() if old != new}
                if not moves:
                    continue
                for key in sorted(int(k) for k in side.table(name) if k.isdigit()):
                    if key in taken and key not in final[side.name]:  # its own record where a twin goes
                        moves[key] = next_id
                        self.renumbered.append(Renumbered(name, key, next_id, side.name, side.added_by(name, key)))
                        next_id += 1
                side.maps = {name: moves}
                _remap_side(side)
                side.maps = {}
            self.twins[name] = {str(key): self._twin_base(name, key) for key in sorted(taken)}

    def _twin_base(self, name: str, key: int) -> Any:
        """What twin ``key`` of ``name`` was before either side's own changes, as far as the
        sides' logs tell (see ``_pair_twins``): MISSING for a field that is a conflict."""
        record = label(name, key)
        o, t = self.ours.table(name).get(str(key)), self.theirs.table(name).get(str(key))
        touched: dict[str, set[str]] = {}
        theirs_keys = set(entry_keys(self.theirs.new))
        ours_keys = set(entry_keys(self.ours.new))
        for side, others in ((self.ours, theirs_keys), (self.theirs, ours_keys)):
            fields: set[str] = set()
            for entry, k in zip(side.new, entry_keys(side.new), strict=True):
                if k in others or entry.get("record") != record:
                    continue
                changes = entry.get("changes")
                fields |= {FIELD_OF.get(str(n), str(n)) for n in changes} if isinstance(changes, dict) else set()
                fields.add("*")
            touched[side.name] = fields
        if o is None or t is None:  # one side removed it: unchanged since on the other, it goes
            kept = o if o is not None else t
            return kept if not touched["ours" if o is not None else "theirs"] else {}
        base: dict[str, Any] = {}
        for field in [*o, *(f for f in t if f not in o)]:
            ov, tv = o.get(field, MISSING), t.get(field, MISSING)
            if _same(ov, tv):
                base[field] = ov
            elif (name, field) in ITEM_LISTS and isinstance(ov, list) and isinstance(tv, list):
                both = {canon(i) for i in tv}
                base[field] = [i for i in ov if canon(i) in both]
            elif field in touched["theirs"] and field not in touched["ours"]:
                base[field] = ov
            elif field in touched["ours"] and field not in touched["theirs"]:
                base[field] = tv
        return base

    # --- records both sides added under one id ------------------------------------------------

    def _number_new_records(self) -> None:
        """Give the records both sides added under the same ids their final ids.

        A partner or member both added (same code or handle) is one record, under the id of the
        one created first. Other records that collide: at the lowest colliding id, the side
        whose record was created first keeps its ids; the other side's new records from that id
        on all take the next free ids, in their order (so the order of one side's records, which
        decides a member's current vote, never changes). The same answer whichever side merges.
        """
        retired: dict[str, int] = {}
        for data in (self.base, self.ours.data, self.theirs.data):
            for name, number in _retired(data).items():
                retired[name] = max(retired.get(name, 0), number)
        for name in self._table_names():
            if name == "meta":
                continue
            base = _table(self.base, name)
            new = {
                side.name: {int(k): r for k, r in side.table(name).items() if k not in base and k.isdigit()}
                for side in (self.ours, self.theirs)
            }
            if not new["ours"] or not new["theirs"]:
                continue
            sides = {"ours": self.ours, "theirs": self.theirs}
            unified = self._unify_natural(name, new, sides)
            shared = set(new["ours"]) & set(new["theirs"])
            same = {k for k in shared if _same(new["ours"][k], new["theirs"][k])} | unified
            same |= {int(k) for k in self.twins.get(name, {})}
            colliding = sorted(shared - same)
            if not colliding:
                continue
            first = colliding[0]
            ours_first = _birth(new["ours"][first]) <= _birth(new["theirs"][first])
            loser = self.theirs if ours_first else self.ours
            used = {int(k) for data in (self.base, self.ours.data, self.theirs.data) for k in _table(data, name)}
            next_id = max(max(used, default=0), retired.get(name, 0)) + 1
            for key in sorted(k for k in new[loser.name] if k >= first and k not in same):
                loser.maps.setdefault(name, {})[key] = next_id
                self.renumbered.append(Renumbered(name, key, next_id, loser.name, loser.added_by(name, key)))
                next_id += 1

    def _unify_natural(self, name: str, new: dict[str, dict[int, Any]], sides: dict[str, _Side]) -> set[int]:
        """A partner or member both sides added (same code or handle) becomes one record, under
        the id of the one created first (when that id is free on the other side)."""
        natural = NATURAL_KEYS.get(name)
        unified: set[int] = set()
        if natural is None:
            return unified
        theirs_by = {r.get(natural): k for k, r in new["theirs"].items() if isinstance(r, dict)}
        for key, record in list(new["ours"].items()):
            other = theirs_by.get(record.get(natural)) if isinstance(record, dict) else None
            if other is None or other == key:
                unified |= {key} if other == key else set()
                continue
            ours_first = _birth(record) <= _birth(new["theirs"][other])
            winner_key, loser, loser_key = (key, "theirs", other) if ours_first else (other, "ours", key)
            if winner_key in new[loser]:
                continue  # the id is another record's on that side: leave both to the checks
            sides[loser].maps.setdefault(name, {})[loser_key] = winner_key
            new[loser][winner_key] = new[loser].pop(loser_key)
            unified.add(winner_key)
        return unified

    # --- tables ---------------------------------------------------------------------------

    def _merge_table(self, name: str) -> dict[str, Any]:
        base, ours, theirs = _table(self.base, name), self.ours.table(name), self.theirs.table(name)
        base = {**self.twins.get(name, {}), **base}
        out: dict[str, Any] = {}
        for key in sorted({*base, *ours, *theirs}, key=_id_order):
            b, o, t = base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING)
            merged = self._merge_one(name, key, b, o, t)
            if merged is not MISSING:
                out[key] = merged
        return out

    def _merge_one(self, name: str, key: str, b: Any, o: Any, t: Any) -> Any:
        if o is not MISSING and t is not MISSING:
            if _same(o, t) or _same(t, b):
                return o
            if _same(o, b):
                return t
            return self._merge_fields(name, key, MISSING if b is MISSING else b, o, t)
        if b is MISSING:
            return o if o is not MISSING else t
        # removed on at least one side
        if o is MISSING and t is MISSING:
            return MISSING
        kept, keeper, remover = (t, self.theirs, self.ours) if o is MISSING else (o, self.ours, self.theirs)
        if _same(kept, b) or name == "conflicts":  # unchanged where kept (a settled conflict stays settled)
            return MISSING
        self._removal_conflict(name, key, b, kept, keeper, remover)
        return kept

    def _removal_conflict(self, name: str, key: str, b: Any, kept: Any, keeper: _Side, remover: _Side) -> None:
        record = record_label(name, int(key), kept if isinstance(kept, dict) else {})
        if any(c["record"] == record and c["field"] == RECORD for c in self.new_conflicts):
            return
        removed_by = remover.who(record, RECORD)
        kept_by = keeper.who(record, "*")
        sides = [_side(REMOVED, *removed_by), _side(KEPT, *kept_by)]
        self.new_conflicts.append(
            {"table": name, "key": int(key), "record": record, "field": RECORD, "sides": sides, "kept": 1}
        )
        self.restored.append((name, int(key), record))

    def _merge_fields(self, table: str, key: str, b: Any, o: dict[str, Any], t: dict[str, Any]) -> dict[str, Any]:
        base: dict[str, Any] = b if isinstance(b, dict) else {}
        record = record_label(table, int(key), o)
        names = [*o, *(n for n in t if n not in o)]
        out: dict[str, Any] = {}
        skip = {"rev", "updated_at"} | ({"history", "digest", "retired_ids"} if table == "meta" else set())
        for name in names:
            if name in skip:
                continue
            bv, ov, tv = base.get(name, MISSING), o.get(name, MISSING), t.get(name, MISSING)
            value: Any
            if (table, name) in ITEM_LISTS and all(isinstance(v, list) for v in (ov, tv)):
                value = _merge_items(bv if isinstance(bv, list) else [], ov, tv)
            elif (table, name) in SETS and all(isinstance(v, list) for v in (ov, tv)):
                value = _merge_set(bv if isinstance(bv, list) else [], ov, tv)
            elif (table, name) in SEQUENCES and all(isinstance(v, list) for v in (ov, tv)):
                merged = _merge_sequence(bv if isinstance(bv, list) else [], ov, tv)
                value = merged if merged is not None else self._field_conflict(table, key, record, name, bv, ov, tv)
            elif (table, name) in KEYED_LISTS and all(isinstance(v, list) for v in (ov, tv)):
                keyed = _merge_keyed(bv if isinstance(bv, list) else [], ov, tv, KEYED_LISTS[table, name])
                value = keyed if keyed is not None else self._field_conflict(table, key, record, name, bv, ov, tv)
            elif (table, name) == ("norms", "agreed_by") and all(isinstance(v, list) for v in (ov, tv)):
                value = _merge_agreement(base, o, t)
            elif name == "created_at" and not _same(ov, tv):
                stamps: list[Any] = [v for v in (ov, tv) if isinstance(v, str)]
                value = min(stamps, key=time_key) if stamps else ov
            elif (picked := _one_side(bv, ov, tv)) is not BOTH:
                value = picked
            elif (table, name) == ("partners", "contributions") and (pledges := _merge_pledges(bv, ov, tv)) is not None:
                value = pledges
            elif (table, name) == ("outcomes", "current") and _follows_checkins(o, ov) and _follows_checkins(t, tv):
                value = MISSING  # set from the merged check-ins below
            else:
                value = self._field_conflict(table, key, record, name, bv, ov, tv)
            if _too_long(table, name, value) and not _same(value, ov) and not _same(value, tv):
                # Both sides' items together pass the list's bound (each side alone was sound).
                value = self._field_conflict(table, key, record, name, bv, ov, tv)
            if value is not MISSING:
                out[name] = value
        if table == "outcomes" and "current" not in out and "current" in o:
            checkins = out.get("checkins") or []
            out["current"] = checkins[-1]["value"] if checkins else o["current"]
        if table == "meta":
            for name in ("retired_ids", "history"):
                if name in o or name in t:
                    out[name] = {}  # set later; kept in its place
        stamps = [v for v in (o.get("updated_at"), t.get("updated_at")) if isinstance(v, str)]
        if stamps:
            out["updated_at"] = max(stamps, key=time_key)
        revs = [v for v in (o.get("rev"), t.get("rev")) if type(v) is int]
        if revs:
            same_as_one = any(_same(_content(out, skip), _content(side, skip)) for side in (o, t))
            out["rev"] = min(max(revs) + (0 if same_as_one else 1), schema.MAX_ID)
        return out

    def _field_conflict(self, table: str, key: str, record: str, name: str, bv: Any, ov: Any, tv: Any) -> Any:
        """Both sides changed ``name`` to different values: record it, keep the later change."""
        mine = _side(_jsonable(ov), *self.ours.who(record, name))
        other = _side(_jsonable(tv), *self.theirs.who(record, name))
        first, second = sorted([mine, other], key=lambda s: (time_key(s["at"]), s["by"], canon(s["value"])))
        conflict: dict[str, Any] = {"table": table, "key": int(key), "record": record, "field": name}
        if bv is not MISSING:
            conflict["base"] = bv
        conflict["sides"] = [first, second]
        self.new_conflicts.append(conflict)
        later = ov if second is mine else tv
        return later

    # --- what the other side still refers to -------------------------------------------------------

    def _keep_what_is_referenced(self) -> None:
        """A record one side removed but the merged records still refer to (a task linked to an
        outcome removed on the other side) is kept, with a conflict on (record)."""
        for _ in range(100):
            missing = _dangling(self.merged)
            if not missing:
                return
            for table, wanted in missing:
                found = None
                for side, other in ((self.ours, self.theirs), (self.theirs, self.ours)):
                    key = _key_of(side.table(table), wanted)
                    if key is not None and key not in self.merged.get(table, {}):
                        found = (key, side.table(table)[key], side, other)
                        break
                if found is None:
                    return  # left for the final check to name
                key, record, keeper, remover = found
                self.merged.setdefault(table, {})[key] = record
                self.merged[table] = dict(sorted(self.merged[table].items(), key=lambda item: _id_order(item[0])))
                base = _table(self.base, table).get(key, MISSING)
                self._removal_conflict(table, key, base, record, keeper, remover)

    # --- dependencies that would go round in a circle -------------------------------------------

    def _break_circles(self) -> None:
        """Each side's dependencies were sound, but together they may close a circle (T12 waits on
        T9 in one copy, T9 on T12 in the other): the dependency of the circle added last (by its
        log time; then by ids, the same whichever side merges) is left out, and a conflict on that
        task's ``waits_on`` records both values. Never stored: a circle would stop every task in it."""
        from workplan_tui.model.schedule import find_cycle

        tasks = self.merged.get("tasks", {})
        base = _table(self.base, "tasks")
        for _ in range(1000):
            waits = {
                int(k): [v for v in r["waits_on"] if type(v) is int]
                for k, r in tasks.items()
                if k.isdigit() and isinstance(r, dict) and isinstance(r.get("waits_on"), list) and r["waits_on"]
            }
            cycle = find_cycle(waits)
            if cycle is None:
                return
            added: list[tuple[tuple[str, str], str, int, int, list[Any]]] = []
            for a, b in zip(cycle, cycle[1:], strict=False):
                before = base.get(str(a))
                if isinstance(before, dict) and b in (before.get("waits_on") or []):
                    continue  # both copies had it: not this merge's doing
                for side in (self.ours, self.theirs):
                    record = side.table("tasks").get(str(a))
                    if isinstance(record, dict) and b in (record.get("waits_on") or []):
                        who, at = side.who(label("tasks", a), "waits_on")
                        added.append((time_key(at), who, a, b, [who, at]))
            if not added:
                return  # left for the final check to name
            _, _, a, b, (who, at) = max(added, key=lambda item: (item[0], item[1], item[2], item[3]))
            record = tasks[str(a)]
            with_it = list(record["waits_on"])
            record["waits_on"] = [v for v in with_it if v != b]
            before = base.get(str(a))
            conflict: dict[str, Any] = {"table": "tasks", "key": a, "record": label("tasks", a), "field": "waits_on"}
            if isinstance(before, dict) and "waits_on" in before:
                conflict["base"] = before["waits_on"]
            others = [s for s in (self.ours, self.theirs) if isinstance(s.table("tasks").get(str(a)), dict)]
            kept_by = next((s.who(label("tasks", a), "waits_on") for s in others if b not in (
                s.table("tasks")[str(a)].get("waits_on") or [])), ("", None))  # fmt: skip
            conflict["sides"] = [_side(record["waits_on"], *kept_by), _side(with_it, who, at)]
            self.new_conflicts = [
                c for c in self.new_conflicts if (c["table"], c["key"], c["field"]) != ("tasks", a, "waits_on")
            ]
            self.new_conflicts.append(conflict)

    # --- what each copy kept sound, which together would not be -----------------------------------

    def _settle_roles(self) -> None:
        """A meeting's facilitator changed in one copy and its alternate in the other may name one
        member for both (``meetings.role_problem``): the role changed last (by its log time; then
        by member and field, the same whichever side merges) takes the other copy's value again,
        and a conflict on that field records both. Settling it the other way is refused, as any
        edit that names one member for both is."""
        from workplan_tui.model.meetings import role_problem

        base = _table(self.base, "meetings")
        for key, record in self.merged.get("meetings", {}).items():
            if not isinstance(record, dict) or not role_problem(record.get("facilitator"), record.get("alternate")):
                continue
            name = label("meetings", int(key))
            changed: list[tuple[tuple[str, str], str, str, Any, _Side]] = []
            for field in ("facilitator", "alternate"):
                for side, other in ((self.ours, self.theirs), (self.theirs, self.ours)):
                    mine, yours = side.table("meetings").get(key), other.table("meetings").get(key)
                    if not (isinstance(mine, dict) and isinstance(yours, dict)):
                        continue
                    if mine.get(field) == record.get(field) != yours.get(field):
                        who, at = side.who(name, field)
                        changed.append((time_key(at), who, field, at, other))
            if not changed:
                continue  # not this merge's doing: left for 'workplan check' to doubt
            _, who, field, at, other = max(changed, key=lambda c: (c[0], c[1], c[2]))
            left_out = record.get(field)
            back = other.table("meetings")[key].get(field)
            record[field] = back
            conflict: dict[str, Any] = {"table": "meetings", "key": int(key), "record": name, "field": field}
            if isinstance(base.get(key), dict) and field in base[key]:
                conflict["base"] = base[key][field]
            conflict["sides"] = [_side(back, *other.who(name, field)), _side(left_out, who, at)]
            self.new_conflicts = [
                c for c in self.new_conflicts if (c["table"], c["key"], c["field"]) != ("meetings", int(key), field)
            ]
            self.new_conflicts.append(conflict)

    def _flag_second_instances(self) -> None:
        """Each copy of a recurring series had at most one open instance, but both may have made
        the next (the same instance done in each copy): the merged series would have two
        (``rules.open_instances_problem``). Both are kept, as every record added is, and the one
        made later (then by id, the same whichever side merges), held by one copy only, gets a
        conflict on ``(record)``: settling it ``removed`` removes it, ``kept`` is refused while the
        other is open."""

        def open_by_series(tasks: dict[str, Any]) -> dict[int, list[str]]:
            found: dict[int, list[str]] = {}
            for key, task in tasks.items():
                if isinstance(task, dict) and type(task.get("series")) is int and task.get("status") != "done":
                    found.setdefault(task["series"], []).append(key)
            return found

        tasks = self.merged.get("tasks", {})
        ours, theirs = open_by_series(self.ours.table("tasks")), open_by_series(self.theirs.table("tasks"))
        for series, keys in sorted(open_by_series(tasks).items()):
            if len(keys) < 2 or len(ours.get(series, [])) > 1 or len(theirs.get(series, [])) > 1:
                continue  # one copy had two already (a hand edit): 'workplan check' doubts it
            keys.sort(key=lambda k: (time_key(tasks[k].get("created_at")), _id_order(k)))
            first = label("tasks", int(keys[0]))
            for key in keys[1:]:
                holders = [s for s in (self.ours, self.theirs) if key in s.table("tasks")]
                if len(holders) != 1:
                    continue  # both copies hold it: a conflict on its own fields says why it is open
                holder = holders[0]
                lacking = self.theirs if holder is self.ours else self.ours
                name = label("tasks", int(key))
                if any(c["record"] == name and c["field"] == RECORD for c in self.new_conflicts):
                    continue
                sides = [_side(REMOVED, *lacking.who(first, "*")), _side(KEPT, *holder.who(name, "*"))]
                self.new_conflicts.append(
                    {"table": "tasks", "key": int(key), "record": name, "field": RECORD, "sides": sides}
                )

    # --- the partnership record ---------------------------------------------------------------

    def _merge_meta(self) -> dict[str, Any]:
        base, ours, theirs = _table(self.base, "meta"), self.ours.table("meta"), self.theirs.table("meta")
        out: dict[str, Any] = {}
        for key in [*ours, *(k for k in theirs if k not in ours)]:
            b, o, t = base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING)
            merged = self._merge_one("meta", key, b, o, t)
            if merged is not MISSING:
                out[key] = dict(merged)
        first = out.setdefault("1", dict(ours.get("1", {})))
        retired: dict[str, int] = {}
        for data in (self.ours.data, self.theirs.data):
            for name, number in _retired(data).items():
                retired[name] = max(retired.get(name, 0), number)
        if retired:
            first["retired_ids"] = retired
        else:
            first.pop("retired_ids", None)
        first.pop("digest", None)
        return out

    # --- conflicts --------------------------------------------------------------------------------

    def _record_conflicts(self) -> list[str]:
        table = self.merged["conflicts"]
        retired = _retired(self.merged).get("conflicts", 0)
        next_id = max([retired, *(int(k) for k in table)], default=0) + 1
        at = self._merge_time()
        labels = []
        for conflict in sorted(self.new_conflicts, key=lambda c: (c["table"], c["key"], c["field"])):
            conflict.pop("kept", None)
            if conflict["table"] != "meta" and str(conflict["key"]) not in self.merged.get(conflict["table"], {}):
                continue  # its record went (removed on both sides after all)
            table[str(next_id)] = {**conflict, "at": at, "merged_by": self.user[:64]}
            labels.append(label("conflicts", next_id))
            next_id += 1
        return labels

    # --- the log ------------------------------------------------------------------------------

    def _merge_log(self) -> list[dict[str, Any]]:
        """The common part, then both sides' new entries in time order, numbered on.

        Each side's runs of entries (one change each) stay in their order and whole; a run
        both sides hold (the same change, merged into both before) comes once.
        """
        log = [dict(e) for e in self.base_log]
        next_id = max((e["id"] for e in log), default=0) + 1
        base_ids = {e["id"] for e in log}
        emitted: dict[bytes, int] = {}  # entry identity -> its id in the merged log
        maps: dict[str, dict[int, int]] = {"ours": {}, "theirs": {}}
        queues = {
            side.name: list(reversed(_groups(side.new, entry_keys(side.new)))) for side in (self.ours, self.theirs)
        }
        while queues["ours"] or queues["theirs"]:
            order = min(queue[-1][0] for queue in queues.values() if queue)
            names = [name for name, queue in queues.items() if queue and queue[-1][0] == order]
            runs = {name: queues[name].pop() for name in names}
            first = names[0]
            _, entries, keys = runs[first]
            for entry, key in zip(entries, keys, strict=True):
                if key not in emitted:
                    copy = dict(entry)
                    copy["id"] = emitted[key] = next_id
                    target = copy.get("undoes")
                    if type(target) is int and target not in base_ids:
                        copy["undoes"] = maps[first].get(target, target)
                    log.append(copy)
                    next_id += 1
                maps[first][entry["id"]] = emitted[key]
            for other in names[1:]:  # the very same run: its ids are the ones just given
                _, twins, twin_keys = runs[other]
                for entry, key in zip(twins, twin_keys, strict=True):
                    maps[other][entry["id"]] = emitted[key]
        return log

    def _merge_time(self) -> str:
        """When the merge happened, as far as the copies tell: the latest time in either log
        (so that running it twice, once for each file, gives the same bytes)."""
        times = [e.get("at") for e in (*self.base_log, *self.ours.new, *self.theirs.new)]
        return max((t for t in times if isinstance(t, str)), default="1970-01-01T00:00:00Z", key=time_key)

    def _notes(self, log: list[dict[str, Any]], conflicts: list[str]) -> list[dict[str, Any]]:
        """One log entry for each renumbering and each conflict, after everything else."""
        at = self._merge_time()
        next_id = (log[-1]["id"] if log else 0) + 1
        notes: list[dict[str, Any]] = []

        def note(kind: str, record: str, changes: dict[str, list[Any]]) -> None:
            nonlocal next_id
            entry = {"id": next_id, "at": at, "member": self.user[:64], "os_user": self.os_user[:64]}
            notes.append({**entry, "kind": kind, "record": record[:64], "changes": changes})
            next_id += 1

        for item in self.renumbered:
            if item.table not in LABELLED:
                continue
            old, new = label(item.table, item.old), label(item.table, item.new)
            whose = "our copy" if item.side == "ours" else "their copy"
            whose = f"{item.added_by}'s copy" if item.added_by else whose
            note("merge.renumber", new, {"id": [old, new], "note": [None, f"{old} from {whose} is now {new}"]})
        table = self.merged.get("conflicts", {})
        for conflict_label in conflicts:
            conflict = table[conflict_label[1:]]
            a, b = conflict["sides"]
            one, two = (self._shown(conflict["table"], conflict["field"], side["value"]) for side in (a, b))
            text = (
                f"{conflict_label}: {conflict['field']} {one} ({a['by'] or 'unknown'}) "
                f"or {two} ({b['by'] or 'unknown'}); settle with 'workplan resolve {conflict_label}'"
            )
            note("merge.conflict", conflict["record"], {"conflict": [None, text[:500]]})
        return notes

    @staticmethod
    def _shown(table: str, name: str, value: Any) -> str:
        """A side's value in the conflict's log line: references as labels, a list as its items
        (``T9, T12``), a record by its name, as ``workplan conflicts`` shows it."""
        return short(field_value(table, name, value), 40)

    # --- the result must be sound -------------------------------------------------------------

    def _check(self, log: list[dict[str, Any]]) -> None:
        from workplan_tui.store.history import entry_problem  # pure; the store package holds it

        problems = schema.validate(self.merged)
        if problems:
            raise MergeError(f"the merged partnership would not be sound ({clean(str(problems[0]))}); nothing merged")
        for entry in log:
            problem = entry_problem(entry)
            if problem:
                where = f"A{entry['id']} {problem}"
                raise MergeError(f"the merged activity log would not be sound ({where}); nothing merged")


# --- helpers ------------------------------------------------------------------------------------


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    table = data.get(name)
    return table if isinstance(table, dict) else {}


def _retired(data: dict[str, Any]) -> dict[str, int]:
    meta = _table(data, "meta").get("1")
    retired = meta.get("retired_ids") if isinstance(meta, dict) else None
    return dict(retired) if isinstance(retired, dict) else {}


def _id_order(key: str) -> tuple[int, str]:
    return (int(key), key) if key.isdigit() else (10**12, key)


def _content(record: dict[str, Any], skip: set[str]) -> dict[str, Any]:
    """A record without what the merge sets itself (its revision, last change, the marker)."""
    return {k: v for k, v in record.items() if k not in skip}


def _key_of(table: dict[str, Any], wanted: str) -> str | None:
    """The key of a record: ``"12"``, or ``"code:CITY"`` for the partner with that code."""
    if not wanted.startswith("code:"):
        return wanted if wanted in table else None
    code = wanted[5:]
    return next((k for k, r in table.items() if isinstance(r, dict) and r.get("code") == code), None)


def _stamp(record: Any) -> str | None:
    """When a record was created (``created_at``, a vote's ``at``), or None."""
    stamp = record.get("created_at", record.get("at")) if isinstance(record, dict) else None
    return stamp if isinstance(stamp, str) else None


def _moves(side: _Side, base: dict[str, Any], base_log: list[dict[str, Any]]) -> dict[str, dict[int, int]]:
    """table -> {id in the common version: id on ``side``} for the records of the common
    version that ``side``'s new log entries renumbered (see ``_Merge._follow_moves``): named by
    its ``merge.renumber`` entries (followed through later renumberings), and confirmed by the
    record's creation, which the common version logged under the old id and the renumbering
    merge relabelled with the new one."""
    chains: dict[str, dict[int, int]] = {}
    created: dict[str, set[tuple[Any, ...]]] = {}  # label -> who created it, when
    for entry in side.new:
        kind = str(entry.get("kind", ""))
        if kind.endswith(".add") and isinstance(entry.get("record"), str):
            created.setdefault(entry["record"], set()).add(_creation(entry))
        changes = entry.get("changes")
        pair = changes.get("id") if kind == "merge.renumber" and isinstance(changes, dict) else None
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair)):
            continue
        old, new, table = id_of_label(pair[0]), id_of_label(pair[1]), table_named(pair[0])
        if old is None or new is None or table is None or table != table_named(pair[1]):
            continue
        chain = chains.setdefault(table, {})
        origin = next((o for o, now in chain.items() if now == old[1]), old[1])
        chain[origin] = new[1]
    if not chains:
        return {}
    base_created: dict[str, set[tuple[Any, ...]]] = {}
    for entry in base_log:
        if str(entry.get("kind", "")).endswith(".add") and isinstance(entry.get("record"), str):
            base_created.setdefault(entry["record"], set()).add(_creation(entry))
    moves: dict[str, dict[int, int]] = {}
    for table, chain in chains.items():
        base_rows, rows = _table(base, table), side.table(table)
        for was, now in chain.items():
            if was == now or str(was) not in base_rows or str(now) in base_rows or str(now) not in rows:
                continue
            if created.get(label(table, now), set()) & base_created.get(label(table, was), set()):
                moves.setdefault(table, {})[was] = now
    return moves


def _creations(side: _Side, table: str, base_rows: dict[str, Any]) -> dict[bytes, list[int]]:
    """The records of ``table`` that ``side``'s new log entries created and the common version
    lacks, by their creation entry without the id it names: {signature: [ids, in order]}.
    A signature is the entry's time, member, account and kind, and the fields it set other than
    references (which a merge may renumber)."""
    refs = references().get(table, {})
    out: dict[bytes, list[int]] = {}
    for entry in side.new:
        record = entry.get("record")
        parsed = id_of_label(record) if isinstance(record, str) else None
        if parsed is None or table_named(record) != table or str(parsed[1]) in base_rows:
            continue
        if not str(entry.get("kind", "")).endswith(".add") or not isinstance(entry.get("changes"), dict):
            continue
        fields = {k: v for k, v in entry["changes"].items() if k not in refs}
        signature = _digest([_creation(entry), fields])
        if parsed[1] not in out.get(signature, []):
            out.setdefault(signature, []).append(parsed[1])
    return out


def _renumbered_to(side: _Side, table: str) -> set[int]:
    """The ids of ``table`` that a merge on ``side`` gave a record (its new ``merge.renumber``
    entries)."""
    out = set()
    for entry in side.new:
        changes = entry.get("changes")
        pair = changes.get("id") if entry.get("kind") == "merge.renumber" and isinstance(changes, dict) else None
        if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str) and table_named(pair[1]) == table:
            parsed = id_of_label(pair[1])
            if parsed is not None:
                out.add(parsed[1])
    return out


def _creation(entry: dict[str, Any]) -> tuple[Any, ...]:
    """Who created a record, and when, as its log entry says (not which id it names)."""
    return (entry.get("at"), entry.get("member"), entry.get("os_user"), entry.get("kind"))


def _birth(record: Any) -> tuple[tuple[str, str], bytes]:
    stamp = record.get("created_at", record.get("at")) if isinstance(record, dict) else None
    return time_key(stamp), canon(record)


def _remap_side(side: _Side) -> None:
    """Give one side's renumbered records their new ids, in its tables and its new log entries."""
    maps = side.maps
    if not maps:
        return
    for name, numbers in maps.items():
        rows = side.table(name)
        if rows:
            side.data[name] = {str(numbers.get(int(k), int(k))) if k.isdigit() else k: v for k, v in rows.items()}
    for name, refs in references().items():
        for record in side.table(name).values():
            if not isinstance(record, dict):
                continue
            for field, target in refs.items():
                value = record.get(field)
                if type(value) is int and value in maps.get(target, {}):
                    record[field] = maps[target][value]
                elif isinstance(value, list) and maps.get(target):
                    record[field] = [maps[target].get(v, v) if type(v) is int else v for v in value]
    for conflict in side.table("conflicts").values():
        mapping = maps.get(conflict.get("table"), {})
        if conflict.get("key") in mapping:
            conflict["key"] = mapping[conflict["key"]]
            if conflict["table"] in PREFIX:
                conflict["record"] = label(conflict["table"], conflict["key"])
    for name, nested in nested_references().items():  # a contribution's grant
        for record in side.table(name).values():
            for field, refs in nested.items():
                items = record.get(field) if isinstance(record, dict) else None
                for item in items if isinstance(items, list) else ():
                    for key, target in refs.items():
                        value = item.get(key) if isinstance(item, dict) else None
                        if type(value) is int and value in maps.get(target, {}):
                            item[key] = maps[target][value]
    relabel = _relabeller(maps)
    for name, lists in nested_mentions().items():  # "about P3" in a meeting's agenda and decisions
        for record in side.table(name).values():
            for field, names in lists.items():
                items = record.get(field) if isinstance(record, dict) else None
                for item in items if isinstance(items, list) else ():
                    for key in names:
                        if isinstance(item, dict) and key in item:
                            item[key] = relabel(item[key])
    for entry in side.new:
        record = entry.get("record")
        of = table_named(record)
        entry["record"] = relabel(record)
        changes = entry.get("changes")
        if not isinstance(changes, dict):
            continue
        refs = references().get(of or "", {})
        for name, pair in list(changes.items()):
            if not isinstance(pair, list) or len(pair) != 2:
                continue
            if name in refs:
                numbers = maps.get(refs[name], {})
                changes[name] = [_renumbered(v, numbers) for v in pair]
            elif name == "record":
                changes[name] = [_remap_payload(v, of, maps) for v in pair]
            elif name in ("unlinked", "unassigned"):
                changes[name] = [[relabel(x) for x in v] if isinstance(v, list) else v for v in pair]


def _relabeller(maps: dict[str, dict[int, int]]) -> Callable[[Any], Any]:
    def relabel(text: Any) -> Any:
        if not isinstance(text, str):
            return text
        parsed = id_of_label(text)
        table = table_named(text) if parsed else None
        if parsed is None or table is None or parsed[1] not in maps.get(table, {}):
            return text
        return label(table, maps[table][parsed[1]])

    return relabel


def _remap_payload(value: Any, table: str | None, maps: dict[str, dict[int, int]]) -> Any:
    """A removed record kept whole in a log entry ({"id": 41, "record": {...}}), renumbered."""
    if not isinstance(value, dict) or type(value.get("id")) is not int or not isinstance(value.get("record"), dict):
        return value
    record = dict(value["record"])
    for field, target in references().get(table or "", {}).items():
        if field in record:
            record[field] = _renumbered(record[field], maps.get(target, {}))
    return {**value, "id": maps.get(table or "", {}).get(value["id"], value["id"]), "record": record}


def _renumbered(value: Any, numbers: dict[int, int]) -> Any:
    """A reference (or a list of them) with renumbered ids replaced."""
    if type(value) is int:
        return numbers.get(value, value)
    if isinstance(value, list):
        return [numbers.get(v, v) if type(v) is int else v for v in value]
    return value


def _item_key(item: Any) -> tuple[tuple[str, str], str, bytes]:
    if isinstance(item, dict):
        return time_key(item.get("at")), str(item.get("by", "")), canon(item)
    return ("", ""), "", canon(item)


def _merge_items(base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
    """A list only added to (updates, check-ins): items either side took back are gone, the
    rest of both sides' is kept once, in time order."""
    if _same(ours, base):
        return theirs
    if _same(theirs, base):
        return ours
    base_keys = {canon(i) for i in base}
    ours_keys, theirs_keys = {canon(i) for i in ours}, {canon(i) for i in theirs}
    kept: dict[bytes, Any] = {}
    for item in [*base, *ours, *theirs]:
        key = canon(item)
        if key in kept or (key in base_keys and (key not in ours_keys or key not in theirs_keys)):
            continue
        kept[key] = item
    return sorted(kept.values(), key=_item_key)


def _merge_keyed(base: list[Any], ours: list[Any], theirs: list[Any], key: str) -> list[Any] | None:
    """A list of records one per ``key`` (records.keyed), merged entry by entry as fields are: an
    entry changed, added or taken out on one side takes that side's; the same change on both is
    one. None when both sides changed one entry differently, or an entry is not a record with its
    key once (a hand edit): then the whole list is a conflict, as any field changed on both sides.
    In the order of ``key`` (how the store keeps them)."""
    if _same(ours, base):
        return list(theirs)
    if _same(theirs, base):
        return list(ours)
    sides: list[dict[str, Any]] = []
    for items in (base, ours, theirs):
        found = {item[key]: item for item in items if isinstance(item, dict) and isinstance(item.get(key), str)}
        if len(found) != len(items):
            return None
        sides.append(found)
    b, o, t = sides
    out = []
    for name in sorted({*b, *o, *t}):
        value = _one_side(b.get(name, MISSING), o.get(name, MISSING), t.get(name, MISSING))
        if value is BOTH:
            return None
        if value is not MISSING:
            out.append(value)
    return out


def _merge_sequence(base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any] | None:
    """A list whose order people chose (records.ordered), merged item by item: an item either
    side took out is gone; an item either side added comes after the item it followed on that
    side (the last one both sides kept), its side's run of additions together; an item both
    added is kept once. The same whichever side merges: two runs after one item go in the
    order of their bytes. An item edited is one taken out and one added.

    The order of the items both kept is the side's that moved them; None (a conflict, as any
    field changed on both sides) when both moved them into different orders, or when a list
    holds one item twice (then which copy went where cannot be told)."""
    if _same(ours, base):
        return list(theirs)
    if _same(theirs, base):
        return list(ours)
    keys = [[canon(v) for v in items] for items in (base, ours, theirs)]
    if any(len(set(k)) != len(k) for k in keys):
        return None
    base_keys, ours_keys, theirs_keys = keys
    in_base, in_ours, in_theirs = set(base_keys), set(ours_keys), set(theirs_keys)
    kept = in_base & in_ours & in_theirs
    orders = [[k for k in side if k in kept] for side in keys]
    base_order, ours_order, theirs_order = orders
    if ours_order == theirs_order or theirs_order == base_order:
        order = ours_order
    elif ours_order == base_order:
        order = theirs_order
    else:
        return None
    items: dict[bytes, Any] = {}
    for side_keys, values in zip(keys, (base, ours, theirs), strict=True):
        items.update(zip(side_keys, values, strict=True))
    runs: dict[bytes | None, list[list[bytes]]] = {}  # after which kept item (None: the start)
    for side in (ours_keys, theirs_keys):
        anchor: bytes | None = None
        run: list[bytes] = []
        for k in [*side, None]:
            if k is None or k in kept:
                if run:
                    runs.setdefault(anchor, []).append(run)
                anchor, run = k, []
            elif k not in in_base:
                run.append(k)
    out: list[Any] = []
    placed: set[bytes] = set()
    for anchor_key in [None, *order]:
        if anchor_key is not None:
            out.append(items[anchor_key])
        for run in sorted(runs.get(anchor_key, [])):
            for k in run:
                if k not in placed:
                    placed.add(k)
                    out.append(items[k])
    return out


# Of a pledge, the lists only added to (an undo takes back the last): merged as a union.
PLEDGE_ITEMS = ("deliveries", "followups")


def _merge_pledges(base: Any, ours: Any, theirs: Any) -> list[Any] | None:
    """A partner's pledges changed on both sides, pledge by pledge, as records are merged: a
    pledge's deliveries and follow-ups are the union of both sides' (``_merge_items``), each other
    field (its dates, its amount) taken from the side that changed it; pledges one side added at
    the end are kept. None (the whole list is then a conflict) when the two sides cannot be laid
    over each other: a pledge removed, reordered or renamed (kind, description), pledges added on
    both sides, or a field of one pledge changed on both to different values."""
    sides = (base, ours, theirs)
    if not all(isinstance(side, list) and all(isinstance(c, dict) for c in side) for side in sides):
        return None
    known = len(base)
    for side in (ours, theirs):
        if len(side) < known or any(_pledge_is(side[i]) != _pledge_is(base[i]) for i in range(known)):
            return None
    merged: list[Any] = []
    for b, o, t in zip(base, ours, theirs, strict=False):
        pledge: dict[str, Any] = {}
        for name in dict.fromkeys([*o, *t, *b]):
            bv, ov, tv = b.get(name, MISSING), o.get(name, MISSING), t.get(name, MISSING)
            value: Any
            if name in PLEDGE_ITEMS and all(isinstance(v, list) or v is MISSING for v in (bv, ov, tv)):
                value = _merge_items(*([] if v is MISSING else v for v in (bv, ov, tv)))
                if not value and ov is MISSING and tv is MISSING:
                    value = MISSING
            elif (value := _one_side(bv, ov, tv)) is BOTH:
                return None
            if value is not MISSING:
                pledge[name] = value
        merged.append(pledge)
    added_here, added_there = ours[known:], theirs[known:]
    if added_here and added_there and not _same(added_here, added_there):
        return None
    return merged + (added_here or added_there)


def _pledge_is(pledge: dict[str, Any]) -> tuple[Any, Any]:
    """What names a pledge across copies: its kind and description."""
    return pledge.get("kind"), pledge.get("description")


def _merge_set(base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
    """A set (records.unordered): what either side added, once, less what either side took out;
    in the base's order, then the added ones in order (the same whichever side merges)."""
    if _same(ours, base):
        return list(theirs)
    if _same(theirs, base):
        return list(ours)
    gone = {canon(v) for v in base if v not in ours or v not in theirs}
    out = [v for v in base if canon(v) not in gone]
    seen = {canon(v) for v in out}
    added = {canon(v): v for v in [*ours, *theirs] if canon(v) not in seen and v not in base}
    order = sorted(added, key=lambda k: (type(added[k]) is not int, added[k] if type(added[k]) is int else 0, k))
    return out + [added[k] for k in order]


def _merge_agreement(base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]) -> list[Any]:
    """Who agreed to a norm: if one side reworded it, that side's list (agreement was to the old
    words); else everyone either side added, less anyone either side took away."""
    b, o, t = base.get("agreed_by", []), ours["agreed_by"], theirs["agreed_by"]
    reworded_o = not _same(ours.get("text"), base.get("text"))
    reworded_t = not _same(theirs.get("text"), base.get("text"))
    if reworded_o != reworded_t:
        return list(o if reworded_o else t)
    if _same(o, b):
        return list(t)
    if _same(t, b):
        return list(o)
    gone = {h for h in b if h not in o or h not in t}
    out = [h for h in b if h not in gone]
    out += sorted({h for h in [*o, *t] if h not in b and isinstance(h, str)} - set(out))
    return out


def _follows_checkins(record: dict[str, Any], current: Any) -> bool:
    checkins = record.get("checkins")
    if not isinstance(checkins, list) or not checkins or not isinstance(checkins[-1], dict):
        return False
    return _same(checkins[-1].get("value"), current)


def _side(value: Any, by: str, at: str | None) -> dict[str, Any]:
    return {"value": value, "by": by[:64], "at": at if isinstance(at, str) and schema.valid_timestamp(at) else None}


def _jsonable(value: Any) -> Any:
    return None if value is MISSING else value


def _groups(
    entries: list[dict[str, Any]], identities: list[bytes]
) -> list[tuple[tuple[Any, ...], list[dict[str, Any]], list[bytes]]]:
    """A side's new entries (and their ``entry_keys``, counted over all of them) in runs of one
    change (same time, member and account), each with its sort key: (time, member, account, the
    run's identity)."""
    runs: list[list[dict[str, Any]]] = []
    run_keys: list[list[bytes]] = []
    for entry, key in zip(entries, identities, strict=True):
        who = (entry.get("at"), entry.get("member"), entry.get("os_user"))
        if runs and (runs[-1][0].get("at"), runs[-1][0].get("member"), runs[-1][0].get("os_user")) == who:
            runs[-1].append(entry)
            run_keys[-1].append(key)
        else:
            runs.append([entry])
            run_keys.append([key])
    out = []
    for run, keys in zip(runs, run_keys, strict=True):
        first = run[0]
        order = (time_key(first.get("at")), str(first.get("member", "")), str(first.get("os_user", "")), b"".join(keys))
        out.append((order, run, keys))
    return out


def _dangling(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(table, key) of records the merged tables refer to but lack."""
    missing: list[tuple[str, str]] = []
    for name, refs in references().items():
        if name == "activity":
            continue
        for record in _table(data, name).values():
            if not isinstance(record, dict):
                continue
            for field, target in refs.items():
                value = record.get(field)
                for one in value if isinstance(value, list) else [value]:
                    wanted = (target, str(one))
                    if type(one) is int and wanted[1] not in _table(data, target) and wanted not in missing:
                        missing.append(wanted)
    codes = {p.get("code") for p in _table(data, "partners").values() if isinstance(p, dict)}
    for member in _table(data, "members").values():
        if isinstance(member, dict) and member.get("partner") not in codes:
            missing.append(("partners", f"code:{member.get('partner')}"))
    return missing
