"""One parser for the dates people type, one formatter for showing them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, TypeVar

from workplan_tui.model.schema import looks_like_date
from workplan_tui.model.text import LazyPattern

D = TypeVar("D", bound=date)

if TYPE_CHECKING:
    import pendulum

ACCEPTED_FORMS = (
    "today (eod), tomorrow (tmrw), a weekday (fri, friday), next friday, next week, next month, in 3 days, "
    "in 2 weeks, in a fortnight, 5d, +2w, end of week (eow), end of month (eom), dec 15, 15 december, "
    "yesterday, 3 days ago, -2w, or YYYY-MM-DD"
)
# A few forms to try, for a field that has no room for all of them (the board's forms).
EXAMPLES = "fri, tmrw, next week, in 2 weeks, 2w, dec 15, 2026-12-15"
_TODAY_WORDS = ("today", "eod", "end of day", "end of the day", "end of today", "cob", "close of business")
_TOMORROW_WORDS = ("tomorrow", "tmrw", "tmr", "tmw", "tomorow", "tommorow", "tommorrow")

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
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_UNITS = {"d": "days", "day": "days", "days": "days", "w": "weeks", "week": "weeks", "weeks": "weeks"}
_UNITS.update({"m": "months", "month": "months", "months": "months"})
_UNITS.update(dict.fromkeys(("wk", "wks"), "weeks"))
_UNITS.update(dict.fromkeys(("mo", "mos", "mth", "mths"), "months"))
_FORTNIGHTS = ("fortnight", "fortnights")  # two weeks each
# ASCII digits only: "\d" also matches other scripts' digits ("３ days"), which int()
# then refuses with Python's own message. "\Z", not "$" (a final newline). "in 3 days",
# "in a week", "a fortnight", "+5d" and "5d" (a count and its unit, nothing else: "2w").
_RELATIVE = LazyPattern(r"(?:in\s+)?(?:([0-9]{1,4})\s*|(an?)\s+)([a-z]+)\Z|\+([0-9]{1,4})\s*([a-z]+)\Z")
# "dec 15", "december 15th", "15 dec", "15th of december", each with an optional year.
_MONTH_DAY = LazyPattern(r"([a-z]+)\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?(?:,?\s+([0-9]{4}))?\Z")
_DAY_MONTH = LazyPattern(r"([0-9]{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)\.?(?:,?\s+([0-9]{4}))?\Z")
# 12/15, 15.12, 12-15: which is the month depends on who typed it.
_NUMERIC = LazyPattern(r"[0-9]{1,2}[/.-][0-9]{1,2}(?:[/.-][0-9]{2,4})?\Z")


class DateError(ValueError):
    """Text that is not a date this parser understands."""


def month_number(word: str) -> int | None:
    """The month a name or its short form names (``jan``, ``January``, ``sept``): 1-12, else None."""
    return _MONTHS.get(word.strip().lower().rstrip("."))


def utc_now() -> datetime:
    """The one clock every command, board and store reads: an aware UTC ``datetime``.

    Nothing else in workplan reads the system's time of day (file times are compared with
    file times: store/presence.py), so a test pins "now" for all of workplan in one place.
    """
    return datetime.now(UTC)


def today(now: datetime | None = None) -> date:
    """The local calendar day of ``now`` (default: ``utc_now()``), a plain ``date``.

    A plain ``date``: importing pendulum costs start-up time.
    """
    return (now if now is not None else utc_now()).astimezone().date()


def parse_date(text: str, *, today: date) -> pendulum.Date:
    """Turn what a person typed into a date, relative to ``today``.

    ``fri`` is the next Friday after today (a week ahead when today is Friday);
    ``next fri`` is the Friday of next week (the week after this Monday-to-Sunday one).
    Raises DateError for text that is not a date, and for a day more than ``YEARS_AWAY``
    years before or after today (``2999-01-01``, ``0001-01-01``: a typo in the year).
    """
    return within_years(_parse_date(text, today=today), text, today)


def within_years(when: D, text: str, today: date) -> D:
    """``when`` if it is within ``YEARS_AWAY`` years of ``today``; else DateError: a typo in the year."""
    if not _years_back(today, YEARS_AWAY) <= when <= _years_back(today, -YEARS_AWAY):
        years = abs(when.year - today.year)
        away = "from today" if when > today else "ago"
        said = "" if text.strip() == when.isoformat() else f" ({when.isoformat()})"
        raise DateError(
            f"{text.strip()!r}{said} is {years} years {away}; workplan takes dates within "
            f"{YEARS_AWAY} years of today (a typo in the year?)"
        )
    return when


def _years_back(today: date, years: int) -> date:
    """The same day ``years`` years before ``today`` (after, for a negative number); 28 Feb for 29 Feb."""
    year = min(max(today.year - years, 1), 9999)
    return today.replace(year=year, day=28) if (today.month, today.day) == (2, 29) else today.replace(year=year)


# A typed day further than this from today is a typo in the year, not a plan (parse_date).
YEARS_AWAY = 50


def _parse_date(text: str, *, today: date) -> pendulum.Date:
    import pendulum

    today = pendulum.Date(today.year, today.month, today.day)
    s = " ".join(text.strip().lower().split())
    if not s:
        raise DateError(f"empty date; use {ACCEPTED_FORMS}")
    if s in _TODAY_WORDS:  # "eod": the end of today is still today
        return today
    if s in _TOMORROW_WORDS:
        return today.add(days=1)
    if s == "yesterday" or _AGO.match(s):  # a date that has passed: a plan that ended, a late record
        past = parse_past_date(s, today=today)
        return pendulum.Date(past.year, past.month, past.day)
    if s in _WEEKDAYS:
        return _next_weekday(today, _WEEKDAYS[s])
    if s.startswith("next ") and s[5:] in _WEEKDAYS:
        monday_next_week = today.add(days=7 - today.day_of_week)
        return monday_next_week.add(days=_WEEKDAYS[s[5:]])
    if s == "next week":  # its Monday (on a Sunday, tomorrow: the date shown beside it says so)
        return today.add(days=7 - today.day_of_week)
    if s in ("eow", "end of week", "end of the week", "end of this week"):
        return today.add(days=(4 - today.day_of_week) % 7)  # this week's Friday
    if s in ("eom", "end of month", "end of the month", "end of this month"):
        return today.end_of("month")
    if s == "next month":
        return today.start_of("month").add(months=1)  # its first day, as next week is its Monday
    named = _month_and_day(s, today)
    if named is not None:
        return named
    if _NUMERIC.match(s):
        raise DateError(
            f"{text.strip()!r} is ambiguous: partners write day and month in different orders; "
            f"use YYYY-MM-DD or a month name ({today.year}-12-15 or dec 15)"
        )
    moved = _relative(s, today)
    if moved is not None:
        return moved
    if looks_like_date(s):  # the file's own date pattern: ASCII digits only
        try:
            return pendulum.Date.fromisoformat(s)
        except ValueError as exc:
            raise DateError(f"{text.strip()!r} is not a real date ({exc})") from None
    raise DateError(f"cannot read {text.strip()!r} as a date; use {ACCEPTED_FORMS}")


def _relative(s: str, today: pendulum.Date) -> pendulum.Date | None:
    """'in 3 days', 'in a week', 'a fortnight', '+5d' or '2w' from ``today``; None for other text.
    A bare count needs its unit ('2w', not '2'): a number alone may be a day of the month."""
    match = _RELATIVE.match(s)
    if not match:
        return None
    if match.group(4):
        amount, word = int(match.group(4)), match.group(5)
    else:
        amount, word = (int(match.group(1)) if match.group(1) else 1), match.group(3)
    if word in _FORTNIGHTS:
        return today.add(weeks=2 * amount)
    unit = _UNITS.get(word)
    return today.add(**{unit: amount}) if unit is not None else None


def _month_and_day(s: str, today: pendulum.Date, *, past: bool = False) -> pendulum.Date | None:
    """'dec 15' or '15 december' (optionally with a year) as a date; without a year, the next
    such day from today on (a day already past this year means next year), or with ``past``
    the latest such day not after today (on 2027-01-05, 'dec 20' is 2026-12-20). None when
    ``s`` is not of that form; DateError for a month-and-day that does not exist (feb 30)."""
    import pendulum

    match = _MONTH_DAY.match(s)
    if match and match.group(1) in _MONTHS:
        month, day, year = _MONTHS[match.group(1)], int(match.group(2)), match.group(3)
    else:
        match = _DAY_MONTH.match(s)
        if not (match and match.group(2) in _MONTHS):
            return None
        month, day, year = _MONTHS[match.group(2)], int(match.group(1)), match.group(3)
    step = -1 if past else 1  # feb 29: the next (or the last) leap year
    years = [int(year)] if year else range(today.year, today.year + 5 * step, step)
    for y in years:
        try:
            when = pendulum.Date(y, month, day)
        except ValueError:
            continue
        if year or (when <= today if past else when >= today):
            return when
    raise DateError(f"{s!r} is not a real date")


def _next_weekday(today: pendulum.Date, weekday: int) -> pendulum.Date:
    ahead = (weekday - today.day_of_week) % 7
    return today.add(days=ahead or 7)


def _long(when: date) -> str:
    return f"{when.day} {when:%b %Y}"


_WEEKS_IN_WORDS = 8  # from 8 weeks off, a due date is shown as the date ("due 4 Feb 2027")


def short_date(when: date, *, today: date) -> str:
    """'Fri 4 Dec', with the year when it is not this year's: 'Mon 4 Jan 2027'."""
    year = f" {when.year}" if when.year != today.year else ""
    return f"{when:%a} {when.day} {when:%b}{year}"


