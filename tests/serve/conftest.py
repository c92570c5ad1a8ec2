"""A real `workplan serve` process on a free loopback port, for the tests that need the real board."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    url: str
    file: Path

    @property
    def token(self) -> str:
        return self.url.rstrip("/").rsplit("/", 1)[1]

    def stop(self) -> tuple[int, str, str]:
        """SIGTERM, as Ctrl+C or a service manager would; (exit code, rest of stdout, stderr)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            out, err = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
        return self.process.returncode, out.decode(), err.decode()


def start_serve(path: Path, home: Path, *args: str, user: str = "alice") -> Served:
    env = {
        **os.environ,
        "WORKPLAN_USER": user,
        "WORKPLAN_FILE": str(path),
        "WORKPLAN_CONFIG_DIR": str(home / "config"),
    }
    command = [sys.executable, "-m", "workplan_tui", "serve", "--port", "0", *args]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=home)
    assert process.stdout is not None
    deadline = time.monotonic() + 20
    line = b""
    while not line.endswith(b"\n") and time.monotonic() < deadline and process.poll() is None:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line += os.read(process.stdout.fileno(), 1)
    if not line.endswith(b"\n"):
        process.kill()
        _, err = process.communicate()
        pytest.fail(f"workplan serve printed no address: {err.decode()}")
    return Served(process, line.decode().strip(), path)


@pytest.fixture
def served(wp: Path, tmp_path: Path) -> Iterator[Served]:
    server = start_serve(wp, tmp_path)
    try:
        yield server
    finally:
        server.stop()


def boards_on(path: Path) -> list[int]:
    """Pids of the browser sessions' boards on ``path`` (``python -I -m workplan_tui.ui.web PATH ...``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"workplan_tui.ui.web" in argv and str(path).encode() in argv:
                found.append(int(entry.name))
    return found
