"""Sending: SMTP with smtplib, or the system's sendmail program.

A ``Transport`` sends one message to one recipient and raises ``DeliveryError`` with a line
that says why not. ``DeliveryError.everyone`` says the failure is the way out, not the
recipient (the server is down, the login is refused, the program is missing): the run then
stops trying others and reports each as not delivered, to be retried at the next run.

SMTP keeps one connection for a run; a recipient the server refuses (``550``) is that
recipient's failure and the next message goes on the same connection. A connection that drops
is opened again for the next message. A password is sent only after STARTTLS or over TLS, or to
a server on the loopback (config.py refuses the rest).

The sendmail program gets the message on standard input and the recipient as its last
argument, never ``-t``: recipients never come from the message's headers.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import subprocess
from email import policy
from email.message import EmailMessage
from typing import Protocol

from workplan_tui.model.text import clean
from workplan_tui.remind.config import ConfigError, MailConfig


class DeliveryError(Exception):
    """A message was not delivered (one line). ``everyone``: nor will any other be this run."""

    def __init__(self, message: str, *, everyone: bool = False) -> None:
        super().__init__(message)
        self.everyone = everyone


class Transport(Protocol):
    """Sends messages one at a time; ``close`` ends the run's connection, if any."""

    def send(self, message: EmailMessage, recipient: str) -> None: ...

    def close(self) -> None: ...


def transport_for(config: MailConfig) -> Transport:
    """The transport the settings choose (no connection is made yet)."""
    return SendmailTransport(config) if config.via == "sendmail" else SmtpTransport(config)


def _reply(code: int, text: bytes | str) -> str:
    """An SMTP reply for a person: '550 no such mailbox' (cleaned, one line, cut)."""
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(clean(words).split())}"[:200]


class SmtpTransport:
    """SMTP through ``smtplib``: host, port, STARTTLS or TLS, and a login when configured."""

    def __init__(self, config: MailConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None
        self._broken: DeliveryError | None = None  # the way out is down: every message fails so

    def _where(self) -> str:
        return f"{self.config.host}:{self.config.port}"

    def _connect(self) -> smtplib.SMTP:
        if self._broken is not None:
            raise self._broken
        if self._smtp is not None:
            return self._smtp
        config = self.config
        try:
            password = config.password()  # before connecting: a missing password is the config's fault
        except ConfigError as exc:
            self._broken = DeliveryError(str(exc), everyone=True)
            raise self._broken from None
        try:
            if config.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    config.host, config.port, timeout=config.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
            smtp.ehlo_or_helo_if_needed()
            if config.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if config.user is not None and password is not None:
                smtp.login(config.user, password)
        except smtplib.SMTPAuthenticationError as exc:
            said = _reply(exc.smtp_code, exc.smtp_error)
            self._broken = DeliveryError(
                f"the mail server {self._where()} refused the login as {config.user}: {said}", everyone=True
            )
        except smtplib.SMTPNotSupportedError as exc:
            self._broken = DeliveryError(f"the mail server {self._where()} cannot do that: {clean(exc)}", everyone=True)
        except smtplib.SMTPResponseException as exc:
            self._broken = DeliveryError(
                f"the mail server {self._where()} refused the connection: {_reply(exc.smtp_code, exc.smtp_error)}",
                everyone=True,
            )
        except (ssl.SSLError, ssl.CertificateError) as exc:
            self._broken = DeliveryError(
                f"no secure connection to the mail server {self._where()}: {clean(exc)}", everyone=True
            )
        except (OSError, smtplib.SMTPException) as exc:
            reason = clean(getattr(exc, "strerror", None) or exc) or type(exc).__name__
            if isinstance(exc, socket.timeout | TimeoutError):
                reason = f"no answer in {config.timeout:g} s"
            self._broken = DeliveryError(f"cannot reach the mail server {self._where()} ({reason})", everyone=True)
        else:
            self._smtp = smtp
            return smtp
        raise self._broken

    def send(self, message: EmailMessage, recipient: str) -> None:
        """Send ``message`` to ``recipient`` only. Raises DeliveryError."""
        smtp = self._connect()
        sender = self.config.sender.addr_spec
        try:
            refused = smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (550, b"refused"))
            raise DeliveryError(f"the mail server refused {recipient}: {_reply(code, text)}") from None
        except smtplib.SMTPSenderRefused as exc:
            raise DeliveryError(
                f"the mail server refused the sender {sender}: {_reply(exc.smtp_code, exc.smtp_error)}", everyone=True
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"the mail server did not take it: {_reply(exc.smtp_code, exc.smtp_error)}") from None
        except (OSError, smtplib.SMTPException) as exc:  # the connection dropped: open it again next time
            self._drop()
            raise DeliveryError(
                f"the connection to {self._where()} broke ({clean(exc) or type(exc).__name__})"
            ) from None
        if refused:
            code, text = next(iter(refused.values()))
            raise DeliveryError(f"the mail server refused {recipient}: {_reply(code, text)}")

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.close()
            except OSError:
                pass

    def close(self) -> None:
        """Say QUIT and close the connection, if one is open (never raises)."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


class SendmailTransport:
    """The system's sendmail program (Postfix, Exim, msmtp and others provide one)."""

    def __init__(self, config: MailConfig) -> None:
        self.config = config
        self._broken: DeliveryError | None = None

    def send(self, message: EmailMessage, recipient: str) -> None:
        """Run ``command recipient`` with the message on standard input. Raises DeliveryError."""
        if self._broken is not None:
            raise self._broken
        command = [*self.config.command, recipient]
        data = message.as_bytes(policy=policy.SMTP.clone(linesep="\n"))  # a local program takes Unix line ends
        try:
            done = subprocess.run(
                command,
                input=data,
                capture_output=True,
                timeout=self.config.timeout,
                check=False,
                close_fds=True,
            )
        except FileNotFoundError:
            self._broken = DeliveryError(f"no sendmail program at {clean(command[0])}", everyone=True)
            raise self._broken from None
        except PermissionError:
            self._broken = DeliveryError(f"{clean(command[0])} may not be run (permission denied)", everyone=True)
            raise self._broken from None
        except subprocess.TimeoutExpired:
            raise DeliveryError(f"{clean(command[0])} did not finish in {self.config.timeout:g} s") from None
        except OSError as exc:
            self._broken = DeliveryError(f"cannot run {clean(command[0])} ({clean(exc.strerror)})", everyone=True)
            raise self._broken from None
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines() or [""]
            why = " ".join(clean(said[0]).split())[:200] or f"exit status {done.returncode}"
            raise DeliveryError(f"{clean(command[0])} did not take it: {why}")

    def close(self) -> None:
        """Nothing to close: each message is its own run of the program."""
