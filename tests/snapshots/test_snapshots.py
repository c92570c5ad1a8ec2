"""How the screens look, at 80x24 and 120x40, on the sample partnership with a fixed "now".

Review new SVGs (tests/snapshots/__snapshots__/) before running --snapshot-update.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from tests.conftest import make_store
from tests.snapshots.conftest import SNAPSHOT_NOW as FIXED_NOW
from workplan_tui.store import actions
from workplan_tui.store.sample import write_demo
from workplan_tui.ui.app import make_app

NASTY = [
    "[bold]x",
    "[@click=app.quit]Open[/]",
    '[link="file:///etc/passwd"]x[/]',
    "Budget [/b] review",
    "esc \x1b[2J\x1b]52;c;ZXZpbA==\x07 done",
]


@pytest.fixture(autouse=True)
def _config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKPLAN_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return write_demo(tmp_path / "sample.json", today=FIXED_NOW.date(), user="alice")


def app(path: Path, theme: str | None = None):
    return make_app(path, user="alice", now=FIXED_NOW, theme=theme)


async def still(pilot) -> None:
    """No blinking cursors, nothing animating: the same picture every run."""
    await pilot.pause()
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    await pilot.pause()


def keys(*pressed: str):
    async def run_before(pilot) -> None:
        await pilot.press(*pressed)
        await still(pilot)

    return run_before


def test_board_80x24(snap_compare, sample: Path) -> None:
    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=keys())


def test_board_120x40(snap_compare, sample: Path) -> None:
    assert snap_compare(app(sample), terminal_size=(120, 40), run_before=keys("l", "j"))


@pytest.mark.parametrize("theme", ["workplan-light", "workplan-high-contrast"])
def test_board_in_each_theme(snap_compare, sample: Path, theme: str) -> None:
    """The selection is in the second column: only it shows a cursor."""
    assert snap_compare(app(sample, theme), terminal_size=(80, 24), run_before=keys("l", "j"))


def test_board_without_colour(snap_compare, sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR: the selected card is still plain to see, by its marker."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=keys("l", "j"))


def test_table_at_60x20(snap_compare, sample: Path) -> None:
    assert snap_compare(app(sample), terminal_size=(60, 20), run_before=keys("t"))


def test_help_at_60x20(snap_compare, sample: Path) -> None:
    assert snap_compare(app(sample), terminal_size=(60, 20), run_before=keys("question_mark"))


def test_table_view(snap_compare, sample: Path) -> None:
    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=keys("t"))


def test_edit_form(snap_compare, sample: Path) -> None:
    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=keys("l", "enter"))


def test_review(snap_compare, sample: Path) -> None:
    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=keys("r"))


def test_help(snap_compare, sample: Path) -> None:
    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=keys("question_mark"))


def test_stored_markup_shows_literally(snap_compare, sample: Path) -> None:
    store = make_store(sample)
    for title in NASTY:
        actions.add_task(store, 2, title, owner="alice", notes=title)
    actions.add_plan(store, NASTY[1])
    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=keys("t", "end"))


SCREENS = {
    "buyin": ("tab", "v"),  # the proposed plan, votes pending and one disagree
    "outcomes": ("o", "j"),
    "norms": ("N", "j", "j"),
    "partners": ("P",),
    "people": ("w",),
    "activity": ("L",),
    "meetings": ("M",),  # the next meeting selected
    "meeting": ("M", "up", "enter", *["j"] * 11),  # the past one: attendance, apologies late, a debrief owed
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_partnership_screens(snap_compare, sample: Path, screen: str, size: tuple[int, int]) -> None:
    assert snap_compare(app(sample), terminal_size=size, run_before=keys(*SCREENS[screen]))


@pytest.mark.parametrize(("keys_pressed", "what"), [(("P", "j"), "recipient"), (("P", "j", "j", "j", "j"), "grant")])
def test_partners_match_at_80x24(snap_compare, sample: Path, keys_pressed: tuple[str, ...], what: str) -> None:
    """The food bank, recipient of the city's grant (its pledges and the match report by kind), and the grant."""
    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=keys(*keys_pressed))


