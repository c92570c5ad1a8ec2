"""Output that cannot fail: whatever the terminal's encoding, printing never raises.

A command that has written the file must not then crash printing a bar: a script
that retries it would apply the change twice (70 -> 80 -> 90). So the CLI's
streams are switched to an error handler that writes an ASCII stand-in for the
symbols workplan uses (bars, arrows, dots) and ``?`` for any other character the
terminal's encoding (latin-1, cp1252...) cannot show. (An ASCII stream is not one
of these: click re-wraps it as UTF-8 itself.)
"""

from __future__ import annotations

import codecs
import io
import sys

HANDLER = "workplan-ascii"

# Symbols the CLI prints, and what an ASCII-only terminal shows instead.
_STAND_INS = {
    "█": "#",
    "░": "-",
    "▏": "|",
    "·": "-",
    "…": "...",
    "→": "->",
    "←": "<-",
    "✓": "v",
    "•": "*",
    "—": "-",
    "–": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "×": "x",
    "◆": "*",
    "│": "|",
    "▸": ">",
    "◂": "<",
    "╌": "-",
    "─": "-",
    "⧗": "~",
    "↻": "@",
    "≥": ">=",
    "≤": "<=",
    "€": "EUR ",
    "₹": "INR ",
    "₩": "KRW ",
    "₦": "NGN ",
    "₱": "PHP ",
    "₪": "ILS ",
}


def _stand_in(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(_STAND_INS.get(ch, "?") for ch in text), error.end


codecs.register_error(HANDLER, _stand_in)


def make_streams_safe() -> None:
    """Make stdout and stderr print anything without raising (stand-ins where the encoding lacks a character)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            try:
                stream.reconfigure(errors=HANDLER)
            except (ValueError, OSError):
                pass
