"""Who else has the file open: small side files, never the shared file itself.

Each open board keeps ``.NAME.presence/USER.HOST.PID`` beside the data file and
touches it every ``HEARTBEAT`` seconds; an entry not touched for ``EXPIRES``
seconds is stale (its board crashed or lost its connection) and is ignored and
cleared away.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import time
from pathlib import Path

HEARTBEAT = 10.0
EXPIRES = 35.0


class Presence:
    def __init__(self, path: Path, user: str) -> None:
        self.folder = path.with_name(f".{path.name}.presence")
        self.user = user
        self.entry = self.folder / f"{user}.{socket.gethostname()}.{os.getpid()}"

    def beat(self) -> None:
        """Say (again) that I am here. Problems (read-only folder) are not errors."""
        try:
            if not self.folder.exists():
                self.folder.mkdir(mode=0o777)
                mode = stat.S_IMODE(self.folder.stat().st_mode)
                self.folder.chmod(mode | stat.S_IRGRP | stat.S_IWGRP | stat.S_IXGRP)
            if self.entry.exists():
                os.utime(self.entry)
            else:
                self.entry.write_text(json.dumps({"user": self.user, "pid": os.getpid(), "since": time.time()}))
        except OSError:
            pass

    def others(self, now: float | None = None) -> list[str]:
        """Other members with the file open now (not me, not stale), sorted."""
        now = time.time() if now is None else now
        users: set[str] = set()
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return []
        for entry in entries:
            if entry == self.entry:
                continue
            try:
                age = now - entry.stat().st_mtime
                if age > EXPIRES:
                    entry.unlink(missing_ok=True)  # a board that went away without saying so
                    continue
                user = json.loads(entry.read_text()).get("user")
            except (OSError, ValueError, AttributeError):
                continue
            if isinstance(user, str) and user != self.user:
                users.add(user)
        return sorted(users)

    def leave(self) -> None:
        try:
            self.entry.unlink(missing_ok=True)
        except OSError:
            pass
