"""Words people type (issue 31): date words, handles in any case, several ids at once,
progress with a percent sign, and confirmations that fit the terminal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest
from click.testing import Result

from tests.clock import day, iso_day
from tests.conftest import log_of
from workplan_tui.model.dates import EXAMPLES, DateError, parse_date

SAT = pendulum.date(2026, 11, 28)  # a Saturday

Run = Callable[..., Result]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in a fortnight", "2026-12-12"),
        ("a fortnight", "2026-12-12"),
        ("in 2 fortnights", "2026-12-26"),
        ("tmrw", "2026-11-29"),
        ("tmr", "2026-11-29"),
        ("2w", "2026-12-12"),
        ("3d", "2026-12-01"),
        ("1m", "2026-12-28"),
        ("in a week", "2026-12-05"),
        ("in an month", "2026-12-28"),
        ("eod", "2026-11-28"),
        ("end of day", "2026-11-28"),
        ("EOD", "2026-11-28"),
        ("yesterday", "2026-11-27"),  # a plan that ended, a pledge that came late
        ("3 days ago", "2026-11-25"),
        ("-2w", "2026-11-14"),
    ],
)
def test_more_date_words(text: str, expected: str) -> None:
    assert parse_date(text, today=SAT).isoformat() == expected


@pytest.mark.parametrize("text", ["2", "a", "ad", "in 2", "a  x", "2 parsecs"])
def test_a_count_without_a_unit_is_still_refused(text: str) -> None:
    with pytest.raises(DateError):
        parse_date(text, today=SAT)


def test_the_refusal_names_the_new_forms() -> None:
    with pytest.raises(DateError) as refused:
        parse_date("next blursday", today=SAT)
    for form in ("tmrw", "fortnight", "eod", "5d"):
        assert form in str(refused.value)
    for example in EXAMPLES.split(", "):
        parse_date(example, today=SAT)  # every example the board offers is read


def test_a_plan_can_end_yesterday(run: Run, wp: Path) -> None:
    """A lead closes a plan that ended, or records a due date that has passed, as they say it."""
    result = run("plan", "edit", "P1", "--end", "yesterday")
    assert result.exit_code == 0, result.output
    assert json.loads(run("plan", "show", "P1", "--json").output)["end"] == iso_day(-1)
    assert run("task", "due", "T3", "2 days ago").exit_code == 0
    assert json.loads(run("task", "show", "T3", "--json").output)["due"] == iso_day(-2)


def test_the_cli_takes_them(run: Run, wp: Path) -> None:
    for word in ("in a fortnight", "tmrw", "2w", "eod"):
        result = run("task", "due", "T3", word)
        assert result.exit_code == 0, result.output
    assert json.loads(run("task", "show", "T3", "--json").output)["due"] == iso_day(0)  # eod: today


def test_progress_with_a_percent_sign(run: Run, wp: Path) -> None:
    for typed, expected in (("50%", 50), ("+5%", 55), ("-5 %", 50), ("60.0%", 60), ("70 percent", 70)):
        result = run("task", "progress", "T2", typed)
        assert result.exit_code == 0, result.output
        assert f"{expected}%" in result.output
    assert log_of(wp)[-1]["changes"]["progress"] == [60, 70]


def test_handles_are_read_in_any_case_everywhere(run: Run, wp: Path) -> None:
    assert run("task", "add", "P1", "Call the county", "--owner", "Bob").exit_code == 0
    assert run("task", "assign", "T1", "CAROL").exit_code == 0
    assert run("task", "edit", "T3", "--owner", "Alice").exit_code == 0
    tasks = {t["id"]: t["owner"] for t in json.loads(run("task", "list", "--json").output)}
    assert tasks == {"T1": "carol", "T2": "bob", "T3": "alice", "T4": "bob"}
    listed = json.loads(run("task", "list", "--owner", "BOB", "--json").output)
    assert [t["id"] for t in listed] == ["T2", "T4"]
    assert b"T2" in run("export", "--format", "ics", "--owner", "Bob").stdout_bytes
    # WORKPLAN_USER=Bob acts as bob, and the log says bob
    assert run("task", "note", "T2", "On it", user="Bob").exit_code == 0
    assert log_of(wp)[-1]["member"] == "bob"
    assert "On it" in run("log", "--member", "BOB").output


def test_a_handle_nobody_has_is_refused_with_the_ones_meant(run: Run, wp: Path) -> None:
    before = wp.read_bytes()
    for args in (("task", "assign", "T1", "bbo"), ("task", "list", "--owner", "bbo"), ("member", "rm", "bbo")):
        result = run(*args)
        assert result.exit_code == 1
        assert "no member 'bbo' (did you mean bob?)" in result.output, result.output
    refused = run("task", "note", "T2", "x", user="bbo")
    assert refused.exit_code == 1 and "did you mean bob?" in refused.output
    assert wp.read_bytes() == before


def test_a_handle_differing_only_in_case_is_not_added(run: Run, wp: Path) -> None:
    result = run("member", "add", "Bob", "--name", "Another Bob", "--partner", "FOOD")
    assert result.exit_code == 1
    assert "member bob already exists" in result.output


def test_several_ids_in_one_command(run: Run, wp: Path) -> None:
    done = run("task", "done", "T1", "t2")
    assert done.exit_code == 0, done.output
    assert "T1 Order soil: done" in done.output and "T2 Build beds: done" in done.output
    entries = log_of(wp)
    assert [e["record"] for e in entries[-2:]] == ["T1", "T2"]
    assert entries[-1]["at"] == entries[-2]["at"]  # one write
    moved = json.loads(run("task", "progress", "T1", "T2", "T3", "50%", "--json").output)
    assert [(t["id"], t["progress"]) for t in moved] == [("T1", 50), ("T2", 50), ("T3", 50)]
    one = json.loads(run("task", "assign", "T3", "bob", "--json").output)
    assert one["id"] == "T3"  # one id: the record, as before
    assert run("task", "assign", "T1", "T2", "carol").exit_code == 0
    assert run("task", "due", "T1", "T2", "tmrw").exit_code == 0
    assert run("task", "note", "T1", "T2", "Called").exit_code == 0
    assert run("task", "status", "T1", "T2", "blocked", "--reason", "rain").exit_code == 0
    tasks = {t["id"]: t for t in json.loads(run("task", "list", "--json").output)}
    assert {tasks[i]["owner"] for i in ("T1", "T2")} == {"carol"}
    assert {tasks[i]["status"] for i in ("T1", "T2")} == {"blocked"}
    assert run("norm", "add", "We reply within two days.").exit_code == 0
    assert run("norm", "add", "We share the minutes.").exit_code == 0
    assert "agrees to N2" in run("norm", "agree", "N1", "N2").output
    assert run("task", "rm", "T1", "T2").exit_code == 0
    assert [t["id"] for t in json.loads(run("task", "list", "--json").output)] == ["T3"]


def test_several_recurring_tasks_skipped_at_once(run: Run, wp: Path) -> None:
    for task in ("T1", "T2"):
        assert run("task", "edit", task, "--every", "week").exit_code == 0
    before = wp.read_bytes()
    refused = run("task", "skip", "T1", "T3")  # T3 does not repeat: neither moves
    assert refused.exit_code == 1 and "nothing changed (T1, T3 are as they were)" in refused.output
    assert wp.read_bytes() == before
    skipped = run("task", "skip", "T1", "T2")
    assert skipped.exit_code == 0, skipped.output
    assert "Skipped: T1 Order soil is now" in skipped.output and "Skipped: T2 Build beds is now" in skipped.output
    assert [e["kind"] for e in log_of(wp)[-2:]] == ["task.skip", "task.skip"]
    assert [t["id"] for t in json.loads(run("task", "skip", "T1", "T2", "--json").output)] == ["T1", "T2"]


def test_several_ids_change_all_or_nothing(run: Run, wp: Path) -> None:
    before = wp.read_bytes()
    refused = run("task", "done", "T1", "T99")
    assert refused.exit_code == 1
    assert "no task T99" in refused.output and "nothing changed (T1, T99 are as they were)" in refused.output
    assert wp.read_bytes() == before
    assert run("task", "rm", "T1", "T2", "--rev", "1").exit_code == 2


def test_confirmations_fit_the_terminal_as_listings_do(run: Run, wp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workplan_tui.cli.render import cells

    monkeypatch.setenv("COLUMNS", "60")
    title = "Call the county about the permit for the Riverside garden beds"
    commands = [
        ("task", "add", "P1", title, "--owner", "bob", "--due", "fri"),
        ("task", "progress", "T4", "+10"),
        ("task", "status", "T4", "blocked", "--reason", "Waiting for the county's reply on the permit"),
        ("task", "due", "T4", "in 2 weeks"),
        ("task", "edit", "T4", "--title", title + " again"),
        ("task", "done", "T1", "T2"),
        ("undo",),
        ("norm", "add", "We tell every partner a week ahead when a meeting has to move."),
        ("vote", "P1", "agree", "--comment", "Yes, as long as the county agrees to the permit"),
        ("task", "depends", "T4", "T3"),
        ("task", "edit", "T3", "--every", "week"),
        ("task", "skip", "T3"),
        ("milestone", "add", "P1", "Beds ready before the county's inspection of the gardens", "--due", "+9d"),
        ("check",),
    ]
    for args in commands:
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        for line in result.stdout.splitlines():
            assert cells(line) <= 60 or " " not in line.strip(), (args, line)  # a path is never cut
    added = run("task", "show", "T4").output
    assert "Riverside garden\n  beds again" in added  # wrapped, not cut


def test_status_at_60_columns_wraps_a_plans_lines_and_gives_my_titles_room(
    run: Run, wp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 29's lines in the status (waiting, repeats) were cut at 60 columns; 'Mine' repeated
    my handle on every line while the titles had 8 cells."""
    from workplan_tui.cli.render import cells

    monkeypatch.setenv("COLUMNS", "60")
    assert run("task", "edit", "T1", "--every", "week").exit_code == 0
    assert run("task", "edit", "T1", "--title", "Order soil and compost for the beds").exit_code == 0
    shown = run("status").output
    lines = shown.splitlines()
    assert all(cells(line) <= 60 for line in lines), shown
    tasks = " ".join(lines[next(i for i, line in enumerate(lines) if line.startswith("   tasks: ")) :][:2])
    assert "1 due this week" in " ".join(tasks.split()) and "…" not in tasks, tasks  # wrapped, not cut
    repeats = next(i for i, line in enumerate(lines) if line.startswith("   repeats: "))
    said = " ".join(" ".join(lines[repeats : repeats + 2]).split())
    assert "every week, 8 days overdue" in said and "due 8 days" not in said, said
    mine = next(line for line in lines if "T1 " in line and "Order soil" in line)
    assert "Order soil and com" in mine and not mine.rstrip().endswith("alice"), mine
    assert not any(line.rstrip().endswith("…") for line in lines[:3]), lines[:3]  # the day whole
    soon = next(line for line in lines if "T2 " in line and "due in 6 days" in line)  # a listing's title
    due = day(6)  # the seed's T2: the day whole, as "Fri 4 Dec" (and its year when another)
    assert "Build beds " in soon and f"{due:%a} {due.day} {due:%b}" in soon and soon.rstrip().endswith("bob"), soon


def test_a_milestone_that_is_not_there_is_named_by_its_own_label(run: Run, wp: Path) -> None:
    """Milestones are D1, D2... (meetings have M): the refusal said 'no milestone M9'."""
    result = run("milestone", "show", "D9")
    assert result.exit_code != 0 and "no milestone D9;" in result.output, result.output
