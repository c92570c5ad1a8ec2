"""Exports: the whole partnership as JSON, one table as CSV, due dates as ICS (issue 13).

The CSV is read back with the csv module, the calendar with icalendar, the JSON against the
published contract.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import icalendar
import pytest
from jsonschema import Draft202012Validator

from tests.clock import iso_day
from tests.conftest import make_store
from workplan_tui.cli.outputs import COMMANDS, document
from workplan_tui.store import actions

FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "'quoted", " =cmd|' /C calc'!A0"]


def rows(payload: bytes) -> list[dict[str, str]]:
    assert payload.startswith("\ufeff".encode())  # the byte-order mark spreadsheet programs look for
    text = payload.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline="")))


def exported(run, *args: str) -> bytes:
    result = run("export", *args)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.fixture
def resourced(wp: Path) -> Path:
    store = make_store(wp)
    actions.set_currency(store, "USD")
    actions.add_grant(store, "PARKS", "FOOD", 30000, "1:1", "Cold storage")
    actions.pledge(store, "FOOD", ("volunteers", "crew", None, 100, 25, 1))
    actions.deliver(store, "FOOD", "1", "40h", on=iso_day(-3), note="=cmd")
    actions.checkin(store, 1, 5, "first")
    return wp


def test_json_is_the_whole_partnership_in_the_contract(run, resourced: Path, tmp_path: Path) -> None:
    data = json.loads(exported(run, "--format", "json"))
    schema = document()
    validator = Draft202012Validator({"$defs": schema["$defs"], **COMMANDS["export"]})
    assert not list(validator.iter_errors(data))
    assert [t["id"] for t in data["tasks"]] == ["T1", "T2", "T3"] and data["tasks"][1]["outcome"] == "O1"
    assert data["grants"][0]["id"] == "G1" and data["partners"][1]["contributions"][0]["grant"] == "G1"
    assert data["partnership"]["currency"] == "USD"
    assert data["activity"][0]["kind"] == "partnership.create" and data["activity"][-1]["id"].startswith("A")
    assert "activity" not in json.loads(exported(run, "--json", "--no-log"))
    out = tmp_path / "all.json"
    assert run("export", "--json", "-o", str(out)).stdout == f"Wrote the partnership to {out}\n"
    assert json.loads(out.read_text())["tasks"] == data["tasks"]


def test_csv_of_each_table_reads_back(run, resourced: Path) -> None:
    tasks = rows(exported(run, "--format", "csv", "--table", "tasks"))
    assert [t["id"] for t in tasks] == ["T1", "T2", "T3"]
    assert tasks[1]["outcome"] == "O1" and tasks[1]["outcome_name"] == "Beds built" and tasks[1]["plan"] == "P1"
    assert tasks[0]["due"] == iso_day(-8) and tasks[0]["progress"] == "0"
    assert rows(exported(run, "--format", "csv", "--table", "tasks", "--owner", "bob"))[0]["title"] == "Build beds"
    checkins = rows(exported(run, "--format", "csv", "--table", "checkins"))
    assert checkins == [
        {"outcome": "O1", "outcome_name": "Beds built", "value": "5", "by": "alice", "at": checkins[0]["at"],
         "note": "first", "confidence": ""}
    ]  # fmt: skip
    contributions = rows(exported(run, "--format", "csv", "--table", "contributions"))
    crew = contributions[-1]
    assert (crew["partner"], crew["hours"], crew["rate"], crew["value"], crew["delivered"], crew["grant"]) == (
        "FOOD",
        "100",
        "25",
        "2500",
        "1000",
        "G1",
    )
    deliveries = rows(exported(run, "--format", "csv", "--table", "deliveries"))
    assert deliveries[0]["hours"] == "40" and deliveries[0]["note"] == "'=cmd"
    grants = rows(exported(run, "--format", "csv", "--table", "grants"))
    assert grants[0]["required"] == "30000" and grants[0]["delivered"] == "1000"
    votes = rows(exported(run, "--format", "csv", "--table", "votes"))
    outcomes = rows(exported(run, "--format", "csv", "--table", "outcomes"))
    assert votes == [] and outcomes[0]["progress"] == "12.5"
    activity = rows(exported(run, "--format", "csv", "--table", "activity"))
    assert activity[0]["kind"] == "partnership.create" and json.loads(activity[-1]["changes"])


def test_csv_cells_never_become_formulas_and_keep_no_control_characters(run, wp: Path) -> None:
    store = make_store(wp)
    for number, text in enumerate(FORMULAS, 1):
        actions.add_task(store, 1, text, notes=f"line one\nline two\x1b[2J {number}")
    tasks = rows(exported(run, "--format", "csv", "--table", "tasks"))
    titles = [t["title"] for t in tasks[3:]]
    for title in titles:
        assert title.startswith("'") and title[1:] in [f.strip() for f in FORMULAS]  # shown as text, not run
    assert all("\x1b" not in t["notes"] and "line one\nline two" in t["notes"] for t in tasks[3:])
    assert all(not t["status"].startswith(("=", "+", "-", "@")) for t in tasks)


def test_csv_needs_a_table_and_formats_are_checked(run, wp: Path) -> None:
    assert "give --table" in run("export", "--format", "csv").stderr
    assert "--table goes with --format csv" in run("export", "--format", "json", "--table", "tasks").stderr
    assert run("export").exit_code == 2
    assert "no member 'zed'" in run("export", "--format", "ics", "--owner", "zed").stderr


def calendar(payload: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(payload).walk("VEVENT"))


def test_ics_has_due_dates_with_stable_uids(run, resourced: Path) -> None:
    first = exported(run, "--format", "ics")
    events = {str(e["UID"]): e for e in calendar(first)}
    uids = sorted(events)
    assert [u.split(".")[0] for u in uids] == ["O1", "T1", "T2"]  # T3 has no due date
    build = next(e for e in events.values() if str(e["SUMMARY"]).startswith("T2"))
    assert str(build["SUMMARY"]) == "T2 Build beds" and build.decoded("DTSTART").isoformat() == iso_day(+6)
    assert build.decoded("DTEND").isoformat() == iso_day(+7) and "Owner: bob" in str(build["DESCRIPTION"])
    # A change updates the event: same UID, a higher SEQUENCE, the new date.
    run("task", "due", "T2", iso_day(+13))
    run("task", "done", "T1")
    again = {str(e["UID"]): e for e in calendar(exported(run, "--format", "ics"))}
    assert sorted(again) == uids
    moved = next(e for e in again.values() if str(e["SUMMARY"]).startswith("T2"))
    assert moved.decoded("DTSTART").isoformat() == iso_day(+13) and int(moved["SEQUENCE"]) > int(build["SEQUENCE"])
    assert any(str(e["SUMMARY"]) == "T1 Order soil (done)" for e in again.values())


def test_ics_for_one_owner_and_hostile_text(run, wp: Path) -> None:
    store = make_store(wp)
    actions.edit_task(store, 2, {"title": "Beds\x1b]52;c;ZXZpbA==\x07, now; please"})
    mine = calendar(exported(run, "--format", "ics", "--owner", "bob"))
    assert len(mine) == 1 and str(mine[0]["SUMMARY"]).startswith("T2 Beds")
    assert "\x1b" not in str(mine[0]["SUMMARY"]) and ", now; please" in str(mine[0]["SUMMARY"])
    name = icalendar.Calendar.from_ical(exported(run, "--format", "ics", "--owner", "bob"))["X-WR-CALNAME"]
    assert str(name) == "Test Partnership: bob's tasks"


@pytest.mark.parametrize(
    ("command", "printed"),
    [
        (["report"], "meeting report"),
        (["export", "--format", "csv", "--table", "tasks"], "id,plan,title"),
        (["meeting", "minutes", "M1"], "# Minutes: M1 Next"),
    ],
)
def test_output_dash_prints_as_in_every_unix_tool(
    run, wp: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], printed: str
) -> None:
    """'-o -' is standard output: 'report -o -' wrote a file named '-'."""
    assert run("meeting", "add", "Next", "--on", "in 9 days", "--no-agenda").exit_code == 0
    monkeypatch.chdir(tmp_path)
    result = run(*command, "-o", "-")
    assert result.exit_code == 0, result.output
    assert printed in result.stdout_bytes.decode("utf-8-sig")
    assert not (tmp_path / "-").exists()
