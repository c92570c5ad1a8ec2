"""How people type text and numbers: one set of rules for the command line, the board's forms
and the actions (a progress is typed as ``rules.parse_progress`` says, money as ``money`` does).

A number is written with ASCII digits and a point for decimals (``12.5``, ``-3``, ``1e3``);
a comma is refused with a hint, not guessed: ``10,5`` is the decimal comma of half the
partners and ``1,000`` a thousands separator of the other half (the board's forms once read
``10,5`` as 105). Numbers in other scripts' digits and ones that are not finite are refused.
"""

from __future__ import annotations

from workplan_tui.model.records import MAX_NUMBER, SHORT_TEXT
from workplan_tui.model.rules import RuleError


def text(value: str, what: str, limit: int = SHORT_TEXT, *, required: bool = True) -> str:
    """``value`` without the white space around it, at most ``limit`` characters (the file's
    limits: ``records.SHORT_TEXT`` for a name or title, ``LONG_TEXT`` for notes); RuleError
    naming ``what`` ("task title must not be empty") when it is empty and ``required``, or too long."""
    value = value.strip()
    if required and not value:
        raise RuleError(f"{what} must not be empty")
    if len(value) > limit:
        raise RuleError(f"{what} is {len(value)} characters long; at most {limit} allowed")
    return value


def number(value: str | float, what: str = "") -> int | float:
    """A number as typed (``"12.5"``) or given (``12.5``), whole numbers as ``int`` (a file
    shows ``40``, not ``40.0``). RuleError, naming ``what``, for text that is not a number
    (``10,5``: "write decimals with a point"), other scripts' digits, infinity and NaN, or beyond
    ``records.MAX_NUMBER`` either way (the file's bound, said in words, not as a field's)."""
    named = f"{what} " if what else ""
    if isinstance(value, str):
        typed = value.strip()
        if "," in typed:
            raise RuleError(
                f"{named}{typed!r} is not a number: write decimals with a point (10.5), without thousands separators"
            )
        try:
            if not typed.isascii():
                raise ValueError(typed)
            value = float(typed)
        except ValueError:
            raise RuleError(f"{named}{typed!r} is not a number (e.g. 40 or 12.5)") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise RuleError(f"{named}must be a finite number")
    if abs(value) > MAX_NUMBER:  # what the file may hold (records.MAX_NUMBER), said in words
        shown = f"{value:,.0f}" if abs(value) < 1e21 else f"{value:.3g}"
        raise RuleError(f"{named}{shown} is too large: workplan takes numbers up to {MAX_NUMBER:,.0f}")
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


def day(value: str, what: str) -> str:
    """An ISO day as the file stores it (``2026-12-15``: a real date, ``records.Date``);
    RuleError naming ``what`` ("start date '2026-02-30' is not YYYY-MM-DD (a real date)")
    otherwise. Words people type (``fri``, ``in 2 weeks``) are read before this
    (``dates.parse_date``)."""
    from workplan_tui.model.schema import valid_date

    if not valid_date(value):
        raise RuleError(f"{what} {value!r} is not YYYY-MM-DD (a real date)")
    return value
