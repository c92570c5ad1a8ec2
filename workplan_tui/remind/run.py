"""One run of ``workplan remind``: who is due a digest this period, sending it, recording it.

Safe to run from cron, as often as you like:

* A member gets at most one digest a period (``digest.period``: a day, or a week from their
  weekday). What went is recorded beside the data file (remind/sent.py) after each message,
  under the record's lock, which the run holds from first read to last write: a second run
  at the same time waits, then sends nothing.
* A member whose message failed is reported, the others still get theirs, and the next run
  tries again (nothing was recorded as sent). When the way out itself fails (the server is
  down), the rest are reported as not delivered at once rather than each waiting its timeout.
* A member with nothing to act on gets nothing (and is not recorded: should something come up
  later in the period, a later run sends it). So does a member without an address, or whose
  preference is off.

The one gap: a message the server has taken but whose record could not be written (the disk
filled in between) goes again at the next run. The alternative, recording before sending,
would lose a digest instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from email.message import EmailMessage
from typing import NamedTuple

from workplan_tui.model import digest, rules
from workplan_tui.model.records import Activity, Member, Workplan
from workplan_tui.model.text import clean
from workplan_tui.remind import message as mail
from workplan_tui.remind.config import MailConfig
from workplan_tui.remind.sent import Failed, Record, Sent, open_record, read, sent_path_for
from workplan_tui.remind.transport import DeliveryError, Transport, transport_for
from workplan_tui.store.history import History
from workplan_tui.store.storage import StoreError
from workplan_tui.store.store import Store, iso

LOG_LIMIT = 20_000  # log entries read back at most for "what changed" (a year of a busy partnership)

SENT, FAILED, SKIPPED, SHOWN = "sent", "failed", "skipped", "shown"


class Result(NamedTuple):
    """What happened for one member: ``status`` (``sent``, ``failed``, ``skipped``, ``shown``
    for ``--dry-run``), why (``reason``, empty when sent), and how many items the digest held."""

    handle: str
    email: str | None
    status: str
    reason: str = ""
    items: int = 0


class Report(NamedTuple):
    """A run's results, member by member, and the messages it made (sent, printed or shown)."""

    results: list[Result]
    messages: list[EmailMessage]

    @property
    def ok(self) -> bool:
        """Every member due a digest got it (the exit status says this)."""
        return not any(r.status == FAILED for r in self.results)


def recipient(member: Member) -> mail.Recipient:
    """A member as a digest's recipient: their address (None when they have none) and preference."""
    email = getattr(member, "email", None)
    preference = getattr(member, "digest", None) or digest.DEFAULT_PREFERENCE
    return mail.Recipient(member.handle, member.name, email or None, preference)


def remind(
    store: Store,
    config: MailConfig,
    *,
    now: datetime,
    today: date,
    only: str | None = None,
    mode: str = "send",
    transport: Transport | None = None,
    progress: Callable[[Result], None] | None = None,
) -> Report:
    """Make each member's digest and send it (``mode="send"``), print it for a script to deliver
    and record it as sent (``"print"``: the caller prints ``Report.messages``), or only show it
    (``"dry-run"``: nothing recorded, nothing sent, the record's lock not taken).

    ``only``: one member's handle. ``progress`` hears each member's result as it happens.
    Raises StoreError (the data file, the record's lock or a write), SentError (the record is
    not sound), ValueError (``only`` is no member). Delivery failures are results, not errors.
    """
    workplan, history = store.read_with_history()
    members = sorted(workplan.members.values(), key=lambda m: m.handle)
    if only is not None:
        handle = rules.member_handle(only, workplan.members)  # in any case, as everywhere
        members = [m for m in members if m.handle == handle]
        if not members:
            raise ValueError(clean(rules.no_member(only, workplan.members)))
    path = sent_path_for(store.path)
    board = f"workplan -f {store.given.absolute()}"
    run = _Run(workplan, history, config, now=now, today=today, board=board, progress=progress, mode=mode)
    if mode == "dry-run":
        run.go(members, read(path), None)
        return Report(run.results, run.messages)
    way_out = transport if transport is not None or mode == "print" else transport_for(config)
    try:
        with open_record(path) as record:
            run.go(members, record, way_out)
    finally:
        if way_out is not None:
            way_out.close()
    return Report(run.results, run.messages)


