"""The merge of an edit made on a stale copy (model/edits.py), without Textual."""

from __future__ import annotations

from workplan_tui.model.edits import StaleEdit, merge_stale_edit, settle_stale_edit


def test_what_only_one_side_changed_stands_and_the_rest_is_asked() -> None:
    before = {"title": "Order soil", "due": "2026-12-04", "progress": 20, "owner": "bob"}
    mine = {"title": "Order more soil", "due": "2026-12-11", "progress": 40, "owner": "carol"}
    theirs = {"title": "Order soil", "due": "2026-12-18", "progress": 40, "owner": "dave", "notes": "x"}
    edit = merge_stale_edit(before, mine, theirs)
    # the title only I changed; the progress we both set to 40: mine stands
    assert edit.merged == {"title": "Order more soil", "progress": 40}
    # due and owner we both changed, to different values: asked, in the order of my edit
    assert edit.conflicts == [("due", "2026-12-04", "2026-12-18", "2026-12-11"), ("owner", "bob", "dave", "carol")]


def test_settling_keeps_what_stood_and_my_choices_and_skips_what_is_already_so() -> None:
    mine = {"title": "Order more soil", "due": "2026-12-11", "owner": "carol"}
    theirs = {"title": "Order soil", "due": "2026-12-18", "owner": "dave"}
    edit = StaleEdit(
        {"title": "Order more soil"}, [("due", None, "2026-12-18", "2026-12-11"), ("owner", "bob", "dave", "carol")]
    )
    assert settle_stale_edit(edit, mine, {"due": "mine", "owner": "theirs"}, theirs) == {
        "title": "Order more soil",
        "due": "2026-12-11",
    }
    assert settle_stale_edit(StaleEdit({}, edit.conflicts), mine, {"due": "theirs", "owner": "theirs"}, theirs) == {}
