"""The shared file as the board sees it: the session every screen works through.

A ``Session`` holds the snapshot the screens show (``workplan``) and keeps it fresh: it
watches the file (one stat every half second), reads it again when someone else wrote (at
that poll when the file is small and can be read by what changed, else in a worker thread),
announces what they changed, and tells the screens to redraw through
its ``reloaded`` signal (a screen subscribes when it mounts; dialogs do not, they keep what
is typed). Each newer version of the file is read by what changed in it (store/patch.py):
every record that did not change stays the same object, so the per-plan figures of plans
nothing changed in are kept and a screen redraws only what shows a changed record; a
version that cannot be read so is read whole, as the first one is. Every change of mine
goes through it (``change``, ``attempt``, ``save_task``, ``undo``), and so do sync and the
conflicts a sync recorded. It talks to Textual only through the app it is given (notices,
workers, dialogs, timers); the rules and the merge of a stale edit are the model's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from itertools import takewhile
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.signal import Signal

from workplan_tui.model import contract, identity, rules, schema
from workplan_tui.model.changes import Names, describe
from workplan_tui.model.dates import DateError, utc_now
from workplan_tui.model.dates import today as local_day
from workplan_tui.model.edits import merge_stale_edit, settle_stale_edit
from workplan_tui.model.overview import PLAN_ORDER, PlanFigures, plan_figures, refigure
from workplan_tui.model.records import Activity, Task, Workplan
from workplan_tui.model.rules import RuleError
from workplan_tui.model.schedule import Schedule, became_ready
from workplan_tui.model.text import clean
from workplan_tui.store import actions
from workplan_tui.store.history import History, Mark
from workplan_tui.store.outside import OutsideEdit
from workplan_tui.store.presence import HEARTBEAT, Presence
from workplan_tui.store.storage import StoreError, os_reason
from workplan_tui.store.store import ConflictError, Store
from workplan_tui.sync import state as sync_state
from workplan_tui.ui.widgets import BoardContext

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import Notification
    from textual.timer import Timer
    from textual.widget import Widget

POLL_SECONDS = 0.5
# A newer version of a file up to this size is read here, by what changed in it (``_read_here``);
# a larger one in a thread, so that reading it never holds up a key (2.6 MB at 10,000 tasks).
READ_HERE_BYTES = 1 << 20
NEWS_SECONDS = 6.0  # how long a notice of others' changes stays up after the latest one
NEWS_LIMIT = 60.0  # the longest one stays up while changes keep coming (then a new one goes up)
Report = Callable[[str], None]  # takes why a change was refused, e.g. to show it in a form


class Session:
    """One partnership file, open on the board: its snapshot, my changes, others' changes."""

    def __init__(self, app: App[Any], store: Store, *, now: datetime | None = None) -> None:
        """``app`` shows what happens (notices, dialogs) and runs the workers; ``now`` fixes
        the clock (tests, snapshots)."""
        store.check_everything()  # the board reads every record checked (store/layout.py)
        store.keep_versions()  # and each newer version by what changed in it (store/patch.py)
        self.app = app
        self.store = store
        self.fixed_now = now
        self.workplan: Workplan | None = None
        self.context = BoardContext(today=self.today(), me=store.user)
        self._figures: list[PlanFigures] | None = None
        self._figured: tuple[Workplan, date] | None = None  # what ``_figures`` were worked out from
        self.read_only: str | None = None
        self.seen_history: Mark | None = None  # how much of the activity log has been announced
        self.my_changes: list[int] = []
        self.presence = Presence(store.path, store.user)
        self.others: list[str] = []
        self._reloading = False
        self._last_problem: str | None = None
        self._outside_said: bytes | None = None  # the last outside edit announced (said once): its sameness
        self._news: list[Notification] = []  # the notices of others' changes last put up
        self._news_timer: Timer | None = None  # takes them down at ``_news_until`` (time.monotonic)
        self._news_until = 0.0
        self._news_toast: tuple[Widget, int] | None = None  # the one notice up, and its lines
        self.sync_status: sync_state.Status | None = None  # None: the file is not in a git repository
        self._syncing = False
        self._sync_shown = ""
        # Published when the snapshot, or what the screens show of it, changed: they redraw in place.
        self.reloaded: Signal[Session] = Signal(app, "workplan-reloaded")

    def start(self) -> None:
        """Read the file and start watching it (and announcing myself to the other boards)."""
        self.reload()
        self.presence.beat()
        self.others = self.presence.others(bindings=self._bindings())
        self.app.set_interval(POLL_SECONDS, self.poll, name="watch the file")
        self.app.set_interval(HEARTBEAT, self.heartbeat, name="presence")
        self.app.set_timer(1.5, self.heartbeat)  # see boards that started at the same moment

    def leave(self) -> None:
        """The board closes: the other boards stop listing me."""
        self.presence.leave()

    def now(self) -> datetime:
        """The board's clock: ``make_app(now=...)`` pins it, else the one clock (model/dates.py)."""
        return self.fixed_now or utc_now()

    def today(self) -> date:
        """The local day of ``now()``: the day "due in 3 days" counts from."""
        return local_day(self.now())

    def reload(self) -> bool:
        """Read the file again (a no-op parse when it has not changed); announce what others
        changed since the last look, as a reload in the background would."""
        try:
            workplan, history = self.store.read_with_history(allow_newer=True)
        except (StoreError, schema.SchemaError) as exc:
            self._last_problem = str(exc)
            self.app.notify(
                clean(str(exc)), title="Cannot read the partnership file", severity="error", markup=False, timeout=30
            )
            return False
        self._recovered()
        self._use(workplan)  # first: notices name records by their titles in it, and may ask what it holds
        self._catch_up(history)
        return True

    def _recovered(self) -> None:
        """The file reads again after a problem was shown: take the stale error down and say so
        (an editor that rewrites the file in place shows it empty for a moment)."""
        if self._last_problem is None:
            return
        self._last_problem = None
        self.app.clear_notifications()
        self.app.notify("The partnership file reads correctly again.", title="The shared file", timeout=6)

    def _use(self, workplan: Workplan) -> None:
        self.workplan = workplan
        self.context.members = workplan.members
        self.context.today = self.today()
        self.context.schedule = Schedule(workplan)  # one a version: what waits, dates (model/schedule.py)
        self.read_only = self.store.read_only_reason()
        self.sync_status = sync_state.status(self.store)

    def poll(self) -> None:
        """Cheap: one stat() of the file. A change starts a reload in a worker thread.

        Also notices a new day (past local midnight, or after the machine slept), so a
        board left open overnight stops saying "due tomorrow" about today.
        """
        if self.today() != self.context.today:
            self.context.today = self.today()
            self.refresh()
        if self._reloading:
            return
        if self.store.changed_on_disk():
            if self._read_here():
                return
            self._reloading = True
            reader = self.store.reader()  # made here: the thread starts from the version shown
            self.app.run_worker(partial(self._reload_in_thread, reader), thread=True, exclusive=True, group="reload")
        elif self._last_problem is not None:  # back as this board last read it (moved, then moved back)
            try:
                self.store.read_with_history(allow_newer=True)  # the cached parse: no new read
            except (StoreError, schema.SchemaError):
                return  # still wrong, and already said
            self._recovered()

    def _read_here(self) -> bool:
        """Read a newer version of a small file here, by what changed in it (store/patch.py),
        and show it; False when it must be read in a thread (a file over ``READ_HERE_BYTES``,
        one that cannot be read by what changed, an error to report).

        A partner's write changes a record or two: read so, a file of 1,000 tasks costs about
        a millisecond, less than handing the read to a thread and its result back (a thread
        started, a worker's messages, a call from the thread: about 2 ms of a board's CPU
        at each write, ``benchmarks/bench_boards.py``).
        """
        reader = self.store.reader()
        try:
            read = reader.read_by_change(most=READ_HERE_BYTES)
        except (StoreError, OSError):
            return False  # the thread reads it again and says what is wrong
        if read is None:
            return False
        workplan, history = read
        self._reloaded(reader, workplan, history, (None, None))  # sealed: never an outside edit
        return True

    def _reload_in_thread(self, reader: Store) -> None:
        seen = self.seen_history  # _reloaded checks that nothing was announced since
        try:  # the data and its log from one read: what is announced is what is shown
            workplan, history = reader.read_with_history(allow_newer=True)
        except (StoreError, schema.SchemaError, OSError) as exc:
            self.app.call_from_thread(self._reload_failed, str(exc))
            return
        news: list[Activity] | None = None
        if seen is not None:
            try:  # only what was appended since the last look: a reload costs what changed
                news = history.since(seen)
            except StoreError:
                pass
        edited = reader.outside_edit()  # a hand edit since the last write (store/outside.py)
        self.app.call_from_thread(self._reloaded, reader, workplan, history, (seen, news), edited)

    def _reload_failed(self, message: str) -> None:
        self._reloading = False
        if message != self._last_problem:
            self._last_problem = message
            self.app.notify(clean(message), title="The shared file changed", severity="error", markup=False, timeout=15)

    def _reloaded(
        self,
        reader: Store,
        workplan: Workplan,
        history: History,
        read_news: tuple[Mark | None, list[Activity] | None],
        edited: OutsideEdit | None = None,
    ) -> None:
        self._reloading = False
        if not self.store.adopt(reader):
            return  # it changed again meanwhile; the next poll reads it
        self._recovered()
        self._use(workplan)  # first: notices name records by their titles in it, and may ask what it holds
        self._catch_up(history, read_news)
        if edited is not None and edited.sameness() != self._outside_said:
            self._outside_said = edited.sameness()
            self.app.notify(f"The file was {edited.words()}.", severity="warning", markup=False, timeout=15)
        self.refresh()

    def _catch_up(self, history: History, read_news: tuple[Mark | None, list[Activity] | None] = (None, None)) -> None:
        """Announce what others changed since the last seen point of the log, up to ``history``
        (the log of the snapshot about to be shown), and remember that point.

        Every reload ends here, in the background or on this side (after a change of mine
        that found someone else's in the file, after a sync): each change is announced
        once, with the reload that shows it. ``read_news`` is (seen, news) read in the
        reload's thread; they stand only if nothing was announced since that ``seen``.
        """
        if self.seen_history is None:  # the first read: nothing to announce yet
            self.seen_history = history.seen()
            return
        seen, news = read_news
        if news is None or seen != self.seen_history:
            try:
                news = history.since(self.seen_history)
            except StoreError:
                return  # the log cannot be read now: keep the point, announce on a later reload
        self.seen_history = history.seen()
        self._announce(news)

    def _announce(self, news: list[Activity]) -> None:
        """A short notice for each change someone else made; one notice when many arrive.

        They take the place of the notices of earlier changes still up, and a single notice
        still up is given the new words where it stands: a notice that Textual puts up or
        takes down lays the whole screen out again (about 15 ms of CPU and 2 KB to the
        terminal, twice), and at a write a second a stack of them moving up redrew a third
        of the screen each time (``benchmarks/bench_boards.py``). The Activity screen (``L``)
        keeps every change.
        """
        theirs = [a for a in news if a.member != self.store.user]
        if not theirs:
            return
        if self.workplan is not None:  # the last task mine waited on is done: I can start
            for ready in became_ready(self.workplan, theirs, owner=self.store.user):
                words = clean(ready.words())
                self.app.notify(words[:1].upper() + words[1:], title="Ready to start", markup=False, timeout=12)
        if len(theirs) <= 3:
            names = self.names()
            notices = [(describe(entry, names=names), NEWS_SECONDS) for entry in theirs]
        else:
            people = sorted({a.member for a in theirs})
            who = ", ".join(people[:-1]) + f" and {people[-1]}" if len(people) > 1 else people[0]
            records = list(dict.fromkeys(a.record for a in theirs))
            shown = ", ".join(records[:8]) + (f" and {len(records) - 8} more" if len(records) > 8 else "")
            notices = [(clean(f"{who} made {len(theirs)} changes, to {shown}."), NEWS_SECONDS + 2)]
        if len(notices) == 1 and self._reword_news(notices[0][0]):
            self._keep_news_up(notices[0][1])
            return
        from textual.notifications import Notification, Notify

        for earlier in self._news:  # taken down as the new ones go up: one redraw of that corner
            self.app._unnotify(earlier, refresh=False)
        # Up until taken down (_take_down_news), or, while changes keep coming, a minute at most.
        self._news = [Notification(text, timeout=NEWS_LIMIT, markup=False) for text, _ in notices]
        self._news_toast = None
        for notice in self._news:
            self.app.post_message(Notify(notice))  # what App.notify does, keeping the notice
        self._keep_news_up(max(t for _, t in notices))

    def _reword_news(self, text: str) -> bool:
        """Show ``text`` in the one notice of others' changes still up, where it stands (a
        redraw of those few lines, without laying the screen out again unless it needs more or
        fewer lines); False when there is no such notice on the screen shown."""
        if len(self._news) != 1:
            return False
        notice = self._news[0]
        if notice not in self.app._notifications or notice.time_left < NEWS_SECONDS + 1:
            return False
        toast, lines = self._news_toast or (None, 0)
        if toast is None or not toast.is_attached or toast.screen is not self.app.screen:
            # found once a screen: looking it up walked the whole screen at every write
            found = self.app.screen.query(f"#--textual-toast-{notice.identity}")  # Textual's ToastRack names it so
            toast = found.first().children[0] if found else None
            if toast is None:
                return False
            lines = len(Content(notice.message).wrap(toast.content_size.width))
        now = len(Content(text).wrap(toast.content_size.width))
        notice.message = text
        self._news_toast = (toast, now)
        toast.refresh(layout=now != lines)
        return True

    def _keep_news_up(self, seconds: float) -> None:
        """Take the notices of others' changes down ``seconds`` from now: one timer, moved on
        when it is due, rather than a timer stopped and another started at every change."""
        self._news_until = monotonic() + seconds
        if self._news_timer is None:
            self._news_timer = self.app.set_timer(seconds, self._news_due)

    def _news_due(self) -> None:
        left = self._news_until - monotonic()
        if left > 0.01:
            self._news_timer = self.app.set_timer(left, self._news_due)
        else:
            self._take_down_news()

    def _take_down_news(self) -> None:
        """The notices of others' changes have been up long enough."""
        for notice in self._news:
            self.app._unnotify(notice)
        self._news = []
        self._news_toast = None
        self._news_timer = None

    def names(self) -> Names:
        """What a log entry's sentence needs (model/changes.py): the titles of the snapshot's
        records, the partnership's currency, today."""
        return Names(self.workplan, self.today())

    def refresh(self) -> None:
        """Tell every screen to redraw from the snapshot (the ``reloaded`` signal); dialogs keep what is typed."""
        self.reloaded.publish(self)

    def heartbeat(self) -> None:
        self._check_read_only()
        self.presence.beat()
        others = self.presence.others(bindings=self._bindings())
        if self.workplan is not None:
            self.sync_status = sync_state.status(self.store)
        words = self.sync_words()  # "synced 5 min ago" changes with the clock alone
        if others != self.others or words != self._sync_shown:
            self.others = others
            self._sync_shown = words
            self.refresh()

    def _bindings(self) -> dict[str, tuple[str, ...]] | None:
        """Who may act as whom (model/identity.py), for naming the other boards truthfully."""
        return identity.bindings(self.workplan.members.values()) if self.workplan is not None else None

    def sync_words(self) -> str:
        """'synced 5 min ago, 2 unshared' for the header, or '' when the file is not in git."""
        return self.sync_status.words(self.now()) if self.sync_status is not None else ""

    def sync_now(self) -> None:
        """Run 'workplan sync' in a thread; a notice says what it did, the board reloads."""
        if self._syncing:
            self.app.notify("A sync is already running.", markup=False)
            return
        if self.sync_status is None:
            self.app.notify(
                "This file is not in a git repository, so there is nothing to sync with (see 'workplan sync --help').",
                severity="warning",
                markup=False,
                timeout=8,
            )
            return
        self._syncing = True
        self.app.notify("Syncing…", markup=False, timeout=3)
        self.app.run_worker(self._sync_in_thread, thread=True, exclusive=True, group="sync")

    def _sync_in_thread(self) -> None:
        from workplan_tui.sync.run import SyncError, sync

        store = Store(self.store.path, user=self.store.user, lock_timeout=self.store.lock_timeout)
        try:
            report = sync(store)
        except (SyncError, StoreError) as exc:
            self.app.call_from_thread(self._synced, None, str(exc))
            return
        except Exception as exc:  # the board stays up whatever git or the disk does
            self.app.call_from_thread(self._synced, None, f"sync failed: {exc}")
            return
        self.app.call_from_thread(self._synced, report, None)

    def _synced(self, report: dict[str, Any] | None, error: str | None) -> None:
        self._syncing = False
        if report is not None and report.get("merged"):
            self.my_changes.clear()  # a merge may have renumbered my log entries: undo would miss
        if report is None:
            self.app.notify(clean(error or "sync failed"), title="Sync", severity="error", markup=False, timeout=15)
        else:
            merged = report.get("merged") or {}
            text = merged.get("summary") or ("Shared." if report.get("pushed") else "Already up to date.")
            conflicts = report.get("conflicts") or []
            if conflicts:
                text += f" {len(conflicts)} conflict(s): 'Settle conflicts' in the palette (ctrl+p)."
            self.app.notify(clean(text), title="Sync", severity="warning" if conflicts else "information", markup=False)
        self.reload()
        self.refresh()

    def settle_conflicts(self) -> None:
        """Show the conflicts a sync recorded on one record in the conflict dialog (mine /
        theirs per field); what is chosen is settled through the store, then the next record."""
        from workplan_tui.ui.modals import ConflictDialog

        workplan = self.workplan
        if workplan is None or not workplan.conflicts:
            self.app.notify("No conflicts to settle.", markup=False)
            return
        if not self.can_change():
            return
        first = next(iter(workplan.conflicts.values()))
        latest = {c.field: c for c in workplan.conflicts.values() if (c.table, c.key) == (first.table, first.key)}
        me = self.store.user
        rows = []
        picks: dict[str, tuple[int, int, int]] = {}  # field -> (conflict id, my side, their side)
        labels: dict[str, str] = {}
        for name, conflict in latest.items():
            by_me = [i for i, side in enumerate(conflict.sides) if side.by == me]
            mine = by_me[0] if len(by_me) == 1 else 1  # else the value the record holds now
            theirs = 1 - mine
            if len(by_me) != 1 and not labels:
                labels = {
                    "mine": f"{conflict.sides[mine].by or 'one copy'}'s",
                    "theirs": f"{conflict.sides[theirs].by or 'the other copy'}'s",
                }
            shown = partial(contract.field_value, conflict.table, name)  # T9, not 9
            rows.append(
                (name, shown(conflict.base), shown(conflict.sides[theirs].value), shown(conflict.sides[mine].value))
            )
            picks[name] = (conflict.id, mine, theirs)
        record = first.record

        def chosen(choice: dict[str, str] | None) -> None:
            if choice is None:
                self.app.notify("Nothing settled.", markup=False)
                return
            for name, pick in choice.items():
                conflict_id, mine, theirs = picks[name]
                side = str((mine if pick == "mine" else theirs) + 1)
                if not self.change(partial(actions.resolve_conflict, self.store, conflict_id, side)):
                    return
            self.reload()
            self.refresh()
            left = len(self.workplan.conflicts) if self.workplan else 0
            more = f" {left} more to settle." if left else ""
            self.app.notify(clean(f"Settled the conflicts on {record}.{more}"), markup=False)
            if left:
                self.app.call_later(self.settle_conflicts)

        heading = f"{record} was changed in both copies (merged by {first.merged_by or 'a sync'}): keep which?"
        self.app.push_screen(ConflictDialog(heading, rows, [], labels=labels or None), chosen)

    def figures(self) -> list[PlanFigures]:
        """Per-plan figures, active plans first."""
        workplan, today = self.workplan, self.context.today
        if workplan is None:
            return []
        if self._figures is None or self._figured is None or self._figured[1] != today:
            figures = plan_figures(workplan, today)
        elif self._figured[0] is not workplan:  # a newer version: the plans nothing changed in keep theirs
            figures = refigure(self._figures, self._figured[0], workplan, today)
        else:
            return self._figures
        self._figures = sorted(figures, key=lambda f: (PLAN_ORDER.index(f.plan.status), f.plan.id))
        self._figured = (workplan, today)
        return self._figures

    def _check_read_only(self) -> None:
        """Ask the store again why I cannot write (a few stat calls); redraw when the answer changed.

        The cause may come or go at any time: a remount, a chmod, a folder made sticky.
        """
        reason = self.store.read_only_reason()
        if reason != self.read_only:
            self.read_only = reason
            self.refresh()

    def cannot_change(self) -> str | None:
        """Why my changes cannot be written now (the file is read-only, I am not a member), or None."""
        self._check_read_only()
        if self.read_only:
            return f"Read-only: {clean(self.read_only)}."
        workplan = self.workplan
        if workplan is None:
            return None
        problem = rules.member_problem(self.store.user, identity.bindings(workplan.members.values()), self.store.login)
        return f"{clean(problem)}." if problem else None

    def can_change(self, report: Report | None = None) -> bool:
        """True when a change may be tried; else the reason goes to ``report`` (a form shows it), or a notice."""
        problem = self.cannot_change()
        if problem is None:
            return True
        if report is not None:
            report(problem)
        else:
            self.app.notify(problem, severity="warning", markup=False, timeout=8)
        return False

    def _refused(self, message: str, report: Report | None) -> None:
        if report is not None:
            report(message)
        else:
            self.app.notify(message, severity="error", markup=False, timeout=8)

    def change(self, apply: Callable[[], Any], *, raise_conflict: bool = False, report: Report | None = None) -> bool:
        """Run one store action; show a clear notice instead of failing. True when it landed.

        With ``raise_conflict`` a ConflictError reaches the caller, which resolves it. With
        ``report``, why a change was refused goes there instead of a notice: a form shows
        it in itself and stays open with what was typed.
        """
        if not self.can_change(report):
            return False
        try:
            apply()
        except (StoreError, RuleError, DateError, schema.SchemaError) as exc:
            if raise_conflict and isinstance(exc, ConflictError):
                raise
            self._refused(clean(str(exc)), report)
            self._check_read_only()  # the failure may have a cause the banner should name
            return False
        except OSError as exc:  # the store turns these into StoreError; this is the last net
            self._refused(f"{self.store.path}: not saved: {clean(os_reason(exc))}", report)
            return False
        if self.store.last_log_id is not None:
            self.my_changes.append(self.store.last_log_id)
        # The store read what it wrote by what changed (store/patch.py), someone else's write
        # in between included: show it, and say what they changed.
        self.reload()
        return True

    def attempt(self, apply: Callable[[], Any]) -> str | None:
        """Run one store action for a form: None when it landed, else why not, for the form to show."""
        problems: list[str] = []
        if self.change(apply, report=problems.append):
            return None
        return problems[-1] if problems else "Not saved."

    def save_task(
        self, original: Task, mine: dict[str, Any], done: Callable[[], None], report: Report | None = None
    ) -> None:
        """Save an edit form. If someone changed the task since the form opened, merge what
        only one side changed and ask about the rest; nothing is written until I choose.
        ``done`` runs once it is saved; ``report`` takes why it was not (the form shows it)."""
        from workplan_tui.ui.modals import ConflictDialog

        try:
            if self.change(
                lambda: actions.edit_task(self.store, original.id, mine, expected_rev=original.rev),
                raise_conflict=True,
                report=report,
            ):
                done()
            return
        except ConflictError as exc:
            theirs = exc.current
        edit = merge_stale_edit({name: getattr(original, name) for name in mine}, mine, theirs)
        merged, conflicts = edit
        fresh = schema.record_of("tasks", str(original.id), theirs)
        if not conflicts:
            self.app.notify(f"{original.label} had changed; your edits were merged with theirs.", markup=False)
            self.save_task(fresh, merged, done, report)
            return
        try:
            who = next((a.member for a in self.store.history().newest() if a.record == original.label), "someone")
        except StoreError:
            who = "someone"

        def chosen(choice: dict[str, str] | None) -> None:
            if choice is None:
                if report is not None:
                    report(
                        f"Nothing saved: {original.label} was changed by {who}. ctrl+s asks again; escape leaves it."
                    )
                else:
                    self.app.notify("Nothing saved.", markup=False)
                return
            final = settle_stale_edit(edit, mine, choice, theirs)
            if final:
                self.save_task(fresh, final, done, report)
            else:
                self.reload()
                done()

        self.app.push_screen(
            ConflictDialog(
                f"{original.label} was changed by {who} since you opened it",
                [(name, *(contract.field_value("tasks", name, v) for v in values)) for name, *values in conflicts],
                sorted(merged),
            ),
            chosen,
        )

    def undo(self) -> bool:
        """Undo my latest change of this session (refused if someone changed that record since)."""
        undone: set[int | None] = set()
        if self.my_changes:
            try:
                newer = takewhile(lambda a: a.id >= min(self.my_changes), self.store.history().newest())
                undone = {a.undoes for a in newer}
            except StoreError:
                pass
        pending = [i for i in self.my_changes if i not in undone]
        if not pending:
            self.app.notify("Nothing of yours to undo in this session.", markup=False)
            return False
        entry_id = pending[-1]
        refused: list[str] = []
        if not self.change(lambda: actions.undo(self.store, entry_id), report=refused.append):
            if refused and self.cannot_change() is None:
                # This change cannot be undone (someone changed the record since, or it is of a
                # kind undo leaves alone): it leaves the list, so that u goes on to the one before.
                self.my_changes.remove(entry_id)
                more = " u again undoes your change before it." if len(pending) > 1 else ""
                self.app.notify(f"Not undone: {refused[-1]}.{more}", severity="warning", markup=False, timeout=8)
            elif refused:
                self.app.notify(refused[-1], severity="error", markup=False, timeout=8)
            return False
        self.my_changes.remove(entry_id)
        undo_id = self.my_changes.pop()  # the undo entry itself is not a change to undo
        # what the undo did ('T26 status done → doing'), not the change it took back
        said = describe_id(self.store, undo_id, who=False, names=self.names())
        self.app.notify(f"Undone: {said}", markup=False, timeout=5)
        return True


def describe_id(store: Store, entry_id: int, *, who: bool = True, names: Names | None = None) -> str:
    """ "bob moved T12 'Order soil' from 40% to 60%" for a log entry by id, or 'A12' when it
    cannot be read."""
    try:
        entry = store.history().entry(entry_id)
    except StoreError:
        entry = None
    return describe(entry, who=who, names=names) if entry else f"A{entry_id}"
