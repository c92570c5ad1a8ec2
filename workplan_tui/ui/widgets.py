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
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Vertical
from textual.content import Content
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Static

from workplan_tui.model import rules
from workplan_tui.model.dates import days_until, format_due
from workplan_tui.model.forecast import HEALTH_SYMBOLS as forecast_symbols
from workplan_tui.model.forecast import HEALTH_WORDS, Forecast
from workplan_tui.model.overview import PlanFigures
from workplan_tui.model.records import Member, Outcome, Task
from workplan_tui.model.schedule import DateProblem, Schedule, open_prerequisites
from workplan_tui.model.text import clean
from workplan_tui.ui.chart import joined

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
    """One line of ``parts`` in their styles over ``base``, cut or padded to ``width`` cells.

    Blank parts join the part after them (or before, at the end) when they differ from it only
    in the colour of text they have none of: the terminal is sent one style less for each (a
    style is some 40 bytes in true colour; over SSH every byte counts,
    benchmarks/bench_bytes.py). What shows is the same."""
    segments: list[Segment] = []
    pending = ""  # blanks waiting to join the next part
    pending_style = base
    for text, style in parts:
        if not text:
            continue
        full = base + style
        if not text.strip(" ") and _blank_alike(full, full):
            if pending and not _blank_alike(pending_style, full):
                segments.append(Segment(pending, pending_style))
                pending = ""
            pending, pending_style = pending + text, full
            continue
        if pending:
            if _blank_alike(pending_style, full):
                text = pending + text
            else:
                segments.append(Segment(pending, pending_style))
            pending = ""
        segments.append(Segment(text, full))
    line = Strip(segments)
    room = width - line.cell_length
    if pending:
        if segments and _blank_alike(pending_style, segments[-1].style or base):
            last = segments[-1]
            segments[-1] = Segment(last.text + pending, last.style)
        else:
            segments.append(Segment(pending, pending_style))
        line = Strip(segments)
        room = width - line.cell_length
    if room > 0 and segments and _blank_alike(base, segments[-1].style or base):
        last = segments[-1]
        segments[-1] = Segment(last.text + " " * room, last.style)  # the padding in the last part's style
        line = Strip(segments)
    return line.adjust_cell_length(width, base)


def _blank_alike(blank: Style, other: Style) -> bool:
    """Whether spaces in style ``blank`` look the same in style ``other``: same background, and
    nothing drawn on a blank (underline, strike, reverse, a link)."""
    drawn = ("underline", "strike", "reverse", "overline", "underline2")
    return (
        blank.bgcolor == other.bgcolor
        and not any(getattr(blank, name) or getattr(other, name) for name in drawn)
        and not blank.link
        and not other.link
    )


class LineInput(Input):
    """A one-line field that keeps pasted lines, joined with a space, and keeps its text on focus.

    Textual's Input keeps only the first line of a paste, so pasting "Why is it
    blocked?" with two lines silently lost the second; and it selects all its text on
    focus, so the first key typed into an opened task replaced the whole title.
    """

    def __init__(self, *args: Any, select_on_focus: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, select_on_focus=select_on_focus, **kwargs)

    def on_paste(self, event: events.Paste) -> None:
        text = " ".join(line.strip() for line in event.text.splitlines() if line.strip())
        if text:
            if self.selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *self.selection)
        event.prevent_default()  # Input's own handler would add the first line again
        event.stop()


class FilterBox(LineInput):
    """The '/' filter of a screen (the board, the activity log): one line at its foot, hidden
    until ``open``; as it is typed in, it says which terms it holds (``FilterBox.Filtered``);
    enter leaves it as it is, ``close`` clears and hides it."""

    class Filtered(Message):
        """What the filter holds now, split into terms."""

        def __init__(self, terms: list[str]) -> None:
            super().__init__()
            self.terms = terms

    def __init__(self, placeholder: str) -> None:
        super().__init__(placeholder=placeholder, compact=True, id="filter")
        self.display = False

    def open(self) -> None:
        """Show the filter and put the cursor in it."""
        self.display = True
        self.focus()

    def close(self) -> bool:
        """Clear and hide the filter; False when it was not open."""
        if not self.display:
            return False
        self.value = ""
        self.display = False
        self.screen.set_focus(None)
        return True

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Filtered(event.value.split()))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.set_focus(None)


class ScreenTitle(Static):
    """A screen's title line; the text is the screen's, made safe (``Content``)."""

    def show(self, text: str) -> None:
        self.update(Content(" " + clean(text)))


