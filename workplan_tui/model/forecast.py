"""Are we on track? Forecasts for outcomes, plans and tasks (pure: no I/O, no Textual).

Derived, never stored (PRODUCT.md, "forecast"): every figure comes from what the file
already holds (baselines, targets, start and due dates, check-ins, task statuses) and the
``today`` it is given. The README's "Forecasts" section says the same in short, and
docs/status-review.md ("How health is worked out") in full, for a lead.

**An outcome** (``outcome_forecast``). Values are in the outcome's unit; a week is 7 days.

- *expected now*: where the straight line from the baseline at the start to the target on
  the due day stands today (the baseline before the start, the target from the due day on;
  none when the start is not before the due day).
- *pace* per week: the slope of the least-squares line through the check-ins of the last
  ``PACE_WINDOW_DAYS`` days, and through at least the ``PACE_MIN_CHECKINS`` latest ones on at
  least two different days (older ones are taken until that holds). With check-ins on a single
  day, the line runs from the baseline on the start day to them. None when even that is one day.
- *time left*: from the start of today to the end of the due day, ``(due - today + 1) / 7``
  weeks (due today leaves a day).
- *needed* per week: ``(target - latest) / time left`` (before the start day, over the time
  from the start to the due day instead); *projected* at due: ``latest + pace x time left``
  (the latest value is taken as today's; never below 0 when the baseline and the target are
  0 or more: a count, a wait or a weight does not go below 0).
- *health*, the first that holds:

  ``met``        the latest value has reached the target (or gone beyond it), whatever the date;
  ``no_data``    no due date;
  ``off_track``  the due day has passed;
  ``no_data``    the start day is still to come (not judged before it), no check-in yet, or
                 no pace (check-ins on one day only);
  ``on_track``   pace / needed >= 1 (at this pace the target is reached by the due day), with
                 a check-in in the last ``STALE_CHECKIN_DAYS`` (28) days;
  ``at_risk``    pace / needed >= 1 but the latest check-in is 28 days old or more; pace /
                 needed from ``AT_RISK_RATIO`` (0.75) up to 1; or under 0.75 while at or ahead
                 of the expected line (ahead of plan, but slowing);
  ``off_track``  pace / needed < 0.75 while behind the expected line.

  A reduction goal (wait time 25 -> 10 minutes) is the same with the signs turned: its pace
  and needed pace are negative numbers of minutes per week. A target equal to the baseline
  (a level to hold) is met while the latest value is at it; otherwise as above, but at risk
  where a pace would be judged.

**A plan** (``plan_forecast``) rolls up from its outcomes' health and from its tasks:
open tasks past their due day (at risk; off track when ``OVERDUE_OFF_TRACK_MIN`` (3) or more
and at least ``OVERDUE_OFF_TRACK_SHARE`` (a quarter) of the open tasks), open tasks due after
the plan's end (at risk), and the open tasks against the time left at the rate tasks were
closed in the last ``CLOSE_WINDOW_DAYS`` (28) days (the same 0.75 / 1 ratios; judged once
the plan has run ``CLOSE_MIN_DAYS`` (14) days). A plan whose end has passed and that is not
completed is off track. Its health is the worst of its parts (an outcome without data or a
met one does not pull it down), ``met`` when every outcome is met and every task done, and
its reason names the worst parts first ("O3 off track; 5 tasks overdue").

**A task** (``task_health``): done is met; past its due day off track; blocked, not started
after its start day (or still waiting on another task then: model/schedule.py), due after its
plan's end or far behind its time (progress short of the share of its start-to-due time gone by
more than ``TASK_BEHIND_POINTS`` (25)) at risk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Literal, overload

from workplan_tui.model import rules
from workplan_tui.model.records import CheckIn, Outcome, Plan, Task, label
from workplan_tui.model.text import clean

Health = Literal["met", "on_track", "at_risk", "off_track", "no_data"]
# Worst first: the order of "Off track / at risk" lists and of the Review queue.
HEALTHS: tuple[Health, ...] = ("off_track", "at_risk", "no_data", "on_track", "met")
HEALTH_WORDS: dict[str, str] = {
    "met": "met",
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
    "no_data": "no data",
}
# Each health without colour (NO_COLOR, 16 colours, a mail): a symbol beside its word, everywhere.
HEALTH_SYMBOLS: dict[str, str] = {"off_track": "✗", "at_risk": "▲", "on_track": "●", "met": "✓", "no_data": "?"}
# How good each health is, for "worst of": no_data is not a judgement and never wins.
_GOODNESS: dict[str, int] = {"off_track": 0, "at_risk": 1, "on_track": 2, "met": 3}

PACE_WINDOW_DAYS = 42  # the pace is measured over the last 6 weeks of check-ins...
PACE_MIN_CHECKINS = 3  # ...and over at least the 3 latest
AT_RISK_RATIO = 0.75  # pace / needed pace: under 1 at risk, under 0.75 off track
STALE_CHECKIN_DAYS = 28  # a latest check-in this old leaves an outcome at risk at best
CLOSE_WINDOW_DAYS = 28  # the closing rate of tasks: those done in the last 4 weeks
CLOSE_MIN_DAYS = 14  # a plan that has run less than 2 weeks has no closing rate yet
OVERDUE_OFF_TRACK_MIN = 3  # overdue tasks make a plan off track from 3...
OVERDUE_OFF_TRACK_SHARE = 0.25  # ...that are a quarter of its open tasks or more
TASK_BEHIND_POINTS = 25  # a task whose progress trails its time gone by 25 points is at risk

PACE_METHOD = (
    f"least-squares line through the check-ins of the last {PACE_WINDOW_DAYS // 7} weeks "
    f"(at least the {PACE_MIN_CHECKINS} latest, on two days or more; with check-ins on one day "
    "only, from the baseline on the start day)"
)


def rank(health: str) -> int:
    """Where ``health`` sorts worst first (``HEALTHS``' order); unknown words sort last."""
    return HEALTHS.index(health) if health in HEALTHS else len(HEALTHS)  # type: ignore[arg-type]


class _Value:
    """Field-by-field equality, a hash and a readable repr over ``__slots__``, for values made
    once and never changed. Plain classes, not dataclasses or structs: every command imports
    this module, and generating their methods at import took 3 ms (msgspec's, with these
    annotations, 9 ms)."""

    __slots__ = ()

    def _names(self) -> tuple[str, ...]:
        names: tuple[str, ...] = self.__slots__  # each value class lists its fields here
        return names

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._names())

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, _Value)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._names())
        return f"{type(self).__name__}({fields})"


