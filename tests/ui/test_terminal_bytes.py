"""Stored text through the real app in a real pseudo-terminal: check the bytes it writes.

Markup in a title must not style, link or run anything, an unbalanced tag must not
crash, and escape sequences in the file must never reach the terminal.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import FIXED_NOW, make_store
from tests.ui.readability import half_default, terminal_cells
from workplan_tui.store import actions
from workplan_tui.store.sample import write_demo

ROOT = Path(__file__).resolve().parents[2]
NASTY = [
    "[bold]x",
    "[@click=app.quit]Open[/]",
    '[link="file:///etc/passwd"]x[/]',
    "Budget [/b] review",
    "osc\x1b]52;c;ZXZpbA==\x07 clear\x1b[2J bell\x07 csi\x9b31m",
]


def read_until(fd: int, needle: bytes, seconds: float, buffer: bytearray) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return needle in buffer
            if not chunk:
                return needle in buffer
            buffer.extend(chunk)
            if needle in buffer:
                return True
    return needle in buffer


def settle(fd: int, buffer: bytearray, quiet: float = 1.0, seconds: float = 15) -> None:
    """Read until the app has written nothing for ``quiet`` seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            return
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        buffer.extend(chunk)


@contextmanager
def in_pty(args: list[str], tmp_path: Path, rows: int, cols: int, **env: str) -> Iterator[tuple[int, subprocess.Popen]]:
    """``python ARGS`` in a new pseudo-terminal of ``rows`` x ``cols``: (its fd, the process); killed after."""
    fd, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    full = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": str(cols),  # as the window size says: a COLUMNS inherited from the test run would win
        "LINES": str(rows),
        "WORKPLAN_USER": "alice",
        "WORKPLAN_CONFIG_DIR": str(tmp_path / "config"),
        "PYTHONPATH": str(ROOT),
        **env,
    }
    app = subprocess.Popen(
        [sys.executable, *args], stdin=terminal, stdout=terminal, stderr=terminal, env=full, start_new_session=True
    )
    os.close(terminal)
    try:
        yield fd, app
    finally:
        if app.poll() is None:
            app.kill()
        with contextlib.suppress(OSError):  # a test may have closed it: the terminal went away
            os.close(fd)


def test_stored_text_reaches_the_terminal_only_as_literal_text(wp: Path, tmp_path: Path) -> None:
    store = make_store(wp)
    for title in NASTY:
        actions.add_task(store, 1, title, notes=title)
    out = bytearray()
    with in_pty(["-m", "workplan_tui", "-f", str(wp)], tmp_path, 30, 120) as (fd, app):  # the real CLI
        assert read_until(fd, b"Test Partnership", 20, out), out[-500:]
        settle(fd, out)  # keys sent while the app is still drawing its first screens can be lost
        os.write(fd, b"t")  # the table view: every title in full
        assert read_until(fd, b"Budget [/b] review", 10, out)
        os.write(fd, b"q")
        read_until(fd, b"\x00never", 5, out)
        status = app.wait(timeout=10)
    assert status == 0  # no crash on "[/b]"
    for literal in (b"[bold]x", b"[@click=app.quit]Open[/]", b'[link="file:///etc/passwd"]x[/]', b"Budget [/b] review"):
        assert literal in out
    assert b"\x1b]52" not in out  # no clipboard write
    assert b"\x1b]8;" not in out  # no hyperlink
    assert b"file:///etc/passwd\x1b" not in out
    assert "\x9b".encode() not in out  # no C1 control (U+009B CSI, UTF-8 encoded)
    assert b"clear\x1b[2J" not in out
    without_osc = re.sub(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)", b"", bytes(out))  # Textual's own OSC 22
    assert b"\x07" not in without_osc  # no bell from the data
    assert "osc\u241b]52;c;ZXZpbA==".encode() in out  # shown, harmlessly, as a visible ESC symbol


