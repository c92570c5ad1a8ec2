"""A writer process for the concurrency tests: python _writer.py FILE USER OP COUNT."""

import sys

from workplan_tui.store import actions
from workplan_tui.store.store import Store

path, user, op, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
store = Store(path, user=user)
for i in range(count if count > 0 else 10**9):
    if op == "bump":
        actions.set_progress(store, 3, "+1")
    elif op == "add":
        actions.add_task(store, 1, f"{user}-{i}")
    elif op == "checkin":
        actions.checkin(store, 1, i, f"{user}-{i}")
    elif op == "note":
        actions.add_note(store, 2, f"{user}-{i}")