class KeyBar(Widget):
    """The keys of the screen it is on, in one line at the bottom, as Textual's compact
    Footer shows them: key, description; dim when the key does nothing here.

    One widget that draws text. Footer makes a widget of each key and builds them after
    the screen's first paint, then lays the screen out again: on the board that was a
    tenth of the time to the first paint (``benchmarks/bench_scale.py``). A click on a
    key presses it; the mouse over a key lights it and shows its tooltip. Keys that do
    not fit are cut at the right edge (the help screen, ``?``, lists them all).
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--hover"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-bar--hover {
            background: $block-hover-background;
        }
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # each key shown: (key, as shown, description, enabled, tooltip); None until first drawn
        self._keys: tuple[tuple[str, str, str, bool, str], ...] | None = None
        self._spans: list[tuple[int, int, int]] = []  # (first cell, end cell, index into _keys)
        self._hover: int | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _current_keys(self) -> tuple[tuple[str, str, str, bool, str], ...]:
        shown: dict[str, tuple[str, str, str, bool, str]] = {}  # the first key of each action, as Footer
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in shown:
                display = self.app.get_key_display(binding)
                shown[binding.action] = (binding.key, display, binding.description, enabled, tooltip or binding.tooltip)
        return tuple(shown.values())

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        keys = self._current_keys()
        if keys != self._keys:
            self._keys = keys
            self.refresh()

    def render(self) -> Text:
        if self._keys is None:
            self._keys = self._current_keys()
        key_style = self.get_component_rich_style("key-bar--key")
        text_style = self.get_component_rich_style("key-bar--description")
        hover_style = self.get_component_rich_style("key-bar--hover")
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for index, (_, display, description, enabled, _) in enumerate(self._keys):
            start = line.cell_len
            line.append(display, key_style)
            if description:
                line.append(f" {description}", text_style)
            if index == self._hover:
                line.stylize(hover_style, start)
            if not enabled:
                line.stylize("dim", start)
            self._spans.append((start, line.cell_len, index))
            line.append(" ")
        return line

    def _key_at(self, x: int) -> int | None:
        return next((index for start, end, index in self._spans if start <= x < end), None)

    def _light(self, index: int | None) -> None:
        """Light the key at ``index`` (None: none) and show its tooltip."""
        if index != self._hover:
            self._hover = index
            self.tooltip = self._keys[index][4] or None if self._keys and index is not None else None
            self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._light(self._key_at(event.x))

    def on_leave(self) -> None:
        self._light(None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self._key_at(event.x)
        self._light(index)  # a click with no move before it lights the key clicked
        if index is None or not self._keys:
            return
        key, _, _, enabled, _ = self._keys[index]
        if enabled:
            self.app.simulate_key(key)
        else:
            self.app.bell()


@dataclass(slots=True)
class BoardContext:
    """What rows need besides the record itself: the day, the members, who I am, and the
    dependencies of the snapshot shown (``schedule``: what a task waits on, its dates)."""

    today: date
    members: dict[str, Member] = field(default_factory=dict)
    me: str = ""
    schedule: Schedule | None = None

    def view_key(self) -> object:
        """What every card and row shows besides its task: the day, the members, who I am, and
        what waiting and dates that cannot work depend on (``Schedule.view_key``), and which series
        have ended (their tasks lose the ↻)."""
        schedule = self.schedule.view_key() if self.schedule is not None else None
        series = tuple((k, v.status) for k, v in self.schedule.workplan.series.items()) if self.schedule else ()
        return self.today, self.members, self.me, schedule, series

    def repeats(self, task: Task) -> bool:
        """Whether ``task`` is an instance of a series that has not ended (it will come round)."""
        if task.series is None:
            return False
        series = self.schedule.workplan.series.get(task.series) if self.schedule is not None else None
        return series is None or series.status != "ended"

    def owner(self, handle: str | None) -> str:
        if not handle:
            return "unassigned"
        member = self.members.get(handle)
        return f"{handle} · {member.partner}" if member else handle

    def waiting(self, task: Task, cells: int) -> str | None:
        """What ``task`` waits on, in as many words as ``cells`` take: 'waits on T9 · PARKS · due
        Fri 11 Dec', then 'waits on T9 · PARKS · 11 Dec', 'waits T9 · PARKS', 'waits T9'; None when
        it is not waiting (``schedule.is_waiting``)."""
        schedule = self.schedule
        if schedule is None or not schedule.waiting(task):
            return None
        from workplan_tui.model.dates import short_date

        waiting = open_prerequisites(task, schedule.tasks)
        last = waiting[-1]
        more = f" +{len(waiting) - 1}" if len(waiting) > 1 else ""
        member = self.members.get(last.owner or "")
        who = member.partner if member else (last.owner or "")
        when = date.fromisoformat(last.due) if last.due and _iso(last.due) else None
        long_day = short_date(when, today=self.today) if when else "no due date"
        short_day = f"{when.day} {when:%b}" if when else "no date"
        options = [
            " · ".join(p for p in (f"waits on {last.label}{more}", who, f"due {long_day}" if when else long_day) if p),
            " · ".join(p for p in (f"waits on {last.label}{more}", who, short_day) if p),
            " · ".join(p for p in (f"waits {last.label}{more}", who) if p),
            f"waits {last.label}{more}",
        ]
        return next((o for o in options if cell_len(clean(o)) <= cells), options[-1])

    def problems(self, task: Task) -> list[DateProblem]:
        """``task``'s dates that cannot work (``Schedule.problems``), [] without a schedule."""
        return self.schedule.problems(task, self.today) if self.schedule is not None else []