@pytest.mark.parametrize("theme", ["workplan-light", "workplan-high-contrast", "ansi-dark"])
def test_meeting_in_each_theme(snap_compare, sample: Path, theme: str) -> None:
    """The planned meeting's pre-filled agenda, the selection on its first item."""
    assert snap_compare(app(sample, theme), terminal_size=(80, 24), run_before=keys("M", "enter", "j"))


def test_meeting_without_colour(snap_compare, sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR: the selected member is plain to see by its marker; an overdue debrief says so in words."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=keys("M", "up", "enter", *["j"] * 10))


def test_meeting_stored_markup_shows_literally(snap_compare, sample: Path) -> None:
    store = make_store(sample)
    m = actions.add_meeting(store, NASTY[1], FIXED_NOW.date().isoformat(), place=NASTY[2], agenda=False)
    for text in NASTY:
        actions.agenda_add(store, m.id, text)
    actions.decide(store, m.id, NASTY[3])
    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=keys("M", "enter"))


def test_board_with_reasons_at_140x40(snap_compare, sample: Path) -> None:
    """Where there is room, each plan's row says why it has its health, and the selected plan
    has a line of its own; every outcome bar has its health, the reason and where it should be."""
    assert snap_compare(app(sample), terminal_size=(140, 40), run_before=keys())


def test_outcome_chart_at_risk_without_colour(snap_compare, sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR: the produce outcome, at risk: the health by its symbol and word; the chart's
    target, expected line, projection and check-ins (by confidence) by their shapes."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(app(sample), terminal_size=(120, 40), run_before=keys("o", "j", "j"))


def test_outcome_chart_in_the_ansi_theme(snap_compare, sample: Path) -> None:
    """Textual's theme of the terminal's 16 colours: health markers and chart marks still read."""
    assert snap_compare(app(sample, "ansi-dark"), terminal_size=(80, 24), run_before=keys("o", "j"))


# --- commitments (issue 26) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys_pressed", "what"),
    [
        (("P", "J", "J", "J"), "parks-record"),  # a late pledge, its tasks, what it leads
        (("P", "j", "j"), "schools-behind"),  # instalments, one behind, and a follow-up
        (("P", "j", "j", "s"), "pledge-dates-form"),
    ],
)
def test_partners_records_at_80x24(snap_compare, sample: Path, keys_pressed: tuple[str, ...], what: str) -> None:
    """Each partner's record: the summaries heading the list, a pledge late and one behind with
    their reasons, the tasks its members own, what it leads; the form of a pledge's dates."""
    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=keys(*keys_pressed))


def test_partners_in_the_light_theme_without_colour(
    snap_compare, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NO_COLOR: each partner's health and each pledge's still read, by their symbols and words."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(app(sample, "workplan-light"), terminal_size=(80, 24), run_before=keys("P", "j", "j"))


def test_follow_up_form_at_80x24(snap_compare, sample: Path) -> None:
    """f on the board: who was contacted, by whom, when, what was agreed, a new date."""
    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=keys("l", "j", "f"))


def test_review_of_a_late_pledge(snap_compare, sample: Path) -> None:
    """Review, past the plans and outcomes: the late pledge, its reason and its figures."""

    async def to_the_pledge(pilot) -> None:
        await pilot.press("r")
        for _ in range(30):
            if "pledge" in str(pilot.app.screen.query_one("#review-header").render()):
                break
            await pilot.press("space")
        await still(pilot)

    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=to_the_pledge)


# --- work over time (issue 29) ----------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_timeline(snap_compare, sample: Path, size: tuple[int, int]) -> None:
    """Weeks across, grouped by partner: the sample's hand-off (soil, beds, planting) waiting
    down the chain, its milestone, the weekly weigh-in, overdue and at-risk rows in words."""
    assert snap_compare(app(sample), terminal_size=size, run_before=keys("T"))


def test_timeline_by_plan_in_high_contrast(snap_compare, sample: Path) -> None:
    assert snap_compare(
        app(sample, "workplan-high-contrast"), terminal_size=(80, 24), run_before=keys("T", "g", "j", "j")
    )


def test_timeline_without_colour(snap_compare, sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR: the state of each row is in words, the selection shows by its marker."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=keys("T", "j"))


def test_waiting_card(snap_compare, sample: Path) -> None:
    """The Oak Street beds wait on the soil Parks delivers: where its bar would be, in words."""
    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=keys("l", "l", "j"))
