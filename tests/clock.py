"""The one "now" every test sees, chosen in one place.

``WORKPLAN_TEST_TODAY=YYYY-MM-DD`` picks the day (default ``DEFAULT_TODAY``); the instant is
09:30 UTC that day (the tests run with ``TZ=UTC``). An autouse fixture in ``tests/conftest.py``
puts the test process there with time-machine (the clock then ticks on from it), and every
subprocess a test starts follows through ``tests/clockhook/sitecustomize.py``: the CLI as a real
process, the merge driver git starts, the browser server. Git itself gets the instant through
``GIT_AUTHOR_DATE`` and ``GIT_COMMITTER_DATE``.

Fixtures write dates relative to it (``day(+6)``), never as literals, so the suite passes on
any day: ``WORKPLAN_TEST_TODAY=2027-02-28 pytest``.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta

VARIABLE = "WORKPLAN_TEST_TODAY"
DEFAULT_TODAY = date(2026, 11, 28)  # a Saturday: weekday words ("fri", "next mon") cross a week end


def _pinned_today() -> date:
    text = os.environ.get(VARIABLE, "").strip()
    if not text:
        return DEFAULT_TODAY
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"{VARIABLE}={text!r} is not a day; use YYYY-MM-DD, e.g. 2027-02-28") from None


TODAY = _pinned_today()
NOW = datetime.combine(TODAY, time(9, 30), UTC)


def day(offset: int = 0) -> date:
    """The pinned day moved by ``offset`` days (negative: in the past)."""
    return TODAY + timedelta(days=offset)


def iso_day(offset: int = 0) -> str:
    """``day(offset)`` as the ISO text the file and the CLI use, e.g. ``"2026-12-04"``."""
    return day(offset).isoformat()


NOW_ISO = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")  # how the file and the JSON contract write NOW


def end_of_month(of: date) -> date:
    """The last day of ``of``'s month (what "eom" means when typed on ``of``)."""
    first_of_next = (of.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_of_next - timedelta(days=1)


def day_month(offset: int = 0) -> str:
    """``day(offset)`` as the words write a day, '12 Oct', with its year when it is not TODAY's
    ('27 Dec 2026' seen from January): a test that leaves the year out holds only in mid-year."""
    when = day(offset)
    return f"{when.day} {when:%b}" + (f" {when.year}" if when.year != TODAY.year else "")


def weekday_day_month(offset: int = 0) -> str:
    """``day(offset)`` as 'Fri 4 Dec', with its year when it is not TODAY's ('Fri 4 Dec 2026')."""
    return f"{day(offset):%a} " + day_month(offset)