def test_a_terminal_of_16_colours_gets_both_colours_of_every_cell(tmp_path: Path) -> None:
    """TERM=xterm starts the board in workplan-high-contrast, a theme of the terminal's own
    colours: "bright text on black". A cell that set one of its colours and left the other
    to the terminal's default was white on white, or black on black, on a terminal with a
    white background (stock xterm). Every screen sent must name both, whatever the terminal's."""
    sample = write_demo(tmp_path / "sample.json", today=FIXED_NOW.date(), user="alice")
    # (what, keys): the board, its dialogs and fields, a field's choices open, the palette, a notice
    steps = [
        ("help", b"?"),
        ("board", b"\x1b"),
        ("plan form", b"p"),
        ("board", b"\x1b"),
        ("task form", b"e"),
        ("owner choices", b"\t\r"),
        ("task form", b"\x1b"),
        ("board", b"\x1b"),
        ("palette", b"\x10"),  # ctrl+p
        ("board", b"\x1b"),
        ("a notice", b"u"),
        ("people", b"w"),
    ]
    problems: list[str] = []
    out = bytearray()
    with in_pty(["-m", "workplan_tui", "-f", str(sample)], tmp_path, 24, 80, TERM="xterm", COLORTERM="") as (fd, _):
        assert read_until(fd, b"Eastside", 20, out), out[-500:]
        settle(fd, out)
        steps.insert(0, ("first paint", b""))
        for what, keys in steps:
            if keys:
                out.clear()
                os.write(fd, keys)
                settle(fd, out, quiet=0.5)
            bad = half_default(terminal_cells(bytes(out)))
            if bad:
                shown = "".join(c.char for c in bad[:60])
                problems.append(f"{what}: {len(bad)} cells, e.g. line {bad[0].y} {bad[0]}: {shown!r}")
    assert not problems, "\n".join(problems)


def screen_of(data: bytes, rows: int, cols: int) -> dict[tuple[int, int], tuple[str, str | None, str | None]]:
    """What a terminal shows after ``data``: each cell's last character and colours."""
    screen: dict[tuple[int, int], tuple[str, str | None, str | None]] = {}
    for cell in terminal_cells(data):
        if cell.y < rows and cell.x < cols:
            screen[(cell.y, cell.x)] = (cell.char, cell.fg, cell.bg)
    return screen


def test_a_key_sends_what_changed_and_the_screen_stays_whole(tmp_path: Path) -> None:
    """Over SSH every byte counts (issue 31): + on a card sent 12.7 KB at 80x24 in true colour, a
    move 3.1 KB. benchmarks/bench_bytes.py measures it; these are its targets. What is not sent
    must already be on the screen: after the keys, the terminal shows what a full repaint draws."""
    sample = write_demo(tmp_path / "sample.json", today=FIXED_NOW.date(), user="alice")
    rows, cols = 24, 80
    out = bytearray()
    sent: dict[str, list[int]] = {"plus": [], "move": []}
    with in_pty(["-m", "workplan_tui", "-f", str(sample)], tmp_path, rows, cols, COLORTERM="truecolor") as (fd, app):
        assert read_until(fd, b"Eastside", 20, out), out[-500:]
        settle(fd, out, quiet=1.0)
        keys = (("move", b"\x1b[C"), ("plus", b"+"), ("move", b"\x1b[B"), ("plus", b"-"), ("move", b"\x1b[A"))
        for what, key in keys:  # right to Doing, +, down, -, up
            before = len(out)
            os.write(fd, key)
            settle(fd, out, quiet=0.6)
            if what != "move" or key != b"\x1b[C":  # a column change is two columns' worth
                sent[what].append(len(out) - before)
        shown = screen_of(bytes(out), rows, cols)
        # a full repaint of the same state: a new size, then the old one again
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols + 1, 0, 0))
        os.kill(app.pid, signal.SIGWINCH)  # the board has no controlling terminal to be told by
        settle(fd, out, quiet=0.6)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        repaint = len(out)
        os.kill(app.pid, signal.SIGWINCH)
        settle(fd, out, quiet=0.8)
        assert len(out) - repaint > 10_000  # a whole screen was drawn again
        fresh = screen_of(bytes(out), rows, cols)
    assert max(sent["plus"]) < 3000, sent
    assert max(sent["move"]) < 1500, sent
    differ = sorted(cell for cell in fresh if shown.get(cell) != fresh[cell])
    assert not differ, [(cell, shown.get(cell), fresh[cell]) for cell in differ[:10]]
