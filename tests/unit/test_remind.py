"""``workplan remind`` end to end with real parts: a real SMTP server on the loopback and a sendmail
program, the real record beside the file, the command line's lines and exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import Result

from tests import clock
from tests.conftest import make_store
from tests.mail import free_port, mail_config, sendmail_program, smtp_server, text_of
from workplan_tui.remind.sent import sent_path_for
from workplan_tui.store import actions

ADDRESSES = {"alice": "alice@example.org", "bob": "bob@example.org", "carol": "carol@example.org"}


def give_addresses(wp: Path, addresses: dict[str, str], preference: str | None = None) -> None:
    """Each member's address (and preference) as a member sets their own."""
    for handle, email in addresses.items():
        store = make_store(wp, handle)
        actions.edit_member(store, handle, email=email, **({"digest": preference} if preference else {}))


@pytest.fixture
def smtp_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[int], Path]:
    """Point ``remind`` at an SMTP server on the loopback's ``port`` (an admin's mail.toml)."""

    def point(port: int) -> Path:
        path = mail_config(
            tmp_path,
            f'from = "Test workplan <workplan@example.org>"\n[smtp]\nhost = "127.0.0.1"\nport = {port}\ntimeout = 5\n',
        )
        monkeypatch.setenv("WORKPLAN_MAIL_CONFIG", str(path))
        return path

    return point


def remind(run: Callable[..., Result], *args: str) -> Result:
    return run("remind", *args)


def test_each_member_with_something_to_act_on_gets_one_message_and_a_second_run_sends_nothing(
    run, wp: Path, smtp_settings
) -> None:
    give_addresses(wp, ADDRESSES)
    with smtp_server() as server:
        smtp_settings(server.port)
        first = remind(run)
        second = remind(run)
    assert first.exit_code == 0, first.output
    assert [r.recipients for r in server.inbox.received] == [[a] for a in ADDRESSES.values()]
    alice = server.inbox.to("alice@example.org")[0].message
    assert alice["Subject"] == "[Test Partnership] 1 overdue, 1 vote to cast"
    assert "Order soil" in text_of(alice) and "Votes to cast (1)" in text_of(alice)
    assert "alice <alice@example.org>: sent (2 items)" in first.output
    assert second.exit_code == 0 and f"already sent for {clock.TODAY.isoformat()}" in second.output
    assert len(server.inbox.received) == 3  # nothing twice
    record = json.loads(sent_path_for(wp).read_text())
    assert record["sent"]["alice"]["items"] == ["overdue:T1", "vote:P1"]
    assert record["sent"]["alice"]["period"] == clock.TODAY.isoformat()


def test_a_refused_recipient_is_reported_the_others_get_theirs_and_the_next_run_retries_it(
    run, wp: Path, smtp_settings
) -> None:
    give_addresses(wp, ADDRESSES)
    with smtp_server(refuse=("bob@example.org",)) as server:
        smtp_settings(server.port)
        first = remind(run)
    assert first.exit_code == 1
    assert "workplan: bob <bob@example.org>: not delivered: the mail server refused bob@example.org: 550" in (
        first.stderr
    )
    assert sorted(r.recipients[0] for r in server.inbox.received) == ["alice@example.org", "carol@example.org"]
    assert json.loads(sent_path_for(wp).read_text())["failed"]["bob"]["reason"].startswith("the mail server refused")
    with smtp_server() as server:
        smtp_settings(server.port)
        retry = remind(run)
    assert retry.exit_code == 0, retry.output
    assert [r.recipients for r in server.inbox.received] == [["bob@example.org"]]  # only the one that failed
    assert "bob" not in json.loads(sent_path_for(wp).read_text())["failed"]


