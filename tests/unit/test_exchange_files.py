"""Files that come from and go to other programs (issue 31): the report's links, calendars,
spreadsheets' encodings."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import make_store
from workplan_tui.store import actions

Run = Callable[..., Result]

FORM = "https://example.org/forms/a_b*c?id=3&plan=P1"
WIKI = "https://en.wikipedia.org/wiki/Raised-bed_gardening_(UK)"


def _links(html: str) -> set[str]:
    return {m.replace("&amp;", "&") for m in re.findall(r'<a href="([^"]*)"', html)}


def test_a_web_address_stays_a_working_link_in_the_report(run: Run, wp: Path) -> None:
    from markdown_it import MarkdownIt

    cmarkgfm = pytest.importorskip("cmarkgfm")  # GitHub's own parser (the test extra has it)
    store = make_store(wp)
    actions.edit_task(store, 1, {"title": f"Fill in {FORM}."})  # overdue: in "Needs attention"
    actions.set_status(store, 2, "blocked", f"see the permit rules ({WIKI}), then call | the county")
    actions.edit_plan(store, 1, title="Gardens, https://example.org/p|lan")
    report = run("report").output
    assert "\\" not in "".join(re.findall(r"<https?://[^>]*>", report))  # no escapes inside an address
    commonmark = MarkdownIt("commonmark").enable("table").render(report)
    gfm = cmarkgfm.github_flavored_markdown_to_html(report)
    for html in (commonmark, gfm):
        links = _links(html)
        assert FORM in links and WIKI in links, links
        assert "https://example.org/p%7Clan" in links  # a | in an address is %7C: the table holds
        assert "javascript:" not in html
    blocked = next(line for line in report.splitlines() if line.startswith("| T2"))
    assert blocked.count(" | ") == 2  # the pipe in the reason did not split its cell
