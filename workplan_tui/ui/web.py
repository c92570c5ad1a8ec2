"""The board for one browser session of ``workplan serve``.

textual-serve starts one process per browser tab, with Textual's web driver on its
standard input and output: ``python -m workplan_tui.ui.web FILE MEMBER [THEME]``.
The server (``workplan_tui/serve/``) builds that command once, at start, from its own
arguments; nothing a browser sends reaches it. The process never learns the server's
secret token.

The session acts as the member who started ``serve``, and the activity log's OS account
says the change came through the browser ("alice via browser"). The board itself is the
terminal's: the same read-only rules, the same keys.
"""

from __future__ import annotations

import gc
import sys

# A board waits less than a script for the lock: the screen does not answer keys meanwhile.
LOCK_TIMEOUT = 3.0
VIA = " via browser"


def os_account(login: str) -> str:
    """The OS account a browser session records in the activity log."""
    return f"{login}{VIA}"


def main(argv: list[str] | None = None) -> int:
    """Run the board for one browser session; 1 (with one line on stderr) when the file cannot be opened."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3):
        print("usage: python -m workplan_tui.ui.web FILE MEMBER [THEME]", file=sys.stderr)
        return 2
    gc.disable()  # as the `workplan` command does: the board turns it back on once it has painted
    from workplan_tui.store.storage import StoreError
    from workplan_tui.store.store import Store
    from workplan_tui.ui.app import make_app

    path, member = args[0], args[1]
    theme = args[2] if len(args) == 3 else None
    try:
        store = Store(path, user=member)
    except StoreError as exc:
        print(f"workplan: error: {exc}", file=sys.stderr)
        return 1
    store.os_user = os_account(store.os_user)
    store.on_wait = None
    store.lock_timeout = LOCK_TIMEOUT
    app = make_app(store.path, store=store, theme=theme)
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