def test_a_server_that_is_down_fails_everyone_in_one_line_each_and_records_nothing_as_sent(
    run, wp: Path, smtp_settings
) -> None:
    give_addresses(wp, ADDRESSES)
    smtp_settings(free_port())
    result = remind(run)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if "not delivered" in line]
    assert len(lines) == 3 and all("cannot reach the mail server 127.0.0.1:" in line for line in lines)
    assert "Traceback" not in result.output
    assert json.loads(sent_path_for(wp).read_text())["sent"] == {}


def test_a_member_without_an_address_or_with_digests_off_is_skipped_not_failed(run, wp: Path, smtp_settings) -> None:
    give_addresses(wp, {"alice": "alice@example.org"})
    give_addresses(wp, {"carol": "carol@example.org"}, preference="off")
    with smtp_server() as server:
        smtp_settings(server.port)
        result = remind(run)
    assert result.exit_code == 0
    assert "bob: no e-mail address" in result.output and "carol <carol@example.org>: digests off" in result.output
    assert [r.recipients for r in server.inbox.received] == [["alice@example.org"]]


def test_nothing_to_act_on_sends_nothing(run, wp: Path, smtp_settings) -> None:
    give_addresses(wp, {"carol": "carol@example.org"})
    actions.vote(make_store(wp, "carol"), 1, "agree")
    with smtp_server() as server:
        smtp_settings(server.port)
        result = remind(run, "--member", "carol")
    assert result.exit_code == 0 and "carol <carol@example.org>: nothing to act on" in result.output
    assert server.inbox.received == []


