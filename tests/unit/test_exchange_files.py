"""Files that come from and go to other programs (issue 31): the report's links, calendars,
spreadsheets' encodings."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import make_store
from workplan_tui.store import actions

Run = Callable[..., Result]

FORM = "https://example.org/forms/a_b*c?id=3&plan=P1"
WIKI = "https://en.wikipedia.org/wiki/Raised-bed_gardening_(UK)"


def _links(html: str) -> set[str]:
    return {m.replace("&amp;", "&") for m in re.findall(r'<a href="([^"]*)"', html)}


def test_a_web_address_stays_a_working_link_in_the_report(run: Run, wp: Path) -> None:
    from markdown_it import MarkdownIt

    cmarkgfm = pytest.importorskip("cmarkgfm")  # GitHub's own parser (the test extra has it)
    store = make_store(wp)
    actions.edit_task(store, 1, {"title": f"Fill in {FORM}."})  # overdue: in "Needs attention"
    actions.set_status(store, 2, "blocked", f"see the permit rules ({WIKI}), then call | the county")
    actions.edit_plan(store, 1, title="Gardens, https://example.org/p|lan")
    report = run("report").output
    assert "\\" not in "".join(re.findall(r"<https?://[^>]*>", report))  # no escapes inside an address
    commonmark = MarkdownIt("commonmark").enable("table").render(report)
    gfm = cmarkgfm.github_flavored_markdown_to_html(report)
    for html in (commonmark, gfm):
        links = _links(html)
        assert FORM in links and WIKI in links, links
        assert "https://example.org/p%7Clan" in links  # a | in an address is %7C: the table holds
        assert "javascript:" not in html
    blocked = next(line for line in report.splitlines() if line.startswith("| T2"))
    assert blocked.count(" | ") == 2  # the pipe in the reason did not split its cell


def _events(payload: bytes) -> dict[str, object]:
    import icalendar

    return {str(e["UID"]).split(".")[0]: e for e in icalendar.Calendar.from_ical(payload).walk("VEVENT")}


def _pledge_keys(wp: Path, code: str) -> list[str]:
    """What names each of partner ``code``'s pledges in the calendar's UIDs, in order."""
    from workplan_tui.exchange.ics import pledge_keys

    return pledge_keys(code, make_store(wp).read().partners[code].contributions)


def test_a_pledge_keeps_its_uid_when_one_before_it_is_removed(run: Run, wp: Path) -> None:
    """A pledge's UID was its number in the partner's list (FOOD-2-1): removing FOOD #1 made the
    rent FOOD-1-1, so calendars moved the removed pledge's event to the rent's day and cancelled
    the rent's. Now each keeps its own UID; the removed one is cancelled, as anything gone is."""
    from tests.clock import iso_day

    assert run("partner", "pledge", "FOOD", "cash", "Late", "$2,000", "--due", iso_day(10)).exit_code == 0
    assert run("partner", "pledge", "FOOD", "cash", "Rent", "$4,000", "--due", iso_day(20)).exit_code == 0
    before = {
        str(e["SUMMARY"]).split(":")[-1].strip(): e
        for e in _events(run("export", "--format", "ics").stdout_bytes).values()
    }
    late, rent = before["Late"], before["Rent"]
    assert str(late["UID"]) != str(rent["UID"])
    edited = run("partner", "edit", "FOOD", "--contribution", f"cash:Rent:$4,000:by {iso_day(20)}")
    assert edited.exit_code == 0, edited.output
    assert [c.description for c in make_store(wp).read().partners["FOOD"].contributions] == ["Rent"]
    after = {str(e["UID"]): e for e in _events(run("export", "--format", "ics").stdout_bytes).values()}
    kept = after[str(rent["UID"])]  # the same UID: the calendar's event is updated, not replaced
    assert "STATUS" not in kept and kept.decoded("DTSTART").isoformat() == iso_day(20)
    assert str(kept["SUMMARY"]).startswith("FOOD #1 due") and str(kept["SUMMARY"]).endswith(": Rent")
    gone = after[str(late["UID"])]
    assert str(gone["STATUS"]) == "CANCELLED" and gone.decoded("DTSTART").isoformat() == iso_day(10)
    assert int(gone["SEQUENCE"]) > int(late["SEQUENCE"])
    assert len(after) == len(before)  # the rent once, the late one cancelled: no copy, no other
    assert run("partner", "pledge", "FOOD", "cash", "Late", "$2,000", "--due", iso_day(10)).exit_code == 0
    again = {str(e["UID"]): e for e in _events(run("export", "--format", "ics").stdout_bytes).values()}
    assert "STATUS" not in again[str(rent["UID"])] and "STATUS" not in again[str(late["UID"])]  # added back: the same


