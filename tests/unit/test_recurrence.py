"""Recurring tasks' repeats and their days (model/recurrence.py): month ends and leap days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.clock import day
from workplan_tui.model import recurrence
from workplan_tui.model.recurrence import RepeatError, canonical, first_due, following, next_after, repeat_problem


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("week", "week"),
        ("weekly", "week"),
        ("every week", "week"),
        ("2w", "2w"),
        ("2 weeks", "2w"),
        ("fortnight", "2w"),
        ("14d", "2w"),
        ("7 days", "week"),
        ("3d", "3d"),
        ("daily", "day"),
        ("month", "month"),
        ("1m", "month"),
        ("quarter", "quarter"),
        ("3 months", "quarter"),
        ("12m", "year"),
        ("annually", "year"),
        ("monday", "mon"),
        ("Every Monday", "mon"),
        ("mondays", "mon"),
        ("tues", "tue"),
        ("1st of month", "1st of month"),
        ("the 1st", "1st of month"),
        ("15th", "15th of month"),
        ("22nd of the month", "22nd of month"),
        ("31 of month", "31st of month"),
        ("last day of month", "last of month"),
        ("eom", "last of month"),
    ],
)
def test_repeats_are_read_as_people_type_them(typed: str, stored: str) -> None:
    assert canonical(typed) == stored
    assert canonical(stored) == stored  # what is stored reads back as itself
    assert repeat_problem(stored) is None


@pytest.mark.parametrize("typed", ["", "sometimes", "0 weeks", "200w", "32nd of month", "15", "12/15"])
def test_what_is_not_a_repeat_is_one_clear_error(typed: str) -> None:
    with pytest.raises(RepeatError) as found:
        canonical(typed)
    assert "\n" not in str(found.value)


def test_the_file_check_wants_the_stored_word() -> None:
    assert repeat_problem("week") is None
    assert "must be written 'week'" in (repeat_problem("weekly") or "")
    assert "must be a repeat" in (repeat_problem("sometimes") or "")
    assert repeat_problem(7) == "must be text"


def test_monthly_from_the_31st_stays_at_month_ends_without_drifting() -> None:
    anchor = date(2028, 1, 31)  # 2028 is a leap year
    days, after = [], anchor
    for _ in range(6):
        after = next_after("month", anchor, after)
        days.append(after)
    assert days == [date(2028, 2, 29), date(2028, 3, 31), date(2028, 4, 30), date(2028, 5, 31), date(2028, 6, 30),
                    date(2028, 7, 31)]  # fmt: skip
    assert next_after("month", date(2027, 1, 31), date(2027, 1, 31)) == date(2027, 2, 28)


def test_yearly_from_a_leap_day_is_the_28th_then_the_29th_again() -> None:
    anchor = date(2028, 2, 29)
    days, after = [], anchor
    for _ in range(4):
        after = next_after("year", anchor, after)
        days.append(after)
    assert days == [date(2029, 2, 28), date(2030, 2, 28), date(2031, 2, 28), date(2032, 2, 29)]


def test_a_quarter_from_november_30th_crosses_february() -> None:
    anchor = date(2026, 11, 30)
    assert next_after("quarter", anchor, anchor) == date(2027, 2, 28)
    assert next_after("quarter", anchor, date(2027, 2, 28)) == date(2027, 5, 30)


def test_a_day_of_the_month_is_cut_to_short_months() -> None:
    assert next_after("31st of month", date(2026, 1, 1), date(2027, 1, 31)) == date(2027, 2, 28)
    assert next_after("31st of month", date(2026, 1, 1), date(2028, 1, 31)) == date(2028, 2, 29)
    assert next_after("30th of month", date(2026, 1, 1), date(2028, 2, 29)) == date(2028, 3, 30)
    assert next_after("last of month", date(2026, 1, 1), date(2028, 2, 28)) == date(2028, 2, 29)
    assert next_after("last of month", date(2026, 1, 1), date(2026, 12, 31)) == date(2027, 1, 31)
    assert next_after("1st of month", date(2026, 1, 1), date(2026, 12, 1)) == date(2027, 1, 1)


def test_a_weekday_is_the_next_one_never_the_same_day() -> None:
    monday = date(2026, 11, 30)
    assert next_after("mon", monday, monday) == date(2026, 12, 7)
    assert next_after("fri", monday, monday) == date(2026, 12, 4)
    assert next_after("sun", monday, date(2026, 12, 5)) == date(2026, 12, 6)


def test_the_next_instance_after_a_late_one_starts_from_today() -> None:
    """A weekly task done three weeks late comes back next week, not with three weeks to make up."""
    today = day(0)
    anchor = today - timedelta(days=28)
    late = following("week", anchor, anchor, today)
    assert today <= late < today + timedelta(days=7)
    assert (late - anchor).days % 7 == 0  # still on the series' days
    on_time = following("week", anchor, today + timedelta(days=7), today)
    assert on_time == today + timedelta(days=14)
    moved = following("week", anchor, today + timedelta(days=3), today)  # a due day moved by hand
    assert moved == today + timedelta(days=7)  # back on the series' days


def test_a_new_series_without_a_due_day_starts_on_its_first_day() -> None:
    today = day(0)
    assert first_due("week", today) == today
    monday = first_due("mon", today)
    assert monday.weekday() == 0 and 0 <= (monday - today).days < 7
    assert first_due("1st of month", today).day == 1
    assert first_due("1st of month", today) >= today


def test_words_say_each_repeat() -> None:
    assert recurrence.words("week") == "every week"
    assert recurrence.words("2w") == "every 2 weeks"
    assert recurrence.words("mon") == "every Monday"
    assert recurrence.words("1st of month") == "on the 1st of every month"
    assert recurrence.words("last of month") == "on the last day of every month"
    assert recurrence.words("5m") == "every 5 months"


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(
        [
            "day",
            "3d",
            "week",
            "2w",
            "month",
            "quarter",
            "year",
            "mon",
            "sun",
            "1st of month",
            "29th of month",
            "31st of month",
            "last of month",
        ]
    ),  # fmt: skip
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(min_value=-400, max_value=400),
)
def test_the_next_day_is_always_later_and_never_skips_one(stored: str, anchor: date, offset: int) -> None:
    after = anchor + timedelta(days=offset)
    found = next_after(stored, anchor, after)
    assert found > after or (after < anchor and found == anchor)
    if after >= anchor:  # no day of the series falls strictly between them
        between = after + timedelta(days=1)
        while between < found:
            assert next_after(stored, anchor, between - timedelta(days=1)) >= found
            between += timedelta(days=max(1, (found - after).days // 4))
