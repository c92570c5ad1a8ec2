"""``workplan serve``: the board in a web browser. The server loads only when the command runs.

The command checks the file and its arguments here; the server itself (textual-serve,
aiohttp) is imported by name inside the command, so no other command pays for it and
the CLI never imports Textual.
"""

from __future__ import annotations

import gc
import importlib
import os
import stat
import sys
import threading

import click

from workplan_tui.cli.base import Env, Whole, fail, pass_env
from workplan_tui.model import identity, rules
from workplan_tui.model.text import clean


@click.command("serve")
@click.option(
    "--port",
    type=Whole(0, 65535),
    default=8000,
    show_default=True,
    help="The port to listen on (0 picks a free one).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on; any but this machine's own is reachable by others, and warned about.",
)
@pass_env
def serve(env: Env, port: int, host: str) -> None:
    """Serve the board in a web browser, to whoever has the secret address it prints.

    Every browser session acts as you (the member running serve), as the board in a terminal
    would. The address printed on standard output carries a random secret token: anyone who
    has it can act as you, and any request without it is refused. Press Ctrl+C to stop.

    From your own computer, reach a server's board through an SSH tunnel, then open the
    printed address in your browser.

    \b
    Examples:
      workplan serve
      workplan serve --port 8001
      ssh -L 8000:localhost:8000 server    # on your own computer
    """
    host = host.strip()
    if not host or any(ch.isspace() or ch in "/?#@" for ch in host):
        fail(f"--host {clean(host)!r} is not a host name or address")
    _refuse_readable_output()
    store = env.store
    store.check_everything()
    workplan = store.read(allow_newer=True)  # a bad file is one line now, not a blank page later
    member = env.user
    server_module = importlib.import_module("workplan_tui.serve.server")
    host = server_module.canonical_host(host)
    if not server_module.is_loopback(host):
        click.echo(
            f"workplan: warning: serving on {clean(host)}, not only this machine: anyone who can reach it and "
            "learns the address (sent unencrypted over plain HTTP) can act as you. Prefer the default with an "
            "SSH tunnel (see 'workplan serve --help').",
            err=True,
        )
    refused = rules.member_problem(member, identity.bindings(workplan.members.values()), store.login)
    if refused:
        click.echo(f"workplan: note: the board will be read-only: {clean(refused)}", err=True)
    elif store.read_only_reason():
        click.echo(f"workplan: note: the board will be read-only: {clean(store.read_only_reason() or '')}", err=True)
    path = store.given.absolute()

    reading = threading.Lock()  # pages are answered in threads; one Store reads at a time

    def title() -> str:
        """The page's title, read when a page is asked for: a renamed partnership shows."""
        try:
            with reading:
                name = store.read(allow_newer=True).partnership.name
        except Exception:  # the page still opens; the board says what is wrong with the file
            name = path.name
        return clean(f"{name} · as {member} · workplan")

    argv = server_module.session_command(path, member, env.theme)
    server = server_module.BoardServer(argv, host=host, port=port, title=title)

    def announce(url: str) -> None:
        click.echo(url)
        sys.stdout.flush()
        click.echo(
            f"workplan: serving {clean(str(path))} as {clean(member)}. The address above is secret: anyone "
            "who has it can act as you. Ctrl+C stops.",
            err=True,
        )

    gc.enable()  # the command left the cycle collector off (cli/entry.py); a server runs for hours
    try:
        server_module.run(server, announce=announce)
    except server_module.ServeError as exc:
        fail(str(exc))
    click.echo("workplan: stopped serving", err=True)


def _refuse_readable_output() -> None:
    """The address is printed once, on standard output: not into a file that others can read."""
    try:
        info = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        return  # not a real file (a test's buffer)
    if stat.S_ISREG(info.st_mode) and info.st_mode & (stat.S_IRGRP | stat.S_IROTH):
        fail(
            "standard output is a file that others can read, and the address it would get is secret; "
            "send it to a file only you can read (chmod 600), or to the terminal"
        )
