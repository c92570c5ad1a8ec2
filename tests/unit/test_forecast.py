"""The forecast (model/forecast.py): outcomes, plans and tasks, their edge cases, and its
properties: raising an outcome's latest value never makes its health worse; any outcome, plan
or task gets a health and a reason, never a crash; a met outcome is never late; a reduction goal
is the same goal turned round; a plan is never better than its worst judged outcome."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.clock import day
from workplan_tui.model import forecast
from workplan_tui.model.forecast import Forecast, outcome_forecast, plan_forecast, task_health
from workplan_tui.model.records import Task

TODAY = day(0)


def fc(
    *,
    baseline: float = 0,
    target: float = 40,
    start: int | None = -70,
    due: int | None = 70,
    checkins: list[tuple[int, float]] | None = None,
    current: float | None = None,
    unit: str = "beds",
    today: date = TODAY,
) -> Forecast:
    """An outcome's forecast with days given relative to the pinned today."""
    points = [(day(d), float(v)) for d, v in checkins or []]
    return outcome_forecast(
        baseline=baseline,
        target=target,
        current=current if current is not None else (points[-1][1] if points else baseline),
        start=day(start) if start is not None else None,
        due=day(due) if due is not None else None,
        checkins=points,
        today=today,
        unit=unit,
    )


# --- the figures ----------------------------------------------------------------------------


def test_expected_now_is_on_the_line_from_baseline_at_start_to_target_at_due() -> None:
    f = fc(start=-70, due=70, checkins=[(-7, 19), (0, 20)])
    assert f.expected == 20.0  # half-way in time, half-way from 0 to 40
    assert fc(start=10, due=70).expected == 0.0  # before the start: the baseline
    assert fc(start=-70, due=-1).expected == 40.0  # after the due day: the target
    assert fc(baseline=25, target=10, start=-10, due=10).expected == 17.5  # a reduction goal


def test_pace_is_the_least_squares_slope_over_the_last_six_weeks() -> None:
    # Far older check-ins (a slow start) are left out: the last six weeks went 2 beds a week.
    f = fc(checkins=[(-70, 1), (-60, 2), (-42, 10), (-28, 14), (-14, 18), (0, 22)])
    assert f.pace_per_week == pytest.approx(2.0)
    assert f.pace_since == day(-42)
    assert f.needed_per_week == pytest.approx((40 - 22) / (71 / 7))
    assert f.projected == pytest.approx(22 + 2.0 * 71 / 7)


def test_pace_takes_at_least_the_three_latest_check_ins() -> None:
    f = fc(checkins=[(-100, 0), (-90, 5), (-80, 10), (-3, 20)])
    assert f.pace_since == day(-90)  # the window holds one; the three latest are taken
    slope = forecast.least_squares_slope([(day(-90), 5), (day(-80), 10), (day(-3), 20)])
    assert slope is not None and f.pace_per_week == pytest.approx(slope * 7)


