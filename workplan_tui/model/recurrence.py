"""How often a recurring task comes back, and when next (pure: no I/O).

A repeat is typed as people say it and stored in one canonical word (``canonical``):

==============================  ===============  ============================================
typed                           stored           the next one after a day
==============================  ===============  ============================================
day, daily, 3d, 3 days          day, 3d          the series' first day + a whole number of steps
week, weekly, 2w, fortnight     week, 2w         (as days)
month, monthly, 2m, quarter,    month, 2m,       the first day's day of the month, a whole number
year, annually                  quarter, year    of months on; cut to the month's last day
monday, mon, mondays            mon              the next Monday
1st of month, 15th, the 31st    1st of month     that day of the next month that has a later one;
                                                 cut to the month's last day (31st: 30 April)
last of month, end of month     last of month    the next month's last day
==============================  ===============  ============================================

Steps of months always count from the series' first due day (its ``anchor``), never from the
last instance: monthly from 31 January is 29 February (in a leap year), 31 March, 30 April,
and never drifts to the 28th. A yearly series from 29 February falls on 28 February in other
years and on the 29th again in leap years.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from workplan_tui.model.text import LazyPattern

FORMS = "day, 3d, week, 2w, month, quarter, year, a weekday (monday), 1st of month, 15th of month, last of month"

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_WORDS = {
    **{name: i for i, name in enumerate(_WEEKDAYS)},
    **{
        name.lower(): i
        for i, name in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))
    },  # fmt: skip
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_INTERVAL = LazyPattern(r"([0-9]{1,3})\s*(d|days?|w|weeks?|m|months?)\Z")
_DAY_OF_MONTH = LazyPattern(
    r"(?:the\s+)?([0-9]{1,2})(st|nd|rd|th)?(?:\s+day)?(\s+of\s+(?:the\s+|each\s+|every\s+)?month)?\Z"
)
_LAST = ("last of month", "last day of month", "last day of the month", "last of the month", "end of month",
         "end of the month", "eom", "month end", "last day", "last")  # fmt: skip
_SAME = {
    "day": "day",
    "daily": "day",
    "every day": "day",
    "week": "week",
    "weekly": "week",
    "fortnight": "2w",
    "fortnightly": "2w",
    "month": "month",
    "monthly": "month",
    "quarter": "quarter",
    "quarterly": "quarter",
    "year": "year",
    "yearly": "year",
    "annually": "year",
    "annual": "year",
}
_MAX = {"d": 366, "w": 104, "m": 120}
_STORED_INTERVAL = LazyPattern(r"([1-9][0-9]{0,2})([dwm])\Z")
_STORED_MONTHDAY = LazyPattern(r"([1-9][0-9]?)(st|nd|rd|th) of month\Z")


class RepeatError(ValueError):
    """Text that is not a repeat this understands (one line, with the forms it takes)."""


class NoNextDay(ValueError):
    """A series has no next day in the calendar: the day after which it is wanted is at its end
    (31 December 9999: only a hand edit puts a due day there). One line, naming the day."""


class Repeat(NamedTuple):
    """A repeat read: ``kind`` is "days" or "months" (``step`` of them), "weekday" (``step``: 0 for
    Monday) or "monthday" (``step``: the day of the month, 1 to 31; 0 for the last day)."""

    kind: str
    step: int


def canonical(text: str) -> str:
    """What a person typed (``every Monday``, ``2 weeks``, ``the 1st``) as the word the file stores
    (``mon``, ``2w``, ``1st of month``). Raises RepeatError, naming the forms it takes."""
    s = " ".join(text.strip().lower().split())
    s = s.removeprefix("every ").removeprefix("each ").strip()
    if s in _SAME:
        return _SAME[s]
    if s in _LAST:
        return "last of month"
    day = s.removesuffix("s") if s.endswith("days") and s[:-1].removesuffix("day") in _WEEKDAY_WORDS else s
    if day in _WEEKDAY_WORDS:
        return _WEEKDAYS[_WEEKDAY_WORDS[day]]
    match = _INTERVAL.match(s)
    if match:
        number, unit = int(match.group(1)), match.group(2)[0]
        if not 1 <= number <= _MAX[unit]:
            raise RepeatError(f"every {number} {_UNIT_WORDS[unit]}s is out of range (1 to {_MAX[unit]})")
        if unit == "m":
            return {1: "month", 3: "quarter", 12: "year"}.get(number, f"{number}m")
        if unit == "w" and number == 1:
            return "week"
        if unit == "d" and number == 1:
            return "day"
        if unit == "d" and number % 7 == 0:
            return "week" if number == 7 else f"{number // 7}w"
        return f"{number}{unit}"
    match = _DAY_OF_MONTH.match(s)
    if match and (match.group(2) or match.group(3)):
        number = int(match.group(1))
        if not 1 <= number <= 31:
            raise RepeatError(f"{text.strip()!r}: a month has days 1 to 31")
        return f"{ordinal(number)} of month"
    raise RepeatError(f"cannot read {text.strip()!r} as a repeat; use {FORMS}")


_UNIT_WORDS = {"d": "day", "w": "week", "m": "month"}


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st, 31st."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{({1: 'st', 2: 'nd', 3: 'rd'}).get(number % 10, 'th')}"


def parse(stored: str) -> Repeat:
    """A stored repeat (``canonical``'s word) as a Repeat. Raises RepeatError for anything else."""
    if stored in ("day", "week", "month", "quarter", "year"):
        return {
            "day": Repeat("days", 1),
            "week": Repeat("days", 7),
            "month": Repeat("months", 1),
            "quarter": Repeat("months", 3),
            "year": Repeat("months", 12),
        }[stored]
    if stored in _WEEKDAYS:
        return Repeat("weekday", _WEEKDAYS.index(stored))
    if stored == "last of month":
        return Repeat("monthday", 0)
    match = _STORED_INTERVAL.match(stored)
    if match:
        number, unit = int(match.group(1)), match.group(2)
        if number <= _MAX[unit]:
            return Repeat("months", number) if unit == "m" else Repeat("days", number * (7 if unit == "w" else 1))
    match = _STORED_MONTHDAY.match(stored)
    if match and int(match.group(1)) <= 31 and ordinal(int(match.group(1))) == stored.split()[0]:
        return Repeat("monthday", int(match.group(1)))
    raise RepeatError(f"{stored!r} is not a repeat; use {FORMS}")


def repeat_problem(value: object) -> str | None:
    """Why a stored value is not a repeat in its canonical word, or None (the file's check)."""
    if not isinstance(value, str):
        return "must be text"
    try:
        parse(value)
    except RepeatError:
        try:
            return f"must be written {canonical(value)!r} (found {value[:40]!r})"
        except RepeatError:
            return f"must be a repeat such as week, 2w, month, mon or 1st of month (found {value[:40]!r})"
    if canonical(value) != value:
        return f"must be written {canonical(value)!r} (found {value!r})"
    return None


def words(stored: str) -> str:
    """A repeat for people: 'every week', 'every 2 weeks', 'every Monday', 'on the 1st of every
    month', 'on the last day of every month', 'every quarter'."""
    try:
        rule = parse(stored)
    except RepeatError:
        return f"every {stored}"
    if rule.kind == "weekday":
        return f"every {_WEEKDAY_NAMES[rule.step]}"
    if rule.kind == "monthday":
        return "on the last day of every month" if rule.step == 0 else f"on the {ordinal(rule.step)} of every month"
    if stored in ("day", "week", "month", "quarter", "year"):
        return f"every {stored}"
    if rule.kind == "days":
        return f"every {rule.step // 7} weeks" if rule.step % 7 == 0 else f"every {rule.step} days"
    return f"every {rule.step} months"


# --- dates ------------------------------------------------------------------------------------


def _month_length(year: int, month: int) -> int:
    """How many days the month has (29 in February of a leap year)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _month_day(year: int, month: int, day: int) -> date:
    """Day ``day`` of a month, or its last day when it has fewer (0: its last day)."""
    last = _month_length(year, month)
    return date(year, month, last if day == 0 else min(day, last))


def _months_on(anchor: date, months: int) -> date:
    """``anchor`` moved ``months`` months on, on the anchor's day of the month (cut to the month's end)."""
    index = anchor.year * 12 + anchor.month - 1 + months
    return _month_day(index // 12, index % 12 + 1, anchor.day)


def next_after(stored: str, anchor: date, after: date) -> date:
    """The first day of the series after ``after`` (never on it): see the module's table.
    ``anchor`` is the series' first due day. Raises RepeatError for a repeat that is not one, and
    NoNextDay when that day would be past the calendar's last (``date.max``, 31 Dec 9999)."""
    rule = parse(stored)
    try:
        return _next_after(rule, anchor, after)
    except (OverflowError, ValueError):  # date arithmetic past year 9999 (the rule is read above)
        raise NoNextDay(
            f"{words(stored)} has no day after {after.isoformat()}: the calendar ends on {date.max.isoformat()}"
        ) from None


