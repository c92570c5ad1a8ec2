"""The one way stored text reaches a widget: cleaned of control codes, never parsed as markup."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from workplan_tui.model.text import clean


def content(text: object, style: str = "") -> Content:
    """Stored text as a Content: literal, no markup, no control characters."""
    return Content.styled(clean(text), style) if style else Content(clean(text))


def text(value: object, style: str = "") -> Text:
    """Stored text as a Rich Text (for Select / OptionList prompts): literal and clean."""
    return Text(clean(value), style=style)