def test_pledges_of_the_same_kind_and_words_have_uids_of_their_own() -> None:
    from workplan_tui.exchange.ics import pledge_keys
    from workplan_tui.model.records import Contribution

    crew, cash = Contribution("volunteers", "Crew"), Contribution("cash", "Crew")
    keys = pledge_keys("FOOD", [crew, cash, Contribution("volunteers", " crew "), crew])
    assert len(set(keys)) == 4 and all(k.startswith("FOOD-") for k in keys)
    assert keys[0].startswith("FOOD-volunteers-") and keys[1].startswith("FOOD-cash-")
    assert pledge_keys("FOOD", [cash, crew]) == [keys[1], keys[0]]  # by what it is, not where it is
    assert pledge_keys("FOOD", [Contribution("volunteers", "CREW")]) == keys[:1]  # as an edit knows it


def test_a_calendar_with_nothing_in_it_is_refused_in_one_line(run: Run, wp: Path, tmp_path: Path) -> None:
    store = make_store(wp)
    for task_id in (1, 2):
        actions.set_due(store, task_id, None)
    actions.edit_outcome(store, 1, {"due": None})
    # the log says they had dates: cancelled events make a calendar of them
    assert run("export", "--format", "ics").exit_code == 0
    fresh = tmp_path / "fresh.json"
    assert run("init", path=fresh).exit_code == 0
    out = tmp_path / "empty.ics"
    refused = run("export", "--format", "ics", "-o", str(out), path=fresh)
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        "workplan: error: nothing to put in a calendar: no task, outcome, milestone, meeting or pledge has a due date;"
        " nothing written"
    )
    assert not out.exists()
    mine = run("export", "--format", "ics", "--owner", "carol")
    assert mine.exit_code == 1 and "none of carol's tasks has a due date" in mine.stderr


def test_events_of_tasks_gone_since_are_cancelled_for_calendars_that_imported_them(run: Run, wp: Path) -> None:
    before = _events(run("export", "--format", "ics").stdout_bytes)
    bobs = _events(run("export", "--format", "ics", "--owner", "bob").stdout_bytes)
    assert set(before) == {"O1", "T1", "T2"} and set(bobs) == {"T2"}
    assert run("task", "rm", "T1").exit_code == 0
    assert run("task", "due", "T2", "none").exit_code == 0
    after = _events(run("export", "--format", "ics").stdout_bytes)
    for label in ("T1", "T2"):
        event = after[label]
        assert str(event["STATUS"]) == "CANCELLED", label
        assert str(event["UID"]) == str(before[label]["UID"])  # the same event, for the calendar
        assert int(event["SEQUENCE"]) > int(before[label]["SEQUENCE"])
        assert event.decoded("DTSTART") == before[label].decoded("DTSTART")
    assert "STATUS" not in after["O1"]
    # one member's calendar: a task given to someone else leaves it
    assert run("undo").exit_code == 0  # T2 due again
    assert run("task", "assign", "T2", "carol").exit_code == 0
    bobs_now = _events(run("export", "--format", "ics", "--owner", "bob").stdout_bytes)
    assert str(bobs_now["T2"]["STATUS"]) == "CANCELLED"
    assert int(bobs_now["T2"]["SEQUENCE"]) > int(bobs["T2"]["SEQUENCE"])
    assert "STATUS" not in _events(run("export", "--format", "ics", "--owner", "carol").stdout_bytes)["T2"]
    # an archived plan's events are cancelled; reopened, they come back, newer still
    assert run("plan", "archive", "P1").exit_code == 0
    archived = _events(run("export", "--format", "ics").stdout_bytes)
    assert str(archived["T2"]["STATUS"]) == "CANCELLED" and str(archived["O1"]["STATUS"]) == "CANCELLED"
    assert run("plan", "reopen", "P1").exit_code == 0
    back = _events(run("export", "--format", "ics").stdout_bytes)
    assert "STATUS" not in back["T2"] and int(back["T2"]["SEQUENCE"]) > int(archived["T2"]["SEQUENCE"])


