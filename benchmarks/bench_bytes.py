"""Bytes the board writes to the terminal per key: what a key costs over SSH.

    python benchmarks/bench_bytes.py [--size 80x24] [--runs 5]

The real board (``workplan -f demo.json``, the demo partnership) runs in a pseudo-terminal of
the given size with true colour (``TERM=xterm-256color``, ``COLORTERM=truecolor``), as an SSH
session gives it; after it has settled, keys are sent one at a time and every byte it writes
until it is quiet again is counted. The baseline, measured in the same run, is what the board
writes to draw its whole screen the first time (its first paint, with the terminal's set-up),
so each figure is also a ratio: the share of a whole screen a key costs.

* ``+`` on a card (the card's progress, its plan's row and figures change): target under 3 KB.
* a move of the selection (``down``, then ``up``): target under 1.5 KB.

tests/ui/test_terminal_bytes.py holds the same targets, and checks that the screen a terminal
shows after the keys is the screen the board would draw afresh (nothing lost on screen).

Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {"+ on a card": 3000, "move the selection": 1500}
QUIET = 0.6  # seconds without output: the board has finished drawing


def read_quiet(fd: int, quiet: float = QUIET, limit: float = 20.0) -> bytes:
    """Everything the terminal receives until it has been quiet for ``quiet`` seconds."""
    out = bytearray()
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out.extend(chunk)
    return bytes(out)


def start(path: Path, rows: int, cols: int, home: Path) -> tuple[int, subprocess.Popen[bytes]]:
    fd, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "COLUMNS": str(cols),
        "LINES": str(rows),
        "WORKPLAN_CONFIG_DIR": str(home / "config"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("NO_COLOR", None)
    app = subprocess.Popen(
        [sys.executable, "-m", "workplan_tui", "-f", str(path)],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        start_new_session=True,
    )
    os.close(terminal)
    return fd, app


def measure(rows: int, cols: int) -> dict[str, float]:
    """One board: the bytes of a full repaint and of each key, in a fresh demo file."""
    from workplan_tui.cli.main import Env  # noqa: F401 - the CLI loads as the board's would
    from workplan_tui.store.sample import write_demo
    from workplan_tui.store.storage import os_login

    home = Path(tempfile.mkdtemp(prefix="workplan-bytes-"))
    path = write_demo(home / "demo.json", today=date.today(), user=os_login())
    fd, app = start(path, rows, cols, home)
    try:
        first = read_quiet(fd, quiet=1.5, limit=30)
        if not first:
            raise SystemExit("the board wrote nothing: is this a terminal-capable environment?")
        figures: dict[str, float] = {"first paint (baseline)": len(first)}
        os.write(fd, b"\x1b[C")  # right: the Doing column, whose cards stay in it at +10 %
        read_quiet(fd)
        plus = []
        for key in (b"+", b"-", b"+", b"-"):  # one card changes (and its plan's row and figures)
            os.write(fd, key)
            plus.append(len(read_quiet(fd)))
        figures["+ on a card"] = statistics.median(plus)
        moves = []
        for key in (b"\x1b[B", b"\x1b[A", b"\x1b[B", b"\x1b[A"):  # down, up
            os.write(fd, key)
            moves.append(len(read_quiet(fd)))
        figures["move the selection"] = statistics.median(moves)
        return figures
    finally:
        os.write(fd, b"q")
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
        os.close(fd)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="80x24", help="COLSxROWS of the terminal (default 80x24)")
    parser.add_argument("--runs", type=int, default=5, help="fresh boards to measure (medians are printed)")
    options = parser.parse_args()
    cols, rows = (int(n) for n in options.size.lower().split("x"))
    runs = [measure(rows, cols) for _ in range(options.runs)]
    names = list(runs[0])
    baseline = statistics.median(r["first paint (baseline)"] for r in runs)
    print(f"bytes written to a {cols}x{rows} true-colour terminal, median of {options.runs} boards:")
    missed = False
    for name in names:
        value = statistics.median(r[name] for r in runs)
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            ok = value < target
            missed |= not ok
            verdict = f"  target < {target:,} B: {'ok' if ok else 'MISSED'}"
        print(f"  {name:<26} {value:>8,.0f} B  {value / baseline:5.2f} x the first paint{verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