def test_pace_only_reads_the_tail_of_a_long_history() -> None:
    long = [(day(-400 + k // 100), float(k)) for k in range(30_000)]
    points = forecast.pace_points(long, TODAY)
    assert len(points) < 500  # the six weeks before today, not the whole history


# --- health ---------------------------------------------------------------------------------


def test_on_track_when_the_pace_reaches_the_target_by_the_due_day() -> None:
    f = fc(checkins=[(-21, 14), (-14, 17), (-7, 20), (0, 23)])  # 3 a week, needs 17 in ~10 weeks
    assert f.health == "on_track"
    assert f.reason == f"doing 3.0 since {forecast.short_day(day(-21), TODAY)}, needs 1.7 beds/week"


@pytest.mark.parametrize(("pace", "health"), [(3.0, "on_track"), (2.4, "at_risk"), (1.5, "off_track")])
def test_the_ratio_of_pace_to_needed_pace_sets_the_health(pace: float, health: str) -> None:
    # 10 of 40 beds with 10 weeks left (69 days and today): needs 3 a week. Behind the
    # expected line (about 20 by now), so a pace under 3/4 of that is off track.
    f = fc(start=-70, due=69, checkins=[(-14, 10 - 2 * pace), (-7, 10 - pace), (0, 10)])
    assert f.needed_per_week == pytest.approx(3.0)
    assert f.pace_per_week == pytest.approx(pace)
    assert f.health == health


def test_at_risk_and_off_track_reasons_say_what_is_needed_and_what_is_done() -> None:
    f = fc(target=400, start=-35, due=34, checkins=[(-14, 0), (-7, 10), (0, 20)], unit="families")
    assert f.health == "off_track"
    since = forecast.short_day(day(-14), TODAY)
    assert f.reason == f"needs 76 families/week, doing 10 since {since}"


def test_no_check_ins() -> None:
    started = fc(start=-35, checkins=[])
    assert (started.health, started.reason) == ("no_data", "no check-in in the 5 weeks since it started")
    assert started.needed_per_week == pytest.approx(40 / (71 / 7))
    assert started.pace_per_week is None and started.projected is None
    later = fc(start=5, checkins=[])
    assert (later.health, later.reason) == ("no_data", f"starts {forecast.short_day(day(5), TODAY)}")
    assert fc(start=None, checkins=[]).reason == "no check-in yet"


def test_one_check_in_measures_the_pace_from_the_baseline_at_the_start() -> None:
    f = fc(start=-28, due=28, checkins=[(0, 20)])  # 20 beds in 4 weeks: 5 a week
    assert f.pace_per_week == pytest.approx(5.0)
    assert f.pace_since == day(-28)
    assert f.health == "on_track"


def test_a_check_in_on_the_start_day_gives_no_pace() -> None:
    f = fc(start=0, due=28, checkins=[(0, 5)])
    assert f.health == "no_data"
    assert f.pace_per_week is None
    assert f.reason.startswith("no pace yet: its check-ins are all from")
    # Two check-ins on that same day: still one day.
    assert fc(start=-3, due=28, checkins=[(-3, 2), (-3, 5)]).health == "no_data"


def test_start_after_due() -> None:
    # An outcome without its own start takes its plan's, which may come after its due day.
    f = fc(start=40, due=20, checkins=[(-14, 0), (-7, 1), (0, 2)])
    assert f.expected is None  # no line from a start to an earlier due day
    assert (f.health, f.reason) == ("no_data", f"starts {forecast.short_day(day(40), TODAY)}, on or after its due day")
    late = fc(start=-5, due=-10, checkins=[(-14, 0), (-7, 1)])
    assert late.health == "off_track" and late.reason.startswith("was due")


def test_an_outcome_is_not_judged_before_its_start_day() -> None:
    # Check-ins ahead of the start (a slow early trickle) say nothing yet about the pace to come.
    f = fc(start=14, due=83, checkins=[(-14, 1), (-7, 2), (0, 3)])
    assert (f.health, f.reason) == ("no_data", f"starts {forecast.short_day(day(14), TODAY)}")
    assert f.pace_per_week == pytest.approx(1.0) and f.projected is None
    assert f.needed_per_week == pytest.approx(37 / 10)  # over its 10 weeks, from the start
    assert f.expected == 0.0
    assert fc(start=14, due=83, checkins=[(0, 40)]).health == "met"  # reached is reached


@pytest.mark.parametrize("on", [-20, 0, 20])
def test_a_zero_length_period_never_crashes_and_says_so(on: int) -> None:
    f = fc(start=on, due=on, checkins=[(-14, 1), (-7, 2), (0, 3)])
    assert f.expected is None
    assert ("on or after its due day" in f.reason) == (on >= 0) and f.reason.startswith("was due") == (on < 0)
    assert f.health == ("no_data" if on > 0 else "off_track")  # due today with 37 to go: off track
    assert fc(start=on, due=on, checkins=[]).health in ("no_data", "off_track")


def test_a_projection_does_not_go_below_zero_for_a_count() -> None:
    # Wait time 25 -> 10 minutes, falling 6 a week: at that pace it would be -27 by the due day.
    fast = fc(baseline=25, target=10, start=-21, due=49, unit="min", checkins=[(-14, 20), (-7, 14), (0, 8.5)])
    assert fast.health == "met"
    f = fc(baseline=25, target=10, start=-21, due=49, unit="min", checkins=[(-14, 24), (-7, 18), (0, 12)])
    assert f.pace_per_week == pytest.approx(-6.0) and f.projected == 0.0
    below = fc(baseline=5, target=-10, start=-21, due=49, checkins=[(-14, 4), (-7, 2), (0, 0)])
    assert below.projected is not None and below.projected < 0  # a quantity that may go below 0


def test_target_equal_to_baseline() -> None:
    assert fc(baseline=10, target=10).health == "met"
    f = fc(baseline=10, target=10, checkins=[(0, 12)])
    assert (f.health, f.reason) == ("at_risk", "at 12 beds, its target is its baseline, 10 beds")
    late = fc(baseline=10, target=10, due=-3, checkins=[(-5, 12)])
    assert late.health == "off_track" and "was due" in late.reason


@pytest.mark.parametrize(("baseline", "target", "value"), [(0, 40, 40), (0, 40, 55), (25, 10, 10), (25, 10, 7)])
def test_values_at_or_beyond_the_target_are_met_never_overdue(baseline: float, target: float, value: float) -> None:
    f = fc(baseline=baseline, target=target, due=-60, checkins=[(-61, value)])
    assert f.health == "met"
    assert "overdue" not in f.reason and f.reason.startswith("reached")


def test_negative_pace_is_off_track_saying_it_goes_the_wrong_way() -> None:
    f = fc(checkins=[(-14, 12), (-7, 10), (0, 8)])
    assert f.pace_per_week == pytest.approx(-2.0)
    assert f.health == "off_track"
    assert "going the wrong way (-2.0/week since" in f.reason
    # Ahead of the expected line (5 by now) while slipping: at risk, and it says both.
    ahead = fc(start=-10, due=130, checkins=[(-14, 12), (-7, 10), (0, 8)])
    assert ahead.health == "at_risk" and ahead.reason.startswith("ahead of plan (8, expected ")


def test_a_due_date_today_leaves_the_day() -> None:
    f = fc(due=0, checkins=[(-14, 30), (-7, 35), (0, 38)])  # 2 to go, 4 a week: not in a day
    assert f.needed_per_week == pytest.approx(2 * 7)
    assert f.projected == pytest.approx(38 + 4 / 7)
    assert f.health == "off_track"
    assert fc(due=0, checkins=[(-7, 30), (0, 40)]).health == "met"


def test_past_due_is_off_track_with_where_it_stands() -> None:
    f = fc(due=-3, checkins=[(-10, 28)])
    assert f.health == "off_track"
    assert f.reason == f"was due {forecast.short_day(day(-3), TODAY)}: at 28 beds, target 40 beds"
    assert f.needed_per_week is None


def test_no_due_date_is_no_data_saying_so() -> None:
    assert fc(due=None, checkins=[(0, 3)]).reason == "no due date: set one to forecast"
    assert fc(due=None).reason == "no due date and no check-in yet: set one to forecast"
    assert fc(due=None).health == "no_data"


def test_reduction_goals_work_the_same_way() -> None:
    # Wait time 25 -> 10 minutes; down a minute a week with 5 weeks left and 4 to go.
    f = fc(baseline=25, target=10, start=-56, due=34, unit="min", checkins=[(-14, 16), (-7, 15), (0, 14)])
    assert f.pace_per_week == pytest.approx(-1.0)
    assert f.needed_per_week == pytest.approx(-4 / 5)
    assert f.health == "on_track"
    slow = fc(baseline=25, target=10, start=-56, due=13, unit="min", checkins=[(-14, 16), (-7, 15), (0, 14)])
    assert slow.health == "off_track"
    assert slow.reason.startswith("needs -2.0 min/week, doing -1.0 since")


def test_a_stale_check_in_leaves_an_outcome_at_risk_at_best() -> None:
    f = fc(start=-90, due=60, checkins=[(-63, 10), (-49, 20), (-35, 30)])  # fast, then silence
    assert f.health == "at_risk"
    assert f.reason.startswith("no check-in for 5 weeks; needs")


def test_forecast_json_has_the_contract_fields() -> None:
    f = fc(checkins=[(-7, 10), (0, 11)])
    assert set(f.as_json()) == {"health", "reason", "expected", "projected", "pace_per_week", "needed_per_week"}
    assert fc(due=None).as_json()["projected"] is None


def test_unit_text_from_the_file_is_cleaned() -> None:
    f = fc(unit="be\x1b[2Jds", checkins=[(-7, 10), (0, 11)])
    assert "\x1b" not in f.reason


# --- the property ---------------------------------------------------------------------------

GOODNESS = {"off_track": 0, "at_risk": 1, "on_track": 2, "met": 3}


def not_worse(before: str, after: str) -> bool:
    if before == "no_data":
        return after in ("no_data", "met")
    if after == "no_data":
        return False
    return GOODNESS[after] >= GOODNESS[before]


@settings(max_examples=300, deadline=None)
@given(
    baseline=st.integers(-1000, 1000),
    span=st.integers(-1000, 1000).filter(bool),
    start=st.integers(-200, 100),
    due=st.integers(-30, 200),
    gaps=st.lists(st.integers(0, 30), min_size=1, max_size=6),
    shares=st.lists(st.integers(-50, 150), min_size=6, max_size=6),
    latest=st.tuples(st.integers(-100, 200), st.integers(-100, 200)),
)
def test_health_is_monotone_in_the_latest_value(
    baseline: int, span: int, start: int, due: int, gaps: list[int], shares: list[int], latest: tuple[int, int]
) -> None:
    """All else equal, a latest value further towards the target never gives a worse health.

    Values are drawn as percentages of the way from the baseline to the target (-50 % to
    150 %), so every health comes up; a reduction goal's span is negative.
    """
    target = baseline + span
    offsets: list[int] = []
    at = 0
    for gap in gaps:  # check-in days going back from today, in the order recorded
        offsets.insert(0, at)
        at -= gap

    def value(share: int) -> float:
        return baseline + span * share / 100

    def health(last: float) -> str:
        points = [(o, value(v)) for o, v in zip(offsets, shares, strict=False)]
        points[-1] = (points[-1][0], last)
        return fc(baseline=baseline, target=target, start=start, due=due, checkins=points, current=last).health

    low, high = sorted(latest)
    assert not_worse(health(value(low)), health(value(high)))


# Any outcome a file may hold: dates anywhere around today (start after due, a zero-length
# period, no start, no due date), check-ins before the start or on one day, values beyond the
# target either way, and a target equal to the baseline.
numbers = st.integers(-10_000, 10_000) | st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
days = st.none() | st.integers(-400, 400)
outcomes = st.fixed_dictionaries(
    {
        "baseline": numbers,
        "target": numbers,
        "start": days,
        "due": days,
        "checkins": st.lists(st.tuples(st.integers(-400, 5), numbers), max_size=8),
    }
)


def forecast_of(case: dict, negate: bool = False) -> Forecast:  # type: ignore[type-arg]
    """``fc`` of a drawn case, with every value negated when asked (a goal turned round)."""
    flip = -1 if negate else 1
    return fc(
        baseline=flip * case["baseline"],
        target=flip * case["target"],
        start=case["start"],
        due=case["due"],
        checkins=[(d, flip * v) for d, v in case["checkins"]],
        unit="beds",
    )


@settings(max_examples=400, deadline=None)
@given(case=outcomes)
def test_any_outcome_gets_a_health_a_reason_and_finite_figures(case: dict) -> None:  # type: ignore[type-arg]
    f = forecast_of(case)
    assert f.health in forecast.HEALTHS
    assert f.reason and "\n" not in f.reason
    figures = f.as_json()
    for name in ("expected", "projected", "pace_per_week", "needed_per_week"):
        value = figures[name]
        assert value is None or (isinstance(value, float) and abs(value) < float("inf")), (name, value)
    latest = case["checkins"][-1][1] if case["checkins"] else case["baseline"]
    span = case["target"] - case["baseline"]
    reached = span != 0 and (case["target"] - latest) * (1 if span > 0 else -1) <= 0
    assert (f.health == "met") == (reached or (span == 0 and latest == case["target"]))
    if f.health == "met":
        assert "overdue" not in f.reason and "was due" not in f.reason  # a met outcome is never late
    if case["due"] is None:
        assert f.health in ("met", "no_data") and f.projected is None and f.needed_per_week is None
    if f.health in ("on_track", "at_risk", "off_track") and case["due"] is not None and case["due"] >= 0:
        assert f.needed_per_week is not None  # a judged outcome says what it needs


@settings(max_examples=300, deadline=None)
@given(case=outcomes)
def test_a_reduction_goal_is_judged_as_the_same_goal_turned_round(case: dict) -> None:  # type: ignore[type-arg]
    """Every value negated (25 -> 10 minutes read as -25 -> -10): the same health, the paces
    negated. Negation is exact in floating point, so this holds to the last bit."""
    up, down = forecast_of(case), forecast_of(case, negate=True)
    assert up.health == down.health
    for name in ("expected", "pace_per_week", "needed_per_week"):
        a, b = getattr(up, name), getattr(down, name)
        assert (a is None and b is None) or a == -b, name


@settings(max_examples=200, deadline=None)
@given(
    status=st.sampled_from(["draft", "proposed", "active", "completed", "archived"]),
    start=days,
    end=days,
    healths=st.lists(st.sampled_from(forecast.HEALTHS), max_size=5),
    tasks=st.lists(
        st.tuples(st.sampled_from(["todo", "doing", "blocked", "done"]), st.none() | st.integers(-60, 60)),
        max_size=12,
    ),
)
def test_a_plan_is_never_better_than_its_worst_judged_outcome(
    status: str, start: int | None, end: int | None, healths: list[str], tasks: list[tuple[str, int | None]]
) -> None:
    """The worst part decides: a plan never reads better than an outcome it holds (one without
    data aside), and always has a reason."""
    records = [
        done(-due if due is not None and due <= 0 else 1)
        if state == "done"
        else open_task(due).replace(status=state, blocked_reason="wait" if state == "blocked" else "")
        for state, due in tasks
    ]
    p = pf(
        status=status,
        start=start,
        end=end,
        outcomes=[(f"O{n}", on(h, "why")) for n, h in enumerate(healths, 1)],
        tasks=records,
    )
    assert p.health in forecast.HEALTHS and p.reason
    judged = [GOODNESS[h] for h in healths if h != "no_data"]
    if judged and p.health != "no_data":
        assert GOODNESS[p.health] <= min(judged)
    if "off_track" in healths:
        assert p.health == "off_track" and "O" in p.reason


@settings(max_examples=200, deadline=None)
@given(
    status=st.sampled_from(["todo", "doing", "blocked", "done"]),
    progress=st.integers(0, 100),
    due=days,
    start=days,
    end=days,
)
def test_any_task_gets_a_health(
    status: str, progress: int, due: int | None, start: int | None, end: int | None
) -> None:
    health, reason = th(
        status=status,
        progress=progress,
        due=day(due).isoformat() if due is not None else None,
        start=day(start).isoformat() if start is not None else None,
        plan_end=day(end) if end is not None else None,
    )
    assert health in forecast.HEALTHS
    assert (health == "met") == (status == "done")
    if status != "done" and due is not None and due < 0:
        assert (health, reason) == ("off_track", f"{-due} day{'s' if due != -1 else ''} overdue")
    assert reason or health == "on_track"


# --- plans ----------------------------------------------------------------------------------


def done(days_ago: int) -> Task:
    """A task closed ``days_ago`` days ago (its last change)."""
    return Task(
        id=1, plan=1, title="t", status="done", progress=100, updated_at=f"{day(-days_ago).isoformat()}T10:00:00Z"
    )


def open_task(due: int | None = None) -> Task:
    return Task(
        id=1, plan=1, title="t", status="doing", progress=10, due=day(due).isoformat() if due is not None else None
    )


def on(health: str, reason: str = "") -> Forecast:
    return Forecast(health, reason)  # type: ignore[arg-type]


def pf(
    *,
    status: str = "active",
    start: int | None = -60,
    end: int | None = 60,
    outcomes: list[tuple[str, Forecast]] | None = None,
    tasks: list[Task] | None = None,
) -> forecast.PlanForecast:
    return plan_forecast(
        status=status,
        start=day(start) if start is not None else None,
        end=day(end) if end is not None else None,
        outcomes=outcomes or [],
        tasks=tasks or [],
        today=TODAY,
    )


def test_a_plan_with_neither_outcomes_nor_tasks() -> None:
    p = pf()
    assert (p.health, p.reason) == ("no_data", "no outcomes or tasks yet")
    assert pf(end=None).reason == "no outcomes or tasks yet; no end date"
    late = pf(end=-5)
    assert late.health == "off_track" and late.reason == f"ended {forecast.short_day(day(-5), TODAY)}, not completed"


def test_a_past_end_not_completed_is_off_track_and_said_first() -> None:
    p = pf(end=-1, outcomes=[("O1", on("on_track"))], tasks=[open_task(-3)])
    assert p.health == "off_track"
    assert p.reason.startswith("ended ")
    assert pf(status="completed", end=-1, outcomes=[("O1", on("met"))]).health == "met"


def test_the_reason_names_the_worst_parts_first() -> None:
    tasks = [open_task(-3) for _ in range(5)] + [open_task(10) for _ in range(5)] + [done(3) for _ in range(40)]
    p = pf(outcomes=[("O1", on("at_risk")), ("O3", on("off_track")), ("O4", on("on_track"))], tasks=tasks)
    assert p.health == "off_track"
    assert p.reason == "O3 off track; 5 tasks overdue; O1 at risk"
    assert p.overdue_tasks == 5 and p.open_tasks == 10


def test_overdue_tasks_put_a_plan_at_risk_and_many_off_track() -> None:
    closing = [done(3) for _ in range(40)]
    few = pf(tasks=[open_task(-1), *[open_task(10) for _ in range(9)], *closing])
    assert (few.health, few.reason) == ("at_risk", "1 task overdue")
    many = pf(tasks=[*[open_task(-1) for _ in range(3)], *[open_task(10) for _ in range(9)], *closing])
    assert many.health == "off_track"  # 3 of 12 open: a quarter


def test_tasks_due_after_the_plans_end() -> None:
    p = pf(end=30, tasks=[open_task(40), *[done(2) for _ in range(10)]])
    assert p.health == "at_risk"
    assert p.reason == f"1 task due after the plan's end, {forecast.short_day(day(30), TODAY)}"


def test_open_tasks_against_the_time_left_at_the_closing_rate() -> None:
    # 8 closed in the last 4 weeks: 2 a week. 27 days (4 weeks) left.
    closing = [done(d) for d in (1, 3, 6, 9, 12, 15, 20, 25)] + [done(40)]
    on_track = pf(end=27, tasks=[*[open_task() for _ in range(8)], *closing])
    assert on_track.closing_per_week == pytest.approx(2.0)
    assert on_track.needed_per_week == pytest.approx(2.0)
    assert on_track.health == "on_track"
    assert on_track.reason == "8 open tasks, closing 2.0/week, 4 weeks left"
    at_risk = pf(end=27, tasks=[*[open_task() for _ in range(10)], *closing])
    assert at_risk.health == "at_risk"
    assert at_risk.reason == "10 open tasks, closing 2.0/week, needs 2.5"
    off = pf(end=27, tasks=[*[open_task() for _ in range(20)], *closing])
    assert off.health == "off_track"


def test_no_end_date_says_when_the_open_tasks_would_be_done() -> None:
    p = pf(end=None, tasks=[*[open_task() for _ in range(6)], *[done(d) for d in (2, 9, 16, 23)]])
    assert p.health == "no_data"
    assert p.finish_by == day(42)
    assert p.reason == f"no end date; 6 open tasks, closing 1.0/week: done by {forecast.short_day(day(42), TODAY)}"


def test_a_young_plan_has_no_closing_rate_yet() -> None:
    p = pf(start=-5, tasks=[open_task(), open_task()])
    assert p.closing_per_week is None
    assert p.health == "no_data" and "too early for a closing rate" in p.reason


def test_outcomes_without_data_do_not_pull_a_plan_down() -> None:
    p = pf(outcomes=[("O1", on("on_track")), ("O2", on("no_data", "no due date: set one to forecast"))])
    assert p.health == "on_track"
    assert p.reason == "1 outcome on track; O2: no due date: set one to forecast"


def test_every_outcome_met_and_every_task_done_is_met() -> None:
    p = pf(outcomes=[("O1", on("met"))], tasks=[done(3)])
    assert (p.health, p.reason) == ("met", "every outcome met, every task done")


def test_a_completed_plan_is_judged_by_its_outcomes() -> None:
    p = pf(status="completed", end=-30, outcomes=[("O1", on("met")), ("O2", on("off_track"))], tasks=[open_task(-40)])
    assert (p.health, p.reason) == ("off_track", "completed with O2 not met")


def test_expected_progress_is_the_share_of_the_plans_time_gone() -> None:
    assert pf(start=-30, end=90).expected_progress == pytest.approx(25.0)
    assert pf(start=None).expected_progress is None
    assert set(pf().as_json()) >= {"health", "reason", "open_tasks", "overdue_tasks", "finish_by"}


# --- tasks ----------------------------------------------------------------------------------


def th(**kw: object) -> tuple[str, str]:
    base: dict[str, object] = {"status": "doing", "progress": 50, "due": None, "start": None, "today": TODAY}
    return task_health(**{**base, **kw})  # type: ignore[arg-type]


def test_task_health() -> None:
    assert th(status="done", progress=100, due=day(-5).isoformat()) == ("met", "done")
    assert th(due=day(-2).isoformat()) == ("off_track", "2 days overdue")
    assert th(status="blocked", blocked_reason="waiting") == ("at_risk", "blocked: waiting")
    assert th(due=day(20).isoformat(), plan_end=day(10))[0] == "at_risk"
    assert th(status="todo", progress=0, start=day(-3).isoformat(), due=day(9).isoformat()) == (
        "at_risk",
        "not started, 3 days after its start",
    )
    behind = th(progress=10, start=day(-15).isoformat(), due=day(5).isoformat())
    assert behind == ("at_risk", "10% done with 75% of its time gone")
    assert th(progress=60, start=day(-15).isoformat(), due=day(5).isoformat()) == ("on_track", "")
    assert th() == ("no_data", "no due date")
