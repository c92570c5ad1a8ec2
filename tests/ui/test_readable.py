"""Readable by everyone: every screen, in every shipped theme, at 80x24.

One app per theme walks through every screen and dialog and checks the contrast of
every character against its background (WCAG AA, 4.5:1), as the terminal gets it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXED_NOW
from tests.ui.readability import PALETTES, default_colours, low_contrast, report
from workplan_tui.store.sample import write_demo
from workplan_tui.ui.app import make_app
from workplan_tui.ui.themes import load_themes, theme_dirs

SHIPPED = sorted(t.name for t in load_themes(theme_dirs()[:1]).themes)

# (what, the screen it is, keys from the board to show it, keys back to the board)
VISITS: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("board", "BoardScreen", (), ()),
    ("board, third column", "BoardScreen", ("l", "l", "j"), ("h", "h")),
    ("board, filter", "BoardScreen", ("slash", *"bed"), ("escape",)),
    ("table", "BoardScreen", ("t", "j"), ("t",)),
    ("task form", "EditTask", ("enter",), ("escape",)),
    ("blocked reason", "AskText", ("b",), ("escape",)),
    ("assign", "PickMember", ("a",), ("escape",)),
    ("a field's choices", "EditTask", ("enter", "tab", "enter"), ("escape", "escape")),
    ("review", "ReviewScreen", ("r",), ("escape",)),
    ("help", "HelpScreen", ("question_mark",), ("escape",)),
    ("palette", "CommandPalette", ("ctrl+p",), ("escape",)),
    ("plan form", "FormDialog", ("p",), ("escape",)),
    ("buy-in", "BuyInScreen", ("tab", "v", "j"), ("escape", "shift+tab")),
    ("vote", "FormDialog", ("tab", "v", "v"), ("escape", "escape", "shift+tab")),
    ("outcomes", "OutcomesScreen", ("o", "j"), ("escape",)),
    ("check-in", "FormDialog", ("o", "c"), ("escape", "escape")),
    ("norms", "NormsScreen", ("N", "j"), ("escape",)),
    ("partners", "PartnersScreen", ("P",), ("escape",)),
    ("partner form", "FormDialog", ("P", "e"), ("escape", "escape")),
    ("people", "PeopleScreen", ("w", "j"), ("escape",)),
    ("member's tasks", "MemberTasks", ("w", "enter"), ("escape", "escape")),
    ("activity", "ActivityScreen", ("L", "j"), ("escape",)),
    ("timeline", "TimelineScreen", ("T", "j"), ("escape",)),
    ("timeline by plan", "TimelineScreen", ("T", "g", "z"), ("escape",)),
    ("a notice", "BoardScreen", ("u",), ()),
]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return write_demo(tmp_path / "sample.json", today=FIXED_NOW.date(), user="alice")


@pytest.mark.parametrize("half", [0, 1], ids=["board-side", "partnership-side"])
@pytest.mark.parametrize("theme", SHIPPED)
async def test_every_screen_has_aa_contrast_in_every_theme(sample: Path, theme: str, half: int) -> None:
    """Each visit starts and ends on the board, so the walk splits in two (parallel workers)."""
    middle = len(VISITS) // 2
    await walk(sample, theme, VISITS[:middle] if half == 0 else VISITS[middle:])


@pytest.mark.parametrize("theme", SHIPPED)
async def test_no_color_keeps_the_text_readable(sample: Path, theme: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR takes the colours out, never the text (a theme of ANSI colours once went black on black)."""
    monkeypatch.setenv("NO_COLOR", "1")
    await walk(sample, theme, VISITS[:6])


async def walk(sample: Path, theme: str, visits: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]) -> None:
    app = make_app(sample, user="alice", now=FIXED_NOW, theme=theme)
    ansi = bool(app.get_theme(theme) and app.get_theme(theme).ansi)  # type: ignore[union-attr]
    # A theme of ANSI colours is drawn with the terminal's palette (xterm's or the VGA's);
    # an RGB theme as sent to a terminal of true colour and to one of 256 (tmux's default),
    # which gets each colour as the nearest of its palette: the same screens, read twice.
    renderings = [(p, "truecolor") for p in PALETTES] if ansi else [("xterm", "truecolor"), ("xterm", "256")]
    problems: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        for what, screen, there, back in visits:
            await pilot.press(*there)
            await pilot.pause()
            assert type(app.screen).__name__ == screen, f"{what}: {app.screen} instead of {screen}"
            for palette, system in renderings:
                cells = low_contrast(app, 4.5, palette, system)
                if cells:
                    problems.append(f"{what} ({palette}, {system}, {len(cells)} characters):\n{report(cells)}")
            if ansi and not app.no_color:  # the terminal's own colours: never its default for one side only
                half = default_colours(app)
                if half:
                    problems.append(f"{what}: {len(half)} parts on a default colour:\n" + "\n".join(half[:8]))
            await pilot.press(*back)
            await pilot.pause()
    assert not problems, f"{theme}: text below 4.5:1, or on a default colour\n" + "\n".join(problems)


async def test_a_terminal_of_256_colours_gets_the_palette_the_check_reads(sample: Path, monkeypatch) -> None:
    """tmux's default terminal (TERM=tmux-256color, no COLORTERM) starts in the dark theme
    and is sent each colour as the nearest of its 256 (``38;5;N``), never as RGB: the
    rendering ``low_contrast(..., color_system="256")`` reads in the walk above."""
    monkeypatch.setenv("TERM", "tmux-256color")
    monkeypatch.delenv("COLORTERM")
    app = make_app(sample, user="alice", now=FIXED_NOW)
    async with app.run_test(size=(80, 24)):
        assert app.console.color_system == "256" and app.theme == "workplan-dark"
        sent = "".join(strip.render(app.console) for strip in app.screen._compositor.render_strips())
        assert "38;5;" in sent and "48;5;" in sent and ";2;" not in sent
