"""How digests leave this machine: the administrator's mail settings, never the shared file's.

The partnership file says only who wants what (an address and a preference per member). How
mail is sent is the business of whoever runs ``workplan remind`` (usually from cron), so it is
read from a TOML file of theirs, ``mail.toml`` in their workplan config folder
(``$WORKPLAN_CONFIG_DIR``, else the platform's, e.g. ``~/.config/workplan/``), or the file
``$WORKPLAN_MAIL_CONFIG`` names. Without one, mail goes to the system's ``sendmail`` program
when there is one, else to an SMTP server on this machine's port 25, without a login.

Why not beside the data file: every member of the group can write there. A mail setting
anyone can change would let them send the digests (and the SMTP password with them) to a
server of theirs, or point ``password_file`` at a key of the administrator's. For the same
reason a config file that others may write is refused, and so is a password file that others
may read. The password is never in the config itself nor on a command line (``ps`` shows
those to everyone): it comes from ``password_file`` or an environment variable
(``$WORKPLAN_SMTP_PASSWORD``, or the one ``password_env`` names).
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import tomllib
from email.errors import HeaderParseError
from email.headerregistry import Address
from pathlib import Path
from typing import Any, NamedTuple

from workplan_tui.model.text import clean

CONFIG_VARIABLE = "WORKPLAN_MAIL_CONFIG"
PASSWORD_VARIABLE = "WORKPLAN_SMTP_PASSWORD"
SENDMAIL_PLACES = ("/usr/sbin/sendmail", "/usr/lib/sendmail")
SECURITY = ("starttls", "tls", "none")
_LIMIT = 64 * 1024  # a config or password file larger than this is not one


class ConfigError(Exception):
    """The mail settings cannot be used (one line naming the file and the setting)."""


class MailConfig(NamedTuple):
    """The mail settings of one run.

    ``via``: ``smtp`` or ``sendmail``. ``sender``: the From address (an ``Address``).
    ``unsubscribe``: the List-Unsubscribe URI (``mailto:`` or ``https:``), default a mail to
    the sender. SMTP: ``host``, ``port``, ``security`` (``starttls``, ``tls``, ``none``),
    ``user`` (None: no login), where the password comes from (``password_file`` or the
    environment variable ``password_env``), ``timeout`` in seconds (connecting, each reply).
    Sendmail: ``command``, the program and its options (the recipient is added after them).
    ``source``: the file these came from, or None for the defaults.
    """

    via: str
    sender: Address
    unsubscribe: str
    host: str = "localhost"
    port: int = 25
    security: str = "none"
    user: str | None = None
    password_file: Path | None = None
    password_env: str = PASSWORD_VARIABLE
    timeout: float = 30.0
    command: tuple[str, ...] = ()
    source: Path | None = None

    def password(self) -> str | None:
        """The SMTP password, from ``password_file`` or ``$password_env``; None without a user.

        Raises ConfigError when a user is set and neither gives one, when the file cannot be
        read, or when others may read it (``chmod 600``).
        """
        if self.user is None:
            return None
        if self.password_file is not None:
            return _read_secret(self.password_file)
        value = os.environ.get(self.password_env, "")
        if not value:
            raise ConfigError(
                f"{_where(self)}: smtp.user is set but there is no password: set smtp.password_file, "
                f"or the environment variable {self.password_env}"
            )
        return value

    def describe(self) -> str:
        """'SMTP mail.example.org:587 (STARTTLS, as workplan)', 'sendmail (/usr/sbin/sendmail -oi)'."""
        if self.via == "sendmail":
            return f"sendmail ({' '.join(self.command)})"
        login = f", as {self.user}" if self.user else ""
        security = {"starttls": "STARTTLS", "tls": "TLS", "none": "unencrypted"}[self.security]
        return f"SMTP {self.host}:{self.port} ({security}{login})"


def config_dir() -> Path:
    """``$WORKPLAN_CONFIG_DIR``, else the platform's per-user config folder (as the board's themes)."""
    override = os.environ.get("WORKPLAN_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("workplan", appauthor=False))


def config_path() -> Path:
    """Where the mail settings are read from: ``$WORKPLAN_MAIL_CONFIG``, else ``mail.toml`` in ``config_dir``."""
    named = os.environ.get(CONFIG_VARIABLE, "").strip()
    return Path(named).expanduser() if named else config_dir() / "mail.toml"


_TOP = {"from", "via", "unsubscribe", "smtp", "sendmail"}
_SMTP = {"host", "port", "security", "user", "password_file", "password_env", "timeout"}
_SENDMAIL = {"command"}


def load(path: Path | None = None) -> MailConfig:
    """The mail settings from ``path`` (default ``config_path()``), or the defaults when the
    default file does not exist. A file named by ``$WORKPLAN_MAIL_CONFIG`` or ``path`` must exist.

    Raises ConfigError (one line naming the file and the setting): not TOML, an unknown or
    mistyped setting, a password in the file, a file others may write.
    """
    named = path is not None or bool(os.environ.get(CONFIG_VARIABLE, "").strip())
    path = path if path is not None else config_path()
    raw = _read_config(path, must_exist=named)
    if raw is None:
        return defaults()
    try:
        return _from_table(raw, path)
    except ConfigError:
        raise
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: {clean(exc)}") from None


def defaults() -> MailConfig:
    """No config file: the system's sendmail if there is one, else SMTP on localhost:25."""
    sender = _default_sender()
    found = next((place for place in SENDMAIL_PLACES if os.access(place, os.X_OK)), None) or shutil.which("sendmail")
    if found:
        return MailConfig("sendmail", sender, _mailto(sender), command=(found, "-oi"))
    return MailConfig("smtp", sender, _mailto(sender))


