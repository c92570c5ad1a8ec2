import pytest

from workplan_tui.model import rules
from workplan_tui.model.records import Member, Norm, Outcome, Partner, Plan, Task, Vote
from workplan_tui.model.rules import RuleError


@pytest.mark.parametrize(
    ("baseline", "target", "current", "expected"),
    [
        (0, 5000, 3200, 64.0),
        (1000, 5000, 3000, 50.0),
        (0, 100, 150, 100.0),  # clamped above
        (50, 100, 20, 0.0),  # clamped below
        (25, 10, 12, pytest.approx(86.67, abs=0.01)),  # reduction goal: wait time 25 -> 10 minutes
        (25, 10, 30, 0.0),
        (25, 10, 5, 100.0),
        (10, 10, 10, 100.0),
        (10, 10, 9, 0.0),
    ],
)
def test_outcome_progress(baseline: float, target: float, current: float, expected: float) -> None:
    assert rules.outcome_progress(baseline, target, current) == expected


def outcome(current: float, target: float = 100, baseline: float = 0) -> Outcome:
    return Outcome(id=1, plan=1, name="o", target=target, baseline=baseline, current=current)


def task(progress: int = 0, status: str = "todo", **kw) -> Task:
    return Task(id=kw.pop("id", 1), plan=1, title="t", progress=progress, status=status, **kw)


def test_plan_progress_weighs_outcomes_and_tasks_equally() -> None:
    assert rules.plan_progress([outcome(50), outcome(100)], [task(0), task(50)]) == pytest.approx(50.0)
    assert rules.plan_progress([outcome(40)], []) == 40.0
    assert rules.plan_progress([], [task(30), task(60)]) == 45.0
    assert rules.plan_progress([], []) == 0.0


MEMBERS = {
    "alice": Member("alice", "Alice", "PARKS", id=1),
    "dan": Member("dan", "Dan", "PARKS", id=2),
    "bob": Member("bob", "Bob", "FOOD", id=3),
    "carol": Member("carol", "Carol", "SCHOOL", id=4),
}
PARTNERS = {c: Partner(c, c, id=i) for i, c in enumerate(["PARKS", "FOOD", "SCHOOL", "EMPTY"], 1)}


def votes(**positions: str) -> dict[str, Vote]:
    return {h: Vote(1, h, p, id=i) for i, (h, p) in enumerate(positions.items(), 1)}


def decide(rule: str, **positions: str) -> rules.BuyIn:
    return rules.buy_in(Plan("p", rule=rule, id=1), MEMBERS, votes(**positions), PARTNERS)


def test_consensus_needs_every_member_and_no_disagree_or_block() -> None:
    assert decide("consensus", alice="agree", dan="agree", bob="abstain", carol="agree").ok
    missing = decide("consensus", alice="agree", dan="agree")
    assert not missing.ok and missing.reasons == ["not voted yet: bob, carol"]
    against = decide("consensus", alice="agree", dan="agree", bob="disagree", carol="agree")
    assert against.reasons == ["disagrees: bob"]
    blocked = decide("consensus", alice="agree", dan="agree", bob="block", carol="agree")
    assert blocked.reasons == ["blocked by bob"]


def test_partners_rule_needs_one_agree_from_every_partner_with_members() -> None:
    assert decide("partners", alice="agree", bob="agree", carol="agree", dan="disagree").ok
    missing = decide("partners", alice="agree", dan="agree", bob="agree")
    assert missing.reasons == ["no agree vote yet from partner SCHOOL"]
    assert decide("partners", alice="agree", bob="agree", carol="agree", dan="block").reasons == ["blocked by dan"]


def test_majority_rule_needs_more_than_half_agreeing_and_no_block() -> None:
    assert decide("majority", alice="agree", dan="agree", bob="agree").ok
    half = decide("majority", alice="agree", dan="agree", bob="disagree")
    assert half.reasons == ["2 of 4 members agree; a majority needs 3"]
    assert not decide("majority", alice="agree", dan="agree", bob="agree", carol="block").ok


def test_votes_of_former_members_do_not_count() -> None:
    result = rules.buy_in(Plan("p", id=1), MEMBERS, votes(zed="block"), PARTNERS)
    assert "blocked by zed" not in result.reasons
    assert result.tally["block"] == 0


def test_buy_in_summary() -> None:
    assert decide("consensus", alice="agree", dan="block").summary() == "buy-in 1/4 · 1 block"


