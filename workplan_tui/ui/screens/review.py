"""Review: one thing needing attention at a time, full width: the plans and outcomes off track or
at risk first (worst first, each with its reason and figures), then the pledges behind or late and
the follow-ups due (model/commitments.py), then the debriefs owed to members who missed a meeting,
then the tasks, with the quick keys."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from workplan_tui.model import commitments, forecast, rules
from workplan_tui.model.changes import Names, field_words, value_words
from workplan_tui.model.dates import format_due, short_date
from workplan_tui.model.forecast import HEALTH_SYMBOLS, HEALTH_WORDS
from workplan_tui.model.meetings import OwedDebrief, attendance, attendance_words, debriefs_owed, when_text
from workplan_tui.model.money import format_money, value_text
from workplan_tui.model.overview import Concern, PlanFigures, ReviewItem, concerns, plan_figures, review_queue
from workplan_tui.model.records import Outcome, Partner, Task
from workplan_tui.model.text import clean, stamp
from workplan_tui.store import actions
from workplan_tui.ui.keys import REVIEW_KEYS
from workplan_tui.ui.screens.task_actions import TaskActions
from workplan_tui.ui.widgets import (
    HEALTH_CELLS,
    HEALTH_STYLES,
    KeyBar,
    bar_text,
    due_marker,
    fit,
    hanging,
    health_marker,
    health_part,
    pad,
    wrap,
)

if TYPE_CHECKING:
    from workplan_tui.ui.app import WorkplanApp

FIELDS = ("status", "progress", "owner", "due", "blocked_reason", "title")
NAME_CELLS = 10  # a field's name, then its value: "why       O4 off track; ..."


class LatePledge(NamedTuple):
    """A pledge behind or late, in the review."""

    partner: Partner
    line: commitments.PledgeLine


Item = ReviewItem | Concern | LatePledge | commitments.FollowUpDue | OwedDebrief


class ReviewScreen(TaskActions):
    """Plans and outcomes off track or at risk (worst first), then pledges behind or late and
    follow-ups due (mine first), the debriefs owed (soonest due first), then tasks overdue,
    blocked, due within 7 days, stale (my tasks first). Space or enter moves on; ``o`` opens a
    task, a plan's or outcome's Outcomes screen, the Partners screen or the meeting a debrief is
    owed for; ``f`` follows up the task or pledge."""

    BINDINGS = REVIEW_KEYS
    CSS_PATH = "review.tcss"
    NO_TASK = "This item is not a task: the task keys act on a task (o opens this one; space: next)."

    app: WorkplanApp

    def __init__(self) -> None:
        super().__init__()
        self.queue: list[Item] = []
        self.position = 0
        self.before: dict[int, Task] = {}
        self.seen: set[int] = set()  # the positions of the queue shown so far
        self.finished = False

    def compose(self) -> ComposeResult:
        yield Static(id="review-header")
        with VerticalScroll(id="review-body"):
            yield Static(id="review-task")
        yield KeyBar()

    def on_mount(self) -> None:
        wp = self.session.workplan
        if wp is not None:
            today = self.session.today()
            me = self.session.store.user
            due = commitments.followups_due(wp, today)
            self.queue = [
                *concerns(self.session.figures()),
                *(LatePledge(partner, line) for partner, line in commitments.late_pledges(wp, today)),
                *sorted(due, key=lambda d: d.followup.by != me),
                *debriefs_owed(wp, today),
                *review_queue(wp, me, self.session.now(), today),
            ]
        self.show()

    def current(self) -> Task | None:
        """The task under review as it is now; None when done, or when someone removed it."""
        if self.finished or not self.queue:
            return None
        item = self.queue[self.position]
        task = item.task if isinstance(item, ReviewItem) else None
        if isinstance(item, commitments.FollowUpDue):
            task = item.subject.task
        if task is None:
            return None
        wp = self.session.workplan
        return wp.tasks.get(task.id) if wp else task

    def no_task(self) -> str:
        if not self.finished and self.queue:
            item = self.queue[self.position]
            task = item.subject.task if isinstance(item, commitments.FollowUpDue) else getattr(item, "task", None)
            if isinstance(task, Task):  # a task under review that someone removed meanwhile
                return f"No task selected: {task.label} was removed (space: next)."
        return self.NO_TASK

    def selected_task(self) -> Task | None:
        task = self.current()
        if task is not None and task.id not in self.before:
            self.before[task.id] = task
        return task

    def after_change(self, task_id: int | None) -> None:
        self.show()

    def live_refresh(self) -> None:
        self.show()

    def on_resize(self) -> None:
        self.show()  # values wrap at the width

    def field(self, name: str, value: str) -> Content:
        """A field's line: its name in ``NAME_CELLS`` cells, then ``value`` (cleaned), wrapped
        under itself at the screen's width."""
        width = self.size.width or 80
        lines = wrap(value, max(20, width - 6 - NAME_CELLS), 40) or [""]  # 6: padding, scrollbar
        return Content(f"{name:<{NAME_CELLS}}" + ("\n" + " " * NAME_CELLS).join(lines))

    def bullet(self, value: str) -> Content:
        """A line of history ('· 2 Dec alice with carmen: ...'), ``value`` cleaned and wrapped
        under itself at the screen's width."""
        width = self.size.width or 80
        lines = wrap(value, max(20, width - 6 - 2), 40) or [""]
        return Content("· " + "\n  ".join(lines))

    def action_next(self) -> None:
        if self.finished:
            self.dismiss(None)
            return
        if self.position + 1 < len(self.queue):
            self.position += 1
        else:
            self.finished = True
        self.show()

    def action_leave(self) -> None:
        if self.finished or not self.before:
            self.dismiss(None)
        else:
            self.finished = True
            self.show()

    def action_help(self) -> None:
        from workplan_tui.ui.modals import HelpScreen

        self.app.push_screen(HelpScreen("Review", REVIEW_KEYS))

    def show(self) -> None:
        header = self.query_one("#review-header", Static)
        body = self.query_one("#review-task", Static)
        if self.finished or not self.queue:
            header.update(Content(" Review: done"))
            body.update(self.summary())
            return
        item = self.queue[self.position]
        self.seen.add(self.position)
        place = f" Review {self.position + 1} of {len(self.queue)} · "
        if isinstance(item, Concern):
            header.update(Content(f"{place}{HEALTH_WORDS[item.health]}"))
            body.update(self.concern_card(item))
            return
        if isinstance(item, LatePledge):
            header.update(Content(f"{place}pledge {item.line.status.words}"))
            body.update(self.pledge_card(item))
            return
        if isinstance(item, commitments.FollowUpDue):
            header.update(Content(f"{place}follow-up due"))
            body.update(self.followup_card(item))
            return
        if isinstance(item, OwedDebrief):
            state = "debrief overdue" if item.overdue else "debrief owed"
            header.update(Content(f" Review {self.position + 1} of {len(self.queue)} · {state}"))
            body.update(self.debrief_card(item))
            return
        task = self.current()
        header.update(Content(f" Review {self.position + 1} of {len(self.queue)} · {', '.join(item.reasons)}"))
        if task is None:  # removed by someone else since the review started
            gone = item.task
            body.update(Content(f"{gone.label} {clean(gone.title)}: removed since the review started.\n\nspace: next"))
            return
        body.update(self.card(task))

    def card(self, task: Task) -> Content:
        wp = self.session.workplan
        assert wp is not None
        today = self.session.today()
        plan = wp.plans.get(task.plan)
        member = wp.members.get(task.owner or "")
        owner = (
            f"{task.owner} ({member.name}, {member.partner})" if member and task.owner else (task.owner or "unassigned")
        )
        width = max(20, self.size.width - 24)
        done, todo = bar_text(task.progress, min(40, width))
        due = format_due(task.due, today=today, done=task.status == "done") if task.due else "no due date"
        overdue = due_marker(task, today) == "!"
        lines = [
            Content.from_markup("[b]$label  $title[/b]", label=task.label, title=clean(task.title)),
            self.field("plan", f"{plan.label} {plan.title}") if plan else Content(""),
            self.field("owner", owner),
            Content.assemble("status    ", (task.status, "$text-error bold" if task.status == "blocked" else "bold")),
            Content.assemble("progress  ", (done, "$success"), (todo, "$foreground 30%"), f" {task.progress}%"),
            Content.assemble("due       ", (("! " if overdue else "") + due, "$text-error bold" if overdue else "")),
        ]
        if task.status == "blocked":
            lines.append(self.field("blocked", task.blocked_reason))
        context = self.session.context
        waiting = context.waiting(task, 200)
        if waiting:
            lines.append(self.field("waiting", waiting))
        for problem in context.problems(task):
            lines.append(self.field("dates", f"✗ {problem.text}").stylize("$text-warning bold", NAME_CELLS))
        if task.outcome is not None and task.outcome in wp.outcomes:
            o = wp.outcomes[task.outcome]
            pct = rules.outcome_progress(o.baseline, o.target, o.current)
            lines.append(self.field("outcome", f"{o.label} {o.name} ({pct:.0f}%)"))
        if task.notes:
            lines.append(Content(""))
            lines.append(Content(clean(task.notes, multiline=True)))
        for update in task.updates[-3:]:
            lines.append(self.bullet(f"{stamp(update.at, date_only=True)} {update.by}: {update.text}"))
        return Content("\n").join(lines)

    def action_open(self) -> None:
        """A task opens in its form; a plan or an outcome opens its plan's Outcomes screen; a pledge
        the Partners screen."""
        item = self.queue[self.position] if self.queue and not self.finished else None
        if isinstance(item, Concern):
            from workplan_tui.ui.screens.outcomes import OutcomesScreen

            self.app.push_screen(OutcomesScreen(item.plan.id), lambda _: self.show())
            return
        if self._pledge_of(item) is not None:
            from workplan_tui.ui.screens.partners import PartnersScreen

            self.app.push_screen(PartnersScreen(), lambda _: self.show())
            return
        if isinstance(item, OwedDebrief):
            from workplan_tui.ui.screens.meetings import MeetingScreen

            self.app.push_screen(MeetingScreen(item.meeting.id), lambda _: self.show())
            return
        super().action_open()

    def _pledge_of(self, item: Item | None) -> tuple[str, int] | None:
        """(partner code, pledge number) of a pledge's item, None for another."""
        if isinstance(item, LatePledge):
            return item.partner.code, item.line.number
        if isinstance(item, commitments.FollowUpDue) and item.subject.contribution is not None:
            return item.subject.partner, item.subject.number
        return None

    def action_follow_up(self) -> None:
        """``f``: a follow-up on the pledge or the task under review."""
        item = self.queue[self.position] if self.queue and not self.finished else None
        pledge = self._pledge_of(item)
        if pledge is None:
            super().action_follow_up()
            return
        from workplan_tui.model import dates
        from workplan_tui.ui.forms import FormDialog, followup_fields, typed_day

        if not self.session.can_change():
            return
        code, number = pledge
        wp = self.session.workplan
        lead = next((m.handle for m in wp.members.values() if m.partner == code and m.role == "lead"), "") if wp else ""
        today = self.session.today()

        def save(v: dict[str, Any]) -> str | None:
            def apply() -> Any:
                on = dates.parse_past_date(v["on"] or "today", today=today).isoformat()
                return actions.follow_up_pledge(
                    self.session.store,
                    code,
                    str(number),
                    whom=v["whom"],
                    on=on,
                    agreed=v["agreed"],
                    new_date=typed_day(v["new_date"], today),
                    who=v["who"],
                )

            return self.session.attempt(apply)

        name = commitments.pledge_name(code, number)
        fields = followup_fields(None, None, lead, self.session.store.user)
        self.app.push_screen(FormDialog(f"Follow up {name}", fields, save=save), lambda _: self.show())

    def pledge_card(self, item: LatePledge) -> Content:
        """A pledge behind or late, as it stands now: its health and reason, figures, dates, follow-ups."""
        wp = self.session.workplan
        assert wp is not None
        today = self.session.today()
        partner = wp.partners.get(item.partner.code)
        number = item.line.number
        if partner is None or number > len(partner.contributions):
            return Content(f"{commitments.pledge_name(item.partner.code, number)}: removed since.\n\nspace: next")
        c = partner.contributions[number - 1]
        status = commitments.of_pledge(wp, c, today)
        currency = wp.partnership.currency
        value = value_text(c.amount, c.hours, c.rate, currency) or "not valued"
        when = commitments.when_words(c, today, currency) or "no date of its own"
        deliveries = f"{len(c.deliveries)} deliver{'y' if len(c.deliveries) == 1 else 'ies'}"
        lines = [
            Content.from_markup(
                "[b]$name  $kind: $what[/b]",
                name=commitments.pledge_name(partner.code, number),
                kind=c.kind,
                what=clean(c.description),
            ),
            self.field("partner", f"{partner.code} {partner.name}"),
            Content.assemble(
                "health    ",
                (f"{HEALTH_SYMBOLS[status.health]} {status.words}", HEALTH_STYLES[health_part(status.health)]),
            ),
            self.field("why", status.reason),
            self.field("pledged", f"{value}" + (f", towards G{c.grant}" if c.grant is not None else "")),
            self.field("when", when),
            self.field("delivered", f"{format_money(status.delivered, currency)} in {deliveries}"),
        ]
        for f in c.followups[-3:]:
            lines.append(self.bullet(commitments.followup_words(f, today)))
        lines += [Content(""), Content("f: follow up · o: the Partners screen · space: next")]
        return Content("\n").join(lines)

    def followup_card(self, item: commitments.FollowUpDue) -> Content:
        """A follow-up whose new date has come: what it is about, what was agreed."""
        today = self.session.today()
        f = item.followup
        lines = [
            Content.from_markup("[b]$name  $title[/b]", name=item.subject.name, title=clean(item.subject.title)),
            self.field("agreed", commitments.followup_words(f, today)),
            self.field("new date", f"{format_due(f.new_date, today=today)} and not done yet"),
            self.field("recorded", f"by {f.by}"),
            Content(""),
            Content("f: follow up again · o: open · space: next"),
        ]
        return Content("\n").join(lines)

    def debrief_card(self, item: OwedDebrief) -> Content:
        """A member who missed a meeting and is still owed a debrief, as it stands now."""
        wp = self.session.workplan
        today = self.session.today()
        meeting = wp.meetings.get(item.meeting.id) if wp else None
        entry = attendance(meeting).get(item.entry.member) if meeting else None
        if meeting is None or entry is None:
            return Content(f"{item.meeting.label}: changed since the review started.\n\nspace: next")
        member = wp.members.get(entry.member) if wp else None
        who = f"{entry.member} ({member.name}, {member.partner})" if member else entry.member
        lines = [
            Content.from_markup("[b]$label  $title[/b]", label=meeting.label, title=clean(meeting.title)),
            Content(f"when      {when_text(meeting, today)}"),
            Content(f"member    {clean(who)}"),
            Content(f"was       {attendance_words(entry, meeting, today)}"),
            Content(f"ran by    {clean(meeting.facilitator or 'no facilitator')}"),
            Content(""),
            Content("A member who was there gives the debrief and ticks it off (b on the meeting)."),
            Content("o: the meeting · space: next"),
        ]
        return Content("\n").join(lines)

    def concern_card(self, item: Concern) -> Content:
        """A plan or an outcome off track or at risk, as it stands now: health and reason, and
        the figures behind them."""
        wp = self.session.workplan
        fig = (
            next((f for f in plan_figures(wp, self.session.today()) if f.plan.id == item.plan.id), None) if wp else None
        )
        outcome = None
        if fig is not None and item.outcome is not None:
            outcome = next((o for o in fig.outcomes if o.id == item.outcome.id), None)
        if fig is None or (item.outcome is not None and outcome is None):
            return Content(f"{item.label} {clean(item.name)}: removed since the review started.\n\nspace: next")
        lines = self._outcome_lines(fig, outcome) if outcome is not None else self._plan_lines(fig)
        return Content("\n").join([*lines, Content(""), Content("o: its plan's outcomes · space: next")])

    def _outcome_lines(self, fig: PlanFigures, outcome: Outcome) -> list[Content]:
        f = fig.outcome_forecasts[outcome.id]
        unit = clean(outcome.unit)
        today = self.session.today()
        pct = rules.outcome_progress(outcome.baseline, outcome.target, outcome.current)
        done, todo = bar_text(pct, 30)
        due = format_due(outcome.due, today=today, dated=True) if outcome.due else "no due date"
        now = rules.outcome_figures(outcome, forecast.figure_text)  # "25 → 23 min, target 10"
        lines = [
            Content.from_markup("[b]$label  $name[/b]", label=outcome.label, name=clean(outcome.name)),
            self.field("plan", f"{fig.plan.label} {fig.plan.title}"),
            Content.assemble("health    ", (health_marker(f.health), HEALTH_STYLES[health_part(f.health)])),
            self.field("why", f.reason),
            Content.assemble("progress  ", (done, "$success"), (todo, "$foreground 30%"), f" {pct:.0f}%"),
            Content(f"now       {now}"),
            Content(f"due       {due}"),
        ]
        if f.expected is not None:
            lines.append(Content(f"expected  {forecast.estimate_text(f.expected, unit)} by today"))
        if f.projected is not None:
            lines.append(Content(f"projected {forecast.estimate_text(f.projected, unit)} at due, at this pace"))
        if f.pace_per_week is not None:
            lines.append(Content(f"pace      {forecast.per_week(f.pace_per_week, unit)}"))
        if f.needed_per_week is not None:
            lines.append(Content(f"needed    {forecast.per_week(f.needed_per_week, unit)}"))
        if outcome.checkins:
            last = outcome.checkins[-1]
            sure = f", {last.confidence} confidence" if last.confidence else ""
            note = f": {clean(last.note)}" if last.note else ""
            lines.append(self.field("latest", f"{stamp(last.at, date_only=True)} {last.by}{sure}{note}"))
        return lines

    def _plan_lines(self, fig: PlanFigures) -> list[Content]:
        pf = fig.forecast
        today = self.session.today()
        lines = [
            Content.from_markup("[b]$label  $name[/b]", label=fig.plan.label, name=clean(fig.plan.title)),
            Content(f"status    {fig.plan.status}"),
            Content.assemble("health    ", (health_marker(pf.health), HEALTH_STYLES[health_part(pf.health)])),
            self.field("why", pf.reason),
        ]
        if fig.plan.end:
            lines.append(Content(f"end       {_end_words(fig.plan.end, today)}"))
        if pf.expected_progress is not None:
            lines.append(Content(f"time      {pf.expected_progress:.0f}% of its time gone, {fig.progress:.0f}% done"))
        if pf.open_tasks:
            closing = pf.closing_per_week
            rate = f", closing {forecast.per_week(closing, '')}" if closing is not None else ""
            lines.append(Content(f"tasks     {pf.open_tasks} open, {pf.overdue_tasks} overdue{rate}"))
        for o in fig.outcomes:
            health = fig.outcome_forecasts[o.id].health
            marker = (pad(health_marker(health), HEALTH_CELLS), HEALTH_STYLES[health_part(health)])
            lines.append(Content.assemble(f"  {o.label:<5} ", marker, f"  {clean(o.name)}"))
        return lines

    def summary(self) -> Content:
        wp = self.session.workplan
        if not self.queue:
            return Content("Nothing needs attention. All clear.\n\nescape: back to the board")
        kinds = (
            (ReviewItem, "task", "tasks"),
            (OwedDebrief, "debrief owed", "debriefs owed"),
            (Concern, "plan or outcome", "plans and outcomes"),
            (LatePledge, "pledge", "pledges"),
            (commitments.FollowUpDue, "follow-up", "follow-ups"),
        )
        parts = []
        for kind, one, many in kinds:
            shown = [i for i, item in enumerate(self.queue) if isinstance(item, kind)]
            if shown:
                parts.append(_reviewed(len(self.seen.intersection(shown)), len(shown), one, many))
        said = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]
        cells = max(20, self.query_one("#review-task").size.width or self.size.width - 4)
        heading = hanging(f"Reviewed {said} needing attention.", cells, 0)
        lines = [Content(part) for part in heading]
        changed = 0
        names = Names(wp, self.session.context.today)  # values as the log's sentences say them
        for task_id, before in self.before.items():
            after = wp.tasks.get(task_id) if wp else None
            if after is None:
                continue
            diffs = [
                f"{field_words(name)} {_said(name, getattr(before, name), names)}"
                f" → {_said(name, getattr(after, name), names)}"
                for name in FIELDS
                if getattr(before, name) != getattr(after, name)
            ]
            if diffs:
                changed += 1
                line = f"  {after.label} {fit(after.title, 40)}: {clean('; '.join(diffs))}"
                lines += [Content(part) for part in hanging(line, cells, 4)]
        lines.insert(len(heading), Content(f"You changed {changed} of them." if changed else "You changed nothing."))
        lines.append(Content("\nspace / escape: back to the board"))
        return Content("\n").join(lines)


