"""The command line through click's CliRunner, against a real file."""

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import FIXED_NOW, LOGIN

NASTY_TITLE = "\x1b]52;c;ZXZpbA==\x07[bold]x\x1b[2J \u202eevil"


def test_status_shows_plans_and_attention(run) -> None:
    result = run("status")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Test Partnership · stage: forming" in out
    assert "P1 Gardens  [proposed] · at risk" in out  # one task overdue
    assert out.index("Off track / at risk (1)") < out.index("Mine (alice)")  # are we on track? first
    assert "at risk    P1 Gardens: 1 task overdue" in out
    assert "buy-in 0/3" in out
    assert "Beds built 0 / 40 beds (0%)" in out
    assert out.index("Mine (alice): 1 open task, 1 vote to cast") < out.index("P1 Gardens  [")  # mine first
    assert "? P1 Gardens waits for your vote" in out
    assert "Needs attention" in out and "Overdue (1)" in out and "T1" in out


def test_status_json(run) -> None:
    data = json.loads(run("status", "--json").stdout)
    plan = data["plans"][0]
    assert plan["id"] == "P1" and plan["tasks"] == 3 and plan["buy_in"]["not_voted"] == ["alice", "bob", "carol"]
    waiting = data["needs_attention"]["waiting_for_my_vote"]
    assert [p["id"] for p in waiting] == ["P1"] and waiting[0]["title"] == "Gardens"  # whole records
    overdue = data["needs_attention"]["overdue"]
    assert overdue[0]["id"] == "T1" and overdue[0]["plan"] == "P1" and overdue[0]["owner"] == "alice"
    assert [t["id"] for t in data["mine"]["tasks"]] == ["T1"] and data["member"] == "alice"


def test_full_workflow_with_json_ids(run, wp: Path) -> None:
    plan = json.loads(run("plan", "add", "Winter boxes", "--rule", "majority", "--json").stdout)
    assert plan["id"] == "P2" and plan["status"] == "draft"
    outcome = json.loads(run("outcome", "add", "P2", "Boxes", "--target", "5000", "--unit", "boxes", "--json").stdout)
    assert outcome["id"] == "O2"
    task = json.loads(run("task", "add", "P2", "Find supplier", "--owner", "bob", "--due", "fri", "--json").stdout)
    assert task["id"] == "T4" and task["due"]
    assert json.loads(run("task", "progress", "T4", "60", "--json").stdout)["progress"] == 60
    assert json.loads(run("task", "progress", "T4", "+50", "--json").stdout)["status"] == "done"
    assert json.loads(run("task", "progress", "T4", "-5", "--json").stdout)["progress"] == 95
    assert json.loads(run("outcome", "checkin", "O2", "1200", "--note", "week 1", "--json").stdout)["current"] == 1200
    run("plan", "propose", "P2")
    run("vote", "P2", "agree", user="alice")
    refused = run("plan", "activate", "P2")
    assert refused.exit_code == 1 and "1 of 3 members agree; a majority needs 2" in refused.stderr
    run("vote", "P2", "agree", "--comment", "ok", user="bob")
    assert "P2 is now active" in run("plan", "activate", "P2").stdout
    stored = json.loads(wp.read_text())
    assert stored["plans"]["2"]["status"] == "active"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["task", "progress", "T99", "10"], "no task T99"),
        (["task", "progress", "T1", "150"], "progress 150 is out of range"),
        (["task", "progress", "T1", "lots"], "is not a number"),
        (["task", "assign", "T1", "zed"], "no member 'zed'"),
        (["task", "due", "T1", "someday"], "cannot read 'someday' as a date"),
        (["task", "status", "T1", "blocked"], "say why it is blocked"),
        (["plan", "activate", "P1"], "not voted yet: alice, bob, carol"),
        (["plan", "show", "P7"], "no plan P7"),
        (["member", "add", "dan", "--name", "Dan", "--partner", "NOPE"], "no partner 'NOPE'"),
        (["task", "add", "P1", ""], "task title must not be empty"),
    ],
)
def test_errors_are_one_line_and_leave_the_file_unchanged(run, wp: Path, args: list[str], message: str) -> None:
    before = wp.read_bytes()
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("workplan: error: ")
    assert "Traceback" not in result.output
    assert wp.read_bytes() == before


def test_usage_errors_exit_2_with_one_line(run) -> None:
    result = run("task", "progress", "X1", "10")
    assert result.exit_code == 2 and "'X1' is not a task id" in result.stderr
    assert result.stderr.count("\n") == 1


