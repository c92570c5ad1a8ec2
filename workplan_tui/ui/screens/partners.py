"""The Partners screen: who is behind, who brings what, and each grant's match by its deadline.

The list holds the partners, each headed by its one-line summary (``2 tasks overdue, pledge
$3,000 behind, 1 vote missing``: model/commitments.py) with what it pledged and a bar of how
much of that is delivered, and then the grants (each with its match health, its deadline and a
bar of its match delivered). The detail of a partner is its record: its pledges one by one
(pledged against delivered, each with its dates and health), the tasks its members own, the
plans and outcomes it leads, votes and norm agreements missing, its members' last change, the
follow-ups and, for a recipient of grants, the match report by kind; of a grant, its period,
its match by its deadline and the pledges counting towards it; both end with the partnership's
totals by kind. Keys: ``n`` new partner, ``e`` edit (a partner, or a grant), ``p`` pledge,
``s`` a pledge's dates, ``d`` record a delivery, ``f`` follow up a pledge, ``g`` new grant,
``m``/``M`` members. Every change goes through ``store.actions``.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import Any

from rich.cells import cell_len
from textual.binding import Binding
from textual.content import Content

from workplan_tui.model import commitments, dates, resources, rules
from workplan_tui.model.dates import format_due
from workplan_tui.model.forecast import HEALTH_SYMBOLS, short_day
from workplan_tui.model.money import (
    MoneyError,
    format_money,
    parse_amount,
    parse_delivery,
    parse_match,
    parse_value,
    value_text,
)
from workplan_tui.model.records import CONTRIBUTION_KINDS, ROLES, Contribution, Grant, Partner, Workplan
from workplan_tui.model.text import clean
from workplan_tui.store import actions
from workplan_tui.store.storage import StoreError
from workplan_tui.ui.forms import Field, followup_fields, typed_day
from workplan_tui.ui.screens.list_screen import ListScreen, Parts, ago
from workplan_tui.ui.widgets import HEALTH_STYLES, bar_text, fit, health_marker, health_part, pad

BAR = 10
PLEDGE_HINT = (
    "KIND: description: value: grant: when  (value $18,000, 1.5k or 200h @ $25; grant G1 and when, "
    "by dec 31 or 4 quarterly from jan, optional)"
)
WHEN_LABEL = "When (by dec 31, 4 quarterly from jan, 1k a month to jun; empty: none)"


def bar(percent: float | None, cells: int = BAR) -> Content:
    """A bar in the theme's colours, then the percentage ('-' when there is no figure)."""
    if percent is None:
        return Content.assemble(("░" * cells, "$foreground 25%"), "    -")
    done, todo = bar_text(percent, cells)
    return Content.assemble((done, "$success"), (todo, "$foreground 25%"), f" {percent:3.0f}%")


