"""Commitments that can be late: pledge dates and instalments, grant periods and match deadlines,
each pledge's health, and follow-ups (pure: no I/O, no Textual).

Derived, never stored, like the forecasts (model/forecast.py), from what the file holds and the
``today`` given. Money is in the partnership's currency; a pledge in kind counts by its value
(hours x rate). The README's "Commitments" section says the same in short.

**By when** a pledge is expected (``steps``), first that applies:

- its **schedule**: equal instalments, one every week, month, quarter or year from its start,
  ``count`` in all (``value x k / count`` expected once the k-th has fallen due). A month's
  instalment falls on the start's day of the month, or the month's last day when it has none:
  from 31 Jan, 28 (or 29) Feb, 31 Mar; from 29 Feb, a year on is 28 Feb.
- its **due** day, for all of it;
- the **match deadline** of the grant it counts towards (``grant_deadline``);
- else it has no date (``no_data``).

A follow-up with a new date (``FollowUp.deferred``) moves what was overdue the day it was agreed
to that date: from that day to the new date, that much less is expected.

**Health** of a pledge (``pledge_status``), the forecasts' words, read for a pledge as in
``PLEDGE_WORDS``; checked in this order:

  ``met``        delivered reaches its value ("delivered");
  ``no_data``    no date at all ("no date"); or not valued, with nothing delivered and no date;
  ``off_track``  ("late") something expected is not delivered and either its last day has passed,
                 or what was expected ``LATE_AFTER_DAYS`` (30) days ago is not delivered yet;
  ``at_risk``    ("behind") less delivered than expected by today;
  ``on_track``   ("on schedule") at least what is expected by today is delivered.

"Expected by today" is what fell due before today: what falls due today still has the day, as a
task due today is not overdue.

A pledge that is **not valued** (a hall lent) is met once something of it is recorded as
delivered, and late once its day has passed without.

**A grant's match** (``grant_status``) must be delivered by its **deadline**: ``match_by``, else
the end of its period. Deliveries dated after it are late: they count as delivered, but not
towards the match by the deadline (both figures are said). Its health: ``met`` once what was
delivered by the deadline reaches the match required; ``no_data`` without a deadline;
``off_track`` once the deadline has passed short; ``at_risk`` while the pledges counting towards
it do not cover what is required, some of it is pledged for after the deadline, or one of them
is behind or late; else ``on_track``.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from workplan_tui.model.forecast import HEALTH_WORDS, Health, _span, _Value, day_of, rank, short_day
from workplan_tui.model.records import (
    CLOSED_PLAN_STATUSES,
    MAX_INSTALMENTS,
    PERIODS,
    Contribution,
    FollowUp,
    Grant,
    Member,
    Norm,
    Partner,
    Plan,
    Task,
    Workplan,
)
from workplan_tui.model.text import LazyPattern, clean

LATE_AFTER_DAYS = 30  # what was due this long ago and is not delivered makes a pledge late
CENT = 0.005  # amounts closer than half a cent are equal

# A pledge's health in words: the forecasts' vocabulary, read for a promise of money or time.
PLEDGE_WORDS: dict[str, str] = {
    "met": "delivered",
    "on_track": "on schedule",
    "at_risk": "behind",
    "off_track": "late",
    "no_data": "no date",
}
_MONTHS_OF = {"month": 1, "quarter": 3, "year": 12}
PERIOD_WORDS = {"week": "weekly", "month": "monthly", "quarter": "quarterly", "year": "yearly"}
WHEN_FORMS = (
    "by DATE (by dec 31), N quarterly|monthly|weekly|yearly from DATE (4 quarterly from jan), "
    "AMOUNT a month from DATE to DATE (40h a month from jan to jun), or none"
)


class WhenError(ValueError):
    """Text that is not a pledge's date or schedule, or one that does not fit the pledge."""


# --- days -----------------------------------------------------------------------------------------


