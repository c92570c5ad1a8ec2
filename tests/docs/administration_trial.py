"""Follow docs/administration.md word for word, as root, for two real Unix users; print what came of it.

``python tests/docs/administration_trial.py --private TMP`` is what the test runs, inside a private
mount namespace (``unshare -m``): ``/etc`` is bound to a copy (``useradd``, ``groupadd``,
``/etc/cron.d``, ``git config --system`` and ``/etc/profile.d`` touch only the copy) and
``/opt``, ``/srv``, ``/home``, ``/usr/local/bin``, ``/usr/local/share/man`` and ``/var/backups``
are empty folders, so the machine is left as it was. Without ``--private`` it does it to the
machine itself (how the page was tried by hand; undo it after).

The steps: make the two members' accounts (the page starts from accounts that exist); run every
shell block of the page whose first line says who runs it (``# as root``, ``# as alice``), in
order, root's in bash and a member's in their login shell (``runuser -l``: the PATH, umask and
groups they get over SSH), each with ``set -eu``; run the jobs the page put in
``/etc/cron.d/workplan`` as cron does (``/bin/sh``, cron's ``PATH``, no login); then look at what
a member sees. The one word that is not the page's: this checkout's path stands in for the
package's name on PyPI (the page says a path works in its place).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "administration.md"
MEMBERS = ("alice", "bob")
PRIVATE = ("/srv", "/home", "/usr/local/bin", "/usr/local/share/man", "/var/backups")
CRON_ENV = {"PATH": "/usr/bin:/bin", "SHELL": "/bin/sh"}  # what cron gives a job


@dataclass(frozen=True)
class Block:
    user: str  # who runs it: root, or a member's login
    code: str  # the block's lines after its "# as USER" line


def blocks(page: str) -> list[Block]:
    """The page's shell blocks whose first line says who runs them (``# as root``), in order."""
    found = []
    for body in re.findall(r"^```sh\n(.*?)^```", page, re.M | re.S):
        first, _, rest = body.partition("\n")
        who = re.fullmatch(r"# as (\w+)", first.strip())
        if who:
            found.append(Block(who.group(1), rest))
    return found


def cron_jobs(crontab: str) -> list[tuple[str, str]]:
    """(user, command) of each job in a file of /etc/cron.d (five time fields, the user, the command)."""
    jobs = []
    for line in crontab.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            fields = line.split(None, 6)
            jobs.append((fields[5], fields[6]))
    return jobs


def sh(command: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], text=True, capture_output=True, **kwargs)  # type: ignore[call-overload]


def must(done: subprocess.CompletedProcess[str], what: str) -> str:
    if done.returncode != 0:
        sys.exit(f"FAILED: {what} (exit {done.returncode})\n{done.stdout}\n{done.stderr}")
    return done.stdout


def private(tmp: Path) -> None:
    """This namespace's own /etc (a copy) and empty folders where the page writes.

    What this run needs from those folders stays in reach, by a link to the machine's own: the
    machine's entries of /opt (pip's settings may name them) and, should the checkout, this
    Python or the test's folder be in one of them, its entry there.
    """
    must(sh(f"cp -a /etc {tmp}/etc && mount --bind {tmp}/etc /etc"), "a private /etc")
    needed = [ROOT, Path(sys.prefix), Path(sys.base_prefix), tmp]
    for number, folder in enumerate(("/opt", *PRIVATE)):
        real, ours = tmp / f"real{number}", tmp / f"ours{number}"
        real.mkdir()
        ours.mkdir(mode=0o755)
        must(sh(f"mkdir -p {folder} && mount --bind {folder} {real}"), f"the machine's {folder} kept in reach")
        for entry in real.iterdir():
            inside = Path(folder) / entry.name
            if folder == "/opt" or any(path == inside or inside in path.parents for path in needed):
                (ours / entry.name).symlink_to(entry)
        must(sh(f"mount --bind {ours} {folder}"), f"a private {folder}")


