"""Plain-text rendering for the command line. Every piece of stored text goes through ``clean``."""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from workplan_tui.model import rules
from workplan_tui.model.forecast import HEALTH_WORDS, Forecast, PlanForecast
from workplan_tui.model.records import Outcome, Task, Workplan
from workplan_tui.model.text import clean

# Characters one cell wide everywhere, none combining (Latin, punctuation, arrows, the
# bars' blocks, the timeline's marks ◆ ▸ ◂ and the ✗ of a date that cannot work): text made
# only of these is measured by its length, without wcwidth.
_NARROW = re.compile("[\u00a0-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u259f\u25b8\u25c2\u25c6\u2717 -~]*")


def to_json(value: Any) -> str:
    """JSON for scripts; ASCII-escaped so no control or bidi character reaches a terminal."""
    import json  # only with --json: start-up time

    return json.dumps(value, indent=2, ensure_ascii=True, default=str)


def width() -> int:
    """Terminal columns to fill: the terminal's (or $COLUMNS), 30 to 160."""
    return max(30, min(known_width() or 100, 160))


def known_width() -> int | None:
    """$COLUMNS, else the terminal's width; None when output goes to neither (a pipe, a file)."""
    # shutil.get_terminal_size's rule without importing shutil (start-up time)
    columns = os.environ.get("COLUMNS", "")
    cols = int(columns) if columns.isascii() and columns.isdigit() else 0
    if cols <= 0:
        try:
            cols = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            cols = 0
    return cols or None


def cells(text: str) -> int:
    """Terminal cells ``text`` takes: 2 for each wide (CJK, emoji) character, 0 for combining marks.

    Measured with wcwidth, not Rich: the CLI never imports Rich or Textual (start-up time).
    """
    if text.isascii() or _NARROW.fullmatch(text):
        return len(text)
    from wcwidth import wcswidth  # only for other text: it costs 30 ms of start-up

    return max(0, wcswidth(text))  # by grapheme: 👨‍👩‍👧‍👦 and ❤️ take 2 cells


def bar(percent: float, cells: int = 20) -> str:
    filled = round(percent / 100 * cells)
    return "█" * filled + "░" * (cells - filled)


def number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def fit(text: str, room: int) -> str:
    """``text`` cleaned and cut to ``room`` terminal cells, with an ellipsis when cut."""
    text = clean(text)
    if cells(text) <= room:
        return text
    if text.isascii() or _NARROW.fullmatch(text):  # one cell per character, none combining
        return text[: max(0, room - 1)] + "…" if room > 0 else ""
    from wcwidth import iter_graphemes, wcswidth

    kept, used = [], 0
    for grapheme in iter_graphemes(text):  # never cut inside a joined emoji or a letter with its accents
        size = max(0, wcswidth(grapheme))
        if used + size > room - 1:
            break
        kept.append(grapheme)
        used += size
    return "".join(kept) + "…" if room > 0 else ""


def wrap(text: str, cols: int | None = None, *, cut: bool = True) -> str:
    """Each line of ``text`` broken at spaces to at most ``cols`` terminal cells (default: the terminal).

    A continuation is indented two cells past the line's own indent; a word longer than a
    whole line is cut with an ellipsis, or, without ``cut``, kept whole on a line of its own
    (a path to copy). Text must already be cleaned (it is not cleaned again).
    """
    cols = cols or width()
    out: list[str] = []
    for line in text.split("\n"):
        if cells(line) <= cols:
            out.append(line)
            continue
        lead = len(line) - len(line.lstrip(" "))
        current = line[:lead]
        for word in line[lead:].split(" "):
            gap = " " if current.strip() else ""
            if current.strip() and cells(current) + len(gap) + cells(word) > cols:
                out.append(current)
                current, gap = " " * (lead + 2), ""
            current += gap + (fit(word, cols - cells(current) - len(gap)) if cut else word)
        out.append(current)
    return "\n".join(out)


def say(text: str) -> None:
    """Print a confirmation for people, wrapped to the terminal (``COLUMNS``) as listings are cut
    to it: 'Added task T41: Call the county, due in 5 days, Fri 4 Dec'. Words are never cut
    (a path stays whole); ``text`` must already be cleaned. Printed to a pipe or a file (no
    terminal, no ``COLUMNS``), a line stays whole: a script reads it as it was."""
    import click  # the CLI's own: loaded already

    cols = known_width()
    click.echo(wrap(text, max(30, min(cols, 160)), cut=False) if cols else text)


def pad(text: str, room: int) -> str:
    """``text`` fitted to ``room`` cells and padded with spaces to exactly ``room`` cells."""
    fitted = fit(text, room)
    return fitted + " " * (room - cells(fitted))


def outcome_line(outcome: Outcome) -> str:
    pct = rules.outcome_progress(outcome.baseline, outcome.target, outcome.current)
    return f"{clean(outcome.name)} {rules.outcome_figures(outcome, number)} ({pct:.0f}%)"


