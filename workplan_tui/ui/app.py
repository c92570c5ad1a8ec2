"""The Textual app: one factory builds it for the CLI, the tests and the snapshots."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.filter import LineFilter, Monochrome, NoColor
from textual.markup import escape
from textual.screen import ModalScreen, Screen

from workplan_tui.model.dates import utc_now
from workplan_tui.model.records import STAGES, parse_label
from workplan_tui.model.rules import RuleError
from workplan_tui.model.text import clean
from workplan_tui.store import actions
from workplan_tui.store.storage import StoreError, os_reason
from workplan_tui.store.store import Store
from workplan_tui.ui.session import Session
from workplan_tui.ui.themes import DEFAULT_THEME, HIGH_CONTRAST, load_settings, load_themes, save_setting

# How often the board checks that its terminal is still there, in seconds, and the exit status
# when it has gone (129 = 128 + SIGHUP: what a hang-up would have ended the process with).
TERMINAL_CHECK_SECONDS = 2.0
TERMINAL_GONE = 129


class TaskCommands(Provider):
    """The palette finds tasks by id (``T12``, ``12``) or by words of their title; choosing one
    shows it on the board, its plan selected and its card under the cursor."""

    LIMIT = 40  # hits at most: a word common to 10,000 titles lists the first of them

    async def search(self, query: str) -> Hits:
        app = self.app
        if not isinstance(app, WorkplanApp) or isinstance(self.screen, ModalScreen):
            return
        workplan = app.session.workplan
        words = query.lower().split()
        if workplan is None or not words:
            return
        matcher = self.matcher(query)
        exact = None
        try:
            exact = parse_label(query.strip(), "tasks")
        except ValueError:
            pass
        found = 0
        for task in workplan.tasks.values():
            text = f"{task.label} {clean(task.title)}"
            lowered = text.lower()
            if task.id != exact and not all(word in lowered for word in words):
                continue
            plan = workplan.plans.get(task.plan)
            where = f"{plan.label} {clean(plan.title)}" if plan else ""
            owner = clean(task.owner) if task.owner else "unassigned"
            score = 100.0 if task.id == exact else max(matcher.match(text), 0.1)  # an id typed: first
            yield Hit(
                score,
                Content(text),  # stored text: never markup (the fuzzy highlighter parses it as markup)
                partial(app.go_to_task, task.id),
                help=escape(f"task · {where} · {task.status} · {owner}"),  # the palette reads help as markup
            )
            found += 1
            if found >= self.LIMIT:
                return


class WorkplanApp(App[None]):
    """A partnership's board: the themes, the first screen and the command palette. The shared
    file (what the screens show, every change, sync) is the ``session``'s (ui/session.py)."""

    TITLE = "workplan"
    # The board's sheet from the start: added when the board is pushed, it made Textual
    # parse every sheet again before the first paint (benchmarks/bench_tui.py).
    CSS_PATH = ["app.tcss", "widgets.tcss", "screens/board.tcss"]
    # ctrl+z puts the board in the background, as in every terminal program (fg brings it
    # back); a field of several lines keeps ctrl+z for undoing what was typed.
    BINDINGS = [Binding("ctrl+z", "suspend_process", "Suspend (fg resumes)", show=False, id="suspend")]
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {TaskCommands}

    def __init__(
        self,
        store: Store,
        *,
        now: datetime | None = None,
        theme: str | None = None,
    ) -> None:
        super().__init__()
        self.session = Session(self, store, now=now)
        self._requested_theme = theme
        self._theme_problems: list[str] = []
        # With NO_COLOR: the filter for a theme of the terminal's own colours (True), or of RGB.
        self._no_color_filters: dict[bool, LineFilter] = {True: NoColor(), False: Monochrome()}
        self._load_themes()

    # --- themes --------------------------------------------------------------------

    def _load_themes(self) -> None:
        loaded = load_themes()
        for theme in loaded.themes:
            self.register_theme(theme)
        self._theme_problems = loaded.problems
        wanted = self._requested_theme or load_settings().get("theme") or self.default_theme()
        if wanted in self.available_themes:
            self.theme = wanted
            if self._requested_theme:
                save_setting("theme", wanted)  # --theme NAME is remembered for next time
        else:
            if self._requested_theme or wanted != DEFAULT_THEME:
                self._theme_problems.append(f"no theme called {clean(wanted)!r}; using the default")
            if DEFAULT_THEME in self.available_themes:
                self.theme = DEFAULT_THEME

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
        if self.is_running:
            save_setting("theme", theme)

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, with NO_COLOR's fitted to the current theme.

        Textual picks its NO_COLOR filter once, for the theme it starts with: greyscale for
        colours it draws itself. A theme of the terminal's own ANSI colours has no RGB to
        turn grey (it came out black on black), so there the colours go back to the
        terminal's defaults, and the selection shows by its reverse video and marker.
        """
        filters = super().get_line_filters()
        if not self.no_color:
            return filters
        wanted = self._no_color_filters[self.native_ansi_color]
        return [wanted if isinstance(f, NoColor | Monochrome) else f for f in filters]

    # --- data ------------------------------------------------------------------------

    def on_mount(self) -> None:
        from workplan_tui.ui.screens.board import BoardScreen

        for problem in self._theme_problems:
            self.notify(f"Theme: {clean(problem)}", severity="warning", markup=False, timeout=8)
        self.session.start()
        if self._terminal_fd() is not None:
            self.set_interval(TERMINAL_CHECK_SECONDS, self._exit_if_terminal_gone, name="the terminal")
        # Pushed, not the default screen: as the default screen its first frame came before
        # its scrollbars, and two more full frames followed (60 % more bytes at start-up).
        self.push_screen(BoardScreen())

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
        self.session.leave()

    def _terminal_fd(self) -> int | None:
        """The terminal the board reads its keys from, or None (tests, the browser, a pipe)."""
        if self.is_headless or self.is_web or sys.__stdin__ is None:
            return None
        try:
            fd = sys.__stdin__.fileno()
        except (OSError, ValueError):
            return None
        return fd if os.isatty(fd) else None

    def _exit_if_terminal_gone(self) -> None:
        """Close the board when its terminal has gone (an SSH connection dropped under
        ``nohup``, a terminal closed while the hang-up signal is ignored): the hang-up that
        would have ended the process never came, and Textual's reader of keys then spins on
        a terminal that only ever says "end of input", a core's worth of CPU for as long as
        the process lives. A terminal that has hung up refuses its settings (EIO), so it is
        no longer a terminal to ``isatty``."""
        if self._terminal_fd() is not None:
            return
        self.exit(return_code=TERMINAL_GONE)

    def go_to_task(self, task_id: int) -> None:
        """The palette's task: back on the board, the task's plan selected and its card under the cursor."""
        from workplan_tui.ui.screens.board import BoardScreen

        while not isinstance(self.screen, BoardScreen) and len(self.screen_stack) > 2:
            self.pop_screen()  # the list screens (people, activity...) are views: nothing is lost
        if isinstance(self.screen, BoardScreen):
            self.screen.show_task(task_id)

    def set_stage(self, stage: str) -> None:
        """The palette's "Stage: ...": set the partnership's stage; every screen shows it."""
        session = self.session
        if session.change(lambda: actions.set_stage(session.store, stage)):
            session.refresh()
            self.notify(f"The partnership is now {stage}.", markup=False)

    # --- command palette -------------------------------------------------------------

    def write_report(self) -> None:
        """The palette's "Meeting report": the week's report in Markdown, beside the partnership
        file (or, if its folder is not writable, in the current folder); a notice says where."""
        from datetime import timedelta

        from workplan_tui.exchange import markdown, report

        session = self.session
        today = session.today()
        try:
            made = report.build(session.store, today=today, now=session.now(), since=today - timedelta(days=7))
            path = report.write_beside(session.store, markdown.render(made), today)
        except (StoreError, RuleError) as exc:
            self.notify(f"No report written: {clean(str(exc))}", severity="error", markup=False, timeout=8)
            return
        except OSError as exc:
            self.notify(f"No report written: {clean(os_reason(exc))}", severity="error", markup=False, timeout=8)
            return
        self.notify(f"Meeting report written to {clean(str(path))}", markup=False, timeout=10)

    def write_minutes(self, meeting_id: int) -> None:
        """A meeting's minutes in Markdown (exchange/minutes.py), beside the partnership file (or,
        if its folder is not writable, in the current folder); a notice says where."""
        from workplan_tui.exchange import minutes, report

        session = self.session
        workplan = session.workplan
        meeting = workplan.meetings.get(meeting_id) if workplan else None
        if workplan is None or meeting is None:
            self.notify("No such meeting.", severity="warning", markup=False)
            return
        text = minutes.render(workplan, meeting, now=session.now(), today=session.today())
        try:
            path = report.write_beside(
                session.store, text, session.today(), name=minutes.file_stem(session.store.path, meeting)
            )
        except OSError as exc:
            self.notify(f"No minutes written: {clean(os_reason(exc))}", severity="error", markup=False, timeout=8)
            return
        self.notify(f"Minutes of {meeting.label} written to {clean(str(path))}", markup=False, timeout=10)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Sync now", "share my changes and bring in the other partners' (workplan sync)", self.session.sync_now
        )
        workplan = self.session.workplan
        if workplan is not None and workplan.conflicts:
            yield SystemCommand(
                "Settle conflicts",
                f"{len(workplan.conflicts)} field(s) changed in two copies: keep mine or theirs",
                self.session.settle_conflicts,
            )
        yield SystemCommand(
            "Meeting report",
            "write this week's report (Markdown: decisions, outcomes, attention, resources, norms) beside the file",
            self.write_report,
        )
        if workplan is not None and workplan.meetings:
            from workplan_tui.model import meetings

            for m in meetings.in_order(workplan.meetings.values())[-5:]:
                yield SystemCommand(  # the palette reads its text as markup: no stored text in it
                    f"Minutes of {m.label} ({m.day})",
                    "write its minutes (Markdown: attendance, decisions, action items, norms) beside the file",
                    lambda meeting_id=m.id: self.write_minutes(meeting_id),
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
