"""Widgets that draw many records with the Line API: only the lines in view are rendered.

A 10,000-task partnership never gets a widget per task. Each list below is one
ScrollView that knows its items and draws the rows the terminal shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Input

from workplan_tui.model import rules
from workplan_tui.model.dates import days_until, format_due
from workplan_tui.model.overview import PlanFigures
from workplan_tui.model.records import Member, Outcome, Task
from workplan_tui.model.text import clean

T = TypeVar("T")


def fit(value: str, cells: int) -> str:
    """Clean ``value`` and crop it to ``cells`` terminal cells, with an ellipsis when cut."""
    value = clean(value)
    if cells <= 0:
        return ""
    if cell_len(value) <= cells:
        return value
    return set_cell_size(value, cells - 1) + "…"


def pad(value: str, cells: int) -> str:
    """``value`` fitted to ``cells`` terminal cells and padded to exactly that many (wide characters count 2)."""
    return set_cell_size(fit(value, cells), cells)


def bar_text(percent: float, cells: int) -> tuple[str, str]:
    filled = max(0, min(cells, round(percent / 100 * cells)))
    return "█" * filled, "░" * (cells - filled)


def strip(parts: Sequence[tuple[str, Style]], width: int, base: Style) -> Strip:
    return Strip([Segment(t, base + s) for t, s in parts if t]).adjust_cell_length(width, base)


class LineInput(Input):
    """A one-line field that keeps pasted lines, joined with a space, and keeps its text on focus.

    Textual's Input keeps only the first line of a paste, so pasting "Why is it
    blocked?" with two lines silently lost the second; and it selects all its text on
    focus, so the first key typed into an opened task replaced the whole title.
    """

    def __init__(self, *args: Any, select_on_focus: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, select_on_focus=select_on_focus, **kwargs)

    def _on_paste(self, event: events.Paste) -> None:
        text = " ".join(line.strip() for line in event.text.splitlines() if line.strip())
        if text:
            if self.selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *self.selection)
        event.prevent_default()  # Input's own handler would add the first line again
        event.stop()


class KeyFooter(Footer):
    """Textual's footer, rebuilt only when the keys it shows change.

    Footer rebuilds all its key widgets whenever a screen's bindings might have
    changed (a focus move, a screen resumed): three times while the board starts,
    each a layout of the whole screen, all after the first paint and with the same
    keys. This one compares what it would show with what it shows.
    """

    _shown: tuple[tuple[str, str, str, bool, str], ...] | None = None

    def bindings_changed(self, screen: Screen[Any]) -> None:
        shown = tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for _, binding, enabled, tooltip in screen.active_bindings.values()
            if binding.show
        )
        if shown == self._shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # Footer rebuilds now (it skips while the app is unfocused)
        super().bindings_changed(screen)


@dataclass(slots=True)
class BoardContext:
    """What rows need besides the record itself."""

    today: date
    members: dict[str, Member] = field(default_factory=dict)
    me: str = ""

    def owner(self, handle: str | None) -> str:
        if not handle:
            return "unassigned"
        member = self.members.get(handle)
        return f"{handle} · {member.partner}" if member else handle


def due_marker(task: Task, today: date) -> str:
    """'!' overdue, '•' due within 2 days: state shown by a mark, not by colour alone."""
    if task.status == "done":
        return ""
    days = days_until(task.due, today=today)
    if days is None:
        return ""
    if days < 0:
        return "!"
    if days <= 2:
        return "•"
    return ""


class VirtualList(ScrollView, Generic[T]):
    """A scrolling list of items of a fixed height, with a cursor."""

    ITEM_HEIGHT = 1
    COMPONENT_CLASSES = {"list--cursor", "list--cursor-inactive", "list--dim", "list--empty"}

    class Selected(Message):
        """The user clicked an item."""

        def __init__(self, source: VirtualList[Any], index: int) -> None:
            super().__init__()
            self.source = source
            self.index = index

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items: list[T] = []
        self._styles: dict[str, Style] = {}
        self.cursor = 0
        self.active = False
        self.empty_text = ""

    @property
    def current(self) -> T | None:
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    def set_items(self, items: list[T], cursor: int | None = None) -> None:
        self.items = items
        if cursor is not None:
            self.cursor = cursor
        self.cursor = max(0, min(self.cursor, len(items) - 1))
        self.virtual_size = Size(self.size.width, len(items) * self.ITEM_HEIGHT)
        self.refresh()

    def set_active(self, active: bool) -> None:
        if active != self.active:
            self.active = active
            self.refresh()

    def move(self, delta: int) -> None:
        if not self.items:
            return
        self.cursor = max(0, min(len(self.items) - 1, self.cursor + delta))
        self.scroll_to_cursor()
        self.refresh()

    def move_to(self, index: int) -> None:
        self.cursor = max(0, min(len(self.items) - 1, index))
        self.scroll_to_cursor()
        self.refresh()

    def scroll_to_cursor(self) -> None:
        h = self.ITEM_HEIGHT
        self.scroll_to_region(Region(0, self.cursor * h, max(1, self.size.width), h), animate=False, force=True)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.items) * self.ITEM_HEIGHT)

    def notify_style_update(self) -> None:
        self._styles.clear()
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.part("")
        scroll_y = self.scroll_offset.y
        index, line = divmod(y + scroll_y, self.ITEM_HEIGHT)
        if not self.items:
            if y == 0 and self.empty_text:
                return strip([(self.empty_text, self.part("list--empty"))], width, base)
            return Strip.blank(width, base)
        if index >= len(self.items):
            return Strip.blank(width, base)
        selected = index == self.cursor
        if selected:
            name = "list--cursor" if self.active else "list--cursor-inactive"
            base = base + self.part(name)
        return self.render_item(self.items[index], line, width, base, selected)

    def render_item(self, item: T, line: int, width: int, base: Style, selected: bool) -> Strip:
        raise NotImplementedError

    def part(self, name: str) -> Style:
        """A component's own style, without the widget's background (so the cursor shows through).

        Cached until the styles change: working a style out walks the DOM, and
        render_line runs for every line in view on every refresh. ``""`` is the
        widget's own style.
        """
        style = self._styles.get(name)
        if style is None:
            style = self.rich_style if not name else self.get_component_rich_style(name, partial=True)
            self._styles[name] = style
        return style

    def on_click(self, event: Click) -> None:
        index = (event.y + self.scroll_offset.y) // self.ITEM_HEIGHT
        if 0 <= index < len(self.items):
            self.cursor = index
            self.refresh()
            self.post_message(self.Selected(self, index))


class CardColumn(VirtualList[Task]):
    """One status column of the board: each task a 4-line card and a spacer."""

    ITEM_HEIGHT = 5
    COMPONENT_CLASSES = VirtualList.COMPONENT_CLASSES | {
        "card--title",
        "card--meta",
        "card--overdue",
        "card--soon",
        "card--bar",
        "card--bar-empty",
        "card--blocked",
    }

    def __init__(self, status: str, context: BoardContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.status = status
        self.context = context
        self.empty_text = " (none)"

    def render_item(self, item: Task, line: int, width: int, base: Style, selected: bool) -> Strip:
        style = self.part
        inner = width - 2
        if line == 0:
            return strip([(" ", Style()), (fit(item.title, inner), style("card--title"))], width, base)
        if line == 1:
            owner = fit(self.context.owner(item.owner), inner)
            return strip([(" ", Style()), (owner, style("card--meta"))], width, base)
        if line == 2:
            return self._due_line(item, inner, width, base)
        if line == 3:
            cells = max(1, inner - 5)
            done, todo = bar_text(item.progress, cells)
            return strip(
                [
                    (" ", Style()),
                    (done, style("card--bar")),
                    (todo, style("card--bar-empty")),
                    (f"{item.progress:>4}%", style("card--meta")),
                ],
                width,
                base,
            )
        return Strip.blank(width, self.part(""))

    def _due_line(self, item: Task, inner: int, width: int, base: Style) -> Strip:
        style = self.part
        if item.status == "done":
            return strip([(" ", Style()), ("✓ done", style("card--meta"))], width, base)
        if not item.due:
            return strip([(" ", Style()), ("no due date", style("card--meta"))], width, base)
        marker = due_marker(item, self.context.today)
        text = format_due(item.due, today=self.context.today, done=item.status == "done")
        component = {"!": "card--overdue", "•": "card--soon"}.get(marker, "card--meta")
        shown = f"{marker} {text}" if marker else text
        return strip([(" ", Style()), (fit(shown, inner), style(component))], width, base)


class TaskTable(VirtualList[Task]):
    """The same tasks as the board, one row each."""

    COMPONENT_CLASSES = CardColumn.COMPONENT_CLASSES

    def __init__(self, context: BoardContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = context
        self.empty_text = " No tasks match."

    @staticmethod
    def header(width: int) -> str:
        title = max(8, width - 66)
        return f" {'ID':<6} {'TITLE':<{title}} {'OWNER':<16} {'STATUS':<8} {'PROGRESS':<13} DUE"

    def render_item(self, item: Task, line: int, width: int, base: Style, selected: bool) -> Strip:
        style = self.part
        title = max(8, width - 66)
        marker = due_marker(item, self.context.today)
        due = format_due(item.due, today=self.context.today, done=item.status == "done") if item.due else ""
        component = {"!": "card--overdue", "•": "card--soon"}.get(marker, "card--meta")
        done, todo = bar_text(item.progress, 8)
        return strip(
            [
                (f" {item.label:<6} ", Style()),
                (pad(item.title, title) + " ", style("card--title")),
                (pad(self.context.owner(item.owner), 16) + " ", style("card--meta")),
                (f"{item.status:<8} ", style("card--blocked") if item.status == "blocked" else Style()),
                (done, style("card--bar")),
                (todo, style("card--bar-empty")),
                (f"{item.progress:>4}% ", Style()),
                (fit(f"{marker} {due}".strip(), 18), style(component)),
            ],
            width,
            base,
        )


class PlanList(VirtualList[PlanFigures]):
    """Every plan: status, progress bar and buy-in tally."""

    COMPONENT_CLASSES = CardColumn.COMPONENT_CLASSES

    def render_item(self, item: PlanFigures, line: int, width: int, base: Style, selected: bool) -> Strip:
        style = self.part
        plan = item.plan
        tally_cells = max(12, min(34, width // 3))
        title = max(8, width - tally_cells - len(plan.label) - 31)
        done, todo = bar_text(item.progress, 8)
        return strip(
            [
                ("▸ " if selected else "  ", Style()),
                (f"{plan.label} ", style("card--meta")),
                (pad(plan.title, title) + " ", style("card--title")),
                (f"{plan.status:<10} ", style("card--meta")),
                (done, style("card--bar")),
                (todo, style("card--bar-empty")),
                (f"{item.progress:>4.0f}%  ", Style()),
                (
                    fit(item.buyin.summary(), tally_cells),
                    style("card--blocked") if item.buyin.tally["block"] else style("card--meta"),
                ),
            ],
            width,
            base,
        )


def outcome_parts(outcome: Outcome, width: int) -> list[tuple[str, str]]:
    """An outcome as (text, css-class) parts: name, bar, current / target unit."""
    pct = rules.outcome_progress(outcome.baseline, outcome.target, outcome.current)
    figures = f" {number(outcome.current)} / {number(outcome.target)} {clean(outcome.unit)}".rstrip()
    name_cells = max(6, min(30, width - cell_len(figures) - 14))
    done, todo = bar_text(pct, 10)
    return [
        (pad(outcome.name, name_cells) + " ", "title"),
        (done, "bar"),
        (todo, "bar-empty"),
        (figures, "meta"),
    ]


def number(value: float) -> str:
    """1,200 for whole numbers, 3.5 otherwise."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"
