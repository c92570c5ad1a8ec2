"""Outcomes of a plan: each with its bar, figures and trend, and the tasks linked to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Sparkline, Static

from workplan_tui.model import rules
from workplan_tui.model.records import Outcome
from workplan_tui.model.text import clean, stamp
from workplan_tui.store import actions
from workplan_tui.ui.forms import Field
from workplan_tui.ui.screens.list_screen import ListScreen, Parts
from workplan_tui.ui.widgets import bar_text, fit, number, pad

if TYPE_CHECKING:
    pass


class OutcomesScreen(ListScreen):
    CSS_PATH = ["list_screen.tcss", "outcomes.tcss"]
    KEYS = [Binding("c", "checkin", "Check in"), Binding("n", "new", "New"), Binding("e", "edit", "Edit")]
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
        wp = self.session.workplan
        plan = wp.plans.get(self.plan_id) if wp else None
        return f"Outcomes · {plan.label} {plan.title}" if plan else "Outcomes"

    def items(self) -> list[Any]:
        wp = self.session.workplan
        return wp.outcomes_of(self.plan_id) if wp else []

    def row(self, item: Outcome, width: int) -> Parts:
        """Fixed columns: id, name, bar, %, baseline → current → target, and due when there is room."""
        pct = rules.outcome_progress(item.baseline, item.target, item.current)
        done, todo = bar_text(pct, 10)
        figures = rules.outcome_figures(item, number)
        due = rules.outcome_due(item, self.session.today())
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
        wp = self.session.workplan
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
                (rules.outcome_due(item, self.session.today()).capitalize() + ". " if item.due else "No due date. ")
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

        return parse_date(text, today=self.session.today()).isoformat() if text else None

    def _check_due(self, values: dict[str, Any]) -> str | None:
        from workplan_tui.model.dates import DateError

        try:
            self._due(values["due"])
        except DateError as exc:
            return str(exc)
        return None

    def action_new(self) -> None:
        wp = self.session.workplan
        plan = wp.plans.get(self.plan_id) if wp else None
        closed = rules.closed_to_new(plan, "outcomes", "U on the board or the buy-in screen") if plan else None
        if closed:
            self.app.notify(closed, severity="warning", markup=False)
            return
        self.form(
            "New outcome",
            self._outcome_fields(None),
            lambda v: actions.add_outcome(
                self.session.store, self.plan_id, v["name"], v["target"], v["baseline"], v["unit"], self._due(v["due"])
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
            lambda v: actions.edit_outcome(
                self.session.store, o.id, {**v, "due": self._due(v["due"])}, expected_rev=o.rev
            ),
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
            lambda v: actions.checkin(self.session.store, o.id, v["value"], v["note"]),
        )
