"""An outcome's chart in text: check-ins over time against the target, the expected line
and the projection to the due day, with a time axis of dates.

Pure (no Textual): ``outcome_chart`` lays the chart out as lines of ``(text, part)``
pieces; the Outcomes screen gives each part its style. Every mark differs by its
shape, not only its colour, so the chart reads in 16 colours and with ``NO_COLOR``:

    ─ target    · expected (baseline at the start to the target on the due day)
    ╌ projected (from the latest value at today's pace to the due day)
    ● ◐ ○ •     a check-in of high, medium, low or unstated confidence
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from rich.cells import cell_len

Piece = tuple[str, str]  # (text, part): part is "", "axis", "target", "expected", "projected", "checkin", "today"
Line = list[Piece]

CONFIDENCE_MARKS = {"high": "●", "medium": "◐", "low": "○"}
NO_CONFIDENCE = "•"
TARGET, EXPECTED, PROJECTED = "─", "·", "╌"
LEGEND: Line = [
    (TARGET, "target"),
    (" target  ", ""),
    (EXPECTED, "expected"),
    (" expected  ", ""),
    (PROJECTED, "projected"),
    (" projected  ", ""),
    ("● ◐ ○", "checkin"),
    (" check-in: high, medium, low", ""),
]


@dataclass(frozen=True, slots=True)
class Point:
    """A check-in: its day, value and confidence (None when not said)."""

    day: date
    value: float
    confidence: str | None = None


def outcome_chart(
    *,
    baseline: float,
    target: float,
    start: date | None,
    due: date | None,
    today: date,
    points: Sequence[Point],
    projected: float | None,
    width: int,
    height: int,
    number: Callable[[float], str],
    day: Callable[[date], str],
) -> list[Line]:
    """The chart as ``height`` plot lines, the time axis and its dates (two lines), and a
    legend, each at most ``width`` cells. ``projected`` is the value forecast for the due
    day (None: no projection drawn); ``number`` and ``day`` format the value labels and
    the dates ("40", "12 Oct")."""
    height = max(3, height)
    days = [d for d in (start, due, today, *(p.day for p in points)) if d is not None]
    first, last = min(days), max(days)
    if last <= first:
        last = date.fromordinal(first.toordinal() + 1)
    values = [baseline, target, *(p.value for p in points)] + ([projected] if projected is not None else [])
    low, high = min(values), max(values)
    if high == low:
        high, low = high + 1, low - 1
    target_row = _row(target, low, high, height)
    labels = {0: number(high), height - 1: number(low), target_row: number(target)}  # the target's wins
    gutter = max(cell_len(text) for text in labels.values()) + 1
    plot = max(10, width - gutter - 1)

    def column(when: date) -> int:
        return round((when.toordinal() - first.toordinal()) / (last.toordinal() - first.toordinal()) * (plot - 1))

    def row(value: float) -> int:
        return _row(value, low, high, height)

    grid: list[list[Piece]] = [[(" ", "")] * plot for _ in range(height)]
    for x in range(plot):
        grid[target_row][x] = (TARGET, "target")
    if start is not None and due is not None and start < due:
        _segment(grid, column(start), baseline, column(due), target, row, EXPECTED, "expected")
    if projected is not None and due is not None and points and due >= today:
        latest = points[-1].value
        _segment(grid, column(today), latest, column(due), projected, row, PROJECTED, "projected")
    for p in points:
        mark = CONFIDENCE_MARKS.get(p.confidence or "", NO_CONFIDENCE)
        grid[row(p.value)][column(p.day)] = (mark, "checkin")

    lines: list[Line] = []
    for y, cells in enumerate(grid):
        label = labels.get(y, "")
        tick = "┤" if label else "│"
        lines.append([(f"{label:>{gutter - 1}} {tick}", "axis"), *joined(cells)])
    ticks = {column(d) for d in (start, today, due) if d is not None}
    axis = "".join("┬" if x in ticks else "─" for x in range(plot))
    lines.append([(" " * (gutter - 1) + " └" + axis, "axis")])
    lines.append([(" " * (gutter + 1) + _date_line(plot, start, today, due, column, day), "axis")])
    lines.append(_fit(LEGEND, width))
    return lines


def _row(value: float, low: float, high: float, height: int) -> int:
    return round((high - value) / (high - low) * (height - 1))


def _segment(
    grid: list[list[Piece]],
    x0: int,
    v0: float,
    x1: int,
    v1: float,
    row: Callable[[float], int],
    mark: str,
    part: str,
) -> None:
    """A straight line of ``mark`` from (x0, v0) to (x1, v1), one cell a column."""
    if x1 < x0:
        return
    for x in range(max(0, x0), min(len(grid[0]) - 1, x1) + 1):
        value = v0 if x1 == x0 else v0 + (v1 - v0) * (x - x0) / (x1 - x0)
        grid[row(value)][x] = (mark, part)


def joined(cells: Sequence[Piece]) -> Line:
    """Neighbouring cells of one part as one piece."""
    out: Line = []
    for text, part in cells:
        if out and out[-1][1] == part:
            out[-1] = (out[-1][0] + text, part)
        else:
            out.append((text, part))
    return out


def _date_line(
    plot: int,
    start: date | None,
    today: date,
    due: date | None,
    column: Callable[[date], int],
    day: Callable[[date], str],
) -> str:
    """The dates under their ticks: the due day, then today, then the start, each where it
    fits without covering another (the start at the left end, the due day ending at the right)."""
    line = [" "] * plot
    taken = [False] * plot
    wanted: list[tuple[int, str, str]] = []  # (column, text, align)
    if due is not None:
        wanted.append((column(due), f"due {day(due)}", "right" if column(due) > plot // 2 else "left"))
    wanted.append((column(today), "today", "centre"))
    if start is not None:
        wanted.append((column(start), f"start {day(start)}", "left" if column(start) < plot // 2 else "right"))
    for x, text, align in wanted:
        n = len(text)
        begin = {"left": x, "right": x - n + 1, "centre": x - n // 2}[align]
        begin = max(0, min(plot - n, begin))
        end = begin + n
        if begin < 0 or end > plot or any(taken[max(0, begin - 1) : min(plot, end + 1)]):
            continue
        line[begin:end] = list(text)
        taken[begin:end] = [True] * n
    return "".join(line).rstrip()


def _fit(line: Line, width: int) -> Line:
    """``line`` cut to ``width`` cells."""
    out: Line = []
    used = 0
    for text, part in line:
        if used + cell_len(text) > width:
            room = width - used
            if room > 0:
                out.append((text[:room], part))
            break
        out.append((text, part))
        used += cell_len(text)
    return out