def format_due(due: str | None, *, today: date, done: bool = False, dated: bool = False) -> str:
    """Humanise a due date: "due today", "due in 3 days", "2 days overdue"; for something
    ``done`` (a task done, an outcome met), the day alone: "was due 20 Nov 2026" once it has
    passed, "due 28 Feb 2027" before.

    ``dated`` adds the date itself where the words do not say it: "due in 5 days, Fri 4 Dec"
    (what a person confirms after typing "fri" or "next week").
    """
    if not due:
        return "no due date"
    try:
        when = date.fromisoformat(due)
    except ValueError:
        return f"due {due}"
    words = _due_words(when, today=today, done=done)
    if dated and not done and when.toordinal() - today.toordinal() < _WEEKS_IN_WORDS * 7:
        return f"{words}, {short_date(when, today=today)}"  # further off, the words are the date
    return words


def _due_words(when: date, *, today: date, done: bool) -> str:
    days = when.toordinal() - today.toordinal()
    if done:  # finished (a task done, an outcome met): the day, never a countdown or "overdue"
        return f"{'was due' if days < 0 else 'due'} {_long(when)}"
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
    if days < _WEEKS_IN_WORDS * 7:
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
    return f"{short_date(when, today=today)} · {relative}"


PAST_FORMS = (
    "today, yesterday, a weekday (mon: the latest Monday), dec 1 (the latest Dec 1), 3 days ago, -2w, or YYYY-MM-DD"
)
_AGO = LazyPattern(r"(?:([0-9]{1,4})\s*([a-z]+)\s+ago|-([0-9]{1,4})\s*([a-z]+))\Z")


