"""Issue 26 tried cold on the board, driven with Pilot at 80x24: what a new lead found reading a
late pledge in Review. Each test failed before its fix."""

from __future__ import annotations

from pathlib import Path

from tests.clock import TODAY, iso_day
from tests.conftest import make_store
from tests.ui.test_resources_screen import app_for
from workplan_tui.store import actions
from workplan_tui.ui.screens.review import ReviewScreen


async def test_a_late_pledges_card_wraps_each_field_under_itself_and_counts_deliveries_in_words(wp: Path) -> None:
    """Before: 'in 1 deliveries', and a long reason or follow-up went on at the screen's left edge."""
    store = make_store(wp)
    actions.schedule_pledge(store, "PARKS", "1", f"by {iso_day(-40)}", today=TODAY)
    actions.deliver(store, "PARKS", "1", "100", on=iso_day(-50))
    actions.follow_up_pledge(
        store,
        "PARKS",
        "1",
        whom="alice",
        on=iso_day(-1),
        # Longer than a line at 80 columns on any day, however the date reads: it always wraps.
        agreed="the rest comes with the next council budget vote, once the parks committee has signed it off",
    )
    async with app_for(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen)
        while "pledge late" not in str(screen.query_one("#review-header").render()):
            await pilot.press("space")
        lines = str(screen.query_one("#review-task").render()).splitlines()
        why = next(n for n, line in enumerate(lines) if line.startswith("why "))
        assert "weeks overdue" in lines[why] + lines[why + 1]
        assert next(line for line in lines if line.startswith("delivered ")).endswith("in 1 delivery")
        bullet = next(n for n, line in enumerate(lines) if line.startswith("· "))
        assert lines[bullet + 1].startswith("  ") and "off" in lines[bullet + 1]  # under its own text
        for line in lines:
            assert len(line) <= 80 - 4
        assert all(not line or line[0] != " " or line.startswith(("  ", " " * 10)) for line in lines)


async def test_the_grant_form_reads_its_period_as_the_command_line_does(wp: Path) -> None:
    """Before: 'jan' and 'dec 31' were refused in the form ("cannot read 'jan' as a date")."""
    from tests.ui.test_resources_screen import data, fill, funded
    from workplan_tui.ui.forms import FormDialog

    funded(wp)
    async with app_for(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("P", "j", "j", "e")  # the grant
        await fill(pilot, start="jan", end="dec 31", match_by="")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, FormDialog), str(pilot.app.screen.query_one("#form-error").render())
        grant = data(wp)["grants"]["1"]
        assert grant["start"].endswith("-01-01") and grant["end"] == f"{grant['start'][:4]}-12-31"


async def test_a_grants_pledges_due_after_its_deadline_say_so_on_the_partners_screen(wp: Path) -> None:
    from tests.ui.test_resources_screen import detail, funded

    funded(wp)
    store = make_store(wp)
    actions.edit_grant(store, 1, dates={"start": iso_day(-30), "end": iso_day(30)})
    actions.schedule_pledge(store, "FOOD", "1", f"by {iso_day(60)}", today=TODAY)
    async with app_for(wp).run_test(size=(120, 40)) as pilot:
        await pilot.press("P", "j", "j")  # the grant
        text = " ".join(detail(pilot.app.screen).split())
        assert "pledged for after the deadline (FOOD #1)" in text
        assert "FOOD #1 cash: Match ($10,000) · due " in text and ", after the deadline" in text


async def test_a_grants_pledges_and_health_wrap_under_themselves_at_80_columns(wp: Path) -> None:
    """Before: '● on schedule FOOD #1 cash: ... ($10,000)' and the match's reason ran past the
    detail's width and went on at its left edge."""
    from tests.ui.test_resources_screen import detail, funded

    funded(wp)
    store = make_store(wp)
    actions.edit_grant(store, 1, dates={"start": iso_day(-30), "end": iso_day(30)})
    actions.pledge(
        store, "FOOD", ("services", "Refrigerated truck, its driver and fuel for the winter", 5000, None, None, 1)
    )
    async with app_for(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("P", "j", "j")  # the grant
        screen = pilot.app.screen
        lines = detail(screen).splitlines()
        width = screen.query_one("#detail").content_region.width
        block = lines[lines.index("Pledges counting towards it:") + 1 :]
        block = block[: next((n for n, line in enumerate(block) if not line.startswith("   ")), len(block))]
        assert len(block) > 2 and all(len(line) <= width for line in block)
        assert any(line.startswith("     ") for line in block)  # a continuation, under its pledge
        health = next(n for n, line in enumerate(lines) if line.startswith(("▲", "●", "✗", "?")))
        assert len(lines[health]) <= width and lines[health + 1].startswith("  ")
