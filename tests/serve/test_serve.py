"""`workplan serve` as a person runs it: a real process, the real board, a hostile neighbour's view."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import log_of
from tests.serve.conftest import Served, boards_on, start_serve


def task(path: Path, task_id: int) -> dict:
    return json.loads(path.read_text())["tasks"][str(task_id)]


def readable_places(pid: int) -> list[bytes]:
    """What another user could try to read about a process: its arguments and environment."""
    found = []
    for name in ("cmdline", "environ"):
        try:
            found.append(Path(f"/proc/{pid}/{name}").read_bytes())
        except OSError:
            pass
    return found


async def drain(ws: aiohttp.ClientWebSocketResponse, seconds: float) -> None:
    """Read (and drop) what the board sends for ``seconds``, as a browser would."""
    deadline = time.monotonic() + seconds
    while not ws.closed and (left := deadline - time.monotonic()) > 0:
        try:
            await ws.receive(timeout=left)
        except TimeoutError:
            return


async def test_the_real_board_over_a_websocket_acts_as_the_member_who_serves(served: Served, tmp_path: Path) -> None:
    before = task(served.file, 1)
    async with aiohttp.ClientSession() as session:
        async with session.get(served.url) as page:
            assert page.status == 200
            assert "<title>Test Partnership · as alice · workplan</title>" in await page.text()
        async with session.get(served.url.rstrip("/")[: -len(served.token)]) as refused:
            assert refused.status == 403
        async with session.ws_connect(served.url + "ws?width=100&height=30") as ws:
            message = await ws.receive(timeout=20)
            assert message.type == aiohttp.WSMsgType.BINARY  # the board's first screen
            boards = boards_on(served.file)
            assert len(boards) == 1
            await ws.send_json(["stdin", "+"])
            deadline = time.monotonic() + 15
            while task(served.file, 1) == before and time.monotonic() < deadline:
                await drain(ws, 0.2)
            assert task(served.file, 1)["progress"] == before["progress"] + 10
            # A neighbour on the server sees the processes: the token is in none of their
            # arguments or environments, the server's included.
            token = served.token.encode()
            for pid in [served.process.pid, *boards]:
                places = readable_places(pid)
                assert places and not any(token in place for place in places)
    entry = log_of(served.file)[-1]
    assert entry["kind"] == "task.progress" and entry["member"] == "alice"
    assert entry["os_user"].endswith(" via browser")
    deadline = time.monotonic() + 10
    while boards_on(served.file) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert boards_on(served.file) == []  # the browser left: its board quit
    code, out, err = served.stop()
    assert code == 0 and out == "" and "stopped serving" in err
    assert served.token not in err
    for file in tmp_path.rglob("*"):  # no file written anywhere near holds the token
        if file.is_file():
            assert token not in file.read_bytes(), file


def test_a_stopped_server_leaves_no_board_running(wp: Path, tmp_path: Path) -> None:
    served = start_serve(wp, tmp_path)

    async def open_board() -> None:
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(served.url + "ws")
            await ws.receive(timeout=20)
            assert len(boards_on(wp)) == 1
            code, _, err = served.stop()  # the browser is still connected
            assert code == 0, err

    asyncio.run(open_board())
    assert boards_on(wp) == []


def test_serve_warns_about_another_host_and_says_when_the_port_is_taken(run) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = run("serve", "--host", "0.0.0.0", "--port", port)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("workplan: warning: serving on 0.0.0.0, not only this machine")
    assert lines[-1].startswith(f"workplan: error: cannot listen on 0.0.0.0 port {port}: ")
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "a b"], "workplan: error: --host 'a b' is not a host name or address"),
        (["--host", "no-such-host.invalid"], "workplan: error: cannot listen on no-such-host.invalid port 0: "),
        (["--port", "70000"], "'--port': 70000 is more than 65535: give a whole number from 0 to 65535"),
    ],
)
def test_bad_input_is_one_line(run, args: list[str], message: str) -> None:
    result = run("serve", *args, "--port", "0") if "--port" not in args else run("serve", *args)
    assert result.exit_code in (1, 2)
    assert message in result.stderr.splitlines()[-1] and "Traceback" not in result.output


def test_a_bad_file_is_one_line_before_anything_listens(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = run("serve", "--port", "0", path=bad)
    assert result.exit_code == 1 and result.stderr.startswith("workplan: error: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_address_is_not_printed_into_a_file_others_can_read(wp: Path, tmp_path: Path) -> None:
    out = tmp_path / "url.txt"
    out.touch(mode=0o644)
    out.chmod(0o644)
    env = {**os.environ, "WORKPLAN_USER": "alice", "WORKPLAN_FILE": str(wp)}
    with out.open("wb") as stdout:
        result = subprocess.run(
            [sys.executable, "-m", "workplan_tui", "serve", "--port", "0"],
            env=env,
            stdout=stdout,
            stderr=subprocess.PIPE,
            timeout=30,
        )
    assert result.returncode == 1 and out.read_bytes() == b""
    assert b"standard output is a file that others can read" in result.stderr


def test_the_other_loopback_address_is_held_too(run) -> None:
    """A tunnel to localhost:PORT may reach [::1] first: nobody else may be listening there."""
    try:
        squatter = socket.socket(socket.AF_INET6)
        squatter.bind(("::1", 0))
    except OSError:
        pytest.skip("this machine has no IPv6 loopback address")
    with squatter:
        squatter.listen()
        port = str(squatter.getsockname()[1])
        result = run("serve", "--port", port)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"workplan: error: cannot listen on [::1] port {port} as well (")
    assert "a tunnel to localhost" in result.stderr


async def test_a_non_member_serves_a_read_only_board(wp: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("WORKPLAN_USER", "zed")
    served = start_serve(wp, tmp_path, user="zed")
    before = wp.read_bytes()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(served.url + "ws") as ws:
                await ws.receive(timeout=20)
                await ws.send_json(["stdin", "+"])
                await drain(ws, 1.5)
    finally:
        code, _, err = served.stop()
    assert wp.read_bytes() == before
    assert "the board will be read-only: zed is not a member" in err and code == 0
