import copy
import json
from pathlib import Path

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
    # Patterns right, calendar wrong: no such day or time (a hand edit, found by a tester).
    "2026-02-30", "2026-13-01", "2026-02-30T09:30:00Z", "2026-11-28T24:00:00Z", "2026-11-28T09:61:00Z",
    [{"value": 1, "by": "alice", "at": None}, {"value": 2, "by": "bob", "at": "2026-11-28T09:30:00Z"}],
    [{"value": 1, "by": "alice"}, {"value": 2}], [{"value": 1, "by": "alice", "at": "x"}] * 2,
]  # fmt: skip


@pytest.mark.parametrize("table", schema.LEGACY_TABLES)
def test_fast_path_accepts_nothing_the_checks_refuse(table: str) -> None:
    fast = schema._SOUND[table]
    fields = schema.FIELDS[table]
    for name, (check, _) in fields.items():
        # a record sound in every other field
        good = {n: _good_value(table, n) for n in fields}
        for value in CANDIDATES:
            record = {**good, name: value}
            if fast(record):
                assert check(value) is None, (table, name, value)


def _good_value(table: str, name: str):
    check, _ = schema.FIELDS[table][name]
    for value in CANDIDATES:
        if check(value) is None:
            return value
    raise AssertionError(f"no good value for {table}.{name}")


def test_fast_path_agrees_with_the_checks_on_the_sample() -> None:
    data = json.loads((Path(__file__).parents[2] / "sample_data" / "partnership.json").read_text())
    for table in schema.LEGACY_TABLES:  # the sample is a schema 1 file, log inside
        for record in data.get(table, {}).values():  # "conflicts" only appears after a merge
            assert schema._SOUND[table](record)
    assert schema.validate(data) == []


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


@given(day=_DAYS, hour=_two(0, 25), minute=_two(0, 61), second=_two(0, 61), fraction=st.text("0123456789", max_size=7))
def test_the_sure_calendar_patterns_accept_only_real_dates_and_instants(
    day: str, hour: str, minute: str, second: str, fraction: str
) -> None:
    """The fast path's shortcut (days 01-28, no calendar asked) never passes what the calendar
    refuses: year 0000, 2026-02-29, 24:00, minute 60, seven digits of a second."""
    stamp = f"{day}T{hour}:{minute}:{second}{'.' + fraction if fraction else ''}Z"
    if schema._SURE_DATE.match(day):
        assert schema._real_date(day), day
    if schema._SURE_TIMESTAMP.match(stamp):
        assert schema._real_timestamp(stamp), stamp
    # and, through the generated check, the verdict is the calendar's either way
    task = {**{n: _good_value("tasks", n) for n in schema.FIELDS["tasks"]}, "due": day, "created_at": stamp}
    assert schema._SOUND["tasks"](task) is (schema._real_date(day) and schema._real_timestamp(stamp))
