"""Who can read the file stays as it was, with real Unix users, groups and ACLs.

wpalice and wpbob are in the group wpshare; wpcarol is not. The tests switch to
them in a forked child (tests/system.py) and use the real store on a real file.
"""

from __future__ import annotations

import os
import stat
import struct
from pathlib import Path

import pytest

from tests.conftest import make_store, seed
from tests.system import ChildError, as_user, share_gid
from workplan_tui.store import actions
from workplan_tui.store.presence import Presence
from workplan_tui.store.storage import write_atomic
from workplan_tui.store.store import Store

ACL_XATTR = "system.posix_acl_access"


def shared_file(folder: Path, owner: int, mode: int = 0o660) -> Path:
    """The seeded partnership, each member bound to their real account (wpalice acts as alice)."""
    wp = seed(folder / "workplan.json")
    for handle in ("alice", "bob", "carol"):
        actions.edit_member(make_store(wp), handle, add_accounts=[f"wp{handle}"])
    for extra in folder.iterdir():  # the lock file too, as if the owner had made everything
        os.chown(extra, owner, share_gid(), follow_symlinks=False)
    os.chmod(wp, mode)
    return wp


def bump(wp: Path, user: str) -> dict:
    return actions.set_progress(Store(wp, user=user), 1, "+10")


def acl(entries: list[tuple[int, int, int]]) -> bytes:
    """A POSIX ACL as the kernel stores it: version 2, then (tag, perm, id) entries."""
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", tag, perm, ident) for tag, perm, ident in entries)


def test_a_group_member_keeps_mode_and_group(users: dict[str, int], shared_dir: Path) -> None:
    wp = shared_file(shared_dir, users["wpalice"])
    as_user("wpbob", lambda: bump(wp, "bob"))
    st = wp.stat()
    assert (stat.S_IMODE(st.st_mode), st.st_gid) == (0o660, share_gid())
    assert as_user("wpalice", lambda: Store(wp, user="alice").read().tasks[1].progress) == 10


def test_a_writer_outside_the_group_is_refused_and_the_file_unchanged(users: dict[str, int], shared_dir: Path) -> None:
    wp = shared_file(shared_dir, users["wpalice"], mode=0o666)  # carol may write, but is not in the group
    before = wp.read_bytes()
    with pytest.raises(ChildError) as refused:
        as_user("wpcarol", lambda: bump(wp, "carol"))
    assert refused.value.kind == "ReadOnlyError" and "wpshare" in refused.value.message
    with pytest.raises(ChildError) as direct:  # the write path itself refuses, not only the pre-check
        as_user("wpcarol", lambda: write_atomic(wp, b"{}"))
    assert direct.value.kind == "ReadOnlyError"
    assert wp.read_bytes() == before and wp.stat().st_gid == share_gid()
    reason = as_user("wpcarol", lambda: Store(wp, user="carol").read_only_reason())
    assert reason and "not in its group 'wpshare'" in reason
    assert not [p for p in shared_dir.iterdir() if p.name.endswith(".tmp")]


def test_sticky_folder_owned_by_another_member_is_read_only_not_a_crash(
    users: dict[str, int], shared_dir: Path
) -> None:
    os.chmod(shared_dir, 0o1777)  # like /tmp: only a file's owner may replace it
    wp = shared_file(shared_dir, users["wpalice"], mode=0o664)
    before = wp.read_bytes()
    reason = as_user("wpbob", lambda: Store(wp, user="bob").read_only_reason())
    assert reason and "sticky" in reason and "wpalice" in reason
    with pytest.raises(ChildError) as refused:
        as_user("wpbob", lambda: bump(wp, "bob"))
    assert refused.value.kind == "ReadOnlyError"
    with pytest.raises(ChildError) as direct:  # EPERM from rename itself: one clear line
        as_user("wpbob", lambda: write_atomic(wp, b"{}", what="T1 progress"))
    assert "sticky" in direct.value.message and "T1 progress was not saved" in direct.value.message
    assert wp.read_bytes() == before
    as_user("wpalice", lambda: bump(wp, "alice"))  # the owner still can


def test_the_acl_survives_every_write(users: dict[str, int], shared_dir: Path) -> None:
    wp = shared_file(shared_dir, users["wpalice"], mode=0o660)
    # user::rw-, user:wpcarol:r--, group::rw-, mask::rw-, other::---
    entries = [(0x01, 6, 0xFFFFFFFF), (0x02, 4, users["wpcarol"]), (0x04, 6, 0xFFFFFFFF)]
    entries += [(0x10, 6, 0xFFFFFFFF), (0x20, 0, 0xFFFFFFFF)]
    try:
        os.setxattr(wp, ACL_XATTR, acl(entries))
    except OSError as exc:
        pytest.skip(f"this file system has no POSIX ACLs: {exc.strerror}")
    os.setxattr(wp, "user.workplan-test", b"kept")
    original = os.getxattr(wp, ACL_XATTR)
    as_user("wpbob", lambda: bump(wp, "bob"))
    bump(wp, "alice")  # and as root
    assert os.getxattr(wp, ACL_XATTR) == original
    assert os.getxattr(wp, "user.workplan-test") == b"kept"
    assert stat.S_IMODE(wp.stat().st_mode) == 0o660
    assert as_user("wpcarol", lambda: len(Store(wp, user="carol").read().tasks)) == 3  # carol reads via the ACL


