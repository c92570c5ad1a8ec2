"""What a second cold trial of issue 31 (a new lead, careless and hostile) found on the command
line, through the ``run`` fixture against a real file."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("outcome", "checkin", "O1", "1e308"), "1e+308 is too large"),
        (("outcome", "checkin", "O1", "--", "-99999999999999999999"), "-100,000,000,000,000,000,000 is too large"),
        (("outcome", "edit", "O1", "--target", "1e16"), "10,000,000,000,000,000 is too large"),
        (("partner", "pledge", "PARKS", "cash", "Huge", "99999999999999999999"), "is too large (at most 1,000,"),
    ],
)
def test_a_huge_number_is_refused_in_words_not_as_a_stored_field(
    run: Run, wp: Path, args: tuple[str, ...], shown: str
) -> None:
    """A check-in of 1e308 said "outcome O1: 'current' must be at most 1e+15 in size" (the
    record's field and msgspec's words); every number typed is now bounded where it is read."""
    before = wp.read_bytes()
    result = run(*args)
    assert result.exit_code != 0
    assert shown in result.output, result.output
    assert "'current'" not in result.output and "in size" not in result.output and "e+15" not in result.output
    assert "Traceback" not in result.output
    assert wp.read_bytes() == before


def test_log_takes_n_as_git_does(run: Run) -> None:
    result = run("log", "-n", "2", "--json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == 2


def test_a_huge_progress_is_out_of_range_not_a_non_number(run: Run, wp: Path) -> None:
    before = wp.read_bytes()
    result = run("task", "progress", "T2", "99999999999999999999999999")
    assert result.exit_code != 0
    assert "out of range; use 0 to 100" in result.output and "is not a number" not in result.output
    assert wp.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("demo", "--theme", "workplan-light"), "'workplan --theme workplan-light demo'"),
        (("task", "list", "-f", "my plan.json"), "'workplan -f 'my plan.json' task list'"),
        (("status", "--file=p.json"), "'workplan --file=p.json status'"),
    ],
)
def test_an_option_of_workplan_typed_after_the_command_is_told_where_it_goes(
    run: Run, wp: Path, args: tuple[str, ...], said: str
) -> None:
    """'workplan demo --theme workplan-light' said "No such option '--theme'. Did you mean
    '--help'?"; a global option after the command is now told where it goes, with what was typed."""
    before = wp.read_bytes()
    result = run(*args)
    assert result.exit_code == 2
    assert "is an option of workplan itself: give it before the command" in result.output, result.output
    assert said in result.output, result.output
    assert "No such option" not in result.output
    assert wp.read_bytes() == before


def test_the_undo_of_a_first_vote_says_so_after_its_colon_in_lower_case(run: Run) -> None:
    """'Undid A12: Your vote on P1 ...' (the board: 'Undone: Your vote on ...'); an undo's
    words after the colon read as every other undo's: the record, then what happened to it."""
    assert run("vote", "P1", "agree").exit_code == 0
    undone = run("undo")
    assert undone.exit_code == 0, undone.output
    assert ": P1 'Gardens': your vote taken back" in undone.output, undone.output
    assert "Your vote" not in undone.output


def test_a_www_address_stays_a_link_without_backslashes_in_the_report(run: Run, wp: Path) -> None:
    """'www.example.org/raised_beds' (GFM links www. too) became 'www.example.org/raised\\_beds',
    so GitHub's link went to .../raised%5C_beds; it is a link shown as typed now."""
    from markdown_it import MarkdownIt

    from tests.conftest import make_store
    from workplan_tui.store import actions

    cmarkgfm = pytest.importorskip("cmarkgfm")
    actions.set_status(make_store(wp), 2, "blocked", "plans at www.example.org/raised_beds_guide, then call")
    report = run("report").output
    commonmark = MarkdownIt("commonmark").enable("table").render(report)
    gfm = cmarkgfm.github_flavored_markdown_to_html(report)
    for html in (commonmark, gfm):
        links = re.findall(r'<a href="([^"]*)"', html)
        assert "http://www.example.org/raised_beds_guide" in links, links
        assert not any("%5C" in link or "\\" in link for link in links), links
        assert "www.example.org/raised_beds_guide, then call" in re.sub(r"<[^>]+>", "", html)


