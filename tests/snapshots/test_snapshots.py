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
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_partnership_screens(snap_compare, sample: Path, screen: str, size: tuple[int, int]) -> None:
    assert snap_compare(app(sample), terminal_size=size, run_before=keys(*SCREENS[screen]))


@pytest.mark.parametrize(("keys_pressed", "what"), [(("P", "j"), "recipient"), (("P", "j", "j", "j", "j"), "grant")])
def test_partners_match_at_80x24(snap_compare, sample: Path, keys_pressed: tuple[str, ...], what: str) -> None:
    """The food bank, recipient of the city's grant (its pledges and the match report by kind), and the grant."""
    assert snap_compare(app(sample), terminal_size=(80, 24), run_before=keys(*keys_pressed))


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