class _Run:
    def __init__(
        self,
        workplan: Workplan,
        history: History,
        config: MailConfig,
        *,
        now: datetime,
        today: date,
        board: str,
        progress: Callable[[Result], None] | None,
        mode: str,
    ) -> None:
        self.workplan, self.history, self.config = workplan, history, config
        self.now, self.today, self.board, self.mode = now, today, board, mode
        self.progress = progress
        self.results: list[Result] = []
        self.messages: list[EmailMessage] = []
        self._log: list[Activity] | None = None
        self._log_from = ""

    def _say(self, result: Result) -> None:
        self.results.append(result)
        if self.progress is not None:
            self.progress(result)

    def go(self, members: Sequence[Member], record: Record, way_out: Transport | None) -> None:
        due = []
        for member in members:
            who = recipient(member)
            period = digest.period(who.preference, self.today)
            if period is None:
                self._say(Result(who.handle, who.email, SKIPPED, "digests off"))
            elif who.email is None:
                self._say(Result(who.handle, who.email, SKIPPED, "no e-mail address"))
            elif not digest.valid_email(who.email):
                self._say(Result(who.handle, who.email, SKIPPED, "the e-mail address is not one workplan sends to"))
            elif (last := record.sent.get(who.handle)) is not None and last.period == period:
                self._say(Result(who.handle, who.email, SKIPPED, f"already sent for {period}"))
            else:
                due.append((who, period, record.sent.get(who.handle)))
        if not due:
            return
        since_of = {who.handle: self._since(who, last) for who, _, last in due}
        log = self._entries_after(min(since_of.values()))
        stopped: DeliveryError | None = None
        for who, period, last in due:
            since = since_of[who.handle]
            mine = [e for e in log if e.at > since]
            found = digest.items(
                self.workplan, who.handle, today=self.today, log=mine, sent_before=last.items if last else ()
            )
            if not digest.worth_sending(found):
                self._say(Result(who.handle, who.email, SKIPPED, "nothing to act on", len(found)))
                continue
            message = self._compose(who, found, since)
            if self.mode == "dry-run":
                self.messages.append(message)
                self._say(Result(who.handle, who.email, SHOWN, "", len(found)))
                continue
            assert who.email is not None
            try:
                if stopped is not None:
                    raise stopped
                if way_out is not None:
                    way_out.send(message, who.email)
            except DeliveryError as exc:
                stopped = exc if exc.everyone else stopped
                record.mark_failed(who.handle, Failed(iso(self.now), str(exc)))
                self._say(Result(who.handle, who.email, FAILED, str(exc), len(found)))
                continue
            self.messages.append(message)
            try:
                record.mark_sent(who.handle, Sent(period, iso(self.now), tuple(item.key for item in found)))
            except StoreError as exc:
                # Sent, but not recorded: say so; the next run will send it again (run.py's docstring).
                self._say(Result(who.handle, who.email, FAILED, f"sent, but not recorded ({exc})", len(found)))
                stopped = DeliveryError(f"not recorded: {exc}", everyone=True)
                continue
            self._say(Result(who.handle, who.email, SENT, "", len(found)))

    def _since(self, who: mail.Recipient, last: Sent | None) -> str:
        """The UTC time (ISO) after which changes are news to ``who``: their last digest's."""
        if last is not None:
            return last.at
        return iso(self.now - digest.lookback(who.preference))

    def _entries_after(self, since: str) -> list[Activity]:
        """Log entries later than ``since`` (ISO UTC), oldest first, read back from the end once
        (at most ``LOG_LIMIT``). An unreadable log gives none (``workplan check`` says why)."""
        entries: list[Activity] = []
        try:
            for entry in self.history.newest():
                if entry.at <= since or len(entries) >= LOG_LIMIT:
                    break
                entries.append(entry)
        except StoreError:
            return []
        entries.reverse()
        return entries

    def _compose(self, who: mail.Recipient, found: list[digest.Item], since: str) -> EmailMessage:
        stop = f"{self.board} member edit {who.handle} --digest off"
        return mail.compose(
            self.config,
            self.workplan.partnership.name,
            who,
            found,
            now=self.now,
            today=self.today,
            since=datetime.fromisoformat(since.replace("Z", "+00:00")),
            board=self.board,
            stop=stop,
            readable=self.mode == "dry-run",
        )