def add_months(day: date, months: int, on: int | None = None) -> date:
    """``day`` moved by ``months`` months, on day ``on`` of that month (default: ``day``'s), or
    on its last day when it has no such day: add_months(31 Jan, 1) is 28 or 29 Feb."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(on or day.day, last))


def instalment_days(every: str, start: date, count: int) -> list[date]:
    """The days of ``count`` instalments, one every ``every`` (week, month, quarter, year) from
    ``start``. Each is counted from the start, never from the one before (31 Jan, 28 Feb, 31 Mar).
    An instalment the calendar cannot hold (after 31 Dec 9999: a hand-edited schedule, since
    typed dates stay within 50 years) falls on its last day, so every instalment keeps its share."""
    days: list[date] = []
    for k in range(count):
        try:
            days.append(start + timedelta(days=7 * k) if every == "week" else add_months(start, _MONTHS_OF[every] * k))
        except (OverflowError, ValueError):  # past date.max: so is every later one
            days += [date.max] * (count - k)
            break
    return days


class When(NamedTuple):
    """A pledge's dates as stored: a ``due`` day (ISO) or a ``schedule`` (``{"every", "start",
    "count"}``), or neither."""

    due: str | None = None
    schedule: dict[str, Any] | None = None


_BY = LazyPattern(r"(?:by|due|on|before)\s+(?P<day>.+)\Z")
_RANGE = (
    r"(?:\s+(?:from|starting|starting on|beginning)\s+(?P<start>.+?))?"
    r"(?:\s+(?:to|until|till|through|thru)\s+(?P<end>.+?))?\Z"
)
_COUNTED = LazyPattern(
    r"(?:in\s+)?(?:(?P<count>[0-9]{1,4})\s*(?:x\s*)?)?(?P<period>weekly|monthly|quarterly|yearly|annually|annual)"
    r"(?:\s+(?:instalments?|installments?|payments?))?" + _RANGE
)
_TOTAL_IN = LazyPattern(r"(?P<total>.+?)\s+in\s+(?P<rest>[0-9].*)\Z")
_EACH = LazyPattern(r"(?:(?P<amount>.+?)\s+(?:a|an|per|each|every)|every)\s+(?P<unit>week|month|quarter|year)" + _RANGE)
_MONTH_ALONE = LazyPattern(r"(?P<month>[a-z]+)\.?(?:\s+(?P<year>[0-9]{4}))?\Z")
_ADJECTIVE = {"weekly": "week", "monthly": "month", "quarterly": "quarter", "yearly": "year"}
_ADJECTIVE.update({"annually": "year", "annual": "year"})


def _day(text: str, today: date, *, end: bool = False, after: date | None = None) -> date:
    """A day in a pledge's dates or a grant's period: the date words workplan reads
    (model/dates.py), or a month alone (``jan``, ``jan 2027``): its first day (``end``: its
    last), this month or the next such month from ``after`` (default today) on. A month's day
    without a year (``dec 31``) that would fall before ``after`` is the next one from ``after``
    on: ``from jan to dec 31``, typed in December, ends the December after."""
    from workplan_tui.model.dates import DateError, month_number, parse_date

    s = " ".join(text.strip().lower().split())
    alone = _MONTH_ALONE.match(s)
    month = month_number(alone.group("month")) if alone else None
    if alone and month is not None:
        since = after or today
        year = int(alone.group("year")) if alone.group("year") else since.year + (month < since.month)
        try:  # through the one parser: its rules hold (a year 50 years away is a typo)
            first = date.fromisoformat(parse_date(f"{year:04d}-{month:02d}-01", today=today).isoformat())
        except DateError as exc:
            raise WhenError(str(exc)) from None
        return add_months(first, 0, 31) if end else first  # "to jun", "by jun": its last day
    try:
        day = date.fromisoformat(parse_date(text, today=today).isoformat())
    except DateError as exc:
        raise WhenError(str(exc)) from None
    if after is not None and day < after and _names_a_month_without_year(s):
        try:  # "to dec 31" after a start in January: the next 31 Dec from the start on
            later = date.fromisoformat(parse_date(text, today=after).isoformat())
        except DateError:
            return day
        return later if later >= after else day
    return day


def _names_a_month_without_year(text: str) -> bool:
    """Whether ``text`` names a month (dec 31, 31 december) and no year: a day of the next such
    month, which may be read from another day than today."""
    from workplan_tui.model.dates import month_number

    words = text.replace(",", " ").split()
    return any(month_number(w) is not None for w in words) and not any(w.isdigit() and len(w) == 4 for w in words)


def parse_when(
    text: str,
    *,
    today: date,
    amount: float | None = None,
    hours: float | None = None,
    rate: float | None = None,
    currency: str | None = None,
) -> When:
    """A pledge's dates as people type them, for a pledge of ``amount`` (or ``hours`` at
    ``rate``; neither: not valued), in the forms of ``WHEN_FORMS``:

    - ``by dec 31``, ``due fri``, ``2026-12-31``: all of it by that day;
    - ``4 quarterly from jan``, ``monthly from jan to jun``, ``$12,000 in 4 quarterly instalments
      from 15 jan``: equal instalments, counted or until a day;
    - ``40h a month from jan to jun``, ``$1,000 a month from jan``: instalments of that much (the
      count is the pledge over one instalment, or the months from and to, which must then make
      the pledge);
    - ``none`` or nothing: no date.

    A month alone (``from jan``) is its first day, this month or the next such; ``to jun`` is June's
    last day. Without ``from``, the first instalment is today. Raises WhenError, one line, for
    anything else, a schedule that ends before it starts, an instalment larger than the pledge,
    or one that does not make the pledge.
    """
    s = " ".join(text.strip().lower().split())
    if s in ("", "none", "-", "no date"):
        return When()
    value = amount if amount is not None else (hours * rate if hours is not None and rate is not None else None)
    total_typed: str | None = None
    total = _TOTAL_IN.match(s)
    if total and _COUNTED.match(total.group("rest")):
        total_typed, s = total.group("total"), total.group("rest")
    counted = _COUNTED.match(s)
    each = None if counted else _EACH.match(s)
    if counted is None and each is None:
        by = _BY.match(s)
        try:
            day = _day(by.group("day") if by else s, today, end=True)
        except WhenError as exc:
            raise WhenError(f"{text.strip()!r}: {exc}; or say {WHEN_FORMS}") from None
        return When(due=day.isoformat())
    match = counted or each
    assert match is not None
    every = _ADJECTIVE[match.group("period")] if counted else match.group("unit")
    start = _day(match.group("start"), today) if match.group("start") else today
    end = _day(match.group("end"), today, end=True, after=start) if match.group("end") else None
    if end is not None and end < start:
        raise WhenError(f"the schedule ends {end.isoformat()}, before it starts {start.isoformat()}")
    count = int(counted.group("count")) if counted and counted.group("count") else None
    if count is not None and not 1 <= count <= MAX_INSTALMENTS:
        raise WhenError(f"{count} instalments: give 1 to {MAX_INSTALMENTS}")
    if end is not None:
        until = _count_until(every, start, end)
        if count is not None and count != until:
            last = instalment_days(every, start, count)[-1].isoformat()
            raise WhenError(
                f"{count} {PERIOD_WORDS[every]} instalments from {start.isoformat()} end {last}, "
                f"not by {end.isoformat()}: give one or the other"
            )
        count = until
    if total_typed is not None:
        _check_total(total_typed, value, currency)
    if each is not None and each.group("amount"):
        count = _count_of_each(each.group("amount"), count, value, rate, currency)
    if count is None:
        raise WhenError(
            f"{text.strip()!r}: say how many instalments (4 quarterly), until when (to jun) "
            "or how much each (1k a month)"
        )
    if value is None and count > 1:
        raise WhenError("a pledge that is not valued has a due day (by dec 31), not instalments")
    if count == 1:
        return When(due=start.isoformat())
    return When(schedule={"every": every, "start": start.isoformat(), "count": count})


def _count_until(every: str, start: date, end: date) -> int:
    """How many instalments from ``start`` fall on or before ``end``."""
    count = 0
    while count < MAX_INSTALMENTS and instalment_days(every, start, count + 1)[-1] <= end:
        count += 1
    if count >= MAX_INSTALMENTS and instalment_days(every, start, count)[-1] < end:
        raise WhenError(f"more than {MAX_INSTALMENTS} instalments until {end.isoformat()}")
    return count


def _check_total(typed: str, value: float | None, currency: str | None) -> None:
    from workplan_tui.model.money import MoneyError, format_money, parse_amount

    try:
        total = parse_amount(typed, currency)
    except MoneyError as exc:
        raise WhenError(str(exc)) from None
    if value is None or abs(total - value) > CENT:
        worth = format_money(value, currency) if value is not None else "not valued"
        raise WhenError(f"the instalments make {format_money(total, currency)}, but the pledge is {worth}")


def _count_of_each(typed: str, count: int | None, value: float | None, rate: float | None, currency: str | None) -> int:
    """How many instalments of ``typed`` (money, or hours of an in-kind pledge) make the pledge."""
    from workplan_tui.model.money import MoneyError, format_money, parse_delivery

    if value is None:
        raise WhenError("a pledge that is not valued has no instalments of an amount; give a due day")
    try:
        each, _ = parse_delivery(typed, currency, rate)
    except MoneyError as exc:
        raise WhenError(str(exc)) from None
    if each <= 0:
        raise WhenError("an instalment must be more than 0")
    if each > value + CENT:
        raise WhenError(
            f"an instalment of {format_money(each, currency)} is more than the pledge, {format_money(value, currency)}"
        )
    if count is not None:
        if abs(each * count - value) > CENT:
            raise WhenError(
                f"{count} instalments of {format_money(each, currency)} make {format_money(each * count, currency)}, "
                f"but the pledge is {format_money(value, currency)}"
            )
        return count
    whole = round(value / each)
    if abs(whole * each - value) > CENT:
        raise WhenError(
            f"instalments of {format_money(each, currency)} do not make {format_money(value, currency)} "
            f"({value / each:.2f} of them): give their number instead (4 quarterly)"
        )
    if whole > MAX_INSTALMENTS:
        raise WhenError(f"{whole} instalments: give 1 to {MAX_INSTALMENTS}")
    return whole


def when_text(c: Contribution) -> str:
    """A pledge's dates as ``parse_when`` reads them back ('' for none): ``by 2026-12-31``,
    ``4 quarterly from 2027-01-15``."""
    if c.schedule is not None:
        s = c.schedule
        return f"{s.count} {PERIOD_WORDS[s.every]} from {s.start}"
    if c.due:
        return f"by {c.due}"
    return ""


def when_words(c: Contribution, today: date, currency: str | None = None) -> str:
    """A pledge's dates for people: 'due 31 Dec', '4 quarterly instalments of $3,000, 15 Jan to
    15 Oct', '' without."""
    from workplan_tui.model.money import format_money

    if c.schedule is not None:
        s = c.schedule
        start = day_of(s.start)
        if start is None:
            return ""
        days = instalment_days(s.every, start, s.count)
        value = c.value
        each = f" of {format_money(value / s.count, currency)}" if value is not None else ""
        first, last = short_day(days[0], today), short_day(days[-1], today)
        return f"{s.count} {PERIOD_WORDS[s.every]} instalments{each}, {first} to {last}"
    due = day_of(c.due)
    return f"due {short_day(due, today)}" if due else ""


