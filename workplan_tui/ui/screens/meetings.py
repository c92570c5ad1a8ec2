"""Meetings: the partnership's meetings, and one meeting's agenda, attendance, decisions and
action items, all by keyboard (the rules: model/meetings.py; the changes: store.actions)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any

from textual.binding import Binding
from textual.content import Content

from workplan_tui.model import dates, meetings
from workplan_tui.model.records import CLOSED_PLAN_STATUSES, Meeting, Workplan
from workplan_tui.model.rules import RuleError
from workplan_tui.model.text import clean
from workplan_tui.store import actions
from workplan_tui.ui.forms import Field, typed_day
from workplan_tui.ui.screens.list_screen import ListScreen, Parts
from workplan_tui.ui.widgets import fit, pad

_STATUS_STYLE = {"present": "card--good", "apologies": "card--soon", "absent": "card--overdue", "represented": ""}


def _members(wp: Workplan | None, none: str = "nobody", keep: str | None = None) -> list[tuple[str, Any]]:
    """A choice of members for a form: 'alice · Alice Moreno (PARKS)', and nobody; ``keep``, the
    handle stored now, stays a choice when it is no longer a member's (saving the form unchanged
    keeps who ran a meeting)."""
    found: list[tuple[str, Any]] = [(none, None)]
    for m in wp.members.values() if wp else []:
        found.append((f"{m.handle} · {m.name} ({m.partner})", m.handle))
    if keep is not None and (wp is None or keep not in wp.members):
        found.append((f"{keep} · no longer a member", keep))
    return found


def _counts(m: Meeting) -> str:
    tally: dict[str, int] = {}
    for entry in meetings.attendance(m).values():
        tally[entry.status] = tally.get(entry.status, 0) + 1
    return meetings.tally_words(tally)


class MeetingsScreen(ListScreen):
    """The meetings, oldest first, the next one selected: when, how many came, the debriefs still
    owed and a flag for one with neither a facilitator nor an alternate. Enter opens a meeting
    (agenda, attendance, decisions, action items); ``n`` plans a new one, its agenda pre-filled
    with what needs the partnership; ``m`` writes a meeting's minutes; ``/`` searches the
    decisions of every meeting."""

    KEYS = [
        Binding("enter", "open", "Open"),
        Binding("n", "new", "New meeting"),
        Binding("e", "edit", "Edit"),
        Binding("m", "minutes", "Minutes"),
        Binding("slash", "search", "Search decisions"),
    ]
    BINDINGS = KEYS
    TITLE_TEXT = "Meetings · agenda, attendance, decisions"

    def items(self) -> list[Any]:
        wp = self.session.workplan
        return meetings.in_order(wp.meetings.values()) if wp else []

    def on_mount(self) -> None:
        super().on_mount()
        wp = self.session.workplan
        coming = meetings.next_meeting(wp, self.session.now()) if wp else None
        items = self.items()
        if coming is not None:
            index = next(i for i, m in enumerate(items) if m.id == coming.id)
            self.rows_widget.set_items(items, index)
            self.show_detail()

    def _owed(self) -> list[meetings.OwedDebrief]:
        wp = self.session.workplan
        return meetings.debriefs_owed(wp, self.session.today()) if wp else []

    def row(self, item: Meeting, width: int) -> Parts:
        now, today = self.session.now(), self.session.today()
        past = meetings.is_past(item, now)
        owed = sum(1 for d in self._owed() if d.meeting.id == item.id)
        day = dates.short_date(date.fromisoformat(item.day), today=today)
        when = f"{day} {item.time or ''}".rstrip()
        entries = meetings.attendance(item).values()
        if past:
            there = sum(1 for e in entries if e.status == "present")
            state = f"{there} of {len(entries)} there" if entries else "attendance not taken"
        else:
            state = "upcoming"
        style = "card--meta" if past else "card--soon"
        parts: Parts = [
            (f" {item.label:<4} ", "card--meta"),
            (pad(when, 17) + " ", style),
            (pad(item.title, max(8, width - 56)) + " ", "card--title"),
            (state, style),
        ]
        if owed:
            parts.append((f" · {owed} debrief{'s' if owed != 1 else ''} owed", "card--overdue"))
        wp = self.session.workplan
        if meetings.flags(item, wp.members if wp else (), now):
            parts.append((" · no facilitator", "card--blocked"))
        return parts

    def detail(self, item: Meeting) -> Content:
        wp = self.session.workplan
        assert wp is not None
        today = self.session.today()
        lines = [
            Content(f"{item.label} {clean(item.title)} · {meetings.when_text(item, today)}")
            if not item.place
            else Content(f"{item.label} {clean(item.title)} · {meetings.when_text(item, today)} · {clean(item.place)}"),
            Content(f"Facilitator: {clean(item.facilitator or 'none')} · alternate: {clean(item.alternate or 'none')}"),
        ]
        for flag in meetings.flags(item, wp.members, self.session.now()):
            lines.append(Content.styled(f"! {flag}", "$text-warning"))
        counts = _counts(item)
        agenda = f"{len(item.agenda)} agenda item{'s' if len(item.agenda) != 1 else ''}"
        decided = f"{len(item.decisions)} decision{'s' if len(item.decisions) != 1 else ''}"
        lines.append(Content(f"{agenda} · {counts or 'no attendance recorded'} · {decided}"))
        for owed in self._owed():
            if owed.meeting.id == item.id:
                lines.append(Content(owed.words(today)))
        lines.append(Content("enter: open · m: minutes"))
        return Content("\n").join(lines)

    def action_open(self) -> None:
        m = self.rows_widget.current
        if isinstance(m, Meeting):
            self.app.push_screen(MeetingScreen(m.id), lambda _: self.refresh_view())

    def action_new(self) -> None:
        wp = self.session.workplan
        today = self.session.today()
        fields = [
            Field("title", "Title", value="Partnership meeting", required=True),
            Field("day", "Day (tue, next tue, dec 15, 2026-12-15)", value="", required=True),
            Field("time", "Starts at (14:00, 2pm; empty for the day only)"),
            Field("duration", "Minutes", "number", meetings.DEFAULT_DURATION, True),
            Field("place", "Where"),
            Field("facilitator", "Facilitator", "choice", None, False, _members(wp)),
            Field("alternate", "Alternate", "choice", None, False, _members(wp)),
            Field(
                "agenda",
                "Agenda",
                "choice",
                True,
                True,
                [("pre-filled with what needs the partnership", True), ("empty", False)],
            ),
        ]

        def save(v: dict[str, Any]) -> Any:
            day = typed_day(v["day"], today)
            if day is None:
                raise RuleError("say which day")
            return actions.add_meeting(
                self.session.store,
                v["title"],
                day,
                time=v["time"] or None,
                duration=v["duration"],
                place=v["place"],
                facilitator=v["facilitator"],
                alternate=v["alternate"],
                agenda=bool(v["agenda"]),
            )

        self.form("New meeting", fields, save, made=lambda m: self.select(lambda item: item.id == m.id))

    def action_edit(self) -> None:
        m = self.rows_widget.current
        if isinstance(m, Meeting):
            edit_meeting(self, m)

    def action_minutes(self) -> None:
        m = self.rows_widget.current
        if isinstance(m, Meeting):
            self.app.write_minutes(m.id)

    def action_search(self) -> None:
        from workplan_tui.ui.modals import AskText, TextScreen

        def found(words: str | None) -> None:
            wp = self.session.workplan
            if words is None or wp is None:
                return
            lines = []
            for hit in meetings.decisions(wp, words):
                about = meetings.mentioned(wp, hit.decision.about)
                lines.append(f"{hit.meeting.label}.{hit.number} {hit.meeting.day}  {hit.decision.text}")
                if about:
                    lines.append(f"      about {about}")
            self.app.push_screen(TextScreen(f"Decisions with {words!r}", lines or ["None found."]))

        self.app.push_screen(AskText("Search the decisions of every meeting", what="words"), found)


def edit_meeting(screen: ListScreen, m: Meeting) -> None:
    """The meeting's form: title, day, time, length, place, facilitator, alternate, notes."""
    wp = screen.session.workplan
    today = screen.session.today()
    fields = [
        Field("title", "Title", value=m.title, required=True),
        Field("day", "Day (tue, dec 15, 2026-12-15)", value=m.day, required=True),
        Field("time", "Starts at (14:00, 2pm; empty for the day only)", value=m.time or ""),
        Field("duration", "Minutes", "number", m.duration, True),
        Field("place", "Where", value=m.place),
        Field("facilitator", "Facilitator", "choice", m.facilitator, False, _members(wp, keep=m.facilitator)),
        Field("alternate", "Alternate", "choice", m.alternate, False, _members(wp, keep=m.alternate)),
        Field("notes", "Notes", "area", m.notes),
    ]

    def save(v: dict[str, Any]) -> Any:
        day = typed_day(v["day"], today) or m.day
        changes = {
            "title": v["title"],
            "day": day,
            "time": v["time"] or None,
            "duration": v["duration"],
            "place": v["place"],
            "facilitator": v["facilitator"],
            "alternate": v["alternate"],
            "notes": v["notes"],
        }
        return actions.edit_meeting(screen.session.store, m.id, changes, expected_rev=m.rev)

    screen.form(f"Edit {m.label}", fields, save)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the meeting screen: a heading, an agenda item, a member's attendance, a
    decision, an action item or a note (``number`` counts agenda items and decisions from 1)."""

    kind: str
    number: int = 0
    handle: str = ""
    task_id: int = 0
    text: str = ""


class MeetingScreen(ListScreen):
    """One meeting: its agenda (``a`` adds, ``<`` and ``>`` move, ``x`` removes), every member's
    attendance (``p`` present, ``s`` apologies, ``A`` absent, ``r`` represented, ``x`` clears;
    ``b`` ticks off the debrief of one who missed it), its decisions (``d``) and action items
    (``t``: a task in a plan, linked to the meeting); ``e`` edits it, ``m`` writes its minutes."""

    KEYS = [
        Binding("a", "add_item", "Agenda item"),
        Binding("less_than_sign,ctrl+up", "move_item(-1)", "Move up", show=False),
        Binding("greater_than_sign,ctrl+down", "move_item(1)", "Move down", show=False),
        Binding("x,delete", "remove", "Remove", show=False),
        Binding("p", "attend('present')", "Present"),
        Binding("s", "apologies", "Apologies", show=False),
        Binding("A", "attend('absent')", "Absent", show=False),
        Binding("r", "represented", "Represented", show=False),
        Binding("b", "debrief", "Debriefed"),
        Binding("d", "decide", "Decision"),
        Binding("t", "action_item", "Action item"),
        Binding("e", "edit", "Edit", show=False),
        Binding("m", "minutes", "Minutes", show=False),
    ]
    BINDINGS = KEYS

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id

    @property
    def meeting(self) -> Meeting | None:
        wp = self.session.workplan
        return wp.meetings.get(self.meeting_id) if wp else None

    def title_text(self) -> str:
        m = self.meeting
        if m is None:
            return "Meeting removed"
        return f"{m.label} {clean(m.title)} · {meetings.when_text(m, self.session.today())}"

    def items(self) -> list[Any]:
        wp, m = self.session.workplan, self.meeting
        if wp is None or m is None:
            return []
        lines: list[Line] = [Line("heading", text=f"Agenda ({len(m.agenda)})")]
        lines += [Line("flag", text=flag) for flag in meetings.flags(m, wp.members, self.session.now())]
        lines += [Line("agenda", number=n) for n in range(1, len(m.agenda) + 1)]
        entries = meetings.attendance(m)
        lines.append(Line("heading", text=f"Attendance ({_counts(m) or 'not recorded yet'})"))
        handles = sorted(set(wp.members) | set(entries))
        lines += [Line("member", handle=h) for h in handles]
        lines.append(Line("heading", text=f"Decisions ({len(m.decisions)})"))
        lines += [Line("decision", number=n) for n in range(1, len(m.decisions) + 1)]
        tasks = meetings.action_items(wp, m.id)
        lines.append(Line("heading", text=f"Action items ({len(tasks)})"))
        lines += [Line("action", task_id=t.id) for t in tasks]
        if m.notes:
            lines.append(Line("heading", text="Notes (e edits them)"))
        return lines

    def key_of(self, item: Line) -> Hashable:
        return (item.kind, item.number, item.handle, item.task_id, item.text)

    def row(self, item: Line, width: int) -> Parts:
        wp, m = self.session.workplan, self.meeting
        if wp is None or m is None:
            return []
        today = self.session.today()
        if item.kind == "heading":
            return [(f" {item.text}", "card--title")]
        if item.kind == "flag":
            return [("   ! ", "card--blocked"), (fit(item.text, width - 6), "card--blocked")]
        if item.kind == "agenda" and item.number <= len(m.agenda):
            entry = m.agenda[item.number - 1]
            return [(f"  {item.number:>2}. ", "card--meta"), (fit(entry.text, width - 7), "")]
        if item.kind == "member":
            member = wp.members.get(item.handle)
            attended = meetings.attendance(m).get(item.handle)
            name = member.name if member else "(no longer a member)"
            words = meetings.attendance_words(attended, m, today, brief=width < 110) if attended else "-"
            style = _STATUS_STYLE.get(attended.status, "") if attended else "card--meta"
            if attended and meetings.missed(attended) and not attended.debriefed_by:
                style = "card--overdue" if (attended.debrief_due or "9999") < today.isoformat() else style
            return [
                (f"   {pad(item.handle, 10)} ", "card--title"),
                (pad(name, max(4, min(20, width - 50))) + " ", "card--meta"),
                (fit(words, max(4, width - 36)), style),
            ]
        if item.kind == "decision" and item.number <= len(m.decisions):
            d = m.decisions[item.number - 1]
            about = f" ({d.about})" if d.about else ""
            return [(f"  {item.number:>2}. ", "card--meta"), (fit(d.text + about, width - 7), "")]
        if item.kind == "action":
            t = wp.tasks.get(item.task_id)
            if t is None:
                return [("   (removed)", "card--meta")]
            due = dates.format_due(t.due, today=today, done=t.status == "done") if t.due else "no due date"
            return [
                (f"   {t.label:<6} ", "card--id"),
                (pad(t.title, max(6, width - 44)) + " ", "card--title"),
                (pad(t.owner or "unassigned", 10) + " ", "card--meta"),
                (fit(f"{t.status} · {due}", 24), "card--overdue" if due.endswith("overdue") else "card--meta"),
            ]
        return [(" ", "")]

    def detail(self, item: Line) -> Content:
        wp, m = self.session.workplan, self.meeting
        if wp is None or m is None:
            return Content("This meeting was removed (u undoes a removal of mine).")
        today = self.session.today()
        if item.kind == "agenda" and item.number <= len(m.agenda):
            entry = m.agenda[item.number - 1]
            about = meetings.mentioned(wp, entry.about)
            lines = [Content(clean(entry.text))]
            if about:
                lines.append(Content(f"About: {about}"))
            lines.append(Content("< > move it · x removes it · a adds an item"))
            return Content("\n").join(lines)
        if item.kind == "member":
            attended = meetings.attendance(m).get(item.handle)
            member = wp.members.get(item.handle)
            head = f"{clean(item.handle)}" + (f" ({clean(member.name)}, {clean(member.partner)})" if member else "")
            state = meetings.attendance_words(attended, m, today) if attended else "not recorded"
            keys = "p present · s apologies · A absent · r represented · x clears"
            if attended and meetings.missed(attended) and not attended.debriefed_by:
                keys += " · b: debriefed (by you)"
            return Content("\n").join([Content(f"{head}: {state}"), Content(keys)])
        if item.kind == "decision" and item.number <= len(m.decisions):
            d = m.decisions[item.number - 1]
            lines = [Content(clean(d.text, multiline=True))]
            about = meetings.mentioned(wp, d.about)
            if about:
                lines.append(Content(f"About: {about}"))
            if d.about and d.about.startswith("P"):
                votes = meetings.votes_on_the_day(wp, m, int(d.about[1:]))
                if votes:
                    cast = ", ".join(f"{clean(v.member)} {v.position}" for v in votes)
                    lines.append(Content(f"Votes cast that day: {cast}"))
            lines.append(Content(f"Recorded by {clean(d.by)} · x removes it"))
            return Content("\n").join(lines)
        if item.kind == "action":
            t = wp.tasks.get(item.task_id)
            if t is None:
                return Content("")
            plan = wp.plans.get(t.plan)
            return Content(
                f"{t.label} {clean(t.title)}\nPlan {clean(plan.label + ' ' + plan.title) if plan else '?'} · "
                f"{clean(t.owner or 'unassigned')} · {t.status} {t.progress}%"
            )
        if item.kind == "heading" and item.text.startswith("Notes") and m.notes:
            return Content(clean(m.notes, multiline=True))
        return Content(
            f"Facilitator: {clean(m.facilitator or 'none')} · alternate: {clean(m.alternate or 'none')}"
            + (f" · {clean(m.place)}" if m.place else "")
        )

    # --- actions ----------------------------------------------------------------------------

    def _line(self) -> Line | None:
        line = self.rows_widget.current
        return line if isinstance(line, Line) else None

    def _rev(self) -> int | None:
        m = self.meeting
        return m.rev if m else None

    def _need(self, kind: str, what: str) -> Line | None:
        line = self._line()
        if line is None or line.kind != kind:
            self.app.notify(f"Select {what} first.", severity="warning", markup=False)
            return None
        return line

    def action_add_item(self) -> None:
        line = self._line()
        at = line.number + 1 if line is not None and line.kind == "agenda" else None
        fields = [
            Field("text", "Item", required=True),
            Field("about", "About (a record's id: P3, O4, T12, N2, D1; optional)"),
        ]
        self.form(
            "Add to the agenda",
            fields,
            lambda v: actions.agenda_add(
                self.session.store, self.meeting_id, v["text"], about=v["about"] or None, at=at
            ),
        )

    def action_move_item(self, step: int) -> None:
        line = self._need("agenda", "an agenda item")
        m = self.meeting
        if line is None or m is None:
            return
        to = line.number + step
        if not 1 <= to <= len(m.agenda):
            return
        if self.session.change(
            lambda: actions.agenda_move(self.session.store, self.meeting_id, line.number, to, expected_rev=m.rev)
        ):
            self.refresh_view()
            self._select(Line("agenda", number=to))

    def _select(self, wanted: Line) -> None:
        items = self.items()
        key = self.key_of(wanted)
        index = next((i for i, item in enumerate(items) if self.key_of(item) == key), None)
        if index is not None:
            self.rows_widget.set_items(items, index)
            self.show_detail()

    def action_remove(self) -> None:
        line = self._line()
        rev = self._rev()
        store = self.session.store
        if line is not None and line.kind == "agenda":
            self.change(lambda: actions.agenda_remove(store, self.meeting_id, line.number, expected_rev=rev))
        elif line is not None and line.kind == "decision":
            self.change(lambda: actions.remove_decision(store, self.meeting_id, line.number, expected_rev=rev))
        elif line is not None and line.kind == "member":
            m = self.meeting
            if m is not None and line.handle in meetings.attendance(m):
                self.change(lambda: actions.unattend(store, self.meeting_id, line.handle, expected_rev=rev))
        else:
            self.app.notify("Select an agenda item, a decision or a member first.", severity="warning", markup=False)

    def action_attend(self, status: str) -> None:
        line = self._need("member", "a member")
        if line is not None:
            self.change(lambda: actions.attend(self.session.store, self.meeting_id, line.handle, status))

    def action_apologies(self) -> None:
        line = self._need("member", "a member")
        if line is None:
            return
        today = self.session.today()
        self.form(
            f"Apologies from {line.handle}",
            [Field("sent", "Sent when (now, yesterday 17:00, mon 9am, 2026-11-23)", value="now")],
            lambda v: actions.attend(
                self.session.store,
                self.meeting_id,
                line.handle,
                "apologies",
                sent=meetings.parse_sent(v["sent"], today),
            ),
        )

    def action_represented(self) -> None:
        line = self._need("member", "a member")
        if line is None:
            return
        wp = self.session.workplan
        choices = [(label, h) for label, h in _members(wp)[1:] if h != line.handle]
        self.form(
            f"{line.handle} represented by",
            [Field("proxy", "Represented by", "choice", None, True, choices)],
            lambda v: actions.attend(self.session.store, self.meeting_id, line.handle, "represented", proxy=v["proxy"]),
        )

    def action_debrief(self) -> None:
        line = self._need("member", "a member who missed the meeting")
        if line is not None:
            self.change(lambda: actions.debrief(self.session.store, self.meeting_id, line.handle))

    def action_decide(self) -> None:
        fields = [
            Field("text", "Decision", "area", "", True),
            Field("about", "About (a plan P3 or a norm N2; optional)"),
        ]
        self.form(
            "Record a decision",
            fields,
            lambda v: actions.decide(self.session.store, self.meeting_id, v["text"], about=v["about"] or None),
        )

    def action_action_item(self) -> None:
        wp = self.session.workplan
        if wp is None:
            return
        plans = [(f"{p.label} {p.title}", p.id) for p in wp.plans.values() if p.status not in CLOSED_PLAN_STATUSES]
        if not plans:
            self.app.notify("No plan is running to hold the action item.", severity="warning", markup=False)
            return
        today = self.session.today()
        fields = [
            Field("plan", "Plan", "choice", plans[0][1], True, plans),
            Field("title", "Action", required=True),
            Field("owner", "Owner", "choice", None, False, _members(wp, "unassigned")),
            Field("due", "Due (fri, in 2 weeks, dec 15)"),
        ]
        self.form(
            f"Action item of {self.meeting.label if self.meeting else ''}",
            fields,
            lambda v: actions.add_task(
                self.session.store,
                v["plan"],
                v["title"],
                owner=v["owner"],
                due=typed_day(v["due"] or "", today),
                meeting=self.meeting_id,
            ),
        )

    def action_edit(self) -> None:
        m = self.meeting
        if m is not None:
            edit_meeting(self, m)

    def action_minutes(self) -> None:
        self.app.write_minutes(self.meeting_id)