def _next_after(rule: Repeat, anchor: date, after: date) -> date:
    """``next_after`` for a repeat already read; OverflowError or ValueError past ``date.max``."""
    if rule.kind == "days":
        if after < anchor:
            return anchor
        steps = (after - anchor).days // rule.step + 1
        return anchor + timedelta(days=steps * rule.step)
    if rule.kind == "months":
        if after < anchor:
            return anchor
        months = ((after.year - anchor.year) * 12 + after.month - anchor.month) // rule.step * rule.step
        while (found := _months_on(anchor, months)) <= after:
            months += rule.step
        while months > 0 and _months_on(anchor, months - rule.step) > after:  # never skip one
            months -= rule.step
            found = _months_on(anchor, months)
        return found
    if rule.kind == "weekday":
        return after + timedelta(days=(rule.step - after.weekday() - 1) % 7 + 1)
    this_month = _month_day(after.year, after.month, rule.step)
    if this_month > after:
        return this_month
    year, month = (after.year + 1, 1) if after.month == 12 else (after.year, after.month + 1)
    return _month_day(year, month, rule.step)


def first_due(stored: str, today: date) -> date:
    """A new series' first due day when none is given: today for a series of days, weeks or
    months, else the first day of the series from today on (the coming Monday; this month's 1st
    if it is today, else next month's)."""
    rule = parse(stored)
    if rule.kind in ("days", "months"):
        return today
    return next_after(stored, today, today - timedelta(days=1))


def following(stored: str, anchor: date, due: date | None, today: date) -> date:
    """The due day of the instance after one due on ``due`` (done, or skipped): the next day of
    the series after it, and, when that is already past, the first from ``today`` on (missed
    ones are not made up: a weekly task done three weeks late comes back next week). Raises
    NoNextDay when that is past the calendar's end (a due day hand-edited to 9999-12-31)."""
    after = next_after(stored, anchor, due or today)
    if after < today:
        after = next_after(stored, anchor, today - timedelta(days=1))
    return after
