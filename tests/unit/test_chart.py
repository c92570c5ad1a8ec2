"""The outcome chart in text (ui/chart.py): where each mark lands, the time axis, the width."""

from __future__ import annotations

from rich.cells import cell_len

from tests.clock import day
from workplan_tui.ui.chart import CONFIDENCE_MARKS, NO_CONFIDENCE, Point, outcome_chart

TODAY = day(0)


def chart(width: int = 80, height: int = 6, **kw: object) -> list[str]:
    args: dict[str, object] = {
        "baseline": 0,
        "target": 40,
        "start": day(-70),
        "due": day(50),
        "today": TODAY,
        "points": [Point(day(-28), 12, "low"), Point(day(-14), 17, "medium"), Point(day(0), 20, "high")],
        "projected": 30.0,
        "width": width,
        "height": height,
        "number": lambda v: f"{v:g}",
        "day": lambda d: d.isoformat(),
    }
    args.update(kw)
    lines = outcome_chart(**args)  # type: ignore[arg-type]
    return ["".join(text for text, _ in line) for line in lines]


def test_each_check_in_is_marked_by_its_confidence_in_its_days_column() -> None:
    rows = chart(width=100, height=9)
    axis = rows[9]
    ticks = [i for i, c in enumerate(axis) if c == "┬"]
    assert len(ticks) == 3  # start, today, due
    latest = [i for row in rows[:9] for i, c in enumerate(row) if c == CONFIDENCE_MARKS["high"]]
    assert latest == [ticks[1]]  # the latest check-in is today's
    assert any(CONFIDENCE_MARKS["low"] in row for row in rows[:9])
    assert any(CONFIDENCE_MARKS["medium"] in row for row in rows[:9])
    unstated = chart(points=[Point(day(-7), 5), Point(day(0), 9)])
    assert any(NO_CONFIDENCE in row for row in unstated[:6])


def test_the_target_line_runs_across_at_the_targets_row_labelled() -> None:
    rows = chart(height=6)
    top = rows[0]
    assert top.startswith("40 ┤")
    assert top.count("─") > 40
    assert rows[5].startswith(" 0 ┤")


def test_the_time_axis_names_start_today_and_due() -> None:
    dates = chart(width=100)[7]
    assert f"start {day(-70).isoformat()}" in dates
    assert "today" in dates
    assert f"due {day(50).isoformat()}" in dates
    assert dates.rstrip().endswith(day(50).isoformat())


def test_expected_and_projected_lines_are_drawn() -> None:
    rows = chart()
    plot = "".join(rows[:6])
    assert "·" in plot and "╌" in plot
    assert "╌" not in "".join(chart(projected=None)[:6])
    assert "·" not in "".join(chart(start=None)[:6])


def test_every_line_fits_the_width() -> None:
    for width in (40, 60, 80, 120):
        assert all(cell_len(row) <= width for row in chart(width=width)), width


def test_one_point_and_no_dates_still_draw() -> None:
    rows = chart(start=None, due=None, points=[Point(TODAY, 3)], projected=None, baseline=3, target=3)
    assert len(rows) == 6 + 3
    assert NO_CONFIDENCE in "".join(rows[:6])