def test_a_milestone_gone_since_is_cancelled_as_a_task_is(run: Run, wp: Path) -> None:
    """Issue 29's milestones are events too: removed, undated or archived, they are cancelled."""
    assert run("milestone", "add", "P1", "Beds ready", "--due", "+9d", "--task", "T1").exit_code == 0
    before = _events(run("export", "--format", "ics").stdout_bytes)
    assert "STATUS" not in before["D1"]
    assert run("milestone", "edit", "D1", "--due", "+10d").exit_code == 0
    moved = _events(run("export", "--format", "ics").stdout_bytes)
    assert int(moved["D1"]["SEQUENCE"]) > int(before["D1"]["SEQUENCE"])  # the calendar takes the new day
    assert run("milestone", "rm", "D1").exit_code == 0
    after = _events(run("export", "--format", "ics").stdout_bytes)
    assert str(after["D1"]["STATUS"]) == "CANCELLED" and str(after["D1"]["UID"]) == str(before["D1"]["UID"])
    assert int(after["D1"]["SEQUENCE"]) > int(moved["D1"]["SEQUENCE"])
    assert run("undo").exit_code == 0  # back, then its plan archived
    assert "STATUS" not in _events(run("export", "--format", "ics").stdout_bytes)["D1"]
    assert run("plan", "archive", "P1").exit_code == 0
    assert str(_events(run("export", "--format", "ics").stdout_bytes)["D1"]["STATUS"]) == "CANCELLED"


TITLES = ["Café du coin", "Élagage des haies", "Crème brûlée pour la fête", "Niño’s garden"]


def _sheet(titles: list[str], separator: str = ",") -> str:
    return "\r\n".join([f"Task{separator}Lead", *(f"{t}{separator}bob" for t in titles)]) + "\r\n"


@pytest.mark.parametrize(
    ("what", "payload", "read_as"),
    [
        ("UTF-8 with Excel's byte-order mark", "\ufeff" + _sheet(TITLES), "utf-8"),
        ("UTF-8 without it", _sheet(TITLES), "utf-8"),
        ("Excel's Unicode Text (UTF-16, tabs)", _sheet(TITLES, "\t"), "utf-16"),
        ("Excel for Mac's CSV (Mac Roman, CR line ends)", _sheet(TITLES).replace("\r\n", "\r"), "mac-roman"),
        ("Mac Roman with CRLF", _sheet(TITLES), "mac-roman"),
        ("Windows-1252", _sheet(TITLES), "cp1252"),
        ("Excel's sep=; line first", "sep=;\r\n" + _sheet(TITLES, ";"), "utf-8"),
    ],
)
def test_csv_import_reads_the_encodings_spreadsheets_write(
    run: Run, wp: Path, tmp_path: Path, what: str, payload: str, read_as: str
) -> None:
    codec = {"utf-8": "utf-8", "utf-16": "utf-16", "cp1252": "cp1252", "mac-roman": "mac_roman"}[read_as]
    sheet = tmp_path / "plan.csv"
    sheet.write_bytes(payload.encode(codec))
    dry = run("import", str(sheet), "--plan", "P1", "--dry-run")
    assert dry.exit_code == 0, (what, dry.output)
    assert "'Café du coin', 'Élagage des haies', 'Crème brûlée pour la fête'" in " ".join(dry.output.split())
    result = run("import", str(sheet), "--plan", "P1", "--json")
    assert result.exit_code == 0, (what, result.output)
    import json

    shown = json.loads(result.output)
    assert shown["encoding"] == read_as and shown["sample"] == TITLES[:3]
    titles = [t["title"] for t in json.loads(run("task", "list", "--json").output)]
    assert titles[-4:] == TITLES, what  # never mojibake
    assert [a["row"] for a in shown["added"]] == [2, 3, 4, 5]  # the header is row 1, sep=; or not


def test_an_encoding_that_cannot_be_told_is_refused_naming_the_choices(run: Run, wp: Path, tmp_path: Path) -> None:
    before = wp.read_bytes()
    sheet = tmp_path / "plan.csv"
    sheet.write_bytes("Task,Lead\r\nBudget § 2,bob\r\n".encode("cp1252"))
    refused = run("import", str(sheet), "--plan", "P1")
    assert refused.exit_code == 1
    line = refused.stderr.strip()
    assert "\n" not in line and "cannot tell which encoding" in line
    assert "--encoding utf-8 or utf-16 or cp1252 or mac-roman" in line
    assert wp.read_bytes() == before
    ok = run("import", str(sheet), "--plan", "P1", "--encoding", "Windows-1252")
    assert ok.exit_code == 0, ok.output
    assert "Budget § 2" in run("task", "list").output
    wrong = run("import", str(sheet), "--plan", "P1", "--encoding", "utf-8")
    assert wrong.exit_code == 1 and "not UTF-8" in wrong.stderr and "cp1252" in wrong.stderr
    unknown = run("import", str(sheet), "--plan", "P1", "--encoding", "ebcdic")
    assert unknown.exit_code == 1 and "'ebcdic' is not one of utf-8, utf-16, cp1252, mac-roman" in unknown.stderr


