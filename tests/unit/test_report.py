"""The meeting report: Markdown parsed as CommonMark with GFM tables, its JSON, its file (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tests.clock import iso_day
from tests.conftest import make_store
from workplan_tui.store import actions

SECTIONS = [
    "Are we on track?",
    "Decisions needed",
    "Outcomes",
    f"Done since {iso_day(-7)}",
    "Needs attention",
    "Who is behind",
    "Partners",
    "Resources and match",
    "Norms",
]
HOSTILE = "*bold* | [click](javascript:alert(1)) <img src=x onerror=alert(1)> `code` $x$ ~s~ \x1b[2J"


def parse(text: str) -> list[Token]:
    """The report as a GitHub-like renderer sees it: CommonMark, tables on, raw HTML allowed."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").parse(text)


def headings(tokens: list[Token], level: str = "h2") -> list[str]:
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == level]


def tables(tokens: list[Token]) -> list[list[list[str]]]:
    """Every table, as rows of cell texts (the header row first)."""
    found: list[list[list[str]]] = []
    row: list[str] = []
    for i, t in enumerate(tokens):
        if t.type == "table_open":
            found.append([])
        elif t.type == "tr_open":
            row = []
        elif t.type in ("th_open", "td_open"):
            row.append(tokens[i + 1].content)
        elif t.type == "tr_close":
            found[-1].append(row)
    return found


def inline_kinds(tokens: list[Token]) -> set[str]:
    """The kinds of every token, inline ones included."""
    kinds = set()
    for t in tokens:
        kinds.add(t.type)
        for child in t.children or []:
            kinds.add(child.type)
    return kinds


@pytest.fixture
def busy(wp: Path) -> Path:
    """The seed partnership with a week's work: a check-in, a task done, a blocked one, a grant."""
    store = make_store(wp)
    actions.add_norm(store, "We notify members in advance if we miss a meeting.")
    actions.agree_norm(store, 1)
    actions.checkin(store, 1, 12, "first beds")
    actions.set_status(store, 1, "done")
    actions.set_status(store, 2, "blocked", "waiting for the permit")
    actions.set_currency(store, "USD")
    actions.add_grant(store, "PARKS", "FOOD", 30000, "1:1", "Cold storage")
    actions.pledge(store, "FOOD", ("cash", "Match", 10000, None, None, 1))
    actions.deliver(store, "FOOD", "1", "$4,000", on=iso_day(-3))
    return wp


def test_every_section_renders_as_markdown(run, busy: Path) -> None:
    result = run("report", "--since", iso_day(-7))
    assert result.exit_code == 0, result.output
    tokens = parse(result.stdout)
    assert headings(tokens, "h1") == ["Test Partnership: meeting report"]
    assert headings(tokens) == SECTIONS
    assert "**Stage:** forming" in result.stdout and f"**Changes since:** {iso_day(-7)}" in result.stdout
    found = tables(tokens)
    on_track = next(t for t in found if t[0][0] == "Plan / outcome")  # the first section: are we on track?
    assert on_track[0][1:3] == ["Health", "Why"]
    assert on_track[1][:2] == ["**P1 Gardens** (no end date)", "no data"]  # made today: nothing to judge by yet
    assert on_track[2][:2] == ["O1 Beds built", "no data"]
    assert on_track[2][2].startswith("no pace yet: its check-ins are all from")  # one check-in, on its first day
    outcomes = next(t for t in found if t[0][0] == "Outcome")
    assert outcomes[1][:4] == ["O1", "Beds built", "`###-------` 30%", "12 / 40 beds"]
    assert outcomes[1][4] == "+12 beds (1 check-in)"
    done = result.stdout.split(f"## Done since {iso_day(-7)}")[1].split("##")[0]
    assert "- T1 Order soil (alice), P1" in done
    blocked = next(t for t in found if t[0] == ["Task", "Owner", "Why"])
    assert blocked[1] == ["T2 Build beds", "bob", "waiting for the permit"]
    behind = next(t for t in found if t[0][0] == "Member")
    assert [r[0] for r in behind[1:]] == ["bob"]
    pledged = next(t for t in found if t[0][:2] == ["Partner", "Kind"])
    assert ["FOOD", "cash", "\\$10,000", "\\$4,000", "`####------` 40%"] in pledged
    grants = next(t for t in found if t[0][0] == "Grant")
    assert grants[1] == [
        "G1 Cold storage", "PARKS → FOOD", "\\$30,000", "1:1", "\\$30,000", "\\$10,000", "\\$4,000", "-", "no data",
    ]  # fmt: skip
    assert "#### Match for FOOD (G1)" in result.stdout and "Still to pledge: \\$20,000." in result.stdout
    assert "1. **N1** We notify members in advance if we miss a meeting. Agreed by 1 of 3" in result.stdout
    decisions = result.stdout.split("## Decisions needed")[1].split("##")[0]
    assert "**P1 Gardens** (proposed, rule: consensus)" in decisions and "not voted yet: alice, bob, carol" in decisions


