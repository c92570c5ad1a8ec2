"""What a new lead tripped on (issue 31), tried on the board with Pilot and checked in the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.clock import iso_day
from tests.conftest import FIXED_NOW, log_of, make_store
from workplan_tui.store import actions
from workplan_tui.ui.app import WorkplanApp, make_app
from workplan_tui.ui.screens.board import BoardScreen


def app_for(path: Path, user: str = "alice") -> WorkplanApp:
    return make_app(path, user=user, now=FIXED_NOW)


def data(path: Path) -> dict:
    return json.loads(path.read_text())


def board(app: WorkplanApp) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


def messages(app: WorkplanApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_a_refused_undo_does_not_block_the_changes_before_it(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = board(pilot.app)
        await pilot.press("plus")  # T1 (the first card of To do) 0 → 10 %: moves to Doing
        first = screen.selected_task()
        assert first is not None and first.id == 1
        await pilot.press("minus")  # T1 back to 0: a second change of mine
        actions.set_due(make_store(board_file, "bob"), 1, iso_day(-7))  # bob changes T1
        await pilot.pause()
        await pilot.press("u")  # my latest change cannot be undone now
        assert any("bob changed T1 since" in m and "u again" in m for m in messages(pilot.app))
        await pilot.press("u")  # ... nor the one before (T1 too): still said, never stuck
        pilot.app._notifications.clear()
        actions.add_note(make_store(board_file), 2, "mine, from the command line")
        await pilot.press("u")
        assert "Nothing of yours to undo in this session." in messages(pilot.app)
    assert data(board_file)["tasks"]["1"]["due"] == iso_day(-7)


async def test_a_refused_undo_moves_on_to_the_change_before(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = board(pilot.app)
        await pilot.press("down")  # To do: T1 (overdue), T2, T3
        second = screen.selected_task()
        assert second is not None and second.id == 2
        await pilot.press("plus")  # T2 0 → 10 %: it moves to Doing, the selection with it
        await pilot.press("left", "home")
        first = screen.selected_task()
        assert first is not None and first.id == 1
        await pilot.press("plus")  # T1 0 → 10 %
        actions.set_due(make_store(board_file, "bob"), 1, iso_day(-7))  # bob changes T1 since
        await pilot.pause()
        await pilot.press("u")  # refused: bob changed T1 since
        assert data(board_file)["tasks"]["2"]["progress"] == 10
        await pilot.press("u")  # the change before it: T2 back to 0 %
        assert data(board_file)["tasks"]["2"]["progress"] == 0
        assert data(board_file)["tasks"]["1"]["progress"] == 10
        assert log_of(board_file)[-1]["kind"] == "undo"


async def test_the_review_summary_counts_what_was_reviewed_in_words_that_fit(board_file: Path) -> None:
    from rich.cells import cell_len

    from workplan_tui.model.overview import Concern
    from workplan_tui.ui.screens.review import ReviewScreen

    store = make_store(board_file)
    long = "Order the raised-bed soil, compost and mulch from the county's depot before the frost comes"
    actions.edit_task(store, 1, {"title": long})
    for n in range(4):  # more tasks needing attention than are looked at
        actions.add_task(store, 1, f"Overdue {n}", owner="alice", due=iso_day(-2))
    async with app_for(board_file).run_test(size=(60, 20)) as pilot:
        await pilot.press("r")
        review = pilot.app.screen
        assert isinstance(review, ReviewScreen)
        while isinstance(review.queue[review.position], Concern):  # plans and outcomes come first
            await pilot.press("space")
        assert review.current() is not None and review.current().id == 1
        total = sum(1 for item in review.queue if not isinstance(item, Concern))
        await pilot.press("b")
        await pilot.press(*"Waiting for the county's depot to confirm the order")
        await pilot.press("enter", "space", "plus", "escape")  # two tasks looked at, then escape
        summary = str(review.query_one("#review-task").render())
    assert f"Reviewed 2 of the {total} tasks" in " ".join(summary.split())
    assert "You changed 2 of them." in summary
    assert "blocked_reason" not in summary and "reason blocked none → 'Waiting" in summary  # typed text quoted
    assert "T1 Order the raised-bed soil, compost and …:" in summary  # cut with an ellipsis
    lines = summary.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("  T1 "))
    assert lines[first + 1].startswith("    ")  # a long item wraps under its margin
    assert all(cell_len(line) <= 56 for line in lines), lines


async def test_activity_selects_the_newest_match_and_says_it_in_words(board_file: Path) -> None:
    from workplan_tui.ui.screens.activity import ActivityScreen

    store = make_store(board_file)
    actions.set_currency(store, "USD")
    actions.add_norm(store, "We reply within two days.")
    actions.agree_norm(store, 1)
    actions.agree_norm(make_store(board_file, "bob"), 1)
    actions.deliver(store, "PARKS", "1", "$400", on=iso_day(-1))
    for n in range(40):  # enough entries that the oldest are far out of view
        actions.set_progress(store, 2, str(n + 1))
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("L")
        screen = pilot.app.screen
        assert isinstance(screen, ActivityScreen)
        rows = screen.rows_widget
        rows.move_to(40)  # deep in the log
        await pilot.pause()
        assert rows.cursor == 40 and rows.scroll_offset.y > 0
        await pilot.press("slash", *"agreed")
        assert rows.cursor == 0 and rows.scroll_offset.y == 0  # the newest match, in view
        first = rows.current
        assert first is not None and first.kind == "norm.agree" and first.member == "bob"
        text = "".join(t for t, _ in screen.row(first, 78))
        assert "bob agreed to N1 'We reply within two days.'" in text
        detail = str(screen.query_one("#detail").render())
        assert "agreed by: alice → alice, bob" in detail
        assert "agreed_by" not in detail and "[2]" not in detail
        await pilot.press("escape")
        await pilot.press("slash", *"delivery")
        detail = str(screen.query_one("#detail").render())
        assert "$400 on" in detail and "partner.deliver" not in detail


def header_of(app: WorkplanApp) -> str:
    return str(app.screen.query_one("#header").render())


async def test_the_header_says_who_i_am_apart_from_who_else_is_here_and_which_file(board_file: Path) -> None:
    from workplan_tui.store.presence import Presence

    Presence(board_file, "bob").beat()
    async with app_for(board_file).run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        header = header_of(pilot.app)
        assert "also here: bob ·" in header and "you: alice" in header
        assert "also here: bob, alice" not in header and "bob · alice" not in header
        assert board_file.name in header  # the file open
    async with app_for(board_file, user="root-not-member").run_test(size=(60, 20)) as pilot:
        header = header_of(pilot.app)
        assert header.rstrip().endswith("you: root-not-member (not a member: read-only)"), header
        assert "Test Partnership"[:8] in header  # the name gives way, but stays


async def test_m_shows_only_my_tasks_and_the_cursor_finds_a_card(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = board(pilot.app)
        await pilot.press("right")  # Doing: empty in P1
        await pilot.press("m")  # mine: alice has T1 (To do)
        assert "filter: mine" in header_of(pilot.app)
        shown = [t.label for column in screen.columns for t in column.items]
        assert shown == ["T1"]
        assert screen.selected_task() is not None and screen.selected_task().label == "T1"  # not the empty column
        await pilot.press("plus")
        assert data(board_file)["tasks"]["1"]["progress"] == 10
        assert not any(m.startswith("No task selected") for m in messages(pilot.app))
        await pilot.press("m")  # all again
        assert sum(len(c.items) for c in screen.columns) == 3
        await pilot.press("slash", *"owner:carol")  # nothing of carol's in P1: every column empty
        await pilot.press("enter", "escape")
        await pilot.press("slash", *"build")
        await pilot.press("enter")
        assert screen.selected_task() is not None and screen.selected_task().label == "T2"


async def test_the_assign_picker_jumps_to_what_is_typed(board_file: Path) -> None:
    from textual.widgets import OptionList

    from workplan_tui.ui.modals import PickMember

    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("a")  # assign T1
        picker = pilot.app.screen
        assert isinstance(picker, PickMember)
        options = picker.query_one(OptionList)
        await pilot.press("c")
        assert picker.handles[options.highlighted or 0] == "carol"
        await pilot.press("b")  # "cb" continues no one: b starts again
        assert picker.handles[options.highlighted or 0] == "bob"
        await pilot.press("enter")
    assert data(board_file)["tasks"]["1"]["owner"] == "bob"


async def test_the_palette_finds_tasks_by_id_and_title(board_file: Path) -> None:
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        screen = board(pilot.app)
        await pilot.press("ctrl+p")
        await pilot.press(*"supplier")  # T4, of the other plan
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.plan is not None and screen.plan.plan.label == "P2"
        assert screen.selected_task() is not None and screen.selected_task().label == "T4"
        await pilot.press("ctrl+p")
        await pilot.press(*"t2")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.plan.plan.label == "P1" and screen.selected_task().label == "T2"


async def test_the_palette_shows_a_title_as_text_never_markup(board_file: Path) -> None:
    actions.edit_task(make_store(board_file), 3, {"title": "[@click=app.quit]Open[/] [b]bold"})
    async with app_for(board_file).run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"open")
        await pilot.pause(0.3)
        from textual.command import CommandList

        listed = pilot.app.screen.query_one(CommandList)
        prompts = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert any("T3 [@click=app.quit]Open[/] [b]bold" in p for p in prompts), prompts
        await pilot.click(CommandList)  # a click on the hit runs nothing but the jump
        await pilot.pause()
        assert pilot.app.is_running


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    from workplan_tui.store.sample import write_demo

    return write_demo(tmp_path / "demo.json", today=FIXED_NOW.date(), user="alice")


def rendered(widget) -> list[str]:
    return ["".join(s.text for s in widget.render_line(y)) for y in range(widget.size.height)]


async def test_at_120_columns_names_and_owners_are_whole_while_titles_have_room(demo: Path) -> None:
    async with app_for(demo).run_test(size=(120, 40)) as pilot:
        screen = board(pilot.app)
        plans = "\n".join(rendered(screen.query_one("#plans")))
        assert "Community gardens at three schools " in plans
        outcomes = str(screen.query_one("#outcomes").render())
        assert "Produce donated to the food bank " in outcomes
        await pilot.press("t")
        rows = "\n".join(rendered(screen.table))
        assert "fatima · FOODBANK " in rows and "…" not in rows.split("FOODBANK")[0][-30:]
        assert "Photos and a story for the district newsletter " in rows


async def test_at_60x20_every_column_keeps_what_it_needs(demo: Path) -> None:
    from rich.cells import cell_len

    async with app_for(demo).run_test(size=(60, 20)) as pilot:
        screen = board(pilot.app)
        await pilot.press("t")
        header = str(screen.query_one("#table-header").render())
        assert "OWNER" not in header  # the title keeps its room
        title_cells = header.index("STATUS") - header.index("TITLE")
        assert title_cells >= 16, header
        await pilot.press("t", "w")  # People
        people = rendered(pilot.app.screen.rows_widget)
        assert all("updated" in line for line in people if line.strip())
        await pilot.press("escape", "L")  # Activity: the sentence keeps the row
        row = rendered(pilot.app.screen.rows_widget)[0]
        assert cell_len(row.split("  ", 1)[1].strip()) >= 30, row
        await pilot.press("escape", "P")  # Partners: bars never wrap into the next line
        partners = pilot.app.screen
        detail = partners.query_one("#detail")
        room = detail.content_region.width
        bars = [line for line in str(detail.render()).splitlines() if "█" in line or "░" in line]
        assert bars
        for line in bars:  # a bar and its percentage on one line, within the box
            assert cell_len(line) <= room and line.rstrip()[-1:] in ("%", "-"), line
        rows = rendered(partners.rows_widget)
        assert all(line.rstrip().endswith("%") for line in rows if line.strip())


def screen_lines(app: WorkplanApp) -> list[str]:
    """What the screen shows, line by line (no colour)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_at_60x20_plans_milestones_outcomes_and_titles_keep_their_words(demo: Path) -> None:
    """Issue 29's screens too: no word is cut mid-way without an ellipsis, nor lost under a scrollbar."""
    import re

    async with app_for(demo).run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        shown = screen_lines(pilot.app)
        plans = [line for line in shown[1:4] if re.search(r"P\d ", line)]
        assert plans and all(re.search(r"buy-in \d+/\d+", line) for line in plans), plans
        assert all(line[:-1].rstrip()[-1] in "0123456789…" for line in plans), plans  # the last column: a scrollbar
        milestone = next(line for line in shown if "◆ D1" in line)
        assert "·…" not in milestone and "at risk" in milestone, milestone  # parts whole, or not there
        # its name whole, or at least 16 cells of it beside a day that carries its year ("Sat 3 Jan 2026")
        assert "Oak Street garden planted" in milestone or re.search(
            r"◆ D1 Oak Street.*… · \w{3} \d+ \w{3} \d{4}", milestone
        )
        await pilot.press("o")  # Outcomes: names, figures and health whole in 60 columns
        await pilot.pause()
        rows = [line for line in screen_lines(pilot.app)[1:4] if line.strip()]
        assert all(re.search(r"(on track|off track|at risk)$", line.rstrip()) for line in rows), rows
        assert any("210 / 600 students" in line for line in rows), rows
        await pilot.press("escape", "T")  # the Timeline's title ends in an ellipsis when it does not fit
        await pilot.pause()
        title = screen_lines(pilot.app)[0].rstrip()
        assert title.startswith(" Timeline · every running plan"), title
        assert title.endswith("…") or re.search(r"from \w{3} \d+ \w{3}$", title), title  # cut, or whole
        await pilot.press("escape", "M")  # Meetings: what does not fit ends in an ellipsis
        await pilot.pause()
        rows = [line.rstrip() for line in screen_lines(pilot.app)[1:4]]
        assert all(line.endswith(("there", "upcoming", "…")) for line in rows if line), rows


async def test_a_scrolled_column_starts_on_a_cards_title_wherever_the_cursor_goes(demo: Path) -> None:
    """A column of 5-line cards in 14 lines scrolled by lines: going down the To do column at
    80x24 left its top card without its title (and so another column, left scrolled so)."""
    from workplan_tui.ui.widgets import CardColumn

    async with make_app(demo, user="alice", now=FIXED_NOW).run_test(size=(80, 24)) as pilot:
        column = pilot.app.screen.query(CardColumn).first()
        assert len(column.items) * column.item_height > column.size.height  # it scrolls
        for press in ["j"] * len(column.items) + ["k"] * len(column.items):
            await pilot.press(press)
            top = rendered(column)[0]
            assert column.scroll_offset.y % column.item_height == 0, (press, column.scroll_offset.y)
            assert top.strip(" ▌").startswith("T") and " · " not in top, top  # a title, not an owner line
            assert column.cursor * column.item_height >= column.scroll_offset.y
            assert (column.cursor + 1) * column.item_height <= column.scroll_offset.y + column.size.height + 1
        await pilot.press("l")  # left scrolled: still on a title
        assert rendered(column)[0].strip(" ▌").startswith("T")