def test_every_kind_of_event_gone_since_is_cancelled_by_one_rule(run: Run, wp: Path) -> None:
    """Issue 26's cold trial: only tasks, outcomes and milestones were cancelled. A pledge's due
    day and its instalments, a follow-up's agreed date, a grant's match deadline and a meeting,
    once gone (removed, undated, fewer instalments), are cancelled too: the same UID, a higher
    SEQUENCE, on the day the calendar has them."""
    from tests.clock import iso_day

    assert run("partner", "pledge", "FOOD", "cash", "Late", "$2,000", "--due", iso_day(-10)).exit_code == 0
    assert run("partner", "pledge", "FOOD", "cash", "Rent", "$4,000").exit_code == 0
    schedule = run("partner", "schedule", "FOOD", "2", f"4 monthly from {iso_day(+3)}")
    assert schedule.exit_code == 0, schedule.output
    assert run("grant", "add", "PARKS", "FOOD", "$10,000", "--match", "1:1", "--end", iso_day(+60)).exit_code == 0
    assert run("meeting", "add", "Partners", "--on", iso_day(+4), "--at", "2pm").exit_code == 0
    assert run("meeting", "add", "Boxes", "--on", iso_day(+11)).exit_code == 0
    agreed = run("followup", "add", "FOOD#1", "--with", "bob", "--new-date", iso_day(+10))
    assert agreed.exit_code == 0, agreed.output
    late, rent = _pledge_keys(wp, "FOOD")
    kinds = (f"{late}-1", f"{late}-agreed", f"{rent}-1", f"{rent}-3", f"{rent}-4", "G1-match", "M1", "M2")
    before = _events(run("export", "--format", "ics").stdout_bytes)
    assert set(kinds) <= set(before) and not any("STATUS" in before[uid] for uid in kinds)
    assert run("undo").exit_code == 0  # the follow-up: its agreed date goes
    assert run("partner", "schedule", "FOOD", "1", "none").exit_code == 0
    assert run("partner", "schedule", "FOOD", "2", f"2 monthly from {iso_day(+3)}").exit_code == 0
    assert run("grant", "edit", "G1", "--end", "none").exit_code == 0
    assert run("meeting", "rm", "M1").exit_code == 0
    assert run("meeting", "edit", "M2", "--title", "Winter boxes").exit_code == 0
    after = _events(run("export", "--format", "ics").stdout_bytes)
    for uid in (f"{late}-1", f"{late}-agreed", f"{rent}-3", f"{rent}-4", "G1-match", "M1"):
        event = after[uid]
        assert str(event["STATUS"]) == "CANCELLED", uid
        assert str(event["UID"]) == str(before[uid]["UID"])
        assert int(event["SEQUENCE"]) > int(before[uid]["SEQUENCE"]), uid
        was = before[uid].decoded("DTSTART")
        assert event.decoded("DTSTART") == (was.date() if uid == "M1" else was), uid  # M1 was at 2pm: its day
    for uid in (f"{rent}-1", f"{rent}-2", "M2", "T1", "O1"):
        assert "STATUS" not in after[uid], uid
    assert int(after["M2"]["SEQUENCE"]) > int(before["M2"]["SEQUENCE"])
    assert run("grant", "rm", "G1").exit_code == 0  # gone after its deadline went: cancelled still, newer
    gone = _events(run("export", "--format", "ics").stdout_bytes)["G1-match"]
    assert str(gone["STATUS"]) == "CANCELLED" and int(gone["SEQUENCE"]) > int(after["G1-match"]["SEQUENCE"])
    assert run("undo").exit_code == 0  # the grant back; its end again: in the calendar again, newer
    assert run("grant", "edit", "G1", "--end", iso_day(+60)).exit_code == 0
    assert "STATUS" not in _events(run("export", "--format", "ics").stdout_bytes)["G1-match"]
