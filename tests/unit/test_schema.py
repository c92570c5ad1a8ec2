import copy
import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workplan_tui.model import schema
from workplan_tui.model.records import SCHEMA_VERSION

CANDIDATES = [
    None, True, False, 0, 1, -1, 7, 100, 101, 2.5, float("nan"), float("inf"), "", " ", "x", "x" * 201,
    "x" * 10_001, "alice", "bad handle!", "PARKS", "2026-12-15", "2026-12", "2026-11-28T09:30:00Z", "todo",
    "agree", "draft", "consensus", "forming", "lead", [], [1], [{"value": 1, "by": "alice", "at": "2026-01-01"}],
    ["alice"], {}, {"a": 1}, {"last": 1, "bytes": 10}, {"last": -1, "bytes": 10}, {"last": 1},
    "crc32:0123abcd", "sha256:" + "a" * 64, "z" * 101, "1:1", "25%", "USD", "usd", "1:0", "0.25",
    "week", "Every week", "running",
    # Patterns right, calendar wrong: no such day or time (a hand edit, found by a tester).
    "2026-02-30", "2026-13-01", "2026-02-30T09:30:00Z", "2026-11-28T24:00:00Z", "2026-11-28T09:61:00Z",
    [{"value": 1, "by": "alice", "at": None}, {"value": 2, "by": "bob", "at": "2026-11-28T09:30:00Z"}],
    [{"value": 1, "by": "alice"}, {"value": 2}], [{"value": 1, "by": "alice", "at": "x"}] * 2,
    # A member's digest (issue 27): an address, one that is not one mailbox, a preference.
    "bob@example.org", "a@x.org, b@y.org", "bob@example.org\nBcc: c@x.org", "daily", "weekly:fri", "hourly",
]  # fmt: skip


def _good_value(table: str, name: str):
    check, _ = schema.FIELDS[table][name]
    for value in CANDIDATES:
        if check(value) is None:
            return value
    raise AssertionError(f"no good value for {table}.{name}")


@pytest.mark.parametrize("table", schema.LEGACY_TABLES)
def test_the_whole_file_check_and_the_words_of_one_field_agree(table: str) -> None:
    """A file holding one record is refused for a field exactly when the words of that field
    name a problem: msgspec with the plain checks a column at a time (the whole file) and a
    value at a time (one field) give one verdict."""
    fields = schema.FIELDS[table]
    good = {n: _good_value(table, n) for n in fields}
    meta = {"schema_version": 1, "name": "x"} if table != "meta" else {}
    for name, (check, _) in fields.items():
        if (table, name) == ("meta", "schema_version"):
            continue  # the version is asked first, on its own (test_newer_schema_raises)
        for value in CANDIDATES:
            record = {**good, name: value}
            data = {"meta": {"1": {**meta, **(record if table == "meta" else {})}}}
            if table != "meta":
                data[table] = {"1": record}
            # The field's own problems (a reference to a record not there is another kind: "lead partner 'x'").
            refused = [p for p in schema.validate(data) if p.message.startswith(f"'{name}'")]
            assert bool(refused) == (check(value) is not None), (table, name, value, refused)
            if refused:
                assert refused[0].message == f"'{name}' {check(value)}"


def test_every_kind_of_record_has_a_letter_of_its_own() -> None:
    """A label names one record: two kinds with one letter (a meeting's M and a milestone's, once)
    would make 'M1' either, and the later kind would take every label of the earlier."""
    from workplan_tui.model.records import KEYED

    letters = [cls.PREFIX for cls in KEYED.values() if cls.PREFIX]
    assert len(letters) == len(set(letters)), sorted(letters)


def test_the_sample_is_sound() -> None:
    data = json.loads((Path(__file__).parents[2] / "sample_data" / "partnership.json").read_text())
    assert schema.validate(data) == []
    for table in schema.LEGACY_TABLES:  # the sample is a schema 1 file, log inside
        for record in data.get(table, {}).values():  # "conflicts" only appears after a merge
            assert schema.record_problem(table, record) is None


def test_problems_name_the_record_and_field(wp: Path) -> None:
    data = json.loads(wp.read_text())
    bad = copy.deepcopy(data)
    bad["tasks"]["1"]["status"] = "finished"
    bad["tasks"]["2"]["title"] = "x" * 300
    bad["members"]["1"]["partner"] = "NOPE"
    bad["tasks"]["3"]["outcome"] = 99
    problems = [str(p) for p in schema.validate(bad)]
    assert "task T1: 'status' must be one of todo, doing, blocked, done (found 'finished')" in problems
    assert "task T2: 'title' is 300 characters long; at most 200 allowed" in problems
    # reference problems are reported once the fields are sound
    bad["tasks"]["1"]["status"] = "todo"
    bad["tasks"]["2"]["title"] = "ok"
    problems = [str(p) for p in schema.validate(bad)]
    assert "member 'alice': partner 'NOPE' does not exist" in problems
    assert "task T3: outcome O99 does not exist" in problems


def test_newer_schema_raises() -> None:
    with pytest.raises(schema.NewerSchemaError, match="newer workplan"):
        schema.validate({"meta": {"1": {"schema_version": SCHEMA_VERSION + 1, "name": "x"}}})


