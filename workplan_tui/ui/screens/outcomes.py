"""Outcomes of a plan: each with its bar, figures and health; the selected one's forecast, its
chart (check-ins over time against the target, the expected line and the projection, with a
time axis: ui/chart.py), its check-ins with their confidence, and the tasks linked to it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from workplan_tui.model import forecast, rules
from workplan_tui.model.dates import format_due, short_date
from workplan_tui.model.records import CONFIDENCES, Outcome
from workplan_tui.model.text import clean, stamp
from workplan_tui.store import actions
from workplan_tui.ui.chart import Point, outcome_chart
from workplan_tui.ui.forms import Field, lead_field, typed_day
from workplan_tui.ui.screens.list_screen import ListScreen, Parts
from workplan_tui.ui.widgets import (
    HEALTH_CELLS,
    HEALTH_STYLES,
    bar_parts,
    fit,
    health_marker,
    health_part,
    number,
    pad,
)

# The chart's parts (ui/chart.py) in the theme's colours; each also differs by its shape.
CHART_STYLES = {
    "": "",
    "axis": "$text-muted",
    "target": "$text-warning",
    "expected": "$text-muted",
    "projected": "$text-primary",
    "checkin": "$text-success bold",
}

if TYPE_CHECKING:
    pass


class OutcomesScreen(ListScreen):
    CSS_PATH = ["list_screen.tcss", "outcomes.tcss"]
    KEYS = [Binding("c", "checkin", "Check in"), Binding("n", "new", "New"), Binding("e", "edit", "Edit")]
    BINDINGS = KEYS

    def __init__(self, plan_id: int) -> None:
        super().__init__()
        self.plan_id = plan_id
        self._widest: tuple[object, int] = (None, 12)  # (the rows measured, their widest figures' cells)

    def compose_detail(self) -> ComposeResult:
        with Vertical(id="detail-parts"):
            yield Static(id="detail")
            yield Static(id="chart")
            yield Static(id="checkins")
            yield Static(id="linked")

    def title_text(self) -> str:
        wp = self.session.workplan
        plan = wp.plans.get(self.plan_id) if wp else None
        return f"Outcomes · {plan.label} {plan.title}" if plan else "Outcomes"

    def items(self) -> list[Any]:
        wp = self.session.workplan
        return wp.outcomes_of(self.plan_id) if wp else []

    def forecast_of(self, item: Outcome) -> forecast.Forecast:
        """The outcome's forecast today (model/forecast.py)."""
        wp = self.session.workplan
        plan = wp.plans.get(item.plan) if wp else None
        return forecast.of_outcome(item, plan, self.session.today())

    def row(self, item: Outcome, width: int) -> Parts:
        """Fixed columns: id, name, bar (with where it should be by today), %, baseline →
        current → target, health, and due when there is room."""
        pct = rules.outcome_progress(item.baseline, item.target, item.current)
        f = self.forecast_of(item)
        expected = None if f.expected is None else rules.outcome_progress(item.baseline, item.target, f.expected)
        figures = rules.outcome_figures(item, number)
        done = f.health == "met"  # a met outcome is never "overdue"
        due = format_due(item.due, today=self.session.today(), done=done) if item.due else ""
        due_cells = 18 if width >= 100 else 0
        figure_cells = 30 if width >= 100 else 22
        bar, percent = 10, f"{pct:4.0f}% "  # the percentage and a space after it
        if width < 72:  # narrow (60 columns): the figures take what the widest needs, the bar says the %
            figure_cells = min(figure_cells, self._widest_figures())
            percent = " "
        name = max(8, width - 18 - len(percent) - figure_cells - HEALTH_CELLS - 1 - due_cells)
        if name < 16 and width < 72:  # the bar gives up a few cells to the name
            bar, name = 6, name + 4
        return [
            (f" {item.label:<4} ", "card--meta"),
            (pad(item.name, name) + " ", "card--title"),
            *[(text, f"card--{part}") for text, part in bar_parts(pct, bar, expected)],
            (percent, ""),
            (fit(figures, figure_cells - 1).ljust(figure_cells), "card--meta"),
            (pad(health_marker(f.health), HEALTH_CELLS) + " ", health_part(f.health)),
            (fit(due, due_cells), "card--meta"),
        ]

    def _widest_figures(self) -> int:
        """Cells the widest figures of the outcomes listed take, and one after them."""
        shown = self.rows_widget.items
        if self._widest[0] is not shown:
            self._widest = (shown, 1 + max((cell_len(rules.outcome_figures(o, number)) for o in shown), default=12))
        return self._widest[1]

    def show_detail(self) -> None:
        super().show_detail()
        item = self.rows_widget.current
        chart = self.query_one("#chart", Static)
        checkins = self.query_one("#checkins", Static)
        linked = self.query_one("#linked", Static)
        if not isinstance(item, Outcome):
            for part in (chart, checkins, linked):
                part.update("")
            chart.display = False
            return
        f = self.forecast_of(item)
        chart.display = True
        chart.update(self.chart(item, f))
        checkins.update(self.checkin_lines(item))
        wp = self.session.workplan
        tasks = [t for t in wp.tasks.values() if t.outcome == item.id] if wp else []
        lines = [Content.from_markup("[b]Tasks linked to $o[/b]", o=item.label)]
        lines += [Content(f"  {t.label:<6} {pad(t.title, 50)} {t.status:<8} {t.progress:>3}%") for t in tasks]
        if not tasks:
            lines.append(Content("  none"))
        linked.update(Content("\n").join(lines))

    def chart(self, item: Outcome, f: forecast.Forecast) -> Content:
        """The outcome's chart (ui/chart.py): 5 plot lines at 24 rows, up to 10 on a taller screen."""
        today = self.session.today()
        wp = self.session.workplan
        plan = wp.plans.get(item.plan) if wp else None
        points = [
            Point(day, float(c.value), c.confidence)
            for c in item.checkins[-200:]
            if (day := forecast.day_of(c.at)) is not None
        ]
        lines = outcome_chart(
            baseline=item.baseline,
            target=item.target,
            start=forecast.outcome_start(item, plan),
            due=forecast.day_of(item.due),
            today=today,
            points=points,
            projected=f.projected,
            width=max(30, self.size.width - 4),
            height=max(5, min(10, self.size.height // 2 - 7)),
            number=number,
            day=lambda d: _day(d, today),
        )
        return Content("\n").join(
            Content.assemble(*[(text, CHART_STYLES[part]) if part else text for text, part in line]) for line in lines
        )

    def checkin_lines(self, item: Outcome) -> Content:
        """The latest check-ins (eight), each with its confidence and note."""
        unit = clean(item.unit)
        lines = [
            Content(f"Check-ins ({len(item.checkins)}), the latest last:" if item.checkins else "No check-ins yet (c).")
        ]
        for c in item.checkins[-8:]:
            sure = f"{c.confidence:<6}" if c.confidence else "-     "
            note = f"  {clean(c.note)}" if c.note else ""
            lines.append(
                Content(
                    f"  {stamp(c.at, date_only=True)}  {clean(c.by):<10} {number(c.value):>10} {unit}  {sure}{note}"
                )
            )
        return Content("\n").join(lines)

    def detail(self, item: Outcome) -> Content:
        unit = clean(item.unit)
        f = self.forecast_of(item)
        today = self.session.today()
        due = (
            _sentence(format_due(item.due, today=today, done=f.health == "met", dated=True)) + "."
            if item.due
            else "No due date."
        )
        health = health_marker(f.health)
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
            Content.assemble(
                (health, HEALTH_STYLES[health_part(f.health)]), f": {clean(f.reason)}" if f.reason else ""
            ),
            Content(f"{due} {_sentence(forecast.outcome_numbers(f, item.unit))}".rstrip()),
        ]
        return Content("\n").join(lines)

    def _outcome_fields(self, o: Outcome | None) -> list[Field]:
        return [
            Field("name", "Name", value=o.name if o else "", required=True),
            Field("unit", "Unit (e.g. meals, beds, %)", value=o.unit if o else ""),
            Field("baseline", "Baseline", "number", o.baseline if o else 0, True),
            Field("target", "Target", "number", o.target if o else None, True),
            Field("due", "Due (fri, in 2 weeks, 2026-12-15; empty for none)", value=o.due if o and o.due else ""),
            Field("start", "Start (empty: the plan's start)", value=o.start if o and o.start else ""),
            lead_field(self.session.workplan, o.lead if o else None),
        ]

    def _day(self, text: str) -> str | None:
        return typed_day(text, self.session.today())

    def _check_days(self, values: dict[str, Any]) -> str | None:
        """Why the due or start date typed cannot be read (the form shows it), or None."""
        from workplan_tui.model.dates import DateError

        try:
            self._day(values["due"])
            self._day(values["start"])
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
                self.session.store,
                self.plan_id,
                v["name"],
                v["target"],
                v["baseline"],
                v["unit"],
                self._day(v["due"]),
                start=self._day(v["start"]),
                lead=v["lead"],
            ),
            self._check_days,
        )

    def action_edit(self) -> None:
        o = self.rows_widget.current
        if not isinstance(o, Outcome):
            return
        self.form(
            f"Edit {o.label}",
            self._outcome_fields(o),
            lambda v: actions.edit_outcome(
                self.session.store,
                o.id,
                {**v, "due": self._day(v["due"]), "start": self._day(v["start"]), "lead": v["lead"] or ""},
                expected_rev=o.rev,
            ),
            self._check_days,
        )

    def action_checkin(self) -> None:
        o = self.rows_widget.current
        if not isinstance(o, Outcome):
            self.app.notify("Add an outcome first (n).", severity="warning")
            return
        sure = [(f"{c}: {_CONFIDENCE_WORDS[c]}", c) for c in CONFIDENCES]
        self.form(
            f"Check in {o.label} {o.name} (target {number(o.target)} {o.unit})",
            [
                Field("value", "Value", "number", o.current, True),
                Field("note", "Note (the story behind the number)"),
                Field("confidence", "Confidence of reaching the target on time", "choice", None, False, sure),
            ],
            lambda v: actions.checkin(self.session.store, o.id, v["value"], v["note"], v.get("confidence") or None),
        )


_CONFIDENCE_WORDS = {"low": "unlikely as things go", "medium": "could go either way", "high": "we will make it"}


def _sentence(words: str) -> str:
    """'due in 4 weeks' -> 'Due in 4 weeks' (``str.capitalize`` would lower 'Jan')."""
    return words[:1].upper() + words[1:]


def _day(when: date, today: date) -> str:
    """'12 Oct' on the chart's axis (with the year when not this year's)."""
    return short_date(when, today=today).split(" ", 1)[1]
