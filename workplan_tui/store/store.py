"""The Store: read a consistent snapshot, or change the file in a locked transaction."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import orjson

from workplan_tui.model import identity, schema
from workplan_tui.model.dates import DateError, utc_now
from workplan_tui.model.records import MAX_ID, SCHEMA_VERSION, Activity, Workplan, id_of_key, label
from workplan_tui.model.rules import RuleError, member_handle, member_problem
from workplan_tui.store import layout, outside, patch
from workplan_tui.store.history import (
    Appender,
    History,
    Mark,
    activity,
    entry_problem,
    history_path_for,
    last_id_on_disk,
    mark_of,
    marker,
)
from workplan_tui.store.storage import (
    LOCK_TIMEOUT,
    InvalidFileError,
    ReadOnlyError,
    StatKey,
    StoreError,
    WaitNotice,
    current_key,
    group_reason,
    in_group,
    locked,
    os_login,
    parse,
    read_bytes,
    real_path,
    sticky_other,
    sticky_reason,
    sweep_temp_files,
    write_atomic,
)

if TYPE_CHECKING:
    from workplan_tui.store.tinydb_tables import FieldTable

Clock = Callable[[], datetime]

# The longest acting member name the activity log takes (schema: activity 'member').
MEMBER_NAME = 64

# Fields the store maintains itself; they are not "changes" worth logging.
_BOOKKEEPING = {"rev", "updated_at", "created_at"}
# The tables whose records say when they last changed (``updated_at``: a task's staleness, a
# meeting's LAST-MODIFIED in a calendar).
_DATED = ("tasks", "meetings")


class NotMemberError(StoreError):
    pass


class NotFoundError(StoreError):
    pass


class ConflictError(StoreError):
    """The record changed since the caller read it."""

    def __init__(self, message: str, record: str, current: dict[str, Any]):
        super().__init__(message)
        self.record = record
        self.current = current


os_user = os_login  # the Unix login of this process (never fails)


def requested_member() -> str | None:
    """``$WORKPLAN_USER``: the member asked for, or None. It chooses only among the members the
    login may act as (model/identity.py); every change checks it."""
    return os.environ.get("WORKPLAN_USER", "").strip() or None


def acting_member() -> str:
    """``$WORKPLAN_USER`` if set, else the Unix login (before the file says whom the login acts
    as: see ``Store.user``)."""
    return requested_member() or os_user()


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic GC while building ~100,000 acyclic objects (a 20-30 % saving)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Store:
    """One partnership file on disk. Safe to use from several processes at once."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        user: str | None = None,
        clock: Clock = utc_now,
        lock_timeout: float = LOCK_TIMEOUT,
        on_wait: WaitNotice | None = None,
        trust_seal: bool = True,
    ):
        """``trust_seal``: a file whose digest says workplan wrote it exactly is not
        checked record by record when read whole (the CLI); the board passes False and
        checks everything it reads (store/layout.py says why both are safe)."""
        self.given = Path(path)
        self.path = real_path(self.given)  # a link is resolved once: lock and write beside the real file
        self.history_path = history_path_for(self.path)
        self.trust_seal = trust_seal
        self.lock_timeout = lock_timeout
        self.on_wait = on_wait
        # Who acts: ``user`` as given (a caller that decided it, such as a browser session of
        # serve), else $WORKPLAN_USER, else whom the file binds the login to (settled on each
        # read). Every change checks that the login may act as them (Tx.require_member).
        self.login = os_user()  # the real Unix account: what the binding is checked against
        self.os_user = self.login  # what the log records as the account (serve adds "via browser")
        self._settles = user is None and requested_member() is None
        self._requested = user is None and not self._settles  # $WORKPLAN_USER, matched in any case
        self.user = user or acting_member()
        self.clock = clock
        self._cache_key: StatKey | None = None
        self._cache_raw: dict[str, Any] | None = None
        self._cache_model: Workplan | None = None
        self._cache_checked = False  # every record of _cache_raw was checked (not only sealed)
        self._cache_bytes: bytes | None = None  # the file's bytes at _cache_key (writes index them)
        self.last_log_id: int | None = None  # the activity entry of this Store's latest write
        self.last_entries: list[dict[str, Any]] = []  # every entry that write logged, in order
        # The latest transaction found the file exactly as this Store last read or wrote it
        # (nobody else wrote in between): its result may patch the caller's copy; else reload.
        self.last_write_fresh = False
        self.newer_schema: int | None = None  # set when a newer file was read with allow_newer
        self._open_tx: Tx | None = None  # the transaction under way, which nested ones join
        # The cached file as lines, to read its next version by what changed (store/patch.py):
        # kept only once ``keep_versions`` is called (the board), and made on first need.
        self._keep_versions = False
        self._version: patch.Version | None = None

    # --- reading -------------------------------------------------------------

    def _load_raw(
        self, allow_newer: bool = False, read: tuple[bytes, StatKey] | None = None
    ) -> tuple[dict[str, Any], StatKey]:
        """The file's data, parsed and checked; reuses the last parse while unchanged.

        ``allow_newer`` (for reading only) accepts a newer schema whose records this
        version can still read; ``newer_schema`` then says which. Writes never pass it.
        A sealed file (store/layout.py) is checked record by record only when
        ``trust_seal`` is off; ``read`` checks it anyway if it cannot be built.
        """
        key = current_key(self.path)
        if key is not None and key == self._cache_key and self._cache_raw is not None:
            if self.newer_schema is None or allow_newer:
                return self._cache_raw, key
        payload, key = read or read_bytes(self.path)
        old = self._version_now()
        if old is not None and (new := patch.advance(old, payload)) is not None:
            self._use_version(new, key)
            return new.data, key
        data, checked, model = self._parse_checked(payload, allow_newer)
        version = data["meta"]["1"]["schema_version"]  # only once the file is known sound
        self.newer_schema = version if version > SCHEMA_VERSION else None
        self._cache_key, self._cache_raw, self._cache_model = key, data, model
        self._cache_checked, self._cache_bytes = checked, payload
        self._version = None  # made from these bytes when first needed
        self.settle_user(data)
        return data, key

    def keep_versions(self) -> None:
        """From now on read each newer version of the file by what changed in it, sharing every
        unchanged record with the version cached (store/patch.py): for the board, which reads
        the file again at every change and redraws what changed. Only with every record
        checked (``check_everything``); a version that cannot be read so is read whole."""
        self._keep_versions = True

    def _version_now(self) -> patch.Version | None:
        """The cached file as a ``patch.Version``, when versions are kept and it can be one
        (sealed, this schema, every record checked and built); made once per version."""
        payload, data, model = self._cache_bytes, self._cache_raw, self._cache_model
        if not self._keep_versions or payload is None or data is None or model is None or not self._cache_checked:
            return None
        if self.newer_schema is not None or data["meta"]["1"]["schema_version"] != SCHEMA_VERSION:
            return None
        version = self._version
        if version is None or version.payload is not payload:
            version = self._version = patch.version_of(payload, data, model)
        return version

    def _use_version(self, version: patch.Version, key: StatKey) -> None:
        """Cache ``version`` (read by what changed) as the file at ``key``."""
        self._cache_key, self._cache_raw, self._cache_model = key, version.data, version.workplan
        self._cache_checked, self._cache_bytes, self._version = True, version.payload, version
        self.newer_schema = None
        self.settle_user(version.data)

    def reader(self) -> Store:
        """A Store of the same file and member, for reading it again in another thread from
        what this one holds (a newer version is read by what changed); ``adopt`` takes its
        read back. Neither changes what the other holds in place."""
        copy = Store(self.given, user=self.user, clock=self.clock, trust_seal=self.trust_seal)
        copy._settles, copy.login, copy.os_user = self._settles, self.login, self.os_user
        copy._cache_key, copy._cache_raw, copy._cache_model = self._cache_key, self._cache_raw, self._cache_model
        copy._cache_checked, copy._cache_bytes = self._cache_checked, self._cache_bytes
        copy.newer_schema, copy._keep_versions, copy._version = self.newer_schema, self._keep_versions, self._version
        return copy

    def settle_user(self, data: dict[str, Any]) -> None:
        """With no member asked for, act as whom the file binds this login to (the member of
        that handle, else the one member whose accounts include it; else the login itself,
        which changes nothing); with ``$WORKPLAN_USER``, the member it names in any case.
        Cheap: the members table only."""
        members = data.get("members")
        if not members:
            return
        if self._requested:  # WORKPLAN_USER=Bob acts as bob (rules.member_handle), if bound to them
            handles = [m.get("handle") for m in members.values() if isinstance(m, dict)]
            self.user = member_handle(self.user, [h for h in handles if isinstance(h, str)]) or self.user
            return
        if not self._settles:
            return
        binds = identity.raw_bindings(members.values())
        self.user = identity.default_member(binds, self.login) or self.login

    def acting_name(self) -> str:
        """Who this Store is named as in what needs no member (a sync's merge and commit):
        ``identity.acting_as`` over the file's members; the login itself when the file cannot
        be read."""
        try:
            members = self._load_raw(allow_newer=True)[0].get("members") or {}
        except StoreError:
            members = {}
        return identity.acting_as(identity.raw_bindings(members.values()), self.login, self.user)

    def _parse_checked(self, payload: bytes, allow_newer: bool) -> tuple[dict[str, Any], bool, Workplan | None]:
        """``payload`` parsed and checked: (data, whether every record was checked, its records
        when they were: checking builds them). A sealed file is checked record by record only
        when ``trust_seal`` is off. Raises StoreError."""
        sealed = layout.verify(payload)
        with _no_gc():
            data = parse(self.path, payload, sealed=sealed)
            checked = not (sealed and self.trust_seal)
            model = self._check(data, allow_newer, whole=checked)
        return data, checked, model

    def _check(self, data: Any, allow_newer: bool, *, whole: bool) -> Workplan | None:
        """The records of ``data`` when ``whole`` (every record checked as it is built), else
        None (only the version and the meta record checked). Raises InvalidFileError for a
        file this version cannot use."""
        model = None
        try:
            if whole:
                model = schema.load(data, allow_newer=allow_newer)
                problems = []
            else:
                problems = schema.check_version(data, allow_newer=allow_newer)
            if not problems and not whole:
                problem = schema.record_problem("meta", data["meta"]["1"])
                problems = [schema.Problem("partnership (meta)", problem)] if problem else []
        except schema.NewerSchemaError as exc:
            raise InvalidFileError(f"{self.path}: {exc.problems[0].message}", exc.problems) from None
        except schema.SchemaError as exc:
            problems = exc.problems
        if problems:
            more = f" (+{len(problems) - 1} more; run 'workplan check')" if len(problems) > 1 else ""
            raise InvalidFileError(f"{self.path}: {problems[0]}{more}", problems)
        return model

    def read(self, *, allow_newer: bool = False) -> Workplan:
        """A snapshot of the whole partnership (treat it as read-only). Raises StoreError."""
        data, key = self._load_raw(allow_newer)
        return self._model_of(data, key, allow_newer)

    def read_with_history(self, *, allow_newer: bool = False) -> tuple[Workplan, History]:
        """A snapshot and the activity log that goes with exactly it, from one read of the file.

        A writer replaces the file in one rename, with the log's commit marker inside
        (store/history.py): taken from the same bytes, the data and "the log up to here"
        always agree. Read one after the other (``read``, then ``history``), another
        process may write in between, and a board would announce a change it does not
        show, then never show it (or show a change it never announces). Raises StoreError.
        """
        data, key = self._load_raw(allow_newer)
        return self._model_of(data, key, allow_newer), self.history_of(data)

    def read_by_change(self, *, most: int) -> tuple[Workplan, History] | None:
        """The file's newer version and its log, as ``read_with_history`` gives them, when it can
        be read by what changed from the version held (store/patch.py) and is at most ``most``
        bytes long; else None, having changed nothing held: read it with ``read_with_history``
        (whole, or in a thread). What it costs is a read of the bytes, a comparison and the
        records that changed: about a millisecond at 1,000 tasks. Raises StoreError when the
        file cannot be read (as ``read_with_history`` would)."""
        old = self._version_now()
        key = current_key(self.path)
        if old is None or key is None or key[3] > most:
            return None
        payload, key = read_bytes(self.path)
        new = patch.advance(old, payload) if len(payload) <= most else None
        if new is None:
            return None
        self._use_version(new, key)
        return new.workplan, self.history_of(new.data)

    def _model_of(self, data: dict[str, Any], key: StatKey, allow_newer: bool) -> Workplan:
        """The records of ``data`` (the cached parse at ``key``), built once per version of the file."""
        if self._cache_model is None or self._cache_key != key:
            with _no_gc():
                try:  # a sealed file workplan wrote: its plain checks were made when it was written
                    self._cache_model = schema.build(data, sealed=not self._cache_checked)
                except schema.SchemaError:  # a forged seal: say what is wrong
                    self._cache_model = self._check(data, allow_newer, whole=True)
        assert self._cache_model is not None
        return self._cache_model

    def outside_edit(self) -> outside.OutsideEdit | None:
        """The change made to the file outside workplan since its last write (store/outside.py),
        as of the last read; None when there is none (or nothing was read yet)."""
        data, payload = self._cache_raw, self._cache_bytes
        if data is None or payload is None or data["meta"]["1"]["schema_version"] < 2:
            return None
        if self._version is not None and self._version.payload is payload:
            return None  # read by what changed: sealed, so exactly as workplan wrote it
        return outside.detect(self.path, payload, data)

    def raw(self) -> dict[str, Any]:
        """The file's tables as stored, checked (treat as read-only): for what the records
        do not carry, such as the conflicts a merge recorded. Raises StoreError."""
        return self._load_raw()[0]

    def history(self) -> History:
        """The activity log that goes with the file as it is now (see store/history.py).

        Of a sealed file only the meta record is parsed (``workplan log`` reads no tasks).
        A file that changed since the last read is read for its log only: the cached
        snapshot stays as it was, so ``changed_on_disk`` still says the caller's copy is
        old (a board asking for the log must not lose its next reload).
        """
        key = current_key(self.path)
        if self._cache_raw is None or key != self._cache_key:
            payload, _ = read_bytes(self.path)
            lazy = layout.index(payload, schema.record_problem)
            try:
                meta = lazy["meta"]["1"] if lazy is not None else None
            except (KeyError, layout.LayoutError):
                meta = None
            if meta is not None and meta.get("schema_version") == SCHEMA_VERSION:
                return History(self.history_path, mark_of(meta))
            data, _, _ = self._parse_checked(payload, allow_newer=True)  # not cached: see above
            return self.history_of(data)
        return self.history_of(self._cache_raw)

    def last_read_history(self) -> History | None:
        """The activity log of the snapshot last read (what a board shows), or None before
        any read: for a board whose file cannot be read now (a hand edit half saved)."""
        return None if self._cache_raw is None else self.history_of(self._cache_raw)

    def history_of(self, data: dict[str, Any], *, pending: list[Activity] | None = None) -> History:
        """The activity log that goes with ``data`` (a checked parse of this file)."""
        meta = data["meta"]["1"]
        if meta["schema_version"] < 2:  # schema 1: the log is still inside the file
            legacy = _legacy_entries(data)
            return History(self.history_path, Mark(), [*(activity(e) for e in legacy), *(pending or ())])
        return History(self.history_path, mark_of(meta), pending or ())

    def recheck(self) -> StoreError | None:
        """After an unexpected failure on data read without checking every record (a sealed
        file, trusted): the file's first problem as a one-line error, or None when it is sound."""
        if self._cache_raw is None or self._cache_checked:
            return None
        try:
            self._check(self._cache_raw, True, whole=True)
        except StoreError as exc:
            return exc
        return None

    def check_everything(self) -> None:
        """From now on check every record read, sealed or not (the board's choice)."""
        self.trust_seal = False
        if not self._cache_checked:
            self._forget()

    def changed_on_disk(self) -> bool:
        return current_key(self.path) != self._cache_key

    def read_only_reason(self) -> str | None:
        """Why I cannot change this file, or None when I can."""
        if self.newer_schema is not None:
            return f"written by a newer workplan (schema {self.newer_schema}); upgrade workplan to change it"
        return self._permission_reason()

    def _permission_reason(self) -> str | None:
        """Why the operating system will not let me replace the file, or None."""
        try:
            if os.statvfs(self.path.parent).f_flag & os.ST_RDONLY:
                return f"the file system holding {self.path.parent} is read-only"
        except OSError:
            pass
        if not os.path.lexists(self.path):  # not a permission: os.access says no for a missing file too
            return f"{self.path.name} is no longer in {self.path.parent} (moved or deleted?)"
        if not os.access(self.path, os.W_OK):
            return f"you have no write permission on {self.path.name}"
        if not os.access(self.path.parent, os.W_OK):
            return f"you cannot write in the folder {self.path.parent}"
        if sticky_other(self.path):
            return sticky_reason(self.path)
        try:
            gid = os.stat(self.path).st_gid
        except OSError:
            return None
        if not in_group(gid):
            return group_reason(gid)
        if os.path.lexists(self.history_path) and not os.access(self.history_path, os.W_OK):
            return f"you have no write permission on {self.history_path.name} (the activity log)"
        return None

    def adopt(self, other: Store) -> bool:
        """Take over another Store's fresh snapshot of the same file (read in a thread).

        Only when it is still what is on disk: an older snapshot never replaces a newer one.
        """
        if other._cache_key is None or other._cache_key != current_key(self.path):
            return False
        if other._cache_key == self._cache_key:
            return True  # read here meanwhile (a change of mine, ctrl+r): keep what is shown
        self._cache_key, self._cache_raw, self._cache_model = other._cache_key, other._cache_raw, other._cache_model
        self._cache_checked, self._cache_bytes = other._cache_checked, other._cache_bytes
        self.newer_schema, self._version = other.newer_schema, other._version
        self.user = other.user
        return True

    # --- writing -------------------------------------------------------------

    def create(self, name: str, purpose: str = "") -> None:
        """Write a new, empty partnership file; refuses to replace an existing one.

        In a group-shared folder (setgid or group-writable) the file is group-readable
        and -writable whatever the creator's umask. Raises StoreError.
        """
        if os.path.islink(self.given):
            raise StoreError(f"{self.given}: already exists (a symbolic link); not overwriting it")
        with self._locked():
            if os.path.lexists(self.path):
                raise StoreError(f"{self.path}: already exists; not overwriting it")
            now = iso(self.clock())
            data: dict[str, Any] = {
                "meta": {
                    "1": {
                        "schema_version": SCHEMA_VERSION,
                        "name": name,
                        "purpose": purpose,
                        "stage": "forming",
                        "created_at": now,
                        "rev": 1,
                    }
                }
            }
            for table in schema.CREATED_TABLES:
                data[table] = {}
            first = {
                "id": 1,
                "at": now,
                "member": self.user,
                "os_user": self.os_user,
                "kind": "partnership.create",
                "record": "partnership",
                "changes": {"name": [None, name]},
            }
            self._remember(data, *self._commit(data, Mark(), [first], "the new partnership", fresh=0))

    def write_new(self, data: dict[str, Any]) -> None:
        """Write ``data`` (schema 1 or 2 tables, checked by the caller) as this new file and its log.

        For copies such as the demo; the caller holds the lock. Raises StoreError.
        """
        legacy = _legacy_entries(data)
        data.pop("activity", None)
        data["meta"]["1"]["schema_version"] = SCHEMA_VERSION
        self._commit(data, Mark(), legacy, "the new partnership", fresh=len(legacy))

    def _commit(
        self, data: dict[str, Any], mark: Mark, entries: list[dict[str, Any]], what: str, *, fresh: int | None = None
    ) -> tuple[StatKey, bytes]:
        """Append ``entries`` to the log, then replace the data file with the new marker (the
        commit); returns the new file's identity and bytes. ``fresh``: the data file had no
        log (new, or schema 1 whose old log is the first ``fresh`` entries), so an existing
        log file is refused, never appended to (history.Appender.write)."""
        appender = Appender(self.history_path, self.path)
        try:
            if entries:
                mark = appender.write(mark, entries, what, fresh=fresh)
            data["meta"]["1"]["history"] = marker(mark)
            try:
                payload = layout.serialize(data)
            except (TypeError, ValueError) as exc:  # orjson: not JSON, nesting too deep
                raise StoreError(f"{self.path}: {what} was not saved: it cannot be written as JSON ({exc})") from None
            key = write_atomic(self.path, payload, what=what)
            meta = data["meta"]["1"]  # the records kept are the file's, seal included (last, as written)
            meta.pop("digest", None)
            meta["digest"] = layout.digest_of(payload)
        except BaseException:
            appender.rollback()
            raise
        appender.close()
        outside.remember(self.path, payload)  # what this write made: an edit after it is seen
        return key, payload

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """Lock, reload, let the caller change records, then replace the file atomically.

        Nothing is written if the block raises. Keep the block short: the lock is
        held throughout, so never wait for a person inside it. A schema 1 file moves
        its activity log to the side file on its first write (store/history.py).
        Actions run inside an open transaction of the same Store join it: several changes
        (``task done T10 T16``) are then written together, or none of them.
        """
        if self._open_tx is not None:  # inside another transaction of this Store: one change, one write
            yield self._open_tx
            return
        if not os.path.lexists(self.path):
            read_bytes(self.path)  # raises the clear "no file" error
        reason = self._permission_reason()
        if reason:
            raise ReadOnlyError(f"{self.path}: read-only for you: {reason}")
        self.last_log_id = None  # set again only if this transaction logs a change
        self.last_entries = []
        self.last_write_fresh = False  # set under the lock, by what the transaction finds
        with self._locked():
            sweep_temp_files(self.path)  # under the lock any temp file is an orphan of a killed writer
            whole = True  # until known: the data read may be the cached parse, changed in place
            try:
                data, whole, base, payload = self._load_for_write()
                meta = data["meta"]["1"]
                legacy = _legacy_entries(data) if meta["schema_version"] < 2 else []
                mark = mark_of(meta) if not legacy and meta["schema_version"] >= 2 else Mark()
                self.settle_user(data)
                edited = outside.detect(self.path, payload, data) if whole and not legacy else None
                tx = Tx(self, data, mark, legacy, edited)
                self._open_tx = tx
                try:
                    yield tx
                finally:
                    self._open_tx = None
                if tx.storage.dirty or tx.entries:
                    tx.validate_touched()
                    migrating = meta["schema_version"] < 2
                    if migrating:
                        data.pop("activity", None)
                        meta["schema_version"] = SCHEMA_VERSION
                    key, payload = self._commit(
                        data,
                        mark,
                        [*legacy, *tx.outside_entries, *tx.entries],
                        tx.summary(),
                        fresh=len(legacy) if migrating else None,
                    )
                    old = self._version_now()  # the file as last read, to read what I wrote by what changed
                    if old is not None and (new := patch.advance(old, payload)) is not None:
                        self._use_version(new, key)
                    else:
                        if not whole and base is not None:  # bring the parse of the old bytes up to date
                            if self._keep_versions:  # a version is never changed in place (store/patch.py)
                                base = dict(base)
                            for name, table in data.items():
                                if isinstance(table, layout.LazyTable):
                                    parsed = base.get(name, {})
                                    base[name] = dict(parsed) if self._keep_versions else parsed
                                    table.apply_to(base[name])
                                elif name not in base:  # a table this change made (a file's first milestone)
                                    base[name] = table
                        self._remember(data if whole else base, key, payload)
                    self.last_log_id = tx.last_log
                    self.last_entries = list(tx.entries)
            except layout.LayoutError as exc:
                self._forget()
                raise InvalidFileError(f"{self.path}: {exc}; run 'workplan check'") from None
            except (StoreError, RuleError, DateError, schema.SchemaError):
                if whole:
                    self._forget()  # the cached data may hold half-applied changes
                raise
            except Exception:
                self._forget()
                if not whole:  # a sealed file read lazily: is a forged record behind it?
                    self._check(data, False, whole=True)
                raise

    def _load_for_write(self) -> tuple[dict[str, Any], bool, dict[str, Any] | None, bytes]:
        """The data to change: (data, whole, base, the file's bytes); sets ``last_write_fresh``
        (the lock is held).

        A sealed file is indexed, not parsed (``whole`` False): only the records the
        change reads are parsed, each checked as it is. ``base`` is then the cached
        parse of the same bytes, if any, for the caller to bring up to date after the
        write (the board changes a record without parsing 10,000 again). Anything
        else is parsed and checked whole (``whole`` True, ``base`` None).
        """
        key = current_key(self.path)
        self.last_write_fresh = key is not None and key == self._cache_key
        fresh = self.last_write_fresh and self.newer_schema is None
        read: tuple[bytes, StatKey]
        if fresh and key is not None and self._cache_bytes is not None:
            read, base = (self._cache_bytes, key), self._cache_raw
        else:
            read, base = read_bytes(self.path), None
        lazy = layout.index(read[0], schema.record_problem)
        if lazy is not None:
            meta = lazy["meta"]["1"]  # checked as it is parsed
            if meta["schema_version"] >= 2:
                self._check({"meta": {"1": meta}}, False, whole=False)
                return lazy, False, base, read[0]
        if fresh and self._cache_raw is not None:
            return self._cache_raw, True, None, read[0]
        data, _ = self._load_raw(read=read)
        return data, True, None, read[0]

    def lock(self) -> Any:
        """Hold the file's lock for work that replaces the file outside a transaction (a sync
        bringing in a merge writes the data file and its log as a transaction does)."""
        return self._locked()

    def _locked(self) -> Any:
        """The file's lock, once the acting member's name is known to fit the log."""
        if not 0 < len(self.user) <= MEMBER_NAME:
            raise StoreError(
                f"the acting member's name is {len(self.user)} characters long; 1 to {MEMBER_NAME} allowed "
                "(set WORKPLAN_USER to your handle)"
            )
        return locked(self.path, self.lock_timeout, self.on_wait)

    def _remember(self, data: dict[str, Any] | None, key: StatKey, payload: bytes) -> None:
        # What a transaction wrote is as checked as what it read, plus its checked changes.
        self._cache_key, self._cache_raw, self._cache_model, self._cache_bytes = key, data, None, payload
        self._version = None
        if data is None:
            self._cache_checked = False

    def _forget(self) -> None:
        self._cache_key = self._cache_raw = self._cache_model = self._cache_bytes = None
        self._cache_checked = False
        self._version = None