def _default_sender() -> Address:
    from workplan_tui.store.storage import os_login

    host = socket.gethostname() or "localhost"
    return Address("workplan", addr_spec=f"{os_login()}@{host if '.' in host else host + '.localdomain'}")


def _mailto(sender: Address) -> str:
    return f"mailto:{sender.addr_spec}"


def _read_private(path: Path, what: str, others: int, fix: str) -> bytes:
    """At most ``_LIMIT`` + 1 bytes of the regular file ``path`` (``what`` it is, for the
    errors), refused when its mode has any of the ``others`` bits (``fix`` says how to mend it).
    Raises ConfigError (FileNotFoundError when it does not exist)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what} ({clean(exc.strerror)})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ConfigError(f"{path}: {what} is not a regular file")
        if st.st_mode & others:
            raise ConfigError(f"{path}: {fix}")
        return os.read(fd, _LIMIT + 1)
    finally:
        os.close(fd)


def _read_config(path: Path, *, must_exist: bool) -> dict[str, Any] | None:
    try:
        data = _read_private(
            path,
            "the mail settings",
            stat.S_IWGRP | stat.S_IWOTH,
            f"others may change it, and so where mail goes and what password is sent; chmod go-w {path}",
        )
    except FileNotFoundError:
        if must_exist:
            raise ConfigError(f"{path}: no mail settings here (see 'workplan remind --help')") from None
        return None
    if len(data) > _LIMIT:
        raise ConfigError(f"{path}: larger than {_LIMIT // 1024} KB; not a mail config")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not TOML ({clean(exc)})") from None


def _from_table(raw: dict[str, Any], path: Path) -> MailConfig:
    def bad(setting: str, wanted: str, value: object) -> ConfigError:
        return ConfigError(f"{path}: {setting} must be {wanted} (found {clean(repr(value))[:60]})")

    _known(raw, _TOP, "", path)
    smtp = raw.get("smtp", {})
    sendmail = raw.get("sendmail", {})
    for name, table in (("smtp", smtp), ("sendmail", sendmail)):
        if not isinstance(table, dict):
            raise bad(name, "a table ([smtp])", table)
    _known(smtp, _SMTP, "smtp.", path)
    _known(sendmail, _SENDMAIL, "sendmail.", path)

    sender = _address(raw.get("from"), path) if "from" in raw else _default_sender()
    via = raw.get("via", "smtp" if smtp else "sendmail" if sendmail else defaults().via)
    if via not in ("smtp", "sendmail"):
        raise bad("via", '"smtp" or "sendmail"', via)
    unsubscribe = raw.get("unsubscribe", _mailto(sender))
    if not isinstance(unsubscribe, str) or not unsubscribe.startswith(("mailto:", "https:")):
        raise bad("unsubscribe", "a mailto: or https: address", unsubscribe)
    if any(c in unsubscribe for c in "<>\r\n ,") or len(unsubscribe) > 500:
        raise bad("unsubscribe", "one address without spaces, commas or angle brackets", unsubscribe)

    host = smtp.get("host", "localhost")
    if not isinstance(host, str) or not host or any(c.isspace() for c in host):
        raise bad("smtp.host", "a host name", host)
    security = smtp.get("security", "none")
    if security not in SECURITY:
        raise bad("smtp.security", '"starttls", "tls" or "none"', security)
    port = smtp.get("port", 465 if security == "tls" else 587 if security == "starttls" else 25)
    if type(port) is not int or not 0 < port < 65536:
        raise bad("smtp.port", "a port number", port)
    user = smtp.get("user")
    if user is not None and (not isinstance(user, str) or not user):
        raise bad("smtp.user", "a user name", user)
    password_file = smtp.get("password_file")
    if password_file is not None and (not isinstance(password_file, str) or not password_file):
        raise bad("smtp.password_file", "a path", password_file)
    password_env = smtp.get("password_env", PASSWORD_VARIABLE)
    if not isinstance(password_env, str) or not password_env.replace("_", "a").isalnum():
        raise bad("smtp.password_env", "the name of an environment variable", password_env)
    timeout = smtp.get("timeout", 30)
    if type(timeout) not in (int, float) or not 0 < timeout <= 600:
        raise bad("smtp.timeout", "a number of seconds from 1 to 600", timeout)
    if user is not None and security == "none" and not _loopback(host):
        raise ConfigError(
            f'{path}: smtp.user is set but smtp.security is "none": the password would cross the network '
            'unencrypted; set security = "starttls" (port 587) or "tls" (port 465)'
        )

    command = sendmail.get("command")
    if command is None:
        found = next((p for p in SENDMAIL_PLACES if os.access(p, os.X_OK)), None) or "/usr/sbin/sendmail"
        words: tuple[str, ...] = (found, "-oi")
    elif isinstance(command, str) and command.strip():
        import shlex

        words = tuple(shlex.split(command))
    elif isinstance(command, list) and command and all(isinstance(w, str) and w for w in command):
        words = tuple(command)
    else:
        raise bad("sendmail.command", 'a program and its options, "/usr/sbin/sendmail -oi"', command)

    return MailConfig(
        via,
        sender,
        unsubscribe,
        host=host,
        port=port,
        security=security,
        user=user,
        password_file=Path(password_file).expanduser() if password_file else None,
        password_env=password_env,
        timeout=float(timeout),
        command=words,
        source=path,
    )


def _known(table: dict[str, Any], known: set[str], prefix: str, path: Path) -> None:
    if "password" in table:
        raise ConfigError(
            f"{path}: {prefix}password: a password is never kept in the config; "
            f"use smtp.password_file (a file only you may read) or ${PASSWORD_VARIABLE}"
        )
    unknown = sorted(set(table) - known)
    if unknown:
        names = ", ".join(prefix + k for k in sorted(known))
        raise ConfigError(f"{path}: unknown setting {prefix}{clean(unknown[0])[:40]} (known: {names})")


def _address(value: object, path: Path) -> Address:
    """The From setting, ``Name <addr@host>`` or ``addr@host``, as one Address."""
    if not isinstance(value, str) or not value.strip() or any(c in value for c in "\r\n"):
        raise ConfigError(f'{path}: from must be an address such as "Eastside workplan <workplan@example.org>"')
    from email.headerregistry import HeaderRegistry

    try:
        header = HeaderRegistry()("from", value.strip())
        addresses = header.addresses  # type: ignore[attr-defined]
    except (HeaderParseError, IndexError, ValueError):
        addresses = ()
    if len(addresses) != 1 or not valid_address(addresses[0].addr_spec) or header.defects:  # type: ignore[attr-defined]
        raise ConfigError(f'{path}: from must be one address such as "Eastside workplan <workplan@example.org>"')
    return Address(addresses[0].display_name, addr_spec=addresses[0].addr_spec)


def _loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def _read_secret(path: Path) -> str:
    try:
        data = _read_private(
            path,
            "the SMTP password file",
            stat.S_IRWXG | stat.S_IRWXO,
            f"others may read the SMTP password file; chmod 600 {path}",
        )
    except FileNotFoundError:
        raise ConfigError(f"{path}: cannot read the SMTP password file (no such file)") from None
    lines = data.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0].strip() or len(data) > _LIMIT:
        raise ConfigError(f"{path}: the SMTP password file holds no password on its first line")
    return lines[0].strip()


def _where(config: MailConfig) -> str:
    return str(config.source) if config.source else "the mail settings"


# An address workplan sends to: ASCII, one mailbox, nothing a header or a command line could
# take for more (no spaces, commas, quotes, angle brackets, line breaks; not starting with '-').
# The shared file's own check uses the same rule (model: members' email).
def valid_address(text: str) -> bool:
    """Whether ``text`` is one plain address workplan will send to (see ``model.digest``)."""
    from workplan_tui.model.digest import valid_email

    return valid_email(text)
