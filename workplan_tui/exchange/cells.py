"""What a CSV cell may hold: the rule shared by the export and the import (spreadsheet formulas).

Stored text is untrusted, and a spreadsheet program runs a cell that starts with ``=``,
``+``, ``-`` or ``@`` as a formula (CSV injection: ``=HYPERLINK(...)``, ``=cmd|...``). So
an exported text cell that starts with one of those (after any spaces), or with ``'``
itself, gets a leading ``'``: spreadsheets show the text as it is, and ``unquote`` takes
exactly that one ``'`` off again on import, so text survives the round trip unchanged.
Control characters are replaced (``model.text.clean``); line breaks in notes are kept.
Numbers workplan writes itself (progress, amounts) are plain numbers, never quoted.
"""

from __future__ import annotations

from workplan_tui.model.text import clean

_FORMULA = ("=", "+", "-", "@")


def text_cell(value: object, *, multiline: bool = False) -> str:
    """Stored text as a CSV cell: clean, and never a formula."""
    if value is None:
        return ""
    text = clean(value, multiline=multiline)
    if text.startswith("'") or text.lstrip().startswith(_FORMULA) or text[:1] in ("\t", "\r"):
        return "'" + text
    return text


def number_cell(value: float | int | None) -> str:
    """A number as a spreadsheet reads it: 10000, 1250.5, -5 ('' for none)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


def unquote(cell: str) -> str:
    """A cell as read back: the one ``'`` that ``text_cell`` (or a spreadsheet) put before text
    that would otherwise be a formula, or before a ``'``, taken off."""
    if cell.startswith("'") and (cell[1:].lstrip().startswith(_FORMULA) or cell[1:2] == "'"):
        return cell[1:]
    return cell
