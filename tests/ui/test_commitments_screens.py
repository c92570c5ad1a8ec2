"""Commitments on the board (issue 26), driven with Pilot: each partner's record on the Partners
screen, a pledge's dates (s), follow-ups on a pledge (f) and on a task (the board's f and the
review's), a grant's period. Every key is checked in the file, not only on the screen."""

from __future__ import annotations

from pathlib import Path

from tests.clock import TODAY, iso_day
from tests.conftest import make_store
from tests.ui.test_resources_screen import app_for, data, detail, fill, funded
from workplan_tui.store import actions
from workplan_tui.ui.forms import FormDialog
from workplan_tui.ui.screens.partners import PartnersScreen
from workplan_tui.ui.screens.review import ReviewScreen


def late(wp: Path) -> Path:
    """PARKS's pledge (1,000 for gardeners) was due 40 days ago; nothing was delivered."""
    actions.schedule_pledge(make_store(wp), "PARKS", "1", f"by {iso_day(-40)}", today=TODAY)
    return wp


def row_text(screen: PartnersScreen, index: int, width: int = 80) -> str:
    return "".join(text for text, _ in screen.row(screen.items()[index], width))


async def test_each_partner_is_headed_by_its_summary_and_its_detail_is_its_record(wp: Path) -> None:
    late(wp)
    async with app_for(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("P")
        screen = pilot.app.screen
        assert isinstance(screen, PartnersScreen)
        first = row_text(screen, 0)
        assert first.startswith(" PARKS      ✗ 1 task overdue, pledge 1,000 late") and len(first) <= 80
        assert row_text(screen, 1).startswith(" FOOD       ● 2 votes missing  ")  # dates kept: on track
        text = detail(screen)
        lines = text.splitlines()
        assert lines[0] == "PARKS · Parks Dept" and lines[1] == "✗ 1 task overdue, pledge 1,000 late, 1 vote missing"
        assert "✗ late: all 1,000 was due by" in text
        assert "Tasks its members own: 1 open · 1 overdue · 0 blocked" in text and "! T1 Order soil" in text
        assert "Votes not cast: P1 Gardens (alice)" in text


async def test_s_gives_a_pledge_its_instalments_and_a_bad_schedule_stays_in_the_form(wp: Path) -> None:
    async with app_for(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("P", "s")
        await fill(pilot, contribution=1, when=f"monthly from {iso_day(30)} to {iso_day(-30)}")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, FormDialog)
        assert "before it starts" in str(pilot.app.screen.query_one("#form-error").render())
        assert "schedule" not in data(wp)["partners"]["1"]["contributions"][0]
        await fill(pilot, when=f"4 quarterly from {iso_day(-10)}")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert data(wp)["partners"]["1"]["contributions"][0]["schedule"] == {
            "every": "quarter",
            "start": iso_day(-10),
            "count": 4,
        }
        screen = pilot.app.screen
        assert isinstance(screen, PartnersScreen)
        assert "4 quarterly instalments of 250" in detail(screen) and "▲ behind: 250 of 1,000" in detail(screen)


async def test_f_follows_up_a_pledge_and_its_new_date_moves_what_is_overdue(wp: Path) -> None:
    late(wp)
    async with app_for(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("P", "f")
        await fill(pilot, whom="dan", agreed="paid on the 15th", new_date=iso_day(+15))
        await pilot.press("ctrl+s")
        await pilot.pause()
        (item,) = data(wp)["partners"]["1"]["contributions"][0]["followups"]
        assert (item["by"], item["whom"], item["new_date"], item["deferred"]) == ("alice", "dan", iso_day(15), 1000)
        screen = pilot.app.screen
        assert isinstance(screen, PartnersScreen)
        assert "● on schedule" in detail(screen) and "follow-up: " in detail(screen)
        assert "✗" not in row_text(screen, 0).split("overdue")[1]  # the pledge is no longer late


async def test_a_grant_gets_a_period_and_a_deadline_before_its_start_is_refused(wp: Path) -> None:
    funded(wp)
    async with app_for(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("P", "j", "j", "e")  # the grant
        await fill(pilot, start=iso_day(-30), end=iso_day(30), match_by=iso_day(-31))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "before the grant starts" in str(pilot.app.screen.query_one("#form-error").render())
        assert "start" not in data(wp)["grants"]["1"]
        await fill(pilot, match_by="")
        await pilot.press("ctrl+s")
        await pilot.pause()
        grant = data(wp)["grants"]["1"]
        assert (grant["start"], grant["end"]) == (iso_day(-30), iso_day(30)) and "match_by" not in grant
        screen = pilot.app.screen
        assert isinstance(screen, PartnersScreen)
        text = " ".join(detail(screen).split())
        assert "● on track: $0 of $30,000 delivered, deadline" in text  # every pledge due by it
        assert "match due by" in text and "● on schedule FOOD #1 cash: Match ($10,000)" in text


async def test_the_boards_f_follows_up_a_task_and_replaces_its_due_date(wp: Path) -> None:
    async with app_for(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("f")  # T1, overdue, in the first column
        form = pilot.app.screen
        assert isinstance(form, FormDialog) and "Follow up T1" in str(form.query_one("#form-heading").render())
        await fill(pilot, whom="bob", agreed="soil on Monday", new_date=iso_day(+2))
        await pilot.press("ctrl+s")
        await pilot.pause()
        task = data(wp)["tasks"]["1"]
        assert task["due"] == iso_day(2) and task["followups"][0]["was"] == iso_day(-8)
        await pilot.press("u")
        await pilot.pause()
        assert data(wp)["tasks"]["1"]["due"] == iso_day(-8)


async def test_the_review_takes_a_late_pledge_and_follows_it_up(wp: Path) -> None:
    late(wp)
    async with app_for(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen)
        while "pledge late" not in str(screen.query_one("#review-header").render()):
            await pilot.press("space")
        body = str(screen.query_one("#review-task").render())
        assert body.startswith("PARKS #1  staff: gardeners") and "why       all 1,000 was due by" in body
        await pilot.press("f")
        await fill(pilot, whom="alice", agreed="next week")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert data(wp)["partners"]["1"]["contributions"][0]["followups"][0]["agreed"] == "next week"
        assert "· " in str(screen.query_one("#review-task").render())  # the follow-up shows on the card
