"""Amounts as people type them, the partnership's currency, and grant match rates (pure).

People type money the way their spreadsheet or their bank shows it: ``$10,000``,
``10 000``, ``10'000``, ``1.5k``, ``2m``, ``EUR 250``. In-kind contributions are valued
as hours at a rate: ``200h @ $25``, ``200 hours x 25``. A grant's required match is a
ratio of match to grant (``1:1``, ``1:2``) or a share of it (``25%``).

What is refused, with a hint, rather than guessed: a comma that is not between
thousands (``10,5``: the decimal comma of half the partners), a point followed by
exactly three digits (``1.500``: a thousands point in much of Europe), negative
amounts, a symbol of another currency than the partnership's, and numbers written
with other scripts' digits.
"""

from __future__ import annotations

import re

from workplan_tui.model.text import LazyPattern

# The most common currencies, by ISO 4217 code, with the symbol shown before an amount.
# Any other three-letter code is shown after the amount ("10,000 CHF").
SYMBOLS: dict[str, str] = {
    "USD": "$",
    "CAD": "$",
    "AUD": "$",
    "NZD": "$",
    "MXN": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "¥",
    "INR": "₹",
    "KRW": "₩",
    "NGN": "₦",
    "PHP": "₱",
    "ILS": "₪",
}
_ALL_SYMBOLS = "".join(sorted(set(SYMBOLS.values())))
CURRENCY = LazyPattern(r"[A-Z]{3}\Z")
# The largest amount the file takes (schema.MAX_NUMBER): sums of them stay finite.
MAX_AMOUNT = 1e15
MAX_MATCH = 100.0  # a match of 100 times the grant (10,000 %) at most

_SCALE = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9}
# Spaces (plain, no-break, thin, narrow no-break), apostrophes and underscores between digit groups.
_GROUP_SEPARATORS = LazyPattern(r"(?<=[0-9])[ \u00a0\u2009\u202f'’_](?=[0-9])")
_NUMBER = LazyPattern(r"([0-9]+(?:,[0-9]+)*)(?:\.([0-9]+))?\Z")
_HOURS_WORDS = ("h", "hr", "hrs", "hour", "hours")
_IN_KIND = LazyPattern(
    r"(?P<hours>[0-9][0-9,.\s'’_]*[kK]?)\s*(?:h|hr|hrs|hours?)\.?\s*(?:@|x|×|\*|at)\s*(?P<rate>.+?)"
    r"\s*(?:/\s*(?:h|hr|hour))?\Z",
    re.IGNORECASE,
)
_HOURS_ONLY = LazyPattern(r"(?P<hours>[0-9][0-9,.\s'’_]*[kK]?)\s*(?:h|hr|hrs|hours?)\.?\Z", re.IGNORECASE)
_RATIO = LazyPattern(r"([0-9]+(?:\.[0-9]+)?)\s*:\s*([0-9]+(?:\.[0-9]+)?)\Z")
_PERCENT = LazyPattern(r"([0-9]+(?:\.[0-9]+)?)\s*%\Z")


class MoneyError(ValueError):
    """Text that is not an amount (or a match rate) this module reads; the message says why."""


def check_currency(code: str) -> str:
    """A currency code as stored (``usd`` -> ``USD``); MoneyError for anything but three letters."""
    typed = code.strip().upper()
    if not typed.isascii() or not CURRENCY.match(typed):
        raise MoneyError(f"currency {code.strip()!r} must be a three-letter code such as USD, EUR or GBP")
    return typed


def symbol(currency: str | None) -> str:
    """The symbol shown before amounts of ``currency`` ('' for none or an unlisted one)."""
    return SYMBOLS.get(currency or "", "")


