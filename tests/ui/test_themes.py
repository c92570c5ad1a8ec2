"""Themes are files: shipped ones load, a user's appears, a broken one is reported, choices persist."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import FIXED_NOW
from workplan_tui.ui.app import make_app
from workplan_tui.ui.themes import load_themes, theme_dirs


def test_shipped_themes_load() -> None:
    loaded = load_themes(theme_dirs()[:1])
    assert {"workplan-dark", "workplan-light", "workplan-high-contrast"} <= {t.name for t in loaded.themes}
    assert loaded.problems == []


async def test_user_theme_appears_and_broken_one_is_reported(wp: Path) -> None:
    user_themes = Path(os.environ["WORKPLAN_CONFIG_DIR"]) / "themes"
    user_themes.mkdir(parents=True)
    (user_themes / "mine.toml").write_text('name = "mine"\nprimary = "#884488"\n')
    (user_themes / "broken.toml").write_text('name = "broken"\nprimary = "not a colour"\n')
    app = make_app(wp, user="alice", now=FIXED_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "mine" in app.available_themes and "broken" not in app.available_themes
        assert app.theme == "workplan-dark"  # the default, despite the broken file
        messages = [str(n.message) for n in pilot.app._notifications]
        assert any("broken.toml: primary = 'not a colour' is not a colour" in m for m in messages)


async def test_theme_choice_is_remembered_per_user(wp: Path) -> None:
    settings = Path(os.environ["WORKPLAN_CONFIG_DIR"]) / "settings.json"
    async with make_app(wp, user="alice", now=FIXED_NOW).run_test(size=(80, 24)) as pilot:
        pilot.app.theme = "workplan-light"
        await pilot.pause()
    assert json.loads(settings.read_text())["theme"] == "workplan-light"
    async with make_app(wp, user="alice", now=FIXED_NOW).run_test(size=(80, 24)) as pilot:
        assert pilot.app.theme == "workplan-light"


async def test_theme_flag_and_unknown_theme(wp: Path) -> None:
    async with make_app(wp, user="alice", now=FIXED_NOW, theme="workplan-high-contrast").run_test() as pilot:
        assert pilot.app.theme == "workplan-high-contrast"
    async with make_app(wp, user="alice", now=FIXED_NOW, theme="nope").run_test() as pilot:
        assert pilot.app.theme == "workplan-dark"
        assert any("no theme called 'nope'" in str(n.message) for n in pilot.app._notifications)


async def test_no_color_is_honoured(wp: Path, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with make_app(wp, user="alice", now=FIXED_NOW).run_test() as pilot:
        assert pilot.app.no_color


async def test_a_terminal_of_16_colours_starts_in_the_theme_made_for_it(wp: Path, monkeypatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM")
    async with make_app(wp, user="alice", now=FIXED_NOW).run_test() as pilot:
        assert pilot.app.theme == "workplan-high-contrast"
    async with make_app(wp, user="alice", now=FIXED_NOW, theme="workplan-light").run_test() as pilot:
        assert pilot.app.theme == "workplan-light"  # a choice wins
    monkeypatch.setenv("TERM", "xterm-256color")
    settings = Path(os.environ["WORKPLAN_CONFIG_DIR"]) / "settings.json"
    settings.unlink()
    async with make_app(wp, user="alice", now=FIXED_NOW).run_test() as pilot:
        assert pilot.app.theme == "workplan-dark"