# How far the marker's last id may run ahead of the log's real last entry (a log cut
# short by hand) before it is taken for a typing mistake and the log's own count wins.
_MARKER_SLACK = 1_000_000


def _latest_time(log: Path, mark: Mark) -> str | None:
    """The time of the log's last committed entry (read backwards: one line), or None."""
    try:
        for entry in History(log, mark).newest():
            return entry.at
    except StoreError:
        return None
    return None


def _legacy_entries(data: dict[str, Any]) -> list[dict[str, Any]]:
    """A schema 1 file's in-file activity log as log lines, oldest first (ids kept)."""
    table = data.get("activity") or {}
    return [{"id": int(key), **table[key]} for key in sorted(table, key=int)]


# The largest record a removal keeps in its log entry (a log line is read up to 1 MB).
REMOVE_LIMIT = 512 * 1024


def _stale(name: str, current: dict[str, Any], expected_rev: Any) -> str:
    """The refusal of a change made on a stale copy of a record."""
    return (
        f"{name} was changed by someone else since you opened it "
        f"(now at revision {current.get('rev', 1)}, yours was {expected_rev}); nothing changed"
    )


class Tx:
    """One change to the file, made while holding its lock."""

    def __init__(
        self,
        store: Store,
        data: dict[str, Any],
        mark: Mark,
        legacy: list[dict[str, Any]],
        edited: outside.OutsideEdit | None = None,
    ):
        self.store = store
        self.mark = mark
        self.legacy = legacy
        self.entries: list[dict[str, Any]] = []  # this change's new log entries
        # After the marker and after whatever the log file really holds: ids are never reused,
        # even when the marker or the log was edited by hand.
        # (A marker far beyond the log, 999999999 typed by hand, would block every write.)
        on_disk = 0 if legacy else last_id_on_disk(store.history_path)
        marked = mark.last if mark.last <= on_disk + _MARKER_SLACK or not on_disk else 0
        self._next_log = max(marked, on_disk, legacy[-1]["id"] if legacy else 0) + 1
        # An edit made outside workplan since the last write (store/outside.py): logged first,
        # by this write, if it writes anything.
        self.outside_entries: list[dict[str, Any]] = []
        if edited is not None:
            latest = max((e["at"] for e in legacy[-1:]), default=None) or _latest_time(store.history_path, mark)
            self.outside_entries = edited.entries(self._next_log, latest, iso(store.clock()))
            self._next_log += len(self.outside_entries)
        from tinydb import TinyDB  # only for changes: a read never loads TinyDB

        from workplan_tui.store.tinydb_tables import FieldTable, SharedJSONStorage

        self.storage = SharedJSONStorage(data)
        # A fresh TinyDB per transaction: no stale cached next-id or query cache.
        self.db = TinyDB(storage=lambda: self.storage)  # type: ignore[arg-type]
        self.db.table_class = FieldTable
        self.now = iso(store.clock())
        self.user = store.user
        self._touched: set[tuple[str, str]] = set()
        self._model: Workplan | None = None
        self.last_log: int | None = None
        self._logged: list[str] = []  # "T12 progress" for each change, to say what was not saved

    def summary(self) -> str:
        """What this transaction changes, for an error message: 'T12 progress', 'the change'."""
        if not self._logged:
            return "the change"
        more = f" (+{len(self._logged) - 3} more)" if len(self._logged) > 3 else ""
        return ", ".join(self._logged[:3]) + more

    @property
    def data(self) -> dict[str, Any]:
        return self.storage.data

    def history(self) -> History:
        """The activity log as it stands inside this transaction (this change's entries last)."""
        pending = [activity(e) for e in (*self.outside_entries, *self.entries)]
        if self.legacy:
            return History(self.store.history_path, Mark(), [*(activity(e) for e in self.legacy), *pending])
        return History(self.store.history_path, self.mark, pending)

    def workplan(self) -> Workplan:
        """The partnership as it stands inside this transaction."""
        if self._model is None:  # every record read was checked as it was read (or as the file was)
            self._model = schema.build(self.data, sealed=True)
        return self._model

    def require_member(self, *, even_if_none: bool = False) -> None:
        """Refuse (NotMemberError) a change the login may not make as ``user``
        (``rules.member_problem``: only members change a file that has members, each from a
        Unix account bound to them; anyone may set up an empty one, but with ``even_if_none``
        only a member may, members or not)."""
        binds = identity.raw_bindings(self.data.get("members", {}).values())
        problem = member_problem(self.user, binds, self.store.login, even_if_none=even_if_none)
        if problem is not None:
            raise NotMemberError(problem)

    def get(self, table: str, doc_id: int) -> dict[str, Any]:
        record = self.data.get(table, {}).get(str(doc_id))
        if record is None:
            raise NotFoundError(f"no {table[:-1]} {label(table, doc_id)} in {self.store.path.name}")
        return record

    def insert(
        self,
        table: str,
        fields: dict[str, Any],
        *,
        kind: str | None = None,
        record: str | None = None,
        log: bool = True,
    ) -> int:
        """Add a record (rev 1, timestamps) and log it; returns its id."""
        doc = dict(fields)
        doc["rev"] = 1
        if table != "votes":
            doc.setdefault("created_at", self.now)
        if table in _DATED:
            doc["updated_at"] = self.now
        rows = self._rows(table)
        # Past every id in the table and every id ever removed from it: an id names one record, ever
        # (the log's history of T12, and undoing its removal, must never meet another T12).
        doc_id = max(rows.next_id(), self._retired().get(table, 0) + 1)
        rows.insert_at(doc_id, doc)
        self._touched.add((table, str(doc_id)))
        self._model = None
        if not log:
            return doc_id
        logged = {k: [None, v] for k, v in fields.items() if k not in _BOOKKEEPING and v not in (None, "", [])}
        self.log(kind or f"{table[:-1]}.add", record or label(table, doc_id), logged)
        return doc_id

    def update(
        self,
        table: str,
        doc_id: int,
        changes: dict[str, Any],
        *,
        kind: str,
        record: str | None = None,
        expected_rev: int | None = None,
        undoes: int | None = None,
        logged: dict[str, list[Any]] | None = None,
    ) -> dict[str, list[Any]]:
        """Change some fields of one record (others, known or not, stay as they are).

        Bumps the record's revision and logs before -> after, or ``logged`` instead
        (an item appended to a list logs as the item, not as two copies of the list,
        so a log entry's size never grows with the record's history). With
        ``expected_rev``, refuses (ConflictError) when someone changed the record since.
        """
        current = self.get(table, doc_id)
        name = record or label(table, doc_id)
        if expected_rev is not None and current.get("rev", 1) != expected_rev:
            raise ConflictError(_stale(name, current, expected_rev), name, dict(current))
        # A field the record lacks (an older file) was its declared default: a list is [], not null
        # (undo puts the "before" back, and null is no list).
        before = {k: current[k] if k in current else schema.default_of(table, k) for k in changes}
        diff = {k: [before[k], v] for k, v in changes.items() if before[k] != v}
        if not diff:
            return {}
        log_extra = {"undoes": undoes} if undoes is not None else {}
        fields = {k: v for k, v in changes.items() if k in diff}
        fields["rev"] = current.get("rev", 1) + 1
        if table in _DATED:
            fields["updated_at"] = self.now
        self.db.table(table).update(fields, doc_ids=[doc_id])
        self._touched.add((table, str(doc_id)))
        self._model = None
        self.log(kind, name, diff if logged is None else logged, **log_extra)
        return diff

    def remove(
        self,
        table: str,
        doc_id: int,
        *,
        kind: str,
        record: str | None = None,
        expected_rev: int | None = None,
        changes: dict[str, list[Any]] | None = None,
        undoes: int | None = None,
        log: bool = True,
    ) -> dict[str, Any]:
        """Take a record out of its table; returns it as it was (``undoes``: the id of the
        entry this removal undoes, when it undoes an addition; without ``log`` the caller logs
        the change in its own words, as undoing a first vote does).

        The whole record and its id go into the log entry (``{"record": [{"id": 12,
        "record": {...}}, None]}``, plus ``changes`` the caller adds), so ``undo`` can put it
        back as it was; its id is retired, never given to a new record. With
        ``expected_rev``, refuses (ConflictError) when someone changed it since.
        """
        current = self.get(table, doc_id)
        name = record or label(table, doc_id)
        if expected_rev is not None and current.get("rev", 1) != expected_rev:
            raise ConflictError(_stale(name, current, expected_rev), name, dict(current))
        removed = dict(current)
        size = len(orjson.dumps(removed))
        if size > REMOVE_LIMIT:
            raise RuleError(
                f"{name} is too large to keep in the log for undo ({size // 1024} KB; at most "
                f"{REMOVE_LIMIT // 1024} KB); nothing removed"
            )
        self._rows(table).remove_id(doc_id)
        self._touched.discard((table, str(doc_id)))
        retired = self._retired()
        if retired.get(table, 0) < doc_id:
            meta = self.data["meta"]["1"]
            meta["retired_ids"] = {**retired, table: doc_id}
            self._touched.add(("meta", "1"))
        self._model = None
        if log:
            extra = {"undoes": undoes} if undoes is not None else {}
            self.log(kind, name, {"record": [{"id": doc_id, "record": removed}, None], **(changes or {})}, **extra)
        return removed

    def restore(self, table: str, doc_id: int, fields: dict[str, Any], *, record: str, undoes: int) -> None:
        """Put a removed record back under its own id, exactly as it was (undo of a removal)."""
        key = str(doc_id)
        if id_of_key(key) is None:
            raise RuleError(f"{record} cannot be restored: its logged id {doc_id!r} is not a record id")
        if key in self.data.get(table, {}):
            raise RuleError(f"{record} cannot be restored: its id is in use (by hand?); nothing undone")
        self._rows(table).insert_at(doc_id, dict(fields), in_order=True)
        self._touched.add((table, key))
        self._model = None
        self.log("undo", record, {"record": [None, {"id": doc_id, "record": dict(fields)}]}, undoes=undoes)

    def _rows(self, table: str) -> FieldTable:
        return cast("FieldTable", self.db.table(table))

    def _retired(self) -> dict[str, int]:
        """The highest id ever removed from each table (meta ``retired_ids``)."""
        retired = self.data["meta"]["1"].get("retired_ids")
        return retired if isinstance(retired, dict) else {}

    def log(self, kind: str, record: str, changes: dict[str, list[Any]], **extra: Any) -> int:
        """Append to the activity log; returns the entry's id."""
        self._logged.append(f"new {record}" if kind.endswith(".add") else f"{record} {', '.join(changes) or kind}")
        entry = {
            "id": self._next_log,
            "at": self.now,
            "member": self.user,
            "os_user": self.store.os_user,
            "kind": kind,
            "record": record,
            "changes": changes,
            **extra,
        }
        self.entries.append(entry)
        self._next_log += 1
        self.last_log = entry["id"]
        return entry["id"]

    def validate_touched(self) -> None:
        """Never write a record this version would refuse to read back."""
        for table, key in self._touched:
            if id_of_key(key) is None:
                raise StoreError(f"the {table} table is full (ids go up to {MAX_ID:,}); nothing was saved")
            problem = schema.record_problem(table, self.data.get(table, {}).get(key) or {})
            if problem:
                raise StoreError(f"{label(table, int(key))}: {problem}")
        for entry in (*self.outside_entries, *self.entries):
            if entry["id"] > MAX_ID:
                raise StoreError(f"the activity log is full (ids go up to {MAX_ID:,}); nothing was saved")
            problem = entry_problem(entry)
            if problem:
                raise StoreError(f"activity entry A{entry['id']}: {problem}")
