"""The ``workplan`` console script: turns the cycle collector off before anything loads.

A command lives a fraction of a second. Importing click and workplan creates tens of
thousands of objects, and a read builds ~100,000 more, all without cycles; the cycle
collector would only scan them (about 8 ms of imports and 20 ms of reading at 10,000
tasks, measured with ``benchmarks/bench_scale.py``). ``cli.main.main`` keeps it off for
commands; the board turns it back on (it runs for hours).
"""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    """Console entry point: ``workplan [-f FILE] COMMAND ...`` (see cli/main.py)."""
    gc.disable()
    if sys.argv[-1:] == ["--brief"]:  # the login nudge, before click loads (cli/brief.py)
        from workplan_tui.cli.brief import fast

        if fast(sys.argv[1:]):
            os._exit(0)  # as short commands end (cli/main.py): no teardown
    from workplan_tui.cli.main import main as run  # after gc.disable(): see the docstring

    run()