def plain(value: float) -> str:
    """10,000 or 1,250.5: thousands with commas, decimals only when there are some."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_money(value: float | None, currency: str | None) -> str:
    """``$10,000`` (a listed currency), ``10,000 CHF`` (another), ``10,000`` (none set); '-' for None."""
    if value is None:
        return "-"
    sign = "-" if value < 0 else ""
    cents = round(abs(value), 2)
    text = f"{int(cents):,}" if float(cents).is_integer() else f"{cents:,.2f}"
    mark = symbol(currency)
    if mark:
        return f"{sign}{mark}{text}"
    return f"{sign}{text} {currency}" if currency else f"{sign}{text}"


def _strip_currency(text: str, currency: str | None) -> str:
    """``text`` without one leading or trailing symbol or code; MoneyError for another currency's."""
    s = text.strip()
    found = None
    if s[:1] and s[:1] in _ALL_SYMBOLS:
        found, s = s[:1], s[1:].strip()
    elif s[-1:] and s[-1:] in _ALL_SYMBOLS:
        found, s = s[-1:], s[:-1].strip()
    else:
        head, tail = s[:3].upper(), s[-3:].upper()
        if len(s) > 3 and CURRENCY.match(head) and head.isascii() and not s[3:4].isalpha():
            found, s = head, s[3:].strip()
        elif len(s) > 3 and CURRENCY.match(tail) and tail.isascii() and not s[-4:-3].isalpha():
            found, s = tail, s[:-3].strip()
    if found is None or currency is None:
        return s
    ok = found == currency if len(found) == 3 else found == symbol(currency)
    if not ok:
        theirs = f"{symbol(currency)} ({currency})" if symbol(currency) else currency
        raise MoneyError(f"{text.strip()!r} is in {found}, but the partnership counts in {theirs}")
    return s


def parse_amount(text: str, currency: str | None = None, *, what: str = "amount") -> float:
    """An amount people typed (``$10,000``, ``10 000``, ``1.5k``, ``USD 250``) as a number.

    ``currency`` (the partnership's, if set) is the only one whose symbol or code is
    accepted. Raises MoneyError with a hint for anything else.
    """
    s = _strip_currency(text, currency)
    if not s:
        raise MoneyError(f"{what} is empty; type e.g. 10000, $10,000 or 1.5k")
    if s.startswith("-"):
        raise MoneyError(f"{what} {text.strip()!r} must not be negative")
    s = _GROUP_SEPARATORS.sub("", s)
    scale = 1.0
    lowered = s.lower()
    for suffix in sorted(_SCALE, key=len, reverse=True):
        if lowered.endswith(suffix) and lowered[: -len(suffix)].rstrip()[-1:].isdigit():
            scale, s = _SCALE[suffix], s[: -len(suffix)].rstrip()
            break
    match = _NUMBER.match(s) if s.isascii() else None
    if match is None:
        raise MoneyError(f"{what} {text.strip()!r} is not an amount; type e.g. 10000, $10,000, 10 000 or 1.5k")
    whole, decimals = match.group(1), match.group(2)
    groups = whole.split(",")
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise MoneyError(
            f"{what} {text.strip()!r}: use a point for decimals (10.5) and commas only between thousands (10,000)"
        )
    if decimals is not None and len(decimals) == 3 and scale == 1.0 and len(groups) == 1:
        raise MoneyError(
            f"{what} {text.strip()!r} is ambiguous (a thousands point?): write {whole}{decimals} or "
            f"{whole}.{decimals.rstrip('0') or '0'}"
        )
    value = float("".join(groups) + (f".{decimals}" if decimals else "")) * scale
    if value > MAX_AMOUNT:
        raise MoneyError(f"{what} {text.strip()!r} is too large (at most {MAX_AMOUNT:,.0f})")
    return whole_if_whole(value)


def whole_if_whole(value: float) -> float:
    """1500.0 -> 1500 (an int), as the file stores whole numbers; anything else rounded to cents."""
    rounded = round(value, 2)
    return int(rounded) if float(rounded).is_integer() and abs(rounded) < 2**53 else rounded


class Value:
    """What a pledge is worth: an amount, or hours at a rate (in-kind), or unknown (not valued)."""

    __slots__ = ("amount", "hours", "rate")

    def __init__(self, amount: float | None = None, hours: float | None = None, rate: float | None = None):
        self.amount, self.hours, self.rate = amount, hours, rate

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Value):
            return NotImplemented
        return (self.amount, self.hours, self.rate) == (other.amount, other.hours, other.rate)

    def __repr__(self) -> str:
        return f"Value(amount={self.amount!r}, hours={self.hours!r}, rate={self.rate!r})"

    __hash__ = None  # type: ignore[assignment]


