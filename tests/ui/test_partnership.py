"""Buy-in, outcomes, norms, partners, people and activity: keys checked in the file."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, Select, TextArea

from tests import clock
from tests.clock import end_of_month
from tests.conftest import FIXED_NOW, make_store
from workplan_tui.store import actions
from workplan_tui.store.history import history_path_for
from workplan_tui.store.storage import locked
from workplan_tui.ui.app import WorkplanApp, make_app
from workplan_tui.ui.forms import FormDialog
from workplan_tui.ui.screens.activity import ActivityScreen
from workplan_tui.ui.screens.board import BoardScreen
from workplan_tui.ui.screens.buyin import BuyInScreen
from workplan_tui.ui.screens.norms import NormsScreen
from workplan_tui.ui.screens.outcomes import OutcomesScreen
from workplan_tui.ui.screens.partners import PartnersScreen
from workplan_tui.ui.screens.people import PeopleScreen
from workplan_tui.ui.widgets import KeyBar


def app_for(path: Path, user: str = "alice") -> WorkplanApp:
    return make_app(path, user=user, now=FIXED_NOW)


def data(path: Path) -> dict:
    return json.loads(path.read_text())


def messages(app: WorkplanApp) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


async def fill(pilot, **values: object) -> None:
    form = pilot.app.screen
    assert isinstance(form, FormDialog)
    for name, value in values.items():
        widget = form.query_one(f"#f-{name}")
        if isinstance(widget, Select):
            widget.value = value
        elif isinstance(widget, TextArea):
            widget.text = str(value)
        else:
            assert isinstance(widget, Input)
            widget.value = str(value)
    await pilot.pause()


async def test_buy_in_vote_needs_a_reason_to_disagree_and_activation_needs_buy_in(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        screen = pilot.app.screen
        assert isinstance(screen, BuyInScreen)
        assert "not voted yet: alice, bob, carol" in str(screen.query_one("#detail").render())
        await pilot.press("v")
        await fill(pilot, position="disagree", comment="")
        await pilot.press("ctrl+s")
        assert "a reason is required" in str(pilot.app.screen.query_one("#form-error").render())
        await fill(pilot, comment="Too costly this year")
        await pilot.press("ctrl+s")
        await pilot.pause()
        votes = list(data(board_file)["votes"].values())
        assert votes[-1]["member"] == "alice" and votes[-1]["position"] == "disagree"
        assert votes[-1]["comment"] == "Too costly this year"
        await pilot.press("A")
        assert "cannot become active" in messages(pilot.app) and "disagrees: alice" in messages(pilot.app)
        assert data(board_file)["plans"]["1"]["status"] == "proposed"
        # others vote from their own terminals; a reload shows it without losing my place
        screen.rows_widget.move_to(2)
        for who in ("bob", "carol"):
            actions.vote(make_store(board_file, who), 1, "agree")
        await pilot.press("v")
        await fill(pilot, position="agree", comment="ok, convinced")
        await pilot.press("ctrl+s")
        await pilot.press("ctrl+r")
        assert screen.rows_widget.cursor == 2
        assert "May become active." in str(screen.query_one("#detail").render())
        await pilot.press("A")
        assert data(board_file)["plans"]["1"]["status"] == "active"
        screen.rows_widget.move_to(1)  # alice
        await pilot.press("enter")
        history = str(pilot.app.screen.query_one("Static").render())
        assert "disagree  Too costly this year" in history and "agree     ok, convinced" in history


async def test_outcome_checkin_moves_the_bar_and_outcomes_can_be_added_and_edited(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        screen = pilot.app.screen
        assert isinstance(screen, OutcomesScreen)
        await pilot.press("c")
        assert pilot.app.screen.query_one("#f-value", Input).value == "0"  # defaults to the last value
        await fill(pilot, value="12", note="first beds")
        await pilot.press("enter")
        await pilot.pause()
        outcome = data(board_file)["outcomes"]["1"]
        assert outcome["current"] == 12 and outcome["checkins"][-1]["note"] == "first beds"
        row = "".join(text for text, _ in screen.row(screen.rows_widget.current, 80))
        assert "30%" in row and "12 / 40 beds" in row
        assert "first beds" in str(screen.query_one("#checkins").render())
        assert "? no data: no pace yet" in str(screen.query_one("#detail").render())  # one check-in, on its first day
        chart = str(screen.query_one("#chart").render())
        assert "40 ┤" in chart and "today" in chart  # the target's line, and the time axis
        assert "•" in chart  # the check-in, of no stated confidence
        assert "T2" in str(screen.query_one("#linked").render())  # the task linked to O1
        await pilot.press("n")
        await fill(pilot, name="Volunteers trained", unit="people", baseline="0", target="25", due="eom")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert data(board_file)["outcomes"]["2"]["due"] == end_of_month(clock.TODAY).isoformat()
        screen.rows_widget.move_to(1)
        await pilot.press("e")
        await fill(pilot, target="30", due="someday")
        await pilot.press("ctrl+s")
        assert "cannot read 'someday'" in str(pilot.app.screen.query_one("#form-error").render())
        await fill(pilot, due="")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert data(board_file)["outcomes"]["2"]["target"] == 30 and data(board_file)["outcomes"]["2"]["due"] is None


async def test_norms_add_agree_and_edit(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("N")
        screen = pilot.app.screen
        assert isinstance(screen, NormsScreen)
        await pilot.press("n")
        await fill(pilot, text="We notify members in advance if we miss a meeting.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("a")
        assert data(board_file)["norms"]["1"]["agreed_by"] == ["alice"]
        row = "".join(text for text, _ in screen.row(screen.rows_widget.current, 80))
        assert "1/3 agreed" in row
        assert "Waiting for: bob, carol" in str(screen.query_one("#detail").render())
        for who in ("bob", "carol"):
            actions.agree_norm(make_store(board_file, who), 1)
        await pilot.press("ctrl+r")
        assert "in force" in "".join(text for text, _ in screen.row(screen.rows_widget.current, 80))
        await pilot.press("e")
        await fill(pilot, text="We tell members a day ahead if we miss a meeting.")
        await pilot.press("ctrl+s")
        await pilot.pause()
    norm = data(board_file)["norms"]["1"]
    assert norm["text"].startswith("We tell") and norm["agreed_by"] == []


async def test_partners_contributions_members(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("P")
        screen = pilot.app.screen
        assert isinstance(screen, PartnersScreen)
        detail = str(screen.query_one("#detail").render())
        assert "staff       gardeners" in detail and "$0 of 1,000" not in detail and "0 of 1,000" in detail
        assert "   staff            1,000 ·         0" in detail  # the partnership by kind: pledged · delivered
        await pilot.press("e")
        await fill(pilot, contributions="staff: gardeners: 1000\ncash: grant match: 5,000", interests_short="Land use")
        await pilot.press("ctrl+s")
        await pilot.pause()
        parks = data(board_file)["partners"]["1"]
        assert parks["contributions"][1] == {"kind": "cash", "description": "grant match", "amount": 5000}
        assert parks["interests_short"] == "Land use"
        await pilot.press("e")
        await fill(pilot, contributions="money: lots")
        await pilot.press("ctrl+s")
        assert "line 1: use KIND" in str(pilot.app.screen.query_one("#form-error").render())
        await pilot.press("escape")
        await pilot.press("m")
        await fill(pilot, handle="dan", name="Dan Okafor", role="lead")
        await pilot.press("enter")
        await pilot.pause()
        assert any(m["handle"] == "dan" and m["partner"] == "PARKS" for m in data(board_file)["members"].values())
        await pilot.press("n")
        await fill(pilot, code="SCHOOLS", name="School district", contributions="facilities: yards")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert any(p["code"] == "SCHOOLS" for p in data(board_file)["partners"].values())


async def test_people_shows_who_is_behind_and_lists_their_tasks(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        screen = pilot.app.screen
        assert isinstance(screen, PeopleScreen)
        first = screen.rows_widget.current
        assert first.member.handle == "alice" and [t.label for t in first.overdue] == ["T1"]  # one overdue task
        await pilot.press("enter")
        table = pilot.app.screen.query_one("#table")
        assert [t.label for t in table.items] == ["T1"]
        await pilot.press("escape", "escape")
        assert isinstance(pilot.app.screen, BoardScreen)


async def test_activity_newest_first_and_filtered(board_file: Path) -> None:
    actions.vote(make_store(board_file, "bob"), 1, "agree")
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("L")
        screen = pilot.app.screen
        assert isinstance(screen, ActivityScreen)
        assert screen.rows_widget.items[0].kind == "vote"
        await pilot.press("slash", *"member:bob")
        assert {a.member for a in screen.rows_widget.items} == {"bob"}
        await pilot.press("escape")
        await pilot.press("slash", *"plan:P2")
        assert {a.record for a in screen.rows_widget.items} == {"P2", "T4"}
        await pilot.press("escape", "escape")
        assert isinstance(pilot.app.screen, BoardScreen)


async def test_stage_is_in_the_header_and_changed_from_the_palette(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        assert "forming" in str(pilot.app.screen.query_one("#header").render())
        commands = {c.title: c for c in pilot.app.get_system_commands(pilot.app.screen)}
        commands["Stage: storming"].callback()
        await pilot.pause()
        assert "storming" in str(pilot.app.screen.query_one("#header").render())
    assert data(board_file)["meta"]["1"]["stage"] == "storming"


async def test_activity_shows_a_page_and_reads_older_ones_on_m(board_file: Path) -> None:
    """A long log is read a page at a time, from the newest entry back."""
    raw = data(board_file)
    meta = raw["meta"]["1"]
    meta["schema_version"] = 1
    del meta["history"], meta["digest"]
    entry = {"at": "2026-11-20T10:00:00Z", "member": "bob", "kind": "task.progress", "record": "T2"}
    raw["activity"] = {str(n): {**entry, "changes": {"progress": [n, n + 1]}} for n in range(1, 451)}
    board_file.unlink()
    history_path_for(board_file).unlink()
    with locked(board_file):
        make_store(board_file).write_new(raw)
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("L")
        screen = pilot.app.screen
        assert isinstance(screen, ActivityScreen)
        rows = screen.rows_widget
        assert len(rows.items) == 200 and rows.items[0].id == 450 and screen.more
        assert "m: older" in screen.title_text()
        assert "m Older" in str(screen.query_one(KeyBar).render())
        await pilot.press("m")
        assert len(rows.items) == 400 and screen.more
        await pilot.press("m")
        assert len(rows.items) == 450 and rows.items[-1].id == 1 and not screen.more
        assert "m: older" not in screen.title_text()
        await pilot.pause()
        assert "m Older" not in str(screen.query_one(KeyBar).render())  # the bar follows the keys


async def test_the_log_shows_references_as_labels_and_undo_says_what_it_did(board_file: Path) -> None:
    """As the CLI does: in sentences ('towards O1'; 'plan: P2'), never the stored ids."""
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "enter")  # T2, added linked to O1
        form = pilot.app.screen
        history = str(form.query_one("#history").render())
        assert "added T2 for bob" in history and "towards O1" in history
        assert "towards 1" not in history
        await pilot.press("escape", "L")
        screen = pilot.app.screen
        assert isinstance(screen, ActivityScreen)
        added = next(a for a in screen.rows_widget.items if a.record == "T4")  # a task of P2
        row = "".join(text for text, _ in screen.row(added, 200))
        assert "alice added T4 'Find a supplier' for carol" in row
        screen.rows_widget.move_to(screen.rows_widget.items.index(added))
        screen.show_detail()
        detail = str(screen.query_one("#detail").render())
        assert "plan: P2" in detail and "plan: 2" not in detail
        await pilot.press("slash", *"P2")  # words find labels too
        assert added in screen.rows_widget.items
        await pilot.press("escape", "escape")
        await pilot.press("plus", "u")  # T2 (still selected) 0 → 10 % and to doing, then undone
        await pilot.pause()
        undone = [m for m in messages(pilot.app).split(" | ") if m.startswith("Undone")]
        assert undone == ["Undone: T2 'Build beds': progress 10% → 0%; status doing → to do"]


async def test_the_activity_filter_by_plan_keeps_what_workplan_log_plan_keeps(board_file: Path) -> None:
    """Which entries are about a plan is one rule (changes.about_plan): the board's 'plan:P2' lost
    the entries of a task removed since, which 'workplan log --plan P2' keeps."""
    import os
    import subprocess
    import sys

    store = make_store(board_file)
    gone = actions.add_task(store, 2, "Borrow a van")
    actions.remove_task(store, gone.id)
    env = {**os.environ, "WORKPLAN_USER": "alice", "TZ": "UTC"}
    cli = [sys.executable, "-m", "workplan_tui", "-f", str(board_file), "log", "--plan", "P2", "--json"]
    logged = {entry["id"] for entry in json.loads(subprocess.run(cli, env=env, capture_output=True).stdout)}
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("L", "slash", *"plan:P2")
        screen = pilot.app.screen
        assert isinstance(screen, ActivityScreen)
        shown = {f"A{a.id}" for a in screen.rows_widget.items}
        assert gone.label in {a.record for a in screen.rows_widget.items}
    assert shown == logged


async def test_a_closing_date_shows_on_the_buy_in_screen_and_the_plan_row(board_file: Path) -> None:
    """Issue 27: a proposal's closing date, and once it has passed, who had not voted by then."""
    from workplan_tui.ui.widgets import PlanList

    actions.edit_plan(make_store(board_file), 1, closes=clock.iso_day(+2))
    async with app_for(board_file).run_test(size=(100, 30)) as pilot:
        row = pilot.app.screen.query_one(PlanList).render_line(0).text
        assert "closes in 2 days" in row, row
        await pilot.press("v")
        detail = str(pilot.app.screen.query_one("#detail").render())
        assert "Closes in 2 days, " in detail
    actions.edit_plan(make_store(board_file), 1, closes=clock.iso_day(-1))
    async with app_for(board_file).run_test(size=(100, 30)) as pilot:
        await pilot.press("v")
        detail = str(pilot.app.screen.query_one("#detail").render())
        assert "Closed " in detail and "had not voted by then: alice, bob, carol" in detail
