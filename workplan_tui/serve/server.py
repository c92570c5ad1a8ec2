"""The web server of ``workplan serve``: textual-serve's, behind a secret token.

textual-serve (the Textual project's server) answers a page, its static files and a
websocket; each websocket starts one process that runs the app with Textual's web
driver and relays its screen and keys. It has no login, and every session acts as the
user who runs the server. So, on a shared server where every local user can reach
``127.0.0.1``:

- every path starts with the secret token (``secret.py``); a request without it is
  refused with 403 before any handler runs, so it starts no board;
- a websocket whose ``Origin`` is another site is refused too;
- the board's command is fixed when the server starts (``session_command``) and run
  without a shell; a browser's query only sets the terminal's size, as two bounded
  numbers. ``python -I`` keeps the current folder (often the shared, group-writable
  partnership folder) and ``PYTHON*`` variables out of the session's imports;
- every response says ``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store``,
  forbids framing, and allows no other site's scripts, styles or fonts;
- no access log is written, and whatever else is logged has the token replaced.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import os
import signal
import socket
import sys
from asyncio.subprocess import PIPE, Process
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from workplan_tui.serve.secret import Redact, new_token, same_secret, token_of

log = logging.getLogger("workplan.serve")

SESSION_MODULE = "workplan_tui.ui.web"
TEMPLATES = Path(__file__).resolve().parent / "templates"
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
# Serving on one loopback address holds the other one too (see _hold_twin).
LOOPBACK_TWIN = {"127.0.0.1": "::1", "::1": "127.0.0.1"}
QUIT_WAIT = 3.0  # seconds a session has to close its board when the server stops

SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'none'"
    ),
}
REFUSED = "403 Forbidden: this address needs the secret token that 'workplan serve' printed.\n"


class ServeError(Exception):
    """Something the person who runs ``serve`` must fix: one line, no traceback."""


def session_command(path: Path, member: str, theme: str | None = None) -> list[str]:
    """The one command every browser session runs: the board on ``path`` as ``member``.

    ``-I`` (isolated): neither the current folder nor ``PYTHONPATH`` is searched for modules.
    """
    return [sys.executable, "-I", "-m", SESSION_MODULE, str(path), member, *([theme] if theme else [])]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def canonical_host(host: str) -> str:
    """``localhost`` as ``127.0.0.1``: one address, whose IPv6 twin ``_hold_twin`` then holds on the same port."""
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    return "127.0.0.1" if host.lower() in LOOPBACK_NAMES else host


def bracketed(host: str) -> str:
    """An IPv6 address as a URL writes it: ``[::1]``."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def url_host(host: str) -> str:
    """How ``host`` is written in the printed address: "every address" as this machine's name."""
    return socket.getfqdn() if host in ("", "0.0.0.0", "::") else bracketed(host)


def bounded(value: str | None, default: int, low: int, high: int) -> int:
    """A number from a query string, within [low, high]; the default when it is not one."""
    try:
        number = int(value) if value is not None and len(value) <= 6 else default
    except ValueError:
        number = default
    return max(low, min(high, number))


class BoardSession(AppService):
    """One browser session: the board's process, started from a fixed argument list without a shell."""

    def __init__(self, argv: list[str], **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = list(argv)

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        environment = self._build_environment(width=width, height=height)
        # The board's own errors go straight to serve's standard error (textual-serve would
        # copy them onto standard output, which carries only the address).
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=PIPE, stdout=PIPE, stderr=None, env=environment, start_new_session=True
        )
        nothing = asyncio.StreamReader()
        nothing.feed_eof()
        process.stderr = nothing
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def run(self) -> None:
        """Relay the board until it ends, then end the browser's session too (the page says so).

        textual-serve closes the websocket only when the board says it exits: a board that
        could not start would leave a blank page waiting.
        """
        await super().run()
        await self.remote_close()

    async def close(self) -> None:
        """Ask the board to quit; kill it when it does not within QUIT_WAIT seconds."""
        process = self._process
        try:
            await asyncio.wait_for(self.stop(), QUIT_WAIT)
        except (TimeoutError, asyncio.CancelledError, OSError):
            pass
        if process is not None and process.returncode is None:
            try:
                process.kill()
                await asyncio.wait_for(process.wait(), QUIT_WAIT)
            except (ProcessLookupError, TimeoutError):
                pass