def test_several_ids_may_be_typed_with_commas(run: Run, wp: Path) -> None:
    """'task done T2,T3' was refused ("'T2,T3' is not a task id") though --waits-on takes T1,T2."""
    result = run("task", "done", "T2,T3")
    assert result.exit_code == 0, result.output
    result = run("task", "due", "T1,", "T2", "fri")
    assert result.exit_code == 0, result.output
    tasks = json.loads(wp.read_text())["tasks"]
    assert tasks["2"]["status"] == tasks["3"]["status"] == "done"
    assert tasks["1"]["due"] == tasks["2"]["due"] is not None


def test_progress_takes_a_percent_sign_after_a_space(run: Run, wp: Path) -> None:
    """'task progress T2 50 %' (a space before the sign, as French writes it) read 50 as T50."""
    result = run("task", "progress", "T2", "50", "%")
    assert result.exit_code == 0, result.output
    assert json.loads(wp.read_text())["tasks"]["2"]["progress"] == 50


@pytest.mark.parametrize("args", [("log", "--limit", "1"), ("partner", "show", "PARKS")])
def test_every_line_fits_a_narrow_terminal(run: Run, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    """At COLUMNS=40, 'log's hint of older entries (84 cells) and 'partner show's count of tasks
    ran past the edge while the lines around them were cut or wrapped."""
    from workplan_tui.cli.render import cells

    monkeypatch.setenv("COLUMNS", "40")
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert all(cells(line) <= 40 for line in result.output.splitlines()), result.output


def test_a_meetings_agenda_and_attendance_read_as_sentences_in_the_log(run: Run, wp: Path) -> None:
    """'grace changed M1 'Partnership meeting': attendance hiro present' and '...: agenda + AOB'
    read as fields, not as a person would say what happened."""
    from tests.clock import iso_day
    from tests.conftest import make_store
    from workplan_tui.store import actions

    alice, bob = make_store(wp), make_store(wp, "bob")
    actions.add_meeting(alice, "Partnership meeting", iso_day(-2), time="14:00", agenda=False)
    actions.agenda_add(alice, 1, "Soil order")
    actions.agenda_add(alice, 1, "AOB")
    actions.agenda_move(alice, 1, 2, 1)
    actions.attend(bob, 1, "bob", "apologies", sent=f"{iso_day(-3)}T09:00:00Z")
    actions.attend(alice, 1, "carol", "present")
    actions.attend(alice, 1, "alice", "present")
    actions.attend(alice, 1, "bob", "absent")
    actions.debrief(alice, 1, "bob")
    log = re.sub(r"  (\w+) \([^)]*\) ", r"  \1 ", run("log", "--record", "M1").output)  # the account after a handle
    for said in (
        "alice added 'Soil order' to the agenda of M1 'Partnership meeting'",
        "alice moved 'AOB' to item 1 of the agenda of M1 'Partnership meeting'",
        "bob sent apologies for M1 'Partnership meeting'",
        "alice recorded carol present at M1 'Partnership meeting'",
        "alice was present at M1 'Partnership meeting'",
        "alice debriefed bob on M1 'Partnership meeting'",
    ):
        assert said in log, log
    assert "changed M1" not in log and "agenda +" not in log


def test_a_removed_tasks_past_entries_still_name_it(run: Run, wp: Path) -> None:
    """After 'task rm T2', the log said 'alice moved T2 from 0% to 20%': the record had no
    title left; the removal, read anyway, names it for the entries before it."""
    assert run("task", "progress", "T2", "20").exit_code == 0
    assert run("task", "rm", "T2").exit_code == 0
    for args in (("log",), ("log", "--record", "T2"), ("log", "--kind", "progress")):
        log = run(*args).output
        assert "moved T2 'Build beds' from 0% to 20%" in log, (args, log)