def _said(name: str, value: object, names: Names) -> str:
    """A field's value in the summary as the log says it; typed text quoted, so that a reason
    with a ';' in it is not read as two changes ("reason blocked 'over budget; needs a decision'")."""
    words = value_words(name, value, names)
    return f"'{words}'" if name in ("blocked_reason", "title") and value else words


def _end_words(end: str, today: date) -> str:
    """'ends in 8 weeks', 'ends today', 'ended Mon 30 Nov' for a plan's end."""
    if end < today.isoformat():
        return f"ended {short_date(date.fromisoformat(end), today=today)}"
    words = format_due(end, today=today, dated=True)
    return "ends" + words.removeprefix("due") if words.startswith("due") else words


def _reviewed(seen: int, total: int, one: str, many: str) -> str:
    """'all 6 tasks', '2 of the 6 tasks', 'the task', 'both pledges', 'neither of the 2 pledges', 'none of
    the 3 plans and outcomes' ('all 2 pledges' is no one's English)."""
    if total == 1:
        return f"the {one}" if seen else f"not the {one}"
    if total == 2 and seen in (0, 2):
        return f"both {many}" if seen else f"neither of the 2 {many}"
    if seen >= total:
        return f"all {total} {many}"
    return f"{seen} of the {total} {many}" if seen else f"none of the {total} {many}"