def health(f: Forecast | PlanForecast) -> str:
    """'at risk: needs 3.1 beds/week, doing 1.4 since 12 Oct': the health in words, then why."""
    words = HEALTH_WORDS.get(f.health, f.health)
    return f"{words}: {clean(f.reason)}" if f.reason else words


def owner_text(workplan: Workplan, handle: str | None) -> str:
    if not handle:
        return "unassigned"
    member = workplan.members.get(handle)
    return f"{clean(handle)} ({clean(member.partner)})" if member else clean(handle)


def task_line(workplan: Workplan, task: Task, detail: str, cols: int, marker: str = " ", *, owner: bool = True) -> str:
    """One aligned line: marker, id, title (takes the room left), detail, owner; at most ``cols`` cells.

    The detail ("12 days overdue", "due in 2 days, Fri 4 Dec") keeps 28 cells and the
    owner their handle at any width (with their partner from 100 columns): the title
    gives way first. Without ``owner`` (a list of one member's own tasks) the title has
    the owner's room too.
    """
    fixed = f"  {marker} {task.label:<6} "
    wide = cols >= 100
    detail_cells, owner_cells = 28, (20 if wide else 10)
    if cols < 72:  # narrow: a handle of 8 and 'due in 3 days, Thu 10 Dec' whole give the title 3 cells more
        detail_cells, owner_cells = 26, 8
    if not owner:
        room = max(8, cols - len(fixed) - detail_cells - 2)
        return fit(f"{fixed}{pad(task.title, room)}  {detail}", cols)
    room = max(8, cols - len(fixed) - detail_cells - owner_cells - 4)
    who = owner_text(workplan, task.owner) if wide else clean(task.owner or "unassigned")
    line = f"{fixed}{pad(task.title, room)}  {pad(detail, detail_cells)}  {fit(who, owner_cells)}"
    return fit(line, cols)


# The room a table's flexible column (a title) keeps before optional columns give way.
FLEX_ROOM = 24


def table(rows: list[list[str]], headers: list[str], flex: int, optional: list[int] | None = None) -> str:
    """Fixed-width columns; column ``flex`` takes the room that is left. ``optional`` columns
    (least important first) are left out, one by one, while the flexible one would get
    fewer than ``FLEX_ROOM`` cells (or what it needs, if less)."""
    cols = width()
    texts = [[clean(c) for c in row] for row in rows]
    widths = [max([len(h)] + [cells(r[i]) for r in texts]) for i, h in enumerate(headers)]
    shown = list(range(len(headers)))
    for column in optional or []:
        others = sum(widths[i] for i in shown if i != flex) + 2 * (len(shown) - 1)
        if cols - others >= min(FLEX_ROOM, widths[flex]):
            break
        shown.remove(column)
    if len(shown) < len(headers):
        headers = [headers[i] for i in shown]
        texts = [[row[i] for i in shown] for row in texts]
        widths = [widths[i] for i in shown]
        flex = shown.index(flex)
    others = sum(w for i, w in enumerate(widths) if i != flex) + 2 * (len(headers) - 1)
    widths[flex] = max(8, min(widths[flex], cols - others))
    out = ["  ".join(pad(h, widths[i]) for i, h in enumerate(headers)).rstrip()]
    for row in texts:
        out.append("  ".join(pad(c, widths[i]) for i, c in enumerate(row)).rstrip())
    return "\n".join(fit(line, cols) for line in out)


def money(value: float | None, currency: str | None) -> str:
    """An amount in the partnership's currency: '$10,000', '10,000 CHF', '-' for none."""
    from workplan_tui.model.money import format_money

    return format_money(value, currency)


def tally_line(tally: Any, currency: str | None, cells: int = 20) -> str:
    """'pledged $30,000 · delivered $14,000 ██████░░░░ 47%' (with '· 2 not valued' when some are not)."""
    parts = [f"pledged {money(tally.pledged, currency)}", f"delivered {money(tally.delivered, currency)}"]
    line = " · ".join(parts)
    if tally.percent is not None:
        line += f"  {bar(tally.percent, cells)} {tally.percent:3.0f}%"
    if tally.unvalued:
        line += f" · {tally.unvalued} not valued"
    return line


def match_line(line: Any, currency: str | None, cells: int = 20) -> str:
    """'required $30,000 · pledged $30,000 · delivered $14,000 ██████░░░░ 47%' for one recipient's match."""
    text = (
        f"required {money(line.required, currency)} · pledged {money(line.total.pledged, currency)} · "
        f"delivered {money(line.total.delivered, currency)}"
    )
    if line.delivered_percent is not None:
        text += f"  {bar(line.delivered_percent, cells)} {line.delivered_percent:3.0f}%"
    if line.shortfall > 0:
        text += f" · {money(line.shortfall, currency)} still to pledge"
    return text
