"""`workplan serve` refuses every request without its secret token (issue 15).

A real aiohttp server on a free loopback port, driven by aiohttp's test client; the board
is a stand-in (fake_board.py) that speaks Textual's web-driver protocol and notes how it
was started, so these tests take a second, not a browser.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from workplan_tui.serve.secret import Redact, new_token, same_secret, token_of
from workplan_tui.serve.server import BoardServer, bounded, is_loopback, session_command

FAKE_BOARD = Path(__file__).with_name("fake_board.py")


@pytest.fixture
def record(tmp_path: Path) -> Path:
    return tmp_path / "started.jsonl"


@pytest.fixture
def server(record: Path) -> BoardServer:
    return BoardServer([sys.executable, str(FAKE_BOARD), str(record)], title=lambda: "Gardens · as alice · workplan")


@pytest.fixture
async def client(server: BoardServer) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(server.make_app(), host="127.0.0.1")) as test_client:
        yield test_client


def starts(record: Path) -> list[dict]:
    return [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []


def wrong_tokens(token: str) -> list[str]:
    return ["", "x", token[:-1], token + "x", token.upper(), token[::-1], "é" * 43, "%2F" + token, "..", "static"]


async def test_every_path_without_the_token_is_403_and_starts_nothing(
    client: TestClient, server: BoardServer, record: Path
) -> None:
    paths = ["/", "/ws", "/static/js/textual.js", "/download/x", "/favicon.ico"]
    for wrong in filter(None, wrong_tokens(server.token)):
        paths += [f"/{wrong}/", f"/{wrong}/ws", f"/{wrong}/static/js/textual.js", f"/{wrong}"]
    paths += [f"/x/{server.token}/", f"/?token={server.token}", f"/ws?token={server.token}"]
    for path in paths:
        response = await client.get(path)
        assert response.status == 403, path
        assert server.token not in await response.text()
        assert response.headers["Referrer-Policy"] == "no-referrer"
    for path in ("/ws", f"/{server.token[:-1]}/ws", f"/{server.token}x/ws"):
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(path)
        assert refused.value.status == 403
    assert server.started == 0 and starts(record) == []


async def test_the_token_opens_the_page_its_files_and_a_board(
    client: TestClient, server: BoardServer, record: Path
) -> None:
    base = f"/{server.token}/"
    page = await client.get(base)
    assert page.status == 200
    html = await page.text()
    assert "<title>Gardens · as alice · workplan</title>" in html
    assert "googleapis" not in html and "https://" not in html  # nothing fetched from another site
    headers = page.headers
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"] and headers["X-Frame-Options"] == "DENY"
    assert "Set-Cookie" not in headers
    for name in ("js/textual.js", "css/xterm.css"):
        assert (await client.get(f"{base}static/{name}")).status == 200
    assert (await client.get(f"{base}static/../server.py")).status == 404
    assert (await client.get(f"{base}static/%2e%2e/server.py")).status == 404
    bare = await client.get(f"/{server.token}", allow_redirects=False)
    assert bare.status == 302 and bare.headers["Location"] == base

    async with client.ws_connect(f"{base}ws?width=100&height=30") as ws:
        message = await ws.receive(timeout=10)
        assert message.type == aiohttp.WSMsgType.BINARY and message.data == b"hello from the board"
        await ws.send_json(["stdin", "+"])
        assert (await ws.receive(timeout=10)).data == b"echo +"
    assert server.started == 1
    [started] = starts(record)
    assert started["argv"][1:] == [str(record)] and (started["columns"], started["rows"]) == ("100", "30")


async def test_a_browser_query_only_sets_a_bounded_size(client: TestClient, server: BoardServer, record: Path) -> None:
    query = "width=99999&height=-5&cmd=rm&argv=x&FILE=/etc/passwd&user=root"
    async with client.ws_connect(f"/{server.token}/ws?{query}") as ws:
        await ws.receive(timeout=10)
    [started] = starts(record)
    assert started["argv"][1:] == [str(record)]  # the command fixed at start, nothing from the query
    assert (started["columns"], started["rows"]) == ("1000", "5")


async def test_a_page_of_another_site_may_not_open_a_board(
    client: TestClient, server: BoardServer, record: Path
) -> None:
    for origin in ("http://evil.example", "null", "http://127.0.0.1:1"):
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(f"/{server.token}/ws", origin=origin)
        assert refused.value.status == 403
    assert server.started == 0
    own = f"http://{client.server.host}:{client.server.port}"
    async with client.ws_connect(f"/{server.token}/ws", origin=own) as ws:
        assert (await ws.receive(timeout=10)).data == b"hello from the board"


def test_tokens_are_long_random_and_compared_whole() -> None:
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50 and all(len(t) >= 43 for t in tokens)
    token = tokens.pop()
    assert same_secret(token, token)
    assert not any(same_secret(w, token) for w in wrong_tokens(token))
    assert token_of(f"/{token}/ws") == token and token_of("/") == "" and token_of("") == ""


def test_the_token_never_reaches_a_log_line(caplog: pytest.LogCaptureFixture) -> None:
    token = new_token()
    logger = logging.getLogger("test.serve")
    handler = logging.Handler()
    seen: list[str] = []
    handler.emit = lambda r: seen.append(r.getMessage())  # type: ignore[method-assign]
    handler.addFilter(Redact(token))
    logger.addHandler(handler)
    try:
        logger.warning("GET /%s/ws", token)
        try:
            raise ValueError(f"bad path /{token}/")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    assert seen and all(token not in line for line in seen) and "<token>" in seen[0]
    assert "ValueError: bad path /<token>/" in seen[1]


def test_the_session_command_runs_no_shell_and_no_local_module(tmp_path: Path) -> None:
    argv = session_command(tmp_path / "a b;$(x).json", "alice")
    assert argv[:4] == [sys.executable, "-I", "-m", "workplan_tui.ui.web"]  # -I: the cwd is not on sys.path
    assert argv[4:] == [str(tmp_path / "a b;$(x).json"), "alice"]
    assert bounded("12", 80, 10, 1000) == 12 and bounded("1e9", 80, 10, 1000) == 80 and bounded(None, 24, 5, 9) == 9


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.1.2.3", True), ("0.0.0.0", False), ("::", False)]
    + [("10.0.0.5", False), ("example.org", False)],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


async def test_a_board_that_fails_says_so_on_stderr_and_the_session_ends(capfd: pytest.CaptureFixture[str]) -> None:
    failing = [sys.executable, "-c", "import sys; sys.stderr.write('board: cannot open the file\\n'); sys.exit(1)"]
    server = BoardServer(failing)
    async with TestClient(TestServer(server.make_app(), host="127.0.0.1")) as client:
        async with client.ws_connect(f"/{server.token}/ws") as ws:
            message = await ws.receive(timeout=10)
            assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
    out, err = capfd.readouterr()
    assert "board: cannot open the file" in err and "cannot open" not in out


async def test_the_title_is_text_not_markup(record: Path) -> None:
    server = BoardServer([sys.executable, str(FAKE_BOARD), str(record)], title=lambda: "</title><script>x()</script>")
    async with TestClient(TestServer(server.make_app(), host="127.0.0.1")) as client:
        html = await (await client.get(f"/{server.token}/")).text()
    assert "<title>&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;</title>" in html and "<script>x()" not in html


@pytest.mark.parametrize(
    ("given", "host"), [("localhost", "127.0.0.1"), ("LOCALHOST", "127.0.0.1"), ("[::1]", "::1"), ("::1", "::1")]
)
def test_localhost_is_one_loopback_address(given: str, host: str) -> None:
    """`localhost --port 0` would listen on two random ports, one per address family."""
    from workplan_tui.serve.server import LOOPBACK_TWIN, canonical_host

    assert canonical_host(given) == host and host in LOOPBACK_TWIN


async def test_behind_a_proxy_that_ends_tls_the_page_opens_a_secure_websocket(
    client: TestClient, server: BoardServer
) -> None:
    """docs/administration.md's proxy passes the Host and says the browser came over HTTPS."""
    base = f"/{server.token}/"
    plain = await (await client.get(base)).text()
    assert f'data-session-websocket-url="ws://{client.server.host}:{client.server.port}{base}ws"' in plain
    proxied = {"Host": "board.eastside.example", "X-Forwarded-Proto": "https"}
    page = await (await client.get(base, headers=proxied)).text()
    assert f'data-session-websocket-url="wss://board.eastside.example{base}ws"' in page
    async with client.ws_connect(f"{base}ws", headers=proxied, origin="https://board.eastside.example") as ws:
        assert (await ws.receive(timeout=10)).data == b"hello from the board"
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:  # the Origin check holds behind the proxy too
        await client.ws_connect(f"{base}ws", headers=proxied, origin="https://evil.example")
    assert refused.value.status == 403


async def test_a_proxy_that_says_forwarded_gets_wss_too(client: TestClient, server: BoardServer) -> None:
    """RFC 7239's header, as HAProxy and others send it, says the same as X-Forwarded-Proto (issue 31)."""
    base = f"/{server.token}/"
    proxied = {"Host": "board.eastside.example", "Forwarded": 'for=192.0.2.1;proto=https;host="board.eastside.example"'}
    page = await (await client.get(base, headers=proxied)).text()
    assert f'data-session-websocket-url="wss://board.eastside.example{base}ws"' in page
    plain = {"Host": "board.eastside.example", "Forwarded": "for=192.0.2.1;proto=http"}
    assert "ws://board.eastside.example" in await (await client.get(base, headers=plain)).text()