# --- a pledge --------------------------------------------------------------------------------------


GRANT_DATES = ("start", "end", "match_by")
_GRANT_DATE_WORDS = {"start": "the period's start", "end": "the period's end", "match_by": "the match deadline"}


def grant_period_problem(start: str | None, end: str | None, match_by: str | None) -> str | None:
    """Why a grant cannot run from ``start`` to ``end`` with its match due ``match_by`` (ISO days,
    each may be None), or None: a period that ends before it starts, a match deadline before the
    grant starts. (A deadline after the end is a funder's grace, and taken.)"""
    if start and end and end < start:
        return f"the grant's period would end {end}, before it starts {start}"
    if start and match_by and match_by < start:
        return f"the match deadline {match_by} would come before the grant starts {start}"
    return None


def read_grant_period(typed: Mapping[str, str | None], today: date, start: str | None = None) -> dict[str, str | None]:
    """A grant's period and match deadline as people type them (``typed``: ``start``, ``end``,
    ``match_by``, each optional) -> ISO days, None for ``none`` or empty (cleared); those not
    typed are left out. Read as a pledge's dates are (``_day``): ``--start jan --end 'dec 31'``, a
    month alone its first day (an end or deadline: its last), and an end or deadline with no year
    the next such day from the start on (the one typed, else ``start``, the grant's own). Raises
    WhenError, one line, for text that is not a date; ``grant_period_problem`` judges the result."""
    found: dict[str, str | None] = {}
    for name in GRANT_DATES:
        text = typed.get(name)
        if text is None:
            continue
        if text.strip().lower() in ("", "none", "clear", "-"):
            found[name] = None
            continue
        began = day_of(found["start"]) if found.get("start") else day_of(start) if "start" not in found else None
        try:
            day = _day(text, today, end=name != "start", after=began if name != "start" else None)
        except WhenError as exc:
            raise WhenError(f"{_GRANT_DATE_WORDS[name]}: {exc}") from None
        found[name] = day.isoformat()
    return found


def grant_deadline(grant: Grant | None) -> date | None:
    """The day a grant's match must be delivered by: its ``match_by``, else its period's end;
    None without one, or when its dates cannot be (a hand edit: ``grant_period_problem``), so
    that nothing is judged by them."""
    if grant is None or grant_period_problem(grant.start, grant.end, grant.match_by) is not None:
        return None
    return day_of(grant.match_by) or day_of(grant.end)


def steps(c: Contribution, deadline: date | None = None) -> list[tuple[date, float]]:
    """When a pledge's value is expected, as (day, value expected by then in all), oldest first
    (the module's doc): its instalments, its due day, else ``deadline`` (its grant's); [] without
    a date. A pledge that is not valued counts as 1 (something delivered)."""
    value = c.value if c.value is not None else 1.0
    if c.schedule is not None:
        start = day_of(c.schedule.start)
        if start is not None and c.schedule.every in PERIODS:
            count = c.schedule.count
            days = instalment_days(c.schedule.every, start, count)
            return [(day, value * (k + 1) / count) for k, day in enumerate(days)]
    due = day_of(c.due)
    if due is not None:
        return [(due, value)]
    return [(deadline, value)] if deadline is not None else []


def deferral(c: Contribution) -> FollowUp | None:
    """The follow-up whose new date moves what was overdue (the latest one with a new date)."""
    return next((f for f in reversed(c.followups) if f.new_date), None)


def expected_by(c: Contribution, day: date, deadline: date | None = None, *, judged: date | None = None) -> float:
    """What of a pledge is expected delivered by the end of ``day`` (the module's doc): the steps
    fallen due by then, less what a follow-up's new date moved past ``day``, when the agreement
    was made by the day it is ``judged`` (default ``day``)."""
    expected = 0.0
    for when, cumulative in steps(c, deadline):
        if when > day:
            break
        expected = cumulative
    moved = deferral(c)
    if moved is not None and moved.deferred:
        agreed, until = day_of(moved.on), day_of(moved.new_date)
        if agreed is not None and until is not None and agreed <= (judged or day) and day < until:
            expected = max(0.0, expected - moved.deferred)
    return expected


def delivered(c: Contribution, by: date | None = None) -> float:
    """What of a pledge was delivered (by the end of ``by``, when given: by the deliveries' days)."""
    if by is None:
        return c.delivered
    limit = by.isoformat()
    return sum(d.amount for d in c.deliveries if d.on <= limit)


def late_delivered(workplan: Workplan, c: Contribution) -> float:
    """What of a pledge was delivered after the match deadline of the grant it counts towards
    (0 without one): shown as late, not counted towards the match by the deadline."""
    deadline = grant_deadline(workplan.grants.get(c.grant)) if c.grant is not None else None
    return c.delivered - delivered(c, deadline) if deadline is not None else 0.0


