"""Presence ages entries by the file system's clock, so a reader whose clock is off still sees right."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import time_machine

from workplan_tui.store.presence import EXPIRES, Presence


@pytest.mark.parametrize("skew_minutes", [-10, 10, -600, 600])
def test_presence_survives_a_clock_skew_between_writer_and_reader(wp: Path, skew_minutes: int) -> None:
    """The file server stamps the entries; the reader's clock is minutes (or hours) off, either way.

    Comparing an entry's mtime with this machine's clock would, with the reader ahead, hide a live
    board, and with the reader behind, keep a dead board "here" for as long as the skew.
    """
    live, dead = Presence(wp, "bob"), Presence(wp, "carol")
    live.beat()
    dead.beat()
    server_now = live.entry.stat().st_mtime
    os.utime(live.entry, (server_now - 5, server_now - 5))  # bob's board beat 5 s ago
    gone = server_now - EXPIRES - 30  # carol's board crashed half a minute past expiry
    os.utime(dead.entry, (gone, gone))
    me = Presence(wp, "alice")
    me.beat()
    reader_clock = time_machine.escape_hatch.time.time() + skew_minutes * 60
    with time_machine.travel(reader_clock, tick=True):
        assert me.others() == ["bob"]
    assert live.entry.exists() and not dead.entry.exists()  # the dead entry is cleared away, the live one kept


def test_a_reader_that_cannot_touch_its_entry_uses_the_newest_entry(wp: Path) -> None:
    """A board with no entry of its own (it has not beaten yet) still ages the others by file times."""
    live, dead = Presence(wp, "bob"), Presence(wp, "carol")
    live.beat()
    dead.beat()
    server_now = live.entry.stat().st_mtime
    gone = server_now - EXPIRES - 30
    os.utime(dead.entry, (gone, gone))
    with time_machine.travel(time_machine.escape_hatch.time.time() + 3600, tick=True):
        assert Presence(wp, "alice").others() == ["bob"]
