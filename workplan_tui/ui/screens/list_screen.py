"""A screen of one list with the selected item's details below it: the base of the partnership screens."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Static

from workplan_tui.model.text import clean
from workplan_tui.ui.forms import Field, FormDialog
from workplan_tui.ui.screens.base import SessionScreen
from workplan_tui.ui.widgets import CardColumn, KeyBar, ScreenTitle, VirtualList, fit, strip

if TYPE_CHECKING:
    from workplan_tui.ui.app import WorkplanApp


Parts = list[tuple[str, str]]


def ago(timestamp: str, now: datetime) -> str:
    """'today', '3 days ago', '5 weeks ago' for an ISO UTC timestamp."""
    if not timestamp:
        return "never"
    try:
        then = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return clean(timestamp)
    days = (now - then).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    return f"{days // 7} weeks ago"


def cut_parts(parts: Parts, room: int) -> Parts:
    """A row's parts in ``room`` cells: the part that crosses the edge ends in an ellipsis (or
    loses only its padding), and the parts after it go; a row never ends cut mid-word."""
    kept: Parts = []
    used = 0
    for text, style in parts:
        cells = cell_len(text)
        if used + cells <= room:
            kept.append((text, style))
            used += cells
            continue
        left = room - used
        if left > 0:
            kept.append((text.rstrip() if cell_len(text.rstrip()) <= left else fit(text, left), style))
        break
    return kept


class RowList(VirtualList[Any], inherit_bindings=False):
    """One line per item, drawn by the screen's ``row`` function.

    Without a scroll view's own keys: the arrows, page keys, home and end are the screen's
    (they move the selection); as the list's own they scrolled a list longer than the screen
    (the Activity screen's 200 entries) without moving the selection at all.
    """

    COMPONENT_CLASSES = CardColumn.COMPONENT_CLASSES

    def __init__(self, render_row: Callable[[Any, int], Parts], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.render_row = render_row

    def render_item(self, item: Any, line: int, width: int, base: Style, selected: bool) -> Strip:
        # the row's own room: its end (an ellipsis) must not go under the scrollbar
        room = min(width, self.scrollable_content_region.width or width)
        parts = cut_parts(self.render_row(item, room), room)
        return strip([(t, self.part(c) if c else Style()) for t, c in parts], width, base)

    def move(self, delta: int) -> None:
        super().move(delta)
        self.post_message(self.Selected(self, self.cursor))

    def on_resize(self) -> None:
        """The selection stays in view when the list gets shorter: the details below it grow
        with the item selected (the last line of a meeting, two lines of details, was scrolled
        to and then hidden under them)."""
        super().on_resize()
        self.call_after_refresh(self.scroll_to_cursor)


class ListScreen(SessionScreen):
    """A header, a list, the selected item's details, the footer."""

    CSS_PATH = ["list_screen.tcss"]
    TITLE_TEXT = ""
    KEYS: list[BindingType] = []
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-10)", "Page up", show=False),
        Binding("pagedown", "cursor(10)", "Page down", show=False),
        Binding("home", "cursor(-1000000)", "First", show=False),
        Binding("end", "cursor(1000000)", "Last", show=False),
        Binding("shift+down,J", "scroll_detail(3)", "Scroll the details down", show=False),
        Binding("shift+up,K", "scroll_detail(-3)", "Scroll the details up", show=False),
        Binding("ctrl+r", "reload", "Reload", show=False),
        Binding("u", "undo", "Undo", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("escape,q", "back", "Back"),
    ]

    app: WorkplanApp

    def compose(self) -> ComposeResult:
        yield ScreenTitle(id="screen-title")
        yield RowList(self.row, id="rows")
        detail = VerticalScroll(id="detail-box")
        detail.can_focus = False  # arrows move the list's selection, not the details (the mouse still scrolls them)
        with detail:
            yield from self.compose_detail()
        yield KeyBar()

    def compose_detail(self) -> ComposeResult:
        yield Static(id="detail")

    def action_scroll_detail(self, lines: int) -> None:
        """The details pane takes no focus (the arrows move the list): shift+arrows scroll it."""
        self.query_one("#detail-box").scroll_relative(y=lines, animate=False)

    @property
    def rows_widget(self) -> RowList:
        return self.query_one("#rows", RowList)

    def on_mount(self) -> None:
        self.refresh_view()
        self.rows_widget.set_active(True)

    # --- what subclasses provide ----------------------------------------------------------

    def items(self) -> list[Any]:
        raise NotImplementedError

    def row(self, item: Any, width: int) -> Parts:
        raise NotImplementedError

    def detail(self, item: Any) -> Content:
        return Content("")

    def key_of(self, item: Any) -> Hashable:
        return getattr(item, "id", item)

    def title_text(self) -> str:
        return self.TITLE_TEXT

    # --- behaviour ----------------------------------------------------------------------

    def refresh_view(self) -> None:
        """Redraw from the app's snapshot, keeping the selected item selected."""
        rows = self.rows_widget
        current = rows.current
        keep = self.key_of(current) if current is not None else None
        items = self.items()
        cursor = next((i for i, item in enumerate(items) if self.key_of(item) == keep), None)
        rows.set_items(items, cursor)
        self.query_one(ScreenTitle).show(self.title_text())
        self.show_detail()

    def live_refresh(self) -> None:
        self.refresh_view()

    def show_detail(self) -> None:
        item = self.rows_widget.current
        self.query_one("#detail", Static).update(self.detail(item) if item is not None else self.empty_detail())

    def empty_detail(self) -> Content:
        """What the detail says when the list is empty (a filter that matches nothing says so)."""
        return Content("")

    def on_virtual_list_selected(self, event: VirtualList.Selected) -> None:
        self.show_detail()

    def action_cursor(self, delta: int) -> None:
        self.rows_widget.move(delta)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.session.reload()
        self.refresh_view()

    def action_undo(self) -> None:
        """Undo my last change of this session, whichever screen it was made on."""
        if self.session.undo():
            self.refresh_view()

    def action_help(self) -> None:
        from workplan_tui.ui.modals import HelpScreen

        self.app.push_screen(HelpScreen(self.title_text(), [*self.KEYS, *ListScreen.BINDINGS]))

    def select(self, wanted: Callable[[Any], bool]) -> None:
        """Select the first item ``wanted`` says yes to (one just added), in view."""
        rows = self.rows_widget
        items = self.items()
        index = next((i for i, item in enumerate(items) if wanted(item)), None)
        if index is not None:
            rows.set_items(items, index)
            rows.scroll_to_cursor()
            self.show_detail()

    def change(self, apply: Callable[[], Any]) -> None:
        """Run a store action (the app re-reads the file); on success redraw in place."""
        if self.session.change(apply):
            self.refresh_view()

    def form(
        self,
        title: str,
        fields: list[Field],
        done: Callable[[dict[str, Any]], Any],
        check: Any = None,
        made: Callable[[Any], None] | None = None,
    ) -> None:
        """A form whose save runs ``done`` (a store action); a refused save shows in the form,
        which stays open with what was typed, and closes only once the change landed. ``made``
        is then given what ``done`` returned (a record just added, to select it)."""
        if not self.session.can_change():
            return
        results: list[Any] = []

        def finished(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.refresh_view()
                if made is not None and results:
                    made(results[-1])

        def save(values: dict[str, Any]) -> str | None:
            return self.session.attempt(lambda: results.append(done(values)))

        self.app.push_screen(FormDialog(title, fields, check, save), finished)
