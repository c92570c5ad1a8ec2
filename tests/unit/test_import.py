"""Importing a spreadsheet's work plan from CSV: headers, bad rows, re-import, round trip (issue 13)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests import clock
from tests.conftest import LOGIN, log_of, make_store
from workplan_tui.exchange.cells import text_cell, unquote
from workplan_tui.store import actions


def write(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def tasks(wp: Path) -> list[dict]:
    return list(json.loads(wp.read_text())["tasks"].values())


SHEET = [
    ["Task", "Lead", "Deadline", "% complete", "Status", "Comments", "Budget"],
    ["Order mulch", "Bob", "2026-12-24", "20%", "In progress", "two loads", "300"],
    ["Book the hall", "carol", "dec 31", "", "", "", ""],
    ["Order soil", "alice", "", "100", "done", "", ""],
]


def test_headers_are_matched_and_rows_added_or_updated(run, wp: Path, tmp_path: Path) -> None:
    sheet = write(tmp_path / "plan.csv", SHEET)
    result = run("import", str(sheet), "--plan", "P1", "--map", "deadline=due")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Imported" in text and "into P1: 2 added (T4-T5), 1 updated (T1: due, progress, status), 0 unchanged" in text
    assert "Columns read: Task → title, Lead → owner, Deadline → due, % complete → progress" in text
    assert "Ignored columns: Budget." in text
    mulch, hall = tasks(wp)[3:]
    assert (mulch["title"], mulch["owner"], mulch["due"], mulch["progress"], mulch["status"]) == (
        "Order mulch",
        "bob",  # by the member's name, any case
        "2026-12-24",
        20,
        "doing",
    )
    assert mulch["notes"] == "two loads" and hall["due"] == f"{clock.TODAY.year}-12-31" and hall["status"] == "todo"
    soil = tasks(wp)[0]
    assert soil["status"] == "done" and soil["progress"] == 100 and soil["due"] is None  # an empty cell clears
    kinds = [e["kind"] for e in log_of(wp)[-3:]]
    assert kinds == ["task.add", "task.add", "task.import"]


def test_importing_the_same_file_again_changes_nothing(run, wp: Path, tmp_path: Path) -> None:
    sheet = write(tmp_path / "plan.csv", SHEET)
    run("import", str(sheet), "--plan", "P1")
    before = wp.read_bytes()
    again = json.loads(run("import", str(sheet), "--plan", "P1", "--json").stdout)
    assert again["added"] == [] and again["updated"] == [] and len(again["unchanged"]) == 3
    assert wp.read_bytes() == before
    # A title changed in the sheet, with the id column, updates the same task.
    write(sheet, [["id", "title"], ["T4", "Order mulch, three loads"]])
    result = json.loads(run("import", str(sheet), "--plan", "P1", "--json").stdout)
    assert result["updated"] == [
        {"row": 2, "id": "T4", "changes": {"title": ["Order mulch", "Order mulch, three loads"]}}
    ]


def test_every_bad_row_is_listed_and_nothing_is_written(run, wp: Path, tmp_path: Path) -> None:
    sheet = write(
        tmp_path / "bad.csv",
        [
            ["title", "owner", "due", "progress", "status", "outcome"],
            ["Fine", "bob", "fri", "10", "", ""],
            ["", "bob", "", "", "", ""],
            ["Who", "zed", "next blursday", "", "", ""],
            ["Half", "", "12/15", "0.6", "maybe", "O9"],
            ["Odd", "", "", "100", "doing", ""],
            ["Stuck", "", "", "", "blocked", ""],
            ["Fine", "", "", "", "", ""],
        ],
    )
    before = wp.read_bytes()
    result = run("import", str(sheet), "--plan", "P1")
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == f"workplan: error: {sheet}: 6 rows cannot be imported; nothing was imported:"
    problems = lines[1:]
    expected = [
        "row 3, column 'title': the title is empty",
        "row 4, column 'owner': no member 'zed' (by handle or name)",
        "row 4, column 'due': cannot read 'next blursday' as a date",
        "row 5, column 'due': '12/15' is ambiguous",
        "row 5, column 'status': 'maybe' is not a status",
        "row 5, column 'progress': '0.6' is not a progress",
        "row 5, column 'outcome': no outcome 'O9' in P1",
        "row 6, column 'progress': progress 100% and status doing disagree",
        "row 7, column 'status': a blocked task needs a reason",
        "row 8, column 'title': row 2 adds a task with the same title",
    ]
    for want in expected:
        assert any(line.strip().startswith(want) for line in problems), (want, problems)
    assert wp.read_bytes() == before
    dry = run("import", str(sheet), "--plan", "P1", "--dry-run")
    assert dry.exit_code == 1 and wp.read_bytes() == before


def test_dry_run_says_what_would_change_and_writes_nothing(run, wp: Path, tmp_path: Path) -> None:
    sheet = write(tmp_path / "plan.csv", SHEET)
    before = wp.read_bytes()
    result = run("import", str(sheet), "--plan", "P1", "--dry-run")
    text = " ".join(result.stdout.split())
    assert (
        result.exit_code == 0 and "Dry run of" in text and "2 to add, 1 to update (T1: due, progress, status)" in text
    )
    assert "Nothing was written (--dry-run)." in result.stdout
    assert wp.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "the file is empty"),
        (b"Owner,Due\r\nbob,fri\r\n", "no column for the task's title (columns: 'Owner', 'Due')"),
        (b"Task,Title\r\nx,y\r\n", "columns 'Task' and 'Title' are both the title"),
    ],
)
def test_a_file_that_is_no_work_plan_is_one_line(run, wp: Path, tmp_path: Path, content: bytes, says: str) -> None:
    sheet = tmp_path / "x.csv"
    sheet.write_bytes(content)
    result = run("import", str(sheet), "--plan", "P1")
    assert result.exit_code == 1 and says in result.stderr and len(result.stderr.splitlines()) == 1


def test_map_names_columns_and_is_checked(run, wp: Path, tmp_path: Path) -> None:
    sheet = write(tmp_path / "x.csv", [["Thing", "Person"], ["Mow", "carol"]])
    assert "no column 'who'" in run("import", str(sheet), "--plan", "P1", "--map", "who=owner").stderr
    assert "HEADER=FIELD" in run("import", str(sheet), "--plan", "P1", "--map", "Thing=colour").stderr
    assert run("import", str(sheet), "--plan", "P1", "--map", "Thing=title,Person=owner").exit_code == 0
    assert tasks(wp)[-1]["owner"] == "carol"
    assert "no plan P9" in run("import", str(sheet), "--plan", "P9").stderr
    assert "No such file" in run("import", str(tmp_path / "none.csv"), "--plan", "P1").stderr


def test_spreadsheet_dialects_semicolons_windows_1252_and_quoted_formulas(run, wp: Path, tmp_path: Path) -> None:
    sheet = write(
        tmp_path / "excel.csv",
        [["Tâche", "Titre", "Responsable"], ["1", "Réunion à l'école", "bob"], ["2", "'=1+1", ""]],
        delimiter=";",
        encoding="cp1252",
    )
    result = run("import", str(sheet), "--plan", "P1", "--map", "titre=title,responsable=owner")
    assert result.exit_code == 0, result.output
    assert [t["title"] for t in tasks(wp)[-2:]] == ["Réunion à l'école", "=1+1"]


def test_cells_round_trip_through_the_formula_guard() -> None:
    for text in ["=1+1", "+x", "-5 tasks", "@home", " =cmd", "'quoted", "''", "plain", "it's", ""]:
        cell = text_cell(text)
        assert not cell.lstrip().startswith(("=", "+", "-", "@")) or cell.startswith("'")
        assert unquote(cell) == text


def test_round_trip_export_then_import_into_a_fresh_file(run, wp: Path, tmp_path: Path) -> None:
    store = make_store(wp)
    actions.set_status(store, 2, "blocked", "waiting for the permit")
    actions.add_task(store, 1, "-5 volunteers =short", owner="carol", notes="call them\nthen email")
    actions.set_progress(store, 3, "40")
    exported = tmp_path / "tasks.csv"
    assert run("export", "--format", "csv", "--table", "tasks", "-o", str(exported)).exit_code == 0
    fresh = tmp_path / "fresh.json"
    for args in (
        ["init", "--name", "Fresh"],
        ["partner", "add", "PARKS", "--name", "Parks"],
        ["member", "add", "alice", "--name", "Alice", "--partner", "PARKS", "--role", "lead", "--account", LOGIN],
        ["member", "add", "bob", "--name", "Bob", "--partner", "PARKS"],
        ["member", "add", "carol", "--name", "Carol", "--partner", "PARKS"],
        ["plan", "add", "Other"],
        ["plan", "add", "Gardens"],
        ["outcome", "add", "P2", "Beds built", "--target", "40"],
    ):
        assert run(*args, path=fresh).exit_code == 0
    first = run("import", str(exported), "--plan", "P2", path=fresh)
    assert first.exit_code == 0, first.output
    fields = ("title", "owner", "status", "progress", "due", "blocked_reason", "notes")
    assert [{k: t[k] for k in fields} for t in tasks(fresh)] == [{k: t[k] for k in fields} for t in tasks(wp)]
    assert tasks(fresh)[1]["outcome"] == 1 and tasks(fresh)[1]["plan"] == 2
    again = json.loads(run("import", str(exported), "--plan", "P2", "--json", path=fresh).stdout)
    assert again["added"] == [] and again["updated"] == [] and len(again["unchanged"]) == 4


def test_a_closed_plan_takes_no_new_tasks(run, wp: Path, tmp_path: Path) -> None:
    sheet = write(tmp_path / "x.csv", [["title"], ["New one"]])
    run("plan", "archive", "P1")
    result = run("import", str(sheet), "--plan", "P1")
    assert result.exit_code == 1 and "archived" in result.stderr and len(result.stderr.splitlines()) == 1
