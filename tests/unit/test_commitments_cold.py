"""Issue 26 tried cold: what a careless or hostile partner's hand edit of the file, or a new lead
reading the screens, found; each test failed before its fix. Real files, the CLI in-process
(``run``), dates relative to the pinned day (tests/clock.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.clock import iso_day
from workplan_tui.model import commitments


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def said(result: object) -> str:
    return " ".join(str(getattr(result, "output", result)).split())


def hand_edit(path: Path, code: str, number: int, **fields: object) -> None:
    """Set ``fields`` on pledge ``number`` of partner ``code`` in the file, as a text editor would."""
    data = json.loads(path.read_text())
    partner = next(p for p in data["partners"].values() if p["code"] == code)
    partner["contributions"][number - 1].update(fields)
    path.write_text(json.dumps(data, indent=1))


def test_instalments_past_the_calendars_end_fall_on_its_last_day() -> None:
    days = commitments.instalment_days("month", date(9999, 6, 30), 520)
    assert days[:2] == [date(9999, 6, 30), date(9999, 7, 30)] and days[-1] == date.max and len(days) == 520
    weekly = commitments.instalment_days("week", date(9999, 12, 1), 10)
    assert weekly[4] == date(9999, 12, 29) and weekly[5:] == [date.max] * 5


@pytest.mark.parametrize("every", ["week", "month", "quarter", "year"])
def test_a_hand_edited_schedule_running_past_the_year_9999_is_shown_not_a_traceback(run, wp: Path, every) -> None:
    hand_edit(wp, "PARKS", 1, schedule={"every": every, "start": "9999-06-30", "count": 520})
    for command in (
        ("status",),
        ("partner", "show", "PARKS"),
        ("partner", "show", "PARKS", "--json"),
        ("partner", "list"),
        ("followup", "list"),
        ("report",),
        ("export", "--format", "ics"),
        ("export", "--format", "csv", "--table", "contributions"),
    ):
        result = run(*command)
        assert result.exit_code == 0, (command, result.output)
    assert "520 " in said(run("partner", "show", "PARKS")) and "31 Dec 9999" in said(run("partner", "show", "PARKS"))
    assert iso_day(0)  # the pinned day, far from the end of the calendar
