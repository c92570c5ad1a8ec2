"""Are we on track? tried cold (issue 25): what a new lead reads on the board and in Review."""

from __future__ import annotations

from pathlib import Path

from tests.clock import iso_day
from tests.conftest import FIXED_NOW, make_store
from workplan_tui.store import actions
from workplan_tui.ui.app import WorkplanApp, make_app
from workplan_tui.ui.screens.review import ReviewScreen


def app_for(path: Path) -> WorkplanApp:
    return make_app(path, user="alice", now=FIXED_NOW)


def screen_text(app: WorkplanApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_review_says_where_a_reduction_goal_stands_the_right_way_round(wp: Path) -> None:
    """'now 23 of 10 min' read as 230 % of a wait-time goal that is barely started."""
    store = make_store(wp)
    outcome = actions.add_outcome(store, 1, "Wait time", 10, 25, "min", iso_day(30), start=iso_day(-40))
    actions.checkin(store, outcome.id, 23)
    async with app_for(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        review = pilot.app.screen
        assert isinstance(review, ReviewScreen)
        while review.queue[review.position].label != "O2":
            await pilot.press("space")
        shown = screen_text(pilot.app)
        assert "25 → 23 min, target 10" in shown and "23 of 10" not in shown


async def test_the_board_header_counts_one_plan_in_the_singular(wp: Path) -> None:
    async with app_for(wp).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        header = screen_text(pilot.app).splitlines()[0]
        assert "1 plan" in header and "1 plans" not in header
