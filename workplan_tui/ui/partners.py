"""The Partners screen: who brings what, what has been delivered, and each grant's match."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from textual.binding import Binding
from textual.content import Content

from workplan_tui.model import rules
from workplan_tui.model.records import CONTRIBUTION_KINDS, ROLES, Partner
from workplan_tui.model.text import clean
from workplan_tui.store import actions
from workplan_tui.ui.forms import Field
from workplan_tui.ui.partnership import ListScreen, Parts
from workplan_tui.ui.widgets import fit, number, pad

# --- partners -------------------------------------------------------------------------------------


class PartnersScreen(ListScreen):
    KEYS = [
        Binding("n", "new", "New partner"),
        Binding("e", "edit", "Edit"),
        Binding("m", "member", "Add member"),
        Binding("M", "edit_member", "Edit member", show=False),
    ]
    BINDINGS = KEYS
    TITLE_TEXT = "Partners · who brings what"

    def items(self) -> list[Any]:
        wp = self.app.workplan
        return list(wp.partners.values()) if wp else []

    def key_of(self, item: Any) -> Hashable:
        return item.code

    def row(self, item: Partner, width: int) -> Parts:
        wp = self.app.workplan
        members = [m.handle for m in wp.members.values() if m.partner == item.code] if wp else []
        kinds = sorted({c.kind for c in item.contributions})
        return [
            (f" {fit(item.code, 10):<10} ", "card--title"),
            (pad(item.name, max(10, width - 50)) + " ", ""),
            (f"{len(members)} members  ", "card--meta"),
            (fit(", ".join(kinds), 26), "card--meta"),
        ]

    def detail(self, item: Partner) -> Content:
        wp = self.app.workplan
        assert wp is not None
        lines = [Content.from_markup("[b]$code · $name[/b]", code=item.code, name=clean(item.name))]
        lines.append(Content("Short-term interests: " + (clean(item.interests_short) or "-")))
        lines.append(Content("Long-term interests:  " + (clean(item.interests_long) or "-")))
        lines.append(Content("Contributions:"))
        for c in item.contributions:
            shown = f"  {number(c.amount)}" if c.amount is not None else ""
            lines.append(Content(f"  {c.kind:<11} {clean(c.description)}{shown}"))
        if not item.contributions:
            lines.append(Content("  none yet"))
        members = [m for m in wp.members.values() if m.partner == item.code]
        lines.append(
            Content("Members: " + (clean(", ".join(f"{m.handle} ({m.name}, {m.role})" for m in members)) or "-"))
        )
        totals: dict[str, tuple[int, float]] = {}
        for partner in wp.partners.values():
            for c in partner.contributions:
                count, amount = totals.get(c.kind, (0, 0.0))
                totals[c.kind] = (count + 1, amount + (c.amount or 0))
        lines.append(Content(""))
        lines.append(Content("The partnership's contributions by kind:"))
        for kind in CONTRIBUTION_KINDS:
            if kind in totals:
                count, amount = totals[kind]
                lines.append(Content(f"  {kind:<11} {count} contribution(s), amounts total {number(amount)}"))
        return Content("\n").join(lines)

    def _fields(self, p: Partner | None) -> list[Field]:
        contributions = "\n".join(
            f"{c.kind}: {c.description}" + (f": {number(c.amount)}" if c.amount is not None else "")
            for c in (p.contributions if p else [])
        )
        fields = [] if p else [Field("code", "Code (e.g. PARKS)", required=True)]
        return [
            *fields,
            Field("name", "Name", value=p.name if p else "", required=True),
            Field("interests_short", "Short-term interests", value=p.interests_short if p else ""),
            Field("interests_long", "Long-term interests", value=p.interests_long if p else ""),
            Field(
                "contributions",
                "Contributions, one a line",
                "area",
                contributions,
                hint=f"KIND: description: amount  (KIND: {', '.join(CONTRIBUTION_KINDS)})",
            ),
        ]

    @staticmethod
    def _check(values: dict[str, Any]) -> str | None:
        try:
            actions.parse_contributions(values["contributions"])
        except rules.RuleError as exc:
            return str(exc)
        return None

    def action_new(self) -> None:
        self.form(
            "New partner",
            self._fields(None),
            lambda v: actions.add_partner(
                self.app.store,
                v["code"],
                v["name"],
                actions.parse_contributions(v["contributions"]),
                v["interests_short"],
                v["interests_long"],
            ),
            self._check,
        )

    def action_edit(self) -> None:
        p = self.rows_widget.current
        if isinstance(p, Partner):
            self.form(
                f"Edit partner {p.code}",
                self._fields(p),
                lambda v: actions.edit_partner(
                    self.app.store,
                    p.code,
                    name=v["name"],
                    contributions=actions.parse_contributions(v["contributions"]),
                    interests_short=v["interests_short"],
                    interests_long=v["interests_long"],
                ),
                self._check,
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
                lambda v: actions.add_member(self.app.store, v["handle"], v["name"], p.code, v["role"]),
            )

    def action_edit_member(self) -> None:
        from workplan_tui.ui.modals import PickMember

        p = self.rows_widget.current
        wp = self.app.workplan
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
                lambda v: actions.edit_member(self.app.store, m.handle, name=v["name"], role=v["role"]),
            )

        self.app.push_screen(PickMember(f"Edit which member of {p.code}?", members, None, allow_none=False), chosen)
