import pendulum
import pytest

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
    ],
)
def test_parse_date_forms(text: str, today: pendulum.Date, expected: str) -> None:
    assert parse_date(text, today=today).isoformat() == expected


@pytest.mark.parametrize("text", ["someday", "", "2026-13-40", "in -3 days", "+5x", "next blursday"])
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