def test_plan_moves() -> None:
    plan = Plan("p", status="draft", id=1)
    assert rules.plan_move(plan, "propose") == "proposed"
    with pytest.raises(RuleError, match="propose it first"):
        rules.plan_move(plan, "activate")
    plan.status = "proposed"
    no = decide("consensus", alice="agree")
    with pytest.raises(RuleError, match="not voted yet: bob, carol, dan"):
        rules.plan_move(plan, "activate", no)
    assert rules.plan_move(plan, "activate", decide("majority", alice="agree", dan="agree", bob="agree")) == "active"
    plan.status = "archived"
    with pytest.raises(RuleError):
        rules.plan_move(plan, "complete")


@pytest.mark.parametrize(
    ("spec", "current", "expected"),
    [
        ("60", 10, 60), ("+10", 95, 100), ("-5", 3, 0), ("+10", 40, 50), ("0", 50, 0), ("100", 0, 100),
        ("50%", 10, 50), ("+10%", 40, 50), (" 60 % ", 0, 60), ("60.0", 0, 60), ("+100", 40, 100), ("-100", 40, 0),
    ],
)  # fmt: skip
def test_parse_progress(spec: str, current: int, expected: int) -> None:
    assert rules.parse_progress(spec, current) == expected


@pytest.mark.parametrize(
    "spec", ["150", "abc", "", "+", "60%%", "1e2", "-", "60.5", "\u00b2", "%", "+1000", "-101", "+101%"]
)  # '+1000' (for '+10') moved the task to 100% and done
def test_bad_progress_is_refused(spec: str) -> None:
    with pytest.raises(RuleError):
        rules.parse_progress(spec, 0)


def test_progress_100_marks_done_and_done_sets_100() -> None:
    assert rules.progress_changes(task(40, "doing"), 100) == {"progress": 100, "status": "done"}
    assert rules.status_changes(task(40, "doing"), "done") == {"status": "done", "progress": 100}
    assert rules.progress_changes(task(100, "done"), 60) == {"progress": 60, "status": "doing"}
    assert rules.progress_changes(task(0, "todo"), 10) == {"progress": 10, "status": "doing"}
    assert rules.progress_changes(task(10, "blocked", blocked_reason="x"), 20) == {"progress": 20}


def test_blocked_needs_a_reason() -> None:
    with pytest.raises(RuleError, match="why"):
        rules.status_changes(task(), "blocked")
    assert rules.status_changes(task(), "blocked", "no permit") == {"status": "blocked", "blocked_reason": "no permit"}
    unblocked = rules.status_changes(task(status="blocked", blocked_reason="x"), "doing")
    assert unblocked == {"status": "doing", "blocked_reason": ""}


def test_stale_tasks() -> None:
    from datetime import UTC, datetime

    cutoff = rules.stale_cutoff(datetime(2026, 11, 28, tzinfo=UTC))
    assert rules.is_stale(task(updated_at="2026-11-01T00:00:00Z"), cutoff)
    assert not rules.is_stale(task(updated_at="2026-11-20T00:00:00Z"), cutoff)
    assert not rules.is_stale(task(100, "done", updated_at="2026-01-01T00:00:00Z"), cutoff)


def test_buy_in_summary_names_what_stops_a_plan_first() -> None:
    result = decide("consensus", alice="abstain", bob="disagree", dan="block", carol="agree")
    assert result.summary() == "buy-in 1/4 · 1 block · 1 disagree · 1 abstain"


def test_outcome_figures_read_the_right_way_round() -> None:
    def shown(baseline: float, target: float, current: float, unit: str) -> str:
        outcome = Outcome(id=1, plan=1, name="o", target=target, baseline=baseline, current=current, unit=unit)
        return rules.outcome_figures(outcome, lambda v: f"{v:g}")

    assert shown(0, 40, 28, "beds") == "28 / 40 beds"
    assert shown(25, 10, 12, "min") == "25 → 12 min, target 10"  # a reduction, not "12 / 10"
    assert shown(100, 200, 150, "") == "100 → 150, target 200"
    assert "\x1b" not in shown(0, 40, 28, "\x1b[2Jbeds")  # the unit is stored text: cleaned


def test_a_norm_is_in_force_when_every_member_has_agreed_and_there_are_members() -> None:
    norm = Norm("We reply within two days", agreed_by=["alice", "zed"], id=1)
    state = rules.norm_state(norm, MEMBERS)
    assert not state.in_force and state.agreed == ["alice"] and state.waiting == ["bob", "carol", "dan"]
    assert rules.norm_state(norm.replace(agreed_by=[*MEMBERS, "zed"]), MEMBERS).in_force
    nobody = rules.norm_state(norm, {})  # a file without members: nobody has agreed to anything
    assert not nobody.in_force and nobody.agreed == [] and nobody.waiting == []


def test_the_board_orders_plans_of_every_status() -> None:
    from workplan_tui.model.overview import PLAN_ORDER
    from workplan_tui.model.records import PLAN_STATUSES

    assert sorted(PLAN_ORDER) == sorted(PLAN_STATUSES)