def test_non_member_is_told_to_ask_a_member(run, wp: Path) -> None:
    before = wp.read_bytes()
    result = run("vote", "P1", "agree", user="mallory")
    assert result.exit_code == 1
    assert "mallory is not a member" in result.stderr and "workplan member add mallory" in result.stderr
    assert wp.read_bytes() == before


def test_missing_file(run, tmp_path: Path) -> None:
    result = run("status", path=tmp_path / "nope.json")
    assert result.exit_code == 1 and "no partnership file here" in result.stderr


def test_init_refuses_to_overwrite(run, wp: Path, tmp_path: Path) -> None:
    before = wp.read_bytes()
    assert run("init", "--name", "X").exit_code == 1
    assert wp.read_bytes() == before
    fresh = tmp_path / "new.json"
    result = run("init", "--name", "Fresh", "--purpose", "p", path=fresh)
    assert result.exit_code == 0 and json.loads(fresh.read_text())["meta"]["1"]["name"] == "Fresh"


def test_listings_and_show(run) -> None:
    assert json.loads(run("partner", "list", "--json").stdout)[0]["contributions"][0]["amount"] == 1000
    assert [m["handle"] for m in json.loads(run("member", "list", "--json").stdout)] == ["alice", "bob", "carol"]
    assert json.loads(run("plan", "list", "--json").stdout)[0]["id"] == "P1"
    assert json.loads(run("outcome", "list", "--plan", "P1", "--json").stdout)[0]["id"] == "O1"
    overdue = json.loads(run("task", "list", "--overdue", "--json").stdout)
    assert [t["id"] for t in overdue] == ["T1"]
    assert [t["id"] for t in json.loads(run("task", "list", "--owner", "bob", "--json").stdout)] == ["T2"]
    run("task", "note", "T2", "Lumber arrives Monday")
    shown = run("task", "show", "T2")
    assert "Lumber arrives Monday" in shown.stdout and "History:" in shown.stdout
    assert "plan progress = " in run("plan", "show", "P1").stdout
    run("norm", "add", "We notify members in advance if we miss a meeting.")
    run("norm", "agree", "N1")
    assert json.loads(run("norm", "list", "--json").stdout)[0]["agreed_by"] == ["alice"]
    log = json.loads(run("log", "--limit", "2", "--json").stdout)
    assert log[0]["kind"] == "norm.agree" and len(log) == 2


def test_stored_text_never_reaches_the_terminal_as_control_codes(run) -> None:
    created = run("task", "add", "P1", NASTY_TITLE, "--notes", "line1\x1b[31m")
    assert created.exit_code == 0
    for args in (["task", "list"], ["task", "show", "T4"], ["status"], ["log"], ["task", "list", "--json"]):
        out = run(*args).stdout
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, args
    shown = run("task", "show", "T4").stdout
    assert "[bold]x" in shown  # literal, not styled


def test_check_reports_every_problem(run, wp: Path) -> None:
    assert run("check").exit_code == 0
    data = json.loads(wp.read_text())
    data["tasks"]["1"]["progress"] = 140
    data["tasks"]["2"]["owner"] = 7
    wp.write_text(json.dumps(data))
    result = run("check")
    assert result.exit_code == 1
    assert "task T1: 'progress' must be a whole number from 0 to 100" in result.stderr
    assert "task T2: 'owner' must be a member handle" in result.stderr


def test_demo_writes_a_fresh_file_dated_from_today(run, tmp_path: Path) -> None:
    out = tmp_path / "demo.json"
    result = run("demo", "--out", str(out), user="newbie")
    assert result.exit_code == 0, result.output
    assert "Eastside Food Access Partnership" in result.stdout
    data = json.loads(out.read_text())
    assert "sample_today" not in data["meta"]["1"]
    assert any(m["handle"] == "newbie" for m in data["members"].values())
    assert run("check", path=out).exit_code == 0
    partner = next(m["partner"] for m in data["members"].values() if m["handle"] == "newbie")
    assert "newbie (you, lead)" in run("partner", "show", partner, path=out).stdout  # was 'newbie (newbie (you), lead)'
    # the sample's dates move with today: some task is overdue, some due later
    dues = [t["due"] for t in data["tasks"].values() if t.get("due") and t["status"] != "done"]
    import pendulum

    today = pendulum.today().date().isoformat()
    assert min(dues) < today < max(dues)
    assert run("demo", "--out", str(out)).exit_code == 1  # never overwrites