class BoardServer(Server):
    """textual-serve's ``Server`` with every route under the token and one fixed board command."""

    def __init__(
        self,
        argv: list[str],
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        title: Callable[[], str] = lambda: "workplan",
        token: str | None = None,
    ) -> None:
        super().__init__(" ".join(argv), host=host, port=port)
        self.argv = list(argv)
        self.token = token or new_token()
        self.page_title = title
        self.sessions: set[BoardSession] = set()
        self.started = 0  # board processes started, ever (the tests count them)
        self.statics = {
            p.relative_to(self.statics_path).as_posix(): p for p in self.statics_path.rglob("*") if p.is_file()
        }
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
        )

    # --- the application ---------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        return self.make_app()

    def make_app(self) -> web.Application:
        """The aiohttp application: four routes, all under ``/{token}``, behind ``guard``."""
        app = web.Application(middlewares=[self.guard])
        app.add_routes(
            [
                web.get("/{token}", self.handle_bare),
                web.get("/{token}/", self.handle_index),
                web.get("/{token}/ws", self.handle_websocket),
                web.get("/{token}/static/{name:.+}", self.handle_static),
            ]
        )
        app.on_response_prepare.append(self._secure_headers)
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def guard(self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
        """403, and nothing else done, for a request without the token or from another site's page."""
        if not same_secret(token_of(request.path), self.token):
            return web.Response(status=403, text=REFUSED)
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc.lower() != request.host.lower():
            return web.Response(status=403, text="403 Forbidden: a page of another site may not open this board.\n")
        return await handler(request)

    @staticmethod
    async def _secure_headers(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(SECURITY_HEADERS)

    # --- handlers ------------------------------------------------------------------------

    async def handle_bare(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(f"/{self.token}/")

    async def handle_index(self, request: web.Request) -> web.Response:  # type: ignore[override]
        """The page: textual-serve's, titled with who the board acts as."""
        title = await asyncio.to_thread(self.page_title)
        base = f"/{self.token}/"
        page = self.templates.get_template("board.html").render(
            title=title,
            static_url=f"{base}static/",
            app_websocket_url=f"{websocket_scheme(request)}://{request.host}{base}ws",
        )
        return web.Response(text=page, content_type="text/html")

    async def handle_static(self, request: web.Request) -> web.StreamResponse:
        """textual-serve's script, style, fonts and image, looked up by name (never a path built from the URL)."""
        found = self.statics.get(request.match_info["name"])
        if found is None:
            raise web.HTTPNotFound()
        return web.FileResponse(found)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser session: a board process relayed over this websocket."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = bounded(request.query.get("width"), 80, 10, 1000)
        height = bounded(request.query.get("height"), 24, 5, 500)
        await websocket.prepare(request)
        session = BoardSession(
            self.argv,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        self.sessions.add(session)
        try:
            self.started += 1
            await session.start(width, height)
            await self._process_messages(websocket, session)
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # a session's failure is one line; the server stays up
            log.warning("a browser session ended: %s", type(exc).__name__)
        finally:
            self.sessions.discard(session)
            await session.close()
            await websocket.close()
        return websocket

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every board still open (the server is stopping)."""
        await asyncio.gather(*(session.close() for session in list(self.sessions)), return_exceptions=True)

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints a logo and the address here; ``serve`` prints the address once, itself."""


def websocket_scheme(request: web.Request) -> str:
    """``"wss"`` when the browser reached the page over HTTPS, else ``"ws"``.

    Behind a reverse proxy that ends TLS (docs/administration.md), the request arrives as plain
    HTTP with ``X-Forwarded-Proto: https`` (or ``Forwarded: proto=https``, RFC 7239, as HAProxy
    and others send it); a page served over HTTPS may open only a ``wss://``
    websocket. Trusting the header is safe: it chooses nothing but the scheme of the address
    this page's own script connects to, and the token and the Origin check still decide.
    """
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    standard = request.forwarded[0].get("proto", "").lower() if request.forwarded else ""  # RFC 7239's Forwarded
    return "wss" if request.secure or "https" in (forwarded, standard) else "ws"


@contextmanager
def redacted_logging(token: str, stream: TextIO) -> Iterator[None]:
    """Warnings and errors on ``stream``, the token replaced; no access log."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(Redact(token))
    handler.setFormatter(logging.Formatter("workplan serve: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def run(server: BoardServer, *, announce: Callable[[str], None]) -> None:
    """Serve until SIGINT or SIGTERM. ``announce`` gets the address, with its token, once it is listening.

    Raises ServeError when the address cannot be listened on.
    """
    with redacted_logging(server.token, sys.stderr):
        asyncio.run(_serve(server, announce))


async def _serve(server: BoardServer, announce: Callable[[str], None]) -> None:
    runner = web.AppRunner(server.make_app(), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        port = await _listen(runner, server.host, server.port)
        twin = LOOPBACK_TWIN.get(server.host.lower())
        if twin is not None:
            await _hold_twin(runner, twin, port)
        announce(f"http://{url_host(server.host)}:{port}/{server.token}/")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()


def why(exc: OSError) -> str:
    """An operating system's refusal in words: "Address already in use"."""
    if exc.errno and exc.errno > 0:  # asyncio's own words name the address again
        return os.strerror(exc.errno)
    return exc.strerror or str(exc)


async def _listen(runner: web.AppRunner, host: str, port: int) -> int:
    """Listen on ``host``; the port listened on (``port`` 0 picks one)."""
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as exc:
        raise ServeError(f"cannot listen on {bracketed(host)} port {port}: {why(exc)}") from None
    server = getattr(site, "_server", None)
    sockets = getattr(server, "sockets", None) or []
    return int(sockets[0].getsockname()[1]) if sockets else port


async def _hold_twin(runner: web.AppRunner, twin: str, port: int) -> None:
    """Listen on the other loopback address too, so that no one else can.

    A tunnel to ``localhost:PORT`` (``ssh -L 8000:localhost:8000``) may reach ``[::1]``
    before ``127.0.0.1``: another user listening there would be sent the secret address.
    Where this machine has no such address, there is nothing to hold.
    """
    site = web.TCPSite(runner, twin, port)
    try:
        await site.start()
    except OSError as exc:
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT, errno.EPROTONOSUPPORT, socket.EAI_NONAME):
            return
        shown = bracketed(twin)
        raise ServeError(
            f"cannot listen on {shown} port {port} as well ({why(exc)}): another program may hold it, "
            f"and a tunnel to localhost:{port} could reach it instead; choose another --port"
        ) from None
