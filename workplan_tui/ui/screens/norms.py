"""Norms: how the partnership works together, and who has agreed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.content import Content

from workplan_tui.model import rules
from workplan_tui.model.records import Norm
from workplan_tui.model.text import clean
from workplan_tui.store import actions
from workplan_tui.ui.forms import Field
from workplan_tui.ui.screens.list_screen import ListScreen, Parts
from workplan_tui.ui.widgets import fit

if TYPE_CHECKING:
    pass


class NormsScreen(ListScreen):
    KEYS = [Binding("a", "agree", "Agree"), Binding("n", "new", "New"), Binding("e", "edit", "Edit")]
    BINDINGS = KEYS
    TITLE_TEXT = "Norms · how we work together"

    def items(self) -> list[Any]:
        wp = self.session.workplan
        return list(wp.norms.values()) if wp else []

    def _state(self, norm: Norm) -> rules.NormState:
        return rules.norm_state(norm, self.session.workplan.members if self.session.workplan else ())

    def row(self, item: Norm, width: int) -> Parts:
        in_force, agreed, waiting = self._state(item)
        state = "in force" if in_force else f"{len(agreed)}/{len(agreed) + len(waiting)} agreed"
        return [
            (f" {item.label:<4} ", "card--meta"),
            (f"{state:<12} ", "card--good" if in_force else "card--soon"),
            (fit(item.text, width - 20), ""),
        ]

    def detail(self, item: Norm) -> Content:
        in_force, agreed, waiting = self._state(item)
        lines = [
            Content(clean(item.text, multiline=True)),
            Content(""),
            Content("In force: every member has agreed." if in_force else "Not yet in force."),
            Content("Agreed: " + (clean(", ".join(agreed)) or "nobody yet")),
        ]
        if waiting:
            lines.append(Content("Waiting for: " + clean(", ".join(waiting))))
        return Content("\n").join(lines)

    def action_agree(self) -> None:
        norm = self.rows_widget.current
        if isinstance(norm, Norm):
            self.change(lambda: actions.agree_norm(self.session.store, norm.id))

    def action_new(self) -> None:
        self.form(
            "New norm",
            [Field("text", "Norm", "area", "", True)],
            lambda v: actions.add_norm(self.session.store, v["text"]),
        )

    def action_edit(self) -> None:
        norm = self.rows_widget.current
        if isinstance(norm, Norm):
            self.form(
                f"Edit {norm.label} (rewording asks everyone to agree again)",
                [Field("text", "Norm", "area", norm.text, True)],
                lambda v: actions.edit_norm(self.session.store, norm.id, v["text"], expected_rev=norm.rev),
            )