def test_stored_text_is_text_never_markup_html_or_a_link(run, busy: Path) -> None:
    store = make_store(busy)
    actions.edit_task(store, 3, {"title": HOSTILE[:200]})
    actions.set_status(store, 3, "blocked", HOSTILE)
    actions.edit_plan(store, 1, title="Plan | with [link](http://x) and <b>html</b>")
    result = run("report")
    tokens = parse(result.stdout)
    kinds = inline_kinds(tokens)
    assert not kinds & {"html_inline", "html_block", "image", "s_open"}
    # the only links are web addresses written in the text, shown as written (issue 31)
    links = [
        (child.attrs.get("href"), t.children[i + 1].content)
        for t in tokens
        for i, child in enumerate(t.children or [])
        if child.type == "link_open"
    ]
    assert links == [("http://x", "http://x")] * len(links) and links
    emphasised = [
        t.children[i + 1].content for t in tokens for i, child in enumerate(t.children or []) if child.type == "em_open"
    ]
    assert emphasised == ["Testing"]  # the purpose, set in italics by the report itself; no title's *bold*
    code = [child.content for t in tokens for child in t.children or [] if child.type == "code_inline"]
    assert all(set(c) <= {"#", "-"} for c in code)  # only the bars are code
    assert "\x1b" not in result.stdout
    blocked = next(t for t in tables(tokens) if t[0] == ["Task", "Owner", "Why"])
    row = next(r for r in blocked if r[0].startswith("T3"))
    assert len(row) == 3  # the pipe did not split the cell
    rendered = MarkdownIt("commonmark").enable("table").render(result.stdout)
    assert "<img" not in rendered and "javascript:" not in rendered.replace("[click](javascript:", "")
    assert "*bold* | [click](javascript:alert(1)) &lt;img src=x onerror=alert(1)&gt;" in rendered


def test_plan_narrows_the_plan_parts_resources_and_norms_stay(run, busy: Path) -> None:
    store = make_store(busy)
    actions.add_plan(store, "Winter boxes")
    actions.add_task(store, 2, "Confirm supplier", owner="carol", due=iso_day(-27))
    whole = run("report").stdout
    assert "T4 Confirm supplier" in whole and "P2 Winter boxes" in whole
    narrow = run("report", "--plan", "P1").stdout
    assert "T4 Confirm supplier" not in narrow and "P2 Winter boxes" not in narrow
    assert "**Plans:** P1 Gardens" in narrow and "## Resources and match" in narrow and "## Norms" in narrow
    assert run("report", "--plan", "P9").stderr.startswith("workplan: error: no plan P9")


def test_the_report_goes_to_a_file_never_over_the_partnership(run, busy: Path, tmp_path: Path) -> None:
    out = tmp_path / "notes.md"
    result = run("report", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == f"Wrote the meeting report to {out}\n"
    assert out.read_text().startswith("# Test Partnership: meeting report\n")
    before = busy.read_bytes()
    refused = run("report", "-o", str(busy))
    assert refused.exit_code == 1 and "the partnership's own file" in refused.stderr
    assert busy.read_bytes() == before
    assert run("report", "-o", str(tmp_path / "missing" / "x.md")).stderr.startswith("workplan: error: ")


def test_json_is_the_same_facts(run, busy: Path) -> None:
    data = json.loads(run("report", "--since", iso_day(-7), "--json").stdout)
    assert data["since"] == iso_day(-7) and data["plan"] is None
    assert [t["id"] for t in data["done"]] == ["T1"]
    assert data["outcomes"][0]["change"] == 12 and data["outcomes"][0]["value_at_since"] == 0
    assert data["decisions"][0]["id"] == "P1" and not data["decisions"][0]["buy_in"]["may_activate"]
    assert data["behind"][0]["member"] == "bob" and data["behind"][0]["blocked"] == ["T2"]
    assert data["grants"][0]["delivered"] == 4000 and data["resources"]["match"][0]["shortfall"] == 20000
    assert data["norms"][0]["waiting_for"] == ["bob", "carol"]
    assert data["on_track"][0]["plan"] == "P1" and data["on_track"][0]["forecast"]["health"] == "no_data"
    assert (data["on_track"][0]["start"], data["on_track"][0]["end"]) == (None, None)
    assert data["on_track"][0]["outcomes"][0]["due"] == data["outcomes"][0]["due"]
    assert data["on_track"][0]["outcomes"][0]["forecast"]["reason"].startswith("no pace yet")
    assert data["outcomes"][0]["forecast"]["health"] == "no_data"
    assert data["outcomes"][0]["forecast"]["needed_per_week"] == round(28 / (34 / 7), 4)


def test_an_empty_partnership_reports_plainly(run, tmp_path: Path) -> None:
    new = tmp_path / "new.json"
    run("init", "--name", "New", path=new)
    text = run("report", path=new).stdout
    assert headings(parse(text)) == [*SECTIONS[:3], text.split("## ")[4].splitlines()[0], *SECTIONS[4:]]
    for line in (
        "No plan is running.",
        "No plan is waiting for buy-in.",
        "Nothing was finished in this period.",
        "Nothing is overdue, blocked or stale.",
        "Nothing pledged yet.",
        "No grants.",
        "No norms agreed yet.",
        "No partners yet.",
    ):
        assert line in text