def parse_value(text: str, currency: str | None = None) -> Value:
    """A pledge as typed: money (``$18,000``), hours at a rate (``200h @ $25``) or nothing ('')."""
    s = text.strip()
    if not s or s.lower() in ("-", "none", "not valued"):
        return Value()
    in_kind = _IN_KIND.match(s)
    if in_kind:
        hours = parse_amount(in_kind.group("hours"), what="hours")
        rate = parse_amount(in_kind.group("rate"), currency, what="rate")
        return Value(hours=hours, rate=rate)
    if _HOURS_ONLY.match(s):
        raise MoneyError(f"{s!r}: say what an hour is worth, e.g. '{s} @ 25', or give an amount")
    return Value(amount=parse_amount(s, currency))


def parse_delivery(text: str, currency: str | None, rate: float | None) -> tuple[float, float | None]:
    """A delivery as typed: money (``$2,500``), or hours (``40h``) valued at the pledge's ``rate``.

    Returns (amount, hours or None).
    """
    s = text.strip()
    hours = _HOURS_ONLY.match(s)
    if hours:
        count = parse_amount(hours.group("hours"), what="hours")
        if rate is None:
            raise MoneyError(f"{s!r}: this pledge has no hourly rate; give the amount delivered instead")
        return whole_if_whole(count * rate), count
    return parse_amount(s, currency), None


def value_text(amount: float | None, hours: float | None, rate: float | None, currency: str | None) -> str:
    """A pledge's value for a person: '$18,000', '200 h @ $25', or '' when it is not valued."""
    if amount is not None:
        return format_money(amount, currency)
    if hours is not None and rate is not None:
        return f"{plain(hours)} h @ {format_money(rate, currency)}"
    return ""


# --- grant match ------------------------------------------------------------------------


def parse_match(text: str) -> tuple[str, float]:
    """A required match as typed, normalised, with its rate as a fraction of the grant:
    ``1:1`` -> ("1:1", 1.0) (one of match for one of grant), ``1:2`` -> 0.5, ``25%`` -> 0.25,
    ``none`` -> ("0%", 0.0). Raises MoneyError otherwise."""
    s = " ".join(text.strip().lower().split())
    if s in ("none", "no match", "0", "-"):
        return "0%", 0.0
    ratio = _RATIO.match(s) if s.isascii() else None
    if ratio:
        match, grant = float(ratio.group(1)), float(ratio.group(2))
        if grant == 0:
            raise MoneyError(f"match {text.strip()!r}: the grant side of the ratio must not be 0")
        rate = match / grant
        normal = f"{plain(match)}:{plain(grant)}"
    else:
        percent = _PERCENT.match(s) if s.isascii() else None
        if percent is None:
            raise MoneyError(
                f"match {text.strip()!r} is not a match rate: write a ratio of match to grant (1:1, 1:2) "
                "or a share of the grant (25%)"
            )
        rate = float(percent.group(1)) / 100
        normal = f"{plain(float(percent.group(1)))}%"
    if rate > MAX_MATCH:
        raise MoneyError(f"match {text.strip()!r} is more than {MAX_MATCH:.0f} times the grant")
    return normal, rate


def match_rate(stored: str) -> float:
    """The rate of a stored match (``"1:1"`` -> 1.0); 0.0 for text that does not read as one
    (the schema refuses such a file, so only a caller that skipped the checks sees it)."""
    try:
        return parse_match(stored)[1]
    except MoneyError:
        return 0.0


def match_problem(value: object) -> str | None:
    """What is wrong with a stored match (schema check), or None."""
    if not isinstance(value, str) or len(value) > 20:
        return f"must be a match rate such as 1:1 or 25% (found {value!r:.40})"
    try:
        parse_match(value)
    except MoneyError:
        return f"must be a match rate such as 1:1 or 25% (found {value!r:.40})"
    return None
