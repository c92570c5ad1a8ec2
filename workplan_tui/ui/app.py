"""The Textual app: one factory builds it for the CLI, the tests and the snapshots."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen

from workplan_tui.model import schema
from workplan_tui.model.dates import DateError
from workplan_tui.model.overview import PlanFigures, plan_figures
from workplan_tui.model.records import STAGES, Workplan
from workplan_tui.model.rules import RuleError
from workplan_tui.model.text import clean
from workplan_tui.store import actions
from workplan_tui.store.storage import StoreError
from workplan_tui.store.store import Store, utc_now
from workplan_tui.ui.themes import DEFAULT_THEME, load_settings, load_themes, save_setting
from workplan_tui.ui.widgets import BoardContext


class WorkplanApp(App[None]):
    """A partnership's board. All changes go through ``store`` (``workplan_tui.store.actions``)."""

    TITLE = "workplan"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        store: Store,
        *,
        now: datetime | None = None,
        theme: str | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.fixed_now = now
        self.workplan: Workplan | None = None
        self.context = BoardContext(today=self.today(), me=store.user)
        self._figures: list[PlanFigures] | None = None
        self._requested_theme = theme
        self._theme_problems: list[str] = []
        self._load_themes()

    # --- time ----------------------------------------------------------------------

    def now(self) -> datetime:
        return self.fixed_now or utc_now()

    def today(self) -> date:
        if self.fixed_now is not None:
            return self.fixed_now.astimezone(UTC).date()
        return date.today()

    # --- themes --------------------------------------------------------------------

    def _load_themes(self) -> None:
        loaded = load_themes()
        for theme in loaded.themes:
            self.register_theme(theme)
        self._theme_problems = loaded.problems
        wanted = self._requested_theme or load_settings().get("theme") or DEFAULT_THEME
        if wanted in self.available_themes:
            self.theme = wanted
            if self._requested_theme:
                save_setting("theme", wanted)  # --theme NAME is remembered for next time
        else:
            if self._requested_theme or wanted != DEFAULT_THEME:
                self._theme_problems.append(f"no theme called {clean(wanted)!r}; using the default")
            if DEFAULT_THEME in self.available_themes:
                self.theme = DEFAULT_THEME

    def watch_theme(self, theme: str) -> None:
        if self.is_running:
            save_setting("theme", theme)

    # --- data ------------------------------------------------------------------------

    def on_mount(self) -> None:
        from workplan_tui.ui.board import BoardScreen

        for problem in self._theme_problems:
            self.notify(f"Theme: {clean(problem)}", severity="warning", markup=False, timeout=8)
        self.reload()
        self.push_screen(BoardScreen())

    def reload(self) -> bool:
        """Read the file again (a no-op parse when it has not changed)."""
        try:
            self.workplan = self.store.read()
        except (StoreError, schema.SchemaError) as exc:
            self.notify(str(exc), title="Cannot read the partnership file", severity="error", markup=False, timeout=30)
            return False
        self.context.members = self.workplan.members
        self.context.today = self.today()
        self._figures = None
        return True

    def figures(self) -> list[PlanFigures]:
        """Per-plan figures, active plans first."""
        if self.workplan is None:
            return []
        if self._figures is None:
            order = {"active": 0, "proposed": 1, "draft": 2, "completed": 3, "archived": 4}
            figures = plan_figures(self.workplan, self.today())
            self._figures = sorted(figures, key=lambda f: (order[f.plan.status], f.plan.id))
        return self._figures

    def can_change(self) -> bool:
        workplan = self.workplan
        if workplan is not None and workplan.members and self.store.user not in workplan.members:
            self.notify(
                f"{self.store.user} is not a member of this partnership: ask a member to run "
                f"'workplan member add {self.store.user} --name NAME --partner CODE'.",
                severity="warning",
                markup=False,
                timeout=8,
            )
            return False
        return True

    def change(self, apply: Callable[[], Any]) -> bool:
        """Run one store action; show a clear notice instead of failing. True when it landed."""
        if not self.can_change():
            return False
        others_wrote = self.store.changed_on_disk()
        try:
            record = apply()
        except (StoreError, RuleError, DateError, schema.SchemaError) as exc:
            self.notify(clean(str(exc)), severity="error", markup=False, timeout=8)
            return False
        if not others_wrote and isinstance(record, dict) and str(record.get("id", "")).startswith("T"):
            self._patch_task(record)
        else:
            self.reload()
        return True

    def _patch_task(self, record: dict[str, Any]) -> None:
        """Put the changed task into the snapshot without rebuilding 10,000 others."""
        assert self.workplan is not None
        task_id = int(record["id"][1:])
        self.workplan.tasks[task_id] = schema.task_from_raw(str(task_id), record)
        self._figures = None

    def set_stage(self, stage: str) -> None:
        if self.change(lambda: actions.set_stage(self.store, stage)):
            self.reload()
            refresh = getattr(self.screen, "refresh_data", None)
            if refresh is not None:
                refresh()
            self.notify(f"The partnership is now {stage}.", markup=False)

    # --- command palette -------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
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
            key = binding.key.split(",")[0]
            yield SystemCommand(
                description,
                f"{binding.action} (key: {key})",
                lambda action=binding.action: self.call_later(screen.run_action, action),
            )


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
