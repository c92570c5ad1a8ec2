"""The Partners screen's resources and the palette's meeting report, driven with Pilot (issue 13).

Every key is checked in the file, not only on the screen.
"""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, Select

from tests.clock import NOW_ISO, iso_day
from tests.conftest import FIXED_NOW, make_store
from workplan_tui.store import actions
from workplan_tui.ui.app import WorkplanApp, make_app
from workplan_tui.ui.forms import FormDialog
from workplan_tui.ui.screens.partners import PartnersScreen


def app_for(path: Path, user: str = "alice") -> WorkplanApp:
    return make_app(path, user=user, now=FIXED_NOW)


def data(path: Path) -> dict:
    return json.loads(path.read_text())


async def fill(pilot, **values: object) -> None:
    form = pilot.app.screen
    assert isinstance(form, FormDialog), form
    for name, value in values.items():
        widget = form.query_one(f"#f-{name}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = str(value)
    await pilot.pause()


def funded(wp: Path) -> Path:
    store = make_store(wp)
    actions.set_currency(store, "USD")
    actions.add_grant(store, "PARKS", "FOOD", 30000, "1:1", "Cold storage")
    actions.pledge(store, "FOOD", ("cash", "Match", 10000, None, None, 1))
    actions.pledge(store, "FOOD", ("volunteers", "Crew", None, 800, 25, 1))
    return wp


def detail(screen: PartnersScreen) -> str:
    return str(screen.query_one("#detail").render())


async def test_partners_show_pledged_delivered_and_the_match(wp: Path) -> None:
    funded(wp)
    actions.deliver(make_store(wp), "FOOD", "1", "$6,000", on=iso_day(-3))
    async with app_for(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("P")
        screen = pilot.app.screen
        assert isinstance(screen, PartnersScreen)
        assert "amounts in USD" in str(screen.query_one("#screen-title").render())
        await pilot.press("j")  # FOOD
        text = detail(screen)
        assert "Pledged $30,000, delivered $6,000" in text
        assert "$6,000 of $10,000 G1" in text and "$0 of $20,000 G1" in text
        assert "Match required of FOOD (G1 $30,000 from PARKS at 1:1)" in text
        assert "Required $30,000 · pledged $30,000 · delivered $6,000" in text
        assert "20%" in text  # of the match delivered
        await pilot.press("j")  # the grant, after the partners
        text = detail(screen)
        assert text.startswith("G1 Cold storage") and "FOOD #2 volunteers: Crew (800 h @ $25)" in text


async def test_d_records_a_delivery_and_u_takes_it_back(wp: Path) -> None:
    funded(wp)
    async with app_for(wp, "bob").run_test(size=(80, 24)) as pilot:
        await pilot.press("P", "j", "d")
        await fill(pilot, contribution=2, amount="40h", on="yesterday", note="Saturday")
        await pilot.press("ctrl+s")
        await pilot.pause()
        (delivery,) = data(wp)["partners"]["2"]["contributions"][1]["deliveries"]
        assert delivery == {
            "amount": 1000,
            "on": iso_day(-1),
            "by": "bob",
            "at": NOW_ISO,
            "hours": 40,
            "note": "Saturday",
        }
        await pilot.press("d")
        await fill(pilot, contribution=1, amount="10,5")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "commas only between thousands" in str(pilot.app.screen.query_one("#form-error").render())
        await pilot.press("escape")
        await pilot.press("u")
        await pilot.pause()
        assert data(wp)["partners"]["2"]["contributions"][1]["deliveries"] == []


async def test_p_pledges_and_g_adds_and_e_edits_a_grant(wp: Path) -> None:
    async with app_for(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("P", "g")
        await fill(pilot, funder="PARKS", recipient="FOOD", name="Soil", amount="$5,000", match="25%")
        await pilot.press("ctrl+s")
        await pilot.pause()
        grant = data(wp)["grants"]["1"]
        assert (grant["funder"], grant["recipient"], grant["amount"], grant["match"]) == ("PARKS", "FOOD", 5000, "25%")
        await pilot.press("j", "p")  # FOOD pledges towards it
        await fill(pilot, kind="supplies", description="Compost", value="1.25k", grant=1)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert data(wp)["partners"]["2"]["contributions"] == [
            {"kind": "supplies", "description": "Compost", "amount": 1250, "grant": 1}
        ]
        await pilot.press("j", "e")  # the grant
        await fill(pilot, amount="6k", match="1:2")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert data(wp)["grants"]["1"]["amount"] == 6000 and data(wp)["grants"]["1"]["match"] == "1:2"
        screen = pilot.app.screen
        assert isinstance(screen, PartnersScreen)
        assert "so FOOD brings 3,000." in detail(screen) and "required, delivered" in detail(screen)


async def test_the_palette_writes_the_meeting_report_and_says_where(wp: Path) -> None:
    funded(wp)
    async with app_for(wp).run_test(size=(80, 24)) as pilot:
        commands = {c.title: c for c in pilot.app.get_system_commands(pilot.app.screen)}
        assert "Meeting report" in commands
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Meeting report")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        written = wp.with_name(f"workplan-report-{iso_day()}.md")
        assert written.read_text().startswith("# Test Partnership: meeting report")
        assert "## Resources and match" in written.read_text()
        notices = [str(n.message) for n in pilot.app._notifications]
        assert f"Meeting report written to {written}" in notices


async def test_stored_markup_in_pledges_and_grants_shows_literally(wp: Path) -> None:
    store = make_store(wp)
    nasty = "[@click=app.quit]Open[/] \x1b[2J $x"
    actions.add_grant(store, "PARKS", "FOOD", 100, "1:1", "Budget [/b] review")
    actions.pledge(store, "FOOD", ("cash", nasty, 50, None, None, 1))
    async with app_for(wp).run_test(size=(80, 24)) as pilot:
        await pilot.press("P", "j")
        screen = pilot.app.screen
        assert isinstance(screen, PartnersScreen)
        assert "[@click=app.quit]" in detail(screen) and "\x1b" not in detail(screen)
        await pilot.press("j", "j", "j")
        assert detail(screen).startswith("G1 Budget [/b] review")
        assert "FOOD #1 cash: [@click=app.quit]Open[/] ␛[2J $x ($50)" not in detail(screen)  # no currency set
        assert "FOOD #1 cash: [@click=app.quit]Open[/] ␛[2J $x (50)" in detail(screen)
        await pilot.press("down")
        assert pilot.app.is_running
