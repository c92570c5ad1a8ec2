"""Every key a screen lists (in its key bar, its help and the palette) does something there."""

from __future__ import annotations

import inspect

import pytest
from textual.binding import Binding
from textual.screen import Screen

from workplan_tui.ui import forms, modals
from workplan_tui.ui.app import WorkplanApp
from workplan_tui.ui.screens import (
    activity,
    board,
    buyin,
    list_screen,
    member_tasks,
    norms,
    outcomes,
    partners,
    people,
    review,
)

MODULES = [activity, board, buyin, list_screen, member_tasks, norms, outcomes, partners, people, review, modals, forms]
SCREENS = sorted(
    {cls for module in MODULES for _, cls in inspect.getmembers(module, inspect.isclass) if issubclass(cls, Screen)},
    key=lambda cls: cls.__name__,
)


@pytest.mark.parametrize("screen", SCREENS, ids=lambda cls: cls.__name__)
def test_every_key_a_screen_lists_names_an_action_it_has(screen: type[Screen]) -> None:
    """The Activity screen's help listed 'escape: Back' bound to clear_or_back, which no screen had."""
    for binding in [*getattr(screen, "KEYS", []), *screen.BINDINGS]:
        if not isinstance(binding, Binding):
            continue
        action = binding.action.split("(", 1)[0]
        owner: type = WorkplanApp if action.startswith("app.") else screen
        name = action.removeprefix("app.").removeprefix("screen.")
        assert hasattr(owner, f"action_{name}"), f"{screen.__name__}: {binding.key} -> {binding.action}"