class PledgeStatus(_Value):
    """Where a pledge stands on a day (``pledge_status``).

    ``value``: what it is worth (None: not valued); ``delivered``, ``expected`` (fallen due
    before today: what falls due today still has the day) and
    ``shortfall`` (expected less delivered, never below 0) in money; ``last_day``: when all of it
    is due; ``next_day`` and ``next_amount``: the next instalment after today (None when none is
    left); ``agreed``: the follow-up whose new date moved what was overdue, while it applies;
    ``overdue_days``: for a pledge behind or late, how many days the part its reason counts from
    has been due ('5 weeks overdue' is 35 to 41), else None (``overdue_since``).
    """

    __slots__ = (
        "health",
        "reason",
        "value",
        "delivered",
        "expected",
        "shortfall",
        "last_day",
        "next_day",
        "next_amount",
        "agreed",
        "overdue_days",
    )

    def __init__(
        self,
        health: Health,
        reason: str,
        value: float | None = None,
        delivered: float = 0.0,
        expected: float = 0.0,
        shortfall: float = 0.0,
        last_day: date | None = None,
        next_day: date | None = None,
        next_amount: float | None = None,
        agreed: FollowUp | None = None,
        overdue_days: int | None = None,
    ) -> None:
        self.health: Health = health
        self.reason = reason
        self.value = value
        self.delivered = delivered
        self.expected = expected
        self.shortfall = shortfall
        self.last_day = last_day
        self.next_day = next_day
        self.next_amount = next_amount
        self.agreed = agreed
        self.overdue_days = overdue_days

    @property
    def words(self) -> str:
        """'behind', 'late', 'on schedule', 'delivered', 'no date'."""
        return PLEDGE_WORDS[self.health]

    @property
    def overdue(self) -> bool:
        """Behind or late: less delivered than expected by now."""
        return self.health in ("at_risk", "off_track")

    def as_json(self) -> dict[str, object]:
        """The JSON contract's ``"status"`` of a pledge: health, reason and the figures."""
        from workplan_tui.model.resources import as_number

        return {
            "health": self.health,
            "reason": self.reason,
            "expected": as_number(self.expected) if self.value is not None else None,
            "delivered": as_number(self.delivered),
            "shortfall": as_number(self.shortfall) if self.value is not None else None,
            "due": self.last_day.isoformat() if self.last_day else None,
            "next_due": self.next_day.isoformat() if self.next_day else None,
            "next_amount": as_number(self.next_amount) if self.next_amount is not None else None,
            "overdue_days": self.overdue_days,
        }


def pledge_status(
    c: Contribution, today: date, *, deadline: date | None = None, currency: str | None = None
) -> PledgeStatus:
    """A pledge's health and reason on ``today`` (rules: the module's doc). ``deadline``: the
    match deadline of the grant it counts towards (its day when it has none of its own);
    ``currency`` is for the reason's amounts."""
    from workplan_tui.model.money import format_money

    def money(value: float) -> str:
        return format_money(value, currency)

    value, done = c.value, c.delivered
    plan = steps(c, deadline)
    moved = deferral(c)
    agreed_until = day_of(moved.new_date) if moved is not None else None
    last_day = plan[-1][0] if plan else None
    if last_day is not None and agreed_until is not None and agreed_until > last_day:
        last_day = agreed_until
    # What falls due today still has the day (a task due today is not overdue either).
    yesterday = today - timedelta(days=1)
    ahead = [(day, cumulative) for day, cumulative in plan if day >= today]
    passed = [(day, cumulative) for day, cumulative in plan if day < today]
    next_day = ahead[0][0] if ahead else None
    next_amount = ahead[0][1] - (passed[-1][1] if passed else 0.0) if ahead and value is not None else None
    expected = expected_by(c, yesterday, deadline, judged=today) if value is not None else 0.0
    shortfall = max(0.0, expected - done)
    agreed = None
    if moved is not None and moved.deferred and agreed_until is not None and today <= agreed_until:
        agreed = moved

    def made(health: Health, reason: str, since: date | None = None) -> PledgeStatus:
        """The status; ``since``: the day its overdue part fell due (the one its reason counts from)."""
        days = (today - since).days if since is not None and health in ("at_risk", "off_track") else None
        return PledgeStatus(
            health, reason, value, done, expected, shortfall, last_day, next_day, next_amount, agreed, days
        )

    agreement = ""
    if agreed is not None and agreed_until is not None:
        on = short_day(day_of(agreed.on) or today, today)
        agreement = f"; agreed on {on}: {money(agreed.deferred or 0)} by {short_day(agreed_until, today)}"
    if value is None:  # not valued: delivered once anything of it is recorded
        if c.deliveries:
            return made("met", f"{len(c.deliveries)} deliver{'y' if len(c.deliveries) == 1 else 'ies'} recorded")
        if last_day is None:
            return made("no_data", "not valued, nothing recorded as delivered")
        if last_day < today:
            late = f"was due {short_day(last_day, today)} ({overdue_span(last_day, today)})"
            return made("off_track", f"{late}, nothing recorded as delivered", last_day)
        return made("on_track", f"due {short_day(last_day, today)}")
    if done >= value - CENT:
        return made("met", f"{money(done)} of {money(value)}")
    if not plan:
        return made("no_data", f"{money(done)} of {money(value)} delivered so far")
    nxt = ""
    if next_day is not None and c.schedule is not None and next_amount is not None:
        nxt = f"; next instalment {money(next_amount)} on {short_day(next_day, today)}"
    of_grant = " (the grant's match deadline)" if c.schedule is None and not c.due and deadline is not None else ""
    if shortfall > CENT:
        if last_day is not None and last_day < today:
            due = f"{short_day(last_day, today)}{of_grant} ({overdue_span(last_day, today)})"
            return made(
                "off_track", f"all {money(value)} was due by {due}, delivered {money(done)}{agreement}", last_day
            )
        since = short_day(passed[-1][0] if passed else yesterday, today)
        head = f"{money(expected)} of {money(value)} expected by {since}{of_grant}, delivered {money(done)}"
        oldest = overdue_since(c, done, today, deadline)
        if expected_by(c, today - timedelta(days=LATE_AFTER_DAYS), deadline, judged=today) > done + CENT:
            late = f"the oldest part {overdue_span(oldest, today)}" if oldest is not None else "overdue"
            return made("off_track", f"{head}, {late}{nxt}{agreement}", oldest)
        return made("at_risk", f"{head}{nxt}{agreement}", oldest)
    if expected > CENT:
        reason = f"{money(expected)} of {money(value)} expected by now, delivered {money(done)}{nxt}{agreement}"
    elif c.schedule is not None and next_day is not None:
        reason = f"first instalment {money(next_amount or 0)} on {short_day(next_day, today)}; delivered {money(done)}"
    else:
        due = short_day(last_day or today, today)
        reason = f"{money(value)} due {due}{of_grant}; delivered {money(done)}{agreement}"
    return made("on_track", reason)


