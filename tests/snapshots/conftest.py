"""Snapshots are pictures of one day: they keep their own, whatever WORKPLAN_TEST_TODAY says.

An SVG holds the weekday names and month days the screens show ("Fri 4 Dec"), which no
offset from another day reproduces; so this folder pins the clock to ``SNAPSHOT_NOW``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

SNAPSHOT_NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


@pytest.fixture
def pinned_now() -> datetime:
    return SNAPSHOT_NOW
