"""Read a spreadsheet's work plan from a CSV file (``workplan import --format csv``).

The file is untrusted like everything else: at most 20 MB; UTF-8 (with or without the
byte-order mark Excel writes), else Windows-1252, the other encoding Excel saves CSV in;
a comma, semicolon or tab between cells, whichever the header row uses most. Columns are
found by their header (``HEADERS``: "Task", "Lead", "% complete"... mean title, owner and
progress), or named with ``--map "Task=title,Lead=owner"``. A cell that a spreadsheet (or
``workplan export``) quoted with a leading ``'`` so that it would not run as a formula gets
it back as plain text (``exchange.cells``). Rows keep the numbers a spreadsheet shows
(the header is row 1), so every problem names the row a person looks for.
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
}


class SheetError(ValueError):
    """A file that cannot be read as a work plan at all (one line says why)."""


@dataclass(slots=True)
class Sheet:
    rows: list[Row]
    columns: dict[str, str] = field(default_factory=dict)  # header as in the file -> field
    ignored: list[str] = field(default_factory=list)  # headers no field was found for


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


def _decode(payload: bytes) -> str:
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        return payload.decode("cp1252", errors="replace")


_QUOTED = re.compile(r'"[^"]*"')


def _delimiter(first_line: str) -> str:
    """The separator the header row uses most: comma, semicolon or tab (quoted text aside)."""
    bare = _QUOTED.sub("", first_line)
    counts = {d: bare.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read(path: Path, mapping: str | None = None) -> Sheet:
    """The rows of a CSV file, their cells by field. Raises SheetError (or OSError)."""
    wanted = parse_map(mapping) if mapping else {}
    with open(path, "rb") as handle:
        payload = handle.read(MAX_BYTES + 1)
    if len(payload) > MAX_BYTES:
        raise SheetError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB; split it")
    text = _decode(payload).replace("\x00", "")
    if not text.strip():
        raise SheetError(f"{path}: the file is empty")
    lines = text.lstrip("\r\n").split("\n", 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(lines[0]))
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
    return Sheet(rows, {header: name for name, header in named.items()}, ignored)
