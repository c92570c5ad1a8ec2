"""Dialogs. Each returns a typed result, or None on escape (nothing changes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rich.cells import cell_len, set_cell_size
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from workplan_tui.model import rules, typed
from workplan_tui.model.changes import Names, sentence
from workplan_tui.model.dates import EXAMPLES, DateError, parse_date, preview
from workplan_tui.model.records import TASK_STATUSES, Activity, Member, Task, Workplan, label
from workplan_tui.model.rules import RuleError
from workplan_tui.model.schedule import parse_waits
from workplan_tui.model.text import around_difference, clean, stamp
from workplan_tui.ui.forms import SAVE_HINT, SAVE_KEY, SAVE_LABEL
from workplan_tui.ui.keys import key_label
from workplan_tui.ui.safe import content, text
from workplan_tui.ui.widgets import LineInput


class Reading(ModalScreen[None]):
    """A heading and lines to read, in a scrolling box."""

    CSS_PATH = "modals.tcss"

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.heading = title
        self.lines = lines

    def body(self) -> Content:
        lines = [Content.from_markup("[b]$t[/b]  (escape closes)", t=clean(self.heading))]
        lines += [Content(clean(line)) for line in self.lines]
        return Content("\n").join(lines)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(self.body(), id="help-text")


class TextScreen(Reading):
    """Some lines to read (e.g. a member's earlier votes); escape closes."""

    BINDINGS = [Binding("escape,q,enter", "dismiss(None)", "Close")]


class HelpScreen(Reading):
    """Every key of a screen, read from the same binding table the footer uses."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss(None)", "Close")]

    def __init__(self, title: str, bindings: list[BindingType]) -> None:
        entries: list[tuple[str, str]] = []
        seen: set[str] = set()
        for binding in bindings:
            if not isinstance(binding, Binding) or binding.description in seen:
                continue
            seen.add(binding.description)
            if binding.action.startswith("set_progress"):
                if binding.description == "Set 0%":
                    entries.append(("0 … 9", "progress 0 … 90%"))
                continue
            entries.append((key_label(binding), binding.description))
        entries.append(("ctrl+p", "command palette"))
        entries.append(("ctrl+z", "suspend (fg resumes)"))
        self.entries = entries
        super().__init__(f"{title} keys", self.arrange_keys(entries, 74))

    @staticmethod
    def arrange_keys(entries: list[tuple[str, str]], cells: int) -> list[str]:
        """The keys in two columns when both fit in ``cells``, else in one, aligned either way."""
        key_cells = max(cell_len(key) for key, _ in entries) + 2
        what_cells = max(cell_len(what) for _, what in entries) + 2
        if 2 * (key_cells + what_cells) - 2 > cells:
            return [set_cell_size(key, key_cells) + what for key, what in entries]
        half = (len(entries) + 1) // 2
        left, right = entries[:half], entries[half:]
        lines = []
        for i, (key, what) in enumerate(left):
            line = set_cell_size(key, key_cells) + set_cell_size(what, what_cells)
            if i < len(right):
                line += set_cell_size(right[i][0], key_cells) + right[i][1]
            lines.append(line.rstrip())
        return lines

    def on_resize(self) -> None:
        box = self.query_one("#help")
        cells = box.content_region.width or 74
        self.lines = self.arrange_keys(self.entries, cells)
        self.query_one("#help-text", Static).update(self.body())

    def on_mount(self) -> None:
        self.query_one("#help").focus()


Save = Callable[[Any], str | None]  # writes a dialog's result: None when it landed, else why not


class AskText(ModalScreen[str | None]):
    """One line of text, e.g. why a task is blocked. With ``save`` the dialog writes the
    answer itself and stays open, showing why, when the change is refused."""

    CSS_PATH = "modals.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel"), Binding(SAVE_KEY, "save", "Save")]

    def __init__(self, prompt: str, value: str = "", what: str = "text", save: Save | None = None) -> None:
        super().__init__()
        self.prompt = prompt
        self.value = value
        self.what = what
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="ask", classes="dialog"):
            yield Label(content(self.prompt))
            yield LineInput(clean(self.value), id="answer", placeholder=self.what, compact=True)
            yield Label("", id="ask-error", classes="error")
            yield Label(SAVE_HINT, classes="hint")

    @on(Input.Submitted, "#answer")
    def _submit(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        value = self.query_one("#answer", Input).value.strip()
        if not value:
            self.query_one("#ask-error", Label).update(f"Please give a {self.what}.")
            return
        problem = self.save(value) if self.save is not None else None
        if problem:
            self.query_one("#ask-error", Label).update(Content(clean(problem)))
            return
        self.dismiss(value)


class PickMember(ModalScreen[str | None]):
    """Choose a member ("" means unassigned, offered only with ``allow_none``). Typing jumps:
    ``c`` to the first member whose handle or name starts with c, ``ca`` on to carmen."""

    CSS_PATH = "modals.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(
        self,
        prompt: str,
        members: list[Member],
        current: str | None,
        *,
        allow_none: bool = True,
        save: Save | None = None,
    ) -> None:
        """``save`` writes the choice ("" for none): the dialog stays open, showing why, when it is refused."""
        super().__init__()
        self.prompt = prompt
        self.members = members
        self.current = current
        self.handles = ([""] if allow_none else []) + [m.handle for m in members]
        self.save = save
        self.typed = ""  # the letters typed so far, to jump to the member they begin

    def compose(self) -> ComposeResult:
        options = [Option(text("(unassigned)"), id="")] if "" in self.handles else []
        options += [Option(text(f"{m.handle:<12} {m.name} · {m.partner}"), id=m.handle) for m in self.members]
        with Vertical(id="pick", classes="dialog"):
            yield Label(content(self.prompt))
            yield OptionList(*options, id="members")
            yield Label("", id="pick-error", classes="error")
            yield Label("enter chooses · escape cancels", classes="hint")

    def on_mount(self) -> None:
        members = self.query_one(OptionList)
        if self.current in self.handles:
            members.highlighted = self.handles.index(self.current)
        members.focus()

    def on_key(self, event: events.Key) -> None:
        """A letter jumps to the first member whose handle or name (any of its words) begins with
        what was typed; a letter that continues no one starts again from it."""
        char = event.character
        if not char or not char.isprintable() or char.isspace() or len(char) != 1:
            if event.key == "backspace" and self.typed:
                self.typed = self.typed[:-1]
                event.stop()
            return
        for prefix in (self.typed + char.lower(), char.lower()):
            found = self._starting(prefix)
            if found is not None:
                self.typed = prefix
                self.query_one(OptionList).highlighted = found
                break
        event.stop()

    def _starting(self, prefix: str) -> int | None:
        """The index of the first option whose member's handle or a word of their name begins with ``prefix``."""
        offset = 1 if "" in self.handles else 0
        for index, member in enumerate(self.members):
            words = [member.handle.lower(), *member.name.lower().split()]
            if any(word.startswith(prefix) for word in words):
                return index + offset
        return None

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id or ""
        problem = self.save(choice) if self.save is not None else None
        if problem:
            self.query_one("#pick-error", Label).update(Content(clean(problem)))
            return
        self.dismiss(choice)


@dataclass(slots=True)
class TaskEdit:
    """What the edit form changed: only fields whose value differs from the task's; ``every``, a
    repeat as typed ("" ends it), when that changed (it is its series', not the task's)."""

    fields: dict[str, Any] = field(default_factory=dict)
    every: str | None = None


class TaskSuggester(Suggester):
    """Completes the last of a comma-separated list of tasks by id or title: 'T1' or 'bui' becomes
    'T12 Build beds at Oak Street', which the "waits on" field reads as T12 (schedule.parse_waits)."""

    def __init__(self, workplan: Workplan, exclude: int | None) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.choices = [
            (f"{t.label} {clean(t.title)}", t.label.lower(), clean(t.title).casefold())
            for t in sorted(workplan.tasks.values(), key=lambda t: (t.status == "done", t.id))
            if t.id != exclude
        ]

    async def get_suggestion(self, value: str) -> str | None:
        head, comma, last = value.rpartition(",")
        typed = last.lstrip()
        if not typed:
            return None
        lowered = typed.casefold()
        for shown, name, title in self.choices:
            if name.startswith(lowered) or title.startswith(lowered) or shown.casefold().startswith(lowered):
                return f"{head}{comma}{last[: len(last) - len(typed)]}{shown}"
        return None


SaveTask = Callable[[TaskEdit, Callable[[], None], Callable[[str], None]], None]


class EditTask(ModalScreen[TaskEdit | None]):
    """Task detail and edit form; a new task when ``task`` is None."""

    CSS_PATH = "modals.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding(SAVE_KEY, "save", "Save"),
    ]

    def __init__(
        self,
        workplan: Workplan,
        task: Task | None,
        plan_id: int,
        today: Callable[[], date],
        history: tuple[list[Activity], bool] = ([], True),
        save: SaveTask | None = None,
    ) -> None:
        """``today``: the board's clock (dates typed mean what they say when saved, not when
        the form opened: left open overnight, 'tomorrow' still means tomorrow). ``history``:
        the task's newest log entries (oldest first) and whether that is all of them.

        ``save(result, close, report)`` writes the form: it calls ``close()`` once the
        change landed, or ``report(why)`` when it was refused; the form then stays open
        with everything typed and shows why. Without it the form returns its result.
        """
        super().__init__()
        self.workplan = workplan
        self.history = history
        self.save = save
        self.task_ = task
        self.plan_id = plan_id
        self._today = today

    @property
    def today(self) -> date:
        """Today as of now, not when the form opened."""
        return self._today()

    def compose(self) -> ComposeResult:
        t = self.task_
        plan = self.workplan.plans[self.plan_id]
        heading = f"{t.label} · {plan.label} {plan.title}" if t else f"New task in {plan.label} {plan.title}"
        if t and t.meeting is not None and t.meeting in self.workplan.meetings:  # an action item
            meeting = self.workplan.meetings[t.meeting]
            heading += f" · action item of {meeting.label} ({meeting.day})"
        members = [(text(f"{m.handle} · {m.partner}"), m.handle) for m in self.workplan.members.values()]
        if t and t.owner and t.owner not in self.workplan.members:  # removed since: kept unless changed
            members.append((text(f"{t.owner} · no longer a member"), t.owner))
        outcomes = [(text(f"{o.label} {o.name}"), o.id) for o in self.workplan.outcomes_of(self.plan_id)]
        with VerticalScroll(id="edit", classes="dialog"):
            yield Label(content(heading), id="edit-heading")
            yield Label("Title")
            yield LineInput(clean(t.title) if t else "", compact=True, id="title", placeholder="what needs doing")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Owner")
                    yield Select(
                        members,
                        value=t.owner if t and t.owner else Select.NULL,
                        id="owner",
                        prompt="unassigned",
                        compact=True,
                    )
                with Vertical():
                    yield Label("Status")
                    yield Select(
                        [(s, s) for s in TASK_STATUSES],
                        value=t.status if t else "todo",
                        id="status",
                        allow_blank=False,
                        compact=True,
                    )
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Due (fri, 2w, 2026-12-15)")
                    yield LineInput((t.due or "") if t else "", compact=True, id="due", placeholder="none")
                    yield Label("", id="due-preview", classes="hint")
                with Vertical():
                    yield Label("Progress %")
                    yield LineInput(
                        str(t.progress) if t else "0",
                        compact=True,
                        id="progress",
                        max_length=4,  # 60 or 60%
                    )
            yield Label("Blocked because", id="reason-label")
            yield LineInput(
                clean(t.blocked_reason) if t else "", compact=True, id="reason", placeholder="why it is blocked"
            )
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Start (may start on)")
                    yield LineInput((t.start or "") if t else "", compact=True, id="start", placeholder="none")
                with Vertical():
                    yield Label("Linked outcome")
                    value = t.outcome if t and t.outcome in {o[1] for o in outcomes} else Select.NULL
                    yield Select(outcomes, value=value, id="outcome", prompt="none", compact=True)
            yield Label("Waits on (ids or titles, any plan; → completes)")
            yield LineInput(
                self._waits_text(t),
                compact=True,
                id="waits",
                placeholder="nothing: T9, or a title",
                suggester=TaskSuggester(self.workplan, t.id if t else None),
            )
            yield Label("", id="waits-preview", classes="hint")
            yield Label("Repeats (week, 2w, month, monday, 1st of month)")
            yield LineInput(self._every_text(t), compact=True, id="every", placeholder="does not repeat")
            yield Label("", id="every-preview", classes="hint")
            yield Label("Notes")
            yield TextArea(clean(t.notes, multiline=True) if t else "", id="notes", compact=True)
            yield Label("", id="edit-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(SAVE_LABEL, id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
            if t:
                yield Label("History")
                yield Static(self._history(t), id="history")

    def _waits_text(self, t: Task | None) -> str:
        if t is None:
            return ""
        return ", ".join(f"{label('tasks', tid)} {clean(other.title)}" if (other := self.workplan.tasks.get(tid)) else
                         label("tasks", tid) for tid in t.waits_on)  # fmt: skip

    def _every_text(self, t: Task | None) -> str:
        series = self.workplan.series.get(t.series) if t and t.series is not None else None
        return series.every if series is not None and series.status != "ended" else ""

    def _history(self, t: Task) -> Content:
        lines = []
        for u in t.updates:
            lines.append(Content(f"{stamp(u.at)}  {clean(u.by)}: {clean(u.text)}"))
        entries, complete = self.history
        names = Names(self.workplan, self.today)
        for a in entries:
            lines.append(Content(f"{stamp(a.at)}  {sentence(a, names, titled=False)}"))
        lines = lines[-30:]
        if not complete:
            lines.append(Content(f"Older changes: workplan log --record {t.label}"))
        return Content("\n").join(lines) if lines else Content("No changes yet.")

    def on_mount(self) -> None:
        self._show_reason()
        self._preview(self.query_one("#due", Input).value)
        self._waits_preview(self.query_one("#waits", Input).value)
        self._every_preview(self.query_one("#every", Input).value)
        self.query_one("#title", Input).focus()

    @on(Input.Changed, "#waits")
    def _waits_changed(self, event: Input.Changed) -> None:
        self._waits_preview(event.value)

    def _waits_preview(self, value: str) -> None:
        """What the "waits on" field names, read back: 'T9 (grace · GARDEN, due Fri 11 Dec)'."""
        from workplan_tui.model.dates import short_date

        label_ = self.query_one("#waits-preview", Label)
        try:
            found = parse_waits(value, self.workplan, self.plan_id)
        except RuleError as exc:
            label_.update(Content(clean(str(exc))))
            label_.set_class(True, "error")
            return
        label_.set_class(False, "error")
        parts = []
        for tid in found:
            other = self.workplan.tasks[tid]
            member = self.workplan.members.get(other.owner or "")
            who = f"{other.owner} · {member.partner}" if member else (other.owner or "unassigned")
            when = "done" if other.status == "done" else (
                f"due {short_date(date.fromisoformat(other.due), today=self.today)}" if other.due else "no due date"
            )  # fmt: skip
            parts.append(f"{other.label} ({who}, {when})")
        label_.update(Content(clean("→ " + "; ".join(parts))) if parts else Content(""))

    @on(Input.Changed, "#every")
    def _every_changed(self, event: Input.Changed) -> None:
        self._every_preview(event.value)

    def _every_preview(self, value: str) -> None:
        from workplan_tui.model import recurrence

        label_ = self.query_one("#every-preview", Label)
        typed = value.strip()
        if not typed or typed.lower() in ("none", "-", "never"):
            label_.update("")
            label_.set_class(False, "error")
            return
        try:
            label_.update(Content("→ " + recurrence.words(recurrence.canonical(typed))))
            label_.set_class(False, "error")
        except recurrence.RepeatError:
            label_.update(Content("not a repeat this understands: week, 2w, month, monday, 1st of month"))
            label_.set_class(True, "error")

    @on(Select.Changed, "#status")
    def _show_reason(self) -> None:
        blocked = self.query_one("#status", Select).value == "blocked"
        self.query_one("#reason").display = blocked
        self.query_one("#reason-label").display = blocked

    @on(Input.Changed, "#due")
    def _due_changed(self, event: Input.Changed) -> None:
        self._preview(event.value)

    def _preview(self, value: str) -> None:
        label = self.query_one("#due-preview", Label)
        if not value.strip() or value.strip().lower() == "none":
            label.update("no due date")
            label.set_class(False, "error")
            return
        try:
            label.update(Content("→ " + preview(value, today=self.today)))
            label.set_class(False, "error")
        except DateError:
            label.update(Content(f"not a date; try {EXAMPLES}"))
            label.set_class(True, "error")

    @on(Input.Submitted)
    def _enter_saves(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        try:
            result = self._collect()
        except ValueError as exc:
            self.show_error(str(exc))
            return
        if self.save is None:
            self.dismiss(result)
            return
        self.show_error("")
        self.save(result, lambda: self._close(result), self.show_error)

    def _close(self, result: TaskEdit) -> None:
        if self.is_attached and self.app.screen is self:
            self.dismiss(result)

    def show_error(self, message: str) -> None:
        """Why the form was not saved, shown in the form (where it can be seen: it scrolls there)."""
        error = self.query_one("#edit-error", Label)
        error.update(Content(clean(message)))
        if message:
            self.call_after_refresh(error.scroll_visible, animate=False)  # once wrapped: all its lines

    def _collect(self) -> TaskEdit:
        t = self.task_
        try:  # as the actions check them (model/typed.py, rules.parse_percent): 60 and 60% alike
            title = typed.text(self.query_one("#title", Input).value, "The title")
            progress = rules.parse_percent(self.query_one("#progress", Input).value or "0")
        except RuleError as exc:
            raise ValueError(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from None
        due = self._day("#due")
        start = self._day("#start")
        try:
            waits_on = parse_waits(self.query_one("#waits", Input).value, self.workplan, self.plan_id)
        except RuleError as exc:
            raise ValueError(f"Waits on: {exc}.") from None
        every = self.query_one("#every", Input).value.strip()
        if every.lower() in ("none", "-", "never"):
            every = ""
        if every:
            from workplan_tui.model import recurrence

            try:
                every = recurrence.canonical(every)
            except recurrence.RepeatError as exc:
                raise ValueError(f"Repeats: {exc}.") from None
        owner = self.query_one("#owner", Select).value
        outcome = self.query_one("#outcome", Select).value
        status = str(self.query_one("#status", Select).value)
        reason = self.query_one("#reason", Input).value.strip()
        if status == "blocked" and not reason:
            raise ValueError("Say why the task is blocked.")
        values: dict[str, Any] = {
            "title": title,
            "owner": owner if isinstance(owner, str) else None,
            "start": start,
            "due": due,
            "status": status,
            "progress": progress,
            "outcome": outcome if isinstance(outcome, int) else None,
            "notes": self.query_one("#notes", TextArea).text.strip(),
        }
        if status == "blocked":
            values["blocked_reason"] = reason
        if waits_on or (t is not None and t.waits_on):
            values["waits_on"] = waits_on
        changed_every = every if every != self._every_text(t) else None
        if t is None:
            return TaskEdit(values, every or None)
        original = {
            "title": clean(t.title),
            "owner": t.owner,
            "start": t.start,
            "due": t.due,
            "status": t.status,
            "progress": t.progress,
            "outcome": t.outcome,
            "notes": clean(t.notes, multiline=True).strip(),
            "blocked_reason": clean(t.blocked_reason),
            "waits_on": t.waits_on,
        }
        changed = {k: v for k, v in values.items() if original.get(k) != v}
        if "title" in changed and changed["title"] == clean(t.title):
            del changed["title"]
        return TaskEdit(changed, changed_every)

    def _day(self, field: str) -> str | None:
        """The day typed in ``field`` (fri, +2w, 2026-12-15) as YYYY-MM-DD; None when empty or
        'none'; ValueError saying why for text that is not a date."""
        typed_text = self.query_one(field, Input).value.strip()
        if not typed_text or typed_text.lower() == "none":
            return None
        try:
            return parse_date(typed_text, today=self.today).isoformat()
        except DateError as exc:
            raise ValueError(str(exc)) from None


FIELD_NAMES = {
    "title": "Title",
    "owner": "Owner",
    "start": "Start",
    "due": "Due",
    "status": "Status",
    "progress": "Progress",
    "outcome": "Outcome",
    "notes": "Notes",
    "blocked_reason": "Blocked because",
    "waits_on": "Waits on",
}


class ConflictDialog(ModalScreen[dict[str, str] | None]):
    """Someone else changed the record while my form was open: choose per field.

    Each row shows the field as it was when I opened the form, their value and
    mine; space switches the highlighted field between theirs and mine, ctrl+s
    (or enter) saves, escape writes nothing. Fields only one side changed are merged already.
    """

    CSS_PATH = "modals.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("space", "switch", "Mine / theirs"),
        Binding(f"{SAVE_KEY},enter", "save", "Save"),
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
    ]

    def __init__(
        self,
        heading: str,
        conflicts: list[tuple[str, Any, Any, Any]],
        merged: list[str],
        *,
        labels: dict[str, str] | None = None,
    ) -> None:
        """``conflicts``: (field, original, theirs, mine) rows. ``labels`` names the two sides
        when neither is mine (a conflict a sync recorded between two other members)."""
        super().__init__()
        self.heading = heading
        self.conflicts = conflicts
        self.merged = merged
        self.labels = {"mine": "mine", "theirs": "theirs", **(labels or {})}
        self.choice = {name: "mine" for name, *_ in conflicts}
        self.cursor = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="conflict", classes="dialog"):
            yield Label(content(self.heading), id="conflict-heading")
            yield Static(id="conflict-rows")
            note = f"Merged already (only one side changed them): {', '.join(self.merged)}." if self.merged else ""
            yield Label(content(note), classes="hint")
            sides = f"{self.labels['mine']} / {self.labels['theirs']}"
            yield Label(content(f"space: {sides} · ctrl+s: save · escape: cancel, nothing is written"), classes="hint")

    def on_mount(self) -> None:
        self._draw()

    def _draw(self) -> None:
        rows = []
        for i, (name, original, theirs, mine) in enumerate(self.conflicts):
            pick = self.choice[name]
            marker = "▸" if i == self.cursor else " "
            shown = self.labels[pick]
            rows.append(
                Content.from_markup("$m [b]$f[/b]  keep: [b]$p[/b]", m=marker, f=FIELD_NAMES.get(name, name), p=shown)
            )
            mine_is, theirs_are = clean(self.labels["mine"]), clean(self.labels["theirs"])
            # Each value cut around where it differs from mine (mine: from the original), so
            # two long texts that differ only at their ends never look the same here.
            was, their, my = (
                around_difference(original, mine),
                around_difference(theirs, mine),
                around_difference(mine, original if mine != original else theirs),
            )
            rows.append(Content(f"     original {was} · {theirs_are} {their} · {mine_is} {my}"))
        self.query_one("#conflict-rows", Static).update(Content("\n").join(rows))

    def action_move(self, delta: int) -> None:
        self.cursor = max(0, min(len(self.conflicts) - 1, self.cursor + delta))
        self._draw()

    def action_switch(self) -> None:
        name = self.conflicts[self.cursor][0]
        self.choice[name] = "theirs" if self.choice[name] == "mine" else "mine"
        self._draw()

    def action_save(self) -> None:
        self.dismiss(dict(self.choice))
