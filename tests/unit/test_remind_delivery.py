"""Delivery of digests with real parts: an SMTP server on the loopback (aiosmtpd), a sendmail
program, messages parsed back with ``email.parser``; the mail settings; the record of what was sent."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from email.headerregistry import Address
from pathlib import Path

import pytest

from tests import clock
from tests.mail import free_port, mail_config, sendmail_program, smtp_server, text_of
from workplan_tui.model import digest
from workplan_tui.remind import config as settings
from workplan_tui.remind.message import Recipient, as_mbox, compose
from workplan_tui.remind.sent import Failed, Sent, SentError, open_record, read, sent_path_for
from workplan_tui.remind.transport import DeliveryError, SendmailTransport, SmtpTransport
from workplan_tui.store.storage import StoreError

# The test server takes logins without TLS on the loopback, which aiosmtpd warns about.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Requiring AUTH while not requiring TLS", "ignore:Session.login_data is deprecated"
)

BOB = Recipient("bob", "Bob Builder", "bob@example.org", "daily")
ITEMS = [
    digest.Item("overdue", "overdue:T1", "T1", "Order soil", "8 days overdue, Fri 20 Nov", "workplan task show T1"),
    digest.Item("vote", "vote:P1", "P1", "Gardens", "proposed; 2 others have not voted either", "workplan vote P1 …"),
]


def smtp_config(port: int, **smtp: object) -> settings.MailConfig:
    return settings.MailConfig(
        "smtp",
        Address("Eastside workplan", addr_spec="workplan@example.org"),
        "mailto:lead@example.org",
        host="127.0.0.1",
        port=port,
        timeout=5.0,
        **smtp,  # type: ignore[arg-type]
    )


def message_for(who: Recipient = BOB, items: list[digest.Item] = ITEMS, config: settings.MailConfig | None = None):
    return compose(
        config or smtp_config(25),
        "Eastside Food Access",
        who,
        items,
        now=clock.NOW,
        today=clock.TODAY,
        since=clock.NOW - timedelta(days=1),
        board="workplan -f /srv/p.json",
        stop="workplan -f /srv/p.json member edit bob --digest off",
    )


# --- the message ------------------------------------------------------------------------------


def test_a_digest_over_smtp_arrives_with_every_header_and_parses_back() -> None:
    with smtp_server() as server:
        transport = SmtpTransport(smtp_config(server.port))
        transport.send(message_for(), "bob@example.org")
        transport.close()
    [got] = server.inbox.received
    assert got.sender == "workplan@example.org" and got.recipients == ["bob@example.org"]
    m = got.message
    assert m["From"].addresses[0].addr_spec == "workplan@example.org"
    assert m["To"].addresses[0].display_name == "Bob Builder"
    assert m["Subject"] == "[Eastside Food Access] 1 overdue, 1 vote to cast"
    assert m["Date"].datetime == clock.NOW
    assert m["Message-ID"].strip().startswith("<") and m["Message-ID"].endswith(".wp@example.org>")
    assert m["List-Unsubscribe"].strip() == "<mailto:lead@example.org?subject=stop%20workplan%20digests%20for%20bob>"
    assert m["List-Id"] == "Eastside Food Access <eastside-food-access.workplan.example.org>"
    assert m["Auto-Submitted"] == "auto-generated"
    assert m.get_content_type() == "text/plain" and m.get_content_charset() == "utf-8"
    text = text_of(m)
    assert "Overdue (1)\n  T1  Order soil\n      8 days overdue, Fri 20 Nov" in text
    assert "Votes to cast (1)" in text and "workplan vote P1 …" in text
    assert "To stop it: workplan -f /srv/p.json member edit bob --digest off" in text.replace("\n", " ")
    assert max(len(line) for line in got.raw.split(b"\r\n")) <= 78  # quoted-printable keeps lines short
    assert all(byte < 128 for byte in got.raw)  # 7-bit on the wire


def test_a_wide_character_name_and_title_arrive_intact() -> None:
    who = Recipient("wei", "张伟 (Zhāng Wěi)", "wei@example.org", "weekly:fri")
    items = [digest.Item("overdue", "overdue:T7", "T7", "修理温室的门 🌱", "2 days overdue, Thu 26 Nov")]
    with smtp_server() as server:
        SmtpTransport(smtp_config(server.port)).send(message_for(who, items), who.email or "")
    m = server.inbox.received[0].message
    assert m["To"].addresses[0].display_name == "张伟 (Zhāng Wěi)"
    assert b"=?utf-8?" in server.inbox.received[0].raw  # the header went as encoded words
    assert "T7  修理温室的门 🌱" in text_of(m)
    assert "weekly on Fridays" in text_of(m)


def test_a_title_with_a_newline_or_escapes_never_becomes_a_header() -> None:
    nasty = "Soil\nBcc: everyone@example.org\r\nX-Evil: 1\x1b]52;c;AAAA\x07 \u202eevil"
    who = Recipient("bob", "Bob\nBcc: all@example.org", "bob@example.org", "daily")
    items = [digest.Item("overdue", "overdue:T1", "T1", nasty, "due\nSubject: x")]
    with smtp_server() as server:
        SmtpTransport(smtp_config(server.port)).send(message_for(who, items), "bob@example.org")
    got = server.inbox.received[0]
    assert got.recipients == ["bob@example.org"]
    assert got.message["Bcc"] is None and got.message["X-Evil"] is None
    assert [name for name in got.message.keys() if name.lower() == "subject"] == ["Subject"]
    text = text_of(got.message)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    line = next(line for line in text.splitlines() if line.startswith("  T1"))
    assert "Bcc: everyone@example.org" in line  # on the title's own line, as text
    assert got.message["To"].addresses[0].display_name == "Bob Bcc: all@example.org"


def test_no_message_is_made_for_an_address_that_is_not_one_mailbox() -> None:
    for bad in ("a@x.org, b@y.org", "a@x.org\nBcc: b@y.org", "-oQ/tmp@x.org", "<a@x.org>", "a b@x.org", ""):
        assert not digest.valid_email(bad)
        with pytest.raises(ValueError):
            message_for(Recipient("bob", "Bob", bad, "daily"))
    assert digest.valid_email("bob.o'neil+plans@mail.example.org") is False  # quotes: refused, never escaped
    assert digest.valid_email("bob+plans@mail.example.org") and digest.valid_email("bob@localhost")


def test_mbox_output_splits_back_into_the_messages() -> None:
    import mailbox

    carol = Recipient("carol", "Carol", "carol@example.org", "daily")
    text = as_mbox([message_for(), message_for(carol)], readable=False)
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"wp-mbox-{os.getpid()}"
    path.write_text(text)
    try:
        got = list(mailbox.mbox(str(path)))
    finally:
        path.unlink()
    assert [m["To"] for m in got] == ["Bob Builder <bob@example.org>", "Carol <carol@example.org>"]


# --- SMTP: refusals, a server that is down, logins --------------------------------------------


def test_a_refused_recipient_fails_alone_and_the_next_goes_on_the_same_connection() -> None:
    with smtp_server(refuse=("nobody@example.org",)) as server:
        transport = SmtpTransport(smtp_config(server.port))
        with pytest.raises(DeliveryError) as refused:
            transport.send(message_for(), "nobody@example.org")
        assert not refused.value.everyone
        assert "refused nobody@example.org: 550" in str(refused.value)
        transport.send(message_for(), "bob@example.org")
        transport.close()
    assert [r.recipients for r in server.inbox.received] == [["bob@example.org"]]


def test_a_server_that_is_down_fails_everyone_at_once_in_one_line() -> None:
    transport = SmtpTransport(smtp_config(free_port()))
    with pytest.raises(DeliveryError) as down:
        transport.send(message_for(), "bob@example.org")
    assert down.value.everyone and str(down.value).startswith("cannot reach the mail server 127.0.0.1:")
    assert "\n" not in str(down.value)
    with pytest.raises(DeliveryError) as again:  # not tried again this run
        transport.send(message_for(), "carol@example.org")
    assert again.value is down.value


def test_the_login_uses_the_password_file_and_a_wrong_one_is_one_line(tmp_path: Path) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret\n")
    secret.chmod(0o600)
    with smtp_server(password="s3cret") as server:
        transport = SmtpTransport(smtp_config(server.port, user="workplan", password_file=secret))
        transport.send(message_for(), "bob@example.org")
        transport.close()
        assert server.logins == [("workplan", "s3cret")]
        secret.write_text("wrong\n")
        transport = SmtpTransport(smtp_config(server.port, user="workplan", password_file=secret))
        with pytest.raises(DeliveryError) as refused:
            transport.send(message_for(), "bob@example.org")
    assert refused.value.everyone and "refused the login as workplan: 535" in str(refused.value)
    assert len(server.inbox.received) == 1


def test_the_password_may_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKPLAN_SMTP_PASSWORD", "from-env")
    with smtp_server(password="from-env") as server:
        SmtpTransport(smtp_config(server.port, user="workplan")).send(message_for(), "bob@example.org")
    assert server.logins == [("workplan", "from-env")]
    monkeypatch.delenv("WORKPLAN_SMTP_PASSWORD")
    with pytest.raises(DeliveryError, match="no password: set smtp.password_file, or the environment variable"):
        SmtpTransport(smtp_config(free_port(), user="workplan")).send(message_for(), "bob@example.org")


# --- sendmail ---------------------------------------------------------------------------------


def test_the_sendmail_program_gets_the_message_and_the_recipient_as_its_last_argument(tmp_path: Path) -> None:
    program = sendmail_program(tmp_path)
    config = smtp_config(25)._replace(via="sendmail", command=(str(program.path), "-oi"))
    transport = SendmailTransport(config)
    transport.send(message_for(), "bob@example.org")
    [(args, message, raw)] = program.received()
    assert args == ["-oi", "bob@example.org"]  # never -t: recipients never come from headers
    assert message["Subject"] == "[Eastside Food Access] 1 overdue, 1 vote to cast"
    assert b"\r\n" not in raw  # Unix line ends for a local program
    program.refuse("carol@example.org")
    with pytest.raises(DeliveryError, match="did not take it: sendmail: carol@example.org... User unknown"):
        transport.send(message_for(), "carol@example.org")


def test_a_missing_sendmail_program_fails_everyone(tmp_path: Path) -> None:
    config = smtp_config(25)._replace(via="sendmail", command=(str(tmp_path / "nothing"), "-oi"))
    with pytest.raises(DeliveryError, match="no sendmail program at") as missing:
        SendmailTransport(config).send(message_for(), "bob@example.org")
    assert missing.value.everyone


# --- the mail settings ------------------------------------------------------------------------


def test_settings_from_the_administrators_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKPLAN_CONFIG_DIR", str(tmp_path))
    mail_config(
        tmp_path,
        'from = "Eastside workplan <workplan@example.org>"\n'
        '[smtp]\nhost = "mail.example.org"\nsecurity = "starttls"\nuser = "wp"\npassword_file = "~/pw"\n',
    )
    config = settings.load()
    assert config.via == "smtp" and config.port == 587 and config.security == "starttls"
    assert config.sender.display_name == "Eastside workplan" and config.password_file == Path("~/pw").expanduser()
    assert config.describe() == "SMTP mail.example.org:587 (STARTTLS, as wp)"
    assert config.unsubscribe == "mailto:workplan@example.org"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[smtp]\npassword = 'x'\n", "a password is never kept in the config"),
        ("[smtp]\nhots = 'x'\n", "unknown setting smtp.hots"),
        ("[smtp]\nport = 'x'\n", "smtp.port must be a port number"),
        ("[smtp]\nhost = 'mail.example.org'\nuser = 'wp'\n", "the password would cross the network unencrypted"),
        ("from = 'a@x.org, b@y.org'\n", "from must be one address"),
        ("via = 'pigeon'\n", 'via must be "smtp" or "sendmail"'),
        ("unsubscribe = 'javascript:x'\n", "unsubscribe must be a mailto: or https: address"),
        ("[smtp\n", "not TOML"),
    ],
)
def test_bad_settings_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, says: str) -> None:
    monkeypatch.setenv("WORKPLAN_MAIL_CONFIG", str(mail_config(tmp_path, text)))
    with pytest.raises(settings.ConfigError) as bad:
        settings.load()
    assert says in str(bad.value) and "\n" not in str(bad.value) and str(tmp_path) in str(bad.value)


def test_a_config_others_may_write_or_a_password_file_others_may_read_is_refused(tmp_path: Path) -> None:
    path = mail_config(tmp_path, "[smtp]\nhost = 'localhost'\n")
    path.chmod(0o664)
    with pytest.raises(settings.ConfigError, match="others may change it"):
        settings.load(path)
    secret = tmp_path / "pw"
    secret.write_text("x\n")
    secret.chmod(0o640)
    config = smtp_config(25, user="wp", password_file=secret)
    with pytest.raises(settings.ConfigError, match="others may read the SMTP password file; chmod 600"):
        config.password()


def test_without_a_config_file_mail_goes_to_sendmail_or_the_local_smtp_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKPLAN_CONFIG_DIR", str(tmp_path))
    monkeypatch.delenv("WORKPLAN_MAIL_CONFIG", raising=False)
    config = settings.load()
    assert config.source is None and config.via in ("sendmail", "smtp")
    assert config.via == "smtp" or config.command[-1] == "-oi"
    monkeypatch.setenv("WORKPLAN_MAIL_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(settings.ConfigError, match="no mail settings here"):
        settings.load()


# --- the record of what was sent --------------------------------------------------------------


def test_the_record_is_written_atomically_beside_the_data_file_with_its_mode_kept(tmp_path: Path) -> None:
    data = tmp_path / "partnership.json"
    path = sent_path_for(data)
    assert path == tmp_path / "partnership.reminders.json"
    with open_record(path) as record:
        record.mark_sent("bob", Sent("2026-11-28", clock.NOW_ISO, ("overdue:T1",)))
    path.chmod(0o640)
    with open_record(path) as record:
        assert record.sent["bob"].items == ("overdue:T1",)
        record.mark_failed("carol", Failed(clock.NOW_ISO, "refused"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert (tmp_path / ".partnership.reminders.json.lock").exists()
    assert read(path).failed["carol"].reason == "refused" and "bob" in read(path).sent
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_second_run_waits_for_the_first_then_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workplan_tui.remind import sent

    monkeypatch.setattr(sent, "LOCK_WAIT", 0.3)
    path = sent_path_for(tmp_path / "p.json")
    with open_record(path):
        with pytest.raises(StoreError, match="another 'workplan remind' is still sending; this run sent nothing"):
            with open_record(path):
                pass


@pytest.mark.parametrize(
    "text",
    ['{"version": 1, "sent": {"bob": {"period": 1}}}', "[]", "{", '{"version": 9}', '{"version":1,"sent":{"-x":{}}}'],
)
def test_a_damaged_record_stops_the_run_in_one_line(tmp_path: Path, text: str) -> None:
    path = sent_path_for(tmp_path / "p.json")
    path.write_text(text)
    with pytest.raises(SentError) as bad:
        read(path)
    assert "\n" not in str(bad.value) and "fix it or remove it" in str(bad.value)


def test_the_record_is_never_read_through_a_link(tmp_path: Path) -> None:
    path = sent_path_for(tmp_path / "p.json")
    (tmp_path / "elsewhere.json").write_text('{"version": 1}')
    path.symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(SentError, match="cannot read the record"):
        read(path)