def span_words(days: int) -> str:
    """'1 day', '9 days', '3 weeks' (from 14 days on, whole weeks): how long something is late
    (the forecasts' own words for a span)."""
    return _span(days)


def overdue_since(c: Contribution, done: float, today: date, deadline: date | None) -> date | None:
    """The day the oldest amount of a pledge not delivered (``done``: what was) fell due, on or
    before ``today``; None when nothing due is undelivered. What 'the oldest part 6 weeks
    overdue' counts from."""
    for day, cumulative in steps(c, deadline):
        if cumulative > done + CENT and day <= today:
            return day
    return None


def overdue_span(due: date, today: date) -> str:
    """How long what was due on ``due`` has been overdue on ``today``: '1 day overdue', '9 days
    overdue', in weeks from two weeks on ('6 weeks overdue'), as a pledge's reason says it."""
    return f"{span_words((today - due).days)} overdue"


def after_deadline(status: PledgeStatus, deadline: date | None, today: date) -> str:
    """' · due 6 May 2027, after the deadline' for a pledge towards a grant whose last day comes
    after the grant's match deadline (what makes the match "pledged for after the deadline");
    '' otherwise, or once it is delivered."""
    if deadline is None or status.last_day is None or status.health == "met" or status.last_day <= deadline:
        return ""
    return f" · due {short_day(status.last_day, today)}, after the deadline"


def of_pledge(workplan: Workplan, c: Contribution, today: date) -> PledgeStatus:
    """``pledge_status`` of a stored pledge, its grant's deadline and the partnership's currency."""
    grant = workplan.grants.get(c.grant) if c.grant is not None else None
    return pledge_status(c, today, deadline=grant_deadline(grant), currency=workplan.partnership.currency)


def pledge_identity(kind: str, description: str) -> tuple[str, str]:
    """What makes a pledge the same pledge while a partner's list changes around it: its kind and
    its words, ignoring case and the spaces around them (its number moves when one before it is
    removed). An edit of the list keeps each pledge's deliveries by it (store/actions/partners.py)
    and the calendar names its events by it (exchange/ics.py)."""
    return kind, description.strip().lower()


def pledge_name(partner: str, number: int) -> str:
    """How people and the log name a pledge: ``PARKS #2`` (its number in the partner's list)."""
    return f"{partner} #{number}"


# --- a grant's match -------------------------------------------------------------------------------


class MatchStatus(_Value):
    """Where a grant's match stands on a day (``grant_status``): ``required``; ``pledged`` by
    the contributions counting towards it; ``delivered`` (all) and ``by_deadline`` (dated on or
    before it); ``deadline`` (None without one)."""

    __slots__ = ("health", "reason", "required", "pledged", "delivered", "by_deadline", "deadline")

    def __init__(
        self,
        health: Health,
        reason: str,
        required: float,
        pledged: float,
        delivered: float,
        by_deadline: float,
        deadline: date | None,
    ) -> None:
        self.health: Health = health
        self.reason = reason
        self.required = required
        self.pledged = pledged
        self.delivered = delivered
        self.by_deadline = by_deadline
        self.deadline = deadline

    @property
    def late(self) -> float:
        """What was delivered after the deadline."""
        return max(0.0, self.delivered - self.by_deadline)

    def as_json(self) -> dict[str, object]:
        from workplan_tui.model.resources import as_number

        return {
            "health": self.health,
            "reason": self.reason,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "delivered_by_deadline": as_number(self.by_deadline),
            "delivered_late": as_number(self.late),
        }


def grant_status(workplan: Workplan, grant: Grant, today: date) -> MatchStatus:
    """A grant's match on ``today``: its health and reason (rules: the module's doc)."""
    from workplan_tui.model.money import format_money
    from workplan_tui.model.resources import required as required_of

    currency = workplan.partnership.currency

    def money(value: float) -> str:
        return format_money(value, currency)

    deadline = grant_deadline(grant)
    required = required_of(grant)
    counted = [
        (p, n, c) for p in workplan.partners.values() for n, c in enumerate(p.contributions, 1) if c.grant == grant.id
    ]
    pledged = sum(c.value or 0.0 for _, _, c in counted)
    done = sum(c.delivered for _, _, c in counted)
    by_deadline = sum(delivered(c, deadline) for _, _, c in counted) if deadline else done
    status = lambda health, reason: MatchStatus(health, reason, required, pledged, done, by_deadline, deadline)  # noqa: E731
    late = f" ({money(done - by_deadline)} after it)" if done - by_deadline > CENT else ""
    if required <= CENT:
        return status("met", "no match required")
    start, end, match_by = day_of(grant.start), day_of(grant.end), day_of(grant.match_by)
    if start is not None and end is not None and end < start:  # a hand edit; typed ones are refused
        return status(
            "no_data",
            f"its period ends {short_day(end, today)}, before it starts {short_day(start, today)}: no deadline "
            f"to judge the match by (workplan grant edit {grant.label} --start ... --end ...); "
            f"{money(done)} of {money(required)} delivered",
        )
    if start is not None and match_by is not None and match_by < start:
        return status(
            "no_data",
            f"its match deadline {short_day(match_by, today)} comes before it starts {short_day(start, today)}: "
            f"no deadline to judge the match by (workplan grant edit {grant.label} --match-by ...); "
            f"{money(done)} of {money(required)} delivered",
        )
    if by_deadline >= required - CENT:
        when = f" by {short_day(deadline, today)}" if deadline else ""
        return status("met", f"match delivered: {money(by_deadline)} of {money(required)}{when}{late}")
    if deadline is None:
        return status(
            "no_data", f"no match deadline (give the grant a period); {money(done)} of {money(required)} delivered"
        )
    if deadline < today:
        return status(
            "off_track",
            f"deadline {short_day(deadline, today)} passed with {money(by_deadline)} of {money(required)} "
            f"delivered by it{late}",
        )
    parts: list[str] = []
    if pledged < required - CENT:
        parts.append(f"{money(required - pledged)} of the match not pledged")
    coming = sum(expected_by(c, deadline, deadline) for _, _, c in counted if c.value is not None)
    after = min(pledged, required) - coming
    if after > CENT and pledged > CENT:
        which = [  # the pledges not all due by the deadline, so a lead knows whom to ask
            pledge_name(p.code, n)
            for p, n, c in counted
            if c.value is not None and expected_by(c, deadline, deadline) < c.value - CENT
        ]
        named = f" ({', '.join(which[:3])}{', ...' if len(which) > 3 else ''})" if which else ""
        parts.append(f"{money(after)} pledged for after the deadline{named}")
    for p, n, c in counted:
        found = pledge_status(c, today, deadline=deadline, currency=currency)
        if found.overdue:
            parts.append(f"{pledge_name(p.code, n)} {found.words}")
    head = f"{money(by_deadline)} of {money(required)} delivered, deadline {short_day(deadline, today)}"
    if parts:
        shown = parts if len(parts) <= 3 else [*parts[:2], f"{len(parts) - 2} more"]
        return status("at_risk", f"{head}: {'; '.join(shown)}")
    return status("on_track", f"{head}; the pledges bring the rest by then")