def parse_past_date(text: str, *, today: date, any_year: bool = False) -> date:
    """A day in the past people type, relative to ``today``: a day to record (a delivery's, a
    meeting held, when apologies were sent) or, with ``any_year``, one to look back from (``log
    --since``).

    ``mon`` is the latest Monday (today when today is Monday); ``dec 1`` (as parse_date reads a
    month and day, with or without a year) is the latest Dec 1 not after today; ``3 days ago``
    and ``-3d`` count back; ISO dates as they are. Raises DateError with the forms accepted, and,
    unless ``any_year``, for a day more than ``YEARS_AWAY`` years from today (a typo in the year,
    as ``parse_date`` refuses).
    """
    when = _parse_past_date(text, today=today)
    return when if any_year else within_years(when, text, today)


def _parse_past_date(text: str, *, today: date) -> date:
    from datetime import timedelta

    import pendulum

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
    named = _month_and_day(s, pendulum.Date(today.year, today.month, today.day), past=True)
    if named is not None:
        return date(named.year, named.month, named.day)
    if _NUMERIC.match(s):
        raise DateError(
            f"{text.strip()!r} is ambiguous: partners write day and month in different orders; "
            f"use YYYY-MM-DD or a month name ({today.isoformat()} or dec 1)"
        )
    if looks_like_date(s):
        try:
            return date.fromisoformat(s)
        except ValueError as exc:
            raise DateError(f"{text.strip()!r} is not a real date ({exc})") from None
    raise DateError(f"cannot read {text.strip()!r} as a past date; use {PAST_FORMS}")
