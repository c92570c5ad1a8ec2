"""Readable by everyone: every screen, in every shipped theme, at 80x24.

One app per theme walks through every screen and dialog and checks the contrast of
every character against its background (WCAG AA, 4.5:1), as the terminal gets it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXED_NOW
from tests.ui.readability import PALETTES, low_contrast, report
from workplan_tui.store.sample import write_demo
from workplan_tui.ui.app import make_app
from workplan_tui.ui.themes import load_themes, theme_dirs

SHIPPED = sorted(t.name for t in load_themes(theme_dirs()[:1]).themes)

# (what, keys from the board to show it, keys back to the board)
VISITS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("board", (), ()),
    ("board, third column", ("l", "l", "j"), ("h", "h")),
    ("board, filter", ("slash", *"bed"), ("escape",)),
    ("table", ("t", "j"), ("t",)),
    ("task form", ("enter",), ("escape",)),
    ("blocked reason", ("b",), ("escape",)),
    ("assign", ("a",), ("escape",)),
    ("review", ("r",), ("escape",)),
    ("help", ("question_mark",), ("escape",)),
    ("palette", ("ctrl+p",), ("escape",)),
    ("buy-in", ("tab", "v", "j"), ("escape", "shift+tab")),
    ("vote", ("tab", "v", "v"), ("escape", "escape", "shift+tab")),
    ("outcomes", ("o", "j"), ("escape",)),
    ("check-in", ("o", "c"), ("escape", "escape")),
    ("norms", ("N", "j"), ("escape",)),
    ("partners", ("P",), ("escape",)),
    ("partner form", ("P", "e"), ("escape", "escape")),
    ("people", ("w", "j"), ("escape",)),
    ("member's tasks", ("w", "enter"), ("escape", "escape")),
    ("activity", ("L", "j"), ("escape",)),
    ("plans", ("p",), ("escape",)),
    ("notice", ("u",), ()),
]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return write_demo(tmp_path / "sample.json", today=FIXED_NOW.date(), user="alice")


@pytest.mark.parametrize("theme", SHIPPED)
async def test_every_screen_has_aa_contrast_in_every_theme(sample: Path, theme: str) -> None:
    app = make_app(sample, user="alice", now=FIXED_NOW, theme=theme)
    palettes = list(PALETTES) if app.get_theme(theme) and app.get_theme(theme).ansi else ["xterm"]  # type: ignore[union-attr]
    problems: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        for what, there, back in VISITS:
            await pilot.press(*there)
            await pilot.pause()
            for palette in palettes:
                cells = low_contrast(app, 4.5, palette)
                if cells:
                    problems.append(f"{what} ({palette}, {len(cells)} characters):\n{report(cells)}")
            await pilot.press(*back)
            await pilot.pause()
    assert not problems, f"{theme}: text below 4.5:1\n" + "\n".join(problems)
