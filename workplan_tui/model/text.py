"""Text from the shared file is data: make it safe to show in a terminal.

Any member of the group can edit the JSON by hand, so a title may hold ESC
sequences (clear screen, OSC 52 clipboard writes), other C0/C1 controls, DEL or
bidi overrides that reorder what a reader sees. ``clean`` replaces every one of
them with a visible stand-in. It does not touch Rich/Textual markup: widgets must
still show text as ``Text``/``Content`` or with ``markup=False``.
"""

from __future__ import annotations

import os
import re
from datetime import datetime

_REPLACEMENT = "\ufffd"


def _build_table(multiline: bool) -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):
        # Control Pictures block: U+2400 + code shows e.g. ESC as a visible glyph.
        table[code] = chr(0x2400 + code)
    table[0x7F] = "\u2421"  # DEL
    for code in range(0x80, 0xA0):
        table[code] = _REPLACEMENT
    for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C):
        table[code] = _REPLACEMENT
    table[ord("\t")] = " "
    # Unicode's own line and paragraph separators: scripts that split output with
    # str.splitlines() would see an extra line in the middle of a title.
    table[0x2028] = table[0x2029] = "\n" if multiline else " "
    if multiline:
        del table[ord("\n")]
    else:
        table[ord("\n")] = " "
    table[ord("\r")] = "" if multiline else " "
    return table


_SINGLE_LINE = _build_table(multiline=False)
_MULTI_LINE = _build_table(multiline=True)


def clean(text: object, *, multiline: bool = False) -> str:
    """Return ``text`` as a string with no control or bidi-override characters.

    Newlines become spaces unless ``multiline`` is true; tabs become spaces.
    """
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    if s.isascii() and s.isprintable():
        return s
    return s.translate(_MULTI_LINE if multiline else _SINGLE_LINE)


def short(value: object, limit: int = 30) -> str:
    """A logged value for one line: '-' for nothing (an empty list too), a list of labels or
    handles as its items ('T9, T12': what a task waits on, who agreed), a list of named records
    by their names in order (an agenda: 'Welcome, Budget'), '[3]' for any other list
    (check-ins), a record by its title or name, else clean and cut. References are shown as
    stored: label them first (``contract.labelled``)."""
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, list) and all(type(v) in (str, int) for v in value):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, list):
        value = _names_text(value)  # an agenda: its items, in their order
        if isinstance(value, list):
            return f"[{len(value)}]"
    if isinstance(value, dict):  # a whole record (a removal, its undo): by what people call it
        inner = value.get("record")
        fields: dict[object, object] = inner if isinstance(inner, dict) else value
        named = next(
            (
                fields[k]
                for k in ("title", "name", "handle", "code", "text", "description")
                if isinstance(fields.get(k), str)
            ),
            None,
        )
        amount = fields.get("amount")  # a delivery: by how much
        if named is None and type(amount) in (int, float):
            named = f"{amount:,}"
        value = "{…}" if named is None else named
    s = clean(str(value))
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _name_of(item: object) -> str | None:
    """What people call a record in a list (an agenda item by its text): its title, name or
    text; None when it has none (a check-in, a delivery)."""
    if not isinstance(item, dict):
        return None
    return next((item[k] for k in ("title", "name", "text") if isinstance(item.get(k), str)), None)


def _names_text(value: object) -> object:
    """A list of named records as its names ('Welcome, Budget'), as ``short`` shows it; else ``value``."""
    if isinstance(value, list) and value and all(_name_of(v) is not None for v in value):
        return ", ".join(str(_name_of(v)) for v in value)
    return value


def full_stop(text: str) -> str:
    """``text`` ended as a sentence: a full stop added unless it already ends with one ('.',
    '!', '?', '…'; a note typed as 'arrives Monday.' reads so, not 'arrives Monday..')."""
    stripped = text.rstrip()
    return stripped if not stripped or stripped.endswith((".", "!", "?", "…")) else stripped + "."


def stamp(at: object, *, date_only: bool = False) -> str:
    """A stored UTC timestamp in the viewer's local time: '2026-11-28 09:30' (or '2026-11-28').

    Times are stored in UTC (``...Z``); shown unconverted, an evening change west of
    UTC would carry the next day's date. Timestamps come from the shared file like any
    other text, so one that does not parse is shown cleaned and cut, never raw.
    """
    s = clean(at)
    try:
        local = datetime.fromisoformat(s).astimezone()
    except ValueError:
        return s[:10] if date_only else s[:16].replace("T", " ")
    return local.strftime("%Y-%m-%d" if date_only else "%Y-%m-%d %H:%M")


def around_difference(value: object, other: object, limit: int = 30) -> str:
    """``short(value, limit)``, but a long text is cut around where it first differs from
    ``other``: 'Photos and a story for the di…' against the same with ' (edited)' added
    reads '…the district newsletter (edited)'; so too a list of named records (an agenda) by
    its names. For choosing between versions (a conflict)."""
    value, other = _names_text(value), _names_text(other)
    if not (isinstance(value, str) and isinstance(other, str)) or value == other or len(value) <= limit:
        return short(value, limit)
    first = len(os.path.commonprefix([value, other]))  # where they first differ
    if first < limit - 1:
        return short(value, limit)
    begin = max(0, min(first - limit // 3, len(value) - limit + 1))
    return "…" + short(value[begin:], limit - 1)


class LazyPattern:
    """A regular expression compiled on its first use, not when its module is imported.

    Compiling costs about 0.1 ms a pattern; a command that never reads an amount or a
    date in words should not pay for those patterns (benchmarks/bench_scale.py times
    every command from process start). The methods are ``re.Pattern``'s, for ``str``.
    """

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled once, at the first call)."""
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def match(self, text: str) -> re.Match[str] | None:
        """``re.Pattern.match``: a match at the start of ``text``, or None."""
        return self.compiled.match(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        """``re.Pattern.fullmatch``: a match of the whole of ``text``, or None."""
        return self.compiled.fullmatch(text)

    def sub(self, replacement: str, text: str) -> str:
        """``re.Pattern.sub``: ``text`` with every match replaced."""
        return self.compiled.sub(replacement, text)