def _iso(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


RECURRING = "↻"  # marks an instance of a recurring task, before its due date


def due_marker(task: Task, today: date) -> str:
    """'!' overdue, '•' due within 2 days: state shown by a mark, not by colour alone."""
    if rules.is_overdue(task, today.isoformat()):
        return "!"
    days = days_until(task.due, today=today) if task.status != "done" else None
    return "•" if days is not None and 0 <= days <= 2 else ""


LINES_KEPT = 4000  # lines a list keeps drawn (``VirtualList._item_line``): a few screens of them


class VirtualList(ScrollView, Generic[T]):
    """A scrolling list of items of a fixed height, with a cursor.

    Only an active list shows its cursor (the board's focused column, not the other
    three), and it shows it twice over: a background and a marker (``▌``) down the
    left edge, so the selection is plain in 16 colours and with ``NO_COLOR`` too.
    Every component's colour is worked out against the background of the row it is
    drawn on (the cursor's or the list's), so ``$text-muted`` and ``auto`` colours
    keep their contrast on both; a colour that is the cursor's own (a bar in a theme of ANSI colours)
    is drawn in the cursor's text colour there instead.
    """

    ITEM_HEIGHT = 1
    MARKER = "▌"
    # Keep the lines drawn (``_item_line``): for a list whose lines depend on nothing but what
    # the key of a kept line holds, ``view_key`` and the styles (the board's lists).
    KEEP_LINES = False
    COMPONENT_CLASSES = {"list--cursor", "list--marker", "list--empty"}

    class Selected(Message):
        """The user clicked an item."""

        def __init__(self, source: VirtualList[Any], index: int) -> None:
            super().__init__()
            self.source = source
            self.index = index

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items: list[T] = []
        self._drawn: object = None  # the ``view_key`` the lines on screen were drawn with
        self._laid_out: tuple[Size, Size, Size] | None = None  # see _size_updated
        self._styles: dict[tuple[str, bool], Style] = {}
        # (index, line) -> (item, selected, active, width, line_key, the line drawn): see _item_line
        self._lines: dict[tuple[int, int], tuple[Any, bool, bool, int, object, Strip]] = {}
        self._on_cursor = False  # whether the line being drawn is on the cursor's background
        self._cursor = 0
        self.active = False
        self.empty_text = ""

    @property
    def item_height(self) -> int:
        """Lines per item (a column of cards may need more than its class says)."""
        return self.ITEM_HEIGHT

    @property
    def cursor(self) -> int:
        """The index of the selected item."""
        return self._cursor

    @cursor.setter
    def cursor(self, index: int) -> None:
        if index != self._cursor:
            before, self._cursor = self._cursor, index
            # where the selection was, and where it goes: the lines that show it, not the scrollbar
            self.refresh_item(before, self.cursor_lines())
            self.refresh_item(index, self.cursor_lines())

    @property
    def current(self) -> T | None:
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    def set_items(self, items: list[T], cursor: int | None = None) -> None:
        """Show ``items`` (``cursor``: select that one), redrawing only the lines that change.

        An item that is the same object as the one shown at its place is not drawn again
        (the records of a version of the file read by what changed are the same objects
        where nothing changed: store/patch.py); nor is anything when ``view_key`` says that
        what every row shows besides its item changed (then every line is).
        """
        before = self.items
        self.items = items
        if cursor is not None:
            self.cursor = cursor
        self.cursor = max(0, min(self.cursor, len(items) - 1))
        size = Size(self.size.width, self.lines_high())
        if size != self.virtual_size:
            self.virtual_size = size
        key = self.view_key()
        if key != self._drawn:
            self._drawn = key
            self._lines.clear()
            self.refresh()
            return
        h = self.item_height
        first = next((i for i, (a, b) in enumerate(zip(before, items, strict=False)) if a is not b), None)
        if len(before) != len(items):  # rows from the first difference on move: redraw them all
            start = min(len(before), len(items)) if first is None else first
            self.refresh_lines(start * h, (max(len(before), len(items)) - start) * h)
        elif first is not None:
            for index in range(first, len(items)):
                if before[index] is not items[index]:
                    self._refresh_item(index, before[index], items[index])

    @property
    def room(self) -> int:
        """Cells a row may take: the width less the scrollbar's gutter (the size counts it, and
        the last cells of the due column went under it: 'was due 23 Sep 202', a tester)."""
        return min(self.size.width, self.scrollable_content_region.width)

    def view_key(self) -> object:
        """What every row shows besides its item (a list of cards: the day and the members):
        when it changes, ``set_items`` redraws every line."""
        return None

    def line_key(self) -> object:
        """What a line drawn also depends on besides its item, whether it is selected, whether
        the list is active and its width (``_item_line`` keeps a line while these hold): the
        cells a row may take (``room``: a scrollbar that comes or goes takes or gives them)."""
        return self.room

    def refresh_item(self, index: int, lines: int | None = None) -> None:
        """Draw the item at ``index`` again: its first ``lines`` lines (default: all), not the
        scrollbar beside them."""
        if 0 <= index < len(self.items):
            y = index * self.item_height - self.scroll_offset.y
            height = self.item_height if lines is None else lines
            self.refresh(Region(0, y, self.scrollable_content_region.width or self.size.width, height))

    def set_active(self, active: bool) -> None:
        if active != self.active:
            self.active = active
            if self.items:
                self.refresh_item(self.cursor, self.cursor_lines())  # only the selected item shows it
            else:
                self.refresh()

    def move(self, delta: int) -> None:
        if not self.items:
            return
        self._move(max(0, min(len(self.items) - 1, self.cursor + delta)))

    def move_to(self, index: int) -> None:
        self._move(max(0, min(len(self.items) - 1, index)))

    def _move(self, index: int) -> None:
        """The cursor to ``index``: the lines that show it in the two items it leaves and reaches
        are drawn again (the ``cursor`` setter), or everything in view when the list scrolls."""
        scrolled = self.scroll_offset
        self.cursor = index
        self.scroll_to_cursor()
        if self.scroll_offset != scrolled:
            self.refresh()

    def lines_high(self) -> int:
        """The list's height in lines: its items', and below the last as many blank lines as
        let a list scrolled to its end still start the view on an item's first line (a column
        of 5-line cards 16 lines high showed the last card's neighbour without its title)."""
        h = self.item_height
        lines = len(self.items) * h
        view = self.scrollable_content_region.height or self.size.height
        if h > 1 and 0 < view < lines:
            lines += -(lines - view) % h
        return lines

    def scroll_to_cursor(self, center: bool = False) -> None:
        """Scroll just enough to show the cursor's item, or (``center``) to put it mid-view;
        the view starts on an item's first line, never mid-card."""
        h = self.item_height
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if height <= 0:
            return  # not laid out yet
        if not center and top <= self.cursor * h and (self.cursor + 1) * h <= top + height:
            return  # in view already: nothing to scroll (a board redrawn at a partner's write)
        if center:
            wanted = self.cursor * h - (height - h) // 2
        elif self.cursor * h < top:
            wanted = self.cursor * h
        else:  # below the view: the fewest whole items up that bring its last line in
            wanted = (self.cursor + 1) * h - height
        wanted = max(0, min(-(-wanted // h) * h, self.cursor * h))  # on an item's first line, never past its own
        self.scroll_to(y=min(wanted, max(0, self.lines_high() - height)), animate=False, force=True)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.lines_high())

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        """Textual's ScrollView, at every layout of the screen, is handed the size of its region
        as its virtual size, never equal to a list's own (its items' lines), so it redrew its
        scrollbar each time: a notice shown or taken down redrew the board's five scrollbars,
        about 6 KB each time to a terminal over SSH (``benchmarks/bench_boards.py``). Here
        only a real change redraws them: of the list's size, its container's, or its items."""
        drawn = (size, container_size, self.virtual_size)
        if drawn == self._laid_out:
            return False
        self._laid_out = drawn
        return super()._size_updated(size, virtual_size, container_size, layout)

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._lines.clear()
        super().notify_style_update()

    def cursor_lines(self) -> int:
        """How many lines of the selected item carry the cursor (a card's spacer does not)."""
        return self.item_height

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        self._on_cursor = False
        base = self.part("")
        scroll_y = self.scroll_offset.y
        index, line = divmod(y + scroll_y, self.item_height)
        if not self.items:
            if y == 0 and self.empty_text:
                return strip([(self.empty_text, self.part("list--empty"))], width, base)
            return Strip.blank(width, base)
        if index >= len(self.items):
            return Strip.blank(width, base)
        return self._item_line(self.items[index], index, line, width)

    def _item_line(self, item: T, index: int, line: int, width: int) -> Strip:
        """Line ``line`` of ``item`` drawn at ``index``, as ``render_line`` draws it.

        The line last drawn at that place is kept, and given again while it would be drawn
        alike: the same item (the same object: a record nothing changed is kept by a newer
        version of the file, store/patch.py), selected or not, the list active or not, the
        same width and ``line_key``; a change of ``view_key`` or of the styles forgets them
        all. So a partner's write draws a changed card once, not once to compare it with
        what was there (``_refresh_item``) and again for the screen.
        """
        selected = index == self.cursor
        if not self.KEEP_LINES:
            return self._draw_item_line(item, selected, line, width)
        extra = self.line_key()
        kept = self._lines.get((index, line))
        if kept is not None and kept[0] is item and kept[1:5] == (selected, self.active, width, extra):
            return kept[5]
        if len(self._lines) >= LINES_KEPT:
            self._lines.clear()
        rendered = self._draw_item_line(item, selected, line, width)
        self._lines[(index, line)] = (item, selected, self.active, width, extra, rendered)
        return rendered

    def _draw_item_line(self, item: T, selected: bool, line: int, width: int) -> Strip:
        on_cursor = selected and self.active and line < self.cursor_lines()
        self._on_cursor = on_cursor
        try:
            rendered = self.render_item(item, line, width, self.part(""), selected)
        finally:
            self._on_cursor = False
        if on_cursor and self.MARKER and width > 1:
            self._on_cursor = True
            marker = Segment(self.MARKER, self.part("") + self.part("list--marker"))
            self._on_cursor = False
            rendered = Strip([marker, *rendered.crop(1, width)], width)
        return rendered

    def _refresh_item(self, index: int, before: T, after: T) -> None:
        """Redraw the lines of the item at ``index`` that ``after`` draws otherwise than ``before``
        did (in view only: the others are drawn when they are scrolled to)."""
        h = self.item_height
        top, height, width = self.scroll_offset.y, self.size.height, self.size.width
        for line in range(h):
            y = index * h + line
            if top <= y < top + height and self._item_line(before, index, line, width) != self._item_line(
                after, index, line, width
            ):
                self.refresh_lines(y, 1)

    def render_item(self, item: T, line: int, width: int, base: Style, selected: bool) -> Strip:
        raise NotImplementedError

    def part(self, name: str) -> Style:
        """A component's style for the line being drawn, without a background of its own.

        ``""`` is the row itself: the list's colours, or the cursor's on a selected
        line. A component's colour (``auto``, or with an alpha such as ``$foreground
        25%``) is resolved against that row's background. Cached until the styles
        change: working a style out walks the DOM, and render_line runs for every
        line in view on every refresh.
        """
        key = (name, self._on_cursor)
        style = self._styles.get(key)
        if style is None:
            style = self._paint(name, self._on_cursor)
            self._styles[key] = style
        return style

    def _paint(self, name: str, on_cursor: bool) -> Style:
        own = self.rich_style
        background = self.background_colors[1]
        color = Color.from_rich_color(own.color) if own.color is not None else background.get_contrast_text()
        text_style = Style()
        if on_cursor:
            cursor = self.get_component_styles("list--cursor")
            if cursor.has_rule("background"):
                background = background + cursor.background
            color = _resolve(cursor, background, color)
            text_style = cursor.text_style
        if not name:
            return text_style + Style(color=color.rich_color, bgcolor=background.rich_color)
        styles = self.get_component_styles(name)
        color = _resolve(styles, background, color)
        if on_cursor and color.rgb == background.rgb:  # the cursor's own colour: it would vanish
            color = background.get_contrast_text()
        return styles.text_style + Style(color=color.rich_color)

    def on_click(self, event: Click) -> None:
        index = (event.y + self.scroll_offset.y) // self.item_height
        if 0 <= index < len(self.items):
            self.cursor = index
            self.refresh()
            self.post_message(self.Selected(self, index))


def _resolve(styles: Any, background: Color, inherited: Color) -> Color:
    """The colour a style's ``color`` rule gives text on ``background`` (``inherited`` without one)."""
    if not styles.has_rule("color"):
        return inherited
    color: Color = styles.color
    if styles.auto_color:  # 'auto 60%' ($text-muted): the contrasting colour, blended as its alpha says
        return background + background.get_contrast_text(color.a)
    return background + color


# Each health as the board shows it: a symbol and a word, so it reads without colour (NO_COLOR,
# 16 colours) as well as with it; and the component class (widgets.tcss) that colours it.
HEALTH_SYMBOLS = forecast_symbols  # model/forecast.py: the CLI and the mail use the same
HEALTH_CELLS = 11  # "✗ off track", the longest marker


def health_marker(health: str) -> str:
    """'✗ off track', '▲ at risk', '● on track', '✓ met', '? no data'."""
    return f"{HEALTH_SYMBOLS.get(health, '?')} {HEALTH_WORDS.get(health, health)}"


def health_part(health: str) -> str:
    """The component class a health is drawn with: ``health--off_track``..."""
    return f"health--{health}" if health in HEALTH_SYMBOLS else "card--meta"


HEALTH_PARTS = {health_part(h) for h in HEALTH_SYMBOLS}
# The same colours for text assembled outside the lists (Content styles; widgets.tcss has the lists').
HEALTH_STYLES = {
    "health--off_track": "$text-error bold",
    "health--at_risk": "$text-warning bold",
    "health--on_track": "$text-success",
    "health--met": "$text-success bold",
    "health--no_data": "$text-muted",
    "card--meta": "$text-muted",
}
EXPECTED_MARK = "│"  # on an outcome's bar: where it should stand by today

CARD_PARTS = HEALTH_PARTS | {
    "card--expected",
    "card--id",
    "card--title",
    "card--meta",
    "card--overdue",
    "card--soon",
    "card--bar",
    "card--bar-empty",
    "card--blocked",
    "card--match",
    "card--good",
    "card--waiting",
}


def wrap(value: str, cells: int, lines: int) -> list[str]:
    """``value`` cleaned and broken at spaces into at most ``lines`` lines of ``cells`` cells;
    what does not fit ends in an ellipsis."""
    words = clean(value).split()
    out: list[str] = []
    line = ""
    for i, word in enumerate(words):
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= cells:
            line = candidate
            continue
        if line:
            out.append(line)
        line = word
        if len(out) == lines - 1:
            rest = " ".join(words[i:])
            out.append(fit(rest, cells))
            return out
    if line:
        out.append(fit(line, cells))
    return out[:lines]


def hanging(value: str, cells: int, indent: int) -> list[str]:
    """``value`` (already cleaned, starting with its own indent) broken at spaces into lines of
    at most ``cells`` cells, each line after the first indented by ``indent`` cells, so that a
    long line reads as one item under a list's margin. A word longer than a line is cut."""
    lead = len(value) - len(value.lstrip(" "))
    out: list[str] = []
    line = value[:lead]
    for word in value[lead:].split(" "):
        if not line.strip():  # the line's first word: cut only if it is longer than the line
            line += fit(word, cells - cell_len(line))
        elif cell_len(line) + 1 + cell_len(word) <= cells:
            line += " " + word
        else:
            out.append(line)
            line = " " * indent + fit(word, cells - indent)
    out.append(line)
    return out


class CardColumn(VirtualList[Task]):
    """One status column of the board: each task a card (id and title, owner, due date,
    progress; a blocked task also its reason, on two lines) and a spacer."""

    ITEM_HEIGHT = 5
    REASON_LINES = 2
    COMPONENT_CLASSES = VirtualList.COMPONENT_CLASSES | CARD_PARTS
    KEEP_LINES = True

    def __init__(self, status: str, context: BoardContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.status = status
        self.context = context
        self.empty_text = " (none)"

    @property
    def item_height(self) -> int:
        return self.ITEM_HEIGHT + (self.REASON_LINES if self.status == "blocked" else 0)

    def view_key(self) -> object:
        return self.context.view_key()

    def cursor_lines(self) -> int:
        return self.item_height - 1  # not the spacer

    def render_item(self, item: Task, line: int, width: int, base: Style, selected: bool) -> Strip:
        style = self.part
        inner = width - 2
        lines = ["title", "owner"]
        if self.status == "blocked":
            lines += ["reason"] * self.REASON_LINES
        lines += ["due", "bar"]
        what = lines[line] if line < len(lines) else "spacer"
        if what == "title":
            label = item.label + " "
            title = fit(item.title, inner - cell_len(label))
            return strip([(" ", Style()), (label, style("card--id")), (title, style("card--title"))], width, base)
        if what == "owner":
            owner = fit(self.context.owner(item.owner), inner)
            return strip([(" ", Style()), (owner, style("card--meta"))], width, base)
        if what == "reason":
            reason = wrap(item.blocked_reason or "no reason given", inner, self.REASON_LINES)
            index = line - lines.index("reason")
            shown = reason[index] if index < len(reason) else ""
            return strip([(" ", Style()), (shown, style("card--blocked"))], width, base)
        if what == "due":
            return self._due_line(item, inner, width, base)
        if what == "bar":
            room = inner - (5 if item.progress else 0)
            waiting = self.context.waiting(item, room)
            if waiting is not None:  # waiting is shown where its bar would be (it has rarely begun)
                parts = [(" ", Style()), (pad(waiting, room), style("card--waiting"))]
                if item.progress:
                    parts.append((f"{item.progress:>4}%", style("card--meta")))
                return strip(parts, width, base)
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
        return Strip.blank(width, base)

    def _due_line(self, item: Task, inner: int, width: int, base: Style) -> Strip:
        style = self.part
        if item.status == "done":
            return strip([(" ", Style()), ("✓ done", style("card--meta"))], width, base)
        if not item.due:  # still, its chain or what it waits on may not work: say so
            problems = self.context.problems(item)
            if problems:
                text = fit(f"✗ no due date · {problems[0].brief}", inner)
                return strip([(" ", Style()), (text, style("card--soon"))], width, base)
            return strip([(" ", Style()), ("no due date", style("card--meta"))], width, base)
        marker = due_marker(item, self.context.today)
        text = format_due(item.due, today=self.context.today, done=item.status == "done")
        component = {"!": "card--overdue", "•": "card--soon"}.get(marker, "card--meta")
        problems = self.context.problems(item) if marker != "!" else []
        if problems:  # a date that cannot work: marked ✗, in words as far as the card's width goes
            marker, component = "✗", "card--soon"
            text = f"{text} · {problems[0].brief}"
        if not marker and self.context.repeats(item):
            marker = RECURRING  # an instance of a recurring task that will come round
        shown = f"{marker} {text}" if marker else text
        return strip([(" ", Style()), (fit(shown, inner), style(component))], width, base)


@dataclass(frozen=True, slots=True)
class TableLayout:
    """Cells per column of the task table at one width: the title takes what is left."""

    title: int
    owner: int
    bar: int

    ID = 6
    STATUS = 8
    DUE = 19  # "was due 12 Dec 2026", "! 123 days overdue"

    @classmethod
    def at(cls, width: int, title_need: int = 40, owner_need: int = 16) -> TableLayout:
        """The due column never drops; the title comes next: it gets what its longest title needs
        (``title_need``) before the owner gets more than a handle's 16 cells, and the owner gives
        way to it (the handle alone under 76 cells, no owner column under 70). The owner's
        column grows to what its longest needs (``owner_need``, up to 24) from what is left;
        wide terminals show a progress bar too."""
        bar = 9 if width >= 100 else 0
        rest = width - (1 + (cls.ID + 1) + 1 + (cls.STATUS + 1) + bar + 5 + cls.DUE)
        if width < 70:
            owner = 0
        elif width < 76:
            owner = 10
        else:
            owner = max(16, min(max(owner_need, 16), 24, rest - 1 - title_need))
        return cls(title=max(6, rest - (owner + 1 if owner else 0)), owner=owner, bar=bar)


class TaskTable(VirtualList[Task]):
    """The same tasks as the board, one row each."""

    COMPONENT_CLASSES = VirtualList.COMPONENT_CLASSES | CARD_PARTS
    KEEP_LINES = True

    class HeaderChanged(Message):
        """The column headings for the table's width (it keeps room for its scrollbar)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, context: BoardContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = context
        self.empty_text = " No tasks match."
        self._header: str | None = None
        self._needs: tuple[int, int] | None = None  # cells the longest title and owner need (None: to measure)

    def view_key(self) -> object:
        return self.context.view_key()

    def line_key(self) -> object:
        # the columns: a scrollbar that comes or goes takes or gives cells, the width alone does
        # not; the longest title and owner of the rows shown widen or narrow them
        return self.layout_at(min(self.size.width, self.room))

    def layout_at(self, width: int) -> TableLayout:
        """The columns at ``width`` for the rows shown (``TableLayout.at``), measured once a set
        of rows (10,000 titles cost a few milliseconds: not on every key while the table is hidden)."""
        if self._needs is None:
            self._needs = (
                max((cell_len(clean(t.title)) for t in self.items), default=40),
                max((cell_len(self.context.owner(t.owner)) for t in self.items), default=16),
            )
        return TableLayout.at(width, *self._needs)

    def set_items(self, items: list[Task], cursor: int | None = None) -> None:
        self._needs = None
        super().set_items(items, cursor)
        self._post_header()

    def on_resize(self) -> None:
        super().on_resize()
        self._post_header()

    def _post_header(self) -> None:
        view = self.parent
        if isinstance(view, Widget) and not view.display:
            return  # hidden: measured when shown (the board sets the rows again then)
        header = self.header(self.room)
        if header != self._header:
            self._header = header
            self.post_message(self.HeaderChanged(header))
            self.refresh()  # new columns: every row again

    def header(self, width: int) -> str:
        cols = self.layout_at(width)
        progress = f"{'PROGRESS':<{cols.bar + 5}}" if cols.bar else "   % "
        owner = f"{'OWNER':<{cols.owner}} " if cols.owner else ""
        return f" {'ID':<{cols.ID}} {'TITLE':<{cols.title}} {owner}{'STATUS':<{cols.STATUS}} {progress}DUE"

    def render_item(self, item: Task, line: int, width: int, base: Style, selected: bool) -> Strip:
        style = self.part
        cols = self.layout_at(min(width, self.room))
        marker = due_marker(item, self.context.today)
        due = format_due(item.due, today=self.context.today, done=item.status == "done") if item.due else ""
        component = {"!": "card--overdue", "•": "card--soon"}.get(marker, "card--meta")
        owner = self.context.owner(item.owner) if cols.owner >= 16 else (item.owner or "unassigned")
        done, todo = bar_text(item.progress, cols.bar - 1) if cols.bar else ("", "")
        problems = self.context.problems(item) if marker != "!" else []
        if problems:
            marker, component = "✗", "card--soon"
        title_cells = cols.title
        waiting = self.context.waiting(item, max(8, cols.title // 2)) if cols.title >= 24 else None
        waits = f" · {waiting}" if waiting else ""
        if waits:
            title_cells = max(6, cols.title - cell_len(waits))
        return strip(
            [
                (" ", Style()),
                (pad(item.label, cols.ID) + " ", style("card--id")),
                (fit(item.title, title_cells), style("card--title")),
                (pad(waits, cols.title - cell_len(fit(item.title, title_cells))) + " ", style("card--waiting")),
                (pad(owner, cols.owner) + " " if cols.owner else "", style("card--meta")),
                (f"{item.status:<{cols.STATUS}} ", style("card--blocked") if item.status == "blocked" else Style()),
                (done, style("card--bar")),
                (todo + (" " if cols.bar else ""), style("card--bar-empty")),
                (f"{item.progress:>3}% ", Style()),
                (fit(f"{marker} {due}".strip(), cols.DUE), style(component)),
            ],
            width,
            base,
        )


class TaskTableView(Vertical):
    """A TaskTable under its column headings, which follow the table's width."""

    def __init__(self, context: BoardContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = context

    def compose(self) -> ComposeResult:
        yield Static(id="table-header", classes="table-header")
        yield TaskTable(self.context, id="table")

    @property
    def table(self) -> TaskTable:
        return self.query_one(TaskTable)

    def on_task_table_header_changed(self, event: TaskTable.HeaderChanged) -> None:
        event.stop()
        self.query_one("#table-header", Static).update(Content(event.text))


class PlanList(VirtualList[PlanFigures]):
    """Every plan: status, progress bar, health (a symbol and a word) and buy-in tally, and
    from ``REASON_WIDTH`` columns the reason for its health; while a filter is on, how many
    of its tasks match instead of the tally."""

    REASON_WIDTH = 110

    MARKER = ""  # the current plan has its own mark, ▸
    COMPONENT_CLASSES = VirtualList.COMPONENT_CLASSES | CARD_PARTS
    KEEP_LINES = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.matches: dict[int, int] | None = None
        self._widest = 12
        self._title_need = 16  # the longest plan title's cells
        self._tally_least = 10
        # plan id -> (figures, their tally's cells, their title's cells, the least of their tally)
        self._widths: dict[int, tuple[PlanFigures, int, int, int]] = {}

    def set_items(self, items: list[PlanFigures], cursor: int | None = None) -> None:
        # The widest tally (with a closing date), so that the titles give way to it and, on a
        # wide list, the reasons after it start in one column; what a tally may not lose:
        # 'buy-in 8/9', and a cell for the ellipsis when more follows. Worked out once per
        # figures: those of a plan nothing changed in are kept (model/overview.py ``refigure``).
        tallies, titles, least = [], [], []
        for fig in items:
            kept = self._widths.get(fig.plan.id)
            if kept is None or kept[0] is not fig:
                tally = (cell_len(self._tally(fig)), cell_len(clean(fig.plan.title)), self._least(fig))
                kept = self._widths[fig.plan.id] = (fig, *tally)
            tallies.append(kept[1])
            titles.append(kept[2])
            least.append(kept[3])
        self._widest = max(tallies, default=12)
        self._title_need = max(titles, default=16)
        self._tally_least = max(least, default=10)
        super().set_items(items, cursor)

    @classmethod
    def _least(cls, item: PlanFigures) -> int:
        whole = cls._tally(item)
        first = whole.split(" · ", 1)[0]
        return cell_len(first) + (1 if first != whole else 0)

    @staticmethod
    def _tally(item: PlanFigures) -> str:
        return item.buyin.summary() + (f" · {item.closing}" if item.closing else "")

    def view_key(self) -> object:
        # every row's columns give way to the widest tally, and to the longest title
        return self._tally_cells, self._title_need, self._tally_least

    @property
    def _tally_cells(self) -> int:
        """Cells for the tally (or the matches, 12): the widest tally's, 12 to 34."""
        return 12 if self.matches is not None else max(12, min(34, self._widest))

    def set_matches(self, matches: dict[int, int] | None) -> None:
        """Tasks matching the filter, per plan id (None: no filter)."""
        if matches != self.matches:
            self.matches = matches
            self._lines.clear()
            self.refresh()

    def render_item(self, item: PlanFigures, line: int, width: int, base: Style, selected: bool) -> Strip:
        style = self.part
        plan = item.plan
        health = item.forecast.health
        full, width = width, min(width, self.room)  # the row ends before the scrollbar
        # marker, label, title, status, bar, percentage, health, then the tally (and the reason)
        bar = 8
        fixed = 2 + cell_len(plan.label) + 1 + 10 + bar + 7 + HEALTH_CELLS + 1
        left = width - fixed
        if width >= self.REASON_WIDTH:  # the title gets what the longest needs before the reason does
            room = min(26, self._tally_cells)
            title = max(16, min(self._title_need, 44, left - room - 1 - 16))
            reason = left - title - 1 - room - 2
        else:  # the title keeps 16 cells and gives way to the tally beyond them
            least = 10 if self.matches is not None else self._tally_least
            room = max(least, min(self._tally_cells, left - 17))
            title = left - room - 1
            if title < 8:  # narrow (60 columns): the bar gives up to half of itself before the tally is cut
                given = min(bar // 2, 8 - title)
                bar, title = bar - given, title + given
            title = max(8, title)
            reason = 0
        done, todo = bar_text(item.progress, bar)
        if self.matches is not None:
            count = self.matches.get(plan.id, 0)
            found = {0: "no match", 1: "1 match"}.get(count, f"{count} matches")
            last = (fit(found, room), style("card--match") if count else style("card--meta"))
        else:
            last = (
                fit(self._tally(item), room),
                style("card--blocked") if item.buyin.tally["block"] else style("card--meta"),
            )
        return strip(
            [
                ("▸ " if selected else "  ", style("list--marker")),
                (f"{plan.label} ", style("card--id")),
                (pad(plan.title, title) + " ", style("card--title")),
                (f"{plan.status:<9} ", style("card--meta")),
                (done, style("card--bar")),
                (todo, style("card--bar-empty")),
                (f"{item.progress:>4.0f}%  ", Style()),
                (pad(health_marker(health), HEALTH_CELLS) + " ", style(health_part(health))),
                (pad(last[0], room) if reason else last[0], last[1]),
                ("  " + fit(item.forecast.reason, reason) if reason else "", style("card--meta")),
            ],
            full,
            base,
        )


def outcome_parts(
    outcome: Outcome, width: int, figures_cells: int = 0, forecast: Forecast | None = None, name_need: int = 30
) -> list[tuple[str, str]]:
    """An outcome as (text, css-class) parts: name, bar, figures ("28 / 40 beds", or for
    a reduction "25 → 12 min, target 10"), and with its ``forecast`` the health (a symbol
    and a word, class ``health--...``), the mark on the bar where it should stand by today
    (``│``, class ``expected``) and, where the line has room, the reason. Lines given the
    same ``figures_cells`` (the widest figures among them) put their bars in one column; the
    name gets what ``name_need`` (the longest name among them) asks before the reason gets any."""
    pct = rules.outcome_progress(outcome.baseline, outcome.target, outcome.current)
    figures = " " + rules.outcome_figures(outcome, number)
    figures_cells = max(figures_cells, cell_len(figures))
    health_cells = HEALTH_CELLS + 2 if forecast is not None else 0
    name_cells = max(6, min(name_need, 44, width - figures_cells - 14 - health_cells))
    parts = [(pad(outcome.name, name_cells) + " ", "title"), *bar_parts(pct, 10, _expected_percent(outcome, forecast))]
    parts.append((figures.ljust(figures_cells) if forecast is not None else figures, "meta"))
    if forecast is not None:
        parts.append(("  " + pad(health_marker(forecast.health), HEALTH_CELLS), health_part(forecast.health)))
        room = width - 1 - sum(cell_len(text) for text, _ in parts) - 2
        if room >= 16 and forecast.reason:
            parts.append(("  " + fit(forecast.reason, room), "meta"))
    return parts


def _expected_percent(outcome: Outcome, forecast: Forecast | None) -> float | None:
    if forecast is None or forecast.expected is None:
        return None
    return rules.outcome_progress(outcome.baseline, outcome.target, forecast.expected)


def bar_parts(percent: float, cells: int, expected: float | None = None) -> list[tuple[str, str]]:
    """A progress bar as (text, class) parts ("bar", "bar-empty"), with the expected-now mark
    (``│``, class "expected") in the cell where ``expected`` percent falls (none for None)."""
    done, todo = bar_text(percent, cells)
    if expected is None:
        return [(done, "bar"), (todo, "bar-empty")]
    at = min(cells - 1, max(0, int(expected / 100 * cells)))  # the cell the expected share falls in
    line = [(c, "bar" if i < len(done) else "bar-empty") for i, c in enumerate(done + todo)]
    line[at] = (EXPECTED_MARK, "expected")
    return joined(line)


def number(value: float) -> str:
    """1,200 for whole numbers, 3.5 otherwise."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"
