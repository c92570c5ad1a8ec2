"""Words people type (issue 31): date words, handles in any case, several ids at once,
progress with a percent sign, and confirmations that fit the terminal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest
from click.testing import Result

from tests.clock import iso_day
from tests.conftest import log_of
from workplan_tui.model.dates import EXAMPLES, DateError, parse_date

SAT = pendulum.date(2026, 11, 28)  # a Saturday

Run = Callable[..., Result]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in a fortnight", "2026-12-12"),
        ("a fortnight", "2026-12-12"),
        ("in 2 fortnights", "2026-12-26"),
        ("tmrw", "2026-11-29"),
        ("tmr", "2026-11-29"),
        ("2w", "2026-12-12"),
        ("3d", "2026-12-01"),
        ("1m", "2026-12-28"),
        ("in a week", "2026-12-05"),
        ("in an month", "2026-12-28"),
        ("eod", "2026-11-28"),
        ("end of day", "2026-11-28"),
        ("EOD", "2026-11-28"),
    ],
)
def test_more_date_words(text: str, expected: str) -> None:
    assert parse_date(text, today=SAT).isoformat() == expected


@pytest.mark.parametrize("text", ["2", "a", "ad", "in 2", "a  x", "2 parsecs"])
def test_a_count_without_a_unit_is_still_refused(text: str) -> None:
    with pytest.raises(DateError):
        parse_date(text, today=SAT)


def test_the_refusal_names_the_new_forms() -> None:
    with pytest.raises(DateError) as refused:
        parse_date("next blursday", today=SAT)
    for form in ("tmrw", "fortnight", "eod", "5d"):
        assert form in str(refused.value)
    for example in EXAMPLES.split(", "):
        parse_date(example, today=SAT)  # every example the board offers is read


def test_the_cli_takes_them(run: Run, wp: Path) -> None:
    for word in ("in a fortnight", "tmrw", "2w", "eod"):
        result = run("task", "due", "T3", word)
        assert result.exit_code == 0, result.output
    assert json.loads(run("task", "show", "T3", "--json").output)["due"] == iso_day(0)  # eod: today


def test_progress_with_a_percent_sign(run: Run, wp: Path) -> None:
    for typed, expected in (("50%", 50), ("+5%", 55), ("-5 %", 50), ("60.0%", 60), ("70 percent", 70)):
        result = run("task", "progress", "T2", typed)
        assert result.exit_code == 0, result.output
        assert f"{expected}%" in result.output
    assert log_of(wp)[-1]["changes"]["progress"] == [60, 70]
