"""Puts a subprocess of the test suite on the suite's pinned clock (tests/clock.py).

The test process sets ``WORKPLAN_TEST_CLOCK_OFFSET`` (seconds between the pinned clock and the
real one) and puts this folder first on ``PYTHONPATH``; Python imports ``sitecustomize`` at
start, so every Python a test starts (the CLI, the merge driver git runs, the server) reads
the same ticking "now" as the test. Only Python's clock functions move: file times stay the
file system's, as they must.
"""

import os

_offset = os.environ.get("WORKPLAN_TEST_CLOCK_OFFSET")
if _offset:
    import time as _time

    import time_machine as _time_machine

    _time_machine.travel(_time.time() + float(_offset), tick=True).start()
