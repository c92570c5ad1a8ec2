"""A small form dialog for the partnership screens: fields in, a dict of values out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, TextArea

from workplan_tui.model import typed
from workplan_tui.model.rules import RuleError
from workplan_tui.model.text import clean
from workplan_tui.ui.safe import content, text
from workplan_tui.ui.widgets import LineInput

# One save key in every dialog, and the same words for it (a field of several lines keeps enter).
SAVE_KEY = "ctrl+s"
SAVE_LABEL = "Save (ctrl+s)"
SAVE_HINT = "ctrl+s saves · escape cancels"


@dataclass(slots=True)
class Field:
    """One input: ``kind`` is text, number, area (several lines) or choice; ``note`` shows
    ``value`` as text that cannot be changed here (``hint`` says why) and returns nothing."""

    name: str
    label: str
    kind: str = "text"
    value: Any = ""
    required: bool = False
    choices: list[tuple[str, Any]] = field(default_factory=list)
    hint: str = ""


class FormDialog(ModalScreen[dict[str, Any] | None]):
    """Fill in fields; ctrl+s (the save key of every dialog) checks and returns them,
    escape returns None. Enter in a one-line field saves too; in a field of several
    lines it starts a new line.

    With ``save`` the form writes its values itself: ``save`` returns None when the
    change landed (the form closes) or why it did not, which the form shows while it
    stays open with everything typed.
    """

    CSS_PATH = "modals.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel"), Binding(SAVE_KEY, "save", "Save")]

    def __init__(
        self,
        title: str,
        fields: list[Field],
        check: Callable[[dict[str, Any]], str | None] | None = None,
        save: Callable[[dict[str, Any]], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.heading = title
        self.fields = fields
        self.check = check
        self.save = save

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form", classes="dialog"):
            yield Label(content(self.heading), id="form-heading")
            for f in self.fields:
                if f.kind == "note":
                    yield Label(f.label)
                    yield Label(content(f.value), id=f"f-{f.name}", classes="fixed")
                    yield Label(content(f.hint), classes="hint")
                    continue
                yield Label(f.label + (" *" if f.required else ""))
                if f.kind == "area":
                    yield TextArea(clean(f.value, multiline=True), id=f"f-{f.name}", compact=True, classes="area")
                elif f.kind == "choice":
                    options = [(text(label), value) for label, value in f.choices]
                    value = f.value if any(v == f.value for _, v in f.choices) else Select.NULL
                    yield Select(options, value=value, id=f"f-{f.name}", compact=True, allow_blank=not f.required)
                else:
                    value = "" if f.value is None else clean(f.value if f.kind == "text" else _number(f.value))
                    yield LineInput(value, id=f"f-{f.name}", compact=True, placeholder=f.hint)
                if f.hint and f.kind != "text" and f.kind != "number":
                    yield Label(content(f.hint), classes="hint")
            yield Label("", id="form-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(SAVE_LABEL, id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        first = self.query("Input, Select, TextArea").first()
        first.focus()

    @on(Input.Submitted)
    def _enter(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        values: dict[str, Any] = {}
        for f in self.fields:
            if f.kind == "note":
                continue
            widget = self.query_one(f"#f-{f.name}")
            if isinstance(widget, TextArea):
                value: Any = widget.text.strip()
            elif isinstance(widget, Select):
                value = None if widget.value is Select.NULL else widget.value
            else:
                assert isinstance(widget, Input)
                value = widget.value.strip()
                if f.kind == "number":
                    if value == "" and not f.required:
                        value = None
                    elif value:
                        try:  # as the command line reads it (model/typed.py): 10,5 is refused, not 105
                            value = typed.number(value, f.label)
                        except RuleError as exc:
                            return self._error(f"{exc}.")
            if f.required and value in ("", None):
                return self._error(f"{f.label} is required.")
            values[f.name] = value
        problem = self.check(values) if self.check else None
        if problem:
            return self._error(problem)
        if self.save is not None:
            problem = self.save(values)
            if problem:
                return self._error(problem)
        self.dismiss(values)

    def _error(self, message: str) -> None:
        error = self.query_one("#form-error", Label)
        error.update(Content(clean(message)))
        self.call_after_refresh(error.scroll_visible, animate=False)  # once wrapped: all its lines


def typed_day(text: str, today: date) -> str | None:
    """A day typed in a form (fri, +2w, dec 15, 2026-12-15) as YYYY-MM-DD; None when empty or
    'none'. DateError, saying which forms are understood, for anything else (a form's save
    shows it: ``session.attempt``)."""
    from workplan_tui.model.dates import parse_date

    text = text.strip()
    if not text or text.lower() == "none":
        return None
    return parse_date(text, today=today).isoformat()


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def followup_fields(
    subjects: list[tuple[str, Any]] | None, subject: Any, whom: str, me: str, new_date: str = ""
) -> list[Field]:
    """The fields of a follow-up (``records.FollowUp``): which pledge (``subjects``: choices; None
    for a task's, which needs no choice), who made contact, with whom, on which day, what was agreed
    and the new date agreed."""
    fields = [Field("contribution", "Of the pledge", "choice", subject, True, subjects)] if subjects else []
    return [
        *fields,
        Field("whom", "With (who was contacted)", value=whom, required=True),
        Field("who", "By (who made contact)", value=me),
        Field("on", "On (today, yesterday, mon, 2026-11-20)", value="today"),
        Field("agreed", "What was agreed"),
        Field("new_date", "New date agreed (fri, jan 15; empty: none): it replaces the old one", value=new_date),
    ]


def lead_field(workplan: Any, lead: str | None) -> Field:
    """The partner that leads a plan or an outcome: a choice of the partners, or none."""
    partners = list(workplan.partners.values()) if workplan is not None else []
    choices: list[tuple[str, Any]] = [("none", None), *[(f"{p.code} {p.name}", p.code) for p in partners]]
    return Field("lead", "Led by (the partner that leads it)", "choice", lead, False, choices)
