"""Real mail parts for the tests of ``workplan remind``: an SMTP server on the loopback (aiosmtpd,
in this process), and a ``sendmail`` program (a script that keeps what it was given)."""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, NamedTuple

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Received(NamedTuple):
    """One message as the server got it: envelope sender and recipients, the message parsed back."""

    sender: str
    recipients: list[str]
    message: EmailMessage
    raw: bytes


class Inbox:
    """aiosmtpd's handler: keeps each message; refuses the recipients in ``refuse`` with a 550."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.received: list[Received] = []
        self.refuse = set(refuse)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 <" + address + ">: no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        parsed = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed, raw))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        """The messages whose envelope named ``address``."""
        return [r for r in self.received if address in r.recipients]


def text_of(message: EmailMessage) -> str:
    """A message's decoded text body with Unix line ends (SMTP delivers CRLF)."""
    content = message.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")


def free_port() -> int:
    """A loopback port nobody listens on (just now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server(NamedTuple):
    port: int
    inbox: Inbox
    logins: list[tuple[str, str]]


@contextmanager
def smtp_server(refuse: tuple[str, ...] = (), password: str | None = None) -> Iterator[Server]:
    """A real SMTP server on 127.0.0.1 (a free port) while the block runs. With ``password``,
    it takes logins (AUTH PLAIN/LOGIN over the loopback, no TLS) and refuses a wrong password."""
    inbox = Inbox(refuse)
    logins: list[tuple[str, str]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, given = data.login.decode(), data.password.decode()
        logins.append((login, given))
        return AuthResult(success=given == password, handled=False)  # handled=False: aiosmtpd answers 535

    extra: dict[str, Any] = {}
    if password is not None:
        extra = {
            "authenticator": authenticator,
            "auth_require_tls": False,  # the loopback: no TLS here (aiosmtpd warns; the tests filter it)
            "auth_required": True,
            # smtplib offers its user name with AUTH LOGIN up front, which aiosmtpd does not expect.
            "auth_exclude_mechanism": ["LOGIN"],
        }
    for attempt in range(5):  # another test may take the free port first
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=10, **extra)
        try:
            controller.start()
        except (OSError, RuntimeError):
            if attempt == 4:
                raise
            continue
        break
    try:
        yield Server(port, inbox, logins)
    finally:
        controller.stop()


SENDMAIL = """#!{python}
# A sendmail program for the tests: keeps each message with its arguments in {folder}.
import json, os, sys, time
folder = {folder!r}
args = sys.argv[1:]
data = sys.stdin.buffer.read()
refuse = os.path.join(folder, "refuse")
refused = set(open(refuse).read().split()) if os.path.exists(refuse) else set()
if args and args[-1] in refused:
    sys.stderr.write("sendmail: " + args[-1] + "... User unknown\\n")
    sys.exit(67)
name = os.path.join(folder, "%d-%d.json" % (time.time_ns(), os.getpid()))
with open(name, "w") as out:
    json.dump({{"args": args, "message": data.decode("utf-8", "surrogateescape")}}, out)
"""


class Sendmail(NamedTuple):
    """A sendmail program the test wrote: its path, and what it was given so far."""

    path: Path
    folder: Path

    def received(self) -> list[tuple[list[str], EmailMessage, bytes]]:
        """(arguments, message parsed back, raw bytes) of each run, oldest first."""
        found = []
        for name in sorted(self.folder.glob("*.json")):
            kept = json.loads(name.read_text())
            raw = kept["message"].encode("utf-8", "surrogateescape")
            parsed = BytesParser(policy=policy.default).parsebytes(raw)
            assert isinstance(parsed, EmailMessage)
            found.append((kept["args"], parsed, raw))
        return found

    def refuse(self, *addresses: str) -> None:
        (self.folder / "refuse").write_text("\n".join(addresses))


def sendmail_program(where: Path) -> Sendmail:
    """Write the recording sendmail program into ``where``."""
    folder = where / "sendmail-got"
    folder.mkdir(parents=True, exist_ok=True)
    path = where / "sendmail"
    path.write_text(SENDMAIL.format(python=sys.executable, folder=str(folder)))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return Sendmail(path, folder)


def mail_config(where: Path, text: str) -> Path:
    """A mail.toml only its owner may write, as workplan asks; returns its path."""
    path = where / "mail.toml"
    path.write_text(text)
    os.chmod(path, 0o600)
    return path