def follow(tmp: Path, package: str, page: str) -> dict[str, object]:
    runuser = shutil.which("runuser") or "runuser"  # in /usr/sbin, which is not on cron's PATH
    os.makedirs("/etc/cron.d", exist_ok=True)  # what the cron package provides
    for name in MEMBERS:  # the page starts from members who have accounts
        must(sh(f"useradd -m -s /bin/bash {name}"), f"useradd {name}")
    for number, block in enumerate(blocks(page), 1):
        code = "set -eu\n" + block.code.replace("workplan-tui", package)
        command = ["bash", "-c", code] if block.user == "root" else ["runuser", "-l", block.user, "-c", code]
        started = time.monotonic()
        done = subprocess.run(command, text=True, capture_output=True, cwd="/")
        took = time.monotonic() - started
        print(f"--- block {number}, as {block.user} ({took:.1f} s)\n{block.code}{done.stdout}{done.stderr}", flush=True)
        if done.returncode != 0:
            sys.exit(f"FAILED: block {number} (as {block.user}) exited {done.returncode}")
    for user, job in cron_jobs(Path("/etc/cron.d/workplan").read_text(encoding="utf-8")):
        home = must(sh(f"getent passwd {user} | cut -d: -f6"), f"{user}'s home").strip()
        env = {**CRON_ENV, "HOME": home, "LOGNAME": user}
        cwd = home if os.path.isdir(home) else "/"  # cron runs a job in its user's home
        done = subprocess.run(
            [runuser, "-u", user, "--", "/bin/sh", "-c", job], env=env, text=True, capture_output=True, cwd=cwd
        )
        print(f"--- cron, as {user}: {job}\n{done.stdout}{done.stderr}", flush=True)
        if done.returncode != 0:
            sys.exit(f"FAILED: the cron job {job!r} as {user} exited {done.returncode}")
    return look(tmp)


def member(name: str, command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["runuser", "-l", name, "-c", command], text=True, capture_output=True, cwd="/")


def look(tmp: Path) -> dict[str, object]:
    """What the members see once the page is done."""
    seen: dict[str, object] = {}
    seen["version"] = must(member("bob", "workplan --version"), "workplan --version as bob").strip()
    for name in MEMBERS:
        seen[f"man_{name}"] = must(member(name, "man -w workplan"), f"man -w workplan as {name}").strip()
        seen[f"page_{name}"] = "WORKPLAN(1)" in must(member(name, "MANWIDTH=80 man workplan | head -3"), "man")
    # Both write the same file, one after the other, each as themself.
    must(member("bob", "workplan task add P1 'Order boxes' --owner bob --due fri"), "bob adds a task")
    must(member("alice", "workplan task progress T1 +10"), "alice moves bob's task")
    refused = member("bob", "WORKPLAN_USER=alice workplan task progress T1 +10")
    seen["bob_as_alice"] = (refused.returncode, refused.stderr.strip())
    log = json.loads(must(member("alice", "workplan log --limit 100 --json"), "the log"))
    seen["acted"] = sorted({f"{e['member']} ({e['os_user']})" for e in log})
    data = Path("/srv/eastside/partnership.json")
    st = data.stat()
    seen["file"] = (oct(st.st_mode & 0o7777), must(sh(f"stat -c %G {data}"), "group").strip())
    seen["remote_commits"] = int(must(sh("git --git-dir /srv/git/eastside.git rev-list --all --count"), "the remote"))
    seen["remote_subject"] = must(sh("git --git-dir /srv/git/eastside.git log -1 --format=%B --all"), "commit").strip()
    backups = sorted(Path("/var/backups/eastside").glob("*.tar.gz"))
    with tarfile.open(backups[-1]) as backup:
        seen["backup"] = sorted(backup.getnames())
    seen["check"] = member("bob", "workplan check").returncode
    return seen


def main() -> None:
    """``[--private] TMP [PACKAGE]``: PACKAGE (a wheel, or this checkout by default) stands in for the PyPI name."""
    args = sys.argv[1:]
    page = PAGE.read_text(encoding="utf-8")  # before anything is mounted
    if args[:1] == ["--private"]:
        args = args[1:]
        private(Path(args[0]))
    package = args[1] if len(args) > 1 else str(ROOT)
    seen = follow(Path(args[0]), package, page)
    print("RESULT " + json.dumps(seen), flush=True)


if __name__ == "__main__":
    main()