# --- follow-ups ------------------------------------------------------------------------------------


class Subject(NamedTuple):
    """What a follow-up is about: a task (``task``) or a partner's pledge (``partner``, ``number``,
    ``contribution``). ``name`` is how people name it: ``T12``, ``PARKS #2``."""

    name: str
    title: str  # the task's title or the pledge's description (stored text: clean it to show)
    partner: str  # the partner whose pledge it is, or whose member owns the task ("" for none)
    task: Task | None = None
    number: int = 0
    contribution: Contribution | None = None


class FollowUpDue(NamedTuple):
    """A follow-up whose new date has come while what it is about is still not done (``followups_due``)."""

    subject: Subject
    followup: FollowUp
    days: int  # since the new date (0: today)


def followups_due(workplan: Workplan, today: date, *, by: str | None = None) -> list[FollowUpDue]:
    """Follow-ups to make again: the latest follow-up with a new date on a task still open (of a
    plan still running) or a pledge still behind or late, whose new date is today or past; of
    those ``by`` recorded (a member's handle), or everyone's. The longest waiting first."""
    found: list[FollowUpDue] = []
    running = {p.id for p in workplan.plans.values() if p.status not in CLOSED_PLAN_STATUSES}
    partner_of = {m.handle: m.partner for m in workplan.members.values()}
    for task in workplan.tasks.values():
        if not task.followups or task.status == "done" or task.plan not in running:
            continue
        latest = task.followups[-1]
        due = day_of(latest.new_date)
        if due is None or due > today or (by is not None and latest.by != by):
            continue
        subject = Subject(task.label, task.title, partner_of.get(task.owner or "", ""), task=task)
        found.append(FollowUpDue(subject, latest, (today - due).days))
    for partner in workplan.partners.values():
        for number, c in enumerate(partner.contributions, 1):
            if not c.followups:
                continue
            latest = c.followups[-1]
            due = day_of(latest.new_date)
            if due is None or due > today or (by is not None and latest.by != by):
                continue
            if not of_pledge(workplan, c, today).overdue:
                continue
            subject = Subject(
                pledge_name(partner.code, number), c.description, partner.code, number=number, contribution=c
            )
            found.append(FollowUpDue(subject, latest, (today - due).days))
    found.sort(key=lambda f: (-f.days, f.subject.name))
    return found


_PLEDGE_SUBJECT = LazyPattern(r"(?P<code>[A-Za-z0-9][A-Za-z0-9_-]{0,15})\s*(?:#|:|\s)\s*#?(?P<pledge>\S+)\Z")


class Typed(NamedTuple):
    """A follow-up's subject as typed: a task's id, or a partner's code and a pledge (its number or kind)."""

    task: int | None = None
    code: str = ""
    pledge: str = ""


def parse_subject(text: str) -> Typed:
    """What a follow-up is about, as typed: a task (``T12``, ``12``) -> ``Typed(task=12)``, or a
    pledge (``PARKS#2``, ``PARKS 2``, ``PARKS #staff``: the partner's code and the pledge's
    number or kind) -> ``Typed(code="PARKS", pledge="2")``. Raises ValueError, one line, otherwise."""
    from workplan_tui.model.records import parse_label

    s = text.strip()
    pledge = _PLEDGE_SUBJECT.match(s)
    if pledge is not None:
        return Typed(code=pledge.group("code"), pledge=pledge.group("pledge"))
    try:
        return Typed(task=parse_label(s, "tasks"))
    except ValueError:
        raise ValueError(
            f"{s!r} is neither a task (T12) nor a pledge (PARKS#2: a partner's code and its number)"
        ) from None


def deferred_by(c: Contribution, on: date, new_date: date, deadline: date | None = None) -> tuple[float, date | None]:
    """What a new date agreed on ``on`` moves to ``new_date``: everything of a pledge that falls due
    before the new date and is not delivered by ``on`` (its own dates, or ``deadline``'s, without
    an earlier agreement), and the day the oldest of it fell or falls due (None when nothing)."""
    raw = c.replace(followups=[])
    done = delivered(c, on)
    owed = expected_by(raw, new_date - timedelta(days=1), deadline) - done
    if owed <= CENT or c.value is None:
        return 0.0, None
    oldest = next((day for day, cumulative in steps(raw, deadline) if cumulative > done + CENT), None)
    return owed, oldest


def followup_words(f: FollowUp, today: date) -> str:
    """'28 Nov alice with dan: will deliver the rest; new date 15 Jan (was 31 Dec)'."""
    who = f"{clean(f.who or f.by)} with {clean(f.whom)}"
    when = day_of(f.on)
    line = f"{short_day(when, today) if when else clean(f.on)} {who}"
    if f.agreed:
        line += f": {clean(f.agreed)}"
    new = day_of(f.new_date)
    if new is not None:
        was = day_of(f.was)
        line += f"; new date {short_day(new, today)}" + (f" (was {short_day(was, today)})" if was else "")
    return line


# --- each partner's record -----------------------------------------------------------------------


class PledgeLine(NamedTuple):
    number: int
    contribution: Contribution
    status: PledgeStatus


class Led(NamedTuple):
    """A plan or an outcome a partner leads, with its health (model/forecast.py)."""

    label: str
    name: str
    health: str
    reason: str


NEWCOMER_DAYS = 7  # a newcomer's vote and agreement count on their partner's record this long after they join


