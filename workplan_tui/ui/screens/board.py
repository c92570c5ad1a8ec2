"""The home screen: every plan at a glance, the selected plan's board or table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from workplan_tui.model import identity, rules
from workplan_tui.model.overview import FILTER_HELP, PlanFigures, TaskFilter, tasks_by_column
from workplan_tui.model.records import RULES, TASK_STATUSES, UNDECIDED_PLAN_STATUSES, Plan, Task
from workplan_tui.model.rules import RULE_WORDS
from workplan_tui.model.text import clean
from workplan_tui.store import actions
from workplan_tui.ui.keys import BOARD_KEYS
from workplan_tui.ui.safe import content
from workplan_tui.ui.screens.task_actions import TaskActions
from workplan_tui.ui.widgets import (
    HEALTH_STYLES,
    CardColumn,
    FilterBox,
    KeyBar,
    PlanList,
    TaskTable,
    TaskTableView,
    VirtualList,
    fit,
    health_marker,
    health_part,
    number,
    outcome_parts,
)

if TYPE_CHECKING:
    from workplan_tui.ui.app import WorkplanApp

OUTCOME_STYLES = {
    "title": "bold",
    "bar": "$success",
    "bar-empty": "$foreground 25%",
    "meta": "$text-muted",
    "expected": "$accent bold",
    **HEALTH_STYLES,
}
REASON_HEIGHT = 30  # from this many lines, the selected plan's health and its reason get a line of their own
REOPEN = "press U"  # how the board reopens a plan, where the command line says 'workplan plan reopen P1'
COLUMNS = tuple(zip(TASK_STATUSES, ("To do", "Doing", "Blocked", "Done"), strict=True))  # (status, title)


# a milestone on the board: its words, in the order they give way, and the styled parts after them
MilestoneLine = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]


def milestone_words(words: tuple[str, ...], room: int) -> str:
    """A milestone's words joined by ' · ' in ``room`` cells: the open work goes first, then the
    day, before the name is cut below 16 cells; a part is shown whole or not at all."""
    shown = list(words)
    while len(shown) > 1 and cell_len(" · ".join(shown)) > room:
        if len(shown) == 2 and room - cell_len(" · " + shown[1]) >= 16:
            return fit(shown[0], room - cell_len(" · " + shown[1])) + " · " + shown[1]
        shown.pop()
    return fit(" · ".join(shown), room)


class BoardScreen(TaskActions):
    BINDINGS = BOARD_KEYS
    CSS_PATH = "board.tcss"
    REOPEN = REOPEN
    NO_TASK = "No task selected: this column has no card (← → move between columns)."

    app: WorkplanApp

    def __init__(self) -> None:
        super().__init__()
        self.plan_index = 0
        self.column_index = 0
        self.table_mode = False
        self.filter_terms: list[str] = []
        self.figures: list[PlanFigures] = []
        self._shown: dict[str, object] = {}  # what each static part last showed, to skip needless redraws
        self._counted: dict[int, tuple[PlanFigures, object, int]] = {}  # plan id -> (figures, filter, matches)

    def compose(self) -> ComposeResult:
        context = self.session.context
        yield Static(id="banner")
        yield Static(id="header")
        yield PlanList(id="plans")
        yield Static(id="outcomes")
        with Horizontal(id="columns"):
            for status, title in COLUMNS:
                with Vertical(classes="column"):
                    yield Static(title, classes="column-title", id=f"title-{status}")
                    yield CardColumn(status, context, id=f"col-{status}")
        yield TaskTableView(context, id="table-view")
        yield FilterBox(f"filter: {FILTER_HELP}")
        yield KeyBar()

    # --- data -> widgets ----------------------------------------------------------

    @property
    def columns(self) -> list[CardColumn]:
        return [self.query_one(f"#col-{status}", CardColumn) for status, _ in COLUMNS]

    @property
    def table(self) -> TaskTable:
        return self.query_one("#table", TaskTable)

    @property
    def plan(self) -> PlanFigures | None:
        return self.figures[self.plan_index] if self.figures else None

    def on_mount(self) -> None:
        self.query_one("#plans", PlanList).empty_text = " Loading…"
        self.query_one("#table-view").display = False
        self.refresh_data()
        self.call_after_refresh(self.app.collect_from_now)

    def on_resize(self) -> None:
        if not self._changed("size", self.size):
            return  # Textual sends the same size again while it starts: nothing to redo
        self._size_plan_list()
        if self.figures:
            self._show_header()
            self._show_plan()

    def _size_plan_list(self) -> None:
        plans = self.query_one("#plans", PlanList)
        room = max(1, self.size.height // 8)
        height = max(1, min(len(self.figures) or 1, room))
        if plans.styles.height is None or plans.styles.height.value != height:
            plans.styles.height = height
        plans.scroll_to_cursor()

    def _changed(self, part: str, signature: object) -> bool:
        """True (and remembered) when ``part`` would now show something different."""
        if self._shown.get(part) == signature:
            return False
        self._shown[part] = signature
        return True

    def live_refresh(self) -> None:
        """Someone else changed the file: same plan, same card, same scroll position."""
        task = self.selected_task()
        self.refresh_data(follow=task.id if task else None, keep_cursor=True)

    def refresh_data(self, follow: int | None = None, keep_cursor: bool = False) -> None:
        """Redraw from the app's current snapshot; ``follow`` keeps that task selected."""
        if self.session.workplan is None:
            return
        plan_id = self.plan.plan.id if self.plan else None
        self.figures = self.session.figures()
        ids = [f.plan.id for f in self.figures]
        if plan_id in ids:
            self.plan_index = ids.index(plan_id)
        self.plan_index = max(0, min(self.plan_index, len(self.figures) - 1))
        self._size_plan_list()
        plans = self.query_one("#plans", PlanList)
        plans.empty_text = " No plans yet: ctrl+n adds one."
        plans.set_items(self.figures, self.plan_index)
        plans.set_active(True)
        self._show_header()
        self._show_plan(follow)

    def _show_header(self) -> None:
        wp = self.session.workplan
        if wp is None:
            return
        p = wp.partnership
        others = tuple(self.session.others)
        synced = self.session.sync_words()
        conflicts = len(wp.conflicts)
        signature: tuple[object, ...] = (p.name, p.stage, len(wp.plans), tuple(self.filter_terms), self.size.width)
        signature += (others, synced, conflicts)
        banner = self.query_one("#banner", Static)
        banner.display = bool(self.session.read_only)
        if self.session.read_only and self._changed("banner", self.session.read_only):
            banner.update(Content(f" Read-only: {clean(self.session.read_only)}"))
        if not self._changed("header", signature):
            return
        me = self.session.context.me
        who = f"you: {me}" if me in wp.members else f"you: {me} (not a member: read-only)"
        if me in wp.members and self.session.store.login not in identity.accounts_of(wp.members[me]):
            who = f"you: {me} (not from your account: read-only)"
        stage = f" · {p.stage}"
        plans = f"{len(wp.plans)} plan{'s' if len(wp.plans) != 1 else ''}"
        # (what, how much it matters): the least that matters gives way first in a narrow terminal
        parts = [
            (f"also here: {', '.join(others)}" if others else "", 3),
            (f"{conflicts} conflict{'s' if conflicts > 1 else ''} to settle (ctrl+p)" if conflicts else "", 5),
            (synced, 2),
            (plans, 1),
            (f"filter: {' '.join(self.filter_terms)}" if self.filter_terms else "", 6),
            (self.session.store.given.name, 0),  # which file is open
            (who, 9),  # never left out: whom the board acts as, and whether it can change anything
        ]
        shown = [(text, weight) for text, weight in parts if text]
        name_room = 16  # the partnership's name keeps at least this much
        while len(shown) > 1:
            right_text = " · ".join(text for text, _ in shown)
            if cell_len(right_text) + cell_len(stage) + name_room + 3 <= self.size.width:
                break
            shown.remove(min(shown, key=lambda part: part[1]))
        right_text = " · ".join(text for text, _ in shown)
        room = self.size.width - cell_len(stage) - cell_len(right_text) - 3
        if room < 8:  # whom the board acts as comes before the stage, and the name keeps a start
            stage, room = "", self.size.width - cell_len(right_text) - 3
        left = Content.assemble((fit(p.name, max(6, min(44, room))), "bold"), stage)
        right = Content(fit(right_text, max(10, self.size.width - left.cell_length - 3)))
        gap = max(1, self.size.width - left.cell_length - right.cell_length - 2)
        self.query_one("#header", Static).update(Content.assemble(" ", left, " " * gap, right))

    def _show_plan(self, follow: int | None = None) -> None:
        fig = self.plan
        outcomes = self.query_one("#outcomes", Static)
        if fig is None:
            self._shown.pop("outcomes", None)
            outcomes.update("")
            for column in self.columns:
                column.set_items([])
            self.table.set_items([])
            return
        width = max(40, self.size.width - 2)
        milestone = self._milestone_line(fig)
        signature = (
            width,
            self.size.height >= REASON_HEIGHT,
            fig.forecast,
            tuple((o.id, o.name, o.current, o.target, o.unit, fig.outcome_forecasts.get(o.id)) for o in fig.outcomes),
            milestone,
        )
        if self._changed("outcomes", signature):
            self._show_outcomes(fig, width, milestone)
        self._show_tasks(fig, follow)

    def _milestone_line(self, fig: PlanFigures) -> MilestoneLine | None:
        """The plan's next milestone as its words ('◆ D1 Beds ready', 'Sat 19 Dec', '2 of 5 tasks
        open', in the order they give way) and (text, style) parts after them (' · ', 'at risk'),
        or None when it has none to come (model/schedule.py)."""
        from workplan_tui.model.dates import short_date
        from workplan_tui.model.schedule import milestone_forecast, next_milestone

        wp = self.session.workplan
        if wp is None or not wp.milestones:
            return None
        today = self.session.context.today
        milestone = next_milestone(wp, fig.plan, today)
        if milestone is None:
            return None
        f = milestone_forecast(milestone, wp, today, self.session.context.schedule)
        when = short_date(date.fromisoformat(milestone.due), today=today)
        open_work = f"{len(f.open_tasks)} of {f.total_tasks} tasks open" if f.total_tasks else ""
        if f.open_outcomes:
            open_work += f"{', ' if open_work else ''}{len(f.open_outcomes)} outcome(s) short"
        words = (f"◆ {milestone.label} {clean(milestone.name)}", when, *([open_work] if open_work else []))
        return words, ((" · ", ""), (health_marker(f.health), HEALTH_STYLES[health_part(f.health)]))

    def _show_outcomes(self, fig: PlanFigures, width: int, milestone: MilestoneLine | None = None) -> None:
        outcomes = self.query_one("#outcomes", Static)
        lines = []
        if self.size.height >= REASON_HEIGHT:
            health = fig.forecast.health
            lines.append(
                Content.assemble(
                    f" {fig.plan.label} ",
                    (health_marker(health), HEALTH_STYLES[health_part(health)]),
                    (fit(f": {fig.forecast.reason}", width - 16) if fig.forecast.reason else "", "$text-muted"),
                )
            )
        shown = fig.outcomes[:3]
        widest = max((cell_len(rules.outcome_figures(o, number)) + 1 for o in shown), default=0)
        names = max((cell_len(clean(o.name)) for o in shown), default=0)
        for outcome in shown:
            parts = outcome_parts(outcome, width, widest, fig.outcome_forecasts.get(outcome.id), names)
            lines.append(Content.assemble(" ", *[(text, OUTCOME_STYLES[cls]) for text, cls in parts]))
        if len(fig.outcomes) > 3:
            lines.append(Content(f" … and {len(fig.outcomes) - 3} more outcomes"))
        if not fig.outcomes:
            lines.append(content(" No measurable outcomes yet.", "italic"))
        if milestone is not None:
            words, rest = milestone
            room = width - 1 - sum(cell_len(t) for t, _ in rest)
            lines.append(Content.assemble(" ", (milestone_words(words, room), "bold"), *rest))
        outcomes.update(Content("\n").join(lines))
        outcomes.styles.height = len(lines)

    def task_filter(self) -> TaskFilter:
        wp = self.session.workplan
        partner_of = {h: m.partner for h, m in wp.members.items()} if wp else {}
        return TaskFilter(
            self.filter_terms, partner_of, self.session.context.today, self.session.context.me, wp.tasks if wp else None
        )

    def _show_tasks(self, fig: PlanFigures, follow: int | None) -> None:
        keep = self.task_filter()
        plans = self.query_one("#plans", PlanList)
        plans.set_matches({f.plan.id: self._matching(f, keep) for f in self.figures} if keep else None)
        context = self.session.context
        signature = (fig, tuple(self.filter_terms), context.today, context.members, self.table_mode, follow)
        if not self._changed("tasks", signature):
            return  # nothing this plan shows changed (figures are kept while nothing in the plan changes)
        tasks = [t for t in fig.tasks if keep(t)] if keep else fig.tasks
        grouped = tasks_by_column(tasks)
        for (status, title), column in zip(COLUMNS, self.columns, strict=True):
            items = grouped[status]
            cursor = None
            if follow is not None:
                for i, t in enumerate(items):
                    if t.id == follow:
                        cursor = i
                        self.column_index = [s for s, _ in COLUMNS].index(status)
            column.set_items(items, cursor)
            if self._changed(f"title-{status}", len(items)):
                self.query_one(f"#title-{status}", Static).update(Content(f" {title} ({len(items)})"))
        table_items = sorted(tasks, key=lambda t: (TASK_STATUSES.index(t.status), t.due or "9999"))
        cursor = next((i for i, t in enumerate(table_items) if t.id == follow), None)
        self.table.set_items(table_items, cursor)
        self._activate()

    def _matching(self, fig: PlanFigures, keep: TaskFilter) -> int:
        """How many of a plan's tasks the filter keeps (counted once per plan's figures and filter)."""
        key = (tuple(self.filter_terms), self.session.context.today, self.session.context.members)
        counted = self._counted.get(fig.plan.id)
        if counted is None or counted[0] is not fig or counted[1] != key:
            counted = self._counted[fig.plan.id] = (fig, key, sum(1 for t in fig.tasks if keep(t)))
        return counted[2]

    def _activate(self) -> None:
        for i, column in enumerate(self.columns):
            column.set_active(i == self.column_index and not self.table_mode)
            if i == self.column_index:
                column.scroll_to_cursor()
        self.table.set_active(self.table_mode)
        if self.table_mode:
            self.table.scroll_to_cursor()

    # --- the selected task --------------------------------------------------------

    def selected_task(self) -> Task | None:
        if self.table_mode:
            return self.table.current
        return self.columns[self.column_index].current

    def after_change(self, task_id: int | None) -> None:
        self.refresh_data(follow=task_id)

    # --- navigation ------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        (self.table if self.table_mode else self.columns[self.column_index]).move(delta)

    def action_column(self, delta: int) -> None:
        if self.table_mode:
            return
        self.column_index = (self.column_index + delta) % len(COLUMNS)
        self._activate()

    def action_plan(self, delta: int) -> None:
        if not self.figures:
            return
        self.plan_index = (self.plan_index + delta) % len(self.figures)
        plans = self.query_one("#plans", PlanList)
        plans.move_to(self.plan_index)
        for column in self.columns:
            column.cursor = 0
            column.scroll_to(0, 0, animate=False)
        self.table.cursor = 0
        self._shown.pop("tasks", None)  # the cursors went back to the top: set them again
        self._show_plan()
        self._leave_empty_column()

    def no_task(self) -> str:
        """With a card elsewhere: ``NO_TASK`` (move to it); with none shown at all, why (the
        filter, or a plan without tasks), so no one is sent looking in the other columns."""
        if self.table_mode or any(c.items for c in self.columns):
            return self.NO_TASK if not self.table_mode else "No task selected: this plan shows no task."
        if self.plan is None:
            return "No task selected: there is no plan yet (ctrl+n adds one)."
        plan = self.plan.plan.label
        if self.filter_terms:
            shown = clean(" ".join(self.filter_terms))
            return f"No task of {plan} matches the filter '{shown}' (escape clears it; tab: the next plan)."
        return f"No task selected: {plan} has no tasks yet (n adds one)."

    def _leave_empty_column(self) -> None:
        """After a plan switch: stay in the same column if it has cards, else go to the first
        that has some, so the task keys have a card to act on."""
        columns = self.columns
        if not columns[self.column_index].items:
            self.column_index = next((i for i, c in enumerate(columns) if c.items), self.column_index)
            self._activate()

    @on(VirtualList.Selected)
    def _clicked(self, event: VirtualList.Selected) -> None:
        if isinstance(event.source, PlanList):
            self.plan_index = event.index
            self._show_plan()
            self._leave_empty_column()
        elif isinstance(event.source, CardColumn):
            self.column_index = self.columns.index(event.source)
            self._activate()

    def action_toggle_table(self) -> None:
        self.table_mode = not self.table_mode
        self.query_one("#columns").display = not self.table_mode
        self.query_one("#table-view").display = self.table_mode
        task = self.selected_task()
        self._show_plan(follow=task.id if task else None)

    # --- filter -----------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one(FilterBox).open()

    def on_filter_box_filtered(self, event: FilterBox.Filtered) -> None:
        self.filter_terms = event.terms
        self._filtered()

    def action_clear_filter(self) -> None:
        self.query_one(FilterBox).close()
        self.filter_terms = []
        self._filtered()

    def action_mine(self) -> None:
        """``m``: only my tasks, on every plan (the plan list counts them), or all again."""
        box = self.query_one(FilterBox)
        terms = [t for t in self.filter_terms if t.lower() != "mine"]
        if len(terms) == len(self.filter_terms):
            terms.append("mine")
        self.filter_terms = terms
        with box.prevent(FilterBox.Changed):
            box.value = " ".join(terms)
        box.display = bool(terms)
        self._filtered()

    def _filtered(self) -> None:
        """Redraw for the filter as it is now, the selection in a column that has cards (an empty
        one left '+' with nothing to act on)."""
        task = self.selected_task()
        self._show_header()
        self._show_plan(follow=task.id if task else None)
        self._leave_empty_column()

    def action_reload(self) -> None:
        self.session.reload()
        self.live_refresh()

    def action_timeline(self) -> None:
        from workplan_tui.ui.screens.timeline import TimelineScreen

        fig = self.plan
        task = self.selected_task()
        mine = any(t.lower() == "mine" for t in self.filter_terms)  # m on the board: mine there too
        self.app.push_screen(
            TimelineScreen(fig.plan.id if fig else None, task.id if task else None, mine=mine),
            lambda _: self.refresh_data(),
        )

    def action_review(self) -> None:
        from workplan_tui.ui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(), lambda _: self.refresh_data())

    def action_screen_for_plan(self, which: str) -> None:
        from workplan_tui.ui.screens.buyin import BuyInScreen
        from workplan_tui.ui.screens.outcomes import OutcomesScreen

        fig = self.plan
        if fig is None:
            self.app.notify("Add a plan first: ctrl+n", severity="warning")
            return
        screen = BuyInScreen(fig.plan.id) if which == "buyin" else OutcomesScreen(fig.plan.id)
        self.app.push_screen(screen, lambda _: self.refresh_data())

    def action_open_screen(self, which: str) -> None:
        from workplan_tui.ui.screens.activity import ActivityScreen
        from workplan_tui.ui.screens.meetings import MeetingsScreen
        from workplan_tui.ui.screens.norms import NormsScreen
        from workplan_tui.ui.screens.partners import PartnersScreen
        from workplan_tui.ui.screens.people import PeopleScreen

        screens = {
            "norms": NormsScreen,
            "partners": PartnersScreen,
            "people": PeopleScreen,
            "activity": ActivityScreen,
            "meetings": MeetingsScreen,
        }
        self.app.push_screen(screens[which](), lambda _: self.refresh_data())

    def action_help(self) -> None:
        from workplan_tui.ui.modals import HelpScreen

        self.app.push_screen(HelpScreen("Board", BOARD_KEYS))

    def action_new(self) -> None:
        if not self.session.can_change():
            return
        fig = self.plan
        if fig is None:
            self.app.notify("Add a plan first: ctrl+n", severity="warning")
            return
        closed = rules.closed_to_new(fig.plan, "tasks", REOPEN)  # the rule the store applies, asked before typing
        if closed:
            self.app.notify(closed, severity="warning", markup=False)
            return
        self.open_editor(None, fig.plan.id)

    # --- plans: new, edit (title, scope, dates, rule), un-archive -------------------------

    def _plan_form(self, title: str, plan: Plan | None, done: Callable[[dict[str, Any]], Plan]) -> None:
        """The plan's title, scope, start and end, and buy-in rule; the rule only while it may
        change (``rules.rule_change``: a draft or proposed plan), else shown with the reason.
        ``done`` gets the dates as YYYY-MM-DD (or None). A refused save (a date it cannot read,
        an end before the start) shows in the form, which keeps what was typed."""
        if not self.session.can_change():
            return
        # with its editors: not before the first paint
        from workplan_tui.ui.forms import Field, FormDialog, lead_field, typed_day

        rule_words = [(f"{rule}: {RULE_WORDS[rule]}", rule) for rule in RULES]
        if plan is None or plan.status in UNDECIDED_PLAN_STATUSES:
            rule = Field("rule", "Buy-in rule", "choice", plan.rule if plan else "consensus", True, rule_words)
        else:
            rule = Field(
                "rule",
                "Buy-in rule",
                "note",
                f"{plan.rule}: {RULE_WORDS.get(plan.rule, plan.rule)}",
                hint=f"Fixed: {plan.label} is {plan.status}, and its buy-in was decided under this rule "
                "(a rule changes only while a plan is a draft or proposed).",
            )
        fields = [
            Field("title", "Title", value=plan.title if plan else "", required=True),
            Field("scope", "Scope (what the plan covers)", "area", plan.scope if plan else ""),
            Field("start", "Start (mon, dec 1, 2026-12-01; empty for none)", value=plan.start or "" if plan else ""),
            Field("end", "End: when it should be done (mar 31, in 12 weeks)", value=plan.end or "" if plan else ""),
            rule,
            lead_field(self.session.workplan, plan.lead if plan else None),
        ]
        saved: list[Plan] = []

        def save(values: dict[str, Any]) -> str | None:
            def apply() -> None:
                today = self.session.today()
                dated = {**values, "start": typed_day(values["start"], today), "end": typed_day(values["end"], today)}
                saved.append(done(dated))

            return self.session.attempt(apply)

        def finished(values: dict[str, Any] | None) -> None:
            if values is not None and saved:
                self.show_plan_id(saved[-1].id)

        self.app.push_screen(FormDialog(title, fields, save=save), finished)

    def show_task(self, task_id: int) -> None:
        """Select a task (the palette found it): its plan, its column or table row; a filter that
        hides it is cleared."""
        wp = self.session.workplan
        task = wp.tasks.get(task_id) if wp else None
        if task is None:
            return
        if self.filter_terms and not self.task_filter()(task):
            self.action_clear_filter()
        self.show_plan_id(task.plan)
        self._show_plan(follow=task_id)

    def show_plan_id(self, plan_id: int) -> None:
        """Redraw with that plan selected."""
        self.refresh_data()
        ids = [f.plan.id for f in self.figures]
        if plan_id in ids and ids.index(plan_id) != self.plan_index:
            self.action_plan(ids.index(plan_id) - self.plan_index)

    def action_new_plan(self) -> None:
        self._plan_form(
            "New plan (starts as a draft)",
            None,
            lambda v: actions.add_plan(
                self.session.store, v["title"], v["scope"], v["rule"], start=v["start"], end=v["end"], lead=v["lead"]
            ),
        )

    def action_edit_plan(self) -> None:
        fig = self.plan
        if fig is None:
            self.action_new_plan()
            return
        plan = fig.plan
        frozen = rules.frozen(plan, REOPEN)  # asked before typing, as the store would refuse the save
        if frozen:
            self.app.notify(frozen, severity="warning", markup=False)
            return
        self._plan_form(
            f"Edit {plan.label} ({plan.status})",
            plan,
            lambda v: actions.edit_plan(
                self.session.store,
                plan.id,
                title=v["title"],
                scope=v["scope"],
                rule=v.get("rule"),
                dates={"start": v["start"], "end": v["end"]},
                lead=v["lead"] or "",
                expected_rev=plan.rev,
            ),
        )

    def action_unarchive_plan(self) -> None:
        fig = self.plan
        if fig is None:
            return
        plan = fig.plan
        if plan.status not in ("archived", "completed"):
            self.app.notify(f"{plan.label} is {plan.status}: only a closed plan can be reopened.", markup=False)
            return
        if self.session.change(lambda: actions.reopen_plan(self.session.store, plan.id)):
            self.show_plan_id(plan.id)
            status = self.session.workplan.plans[plan.id].status if self.session.workplan else "back"
            self.app.notify(f"{plan.label} is {status} again.", markup=False)
