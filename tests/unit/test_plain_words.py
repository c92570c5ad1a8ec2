"""What the screens, commands and reports say in words (issue 31): a met outcome is never
overdue; only a proposed plan "may become active"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.clock import iso_day
from tests.conftest import make_store
from workplan_tui.model import rules
from workplan_tui.store import actions

Run = Callable[..., Result]


def test_a_met_outcome_is_never_overdue(run: Run, wp: Path) -> None:
    store = make_store(wp)
    actions.edit_outcome(store, 1, {"due": iso_day(-3)})
    actions.checkin(store, 1, 40)  # the target: met
    actions.add_outcome(store, 1, "Volunteers", 20, 0, "people", iso_day(-3))  # not met, late
    shown = {
        "outcome list": run("outcome", "list").output,
        "plan show": run("plan", "show", "P1").output,
        "report": run("report").output,
    }
    for command, text in shown.items():
        o1 = [line for line in text.splitlines() if "Beds built" in line]
        assert o1 and not any("overdue" in line for line in o1), (command, o1)
        assert any("was due" in line for line in o1), (command, o1)
    due = next(line for line in run("outcome", "show", "O1").output.splitlines() if line.startswith("  due:"))
    assert "overdue" not in due and "was due" in due
    listed = run("outcome", "list").output
    assert "3 days overdue" in next(line for line in listed.splitlines() if "Volunteers" in line)


def test_only_a_proposed_plan_may_become_active(run: Run, wp: Path) -> None:
    for who in ("alice", "bob", "carol"):
        assert run("vote", "P1", "agree", user=who).exit_code == 0
    assert "may become active" in run("plan", "show", "P1").output
    assert run("plan", "activate", "P1").exit_code == 0
    shown = run("plan", "show", "P1").output
    assert "may become active" not in shown
    assert "active, with the buy-in its rule asks for" in shown
    assert run("member", "add", "dave", "--name", "Dave", "--partner", "FOOD").exit_code == 0
    assert "active; its buy-in now lacks: not voted yet: dave" in run("plan", "show", "P1").output
    assert run("plan", "add", "Winter").exit_code == 0
    plan = make_store(wp).read().plans[2]
    words = rules.buyin_words(plan, rules.buy_in(plan, {}, {}, {}))
    assert words.startswith("missing")


def test_a_first_vote_is_undone_and_others_votes_do_not_stop_it(run: Run, wp: Path) -> None:
    assert run("vote", "P1", "agree", "--comment", "Looks right").exit_code == 0
    assert run("vote", "P1", "disagree", "--comment", "not yet", user="bob").exit_code == 0
    undone = run("undo")
    assert undone.exit_code == 0, undone.output
    store = make_store(wp)
    assert set(store.read().current_votes(1)) == {"bob"}  # mine is gone, bob's stays
    entry = store.history().latest(1)[0]
    assert entry.kind == "undo" and entry.changes == {"vote": ["agree", None]}
    # a first vote changed and changed back, then undone: no vote of mine at all
    assert run("vote", "P1", "agree").exit_code == 0
    assert run("vote", "P1", "block", "--comment", "no").exit_code == 0
    assert run("undo").exit_code == 0  # back to agree
    assert run("undo").exit_code == 0  # the first vote: gone
    assert "alice" not in make_store(wp).read().current_votes(1)
    assert "not voted yet: alice" in run("plan", "show", "P1").output


def test_the_demo_stays_the_healthy_partnership_it_describes(tmp_path: Path) -> None:
    from tests.clock import day
    from workplan_tui.store.sample import sample_path, write_demo

    sample = make_store(sample_path()).read()  # the sample as its eight members left it
    path = write_demo(tmp_path / "demo.json", today=day(0), user="newlead")
    demo = make_store(path, "newlead").read()
    assert "newlead" in demo.members and len(demo.members) == len(sample.members) + 1
    for norm_id, norm in demo.norms.items():
        was, _, _ = rules.norm_state(sample.norms[norm_id], sample.members)
        now, _, waiting = rules.norm_state(norm, demo.members)
        assert now == was, norm.text  # in force before, in force with the newcomer
        if not now:
            assert "newlead" in waiting  # an open one waits for them as for the others
    for plan in demo.plans.values():
        buyin = rules.buy_in(plan, demo.members, demo.current_votes(plan.id), demo.partners)
        if plan.status in ("active", "completed"):
            assert buyin.ok, (plan.label, buyin.reasons)
        else:
            assert "newlead" in buyin.not_voted  # a vote to cast: something to do
    actions.set_progress(make_store(path, "newlead"), 10, "+10")  # and they can change things


def test_every_log_line_reads_as_a_sentence(run: Run, wp: Path) -> None:
    from tests.clock import TODAY
    from workplan_tui.model.changes import Names, sentence

    store = make_store(wp)
    bob = make_store(wp, "bob")
    actions.set_currency(store, "USD")
    actions.add_task(bob, 1, "Call the county", owner="carol", due=iso_day(+6))
    actions.add_norm(store, "We notify members in advance if we miss a meeting.")
    actions.agree_norm(make_store(wp, "carol"), 1)
    actions.deliver(store, "PARKS", "1", "$400", on=iso_day(-1), note="first week")
    actions.set_progress(store, 2, "60")
    actions.set_status(bob, 2, "blocked", "rain")
    actions.set_status(bob, 2, "blocked", "the soil is late")  # blocked anew, another reason
    actions.vote(bob, 1, "agree", "good plan")
    actions.vote(bob, 1, "block", "no soil yet")
    workplan, history = store.read_with_history()
    names = Names(workplan, TODAY)
    said = [sentence(e, names) for e in history.newest()][:9]
    friday = next(line for line in said if "Call the county" in line)
    assert friday.startswith("bob added T4 'Call the county' for carol, due ")
    assert "carol agreed to N1 'We notify members in advance if we miss…'" in said
    assert "alice recorded a delivery by PARKS: $400 on " in next(line for line in said if "delivery" in line)
    assert "alice moved T2 'Build beds' from 0% to 60% (now doing)" in said
    assert "bob marked T2 'Build beds' blocked: rain" in said
    assert "bob changed why T2 'Build beds' is blocked: the soil is late (was: rain)" in said  # was 'reason blocked'
    assert "bob changed their vote on P1 'Gardens' from agree to block: no soil yet" in said
    for line in said:  # no stored names, kinds or list counts
        assert "agreed_by" not in line and "partner.deliver" not in line and "[2]" not in line
    log = run("log", "--limit", "9").output
    assert "agreed to N1 'We notify members" in log and "added T4 'Call the county' for carol" in log


def test_work_over_time_reads_as_sentences(run: Run, wp: Path) -> None:
    """Issue 29's log lines (waiting, skipping, repeating, milestones) are sentences too."""
    from tests.clock import TODAY
    from workplan_tui.model.changes import Names, sentence

    store = make_store(wp)
    first = actions.add_task(store, 1, "Water the beds", owner="alice", due=iso_day(+2), every="week").id
    actions.set_waits(store, 2, add=[1, first])
    actions.set_waits(store, 2, remove=[1])
    actions.skip_instance(store, first)
    actions.set_progress(store, first, "100")  # done: the next time comes round
    actions.add_milestone(store, 1, "Beds ready", iso_day(+9), tasks=[1, 2])
    actions.edit_milestone(store, 1, due=iso_day(+10))
    actions.make_recurring(store, 1, "monday")
    actions.set_series_status(store, 2, "ended")
    workplan, history = store.read_with_history()
    said = [sentence(e, Names(workplan, TODAY)) for e in history.newest()][:12]
    text = "\n".join(said)
    assert f"alice made T2 'Build beds' wait on T1 and T{first}" in said, text
    assert "alice made T2 'Build beds' no longer wait on T1" in said, text
    assert any(line.startswith(f"alice skipped T{first} 'Water the beds' this time: now due ") for line in said), text
    assert any("the next time of S1 (every week)" in line and "brought round" in line for line in said), text
    assert any(line.startswith("alice added the milestone D1 'Beds ready', due ") for line in said), text
    assert any(line.endswith("for T1 and T2") for line in said), text
    assert any(line.startswith("alice changed D1 'Beds ready': due date ") for line in said), text
    assert "alice added S1, every week" in said and "alice added S2, every Monday" in said, text
    assert "alice made T1 'Order soil' repeat, S2 (every Monday)" in said, text
    assert "alice ended S2 (every Monday)" in said, text
    for line in said:  # no stored field names or raw values
        assert "waits_on" not in line and "series" not in line and "none →" not in line, line
    assert f"made T2 'Build beds' wait on T1 and T{first}" in run("log", "--limit", "20").output


def test_a_list_in_a_change_is_counted_in_words_not_as_a_bracket() -> None:
    """Activity's details said 'agenda: [11]' for a meeting added with its agenda."""
    from workplan_tui.model.changes import value_words

    assert value_words("agenda", [{"text": "Welcome"}] * 11) == "11 agenda items"
    assert value_words("attendance", [{"member": "bob"}]) == "1 person"
    assert value_words("decisions", [{"text": "a"}, {"text": "b"}]) == "2 decisions"
    assert value_words("waits_on", ["T9", "T10"]) == "T9, T10"  # labels stay labels
    assert value_words("agenda", []) == "none"
