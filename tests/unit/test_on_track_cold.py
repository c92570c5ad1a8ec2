"""Are we on track? tried cold (issue 25): a new lead's first file and a careless partner's
hand edits, through the command line as a real user meets it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.clock import iso_day
from tests.conftest import make_store
from workplan_tui.store import actions


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def test_a_met_outcome_due_later_is_not_said_to_have_been_due(run, wp: Path) -> None:
    """'was due 28 Feb 2027' on 2 Nov 2026: a goal met early is still due then, not 'was'."""
    actions.checkin(make_store(wp), 1, 40)  # O1: 40 beds, due in 33 days
    for args in (("outcome", "show", "O1"), ("outcome", "list"), ("plan", "show", "P1"), ("report",)):
        out = ok(run(*args))
        assert "was due" not in out, (args, out)
    actions.edit_outcome(make_store(wp), 1, {"due": iso_day(-3)})
    assert "was due" in ok(run("outcome", "show", "O1"))  # met after its due day: it was due then


def test_status_does_not_say_all_clear_under_an_outcome_off_track(run, wp: Path) -> None:
    """'Needs attention: nothing. All clear.' closed a status that opened with 'Off track'."""
    store = make_store(wp)
    actions.remove_task(store, 1)  # the one overdue task: no task needs attention now
    actions.edit_outcome(store, 1, {"start": iso_day(-40)})
    actions.checkin(store, 1, 2)  # 2 of 40 beds with 33 days left: off track
    out = ok(run("status"))
    assert "Off track / at risk" in out and "O1 Beds built" in out
    assert "All clear" not in out and "Needs attention: no task is overdue, blocked or stale." in out
    actions.checkin(store, 1, 40)  # met: nothing is off track or needs attention
    assert "All clear" in ok(run("status"))
