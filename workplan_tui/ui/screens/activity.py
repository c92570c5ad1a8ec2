"""The activity log, newest first, a page at a time, filtered as typed."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content

from workplan_tui.model.changes import about_plan, changes_line, labelled
from workplan_tui.model.records import Activity, parse_label
from workplan_tui.model.text import clean, short, stamp
from workplan_tui.store.storage import StoreError
from workplan_tui.ui.screens.list_screen import ListScreen, Parts
from workplan_tui.ui.widgets import FilterBox, fit, pad


class ActivityScreen(ListScreen):
    """The activity log, newest first, a page at a time (``m`` shows older entries);
    '/' filters: words, member:NAME, plan:P2, kind:task. Only the entries shown are read."""

    PAGE = 200
    KEYS = [Binding("slash", "filter", "Filter"), Binding("m", "more", "Older")]
    BINDINGS = KEYS
    TITLE_TEXT = "Activity · newest first"

    def __init__(self) -> None:
        super().__init__()
        self.terms: list[str] = []
        self.limit = self.PAGE
        self.more = False  # whether older entries exist beyond those shown
        self.unreadable: str | None = None  # why the file cannot be read now, if it cannot

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield FilterBox("filter: words, member:NAME, plan:P2, kind:vote")

    def title_text(self) -> str:
        older = " · m: older" if self.more else ""
        stale = " · the file cannot be read now: the log up to the last sound read" if self.unreadable else ""
        return self.TITLE_TEXT + (f" · filter: {' '.join(self.terms)}" if self.terms else "") + older + stale

    def action_more(self) -> None:
        if self.more:
            self.limit += self.PAGE
            self.refresh_view()

    def refresh_view(self) -> None:
        super().refresh_view()
        self.refresh_bindings()  # "m Older" only while there is an older page

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.more if action == "more" else True

    def _matcher(self) -> Callable[[Activity], bool]:
        """Whether an entry is kept by every term of the filter: words, member:NAME, kind:KIND,
        plan:P2 (``changes.about_plan``, as ``workplan log --plan`` keeps them)."""
        tests: list[Callable[[Activity], bool]] = []
        for term in self.terms:
            key, sep, value = term.partition(":")
            if sep and key == "plan":
                tests.append(self._about_plan(value))
            else:
                named = sep and key in ("member", "kind")
                tests.append(partial(_has, key, value.lower()) if named else partial(_has, "", term.lower()))
        return lambda a: all(test(a) for test in tests)

    def _about_plan(self, typed: str) -> Callable[[Activity], bool]:
        wp = self.session.workplan
        try:
            plan_id = parse_label(typed, "plans")
        except ValueError:  # not a plan: nothing is about it
            return lambda entry: False
        return about_plan(wp, plan_id) if wp is not None else lambda entry: False

    def items(self) -> list[Any]:
        if self.session.workplan is None:
            return []
        entries: list[Activity] = []
        self.more = False
        self.unreadable = None
        try:
            try:
                history = self.session.store.history()
            except StoreError as exc:  # the file cannot be read now: the log of what the board shows
                self.unreadable = str(exc)
                last = self.session.store.last_read_history()
                if last is None:
                    raise
                history = last
            wanted = self._matcher()
            for entry in history.newest():
                if wanted(entry):
                    if len(entries) == self.limit:
                        self.more = True
                        break
                    entries.append(entry)
        except StoreError as exc:
            self.app.notify(clean(str(exc)), severity="error", markup=False)
        return entries

    def row(self, item: Any, width: int) -> Parts:
        changes = changes_line(item)
        return [
            (f" {stamp(item.at)}  ", "card--meta"),
            (pad(item.member, 10) + " ", "card--title"),
            (f"{fit(item.record, 10):<10} ", ""),
            (f"{fit(item.kind, 14):<14} ", "card--meta"),
            (fit(changes, max(4, width - 56)), ""),
        ]

    def detail(self, item: Any) -> Content:
        lines = [
            Content(
                f"{clean(item.at)}  {clean(item.member)} (OS account {clean(item.os_user) or '-'})  {clean(item.kind)}"
            )
        ]
        for key, (before, after) in labelled(item).items():
            lines.append(Content(f"  {clean(key)}: {short(before, 200)} → {short(after, 200)}"))
        return Content("\n").join(lines)

    def action_filter(self) -> None:
        self.query_one(FilterBox).open()

    def on_filter_box_filtered(self, event: FilterBox.Filtered) -> None:
        self.terms = event.terms
        self.refresh_view()

    def action_back(self) -> None:
        if self.query_one(FilterBox).close():
            self.terms = []
            self.refresh_view()
        else:
            self.dismiss(None)


def _has(field: str, words: str, entry: Activity) -> bool:
    """Whether ``entry``'s ``field`` (member, kind; "": everything it says) holds ``words``."""
    text = getattr(entry, field) if field else f"{entry.member} {entry.kind} {entry.record} {labelled(entry)}"
    return words in str(text).lower()