def test_the_demo_shows_each_health_dated_from_today(run, tmp_path: Path) -> None:
    """The sample partnership demonstrates the forecast: an outcome on track, one at risk, one
    off track and one met; its plans' dates moved with today like every other date."""
    out = tmp_path / "demo.json"
    assert run("demo", "--out", str(out)).exit_code == 0
    data = json.loads(run("outcome", "list", "--json", path=out).stdout)
    health = {o["id"]: o["forecast"]["health"] for o in data}
    assert {"met", "on_track", "at_risk", "off_track"} <= set(health.values())
    assert (health["O1"], health["O3"], health["O5"], health["O4"]) == ("met", "on_track", "at_risk", "off_track")
    assert health["O7"] == "off_track"  # "0 / 400 families, due in 5 weeks" is not healthy
    plans = {p["id"]: p for p in json.loads(run("plan", "list", "--json", path=out).stdout)}
    assert plans["P2"]["start"] < FIXED_NOW.date().isoformat() < plans["P2"]["end"]
    assert (
        plans["P1"]["forecast"]["health"] == "met"
        and plans["P1"]["forecast"]["reason"] == "completed, every outcome met"
    )
    status = run("status", path=out).stdout
    assert status.index("Off track / at risk") < status.index("Mine (")


def test_undo_command(run, wp: Path) -> None:
    run("task", "progress", "T2", "50")
    result = run("undo")
    assert result.exit_code == 0 and "progress 50% → 0%" in result.stdout
    assert json.loads(wp.read_text())["tasks"]["2"]["progress"] == 0
    run("task", "progress", "T2", "50")
    run("task", "note", "T2", "bob was here", user="bob")
    refused = run("undo")
    assert refused.exit_code == 1 and "bob changed T2 since" in refused.stderr


