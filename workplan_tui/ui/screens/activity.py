"""The activity log, newest first, a page at a time, filtered as typed."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content

from workplan_tui.model.changes import Names, about_plan, field_words, labelled, sentence, value_words
from workplan_tui.model.records import Activity, label, parse_label
from workplan_tui.model.text import clean, full_stop, stamp
from workplan_tui.store.storage import StoreError
from workplan_tui.ui.screens.list_screen import ListScreen, Parts
from workplan_tui.ui.widgets import FilterBox, fit


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
        self.gone: dict[str, str] = {}  # titles of records removed, learned from the log as read

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
        names = self.names
        for term in self.terms:
            key, sep, value = term.partition(":")
            if sep and key == "plan":
                tests.append(self._about_plan(value))
            else:
                named = sep and key in ("member", "kind")
                tests.append(
                    partial(_has, key, value.lower(), names) if named else partial(_has, "", term.lower(), names)
                )
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
            gone: dict[str, str] = {}
            learner = Names(gone=gone)
            for entry in history.newest():
                learner.learn(entry)  # the titles of records removed since, for the entries before
                if wanted(entry):
                    if len(entries) == self.limit:
                        self.more = True
                        break
                    entries.append(entry)
            self.gone = gone
        except StoreError as exc:
            self.app.notify(clean(str(exc)), severity="error", markup=False)
        return entries

    def row(self, item: Any, width: int) -> Parts:
        """'2026-11-28 09:30  bob moved T12 'Order soil' from 40% to 60%': when, and what in words."""
        when = f" {stamp(item.at)}  "
        return [(when, "card--meta"), (fit(sentence(item, self.names), max(4, width - len(when))), "")]

    @property
    def names(self) -> Names:
        """Titles, currency and today for the sentences (model/changes.py), from the snapshot."""
        return Names(self.session.workplan, self.session.today(), self.gone)

    def detail(self, item: Any) -> Content:
        names = self.names
        account = clean(item.os_user) or "unknown"
        who = clean(item.member) if account == item.member else f"{clean(item.member)} (as the account {account})"
        lines = [
            Content(f"{stamp(item.at)} · {who} · {label('activity', item.id)}"),
            Content.from_markup("[b]$said[/b]", said=full_stop(sentence(item, names))),
        ]
        for name, pair in labelled(item).items():
            if name == "record":
                continue
            before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            unit = names.unit(item.record)
            was, now = (value_words(name, v, names, 200, unit=unit) for v in (before, after))
            lines.append(
                Content(
                    f"  {field_words(name)}: {was} → {now}" if before is not None else f"  {field_words(name)}: {now}"
                )
            )
        if item.undoes is not None:
            lines.append(Content(f"  undoes {label('activity', item.undoes)}"))
        return Content("\n").join(lines)

    def empty_detail(self) -> Content:
        if not self.terms:
            return Content("Nothing in the log yet.")
        return Content(f"No change matches '{clean(' '.join(self.terms))}' (escape clears the filter).")

    def action_filter(self) -> None:
        self.query_one(FilterBox).open()

    def on_filter_box_filtered(self, event: FilterBox.Filtered) -> None:
        self.terms = event.terms
        self.refresh_view()
        self.rows_widget.move_to(0)  # the newest match, in view (not the old position, among the oldest)
        self.show_detail()

    def action_back(self) -> None:
        if self.query_one(FilterBox).close():
            self.terms = []
            self.refresh_view()
        else:
            self.dismiss(None)


def _has(field: str, words: str, names: Names, entry: Activity) -> bool:
    """Whether ``entry``'s ``field`` (member, kind; "": everything it says, as shown and as
    stored) holds ``words``."""
    if field:
        return words in str(getattr(entry, field)).lower()
    text = f"{entry.member} {entry.kind} {entry.record} {labelled(entry)} {sentence(entry, names)}"
    return words in text.lower()