def answer_due(member: Member, opened: str, today: date) -> bool:
    """Whether a member's vote on a plan open for votes, or their agreement to a norm, counts on
    their partner's record on ``today``. ``opened``: the plan's or norm's ``created_at`` (ISO UTC).
    Due at once from a member who was there when it was made; from one who joined since, only
    ``NEWCOMER_DAYS`` days after they joined (the member's ``created_at``; a member or record
    without one: due). Accountability without blame (issue 26): a partner is not behind because
    someone joined it this week (the demo's user joins today); the buy-in and the norm still wait
    for them."""
    joined = day_of(member.created_at[:10]) if member.created_at else None
    if joined is None or not opened or member.created_at <= opened:
        return True
    return (today - joined).days >= NEWCOMER_DAYS


def _due(members: Mapping[str, Member], waiting: list[str], opened: str, today: date) -> list[str]:
    """Those of ``waiting`` who are among ``members`` (handle -> member) and whose answer is due."""
    return [h for h in waiting if h in members and answer_due(members[h], opened, today)]


class PartnerRecord(NamedTuple):
    """One partner's record (``partner_record``): accountability without blame.

    ``pledges``: every pledge with its status; ``open``, ``overdue`` and ``blocked``: the tasks its
    members own in plans still running; ``leads``: the plans and outcomes it leads; ``votes``:
    proposals its members have not voted on (plan, handles); ``norms``: norms they have not
    agreed (norm, handles), each from the members whose answer is due (``answer_due``);
    ``last_change``: (ISO UTC time, handle) of its members' newest change, ("", "") when not known;
    ``followups``: the follow-ups on its pledges and its members' tasks,
    newest first (subject, follow-up)."""

    partner: Partner
    members: list[Member]
    pledges: list[PledgeLine]
    open: list[Task]
    overdue: list[Task]
    blocked: list[Task]
    leads: list[Led]
    votes: list[tuple[Plan, list[str]]]
    norms: list[tuple[Norm, list[str]]]
    last_change: tuple[str, str]
    followups: list[tuple[Subject, FollowUp]]

    @property
    def behind(self) -> list[PledgeLine]:
        """Its pledges behind or late."""
        return [p for p in self.pledges if p.status.overdue]

    @property
    def health(self) -> Health:
        """Whether the partner keeps its dates: off track ("late") with a pledge late or a task
        overdue, at risk ("behind") with a pledge behind, else on track. Blocked tasks, votes and
        norm agreements are said in its summary but judge nobody: they wait on others too."""
        if any(p.status.health == "off_track" for p in self.pledges) or self.overdue:
            return "off_track"
        if self.behind:
            return "at_risk"
        return "on_track"

    def summary(self, currency: str | None = None) -> str:
        """'PARKS: 2 tasks overdue, pledge $3,000 behind, 1 vote missing', or 'PARKS: nothing
        outstanding' (the code is stored text: cleaned)."""
        return f"{clean(self.partner.code)}: {self.outstanding(currency) or 'nothing outstanding'}"

    def outstanding(self, currency: str | None = None) -> str:
        """The summary without the code: '' when nothing is outstanding."""
        from workplan_tui.model.money import format_money

        parts = []
        if self.overdue:
            parts.append(_count(len(self.overdue), "task") + " overdue")
        late = [p for p in self.pledges if p.status.health == "off_track"]
        behind = [p for p in self.pledges if p.status.health == "at_risk"]
        for found, words in ((late, "late"), (behind, "behind")):
            if found:
                amount = sum(p.status.shortfall for p in found)
                noun = "pledge" if len(found) == 1 else f"{len(found)} pledges"
                parts.append(f"{noun} {format_money(amount, currency)} {words}" if amount > CENT else f"{noun} {words}")
        if self.blocked:
            parts.append(f"{len(self.blocked)} blocked")
        votes = sum(len(who) for _, who in self.votes)
        if votes:
            parts.append(_count(votes, "vote") + " missing")
        if self.norms:
            parts.append(_count(len(self.norms), "norm") + " not agreed")
        return ", ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def partner_record(
    workplan: Workplan,
    code: str,
    today: date,
    *,
    healths: Mapping[str, tuple[str, str]] | None = None,
    logged: Mapping[str, str] | None = None,
) -> PartnerRecord:
    """The record of partner ``code`` (as stored) on ``today``. ``healths``: label (``P2``,
    ``O3``) -> (health, reason) of the plans and outcomes, from ``overview.plan_figures``
    (computed here when not given); ``logged``: handle -> ISO UTC time of each member's newest log
    entry (``History.last_by_member``; notes on tasks count too). KeyError for no such partner."""
    if code not in workplan.partners:
        raise KeyError(code)
    if healths is None:
        healths = plan_healths(workplan, today)
    return _records(workplan, today, healths, logged or {}, only=code)[0]


def plan_healths(workplan: Workplan, today: date) -> dict[str, tuple[str, str]]:
    """Label -> (health, reason) of every plan and outcome (``overview.plan_figures``)."""
    from workplan_tui.model.overview import plan_figures

    return healths_of(plan_figures(workplan, today))


def healths_of(figures: Iterable[Any]) -> dict[str, tuple[str, str]]:
    """Label -> (health, reason) of the plans and outcomes in ``figures`` (``PlanFigures``)."""
    found: dict[str, tuple[str, str]] = {}
    for fig in figures:
        found[fig.plan.label] = (fig.forecast.health, fig.forecast.reason)
        for o in fig.outcomes:
            f = fig.outcome_forecasts[o.id]
            found[o.label] = (f.health, f.reason)
    return found


def partner_records(
    workplan: Workplan,
    today: date,
    *,
    figures: Sequence[Any] | None = None,
    logged: Mapping[str, str] | None = None,
) -> list[PartnerRecord]:
    """Every partner's record, in the order of the partners (``partner_record`` says what each
    holds): one pass over the tasks for all of them."""
    healths = healths_of(figures) if figures is not None else plan_healths(workplan, today)
    return _records(workplan, today, healths, logged or {})


class _Gathered:
    """What one pass over the tasks finds for one partner."""

    __slots__ = ("open", "overdue", "blocked", "followups", "last")

    def __init__(self) -> None:
        self.open: list[Task] = []
        self.overdue: list[Task] = []
        self.blocked: list[Task] = []
        self.followups: list[tuple[Subject, FollowUp]] = []
        self.last: tuple[str, str] = ("", "")