def test_unknown_fields_are_allowed(wp: Path) -> None:
    data = json.loads(wp.read_text())
    data["tasks"]["1"]["colour"] = ["anything"]
    assert schema.validate(data) == []


@pytest.mark.parametrize(
    ("table", "field", "value"),
    [
        ("tasks", "due", "2026-02-30"),
        ("outcomes", "due", "2027-02-29"),
        ("tasks", "updated_at", "2026-04-31T10:00:00Z"),
    ],
)
def test_a_day_that_does_not_exist_is_refused(wp: Path, table: str, field: str, value: str) -> None:
    data = json.loads(wp.read_text())
    data[table]["1"][field] = value
    problems = schema.validate(data)
    assert problems and "real" in str(problems[0]) and field in str(problems[0])


def _two(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda n: f"{n:02d}")


_DAYS = st.tuples(
    st.one_of(st.integers(0, 9999).map(lambda n: f"{n:04d}"), st.sampled_from(["0000", "2000", "1900", "2024"])),
    _two(0, 13),
    _two(0, 32),
).map("-".join)


def _calendar_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _calendar_moment(text: str) -> bool:
    try:
        datetime.fromisoformat(text[:-1])
    except ValueError:
        return False
    return bool(re.fullmatch(r"[0-9-]{10}T[0-9:]{8}(\.[0-9]{1,6})?Z", text))


@given(day=_DAYS, hour=_two(0, 25), minute=_two(0, 61), second=_two(0, 61), fraction=st.text("0123456789", max_size=7))
def test_dates_and_instants_are_the_calendars(day: str, hour: str, minute: str, second: str, fraction: str) -> None:
    """The declared patterns (records.Date, records.Timestamp) accept exactly what the calendar
    does: no year 0000, no 2026-02-29 but 2024-02-29, no 24:00, no minute 60, at most six
    digits of a second; and a task's check says the same, a column at a time or alone."""
    stamp = f"{day}T{hour}:{minute}:{second}{'.' + fraction if fraction else ''}Z"
    assert schema.valid_date(day) is _calendar_date(day), day
    assert schema.valid_timestamp(stamp) is _calendar_moment(stamp), stamp
    task = {"plan": 1, "title": "t", "due": day, "created_at": stamp}
    data = {"meta": {"1": {"schema_version": 2, "name": "x"}}, "plans": {"1": {"title": "p"}}, "tasks": {"1": task}}
    assert (schema.validate(data) == []) is (_calendar_date(day) and _calendar_moment(stamp))
    assert (schema.record_problem("tasks", task) is None) is (_calendar_date(day) and _calendar_moment(stamp))


@pytest.mark.parametrize(
    ("table", "field", "value", "sound"),
    [
        ("meta", "created_at", 12, True),  # never checked: read as ""
        ("meta", "retired_ids", {"": 3}, True),
        ("meta", "history", None, False),  # absent, or an object: not null
        ("meta", "digest", None, False),
        ("meta", "currency", None, True),
        ("tasks", "owner", None, True),
        ("tasks", "status", None, False),
        ("tasks", "colour", ["anything"], True),  # a field this version does not know
        ("plans", "archived_from", None, True),
    ],
)
def test_what_the_check_took_before_the_declarations_it_takes_still(
    wp: Path, table: str, field: str, value: object, sound: bool
) -> None:
    data = json.loads(wp.read_text())
    data[table]["1"][field] = value
    assert (schema.validate(data) == []) is sound
    if sound and table == "meta" and field == "created_at":
        assert schema.load(data).partnership.created_at == ""


def _in_time_order(entries: list[dict[str, Any]]) -> list[str]:
    """Each log entry (oldest first) with an earlier time than the one before it."""
    return [
        f"{e.get('kind')} {e.get('record')} at {e.get('at')} after {before.get('at')}"
        for before, e in zip(entries, entries[1:], strict=False)
        if e.get("at", "") < before.get("at", "")
    ]


def test_every_samples_log_is_in_time_order(tmp_path: Path) -> None:
    """A record's history is listed in the log's order: the sample's T16 follow-up (8 days ago)
    came after changes made 3 days ago, so 'task show T16' listed its history out of order. The
    shipped sample is what sample_data/build_sample.py builds (its clock only goes forward), and
    the demo written from it keeps the order."""
    import importlib.util

    from tests.conftest import log_of
    from workplan_tui.store.sample import sample_path, write_demo

    shipped = json.loads(sample_path().read_text())
    entries = [shipped["activity"][k] for k in sorted(shipped["activity"], key=int)]
    assert _in_time_order(entries) == []
    spec = importlib.util.spec_from_file_location("build_sample", sample_path().with_name("build_sample.py"))
    assert spec is not None and spec.loader is not None
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    builder.build(tmp_path / "rebuilt.json")
    assert json.loads((tmp_path / "rebuilt.json").read_text()) == shipped, "rebuild: python sample_data/build_sample.py"
    demo = write_demo(tmp_path / "demo.json", today=date(2027, 1, 5), user="zoe", login="zoe")
    inside = json.loads(demo.read_text()).get("activity", {})
    logged = [inside[k] for k in sorted(inside, key=int)] + log_of(demo)
    assert len(logged) == len(entries) and _in_time_order(logged) == []
    with pytest.raises(ValueError, match="go back"):
        clock = builder.Clock()
        clock.at(10)
        clock.later(20, lambda: None)
