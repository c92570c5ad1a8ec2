"""Read a spreadsheet's work plan from a CSV file (``workplan import --format csv``).

The file is untrusted like everything else: at most 20 MB, in one of the encodings
spreadsheets write (``decode``): UTF-8 (with or without the byte-order mark Excel writes),
UTF-16 (Excel's "Unicode Text", tab-separated), Windows-1252 (Excel's CSV on Windows) or Mac
Roman (Excel for Mac's "CSV (Macintosh)"). Which one is known from the byte-order mark, from
UTF-8's own rules, or, between the two single-byte ones, from which reads as words; when that
cannot be told, the import is refused and ``--encoding`` names it: mojibake is never stored.
A comma, semicolon or tab between cells, whichever the header row uses most, or what Excel's
``sep=;`` first line says. Columns are found by their header (``HEADERS``: "Task", "Lead", "%
complete"... mean title, owner and progress), or named with ``--map "Task=title,Lead=owner"``.
A cell that a spreadsheet (or ``workplan export``) quoted with a leading ``'`` so that it
would not run as a formula gets it back as plain text (``exchange.cells``). Rows keep the
numbers a spreadsheet shows (the header is row 1), so every problem names the row a person
looks for.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from workplan_tui.exchange.cells import unquote
from workplan_tui.model.importing import FIELDS, Row
from workplan_tui.model.text import clean

MAX_BYTES = 20 * 1024 * 1024

# Header words (lower case, spaces for _ and -) -> the field they name.
HEADERS: dict[str, str] = {
    **dict.fromkeys(["id", "task id", "workplan id", "ref", "key"], "id"),
    **dict.fromkeys(["plan", "plan id"], "plan"),
    **dict.fromkeys(
        ["title", "task", "tasks", "task name", "name", "summary", "subject", "item", "activity", "action"], "title"
    ),
    **dict.fromkeys(
        ["owner", "lead", "assignee", "assigned to", "assigned", "responsible", "who", "person", "owner handle"],
        "owner",
    ),
    **dict.fromkeys(
        ["due", "due date", "deadline", "date due", "by when", "end", "end date", "finish", "target date", "due by"],
        "due",
    ),
    **dict.fromkeys(["start", "start date", "starts", "begin", "begins", "from"], "start"),
    **dict.fromkeys(["status", "state"], "status"),
    **dict.fromkeys(
        ["progress", "% complete", "percent complete", "complete", "% done", "done %", "percent", "%", "completion"],
        "progress",
    ),
    **dict.fromkeys(["notes", "note", "comments", "comment", "description", "details"], "notes"),
    **dict.fromkeys(["outcome", "linked outcome", "result", "goal", "outcome id"], "outcome"),
    **dict.fromkeys(["outcome name"], "outcome_name"),
    **dict.fromkeys(["blocked reason", "reason", "blocker", "why blocked", "blocked because"], "blocked_reason"),
    **dict.fromkeys(
        ["waits on", "depends on", "dependencies", "predecessors", "prerequisites", "after", "blocked by"], "waits_on"
    ),
}


class SheetError(ValueError):
    """A file that cannot be read as a work plan at all (one line says why)."""


@dataclass(slots=True)
class Sheet:
    rows: list[Row]
    columns: dict[str, str] = field(default_factory=dict)  # header as in the file -> field
    ignored: list[str] = field(default_factory=list)  # headers no field was found for
    encoding: str = "utf-8"  # how the file was read (a name of ENCODINGS)


# The encodings spreadsheets write, by the names --encoding takes -> Python's codec, and in words.
ENCODINGS = {"utf-8": "utf-8-sig", "utf-16": "utf-16", "cp1252": "cp1252", "mac-roman": "mac_roman"}
ENCODING_WORDS = {
    "utf-8": "UTF-8",
    "utf-16": "UTF-16 (Excel's Unicode Text)",
    "cp1252": "Windows-1252 (Excel's CSV on Windows)",
    "mac-roman": "Mac Roman (Excel for Mac's CSV (Macintosh))",
}
_ALIASES = {
    "utf8": "utf-8",
    "utf-8-sig": "utf-8",
    "utf16": "utf-16",
    "utf-16le": "utf-16",
    "utf-16be": "utf-16",
    "windows-1252": "cp1252",
    "win-1252": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "iso-8859-1": "cp1252",
    "macroman": "mac-roman",
    "mac-roman": "mac-roman",
    "macintosh": "mac-roman",
    "mac": "mac-roman",
}
CHOICES = ", ".join(ENCODINGS)


def encoding_named(typed: str) -> str:
    """The name of ``ENCODINGS`` that ``typed`` means (``UTF8``, ``windows-1252``, ``macintosh``);
    SheetError naming the choices for anything else."""
    name = typed.strip().lower().replace("_", "-")
    name = _ALIASES.get(name, name)
    if name not in ENCODINGS:
        raise SheetError(f"--encoding: {typed!r} is not one of {CHOICES}")
    return name


def normal(header: str) -> str:
    """A header as ``HEADERS`` spells it: lower case, one space for runs of spaces, _ and -."""
    text = clean(header).replace("_", " ").replace("-", " ").strip().strip(":").strip().lower()
    return " ".join(text.split())


def parse_map(text: str) -> dict[str, str]:
    """``"Task=title,Lead=owner"`` as {normal header: field}; SheetError for a pair that is not one."""
    mapping: dict[str, str] = {}
    for pair in text.split(","):
        if not pair.strip():
            continue
        header, sep, name = pair.partition("=")
        name = name.strip().lower().replace(" ", "_")
        if not sep or not header.strip() or name not in FIELDS:
            raise SheetError(f"--map: {pair.strip()!r} is not HEADER=FIELD with FIELD one of {', '.join(FIELDS)}")
        mapping[normal(header)] = name
    return mapping


def decode(payload: bytes, path: Path, encoding: str | None = None) -> tuple[str, str]:
    """The file's text and the name of the encoding it was read in (``ENCODINGS``).

    ``encoding`` as given (``encoding_named``), else: a byte-order mark (UTF-8, UTF-16), UTF-16
    without one (every other byte 0), valid UTF-8, else Windows-1252 or Mac Roman, whichever
    reads as words (``_plausible``). SheetError, naming ``--encoding`` and its choices, for
    bytes that are not in the encoding given, or when the two single-byte ones cannot be told
    apart: the import stores no mojibake."""
    if encoding is not None:
        name = encoding_named(encoding)
        try:
            return payload.decode(ENCODINGS[name]), name
        except UnicodeDecodeError as exc:
            raise SheetError(
                f"{path}: not {ENCODING_WORDS[name]} (byte {exc.start + 1} cannot be read so); "
                f"try another --encoding: {CHOICES}"
            ) from None
    if payload.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(payload, "utf-16", path), "utf-16"
    if payload.startswith(b"\xef\xbb\xbf"):
        return _strict(payload, "utf-8", path), "utf-8"
    head = payload[:4096]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):  # UTF-16 without its mark
        codec = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        try:
            return payload.decode(codec), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return payload.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    read = {}
    for name in ("cp1252", "mac-roman"):
        try:
            read[name] = payload.decode(ENCODINGS[name])
        except UnicodeDecodeError:
            continue
    scores = {name: _plausible(text) for name, text in read.items()}
    if b"\r" in payload and b"\n" not in payload and "mac-roman" in scores:  # classic Mac line ends
        scores["mac-roman"] += 3
    ranked = sorted(scores, key=lambda n: scores[n], reverse=True)
    if ranked and (len(ranked) == 1 or scores[ranked[0]] - scores[ranked[1]] >= 2) and scores[ranked[0]] > 0:
        return read[ranked[0]], ranked[0]
    raise SheetError(
        f"{path}: cannot tell which encoding the file is in (not UTF-8; Windows-1252 and Mac Roman both "
        f"read it); say which with --encoding {' or '.join(ENCODINGS)}"
    )


def _strict(payload: bytes, name: str, path: Path) -> str:
    try:
        return payload.decode(ENCODINGS[name])
    except UnicodeDecodeError as exc:
        raise SheetError(
            f"{path}: starts as {ENCODING_WORDS[name]} but byte {exc.start + 1} is not; say which with --encoding"
        ) from None


def _plausible(text: str) -> int:
    """How much ``text``'s letters beyond ASCII read as words: a letter inside a word counts for,
    a capital inside a lower-case word or a symbol between letters against. Windows-1252 text
    read as Mac Roman (and back) scores low: 'Caf‡', 'CafŽ', 'Espa–a'."""
    score = 0
    for i, ch in enumerate(text):
        if ord(ch) < 0x80:
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        inside = before.isalpha() and after.isalpha()
        if ch.isalpha():
            if ch.islower() and (before.isalpha() or after.islower()):
                score += 2
            elif ch.isupper() and (after.islower() and not before.isalpha()):
                score += 1  # a word's capital: Élagage
            elif ch.isupper() and before.islower():
                score -= 3  # CafŽ
        elif ch in "’‘" and inside:
            score += 3  # don’t: the commonest letter beyond ASCII in text from Windows
        elif ch in "“”–—…€•’‘" and not inside:
            score += 1
        else:
            score -= 3 if inside else 1  # Caf‡, Espa–a; a symbol alone
    return score


_QUOTED = re.compile(r'"[^"]*"')


def _delimiter(first_line: str) -> str:
    """The separator the header row uses most: comma, semicolon or tab (quoted text aside)."""
    bare = _QUOTED.sub("", first_line)
    counts = {d: bare.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


_SEP_LINE = re.compile(r"\A\ufeff?\s*sep=(.)[ \t]*(?:\r\n|\n|\r|\Z)", re.IGNORECASE)


def read(path: Path, mapping: str | None = None, encoding: str | None = None) -> Sheet:
    """The rows of a CSV file, their cells by field (``encoding``: as ``decode`` takes it, None
    to tell from the file). Raises SheetError (or OSError)."""
    wanted = parse_map(mapping) if mapping else {}
    with open(path, "rb") as handle:
        payload = handle.read(MAX_BYTES + 1)
    if len(payload) > MAX_BYTES:
        raise SheetError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB; split it")
    text, used = decode(payload, path, encoding)
    text = text.replace("\x00", "")
    if "\n" not in text:  # a classic Mac file ends its lines with CR alone
        text = text.replace("\r", "\n")
    separator = None
    sep = _SEP_LINE.match(text)  # Excel's "sep=;" first line names the separator; it is not a row
    if sep:
        separator, text = sep.group(1), text[sep.end() :]
    if not text.strip():
        raise SheetError(f"{path}: the file is empty")
    lines = text.lstrip("\r\n").split("\n", 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator or _delimiter(lines[0]))
    try:
        records = list(reader)
    except csv.Error as exc:
        raise SheetError(f"{path}: not a CSV file this can read (line {reader.line_num}: {exc})") from None
    number, header = next(((i + 1, r) for i, r in enumerate(records) if any(c.strip() for c in r)), (0, []))
    if not header:
        raise SheetError(f"{path}: no header row")
    columns: dict[int, str] = {}
    named: dict[str, str] = {}  # field -> header
    ignored: list[str] = []
    for index, raw in enumerate(header):
        key = normal(unquote(raw))
        name = wanted.get(key) or (HEADERS.get(key) if key not in wanted else None)
        shown = clean(raw.strip()) or f"column {index + 1}"
        if name is None:
            if shown.strip():
                ignored.append(shown)
            continue
        if name in named:
            raise SheetError(
                f"{path}: columns {named[name]!r} and {shown!r} are both the {name}; "
                f'say which with --map "{shown}=FIELD" (or remove one)'
            )
        columns[index] = name
        named[name] = shown
    missing = set(wanted) - {normal(h) for h in header}
    if missing:
        found = ", ".join(repr(clean(h.strip())) for h in header if h.strip())
        raise SheetError(f"--map: no column {sorted(missing)[0]!r} in {path} (columns: {found})")
    if "title" not in named:
        found = ", ".join(repr(clean(h.strip())) for h in header if h.strip()) or "none"
        raise SheetError(
            f'{path}: no column for the task\'s title (columns: {found}); name one with --map "HEADER=title"'
        )
    rows = []
    for offset, record in enumerate(records[number:], number + 1):
        if not any(cell.strip() for cell in record):
            continue
        cells = {name: unquote(record[i].strip()) if i < len(record) else "" for i, name in columns.items()}
        rows.append(Row(offset, cells, named))
    return Sheet(rows, {header: name for name, header in named.items()}, ignored, used)
