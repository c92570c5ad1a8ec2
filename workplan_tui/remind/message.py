"""One member's digest as a plain-text mail: headers that are safe, a body every client shows.

Everything that comes from the shared file is untrusted (PRODUCT.md): a title may hold a
newline, ESC or a bidi override. None of it reaches a header but the member's name (cleaned,
on one line, in an ``Address`` that the email package quotes and encodes) and the
partnership's name in the subject (cleaned, one line); the address itself must be one plain
mailbox (``digest.valid_email``). A line break in a header is what header injection needs, and
none is left to inject. The body is text/plain UTF-8, quoted-printable on the wire (7-bit safe,
and legible in the raw), each stored text cleaned to one line.

Headers (RFC 5322, 2369, 2919, 3834): ``From``, ``To``, ``Subject``, ``Date``, ``Message-ID``,
``List-Id`` (filters can sort the digests), ``List-Unsubscribe`` (the config's address; a
mailto to the sender by default, since there is no web page to unsubscribe on) and
``Auto-Submitted: auto-generated`` (no vacation replies to a robot). The last lines of the body
say how to stop in words: the command that sets the preference to off.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import NamedTuple
from urllib.parse import quote

from workplan_tui.model import digest
from workplan_tui.model.dates import short_date
from workplan_tui.model.text import clean
from workplan_tui.remind.config import MailConfig

WIDTH = 76  # body lines are wrapped to this many characters
TITLE = 60  # a record's title is cut to this many characters on its line


class Recipient(NamedTuple):
    """Who a digest is for: ``handle``, display ``name``, ``email`` (None: no address), and
    ``preference`` (``daily``, ``weekly:fri``, ``off``)."""

    handle: str
    name: str
    email: str | None
    preference: str


def subject(partnership: str, items: Sequence[digest.Item]) -> str:
    """'[Eastside Food Access] 1 task ready to start, 2 overdue, 1 vote to cast' (what the digest
    asks, in counts: ``Kind.words_of``)."""
    counted = (digest.KIND_NAMED[name].words_of(n) for name, n in digest.counts(items).items())
    parts = [words for words in counted if words is not None]
    what = ", ".join(parts) or "your digest"
    return f"[{_one_line(partnership, 80)}] {what}"


def body(
    partnership: str,
    who: Recipient,
    items: Sequence[digest.Item],
    *,
    today: date,
    since: datetime | None,
    board: str,
    stop: str,
) -> str:
    """The digest as text: a line naming it, a section per kind (heading and count), each item
    as its record and title, then its details; how to open the board and how to stop.

    ``board`` is the command that opens the board, ``stop`` the one that turns digests off.
    """
    lines = [
        _one_line(f"{partnership} · digest for {who.name} ({who.handle}) · {today:%a} {today.day} {today:%b %Y}"),
    ]
    by_kind: dict[str, list[digest.Item]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    for kind in digest.KINDS:
        found = by_kind.pop(kind.name, [])
        if found:
            heading = kind.heading
            if kind.name == "changed" and since is not None:
                local = since.astimezone()
                heading += f" since {short_date(local.date(), today=today)} {local:%H:%M}"
            lines += ["", f"{heading} ({len(found)})"]
            lines += [line for item in found for line in _item_lines(item)]
    for name, found in by_kind.items():  # a kind this version has no heading for
        lines += ["", f"{_one_line(name, 40)} ({len(found)})"]
        lines += [line for item in found for line in _item_lines(item)]
    lines += [
        "",
        "-- ",
        *textwrap.wrap(f"Open the board: {board}", WIDTH, break_on_hyphens=False, break_long_words=False),
        *textwrap.wrap(
            f"You get this digest {digest.preference_words(who.preference)}. To stop it: {stop} (or ask a lead).",
            WIDTH,
            break_on_hyphens=False,
            break_long_words=False,
        ),
    ]
    return "\n".join(lines) + "\n"


def _item_lines(item: digest.Item) -> list[str]:
    head = f"  {_one_line(item.record, 12)}  {_one_line(item.title, TITLE)}"
    rest = [_one_line(item.detail, 2000)] + ([_one_line(item.action, 200)] if item.action else [])
    out = [head]
    for text in rest:
        out += textwrap.wrap(text, WIDTH, initial_indent="      ", subsequent_indent="      ", break_on_hyphens=False)
    return out


def _one_line(text: object, limit: int = 200) -> str:
    """Stored text for one line of mail: control characters replaced, spaces collapsed, cut."""
    s = " ".join(clean(text).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def compose(
    config: MailConfig,
    partnership: str,
    who: Recipient,
    items: Sequence[digest.Item],
    *,
    now: datetime,
    today: date,
    since: datetime | None,
    board: str,
    stop: str,
    readable: bool = False,
) -> EmailMessage:
    """The mail for ``who`` (who must have a valid address: ValueError otherwise).

    ``readable``: the body in 8-bit UTF-8 instead of quoted-printable, for a person to read
    (``--dry-run``); what is sent and ``--print`` use quoted-printable.
    """
    if who.email is None or not digest.valid_email(who.email):
        raise ValueError(f"{clean(who.handle)} has no address workplan can send to")
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = config.sender
    message["To"] = Address(_one_line(who.name, 100), addr_spec=who.email)
    message["Subject"] = subject(partnership, items)
    message["Date"] = format_datetime(now)
    domain = config.sender.domain or "localhost"
    message["Message-ID"] = make_msgid("wp", domain=domain)
    message["List-Id"] = f"{_one_line(partnership, 80)} <{_list_id(partnership)}.workplan.{domain}>"
    message["List-Unsubscribe"] = f"<{_unsubscribe(config.unsubscribe, who.handle)}>"
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    text = body(partnership, who, items, today=today, since=since, board=board, stop=stop)
    message.set_content(text, charset="utf-8", cte="8bit" if readable else "quoted-printable")
    return message


def _list_id(name: str) -> str:
    """A partnership's name as a List-Id label: 'eastside-food-access' (ASCII letters, digits, '-')."""
    words = "".join(c.lower() if c.isascii() and c.isalnum() else " " for c in name).split()
    return "-".join(words)[:60].strip("-") or "partnership"


def _unsubscribe(uri: str, handle: str) -> str:
    """The List-Unsubscribe URI; a mailto gets a subject naming the member, unless it has one."""
    if uri.startswith("mailto:") and "subject=" not in uri:
        return f"{uri}{'&' if '?' in uri else '?'}subject={quote(f'stop workplan digests for {handle}')}"
    return uri


def as_mbox(messages: Sequence[EmailMessage], *, readable: bool) -> str:
    """Messages one after another in mbox form (a ``From `` line before each; lines that begin
    with ``From `` in a body quoted as ``>From ``), which mail tools and Python's ``mailbox`` split.
    ``readable`` shows headers in UTF-8 rather than encoded words."""
    from email.generator import BytesGenerator
    from io import BytesIO

    out = BytesIO()
    shown = policy.default.clone(utf8=readable, linesep="\n")
    for message in messages:
        sender = message["From"].addresses[0].addr_spec if message["From"] else "workplan"
        out.write(f"From {sender} {_asctime(message)}\n".encode())
        BytesGenerator(out, mangle_from_=True, policy=shown).flatten(message)
        out.write(b"\n")
    return out.getvalue().decode("utf-8", "replace")


def _asctime(message: EmailMessage) -> str:
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(str(message["Date"])).strftime("%a %b %d %H:%M:%S %Y")
