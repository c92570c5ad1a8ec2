"""Are we on track? on the board: health markers that read without colour, the expected-now
mark on the bars, the chart, and the forms that take the dates a forecast needs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from textual.widgets import Input, Select

from tests.clock import iso_day
from tests.conftest import FIXED_NOW
from workplan_tui.store.sample import write_demo
from workplan_tui.ui.app import WorkplanApp, make_app
from workplan_tui.ui.forms import FormDialog
from workplan_tui.ui.modals import EditTask
from workplan_tui.ui.screens.board import BoardScreen
from workplan_tui.ui.screens.outcomes import OutcomesScreen
from workplan_tui.ui.widgets import PlanList


def app_for(path: Path) -> WorkplanApp:
    return make_app(path, user="alice", now=FIXED_NOW)


def data(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return write_demo(tmp_path / "demo.json", today=FIXED_NOW.date(), user="alice")


def screen_text(app: WorkplanApp) -> str:
    """What the screen shows, as text (no colour: what a NO_COLOR terminal reads)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_plan_rows_and_outcome_bars_say_their_health_in_words(demo: Path, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with app_for(demo).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = screen_text(pilot.app)
        rows = shown.splitlines()
        assert "✗ off track" in rows[1] and "P2 Community garde" in rows[1]
        beds = next(r for r in rows if "Raised beds built" in r)
        assert "● on track" in beds and "│" in beds.split("Raised beds built")[1]  # the expected-now mark
        assert "▲ at risk" in next(r for r in rows if "Produce donated" in r)
        assert "✗ off track" in next(r for r in rows if "Students in garden" in r)


async def test_a_wide_board_gives_the_reason(demo: Path) -> None:
    async with app_for(demo).run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        board = pilot.app.screen
        assert isinstance(board, BoardScreen)
        plans = board.query_one("#plans", PlanList)
        row = plans.render_item(plans.items[0], 0, plans.size.width, plans.part(""), True).text
        # every open task of P2 counts; the title is whole before the reason gets its room (issue 31)
        assert re.search(r"O4 off track; \d+ open tasks", row) and "Community gardens at three schools " in row
        shown = screen_text(pilot.app)
        # the selected plan's own line, 30 rows and more: the reason whole
        assert re.search(r"P2 ✗ off track: O4 off track; \d+ open tasks, closing 0", shown)
        assert "needs 59 students/week, doing 35 since" in shown


async def test_the_outcome_chart_has_dates_target_expected_and_projection(demo: Path) -> None:
    async with app_for(demo).run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        screen = pilot.app.screen
        assert isinstance(screen, OutcomesScreen)
        chart = str(screen.query_one("#chart").render())
        assert "start " in chart and "today" in chart and "due " in chart
        assert "─" in chart and "·" in chart and "╌" in chart
        assert "●" in chart and "◐" in chart  # high and medium confidence check-ins
        detail = str(screen.query_one("#detail").render())
        assert "● on track: doing 2.8 since" in detail and "Expected " in detail and "projected " in detail
        assert "medium  Lincoln yard cleared" in str(screen.query_one("#checkins").render())


async def test_a_check_in_takes_a_confidence(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("o", "c")
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-value", Input).value = "9"
        form.query_one("#f-confidence", Select).value = "low"
        await pilot.press("ctrl+s")
        await pilot.pause()
    checkin = data(board_file)["outcomes"]["1"]["checkins"][-1]
    assert checkin["value"] == 9 and checkin["confidence"] == "low"


async def test_the_plan_form_takes_a_start_and_an_end(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-start", Input).value = "in 9 days"
        form.query_one("#f-end", Input).value = "in 3 days"
        before = board_file.read_bytes()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is form and board_file.read_bytes() == before  # ends before it starts
        assert "before it starts" in str(form.query_one("#form-error").render())
        form.query_one("#f-end", Input).value = "someday"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "cannot read 'someday'" in str(form.query_one("#form-error").render())
        form.query_one("#f-start", Input).value = "today"
        form.query_one("#f-end", Input).value = "in 12 weeks"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BoardScreen)
    plan = data(board_file)["plans"]["1"]
    assert (plan["start"], plan["end"]) == (iso_day(0), iso_day(84))


async def test_the_task_form_takes_a_start(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        board = pilot.app.screen
        assert isinstance(board, BoardScreen)
        await pilot.press("e")
        form = pilot.app.screen
        assert isinstance(form, EditTask)
        task_id = form.task_.id if form.task_ else 0  # T1, due 8 days ago
        form.query_one("#start", Input).value = "tomorrow"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "T1 would be due on" in str(form.query_one("#edit-error").render())  # before it starts
        form.query_one("#start", Input).value = iso_day(-10)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BoardScreen)
    assert data(board_file)["tasks"][str(task_id)]["start"] == iso_day(-10)


async def test_review_puts_what_is_off_track_first_and_its_reason_under_itself(demo: Path) -> None:
    from workplan_tui.model.overview import Concern
    from workplan_tui.ui.screens.review import ReviewScreen

    async with app_for(demo).run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        review = pilot.app.screen
        assert isinstance(review, ReviewScreen)
        concerns = [item for item in review.queue if isinstance(item, Concern)]
        assert review.queue[: len(concerns)] == concerns  # plans and outcomes before the tasks
        assert [c.health for c in concerns] == sorted((c.health for c in concerns), key=["off_track", "at_risk"].index)
        assert {c.label for c in concerns} >= {"P2", "O4", "O5"}
        card = screen_text(pilot.app).splitlines()
        why = next(i for i, line in enumerate(card) if re.match(r"  why       O4 off track; \d+ open tasks", line))
        assert card[why + 1].startswith(" " * 12) and "5 tasks overdue" in card[why + 1]  # wrapped under itself
        await pilot.press("space")
        shown = screen_text(pilot.app)
        assert "why       needs 59 students/week, doing 35 since" in shown
        assert "latest" in shown and "low confidence: Spring timetable not set yet" in shown