def test_init_and_presence_in_a_group_folder_ignore_a_private_umask(users: dict[str, int], shared_dir: Path) -> None:
    os.chown(shared_dir, 0, share_gid())
    os.chmod(shared_dir, 0o2770)  # setgid group folder
    wp = shared_dir / "workplan.json"

    def create_and_beat() -> None:
        Store(wp, user="alice").create("Shared")
        Presence(wp, "alice").beat()

    as_user("wpalice", create_and_beat, umask=0o077)
    st = wp.stat()
    assert stat.S_IMODE(st.st_mode) & 0o660 == 0o660 and st.st_gid == share_gid()
    lock = shared_dir / ".workplan.json.lock"
    assert stat.S_IMODE(lock.stat().st_mode) & 0o060 == 0o060
    folder = shared_dir / ".workplan.json.presence"
    entry = next(folder.iterdir())
    assert stat.S_IMODE(folder.stat().st_mode) & 0o070 == 0o070
    assert stat.S_IMODE(entry.stat().st_mode) & 0o040 == 0o040
    # so bob, in the group, sees alice as "also here" and can write the file
    assert as_user("wpbob", lambda: Presence(wp, "bob").others()) == ["alice"]
    as_user("wpbob", lambda: Presence(wp, "bob").beat(), umask=0o077)
    assert as_user("wpalice", lambda: Presence(wp, "alice").others()) == ["bob"]


def test_presence_swapped_for_a_link_to_another_members_folder(users: dict[str, int], shared_dir: Path) -> None:
    wp = shared_file(shared_dir, users["wpalice"])
    victim = shared_dir / "bobs-own"
    victim.mkdir()
    keep = victim / "notes.host.1"
    keep.write_text("{}")
    os.utime(keep, (0, 0))
    os.chown(victim, users["wpbob"], -1)
    os.chown(keep, users["wpbob"], -1)
    (shared_dir / ".workplan.json.presence").symlink_to(victim)  # carol's trick

    def board_heartbeat() -> list[str]:
        me = Presence(wp, "bob")
        me.beat()
        return me.others()

    assert as_user("wpbob", board_heartbeat) == []
    assert keep.exists() and [p.name for p in victim.iterdir()] == ["notes.host.1"]


def test_a_link_another_member_made_is_not_followed(users: dict[str, int], shared_dir: Path) -> None:
    """mallory's link must not send bob's writes into bob's own private file (splitting the data)."""
    os.chown(shared_dir, 0, share_gid())
    wp = shared_file(shared_dir, users["wpalice"])
    private = shared_dir / "bobs-private.json"
    private.write_bytes(wp.read_bytes())
    os.chown(private, users["wpbob"], share_gid())
    link = shared_dir / "shortcut.json"
    link.symlink_to(private)
    os.lchown(link, users["wpcarol"], -1)  # carol's link
    before = private.read_bytes()
    with pytest.raises(ChildError) as refused:
        as_user("wpbob", lambda: bump(link, "bob"))
    assert "symbolic link made by wpcarol" in refused.value.message
    assert private.read_bytes() == before
    os.lchown(link, users["wpbob"], -1)  # bob's own link is his to follow
    as_user("wpbob", lambda: bump(link, "bob"))
    assert private.read_bytes() != before


def test_a_clone_git_refuses_as_another_users_says_how_to_allow_it(users: dict[str, int], shared_dir: Path) -> None:
    """git refuses a repository another user owns ("dubious ownership"): in a group folder, every
    member's but its maker's. Found following docs/administration.md; the page's fix is safe.directory."""
    import subprocess

    from workplan_tui.sync.clone import Repo, SyncError
    from workplan_tui.sync.guard import clone_problems

    wp = shared_file(shared_dir, users["wpalice"])
    subprocess.run(["git", "init", "--quiet", "--shared=group", str(shared_dir)], check=True)  # made by root

    def try_sync() -> str:
        try:
            Repo(Store(wp, user="alice"))
        except SyncError as exc:
            return str(exc)
        return "no error"

    said = as_user("wpalice", try_sync)
    assert said == (
        f"{wp}: git refuses the repository at {shared_dir}: it belongs to another user; an administrator "
        f"lets every member use it with: git config --system --add safe.directory {shared_dir}"
    )
    assert as_user("wpalice", lambda: clone_problems(wp)) == [said.removeprefix(f"{wp}: ")]
    assert clone_problems(wp) == []  # root made it: git works for root, and nothing is wrong
