"""The command line through click's CliRunner, against a real file."""

import json
from pathlib import Path

import pytest

NASTY_TITLE = "\x1b]52;c;ZXZpbA==\x07[bold]x\x1b[2J \u202eevil"


def test_status_shows_plans_and_attention(run) -> None:
    result = run("status")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Test Partnership · stage: forming" in out
    assert "P1 Gardens  [proposed]" in out
    assert "buy-in 0/3" in out
    assert "Beds built 0 / 40 beds (0%)" in out
    assert "Needs attention (for alice):" in out
    assert "? P1 Gardens waits for your vote" in out
    assert "T1" in out and "overdue" in out


def test_status_json(run) -> None:
    data = json.loads(run("status", "--json").stdout)
    plan = data["plans"][0]
    assert plan["id"] == "P1" and plan["tasks"] == 3 and plan["buy_in"]["not_voted"] == ["alice", "bob", "carol"]
    assert data["needs_attention"]["waiting_for_my_vote"] == ["P1"]


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
    # the sample's dates move with today: some task is overdue, some due later
    dues = [t["due"] for t in data["tasks"].values() if t.get("due") and t["status"] != "done"]
    import pendulum

    today = pendulum.today().date().isoformat()
    assert min(dues) < today < max(dues)
    assert run("demo", "--out", str(out)).exit_code == 1  # never overwrites


def test_undo_command(run, wp: Path) -> None:
    run("task", "progress", "T2", "50")
    result = run("undo")
    assert result.exit_code == 0 and "progress → 0" in result.stdout
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


def test_plan_edit_and_unarchive(run, wp: Path) -> None:
    edited = json.loads(run("plan", "edit", "P1", "--title", "Gardens 2027", "--rule", "partners", "--json").stdout)
    assert edited["title"] == "Gardens 2027" and edited["rule"] == "partners" and edited["status"] == "proposed"
    assert run("plan", "archive", "P1").exit_code == 0
    result = run("plan", "unarchive", "P1")
    assert result.exit_code == 0 and "P1 is now proposed" in result.stdout  # the status it had before
    refused = run("plan", "unarchive", "P1")
    assert refused.exit_code == 1 and "cannot unarchive" in refused.stderr
    nothing = run("plan", "edit", "P1")
    assert nothing.exit_code == 1 and "--title, --scope or --rule" in nothing.stderr