def test_a_dry_run_prints_every_message_and_records_nothing(run, wp: Path, smtp_settings) -> None:
    give_addresses(wp, ADDRESSES)
    smtp_settings(free_port())  # nothing is sent: a server that is down does not matter
    result = remind(run, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\nSubject: [Test Partnership]") == 3
    assert "Order soil" in result.stdout and "3 digests would be sent (dry run: nothing sent)" in result.stderr
    assert not sent_path_for(wp).exists()


def test_print_writes_mbox_for_a_script_and_records_the_digests_as_sent(run, wp: Path, smtp_settings) -> None:
    import mailbox

    give_addresses(wp, ADDRESSES)
    smtp_settings(free_port())
    result = remind(run, "--print", "--member", "bob")
    assert result.exit_code == 0, result.output
    box = wp.with_name("out.mbox")
    box.write_text(result.stdout)
    [message] = list(mailbox.mbox(str(box)))
    assert message["To"] == "Bob <bob@example.org>"
    assert remind(run, "--print", "--member", "bob").stdout == ""  # printed once this period


def test_the_sendmail_program_delivers_when_the_settings_say_so(run, wp: Path, tmp_path: Path, monkeypatch) -> None:
    program = sendmail_program(tmp_path)
    config = mail_config(tmp_path, f'via = "sendmail"\n[sendmail]\ncommand = ["{program.path}", "-oi"]\n')
    monkeypatch.setenv("WORKPLAN_MAIL_CONFIG", str(config))
    give_addresses(wp, ADDRESSES)
    program.refuse("carol@example.org")
    result = remind(run)
    assert result.exit_code == 1
    assert [args[-1] for args, _, _ in program.received()] == ["alice@example.org", "bob@example.org"]
    assert "carol <carol@example.org>: not delivered:" in result.stderr and "User unknown" in result.stderr


def test_a_weekly_member_gets_one_a_week_and_a_daily_one_each_day(run, wp: Path, smtp_settings, time_travel) -> None:
    give_addresses(wp, {"alice": "alice@example.org"})
    weekday = clock.TODAY.strftime("%a").lower()
    give_addresses(wp, {"bob": "bob@example.org"}, preference=f"weekly:{weekday}")
    with smtp_server() as server:
        smtp_settings(server.port)
        assert remind(run).exit_code == 0
        time_travel.shift(timedelta(days=1))
        assert remind(run).exit_code == 0
    got = [r.recipients[0] for r in server.inbox.received]
    assert got.count("alice@example.org") == 2 and got.count("bob@example.org") == 1


def test_what_changed_since_the_last_digest_comes_once(run, wp: Path, smtp_settings, time_travel) -> None:
    give_addresses(wp, {"bob": "bob@example.org"})
    with smtp_server() as server:
        smtp_settings(server.port)
        remind(run)
        time_travel.shift(timedelta(hours=2))
        assert run("task", "progress", "T2", "40").exit_code == 0  # alice changes bob's T2, two hours on
        time_travel.shift(timedelta(days=1))
        remind(run)
        time_travel.shift(timedelta(days=1))
        remind(run)
    texts = [text_of(r.message) for r in server.inbox.received]
    assert len(texts) == 3
    assert "T2  Build beds\n      alice added T2 for bob" in texts[0]  # the first looks back a day
    assert "alice moved T2 from 0% to 40% (now doing)" in texts[1]
    assert "added T2" not in texts[1]
    assert "Changed on your tasks" not in texts[2]


def test_bad_mail_settings_are_one_line_and_send_nothing(run, wp: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("WORKPLAN_MAIL_CONFIG", str(mail_config(tmp_path, "[smtp]\npassword = 'x'\n")))
    result = remind(run)
    assert result.exit_code == 1 and result.stderr.startswith("workplan: error: ") and result.stderr.count("\n") == 1
    assert not sent_path_for(wp).exists()


def test_from_cron_a_real_process_sends_exactly_one_message_per_member_per_period(
    wp: Path, tmp_path: Path, smtp_settings
) -> None:
    """As cron runs it: a real `workplan remind --quiet` process, twice, against a real server."""
    give_addresses(wp, ADDRESSES)
    with smtp_server() as server:
        smtp_settings(server.port)
        env = {**os.environ, "WORKPLAN_FILE": str(wp)}
        env.pop("WORKPLAN_USER")  # cron runs as the administrator's own login
        runs = [
            subprocess.run(
                [sys.executable, "-m", "workplan_tui", "remind", "--quiet"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            for _ in range(2)
        ]
    assert [(r.returncode, r.stdout, r.stderr) for r in runs] == [(0, "", "")] * 2  # quiet: cron mails nothing
    assert sorted(r.recipients[0] for r in server.inbox.received) == sorted(ADDRESSES.values())


def test_digests_carry_the_partners_late_pledges_and_the_follow_ups_due_through_a_real_server(
    run, wp: Path, smtp_settings
) -> None:
    """Issue 27's digest, with issue 26's kinds: PARKS's late pledge goes to alice (of PARKS), not
    to bob and carol (of FOOD); carol's follow-up, due today, goes to carol; a second run sends nothing."""
    give_addresses(wp, ADDRESSES)
    actions.schedule_pledge(make_store(wp), "PARKS", "1", f"by {clock.iso_day(-40)}", today=clock.TODAY)
    carol = make_store(wp, "carol")
    actions.vote(carol, 1, "agree")
    actions.follow_up_task(
        carol, 1, whom="alice", on=clock.iso_day(-3), agreed="soil by today", new_date=clock.iso_day()
    )
    with smtp_server() as server:
        smtp_settings(server.port)
        first = remind(run)
        second = remind(run)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert len(server.inbox.received) == 3  # one each, and nothing twice
    alice = text_of(server.inbox.to("alice@example.org")[0].message)
    assert "Your partner's pledges behind or late (1)\n  PARKS #1  gardeners\n      late: all 1,000 was due by" in alice
    assert "workplan partner show PARKS" in alice
    carols = server.inbox.to("carol@example.org")[0].message
    assert carols["Subject"] == "[Test Partnership] 1 follow-up due"
    assert "Follow-ups due (1)\n  T1  Order soil\n      agreed with alice: soil by today; new date " in text_of(carols)
    assert "workplan followup add T1 --with alice" in text_of(carols)
    assert "pledges behind" not in text_of(server.inbox.to("bob@example.org")[0].message)