class Forecast(_Value):
    """Where an outcome is heading (``outcome_forecast``).

    Numbers are in the outcome's unit (per week for the two paces), None where unknown:
    ``expected`` needs a start and a due day, ``pace_per_week`` two check-in days (or one
    after the start day), ``projected`` a pace and a start day come (never below 0 for a
    baseline and a target of 0 or more; once the due day has passed, the latest value
    whatever the pace), ``needed_per_week`` a due day
    not yet past and the target not reached (before the start day, the pace needed from the
    start). ``pace_since`` is the first day the pace was measured from, ``last_checkin`` the
    day of the latest check-in.
    """

    __slots__ = (
        "health",
        "reason",
        "expected",
        "projected",
        "pace_per_week",
        "needed_per_week",
        "pace_since",
        "last_checkin",
    )

    def __init__(
        self,
        health: Health,
        reason: str,
        expected: float | None = None,
        projected: float | None = None,
        pace_per_week: float | None = None,
        needed_per_week: float | None = None,
        pace_since: date | None = None,
        last_checkin: date | None = None,
    ) -> None:
        self.health: Health = health
        self.reason = reason
        self.expected = expected
        self.projected = projected
        self.pace_per_week = pace_per_week
        self.needed_per_week = needed_per_week
        self.pace_since = pace_since
        self.last_checkin = last_checkin

    def as_json(self) -> dict[str, object]:
        """The JSON contract's ``"forecast"`` object: health, reason and the four numbers
        (rounded to 4 decimals), ``null`` where unknown."""
        return {
            "health": self.health,
            "reason": self.reason,
            "expected": _rounded(self.expected),
            "projected": _rounded(self.projected),
            "pace_per_week": _rounded(self.pace_per_week),
            "needed_per_week": _rounded(self.needed_per_week),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# --- outcomes -------------------------------------------------------------------------------


def expected_value(baseline: float, target: float, start: date | None, due: date | None, on: date) -> float | None:
    """Where the straight line from ``baseline`` on ``start`` to ``target`` on ``due`` stands
    on the day ``on``: the baseline up to the start, the target from the due day on. None
    without both days, or with a start on or after the due day (no line to draw)."""
    if start is None or due is None or start >= due:
        return None
    if on >= due:
        return float(target)
    if on <= start:
        return float(baseline)
    return baseline + (target - baseline) * (on - start).days / (due - start).days


def pace_points(checkins: Sequence[tuple[date, float]], today: date) -> list[tuple[date, float]]:
    """The check-ins the pace is measured over (see the module's doc), oldest first.

    ``checkins``: (day, value) in the order they were recorded. Only the tail is read: the
    cost does not grow with an outcome's history.
    """
    window_start = today - timedelta(days=PACE_WINDOW_DAYS)
    chosen: list[tuple[date, float]] = []
    days: set[date] = set()
    for day, value in reversed(checkins):
        if day < window_start and len(chosen) >= PACE_MIN_CHECKINS and len(days) >= 2:
            break
        chosen.append((day, value))
        days.add(day)
    chosen.reverse()
    return chosen


def least_squares_slope(points: Sequence[tuple[date, float]]) -> float | None:
    """The slope, per day, of the least-squares line through ``points``; None when they all
    fall on one day."""
    if not points:
        return None
    origin = points[0][0].toordinal()
    xs = [day.toordinal() - origin for day, _ in points]
    ys = [value for _, value in points]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx


def outcome_forecast(
    *,
    baseline: float,
    target: float,
    current: float,
    start: date | None,
    due: date | None,
    checkins: Sequence[tuple[date, float]],
    today: date,
    unit: str = "",
) -> Forecast:
    """The forecast of one outcome (formulas and thresholds: the module's doc).

    ``current`` is the latest value (the latest check-in's, else the baseline); ``checkins``
    are (day, value) in the order recorded; ``start`` is the outcome's start day (its own,
    else its plan's, else the day it was added; None when none is known); ``unit`` only goes
    into the reason ("needs 3.1 beds/week, doing 1.4 since 12 Oct").
    """
    unit = clean(unit)
    last = checkins[-1][0] if checkins else None
    span = target - baseline
    expected = expected_value(baseline, target, start, due, today)

    def done(
        health: Health,
        reason: str,
        *,
        projected: float | None = None,
        pace_per_week: float | None = None,
        needed_per_week: float | None = None,
        pace_since: date | None = None,
    ) -> Forecast:
        return Forecast(
            health, reason, expected, projected, pace_per_week, needed_per_week, pace_since, last_checkin=last
        )

    if span == 0 and current == target:
        return done("met", f"at its target, {with_unit(target, unit)}")
    sign = 1.0 if span >= 0 else -1.0
    if span != 0 and (target - current) * sign <= 0:
        return done("met", f"reached {with_unit(current, unit)} (target {with_unit(target, unit)})")

    points = pace_points(checkins, today)
    if len({day for day, _ in points}) < 2 and start is not None and points and start < points[0][0]:
        points = [(start, float(baseline)), *points]
    slope = least_squares_slope(points)
    pace = None if slope is None else slope * 7
    since = points[0][0] if slope is not None else None
    schedule = ""
    if start is not None and due is not None and start >= due:
        schedule = f"; it starts {short_day(start, today)}, on or after its due day"

    if due is None:
        what = "no due date" + ("" if checkins else " and no check-in yet")
        return done("no_data", f"{what}: set one to forecast", pace_per_week=pace, pace_since=since)
    days_left = (due - today).days
    if days_left < 0:
        return done(
            "off_track",
            f"was due {short_day(due, today)}: at {with_unit(current, unit)}, target {with_unit(target, unit)}",
            projected=float(current),
            pace_per_week=pace,
            pace_since=since,
        )
    weeks_left = (days_left + 1) / 7
    needed = (target - current) / weeks_left
    if start is not None and start > today:  # not judged before it starts
        if start <= due:  # the pace it will need once it has started
            needed = (target - current) / (((due - start).days + 1) / 7)
        when = f"starts {short_day(start, today)}" + (", on or after its due day" if schedule else "")
        return done("no_data", when, pace_per_week=pace, needed_per_week=needed, pace_since=since)
    if span == 0:  # a level to hold, and it is not held: no pace can say when it will be
        return done(
            "at_risk",
            f"at {with_unit(current, unit)}, its target is its baseline, {with_unit(target, unit)}" + schedule,
            pace_per_week=pace,
            needed_per_week=needed,
            pace_since=since,
        )
    if not checkins:
        began = f" in the {_weeks(today, start)} since it started" if start is not None and start < today else " yet"
        return done("no_data", f"no check-in{began}", needed_per_week=needed)
    if pace is None:
        return done(
            "no_data",
            f"no pace yet: its check-ins are all from {short_day(last or today, today)}" + schedule,
            needed_per_week=needed,
        )
    projected = current + pace * weeks_left
    if projected < 0 <= min(baseline, target):  # a count, a wait or a weight does not go below 0
        projected = 0.0

    def judged(health: Health, reason: str) -> Forecast:
        return done(health, reason, projected=projected, pace_per_week=pace, needed_per_week=needed, pace_since=since)

    ratio = (pace * sign) / (needed * sign)
    ahead = expected is not None and (current - expected) * sign >= 0
    doing = _doing(pace, sign, since, today)
    needs = f"needs {per_week(needed, unit)}"
    stale = last is not None and (today - last).days >= STALE_CHECKIN_DAYS
    silent = f"no check-in for {_weeks(today, last)}" if stale else ""
    if ratio >= 1:
        if stale:
            return judged("at_risk", f"{silent}; {needs}, was {doing}{schedule}")
        return judged("on_track", f"{doing}, {needs}{schedule}")
    also = f"; {silent}" if stale else ""
    if ratio >= AT_RISK_RATIO:
        return judged("at_risk", f"{needs}, {doing}{also}{schedule}")
    if ahead and expected is not None:
        return judged(
            "at_risk",
            f"ahead of plan ({figure_text(current)}, expected {estimate_text(expected, '')}) "
            f"but {needs}, {doing}{also}{schedule}",
        )
    return judged("off_track", f"{needs}, {doing}{also}{schedule}")


def _doing(pace: float, sign: float, since: date | None, today: date) -> str:
    when = f" since {short_day(since, today)}" if since is not None else ""
    if pace == 0:
        return f"no change{when}"
    if pace * sign < 0:
        return f"going the wrong way ({rate_text(pace)}/week{when})"
    return f"doing {rate_text(pace)}{when}"


# --- plans ----------------------------------------------------------------------------------


class PlanForecast(_Value):
    """Where a plan is heading (``plan_forecast``).

    ``expected_progress``: the share of the plan's time (start to end) gone, 0-100, None
    without both days. ``closing_per_week``: tasks done per week lately (None before the
    plan has run two weeks); ``needed_per_week``: tasks per week to close the open ones by
    the end (None without a future end or open tasks); ``finish_by``: the day the open tasks
    are done at the closing rate (None without a rate above zero). ``parts``: what is wrong,
    each with its health, worst first.
    """

    __slots__ = (
        "health",
        "reason",
        "open_tasks",
        "overdue_tasks",
        "tasks_after_end",
        "closing_per_week",
        "needed_per_week",
        "finish_by",
        "expected_progress",
        "parts",
    )

    def __init__(
        self,
        health: Health,
        reason: str,
        open_tasks: int = 0,
        overdue_tasks: int = 0,
        tasks_after_end: int = 0,
        closing_per_week: float | None = None,
        needed_per_week: float | None = None,
        finish_by: date | None = None,
        expected_progress: float | None = None,
        parts: tuple[tuple[Health, str], ...] = (),
    ) -> None:
        self.health: Health = health
        self.reason = reason
        self.open_tasks = open_tasks
        self.overdue_tasks = overdue_tasks
        self.tasks_after_end = tasks_after_end
        self.closing_per_week = closing_per_week
        self.needed_per_week = needed_per_week
        self.finish_by = finish_by
        self.expected_progress = expected_progress
        self.parts = parts

    def as_json(self) -> dict[str, object]:
        """The JSON contract's ``"forecast"`` object of a plan."""
        return {
            "health": self.health,
            "reason": self.reason,
            "expected_progress": _rounded(self.expected_progress),
            "open_tasks": self.open_tasks,
            "overdue_tasks": self.overdue_tasks,
            "tasks_after_end": self.tasks_after_end,
            "closing_per_week": _rounded(self.closing_per_week),
            "needed_per_week": _rounded(self.needed_per_week),
            "finish_by": self.finish_by.isoformat() if self.finish_by else None,
        }


class TaskTally(_Value):
    """A plan's tasks as its forecast counts them: all of them, the open ones, those overdue
    (``rules.is_overdue``), the open ones due after the plan's end, and those closed from
    ``close_cutoff(today)`` on (a done task's last change counts as the day it was closed)."""

    __slots__ = ("total", "open_tasks", "overdue", "after_end", "closed_lately")

    def __init__(self, total: int, open_tasks: int, overdue: int, after_end: int, closed_lately: int) -> None:
        self.total = total
        self.open_tasks = open_tasks
        self.overdue = overdue
        self.after_end = after_end
        self.closed_lately = closed_lately


def close_cutoff(today: date) -> str:
    """The ISO day from which a done task counts towards the closing rate."""
    return (today - timedelta(days=CLOSE_WINDOW_DAYS)).isoformat()


def tally_tasks(tasks: Iterable[Task], today: date, end: date | None) -> TaskTally:
    """Count ``tasks`` as ``TaskTally`` says, in one pass. (``overview.plan_figures`` counts
    them in its own pass over the tasks, by the same rules.)"""
    today_iso = today.isoformat()
    end_iso = end.isoformat() if end else None
    close_from = close_cutoff(today)
    total = open_tasks = overdue = after_end = closed = 0
    for task in tasks:
        total += 1
        if task.status == "done":
            if task.updated_at >= close_from:
                closed += 1
            continue
        open_tasks += 1
        if rules.is_overdue(task, today_iso):
            overdue += 1
        elif end_iso is not None and task.due and task.due > end_iso:
            after_end += 1
    return TaskTally(total, open_tasks, overdue, after_end, closed)


def plan_forecast(
    *,
    status: str,
    start: date | None,
    end: date | None,
    outcomes: Iterable[tuple[str, Forecast]],
    tasks: Iterable[Task] | TaskTally,
    today: date,
) -> PlanForecast:
    """The forecast of one plan from its outcomes' forecasts (``(label, forecast)``, e.g.
    ``("O3", ...)``) and its tasks (formulas and thresholds: the module's doc).

    ``start`` is the plan's start (else the day it was added; None when unknown), ``end`` its
    target end. A task is overdue as ``rules.is_overdue`` says; a done task's last change
    (``updated_at``) counts as the day it was closed. A completed or archived plan is judged
    by its outcomes alone: met when each is met, off track naming those that are not.
    """
    outcome_list = list(outcomes)
    tally = tasks if isinstance(tasks, TaskTally) else tally_tasks(tasks, today, end)
    total, open_tasks, overdue = tally.total, tally.open_tasks, tally.overdue
    after_end, closed_lately = tally.after_end, tally.closed_lately
    expected_progress = None
    if start is not None and end is not None:
        expected_progress = 100.0 * max(0.0, min(1.0, _fraction(start, end, today)))

    if status in ("completed", "archived"):
        missed = [name for name, f in outcome_list if f.health != "met"]
        if missed:
            return PlanForecast(
                "off_track",
                f"{status} with {_names(missed)} not met",
                open_tasks=open_tasks,
                parts=tuple(("off_track", f"{name} not met") for name in missed),
            )
        if not outcome_list and not total:
            return PlanForecast("no_data", f"{status}, with no outcomes or tasks")
        return PlanForecast("met", status + (", every outcome met" if outcome_list else ""), open_tasks=open_tasks)

    # The closing rate, the rate needed to close the open tasks by the end, and when they
    # would be done at the closing rate.
    ran_days = (today - start).days if start is not None else None
    closing = None
    if ran_days is not None and ran_days >= CLOSE_MIN_DAYS:
        closing = closed_lately / (min(ran_days, CLOSE_WINDOW_DAYS) / 7)
    needed = None
    if end is not None and end >= today and open_tasks:
        needed = open_tasks / (((end - today).days + 1) / 7)
    finish_by = None
    if closing and open_tasks:
        finish_by = today + timedelta(days=round(open_tasks / closing * 7))

    parts: list[tuple[Health, str]] = []  # what is wrong, each with its health
    good: list[str] = []  # what is fine, for the reason of a plan on track
    if end is not None and end < today:
        parts.append(("off_track", f"ended {short_day(end, today)}, not completed"))
    for name, f in outcome_list:
        if f.health in ("off_track", "at_risk"):
            parts.append((f.health, f"{name} {HEALTH_WORDS[f.health]}"))
    on = sum(1 for _, f in outcome_list if f.health == "on_track")
    met = sum(1 for _, f in outcome_list if f.health == "met")
    if on or met:
        good.append(
            ", ".join(w for w in (f"{_count(on, 'outcome')} on track" if on else "", f"{met} met" if met else "") if w)
        )
    if overdue:
        heavy = overdue >= OVERDUE_OFF_TRACK_MIN and overdue >= OVERDUE_OFF_TRACK_SHARE * open_tasks
        parts.append(("off_track" if heavy else "at_risk", f"{_count(overdue, 'task')} overdue"))
    if after_end and end is not None:
        parts.append(("at_risk", f"{_count(after_end, 'task')} due after the plan's end, {short_day(end, today)}"))
    unknown: list[str] = []  # why a part could not be judged
    if open_tasks:
        rate = f"{_count(open_tasks, 'open task')}, closing {rate_text(closing)}/week" if closing is not None else ""
        if closing is None:
            unknown.append(f"{_count(open_tasks, 'open task')}, too early for a closing rate")
        elif needed is not None and end is not None:
            ratio = closing / needed
            if ratio >= 1:
                good.append(f"{rate}, {_span((end - today).days + 1)} left")
            else:
                health: Health = "at_risk" if ratio >= AT_RISK_RATIO else "off_track"
                parts.append((health, f"{rate}, needs {rate_text(needed)}"))
        elif end is None:
            unknown.append(f"no end date; {rate}" + (f": done by {short_day(finish_by, today)}" if finish_by else ""))

    numbers = _PlanNumbers(
        open_tasks=open_tasks,
        overdue_tasks=overdue,
        tasks_after_end=after_end,
        closing_per_week=closing,
        needed_per_week=needed,
        finish_by=finish_by,
        expected_progress=expected_progress,
    )
    if parts:
        parts.sort(key=lambda part: _GOODNESS[part[0]])
        shown = (
            [text for _, text in parts] if len(parts) <= 4 else [*(t for _, t in parts[:3]), f"{len(parts) - 3} more"]
        )
        return numbers.forecast(parts[0][0], "; ".join(shown), tuple(parts))
    if not outcome_list and not total:
        return numbers.forecast("no_data", "no outcomes or tasks yet" + ("; no end date" if end is None else ""))
    if all(f.health == "met" for _, f in outcome_list) and not open_tasks:
        words = ["every outcome met" if outcome_list else "", "every task done" if total else ""]
        return numbers.forecast("met", ", ".join(w for w in words if w))
    for name, f in outcome_list:
        if f.health == "no_data":
            unknown.append(f"{name}: {f.reason}")
    if good:
        return numbers.forecast("on_track", "; ".join([*good, *unknown[:1]]))
    return numbers.forecast("no_data", "; ".join(unknown[:2]))


class _PlanNumbers:
    """A plan's figures, for each of the forecasts ``plan_forecast`` may return."""

    __slots__ = ("numbers",)

    def __init__(self, **numbers: Any) -> None:
        self.numbers = numbers

    def forecast(self, health: Health, reason: str, parts: tuple[tuple[Health, str], ...] = ()) -> PlanForecast:
        return PlanForecast(health, reason, parts=parts, **self.numbers)


def _fraction(start: date, end: date, today: date) -> float:
    if end <= start:
        return 1.0 if today >= end else 0.0
    return (today - start).days / (end - start).days


# --- from the records -----------------------------------------------------------------------


def day_of(text: str | None) -> date | None:
    """The day an ISO date or UTC timestamp (``2026-11-28``, ``2026-11-28T09:30:00Z``) falls on
    in UTC; None for None, "" or text that is not one."""
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def plan_start(plan: Plan) -> date | None:
    """A plan's start: its own, else the day it was added."""
    return day_of(plan.start) or day_of(plan.created_at)


def outcome_start(outcome: Outcome, plan: Plan | None) -> date | None:
    """An outcome's start: its own, else its plan's, else the day it was added (issue 25)."""
    return day_of(outcome.start) or (day_of(plan.start) if plan else None) or day_of(outcome.created_at)


class _CheckinPoints(Sequence[tuple[date, float]]):
    """An outcome's check-ins as (day, value), read only where asked: the pace reads the tail."""

    def __init__(self, checkins: list[CheckIn]) -> None:
        self._checkins = checkins

    def __len__(self) -> int:
        return len(self._checkins)

    @overload
    def __getitem__(self, index: int) -> tuple[date, float]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[date, float]]: ...
    def __getitem__(self, index: int | slice) -> tuple[date, float] | Sequence[tuple[date, float]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        checkin = self._checkins[index]
        return (day_of(checkin.at) or date.min, float(checkin.value))


def of_outcome(outcome: Outcome, plan: Plan | None, today: date) -> Forecast:
    """``outcome_forecast`` of a stored outcome (its start as ``outcome_start`` says)."""
    return outcome_forecast(
        baseline=outcome.baseline,
        target=outcome.target,
        current=outcome.current,
        start=outcome_start(outcome, plan),
        due=day_of(outcome.due),
        checkins=_CheckinPoints(outcome.checkins),
        today=today,
        unit=outcome.unit,
    )


def of_plan(
    plan: Plan, outcomes: Mapping[int, Forecast], tasks: Iterable[Task] | TaskTally, today: date
) -> PlanForecast:
    """``plan_forecast`` of a stored plan from its outcomes' forecasts (by outcome id) and its
    tasks (or their ``TaskTally``)."""
    return plan_forecast(
        status=plan.status,
        start=plan_start(plan),
        end=day_of(plan.end),
        outcomes=[(label("outcomes", outcome_id), f) for outcome_id, f in outcomes.items()],
        tasks=tasks,
        today=today,
    )


def of_task(task: Task, plan: Plan | None, today: date, waiting_on: Sequence[str] = ()) -> tuple[Health, str]:
    """``task_health`` of a stored task, its plan's end as the plan's; ``waiting_on``: the labels
    of the tasks it waits on that are not done (``schedule.open_prerequisites``), if any."""
    return task_health(
        status=task.status,
        progress=task.progress,
        due=task.due,
        start=task.start,
        today=today,
        plan_end=day_of(plan.end) if plan else None,
        blocked_reason=task.blocked_reason,
        waiting_on=waiting_on,
    )


# --- tasks ----------------------------------------------------------------------------------


def task_health(
    *,
    status: str,
    progress: int,
    due: str | None,
    start: str | None,
    today: date,
    plan_end: date | None = None,
    blocked_reason: str = "",
    waiting_on: Sequence[str] = (),
) -> tuple[Health, str]:
    """A task's health and the reason (rules: the module's doc); ``due`` and ``start`` are
    ISO days as stored (None when not set). ``waiting_on``: the tasks it waits on that are not
    done (model/schedule.py): a task not started after its start day because of them is at risk
    as waiting on them, not as "not started"."""
    if status == "done":
        return "met", "done"
    due_day = day_of(due)
    if due_day is not None and due_day < today:
        days = (today - due_day).days
        return "off_track", f"{days} day{'s' if days != 1 else ''} overdue"
    if status == "blocked":
        return "at_risk", f"blocked: {clean(blocked_reason)}" if blocked_reason else "blocked"
    if due_day is not None and plan_end is not None and due_day > plan_end:
        return "at_risk", f"due after the plan's end, {short_day(plan_end, today)}"
    start_day = day_of(start)
    if start_day is not None and start_day < today and status == "todo":
        days = (today - start_day).days
        after = f"{days} day{'s' if days != 1 else ''} after its start"
        if waiting_on:
            return "at_risk", f"waiting on {_names(list(waiting_on))}, {after}"
        return "at_risk", f"not started, {after}"
    if start_day is not None and due_day is not None and start_day < today:
        gone = round(100 * max(0.0, min(1.0, _fraction(start_day, due_day, today))))
        if progress + TASK_BEHIND_POINTS < gone:
            return "at_risk", f"{progress}% done with {gone}% of its time gone"
    if due_day is None:
        return "no_data", "no due date"
    return "on_track", ""


# --- words ----------------------------------------------------------------------------------


def figure_text(value: float) -> str:
    """12, 12.5, 1,200, 0.25: as the board and the CLI print amounts of an outcome."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def rate_text(value: float) -> str:
    """A pace: 12, 3.1, 0.25, 0.004 (whole from 10, one decimal from 1, else up to 4 decimals;
    never in e-notation)."""
    size = abs(value)
    if size >= 10:
        return f"{value:,.0f}"
    if size >= 1:
        return f"{value:.1f}"
    digits = 2 if size >= 0.01 else 4
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0", "0") else text


def with_unit(value: float, unit: str) -> str:
    """'28 beds', '12%': a figure and its unit (cleaned)."""
    return f"{figure_text(value)}{_unit(unit)}"


def estimate_text(value: float, unit: str) -> str:
    """An estimate (expected, projected) and its unit: '40.6 beds', '1,204 kg' (one decimal
    under 1,000, whole from there: more would claim a precision it does not have)."""
    shown = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.1f}".removesuffix(".0")
    return f"{'0' if shown == '-0' else shown}{_unit(unit)}"


def _unit(unit: str) -> str:
    unit = clean(unit)
    return "" if not unit else unit if unit == "%" else f" {unit}"


def per_week(value: float, unit: str) -> str:
    """'3.1 beds/week': a pace and its unit."""
    return f"{rate_text(value)}{_unit(unit)}/week"


def outcome_numbers(f: Forecast, unit: str) -> str:
    """'expected 23 beds by today · projected 35 beds at due · pace 2.1 beds/week · needs 2.7
    beds/week', as far as each is known ('' when none is): the CLI and the board say it so."""
    parts = []
    if f.expected is not None:
        parts.append(f"expected {estimate_text(f.expected, unit)} by today")
    if f.projected is not None:
        parts.append(f"projected {estimate_text(f.projected, unit)} at due")
    if f.pace_per_week is not None:
        parts.append(f"pace {per_week(f.pace_per_week, unit)}")
    if f.needed_per_week is not None:
        parts.append(f"needs {per_week(f.needed_per_week, unit)}")
    return " · ".join(parts)


def plan_numbers(f: PlanForecast, today: date) -> str:
    """'45% of its time gone · 12 open tasks · closing 2.0/week · needs 3.0/week · done by 3 Mar
    at that rate', as far as each is known."""
    parts = []
    if f.expected_progress is not None:
        parts.append(f"{f.expected_progress:.0f}% of its time gone")
    if f.open_tasks:
        parts.append(f"{f.open_tasks} open task{'s' if f.open_tasks != 1 else ''}")
    if f.closing_per_week is not None:
        parts.append(f"closing {per_week(f.closing_per_week, '')}")
    if f.needed_per_week is not None:
        parts.append(f"needs {per_week(f.needed_per_week, '')}")
    if f.finish_by is not None:
        parts.append(f"done by {short_day(f.finish_by, today)} at that rate")
    return " · ".join(parts)


def short_day(day: date, today: date) -> str:
    """'12 Oct', with the year when it is not this year's: '12 Oct 2025'."""
    return f"{day.day} {day:%b}" + (f" {day.year}" if day.year != today.year else "")


def _weeks(today: date, since: date | None) -> str:
    days = (today - since).days if since is not None else 0
    return _span(days)


def _span(days: int) -> str:
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{days // 7} weeks"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _names(names: list[str]) -> str:
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
