"""One parser for the dates people type, one formatter for showing them."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from workplan_tui.model.schema import valid_date

if TYPE_CHECKING:
    import pendulum

ACCEPTED_FORMS = (
    "today, tomorrow, a weekday (fri, friday), next friday, in 3 days, in 2 weeks, "
    "+5d, +2w, eow (this Friday), eom (end of month), or YYYY-MM-DD"
)

_WEEKDAYS = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "weds": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
_UNITS = {"d": "days", "day": "days", "days": "days", "w": "weeks", "week": "weeks", "weeks": "weeks"}
_UNITS.update({"m": "months", "month": "months", "months": "months"})
# ASCII digits only: "\d" also matches other scripts' digits ("３ days"), which int()
# then refuses with Python's own message. "\Z", not "$" (a final newline).
_RELATIVE = re.compile(r"(?:in\s+([0-9]{1,4})\s*([a-z]+)|\+([0-9]{1,4})\s*([a-z]+))\Z")


class DateError(ValueError):
    """Text that is not a date this parser understands."""


def today() -> date:
    """Today's local date (a plain ``date``: importing pendulum costs start-up time)."""
    return date.today()


def parse_date(text: str, *, today: date) -> pendulum.Date:
    """Turn what a person typed into a date, relative to ``today``.

    ``fri`` is the next Friday after today (a week ahead when today is Friday);
    ``next fri`` is the Friday of next week (the week after this Monday-to-Sunday one).
    """
    import pendulum

    today = pendulum.Date(today.year, today.month, today.day)
    s = " ".join(text.strip().lower().split())
    if not s:
        raise DateError(f"empty date; use {ACCEPTED_FORMS}")
    if s == "today":
        return today
    if s == "tomorrow":
        return today.add(days=1)
    if s in _WEEKDAYS:
        return _next_weekday(today, _WEEKDAYS[s])
    if s.startswith("next ") and s[5:] in _WEEKDAYS:
        monday_next_week = today.add(days=7 - today.day_of_week)
        return monday_next_week.add(days=_WEEKDAYS[s[5:]])
    if s == "next week":
        return today.add(days=7 - today.day_of_week)
    if s == "eow":
        return today.add(days=(4 - today.day_of_week) % 7)
    if s == "eom":
        return today.end_of("month")
    match = _RELATIVE.match(s)
    if match:
        amount = int(match.group(1) or match.group(3))
        unit = _UNITS.get(match.group(2) or match.group(4))
        if unit is not None:
            return today.add(**{unit: amount})
    if valid_date(s):  # the file's own date pattern: ASCII digits only
        try:
            return pendulum.Date.fromisoformat(s)
        except ValueError as exc:
            raise DateError(f"{text.strip()!r} is not a real date ({exc})") from None
    raise DateError(f"cannot read {text.strip()!r} as a date; use {ACCEPTED_FORMS}")


def _next_weekday(today: pendulum.Date, weekday: int) -> pendulum.Date:
    ahead = (weekday - today.day_of_week) % 7
    return today.add(days=ahead or 7)


def _long(when: date) -> str:
    return f"{when.day} {when:%b %Y}"


def format_due(due: str | None, *, today: date, done: bool = False) -> str:
    """Humanise a due date: "due today", "due in 3 days", "2 days overdue"."""
    if not due:
        return "no due date"
    try:
        when = date.fromisoformat(due)
    except ValueError:
        return f"due {due}"
    days = when.toordinal() - today.toordinal()
    if done:
        return f"was due {_long(when)}"
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    if days == -1:
        return "1 day overdue"
    if days < 0:
        return f"{-days} days overdue"
    if days < 14:
        return f"due in {days} days"
    if days < 8 * 7:
        return f"due in {days // 7} weeks"
    return f"due {_long(when)}"


def days_until(due: str | None, *, today: date) -> int | None:
    """Whole days from today until ``due`` (negative when overdue), None without a date."""
    if not due:
        return None
    try:
        return date.fromisoformat(due).toordinal() - today.toordinal()
    except ValueError:
        return None


def preview(text: str, *, today: date) -> str:
    """A short confirmation of what ``text`` means, e.g. "Fri 4 Dec · in 6 days"."""
    when = parse_date(text, today=today)
    relative = format_due(when.isoformat(), today=today).removeprefix("due ")
    return f"{when:%a} {when.day} {when:%b} · {relative}"


PAST_FORMS = "today, yesterday, a weekday (mon: the latest Monday), 3 days ago, -2w, or YYYY-MM-DD"
_AGO = re.compile(r"(?:([0-9]{1,4})\s*([a-z]+)\s+ago|-([0-9]{1,4})\s*([a-z]+))\Z")


def parse_past_date(text: str, *, today: date) -> date:
    """A day in the past people type, for looking back (``log --since``): relative to ``today``.

    ``mon`` is the latest Monday (today when today is Monday); ``3 days ago`` and ``-3d``
    count back; ISO dates as they are. Raises DateError with the forms accepted.
    """
    from datetime import timedelta

    s = " ".join(text.strip().lower().split())
    if s == "today":
        return today
    if s == "yesterday":
        return today - timedelta(days=1)
    if s in _WEEKDAYS:
        return today - timedelta(days=(today.weekday() - _WEEKDAYS[s]) % 7)
    match = _AGO.match(s)
    if match:
        amount = int(match.group(1) or match.group(3))
        unit = _UNITS.get(match.group(2) or match.group(4))
        if unit == "days":
            return today - timedelta(days=amount)
        if unit == "weeks":
            return today - timedelta(weeks=amount)
        if unit == "months":
            month = today.month - 1 - amount
            year, month = today.year + month // 12, month % 12 + 1
            if year < 1:
                raise DateError(f"{text.strip()!r} is too far back")
            return date(year, month, min(today.day, 28))
    if valid_date(s):
        try:
            return date.fromisoformat(s)
        except ValueError as exc:
            raise DateError(f"{text.strip()!r} is not a real date ({exc})") from None
    raise DateError(f"cannot read {text.strip()!r} as a past date; use {PAST_FORMS}")
