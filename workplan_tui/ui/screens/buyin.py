"""Buy-in: every member's position on a plan, grouped by partner, and what is still missing."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.content import Content

from workplan_tui.model import rules
from workplan_tui.model.records import POSITIONS, Member, Partner
from workplan_tui.model.text import clean, full_stop, stamp
from workplan_tui.store import actions
from workplan_tui.ui.forms import Field
from workplan_tui.ui.screens.list_screen import ListScreen, Parts, ago
from workplan_tui.ui.widgets import fit

if TYPE_CHECKING:
    pass


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
        wp = self.session.workplan
        plan = wp.plans[self.plan_id] if wp else None
        return f"Buy-in · {plan.label} {plan.title} [{plan.status}] · rule: {plan.rule}" if plan else "Buy-in"

    def items(self) -> list[Any]:
        wp = self.session.workplan
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
        wp = self.session.workplan
        assert wp is not None
        vote = wp.current_votes(self.plan_id).get(item.handle)
        position = vote.position if vote else "not voted"
        style = {"block": "card--overdue", "disagree": "card--blocked", "agree": "card--good"}.get(
            position, "card--meta"
        )
        when = ago(vote.at, self.session.now()) if vote else ""
        comment = f'"{vote.comment}"' if vote and vote.comment else ""
        room = max(4, width - 44)
        return [
            (f"   {fit(item.handle, 12):<12} ", ""),
            (f"{position:<10} ", style),
            (f"{when:<12} ", "card--meta"),
            (fit(comment, room), "card--meta"),
        ]

    def detail(self, item: Any) -> Content:
        wp = self.session.workplan
        assert wp is not None
        plan = wp.plans[self.plan_id]
        decision = rules.buy_in(plan, wp.members, wp.current_votes(self.plan_id), wp.partners)
        rule_words = rules.RULE_WORDS.get(plan.rule, plan.rule)
        lines = [
            Content(f"{decision.summary()}   rule: {plan.rule} ({rule_words})"),
            Content(_sentence(rules.buyin_words(plan, decision))),
        ]
        if plan.closes:  # the rule is unchanged by it; it says by when votes were asked for
            today = self.session.today()
            closing = rules.closing_words(plan, today)
            late = rules.not_voted_by_close(plan, wp.members, wp.votes) if rules.is_closed(plan, today) else []
            who = f"; had not voted by then: {', '.join(late)}" if late else ""
            lines.append(Content(closing[:1].upper() + closing[1:] + clean(who) + "."))
        return Content("\n").join(lines)

    def _my_vote(self) -> Any:
        wp = self.session.workplan
        return wp.current_votes(self.plan_id).get(self.session.store.user) if wp else None

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
            lambda v: actions.vote(self.session.store, self.plan_id, v["position"], v["comment"]),
            check,
        )

    def action_move(self, action: str) -> None:
        self.change(lambda: actions.move_plan(self.session.store, self.plan_id, action))
        self.app.notify(f"{self.title_text()}", markup=False, timeout=3)

    def action_reopen(self) -> None:
        """A completed plan becomes active again; an archived one returns to where it was."""
        self.change(lambda: actions.reopen_plan(self.session.store, self.plan_id))
        self.app.notify(f"{self.title_text()}", markup=False, timeout=3)

    def action_history(self) -> None:
        from workplan_tui.ui.modals import TextScreen

        member = self.rows_widget.current
        wp = self.session.workplan
        if not isinstance(member, Member) or wp is None:
            return
        votes = [v for v in wp.votes if v.plan == self.plan_id and v.member == member.handle]
        lines = [f"{stamp(v.at)}  {v.position:<9} {clean(v.comment)}" for v in votes] or ["No votes yet."]
        self.app.push_screen(TextScreen(f"{member.handle} on P{self.plan_id}: every position", lines))


def _sentence(words: str) -> str:
    """'may become active' as 'May become active.'"""
    return full_stop(clean(words[:1].upper() + words[1:]))
