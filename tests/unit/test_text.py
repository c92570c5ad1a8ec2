import pytest

from workplan_tui.model.text import around_difference, clean, short

NASTY = [
    "\x1b]52;c;ZXZpbA==\x07",  # OSC 52 clipboard write
    "\x1b[2J\x1b[H",  # clear screen
    "\x9b31m",  # C1 CSI
    "a\x00b\x7fc",
    "\u202eevil\u202c",  # bidi override
    "\u2066iso\u2069",
]


@pytest.mark.parametrize("text", NASTY)
def test_no_control_or_bidi_character_survives(text: str) -> None:
    out = clean(text)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in out)
    assert not any(ch in out for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_escape_is_shown_visibly() -> None:
    assert clean("a\x1b[2Jb") == "a\u241b[2Jb"


def test_markup_is_left_for_the_widgets_to_show_literally() -> None:
    assert clean("[bold]x[/] Budget [/b] review") == "[bold]x[/] Budget [/b] review"


def test_newlines() -> None:
    assert clean("a\nb") == "a b"
    assert clean("a\r\nb", multiline=True) == "a\nb"
    assert clean(None) == ""
    assert clean("plain café") == "plain café"


def test_unicode_line_separators_do_not_split_a_line() -> None:
    assert clean("a\u2028b\u2029c") == "a b c"
    assert len(clean("x\u2028y").splitlines()) == 1
    assert clean("a\u2028b", multiline=True) == "a\nb"


def test_versions_that_differ_at_their_ends_never_look_the_same() -> None:
    original = "Photos and a story for the district newsletter"
    mine, theirs = original + " (edited)", "Photos by bob"
    assert short(original) == short(mine)  # why: cut at 30 characters, both read the same
    assert around_difference(original, mine) != around_difference(mine, original)
    assert around_difference(mine, original).endswith("newsletter (edited)")
    assert around_difference(theirs, mine) == "Photos by bob" and around_difference(None, mine) == "-"
    assert all(len(around_difference(v, mine)) <= 30 for v in (original, mine, "x" * 500))
    assert around_difference("\x1b[2J" + "a" * 40 + "b", "\x1b[2J" + "a" * 40 + "c") == "…" + "a" * 28 + "b"


def test_two_orders_of_a_long_agenda_differ_where_they_differ() -> None:
    """A conflict on an agenda: the two orders differ only past the first 30 characters, and the
    dialog showed both cut at the same place, the same words twice."""
    items = [{"text": t} for t in ("Welcome and introductions", "Budget", "Volunteer rota", "Grant report")]
    mine, theirs = items, [*items[:2], items[3], items[2]]
    assert short(mine) == "Welcome and introductions, Bu…"
    assert around_difference(mine, theirs) != around_difference(theirs, mine)
    assert "Budget, Grant report" in around_difference(theirs, mine)
