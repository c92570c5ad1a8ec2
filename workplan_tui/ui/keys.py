"""One table of keys: the footer, the help screen and the command palette all read it."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingType

# Keys that act on the selected task; the board and the review screen share them.
TASK_KEYS: list[BindingType] = [
    Binding("enter", "open", "Open", show=False, id="open"),
    Binding("plus,equals_sign", "bump(10)", "+10%", id="progress-up"),
    Binding("minus", "bump(-10)", "-10%", show=False, id="progress-down"),
    *[
        Binding(str(n), f"set_progress({n * 10})", f"Set {n * 10}%", show=False, id=f"progress-{n * 10}")
        for n in range(10)
    ],
    Binding("s", "cycle_status", "Status", id="cycle-status"),
    Binding("d", "done", "Done", id="done"),
    Binding("b", "block", "Blocked", id="blocked"),
    Binding("a", "assign", "Assign", show=False, id="assign"),
    Binding("x", "skip", "Skip this time (a recurring task)", show=False, id="skip"),
    Binding("f", "follow_up", "Follow up: what was agreed", show=False, id="follow-up"),
    Binding("e", "edit", "Edit", show=False, id="edit"),
    Binding("u", "undo", "Undo", show=False, id="undo"),
]

BOARD_KEYS: list[BindingType] = [
    Binding("up,k", "cursor(-1)", "Up", show=False, id="up"),
    Binding("down,j", "cursor(1)", "Down", show=False, id="down"),
    Binding("left,h", "column(-1)", "Column left", show=False, id="left"),
    Binding("right,l", "column(1)", "Column right", show=False, id="right"),
    Binding("pageup", "cursor(-5)", "Page up", show=False, id="page-up"),
    Binding("pagedown", "cursor(5)", "Page down", show=False, id="page-down"),
    Binding("home", "cursor(-1000000)", "First", show=False, id="first"),
    Binding("end", "cursor(1000000)", "Last", show=False, id="last"),
    Binding("tab,right_square_bracket", "plan(1)", "Next plan", show=False, priority=True, id="next-plan"),
    Binding("shift+tab,left_square_bracket", "plan(-1)", "Previous plan", show=False, priority=True, id="prev-plan"),
    *TASK_KEYS,
    Binding("n", "new", "New", show=False, id="new-task"),
    Binding("ctrl+n", "new_plan", "New plan", show=False, id="new-plan"),
    Binding("p", "edit_plan", "Edit plan (title, scope, dates, rule)", show=False, id="edit-plan"),
    Binding("U", "unarchive_plan", "Reopen plan (un-archive)", show=False, id="unarchive-plan"),
    Binding("slash", "filter", "Filter", id="filter"),
    Binding("m", "mine", "Only my tasks (m again: all)", show=False, id="mine"),
    Binding("escape", "clear_filter", "Clear filter", show=False, id="clear-filter"),
    Binding("r", "review", "Review", id="review"),
    Binding("T", "timeline", "Timeline", show=False, id="timeline"),
    Binding("v", "screen_for_plan('buyin')", "Buy-in", show=False, id="buy-in"),
    Binding("o", "screen_for_plan('outcomes')", "Outcomes", show=False, id="outcomes"),
    Binding("N", "open_screen('norms')", "Norms", show=False, id="norms"),
    Binding("P", "open_screen('partners')", "Partners", show=False, id="partners"),
    Binding("w", "open_screen('people')", "People", show=False, id="people"),
    Binding("M", "open_screen('meetings')", "Meetings", show=False, id="meetings"),
    Binding("L", "open_screen('activity')", "Activity log", show=False, id="activity"),
    Binding("t", "toggle_table", "Table", id="toggle-table"),
    Binding("question_mark", "help", "Help", id="help"),
    Binding("ctrl+r", "reload", "Reload now", show=False, id="reload"),
    Binding("q", "app.quit", "Quit", id="quit"),
]

TIMELINE_KEYS: list[BindingType] = [
    Binding("up,k", "cursor(-1)", "Up", show=False, id="timeline-up"),
    Binding("down,j", "cursor(1)", "Down", show=False, id="timeline-down"),
    Binding("pageup", "cursor(-10)", "Page up", show=False, id="timeline-page-up"),
    Binding("pagedown", "cursor(10)", "Page down", show=False, id="timeline-page-down"),
    Binding("home", "cursor(-1000000)", "First row", show=False, id="timeline-first"),
    Binding("end", "cursor(1000000)", "Last row", show=False, id="timeline-last"),
    Binding("left", "weeks(-1)", "Earlier", id="timeline-earlier"),
    Binding("right", "weeks(1)", "Later", id="timeline-later"),
    Binding("h", "weeks(-1)", "A week earlier", show=False, id="timeline-earlier-h"),
    Binding("l", "weeks(1)", "A week later", show=False, id="timeline-later-l"),
    Binding("H", "weeks(-4)", "Four weeks earlier", show=False, id="timeline-earlier-4"),
    Binding("L", "weeks(4)", "Four weeks later", show=False, id="timeline-later-4"),
    Binding("full_stop", "this_week", "Back to this week", show=False, id="timeline-today"),
    Binding("z", "zoom(1)", "Zoom out", tooltip="More weeks across: a week gets fewer cells", id="timeline-zoom-out"),
    Binding("Z", "zoom(-1)", "Fewer weeks (zoom in)", show=False, id="timeline-zoom-in"),
    Binding("g", "group", "Group", tooltip="Group the rows by partner or by plan", id="timeline-group"),
    Binding("p", "scope", "This plan / every plan", show=False, id="timeline-scope"),
    Binding("m", "mine", "Only my tasks (m again: all)", show=False, id="timeline-mine"),
    *[replace(b, show=b.key == "enter") if isinstance(b, Binding) else b for b in TASK_KEYS],
    Binding("ctrl+r", "reload", "Reload now", show=False, id="timeline-reload"),
    Binding("question_mark", "help", "Help", id="timeline-help"),
    Binding("escape,q", "back", "Back", id="timeline-back"),
]

REVIEW_KEYS: list[BindingType] = [
    Binding("space", "next", "Next", id="review-next"),
    *[b for b in TASK_KEYS if isinstance(b, Binding) and b.key != "enter"],
    Binding("enter", "next", "Next", show=False, id="review-next-enter"),
    Binding("o", "open", "Open", show=False, id="review-open"),
    Binding("escape,q", "leave", "Back", id="review-leave"),
    Binding("question_mark", "help", "Help", id="review-help"),
]


def key_label(binding: Binding) -> str:
    """How a binding's keys read in the help screen: 'up / k', '+ / ='."""
    names = {
        "plus": "+",
        "equals_sign": "=",
        "minus": "-",
        "slash": "/",
        "question_mark": "?",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "full_stop": ".",
        "shift+tab": "shift+tab",
    }
    return " / ".join(names.get(k.strip(), k.strip()) for k in binding.key.split(","))