def test_open_reads_the_file_before_starting_the_board(run, wp: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"meta": ')
    result = run("open", path=bad)
    assert result.exit_code == 1 and "not valid JSON at line 1" in result.stderr
    data = json.loads(wp.read_text())
    data["meta"]["1"]["schema_version"] = 99
    wp.write_text(json.dumps(data))
    result = run("open")  # a newer file is readable: it would open read-only; here there is no terminal
    assert result.exit_code == 1 and "needs a terminal" in result.stderr
    status = run("status")  # the scripting commands refuse a file they may misread
    assert status.exit_code == 1 and "written by a newer workplan" in status.stderr


def test_due_dates_as_people_type_them(run, wp: Path) -> None:
    """The date itself beside the words; a past date is taken with a warning; 12/15 is refused."""
    from datetime import date, timedelta

    from workplan_tui.model.dates import short_date

    today = date.today()  # the pinned day (tests/clock.py)
    result = run("task", "due", "T1", "in 3 days")
    assert (
        result.exit_code == 0
        and f"due in 3 days, {short_date(today + timedelta(days=3), today=today)}" in result.stdout
    )
    assert result.stderr == ""
    result = run("task", "due", "T1", "2020-01-06")
    assert result.exit_code == 0 and json.loads(wp.read_text())["tasks"]["1"]["due"] == "2020-01-06"
    assert "warning: '2020-01-06' is in the past" in result.stderr and "Mon 6 Jan 2020" in result.stderr
    before = wp.read_bytes()
    result = run("task", "due", "T1", "12/15")
    assert result.exit_code == 1 and "use YYYY-MM-DD or a month name" in result.stderr and wp.read_bytes() == before
    added = run("task", "add", "P1", "Order soil", "--due", "dec 15", "--json")
    due = date.fromisoformat(json.loads(added.stdout)["due"])
    assert (due.month, due.day) == (12, 15) and today <= due < today + timedelta(days=366)


@pytest.mark.parametrize("position", ["block", "disagree"])
def test_a_block_or_disagree_vote_needs_a_reason_everywhere(run, wp: Path, position: str) -> None:
    """The board asked for a reason and the CLI did not: the rule is the model's (rules.vote_problem)."""
    before = wp.read_bytes()
    result = run("vote", "P1", position)
    assert result.exit_code == 1 and f"say why you {position}" in result.stderr and "--comment" in result.stderr
    assert run("vote", "P1", position, "--comment", "   ").exit_code == 1 and wp.read_bytes() == before
    assert run("vote", "P1", position, "--comment", "no budget this year").exit_code == 0


def test_setting_up_cannot_lock_the_setter_out(run, tmp_path: Path) -> None:
    new = tmp_path / "new.json"
    assert run("init", "--name", "New", path=new).exit_code == 0
    assert run("partner", "add", "PARKS", "--name", "Parks", path=new).exit_code == 0
    result = run("member", "add", "bob", "--name", "Bob", "--partner", "PARKS", path=new)
    assert result.exit_code == 1 and f"the first member must be you (your login {LOGIN})" in result.stderr
    if LOGIN != "alice":  # alice, but not bound to this account: it could not act as her after
        result = run("member", "add", "alice", "--name", "Alice", "--partner", "parks", path=new)
        assert result.exit_code == 1 and f"--account {LOGIN}" in result.stderr
    args = ("member", "add", "alice", "--name", "Alice", "--partner", "parks", "--account", LOGIN)
    result = run(*args, path=new)
    assert result.exit_code == 0 and "PARKS" in result.stdout  # codes match ignoring case, stored as defined
    assert "(Alice, PARKS, lead)" in result.stdout  # the first member leads, and is told so
    assert run("member", "add", "bob", "--name", "Bob", "--partner", "Parks", path=new).exit_code == 0
    assert json.loads(run("member", "list", "--json", path=new).stdout)[1]["partner"] == "PARKS"


def test_status_is_a_morning_summary_that_cuts_nothing_that_matters(run, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    reason = "the district has not approved weekend access to the school grounds yet"
    run("task", "status", "T2", "blocked", "--reason", reason)
    run("outcome", "add", "P1", "Students taking part in garden lessons every week", "--target", "600")
    run("plan", "add", "Old pilot")
    run("plan", "archive", "P2")
    out = run("status").stdout
    assert max(len(line) for line in out.splitlines()) <= 60
    words = " ".join(out.split())
    assert "because: " + reason in words  # wrapped, whole
    assert "Students taking part in garden lessons every week 0 / 600 (0%)" in words
    assert "Closed: P2 Old pilot (archived, no data)" in out and "P2 Old pilot  [" not in out  # folded
    assert out.index("Mine (alice)") < out.index("P1 Gardens  [") < out.index("Due this week")
    assert "Changed since" in out and "marked T2 'Build beds' blocked" in words


def test_status_since_and_all(run, wp: Path) -> None:
    from tests.conftest import make_store
    from workplan_tui.store import actions

    store = make_store(wp)
    for i in range(12):
        actions.add_task(store, 1, f"Old task {i}", owner="bob", due=None)
    data = json.loads(wp.read_text())  # make them stale: last touched long ago
    for record in data["tasks"].values():
        record["updated_at"] = (FIXED_NOW - timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
    from workplan_tui.store.layout import serialize

    wp.write_bytes(serialize(data))
    out = run("status").stdout
    assert "Stale: 15 with no update for 14+ days; the 5 longest untouched:" in out
    assert out.count("last update") == 5 and "(every one: workplan status --all)" in out
    assert run("status", "--all").stdout.count("last update") == 15
    since = run("status", "--since", "2020-01-01").stdout
    assert "Changed since Wed 1 Jan 2020 (11+)" in since and "added T15 'Old task 11' for bob" in since
    assert run("status", "--since", "next year").exit_code == 1


def test_task_list_search_and_sort(run, time_travel) -> None:
    time_travel.shift(60)  # changed a minute after the seed made them
    run("task", "progress", "T2", "60")
    run("task", "status", "T3", "blocked", "--reason", "no volunteers yet")

    def ids(*args: str) -> list[str]:
        return [t["id"] for t in json.loads(run("task", "list", *args, "--json").stdout)]

    assert ids("--search", "beds") == ["T2"]
    assert ids("--search", "owner:bob") == ["T2"] and ids("--search", "partner:parks") == ["T1"]
    assert ids("--search", "overdue") == ["T1"] and ids("--search", "blocked") == ["T3"]
    assert ids("--search", "BEDS bob") == ["T2"] and ids("--search", "beds alice") == []
    assert ids("--sort", "progress") == ["T1", "T3", "T2"]
    assert ids("--sort", "due") == ["T1", "T2", "T3"]  # no due date last
    assert ids("--sort", "owner") == ["T1", "T2", "T3"]  # unassigned last
    assert ids("--sort", "updated")[-1] == "T1"  # the one not changed since it was made comes last
    assert "No tasks match." in run("task", "list", "--search", "nothing-like-this").stdout
    assert run("task", "list", "--sort", "colour").exit_code == 2


def test_log_filters_by_member_plan_and_kind(run) -> None:
    run("plan", "add", "Winter boxes")
    run("task", "add", "P2", "Find supplier")
    run("task", "progress", "T1", "+10", user="bob")
    run("task", "progress", "T4", "+20")

    def records(*args: str) -> list[str]:
        return [e["record"] + " " + e["kind"] for e in json.loads(run("log", *args, "--json").stdout)]

    assert records("--member", "bob") == ["T1 task.progress"]
    assert records("--plan", "P2") == ["T4 task.progress", "T4 task.add", "P2 plan.add"]
    assert records("--kind", "progress") == ["T4 task.progress", "T1 task.progress"]
    assert records("--kind", "progress", "--plan", "P1", "--member", "bob") == ["T1 task.progress"]
    assert "No log entries match." in run("log", "--member", "nobody").stdout
    assert run("log", "--plan", "P9").exit_code == 1


def test_plan_edit_rule_and_reopen(run) -> None:
    edited = json.loads(run("plan", "edit", "P1", "--title", "Gardens 2027", "--json").stdout)
    assert edited["title"] == "Gardens 2027" and edited["status"] == "proposed"
    assert json.loads(run("plan", "rule", "P1", "partners", "--json").stdout)["rule"] == "partners"
    assert run("plan", "archive", "P1").exit_code == 0
    result = run("plan", "reopen", "P1")
    assert result.exit_code == 0 and "now proposed" in result.stdout  # the status it had before
    assert run("plan", "reopen", "P1").exit_code == 1  # not closed
    assert run("plan", "edit", "P1").exit_code == 2  # nothing to change: a usage error


def test_partner_codes_match_ignoring_case_in_every_command(run, wp: Path) -> None:
    """One rule everywhere (issue 12): `partner add` refused PARKS vs parks, so every --partner and CODE agrees."""
    assert run("partner", "add", "parks", "--name", "Other parks").exit_code == 1
    assert "Changed FOOD" in run("partner", "edit", "food", "--name", "Food Bank Ltd").stdout
    assert run("member", "edit", "bob", "--partner", "parks").exit_code == 0
    stored = json.loads(wp.read_text())
    assert {m["handle"]: m["partner"] for m in stored["members"].values()}["bob"] == "PARKS"
    refused = run("partner", "rm", "parks")
    assert refused.exit_code == 1 and "still has members" in refused.stderr
    assert run("partner", "edit", "nosuch", "--name", "X").exit_code == 1


def test_status_and_progress_never_contradict(run, wp: Path) -> None:
    """Done is 100 % and 100 % is done; to do is 0 % (a tester reached 'todo 100%' three ways)."""

    def task() -> dict:
        return json.loads(wp.read_text())["tasks"]["1"]

    run("task", "done", "T1")
    run("task", "status", "T1", "todo")
    assert (task()["status"], task()["progress"]) == ("todo", 0)
    run("task", "done", "T1")
    run("task", "status", "T1", "doing")
    assert (task()["status"], task()["progress"]) == ("doing", 90)  # reopened: nearly, not done
    run("task", "done", "T1")
    run("task", "status", "T1", "blocked", "--reason", "the soil was wrong")
    assert (task()["status"], task()["progress"]) == ("blocked", 90)
    before = wp.read_bytes()
    for args in (["--status", "todo", "--progress", "100"], ["--status", "done", "--progress", "50"],
                 ["--status", "todo", "--progress", "30"], ["--status", "doing", "--reason", "why not"]):  # fmt: skip
        result = run("task", "edit", "T1", *args)
        assert result.exit_code == 1 and "T1" in result.stderr and wp.read_bytes() == before, args
    assert run("task", "edit", "T1", "--status", "doing", "--progress", "40").exit_code == 0
    assert (task()["status"], task()["progress"]) == ("doing", 40)


def test_log_says_when_older_entries_were_left_out_and_undo_shows_labels(run) -> None:
    assert "older entries match too" in run("log", "--limit", "2").stdout
    assert "older entries" not in run("log", "--limit", "500").stdout
    run("task", "edit", "T3", "--outcome", "O1")
    assert "outcome O1 → none" in run("undo").stdout  # references as labels, no value as 'none'
    run("task", "edit", "T3", "--outcome", "O1")
    run("task", "edit", "T3", "--outcome", "none")
    assert "outcome none → O1" in run("undo").stdout
