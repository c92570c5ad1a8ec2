"""``workplan status --brief``: the login nudge, one line or nothing, fast enough for a .profile.

    $ workplan status --brief
    2 overdue, 1 vote to cast: run workplan

The words are the digest's (``model/digest.py``: ``nudge``), so the nudge, the mail and the
board never disagree on what is mine to act on. Nothing is printed when there is nothing to
act on, or for someone who is not a member.

**Fast.** A login shell runs it every time, so it must not cost what ``status`` does (click
alone is half of a command's start). The console script (``cli/entry.py``) hands a command
line of exactly ``[-f FILE] status --brief`` to ``fast`` before click is imported. For a file
whose seal is intact (store/layout.py), ``fast`` parses only the small tables, the acting
member's own task lines and those with follow-ups, found by their bytes among 10,000, and builds
the partnership from those: the nudge's kinds read no other task (model/digest.py says so). Anything else (no seal,
a newer schema, an unreadable file, an odd command line) falls back to click's ``status
--brief``, which reads the whole file as every command does and says what is wrong in one line.
``benchmarks/bench_brief.py`` measures it at 10,000 tasks against Python's own start.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from workplan_tui.model.records import Workplan


def line(workplan: Workplan, member: str, today: date, file: str | None = None) -> str:
    """The nudge for ``member``: '2 overdue, 1 vote to cast: run workplan', or '' (nothing to act
    on, or not a member). ``file``: the path given with ``-f``, named in the command to run."""
    from workplan_tui.model.digest import nudge

    if member not in workplan.members:
        return ""
    words = nudge(workplan, member, today=today)
    if not words:
        return ""
    run = "workplan" if file is None else f"workplan -f {_quoted(file)}"
    return f"{words}: run {run}"


def _quoted(path: str) -> str:
    """A path as a shell reads it back (only quoted when it must be)."""
    import shlex

    from workplan_tui.model.text import clean

    return shlex.quote(clean(path))


def file_given(argv: Sequence[str]) -> tuple[str | None, bool] | None:
    """For a command line of exactly ``[-f FILE | --file FILE | --file=FILE]... status --brief``:
    (the file given with -f, or None), and True. Anything else: None."""
    args = list(argv)
    given: str | None = None
    while args and args[0] not in ("status",):
        flag = args.pop(0)
        if flag in ("-f", "--file") and args:
            given = args.pop(0)
        elif flag.startswith("--file="):
            given = flag[len("--file=") :]
        elif flag.startswith("-f") and len(flag) > 2:
            given = flag[2:]
        else:
            return None
    if args != ["status", "--brief"] or given == "":
        return None
    return given, True


# The tables the nudge reads whole; of "tasks" only the acting member's lines.
_WHOLE = ("partners", "members", "norms", "plans", "votes", "outcomes", "grants", "meetings")


def fast(argv: Sequence[str]) -> bool:
    """Print the nudge for a sealed file without click; False (nothing printed) to let click do it.

    Never raises: whatever goes wrong is left to the full ``status --brief``, which says it.
    """
    parsed = file_given(argv)
    if parsed is None:
        return False
    given = parsed[0]
    try:
        text = _nudge_of(Path(given or os.environ.get("WORKPLAN_FILE") or "workplan.json"), given)
    except Exception:  # the full command reads the file again and says what is wrong, in one line
        return False
    if text is None:
        return False
    if text:
        sys.stdout.write(text + "\n")
    sys.stdout.flush()
    return True


def _nudge_of(path: Path, given: str | None) -> str | None:
    """The nudge for a sealed file of this schema, or None to leave it to the full command."""
    import orjson

    from workplan_tui.model import dates, identity, schema
    from workplan_tui.model.records import SCHEMA_VERSION
    from workplan_tui.store import layout
    from workplan_tui.store.storage import os_login, read_bytes, real_path

    raw, _ = read_bytes(real_path(path))
    tables = layout.index(raw, lambda table, record: None)  # an intact seal vouches for the records
    if tables is None or tables["meta"]["1"].get("schema_version") != SCHEMA_VERSION:
        return None
    data = {name: dict(tables[name].items()) for name in _WHOLE if name in tables}
    # Whom this login acts as, as Store.user settles it (model/identity.py), without the store's imports:
    # $WORKPLAN_USER (store.requested_member), else the member the file binds the login to.
    login = os_login()
    binds = identity.raw_bindings(data.get("members", {}).values())
    member = os.environ.get("WORKPLAN_USER", "").strip() or identity.default_member(binds, login) or login
    data["meta"] = {"1": tables["meta"]["1"]}
    if "tasks" in tables:
        found = tables["tasks"].containing(b'"owner":' + orjson.dumps(member))
        data["tasks"] = {key: task for key, task in found.items() if task.get("owner") == member}
        # and the tasks followed up (model/digest.py: a follow-up due is the one who recorded it's)
        followed = tables["tasks"].containing(b'"followups":')
        data["tasks"].update((key, task) for key, task in followed.items() if task.get("followups"))
    workplan = schema.build(data, sealed=True)  # the seal vouches for the plain checks too
    return line(workplan, member, dates.today(), None if given is None else str(Path(given)))
