"""Are we on track? tried cold (issue 25): a new lead's first file and a careless partner's
hand edits, through the command line as a real user meets it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.clock import iso_day
from tests.conftest import make_store
from workplan_tui.store import actions


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def test_a_met_outcome_due_later_is_not_said_to_have_been_due(run, wp: Path) -> None:
    """'was due 28 Feb 2027' on 2 Nov 2026: a goal met early is still due then, not 'was'."""
    actions.checkin(make_store(wp), 1, 40)  # O1: 40 beds, due in 33 days
    for args in (("outcome", "show", "O1"), ("outcome", "list"), ("plan", "show", "P1"), ("report",)):
        out = ok(run(*args))
        assert "was due" not in out, (args, out)
    actions.edit_outcome(make_store(wp), 1, {"due": iso_day(-3)})
    assert "was due" in ok(run("outcome", "show", "O1"))  # met after its due day: it was due then


def test_status_does_not_say_all_clear_under_an_outcome_off_track(run, wp: Path) -> None:
    """'Needs attention: nothing. All clear.' closed a status that opened with 'Off track'."""
    store = make_store(wp)
    actions.remove_task(store, 1)  # the one overdue task: no task needs attention now
    actions.edit_outcome(store, 1, {"start": iso_day(-40)})
    actions.checkin(store, 1, 2)  # 2 of 40 beds with 33 days left: off track
    out = ok(run("status"))
    assert "Off track / at risk" in out and "O1 Beds built" in out
    assert "All clear" not in out and "Needs attention: no task is overdue, blocked or stale." in out
    actions.checkin(store, 1, 40)  # met: nothing is off track or needs attention
    assert "All clear" in ok(run("status"))


def test_check_reports_dates_a_hand_edit_left_that_no_command_writes(run, wp: Path) -> None:
    """A plan ending before it starts, an outcome or task starting after its due day, a check-in
    dated in the future or recorded out of time order: every command refuses or never writes
    them, the forecast reads them as they are, and 'check' said 'sound'."""
    assert json.loads(ok(run("check", "--json")))["doubts"] == []
    data = json.loads(wp.read_text())
    data["plans"]["1"].update(start=iso_day(30), end=iso_day(-5))
    data["outcomes"]["1"].update(start=iso_day(60))  # due in 33 days
    data["tasks"]["2"].update(start=iso_day(20))  # due in 6 days
    data["outcomes"]["1"]["checkins"] = [
        {"value": 9, "by": "alice", "at": f"{iso_day(-7)}T10:00:00Z"},
        {"value": 5, "by": "bob", "at": f"{iso_day(-14)}T10:00:00Z"},
        {"value": 30, "by": "bob", "at": f"{iso_day(40)}T10:00:00Z"},
    ]
    wp.write_text(json.dumps(data))
    before = wp.read_bytes()
    result = run("check")
    assert result.exit_code == 0 and "Traceback" not in result.output  # still sound: it opens, it reads
    out = result.output
    assert f"P1 ends on {iso_day(-5)}, before it starts on {iso_day(30)}" in out
    assert f"O1 starts on {iso_day(60)}, after its due day, {iso_day(33)}" in out
    assert f"T2 starts on {iso_day(20)}, after its due day, {iso_day(6)}" in out
    assert f"O1 check-in 2 ({iso_day(-14)}) is recorded after a later one" in out
    assert f"O1 check-in 3 is dated {iso_day(40)}, in the future" in out
    assert "sound, but 5 things look wrong (above)" in out
    doubts = json.loads(ok(run("check", "--json")))["doubts"]
    assert len(doubts) == 5 and all(isinstance(d, str) for d in doubts)
    assert wp.read_bytes() == before  # check changes nothing


def test_the_demo_history_gives_the_dates_the_records_have(tmp_path: Path) -> None:
    """The demo moved every record's dates to today but not the log's: O7's history said it
    was added due 2026-12-06 while it was due 2027-01-11, 36 days later."""
    from tests.conftest import FIXED_NOW, log_of
    from workplan_tui.store.sample import write_demo

    demo = write_demo(tmp_path / "demo.json", today=FIXED_NOW.date(), user="alice")
    data = json.loads(demo.read_text())
    last: dict[tuple[str, str], object] = {}
    for entry in log_of(demo):
        for field, pair in (entry.get("changes") or {}).items():
            if field in ("due", "start", "end") and isinstance(pair, list) and len(pair) == 2:
                last[(entry["record"], field)] = pair[1]
    tables = {"P": "plans", "O": "outcomes", "T": "tasks", "G": "grants", "D": "milestones"}  # (a grant: its period)
    checked = 0
    for (record, field), value in last.items():
        stored = data[tables[record[0]]].get(record[1:])
        if stored is not None:
            assert stored.get(field) == value, (record, field, stored.get(field), value)
            checked += 1
    assert checked > 20


def test_a_year_typed_wrong_is_refused_not_taken(run, wp: Path) -> None:
    """'--start 2999-01-01' made a plan 'from Tue 1 Jan 2999' and '--due 0001-01-01' an outcome
    '739921 days overdue': a typo in the year, taken without a word."""
    from datetime import date

    from workplan_tui.model import dates

    before = wp.read_bytes()
    for args in (
        ("plan", "add", "Far", "--start", "2999-01-01"),
        ("plan", "edit", "P1", "--end", "2999-12-31"),
        ("outcome", "add", "P1", "Old", "--target", "5", "--due", "0001-01-01"),
        ("outcome", "edit", "O1", "--start", "1900-01-01"),
        ("task", "add", "P1", "Far task", "--due", "2299-12-15"),
    ):
        result = run(*args)
        assert result.exit_code == 1 and result.stderr.count("\n") == 1, (args, result.output)
        assert "within 50 years of today" in result.stderr and "Traceback" not in result.output
        assert wp.read_bytes() == before
    today = date(2026, 11, 28)
    assert dates.parse_date("2076-11-28", today=today).isoformat() == "2076-11-28"  # 50 years: taken
    assert dates.parse_date("in 52 weeks", today=today).year == 2027
