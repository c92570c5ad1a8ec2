from datetime import date, timedelta

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workplan_tui.model.dates import DateError, format_due, parse_date, preview

SAT = pendulum.date(2026, 11, 28)  # a Saturday
FRI = pendulum.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("today", SAT, "2026-11-28"),
        ("tomorrow", SAT, "2026-11-29"),
        ("fri", SAT, "2026-12-04"),
        ("Friday", SAT, "2026-12-04"),
        ("fri", FRI, "2026-12-11"),  # on a Friday, "fri" is next week's
        ("mon", SAT, "2026-11-30"),
        ("next friday", SAT, "2026-12-04"),  # Friday of next week (week starts Monday)
        ("next fri", pendulum.date(2026, 11, 30), "2026-12-11"),
        ("in 3 days", SAT, "2026-12-01"),
        ("in 2 weeks", SAT, "2026-12-12"),
        ("in 1 month", SAT, "2026-12-28"),
        ("+5d", SAT, "2026-12-03"),
        ("+2w", SAT, "2026-12-12"),
        ("eow", SAT, "2026-12-04"),
        ("eow", FRI, "2026-12-04"),
        ("eom", SAT, "2026-11-30"),
        ("2026-12-15", SAT, "2026-12-15"),
        ("  In   3   Days ", SAT, "2026-12-01"),
        # Month names, with the year rolling forward once the day has passed (issue 12).
        ("dec 15", SAT, "2026-12-15"),
        ("15 dec", SAT, "2026-12-15"),
        ("December 15", SAT, "2026-12-15"),
        ("15th of december", SAT, "2026-12-15"),
        ("Dec. 15, 2027", SAT, "2027-12-15"),
        ("nov 28", SAT, "2026-11-28"),  # today is not past
        ("nov 27", SAT, "2027-11-27"),
        ("jan 4", SAT, "2027-01-04"),
        ("feb 29", SAT, "2028-02-29"),  # the next leap year
        ("sept 1", SAT, "2027-09-01"),
        ("end of month", SAT, "2026-11-30"),
        ("end of week", SAT, "2026-12-04"),
        ("end of the week", FRI, "2026-12-04"),
        ("next month", SAT, "2026-12-01"),  # its first day, as "next week" is its Monday
        ("next week", SAT, "2026-11-30"),
        ("next week", pendulum.date(2026, 11, 29), "2026-11-30"),  # on a Sunday: tomorrow
    ],
)
def test_parse_date_forms(text: str, today: pendulum.Date, expected: str) -> None:
    assert parse_date(text, today=today).isoformat() == expected


@pytest.mark.parametrize(
    "text", ["someday", "", "2026-13-40", "in -3 days", "+5x", "next blursday", "decx 15", "15 smarch"]
)
def test_unparseable_dates_list_the_accepted_forms(text: str) -> None:
    with pytest.raises(DateError) as exc:
        parse_date(text, today=SAT)
    if text and text != "2026-13-40":
        assert "next friday" in str(exc.value) and "YYYY-MM-DD" in str(exc.value)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("2026-11-28", "due today"),
        ("2026-11-29", "due tomorrow"),
        ("2026-12-01", "due in 3 days"),
        ("2026-12-19", "due in 3 weeks"),
        ("2027-03-01", "due 1 Mar 2027"),
        ("2026-11-27", "1 day overdue"),
        ("2026-11-26", "2 days overdue"),
        (None, "no due date"),
    ],
)
def test_format_due(due: str | None, expected: str) -> None:
    assert format_due(due, today=SAT) == expected


def test_done_tasks_are_never_overdue() -> None:
    assert format_due("2026-11-20", today=SAT, done=True) == "was due 20 Nov 2026"


def test_preview_reads_back_the_date() -> None:
    assert preview("fri", today=SAT) == "Fri 4 Dec · in 6 days"
    assert preview("2026-11-26", today=SAT) == "Thu 26 Nov · 2 days overdue"


@pytest.mark.parametrize("text", ["２０２６-12-15", "in ３ days", "+٣d", "2026-12-15x"])
def test_digits_of_other_scripts_are_a_clear_date_error(text: str) -> None:
    with pytest.raises(DateError, match="cannot read"):
        parse_date(text, today=pendulum.Date(2026, 11, 28))


@pytest.mark.parametrize("text", ["12/15", "15/12", "15.12", "12-15", "12/15/2026"])
def test_numeric_day_and_month_is_refused_with_a_hint(text: str) -> None:
    """Partners write 12/15 and 15/12 for the same day: guessing would be wrong for one of them."""
    with pytest.raises(
        DateError, match=r"day and month in different orders; use YYYY-MM-DD or a month name \(2026-12-15 or dec 15\)"
    ):
        parse_date(text, today=SAT)


@pytest.mark.parametrize("text", ["feb 30", "31 apr", "dec 32"])
def test_month_days_that_do_not_exist_are_refused(text: str) -> None:
    with pytest.raises(DateError, match="not a real date"):
        parse_date(text, today=SAT)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("2026-12-04", "due in 6 days, Fri 4 Dec"),
        ("2026-11-26", "2 days overdue, Thu 26 Nov"),
        ("2027-01-04", "due in 5 weeks, Mon 4 Jan 2027"),
        ("2027-03-01", "due 1 Mar 2027"),  # the words are the date already
    ],
)
def test_format_due_dated_shows_the_date_beside_the_words(due: str, expected: str) -> None:
    assert format_due(due, today=SAT, dated=True) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 1500))
def test_month_and_day_is_the_next_such_day(today: date, ahead: int) -> None:
    """'dec 15' is the first Dec 15 from today on, whichever way round it is typed."""
    target = today + timedelta(days=ahead)
    month = f"{target:%B}".lower()
    parsed = {parse_date(text, today=today) for text in (f"{month} {target.day}", f"{target.day} {month[:3]}")}
    assert len(parsed) == 1
    (when,) = parsed
    assert when.month == target.month and when.day == target.day and when >= today
    earlier = [date(y, when.month, when.day) for y in range(today.year, when.year) if _exists(y, when.month, when.day)]
    assert all(d < today for d in earlier)


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