class PartnersScreen(ListScreen):
    KEYS = [
        Binding("n", "new", "New partner"),
        Binding("e", "edit", "Edit"),
        Binding("p", "pledge", "Pledge"),
        Binding("d", "deliver", "Delivered"),
        Binding("f", "follow_up", "Follow up"),
        Binding("s", "schedule", "Pledge's dates", show=False),
        Binding("g", "new_grant", "New grant", show=False),
        Binding("m", "member", "Add member", show=False),
        Binding("M", "edit_member", "Edit member", show=False),
    ]
    BINDINGS = KEYS
    CSS_PATH = ["list_screen.tcss", "partners.tcss"]
    TITLE_TEXT = "Partners · who is behind · who brings what · grants"

    def __init__(self) -> None:
        super().__init__()
        # Worked out once a redraw (``items``), read by every row and detail.
        self.records: dict[str, commitments.PartnerRecord] = {}
        self.matches: dict[int, commitments.MatchStatus] = {}

    @property
    def currency(self) -> str | None:
        wp = self.session.workplan
        return wp.partnership.currency if wp else None

    def money(self, value: float | None) -> str:
        return format_money(value, self.currency)

    def items(self) -> list[Any]:
        wp = self.session.workplan
        if wp is None:
            return []
        today = self.session.today()
        try:
            logged, _ = self.session.store.history().last_by_member(wp.members)
        except StoreError:
            logged = {}
        records = commitments.partner_records(wp, today, figures=self.session.figures(), logged=logged)
        self.records = {r.partner.code: r for r in records}
        self.matches = {g.id: commitments.grant_status(wp, g, today) for g in wp.grants.values()}
        return [*wp.partners.values(), *wp.grants.values()]

    def key_of(self, item: Any) -> Hashable:
        return ("grant", item.id) if isinstance(item, Grant) else ("partner", item.code)

    def title_text(self) -> str:
        currency = self.currency
        return self.TITLE_TEXT + (f" · amounts in {currency}" if currency else "")

    # --- the list ----------------------------------------------------------------------------

    def row(self, item: Partner | Grant, width: int) -> Parts:
        """' PARKS      ✗ 2 tasks overdue, pledge $9,000 late, 1 vote…   $22,000 ████░░░░░░  41%': the
        partner's one-line summary heads its row; its name too from 110 columns."""
        if isinstance(item, Grant):
            return self._grant_row(item, width)
        record = self.records.get(item.code)
        share = resources.total(resources.by_kind(item.contributions).values())
        done, todo = bar_text(share.percent or 0, BAR)
        pct = f"{share.percent:3.0f}%" if share.percent is not None else "   -"
        pledged = self.money(share.pledged) if share.pledged or not share.count else "not valued"
        health = record.health if record is not None else "no_data"
        outstanding = (record.outstanding(self.currency) if record is not None else "") or "nothing outstanding"
        room = max(8, width - 30)
        name: Parts = []
        amount: Parts = []
        if width >= 100:  # the amount pledged: in the detail's first lines at any width
            amount = [(f"{fit(pledged, 11):>11} ", "")]
            room -= 12
        if width >= 140:
            name = [(pad(item.name, 24) + " ", "")]
            room -= 25
        return [
            (f" {fit(item.code, 10):<10} ", "card--title"),
            *name,
            (HEALTH_SYMBOLS[health] + " ", health_part(health)),
            (pad(outstanding, room) + " ", "card--meta" if health == "on_track" else ""),
            *amount,
            (done, "card--bar"),
            (todo, "card--bar-empty"),
            (f" {pct}", "card--meta"),
        ]

    def _grant_row(self, grant: Grant, width: int) -> Parts:
        """' G1         ▲ PARKS → FOODBANK      Cold storage…  by 31 Mar  ████░░░░░░  40%'."""
        wp = self.session.workplan
        assert wp is not None
        found = resources.grant_match(wp, grant)
        status = self.matches.get(grant.id)
        percent = found.total.delivered / found.required * 100 if found.required > 0 else None
        done, todo = bar_text(min(100.0, percent or 0), BAR)
        parties = f"{grant.funder} → {grant.recipient}"
        health = status.health if status is not None else "no_data"
        deadline = status.deadline if status is not None else None
        today = self.session.today()
        year = f" {deadline:%y}" if deadline and deadline.year != today.year else ""
        by = f"by {deadline.day} {deadline:%b}{year}" if deadline else f"match {grant.match}"
        parties_cells = 21 if width >= 73 else max(8, 21 - (73 - width))  # narrow: the bar and % stay whole
        return [
            (f" {grant.label:<10} ", "card--id"),
            (HEALTH_SYMBOLS[health] + " ", health_part(health)),
            (pad(parties, parties_cells) + " ", "card--title"),
            (pad(grant.name, max(6, width - 66)) + " ", ""),
            (f"{fit(by, 12):<12} ", "card--meta"),
            (done, "card--bar"),
            (todo, "card--bar-empty"),
            (f" {percent:3.0f}%" if percent is not None else "    -", "card--meta"),
        ]

    # --- the detail ----------------------------------------------------------------------------

    def detail(self, item: Partner | Grant) -> Content:
        wp = self.session.workplan
        assert wp is not None
        lines = self._grant_detail(wp, item) if isinstance(item, Grant) else self._partner_detail(wp, item)
        lines += [Content(""), *self._by_kind(wp)]
        return Content("\n").join(lines)

    def _partner_detail(self, wp: Workplan, p: Partner) -> list[Content]:
        """The partner's record (model/commitments.py): accountability without blame."""
        today = self.session.today()
        record = self.records.get(p.code) or commitments.partner_record(wp, p.code, today)
        members = record.members
        health = record.health
        lines = [
            Content.from_markup("[b]$code · $name[/b]", code=p.code, name=clean(p.name)),
            Content.assemble(
                (HEALTH_SYMBOLS[health] + " ", HEALTH_STYLES[health_part(health)]),
                clean(record.outstanding(self.currency)) or "Nothing outstanding.",
            ),
            Content(
                "Members: "
                + (clean(", ".join(f"{m.handle} ({m.name}, {m.role})" for m in members)) or "-")
                + f" · last change {self._last_change(record)}"
            ),
        ]
        share = resources.total(resources.by_kind(p.contributions).values())
        if not p.contributions:
            lines.append(Content("Pledged: nothing yet (p adds a pledge)."))
        else:
            unvalued = f", {share.unvalued} not valued" if share.unvalued else ""
            lines.append(
                self._with_bar(
                    f"Pledged {self.money(share.pledged)}{unvalued}, delivered {self.money(share.delivered)}",
                    share.percent,
                )
            )
        for pledged in record.pledges:
            lines += self._pledge_lines(pledged.number, pledged.contribution, pledged.status, today)
        lines += self._tasks_lines(wp, record, today)
        if record.leads:
            led = [
                part
                for led in record.leads
                for part in (
                    (HEALTH_SYMBOLS.get(led.health, "?") + " ", HEALTH_STYLES[health_part(led.health)]),
                    (f"{led.label} {clean(led.name)}  ", ""),
                )
            ]
            lines.append(Content.assemble("Leads: ", *led))
        if record.votes:
            votes = "; ".join(f"{plan.label} {plan.title} ({', '.join(who)})" for plan, who in record.votes)
            lines.append(Content("Votes not cast: " + clean(votes)))
        if record.norms:
            norms = "; ".join(f"{norm.label} ({', '.join(who)})" for norm, who in record.norms)
            lines.append(Content("Norms not agreed: " + clean(norms)))
        if record.followups:
            lines.append(Content("Follow-ups:"))
            for subject, f in record.followups[:5]:
                lines += self._hanging("   ", (clean(subject.name), ""), f": {commitments.followup_words(f, today)}")
        lines += [
            Content("Short-term interests: " + (clean(p.interests_short) or "-")),
            Content("Long-term interests:  " + (clean(p.interests_long) or "-")),
        ]
        for line in resources.match_report(wp):
            if line.recipient == p.code:
                lines += self._match_lines(line)
        return lines

    def _last_change(self, record: commitments.PartnerRecord) -> str:
        at, who = record.last_change
        return f"{ago(at, self.session.now())} ({clean(who)})" if at else "not known"

    def _tasks_lines(self, wp: Workplan, record: commitments.PartnerRecord, today: date) -> list[Content]:
        """'Tasks its members own: 6 open · 2 overdue · 1 blocked', then those overdue or blocked."""
        lines = [
            Content(
                f"Tasks its members own: {len(record.open)} open · {len(record.overdue)} overdue · "
                f"{len(record.blocked)} blocked"
            )
        ]
        for task in [*record.overdue, *(t for t in record.blocked if t not in record.overdue)]:
            overdue = task in record.overdue
            why = format_due(task.due, today=today) if overdue else f"blocked: {clean(task.blocked_reason)}"
            head = f"   {'!' if overdue else 'x'} {task.label} "
            room = max(10, self._room() - len(head) - 2 - 12 - 2 - 20)
            lines.append(
                Content.assemble(
                    head,
                    pad(task.title, room) + "  ",
                    (fit(task.owner or "unassigned", 12).ljust(12) + "  ", "$text-muted"),
                    (fit(why, 40), "$text-error" if overdue else "$text-warning"),
                )
            )
        return lines

    def _room(self) -> int:
        """Cells a detail line may take (the detail box, less its padding and scrollbar)."""
        return max(30, self.app.size.width - 5)

    def _with_bar(self, text: str, percent: float | None, after: str = "") -> Content:
        """``text`` padded so that every bar of the detail starts in the same column; where the
        line has no room for both, the bar goes under the text, indented (never wrapped by the
        screen's edge into the next line's margin)."""
        room = self._room()
        if cell_len(text) + 1 + BAR + 5 + cell_len(after) <= room:
            return Content.assemble(pad(text, max(cell_len(text) + 1, room - BAR - 5)), bar(percent), after)
        return Content("\n").join([Content(fit(text, room)), Content.assemble("    ", bar(percent), after)])

    def _pledge_line(self, number: int, c: Contribution) -> Content:
        """' 1 staff        Two gardeners…   $9,000 of $18,000 G1 ██████░░░░  50%'."""
        if c.value is not None:
            figures = f"{self.money(c.delivered)} of {self.money(c.value)}"
        else:
            figures = f"{self.money(c.delivered)}, not valued" if c.deliveries else "not valued"
        grant = f"G{c.grant}" if c.grant is not None else ""
        percent = c.delivered / c.value * 100 if c.value else None
        room = self._room() - 2 - 1 - 11 - 1 - 1 - 18 - 1 - 3 - 1 - BAR - 5
        if room < 12:  # a narrow terminal: the figures and the bar on a line of their own, under it
            head = f"{number:>2} {c.kind:<11} {fit(c.description, self._room() - 15)}"
            return Content("\n").join([Content(head), Content.assemble(f"    {figures} {grant} ", bar(percent))])
        head = f"{number:>2} {c.kind:<11} {pad(c.description, room)} {fit(figures, 18):>18} {fit(grant, 3):<3} "
        return Content.assemble(head, bar(percent))

    def _pledge_lines(
        self, number: int, c: Contribution, status: commitments.PledgeStatus, today: date
    ) -> list[Content]:
        """The pledge's line, then its dates and health ('✗ late: all $18,000 was due by 1 Nov, ...')
        and its latest follow-up."""
        lines = [self._pledge_line(number, c)]
        if c.schedule is not None:
            lines.append(Content(f"     {commitments.when_words(c, today, self.currency)}"))
        words = f"{HEALTH_SYMBOLS[status.health]} {status.words}"
        lines += self._hanging("     ", (words, HEALTH_STYLES[health_part(status.health)]), f": {clean(status.reason)}")
        if c.followups:
            lines += self._hanging(
                "     ", ("follow-up", ""), f": {commitments.followup_words(c.followups[-1], today)}"
            )
        return lines

    def _hanging(self, indent: str, head: tuple[str, str], text: str) -> list[Content]:
        """``indent`` + ``head`` (text, style) + ``text`` cut at spaces into lines of the detail's
        width, each line after the first indented two more cells (stored text: already cleaned)."""
        import textwrap

        room = max(20, self._room() - 1)
        first, *rest = textwrap.wrap(
            head[0] + text, room, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False
        ) or [indent + head[0]]
        lines = [Content.assemble(indent, head, first[len(indent) + len(head[0]) :])]
        return [*lines, *(Content(line) for line in rest)]

    def _match_lines(self, line: resources.RecipientMatch) -> list[Content]:
        grants = ", ".join(f"{g.label} {self.money(g.amount)} from {g.funder} at {g.match}" for g in line.grants)
        lines = [
            Content(""),
            Content.assemble((f"Match required of {clean(line.recipient)}", "bold"), f" ({clean(grants)})"),
            Content(
                f"Required {self.money(line.required)} · pledged {self.money(line.total.pledged)} · "
                f"delivered {self.money(line.total.delivered)}"
                + (f" · still to pledge {self.money(line.shortfall)}" if line.shortfall > 0 else "")
            ),
        ]
        for kind, tally in line.kinds.items():
            figures = f"pledged {self.money(tally.pledged):>9} · delivered {self.money(tally.delivered):>9}"
            lines.append(self._with_bar(f"   {kind:<11} {figures}", tally.percent))
        lines.append(self._with_bar("   of the match required, delivered", line.delivered_percent))
        return lines

    def _grant_detail(self, wp: Workplan, g: Grant) -> list[Content]:
        found = resources.grant_match(wp, g)
        line = resources.RecipientMatch(g.recipient, [g], found.required, found.kinds, found.total)
        today = self.session.today()
        status = self.matches.get(g.id) or commitments.grant_status(wp, g, today)
        start, end = commitments.day_of(g.start), commitments.day_of(g.end)
        period = (
            f"Period {short_day(start, today) if start else '?'} to {short_day(end, today) if end else '?'}; "
            if start or end
            else "No period; "
        )
        deadline = f"match due by {short_day(status.deadline, today)}" if status.deadline else "no match deadline"
        late = f", {self.money(status.late)} of it after the deadline (late)" if status.late > 0.005 else ""
        lines = [
            Content.from_markup("[b]$label $name[/b]", label=g.label, name=clean(g.name)),
            Content(
                f"From {clean(g.funder)} to {clean(g.recipient)}: {self.money(g.amount)}, match {clean(g.match)} "
                f"(match to grant), so {clean(g.recipient)} brings {self.money(found.required)}."
            ),
            Content(f"{period}{deadline}."),
            *self._hanging(
                "",
                (health_marker(status.health), HEALTH_STYLES[health_part(status.health)]),
                f": {clean(status.reason)}",
            ),
            *self._match_lines(line)[2:],
            Content(f"Delivered {self.money(status.delivered)}{late}."),
            Content("Pledges counting towards it:"),
        ]
        for p, number, c in found.contributions:
            value = value_text(c.amount, c.hours, c.rate, self.currency) or "not valued"
            pledge = commitments.of_pledge(wp, c, today)
            words = pad(f"{HEALTH_SYMBOLS[pledge.health]} {pledge.words}", 14)
            after = commitments.after_deadline(pledge, status.deadline, today)
            lines += self._hanging(  # a long description goes on under itself, not at the left edge
                "   ",
                (words, HEALTH_STYLES[health_part(pledge.health)]),
                f"{clean(p.code)} #{number} {c.kind}: {clean(c.description)} ({value}){after}",
            )
        if not found.contributions:
            lines.append(Content(f"   none yet: select {clean(g.recipient)} and press p (grant {g.label})"))
        return lines

    def _by_kind(self, wp: Workplan) -> list[Content]:
        sharing = resources.cost_sharing(wp)
        if not sharing.total.count:
            return [Content("The partnership: nothing pledged yet.")]
        lines = [Content("The partnership, by kind: pledged · delivered")]
        for kind, tally in sharing.kinds.items():
            pledged = self.money(tally.pledged) if tally.pledged or not tally.unvalued else "not valued"
            more = f" +{tally.unvalued} not valued" if tally.unvalued and tally.pledged else ""
            figures = f"{pledged:>10} · {self.money(tally.delivered):>9}{more}"
            lines.append(self._with_bar(f"   {kind:<11} {figures}", tally.percent))
        whole = sharing.total
        figures = f"{self.money(whole.pledged):>10} · {self.money(whole.delivered):>9}"
        lines.append(self._with_bar(f"   {'all':<11} {figures}", whole.percent))
        return lines

    # --- forms ---------------------------------------------------------------------------------

    def _fields(self, p: Partner | None) -> list[Field]:
        contributions = "\n".join(resources.pledge_text(c, self.currency) for c in (p.contributions if p else []))
        fields = [] if p else [Field("code", "Code (e.g. PARKS)", required=True)]
        return [
            *fields,
            Field("name", "Name", value=p.name if p else "", required=True),
            Field("interests_short", "Short-term interests", value=p.interests_short if p else ""),
            Field("interests_long", "Long-term interests", value=p.interests_long if p else ""),
            Field(
                "contributions",
                "Contributions, one a line (each keeps what was delivered of it)",
                "area",
                contributions,
                hint=PLEDGE_HINT,
            ),
        ]

    def _check(self, values: dict[str, Any]) -> str | None:
        try:
            actions.parse_contributions(values["contributions"], self.currency, self.session.today())
        except rules.RuleError as exc:
            return str(exc)
        return None

    def action_new(self) -> None:
        self.form(
            "New partner",
            self._fields(None),
            lambda v: actions.add_partner(
                self.session.store,
                v["code"],
                v["name"],
                actions.parse_contributions(v["contributions"], self.currency, self.session.today()),
                v["interests_short"],
                v["interests_long"],
            ),
            self._check,
        )

    def action_edit(self) -> None:
        item = self.rows_widget.current
        if isinstance(item, Grant):
            self._edit_grant(item)
            return
        if isinstance(item, Partner):
            p = item
            self.form(
                f"Edit partner {p.code}",
                self._fields(p),
                lambda v: actions.edit_partner(
                    self.session.store,
                    p.code,
                    name=v["name"],
                    contributions=actions.parse_contributions(v["contributions"], self.currency, self.session.today()),
                    interests_short=v["interests_short"],
                    interests_long=v["interests_long"],
                    expected_rev=p.rev,
                ),
                self._check,
            )

    def _grant_choices(self) -> list[tuple[str, Any]]:
        wp = self.session.workplan
        grants = list(wp.grants.values()) if wp else []
        return [("none", None), *[(f"{g.label} {g.name} ({g.funder} → {g.recipient})", g.id) for g in grants]]

    def action_pledge(self) -> None:
        p = self.rows_widget.current
        if not isinstance(p, Partner):
            self.app.notify("Select a partner first.", severity="warning", markup=False)
            return
        currency = self.currency

        def read(values: dict[str, Any]) -> tuple[Any, ...]:
            worth = parse_value(values["value"], currency)
            when = commitments.parse_when(
                values["when"],
                today=self.session.today(),
                amount=worth.amount,
                hours=worth.hours,
                rate=worth.rate,
                currency=currency,
            )
            dated = when if when.due or when.schedule else None
            return (
                values["kind"],
                values["description"],
                worth.amount,
                worth.hours,
                worth.rate,
                values["grant"],
                dated,
            )

        def check(values: dict[str, Any]) -> str | None:
            try:
                read(values)
            except (MoneyError, commitments.WhenError) as exc:
                return str(exc)
            return None

        self.form(
            f"{p.code} pledges",
            [
                Field("kind", "Kind", "choice", "staff", True, [(k, k) for k in CONTRIBUTION_KINDS]),
                Field("description", "What", required=True),
                Field("value", "Value: $18,000, 1.5k, 200h @ $25 (empty: not valued)"),
                Field("grant", "Counts towards the match of", "choice", None, False, self._grant_choices()),
                Field("when", WHEN_LABEL),
            ],
            lambda values: actions.pledge(self.session.store, p.code, read(values)),
            check,
        )

    def _pledge_choices(self, p: Partner) -> list[tuple[str, Any]]:
        currency = self.currency
        return [
            (f"{n} {c.kind}: {c.description} ({value_text(c.amount, c.hours, c.rate, currency) or 'not valued'})", n)
            for n, c in enumerate(p.contributions, 1)
        ]

    def _partner_with_pledges(self) -> Partner | None:
        p = self.rows_widget.current
        if not isinstance(p, Partner):
            self.app.notify("Select a partner first.", severity="warning", markup=False)
            return None
        if not p.contributions:
            self.app.notify(f"{p.code} has pledged nothing yet: p adds a pledge.", severity="warning", markup=False)
            return None
        return p

    def _first_late(self, p: Partner) -> int:
        """The number of the partner's first pledge behind or late (1 when none is)."""
        record = self.records.get(p.code)
        return next((line.number for line in record.pledges if line.status.overdue), 1) if record else 1

    def action_schedule(self) -> None:
        """By when a pledge is expected: a due day or instalments (``partner schedule``)."""
        p = self._partner_with_pledges()
        if p is None:
            return
        number = self._first_late(p)
        self.form(
            f"Dates of a pledge of {p.code}",
            [
                Field("contribution", "Of the pledge", "choice", number, True, self._pledge_choices(p)),
                Field("when", WHEN_LABEL, value=commitments.when_text(p.contributions[number - 1])),
            ],
            lambda v: actions.schedule_pledge(
                self.session.store, p.code, str(v["contribution"]), v["when"] or "none", today=self.session.today()
            ),
        )

    def action_follow_up(self) -> None:
        """Record a follow-up on one of the partner's pledges (``workplan followup add CODE#N``)."""
        p = self._partner_with_pledges()
        if p is None:
            return
        record = self.records.get(p.code)
        late = self._first_late(p)
        lead = next((m.handle for m in (record.members if record else []) if m.role == "lead"), "")
        today = self.session.today()

        def save(v: dict[str, Any]) -> Any:
            on = dates.parse_past_date(v["on"] or "today", today=today).isoformat()
            new = typed_day(v["new_date"], today)
            return actions.follow_up_pledge(
                self.session.store,
                p.code,
                str(v["contribution"]),
                whom=v["whom"],
                on=on,
                agreed=v["agreed"],
                new_date=new,
                who=v["who"],
            )

        self.form(
            f"Follow up a pledge of {p.code}",
            followup_fields(self._pledge_choices(p), late, lead, self.session.store.user),
            save,
        )

    def action_deliver(self) -> None:
        p = self.rows_widget.current
        if not isinstance(p, Partner):
            self.app.notify("Select a partner first.", severity="warning", markup=False)
            return
        if not p.contributions:
            self.app.notify(f"{p.code} has pledged nothing yet: p adds a pledge.", severity="warning", markup=False)
            return
        currency, today = self.currency, self.session.today()
        choices = [
            (f"{n} {c.kind}: {c.description} ({value_text(c.amount, c.hours, c.rate, currency) or 'not valued'})", n)
            for n, c in enumerate(p.contributions, 1)
        ]

        def check(values: dict[str, Any]) -> str | None:
            c = p.contributions[values["contribution"] - 1]
            try:
                parse_delivery(values["amount"], currency, c.rate)
                dates.parse_past_date(values["on"] or "today", today=today)
            except (MoneyError, dates.DateError) as exc:
                return str(exc)
            return None

        def done(values: dict[str, Any]) -> Any:
            on = dates.parse_past_date(values["on"] or "today", today=today).isoformat()
            return actions.deliver(
                self.session.store, p.code, str(values["contribution"]), values["amount"], on=on, note=values["note"]
            )

        self.form(
            f"Delivered by {p.code}",
            [
                Field("contribution", "Of the pledge", "choice", 1, True, choices),
                Field("amount", "Amount: $2,500, 2.5k, or hours of an in-kind pledge (40h)", required=True),
                Field("on", "On (today, yesterday, mon, 3 days ago, 2026-11-20)", value="today"),
                Field("note", "Note (what, an invoice number...)"),
            ],
            done,
            check,
        )

    def _grant_fields(self, g: Grant | None) -> list[Field]:
        wp = self.session.workplan
        codes = [(f"{p.code} {p.name}", p.code) for p in wp.partners.values()] if wp else []
        parties = (
            []
            if g
            else [
                Field("funder", "From (the funder)", "choice", None, True, codes),
                Field("recipient", "To (the recipient, who brings the match)", "choice", None, True, codes),
            ]
        )
        return [
            *parties,
            Field("name", "What it is for", value=g.name if g else ""),
            Field("amount", "Amount ($30,000, 30k)", value=format_money(g.amount, None) if g else "", required=True),
            Field("match", "Match required: 1:1, 1:2 (match to grant), 25% or none", value=g.match if g else "1:1"),
            Field("start", "Period from (jan 1, 2027-01-01; empty: none)", value=g.start or "" if g else ""),
            Field("end", "Period to (dec 31)", value=g.end or "" if g else ""),
            Field("match_by", "Match due by (empty: the period's end)", value=g.match_by or "" if g else ""),
        ]

    def _grant_dates(self, values: dict[str, Any]) -> dict[str, str | None]:
        """The period and deadline typed, read as the CLI reads them (``commitments.read_grant_period``:
        jan, dec 31 after the start); WhenError for one that is not a date."""
        typed = {name: values[name] or "none" for name in commitments.GRANT_DATES}
        return commitments.read_grant_period(typed, self.session.today())

    def _check_grant(self, values: dict[str, Any]) -> str | None:
        try:
            parse_amount(values["amount"], self.currency)
            parse_match(values["match"] or "none")
            period = self._grant_dates(values)
        except (MoneyError, dates.DateError, commitments.WhenError) as exc:
            return str(exc)
        return commitments.grant_period_problem(period["start"], period["end"], period["match_by"])

    def action_new_grant(self) -> None:
        wp = self.session.workplan
        if wp is None or len(wp.partners) < 2:
            self.app.notify("A grant goes from one partner to another: add partners first (n).", markup=False)
            return
        self.form(
            "New grant",
            self._grant_fields(None),
            lambda v: actions.add_grant(
                self.session.store,
                v["funder"],
                v["recipient"],
                parse_amount(v["amount"], self.currency),
                v["match"] or "none",
                v["name"],
                dates=self._grant_dates(v),
            ),
            self._check_grant,
        )

    def _edit_grant(self, g: Grant) -> None:
        self.form(
            f"Edit {g.label} ({g.funder} → {g.recipient})",
            self._grant_fields(g),
            lambda v: actions.edit_grant(
                self.session.store,
                g.id,
                name=v["name"] or g.name,
                amount=parse_amount(v["amount"], self.currency),
                match=v["match"] or "none",
                dates=self._grant_dates(v),
                expected_rev=g.rev,
            ),
            self._check_grant,
        )

    def action_member(self) -> None:
        p = self.rows_widget.current
        if isinstance(p, Partner):
            self.form(
                f"New member of {p.code}",
                [
                    Field("handle", "Handle (their Unix login)", required=True),
                    Field("name", "Name", required=True),
                    Field("role", "Role", "choice", "member", True, [(r, r) for r in ROLES]),
                ],
                lambda v: actions.add_member(self.session.store, v["handle"], v["name"], p.code, v["role"]),
            )

    def action_edit_member(self) -> None:
        from workplan_tui.ui.modals import PickMember

        p = self.rows_widget.current
        wp = self.session.workplan
        if not isinstance(p, Partner) or wp is None:
            return
        members = [m for m in wp.members.values() if m.partner == p.code]

        def chosen(handle: str | None) -> None:
            if not handle or wp is None:
                return
            m = wp.members[handle]
            self.form(
                f"Edit member {m.handle}",
                [
                    Field("name", "Name", value=m.name, required=True),
                    Field("role", "Role", "choice", m.role, True, [(r, r) for r in ROLES]),
                ],
                lambda v: actions.edit_member(self.session.store, m.handle, name=v["name"], role=v["role"]),
            )

        self.app.push_screen(PickMember(f"Edit which member of {p.code}?", members, None, allow_none=False), chosen)
