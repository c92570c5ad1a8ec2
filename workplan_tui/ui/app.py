"""The Textual app: one factory builds it for the CLI, the tests and the snapshots."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from itertools import takewhile
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.filter import Monochrome, NoColor
from textual.screen import Screen

from workplan_tui.model import contract, identity, schema
from workplan_tui.model.dates import DateError, utc_now
from workplan_tui.model.dates import today as local_day
from workplan_tui.model.overview import PlanFigures, plan_figures
from workplan_tui.model.records import STAGES, Activity, Task, Workplan
from workplan_tui.model.rules import RuleError
from workplan_tui.model.text import clean
from workplan_tui.store import actions
from workplan_tui.store.history import History, Mark
from workplan_tui.store.outside import OutsideEdit
from workplan_tui.store.presence import HEARTBEAT, Presence
from workplan_tui.store.storage import StoreError, os_reason
from workplan_tui.store.store import ConflictError, Store
from workplan_tui.sync import state as sync_state
from workplan_tui.ui.changes import describe
from workplan_tui.ui.themes import DEFAULT_THEME, HIGH_CONTRAST, load_settings, load_themes, save_setting
from workplan_tui.ui.widgets import BoardContext

POLL_SECONDS = 0.5
Report = Callable[[str], None]  # takes why a change was refused, e.g. to show it in a form


class WorkplanApp(App[None]):
    """A partnership's board. All changes go through ``store`` (``workplan_tui.store.actions``)."""

    TITLE = "workplan"
    # The board's sheet from the start: added when the board is pushed, it made Textual
    # parse every sheet again before the first paint (benchmarks/bench_tui.py).
    CSS_PATH = ["app.tcss", "board.tcss"]
    # ctrl+z puts the board in the background, as in every terminal program (fg brings it
    # back); a field of several lines keeps ctrl+z for undoing what was typed.
    BINDINGS = [Binding("ctrl+z", "suspend_process", "Suspend (fg resumes)", show=False, id="suspend")]
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        store: Store,
        *,
        now: datetime | None = None,
        theme: str | None = None,
    ) -> None:
        super().__init__()
        store.check_everything()  # the board reads every record checked (store/layout.py)
        self.store = store
        self.fixed_now = now
        self.workplan: Workplan | None = None
        self.context = BoardContext(today=self.today(), me=store.user)
        self._figures: list[PlanFigures] | None = None
        self._requested_theme = theme
        self._theme_problems: list[str] = []
        self.read_only: str | None = None
        self.seen_history: Mark | None = None  # how much of the activity log has been announced
        self.my_changes: list[int] = []
        self.presence = Presence(store.path, store.user)
        self.others: list[str] = []
        self._reloading = False
        self._last_problem: str | None = None
        self._outside_said: str | None = None  # the last outside edit announced (said once)
        self.sync_status: sync_state.Status | None = None  # None: the file is not in a git repository
        self._syncing = False
        self._sync_shown = ""
        self._load_themes()

    # --- time ----------------------------------------------------------------------

    def now(self) -> datetime:
        """The board's clock: ``make_app(now=...)`` pins it, else the one clock (model/dates.py)."""
        return self.fixed_now or utc_now()

    def today(self) -> date:
        """The local day of ``now()``: the day "due in 3 days" counts from."""
        return local_day(self.now())

    # --- themes --------------------------------------------------------------------

    def _load_themes(self) -> None:
        loaded = load_themes()
        for theme in loaded.themes:
            self.register_theme(theme)
        self._theme_problems = loaded.problems
        wanted = self._requested_theme or load_settings().get("theme") or self.default_theme()
        if wanted in self.available_themes:
            self._start_with_theme(wanted)
            if self._requested_theme:
                save_setting("theme", wanted)  # --theme NAME is remembered for next time
        else:
            if self._requested_theme or wanted != DEFAULT_THEME:
                self._theme_problems.append(f"no theme called {clean(wanted)!r}; using the default")
            if DEFAULT_THEME in self.available_themes:
                self._start_with_theme(DEFAULT_THEME)

    def _start_with_theme(self, name: str) -> None:
        """Start with theme ``name``, as setting ``self.theme`` would, less its queued restyle.

        Set before the app runs, Textual's theme watcher queues a second parse of every
        style sheet and a restyle of every widget, to run just after the first ones: 2 % of
        the instructions to the board's first paint (``benchmarks/bench_scale.py``). Here
        the theme is in place before the style sheets are first read, which needs neither.
        """
        self.set_reactive(App.theme, name)
        dark = self.current_theme.dark
        classes = {c: False for c in self.classes if c.startswith("-theme-")}
        self.update_classes(
            {**classes, f"-theme-{name}": True, "-dark-mode": dark, "-light-mode": not dark}, update=False
        )
        self._refresh_truecolor_filter(self.ansi_theme)
        self._fit_no_color()
        self.stylesheet.set_variables(self.get_css_variables())  # Textual read the default theme's

    def default_theme(self) -> str:
        """The theme for someone who has not chosen one: in a terminal of 16 colours
        (``TERM=xterm``, ``TERM=screen``) the one made of them, else the dark one."""
        if self.console.color_system == "standard" and HIGH_CONTRAST in self.available_themes:
            return HIGH_CONTRAST
        return DEFAULT_THEME

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The app's own theme variables, for themes that do not set them.

        ``cursor-background`` and ``cursor-text-style`` draw the selected card or row
        (a theme of basic ANSI colours sets ``reverse``: a blend of two ANSI colours
        is one of them, so a tinted background cannot be had there); ``separator``
        the lines between the board's columns.
        """
        generated = self.current_theme.to_color_system().generate()
        return {
            "cursor-background": generated["primary-muted"],
            "cursor-text-style": "none",
            # the lines between the board's columns and above a screen's details: the panel's
            # colour, or the text's where the panel is see-through (Textual's ANSI themes)
            "separator": generated["foreground"] if generated["panel"] == "transparent" else generated["panel"],
            # Textual's widgets ask these of a theme of ANSI colours (ansi = true)
            "ansi-background": generated["background"],
            "ansi-foreground": generated["foreground"],
        }

    def get_css_variables(self) -> dict[str, str]:
        """Textual's variables, with a theme of ANSI colours held to its own two colours.

        For such a theme (``ansi = true``) Textual leaves text, muted text, the footer,
        fields and cursors to the terminal's default colour (``ansi_default``), on a
        background the theme names, or the other way round: on a terminal with a white
        background that is white on white, or black on black. A theme that names its
        ``background`` and ``foreground`` gets those instead, wherever it did not set the
        variable itself (its ``[variables]`` win).
        """
        variables = super().get_css_variables()
        theme = self.current_theme
        if theme.ansi:
            variables = solid_ansi(variables, theme.background, theme.foreground, set(theme.variables))
            self.theme_variables = variables
        return variables

    def watch_theme(self, theme: str) -> None:
        self._fit_no_color()
        if self.is_running:
            save_setting("theme", theme)

    def _fit_no_color(self) -> None:
        """With NO_COLOR, take the colours out the way the current theme needs.

        Textual picks its filter once, for the theme it starts with: greyscale for
        colours it draws itself. A theme of the terminal's own ANSI colours has no RGB
        to turn grey (it came out black on black), so there the colours go back to the
        terminal's defaults, and the selection shows by its reverse video and marker.
        """
        if not self.no_color:
            return
        wanted = NoColor if self.native_ansi_color else Monochrome
        for index, line_filter in enumerate(self._filters):
            if isinstance(line_filter, NoColor | Monochrome) and not isinstance(line_filter, wanted):
                self._filters[index] = wanted()

    # --- data ------------------------------------------------------------------------

    def on_mount(self) -> None:
        from workplan_tui.ui.board import BoardScreen

        for problem in self._theme_problems:
            self.notify(f"Theme: {clean(problem)}", severity="warning", markup=False, timeout=8)
        self.reload()
        self.presence.beat()
        self.others = self.presence.others()
        # Pushed, not the default screen: as the default screen its first frame came before
        # its scrollbars, and two more full frames followed (60 % more bytes at start-up).
        self.push_screen(BoardScreen())
        self.set_interval(POLL_SECONDS, self._poll, name="watch the file")
        self.set_interval(HEARTBEAT, self._heartbeat, name="presence")
        self.set_timer(1.5, self._heartbeat)  # see boards that started at the same moment

    @staticmethod
    def collect_from_now() -> None:
        """Turn Python's cycle collector on, if the ``workplan`` command left it off.

        The command turns it off before anything loads (cli/entry.py), and the board
        starts with it still off: start-up builds objects that live as long as the app
        (modules, styles, the partnership), and scanning them again and again was a
        third of the time to the first paint (``benchmarks/bench_scale.py``). Once the
        board has painted, those are frozen out of every later collection and the
        collector runs as usual for the hours the board stays open. A process that
        left it on (tests, an embedding program) is left as it is.
        """
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def on_unmount(self) -> None:
        self.presence.leave()

    def reload(self) -> bool:
        """Read the file again (a no-op parse when it has not changed); announce what others
        changed since the last look, as a reload in the background would."""
        try:
            workplan, history = self.store.read_with_history(allow_newer=True)
        except (StoreError, schema.SchemaError) as exc:
            self._last_problem = str(exc)
            self.notify(
                clean(str(exc)), title="Cannot read the partnership file", severity="error", markup=False, timeout=30
            )
            return False
        self._recovered()
        self._catch_up(history)
        self._use(workplan)
        return True

    def _recovered(self) -> None:
        """The file reads again after a problem was shown: take the stale error down and say so
        (an editor that rewrites the file in place shows it empty for a moment)."""
        if self._last_problem is None:
            return
        self._last_problem = None
        self.clear_notifications()
        self.notify("The partnership file reads correctly again.", title="The shared file", timeout=6)

    def _use(self, workplan: Workplan) -> None:
        self.workplan = workplan
        self.context.members = workplan.members
        self.context.today = self.today()
        self._figures = None
        self.read_only = self.store.read_only_reason()
        self.sync_status = sync_state.status(self.store)

    # --- live sharing: watch the file, reload in a thread, refresh in place ---------------------

    def _poll(self) -> None:
        """Cheap: one stat() of the file. A change starts a reload in a worker thread.

        Also notices a new day (past local midnight, or after the machine slept), so a
        board left open overnight stops saying "due tomorrow" about today.
        """
        if self.today() != self.context.today:
            self.context.today = self.today()
            self._figures = None
            self.refresh_screens()
        if self._reloading:
            return
        if self.store.changed_on_disk():
            self._reloading = True
            self._reload_in_thread()
        elif self._last_problem is not None:  # back as this board last read it (moved, then moved back)
            try:
                self.store.read_with_history(allow_newer=True)  # the cached parse: no new read
            except (StoreError, schema.SchemaError):
                return  # still wrong, and already said
            self._recovered()

    @work(thread=True, exclusive=True, group="reload")
    def _reload_in_thread(self) -> None:
        reader = Store(self.store.path, user=self.store.user, trust_seal=False)
        seen = self.seen_history  # _reloaded checks that nothing was announced since
        try:  # the data and its log from one read: what is announced is what is shown
            workplan, history = reader.read_with_history(allow_newer=True)
        except (StoreError, schema.SchemaError, OSError) as exc:
            self.call_from_thread(self._reload_failed, str(exc))
            return
        news: list[Activity] | None = None
        if seen is not None:
            try:  # only what was appended since the last look: a reload costs what changed
                news = history.since(seen)
            except StoreError:
                pass
        edited = reader.outside_edit()  # a hand edit since the last write (store/outside.py)
        self.call_from_thread(self._reloaded, reader, workplan, history, (seen, news), edited)

    def _reload_failed(self, message: str) -> None:
        self._reloading = False
        if message != self._last_problem:
            self._last_problem = message
            self.notify(clean(message), title="The shared file changed", severity="error", markup=False, timeout=15)

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
        self._catch_up(history, read_news)
        if edited is not None and edited.words() != self._outside_said:
            self._outside_said = edited.words()
            self.notify(f"The file was {edited.words()}.", severity="warning", markup=False, timeout=15)
        self._use(workplan)
        self.refresh_screens()

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
        """A short notice for each change someone else made; one notice when many arrive."""
        theirs = [a for a in news if a.member != self.store.user]
        if not theirs:
            return
        if len(theirs) <= 3:
            for entry in theirs:
                self.notify(describe(entry), markup=False, timeout=6)
        else:
            who = ", ".join(sorted({a.member for a in theirs}))
            records = ", ".join(dict.fromkeys(a.record for a in theirs))
            self.notify(clean(f"{who}: {len(theirs)} changes ({records})"), markup=False, timeout=8)

    def refresh_screens(self) -> None:
        """Redraw every open screen from the new snapshot; dialogs keep what is typed."""
        for screen in self.screen_stack:
            refresh = getattr(screen, "live_refresh", None)
            if refresh is not None and screen.is_mounted:
                try:
                    refresh()
                except NoMatches:
                    pass  # the screen is being torn down (the app is closing): nothing left to redraw

    def _heartbeat(self) -> None:
        self._check_read_only()
        self.presence.beat()
        others = self.presence.others()
        if self.workplan is not None:
            self.sync_status = sync_state.status(self.store)
        words = self.sync_words()  # "synced 5 min ago" changes with the clock alone
        if others != self.others or words != self._sync_shown:
            self.others = others
            self._sync_shown = words
            self.refresh_screens()

    # --- sharing through git (workplan sync) ------------------------------------------------

    def sync_words(self) -> str:
        """'synced 5 min ago, 2 unshared' for the header, or '' when the file is not in git."""
        return self.sync_status.words(self.now()) if self.sync_status is not None else ""

    def sync_now(self) -> None:
        """Run 'workplan sync' in a thread; a notice says what it did, the board reloads."""
        if self._syncing:
            self.notify("A sync is already running.", markup=False)
            return
        if self.sync_status is None:
            self.notify(
                "This file is not in a git repository, so there is nothing to sync with (see 'workplan sync --help').",
                severity="warning",
                markup=False,
                timeout=8,
            )
            return
        self._syncing = True
        self.notify("Syncing…", markup=False, timeout=3)
        self._sync_in_thread()

    @work(thread=True, exclusive=True, group="sync")
    def _sync_in_thread(self) -> None:
        from workplan_tui.sync.run import SyncError, sync

        store = Store(self.store.path, user=self.store.user, lock_timeout=self.store.lock_timeout)
        try:
            report = sync(store)
        except (SyncError, StoreError) as exc:
            self.call_from_thread(self._synced, None, str(exc))
            return
        except Exception as exc:  # the board stays up whatever git or the disk does
            self.call_from_thread(self._synced, None, f"sync failed: {exc}")
            return
        self.call_from_thread(self._synced, report, None)

    def _synced(self, report: dict[str, Any] | None, error: str | None) -> None:
        self._syncing = False
        if report is not None and report.get("merged"):
            self.my_changes.clear()  # a merge may have renumbered my log entries: undo would miss
        if report is None:
            self.notify(clean(error or "sync failed"), title="Sync", severity="error", markup=False, timeout=15)
        else:
            merged = report.get("merged") or {}
            text = merged.get("summary") or ("Shared." if report.get("pushed") else "Already up to date.")
            conflicts = report.get("conflicts") or []
            if conflicts:
                text += f" {len(conflicts)} conflict(s): 'Settle conflicts' in the palette (ctrl+p)."
            self.notify(clean(text), title="Sync", severity="warning" if conflicts else "information", markup=False)
        self.reload()
        self.refresh_screens()

    def settle_conflicts(self) -> None:
        """Show the conflicts a sync recorded on one record in the conflict dialog (mine /
        theirs per field); what is chosen is settled through the store, then the next record."""
        from workplan_tui.ui.modals import ConflictDialog

        workplan = self.workplan
        if workplan is None or not workplan.conflicts:
            self.notify("No conflicts to settle.", markup=False)
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
            rows.append((name, conflict.base, conflict.sides[theirs].value, conflict.sides[mine].value))
            picks[name] = (conflict.id, mine, theirs)
        record = first.record

        def chosen(choice: dict[str, str] | None) -> None:
            if choice is None:
                self.notify("Nothing settled.", markup=False)
                return
            for name, pick in choice.items():
                conflict_id, mine, theirs = picks[name]
                side = str((mine if pick == "mine" else theirs) + 1)
                if not self.change(partial(actions.resolve_conflict, self.store, conflict_id, side)):
                    return
            self.reload()
            self.refresh_screens()
            left = len(self.workplan.conflicts) if self.workplan else 0
            more = f" {left} more to settle." if left else ""
            self.notify(clean(f"Settled the conflicts on {record}.{more}"), markup=False)
            if left:
                self.call_later(self.settle_conflicts)

        heading = f"{record} was changed in both copies (merged by {first.merged_by or 'a sync'}): keep which?"
        self.push_screen(ConflictDialog(heading, rows, [], labels=labels or None), chosen)

    def figures(self) -> list[PlanFigures]:
        """Per-plan figures, active plans first."""
        if self.workplan is None:
            return []
        if self._figures is None:
            order = {"active": 0, "proposed": 1, "draft": 2, "completed": 3, "archived": 4}
            figures = plan_figures(self.workplan, self.today())
            self._figures = sorted(figures, key=lambda f: (order[f.plan.status], f.plan.id))
        return self._figures

    def _check_read_only(self) -> None:
        """Ask the store again why I cannot write (a few stat calls); redraw when the answer changed.

        The cause may come or go at any time: a remount, a chmod, a folder made sticky.
        """
        reason = self.store.read_only_reason()
        if reason != self.read_only:
            self.read_only = reason
            self.refresh_screens()

    def cannot_change(self) -> str | None:
        """Why my changes cannot be written now (the file is read-only, I am not a member), or None."""
        self._check_read_only()
        if self.read_only:
            return f"Read-only: {clean(self.read_only)}."
        workplan = self.workplan
        if workplan is not None and workplan.members:
            problem = identity.refusal(identity.bindings(workplan.members.values()), self.store.user, self.store.login)
            if problem:
                return f"{clean(problem)}."
        return None

    def can_change(self, report: Report | None = None) -> bool:
        """True when a change may be tried; else the reason goes to ``report`` (a form shows it), or a notice."""
        problem = self.cannot_change()
        if problem is None:
            return True
        if report is not None:
            report(problem)
        else:
            self.notify(problem, severity="warning", markup=False, timeout=8)
        return False

    def _refused(self, message: str, report: Report | None) -> None:
        if report is not None:
            report(message)
        else:
            self.notify(message, severity="error", markup=False, timeout=8)

    def change(self, apply: Callable[[], Any], *, raise_conflict: bool = False, report: Report | None = None) -> bool:
        """Run one store action; show a clear notice instead of failing. True when it landed.

        With ``raise_conflict`` a ConflictError reaches the caller, which resolves it. With
        ``report``, why a change was refused goes there instead of a notice: a form shows
        it in itself and stays open with what was typed.
        """
        if not self.can_change(report):
            return False
        try:
            record = apply()
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
        # Patch my copy only when the write found the file as I last read it (the store
        # knows, under the lock); else someone wrote in between: read it all and say what.
        if self.store.last_write_fresh and isinstance(record, dict) and str(record.get("id", "")).startswith("T"):
            self._patch_task(record)
        else:
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
        before = {name: getattr(original, name) for name in mine}
        merged = {n: v for n, v in mine.items() if theirs.get(n) in (before[n], v)}
        conflicts = [(n, before[n], theirs.get(n), v) for n, v in mine.items() if n not in merged]
        fresh = schema.task_from_raw(str(original.id), theirs)
        if not conflicts:
            self.notify(f"{original.label} had changed; your edits were merged with theirs.", markup=False)
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
                    self.notify("Nothing saved.", markup=False)
                return
            final = {**merged, **{n: mine[n] for n, pick in choice.items() if pick == "mine"}}
            final = {n: v for n, v in final.items() if theirs.get(n) != v}
            if final:
                self.save_task(fresh, final, done, report)
            else:
                self.reload()
                done()

        self.push_screen(
            ConflictDialog(f"{original.label} was changed by {who} since you opened it", conflicts, sorted(merged)),
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
            self.notify("Nothing of yours to undo in this session.", markup=False)
            return False
        entry_id = pending[-1]
        if not self.change(lambda: actions.undo(self.store, entry_id)):
            return False
        self.my_changes.remove(entry_id)
        undo_id = self.my_changes.pop()  # the undo entry itself is not a change to undo
        # what the undo did ('T26 status done → doing'), not the change it took back
        self.notify(f"Undone: {describe_id(self.store, undo_id, who=False)}", markup=False, timeout=5)
        return True

    def _patch_task(self, record: dict[str, Any]) -> None:
        """Put the changed task into the snapshot without rebuilding 10,000 others."""
        assert self.workplan is not None
        task_id, raw = contract.stored("tasks", record)  # the action's record is in the JSON contract's shape
        self.workplan.tasks[task_id] = schema.task_from_raw(str(task_id), raw)
        self._figures = None

    def set_stage(self, stage: str) -> None:
        if self.change(lambda: actions.set_stage(self.store, stage)):
            refresh = getattr(self.screen, "refresh_data", None)
            if refresh is not None:
                refresh()
            self.notify(f"The partnership is now {stage}.", markup=False)

    # --- command palette -------------------------------------------------------------

    def write_report(self) -> None:
        """The palette's "Meeting report": the week's report in Markdown, beside the partnership
        file (or, if its folder is not writable, in the current folder); a notice says where."""
        from datetime import timedelta

        from workplan_tui.exchange import markdown, report

        today = self.today()
        try:
            made = report.build(self.store, today=today, now=self.now(), since=today - timedelta(days=7))
            path = report.write_beside(self.store, markdown.render(made), today)
        except (StoreError, RuleError) as exc:
            self.notify(f"No report written: {clean(str(exc))}", severity="error", markup=False, timeout=8)
            return
        except OSError as exc:
            self.notify(f"No report written: {clean(os_reason(exc))}", severity="error", markup=False, timeout=8)
            return
        self.notify(f"Meeting report written to {clean(str(path))}", markup=False, timeout=10)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Sync now", "share my changes and bring in the other partners' (workplan sync)", self.sync_now
        )
        if self.workplan is not None and self.workplan.conflicts:
            yield SystemCommand(
                "Settle conflicts",
                f"{len(self.workplan.conflicts)} field(s) changed in two copies: keep mine or theirs",
                self.settle_conflicts,
            )
        yield SystemCommand(
            "Meeting report",
            "write this week's report (Markdown: decisions, outcomes, attention, resources, norms) beside the file",
            self.write_report,
        )
        for stage in STAGES:
            yield SystemCommand(
                f"Stage: {stage}",
                "set the partnership's stage (forming, storming, norming, performing)",
                lambda stage=stage: self.set_stage(stage),
            )
        seen: set[str] = set()
        for binding in getattr(screen, "BINDINGS", []):
            description = getattr(binding, "description", "")
            if not description or description in seen or binding.action in ("app.quit",):
                continue
            seen.add(description)
            yield SystemCommand(
                description,
                "key: "
                + " or ".join(  # never the action's code, e.g. bump(10)
                    self.get_key_display(replace(binding, key=key.strip())) for key in binding.key.split(",")
                ),
                lambda action=binding.action: self.call_later(screen.run_action, action),
            )


def solid_ansi(
    variables: dict[str, str], background: str | None, foreground: str | None, own: set[str]
) -> dict[str, str]:
    """A theme of ANSI colours' variables with the terminal's default colour (``ansi_default``,
    also at an alpha) replaced by the theme's ``background`` for backgrounds and its
    ``foreground`` for text; variables in ``own`` (the theme set them) are kept."""
    if not background or not foreground or "ansi_default" in (background, foreground):
        return variables  # a theme made of the terminal's defaults (Textual's ansi-dark): keep them
    solid = dict(variables)
    for name, value in variables.items():
        if name in own or not value.startswith("ansi_default"):
            continue
        behind = "background" in name or name in ("surface", "panel", "boost", "scrollbar-corner-color")
        solid[name] = background if behind else foreground
    return solid


def describe_id(store: Store, entry_id: int, *, who: bool = True) -> str:
    """'bob: T12 progress 40 → 60' for a log entry by id, or 'A12' when it cannot be read."""
    try:
        entry = store.history().entry(entry_id)
    except StoreError:
        entry = None
    return describe(entry, who=who) if entry else f"A{entry_id}"


def make_app(
    path: str | Path,
    *,
    user: str | None = None,
    now: datetime | None = None,
    theme: str | None = None,
    store: Store | None = None,
) -> WorkplanApp:
    """Build the app for a partnership file (the CLI, tests and snapshots all call this)."""
    if store is None:
        store = Store(path, user=user, clock=(lambda: now) if now is not None else utc_now)
    return WorkplanApp(store, now=now, theme=theme)