def _records(
    workplan: Workplan,
    today: date,
    healths: Mapping[str, tuple[str, str]],
    logged: Mapping[str, str],
    only: str | None = None,
) -> list[PartnerRecord]:
    """The records of every partner (or of ``only``), from one pass over the tasks."""
    from workplan_tui.model.rules import buy_in, norm_state

    codes = [only] if only is not None else list(workplan.partners)
    partner_of = {m.handle: m.partner for m in workplan.members.values() if m.partner in codes}
    found = {code: _Gathered() for code in codes}
    for handle, at in logged.items():
        code = partner_of.get(handle)
        if code is not None and at > found[code].last[0]:
            found[code].last = (at, handle)
    running = {p.id for p in workplan.plans.values() if p.status not in CLOSED_PLAN_STATUSES}
    today_iso = today.isoformat()
    for task in workplan.tasks.values():
        for update in task.updates:
            code = partner_of.get(update.by)
            if code is not None and update.at > found[code].last[0]:
                found[code].last = (update.at, update.by)
        code = partner_of.get(task.owner or "")
        if code is None:
            continue
        mine = found[code]
        if task.followups:
            subject = Subject(task.label, task.title, code, task=task)
            mine.followups += [(subject, f) for f in task.followups]
        if task.status == "done" or task.plan not in running:
            continue
        mine.open.append(task)
        if task.due and task.due < today_iso:
            mine.overdue.append(task)
        if task.status == "blocked":
            mine.blocked.append(task)
    waiting_votes: list[tuple[Plan, list[str]]] = []
    for plan in workplan.plans.values():
        if plan.status == "proposed":
            result = buy_in(plan, workplan.members, workplan.current_votes(plan.id), workplan.partners)
            waiting_votes.append((plan, result.not_voted))
    waiting_norms = [(norm, norm_state(norm, workplan.members).waiting) for norm in workplan.norms.values()]
    due_key = lambda t: (t.due or "9999", t.id)  # noqa: E731
    records = []
    for code in codes:
        partner, mine = workplan.partners[code], found[code]
        members = [m for m in workplan.members.values() if m.partner == code]
        pledges = [PledgeLine(n, c, of_pledge(workplan, c, today)) for n, c in enumerate(partner.contributions, 1)]
        for n, c in enumerate(partner.contributions, 1):
            subject = Subject(pledge_name(code, n), c.description, code, number=n, contribution=c)
            mine.followups += [(subject, f) for f in c.followups]
        mine.followups.sort(key=lambda pair: (pair[1].on, pair[1].at), reverse=True)
        leads = [
            Led(p.label, p.title, *healths.get(p.label, ("no_data", "")))
            for p in workplan.plans.values()
            if p.lead == code and p.status != "archived"
        ]
        leads += [
            Led(o.label, o.name, *healths.get(o.label, ("no_data", "")))
            for o in workplan.outcomes.values()
            if o.lead == code and o.plan in workplan.plans and workplan.plans[o.plan].status != "archived"
        ]
        theirs = {m.handle: m for m in members}
        votes = [
            (plan, who) for plan, everyone in waiting_votes if (who := _due(theirs, everyone, plan.created_at, today))
        ]
        norms = [
            (norm, who) for norm, everyone in waiting_norms if (who := _due(theirs, everyone, norm.created_at, today))
        ]
        records.append(
            PartnerRecord(
                partner,
                members,
                pledges,
                mine.open,  # in the file's order: only counted and listed by label (sorting 10,000 cost 20 ms)
                sorted(mine.overdue, key=due_key),
                sorted(mine.blocked, key=due_key),
                sorted(leads, key=lambda led: (rank(led.health), led.label[0] != "P", led.label)),
                votes,
                norms,
                mine.last,
                mine.followups,
            )
        )
    return records


def late_pledges(workplan: Workplan, today: date) -> list[tuple[Partner, PledgeLine]]:
    """Every pledge behind or late, late first, then the largest shortfall."""
    found = [
        (p, PledgeLine(n, c, status))
        for p in workplan.partners.values()
        for n, c in enumerate(p.contributions, 1)
        if (status := of_pledge(workplan, c, today)).overdue
    ]
    found.sort(key=lambda pair: (rank(pair[1].status.health), -pair[1].status.shortfall, pair[0].code, pair[1].number))
    return found


def late_pledge_words(workplan: Workplan, partner: Partner, line: PledgeLine, today: date) -> str:
    """A pledge behind or late (``late_pledges``) as a person says it at a meeting: "PARKS's
    pledge of $2,000 (cash: Match) is late: all $2,000 was due by 6 Nov (3 weeks overdue),
    delivered $0"; "SCHOOLS's pledge of $6,000 (staff: Science teacher time) is behind: $3,000
    of $6,000 expected by 29 Nov, delivered $1,500" (how late is the reason's, ``pledge_status``).
    Stored text is cleaned."""
    from workplan_tui.model.money import format_money

    c, status = line.contribution, line.status
    worth = f" of {format_money(c.value, workplan.partnership.currency)}" if c.value is not None else ""
    what = f"{c.kind}: {' '.join(clean(c.description).split())}" if c.description.strip() else c.kind
    return f"{clean(partner.code)}'s pledge{worth} ({what}) is {status.words}: {clean(status.reason)}"


def missed_matches(workplan: Workplan, today: date) -> list[tuple[Grant, MatchStatus]]:
    """The grants whose match deadline has passed short of the match required (``grant_status``
    off track), by id."""
    found = [(g, grant_status(workplan, g, today)) for g in sorted(workplan.grants.values(), key=lambda g: g.id)]
    return [(g, status) for g, status in found if status.health == "off_track"]


def health_words(health: str) -> str:
    """'on track', 'at risk' (the forecasts' words, for plans and outcomes)."""
    return HEALTH_WORDS.get(health, health)


def record_json(record: PartnerRecord, currency: str | None = None) -> dict[str, Any]:
    """A partner's record for scripts (``partner show --json``, ``report --json``), in the JSON
    contract: the partner, its members, the summary, each pledge with its status, its members'
    tasks (labels), what it leads, votes and norm agreements missing, the last change, follow-ups."""
    from workplan_tui.model import contract

    return {
        **contract.of("partners", record.partner),
        "members": [m.handle for m in record.members],
        "summary": record.outstanding(currency) or "nothing outstanding",
        "health": record.health,
        "pledges": [
            {
                "number": p.number,
                "kind": p.contribution.kind,
                "description": p.contribution.description,
                **p.status.as_json(),
            }
            for p in record.pledges
        ],
        "tasks": {
            "open": [t.label for t in record.open],
            "overdue": [t.label for t in record.overdue],
            "blocked": [t.label for t in record.blocked],
        },
        "leads": [
            {"id": led.label, "name": led.name, "health": led.health, "reason": led.reason} for led in record.leads
        ],
        "votes_missing": [{"plan": plan.label, "members": who} for plan, who in record.votes],
        "norms_not_agreed": [{"norm": norm.label, "members": who} for norm, who in record.norms],
        "last_change": {"at": record.last_change[0], "member": record.last_change[1]}
        if record.last_change[0]
        else None,
        "followups": [{"subject": s.name, **contract.of_nested(f)} for s, f in record.followups],
    }
