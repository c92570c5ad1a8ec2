"""Every key of the board, read from the bindings of its app, screens and dialogs.

The walk imports every module under ``workplan_tui.ui`` (wherever a screen moves to, it is
found) and takes each class with bindings: its own ``BINDINGS`` and those it inherits from
workplan's classes, as Textual merges them. Textual's own keys that every screen has
(``ctrl+q``, the command palette) are listed once, from Textual itself. The help screen and
the footer read the same tables, so the reference says what the board does.

Only the docs import this module: it loads Textual and the whole board.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass, field

from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.keys import format_key
from textual.screen import ModalScreen

PACKAGE = "workplan_tui.ui"


@dataclass
class Key:
    keys: list[str]  # ['+', '='] as a person types them
    description: str
    action: str
    shown: bool  # in the key bar at the bottom, not only in help (?)

    @property
    def label(self) -> str:
        return " or ".join(self.keys)


@dataclass
class KeyTable:
    """The keys of one screen (or dialog, or the whole app)."""

    cls: type
    keys: list[Key] = field(default_factory=list)

    @property
    def qualname(self) -> str:
        return f"{self.cls.__module__}.{self.cls.__qualname__}"

    @property
    def title(self) -> str:
        """'BuyInScreen' -> 'Buy-in screen'; 'WorkplanApp' -> 'Everywhere'."""
        if issubclass(self.cls, App):
            return "Everywhere"
        words = re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z]*|[a-z]+|\d+", self.cls.__name__)
        text = " ".join(words).lower().replace("buy in", "buy-in")
        return text[:1].upper() + text[1:]

    @property
    def anchor(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")

    @property
    def heading(self) -> str:
        """What a person calls the screen or dialog ('A task's form'); ``title`` where HEADINGS has none."""
        return HEADINGS.get(self.cls.__name__, (self.title, ""))[0]

    @property
    def about(self) -> str:
        """What it is for, in a user's words (HEADINGS), else its docstring's first paragraph ('' without one)."""
        said = HEADINGS.get(self.cls.__name__, ("", ""))[1]
        if said:
            return said
        doc = inspect.cleandoc(self.cls.__dict__.get("__doc__") or "")
        return " ".join(doc.split("\n\n")[0].split()).replace("``", "`")


# What the reference calls each screen and dialog, and what it is for, where the class's name and
# docstring are a developer's ('AskText', "a new task when `task` is None"). The anchors stay the
# class's (#ask-text), so links into the reference hold. Classes not named here read as before.
HEADINGS: dict[str, tuple[str, str]] = {
    "BoardScreen": (
        "The board",
        "Plans, the selected plan's outcomes and its tasks in four columns (`t`: as a table).",
    ),
    "ActivityScreen": ("Activity", ""),
    "BuyInScreen": ("Buy-in", ""),
    "MemberTasks": ("A member's tasks", "One member's tasks (from People, `enter`); the board's keys work here."),
    "NormsScreen": ("Norms", "Each norm, who has agreed, and whether it is in force."),
    "OutcomesScreen": ("Outcomes", "A plan's outcomes, the selected one's check-ins, chart and linked tasks."),
    "PartnersScreen": ("Partners", "What each partner pledged and delivered, and each grant's match."),
    "PeopleScreen": ("People", ""),
    "ReviewScreen": ("Review", ""),
    "FormDialog": (
        "Forms",
        "A plan, an outcome, a check-in, a partner, a pledge, a grant: `ctrl+s` saves (and `enter` in a "
        "one-line field), `escape` cancels and changes nothing.",
    ),
    "TextScreen": ("Reading", "Lines to read, such as a member's earlier votes."),
    "HelpScreen": ("Help", "Every key of the screen it was opened on (`?`)."),
    "AskText": ("A question", "One line to answer, such as why a task is blocked."),
    "PickMember": ("Choosing a member", "Whom to assign a task to, or nobody."),
    "EditTask": ("A task's form", "A task in full, to read or change, or a new one; its history below."),
    "ConflictDialog": (
        "Someone changed it meanwhile",
        "Someone else changed the task while your form was open: for each field both changed, keep theirs or yours.",
    ),
}


def key_name(key: str) -> str:
    """How a person reads a key: 'plus' -> '+', 'question_mark' -> '?'; 'escape', 'up' stay."""
    key = key.strip()
    shown = format_key(key)
    return shown if len(shown) == 1 and shown.isascii() and shown.isprintable() else key


def _bindings(cls: type) -> list[BindingType]:
    """The class's own bindings and those of workplan's classes it inherits from, nearest first."""
    result: list[BindingType] = []
    for klass in cls.__mro__:
        if not klass.__module__.startswith("workplan_tui."):
            continue
        result.extend(klass.__dict__.get("BINDINGS", []))
        if not klass.__dict__.get("inherit_bindings", True):
            break
    return result


def _keys(bindings: list[BindingType]) -> list[Key]:
    keys: list[Key] = []
    taken: set[str] = set()  # a subclass's key hides the same key of its base, as in Textual
    for item in bindings:
        binding = item if isinstance(item, Binding) else Binding(*item)
        names = [key_name(k) for k in binding.key.split(",") if key_name(k) not in taken]
        if not names:
            continue
        taken.update(names)
        keys.append(Key(names, binding.description, binding.action, binding.show))
    return keys


def modules() -> list[str]:
    """Every module of the board's package, imported."""
    package = importlib.import_module(PACKAGE)
    names = [PACKAGE]
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{PACKAGE}."):
        names.append(info.name)
    for name in names:
        importlib.import_module(name)
    return names


def tables() -> list[KeyTable]:
    """A table per class that has keys: the app, the screens, the dialogs, each in the order of the source."""
    found: list[tuple[int, str, int, type]] = []
    seen: set[type] = set()
    for name in modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls in seen or cls.__module__ != name or not issubclass(cls, DOMNode):
                continue
            seen.add(cls)
            if _bindings(cls):
                line = inspect.getsourcelines(cls)[1]
                found.append((_rank(cls), name, line, cls))
    found.sort(key=lambda item: item[:3])
    result = []
    for *_, cls in found:
        table = KeyTable(cls, _keys(_bindings(cls)))
        # A base whose keys its subclasses inherit (a list screen's arrows) is listed in each of them.
        if table.keys and not any(other is not cls and issubclass(other, cls) for *_, other in found):
            result.append(table)
    return result


def _rank(cls: type) -> int:
    """The app's keys first, then the screens', then the dialogs'."""
    if issubclass(cls, App):
        return 0
    return 2 if issubclass(cls, ModalScreen) else 1


def textual_keys() -> list[Key]:
    """Keys every Textual screen has: quit and the command palette (from Textual, not copied)."""
    keys = _keys([b for b in App.BINDINGS if isinstance(b, Binding) and b.description])
    palette = App.COMMAND_PALETTE_BINDING
    keys.append(
        Key([key_name(palette)], "Command palette: every action by its name, and themes", "command_palette", True)
    )
    return keys


def problems(found: list[KeyTable]) -> list[str]:
    """A key without a description cannot be documented (nor shown in help or the palette)."""
    result = []
    for table in found:
        for key in table.keys:
            if not key.description.strip():
                result.append(f"{table.qualname}: key {key.label} ({key.action}) has no description")
    return result
