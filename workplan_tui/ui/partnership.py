"""Screens for what a partnership agrees and measures: buy-in, outcomes, norms,
partners, people and the activity log. Decisions come from the model (the same
functions as the CLI); every change goes through ``workplan_tui.store.actions``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.style import Style
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Input, Sparkline, Static

from workplan_tui.model import rules
from workplan_tui.model.dates import format_due
from workplan_tui.model.records import (
    POSITIONS,
    Activity,
    Member,
    Norm,
    Outcome,
    Partner,
    Task,
    id_of_label,
)
from workplan_tui.model.text import clean, short, stamp
from workplan_tui.store import actions
from workplan_tui.store.storage import StoreError
from workplan_tui.ui.changes import changes_line, labelled
from workplan_tui.ui.forms import Field, FormDialog
from workplan_tui.ui.keys import BOARD_KEYS, TASK_KEYS
from workplan_tui.ui.tasks import TaskActions
from workplan_tui.ui.widgets import (
    CardColumn,
    KeyBar,
    LineInput,
    TaskTable,
    VirtualList,
    bar_text,
    fit,
    number,
    pad,
    strip,
)

if TYPE_CHECKING:
    from workplan_tui.ui.app import WorkplanApp

Parts = list[tuple[str, str]]


def ago(timestamp: str, now: datetime) -> str:
    """'today', '3 days ago', '5 weeks ago' for an ISO UTC timestamp."""
    if not timestamp:
        return "never"
    try:
        then = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return clean(timestamp)
    days = (now - then).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    return f"{days // 7} weeks ago"


class RowList(VirtualList[Any]):
    """One line per item, drawn by the screen's ``row`` function."""

    COMPONENT_CLASSES = CardColumn.COMPONENT_CLASSES

    def __init__(self, render_row: Callable[[Any, int], Parts], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.render_row = render_row

    def render_item(self, item: Any, line: int, width: int, base: Style, selected: bool) -> Strip:
        parts = self.render_row(item, width)
        return strip([(t, self.part(c) if c else Style()) for t, c in parts], width, base)

    def move(self, delta: int) -> None:
        super().move(delta)
        self.post_message(self.Selected(self, self.cursor))


class ListScreen(Screen[None]):
    """A header, a list, the selected item's details, the footer."""

    CSS_PATH = ["board.tcss", "partnership.tcss"]
    TITLE_TEXT = ""
    KEYS: list[BindingType] = []
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-10)", "Page up", show=False),
        Binding("pagedown", "cursor(10)", "Page down", show=False),
        Binding("shift+down,J", "scroll_detail(3)", "Scroll the details down", show=False),
        Binding("shift+up,K", "scroll_detail(-3)", "Scroll the details up", show=False),
        Binding("ctrl+r", "reload", "Reload", show=False),
        Binding("u", "undo", "Undo", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("escape,q", "back", "Back"),
    ]

    app: WorkplanApp

    def compose(self) -> ComposeResult:
        yield Static(id="screen-title")
        yield RowList(self.row, id="rows")
        detail = VerticalScroll(id="detail-box")
        detail.can_focus = False  # arrows move the list's selection, not the details (the mouse still scrolls them)
        with detail:
            yield from self.compose_detail()
        yield KeyBar()

    def compose_detail(self) -> ComposeResult:
        yield Static(id="detail")

    def action_scroll_detail(self, lines: int) -> None:
        """The details pane takes no focus (the arrows move the list): shift+arrows scroll it."""
        self.query_one("#detail-box").scroll_relative(y=lines, animate=False)

    @property
    def rows_widget(self) -> RowList:
        return self.query_one("#rows", RowList)

    def on_mount(self) -> None:
        self.refresh_view()
        self.rows_widget.set_active(True)

    # --- what subclasses provide ----------------------------------------------------------

    def items(self) -> list[Any]:
        raise NotImplementedError

    def row(self, item: Any, width: int) -> Parts:
        raise NotImplementedError

    def detail(self, item: Any) -> Content:
        return Content("")

    def key_of(self, item: Any) -> Hashable:
        return getattr(item, "id", item)

    def title_text(self) -> str:
        return self.TITLE_TEXT

    # --- behaviour ----------------------------------------------------------------------

    def refresh_view(self) -> None:
        """Redraw from the app's snapshot, keeping the selected item selected."""
        rows = self.rows_widget
        current = rows.current
        keep = self.key_of(current) if current is not None else None
        items = self.items()
        cursor = next((i for i, item in enumerate(items) if self.key_of(item) == keep), None)
        rows.set_items(items, cursor)
        self.query_one("#screen-title", Static).update(Content(" " + clean(self.title_text())))
        self.show_detail()

    def live_refresh(self) -> None:
        self.refresh_view()

    def show_detail(self) -> None:
        item = self.rows_widget.current
        self.query_one("#detail", Static).update(self.detail(item) if item is not None else Content(""))

    def on_virtual_list_selected(self, event: VirtualList.Selected) -> None:
        self.show_detail()

    def action_cursor(self, delta: int) -> None:
        self.rows_widget.move(delta)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.app.reload()
        self.refresh_view()

    def action_undo(self) -> None:
        """Undo my last change of this session, whichever screen it was made on."""
        if self.app.undo():
            self.refresh_view()

    def action_help(self) -> None:
        from workplan_tui.ui.modals import HelpScreen

        self.app.push_screen(HelpScreen(self.title_text(), [*self.KEYS, *ListScreen.BINDINGS]))

    def change(self, apply: Callable[[], Any]) -> None:
        """Run a store action (the app re-reads the file); on success redraw in place."""
        if self.app.change(apply):
            self.refresh_view()

    def form(self, title: str, fields: list[Field], done: Callable[[dict[str, Any]], Any], check: Any = None) -> None:
        """A form whose save runs ``done`` (a store action); a refused save shows in the form,
        which stays open with what was typed, and closes only once the change landed."""
        if not self.app.can_change():
            return

        def finished(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.refresh_view()

        def save(values: dict[str, Any]) -> str | None:
            return self.app.attempt(lambda: done(values))

        self.app.push_screen(FormDialog(title, fields, check, save), finished)


# --- buy-in ---------------------------------------------------------------------------------


class BuyInScreen(ListScreen):
    """Every member's position on a plan, grouped by partner, and what is still missing."""

    KEYS = [
        Binding("v", "vote", "Vote"),
        Binding("enter", "history", "History"),
        Binding("p", "move('propose')", "Propose"),
        Binding("A", "move('activate')", "Activate"),
        Binding("C", "move('complete')", "Complete"),
        Binding("X", "move('archive')", "Archive", show=False),
        Binding("U", "reopen", "Reopen (un-archive)", show=False),
    ]
    BINDINGS = KEYS

    def __init__(self, plan_id: int) -> None:
        super().__init__()
        self.plan_id = plan_id

    def title_text(self) -> str:
        wp = self.app.workplan
        plan = wp.plans[self.plan_id] if wp else None
        return f"Buy-in · {plan.label} {plan.title} [{plan.status}] · rule: {plan.rule}" if plan else "Buy-in"

    def items(self) -> list[Any]:
        wp = self.app.workplan
        if wp is None:
            return []
        rows: list[Any] = []
        for partner in wp.partners.values():
            members = [m for m in wp.members.values() if m.partner == partner.code]
            if members:
                rows.append(partner)
                rows.extend(members)
        return rows

    def key_of(self, item: Any) -> Hashable:
        return ("partner", item.code) if isinstance(item, Partner) else ("member", item.handle)

    def row(self, item: Any, width: int) -> Parts:
        if isinstance(item, Partner):
            return [(f" {fit(item.code + ' · ' + item.name, width - 2)}", "card--title")]
        wp = self.app.workplan
        assert wp is not None
        vote = wp.current_votes(self.plan_id).get(item.handle)
        position = vote.position if vote else "not voted"
        style = {"block": "card--overdue", "disagree": "card--blocked", "agree": "card--good"}.get(
            position, "card--meta"
        )
        when = ago(vote.at, self.app.now()) if vote else ""
        comment = f'"{vote.comment}"' if vote and vote.comment else ""
        room = max(4, width - 44)
        return [
            (f"   {fit(item.handle, 12):<12} ", ""),
            (f"{position:<10} ", style),
            (f"{when:<12} ", "card--meta"),
            (fit(comment, room), "card--meta"),
        ]

    def detail(self, item: Any) -> Content:
        wp = self.app.workplan
        assert wp is not None
        plan = wp.plans[self.plan_id]
        decision = rules.buy_in(plan, wp.members, wp.current_votes(self.plan_id), wp.partners)
        rule_words = rules.RULE_WORDS.get(plan.rule, plan.rule)
        lines = [
            Content(f"{decision.summary()}   rule: {plan.rule} ({rule_words})"),
            Content("May become active." if decision.ok else "Still missing: " + clean("; ".join(decision.reasons))),
        ]
        return Content("\n").join(lines)

    def _my_vote(self) -> Any:
        wp = self.app.workplan
        return wp.current_votes(self.plan_id).get(self.app.store.user) if wp else None

    def action_vote(self) -> None:
        mine = self._my_vote()

        def check(values: dict[str, Any]) -> str | None:
            problem = rules.vote_problem(values["position"], values["comment"])
            return f"{problem[0].upper()}{problem[1:]}." if problem else None

        self.form(
            "Your vote on " + self.title_text().split(" · ")[1],
            [
                Field(
                    "position",
                    "Position",
                    "choice",
                    mine.position if mine else "agree",
                    True,
                    [(p, p) for p in POSITIONS],
                ),
                Field("comment", "Comment (required for disagree and block)", value=mine.comment if mine else ""),
            ],
            lambda v: actions.vote(self.app.store, self.plan_id, v["position"], v["comment"]),
            check,
        )

    def action_move(self, action: str) -> None:
        self.change(lambda: actions.move_plan(self.app.store, self.plan_id, action))
        self.app.notify(f"{self.title_text()}", markup=False, timeout=3)

    def action_reopen(self) -> None:
        """A completed plan becomes active again; an archived one returns to where it was."""
        self.change(lambda: actions.reopen_plan(self.app.store, self.plan_id))
        self.app.notify(f"{self.title_text()}", markup=False, timeout=3)

    def action_history(self) -> None:
        from workplan_tui.ui.modals import TextScreen

        member = self.rows_widget.current
        wp = self.app.workplan
        if not isinstance(member, Member) or wp is None:
            return
        votes = [v for v in wp.votes if v.plan == self.plan_id and v.member == member.handle]
        lines = [f"{stamp(v.at)}  {v.position:<9} {clean(v.comment)}" for v in votes] or ["No votes yet."]
        self.app.push_screen(TextScreen(f"{member.handle} on P{self.plan_id}: every position", lines))


# --- outcomes -------------------------------------------------------------------------------


class OutcomesScreen(ListScreen):
    KEYS = [
        Binding("c", "checkin", "Check in"),
        Binding("n", "new", "New"),
        Binding("e", "edit", "Edit"),
    ]
    BINDINGS = KEYS

    def __init__(self, plan_id: int) -> None:
        super().__init__()
        self.plan_id = plan_id

    def compose_detail(self) -> ComposeResult:
        with Vertical(id="detail-parts"):
            yield Static(id="detail")
            with Horizontal(id="chart"):
                yield Static(id="axis")
                yield Sparkline([], id="trend")
            yield Static(id="chart-foot")
            yield Static(id="linked")

    def title_text(self) -> str:
        wp = self.app.workplan
        plan = wp.plans.get(self.plan_id) if wp else None
        return f"Outcomes · {plan.label} {plan.title}" if plan else "Outcomes"

    def items(self) -> list[Any]:
        wp = self.app.workplan
        return wp.outcomes_of(self.plan_id) if wp else []

    def row(self, item: Outcome, width: int) -> Parts:
        """Fixed columns: id, name, bar, %, baseline → current → target, and due when there is room."""
        pct = rules.outcome_progress(item.baseline, item.target, item.current)
        done, todo = bar_text(pct, 10)
        figures = rules.outcome_figures(item, number)
        due = format_due(item.due, today=self.app.today()) if item.due else ""
        due_cells = 18 if width >= 100 else 0
        name = max(8, width - 24 - 30 - due_cells)
        return [
            (f" {item.label:<4} ", "card--meta"),
            (pad(item.name, name) + " ", "card--title"),
            (done, "card--bar"),
            (todo, "card--bar-empty"),
            (f"{pct:4.0f}% ", ""),
            (fit(figures, 29).ljust(30), "card--meta"),
            (fit(due, due_cells), "card--meta"),
        ]

    def show_detail(self) -> None:
        super().show_detail()
        item = self.rows_widget.current
        trend = self.query_one("#trend", Sparkline)
        linked = self.query_one("#linked", Static)
        axis = self.query_one("#axis", Static)
        foot = self.query_one("#chart-foot", Static)
        chart = self.query_one("#chart")
        if not isinstance(item, Outcome):
            trend.data = []
            linked.update("")
            chart.display = foot.display = False
            return
        values = [item.baseline, *[c.value for c in item.checkins]] if item.checkins else []
        trend.data = values
        chart.display = foot.display = bool(values)
        if values:
            # The sparkline runs from the lowest value (bottom) to the highest (top): say which
            high, low = number(max(values)), number(min(values))
            unit = clean(item.unit)
            cells = max(cell_len(high), cell_len(low))
            axis.update(Content(f"{high:>{cells}} ┤\n{'':>{cells}} │\n{low:>{cells}} ┤"))
            first = "baseline"
            last = stamp(item.checkins[-1].at, date_only=True)
            foot.update(Content(f"{'':>{cells}}  {first} … {len(values) - 1} check-ins … {last}  ({unit or 'value'})"))
        wp = self.app.workplan
        tasks = [t for t in wp.tasks.values() if t.outcome == item.id] if wp else []
        lines = [Content.from_markup("[b]Tasks linked to $o[/b]", o=item.label)]
        lines += [Content(f"  {t.label:<6} {pad(t.title, 50)} {t.status:<8} {t.progress:>3}%") for t in tasks]
        if not tasks:
            lines.append(Content("  none"))
        linked.update(Content("\n").join(lines))

    def detail(self, item: Outcome) -> Content:
        unit = clean(item.unit)
        lines = [
            Content.from_markup(
                "[b]$label $name[/b]  baseline $b → current $c → target $t $u",
                label=item.label,
                name=clean(item.name),
                b=number(item.baseline),
                c=number(item.current),
                t=number(item.target),
                u=unit,
            ),
            Content(
                (format_due(item.due, today=self.app.today()).capitalize() + ". " if item.due else "No due date. ")
                + f"Check-ins ({len(item.checkins)}), the latest last:"
            ),
        ]
        for c in item.checkins[-8:]:
            note = f"  {clean(c.note)}" if c.note else ""
            lines.append(
                Content(f"  {stamp(c.at, date_only=True)}  {clean(c.by):<10} {number(c.value):>10} {unit}{note}")
            )
        return Content("\n").join(lines)

    def _outcome_fields(self, o: Outcome | None) -> list[Field]:
        return [
            Field("name", "Name", value=o.name if o else "", required=True),
            Field("unit", "Unit (e.g. meals, beds, %)", value=o.unit if o else ""),
            Field("baseline", "Baseline", "number", o.baseline if o else 0, True),
            Field("target", "Target", "number", o.target if o else None, True),
            Field("due", "Due (fri, in 2 weeks, 2026-12-15; empty for none)", value=o.due if o and o.due else ""),
        ]

    def _due(self, text: str) -> str | None:
        from workplan_tui.model.dates import parse_date

        return parse_date(text, today=self.app.today()).isoformat() if text else None

    def _check_due(self, values: dict[str, Any]) -> str | None:
        from workplan_tui.model.dates import DateError

        try:
            self._due(values["due"])
        except DateError as exc:
            return str(exc)
        return None

    def action_new(self) -> None:
        wp = self.app.workplan
        plan = wp.plans.get(self.plan_id) if wp else None
        closed = rules.closed_to_new(plan, "outcomes", "U on the board or the buy-in screen") if plan else None
        if closed:
            self.app.notify(closed, severity="warning", markup=False)
            return
        self.form(
            "New outcome",
            self._outcome_fields(None),
            lambda v: actions.add_outcome(
                self.app.store, self.plan_id, v["name"], v["target"], v["baseline"], v["unit"], self._due(v["due"])
            ),
            self._check_due,
        )

    def action_edit(self) -> None:
        o = self.rows_widget.current
        if not isinstance(o, Outcome):
            return
        self.form(
            f"Edit {o.label}",
            self._outcome_fields(o),
            lambda v: actions.edit_outcome(self.app.store, o.id, {**v, "due": self._due(v["due"])}, expected_rev=o.rev),
            self._check_due,
        )

    def action_checkin(self) -> None:
        o = self.rows_widget.current
        if not isinstance(o, Outcome):
            self.app.notify("Add an outcome first (n).", severity="warning")
            return
        self.form(
            f"Check in {o.label} {o.name} (target {number(o.target)} {o.unit})",
            [Field("value", "Value", "number", o.current, True), Field("note", "Note")],
            lambda v: actions.checkin(self.app.store, o.id, v["value"], v["note"]),
        )


# --- norms ----------------------------------------------------------------------------------------


class NormsScreen(ListScreen):
    KEYS = [Binding("a", "agree", "Agree"), Binding("n", "new", "New"), Binding("e", "edit", "Edit")]
    BINDINGS = KEYS
    TITLE_TEXT = "Norms · how we work together"

    def items(self) -> list[Any]:
        wp = self.app.workplan
        return list(wp.norms.values()) if wp else []

    def _state(self, norm: Norm) -> tuple[bool, set[str]]:
        members = set(self.app.workplan.members) if self.app.workplan else set()
        agreed = members & set(norm.agreed_by)
        return bool(members) and agreed == members, agreed

    def row(self, item: Norm, width: int) -> Parts:
        in_force, agreed = self._state(item)
        total = len(self.app.workplan.members) if self.app.workplan else 0
        state = "in force" if in_force else f"{len(agreed)}/{total} agreed"
        return [
            (f" {item.label:<4} ", "card--meta"),
            (f"{state:<12} ", "card--good" if in_force else "card--soon"),
            (fit(item.text, width - 20), ""),
        ]

    def detail(self, item: Norm) -> Content:
        in_force, agreed = self._state(item)
        members = set(self.app.workplan.members) if self.app.workplan else set()
        waiting = sorted(members - agreed)
        lines = [
            Content(clean(item.text, multiline=True)),
            Content(""),
            Content("In force: every member has agreed." if in_force else "Not yet in force."),
            Content("Agreed: " + (clean(", ".join(sorted(agreed))) or "nobody yet")),
        ]
        if waiting:
            lines.append(Content("Waiting for: " + clean(", ".join(waiting))))
        return Content("\n").join(lines)

    def action_agree(self) -> None:
        norm = self.rows_widget.current
        if isinstance(norm, Norm):
            self.change(lambda: actions.agree_norm(self.app.store, norm.id))

    def action_new(self) -> None:
        self.form(
            "New norm",
            [Field("text", "Norm", "area", "", True)],
            lambda v: actions.add_norm(self.app.store, v["text"]),
        )

    def action_edit(self) -> None:
        norm = self.rows_widget.current
        if isinstance(norm, Norm):
            self.form(
                f"Edit {norm.label} (rewording asks everyone to agree again)",
                [Field("text", "Norm", "area", norm.text, True)],
                lambda v: actions.edit_norm(self.app.store, norm.id, v["text"], expected_rev=norm.rev),
            )


# --- people ---------------------------------------------------------------------------------------


class PeopleScreen(ListScreen):
    """Who is behind: open, overdue and blocked tasks per member, and when each last
    changed anything (their newest entry in the activity log, or note on a task);
    enter lists that member's tasks, which the board's task keys then work on."""

    KEYS = [Binding("enter", "tasks", "Their tasks")]
    BINDINGS = KEYS
    TITLE_TEXT = "People · who is behind"

    def items(self) -> list[Any]:
        wp = self.app.workplan
        if wp is None:
            return []
        today = self.app.today().isoformat()
        try:
            last, complete = self.app.store.history().last_by_member(wp.members)
        except StoreError:
            last, complete = {}, False
        never = "never" if complete else ""
        stats: dict[str, list[Any]] = {h: [m, 0, 0, 0, last.get(h, never)] for h, m in wp.members.items()}
        for t in wp.tasks.values():
            for update in t.updates:
                entry = stats.get(update.by)
                if entry is not None and update.at > entry[4]:
                    entry[4] = update.at
            entry = stats.get(t.owner or "")
            if entry is None or t.status == "done":
                continue
            entry[1] += 1
            if t.due and t.due < today:
                entry[2] += 1
            if t.status == "blocked":
                entry[3] += 1
        return sorted(stats.values(), key=lambda e: (-e[2], -e[3], -e[1], e[0].handle))

    def key_of(self, item: Any) -> Hashable:
        return item[0].handle

    def row(self, item: list[Any], width: int) -> Parts:
        member, open_, overdue, blocked, last = item
        when = "not lately" if not last else ago(last, self.app.now()) if last != "never" else "never"
        return [
            (f" {fit(member.handle, 10):<10} ", "card--title"),
            (pad(f"{member.name} · {member.partner}", max(6, width - 67)) + " ", "card--meta"),
            (f"open {open_:>3}  ", ""),
            (f"overdue {overdue:>2}  ", "card--overdue" if overdue else "card--meta"),
            (f"blocked {blocked:>2}  ", "card--blocked" if blocked else "card--meta"),
            (f"updated {when}", "card--meta"),
        ]

    def detail(self, item: list[Any]) -> Content:
        member = item[0]
        return Content(
            f"{clean(member.name)} ({clean(member.handle)}), {member.role} at {clean(member.partner)}. "
            "enter: their tasks"
        )

    def action_tasks(self) -> None:
        item = self.rows_widget.current
        if item is not None:
            self.app.push_screen(MemberTasks(item[0].handle), lambda _: self.refresh_view())


class MemberTasks(TaskActions):
    """One member's tasks as a table; the board's keys move, open and change them."""

    CSS_PATH = ["board.tcss", "partnership.tcss"]
    BINDINGS = [
        *[b for b in BOARD_KEYS if isinstance(b, Binding) and b.action.startswith("cursor(")],
        *TASK_KEYS,
        Binding("ctrl+r", "reload", "Reload now", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("escape,q", "back", "Back"),
    ]

    app: WorkplanApp

    def __init__(self, handle: str) -> None:
        super().__init__()
        self.handle = handle

    def compose(self) -> ComposeResult:
        yield Static(id="screen-title")
        yield Static(id="table-header")
        yield TaskTable(self.app.context, id="table")
        yield KeyBar()

    @property
    def table(self) -> TaskTable:
        return self.query_one(TaskTable)

    def tasks(self) -> list[Task]:
        wp = self.app.workplan
        mine = (t for t in wp.tasks.values() if t.owner == self.handle) if wp else iter(())
        return sorted(mine, key=lambda t: (t.status == "done", t.due or "9999", t.id))

    def on_mount(self) -> None:
        self.table.set_active(True)
        self.refresh_view()

    @on(TaskTable.HeaderChanged)
    def _table_header(self, event: TaskTable.HeaderChanged) -> None:
        self.query_one("#table-header", Static).update(Content(event.text))

    def refresh_view(self, follow: int | None = None) -> None:
        tasks = self.tasks()
        current = self.table.current
        keep = follow if follow is not None else (current.id if current else None)
        cursor = next((i for i, t in enumerate(tasks) if t.id == keep), None)
        self.table.set_items(tasks, cursor)
        title = f" Tasks of {clean(self.handle)} ({len(tasks)}, {sum(t.status != 'done' for t in tasks)} open)"
        self.query_one("#screen-title", Static).update(Content(title))

    def live_refresh(self) -> None:
        self.refresh_view()

    def selected_task(self) -> Task | None:
        return self.table.current

    def after_change(self, task_id: int | None) -> None:
        self.refresh_view(task_id)

    def action_cursor(self, delta: int) -> None:
        self.table.move(delta)

    def action_reload(self) -> None:
        self.app.reload()
        self.refresh_view()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        from workplan_tui.ui.modals import HelpScreen

        self.app.push_screen(HelpScreen(f"Tasks of {self.handle}", self.BINDINGS))


# --- activity ---------------------------------------------------------------------------------------


class ActivityScreen(ListScreen):
    """The activity log, newest first, a page at a time (``m`` shows older entries);
    '/' filters: words, member:NAME, plan:P2, kind:task. Only the entries shown are read."""

    PAGE = 200
    KEYS = [
        Binding("slash", "filter", "Filter"),
        Binding("m", "more", "Older"),
        Binding("escape", "clear_or_back", "Back"),
    ]
    BINDINGS = [Binding("slash", "filter", "Filter"), Binding("m", "more", "Older")]
    TITLE_TEXT = "Activity · newest first"

    def __init__(self) -> None:
        super().__init__()
        self.terms: list[str] = []
        self.limit = self.PAGE
        self.more = False  # whether older entries exist beyond those shown
        self.unreadable: str | None = None  # why the file cannot be read now, if it cannot

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield LineInput(id="filter", placeholder="filter: words, member:NAME, plan:P2, kind:vote", compact=True)

    def on_mount(self) -> None:
        self.query_one("#filter").display = False
        super().on_mount()

    def title_text(self) -> str:
        older = " · m: older" if self.more else ""
        stale = " · the file cannot be read now: the log up to the last sound read" if self.unreadable else ""
        return self.TITLE_TEXT + (f" · filter: {' '.join(self.terms)}" if self.terms else "") + older + stale

    def action_more(self) -> None:
        if self.more:
            self.limit += self.PAGE
            self.refresh_view()

    def refresh_view(self) -> None:
        super().refresh_view()
        self.refresh_bindings()  # "m Older" only while there is an older page

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.more if action == "more" else True

    def _plan_of(self, record: str) -> int | None:
        wp = self.app.workplan
        parsed = id_of_label(record)
        if wp is None or parsed is None:
            return None
        n = parsed[1]
        if record[0] == "P":
            return n
        if record[0] == "T" and n in wp.tasks:
            return wp.tasks[n].plan
        if record[0] == "O" and n in wp.outcomes:
            return wp.outcomes[n].plan
        return None

    def _wanted(self, a: Activity) -> bool:
        for term in self.terms:
            key, sep, value = term.partition(":")
            value = value.lower()
            if sep and key == "member":
                if value not in a.member.lower():
                    return False
            elif sep and key == "kind":
                if value not in a.kind.lower():
                    return False
            elif sep and key == "plan":
                if str(self._plan_of(a.record)) != value.upper().lstrip("P"):
                    return False
            elif term.lower() not in f"{a.member} {a.kind} {a.record} {labelled(a)}".lower():
                return False
        return True

    def items(self) -> list[Any]:
        if self.app.workplan is None:
            return []
        entries: list[Activity] = []
        self.more = False
        self.unreadable = None
        try:
            try:
                history = self.app.store.history()
            except StoreError as exc:  # the file cannot be read now: the log of what the board shows
                self.unreadable = str(exc)
                last = self.app.store.last_read_history()
                if last is None:
                    raise
                history = last
            for entry in history.newest():
                if self._wanted(entry):
                    if len(entries) == self.limit:
                        self.more = True
                        break
                    entries.append(entry)
        except StoreError as exc:
            self.app.notify(clean(str(exc)), severity="error", markup=False)
        return entries

    def row(self, item: Any, width: int) -> Parts:
        changes = changes_line(item)
        return [
            (f" {stamp(item.at)}  ", "card--meta"),
            (pad(item.member, 10) + " ", "card--title"),
            (f"{fit(item.record, 10):<10} ", ""),
            (f"{fit(item.kind, 14):<14} ", "card--meta"),
            (fit(changes, max(4, width - 56)), ""),
        ]

    def detail(self, item: Any) -> Content:
        lines = [
            Content(
                f"{clean(item.at)}  {clean(item.member)} (OS account {clean(item.os_user) or '-'})  {clean(item.kind)}"
            )
        ]
        for key, (before, after) in labelled(item).items():
            lines.append(Content(f"  {clean(key)}: {short(before, 200)} → {short(after, 200)}"))
        return Content("\n").join(lines)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.terms = event.value.split()
        self.refresh_view()

    def on_input_submitted(self) -> None:
        self.set_focus(None)

    def action_back(self) -> None:
        box = self.query_one("#filter", Input)
        if box.display:
            box.value = ""
            box.display = False
            self.terms = []
            self.set_focus(None)
            self.refresh_view()
        else:
            self.dismiss(None)
